"""The survey side of the scorecard: NPS, CSAT, effort and the CX index from the responses
(their day rollup when it is fresh), and eNPS from the employee pulse."""

from __future__ import annotations

import re
from typing import Any

from cxcore import metrics as m
from cxcore.period import Period
from cxcore.rollups import RESPONSE_AGGREGATE
from cxcore.scorecard.base import _filters, _i, _window

#: :data:`RESPONSE_AGGREGATE` summed over the day rollup (``rollup_responses`` of
#: :mod:`cxcore.rollups`), which holds those measures per day × segment × channel × step.
ROLLUP_AGGREGATE = ", ".join(f"sum({name}) as {name}"
                             for name in re.findall(r" as (\w+)", RESPONSE_AGGREGATE))


def _response_sql(period: Period, segment: str | None, channel: str | None,
                  group_by: str | None = None, rolled: bool = True) -> tuple[str, list]:
    """The responses' counts and sums, from the day rollup (``rolled``) or the raw rows;
    ``group_by`` is an expression of ``day`` (rollup) or ``date`` (raw), segment, channel."""
    where, params = _window(period, "day" if rolled else "date")
    fwhere, fparams = _filters(segment, channel)
    select = f"{group_by} as grp, " if group_by else ""
    source = f"{ROLLUP_AGGREGATE} from rollup_responses" if rolled else \
        f"{RESPONSE_AGGREGATE} from responses"
    sql = f"select {select}{source} where {where} and {fwhere}"
    if group_by:
        sql += " group by grp order by grp"
    return sql, params + fparams


def _pulse_sql(period: Period) -> tuple[str, list]:
    where, params = _window(period)
    return (f"select count(enps) as enps_n, sum(enps >= 9) as enps_promoters, "
            f"sum(enps between 7 and 8) as enps_passives, sum(enps <= 6) as enps_detractors "
            f"from pulse where {where}"), params



def _soft_metrics(resp: dict, pulse: dict) -> dict[str, Any]:
    p, pa, d = _i(resp.get("promoters")), _i(resp.get("passives")), _i(resp.get("detractors"))
    result = m.nps(p, pa, d)
    out: dict[str, Any] = {
        "responses": _i(resp.get("responses")),
        "nps_n": p + pa + d, "promoters": p, "passives": pa, "detractors": d,
        "nps": result.nps if result else None,
        "nps_moe": result.moe if result else None,
        "nps_low": result.low if result else None,
        "nps_high": result.high if result else None,
        "promoters_pct": result.promoters_pct if result else None,
        "passives_pct": result.passives_pct if result else None,
        "detractors_pct": result.detractors_pct if result else None,
        "csat_n": _i(resp.get("csat_n")), "csat_top2": _i(resp.get("csat_top2")),
        "ces_n": _i(resp.get("ces_n")), "ces_sum": float(resp.get("ces_sum") or 0),
        "ces_sumsq": float(resp.get("ces_sumsq") or 0),
    }
    out["csat_pct"] = m.csat_pct(out["csat_top2"], out["csat_n"])
    out["ces_mean"] = m.ces_mean(out["ces_sum"], out["ces_n"])
    ces_ci = m.mean_interval(out["ces_n"], out["ces_sum"], out["ces_sumsq"])
    out["ces_low"], out["ces_high"] = (ces_ci[1], ces_ci[2]) if ces_ci else (None, None)
    out["ces_easy_pct"] = m.ces_easy_pct(_i(resp.get("ces_easy")), out["ces_n"])
    out["rating_index"] = m.rating_index([
        (float(resp.get(f"{k}_sum") or 0), _i(resp.get(f"{k}_n"))) for k in ("eff", "ease", "emo")])
    ep, epa, ed = (_i(pulse.get("enps_promoters")), _i(pulse.get("enps_passives")),
                   _i(pulse.get("enps_detractors")))
    enps_result = m.nps(ep, epa, ed)
    out.update({"enps_n": ep + epa + ed, "enps_promoters": ep, "enps_passives": epa,
                "enps_detractors": ed, "enps": enps_result.nps if enps_result else None,
                "enps_moe": enps_result.moe if enps_result else None,
                "enps_low": enps_result.low if enps_result else None,
                "enps_high": enps_result.high if enps_result else None})
    return out

