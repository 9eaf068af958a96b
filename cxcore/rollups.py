"""Rollups: pre-aggregated copies of the raw rows, kept in the same transaction as every write.

The scorecard, its trend and its breakdowns read these small tables instead of a million
responses or revenue events:

``rollup_responses``
    one row per day × segment × channel × journey step: responses, NPS buckets (promoters
    9-10, passives 7-8, detractors 0-6), CSAT answers and top-two (4-5), effort answers, sum,
    sum of squares and "easy" (5-7), and per fixed rating (effectiveness, ease, emotion) its
    answers, sum and sum of squares.
``rollup_attributes``
    the same key × attribute id: answers, sum and sum of squares of each column ``a<id>`` of
    ``response_attributes`` (see :mod:`cxcore.attributes`).
``rollup_revenue``
    one row per customer × month × kind: events, sum of ``amount`` and of the net amount
    (:data:`NET_AMOUNT`); ``rollup_revenue_customers`` holds each customer's
    first and last revenue dates and event count.
``rollup_customer_months``
    customer state per month × segment × channel: customers active on the 1st of the month
    (dated customers only, as the monthly churn base), joined in the month, churned in it
    (base customers whose ``end_date`` falls in it) and ended in it.

**The rule**: every function that writes responses, response attributes, revenue events or
customers calls one ``refresh_*`` function of this module (or wraps its delete in
:func:`kept`) inside its own write transaction, so a reader never sees rollups that disagree
with the rows. Maintenance recomputes the touched keys from the raw rows (delete and insert
the rollup rows of the days or customers a batch touched): simple, and exactly right after any
sequence of writes. :func:`check` recomputes everything from scratch and lists differences
(``python -m cxcore check``).
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

#: The net amount of a revenue event: downgrades and refunds count as negative.
NET_AMOUNT = "iif(kind in ('downgrade', 'refund'), -abs(amount), amount)"

RESPONSE_AGGREGATE = (
    "count(*) as responses, sum(nps >= 9) as promoters, sum(nps between 7 and 8) as passives, "
    "sum(nps <= 6) as detractors, count(csat) as csat_n, sum(csat >= 4) as csat_top2, "
    "count(ces) as ces_n, sum(ces) as ces_sum, sum(ces * ces) as ces_sumsq, "
    "sum(ces >= 5) as ces_easy, count(effectiveness) as eff_n, sum(effectiveness) as eff_sum, "
    "count(ease) as ease_n, sum(ease) as ease_sum, count(emotion) as emo_n, "
    "sum(emotion) as emo_sum")


#: What the rollups of :mod:`cxcore.rollups` were computed from: row counts and the newest ids
#: of the raw tables, stored with every refresh. Rows written around the write paths (a test,
#: a script) change it, and the scorecard then reads the raw rows until the rollups are
#: rebuilt, so its numbers are right either way.
RAW_FINGERPRINT_SQL = ("select (select count(*) from responses), (select max(id) from responses), "
                       "(select count(*) from revenue_events), "
                       "(select max(id) from revenue_events), (select count(*) from customers)")


RESPONSE_KEY = ("day", "segment", "channel", "step_id")
#: The rollup's measures, in the names of :data:`RESPONSE_AGGREGATE` plus the
#: ratings' sums of squares.
RESPONSE_MEASURES = (*re.findall(r" as (\w+)", RESPONSE_AGGREGATE),
                     "eff_sumsq", "ease_sumsq", "emo_sumsq")
_RESPONSE_SELECT = (
    "substr(date, 1, 10) as day, segment, channel, journey_step_id as step_id, "
    f"{RESPONSE_AGGREGATE}, sum(effectiveness * effectiveness) as eff_sumsq, "
    "sum(ease * ease) as ease_sumsq, sum(emotion * emotion) as emo_sumsq")
_RESPONSE_COLUMNS = ", ".join((*RESPONSE_KEY, *RESPONSE_MEASURES))
ATTRIBUTE_MEASURES = ("n", "total", "sumsq")
REVENUE_KEY = ("customer_id", "month", "kind")
REVENUE_MEASURES = ("n", "amount", "net")
_REVENUE_SELECT = (f"customer_id, substr(date, 1, 7) as month, kind, count(*) as n, "
                   f"sum(amount) as amount, sum({NET_AMOUNT}) as net")
CUSTOMER_KEY = ("month", "segment", "channel")
CUSTOMER_MEASURES = ("active_start", "joined", "churned", "ended")


# ---- recomputing keys from raw rows -------------------------------------------------------------

def _json(values: Iterable[Any]) -> str:
    return json.dumps(sorted({v for v in values if v is not None}))


def _day_bounds(conn: sqlite3.Connection, days: list[str]) -> tuple[str, list[str]]:
    """A date range around ``days`` (none when a day is not an ISO date). Through the date
    index only when it holds a small share of the rows: the index visits rows in date order,
    which for most of a million rows is random reads all over the file (many times slower
    than one scan)."""
    try:
        last = date.fromisoformat(max(days)) + timedelta(days=1)
        date.fromisoformat(min(days))
    except ValueError:
        return "1", []
    bounds = [min(days), last.isoformat()]
    inside, total = conn.execute(
        "select (select count(*) from responses where date >= ? and date < ?), "
        "(select max(id) from responses)", bounds).fetchone()
    column = "date" if inside * 10 < (total or 0) else "+date"  # + keeps SQLite off the index
    return f"{column} >= ? and {column} < ?", bounds


def refresh_days(conn: sqlite3.Connection, days: Iterable[str] | None = None) -> None:
    """Recompute ``rollup_responses`` and ``rollup_attributes`` for ``days`` (ISO dates; None =
    every day) from the raw rows. Call inside the caller's write transaction."""
    if days is None:
        conn.execute("delete from rollup_responses")
        conn.execute("delete from rollup_attributes")
        where, params = "1", []
        in_days = "1"
    else:
        days = sorted(set(days))
        if not days:
            return
        listed = _json(days)
        conn.execute("delete from rollup_responses where day in (select value from json_each(?))",
                     [listed])
        conn.execute("delete from rollup_attributes where day in "
                     "(select value from json_each(?))", [listed])
        where, params = _day_bounds(conn, days)
        in_days = "substr(date, 1, 10) in (select value from json_each(?))"
        params = [*params, listed]
    conn.execute(f"insert into rollup_responses ({_RESPONSE_COLUMNS}) select {_RESPONSE_SELECT} "
                 f"from responses where {where} and {in_days} group by 1, 2, 3, 4", params)
    for attribute_id in _attribute_ids(conn):
        col = f"a{attribute_id}"
        conn.execute(
            f"insert into rollup_attributes select substr(date, 1, 10), segment, channel, "
            f"journey_step_id, {attribute_id}, count(ra.{col}), sum(ra.{col}), "
            f"sum(ra.{col} * ra.{col}) from response_attributes ra "
            f"join responses r on r.id = ra.response_id "
            f"where ra.{col} is not null and {where} and {in_days} group by 1, 2, 3, 4", params)


