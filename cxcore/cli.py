"""The command-line face of cxcore: ``python -m cxcore COMMAND``.

Commands act as the server's operator (whoever can read the data folder), like the
``sqlite-utils`` CLI acts on a file: ``init``, ``user add``, ``workspace create|list``, ``demo``,
``report``, plus the commands that domain modules register (``import``, ``export``,
``scorecard``).
Each handler returns the process exit code; errors are printed as one readable line.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from cxcore import __version__, storage
from cxcore.accounts import SYSTEM, Accounts
from cxcore.errors import CXError
from cxcore.workspace import WorkspaceSession, open_session

#: Modules that add subcommands with ``register(subparsers)``.
COMMAND_MODULES: list[str] = [
    "cxcore.cli_scorecard",
    "cxcore.cli_data",
]


def open_workspace_session(accounts: Accounts, workspace: str | int,
                           as_user: str | None = None) -> WorkspaceSession:
    """Open ``--workspace`` (a name or an id) for a command acting ``--as`` ``as_user``: that
    member's role is checked like in the app; without ``as_user`` the command acts as the
    server's operator (:data:`~cxcore.accounts.SYSTEM`, owner rights). Raises
    :class:`~cxcore.errors.NotFound` for a workspace the user cannot see. Close it when done."""
    username = as_user or SYSTEM
    info = accounts.find_workspace(workspace, username)
    return open_session(accounts, info.id, username)


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
                                by=SYSTEM, is_admin=args.admin)
    role = "administrator" if (first or args.admin) else "user"
    print(f"Added {role} '{user['username']}'.")
    return 0


def cmd_user_list(args: argparse.Namespace, accounts: Accounts) -> int:
    """List users."""
    for user in accounts.list_users():
        flags = " (admin)" if user["is_admin"] else ""
        flags += " (disabled)" if user["disabled"] else ""
        print(f"{user['username']}\t{user['name']}{flags}")
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
    if not rows:
        print("No workspaces yet.")
    for row in rows:
        archived = " (archived)" if row["archived_at"] else ""
        print(f"{row['id']}\t{row['name']}{archived}\towner: {row['owners'] or '-'}")
    return 0


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
                                      name=args.name, seed=args.seed)
    print(f"Created demo workspace {info.id} '{info.name}'.")
    return 0


def cmd_report(args: argparse.Namespace, accounts: Accounts) -> int:
    """Write the program report of ``--workspace`` to ``--out`` as HTML, PDF or PPTX."""
    from pathlib import Path

    from cxcore import report_model

    session = open_workspace_session(accounts, args.workspace)
    try:
        data = report_model.render(session, args.format, period=args.period, paper=args.paper)
    finally:
        session.close()
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CXError(f"Can't write {out}: {exc.strerror or exc}.") from exc
    print(out)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m cxcore", description="CX program dashboard: command-line tools.")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--data-dir", help="data folder (default: $CX_DATA_DIR or ./data)")
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
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from stdin even on a terminal")
    add.set_defaults(func=cmd_user_add)
    user.add_parser("list", help="list users").set_defaults(func=cmd_user_list)

    ws = sub.add_parser("workspace", help="manage workspaces").add_subparsers(
        dest="workspace_command", required=True, metavar="ACTION")
    create = ws.add_parser("create", help="create a workspace")
    create.add_argument("name")
    create.add_argument("--owner", help="owner's username (default: the administrator)")
    create.set_defaults(func=cmd_workspace_create)
    ws.add_parser("list", help="list workspaces").set_defaults(func=cmd_workspace_list)
    copy = ws.add_parser(
        "copy-setup", help="copy interview guides, targets, finance settings and journey "
                           "structure from one workspace into another (never client data)")
    copy.add_argument("source", help="workspace to copy from (name or id)")
    copy.add_argument("target", help="workspace to copy into (name or id)")
    copy.add_argument("--parts", help="comma-separated, from guides,targets,finance,journeys,"
                                      "branding (default: all)")
    copy.add_argument("--as", dest="as_user", metavar="USER",
                      help="act as this user (default: the administrator, with owner rights)")
    copy.set_defaults(func=cmd_workspace_copy_setup)

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

    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.data_dir:
        os.environ["CX_DATA_DIR"] = args.data_dir
    accounts = Accounts.open(storage.data_dir())
    try:
        return args.func(args, accounts)
    except CXError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        accounts.close()
