"""Recognising the survey tools' export layouts from a file's first rows, with no mapping asked.

Each tool's export, as its documentation describes it:

* **Qualtrics** CSV: row 1 column ids (``StartDate``, ``QID2``...), row 2 the question text, row
  3 ``{"ImportId": ...}`` markers (the date columns' marker names their time zone). Data from
  row 4.
* **SurveyMonkey** CSV/Excel: row 1 ``Respondent ID``, ``Collector ID``, ``Start Date``... and
  the questions (a multi-answer question's cell is merged, so the cells to its right are blank);
  row 2 holds the sub-answer labels (``Response``, ``Open-Ended Response``, choice names) and is
  blank under the respondent columns. Only then are there two header rows: a plain file that
  happens to have a ``Respondent ID`` column has its first answer on row 2.
* **Google Forms** CSV: ``Timestamp`` (``2024/03/15 4:22:34 PM GMT+1``; localised as
  ``Horodateur``, ``Zeitstempel``, ``Marca temporal``), optionally ``Email Address``, then one
  column per question, headed by the question text.
* **Typeform** CSV: ``#`` (the response token), the questions, then ``Start Date (UTC)``,
  ``Submit Date (UTC)``, ``Network ID`` (and ``Tags``, hidden fields).
* **Microsoft Forms** Excel: ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``
  (and ``Last modified time``), then the questions.
* **Delighted** CSV (``Response ID``, ``Score``, ``Comment``, ``Created At (UTC)``...) and the
  API's JSON (a list of objects with Unix-second ``created_at``, ``score``, ``comment``,
  ``survey_type`` and ``person_properties``).
* **Plain** spreadsheets.

:func:`metadata_columns` names the tool's bookkeeping columns (IP address, progress, network
id...), which are never survey questions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pandas as pd

from cxcore.errors import ValidationError


@dataclass
class Layout:
    """What the first rows say: tool, header rows, column names, question text, time zones."""

    source_format: str
    header_rows: int
    names: list[str]
    questions: dict[str, str] = field(default_factory=dict)
    #: Column -> IANA zone or "UTC" its times are written in (when the tool says so).
    timezones: dict[str, str] = field(default_factory=dict)


def normalise(header: str) -> str:
    """A header reduced to lower-case letters and digits, for matching synonyms."""
    return re.sub(r"[^a-z0-9]+", "", str(header).lower())


def unique_names(names: list[str]) -> list[str]:
    """Headers made unique and non-empty ("column 3" for a blank one, "Q (2)" for a repeat)."""
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = (name or "").strip() or f"column {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


_UTC_HEADER = re.compile(r"\((?:utc|gmt)\)|\butc\b", re.IGNORECASE)
GOOGLE_TIMESTAMP = {"timestamp", "horodateur", "zeitstempel", "marcatemporal",
                    "marcadetemporal", "informazionecronologica", "carimbodedatahora"}
METADATA = {
    "Qualtrics": {"status", "ipaddress", "progress", "durationinseconds", "finished",
                  "responseid", "recipientlastname", "recipientfirstname", "recipientemail",
                  "locationlatitude", "locationlongitude", "distributionchannel",
                  "userlanguage", "startdate", "enddate", "recordeddate", "q_recaptchascore",
                  "q_relevantidduplicate"},
    "SurveyMonkey": {"respondentid", "collectorid", "startdate", "enddate", "ipaddress",
                     "emailaddress", "firstname", "lastname", "customdata1", "customdata"},
    "Google Forms": {"timestamp", "emailaddress", "score", *GOOGLE_TIMESTAMP},
    "Typeform": {"", "startdateutc", "submitdateutc", "stagedateutc", "networkid", "tags",
                 "token", "responsetype"},
    "Microsoft Forms": {"id", "starttime", "completiontime", "email", "name",
                        "lastmodifiedtime", "totalpoints", "quizfeedback"},
    "Delighted": {"responseid", "email", "name", "permalink", "createdatutc", "updatedatutc",
                  "createdat", "updatedat", "person", "personid", "notes", "tags",
                  "responsetimestamp", "responsetimestampformatted", "surveytype"},
}
_COMMON_METADATA = {"ipaddress", "useragent", "browser", "device", "latitude", "longitude",
                    "email", "emailaddress", "firstname", "lastname", "phone", "name"}


def metadata_columns(source_format: str, names: list[str]) -> set[str]:
    """The columns of ``names`` that are the tool's bookkeeping, never a survey question."""
    tool = source_format.replace(" (Excel)", "")
    known = METADATA.get(tool, set()) | _COMMON_METADATA
    return {n for n in names if normalise(n) in known or n == "#"}


