"""Six-step checklist: evidence rules, overrides, reflections, customer's shoes, targets,
permissions, overview and roll-out stages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxcore import checklist as cl
from cxcore import interviews as iv
from cxcore import journeys
from cxcore.errors import NotFound, PermissionDenied, ValidationError


def interview(session, kind="customer", n=1):
    for i in range(n):
        iv.create_interview(session, {"kind": kind, "date": "2026-01-10",
                                      "interviewee": f"{kind} {i}"})


def steps_by_number(session):
    return {s["number"]: s for s in cl.overview(session)["steps"]}


def no_journeys(monkeypatch, rows):
    monkeypatch.setattr(journeys, "journey_coverage", lambda session: rows)


def test_empty_workspace(viewer_session):
    view = cl.overview(viewer_session)
    assert [s["number"] for s in view["steps"]] == [1, 2, 3, 4, 5, 6]
    for step in view["steps"][:5]:
        assert step["status"] == step["suggested_status"] == "not started"
        assert step["progress"] == 0.0
    six = view["steps"][5]
    assert six["status"] == cl.WAITING and six["waiting"] is True
    assert six["progress"] == 0.0
    assert "journey map" in six["evidence_summary"]
    assert view["total_progress"] == 0.0 and view["done_count"] == 0
    assert view["purpose_statement"] is None
    assert view["targets"] == cl.DEFAULT_TARGETS


def test_reflection_steps(editor_session):
    cl.save_reflections(editor_session, 2, {"purpose": "We keep kitchens <b>running</b>."})
    step = steps_by_number(editor_session)[2]
    assert step["suggested_status"] == "in progress"
    assert step["progress"] == pytest.approx(1 / 3)
    assert step["evidence_summary"] == "1 of 3 prompts answered."
    view = cl.overview(editor_session)
    assert view["purpose_statement"] == "We keep kitchens <b>running</b>."
    assert view["reflections"][2][0] == {"key": "purpose", "prompt": cl.REFLECTION_PROMPTS[2][0][1],
                                         "answer": "We keep kitchens <b>running</b>."}
    cl.save_reflections(editor_session, 2, {"promise": "On time", "values": "Honesty"})
    assert steps_by_number(editor_session)[2]["status"] == "done"
    cl.save_reflections(editor_session, 2, {"values": "  "})  # empty answer removes it
    assert steps_by_number(editor_session)[2]["status"] == "in progress"
    assert cl.reflections(editor_session)[2] == {"purpose": "We keep kitchens <b>running</b>.",
                                                 "promise": "On time"}


def test_reflection_bad_input_changes_nothing(editor_session):
    cl.save_reflections(editor_session, 1, {"switching": "We would close."})
    before = cl.reflections(editor_session)
    with pytest.raises(ValidationError) as err:
        cl.save_reflections(editor_session, 1, {"switching": "x", "nope": "y"})
    assert err.value.problems[0].field == "nope"
    with pytest.raises(ValidationError):
        cl.save_reflections(editor_session, 3, {"switching": "x"})
    with pytest.raises(ValidationError) as err:
        cl.save_reflections(editor_session, 1, {"commitment": "x" * 100_001})
    assert err.value.problems[0].field == "commitment"
    assert cl.reflections(editor_session) == before


def test_long_non_latin_reflection_kept_exactly(editor_session):
    text = ("Почему мы существуем? 私たちの目的 # **not bold** " * 3000)[:100_000]
    cl.save_reflections(editor_session, 2, {"purpose": text})
    assert cl.overview(editor_session)["purpose_statement"] == text


def test_customer_shoes_step(editor_session):
    first = cl.add_shoes_entry(editor_session, "2026-01-03", "mystery shop",
                               "Asked about a fridge in store", "Ignored for ten minutes")
    step = steps_by_number(editor_session)[3]
    assert step["suggested_status"] == "in progress"
    assert step["progress"] == pytest.approx(1 / 3)
    assert step["evidence_summary"] == "1 experience recorded (target 3)."
    cl.add_shoes_entry(editor_session, date(2026, 1, 5), "support call", "Called support")
    cl.add_shoes_entry(editor_session, "2026-01-08", "own purchase", "Bought a kettle online")
    assert steps_by_number(editor_session)[3]["status"] == "done"
    assert [e["date"] for e in cl.list_shoes_entries(editor_session)] == [
        "2026-01-08", "2026-01-05", "2026-01-03"]
    cl.delete_shoes_entry(editor_session, first)
    assert steps_by_number(editor_session)[3]["status"] == "in progress"
    with pytest.raises(NotFound):
        cl.delete_shoes_entry(editor_session, first)


@pytest.mark.parametrize(("args", "field"), [
    (("", "mystery shop", "x"), "date"),
    (("01/02/2026", "mystery shop", "x"), "date"),
    (((date.today() + timedelta(days=2)).isoformat(), "mystery shop", "x"), "date"),
    (("2026-01-01", "dream", "x"), "kind"),
    (("2026-01-01", "mystery shop", "  "), "what was done"),
])
def test_shoes_bad_input(editor_session, args, field):
    with pytest.raises(ValidationError) as err:
        cl.add_shoes_entry(editor_session, *args)
    assert [p.field for p in err.value.problems] == [field]
    assert cl.list_shoes_entries(editor_session) == []


def test_interview_steps_follow_the_log_and_targets(editor_session):
    interview(editor_session, "customer", 4)
    interview(editor_session, "employee", 5)
    steps = steps_by_number(editor_session)
    assert steps[4]["suggested_status"] == "in progress"
    assert steps[4]["progress"] == pytest.approx(0.4)
    assert steps[4]["evidence_summary"] == "4 customer interviews logged (target 10)."
    assert steps[5]["status"] == "done" and steps[5]["progress"] == 1.0
    cl.set_targets(editor_session, customer_interviews=4, employee_interviews=8)
    steps = steps_by_number(editor_session)
    assert steps[4]["status"] == "done"
    assert steps[5]["progress"] == pytest.approx(5 / 8)
    # Deleted interviews stop counting.
    first = iv.list_interviews(editor_session, kind="customer")[0]["id"]
    iv.delete_interview(editor_session, first)
    assert steps_by_number(editor_session)[4]["progress"] == pytest.approx(0.75)


@pytest.mark.parametrize(("values", "field"), [
    ({"customer_interviews": 0}, "customer interviews"),
    ({"employee_interviews": 1001}, "frontline employee interviews"),
    ({"customer_interviews": "three"}, "customer interviews"),
    ({"customer_interviews": 2.5}, "customer interviews"),
    ({"surveys": 3}, "surveys"),
])
def test_bad_targets_change_nothing(editor_session, values, field):
    cl.set_targets(editor_session, customer_interviews=12)
    with pytest.raises(ValidationError) as err:
        cl.set_targets(editor_session, shoes_entries=2, **values)
    assert [p.field for p in err.value.problems] == [field]
    assert cl.targets(editor_session) == {**cl.DEFAULT_TARGETS, "customer_interviews": 12}


@pytest.mark.parametrize(("coverage", "status", "progress", "summary"), [
    ([], cl.WAITING, 0.0, "Waiting on a journey map"),
    ([{"journey_id": 1, "name": "A", "parts_total": 0, "parts_rated": 0}],
     "in progress", 0.0, "no parts to rate"),
    ([{"journey_id": 1, "name": "A", "parts_total": 8, "parts_rated": 2},
      {"journey_id": 2, "name": "B", "parts_total": 4, "parts_rated": 3}],
     "in progress", 0.75, "3 of 4 parts of 'B' rated."),
    ([{"journey_id": 1, "name": "A", "parts_total": 8, "parts_rated": 2},
      {"journey_id": 2, "name": "B", "parts_total": 5, "parts_rated": 5}],
     "done", 1.0, "Every part of 'B' is rated."),
])
def test_step_six_rules(viewer_session, monkeypatch, coverage, status, progress, summary):
    no_journeys(monkeypatch, coverage)
    six = steps_by_number(viewer_session)[6]
    assert six["suggested_status"] == status
    assert six["progress"] == pytest.approx(progress)
    assert summary in six["evidence_summary"]
    assert six["waiting"] is (status == cl.WAITING)


def test_step_six_without_journey_module_function(viewer_session, monkeypatch):
    monkeypatch.delattr(journeys, "journey_coverage", raising=False)
    assert steps_by_number(viewer_session)[6]["suggested_status"] == cl.WAITING


def test_step_six_with_real_journey_map(editor_session):
    journey_id = journeys.create_journey(editor_session, "Delivery and installation")
    step_id = journeys.add_step(editor_session, journey_id, "Delivery")
    assert steps_by_number(editor_session)[6]["suggested_status"] == "in progress"
    actor_id = journeys.add_actor(editor_session, journey_id, "Driver", "frontstage",
                                  steps=[step_id])
    six = steps_by_number(editor_session)[6]
    assert (six["suggested_status"], six["progress"]) == ("in progress", 0.0)
    journeys.set_health(editor_session, step_id, actor_id, "green")
    assert steps_by_number(editor_session)[6]["status"] == "done"


def test_override_wins_and_needs_a_note(editor_session, monkeypatch):
    no_journeys(monkeypatch, [])
    interview(editor_session, "customer", 5)
    with pytest.raises(ValidationError) as err:
        cl.set_override(editor_session, 4, "done", "  ")
    assert err.value.problems[0].field == "note"
    with pytest.raises(ValidationError) as err:
        cl.set_override(editor_session, 4, "finished", "why")
    assert err.value.problems[0].field == "status"
    assert steps_by_number(editor_session)[4]["overridden"] is False
    cl.set_override(editor_session, 4, "done", "Five deep interviews were enough")
    step = steps_by_number(editor_session)[4]
    assert (step["status"], step["suggested_status"], step["overridden"]) == (
        "done", "in progress", True)
    assert step["override_note"] == "Five deep interviews were enough"
    assert step["progress"] == 1.0
    cl.set_override(editor_session, 6, "not started", "Map next quarter")
    six = steps_by_number(editor_session)[6]
    assert six["status"] == "not started" and six["waiting"] is False
    cl.clear_override(editor_session, 4)
    step = steps_by_number(editor_session)[4]
    assert (step["status"], step["overridden"], step["progress"]) == ("in progress", False, 0.5)


def test_total_progress_is_mean_of_steps(editor_session, monkeypatch):
    no_journeys(monkeypatch, [{"journey_id": 1, "name": "A", "parts_total": 4,
                               "parts_rated": 1}])
    cl.save_reflections(editor_session, 1, dict.fromkeys(("switching", "alternatives",
                                                          "commitment"), "x"))
    interview(editor_session, "employee", 1)  # 1/5 = 0.2
    cl.set_override(editor_session, 3, "done", "Did plenty informally")
    view = cl.overview(editor_session)
    # steps: 1.0, 0, 1.0 (override), 0, 0.2, 0.25
    assert view["total_progress"] == pytest.approx((1 + 0 + 1 + 0 + 0.2 + 0.25) / 6)
    assert view["done_count"] == 2


def test_update_step_owner_due_notes(editor_session):
    cl.update_step(editor_session, 3, owner=" Sam ", due_date="2026-02-01", notes="<i>n</i>")
    step = steps_by_number(editor_session)[3]
    assert (step["owner"], step["due_date"], step["notes"]) == ("Sam", "2026-02-01", "<i>n</i>")
    with pytest.raises(ValidationError) as err:
        cl.update_step(editor_session, 3, owner="x" * 201, due_date="soon")
    assert [p.field for p in err.value.problems] == ["owner", "due date"]
    assert steps_by_number(editor_session)[3]["owner"] == "Sam"
    with pytest.raises(NotFound):
        cl.update_step(editor_session, 7, owner="x")
    cl.update_step(editor_session, 3)
    assert steps_by_number(editor_session)[3]["owner"] is None


def test_viewer_cannot_write(viewer_session, editor_session):
    entry = cl.add_shoes_entry(editor_session, "2026-01-01", "other", "Read our reviews")
    calls = [
        lambda: cl.update_step(viewer_session, 1, owner="me"),
        lambda: cl.set_override(viewer_session, 1, "done", "because"),
        lambda: cl.clear_override(viewer_session, 1),
        lambda: cl.save_reflections(viewer_session, 1, {"switching": "x"}),
        lambda: cl.add_shoes_entry(viewer_session, "2026-01-01", "other", "x"),
        lambda: cl.delete_shoes_entry(viewer_session, entry),
        lambda: cl.set_targets(viewer_session, shoes_entries=2),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert viewer_session.db["checklist_steps"].count == 0
    assert viewer_session.db["checklist_reflections"].count == 0
    assert viewer_session.db["checklist_targets"].count == 0
    assert len(cl.list_shoes_entries(viewer_session)) == 1


def test_writes_are_logged(editor_session):
    cl.set_override(editor_session, 2, "in progress", "Draft only")
    last = list(editor_session.db.query("select * from activity order by id desc limit 1"))[0]
    assert (last["username"], last["action"], last["entity"], last["entity_id"]) == (
        "editor", "override", "checklist_step", "2")


@given(count=st.integers(min_value=0, max_value=50), target=st.integers(min_value=1,
                                                                          max_value=50))
def test_count_status_invariants(count, target):
    status, progress = cl._count_status(count, target)
    assert 0.0 <= progress <= 1.0
    assert (status == "done") == (count >= target)
    assert (status == "not started") == (count == 0)


def test_rollout_stages_follow_the_data(editor_session):
    stages = {s["key"]: s for s in cl.rollout_stages(editor_session)}
    assert list(stages) == ["measure", "drivers", "correlate", "share"]
    assert not any(s["has_data"] for s in stages.values())
    assert stages["measure"]["page"] == "pages/scorecard.py"
    assert stages["share"]["page"] == "pages/home.py"
    assert "program report" in stages["share"]["does"]
    db = editor_session.db
    db["responses"].insert({"date": "2026-01-01", "nps": 9})
    stages = {s["key"]: s for s in cl.rollout_stages(editor_session)}
    assert stages["measure"]["has_data"] and stages["share"]["has_data"]
    assert not stages["drivers"]["has_data"] and not stages["correlate"]["has_data"]
    db["customers"].insert({"id": "C1", "churned": 0})
    db["responses"].insert({"date": "2026-01-02", "nps": 3, "customer_id": "C1", "ease": 2})
    stages = {s["key"]: s for s in cl.rollout_stages(editor_session)}
    assert stages["drivers"]["has_data"]
    assert not stages["correlate"]["has_data"]  # customer without revenue
    db["revenue_events"].insert({"customer_id": "C1", "date": "2026-01-01", "amount": 500.0,
                                 "kind": "new"})
    stages = {s["key"]: s for s in cl.rollout_stages(editor_session)}
    assert stages["correlate"]["has_data"]
    assert stages["measure"]["data_summary"] == "2 survey responses."