def _attribute_ids(conn: sqlite3.Connection) -> list[int]:
    # From the table's columns (a<id>), so that the rollups need not import cxcore.attributes.
    names = [r[1] for r in conn.execute("pragma table_info(response_attributes)")]
    return [int(n[1:]) for n in names if n[:1] == "a" and n[1:].isdigit()]


def refresh_customers(conn: sqlite3.Connection, ids: Iterable[str] | None = None) -> None:
    """Recompute ``rollup_revenue`` and ``rollup_revenue_customers`` for customers ``ids``
    (None = every customer) from the raw revenue events. Call inside the write transaction."""
    if ids is None:
        conn.execute("delete from rollup_revenue")
        conn.execute("delete from rollup_revenue_customers")
        where, params = "1", []
    else:
        listed = _json(ids)
        if listed == "[]":
            return
        where, params = "customer_id in (select value from json_each(?))", [listed]
        conn.execute(f"delete from rollup_revenue where {where}", params)
        conn.execute(f"delete from rollup_revenue_customers where {where}", params)
    conn.execute(f"insert into rollup_revenue ({', '.join((*REVENUE_KEY, *REVENUE_MEASURES))}) "
                 f"select {_REVENUE_SELECT} from revenue_events where {where} group by 1, 2, 3",
                 params)
    conn.execute("insert into rollup_revenue_customers select customer_id, min(date), max(date), "
                 f"count(*) from revenue_events where {where} group by 1", params)


