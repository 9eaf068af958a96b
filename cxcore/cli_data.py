"""``python -m cxcore import`` and ``python -m cxcore export``: data in and out of a workspace.

``import KIND FILE --workspace W [--map SOURCE=FIELD ...] [--valid-only]`` prints the validation
report (row, column, reason for every bad row). Without ``--valid-only`` any bad row means
nothing is imported and the exit code is 1; with it, the valid rows are imported and the bad
ones listed. The command acts as the server's operator (owner rights) unless ``--as USER``
names a member whose role is then checked like in the app.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cxcore import export, importers
from cxcore.accounts import Accounts
from cxcore.cli import open_workspace_session
from cxcore.errors import ValidationError


def _pairs(pairs: list[str] | None, option: str, form: str) -> dict[str, str]:
    """``["A=x", "B=y"]`` as {"A": "x", "B": "y"} (split at the last =)."""
    out = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise ValidationError(f"{option} {pair!r} must be {form}.", field=option)
        source, target = pair.rsplit("=", 1)
        out[source] = target.strip()
    return out


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    return _pairs(pairs, "--map", "SOURCE_COLUMN=FIELD (FIELD empty to ignore the column)")


def _scales(pairs: list[str] | None) -> dict[str, str]:
    return _pairs(pairs, "--scale", 'COLUMN=LOW-HIGH, e.g. "Seat comfort=1-5"')


def cmd_import(args: argparse.Namespace, accounts: Accounts) -> int:
    """Validate FILE as KIND, print the report, and import (all or nothing, or valid rows)."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        session.require("editor")
        preview = importers.prepare_import(
            args.kind, args.file, filename=str(args.file), mapping=_mapping(args.map),
            known_customer_ids=session, date_format=args.date_format,
            default_date=args.date, reference_date=args.reference_date,
            ces_low_is_easy=args.ces_low_is_easy, scales=_scales(args.scale),
            not_applicable=args.not_applicable, timezone=args.timezone,
            encoding=args.encoding)
        print(preview.report())
        if any(p.field == "date" and p.row is None for p in preview.problems):
            print("Hint: give one date for the whole file with --date YYYY-MM-DD.")
        if preview.valid_rows == 0:
            print("Nothing imported: no row is valid.")
            return 1
        if preview.problem_count and not args.valid_only:
            print(f"Nothing imported: {preview.bad_rows} rows have problems. Fix them, or run "
                  f"again with --valid-only to import the {preview.valid_rows} valid "
                  f"row{'s' if preview.valid_rows != 1 else ''}.")
            return 1

        def progress(fraction: float) -> None:
            if sys.stdout.isatty():
                print(f"\rImporting... {fraction:4.0%}", end="", flush=True)

        result = importers.commit_import(session, preview, progress=progress)
        if sys.stdout.isatty():
            print()
        batch = f" as batch {result.batch_id}" if result.batch_id else ""
        print(f"Imported {result.inserted} rows{batch} into '{session.info.name}'; "
              f"{result.skipped_duplicates} were already there.")
        questions = [a for a in preview.attributes if a.include]
        if questions and result.inserted:
            print(f"Stored the answers to {len(questions)} survey question"
                  f"{'s' if len(questions) != 1 else ''}: "
                  + ", ".join(a.key for a in questions))
        return 0
    finally:
        session.close()


def cmd_batches(args: argparse.Namespace, accounts: Accounts) -> int:
    """List a workspace's import batches."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        for b in importers.list_batches(session):
            state = f"undone {b['undone_at']}" if b["undone_at"] else f"{b['rows']} rows"
            print(f"{b['id']}\t{b['kind']}\t{b['created_at']}\t{b['created_by']}\t{state}\t"
                  f"{b['filename'] or ''}")
        return 0
    finally:
        session.close()


def cmd_undo(args: argparse.Namespace, accounts: Accounts) -> int:
    """Undo one import batch."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        removed = importers.undo_import(session, args.batch)
        print(f"Undid batch {args.batch}: removed {removed} rows.")
        return 0
    finally:
        session.close()


