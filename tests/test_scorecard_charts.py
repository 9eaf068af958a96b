"""Chart specs of cxcore.scorecard_charts: the right fields, colours and the NPS band."""

from __future__ import annotations

import pytest

from cxcore import scorecard as sc
from cxcore import scorecard_charts as charts
from tests.test_scorecard import load


@pytest.fixture
def loaded(editor_session):
    load(editor_session.db)
    return editor_session


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_nps_trend_has_band_and_line(loaded) -> None:
    spec = charts.nps_trend_chart(sc.monthly_trend(loaded)).to_dict()
    marks = [layer["mark"]["type"] for layer in _layers(spec)]
    assert marks == ["area", "rule", "errorbar", "line"]
    whisker = _layers(spec)[2]["encoding"]
    assert whisker["y"]["field"] == "nps_low" and whisker["y2"]["field"] == "nps_high"
    band = _layers(spec)[0]["encoding"]
    assert band["y"]["field"] == "nps_low" and band["y2"]["field"] == "nps_high"
    months = {row["month"] for row in spec["datasets"][spec["layer"][0]["data"]["name"]]}
    assert months == {"2025-11", "2026-01", "2026-02", "2026-03"}  # months with answers only
    assert spec["config"]["axis"]["labelFontSize"] >= 16


def test_group_colours_are_fixed(loaded) -> None:
    spec = charts.value_by_group_chart(sc.value_by_nps_group(loaded)).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["promoter", "passive", "detractor"]
    assert scale["range"][0] == charts.COLORS["promoter"]
    shares = charts.nps_shares_chart(sc.scorecard(loaded, "2026-Q1")).to_dict()
    values = next(iter(shares["datasets"].values()))
    assert sum(v["share"] for v in values) == pytest.approx(100.0)


def test_breakdown_sparkline_cohort_and_empty_data(loaded, viewer_session) -> None:
    spec = charts.breakdown_chart(sc.breakdown(loaded, "segment"), "segment").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "rule"]
    spark = charts.sparkline(sc.monthly_trend(loaded), "csat_pct").to_dict()
    assert spark["encoding"]["x"]["axis"] is None
    assert charts.cohort_chart(sc.cohort_retention(loaded)).to_dict()["mark"]["type"] == "rect"
    # No data: the builders still return valid (empty) charts.
    for chart in (charts.nps_trend_chart([]), charts.sparkline([], "nps"),
                  charts.breakdown_chart([], "channel"), charts.value_by_group_chart([]),
                  charts.cohort_chart([]), charts.nps_shares_chart({})):
        assert chart.to_dict()


def test_single_month_still_shows_its_interval() -> None:
    one = [{"month": "2024-02", "nps": 28.6, "nps_low": 5.0, "nps_high": 50.0, "nps_n": 28}]
    spec = charts.nps_trend_chart(one).to_dict()
    whisker = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "errorbar")
    rows = spec["datasets"][whisker["data"]["name"]]
    assert [(r["nps_low"], r["nps_high"]) for r in rows if r.get("nps") is not None] == [
        (5.0, 50.0)]


def _fits(spec: dict, bars: int, legend: bool = False) -> None:
    """The height is the whole chart's (autosize fit, padding included), so it must leave
    room for every bar plus the title, the axis and, if any, the legend."""
    assert spec["autosize"] == {"type": "fit", "contains": "padding"}
    room = charts.TITLE_PX + charts.AXIS_PX + (charts.LEGEND_PX if legend else 0)
    assert spec["height"] >= room - 20 + 36 * bars


def test_bar_charts_are_tall_enough_for_bars_axis_and_legend(loaded) -> None:
    shares = charts.nps_shares_chart(sc.scorecard(loaded, "2026-Q1")).to_dict()
    _fits(shares, 1, legend=True)
    bars = next(layer for layer in shares["layer"] if layer["mark"]["type"] == "bar")
    legend = bars["encoding"]["color"]["legend"]
    assert legend is not None and legend["orient"] == "bottom"
    assert bars["encoding"]["color"]["scale"]["range"] == [
        charts.COLORS[g] for g in charts.GROUP_ORDER]
    for rows in (sc.breakdown(loaded, "segment"), sc.breakdown(loaded, "segment")[:1]):
        spec = charts.breakdown_chart(rows, "segment", "nps", "NPS by segment").to_dict()
        _fits(spec, len(rows))
        assert spec["height"] == charts.bars_height(len(rows))
    assert charts.bars_height(1) > 120  # the old fixed minimum drew a flat line
