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


def test_a_visit_that_only_reads_keeps_the_cache(owner_session, accounts, workspace):
    """Opening and closing the file (every page visit does) is not a change: SQLite creates the
    WAL file on the first open and deletes it on the last close, which must not empty the
    cache."""
    from cxcore import storage
    from cxcore import workspace as wsmod
    from cxui.shell import cache_key

    owner_session.set_setting("touch", 1)
    owner_session.close()  # the last connection: SQLite copies the WAL in and deletes it
    first = wsmod.open_session(accounts, workspace.id, "owner")
    key = cache_key(first)
    sc.scorecard(first, "all")
    first.close()
    second = wsmod.open_session(accounts, workspace.id, "owner")
    assert cache_key(second) == key
    before = storage.file_version(workspace.path)
    second.set_setting("touch", 2)
    assert storage.file_version(workspace.path) != before
    second.close()
