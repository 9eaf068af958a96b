"""The command-line face of cxcore: ``python -m cxcore COMMAND``.

Commands act as the server's operator (whoever can read the data folder), like the
``sqlite-utils`` CLI acts on a file: ``init``, ``user add``, ``workspace create|list``, ``demo``,
``report``, plus the commands that domain modules register (``import``, ``export``,
``scorecard``).
Each handler returns the process exit code; errors are printed as one readable line.

Start-up stays fast (``--help`` is argparse and nothing else): the command modules are read,
not imported, to list their commands, and only the module of the command being run is imported.
Handlers import what they need (``sqlite_utils`` alone imports pandas).
"""

from __future__ import annotations

import argparse
import ast
import getpass
import importlib
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cxcore import __version__
from cxcore.errors import CXError, Unexpected, refusal

if TYPE_CHECKING:
    from cxcore.accounts import Accounts
    from cxcore.workspace import WorkspaceSession

#: The operator's user name (== :data:`cxcore.accounts.SYSTEM`, kept here so start-up does not
#: import the accounts module; tests/test_cli.py checks the two agree).
SYSTEM = "__system__"

#: ``build_parser(ALL)``: every command module imported and registered.
ALL = object()

#: Modules that add subcommands with ``register(subparsers)``.
COMMAND_MODULES: list[str] = [
    "cxcore.cli_scorecard",
    "cxcore.cli_data",
    "cxcore.cli_voc",
    "cxcore.cli_program",
    "cxcore.cli_money",
    "cxcore.cli_drivers",
    "cxcore.cli_compare",
    "cxcore.cli_accounts",
    "cxcore.cli_rollups",
]


def open_workspace_session(accounts: Accounts, workspace: str | int,
                           as_user: str | None = None) -> WorkspaceSession:
    """Open ``--workspace`` (a name or an id) for a command acting ``--as`` ``as_user``: that
    member's role is checked like in the app; without ``as_user`` the command acts as the
    server's operator (:data:`~cxcore.accounts.SYSTEM`, owner rights). Raises
    :class:`~cxcore.errors.NotFound` for a workspace the user cannot see. Close it when done."""
    from cxcore.workspace import open_session

    username = as_user or SYSTEM
    info = accounts.find_workspace(workspace, username)
    return open_session(accounts, info.id, username)


def print_json(value: object) -> None:
    """Print ``value`` as indented JSON, the form every ``--json`` option writes (dates and
    paths as text)."""
    import json

    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """The ``--json`` flag every data command has."""
    parser.add_argument("--json", action="store_true", help="print JSON")


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise CXError("The two passwords do not match.")
    return first


def cmd_init(args: argparse.Namespace, accounts: Accounts) -> int:
    """Create the data folder and the accounts database."""
    print(f"Data folder ready: {accounts.root}")
    if not accounts.has_users():
        print("No users yet: add the administrator with `python -m cxcore user add NAME`.")
    return 0


def cmd_user_add(args: argparse.Namespace, accounts: Accounts) -> int:
    """Add a user; the first one becomes the administrator."""
    first = not accounts.has_users()
    password = _read_password(args)
    user = accounts.create_user(args.username, password, name=args.name, email=args.email,
                                by=SYSTEM, is_admin=args.admin,
                                may_create_workspaces=args.may_create_workspaces)
    role = "administrator" if (first or args.admin) else "user"
    print(f"Added {role} '{user['username']}'.")
    return 0


def cmd_user_list(args: argparse.Namespace, accounts: Accounts) -> int:
    """List users."""
    if args.json:
        print_json([_user_json(u) for u in accounts.list_users()])
        return 0
    for user in accounts.list_users():
        flags = " (admin)" if user["is_admin"] else ""
        flags += " (disabled)" if user["disabled"] else ""
        print(f"{user['username']}\t{user['name']}{flags}")
    return 0


def _user_json(user: dict) -> dict:
    return {**user, "is_admin": bool(user["is_admin"]), "disabled": bool(user["disabled"])}


