"""The money section of the Scorecard page in a real browser: revenue at risk, referral value
and the business case calculator on the demo workspace."""

from __future__ import annotations

import pytest

from cxcore import demo
from cxcore.accounts import Accounts

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

pytestmark = pytest.mark.browser


def test_money_section_and_business_case(tmp_path):
    data = tmp_path / "data"
    acc = Accounts.open(data)
    acc.create_user("owner", "correct-horse-1")
    demo.create_demo_workspace(acc, owner="owner")
    acc.close()
    with streamlit_server(data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", "correct-horse-1")
        open_page(page, "Scorecard")
        heading = page.get_by_role("heading", name="The money story")
        heading.wait_for()
        page.get_by_role("heading", name="Business case").wait_for()
        wait_for_app(page)
        assert errors_shown(page) == []
        body = page.inner_text("body")
        assert "Revenue at risk" in body and "Referral value" in body
        assert "ten promoters brought" in body and "(95 % CI" in body
        # The calculator: 25 % of detractors, programme cost 2,000.
        cost = page.get_by_label("Programme cost (USD)")
        cost.fill("2000")
        cost.press("Enter")
        wait_for_app(page)
        share = page.get_by_label("Share of detractors who change (%)")
        share.fill("25")
        share.press("Enter")
        wait_for_app(page)
        assert errors_shown(page) == []
        assert "If 25 % of the" in page.inner_text("body")
        assert "$2,000 programme" in page.inner_text("body")
        heading.scroll_into_view_if_needed()
        page.evaluate("() => { const h = [...document.querySelectorAll('h2')].find("
                      "e => e.textContent.includes('The money story')); "
                      "h.scrollIntoView({block: 'start'}); }")
        page.wait_for_timeout(500)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "scorecard-money-section.png"))
        page.get_by_text("Return on the $2,000 programme").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "scorecard-money-business-case.png"))
        screenshot(page, "scorecard-money-full")
