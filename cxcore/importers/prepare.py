"""Reading, mapping and validating a file without storing anything (:func:`prepare_import`)."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd

from cxcore import import_formats as fmt
from cxcore.errors import ValidationError
from cxcore.importers.base import MISSING_MARKERS
from cxcore.importers.mapping import (
    FIELDS,
    apply_user_mapping,
    auto_mapping,
    check_kind,
    suggest_kind,
)
from cxcore.importers.preview import ImportPreview
from cxcore.importers.responses import survey_questions
from cxcore.importers.validate import Validator
from cxcore.workspace import WorkspaceSession


def prepare_import(kind: str, source: Any, *, filename: str | None = None,
                   mapping: dict[str, str] | None = None, known_customer_ids: Any = None,
                   date_format: str | None = None, default_date: str | date | None = None,
                   reference_date: str | date | None = None,
                   ces_low_is_easy: bool = False,
                   attributes: dict[str, dict[str, Any]] | None = None,
                   not_applicable: Iterable[Any] | None = None,
                   scales: dict[str, Any] | None = None,
                   timezone: str | None = None,
                   encoding: str | None = None) -> ImportPreview:
    """Read, map and validate a file of ``kind`` without storing anything.

    ``source`` is bytes, a path or a file-like object. ``mapping`` overrides the automatic
    column mapping (source column -> field; an empty field ignores the column).
    ``known_customer_ids`` is a set of ids, or a :class:`WorkspaceSession` (then journey step
    names are resolved, stored survey questions reused and the workspace's ``timezone``
    setting read); None skips the unknown-customer check (commit checks again).
    ``date_format`` forces a strptime format; ``default_date`` dates rows that have no date
    column (survey waves exported without dates); ``reference_date`` is the snapshot date that
    a ``tenure_months`` column counts back from (start date = reference date - tenure).
    ``ces_low_is_easy`` says the survey asked customer effort with 1 = very easy; answers are
    then stored reversed (8 - answer) so that, as everywhere here, 7 means very easy.
    ``encoding`` overrides the detected text encoding of a CSV file.

    Responses only: every other column that holds a rating, yes/no or single-choice question
    becomes a survey question (:mod:`cxcore.attribute_import`); ``attributes`` overrides what
    was found per column ({"include", "kind", "scale", "na_codes", "key", "label"}),
    ``not_applicable`` lists answers meaning "not applicable" in every question (e.g. 0), and
    ``scales`` declares a column's scale (``{"Seat comfort": "1-5"}``) -- for a column mapped
    to a rating field, a declared scale other than the field's is refused. ``timezone`` (IANA
    name; default the workspace's setting, else UTC) is the zone times with an offset are
    converted to before their date is taken.

    Raises :class:`ValidationError` only when the file cannot be read at all or ``kind`` or
    ``mapping`` is invalid; everything else is reported in the preview's ``problems``.
    """
    check_kind(kind)
    for name, value in (("default date", default_date), ("reference date", reference_date)):
        if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
            raise ValidationError(f"{value!r} is not a date written YYYY-MM-DD.", field=name)
        if value:
            try:
                date.fromisoformat(str(value))
            except ValueError:
                raise ValidationError(f"{value!r} is not a real date.", field=name) from None
    from cxcore import upload_limits

    if timezone is None and isinstance(known_customer_ids, WorkspaceSession):
        timezone = known_customer_ids.setting("timezone", "UTC")
    timezone = _check_timezone(timezone or "UTC")
    data = fmt.read_bytes(source)
    table = upload_limits.read_safely(data, filename, encoding)
    frame = table.frame
    columns = list(frame.columns)
    # Blank lines inside the data are not rows.
    nonblank = (frame.apply(lambda col: col.str.strip() != "")).any(axis=1) if len(frame) \
        else pd.Series(dtype=bool)
    if len(frame) and not nonblank.all():
        frame = frame[nonblank]
    if frame.empty:
        raise ValidationError("The file has a header but no data rows.", field="file")
    frame, markers = _blank_missing_markers(frame)

    auto = auto_mapping(kind, columns, table.questions, table.source_format)
    suggested = suggest_kind(columns, table.questions, table.source_format)
    notes: list[str] = []
    if garbled := upload_limits.mojibake_note(frame, table.encoding):
        notes.append(garbled)
    mapping_used = apply_user_mapping(auto, mapping, columns, kind)
    user_targets = set((mapping or {}).values())
    # An automatic guess that doesn't fit the data (e.g. "satisfaction" on 0-10) is dropped.
    specs = {f.name: f for f in FIELDS[kind]}
    for source_col, target in list(mapping_used.items()):
        spec = specs[target]
        exact = fmt.normalise(source_col) == target
        if target in user_targets or exact:
            continue
        head = frame[source_col].head(5000)
        filled = ~fmt.blank(head)
        if not filled.any():
            continue
        if spec.parser == "score":
            values = fmt.parse_scores(head, target)
            fits = values.between(spec.low, spec.high) & (values % 1 == 0)
            labels = values.isna()  # answers that are words outside the field's scale
            if fits[filled].mean() < 0.5 or labels[filled].mean() > 0.1:
                del mapping_used[source_col]
                notes.append(f"Column '{source_col}' was not mapped to {target}: most of "
                             f"its values are not {spec.low}-{spec.high}. Map it yourself "
                             f"if it is.")
        elif spec.parser == "comment":
            numeric = pd.to_numeric(head[filled].str.strip(), errors="coerce").notna()
            if numeric.mean() > 0.8:
                del mapping_used[source_col]
    detected = {
        "format": table.source_format, "encoding": table.encoding,
        "delimiter": table.delimiter,
        "delimiter_name": {",": "comma", ";": "semicolon", "\t": "tab"}.get(
            table.delimiter or "", table.delimiter),
        "header_rows": table.header_rows,
        "missing markers": ", ".join(sorted(markers)) or None,
        "timezone": timezone,
    }
    found = survey_questions(kind, table, frame, mapping_used, mapping, attributes,
                              not_applicable, scales, known_customer_ids)
    validator = Validator(kind, table, frame, mapping_used, detected, notes,
                           known_customer_ids, date_format, default_date, reference_date)
    validator.ces_low_is_easy = ces_low_is_easy
    validator.timezone = timezone
    validator.attributes = [a for a in found if a.include]
    validator.scales = {c: v for c, v in (scales or {}).items() if c in mapping_used}
    rows = validator.run()
    unmapped = [c for c in columns if c not in mapping_used]
    return ImportPreview(
        kind=kind, total_rows=len(frame), valid_rows=len(rows), problems=validator.kept(),
        problem_count=validator.count, mapping=mapping_used, unmapped=unmapped,
        detected=detected, filename=filename, notes=notes,
        head=table.frame.head(50).copy(), rows=rows, attributes=found,
        suggested_kind=suggested)


def _check_timezone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{name!r} is not a time zone name such as Europe/Paris or UTC.",
                              field="timezone") from None
    return str(name)



def suggest_file_kind(source: Any, filename: str | None = None) -> str | None:
    """:func:`suggest_kind` for a file, from its first rows only (cheap on a big CSV)."""
    data = fmt.read_bytes(source)
    if data[:4] != b"PK\x03\x04" and data.lstrip()[:1] not in (b"[", b"{") \
            and len(data) > fmt.SAMPLE_BYTES:
        data = data[:data.rfind(b"\n", 0, fmt.SAMPLE_BYTES) + 1] or data[:fmt.SAMPLE_BYTES]
    from cxcore import upload_limits

    try:
        table = upload_limits.read_safely(data, filename)  # a zip bomb must not open here
    except ValidationError:
        return None
    return suggest_kind(list(table.frame.columns), table.questions, table.source_format)



def _blank_missing_markers(frame: pd.DataFrame) -> tuple[pd.DataFrame, set[str]]:
    """Cells that only say "no value" (R's NA, Excel's #N/A, NULL...) become blank."""
    found: set[str] = set()
    for column in frame.columns:
        series = frame[column]
        hits = series.str.strip().isin(MISSING_MARKERS)
        if hits.any():
            found.update(series[hits].str.strip().unique().tolist())
            frame[column] = series.where(~hits, "")
    return frame, found