def cmd_user_show(args: argparse.Namespace, accounts: Accounts) -> int:
    """One user and the workspaces they belong to, with their role in each."""
    user = accounts.get_user(args.username)
    if user is None:
        raise CXError(f"There is no user named '{args.username}'.")
    spaces = [{"id": w.id, "name": w.name, "role": w.role, "archived": w.archived}
              for w in accounts.list_workspaces(user["username"], include_archived=True)]
    if args.json:
        print_json({**_user_json(user), "workspaces": spaces})
        return 0
    print(f"{user['username']}\t{user['name']}" + (" (admin)" if user["is_admin"] else "")
          + (" (disabled)" if user["disabled"] else ""))
    for key in ("email", "created_at"):
        print(f"  {key}: {user[key] or '-'}")
    for ws in spaces:
        print(f"  {ws['role']:<7} {ws['id']}\t{ws['name']}" + (" (archived)" if ws["archived"]
                                                             else ""))
    return 0


def _default_owner(accounts: Accounts, owner: str | None) -> str:
    if owner:
        return owner
    admins = [u["username"] for u in accounts.list_users() if u["is_admin"]]
    if not admins:
        raise CXError("There are no users yet: run `python -m cxcore user add NAME` first.")
    return admins[0]


def cmd_workspace_create(args: argparse.Namespace, accounts: Accounts) -> int:
    """Create a workspace owned by the administrator or ``--owner``."""
    info = accounts.create_workspace(args.name, by=SYSTEM,
                                     owner=_default_owner(accounts, args.owner))
    print(f"Created workspace {info.id} '{info.name}' ({info.path.name}).")
    return 0


def cmd_workspace_list(args: argparse.Namespace, accounts: Accounts) -> int:
    """List all workspaces with their owners."""
    rows = list(accounts.db.query(
        "select w.id, w.name, w.file, w.archived_at, group_concat(m.username, ', ') as owners "
        "from workspaces w left join memberships m on m.workspace_id = w.id and m.role = 'owner' "
        "group by w.id order by w.name collate nocase"))
    if args.json:
        print_json([{"id": r["id"], "name": r["name"], "file": r["file"],
                     "archived": bool(r["archived_at"]),
                     "owners": r["owners"].split(", ") if r["owners"] else []} for r in rows])
        return 0
    if not rows:
        print("No workspaces yet.")
    for row in rows:
        archived = " (archived)" if row["archived_at"] else ""
        print(f"{row['id']}\t{row['name']}{archived}\towner: {row['owners'] or '-'}")
    return 0


def cmd_workspace_show(args: argparse.Namespace, accounts: Accounts) -> int:
    """One workspace: its file, members and how many records of each kind it holds."""
    from cxcore import workspace

    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        info = session.info
        data = {"id": info.id, "name": info.name, "file": str(info.path),
                "archived": info.archived, "your_role": session.role,
                "members": accounts.list_members(info.id, by=session.username),
                "counts": workspace.counts(session)}
    finally:
        session.close()
    if args.json:
        print_json(data)
        return 0
    print(f"{data['id']}\t{data['name']}" + (" (archived)" if data["archived"] else ""))
    print(f"  file: {data['file']}")
    for m in data["members"]:
        print(f"  {m['role']:<7} {m['username']}\t{m['name']}")
    for table, count in data["counts"].items():
        print(f"  {table}: {count:,}")
    return 0


def add_as_option(parser: argparse.ArgumentParser) -> None:
    """``--as USER``: act as that member, whose role is checked as in the app."""
    parser.add_argument("--as", dest="as_user", metavar="USER",
                        help="act as this member, with their role (default: the server's "
                             "operator, with owner rights)")


