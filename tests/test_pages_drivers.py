"""AppTest of pages/drivers.py: no data, the demo workspace, a survey with rating questions
(outcome choice, the quadrant, groups against the rest), and too few answers to tell."""

from __future__ import annotations

import json

from cxcore import demo
from cxcore.workspace import open_session

from .conftest import plain
from .test_key_drivers import build_survey

PAGE = "pages/drivers.py"


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [h.value for h in at.header]
    parts += [s.value for s in at.subheader]
    return plain("\n".join(str(p) for p in parts))


def _chart_titles(at) -> list[str]:
    titles = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        title = spec.get("title")
        titles.append(title["text"] if isinstance(title, dict) else title)
    return titles


def _survey(accounts, workspace, n: int) -> None:
    session = open_session(accounts, workspace.id, "owner")
    try:
        build_survey(session.db, n=n)
    finally:
        session.close()


def test_no_data_says_what_to_import(app_page) -> None:
    at = app_page(PAGE, user="viewer")
    assert not at.exception, at.exception
    assert at.title[0].value == "Drivers of CX quality"
    assert "no answers to analyse in all the data" in _text(at)
    assert "Import data" in _text(at)
    assert not at.get("vega_lite_chart") and not at.dataframe


def test_demo_workspace_findings_first(app_page, accounts) -> None:
    info = demo.create_demo_workspace(accounts, owner="owner")
    at = app_page(PAGE, user="owner", run=False)
    at.session_state["workspace_id"] = info.id
    at.run(timeout=60)
    assert not at.exception, at.exception
    headers = [h.value for h in at.header]
    assert headers == ["What to act on first", "1 · Key drivers: what explains the outcome",
                       "2 · Journey steps: customers' score vs the team's map",
                       "3 · Which ratings move likelihood to recommend",
                       "4 · Segments and channels"]
    text = _text(at)
    assert "**1.**" in text and "are detractors" in text  # an NPS finding in plain words
    assert "Fix first: 'Effort (7 = very easy)'" in text  # a key-driver finding
    assert "Correlation is not cause" in text
    assert "Computed on all 1,500 responses that answered every question" in text
    titles = _chart_titles(at)
    assert "What explains likelihood to recommend (0-10)" in titles
    assert "Importance × performance: what to act on first" in titles
    assert "NPS by journey step, beside the team's rating" in titles
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Key drivers as CSV", "Steps as CSV", "Ratings as CSV",
                      "NPS by channel as CSV", "NPS by segment as CSV"]
    # A month: fewer answers, so small-sample warnings appear and nothing breaks.
    at.selectbox(key="dr_grain").set_value("Month").run(timeout=60)
    assert not at.exception, at.exception
    assert "Fewer than 30 answers" in _text(at)


def test_survey_outcome_choice_quadrant_and_groups(app_page, accounts, workspace) -> None:
    _survey(accounts, workspace, 1200)
    at = app_page(PAGE, user="viewer", run=False)
    at.run(timeout=60)
    assert not at.exception, at.exception
    outcome = at.selectbox(key="dr_outcome")
    assert outcome.value == "nps"
    assert "overall=satisfied" in outcome.options or "Overall = satisfied" in outcome.options
    outcome.set_value("overall=satisfied").run(timeout=60)
    assert not at.exception, at.exception
    text = _text(at)
    assert "Computed on all 1,080 responses that answered every question" in text
    assert "yes/no label coded 1/0" in text
    titles = _chart_titles(at)
    assert "What explains overall = satisfied" in titles
    assert "Importance × performance: what to act on first" in titles
    assert "Fix first" in text or "Keep up" in text
    frames = [d.value for d in at.dataframe]
    drivers = frames[0]
    assert list(drivers["Question"])[0] == "Speed rating"
    assert "Quadrant" in drivers.columns and "95% interval" in drivers.columns
    # Groups are tested against the rest; the app question differs by channel.
    assert "the rest of the customers" in text
    group_by = at.selectbox(key="dr_group_by")
    assert group_by.value == "segment" and "Segment" in group_by.options
    assert "Overall" not in group_by.options  # the question the outcome is read from
    assert "**business** (" in text and "matters more than for the rest" in json.dumps(
        [d.value.to_dict() for d in at.dataframe])
    assert "'App rating' scores" in text and "lower in phone" in text
    # Top box instead of the mean.
    at.radio(key="dr_basis").set_value("Top box (%)").run(timeout=60)
    assert not at.exception, at.exception
    assert "Performance (top box, % of answers)" in json.dumps(
        [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")])
    # One segment only, then customers compared by a survey question.
    at.selectbox(key="dr_segment").set_value("business").run(timeout=60)
    assert not at.exception, at.exception
    at.selectbox(key="dr_outcome").set_value("nps").run(timeout=60)
    at.selectbox(key="dr_group_by").set_value("overall").run(timeout=60)
    assert not at.exception, at.exception
    assert "in each group of overall" in _text(at)


def test_too_few_to_tell(app_page, accounts, workspace) -> None:
    _survey(accounts, workspace, 60)
    at = app_page(PAGE, user="viewer")
    assert not at.exception, at.exception
    text = _text(at)
    assert "Too few to tell what explains 'Likelihood to recommend (0-10)'" in text
    assert "54 responses answered the outcome" in text
    assert "Importance × performance: what to act on first" not in _chart_titles(at)
