"""Journeys, their steps and their actors: create, edit, reorder, remove, and the table edits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cxcore.accounts import now_iso
from cxcore.errors import Problem, ValidationError
from cxcore.journeys.base import (
    _check_choice,
    _check_text,
    _one,
    _raise,
    _reference_reason,
    _remove_parts,
    _touch,
    step_references,
)
from cxcore.journeys.tables import ACTOR_KINDS, STAGES
from cxcore.workspace import WorkspaceSession

# ---- journeys -------------------------------------------------------------------------------

def list_journeys(session: WorkspaceSession, *, include_archived: bool = False) -> list[dict]:
    """Journeys by name, each with step, actor, part and rating counts (one SQL query)."""
    return list(session.db.query(
        "select j.*, "
        " (select count(*) from journey_steps s where s.journey_id = j.id) as steps, "
        " (select count(*) from journey_actors a where a.journey_id = j.id) as actors, "
        " (select count(*) from journey_parts p where p.journey_id = j.id) as parts_total, "
        " (select count(health) from journey_parts p where p.journey_id = j.id) as parts_rated, "
        " (select count(*) from journey_parts p where p.journey_id = j.id "
        "    and p.health = 'red') as red "
        "from journeys j " + ("" if include_archived else "where j.archived = 0 ") +
        "order by j.name collate nocase, j.id"))



def get_journey(session: WorkspaceSession, journey_id: int) -> dict:
    """One journey's row; :class:`NotFound` if there is none."""
    return _one(session, "select * from journeys where id = ?", [journey_id], "That journey")



def _journey_fields(problems: list[Problem], fields: dict) -> dict:
    out = {}
    if "name" in fields:
        out["name"] = _check_text(problems, "journey name", fields["name"], required=True)
    for key, label in (("persona_name", "persona name"),
                       ("persona_description", "persona description"),
                       ("persona_goals", "persona goals"), ("problem", "problem")):
        if key in fields:
            out[key] = _check_text(problems, label, fields[key])
    unknown = set(fields) - {"name", "persona_name", "persona_description", "persona_goals",
                             "problem"}
    for key in sorted(unknown):
        problems.append(Problem(key, "is not a journey field"))
    return out



def create_journey(session: WorkspaceSession, name: str, *, persona_name: str = "",
                   persona_description: str = "", persona_goals: str = "",
                   problem: str = "") -> int:
    """Create an empty journey (editors); returns its id."""
    session.require("editor")
    problems: list[Problem] = []
    row = _journey_fields(problems, {
        "name": name, "persona_name": persona_name, "persona_description": persona_description,
        "persona_goals": persona_goals, "problem": problem})
    _raise(problems)
    now = now_iso()
    with session.db.atomic():
        journey_id = _insert_journey(session, row, now)
    session.log("create", "journey", journey_id, {"name": row["name"]})
    return journey_id



def _insert_journey(session: WorkspaceSession, row: dict, now: str) -> int:
    cur = session.db.execute(
        "insert into journeys (name, persona_name, persona_description, persona_goals, problem,"
        " created_by, created_at, updated_at, archived) values (?, ?, ?, ?, ?, ?, ?, ?, 0)",
        [row["name"], row.get("persona_name") or "", row.get("persona_description") or "",
         row.get("persona_goals") or "", row.get("problem") or "", session.username, now, now])
    return cur.lastrowid



def update_journey(session: WorkspaceSession, journey_id: int, **fields: Any) -> None:
    """Change a journey's name, persona (name, description, goals) or problem statement."""
    session.require("editor")
    get_journey(session, journey_id)
    problems: list[Problem] = []
    row = _journey_fields(problems, fields)
    _raise(problems)
    if not row:
        return
    sets = ", ".join(f"{k} = ?" for k in row)
    with session.db.atomic():
        session.db.execute(f"update journeys set {sets}, updated_at = ? where id = ?",
                           [*row.values(), now_iso(), journey_id])
    session.log("update", "journey", journey_id, sorted(row))



