"""Real quotes in the report, PDF text, deck and presentation: survey comments and interview
quotes chosen by theme and journey step, names only when the owner switches them on, e-mail
addresses never."""

from __future__ import annotations

import io

import pytest

from cxcore import comments as cm
from cxcore import interviews as iv
from cxcore import privacy, quotes, report, report_model, reuse, slides
from cxcore import workspace as wsmod
from cxcore.errors import PermissionDenied, ValidationError

from .conftest import plain


@pytest.fixture
def voices(editor_session):
    """Two named customers with comments on two themes, and an interview with a name."""
    db = editor_session.db
    with db.atomic():
        db["customers"].insert_all([
            {"id": "c1", "name": "Zoé Martin", "segment": "retail", "churned": 0},
            {"id": "c2", "name": "Paul paul.d@example.com", "segment": "pro", "churned": 0}])
        db["responses"].insert_all([
            {"customer_id": "c1", "date": "2026-01-05", "nps": 2, "segment": "retail",
             "comment": "Trop d'attente à la caisse ce samedi", "row_hash": "a"},
            {"customer_id": "c2", "date": "2026-01-06", "nps": 10, "segment": "pro",
             "comment": "Livraison rapide, écrivez à paul.d@example.com", "row_hash": "b"},
            {"date": "2026-01-07", "nps": 8, "comment": "Rien de spécial à signaler ici",
             "row_hash": "c"}])
    cm.add_rule(editor_session, "caisse", "checkout")
    cm.add_rule(editor_session, "livraison", "delivery")
    iv.create_interview(editor_session, {
        "kind": "customer", "date": "2026-01-09", "interviewee": "Hortense Vidal",
        "role_segment": "retail", "sentiment": "positive", "tags": "staff",
        "key_quotes": "The staff remembered my name"})
    return editor_session


def test_report_quotes_by_theme_with_report_fields(voices):
    got = quotes.report_quotes(voices, 6)
    by_text = {q["quote"]: q for q in got}
    # one per theme first (each theme's own quote), then the others; each one exactly as stored
    assert [q["theme"] for q in got[:3]] == ["checkout", "delivery", "staff"]
    assert set(by_text) == {"Trop d'attente à la caisse ce samedi",
                            "Livraison rapide, écrivez à [e-mail hidden]",
                            "The staff remembered my name", "Rien de spécial à signaler ici"}
    caisse = by_text["Trop d'attente à la caisse ce samedi"]
    assert (caisse["kind"], caisse["role_segment"], caisse["sentiment"], caisse["date"]) == (
        "survey comment", "retail", "negative", "2026-01-05")
    assert by_text["Rien de spécial à signaler ici"]["sentiment"] == "neutral"
    staff = by_text["The staff remembered my name"]
    assert (staff["kind"], staff["role_segment"], staff["sentiment"]) == (
        "customer interview", "retail", "positive")
    assert len(quotes.report_quotes(voices, 2)) == 2


def test_names_hidden_by_default_and_shown_when_the_owner_says(voices, owner_session):
    assert privacy.show_names(voices) is False
    html = report.program_report_html(voices, period="all")
    for name in ("Zoé Martin", "Hortense Vidal", "Paul"):
        assert name not in html
    assert "names left out" in html and "Trop d&#x27;attente à la caisse" in html
    with pytest.raises(PermissionDenied):
        privacy.set_show_names(voices, True)  # an editor may not
    with pytest.raises(ValidationError, match="true or false"):
        privacy.set_show_names(owner_session, "yes")
    privacy.set_show_names(owner_session, True)
    assert privacy.show_names(voices) is True
    who = {q["quote"]: q["role_segment"] for q in quotes.report_quotes(voices, 6)}
    assert who["Trop d'attente à la caisse ce samedi"] == "Zoé Martin, retail"
    assert who["The staff remembered my name"] == "Hortense Vidal, retail"
    assert who["Livraison rapide, écrivez à [e-mail hidden]"] == "Paul [e-mail hidden], pro"
    html = report.program_report_html(voices, period="all")
    assert "Zoé Martin" in html and "Hortense Vidal" in html and "@example" not in html
    activity = voices.db.execute("select action, entity_id from activity where entity_id = ?",
                                 [privacy.NAMES_SETTING]).fetchall()
    assert activity == [("set", privacy.NAMES_SETTING)]


def _deck_text(session) -> str:
    from pptx import Presentation

    prs = Presentation(io.BytesIO(report_model.render(session, "pptx", period="all")))
    return " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes
                    if sh.has_text_frame)


def test_deck_and_presentation_follow_the_setting(voices, owner_session):
    text = _deck_text(voices)
    assert "Trop d'attente à la caisse ce samedi" in text and "survey comment" in text
    assert "survey comments and said in interviews" in text and "names left out" in text
    assert "Zoé" not in text and "Hortense" not in text and "@example" not in text
    model = report_model.build(voices, period="all")
    deck = slides.build_slides(voices, model)
    wall = next(s for s in deck if s["kind"] == "quotes")["html"]
    assert "Zoé" not in wall and "Trop d&#x27;attente" in wall
    privacy.set_show_names(owner_session, True)
    text = _deck_text(voices)
    assert "Zoé Martin" in text and "names as the owner chose" in text
    assert "@example" not in text
    model = report_model.build(voices, period="all")
    wall = next(s for s in slides.build_slides(voices, model) if s["kind"] == "quotes")["html"]
    assert "Zoé Martin" in wall and "@example" not in wall


def test_copy_setup_never_carries_the_names_choice(accounts, owner_session):
    privacy.set_show_names(owner_session, True)
    other = accounts.create_workspace("Globex", by="owner")
    target = wsmod.open_session(accounts, other.id, "owner")
    try:
        reuse.copy_setup(owner_session, target, set(reuse.REUSABLE))
        assert privacy.show_names(target) is False
    finally:
        target.close()


def test_branding_page_names_toggle_is_for_owners(app_page, owner_session, voices):
    at = app_page("pages/branding.py", user="editor")
    assert not at.exception and not [t for t in at.toggle if t.key == "brand_show_names"]
    assert any("owners decide" in plain(c.value) for c in at.caption)
    at = app_page("pages/branding.py", user="owner")
    at.toggle(key="brand_show_names").set_value(True).run()
    assert not at.exception
    assert privacy.show_names(owner_session) is True


def test_quote_wall_follows_the_setting(app_page, owner_session, voices):
    def wall_text(at) -> str:
        return " ".join(plain(c.value) for c in at.caption)

    at = app_page("pages/interviews.py", user="viewer")
    assert not at.exception
    assert "Hortense" not in wall_text(at) and "names hidden" in wall_text(at)
    privacy.set_show_names(owner_session, True)
    at = app_page("pages/interviews.py", user="viewer")
    assert "Hortense Vidal" in wall_text(at) and "Zoé Martin" in wall_text(at)
    assert "@example" not in wall_text(at)
