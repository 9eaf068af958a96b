"""Backups through SQLite's backup API, restore with its checks, automatic snapshots."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cxcore import backup, importers, interviews, restore, storage
from cxcore import workspace as wsmod
from cxcore.cli import main as cli
from cxcore.errors import PermissionDenied, ValidationError


def table_contents(path, skip=("activity",)) -> dict[str, list]:
    """Every row of every table (shadow tables of full-text search included)."""
    conn = sqlite3.connect(str(path))
    try:
        names = [r[0] for r in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' "
            "order by name")]
        return {n: conn.execute(f"select * from [{n}] order by 1").fetchall()
                for n in names if n not in skip}
    finally:
        conn.close()


def add_interview(session, who="Customer A"):
    return interviews.create_interview(session, {
        "kind": "customer", "date": "2026-01-15", "interviewee": who, "notes": "n"})


def test_backup_holds_writes_still_in_the_wal(editor_session, tmp_path):
    """The old download read the main file's bytes: writes still in the WAL were missing."""
    for n in range(50):
        add_interview(editor_session, f"C{n}")
    path = editor_session.info.path
    assert os.path.getsize(str(path) + "-wal") > 0  # the writes are (at least partly) in the WAL
    out = backup.backup_to(path, tmp_path / "copy.db")
    conn = sqlite3.connect(str(out))
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    assert conn.execute("select count(*) from interviews").fetchone()[0] == 50
    assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not (tmp_path / "copy.db-wal").exists()
    data = backup.backup_bytes(path)
    assert data[:16] == b"SQLite format 3\x00"


def test_backup_refuses_a_bad_destination(workspace, tmp_path):
    with pytest.raises(Exception, match="is a folder"):
        backup.backup_to(workspace.path, tmp_path)
    with pytest.raises(Exception, match="does not exist"):
        backup.backup_to(workspace.path, tmp_path / "nope" / "x.db")
    with pytest.raises(Exception, match="can't replace the workspace file"):
        backup.backup_to(workspace.path, workspace.path)


def test_restore_round_trip_gives_equal_tables(accounts, workspace, owner_session, tmp_path):
    add_interview(owner_session, "Kept")
    owner_session.set_setting("targets", {"nps": 40})
    saved = backup.backup_to(workspace.path, tmp_path / "saved.db")
    expected = table_contents(saved)
    activity_before = table_contents(saved, skip=())["activity"]
    # change everything after the backup
    add_interview(owner_session, "Added later")
    owner_session.db.execute("delete from settings where key = 'targets'")
    result = restore.restore_workspace(accounts, workspace.id, saved, by="owner")
    assert table_contents(workspace.path) == expected
    activity = table_contents(workspace.path, skip=())["activity"]
    assert activity[:len(activity_before)] == activity_before
    assert activity[-1][2:5] == ("owner", "restore", "workspace")
    # the replaced content was kept as a snapshot that itself restores
    snap = result["snapshot"]
    assert "before-restore" in snap and "Added later" in json.dumps(
        table_contents(snap)["interviews"])
    # the session opened before the restore sees the restored content
    names = [r[0] for r in owner_session.db.execute("select interviewee from interviews")]
    assert names == ["Kept"]


def test_restore_message_gives_the_snapshot_time_in_the_workspace_zone(
        accounts, workspace, owner_session, tmp_path, monkeypatch):
    from cxcore import locale_settings

    locale_settings.set_locale(owner_session, timezone_name="Europe/Berlin")
    saved = backup.backup_to(workspace.path, tmp_path / "saved.db")
    result = restore.restore_workspace(accounts, workspace.id, saved, by="owner",
                                       source_name="saved.db")
    taken = datetime.fromisoformat(result["snapshot_taken_at"])
    assert taken.tzinfo is not None
    # e.g. taken at 09:14 UTC on 2 Dec -> "2 Dec 2026 10:14 CET" (Berlin is UTC+1 in winter)
    local = taken.astimezone(ZoneInfo("Europe/Berlin"))
    words = f"{local.day} {local:%b %Y %H:%M} {local.tzname()}"
    assert result["message"] == (
        f"Restored from saved.db (a backup of 'Acme'). The content it replaced is kept as a "
        f"snapshot taken {words}; restore it the same way for {backup.retention_days()} days.")
    assert ".db" not in result["message"].split("snapshot taken")[1]  # no file name


def test_restore_migrates_an_older_file(accounts, workspace, tmp_path):
    old = tmp_path / "old.db"
    db = storage.connect(old)
    from cxcore.schema import workspace as workspace_core

    workspace_core.migrations.apply(db)  # only the first migration set: an old schema
    db["settings"].insert({"key": "name", "value": "Old one"})
    db.close()
    found = restore.check_backup(old)
    assert found["name"] == "Old one" and found["pending"] > 0
    result = restore.restore_workspace(accounts, workspace.id, old, by="owner")
    assert result["migrated"] == found["pending"]
    session = wsmod.open_session(accounts, workspace.id, "owner")
    add_interview(session)  # the upgraded schema works
    assert session.setting("name") == "Acme"  # the workspace keeps its own name
    session.close()


def _sqlite_file(path, sql):
    conn = sqlite3.connect(str(path))
    conn.executescript(sql)
    conn.close()
    return path


