"""Real quotes by theme and step (never invented, e-mails masked, names hidden); frequent
words and phrases with stop words of four languages."""

from __future__ import annotations

import pytest

from cxcore import comments as cm
from cxcore import interviews as iv
from cxcore import quotes, text_stats
from cxcore.errors import ValidationError


def test_real_quotes_come_from_comments_and_interviews_only(editor_session):
    db = editor_session.db
    with db.atomic():
        for n, (nps, text) in enumerate([
                (2, "Personne à la caisse, écrivez-moi à zoe@example.fr"),
                (10, "Caisse rapide et personnel aimable"),
                (3, "court"),  # too short to quote
                (9, "Rien à dire sur la livraison, parfait")]):
            db["responses"].insert({"date": f"2026-01-0{n + 1}", "nps": nps, "comment": text,
                                    "segment": "retail", "row_hash": str(n)})
    cm.add_rule(editor_session, "caisse", "checkout")
    iv.create_interview(editor_session, {
        "kind": "customer", "date": "2026-01-09", "interviewee": "Zoé Martin",
        "role_segment": "retail", "key_quotes": "La caisse m'a fait attendre\n\nSecond quote",
        "tags": "checkout"})
    got = quotes.real_quotes(editor_session, theme="checkout", limit=10)
    texts = [q["text"] for q in got]
    assert texts == ["La caisse m'a fait attendre", "Personne à la caisse, écrivez-moi à "
                     "[e-mail hidden]", "Second quote", "Caisse rapide et personnel aimable"]
    assert [q["source"] for q in got] == ["customer interview", "survey comment",
                                          "customer interview", "survey comment"]
    assert all("Zoé" not in (q["who"] or "") for q in got)
    named = quotes.real_quotes(editor_session, theme="checkout", hide_names=False,
                               sources=("interview",))
    assert named[0]["who"] == "Zoé Martin, retail"
    every = {q["text"] for q in quotes.real_quotes(editor_session, limit=20)}
    stored = {r[0] for r in db.execute("select comment from responses")} | {
        "La caisse m'a fait attendre", "Second quote"}
    assert {t.replace("[e-mail hidden]", "zoe@example.fr") for t in every} <= stored
    assert "court" not in every
    assert quotes.real_quotes(editor_session, theme="nothing") == []


def test_frequent_words_and_phrases_skip_stop_words():
    texts = ["Le délai d'attente est trop long", "Délai d'attente énorme à la caisse",
             "La caisse est lente", "Très bon accueil"]
    words = text_stats.frequent_terms(texts, n=1)
    assert words["language"] == "fr" and words["comments"] == 4
    assert [(t["term"], t["comments"]) for t in words["terms"]] == [
        ("attente", 2), ("caisse", 2), ("délai", 2)]
    assert words["terms"][0]["share_pct"] == pytest.approx(50.0)
    trigrams = text_stats.frequent_terms(texts, n=3)
    assert [t["term"] for t in trigrams["terms"]] == ["délai d attente"]
    assert text_stats.frequent_terms(texts, n=2)["terms"] == []  # "d" ends every pair
    with pytest.raises(ValidationError):
        text_stats.frequent_terms(texts, n=4)


@pytest.mark.parametrize(("text", "lang"), [
    ("The staff was friendly and the delivery was on time", "en"),
    ("Die Lieferung war pünktlich und der Service ist gut", "de"),
    ("El envío llegó tarde pero el precio es bueno", "es"),
    ("Le personnel est aimable et la livraison rapide", "fr"),
])
def test_language_detection_picks_the_stop_words_in_use(text, lang):
    assert text_stats.detect_language([text]) == lang
    terms = {t["term"] for t in text_stats.frequent_terms([text, text], n=1)["terms"]}
    assert terms and terms.isdisjoint(text_stats.STOP_WORDS[lang])


def test_counts_each_comment_once():
    got = text_stats.frequent_terms(["caisse caisse caisse", "caisse"], n=1, language="fr")
    assert got["terms"] == [{"term": "caisse", "comments": 2, "share_pct": 100.0}]


def test_report_and_deck_never_show_an_email(editor_session):
    from cxcore import report, report_model

    iv.create_interview(editor_session, {
        "kind": "customer", "date": "2026-01-09", "interviewee": "Zoé Martin",
        "key_quotes": "Mail me at zoe.martin@example.fr please"})
    with editor_session.db.atomic():
        editor_session.db["responses"].insert({"date": "2026-01-10", "nps": 2, "row_hash": "x",
                                               "comment": "Reach me: paul@example.com today"})
    html = report.program_report_html(editor_session, period="all")
    assert "@example" not in html and "Zoé Martin" not in html
    assert "[e-mail hidden]" in html
    model = report_model.build(editor_session, period="all")
    assert all("@" not in q["quote"] for q in model["quotes"])
