"""The interview log: conversations with customers and frontline employees.

Each interview records who was talked to, how, by whom, which journey (and step) it concerns,
long free-text notes, key quotes (one per line), pain points, what works well, a sentiment and
tags. Tags live in their own table (``interview_tags``) so filtering and tag frequency are SQL.
Notes, quotes, pain points and what works well are searchable through SQLite FTS5 (kept in step
by triggers). Deleting is soft (``deleted_at``): a deleted interview can be restored for
:data:`RECOVERY_DAYS` days, after which the next delete purges it for good.

Interview guides (the question lists shown while logging) are stored per workspace in
``interview_guides``; :data:`DEFAULT_GUIDES` applies until someone edits them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cxcore.accounts import now_iso
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.export import csv_text, unneutralise
from cxcore.import_formats import detect_encoding
from cxcore.tags import MAX_TAG, MAX_TAGS, normalise_tags, tag_problems  # noqa: F401 (re-exported)
from cxcore.workspace import WorkspaceSession

KINDS = ("customer", "employee")
SENTIMENTS = ("negative", "neutral", "positive")
#: Suggested channels; any other short text is accepted too.
CHANNELS = ("in person", "phone", "video", "chat", "email", "survey follow-up")
RECOVERY_DAYS = 30
MAX_SHORT = 200
MAX_LONG = 200_000

#: Columns of the CSV export, and of the import (same names, same meaning).
CSV_COLUMNS = ("kind", "date", "interviewee", "role_segment", "channel", "interviewer",
               "journey", "journey_step", "notes", "key_quotes", "pain_points", "works_well",
               "sentiment", "tags", "customer_id")
#: Fields of an interview a person fills in (``tags`` is a list; the rest are text or ids).
FIELDS = ("kind", "date", "interviewee", "role_segment", "channel", "interviewer",
          "journey_id", "journey_step_id", "notes", "key_quotes", "pain_points", "works_well",
          "sentiment", "tags", "customer_id")

DEFAULT_GUIDES = {
    "customer": [
        "Tell me about the last time you bought from us, from the moment you started looking.",
        "What were you trying to get done, and did you manage it?",
        "Which moment was the easiest, and which took the most effort?",
        "Was there a point where you were unsure what would happen next?",
        "How did the people you dealt with make you feel?",
        "What almost made you choose someone else?",
        "If you could change one thing about dealing with us, what would it be?",
        "Would you tell a friend about us? What would you say?",
    ],
    "employee": [
        "Walk me through a typical day with customers.",
        "What do customers ask or complain about most often?",
        "Where do you have to work around our own processes or systems to help a customer?",
        "Which team or hand-over causes the most trouble for customers?",
        "What do we do well that customers notice?",
        "What would you change first if it were your decision?",
        "What stops you from fixing a customer's problem on the spot?",
    ],
}


# ---- validation ---------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    """User text exactly as given (only surrounding white space of empty values dropped)."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def validate(data: dict[str, Any], row: int | None = None,
             today: date | None = None) -> tuple[dict[str, Any], list[Problem]]:
    """Check one interview's fields; return the cleaned record and every problem found.

    Rules: kind is customer or employee; date is YYYY-MM-DD and not in the future; interviewee
    (a name or an anonymous label) is required; short fields are at most 200 characters, long
    ones at most 200,000; sentiment, if given, is negative, neutral or positive; at most 20 tags
    of at most 40 characters. Text is kept exactly as typed (no trimming inside the text).
    """
    today = today or date.today()
    problems: list[Problem] = []
    clean: dict[str, Any] = {}

    kind = (str(data.get("kind") or "")).strip().casefold()
    if kind not in KINDS:
        problems.append(Problem("kind", "must be 'customer' or 'employee'"
                                + (f", not '{data.get('kind')}'" if kind else ""), row))
    clean["kind"] = kind

    raw_date = data.get("date")
    if raw_date is None or not str(raw_date).strip():
        problems.append(Problem("date", "is required (YYYY-MM-DD)", row))
        clean["date"] = None
    else:
        try:
            when = _parse_date(raw_date)
        except ValueError:
            problems.append(Problem("date", f"'{raw_date}' is not a date like 2026-03-31", row))
            clean["date"] = None
        else:
            if when > today:
                problems.append(Problem("date", f"{when.isoformat()} is in the future", row))
            elif when.year < 1900:
                problems.append(Problem("date", f"{when.isoformat()} is too far in the past", row))
            clean["date"] = when.isoformat()

    for name in ("interviewee", "role_segment", "channel", "interviewer", "customer_id"):
        text = _text(data.get(name))
        if text is not None:
            text = text.strip()
            if len(text) > MAX_SHORT:
                problems.append(Problem(name, f"is {len(text):,} characters long; the limit is "
                                        f"{MAX_SHORT}", row))
        clean[name] = text
    if clean["interviewee"] is None:
        problems.append(Problem("interviewee", "is required: a name or an anonymous label such "
                                "as 'Customer A'", row))

    for name in ("notes", "key_quotes", "pain_points", "works_well"):
        text = _text(data.get(name))
        if text is not None and len(text) > MAX_LONG:
            problems.append(Problem(name, f"is {len(text):,} characters long; the limit is "
                                    f"{MAX_LONG:,}", row))
        clean[name] = text

    sentiment = (str(data.get("sentiment") or "")).strip().casefold() or None
    if sentiment is not None and sentiment not in SENTIMENTS:
        problems.append(Problem("sentiment", "must be negative, neutral or positive, not "
                                f"'{data.get('sentiment')}'", row))
    clean["sentiment"] = sentiment

    tags = normalise_tags(data.get("tags"))
    problems += tag_problems(tags, row)
    clean["tags"] = tags

    for name in ("journey_id", "journey_step_id"):
        value = data.get(name)
        if value in (None, ""):
            clean[name] = None
            continue
        try:
            clean[name] = int(value)
        except (TypeError, ValueError):
            problems.append(Problem(name, f"'{value}' is not a record number", row))
            clean[name] = None
    return clean, problems


