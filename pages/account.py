"""Account: who you are, your workspaces, and changing your password."""

import streamlit as st
import streamlit_authenticator as stauth

from cxui import shell

username = shell.require_user()
acc = shell.accounts()
user = acc.get_user(username)

st.title("Account")
st.text(f"{user['name']} ({username})" + (" · administrator" if user["is_admin"] else ""))
for ws in acc.list_workspaces(username, include_archived=True):
    st.text(f"• {ws.name}: {ws.role}" + (" (archived)" if ws.archived else ""))

st.subheader("Change password")
auth = shell.authenticator(acc)
try:
    changed = auth.reset_password(
        username, location="main",
        fields={"Form name": "Change password", "Current password": "Current password",
                "New password": "New password (at least 8 characters)",
                "Repeat password": "Repeat new password", "Reset": "Change password"})
except (stauth.ResetError, stauth.CredentialsError) as exc:
    message = "The current password is wrong." if isinstance(exc, stauth.CredentialsError) \
        else str(exc)
    st.error(message)
    changed = False
if changed:
    new_hash = auth.authentication_controller.authentication_model.credentials[
        "usernames"][username]["password"]
    shell.run_action(lambda: acc.store_password_hash(username, new_hash, by=username),
                     success="Password changed.")
    st.success("Your password has been changed.")
