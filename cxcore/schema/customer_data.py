"""Customers, revenue events, survey responses, pulse answers and their import batches (see
:mod:`cxcore.customer_data`).

The ``cxcore.customer_data`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.customer_data")


@migrations()
def m001_customer_data(db: sqlite_utils.Database) -> None:
    db["import_batches"].create(
        {"id": int, "kind": str, "filename": str, "source_format": str, "rows": int,
         "created_by": str, "created_at": str, "undone_at": str, "undone_by": str},
        pk="id", not_null={"kind", "created_by", "created_at"},
    )
    db["customers"].create(
        {"id": str, "name": str, "segment": str, "channel": str, "start_date": str,
         "end_date": str, "churned": int, "monthly_revenue": float, "referred_by": str,
         "batch_id": int},
        pk="id", not_null={"churned"}, defaults={"churned": 0},
        foreign_keys=[("batch_id", "import_batches", "id")],
    )
    db["customers"].create_index(["start_date"])
    db["customers"].create_index(["segment"])
    db["revenue_events"].create(
        {"id": int, "customer_id": str, "date": str, "amount": float, "kind": str,
         "batch_id": int, "row_hash": str},
        pk="id", not_null={"customer_id", "date", "amount", "kind"},
        foreign_keys=[("customer_id", "customers", "id"), ("batch_id", "import_batches", "id")],
    )
    db["revenue_events"].create_index(["customer_id", "date"])
    db["revenue_events"].create_index(["date"])
    db["revenue_events"].create_index(["row_hash"], unique=True)
    db["responses"].create(
        {"id": int, "customer_id": str, "date": str, "nps": int, "csat": int, "ces": int,
         "effectiveness": int, "ease": int, "emotion": int, "channel": str, "segment": str,
         "journey_step_id": int, "comment": str, "batch_id": int, "row_hash": str},
        pk="id", not_null={"date"},
        foreign_keys=[("customer_id", "customers", "id"),
                      ("journey_step_id", "journey_steps", "id"),
                      ("batch_id", "import_batches", "id")],
    )
    db["responses"].create_index(["date"])
    db["responses"].create_index(["customer_id"])
    db["responses"].create_index(["row_hash"], unique=True)
    db["pulse"].create(
        {"id": int, "date": str, "team": str, "enps": int, "comment": str, "batch_id": int,
         "row_hash": str},
        pk="id", not_null={"date", "enps"},
        foreign_keys=[("batch_id", "import_batches", "id")],
    )
    db["pulse"].create_index(["date"])
    db["pulse"].create_index(["row_hash"], unique=True)
