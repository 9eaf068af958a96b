"""The money story: revenue at risk, referral value and the business case, hand-computed on a
tiny workspace."""

from __future__ import annotations

import json

import pytest

from cxcore import metrics as m
from cxcore import money
from cxcore import scorecard as sc
from cxcore.cli import main
from cxcore.errors import ValidationError

#: 2026-Q1 is 90 days long.
L = 90 / sc.DAYS_PER_MONTH


def load(db) -> None:
    """Promoters p1-p3 (p3 left), detractors d1-d2 (d2 left), passive a1; r1 and r2 were
    referred by p1 and p2 in Q1, r3 by d1."""
    db["customers"].insert_all([
        {"id": "p1", "start_date": "2025-01-01", "churned": 0},
        {"id": "p2", "start_date": "2025-01-01", "churned": 0},
        {"id": "p3", "start_date": "2025-01-01", "end_date": "2026-03-01", "churned": 1},
        {"id": "d1", "start_date": "2025-01-01", "churned": 0},
        {"id": "d2", "start_date": "2025-01-01", "end_date": "2026-03-15", "churned": 1},
        {"id": "a1", "start_date": "2025-01-01", "churned": 0},
        {"id": "r1", "start_date": "2026-02-01", "churned": 0, "referred_by": "p1",
         "monthly_revenue": 20.0},
        {"id": "r2", "start_date": "2026-02-10", "churned": 0, "referred_by": "p2",
         "monthly_revenue": 10.0},
        {"id": "r3", "start_date": "2026-03-01", "churned": 0, "referred_by": "d1",
         "monthly_revenue": 30.0},
    ])
    db["responses"].insert_all([
        {"customer_id": c, "date": "2026-01-20", "nps": n, "row_hash": c}
        for c, n in (("p1", 9), ("p2", 10), ("p3", 9), ("d1", 3), ("d2", 5), ("a1", 8))])
    db["revenue_events"].insert_all([
        {"customer_id": c, "date": "2026-01-15", "amount": a, "kind": "renewal",
         "row_hash": f"r{c}"}
        for c, a in (("p1", 300), ("p2", 300), ("p3", 150), ("d1", 90), ("d2", 60),
                     ("a1", 120), ("r1", 60), ("r2", 30))])


@pytest.fixture
def loaded(editor_session):
    load(editor_session.db)
    return editor_session


