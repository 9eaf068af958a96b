"""Browser test of Journey health and Actions: build a journey in the grid editors, rate one
part red with a note, find it on the map and in the action list, and again after a reload."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from cxcore import journeys as jr
from cxcore import workspace as wsmod
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

pytestmark = pytest.mark.browser

STEPS = ["Book a visit", "Wait at home", "Get it fixed"]
FRONTSTAGE = ["Call centre agent", "Technician"]
BACKSTAGE = ["Scheduling system", "Parts warehouse"]
NOTE = "Nobody tells the customer the slot moved; they wait in all day."
ACTION = "Text the customer whenever the slot moves"
# The editable grids are canvases (glide data grid); their cell editors open in #portal.
EDITOR = "#portal .gdg-input"
HEADER_HEIGHT, ROW_HEIGHT = 36, 35


def read(data, fn: Callable[[wsmod.WorkspaceSession], Any]) -> Any:
    """Call ``fn`` with a session on the Acme workspace, straight from the data folder."""
    acc = Accounts.open(data)
    try:
        session = wsmod.open_session(acc, acc.find_workspace("Acme").id, "owner")
        try:
            return fn(session)
        finally:
            session.close()
    finally:
        acc.close()


def stored(data, fn: Callable[[wsmod.WorkspaceSession], Any], what: str,
           timeout: float = 15) -> Any:
    """Wait until ``fn`` (reading the workspace file) returns something true; return it."""
    deadline = time.monotonic() + timeout
    while not (value := read(data, fn)):
        assert time.monotonic() < deadline, f"not stored: {what}"
        time.sleep(0.2)
    return value


def grid(page, index: int):
    """The ``index``-th data grid on the visible tab (hidden tabs hold grids too)."""
    return page.locator("[data-testid='stDataFrame']:visible").nth(index)


def grid_rows(page, index: int, rows: int) -> list[list[str]]:
    """Cell texts of a grid with ``rows`` rows, from glide's hidden accessibility table
    (filled in shortly after the grid is drawn)."""
    body = grid(page, index).locator("tbody tr")
    deadline = time.monotonic() + 10
    while body.count() != rows:
        assert time.monotonic() < deadline, f"grid {index} has {body.count()} rows, not {rows}"
        page.wait_for_timeout(100)
    return [[td.text_content() for td in body.nth(i).locator("td").all()]
            for i in range(rows)]


def click_first_cell(page, index: int, row: int) -> None:
    """Click the first column of ``row`` (0-based; one past the last row is the empty row
    that appends a new one) of the ``index``-th visible grid."""
    box = grid(page, index).bounding_box()
    page.mouse.click(box["x"] + 50, box["y"] + HEADER_HEIGHT + ROW_HEIGHT * row + ROW_HEIGHT / 2)


def close_cell_editor(page) -> None:
    for _ in range(20):
        if page.locator(EDITOR).count() == 0:
            return
        page.keyboard.press("Escape")
        page.wait_for_timeout(150)
    raise AssertionError("the grid's cell editor does not close")


def mark_grids(page) -> None:
    """Tag the grids drawn now, so :func:`wait_redrawn` can tell when a save replaced them."""
    page.evaluate("() => document.querySelectorAll(\"[data-testid='data-grid-canvas']\")"
                  ".forEach(c => c.dataset.before = '1')")


def wait_redrawn(page, index: int) -> None:
    """Wait for the page to draw the ``index``-th visible grid afresh (after a save, the page
    gives its editors new keys so they redraw from storage)."""
    grid(page, index).locator("[data-testid='data-grid-canvas']:not([data-before])").wait_for(
        state="attached")
    wait_for_app(page)


def edit_cell(page, index: int, row: int, column: int) -> None:
    """Open the editor of cell (``row``, ``column``; both 0-based) of the ``index``-th visible
    grid: select the row's first cell, arrow right to the column, press Enter."""
    cell = grid(page, index).locator("td[aria-selected='true']")
    first = cell.and_(page.get_by_test_id(f"glide-cell-1-{row}"))
    target = cell.and_(page.get_by_test_id(f"glide-cell-{column + 1}-{row}"))
    for _ in range(3):
        close_cell_editor(page)
        try:
            if first.count() == 0 and target.count() == 0:
                click_first_cell(page, index, row)  # clicking a selected cell would edit it
                first.wait_for(state="attached", timeout=3000)
            else:
                grid(page, index).get_by_test_id("data-grid-canvas").focus()
            if target.count() == 0:
                for _ in range(column):
                    page.keyboard.press("ArrowRight")
                target.wait_for(state="attached", timeout=3000)
            page.keyboard.press("Enter")
            page.locator("#portal [id^='gdg-overlay']").first.wait_for(timeout=3000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"cannot edit cell ({row}, {column}) of grid {index}")


