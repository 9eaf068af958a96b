"""Workspaces: create, load the demo, rename, archive, delete, members; people and their
rights for administrators."""

import streamlit as st

from cxcore import backup, restore, reuse
from cxcore.accounts import ROLES, role_at_least
from cxui import shell, workspace_forms

username = shell.require_user()
shell.current_workspace_id(username)  # applies a switch asked for on the previous run
shell.show_flash()
acc = shell.accounts()
is_admin = acc.is_admin(username)
may_create = acc.may_create_workspaces(username)

st.title("Workspaces")
st.caption("One workspace per business or client engagement. Each keeps its own data apart "
           "from the others, and can be handed over on its own.")

mine = acc.list_workspaces(username, include_archived=True)
if mine:
    st.dataframe(
        [{"Workspace": w.name, "Your role": w.role.capitalize(),
          "Archived": "yes" if w.archived else ""} for w in mine],
        hide_index=True, width="stretch")
elif may_create:
    st.info("You have no workspace yet. Create one below, or load the demo to look around.")
else:
    st.info("You are not in any workspace yet. Ask a workspace's owner to add you.")
if mine and not may_create:
    st.caption("Your account works in the workspaces it is added to and creates none; an "
               "administrator can give it that right.")


def copy_setup(source_id: int, target_id: int, parts: set[str]) -> dict[str, int]:
    """Copy ``parts`` of a workspace's set-up into another, both opened as this user."""
    return workspace_forms.copy_setup(acc, username, source_id, target_id, parts)


def restore_from_backup(ws) -> None:
    """The owner's restore: upload, check, confirm, restore (the current content is kept)."""
    st.subheader("Restore from a backup")
    st.caption("Replaces everything in this workspace with a backup file (a download from here "
               "or `python -m cxcore workspace backup`). The current content is kept as a "
               f"snapshot for {backup.retention_days()} days first.")
    key = f"restore_source_{ws.id}"
    upload = st.file_uploader("Backup file", type=["db", "sqlite", "sqlite3"],
                              key=f"restore_upload_{ws.id}_{st.session_state.get(key + '_n', 0)}")
    if upload is not None:
        st.session_state[key] = {"name": upload.name, "data": upload.getvalue(), "widget": 1}
    elif st.session_state.get(key, {}).get("widget"):  # the file was removed from the uploader
        st.session_state.pop(key)
    source = st.session_state.get(key)
    if not source:
        return
    checked = shell.run_action(lambda: restore.check_backup(source["data"]))
    if checked is None:
        return
    upgrade = (" It was made by an older version of the app and will be upgraded."
               if checked["pending"] else "")
    st.warning(f"Restoring {shell.esc(source['name'])} (a backup of "
               f"'{shell.esc(checked['name'])}') replaces everything in "
               f"'{shell.esc(ws.name)}': its data, interviews, journeys and settings. Members "
               f"and the name stay.{upgrade}")
    sure = st.checkbox("Yes, replace this workspace's content with the backup",
                       key=f"restore_confirm_{ws.id}")
    if st.button("Restore this backup", type="primary", disabled=not sure):
        result = shell.run_action(
            lambda: restore.restore_workspace(acc, ws.id, source["data"], by=username,
                                              source_name=source["name"]))
        if result:
            st.session_state.pop(key, None)
            st.session_state[key + "_n"] = st.session_state.get(key + "_n", 0) + 1
            shell.done(shell.esc(result["message"]))


if may_create:
    new_col, demo_col = st.columns(2)
    with new_col:
        workspace_forms.new_workspace_form(acc, username, mine)
    with demo_col:
        st.subheader("Demo")
        workspace_forms.demo_button(acc, username)

# Owners manage their workspaces; an administrator manages every workspace's members.
owned = acc.list_all_workspaces(by=username) if is_admin else [
    w for w in mine if w.role == "owner"]
