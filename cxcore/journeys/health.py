"""Parts and their health: who takes part where, ratings, evidence, history, summaries and the
team's rating per step."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cxcore.accounts import now_iso
from cxcore.errors import Problem, ValidationError
from cxcore.journeys.base import (
    _check_choice,
    _check_text,
    _insert_history,
    _one,
    _raise,
    _remove_parts,
    _touch,
)
from cxcore.journeys.model import get_actor, get_step
from cxcore.journeys.tables import HEALTHS
from cxcore.workspace import WorkspaceSession

# ---- parts and health -----------------------------------------------------------------------

def list_parts(session: WorkspaceSession, journey_id: int) -> list[dict]:
    """Every part of the journey with its step and actor (names, order, side of the line),
    in map order: steps left to right, actors frontstage first."""
    return list(session.db.query(
        "select p.*, s.name as step_name, s.position as step_position, a.name as actor_name, "
        "a.kind as actor_kind, a.stage, a.position as actor_position, "
        "(select count(*) from journey_evidence e where e.part_id = p.id) as evidence_count, "
        "(select count(*) from actions x where x.part_id = p.id and x.status != 'done') "
        "  as open_actions "
        "from journey_parts p join journey_steps s on s.id = p.step_id "
        "join journey_actors a on a.id = p.actor_id where p.journey_id = ? "
        "order by s.position, case a.stage when 'frontstage' then 0 else 1 end, a.position",
        [journey_id]))



def get_part(session: WorkspaceSession, part_id: int) -> dict:
    """One part with its step and actor names; :class:`NotFound` if there is none."""
    return _one(session,
                "select p.*, s.name as step_name, a.name as actor_name, a.stage "
                "from journey_parts p join journey_steps s on s.id = p.step_id "
                "join journey_actors a on a.id = p.actor_id where p.id = ?", [part_id],
                "That part of the map")



def set_involvement(session: WorkspaceSession, step_id: int, actor_id: int,
                    involved: bool) -> int | None:
    """Mark whether an actor takes part in a step (creates or removes the part).

    Returns the part id (``None`` once removed). Removing a rated part keeps its history.
    """
    session.require("editor")
    step, actor = get_step(session, step_id), get_actor(session, actor_id)
    if step["journey_id"] != actor["journey_id"]:
        raise ValidationError(Problem("actor", "belongs to another journey than the step"))
    now = now_iso()
    # The check and the change share one write transaction: two people ticking the same box
    # at once make one part, not two.
    with session.db.atomic():
        existing = session.db.execute(
            "select id from journey_parts where step_id = ? and actor_id = ?",
            [step_id, actor_id]).fetchone()
        if involved and existing is None:
            part_id = session.db.execute(
                "insert into journey_parts (journey_id, step_id, actor_id, updated_at, "
                "updated_by) values (?, ?, ?, ?, ?)",
                [step["journey_id"], step_id, actor_id, now, session.username]).lastrowid
            _touch(session, step["journey_id"], now)
            session.log("involve", "journey_part", part_id)
            return part_id
        if not involved and existing is not None:
            _remove_parts(session, "p.id = ?", [existing[0]], now)
            _touch(session, step["journey_id"], now)
            session.log("uninvolve", "journey_part", existing[0])
            return None
    return existing[0] if existing else None



_UNSET: Any = object()



def set_health(session: WorkspaceSession, step_id: int, actor_id: int, health: str | None, *,
               note: str | None = None, viewpoint: Any = _UNSET, owner: Any = _UNSET,
               at: str | dt.datetime | None = None) -> int:
    """Rate the part where ``actor_id`` meets ``step_id``: ``green``, ``yellow``, ``red`` or
    ``None`` (not rated). Creates the part if the actor was not yet involved in the step.

    ``note`` says why (it replaces the part's note when given); ``viewpoint`` whose view it is;
    ``owner`` who looks after this part. A history row (who, when, from, to, note) is written
    whenever the health changes, or the same health is confirmed with a new note. ``at`` backdates
    the change (imports and the demo); default now. Returns the part id.
    """
    session.require("editor")
    problems: list[Problem] = []
    health = _check_choice(problems, "health", health, HEALTHS, allow_none=True)
    note = _check_text(problems, "note", note)
    fields = {}
    if viewpoint is not _UNSET:
        fields["viewpoint"] = _check_text(problems, "whose view", viewpoint)
    if owner is not _UNSET:
        fields["owner"] = _check_text(problems, "owner", owner)
    if isinstance(at, dt.datetime):
        at = at.replace(microsecond=0).isoformat()
    elif at is not None:
        try:
            dt.datetime.fromisoformat(str(at))
        except ValueError:
            problems.append(Problem("at", f"'{at}' is not a date and time"))
    _raise(problems)
    step, actor = get_step(session, step_id), get_actor(session, actor_id)
    if step["journey_id"] != actor["journey_id"]:
        raise ValidationError(Problem("actor", "belongs to another journey than the step"))
    when = str(at) if at else now_iso()
    with session.db.atomic():
        row = session.db.execute(
            "select id, health, note from journey_parts where step_id = ? and actor_id = ?",
            [step_id, actor_id]).fetchone()
        if row is None:
            part_id = session.db.execute(
                "insert into journey_parts (journey_id, step_id, actor_id, updated_at, "
                "updated_by) values (?, ?, ?, ?, ?)",
                [step["journey_id"], step_id, actor_id, when, session.username]).lastrowid
            old_health, old_note = None, None
        else:
            part_id, old_health, old_note = row
        changed = health != old_health or (note is not None and note != (old_note or ""))
        sets = {"health": health, "updated_at": when, "updated_by": session.username, **fields}
        if note is not None:
            sets["note"] = note
        session.db.execute(
            f"update journey_parts set {', '.join(f'{k} = ?' for k in sets)} where id = ?",
            [*sets.values(), part_id])
        if changed:
            _insert_history(session, {"id": part_id, "journey_id": step["journey_id"],
                                      "step_id": step_id, "actor_id": actor_id,
                                      "step_name": step["name"], "actor_name": actor["name"]},
                            old_health, health, note, when)
        _touch(session, step["journey_id"], when)
    session.log("rate", "journey_part", part_id, {"from": old_health, "to": health})
    return part_id



def update_part(session: WorkspaceSession, part_id: int, **fields: Any) -> None:
    """Change a part's ``note``, ``viewpoint`` (whose view) or ``owner`` without re-rating it."""
    session.require("editor")
    part = get_part(session, part_id)
    problems: list[Problem] = []
    labels = {"note": "note", "viewpoint": "whose view", "owner": "owner"}
    clean = {}
    for key, value in fields.items():
        if key not in labels:
            problems.append(Problem(key, "is not a part field"))
        else:
            clean[key] = _check_text(problems, labels[key], value)
    _raise(problems)
    if not clean:
        return
    now = now_iso()
    with session.db.atomic():
        session.db.execute(
            f"update journey_parts set {', '.join(f'{k} = ?' for k in clean)}, updated_at = ?, "
            "updated_by = ? where id = ?", [*clean.values(), now, session.username, part_id])
        _touch(session, part["journey_id"], now)
    session.log("update", "journey_part", part_id, sorted(clean))



def add_evidence(session: WorkspaceSession, part_id: int, quote: str,
                 interview_id: int | None = None) -> int:
    """Attach a quote (optionally from interview ``interview_id``) as evidence for a part."""
    session.require("editor")
    get_part(session, part_id)
    problems: list[Problem] = []
    quote = _check_text(problems, "quote", quote, required=True)
    if interview_id not in (None, ""):
        try:
            interview_id = int(interview_id)
        except (TypeError, ValueError):
            problems.append(Problem("interview", f"'{interview_id}' is not an interview number"))
    else:
        interview_id = None
    _raise(problems)
    with session.db.atomic():
        ev_id = session.db.execute(
            "insert into journey_evidence (part_id, quote, interview_id, added_by, added_at) "
            "values (?, ?, ?, ?, ?)",
            [part_id, quote, interview_id, session.username, now_iso()]).lastrowid
    session.log("add", "journey_evidence", ev_id, {"part": part_id})
    return ev_id



def list_evidence(session: WorkspaceSession, part_id: int) -> list[dict]:
    """A part's evidence quotes, oldest first."""
    return list(session.db.query(
        "select * from journey_evidence where part_id = ? order by id", [part_id]))



def remove_evidence(session: WorkspaceSession, evidence_id: int) -> None:
    """Remove one evidence quote."""
    session.require("editor")
    _one(session, "select id from journey_evidence where id = ?", [evidence_id], "That quote")
    with session.db.atomic():
        session.db.execute("delete from journey_evidence where id = ?", [evidence_id])
    session.log("remove", "journey_evidence", evidence_id)



# ---- history --------------------------------------------------------------------------------

def health_history(session: WorkspaceSession, journey_id: int, *,
                   since: dt.date | str | None = None, part_id: int | None = None) -> list[dict]:
    """Health changes of a journey, newest first: when, who, step, actor, from, to, note.

    ``since`` keeps changes on or after that date ("what changed since the last meeting");
    ``part_id`` keeps one part's changes.
    """
    sql = "select * from journey_health_history where journey_id = ?"
    params: list[Any] = [journey_id]
    if since:
        sql += " and date(at) >= date(?)"
        params.append(since.isoformat() if isinstance(since, dt.date) else str(since))
    if part_id is not None:
        sql += " and part_id = ?"
        params.append(part_id)
    return list(session.db.query(sql + " order by at desc, id desc", params))



def changes_since(session: WorkspaceSession, journey_id: int, since: dt.date | str) -> dict:
    """What changed since a date: health changes (newest first) plus the net effect per part.

    ``net`` lists each part touched since ``since`` with its health just before that date and
    its health now (``before``/``after``), so a meeting sees "3 parts got better, 1 got worse".
    Improvement compares the order red < yellow < green (not rated counts as unknown).
    """
    since_s = since.isoformat() if isinstance(since, dt.date) else str(since)
    changes = health_history(session, journey_id, since=since_s)
    net = list(session.db.query(
        "with touched as (select distinct part_id from journey_health_history "
        "  where journey_id = :j and date(at) >= date(:s)), "
        "before as (select part_id, to_health, row_number() over (partition by part_id "
        "  order by at desc, id desc) rn from journey_health_history "
        "  where journey_id = :j and date(at) < date(:s)), "
        "after as (select part_id, to_health, step_name, actor_name, row_number() over "
        "  (partition by part_id order by at desc, id desc) rn from journey_health_history "
        "  where journey_id = :j) "
        "select t.part_id, a.step_name, a.actor_name, b.to_health as before, "
        "  a.to_health as after from touched t "
        "join after a on a.part_id = t.part_id and a.rn = 1 "
        "left join before b on b.part_id = t.part_id and b.rn = 1 "
        "order by a.step_name, a.actor_name", {"j": journey_id, "s": since_s}))
    rank = {"red": 0, "yellow": 1, "green": 2}
    better = worse = 0
    for row in net:
        b, a = rank.get(row["before"]), rank.get(row["after"])
        row["direction"] = ("better" if b is not None and a is not None and a > b else
                            "worse" if b is not None and a is not None and a < b else
                            "same" if a == b else "changed")
        better += row["direction"] == "better"
        worse += row["direction"] == "worse"
    return {"since": since_s, "changes": changes, "net": net, "better": better, "worse": worse}



def health_over_time(session: WorkspaceSession, journey_id: int, *,
                     start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """Weekly snapshots of the journey's health, computed in SQL from the history.

    For each week end (``start``, ``start`` + 7 days, ... up to ``end``; default from the first
    recorded change to today) every part's health is its latest history value on or before that
    day. Returns ``week_end``, ``green``, ``yellow``, ``red``, ``rated`` and
    ``share_green`` = green / rated (``None`` when nothing is rated).
    """
    if start is None:
        first = session.db.execute(
            "select min(date(at)) from journey_health_history where journey_id = ?",
            [journey_id]).fetchone()[0]
        if first is None:
            return []
        start = dt.date.fromisoformat(first)
    end = end or dt.date.today()
    if end < start:
        return []
    rows = list(session.db.query(
        "with recursive weeks(week_end) as (select date(:start) union all "
        "  select date(week_end, '+7 days') from weeks where date(week_end, '+7 days') "
        "  <= date(:end)), "
        "latest as (select w.week_end, h.to_health, row_number() over (partition by "
        "  w.week_end, h.part_id order by h.at desc, h.id desc) as rn from weeks w "
        "  join journey_health_history h on h.journey_id = :j and date(h.at) <= w.week_end) "
        "select w.week_end, "
        "  coalesce(sum(l.to_health = 'green'), 0) as green, "
        "  coalesce(sum(l.to_health = 'yellow'), 0) as yellow, "
        "  coalesce(sum(l.to_health = 'red'), 0) as red, count(l.to_health) as rated "
        "from weeks w left join latest l on l.week_end = w.week_end and l.rn = 1 "
        "group by w.week_end order by w.week_end",
        {"start": start.isoformat(), "end": end.isoformat(), "j": journey_id}))
    for row in rows:
        row["share_green"] = row["green"] / row["rated"] if row["rated"] else None
    return rows



def journey_summary(session: WorkspaceSession, journey_id: int) -> dict:
    """Counts for the map's side panel.

    ``green``/``yellow``/``red``/``unrated``/``parts_total``; ``reddest_step``: the step with the
    most red parts (ties: most yellow, then earliest), ``None`` when nothing is red or yellow;
    ``unrated_parts``: the parts not yet rated, in map order.
    """
    counts = session.db.execute(
        "select count(*), coalesce(sum(health = 'green'), 0), coalesce(sum(health = 'yellow'), 0),"
        " coalesce(sum(health = 'red'), 0) from journey_parts where journey_id = ?",
        [journey_id]).fetchone()
    total, green, yellow, red = counts
    worst = session.db.execute(
        "select s.id, s.name, sum(p.health = 'red') as red, sum(p.health = 'yellow') as yellow "
        "from journey_steps s join journey_parts p on p.step_id = s.id "
        "where s.journey_id = ? group by s.id having red + yellow > 0 "
        "order by red desc, yellow desc, s.position limit 1", [journey_id]).fetchone()
    unrated = list(session.db.query(
        "select p.id, s.name as step_name, a.name as actor_name, a.stage from journey_parts p "
        "join journey_steps s on s.id = p.step_id join journey_actors a on a.id = p.actor_id "
        "where p.journey_id = ? and p.health is null order by s.position, "
        "case a.stage when 'frontstage' then 0 else 1 end, a.position", [journey_id]))
    return {
        "parts_total": total, "green": green, "yellow": yellow, "red": red,
        "unrated": total - green - yellow - red,
        "reddest_step": None if worst is None else {
            "id": worst[0], "name": worst[1], "red": worst[2], "yellow": worst[3]},
        "unrated_parts": unrated,
    }



def journey_coverage(session: WorkspaceSession) -> list[dict]:
    """Per journey (not archived): ``journey_id``, ``name``, ``parts_total``, ``parts_rated``.

    A part is an actor at a step where the actor takes part (see the module docstring), so
    ``parts_total`` counts the involved (actor, step) pairs and ``parts_rated`` those with a
    green, yellow or red health. The program checklist's step 6 reads this.
    """
    return list(session.db.query(
        "select j.id as journey_id, j.name, count(p.id) as parts_total, "
        "count(p.health) as parts_rated from journeys j "
        "left join journey_parts p on p.journey_id = j.id where j.archived = 0 "
        "group by j.id order by j.name collate nocase, j.id"))



# ---- team ratings per step ------------------------------------------------------------------

def step_health_counts(session: WorkspaceSession, journey_id: int | None = None
                       ) -> dict[int, dict[str, int]]:
    """The team's rating of each step: step id -> ``green``, ``yellow``, ``red`` (parts the team
    rated that colour), ``unrated`` (parts not rated yet) and ``parts`` (actors taking part).

    Every step of ``journey_id`` (or of all journeys when None) is there, with zeros when no
    actor takes part in it yet. :mod:`cxcore.drivers` sets these beside what customers scored
    the same step.
    """
    sql = ("select s.id, count(p.id), coalesce(sum(p.health = 'green'), 0), "
           "coalesce(sum(p.health = 'yellow'), 0), coalesce(sum(p.health = 'red'), 0) "
           "from journey_steps s left join journey_parts p on p.step_id = s.id")
    params: list[Any] = []
    if journey_id is not None:
        sql += " where s.journey_id = ?"
        params.append(journey_id)
    out = {}
    for step_id, parts, green, yellow, red in session.db.execute(sql + " group by s.id", params):
        out[step_id] = {"green": green, "yellow": yellow, "red": red,
                        "unrated": parts - green - yellow - red, "parts": parts}
    return out
