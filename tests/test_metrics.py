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
    assert m.clv(None, 0.1) is None and m.clv(100, None) is None
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
    # 100 per month, 2 % monthly churn, full margin, 5-year horizon (60 months):
    # 100 (1 - 0.98^60) / 0.02, 0.98^60 = 0.297553 -> 3512.23.
    assert m.clv_simple(100, 0.02) == pytest.approx(3512.23, abs=0.01)
    # A horizon long enough: monthly margin x expected lifetime = 100 / 0.02 = 5000.
    assert m.clv_simple(100, 0.02, 1.0, 10 ** 6) == pytest.approx(5000.0)
    # The margin applies to the simple CLV too: 40 % of it.
    assert m.clv_simple(100, 0.02, 0.4) == pytest.approx(0.4 * 3512.23, abs=0.01)
    # Nobody churned: the horizon bounds it, m x H = 100 x 60.
    assert m.clv_simple(100, 0) == pytest.approx(6000.0)
    # Monthly discount from 10 %/year: 1.1^(1/12) - 1 = 0.0079741.
    assert m.monthly_discount_rate(0.10) == pytest.approx(0.0079741, abs=1e-7)
    # m = 100 x 0.5 = 50, q = 0.98 / 1.0079741 = 0.972247, q^60 = 0.184716:
    # 50 (1 - 0.184716) / (1 - 0.972247) = 1468.76.
    assert m.clv_discounted(100, 0.02, 0.5, 0.10) == pytest.approx(1468.76, abs=0.01)
    # Without discount the two definitions agree exactly.
    assert m.clv_discounted(100, 0.02, 0.4, 0.0) == pytest.approx(m.clv_simple(100, 0.02, 0.4))


def test_nps_change_test_uses_the_adjusted_estimates() -> None:
    # 60/20/20 vs 40/30/30 of 100: adjusted NPS 100 x 40/103 = 38.83 and 100 x 10/103 = 9.71,
    # difference 29.13. SE_a = sqrt((0.58981 + 0.20146 - 0.38835^2) / 103) = 0.078854,
    # SE_b = sqrt((0.39563 + 0.29854 - 0.09709^2) / 103) = 0.081536, combined
    # 100 x sqrt(SE_a^2 + SE_b^2) = 11.343; z = 2.568, p = 0.0102.
    t = m.nps_change_test((60, 20, 20), (40, 30, 30))
    assert t.difference == pytest.approx(29.126, abs=0.001)
    assert t.se == pytest.approx(11.343, abs=0.001)
    assert t.statistic == pytest.approx(2.568, abs=0.001)
    assert t.p_value == pytest.approx(0.0102, abs=0.0001)
    assert m.nps_change_is_meaningful((60, 20, 20), (40, 30, 30)) is True
    # The case: 2 promoters (adjusted 200/5 = 40) against 0/1/3 (adjusted -300/7 =
    # -42.86): the centres are 82.86 apart (not the 175 of the raw scores), and with 2 and 4
    # answers the change is never called meaningful, whatever p says.
    small = m.nps_change_test((2, 0, 0), (0, 1, 3))
    assert small.difference == pytest.approx(82.857, abs=0.001)
    assert m.nps_change_is_meaningful((2, 0, 0), (0, 1, 3)) is None
    assert m.nps_change_test((0, 0, 0), (1, 1, 1)) is None


def test_change_tests() -> None:
    # 60/100 vs 40/100: pooled p = 0.5, SE = sqrt(0.25 * 0.02) = 0.0707, z = 0.2/0.0707 = 2.83,
    # p = 0.0047.
    assert m.two_proportion_z(60, 100, 40, 100) == pytest.approx(2.828, abs=0.001)
    t = m.proportion_change_test(60, 100, 40, 100)
    assert t.difference == pytest.approx(20.0) and t.p_value == pytest.approx(0.00468, abs=1e-5)
    assert m.proportion_change_is_meaningful(60, 100, 40, 100) is True
    assert m.proportion_change_is_meaningful(52, 100, 48, 100) is False
    assert m.proportion_change_is_meaningful(1, 0, 1, 5) is None
    # Means 5 (values 4, 6) vs 3 (values 2, 4) with n = 2 each: var 2 each, SE = sqrt(2) = 1.41,
    # t = 2 / 1.41 = 1.41 on df 2 -> not significant.
    assert m.mean_change_is_meaningful(2, 10, 52, 2, 6, 20) is False
    assert m.mean_change_is_meaningful(1, 5, 25, 2, 6, 20) is None


def test_welch_t_test_and_t_interval() -> None:
    # a = 4, 6, 5, 7: mean 5.5, s^2 = (126 - 4 x 30.25) / 3 = 1.6667; b = 2, 3, 4, 3: mean 3,
    # s^2 = (38 - 36) / 3 = 0.6667. v = 0.41667 + 0.16667, SE = 0.76376, t = 2.5 / 0.76376 =
    # 3.2733; df = 0.58333^2 / (0.41667^2 / 3 + 0.16667^2 / 3) = 5.069; p = 0.0217 (a normal
    # approximation would give 0.0011: small samples need the t distribution).
    t = m.mean_change_test(4, 22, 126, 4, 12, 38)
    assert t.statistic == pytest.approx(3.2733, abs=1e-4)
    assert t.df == pytest.approx(5.069, abs=1e-3)
    assert t.p_value == pytest.approx(0.0217, abs=1e-4)
    # 95 % t interval of a: t(0.975, 3) = 3.1824, s / sqrt(n) = 0.6455: 5.5 +- 2.0543.
    margin, low, high = m.mean_interval(4, 22, 126)
    assert margin == pytest.approx(2.0543, abs=1e-4)
    assert (low, high) == (pytest.approx(3.4457, abs=1e-4), pytest.approx(7.5543, abs=1e-4))
    assert m.mean_interval(1, 5, 25) is None
    # Identical constant samples: no difference, p = 1.
    assert m.mean_change_test(3, 15, 75, 3, 15, 75).p_value == 1.0


def test_holm() -> None:
    # Sorted 0.01, 0.03, 0.04 of m = 3: 3 x 0.01 = 0.03; 2 x 0.03 = 0.06; 1 x 0.04 = 0.04,
    # raised to the running maximum 0.06.
    assert m.holm({"a": 0.01, "b": 0.04, "c": 0.03}) == pytest.approx(
        {"a": 0.03, "b": 0.06, "c": 0.06})
    assert m.holm({"x": 0.7}) == {"x": 0.7}
    assert m.holm({}) == {}


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


def test_t_quantile_without_scipy_matches_the_tables() -> None:
    # Student's t tables: t(0.975; 30) = 2.0423, t(0.975; 100) = 1.9840, t(0.995; 60) = 2.6603;
    # below 30 degrees of freedom scipy answers: t(0.975; 3) = 3.1824.
    assert m.t_quantile(0.975, 30) == pytest.approx(2.042272, abs=1e-6)
    assert m.t_quantile(0.975, 100) == pytest.approx(1.983972, abs=1e-6)
    assert m.t_quantile(0.995, 60) == pytest.approx(2.660283, abs=1e-6)
    assert m.t_quantile(0.975, 3) == pytest.approx(3.182446, abs=1e-6)
