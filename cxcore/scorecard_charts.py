"""Altair charts for the scorecard, built from the plain rows that :mod:`cxcore.scorecard`
returns. Large fonts and one fixed palette so they read on a projector; no streamlit here, so
the specs can be tested as dictionaries.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

#: One colour per meaning, used everywhere (colour-blind-safe where it matters).
COLORS = {
    "primary": "#1f4e79",
    "band": "#9ecae1",
    "band_edge": "#4a90c2",
    "promoter": "#1a9850",
    "passive": "#a6a6a6",
    "detractor": "#d73027",
    "green": "#1a9850",
    "yellow": "#f2b701",
    "red": "#d73027",
    "revenue": "#7b3294",
}
GROUP_ORDER = ["promoter", "passive", "detractor"]
FONT_SIZE = 16
TITLE_SIZE = 20
#: Pixels a chart's height needs besides its bars (the height is the whole chart's: Streamlit
#: and the PNG export both fit the plot, axes, legend and title into it).
BAR_PX = 44            # one horizontal bar and the gap around it
TITLE_PX = 40          # the title line
AXIS_PX = 56           # a horizontal axis: labels, title, padding
LEGEND_PX = 48         # a legend below the plot


def bars_height(n_bars: int, *, title: bool = True, axis: bool = True,
                legend: bool = False) -> int:
    """The total height of a horizontal bar chart with ``n_bars`` bars (at least one)."""
    return (BAR_PX * max(n_bars, 1) + (TITLE_PX if title else 0) + (AXIS_PX if axis else 0)
            + (LEGEND_PX if legend else 0))


def _big(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (chart.properties(autosize=alt.AutoSizeParams(type="fit", contains="padding"))
            .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
            .configure_legend(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE)
            .configure_title(fontSize=TITLE_SIZE, anchor="start")
            .configure_view(strokeWidth=0))


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in columns:
        if column not in frame:
            frame[column] = pd.Series(dtype="float64")
    return frame


def nps_trend_chart(trend: list[dict[str, Any]], title: str = "NPS by month") -> alt.Chart:
    """NPS per month as a line, its adjusted-Wald 95% interval as a shaded band behind it and as
    a whisker on every point (so a month on its own still shows its interval)."""
    frame = _frame(trend, ["month", "nps", "nps_low", "nps_high", "nps_n"])
    frame = frame[frame["nps"].notna()]
    base = alt.Chart(frame).encode(
        x=alt.X("month:O", title=None, sort=None, axis=alt.Axis(labelAngle=-45)))
    interval_tooltip = [alt.Tooltip("month:O"),
                        alt.Tooltip("nps_low:Q", format=".1f", title="low"),
                        alt.Tooltip("nps_high:Q", format=".1f", title="high")]
    band = base.mark_area(opacity=0.35, color=COLORS["band"]).encode(
        y=alt.Y("nps_low:Q", title="NPS", scale=alt.Scale(domain=[-100, 100])),
        y2="nps_high:Q", tooltip=interval_tooltip)
    whisker = base.mark_errorbar(ticks=alt.MarkConfig(size=14, strokeWidth=2), thickness=2,
                                 color=COLORS["band_edge"]).encode(
        y=alt.Y("nps_low:Q", title="NPS"), y2="nps_high:Q", tooltip=interval_tooltip)
    line = base.mark_line(point=alt.OverlayMarkDef(size=100), color=COLORS["primary"],
                          strokeWidth=3).encode(
        y=alt.Y("nps:Q"),
        tooltip=[alt.Tooltip("month:O"), alt.Tooltip("nps:Q", format=".1f", title="NPS"),
                 alt.Tooltip("nps_n:Q", title="answers")])
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(color="#666", strokeDash=[4, 4]).encode(
        y="y:Q")
    return _big(alt.layer(band, zero, whisker, line).properties(title=title, height=360))


def metric_trend_chart(trend: list[dict[str, Any]], field: str, title: str,
                       color: str = COLORS["primary"]) -> alt.Chart:
    """One metric per month as a line (months without a value are left out)."""
    frame = _frame(trend, ["month", field])
    frame = frame[frame[field].notna()]
    chart = alt.Chart(frame).mark_line(point=True, color=color, strokeWidth=3).encode(
        x=alt.X("month:O", title=None, sort=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y(f"{field}:Q", title=title),
        tooltip=[alt.Tooltip("month:O"), alt.Tooltip(f"{field}:Q", format=",.1f")])
    return _big(chart.properties(title=title, height=260))


def sparkline(trend: list[dict[str, Any]], field: str, color: str = COLORS["primary"]
              ) -> alt.Chart:
    """A tiny line of ``field`` by month, without axes, for a metric card."""
    frame = _frame(trend, ["month", field])
    frame = frame[frame[field].notna()]
    chart = alt.Chart(frame).mark_line(color=color, strokeWidth=2).encode(
        x=alt.X("month:O", axis=None, sort=None),
        y=alt.Y(f"{field}:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("month:O"), alt.Tooltip(f"{field}:Q", format=",.1f")])
    return chart.properties(height=50).configure_view(strokeWidth=0)


def nps_shares_chart(card: dict[str, Any]) -> alt.Chart:
    """One stacked bar: shares of promoters, passives and detractors (they sum to 100), each
    labelled with its share, and a legend below."""
    rows = [{"group": g, "label": f"{g.capitalize()}s", "share": card.get(f"{g}s_pct"),
             "order": i} for i, g in enumerate(GROUP_ORDER) if card.get(f"{g}s_pct") is not None]
    frame = pd.DataFrame(rows, columns=["group", "label", "share", "order"])
    frame["text"] = [f"{v:.0f}%" if v >= 6 else "" for v in frame["share"]]
    labels = [f"{g.capitalize()}s" for g in GROUP_ORDER]
    base = alt.Chart(frame).encode(
        x=alt.X("share:Q", stack="zero", title=None, scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100],
                              labelExpr="datum.label + '%'")),
        order=alt.Order("order:Q"))
    bars = base.mark_bar(size=BAR_PX - 8).encode(
        color=alt.Color("label:N", scale=alt.Scale(domain=labels, range=[
            COLORS[g] for g in GROUP_ORDER]), sort=labels,
            legend=alt.Legend(orient="bottom", title=None, symbolSize=200)),
        tooltip=[alt.Tooltip("label:N", title="group"),
                 alt.Tooltip("share:Q", format=".1f", title="% of answers")])
    text = base.mark_text(color="white", fontSize=FONT_SIZE, fontWeight="bold",
                          align="center").encode(
        x=alt.X("mid:Q"), text="text:N")
    text = text.transform_stack(stack="share", groupby=[], as_=["lo", "hi"],
                                sort=[alt.SortField("order")]).transform_calculate(
        mid="(datum.lo + datum.hi) / 2")
    return _big(alt.layer(bars, text).properties(
        title="Share of NPS answers", height=bars_height(1, legend=True) - 20))


def breakdown_chart(rows: list[dict[str, Any]], by: str, metric: str = "nps",
                    title: str | None = None) -> alt.Chart:
    """Horizontal bars of ``metric`` per segment or channel; for NPS with its adjusted-Wald 95 %
    interval (``nps_low`` to ``nps_high``, which need not be centred on the bar) as a
    whisker."""
    frame = _frame(rows, [by, metric, "nps_low", "nps_high", "responses", "customers"])
    frame = frame[frame[metric].notna()].copy()
    frame[by] = frame[by].astype(str)
    y = alt.Y(f"{by}:N", title=None, sort="-x")
    bars = alt.Chart(frame).mark_bar(color=COLORS["primary"]).encode(
        x=alt.X(f"{metric}:Q", title=("NPS (line: its 95 % interval)" if metric == "nps"
                                       else title or metric)), y=y,
        tooltip=[alt.Tooltip(f"{by}:N"), alt.Tooltip(f"{metric}:Q", format=",.1f"),
                 alt.Tooltip("responses:Q"), alt.Tooltip("customers:Q")])
    layers = [bars]
    if metric == "nps":
        layers.append(alt.Chart(frame).mark_rule(color="#333", strokeWidth=2).encode(
            x="nps_low:Q", x2="nps_high:Q", y=y,
            tooltip=[alt.Tooltip(f"{by}:N"),
                     alt.Tooltip("nps_low:Q", format=".1f", title="95 % CI low"),
                     alt.Tooltip("nps_high:Q", format=".1f", title="95 % CI high")]))
    return _big(alt.layer(*layers).properties(title=title or metric,
                                              height=bars_height(len(frame))))


def value_by_group_chart(rows: list[dict[str, Any]], field: str = "revenue_per_customer",
                         title: str = "Revenue per customer by NPS group") -> alt.Chart:
    """Bars per NPS group (promoter, passive, detractor) in the group colours. The value axis
    has no title of its own: the chart's title names the measure, and a rotated axis title
    longer than the plot pushed that title out of view."""
    frame = _frame(rows, ["nps_group", field, "customers"])
    frame = frame[frame[field].notna()]
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("nps_group:N", title=None, sort=GROUP_ORDER,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{field}:Q", title=None),
        color=alt.Color("nps_group:N", legend=None, scale=alt.Scale(
            domain=GROUP_ORDER, range=[COLORS[g] for g in GROUP_ORDER])),
        tooltip=[alt.Tooltip("nps_group:N"), alt.Tooltip(f"{field}:Q", format=",.1f"),
                 alt.Tooltip("customers:Q")])
    return _big(chart.properties(title=title, height=280))


def cohort_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """Cohort retention heat map: start month × months since start, colour = % retained."""
    frame = _frame(rows, ["cohort", "offset", "retained_pct", "cohort_size"])
    chart = alt.Chart(frame).mark_rect().encode(
        x=alt.X("offset:O", title="Months since start"),
        y=alt.Y("cohort:O", title="Start month", sort="descending"),
        color=alt.Color("retained_pct:Q", title="% retained",
                        scale=alt.Scale(scheme="blues", domain=[0, 100])),
        tooltip=[alt.Tooltip("cohort:O"), alt.Tooltip("offset:O"),
                 alt.Tooltip("retained_pct:Q", format=".1f"), alt.Tooltip("cohort_size:Q")])
    return _big(chart.properties(title="Retention by start-month cohort",
                                 height=TITLE_PX + AXIS_PX + 26 * max(
                                     frame["cohort"].nunique(), 3)))


def to_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    """The chart as a PNG (rendered by vl-convert, no browser), e.g. for a slide."""
    import io

    buffer = io.BytesIO()
    chart.save(buffer, format="png", scale_factor=scale)
    return buffer.getvalue()
