"""Tables every workspace has: settings, and the activity log (who changed what, when).

The ``cxcore.workspace`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.workspace")


@migrations()
def m001_settings_and_activity(db: sqlite_utils.Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["activity"].create(
        {"id": int, "at": str, "username": str, "action": str, "entity": str,
         "entity_id": str, "detail": str},
        pk="id", not_null={"at", "username", "action"},
    )


@migrations()
def m002_activity_index(db: sqlite_utils.Database) -> None:
    db["activity"].create_index(["at"])
    db["activity"].create_index(["entity", "entity_id"])
