"""A workspace's SQLite file: connect to it, bring its schema up to date, create it.

This sits below :mod:`cxcore.accounts` and :mod:`cxcore.workspace` so that creating a workspace
(an accounts operation) can create and migrate its file without importing the domain: the
migration sets are data in :mod:`cxcore.schema`, one layer down.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlite_utils

from cxcore import storage
from cxcore.schema import migration_sets

_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every pending workspace migration, in order (upgrades an older file in place)."""
    for mset in migration_sets():
        mset.apply(db)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Connect to a workspace file, migrating it once per process."""
    db = storage.connect(path)
    key = str(Path(path).resolve())
    if key not in _migrated:
        with _migrate_lock:
            if key not in _migrated:
                migrate(db)
                _migrated.add(key)
    return db


def initialise(path: str | Path, name: str) -> None:
    """Create a workspace file with the full schema and its name recorded inside it."""
    db = open_db(path)
    db["settings"].upsert({"key": "name", "value": name}, pk="key")
    db.close()
