"""Restoring a workspace from a backup file: checked, upgraded, and reversible.

A restore replaces everything in a workspace with the content of an uploaded (or local) file.
The file must be a sound workspace file (:func:`cxcore.backup.inspect_file`): SQLite's integrity
check passes, it has the workspace tables, and its schema is this version's or an older one
(then it is brought up to date with the ordinary migrations). The current content is first kept
as an automatic snapshot, so a restore can itself be undone by restoring that snapshot.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import sqlite_utils

from cxcore import backup, locale_settings, storage, workspace_db
from cxcore.accounts import SYSTEM, Accounts, now_iso
from cxcore.errors import CXError, PermissionDenied, ValidationError
from cxcore.schema import migration_sets

#: The largest backup file accepted for a restore.
MAX_RESTORE_BYTES = 2 * 1024**3


def known_migrations() -> dict[str, list[str]]:
    """Every migration this version of the app knows, by migration set."""
    empty = sqlite_utils.Database(memory=True)
    return {mset.name: [m.name for m in mset.pending(empty)] for mset in migration_sets()}


def _write_source(source: Any, dest: Path) -> None:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    elif hasattr(source, "read"):
        data = source.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise ValidationError(f"There is no file {path}.", field="file")
        if path.stat().st_size > MAX_RESTORE_BYTES:
            raise ValidationError(f"The file is larger than the {MAX_RESTORE_BYTES // 1024**2} "
                                  f"MB a restore accepts.", field="file")
        # A local file may be a live database: copy it through SQLite if it is one.
        with path.open("rb") as fh:
            is_sqlite = fh.read(16) == b"SQLite format 3\x00"
        if is_sqlite:
            try:
                backup.copy_database(path, dest)
                return
            except CXError:  # damaged: inspect_file reports it from the plain bytes
                pass
        data = path.read_bytes()
    if len(data) > MAX_RESTORE_BYTES:
        raise ValidationError(f"The file is larger than the {MAX_RESTORE_BYTES // 1024**2} MB "
                              f"a restore accepts.", field="file")
    storage.private_file(dest)
    dest.write_bytes(data)


def check_backup(source: Any) -> dict:
    """Check ``source`` (bytes, a file-like object or a path) as a workspace backup without
    changing anything: ``{"name", "pending"}`` or :class:`ValidationError` saying why not."""
    with tempfile.TemporaryDirectory(prefix="cx-restore-") as folder:
        copy = Path(folder) / "upload.db"
        _write_source(source, copy)
        return backup.inspect_file(copy, known_migrations())


def restore_workspace(accounts: Accounts, workspace_id: int, source: Any, *, by: str,
                      source_name: str | None = None) -> dict:
    """Replace workspace ``workspace_id``'s content with the backup ``source`` (owners only).

    Checks the file (integrity, a workspace file, schema version), upgrades an older file,
    keeps the current content as a snapshot, then copies the backup in through SQLite. The
    workspace keeps its name and members (those live in the accounts database). Returns
    ``{"name": name inside the backup, "migrated": migrations applied, "snapshot": path,
    "snapshot_taken_at": when it was taken (UTC ISO), "message": what happened, for people}``
    (the message gives the snapshot's time in the workspace's time zone, not its file name).
    ``source_name`` (the uploaded file's name) is only used in the message. Refuses with
    :class:`ValidationError` (nothing changed) or :class:`PermissionDenied`.
    """
    if by != SYSTEM and accounts.role_in(workspace_id, by) != "owner":
        raise PermissionDenied("Only the workspace's owner can restore it from a backup.")
    info = accounts.get_workspace(workspace_id, by)
    with tempfile.TemporaryDirectory(prefix="cx-restore-") as folder:
        copy = Path(folder) / "upload.db"
        _write_source(source, copy)
        found = backup.inspect_file(copy, known_migrations())
        db = storage.connect(copy)
        try:
            workspace_db.migrate(db)
            with db.atomic():
                db["settings"].upsert({"key": "name", "value": info.name}, pk="key")
                db["activity"].insert({
                    "at": now_iso(), "username": by, "action": "restore", "entity": "workspace",
                    "entity_id": str(workspace_id),
                    "detail": json.dumps({"backup_of": found["name"],
                                          "migrated": found["pending"]})})
            db.execute("pragma journal_mode = delete")
        finally:
            db.close()
        snapshot = backup.take_snapshot(info.path, "before-restore")
        backup.copy_into(copy, info.path)
    taken = next((s["taken_at"] for s in backup.list_snapshots(info.path)
                  if snapshot and s["file"] == str(snapshot)), None)
    result = {"name": found["name"], "migrated": found["pending"],
              "snapshot": str(snapshot) if snapshot else None, "snapshot_taken_at": taken}
    return {**result, "message": restored_message(accounts, workspace_id, by, result,
                                                  source_name)}


def restored_message(accounts: Accounts, workspace_id: int, by: str, result: dict,
                     source_name: str | None = None) -> str:
    """What a restore did, in words: the file (``source_name``) and the workspace it is a
    backup of, an upgrade, and when the snapshot of the replaced content was taken, in the
    workspace's time zone ("2 Dec 2026 10:14 CET"), instead of the snapshot's file name."""
    from cxcore.workspace import open_session

    session = open_session(accounts, workspace_id, by)
    try:
        taken = locale_settings.format_time(result.get("snapshot_taken_at"), session)
    finally:
        session.close()
    upgraded = " It was upgraded from an older version of the app." if result["migrated"] else ""
    kept = (f" The content it replaced is kept as a snapshot taken {taken}; restore it the same "
            f"way for {backup.retention_days()} days." if taken else "")
    what = (f"{source_name} (a backup of '{result['name']}')" if source_name
            else f"a backup of '{result['name']}'")
    return f"Restored from {what}.{upgraded}{kept}"