def cmd_export(args: argparse.Namespace, accounts: Accounts) -> int:
    """Write the workspace's tables as CSV files into --out."""
    session = open_workspace_session(accounts, args.workspace, args.as_user)
    try:
        paths = export.export_to_folder(session, args.out, [args.table] if args.table else None)
        for path in paths:
            print(f"Wrote {path}")
        return 0
    finally:
        session.close()


def register(subparsers: Any) -> None:
    """Add ``import``, ``import-batches``, ``undo-import`` and ``export``."""
    fields = "; ".join(f"{kind}: {', '.join(importers.field_names(kind))}"
                       for kind in importers.KINDS)
    imp = subparsers.add_parser(
        "import", help="import customers, revenue, responses or pulse from CSV/Excel",
        description="Validate a CSV or Excel file and import it into a workspace. Columns are "
                    "matched from their headers; use --map for the rest. Fields: " + fields)
    imp.add_argument("kind", choices=importers.KINDS)
    imp.add_argument("file", help="CSV (any common encoding/delimiter) or .xlsx file")
    imp.add_argument("--workspace", required=True, help="workspace name or id")
    imp.add_argument("--map", action="append", metavar="SOURCE=FIELD",
                     help="map a column to a field (FIELD empty: ignore the column); repeatable")
    imp.add_argument("--valid-only", action="store_true",
                     help="import the valid rows even if some rows have problems")
    imp.add_argument("--date", metavar="YYYY-MM-DD",
                     help="date for every row of a file without a date column (e.g. a survey "
                          "wave's closing date)")
    imp.add_argument("--reference-date", metavar="YYYY-MM-DD",
                     help="the date a tenure-in-months column was counted to (customers)")
    imp.add_argument("--date-format", metavar="FORMAT",
                     help="strptime format of the dates, e.g. %%d/%%m/%%Y, if detection is wrong")
    imp.add_argument("--ces-low-is-easy", action="store_true",
                     help="the survey's effort scale had 1 = very easy: store 8 - answer so "
                          "that 7 = very easy, as the scorecard expects")
    imp.add_argument("--scale", action="append", metavar="COLUMN=LOW-HIGH",
                     help="declare the scale of a survey question column, e.g. "
                          "\"Seat comfort=1-5\" (a column mapped to a rating field must be on "
                          "that field's scale); repeatable")
    imp.add_argument("--not-applicable", action="append", metavar="CODE",
                     help="an answer meaning 'not applicable' in the survey questions (e.g. 0), "
                          "stored as no answer; repeatable")
    imp.add_argument("--timezone", metavar="ZONE",
                     help="time zone times with an offset are converted to before their date is "
                          "taken (default: the workspace's setting, else UTC)")
    imp.add_argument("--encoding", metavar="NAME",
                     help="text encoding of a CSV file if detection gets it wrong, e.g. "
                          "shift_jis, gb18030, cp1251, cp1252")
    imp.add_argument("--as", dest="as_user", metavar="USER",
                     help="act as this member (their role is checked)")
    imp.set_defaults(func=cmd_import)

    batches = subparsers.add_parser("import-batches", help="list a workspace's imports")
    batches.add_argument("--workspace", required=True, help="workspace name or id")
    batches.add_argument("--as", dest="as_user", metavar="USER")
    batches.set_defaults(func=cmd_batches)

    undo = subparsers.add_parser("undo-import", help="remove every row of one import batch")
    undo.add_argument("batch", type=int, help="batch id (see import-batches)")
    undo.add_argument("--workspace", required=True, help="workspace name or id")
    undo.add_argument("--as", dest="as_user", metavar="USER")
    undo.set_defaults(func=cmd_undo)

    exp = subparsers.add_parser("export", help="write a workspace's data as CSV files")
    exp.add_argument("--workspace", required=True, help="workspace name or id")
    exp.add_argument("--out", required=True, help="folder to write the CSV files into")
    exp.add_argument("--table", choices=list(export.EXPORT_TABLES),
                     help="only this table (default: all)")
    exp.add_argument("--as", dest="as_user", metavar="USER")
    exp.set_defaults(func=cmd_export)
