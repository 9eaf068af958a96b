"""Attribute ratings: any number of named survey questions per response.

A survey export often holds many more questions than NPS, CSAT and effort: "rate the check-in
service 1-5", "was your problem solved? yes/no", "which store did you visit?". Each such question
is an **attribute** of the workspace, defined once (``attributes`` table) with its kind and
scale, and its answers are stored **wide**: one REAL column ``a<id>`` per attribute in
``response_attributes``, one row per response. Wide storage lets SQL aggregate 20 attributes
over 1,000,000 responses in one pass (sums, sums of squares and cross-products for the driver
analysis) where a long (response, attribute, value) table would need a self-join per pair.

Kinds and how a value is coded:

- ``rating``: a number on the declared scale ``scale_min``..``scale_max`` (e.g. 1-5, 0-10);
  ``na_codes`` lists raw answers meaning "not applicable" (stored as NULL, never as a score);
  ``value_labels`` maps answer labels to numbers ("Very satisfied" -> 5).
- ``yesno``: 1 for yes, 0 for no.
- ``category``: a single-choice answer; ``categories`` lists the choices and the stored value is
  the 0-based index into that list. A label outcome ("satisfied" against the rest) is a
  category attribute compared with one of its choices.

An attribute may be linked to a journey step (``step_id``) so driver results can be shown on
the journey map. Rows of ``response_attributes`` are deleted with their response (undo-import).
"""

from __future__ import annotations

import json
import re
from typing import Any

import sqlite_utils

from cxcore.errors import NotFound, ValidationError

KINDS = ("rating", "yesno", "category")
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")


def column(attribute_id: int) -> str:
    """The ``response_attributes`` column holding attribute ``attribute_id``'s answers."""
    return f"a{int(attribute_id)}"


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for name, empty in (("na_codes", []), ("value_labels", {}), ("categories", [])):
        out[name] = json.loads(row[name]) if row.get(name) else empty
    out["column"] = column(row["id"])
    return out


