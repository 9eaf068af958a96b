"""Copies of a workspace file that are real backups, and the automatic snapshots.

A copy is made with SQLite's online backup API, never by reading the file's bytes: the file on
disk lacks whatever is still in its write-ahead log, and bytes read while someone writes can be
torn. The backup API copies the database as one read transaction sees it, so the copy is
consistent and holds every write committed before it began, including those still in the WAL.
The copy is a single self-contained file (rollback journal, no ``-wal`` beside it), mode 0600.

Before a destructive action (undo an import, delete a workspace, restore a backup over it) a
**snapshot** of the workspace is taken into ``<data dir>/snapshots/`` (folder 0700). Snapshots
are kept for :func:`retention_days` days (``CX_SNAPSHOT_DAYS``, default 14); older ones are
pruned whenever a new one is taken.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cxcore import storage
from cxcore.errors import Busy, CXError, ValidationError

DEFAULT_RETENTION_DAYS = 14
SNAPSHOTS = "snapshots"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)--(?P<stamp>\d{8}T\d{12}Z)--(?P<reason>[a-z0-9-]+)\.db$")


def retention_days() -> int:
    """How many days automatic snapshots are kept: ``CX_SNAPSHOT_DAYS`` or 14."""
    raw = os.environ.get("CX_SNAPSHOT_DAYS", "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(raw)
    except ValueError:
        raise CXError(f"CX_SNAPSHOT_DAYS must be a whole number of days, not '{raw}'.") from None
    if days < 1:
        raise CXError("CX_SNAPSHOT_DAYS must be at least 1 day.")
    return days


def copy_database(source: str | Path, dest: str | Path) -> Path:
    """Copy the SQLite database ``source`` to the new file ``dest`` with the backup API.

    One step (one read transaction), so the copy is exactly the database as of the moment the
    copy began. ``dest`` is replaced if it exists, created 0600, and left in rollback-journal
    mode so it is one file. Raises :class:`CXError` if ``source`` can't be read.
    """
    source, dest = Path(source), Path(dest)
    if not source.exists():
        raise CXError(f"There is no database file {source.name}.")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(dest) + suffix).unlink(missing_ok=True)
    storage.private_file(dest)
    src = sqlite3.connect(str(source), timeout=storage.BUSY_TIMEOUT_MS / 1000)
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
            out.execute("pragma journal_mode = delete")
        finally:
            out.close()
    except sqlite3.DatabaseError as exc:
        Path(dest).unlink(missing_ok=True)
        if storage.is_busy(exc):
            raise Busy() from exc
        raise CXError(f"Can't copy {source.name}: {exc}.") from exc
    finally:
        src.close()
    return dest


def backup_to(source: str | Path, out: str | Path) -> Path:
    """Write a consistent copy of the workspace file ``source`` to ``out`` (a new file, 0600).

    Written to a temporary file beside ``out`` first, then renamed, so ``out`` is never a half
    copy.
    """
    out = Path(out)
    if out.is_dir():
        raise CXError(f"{out} is a folder: give the backup file's name.")
    if not out.parent.is_dir():
        raise CXError(f"The folder {out.parent} does not exist.")
    if out.exists() and out.resolve() == Path(source).resolve():
        raise CXError("The backup can't replace the workspace file itself.")
    fd, tmp = tempfile.mkstemp(prefix=".backup-", suffix=".db", dir=out.parent)
    os.close(fd)
    try:
        copy_database(source, tmp)
        os.replace(tmp, out)
    finally:
        for suffix in ("", "-journal"):
            Path(tmp + suffix).unlink(missing_ok=True)
    return out


def backup_bytes(source: str | Path) -> bytes:
    """A consistent copy of the workspace file ``source``, as bytes (for a download)."""
    with tempfile.TemporaryDirectory(prefix="cx-backup-") as folder:
        copy = copy_database(source, Path(folder) / "copy.db")
        return copy.read_bytes()


# ---- snapshots ----------------------------------------------------------------------------------

def snapshots_dir(workspace_path: str | Path) -> Path:
    """The snapshots folder of the data folder holding ``workspace_path`` (created, 0700)."""
    return storage.private_dir(Path(workspace_path).resolve().parent.parent / SNAPSHOTS)


def take_snapshot(workspace_path: str | Path, reason: str) -> Path | None:
    """Copy the workspace file into the snapshots folder before a destructive action.

    ``reason`` (e.g. ``undo-import``) is part of the file's name. Prunes snapshots older than
    :func:`retention_days`. Returns the snapshot's path, or None if there is no file to copy.
    """
    path = Path(workspace_path)
    if not path.exists():
        return None
    reason = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-") or "snapshot"
    folder = snapshots_dir(path)
    stamp = datetime.now(UTC).strftime(_STAMP)
    snap = copy_database(path, folder / f"{path.stem}--{stamp}--{reason}.db")
    prune_snapshots(folder)
    return snap


def _parse(file: Path) -> dict | None:
    match = _NAME.match(file.name)
    if not match:
        return None
    taken = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
    return {"file": str(file), "workspace_file": match["stem"] + ".db",
            "taken_at": taken.replace(microsecond=0).isoformat(), "reason": match["reason"],
            "bytes": file.stat().st_size, "_taken": taken}


def prune_snapshots(folder: str | Path, *, now: datetime | None = None) -> list[Path]:
    """Delete snapshots older than :func:`retention_days`; returns the deleted files."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days())
    removed = []
    for file in Path(folder).glob("*.db"):
        info = _parse(file)
        if info and info["_taken"] < cutoff:
            file.unlink(missing_ok=True)
            removed.append(file)
    return removed


