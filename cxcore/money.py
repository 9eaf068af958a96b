"""The money story: what unhappy customers put at risk, what promoters bring by referral, and the
business case for moving detractors, all from the workspace's own records.

Every customer who answered the NPS question in the period is placed in a group by their latest
answer in it (promoter 9-10, passive 7-8, detractor 0-6), as in
:func:`cxcore.scorecard.value_by_nps_group`. For each group:

- *Retention* = share of the group still customers (no end date and not flagged churned), with
  its Wilson 95 % interval (:func:`cxcore.metrics.wilson_interval`).
- *Monthly revenue per customer* = the group's net revenue events in the period / customers /
  months of the period; with no revenue events at all in the period, the customers'
  ``monthly_revenue`` field instead (the ``revenue_basis`` says which).
- *Referral rate* = customers acquired in the period whose ``referred_by`` is a customer of the
  group, per group customer and month.

Nothing here uses a fixed multiplier from outside the workspace: where the data can't support a
figure, the result says what is missing instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from cxcore import locale_settings as loc
from cxcore import metrics as m
from cxcore import scorecard as sc
from cxcore.errors import Problem, ValidationError
from cxcore.period import Period, parse_period
from cxcore.workspace import WorkspaceSession

GROUPS = ("promoter", "passive", "detractor")
#: Monte Carlo draws behind the business case's intervals (fixed seed: the page, the report and
#: the command line print the same figures).
DRAWS = 4000
SEED = 20260
GROUP_WORDS = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}


def _months(session: WorkspaceSession, per: Period) -> float | None:
    if not per.is_all:
        return per.months()
    lo, hi = sc.data_range(session)
    if not lo or not hi:
        return None
    days = (date.fromisoformat(hi) - date.fromisoformat(lo)).days + 1
    return max(days / sc.DAYS_PER_MONTH, 1.0)


def group_figures(session: WorkspaceSession, period: str | Period = "all"
                  ) -> dict[str, Any]:
    """Per NPS group: customers, retained, retention with interval, monthly revenue per customer
    (mean and standard error), referrals made in the period per customer-month (mean and
    standard error); plus the referred customers' own figures and the basis used.

    Returns ``{"period", "months", "revenue_basis" ("revenue events" | "monthly revenue" |
    None), "groups": {group: {...}}, "referred": {...}}``.
    """
    per = parse_period(period)
    where, params = sc._window(per)
    start_where, start_params = sc._window(per, "start_date")
    months = _months(session, per)
    db = session.db
    paying = db.execute(f"select count(*) from revenue_events where {where}", params).fetchone()[0]
    basis = "revenue events" if paying else None
    # Latest answer per customer in the period (SQLite takes the bare column from the max row).
    sql = (
        "with latest as (select customer_id, nps, max(date) from responses "
        f" where customer_id is not null and nps is not null and {where} group by customer_id), "
        "g as (select customer_id, case when nps >= 9 then 'promoter' when nps >= 7 then "
        " 'passive' else 'detractor' end as grp from latest), "
        f"rev as (select customer_id, sum({sc.NET_AMOUNT}) as r from revenue_events "
        f" where {where} and customer_id in (select customer_id from latest) "
        " group by customer_id), "
        "refs as (select referred_by as customer_id, count(*) as k from customers "
        f" where referred_by is not null and referred_by != '' and {start_where} "
        " group by referred_by) "
        "select g.grp, count(*) as known, "
        " sum(c.end_date is null and coalesce(c.churned, 0) = 0) as retained, "
        " sum(coalesce(rev.r, 0)) as rev_sum, sum(coalesce(rev.r, 0) * coalesce(rev.r, 0)), "
        " count(c.monthly_revenue), sum(c.monthly_revenue), "
        " sum(c.monthly_revenue * c.monthly_revenue), "
        " sum(coalesce(refs.k, 0)), sum(coalesce(refs.k, 0) * coalesce(refs.k, 0)) "
        "from g join customers c on c.id = g.customer_id "
        "left join rev on rev.customer_id = g.customer_id "
        "left join refs on refs.customer_id = g.customer_id group by g.grp")
    rows = {r[0]: r for r in db.execute(sql, params + params + start_params).fetchall()}
    if basis is None and any(r[5] for r in rows.values()):
        basis = "monthly revenue"
    groups: dict[str, dict[str, Any]] = {}
    for group in GROUPS:
        if group not in rows:
            continue
        _, known, retained, rsum, rsq, mn, msum, msq, ksum, ksq = rows[group]
        retained = int(retained or 0)
        interval = m.wilson_interval(retained, known)
        if basis == "revenue events" and months:
            mean, se = _mean_se(known, float(rsum or 0), float(rsq or 0))
            mean, se = _scaled(mean, se, 1 / months)
        elif basis == "monthly revenue" and mn:
            mean, se = _mean_se(int(mn), float(msum or 0), float(msq or 0))
        else:
            mean, se = None, None
        ref_mean, ref_se = _mean_se(known, float(ksum or 0), float(ksq or 0))
        ref_mean, ref_se = _scaled(ref_mean, ref_se, 1 / months if months else None)
        groups[group] = {
            "customers": known, "retained": retained,
            "retention_pct": m.retention_rate_pct(known - retained, known),
            "retention_low": None if interval is None else 100 * interval[0],
            "retention_high": None if interval is None else 100 * interval[1],
            "monthly_revenue": mean, "monthly_revenue_se": se,
            "referrals": int(ksum or 0), "referrals_per_month": ref_mean,
            "referrals_per_month_se": ref_se}
    referred = _referred(session, per, start_where, start_params)
    return {"period": per.label, "months": months, "revenue_basis": basis, "groups": groups,
            "referred": referred}


def _mean_se(n: int, total: float, squares: float) -> tuple[float | None, float | None]:
    if n <= 0:
        return None, None
    mean = total / n
    if n < 2:
        return mean, None
    var = max((squares - n * mean * mean) / (n - 1), 0.0)
    return mean, math.sqrt(var / n)


def _scaled(mean: float | None, se: float | None, factor: float | None
            ) -> tuple[float | None, float | None]:
    if mean is None or factor is None:
        return None, None
    return mean * factor, None if se is None else se * factor


def _referred(session: WorkspaceSession, per: Period, start_where: str,
              start_params: list) -> dict[str, Any]:
    """Customers acquired in the period by referral: how many, by the referrer's NPS group
    (the referrer's latest answer up to the period's end), their monthly revenue and retention."""
    end_where = "1" if per.is_all else "date < ?"
    end_params = [] if per.is_all else [per.end]
    sql = (
        "with latest as (select customer_id, nps, max(date) from responses "
        f" where customer_id is not null and nps is not null and {end_where} "
        " group by customer_id) "
        "select case when l.nps is null then 'unknown' when l.nps >= 9 then 'promoter' "
        " when l.nps >= 7 then 'passive' else 'detractor' end as grp, count(*), "
        " sum(c.end_date is null and coalesce(c.churned, 0) = 0), avg(c.monthly_revenue), "
        " count(c.monthly_revenue), sum(c.monthly_revenue * c.monthly_revenue) "
        "from customers c left join latest l on l.customer_id = c.referred_by "
        f"where c.referred_by is not null and c.referred_by != '' and {start_where} group by 1")
    by_group, total, retained, msum, mn, msq = {}, 0, 0, 0.0, 0, 0.0
    for grp, count, kept, avg_mrr, n_mrr, sq in session.db.execute(
            sql, end_params + start_params).fetchall():
        by_group[grp] = count
        total += count
        retained += int(kept or 0)
        if n_mrr:
            msum += float(avg_mrr) * n_mrr
            mn += n_mrr
            msq += float(sq or 0)
    has_data = session.db.execute(
        "select count(*) from customers where referred_by is not null and referred_by != ''"
    ).fetchone()[0]
    mean, se = _mean_se(mn, msum, msq)
    return {"customers": total, "by_referrer_group": by_group, "retained": retained,
            "retention_pct": m.retention_rate_pct(total - retained, total),
            "monthly_revenue": mean, "monthly_revenue_se": se,
            "recorded": bool(has_data)}


# ---- revenue at risk ----------------------------------------------------------------------------

def revenue_at_risk(session: WorkspaceSession, period: str | Period = "all") -> dict[str, Any]:
    """What detractors and passives put at risk, measured against promoters.

    For each of detractors and passives (D), against promoters (P):

    - *revenue* = the group's monthly revenue per customer × customers (a month of the group's
      revenue, on the ``revenue_basis``);
    - *retention gap* = retention_P − retention_D in percentage points, with Newcombe's hybrid
      score 95 % interval (:func:`cxcore.metrics.newcombe_interval`);
    - *expected extra loss* = revenue × gap / 100: the monthly revenue the group is expected to
      lose beyond what it would lose at the promoters' retention (interval: the gap's ends).

    ``missing`` lists, in words, what the data lacks when a figure can't be given.
    """
    figures = group_figures(session, period)
    groups = figures["groups"]
    min_n = sc.small_sample_threshold(session)
    missing: list[str] = []
    if not groups:
        missing.append("no survey answers in this period are linked to customers (responses "
                       "need a customer id that is in the customer list)")
    if groups and figures["revenue_basis"] is None:
        missing.append("no revenue: import revenue events, or customers with a monthly "
                       "revenue column")
    promoters = groups.get("promoter")
    if groups and promoters is None:
        missing.append("no promoters to compare with")
    rows = []
    for group in ("detractor", "passive"):
        g = groups.get(group)
        if g is None:
            continue
        revenue = (None if g["monthly_revenue"] is None
                   else g["monthly_revenue"] * g["customers"])
        row: dict[str, Any] = {"group": group, "customers": g["customers"],
                               "monthly_revenue": revenue, "retention_pct": g["retention_pct"],
                               "retention_gap_pp": None, "gap_low": None, "gap_high": None,
                               "expected_loss": None, "loss_low": None, "loss_high": None,
                               "note": None}
        if promoters is not None:
            gap = m.newcombe_interval(promoters["retained"], promoters["customers"],
                                      g["retained"], g["customers"])
            if gap is not None:
                diff, low, high = (100 * v for v in gap)
                row.update(retention_gap_pp=diff, gap_low=low, gap_high=high)
                if revenue is not None:
                    row.update(expected_loss=revenue * diff / 100,
                               loss_low=revenue * low / 100, loss_high=revenue * high / 100)
            if min(promoters["customers"], g["customers"]) < min_n:
                row["note"] = (f"too few customers to tell ({promoters['customers']:,} "
                               f"promoters, {g['customers']:,} {GROUP_WORDS[group]}; at least "
                               f"{min_n:,} each)")
            elif row["gap_low"] is not None and row["gap_low"] <= 0 <= row["gap_high"]:
                row["note"] = "the retention gap is within the noise (its interval includes 0)"
        rows.append(row)
    return {"period": figures["period"], "revenue_basis": figures["revenue_basis"],
            "promoter_retention_pct": None if promoters is None else promoters["retention_pct"],
            "promoter_retention_low": None if promoters is None else promoters["retention_low"],
            "promoter_retention_high": None if promoters is None else
            promoters["retention_high"],
            "promoters": 0 if promoters is None else promoters["customers"],
            "rows": rows, "missing": missing, "min_n": min_n,
            "source": ("customers placed by their latest NPS answer in the period; retention = "
                       "share still customers; revenue = " + (
                           "net revenue events in the period per month"
                           if figures["revenue_basis"] == "revenue events"
                           else "their monthly revenue field"))}


# ---- referral value -----------------------------------------------------------------------------

def referral_value(session: WorkspaceSession, period: str | Period = "all") -> dict[str, Any]:
    """Customers acquired by referral in the period and what they are worth.

    - *referred customers*: customers whose start date is in the period and whose
      ``referred_by`` is set, split by the referrer's NPS group (latest answer up to the
      period's end);
    - *per promoter* = referrals made by promoters of the period / promoters (with the t
      interval of that mean, :func:`cxcore.metrics.mean_interval` on per-promoter counts);
    - *worth* = referred customers' average monthly revenue × 12 (a year of revenue while they
      stay), and × per promoter for "each promoter brought N new customers worth X".
    """
    figures = group_figures(session, period)
    referred = figures["referred"]
    groups = figures["groups"]
    promoters = groups.get("promoter")
    missing = []
    if not referred["recorded"]:
        missing.append("no customer has a 'referred by' value: import customers with the id "
                       "of the customer who referred them")
    if promoters is None:
        missing.append("no promoters in this period linked to customers")
    per_promoter = low = high = None
    if promoters is not None and figures["months"]:
        n = promoters["customers"]
        per_promoter = promoters["referrals"] / n
        se = promoters["referrals_per_month_se"]
        if se is not None:
            margin = m.mean_interval_from_se(se * figures["months"], n)
            low, high = max(per_promoter - margin, 0.0), per_promoter + margin
    year_value = (None if referred["monthly_revenue"] is None
                  else 12 * referred["monthly_revenue"])
    worth = None if per_promoter is None or year_value is None else per_promoter * year_value
    return {"period": figures["period"], "referred_customers": referred["customers"],
            "by_referrer_group": referred["by_referrer_group"],
            "referred_retention_pct": referred["retention_pct"],
            "referred_monthly_revenue": referred["monthly_revenue"],
            "referred_year_value": year_value,
            "promoters": 0 if promoters is None else promoters["customers"],
            "referrals_by_promoters": 0 if promoters is None else promoters["referrals"],
            "per_promoter": per_promoter, "per_promoter_low": low, "per_promoter_high": high,
            "worth_per_promoter": worth,
            "worth_low": None if low is None or year_value is None else low * year_value,
            "worth_high": None if high is None or year_value is None else high * year_value,
            "missing": missing,
            "source": ("customers.referred_by of customers who started in the period; the "
                       "referrer's group is their latest NPS answer; worth = a year of the "
                       "referred customers' average monthly revenue")}


# ---- the business case --------------------------------------------------------------------------

@dataclass(frozen=True)
class Estimate:
    """A figure with its 95 % interval (2.5th and 97.5th percentiles of the simulation)."""

    value: float | None
    low: float | None
    high: float | None

    def as_json(self) -> dict[str, float | None]:
        """``{"value", "low", "high"}`` rounded to 4 decimals."""
        def r(v: float | None) -> float | None:
            return None if v is None or not math.isfinite(v) else round(v, 4)
        return {"value": r(self.value), "low": r(self.low), "high": r(self.high)}


def business_case(session: WorkspaceSession, *, convert_pct: float, cost: float,
                  to: str = "promoter", period: str | Period | None = None) -> dict[str, Any]:
    """"If ``convert_pct`` % of detractors became ``to`` (passives or promoters)": the extra
    revenue a year, its gross margin, ROI and payback against a programme ``cost``.

    With k = detractors × convert_pct / 100 converted customers, per year:

    - *retained revenue* = k × 12 × rev_D × (ret_T − ret_D): they keep paying what they pay now
      but stay like the target group;
    - *spend difference* = k × 12 × (rev_T − rev_D) × ret_T: they come to pay what the target
      group pays;
    - *referral value* = k × 12 × (ref_T − ref_D) × V: the target group's extra referrals per
      customer-month, each worth V = a year of a referred customer's monthly revenue;
    - *margin* = (sum of the three) × gross margin; *ROI* = (margin − cost) / cost;
      *payback* = cost / (margin / 12) months (None: never, when the margin is not positive).

    rev = monthly revenue per customer, ret = retention (0-1), ref = referrals per customer and
    month (:func:`group_figures`). Intervals: 4,000 draws (fixed seed) with retention from
    Beta(retained + ½, lost + ½) (Jeffreys) and the means from normal distributions with their
    standard errors; each figure's 95 % interval is the 2.5th-97.5th percentile.
    Raises ValidationError for a share outside 0-100, a negative cost or an unknown target.
    """
    import numpy as np

    problems = []
    if (not isinstance(convert_pct, int | float) or isinstance(convert_pct, bool)
            or not 0 < convert_pct <= 100):
        problems.append(Problem("convert_detractors", f"must be a percentage above 0 and at "
                                                      f"most 100, not {convert_pct!r}"))
    if not isinstance(cost, int | float) or isinstance(cost, bool) or not cost >= 0:
        problems.append(Problem("cost", f"must be an amount of 0 or more, not {cost!r}"))
    if to not in ("passive", "promoter"):
        problems.append(Problem("to", f"must be 'passive' or 'promoter', not {to!r}"))
    if problems:
        raise ValidationError(problems)
    per_label = period if period is not None else sc.default_period(session)
    per = parse_period(per_label)
    figures = group_figures(session, per)
    groups = figures["groups"]
    margin_share = sc.finance_settings(session)["gross_margin_pct"] / 100.0
    detractors, target = groups.get("detractor"), groups.get(to)
    missing = []
    if detractors is None:
        missing.append("no detractors in this period linked to customers")
    if target is None:
        missing.append(f"no {GROUP_WORDS[to]} in this period linked to customers")
    if groups and figures["revenue_basis"] is None:
        missing.append("no revenue: import revenue events, or customers with a monthly "
                       "revenue column")
    out: dict[str, Any] = {
        "period": per.label, "convert_pct": float(convert_pct), "to": to, "cost": float(cost),
        "gross_margin_pct": 100 * margin_share, "revenue_basis": figures["revenue_basis"],
        "detractors": 0 if detractors is None else detractors["customers"],
        "converted": None, "missing": missing, "inputs": {}, "figures": {},
        "draws": DRAWS}
    if missing:
        return out
    k = detractors["customers"] * convert_pct / 100.0  # type: ignore[index]
    out["converted"] = k
    referred = figures["referred"]
    rng = np.random.default_rng(SEED)

    def retention(g: dict) -> Any:
        return rng.beta(g["retained"] + 0.5, g["customers"] - g["retained"] + 0.5, DRAWS)

    def normal(mean: float | None, se: float | None) -> Any:
        if mean is None:
            return np.zeros(DRAWS)
        return rng.normal(mean, se or 0.0, DRAWS)

    ret_d, ret_t = retention(detractors), retention(target)  # type: ignore[arg-type]
    rev_d = normal(detractors["monthly_revenue"], detractors["monthly_revenue_se"])  # type: ignore[index]
    rev_t = normal(target["monthly_revenue"], target["monthly_revenue_se"])  # type: ignore[index]
    ref_d = normal(detractors["referrals_per_month"], detractors["referrals_per_month_se"])  # type: ignore[index]
    ref_t = normal(target["referrals_per_month"], target["referrals_per_month_se"])  # type: ignore[index]
    value = normal(None if referred["monthly_revenue"] is None else 12 * referred[
        "monthly_revenue"], None if referred["monthly_revenue_se"] is None else 12 * referred[
            "monthly_revenue_se"])
    retained_revenue = k * 12 * rev_d * (ret_t - ret_d)
    spend = k * 12 * (rev_t - rev_d) * ret_t
    referrals = k * 12 * (ref_t - ref_d) * value
    total = retained_revenue + spend + referrals
    margin = total * margin_share
    roi = (margin - cost) / cost if cost > 0 else np.full(DRAWS, np.nan)
    with np.errstate(divide="ignore"):
        payback = np.where(margin > 0, cost / (margin / 12.0), np.inf)

    def point(draws: Any, exact: float | None) -> Estimate:
        finite = draws[np.isfinite(draws)]
        if exact is None or not len(finite):
            return Estimate(exact, None, None)
        lo, hi = np.percentile(finite, [2.5, 97.5])
        return Estimate(exact, float(lo), float(hi))

    # The point figures come from the measured values, not from the draws.
    rd, rt = detractors["retention_pct"] / 100, target["retention_pct"] / 100  # type: ignore[index]
    vd, vt = detractors["monthly_revenue"], target["monthly_revenue"]  # type: ignore[index]
    fd = detractors["referrals_per_month"] or 0.0  # type: ignore[index]
    ft = target["referrals_per_month"] or 0.0  # type: ignore[index]
    v = 0.0 if referred["monthly_revenue"] is None else 12 * referred["monthly_revenue"]
    e_retained = k * 12 * vd * (rt - rd)
    e_spend = k * 12 * (vt - vd) * rt
    e_referrals = k * 12 * (ft - fd) * v
    e_total = e_retained + e_spend + e_referrals
    e_margin = e_total * margin_share
    e_roi = (e_margin - cost) / cost if cost > 0 else None
    e_payback = cost / (e_margin / 12.0) if e_margin > 0 else None
    out["inputs"] = {
        "detractor_retention_pct": detractors["retention_pct"],  # type: ignore[index]
        f"{to}_retention_pct": target["retention_pct"],  # type: ignore[index]
        "detractor_monthly_revenue": vd, f"{to}_monthly_revenue": vt,
        "detractor_referrals_per_month": fd, f"{to}_referrals_per_month": ft,
        "referred_customer_year_value": v if referred["monthly_revenue"] is not None else None}
    out["figures"] = {
        "retained_revenue": point(retained_revenue, e_retained),
        "spend_difference": point(spend, e_spend),
        "referral_value": point(referrals, e_referrals),
        "extra_revenue": point(total, e_total),
        "extra_margin": point(margin, e_margin),
        "roi": point(roi, e_roi) if cost > 0 else Estimate(None, None, None),
        "payback_months": _payback(payback, e_payback)}
    out["sources"] = {
        "retained_revenue": f"retention of detractors vs {GROUP_WORDS[to]} who answered in "
                            f"{sc.period_words(per)} (still customers at the end of the data), "
                            "times what detractors pay",
        "spend_difference": f"monthly revenue per customer of {GROUP_WORDS[to]} vs "
                            f"detractors ({figures['revenue_basis']})",
        "referral_value": "customers.referred_by: referrals per customer-month by group, each "
                          "worth a year of a referred customer's monthly revenue",
        "extra_margin": f"extra revenue × gross margin {100 * margin_share:.0f} % (Scorecard "
                        "settings)",
        "roi": "(extra margin − cost) / cost, first year",
        "payback_months": "cost / monthly extra margin"}
    return out


def _payback(draws: Any, exact: float | None) -> Estimate:
    import numpy as np

    lo, hi = np.percentile(draws, [2.5, 97.5], method="nearest")  # draws may be inf
    return Estimate(exact, float(lo) if np.isfinite(lo) else None,
                    float(hi) if np.isfinite(hi) else None)


def business_case_json(case: dict[str, Any]) -> dict[str, Any]:
    """The business case with its estimates as plain ``{"value", "low", "high"}`` dicts."""
    out = dict(case)
    out["figures"] = {k: v.as_json() for k, v in case["figures"].items()}
    return out


# ---- in words: one text for the page, the report and the command line --------------------------

def _ci(low: float | None, high: float | None, show: Any) -> str:
    return "" if low is None or high is None else f" (95 % CI {show(low)} to {show(high)})"


def risk_lines(risk: dict[str, Any], where: Any = None) -> list[str]:
    """:func:`revenue_at_risk` in sentences."""
    if risk["missing"]:
        return ["Revenue at risk can't be shown: " + "; ".join(risk["missing"]) + "."]
    money = lambda v: loc.format_money(v, where)  # noqa: E731
    pp = lambda v: loc.format_pp(v, 1, where)  # noqa: E731
    per = "a month" if risk["revenue_basis"] else ""
    lines = [f"Promoters ({risk['promoters']:,}) stay "
             f"{loc.format_pct(risk['promoter_retention_pct'], 1, where)}"
             + _ci(risk["promoter_retention_low"], risk["promoter_retention_high"],
                   lambda v: loc.format_pct(v, 1, where)) + "."]
    for row in risk["rows"]:
        words = GROUP_WORDS[row["group"]].capitalize()
        line = (f"{words} ({row['customers']:,}) pay {money(row['monthly_revenue'])} {per} and "
                f"stay {loc.format_pct(row['retention_pct'], 1, where)}")
        if row["retention_gap_pp"] is not None:
            line += (f", {loc.format_number(row['retention_gap_pp'], 1, where)} pp less than "
                     "promoters" + _ci(row["gap_low"], row["gap_high"], pp))
        if row["expected_loss"] is not None:
            line += (f": {money(row['expected_loss'])} {per} expected to be lost beyond the "
                     f"promoters' rate" + _ci(row["loss_low"], row["loss_high"], money))
        line += "."
        if row["note"]:
            line += f" Note: {row['note']}."
        lines.append(line)
    return lines


def referral_lines(ref: dict[str, Any], where: Any = None) -> list[str]:
    """:func:`referral_value` in sentences, with the seed's question: what do ten promoters
    bring?"""
    if ref["missing"] and ref["per_promoter"] is None:
        return ["Referral value can't be shown: " + "; ".join(ref["missing"]) + "."]
    money = lambda v: loc.format_money(v, where)  # noqa: E731
    groups = ", ".join(f"{n:,} by {GROUP_WORDS.get(g, 'customers without an NPS answer')}"
                       for g, n in sorted(ref["by_referrer_group"].items()))
    lines = [f"{ref['referred_customers']:,} customers came by referral in the period"
             + (f" ({groups})" if groups else "") + (
                 f"; they pay {money(ref['referred_monthly_revenue'])} a month and "
                 f"{loc.format_pct(ref['referred_retention_pct'], 0, where)} are still "
                 "customers." if ref["referred_monthly_revenue"] is not None else ".")]
    if ref["per_promoter"] is not None:
        ten = lambda v: loc.format_number(10 * v, 1, where)  # noqa: E731
        line = (f"Each promoter brought {loc.format_number(ref['per_promoter'], 2, where)} new "
                f"customers: ten promoters brought {ten(ref['per_promoter'])}"
                + _ci(ref["per_promoter_low"], ref["per_promoter_high"], ten))
        if ref["worth_per_promoter"] is not None:
            line += (f", worth {money(10 * ref['worth_per_promoter'])} a year"
                     + _ci(None if ref["worth_low"] is None else 10 * ref["worth_low"],
                           None if ref["worth_high"] is None else 10 * ref["worth_high"],
                           money))
        lines.append(line + ".")
    return lines


def case_lines(case: dict[str, Any], where: Any = None) -> list[str]:
    """:func:`business_case` in sentences, each figure with its interval and source."""
    if case["missing"]:
        return ["The business case can't be computed: " + "; ".join(case["missing"]) + "."]
    money = lambda v: loc.format_money(v, where)  # noqa: E731
    f = case["figures"]
    target = GROUP_WORDS[case["to"]]
    lines = [f"If {loc.format_number(case['convert_pct'], 0, where)} % of the "
             f"{case['detractors']:,} detractors ({loc.format_number(case['converted'], 1, where)}"
             f" customers) became {target}, in a year:"]
    for key, label in (("retained_revenue", "kept revenue"), ("spend_difference",
                                                              "higher spend"),
                       ("referral_value", "referrals"), ("extra_revenue", "extra revenue"),
                       ("extra_margin", "extra gross margin")):
        est = f[key]
        lines.append(f"{label.capitalize()}: {money(est.value)}"
                     + _ci(est.low, est.high, money) + f" — {case['sources'].get(key, '')}."
                     .replace(" — .", "."))
    roi, payback = f["roi"], f["payback_months"]
    if roi.value is not None:
        pct = lambda v: loc.format_pct(100 * v, 0, where)  # noqa: E731
        lines.append(f"Return on the {money(case['cost'])} programme: {pct(roi.value)}"
                     + _ci(roi.low, roi.high, pct) + " in the first year.")
    months = lambda v: loc.format_number(v, 1, where)  # noqa: E731
    if payback.value is None:
        lines.append("Payback: never at these figures (the extra margin is not positive).")
    else:
        upper = "never" if payback.high is None else months(payback.high)
        lower = "—" if payback.low is None else months(payback.low)
        lines.append(f"Payback: {months(payback.value)} months (95 % CI {lower} to {upper}).")
    return lines
