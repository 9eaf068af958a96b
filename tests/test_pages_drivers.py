"""AppTest of pages/drivers.py: no data, the demo workspace, a period with few answers."""

from __future__ import annotations

from cxcore import demo

from .conftest import plain

PAGE = "pages/drivers.py"


def _text(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [e.value for e in at.error] + [h.value for h in at.header]
    return plain("\n".join(str(p) for p in parts))


def test_no_data_says_what_to_import(app_page) -> None:
    at = app_page(PAGE, user="viewer")
    assert not at.exception, at.exception
    assert at.title[0].value == "Drivers of CX quality"
    assert "no NPS answers in all the data" in _text(at)
    assert "Import data" in _text(at)
    assert not at.get("vega_lite_chart") and not at.dataframe


def test_demo_workspace_findings_first(app_page, accounts) -> None:
    info = demo.create_demo_workspace(accounts, owner="owner")
    at = app_page(PAGE, user="owner", run=False)
    at.session_state["workspace_id"] = info.id
    at.run(timeout=60)
    assert not at.exception, at.exception
    headers = [h.value for h in at.header]
    assert headers[0] == "What to act on first"
    assert headers[1:] == ["1 · Journey steps: customers' score vs the team's map",
                           "2 · Which ratings move likelihood to recommend",
                           "3 · Channels and segments"]
    text = _text(at)
    assert "**1.**" in text and "are detractors" in text  # a finding in plain words
    assert "Correlation is not cause" in text
    assert len(at.dataframe) == 4  # steps, ratings, channels, segments
    assert len(at.get("vega_lite_chart")) == 4  # steps, correlations, channel, segment
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Steps as CSV", "Ratings as CSV", "NPS by channel as CSV",
                      "NPS by segment as CSV"]
    # A month: fewer answers, so small-sample warnings appear and nothing breaks.
    at.selectbox(key="dr_grain").set_value("Month").run(timeout=60)
    assert not at.exception, at.exception
    assert "Fewer than 30 answers" in _text(at)
