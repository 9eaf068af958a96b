"""Chart specs of the journey map and health over time, and PNG/SVG export."""

from __future__ import annotations

import pytest

from cxcore import journey_charts as jc
from cxcore import journeys as jr


def step(i, name):
    return {"id": i, "position": i, "name": name}


def actor(i, name, stage, position=None):
    return {"id": i, "name": name, "stage": stage, "position": position or i}


def part(i, step_id, actor_id, health=None, **extra):
    return {"id": i, "step_id": step_id, "actor_id": actor_id, "health": health, **extra}


STEPS = [step(1, "Order"), step(2, "Wait"), step(3, "Receive")]
ACTORS = [actor(10, "Shop", "frontstage"), actor(11, "Driver", "frontstage"),
          actor(12, "Dispatch", "backstage"), actor(13, "Warehouse", "backstage")]
PARTS = [part(100, 1, 10, "red", note="<b>rude</b>", owner="Ana",
              updated_at="2026-01-02T10:00:00+00:00", updated_by="editor"),
         part(101, 2, 11, "yellow"), part(102, 3, 12, "green"), part(103, 3, 13)]


def layers(chart) -> tuple[dict, dict[str, dict]]:
    spec = chart.to_dict()
    return spec, {layer["name"]: layer for layer in spec["layer"]}


def rows(spec, layer) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_line_of_visibility_sits_above_first_backstage_actor():
    spec, by_name = layers(jc.map_chart(STEPS, ACTORS, PARTS))
    rule = by_name["visibility"]
    assert rule["mark"]["type"] == "rule"
    assert rule["encoding"]["y"]["bandPosition"] == 0
    assert rows(spec, rule)[0]["actor"] == "Dispatch"
    label = by_name["visibility label"]
    assert "LINE OF VISIBILITY" in rows(spec, label)[0]["label"]
    assert label["encoding"]["text"]["field"] == "label"


def test_line_moves_when_an_actor_crosses_it():
    moved = [dict(a, stage="backstage") if a["id"] == 11 else a for a in ACTORS]
    spec, by_name = layers(jc.map_chart(STEPS, moved, PARTS))
    # Driver keeps its position (2), so it is now the first actor below the line.
    assert by_name["rated"]["encoding"]["y"]["sort"] == ["Shop", "Driver", "Dispatch",
                                                         "Warehouse"]
    assert rows(spec, by_name["visibility"])[0]["actor"] == "Driver"
    driver = next(r for r in rows(spec, by_name["rated"]) if r["part_id"] == 101)
    assert driver["side"] == "backstage (unseen)"


def test_no_backstage_draws_line_at_bottom():
    front = [dict(a, stage="frontstage") for a in ACTORS]
    spec, by_name = layers(jc.map_chart(STEPS, front, PARTS))
    rule = by_name["visibility"]
    assert rule["encoding"]["y"]["bandPosition"] == 1
    assert rows(spec, rule)[0]["actor"] == "Warehouse"


def test_one_mark_per_rated_part_and_hollow_unrated():
    spec, by_name = layers(jc.map_chart(STEPS, ACTORS, PARTS))
    rated = rows(spec, by_name["rated"])
    assert sorted(r["part_id"] for r in rated) == [100, 101, 102]
    assert [r["part_id"] for r in rows(spec, by_name["unrated"])] == [103]
    assert by_name["unrated"]["mark"]["filled"] is False
    assert sorted(r["letter"] for r in rows(spec, by_name["letters"])) == ["G", "R", "Y"]


def test_encodings_colour_shape_and_tooltips():
    spec, by_name = layers(jc.map_chart(STEPS, ACTORS, PARTS))
    enc = by_name["rated"]["encoding"]
    assert enc["color"]["field"] == enc["shape"]["field"] == "health_label"
    assert enc["color"]["scale"]["range"] == ["#1b7837", "#f6c141", "#b2182b"]
    shapes = enc["shape"]["scale"]["range"]
    assert len(set(shapes)) == 3  # a different shape per health: readable in greyscale
    tips = {t["field"] for t in enc["tooltip"]}
    assert {"note", "owner", "last_change", "whose_view", "health"} <= tips
    assert enc["x"]["sort"] == ["1. Order", "2. Wait", "3. Receive"]
    assert enc["x"]["axis"]["orient"] == "top"
    red = next(r for r in rows(spec, by_name["rated"]) if r["part_id"] == 100)
    assert red["note"] == "<b>rude</b>"
    assert red["last_change"] == "2 Jan 2026 10:00 UTC by editor"


