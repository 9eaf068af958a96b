"""Browser test of the voice of the customer: search comments, tag the results, see the theme
chart, take a detractor's follow-up, and open the customer's page from it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from cxcore import comments as cm
from cxcore import followups as fu
from cxcore import workspace as wsmod
from cxcore.accounts import Accounts

from .browser_support import (
    browser_page,
    enter_text,
    errors_shown,
    open_page,
    screenshot,
    sign_in,
    streamlit_server,
    wait_for_app,
)
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

COMMENTS = [
    ("c1", "2026-01-10", 2, "Le délai d'attente aux caisses est beaucoup trop long"),
    ("c2", "2026-02-11", 9, "Caissière très aimable et souriante"),
    ("c1", "2026-04-12", 10, "Livraison rapide, merci beaucoup"),
    ("c2", "2026-05-13", 5, "Une seule caisse ouverte un samedi"),
    ("c2", "2026-06-02", 8, "Bon choix de plantes, conseil utile"),
]


def session_on(data):
    acc = Accounts.open(data)
    return acc, wsmod.open_session(acc, acc.find_workspace("Acme").id, "owner")


def read(data, fn):
    acc, session = session_on(data)
    try:
        return fn(session)
    finally:
        session.close()
        acc.close()


def stored(data, fn, what: str, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while not (value := read(data, fn)):
        assert time.monotonic() < deadline, f"not stored: {what}"
        time.sleep(0.2)
    return value


def go(page, title: str) -> None:
    """Open a page from the sidebar, first showing every page if the menu is folded."""
    more = page.get_by_test_id("stSidebarNavViewButton")
    if more.count() and "more" in more.inner_text():
        more.click()
    open_page(page, title)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox ``label`` (its list can miss the first click while
    the page settles on a loaded machine, so open it again until the option shows)."""
    wait_for_app(page)
    box = page.get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        box.click()
        try:
            wanted.wait_for(timeout=4000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    wanted.click()


def seed(data) -> None:
    acc, session = session_on(data)
    try:
        db = session.db
        with db.atomic():
            db["customers"].insert_all([
                {"id": "c1", "name": "Zoé Martin", "segment": "retail",
                 "start_date": "2025-01-01", "churned": 0},
                {"id": "c2", "name": "Paul Durand", "segment": "pro",
                 "start_date": "2025-02-01", "churned": 0}])
            for n, (customer, day, nps, text) in enumerate(COMMENTS):
                db["responses"].insert({"customer_id": customer, "date": day, "nps": nps,
                                        "comment": text, "segment": "retail",
                                        "row_hash": f"b{n}"})
            db["revenue_events"].insert({"customer_id": "c1", "date": "2025-01-01",
                                         "amount": 120.0, "kind": "new"})
    finally:
        session.close()
        acc.close()


def test_search_tag_themes_follow_up_and_customer(acme_data):
    seed(acme_data)
    with streamlit_server(acme_data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", PASSWORD)

        go(page, "Comments")
        expect(page.get_by_text("5 comments found")).to_be_visible()
        enter_text(page, "Search", "caisse")
        expect(page.get_by_text("2 comments found")).to_be_visible()
        enter_text(page, "Theme to add", "checkout")
        page.get_by_role("button", name="Tag all 2 found").click()
        wait_for_app(page)
        stored(acme_data, lambda s: cm.count_comments(s, tag="checkout") == 2, "bulk tag")
        expect(page.get_by_text("2 comments found; showing 1-2")).to_be_visible()
        assert errors_shown(page) == []
        screenshot(page, "voc-comments-tagged")

        page.get_by_role("tab", name="Themes").click()
        wait_for_app(page)
        charts = page.locator("[data-testid='stVegaLiteChart']:visible")
        expect(charts.first).to_be_visible()
        assert charts.count() == 2
        page.wait_for_timeout(800)
        screenshot(page, "voc-comments-themes")

        go(page, "Follow-ups")
        expect(page.get_by_text("2 follow-ups")).to_be_visible()
        screenshot(page, "voc-follow-up-inbox")
        page.get_by_role("textbox", name="Owner", exact=True).fill("ann")
        choose(page, "Status", "contacted")
        page.get_by_role("textbox", name="Note", exact=True).fill("Called, a second till opens")
        page.get_by_role("button", name="Save follow-up").click()
        wait_for_app(page)
        got = stored(acme_data, lambda s: fu.inbox(s, owner="ann")["follow_ups"],
                     "follow-up owner")
        assert got[0]["status"] == "contacted"
        expect(page.get_by_text("Follow-up saved.")).to_be_visible()
        screenshot(page, "voc-follow-up")

        page.get_by_role("link", name="Open customer c2").click()
        wait_for_app(page)
        expect(page.get_by_role("heading", name="c2 · Paul Durand")).to_be_visible()
        expect(page.locator("[data-testid='stVegaLiteChart']:visible").first).to_be_visible()
        assert errors_shown(page) == []
        page.wait_for_timeout(800)
        screenshot(page, "voc-customer")
