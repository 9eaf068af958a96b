"""The command line: python -m cxcore ..."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from cxcore.accounts import Accounts
from cxcore.cli import main

from .conftest import ROOT


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_init_user_add_workspace_create_and_list(data_dir, monkeypatch, capsys):
    assert run(monkeypatch, capsys, "init")[0] == 0
    code, out, _ = run(monkeypatch, capsys, "user", "add", "ann", "--name", "Ann",
                       stdin="a-long-password\n")
    assert (code, out.strip()) == (0, "Added administrator 'ann'.")
    code, out, _ = run(monkeypatch, capsys, "user", "add", "bob", stdin="another-password\n")
    assert (code, out.strip()) == (0, "Added user 'bob'.")
    acc = Accounts.open(data_dir)
    assert acc.check_password("ann", "a-long-password")
    assert acc.is_admin("ann") and not acc.is_admin("bob")

    code, out, _ = run(monkeypatch, capsys, "workspace", "create", "Acme")
    assert code == 0 and "Acme" in out
    code, out, _ = run(monkeypatch, capsys, "workspace", "create", "Globex", "--owner", "bob")
    assert code == 0
    assert acc.role_in(acc.find_workspace("Acme").id, "ann") == "owner"
    assert acc.role_in(acc.find_workspace("Globex").id, "bob") == "owner"
    assert acc.role_in(acc.find_workspace("Globex").id, "ann") is None
    code, out, _ = run(monkeypatch, capsys, "workspace", "list")
    assert [line.split("\t")[1:] for line in out.strip().splitlines()] == [
        ["Acme", "owner: ann"], ["Globex", "owner: bob"]]


@pytest.mark.parametrize(("argv", "stdin", "message"), [
    (["user", "add", "ann"], "short\n", "password: must be at least 8"),
    (["user", "add", "<x>"], "a-long-password\n", "username: use 2-32"),
    (["workspace", "create", "Acme"], "", "no users yet"),
])
def test_errors_are_one_line_and_exit_1(data_dir, monkeypatch, capsys, argv, stdin, message):
    code, out, err = run(monkeypatch, capsys, *argv, stdin=stdin)
    assert code == 1
    assert message in err
    assert err.startswith("error: ")
    assert not Accounts.open(data_dir).has_users()


def test_duplicate_workspace_from_cli(accounts, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "workspace", "create", "ACME")
    assert code == 1 and "already have a workspace called 'Acme'" in err


def test_unknown_owner(accounts, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "workspace", "create", "New", "--owner", "ghost")
    assert code == 1 and "no user named 'ghost'" in err


def test_demo_builds_a_full_workspace(accounts, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "demo")
    assert code == 0, err
    info = accounts.find_workspace("Brightside Appliances (demo)")
    from cxcore import workspace as wsmod

    session = wsmod.open_session(accounts, info.id, "owner")
    counts = wsmod.counts(session)
    assert counts["customers"] >= 300
    assert counts["responses"] >= 500
    assert counts["revenue_events"] >= 500
    assert counts["interviews"] >= 10
    assert counts["journeys"] >= 1
    # about two years of history
    first, last = session.db.execute("select min(date), max(date) from responses").fetchone()
    assert first <= "2025-01-31" and last >= "2026-10-01"
    # a second demo gets its own name
    code, out, _ = run(monkeypatch, capsys, "demo")
    assert "Brightside Appliances (demo) 2" in out


def test_demo_is_reproducible(accounts, monkeypatch, capsys):
    from cxcore import demo
    from cxcore import workspace as wsmod

    a = demo.create_demo_workspace(accounts, owner="owner", name="A")
    b = demo.create_demo_workspace(accounts, owner="owner", name="B")
    rows = []
    for info in (a, b):
        session = wsmod.open_session(accounts, info.id, "owner")
        rows.append(list(session.db.execute(
            "select customer_id, date, nps, comment from responses order by id")))
    assert rows[0] == rows[1]


def test_python_dash_m_runs(data_dir):
    result = subprocess.run([sys.executable, "-m", "cxcore", "--help"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    for command in ("init", "user", "workspace", "demo"):
        assert command in result.stdout


def test_workspace_copy_setup(accounts, workspace, monkeypatch, capsys):
    from cxcore import interviews, journeys
    from cxcore import workspace as wsmod

    acme = wsmod.open_session(accounts, workspace.id, "owner")
    interviews.set_guide(acme, "customer", ["Why us?"])
    journeys.create_journey(acme, "Renewal")
    acme.close()
    globex = accounts.create_workspace("Globex", by="owner")
    accounts.set_member(globex.id, "viewer", "viewer", by="owner")

    code, _, err = run(monkeypatch, capsys, "workspace", "copy-setup", "Acme", "Globex",
                       "--parts", "guides,customers")
    assert code == 1 and "'customers' is not something that can be copied" in err
    code, _, err = run(monkeypatch, capsys, "workspace", "copy-setup", "Acme", "Globex",
                       "--as", "viewer")
    assert code == 1 and "Your role in 'Globex' is viewer" in err
    code, out, err = run(monkeypatch, capsys, "workspace", "copy-setup", "Acme", "Globex",
                         "--parts", "guides,journeys")
    assert code == 0, err
    assert out.strip() == ("Copied into 'Globex' from 'Acme': 2 interview guides, 1 journey.")
    target = wsmod.open_session(accounts, globex.id, "owner")
    assert interviews.guide(target, "customer") == ["Why us?"]
    assert [j["name"] for j in journeys.list_journeys(target)] == ["Renewal"]
    target.close()


def test_report_writes_the_html_file(accounts, monkeypatch, capsys, tmp_path):
    from cxcore import demo

    info = demo.create_demo_workspace(accounts, owner="owner")
    out_file = tmp_path / "report.html"
    code, out, err = run(monkeypatch, capsys, "report", "--workspace", info.name,
                         "--period", "2026-Q2", "--out", str(out_file))
    assert code == 0, err
    assert out.strip() == str(out_file)
    text = out_file.read_text(encoding="utf-8")
    assert text.startswith("<!doctype html>")
    assert info.name in text and "Scorecard · 2026-Q2" in text and "<svg" in text
    code, _, err = run(monkeypatch, capsys, "report", "--workspace", info.name, "--period",
                       "soon", "--out", str(tmp_path / "bad.html"))
    assert code == 1 and err.startswith("error: ") and "is not a period" in err
    assert not (tmp_path / "bad.html").exists()
