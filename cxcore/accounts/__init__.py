"""Users, workspaces and memberships: the small accounts database beside the workspace files.

The accounts database (``accounts.db`` in :func:`cxcore.storage.data_dir`) knows who can sign in
(bcrypt password hashes), which workspaces exist and where their SQLite files are, and each
user's role in each workspace. Workspace content lives in the workspace files themselves
(see :mod:`cxcore.workspace`).

Roles, from least to most: ``viewer`` (reads), ``editor`` (writes data), ``owner`` (members,
settings, delete). An administrator (the first user made, and whoever they promote) can add users
and set anyone's role in any workspace, but sees a workspace's data only as a member of it.

The package: :mod:`~cxcore.accounts.tables` (the migration set, roles, limits),
:mod:`~cxcore.accounts.passwords` (password rules, bcrypt), :mod:`~cxcore.accounts.users`
(users, rights, sessions, cookie) and :mod:`~cxcore.accounts.workspaces` (workspaces,
members); :class:`Accounts` here joins them over one connection. Every public name is
importable from ``cxcore.accounts``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from cxcore import storage
from cxcore.accounts.passwords import dummy_hash, hash_password, password_problem, verify_password
from cxcore.accounts.tables import (
    DEFAULT_COOKIE_EXPIRY_DAYS,
    MAX_PASSWORD_LENGTH,
    MAX_WORKSPACE_NAME,
    MIN_PASSWORD_LENGTH,
    ROLE_RANK,
    ROLES,
    SYSTEM,
    SYSTEM_ROLE,
    USERNAME_RE,
    role_at_least,
)
from cxcore.accounts.users import UserAccounts
from cxcore.accounts.workspaces import WorkspaceAccounts, WorkspaceInfo
from cxcore.clock import now_iso  # also imported from here by older code
from cxcore.schema.accounts import migrations

__all__ = [
    "DEFAULT_COOKIE_EXPIRY_DAYS", "MAX_PASSWORD_LENGTH", "MAX_WORKSPACE_NAME",
    "MIN_PASSWORD_LENGTH", "ROLES", "ROLE_RANK", "SYSTEM", "SYSTEM_ROLE", "USERNAME_RE",
    "Accounts", "UserAccounts", "WorkspaceAccounts", "WorkspaceInfo", "dummy_hash",
    "hash_password", "migrations", "now_iso", "password_problem", "role_at_least",
    "verify_password",
]


class Accounts(UserAccounts, WorkspaceAccounts):
    """The accounts database: open with :meth:`Accounts.open`.

    One object may be shared by every Streamlit session of a server process (one connection):
    writes go through :meth:`write`, which serialises them in the process and takes SQLite's
    write lock up front, so a check and the change it guards are one transaction.
    """

    def __init__(self, db: sqlite_utils.Database, root: Path) -> None:
        self.db = db
        self.root = root
        self._lock = threading.RLock()

    @classmethod
    def open(cls, root: str | Path | None = None) -> Accounts:
        """Open (creating and upgrading as needed) the accounts database under ``root``."""
        root = Path(root) if root is not None else storage.data_dir()
        storage.private_dir(root / "workspaces")
        db = storage.connect(root / "accounts.db")
        migrations.apply(db)
        return cls(db, root)

    def close(self) -> None:
        """Close the underlying connection."""
        self.db.close()

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction that holds SQLite's write lock from its first statement
        (``BEGIN IMMEDIATE``), so the busy timeout applies and what it read cannot change before
        it commits (:meth:`cxcore.storage.Database.atomic`). Nested calls use savepoints."""
        with self._lock, self.db.atomic():
            yield self.db

    def audit(self, actor: str | None, kind: str, action: str, *, username: str | None = None,
              workspace_id: int | None = None, summary: str = "", before: object = None,
              after: object = None) -> None:
        """Add an entry to the account log: who (``actor``), what kind of thing changed
        (``account``, ``right``, ``membership``, ``workspace``, ``sign-in``), the action, whose
        account or which workspace, and the values before and after (JSON)."""
        def encode(value: object) -> str | None:
            return None if value is None else json.dumps(value, default=str, sort_keys=True)

        with self.write():
            self.db["audit_log"].insert({
                "at": now_iso(), "actor": actor or username or SYSTEM, "kind": kind,
                "action": action, "username": username, "workspace_id": workspace_id,
                "summary": summary, "before": encode(before), "after": encode(after)})
