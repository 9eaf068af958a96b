"""The customer side of the scorecard: customers active, churn base, churned, exposure and
new customers of a period; snapshot customer files (left-truncated: churn observed in their
last month only); retention by start-month cohort."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from cxcore import metrics as m
from cxcore.period import Period, add_months, parse_period
from cxcore.scorecard.base import _filters, _i, _row, data_range

if TYPE_CHECKING:
    from cxcore.workspace import WorkspaceSession


def _customer_sql(period: Period, as_of_end: str, segment: str | None,
                  channel: str | None) -> tuple[str, list]:
    """Customers active, churn base, churned, exposure (customer-months) and new customers."""
    fwhere, _ = _filters(segment, channel, named=True)
    start = period.start or "0000-01-01"
    end = period.end or as_of_end
    known = "not (churned = 1 and end_date is null)"
    started = "coalesce(start_date, '0000-01-01')"
    if period.is_all:
        churned = "sum(churned = 1 or end_date is not null)"
        base = "count(*)"
        events = churned
    else:
        base = f"sum({started} < :start and (end_date is null or end_date >= :start) and {known})"
        churned = (f"sum({started} < :start and end_date >= :start and end_date < :end)")
        events = "sum(end_date >= :start and end_date < :end)"
    # Exposure: days inside [start, end) while a customer; unknown-date churners until the end.
    exposure = (f"sum(max(0, julianday(min(coalesce(end_date, :end), :end)) - "
                f"julianday(max({started}, :start))))")
    sql = (f"select count(*) as customers, {base} as churn_base, {churned} as churned, "
           f"{events} as churn_events, {exposure} as exposure_days, "
           f"sum({started} >= :start and {started} < :end) as new_customers, "
           f"sum({started} >= :start and {started} < :end and referred_by is not null "
           f"and referred_by != '') as referrals, "
           f"sum(referred_by is not null and referred_by != '') as referral_data, "
           f"avg(monthly_revenue) as avg_monthly_revenue "
           f"from customers where {started} < :end and coalesce(end_date, :end) >= :start"
           f" and {fwhere}")
    params: dict[str, Any] = {"start": start, "end": end}
    if segment is not None:
        params["segment"] = segment
    if channel is not None:
        params["channel"] = channel
    return sql, params  # type: ignore[return-value]



#: Written by :func:`cxcore.importers.commit_import` for a snapshot customer file.
SNAPSHOT_SETTING = "customer_snapshot"


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    last = (add_months(date(year, month, 1), 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def customer_snapshot(session: WorkspaceSession) -> dict[str, Any] | None:
    """The snapshot the workspace's customers come from, or None (dated customer records).

    A snapshot customer file has tenure and a churn flag but no end dates (like IBM's telco
    sample: "left within the last month"). It only holds customers who were still there a
    month before its reference date R: whoever left earlier is missing (the data is
    left-truncated). So churn is observed in one window only, the month up to R:
    ``window_start`` = R − 1 month + 1 day to ``window_end`` = R + 1 day (exclusive).
    ``default_period`` is the calendar month that contains R, whose churn base (customers who
    started before the month) and churners (end date R) are exactly that window's.
    None when the snapshot's import was undone."""
    stored = session.setting(SNAPSHOT_SETTING)
    if not isinstance(stored, dict) or not stored.get("reference_date"):
        return None
    batch = session.db.execute("select undone_at from import_batches where id = ?",
                               [stored.get("batch_id")]).fetchone()
    if batch is None or batch[0]:
        return None
    ref = date.fromisoformat(str(stored["reference_date"])[:10])
    start = _months_before(ref, 1) + timedelta(days=1)
    return {"reference_date": ref.isoformat(), "window_start": start.isoformat(),
            "window_end": (ref + timedelta(days=1)).isoformat(),
            "default_period": f"{ref.year:04d}-{ref.month:02d}"}


def churn_observed(period: Period, snapshot: dict[str, Any] | None) -> bool:
    """Whether a snapshot lets ``period`` show churn: the period starts within the snapshot's
    window and contains its reference date. Always True without a snapshot."""
    if snapshot is None:
        return True
    if period.is_all:
        return False
    return (snapshot["window_start"] <= period.start <= snapshot["reference_date"]  # type: ignore[operator]
            < period.end)  # type: ignore[operator]