def cmd_workspace_copy_setup(args: argparse.Namespace, accounts: Accounts) -> int:
    """Copy a workspace's set-up (guides, targets, journeys...) into another one."""
    from cxcore import reuse

    if args.as_user and accounts.get_user(args.as_user) is None:
        raise CXError(f"There is no user named '{args.as_user}'.")
    parts = ({p.strip().lower() for p in args.parts.split(",") if p.strip()} if args.parts
             else set(reuse.REUSABLE))
    source = open_workspace_session(accounts, args.source, args.as_user)
    try:
        target = open_workspace_session(accounts, args.target, args.as_user)
        try:
            counts = reuse.copy_setup(source, target, parts)
        finally:
            target.close()
    finally:
        source.close()
    print(f"Copied into '{target.info.name}' from '{source.info.name}': "
          f"{reuse.describe(counts)}.")
    return 0


def cmd_demo(args: argparse.Namespace, accounts: Accounts) -> int:
    """Create the demo workspace (a fictional appliance shop with two years of history)."""
    from cxcore import demo

    info = demo.create_demo_workspace(accounts, owner=_default_owner(accounts, args.owner),
                                      name=args.name, seed=args.seed, by=SYSTEM)
    print(f"Created demo workspace {info.id} '{info.name}'.")
    return 0


def cmd_report(args: argparse.Namespace, accounts: Accounts) -> int:
    """Write the program report of ``--workspace`` to ``--out`` as HTML, PDF or PPTX."""
    from pathlib import Path

    from cxcore import report_model
    from cxcore.period import parse_period

    period = parse_period(args.period) if args.period else None  # once, here
    session = open_workspace_session(accounts, args.workspace)
    try:
        data = report_model.render(session, args.format, period=period, paper=args.paper)
    finally:
        session.close()
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CXError(f"Can't write {out}: {exc.strerror or exc}.") from exc
    print(out)
    return 0


def build_parser(command: object = ALL) -> argparse.ArgumentParser:
    """The argument parser with every subcommand; of the command modules, only the one that
    adds ``command`` is imported (all of them for :data:`ALL`)."""
    parser = argparse.ArgumentParser(
        prog="python -m cxcore", description="CX program dashboard: command-line tools.")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--data-dir", help="data folder (default: $CX_DATA_DIR or ./data); "
                                           "before or after the command")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("init", help="create the data folder and accounts database").set_defaults(
        func=cmd_init)

    user = sub.add_parser("user", help="manage users").add_subparsers(
        dest="user_command", required=True, metavar="ACTION")
    add = user.add_parser("add", help="add a user (password read from stdin)")
    add.add_argument("username")
    add.add_argument("--name", help="display name")
    add.add_argument("--email")
    add.add_argument("--admin", action="store_true", help="make the user an administrator")
    add.add_argument("--may-create-workspaces", action="store_true",
                     help="let the user create workspaces and load the demo")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from stdin even on a terminal")
    add.set_defaults(func=cmd_user_add)
    ulist = user.add_parser("list", help="list users")
    add_json_option(ulist)
    ulist.set_defaults(func=cmd_user_list)
    ushow = user.add_parser("show", help="one user and their workspaces")
    ushow.add_argument("username")
    add_json_option(ushow)
    ushow.set_defaults(func=cmd_user_show)

    ws = sub.add_parser("workspace", help="manage workspaces").add_subparsers(
        dest="workspace_command", required=True, metavar="ACTION")
    create = ws.add_parser("create", help="create a workspace")
    create.add_argument("name")
    create.add_argument("--owner", help="owner's username (default: the administrator)")
    create.set_defaults(func=cmd_workspace_create)
    wlist = ws.add_parser("list", help="list workspaces")
    add_json_option(wlist)
    wlist.set_defaults(func=cmd_workspace_list)
    wshow = ws.add_parser("show", help="one workspace: file, members, record counts")
    wshow.add_argument("workspace", help="workspace name or id")
    add_as_option(wshow)
    add_json_option(wshow)
    wshow.set_defaults(func=cmd_workspace_show)
    copy = ws.add_parser(
        "copy-setup", help="copy interview guides, targets, finance settings and journey "
                           "structure from one workspace into another (never client data)")
    copy.add_argument("source", help="workspace to copy from (name or id)")
    copy.add_argument("target", help="workspace to copy into (name or id)")
    copy.add_argument("--parts", help="comma-separated, from guides,targets,finance,tag_rules,"
                                      "journeys,branding (default: all)")
    copy.add_argument("--as", dest="as_user", metavar="USER",
                      help="act as this user (default: the administrator, with owner rights)")
    copy.set_defaults(func=cmd_workspace_copy_setup)
    importlib.import_module("cxcore.cli_backup").register_workspace_actions(ws)

    demo = sub.add_parser("demo", help="create the demo workspace")
    demo.add_argument("--name", default=None, help="workspace name")
    demo.add_argument("--owner", help="owner's username (default: the administrator)")
    demo.add_argument("--seed", type=int, default=None, help="random seed (default: fixed)")
    demo.set_defaults(func=cmd_demo)

    rep = sub.add_parser("report", help="write a workspace's program report (HTML, PDF or PPTX)",
                         description="Write the program report (purpose, six steps, scorecard, "
                                     "journey maps, actions, quotes) as one self-contained HTML "
                                     "file, a PDF or a PowerPoint deck, in the workspace's "
                                     "branding.")
    rep.add_argument("--workspace", required=True, help="workspace name or id")
    rep.add_argument("--period", default=None,
                     help="scorecard period: all, 2026, 2026-Q3, 2026-05 or "
                          "2026-01-01..2026-03-31 (default: the last complete quarter)")
    rep.add_argument("--format", choices=("html", "pdf", "pptx"), default="html",
                     help="html (default), pdf or pptx")
    rep.add_argument("--paper", choices=("A4", "Letter"), default="A4",
                     help="PDF paper size (default A4)")
    rep.add_argument("--out", required=True, help="the file to write")
    rep.set_defaults(func=cmd_report)

    for module in COMMAND_MODULES:
        declared = declared_commands(module)
        if command is ALL or declared is None or command in dict(declared):
            importlib.import_module(module).register(sub)
        else:  # listed in --help; imported only when run
            for name, text in declared:
                sub.add_parser(name, help=text)
    return parser


