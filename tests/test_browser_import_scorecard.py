"""Browser test of the import flow: upload a CSV, map a column, read the validation report,
import, and see the scorecard change."""

from __future__ import annotations

import csv

import pytest

from .browser_support import (
    browser_page,
    errors_shown,
    open_page,
    screenshot,
    sign_in,
    streamlit_server,
    wait_for_app,
)

pytestmark = pytest.mark.browser

NPS_QUESTION = "How likely are you to recommend us to a friend?"
# 28 valid answers, dated 2024-02-01 .. 2024-02-28.
NPS = [10, 9, 10, 9, 10, 9, 10, 9, 10, 9, 10, 9, 10, 9,  # 14 promoters
       8, 7, 8, 7, 8, 7, 8, 7,                           # 8 passives
       6, 5, 3, 0, 6, 4]                                 # 6 detractors
STARS = [5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5, 4,  # 20 satisfied (4-5)
         3, 2, 1, 3, 2, 1, 3, 2]
PROMOTERS = sum(n >= 9 for n in NPS)
DETRACTORS = sum(n <= 6 for n in NPS)
EXPECTED_NPS = f"{100 * (PROMOTERS - DETRACTORS) / len(NPS):+.0f}"  # (14 - 6) / 28 -> +29
EXPECTED_CSAT = f"{100 * sum(s >= 4 for s in STARS) / len(STARS):.1f} %"  # 20 / 28 -> 71.4 %
NPS_ROW, DATE_ROW = 9, 22  # spreadsheet rows of the two bad records (header = row 1)


@pytest.fixture
def survey_csv(tmp_path):
    """30 survey answers: the NPS question as header, CSAT in a column no rule recognises
    ("Stars given"), one NPS of 11 (row 9) and one unparsable date (row 22)."""
    rows = [[f"2024-02-{i + 1:02d}", str(n), f"Visit {i + 1} went fine", str(s)]
            for i, (n, s) in enumerate(zip(NPS, STARS, strict=True))]
    rows.insert(NPS_ROW - 2, ["2024-02-07", "11", "Typed eleven", "5"])
    rows.insert(DATE_ROW - 2, ["yesterday", "9", "No real date", "4"])
    assert len(rows) == 30
    path = tmp_path / "survey-feb-2024.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Date", NPS_QUESTION, "Comment", "Stars given"])
        writer.writerows(rows)
    return path


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` and wait for the rerun."""
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def combobox_value(page, label: str) -> str:
    return page.get_by_role("combobox", name=label, exact=True).input_value()


def grid_cells(page, nth: int) -> list[str]:
    """Texts of the cells of the ``nth`` st.dataframe (its hidden accessible table)."""
    grid = page.get_by_test_id("stDataFrame").nth(nth)
    grid.locator("td").first.wait_for(state="attached")
    return grid.locator("td").all_text_contents()


def metric_value(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def test_upload_map_validate_import_and_see_the_scorecard_change(acme_data, survey_csv):
    with streamlit_server(acme_data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", "correct-horse-1")

        # Before: nothing to score.
        open_page(page, "Scorecard")
        page.get_by_text("There is nothing to score yet for this selection.").wait_for()
        assert page.get_by_test_id("stMetric").count() == 0
        assert errors_shown(page) == []
        screenshot(page, "import-01-scorecard-empty")

        # Upload: the date, NPS question and comment are recognised, "Stars given" is not a field.
        open_page(page, "Import data")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(survey_csv))
        page.get_by_role("heading", name="survey-feb-2024.csv").wait_for()
        wait_for_app(page)
        # What the file holds is suggested from its columns, not defaulted.
        assert combobox_value(page, "What does the file hold?") == "Survey responses"
        page.get_by_text("plain layout, encoding utf-8, delimiter comma; 30 rows;").wait_for()
        assert combobox_value(page, "Date") == "Date"
        assert combobox_value(page, NPS_QUESTION) == "NPS (0-10)"
        assert combobox_value(page, "Comment") == "Comment"
        # A 1-5 column no field takes is offered as a survey question of its own.
        assert combobox_value(page, "Stars given") == "(survey question, below)"
        page.get_by_role("combobox", name="Stars given", exact=True).scroll_into_view_if_needed()
        screenshot(page, "import-02-uploaded-auto-mapping")

        # Map the unrecognised column by hand.
        choose(page, "Stars given", "CSAT (1-5)")
        assert combobox_value(page, "Stars given") == "CSAT (1-5)"
        assert combobox_value(page, NPS_QUESTION) == "NPS (0-10)"
        page.get_by_role("combobox", name="Stars given", exact=True).scroll_into_view_if_needed()
        screenshot(page, "import-03-stars-mapped-to-csat")

        # Validation report: the two bad rows with row number, column and reason.
        assert metric_value(page, "Rows ready to import") == "28"
        assert metric_value(page, "Rows with problems") == "2"
        page.get_by_text("Validation report").wait_for()
        first_rows, report = grid_cells(page, 0), grid_cells(page, 1)
        # The preview: spreadsheet row, what is wrong (blank for good rows), the cells.
        assert first_rows[:5] == ["2", "", "2024-02-01", "10", "Visit 1 went fine"]
        nps_reason = "NPS (0-10): '11' is not a whole number from 0 to 10"
        date_reason = ("Date 'yesterday' is not a date: write it like the other dates in this "
                       "column, e.g. 2025-03-31 (years 1900 to 2100)")
        assert nps_reason in first_rows  # the bad row says why, in the preview itself
        assert report == [str(NPS_ROW), NPS_QUESTION, nps_reason,
                          str(DATE_ROW), "Date", date_reason]
        page.get_by_text("Validation report").scroll_into_view_if_needed()
        screenshot(page, "import-04-validation-report")

        # Import the valid rows.
        page.get_by_role("button", name="Import 28 valid rows").click()
        page.get_by_text("Imported 28 rows as batch 1; 0 were already there.").wait_for()
        wait_for_app(page)
        assert errors_shown(page) == []
        assert page.get_by_test_id("stFileUploaderFile").count() == 0
        page.get_by_text("Past imports").scroll_into_view_if_needed()
        screenshot(page, "import-05-imported")

        # After: the scorecard over all data shows the hand-computed NPS and CSAT.
        open_page(page, "Scorecard")
        choose(page, "Period type", "All data")
        page.get_by_text("How customers feel · 28 responses").wait_for()
        assert metric_value(page, "NPS") == EXPECTED_NPS == "+29"
        assert metric_value(page, "CSAT") == EXPECTED_CSAT == "71.4 %"
        page.get_by_text("), n = 28").first.wait_for()  # the NPS card's interval
        page.get_by_text("Only 28 NPS answers in all the data:").wait_for()
        page.get_by_text("Retention, churn, revenue retention and customer lifetime value "
                         "need your customer list").wait_for()
        assert page.get_by_text("no data", exact=True).count() == 0
        assert errors_shown(page) == []
        screenshot(page, "import-06-scorecard-after")
        page.get_by_role("heading", name="Trends").scroll_into_view_if_needed()
        page.wait_for_timeout(500)  # let the charts draw
        screenshot(page, "import-07-scorecard-trends")
