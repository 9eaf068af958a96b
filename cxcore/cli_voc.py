"""The voice of the customer on the command line: survey comments, tagging rules, follow-ups
and one customer's record (view, export, erasure).

``comments --workspace W [--search Q] [--group G] [--tag T] ... [--json]`` prints one page of
comments (``{"total": N, "comments": [...]}`` with ``--json``); ``--add-tag TAG`` tags every
comment matching the filters. ``tag-rules list|add|delete`` edit the automatic tagging rules.
Commands act as the server's operator (owner rights) unless ``--as USER`` names a member,
whose role is then checked like in the app.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cxcore import comments
from cxcore.accounts import Accounts
from cxcore.cli import open_workspace_session


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {"search": args.search, "group": args.group, "tag": args.tag,
            "segment": args.segment, "channel": args.channel, "period": args.period,
            "journey_step_id": args.step, "customer_id": args.customer}


def cmd_comments(args: argparse.Namespace, accounts: Accounts) -> int:
    """List (one page of) survey comments matching the filters, or tag them all."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        if args.add_tag:
            added = comments.tag_matching(session, args.add_tag, **_filters(args))
            if args.json:
                _print_json({"tagged": added, "tag": args.add_tag})
            else:
                print(f"Tagged {added} comment{'s' if added != 1 else ''} '{args.add_tag}'.")
            return 0
        page = comments.list_comments(session, order=args.order, limit=args.limit,
                                      offset=args.offset, **_filters(args))
        if args.json:
            _print_json(page)
            return 0
        shown = len(page["comments"])
        print(f"{page['total']} comment{'s' if page['total'] != 1 else ''}"
              + (f"; showing {args.offset + 1}-{args.offset + shown}" if shown else ""))
        for c in page["comments"]:
            nps = "-" if c["nps"] is None else c["nps"]
            tags = f" [{', '.join(c['tags'])}]" if c["tags"] else ""
            print(f"{c['id']}\t{c['date']}\tNPS {nps}\t{c['customer_id'] or ''}\t"
                  f"{' '.join(c['comment'].split())}{tags}")
        return 0
    finally:
        session.close()


def cmd_rules(args: argparse.Namespace, accounts: Accounts) -> int:
    """List, add or delete automatic tagging rules."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        if args.rules_command == "add":
            rule_id = comments.add_rule(session, args.pattern, args.tag)
            print(f"Added rule {rule_id}: '{args.pattern}' → {args.tag}.")
        elif args.rules_command == "delete":
            comments.delete_rule(session, args.rule_id)
            print(f"Deleted rule {args.rule_id}.")
        else:
            rules = comments.list_rules(session)
            if args.json:
                _print_json(rules)
            for r in [] if args.json else rules:
                print(f"{r['id']}\t{r['pattern']}\t→ {r['tag']}")
        return 0
    finally:
        session.close()


def _common(parser: argparse.ArgumentParser, json_flag: bool = True) -> None:
    parser.add_argument("--workspace", required=True, help="workspace name or id")
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        help="act as this member (their role is checked)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON")


def register(subparsers: Any) -> None:
    """Add ``comments`` and ``tag-rules``."""
    com = subparsers.add_parser(
        "comments", help="search and tag survey comments",
        description="One page of survey comments, detractors first. --search ignores accents "
                    "and case and matches word starts ('delai' finds 'délai', 'caisse' finds "
                    "'caisses'); every word must appear.")
    _common(com)
    com.add_argument("--search", help="words that must all appear")
    com.add_argument("--group", choices=list(comments.GROUPS), help="NPS group")
    com.add_argument("--tag", help="comments carrying this tag (by hand or by a rule)")
    com.add_argument("--segment")
    com.add_argument("--channel")
    com.add_argument("--step", type=int, help="journey step id")
    com.add_argument("--customer", help="one customer's comments")
    com.add_argument("--period", help="all, 2026, 2026-Q3, 2026-05 or 2026-01-01..2026-03-31")
    com.add_argument("--order", choices=list(comments.ORDERS), default="detractors")
    com.add_argument("--limit", type=int, default=50, help="comments per page (default 50)")
    com.add_argument("--offset", type=int, default=0, help="skip this many first")
    com.add_argument("--add-tag", metavar="TAG", help="tag every matching comment instead")
    com.set_defaults(func=cmd_comments)

    rules = subparsers.add_parser(
        "tag-rules", help="automatic tagging rules for comments (keyword or phrase → tag)")
    rsub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    lst = rsub.add_parser("list", help="list the rules")
    _common(lst)
    add = rsub.add_parser("add", help="add a rule")
    add.add_argument("pattern", help="keyword or phrase, e.g. \"temps d'attente\"")
    add.add_argument("tag")
    _common(add, json_flag=False)
    delete = rsub.add_parser("delete", help="delete a rule")
    delete.add_argument("rule_id", type=int)
    _common(delete, json_flag=False)
    rules.set_defaults(func=cmd_rules)
