"""Altair charts of journey health: the ecosystem map and health over time, plus PNG/SVG export.

The map puts the journey's steps in columns (in order, labels on top) and its actors in rows,
frontstage actors above a dashed, labelled **line of visibility** and backstage actors below it.
Each rated part is a dot whose colour *and* shape *and* letter say its health (green circle "G",
yellow triangle "Y", red square "R"), so the map reads in greyscale and for colour-blind
viewers; parts not yet rated are hollow grey circles. Builders return Altair charts so tests can
check the spec without a browser; :func:`to_png` / :func:`to_svg` render them for slides.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd

from cxcore import journeys as jr
from cxcore.locale_settings import format_time
from cxcore.workspace import WorkspaceSession

HEALTH_COLOURS = {"green": "#1b7837", "yellow": "#f6c141", "red": "#b2182b"}
HEALTH_SHAPES = {"green": "circle", "yellow": "triangle-up", "red": "square"}
HEALTH_LETTERS = {"green": "G", "yellow": "Y", "red": "R"}
#: The map's shapes as text characters every common font has (DejaVu, Liberation, Source Sans),
#: for tables, captions and choices: emoji circles render as empty boxes without an emoji font.
HEALTH_MARKS = {"green": "●", "yellow": "▲", "red": "■", "not rated": "○"}
HEALTH_LABELS = {"green": "Green: working well", "yellow": "Yellow: people unhappy",
                 "red": "Red: people very unhappy"}
UNRATED_COLOUR = "#8c8c8c"
VISIBILITY_ABOVE = "above: the customer sees it"
VISIBILITY_TEXT = "LINE OF VISIBILITY"
VISIBILITY_BELOW = "below: backstage"
VISIBILITY_LABEL = f"{VISIBILITY_ABOVE}\n{VISIBILITY_TEXT}\n{VISIBILITY_BELOW}"
UNRATED_NOTE = "Hollow dashed circle: takes part, not rated yet"
#: One font stack for every text in the chart: Streamlit's own web font on the page, a
#: metric-compatible Arial where the map is rendered for slides.
FONT = '"Source Sans", "Source Sans 3", "Source Sans Pro", Arial, "Liberation Sans", sans-serif'
TITLE_SIZE = 20
SUBTITLE_SIZE = 14
STEP_FONT_SIZE = 14  # step labels (bold), on top
ACTOR_FONT_SIZE = 14
LEGEND_FONT_SIZE = 14
LINE_LABEL_SIZE = 13
LETTER_SIZE = 12
STEP_WIDTH = 150  # pixels per step column in the chart's own (export) size
ACTOR_HEIGHT = 48
MIN_WIDTH, MIN_HEIGHT = 360, 120
MAX_STEP_LINES = 3
LINE = 17  # step label line height, pixels
#: Average width of a bold step-label character, as a share of the font size (generous, so a
#: wrapped line fits its column in Source Sans and in Arial).
CHAR_WIDTH = 0.6
COLUMN_PADDING = 12  # pixels a step label keeps clear of its column's edges
TOOLTIP_TEXT_LIMIT = 400


def _short(text: str | None, limit: int = TOOLTIP_TEXT_LIMIT) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unique_labels(names: Sequence[str]) -> list[str]:
    """Display labels, made unique (Altair matches rows by label) by numbering repeats."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = " ".join((name or "").split()) or "(unnamed)"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return out