def set_archived(session: WorkspaceSession, journey_id: int, archived: bool = True) -> None:
    """Archive a journey (hidden from lists and coverage, all data kept) or restore it."""
    session.require("editor")
    get_journey(session, journey_id)
    with session.db.atomic():
        session.db.execute("update journeys set archived = ?, updated_at = ? where id = ?",
                           [int(archived), now_iso(), journey_id])
    session.log("archive" if archived else "restore", "journey", journey_id)



def delete_journey(session: WorkspaceSession, journey_id: int) -> None:
    """Delete a journey with its steps, actors, parts, evidence, history and actions (owners).

    Refused, like removing a step, while survey responses or interviews refer to its steps.
    """
    session.require("owner")
    journey = get_journey(session, journey_id)
    steps = [r["id"] for r in session.db.query(
        "select id from journey_steps where journey_id = ?", [journey_id])]
    refs = step_references(session, steps)
    if refs:
        total: dict[str, int] = {}
        for per_table in refs.values():
            for table, n in per_table.items():
                total[table] = total.get(table, 0) + n
        raise ValidationError(Problem("journey", "its steps " + _reference_reason(total)))
    with session.db.atomic():
        for sql in (
                "delete from actions where journey_id = ?",
                "delete from journey_evidence where part_id in "
                "(select id from journey_parts where journey_id = ?)",
                "delete from journey_health_history where journey_id = ?",
                "delete from journey_parts where journey_id = ?",
                "delete from journey_actors where journey_id = ?",
                "delete from journey_steps where journey_id = ?",
                "delete from journeys where id = ?"):
            session.db.execute(sql, [journey_id])
    session.log("delete", "journey", journey_id, {"name": journey["name"]})



# ---- steps ----------------------------------------------------------------------------------

def list_steps(session: WorkspaceSession, journey_id: int) -> list[dict]:
    """The journey's steps in order, each with its 1-based ``position``."""
    return list(session.db.query(
        "select * from journey_steps where journey_id = ? order by position, id", [journey_id]))



def _renumber_steps(session: WorkspaceSession, ordered_ids: list[int]) -> None:
    for pos, step_id in enumerate(ordered_ids, start=1):
        session.db.execute("update journey_steps set position = ? where id = ?", [pos, step_id])



def add_step(session: WorkspaceSession, journey_id: int, name: str, description: str = "", *,
             position: int | None = None) -> int:
    """Add a step at ``position`` (1-based; default last); returns the new step's id."""
    session.require("editor")
    get_journey(session, journey_id)
    problems: list[Problem] = []
    name = _check_text(problems, "step name", name, required=True)
    description = _check_text(problems, "step description", description)
    _raise(problems)
    ids = [s["id"] for s in list_steps(session, journey_id)]
    with session.db.atomic():
        step_id = session.db.execute(
            "insert into journey_steps (journey_id, position, name, description) "
            "values (?, ?, ?, ?)", [journey_id, len(ids) + 1, name, description or ""]).lastrowid
        where = len(ids) if position is None else max(0, min(len(ids), int(position) - 1))
        ids.insert(where, step_id)
        _renumber_steps(session, ids)
        _touch(session, journey_id)
    session.log("add", "journey_step", step_id, {"journey": journey_id, "name": name})
    return step_id



def get_step(session: WorkspaceSession, step_id: int) -> dict:
    """One step's row; :class:`NotFound` if there is none."""
    return _one(session, "select * from journey_steps where id = ?", [step_id], "That step")



def rename_step(session: WorkspaceSession, step_id: int, name: str,
                description: str | None = None) -> None:
    """Rename a step (and optionally change its description); its id stays the same."""
    session.require("editor")
    step = get_step(session, step_id)
    problems: list[Problem] = []
    name = _check_text(problems, "step name", name, required=True)
    description = _check_text(problems, "step description", description)
    _raise(problems)
    with session.db.atomic():
        session.db.execute(
            "update journey_steps set name = ?, description = coalesce(?, description) "
            "where id = ?", [name, description, step_id])
        _touch(session, step["journey_id"])
    session.log("rename", "journey_step", step_id, {"name": name})



