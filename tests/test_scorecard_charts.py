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
    assert marks == ["area", "rule", "line"]
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
