"""Altair charts of interview themes (built here so their specs can be tested without a browser).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd


def tag_frequency_chart(rows: list[dict[str, Any]], period_title: str = "Quarter") -> alt.Chart:
    """Stacked bars: how many interviews carried each tag per period.

    ``rows`` come from :func:`cxcore.interviews.tag_frequency` (period, tag, interviews).
    """
    frame = pd.DataFrame(rows, columns=["period", "tag", "interviews"])
    return alt.Chart(frame, title="Interview themes over time").mark_bar().encode(
        x=alt.X("period:O", title=period_title, sort="ascending"),
        y=alt.Y("interviews:Q", title="Interviews with the tag", stack=True),
        color=alt.Color("tag:N", title="Tag"),
        tooltip=[alt.Tooltip("period:O", title=period_title), alt.Tooltip("tag:N", title="Tag"),
                 alt.Tooltip("interviews:Q", title="Interviews")],
    ).properties(height=320)


def sentiment_chart(rows: list[dict[str, Any]]) -> alt.Chart:
    """Bars of interviews per sentiment and kind; ``rows`` have kind, sentiment, interviews."""
    frame = pd.DataFrame(rows, columns=["kind", "sentiment", "interviews"])
    return alt.Chart(frame, title="Sentiment of interviews").mark_bar().encode(
        x=alt.X("interviews:Q", title="Interviews"),
        y=alt.Y("kind:N", title=None),
        color=alt.Color("sentiment:N", title="Sentiment",
                        scale=alt.Scale(domain=["negative", "neutral", "positive"],
                                        range=["#d62728", "#bdbdbd", "#2ca02c"])),
        tooltip=["kind:N", "sentiment:N", "interviews:Q"],
    ).properties(height=120)
