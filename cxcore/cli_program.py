"""The CX program's records on the command line: interviews, journeys, actions, the checklist
and the scorecard's targets (registered in :data:`cxcore.cli.COMMAND_MODULES`).

Every command opens ``--workspace`` as the server's operator (owner rights) or, with
``--as USER``, as that member, whose role the cxcore function checks exactly as in the app.
Every one prints JSON with ``--json``. The handlers only translate arguments: the rules are in
:mod:`cxcore.interviews`, :mod:`cxcore.journeys`, :mod:`cxcore.checklist` and
:mod:`cxcore.scorecard`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cxcore.cli import add_as_option, add_json_option, open_workspace_session, print_json
from cxcore.errors import NotFound, Problem, ValidationError

if TYPE_CHECKING:
    from cxcore.accounts import Accounts
    from cxcore.workspace import WorkspaceSession

Handler = Callable[[argparse.Namespace, "WorkspaceSession"], Any]


def _leaf(group: Any, name: str, help_text: str, handler: Handler) -> argparse.ArgumentParser:
    """A subcommand with ``--workspace``, ``--as`` and ``--json``, running ``handler`` on an
    open session and printing what it returns."""
    parser = group.add_parser(name, help=help_text)
    parser.add_argument("--workspace", required=True, help="workspace name or id")
    add_as_option(parser)
    add_json_option(parser)
    parser.set_defaults(func=_runner(handler))
    return parser


def _runner(handler: Handler) -> Callable[[argparse.Namespace, Accounts], int]:
    def run(args: argparse.Namespace, accounts: Accounts) -> int:
        session = open_workspace_session(accounts, args.workspace, args.as_user)
        try:
            result = handler(args, session)
        finally:
            session.close()
        if args.json:
            print_json(result)
        else:
            _print_text(result)
        return 0
    return run


def _print_text(result: Any) -> None:
    """Plain text: a list as one tab-separated line per record, a record as ``key: value``."""
    if isinstance(result, list):
        if not result:
            print("(none)")
        for row in result:
            print("\t".join(_cell(v) for v in _brief(row).values()))
    elif isinstance(result, dict):
        for key, value in result.items():
            if isinstance(value, list):
                print(f"{key}:")
                for row in value:
                    print("  " + "\t".join(_cell(v) for v in _brief(row).values()))
            else:
                print(f"{key}: {_cell(value)}")
    elif result is not None:
        print(result)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


#: The columns plain text shows of a record (JSON has all of them).
BRIEF = ("id", "number", "date", "kind", "interviewee", "name", "title", "status", "health",
         "step_name", "actor_name", "what", "owner", "due_date", "target", "warn_at", "metric",
         "progress", "sentiment", "tags", "steps", "actors", "red", "journey_name")


def _brief(row: Any) -> dict:
    if not isinstance(row, dict):
        return {"value": row}
    return {k: row[k] for k in BRIEF if k in row} or row


def _journey(session: WorkspaceSession, ref: str) -> dict:
    """A journey by id or by name (case-insensitive)."""
    from cxcore import journeys

    rows = journeys.list_journeys(session, include_archived=True)
    text = str(ref).strip()
    for row in rows:
        if (text.isdigit() and row["id"] == int(text)) or row["name"].casefold() == text.casefold():
            return row
    raise NotFound(f"No journey '{text}' in this workspace.")


def _pick(rows: list[dict], ref: str, what: str) -> dict:
    """A step or actor of a journey by id, position (steps) or name."""
    text = str(ref).strip()
    for row in rows:
        if row["name"].casefold() == text.casefold():
            return row
    if text.isdigit():
        for row in rows:
            if row["id"] == int(text):
                return row
    names = ", ".join(r["name"] for r in rows) or "none yet"
    raise ValidationError(Problem(what, f"'{text}' is not one of this journey's {what}s "
                                        f"({names})"))


# ---- interviews -----------------------------------------------------------------------------

def interview_add(args: argparse.Namespace, session: WorkspaceSession) -> dict:
    """Log one interview (editors)."""
    from cxcore import interviews

    data = {"kind": args.kind, "date": args.date, "interviewee": args.interviewee,
            "role_segment": args.segment, "channel": args.channel,
            "interviewer": args.interviewer, "notes": args.notes, "key_quotes": args.quotes,
            "pain_points": args.pain_points, "works_well": args.works_well,
            "sentiment": args.sentiment, "tags": args.tags}
    if args.journey:
        data["journey_id"] = _journey(session, args.journey)["id"]
    new_id = interviews.create_interview(session, data)
    return interviews.get_interview(session, new_id)


def interview_list(args: argparse.Namespace, session: WorkspaceSession) -> list[dict]:
    """Interviews, newest first, filtered like the Interview log page."""
    from cxcore import interviews

    journey_id = _journey(session, args.journey)["id"] if args.journey else None
    return interviews.list_interviews(
        session, kind=args.kind, date_from=args.date_from, date_to=args.date_to, tag=args.tag,
        journey_id=journey_id, sentiment=args.sentiment, search=getattr(args, "text", None),
        limit=args.limit)


# ---- journeys -------------------------------------------------------------------------------

def journey_list(args: argparse.Namespace, session: WorkspaceSession) -> list[dict]:
    """Journeys with their step, actor and rating counts."""
    from cxcore import journeys

    return journeys.list_journeys(session, include_archived=args.archived)


def journey_show(args: argparse.Namespace, session: WorkspaceSession) -> dict:
    """One journey: steps, actors, every part with its health, and the summary counts."""
    from cxcore import journeys

    journey = _journey(session, args.journey)
    jid = journey["id"]
    return {**journey, "summary": journeys.journey_summary(session, jid),
            "steps": journeys.list_steps(session, jid),
            "actors": journeys.list_actors(session, jid),
            "parts": journeys.list_parts(session, jid)}


def journey_rate(args: argparse.Namespace, session: WorkspaceSession) -> dict:
    """Rate the part where an actor meets a step green, yellow or red (editors)."""
    from cxcore import journeys

    journey = _journey(session, args.journey)
    step = _pick(journeys.list_steps(session, journey["id"]), args.step, "step")
    actor = _pick(journeys.list_actors(session, journey["id"]), args.actor, "actor")
    health = None if args.health.lower() in ("none", "unrated") else args.health.lower()
    part_id = journeys.set_health(session, step["id"], actor["id"], health, note=args.note)
    return journeys.get_part(session, part_id)


# ---- actions --------------------------------------------------------------------------------

def action_list(args: argparse.Namespace, session: WorkspaceSession) -> list[dict]:
    """Actions across journeys, overdue first."""
    from cxcore import journeys

    journey_id = _journey(session, args.journey)["id"] if args.journey else None
    return journeys.list_actions(session, status=args.status, journey_id=journey_id,
                                 owner=args.owner, overdue_only=args.overdue)


def action_add(args: argparse.Namespace, session: WorkspaceSession) -> dict:
    """Add an action to a red or yellow part (editors)."""
    from cxcore import journeys

    journey = _journey(session, args.journey)
    step = _pick(journeys.list_steps(session, journey["id"]), args.step, "step")
    actor = _pick(journeys.list_actors(session, journey["id"]), args.actor, "actor")
    part = next((p for p in journeys.list_parts(session, journey["id"])
                 if p["step_id"] == step["id"] and p["actor_id"] == actor["id"]), None)
    if part is None:
        raise ValidationError(Problem("part", f"'{actor['name']}' takes no part in "
                                              f"'{step['name']}': rate it first"))
    action_id = journeys.add_action(session, part["id"], args.what, owner=args.owner or "",
                                    due_date=args.due, status=args.status)
    return journeys.get_action(session, action_id)


def action_update(args: argparse.Namespace, session: WorkspaceSession) -> dict:
    """Change an action's text, owner, due date or status (editors)."""
    from cxcore import journeys

    fields = {key: value for key, value in (
        ("what", args.what), ("owner", args.owner), ("due_date", args.due),
        ("status", args.status)) if value is not None}
    if not fields:
        raise ValidationError(Problem("action", "nothing to change: give --what, --owner, "
                                                "--due or --status"))
    journeys.update_action(session, args.id, **fields)
    return journeys.get_action(session, args.id)


