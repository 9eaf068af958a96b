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

import altair as alt
import pandas as pd

from cxcore import journeys as jr
from cxcore.workspace import WorkspaceSession

HEALTH_COLOURS = {"green": "#1b7837", "yellow": "#f6c141", "red": "#b2182b"}
HEALTH_SHAPES = {"green": "circle", "yellow": "triangle-up", "red": "square"}
HEALTH_LETTERS = {"green": "G", "yellow": "Y", "red": "R"}
HEALTH_LABELS = {"green": "Green: working well", "yellow": "Yellow: people unhappy",
                 "red": "Red: people very unhappy"}
UNRATED_COLOUR = "#8c8c8c"
VISIBILITY_LABEL = "above: the customer sees it\nLINE OF VISIBILITY\nbelow: backstage"
STEP_WIDTH = 110
ACTOR_HEIGHT = 44
TOOLTIP_TEXT_LIMIT = 400
LINE = 13  # step label line height, pixels


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


def _wrap(text: str, width: int = 13, max_lines: int = 3) -> str:
    """Break a label into lines of about ``width`` characters (joined by newlines)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + "…"]
    return "\n".join(lines)


def map_data(steps: Sequence[dict], actors: Sequence[dict], parts: Sequence[dict]
             ) -> tuple[list[str], list[str], pd.DataFrame]:
    """Step labels (in order), actor labels (frontstage first) and one row per part.

    Inputs are :func:`cxcore.journeys.list_steps`, ``list_actors`` and ``list_parts`` rows.
    """
    steps = sorted(steps, key=lambda s: (s["position"], s["id"]))
    actors = sorted(actors, key=lambda a: (jr.STAGES.index(a["stage"]), a["position"], a["id"]))
    # Labels have no newlines of their own (whitespace is collapsed), so the axis can split
    # the wrapped ones on "\n" into several lines.
    # Every label gets the same number of lines (blank ones first) so they sit bottom-aligned.
    wrapped = [_wrap(f"{i}. {label}").split("\n") for i, label in
               enumerate(_unique_labels([s["name"] for s in steps]), start=1)]
    lines = max((len(w) for w in wrapped), default=1)
    step_labels = ["\n".join([""] * (lines - len(w)) + w) for w in wrapped]
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
            "last_change": " by ".join(x for x in (p.get("updated_at"), p.get("updated_by"))
                                       if x),
            "evidence": p.get("evidence_count") or 0,
            "open_actions": p.get("open_actions") or 0,
        })
    return step_labels, actor_labels, pd.DataFrame(rows, columns=[
        "part_id", "step", "actor", "side", "health", "health_label", "letter", "whose_view",
        "note", "owner", "last_change", "evidence", "open_actions"])


def map_chart(steps: Sequence[dict], actors: Sequence[dict], parts: Sequence[dict], *,
              title: str | None = None) -> alt.LayerChart | alt.Chart:
    """The journey's ecosystem map (see the module docstring for how it is drawn).

    Layers, in order: ``unrated`` (hollow circles), ``rated`` (one filled mark per rated part:
    colour + shape), ``letters`` (G/Y/R on each rated mark), ``visibility`` (the rule) and
    ``visibility label``. With no steps or no actors, a one-line hint instead.
    """
    step_labels, actor_labels, df = map_data(steps, actors, parts)
    if not step_labels or not actor_labels:
        return alt.Chart(pd.DataFrame({"text": ["Add steps and actors to draw the map."]})
                         ).mark_text(size=14).encode(text="text:N").properties(
            width=400, height=60, title=title or "")
    n_front = sum(a["stage"] == "frontstage" for a in actors)
    width = max(360, STEP_WIDTH * len(step_labels))
    height = max(120, ACTOR_HEIGHT * len(actor_labels))
    x = alt.X("step:N", sort=step_labels, title=None,
              scale=alt.Scale(domain=step_labels, type="band", paddingInner=0, paddingOuter=0),
              axis=alt.Axis(orient="top", labelAngle=0, labelLimit=STEP_WIDTH - 6,
                            labelExpr="split(datum.label, '\\n')", labelLineHeight=LINE,
                            labelPadding=4 + LINE * (step_labels[0].count("\n")),
                            labelFontWeight="bold", labelFontSize=10, grid=True,
                            tickBand="extent",
                            domain=False, ticks=False))
    y = alt.Y("actor:N", sort=actor_labels, title=None,
              scale=alt.Scale(domain=actor_labels, type="band", paddingInner=0,
                              paddingOuter=0),
              axis=alt.Axis(labelLimit=180, grid=True, tickBand="extent", domain=False,
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
        shape="circle", filled=False, size=260, strokeWidth=1.5, color=UNRATED_COLOUR,
        strokeDash=[3, 2]).encode(x=x, y=y, tooltip=tooltip)
    rated = alt.Chart(rated_df, name="rated").mark_point(
        filled=True, size=420, opacity=1, stroke="#222222", strokeWidth=0.8
    ).encode(x=x, y=y, color=colour, shape=shape, tooltip=tooltip)
    letters = alt.Chart(rated_df, name="letters").mark_text(
        fontSize=10, fontWeight="bold", dy=1).encode(
        x=x, y=y, text="letter:N", tooltip=tooltip,
        color=alt.condition(alt.datum.health == "yellow", alt.value("#000000"),
                            alt.value("#ffffff")))
    if n_front < len(actor_labels):
        line_at, band = actor_labels[n_front], 0.0  # top edge of the first backstage row
    else:
        line_at, band = actor_labels[-1], 1.0  # no backstage yet: bottom edge of the map
    line_df = pd.DataFrame({"actor": [line_at], "label": [VISIBILITY_LABEL]})
    line_y = alt.Y("actor:N", sort=actor_labels, bandPosition=band, title=None,
                   scale=alt.Scale(domain=actor_labels, type="band", paddingInner=0,
                                   paddingOuter=0))
    rule = alt.Chart(line_df, name="visibility").mark_rule(
        color="#333333", strokeWidth=2.5, strokeDash=[8, 4]).encode(y=line_y)
    # In the right margin, beside the line, so it never covers a dot.
    rule_label = alt.Chart(line_df, name="visibility label").mark_text(
        align="left", baseline="middle", dx=8, fontSize=10, fontWeight="bold",
        lineBreak="\n", lineHeight=13, color="#333333",
        # The plot's right edge as an expression (not a fixed pixel value), so a chart that
        # is resized to fit its container keeps the label beside it.
        x=alt.expr("width")).encode(y=line_y, text="label:N")
    chart = alt.layer(unrated, rated, letters, rule, rule_label).properties(
        width=width, height=height, title=alt.Title(
            title or "", subtitle="Hollow dashed circle: takes part, not rated yet",
            anchor="start"))
    return chart.configure_view(stroke="#999999").configure_axis(
        gridColor="#e3e3e3", labelFontSize=11)


def journey_map(session: WorkspaceSession, journey_id: int) -> alt.LayerChart | alt.Chart:
    """The map of one stored journey (title: its name)."""
    journey = jr.get_journey(session, journey_id)
    return map_chart(jr.list_steps(session, journey_id), jr.list_actors(session, journey_id),
                     jr.list_parts(session, journey_id), title=journey["name"])


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
