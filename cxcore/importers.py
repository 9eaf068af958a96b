"""Importing customers, revenue events, survey responses and employee pulse answers from files.

Two steps, so people see what will happen before anything is stored:

1. :func:`prepare_import` reads the file (CSV in UTF-8, UTF-8 with BOM, Windows-1252 or Latin-1;
   comma, semicolon or tab separated; or Excel), recognises the layout (Qualtrics, SurveyMonkey,
   Delighted, plain), maps columns to fields from their headers (the user can override any
   mapping), parses every cell and lists every bad row with its row number, column and reason.
   Nothing is stored.
2. :func:`commit_import` stores the valid rows in one transaction as one batch, skipping rows
   already stored by an earlier import of the same data (so importing a file twice does not
   double-count). :func:`undo_import` removes a batch.

Row numbers in problems are the spreadsheet row of the record: the header is row 1 (rows 1-3 for
Qualtrics, 1-2 for SurveyMonkey), so the first answer of a plain file is row 2.

Conventions stored for the metrics: dates are ISO ``YYYY-MM-DD``; customer effort (``ces``) is
1-7 where **7 means very easy** (higher is better); revenue ``amount`` is always positive and the
``kind`` says its direction (``refund`` and ``downgrade`` reduce revenue).
"""

from __future__ import annotations

import json
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from cxcore import attribute_import as ai
from cxcore import attributes as attrs
from cxcore import import_formats as fmt
from cxcore import rollups
from cxcore import survey_formats as sf
from cxcore.accounts import now_iso
from cxcore.customer_data import REVENUE_KINDS
from cxcore.errors import CXError, Problem, ValidationError
from cxcore.workspace import WorkspaceSession

KINDS = ("customers", "revenue", "responses", "pulse")
TABLES = {"customers": "customers", "revenue": "revenue_events", "responses": "responses",
          "pulse": "pulse"}
MAX_PROBLEMS = 1000
INSERT_CHUNK = 50_000
IMPORT_CACHE_KIB = 131_072
IGNORE = ""
#: A snapshot customer file (tenure + churn flag, no end dates): ``preview.detected`` key and
#: the workspace setting the scorecard reads ({"reference_date", "batch_id"}).
SNAPSHOT_KEY = "snapshot reference date"
SNAPSHOT_SETTING = "customer_snapshot"
#: Whole cells that mean "no value" in exports from R, Excel, databases and pandas.
MISSING_MARKERS = ("NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan", "None", "#NULL!")


@dataclass(frozen=True)
class FieldSpec:
    """A field an import can fill: its parser and range, whether it is required, how it reads."""

    name: str
    parser: str  # text | id | date | score | money | flag | revenue_kind | step | number
    label: str
    required: bool = False
    low: int | None = None
    high: int | None = None
    stored: bool = True  # False for helper fields that only feed other fields


def _scores(*specs: tuple[str, str, int, int]) -> list[FieldSpec]:
    return [FieldSpec(n, "score", label, low=lo, high=hi) for n, label, lo, hi in specs]


FIELDS: dict[str, list[FieldSpec]] = {
    "customers": [
        FieldSpec("id", "id", "Customer ID", required=True),
        FieldSpec("name", "text", "Name"),
        FieldSpec("segment", "text", "Segment"),
        FieldSpec("channel", "text", "Channel"),
        FieldSpec("start_date", "date", "Start date", required=True),
        FieldSpec("end_date", "date", "End date"),
        FieldSpec("churned", "flag", "Churned (yes/no)"),
        FieldSpec("monthly_revenue", "money", "Monthly revenue"),
        FieldSpec("referred_by", "id", "Referred by (customer ID)"),
        FieldSpec("tenure_months", "number", "Tenure in months (with a reference date)",
                  stored=False),
    ],
    "revenue": [
        FieldSpec("customer_id", "id", "Customer ID", required=True),
        FieldSpec("date", "date", "Date", required=True),
        FieldSpec("amount", "money", "Amount", required=True),
        FieldSpec("kind", "revenue_kind", "Kind (" + "/".join(REVENUE_KINDS) + ")",
                  required=True),
        FieldSpec("event_id", "text", "Event ID (for de-duplication)", stored=False),
    ],
    "responses": [
        FieldSpec("customer_id", "id", "Customer ID"),
        FieldSpec("date", "date", "Date", required=True),
        *_scores(("nps", "NPS (0-10)", 0, 10), ("csat", "CSAT (1-5)", 1, 5),
                 ("ces", "Customer effort (1-7, 7 = very easy)", 1, 7),
                 ("effectiveness", "Effectiveness (1-7)", 1, 7), ("ease", "Ease (1-7)", 1, 7),
                 ("emotion", "Emotion (1-7)", 1, 7)),
        FieldSpec("channel", "text", "Channel"),
        FieldSpec("segment", "text", "Segment"),
        FieldSpec("journey_step_id", "step", "Journey step (ID or name)"),
        FieldSpec("comment", "comment", "Comment"),
        FieldSpec("score", "number", "Score (typed by survey type)", stored=False),
        FieldSpec("survey_type", "text", "Survey type (NPS/CSAT/CES)", stored=False),
        FieldSpec("response_id", "text", "Response ID (for de-duplication)", stored=False),
    ],
    "pulse": [
        FieldSpec("date", "date", "Date", required=True),
        FieldSpec("team", "text", "Team"),
        FieldSpec("enps", "score", "eNPS (0-10)", required=True, low=0, high=10),
        FieldSpec("comment", "comment", "Comment"),
        FieldSpec("response_id", "text", "Response ID (for de-duplication)", stored=False),
    ],
}
SCORE_FIELDS = ("nps", "csat", "ces", "effectiveness", "ease", "emotion")

