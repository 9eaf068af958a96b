"""Follow-ups of detractor answers (see :mod:`cxcore.followups`).

The ``cxcore.followups`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.followups")


@migrations()
def m001_follow_ups(db: sqlite_utils.Database) -> None:
    db.execute("""create table follow_ups (
        response_id integer primary key references responses(id) on delete cascade,
        owner text, status text not null default 'new', note text, due_date text,
        action_id integer references actions(id) on delete set null,
        created_by text, created_at text, updated_by text, updated_at text, closed_at text,
        erased_at text)""")
    db.execute("create index idx_follow_ups_status on follow_ups (status, due_date)")
    db.execute("create index idx_follow_ups_owner on follow_ups (owner, status)")
    db.execute("create index idx_responses_detractors on responses (date) where nps <= 6")