def chars_per_line(column_width: float, font_size: int = STEP_FONT_SIZE) -> int:
    """How many characters of a bold label fit on one line of a column ``column_width`` wide."""
    return max(4, int((column_width - COLUMN_PADDING) // (CHAR_WIDTH * font_size)))


def wrap_label(text: str, width: int) -> list[str]:
    """Greedy word wrap into lines of at most ``width`` characters (a longer word stays whole).

    The same rule as the map's step-label expression (:func:`_step_label_expr`), which wraps
    by the column width the browser actually draws.
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _step_label_expr(n_steps: int, n_lines: int) -> str:
    """Vega expression: the step label wrapped to the *drawn* column width (``width`` is the
    plot's width after Streamlit stretches the chart to the page, or the chart's own width when
    exported), as exactly ``n_lines`` lines: blank ones first so labels sit bottom-aligned above
    the map, the last one ending in "…" when the label needs more."""
    chars = (f"max(4, floor((width / {n_steps} - {COLUMN_PADDING}) / "
             f"{CHAR_WIDTH * STEP_FONT_SIZE:g}))")
    # Greedy wrap: up to `chars` characters, then the spaces after them become a line break.
    lines = (f"split(trim(replace(datum.label, regexp('(.{{1,' + {chars} + '}})(\\\\s+|$)', "
             f"'g'), '$1\\n')), '\\n')")
    cases = []
    for have in range(1, n_lines):
        padded = ["''"] * (n_lines - have) + [f"{lines}[{i}]" for i in range(have)]
        cases.append(f"length({lines}) == {have} ? [{', '.join(padded)}]")
    cut = ", ".join([f"{lines}[{i}]" for i in range(n_lines - 1)] +
                    [f"{lines}[{n_lines - 1}] + (length({lines}) > {n_lines} ? '…' : '')"])
    return " : ".join([*cases, f"[{cut}]"])


def map_data(steps: Sequence[dict], actors: Sequence[dict], parts: Sequence[dict],
             where: Any = None) -> tuple[list[str], list[str], pd.DataFrame]:
    """Step labels (in order, numbered), actor labels (frontstage first) and one row per part.

    ``where`` (a workspace session or locale) sets the time zone of "last change" times.

    Inputs are :func:`cxcore.journeys.list_steps`, ``list_actors`` and ``list_parts`` rows.
    Labels are single lines (whitespace collapsed); the map wraps step labels as it draws them.
    """
    steps = sorted(steps, key=lambda s: (s["position"], s["id"]))
    actors = sorted(actors, key=lambda a: (jr.STAGES.index(a["stage"]), a["position"], a["id"]))
    step_labels = [f"{i}. {label}" for i, label in
                   enumerate(_unique_labels([s["name"] for s in steps]), start=1)]
    actor_labels = _unique_labels([a["name"] for a in actors])
    step_of = {s["id"]: step_labels[i] for i, s in enumerate(steps)}
    actor_of = {a["id"]: (actor_labels[i], a) for i, a in enumerate(actors)}
    rows = []
    for p in parts:
        if p["step_id"] not in step_of or p["actor_id"] not in actor_of:
            continue
        label, actor = actor_of[p["actor_id"]]
        health = p.get("health")
        rows.append({
            "part_id": p["id"], "step": step_of[p["step_id"]], "actor": label,
            "side": "frontstage (seen)" if actor["stage"] == "frontstage" else
                    "backstage (unseen)",
            "health": health or "not rated",
            "health_label": HEALTH_LABELS.get(health, "Not rated yet"),
            "letter": HEALTH_LETTERS.get(health, ""),
            "whose_view": _short(p.get("viewpoint")), "note": _short(p.get("note")),
            "owner": p.get("owner") or "",
            "last_change": " by ".join(x for x in (format_when(p.get("updated_at"), where),
                                                   p.get("updated_by")) if x),
            "evidence": p.get("evidence_count") or 0,
            "open_actions": p.get("open_actions") or 0,
        })
    return step_labels, actor_labels, pd.DataFrame(rows, columns=[
        "part_id", "step", "actor", "side", "health", "health_label", "letter", "whose_view",
        "note", "owner", "last_change", "evidence", "open_actions"])


def format_when(value: str | None, where: Any = None) -> str:
    """A stored ISO timestamp in the workspace's time zone (``where``: a session or locale;
    UTC without one), labelled: "25 Nov 2026 10:17 CET" ("" for none)."""
    return format_time(value, where)


def map_size(n_steps: int, n_actors: int) -> tuple[int, int]:
    """The map's plot width and height in pixels (its own size, as exported)."""
    return max(MIN_WIDTH, STEP_WIDTH * n_steps), max(MIN_HEIGHT, ACTOR_HEIGHT * n_actors)


def map_chart(steps: Sequence[dict], actors: Sequence[dict], parts: Sequence[dict], *,
              title: str | None = None, where: Any = None) -> alt.LayerChart | alt.Chart:
    """The journey's ecosystem map (see the module docstring for how it is drawn).

    Layers, in order: ``unrated`` (hollow circles), ``rated`` (one filled mark per rated part:
    colour + shape), ``letters`` (G/Y/R on each rated mark), ``visibility`` (the rule) and
    ``visibility label`` (three lines centred on the rule, in the right margin: what is above,
    "LINE OF VISIBILITY", what is below). With no steps or no actors, a one-line hint instead.
    """
    step_labels, actor_labels, df = map_data(steps, actors, parts, where)
    if not step_labels or not actor_labels:
        hint = pd.DataFrame({"text": ["Add steps and actors to draw the map."]})
        return _configure(alt.Chart(hint).mark_text(size=SUBTITLE_SIZE).encode(
            text="text:N").properties(width=400, height=60, title=title or ""))
    n_front = sum(a["stage"] == "frontstage" for a in actors)
    n_steps = len(step_labels)
    width, height = map_size(n_steps, len(actor_labels))
    # Lines the step labels need at this (the narrowest) column width; wider columns, when the
    # page stretches the chart, need no more.
    fit = chars_per_line(width / n_steps)
    n_lines = min(MAX_STEP_LINES, max(len(wrap_label(s, fit)) for s in step_labels))
    x = alt.X("step:N", sort=step_labels, title=None,
              scale=alt.Scale(domain=step_labels, type="band", paddingInner=0, paddingOuter=0),
              axis=alt.Axis(orient="top", labelAngle=0,
                            labelLimit=alt.expr(f"width / {n_steps} - 4"),
                            labelExpr=_step_label_expr(n_steps, n_lines),
                            labelLineHeight=LINE, labelPadding=6 + LINE * (n_lines - 1),
                            labelFontWeight="bold", labelFontSize=STEP_FONT_SIZE,
                            labelColor="#111111", grid=True, tickBand="extent",
                            domain=False, ticks=False))
    y = alt.Y("actor:N", sort=actor_labels, title=None,
              scale=alt.Scale(domain=actor_labels, type="band", paddingInner=0,
                              paddingOuter=0),
              axis=alt.Axis(labelLimit=220, labelFontSize=ACTOR_FONT_SIZE, labelPadding=8,
                            labelColor="#111111", grid=True, tickBand="extent", domain=False,
                            ticks=False))
    tooltip = [alt.Tooltip("step:N", title="Step"), alt.Tooltip("actor:N", title="Actor"),
               alt.Tooltip("side:N", title="Side"), alt.Tooltip("health:N", title="Health"),
               alt.Tooltip("whose_view:N", title="Whose view"),
               alt.Tooltip("note:N", title="Note"), alt.Tooltip("owner:N", title="Owner"),
               alt.Tooltip("last_change:N", title="Last change"),
               alt.Tooltip("evidence:Q", title="Evidence quotes"),
               alt.Tooltip("open_actions:Q", title="Open actions")]
    rated_df = df[df["health"].isin(jr.HEALTHS)]
    unrated_df = df[~df["health"].isin(jr.HEALTHS)]
    domain = [HEALTH_LABELS[h] for h in jr.HEALTHS]
    legend = alt.Legend(title="Health", orient="bottom", direction="horizontal")
    colour = alt.Color("health_label:N", title="Health", legend=legend, scale=alt.Scale(
        domain=domain, range=[HEALTH_COLOURS[h] for h in jr.HEALTHS]))
    shape = alt.Shape("health_label:N", title="Health", legend=legend, scale=alt.Scale(
        domain=domain, range=[HEALTH_SHAPES[h] for h in jr.HEALTHS]))
    unrated = alt.Chart(unrated_df, name="unrated").mark_point(
        shape="circle", filled=False, size=320, strokeWidth=1.8, color=UNRATED_COLOUR,
        strokeDash=[3, 2]).encode(x=x, y=y, tooltip=tooltip)
    rated = alt.Chart(rated_df, name="rated").mark_point(
        filled=True, size=520, opacity=1, stroke="#222222", strokeWidth=0.8
    ).encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    letters = alt.Chart(rated_df, name="letters").mark_text(
        fontSize=LETTER_SIZE, fontWeight="bold", dy=1).encode(
        x=x, y=y, text="letter:N", tooltip=tooltip,
        color=alt.condition(alt.datum.health == "yellow", alt.value("#000000"),
                            alt.value("#ffffff")))
    if n_front < len(actor_labels):
        line_at, band = actor_labels[n_front], 0.0  # top edge of the first backstage row
    else:
        line_at, band = actor_labels[-1], 1.0  # no backstage yet: bottom edge of the map
    line_y = alt.Y("actor:N", sort=actor_labels, bandPosition=band, title=None,
                   scale=alt.Scale(domain=actor_labels, type="band", paddingInner=0,
                                   paddingOuter=0))
    rule = alt.Chart(pd.DataFrame({"actor": [line_at]}), name="visibility").mark_rule(
        color="#333333", strokeWidth=2.5, strokeDash=[8, 4]).encode(y=line_y)
    # In the right margin, beside the line, so it never covers a dot: one text per line,
    # "LINE OF VISIBILITY" level with the rule, the other two just above and below it. The
    # plot's right edge is an expression (not a fixed pixel value), so a chart that is
    # resized to fit its container keeps the label beside it.
    gap = LINE_LABEL_SIZE // 2 + 4
    label_df = pd.DataFrame({"actor": [line_at] * 3,
                             "label": [VISIBILITY_ABOVE, VISIBILITY_TEXT, VISIBILITY_BELOW],
                             "baseline": ["bottom", "middle", "top"],
                             "dy": [-gap, 0, gap]})
    rule_label = alt.layer(*[
        alt.Chart(label_df.iloc[[i]], name=name).mark_text(
            align="left", baseline=row["baseline"], dx=10, dy=row["dy"],
            fontSize=LINE_LABEL_SIZE, fontWeight="bold" if i == 1 else "normal",
            color="#222222", x=alt.expr("width")).encode(y=line_y, text="label:N")
        for i, (name, row) in enumerate(zip(
            ("visibility above", "visibility label", "visibility below"),
            label_df.to_dict("records"), strict=True))])
    chart = alt.layer(unrated, rated, letters, rule, *rule_label.layer).properties(
        width=width, height=height, title=alt.Title(
            title or "", subtitle=UNRATED_NOTE if len(unrated_df) else "", anchor="start",
            offset=10),
        padding={"left": 8, "top": 8, "right": 16, "bottom": 8})
    return _configure(chart.configure_view(stroke="#999999"))


def _configure(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """One font family and projector-sized type for every text in the chart."""
    return chart.configure(font=FONT).configure_axis(
        labelFont=FONT, titleFont=FONT, gridColor="#dddddd").configure_legend(
        labelFont=FONT, titleFont=FONT, labelFontSize=LEGEND_FONT_SIZE,
        titleFontSize=LEGEND_FONT_SIZE, symbolSize=220, labelLimit=0).configure_title(
        font=FONT, subtitleFont=FONT, fontSize=TITLE_SIZE, subtitleFontSize=SUBTITLE_SIZE,
        subtitleColor="#444444").configure_text(font=FONT)


def journey_map(session: WorkspaceSession, journey_id: int) -> alt.LayerChart | alt.Chart:
    """The map of one stored journey (title: its name)."""
    journey = jr.get_journey(session, journey_id)
    return map_chart(jr.list_steps(session, journey_id), jr.list_actors(session, journey_id),
                     jr.list_parts(session, journey_id), title=journey["name"],
                     where=session)


def health_over_time_chart(rows: Sequence[dict], *, width: int = 640
                           ) -> alt.VConcatChart | alt.Chart:
    """Weekly share of green parts (line, 0-100 %) above the weekly count of red parts (bars).

    ``rows`` come from :func:`cxcore.journeys.health_over_time`.
    """
    df = pd.DataFrame(list(rows), columns=["week_end", "green", "yellow", "red", "rated",
                                           "share_green"])
    if df.empty:
        return alt.Chart(pd.DataFrame({"text": ["No health changes recorded yet."]})
                         ).mark_text(size=14).encode(text="text:N").properties(
            width=400, height=60)
    df["week_end"] = pd.to_datetime(df["week_end"])
    x = alt.X("week_end:T", title="Week ending", axis=alt.Axis(format="%d %b %Y"))
    tip = [alt.Tooltip("week_end:T", title="Week ending", format="%d %b %Y"),
           alt.Tooltip("share_green:Q", title="Share green", format=".0%"),
           alt.Tooltip("green:Q", title="Green"), alt.Tooltip("yellow:Q", title="Yellow"),
           alt.Tooltip("red:Q", title="Red"), alt.Tooltip("rated:Q", title="Rated parts")]
    share = alt.Chart(df, name="share green").mark_line(
        color=HEALTH_COLOURS["green"], point=alt.OverlayMarkDef(
            shape="circle", filled=True, size=40, color=HEALTH_COLOURS["green"])
    ).encode(x=x, y=alt.Y("share_green:Q", title="Share of rated parts green",
                          scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
             tooltip=tip).properties(width=width, height=170)
    red = alt.Chart(df, name="red count").mark_bar(
        color=HEALTH_COLOURS["red"], stroke="#222222", strokeWidth=0.5, size=12).encode(
        x=x, y=alt.Y("red:Q", title="Red parts", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=tip
    ).properties(width=width, height=110)
    return alt.vconcat(share, red).resolve_scale(x="shared")


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """Render a chart to PNG bytes (``scale`` 2 for sharp slides)."""
    buf = io.BytesIO()
    chart.save(buf, format="png", scale_factor=scale)
    return buf.getvalue()


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Render a chart to an SVG document (text)."""
    buf = io.StringIO()
    chart.save(buf, format="svg")
    return buf.getvalue()
