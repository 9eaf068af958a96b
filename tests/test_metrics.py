"""Formulas of cxcore.metrics against values worked out by hand (arithmetic shown)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxcore import metrics as m

counts = st.integers(min_value=0, max_value=100_000)


def test_nps_hand_computed() -> None:
    # 50 promoters, 30 passives, 20 detractors: (50 - 20) / 100 = 30 points.
    result = m.nps(50, 30, 20)
    assert result.nps == pytest.approx(30.0)
    assert (result.promoters_pct, result.passives_pct, result.detractors_pct) == (
        pytest.approx(50.0), pytest.approx(30.0), pytest.approx(20.0))
    # Adjusted Wald: n' = 103, p' = 50.75/103 = 0.492718, d' = 20.75/103 = 0.201456,
    # var = 0.492718 + 0.201456 - 0.291262^2 = 0.609341, SE = sqrt(0.609341/103) = 0.076915,
    # MoE = 1.96 * 0.076915 * 100 = 15.075; centre = 29.126.
    assert result.moe == pytest.approx(15.075, abs=0.001)
    assert result.low == pytest.approx(29.126 - 15.075, abs=0.002)
    assert result.high == pytest.approx(29.126 + 15.075, abs=0.002)
    assert result.n == 100
    assert not result.small_sample


def test_nps_extremes_and_small_sample() -> None:
    assert m.nps_score(10, 0, 0) == 100.0
    assert m.nps_score(0, 0, 7) == -100.0
    assert m.nps_score(0, 5, 0) == 0.0
    only = m.nps(3, 0, 0)
    assert only.small_sample
    assert only.high == 100.0  # clipped
    assert only.moe > 0  # the pseudo-observations keep the interval honest at n = 3


def test_no_data_is_none_everywhere() -> None:
    assert m.nps(0, 0, 0) is None
    assert m.nps_score(0, 0, 0) is None
    assert m.nps_interval(0, 0, 0) is None
    assert m.enps(0, 0, 0) is None
    assert m.csat_pct(0, 0) is None
    assert m.ces_mean(0, 0) is None
    assert m.ces_easy_pct(0, 0) is None
    assert m.rating_index([(0, 0), (0, 0), (0, 0)]) is None
    assert m.churn_rate_pct(0, 0) is None
    assert m.retention_rate_pct(0, 0) is None
    assert m.gross_revenue_retention_pct(0, 0) is None
    assert m.net_revenue_retention_pct(5, 0) is None
    assert m.revenue_per_customer(0, 0) is None
    assert m.monthly_churn_hazard(0, 0) is None
    assert m.clv_simple(None, 0.1) is None
    assert m.clv_simple(100, 0) is None
    assert m.clv_discounted(None, 0.1, 1, 0.1) is None


def test_csat_ces_and_index() -> None:
    # 8 of 10 answers are 4 or 5.
    assert m.csat_pct(8, 10) == pytest.approx(80.0)
    # Efforts 7, 6, 5, 2: mean 20/4 = 5.0; easy (>= 5) 3 of 4 = 75 %.
    assert m.ces_mean(20, 4) == 5.0
    assert m.ces_easy_pct(3, 4) == 75.0
    # Means 7 -> 100, 4 -> 50, 1 -> 0: index = 50. A dimension with no answers is skipped.
    assert m.rating_index([(14, 2), (8, 2), (1, 1)]) == pytest.approx(50.0)
    assert m.rating_index([(14, 2), (0, 0), (0, 0)]) == pytest.approx(100.0)


def test_enps() -> None:
    # 4 promoters, 3 passives, 3 detractors of 10: (4 - 3)/10 = 10.
    assert m.enps(4, 3, 3) == pytest.approx(10.0)


def test_churn_retention_revenue() -> None:
    # 200 customers at the start, 10 lost: churn 5 %, retention 95 %.
    assert m.churn_rate_pct(10, 200) == 5.0
    assert m.retention_rate_pct(10, 200) == 95.0
    # Base revenue 1000; capped current 900, uncapped 1150.
    assert m.gross_revenue_retention_pct(900, 1000) == 90.0
    assert m.net_revenue_retention_pct(1150, 1000) == pytest.approx(115.0)
    assert m.revenue_per_customer(5000, 40) == 125.0
    # 3 churn events over 150 customer-months: 0.02 per month.
    assert m.monthly_churn_hazard(3, 150) == pytest.approx(0.02)


def test_clv() -> None:
    # 100 per month, 2 % monthly churn: 100 / 0.02 = 5000.
    assert m.clv_simple(100, 0.02) == pytest.approx(5000.0)
    # Monthly discount from 10 %/year: 1.1^(1/12) - 1 = 0.0079741.
    assert m.monthly_discount_rate(0.10) == pytest.approx(0.0079741, abs=1e-7)
    # m = 100 * 0.5 = 50, r = 0.98: 50 * 0.98 / (1 + 0.0079741 - 0.98) = 1751.62.
    assert m.clv_discounted(100, 0.02, 0.5, 0.10) == pytest.approx(1751.62, abs=0.01)
    # With no discounting and full margin it approaches m * r / (1 - r) = 100 * 0.98 / 0.02.
    assert m.clv_discounted(100, 0.02, 1.0, 0.0) == pytest.approx(4900.0)


def test_change_tests() -> None:
    # Combined MoE sqrt(6^2 + 8^2) = 10: a change of 10 is noise, 10.5 is meaningful.
    assert m.nps_change_is_meaningful(6, 8, 10) is False
    assert m.nps_change_is_meaningful(6, 8, -10.5) is True
    assert m.nps_change_is_meaningful(None, 8, 3) is None
    # 60/100 vs 40/100: pooled p = 0.5, SE = sqrt(0.25 * 0.02) = 0.0707, z = 0.2/0.0707 = 2.83.
    assert m.two_proportion_z(60, 100, 40, 100) == pytest.approx(2.828, abs=0.001)
    assert m.proportion_change_is_meaningful(60, 100, 40, 100) is True
    assert m.proportion_change_is_meaningful(52, 100, 48, 100) is False
    assert m.proportion_change_is_meaningful(1, 0, 1, 5) is None
    # Means 5 (values 4, 6) vs 3 (values 2, 4) with n = 2 each: var 2 each, SE = sqrt(2) = 1.41,
    # t = 2 / 1.41 = 1.41 -> not significant.
    assert m.mean_change_is_meaningful(2, 10, 52, 2, 6, 20) is False
    assert m.mean_change_is_meaningful(1, 5, 25, 2, 6, 20) is None


def test_target_status() -> None:
    assert m.target_status(45, 40, 30) == "green"
    assert m.target_status(35, 40, 30) == "yellow"
    assert m.target_status(29, 40, 30) == "red"
    # Lower is better (churn): target 5 %, yellow up to 7 %.
    assert m.target_status(4, 5, 7, higher_is_better=False) == "green"
    assert m.target_status(6, 5, 7, higher_is_better=False) == "yellow"
    assert m.target_status(8, 5, 7, higher_is_better=False) == "red"
    # Default yellow band: 10 % of the target (40 -> 36).
    assert m.target_status(36, 40) == "yellow"
    assert m.target_status(35.9, 40) == "red"
    assert m.target_status(None, 40) is None
    assert m.target_status(40, None) is None


@given(counts, counts, counts)
def test_nps_invariants(promoters: int, passives: int, detractors: int) -> None:
    result = m.nps(promoters, passives, detractors)
    if promoters + passives + detractors == 0:
        assert result is None
        return
    assert -100.0 <= result.nps <= 100.0
    assert math.isclose(result.promoters_pct + result.passives_pct + result.detractors_pct,
                        100.0, abs_tol=1e-9)
    assert -100.0 <= result.low <= result.high <= 100.0
    assert result.moe > 0


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_proportions_within_0_100(part: int, extra: int) -> None:
    whole = part + extra
    for value in (m.csat_pct(part, whole), m.churn_rate_pct(part, whole),
                  m.retention_rate_pct(part, whole)):
        if whole == 0:
            assert value is None
        else:
            assert 0.0 <= value <= 100.0
    if whole:
        assert m.churn_rate_pct(part, whole) + m.retention_rate_pct(part, whole) == (
            pytest.approx(100.0))


@given(st.lists(st.integers(1, 7), max_size=30))
def test_rating_index_within_0_100(ratings: list[int]) -> None:
    value = m.rating_index([(sum(ratings), len(ratings))])
    if not ratings:
        assert value is None
    else:
        assert 0.0 <= value <= 100.0 + 1e-9