def _customer_months_rows(conn: sqlite3.Connection) -> list[tuple]:
    """Customer state per month × segment × channel, from the customers table (small)."""
    known = "start_date is not null and not (churned = 1 and end_date is null)"
    starts, ends = {}, {}
    for month, seg, ch, n in conn.execute(
            f"select substr(start_date, 1, 7), segment, channel, count(*) from customers "
            f"where {known} group by 1, 2, 3"):
        starts[(month, seg, ch)] = n
    for month, seg, ch, total, prior in conn.execute(
            "select substr(end_date, 1, 7), segment, channel, count(*), "
            "sum(start_date < substr(end_date, 1, 7) || '-01') from customers "
            "where end_date is not null and start_date is not null group by 1, 2, 3"):
        ends[(month, seg, ch)] = (total, prior or 0)
    groups = {(s, c) for _, s, c in (*starts, *ends)}
    months = sorted({m for m, _, _ in (*starts, *ends)})
    rows = []
    for seg, ch in sorted(groups, key=lambda g: (str(g[0]), str(g[1]))):
        started = ended = 0
        for month in months:
            joined = starts.get((month, seg, ch), 0)
            total, churned = ends.get((month, seg, ch), (0, 0))
            active = started - ended
            if active or joined or total:
                rows.append((month, seg, ch, active, joined, churned, total))
            started += joined
            ended += total
    return rows


def refresh_customer_months(conn: sqlite3.Connection) -> None:
    """Recompute ``rollup_customer_months`` (whole: a customer's dates move every month after
    them, and the customers table is small). Call inside the write transaction."""
    conn.execute("delete from rollup_customer_months")
    conn.executemany("insert into rollup_customer_months values (?, ?, ?, ?, ?, ?, ?)",
                     _customer_months_rows(conn))


