"""AppTest of the Comments, Follow-ups and Customer pages: search, tag, themes, follow-up,
the customer's story, and what viewers and editors may not do."""

from __future__ import annotations

import pandas as pd

from cxcore import comments as cm
from cxcore import followups as fu
from cxcore import interviews as iv

from .conftest import plain


def seed(session) -> dict:
    db = session.db
    with db.atomic():
        db["customers"].insert_all([
            {"id": "c1", "name": "Zoé Martin", "segment": "retail", "start_date": "2025-01-01",
             "churned": 0},
            {"id": "c2", "name": "Paul", "segment": "pro", "start_date": "2025-02-01",
             "churned": 0}])
        rows = [("c1", "2026-01-10", 2, "Le délai d'attente aux caisses est trop long"),
                ("c2", "2026-02-11", 9, "Caissière très aimable"),
                ("c1", "2026-04-12", 10, "Livraison rapide, merci"),
                (None, "2026-04-13", 5, "Une seule caisse ouverte")]
        ids = [db["responses"].insert({"customer_id": c, "date": d, "nps": n, "comment": t,
                                       "segment": "retail", "row_hash": str(i)}).last_pk
               for i, (c, d, n, t) in enumerate(rows)]
        db["revenue_events"].insert({"customer_id": "c1", "date": "2025-01-01", "amount": 80.0,
                                     "kind": "new"})
    return {"ids": ids}


def texts(at) -> str:
    parts = [t.value for t in at.text] + [c.value for c in at.caption] + [
        m.value for m in at.markdown]
    return "\n".join(plain(str(p)) for p in parts)


def button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def link_column(at, name: str = "Customer") -> dict:
    """The column config a table's ``name`` column was drawn with."""
    import json

    return json.loads(at.dataframe[0].proto.columns)[name]


def test_comments_search_and_tag_all(app_page, editor_session):
    seed(editor_session)
    at = app_page("pages/comments.py", user="editor")
    assert not at.exception
    assert at.title[0].value == "Survey comments"
    assert "4 comments found" in texts(at)
    at.text_input(key="cm_search").set_value("caisse").run()
    assert "2 comments found" in texts(at)
    frame = at.dataframe[0].value
    assert list(frame["Comment"]) == ["Une seule caisse ouverte",
                                      "Le délai d'attente aux caisses est trop long"]
    ws = editor_session.info.id
    assert [None if pd.isna(x) else x for x in frame["Customer"]] == [
        None, f"/customer?id=c1&ws={ws}"]
    assert link_column(at)["type_config"]["type"] == "link"  # a link to the customer's page
    at.text_input(key="cm_new_tag").set_value("Checkout").run()
    button(at, "Tag all 2").click().run()
    assert not at.exception
    assert cm.count_comments(editor_session, tag="checkout") == 2
    assert "checkout" in at.dataframe[0].value["Themes"].iloc[0]


def test_comments_rules_themes_and_words(app_page, editor_session):
    seed(editor_session)
    at = app_page("pages/comments.py", user="editor")
    at.text_input(key="cm_search").set_value("")
    form_inputs = [t for t in at.text_input if t.label in ("Keyword or phrase", "Theme")]
    form_inputs[0].set_value("caisse")
    form_inputs[1].set_value("checkout")
    next(b for b in at.button if b.label == "Add rule").click().run()
    assert not at.exception
    assert [r["pattern"] for r in cm.list_rules(editor_session)] == ["caisse"]
    assert any("“caisse” → checkout" in t.value for t in at.text)
    assert len(at.get("vega_lite_chart")) == 2  # themes share and NPS by theme
    assert "Among the 4 newest comments matching the filters" in texts(at)
    assert "French stop words left out" in texts(at)


def test_viewer_reads_comments_but_cannot_tag(app_page, editor_session):
    seed(editor_session)
    at = app_page("pages/comments.py", user="viewer")
    assert not at.exception
    labels = {b.label for b in at.button}
    assert not any(label.startswith("Tag ") for label in labels)
    assert "Add rule" not in labels


def test_follow_up_page_updates_a_detractor(app_page, editor_session):
    ids = seed(editor_session)["ids"]
    at = app_page("pages/follow_ups.py", user="editor")
    assert not at.exception
    assert [m.value for m in at.metric][:2] == ["2", "0 %"]
    assert "2 follow-ups" in texts(at)
    at.selectbox(key="fu_open").set_value(ids[0]).run()
    at.text_input(key=f"fu_o_{ids[0]}").set_value("ann")
    at.selectbox(key=f"fu_s_{ids[0]}").set_value("contacted")
    at.text_area(key=f"fu_n_{ids[0]}").set_value("Called back")
    next(b for b in at.button if b.label == "Save follow-up").click().run()
    assert not at.exception
    got = fu.get_follow_up(editor_session, ids[0])
    assert (got["owner"], got["status"], got["note"]) == ("ann", "contacted", "Called back")
    assert [m.value for m in at.metric][1] == "50 %"


