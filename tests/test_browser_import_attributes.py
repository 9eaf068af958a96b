"""Browser test: upload a Google Forms survey whose questions go beyond NPS (ratings 0-5 with
0 = not applicable, agreement labels, a yes/no), confirm the N/A code once in the preview,
import, and find every question stored with its scale.

``survey_with_questions`` and :func:`upload_and_import` are the hook the Drivers page's browser
test can reuse to get a workspace with survey questions before looking at its quadrant.
"""

from __future__ import annotations

import csv
import random

import pytest
from playwright.sync_api import expect

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

pytestmark = pytest.mark.browser

N = 150  # enough complete answers (135) for the Drivers page's key driver analysis
NPS_QUESTION = "How likely are you to recommend Brightside to a friend?"
RATINGS = ("Ease of booking", "Staff friendliness", "Delivery speed")
AGREE = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
         "Strongly agree"]
NA_NEEDED = "Answer meaning 'not applicable' in every rating question (e.g. 0), if any"


@pytest.fixture
def survey_with_questions(tmp_path):
    """A Google Forms export of 150 answers: Timestamp with GMT offsets, the NPS question,
    three 0-5 ratings (0 = not applicable, 15 of them), an agreement question, a yes/no and a
    comment. Returns (path, expected): expected answers per question, N/A excluded."""
    rng = random.Random(7)
    rows, expected = [], {name: [] for name in (*RATINGS, "The staff understood my problem",
                                                "Was it solved on the first contact?")}
    for i in range(N):
        base = rng.randint(1, 5)
        ratings = [min(5, max(1, base + rng.choice((-1, 0, 0, 1)))) for _ in RATINGS]
        if i % 10 == 3:
            ratings[0] = 0  # not applicable: never booked online
        nps = min(10, max(0, 2 * base + rng.choice((-1, 0, 0, 1))))
        agree = min(5, max(1, base + rng.choice((-1, 0, 1))))
        solved = "Yes" if base >= 3 else "No"
        day, hour = 1 + i % 28, 1 + i % 11
        rows.append([f"2024/03/{day:02d} {hour}:15:00 PM GMT+1", str(nps), *map(str, ratings),
                     AGREE[agree - 1], solved, "Fine" if i % 4 else ""])
        for name, value in zip(RATINGS, ratings, strict=True):
            if value:
                expected[name].append(float(value))
        expected["The staff understood my problem"].append(float(agree))
        expected["Was it solved on the first contact?"].append(1.0 if solved == "Yes" else 0.0)
    path = tmp_path / "Customer survey (Responses).csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Timestamp", NPS_QUESTION, *RATINGS, "The staff understood my problem",
                         "Was it solved on the first contact?", "Anything else to tell us?"])
        writer.writerows(rows)
    return path, expected


def upload_and_import(page, path, na_code: str | None = "0") -> None:
    """On the Import data page (signed in): upload ``path``, state the N/A code once, import."""
    open_page(page, "Import data")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
    page.get_by_role("heading", name=path.name).wait_for()
    wait_for_app(page)
    if na_code is not None:
        enter_text(page, NA_NEEDED, na_code)
    page.get_by_role("button", name=f"Import {N} rows").click()
    page.get_by_text("survey questions stored").wait_for()
    wait_for_app(page)


def test_survey_questions_uploaded_confirmed_and_stored(acme_data, survey_with_questions):
    path, expected = survey_with_questions
    with streamlit_server(acme_data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", "correct-horse-1")
        open_page(page, "Import data")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
        page.get_by_role("heading", name=path.name).wait_for()
        wait_for_app(page)
        combo = page.get_by_role("combobox", name="What does the file hold?", exact=True)
        assert combo.input_value() == "Survey responses"
        page.get_by_text("Google Forms layout").wait_for()
        page.get_by_text("Survey questions", exact=True).first.wait_for()
        page.get_by_text("often means 'not applicable'").first.wait_for()
        ease = page.get_by_role("combobox", name="Ease of booking", exact=True)
        assert ease.input_value() == "(survey question, below)"
        assert errors_shown(page) == []
        screenshot(page, "import-questions-01-preview")

        # State the N/A code once: the 0-5 ratings become 1-5 with 0 as not applicable.
        enter_text(page, NA_NEEDED, "0")
        scales = page.get_by_role("textbox", name="Scale", exact=True)
        for i in range(3):  # once the rerun that applies the N/A code has drawn them
            expect(scales.nth(i)).to_have_value("1-5")
        assert page.get_by_text("often means 'not applicable'").count() == 0
        page.get_by_text("Survey questions", exact=True).first.scroll_into_view_if_needed()
        screenshot(page, "import-questions-02-na-confirmed")

        page.get_by_role("button", name=f"Import {N} rows").click()
        page.get_by_text("Answers to 5 survey questions stored").wait_for()
        wait_for_app(page)
        assert errors_shown(page) == []
        heading = page.get_by_role("heading", name="Survey questions")
        heading.scroll_into_view_if_needed()
        grid = page.get_by_test_id("stDataFrame").last
        grid.locator("td").first.wait_for(state="attached")
        cells = grid.locator("td").all_text_contents()
        for name in (*RATINGS, "The staff understood my problem",
                     "Was it solved on the first contact?"):
            row = cells.index(name)
            assert cells[row + 5] == f"{len(expected[name]):,}"  # answers stored, N/A left out
        assert cells[cells.index("Ease of booking") + 4] == "0"  # its N/A code
        screenshot(page, "import-questions-03-stored")

        # Hook for the Drivers page: the stored questions are what it analyses.
        open_page(page, "Drivers")
        page.get_by_role("heading", name="Drivers of CX quality").wait_for()
        wait_for_app(page)
        page.get_by_role("heading", name="1 · Key drivers: what explains the outcome").wait_for()
        # The key driver analysis ran on the imported questions (not "too few to tell").
        page.get_by_text("responses that answered every question").first.wait_for()
        assert page.get_by_text("Too few to tell what explains").count() == 0
        page.get_by_text("Importance × performance").first.wait_for()
        page.wait_for_timeout(1000)  # let the charts draw
        assert errors_shown(page) == []
        screenshot(page, "import-questions-04-drivers")

    # What the page stored, read back from the workspace file.
    from cxcore.accounts import Accounts
    from cxcore.workspace import open_session

    accounts = Accounts.open(acme_data)
    session = open_session(accounts, accounts.list_workspaces("owner")[0].id, "owner")
    try:
        from cxcore import attributes

        for q in attributes.list_attributes(session.db):
            got = [r[0] for r in session.db.execute(
                f"select {q['column']} from response_attributes where {q['column']} is not null "
                f"order by response_id")]
            assert got == expected[q["label"]], q["label"]
    finally:
        session.close()
        accounts.close()
