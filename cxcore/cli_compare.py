"""``python -m cxcore compare-workspaces [--as USER] [--grain G] [--same-period] [--period P]
[--anonymise] [--keep W] [--json]``: benchmarks across clients (registered in
:data:`cxcore.cli.COMMAND_MODULES`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cxcore.accounts import SYSTEM, Accounts
from cxcore.errors import CXError


def register(subparsers: Any) -> None:
    """Add the ``compare-workspaces`` subcommand."""
    parser = subparsers.add_parser(
        "compare-workspaces", help="compare the workspaces a user belongs to, side by side",
        description="Benchmarks across clients: NPS with its 95% interval, CSAT, churn, "
                    "checklist progress, red journey parts and open actions of every "
                    "workspace. By default each client's latest complete period (shown "
                    "per row); --same-period (or --period) uses one period for all, and a "
                    "client whose data don't cover it shows null / 'no data'.")
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        help="that user's workspaces (default: every workspace)")
    parser.add_argument("--grain", choices=("quarter", "month", "year"), default="quarter",
                        help="the length of each client's latest complete period, or of the "
                             "default common period (default: quarter)")
    parser.add_argument("--same-period", action="store_true",
                        help="the same period for every client instead of each one's latest "
                             "complete period")
    parser.add_argument("--period", default=None,
                        help="with --same-period (implied): all, 2026, 2026-Q3, 2026-05 or "
                             "2026-01-01..2026-03-31 (default: the last complete calendar "
                             "period of --grain)")
    parser.add_argument("--anonymise", action="store_true",
                        help="name every workspace but --keep 'Client A', 'Client B', ...")
    parser.add_argument("--keep", metavar="WORKSPACE",
                        help="with --anonymise: the workspace (name or id) shown by name")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=cmd_compare)


def _cell(value: Any, fmt: str = "{:.0f}") -> str:
    return "-" if value is None else fmt.format(value)


def cmd_compare(args: argparse.Namespace, accounts: Accounts) -> int:
    """Print the benchmark table."""
    from cxcore import compare

    username = args.as_user or SYSTEM
    if args.as_user and accounts.get_user(args.as_user) is None:
        raise CXError(f"There is no user named '{args.as_user}'.")
    keep = accounts.find_workspace(args.keep, username).id if args.keep else None
    mode = "same" if args.same_period or args.period else "latest"
    rows = compare.compare_workspaces(accounts, username, period=args.period, mode=mode,
                                      grain=args.grain, anonymise=args.anonymise, keep=keep)
    if args.json:
        print(json.dumps({"mode": mode, "grain": args.grain, "rows": rows,
                          "field": compare.field_summary(rows)}, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No workspaces to compare.")
        return 0
    print(f"Period: {compare.MODES[mode]}" + (f" ({rows[0]['period']})" if mode == "same"
                                              else "") + "; '-' = no data")
    print(f"{'workspace':<28}{'period':>10}{'NPS':>6}{'95% interval':>16}{'n':>6}{'CSAT':>8}"
          f"{'churn':>8}{'steps':>7}{'red':>5}{'open':>6}")
    for r in rows:
        interval = ("-" if r["nps_low"] is None
                    else f"{r['nps_low']:+.0f} to {r['nps_high']:+.0f}")
        period = r["period"] if r["observed"] else "no data"
        print(f"{r['workspace'][:27]:<28}{period:>10}{_cell(r['nps'], '{:+.0f}'):>6}"
              f"{interval:>16}{_cell(r['nps_n'], '{}'):>6}{_cell(r['csat_pct'], '{:.1f}%'):>8}"
              f"{_cell(r['churn_rate_pct'], '{:.1f}%'):>8}{r['steps_done']:>5}/6"
              f"{r['red_parts']:>5}{r['open_actions']:>6}")
    return 0
