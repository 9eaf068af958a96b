"""Entry point: ``streamlit run app.py``.

Page config, the sign-in gate, the sidebar (workspace picker, user menu) and the navigation over
the files in ``pages/``. Every page also guards itself (see ``cxui.shell.page_session``).
"""

from __future__ import annotations

import streamlit as st

from cxui import shell

st.set_page_config(page_title="CX program dashboard", page_icon=":material/favorite:",
                   layout="wide",
                   initial_sidebar_state="expanded" if shell.presentation_ended() else "auto")

username = shell.require_user()
acc = shell.accounts()
user = acc.get_user(username)

if shell.presenting():  # the slide view: that page alone, no navigation, nothing in the sidebar
    st.set_page_config(initial_sidebar_state="collapsed")
    shell.keep_workspace_choice()
    st.navigation([st.Page("pages/present.py", title="Present", icon=":material/slideshow:")],
                  position="hidden").run()
    st.stop()

with st.sidebar:
    workspace = shell.workspace_picker(username)
    role = workspace.role if workspace else None
    if workspace:
        st.caption(f"Your role here: **{role}**")
    else:
        st.caption("No workspace yet.")

# Every page listed (no "View more"): Workspaces, Activity and Account sit at the end.
nav = st.navigation(shell.navigation_pages(role, start_here=workspace is None), expanded=True)
shell.presentation_mode()

with st.sidebar:
    st.divider()
    st.caption(f"Signed in as **{shell.esc(user['name'])}** ({shell.esc(username)})")
    if st.button("Sign out", icon=":material/logout:", key="sign_out"):
        shell.sign_out()
        st.success("You are signed out.")
        st.button("Sign in again")
        st.stop()

nav.run()
