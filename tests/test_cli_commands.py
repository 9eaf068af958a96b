"""The command line as a whole: every command documented, start-up that imports nothing heavy,
``--data-dir`` anywhere, and ``--json`` for users and workspaces."""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys

import pytest

from cxcore import accounts as accounts_mod
from cxcore import cli

from .conftest import ROOT


def run(monkeypatch, capsys, *argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def run_json(monkeypatch, capsys, *argv):
    code, out, err = run(monkeypatch, capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    """Every command path the parser accepts: 'user add', 'journey rate', ..."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = f"{prefix}{name}"
                inner = subcommands(sub, path + " ")
                found.extend(inner or [path])
    return found


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    documented = {" ".join(m.split()) for m in re.findall(r"-m cxcore ((?:[a-z][\w-]* ?)+)",
                                                          readme)}
    missing = [c for c in subcommands(cli.build_parser())
               if not any(d == c or d.startswith(c + " ") for d in documented)]
    assert missing == []


def test_lazy_listing_matches_the_real_commands():
    """--help lists each module's commands from its source; they must be the ones it adds."""
    for module in cli.COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        __import__(module, fromlist=["register"]).register(sub)
        declared = cli.declared_commands(module)
        assert declared is not None, module
        assert [name for name, _ in declared] == list(sub.choices), module
    def top(parser):
        return sorted({c.split()[0] for c in subcommands(parser)})

    assert top(cli.build_parser(None)) == top(cli.build_parser())


def test_help_imports_no_database_or_dataframe_library():
    code = ("import sys\nfrom cxcore.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('pandas', 'sqlite_utils', 'cxcore.accounts', 'cxcore.importers')"
            " if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_cli_operator_is_the_accounts_system_actor():
    assert cli.SYSTEM == accounts_mod.SYSTEM


@pytest.mark.parametrize("where", ["before", "after", "equals"])
def test_data_dir_before_or_after_the_command(tmp_path, monkeypatch, capsys, where):
    monkeypatch.delenv("CX_DATA_DIR", raising=False)
    folder = tmp_path / "elsewhere"
    argv = {"before": ["--data-dir", str(folder), "init"],
            "after": ["init", "--data-dir", str(folder)],
            "equals": ["init", f"--data-dir={folder}"]}[where]
    code, out, _ = run(monkeypatch, capsys, *argv)
    assert code == 0 and str(folder) in out
    assert (folder / "accounts.db").exists()


def test_users_and_workspaces_as_json(accounts, workspace, monkeypatch, capsys):
    users = run_json(monkeypatch, capsys, "user", "list")
    assert [(u["username"], u["is_admin"]) for u in users] == [
        ("editor", False), ("owner", True), ("viewer", False)]
    assert all("password_hash" not in u for u in users)
    owner = run_json(monkeypatch, capsys, "user", "show", "owner")
    assert owner["name"] == "Olivia Owner"
    assert [(w["name"], w["role"]) for w in owner["workspaces"]] == [("Acme", "owner")]

    spaces = run_json(monkeypatch, capsys, "workspace", "list")
    assert [(w["name"], w["owners"], w["archived"]) for w in spaces] == [
        ("Acme", ["owner"], False)]
    shown = run_json(monkeypatch, capsys, "workspace", "show", "Acme", "--as", "viewer")
    assert shown["your_role"] == "viewer"
    assert {m["username"]: m["role"] for m in shown["members"]} == {
        "owner": "owner", "editor": "editor", "viewer": "viewer"}
    assert shown["counts"]["responses"] == 0


def test_show_unknown_user_or_hidden_workspace_is_one_line(accounts, workspace, monkeypatch,
                                                           capsys):
    code, _, err = run(monkeypatch, capsys, "user", "show", "ghost")
    assert code == 1 and err == "error: There is no user named 'ghost'.\n"
    accounts.create_user("outsider", "correct-horse-1", by="owner")
    code, _, err = run(monkeypatch, capsys, "workspace", "show", "Acme", "--as", "outsider")
    assert code == 1 and err.startswith("error: ") and "Acme" in err
