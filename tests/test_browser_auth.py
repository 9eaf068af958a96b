"""Browser tests of state in the URL, shared links, account rights, forged cookies and the
guided first run (Playwright driving Debian's Chromium against `streamlit run`)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from playwright.sync_api import expect

from cxcore import demo
from cxcore.accounts import Accounts

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
from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def picker_value(page) -> str:
    return (page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
            .get_by_role("combobox").input_value())


def choose(page, label: str, option: str, *, sidebar: bool = False) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` and wait for the rerun."""
    scope = page.get_by_test_id("stSidebar") if sidebar else page
    scope.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


@pytest.fixture
def two_clients(tmp_path):
    """An owner with two workspaces (Acme, the demo); a member of the demo; an outsider."""
    data = tmp_path / "data"
    acc = Accounts.open(data)
    acc.create_user("owner", PASSWORD, name="Olivia Owner")
    acc.create_user("member", PASSWORD, name="Max Member", by="owner")
    acc.create_user("outsider", PASSWORD, name="Oscar Outsider", by="owner")
    acc.create_workspace("Acme", by="owner")
    info = demo.create_demo_workspace(acc, owner="owner")
    acc.set_member(info.id, "member", "viewer", by="owner")
    other = acc.create_workspace("Outsider Co", by="owner")
    acc.set_member(other.id, "outsider", "owner", by="owner")
    acc.close()
    return data, info


def test_reload_keeps_workspace_and_period_and_a_link_works_only_for_members(two_clients):
    data, info = two_clients
    with streamlit_server(data) as url:
        with browser_page() as page:
            page.goto(url)
            wait_for_app(page)
            sign_in(page, "owner", PASSWORD)
            assert picker_value(page) == "Acme"  # the first by name
            choose(page, "Workspace", info.name, sidebar=True)
            assert query(page)["ws"] == str(info.id)
            open_page(page, "Scorecard")
            page.get_by_role("combobox", name="Period", exact=True).click()
            options = [o.inner_text() for o in page.get_by_role("option").all()]
            chosen = options[2]
            page.get_by_role("option", name=chosen, exact=True).click()
            wait_for_app(page)
            assert {k: query(page).get(k) for k in ("ws", "grain", "period")} == {
                "ws": str(info.id), "grain": "quarter", "period": chosen}
            link = page.url

            page.reload()
            wait_for_app(page)
            page.get_by_role("button", name="Sign out").wait_for()
            assert picker_value(page) == info.name
            expect(page.get_by_role("combobox", name="Period", exact=True)).to_have_value(chosen)
            assert urlparse(page.url).path == "/scorecard"
            assert errors_shown(page) == []
            screenshot(page, "auth-01-reload-keeps-workspace-and-period")

        with browser_page() as page:  # a colleague opens the shared link
            page.goto(link)
            wait_for_app(page)
            page.get_by_role("button", name="Sign in").wait_for()
            assert "Brightside" not in page.inner_text("body")
            assert page.get_by_test_id("stSidebarNav").count() == 0
            sign_in(page, "member", PASSWORD)
            assert picker_value(page) == info.name
            expect(page.get_by_role("combobox", name="Period", exact=True)).to_have_value(chosen)
            page.get_by_role("heading", name="Scorecard").wait_for()
            screenshot(page, "auth-02-shared-link-member")

        with browser_page() as page:  # someone who is not a member opens it
            page.goto(link)
            wait_for_app(page)
            sign_in(page, "outsider", PASSWORD)
            page.get_by_text("This link opens a workspace you are not a member of").wait_for()
            body = page.inner_text("body")
            assert "Brightside" not in body
            assert picker_value(page) == "Outsider Co"
            assert page.query_selector("[data-testid='stMetric']") is None
            screenshot(page, "auth-03-shared-link-outsider")
            page.get_by_role("button", name="Open my workspace").click()
            page.get_by_role("heading", name="Scorecard").wait_for()
            wait_for_app(page)
            assert query(page)["ws"] != str(info.id)
            assert "Brightside" not in page.inner_text("body")


def test_viewer_cannot_create_a_workspace(two_clients):
    data, info = two_clients
    with streamlit_server(data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "member", PASSWORD)
        open_page(page, "Workspaces")
        page.get_by_role("heading", name="Workspaces").wait_for()
        assert page.get_by_role("button", name="Create workspace").count() == 0
        assert page.get_by_role("button", name="Load demo workspace").count() == 0
        assert page.get_by_test_id("stSidebarNavItems").get_by_role(
            "link", name="Activity").count() == 0  # owners only
        screenshot(page, "auth-04-viewer-workspaces")


def test_forged_cookies_show_the_sign_in_form(two_clients):
    data, _ = two_clients
    forged = {
        "alg-none": jwt.encode({"username": "owner", "exp_date": 9e9, "ver": 0}, None,
                               algorithm="none"),
        "no-exp": jwt.encode({"username": "owner", "ver": 0},
                             "browser-test-cookie-key-0123456789abcdef", algorithm="HS256"),
        "garbage": "%%%garbage%%%",
    }
    with streamlit_server(data) as url:
        for name, value in forged.items():
            with browser_page() as page:
                page.context.add_cookies([{"name": "cx_dashboard_session", "value": value,
                                           "url": url}])
                page.goto(f"{url}/scorecard")
                wait_for_app(page)
                page.get_by_role("button", name="Sign in").wait_for()
                assert errors_shown(page) == [], name
                assert page.query_selector("[data-testid='stException']") is None
                assert "Brightside" not in page.inner_text("body")
                screenshot(page, f"auth-05-forged-cookie-{name}")


def test_first_run_create_owner_start_here_demo_home(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    with streamlit_server(data) as url, browser_page() as page:
        page.goto(f"{url}/scorecard")
        wait_for_app(page)
        page.get_by_role("button", name="Create owner account").wait_for()
        # Nothing but the form: no page names in a sidebar, no other page.
        assert page.get_by_test_id("stSidebarNav").count() == 0
        assert "Scorecard" not in page.inner_text("body")
        screenshot(page, "auth-06-first-run-form")
        textbox(page, "Username").fill("olivia")
        textbox(page, "Your name").fill("Olivia Owner")
        textbox(page, "Password").fill("a-long-password")
        textbox(page, "Repeat password").fill("a-long-password")
        page.get_by_role("button", name="Create owner account").click()
        page.get_by_role("heading", name="Start here").wait_for(timeout=60_000)
        page.get_by_text("Owner account olivia created").wait_for()
        wait_for_app(page)
        screenshot(page, "auth-07-start-here")
        page.get_by_role("button", name="Load demo workspace").click()
        page.get_by_role("heading", name="Brightside Appliances (demo)").wait_for(
            timeout=90_000)
        wait_for_app(page)
        assert urlparse(page.url).path in ("/", "/home")
        assert query(page)["ws"]
        assert picker_value(page) == "Brightside Appliances (demo)"
        page.get_by_text("Demo workspace Brightside Appliances (demo) loaded").wait_for()
        assert errors_shown(page) == []
        screenshot(page, "auth-08-demo-home")
