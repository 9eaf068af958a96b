"""Interviews, their tags, full-text search and guides (see :mod:`cxcore.interviews`).

The ``cxcore.interviews`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.interviews")

#: The interview fields the full-text index covers.
SEARCH_COLUMNS = ("notes", "key_quotes", "pain_points", "works_well")


@migrations()
def m001_interviews(db: sqlite_utils.Database) -> None:
    db["interviews"].create(
        {"id": int, "kind": str, "date": str, "interviewee": str, "role_segment": str,
         "channel": str, "interviewer": str, "journey_id": int, "journey_step_id": int,
         "notes": str, "key_quotes": str, "pain_points": str, "works_well": str,
         "sentiment": str, "created_by": str, "created_at": str, "updated_by": str,
         "updated_at": str, "deleted_at": str, "deleted_by": str},
        pk="id", not_null={"kind", "date", "interviewee", "created_by", "created_at"},
        foreign_keys=[("journey_id", "journeys", "id"),
                      ("journey_step_id", "journey_steps", "id")],
    )
    db["interviews"].create_index(["date"])
    db["interviews"].create_index(["kind", "date"])
    db["interviews"].create_index(["journey_id"])
    db["interviews"].create_index(["deleted_at"])
    db["interview_tags"].create(
        {"interview_id": int, "tag": str}, pk=("interview_id", "tag"),
        foreign_keys=[("interview_id", "interviews", "id")],
    )
    db["interview_tags"].create_index(["tag"])
    db["interviews"].enable_fts(list(SEARCH_COLUMNS), create_triggers=True)
    db["interview_guides"].create(
        {"kind": str, "questions": str, "updated_by": str, "updated_at": str}, pk="kind",
    )


@migrations()
def m002_customer_link(db: sqlite_utils.Database) -> None:
    # Which customer (customers.id) a customer interview was with, for the customer's own view.
    # No foreign key: undoing a customer import must not be blocked by an interview.
    db["interviews"].add_column("customer_id", str)
    db["interviews"].create_index(["customer_id"])
