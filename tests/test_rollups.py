"""Rollups: kept equal to the raw rows by every write path, read by the scorecard with exactly
the raw numbers, rebuilt for upgraded files, and checked by ``python -m cxcore check``."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import random
from contextlib import redirect_stdout

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcore import attributes as attrs
from cxcore import drivers, privacy, rollups, workspace_db
from cxcore import importers as im
from cxcore import scorecard as sc
from cxcore import workspace as wsmod
from cxcore.cli import main as cli_main
from cxcore.demo import customers as demo
from cxcore.drivers import basic as drivers_basic
from cxcore.errors import ValidationError

TODAY = dt.date(2026, 11, 20)
CUSTOMERS = [  # id, segment, channel, start, end, churned
    ("c1", "SMB", "web", "2024-01-10", "", "0"),
    ("c2", "SMB", "store", "2024-06-01", "2025-08-15", "1"),
    ("c3", "Enterprise", "web", "2025-02-03", "", "0"),
    ("c4", "", "phone", "2024-11-30", "2026-02-01", "1"),
    ("c5", "Enterprise", "", "2025-12-31", "", "1"),
]
DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in range(0, 1000, 7)]


def _csv(header: str, rows: list[tuple]) -> bytes:
    return (header + "\n" + "\n".join(",".join("" if v is None else str(v) for v in r)
                                      for r in rows) + "\n").encode()


def _import(session, kind: str, data: bytes) -> int | None:
    preview = im.prepare_import(kind, data, filename=f"{kind}.csv", known_customer_ids=session)
    return im.commit_import(session, preview).batch_id


def _load_customers(session) -> None:
    _import(session, "customers", _csv("id,name,segment,channel,start_date,end_date,churned",
                                       [(c[0], f"N{c[0]}", *c[1:]) for c in CUSTOMERS]))


def _raw(monkeypatch, fn, *args, **kwargs):
    """``fn`` computed from the raw rows (the rollups switched off)."""
    with monkeypatch.context() as m:
        m.setattr(sc, "rollups_fresh", lambda db: False)
        m.setattr(drivers_basic, "rollups_fresh", lambda db: False)
        return fn(*args, **kwargs)


def _periods(session) -> list[str]:
    return ["all", *sc.available_periods(session, "year"),
            *sc.available_periods(session, "quarter")[:6],
            *sc.available_periods(session, "month")[:4], "2025-01-15..2025-06-30"]


def _close(a, b, where=()) -> None:
    """Equal, floats to summation-order rounding (money sums added in another order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _close(a[key], b[key], (*where, key))
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, (*where, i))
    elif isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-9), (where, a, b)
    else:
        assert a == b, (where, a, b)


def _assert_same(monkeypatch, session, periods=None, filters=((None, None),)) -> None:
    assert sc.rollups_fresh(session.db)
    for period in periods or _periods(session):
        per = sc.parse_period(period)
        for segment, channel in filters:
            rolled = sc.scorecard(session, per, segment=segment, channel=channel)
            raw = _raw(monkeypatch, sc.scorecard, session, per, segment=segment,
                       channel=channel)
            _close(rolled, raw, (period, segment, channel))
            trend = sc.monthly_trend(session, per, segment=segment, channel=channel)
            _close(trend, _raw(monkeypatch, sc.monthly_trend, session, per, segment=segment,
                               channel=channel), (period, segment, channel, "trend"))
        for by in ("segment", "channel"):
            _close(sc.breakdown(session, by, per),
                   _raw(monkeypatch, sc.breakdown, session, by, per), (period, by))


# ---- the demo -----------------------------------------------------------------------------------

@pytest.fixture
def demo_session(owner_session):
    journey = owner_session.db["journeys"].insert({"name": "Delivery and installation"}).last_pk
    for position, name in enumerate(demo.STEP_EFFECTS, start=1):
        owner_session.db["journey_steps"].insert({"journey_id": journey, "position": position,
                                                  "name": name})
    demo.add_demo(owner_session, random.Random(7), TODAY)
    return owner_session


def test_demo_scorecard_trend_breakdown_equal_raw(demo_session, monkeypatch) -> None:
    assert rollups.check(demo_session.db.conn)["ok"]
    segments = [r[0] for r in demo_session.db.execute("select distinct segment from customers")]
    channels = [r[0] for r in demo_session.db.execute("select distinct channel from customers")]
    filters = [(None, None), *((s, None) for s in segments), *((None, c) for c in channels),
               (segments[0], channels[0])]
    _assert_same(monkeypatch, demo_session, filters=filters)
    card = sc.scorecard(demo_session, "all")
    assert card["responses"] == 1500 and card["nps"] is not None
    for period in ("all", "2026-Q1", "2025-07"):
        assert drivers.overall_nps(demo_session, period) == _raw(
            monkeypatch, drivers.overall_nps, demo_session, period)
        for by in ("segment", "channel"):
            _close(drivers.group_scores(demo_session, by, period),
                   _raw(monkeypatch, drivers.group_scores, demo_session, by, period))


