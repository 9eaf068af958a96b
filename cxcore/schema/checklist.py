"""The program checklist: step status, reflections, walk-in-their-shoes entries (see
:mod:`cxcore.checklist`).

The ``cxcore.checklist`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.checklist")


@migrations()
def m001_checklist(db: sqlite_utils.Database) -> None:
    db["checklist_steps"].create(
        {"number": int, "owner": str, "due_date": str, "notes": str, "status_override": str,
         "override_note": str, "updated_by": str, "updated_at": str},
        pk="number",
    )
    db["checklist_reflections"].create(
        {"step": int, "prompt_key": str, "answer": str, "updated_by": str, "updated_at": str},
        pk=("step", "prompt_key"), not_null={"step", "prompt_key"},
    )
    db["customer_shoes"].create(
        {"id": int, "date": str, "kind": str, "what_was_done": str, "how_it_felt": str,
         "created_by": str, "created_at": str},
        pk="id", not_null={"date", "kind", "what_was_done", "created_by", "created_at"},
    )
    db["customer_shoes"].create_index(["date"])
    db["checklist_targets"].create(
        {"key": str, "value": int, "updated_by": str, "updated_at": str}, pk="key",
    )
