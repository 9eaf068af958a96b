"""Storing a prepared import as one batch in one transaction, undoing a batch, listing them."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable

import pandas as pd

from cxcore import attribute_import as ai
from cxcore import attributes as attrs
from cxcore import rollups
from cxcore.clock import now_iso
from cxcore.errors import CXError, Problem, ValidationError
from cxcore.importers import base, bulk
from cxcore.importers.base import SNAPSHOT_KEY, SNAPSHOT_SETTING, TABLES, attribute_column
from cxcore.importers.mapping import FIELDS
from cxcore.importers.preview import ImportPreview, ImportResult
from cxcore.workspace import WorkspaceSession


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
    insert = (f"insert into [{table}] ({', '.join(columns)}) "
              f"values ({', '.join('?' * len(columns))})")
    conn = session.db.conn
    total = len(rows)
    # A larger page cache keeps the indexes' hot pages in memory during a big insert
    # (about twice as fast for a million rows); restored afterwards.
    cache_before = conn.execute("pragma cache_size").fetchone()[0]
    if total > base.INSERT_CHUNK:
        conn.execute(f"pragma cache_size = -{base.IMPORT_CACHE_KIB}")
    questions = [a for a in preview.attributes if a.include]
    try:
        with conn:
            conn.execute("begin immediate")  # take the write lock before reading anything
            batch_id = conn.execute(
                "insert into import_batches (kind, filename, source_format, rows, created_by, "
                "created_at) values (?, ?, ?, 0, ?, ?)",
                [preview.kind, preview.filename, preview.detected.get("format"),
                 session.username, now_iso()]).lastrowid
            first_id, held = conn.execute(
                f"select coalesce(max(rowid), 0), count(*) from [{table}]").fetchone()
            # A batch at least as big as the table: sort each index once after the rows are
            # in, rather than update it row by row (the stored rows' hashes are checked first,
            # since the unique index is away meanwhile).
            rebuild = unique == "row_hash" and total >= max(held, base.REBUILD_MIN_ROWS)
            if rebuild and held:
                hashes = {r[0] for r in conn.execute(f"select row_hash from [{table}]")}
                rows = rows[~rows["_dedupe"].isin(hashes)]
            sql = insert if rebuild else f"{insert} on conflict({unique}) do nothing"
            # The statement's own row count: total_changes would also count rows that
            # triggers write (the comment search index).
            inserted = 0
            with contextlib.ExitStack() as bulk_writes:
                if rebuild:
                    bulk_writes.enter_context(bulk.indexes_rebuilt(conn, table))
                bulk_writes.enter_context(bulk.triggers_in_bulk(conn, table, first_id))
                for start in range(0, len(rows), base.INSERT_CHUNK):
                    chunk = rows.iloc[start:start + base.INSERT_CHUNK]
                    inserted += conn.executemany(sql, _records(chunk, stored, batch_id)
                                                 ).rowcount
                    if progress:
                        progress(min(1.0, (start + len(chunk)) / len(rows)))
            if inserted and preview.detected.get(SNAPSHOT_KEY):
                conn.execute(
                    "insert into settings (key, value) values (?, ?) on conflict(key) do update "
                    "set value = excluded.value",
                    [SNAPSHOT_SETTING, json.dumps({"reference_date": preview.detected[
                        SNAPSHOT_KEY], "batch_id": batch_id})])
            if questions and inserted:
                _store_answers(session, rows, questions, first_id)
            if inserted:
                rollups.refresh_batch(conn, preview.kind, batch_id, inserted,
                                      first_id=None if unique == "id" else first_id)
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
                   questions: list[ai.AttributeSpec], first_id: int) -> None:
    """Define the batch's survey questions (or reuse the stored ones) and write their answers
    for the responses this batch inserted, in batches of ``INSERT_CHUNK`` rows, inside the
    caller's transaction."""
    db = session.db
    ids = {}
    for spec in questions:
        ids[spec.key] = attrs.define_attribute(
            db, spec.key, spec.label, spec.kind, scale=spec.scale, na_codes=spec.na_codes,
            value_labels=spec.value_labels, categories=spec.categories, created_at=now_iso())
        if spec.kind == "category":
            attrs.set_categories(db, ids[spec.key], spec.categories)
    # The batch's rows are the ones above the largest id before it.
    stored = pd.DataFrame(db.execute("select row_hash, id from responses where id > ?",
                                     [first_id]).fetchall(), columns=["_dedupe", "_id"])
    new = rows.merge(stored, on="_dedupe", how="inner")
    columns = {ids[spec.key]: new[attribute_column(spec)] for spec in questions}
    attrs.write_columns(db, new["_id"], columns, chunk=base.INSERT_CHUNK, refresh=False)


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
