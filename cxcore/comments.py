"""Survey comments: the free text of ``responses.comment``, searchable, tagged and themed.

Search is SQLite FTS5 (``responses_fts``, created through sqlite-utils' ``enable_fts``) with the
``unicode61 remove_diacritics 2`` tokenizer: case and accents are ignored and every word typed
is matched as the start of a word, so "delai" finds "délai" and "caisse" finds "caisses" but
not "encaisser". The index holds only responses that have a comment and is kept in step by
triggers on ``responses`` (insert, update of the comment, delete), so imports, undoing an
import and erasing a customer update it in the same transaction, whoever writes.

Tags on comments (``response_tags``) are set by hand, one at a time or on every comment of a
search result. Rules (``tag_rules``: a keyword or phrase → a tag) tag automatically: a comment
carries a rule's tag while its text matches the rule, checked at query time through the same
index, so a rule applies at once to comments already stored and to those imported later, and
never goes stale. Tags follow :mod:`cxcore.tags`, the model interviews use too.

Paging is LIMIT/OFFSET over partial indexes of the commented responses in each order offered
(detractors first, newest first, oldest first), so the first pages of a million comments come
straight from an index and counts read the index, not the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from cxcore import metrics
from cxcore.accounts import now_iso
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.interviews import fts_query
from cxcore.schema.comments import GROUP_SQL, TOKENIZER  # noqa: F401 (re-exported)
from cxcore.tags import MAX_PATTERN, one_tag, phrase_matches, phrase_query, words
from cxcore.workspace import WorkspaceSession

_GROUP_R = GROUP_SQL.replace("nps", "r.nps")
GROUPS = {"detractor": 0, "passive": 1, "promoter": 2, "none": 3}
GROUP_NAMES = {v: k for k, v in GROUPS.items()}
ORDERS = {
    "detractors": f"{_GROUP_R}, r.date desc, r.id desc",
    "newest": "r.date desc, r.id desc",
    "oldest": "r.date, r.id",
}
MAX_PAGE = 500


# ---- filters --------------------------------------------------------------------------------

def group_of(nps: int | None) -> str:
    """``detractor`` (0-6), ``passive`` (7-8), ``promoter`` (9-10) or ``none`` (no NPS)."""
    if nps is None:
        return "none"
    return "detractor" if nps <= 6 else "passive" if nps <= 8 else "promoter"


def _rules_query(session: WorkspaceSession, tag: str) -> str | None:
    queries = [q for q in (phrase_query(r["pattern"]) for r in list_rules(session, tag=tag)) if q]
    return " OR ".join(f"({q})" for q in queries) or None


def _tag_condition(session: WorkspaceSession, tag: str) -> tuple[str, list[Any]]:
    """SQL (on alias ``r``) true for a response carrying ``tag`` by hand or by a rule."""
    sql = "r.id in (select response_id from response_tags where tag = ?)"
    params: list[Any] = [tag]
    if (rules := _rules_query(session, tag)) is not None:
        sql = (f"({sql} or r.id in (select rowid from responses_fts where responses_fts "
               "match ?))")
        params.append(rules)
    return sql, params


def _where(session: WorkspaceSession, *, search: str | None = None, group: str | None = None,
           segment: str | None = None, channel: str | None = None,
           journey_step_id: int | None = None, tag: str | None = None,
           period: str | None = None, date_from: date | str | None = None,
           date_to: date | str | None = None, customer_id: str | None = None
           ) -> tuple[str, list[Any]]:
    """The WHERE clause (alias ``r``) for the filters; raises ValidationError on bad ones."""
    from cxcore.scorecard import parse_period

    where = ["r.comment is not null"]
    params: list[Any] = []
    if group:
        if group not in GROUPS:
            raise ValidationError(Problem("group", f"'{group}' is not a group: use "
                                          + ", ".join(GROUPS)))
        where.append(f"{_GROUP_R} = ?")
        params.append(GROUPS[group])
    for column, value in (("segment", segment), ("channel", channel),
                          ("journey_step_id", journey_step_id), ("customer_id", customer_id)):
        if value not in (None, ""):
            where.append(f"r.{column} = ?")
            params.append(value)
    if period and period != "all":
        bounds = parse_period(period)
        where.append("r.date >= ? and r.date < ?")
        params += [bounds.start, bounds.end]
    if date_from:
        where.append("r.date >= ?")
        params.append(str(date_from))
    if date_to:
        where.append("r.date <= ?")
        params.append(str(date_to))
    if tag:
        clean, problems = one_tag(tag)
        if problems:
            raise ValidationError(problems)
        sql, more = _tag_condition(session, clean)
        where.append(sql)
        params += more
    if search and (query := fts_query(search)):
        where.append("r.id in (select rowid from responses_fts where responses_fts match ?)")
        params.append(query)
    return " and ".join(where), params


# ---- reads ----------------------------------------------------------------------------------

def count_comments(session: WorkspaceSession, **filters: Any) -> int:
    """How many comments match ``filters`` (see :func:`list_comments`)."""
    where, params = _where(session, **filters)
    return session.db.execute(f"select count(*) from responses r where {where}",
                              params).fetchone()[0]


def list_comments(session: WorkspaceSession, *, order: str = "detractors", limit: int = 50,
                  offset: int = 0, **filters: Any) -> dict[str, Any]:
    """One page of survey comments matching every filter given, and how many match in all.

    Filters: ``search`` (every word typed, as a word start, accents and case ignored),
    ``group`` (detractor, passive, promoter or none), ``segment``, ``channel``,
    ``journey_step_id``, ``tag`` (by hand or by a rule), ``period`` (as on the scorecard:
    2026-Q3, 2026, all...), ``date_from`` / ``date_to`` (inclusive), ``customer_id``.
    ``order``: ``detractors`` (default: detractors, then passives, then promoters, newest first
    within each), ``newest`` or ``oldest``. Returns ``{"total": N, "comments": [...]}``; each
    comment has id, date, nps, group, csat, ces, segment, channel, journey_step_id,
    journey_step, customer_id, comment and tags (sorted; hand and rule tags together).
    """
    if order not in ORDERS:
        raise ValidationError(Problem("order", f"'{order}' is not an order: use "
                                      + ", ".join(ORDERS)))
    if not 1 <= int(limit) <= MAX_PAGE or int(offset) < 0:
        raise ValidationError(Problem("page", f"a page holds 1 to {MAX_PAGE} comments and "
                                      "starts at 0 or later"))
    where, params = _where(session, **filters)
    total = session.db.execute(f"select count(*) from responses r where {where}",
                               params).fetchone()[0]
    # With one group chosen, ordering by the group too would defeat the index (SQLite sorts).
    order_sql = ORDERS["newest" if order == "detractors" and filters.get("group") else order]
    rows = list(session.db.query(
        f"select r.id from responses r where {where} order by {order_sql} "
        f"limit {int(limit)} offset {int(offset)}", params))
    ids = [r["id"] for r in rows]
    return {"total": total, "comments": comments_by_id(session, ids)}


def comments_by_id(session: WorkspaceSession, ids: list[int]) -> list[dict[str, Any]]:
    """The comments with these response ids, in the order given, with their tags."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = {r["id"]: r for r in session.db.query(
        "select r.id, r.date, r.nps, r.csat, r.ces, r.segment, r.channel, r.journey_step_id, "
        "s.name as journey_step, r.customer_id, r.comment from responses r "
        f"left join journey_steps s on s.id = r.journey_step_id where r.id in ({marks})", ids)}
    hand: dict[int, set[str]] = {}
    for row in session.db.execute(
            f"select response_id, tag from response_tags where response_id in ({marks})", ids):
        hand.setdefault(row[0], set()).add(row[1])
    rules = list_rules(session)
    out = []
    for rid in ids:
        row = rows.get(rid)
        if row is None:
            continue
        tags = set(hand.get(rid, ()))
        tags.update(r["tag"] for r in rules if phrase_matches(r["pattern"], row["comment"]))
        out.append({**row, "group": group_of(row["nps"]), "tags": sorted(tags)})
    return out