def snapshot_words(snapshot: dict[str, Any], show_day: Any = str) -> str:
    """Left-truncation in plain words, for the page and the report."""
    ref = show_day(snapshot["reference_date"])
    return (f"Your customer list is a snapshot taken on {ref}: it holds the customers who were "
            f"still customers a month before that day, and whether they left in that last "
            f"month. Customers who left earlier are not in the file at all, so churn can only "
            f"be measured for that last month ({snapshot['default_period']}); earlier periods "
            f"show churn as not observed, not as 0 %. Lifetime values use that month's churn.")



def _apply_snapshot(out: dict[str, Any], session: WorkspaceSession, per: Period,
                    as_of_end: str, segment: str | None, channel: str | None,
                    finance: dict[str, float]) -> None:
    """Churn only where the snapshot observes it; CLV from the snapshot window's churn."""
    snapshot = customer_snapshot(session)
    out["snapshot"] = None
    if snapshot is None:
        return
    observed = churn_observed(per, snapshot)
    out["snapshot"] = {**snapshot, "churn_observed": observed}
    window = parse_period(f"{snapshot['window_start']}..{snapshot['reference_date']}")
    cust = _row(session.db, *_customer_sql(window, as_of_end, segment, channel))
    base, churned = _i(cust.get("churn_base")), _i(cust.get("churned"))
    monthly = m.churn_rate_pct(churned, base)  # the window is one month long
    out["monthly_churn_pct"] = monthly
    out["clv_churn_source"] = "snapshot"
    if not observed:
        out.update(churn_base=None, churned=None, churn_rate_pct=None,
                   retention_rate_pct=None)
    rate = None if monthly is None else monthly / 100.0
    rpc = out.get("monthly_revenue_per_customer")
    out["clv"] = m.clv_simple(rpc, rate, finance["gross_margin_pct"] / 100.0,
                              12 * finance["clv_horizon_years"])
    out["clv_discounted"] = m.clv_discounted(rpc, rate, finance["gross_margin_pct"] / 100.0,
                                             finance["annual_discount_rate_pct"] / 100.0,
                                             12 * finance["clv_horizon_years"])



#: Per month of the customers' dates: joined (dated customers whose leaving is known), ended,
#: and churned (ended after starting before the month), for customers matching ``{where}``.
CUSTOMER_MONTHS_SQL = (
    "select month, sum(joined), sum(ended), sum(churned) from ("
    " select substr(start_date, 1, 7) as month, 1 as joined, 0 as ended, 0 as churned "
    " from customers where start_date is not null and not (churned = 1 and end_date is null) "
    " and {where} union all"
    " select substr(end_date, 1, 7), 0, 1, start_date < substr(end_date, 1, 7) || '-01' "
    " from customers where end_date is not null and start_date is not null and {where}"
    ") group by 1")



def cohort_retention(session: WorkspaceSession, max_cohorts: int = 24) -> list[dict[str, Any]]:
    """Retention by start-month cohort: for each cohort (the latest ``max_cohorts``) and each
    month offset k = 0, 1, ... up to the last month of data, the share of the cohort still a
    customer on the first day of the k-th month after its start month (i.e. ``end_date`` is
    empty or on/after that day). Customers flagged churned without an ``end_date`` are left out
    (their leaving month is unknown). Rows: cohort, offset, cohort_size, retained, retained_pct.
    """
    _, hi = data_range(session)
    if hi is None or customer_snapshot(session) is not None:
        return []  # a snapshot has lost everyone who left before its last month
    last = date.fromisoformat(hi)
    last_index = last.year * 12 + last.month - 1
    index = "(cast(substr({0}, 1, 4) as integer) * 12 + cast(substr({0}, 6, 2) as integer) - 1)"
    rows = session.db.execute(
        f"select substr(start_date, 1, 7) as cohort, "
        f" case when end_date is null then null else {index.format('end_date')} - "
        f" {index.format('start_date')} end as lifetime, count(*) "
        "from customers where start_date is not null and not (churned = 1 and end_date is null) "
        "group by 1, 2").fetchall()
    cohorts: dict[str, dict[int | None, int]] = {}
    for cohort, lifetime, count in rows:
        cohorts.setdefault(cohort, {})[lifetime] = count
    out = []
    for cohort in sorted(cohorts)[-max_cohorts:]:
        hist = cohorts[cohort]
        size = sum(hist.values())
        cohort_index = int(cohort[:4]) * 12 + int(cohort[5:7]) - 1
        for offset in range(0, last_index - cohort_index + 1):
            retained = sum(n for life, n in hist.items() if life is None or life >= offset)
            out.append({"cohort": cohort, "offset": offset, "cohort_size": size,
                        "retained": retained, "retained_pct": 100.0 * retained / size})
    return out
