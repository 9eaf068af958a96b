"""The scorecard's metrics: how each is labelled, shown, compared and judged, and what to
import to see it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricDef:
    """How a scorecard metric is shown, compared and judged against a target."""

    key: str
    label: str
    unit: str            # "pts", "%", "/7", "money", "count"
    higher_is_better: bool
    hard: bool           # hard (business) metric, or soft (perception)
    test: str | None     # "nps", "proportion", "mean" or None (not tested)
    help: str


METRICS: tuple[MetricDef, ...] = (
    MetricDef("nps", "NPS", "pts", True, False, "nps",
              "Net Promoter Score: the % of promoters (9-10) minus the % of detractors (0-6), "
              "from -100 to 100."),
    MetricDef("csat_pct", "CSAT", "%", True, False, "proportion",
              "The share of answers that are satisfied: 4 or 5 on a 1-5 scale."),
    MetricDef("ces_mean", "Customer effort", "/7", True, False, "mean",
              "The average effort answer on 1-7 where 7 = very easy (higher is better)."),
    MetricDef("rating_index", "CX index", "pts", True, False, None,
              "The effectiveness, ease and emotion ratings (1-7) averaged on a 0-100 scale."),
    MetricDef("enps", "eNPS", "pts", True, False, "nps",
              "Employee NPS from the pulse survey: would staff recommend working here, "
              "-100 to 100."),
    MetricDef("retention_rate_pct", "Retention", "%", True, True, "proportion",
              "The share of customers at the start of the period still customers at its end."),
    MetricDef("churn_rate_pct", "Churn", "%", False, True, "proportion",
              "The share of customers at the start of the period who left during it."),
    MetricDef("nrr_pct", "Net revenue retention", "%", True, True, None,
              "What the customers who paid throughout the period before pay now, incl. "
              "upsells, minus downgrades and those who left, as a % of what they paid then. "
              "Customers who joined during the period before are not counted."),
    MetricDef("grr_pct", "Gross revenue retention", "%", True, True, None,
              "Like net revenue retention, but upsells don't count: only what was lost to "
              "leavers and downgrades (at most 100 %)."),
    MetricDef("revenue_per_customer", "Revenue per customer", "money", True, True, None,
              "What a paying customer paid on average in the period (net revenue / customers "
              "with revenue)."),
    MetricDef("clv", "Customer lifetime value", "money", True, True, None,
              "The gross margin a customer is expected to bring over the lifetime horizon "
              "(default 5 years), from today's monthly revenue and monthly churn; with the "
              "gross margin at 100 % it is revenue."),
    MetricDef("clv_discounted", "Discounted CLV", "money", True, True, None,
              "The same lifetime margin in today's money: each future month discounted at "
              "the annual discount rate."),
    MetricDef("expansion_revenue", "Upsell revenue", "money", True, True, None,
              "The revenue from upsell events in the period."),
    MetricDef("referrals", "Referred customers", "count", True, True, None,
              "How many new customers of the period came by referral from a customer."),
)
METRIC_BY_KEY = {d.key: d for d in METRICS}


#: What to import to see a metric that has no data.
NEEDS = {
    "nps": "survey responses with an NPS answer", "csat_pct": "survey responses with CSAT",
    "ces_mean": "survey responses with customer effort",
    "rating_index": "survey responses with effectiveness, ease or emotion ratings",
    "enps": "employee pulse answers", "retention_rate_pct": "customers with start dates",
    "churn_rate_pct": "customers with start dates",
    "nrr_pct": "revenue from customers who paid throughout the period before",
    "grr_pct": "revenue from customers who paid throughout the period before",
    "revenue_per_customer": "revenue events",
    "clv": "customers and revenue events", "clv_discounted": "customers and revenue events",
    "expansion_revenue": "revenue events with upsells",
    "referrals": "customers with a 'referred by' column"}

