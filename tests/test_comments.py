"""Survey comments: accent-insensitive prefix search, filters, paging, hand and rule tags,
theme statistics, and the index staying in step with imports, undo and edits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcore import comments as cm
from cxcore import importers as im
from cxcore import tags
from cxcore.errors import PermissionDenied, ValidationError

#: A multilingual fixture: (date, nps, segment, channel, comment).
FIXTURE = [
    ("2026-01-10", 2, "retail", "store", "Le délai d'attente aux caisses est trop long."),
    ("2026-01-12", 9, "retail", "web", "Très bon accueil, caissière souriante."),
    ("2026-02-03", 5, "pro", "store", "Il faut encaisser plus vite, une seule caisse ouverte."),
    ("2026-02-20", 10, "pro", "web", "Great staff, quick delivery, will come back!"),
    ("2026-03-05", 4, "retail", "phone", "Die Lieferung war zu spät. Schlechter Kundendienst."),
    ("2026-04-15", 7, "retail", "web", "El envío llegó tarde pero el precio es bueno."),
    ("2026-04-20", 8, "pro", "store", "Délais de livraison corrects; prix élevés."),
    ("2026-05-02", None, "retail", "web", "No score given, only the delay was annoying."),
    ("2026-05-03", 6, "retail", "store", None),
]


def add_responses(session, rows=FIXTURE) -> list[int]:
    """Insert responses directly (the importer's own SQL path is tested below)."""
    ids = []
    with session.db.atomic():
        for n, (day, nps, segment, channel, comment) in enumerate(rows):
            ids.append(session.db["responses"].insert({
                "date": day, "nps": nps, "segment": segment, "channel": channel,
                "comment": comment, "row_hash": f"fx{n}-{day}-{comment}"}).last_pk)
    return ids


def texts(result) -> list[str]:
    return [c["comment"] for c in result["comments"]]


def search(session, query, **kw) -> list[str]:
    return texts(cm.list_comments(session, search=query, **kw))


# ---- search ---------------------------------------------------------------------------------

def test_search_ignores_accents_and_case_in_both_directions(editor_session):
    add_responses(editor_session)
    assert search(editor_session, "delai") == [FIXTURE[0][4], FIXTURE[6][4]]
    assert search(editor_session, "délais") == [FIXTURE[6][4]]
    assert search(editor_session, "DÉLAI") == search(editor_session, "delai")
    assert search(editor_session, "envio") == [FIXTURE[5][4]]
    assert search(editor_session, "spat") == [FIXTURE[4][4]]  # spät


def test_search_matches_word_starts_not_word_middles(editor_session):
    add_responses(editor_session)
    # "caisse" finds "caisse" and "caisses" (prefix), not "encaisser" (inside a word) nor
    # "caissière" (c-a-i-s-s-i...).
    found = search(editor_session, "caisse")
    assert FIXTURE[0][4] in found and FIXTURE[2][4] in found
    assert FIXTURE[1][4] not in found
    assert search(editor_session, "caiss") == [FIXTURE[2][4], FIXTURE[0][4], FIXTURE[1][4]]
    assert search(editor_session, "aisse") == []
    assert search(editor_session, "livraisons") == []  # longer than any word stored


def test_search_needs_every_word(editor_session):
    add_responses(editor_session)
    assert search(editor_session, "delai attente") == [FIXTURE[0][4]]
    assert search(editor_session, "delai pizza") == []


@pytest.mark.parametrize("query", ['"', "*", "AND", "a OR", "NEAR(", "col:x", "-", "(", "'"])
def test_search_syntax_characters_are_literal(editor_session, query):
    add_responses(editor_session)
    cm.list_comments(editor_session, search=query)  # no FTS5 syntax error


def test_detractors_come_first_then_newest(editor_session):
    add_responses(editor_session)
    groups = [c["group"] for c in cm.list_comments(editor_session)["comments"]]
    assert groups == ["detractor"] * 3 + ["passive"] * 2 + ["promoter"] * 2 + ["none"]
    dates = [c["date"] for c in cm.list_comments(editor_session, group="detractor")["comments"]]
    assert dates == ["2026-03-05", "2026-02-03", "2026-01-10"]
    newest = cm.list_comments(editor_session, order="newest")["comments"]
    assert [c["date"] for c in newest][:2] == ["2026-05-02", "2026-04-20"]


def test_filters_and_counts(editor_session):
    add_responses(editor_session)
    assert cm.count_comments(editor_session) == 8  # the response without a comment is not one
    assert cm.count_comments(editor_session, segment="pro") == 3
    assert cm.count_comments(editor_session, channel="store", group="detractor") == 2
    assert cm.count_comments(editor_session, period="2026-Q1") == 5
    assert cm.count_comments(editor_session, date_from="2026-04-15", date_to="2026-04-20") == 2
    assert cm.count_comments(editor_session, group="none") == 1
    with pytest.raises(ValidationError, match="group"):
        cm.count_comments(editor_session, group="fans")
    with pytest.raises(ValidationError, match="period"):
        cm.count_comments(editor_session, period="spring")


def test_paging_returns_every_comment_once(editor_session):
    add_responses(editor_session)
    seen = []
    for offset in range(0, 8, 3):
        page = cm.list_comments(editor_session, limit=3, offset=offset)
        assert page["total"] == 8
        seen += [c["id"] for c in page["comments"]]
    assert len(seen) == len(set(seen)) == 8
    with pytest.raises(ValidationError, match="page"):
        cm.list_comments(editor_session, limit=0)
    with pytest.raises(ValidationError, match="page"):
        cm.list_comments(editor_session, offset=-1)


def test_first_page_reads_the_partial_index(editor_session):
    add_responses(editor_session)
    for where, params in (cm._where(editor_session), cm._where(editor_session, segment="pro")):
        plan = " ".join(r[3] for r in editor_session.db.execute(
            f"explain query plan select r.id from responses r where {where} "
            f"order by {cm.ORDERS['detractors']} limit 50", params))
        assert "idx_comments_group" in plan and "TEMP B-TREE" not in plan
    plan = " ".join(r[3] for r in editor_session.db.execute(
        f"explain query plan select r.id from responses r where r.comment is not null "
        f"order by {cm.ORDERS['newest']} limit 50"))
    assert "idx_comments_date" in plan and "TEMP B-TREE" not in plan


# ---- the index follows every write ----------------------------------------------------------

def test_index_follows_edits_and_deletes(editor_session):
    ids = add_responses(editor_session)
    db = editor_session.db
    db.execute("update responses set comment = 'Parking introuvable' where id = ?", [ids[0]])
    assert search(editor_session, "delai") == [FIXTURE[6][4]]
    assert search(editor_session, "parking") == ["Parking introuvable"]
    db.execute("update responses set comment = null where id = ?", [ids[0]])
    assert search(editor_session, "parking") == []
    db.execute("update responses set comment = 'Parking plein' where id = ?", [ids[-1]])
    assert search(editor_session, "parking") == ["Parking plein"]
    db.execute("delete from responses where id = ?", [ids[-1]])
    assert search(editor_session, "parking") == []
    db.execute("update responses set nps = 3 where id = ?", [ids[1]])  # not the comment
    assert search(editor_session, "accueil") == [FIXTURE[1][4]]
    assert db.execute("insert into responses_fts(responses_fts) values('integrity-check')")


RESPONSES_CSV = ("date,nps,comment\n2026-01-05,3,Délai trop long à la caisse\n"
                 "2026-01-06,10,Parfait\n2026-01-07,8,\n").encode()


def test_import_and_undo_keep_the_index_in_step(editor_session):
    result = im.commit_import(editor_session, im.prepare_import(
        "responses", RESPONSES_CSV, known_customer_ids=editor_session))
    assert result.inserted == 3  # the index rows its trigger writes are not counted
    assert search(editor_session, "delai") == ["Délai trop long à la caisse"]
    cm.tag_comments(editor_session, [cm.list_comments(editor_session)["comments"][0]["id"]],
                    "waiting")
    docs = editor_session.db.execute("select count(*) from responses_fts_docsize").fetchone()[0]
    assert docs == 2  # only the two rows with a comment are indexed
    im.undo_import(editor_session, result.batch_id)
    assert search(editor_session, "delai") == []
    assert editor_session.db.execute("select count(*) from response_tags").fetchone()[0] == 0
    assert editor_session.db.execute(
        "select count(*) from responses_fts_docsize").fetchone()[0] == 0


# ---- tags -----------------------------------------------------------------------------------

def test_hand_tags_one_at_a_time_and_in_bulk(editor_session, viewer_session):
    ids = add_responses(editor_session)
    assert cm.tag_comments(editor_session, [ids[0]], "Waiting   Time") == 1
    assert cm.tag_comments(editor_session, [ids[0]], "waiting time") == 0  # already there
    assert cm.tag_matching(editor_session, "checkout", search="caisse") == 2
    assert cm.count_comments(editor_session, tag="checkout") == 2
    assert cm.list_comments(editor_session, tag="waiting time")["comments"][0]["tags"] == [
        "checkout", "waiting time"]
    assert cm.untag_comments(editor_session, [ids[0]], "checkout") == 1
    assert cm.count_comments(editor_session, tag="checkout") == 1
    with pytest.raises(PermissionDenied):
        cm.tag_comments(viewer_session, [ids[0]], "x")
    with pytest.raises(PermissionDenied):
        cm.tag_matching(viewer_session, "x")
    with pytest.raises(ValidationError, match="no comment with id 999"):
        cm.tag_comments(editor_session, [ids[0], 999], "x")
    with pytest.raises(ValidationError, match="no comment"):
        cm.tag_comments(editor_session, [ids[-1]], "x")  # the response without a comment
    with pytest.raises(ValidationError, match="longer than 40"):
        cm.tag_comments(editor_session, [ids[0]], "x" * 41)
    with pytest.raises(ValidationError, match="exactly one tag"):
        cm.tag_comments(editor_session, [ids[0]], "a, b")
    assert cm.count_comments(editor_session, tag="x") == 0


def test_rules_tag_old_and_new_comments_and_are_checked(editor_session, viewer_session):
    add_responses(editor_session)
    rule = cm.add_rule(editor_session, "  délai ", "Waiting")
    cm.add_rule(editor_session, "temps d'attente", "waiting")
    assert [c["comment"] for c in cm.list_comments(editor_session, tag="waiting")["comments"]] \
        == [FIXTURE[0][4], FIXTURE[6][4]]  # délai, Délais
    add_responses(editor_session, [("2026-06-01", 3, "retail", "web",
                                    "Le temps d’attente au téléphone !")])
    page = cm.list_comments(editor_session, tag="waiting")
    assert page["total"] == 3
    assert all("waiting" in c["tags"] for c in page["comments"])
    assert {t["tag"]: t["comments"] for t in cm.all_themes(editor_session)} == {"waiting": 3}
    with pytest.raises(ValidationError, match="already exists"):
        cm.add_rule(editor_session, "délai", "waiting")
    with pytest.raises(ValidationError, match="at least one word"):
        cm.add_rule(editor_session, " -- ", "waiting")
    with pytest.raises(ValidationError, match="limit is 100"):
        cm.add_rule(editor_session, "mot " * 30, "waiting")
    with pytest.raises(PermissionDenied):
        cm.add_rule(viewer_session, "prix", "price")
    cm.delete_rule(editor_session, rule)
    assert cm.count_comments(editor_session, tag="waiting") == 1
    with pytest.raises(PermissionDenied):
        cm.delete_rule(viewer_session, rule)


#: Letters, accents and punctuation of the four languages the product supports.
LATIN = "abcdeilnorstuyzABCDEÉÈéèêëàâäçîïôöùûüñßÄÖÜ019' -.,!?;’«»"


@given(st.text(LATIN, max_size=30), st.text(LATIN, max_size=80))
@settings(max_examples=200, deadline=None)
def test_python_phrase_match_agrees_with_fts5(pattern, text):
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute(f"create virtual table t using fts5(c, tokenize='{cm.TOKENIZER}')")
    conn.execute("insert into t (rowid, c) values (1, ?)", [text])
    query = tags.phrase_query(pattern)
    if query is None:
        assert not tags.phrase_matches(pattern, text)
        return
    fts = bool(conn.execute("select 1 from t where t match ?", [query]).fetchall())
    assert tags.phrase_matches(pattern, text) == fts


# ---- themes ---------------------------------------------------------------------------------

def test_theme_stats_per_quarter_with_gaps_and_noise(editor_session):
    ids = add_responses(editor_session)
    cm.tag_comments(editor_session, [ids[0], ids[2], ids[6]], "wait")  # Q1: 2 det; Q2: 1 pas
    rows = cm.theme_stats(editor_session, "quarter")
    assert [r["period"] for r in rows] == ["2026-Q1", "2026-Q2"]
    q1, q2 = rows
    assert (q1["comments"], q1["period_comments"], q1["detractors"], q1["promoters"]) == (2, 5,
                                                                                         2, 0)
    assert q1["share_pct"] == pytest.approx(40.0)
    assert q1["nps"] == pytest.approx(-100.0) and q1["too_few"]
    assert q1["low"] < -50 < q1["high"]  # two answers: the interval is wide
    assert (q2["comments"], q2["period_comments"], q2["passives"]) == (1, 3, 1)
    assert q2["nps"] == pytest.approx(0.0)


def test_theme_stats_keeps_empty_periods(editor_session):
    ids = add_responses(editor_session, [("2026-01-05", 9, None, None, "bien"),
                                         ("2026-07-05", 3, None, None, "mal")])
    cm.tag_comments(editor_session, ids, "all")
    rows = cm.theme_stats(editor_session, "quarter")
    assert [r["period"] for r in rows] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert rows[1]["comments"] == 0 and rows[1]["nps"] is None and rows[1]["share_pct"] is None
    assert cm.period_labels("2025-11", "2026-02", "month") == ["2025-11", "2025-12", "2026-01",
                                                               "2026-02"]
    with pytest.raises(ValidationError):
        cm.theme_stats(editor_session, "week")


def test_copy_setup_copies_the_rules_not_the_tags(accounts, editor_session):
    from cxcore import reuse
    from cxcore import workspace as wsmod

    add_responses(editor_session)
    cm.add_rule(editor_session, "délai", "waiting")
    cm.tag_comments(editor_session, [cm.list_comments(editor_session)["comments"][0]["id"]],
                    "by hand")
    other = accounts.create_workspace("Globex", by="owner")
    accounts.set_member(other.id, "editor", "editor", by="owner")
    target = wsmod.open_session(accounts, other.id, "editor")
    try:
        cm.add_rule(target, "prix", "price")
        assert reuse.copy_setup(editor_session, target, {"tag_rules"}) == {"tag_rules": 1}
        assert reuse.copy_setup(editor_session, target, {"tag_rules"}) == {"tag_rules": 0}
        assert [(r["pattern"], r["tag"]) for r in cm.list_rules(target)] == [
            ("prix", "price"), ("délai", "waiting")]
        assert target.db.execute("select count(*) from response_tags").fetchone()[0] == 0
    finally:
        target.close()