def move_step(session: WorkspaceSession, step_id: int, position: int) -> None:
    """Move a step to ``position`` (1-based, clamped to the ends); the others close up."""
    session.require("editor")
    step = get_step(session, step_id)
    ids = [s["id"] for s in list_steps(session, step["journey_id"])]
    ids.remove(step_id)
    ids.insert(max(0, min(len(ids), int(position) - 1)), step_id)
    with session.db.atomic():
        _renumber_steps(session, ids)
        _touch(session, step["journey_id"])
    session.log("move", "journey_step", step_id, {"position": ids.index(step_id) + 1})



def remove_step(session: WorkspaceSession, step_id: int) -> None:
    """Remove a step and its parts (history and actions are kept).

    Refused with a :class:`ValidationError` while survey responses or interviews refer to the
    step: silently detaching them would lose which step a customer was talking about.
    """
    session.require("editor")
    step = get_step(session, step_id)
    refs = step_references(session, [step_id])
    if refs:
        raise ValidationError(Problem(f"step '{step['name']}'", _reference_reason(refs[step_id])))
    now = now_iso()
    with session.db.atomic():
        _remove_parts(session, "p.step_id = ?", [step_id], now)
        session.db.execute("delete from journey_steps where id = ?", [step_id])
        _renumber_steps(session, [s["id"] for s in list_steps(session, step["journey_id"])])
        _touch(session, step["journey_id"], now)
    session.log("remove", "journey_step", step_id, {"name": step["name"]})



def _edited_row_id(problems: list[Problem], noun: str, row: dict, n: int,
                   current: dict[int, dict], seen: set[int | None]) -> tuple[bool, int | None]:
    """The id of row ``n`` of an edited table of steps or actors (``noun``): ``(True, None)``
    for a new row, ``(True, id)`` for an existing one (added to ``seen``). An id that is not in
    ``current`` or was seen before adds a problem and gives ``(False, None)``."""
    item_id = row.get("id")
    item_id = None if item_id is None or item_id != item_id or item_id == "" else int(item_id)
    if item_id is not None and item_id not in current:
        problems.append(Problem("id", f"{noun} {item_id} is not part of this journey", n))
        return False, None
    if item_id is not None and item_id in seen:
        problems.append(Problem("id", f"{noun} {item_id} appears twice", n))
        return False, None
    seen.add(item_id)
    return True, item_id



def _log_table_save(session: WorkspaceSession, table: str, journey_id: int, added: int,
                    changed: int, removed: int) -> dict:
    """The counts a ``save_*`` of an edited table returns, logged when anything changed."""
    result = {"added": added, "changed": changed, "removed": removed}
    if any(result.values()):
        session.log("save", table, journey_id, result)
    return result



def save_steps(session: WorkspaceSession, journey_id: int, rows: Sequence[dict]) -> dict:
    """Make the journey's steps match an edited table, in one go.

    ``rows`` in the wanted order, each ``{"id": existing id or None, "name", "description"}``.
    Rows with an id rename/move that step (its id is kept); rows without one are new steps;
    existing steps missing from ``rows`` are removed. Everything is checked first (row numbers
    are 1-based positions in ``rows``); on any problem nothing changes. Returns counts of
    ``added``, ``changed``, ``removed``.
    """
    session.require("editor")
    get_journey(session, journey_id)
    current = {s["id"]: s for s in list_steps(session, journey_id)}
    problems: list[Problem] = []
    clean, seen = [], set()
    for n, row in enumerate(rows, start=1):
        ok, step_id = _edited_row_id(problems, "step", row, n, current, seen)
        if not ok:
            continue
        name = _check_text(problems, "step name", row.get("name"), required=True, row=n)
        desc = _check_text(problems, "step description", row.get("description"), row=n)
        clean.append((step_id, name, desc or ""))
    removed = [i for i in current if i not in seen]
    refs = step_references(session, removed)
    for step_id, per_table in refs.items():
        problems.append(Problem(f"step '{current[step_id]['name']}'",
                                _reference_reason(per_table)))
    _raise(problems)
    added = changed = 0
    now = now_iso()
    with session.db.atomic():
        for step_id in removed:
            _remove_parts(session, "p.step_id = ?", [step_id], now)
            session.db.execute("delete from journey_steps where id = ?", [step_id])
        ordered = []
        for pos, (step_id, name, desc) in enumerate(clean, start=1):
            if step_id is None:
                step_id = session.db.execute(
                    "insert into journey_steps (journey_id, position, name, description) "
                    "values (?, ?, ?, ?)", [journey_id, pos, name, desc]).lastrowid
                added += 1
            else:
                old = current[step_id]
                if (old["name"], old["description"] or "", old["position"]) != (name, desc, pos):
                    changed += 1
                session.db.execute(
                    "update journey_steps set name = ?, description = ? where id = ?",
                    [name, desc, step_id])
            ordered.append(step_id)
        _renumber_steps(session, ordered)
        _touch(session, journey_id, now)
    return _log_table_save(session, "journey_steps", journey_id, added, changed, len(removed))



