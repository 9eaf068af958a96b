"""``python -m cxcore scorecard --workspace W [--period P] [--json]``: the scorecard on the
command line (registered in :data:`cxcore.cli.COMMAND_MODULES`)."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from cxcore import locale_settings as loc
from cxcore import scorecard as sc
from cxcore.accounts import Accounts
from cxcore.cli import open_workspace_session
from cxcore.period import parse_period


def register(subparsers: Any) -> None:
    """Add the ``scorecard`` subcommand."""
    parser = subparsers.add_parser(
        "scorecard", help="print a workspace's scorecard",
        description="Print the hard-plus-soft scorecard of a workspace. Metrics without data "
                    "are shown as null (JSON) or '-'.")
    parser.add_argument("--workspace", required=True, help="workspace name or id")
    parser.add_argument("--period", default="all",
                        help="all (default), a year 2026, a quarter 2026-Q3, a month 2026-05 "
                             "or a range 2026-01-01..2026-03-31")
    parser.add_argument("--compare", metavar="PERIOD",
                        help="compare with this period (e.g. the one before): prints each "
                             "metric's change and whether it is larger than the noise")
    parser.add_argument("--segment", help="only this customer segment")
    parser.add_argument("--channel", help="only this channel")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=cmd_scorecard)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, float):
        return round(value, 4)
    return value


def cmd_scorecard(args: argparse.Namespace, accounts: Accounts) -> int:
    """Print the scorecard of ``--workspace`` for ``--period``."""
    session = open_workspace_session(accounts, args.workspace)
    try:
        period = parse_period(args.period)  # once, here; functions below take the value
        card = sc.scorecard(session, period, segment=args.segment, channel=args.channel)
        before = (sc.scorecard(session, parse_period(args.compare), segment=args.segment,
                               channel=args.channel) if args.compare else None)
        min_n = sc.small_sample_threshold(session)
        where = loc.workspace_locale(session)
    finally:
        session.close()
    info = session.info
    changes = sc.compare(card, before, min_n=min_n) if before is not None else None
    raw = card
    card = {k: _clean(v) for k, v in card.items()}
    card["workspace"] = info.name
    card["currency"] = where.currency
    if changes is not None:
        card["compared_with"] = before["period"]  # type: ignore[index]
        card["changes"] = {k: c.as_json() for k, c in changes.items()}
        card["tests"] = sc.TESTS_NOTE
    if args.json:
        print(json.dumps(card, indent=2, ensure_ascii=False))
        return 0
    print(f"Scorecard of '{info.name}', period {card['period']}"
          + (f", compared with {card['compared_with']}" if changes is not None else ""))
    print(f"  {'Survey responses':<26}{card['responses']:>14,}")
    print(f"  {'Customers':<26}{card['customers']:>14,}")
    for d in sc.METRICS:
        value = raw.get(d.key)
        text = sc.format_value(value, d.unit, precise=True, missing="-", where=where)
        extra = ""
        if value is not None and (interval := sc.metric_interval_text(
                raw, d.key, precise=True, where=where)):
            extra = f"  {interval}"
        print(f"  {d.label:<26}{text:>14}{extra}")
        if changes is not None and changes[d.key].change is not None:
            c = changes[d.key]
            print(f"  {'':<26}{sc.format_change(c.change, d.unit, where):>14}  {c.note}")
    if changes is not None:
        print(sc.TESTS_NOTE)
    return 0

