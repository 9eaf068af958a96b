"""SQLite connections and file locations.

Every database the app opens goes through :func:`connect`, so all of them get the same settings:
WAL journaling (readers never block the writer), foreign keys enforced, a busy timeout so two
Streamlit sessions writing at once wait instead of failing, and ``check_same_thread=False``
because Streamlit may run a session's reruns on different threads.
"""

from __future__ import annotations

import os
import re
import sqlite3
import unicodedata
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 10_000


def data_dir() -> Path:
    """Folder holding the accounts database and one SQLite file per workspace.

    ``CX_DATA_DIR`` overrides the default ``data/`` beside the code (tests point it at a
    temporary folder). The folder is created if missing.
    """
    path = Path(os.environ.get("CX_DATA_DIR") or Path(__file__).resolve().parent.parent / "data")
    path.mkdir(parents=True, exist_ok=True)
    return path


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the SQLite file at ``path`` with the project's settings."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return sqlite_utils.Database(conn)


def file_version(path: str | Path) -> tuple[int, int]:
    """A cheap token that changes whenever the database file (or its WAL) is written.

    Used as part of cache keys so cached aggregates are recomputed after any write, by this
    process or another one.
    """
    path = Path(path)
    wal = path.with_name(path.name + "-wal")
    main = path.stat().st_mtime_ns if path.exists() else 0
    wal_m = wal.stat().st_mtime_ns if wal.exists() else 0
    return (main, wal_m)


def slugify(name: str) -> str:
    """A file-system-safe, lower-case identifier made from a display name."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()
    return text[:40] or "workspace"
