"""The scorecard over time and across groups: the monthly trend, breakdowns by segment or
channel, and the value of customers by NPS group."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from cxcore import metrics as m
from cxcore.errors import Problem, ValidationError
from cxcore.period import Period, parse_period
from cxcore.scorecard.base import (
    NET_AMOUNT,
    NOT_SET,
    _filters,
    _i,
    _window,
    data_range,
    rollups_fresh,
)
from cxcore.scorecard.customers import (
    CUSTOMER_MONTHS_SQL,
    _customer_sql,
    churn_observed,
    customer_snapshot,
)
from cxcore.scorecard.responses import _response_sql, _soft_metrics
from cxcore.scorecard.revenue import _month_aligned

if TYPE_CHECKING:
    from cxcore.workspace import WorkspaceSession



def _soft_by_group(db, sql: str, params: dict, keys: tuple[str, ...]) -> dict[str, dict]:
    """Run a grouped responses statement (its ``grp`` column names the group) and keep
    ``keys`` of each group's survey metrics (:func:`_soft_metrics`)."""
    cursor = db.execute(sql, params)
    names = [c[0] for c in cursor.description]
    out = {}
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        soft = _soft_metrics(row, {})
        out[row["grp"]] = {k: soft[k] for k in keys}
    return out

def monthly_trend(session: WorkspaceSession, period: str | Period = "all", *,
                  segment: str | None = None, channel: str | None = None) -> list[dict[str, Any]]:
    """Per calendar month of ``period``: responses, NPS with its adjusted-Wald interval
    (``nps_low``/``nps_high``), CSAT, CES mean, net revenue, churn base, churned and churn rate,
    oldest month first. Months without survey answers have ``nps`` None.

    Monthly churn follows the module definition: the base is customers active on the 1st of the
    month (dated churn only), churned are those whose ``end_date`` falls in the month.
    """
    per = parse_period(period)
    db = session.db
    months: dict[str, dict[str, Any]] = {}
    rolled = rollups_fresh(db)
    sql, params = _response_sql(per, segment, channel, rolled=rolled,
                                group_by=f"substr({'day' if rolled else 'date'}, 1, 7)")
    months.update(_soft_by_group(db, sql, params, (
        "responses", "nps_n", "nps", "nps_moe", "nps_low", "nps_high", "csat_pct", "csat_n",
        "ces_mean", "promoters_pct", "detractors_pct")))
    cust_filter, cparams = "", []
    if segment is not None or channel is not None:
        fwhere, cparams = _filters(segment, channel)
        cust_filter = f" and customer_id in (select id from customers where {fwhere})"
    # Net revenue per month from the customer × month rollup (a date range's partial months
    # from the raw events).
    if rolled and (per.is_all or _month_aligned(per.start, per.end)):
        where, wparams = _window(Period(per.label, per.start and per.start[:7],
                                        per.end and per.end[:7], per.grain), "month")
        revenue_sql = (f"select month, sum(net) from rollup_revenue where {where}{cust_filter} "
                       "group by 1")
    else:
        where, wparams = _window(per)
        revenue_sql = (f"select substr(date, 1, 7), sum({NET_AMOUNT}) from revenue_events "
                       f"where {where}{cust_filter} group by 1")
    for month, revenue in db.execute(revenue_sql, wparams + cparams).fetchall():
        months.setdefault(month, {})["revenue"] = revenue
    # Joined, ended and churned (ended after a start before the month) per month, from the
    # customer state rollup: the churn base of a month is everyone joined minus ended before it.
    fwhere, fparams = _filters(segment, channel)
    starts: dict[str, int] = {}
    ends: dict[str, tuple[int, int]] = {}
    sql = ("select month, sum(joined), sum(ended), sum(churned) from rollup_customer_months "
           f"where {fwhere} group by 1") if rolled else CUSTOMER_MONTHS_SQL.format(where=fwhere)
    for month, joined, total, prior in db.execute(sql, fparams if rolled else fparams * 2):
        if joined:
            starts[month] = joined
        if total:
            ends[month] = (total, prior or 0)
    all_months = sorted(set(starts) | set(ends) | set(months))
    started_before = ended_before = 0
    for month in all_months:
        base = started_before - ended_before
        churned = ends.get(month, (0, 0))[1]
        if per.is_all or (per.start[:7] <= month < per.end[:7]):  # type: ignore[index]
            entry = months.setdefault(month, {})
            entry["churn_base"] = base
            entry["churned"] = churned
            entry["churn_rate_pct"] = m.churn_rate_pct(churned, base)
        started_before += starts.get(month, 0)
        ended_before += ends.get(month, (0, 0))[0]
    empty = {"responses": 0, "nps_n": 0, "nps": None, "nps_moe": None, "nps_low": None,
             "nps_high": None, "csat_pct": None, "csat_n": 0, "ces_mean": None,
             "promoters_pct": None, "detractors_pct": None, "revenue": None,
             "churn_base": 0, "churned": 0, "churn_rate_pct": None}
    rows = [{"month": month, **empty, **months[month]} for month in sorted(months)]
    snapshot = customer_snapshot(session)
    if snapshot is not None:  # a snapshot sees churn in its last month only
        for row in rows:
            if not churn_observed(parse_period(row["month"]), snapshot):
                row.update(churn_base=None, churned=None, churn_rate_pct=None)
    return rows


