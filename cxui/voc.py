"""Voice-of-the-customer pieces other pages show: the follow-up tile of the scorecard."""

from __future__ import annotations

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
