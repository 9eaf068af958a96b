"""The scorecard of a period: every metric on one flat card, plus the periods the data covers
and the one the scorecard opens on."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from cxcore import metrics as m
from cxcore.period import DAYS_PER_MONTH, Period, add_months, parse_period
from cxcore.scorecard.base import _i, _row, data_range, next_day, rollups_fresh
from cxcore.scorecard.customers import _apply_snapshot, _customer_sql, customer_snapshot
from cxcore.scorecard.responses import _pulse_sql, _response_sql, _soft_metrics
from cxcore.scorecard.revenue import _revenue_sql, _revenue_windows
from cxcore.scorecard.settings import finance_settings

if TYPE_CHECKING:
    from cxcore.workspace import WorkspaceSession


def scorecard(session: WorkspaceSession, period: str | Period = "all", *,
              segment: str | None = None, channel: str | None = None) -> dict[str, Any]:
    """The scorecard of ``period`` (optionally for one segment or channel).

    Returns a flat dict: the metric keys of :data:`METRICS` plus ``responses``, ``nps_moe``,
    ``nps_low``/``nps_high``, the three NPS shares, ``ces_easy_pct``, ``customers`` (active in the
    period), ``new_customers``, ``monthly_churn_pct``, ``revenue``, ``revenue_cohort`` (customers
    in the GRR/NRR cohort), ``revenue_retention_window`` and the counts the comparisons need.
    A metric with no data is ``None``, never 0. See the module docstring for the definitions of
    churn, retention, GRR, NRR and CLV.
    """
    per = parse_period(period)
    db = session.db
    _, hi = data_range(session)
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat() if hi else "9999-12-31"

    rolled = rollups_fresh(db)
    resp = _row(db, *_response_sql(per, segment, channel, rolled=rolled))
    pulse = _row(db, *_pulse_sql(per)) if segment is None and channel is None else {}
    cust = _row(db, *_customer_sql(per, as_of_end, segment, channel))
    windows = _revenue_windows(per, hi)
    rev = _row(db, *_revenue_sql(per, windows, segment, channel, rolled)) if windows else {}

    out: dict[str, Any] = {"period": per.label, "period_start": per.start,
                           "period_end": per.end, "segment": segment, "channel": channel,
                           "data_last_date": hi}
    finance = finance_settings(session)
    out.update(_soft_metrics(resp, pulse))
    out.update(_hard_metrics(cust, rev, per, windows, finance))
    out["clv_churn_source"] = "period"
    out["clv_inputs"] = dict(finance)
    _apply_snapshot(out, session, per, as_of_end, segment, channel, finance)
    return out



def _hard_metrics(cust: dict, rev: dict, per: Period, windows: tuple | None,
                  finance: dict[str, float]) -> dict[str, Any]:
    base, churned = _i(cust.get("churn_base")), _i(cust.get("churned"))
    customer_months = float(cust.get("exposure_days") or 0) / DAYS_PER_MONTH
    monthly_churn = m.monthly_churn_hazard(_i(cust.get("churn_events")), customer_months)
    paying = _i(rev.get("paying_customers"))
    revenue = float(rev["revenue"]) if rev.get("revenue") is not None else None
    if revenue is not None and customer_months > 0:
        monthly_rpc = revenue / customer_months
    elif cust.get("avg_monthly_revenue") is not None:
        monthly_rpc = float(cust["avg_monthly_revenue"])
    else:
        monthly_rpc = None
    r0 = float(rev.get("r0") or 0)
    out = {
        "customers": _i(cust.get("customers")),
        "new_customers": _i(cust.get("new_customers")),
        "churn_base": base, "churned": churned,
        "churn_rate_pct": m.churn_rate_pct(churned, base),
        "retention_rate_pct": m.retention_rate_pct(churned, base),
        "monthly_churn_pct": None if monthly_churn is None else 100 * monthly_churn,
        "revenue": revenue if paying else None,
        "paying_customers": paying,
        "revenue_per_customer": m.revenue_per_customer(revenue or 0.0, paying),
        "monthly_revenue_per_customer": monthly_rpc,
        "grr_pct": m.gross_revenue_retention_pct(float(rev.get("r1_capped") or 0), r0),
        "nrr_pct": m.net_revenue_retention_pct(float(rev.get("r1") or 0), r0),
        "revenue_cohort": _i(rev.get("cohort")),
        "revenue_base_payers": _i(rev.get("base_payers")),
        "revenue_retention_window": (None if not windows else
                                     {"base_start": windows[0], "start": windows[1],
                                      "end": windows[2]}),
        "expansion_revenue": (float(rev["upsell"]) if rev.get("upsell") is not None else None),
        # No customer has a referrer recorded: unknown, not zero.
        "referrals": _i(cust.get("referrals")) if _i(cust.get("referral_data")) else None,
        "clv": m.clv_simple(monthly_rpc, monthly_churn, finance["gross_margin_pct"] / 100.0,
                            12 * finance["clv_horizon_years"]),
        "clv_discounted": m.clv_discounted(
            monthly_rpc, monthly_churn, finance["gross_margin_pct"] / 100.0,
            finance["annual_discount_rate_pct"] / 100.0, 12 * finance["clv_horizon_years"]),
    }
    if not out["customers"]:
        out["customers"] = 0
    return out



def bare_sql(session: WorkspaceSession, period: str | Period = "all") -> list[tuple]:
    """The SQL the scorecard needs, run bare (no Python around it): the benchmark's floor."""
    per = parse_period(period)
    db = session.db
    _, hi = data_range(session)
    out = []
    rolled = rollups_fresh(db)
    for sql, params in (_response_sql(per, None, None, rolled=rolled), _pulse_sql(per)):
        out.append(db.execute(sql, params).fetchone())
    as_of_end = (date.fromisoformat(hi) + timedelta(days=1)).isoformat() if hi else "9999-12-31"
    sql, params = _customer_sql(per, as_of_end, None, None)
    out.append(db.execute(sql, params).fetchone())
    windows = _revenue_windows(per, hi)
    if windows:
        sql, params = _revenue_sql(per, windows, None, None, rolled)
        out.append(db.execute(sql, params).fetchone())
    return out



