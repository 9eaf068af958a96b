"""Altair charts for the driver analysis, built from the rows :mod:`cxcore.drivers` returns.

Same fonts, sizes and palette as :mod:`cxcore.scorecard_charts`. Nothing is told by colour
alone: the team's rating of a step is both a colour and a shape, and a group below the overall
score is both red and labelled. No streamlit here, so the specs can be tested as dictionaries.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from cxcore.scorecard_charts import (
    AXIS_PX,
    COLORS,
    FONT_SIZE,
    LEGEND_PX,
    TITLE_SIZE,
    bars_height,
)

#: The team's rating on the journey map: label, colour and shape (a second encoding).
TEAM_LABELS = {"green": "Green: working well", "yellow": "Yellow: unhappy",
               "red": "Red: very unhappy", None: "Not rated"}
TEAM_ORDER = [TEAM_LABELS[k] for k in ("green", "yellow", "red", None)]
TEAM_COLORS = [COLORS["green"], COLORS["yellow"], COLORS["red"], COLORS["passive"]]
TEAM_SHAPES = ["circle", "triangle-up", "square", "diamond"]
POSITION_WORDS = {"below": "▼ below overall", "above": "▲ above overall", "in line": "",
                  None: ""}
REST_WORDS = {"below": "▼ below the rest", "above": "▲ above the rest", "in line": "",
              None: ""}


def _big(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.properties(autosize=alt.AutoSizeParams(type="fit", contains="padding"))
            .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=320)
            .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=320)
            .configure_title(fontSize=TITLE_SIZE, anchor="start")
            .configure_view(strokeWidth=0))


def _overall_rule(overall: float | None) -> list[alt.Chart]:
    """The overall NPS as a dashed vertical line (the axis title says its value)."""
    if overall is None:
        return []
    frame = pd.DataFrame({"x": [overall]})
    return [alt.Chart(frame).mark_rule(color="#444", strokeDash=[6, 4], strokeWidth=2).encode(
        x="x:Q")]


def _axis_title(overall: float | None) -> str:
    dashed = "" if overall is None else f"; dashed: overall {overall:+.0f}"
    return f"NPS (line: 95% interval{dashed})"


def step_label(row: dict[str, Any], with_journey: bool = False) -> str:
    """How a step is named on the chart: "2. Wait for the delivery" (with its journey)."""
    name = f"{row['position']}. {row['step']}"
    return f"{row['journey']} · {name}" if with_journey else name


def step_nps_chart(steps: list[dict[str, Any]], overall: float | None,
                   title: str = "NPS by journey step, beside the team's rating") -> alt.Chart:
    """Per journey step with NPS answers: the NPS as a point whose colour *and* shape are the
    team's rating of the step, its 95% interval as a whisker, and the overall NPS as a dashed
    line (its value in the axis title). Steps keep journey order, top to bottom; steps where
    the team and the customers disagree are labelled "≠ map"."""
    with_journey = len({r["journey_id"] for r in steps}) > 1
    rows = [{"label": step_label(r, with_journey), "order": i, "nps": r["nps"], "low": r["low"],
             "high": r["high"], "n": r["n"], "moe": r["moe"],
             "team": TEAM_LABELS[r["team"]],
             "note": ("≠ map" if r["disagree"] else "") + (
                 " (few answers)" if r["small_sample"] else "")}
            for i, r in enumerate(s for s in steps if s["nps"] is not None)]
    frame = pd.DataFrame(rows, columns=["label", "order", "nps", "low", "high", "n", "moe",
                                        "team", "note"])
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("order", order="ascending"))
    x_scale = alt.Scale(domain=[-100, 100])
    tooltip = [alt.Tooltip("label:N", title="step"),
               alt.Tooltip("nps:Q", format="+.0f", title="NPS"),
               alt.Tooltip("moe:Q", format=".0f", title="± margin"),
               alt.Tooltip("n:Q", title="answers"), alt.Tooltip("team:N", title="team's rating")]
    whisker = alt.Chart(frame).mark_rule(color=COLORS["band_edge"], strokeWidth=3).encode(
        x=alt.X("low:Q", scale=x_scale, title=_axis_title(overall)), x2="high:Q", y=y,
        tooltip=tooltip)
    points = alt.Chart(frame).mark_point(size=320, filled=True, opacity=1, stroke="#222",
                                         strokeWidth=1).encode(
        x=alt.X("nps:Q", scale=x_scale), y=y,
        color=alt.Color("team:N", title="Team's rating on the map",
                        scale=alt.Scale(domain=TEAM_ORDER, range=TEAM_COLORS),
                        legend=alt.Legend(orient="bottom", columns=2, symbolSize=220)),
        shape=alt.Shape("team:N", scale=alt.Scale(domain=TEAM_ORDER, range=TEAM_SHAPES),
                        legend=None),
        tooltip=tooltip)
    notes = alt.Chart(frame).mark_text(align="left", dx=12, fontSize=FONT_SIZE - 2,
                                       fontWeight="bold", color="#222").encode(
        x=alt.X("high:Q", scale=x_scale), y=y, text="note:N")
    layers = [whisker, *_overall_rule(overall), points, notes]
    height = bars_height(len(frame), legend=True) + LEGEND_PX
    return _big(alt.layer(*layers).properties(title=title, height=height))


def correlation_chart(ratings: list[dict[str, Any]],
                      title: str = "How closely each rating moves with NPS") -> alt.Chart:
    """Horizontal bars of Pearson's r per rating (ratings without r are left out), its 95%
    interval as a whisker, and the strength in words beside each bar. The axis runs from -1
    to 1 with 0 marked."""
    rows = [{"label": r["label"], "r": r["r"], "r_low": r["r_low"], "r_high": r["r_high"],
             "n": r["n"], "strength": r["strength"], "order": i,
             "text": f"{r['r']:+.2f} · {r['strength']}"}
            for i, r in enumerate(x for x in ratings if x["r"] is not None)]
    frame = pd.DataFrame(rows, columns=["label", "r", "r_low", "r_high", "n", "strength",
                                        "order", "text"])
    y = alt.Y("label:N", title=None, sort=alt.EncodingSortField("order", order="ascending"))
    x_scale = alt.Scale(domain=[-1, 1])
    tooltip = [alt.Tooltip("label:N", title="rating"),
               alt.Tooltip("r:Q", format="+.2f", title="r"),
               alt.Tooltip("r_low:Q", format="+.2f", title="95% low"),
               alt.Tooltip("r_high:Q", format="+.2f", title="95% high"),
               alt.Tooltip("n:Q", title="answers"), alt.Tooltip("strength:N")]
    bars = alt.Chart(frame).mark_bar(color=COLORS["primary"], size=28).encode(
        x=alt.X("r:Q", scale=x_scale, title="Correlation with NPS (r, -1 to 1)",
                axis=alt.Axis(values=[-1, -0.5, 0, 0.5, 1])), y=y, tooltip=tooltip)
    whisker = alt.Chart(frame).mark_rule(color="#222", strokeWidth=2).encode(
        x="r_low:Q", x2="r_high:Q", y=y)
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#666").encode(x="x:Q")
    text = alt.Chart(frame).mark_text(align="right", dx=-8, color="white",
                                      fontSize=FONT_SIZE, fontWeight="bold").encode(
        x="r:Q", y=y, text="text:N")
    return _big(alt.layer(bars, zero, whisker, text).properties(
        title=title, height=bars_height(len(frame))))


def group_nps_chart(rows: list[dict[str, Any]], by: str, overall: float | None,
                    title: str | None = None) -> alt.Chart:
    """NPS per channel or segment as bars with the 95% interval as a whisker and the overall
    NPS as a dashed line for reference; a group clearly below the rest of the customers
    (:func:`cxcore.drivers.versus_rest`) is red *and* labelled "▼ below the rest" (above:
    "▲ above the rest")."""
    data = [{"group": str(r["group"]), "nps": r["nps"], "low": r["low"], "high": r["high"],
             "n": r["n"], "moe": r["moe"], "position": r["vs_rest"] or "in line",
             "note": REST_WORDS[r["vs_rest"]]} for r in rows if r["nps"] is not None]
    frame = pd.DataFrame(data, columns=["group", "nps", "low", "high", "n", "moe", "position",
                                        "note"])
    y = alt.Y("group:N", title=None, sort="-x")
    x_scale = alt.Scale(domain=[-100, 100])
    tooltip = [alt.Tooltip("group:N", title=by), alt.Tooltip("nps:Q", format="+.0f"),
               alt.Tooltip("moe:Q", format=".0f", title="± margin"),
               alt.Tooltip("n:Q", title="answers")]
    bars = alt.Chart(frame).mark_bar(size=28).encode(
        x=alt.X("nps:Q", scale=x_scale, title=_axis_title(overall)), y=y,
        color=alt.Color("position:N", legend=None, scale=alt.Scale(
            domain=["below", "in line", "above"],
            range=[COLORS["red"], COLORS["primary"], COLORS["green"]])),
        tooltip=tooltip)
    whisker = alt.Chart(frame).mark_rule(color="#222", strokeWidth=2).encode(
        x="low:Q", x2="high:Q", y=y)
    notes = alt.Chart(frame).mark_text(align="left", dx=10, fontSize=FONT_SIZE - 2,
                                       fontWeight="bold", color="#222").encode(
        x="high:Q", y=y, text="note:N")
    layers = [bars, whisker, *_overall_rule(overall), notes]
    return _big(alt.layer(*layers).properties(
        title=title or f"NPS by {by}", height=bars_height(len(frame)) + AXIS_PX // 2))


# ---- key driver analysis ------------------------------------------------------------------------

#: The quadrants of importance × performance: colour and shape (a second encoding).
QUADRANT_ORDER = ["fix first", "keep up", "watch", "less urgent"]
QUADRANT_COLORS = [COLORS["red"], COLORS["green"], COLORS["yellow"], COLORS["passive"]]
QUADRANT_SHAPES = ["square", "circle", "triangle-up", "diamond"]


def weights_chart(drivers: list[dict[str, Any]], outcome: str,
                  title: str | None = None) -> alt.Chart:
    """Each question's share of the explained variance of ``outcome`` as a horizontal bar,
    most important at the top, with its bootstrap 95% interval as an error bar and the share
    written beside it ("23% (20-26)"). Rows are :func:`cxcore.drivers.key.key_drivers`
    drivers."""
    rows = [{"label": d["label"], "weight": d["weight_pct"], "low": d["low_pct"],
             "high": d["high_pct"], "rank": d["rank"], "quadrant": d["quadrant"],
             "stability": d["rank_stability"],
             "text": f"{d['weight_pct']:.0f}% ({d['low_pct']:.0f}-{d['high_pct']:.0f})"}
            for d in drivers]
    frame = pd.DataFrame(rows, columns=["label", "weight", "low", "high", "rank", "quadrant",
                                        "stability", "text"])
    top = max([50.0, *(r["high"] for r in rows)])
    x_scale = alt.Scale(domain=[0, min(100.0, top * 1.25)])
    # An explicit order: a sort field is not applied consistently across layers.
    order = [r["label"] for r in sorted(rows, key=lambda r: r["rank"])]
    y = alt.Y("label:N", title=None, sort=order)
    tooltip = [alt.Tooltip("label:N", title="question"),
               alt.Tooltip("weight:Q", format=".1f", title="share %"),
               alt.Tooltip("low:Q", format=".1f", title="95% low"),
               alt.Tooltip("high:Q", format=".1f", title="95% high"),
               alt.Tooltip("stability:Q", format=".0%", title="keeps its rank"),
               alt.Tooltip("quadrant:N")]
    bars = alt.Chart(frame).mark_bar(color=COLORS["primary"], size=26).encode(
        x=alt.X("weight:Q", scale=x_scale,
                title="Share of what the questions explain (%; line: 95% interval)"),
        y=y, tooltip=tooltip)
    whisker = alt.Chart(frame).mark_errorbar(ticks=alt.MarkConfig(size=12, strokeWidth=2),
                                             thickness=2, color="#222").encode(
        x=alt.X("low:Q", scale=x_scale, title=None), x2="high:Q", y=y)
    text = alt.Chart(frame).mark_text(align="left", dx=8, fontSize=FONT_SIZE - 2,
                                      color="#222").encode(
        x=alt.X("high:Q", scale=x_scale, title=None), y=y, text="text:N")
    return _big(alt.layer(bars, whisker, text).properties(
        title=title or f"What explains {outcome.lower()}", height=bars_height(len(frame))))


def place_labels(rows: list[dict[str, Any]], x_max: float, y_low: float, y_high: float,
                 width: float = 700.0, height: float = 330.0, char_px: float = 7.0,
                 line_px: float = 16.0) -> list[tuple[float, float, str, str]]:
    """Greedy placement of point labels so they do not overlap each other or the points:
    in the most important first order, each label tries eight spots around its point
    (right/left, above/below, near then farther) in an assumed plot of ``width`` × ``height``
    pixels; a label with no free spot shows the question's rank number instead. Returns per
    row (label_x, label_y in data units, align "left"/"right", text)."""
    def px(x, y):
        return x / x_max * width, (y_high - y) / (y_high - y_low) * height

    boxes = []  # placed label boxes and the points, in pixels
    for r in rows:
        cx, cy = px(r["weight"], r["performance"])
        boxes.append((cx - 9, cy - 9, cx + 9, cy + 9))
    spots = [(10, -13), (10, 13), (-10, -13), (-10, 13), (10, -28), (10, 28), (-10, -28),
             (-10, 28)]

    def free(box):
        x0, y0, x1, y1 = box
        if x0 < 0 or x1 > width or y0 < 0 or y1 > height:
            return False
        return all(x1 <= b[0] or x0 >= b[2] or y1 <= b[1] or y0 >= b[3] for b in boxes)

    out = {}
    order = sorted(range(len(rows)), key=lambda i: -rows[i]["weight"])
    for i in order:
        r = rows[i]
        cx, cy = px(r["weight"], r["performance"])
        placed = None
        for text in (r["label"], str(r["rank"])):
            w = len(text) * char_px
            for dx, dy in spots:
                x0 = cx + dx if dx > 0 else cx + dx - w
                box = (x0, cy + dy - line_px / 2, x0 + w, cy + dy + line_px / 2)
                if free(box):
                    placed = (dx, dy, text, box)
                    break
            if placed:
                break
        if placed is None:
            text = str(r["rank"])
            w = len(text) * char_px
            placed = (10, -13, text, (cx + 10, cy - 21, cx + 10 + w, cy - 5))
        dx, dy, text, box = placed
        boxes.append(box)
        out[i] = (r["weight"] + dx / width * x_max,
                  r["performance"] - dy / height * (y_high - y_low),
                  "left" if dx > 0 else "right", text)
    return [out[i] for i in range(len(rows))]


def quadrant_chart(drivers: list[dict[str, Any]], lines: dict[str, float],
                   performance_title: str = "Performance (mean, 0-100 of the scale)",
                   title: str = "Importance × performance: what to act on first") -> alt.Chart:
    """Importance (share of explained variance) across, performance up, one point per
    question, its colour *and* shape naming the quadrant, its label beside it where there is
    room (:func:`place_labels`; otherwise its rank in the table); dashed lines
    at the average share and the average performance, and the four quadrant names in plain
    words in the corners ("fix first" bottom right: important and scoring low)."""
    rows = [{"label": d["label"], "weight": d["weight_pct"], "performance": d["performance"],
             "quadrant": d["quadrant"], "low": d["low_pct"], "high": d["high_pct"],
             "rank": d.get("rank", i + 1)}
            for i, d in enumerate(x for x in drivers if x.get("performance") is not None)]
    x_max = max([lines["weight_pct"] * 2, *(r["weight"] for r in rows)]) * 1.15
    perfs = [r["performance"] for r in rows] or [lines["performance"]]
    spread = max(max(perfs) - min(perfs), 10.0)
    y_low = max(0.0, min(perfs) - 0.35 * spread)
    y_high = min(100.0, max(perfs) + 0.35 * spread)
    for r, (lx, ly, align, text) in zip(rows, place_labels(rows, x_max, y_low, y_high),
                                        strict=True):
        r.update(label_x=lx, label_y=ly, align=align, text=text)
    frame = pd.DataFrame(rows, columns=["label", "weight", "performance", "quadrant", "low",
                                        "high", "rank", "label_x", "label_y", "align", "text"])
    x_scale = alt.Scale(domain=[0, x_max], nice=False)
    y_scale = alt.Scale(domain=[y_low, y_high], nice=False, zero=False)
    tooltip = [alt.Tooltip("label:N", title="question"),
               alt.Tooltip("weight:Q", format=".1f", title="importance %"),
               alt.Tooltip("performance:Q", format=".0f"), alt.Tooltip("quadrant:N")]
    x = alt.X("weight:Q", scale=x_scale, title="Importance: share of what the questions "
                                               "explain (%)")
    y = alt.Y("performance:Q", scale=y_scale, title=performance_title)
    points = alt.Chart(frame).mark_point(size=260, filled=True, opacity=1, stroke="#222",
                                         strokeWidth=1).encode(
        x=x, y=y,
        color=alt.Color("quadrant:N", title=None,
                        scale=alt.Scale(domain=QUADRANT_ORDER, range=QUADRANT_COLORS),
                        legend=alt.Legend(orient="bottom", symbolSize=200)),
        shape=alt.Shape("quadrant:N", scale=alt.Scale(domain=QUADRANT_ORDER,
                                                      range=QUADRANT_SHAPES), legend=None),
        tooltip=tooltip)
    labels = [alt.Chart(frame[frame["align"] == a]).mark_text(
        align=a, baseline="middle", fontSize=FONT_SIZE - 3, color="#222").encode(
        x=alt.X("label_x:Q", scale=x_scale), y=alt.Y("label_y:Q", scale=y_scale),
        text="text:N", tooltip=tooltip) for a in ("left", "right")]
    guide = pd.DataFrame({"weight": [lines["weight_pct"]], "performance": [lines["performance"]]})
    vline = alt.Chart(guide).mark_rule(color="#666", strokeDash=[6, 4], strokeWidth=2).encode(
        x=alt.X("weight:Q", scale=x_scale))
    hline = alt.Chart(guide).mark_rule(color="#666", strokeDash=[6, 4], strokeWidth=2).encode(
        y=alt.Y("performance:Q", scale=y_scale))
    corners = pd.DataFrame([
        {"weight": x_max * 0.98, "performance": y_low + 0.03 * (y_high - y_low),
         "name": "FIX FIRST", "align": "right"},
        {"weight": x_max * 0.98, "performance": y_high - 0.03 * (y_high - y_low),
         "name": "KEEP UP", "align": "right"},
        {"weight": x_max * 0.02, "performance": y_low + 0.03 * (y_high - y_low),
         "name": "WATCH", "align": "left"},
        {"weight": x_max * 0.02, "performance": y_high - 0.03 * (y_high - y_low),
         "name": "LESS URGENT", "align": "left"}])
    names = [alt.Chart(corners[corners["align"] == a]).mark_text(
        align=a, baseline="middle", fontSize=FONT_SIZE, fontWeight="bold", color="#555",
        opacity=0.8).encode(x=alt.X("weight:Q", scale=x_scale),
                            y=alt.Y("performance:Q", scale=y_scale), text="name:N")
        for a in ("left", "right")]
    return _big(alt.layer(vline, hline, *names, points, *labels).properties(
        title=title, height=460))
