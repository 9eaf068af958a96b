"""The revenue side of the scorecard: net revenue, upsells and the GRR/NRR cohort (see the
definitions in :mod:`cxcore.scorecard`), from the customer × month rollup when the windows
are whole months, from the raw events otherwise."""

from __future__ import annotations

from datetime import date
from typing import Any

from cxcore.period import Period, add_months
from cxcore.scorecard.base import NET_AMOUNT, _filters


def _customer_filter(segment: str | None, channel: str | None, params: dict[str, Any]) -> str:
    """The ``and customer_id in (...)`` clause for a segment/channel filter (empty without one),
    adding its named parameters to ``params``."""
    if segment is None and channel is None:
        return ""
    fwhere, _ = _filters(segment, channel, named=True)
    params.update({k: v for k, v in (("segment", segment), ("channel", channel))
                   if v is not None})
    return f" and customer_id in (select id from customers where {fwhere})"

def _revenue_windows(period: Period, as_of: str | None) -> tuple[str, str, str] | None:
    """(base start, period start, period end) for GRR/NRR; ``all`` = last 12 months of data.

    The cohort is the customers paying in [base start, period start) who were customers before
    base start; NRR/GRR compare their revenue in [period start, period end) with it."""
    if period.is_all:
        if as_of is None:
            return None
        last = date.fromisoformat(as_of)
        end = add_months(date(last.year, last.month, 1), 1)
        start = add_months(end, -12)
        return add_months(start, -12).isoformat(), start.isoformat(), end.isoformat()
    prev = period.previous()
    return prev.start, period.start, period.end  # type: ignore[union-attr,return-value]


def _month_aligned(*days: str | None) -> bool:
    return all(d is not None and d[8:10] == "01" for d in days)


def _revenue_sql(period: Period, windows: tuple[str, str, str], segment: str | None,
                 channel: str | None, rolled: bool = True) -> tuple[str, dict]:
    """Base (R0) and period (R1) revenue per customer, then totals: from the customer × month
    rollup (``rollup_revenue`` of :mod:`cxcore.rollups`) when the windows start on the 1st of
    a month (years, quarters, months, all), from the raw events otherwise (date ranges)."""
    if not rolled or not _month_aligned(*windows):
        return _revenue_events_sql(period, windows, segment, channel)
    base_start, start, end = windows
    params: dict[str, Any] = {"base_start": base_start[:7], "start": start[:7],
                              "end": end[:7]}
    lower = "1" if period.is_all else "month >= :base_start and month < :end"
    cust_filter = _customer_filter(segment, channel, params)
    if period.is_all:
        period_sums = "sum(net) as p, sum(n) as pn, sum(iif(kind = 'upsell', amount, null)) as up"
    else:
        period_sums = ("sum(iif(month >= :start, net, null)) as p, "
                       "sum(iif(month >= :start, n, 0)) as pn, "
                       "sum(iif(month >= :start and kind = 'upsell', amount, null)) as up")
    # The cohort test of _revenue_events_sql, with each customer's first revenue date kept
    # in rollup_revenue_customers; months compare as 'YYYY-MM' text.
    since = ("(select min(coalesce(s, f), coalesce(f, s)) from "
             "(select (select start_date from customers where id = t.customer_id) as s, "
             "(select first_date from rollup_revenue_customers f "
             "where f.customer_id = t.customer_id) as f))")
    sql = (
        "with t as materialized (select customer_id, "
        " sum(iif(month >= :base_start and month < :start, net, null)) as r0, "
        " sum(iif(month >= :start and month < :end, net, null)) as r1, "
        f" {period_sums} "
        f" from rollup_revenue where {lower}{cust_filter} group by customer_id), "
        f"c as materialized (select t.*, (r0 > 0 and {since} < :base_start_day) as k from t) "
        "select sum(iif(k, r0, null)) as r0, "
        "sum(iif(k, max(coalesce(r1, 0), 0), null)) as r1, "
        "sum(iif(k, min(max(coalesce(r1, 0), 0), r0), null)) as r1_capped, "
        "sum(k) as cohort, sum(r0 > 0) as base_payers, "
        "sum(iif(pn > 0, p, null)) as revenue, sum(pn > 0) as paying_customers, "
        "sum(up) as upsell from c")
    params["base_start_day"] = base_start
    return sql, params


def _revenue_events_sql(period: Period, windows: tuple[str, str, str], segment: str | None,
                        channel: str | None) -> tuple[str, dict]:
    """One pass over revenue events grouped by customer: base (R0) and period (R1) revenue."""
    base_start, start, end = windows
    lower = "1" if period.is_all else "date >= :base_start and date < :end"
    params: dict[str, Any] = {"base_start": base_start, "start": start, "end": end}
    cust_filter = _customer_filter(segment, channel, params)
    if period.is_all:
        # Whole history: the period's revenue is every event's.
        period_sums = (f"sum({NET_AMOUNT}) as p, count(*) as pn, "
                       "sum(iif(kind = 'upsell', amount, null)) as up")
    else:
        period_sums = ("sum(iif(date >= :start, net, null)) as p, "
                       "sum(date >= :start) as pn, "
                       "sum(iif(date >= :start and kind = 'upsell', amount, null)) as up")
        period_sums = period_sums.replace("net", NET_AMOUNT)
    # The cohort: customers with revenue in the base window who were already customers when
    # it began (start date, or their first revenue event, before it), so that both windows
    # cover each of them for their whole length.
    since = ("(select min(coalesce(s, f), coalesce(f, s)) from "
             "(select (select start_date from customers where id = t.customer_id) as s, "
             "(select min(date) from revenue_events e where e.customer_id = t.customer_id) "
             "as f))")
    # Materialized so the cohort test runs once per customer, not once per use below.
    sql = (
        "with t as materialized (select customer_id, "
        f" sum(iif(date >= :base_start and date < :start, {NET_AMOUNT}, null)) as r0, "
        f" sum(iif(date >= :start and date < :end, {NET_AMOUNT}, null)) as r1, "
        f" {period_sums} "
        f" from revenue_events where {lower}{cust_filter} group by customer_id), "
        f"c as materialized (select t.*, (r0 > 0 and {since} < :base_start) as k from t) "
        "select sum(iif(k, r0, null)) as r0, "
        "sum(iif(k, max(coalesce(r1, 0), 0), null)) as r1, "
        "sum(iif(k, min(max(coalesce(r1, 0), 0), r0), null)) as r1_capped, "
        "sum(k) as cohort, sum(r0 > 0) as base_payers, "
        "sum(iif(pn > 0, p, null)) as revenue, sum(pn > 0) as paying_customers, "
        "sum(up) as upsell from c")
    return sql, params

