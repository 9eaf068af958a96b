"""Personal data handled as data-protection law expects: access and erasure, per customer.

- **Right of access**: :func:`export_customer` gathers everything the workspace holds about one
  customer (the record, survey answers and comments with their tags, revenue events,
  interviews linked to them, follow-ups, referrals); :func:`export_json` and
  :func:`export_csv` write it for them. Owners only.
- **Right to erasure**: :func:`erase_customer` removes the customer's name and every other
  personal column of the record, their comments, the text of interviews linked to them and
  follow-up notes, everywhere in the workspace, search indexes included; the id is replaced by
  a random anonymous one. The numbers aggregates need stay (scores, dates, amounts, segment,
  channel, statuses), so last year's NPS does not change. It is recorded in the activity log
  (with the anonymous id, never the old one) and cannot be undone: the workspace's automatic
  snapshots, which still hold the data, are deleted with it. Owners only.

Reports and decks quote text through :func:`mask_emails`, so no e-mail address reaches them.
Whether they name the people quoted is the owner's choice (:func:`set_show_names`), off unless
switched on; it is a decision about one client's customers, so copy-setup never carries it.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

from cxcore import backup, rollups
from cxcore.accounts import now_iso
from cxcore.customer_view import customer_timeline
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.workspace import WorkspaceSession

#: Columns of ``customers`` that identify a person; cleared on erasure (those present).
PERSONAL_COLUMNS = ("name", "email", "phone", "address", "first_name", "last_name")
INTERVIEW_TEXT = ("notes", "key_quotes", "pain_points", "works_well")
ERASED_LABEL = "Erased customer"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: The workspace setting holding :func:`show_names` (true or false).
NAMES_SETTING = "report_show_names"


def mask_emails(text: str | None) -> str | None:
    """``text`` with every e-mail address replaced by ``[e-mail hidden]``."""
    return None if text is None else EMAIL_RE.sub("[e-mail hidden]", text)


def show_names(session: WorkspaceSession) -> bool:
    """Whether the report, the PDF, the deck, the presentation and the quote wall name the
    customers and interviewees they quote (off until an owner switches it on)."""
    return session.setting(NAMES_SETTING, False) is True


def set_show_names(session: WorkspaceSession, show: bool) -> None:
    """Switch customers' names in reports, decks and the quote wall on or off (owners only:
    it decides what a client's audience learns about its customers). E-mail addresses stay
    hidden either way."""
    session.require("owner")
    if not isinstance(show, bool):
        raise ValidationError(Problem(NAMES_SETTING, f"must be true or false, not {show!r}"))
    with session.db.atomic():
        session.set_setting(NAMES_SETTING, show)


def export_customer(session: WorkspaceSession, customer_id: str) -> dict[str, Any]:
    """Everything held about one customer (owners): ``customer``, ``responses``, ``revenue``,
    ``interviews``, ``follow_ups``, ``referred_by``, ``referred``, plus ``exported_at`` and
    ``workspace``. Raises NotFound for an unknown id."""
    session.require("owner")
    view = customer_timeline(session, customer_id)
    session.log("export", "customer", customer_id)
    keys = ("customer", "responses", "revenue", "interviews", "follow_ups", "referred_by",
            "referred")
    data = {"workspace": session.info.name, "exported_at": now_iso(),
            **{k: view[k] for k in keys}}
    # Whom they referred, or were referred by, is theirs; those people's names are not.
    data["referred"] = [{"id": r["id"], "start_date": r["start_date"]} for r in data["referred"]]
    if data["referred_by"]:
        data["referred_by"] = {"id": data["referred_by"]["id"]}
    return data


def export_json(data: dict[str, Any]) -> str:
    """The export as indented JSON (UTF-8 text, accents kept)."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def export_csv(data: dict[str, Any]) -> str:
    """The export as one long CSV a spreadsheet opens: section, record, field, value."""
    from cxcore.export import csv_text  # the writer of every download

    rows = []
    for section, value in data.items():
        if isinstance(value, list):
            for n, item in enumerate(value, 1):
                for field, cell in item.items():
                    rows.append([section, n, field, _cell(cell)])
        elif isinstance(value, dict):
            for field, cell in value.items():
                rows.append([section, 1, field, _cell(cell)])
        elif value is not None:
            rows.append([section, 1, section, _cell(value)])
    return csv_text(["section", "record", "field", "value"], rows)


def _cell(value: Any) -> str:
    from cxcore.export import neutralise

    if isinstance(value, list):
        value = "; ".join(map(str, value))
    return "" if value is None else neutralise(str(value))


