"""Meetings, and what changed since the last one.

A CX program lives from one review meeting to the next. Each workspace keeps a short list of
its meetings (date, title, attendees, notes: table ``meetings``, migration set
``cxcore.meetings``). :func:`since_last_meeting` answers the first question of every meeting,
"what has changed since we last met?", from data the other modules already keep:

- **scores**: the scorecard of the days since the last meeting against the same number of
  days before it, with the noise (:func:`cxcore.scorecard.compare`: NPS against the combined
  margin of error, CSAT and churn by a two-proportion test at 5%, effort by Welch's test;
  small samples said plainly);
- **journey health**: parts that got better or worse on each journey map since that date
  (:func:`cxcore.journeys.changes_since`, from ``journey_health_history``);
- **actions**: opened and closed since then, and overdue now;
- **interviews**: how many conversations were held since then, and their most frequent themes
  (interview tags).

Editors and owners save and delete meetings; anyone who can read the workspace reads them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cxcore import journeys, scorecard
from cxcore.accounts import now_iso
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.workspace import WorkspaceSession

MAX_TITLE = 200
MAX_ATTENDEES = 1000
MAX_NOTES = 20_000
#: The scores the summary compares.
SCORE_KEYS = ("nps", "csat_pct", "ces_mean", "churn_rate_pct")
#: How many themes the summary names.
THEMES = 5


def _check(when: Any, title: Any, attendees: Any, notes: Any) -> dict[str, Any]:
    problems: list[Problem] = []
    day = None
    if isinstance(when, date):
        day = when
    else:
        try:
            day = date.fromisoformat(str(when or "").strip())
        except ValueError:
            problems.append(Problem("date", f"'{when}' is not a date like 2026-11-30"))
    title_s = str(title or "").strip()
    if not title_s:
        problems.append(Problem("title", "is required (e.g. 'Quarterly CX review')"))
    elif len(title_s) > MAX_TITLE:
        problems.append(Problem("title", f"is {len(title_s)} characters; at most {MAX_TITLE}"))
    attendees_s = str(attendees or "").strip()
    if len(attendees_s) > MAX_ATTENDEES:
        problems.append(Problem("attendees",
                                f"is {len(attendees_s)} characters; at most {MAX_ATTENDEES}"))
    notes_s = str(notes or "").strip()
    if len(notes_s) > MAX_NOTES:
        problems.append(Problem("notes", f"is {len(notes_s)} characters; at most {MAX_NOTES}"))
    if problems:
        raise ValidationError(problems)
    return {"date": day.isoformat(), "title": title_s, "attendees": attendees_s,
            "notes": notes_s}


def add_meeting(session: WorkspaceSession, when: date | str, title: str, attendees: str = "",
                notes: str = "") -> int:
    """Save a meeting (editors and owners); returns its id. ``attendees`` is free text
    (e.g. "Ann, Bob (finance)")."""
    session.require("editor")
    row = _check(when, title, attendees, notes)
    with session.db.atomic():
        meeting_id = session.db["meetings"].insert(
            {**row, "created_by": session.username, "created_at": now_iso()}).last_pk
        session.log("add", "meeting", meeting_id, {"date": row["date"], "title": row["title"]})
    return int(meeting_id)


def delete_meeting(session: WorkspaceSession, meeting_id: int) -> None:
    """Delete a saved meeting (editors and owners)."""
    session.require("editor")
    get_meeting(session, meeting_id)
    with session.db.atomic():
        session.db.execute("delete from meetings where id = ?", [meeting_id])
        session.log("delete", "meeting", meeting_id)


def get_meeting(session: WorkspaceSession, meeting_id: int) -> dict[str, Any]:
    """One meeting; :class:`NotFound` when there is none with that id."""
    rows = list(session.db.query("select * from meetings where id = ?", [meeting_id]))
    if not rows:
        raise NotFound(f"There is no meeting {meeting_id} in this workspace.")
    return rows[0]


def list_meetings(session: WorkspaceSession) -> list[dict[str, Any]]:
    """Every meeting, newest first."""
    return list(session.db.query("select * from meetings order by date desc, id desc"))


def last_meeting_before(session: WorkspaceSession, day: date) -> dict[str, Any] | None:
    """The latest meeting dated strictly before ``day`` (the previous meeting when ``day`` is
    today's meeting), or None."""
    rows = list(session.db.query(
        "select * from meetings where date < ? order by date desc, id desc limit 1",
        [day.isoformat()]))
    return rows[0] if rows else None


def _score_lines(session: WorkspaceSession, since: date, today: date) -> list[dict[str, Any]]:
    per = scorecard.parse_period(f"{since.isoformat()}..{today.isoformat()}")
    before_per = scorecard.previous_period(per)
    card = scorecard.scorecard(session, per)
    before = scorecard.scorecard(session, before_per) if before_per else None
    changes = scorecard.compare(card, before, min_n=scorecard.small_sample_threshold(session))
    out = []
    for key in SCORE_KEYS:
        d = scorecard.METRIC_BY_KEY[key]
        change = changes[key]
        if change.value is None:
            continue
        out.append({"key": key, "label": d.label,
                    "value": scorecard.format_value(change.value, d.unit, where=session),
                    "previous": scorecard.format_value(change.previous, d.unit, missing="—",
                                                       where=session),
                    "change": scorecard.format_change(change.change, d.unit, session),
                    "meaningful": change.meaningful,
                    "verdict": "meaningful change" if change.meaningful else change.note,
                    "short": "meaningful change" if change.meaningful else short_note(change.note),
                    "n": card["nps_n"] if key == "nps" else None})
    return out


def short_note(note: str) -> str:
    """The noise verdict without its detail: "within the noise (p = 0.3, …)" -> "within the
    noise"; "not tested: both periods …" -> "not tested"."""
    return re.split(r" \(|: ", note, maxsplit=1)[0]


def _journey_changes(session: WorkspaceSession, since: date) -> list[dict[str, Any]]:
    out = []
    for j in journeys.list_journeys(session):
        result = journeys.changes_since(session, j["id"], since)
        if result["changes"]:
            out.append({"journey_id": j["id"], "name": j["name"],
                        "changes": len(result["changes"]), "better": result["better"],
                        "worse": result["worse"],
                        "parts": [{"step": r["step_name"], "actor": r["actor_name"],
                                   "before": r["before"], "after": r["after"],
                                   "direction": r["direction"]} for r in result["net"]]})
    return out


def _actions(session: WorkspaceSession, since: date, today: date) -> dict[str, int]:
    s = since.isoformat()
    opened, closed = session.db.execute(
        "select coalesce(sum(date(created_at) >= date(:s)), 0), "
        "coalesce(sum(closed_at is not null and date(closed_at) >= date(:s)), 0) from actions",
        {"s": s}).fetchone()
    overdue = len(journeys.list_actions(session, overdue_only=True, today=today))
    return {"opened": opened, "closed": closed, "overdue": overdue}


def _interviews(session: WorkspaceSession, since: date) -> dict[str, Any]:
    s = since.isoformat()
    kinds = dict(session.db.execute(
        "select kind, count(*) from interviews where deleted_at is null and date >= ? "
        "group by kind", [s]).fetchall())
    themes = [{"tag": tag, "interviews": n} for tag, n in session.db.execute(
        "select t.tag, count(*) from interview_tags t join interviews i on i.id = t.interview_id "
        "where i.deleted_at is null and i.date >= ? group by t.tag "
        "order by count(*) desc, t.tag limit ?", [s, THEMES]).fetchall()]
    return {"count": sum(kinds.values()), "customer": kinds.get("customer", 0),
            "employee": kinds.get("employee", 0), "themes": themes}


def changes_since(session: WorkspaceSession, since: date, today: date | None = None
                  ) -> dict[str, Any]:
    """What changed from ``since`` to ``today`` (see the module docstring): ``scores``,
    ``journeys``, ``actions`` (``opened``, ``closed``, ``overdue``), ``interviews`` (``count``,
    ``customer``, ``employee``, ``themes``) and ``lines``, the same in plain sentences."""
    session.require("viewer")
    today = today or date.today()
    if since > today:
        raise ValidationError(Problem("date", f"{since} is after {today}"))
    scores = _score_lines(session, since, today)
    journey_changes = _journey_changes(session, since)
    actions = _actions(session, since, today)
    interviews = _interviews(session, since)
    days = (today - since).days + 1  # the period includes both ends
    lines = []
    for s in scores:
        if s["change"] is None:
            lines.append(f"{s['label']} is {s['value']} in the {days} days since; no earlier "
                         "data to compare with.")
        else:
            lines.append(f"{s['label']} {s['value']} in the {days} days since, against "
                         f"{s['previous']} in the {days} days before ({s['change']}: "
                         f"{s['short']}).")
    if not scores:
        lines.append("No survey answers or customers in the days since, so no scores to "
                     "compare.")
    for j in journey_changes:
        lines.append(f"{j['name']}: {j['changes']} health change"
                     f"{'s' if j['changes'] != 1 else ''}; {j['better']} part"
                     f"{'s' if j['better'] != 1 else ''} better, {j['worse']} worse.")
    if not journey_changes:
        lines.append("No journey part's health was changed.")
    lines.append(f"Actions: {actions['opened']} opened, {actions['closed']} closed, "
                 f"{actions['overdue']} overdue now.")
    themes = ", ".join(f"{t['tag']} ({t['interviews']})" for t in interviews["themes"])
    lines.append(f"{interviews['count']} new interview{'s' if interviews['count'] != 1 else ''}"
                 f" ({interviews['customer']} customer, {interviews['employee']} employee)"
                 + (f"; themes: {themes}." if themes else "."))
    return {"since": since.isoformat(), "today": today.isoformat(), "scores": scores,
            "journeys": journey_changes, "actions": actions, "interviews": interviews,
            "lines": lines}


def since_last_meeting(session: WorkspaceSession, today: date | None = None
                       ) -> dict[str, Any] | None:
    """:func:`changes_since` the latest meeting before ``today`` (key ``meeting`` added), or
    None when no earlier meeting is saved."""
    session.require("viewer")
    today = today or date.today()
    meeting = last_meeting_before(session, today)
    if meeting is None:
        return None
    since = date.fromisoformat(meeting["date"])
    result = changes_since(session, since, today)
    result["meeting"] = meeting
    return result