def list_snapshots(workspace_path: str | Path) -> list[dict]:
    """The workspace's snapshots, newest first: file, taken_at (UTC), reason, bytes."""
    path = Path(workspace_path)
    folder = path.resolve().parent.parent / SNAPSHOTS
    if not folder.is_dir():
        return []
    found = [info for f in folder.glob(f"{glob_escape(path.stem)}--*.db")
             if (info := _parse(f)) and info["workspace_file"] == path.name]
    found.sort(key=lambda i: i["_taken"], reverse=True)
    for info in found:
        info.pop("_taken")
    return found


def glob_escape(text: str) -> str:
    """``text`` with glob wildcards made literal."""
    return re.sub(r"([*?\[])", r"[\1]", text)


# ---- checking a file that claims to be a workspace ----------------------------------------------

#: Tables every workspace file has, whatever its schema version.
REQUIRED_TABLES = {"settings", "activity", "_sqlite_migrations"}


def inspect_file(path: str | Path, known: dict[str, list[str]]) -> dict:
    """Check that ``path`` is a sound workspace file this version of the app can use.

    Give it a private copy of the file (opening it may create ``-wal``/``-shm`` files beside it).

    ``known`` maps each migration set to its migration names (the app's schema). Checks, in
    order: it is an SQLite database; ``PRAGMA integrity_check`` says ok; it has the workspace
    tables and a name; it holds no migration this version doesn't know (a newer app's file).
    Returns ``{"name", "pending"}``: the workspace's name and how many migrations it lacks (an
    older file, upgraded on restore). Raises :class:`ValidationError` naming what is wrong.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise ValidationError(f"Can't read the file: {exc.strerror or exc}.", field="file") \
            from exc
    if header != b"SQLite format 3\x00":
        raise ValidationError("This is not a workspace file: it is not an SQLite database.",
                              field="file")
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("pragma trusted_schema = off")
        conn.execute("pragma query_only = on")
        try:
            result = [r[0] for r in conn.execute("pragma integrity_check(20)")]
            tables = {r[0] for r in conn.execute(
                "select name from sqlite_master where type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise ValidationError(f"This file is damaged: SQLite can't read it ({exc}).",
                                  field="file") from exc
        if result != ["ok"]:
            raise ValidationError(
                "This file is damaged: SQLite's integrity check found "
                + "; ".join(result[:3]) + (" …" if len(result) > 3 else ""), field="file")
        missing = REQUIRED_TABLES - tables
        if missing:
            raise ValidationError(
                "This SQLite file is not a workspace file: it has no "
                + ", ".join(sorted(missing)) + " table.", field="file")
        name = conn.execute("select value from settings where key = 'name'").fetchone()
        if not name or not name[0]:
            raise ValidationError("This SQLite file is not a workspace file: it has no "
                                  "workspace name in its settings.", field="file")
        applied = conn.execute("select migration_set, name from _sqlite_migrations").fetchall()
    finally:
        conn.close()
    sets = {s for s, _ in applied}
    if "cxcore.workspace" not in sets:
        raise ValidationError("This SQLite file is not a workspace file: its schema is not "
                              "this app's.", field="file")
    unknown = sorted(f"{s}/{n}" for s, n in applied if n not in known.get(s, ()))
    if unknown:
        raise ValidationError(
            "This workspace file was made by a newer version of the app (its schema has "
            f"{len(unknown)} change(s) this version doesn't know, e.g. {unknown[0]}). Upgrade "
            "the app, then restore it.", field="file")
    done = set(applied)
    pending = sum(1 for s, names in known.items() for n in names if (s, n) not in done)
    return {"name": name[0], "pending": pending}


def copy_into(source: str | Path, live: str | Path) -> None:
    """Replace the live database ``live``'s content with ``source``'s, through SQLite.

    The backup API writes into the live file under SQLite's own locking, so connections other
    sessions hold stay valid and see the new content (replacing the file on disk would leave
    them writing to the old one). Page sizes must agree for a WAL database: ``source`` is
    rewritten to the live page size first if they differ.
    """
    src = sqlite3.connect(str(source))
    try:
        dst = storage.connect(live)
        try:
            size = dst.execute("pragma page_size").fetchone()[0]
            if src.execute("pragma page_size").fetchone()[0] != size:
                src.execute("pragma journal_mode = delete")
                src.execute(f"pragma page_size = {int(size)}")
                src.execute("vacuum")
            src.backup(dst.conn)
        finally:
            dst.close()
    finally:
        src.close()


def remove_files(path: str | Path) -> None:
    """Delete a database file and its ``-wal``, ``-shm`` and ``-journal`` companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()
