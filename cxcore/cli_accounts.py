"""``activity`` and ``account``: the activity and account logs, and administering accounts.

``python -m cxcore activity --workspace W --json`` prints a workspace's activity (its data
changes and the account-log entries about it); ``activity --accounts`` prints the whole account
log. ``account disable|enable|delete|rights|sign-out USER`` are the administrator's actions on
the People part of the Workspaces page, run as the server's operator.
"""

from __future__ import annotations

import argparse
import json

from cxcore import activity
from cxcore.accounts import SYSTEM, Accounts
from cxcore.cli import open_workspace_session
from cxcore.errors import CXError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``activity`` and ``account`` commands."""
    act = sub.add_parser("activity", help="print a workspace's activity or the account log",
                         description="Who changed what and when, newest first.")
    where = act.add_mutually_exclusive_group(required=True)
    where.add_argument("--workspace", help="workspace name or id")
    where.add_argument("--accounts", action="store_true",
                       help="the account log (accounts, rights, memberships, workspaces)")
    act.add_argument("--person", help="only entries by or about this username")
    act.add_argument("--kind", help="only this kind (e.g. membership, workspace, interview)")
    act.add_argument("--since", help="first day, e.g. 2026-01-01 (inclusive)")
    act.add_argument("--until", help="last day (inclusive)")
    act.add_argument("--json", action="store_true", help="print JSON")
    act.set_defaults(func=cmd_activity)

    account = sub.add_parser("account", help="disable, enable, delete or set rights of "
                                             "accounts").add_subparsers(
        dest="account_command", required=True, metavar="ACTION")
    for name, text in (("disable", "disable an account and sign it out everywhere"),
                       ("enable", "let a disabled account sign in again"),
                       ("delete", "delete an account (not a workspace's only owner)"),
                       ("sign-out", "end every session of an account")):
        p = account.add_parser(name, help=text)
        p.add_argument("username")
        p.set_defaults(func=cmd_account, action=name)
    rights = account.add_parser("rights", help="set an account's rights")
    rights.add_argument("username")
    rights.add_argument("--create-workspaces", choices=("on", "off"),
                        help="may create workspaces and load the demo")
    rights.add_argument("--admin", choices=("on", "off"), help="administrator")
    rights.set_defaults(func=cmd_account, action="rights")


def cmd_activity(args: argparse.Namespace, accounts: Accounts) -> int:
    """Print the activity of ``--workspace`` or, with ``--accounts``, the account log."""
    filters = {"person": args.person, "kind": args.kind, "since": args.since,
               "until": args.until}
    if args.accounts:
        entries = activity.account_log(accounts, by=SYSTEM, **filters)
    else:
        session = open_workspace_session(accounts, args.workspace)
        try:
            entries = activity.workspace_activity(accounts, session, **filters)
        finally:
            session.close()
    if args.json:
        print(json.dumps([{c: e[c] for c in activity.COLUMNS} for e in entries], indent=2,
                         ensure_ascii=False))
        return 0
    if not entries:
        print("No activity.")
    for e in entries:
        change = f"  [{e['change']}]" if e["change"] else ""
        print(f"{e['at']}\t{e['who']}\t{e['kind']}\t{e['what']}{change}")
    return 0


def cmd_account(args: argparse.Namespace, accounts: Accounts) -> int:
    """Disable, enable, delete, sign out or set the rights of ``username``."""
    name = args.username.strip().lower()
    if args.action == "disable":
        accounts.set_disabled(name, True, by=SYSTEM)
        print(f"Disabled '{name}' and signed it out.")
    elif args.action == "enable":
        accounts.set_disabled(name, False, by=SYSTEM)
        print(f"Enabled '{name}'.")
    elif args.action == "delete":
        accounts.delete_user(name, by=SYSTEM)
        print(f"Deleted '{name}'.")
    elif args.action == "sign-out":
        accounts.revoke_sessions(name, by=SYSTEM)
        print(f"Signed '{name}' out everywhere.")
    else:
        if args.create_workspaces is None and args.admin is None:
            raise CXError("Give --create-workspaces on|off and/or --admin on|off.")
        if args.admin is not None:
            accounts.set_admin(name, args.admin == "on", by=SYSTEM)
        if args.create_workspaces is not None:
            accounts.set_may_create_workspaces(name, args.create_workspaces == "on", by=SYSTEM)
        user = accounts.get_user(name)
        print(f"'{name}': administrator {'yes' if user['is_admin'] else 'no'}, may create "
              f"workspaces {'yes' if user['is_admin'] or user['may_create_workspaces'] else 'no'}.")
    return 0
