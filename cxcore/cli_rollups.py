"""``python -m cxcore check --workspace W [--json]``: recompute every rollup from the raw rows
and report any difference (registered in :data:`cxcore.cli.COMMAND_MODULES`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cxcore.accounts import Accounts
from cxcore.cli import open_workspace_session


def register(subparsers: Any) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check", help="check a workspace's rollups against its raw rows",
        description="Recompute every rollup (responses per day, answers per attribute, revenue "
                    "per customer and month, customers per month) from the raw rows, compare "
                    "them with the stored ones and list any difference. Changes nothing. "
                    "Exit status 1 when something differs.")
    parser.add_argument("--workspace", required=True, help="workspace name or id")
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        help="act as this member (default: the server's operator)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace, accounts: Accounts) -> int:
    """Print the rollup check of ``--workspace``; 1 when a rollup differs from the rows."""
    from cxcore import rollups

    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        report = rollups.check(session.db.conn)
    finally:
        session.close()
    report["workspace"] = session.info.name
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        return 0 if report["ok"] else 1
    verdict = "match the raw rows" if report["ok"] else "DIFFER from the raw rows"
    print(f"Rollups of '{session.info.name}' {verdict}.")
    fp = report["fingerprint"]
    if fp["stored"] != fp["rows"]:
        print(f"  the raw rows changed since the rollups were computed (stored {fp['stored']}, "
              f"now {fp['rows']}): the scorecard reads the raw rows until they are rebuilt")
    for table, result in report["tables"].items():
        print(f"  {table:<26}{result['rows']:>10,} rows, {result['differences']:,} differences")
        for example in result["examples"][:5]:
            print(f"    {example['key']}: stored {example['stored']}, "
                  f"recomputed {example['recomputed']}")
    return 0 if report["ok"] else 1
