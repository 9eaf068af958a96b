"""Reading the files CX people actually have: encodings, delimiters, survey-tool layouts, and the
cell formats inside them (dates, decimal commas, yes/no flags, score labels).

Everything here is vectorised over whole pandas columns so a million-row export parses in
seconds. Nothing here touches a database; :mod:`cxcore.importers` validates and stores.

Recognised layouts:

* **Qualtrics** CSV: row 1 holds column ids (``StartDate``, ``QID2``...), row 2 the question
  text, row 3 ``{"ImportId": ...}`` markers. Data starts on row 4. An NPS question also yields a
  ``QIDn_NPS_GROUP`` column (promoter/passive/detractor), which is derived, so it is ignored.
* **SurveyMonkey** CSV: row 1 holds ``Respondent ID``, ``Start Date``... and the questions; row 2
  the sub-answer labels (``Response``, ``Open-Ended Response``, choice names). Data starts on row 3.
* **Delighted**-style rows: a generic ``score`` column with ``comment``, ``created_at`` and
  optionally a survey type column saying whether the score is NPS, CSAT or CES.
* **Plain** spreadsheets, whose headers are field names or the question itself
  ("How likely are you to recommend us to a friend?").
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cxcore import survey_formats as sf
from cxcore.errors import Problem, ValidationError

SAMPLE_BYTES = 256_000


@dataclass
class RawTable:
    """A file read as text cells: ``frame`` (all columns str, blanks as ''), its layout."""

    frame: pd.DataFrame
    header_rows: int
    source_format: str
    encoding: str | None
    delimiter: str | None
    questions: dict[str, str] = field(default_factory=dict)
    #: Column -> the time zone its times are written in, when the file says so.
    timezones: dict[str, str] = field(default_factory=dict)

    def file_row(self, index: Any) -> Any:
        """The spreadsheet row number (header = row 1) of positional index ``index``."""
        return index + self.header_rows + 1


# ---- bytes, encoding, delimiter ----------------------------------------------------------------

def read_bytes(source: Any) -> bytes:
    """The content of ``source``: bytes, a path, or a binary/text file-like object."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "getvalue"):
        data = source.getvalue()
    elif hasattr(source, "read"):
        data = source.read()
    else:
        raise ValidationError(f"Can't read a file from {type(source).__name__}.", field="file")
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


#: Encodings charset-normalizer may choose between when a file is not UTF-8: the Windows code
#: pages Excel writes around the world, and the common East Asian ones.
FALLBACK_ENCODINGS = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "cp932",
                      "gb18030", "big5", "cp949", "koi8_r"]
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\uac00-\ud7af]")


def _share(text: str, script: re.Pattern) -> float:
    """The fraction of the non-ASCII characters of ``text`` that are in ``script``."""
    wide = sum(1 for c in text if ord(c) > 127)
    return len(script.findall(text)) / wide if wide else 0.0


