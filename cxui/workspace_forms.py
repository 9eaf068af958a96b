"""The two ways to get a workspace, shared by the Start here and Workspaces pages: the
new-workspace form (optionally starting from another workspace's set-up) and the demo button.
Both go to the new workspace's Home when done."""

from __future__ import annotations

import streamlit as st

from cxcore import demo, reuse
from cxcore import workspace as wsmod
from cxcore.accounts import Accounts, WorkspaceInfo
from cxui import shell


def copy_setup(acc: Accounts, username: str, source_id: int, target_id: int,
               parts: set[str]) -> dict[str, int]:
    """Copy ``parts`` of a workspace's set-up into another, both opened as ``username``."""
    source = wsmod.open_session(acc, source_id, username)
    try:
        target = wsmod.open_session(acc, target_id, username)
        try:
            return reuse.copy_setup(source, target, parts)
        finally:
            target.close()
    finally:
        source.close()


def new_workspace_form(acc: Accounts, username: str, sources: list[WorkspaceInfo],
                       title: str = "New workspace") -> None:
    """The form that creates a workspace (owned by ``username``), then opens its Home."""
    with st.form("create_workspace", clear_on_submit=True):
        st.subheader(title)
        name = st.text_input("Workspace name", max_chars=80,
                             placeholder="e.g. Acme Dental (client)")
        start_names = {w.id: w.name for w in sources}
        start_from = None
        if start_names:
            start_from = st.selectbox(
                "Start from", list(start_names), index=None,
                placeholder="Nothing (an empty workspace)",
                format_func=lambda i: start_names[i],
                help="Copies that workspace's interview guides, targets, finance settings and "
                     "journey maps (without ratings). Never its customers, responses, "
                     "interviews or members.")
        if not st.form_submit_button("Create workspace", type="primary"):
            return
    info = shell.run_action(lambda: acc.create_workspace(name, by=username))
    if not info:
        return
    message = f"Workspace {info.name} created."
    if start_from is not None:
        copied = shell.run_action(
            lambda: copy_setup(acc, username, start_from, info.id, set(reuse.REUSABLE)))
        message += (" Nothing was copied into it; use the Reuse tab on Workspaces to try again."
                    if copied is None else f" Copied {reuse.describe(copied)}.")
    st.session_state["_cx_flash"] = message
    shell.open_workspace_home(info.id)


def demo_button(acc: Accounts, username: str) -> None:
    """Explains the demo and loads it on a click, then opens its Home."""
    st.write("A fictional appliance shop with two years of customers, revenue, surveys, "
             "interviews and a journey map, to see every page with real-looking data.")
    if st.button("Load demo workspace", icon=":material/science:"):
        with st.spinner("Building the demo business…"):
            info = shell.run_action(lambda: demo.create_demo_workspace(acc, owner=username))
        if info:
            st.session_state["_cx_flash"] = (f"Demo workspace {info.name} loaded: every page "
                                             "now has data to look at.")
            shell.open_workspace_home(info.id)
