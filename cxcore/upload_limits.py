"""Limits that keep a hostile or broken upload from hurting the server or the workspace.

Checked on the read path (:func:`cxcore.importers.prepare_import`) before and after the file is
parsed, each refusal naming the limit it hit:

* the file's size (``CX_MAX_UPLOAD_MB``, default 200 MB);
* for Excel, the zip's **decompressed** size and compression ratio, checked from the zip's
  directory before openpyxl sees the file, so a zip bomb is refused without decompressing
  anything (``CX_MAX_XLSX_MB``, default 100 MB);
* the number of columns (:data:`MAX_COLUMNS`);
* the length of one cell (:data:`MAX_CELL_CHARS`): a 20 MB cell is a clear message, not a
  ``_csv.Error``.

It also says when decoded text looks like mojibake (text decoded with the wrong encoding).
"""

from __future__ import annotations

import io
import os
import re
import zipfile

import pandas as pd

from cxcore.errors import ValidationError

MB = 1024 * 1024
DEFAULT_MAX_UPLOAD_MB = 200
DEFAULT_MAX_XLSX_MB = 100
#: Highest compression ratio accepted for one member of an .xlsx (real sheets reach ~30-60).
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 10_000
MAX_COLUMNS = 1_000
MAX_CELL_CHARS = 100_000
#: Encodings offered when detection gets a CSV file's encoding wrong ("" = detect).
ENCODING_CHOICES = ["", "utf-8", "cp1252", "latin-1", "cp1250", "cp1251", "shift_jis", "cp932",
                    "euc-jp", "gb18030", "big5", "euc-kr", "utf-16"]


def _limit_mb(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"{name} must be a whole number of MB, not '{raw}'.",
                              field="settings") from None
    return max(1, value)