# ---- checklist ------------------------------------------------------------------------------

def checklist_show(args: argparse.Namespace, session: WorkspaceSession) -> dict:
    """The six steps: status (evidence or override), progress, owner, due date."""
    from cxcore import checklist

    view = checklist.overview(session)
    steps = [{k: s[k] for k in ("number", "title", "status", "suggested_status", "overridden",
                                "override_note", "progress", "evidence_summary", "owner",
                                "due_date", "notes")} for s in view["steps"]]
    return {"total_progress": view["total_progress"], "done_count": view["done_count"],
            "purpose_statement": view["purpose_statement"], "targets": view["targets"],
            "steps": steps}


def checklist_set(args: argparse.Namespace, session: WorkspaceSession) -> dict:
    """Set a step's owner, due date or notes, or override its status (editors); fields not
    given keep their value."""
    from cxcore import checklist

    current = next((s for s in checklist.overview(session)["steps"]
                    if s["number"] == args.step), None)
    if current is None:
        checklist.step_info(args.step)  # raises the readable error
    if args.status and args.clear_status:
        raise ValidationError(Problem("status", "give --status or --clear-status, not both"))
    if any(v is not None for v in (args.owner, args.due, args.notes)):
        checklist.update_step(
            session, args.step,
            owner=current["owner"] if args.owner is None else args.owner,
            due_date=current["due_date"] if args.due is None else args.due,
            notes=current["notes"] if args.notes is None else args.notes)
    if args.status:
        checklist.set_override(session, args.step, args.status, args.note or "")
    elif args.clear_status:
        checklist.clear_override(session, args.step)
    return next(s for s in checklist_show(args, session)["steps"] if s["number"] == args.step)