def list_attributes(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every attribute of the workspace, in definition order, with its ``column`` name and the
    JSON fields decoded."""
    rows = db.execute("select * from attributes order by id").fetchall()
    names = [d[0] for d in db.execute("select * from attributes limit 0").description]
    return [_decode(dict(zip(names, r, strict=True))) for r in rows]


def get_attribute(db: sqlite_utils.Database, key_or_id: str | int) -> dict[str, Any]:
    """One attribute by key or id; raises :class:`NotFound`."""
    for attr in list_attributes(db):
        if attr["key"] == key_or_id or str(attr["id"]) == str(key_or_id):
            return attr
    raise NotFound(f"No survey question '{key_or_id}' in this workspace.")


def define_attribute(db: sqlite_utils.Database, key: str, label: str, kind: str = "rating", *,
                     scale: tuple[float, float] | None = None,
                     na_codes: list[Any] | None = None,
                     value_labels: dict[str, float] | None = None,
                     categories: list[str] | None = None,
                     step_id: int | None = None, created_at: str | None = None) -> int:
    """Create attribute ``key`` (or return the id of the existing one with that key) and add its
    value column. Call inside the caller's write transaction, after checking the user's role
    (importers do both). A rating needs ``scale`` = (min, max) with min < max."""
    if not KEY_RE.match(key or ""):
        raise ValidationError(f"'{key}' is not a usable question key (lower-case letters, "
                              "digits and _, at most 64).", field="attribute")
    if kind not in KINDS:
        raise ValidationError(f"Unknown question kind '{kind}' (use {', '.join(KINDS)}).",
                              field="attribute")
    if kind == "rating" and (scale is None or not scale[0] < scale[1]):
        raise ValidationError(f"Question '{label}' needs a scale such as 1-5.", field="attribute")
    existing = db.execute("select id from attributes where key = ?", [key]).fetchone()
    if existing:
        return int(existing[0])
    if kind == "yesno":
        scale = (0.0, 1.0)
    if kind == "category":
        scale = (0.0, float(max(len(categories or []) - 1, 0)))
    attr_id = db["attributes"].insert({
        "key": key, "label": label, "kind": kind,
        "scale_min": None if scale is None else float(scale[0]),
        "scale_max": None if scale is None else float(scale[1]),
        "na_codes": json.dumps(na_codes or []), "value_labels": json.dumps(value_labels or {}),
        "categories": json.dumps(categories or []), "step_id": step_id,
        "created_at": created_at,
    }).last_pk
    db.execute(f"alter table response_attributes add column {column(attr_id)} real")
    return int(attr_id)


def write_values(db: sqlite_utils.Database, rows: list[tuple[int, dict[int, float | None]]]
                 ) -> None:
    """Store answers: ``rows`` is a list of (response id, {attribute id: value or None}).
    Call inside the caller's write transaction; the rollups of their days are recomputed."""
    from cxcore import rollups

    by_columns: dict[tuple[int, ...], list[tuple]] = {}
    for response_id, values in rows:
        ids = tuple(sorted(values))
        by_columns.setdefault(ids, []).append((response_id, *(values[i] for i in ids)))
    for ids, batch in by_columns.items():
        cols = ", ".join(["response_id", *(column(i) for i in ids)])
        marks = ", ".join("?" * (len(ids) + 1))
        db.conn.executemany(
            f"insert or replace into response_attributes ({cols}) values ({marks})", batch)
    rollups.refresh_responses(db.conn, [r[0] for r in rows])


def link_step(db: sqlite_utils.Database, attribute_id: int, step_id: int | None) -> None:
    """Link an attribute to a journey step (or unlink with ``None``). Caller checks the role."""
    get_attribute(db, attribute_id)
    db.execute("update attributes set step_id = ? where id = ?", [step_id, attribute_id])


def set_categories(db: sqlite_utils.Database, attribute_id: int, categories: list[str]) -> None:
    """Store a category question's choices (a stored value is an index into this list, so only
    ever append). Call inside the caller's write transaction."""
    current = get_attribute(db, attribute_id)["categories"]
    if list(categories[:len(current)]) != list(current):
        raise ValidationError(f"The choices of question {attribute_id} can only be added to.",
                              field="attribute")
    db.execute("update attributes set categories = ?, scale_max = ? where id = ?",
               [json.dumps(list(categories)), float(max(len(categories) - 1, 0)),
                attribute_id])


def write_columns(db: sqlite_utils.Database, response_ids: Any,
                  columns: dict[int, Any], *, chunk: int = 50_000, refresh: bool = True) -> None:
    """Store answers column-wise: ``response_ids`` (a sequence) and, per attribute id, the
    values in the same order (NaN or None = no answer). Vectorised for big imports: the rows
    go to SQLite with ``executemany`` in chunks of ``chunk``. Call inside the caller's write
    transaction; the rollups of the responses' days are recomputed (``refresh=False``: the
    caller does it, as :func:`cxcore.importers.commit_import` does once for its batch)."""
    import pandas as pd

    from cxcore import rollups

    ids = pd.Series(response_ids).astype("int64").tolist()
    if not ids:
        return
    names = ["response_id", *(column(a) for a in columns)]
    values = [pd.Series(v).astype(object).where(pd.Series(v).notna(), None).tolist()
              for v in columns.values()]
    sql = (f"insert or replace into response_attributes ({', '.join(names)}) "
           f"values ({', '.join('?' * len(names))})")
    for start in range(0, len(ids), chunk):
        part = [ids[start:start + chunk], *(v[start:start + chunk] for v in values)]
        db.conn.executemany(sql, zip(*part, strict=True))
    if refresh:
        rollups.refresh_responses(db.conn, ids)


def link_to_step(session: Any, attribute_id: int, step_id: int | None) -> None:
    """Link a survey question to a journey step, or unlink it with ``None`` (editors and
    owners), so driver results can be shown on the journey map."""
    session.require("editor")
    if step_id is not None and session.db.execute(
            "select 1 from journey_steps where id = ?", [step_id]).fetchone() is None:
        raise NotFound(f"There is no journey step {step_id}.")
    with session.db.atomic():
        link_step(session.db, attribute_id, step_id)
    session.log("link_step", "attribute", attribute_id, {"step_id": step_id})


def overview(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every survey question with how many answers it has and the journey step it is linked to
    ("Journey / Step"), for the settings table of the import page."""
    steps = step_choices(db)
    listed = list_attributes(db)
    if not listed:
        return []
    counts = db.execute("select " + ", ".join(f"count({a['column']})" for a in listed)
                        + " from response_attributes").fetchone()  # one pass for all
    return [{**attr, "answers": int(n), "step": steps.get(attr["step_id"], "")}
            for attr, n in zip(listed, counts, strict=True)]


def step_choices(db: sqlite_utils.Database) -> dict[int, str]:
    """Journey step id -> "Journey / Step", in journey and step order, for linking questions."""
    return {sid: f"{journey} / {step}" for sid, journey, step in db.execute(
        "select s.id, j.name, s.name from journey_steps s join journeys j on j.id = s.journey_id "
        "order by j.id, s.position")}
