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


# ---- key driver charts --------------------------------------------------------------------------

DRIVERS = [
    {"label": "Speed", "weight_pct": 50.0, "low_pct": 44.0, "high_pct": 57.0, "rank": 1,
     "rank_stability": 0.98, "quadrant": "fix first", "performance": 55.0},
    {"label": "Staff", "weight_pct": 30.0, "low_pct": 25.0, "high_pct": 35.0, "rank": 2,
     "rank_stability": 0.9, "quadrant": "keep up", "performance": 80.0},
    {"label": "Price", "weight_pct": 15.0, "low_pct": 11.0, "high_pct": 19.0, "rank": 3,
     "rank_stability": 0.8, "quadrant": "watch", "performance": 50.0},
    {"label": "App", "weight_pct": 5.0, "low_pct": 3.0, "high_pct": 8.0, "rank": 4,
     "rank_stability": 0.95, "quadrant": "less urgent", "performance": 75.0}]
LINES = {"weight_pct": 25.0, "performance": 65.0}


def test_weights_chart_has_bars_and_error_bars():
    spec = charts.weights_chart(DRIVERS, "Likelihood to recommend").to_dict()
    bars, whisker, text = _layers(spec)
    assert bars["mark"]["type"] == "bar" and bars["encoding"]["x"]["field"] == "weight"
    assert bars["encoding"]["y"]["sort"] == ["Speed", "Staff", "Price", "App"]  # by rank
    assert whisker["mark"]["type"] == "errorbar"
    assert (whisker["encoding"]["x"]["field"], whisker["encoding"]["x2"]["field"]) == (
        "low", "high")
    rows = _data(spec, bars)
    assert rows[0]["text"] == "50% (44-57)"
    assert spec["title"] == "What explains likelihood to recommend"


def test_quadrant_chart_names_the_quadrants_in_words_and_shapes():
    spec = charts.quadrant_chart(DRIVERS, LINES).to_dict()
    layers = _layers(spec)
    points = next(layer for layer in layers if layer["mark"]["type"] == "point")
    enc = points["encoding"]
    assert enc["x"]["field"] == "weight" and enc["y"]["field"] == "performance"
    assert enc["color"]["field"] == "quadrant" and enc["shape"]["field"] == "quadrant"
    assert enc["color"]["scale"]["domain"] == ["fix first", "keep up", "watch", "less urgent"]
    assert enc["color"]["scale"]["range"][0] == sc_charts.COLORS["red"]
    rules = [layer for layer in layers if layer["mark"]["type"] == "rule"]
    assert [r["encoding"].get("x", r["encoding"].get("y"))["field"] for r in rules] == [
        "weight", "performance"]
    assert _data(spec, rules[0])[0] == {"weight": 25.0, "performance": 65.0}
    corner_text = [row["name"] for layer in layers if layer["mark"]["type"] == "text"
                   and layer["encoding"]["text"]["field"] == "name"
                   for row in _data(spec, layer)]
    assert sorted(corner_text) == ["FIX FIRST", "KEEP UP", "LESS URGENT", "WATCH"]
    # Fix first sits bottom right: important (right of the line) and low (below it).
    fix = next(row for layer in layers if layer["mark"]["type"] == "text"
               and layer["encoding"]["text"]["field"] == "name"
               for row in _data(spec, layer) if row["name"] == "FIX FIRST")
    assert fix["weight"] > LINES["weight_pct"] and fix["performance"] < LINES["performance"]
    label_rows = [row for layer in layers if layer["mark"]["type"] == "text"
                  and layer["encoding"]["text"]["field"] == "text"
                  for row in _data(spec, layer)]
    assert sorted(r["text"] for r in label_rows) == ["App", "Price", "Speed", "Staff"]


def test_crowded_quadrant_labels_do_not_overlap():
    # Ten questions piled up in one spot: the most important get their names, the rest their
    # rank numbers, and no two label boxes overlap in the assumed 700 × 330 pixel plot.
    rows = [{"label": f"Question number {k}", "weight": 5.0 + 0.1 * k,
             "performance": 60.0 + 0.2 * k, "rank": 10 - k} for k in range(10)]
    placed = charts.place_labels(rows, 20.0, 40.0, 80.0)
    texts = [p[3] for p in placed]
    assert "Question number 9" in texts  # the most important keeps its name
    assert any(t.isdigit() for t in texts)  # no room for every name
    boxes = []
    for (lx, ly, align, text) in placed:
        x, y = lx / 20.0 * 700, (80.0 - ly) / 40.0 * 330
        w = len(text) * 7.0
        x0 = x if align == "left" else x - w
        boxes.append((x0, y - 8, x0 + w, y + 8))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] + 1e-6 or b[2] <= a[0] + 1e-6 or a[3] <= b[1] + 1e-6 \
                or b[3] <= a[1] + 1e-6, (a, b)