def test_rollup_rows_hold_the_hand_computed_sums(editor_session) -> None:
    _load_customers(editor_session)
    _import(editor_session, "responses", _csv(
        "customer_id,date,nps,csat,ces,effectiveness,segment,channel",
        [("c1", "2025-03-04", 10, 5, 6, 7, "SMB", "web"),
         ("c1", "2025-03-04", 6, 3, 2, 1, "SMB", "web"),
         ("c3", "2025-03-04", 8, None, None, None, "SMB", "web"),
         ("c3", "2025-03-05", 9, 4, 5, 5, "Enterprise", "web")]))
    row = editor_session.db.execute(
        "select responses, promoters, passives, detractors, csat_n, csat_top2, ces_n, ces_sum, "
        "ces_sumsq, ces_easy, eff_n, eff_sum, eff_sumsq from rollup_responses "
        "where day = '2025-03-04' and segment = 'SMB'").fetchall()
    assert row == [(3, 1, 1, 1, 2, 1, 2, 8.0, 40.0, 1, 2, 8.0, 50.0)]
    _import(editor_session, "revenue", _csv("customer_id,date,amount,kind", [
        ("c1", "2025-03-01", 100, "new"), ("c1", "2025-03-20", 30, "refund"),
        ("c1", "2025-04-02", 50, "upsell")]))
    assert editor_session.db.execute(
        "select month, kind, n, amount, net from rollup_revenue where customer_id = 'c1' "
        "order by month, kind").fetchall() == [
        ("2025-03", "new", 1, 100.0, 100.0), ("2025-03", "refund", 1, 30.0, -30.0),
        ("2025-04", "upsell", 1, 50.0, 50.0)]
    assert editor_session.db.execute(
        "select first_date, last_date, n from rollup_revenue_customers where customer_id = 'c1'"
    ).fetchone() == ("2025-03-01", "2025-04-02", 3)


# ---- property: any sequence of writes ------------------------------------------------------------

response_rows = st.lists(st.tuples(
    st.sampled_from([None, "c1", "c2", "c3", "c4", "c5"]), st.sampled_from(DAYS),
    st.one_of(st.none(), st.integers(0, 10)), st.one_of(st.none(), st.integers(1, 5)),
    st.one_of(st.none(), st.integers(1, 7)), st.one_of(st.none(), st.integers(1, 7)),
    st.sampled_from(["", "SMB", "Enterprise"]), st.sampled_from(["", "web", "phone"])),
    min_size=1, max_size=12)
revenue_rows = st.lists(st.tuples(
    st.sampled_from(["c1", "c2", "c3", "c4", "c5"]), st.sampled_from(DAYS),
    st.integers(1, 500), st.sampled_from(["new", "renewal", "upsell", "downgrade", "refund"])),
    min_size=1, max_size=12)
_NAMES = itertools.count()
operations = st.lists(st.one_of(
    st.tuples(st.just("responses"), response_rows),
    st.tuples(st.just("revenue"), revenue_rows),
    st.tuples(st.just("undo"), st.integers(0, 20)),
    st.tuples(st.just("erase"), st.sampled_from(["c1", "c2", "c3", "c4", "c5"])),
    st.tuples(st.just("answers"), st.lists(st.one_of(st.none(), st.integers(1, 5)),
                                           min_size=1, max_size=6)),
), min_size=1, max_size=8)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_rollups_equal_raw_after_any_writes(accounts, monkeypatch, ops) -> None:
    ws = accounts.create_workspace(f"P{next(_NAMES)}", by="owner")
    session = wsmod.open_session(accounts, ws.id, "owner")
    try:
        _load_customers(session)
        question = attrs.define_attribute(session.db, "q", "Q", "rating", scale=(1, 5))
        batches: list[int] = []
        erased: dict[str, str] = {}
        for op, arg in ops:
            if op in ("responses", "revenue"):
                rows = [tuple(erased.get(v, v) if i == 0 else v for i, v in enumerate(r))
                        for r in arg]
                header = ("customer_id,date,nps,csat,ces,ease,segment,channel"
                          if op == "responses" else "customer_id,date,amount,kind")
                try:
                    batch = _import(session, op, _csv(header, rows))
                except ValidationError:  # no valid rows: nothing stored
                    batch = None
                if batch:
                    batches.append(batch)
            elif op == "undo" and batches:
                im.undo_import(session, batches.pop(arg % len(batches)))
            elif op == "erase" and arg not in erased:
                erased[arg] = privacy.erase_customer(session, arg, arg)["anonymous_id"]
            elif op == "answers":
                ids = [r[0] for r in session.db.execute("select id from responses order by id")]
                with session.db.atomic():
                    attrs.write_values(session.db, [(i, {question: v})
                                                    for i, v in zip(ids, arg, strict=False)])
            report = rollups.check(session.db.conn)
            assert report["ok"], (op, report)
        _assert_same(monkeypatch, session, periods=["all", "2025", "2025-Q3", "2025-02",
                                                    "2024-03-10..2025-05-31"],
                     filters=[(None, None), ("SMB", None), (None, "web")])
    finally:
        session.close()