def declared_commands(module: str) -> list[tuple[str, str | None]] | None:
    """The commands ``module``'s ``register(subparsers)`` adds, with their help, read from its
    source without importing it; ``None`` when they are not plain literals (then it is
    imported)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin:
        return None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    register = next((n for n in tree.body
                     if isinstance(n, ast.FunctionDef) and n.name == "register"), None)
    if register is None or not register.args.args:
        return None
    param = register.args.args[0].arg
    found = []
    for node in ast.walk(register):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add_parser" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == param):
            if not node.args or not isinstance(node.args[0], ast.Constant):
                return None
            text = next((k.value.value for k in node.keywords if k.arg == "help"
                         and isinstance(k.value, ast.Constant)), None)
            found.append((node.args[0].value, text))
    return found


def _pop_data_dir(argv: list[str]) -> tuple[list[str], str | None]:
    """Take ``--data-dir DIR`` (or ``--data-dir=DIR``) out of ``argv`` wherever it stands, so it
    works before or after the command name."""
    rest, value, i = [], None, 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        if arg == "--data-dir" and i + 1 < len(argv):
            value, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--data-dir="):
            value = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    return rest, value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    argv, data_dir = _pop_data_dir(list(sys.argv[1:] if argv is None else argv))
    command = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser(command).parse_args(argv)
    if data_dir:
        os.environ["CX_DATA_DIR"] = data_dir

    from cxcore import storage
    from cxcore.accounts import Accounts

    accounts = Accounts.open(storage.data_dir())
    if not logging.getLogger("cxcore").handlers:  # tracebacks only with CX_DEBUG, see below
        logging.getLogger("cxcore").addHandler(logging.NullHandler())
    try:
        return args.func(args, accounts)
    except Exception as exc:  # CXError, a lock timeout or a bug: one line, exit status 1
        if os.environ.get("CX_DEBUG") and not isinstance(exc, CXError):
            raise
        error = refusal(exc)
        hint = " Set CX_DEBUG=1 to see the traceback." if isinstance(error, Unexpected) else ""
        print(f"error: {error}{hint}", file=sys.stderr)
        return 1
    finally:
        accounts.close()
