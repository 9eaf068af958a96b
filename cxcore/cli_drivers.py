"""``python -m cxcore drivers --workspace W [--outcome FIELD | --outcome COLUMN=VALUE]
[--period P] [--segment S] [--json]``: the key driver analysis on the command line
(registered in :data:`cxcore.cli.COMMAND_MODULES`)."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from cxcore.accounts import Accounts
from cxcore.cli import open_workspace_session
from cxcore.drivers import key as kd

#: The per-driver fields printed by ``--json`` (the full analysis has more).
DRIVER_FIELDS = ("attribute", "label", "weight_pct", "low_pct", "high_pct", "rank",
                 "rank_stability", "shapley_pct", "performance", "quadrant", "r", "vif", "n")


def register(subparsers: Any) -> None:
    """Add the ``drivers`` subcommand."""
    parser = subparsers.add_parser(
        "drivers", help="key driver analysis: which questions explain an outcome",
        description="Johnson's relative weights of the rating questions for an outcome, with "
                    "bootstrap 95%% intervals, on the responses that answered every question "
                    "(a random sample of 20,000 when there are more).")
    parser.add_argument("--workspace", required=True, help="workspace name or id")
    parser.add_argument("--outcome", default=None,
                        help="nps, csat, ces, a rating question's key, or QUESTION=ANSWER for "
                             "a label (e.g. satisfaction=satisfied); default: nps, or without "
                             "NPS answers the survey's overall verdict question")
    parser.add_argument("--period", default="all",
                        help="all (default), 2026, 2026-Q3, 2026-05 or 2026-01-01..2026-03-31")
    parser.add_argument("--segment", help="only this customer segment")
    parser.add_argument("--driver", action="append", metavar="KEY",
                        help="use this question as a driver (repeat; default: every rating "
                             "question answered by at least half of the customers)")
    parser.add_argument("--performance", choices=("mean", "top-box"), default="mean",
                        help="performance axis: mean on 0-100 of the scale (default) or "
                             "top-box share")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=cmd_drivers)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def as_json(result: dict[str, Any]) -> dict[str, Any]:
    """The machine form of a :func:`cxcore.drivers.key.key_drivers` result: ``drivers`` with
    :data:`DRIVER_FIELDS`, then outcome, period, segment, r2 (with its interval), n, total,
    sampled, min_n, enough, reason, method, handling, left_out, findings and collinearity
    (condition number, largest VIF, most overlapping pair)."""
    col = result["collinearity"] or {}
    return _clean({
        "drivers": [{k: d.get(k) for k in DRIVER_FIELDS} for d in result["drivers"]],
        "outcome": result["outcome"], "period": result["period"],
        "segment": result["segment"], "r2": result["r2"], "r2_low": result["r2_low"],
        "r2_high": result["r2_high"], "n": result["n"], "total": result["total"],
        "answered": result["answered"], "sampled": result["sampled"],
        "min_n": result["min_n"], "enough": result["enough"], "reason": result["reason"],
        "method": result["method"], "handling": result["handling"],
        "performance": result["basis"], "left_out": result["left_out"],
        "findings": result["findings"],
        "collinearity": {k: col.get(k) for k in ("condition", "max_vif", "pair", "pair_r")}
        if col else None,
    })


def cmd_drivers(args: argparse.Namespace, accounts: Accounts) -> int:
    """Print the key drivers of ``--outcome`` in ``--workspace``."""
    session = open_workspace_session(accounts, args.workspace)
    try:
        outcome = args.outcome or kd.default_outcome(session)
        result = kd.key_drivers(session, outcome, args.period, args.segment,
                                drivers=args.driver,
                                basis="top_box" if args.performance == "top-box" else "mean")
    finally:
        session.close()
    if args.json:
        print(json.dumps(as_json(result), indent=2, ensure_ascii=False))
        return 0
    print(f"Key drivers of '{result['outcome']['label']}' in '{session.info.name}', period "
          f"{result['period']}" + (f", segment {result['segment']}" if result["segment"] else ""))
    if not result["enough"]:
        print(f"  No analysis: {result['reason']}.")
        return 0
    sampled = (f"a random sample of {result['n']:,} of {result['total']:,} complete answers"
               if result["sampled"] else f"{result['n']:,} complete answers")
    print(f"  R² = {result['r2']:.2f} ({result['r2_low']:.2f}-{result['r2_high']:.2f}), "
          f"on {sampled}")
    print(f"  {'#':>2}  {'question':<34}{'share':>7}{'95% interval':>15}{'perf.':>7}  quadrant")
    for d in result["drivers"]:
        interval = f"{d['low_pct']:.1f}-{d['high_pct']:.1f}%"
        print(f"  {d['rank']:>2}  {d['label'][:33]:<34}{d['weight_pct']:>6.1f}%{interval:>15}"
              f"{d['performance']:>7.0f}  {d['quadrant']}")
    for text in result["findings"]:
        print(f"  - {text}")
    return 0
