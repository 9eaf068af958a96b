"""The money story on the command line (registered in :data:`cxcore.cli.COMMAND_MODULES`):

- ``python -m cxcore money --workspace W [--period P] [--json]``: revenue at risk and referral
  value (:func:`cxcore.money.revenue_at_risk`, :func:`cxcore.money.referral_value`);
- ``python -m cxcore business-case --workspace W --convert-detractors 10 --cost 5000 [--to
  promoter|passive] [--period P] [--json]``: :func:`cxcore.money.business_case`.

The text output is the same sentences the Scorecard page and the report show.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from cxcore.cli import add_as_option, add_json_option, open_workspace_session, print_json

if TYPE_CHECKING:
    from cxcore.accounts import Accounts


def register(subparsers: Any) -> None:
    """Add the ``money`` and ``business-case`` subcommands."""
    money = subparsers.add_parser(
        "money", help="revenue at risk and referral value of a period",
        description="What detractors and passives put at risk against promoters, and what "
                    "referred customers are worth, from the workspace's own records.")
    case = subparsers.add_parser(
        "business-case", help="the business case for converting detractors",
        description="If a share of detractors became passives or promoters: the extra revenue "
                    "and margin a year, ROI and payback against a programme cost, each with "
                    "its 95 % interval and source.")
    for parser in (money, case):
        parser.add_argument("--workspace", required=True, help="workspace name or id")
        parser.add_argument("--period", help="all, a year, a quarter, a month or a range "
                                             "(default: the Scorecard's default period)")
        add_as_option(parser)
        add_json_option(parser)
    case.add_argument("--convert-detractors", type=float, required=True, metavar="PCT",
                      help="percentage of detractors who change group (above 0, at most 100)")
    case.add_argument("--cost", type=float, required=True, help="programme cost")
    case.add_argument("--to", choices=("promoter", "passive"), default="promoter",
                      help="the group they move to (default: promoter)")
    money.set_defaults(func=cmd_money)
    case.set_defaults(func=cmd_business_case)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float):
        return round(value, 4) if math.isfinite(value) else None
    return value


def cmd_money(args: argparse.Namespace, accounts: Accounts) -> int:
    """Print revenue at risk and referral value."""
    from cxcore import locale_settings as loc
    from cxcore import money
    from cxcore import scorecard as sc

    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        period = args.period or sc.default_period(session)
        risk = money.revenue_at_risk(session, period)
        referral = money.referral_value(session, period)
        where = loc.workspace_locale(session)
    finally:
        session.close()
    if args.json:
        print_json(_clean({"workspace": session.info.name, "period": risk["period"],
                           "currency": where.currency, "revenue_at_risk": risk,
                           "referral_value": referral}))
        return 0
    print(f"The money story of '{session.info.name}', period {risk['period']}")
    print("Revenue at risk:")
    for line in money.risk_lines(risk, where):
        print(f"  {line}")
    print("Referral value:")
    for line in money.referral_lines(referral, where):
        print(f"  {line}")
    return 0


def cmd_business_case(args: argparse.Namespace, accounts: Accounts) -> int:
    """Print the business case for converting ``--convert-detractors`` % of detractors."""
    from cxcore import locale_settings as loc
    from cxcore import money

    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        case = money.business_case(session, convert_pct=args.convert_detractors,
                                   cost=args.cost, to=args.to, period=args.period)
        where = loc.workspace_locale(session)
    finally:
        session.close()
    if args.json:
        print_json(_clean({"workspace": session.info.name, "currency": where.currency,
                           **money.business_case_json(case)}))
        return 0
    print(f"Business case for '{session.info.name}', period {case['period']}")
    for line in money.case_lines(case, where):
        print(f"  {line}")
    return 0