def max_upload_bytes() -> int:
    """The largest file accepted for an import: ``CX_MAX_UPLOAD_MB`` (default 200) MB."""
    return _limit_mb("CX_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB) * MB


def max_xlsx_bytes() -> int:
    """The largest decompressed size of an .xlsx: ``CX_MAX_XLSX_MB`` (default 100) MB."""
    return _limit_mb("CX_MAX_XLSX_MB", DEFAULT_MAX_XLSX_MB) * MB


def _mb(n: int) -> str:
    return f"{n / MB:,.0f} MB" if n >= 10 * MB else f"{n / MB:,.1f} MB"


def check_file(data: bytes, is_excel: bool) -> None:
    """Refuse a file over the size limit, or an Excel file whose content would decompress
    beyond :func:`max_xlsx_bytes` (a zip bomb). Raises :class:`ValidationError`."""
    limit = max_upload_bytes()
    if len(data) > limit:
        raise ValidationError(f"The file is {_mb(len(data))}; the limit for an upload is "
                              f"{_mb(limit)} (CX_MAX_UPLOAD_MB). Split it into smaller files.",
                              field="file")
    if is_excel:
        check_xlsx(data)
    elif not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs; BOM required
        sample = data[:64 * 1024]
        controls = sum(sample.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
        if b"\x00" in sample or controls > len(sample) // 100:
            raise ValidationError(
                "This is not a text (CSV) file: it holds binary data, such as a picture, a "
                "program or an old .xls workbook. Save the sheet as CSV or .xlsx and try again.",
                field="file")


def check_xlsx(data: bytes) -> None:
    """Check an .xlsx (a zip) before it is opened, from its directory alone: the declared
    decompressed sizes and each member's compression ratio. Python's zipfile never
    decompresses a member past its declared size (a zip that lies fails its CRC check and is
    refused as damaged), so the declared sizes bound what openpyxl can be made to read."""
    limit = max_xlsx_bytes()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(f"This Excel file is damaged or not an .xlsx file ({exc}).",
                              field="file") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValidationError(f"This Excel file holds {len(members):,} parts; the limit is "
                                  f"{MAX_ZIP_MEMBERS:,}.", field="file")
        declared = sum(m.file_size for m in members)
        if declared > limit:
            raise ValidationError(
                f"This Excel file would take {_mb(declared)} once decompressed; the limit is "
                f"{_mb(limit)} (CX_MAX_XLSX_MB). Save the sheet as CSV, or split it.",
                field="file")
        for m in members:
            if m.file_size > 10 * MB and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
                raise ValidationError(
                    f"This Excel file's part {m.filename!r} is compressed "
                    f"{m.file_size // max(m.compress_size, 1):,} to 1; the limit is "
                    f"{MAX_ZIP_RATIO} to 1 (a zip bomb, or not a real spreadsheet).",
                    field="file")


def check_header(data: bytes, is_excel: bool) -> None:
    """Refuse a CSV whose first line has more than :data:`MAX_COLUMNS` columns, before it is
    parsed (counting delimiters of the first line; exact counts come after parsing)."""
    if is_excel or data.lstrip()[:1] in (b"[", b"{"):  # JSON has no header line
        return
    first = data[:4 * MB].split(b"\n", 1)[0]
    count = 1 + max(first.count(b","), first.count(b";"), first.count(b"\t"))
    if count > MAX_COLUMNS:
        raise ValidationError(f"The file has about {count:,} columns; the limit is "
                              f"{MAX_COLUMNS:,}.", field="file")


def check_table(frame: pd.DataFrame, file_row) -> None:
    """Refuse a parsed table with too many columns or a cell longer than
    :data:`MAX_CELL_CHARS` (naming the row and column). ``file_row(i)`` gives the spreadsheet
    row of positional row ``i``."""
    if frame.shape[1] > MAX_COLUMNS:
        raise ValidationError(f"The file has {frame.shape[1]:,} columns; the limit is "
                              f"{MAX_COLUMNS:,}.", field="file")
    for column in frame.columns:
        lengths = frame[column].astype("str").str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            pos = int(lengths.to_numpy().argmax())
            raise ValidationError(
                f"row {file_row(pos)}, column {str(column)[:60]!r}: the cell holds "
                f"{int(lengths.iloc[pos]):,} characters; the limit for one cell is "
                f"{MAX_CELL_CHARS:,}.", field="file")
    for column in frame.columns:
        if len(str(column)) > MAX_CELL_CHARS:
            raise ValidationError(f"A column name holds {len(str(column)):,} characters; the "
                                  f"limit is {MAX_CELL_CHARS:,}.", field="file")


def cell_too_large(exc: Exception) -> ValidationError:
    """The message for Python's csv module refusing a cell (``field larger than field
    limit``) or another unreadable CSV structure."""
    text = str(exc)
    if "field larger than field limit" in text:
        return ValidationError(f"A cell is longer than the {MAX_CELL_CHARS:,} characters one "
                               f"cell may hold (often a missing closing quote).", field="file")
    return ValidationError(f"The file is not a readable CSV table ({text}).", field="file")


# Text decoded with the wrong encoding: UTF-8 read as Windows-1252/Latin-1 gives "Ã©", "â€™";
# undecodable bytes give U+FFFD; bytes read as Latin-1 give C1 control characters; Shift-JIS
# read as Windows-1252 gives runs like "‚ª‚Æ".
_MOJIBAKE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]"
    "|â€|\ufffd|[\u0080-\u009f]|[ƒ‚„…†‡‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ][\u0040-\u007e\u00a0-\u00ff]"
    "[ƒ‚„…†‡‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def mojibake_note(frame: pd.DataFrame, encoding: str | None) -> str | None:
    """A warning when the decoded text looks garbled, with an example; None when it looks
    fine. Looks at up to 2,000 rows and the headers."""
    sample = frame.head(2000)
    texts = [str(c) for c in frame.columns]
    for column in sample.columns:
        texts.extend(sample[column].astype("str").tolist())
    bad = [t for t in texts if _MOJIBAKE.search(t)]
    if not bad:
        return None
    example = bad[0] if len(bad[0]) <= 40 else bad[0][:37] + "..."
    how = f"read as {encoding}" if encoding else "read"
    return (f"Some text looks garbled ({len(bad):,} cells, e.g. {example!r}): the file was "
            f"{how}, which may be the wrong encoding. Choose the file's encoding (e.g. "
            f"shift_jis, gb18030, cp1251, utf-8) and read it again.")


def looks_like_excel(data: bytes, filename: str | None) -> bool:
    """True for an .xlsx (a zip file, or named .xlsx/.xlsm), as :func:`read_table` decides."""
    return data[:4] == b"PK\x03\x04" or (filename or "").lower().endswith((".xlsx", ".xlsm"))


def read_safely(data: bytes, filename: str | None, encoding: str | None = None):
    """:func:`cxcore.import_formats.read_table` behind every limit of this module: size and
    zip bomb before parsing, column count and cell size after; an unknown or wrong
    ``encoding`` and unreadable CSV structure as clear messages. Returns the ``RawTable``."""
    import codecs
    import csv

    from cxcore import import_formats

    if encoding:
        try:
            encoding = codecs.lookup(encoding.strip()).name
        except LookupError:
            raise ValidationError(f"'{encoding}' is not a text encoding this app knows (try "
                                  f"utf-8, cp1252, shift_jis, gb18030 or cp1251).",
                                  field="encoding") from None
    excel = looks_like_excel(data, filename)
    check_file(data, excel)
    check_header(data, excel)
    try:
        table = import_formats.read_table(data, filename, encoding=encoding)
    except csv.Error as exc:
        raise cell_too_large(exc) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"The file is not valid {encoding or exc.encoding} text (byte {exc.start:,} can't "
            f"be read that way). Choose the file's encoding, or leave it to be detected.",
            field="encoding") from exc
    check_table(table.frame, table.file_row)
    return table
