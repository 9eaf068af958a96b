"""Peer: the scorecard's headline numbers from the app's CSV export, with DuckDB.

``python bench/peers/duckdb_scorecard.py EXPORT_DIR PERIOD`` (PERIOD ``all`` or ``2026-Q1``)
prints JSON: the same aggregates as ``cxcore/scorecard/`` (responses, customers, the revenue
cohort behind GRR/NRR), written in DuckDB's SQL over ``read_csv``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from periods import windows

NET = "case when kind in ('downgrade', 'refund') then -abs(amount) else amount end"


def main(folder: str, period: str) -> None:
    d = Path(folder)
    con = duckdb.connect()
    text = {"responses": ["date", "customer_id"], "pulse": ["date"],
            "customers": ["id", "start_date", "end_date"],
            "revenue_events": ["customer_id", "date"]}
    for name, columns in text.items():
        types = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
        con.execute(f"create view {name} as select * from read_csv('{d / (name + '.csv')}', "
                    f"header = true, types = {{{types}}})")
    hi = con.execute(
        "select greatest((select max(date) from responses), (select max(date) from pulse), "
        "(select max(date) from revenue_events), (select max(start_date) from customers), "
        "(select max(end_date) from customers))").fetchone()[0][:10]
    w = windows(period, hi)
    where = "" if w["start"] is None else f"where date >= '{w['start']}' and date < '{w['end']}'"
    n, prom, det, nps_n, csat_n, top2, ces = con.execute(
        f"select count(*), count(*) filter (nps >= 9), count(*) filter (nps <= 6), count(nps), "
        f"count(csat), count(*) filter (csat >= 4), avg(ces) from responses {where}").fetchone()
    out = {"responses": n, "nps": 100.0 * (prom - det) / nps_n if nps_n else None,
           "csat_pct": 100.0 * top2 / csat_n if csat_n else None, "ces_mean": ces}

    start, end = w["start"] or "0000-01-01", w["end"] or w["as_of_end"]
    started = "coalesce(start_date, '0000-01-01')"
    if w["start"] is None:
        base, churned = "count(*)", "count(*) filter (churned = 1 or end_date is not null)"
    else:
        base = (f"count(*) filter ({started} < '{start}' and (end_date is null or end_date >= "
                f"'{start}') and not (churned = 1 and end_date is null))")
        churned = (f"count(*) filter ({started} < '{start}' and end_date >= '{start}' "
                   f"and end_date < '{end}')")
    customers, b, c = con.execute(
        f"select count(*), {base}, {churned} from customers where {started} < '{end}' "
        f"and coalesce(end_date, '{end}') >= '{start}'").fetchone()
    out["customers"] = customers
    out["churn_rate_pct"] = 100.0 * c / b if b else None

    b0, b1, b2 = w["base_start"], w["rev_start"], w["rev_end"]
    lower = "true" if w["start"] is None else f"date >= '{b0}' and date < '{b2}'"
    p = f"sum({NET})" if w["start"] is None else f"sum({NET}) filter (date >= '{b1}')"
    r0, r1, capped, revenue = con.execute(f"""
        with t as (select customer_id,
                     sum({NET}) filter (date >= '{b0}' and date < '{b1}') as r0,
                     sum({NET}) filter (date >= '{b1}' and date < '{b2}') as r1,
                     {p} as p
                   from revenue_events where {lower} group by customer_id),
             f as (select customer_id, min(date) as f from revenue_events group by customer_id),
             c as (select t.*, (r0 > 0 and least(coalesce(s.start_date, f.f),
                                                  coalesce(f.f, s.start_date)) < '{b0}') as k
                   from t left join customers s on s.id = t.customer_id
                   left join f on f.customer_id = t.customer_id)
        select sum(r0) filter (k), sum(greatest(coalesce(r1, 0), 0)) filter (k),
               sum(least(greatest(coalesce(r1, 0), 0), r0)) filter (k), sum(p)
        from c""").fetchone()
    out["revenue"] = revenue
    out["nrr_pct"] = 100.0 * r1 / r0 if r0 else None
    out["grr_pct"] = 100.0 * capped / r0 if r0 else None
    print(json.dumps(out, default=float))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