def header_timezones(names: list[str]) -> dict[str, str]:
    """Columns whose header says the times are UTC, e.g. ``Submit Date (UTC)``."""
    return {n: "UTC" for n in names if _UTC_HEADER.search(n)}


def _is_surveymonkey(head: list[str], second: list[str]) -> bool:
    """Row 2 is SurveyMonkey's sub-answer row: blank under the respondent columns and holding
    at least one "Response"/"Open-Ended Response" label, or labels under a merged (blank)
    question cell."""
    if not second:
        return False
    low = [c.lower() for c in head]
    if "respondent id" not in low:
        return False
    for name in ("respondent id", "collector id", "start date", "end date"):
        if name in low and low.index(name) < len(second) and second[low.index(name)]:
            return False  # a value under Respondent ID: row 2 is an answer
    subs = [c.lower() for c in second]
    if any(s in ("response", "open-ended response") for s in subs):
        return True
    return any(not top and i < len(second) and second[i] for i, top in enumerate(head) if i)


def detect(first_rows: list[list[str]]) -> Layout:
    """The layout of a table from its first (up to) three rows of cells."""
    if not first_rows:
        raise ValidationError("The file is empty: there is no header row.", field="file")
    head = [c.strip() for c in first_rows[0]]
    second = [c.strip() for c in first_rows[1]] if len(first_rows) > 1 else []
    third = [c.strip() for c in first_rows[2]] if len(first_rows) > 2 else []
    if third and any(c.startswith('{"ImportId"') for c in third):
        names = unique_names(head)
        questions = {n: q for n, q in zip(names, second, strict=False) if q}
        zones = {}
        for name, marker in zip(names, third, strict=False):
            try:
                zone = json.loads(marker).get("timeZone") if marker.startswith("{") else None
            except ValueError:
                zone = None
            if zone:
                zones[name] = zone
        return Layout("Qualtrics", 3, names, questions, zones)
    if _is_surveymonkey(head, second):
        names, current = [], ""
        for i, top in enumerate(head):
            sub = second[i] if i < len(second) else ""
            current = top or current  # SurveyMonkey leaves merged question cells blank
            if sub and sub.lower() not in ("response", "open-ended response"):
                names.append(f"{current} - {sub}")
            else:
                names.append(current)
        names = unique_names(names)
        questions, current = {}, ""
        for i, name in enumerate(names):
            current = head[i] or current
            questions[name] = current
        return Layout("SurveyMonkey", 2, names, questions)
    names = unique_names(head)
    norm = [normalise(c) for c in head]
    zones = header_timezones(names)
    if norm and norm[0] in GOOGLE_TIMESTAMP:
        return Layout("Google Forms", 1, names, {}, zones)
    if head and head[0] == "#" and ({"networkid", "submitdateutc", "startdateutc"} & set(norm)):
        return Layout("Typeform", 1, names, {}, zones)
    if {"id", "starttime", "completiontime"} <= set(norm):
        return Layout("Microsoft Forms", 1, names, {}, zones)
    if "score" in norm and ({"createdat", "createdatutc", "responsetimestamp", "comment"}
                            & set(norm)):
        return Layout("Delighted", 1, names, {}, zones)
    return Layout("plain", 1, names, {}, zones)


def read_json(data: bytes) -> tuple[pd.DataFrame, Layout]:
    """A JSON export (Delighted's API: a list of response objects) as text cells.

    Nested objects are flattened one level (``person_properties.Plan``); lists (notes, tags,
    additional answers) are left out. ``created_at``/``updated_at`` are Unix seconds (UTC)."""
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError(f"This JSON file could not be read ({exc}).", field="file") \
            from exc
    if isinstance(payload, dict):
        payload = next((v for v in payload.values() if isinstance(v, list)), [payload])
    if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
        raise ValidationError("This JSON file is not a list of responses.", field="file")
    flat = []
    for record in payload:
        row = {}
        for key, value in record.items():
            if isinstance(value, dict):
                for sub, inner in value.items():
                    if not isinstance(inner, dict | list):
                        name = key if key == "person" and sub == "id" else f"{key}.{sub}"
                        row[name] = inner
            elif not isinstance(value, list):
                row[key] = value
        flat.append(row)
    frame = pd.DataFrame(flat)
    if frame.empty:
        raise ValidationError("The file has no responses.", field="file")
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    frame.columns = unique_names([str(c) for c in frame.columns])
    cols = {normalise(c) for c in frame.columns}
    tool = "Delighted (JSON)" if {"score", "createdat"} <= cols else "JSON"
    zones = {c: "UTC" for c in frame.columns if normalise(c) in ("createdat", "updatedat")}
    return frame, Layout(tool, 1, list(frame.columns), {}, zones)
