"""AppTest of the Workspaces page: create, demo, rename, archive, delete, members, people."""

from __future__ import annotations

from .conftest import plain


def button(at, label):
    return next(b for b in at.button if b.label == label)


def text_input(at, label):
    return next(t for t in at.text_input if t.label == label)


def test_rename_through_the_page(app_page, accounts, workspace):
    at = app_page("pages/workspaces.py", user="owner")
    text_input(at, "Name").input("Acme & Sons <i>Ltd</i>")
    button(at, "Rename").click().run()
    assert not at.exception
    assert accounts.get_workspace(workspace.id, "owner").name == "Acme & Sons <i>Ltd</i>"


def test_archive_and_restore(app_page, accounts, workspace):
    at = app_page("pages/workspaces.py", user="owner")
    button(at, "Archive").click().run()
    assert accounts.get_workspace(workspace.id, "owner").archived
    assert accounts.list_workspaces("viewer") == []
    button(at, "Restore from archive").click().run()
    assert not accounts.get_workspace(workspace.id, "owner").archived


def test_delete_needs_the_exact_name(app_page, accounts, workspace):
    at = app_page("pages/workspaces.py", user="owner")
    text_input(at, "Type the workspace's name to confirm").input("acme")
    button(at, "Delete workspace").click().run()
    assert any("type the workspace's name exactly" in plain(e.value) for e in at.error)
    assert workspace.path.exists()
    text_input(at, "Type the workspace's name to confirm").input("Acme")
    button(at, "Delete workspace").click().run()
    assert not at.exception
    assert not workspace.path.exists()
    assert accounts.list_workspaces("owner") == []


def test_add_change_and_remove_a_member(app_page, accounts, workspace):
    accounts.create_user("client", "correct-horse-1", by="owner")
    at = app_page("pages/workspaces.py", user="owner")
    text_input(at, "Username").input("client")
    button(at, "Add or change member").click().run()
    assert accounts.role_in(workspace.id, "client") == "viewer"
    text_input(at, "Username").input("ghost")
    button(at, "Add or change member").click().run()
    assert any("no user named 'ghost'" in plain(e.value) for e in at.error)
    remove = next(s for s in at.selectbox if s.label == "Remove a member")
    remove.select("client").run()
    button(at, "Remove client").click().run()
    assert accounts.role_in(workspace.id, "client") is None


def test_admin_adds_a_person(app_page, accounts):
    at = app_page("pages/workspaces.py", user="owner")
    inputs = [t for t in at.text_input if t.label in ("Username", "Name", "First password")]
    by_label = {t.label: t for t in inputs[-3:]}
    by_label["Username"].input("newbie")
    by_label["Name"].input("New Person")
    by_label["First password"].input("first-pass-1")
    button(at, "Add person").click().run()
    assert not at.exception
    assert accounts.check_password("newbie", "first-pass-1")


def test_editor_cannot_manage_and_sees_why(app_page):
    at = app_page("pages/workspaces.py", user="editor")
    assert "Manage a workspace" not in [h.value for h in at.header]
    assert [b.label for b in at.button if b.label in ("Rename", "Delete workspace")] == []


def test_load_demo_switches_to_it(app_page, accounts):
    at = app_page("pages/workspaces.py", user="editor")
    button(at, "Load demo workspace").click().run()
    assert not at.exception
    demo = [w for w in accounts.list_workspaces("editor") if "demo" in w.name]
    assert len(demo) == 1 and demo[0].role == "owner"
    at.run()
    assert at.session_state["workspace_id"] == demo[0].id


def test_reuse_tab_copies_guides_into_another_workspace(app_page, accounts, owner_session):
    from cxcore import interviews, journeys
    from cxcore import workspace as wsmod

    interviews.set_guide(owner_session, "customer", ["What did you come for?"])
    journeys.create_journey(owner_session, "Onboarding")
    globex = accounts.create_workspace("Globex", by="owner")
    at = app_page("pages/workspaces.py", user="owner")
    next(s for s in at.selectbox if s.label == "Workspace to manage").select(globex.id).run()
    assert [s.value for s in at.selectbox if s.label == "Copy from"] == [owner_session.info.id]
    for part in ("targets", "finance", "journeys"):
        at.checkbox(key=f"reuse_{part}").uncheck()
    button(at, "Copy into Globex").click().run()
    assert not at.exception
    assert any("Copied into Globex: 2 interview guides" in plain(s.value) for s in at.success)
    target = wsmod.open_session(accounts, globex.id, "owner")
    assert interviews.guide(target, "customer") == ["What did you come for?"]
    assert journeys.list_journeys(target) == []
    target.close()


def test_download_uses_the_backup_api_and_owner_restores_with_confirmation(
        app_page, accounts, workspace, tmp_path):
    import sqlite3

    from cxcore import backup, interviews
    from cxcore import workspace as wsmod

    session = wsmod.open_session(accounts, workspace.id, "owner")
    interviews.create_interview(session, {"kind": "customer", "date": "2026-01-15",
                                          "interviewee": "In the backup"})
    saved = backup.backup_bytes(workspace.path)
    interviews.create_interview(session, {"kind": "customer", "date": "2026-01-16",
                                          "interviewee": "Added later"})
    at = app_page("pages/workspaces.py", user="owner")
    downloads = [e for e in at.get("download_button")
                 if "Download the workspace file" in e.proto.label]
    assert len(downloads) == 1
    # a bad upload is refused with its reason and changes nothing
    at.session_state[f"restore_source_{workspace.id}"] = {"name": "notes.db", "data": b"hello"}
    at.run()
    assert any("not an SQLite database" in plain(e.value) for e in at.error)
    assert not any(b.label == "Restore this backup" for b in at.button)
    # a good one asks for confirmation first
    at.session_state[f"restore_source_{workspace.id}"] = {"name": "acme.db", "data": saved}
    at.run()
    assert any("replaces everything in" in plain(w.value) for w in at.warning)
    assert button(at, "Restore this backup").disabled
    next(c for c in at.checkbox if c.label.startswith("Yes, replace")).check().run()
    button(at, "Restore this backup").click().run()
    assert not at.exception
    message = next(plain(s.value) for s in at.success if "Restored from acme.db" in
                   plain(s.value))
    names = [r[0] for r in session.db.execute("select interviewee from interviews")]
    assert names == ["In the backup"]
    snaps = backup.list_snapshots(workspace.path)
    assert [s["reason"] for s in snaps] == ["before-restore"]
    # the snapshot is named by when it was taken, in the workspace's zone, not by its file
    from cxcore import locale_settings

    taken = locale_settings.format_time(snaps[0]["taken_at"], session)
    assert f"kept as a snapshot taken {taken}" in message and "before-restore" not in message
    conn = sqlite3.connect(snaps[0]["file"])
    assert conn.execute("select count(*) from interviews").fetchone()[0] == 2
    conn.close()
    session.close()


def test_editors_and_viewers_get_no_download_or_restore(app_page):
    for user in ("editor", "viewer"):
        at = app_page("pages/workspaces.py", user=user)
        assert not any(s.value == "Restore from a backup" for s in at.subheader)
        assert not [e for e in at.get("download_button")]
