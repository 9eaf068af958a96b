"""AppTest of the Activity page, the activity module and the ``activity`` command."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cxcore import activity, cli
from cxcore.errors import PermissionDenied

from .conftest import PASSWORD


def test_owner_sees_data_changes_and_membership_changes_with_human_times(
        app_page, accounts, workspace, owner_session):
    accounts.create_user("client", PASSWORD, by="owner")
    accounts.set_member(workspace.id, "client", "viewer", by="owner")
    accounts.set_member(workspace.id, "client", "editor", by="owner")
    owner_session.set_setting("purpose", "=HYPERLINK(\"http://x\")")
    at = app_page("pages/activity.py", user="owner")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["When", "Who", "Kind", "What", "Change"]
    assert "client: viewer -> editor" in list(table["What"])
    assert "role: viewer -> editor" in list(table["Change"])
    assert not any("T" in w and "+00:00" in w for w in table["When"])
    # the account log is there for the administrator
    assert "Account log (administrator)" in [h.value for h in at.header]


def test_filters_by_person_and_kind(app_page, accounts, workspace):
    accounts.create_user("client", PASSWORD, by="owner")
    accounts.set_member(workspace.id, "client", "viewer", by="owner")
    accounts.rename_workspace(workspace.id, "Acme Ltd", by="owner")
    at = app_page("pages/activity.py", user="owner")
    next(s for s in at.selectbox if s.key == "ws_kind").select("membership").run()
    table = at.dataframe[0].value
    assert set(table["Kind"]) == {"Membership"}
    next(s for s in at.selectbox if s.key == "ws_kind").set_value(None)
    next(s for s in at.selectbox if s.key == "ws_person").select("viewer").run()
    assert set(at.dataframe[0].value["Kind"]) == {"Membership"}


def test_editors_and_viewers_cannot_see_it(app_page, accounts, workspace, editor_session):
    at = app_page("pages/activity.py", user="editor")
    assert not at.dataframe
    assert any("needs the owner role" in w.value for w in at.warning)
    with pytest.raises(PermissionDenied):
        activity.workspace_activity(accounts, editor_session)
    with pytest.raises(PermissionDenied):
        activity.account_log(accounts, by="editor")


def test_csv_is_neutralised(accounts, owner_session):
    owner_session.set_setting("motto", "=1+2")
    entries = activity.workspace_activity(accounts, owner_session)
    rows = list(csv.reader(io.StringIO(activity.to_csv(entries).decode("utf-8-sig"))))
    assert rows[0] == activity.COLUMNS
    changes = [r[5] for r in rows[1:]]
    assert "'=1+2" in " ".join(changes) or all(not c.startswith("=") for c in changes)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows[1:] for cell in row)


def test_date_filter_and_bad_dates(accounts, owner_session):
    from cxcore.errors import ValidationError

    assert activity.workspace_activity(accounts, owner_session, since="2000-01-01")
    assert activity.workspace_activity(accounts, owner_session, until="2000-01-01") == []
    with pytest.raises(ValidationError):
        activity.workspace_activity(accounts, owner_session, since="yesterday")


def test_cli_prints_workspace_activity_and_the_account_log(accounts, workspace, editor_session,
                                                            capsys):
    editor_session.set_setting("target_nps", 40)
    accounts.set_member(workspace.id, "viewer", "editor", by="owner")
    assert cli.main(["activity", "--workspace", "Acme", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    kinds = {e["kind"] for e in entries}
    assert {"setting", "membership"} <= kinds
    assert set(entries[0]) == set(activity.COLUMNS)
    assert cli.main(["activity", "--accounts", "--json", "--kind", "account"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert {e["what"] for e in log} >= {"account viewer created"}
    assert cli.main(["activity", "--workspace", "Acme", "--person", "editor"]) == 0
    assert "editor" in capsys.readouterr().out