def hostile_backups(tmp_path, workspace):
    """(label, file, expected message part): each must be refused, nothing changed."""
    good = backup.backup_to(workspace.path, tmp_path / "good.db")
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(good.read_bytes()[:5000])
    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    # Scribble over every page but the first two, just after the page header (bytes 100-200
    # can be free space on the many near-empty pages of a new workspace's tables).
    for page in range(2, len(data) // 4096):
        data[page * 4096 + 8:page * 4096 + 108] = b"\xff" * 100
    damaged.write_bytes(bytes(data))
    newer = backup.backup_to(workspace.path, tmp_path / "newer.db")
    _sqlite_file(newer, "insert into _sqlite_migrations (migration_set, name, applied_at) "
                        "values ('cxcore.future', 'm001_hover_cars', '2030-01-01')")
    nameless = backup.backup_to(workspace.path, tmp_path / "nameless.db")
    _sqlite_file(nameless, "delete from settings where key = 'name'")
    text = tmp_path / "notes.db"
    text.write_text("just some text, renamed to .db\n")
    other = _sqlite_file(tmp_path / "other.db", "create table songs (title text);")
    foreign = _sqlite_file(tmp_path / "foreign.db",
                           "create table settings (key text, value text);"
                           "create table activity (id integer);"
                           "create table _sqlite_migrations (migration_set, name, applied_at);"
                           "insert into settings values ('name', 'x');")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    return [
        ("not SQLite", text, "not an SQLite database"),
        ("empty file", empty, "not an SQLite database"),
        ("truncated", truncated, "damaged"),
        ("damaged pages", damaged, "damaged"),
        ("another app's SQLite file", other, "not a workspace file"),
        ("lookalike tables, foreign schema", foreign, "not a workspace file"),
        ("no workspace name", nameless, "no workspace name"),
        ("newer schema", newer, "newer version of the app"),
    ]


def digest(path) -> str:
    return hashlib.sha256(backup.backup_bytes(path)).hexdigest()


def test_restore_refuses_anything_but_a_sound_workspace_file(accounts, workspace, tmp_path,
                                                             owner_session):
    add_interview(owner_session)
    before = digest(workspace.path)
    for label, file, message in hostile_backups(tmp_path, workspace):
        with pytest.raises(ValidationError, match=message):
            restore.restore_workspace(accounts, workspace.id, file, by="owner")
        assert digest(workspace.path) == before, label
    assert backup.list_snapshots(workspace.path) == []


def test_only_owners_restore(accounts, workspace, tmp_path):
    saved = backup.backup_to(workspace.path, tmp_path / "saved.db")
    for user in ("editor", "viewer"):
        with pytest.raises(PermissionDenied):
            restore.restore_workspace(accounts, workspace.id, saved, by=user)


def test_destructive_actions_take_snapshots_and_old_ones_are_pruned(
        accounts, workspace, editor_session, tmp_path, monkeypatch):
    csv = tmp_path / "c.csv"
    csv.write_text("id,start_date\nC1,2025-01-01\n")
    preview = importers.prepare_import("customers", csv, filename="c.csv")
    batch = importers.commit_import(editor_session, preview).batch_id
    importers.undo_import(editor_session, batch)
    snaps = backup.list_snapshots(workspace.path)
    assert [s["reason"] for s in snaps] == ["undo-import"]
    assert table_contents(snaps[0]["file"])["customers"]  # the snapshot still has the row
    folder = backup.snapshots_dir(workspace.path)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(os.stat(snaps[0]["file"]).st_mode) == 0o600
    # an old snapshot (by its name's time stamp) is pruned when the next one is taken
    monkeypatch.setenv("CX_SNAPSHOT_DAYS", "3")
    stamp = (datetime.now(UTC) - timedelta(days=4)).strftime("%Y%m%dT%H%M%S%fZ")
    old = folder / f"{workspace.path.stem}--{stamp}--undo-import.db"
    old.write_bytes(b"")
    editor_session.close()
    accounts.delete_workspace(workspace.id, by="owner", confirm_name="Acme")
    assert not old.exists()
    assert [s["reason"] for s in backup.list_snapshots(workspace.path)] == [
        "delete", "undo-import"]


def test_snapshot_retention_setting_is_checked(monkeypatch):
    monkeypatch.setenv("CX_SNAPSHOT_DAYS", "soon")
    with pytest.raises(Exception, match="whole number"):
        backup.retention_days()
    monkeypatch.setenv("CX_SNAPSHOT_DAYS", "")
    assert backup.retention_days() == 14


def test_cli_backup_restore_snapshots(accounts, workspace, owner_session, tmp_path, capsys):
    add_interview(owner_session, "In the backup")
    out = tmp_path / "acme.db"
    assert cli(["workspace", "backup", "Acme", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["file"] == str(out)
    add_interview(owner_session, "After")
    assert cli(["workspace", "restore", "Acme", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Restored 'Acme'") and "before-restore" in said
    assert cli(["workspace", "snapshots", "Acme", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["retention_days"] == 14
    assert [s["reason"] for s in listed["snapshots"]] == ["before-restore"]
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    assert cli(["workspace", "restore", "Acme", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not an SQLite database" in err
    assert cli(["workspace", "restore", "Acme", str(out), "--as", "editor"]) == 1
    assert "Only the workspace's owner" in capsys.readouterr().err


def test_new_files_and_folders_are_private(accounts, data_dir):
    assert stat.S_IMODE((data_dir / "workspaces").stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "accounts.db").stat().st_mode) == 0o600
    ws = accounts.find_workspace("Acme")
    assert stat.S_IMODE(ws.path.stat().st_mode) == 0o600
    fresh = data_dir / "sub" / "new"
    storage.private_dir(fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700
    from cxcore.accounts import Accounts

    root = data_dir / "elsewhere" / "data"
    Accounts.open(root).close()
    for folder in (root.parent, root, root / "workspaces"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE((root / "accounts.db").stat().st_mode) == 0o600
