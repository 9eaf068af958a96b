"""Opening a workspace for a user: the object every domain function receives.

A :class:`WorkspaceSession` bundles the workspace's database, who is acting and their role.
Every cxcore function that writes takes one and calls :meth:`WorkspaceSession.require` first,
so the permission check holds whatever the UI shows or hides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from cxcore.accounts import SYSTEM, Accounts, WorkspaceInfo, role_at_least
from cxcore.clock import now_iso
from cxcore.errors import PermissionDenied

# Opening and creating the file itself is one layer down (accounts needs it too); these names
# stay importable from here.
from cxcore.workspace_db import initialise, migrate, open_db  # noqa: F401

ROLE_VERBS = {"viewer": "view", "editor": "edit", "owner": "manage"}


@dataclass
class WorkspaceSession:
    """A user acting in one workspace."""

    db: sqlite_utils.Database
    info: WorkspaceInfo
    username: str
    role: str

    @property
    def can_edit(self) -> bool:
        """True for editors and owners."""
        return role_at_least(self.role, "editor")

    @property
    def is_owner(self) -> bool:
        """True for owners."""
        return role_at_least(self.role, "owner")

    def require(self, needed: str = "editor") -> None:
        """Raise :class:`PermissionDenied` unless the user's role grants ``needed``."""
        if not role_at_least(self.role, needed):
            raise PermissionDenied(
                f"Your role in '{self.info.name}' is {self.role}: you can't "
                f"{ROLE_VERBS[needed]} here. Ask the workspace's owner for {needed} rights.")

    def log(self, action: str, entity: str, entity_id: Any = None, detail: Any = None) -> None:
        """Record who did what and when, in the workspace's activity log."""
        self.db["activity"].insert({
            "at": now_iso(), "username": self.username, "action": action, "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "detail": None if detail is None else (
                detail if isinstance(detail, str) else json.dumps(detail, default=str)),
        })

    def setting(self, key: str, default: Any = None) -> Any:
        """A workspace setting (stored as JSON), or ``default``."""
        row = self.db.execute("select value from settings where key = ?", [key]).fetchone()
        if row is None:
            return default
        try:
            return json.loads(row[0])
        except (TypeError, ValueError):
            return row[0]

    def set_setting(self, key: str, value: Any) -> None:
        """Store a workspace setting (editors and owners)."""
        self.require("editor")
        self.db["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")
        self.log("set", "setting", key, value)

    def close(self) -> None:
        """Close the connection."""
        self.db.close()


def open_session(accounts: Accounts, workspace_id: int, username: str) -> WorkspaceSession:
    """Open workspace ``workspace_id`` as ``username``; raises NotFound for non-members."""
    info = accounts.get_workspace(workspace_id, username)
    role = info.role if username != SYSTEM else "owner"
    return WorkspaceSession(db=open_db(info.path), info=info, username=username, role=role)


#: What the home page counts, with the condition that makes a row count (e.g. not deleted).
COUNTED_TABLES = {
    "customers": "1", "revenue_events": "1", "responses": "1", "pulse": "1",
    "interviews": "deleted_at is null", "journeys": "1", "actions": "1",
}


def counts(session: WorkspaceSession) -> dict[str, int]:
    """How many records of each kind the workspace holds (tables that exist only)."""
    names = set(session.db.table_names())
    return {
        table: session.db.execute(f"select count(*) from [{table}] where {where}").fetchone()[0]
        for table, where in COUNTED_TABLES.items() if table in names
    }


def next_steps(session: WorkspaceSession, table_counts: dict[str, int] | None = None) -> list[str]:
    """Plain-language suggestions for what to do next, from what the workspace holds."""
    c = table_counts if table_counts is not None else counts(session)
    steps = []
    if not c.get("interviews"):
        steps.append("Talk to a few customers and frontline employees, and log each "
                     "conversation in the Interview log.")
    if not c.get("journeys"):
        steps.append("Map one important customer journey in Journey health: the steps the "
                     "customer takes and who they deal with at each, above and below the line "
                     "of visibility.")
    if not c.get("responses"):
        steps.append("Import survey responses (NPS, CSAT or effort) in Import data to measure "
                     "how customers feel.")
    if not c.get("customers"):
        steps.append("Import your customer list with start dates and revenue, so the scorecard "
                     "can show retention, churn and lifetime value next to the scores.")
    if not steps:
        steps.append("Review the Scorecard with your team and turn red journey parts into "
                     "actions with an owner and a due date.")
    return steps