# ---- actors ---------------------------------------------------------------------------------

def list_actors(session: WorkspaceSession, journey_id: int) -> list[dict]:
    """The journey's actors as the map shows them: frontstage first, then by position."""
    return list(session.db.query(
        "select * from journey_actors where journey_id = ? "
        "order by case stage when 'frontstage' then 0 else 1 end, position, id", [journey_id]))



def get_actor(session: WorkspaceSession, actor_id: int) -> dict:
    """One actor's row; :class:`NotFound` if there is none."""
    return _one(session, "select * from journey_actors where id = ?", [actor_id], "That actor")



def _renumber_actors(session: WorkspaceSession, journey_id: int) -> None:
    for pos, actor in enumerate(list_actors(session, journey_id), start=1):
        session.db.execute("update journey_actors set position = ? where id = ?",
                           [pos, actor["id"]])



def _actor_fields(problems: list[Problem], fields: dict, row: int | None = None) -> dict:
    out = {}
    if "name" in fields:
        out["name"] = _check_text(problems, "actor name", fields["name"], required=True, row=row)
    if "stage" in fields:
        out["stage"] = _check_choice(problems, "stage", fields["stage"], STAGES, row=row)
    if "kind" in fields:
        out["kind"] = _check_choice(problems, "kind", fields["kind"], ACTOR_KINDS, row=row,
                                    allow_none=True)
    if "description" in fields:
        out["description"] = _check_text(problems, "actor description", fields["description"],
                                          row=row) or ""
    return out



def add_actor(session: WorkspaceSession, journey_id: int, name: str, stage: str, *,
              kind: str | None = None, description: str = "",
              steps: Iterable[int] = ()) -> int:
    """Add an actor at the end of its side of the line, taking part in ``steps`` (step ids)."""
    session.require("editor")
    get_journey(session, journey_id)
    problems: list[Problem] = []
    row = _actor_fields(problems, {"name": name, "stage": stage, "kind": kind,
                                   "description": description})
    step_ids = [int(s) for s in steps]
    valid = {s["id"] for s in list_steps(session, journey_id)}
    for s in step_ids:
        if s not in valid:
            problems.append(Problem("steps", f"step {s} is not part of this journey"))
    _raise(problems)
    now = now_iso()
    with session.db.atomic():
        actor_id = session.db.execute(
            "insert into journey_actors (journey_id, position, name, kind, stage, description) "
            "values (?, 1000000, ?, ?, ?, ?)",
            [journey_id, row["name"], row["kind"], row["stage"], row["description"]]).lastrowid
        for s in dict.fromkeys(step_ids):
            session.db.execute(
                "insert into journey_parts (journey_id, step_id, actor_id, updated_at, "
                "updated_by) values (?, ?, ?, ?, ?)", [journey_id, s, actor_id, now,
                                                       session.username])
        _renumber_actors(session, journey_id)
        _touch(session, journey_id, now)
    session.log("add", "journey_actor", actor_id, {"journey": journey_id, "name": row["name"]})
    return actor_id



def update_actor(session: WorkspaceSession, actor_id: int, **fields: Any) -> None:
    """Rename an actor, change its kind or description, or move it across the line
    (``stage="frontstage"``/``"backstage"``: it goes to the end of that side)."""
    session.require("editor")
    actor = get_actor(session, actor_id)
    problems: list[Problem] = []
    row = _actor_fields(problems, fields)
    for key in sorted(set(fields) - {"name", "stage", "kind", "description"}):
        problems.append(Problem(key, "is not an actor field"))
    _raise(problems)
    if not row:
        return
    crossing = "stage" in row and row["stage"] != actor["stage"]
    sets = ", ".join(f"{k} = ?" for k in row)
    with session.db.atomic():
        session.db.execute(f"update journey_actors set {sets} where id = ?",
                           [*row.values(), actor_id])
        if crossing:
            session.db.execute("update journey_actors set position = 1000000 where id = ?",
                               [actor_id])
            _renumber_actors(session, actor["journey_id"])
        _touch(session, actor["journey_id"])
    session.log("update", "journey_actor", actor_id, row)



