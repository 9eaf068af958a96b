"""Chart specs of cxcore.driver_charts: fields, the team's colour *and* shape, whiskers, fonts."""

from __future__ import annotations

from cxcore import driver_charts as charts
from cxcore import drivers as dr
from cxcore import scorecard_charts as sc_charts
from tests.test_drivers import mapped, rated  # noqa: F401  (fixtures)


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _data(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]] if "data" in layer else spec["datasets"][
        spec["data"]["name"]]


def test_step_chart_encodes_the_team_rating_twice(viewer_session, mapped):  # noqa: F811
    steps = dr.step_scores(viewer_session)
    spec = charts.step_nps_chart(steps, 0.0).to_dict()
    layers = _layers(spec)
    points = next(layer for layer in layers if layer["mark"]["type"] == "point")
    enc = points["encoding"]
    assert enc["color"]["field"] == "team" and enc["shape"]["field"] == "team"
    assert enc["color"]["scale"]["domain"] == charts.TEAM_ORDER
    assert enc["color"]["scale"]["range"][:3] == [sc_charts.COLORS[c]
                                                  for c in ("green", "yellow", "red")]
    assert len(set(enc["shape"]["scale"]["range"])) == 4  # one shape per rating
    whisker = next(layer for layer in layers if layer["mark"]["type"] == "rule"
                   and "x2" in layer["encoding"])
    assert whisker["encoding"]["x"]["field"] == "low" and whisker["encoding"]["x2"]["field"] \
        == "high"
    rows = _data(spec, points)
    assert [r["label"] for r in rows] == ["1. Order", "2. Wait", "3. Install"]
    assert rows[0]["note"] == "≠ map" and rows[2]["note"] == " (few answers)"
    assert rows[0]["team"] == charts.TEAM_LABELS["green"]
    assert spec["config"]["axis"]["labelFontSize"] >= 16
    assert whisker["encoding"]["x"]["title"] == "NPS (line: 95% interval; dashed: overall +0)"


def test_step_chart_without_answers_is_empty_but_valid():
    spec = charts.step_nps_chart([], None).to_dict()
    assert all(not _data(spec, layer) for layer in _layers(spec) if "data" in layer)


def test_correlation_bars(rated):  # noqa: F811
    spec = charts.correlation_chart(dr.rating_drivers(rated)).to_dict()
    bars = _layers(spec)[0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "r"
    assert bars["encoding"]["x"]["scale"]["domain"] == [-1, 1]
    rows = _data(spec, bars)
    assert {r["label"] for r in rows} == {"Effort (7 = very easy)", "Emotion"}  # r shown only
    assert all(r["text"].endswith("strong") for r in rows)
    whisker = _layers(spec)[2]["encoding"]
    assert whisker["x"]["field"] == "r_low" and whisker["x2"]["field"] == "r_high"


def test_group_chart_marks_below_with_colour_and_words(viewer_session, mapped):  # noqa: F811
    rows = dr.group_scores(viewer_session, "channel")
    spec = charts.group_nps_chart(rows, "channel", 0.0).to_dict()
    bars = _layers(spec)[0]
    assert bars["encoding"]["color"]["scale"]["range"][0] == sc_charts.COLORS["red"]
    data = {r["group"]: r for r in _data(spec, bars)}
    assert data["phone"]["position"] == "below" and data["phone"]["note"] == "▼ below the rest"
    assert data["web"]["note"] == "▲ above the rest"
    assert spec["title"] == "NPS by channel"
