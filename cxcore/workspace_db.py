"""A workspace's SQLite file: connect to it, bring its schema up to date, create it.

This sits below :mod:`cxcore.accounts` and :mod:`cxcore.workspace` so that creating a workspace
(an accounts operation) can create and migrate its file without importing the domain.

The list of migration sets is :func:`cxcore.schema.migration_sets`, at the top of the domain
because every domain module owns its set; it is looked up when a file is first opened (the one
late-bound import in cxcore, see ``tests/test_layers.py``). When the migrations move out of the
domain modules into ``cxcore/schema/``, that lookup becomes an ordinary downward import.
"""

from __future__ import annotations

import threading
from pathlib import Path

import sqlite_utils

from cxcore import storage

_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def migrate(db: sqlite_utils.Database) -> None:
    """Apply every pending workspace migration, in order (upgrades an older file in place)."""
    from cxcore.schema import migration_sets  # late-bound: the registry imports the domain

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
