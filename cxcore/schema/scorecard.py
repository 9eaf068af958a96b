"""The scorecard's covering indexes (see :mod:`cxcore.scorecard`).

The ``cxcore.scorecard`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.scorecard")


@migrations()
def m001_scorecard_indexes(db: sqlite_utils.Database) -> None:
    # Covering indexes: the scorecard's aggregates read these instead of the tables.
    db.execute("create index if not exists idx_responses_scorecard on responses "
               "(date, nps, csat, ces, effectiveness, ease, emotion, segment, channel)")
    db.execute("create index if not exists idx_responses_customer_latest on responses "
               "(customer_id, date, nps)")
    db.execute("create index if not exists idx_revenue_customer_scorecard on revenue_events "
               "(customer_id, date, kind, amount)")
    db.execute("create index if not exists idx_customers_end_date on customers (end_date)")
    db.execute("create index if not exists idx_pulse_scorecard on pulse (date, enps)")
    db.execute("create index if not exists idx_revenue_date_scorecard on revenue_events "
               "(date, customer_id, kind, amount)")
