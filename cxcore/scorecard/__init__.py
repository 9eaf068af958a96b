"""The hard-plus-soft scorecard: SQL aggregates over a workspace's responses, pulse answers,
customers and revenue events, turned into metrics by :mod:`cxcore.metrics`.

The package, by concept: :mod:`~cxcore.scorecard.catalogue` (the metrics),
:mod:`~cxcore.scorecard.base` (filters, rollup freshness, data range),
:mod:`~cxcore.scorecard.responses` (survey and pulse), :mod:`~cxcore.scorecard.customers`
(churn, retention, snapshot files, cohorts), :mod:`~cxcore.scorecard.revenue` (revenue,
GRR/NRR), :mod:`~cxcore.scorecard.card` (the card of a period), :mod:`~cxcore.scorecard.trends`
(trend, breakdowns, value by NPS group), :mod:`~cxcore.scorecard.compare` (changes and their
tests), :mod:`~cxcore.scorecard.settings` (targets, finance, small samples) and
:mod:`~cxcore.scorecard.format` (values and sentences for people). Every public name is
importable from ``cxcore.scorecard``.

Periods
    A :class:`cxcore.period.Period`, parsed once at the edge (page, CLI) and passed down;
    functions here still accept its text for compatibility.

Definitions (the docstrings of the functions below repeat the ones they compute)
    *Active customer in a period*: ``start_date`` before the period's end and no ``end_date``
    before its start. *Customers at the start* (churn base): started before the period and not
    ended before it. *Churned in the period*: a base customer whose ``end_date`` falls in it.
    Customers flagged ``churned`` without an ``end_date`` cannot be placed in time: they count as
    churned for ``all`` and are left out of the churn base of dated periods.

    *Net revenue*: ``amount`` for kinds new, renewal and upsell; ``−|amount|`` for downgrade and
    refund. *GRR / NRR* (the standard cohort definition, like for like): the base period is the
    window of the same length just before the period; the cohort is the customers with positive
    net revenue R0 in it who were already customers when it began (their ``start_date``, or
    their first revenue event, is before it). R1 is a cohort customer's net revenue in the
    period, so it includes expansion and loses contraction and churn (a churned customer has
    R1 = 0; new customers of the period are not in the cohort). NRR = Σ max(R1, 0) / Σ R0;
    GRR = Σ min(max(R1, 0), R0) / Σ R0, the same capped so that no expansion counts (GRR ≤ 100 %).
    Customers who joined during the base period are left out of the cohort: they paid for only
    part of it, so their growth into a full period would count as expansion and push NRR far
    above 100 % in a young or fast-growing book. For ``all`` the period is the last 12 months of
    data and the base the 12 months before. ``revenue_cohort`` says how many customers the
    cohort holds.

    *Monthly churn* (for CLV) = churn events in the window / customer-months of exposure in it;
    *monthly revenue per customer* = net revenue in the window / customer-months (or, with no
    revenue events, the average ``monthly_revenue`` of active customers).
"""

from __future__ import annotations

from cxcore.period import DAYS_PER_MONTH, Period, add_months, parse_period, previous_period
from cxcore.scorecard.base import (
    NET_AMOUNT,
    NOT_SET,
    RAW_FINGERPRINT_SQL,
    _filters,
    _i,
    _row,
    _window,
    data_range,
    next_day,
    rollups_fresh,
)
from cxcore.scorecard.card import (
    _hard_metrics,
    available_periods,
    bare_sql,
    default_period,
    scorecard,
)
from cxcore.scorecard.catalogue import METRIC_BY_KEY, METRICS, NEEDS, MetricDef
from cxcore.scorecard.compare import TESTS_NOTE, Change, compare
from cxcore.scorecard.customers import (
    CUSTOMER_MONTHS_SQL,
    SNAPSHOT_SETTING,
    _apply_snapshot,
    _customer_sql,
    churn_observed,
    cohort_retention,
    customer_snapshot,
    snapshot_words,
)
from cxcore.scorecard.format import (
    BREAKDOWN_COLUMNS,
    INTERVALS,
    breakdown_table,
    caveats,
    clv_words,
    format_change,
    format_interval,
    format_value,
    metric_interval_text,
    metric_with_interval,
    period_words,
    revenue_retention_words,
)
from cxcore.scorecard.responses import (
    RESPONSE_AGGREGATE,
    ROLLUP_AGGREGATE,
    _pulse_sql,
    _response_sql,
    _soft_metrics,
)
from cxcore.scorecard.revenue import (
    _month_aligned,
    _revenue_events_sql,
    _revenue_sql,
    _revenue_windows,
)
from cxcore.scorecard.settings import (
    DEFAULT_FINANCE,
    FINANCE_SETTING,
    SMALL_SAMPLE_SETTING,
    TARGETS_SETTING,
    finance_settings,
    save_settings,
    set_finance_settings,
    set_small_sample_threshold,
    set_targets,
    small_sample_threshold,
    status,
    targets,
)
from cxcore.scorecard.trends import breakdown, monthly_trend, value_by_nps_group

_add_months = add_months  # the old private name, still used by a few callers

__all__ = [
    "BREAKDOWN_COLUMNS",
    "CUSTOMER_MONTHS_SQL",
    "DAYS_PER_MONTH",
    "DEFAULT_FINANCE",
    "FINANCE_SETTING",
    "INTERVALS",
    "METRICS",
    "METRIC_BY_KEY",
    "NEEDS",
    "NET_AMOUNT",
    "NOT_SET",
    "RAW_FINGERPRINT_SQL",
    "RESPONSE_AGGREGATE",
    "ROLLUP_AGGREGATE",
    "SMALL_SAMPLE_SETTING",
    "SNAPSHOT_SETTING",
    "TARGETS_SETTING",
    "TESTS_NOTE",
    "Change",
    "MetricDef",
    "Period",
    # private helpers the benchmark, the drivers and the tests use
    "_add_months",
    "_apply_snapshot",
    "_customer_sql",
    "_filters",
    "_hard_metrics",
    "_i",
    "_month_aligned",
    "_pulse_sql",
    "_response_sql",
    "_revenue_events_sql",
    "_revenue_sql",
    "_revenue_windows",
    "_row",
    "_soft_metrics",
    "_window",
    "available_periods",
    "bare_sql",
    "breakdown",
    "breakdown_table",
    "caveats",
    "churn_observed",
    "clv_words",
    "cohort_retention",
    "compare",
    "customer_snapshot",
    "data_range",
    "default_period",
    "finance_settings",
    "format_change",
    "format_interval",
    "format_value",
    "metric_interval_text",
    "metric_with_interval",
    "monthly_trend",
    "next_day",
    "parse_period",
    "period_words",
    "previous_period",
    "revenue_retention_words",
    "rollups_fresh",
    "save_settings",
    "scorecard",
    "set_finance_settings",
    "set_small_sample_threshold",
    "set_targets",
    "small_sample_threshold",
    "snapshot_words",
    "status",
    "targets",
    "value_by_nps_group",
]

