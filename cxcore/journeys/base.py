"""What the journey modules share: field checks, lookups, step references, and the low-level
writes of parts and their health history (used by steps, actors and health alike)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from cxcore.accounts import now_iso
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.journeys.tables import MAX_TEXT
from cxcore.workspace import WorkspaceSession

# ---- helpers --------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value)



def _check_text(problems: list[Problem], field: str, value: Any, *, required: bool = False,
                row: int | None = None) -> str | None:
    """Validate a text field; returns the value to store (names are stripped of outer spaces)."""
    if value is not None and not isinstance(value, str):
        value = str(value)
    if required:
        value = (value or "").strip()
        if not value:
            problems.append(Problem(field, "is required", row))
            return None
    if value is not None and len(value) > MAX_TEXT:
        problems.append(Problem(field, f"is {len(value):,} characters long; the most is "
                                       f"{MAX_TEXT:,}", row))
    return value



def _check_choice(problems: list[Problem], field: str, value: Any, choices: Sequence[str], *,
                  row: int | None = None, allow_none: bool = False) -> str | None:
    if value is None or value == "":
        if allow_none:
            return None
        problems.append(Problem(field, f"is required (one of {', '.join(choices)})", row))
        return None
    value = str(value).strip().lower()
    if value not in choices:
        problems.append(Problem(field, f"'{value}' is not one of {', '.join(choices)}", row))
        return None
    return value



def _check_date(problems: list[Problem], field: str, value: Any, *,
                row: int | None = None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        problems.append(Problem(field, f"'{value}' is not a date (use YYYY-MM-DD)", row))
        return None



def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)



def _one(session: WorkspaceSession, sql: str, params: Sequence[Any], what: str) -> dict:
    rows = list(session.db.query(sql, list(params)))
    if not rows:
        raise NotFound(f"{what} does not exist (it may have been removed).")
    return rows[0]



def _touch(session: WorkspaceSession, journey_id: int, at: str | None = None) -> None:
    session.db.execute("update journeys set updated_at = ? where id = ?",
                       [at or now_iso(), journey_id])



def step_references(session: WorkspaceSession, step_ids: Iterable[int]) -> dict[int, dict]:
    """How many rows of other tables point at each step: ``{step_id: {table: count}}``.

    Looks at every table with a ``journey_step_id`` column (survey responses, interviews, and
    whatever else is added later), so this module does not need to know them.
    """
    ids = [int(i) for i in step_ids]
    out: dict[int, dict] = {i: {} for i in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for table in session.db.table_names():
        cols = {c.name for c in session.db[table].columns}
        if "journey_step_id" not in cols:
            continue
        for step_id, n in session.db.execute(
                f"select journey_step_id, count(*) from [{table}] where journey_step_id in "
                f"({marks}) group by journey_step_id", ids).fetchall():
            out[step_id][table] = n
    return {k: v for k, v in out.items() if v}



def _reference_reason(refs: dict) -> str:
    listed = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in sorted(refs.items()))
    return (f"cannot be removed: {listed} refer to it. Rename it instead, or re-point those "
            f"records first")



# ---- steps ----------------------------------------------------------------------------------

def _remove_parts(session: WorkspaceSession, where: str, params: list[Any], now: str) -> None:
    """Delete parts matching ``where`` inside the caller's transaction: a rated part leaves a
    history row going to no rating, its actions are kept but detached, its evidence goes."""
    rows = list(session.db.query(
        "select p.id, p.journey_id, p.step_id, p.actor_id, p.health, s.name as step_name, "
        "a.name as actor_name from journey_parts p join journey_steps s on s.id = p.step_id "
        f"join journey_actors a on a.id = p.actor_id where {where}", params))
    for p in rows:
        if p["health"]:
            _insert_history(session, p, p["health"], None, "Removed from the map", now)
        session.db.execute(
            "update actions set part_id = null, step_name = ?, actor_name = ? where part_id = ?",
            [p["step_name"], p["actor_name"], p["id"]])
        session.db.execute("delete from journey_evidence where part_id = ?", [p["id"]])
        session.db.execute("delete from journey_parts where id = ?", [p["id"]])



# ---- parts and health -----------------------------------------------------------------------

def _insert_history(session: WorkspaceSession, part: dict, from_health: str | None,
                    to_health: str | None, note: str | None, at: str) -> None:
    session.db.execute(
        "insert into journey_health_history (journey_id, part_id, step_id, actor_id, step_name,"
        " actor_name, at, username, from_health, to_health, note) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [part["journey_id"], part["id"], part["step_id"], part["actor_id"], part["step_name"],
         part["actor_name"], at, session.username, from_health, to_health, note])