def breakdown(session: WorkspaceSession, by: str, period: str | Period = "all"
              ) -> list[dict[str, Any]]:
    """Metrics per segment or channel (``by``): survey metrics grouped by the response's own
    segment/channel, customer metrics (customers, churn, retention) by the customer's.
    Missing values are grouped as "(not set)". Sorted by number of responses, then customers."""
    if by not in ("segment", "channel"):
        raise ValidationError(Problem("by", "must be 'segment' or 'channel'"))
    per = parse_period(period)
    db = session.db
    groups: dict[str, dict[str, Any]] = {}
    group = f"coalesce(nullif({by}, ''), '{NOT_SET}')"
    sql, params = _response_sql(per, None, None, group_by=group, rolled=rollups_fresh(db))
    groups.update(_soft_by_group(db, sql, params, (
        "responses", "nps_n", "nps", "nps_moe", "nps_low", "nps_high", "csat_pct",
        "ces_mean")))
    _, hi = data_range(session)
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat() if hi else "9999-12-31"
    sql, cparams = _customer_sql(per, as_of_end, None, None)
    sql = sql.replace("select count(*)", f"select {group} as grp, count(*)", 1)
    cursor = db.execute(sql + " group by grp", cparams)
    names = [c[0] for c in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        base, churned = _i(row["churn_base"]), _i(row["churned"])
        groups.setdefault(row["grp"], {}).update({
            "customers": _i(row["customers"]),
            "churn_rate_pct": m.churn_rate_pct(churned, base),
            "retention_rate_pct": m.retention_rate_pct(churned, base)})
    empty = {"responses": 0, "nps_n": 0, "nps": None, "nps_moe": None, "nps_low": None,
             "nps_high": None, "csat_pct": None, "ces_mean": None, "customers": 0,
             "churn_rate_pct": None, "retention_rate_pct": None}
    rows = [{by: key, **empty, **value} for key, value in groups.items()]
    if not churn_observed(per, customer_snapshot(session)):
        for row in rows:
            row.update(churn_rate_pct=None, retention_rate_pct=None)
    return sorted(rows, key=lambda r: (-r["responses"], -r["customers"], str(r[by])))


def value_by_nps_group(session: WorkspaceSession, period: str | Period = "all"
                       ) -> list[dict[str, Any]]:
    """Financial value of customers by NPS group, each customer placed by their latest answer
    (by date) within ``period``: customers, retention (share not churned: no ``end_date`` and not
    flagged), average monthly revenue (customer field), and net revenue per customer from revenue
    events in ``period``. One row per group that has customers: promoter, passive, detractor."""
    per = parse_period(period)
    where, params = _window(per)
    rev_where, rev_params = _window(per)
    sql = (
        "with latest as (select customer_id, nps, max(date) from responses "
        f" where customer_id is not null and nps is not null and {where} group by customer_id), "
        "grouped as (select case when nps >= 9 then 'promoter' when nps >= 7 then 'passive' "
        " else 'detractor' end as nps_group, customer_id from latest), "
        f"rev as (select customer_id, sum({NET_AMOUNT}) as revenue from revenue_events "
        f" where {rev_where} and customer_id in (select customer_id from latest) "
        " group by customer_id) "
        "select g.nps_group, count(*) as customers, "
        " sum(c.id is not null and c.end_date is null and coalesce(c.churned, 0) = 0) as active, "
        " sum(c.id is not null) as known, avg(c.monthly_revenue) as avg_monthly_revenue, "
        " sum(r.revenue) as revenue, count(r.revenue) as paying "
        "from grouped g left join customers c on c.id = g.customer_id "
        "left join rev r on r.customer_id = g.customer_id group by g.nps_group")
    rows = {r[0]: r for r in session.db.execute(sql, params + rev_params).fetchall()}
    out = []
    for group in ("promoter", "passive", "detractor"):
        if group not in rows:
            continue
        _, customers, active, known, avg_mrr, revenue, _paying = rows[group]
        out.append({
            "nps_group": group, "customers": customers,
            "retention_pct": m.retention_rate_pct(_i(known) - _i(active), _i(known)),
            "avg_monthly_revenue": avg_mrr,
            "revenue": revenue,
            "revenue_per_customer": (None if revenue is None else revenue / customers),
        })
    return out