def filter_choices(session: WorkspaceSession) -> dict[str, list[Any]]:
    """Values the page's filters offer: segments, channels, journey steps (id, name) and tags."""
    db = session.db
    segments = [r[0] for r in db.execute(
        "select distinct segment from responses where segment is not null order by segment")]
    channels = [r[0] for r in db.execute(
        "select distinct channel from responses where channel is not null order by channel")]
    steps = [{"id": r[0], "name": r[1]} for r in db.execute(
        "select s.id, j.name || ' › ' || s.name from journey_steps s join journeys j "
        "on j.id = s.journey_id order by j.name, s.position, s.id")]
    return {"segments": segments, "channels": channels, "steps": steps,
            "tags": [t["tag"] for t in all_themes(session)]}


def all_themes(session: WorkspaceSession) -> list[dict[str, Any]]:
    """Every theme in use across the workspace, with how many comments (by hand or rule) and
    interviews carry it; most used first. Interviews and comments share one vocabulary."""
    out: dict[str, dict[str, Any]] = {}
    for tag, n in session.db.execute(
            "select t.tag, count(*) from interview_tags t join interviews i on i.id = "
            "t.interview_id where i.deleted_at is null group by t.tag"):
        out.setdefault(tag, {"tag": tag, "comments": 0, "interviews": 0})["interviews"] = n
    tags = {r[0] for r in session.db.execute("select distinct tag from response_tags")}
    tags |= {r["tag"] for r in list_rules(session)}
    for tag in tags:
        sql, params = _tag_condition(session, tag)
        n = session.db.execute(f"select count(*) from responses r where r.comment is not null "
                               f"and {sql}", params).fetchone()[0]
        out.setdefault(tag, {"tag": tag, "comments": 0, "interviews": 0})["comments"] = n
    return sorted(out.values(), key=lambda t: (-(t["comments"] + t["interviews"]), t["tag"]))