def twelve_by_fifteen():
    steps = [step(i, f"Step number {i} with a long name") for i in range(1, 13)]
    actors = [actor(100 + i, "Same name" if i < 3 else f"Actor {i}",
                    "frontstage" if i < 8 else "backstage") for i in range(15)]
    parts = [part(1000 + i * 20 + j, s["id"], a["id"], jr.HEALTHS[(i + j) % 3])
             for i, s in enumerate(steps) for j, a in enumerate(actors)]
    return steps, actors, parts


def test_twelve_by_fifteen_fits_and_labels_are_unique():
    spec, by_name = layers(jc.map_chart(*twelve_by_fifteen()))
    assert spec["width"] == 12 * jc.STEP_WIDTH and spec["height"] == 15 * jc.ACTOR_HEIGHT
    y_sort = by_name["rated"]["encoding"]["y"]["sort"]
    assert len(set(y_sort)) == 15 and y_sort[:3] == ["Same name", "Same name (2)",
                                                    "Same name (3)"]
    assert len(rows(spec, by_name["rated"])) == 180
    assert rows(spec, by_name["visibility"])[0]["actor"] == "Actor 8"


def test_twelve_by_fifteen_reads_on_a_projector():
    spec, by_name = layers(jc.map_chart(*twelve_by_fifteen(), title="Delivery"))
    # Columns and rows big enough for a label and a mark; the whole map is one size.
    assert jc.STEP_WIDTH >= 140 and jc.ACTOR_HEIGHT >= 44
    assert (spec["width"], spec["height"]) == jc.map_size(12, 15) == (1800, 720)
    x_axis = by_name["rated"]["encoding"]["x"]["axis"]
    y_axis = by_name["rated"]["encoding"]["y"]["axis"]
    assert x_axis["labelFontSize"] >= 13 and x_axis["labelFontWeight"] == "bold"
    assert y_axis["labelFontSize"] >= 13 and y_axis["labelLimit"] >= 200
    assert spec["config"]["title"]["fontSize"] >= 18
    assert spec["config"]["legend"]["labelFontSize"] >= 13
    for name in ("visibility above", "visibility label", "visibility below"):
        assert by_name[name]["mark"]["fontSize"] >= 12
    assert by_name["letters"]["mark"]["fontSize"] >= 12
    # "Step number 10 with a long name" needs 3 lines at 150 px: every label gets 3 lines,
    # room for them above the map, and no more than 3.
    assert "length(" in x_axis["labelExpr"] and x_axis["labelPadding"] >= 2 * x_axis[
        "labelLineHeight"]


def test_one_font_family_for_all_text():
    spec, by_name = layers(jc.map_chart(STEPS, ACTORS, PARTS, title="T"))
    config = spec["config"]
    fonts = {config["font"], config["axis"]["labelFont"], config["axis"]["titleFont"],
             config["legend"]["labelFont"], config["legend"]["titleFont"],
             config["title"]["font"], config["title"]["subtitleFont"], config["text"]["font"]}
    assert fonts == {jc.FONT}
    assert "font" not in by_name["visibility label"]["mark"]  # marks inherit it


def test_unrated_note_only_when_there_are_unrated_parts():
    spec, _ = layers(jc.map_chart(STEPS, ACTORS, PARTS, title="T"))
    assert spec["title"]["subtitle"] == jc.UNRATED_NOTE
    rated_only = [p for p in PARTS if p["health"]]
    spec, by_name = layers(jc.map_chart(STEPS, ACTORS, rated_only, title="T"))
    assert not spec["title"].get("subtitle")
    assert rows(spec, by_name["unrated"]) == []


