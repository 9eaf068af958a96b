"""The voice of the customer on the command line: survey comments, tagging rules, follow-ups
and one customer's record (view, export, erasure).

``comments --workspace W [--search Q] [--group G] [--tag T] ... [--json]`` prints one page of
comments (``{"total": N, "comments": [...]}`` with ``--json``); ``--add-tag TAG`` tags every
comment matching the filters. ``tag-rules list|add|delete`` edit the automatic tagging rules.
``follow-ups list|update|stats`` work the follow-up inbox. ``customer ID`` prints one
customer's record and timeline; ``--export --out DIR`` writes it as JSON and CSV (owners),
``--erase`` erases them for good (owners; asks for the id again, or takes ``--confirm ID``).
Commands act as the server's operator (owner rights) unless ``--as USER`` names a member,
whose role is then checked like in the app.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cxcore import comments, customer_view, followups, privacy
from cxcore.accounts import Accounts
from cxcore.cli import open_workspace_session
from cxcore.errors import Problem, ValidationError


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


def cmd_follow_ups(args: argparse.Namespace, accounts: Accounts) -> int:
    """List, update or summarise follow-ups."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        if args.fu_command == "update":
            changes = {k: v for k, v in (("owner", args.owner), ("status", args.status),
                                         ("note", args.note), ("due_date", args.due),
                                         ("action_id", args.action)) if v is not None}
            result = followups.update_follow_up(session, args.response_id, **changes)
            if args.json:
                _print_json(result)
            else:
                print(f"Follow-up of response {args.response_id}: {result['status']}"
                      + (f", owner {result['owner']}" if result["owner"] else "")
                      + (f", due {result['due_date']}" if result["due_date"] else "") + ".")
        elif args.fu_command == "stats":
            stats = followups.follow_up_stats(session, args.period)
            if args.json:
                _print_json(stats)
            else:
                rate = "-" if stats["rate_pct"] is None else f"{stats['rate_pct']:.1f} %"
                days = ("-" if stats["median_days_to_close"] is None
                        else f"{stats['median_days_to_close']:g} days")
                print(f"Flagged {stats['flagged']}, followed up {stats['followed']} ({rate}), "
                      f"resolved {stats['resolved']}, median time to close {days}; open now "
                      f"{stats['open']}, overdue {stats['overdue']}.")
        else:
            box = followups.inbox(session, status=args.status, owner=args.owner,
                                  period=args.period, overdue=args.overdue, limit=args.limit,
                                  offset=args.offset)
            if args.json:
                _print_json(box)
                return 0
            print(f"{box['total']} follow-up{'s' if box['total'] != 1 else ''}")
            for f in box["follow_ups"]:
                print(f"{f['response_id']}\t{f['date']}\tNPS {f['nps']}\t{f['status']}\t"
                      f"{f['owner'] or '-'}\t{f['due_date'] or ''}\t{f['customer_id'] or ''}")
        return 0
    finally:
        session.close()


def cmd_customer(args: argparse.Namespace, accounts: Accounts) -> int:
    """Show, export or erase one customer."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        if args.erase:
            confirm = args.confirm
            if confirm is None:
                import sys

                if not sys.stdin.isatty():
                    raise ValidationError(Problem("confirm", "give --confirm ID to erase "
                                                             "without a terminal"))
                confirm = input(f"Erase customer '{args.customer_id}' for good? It cannot be "
                                "undone. Type their id to confirm: ")
            result = privacy.erase_customer(session, args.customer_id, confirm)
            if args.json:
                _print_json(result)
            else:
                print(f"Erased customer '{args.customer_id}': now {result['anonymous_id']}; "
                      f"{result.get('comments', 0)} comments and "
                      f"{result.get('interviews', 0)} interviews' text removed.")
            return 0
        if args.export:
            data = privacy.export_customer(session, args.customer_id)
            for path in privacy.write_export(data, args.out, args.customer_id):
                print(f"Wrote {path}")
            return 0
        view = customer_view.customer_timeline(session, args.customer_id)
        if args.json:
            _print_json(view)
            return 0
        c = view["customer"]
        print(f"{c['id']}  {c.get('name') or ''}  segment {c.get('segment') or '-'}, channel "
              f"{c.get('channel') or '-'}")
        total = view["value"]["revenue_total"]
        print(f"Revenue so far: {'-' if total is None else f'{total:,.2f}'}; "
              f"{len(view['responses'])} answers, {len(view['interviews'])} interviews, "
              f"{len(view['follow_ups'])} follow-ups")
        for event in view["timeline"]:
            print(f"{event['date']}\t{event['kind']}\t{' '.join(event['summary'].split())}")
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
    """Add ``comments``, ``tag-rules``, ``follow-ups`` and ``customer``."""
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

    fu = subparsers.add_parser("follow-ups", help="the follow-up inbox: list, update, stats")
    fsub = fu.add_subparsers(dest="fu_command", required=True, metavar="ACTION")
    flist = fsub.add_parser("list", help="open follow-ups (detractors are flagged by default)")
    _common(flist)
    flist.add_argument("--status", default="open",
                       choices=["open", "all", *followups.STATUSES])
    flist.add_argument("--owner", help="one person's ('-' for nobody's yet)")
    flist.add_argument("--period", help="answers of this period (as for scorecard)")
    flist.add_argument("--overdue", action="store_true", help="past due and not resolved")
    flist.add_argument("--limit", type=int, default=50)
    flist.add_argument("--offset", type=int, default=0)
    fupd = fsub.add_parser("update", help="set owner, status, note, due date or action")
    fupd.add_argument("response_id", type=int)
    _common(fupd)
    fupd.add_argument("--status", choices=list(followups.STATUSES))
    fupd.add_argument("--owner", help="who follows up ('' to clear)")
    fupd.add_argument("--note", help="what was said or done ('' to clear)")
    fupd.add_argument("--due", metavar="YYYY-MM-DD", help="due date ('' to clear)")
    fupd.add_argument("--action", metavar="ID", help="journey action id ('' to unlink)")
    fstats = fsub.add_parser("stats", help="follow-up rate and time to close")
    _common(fstats)
    fstats.add_argument("--period", help="answers of this period (as for scorecard)")
    fu.set_defaults(func=cmd_follow_ups)

    cust = subparsers.add_parser(
        "customer", help="one customer's record and timeline; --export or --erase",
        description="Everything about one customer: answers, comments, revenue, interviews, "
                    "follow-ups, referrals. --export writes it as JSON and CSV (right of "
                    "access); --erase removes their personal data for good (owners).")
    cust.add_argument("customer_id")
    _common(cust)
    cust.add_argument("--export", action="store_true", help="write JSON and CSV into --out")
    cust.add_argument("--out", default=".", help="folder for --export (default: here)")
    cust.add_argument("--erase", action="store_true", help="erase the customer (no undo)")
    cust.add_argument("--confirm", metavar="ID", help="the customer id again, for --erase")
    cust.set_defaults(func=cmd_customer)