def refresh_customer_records(conn: sqlite3.Connection, ids: Iterable[str]) -> None:
    """After customers ``ids`` changed (erasure gives a customer a new id): recompute their
    revenue rollups and the customer months. Inside the write transaction."""
    was_fresh = _stored(conn) == _fingerprint(conn)
    if was_fresh:
        refresh_customers(conn, ids)
        refresh_customer_months(conn)
    _settle(conn, was_fresh)


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute every rollup from the raw rows (the migration, the demo, and repairs)."""
    refresh_days(conn)
    refresh_customers(conn)
    refresh_customer_months(conn)
    _stamp(conn)


# ---- the raw rows' fingerprint ------------------------------------------------------------------
# Stored with the rollups; the scorecard reads rollups only while it matches the raw tables
# (sc.rollups_fresh). A write path stamps the new fingerprint only when the rollups were right
# before it began; otherwise (rows written around the write paths) it rebuilds everything.

def _fingerprint(conn: sqlite3.Connection) -> list:
    return list(conn.execute(RAW_FINGERPRINT_SQL).fetchone())


def _stored(conn: sqlite3.Connection) -> list | None:
    row = conn.execute("select value from rollup_state where key = 'raw'").fetchone()
    return None if row is None else json.loads(row[0])


def _stamp(conn: sqlite3.Connection) -> None:
    conn.execute("insert or replace into rollup_state values ('raw', ?)",
                 [json.dumps(_fingerprint(conn))])


def _settle(conn: sqlite3.Connection, was_fresh: bool) -> None:
    if was_fresh:
        _stamp(conn)
    else:
        rebuild(conn)


#: The fingerprint's count of each kind's table (responses, revenue, customers).
_COUNT_AT = {"responses": 0, "revenue": 2, "customers": 4}


_KEYS = {
    "responses": ("responses", "select distinct substr(date, 1, 10) from responses"),
    "revenue": ("revenue_events", "select distinct customer_id from revenue_events"),
}


def _keys(conn: sqlite3.Connection, kind: str, where: str, params: list) -> set:
    if kind not in _KEYS:
        return set()
    return {r[0] for r in conn.execute(f"{_KEYS[kind][1]} where {where}", params)}


def _refresh(conn: sqlite3.Connection, kind: str, keys: set) -> None:
    if kind == "responses":
        refresh_days(conn, keys)
    elif kind == "revenue":
        refresh_customers(conn, keys)
    elif kind == "customers":
        refresh_customer_months(conn)


def refresh_batch(conn: sqlite3.Connection, kind: str, batch_id: int, inserted: int, *,
                  first_id: int | None = None) -> None:
    """After import batch ``batch_id`` of ``kind`` stored its ``inserted`` rows: bring the
    rollups up to date inside the import's transaction. With ``first_id`` (the largest id of
    the table before the batch, so the batch's rows are the ones above it), responses and
    revenue events are aggregated over the new rows only and added to the stored rollups
    (:func:`add_rows`); otherwise the keys the batch touched (its responses' days, its events'
    customers, the customer months for customers) are recomputed from the raw rows."""
    stored, now = _stored(conn), _fingerprint(conn)
    if stored is not None and kind in _COUNT_AT:  # the fingerprint before these rows
        at = _COUNT_AT[kind]
        now[at] -= inserted
        if kind != "customers":  # the newest id moved; the count says enough
            stored, now = stored[:at + 1] + stored[at + 2:], now[:at + 1] + now[at + 2:]
    was_fresh = stored == now
    if was_fresh and first_id is not None and kind in ("responses", "revenue"):
        add_rows(conn, kind, first_id)
    elif was_fresh:
        _refresh(conn, kind, _keys(conn, kind, "batch_id = ?", [batch_id]))
    _settle(conn, was_fresh)


def _merge(conn: sqlite3.Connection, table: str, key: tuple[str, ...], measures: dict[str, str],
           select: str, params: list, match: str) -> None:
    """Add the rows of ``select`` (``key`` columns, then one column per measure) to rollup
    ``table``: stored rows of the keys it touches (``match`` names the column that finds
    them) and the new ones are combined per key with each measure's combining aggregate
    (``sum``, ``min``, ``max``), which is exact because every measure is a count, sum,
    minimum or maximum."""
    names = (*key, *measures)
    cols = ", ".join(names)
    conn.execute("drop table if exists temp.rollup_delta")
    conn.execute(f"create temp table rollup_delta as select {cols} from [{table}] where 0")
    conn.execute(f"insert into temp.rollup_delta ({cols}) {select}", params)
    conn.execute(f"insert into temp.rollup_delta ({cols}) select {cols} from [{table}] "
                 f"where {match} in (select {match} from temp.rollup_delta)")
    conn.execute(f"delete from [{table}] where {match} in "
                 f"(select {match} from temp.rollup_delta)")
    combined = ", ".join(f"{how}({name})" for name, how in measures.items())
    conn.execute(f"insert into [{table}] ({cols}) select {', '.join(key)}, {combined} "
                 f"from temp.rollup_delta group by {', '.join(key)}")
    conn.execute("drop table temp.rollup_delta")


def add_rows(conn: sqlite3.Connection, kind: str, first_id: int) -> None:
    """Add the responses (with their attribute answers) or revenue events whose id is above
    ``first_id`` to the rollups, aggregating only those rows. Inside the write transaction,
    with rollups that were right before the rows went in."""
    if kind == "responses":
        sums = dict.fromkeys(RESPONSE_MEASURES, "sum")
        _merge(conn, "rollup_responses", RESPONSE_KEY, sums,
               f"select {_RESPONSE_SELECT} from responses where id > ? group by 1, 2, 3, 4",
               [first_id], "day")
        for attribute_id in _attribute_ids(conn):
            col = f"a{attribute_id}"
            _merge(conn, "rollup_attributes", (*RESPONSE_KEY, "attribute_id"),
                   dict.fromkeys(ATTRIBUTE_MEASURES, "sum"),
                   f"select substr(date, 1, 10), segment, channel, journey_step_id, "
                   f"{attribute_id}, count(ra.{col}), sum(ra.{col}), sum(ra.{col} * ra.{col}) "
                   f"from response_attributes ra join responses r on r.id = ra.response_id "
                   f"where ra.response_id > ? and ra.{col} is not null group by 1, 2, 3, 4",
                   [first_id], "day")
    elif kind == "revenue":
        _merge(conn, "rollup_revenue", REVENUE_KEY, dict.fromkeys(REVENUE_MEASURES, "sum"),
               f"select {_REVENUE_SELECT} from revenue_events where id > ? group by 1, 2, 3",
               [first_id], "customer_id")
        _merge(conn, "rollup_revenue_customers", ("customer_id",),
               {"first_date": "min", "last_date": "max", "n": "sum"},
               "select customer_id, min(date), max(date), count(*) from revenue_events "
               "where id > ? group by 1", [first_id], "customer_id")
    else:
        raise ValueError(f"no additive rollups for {kind}")


@contextlib.contextmanager
def kept(conn: sqlite3.Connection, kind: str, where: str, params: list) -> Iterator[None]:
    """Wrap a delete or update of ``kind`` rows (responses, revenue, customers) matching
    ``where``: the keys they touch are read before the block and recomputed after it, inside
    the caller's transaction."""
    was_fresh = _stored(conn) == _fingerprint(conn)
    before = _keys(conn, kind, where, params) if was_fresh else set()
    yield
    if was_fresh:
        _refresh(conn, kind, before | _keys(conn, kind, where, params))
    _settle(conn, was_fresh)


