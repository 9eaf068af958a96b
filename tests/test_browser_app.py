"""Browser tests of the app shell: Playwright driving Debian's Chromium against `streamlit run`."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cxcore import demo
from cxcore.accounts import Accounts
from cxui.navigation import SECTIONS

from .browser_support import (
    browser_page,
    errors_shown,
    open_page,
    screenshot,
    sign_in,
    streamlit_server,
    textbox,
    wait_for_app,
)

pytestmark = pytest.mark.browser

ALL_PAGES = [spec for specs in SECTIONS.values() for spec in specs]
DATA_SELECTORS = ("[data-testid='stDataFrame']", "[data-testid='stTable']",
                  "[data-testid='stMetric']", "[data-testid='stVegaLiteChart']",
                  "[data-testid='stArrowVegaLiteChart']")


def url_path(spec) -> str:
    return spec.path.removeprefix("pages/").removesuffix(".py")


def test_first_visitor_opening_any_page_url_sees_only_the_sign_in_form(tmp_path):
    data = tmp_path / "data"
    acc = Accounts.open(data)
    acc.create_user("owner", "correct-horse-1")
    demo.create_demo_workspace(acc, owner="owner")
    acc.close()
    # A fresh server for each URL: each visitor is the first one, before any st.navigation ran.
    for spec in ALL_PAGES:
        with streamlit_server(data) as url, browser_page() as page:
            page.goto(f"{url}/{url_path(spec)}")
            wait_for_app(page)
            page.get_by_role("button", name="Sign in").wait_for()
            for selector in DATA_SELECTORS:
                assert page.query_selector(selector) is None, (spec.path, selector)
            body = page.inner_text("body")
            assert "Brightside" not in body, spec.path
            # no page names before sign-in (the first visit used to list the files in pages/)
            assert page.get_by_test_id("stSidebarNav").count() == 0, spec.path


def test_owner_first_run_demo_every_page_and_sign_out(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with streamlit_server(data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        textbox(page, "Username").fill("olivia")
        textbox(page, "Your name").fill("Olivia Owner")
        textbox(page, "Password").fill("a-long-password")
        textbox(page, "Repeat password").fill("a-long-password")
        page.get_by_role("button", name="Create owner account").click()
        # Signed in at once, with a confirmation, on Start here.
        page.get_by_text("Owner account olivia created").wait_for()
        page.get_by_role("heading", name="Start here").wait_for()
        wait_for_app(page)
        screenshot(page, "app-00-start-here")
        page.get_by_role("button", name="Sign out").click()
        wait_for_app(page)
        page.goto(url)  # a reload: the revoked cookie does not sign in again
        page.get_by_role("button", name="Sign in", exact=True).wait_for()
        wait_for_app(page)

        textbox(page, "Username").fill("olivia")
        textbox(page, "Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Unknown username or wrong password.").wait_for()

        sign_in(page, "olivia", "a-long-password")
        screenshot(page, "app-01-signed-in")

        textbox(page, "Workspace name").fill("Acme Dental <b>client</b>")
        page.get_by_role("button", name="Create workspace").click()
        picker = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
        picker.wait_for()
        wait_for_app(page)
        shown = picker.get_by_role("combobox").input_value()
        assert shown == "Acme Dental <b>client</b>"  # shown as text, not HTML
        screenshot(page, "app-02-workspace-created")

        open_page(page, "Workspaces")
        page.get_by_role("button", name="Load demo workspace").click()
        expect(picker.get_by_role("combobox")).to_have_value("Brightside Appliances (demo)",
                                                             timeout=60_000)
        wait_for_app(page)

        for number, spec in enumerate(ALL_PAGES, start=1):
            open_page(page, spec.title)
            page.wait_for_timeout(500)
            wait_for_app(page)
            assert errors_shown(page) == [], (spec.path, errors_shown(page))
            screenshot(page, f"app-{number + 2:02d}-{url_path(spec)}")

        def root_font_size():
            return page.evaluate("getComputedStyle(document.documentElement).fontSize")

        assert root_font_size() == "16px"
        page.get_by_test_id("stSidebar").get_by_text("Larger text").click()
        page.wait_for_function(
            "() => getComputedStyle(document.documentElement).fontSize === '18px'")
        open_page(page, "Scorecard")
        assert root_font_size() == "18px"  # stays on while moving between pages
        screenshot(page, f"app-{len(ALL_PAGES) + 3:02d}-presentation-mode")

        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("You are signed out.").wait_for()
        wait_for_app(page)
        page.wait_for_timeout(1500)  # let the cookie component delete the sign-in cookie
        page.reload()
        wait_for_app(page)
        page.get_by_role("button", name="Sign in").wait_for()
        assert page.query_selector("[data-testid='stSidebar'] [data-testid='stSelectbox']") is None