def test_wilson_and_newcombe_intervals() -> None:
    # Wilson 8/10: centre (0.8 + 1.9208/10) / 1.38415 = 0.71674, half 0.22658.
    low, high = m.wilson_interval(8, 10)
    assert (low, high) == (pytest.approx(0.4902, abs=1e-4), pytest.approx(0.9433, abs=1e-4))
    # Newcombe's own worked example (1998, table II): 56/70 - 48/80 = 0.2, 0.0524 to 0.3339.
    d, low, high = m.newcombe_interval(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert (low, high) == (pytest.approx(0.0524, abs=1e-4), pytest.approx(0.3339, abs=1e-4))
    assert m.wilson_interval(0, 0) is None and m.newcombe_interval(1, 2, 0, 0) is None


def test_group_figures(loaded) -> None:
    f = money.group_figures(loaded, "2026-Q1")
    assert f["revenue_basis"] == "revenue events" and f["months"] == pytest.approx(L)
    p, d = f["groups"]["promoter"], f["groups"]["detractor"]
    assert (p["customers"], p["retained"], d["customers"], d["retained"]) == (3, 2, 2, 1)
    # Promoters paid 750 in Q1: 250 each, 250 / L a month; detractors 150: 75 each.
    assert p["monthly_revenue"] == pytest.approx(250 / L)
    assert d["monthly_revenue"] == pytest.approx(75 / L)
    # Referrals made in Q1: promoters 1, 1, 0 (mean 2/3); detractors 1, 0 (mean 1/2).
    assert p["referrals"] == 2 and p["referrals_per_month"] == pytest.approx((2 / 3) / L)
    assert d["referrals_per_month"] == pytest.approx(0.5 / L)
    assert f["referred"]["customers"] == 3
    assert f["referred"]["by_referrer_group"] == {"promoter": 2, "detractor": 1}
    assert f["referred"]["monthly_revenue"] == pytest.approx(20.0)


def test_revenue_at_risk(loaded) -> None:
    risk = money.revenue_at_risk(loaded, "2026-Q1")
    assert risk["missing"] == [] and risk["promoters"] == 3
    assert risk["promoter_retention_pct"] == pytest.approx(200 / 3)
    det = next(r for r in risk["rows"] if r["group"] == "detractor")
    # A month of detractors' revenue: 2 x 75 / L = 150 / L; gap 66.7 - 50 = 16.7 pp;
    # expected extra loss 150 / L x 1/6 = 25 / L = 8.45 a month.
    assert det["monthly_revenue"] == pytest.approx(150 / L)
    assert det["retention_gap_pp"] == pytest.approx(100 / 6)
    assert det["expected_loss"] == pytest.approx(25 / L)
    diff, low, high = m.newcombe_interval(2, 3, 1, 2)
    assert (det["gap_low"], det["gap_high"]) == (pytest.approx(100 * low),
                                                 pytest.approx(100 * high))
    assert det["loss_low"] < 0 < det["loss_high"]
    assert det["note"].startswith("too few customers to tell (3 promoters, 2 detractors")
    lines = money.risk_lines(risk)
    assert lines[0] == "Promoters (3) stay 66.7 % (95 % CI 20.8 % to 93.9 %)."
    assert "$8 a month expected to be lost" in lines[1]


def test_referral_value(loaded) -> None:
    ref = money.referral_value(loaded, "2026-Q1")
    # 2 referrals by 3 promoters; a referred customer pays 20 a month: 240 a year.
    assert ref["per_promoter"] == pytest.approx(2 / 3)
    assert ref["referred_year_value"] == pytest.approx(240.0)
    assert ref["worth_per_promoter"] == pytest.approx(160.0)
    # t interval of the per-promoter counts 1, 1, 0: s = 0.57735, t(0.975, 2) = 4.3027.
    margin = 4.302653 * 0.57735 / 3 ** 0.5
    assert ref["per_promoter_high"] == pytest.approx(2 / 3 + margin, abs=1e-4)
    assert ref["per_promoter_low"] == 0.0  # clipped: a count can't be negative
    lines = money.referral_lines(ref)
    assert lines[1].startswith("Each promoter brought 0.67 new customers: ten promoters "
                               "brought 6.7")
    assert "worth $1,600 a year" in lines[1]


def test_business_case_hand_computed(loaded) -> None:
    case = money.business_case(loaded, convert_pct=50, cost=100, period="2026-Q1")
    assert case["missing"] == [] and case["converted"] == pytest.approx(1.0)
    f = case["figures"]
    # k = 1: kept 12 x 75/L x (2/3 - 1/2) = 150/L; spend 12 x 175/L x 2/3 = 1400/L;
    # referrals 12 x (2/3 - 1/2)/L x 240 = 480/L; total 2030/L = 686.52 (margin 100 %).
    assert f["retained_revenue"].value == pytest.approx(150 / L)
    assert f["spend_difference"].value == pytest.approx(1400 / L)
    assert f["referral_value"].value == pytest.approx(480 / L)
    assert f["extra_revenue"].value == pytest.approx(2030 / L)
    assert f["extra_margin"].value == pytest.approx(686.52, abs=0.01)
    # ROI (686.52 - 100) / 100 = 5.865; payback 100 / (686.52 / 12) = 1.748 months.
    assert f["roi"].value == pytest.approx((2030 / L - 100) / 100)
    assert f["payback_months"].value == pytest.approx(1200 / (2030 / L))
    for key in ("retained_revenue", "spend_difference", "referral_value", "extra_margin"):
        assert f[key].low <= f[key].value <= f[key].high, key
    assert all(case["sources"][k] for k in ("retained_revenue", "spend_difference",
                                            "referral_value", "extra_margin", "roi"))
    # The same inputs give the same figures (fixed seed): page, report and CLI agree.
    again = money.business_case(loaded, convert_pct=50, cost=100, period="2026-Q1")
    assert again["figures"] == f
    sc.set_finance_settings(loaded, 40, 10)
    assert money.business_case(loaded, convert_pct=50, cost=100, period="2026-Q1")[
        "figures"]["extra_margin"].value == pytest.approx(0.4 * 2030 / L)


def test_business_case_bad_input_and_missing_data(loaded, editor_session) -> None:
    with pytest.raises(ValidationError) as info:
        money.business_case(loaded, convert_pct=0, cost=-1, to="fan")
    assert [p.field for p in info.value.problems] == ["convert_detractors", "cost", "to"]
    empty = money.business_case(loaded, convert_pct=10, cost=10, period="2024")
    assert empty["missing"] == ["no detractors in this period linked to customers",
                                "no promoters in this period linked to customers"]
    assert money.case_lines(empty)[0].startswith("The business case can't be computed")
    assert money.revenue_at_risk(loaded, "2024")["missing"][0].startswith(
        "no survey answers in this period are linked to customers")


def test_business_case_cli(accounts, loaded, capsys) -> None:
    assert main(["business-case", "--workspace", "Acme", "--convert-detractors", "50",
                 "--cost", "100", "--period", "2026-Q1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["figures"]["extra_margin"]["value"] == pytest.approx(2030 / L, abs=1e-3)
    assert set(out["figures"]["roi"]) == {"value", "low", "high"}
    assert out["currency"] == "USD"
    assert main(["business-case", "--workspace", "Acme", "--convert-detractors", "50",
                 "--cost", "100", "--period", "2026-Q1"]) == 0
    text = capsys.readouterr().out
    case = money.business_case(loaded, convert_pct=50, cost=100, period="2026-Q1")
    for line in money.case_lines(case):
        assert line in text
    assert main(["business-case", "--workspace", "Acme", "--convert-detractors", "500",
                 "--cost", "1"]) == 1
    assert "convert_detractors" in capsys.readouterr().err
    assert main(["money", "--workspace", "Acme", "--period", "2026-Q1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["referral_value"]["per_promoter"] == pytest.approx(0.6667, abs=1e-4)
