"""Account: who you are, your workspaces, and changing your password."""

import streamlit as st

from cxui import shell

username = shell.require_user()
shell.show_flash()
acc = shell.accounts()
user = acc.get_user(username)

st.title("Account")
st.text(f"{user['name']} ({username})" + (" · administrator" if user["is_admin"] else ""))
for ws in acc.list_workspaces(username, include_archived=True):
    st.text(f"• {ws.name}: {ws.role}" + (" (archived)" if ws.archived else ""))
if not acc.may_create_workspaces(username):
    st.caption("Your account does not create workspaces; an administrator can give it that "
               "right.")

# The password is checked and stored by cxcore (not the sign-in library's reset form, which
# trims spaces from what is typed and would store a password different from the one typed).
with st.form("change_password", clear_on_submit=True):
    st.subheader("Change password")
    current = st.text_input("Current password", type="password")
    new = st.text_input("New password (at least 8 characters)", type="password",
                        help="No space at either end.")
    repeat = st.text_input("Repeat new password", type="password")
    submitted = st.form_submit_button("Change password")
if submitted and shell.attempt(lambda: acc.change_password(username, current, new, repeat)):
    # The change ended every session of this account, this one included: start a new one.
    shell.restart_session(username)
    st.success("Your password has been changed. Other browsers signed in as you are signed out.")
