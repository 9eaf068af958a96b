"""Start from another workspace: cxcore.reuse.copy_setup."""

from __future__ import annotations

import pytest

from cxcore import checklist, interviews, journeys, reuse, scorecard
from cxcore import workspace as wsmod
from cxcore.accounts import SYSTEM
from cxcore.errors import PermissionDenied, ValidationError

CUSTOMER_GUIDE = ["What did you want to get done?", "Where did it get hard?"]
EMPLOYEE_GUIDE = ["What do customers complain about?"]


@pytest.fixture
def target(accounts):
    """A second workspace, 'Globex', where owner is owner and viewer only a viewer."""
    info = accounts.create_workspace("Globex", by="owner")
    accounts.set_member(info.id, "viewer", "viewer", by="owner")
    session = wsmod.open_session(accounts, info.id, "owner")
    yield session
    session.close()


@pytest.fixture
def source(owner_session):
    """Acme with a full set-up plus client data that must never travel."""
    s = owner_session
    interviews.set_guide(s, "customer", CUSTOMER_GUIDE)
    interviews.set_guide(s, "employee", EMPLOYEE_GUIDE)
    checklist.set_targets(s, customer_interviews=12, employee_interviews=4, shoes_entries=2)
    scorecard.set_targets(s, {"nps": {"target": 40, "warn_at": 20},
                              "csat_pct": {"target": 80}})
    scorecard.set_finance_settings(s, 35.0, 8.0)
    jid = journeys.create_journey(s, "Delivery", persona_name="Household buyer",
                                  persona_description="Bought a fridge", persona_goals="One visit",
                                  problem="Missed slots")
    order = journeys.add_step(s, jid, "Order", "Pays online")
    deliver = journeys.add_step(s, jid, "Delivery")
    driver = journeys.add_actor(s, jid, "Driver", "frontstage", kind="person",
                                steps=[deliver])
    journeys.add_actor(s, jid, "Scheduling", "backstage", kind="system", steps=[order, deliver])
    journeys.set_health(s, deliver, driver, "red", note="Two hours late", owner="Sam")
    part = s.db.execute("select id from journey_parts where step_id = ? and actor_id = ?",
                        [deliver, driver]).fetchone()[0]
    journeys.add_evidence(s, part, "Nobody told me the van was late.")
    journeys.add_action(s, part, "Text updates", owner="Sam")
    archived = journeys.create_journey(s, "Old journey")
    journeys.set_archived(s, archived)
    interviews.create_interview(s, {"kind": "customer", "date": "2026-01-15",
                                    "interviewee": "Customer A", "notes": "Late van"})
    checklist.save_reflections(s, 1, {"switching": "We would lose half our revenue."})
    s.db["customers"].insert({"id": "C1", "name": "Ann", "churned": 0})
    s.db["responses"].insert({"customer_id": "C1", "date": "2026-01-02", "nps": 9})
    return s


def count(session, table, where="1"):
    return session.db.execute(f"select count(*) from [{table}] where {where}").fetchone()[0]


def snapshot(session):
    """Everything copy_setup could touch in a workspace, to compare before and after."""
    return {table: list(session.db.execute(f"select * from [{table}] order by 1"))
            for table in ("settings", "activity", "interview_guides", "checklist_targets",
                          "journeys", "journey_steps", "journey_actors", "journey_parts",
                          "journey_health_history")}


def test_copies_the_setup_and_nothing_of_the_client(source, target):
    counts = reuse.copy_setup(source, target, set(reuse.REUSABLE))
    assert counts == {"guides": 2, "targets": 5, "finance": 3, "tag_rules": 0, "journeys": 1,
                      "branding": 0}

    assert interviews.guide(target, "customer") == CUSTOMER_GUIDE
    assert interviews.guide(target, "employee") == EMPLOYEE_GUIDE
    assert checklist.targets(target) == {"customer_interviews": 12, "employee_interviews": 4,
                                         "shoes_entries": 2}
    assert scorecard.targets(target) == {"nps": {"target": 40.0, "warn_at": 20.0},
                                         "csat_pct": {"target": 80.0, "warn_at": None}}
    assert scorecard.finance_settings(target) == {"gross_margin_pct": 35.0,
                                                  "annual_discount_rate_pct": 8.0,
                                                  "clv_horizon_years": 5.0}

    [journey] = journeys.list_journeys(target, include_archived=True)
    assert (journey["name"], journey["persona_name"], journey["persona_description"],
            journey["persona_goals"], journey["problem"]) == (
        "Delivery", "Household buyer", "Bought a fridge", "One visit", "Missed slots")
    assert [(s["name"], s["description"]) for s in journeys.list_steps(target, journey["id"])] \
        == [("Order", "Pays online"), ("Delivery", "")]
    assert [(a["name"], a["kind"], a["stage"])
            for a in journeys.list_actors(target, journey["id"])] == [
        ("Driver", "person", "frontstage"), ("Scheduling", "system", "backstage")]
    parts = journeys.list_parts(target, journey["id"])
    assert sorted((p["step_name"], p["actor_name"]) for p in parts) == [
        ("Delivery", "Driver"), ("Delivery", "Scheduling"), ("Order", "Scheduling")]
    assert all(p["health"] is None and not p["note"] and not p["owner"] for p in parts)

    for table in ("journey_health_history", "journey_evidence", "actions", "interviews",
                  "checklist_reflections", "customers", "responses"):
        assert count(target, table) == 0, table
    assert count(source, "checklist_reflections") == 1 and count(source, "customers") == 1
    activity = [r["action"] for r in target.db.query("select action from activity")]
    assert "copy_setup" in activity
    # the source is only read
    assert count(source, "journeys") == 2 and count(source, "interviews") == 1


