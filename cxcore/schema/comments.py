"""Survey comment search, comment tags and tag rules (see :mod:`cxcore.comments`).

The ``cxcore.comments`` migration set. Never edit an applied migration; append a new one.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.comments")

TOKENIZER = "unicode61 remove_diacritics 2"
#: NPS group of a response, as SQL: 0 detractor (0-6), 1 passive (7-8), 2 promoter (9-10),
#: 3 no NPS answer. The partial index below is on this exact expression.
GROUP_SQL = ("(case when nps is null then 3 when nps <= 6 then 0 when nps <= 8 then 1 "
             "else 2 end)")


@migrations()
def m001_comment_search(db: sqlite_utils.Database) -> None:
    db["responses"].enable_fts(["comment"], tokenize=TOKENIZER, create_triggers=False)
    # enable_fts indexes every row; only rows with a comment belong in the index.
    db.execute("insert into responses_fts (responses_fts, rowid, comment) "
               "select 'delete', id, comment from responses where comment is null")
    db.execute("""create trigger responses_fts_ai after insert on responses
        when new.comment is not null begin
        insert into responses_fts (rowid, comment) values (new.id, new.comment); end""")
    db.execute("""create trigger responses_fts_ad after delete on responses
        when old.comment is not null begin
        insert into responses_fts (responses_fts, rowid, comment)
        values ('delete', old.id, old.comment); end""")
    db.execute("""create trigger responses_fts_au_old after update of comment on responses
        when old.comment is not null and old.comment is not new.comment begin
        insert into responses_fts (responses_fts, rowid, comment)
        values ('delete', old.id, old.comment); end""")
    db.execute("""create trigger responses_fts_au_new after update of comment on responses
        when new.comment is not null and old.comment is not new.comment begin
        insert into responses_fts (rowid, comment) values (new.id, new.comment); end""")
    # Partial indexes: one per order the comments page offers, holding commented rows only.
    db.execute(f"create index idx_comments_group on responses ({GROUP_SQL}, date desc, id desc) "
               "where comment is not null")
    db.execute("create index idx_comments_date on responses (date desc, id desc) "
               "where comment is not null")
    db.execute("""create table response_tags (
        response_id integer not null references responses(id) on delete cascade,
        tag text not null, created_by text, created_at text,
        primary key (response_id, tag))""")
    db.execute("create index idx_response_tags_tag on response_tags (tag, response_id)")
    db.execute("""create table tag_rules (
        id integer primary key, pattern text not null, tag text not null,
        created_by text, created_at text, unique (pattern, tag))""")
