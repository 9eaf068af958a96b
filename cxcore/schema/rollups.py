"""The rollup tables (see :mod:`cxcore.rollups`, which keeps them up to date).

The ``cxcore.rollups`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from cxcore.rollups import RESPONSE_MEASURES, rebuild

migrations = Migrations("cxcore.rollups")


@migrations()
def m001_rollup_tables(db: sqlite_utils.Database) -> None:
    key = "day text, segment text, channel text, step_id integer"
    db.execute(f"create table rollup_responses ({key}, "
               + ", ".join(f"{c} {'real' if c.endswith(('sum', 'sumsq')) else 'integer'}"
                           for c in RESPONSE_MEASURES) + ")")
    db.execute("create index idx_rollup_responses on rollup_responses (day)")
    db.execute(f"create table rollup_attributes ({key}, attribute_id integer not null, "
               "n integer, total real, sumsq real)")
    db.execute("create index idx_rollup_attributes on rollup_attributes (day, attribute_id)")
    db.execute("create table rollup_revenue (customer_id text not null, month text, "
               "kind text, n integer, amount real, net real)")
    db.execute("create index idx_rollup_revenue_customer on rollup_revenue (customer_id)")
    db.execute("create index idx_rollup_revenue_month on rollup_revenue "
               "(month, customer_id, kind, n, amount, net)")
    db.execute("create table rollup_revenue_customers (customer_id text primary key, "
               "first_date text, last_date text, n integer)")
    db.execute("create table rollup_customer_months (month text not null, segment text, "
               "channel text, active_start integer, joined integer, churned integer, "
               "ended integer)")
    db.execute("create index idx_rollup_customer_months on rollup_customer_months (month)")
    db.execute("create table rollup_state (key text primary key, value text)")
    # Upgraded workspaces get their rollups from the rows they already hold.
    rebuild(db.conn)
