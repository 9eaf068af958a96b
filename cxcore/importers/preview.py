"""What an import would store and what is wrong with it (:class:`ImportPreview`), and what it
stored (:class:`ImportResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cxcore import attribute_import as ai
from cxcore.errors import Problem


@dataclass
class ImportPreview:
    """What an import would store, and what is wrong, before anything is written.

    ``problems`` holds up to :data:`MAX_PROBLEMS` problems (``problem_count`` says how many
    there are in all); ``bad_rows`` counts rows with at least one problem. A file-level problem
    (``row`` is None, e.g. a required field no column maps to) makes every row invalid.
    """

    kind: str
    total_rows: int
    valid_rows: int
    problems: list[Problem]
    problem_count: int
    mapping: dict[str, str]
    unmapped: list[str]
    detected: dict[str, Any]
    filename: str | None = None
    notes: list[str] = field(default_factory=list)
    head: pd.DataFrame | None = None
    rows: pd.DataFrame | None = None  # the valid rows, parsed, ready to store
    #: Survey questions beyond the fields (responses), one per column, included or not.
    attributes: list[ai.AttributeSpec] = field(default_factory=list)
    #: What the file most likely holds, from its columns (None when nothing says).
    suggested_kind: str | None = None

    @property
    def file_problems(self) -> list[Problem]:
        """Problems of the whole file (a required setting missing, a column refused)."""
        return [p for p in self.problems if p.row is None]

    @property
    def row_problems(self) -> list[Problem]:
        """Problems of single rows, each with its spreadsheet row number."""
        return [p for p in self.problems if p.row is not None]

    def attributes_frame(self) -> pd.DataFrame:
        """The survey questions found, for the preview's confirmation table."""
        return pd.DataFrame(
            [{"Import": a.include, "Column": a.column, "Question": a.label, "Key": a.key,
              "Kind": a.kind, "Scale": a.scale_text if a.kind == "rating" else "",
              "N/A codes": ", ".join(a.na_codes),
              "Answers": (", ".join(a.categories) if a.kind == "category" else
                          ", ".join(f"{k} = {v:g}" for k, v in list(a.value_labels.items())[:6])),
              "Found from": a.source + (f" - {a.hint}" if a.hint else "")}
             for a in self.attributes],
            columns=["Import", "Column", "Question", "Key", "Kind", "Scale", "N/A codes",
                     "Answers", "Found from"])

    @property
    def bad_rows(self) -> int:
        """Rows that will not be imported."""
        return self.total_rows - self.valid_rows

    def preview_frame(self, n: int = 20) -> pd.DataFrame:
        """The first ``n`` rows of the file as read, for display, after a first column
        "Problem" that says what is wrong with each row that will not be imported (blank for
        good rows) and a "Row" column with its spreadsheet row number (header = row 1)."""
        if self.head is None:
            return pd.DataFrame()
        head = self.head.head(n)
        first_row = int(self.detected.get("header_rows") or 1) + 1
        rows = [first_row + i for i in range(len(head))]
        reasons: dict[int, list[str]] = {}
        for p in self.problems:
            if p.row is not None:
                reasons.setdefault(int(p.row), []).append(p.reason)
        file_wide = [p.reason for p in self.problems if p.row is None]
        problem = ["; ".join(reasons.get(r, [])) or ("not imported: the whole file has a "
                                                     "problem (above)" if file_wide else "")
                   for r in rows]
        out = head.copy()
        out.insert(0, "Problem", problem)
        out.insert(0, "Row", rows)
        return out.reset_index(drop=True)

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (Row, Column, Problem) for display."""
        return pd.DataFrame(
            [{"Row": p.row, "Column": self.column_of(p.field), "Problem": p.reason}
             for p in self.row_problems], columns=["Row", "Column", "Problem"])

    def column_of(self, field_name: str) -> str:
        """The source column mapped to ``field_name`` (or the field name itself)."""
        for source, target in self.mapping.items():
            if target == field_name:
                return source
        return field_name

    def report(self) -> str:
        """A plain-text validation report for the CLI."""
        d = self.detected
        lines = [f"File: {self.filename or '(upload)'} - {d.get('format')} layout, "
                 f"encoding {d.get('encoding') or '-'}, delimiter "
                 f"{d.get('delimiter_name') or '-'}",
                 "Columns: " + ", ".join(f"{s} -> {t}" for s, t in self.mapping.items())]
        if self.attributes:
            lines.append("Survey questions:")
            lines += [f"  {a.describe()}" for a in self.attributes]
            lines += [f"  hint for {a.column!r}: {a.hint}" for a in self.attributes
                      if a.hint and a.include]
        taken = {a.column for a in self.attributes if a.include}
        unused = [c for c in self.unmapped if c not in taken]
        if unused:
            lines.append("Not imported: " + ", ".join(unused))
        if d.get("missing markers"):
            lines.append(f"Read as blank: cells that only say {d['missing markers']}")
        lines += [f"Note: {note}" for note in self.notes]
        lines.append(f"Rows: {self.total_rows}, valid: {self.valid_rows}, "
                     f"with problems: {self.bad_rows}")
        for p in self.problems:
            where = f"row {p.row}" if p.row is not None else "file"
            lines.append(f"  {where}, column {self.column_of(p.field)!r}: {p.reason}")
        if self.problem_count > len(self.problems):
            lines.append(f"  ... and {self.problem_count - len(self.problems)} more problems")
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    """What :func:`commit_import` stored: the batch, rows inserted, rows already there."""

    batch_id: int | None
    inserted: int
    skipped_duplicates: int

