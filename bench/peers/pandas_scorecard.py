"""Peer: the scorecard's headline numbers from the app's CSV export, with pandas.

``python bench/peers/pandas_scorecard.py EXPORT_DIR PERIOD`` (PERIOD ``all`` or ``2026-Q1``)
prints JSON. It is the script an analyst would write instead of using the app: read the four
CSV files, then the same aggregates the scorecard computes (see ``cxcore/scorecard/``:
responses, pulse, customers, and the revenue cohort behind GRR/NRR).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from periods import windows


def main(folder: str, period: str) -> None:
    d = Path(folder)
    resp = pd.read_csv(d / "responses.csv", usecols=["date", "nps", "csat", "ces"],
                       dtype={"date": str})
    cust = pd.read_csv(d / "customers.csv", usecols=["id", "start_date", "end_date", "churned"],
                       dtype={"id": str, "start_date": str, "end_date": str})
    rev = pd.read_csv(d / "revenue_events.csv", usecols=["customer_id", "date", "amount", "kind"],
                      dtype={"customer_id": str, "date": str, "kind": str})
    pulse = pd.read_csv(d / "pulse.csv", usecols=["date"], dtype={"date": str})
    hi = max(resp["date"].max(), rev["date"].max(), cust["start_date"].max(),
             cust["end_date"].dropna().max(), pulse["date"].max())[:10]
    w = windows(period, hi)

    r = resp
    if w["start"] is not None:
        r = resp[(resp["date"] >= w["start"]) & (resp["date"] < w["end"])]
    n = len(r)
    prom, det = int((r["nps"] >= 9).sum()), int((r["nps"] <= 6).sum())
    nps_n = int(r["nps"].notna().sum())
    csat_n = int(r["csat"].notna().sum())
    out = {"responses": n,
           "nps": 100.0 * (prom - det) / nps_n if nps_n else None,
           "csat_pct": 100.0 * int((r["csat"] >= 4).sum()) / csat_n if csat_n else None,
           "ces_mean": float(r["ces"].mean()) if r["ces"].notna().any() else None}

    start, end = w["start"] or "0000-01-01", w["end"] or w["as_of_end"]
    started = cust["start_date"].fillna("0000-01-01")
    live = cust[(started < end) & (cust["end_date"].fillna(end) >= start)]
    s = started[live.index]
    e = live["end_date"]
    if w["start"] is None:
        base = len(live)
        churned = int(((live["churned"] == 1) | e.notna()).sum())
    else:
        known = ~((live["churned"] == 1) & e.isna())
        base = int(((s < start) & (e.isna() | (e >= start)) & known).sum())
        churned = int(((s < start) & (e >= start) & (e < end)).sum())
    out["customers"] = len(live)
    out["churn_rate_pct"] = 100.0 * churned / base if base else None

    net = np.where(rev["kind"].isin(["downgrade", "refund"]), -rev["amount"].abs(), rev["amount"])
    rev = rev.assign(net=net)
    first = rev.groupby("customer_id")["date"].min()
    b0, b1, b2 = w["base_start"], w["rev_start"], w["rev_end"]
    scope = rev if w["start"] is None else rev[(rev["date"] >= b0) & (rev["date"] < b2)]
    in0 = (scope["date"] >= b0) & (scope["date"] < b1)
    in1 = (scope["date"] >= b1) & (scope["date"] < b2)
    period_part = scope if w["start"] is None else scope[scope["date"] >= b1]
    g = pd.DataFrame({
        "r0": scope["net"].where(in0).groupby(scope["customer_id"]).sum(min_count=1),
        "r1": scope["net"].where(in1).groupby(scope["customer_id"]).sum(min_count=1),
    })
    p = period_part.groupby("customer_id")["net"].sum()
    starts = cust.set_index("id")["start_date"]
    since = pd.concat([starts.reindex(g.index), first.reindex(g.index)], axis=1).min(axis=1)
    k = (g["r0"] > 0) & (since < b0)
    r0 = g["r0"][k].sum()
    r1 = g["r1"].fillna(0).clip(lower=0)[k]
    out["revenue"] = float(p.sum()) if len(p) else None
    out["nrr_pct"] = 100.0 * float(r1.sum()) / r0 if r0 > 0 else None
    out["grr_pct"] = (100.0 * float(np.minimum(r1, g["r0"][k]).sum()) / r0 if r0 > 0 else None)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
