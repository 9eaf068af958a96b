"""Closing the loop: following up survey responses, detractors first.

Any response can be given a follow-up: an owner, a status (``new`` → ``contacted`` →
``resolved``, and back if a case reopens), a note, a due date and a link to a journey action
(the fix that the conversation led to). Detractors (NPS 0-6) are flagged by default: until
someone acts on one, it counts as a ``new`` follow-up without an owner. Only what people
change is stored, in ``follow_ups`` (one row per response, removed with the response).

Rates: of the responses flagged in a period (detractors, plus any other response given a
follow-up), the share contacted or resolved (:func:`follow_up_stats`), and the time to close,
from the answer's date to the day it was marked resolved.
"""

from __future__ import annotations

import statistics
from datetime import date
from typing import Any

from cxcore.accounts import now_iso
from cxcore.comments import group_of
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.workspace import WorkspaceSession

STATUSES = ("new", "contacted", "resolved")
OPEN = ("new", "contacted")
MAX_NOTE = 5000
MAX_OWNER = 100
_UNSET: Any = object()


_SELECT = """
select r.id as response_id, r.date, r.nps, r.customer_id, r.segment, r.channel, r.comment,
       f.owner, coalesce(f.status, 'new') as status, f.note, f.due_date, f.action_id,
       a.what as action_what, f.updated_by, f.updated_at, f.closed_at,
       f.response_id is null as by_default
from responses r
left join follow_ups f on f.response_id = r.id
left join actions a on a.id = f.action_id
"""
#: A response needs following up: it has a follow-up, or it is a detractor (flagged by default).
_FLAGGED = "((f.response_id is null and r.nps <= 6) or (f.response_id is not null))"


def _row(row: dict[str, Any], today: str) -> dict[str, Any]:
    row["group"] = group_of(row["nps"])
    row["by_default"] = bool(row["by_default"])
    row["overdue"] = bool(row["due_date"] and row["status"] != "resolved"
                          and row["due_date"] < today)
    return row


def get_follow_up(session: WorkspaceSession, response_id: int) -> dict[str, Any]:
    """The follow-up of one response (a detractor's default one if nobody acted yet).

    ``flagged`` says whether the response needs following up at all (a detractor, or someone
    gave it a follow-up). Raises NotFound for an unknown response."""
    rows = list(session.db.query(_SELECT + " where r.id = ?", [response_id]))
    if not rows:
        raise NotFound(f"There is no survey response {response_id}.")
    row = _row(rows[0], date.today().isoformat())
    row["flagged"] = not row["by_default"] or (row["nps"] is not None and row["nps"] <= 6)
    return row


