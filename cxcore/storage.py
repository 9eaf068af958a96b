"""SQLite connections and file locations.

Every database the app opens goes through :func:`connect`, so all of them get the same settings:
WAL journaling (readers never block the writer), foreign keys enforced, a busy timeout so two
Streamlit sessions writing at once wait instead of failing, and ``check_same_thread=False``
because Streamlit may run a session's reruns on different threads.

Every write transaction takes the write lock up front (``BEGIN IMMEDIATE``): ``db.atomic()``
and the driver's implicit transactions alike. A deferred transaction that read first cannot
upgrade to the write lock once another connection has written, and SQLite then fails at once
instead of waiting out the busy timeout. A write that still cannot get the lock within
:data:`BUSY_TIMEOUT_MS` raises :class:`cxcore.errors.Busy`, with nothing written.

Files and folders made here are private to the server's account (files 0600, folders 0700):
the databases hold password hashes and client data.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
import unicodedata
from collections.abc import Generator
from pathlib import Path

import sqlite_utils

from cxcore.errors import Busy, is_busy

BUSY_TIMEOUT_MS = 10_000
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | Path) -> Path:
    """Create ``path`` and any missing parents, each readable by the server's account only
    (0700); folders that already exist keep their mode."""
    path = Path(path)
    missing = []
    while not path.is_dir() and path != path.parent:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(exist_ok=True, mode=DIR_MODE)
        folder.chmod(DIR_MODE)
    return Path(missing[0]) if missing else path


def private_file(path: str | Path) -> Path:
    """Make sure ``path`` exists with mode 0600: created empty if missing, tightened if it is
    readable by others (an empty file is a valid new SQLite database)."""
    path = Path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        with contextlib.suppress(OSError):  # a file we do not own keeps its mode
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(FILE_MODE)
    return path


def _busy_guard(call, *args):
    try:
        return call(*args)
    except sqlite3.OperationalError as exc:
        if is_busy(exc) and not isinstance(exc, Busy):
            raise Busy() from exc
        raise


class _Cursor(sqlite3.Cursor):
    def execute(self, *args):
        return _busy_guard(super().execute, *args)

    def executemany(self, *args):
        return _busy_guard(super().executemany, *args)

    def executescript(self, *args):
        return _busy_guard(super().executescript, *args)


class _Connection(sqlite3.Connection):
    """A connection whose lock timeouts surface as :class:`~cxcore.errors.Busy`."""

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    def execute(self, *args):
        return _busy_guard(super().execute, *args)

    def executemany(self, *args):
        return _busy_guard(super().executemany, *args)

    def executescript(self, *args):
        return _busy_guard(super().executescript, *args)

    def commit(self):
        return _busy_guard(super().commit)


class Database(sqlite_utils.Database):
    """``sqlite_utils.Database`` whose transactions take the write lock when they begin."""

    @contextlib.contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        """One transaction, begun with ``BEGIN IMMEDIATE`` (nested blocks use savepoints).

        Waits up to the busy timeout for another writer, then raises
        :class:`~cxcore.errors.Busy`; on any error everything in the block is rolled back.
        """
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

    def begin(self) -> None:
        """Start a transaction holding the write lock (``BEGIN IMMEDIATE``)."""
        self.execute("BEGIN IMMEDIATE")


def data_dir() -> Path:
    """Folder holding the accounts database and one SQLite file per workspace.

    ``CX_DATA_DIR`` overrides the default ``data/`` beside the code (tests point it at a
    temporary folder). The folder is created if missing.
    """
    path = Path(os.environ.get("CX_DATA_DIR") or Path(__file__).resolve().parent.parent / "data")
    return private_dir(path)


def connect(path: str | Path) -> Database:
    """Open (creating if needed, mode 0600) the SQLite file at ``path`` with the project's
    settings; implicit transactions begin ``IMMEDIATE`` too."""
    if str(path) != ":memory:":
        private_file(path)
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False,
                           isolation_level="IMMEDIATE", factory=_Connection)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return Database(conn)


def file_version(path: str | Path) -> tuple[int, int, int]:
    """A cheap token that changes whenever the database file (or its WAL) is written.

    Used as part of cache keys so cached aggregates are recomputed after any write, by this
    process or another one. An empty WAL counts as none: SQLite creates the WAL file when the
    first connection opens and deletes it when the last one closes, so its mere existence (and
    its modification time while empty) changes with every page visit that opens the file, not
    with the data. A WAL holding frames is data; when it is deleted its frames have been copied
    into the main file, whose modification time then changes.
    """
    path = Path(path)
    wal = path.with_name(path.name + "-wal")
    main = path.stat().st_mtime_ns if path.exists() else 0
    try:
        stat = wal.stat()
    except OSError:
        return (main, 0, 0)
    return (main, stat.st_mtime_ns, stat.st_size) if stat.st_size else (main, 0, 0)


def slugify(name: str) -> str:
    """A file-system-safe, lower-case identifier made from a display name."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:40] or "workspace"
