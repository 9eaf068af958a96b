"""AppTest of account rights in the app: who may create workspaces, disabling and deleting
accounts (Workspaces page, People part) and what a viewer is offered."""

from __future__ import annotations

import pytest

from cxcore import demo
from cxcore.errors import PermissionDenied

from .conftest import plain


def button(at, label):
    return next(b for b in at.button if b.label == label)


def labels(at):
    return [b.label for b in at.button]


def choose_person(at, username):
    next(s for s in at.selectbox if s.label == "Person").select(username).run()
    return at


def test_viewer_is_offered_neither_a_new_workspace_nor_the_demo(app_page):
    at = app_page("pages/workspaces.py", user="viewer")
    assert not at.exception
    assert "Create workspace" not in labels(at)
    assert "Load demo workspace" not in labels(at)
    assert "Workspace name" not in [t.label for t in at.text_input]


def test_viewer_cannot_create_or_load_the_demo_in_cxcore(accounts):
    with pytest.raises(PermissionDenied, match="may not create workspaces"):
        accounts.create_workspace("Mine", by="viewer")
    with pytest.raises(PermissionDenied):
        demo.create_demo_workspace(accounts, owner="viewer")
    assert [w.name for w in accounts.list_workspaces("viewer")] == ["Acme"]


def test_start_here_tells_a_viewer_without_workspaces_to_ask_for_one(accounts, app_page):
    accounts.remove_member(accounts.find_workspace("Acme").id, "viewer", by="owner")
    at = app_page("pages/start.py", user="viewer")
    assert not at.exception
    assert "Load demo workspace" not in labels(at)
    assert any("Ask the owner" in i.value for i in at.info)


def test_admin_gives_the_right_to_create_workspaces(app_page, accounts):
    at = choose_person(app_page("pages/workspaces.py", user="owner"), "viewer")
    [c for c in at.checkbox if c.label == "May create workspaces"][-1].check()  # the rights form
    button(at, "Save rights").click().run()
    assert not at.exception
    assert accounts.may_create_workspaces("viewer")
    log = list(accounts.db.query("select * from audit_log where kind = 'right'"))
    assert [(r["actor"], r["username"], r["before"], r["after"]) for r in log] == [
        ("owner", "viewer", "false", "true")]
    viewer = app_page("pages/workspaces.py", user="viewer")
    assert "Load demo workspace" in labels(viewer)


def test_new_person_may_not_create_workspaces_unless_ticked(app_page, accounts):
    at = app_page("pages/workspaces.py", user="owner")
    form = {t.label: t for t in at.text_input}
    form["Username"] = [t for t in at.text_input if t.label == "Username"][-1]
    form["Username"].input("client")
    form["First password"].input("first-pass-1")
    button(at, "Add person").click().run()
    assert not at.exception
    assert not accounts.may_create_workspaces("client")


def test_people_table_has_human_dates_and_capitalised_headers(app_page):
    at = app_page("pages/workspaces.py", user="owner")
    people = at.dataframe[-1].value
    assert list(people.columns) == ["Username", "Name", "Email", "Administrator",
                                    "May create workspaces", "Disabled", "Added"]
    added = people["Added"][0]
    assert added.endswith(" UTC") and "+00:00" not in added and ":00+" not in added  # zone named
    members = at.dataframe[1].value
    assert list(members.columns) == ["Username", "Name", "Role", "Added by", "Added"]
    assert set(members["Role"]) == {"Owner", "Editor", "Viewer"}
    assert "+00:00" not in members["Added"][0]
    assert "SQLite" not in " ".join(c.value for c in at.caption)


def test_admin_disables_and_enables_an_account(app_page, accounts):
    at = choose_person(app_page("pages/workspaces.py", user="owner"), "editor")
    button(at, "Disable editor").click().run()
    assert not at.exception
    assert accounts.get_user("editor")["disabled"]
    assert accounts.role_in(accounts.find_workspace("Acme").id, "editor") == "editor"  # kept
    button(at, "Enable editor").click().run()
    assert not accounts.get_user("editor")["disabled"]


def test_delete_refused_while_only_owner_then_done_with_history_kept(app_page, accounts):
    accounts.create_workspace("Editor's own", by="editor")
    at = choose_person(app_page("pages/workspaces.py", user="owner"), "editor")
    next(t for t in at.text_input if t.label == "Type the username to delete the account"
         ).input("editor")
    button(at, "Delete editor").click().run()
    assert any("only owner of Editor's own" in plain(e.value) for e in at.error)
    assert accounts.get_user("editor") is not None
    own = accounts.find_workspace("Editor's own")
    accounts.set_member(own.id, "viewer", "owner", by="owner")
    at = choose_person(app_page("pages/workspaces.py", user="owner"), "editor")
    next(t for t in at.text_input if t.label == "Type the username to delete the account"
         ).input("editor")
    button(at, "Delete editor").click().run()
    assert not at.exception
    assert accounts.get_user("editor") is None
    assert accounts.role_in(own.id, "editor") is None
    deleted = list(accounts.db.query("select * from audit_log where action = 'deleted' "
                                     "and kind = 'account'"))
    assert deleted[0]["username"] == "editor"
    assert '"memberships"' in deleted[0]["before"]
    # the workspace history keeps the name of who created it
    created = list(accounts.db.query("select actor from audit_log where workspace_id = ? and "
                                     "action = 'created'", [own.id]))
    assert created == [{"actor": "editor"}]


def test_cannot_disable_or_delete_oneself(accounts):
    from cxcore.errors import ValidationError

    with pytest.raises(ValidationError):
        accounts.set_disabled("owner", True, by="owner")
    with pytest.raises(ValidationError):
        accounts.delete_user("owner", by="owner")
    with pytest.raises(PermissionDenied):
        accounts.set_disabled("viewer", True, by="editor")


def test_account_page_says_when_the_account_creates_no_workspaces(app_page):
    at = app_page("pages/account.py", user="viewer")
    assert any("does not create workspaces" in c.value for c in at.caption)
