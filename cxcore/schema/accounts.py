"""The accounts database (users, rights, workspaces, memberships, sessions, audit); not a
workspace set (see :mod:`cxcore.accounts`).

The ``cxcore.accounts`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.accounts")


@migrations()
def m001_accounts(db: sqlite_utils.Database) -> None:
    db["users"].create(
        {"username": str, "name": str, "email": str, "password_hash": str, "is_admin": int,
         "created_at": str, "disabled": int},
        pk="username", not_null={"name", "password_hash"}, defaults={"is_admin": 0, "disabled": 0},
    )
    db["workspaces"].create(
        {"id": int, "name": str, "file": str, "created_by": str, "created_at": str,
         "archived_at": str},
        pk="id", not_null={"name", "file"},
    )
    db["memberships"].create(
        {"workspace_id": int, "username": str, "role": str, "added_by": str, "added_at": str},
        pk=("workspace_id", "username"),
        foreign_keys=[("workspace_id", "workspaces", "id"), ("username", "users", "username")],
    )
    db["memberships"].create_index(["username"])


@migrations()
def m002_rights_sessions_audit(db: sqlite_utils.Database) -> None:
    # Account rights, the server-side session version, sign-in throttling and the account log.
    db["users"].add_column("may_create_workspaces", int, not_null_default=0)
    db["users"].add_column("session_version", int, not_null_default=0)
    # Before this right existed anyone could create workspaces: keep it for the administrators
    # and for everyone who already did.
    db.execute("update users set may_create_workspaces = 1 where is_admin = 1 or username in "
               "(select created_by from workspaces)")
    db["sign_in_failures"].create(
        {"key": str, "failures": int, "locked_until": str, "last_failure_at": str},
        pk="key", not_null={"failures"}, defaults={"failures": 0})
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "kind": str, "action": str, "username": str,
         "workspace_id": int, "summary": str, "before": str, "after": str},
        pk="id", not_null={"at", "actor", "kind", "action"})
    db["audit_log"].create_index(["at"])
    db["audit_log"].create_index(["workspace_id", "at"])