if owned:
    st.divider()
    st.header("Manage a workspace")
    names = {w.id: w for w in owned}
    current = st.session_state.get("workspace_id")
    ids = list(names)
    ws_id = st.selectbox("Workspace to manage", ids,
                         index=ids.index(current) if current in ids else 0,
                         format_func=lambda i: names[i].name + ("" if names[i].role else
                                                           " (not a member)"),
                   key="manage_ws")
    ws = names[ws_id]
    settings_tab, members_tab, reuse_tab, danger_tab = st.tabs(
        ["Settings", "Members", "Reuse", "Archive or delete"])
    with settings_tab:
        with st.form("rename"):
            new_name = st.text_input("Name", value=ws.name, max_chars=80)
            if st.form_submit_button("Rename"):
                if shell.attempt(lambda: acc.rename_workspace(ws.id, new_name, by=username)):
                    shell.done("Renamed.")
        if ws.role == "owner" and ws.path.exists():
            # A callable: the copy (SQLite's backup API, every committed write) is made on click.
            st.download_button(
                "Download the workspace file (SQLite)", data=lambda: backup.backup_bytes(ws.path),
                file_name=ws.path.name, mime="application/vnd.sqlite3",
                help="The whole workspace in one file, to hand to a client or keep as a backup.")
            restore_from_backup(ws)
    with members_tab:
        members = acc.list_members(ws.id, by=username)
        st.dataframe([{"Username": m["username"], "Name": m["name"],
                       "Role": m["role"].capitalize(), "Added by": shell.person(m["added_by"]),
                       "Added": shell.when(m["added_at"])} for m in members],
                     hide_index=True, width="stretch")
        with st.form("add_member", clear_on_submit=True):
            c1, c2 = st.columns([2, 1])
            member = c1.text_input("Username", help="The person needs an account first "
                                   "(an administrator adds it below).")
            role = c2.selectbox("Role", ROLES, index=0,
                                help="viewer: reads · editor: adds and changes data · "
                                     "owner: members, settings, delete")
            if st.form_submit_button("Add or change member"):
                if shell.attempt(lambda: acc.set_member(ws.id, member, role, by=username)):
                    shell.done("Member saved.")
        removable = [m["username"] for m in members if m["username"] != username]
        if removable:
            who = st.selectbox("Remove a member", removable, index=None, placeholder="Choose…")
            if who and st.button(f"Remove {who}"):
                if shell.attempt(lambda: acc.remove_member(ws.id, who, by=username)):
                    shell.done("Member removed.")
    with reuse_tab:
        sources = {w.id: w for w in mine if w.id != ws.id}
        if not role_at_least(ws.role, "editor"):
            st.info("Join this workspace as an editor or owner to copy a set-up into it.")
        elif not sources:
            st.info("You have no other workspace to copy from.")
        else:
            st.write("Start from the work you did for another client. Only your method is "
                     "copied: never that client's customers, responses, interviews, "
                     "reflections or members.")
            with st.form("reuse_setup"):
                source_id = st.selectbox(
                    "Copy from", list(sources), key="reuse_source",
                    format_func=lambda i: sources[i].name + (
                        " (archived)" if sources[i].archived else ""))
                picked = set()
                for part, explanation in reuse.REUSABLE.items():
                    if st.checkbox(explanation, value=True, key=f"reuse_{part}"):
                        picked.add(part)
                if st.form_submit_button(f"Copy into {shell.esc(ws.name)}", type="primary"):
                    counts: dict[str, int] = {}
                    if shell.attempt(lambda: counts.update(
                            copy_setup(source_id, ws.id, picked))):
                        shell.done(f"Copied into {shell.esc(ws.name)}: "
                                   f"{reuse.describe(counts)}.")
    with danger_tab:
        if ws.archived:
            if st.button("Restore from archive"):
                if shell.attempt(lambda: acc.set_archived(ws.id, False, by=username)):
                    shell.done("Restored.")
        elif st.button("Archive", help="Hides it from the picker; nothing is deleted."):
            if shell.attempt(lambda: acc.set_archived(ws.id, True, by=username)):
                shell.done("Archived.")
        st.markdown("**Delete for good.** This removes the workspace file and every record in "
                    "it. Download the file first if you may need it.")
        with st.form("delete_ws", clear_on_submit=True):
            confirm = st.text_input("Type the workspace's name to confirm")
            if st.form_submit_button("Delete workspace", type="primary"):
                if shell.attempt(
                        lambda: acc.delete_workspace(ws.id, by=username, confirm_name=confirm)):
                    st.session_state.pop("workspace_id", None)
                    shell.done("Workspace deleted.")