def test_viewer_sees_the_inbox_without_a_form(app_page, editor_session):
    seed(editor_session)
    at = app_page("pages/follow_ups.py", user="viewer")
    assert not at.exception
    assert "Save follow-up" not in {b.label for b in at.button}


def test_customer_page_shows_the_story(app_page, editor_session):
    seed(editor_session)
    iv.create_interview(editor_session, {"kind": "customer", "date": "2026-03-01",
                                          "interviewee": "Zoé", "customer_id": "c1",
                                          "key_quotes": "Il faut plus de caisses"})
    at = app_page("pages/customer.py", user="editor", run=False)
    at.query_params["id"] = "c1"
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "c1 · Zoé Martin"
    assert [m.value for m in at.metric][:3] == ["retail", "—", "$80.00"]
    # dates the app's way, plurals in words
    assert "Customer since 1 Jan 2025; has referred nobody yet." in texts(at)
    assert link_column(at, "Date")["type_config"]["type"] == "date"
    assert link_column(at, "Date")["type_config"]["format"] == "D MMM YYYY"
    assert "Customer interview on 1 Mar 2026" in texts(at)
    timeline = at.dataframe[0].value
    assert list(timeline["What"])[:2] == ["survey answer", "interview"]
    assert "detractor → promoter" in texts(at)
    assert "Il faut plus de caisses" in texts(at)
    assert "Erase this customer" not in {b.label for b in at.button}  # owners only


def test_owner_erases_a_customer(app_page, owner_session):
    seed(owner_session)
    at = app_page("pages/customer.py", user="owner", run=False)
    at.query_params["id"] = "c2"
    at.run()
    assert "Customer since 1 Feb 2025; has referred nobody yet." in texts(at)
    with owner_session.db.atomic():
        owner_session.db["customers"].update("c2", {"referred_by": "c1"})
    at.query_params["id"] = "c1"
    at.run()
    assert "Customer since 1 Jan 2025; referred 1 customer." in texts(at)
    referrals = next(d for d in at.dataframe if "Since" in d.value)
    assert list(referrals.value["Customer"]) == [f"/customer?id=c2&ws={owner_session.info.id}"]
    erase = next(b for b in at.button if b.label == "Erase this customer")
    assert erase.disabled
    at.text_input(key="cust_confirm_c1").set_value("c1").run()
    next(b for b in at.button if b.label == "Erase this customer").click().run()
    assert not at.exception
    assert "Customer erased" in " ".join(s.value for s in at.success)
    assert cm.list_comments(owner_session, search="delai")["total"] == 0


def test_interview_log_links_to_the_customer(app_page, editor_session):
    seed(editor_session)
    iv.create_interview(editor_session, {"kind": "customer", "date": "2026-03-01",
                                          "interviewee": "Zoé", "customer_id": "c1"})
    at = app_page("pages/interviews.py", user="editor")
    assert not at.exception
    ws = editor_session.info.id
    assert list(at.dataframe[0].value["Customer"]) == [f"/customer?id=c1&ws={ws}"]
    assert link_column(at)["type_config"]["type"] == "link"


def test_scorecard_shows_the_follow_up_tile(app_page, editor_session):
    ids = seed(editor_session)["ids"]
    fu.update_follow_up(editor_session, ids[0], status="resolved")
    at = app_page("pages/scorecard.py", user="viewer", run=False)
    at.query_params["grain"] = "all"
    at.run()
    assert not at.exception
    assert "Closing the loop" in [h.value for h in at.subheader]
    text = " ".join(m.value for m in at.markdown)
    assert "Follow-up rate **50 %** (1 of 2 flagged answers contacted or resolved)" in text


def test_customer_chart_writes_every_date_one_way():
    from cxcore import comment_charts

    spec = comment_charts.customer_nps_chart([
        {"date": "2025-03-01", "nps": 9, "group": "promoter"},
        {"date": "2025-03-08", "nps": 3, "group": "detractor"}]).to_dict()
    line, points = spec["layer"]
    assert line["encoding"]["x"]["axis"]["format"] == "%-d %b %Y"  # "1 Mar 2025", "8 Mar 2025"
    assert points["encoding"]["tooltip"][0]["format"] == "%-d %b %Y"
