"""Voice-of-the-customer pieces pages share: the follow-up tile of the scorecard, and dates in
tables written the app's way."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from cxcore import followups
from cxcore.workspace import WorkspaceSession
from cxui import cache, links


def follow_up_tile(session: WorkspaceSession, period: str) -> None:
    """Follow-up rate, time to close and open follow-ups for the answers of ``period``."""
    stats = cache.read(followups.follow_up_stats, session, period)
    if not stats["flagged"]:
        return
    rate = "—" if stats["rate_pct"] is None else f"{stats['rate_pct']:.0f} %"
    days = ("no follow-up resolved yet" if stats["median_days_to_close"] is None
            else f"median {stats['median_days_to_close']:g} days from answer to resolved")
    st.subheader("Closing the loop")
    st.markdown(f"Follow-up rate **{rate}** ({stats['followed']:,} of {stats['flagged']:,} "
                f"flagged answers contacted or resolved); {days}; **{stats['open']:,}** open, "
                f"{stats['overdue']:,} overdue.")
    links.page_link("pages/follow_ups.py", label="Open the follow-up inbox",
                    icon=":material/inbox:")


#: Dates in tables as :func:`cxui.shell.day` writes them ("5 Jan 2026"), still sortable.
DAY_FORMAT = "D MMM YYYY"


def day_columns(frame: pd.DataFrame, *names: str) -> dict[str, Any]:
    """Turn the ISO date texts of columns ``names`` of ``frame`` into dates (in place) and
    return their column configs, so a table shows "5 Jan 2026" and sorts by date."""
    config = {}
    for name in names:
        if name in frame:
            frame[name] = pd.to_datetime(frame[name].astype("string").str[:10],
                                         errors="coerce", format="%Y-%m-%d")
            config[name] = st.column_config.DateColumn(name, format=DAY_FORMAT)
    return config
