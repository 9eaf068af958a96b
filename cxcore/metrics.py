"""Pure formulas for the scorecard: each takes counts or sums (SQL does the counting) and returns
``None`` when there is no data, never 0.

Percentages are on a 0-100 scale; NPS and eNPS on -100..100.

Scales, as stored (see :mod:`cxcore.customer_data`):

- NPS / eNPS: 0-10, promoters 9-10, passives 7-8, detractors 0-6 (Reichheld 2003,
  "The One Number You Need to Grow", Harvard Business Review).
- CSAT: 1-5; satisfied = top two boxes (4 or 5).
- CES (customer effort): 1-7 where **7 = very easy** (higher is better); "easy" = 5, 6 or 7
  (Dixon, Freeman & Toman 2010, "Stop Trying to Delight Your Customers", HBR; CES 2.0 scale).
- Effectiveness, ease, emotion: 1-7, higher is better (Forrester's CX Index dimensions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

#: z for a two-sided 95% interval.
Z95 = 1.959963984540054
#: Below this many answers a result is flagged as a small sample (a common rule of thumb:
#: normal approximations of a proportion get unreliable below ~30 observations).
SMALL_SAMPLE = 30
CES_EASY_MIN = 5
CSAT_TOP_TWO_MIN = 4


def _pct(part: float, whole: float) -> float | None:
    return None if not whole else 100.0 * part / whole


@dataclass(frozen=True)
class NpsResult:
    """An NPS (or eNPS) with its shares and 95% interval, all in points."""

    n: int
    nps: float
    promoters_pct: float
    passives_pct: float
    detractors_pct: float
    moe: float
    low: float
    high: float

    @property
    def small_sample(self) -> bool:
        """True when fewer than :data:`SMALL_SAMPLE` answers back the score."""
        return self.n < SMALL_SAMPLE


def nps_score(promoters: int, passives: int, detractors: int) -> float | None:
    """Net Promoter Score = 100 × (promoters − detractors) / n, n = all three groups.

    Range -100..100 (Reichheld 2003). ``None`` when n = 0.
    """
    n = promoters + passives + detractors
    if n <= 0:
        return None
    return 100.0 * (promoters - detractors) / n


def nps_shares(promoters: int, passives: int, detractors: int) -> tuple[float, float, float] | None:
    """Shares of promoters, passives and detractors in percent (they sum to 100)."""
    n = promoters + passives + detractors
    if n <= 0:
        return None
    return (100.0 * promoters / n, 100.0 * passives / n, 100.0 * detractors / n)


def nps_standard_error(promoters: int, passives: int, detractors: int) -> float | None:
    """Adjusted-Wald standard error of the NPS, as a proportion difference (not in points).

    The NPS is p_P − p_D, a difference of two proportions from one multinomial sample, so
    Var = (p_P + p_D − (p_P − p_D)²) / n. The adjusted-Wald version adds 3 pseudo-observations,
    3/4 to promoters and 3/4 to detractors (3/2 to passives):
    n' = n + 3, p_P' = (promoters + 3/4)/n', p_D' = (detractors + 3/4)/n',
    SE = sqrt((p_P' + p_D' − (p_P' − p_D')²) / n').
    Source: Rocks, B. (2016) "Interval Estimation for the 'Net Promoter Score'",
    The American Statistician 70(4):365-372; as used by Sauro & Lewis, MeasuringU (2021).
    """
    n = promoters + passives + detractors
    if n <= 0:
        return None
    n_adj = n + 3
    p_adj = (promoters + 0.75) / n_adj
    d_adj = (detractors + 0.75) / n_adj
    variance = p_adj + d_adj - (p_adj - d_adj) ** 2
    return math.sqrt(max(variance, 0.0) / n_adj)


def nps_interval(promoters: int, passives: int, detractors: int,
                 z: float = Z95) -> tuple[float, float, float] | None:
    """Adjusted-Wald 95% interval of the NPS in points: (margin of error, low, high).

    Centre = 100 × (p_P' − p_D') (the adjusted estimate, see :func:`nps_standard_error`),
    margin of error = 100 × z × SE, the interval clipped to -100..100.
    """
    se = nps_standard_error(promoters, passives, detractors)
    if se is None:
        return None
    n_adj = promoters + passives + detractors + 3
    centre = 100.0 * ((promoters + 0.75) - (detractors + 0.75)) / n_adj
    moe = 100.0 * z * se
    return moe, max(-100.0, centre - moe), min(100.0, centre + moe)


def nps(promoters: int, passives: int, detractors: int) -> NpsResult | None:
    """NPS, its shares and its adjusted-Wald 95% interval (see the functions above)."""
    score = nps_score(promoters, passives, detractors)
    if score is None:
        return None
    p, pa, d = nps_shares(promoters, passives, detractors)  # type: ignore[misc]
    moe, low, high = nps_interval(promoters, passives, detractors)  # type: ignore[misc]
    return NpsResult(n=promoters + passives + detractors, nps=score, promoters_pct=p,
                     passives_pct=pa, detractors_pct=d, moe=moe, low=low, high=high)


def enps(promoters: int, passives: int, detractors: int) -> float | None:
    """Employee NPS: the NPS formula applied to the 0-10 employee pulse question
    ("How likely are you to recommend this company as a place to work?")."""
    return nps_score(promoters, passives, detractors)


@dataclass(frozen=True)
class ChangeTest:
    """A two-sided test of a change between two independent samples.

    ``difference`` is what was tested (on the scale of the metric: points, percentage points or
    scale units), ``se`` its standard error, ``statistic`` the z or t value, ``df`` the degrees
    of freedom of a t test (None for z) and ``p_value`` the two-sided p-value."""

    difference: float
    se: float
    statistic: float
    p_value: float
    df: float | None = None


def _two_sided_normal_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def nps_adjusted(promoters: int, passives: int, detractors: int) -> float | None:
    """The adjusted-Wald NPS estimate in points, the centre of :func:`nps_interval`:
    100 × ((promoters + 3/4) − (detractors + 3/4)) / (n + 3) (Rocks 2016)."""
    n = promoters + passives + detractors
    if n <= 0:
        return None
    return 100.0 * (promoters - detractors) / (n + 3)


def nps_change_test(a: tuple[int, int, int], b: tuple[int, int, int]) -> ChangeTest | None:
    """Test the change of an NPS between two independent samples ``a`` (new) and ``b`` (old),
    each (promoters, passives, detractors), on the same estimates the intervals use.

    difference = NPS'_a − NPS'_b, the adjusted-Wald estimates (:func:`nps_adjusted`), in
    points; SE = 100 × sqrt(SE_a² + SE_b²) with SE from :func:`nps_standard_error` (independent
    samples: variances add); z = difference / SE; p = 2 (1 − Φ(|z|)). This is the adjusted-Wald
    difference interval of Rocks (2016), section 4. ``None`` when a sample is empty.
    """
    se_a, se_b = nps_standard_error(*a), nps_standard_error(*b)
    if se_a is None or se_b is None:
        return None
    diff = nps_adjusted(*a) - nps_adjusted(*b)  # type: ignore[operator]
    se = 100.0 * math.sqrt(se_a ** 2 + se_b ** 2)
    z = diff / se if se > 0 else 0.0
    return ChangeTest(diff, se, z, _two_sided_normal_p(z))


def nps_change_is_meaningful(a: tuple[int, int, int], b: tuple[int, int, int],
                             min_n: int = SMALL_SAMPLE, alpha: float = 0.05) -> bool | None:
    """True when :func:`nps_change_test` rejects "no change" at ``alpha``; ``None`` (cannot
    tell) when a sample is empty or has fewer than ``min_n`` answers."""
    if min(sum(a), sum(b)) < min_n:
        return None
    test = nps_change_test(a, b)
    return None if test is None else test.p_value < alpha


def two_proportion_z(k1: int, n1: int, k2: int, n2: int) -> float | None:
    """Pooled two-proportion z statistic: z = (p1 − p2) / sqrt(p(1 − p)(1/n1 + 1/n2)),
    p = (k1 + k2)/(n1 + n2). ``None`` when a sample is empty; 0 when p is 0 or 1."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (k1 + k2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 0.0
    return (k1 / n1 - k2 / n2) / math.sqrt(variance)


def proportion_change_test(k1: int, n1: int, k2: int, n2: int) -> ChangeTest | None:
    """Pooled two-proportion z-test (:func:`two_proportion_z`) of p1 − p2 in percentage points;
    p = 2 (1 − Φ(|z|)). ``None`` when a sample is empty."""
    z = two_proportion_z(k1, n1, k2, n2)
    if z is None:
        return None
    diff = 100.0 * (k1 / n1 - k2 / n2)
    pooled = (k1 + k2) / (n1 + n2)
    se = 100.0 * math.sqrt(max(pooled * (1 - pooled), 0.0) * (1 / n1 + 1 / n2))
    return ChangeTest(diff, se, z, _two_sided_normal_p(z))


def proportion_change_is_meaningful(k1: int, n1: int, k2: int, n2: int,
                                    alpha: float = 0.05) -> bool | None:
    """True when two proportions differ at ``alpha`` (:func:`proportion_change_test`)."""
    test = proportion_change_test(k1, n1, k2, n2)
    return None if test is None else test.p_value < alpha


def _mean_var(n: int, total: float, squares: float) -> tuple[float, float]:
    mean = total / n
    return mean, max((squares - n * mean * mean) / (n - 1), 0.0)


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with ``df`` degrees of freedom.

    From 30 degrees of freedom on, the Cornish-Fisher expansion of Abramowitz & Stegun
    (1964) 26.7.5 in powers of 1/df around the normal quantile (error below 1e-6 there), so
    the scorecard needs no scipy for ordinary samples; below 30, scipy.stats.t exactly."""
    if df < 30:
        from scipy import stats

        return float(stats.t.ppf(p, df))
    x = NormalDist().inv_cdf(p)
    g1 = (x ** 3 + x) / 4
    g2 = (5 * x ** 5 + 16 * x ** 3 + 3 * x) / 96
    g3 = (3 * x ** 7 + 19 * x ** 5 + 17 * x ** 3 - 15 * x) / 384
    g4 = (79 * x ** 9 + 776 * x ** 7 + 1482 * x ** 5 - 1920 * x ** 3 - 945 * x) / 92160
    return x + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4


def mean_interval(n: int, total: float, squares: float,
                  level: float = 0.95) -> tuple[float, float, float] | None:
    """The t interval of a mean from its sums: (margin, low, high) with
    margin = t_{1−α/2, n−1} × s / sqrt(n), s² = (Σx² − n·x̄²)/(n − 1) (Student's t, so small
    samples get the wider interval they need). ``None`` below 2 answers."""
    if n < 2:
        return None
    mean, var = _mean_var(n, total, squares)
    margin = t_quantile(0.5 + level / 2, n - 1) * math.sqrt(var / n)
    return margin, mean - margin, mean + margin


def mean_change_test(n1: int, total1: float, squares1: float,
                     n2: int, total2: float, squares2: float) -> ChangeTest | None:
    """Welch's t-test of m1 − m2 from sums: t = (m1 − m2) / sqrt(s1²/n1 + s2²/n2), degrees of
    freedom by Welch–Satterthwaite, df = (v1 + v2)² / (v1²/(n1 − 1) + v2²/(n2 − 1)) with
    v = s²/n; p from Student's t (scipy.stats.t). ``None`` unless both samples have at least
    2 answers. Two constant samples: p = 1 when equal, 0 when not."""
    from scipy import stats

    if n1 < 2 or n2 < 2:
        return None
    m1, v1 = _mean_var(n1, total1, squares1)
    m2, v2 = _mean_var(n2, total2, squares2)
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    diff = m1 - m2
    if se == 0:
        return ChangeTest(diff, 0.0, 0.0 if diff == 0 else math.inf,
                          1.0 if diff == 0 else 0.0, float(n1 + n2 - 2))
    df = (a + b) ** 2 / ((a * a / (n1 - 1)) + (b * b / (n2 - 1)))
    t = diff / se
    return ChangeTest(diff, se, t, float(2 * stats.t.sf(abs(t), df)), df)


def mean_change_is_meaningful(n1: int, total1: float, squares1: float,
                              n2: int, total2: float, squares2: float,
                              alpha: float = 0.05) -> bool | None:
    """True when two means differ at ``alpha`` by Welch's t-test (:func:`mean_change_test`).
    ``None`` unless both samples have at least 2 answers."""
    test = mean_change_test(n1, total1, squares1, n2, total2, squares2)
    return None if test is None else test.p_value < alpha


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score 95 % interval of a proportion k/n (0-1): centre (p + z²/2n) / (1 + z²/n),
    half-width z sqrt(p(1 − p)/n + z²/4n²) / (1 + z²/n) (Wilson 1927, JASA 22:209-212).
    ``None`` when n = 0."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(k1: int, n1: int, k2: int, n2: int,
                      z: float = Z95) -> tuple[float, float, float] | None:
    """Difference of two independent proportions p1 − p2 (0-1) with Newcombe's hybrid score
    95 % interval (Newcombe 1998, Statistics in Medicine 17:873-890, method 10):
    low = d − sqrt((p1 − l1)² + (u2 − p2)²), high = d + sqrt((u1 − p1)² + (p2 − l2)²), with
    (l, u) the Wilson intervals (:func:`wilson_interval`). ``None`` when a sample is empty."""
    w1, w2 = wilson_interval(k1, n1, z), wilson_interval(k2, n2, z)
    if w1 is None or w2 is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - w1[0]) ** 2 + (w2[1] - p2) ** 2)
    high = d + math.sqrt((w1[1] - p1) ** 2 + (p2 - w2[0]) ** 2)
    return d, low, high


def mean_interval_from_se(se: float, n: int, level: float = 0.95) -> float:
    """The margin t_{1−α/2, n−1} × SE of a mean from n values (0 below 2 values)."""
    if n < 2:
        return 0.0
    return t_quantile(0.5 + level / 2, n - 1) * se


def holm(p_values: dict[str, float]) -> dict[str, float]:
    """Holm's step-down adjusted p-values (Holm 1979, "A simple sequentially rejective
    multiple test procedure", Scandinavian Journal of Statistics 6:65-70): sort the m p-values
    ascending, p'_(i) = max_{j <= i} min(1, (m − j + 1) p_(j)). Rejecting where p' < α keeps
    the chance of any false "meaningful" in the family at most α."""
    ordered = sorted(p_values.items(), key=lambda kv: kv[1])
    m_count = len(ordered)
    out: dict[str, float] = {}
    running = 0.0
    for i, (key, p) in enumerate(ordered):
        running = max(running, min(1.0, (m_count - i) * p))
        out[key] = running
    return out


def csat_pct(top_two: int, answered: int) -> float | None:
    """CSAT = 100 × answers of 4 or 5 / all answers on the 1-5 scale (top-two-box share)."""
    return _pct(top_two, answered)


def ces_mean(total: float, answered: int) -> float | None:
    """Customer effort, mean on 1-7 where 7 = very easy (higher is better): Σ ces / n."""
    return None if not answered else total / answered


def ces_easy_pct(easy: int, answered: int) -> float | None:
    """Share of easy answers = 100 × answers of 5, 6 or 7 / all answers (7 = very easy)."""
    return _pct(easy, answered)


def rating_index(sums_and_counts: list[tuple[float, int]]) -> float | None:
    """Effectiveness / ease / emotion index on 0-100.

    Each dimension's mean rating on 1-7 is rescaled to 0-100 as 100 × (mean − 1) / 6, and the
    index is the plain average over the dimensions that have answers (in the spirit of
    Forrester's CX Index, which averages the three). ``None`` when no dimension has answers.
    """
    scaled = [100.0 * (total / count - 1.0) / 6.0 for total, count in sums_and_counts if count]
    return None if not scaled else sum(scaled) / len(scaled)


def churn_rate_pct(churned: int, base: int) -> float | None:
    """Churn rate = 100 × customers lost during the period / customers active at its start."""
    return _pct(churned, base)


def retention_rate_pct(churned: int, base: int) -> float | None:
    """Retention rate = 100 × (customers active at the start − those lost) / active at the start
    (= 100 − churn rate; new customers of the period are not counted)."""
    return _pct(base - churned, base)


def gross_revenue_retention_pct(capped_revenue: float, starting_revenue: float) -> float | None:
    """GRR = 100 × Σ_c min(R1_c, R0_c) / Σ_c R0_c over the customers with revenue R0_c > 0 in the
    base period; R1_c is the same customer's revenue in the following period. Capping at R0_c
    leaves expansion out, so GRR <= 100 and counts only churn and contraction."""
    return None if starting_revenue <= 0 else 100.0 * capped_revenue / starting_revenue


def net_revenue_retention_pct(retained_revenue: float, starting_revenue: float) -> float | None:
    """NRR = 100 × Σ_c R1_c / Σ_c R0_c over the customers with revenue in the base period
    (churn, contraction and expansion all count; new customers do not)."""
    return None if starting_revenue <= 0 else 100.0 * retained_revenue / starting_revenue


def revenue_per_customer(revenue: float, customers: int) -> float | None:
    """Revenue per customer = net revenue of the period / customers with revenue in it."""
    return None if not customers else revenue / customers


def monthly_churn_hazard(churn_events: int, customer_months: float) -> float | None:
    """Monthly churn rate as a hazard: churn events / customer-months of exposure.

    Exposure counts each customer's months as a customer within the window, so customers that
    arrived or left mid-window count for the part they were there. ``None`` without exposure.
    """
    return None if customer_months <= 0 else churn_events / customer_months


#: Default lifetime horizon of the CLV, in years (a workspace setting may change it).
CLV_HORIZON_YEARS = 5


def clv(monthly_revenue_per_customer: float | None, monthly_churn: float | None,
        gross_margin: float = 1.0, annual_discount_rate: float = 0.0,
        horizon_months: float = 12 * CLV_HORIZON_YEARS) -> float | None:
    """Customer lifetime value over a horizon: the margin a customer is expected to bring in
    the next ``horizon_months`` months, counting this month.

    CLV = Σ_{t=0}^{H−1} m q^t = m (1 − q^H) / (1 − q), with m = monthly revenue per customer ×
    gross margin (0-1), q = r / (1 + d), r = 1 − monthly churn (retention, geometric survival),
    d = the monthly discount rate (:func:`monthly_discount_rate`), H = the horizon in months;
    q = 1 (no churn, no discount) gives m × H. Margins arrive at the start of each month the
    customer is still there, so without discount and horizon this is m / churn, "monthly margin
    × expected lifetime" (the initial-margin form of Gupta & Lehmann 2003, "Customers as Assets",
    Journal of Interactive Marketing 17(1): m (1 + d) / (1 + d − r)). Always 0 <= CLV <= m × H.
    ``None`` without revenue or churn data.
    """
    if monthly_revenue_per_customer is None or monthly_churn is None:
        return None
    retention = 1.0 - min(max(monthly_churn, 0.0), 1.0)
    margin = monthly_revenue_per_customer * gross_margin
    months = max(math.floor(horizon_months), 0)
    q = retention / (1.0 + monthly_discount_rate(annual_discount_rate))
    if q >= 1.0:
        return margin * months
    return margin * (1.0 - q ** months) / (1.0 - q)


def clv_simple(monthly_revenue_per_customer: float | None, monthly_churn: float | None,
               gross_margin: float = 1.0,
               horizon_months: float = 12 * CLV_HORIZON_YEARS) -> float | None:
    """Undiscounted CLV: :func:`clv` with d = 0, i.e. monthly margin × Σ_{t<H} r^t (= monthly
    margin × expected lifetime 1 / churn when the horizon is long)."""
    return clv(monthly_revenue_per_customer, monthly_churn, gross_margin, 0.0, horizon_months)


def monthly_discount_rate(annual_rate: float) -> float:
    """The monthly rate equivalent to an annual discount rate: (1 + d_year)^(1/12) − 1."""
    return (1.0 + annual_rate) ** (1.0 / 12.0) - 1.0


def clv_discounted(monthly_revenue_per_customer: float | None, monthly_churn: float | None,
                   gross_margin: float, annual_discount_rate: float,
                   horizon_months: float = 12 * CLV_HORIZON_YEARS) -> float | None:
    """Discounted CLV: :func:`clv` with the annual discount rate turned monthly, so a margin
    t months away counts 1 / (1 + d)^t."""
    return clv(monthly_revenue_per_customer, monthly_churn, gross_margin, annual_discount_rate,
               horizon_months)


def target_status(value: float | None, target: float | None, warn_at: float | None = None,
                  higher_is_better: bool = True) -> str | None:
    """Traffic light for a metric: "green" when it meets the target, "yellow" when it misses it
    but is no worse than ``warn_at``, "red" otherwise; ``None`` without a value or target.

    Without ``warn_at`` the yellow band is 10% of |target| (at least 1 unit) wide.
    """
    if value is None or target is None:
        return None
    if warn_at is None:
        band = max(abs(target) * 0.10, 1.0)
        warn_at = target - band if higher_is_better else target + band
    if higher_is_better:
        if value >= target:
            return "green"
        return "yellow" if value >= warn_at else "red"
    if value <= target:
        return "green"
    return "yellow" if value <= warn_at else "red"
