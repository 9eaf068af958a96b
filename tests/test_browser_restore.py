"""Browser test of the owner's "Restore from a backup" on the Workspaces page: a file written by
``python -m cxcore workspace backup`` is uploaded in Chromium, checked, confirmed and restored."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cxcore import demo
from cxcore import workspace as wsmod
from cxcore.accounts import Accounts

from .browser_support import (
    ROOT,
    browser_page,
    errors_shown,
    open_page,
    screenshot,
    sign_in,
    streamlit_server,
    wait_for_app,
)
from .conftest import PASSWORD

pytestmark = pytest.mark.browser


def responses_in(data, workspace_id: int) -> int:
    acc = Accounts.open(data)
    try:
        session = wsmod.open_session(acc, workspace_id, "owner")
        try:
            return session.db["responses"].count
        finally:
            session.db.close()
    finally:
        acc.close()


def test_owner_restores_a_cli_backup_into_another_workspace(tmp_path):
    data = tmp_path / "data"
    acc = Accounts.open(data)
    acc.create_user("owner", PASSWORD, name="Olivia Owner")
    target = acc.create_workspace("Acme", by="owner")
    source = demo.create_demo_workspace(acc, owner="owner")
    acc.close()
    backup_file = tmp_path / "demo-backup.db"
    subprocess.run(
        [sys.executable, "-m", "cxcore", "workspace", "backup", str(source.id),
         "--out", str(backup_file)],
        cwd=ROOT, env=dict(os.environ, CX_DATA_DIR=str(data)), check=True,
        capture_output=True)
    demo_responses = responses_in(data, source.id)
    assert demo_responses > 0
    assert responses_in(data, target.id) == 0

    with streamlit_server(data) as url, browser_page() as page:
        page.goto(url)
        wait_for_app(page)
        sign_in(page, "owner", PASSWORD)
        open_page(page, "Workspaces")
        page.get_by_role("combobox", name="Workspace to manage", exact=True).click()
        page.get_by_role("option", name="Acme", exact=True).click()
        wait_for_app(page)
        page.get_by_role("heading", name="Restore from a backup").wait_for()
        uploader = page.get_by_test_id("stFileUploader").filter(has_text="Backup file")
        uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(backup_file))
        page.get_by_text("Restoring demo-backup.db").wait_for()
        wait_for_app(page)
        restore_button = page.get_by_role("button", name="Restore this backup")
        assert restore_button.is_disabled()  # not before the confirmation
        page.get_by_text("Yes, replace this workspace's content with the backup").click()
        wait_for_app(page)
        restore_button.click()
        page.get_by_text("Restored from demo-backup.db").wait_for()
        wait_for_app(page)
        assert errors_shown(page) == []
        screenshot(page, "restore-01-restored-from-cli-backup")

    assert responses_in(data, target.id) == demo_responses
    acc = Accounts.open(data)
    try:
        # The workspace keeps its own name; the snapshot of its old content exists.
        assert acc.get_workspace(target.id, "owner").name == "Acme"
    finally:
        acc.close()
