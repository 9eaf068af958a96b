"""Benchmarks across clients (cxcore.compare) and `compare-workspaces`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cxcore import compare, journeys, scorecard
from cxcore import workspace as wsmod
from cxcore.errors import ValidationError


def test_last_complete_quarter():
    assert compare.last_complete_quarter(date(2026, 12, 2)) == "2026-Q3"
    assert compare.last_complete_quarter(date(2026, 2, 1)) == "2025-Q4"
    assert compare.last_complete_quarter(date(2026, 4, 1)) == "2026-Q1"


def test_last_complete_period_of_each_grain():
    day = date(2026, 12, 2)
    assert [compare.last_complete_period(day, g) for g in ("quarter", "month", "year")] == [
        "2026-Q3", "2026-11", "2025"]
    assert compare.last_complete_period(date(2026, 1, 31), "month") == "2025-12"
    with pytest.raises(ValidationError):
        compare.last_complete_period(day, "week")


TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("span, grain, expected", [
    # data to 20 Aug 2025: Q3 2025 is not covered to its end, Q2 is
    (("2024-03-10", "2025-08-20"), "quarter", "2025-Q2"),
    (("2024-03-10", "2025-08-20"), "month", "2025-07"),
    (("2024-03-10", "2025-08-20"), "year", "2024"),
    # data to 30 Sep 2025: Q3 is complete (its exclusive end, 1 Oct, is the day after)
    (("2024-03-10", "2025-09-30"), "quarter", "2025-Q3"),
    # data to today: today's quarter is in progress, the one before is the latest complete
    (("2024-03-10", "2026-12-02"), "quarter", "2026-Q3"),
    (("2024-03-10", "2027-03-01"), "quarter", "2026-Q3"),  # dated ahead: still not over
    # data only inside one quarter that has not ended in the data: nothing complete
    (("2025-07-05", "2025-08-20"), "quarter", None),
    ((None, None), "quarter", None),
])
def test_latest_complete_period_hand_computed(span, grain, expected):
    assert compare.latest_complete_period(span, TODAY, grain) == expected


def test_observes_needs_data_to_the_periods_end():
    span = ("2024-03-10", "2025-08-20")
    q = scorecard.parse_period
    assert compare.observes(span, q("2025-Q2"), TODAY)
    assert compare.observes(span, q("2024-Q1"), TODAY)  # data begin inside it
    assert not compare.observes(span, q("2025-Q3"), TODAY)  # data stop on 20 Aug
    assert not compare.observes(span, q("2023-Q4"), TODAY)  # before the data
    assert not compare.observes(span, q("2026-Q4"), TODAY)  # in progress
    assert compare.observes(span, q("all"), TODAY)
    assert not compare.observes((None, None), q("all"), TODAY)


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


def _two_spans(accounts, owner_session):
    """Acme answers in Apr-Jul 2026; Globex answered in Q1 2025 and has customers since 2024
    who, as far as its data know, never left."""
    _responses(owner_session, [("2026-04-02", 10, 5), ("2026-04-03", 9, 4), ("2026-05-01", 10, 5),
                               ("2026-05-02", 8, 4), ("2026-06-01", 3, 2),
                               ("2026-07-01", 0, 1)])
    globex = accounts.create_workspace("Globex", by="owner")
    session = wsmod.open_session(accounts, globex.id, "owner")
    _responses(session, [("2025-01-10", 10, 5), ("2025-02-01", 6, 3), ("2025-03-31", 9, 4)])
    session.db["customers"].insert_all(
        {"id": f"c{i}", "start_date": "2024-06-01"} for i in range(4))
    session.close()
    accounts.create_workspace("Initech", by="owner")  # nothing at all
    return globex


def test_each_clients_latest_complete_period(accounts, owner_session, workspace):
    _two_spans(accounts, owner_session)
    rows = compare.compare_workspaces(accounts, "owner", today=TODAY)
    by = {r["workspace"]: r for r in rows}
    assert [r["workspace"] for r in rows] == ["Acme", "Globex", "Initech"]
    acme, globex, initech = by["Acme"], by["Globex"], by["Initech"]
    # Acme's data end on 1 Jul 2026 -> 2026-Q2: 3 promoters, 1 passive, 1 detractor = +40
    assert (acme["period"], acme["observed"], acme["mode"]) == ("2026-Q2", True, "latest")
    assert (acme["nps"], acme["nps_n"], acme["csat_pct"]) == (40.0, 5, 80.0)
    # Globex's end on 31 Mar 2025 -> 2025-Q1: promoters 10 and 9, detractor 6 = (2-1)/3 = +33.3;
    # CSAT 5, 3, 4 -> 2 of 3 = 66.7 %; 4 customers at the start, none left -> churn 0 %
    assert (globex["period"], globex["observed"]) == ("2025-Q1", True)
    assert globex["nps"] == pytest.approx(100 / 3) and globex["nps_n"] == 3
    assert globex["csat_pct"] == pytest.approx(200 / 3)
    assert (globex["churn_rate_pct"], globex["churn_base"]) == (0.0, 4)
    assert (globex["data_from"], globex["data_to"]) == ("2024-06-01", "2025-03-31")
    # Initech: no dated data, no period, every period metric null
    assert initech["period"] is None and initech["observed"] is False
    assert all(initech[k] is None for k in compare.PERIOD_FIELDS)
    assert compare.field_summary(rows) == {"with_nps": 2, "median_nps": pytest.approx(110 / 3)}
    month = {r["workspace"]: r["period"] for r in compare.compare_workspaces(
        accounts, "owner", today=TODAY, grain="month")}
    assert month == {"Acme": "2026-06", "Globex": "2025-03", "Initech": None}


def test_same_period_for_all_is_null_where_not_observed(accounts, owner_session, workspace):
    globex = _two_spans(accounts, owner_session)
    rows = compare.compare_workspaces(accounts, "owner", mode="same", period="2026-Q2",
                                      today=TODAY)
    by = {r["workspace"]: r for r in rows}
    assert {r["period"] for r in rows} == {"2026-Q2"} and rows[0]["mode"] == "same"
    assert (by["Acme"]["nps"], by["Acme"]["observed"]) == (40.0, True)
    # Globex's data stop in March 2025: its scorecard alone would say churn 0 % of 4 in
    # 2026-Q2 (nobody is recorded as leaving); the comparison says "not observed" instead.
    session = wsmod.open_session(accounts, globex.id, "owner")
    assert scorecard.scorecard(session, "2026-Q2")["churn_rate_pct"] == 0.0
    session.close()
    g = by["Globex"]
    assert g["observed"] is False and all(g[k] is None for k in compare.PERIOD_FIELDS)
    assert g["steps_done"] == 0 and g["open_actions"] == 0  # today's state is still shown
    # the default common period is the last complete calendar quarter
    assert {r["period"] for r in compare.compare_workspaces(
        accounts, "owner", mode="same", today=TODAY)} == {"2026-Q3"}
    with pytest.raises(ValidationError):
        compare.compare_workspaces(accounts, "owner", mode="sometimes")


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
    assert "latest complete period" in out and "no data" in out
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


def test_cli_flag_chooses_the_period_mode(accounts, owner_session, workspace, monkeypatch,
                                          capsys):
    from .test_cli import run

    _two_spans(accounts, owner_session)
    code, out, err = run(monkeypatch, capsys, "compare-workspaces", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "latest" and data["grain"] == "quarter"
    periods = {r["workspace"]: r["period"] for r in data["rows"]}
    assert periods["Acme"] == "2026-Q2" and periods["Globex"] == "2025-Q1"
    assert periods["Initech"] is None
    code, out, err = run(monkeypatch, capsys, "compare-workspaces", "--json", "--same-period",
                         "--period", "2026-Q2")
    assert code == 0, err
    data = json.loads(out)
    by = {r["workspace"]: r for r in data["rows"]}
    assert data["mode"] == "same" and by["Acme"]["nps"] == 40.0
    assert by["Globex"]["observed"] is False and by["Globex"]["churn_rate_pct"] is None
    code, out, err = run(monkeypatch, capsys, "compare-workspaces", "--grain", "year",
                         "--json")
    assert code == 0, err
    assert {r["workspace"]: r["period"] for r in json.loads(out)["rows"]}["Globex"] == "2024"
