"""``workspace backup|restore|snapshots``: real copies of a workspace file and their return.

Added to the ``workspace`` group of :mod:`cxcore.cli` by :func:`register_workspace_actions`.
The handlers import their modules only when run, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cxcore.cli import SYSTEM, add_json_option, print_json


def register_workspace_actions(ws: argparse._SubParsersAction) -> None:
    """Add ``backup``, ``restore`` and ``snapshots`` to the ``workspace`` subcommands."""
    bak = ws.add_parser("backup", help="write a consistent copy of a workspace file "
                                       "(SQLite's backup API: every committed write)")
    bak.add_argument("workspace", help="workspace name or id")
    bak.add_argument("--out", required=True, help="the backup file to write")
    add_json_option(bak)
    bak.set_defaults(func=cmd_workspace_backup)

    res = ws.add_parser("restore", help="replace a workspace's content with a backup file "
                                        "(checked first; the current content is kept as a "
                                        "snapshot)")
    res.add_argument("workspace", help="workspace name or id")
    res.add_argument("file", help="the backup file (from `workspace backup`, the app's "
                                  "download, or a snapshot)")
    res.add_argument("--as", dest="as_user", metavar="USER",
                     help="act as this user, who must own the workspace (default: the "
                          "server's operator)")
    add_json_option(res)
    res.set_defaults(func=cmd_workspace_restore)

    snaps = ws.add_parser("snapshots", help="list the automatic snapshots taken before "
                                            "destructive actions")
    snaps.add_argument("workspace", help="workspace name or id")
    add_json_option(snaps)
    snaps.set_defaults(func=cmd_workspace_snapshots)


def cmd_workspace_backup(args: argparse.Namespace, accounts) -> int:
    """Write ``--out``: a copy of the workspace holding every committed write."""
    from cxcore import backup

    info = accounts.find_workspace(args.workspace, SYSTEM)
    out = backup.backup_to(info.path, Path(args.out))
    if args.json:
        print_json({"workspace": info.name, "file": str(out), "bytes": out.stat().st_size})
    else:
        print(f"Backed up '{info.name}' to {out} ({out.stat().st_size:,} bytes).")
    return 0


def cmd_workspace_restore(args: argparse.Namespace, accounts) -> int:
    """Replace the workspace's content with FILE, after checking it."""
    from cxcore import restore

    by = args.as_user or SYSTEM
    info = accounts.find_workspace(args.workspace, by)
    result = restore.restore_workspace(accounts, info.id, Path(args.file), by=by)
    if args.json:
        print_json({"workspace": info.name, **result})
    else:
        upgraded = (f", upgraded with {result['migrated']} schema change(s)"
                    if result["migrated"] else "")
        print(f"Restored '{info.name}' from {args.file}{upgraded}. The content it replaced is "
              f"kept in {result['snapshot']}.")
    return 0


def cmd_workspace_snapshots(args: argparse.Namespace, accounts) -> int:
    """List the workspace's automatic snapshots, newest first."""
    from cxcore import backup

    info = accounts.find_workspace(args.workspace, SYSTEM)
    snaps = backup.list_snapshots(info.path)
    if args.json:
        print_json({"workspace": info.name, "retention_days": backup.retention_days(),
                    "snapshots": snaps})
        return 0
    if not snaps:
        print(f"No snapshots of '{info.name}'.")
    for snap in snaps:
        print(f"{snap['taken_at']}\t{snap['reason']}\t{snap['bytes']:,} bytes\t{snap['file']}")
    return 0
