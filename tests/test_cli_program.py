"""``python -m cxcore interview|journey|action|checklist|targets``: the program's records on the
command line, with the same rules and role checks as the app."""

from __future__ import annotations

import io
import json
import sys

import pytest

from cxcore import checklist, interviews, journeys, scorecard
from cxcore import workspace as wsmod
from cxcore.cli import main


def run(monkeypatch, capsys, *argv):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def ok_json(monkeypatch, capsys, *argv):
    code, out, err = run(monkeypatch, capsys, *argv, "--workspace", "Acme", "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def acme(accounts, workspace):
    """'Acme' with one journey: steps Order, Delivery; actors Driver (front), Warehouse (back)."""
    session = wsmod.open_session(accounts, workspace.id, "owner")
    jid = journeys.create_journey(session, "Delivery")
    order = journeys.add_step(session, jid, "Order")
    delivery = journeys.add_step(session, jid, "Delivery")
    journeys.add_actor(session, jid, "Driver", "frontstage", steps=[delivery])
    journeys.add_actor(session, jid, "Warehouse", "backstage", steps=[order, delivery])
    yield session
    session.close()


def test_interview_add_list_and_search(acme, monkeypatch, capsys):
    added = ok_json(monkeypatch, capsys, "interview", "add", "--kind", "customer",
                    "--date", "2026-03-02", "--interviewee", "Customer A",
                    "--notes", "The delivery window was vague", "--tags", "delivery, waiting",
                    "--journey", "Delivery", "--sentiment", "negative")
    assert added["interviewee"] == "Customer A" and added["tags"] == ["delivery", "waiting"]
    assert added["journey_id"] == journeys.list_journeys(acme)[0]["id"]
    ok_json(monkeypatch, capsys, "interview", "add", "--kind", "employee", "--date",
            "2026-03-05", "--interviewee", "Driver Bo", "--notes", "Routes change late")
    listed = ok_json(monkeypatch, capsys, "interview", "list")
    assert [i["interviewee"] for i in listed] == ["Driver Bo", "Customer A"]
    assert [i["interviewee"] for i in ok_json(monkeypatch, capsys, "interview", "list",
                                               "--kind", "customer")] == ["Customer A"]
    found = ok_json(monkeypatch, capsys, "interview", "search", "vague deliv")
    assert [i["interviewee"] for i in found] == ["Customer A"]
    assert interviews.list_interviews(acme, search="routes")[0]["interviewee"] == "Driver Bo"


def test_interview_bad_input_names_the_field_and_stores_nothing(acme, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "interview", "add", "--workspace", "Acme",
                       "--kind", "customer", "--date", "2026-02-30", "--interviewee", "X")
    assert code == 1 and err.startswith("error: ") and "date" in err and "2026-02-30" in err
    assert interviews.list_interviews(acme) == []


def test_journey_list_show_and_rate(acme, monkeypatch, capsys):
    assert [(j["name"], j["steps"], j["actors"]) for j in ok_json(
        monkeypatch, capsys, "journey", "list")] == [("Delivery", 2, 2)]
    part = ok_json(monkeypatch, capsys, "journey", "rate", "Delivery", "Delivery", "Driver",
                   "red", "--note", "Late twice")
    assert (part["step_name"], part["actor_name"], part["health"], part["note"]) == (
        "Delivery", "Driver", "red", "Late twice")
    shown = ok_json(monkeypatch, capsys, "journey", "show", "delivery")
    assert [s["name"] for s in shown["steps"]] == ["Order", "Delivery"]
    assert shown["summary"]["red"] == 1 and shown["summary"]["unrated"] == 2
    assert [(p["step_name"], p["actor_name"], p["health"]) for p in shown["parts"]] == [
        ("Order", "Warehouse", None), ("Delivery", "Driver", "red"),
        ("Delivery", "Warehouse", None)]


def test_journey_rate_bad_input_and_roles(acme, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "journey", "rate", "Delivery", "Delivery",
                       "Driver", "purple", "--workspace", "Acme")
    assert code == 1 and "health" in err and "purple" in err
    code, _, err = run(monkeypatch, capsys, "journey", "rate", "Delivery", "Returns",
                       "Driver", "red", "--workspace", "Acme")
    assert code == 1 and "'Returns' is not one of this journey's steps (Order, Delivery)" in err
    code, _, err = run(monkeypatch, capsys, "journey", "rate", "Delivery", "Delivery",
                       "Driver", "red", "--workspace", "Acme", "--as", "viewer")
    assert code == 1 and "Your role in 'Acme' is viewer" in err
    assert all(p["health"] is None for p in journeys.list_parts(acme, 1))


def test_actions_add_list_update(acme, monkeypatch, capsys):
    ok_json(monkeypatch, capsys, "journey", "rate", "Delivery", "Delivery", "Driver", "red")
    action = ok_json(monkeypatch, capsys, "action", "add", "Delivery", "Delivery", "Driver",
                     "Text the arrival window", "--owner", "Priya", "--due", "2026-04-01",
                     "--as", "editor")
    assert (action["what"], action["owner"], action["status"]) == (
        "Text the arrival window", "Priya", "open")
    updated = ok_json(monkeypatch, capsys, "action", "update", str(action["id"]),
                      "--status", "done")
    assert updated["status"] == "done" and updated["closed_by"] == "__system__"
    assert [a["id"] for a in ok_json(monkeypatch, capsys, "action", "list", "--status",
                                     "done")] == [action["id"]]
    assert ok_json(monkeypatch, capsys, "action", "list", "--status", "open") == []
    # an unrated part takes no action; nothing is stored
    code, _, err = run(monkeypatch, capsys, "action", "add", "Delivery", "Order", "Warehouse",
                       "Fix it", "--workspace", "Acme")
    assert code == 1 and "actions are for red or yellow parts" in err
    code, _, err = run(monkeypatch, capsys, "action", "update", str(action["id"]),
                       "--workspace", "Acme")
    assert code == 1 and "nothing to change" in err
    assert len(journeys.list_actions(acme)) == 1


def test_checklist_show_and_set_keep_other_fields(acme, monkeypatch, capsys):
    shown = ok_json(monkeypatch, capsys, "checklist", "show")
    assert [s["number"] for s in shown["steps"]] == [1, 2, 3, 4, 5, 6]
    step = ok_json(monkeypatch, capsys, "checklist", "set", "4", "--owner", "Priya",
                   "--due", "2026-05-01")
    assert (step["owner"], step["due_date"]) == ("Priya", "2026-05-01")
    step = ok_json(monkeypatch, capsys, "checklist", "set", "4", "--notes", "Ten calls booked")
    assert (step["owner"], step["due_date"], step["notes"]) == (
        "Priya", "2026-05-01", "Ten calls booked")
    step = ok_json(monkeypatch, capsys, "checklist", "set", "4", "--status", "done",
                   "--note", "Done by phone")
    assert step["status"] == "done" and step["overridden"]
    step = ok_json(monkeypatch, capsys, "checklist", "set", "4", "--clear-status")
    assert not step["overridden"]
    code, _, err = run(monkeypatch, capsys, "checklist", "set", "4", "--status", "done",
                       "--workspace", "Acme")
    assert code == 1 and "note" in err
    assert checklist.overview(acme)["steps"][3]["overridden"] is False


def test_targets_list_set_and_remove(acme, monkeypatch, capsys):
    assert ok_json(monkeypatch, capsys, "targets", "list") == []
    listed = ok_json(monkeypatch, capsys, "targets", "set", "nps", "30", "--warn-at", "20")
    assert listed == [{"metric": "nps", "label": "NPS", "target": 30.0, "warn_at": 20.0}]
    code, _, err = run(monkeypatch, capsys, "targets", "set", "nps", "30", "--warn-at", "40",
                       "--workspace", "Acme")
    assert code == 1 and "yellow limit 40.0 must be below the target 30.0" in err
    code, _, err = run(monkeypatch, capsys, "targets", "set", "happiness", "3",
                       "--workspace", "Acme")
    assert code == 1 and "happiness" in err and "not a scorecard metric" in err
    assert scorecard.targets(acme) == {"nps": {"target": 30.0, "warn_at": 20.0}}
    assert ok_json(monkeypatch, capsys, "targets", "set", "nps", "none") == []


def test_plain_text_output(acme, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "journey", "list", "--workspace", "Acme")
    assert code == 0 and out.split("\t")[:2] == ["1", "Delivery"]
    code, out, _ = run(monkeypatch, capsys, "action", "list", "--workspace", "Acme")
    assert out.strip() == "(none)"