# ---- targets --------------------------------------------------------------------------------

def targets_list(args: argparse.Namespace, session: WorkspaceSession) -> list[dict]:
    """The scorecard's targets, one per metric that has one."""
    from cxcore import scorecard

    return [{"metric": key, "label": scorecard.METRIC_BY_KEY[key].label, **entry}
            for key, entry in scorecard.targets(session).items()]


def targets_set(args: argparse.Namespace, session: WorkspaceSession) -> list[dict]:
    """Set (or with ``none`` remove) one metric's target and yellow limit (editors)."""
    from cxcore import scorecard

    current = scorecard.targets(session)
    if args.target.strip().lower() == "none":
        current.pop(args.metric, None)
        if args.metric not in scorecard.METRIC_BY_KEY:
            raise ValidationError(Problem(args.metric, "is not a scorecard metric"))
    else:
        current[args.metric] = {"target": _number("target", args.target),
                                "warn_at": None if args.warn_at is None
                                else _number("--warn-at", args.warn_at)}
    scorecard.set_targets(session, current)
    return targets_list(args, session)


def _number(field: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValidationError(Problem(field, f"'{text}' is not a number")) from None


# ---- the parser -----------------------------------------------------------------------------

def _group(parser: argparse.ArgumentParser) -> Any:
    return parser.add_subparsers(dest=f"{parser.prog.split()[-1]}_command", required=True,
                                 metavar="ACTION")


def _interview_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=("customer", "employee"))
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="on or after")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="on or before")
    parser.add_argument("--tag")
    parser.add_argument("--journey", help="journey name or id")
    parser.add_argument("--sentiment", choices=("negative", "neutral", "positive"))
    parser.add_argument("--limit", type=int)