def write_export(data: dict[str, Any], folder: str | Path, customer_id: str) -> list[Path]:
    """Write ``customer-<id>.json`` and ``customer-<id>.csv`` into ``folder``."""
    from cxcore.storage import slugify

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    stem = f"customer-{slugify(customer_id)}"
    paths = [target / f"{stem}.json", target / f"{stem}.csv"]
    paths[0].write_text(export_json(data), encoding="utf-8")
    paths[1].write_text(export_csv(data), encoding="utf-8")
    return paths


def _tables_with(session: WorkspaceSession, column: str) -> list[str]:
    """Ordinary tables (not search indexes) that have ``column``."""
    names = [r[0] for r in session.db.execute(
        "select name from sqlite_master where type = 'table' and sql not like "
        "'CREATE VIRTUAL%' and name not like 'sqlite_%'")]
    return [n for n in names if column in session.db[n].columns_dict]


def erase_customer(session: WorkspaceSession, customer_id: str, confirm: str) -> dict[str, Any]:
    """Erase one customer's personal data across the workspace (owners); cannot be undone.

    ``confirm`` must repeat the customer id. Returns ``{"anonymous_id", "responses",
    "comments", "interviews", "follow_ups", "snapshots_deleted"}`` (how many of each were
    anonymised). See the module docstring for what is removed and what is kept.
    """
    session.require("owner")
    if str(confirm).strip() != str(customer_id):
        raise ValidationError(Problem("confirm", "type the customer's id to confirm the "
                                                 "erasure; it cannot be undone"))
    rows = list(session.db.query("select * from customers where id = ?", [customer_id]))
    if not rows:
        raise NotFound(f"There is no customer '{customer_id}'.")
    record = rows[0]
    anon = f"erased-{secrets.token_hex(5)}"
    db, conn = session.db, session.db.conn
    before = conn.execute("pragma secure_delete").fetchone()[0]
    # Freed pages are overwritten with zeros, so the old text is not left in the file.
    conn.execute("pragma secure_delete = on")
    try:
        with db.atomic():
            db["customers"].insert({**record, "id": anon, **{
                c: None for c in PERSONAL_COLUMNS if c in record}})
            counts: dict[str, Any] = {"anonymous_id": anon}
            for table in _tables_with(session, "customer_id"):
                n = conn.execute(f"update [{table}] set customer_id = ? where customer_id = ?",
                                 [anon, customer_id]).rowcount
                if table in ("responses", "interviews"):
                    counts[table] = n
            conn.execute("update customers set referred_by = ? where referred_by = ?",
                         [anon, customer_id])
            ids = "(select id from responses where customer_id = ?)"
            conn.execute(f"delete from response_tags where response_id in {ids}", [anon])
            counts["comments"] = conn.execute(
                "update responses set comment = null where customer_id = ? and comment is not "
                "null", [anon]).rowcount
            counts["follow_ups"] = conn.execute(
                f"update follow_ups set note = null, erased_at = ? where response_id in {ids}",
                [now_iso(), anon]).rowcount
            conn.execute(
                "update interviews set interviewee = ?, "
                + ", ".join(f"{c} = null" for c in INTERVIEW_TEXT)
                + " where customer_id = ?", [ERASED_LABEL, anon])
            conn.execute("delete from customers where id = ?", [customer_id])
            rollups.refresh_customer_records(conn, [customer_id, anon])
            # Earlier log lines may name the customer: they now name the anonymous id.
            conn.execute("update activity set entity_id = ? where entity_id = ?",
                         [anon, customer_id])
            quoted = json.dumps(customer_id)  # as it appears in a JSON detail, quotes included
            conn.execute("update activity set detail = replace(detail, ?, ?) "
                         "where instr(detail, ?)", [quoted, json.dumps(anon), quoted])
            # FTS5 keeps deleted words in older index segments until they are merged.
            for index in ("responses_fts", "interviews_fts"):
                conn.execute(f"insert into [{index}] ([{index}]) values ('optimize')")
            snapshots = backup.list_snapshots(session.info.path)
            counts["snapshots_deleted"] = len(snapshots)
            session.log("erase", "customer", anon, {k: v for k, v in counts.items()
                                                    if k != "anonymous_id"})
    finally:
        conn.execute(f"pragma secure_delete = {int(before)}")
    for snap in snapshots:
        Path(snap["file"]).unlink(missing_ok=True)
    # Old page images in the write-ahead log go too (if another reader holds the log, the
    # next checkpoint does it).
    conn.execute("pragma wal_checkpoint(truncate)")
    return counts
