"""cxui.cache.read: one cached-read helper for pages, refreshed by any write."""

from __future__ import annotations

import streamlit as st

from cxcore import scorecard as sc
from cxui import cache


def test_read_caches_per_arguments_until_the_workspace_changes(owner_session, monkeypatch):
    st.cache_data.clear()
    calls = []
    real = sc.breakdown

    def breakdown(session, by, period="all"):
        calls.append((by, period))
        return real(session, by, period)

    breakdown.__qualname__ = "counting_breakdown"
    first = cache.read(breakdown, owner_session, "segment", "all")
    assert cache.read(breakdown, owner_session, "segment", "all") == first
    assert calls == [("segment", "all")]
    cache.read(breakdown, owner_session, "channel", period="all")
    assert calls == [("segment", "all"), ("channel", "all")]
    import time

    time.sleep(0.01)
    owner_session.set_setting("touch", 1)  # any write changes the file's version
    cache.read(breakdown, owner_session, "segment", "all")
    assert calls[-1] == ("segment", "all") and len(calls) == 3
