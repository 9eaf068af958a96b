"""Scorecard SQL aggregates on a small hand-made workspace with hand-computed expectations.

The data (dates are ISO):

customers  c1 start 2025-01-10 active, SMB/web, 100/month
           c2 start 2025-02-01 ended 2026-02-15, SMB/store
           c3 start 2025-12-05 active, Enterprise/web, referred by c1
           c4 start 2025-03-01 flagged churned, no end date (leaving month unknown)
           c5 start 2026-01-20 ended 2026-03-10, Enterprise/store
revenue    c1 new 100 (2025-01-10), renewal 300 (2025-11-01), refund 50 (2025-12-20),
           renewal 300 (2026-02-01), upsell 100 (2026-03-01); c2 renewal 150 (2025-10-15);
           c3 new 600 (2025-12-05), renewal 600 (2026-03-01), downgrade 100 (2026-03-15);
           c5 new 200 (2026-01-20)
responses  2026-Q1: NPS 10, 9, 8, 6, 3, 10; CSAT 5, 4, 3, -, 2, 5; CES 7, 5, 3, -, -, 6;
           effectiveness 7, 4 (two answers); emotion 1 (one answer); 2025-11-11: NPS 0
pulse      2026-Q1: 9, 10, 7, 2
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcore import scorecard as sc
from cxcore.errors import PermissionDenied, ValidationError

CUSTOMERS = [
    {"id": "c1", "name": "One", "segment": "SMB", "channel": "web", "start_date": "2025-01-10",
     "churned": 0, "monthly_revenue": 100.0},
    {"id": "c2", "segment": "SMB", "channel": "store", "start_date": "2025-02-01",
     "end_date": "2026-02-15", "churned": 1, "monthly_revenue": 50.0},
    {"id": "c3", "segment": "Enterprise", "channel": "web", "start_date": "2025-12-05",
     "churned": 0, "monthly_revenue": 300.0, "referred_by": "c1"},
    {"id": "c4", "segment": "SMB", "channel": "web", "start_date": "2025-03-01", "churned": 1,
     "monthly_revenue": 80.0},
    {"id": "c5", "segment": "Enterprise", "channel": "store", "start_date": "2026-01-20",
     "end_date": "2026-03-10", "churned": 1, "monthly_revenue": 200.0},
]
REVENUE = [
    ("c1", "2025-01-10", 100, "new"), ("c1", "2025-11-01", 300, "renewal"),
    ("c1", "2025-12-20", 50, "refund"), ("c1", "2026-02-01", 300, "renewal"),
    ("c1", "2026-03-01", 100, "upsell"), ("c2", "2025-10-15", 150, "renewal"),
    ("c3", "2025-12-05", 600, "new"), ("c3", "2026-03-01", 600, "renewal"),
    ("c3", "2026-03-15", 100, "downgrade"), ("c5", "2026-01-20", 200, "new"),
]
Q1_RESPONSES = [
    # customer, date, nps, csat, ces, effectiveness, emotion, segment, channel
    ("c1", "2026-01-05", 10, 5, 7, 7, None, "SMB", "web"),
    ("c2", "2026-01-06", 9, 4, 5, 4, None, "SMB", "web"),
    (None, "2026-02-01", 8, 3, 3, None, 1, "SMB", "web"),
    ("c3", "2026-02-10", 6, None, None, None, None, "Enterprise", "store"),
    ("c5", "2026-03-01", 3, 2, None, None, None, "Enterprise", "store"),
    ("c3", "2026-03-20", 10, 5, 6, None, None, "Enterprise", "store"),
]


def load(db) -> None:
    db["customers"].insert_all(CUSTOMERS, alter=False)
    db["revenue_events"].insert_all(
        [{"customer_id": c, "date": d, "amount": a, "kind": k, "row_hash": f"r{i}"}
         for i, (c, d, a, k) in enumerate(REVENUE)])
    rows = [{"customer_id": c, "date": d, "nps": n, "csat": cs, "ces": ce, "effectiveness": ef,
             "emotion": em, "segment": s, "channel": ch, "row_hash": f"q{i}"}
            for i, (c, d, n, cs, ce, ef, em, s, ch) in enumerate(Q1_RESPONSES)]
    rows.append({"customer_id": "c1", "date": "2025-11-11", "nps": 0, "segment": "SMB",
                 "channel": "web", "row_hash": "q-old"})
    db["responses"].insert_all(rows)
    db["pulse"].insert_all([{"date": "2026-02-01", "team": "Support", "enps": v,
                             "row_hash": f"p{i}"} for i, v in enumerate((9, 10, 7, 2))])


@pytest.fixture
def loaded(editor_session):
    load(editor_session.db)
    return editor_session


REQUIRED_KEYS = {"responses", "nps", "nps_moe", "promoters_pct", "passives_pct",
                 "detractors_pct", "csat_pct", "ces_mean", "enps", "customers", "churn_rate_pct",
                 "retention_rate_pct", "grr_pct", "nrr_pct", "revenue_per_customer", "clv"}


def test_empty_workspace_metrics_are_null(viewer_session) -> None:
    card = sc.scorecard(viewer_session)
    assert set(card) >= REQUIRED_KEYS
    assert card["responses"] == 0
    assert card["customers"] == 0
    for key in REQUIRED_KEYS - {"responses", "customers"}:
        assert card[key] is None, key


def test_quarter_soft_metrics(loaded) -> None:
    card = sc.scorecard(loaded, "2026-Q1")
    assert card["responses"] == 6
    # 3 promoters, 1 passive, 2 detractors: (3 - 2) / 6 = 16.67.
    assert (card["promoters"], card["passives"], card["detractors"]) == (3, 1, 2)
    assert card["nps"] == pytest.approx(100 / 6)
    assert card["promoters_pct"] == pytest.approx(50.0)
    assert card["passives_pct"] == pytest.approx(100 / 6)
    assert card["detractors_pct"] == pytest.approx(100 / 3)
    assert card["nps_moe"] > 0
    # CSAT: 3 of 5 answers are 4-5 = 60 %. CES: (7 + 5 + 3 + 6) / 4 = 5.25; easy 3/4.
    assert card["csat_pct"] == pytest.approx(60.0)
    assert card["ces_mean"] == pytest.approx(5.25)
    assert card["ces_easy_pct"] == pytest.approx(75.0)
    # Effectiveness mean 5.5 -> 75; emotion mean 1 -> 0; ease none: index 37.5.
    assert card["rating_index"] == pytest.approx(37.5)
    # Pulse 9, 10, 7, 2: (2 - 1) / 4 = 25.
    assert card["enps"] == pytest.approx(25.0)


def test_quarter_hard_metrics(loaded) -> None:
    card = sc.scorecard(loaded, "2026-Q1")
    # Active in Q1: all five. Base on 2026-01-01: c1, c2, c3 (c4 undated, c5 new); c2 left.
    assert card["customers"] == 5
    assert card["churn_base"] == 3 and card["churned"] == 1
    assert card["churn_rate_pct"] == pytest.approx(100 / 3)
    assert card["retention_rate_pct"] == pytest.approx(200 / 3)
    assert card["new_customers"] == 1
    assert card["referrals"] == 0
    # Cohort: paying in Q4 2025 and customers before it began: c1 (300 - 50 = 250) and c2
    # (150) -> 400. c3 joined during Q4 (2025-12-05), so it is left out.
    # Q1 of those: c1 300 + 100 = 400, c2 0 (left) -> NRR 400/400 = 100 %.
    # Capped: 250 + 0 = 250 -> GRR 62.5 %.
    assert card["revenue_cohort"] == 2 and card["revenue_base_payers"] == 3
    assert card["nrr_pct"] == pytest.approx(100.0)
    assert card["grr_pct"] == pytest.approx(62.5)
    # Q1 revenue 400 + 500 + 200 = 1100 from 3 paying customers.
    assert card["revenue"] == pytest.approx(1100.0)
    assert card["revenue_per_customer"] == pytest.approx(1100 / 3)
    assert card["expansion_revenue"] == pytest.approx(100.0)
    # Exposure in Q1 (90 days): c1 90, c2 45, c3 90, c4 90, c5 49 = 364 days; 2 churn events.
    months = 364 / sc.DAYS_PER_MONTH
    assert card["monthly_churn_pct"] == pytest.approx(100 * 2 / months)
    # CLV over 60 months, margin 100 %: m (1 - r^60) / (1 - r), m = 1100 / months,
    # churn c = 2 / months (0.167): 550 x (1 - 0.833^60) = 549.99.
    hazard, rpc = 2 / months, 1100 / months
    assert card["clv"] == pytest.approx(rpc * (1 - (1 - hazard) ** 60) / hazard)
    assert card["clv"] == pytest.approx(549.99, abs=0.01)
    # Discounted (10 %/year): q = r / (1 + d), m (1 - q^60) / (1 - q).
    q = (1 - hazard) / 1.1 ** (1 / 12)
    assert card["clv_discounted"] == pytest.approx(rpc * (1 - q ** 60) / (1 - q))


def test_all_period(loaded) -> None:
    card = sc.scorecard(loaded)
    assert card["period"] == "all"
    # 7 responses: 3 promoters, 1 passive, 3 detractors -> 0.
    assert card["responses"] == 7
    assert card["nps"] == pytest.approx(0.0)
    # Churned ever: c2, c4, c5 of 5.
    assert card["customers"] == 5
    assert card["churn_rate_pct"] == pytest.approx(60.0)
    assert card["retention_rate_pct"] == pytest.approx(40.0)
    assert card["referrals"] == 1
    # All revenue 2200 from 4 paying customers.
    assert card["revenue_per_customer"] == pytest.approx(550.0)
    # Last 12 months of data: 2025-04..2026-03; base 2024-04..2025-03: only c1's 100, and c1
    # joined during the base (2025-01-10). Counting it would give NRR 650 %: no cohort instead.
    assert card["revenue_retention_window"] == {"base_start": "2024-04-01",
                                                "start": "2025-04-01", "end": "2026-04-01"}
    assert card["revenue_cohort"] == 0 and card["revenue_base_payers"] == 1
    assert card["nrr_pct"] is None
    assert card["grr_pct"] is None
    # CLV = revenue per customer-month / churn per customer-month = 2200 / 3 without a
    # horizon; the 5-year horizon takes it to 2200/3 x (1 - r^60) = 722.22.
    assert card["clv"] == pytest.approx(722.22, abs=0.01)


def test_segment_and_channel_filters(loaded) -> None:
    smb = sc.scorecard(loaded, "2026-Q1", segment="SMB")
    # SMB responses: NPS 10, 9, 8 -> 2 promoters, 1 passive: 66.67.
    assert smb["responses"] == 3
    assert smb["nps"] == pytest.approx(200 / 3)
    # SMB customers active in Q1: c1, c2, c4; base c1, c2; c2 churned.
    assert smb["customers"] == 3
    assert smb["churn_rate_pct"] == pytest.approx(50.0)
    # SMB base revenue: c1 250 + c2 150 = 400; Q1: c1 400 -> NRR 100 %, GRR 250/400.
    assert smb["nrr_pct"] == pytest.approx(100.0)
    assert smb["grr_pct"] == pytest.approx(62.5)
    store = sc.scorecard(loaded, "2026-Q1", channel="store")
    assert store["responses"] == 3
    assert store["enps"] is None  # pulse is not split by customer channel
    nothing = sc.scorecard(loaded, "2026-Q1", segment="Nope")
    assert nothing["nps"] is None and nothing["churn_rate_pct"] is None


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2026", "2026-01-01", "2027-01-01"),
    ("2026-Q3", "2026-07-01", "2026-10-01"),
    ("2026q4", "2026-10-01", "2027-01-01"),
    ("2026-02", "2026-02-01", "2026-03-01"),
    ("2026-12", "2026-12-01", "2027-01-01"),
    ("2026-01-15..2026-01-31", "2026-01-15", "2026-02-01"),
])
def test_parse_period(text, start, end) -> None:
    period = sc.parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["2026-13", "Q3", "last year", "2026-03-01..2026-02-01",
                                  "2026-02-30..2026-03-01"])
def test_parse_period_rejects(text) -> None:
    with pytest.raises(ValidationError) as info:
        sc.parse_period(text)
    assert info.value.problems[0].field == "period"


def test_previous_period() -> None:
    assert sc.previous_period(sc.parse_period("2026-Q1")).label == "2025-Q4"
    assert sc.previous_period(sc.parse_period("2026-01")).label == "2025-12"
    assert sc.previous_period(sc.parse_period("2026")).label == "2025"
    prev = sc.previous_period(sc.parse_period("2026-01-11..2026-01-20"))
    assert (prev.start, prev.end) == ("2026-01-01", "2026-01-11")
    assert sc.previous_period(sc.parse_period("all")) is None


def test_available_periods(loaded) -> None:
    assert sc.available_periods(loaded, "year") == ["2026", "2025"]
    quarters = sc.available_periods(loaded, "quarter")
    assert quarters[0] == "2026-Q1" and quarters[-1] == "2025-Q1"
    assert sc.available_periods(loaded, "month")[0] == "2026-03"


def test_compare_marks_noise(loaded) -> None:
    now = sc.scorecard(loaded, "2026-Q1")
    before = sc.scorecard(loaded, "2025-Q4")
    # Q4: a single detractor: NPS -100. Change +116.7 but with 1 and 6 answers.
    assert before["nps"] == pytest.approx(-100.0)
    changes = sc.compare(now, before)
    assert changes["nps"].change == pytest.approx(100 / 6 + 100)
    assert changes["nps"].meaningful is None
    assert changes["nps"].note.startswith("too few answers to tell (6 and 1")
    assert changes["nrr_pct"].note == "no comparison data"  # no revenue before Q4's base
    assert changes["clv"].meaningful is None
    none_prev = sc.compare(now, None)
    assert all(c.change is None for c in none_prev.values())


def test_compare_meaningful_with_large_samples() -> None:
    base = {"nps_n": 400, "csat_n": 400, "ces_n": 400, "churn_base": 400, "enps_n": 0,
            "enps_moe": None, "enps": None}
    a = {**base, "nps": 40.0, "promoters": 220, "passives": 100, "detractors": 80,
         "csat_pct": 80.0, "csat_top2": 320,
         "ces_mean": 5.0, "ces_sum": 2000.0, "ces_sumsq": 10400.0, "churned": 20,
         "churn_rate_pct": 5.0, "retention_rate_pct": 95.0}
    b = {**base, "nps": 20.0, "promoters": 160, "passives": 160, "detractors": 80,
         "csat_pct": 78.0, "csat_top2": 312,
         "ces_mean": 5.0, "ces_sum": 2000.0, "ces_sumsq": 10400.0, "churned": 40,
         "churn_rate_pct": 10.0, "retention_rate_pct": 90.0}
    changes = sc.compare(a, b)
    # NPS 220/100/80 vs 160/160/80 of 400 -> adjusted 100 x 140/403 = 34.74 vs 80/403 = 19.85
    # (difference 14.89); SE_a = sqrt((0.5478 + 0.2004 - 0.3474^2) / 403) = 0.03939,
    # SE_b = sqrt((0.3989 + 0.2004 - 0.1985^2) / 403) = 0.03722, combined 5.428: z = 2.743,
    # p = 0.0061; Holm over the 3 tested metrics (NPS, CSAT, effort): 3 x 0.0061 = 0.018.
    assert changes["nps"].meaningful is True
    assert changes["nps"].p_value == pytest.approx(0.00609, abs=1e-5)
    assert changes["nps"].p_holm == pytest.approx(3 * changes["nps"].p_value)
    assert changes["nps"].family == 3
    assert "Holm" in changes["nps"].note
    # 80 % vs 78 % of 400: z = 0.70 -> noise.
    assert changes["csat_pct"].meaningful is False
    # Churn: the two periods share their customers, so it is not tested.
    assert changes["churn_rate_pct"].meaningful is None
    assert changes["churn_rate_pct"].note.startswith("not tested")
    # Identical effort samples: never meaningful.
    assert changes["ces_mean"].meaningful is False
    # The threshold is the caller's: at 500 nothing is tested.
    strict = sc.compare(a, b, min_n=500)
    assert all(c.meaningful is None for c in strict.values())


def test_monthly_trend(loaded) -> None:
    trend = {row["month"]: row for row in sc.monthly_trend(loaded)}
    # January 2026: NPS 10, 9 -> 100; February: 8, 6 -> -50; March: 3, 10 -> 0.
    assert trend["2026-01"]["nps"] == pytest.approx(100.0)
    assert trend["2026-02"]["nps"] == pytest.approx(-50.0)
    assert trend["2026-03"]["nps"] == pytest.approx(0.0)
    assert trend["2026-03"]["nps_low"] < 0 < trend["2026-03"]["nps_high"]
    # Revenue by month: March: 100 + 600 - 100 = 600; December: 600 - 50 = 550.
    assert trend["2026-03"]["revenue"] == pytest.approx(600.0)
    assert trend["2025-12"]["revenue"] == pytest.approx(550.0)
    # Churn: February base = c1, c2, c3, c5 (4); c2 left -> 25 %. March: c5 left of 3.
    assert trend["2026-02"]["churn_base"] == 4 and trend["2026-02"]["churned"] == 1
    assert trend["2026-03"]["churn_rate_pct"] == pytest.approx(100 / 3)
    assert trend["2025-12"]["nps"] is None  # no answers in December
    only_q1 = sc.monthly_trend(loaded, "2026-Q1")
    assert [r["month"] for r in only_q1] == ["2026-01", "2026-02", "2026-03"]


def test_breakdown(loaded) -> None:
    rows = {r["segment"]: r for r in sc.breakdown(loaded, "segment", "2026-Q1")}
    assert rows["SMB"]["responses"] == 3
    assert rows["SMB"]["nps"] == pytest.approx(200 / 3)
    assert rows["Enterprise"]["nps"] == pytest.approx(-100 / 3)
    assert rows["SMB"]["customers"] == 3
    assert rows["Enterprise"]["customers"] == 2
    # Enterprise base: c3 only (c5 is new), nobody left.
    assert rows["Enterprise"]["churn_rate_pct"] == pytest.approx(0.0)
    with pytest.raises(ValidationError):
        sc.breakdown(loaded, "name")


def test_value_by_nps_group(loaded) -> None:
    rows = {r["nps_group"]: r for r in sc.value_by_nps_group(loaded)}
    # Latest answers: c1 10 (2026-01-05) promoter, c2 9 promoter, c3 10 (2026-03-20) promoter,
    # c5 3 detractor. Promoters c1, c2, c3: c2 ended -> retention 2/3.
    assert rows["promoter"]["customers"] == 3
    assert rows["promoter"]["retention_pct"] == pytest.approx(200 / 3)
    # Revenue all time: c1 750, c2 150, c3 1100 -> 2000 / 3.
    assert rows["promoter"]["revenue_per_customer"] == pytest.approx(2000 / 3)
    assert rows["detractor"]["customers"] == 1
    assert rows["detractor"]["retention_pct"] == pytest.approx(0.0)
    assert rows["detractor"]["avg_monthly_revenue"] == pytest.approx(200.0)
    assert "passive" not in rows
    # In 2025-Q4 only c1's 0 counts: one detractor.
    q4 = sc.value_by_nps_group(loaded, "2025-Q4")
    assert [(r["nps_group"], r["customers"]) for r in q4] == [("detractor", 1)]


def test_cohort_retention(loaded) -> None:
    rows = {(r["cohort"], r["offset"]): r for r in sc.cohort_retention(loaded)}
    # Cohort 2025-02 (c2, left 2026-02-15: 12 months after start month) retained at 12, not 13.
    assert rows[("2025-02", 12)]["retained_pct"] == 100.0
    assert rows[("2025-02", 13)]["retained_pct"] == 0.0
    # Cohort 2026-01 (c5, left 2026-03-10): still a customer on 1 March (offset 2); the data
    # ends in March, so there is no offset 3 yet.
    assert rows[("2026-01", 2)]["retained"] == 1
    assert ("2026-01", 3) not in rows
    assert ("2025-03", 0) not in rows  # c4's leaving month is unknown
    assert max(r["offset"] for r in rows.values() if r["cohort"] == "2025-01") == 14


def test_targets_permissions_and_status(loaded, viewer_session) -> None:
    with pytest.raises(PermissionDenied):
        sc.set_targets(viewer_session, {"nps": {"target": 30}})
    assert sc.targets(viewer_session) == {}
    sc.set_targets(loaded, {"nps": {"target": 30, "warn_at": 10},
                            "churn_rate_pct": {"target": 5, "warn_at": 8}})
    stored = sc.targets(viewer_session)
    assert stored["nps"] == {"target": 30.0, "warn_at": 10.0}
    assert sc.status("nps", 16.7, stored) == "yellow"
    assert sc.status("nps", 35, stored) == "green"
    assert sc.status("churn_rate_pct", 33.3, stored) == "red"
    assert sc.status("csat_pct", 90, stored) is None
    log = loaded.db.execute(
        "select count(*) from activity where entity = 'setting' and entity_id = ?",
        [sc.TARGETS_SETTING]).fetchone()[0]
    assert log == 1


@pytest.mark.parametrize(("targets", "field"), [
    ({"made_up": {"target": 1}}, "made_up"),
    ({"nps": {"target": "high"}}, "nps"),
    ({"nps": {"target": 30, "warn_at": 40}}, "nps"),
    ({"churn_rate_pct": {"target": 5, "warn_at": 2}}, "churn_rate_pct"),
])
def test_bad_targets_store_nothing(loaded, targets, field) -> None:
    sc.set_targets(loaded, {"csat_pct": {"target": 80}})
    with pytest.raises(ValidationError) as info:
        sc.set_targets(loaded, targets)
    assert info.value.problems[0].field == field
    assert sc.targets(loaded) == {"csat_pct": {"target": 80.0, "warn_at": None}}


def test_finance_settings(loaded, viewer_session) -> None:
    assert sc.finance_settings(loaded) == sc.DEFAULT_FINANCE
    with pytest.raises(PermissionDenied):
        sc.set_finance_settings(viewer_session, 50, 8)
    with pytest.raises(ValidationError) as info:
        sc.set_finance_settings(loaded, 150, 8)
    assert info.value.problems[0].field == "gross_margin_pct"
    sc.set_finance_settings(loaded, 40, 8)
    card = sc.scorecard(loaded, "2026-Q1")
    months = 364 / sc.DAYS_PER_MONTH
    hazard, rpc = 2 / months, 1100 / months
    q = (1 - hazard) / 1.08 ** (1 / 12)
    assert card["clv_discounted"] == pytest.approx(0.4 * rpc * (1 - q ** 60) / (1 - q))
    # The margin applies to the simple CLV as well.
    assert card["clv"] == pytest.approx(0.4 * rpc * (1 - (1 - hazard) ** 60) / hazard)
    with pytest.raises(ValidationError) as info:
        sc.set_finance_settings(loaded, 40, 8, 0)
    assert info.value.problems[0].field == "clv_horizon_years"
    sc.set_finance_settings(loaded, 40, 8, 1)  # one year: at most 12 x monthly margin
    assert sc.scorecard(loaded, "2026-Q1")["clv"] <= 0.4 * rpc * 12 + 1e-9


def test_bare_sql_runs(loaded) -> None:
    rows = sc.bare_sql(loaded, "2026-Q1")
    assert rows[0][0] == 6  # responses


def test_referrals_unknown_without_referrer_data(editor_session) -> None:
    editor_session.db["customers"].insert_all(
        [{"id": "a", "start_date": "2026-01-02", "churned": 0}])
    assert sc.scorecard(editor_session)["referrals"] is None


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 10) | st.none(), st.integers(1, 5) | st.none()),
                max_size=40))
def test_scorecard_invariants(tmp_path_factory, answers) -> None:
    from cxcore.accounts import WorkspaceInfo
    from cxcore.workspace import WorkspaceSession, open_db

    path = tmp_path_factory.mktemp("ws") / "w.db"
    db = open_db(path)
    db["responses"].insert_all([{"date": "2026-01-01", "nps": n, "csat": c, "row_hash": str(i)}
                                for i, (n, c) in enumerate(answers)])
    session = WorkspaceSession(db, WorkspaceInfo(1, "W", path, False, "viewer"), "v", "viewer")
    card = sc.scorecard(session, "2026-01")
    scores = [n for n, _ in answers if n is not None]
    if not scores:
        assert card["nps"] is None and card["promoters_pct"] is None
    else:
        assert -100 <= card["nps"] <= 100
        assert card["promoters_pct"] + card["passives_pct"] + card["detractors_pct"] == (
            pytest.approx(100.0))
        expected = 100 * (sum(n >= 9 for n in scores) - sum(n <= 6 for n in scores)) / len(
            scores)
        assert card["nps"] == pytest.approx(expected)
    csats = [c for _, c in answers if c is not None]
    assert (card["csat_pct"] is None) == (not csats)
    for key in ("churn_rate_pct", "grr_pct", "nrr_pct", "clv", "enps", "ces_mean"):
        assert card[key] is None
    db.close()


def test_nrr_grr_cohort_leaves_out_customers_who_joined_during_the_base(editor_session) -> None:
    """Hand-computed NRR/GRR for 2025 (base period 2024), with the edge case of a customer who
    started partway through the base period and one without a start date."""
    db = editor_session.db
    db["customers"].insert_all([
        {"id": "a", "start_date": "2023-06-01", "churned": 0},
        {"id": "b", "start_date": "2023-01-01", "end_date": "2025-06-30", "churned": 1},
        {"id": "c", "start_date": "2024-11-01", "churned": 0},  # joined during the base
        {"id": "d", "start_date": "2025-03-01", "churned": 0},  # new in the period
        {"id": "e", "churned": 0},  # no start date: its first payment (2023-12-15) dates it
    ])
    events = [
        ("a", "2024-06-01", 1200, "renewal"), ("a", "2025-06-01", 1200, "renewal"),
        ("a", "2025-09-01", 300, "upsell"),
        ("b", "2024-06-01", 1200, "renewal"), ("b", "2025-03-01", 600, "renewal"),
        ("c", "2024-11-01", 100, "new"), ("c", "2024-12-01", 100, "renewal"),
        ("c", "2025-06-01", 1200, "renewal"),
        ("d", "2025-03-01", 1000, "new"),
        ("e", "2023-12-15", 100, "new"), ("e", "2024-05-01", 400, "renewal"),
        ("e", "2025-05-01", 100, "renewal"), ("e", "2025-07-01", 50, "downgrade"),
    ]
    db["revenue_events"].insert_all(
        [{"customer_id": c, "date": d, "amount": a, "kind": k, "row_hash": f"e{i}"}
         for i, (c, d, a, k) in enumerate(events)])
    card = sc.scorecard(editor_session, "2025")
    # Cohort = a, b, e (paying in 2024 and customers before 2024-01-01); c joined in Nov 2024.
    # R0: a 1200, b 1200, e 400 = 2800.
    # R1: a 1200 + 300 = 1500 (expansion), b 600 (left mid-year), e 100 - 50 = 50 -> 2150.
    # Capped at R0: 1200 + 600 + 50 = 1850.
    assert card["revenue_cohort"] == 3 and card["revenue_base_payers"] == 4
    assert card["nrr_pct"] == pytest.approx(100 * 2150 / 2800)  # 76.8 %
    assert card["grr_pct"] == pytest.approx(100 * 1850 / 2800)  # 66.1 %
    # With c in the cohort its 200 -> 1200 ramp-up would read as expansion: 3350 / 3000.
    assert card["nrr_pct"] < 100 < 100 * 3350 / 3000


# ---- formatting ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "card", "cli"), [
    (42.46, "%", "42.5 %", "42.5 %"),
    (31.4, "pts", "+31", "+31.4"),
    (-7.0, "pts", "-7", "-7.0"),
    (5.123, "/7", "5.12 / 7", "5.12 / 7"),
    (1204.0, "count", "1,204", "1,204"),
    (12345.678, "money", "$12,346", "$12,345.68"),
    (-0.3, "pts", "0", "-0.3"),
])
def test_format_value_cards_and_command_line(value, unit, card, cli):
    assert sc.format_value(value, unit) == card
    assert sc.format_value(value, unit, precise=True) == cli


def test_format_value_without_data():
    assert sc.format_value(None, "%") == "no data"
    assert sc.format_value(None, "money", precise=True, missing="-") == "-"


@pytest.mark.parametrize(("change", "unit", "text"), [
    (2.46, "%", "+2.5 pp"),
    (-3.0, "pts", "-3.0 pts"),
    (0.25, "/7", "+0.25"),
    (1200.4, "money", "+$1,200"),
    (-5.0, "count", "-5"),
    (None, "pts", None),
])
def test_format_change(change, unit, text):
    assert sc.format_change(change, unit) == text


def test_every_metric_unit_is_formatted():
    for d in sc.METRICS:
        assert sc.format_value(1.0, d.unit) and sc.format_change(1.0, d.unit)


def test_caveats_name_what_to_distrust() -> None:
    card = {"data_last_date": "2026-02-10", "nps_n": 12}
    notes = sc.caveats(card, "2026-Q1", {"nps_n": 400}, "2025-Q4")
    assert [level for level, _ in notes] == ["info", "warning"]
    assert notes[0][1].startswith("2026-Q1 is still in progress: the data ends on 2026-02-10")
    assert "Only 12 NPS answers" in notes[1][1]
    quiet = sc.caveats({"data_last_date": "2026-06-30", "nps_n": 400}, "2026-Q1", None, None,
                       note_no_comparison=False)
    assert quiet == []
    assert sc.caveats({"data_last_date": None, "nps_n": 0}, "all", None, None)[0][1].startswith(
        "There is no earlier period")
