"""What every part of the scorecard reads with: the date and segment/channel filters, the
rollups' freshness test and the data's date range."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from cxcore.period import Period
from cxcore.rollups import NET_AMOUNT, RAW_FINGERPRINT_SQL  # noqa: F401 (re-exported)

if TYPE_CHECKING:

    import sqlite3

    from cxcore.workspace import WorkspaceSession

NOT_SET = "(not set)"  # the breakdown group of records without a segment or channel


def _window(period: Period, column: str = "date") -> tuple[str, list[Any]]:
    if period.is_all:
        return "1", []
    return f"{column} >= ? and {column} < ?", [period.start, period.end]


def _filters(segment: str | None, channel: str | None,
             named: bool = False) -> tuple[str, list]:
    clauses, params = [], []
    for column, value in (("segment", segment), ("channel", channel)):
        if value is not None:
            clauses.append(f"{column} = :{column}" if named else f"{column} = ?")
            params.append(value)
    return (" and ".join(clauses) or "1"), params



def rollups_fresh(db: sqlite3.Connection | Any) -> bool:
    """Whether the rollups match the raw rows' fingerprint (:data:`RAW_FINGERPRINT_SQL`)."""
    row = db.execute("select value from rollup_state where key = 'raw'").fetchone()
    return row is not None and json.loads(row[0]) == list(db.execute(RAW_FINGERPRINT_SQL)
                                                          .fetchone())


def _row(db: sqlite3.Connection | Any, sql: str, params: Any) -> dict[str, Any]:
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    values = cursor.fetchone()
    return dict(zip(names, values or [None] * len(names), strict=True))



def _i(value: Any) -> int:
    return int(value or 0)



def data_range(session: WorkspaceSession) -> tuple[str | None, str | None]:
    """The first and last dates found in responses, pulse, customers and revenue events."""
    # One min() or max() per sub-select, so SQLite answers each from an index end.
    tables = (("responses", "date"), ("pulse", "date"), ("revenue_events", "date"),
              ("customers", "start_date"))
    selects = [f"(select min({c}) from {t})" for t, c in tables] + [
        f"(select max({c}) from {t})" for t, c in (*tables, ("customers", "end_date"))]
    values = session.db.execute(f"select {', '.join(selects)}").fetchone()
    lows = [v for v in values[:len(tables)] if v]
    highs = [v for v in values[len(tables):] if v]
    lo, hi = (min(lows) if lows else None), (max(highs) if highs else None)
    return (lo[:10] if lo else None, hi[:10] if hi else None)


def next_day(day: str) -> str:
    """The ISO date after ``day`` (the exclusive end of a period that ends on ``day``)."""
    return (date.fromisoformat(day[:10]) + timedelta(days=1)).isoformat()