# ---- hand tagging ---------------------------------------------------------------------------

def _checked_tag(tag: Any) -> str:
    clean, problems = one_tag(tag)
    if problems:
        raise ValidationError(problems)
    return clean  # type: ignore[return-value]


def tag_comments(session: WorkspaceSession, response_ids: Iterable[int], tag: str) -> int:
    """Put ``tag`` on the comments with these response ids (editors); returns how many got it
    (those already carrying it by hand are not counted). Unknown ids are refused, nothing
    stored."""
    session.require("editor")
    clean = _checked_tag(tag)
    ids = sorted({int(i) for i in response_ids})
    if not ids:
        return 0
    _check_ids(session, ids)
    stamp = now_iso()
    with session.db.atomic():
        before = session.db.conn.total_changes
        session.db.conn.executemany(
            "insert into response_tags (response_id, tag, created_by, created_at) "
            "values (?, ?, ?, ?) on conflict do nothing",
            [(i, clean, session.username, stamp) for i in ids])
        added = session.db.conn.total_changes - before
        session.log("tag", "comment", None, {"tag": clean, "comments": added})
    return added


def _check_ids(session: WorkspaceSession, ids: list[int]) -> None:
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found |= {r[0] for r in session.db.execute(
            f"select id from responses where comment is not null and id in "
            f"({', '.join('?' * len(chunk))})", chunk)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(Problem("response_id", "no comment with id "
                                      + ", ".join(map(str, missing[:10]))))


def untag_comments(session: WorkspaceSession, response_ids: Iterable[int], tag: str) -> int:
    """Take the hand-set ``tag`` off these comments (editors); returns how many lost it. A tag
    a rule gives stays while the rule matches (change the rule instead)."""
    session.require("editor")
    clean = _checked_tag(tag)
    ids = sorted({int(i) for i in response_ids})
    with session.db.atomic():
        before = session.db.conn.total_changes
        session.db.conn.executemany(
            "delete from response_tags where response_id = ? and tag = ?",
            [(i, clean) for i in ids])
        removed = session.db.conn.total_changes - before
        session.log("untag", "comment", None, {"tag": clean, "comments": removed})
    return removed


def tag_matching(session: WorkspaceSession, new_tag: str, **filters: Any) -> int:
    """Put ``new_tag`` on every comment matching ``filters`` (as for :func:`list_comments`), in one
    statement (editors). Returns how many comments got it."""
    session.require("editor")
    clean = _checked_tag(new_tag)
    where, params = _where(session, **filters)
    with session.db.atomic():
        added = session.db.execute(
            "insert into response_tags (response_id, tag, created_by, created_at) "
            f"select r.id, ?, ?, ? from responses r where {where} on conflict do nothing",
            [clean, session.username, now_iso(), *params]).rowcount
        session.log("tag", "comment", None, {"tag": clean, "comments": added,
                                             "filters": {k: v for k, v in filters.items() if v}})
    return added


# ---- rules ----------------------------------------------------------------------------------

def list_rules(session: WorkspaceSession, tag: str | None = None) -> list[dict[str, Any]]:
    """The workspace's tagging rules (id, pattern, tag, created_by, created_at), by tag."""
    if tag is None:
        return list(session.db.query("select * from tag_rules order by tag, pattern"))
    return list(session.db.query("select * from tag_rules where tag = ? order by pattern", [tag]))


def validate_rule(pattern: Any, tag: Any) -> tuple[str, str]:
    """A rule's pattern (trimmed, at least one word, at most 100 characters) and tag (one tag);
    raises ValidationError naming each bad field."""
    problems = []
    text = " ".join(str(pattern or "").split())
    if not words(text):
        problems.append(Problem("pattern", "needs at least one word, e.g. 'caisse' or "
                                           "'temps d'attente'"))
    elif len(text) > MAX_PATTERN:
        problems.append(Problem("pattern", f"is {len(text)} characters long; the limit is "
                                           f"{MAX_PATTERN}"))
    clean, tag_errors = one_tag(tag)
    problems += tag_errors
    if problems:
        raise ValidationError(problems)
    return text, clean  # type: ignore[return-value]


def add_rule(session: WorkspaceSession, pattern: str, tag: str) -> int:
    """Add a rule: comments containing ``pattern`` (a keyword or phrase; accents and case
    ignored, the last word may continue, so "caisse" covers "caisses") carry ``tag``
    (editors). Returns its id; the same rule twice is refused."""
    session.require("editor")
    text, clean = validate_rule(pattern, tag)
    if session.db.execute("select 1 from tag_rules where pattern = ? and tag = ?",
                          [text, clean]).fetchone():
        raise ValidationError(Problem("pattern", f"the rule '{text}' → {clean} already exists"))
    with session.db.atomic():
        rule_id = session.db["tag_rules"].insert(
            {"pattern": text, "tag": clean, "created_by": session.username,
             "created_at": now_iso()}).last_pk
        session.log("create", "tag_rule", rule_id, {"pattern": text, "tag": clean})
    return rule_id


def delete_rule(session: WorkspaceSession, rule_id: int) -> None:
    """Remove a rule (editors); the comments it tagged lose that tag unless set by hand."""
    session.require("editor")
    if session.db.execute("select 1 from tag_rules where id = ?", [rule_id]).fetchone() is None:
        raise NotFound(f"There is no tagging rule {rule_id}.")
    with session.db.atomic():
        session.db.execute("delete from tag_rules where id = ?", [rule_id])
        session.log("delete", "tag_rule", rule_id)


def copy_rules(source: WorkspaceSession, target: WorkspaceSession) -> int:
    """Add ``source``'s rules that ``target`` lacks (editors of the target); returns how many.
    Runs inside the caller's transaction if there is one (copy-setup)."""
    target.require("editor")
    added = 0
    for rule in list_rules(source):
        if target.db.execute("select 1 from tag_rules where pattern = ? and tag = ?",
                             [rule["pattern"], rule["tag"]]).fetchone() is None:
            target.db["tag_rules"].insert({"pattern": rule["pattern"], "tag": rule["tag"],
                                           "created_by": target.username,
                                           "created_at": now_iso()})
            added += 1
    return added


# ---- themes ---------------------------------------------------------------------------------

def _bucket(grain: str) -> str:
    if grain == "month":
        return "substr(r.date, 1, 7)"
    if grain == "quarter":
        return "substr(r.date, 1, 4) || '-Q' || ((cast(substr(r.date, 6, 2) as integer) + 2) / 3)"
    raise ValidationError(Problem("period", f"group by 'month' or 'quarter', not '{grain}'"))


def period_labels(first: str, last: str, grain: str) -> list[str]:
    """Every period label from ``first`` to ``last`` inclusive (``2026-Q1`` or ``2026-01``),
    so an empty period shows as a gap instead of being skipped."""
    def index(label: str) -> int:
        year = int(label[:4])
        return year * 4 + int(label[-1]) - 1 if grain == "quarter" else \
            year * 12 + int(label[5:7]) - 1
    out = []
    for i in range(index(first), index(last) + 1):
        out.append(f"{i // 4}-Q{i % 4 + 1}" if grain == "quarter"
                   else f"{i // 12}-{i % 12 + 1:02d}")
    return out


def theme_stats(session: WorkspaceSession, grain: str = "quarter", top: int = 8,
                themes: list[str] | None = None, **filters: Any) -> list[dict[str, Any]]:
    """For each period and theme: how many comments carried the theme, their share of the
    period's comments, and the NPS of those comments with its 95% interval.

    Rows ``{period, theme, comments, period_comments, share_pct, promoters, passives,
    detractors, nps, low, high, too_few}`` for every period from the first to the last comment
    (a period with no comment carrying the theme has ``comments`` 0 and ``nps`` None, never 0).
    NPS = 100 × (promoters − detractors) / answers (:func:`cxcore.metrics.nps_score`); the
    interval is the adjusted-Wald one (:func:`cxcore.metrics.nps_interval`); ``too_few`` marks
    fewer than :data:`cxcore.metrics.SMALL_SAMPLE` answers, too few to tell. Themes: ``themes``
    or the ``top`` most used.
    """
    bucket = _bucket(grain)
    where, params = _where(session, **filters)
    per_period = {row[0]: row[1] for row in session.db.execute(
        f"select {bucket} as p, count(*) from responses r where {where} group by p", params)}
    if not per_period:
        return []
    labels = period_labels(min(per_period), max(per_period), grain)
    chosen = themes if themes is not None else [t["tag"] for t in all_themes(session)
                                                if t["comments"]][:top]
    out = []
    for theme in chosen:
        cond, more = _tag_condition(session, theme)
        found = {row[0]: row[1:] for row in session.db.execute(
            f"select {bucket} as p, count(*), sum(r.nps >= 9), sum(r.nps between 7 and 8), "
            f"sum(r.nps <= 6) from responses r where {where} and {cond} group by p",
            params + more)}
        for label in labels:
            n, pro, pas, det = found.get(label, (0, 0, 0, 0))
            pro, pas, det = pro or 0, pas or 0, det or 0
            result = metrics.nps(pro, pas, det)
            total = per_period.get(label, 0)
            out.append({
                "period": label, "theme": theme, "comments": n, "period_comments": total,
                "share_pct": 100.0 * n / total if total else None,
                "promoters": pro, "passives": pas, "detractors": det,
                "nps": result.nps if result else None, "low": result.low if result else None,
                "high": result.high if result else None,
                "too_few": (pro + pas + det) < metrics.SMALL_SAMPLE,
            })
    return out


def comment_texts(session: WorkspaceSession, limit: int = 20_000, **filters: Any) -> list[str]:
    """The newest ``limit`` comment texts matching ``filters`` (for word counts)."""
    where, params = _where(session, **filters)
    return [r[0] for r in session.db.execute(
        f"select r.comment from responses r where {where} order by r.date desc, r.id desc "
        f"limit {int(limit)}", params)]
