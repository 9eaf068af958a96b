"""Browser tests of the program pages: interview log and checklist."""

from __future__ import annotations

import pytest

from .browser_support import (
    browser_page,
    enter_text,
    errors_shown,
    open_page,
    screenshot,
    sign_in,
    streamlit_server,
    textbox,
    wait_for_app,
)

pytestmark = pytest.mark.browser


def test_log_an_interview_find_it_and_see_checklist_progress(acme_data):
    with streamlit_server(acme_data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", "correct-horse-1")

        open_page(page, "Program checklist")
        page.get_by_text("Step 4. Talk to your customers — not started").click()
        page.get_by_text("Evidence: 0 customer interviews logged (target 10).").wait_for()

        open_page(page, "Interview log")
        page.get_by_role("tab", name="Log an interview").click()
        textbox(page, "Interviewee (name or anonymous label)").fill("María <i>Núñez</i>")
        textbox(page, "Notes").fill("The technician arrived without the drain hoses, "
                                    "so the washer sat in the hallway for three days.")
        textbox(page, "Key quotes (one per line)").fill("I waited all day and nobody called.")
        textbox(page, "Tags (comma separated)").fill("installation, waiting-time")
        page.get_by_role("button", name="Save interview").click()
        page.get_by_text("Interview saved.").wait_for()
        wait_for_app(page)

        page.get_by_role("tab", name="Log", exact=True).click()
        enter_text(page, "Search notes and quotes", "hoses")
        page.get_by_text("1 interview found.").wait_for()
        page.get_by_text("Customer interview with María <i>Núñez</i> on").wait_for()
        enter_text(page, "Search notes and quotes", "refrigerator")
        page.get_by_text("0 interviews found.").wait_for()
        enter_text(page, "Search notes and quotes", "hoses")
        page.get_by_text("1 interview found.").wait_for()
        screenshot(page, "program-01-interview-found")

        open_page(page, "Program checklist")
        page.get_by_text("Evidence: 1 customer interview logged (target 10).").wait_for()
        assert errors_shown(page) == []
        screenshot(page, "program-02-checklist-step-4")
