"""Benchmarks across clients (cxcore.compare) and `compare-workspaces`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cxcore import compare, journeys
from cxcore import workspace as wsmod


def test_last_complete_quarter():
    assert compare.last_complete_quarter(date(2026, 12, 2)) == "2026-Q3"
    assert compare.last_complete_quarter(date(2026, 2, 1)) == "2025-Q4"
    assert compare.last_complete_quarter(date(2026, 4, 1)) == "2026-Q1"


def test_wilson_interval_hand_computed():
    # 8 of 10, z = 1.96: (0.8 + 0.19208 ± 1.96·sqrt(0.016 + 0.0009604)) / 1.38416
    low, high = compare.wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert compare.wilson_interval(0, 0) is None


def _responses(session, rows):
    session.db["responses"].insert_all(
        {"date": d, "nps": n, "csat": c, "row_hash": f"h{i}"}
        for i, (d, n, c) in enumerate(rows))


def test_rows_with_hand_computed_values(accounts, owner_session, workspace):
    # Acme, 2026-Q2: 3 promoters, 1 passive, 1 detractor -> NPS 40; CSAT 4 of 5 = 80 %
    _responses(owner_session, [("2026-04-02", 10, 5), ("2026-04-03", 9, 4), ("2026-05-01", 10, 5),
                               ("2026-05-02", 8, 4), ("2026-06-01", 3, 2),
                               ("2026-07-01", 0, 1)])  # outside the period
    jid = journeys.create_journey(owner_session, "Onboarding")
    step = journeys.add_step(owner_session, jid, "Sign up")
    actor = journeys.add_actor(owner_session, jid, "Sales", "frontstage")
    journeys.set_health(owner_session, step, actor, "red")
    part = journeys.list_parts(owner_session, jid)[0]["id"]
    journeys.add_action(owner_session, part, "Fix it", due_date="2026-05-01")
    accounts.create_workspace("Globex", by="owner")
    rows = compare.compare_workspaces(accounts, "owner", period="2026-Q2",
                                      today=date(2026, 7, 15))
    assert [r["workspace"] for r in rows] == ["Acme", "Globex"]  # no NPS last
    acme, globex = rows
    assert (acme["nps"], acme["nps_n"], acme["csat_pct"], acme["csat_n"]) == (40.0, 5, 80.0, 5)
    assert acme["nps_low"] < 40 < acme["nps_high"] and acme["nps_small"] is True
    assert (acme["red_parts"], acme["open_actions"], acme["overdue_actions"]) == (1, 1, 1)
    assert globex["nps"] is None and globex["csat_pct"] is None  # no data is null, never 0
    assert globex["churn_rate_pct"] is None and globex["nps_small"] is False
    assert compare.field_summary(rows) == {"with_nps": 1, "median_nps": 40.0}


def test_only_the_users_workspaces(accounts, workspace):
    accounts.create_workspace("Secret", by="owner")
    assert [r["workspace"] for r in compare.compare_workspaces(accounts, "viewer")] == ["Acme"]
    assert len(compare.compare_workspaces(accounts, "owner")) == 2


def test_anonymise_keeps_one_name(accounts, workspace):
    for name in ("Globex", "Initech"):
        accounts.create_workspace(name, by="owner")
    rows = compare.compare_workspaces(accounts, "owner", anonymise=True, keep=workspace.id)
    names = [r["workspace"] for r in rows]
    assert "Acme" in names and sorted(set(names) - {"Acme"}) == ["Client A", "Client B"]
    hidden = [r for r in rows if r["anonymised"]]
    assert all(r["workspace_id"] is None for r in hidden)


def test_cli_json_and_table(accounts, workspace, monkeypatch, capsys):
    from .test_cli import run

    accounts.create_workspace("Globex", by="owner")
    code, out, err = run(monkeypatch, capsys, "compare-workspaces", "--json", "--period",
                         "2026-Q2")
    assert code == 0, err
    data = json.loads(out)
    assert {r["workspace"] for r in data["rows"]} == {"Acme", "Globex"}
    assert data["rows"][0]["nps"] is None and data["field"]["median_nps"] is None
    code, out, err = run(monkeypatch, capsys, "compare-workspaces", "--as", "viewer",
                         "--anonymise", "--keep", "Acme", "--json")
    assert code == 0, err
    assert [r["workspace"] for r in json.loads(out)["rows"]] == ["Acme"]
    code, out, _ = run(monkeypatch, capsys, "compare-workspaces")
    assert code == 0 and "Acme" in out and "Globex" in out and "NPS" in out
    code, _, err = run(monkeypatch, capsys, "compare-workspaces", "--as", "ghost")
    assert code == 1 and "no user named 'ghost'" in err
    code, _, err = run(monkeypatch, capsys, "compare-workspaces", "--period", "soon")
    assert code == 1 and "is not a period" in err


def test_viewer_sessions_are_used(accounts, workspace):
    """Each workspace is opened with the user's own role (a viewer can't write through it)."""
    session = wsmod.open_session(accounts, workspace.id, "viewer")
    try:
        row = compare.workspace_row(session, "all", date(2026, 7, 1))
        assert row["workspace"] == "Acme"
    finally:
        session.close()