# Headers (normalised: lower-case letters and digits) that name a field outright.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "customers": {
        "id": ("id", "customerid", "customer", "custid", "clientid", "accountid",
               "customernumber", "customerno", "customerref"),
        "name": ("name", "customername", "fullname", "company", "companyname", "accountname"),
        "segment": ("segment", "customersegment", "tier"),
        "channel": ("channel", "acquisitionchannel", "saleschannel"),
        "start_date": ("startdate", "start", "customersince", "since", "signupdate", "signedup",
                       "joined", "joindate", "datejoined", "acquireddate", "firstpurchasedate"),
        "end_date": ("enddate", "churndate", "canceldate", "cancelleddate", "cancellationdate",
                     "leftdate", "dateleft"),
        "churned": ("churned", "churn", "ischurned", "cancelled", "canceled", "exited", "lost"),
        "monthly_revenue": ("monthlyrevenue", "mrr", "monthlycharges", "monthlycharge",
                            "monthlyfee", "monthlyspend"),
        "referred_by": ("referredby", "referrer", "referrerid", "referredbyid"),
        "tenure_months": ("tenure", "tenuremonths", "monthsascustomer"),
    },
    "revenue": {
        "customer_id": ("customerid", "customer", "custid", "clientid", "accountid"),
        "date": ("date", "eventdate", "invoicedate", "transactiondate", "paymentdate",
                 "orderdate", "createdat"),
        "amount": ("amount", "value", "revenue", "total", "sum", "netamount"),
        "kind": ("kind", "type", "eventtype", "revenuetype", "transactiontype", "category"),
        "event_id": ("eventid", "invoiceid", "transactionid", "invoicenumber", "orderid", "id"),
    },
    "responses": {
        "customer_id": ("customerid", "customer", "custid", "clientid", "accountid",
                        "externalreference", "externaldatareference"),
        "date": ("date", "responsedate", "recordeddate", "submitdate", "completiontime",
                 "enddate", "submittedat", "submitted", "responsetimestamp", "timestamp",
                 "horodateur", "zeitstempel", "marcatemporal", "surveydate", "createdat",
                 "completedat", "datum", "fecha", "datedereponse", "antwortdatum",
                 "fechaderespuesta", "starttime", "startdate"),
        "nps": ("nps", "npsscore", "likelihoodtorecommend", "ltr"),
        "csat": ("csat", "csatscore", "satisfaction", "overallsatisfaction"),
        "ces": ("ces", "cesscore", "customereffort", "customereffortscore", "effort"),
        "effectiveness": ("effectiveness",),
        "ease": ("ease",),
        "emotion": ("emotion",),
        "channel": ("channel", "responsechannel", "touchpointchannel"),
        "segment": ("segment", "customersegment"),
        "journey_step_id": ("journeystep", "journeystepid", "step", "touchpoint"),
        "comment": ("comment", "comments", "feedback", "verbatim", "reason", "explanation",
                    "whyscore", "opentext", "additionalcomments", "commentaire", "explication",
                    "kommentar", "comentario", "commento"),
        "score": ("score", "rating"),
        "survey_type": ("surveytype", "survey", "questiontype", "metric"),
        "response_id": ("responseid", "respondentid", "surveyresponseid", "responseuuid",
                        "token", "", "id"),
    },
    "pulse": {
        "date": ("date", "responsedate", "recordeddate", "enddate", "submittedat",
                 "timestamp", "createdat", "surveydate", "startdate"),
        "team": ("team", "department", "dept", "group", "unit", "teamname"),
        "enps": ("enps", "enpsscore", "score", "rating"),
        "comment": ("comment", "comments", "feedback", "verbatim", "reason"),
        "response_id": ("responseid", "respondentid"),
    },
}

# Question texts that say which field a column holds (headers that are the question itself).
QUESTION_PATTERNS: dict[str, list[tuple[str, str]]] = {
    "responses": [
        (r"recommend|recommand|weiterempfehlen|empfehlen|recomend|recomiend|raccomand", "nps"),
        (r"how (easy|difficult)|effort|easy was it|easy to|facile|facilit[ée]|wie einfach|"
         r"wie leicht|aufwand|f[áa]cil|facilidad|esfuerzo", "ces"),
        (r"satisf|zufrieden", "csat"),
        (r"\bwhy\b|tell us|\bcomments?\b(?!\s+(?:a|avez|[ée]valu|jug|trouv|not|estim|qualifi))|"
         r"anything else|what else|reason for|suggest|improve|pourquoi|commentaire|remarque|"
         r"am[ée]liorer|warum|kommentar|anmerkung|verbesser|"
         r"por qu[ée]|comentario|sugerencia|mejorar", "comment"),
    ],
    "pulse": [
        (r"recommend|recommand|weiterempfehlen|empfehlen|recomend|recomiend|raccomand", "enps"),
        (r"\bwhy\b|tell us|comment|anything else|pourquoi|warum|por qu[ée]", "comment"),
    ],
}

REVENUE_KIND_WORDS = {
    **dict.fromkeys(("new", "newbusiness", "acquisition", "first", "firstpurchase", "purchase",
                     "sale", "initial"), "new"),
    **dict.fromkeys(("renewal", "renew", "renewed", "recurring", "subscription"), "renewal"),
    **dict.fromkeys(("upsell", "expansion", "upgrade", "crosssell", "addon"), "upsell"),
    **dict.fromkeys(("downgrade", "contraction", "downsell"), "downgrade"),
    **dict.fromkeys(("refund", "chargeback", "credit", "creditnote", "return"), "refund"),
}


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


# ---- mapping -----------------------------------------------------------------------------------

def field_names(kind: str) -> list[str]:
    """The fields a column can be mapped to for ``kind``."""
    return [f.name for f in FIELDS[_check_kind(kind)]]


def field_labels(kind: str) -> dict[str, str]:
    """Field name -> a label for people."""
    return {f.name: f.label for f in FIELDS[_check_kind(kind)]}


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(
            f"'{kind}' is not something that can be imported; choose one of "
            f"{', '.join(KINDS)}.", field="kind")
    return kind


