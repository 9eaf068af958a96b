"""Actions on red or yellow parts: add, edit, close, list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from cxcore.accounts import now_iso
from cxcore.errors import NotFound, Problem
from cxcore.journeys.base import _check_choice, _check_date, _check_text, _raise
from cxcore.journeys.health import get_part
from cxcore.journeys.tables import ACTION_STATUSES
from cxcore.workspace import WorkspaceSession

# ---- actions --------------------------------------------------------------------------------

def add_action(session: WorkspaceSession, part_id: int, what: str, *, owner: str = "",
               due_date: dt.date | str | None = None, status: str = "open") -> int:
    """Add an action to a red or yellow part: what will be done, by whom, by when."""
    session.require("editor")
    part = get_part(session, part_id)
    problems: list[Problem] = []
    what = _check_text(problems, "what", what, required=True)
    owner = _check_text(problems, "owner", owner)
    due = _check_date(problems, "due date", due_date)
    status = _check_choice(problems, "status", status, ACTION_STATUSES)
    if part["health"] not in ("red", "yellow"):
        problems.append(Problem(
            "part", f"'{part['actor_name']}' at '{part['step_name']}' is "
                    f"{part['health'] or 'not rated'}; actions are for red or yellow parts"))
    _raise(problems)
    now = now_iso()
    with session.db.atomic():
        action_id = session.db.execute(
            "insert into actions (journey_id, part_id, step_name, actor_name, what, owner, "
            "due_date, status, created_by, created_at, updated_at, closed_at, closed_by) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [part["journey_id"], part_id, part["step_name"], part["actor_name"], what,
             owner or "", due, status, session.username, now, now,
             now if status == "done" else None,
             session.username if status == "done" else None]).lastrowid
    session.log("add", "action", action_id, {"part": part_id})
    return action_id



def get_action(session: WorkspaceSession, action_id: int) -> dict:
    """One action (see :func:`list_actions` for the columns); :class:`NotFound` if none."""
    rows = list_actions(session, action_id=action_id)
    if not rows:
        raise NotFound("That action does not exist (it may have been removed).")
    return rows[0]



def update_action(session: WorkspaceSession, action_id: int, **fields: Any) -> None:
    """Change an action's ``what``, ``owner``, ``due_date`` or ``status``.

    Setting ``status="done"`` stamps who closed it and when (see :func:`close_action`).
    """
    session.require("editor")
    get_action(session, action_id)
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "what":
            clean[key] = _check_text(problems, "what", value, required=True)
        elif key == "owner":
            clean[key] = _check_text(problems, "owner", value) or ""
        elif key == "due_date":
            clean[key] = _check_date(problems, "due date", value)
        elif key == "status":
            clean[key] = _check_choice(problems, "status", value, ACTION_STATUSES)
        else:
            problems.append(Problem(key, "is not an action field"))
    _raise(problems)
    if not clean:
        return
    now = now_iso()
    if "status" in clean:
        done = clean["status"] == "done"
        clean["closed_at"] = now if done else None
        clean["closed_by"] = session.username if done else None
    with session.db.atomic():
        session.db.execute(
            f"update actions set {', '.join(f'{k} = ?' for k in clean)}, updated_at = ? "
            "where id = ?", [*clean.values(), now, action_id])
    session.log("update", "action", action_id, sorted(clean))



def close_action(session: WorkspaceSession, action_id: int) -> dict:
    """Mark an action done and return it, so the caller can prompt a re-rating of its part
    (``part_id``, ``step_id``, ``actor_id``, ``health``; ``part_id`` is ``None`` when the part
    has since been removed)."""
    update_action(session, action_id, status="done")
    return get_action(session, action_id)



def list_actions(session: WorkspaceSession, *, status: str | Sequence[str] | None = None,
                 journey_id: int | None = None, owner: str | None = None,
                 overdue_only: bool = False, today: dt.date | None = None,
                 action_id: int | None = None) -> list[dict]:
    """Actions across all journeys, filtered in SQL, overdue first then by due date.

    Each row has the action's columns plus ``journey_name``, the current ``step_name`` and
    ``actor_name`` (or the names at removal, for detached actions), ``step_id``, ``actor_id``,
    the part's current ``health`` and ``overdue``: 1 when not done and ``due_date`` < ``today``.
    """
    today_s = (today or dt.date.today()).isoformat()
    sql = (
        "select x.id, x.journey_id, j.name as journey_name, x.part_id, p.step_id, p.actor_id, "
        "coalesce(s.name, x.step_name) as step_name, coalesce(a.name, x.actor_name) "
        "as actor_name, p.health, x.what, x.owner, x.due_date, x.status, x.created_by, "
        "x.created_at, x.updated_at, x.closed_at, x.closed_by, "
        "(x.status != 'done' and x.due_date is not null and x.due_date < :today) as overdue "
        "from actions x join journeys j on j.id = x.journey_id "
        "left join journey_parts p on p.id = x.part_id "
        "left join journey_steps s on s.id = p.step_id "
        "left join journey_actors a on a.id = p.actor_id where 1 = 1")
    params: dict[str, Any] = {"today": today_s}
    if action_id is not None:
        sql += " and x.id = :id"
        params["id"] = action_id
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        marks = ", ".join(f":st{i}" for i in range(len(statuses)))
        sql += f" and x.status in ({marks})"
        params.update({f"st{i}": s for i, s in enumerate(statuses)})
    if journey_id is not None:
        sql += " and x.journey_id = :journey"
        params["journey"] = journey_id
    if owner:
        sql += " and x.owner = :owner"
        params["owner"] = owner
    if overdue_only:
        sql += " and x.status != 'done' and x.due_date is not null and x.due_date < :today"
    sql += (" order by overdue desc, x.status = 'done', x.due_date is null, x.due_date, x.id")
    return list(session.db.query(sql, params))



def action_owners(session: WorkspaceSession) -> list[str]:
    """Distinct non-empty action owners, alphabetically (for filters)."""
    return [r[0] for r in session.db.execute(
        "select distinct owner from actions where owner != '' order by owner collate nocase")]