def append_row(page, index: int, row: int, name: str) -> None:
    """Add row ``row`` to the ``index``-th visible grid with ``name`` in its second column:
    click the empty last row (glide adds a row and opens an editor on its first cell), then
    edit the name cell and commit it with Enter. Waits for the grid drawn after the save."""
    click_first_cell(page, index, row)
    page.locator(EDITOR).wait_for()
    wait_for_app(page)  # the added (still nameless) row reruns the script
    grid_rows(page, index, row + 1)
    for _ in range(3):
        edit_cell(page, index, row, column=1)
        try:
            page.locator(f"{EDITOR}:is(textarea)").fill(name, timeout=3000)
        except PlaywrightTimeout:
            continue
        mark_grids(page)
        page.keyboard.press("Enter")
        wait_redrawn(page, index)
        return
    raise AssertionError(f"cannot type {name!r} into row {row} of grid {index}")


def choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app(page)


def metric(page, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(visible=True).filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def check_map(page) -> None:
    """The Map tab shows one red part at step 2 (counts, reddest step, the mark's tooltip)."""
    expect(page.get_by_role("tab", name="Map", exact=True)).to_have_count(1)
    page.get_by_role("tab", name="Map", exact=True).click()
    wait_for_app(page)
    assert metric(page, "Red") == "1"
    assert metric(page, "Green") == "0"
    assert metric(page, "Yellow") == "0"
    page.get_by_text("Wait at home\n(1 red, 0 yellow)").wait_for()
    page.get_by_text(re.compile(r"^1 parts? \(actors at the steps they take part in\), "
                                r"1 rated\.$")).wait_for()
    chart = page.get_by_test_id("stVegaLiteChart").filter(visible=True)
    labels = chart.locator("svg text").all_text_contents()
    for name in ["1. Book a", "2. Wait at", "3. Get it", *FRONTSTAGE, *BACKSTAGE,
                 "LINE OF VISIBILITY", "Red: people very unhappy"]:
        assert any(name in text for text in labels), (name, labels)
    # Three wide columns: each step label on one line, wrapped by the width drawn.
    for name in [f"{i}. {step}" for i, step in enumerate(STEPS, start=1)]:
        assert name in labels, (name, labels)
    # The line's label straddles the dashed line, inside the chart.
    svg_box = chart.locator("svg").first.bounding_box()
    rule = chart.locator("g.visibility_marks > *").first.bounding_box()
    rule_y = rule["y"] + rule["height"] / 2
    boxes = {name: chart.locator(f"g.{name.replace(' ', '_')}_marks text").bounding_box()
             for name in ("visibility above", "visibility label", "visibility below")}
    assert boxes["visibility above"]["y"] + boxes["visibility above"]["height"] <= rule_y + 1
    on = boxes["visibility label"]
    assert abs(on["y"] + on["height"] / 2 - rule_y) <= 4, (on, rule_y)
    assert boxes["visibility below"]["y"] >= rule_y - 1
    for box in boxes.values():
        assert box["x"] + box["width"] <= svg_box["x"] + svg_box["width"], (box, svg_box)
    # Frontstage actors are drawn above the line, backstage ones below it.
    rows = {t.text_content(): t.bounding_box()["y"] for t in chart.locator("svg text").all()
            if t.text_content() in FRONTSTAGE + BACKSTAGE}
    line_y = chart.locator("svg text", has_text="LINE OF VISIBILITY").bounding_box()["y"]
    assert all(rows[a] < line_y for a in FRONTSTAGE), (rows, line_y)
    assert all(rows[a] > line_y for a in BACKSTAGE), (rows, line_y)
    # One mark, the red square (filled, with the letter R); its aria-label and the tooltip
    # shown on hovering it carry the note.
    assert chart.locator("g.unrated_marks path").count() == 0
    rated = chart.locator("g.rated_marks path")
    assert rated.count() == 1
    assert rated.get_attribute("fill") == "#b2182b"
    label = rated.get_attribute("aria-label")
    for text in ("actor: Scheduling system", "Health: Red: people very unhappy",
                 "Side: backstage (unseen)", f"Note: {NOTE}"):
        assert text in label, (text, label)
    assert chart.locator("g.letters_marks text").all_text_contents() == ["R"]
    rated.hover(force=True)  # the letter R drawn on the mark takes the pointer
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.get_by_text(NOTE).wait_for()
    assert "Scheduling system" in tooltip.inner_text()
    assert "red" in tooltip.inner_text()
    page.mouse.move(5, 5)


def check_action_list(page) -> None:
    open_page(page, "Actions")
    # (to_have_count waits out the page drawn before the switch, which lingers briefly.)
    expect(page.get_by_text("1 action shown, 0 overdue.")).to_have_count(1)
    table = page.get_by_test_id("stDataFrame")
    for text in (ACTION, "Olivia", "Wait at home", "Scheduling system",
                 "■ Red", "Repair visit"):
        expect(table.get_by_text(text, exact=True)).to_have_count(1)  # hidden glide cells
    assert errors_shown(page) == []


def test_map_a_journey_rate_a_part_red_and_find_it_after_a_reload(acme_data):
    with streamlit_server(acme_data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", "correct-horse-1")

        open_page(page, "Journey health")
        page.get_by_role("tab", name="Blank").click()
        textbox(page, "Journey name").fill("Repair visit")
        textbox(page, "Target customer (persona)").fill("Household with a broken washer")
        page.get_by_role("button", name="Create journey").click()
        page.get_by_role("tab", name="Steps and actors").wait_for()
        wait_for_app(page)
        journey_id = stored(acme_data, jr.list_journeys, "the journey")[0]["id"]

        # Steps and actors: typed into the grids' empty last rows (saved as they are made).
        page.get_by_role("tab", name="Steps and actors").click()
        wait_for_app(page)
        for index, names, listing in ((0, STEPS, jr.list_steps),
                                      (1, FRONTSTAGE + BACKSTAGE, jr.list_actors)):
            for row, name in enumerate(names):
                append_row(page, index, row, name)
                stored(acme_data, lambda s, listing=listing, n=row + 1:
                       len(listing(s, journey_id)) == n, name)
            assert [r[1] for r in grid_rows(page, index, len(names))] == names
        # New actors start above the line; move two below it with the Side cell's dropdown
        # (the last one first: the grid lists backstage actors last, in their order).
        for moved, name in enumerate(reversed(BACKSTAGE), start=1):
            row = [r[1] for r in grid_rows(page, 1, 4)].index(name)
            edit_cell(page, 1, row, column=2)
            mark_grids(page)
            page.get_by_role("option", name="below the line (backstage)", exact=True).click()
            wait_redrawn(page, 1)
            stored(acme_data, lambda s, n=moved: sum(
                a["stage"] == "backstage" for a in jr.list_actors(s, journey_id)) == n,
                f"{name} backstage")
        assert [(r[1], r[2]) for r in grid_rows(page, 1, 4)] == (
            [(a, "above the line (seen)") for a in FRONTSTAGE] +
            [(a, "below the line (backstage)") for a in BACKSTAGE])
        assert [s["name"] for s in read(acme_data, lambda s: jr.list_steps(s, journey_id))
                ] == STEPS
        assert [(a["name"], a["stage"]) for a in read(
            acme_data, lambda s: jr.list_actors(s, journey_id))] == (
            [(a, "frontstage") for a in FRONTSTAGE] + [(a, "backstage") for a in BACKSTAGE])
        assert errors_shown(page) == []
        screenshot(page, "journeys-00-steps-and-actors")

        # Rate one part red with a note, through the "One part in detail" form.
        page.get_by_role("tab", name="Rate parts").click()
        wait_for_app(page)
        choose(page, "Step", "2. Wait at home")
        choose(page, "Actor", "Scheduling system (below the line (backstage))")
        page.get_by_text("This actor does not take part in this step yet").wait_for()
        page.get_by_role("radiogroup", name="Health").get_by_text(
            "Red: people very unhappy").click()
        textbox(page, "Whose view is this?").fill("customer")
        textbox(page, "Why (note)").fill(NOTE)
        page.get_by_role("button", name="Save rating").click()
        part = stored(acme_data, lambda s: [p for p in jr.list_parts(s, journey_id)
                                            if p["health"]], "the rating")
        assert [(p["health"], p["note"], p["viewpoint"]) for p in part] == [
            ("red", NOTE, "customer")]
        wait_for_app(page)
        page.get_by_text("Last change:").wait_for()

        # An action for the red part, from the same form area.
        textbox(page, "What will be done").fill(ACTION)
        textbox(page, "Who owns it").fill("Olivia")
        page.get_by_role("button", name="Add action").click()
        stored(acme_data, lambda s: jr.list_actions(s, journey_id=journey_id), "the action")
        wait_for_app(page)
        assert errors_shown(page) == []

        check_map(page)
        screenshot(page, "journeys-01-map")
        page.get_by_role("tab", name="Rate parts").click()
        wait_for_app(page)
        screenshot(page, "journeys-02-rated-red-with-action")
        check_action_list(page)
        screenshot(page, "journeys-03-actions")

        # A reload keeps the sign-in (cookie) and everything shown comes back from storage.
        page.reload()
        wait_for_app(page)
        page.get_by_role("button", name="Sign out").wait_for()
        check_action_list(page)
        open_page(page, "Journey health")
        check_map(page)
        screenshot(page, "journeys-04-map-after-reload")
        page.get_by_role("tab", name="Rate parts").click()
        wait_for_app(page)
        choose(page, "Step", "2. Wait at home")
        choose(page, "Actor", "Scheduling system (below the line (backstage))")
        expect(textbox(page, "Why (note)")).to_have_value(NOTE)
        expect(page.get_by_role("radio", name="■ Red: people very unhappy")).to_be_checked()
        assert errors_shown(page) == []