def auto_mapping(kind: str, columns: Iterable[str], questions: dict[str, str] | None = None,
                 source_format: str = "plain") -> dict[str, str]:
    """Source column -> field for the columns whose header (or question text) is recognisable.

    Exact header synonyms win over question text; each field takes the first column that
    matches; Qualtrics ``*_NPS_GROUP`` columns are derived and left out.
    """
    questions = questions or {}
    synonyms = SYNONYMS[kind]
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    columns = list(columns)
    # "Submit Date (UTC)" is a submit date: the zone is read separately (time zones).
    norms = {c: fmt.normalise(re.sub(r"\((?:utc|gmt)[^)]*\)", "", c, flags=re.IGNORECASE))
             for c in columns if not c.upper().endswith("_NPS_GROUP")}
    # Synonyms are listed best first (a recorded date beats a start date).
    for target, words in synonyms.items():
        for word in words:
            column = next((c for c, n in norms.items() if n == word and c not in mapping), None)
            if column is not None:
                mapping[column] = target
                taken.add(target)
                break
    for column in columns:
        if column in mapping or column.upper().endswith("_NPS_GROUP"):
            continue
        text = questions.get(column) or column
        for pattern, target in QUESTION_PATTERNS.get(kind, []):
            if target not in taken and re.search(pattern, text, re.IGNORECASE):
                mapping[column] = target
                taken.add(target)
                break
    return mapping


def _apply_user_mapping(auto: dict[str, str], user: dict[str, str] | None, columns: list[str],
                        kind: str) -> dict[str, str]:
    if not user:
        return auto
    names = set(field_names(kind))
    problems = []
    for source, target in user.items():
        if source not in columns:
            problems.append(Problem("mapping", f"the file has no column '{source}' (its columns: "
                                    f"{', '.join(columns[:30])})"))
        elif target not in names and target not in (IGNORE, "ignore", None):
            problems.append(Problem("mapping", f"'{target}' is not a field of {kind}; choose one "
                                    f"of {', '.join(sorted(names))}"))
    if problems:
        raise ValidationError(problems)
    mapping = dict(auto)
    for source, target in user.items():
        target = target or IGNORE
        mapping.pop(source, None)
        if target in (IGNORE, "ignore"):
            continue
        for other in [s for s, t in mapping.items() if t == target]:
            del mapping[other]
        mapping[source] = target
    return {c: mapping[c] for c in columns if c in mapping}


# ---- reference data ----------------------------------------------------------------------------

def _known_ids(known: Any) -> set[str] | None:
    if known is None:
        return None
    if isinstance(known, WorkspaceSession):
        return {r[0] for r in known.db.execute("select id from customers")}
    return {str(k) for k in known}


def _steps(known: Any) -> dict[str, int] | None:
    """Journey step name (lower case) or id (as text) -> id; ambiguous names map to -1."""
    if not isinstance(known, WorkspaceSession):
        return None
    if "journey_steps" not in known.db.table_names():
        return {}
    out: dict[str, int] = {}
    for step_id, name in known.db.execute("select id, name from journey_steps"):
        out[str(step_id)] = step_id
        key = str(name).strip().lower()
        out[key] = -1 if key in out and out[key] != step_id else step_id
    return out


