"""Who changed what, and when: a workspace's activity and the server's account log.

Two sources, one shape. Each workspace file has an ``activity`` table (every data change, written
by :meth:`cxcore.workspace.WorkspaceSession.log`); ``accounts.db`` has ``audit_log`` (every change
to accounts, rights, memberships and workspaces, written by :meth:`cxcore.accounts.Accounts.audit`).
A workspace's owners see its activity together with the account-log entries about that workspace
(members added, roles changed, renamed, archived); administrators also see the whole account log.

Each entry is a dict: ``at`` (ISO-8601 UTC), ``who``, ``kind``, ``action``, ``what`` (a sentence),
``change`` (before -> after, when known) and ``source`` (``workspace`` or ``accounts``).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from cxcore.accounts import Accounts
from cxcore.errors import PermissionDenied, Problem, ValidationError
from cxcore.export import csv_text
from cxcore.workspace import WorkspaceSession

COLUMNS = ["at", "who", "kind", "action", "what", "change", "source"]
MAX_ENTRIES = 10_000


def _load(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_change(before: Any, after: Any) -> str:
    """``before -> after`` in words: for two dicts, each key that differs (``role: viewer ->
    editor``); ``""`` when nothing is known."""
    if isinstance(before, dict) or isinstance(after, dict):
        old, new = before or {}, after or {}
        parts = []
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                if key not in old:
                    parts.append(f"{key}: {_short(new[key])}")
                elif key not in new:
                    parts.append(f"{key}: {_short(old[key])} -> (removed)")
                else:
                    parts.append(f"{key}: {_short(old[key])} -> {_short(new[key])}")
        return "; ".join(parts)
    if before is None and after is None:
        return ""
    if before is None:
        return _short(after)
    return f"{_short(before)} -> {_short(after)}"


def _audit_entries(acc: Accounts, where: str, params: list) -> list[dict]:
    rows = acc.db.query(
        f"select * from audit_log where {where} order by at desc, id desc limit {MAX_ENTRIES}",
        params)
    return [{"at": r["at"], "who": r["actor"], "kind": r["kind"], "action": r["action"],
             "what": r["summary"] or "",
             "change": describe_change(_load(r["before"]), _load(r["after"])),
             "source": "accounts", "username": r["username"],
             "workspace_id": r["workspace_id"]} for r in rows]


def _check_date(value: date | str | None, field: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    except ValueError as exc:
        raise ValidationError(Problem(field, "use a date like 2026-12-31")) from exc


def _filter(entries: list[dict], person: str | None, kind: str | None,
            since: date | str | None, until: date | str | None) -> list[dict]:
    start, end = _check_date(since, "since"), _check_date(until, "until")
    person = (person or "").strip().lower() or None
    out = []
    for e in entries:
        if person and person not in (e["who"], e.get("username")):
            continue
        if kind and e["kind"] != kind:
            continue
        day = e["at"][:10]
        if (start and day < start) or (end and day > end):
            continue
        out.append(e)
    out.sort(key=lambda e: e["at"], reverse=True)
    return out


def workspace_activity(acc: Accounts, session: WorkspaceSession, *, person: str | None = None,
                       kind: str | None = None, since: date | str | None = None,
                       until: date | str | None = None) -> list[dict]:
    """The workspace's activity, newest first: its data changes and the account-log entries
    about it (owners only). ``person`` matches who acted or whose membership changed; ``kind``
    is an entry's kind (a data entity such as ``interview``, or ``membership``, ``workspace``);
    ``since``/``until`` are inclusive dates (UTC)."""
    session.require("owner")
    entries = [{"at": r["at"], "who": r["username"], "kind": r["entity"] or "",
                "action": r["action"],
                "what": " ".join(str(p) for p in (
                    r["action"], (r["entity"] or "").replace("_", " "),
                    f"#{r['entity_id']}" if r["entity_id"] else None) if p),
                "change": "" if r["detail"] is None else _short(_load(r["detail"]), 200),
                "source": "workspace", "username": None, "workspace_id": session.info.id}
               for r in session.db.query(
                   f"select * from activity order by at desc, id desc limit {MAX_ENTRIES}")]
    entries += _audit_entries(acc, "workspace_id = ?", [session.info.id])
    return _filter(entries, person, kind, since, until)


def account_log(acc: Accounts, *, by: str, person: str | None = None, kind: str | None = None,
                since: date | str | None = None, until: date | str | None = None) -> list[dict]:
    """The whole account log, newest first (administrators only); filters as
    :func:`workspace_activity`."""
    if not acc.is_admin(by):
        raise PermissionDenied("Only an administrator can see the account log.")
    return _filter(_audit_entries(acc, "1", []), person, kind, since, until)


def choices(entries: list[dict]) -> tuple[list[str], list[str]]:
    """The people and the kinds that occur in ``entries``, sorted, for filter pickers."""
    people = sorted({p for e in entries for p in (e["who"], e.get("username")) if p})
    return people, sorted({e["kind"] for e in entries if e["kind"]})


def to_csv(entries: list[dict]) -> bytes:
    """Entries as UTF-8 CSV (with BOM), text that a spreadsheet would run as a formula
    neutralised by :func:`cxcore.export.csv_text` (the writer of every download)."""
    rows = ([e.get(c) for c in COLUMNS] for e in entries)
    return ("\ufeff" + csv_text(COLUMNS, rows)).encode("utf-8")
