"""Browser test of the Drivers page: a survey with rating questions, a label outcome chosen in
the page, the weights with their intervals and the importance × performance quadrant."""

from __future__ import annotations

import pytest

from cxcore import attributes
from cxcore import journeys as jr
from cxcore.accounts import Accounts
from cxcore.workspace import open_session

from .browser_support import (
    ARTIFACTS,
    browser_page,
    errors_shown,
    open_page,
    screenshot,
    sign_in,
    streamlit_server,
    wait_for_app,
)
from .test_key_drivers import build_survey

pytestmark = pytest.mark.browser


def test_pick_a_label_outcome_and_see_the_quadrant(acme_data):
    acc = Accounts.open(acme_data)
    info = acc.find_workspace("Acme")
    session = open_session(acc, info.id, "owner")
    ids = build_survey(session.db, n=1500)
    journey = jr.create_journey(session, "Support")
    step = jr.add_step(session, journey, "Use the app")
    with session.db.atomic():
        attributes.link_step(session.db, ids["app"], step)
    session.close()
    acc.close()
    with streamlit_server(acme_data) as url, browser_page(height=1100) as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", "correct-horse-1")
        open_page(page, "Drivers")
        page.get_by_text("Dashed lines: the average share", exact=False).wait_for()
        page.get_by_test_id("stSelectbox").filter(has_text="What to explain").click()
        page.get_by_role("option", name="Overall = satisfied", exact=True).click()
        wait_for_app(page)
        page.get_by_text("What explains overall = satisfied").first.wait_for(state="attached")
        page.get_by_text("yes/no label coded 1/0", exact=False).wait_for()
        page.get_by_text("Fix first:", exact=False).first.wait_for()
        assert errors_shown(page) == []
        charts = page.locator("[data-testid='stVegaLiteChart']")
        assert charts.count() >= 2
        screenshot(page, "drivers-01-label-outcome-quadrant")
        # What a user sees on screen at the quadrant, without stretching the window.
        caption = page.get_by_text("Dashed lines: the average share", exact=False)
        caption.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "drivers-02-quadrant-on-screen.png"))