def _check_journey(session: WorkspaceSession, clean: dict[str, Any],
                   row: int | None) -> list[Problem]:
    """Check the journey and step exist and belong together; fill the journey from the step."""
    problems = []
    customer = clean.get("customer_id")
    if customer is not None and session.db.execute(
            "select 1 from customers where id = ?", [customer]).fetchone() is None:
        problems.append(Problem("customer_id", f"no customer with id '{customer}'", row))
    step_id, journey_id = clean.get("journey_step_id"), clean.get("journey_id")
    if step_id is not None:
        found = session.db.execute("select journey_id from journey_steps where id = ?",
                                   [step_id]).fetchone()
        if found is None:
            problems.append(Problem("journey_step", f"step {step_id} does not exist", row))
        elif journey_id is None:
            clean["journey_id"] = found[0]
        elif found[0] != journey_id:
            problems.append(Problem("journey_step", "that step belongs to another journey", row))
    if clean.get("journey_id") is not None and session.db.execute(
            "select 1 from journeys where id = ?", [clean["journey_id"]]).fetchone() is None:
        problems.append(Problem("journey", f"journey {clean['journey_id']} does not exist", row))
    return problems


# ---- writes -------------------------------------------------------------------------------------

def _write_tags(session: WorkspaceSession, interview_id: int, tags: list[str]) -> None:
    session.db.execute("delete from interview_tags where interview_id = ?", [interview_id])
    if tags:
        session.db["interview_tags"].insert_all(
            [{"interview_id": interview_id, "tag": t} for t in tags])


