"""The migration sets in cxcore/schema/: applied migrations are never edited.

``tests/fixtures/schema-2026-12-02.json`` is what the code wrote before the migrations moved
out of the domain modules: every migration's set and name, and the SQL of every table, index,
trigger and view of a new workspace file and a new accounts file. A file the old code created
must open unchanged, so the same migrations must still exist under the same names and write
the same SQL. Migrations added later are left out of the comparison (they are new, not edited).
"""

from __future__ import annotations

import json

import sqlite_utils

from cxcore.schema import accounts, migration_sets

from .conftest import ROOT

SNAPSHOT = json.loads((ROOT / "tests" / "fixtures" / "schema-2026-12-02.json").read_text())
OBJECTS = "select type, name, tbl_name, sql from sqlite_master order by type, name"


def _apply_known(db: sqlite_utils.Database, known: set[tuple[str, str]]) -> None:
    """Apply, set by set in order, only the migrations the snapshot knows."""
    for mset in migration_sets():
        pending = [m.name for m in mset.pending(db)]
        if not any((mset.name, name) in known for name in pending):
            continue
        first_new = next((n for n in pending if (mset.name, n) not in known), None)
        mset.apply(db, stop_before=first_new)


def test_every_applied_migration_still_exists_under_its_set_and_name(tmp_path):
    db = sqlite_utils.Database(tmp_path / "w.db")
    names = {(mset.name, m.name) for mset in migration_sets() for m in mset.pending(db)}
    missing = [tuple(m) for m in SNAPSHOT["workspace_migrations"] if tuple(m) not in names]
    assert missing == []


def test_the_moved_migrations_write_the_same_sql(tmp_path):
    db = sqlite_utils.Database(tmp_path / "w.db")
    known = {tuple(m) for m in SNAPSHOT["workspace_migrations"]}
    _apply_known(db, known)
    applied = [list(r) for r in db.execute(
        "select migration_set, name from _sqlite_migrations order by rowid")]
    assert applied == SNAPSHOT["workspace_migrations"]
    assert [list(r) for r in db.execute(OBJECTS)] == SNAPSHOT["workspace_objects"]


def test_the_accounts_set_writes_the_same_sql(tmp_path):
    db = sqlite_utils.Database(tmp_path / "a.db")
    accounts.migrations.apply(db, stop_before=next(
        (m.name for m in accounts.migrations.pending(db)
         if m.name not in {"m001_accounts", "m002_rights_sessions_audit"}), None))
    assert [list(r) for r in db.execute(OBJECTS)] == SNAPSHOT["accounts_objects"]

