"""Start here: the first page of someone with no workspace yet (load the demo or create one)."""

import streamlit as st

from cxui import shell, workspace_forms

username = shell.require_user()
shell.current_workspace_id(username)
shell.show_flash()
acc = shell.accounts()

st.title("Start here")
if welcome := st.session_state.get("_cx_welcome"):
    st.success(welcome)
if shell.url_rejected("ws"):
    st.error(shell.NO_ACCESS)
if not acc.may_create_workspaces(username):
    st.info("You are not in any workspace yet. Ask the owner of your company's or client's "
            "workspace to add you; it will then appear in the sidebar.")
    st.stop()
st.write("A workspace holds the CX program of one business, or of one client if you are a "
         "consultant: its customers, surveys, interviews, journey maps and actions, kept apart "
         "from every other workspace. Look around the demo first, or start your own.")
demo_col, new_col = st.columns(2)
with demo_col:
    st.subheader("Look around first")
    workspace_forms.demo_button(acc, username)
with new_col:
    workspace_forms.new_workspace_form(acc, username, [], title="Or start your own")
