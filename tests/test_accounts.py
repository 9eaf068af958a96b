"""Users, passwords, workspaces and memberships in the accounts database."""

from __future__ import annotations

import bcrypt
import pytest

from cxcore.accounts import SYSTEM, Accounts, password_problem, role_at_least
from cxcore.errors import NotFound, PermissionDenied, ValidationError

from .conftest import PASSWORD


def table_snapshot(acc: Accounts) -> dict:
    return {t: list(acc.db[t].rows) for t in ("users", "workspaces", "memberships")}


def test_first_user_is_admin_and_later_users_need_an_admin(data_dir):
    acc = Accounts.open(data_dir)
    assert not acc.has_users()
    acc.create_user("Ann", PASSWORD)  # stored lower-case
    assert acc.is_admin("ann")
    with pytest.raises(PermissionDenied):
        acc.create_user("bob", PASSWORD)
    with pytest.raises(PermissionDenied):
        acc.create_user("bob", PASSWORD, by="nobody")
    acc.create_user("bob", PASSWORD, by="ann")
    assert not acc.is_admin("bob")
    with pytest.raises(PermissionDenied):
        acc.create_user("carl", PASSWORD, by="bob")


def test_passwords_are_bcrypt_hashes_and_checked(accounts):
    row = accounts.db["users"].get("owner")
    assert row["password_hash"].startswith("$2b$")
    assert PASSWORD not in row["password_hash"]
    assert bcrypt.checkpw(PASSWORD.encode(), row["password_hash"].encode())
    assert accounts.check_password("owner", PASSWORD)
    assert accounts.check_password("OWNER ", PASSWORD)
    assert not accounts.check_password("owner", "wrong-password")
    assert not accounts.check_password("nobody", PASSWORD)
    assert not accounts.check_password("owner", "")


@pytest.mark.parametrize(("username", "password", "field"), [
    ("", PASSWORD, "username"),
    ("   ", PASSWORD, "username"),
    ("<script>", PASSWORD, "username"),
    ("a", PASSWORD, "username"),
    ("owner", PASSWORD, "username"),  # taken
    ("newbie", "", "password"),
    ("newbie", "short", "password"),
    ("newbie", "        ", "password"),
    ("newbie", "x" * 73, "password"),
])
def test_bad_new_user_names_the_field_and_changes_nothing(accounts, username, password, field):
    before = table_snapshot(accounts)
    with pytest.raises(ValidationError) as info:
        accounts.create_user(username, password, by="owner")
    assert [p.field for p in info.value.problems] == [field]
    assert table_snapshot(accounts) == before


def test_password_policy():
    assert password_problem("12345678") is None
    assert "at least 8" in password_problem("1234567")
    assert password_problem("") == "a password is required"


def test_set_password_self_or_admin(accounts):
    accounts.set_password("editor", "another-pass-2", by="editor")
    assert accounts.check_password("editor", "another-pass-2")
    with pytest.raises(PermissionDenied):
        accounts.set_password("owner", "another-pass-2", by="editor")
    accounts.set_password("editor", "admin-reset-3", by="owner")
    assert accounts.check_password("editor", "admin-reset-3")
    with pytest.raises(ValidationError):
        accounts.set_password("editor", "short", by="editor")
    assert accounts.check_password("editor", "admin-reset-3")


def test_credentials_shape_for_the_authenticator(accounts):
    creds = accounts.credentials()
    assert set(creds["usernames"]) == {"owner", "editor", "viewer"}
    assert creds["usernames"]["owner"]["name"] == "Olivia Owner"
    assert creds["usernames"]["owner"]["password"].startswith("$2b$")


def test_cookie_key_is_generated_once_and_kept_private(data_dir, monkeypatch):
    monkeypatch.delenv("CX_COOKIE_KEY")
    acc = Accounts.open(data_dir)
    key = acc.cookie_key()
    assert len(key) >= 32
    assert acc.cookie_key() == key
    assert oct((data_dir / ".cookie_key").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("CX_COOKIE_KEY", "from-the-environment")
    assert acc.cookie_key() == "from-the-environment"


def test_cookie_expiry_is_short_and_configurable(monkeypatch):
    monkeypatch.delenv("CX_COOKIE_EXPIRY_DAYS", raising=False)
    assert Accounts.cookie_expiry_days() == 1.0
    monkeypatch.setenv("CX_COOKIE_EXPIRY_DAYS", "0.25")
    assert Accounts.cookie_expiry_days() == 0.25


def test_users_see_only_their_workspaces(accounts):
    other = accounts.create_workspace("Globex", by="editor")
    assert [w.name for w in accounts.list_workspaces("editor")] == ["Acme", "Globex"]
    assert [w.name for w in accounts.list_workspaces("viewer")] == ["Acme"]
    with pytest.raises(NotFound):
        accounts.get_workspace(other.id, "viewer")
    assert accounts.get_workspace(other.id, "editor").role == "owner"


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "acme", "ACME ", "tab\there"])
def test_bad_workspace_names_change_nothing(accounts, name):
    before = table_snapshot(accounts)
    files = sorted(p.name for p in (accounts.root / "workspaces").iterdir())
    with pytest.raises(ValidationError) as info:
        accounts.create_workspace(name, by="owner")
    assert info.value.problems[0].field == "workspace name"
    assert table_snapshot(accounts) == before
    assert sorted(p.name for p in (accounts.root / "workspaces").iterdir()) == files


