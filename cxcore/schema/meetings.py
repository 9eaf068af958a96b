"""CX review meetings (see :mod:`cxcore.meetings`).

The ``cxcore.meetings`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.meetings")


@migrations()
def m001_meetings(db: sqlite_utils.Database) -> None:
    db["meetings"].create(
        {"id": int, "date": str, "title": str, "attendees": str, "notes": str,
         "created_by": str, "created_at": str},
        pk="id", not_null={"date", "title", "created_by", "created_at"})
    db["meetings"].create_index(["date"])
