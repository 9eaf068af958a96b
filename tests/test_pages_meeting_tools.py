"""AppTests of the meeting tools: Branding, Meetings and Compare clients."""

from __future__ import annotations

from datetime import date, timedelta

from cxcore import branding, meetings

from .conftest import plain

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><script>x()</script>'
       b'<rect width="20" height="10" fill="#0a0"/></svg>')


def button(at, label):
    return next(b for b in at.button if b.label == label)


# ---- branding -----------------------------------------------------------------------------------

def test_branding_form_saves_colours_and_footer(app_page, owner_session):
    at = app_page("pages/branding.py", user="editor")
    assert not at.exception
    at.color_picker(key="brand_primary").pick("#aa3300")
    at.text_input(key="brand_footer").input("Prepared by <b>North Star</b>")
    at.button(key="FormSubmitter:branding_form-Save colours and footer").click().run()
    assert not at.exception
    b = branding.branding(owner_session)
    assert (b["primary"], b["footer"]) == ("#aa3300", "Prepared by <b>North Star</b>")
    # the preview shows the footer as text, not markup
    preview = at.get("html")[0].proto.body
    assert "Prepared by &lt;b&gt;North Star&lt;/b&gt;" in preview and "#aa3300" in preview


def test_branding_viewer_sees_preview_only(app_page):
    at = app_page("pages/branding.py", user="viewer")
    assert not at.exception
    assert not at.get("color_picker") and not at.button
    assert any("Editors and owners" in plain(i.value) for i in at.info)


def test_branding_reset_and_logo_shown(app_page, owner_session):
    branding.set_logo(owner_session, SVG, "logo.svg")
    at = app_page("pages/branding.py", user="owner")
    preview = at.get("html")[0].proto.body
    assert "data:image/svg+xml;base64," in preview
    button(at, "Remove the logo").click().run()
    assert not at.exception
    assert branding.branding(owner_session)["logo"] is None


# ---- meetings -----------------------------------------------------------------------------------

def test_meeting_saved_through_the_form(app_page, owner_session):
    at = app_page("pages/meetings.py", user="editor")
    assert not at.exception
    assert any("No meeting saved yet" in plain(i.value) for i in at.info)
    at.text_input(key="meeting_title").input("Quarterly review")
    at.text_input(key="meeting_attendees").input("Ann, Bob")
    at.button(key="FormSubmitter:meeting_form-Save meeting").click().run()
    assert not at.exception
    saved = meetings.list_meetings(owner_session)
    assert [(m["title"], m["attendees"]) for m in saved] == [("Quarterly review", "Ann, Bob")]


def test_meeting_without_title_is_refused(app_page, owner_session):
    at = app_page("pages/meetings.py", user="editor")
    at.button(key="FormSubmitter:meeting_form-Save meeting").click().run()
    assert any("title: is required" in plain(e.value) for e in at.error)
    assert meetings.list_meetings(owner_session) == []


def test_since_last_meeting_summary(app_page, owner_session):
    meetings.add_meeting(owner_session, date.today() - timedelta(days=30), "Last month")
    at = app_page("pages/meetings.py", user="viewer")
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels == ["Actions opened", "Actions closed", "Overdue now", "New interviews"]
    text = " ".join(plain(m.value) for m in at.markdown)
    assert "Actions: 0 opened, 0 closed, 0 overdue now." in text
    assert not at.get("form")  # viewers can't save meetings
    assert len(at.get("download_button")) == 3


# ---- compare clients ----------------------------------------------------------------------------

def test_compare_lists_every_workspace_and_anonymises(app_page, accounts, workspace):
    from cxcore import demo

    demo.create_demo_workspace(accounts, owner="owner")
    accounts.create_workspace("Globex", by="owner")
    at = app_page("pages/compare.py", user="owner")
    assert not at.exception
    frame = at.dataframe[0].value
    assert set(frame["Client"]) == {"Acme", "Brightside Appliances (demo)", "Globex"}
    demo_row = frame[frame["Client"] == "Brightside Appliances (demo)"].iloc[0]
    assert demo_row["NPS 95 % interval"].count(" to ") == 1
    acme = frame[frame["Client"] == "Acme"].iloc[0]
    assert (acme["NPS 95 % interval"], acme["NPS"]) == ("no data", "no data")
    assert acme["Period"] == "no dated data yet"
    assert demo_row["Period"].startswith("20")  # its own latest complete quarter
    at.toggle(key="compare_anonymise").set_value(True).run()
    assert not at.exception
    names = list(at.dataframe[0].value["Client"])
    assert "Acme" in names and "Globex" not in names
    assert sorted(n for n in names if n != "Acme") == ["Client A", "Client B"]


def test_compare_each_latest_or_the_same_period(app_page, accounts, workspace, owner_session):
    from cxcore import workspace as wsmod

    # Acme answered in 2026-Q2 (NPS: 2 promoters, 1 detractor = +33); Globex in 2025-Q1 only
    owner_session.db["responses"].insert_all(
        {"date": d, "nps": n, "row_hash": f"a{i}"}
        for i, (d, n) in enumerate([("2026-04-02", 10), ("2026-05-02", 9), ("2026-06-30", 2)]))
    globex = accounts.create_workspace("Globex", by="owner")
    session = wsmod.open_session(accounts, globex.id, "owner")
    session.db["responses"].insert_all(
        {"date": d, "nps": n, "row_hash": f"g{i}"}
        for i, (d, n) in enumerate([("2025-01-02", 10), ("2025-03-31", 7)]))
    session.close()
    at = app_page("pages/compare.py", user="owner")
    assert not at.exception
    frame = at.dataframe[0].value.set_index("Client")
    assert frame.loc["Acme", "Period"] == "2026-Q2" and frame.loc["Acme", "NPS"] == "+33"
    assert frame.loc["Globex", "Period"] == "2025-Q1" and frame.loc["Globex", "NPS"] == "+50"
    assert any("each client's latest complete quarter" in c.value for c in at.caption)
    at.radio(key="compare_mode").set_value("same").run()
    assert not at.exception
    at.selectbox(key="compare_period_quarter").set_value("2026-Q2").run()
    frame = at.dataframe[0].value.set_index("Client")
    assert frame.loc["Acme", "NPS"] == "+33"
    assert frame.loc["Globex", "NPS"] == "no data"
    assert frame.loc["Globex", "Period"] == "not covered (data: 2 Jan 2025 to 31 Mar 2025)"


def test_compare_shows_only_the_users_workspaces(app_page, accounts, workspace):
    accounts.create_workspace("Secret client", by="owner")
    at = app_page("pages/compare.py", user="viewer")
    assert not at.exception
    assert list(at.dataframe[0].value["Client"]) == ["Acme"]
    assert any("nothing to compare" in plain(i.value) for i in at.info)