def move_actor(session: WorkspaceSession, actor_id: int, position: int) -> None:
    """Move an actor to ``position`` (1-based) among the actors on its side of the line."""
    session.require("editor")
    actor = get_actor(session, actor_id)
    same_side = [a["id"] for a in list_actors(session, actor["journey_id"])
                 if a["stage"] == actor["stage"] and a["id"] != actor_id]
    same_side.insert(max(0, min(len(same_side), int(position) - 1)), actor_id)
    with session.db.atomic():
        for pos, a in enumerate(same_side, start=1):
            session.db.execute("update journey_actors set position = ? where id = ?", [pos, a])
        _renumber_actors(session, actor["journey_id"])
        _touch(session, actor["journey_id"])
    session.log("move", "journey_actor", actor_id, {"position": same_side.index(actor_id) + 1})



def remove_actor(session: WorkspaceSession, actor_id: int) -> None:
    """Remove an actor and its parts; history stays and its actions are kept, detached."""
    session.require("editor")
    actor = get_actor(session, actor_id)
    now = now_iso()
    with session.db.atomic():
        _remove_parts(session, "p.actor_id = ?", [actor_id], now)
        session.db.execute("delete from journey_actors where id = ?", [actor_id])
        _renumber_actors(session, actor["journey_id"])
        _touch(session, actor["journey_id"], now)
    session.log("remove", "journey_actor", actor_id, {"name": actor["name"]})



def save_actors(session: WorkspaceSession, journey_id: int, rows: Sequence[dict]) -> dict:
    """Make the journey's actors match an edited table, in one go.

    ``rows`` in the wanted order, each ``{"id": existing id or None, "name", "stage", "kind",
    "description"}``; the map keeps frontstage actors above backstage ones, each side in the
    order given. New rows take part in no step yet; removed actors lose their parts. Checked
    first (1-based row numbers), nothing changes on any problem. Returns ``added``, ``changed``,
    ``removed`` counts.
    """
    session.require("editor")
    get_journey(session, journey_id)
    current = {a["id"]: a for a in list_actors(session, journey_id)}
    problems: list[Problem] = []
    clean, seen = [], set()
    for n, row in enumerate(rows, start=1):
        ok, actor_id = _edited_row_id(problems, "actor", row, n, current, seen)
        if not ok:
            continue
        fields = _actor_fields(problems, {"name": row.get("name"), "stage": row.get("stage"),
                                          "kind": row.get("kind"),
                                          "description": row.get("description")}, row=n)
        clean.append((actor_id, fields))
    _raise(problems)
    removed = [i for i in current if i not in seen]
    added = changed = 0
    now = now_iso()
    with session.db.atomic():
        for actor_id in removed:
            _remove_parts(session, "p.actor_id = ?", [actor_id], now)
            session.db.execute("delete from journey_actors where id = ?", [actor_id])
        for pos, (actor_id, f) in enumerate(clean, start=1):
            values = [f["name"], f["kind"], f["stage"], f["description"], pos]
            if actor_id is None:
                session.db.execute(
                    "insert into journey_actors (name, kind, stage, description, position, "
                    "journey_id) values (?, ?, ?, ?, ?, ?)", [*values, journey_id])
                added += 1
            else:
                old = current[actor_id]
                if [old["name"], old["kind"], old["stage"], old["description"] or ""] != \
                        values[:4] or old["position"] != pos:
                    changed += 1
                session.db.execute(
                    "update journey_actors set name = ?, kind = ?, stage = ?, description = ?, "
                    "position = ? where id = ?", [*values, actor_id])
        _renumber_actors(session, journey_id)
        _touch(session, journey_id, now)
    return _log_table_save(session, "journey_actors", journey_id, added, changed, len(removed))
