"""Shared fixtures: a temporary data folder, users with each role, a workspace, AppTest pages."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from cxcore import workspace as wsmod
from cxcore.accounts import Accounts, WorkspaceInfo

# Cheap password hashing for the test suite only (production uses bcrypt cost 12).
os.environ.setdefault("CX_BCRYPT_ROUNDS", "4")

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-1"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder; the app and cxcore use it through CX_DATA_DIR."""
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("CX_DATA_DIR", str(path))
    monkeypatch.setenv("CX_COOKIE_KEY", "test-cookie-key-not-secret-0123456789abcdef")
    return path


@pytest.fixture
def accounts(data_dir: Path) -> Accounts:
    """Accounts with users owner (admin), editor (may create workspaces) and viewer, each with
    that role in 'Acme'."""
    acc = Accounts.open(data_dir)
    acc.create_user("owner", PASSWORD, name="Olivia Owner")
    # The editor is a colleague who may create workspaces; the viewer is a client's staff member.
    acc.create_user("editor", PASSWORD, name="Eddie Editor", by="owner",
                    may_create_workspaces=True)
    acc.create_user("viewer", PASSWORD, name="Vera Viewer", by="owner")
    ws = acc.create_workspace("Acme", by="owner")
    acc.set_member(ws.id, "editor", "editor", by="owner")
    acc.set_member(ws.id, "viewer", "viewer", by="owner")
    yield acc
    acc.close()


@pytest.fixture
def workspace(accounts: Accounts) -> WorkspaceInfo:
    """The 'Acme' workspace."""
    return accounts.find_workspace("Acme")


def _session(accounts: Accounts, workspace: WorkspaceInfo, username: str):
    session = wsmod.open_session(accounts, workspace.id, username)
    yield session
    session.close()


@pytest.fixture
def owner_session(accounts, workspace):
    """The owner acting in Acme."""
    yield from _session(accounts, workspace, "owner")


@pytest.fixture
def editor_session(accounts, workspace):
    """An editor acting in Acme."""
    yield from _session(accounts, workspace, "editor")


@pytest.fixture
def viewer_session(accounts, workspace):
    """A viewer acting in Acme."""
    yield from _session(accounts, workspace, "viewer")


@pytest.fixture
def acme_data(tmp_path: Path) -> Path:
    """A data folder (not the one CX_DATA_DIR points at) with the owner "owner" and an empty
    workspace "Acme", for a `streamlit run` server in browser tests."""
    data = tmp_path / "browser-data"
    acc = Accounts.open(data)
    acc.create_user("owner", PASSWORD, name="Olivia Owner")
    acc.create_workspace("Acme", by="owner")
    acc.close()
    return data


def signed_in_app(path: str, user: str | None, workspace_id: int | None,
                  timeout: float = 30) -> AppTest:
    """An AppTest of ``path`` (relative to the repository) with ``user`` signed in."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=timeout)
    if user is not None:
        at.session_state["authentication_status"] = True
        at.session_state["username"] = user
        at.session_state["name"] = user
        at.session_state["logout"] = False
    if workspace_id is not None:
        at.session_state["workspace_id"] = workspace_id
    return at


@pytest.fixture
def app_page(accounts: Accounts, workspace: WorkspaceInfo) -> Callable[..., AppTest]:
    """Factory: ``app_page("pages/home.py", user="viewer")`` -> an AppTest already run."""

    def make(path: str, user: str = "owner", run: bool = True) -> AppTest:
        at = signed_in_app(path, user, workspace.id)
        if run:
            at.run()
        return at

    return make


def plain(markdown_text: str) -> str:
    """Undo ``cxui.shell.esc``: what a reader sees of escaped markdown."""
    import html
    import re

    return html.unescape(re.sub(r"\\(.)", r"\1", markdown_text))


def pytest_collection_modifyitems(config, items):
    """Browser tests get one retry (see requirements-dev.txt); every other test gets none."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))