def refresh_responses(conn: sqlite3.Connection, response_ids: Iterable[int]) -> None:
    """After answers of these responses changed (attributes, an edit): recompute their days."""
    was_fresh = _stored(conn) == _fingerprint(conn)
    if was_fresh:
        listed = json.dumps(sorted({int(i) for i in response_ids}))
        refresh_days(conn, {r[0] for r in conn.execute(
            "select distinct substr(date, 1, 10) from responses where id in "
            "(select value from json_each(?))", [listed])})
    _settle(conn, was_fresh)


# ---- check --------------------------------------------------------------------------------------

_TABLES = {
    "rollup_responses": (RESPONSE_KEY, RESPONSE_MEASURES),
    "rollup_attributes": ((*RESPONSE_KEY, "attribute_id"), ATTRIBUTE_MEASURES),
    "rollup_revenue": (REVENUE_KEY, REVENUE_MEASURES),
    "rollup_revenue_customers": (("customer_id",), ("first_date", "last_date", "n")),
    "rollup_customer_months": (CUSTOMER_KEY, CUSTOMER_MEASURES),
}


def _read(conn: sqlite3.Connection, table: str, schema: str = "main") -> dict[tuple, tuple]:
    key, measures = _TABLES[table]
    out: dict[tuple, tuple] = {}
    for row in conn.execute(f"select {', '.join((*key, *measures))} from {schema}.{table}"):
        k, v = tuple(row[:len(key)]), tuple(row[len(key):])
        if k in out:  # a key twice: report it as its own difference
            out[(*k, "duplicate")] = v
        out[k] = v
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def check(conn: sqlite3.Connection, limit: int = 20) -> dict[str, Any]:
    """Recompute every rollup from the raw rows (inside a write transaction that is rolled
    back, so nothing changes) and compare with the stored ones. Returns ``{"ok": bool,
    "tables": {table: {"rows": n, "differences": count, "examples": [...]}}}``; an example
    names the key, the
    stored and the recomputed measures (None where a row is missing). ``fingerprint`` compares
    the raw rows' counts stored with the rollups with the current ones (the scorecard reads
    rollups only when they agree)."""
    if conn.in_transaction:
        raise RuntimeError("check() runs its own transaction")
    conn.execute("begin immediate")  # the same rows for the stored and the recomputed side
    try:
        stamp, now = _stored(conn), _fingerprint(conn)
        stored = {t: _read(conn, t) for t in _TABLES}
        rebuild(conn)
        fresh = {t: _read(conn, t) for t in _TABLES}
    finally:
        conn.execute("rollback")
    report: dict[str, Any] = {"ok": stamp == now, "fingerprint": {"stored": stamp, "rows": now},
                              "tables": {}}
    for table, (key, measures) in _TABLES.items():
        a, b = stored[table], fresh[table]
        diffs = []
        for k in sorted(set(a) | set(b), key=lambda k: tuple(str(x) for x in k)):
            va, vb = a.get(k), b.get(k)
            if va is None or vb is None or not all(map(_same, va, vb)):
                diffs.append({"key": dict(zip(key, k, strict=False)),
                              "stored": None if va is None else dict(zip(measures, va,
                                                                         strict=True)),
                              "recomputed": None if vb is None else dict(zip(measures, vb,
                                                                             strict=True))})
        report["tables"][table] = {"rows": len(b), "differences": len(diffs),
                                   "examples": diffs[:limit]}
        report["ok"] = report["ok"] and not diffs
    return report
