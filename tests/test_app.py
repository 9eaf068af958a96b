"""AppTest of app.py and the sign-in gate on every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxcore.accounts import Accounts
from cxui.navigation import SECTIONS, START_HERE, pages_for_role

from .conftest import PASSWORD, ROOT, plain, signed_in_app

PAGE_FILES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
DATA_ELEMENTS = ("dataframe", "table", "metric", "arrow_vega_lite_chart", "vega_lite_chart")


def data_shown(at) -> list[str]:
    shown = []
    for kind in DATA_ELEMENTS:
        try:
            if len(at.get(kind)):
                shown.append(kind)
        except (KeyError, AttributeError):
            continue
    return shown


def fill(at, **values):
    for key, value in values.items():
        at.text_input(key=key).input(value)
    return at


def test_first_run_creates_the_owner_and_signs_them_in(data_dir):
    at = signed_in_app("app.py", None, None)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Welcome to the CX program dashboard"
    fill(at, owner_username="ann", owner_name="Ann", owner_password="s3cret-pass",
         owner_repeat="s3cret-pass")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["username"] == "ann"  # signed in at once (Start here: browser test)
    assert "Sign in" not in [t.value for t in at.title]
    acc = Accounts.open(data_dir)
    assert acc.is_admin("ann")
    assert acc.may_create_workspaces("ann")


@pytest.mark.parametrize(("values", "message"), [
    ({"owner_username": "", "owner_password": "s3cret-pass", "owner_repeat": "s3cret-pass"},
     "username: a username is required"),
    ({"owner_username": "ann", "owner_password": "short", "owner_repeat": "short"},
     "password: must be at least 8"),
    ({"owner_username": "ann", "owner_password": "s3cret-pass", "owner_repeat": "other-pass"},
     "do not match"),
    ({"owner_username": "<b>ann</b>", "owner_password": "s3cret-pass",
      "owner_repeat": "s3cret-pass"}, "username: use 2-32 characters"),
])
def test_bad_owner_account_gives_a_clear_message_and_creates_nobody(data_dir, values, message):
    at = signed_in_app("app.py", None, None)
    at.run()
    fill(at, **values)
    at.button[0].click().run()
    assert not at.exception
    assert any(message in plain(e.value) for e in at.error), [e.value for e in at.error]
    assert not Accounts.open(data_dir).has_users()


@pytest.mark.parametrize(("username", "password", "message"), [
    ("owner", "wrong-password", "Unknown username or wrong password."),
    ("nobody", PASSWORD, "Unknown username or wrong password."),
    ("", "", "Enter your username and password."),
    ("owner", "", "Enter your password."),
    ("", PASSWORD, "Enter your username."),
])
def test_sign_in_errors(accounts, username, password, message):
    at = signed_in_app("app.py", None, None)
    at.run()
    fill(at, sign_in_username=username, sign_in_password=password)
    at.button[0].click().run()
    assert not at.exception
    assert [plain(e.value) for e in at.error] == [message]
    assert not at.session_state["authentication_status"]
    assert not data_shown(at)


def test_sign_in_opens_home_of_the_first_workspace(accounts):
    at = signed_in_app("app.py", None, None)
    at.run()
    fill(at, sign_in_username="Viewer", sign_in_password=PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["username"] == "viewer"
    # The sidebar is drawn by app.py; AppTest's own page routing then runs pages/home.py alone,
    # so the picker is checked in the browser tests.
    assert at.title[0].value == "Acme"


@pytest.mark.parametrize("page", ["app.py", *PAGE_FILES])
def test_every_page_shows_only_the_sign_in_form_to_a_visitor(accounts, page):
    at = signed_in_app(page, None, None)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Sign in"
    assert not data_shown(at)
    assert len(at.button) == 1  # the form's submit button only


@pytest.mark.parametrize("page", PAGE_FILES)
@pytest.mark.parametrize("user", ["owner", "editor", "viewer"])
def test_every_page_runs_for_every_role(app_page, page, user):
    at = app_page(page, user=user)
    assert not at.exception, at.exception


def test_navigation_by_role():
    def titles(role):
        return [p.title for specs in pages_for_role(role).values() for p in specs]

    assert "Import data" not in titles("viewer")
    assert "Import data" in titles("editor")
    assert "Scorecard" in titles("viewer")
    assert titles(None) == ["Workspaces", "Account"]
    listed = {p.path for specs in SECTIONS.values() for p in specs}
    assert listed | {START_HERE.path} == set(PAGE_FILES)


def test_disabled_or_deleted_user_is_signed_out(accounts, workspace):
    at = signed_in_app("pages/home.py", "editor", workspace.id)
    accounts.db["users"].update("editor", {"disabled": 1})
    at.run()
    assert at.title[0].value == "Sign in"
    assert not data_shown(at)


def test_workspace_name_with_html_is_shown_as_text(accounts):
    info = accounts.create_workspace("<b>Bold</b> **stars**", by="owner")
    at = signed_in_app("pages/home.py", "owner", info.id)
    at.run()
    assert not at.exception
    title = at.title[0].value
    assert "<b>" not in title
    assert plain(title) == "<b>Bold</b> **stars**"


def test_viewer_sees_no_manage_controls_on_workspaces(app_page):
    at = app_page("pages/workspaces.py", user="viewer")
    headers = [h.value for h in at.header]
    assert "Manage a workspace" not in headers
    assert "People (administrator)" not in headers
    owner = app_page("pages/workspaces.py", user="owner")
    assert "Manage a workspace" in [h.value for h in owner.header]


def test_create_workspace_through_the_page(app_page, accounts):
    at = app_page("pages/workspaces.py", user="editor")
    at.text_input[0].input("Globex")
    submit = next(b for b in at.button if b.label == "Create workspace")
    submit.click().run()
    assert not at.exception
    assert "Globex" in [w.name for w in accounts.list_workspaces("editor")]


def test_duplicate_workspace_name_through_the_page_changes_nothing(app_page, accounts):
    at = app_page("pages/workspaces.py", user="owner")
    before = accounts.db["workspaces"].count
    at.text_input[0].input("acme")
    next(b for b in at.button if b.label == "Create workspace").click().run()
    assert any("already have a workspace called 'Acme'" in plain(e.value) for e in at.error)
    assert accounts.db["workspaces"].count == before


def test_pages_directory_holds_only_pages():
    assert all(Path(ROOT / p).read_text().count("page_session(") + Path(ROOT / p).read_text()
               .count("require_user(") >= 1 for p in PAGE_FILES)


def test_presentation_mode_switch_is_on_every_page(accounts, workspace):
    """The switch is in the sidebar for every role; its effect (the page's computed font size)
    is checked in the browser test, since style-only HTML does not reach AppTest's tree."""
    at = signed_in_app("app.py", "viewer", workspace.id)
    at.run()
    switch = at.sidebar.toggle(key="presentation_mode")
    assert switch.label == "Larger text" and switch.value is False
    switch.set_value(True).run()
    assert not at.exception
    assert at.title[0].value == "Acme"  # the page still renders under the larger type
