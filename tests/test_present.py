"""The slide view: slides from the report model (cxcore.slides) and the Present page."""

from __future__ import annotations

from datetime import date

import pytest

from cxcore import branding, demo, meetings, report_model, slides
from cxcore import workspace as wsmod

from .conftest import signed_in_app

TODAY = date(2026, 11, 20)


@pytest.fixture
def demo_info(accounts):
    info = demo.create_demo_workspace(accounts, owner="owner")
    session = wsmod.open_session(accounts, info.id, "owner")
    meetings.add_meeting(session, "2026-10-15", "Q3 review")
    branding.set_branding(session, footer="By <North Star>")
    session.close()
    return info


def test_slides_cover_groups_findings_maps_actions(accounts, demo_info):
    session = wsmod.open_session(accounts, demo_info.id, "owner")
    try:
        model = report_model.build(session, today=TODAY)
        deck = slides.build_slides(session, model)
    finally:
        session.close()
    kinds = [s["kind"] for s in deck]
    assert kinds[:5] == ["title", "since", "soft", "customers", "revenue"]
    assert kinds.count("finding") == len(model["drivers"]["findings"]) >= 1
    assert "journey" in kinds and kinds[-2:] == ["actions", "quotes"]
    assert all(s["html"].startswith('<section class="cxs">') for s in deck)
    soft = deck[2]["html"]
    assert soft.count('class="cxs-tile"') == 5 and "Customer effort" in soft
    assert "By &lt;North Star&gt;" in deck[3]["html"]  # the footer, escaped
    journey = next(s for s in deck if s["kind"] == "journey")["html"]
    assert '<img src="data:image/svg+xml;base64,' in journey
    css = slides.slide_css(model["branding"])
    assert "data-testid" not in css and "overflow-wrap: anywhere" in css


def test_tile_escapes_and_wraps():
    html = slides.tile("Revenue per customer <b>", "$1", [("cxs-good", "+5 & more")])
    assert "Revenue per customer &lt;b&gt;" in html and "+5 &amp; more" in html


def test_present_page_starts_and_moves(accounts, demo_info):
    at = signed_in_app("app.py", "owner", demo_info.id, timeout=60)
    at.run()
    at.switch_page("pages/present.py").run()
    assert not at.exception
    assert at.title[0].value == "Present"
    at.button(key="present_start").click().run()
    assert not at.exception
    assert at.session_state["_cx_presenting"] is True
    assert not at.sidebar.selectbox  # nothing in the sidebar while presenting
    key = f"present_slide_{demo_info.id}"
    assert at.session_state[key] == 0
    at.button(key="present_next").click().run()
    assert at.session_state[key] == 1
    assert any("2 of" in m.value for m in at.markdown)
    at.button(key="present_prev").click().run()
    assert at.session_state[key] == 0
    at.button(key="present_end").click().run()
    assert not at.exception
    assert at.session_state["_cx_presenting"] is False
    assert at.session_state["workspace_id"] == demo_info.id  # the choice survived
