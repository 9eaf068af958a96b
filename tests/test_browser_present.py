"""Browser test of the slide view at 1280×720 and 1920×1080: the sidebar is gone, every slide
fits the screen, no tile's text overflows, and the arrow keys move between slides."""

from __future__ import annotations

import pytest

from cxcore import branding, demo, meetings
from cxcore import workspace as wsmod
from cxcore.accounts import Accounts

from .browser_support import (
    ARTIFACTS,
    browser_page,
    errors_shown,
    open_page,
    sign_in,
    streamlit_server,
    wait_for_app,
)
from .conftest import PASSWORD

pytestmark = pytest.mark.browser

#: Every tile and every slide: overflowing text would be cut off on the projector.
OVERFLOW = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('.cxs-tile, .cxs-tile *, .cxs-title, .cxs-sub')) {
    if (el.scrollWidth > el.clientWidth + 1) bad.push(el.className + ': ' + el.textContent);
  }
  for (const el of document.querySelectorAll('.cxs')) {
    if (el.scrollHeight > el.clientHeight + 1) bad.push('slide too tall: ' + el.scrollHeight
                                                          + ' > ' + el.clientHeight);
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) bad.push('slide too wide');
  }
  return bad;
}"""


@pytest.fixture
def demo_data(tmp_path):
    data = tmp_path / "present-data"
    acc = Accounts.open(data)
    acc.create_user("owner", PASSWORD, name="Olivia Owner")
    info = demo.create_demo_workspace(acc, owner="owner")
    session = wsmod.open_session(acc, info.id, "owner")
    branding.set_branding(session, primary="#5a1e6e", accent="#e07a1f",
                          footer="Prepared by North Star Consulting")
    meetings.add_meeting(session, "2026-10-15", "Q3 review", "Dana, Priya")
    session.close()
    acc.close()
    return data


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_slides_fit_and_nothing_overflows(demo_data, width, height):
    with streamlit_server(demo_data) as url, browser_page(width, height) as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", PASSWORD)
        open_page(page, "Present")
        count = int(page.get_by_text("slides from this workspace").inner_text().split()[0])
        assert count >= 10
        page.get_by_role("button", name="Start presenting").click()
        wait_for_app(page)
        page.locator(".cxs").first.wait_for()
        # the sidebar and its navigation are gone while presenting
        page.get_by_test_id("stSidebar").wait_for(state="hidden")
        for number in range(1, count + 1):
            page.get_by_text(f"{number} of {count}").wait_for()
            wait_for_app(page)
            page.wait_for_timeout(300)
            assert errors_shown(page) == []
            assert page.evaluate(OVERFLOW) == [], number
            # the navigation row is on screen, under the slide
            box = page.get_by_role("button", name="Next").bounding_box()
            assert box is not None and box["y"] + box["height"] <= height, number
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"present-{width}x{height}-{number:02d}.png"))
            if number < count:
                page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowLeft")
        page.get_by_text(f"{count - 1} of {count}").wait_for()
        page.get_by_role("button", name="End presentation").click()
        wait_for_app(page)
        page.get_by_role("button", name="Start presenting").wait_for()
        assert page.get_by_test_id("stSidebar").is_visible()