def register(subparsers: Any) -> None:
    """Add ``interview``, ``journey``, ``action``, ``checklist`` and ``targets``."""
    iv = _group(subparsers.add_parser("interview", help="log, list and search interviews"))
    add = _leaf(iv, "add", "log an interview", interview_add)
    add.add_argument("--kind", required=True, choices=("customer", "employee"))
    add.add_argument("--date", required=True, help="YYYY-MM-DD")
    add.add_argument("--interviewee", required=True, help="a name or a label like 'Customer A'")
    for option in ("--segment", "--channel", "--interviewer", "--notes", "--quotes",
                   "--pain-points", "--works-well", "--sentiment", "--journey"):
        add.add_argument(option)
    add.add_argument("--tags", help="comma-separated")
    _interview_filters(_leaf(iv, "list", "list interviews, newest first", interview_list))
    search = _leaf(iv, "search", "full-text search of notes, quotes, pain points",
                   interview_list)
    search.add_argument("text", help="every word must appear (prefix match)")
    _interview_filters(search)

    jr = _group(subparsers.add_parser("journey", help="list, show and rate journey maps"))
    _leaf(jr, "list", "list journeys", journey_list).add_argument(
        "--archived", action="store_true", help="include archived journeys")
    _leaf(jr, "show", "one journey: steps, actors, parts and their health",
          journey_show).add_argument("journey", help="journey name or id")
    rate = _leaf(jr, "rate", "rate a part green, yellow or red", journey_rate)
    rate.add_argument("journey", help="journey name or id")
    rate.add_argument("step", help="step name or id")
    rate.add_argument("actor", help="actor name or id")
    rate.add_argument("health", help="green, yellow, red or none")
    rate.add_argument("--note", help="why (replaces the part's note)")

    ac = _group(subparsers.add_parser(
        "action", help="list, add and update actions on red and yellow parts"))
    alist = _leaf(ac, "list", "list actions, overdue first", action_list)
    alist.add_argument("--status", choices=("open", "in progress", "done"))
    alist.add_argument("--journey", help="journey name or id")
    alist.add_argument("--owner")
    alist.add_argument("--overdue", action="store_true")
    aadd = _leaf(ac, "add", "add an action to a red or yellow part", action_add)
    aadd.add_argument("journey", help="journey name or id")
    aadd.add_argument("step", help="step name or id")
    aadd.add_argument("actor", help="actor name or id")
    aadd.add_argument("what", help="what will be done")
    aadd.add_argument("--owner")
    aadd.add_argument("--due", help="due date YYYY-MM-DD")
    aadd.add_argument("--status", default="open", choices=("open", "in progress", "done"))
    aupd = _leaf(ac, "update", "change an action", action_update)
    aupd.add_argument("id", type=int)
    aupd.add_argument("--what")
    aupd.add_argument("--owner")
    aupd.add_argument("--due", help="due date YYYY-MM-DD ('' clears it)")
    aupd.add_argument("--status", choices=("open", "in progress", "done"))

    cl = _group(subparsers.add_parser("checklist", help="the six steps of the program"))
    _leaf(cl, "show", "where the six steps stand", checklist_show)
    cset = _leaf(cl, "set", "set a step's owner, due date, notes or status", checklist_set)
    cset.add_argument("step", type=int, help="1-6")
    cset.add_argument("--owner")
    cset.add_argument("--due", help="due date YYYY-MM-DD ('' clears it)")
    cset.add_argument("--notes")
    cset.add_argument("--status", choices=("not started", "in progress", "done"),
                      help="override the evidence's suggestion (needs --note)")
    cset.add_argument("--note", help="why the status is overridden")
    cset.add_argument("--clear-status", action="store_true",
                      help="go back to the evidence's suggestion")

    tg = _group(subparsers.add_parser("targets", help="the scorecard's targets"))
    _leaf(tg, "list", "targets per metric", targets_list)
    tset = _leaf(tg, "set", "set a metric's target (or 'none' to remove it)", targets_set)
    tset.add_argument("metric", help="metric key, e.g. nps, csat, retention")
    tset.add_argument("target", help="a number, or none")
    tset.add_argument("--warn-at", help="the yellow limit, on the bad side of the target")