# ---- rows written around the write paths, upgrades, the command ---------------------------------

def test_raw_writes_make_the_scorecard_read_raw_until_rebuilt(editor_session, monkeypatch
                                                             ) -> None:
    _load_customers(editor_session)
    _import(editor_session, "responses", _csv("customer_id,date,nps", [("c1", "2025-03-04", 10)]))
    editor_session.db["responses"].insert({"customer_id": "c3", "date": "2025-03-04", "nps": 0})
    assert not sc.rollups_fresh(editor_session.db)
    assert sc.scorecard(editor_session, "2025")["nps_n"] == 2  # the raw rows
    assert not rollups.check(editor_session.db.conn)["ok"]
    # The next write path finds the rollups stale and rebuilds them all.
    _import(editor_session, "responses", _csv("customer_id,date,nps", [("c1", "2025-04-04", 9)]))
    assert sc.rollups_fresh(editor_session.db)
    assert rollups.check(editor_session.db.conn)["ok"]
    assert sc.scorecard(editor_session, "2025")["nps_n"] == 3


def test_migration_builds_rollups_of_an_existing_file(editor_session, monkeypatch) -> None:
    _load_customers(editor_session)
    _import(editor_session, "responses", _csv("customer_id,date,nps,segment",
                                              [("c1", "2025-03-04", 10, "SMB"),
                                               ("c3", "2025-05-04", 3, "")]))
    _import(editor_session, "revenue", _csv("customer_id,date,amount,kind",
                                            [("c1", "2025-03-01", 100, "new")]))
    db = editor_session.db
    # The file as it was before the rollups existed.
    for table in ("rollup_responses", "rollup_attributes", "rollup_revenue",
                  "rollup_revenue_customers", "rollup_customer_months", "rollup_state"):
        db.execute(f"drop table {table}")
    db.execute("delete from _sqlite_migrations where migration_set = 'cxcore.rollups'")
    db.conn.commit()
    workspace_db.migrate(db)
    assert sc.rollups_fresh(db)
    assert rollups.check(db.conn)["ok"]
    assert db.execute("select sum(responses) from rollup_responses").fetchone()[0] == 2
    _assert_same(monkeypatch, editor_session, periods=["all", "2025", "2025-Q1"])


def test_check_command_reports_differences(editor_session, accounts) -> None:
    _load_customers(editor_session)
    _import(editor_session, "responses", _csv("customer_id,date,nps", [("c1", "2025-03-04", 10)]))

    def run(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli_main(["check", "--workspace", "Acme", *args])
        return code, out.getvalue()

    code, text = run()
    assert code == 0 and "match the raw rows" in text
    with editor_session.db.atomic():
        editor_session.db.execute("update rollup_responses set promoters = 0")
    code, text = run("--json")
    assert code == 1
    assert '"differences": 1' in text and '"promoters": 1' in text
    code, text = run()
    assert code == 1 and "DIFFER" in text and "rollup_responses" in text


def test_erasure_moves_the_revenue_rollup_to_the_anonymous_id(owner_session) -> None:
    _load_customers(owner_session)
    _import(owner_session, "revenue", _csv("customer_id,date,amount,kind",
                                           [("c1", "2025-03-01", 100, "new"),
                                            ("c1", "2025-05-01", 40, "upsell")]))
    anon = privacy.erase_customer(owner_session, "c1", "c1")["anonymous_id"]
    db = owner_session.db
    assert db.execute("select count(*) from rollup_revenue where customer_id = 'c1'"
                      ).fetchone()[0] == 0
    assert db.execute("select sum(net), min(month) from rollup_revenue where customer_id = ?",
                      [anon]).fetchone() == (140.0, "2025-03")
    assert rollups.check(db.conn)["ok"]