# ---- prepare -----------------------------------------------------------------------------------

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
    _check_kind(kind)
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
    mapping_used = _apply_user_mapping(auto, mapping, columns, kind)
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
    found = _survey_questions(kind, table, frame, mapping_used, mapping, attributes,
                              not_applicable, scales, known_customer_ids)
    validator = _Validator(kind, table, frame, mapping_used, detected, notes,
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


def suggest_kind(columns: Iterable[str], questions: dict[str, str] | None = None,
                 source_format: str = "plain") -> str | None:
    """What a file most likely holds (customers, revenue, responses or pulse) from its columns;
    None when nothing says. A survey tool's layout, or a score or question column, means
    responses; eNPS or a team column with a score means pulse; an amount with a customer and a
    date means revenue; a customer id with a start date, tenure or churn flag means customers."""
    columns = list(columns)
    if source_format.split(" (")[0] not in ("plain", "JSON"):
        return "responses"
    found = {k: set(auto_mapping(k, columns, questions).values()) for k in KINDS}
    if "enps" in {fmt.normalise(c) for c in columns} or (
            "team" in found["pulse"] and "enps" in found["pulse"]):
        return "pulse"
    if {"customer_id", "amount"} <= found["revenue"] and (
            "kind" in found["revenue"] or "date" in found["revenue"]):
        return "revenue"
    if found["responses"] & {"nps", "csat", "ces", "score", "effectiveness", "ease", "emotion"}:
        return "responses"
    if "id" in found["customers"] and found["customers"] & {
            "start_date", "tenure_months", "churned", "end_date", "monthly_revenue"}:
        return "customers"
    return None


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


def _survey_questions(kind: str, table: fmt.RawTable, frame: pd.DataFrame,
                      mapping_used: dict[str, str], user_mapping: dict[str, str] | None,
                      overrides: dict[str, dict[str, Any]] | None,
                      not_applicable: Iterable[Any] | None, scales: dict[str, Any] | None,
                      known: Any) -> list[ai.AttributeSpec]:
    """The survey questions of a responses file: every column no field takes that is not the
    tool's bookkeeping or ignored by the user, read by :func:`cxcore.attribute_import.detect`;
    a question the workspace already has keeps its stored kind, scale and answers."""
    if kind != "responses":
        return []
    overrides = dict(overrides or {})
    na = [str(c).strip() for c in (not_applicable or []) if str(c).strip()]
    for column, scale in (scales or {}).items():
        if column not in frame.columns:
            raise ValidationError(f"--scale: the file has no column '{column}'.", field="scale")
        if column not in mapping_used:
            overrides.setdefault(column, {})["scale"] = scale
    ignored = {c for c, t in (user_mapping or {}).items() if t in (IGNORE, "ignore", None)}
    meta = sf.metadata_columns(table.source_format, list(frame.columns))
    stored = {}
    if isinstance(known, WorkspaceSession):
        stored = {a["key"]: a for a in attrs.list_attributes(known.db)}
    taken: set[str] = set()
    found = []
    for column in frame.columns:
        override = overrides.get(column, {})
        if column in mapping_used or column.upper().endswith("_NPS_GROUP") or (
                (column in ignored or column in meta) and not override):
            continue
        label = table.questions.get(column) or column
        key = ai.make_key(override.get("key") or column, taken)
        spec = ai.detect(frame[column], column, label, key, na)
        if spec is None and key not in stored and not override.get("kind") \
                and not override.get("scale"):
            continue
        if spec is None:
            spec = ai.AttributeSpec(column, key, label, override.get("kind") or "rating",
                                    na_codes=list(na))
        if key in stored and not override.get("scale") and not override.get("kind"):
            spec = _from_stored(spec, stored[key], frame[column])
        try:
            spec = ai.apply_override(spec, override)
        except ValueError as exc:
            raise ValidationError(f"question '{column}': {exc}", field="scale") from None
        if spec.kind == "rating" and spec.scale is None:
            raise ValidationError(f"question '{column}' needs a scale such as 1-5.",
                                  field="scale")
        found.append(spec)
    return found


def _from_stored(spec: ai.AttributeSpec, stored: dict[str, Any],
                 series: pd.Series) -> ai.AttributeSpec:
    """``spec`` read the way the workspace's stored question of that key is (its kind, scale,
    N/A codes and answer labels); new choices of a category are added after the stored ones."""
    out = ai.AttributeSpec(
        spec.column, spec.key, stored["label"], stored["kind"],
        scale=None if stored["scale_min"] is None else (stored["scale_min"],
                                                         stored["scale_max"]),
        na_codes=list(dict.fromkeys([*map(str, stored["na_codes"]), *spec.na_codes])),
        value_labels={**spec.value_labels, **stored["value_labels"]},
        categories=list(stored["categories"]), source="stored")
    if out.kind == "category":
        seen = [v for v in series.str.strip().unique().tolist()
                if v and v not in out.categories and v not in out.na_codes]
        out.categories += sorted(seen)
    return out


def attribute_column(spec: ai.AttributeSpec) -> str:
    """The name of a survey question's parsed column in a preview's rows."""
    return f"@{spec.key}"


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


class _Validator:
    """Parses every mapped column of one file and collects problems (vectorised)."""

    def __init__(self, kind, table, frame, mapping, detected, notes, known, date_format,
                 default_date, reference_date) -> None:
        self.kind, self.table, self.frame = kind, table, frame
        self.mapping, self.detected, self.notes = mapping, detected, notes
        self.known, self.date_format = known, date_format
        self.default_date = str(default_date) if default_date else None
        self.reference_date = str(reference_date) if reference_date else None
        self.by_field = {t: s for s, t in mapping.items()}
        self.problems: list[Problem] = []
        self.count = 0
        self.ces_low_is_easy = False
        self.timezone: str | None = None
        self.attributes: list[ai.AttributeSpec] = []
        self.scales: dict[str, Any] = {}
        self.bad = pd.Series(False, index=frame.index)
        self.out = pd.DataFrame(index=frame.index)

    def kept(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.row or 0, p.field))[:MAX_PROBLEMS]

    def flag(self, mask: pd.Series, field_name: str, reason: Any) -> None:
        """Record a problem on every row where ``mask`` is true (keeping the first few)."""
        mask = mask.fillna(False).astype(bool)
        hits = mask.to_numpy().nonzero()[0]
        if not len(hits):
            return
        labels = self.frame.index[hits[:MAX_PROBLEMS]]
        for label in labels:
            text = reason(label) if callable(reason) else reason
            self.problems.append(Problem(field_name, text, int(self.table.file_row(label))))
        self.count += len(hits)
        self.bad |= mask

    def file_problem(self, field_name: str, reason: str) -> None:
        self.problems.append(Problem(field_name, reason, None))
        self.count += 1
        self.bad[:] = True

    def column(self, field_name: str) -> pd.Series | None:
        source = self.by_field.get(field_name)
        return None if source is None else self.frame[source].astype("str")

    @staticmethod
    def shown(value: Any) -> str:
        text = str(value)
        return repr(text if len(text) <= 40 else text[:37] + "...")

    def run(self) -> pd.DataFrame:
        specs = FIELDS[self.kind]
        self._required(specs)
        for spec in specs:
            series = self.column(spec.name)
            if series is None:
                continue
            getattr(self, f"_parse_{spec.parser}")(spec, series)
        if "date" not in self.out and self.default_date and self.kind in ("responses", "pulse"):
            self.out["date"] = self.default_date
        self._parse_attributes()
        getattr(self, f"_finish_{self.kind}")()
        self._repeated_response_ids()
        if any(p.row is None for p in self.problems):
            self.bad[:] = True
        stored = [f.name for f in specs if f.stored]
        good = self.out.loc[~self.bad]
        for name in stored:
            if name not in good.columns:
                good[name] = None
        extra = [c for c in ("_dedupe",) if c in good.columns]
        extra += [attribute_column(a) for a in self.attributes]
        return good[stored + extra].reset_index(drop=True)

    def _repeated_response_ids(self) -> None:
        """A response id is one survey answer: a second row with the same id in one file is a
        problem (an export appended twice, or a tool re-sending), not a second answer."""
        ids = self.out.get("response_id")
        if ids is None or self.kind not in ("responses", "pulse"):
            return
        ids = ids.where(ids.notna() & (ids.astype("str").str.strip() != ""))
        again = ids.notna() & ids.duplicated(keep="first")
        if not again.any():
            return
        first = ids[ids.notna() & ~ids.duplicated(keep="first")]
        first_row = pd.Series(first.index, index=first.to_numpy())
        self.flag(again, "response_id", lambda i: (
            f"response id {self.shown(ids.loc[i])} is already on row "
            f"{self.table.file_row(first_row[ids.loc[i]])} of this file"))

    def _required(self, specs: list[FieldSpec]) -> None:
        for spec in specs:
            if not spec.required or spec.name in self.by_field:
                continue
            if spec.name == "start_date" and "tenure_months" in self.by_field:
                continue
            if spec.name == "date" and self.default_date:
                continue
            hint = ""
            if spec.name == "date" and self.kind in ("responses", "pulse"):
                hint = " Map a date column, or give one date for the whole file."
            if spec.name == "start_date":
                hint = (" Map a start date column, or a tenure column together with the date "
                        "the tenure was counted to (reference date).")
            self.file_problem(spec.name, f"required: no column is mapped to {spec.label}.{hint}")
        if self.kind == "responses":
            scores = set(SCORE_FIELDS) | {"score"}
            if not scores & set(self.by_field) and not self.attributes:
                self.file_problem("nps", "no column is mapped to any score (NPS, CSAT, customer "
                                  "effort, effectiveness, ease or emotion) and no column holds "
                                  "a rating, yes/no or single-choice question")

    # parsers: each fills self.out[spec.name] and flags bad cells
    def _parse_text(self, spec: FieldSpec, series: pd.Series) -> None:
        text = series.str.strip()
        self.out[spec.name] = text.where(text != "")

    def _parse_id(self, spec: FieldSpec, series: pd.Series) -> None:
        text = series.str.strip()
        self.out[spec.name] = text.where(text != "")
        if spec.required:
            self.flag(text == "", spec.name, f"{spec.label} is blank")

    def _parse_comment(self, spec: FieldSpec, series: pd.Series) -> None:
        # Comments are stored exactly as written (no stripping), blank ones as NULL.
        self.out[spec.name] = series.where(series.str.strip() != "")

    def _parse_date(self, spec: FieldSpec, series: pd.Series) -> None:
        source_col = self.by_field[spec.name]
        parsed, used, ambiguous = fmt.parse_dates(
            series, self.date_format, day_first=self.table.delimiter == ";",
            source_tz=self.table.timezones.get(source_col), target_tz=self.timezone)
        self.detected[f"date format ({spec.name})"] = used
        if ambiguous:
            self.notes.append(
                f"Dates in '{self.by_field[spec.name]}' fit both day/month and month/day; read "
                f"like {fmt.date_example(used)}. Choose the date format if that is wrong.")
        is_blank = fmt.blank(series)
        if spec.name == "date" and self.default_date:
            parsed = parsed.fillna(self.default_date)
        elif spec.required:
            self.flag(is_blank, spec.name, f"{spec.label} is blank")
        source = series

        def reason(i: Any) -> str:
            return (f"{spec.label} {self.shown(source.loc[i])} is not a date: write it like "
                    f"the other dates in this column, e.g. {fmt.date_example(used)} "
                    f"(years 1900 to 2100)")

        self.flag(parsed.isna() & ~is_blank, spec.name, reason)
        self.out[spec.name] = parsed

    def _parse_score(self, spec: FieldSpec, series: pd.Series) -> None:
        column = self.by_field[spec.name]
        declared = self.scales.get(column)
        if declared is not None:
            try:
                low, high = (ai.parse_scale(declared) if isinstance(declared, str)
                             else tuple(map(float, declared)))
            except ValueError as exc:
                raise ValidationError(f"--scale for '{column}': {exc}", field="scale") from None
            if (low, high) != (spec.low, spec.high):
                self.file_problem(spec.name, (
                    f"column '{column}' is declared {low:g}-{high:g}, but {spec.label} is "
                    f"{spec.low}-{spec.high}: its answers can't be stored there. Leave the "
                    f"column as a survey question with its own scale (map it to nothing) or "
                    f"map it to a field with that scale"))
                return
        values = fmt.parse_scores(series, spec.name)
        refusal = ai.values_for_field(values, spec.low, spec.high, spec.label, column)
        if refusal:
            self.file_problem(spec.name, refusal)
            return
        is_blank = fmt.blank(series)
        bad = ~is_blank & ~(values.between(spec.low, spec.high) & (values % 1 == 0))
        if spec.required:
            self.flag(is_blank, spec.name, f"{spec.label} is blank")

        def reason(i: Any) -> str:
            return (f"{spec.label}: {self.shown(series.loc[i])} is not a whole number from "
                    f"{spec.low} to {spec.high}")

        self.flag(bad, spec.name, reason)
        filled = int((~is_blank).sum())
        if filled and bad.sum() > filled / 2:
            self.notes.append(
                f"Most values of '{self.by_field[spec.name]}' are not {spec.label}: importing "
                f"only the valid rows would keep a biased subset. Check the mapping.")
        values = values.where(~bad).astype("Int64")
        if spec.name == "ces" and self.ces_low_is_easy:
            values = 8 - values
            self.notes.append("Customer effort answers were reversed (stored as 8 - answer) so "
                              "that 7 means very easy.")
        self.out[spec.name] = values

    def _parse_money(self, spec: FieldSpec, series: pd.Series) -> None:
        values, comma = fmt.parse_numbers(series)
        if comma:
            self.detected[f"decimal comma ({spec.name})"] = True
        is_blank = fmt.blank(series)
        if spec.required:
            self.flag(is_blank, spec.name, f"{spec.label} is blank")
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"{spec.label} {self.shown(series.loc[i])} is not a number")
        self.out[spec.name] = values

    def _parse_number(self, spec: FieldSpec, series: pd.Series) -> None:
        values, _ = fmt.parse_numbers(series)
        is_blank = fmt.blank(series)
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"{spec.label} {self.shown(series.loc[i])} is not a number")
        self.out[spec.name] = values

    def _parse_flag(self, spec: FieldSpec, series: pd.Series) -> None:
        values = fmt.parse_flags(series)
        is_blank = fmt.blank(series)
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"{spec.label} {self.shown(series.loc[i])} is not yes/no or 1/0")
        self.out[spec.name] = values.fillna(0).astype("int64")

    def _parse_revenue_kind(self, spec: FieldSpec, series: pd.Series) -> None:
        norm = series.str.lower().str.replace(r"[^a-z]+", "", regex=True)
        values = norm.map(REVENUE_KIND_WORDS)
        is_blank = fmt.blank(series)
        self.flag(is_blank, spec.name, f"{spec.label} is blank")
        self.flag(values.isna() & ~is_blank, spec.name,
                  lambda i: f"kind {self.shown(series.loc[i])} is not one of "
                            f"{', '.join(REVENUE_KINDS)}")
        self.out[spec.name] = values

    def _parse_step(self, spec: FieldSpec, series: pd.Series) -> None:
        text = series.str.strip()
        is_blank = text == ""
        steps = _steps(self.known)
        if steps is None:
            values = pd.to_numeric(text.where(~is_blank), errors="coerce")
            self.flag(values.isna() & ~is_blank, spec.name,
                      lambda i: f"journey step {self.shown(text.loc[i])} is not a step id "
                                f"(step names can be used when importing into a workspace)")
        else:
            key = text.str.lower()
            values = key.map(steps)
            self.flag(values.isna() & ~is_blank, spec.name,
                      lambda i: f"journey step {self.shown(text.loc[i])} is not a step of any "
                                f"journey in this workspace")
            self.flag(values.eq(-1), spec.name,
                      lambda i: f"journey step {self.shown(text.loc[i])} is the name of steps in "
                                f"several journeys; use the step id")
            values = values.where(values != -1)
        self.out[spec.name] = values.astype("Int64")

    # per-kind rules across fields
    def _unknown_customers(self, field_name: str) -> None:
        known = _known_ids(self.known)
        if known is None or field_name not in self.out:
            return
        ids = self.out[field_name]
        self.flag(ids.notna() & ~ids.isin(known), field_name,
                  lambda i: f"unknown customer {self.shown(ids.loc[i])}: import customers first")

    def _dedupe_key(self, fields: list[str], source_id: str | None) -> None:
        """``row_hash``: a hash of the row's parsed values (and source response id), plus
        which repeat of identical values within the file it is, so identical answers in one
        file are all kept while importing the same file again matches every row."""
        names = [f for f in fields if f in self.out]
        if source_id and source_id in self.out:
            names.append(source_id)
        content = pd.util.hash_pandas_object(self.out[names], index=False) if names else \
            pd.Series(0, index=self.out.index, dtype="uint64")
        occurrence = content.groupby(content).cumcount().astype("uint64")
        hashed = pd.util.hash_pandas_object(
            pd.DataFrame({"content": content, "occurrence": occurrence}), index=False)
        self.out["_dedupe"] = hashed.astype("str")

    def _finish_customers(self) -> None:
        out = self.out
        if "tenure_months" in out:
            tenure = out["tenure_months"]
            if not self.reference_date:
                self.file_problem("tenure_months", "a tenure column needs the reference date "
                                  "it was counted to (e.g. the date of the export)")
            else:
                ref = pd.Timestamp(self.reference_date)
                bad = tenure.notna() & ((tenure < 0) | (tenure % 1 != 0))
                self.flag(bad, "tenure_months", "tenure must be a whole number of months >= 0")
                self.flag(tenure.isna(), "tenure_months", "tenure is blank")
                months = tenure.where(~bad).fillna(0).astype("int64")
                by_months = {m: (ref - pd.DateOffset(months=int(m))).strftime("%Y-%m-%d")
                             for m in months.unique()}
                starts = months.map(by_months).astype("str")
                out["start_date"] = (out["start_date"].fillna(starts) if "start_date" in out
                                     else starts)
                snapshot = "churned" in out and "end_date" not in out
                if "churned" in out:
                    ends = (out["end_date"] if "end_date" in out
                            else pd.Series(pd.NA, index=out.index, dtype="str"))
                    out["end_date"] = ends.where(~(ends.isna() & (out["churned"] == 1)),
                                                 self.reference_date)
                self.notes.append(f"Start dates were counted back from the reference date "
                                  f"{self.reference_date}; churned customers without an end date "
                                  f"are taken to have left on that date.")
                if snapshot:
                    # Tenure + churn flag, no end dates: a snapshot that sees only the customers
                    # still there a month before the reference date (the scorecard reads this).
                    self.detected[SNAPSHOT_KEY] = self.reference_date
                    self.notes.append(
                        "This looks like a snapshot (tenure and a churn flag, no end dates): "
                        "churn is measured only for the month before the reference date, "
                        "because customers who left earlier are not in the file.")
        if "churned" not in out:
            out["churned"] = 0
        if "end_date" in out:
            ended = out["end_date"].notna()
            out["churned"] = out["churned"].where(~ended, 1)
            if "start_date" in out:
                self.flag(ended & out["start_date"].notna() & (out["end_date"] < out["start_date"]),
                          "end_date", "the end date is before the start date")
        if "monthly_revenue" in out:
            self.flag(out["monthly_revenue"] < 0, "monthly_revenue",
                      "monthly revenue can't be negative")
        if "id" in out:
            dup = out["id"].notna() & out["id"].duplicated(keep="first")
            self.flag(dup, "id", lambda i: f"customer id {self.shown(out['id'].loc[i])} appears "
                                           f"more than once in this file")
        if "referred_by" in out:
            known = _known_ids(self.known)
            if known is not None:
                in_file = set(out["id"].dropna()) if "id" in out else set()
                ref = out["referred_by"]
                self.flag(ref.notna() & ~ref.isin(known | in_file), "referred_by",
                          lambda i: f"referrer {self.shown(ref.loc[i])} is not a known customer")
            if "id" in out:
                self.flag(out["referred_by"].notna() & (out["referred_by"] == out["id"]),
                          "referred_by", "a customer can't refer themselves")

    def _finish_revenue(self) -> None:
        out = self.out
        if "amount" in out and "kind" in out:
            negative = out["amount"] < 0
            reducing = out["kind"].isin(["refund", "downgrade"])
            self.flag(negative & ~reducing & out["kind"].notna(), "amount",
                      "a negative amount must be a refund or a downgrade")
            out["amount"] = out["amount"].abs()
        self._unknown_customers("customer_id")
        self._dedupe_key(["customer_id", "date", "amount", "kind"], "event_id")

    def _finish_responses(self) -> None:
        out = self.out
        if "score" in out:
            kinds = self.out.get("survey_type")
            score = out["score"]
            if kinds is None:
                target = pd.Series("nps", index=out.index)
                self.notes.append("The score column has no survey type beside it: read as NPS.")
            else:
                low = kinds.fillna("").str.lower()
                target = pd.Series(pd.NA, index=out.index, dtype="str")
                target[low.str.contains("nps|recommend")] = "nps"
                target[low.str.contains("csat|satisf")] = "csat"
                target[low.str.contains("ces|effort")] = "ces"
                self.flag(target.isna() & score.notna(), "survey_type",
                          lambda i: f"survey type {self.shown(kinds.loc[i])} is not NPS, CSAT "
                                    f"or CES")
            for name, low_, high in (("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7)):
                mine = (target == name).fillna(False) & score.notna()
                if not mine.any():
                    continue
                bad = mine & ~(score.between(low_, high) & (score % 1 == 0))
                self.flag(bad, "score", lambda i, n=name, lo=low_, hi=high:
                          f"{n.upper()} score {self.shown(score.loc[i])} is not a whole number "
                          f"from {lo} to {hi}")
                values = score.where(mine & ~bad).astype("Int64")
                out[name] = out[name].fillna(values) if name in out else values
        present = [c for c in SCORE_FIELDS if c in out]
        answers = present + [attribute_column(a) for a in self.attributes]
        if answers:
            none = out[answers].isna().all(axis=1)
            self.flag(none & ~self.bad, (present or [self.attributes[0].column])[0],
                      "the row has no score at all" if not self.attributes else
                      "the row has no score and no answer to any survey question")
        self._unknown_customers("customer_id")
        self._dedupe_key(["customer_id", "date", *SCORE_FIELDS, "channel", "segment",
                          "journey_step_id", "comment",
                          *[attribute_column(a) for a in self.attributes]], "response_id")

    def _parse_attributes(self) -> None:
        """Read each included survey question; a column that does not fit its scale is refused
        as a whole, otherwise each bad answer is a row problem."""
        for spec in self.attributes:
            self.out[attribute_column(spec)] = float("nan")  # until read (or refused)
            series = self.frame[spec.column].astype("str")
            if spec.kind == "rating" and spec.scale and spec.na_codes:
                inside = [c for c in spec.na_codes if ai.is_inside(c, spec.scale)]
                if inside and spec.source in ("declared", "stored"):
                    self.file_problem(spec.column, (
                        f"N/A code {', '.join(inside)} is inside the scale {spec.scale_text} "
                        f"of '{spec.label}': a code meaning 'not applicable' can't also be an "
                        f"answer. Declare the scale without it (e.g. 1-5) or drop the code"))
                    continue
            parsed = ai.parse(spec, series)
            if parsed.refusal:
                self.file_problem(spec.column, f"'{spec.label}': {parsed.refusal}")
                continue
            text = series.str.strip()
            self.flag(parsed.bad, spec.column,
                      lambda i, p=parsed, t=text, sp=spec:
                      f"'{sp.label}': {p.reasons.get(t.loc[i], 'not a valid answer')}")
            self.out[attribute_column(spec)] = parsed.values

    def _finish_pulse(self) -> None:
        self._dedupe_key(["date", "team", "enps", "comment"], "response_id")


# ---- commit, undo ------------------------------------------------------------------------------

def commit_import(session: WorkspaceSession, preview: ImportPreview, *,
                  progress: Callable[[float], None] | None = None,
                  allow_problems: bool = True) -> ImportResult:
    """Store the preview's valid rows as one batch, in one transaction (editors and owners).

    Rows already stored are skipped: for customers, an id already in the workspace; for the
    other kinds, the same content (and source response id) as a stored row, counting repeats
    within a file separately. References are checked again against the workspace, so a
    preview made without it can't store an unknown customer. With ``allow_problems=False`` a
    preview with any problem stores nothing. ``progress(fraction)`` is called as rows go in.
    """
    session.require("editor")
    if preview.rows is None or preview.valid_rows == 0:
        raise ValidationError("There are no valid rows to import.", field="file")
    if preview.problem_count and not allow_problems:
        raise ValidationError(preview.problems[:50] or "The file has problems.")
    rows = preview.rows
    table = TABLES[preview.kind]
    _check_references(session, preview.kind, rows)
    stored = [f.name for f in FIELDS[preview.kind] if f.stored]
    columns = [*stored, "batch_id"] + (["row_hash"] if "_dedupe" in rows.columns else [])
    # ON CONFLICT names the one constraint that means "already stored"; any other broken rule
    # still raises and rolls the whole batch back (INSERT OR IGNORE would hide it).
    unique = "id" if preview.kind == "customers" else "row_hash"
    sql = (f"insert into [{table}] ({', '.join(columns)}) "
           f"values ({', '.join('?' * len(columns))}) on conflict({unique}) do nothing")
    conn = session.db.conn
    total = len(rows)
    # A larger page cache keeps the indexes' hot pages in memory during a big insert
    # (about twice as fast for a million rows); restored afterwards.
    cache_before = conn.execute("pragma cache_size").fetchone()[0]
    if total > INSERT_CHUNK:
        conn.execute(f"pragma cache_size = -{IMPORT_CACHE_KIB}")
    questions = [a for a in preview.attributes if a.include]
    try:
        with conn:
            conn.execute("begin immediate")  # take the write lock before reading anything
            batch_id = conn.execute(
                "insert into import_batches (kind, filename, source_format, rows, created_by, "
                "created_at) values (?, ?, ?, 0, ?, ?)",
                [preview.kind, preview.filename, preview.detected.get("format"),
                 session.username, now_iso()]).lastrowid
            # The statement's own row count: total_changes would also count rows that
            # triggers write (the comment search index).
            inserted = 0
            for start in range(0, total, INSERT_CHUNK):
                chunk = rows.iloc[start:start + INSERT_CHUNK]
                inserted += conn.executemany(sql, _records(chunk, stored, batch_id)).rowcount
                if progress:
                    progress(min(1.0, (start + len(chunk)) / total))
            if inserted and preview.detected.get(SNAPSHOT_KEY):
                conn.execute(
                    "insert into settings (key, value) values (?, ?) on conflict(key) do update "
                    "set value = excluded.value",
                    [SNAPSHOT_SETTING, json.dumps({"reference_date": preview.detected[
                        SNAPSHOT_KEY], "batch_id": batch_id})])
            if questions and inserted:
                _store_answers(session, rows, questions, batch_id)
            if inserted:
                rollups.refresh_batch(conn, preview.kind, batch_id, inserted)
                conn.execute("update import_batches set rows = ? where id = ?",
                             [inserted, batch_id])
            else:
                conn.execute("delete from import_batches where id = ?", [batch_id])
                batch_id = None
    except Exception as exc:
        import sqlite3

        if isinstance(exc, sqlite3.IntegrityError):
            raise ValidationError(f"Nothing was imported: the data breaks a rule of the "
                                  f"workspace ({exc}).", field="file") from exc
        raise
    finally:
        conn.execute(f"pragma cache_size = {int(cache_before)}")
    if batch_id is not None:
        session.log("import", preview.kind, batch_id,
                    {"file": preview.filename, "rows": inserted,
                     "skipped_duplicates": total - inserted})
    return ImportResult(batch_id=batch_id, inserted=inserted, skipped_duplicates=total - inserted)


def _store_answers(session: WorkspaceSession, rows: pd.DataFrame,
                   questions: list[ai.AttributeSpec], batch_id: int) -> None:
    """Define the batch's survey questions (or reuse the stored ones) and write their answers
    for the responses this batch inserted, in batches of :data:`INSERT_CHUNK` rows, inside the
    caller's transaction."""
    db = session.db
    ids = {}
    for spec in questions:
        ids[spec.key] = attrs.define_attribute(
            db, spec.key, spec.label, spec.kind, scale=spec.scale, na_codes=spec.na_codes,
            value_labels=spec.value_labels, categories=spec.categories, created_at=now_iso())
        if spec.kind == "category":
            attrs.set_categories(db, ids[spec.key], spec.categories)
    stored = pd.DataFrame(db.execute("select row_hash, id from responses where batch_id = ?",
                                     [batch_id]).fetchall(), columns=["_dedupe", "_id"])
    new = rows.merge(stored, on="_dedupe", how="inner")
    columns = {ids[spec.key]: new[attribute_column(spec)] for spec in questions}
    attrs.write_columns(db, new["_id"], columns, chunk=INSERT_CHUNK, refresh=False)


def _records(chunk: pd.DataFrame, stored: list[str], batch_id: int) -> Iterable[tuple]:
    cols = [chunk[c].astype(object).where(chunk[c].notna(), None).tolist() for c in stored]
    cols.append([batch_id] * len(chunk))
    if "_dedupe" in chunk.columns:
        cols.append(chunk["_dedupe"].tolist())
    return zip(*cols, strict=True)


def _check_references(session: WorkspaceSession, kind: str, rows: pd.DataFrame) -> None:
    if kind not in ("revenue", "responses") or "customer_id" not in rows:
        return
    ids = set(rows["customer_id"].dropna().unique().tolist())
    if not ids:
        return
    known = {r[0] for r in session.db.execute("select id from customers")}
    unknown = sorted(ids - known)
    if unknown:
        shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more"
                                           if len(unknown) > 10 else "")
        raise ValidationError([Problem("customer_id", f"unknown customers: {shown}. Import "
                                       f"customers first.")])


def undo_import(session: WorkspaceSession, batch_id: int) -> int:
    """Remove every row a batch stored (editors and owners); returns how many were removed.

    Customers can't be removed while revenue events or responses of other batches refer to
    them: undo those first.
    """
    from cxcore import backup

    session.require("editor")
    conn = session.db.conn
    if conn.execute("select 1 from import_batches where id = ? and undone_at is null",
                    [batch_id]).fetchone():
        backup.take_snapshot(session.info.path, "undo-import")
    # The checks and the delete share one write transaction, so no import can add references
    # to these customers in between.
    with session.db.atomic():
        batch = conn.execute(
            "select kind, undone_at from import_batches where id = ?", [batch_id]).fetchone()
        if batch is None:
            raise CXError(f"There is no import batch {batch_id}.")
        kind, undone_at = batch
        if undone_at:
            raise CXError(f"Import batch {batch_id} was already undone.")
        table = TABLES[kind]
        if kind == "customers":
            refs = []
            for other, label in (("responses", "responses"),
                                 ("revenue_events", "revenue events")):
                n = conn.execute(
                    f"select count(*) from [{other}] where customer_id in "
                    f"(select id from customers where batch_id = ?)", [batch_id]).fetchone()[0]
                if n:
                    refs.append(f"{n} {label}")
            if refs:
                raise CXError(f"Can't undo this customer import: {' and '.join(refs)} refer to "
                              f"its customers. Undo those imports first.")
            conn.execute("update customers set referred_by = null where referred_by in "
                         "(select id from customers where batch_id = ?) and batch_id != ?",
                         [batch_id, batch_id])
        with rollups.kept(conn, kind, "batch_id = ?", [batch_id]):
            removed = conn.execute(f"delete from [{table}] where batch_id = ?",
                                   [batch_id]).rowcount
        conn.execute("update import_batches set undone_at = ?, undone_by = ? where id = ?",
                     [now_iso(), session.username, batch_id])
        session.log("undo_import", kind, batch_id, {"rows": removed})
    return removed


def list_batches(session: WorkspaceSession) -> list[dict]:
    """Every import batch, newest first, with who made it and whether it was undone."""
    return list(session.db.query(
        "select id, kind, filename, source_format, rows, created_by, created_at, undone_at, "
        "undone_by from import_batches order by id desc"))
