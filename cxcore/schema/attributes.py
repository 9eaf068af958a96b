"""Survey attributes (extra ratings, yes/no and category questions) and their answers (see
:mod:`cxcore.attributes`).

The ``cxcore.attributes`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.attributes")


@migrations()
def m001_attributes(db: sqlite_utils.Database) -> None:
    db["attributes"].create(
        {"id": int, "key": str, "label": str, "kind": str, "scale_min": float,
         "scale_max": float, "na_codes": str, "value_labels": str, "categories": str,
         "step_id": int, "created_at": str},
        pk="id", not_null={"key", "label", "kind"},
        foreign_keys=[("step_id", "journey_steps", "id")],
    )
    db["attributes"].create_index(["key"], unique=True)
    db.execute("create table response_attributes (response_id integer primary key "
               "references responses(id) on delete cascade)")
