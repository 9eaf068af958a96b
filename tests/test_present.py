"""The slide view: slides from the report model (cxcore.slides) and the Present page."""

from __future__ import annotations

import re
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
    # dates as the workspace's pages write them, never ISO
    assert "Since Q3 review on 15 Oct 2026" in deck[1]["html"]
    assert not [s["kind"] for s in deck if re.search(r"\d{4}-\d{2}-\d{2}", s["html"])]


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


def test_controls_take_the_brand_colours_with_readable_text():
    brand = {"primary": "#5a1e6e", "accent": "#e07a1f"}
    c = slides.control_colours(brand)
    # Next: filled purple with white text (11.4:1); the others: purple text on white
    assert (c["main_bg"], c["main_text"]) == ("#5a1e6e", "#ffffff")
    assert (c["other_bg"], c["other_text"]) == ("#ffffff", "#5a1e6e")
    # hovered: orange, whose readable text is the dark ink (5.2:1; white would be 3.2:1)
    assert (c["hover_bg"], c["hover_text"]) == ("#e07a1f", "#1d2433")
    assert c["ring"] == "#e07a1f"  # 3.0:1 on white, enough for an outline
    css = slides.controls_css(brand)
    assert "data-testid" not in css
    for key in slides.CONTROL_KEYS.values():
        assert f".st-key-{key}" in css
    assert ".st-key-present_next button, .st-key-present_next button:disabled { background: " \
           "#5a1e6e;\n  color: #ffffff;" in css


def test_light_brand_colours_are_darkened_where_they_are_text():
    c = slides.control_colours({"primary": "#ffee88", "accent": "#fff3b0"})
    assert c["main_text"] == "#1d2433"  # dark text on the pale yellow button
    for text, background in ((c["main_text"], c["main_bg"]), (c["other_text"], c["other_bg"]),
                             (c["hover_text"], c["hover_bg"]), (c["count_text"], "#ffffff")):
        assert branding.contrast(text, background) >= 4.5, (text, background)
    assert branding.contrast(c["ring"], "#ffffff") >= 3.0
    css = slides.slide_css({"primary": "#ffee88", "accent": "#fff3b0", "footer": ""})
    assert "color: #807744;" in css  # the slide title in a legible shade of the yellow