def _western(text: str) -> bool:
    """True when ``text`` reads like a Western European language: its non-ASCII characters are
    mostly single accented letters between ASCII ones ("déçu", "Müller"). Text of another
    encoding read as Windows-1252 comes out in long runs of non-ASCII characters instead
    (Cyrillic, Central European, Chinese, Japanese)."""
    runs = re.findall(r"[^\x00-\x7f]+", text)
    wide = sum(len(r) for r in runs)
    if not wide:
        return True
    return sum(len(r) for r in runs if len(r) >= 3) < 0.25 * wide


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def detect_encoding(data: bytes) -> str:
    """The text encoding of ``data``: a byte-order mark wins; otherwise UTF-8 if every byte
    decodes as UTF-8; otherwise charset-normalizer's best guess among
    :data:`FALLBACK_ENCODINGS`, keeping Windows-1252 (what Excel writes on Western Windows)
    whenever it reads the text as cleanly as the best guess, and Shift-JIS (cp932) when it
    yields Japanese kana; else Windows-1252, else Latin-1 (which decodes any byte)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:SAMPLE_BYTES]
    if len(data) > SAMPLE_BYTES and b"\n" in sample:
        sample = sample[:sample.rindex(b"\n")]  # no character cut in half
    if _decodes(sample, "cp1252") and _western(sample.decode("cp1252")):
        return "cp1252"
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample, cp_isolation=FALLBACK_ENCODINGS))
    if results:
        best = min(m.chaos for m in results)
        tied = [m for m in results if m.chaos <= best + 0.02]
        if any("cp1252" in m.could_be_from_charset for m in tied):
            return "cp1252"
        if _decodes(sample, "cp932") and _share(sample.decode("cp932"), _KANA) >= 0.1:
            return "cp932"
        ranked = sorted(results, key=lambda m: m.chaos)
        for match in ranked:
            # Chinese text also decodes as Korean (cp949), but then as a mix of Hanja and
            # Hangul; real Korean is nearly all Hangul.
            if match.encoding == "cp949" and _share(str(match), _HANGUL) < 0.8:
                continue
            return match.encoding
        return "gb18030" if _decodes(sample, "gb18030") else ranked[0].encoding
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(sample: str) -> str:
    """Comma, semicolon or tab: the candidate that splits the first lines most consistently."""
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t").delimiter
    except csv.Error:
        pass
    best, best_score = ",", -1
    for delim in (",", ";", "\t"):
        counts = [line.count(delim) for line in lines]
        if counts[0] == 0:
            continue
        consistent = sum(1 for c in counts if c == counts[0])
        score = consistent * 1000 + counts[0]
        if score > best_score:
            best, best_score = delim, score
    return best


# ---- layouts -----------------------------------------------------------------------------------

def _layout(first_rows: list[list[str]]) -> sf.Layout:
    """The survey-tool layout of the first rows (see :mod:`cxcore.survey_formats`)."""
    return sf.detect(first_rows)


def read_table(data: bytes, filename: str | None = None, *,
               encoding: str | None = None) -> RawTable:
    """Read CSV (any of the supported encodings and delimiters) or Excel ``.xlsx`` into text
    cells, recognising the survey-tool layout. ``encoding`` overrides the detected one (CSV).
    Raises :class:`ValidationError` for files that cannot be read at all (empty, not a table,
    ragged beyond repair)."""
    if not data or not data.strip():
        raise ValidationError("The file is empty.", field="file")
    is_excel = data[:4] == b"PK\x03\x04" or (filename or "").lower().endswith((".xlsx", ".xlsm"))
    if is_excel:
        try:
            raw = pd.read_excel(io.BytesIO(data), header=None, dtype=str, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds for a broken workbook
            raise ValidationError(f"This Excel file could not be read ({exc}).",
                                  field="file") from exc
        raw = raw.fillna("")
        rows = [[str(v) for v in raw.iloc[i].tolist()] for i in range(min(3, len(raw)))]
        layout = _layout(rows)
        names, header_rows = layout.names, layout.header_rows
        frame = raw.iloc[header_rows:].reset_index(drop=True)
        frame.columns = names[: frame.shape[1]] + [
            f"column {i + 1}" for i in range(len(names), frame.shape[1])]
        frame = frame.astype(str)
        return RawTable(frame, header_rows, layout.source_format + " (Excel)", None, None,
                        layout.questions, layout.timezones)
    if data.lstrip()[:1] in (b"[", b"{") or (filename or "").lower().endswith(".json"):
        frame, layout = sf.read_json(data)
        return RawTable(frame, 1, layout.source_format, "utf-8", None, layout.questions,
                        layout.timezones)

    encoding = encoding or detect_encoding(data)
    sample = data[:SAMPLE_BYTES].decode(encoding, errors="replace")
    delimiter = sniff_delimiter(sample)
    first_rows = []
    for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
        first_rows.append(row)
        if len(first_rows) == 3:
            break
    layout = _layout(first_rows)
    names, header_rows = layout.names, layout.header_rows
    try:
        frame = pd.read_csv(
            io.BytesIO(data), sep=delimiter, encoding=encoding, header=None, dtype=str,
            keep_default_na=False, skip_blank_lines=False, skiprows=header_rows,
            names=names, index_col=False)
    except pd.errors.ParserError as exc:
        raise ValidationError(
            f"The file is not a consistent table: {exc}. Check that every row has as many "
            f"columns as the header.", field="file") from exc
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame(columns=names, dtype=str)
    frame = frame.fillna("")
    return RawTable(frame, header_rows, layout.source_format, encoding, delimiter,
                    layout.questions, layout.timezones)


# ---- cells -------------------------------------------------------------------------------------

normalise = sf.normalise


def blank(series: pd.Series) -> pd.Series:
    """True where a cell is empty or only spaces (or NA)."""
    return series.isna() | (series.str.strip() == "")


_TIME_TAIL = (r"(?:[T ]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
              r"\s*(?:(?:Z|UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?|Z|UTC|GMT)?)$")
#: The time of day and zone at the end of a date cell: hour, minute, second, a/p, sign, offset
#: hours, offset minutes, a bare zone name (Z, UTC, GMT).
_TIME_PARTS = (r"(?i)[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:([ap])\.?m\.?)?"
               r"\s*(?:(?:Z|UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?|(Z|UTC|GMT))?$")
_HAS_ZONE = r"(?i)\d:\d{2}.*(?:Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)$"
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y",
                "%m-%d-%Y", "%m/%d/%y", "%d/%m/%y", "%d.%m.%y", "%Y%m%d", "%d %b %Y",
                "%b %d %Y", "%d %B %Y", "%B %d %Y")


def date_example(date_format: str | None) -> str:
    """How 31 March 2025 is written in ``date_format`` (e.g. ``31/03/2025``), for messages
    that must not show strftime codes; a hint for unknown or non-strftime formats."""
    if date_format and date_format.startswith("unix"):
        return "a Unix timestamp"
    if date_format and "%" in date_format:
        try:
            return _dt.date(2025, 3, 31).strftime(date_format)
        except ValueError:
            pass
    return "2025-03-31 or 31/03/2025"


def parse_dates(series: pd.Series, date_format: str | None = None, *,
                day_first: bool = False, source_tz: str | None = None,
                target_tz: str | None = None) -> tuple[pd.Series, str, bool]:
    """Parse a column of dates written in one format (with or without a time of day).

    Returns (ISO ``YYYY-MM-DD`` strings with NA where blank or unparsable, the format used,
    whether it was ambiguous). The format is the one of :data:`DATE_FORMATS` that parses the
    most of a sample; when day-first and month-first both fit every value (all days <= 12) the
    choice follows ``day_first`` and is reported as ambiguous. Unix timestamps (seconds or
    milliseconds) are recognised too.

    Time zones: with ``target_tz`` (an IANA name, the workspace's zone), a time written with an
    offset or zone (``2025-03-31T23:30-05:00``, ``4:22:34 PM GMT+1``, ``...Z``), a Unix time
    (always UTC) and, when ``source_tz`` says what zone the column is written in, any time, is
    converted to ``target_tz`` before its date is taken, so the answer lands in the right
    period. Times without a zone in a column without ``source_tz`` are taken as local already.
    """
    text = series.astype("str").str.strip()
    filled = text[text != ""]
    if filled.empty:
        return pd.Series(pd.NA, index=series.index, dtype="str"), date_format or "-", False
    convert = bool(target_tz)
    if convert and source_tz and _same_zone(source_tz, target_tz):
        source_tz = None
    sample = filled.drop_duplicates().head(2000)
    if convert and not source_tz and sample.str.len().max() <= 10:
        convert = False  # bare dates (one format per column): no time, so no zone to convert
    if date_format is None and sample.str.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?").all():
        date_format = "%Y-%m-%d"
    if date_format == "%Y-%m-%d":
        head = text.str.slice(0, 10)
        ok = pd.to_datetime(head, format="%Y-%m-%d", errors="coerce")
        good = ok.notna() & text.str.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?").fillna(False)
        out = head.where(good & (ok.dt.year >= 1900) & (ok.dt.year <= 2100))
        if convert:
            out = _to_zone(out, text, source_tz, target_tz)
        return out, date_format, False
    if date_format is None and sample.str.fullmatch(r"\d{9,13}").all():
        unit = "ms" if sample.str.len().max() > 10 else "s"
        nums = pd.to_numeric(text.where(text != ""), errors="coerce")
        parsed = pd.to_datetime(nums, unit=unit, errors="coerce")
        if convert and not _same_zone("UTC", target_tz):
            parsed = parsed.dt.tz_localize("UTC").dt.tz_convert(target_tz).dt.tz_localize(None)
        return parsed.dt.strftime("%Y-%m-%d").astype("str"), f"unix time ({unit})", False
    cleaned = text.str.replace(_TIME_TAIL, "", regex=True).str.replace(",", "", regex=False)
    ambiguous = False
    if date_format is None:
        sample_clean = cleaned.loc[sample.index]
        scores = {}
        for fmt in DATE_FORMATS:
            scores[fmt] = int(pd.to_datetime(sample_clean, format=fmt, errors="coerce")
                              .notna().sum())
        best = max(scores.values())
        winners = [f for f in DATE_FORMATS if scores[f] == best]
        date_format = winners[0]
        pairs = [("%m/%d/%Y", "%d/%m/%Y"), ("%m-%d-%Y", "%d-%m-%Y"), ("%m/%d/%y", "%d/%m/%y")]
        for month_first, day_first_fmt in pairs:
            if month_first in winners and day_first_fmt in winners:
                ambiguous = True
                date_format = day_first_fmt if day_first else month_first
                break
    parsed = pd.to_datetime(cleaned, format=date_format, errors="coerce")
    parsed = parsed.where((parsed.dt.year >= 1900) & (parsed.dt.year <= 2100))
    out = parsed.dt.strftime("%Y-%m-%d").astype("str")
    if convert:
        out = _to_zone(out, text, source_tz, target_tz)
    return out, date_format, ambiguous


def _same_zone(a: str, b: str) -> bool:
    utc = ("utc", "etc/utc", "gmt", "z", "etc/gmt")
    return a == b or (a.lower() in utc and b.lower() in utc)


def _to_zone(dates: pd.Series, text: pd.Series, source_tz: str | None,
             target_tz: str) -> pd.Series:
    """``dates`` (ISO days parsed from ``text``) moved to ``target_tz`` where ``text`` carries a
    time with an offset or zone (or, with ``source_tz``, any time of day)."""
    if source_tz:
        rows = dates.notna() & text.str.contains(r"\d:\d{2}", regex=True)
    else:
        # Cheap pre-filter: an offset needs more than a bare date-and-time, or a trailing Z.
        lengths = text.str.len()
        maybe = (lengths > 19) | (text.str.endswith(("Z", "z", "T", "C")) & (lengths > 10))
        if not maybe.any():
            return dates
        rows = maybe & dates.notna()
        rows[rows] = text[rows].str.contains(_HAS_ZONE, regex=True)
    if not rows.any():
        return dates
    parts = text[rows].str.extract(_TIME_PARTS)
    hours = pd.to_numeric(parts[0], errors="coerce")
    ampm = parts[3].str.lower()
    hours = hours.where(~((ampm == "p") & (hours < 12)), hours + 12)
    hours = hours.where(~((ampm == "a") & (hours == 12)), 0)
    clock = (pd.to_timedelta(hours.fillna(0), unit="h")
             + pd.to_timedelta(pd.to_numeric(parts[1], errors="coerce").fillna(0), unit="m")
             + pd.to_timedelta(pd.to_numeric(parts[2], errors="coerce").fillna(0), unit="s"))
    naive = pd.to_datetime(dates[rows], format="%Y-%m-%d", errors="coerce") + clock
    sign = parts[4].map({"+": 1, "-": -1})
    offset = sign * (pd.to_numeric(parts[5], errors="coerce") * 60
                     + pd.to_numeric(parts[6], errors="coerce").fillna(0))
    has_offset = sign.notna()
    zoned = has_offset | parts[7].notna()
    utc = naive - pd.to_timedelta(offset.where(has_offset, 0), unit="m")
    if source_tz:
        local = ~zoned & hours.notna()
        if local.any():
            utc[local] = (naive[local].dt.tz_localize(source_tz, ambiguous="NaT",
                                                      nonexistent="shift_forward")
                          .dt.tz_convert("UTC").dt.tz_localize(None))
        zoned = zoned | local
    moved = (utc[zoned].dt.tz_localize("UTC").dt.tz_convert(target_tz)
             .dt.strftime("%Y-%m-%d").astype("str"))
    out = dates.copy()
    out[moved.index] = moved.where(moved.notna(), out[moved.index])
    return out


_MONEY_JUNK = r"[\s\u00a0\u202f€$£¥%']|^[A-Z]{3}(?=[-\d])"


def parse_numbers(series: pd.Series, *, decimal_comma: bool | None = None
                  ) -> tuple[pd.Series, bool]:
    """Parse numbers written as people write them: spaces and currency signs dropped, thousands
    separators removed, and a decimal comma understood (``12,50`` or ``1.234,56``).

    A column uses a decimal comma when some value has a comma followed by other than exactly
    three digits, or a comma after the last dot. Returns (float Series with NaN for blank or
    unparsable cells, whether decimal commas were used).
    """
    text = series.astype("str").str.strip()
    has_comma = text.str.contains(",", regex=False)
    if not has_comma.any():
        values = pd.to_numeric(text, errors="coerce")
        failed = values.isna() & (text != "")
        if failed.any():  # only the odd cells pay for the clean-up
            values[failed] = pd.to_numeric(
                text[failed].str.replace(_MONEY_JUNK, "", regex=True), errors="coerce")
        return values.astype("float64"), False
    text = text.str.replace(_MONEY_JUNK, "", regex=True)
    if decimal_comma is None:
        commas = text[has_comma].head(5000)
        decimal_comma = bool(
            commas.str.fullmatch(r"-?[\d.]*,(?:\d{1,2}|\d{4,})").any()
            or commas.str.fullmatch(r"-?\d{1,3}(?:\.\d{3})+,\d+").any())
    if decimal_comma:
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce"), decimal_comma


def _score_labels() -> dict[str, dict[str, int]]:
    from cxcore.answer_labels import SCALES

    return {"csat": SCALES["satisfaction"]}


SCORE_LABELS = _score_labels()


def parse_scores(series: pd.Series, field_name: str) -> pd.Series:
    """Parse rating answers: plain numbers, a leading number of a labelled choice
    ("10 - Extremely likely", "4 stars"), or a known label (CSAT's "Very satisfied" = 5, in
    English, French, German or Spanish: :mod:`cxcore.answer_labels`)."""
    values, _ = parse_numbers(series)
    missing = values.isna() & ~blank(series)
    if missing.any():
        text = series[missing].astype("str").str.strip()
        lead = pd.to_numeric(text.str.extract(r"^(\d{1,2})(?:\s*[-–:(=]|\s+\D|$)")[0],
                             errors="coerce")
        labels = SCORE_LABELS.get(field_name)
        if labels:
            from cxcore.answer_labels import label_key

            keys = {v: label_key(v) for v in text.unique().tolist()}
            lead = lead.fillna(text.map(keys).map(labels))
        values = values.copy()
        values[missing] = lead.astype("float64")
    return values


FLAG_VALUES = {
    **dict.fromkeys(("yes", "y", "true", "t", "1", "1.0", "x", "churned", "cancelled",
                     "canceled", "lost", "left", "oui", "ja", "si", "sí"), 1),
    **dict.fromkeys(("no", "n", "false", "f", "0", "0.0", "active", "retained", "non",
                     "nein"), 0),
}


def parse_flags(series: pd.Series) -> pd.Series:
    """Yes/No, True/False, 1/0 (and a few common words) as 1/0; NA when blank or unknown."""
    return series.astype("str").str.strip().str.lower().map(FLAG_VALUES)


def problems_from_mask(mask: pd.Series, table: RawTable, field_name: str, reason: Any,
                       limit: int) -> tuple[list[Problem], int]:
    """Problems for the first ``limit`` rows where ``mask`` is true, and how many there are.

    ``reason`` is a string, or a function of the row's positional index giving one."""
    hits = mask.to_numpy().nonzero()[0]
    out = []
    for pos in hits[:limit]:
        text = reason(int(pos)) if callable(reason) else reason
        out.append(Problem(field=field_name, reason=text, row=int(table.file_row(pos))))
    return out, len(hits)
