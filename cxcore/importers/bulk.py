"""Writing a big batch fast, inside the import's one transaction.

Two costs dominate a naive row-by-row insert of a million responses: every index of the table
is updated row by row at random places (the row hash, the customer, the covering scorecard
index...), and the comment search trigger fills the FTS5 index one comment at a time. Here:

* :func:`indexes_rebuilt` drops a table's indexes and creates them again after the rows are
  in (SQLite then sorts each index once), used when the batch is at least as big as what the
  table holds, so rebuilding costs less than updating;
* :func:`triggers_in_bulk` replaces a trigger whose effect is known (the comment index's
  insert trigger) with one set-based statement over the new rows.

Both are DDL inside the caller's ``BEGIN IMMEDIATE`` transaction: a rollback restores the
indexes and triggers with everything else, and other connections never see them missing
(they read the last committed schema). A trigger whose SQL is not exactly the one known here
is left in place, so a changed trigger stays right, only slower.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator

#: Insert triggers with a set-based equivalent for the rows whose id is above ``?``:
#: trigger name -> (its SQL as created, whitespace folded; the statement doing the same).
BULK_TRIGGERS = {
    "responses_fts_ai": (
        "create trigger responses_fts_ai after insert on responses when new.comment is not "
        "null begin insert into responses_fts (rowid, comment) values (new.id, new.comment); "
        "end",
        "insert into responses_fts (rowid, comment) select id, comment from responses "
        "where id > ? and comment is not null order by id"),
}


def _folded(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().lower()


@contextlib.contextmanager
def triggers_in_bulk(conn: sqlite3.Connection, table: str, first_id: int) -> Iterator[None]:
    """Suspend ``table``'s insert triggers listed in :data:`BULK_TRIGGERS` for the block, then
    do their work for every row with an id above ``first_id`` in one statement each, and
    create the triggers again. Inside the caller's write transaction."""
    found = conn.execute("select name, sql from sqlite_master where type = 'trigger' and "
                         "tbl_name = ?", [table]).fetchall()
    suspended = [(name, sql) for name, sql in found
                 if name in BULK_TRIGGERS and _folded(sql) == BULK_TRIGGERS[name][0]]
    for name, _ in suspended:
        conn.execute(f"drop trigger [{name}]")
    yield
    for name, sql in suspended:
        conn.execute(BULK_TRIGGERS[name][1], [first_id])
        conn.execute(sql)


@contextlib.contextmanager
def indexes_rebuilt(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Drop ``table``'s own indexes (not the automatic ones of its constraints) for the block
    and create them again from their stored SQL after it. A unique index that the new rows
    break fails when it is created again: the caller's transaction then rolls back."""
    indexes = conn.execute("select name, sql from sqlite_master where type = 'index' and "
                           "tbl_name = ? and sql is not null", [table]).fetchall()
    for name, _ in indexes:
        conn.execute(f"drop index [{name}]")
    yield
    for _, sql in indexes:
        conn.execute(sql)
