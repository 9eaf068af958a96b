"""Workspace files: connection settings, migrations (including upgrading an older file),
sessions and the permission check every write relies on."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from cxcore import storage
from cxcore import workspace as wsmod
from cxcore.errors import NotFound, PermissionDenied
from cxcore.schema import migration_sets
from cxcore.schema import workspace as workspace_core


def test_connect_sets_wal_foreign_keys_and_busy_timeout(tmp_path):
    db = storage.connect(tmp_path / "x.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    assert db.execute("pragma busy_timeout").fetchone()[0] == storage.BUSY_TIMEOUT_MS
    # usable from another thread (Streamlit reruns may move between threads)
    result = []
    t = threading.Thread(target=lambda: result.append(db.execute("select 1").fetchone()[0]))
    t.start()
    t.join()
    assert result == [1]


def test_every_migration_set_applies_to_a_new_file(tmp_path):
    db = wsmod.open_db(tmp_path / "new.db")
    for mset in migration_sets():
        assert mset.pending(db) == []
    assert {"settings", "activity", "journeys", "customers", "responses"} <= set(db.table_names())


def test_an_older_file_is_upgraded_in_place_without_losing_rows(tmp_path):
    path = tmp_path / "old.db"
    old = storage.connect(path)
    # A file written when the core set stopped before its second migration.
    workspace_core.migrations.apply(old, stop_before="m002_activity_index")
    old["settings"].insert({"key": "name", "value": '"Old shop"'})
    old["activity"].insert({"at": "2025-01-01T00:00:00+00:00", "username": "ann",
                            "action": "create", "entity": "workspace"})
    assert old["activity"].indexes == []
    old.close()

    db = wsmod.open_db(path)
    assert db["settings"].get("name")["value"] == '"Old shop"'
    assert db["activity"].count == 1
    assert {tuple(i.columns) for i in db["activity"].indexes} == {("at",), ("entity", "entity_id")}
    for mset in migration_sets():
        assert mset.pending(db) == []


def test_foreign_keys_are_enforced(owner_session):
    with pytest.raises(sqlite3.IntegrityError):
        owner_session.db["journey_steps"].insert(
            {"journey_id": 999, "position": 1, "name": "Ghost step"})


def test_roles_and_require(owner_session, editor_session, viewer_session):
    assert (owner_session.is_owner, owner_session.can_edit) == (True, True)
    assert (editor_session.is_owner, editor_session.can_edit) == (False, True)
    assert (viewer_session.is_owner, viewer_session.can_edit) == (False, False)
    viewer_session.require("viewer")
    with pytest.raises(PermissionDenied, match="viewer"):
        viewer_session.require("editor")
    with pytest.raises(PermissionDenied):
        editor_session.require("owner")


def test_settings_are_written_by_editors_only_and_logged(editor_session, viewer_session):
    editor_session.set_setting("margin_pct", 35.5)
    assert viewer_session.setting("margin_pct") == 35.5
    assert viewer_session.setting("missing", "default") == "default"
    with pytest.raises(PermissionDenied):
        viewer_session.set_setting("margin_pct", 10)
    assert viewer_session.setting("margin_pct") == 35.5
    last = list(editor_session.db.query("select * from activity order by id desc limit 1"))[0]
    assert (last["username"], last["action"], last["entity_id"]) == ("editor", "set", "margin_pct")


def test_non_members_cannot_open_a_workspace(accounts, workspace):
    accounts.create_user("stranger", "correct-horse-1", by="owner")
    with pytest.raises(NotFound):
        wsmod.open_session(accounts, workspace.id, "stranger")


def test_file_version_changes_on_write(owner_session):
    path = owner_session.info.path
    before = storage.file_version(path)
    owner_session.set_setting("x", 1)
    assert storage.file_version(path) != before


def test_counts_and_next_steps(owner_session):
    counts = wsmod.counts(owner_session)
    assert counts["customers"] == 0
    steps = wsmod.next_steps(owner_session, counts)
    assert any("Interview log" in s for s in steps)
    assert any("Import" in s for s in steps)


def test_slugify():
    assert storage.slugify("Café Ünïcode & Co!") == "cafe-unicode-co"
    assert storage.slugify("日本語") == "workspace"