def test_html_in_a_workspace_name_is_kept_as_text(accounts):
    info = accounts.create_workspace("<script>alert(1)</script> & Co", by="owner")
    assert info.name == "<script>alert(1)</script> & Co"
    assert info.path.name.endswith("-script-alert-1-script-co.db")


def test_same_name_allowed_for_people_who_do_not_share_it(accounts):
    accounts.create_user("zed", PASSWORD, by="owner", may_create_workspaces=True)
    info = accounts.create_workspace("Acme", by="zed")  # zed cannot see owner's Acme
    assert info.role == "owner"
    with pytest.raises(ValidationError):  # editor is in owner's Acme: would see two
        accounts.create_workspace("acme", by="editor")


def test_rename_archive_delete_need_owner(accounts, workspace):
    for by in ("editor", "viewer"):
        with pytest.raises(PermissionDenied):
            accounts.rename_workspace(workspace.id, "New", by=by)
        with pytest.raises(PermissionDenied):
            accounts.set_archived(workspace.id, True, by=by)
        with pytest.raises(PermissionDenied):
            accounts.delete_workspace(workspace.id, by=by, confirm_name="Acme")
    accounts.rename_workspace(workspace.id, "Acme Ltd", by="owner")
    accounts.set_archived(workspace.id, True, by="owner")
    assert accounts.list_workspaces("viewer") == []
    assert accounts.list_workspaces("viewer", include_archived=True)[0].archived
    with pytest.raises(ValidationError):
        accounts.delete_workspace(workspace.id, by="owner", confirm_name="Acme")
    assert workspace.path.exists()
    accounts.delete_workspace(workspace.id, by="owner", confirm_name="Acme Ltd")
    assert not workspace.path.exists()
    assert accounts.list_workspaces("owner", include_archived=True) == []


def test_members_roles_and_last_owner(accounts, workspace):
    with pytest.raises(PermissionDenied):
        accounts.set_member(workspace.id, "viewer", "editor", by="editor")
    accounts.set_member(workspace.id, "viewer", "editor", by="owner")
    assert accounts.role_in(workspace.id, "viewer") == "editor"
    with pytest.raises(ValidationError):
        accounts.set_member(workspace.id, "owner", "viewer", by="owner")
    with pytest.raises(ValidationError):
        accounts.remove_member(workspace.id, "owner", by="owner")
    with pytest.raises(ValidationError):
        accounts.set_member(workspace.id, "ghost", "viewer", by="owner")
    with pytest.raises(ValidationError):
        accounts.set_member(workspace.id, "viewer", "superuser", by="owner")
    accounts.remove_member(workspace.id, "viewer", by="owner")
    assert accounts.role_in(workspace.id, "viewer") is None
    assert [m["username"] for m in accounts.list_members(workspace.id, by="owner")] == [
        "owner", "editor"]


def test_cli_and_system_actor_create_for_an_owner(accounts):
    info = accounts.create_workspace("Initech", by=SYSTEM, owner="editor")
    assert accounts.role_in(info.id, "editor") == "owner"
    with pytest.raises(PermissionDenied):
        accounts.create_workspace("Umbrella", by="editor", owner="viewer")


def test_role_ranks():
    assert role_at_least("owner", "editor")
    assert role_at_least("editor", "editor")
    assert not role_at_least("viewer", "editor")
    assert not role_at_least(None, "viewer")


def test_create_workspace_is_atomic(accounts, monkeypatch):
    from cxcore import storage

    def boom(name):
        raise RuntimeError("disk full")

    monkeypatch.setattr(storage, "slugify", boom)
    before = table_snapshot(accounts)
    with pytest.raises(RuntimeError):
        accounts.create_workspace("Initech", by="owner")
    assert table_snapshot(accounts) == before


def test_admin_lists_every_workspace_others_do_not(accounts):
    accounts.create_user("zed", PASSWORD, by="owner", may_create_workspaces=True)
    accounts.create_workspace("Zed Co", by="zed")
    listed = {w.name: w.role for w in accounts.list_all_workspaces(by="owner")}
    assert listed == {"Acme": "owner", "Zed Co": None}
    with pytest.raises(PermissionDenied):
        accounts.list_all_workspaces(by="editor")
    # the administrator manages Zed Co's members without being one
    accounts.set_member(accounts.find_workspace("Zed Co").id, "viewer", "viewer", by="owner")
    assert accounts.role_in(accounts.find_workspace("Zed Co").id, "owner") is None
