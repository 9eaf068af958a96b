"""Exporting a workspace's data as CSV files that are safe to open in a spreadsheet.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read
by Excel, LibreOffice and Google Sheets as a formula, so a survey comment like
``=HYPERLINK("http://evil.example","click")`` would run when a colleague opens the export.
Following OWASP's "CSV Injection" guidance, such text cells are prefixed with a single quote
(``'``), which spreadsheets show as text. Numbers stored as numbers are written as they are
(``-20.5`` stays a number). The files are UTF-8 with a byte-order mark so Excel reads accented
and non-Latin text correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from cxcore.errors import ValidationError
from cxcore.workspace import WorkspaceSession

#: Table name -> columns, in the order they are written.
EXPORT_TABLES: dict[str, list[str]] = {
    "customers": ["id", "name", "segment", "channel", "start_date", "end_date", "churned",
                  "monthly_revenue", "referred_by", "batch_id"],
    "revenue_events": ["id", "customer_id", "date", "amount", "kind", "batch_id"],
    "responses": ["id", "customer_id", "date", "nps", "csat", "ces", "effectiveness", "ease",
                  "emotion", "channel", "segment", "journey_step_id", "comment", "batch_id"],
    "pulse": ["id", "date", "team", "enps", "comment", "batch_id"],
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FETCH_ROWS = 10_000


def neutralise(value: object) -> object:
    """A cell value made safe for spreadsheets (OWASP "CSV Injection"): text starting with
    = + - @ tab or carriage return gets a leading ``'``; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(columns: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV text with every cell passed through :func:`neutralise`.

    Every CSV the app offers for download is written here (or by :func:`iter_csv`, which
    neutralises the same way), so no download can carry a live formula.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in columns])
    writer.writerows([neutralise(v) for v in row] for row in rows)
    return buffer.getvalue()


def frame_csv(frame: Any) -> bytes:
    """A pandas DataFrame as a CSV download: UTF-8 with BOM, formula-like text neutralised,
    missing values as empty cells."""
    values = frame.astype(object).where(frame.notna(), None)
    return ("\ufeff" + csv_text(list(frame.columns), values.itertuples(index=False, name=None))
            ).encode("utf-8")


def unneutralise(value: str | None) -> str | None:
    """Undo :func:`neutralise` on a cell read back from a CSV this app exported."""
    if value and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _check_table(table: str) -> list[str]:
    if table not in EXPORT_TABLES:
        raise ValidationError(f"'{table}' can't be exported; choose one of "
                              f"{', '.join(EXPORT_TABLES)}.", field="table")
    return EXPORT_TABLES[table]


def iter_csv(session: WorkspaceSession, table: str) -> Iterator[str]:
    """The table as CSV text, a block of rows at a time (any member may export)."""
    columns = _check_table(table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    cursor = session.db.execute(
        f"select {', '.join(columns)} from [{table}] order by {columns[0]}")
    while True:
        rows = cursor.fetchmany(FETCH_ROWS)
        if not rows:
            break
        writer.writerows([neutralise(v) for v in row] for row in rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    rest = buffer.getvalue()
    if rest:
        yield rest


def export_csv(session: WorkspaceSession, table: str) -> bytes:
    """One table as UTF-8 (with BOM) CSV bytes, formula-like text neutralised."""
    return ("\ufeff" + "".join(iter_csv(session, table))).encode("utf-8")


def export_to_folder(session: WorkspaceSession, folder: str | Path,
                     tables: list[str] | None = None) -> list[Path]:
    """Write ``<table>.csv`` for each table (default: all) into ``folder``; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables or list(EXPORT_TABLES):
        _check_table(table)
        path = folder / f"{table}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            for block in iter_csv(session, table):
                handle.write(block)
        written.append(path)
    return written
