"""Altair charts of survey comments' themes and of one customer's scores (specs testable
without a browser)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

GROUP_COLOURS = {"detractor": "#d62728", "passive": "#bdbdbd", "promoter": "#2ca02c"}
#: Dates as the app writes them (cxui.shell.day): "5 Jan 2026".
DAY_FORMAT = "%-d %b %Y"
_COLUMNS = ["period", "theme", "comments", "period_comments", "share_pct", "nps", "low", "high",
            "too_few"]


def _frame(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, list[str]]:
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    periods = list(dict.fromkeys(frame["period"]))  # rows come complete and in order
    frame["noise"] = frame["too_few"].map({True: "too few to tell", False: "enough answers"})
    return frame, periods


def theme_share_chart(rows: list[dict[str, Any]], period_title: str = "Quarter") -> alt.Chart:
    """Lines: the share of each period's comments that carried each theme.

    ``rows`` come from :func:`cxcore.comments.theme_stats`; every period is on the axis, an
    empty one included."""
    frame, periods = _frame(rows)
    lines = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("period:O", title=period_title, scale=alt.Scale(domain=periods),
                axis=alt.Axis(labelAngle=0 if "Q" in "".join(periods[:1]) else -45)),
        y=alt.Y("share_pct:Q", title="Share of the period's comments (%)"),
        color=alt.Color("theme:N", title="Theme"),
        tooltip=[alt.Tooltip("period:O", title=period_title),
                 alt.Tooltip("theme:N", title="Theme"),
                 alt.Tooltip("comments:Q", title="Comments with the theme"),
                 alt.Tooltip("period_comments:Q", title="Comments in the period"),
                 alt.Tooltip("share_pct:Q", title="Share (%)", format=".1f")],
    )
    return alt.layer(lines, title="Themes in comments over time").properties(height=300)


def theme_nps_chart(rows: list[dict[str, Any]], period_title: str = "Quarter") -> alt.Chart:
    """NPS of the comments carrying each theme per period, with its 95% interval as a bar;
    hollow points mark too few answers to tell. Periods without answers have no point."""
    frame, periods = _frame(rows)
    frame = frame[frame["nps"].notna()]
    x = alt.X("period:O", title=period_title, scale=alt.Scale(domain=periods),
              axis=alt.Axis(labelAngle=0 if "Q" in "".join(periods[:1]) else -45))
    offset = alt.XOffset("theme:N")
    base = alt.Chart(frame).encode(x=x, xOffset=offset, color=alt.Color("theme:N", title="Theme"))
    bars = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        y=alt.Y("low:Q", title="NPS of the theme's comments", scale=alt.Scale(domain=[-100, 100])),
        y2="high:Q")
    points = base.mark_point(size=70, strokeWidth=2).encode(
        y="nps:Q",
        fill=alt.condition("datum.too_few", alt.value("white"), alt.Color("theme:N")),
        tooltip=[alt.Tooltip("period:O", title=period_title), alt.Tooltip("theme:N"),
                 alt.Tooltip("nps:Q", title="NPS", format="+.0f"),
                 alt.Tooltip("low:Q", title="95% low", format="+.0f"),
                 alt.Tooltip("high:Q", title="95% high", format="+.0f"),
                 alt.Tooltip("comments:Q", title="Comments"),
                 alt.Tooltip("noise:N", title="Sample")])
    return alt.layer(bars, points, title="NPS by theme (bars: 95% interval; hollow: too few "
                                         "to tell)").properties(height=300)


def customer_nps_chart(points: list[dict[str, Any]]) -> alt.Chart:
    """One customer's NPS answers over time, coloured by group; ``points`` have date, nps,
    group (from :func:`cxcore.customer_view.customer_timeline`)."""
    frame = pd.DataFrame(points, columns=["date", "nps", "group"])
    # One date format on the axis and in the tooltip, the app's ("5 Jan 2026"): Vega's
    # default mixes "March" and "Mar 08" on one axis.
    axis = alt.Axis(format=DAY_FORMAT, labelAngle=-30, labelOverlap=True)
    return alt.Chart(frame, title="NPS answers over time").mark_line(color="#999").encode(
        x=alt.X("date:T", title="Answered", axis=axis),
        y=alt.Y("nps:Q", title="NPS answer (0-10)", scale=alt.Scale(domain=[0, 10])),
    ) + alt.Chart(frame).mark_point(size=90, filled=True).encode(
        x="date:T", y="nps:Q",
        color=alt.Color("group:N", title="Group",
                        scale=alt.Scale(domain=list(GROUP_COLOURS),
                                        range=list(GROUP_COLOURS.values()))),
        tooltip=[alt.Tooltip("date:T", title="Answered", format=DAY_FORMAT), "nps:Q",
                 "group:N"])
