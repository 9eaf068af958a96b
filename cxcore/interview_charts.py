"""Altair charts of interview themes (built here so their specs can be tested without a browser).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from cxcore.comments import period_labels

SENTIMENT_COLOURS = {"negative": "#d62728", "neutral": "#bdbdbd", "positive": "#2ca02c"}


def all_periods(labels: list[str]) -> list[str]:
    """Every period from the first to the last of ``labels`` (``2026-Q1`` or ``2026-03``), so
    an empty quarter or month stays on the axis instead of being skipped."""
    if not labels:
        return []
    grain = "quarter" if "Q" in labels[0] else "month"
    return period_labels(min(labels), max(labels), grain)


def tag_frequency_chart(rows: list[dict[str, Any]], period_title: str = "Quarter") -> alt.Chart:
    """Stacked bars: how many interviews carried each tag per period.

    ``rows`` come from :func:`cxcore.interviews.tag_frequency` (period, tag, interviews).
    """
    frame = pd.DataFrame(rows, columns=["period", "tag", "interviews"])
    periods = all_periods(frame["period"].tolist())
    return alt.Chart(frame, title="Interview themes over time").mark_bar().encode(
        x=alt.X("period:O", title=period_title, scale=alt.Scale(domain=periods),
                axis=alt.Axis(labelAngle=0 if "Q" in "".join(periods[:1]) else -45)),
        y=alt.Y("interviews:Q", title="Interviews with the tag", stack=True),
        color=alt.Color("tag:N", title="Tag"),
        tooltip=[alt.Tooltip("period:O", title=period_title), alt.Tooltip("tag:N", title="Tag"),
                 alt.Tooltip("interviews:Q", title="Interviews")],
    ).properties(height=320)


def sentiment_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """Bars of interviews per sentiment and kind; ``rows`` have kind, sentiment, interviews.

    Each kind gets a band of fixed height (a step), so the bars and the two labels never
    collapse into a thin strip however the page sizes the chart, and the legend always lists
    the three sentiments in their order (negative, neutral, positive)."""
    frame = pd.DataFrame(rows, columns=["kind", "sentiment", "interviews"])
    order = list(SENTIMENT_COLOURS)
    frame["order"] = frame["sentiment"].map(order.index)
    return alt.Chart(frame, title="Sentiment of interviews").mark_bar().encode(
        x=alt.X("interviews:Q", title="Interviews", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("kind:N", title=None, scale=alt.Scale(domain=["customer", "employee"])),
        color=alt.Color("sentiment:N", title="Sentiment",
                        scale=alt.Scale(domain=order, range=list(SENTIMENT_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", direction="horizontal")),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("kind:N", title="Interviews with"),
                 alt.Tooltip("sentiment:N", title="Sentiment"),
                 alt.Tooltip("interviews:Q", title="Interviews")],
    ).properties(height=alt.Step(44))