if is_admin:
    st.divider()
    st.header("People (administrator)")
    people = acc.list_users()
    st.dataframe([{"Username": u["username"], "Name": u["name"], "Email": u["email"] or "",
                   "Administrator": bool(u["is_admin"]),
                   "May create workspaces": bool(u["is_admin"] or u["may_create_workspaces"]),
                   "Disabled": bool(u["disabled"]), "Added": shell.when(u["created_at"])}
                  for u in people],
                 hide_index=True, width="stretch")
    with st.form("add_user", clear_on_submit=True):
        st.subheader("Add a person")
        c1, c2 = st.columns(2)
        new_user = c1.text_input("Username")
        full_name = c2.text_input("Name")
        email = c1.text_input("Email (optional)")
        first_password = c2.text_input("First password", type="password",
                                       help="Share it privately; they can change it under "
                                            "Account.")
        make_admin = st.checkbox("Administrator")
        allow_create = st.checkbox(
            "May create workspaces", help="For consultants and colleagues. Leave it off for a "
            "client's staff: they see the workspaces they are added to, and create none.")
        if st.form_submit_button("Add person"):
            shell.run_action(lambda: acc.create_user(
                new_user, first_password, name=full_name, email=email, by=username,
                is_admin=make_admin, may_create_workspaces=allow_create),
                success="Person added. Now add them to a workspace.")
    others = {u["username"]: u for u in people if u["username"] != username}
    if others:
        st.subheader("Change a person's rights")
        who = st.selectbox("Person", list(others), index=None, placeholder="Choose…",
                           key="rights_user",
                           format_func=lambda n: f"{others[n]['name']} ({n})")
        if who:
            person = others[who]
            with st.form("rights"):
                admin_on = st.checkbox("Administrator", value=bool(person["is_admin"]))
                create_on = st.checkbox("May create workspaces",
                                        value=bool(person["may_create_workspaces"]))
                if st.form_submit_button("Save rights"):
                    def save_rights() -> None:
                        acc.set_admin(who, admin_on, by=username)
                        acc.set_may_create_workspaces(who, create_on, by=username)
                    if shell.attempt(save_rights):
                        shell.done(f"Rights of {who} saved.")
            disable_col, delete_col = st.columns(2)
            with disable_col:
                if person["disabled"]:
                    if st.button(f"Enable {who}", key="enable_user"):
                        if shell.attempt(lambda: acc.set_disabled(who, False, by=username)):
                            shell.done(f"{who} can sign in again.")
                elif st.button(f"Disable {who}", key="disable_user",
                               help="They cannot sign in, and are signed out at once. "
                                    "Memberships and history are kept."):
                    if shell.attempt(lambda: acc.set_disabled(who, True, by=username)):
                        shell.done(f"{who} is disabled and signed out.")
            with delete_col, st.form("delete_user", clear_on_submit=True):
                st.caption("Deleting removes the account and its memberships; the history "
                           "keeps the username. Not possible while they are a workspace's "
                           "only owner.")
                confirm_user = st.text_input("Type the username to delete the account")
                if st.form_submit_button(f"Delete {who}"):
                    if confirm_user.strip().lower() != who:
                        st.error("Type the username exactly to delete the account.")
                    elif shell.attempt(lambda: acc.delete_user(who, by=username)):
                        shell.done(f"Account {who} deleted.")