def validate(owner: Any = _UNSET, status: Any = _UNSET, note: Any = _UNSET,
             due_date: Any = _UNSET) -> tuple[dict[str, Any], list[Problem]]:
    """Check the fields given (others are left out of the result): owner at most 100
    characters, status one of :data:`STATUSES`, note at most 5,000 characters, due date
    YYYY-MM-DD. Empty owner, note or due date clear the field."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    if owner is not _UNSET:
        text = " ".join(str(owner or "").split()) or None
        if text and len(text) > MAX_OWNER:
            problems.append(Problem("owner", f"is longer than {MAX_OWNER} characters"))
        clean["owner"] = text
    if status is not _UNSET:
        value = str(status or "").strip().lower()
        if value not in STATUSES:
            problems.append(Problem("status", f"must be new, contacted or resolved, not "
                                              f"'{status}'"))
        clean["status"] = value
    if note is not _UNSET:
        text = str(note) if note is not None and str(note).strip() else None
        if text and len(text) > MAX_NOTE:
            problems.append(Problem("note", f"is {len(text):,} characters long; the limit is "
                                            f"{MAX_NOTE:,}"))
        clean["note"] = text
    if due_date is not _UNSET:
        if due_date in (None, ""):
            clean["due_date"] = None
        else:
            try:
                clean["due_date"] = (due_date if isinstance(due_date, date)
                                     else date.fromisoformat(str(due_date).strip())).isoformat()
            except ValueError:
                problems.append(Problem("due_date", f"'{due_date}' is not a date like "
                                                    "2026-03-31"))
    return clean, problems


def update_follow_up(session: WorkspaceSession, response_id: int, *, owner: Any = _UNSET,
                     status: Any = _UNSET, note: Any = _UNSET, due_date: Any = _UNSET,
                     action_id: Any = _UNSET) -> dict[str, Any]:
    """Set any of a response's follow-up fields (editors); returns the follow-up as stored.

    Marking it resolved records when (``closed_at``), which :func:`follow_up_stats` uses for
    the time to close; moving it back to new or contacted clears that. ``action_id`` links a
    journey action (None unlinks). Raises ValidationError naming each bad field, NotFound for
    an unknown response; nothing is stored then."""
    session.require("editor")
    current = get_follow_up(session, response_id)
    clean, problems = validate(owner, status, note, due_date)
    if action_id is not _UNSET:
        if action_id in (None, ""):
            clean["action_id"] = None
        else:
            try:
                clean["action_id"] = int(action_id)
            except (TypeError, ValueError):
                problems.append(Problem("action_id", f"'{action_id}' is not an action number"))
            else:
                if session.db.execute("select 1 from actions where id = ?",
                                      [clean["action_id"]]).fetchone() is None:
                    problems.append(Problem("action_id", f"there is no action {action_id}"))
    if problems:
        raise ValidationError(problems)
    if not clean:
        return current
    stamp = now_iso()
    if "status" in clean and clean["status"] != current["status"]:
        clean["closed_at"] = stamp if clean["status"] == "resolved" else None
    with session.db.atomic():
        if current["by_default"]:
            session.db["follow_ups"].insert({
                "response_id": response_id, "status": "new", "created_by": session.username,
                "created_at": stamp})
        session.db["follow_ups"].update(response_id, {**clean, "updated_by": session.username,
                                                      "updated_at": stamp})
        # The note is the customer's story: the log says it changed, not what it says.
        session.log("update", "follow_up", response_id,
                    {k: ("changed" if k == "note" else v) for k, v in clean.items()})
    return get_follow_up(session, response_id)


def _filters(status: str | None, owner: str | None, period: str | None,
             overdue: bool) -> tuple[str, list[Any]]:
    from cxcore.scorecard import parse_period

    where = [_FLAGGED, "f.erased_at is null"]
    params: list[Any] = []
    if status in (None, "open"):
        where.append("coalesce(f.status, 'new') in ('new', 'contacted')")
    elif status in STATUSES:
        where.append("coalesce(f.status, 'new') = ?")
        params.append(status)
    elif status != "all":
        raise ValidationError(Problem("status", f"'{status}' is not a status: use open, all, "
                                                + ", ".join(STATUSES)))
    if owner:
        if owner == "-":
            where.append("f.owner is null")
        else:
            where.append("f.owner = ?")
            params.append(owner)
    if period and period != "all":
        bounds = parse_period(period)
        where.append("r.date >= ? and r.date < ?")
        params += [bounds.start, bounds.end]
    if overdue:
        where.append("f.due_date < ? and coalesce(f.status, 'new') != 'resolved'")
        params.append(date.today().isoformat())
    return " and ".join(where), params


def inbox(session: WorkspaceSession, *, status: str | None = "open", owner: str | None = None,
          period: str | None = None, overdue: bool = False, limit: int = 50,
          offset: int = 0) -> dict[str, Any]:
    """Follow-ups to work on: ``{"total": N, "follow_ups": [...]}``.

    ``status``: ``open`` (new or contacted, the default), ``all``, or one status. ``owner``:
    one person's, or ``-`` for nobody's yet. ``overdue``: past their due date and not
    resolved. Order: those with the earliest due date first, then undated ones, newest answer
    first. Items: response_id, date, nps, group, customer_id, segment, channel, comment, owner,
    status, note, due_date, action_id, action_what, by_default (a detractor nobody has acted
    on yet), overdue, updated_by, updated_at, closed_at."""
    where, params = _filters(status, owner, period, overdue)
    base = ("from responses r left join follow_ups f on f.response_id = r.id "
            f"where {where}")
    total = session.db.execute(f"select count(*) {base}", params).fetchone()[0]
    today = date.today().isoformat()
    rows = session.db.query(
        _SELECT + f" where {where} order by f.due_date is null, f.due_date, r.date desc, "
        f"r.id desc limit {int(limit)} offset {int(offset)}", params)
    return {"total": total, "follow_ups": [_row(r, today) for r in rows]}


def follow_up_stats(session: WorkspaceSession, period: str | None = None) -> dict[str, Any]:
    """Follow-up rate and time to close for the responses answered in ``period``.

    ``flagged``: responses needing a follow-up (detractors, plus any given one);
    ``followed``: of those, contacted or resolved; ``rate_pct`` = 100 × followed / flagged
    (None when nothing is flagged); ``resolved``; ``median_days_to_close``: median of
    (day resolved − day answered) over the resolved ones (None when none is); ``open`` and
    ``overdue`` right now. Counts include follow-ups of erased customers (numbers only)."""
    from cxcore.scorecard import parse_period

    where, params = [_FLAGGED], []
    if period and period != "all":
        bounds = parse_period(period)
        where.append("r.date >= ? and r.date < ?")
        params += [bounds.start, bounds.end]
    sql = " and ".join(where)
    flagged, followed, resolved, open_now, overdue = session.db.execute(
        "select count(*), coalesce(sum(f.status in ('contacted', 'resolved')), 0), "
        "coalesce(sum(f.status = 'resolved'), 0), "
        "coalesce(sum(coalesce(f.status, 'new') != 'resolved'), 0), "
        "coalesce(sum(f.due_date < ? and f.status != 'resolved'), 0) "
        f"from responses r left join follow_ups f on f.response_id = r.id where {sql}",
        [date.today().isoformat(), *params]).fetchone()
    days = [row[0] for row in session.db.execute(
        "select julianday(substr(f.closed_at, 1, 10)) - julianday(r.date) from follow_ups f "
        f"join responses r on r.id = f.response_id where f.status = 'resolved' and {sql}",
        params) if row[0] is not None]
    return {"flagged": flagged, "followed": followed, "resolved": resolved, "open": open_now,
            "overdue": overdue, "rate_pct": 100.0 * followed / flagged if flagged else None,
            "median_days_to_close": statistics.median(days) if days else None}


def for_customer(session: WorkspaceSession, customer_id: str) -> list[dict[str, Any]]:
    """Every follow-up of one customer's responses (a detractor's default one included),
    oldest answer first, in the shape :func:`inbox` gives."""
    today = date.today().isoformat()
    return [_row(r, today) for r in session.db.query(
        _SELECT + f" where r.customer_id = ? and {_FLAGGED} order by r.date, r.id",
        [customer_id])]


def action_choices(session: WorkspaceSession) -> list[dict[str, Any]]:
    """Journey actions a follow-up can be linked to: id, what, journey, status (open first)."""
    return list(session.db.query(
        "select a.id, a.what, j.name as journey, a.status from actions a join journeys j on "
        "j.id = a.journey_id order by a.status != 'open', a.id desc"))


def owners(session: WorkspaceSession) -> list[str]:
    """Everyone who owns a follow-up, alphabetically."""
    return [r[0] for r in session.db.execute(
        "select distinct owner from follow_ups where owner is not null order by owner")]