def _checked(session: WorkspaceSession, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``data`` validated, its journey and step checked against the workspace: the clean
    fields without ``tags``, and the tags. Raises :class:`ValidationError` on any problem."""
    clean, problems = validate(data)
    problems += _check_journey(session, clean, None)
    if problems:
        raise ValidationError(problems)
    tags = clean.pop("tags")
    return clean, tags


def create_interview(session: WorkspaceSession, data: dict[str, Any]) -> int:
    """Log a new interview (editors); returns its id. Raises ValidationError on bad input."""
    session.require("editor")
    clean, tags = _checked(session, data)
    with session.db.atomic():
        interview_id = _insert(session, clean, tags)
        session.log("create", "interview", interview_id, {"kind": clean["kind"]})
    return interview_id


def _insert(session: WorkspaceSession, clean: dict[str, Any], tags: list[str]) -> int:
    stamp = now_iso()
    record = {**clean, "created_by": session.username, "created_at": stamp,
              "updated_by": session.username, "updated_at": stamp}
    interview_id = session.db["interviews"].insert(record).last_pk
    _write_tags(session, interview_id, tags)
    return interview_id


def update_interview(session: WorkspaceSession, interview_id: int, data: dict[str, Any]) -> None:
    """Replace an interview's fields with ``data`` (editors). Raises ValidationError/NotFound."""
    session.require("editor")
    get_interview(session, interview_id)
    clean, tags = _checked(session, data)
    with session.db.atomic():
        session.db["interviews"].update(
            interview_id, {**clean, "updated_by": session.username, "updated_at": now_iso()})
        _write_tags(session, interview_id, tags)
        session.log("update", "interview", interview_id)


def delete_interview(session: WorkspaceSession, interview_id: int) -> None:
    """Move an interview to the recently deleted list (editors); restorable for 30 days.

    Interviews deleted more than :data:`RECOVERY_DAYS` days ago are purged at the same time.
    """
    session.require("editor")
    get_interview(session, interview_id)
    with session.db.atomic():
        session.db["interviews"].update(
            interview_id, {"deleted_at": now_iso(), "deleted_by": session.username})
        _purge_expired(session)
        session.log("delete", "interview", interview_id)


def _purge_expired(session: WorkspaceSession) -> None:
    cutoff = (datetime.now(UTC).replace(microsecond=0)
              - timedelta(days=RECOVERY_DAYS)).isoformat()
    old = [r[0] for r in session.db.execute(
        "select id from interviews where deleted_at is not null and deleted_at < ?", [cutoff])]
    for interview_id in old:
        session.db.execute("delete from interview_tags where interview_id = ?", [interview_id])
        session.db.execute("delete from interviews where id = ?", [interview_id])
    if old:
        session.log("purge", "interview", None, {"ids": old})


def restore_interview(session: WorkspaceSession, interview_id: int) -> None:
    """Bring a deleted interview back (editors). Raises NotFound if it is not in the bin."""
    session.require("editor")
    row = session.db.execute("select deleted_at from interviews where id = ?",
                             [interview_id]).fetchone()
    if row is None or row[0] is None:
        raise NotFound(f"Interview {interview_id} is not among the recently deleted ones.")
    with session.db.atomic():
        session.db["interviews"].update(interview_id, {"deleted_at": None, "deleted_by": None})
        session.log("restore", "interview", interview_id)


# ---- reads --------------------------------------------------------------------------------------

_SELECT = """
select i.*, j.name as journey_name, s.name as journey_step_name,
       (select group_concat(tag, '|') from (select tag from interview_tags t
         where t.interview_id = i.id order by tag)) as tag_list
from interviews i
left join journeys j on j.id = i.journey_id
left join journey_steps s on s.id = i.journey_step_id
"""


def _row(row: dict[str, Any]) -> dict[str, Any]:
    tag_list = row.pop("tag_list", None)
    row["tags"] = tag_list.split("|") if tag_list else []
    return row


def get_interview(session: WorkspaceSession, interview_id: int) -> dict[str, Any]:
    """One interview that is not deleted, with its tags; raises NotFound."""
    rows = list(session.db.query(_SELECT + " where i.id = ? and i.deleted_at is null",
                                 [interview_id]))
    if not rows:
        raise NotFound(f"Interview {interview_id} does not exist (or was deleted).")
    return _row(rows[0])


def fts_query(text: str) -> str | None:
    """Turn what a person typed into a safe FTS5 query: every word must appear (as a prefix).

    Each word is quoted, so FTS5 syntax characters in the input (quotes, ``*``, ``:``, ``-``,
    AND/OR/NOT) are searched for literally instead of raising a syntax error.
    """
    # NUL would end the query string early inside SQLite; it can never be in indexed text.
    words = [w for w in re.split(r"\s+", text.replace("\x00", " ").strip()) if w]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def list_interviews(session: WorkspaceSession, *, kind: str | None = None,
                    date_from: date | str | None = None, date_to: date | str | None = None,
                    tag: str | None = None, journey_id: int | None = None,
                    sentiment: str | None = None, search: str | None = None,
                    deleted: bool = False, limit: int | None = None) -> list[dict[str, Any]]:
    """Interviews matching every filter given, newest first (each with its ``tags`` list).

    ``search`` is full-text over notes, key quotes, pain points and what works well (all words,
    prefix match). ``deleted=True`` lists the recently deleted ones instead.
    """
    where = ["i.deleted_at is not null" if deleted else "i.deleted_at is null"]
    params: list[Any] = []
    if kind:
        where.append("i.kind = ?")
        params.append(kind)
    if date_from:
        where.append("i.date >= ?")
        params.append(str(date_from))
    if date_to:
        where.append("i.date <= ?")
        params.append(str(date_to))
    if tag:
        where.append("exists (select 1 from interview_tags t where t.interview_id = i.id "
                     "and t.tag = ?)")
        params.append(normalise_tags([tag])[0] if normalise_tags([tag]) else tag)
    if journey_id is not None:
        where.append("i.journey_id = ?")
        params.append(journey_id)
    if sentiment:
        where.append("i.sentiment = ?")
        params.append(sentiment)
    if search and (query := fts_query(search)):
        where.append("i.id in (select rowid from interviews_fts where interviews_fts match ?)")
        params.append(query)
    sql = _SELECT + " where " + " and ".join(where) + " order by i.date desc, i.id desc"
    if limit:
        sql += f" limit {int(limit)}"
    return [_row(r) for r in session.db.query(sql, params)]


def last_deleted(session: WorkspaceSession) -> dict[str, Any] | None:
    """The interview this user deleted most recently and that is still restorable, or None."""
    rows = list(session.db.query(
        "select id, interviewee, date, deleted_at from interviews where deleted_by = ? "
        "and deleted_at is not null order by deleted_at desc, id desc limit 1",
        [session.username]))
    return rows[0] if rows else None


def counts_by_kind(session: WorkspaceSession) -> dict[str, int]:
    """Number of (not deleted) interviews of each kind: {"customer": n, "employee": m}."""
    out = dict.fromkeys(KINDS, 0)
    for kind, n in session.db.execute(
            "select kind, count(*) from interviews where deleted_at is null group by kind"):
        out[kind] = n
    return out


def sentiment_counts(session: WorkspaceSession) -> list[dict[str, Any]]:
    """Number of (not deleted) interviews per kind and sentiment (unrecorded ones left out)."""
    return list(session.db.query(
        "select kind, sentiment, count(*) as interviews from interviews where deleted_at is "
        "null and sentiment is not null group by kind, sentiment order by kind, sentiment"))


def all_tags(session: WorkspaceSession) -> list[dict[str, Any]]:
    """Every tag in use with its number of interviews, most used first."""
    return list(session.db.query(
        "select t.tag, count(*) as interviews from interview_tags t "
        "join interviews i on i.id = t.interview_id where i.deleted_at is null "
        "group by t.tag order by interviews desc, t.tag"))


def tag_frequency(session: WorkspaceSession, period: str = "quarter",
                  top: int | None = 8) -> list[dict[str, Any]]:
    """How many interviews carried each tag per period (``month`` or ``quarter``).

    Rows ``{"period": "2026-Q1" or "2026-03", "tag", "interviews"}``, oldest first; only the
    ``top`` most used tags overall (all tags if ``top`` is None).
    """
    if period == "month":
        bucket = "substr(i.date, 1, 7)"
    elif period == "quarter":
        bucket = ("substr(i.date, 1, 4) || '-Q' || "
                  "((cast(substr(i.date, 6, 2) as integer) + 2) / 3)")
    else:
        raise ValidationError(f"period must be 'month' or 'quarter', not '{period}'", "period")
    top_clause = ""
    params: list[Any] = []
    if top:
        top_clause = ("and t.tag in (select t2.tag from interview_tags t2 join interviews i2 "
                      "on i2.id = t2.interview_id where i2.deleted_at is null group by t2.tag "
                      "order by count(*) desc, t2.tag limit ?)")
        params.append(int(top))
    return list(session.db.query(
        f"select {bucket} as period, t.tag, count(*) as interviews from interview_tags t "
        f"join interviews i on i.id = t.interview_id where i.deleted_at is null {top_clause} "
        "group by period, t.tag order by period, t.tag", params))


def quote_wall(session: WorkspaceSession, tag: str | None = None,
               kind: str | None = None) -> list[dict[str, Any]]:
    """Every key quote (one per line of an interview's key quotes), newest interview first.

    Each item: quote, interview_id, date, kind, interviewee, role_segment, sentiment, tags,
    journey_id, journey_step_id, journey_step_name, customer_id.
    """
    out = []
    for item in list_interviews(session, tag=tag, kind=kind):
        for line in (item["key_quotes"] or "").splitlines():
            quote = line.strip()
            if quote:
                out.append({"quote": quote, "interview_id": item["id"], "date": item["date"],
                            "kind": item["kind"], "interviewee": item["interviewee"],
                            "role_segment": item["role_segment"],
                            "sentiment": item["sentiment"], "tags": item["tags"],
                            "journey_id": item["journey_id"],
                            "journey_step_id": item["journey_step_id"],
                            "journey_step_name": item["journey_step_name"],
                            "customer_id": item["customer_id"]})
    return out


def journey_choices(session: WorkspaceSession) -> list[dict[str, Any]]:
    """Journeys and their steps an interview can point at, in map order.

    Items ``{"journey_id", "journey_step_id" (None for the journey as a whole), "label"}``.
    """
    if "journeys" not in session.db.table_names():
        return []
    out = []
    for j in session.db.query("select id, name from journeys where coalesce(archived, 0) = 0 "
                              "order by name, id"):
        out.append({"journey_id": j["id"], "journey_step_id": None, "label": j["name"]})
        for s in session.db.query("select id, name from journey_steps where journey_id = ? "
                                  "order by position, id", [j["id"]]):
            out.append({"journey_id": j["id"], "journey_step_id": s["id"],
                        "label": f"{j['name']} › {s['name']}"})
    return out


# ---- interview guides ---------------------------------------------------------------------------

def guide(session: WorkspaceSession, kind: str) -> list[str]:
    """The question list for ``kind`` interviews (the default until someone edits it)."""
    if kind not in KINDS:
        raise ValidationError(f"must be 'customer' or 'employee', not '{kind}'", "kind")
    row = session.db.execute("select questions from interview_guides where kind = ?",
                             [kind]).fetchone()
    if row is None:
        return list(DEFAULT_GUIDES[kind])
    return [q for q in row[0].split("\n") if q.strip()]


def set_guide(session: WorkspaceSession, kind: str, questions: list[str] | str) -> list[str]:
    """Replace the question list for ``kind`` interviews (editors); one question per line.

    An empty list restores the default guide. Returns the questions now in force.
    """
    session.require("editor")
    if kind not in KINDS:
        raise ValidationError(f"must be 'customer' or 'employee', not '{kind}'", "kind")
    lines = questions.splitlines() if isinstance(questions, str) else list(questions)
    cleaned = [" ".join(str(q).split()) for q in lines if str(q).strip()]
    problems = [Problem("questions", f"question {n} is longer than 1,000 characters")
                for n, q in enumerate(cleaned, 1) if len(q) > 1000]
    if len(cleaned) > 100:
        problems.append(Problem("questions", f"{len(cleaned)} questions; the limit is 100"))
    if problems:
        raise ValidationError(problems)
    with session.db.atomic():
        if cleaned:
            session.db["interview_guides"].upsert(
                {"kind": kind, "questions": "\n".join(cleaned), "updated_by": session.username,
                 "updated_at": now_iso()}, pk="kind")
        else:
            session.db.execute("delete from interview_guides where kind = ?", [kind])
        session.log("update", "interview_guide", kind, {"questions": len(cleaned)})
    return guide(session, kind)


# ---- CSV export / import ------------------------------------------------------------------------

def export_csv(session: WorkspaceSession, **filters: Any) -> str:
    """The log (or the part matching ``filters``, as for :func:`list_interviews`) as CSV text.

    Columns are :data:`CSV_COLUMNS`; journey and step are given by name, tags separated by
    "; ". Text is written as stored, except that a cell a spreadsheet would run as a formula
    gets a leading ``'`` (:func:`cxcore.export.neutralise`); the importer removes it again.
    """
    return csv_text(CSV_COLUMNS, ((
        item["kind"], item["date"], item["interviewee"], item["role_segment"],
        item["channel"], item["interviewer"], item["journey_name"],
        item["journey_step_name"], item["notes"], item["key_quotes"], item["pain_points"],
        item["works_well"], item["sentiment"], "; ".join(item["tags"]), item["customer_id"],
    ) for item in list_interviews(session, **filters)))


@dataclass
class ImportPreview:
    """A parsed CSV: the rows that would be added, how many are already in the log (skipped),
    and every problem found. Row numbers are as a spreadsheet shows them (the header is row 1).
    Nothing is stored until :func:`import_csv` is called."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: int = 0

    @property
    def ok(self) -> bool:
        """True when there is at least one row and no problem."""
        return bool(self.rows) and not self.problems


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    return data.decode(detect_encoding(data))


def preview_import(session: WorkspaceSession, data: bytes | str,
                   today: date | None = None) -> ImportPreview:
    """Read a CSV with :data:`CSV_COLUMNS` (``kind``, ``date`` and ``interviewee`` required;
    other columns optional) and check every row. Stores nothing.

    Journey and step are matched by name (case-insensitive); an unknown one is a problem.
    """
    text = _decode(data)
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip().casefold() for h in (reader.fieldnames or [])]
    preview = ImportPreview()
    missing = [c for c in ("kind", "date", "interviewee") if c not in header]
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if missing:
        preview.problems.append(Problem("header", "missing column(s): " + ", ".join(missing)))
    if unknown:
        preview.problems.append(Problem("header", "unknown column(s): " + ", ".join(unknown)
                                        + "; expected " + ", ".join(CSV_COLUMNS)))
    if missing or unknown:
        return preview
    reader.fieldnames = header
    journeys = {r[1].casefold(): r[0] for r in session.db.execute(
        "select id, name from journeys")} if "journeys" in session.db.table_names() else {}
    steps = {(r[0], r[2].casefold()): r[1] for r in session.db.execute(
        "select journey_id, id, name from journey_steps")} if journeys else {}
    customers = {r[0] for r in session.db.execute("select id from customers")}
    existing = {(r[0], r[1], r[2], r[3] or "") for r in session.db.execute(
        "select kind, date, interviewee, notes from interviews where deleted_at is null")}
    for n, raw in enumerate(reader, 2):
        if None in raw:
            preview.problems.append(Problem("row", "has more cells than the header", n))
        values = {k: unneutralise(v) for k, v in raw.items() if k is not None}
        if not any((v or "").strip() for v in values.values()):
            continue  # blank line
        data_row = {k: values.get(k) for k in FIELDS if k in values}
        journey_name = (values.get("journey") or "").strip()
        step_name = (values.get("journey_step") or "").strip()
        if journey_name:
            journey_id = journeys.get(journey_name.casefold())
            if journey_id is None:
                preview.problems.append(Problem("journey", f"no journey named '{journey_name}'",
                                                n))
            else:
                data_row["journey_id"] = journey_id
                if step_name:
                    step_id = steps.get((journey_id, step_name.casefold()))
                    if step_id is None:
                        preview.problems.append(Problem(
                            "journey_step", f"journey '{journey_name}' has no step named "
                            f"'{step_name}'", n))
                    else:
                        data_row["journey_step_id"] = step_id
        elif step_name:
            preview.problems.append(Problem("journey_step", "a step needs its journey", n))
        clean, problems = validate(data_row, row=n, today=today)
        if clean.get("customer_id") is not None and clean["customer_id"] not in customers:
            problems.append(Problem("customer_id", f"no customer with id "
                                    f"'{clean['customer_id']}'", n))
        preview.problems += problems
        if not problems and (clean["kind"], str(clean["date"]), clean["interviewee"],
                             clean.get("notes") or "") in existing:
            preview.duplicates += 1  # already in the log: importing an export twice adds nothing
            continue
        preview.rows.append(clean)
    if not preview.rows and not preview.problems and not preview.duplicates:
        preview.problems.append(Problem("file", "has no data rows"))
    return preview


def import_csv(session: WorkspaceSession, data: bytes | str, today: date | None = None) -> int:
    """Add every row of a CSV as a new interview (editors), all or nothing.

    Raises ValidationError listing every bad row and field if anything is wrong; then nothing
    is stored. Returns the number of interviews added.
    """
    session.require("editor")
    preview = preview_import(session, data, today=today)
    if preview.problems:
        raise ValidationError(preview.problems)
    if not preview.rows:
        return 0  # every row is already in the log
    with session.db.atomic():
        ids = []
        for clean in preview.rows:
            record = dict(clean)
            tags = record.pop("tags")
            ids.append(_insert(session, record, tags))
        session.log("import", "interview", None, {"rows": len(ids)})
    return len(ids)