def test_visibility_label_is_centred_on_the_line():
    spec, by_name = layers(jc.map_chart(STEPS, ACTORS, PARTS))
    above, on, below = (by_name[n] for n in ("visibility above", "visibility label",
                                             "visibility below"))
    assert [rows(spec, layer)[0]["label"] for layer in (above, on, below)] == [
        jc.VISIBILITY_ABOVE, "LINE OF VISIBILITY", jc.VISIBILITY_BELOW]
    # All three at the rule's y: one just above it, one on it, one just below it.
    rule_y = by_name["visibility"]["encoding"]["y"]
    for layer in (above, on, below):
        assert layer["encoding"]["y"] == rule_y
        assert rows(spec, layer)[0]["actor"] == rows(spec, by_name["visibility"])[0]["actor"]
    assert (above["mark"]["baseline"], on["mark"]["baseline"], below["mark"]["baseline"]) == (
        "bottom", "middle", "top")
    assert above["mark"]["dy"] < 0 == on["mark"].get("dy", 0) < below["mark"]["dy"]
    # Beside the plot's right edge, with room kept for it inside the chart's padding.
    assert on["mark"]["x"] == {"expr": "width"} and on["mark"]["align"] == "left"
    assert spec["padding"]["right"] > 0


def test_visibility_label_stays_inside_the_exported_picture():
    import re

    chart = jc.map_chart(STEPS, ACTORS, PARTS, title="T")
    svg = jc.to_svg(chart)
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    # The picture is wide enough for the plot, the actor labels on its left and the longest
    # line of the label on its right (Vega sizes the picture to everything it draws).
    text_width = 0.45 * jc.LINE_LABEL_SIZE * len(jc.VISIBILITY_ABOVE)
    assert width >= chart.to_dict()["width"] + 80 + 10 + text_width
    assert "above: the customer sees it" in svg and "below: backstage" in svg


def test_step_labels_are_single_lines_wrapped_as_drawn():
    labels, _, _ = jc.map_data([step(1, "Go"), step(2, "A really rather long step name here")],
                               ACTORS[:1], [])
    assert labels == ["1. Go", "2. A really rather long step name here"]
    assert jc.wrap_label("1. Book a visit", jc.chars_per_line(235)) == ["1. Book a visit"]
    assert jc.wrap_label("1. Book a visit", 10) == ["1. Book a", "visit"]
    assert jc.chars_per_line(235) >= 20  # the reviewer's ~235 px column: no wrap at 13


def test_step_label_expression_wraps_by_drawn_width():
    spec, by_name = layers(jc.map_chart([step(1, "Go"),
                                         step(2, "A really rather long step name here")],
                                        ACTORS, []))
    axis = by_name["unrated"]["encoding"]["x"]["axis"]
    expr = axis["labelExpr"]
    assert "width / 2" in expr  # the drawn plot width, shared by the 2 columns
    assert axis["labelLimit"] == {"expr": "width / 2 - 4"}
    # At 2 x 180 px the long label needs 2 lines: both labels get 2, blank ones first.
    assert axis["labelPadding"] == 6 + jc.LINE


def test_health_over_time_chart():
    data = [{"week_end": "2026-01-01", "green": 1, "yellow": 0, "red": 2, "rated": 3,
             "share_green": 1 / 3},
            {"week_end": "2026-01-08", "green": 2, "yellow": 1, "red": 0, "rated": 3,
             "share_green": 2 / 3}]
    spec = jc.health_over_time_chart(data).to_dict()
    share, red = spec["vconcat"]
    assert share["mark"]["type"] == "line"
    assert share["encoding"]["y"]["field"] == "share_green"
    assert share["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert red["mark"]["type"] == "bar" and red["encoding"]["y"]["field"] == "red"
    data_name = (red.get("data") or spec["data"])["name"]
    assert [r["red"] for r in spec["datasets"][data_name]] == [2, 0]
    assert "No health" in str(jc.health_over_time_chart([]).to_dict())


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export(fmt):
    chart = jc.map_chart(STEPS, ACTORS, PARTS, title="Map <i>1</i>")
    if fmt == "png":
        data = jc.to_png(chart, scale=1)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        svg = jc.to_svg(chart)
        assert svg.lstrip().startswith("<svg")
        assert "Map &lt;i&gt;1&lt;/i&gt;" in svg  # user text drawn as text, not markup
        assert "LINE OF VISIBILITY" in svg


def test_journey_map_from_storage(editor_session):
    jid = jr.create_from_template(editor_session, "support_request")
    parts = jr.list_parts(editor_session, jid)
    jr.set_health(editor_session, parts[0]["step_id"], parts[0]["actor_id"], "red")
    spec, by_name = layers(jc.journey_map(editor_session, jid))
    assert len(rows(spec, by_name["rated"])) == 1
    assert len(rows(spec, by_name["unrated"])) == len(parts) - 1
    assert spec["title"]["text"] == "Support request"