def test_members_are_not_copied(accounts, source, target):
    reuse.copy_setup(source, target, set(reuse.REUSABLE))
    assert {m["username"] for m in accounts.list_members(target.info.id, by="owner")} == {
        "owner", "viewer"}


def test_only_the_asked_parts(source, target):
    assert reuse.copy_setup(source, target, {"guides"}) == {"guides": 2}
    assert interviews.guide(target, "customer") == CUSTOMER_GUIDE
    assert checklist.targets(target) == checklist.DEFAULT_TARGETS
    assert scorecard.targets(target) == {}
    assert count(target, "journeys") == 0


def test_scorecard_targets_are_laid_over_the_targets_own(source, target):
    scorecard.set_targets(target, {"nps": {"target": 10}, "enps": {"target": 30}})
    reuse.copy_setup(source, target, {"targets"})
    assert scorecard.targets(target)["nps"]["target"] == 40.0
    assert scorecard.targets(target)["enps"]["target"] == 30.0


def test_viewer_on_target_is_refused_with_nothing_written(accounts, source, target):
    as_viewer = wsmod.open_session(accounts, target.info.id, "viewer")
    before = snapshot(target)
    with pytest.raises(PermissionDenied):
        reuse.copy_setup(source, as_viewer, set(reuse.REUSABLE))
    as_viewer.close()
    assert snapshot(target) == before


def test_viewer_on_source_may_copy_from_it(accounts, source):
    info = accounts.create_workspace("Viewer's own", by=SYSTEM, owner="viewer")
    mine = wsmod.open_session(accounts, info.id, "viewer")
    acme = wsmod.open_session(accounts, source.info.id, "viewer")
    assert reuse.copy_setup(acme, mine, {"guides", "journeys"}) == {"guides": 2, "journeys": 1}
    assert interviews.guide(mine, "employee") == EMPLOYEE_GUIDE
    acme.close()
    mine.close()


def test_unknown_part_is_named(source, target):
    before = snapshot(target)
    with pytest.raises(ValidationError) as err:
        reuse.copy_setup(source, target, {"guides", "customers"})
    assert [(p.field, "'customers'" in p.reason) for p in err.value.problems] == [
        ("parts", True)]
    with pytest.raises(ValidationError, match="at least one"):
        reuse.copy_setup(source, target, set())
    assert snapshot(target) == before


def test_copying_into_itself_is_refused(accounts, source):
    again = wsmod.open_session(accounts, source.info.id, "owner")
    with pytest.raises(ValidationError, match="being copied into"):
        reuse.copy_setup(source, again, {"journeys"})
    again.close()
    assert count(source, "journeys") == 2


def test_all_or_nothing_when_the_journeys_copy_fails_midway(source, target, monkeypatch):
    second = journeys.create_journey(source, "Renewal")
    journeys.add_step(source, second, "Reminder")
    interviews.set_guide(target, "customer", ["Target's own question?"])
    before = snapshot(target)
    real = journeys.copy_journey
    calls = []

    def failing(src, journey_id, tgt, **kw):
        calls.append(journey_id)
        if len(calls) == 2:  # the first journey is in, the second one breaks
            raise RuntimeError("disk full")
        return real(src, journey_id, tgt, **kw)

    monkeypatch.setattr(journeys, "copy_journey", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        reuse.copy_setup(source, target, set(reuse.REUSABLE))
    assert len(calls) == 2
    assert snapshot(target) == before
    assert interviews.guide(target, "customer") == ["Target's own question?"]
    assert not target.db.conn.in_transaction


def test_describe():
    assert reuse.describe({"guides": 2, "journeys": 1, "finance": 2}) == (
        "2 interview guides, 1 journey, 2 finance settings")
    assert reuse.describe({}) == "nothing"