def available_periods(session: WorkspaceSession, grain: str = "quarter") -> list[str]:
    """Period labels of ``grain`` (year, quarter, month) covering the data, newest first."""
    lo, hi = data_range(session)
    if lo is None or hi is None:
        return []
    try:
        first, last = date.fromisoformat(lo), date.fromisoformat(hi)
    except ValueError:
        return []
    labels: list[str] = []
    if grain == "year":
        labels = [str(y) for y in range(first.year, last.year + 1)]
    elif grain == "quarter":
        cur = date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
        while cur <= last:
            labels.append(f"{cur.year}-Q{(cur.month - 1) // 3 + 1}")
            cur = add_months(cur, 3)
    else:
        cur = date(first.year, first.month, 1)
        while cur <= last:
            labels.append(f"{cur.year:04d}-{cur.month:02d}")
            cur = add_months(cur, 1)
    return labels[::-1]



def default_period(session: WorkspaceSession, grain: str = "quarter") -> str:
    """The period the scorecard opens on: the newest period of ``grain`` the data observes
    completely (a period in progress would show half a quarter's revenue against a whole
    one); for a snapshot customer file, the month its churn is observed in
    (:func:`customer_snapshot`); the newest period when none is complete; ``all`` without
    dated data."""
    snapshot = customer_snapshot(session)
    if snapshot is not None:
        return snapshot["default_period"]
    if grain == "all":
        return "all"
    options = available_periods(session, grain)
    last_day = data_range(session)[1]
    complete = [o for o in options
                if last_day and parse_period(o).end <= next_day(last_day)]
    return complete[0] if complete else (options[0] if options else "all")

