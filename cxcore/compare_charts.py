"""The chart of the cross-client benchmark (:mod:`cxcore.compare`): each workspace's NPS with
its 95 % interval, in the scorecard charts' fonts and colours."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from cxcore.scorecard_charts import COLORS, FONT_SIZE, TITLE_SIZE, bars_height


def nps_field_chart(rows: list[dict[str, Any]], highlight: str | None = None,
                    title: str = "NPS by client, with its 95% interval", *,
                    show_period: bool = False) -> alt.LayerChart:
    """One line per workspace with an NPS: the interval as a bar, the NPS as a point;
    ``highlight`` (a workspace name) is drawn in the accent colour *and* labelled "you";
    ``show_period`` adds each row's period to its label (rows of different periods)."""
    data = [{"workspace": r["workspace"] + (" (you)" if r["workspace"] == highlight else "")
             + (f" · {r['period']}" if show_period else ""),
             "nps": r["nps"], "low": r["nps_low"], "high": r["nps_high"], "n": r["nps_n"],
             "order": i, "you": r["workspace"] == highlight}
            for i, r in enumerate(x for x in rows if x["nps"] is not None)]
    frame = pd.DataFrame(data, columns=["workspace", "nps", "low", "high", "n", "order", "you"])
    y = alt.Y("workspace:N", title=None, sort=alt.EncodingSortField("order"))
    x = alt.X("low:Q", title="NPS (bar: 95% interval)", scale=alt.Scale(domain=[-100, 100]))
    tooltip = [alt.Tooltip("workspace:N"), alt.Tooltip("nps:Q", format="+.0f"),
               alt.Tooltip("low:Q", format="+.0f"), alt.Tooltip("high:Q", format="+.0f"),
               alt.Tooltip("n:Q", title="answers")]
    colour = alt.condition("datum.you", alt.value(COLORS["primary"]), alt.value("#8c96a8"))
    band = alt.Chart(frame).mark_rule(strokeWidth=8, opacity=0.5).encode(
        x=x, x2="high:Q", y=y, color=colour, tooltip=tooltip)
    point = alt.Chart(frame).mark_point(filled=True, size=220, opacity=1).encode(
        x="nps:Q", y=y, color=colour, tooltip=tooltip)
    return (alt.layer(band, point).properties(title=title, height=bars_height(len(frame)))
            .configure_axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, labelLimit=320)
            .configure_title(fontSize=TITLE_SIZE, anchor="start").configure_view(strokeWidth=0))
