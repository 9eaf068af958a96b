"""Page speed in a real browser: a fresh page open and a page switch, on the demo workspace.

Starts ``streamlit run app.py`` on a temporary data folder holding the demo workspace, signs in
with headless Chromium (Playwright), then measures, for each page below, the median of 3 runs:

- *fresh open*: a new tab (new Streamlit session, signed in by the cookie) loads the page's
  URL, until the script has finished and nothing is stale;
- *switch*: from Home, a click on the page's sidebar link, until the same point.

    python bench/page_speed.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cxcore import demo
from cxcore.accounts import Accounts
from tests.browser_support import (
    browser_page,
    open_page,
    sign_in,
    streamlit_server,
    wait_for_app,
)

#: Sidebar title, URL path and the page's heading (Home's is the workspace name).
PAGES = [("Home", "", "Brightside Appliances (demo)"), ("Scorecard", "scorecard", "Scorecard"),
         ("Journey health", "journeys", "Journey health"),
         ("Drivers", "drivers", "Drivers of CX quality"),
         ("Actions", "actions", "Actions"), ("Meetings", "meetings", "Meetings"),
         ("Present", "present", "Present")]
RUNS = 3


def settled(page, heading: str | None) -> None:
    """Wait for the page's heading, then for the script to finish."""
    if heading:
        page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60_000)
    wait_for_app(page)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        acc = Accounts.open(data)
        acc.create_user("owner", "correct-horse-1", name="Olivia Owner")
        demo.create_demo_workspace(acc, owner="owner")
        acc.close()
        with streamlit_server(data) as url, browser_page(1400, 900) as page:
            page.goto(url)
            wait_for_app(page)
            sign_in(page, "owner", "correct-horse-1")
            for title, _, _ in PAGES:  # warm the server's caches once, as a running server is
                open_page(page, title)
            print(f"{'page':<16}{'fresh open s':>14}{'switch s':>10}")
            for title, path, heading in PAGES:
                fresh, switch = [], []
                for _ in range(RUNS):
                    tab = page.context.new_page()
                    t = time.perf_counter()
                    tab.goto(f"{url}/{path}")
                    settled(tab, heading)
                    tab.get_by_role("button", name="Sign out").wait_for()
                    fresh.append(time.perf_counter() - t - 0.3)  # wait_for_app's settle pause
                    tab.close()
                    open_page(page, "Home" if title != "Home" else "Meetings")
                    page.wait_for_timeout(500)
                    t = time.perf_counter()
                    page.get_by_test_id("stSidebarNavItems").get_by_role(
                        "link", name=title, exact=True).click()
                    settled(page, heading)
                    switch.append(time.perf_counter() - t - 0.3)
                print(f"{title:<16}{statistics.median(fresh):>14.2f}"
                      f"{statistics.median(switch):>10.2f}")


if __name__ == "__main__":
    main()
