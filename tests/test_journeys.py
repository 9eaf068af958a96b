"""Journey health: steps, actors, parts, health history, copying, actions, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcore import journeys as jr
from cxcore import workspace as wsmod
from cxcore.errors import NotFound, PermissionDenied, ValidationError


def snapshot(session) -> dict:
    """Every journey table's rows, to prove a rejected write changed nothing."""
    tables = ["journeys", "journey_steps", "journey_actors", "journey_parts",
              "journey_evidence", "journey_health_history", "actions"]
    return {t: list(session.db.query(f"select * from [{t}] order by id")) for t in tables}


@pytest.fixture
def small(editor_session):
    """A journey with 3 steps and 4 actors (2 above, 2 below the line), no parts yet."""
    s = editor_session
    jid = jr.create_journey(s, "Delivery", persona_name="Pat", problem="Late vans")
    steps = [jr.add_step(s, jid, n) for n in ("Order", "Wait", "Receive")]
    actors = [jr.add_actor(s, jid, "Shop", "frontstage"),
              jr.add_actor(s, jid, "Driver", "frontstage"),
              jr.add_actor(s, jid, "Dispatch", "backstage"),
              jr.add_actor(s, jid, "Warehouse", "backstage")]
    return jid, steps, actors


def names(rows, key="name"):
    return [r[key] for r in rows]


# ---- journeys and steps ---------------------------------------------------------------------

def test_create_journey_stores_text_exactly(editor_session):
    long = "é" * 100_000
    html = "<script>alert(1)</script> **bold** 日本語"
    jid = jr.create_journey(editor_session, html, persona_description=long, problem=html)
    row = jr.get_journey(editor_session, jid)
    assert row["name"] == html
    assert row["persona_description"] == long
    assert row["problem"] == html
    assert row["created_by"] == "editor"


def test_create_journey_rejects_bad_input_and_stores_nothing(editor_session):
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        jr.create_journey(editor_session, "   ", problem="x" * 100_001)
    fields = {p.field for p in err.value.problems}
    assert fields == {"journey name", "problem"}
    assert snapshot(editor_session) == before


def test_steps_keep_ids_across_rename_and_reorder(small, editor_session):
    jid, (order, wait, receive), _ = small
    jr.rename_step(editor_session, wait, "Wait for the van")
    jr.move_step(editor_session, receive, 1)
    steps = jr.list_steps(editor_session, jid)
    assert [(s["id"], s["position"], s["name"]) for s in steps] == [
        (receive, 1, "Receive"), (order, 2, "Order"), (wait, 3, "Wait for the van")]
    # Clamped at the ends.
    jr.move_step(editor_session, receive, 99)
    assert [s["id"] for s in jr.list_steps(editor_session, jid)] == [order, wait, receive]


def test_add_step_at_position(small, editor_session):
    jid, (order, wait, receive), _ = small
    new = jr.add_step(editor_session, jid, "Pay", position=2)
    assert [s["id"] for s in jr.list_steps(editor_session, jid)] == [order, new, wait, receive]


def test_save_steps_renames_reorders_adds_and_removes(small, editor_session):
    jid, (order, wait, receive), _ = small
    jr.set_health(editor_session, wait, small[2][0], "red", note="slow")
    result = jr.save_steps(editor_session, jid, [
        {"id": receive, "name": "Receive it"},
        {"id": None, "name": "Install"},
        {"id": order, "name": "Order", "description": "online"},
    ])
    assert result == {"added": 1, "changed": 2, "removed": 1}
    steps = jr.list_steps(editor_session, jid)
    assert names(steps) == ["Receive it", "Install", "Order"]
    assert steps[0]["id"] == receive and steps[2]["id"] == order
    assert [s["position"] for s in steps] == [1, 2, 3]
    # The removed step's part left a history row going to "not rated".
    last = jr.health_history(editor_session, jid)[0]
    assert (last["step_name"], last["from_health"], last["to_health"]) == ("Wait", "red", None)


def test_save_steps_rejects_bad_rows_naming_them(small, editor_session):
    jid, (order, wait, receive), _ = small
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        jr.save_steps(editor_session, jid, [
            {"id": order, "name": "ok"}, {"id": None, "name": ""}, {"id": 9999, "name": "x"},
            {"id": order, "name": "twice"}])
    got = {(p.row, p.field) for p in err.value.problems}
    assert got == {(2, "step name"), (3, "id"), (4, "id")}
    assert snapshot(editor_session) == before


def _add_response(session, step_id):
    with session.db.conn:
        session.db.execute(
            "insert into responses (date, nps, journey_step_id) values ('2026-01-05', 9, ?)",
            [step_id])


def test_removing_a_step_that_responses_reference_is_refused(small, editor_session):
    jid, (order, wait, receive), _ = small
    _add_response(editor_session, wait)
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        jr.remove_step(editor_session, wait)
    assert "1 responses refer to it" in str(err.value)
    assert err.value.problems[0].field == "step 'Wait'"
    with pytest.raises(ValidationError):
        jr.save_steps(editor_session, jid, [{"id": order, "name": "Order"}])
    assert snapshot(editor_session) == before
    # A step nothing refers to goes.
    jr.remove_step(editor_session, receive)
    assert [s["id"] for s in jr.list_steps(editor_session, jid)] == [order, wait]


# ---- actors ---------------------------------------------------------------------------------

def test_actors_listed_frontstage_first(editor_session, small):
    jid, _, (shop, driver, dispatch, warehouse) = small
    new = jr.add_actor(editor_session, jid, "Text messages", "frontstage", kind="system")
    order = [a["id"] for a in jr.list_actors(editor_session, jid)]
    assert order == [shop, driver, new, dispatch, warehouse]


def test_moving_an_actor_across_the_line(editor_session, small):
    jid, _, (shop, driver, dispatch, warehouse) = small
    jr.update_actor(editor_session, driver, stage="backstage")
    actors = jr.list_actors(editor_session, jid)
    assert [(a["id"], a["stage"]) for a in actors] == [
        (shop, "frontstage"), (dispatch, "backstage"), (warehouse, "backstage"),
        (driver, "backstage")]
    assert [a["position"] for a in actors] == [1, 2, 3, 4]
    jr.update_actor(editor_session, warehouse, stage="frontstage")
    assert [a["id"] for a in jr.list_actors(editor_session, jid)] == [
        shop, warehouse, dispatch, driver]


def test_move_actor_within_its_side(editor_session, small):
    jid, _, (shop, driver, dispatch, warehouse) = small
    jr.move_actor(editor_session, warehouse, 1)
    assert [a["id"] for a in jr.list_actors(editor_session, jid)] == [
        shop, driver, warehouse, dispatch]
    jr.move_actor(editor_session, driver, 1)
    assert [a["id"] for a in jr.list_actors(editor_session, jid)] == [
        driver, shop, warehouse, dispatch]


def test_save_actors_and_bad_stage(editor_session, small):
    jid, _, (shop, driver, dispatch, warehouse) = small
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        jr.save_actors(editor_session, jid, [
            {"id": shop, "name": "Shop", "stage": "sideways"},
            {"id": None, "name": "", "stage": "backstage", "kind": "robot"}])
    assert {(p.row, p.field) for p in err.value.problems} == {
        (1, "stage"), (2, "actor name"), (2, "kind")}
    assert snapshot(editor_session) == before
    result = jr.save_actors(editor_session, jid, [
        {"id": dispatch, "name": "Dispatch", "stage": "frontstage"},
        {"id": shop, "name": "Shop floor", "stage": "frontstage"},
        {"id": None, "name": "Billing", "stage": "backstage", "kind": "system"},
    ])
    assert result["added"] == 1 and result["removed"] == 2
    assert names(jr.list_actors(editor_session, jid)) == ["Dispatch", "Shop floor", "Billing"]


def test_remove_actor_keeps_history_and_detaches_actions(editor_session, small):
    jid, (order, *_), (shop, *_) = small
    part = jr.set_health(editor_session, order, shop, "red", note="rude")
    action = jr.add_action(editor_session, part, "Train staff", owner="Sam")
    jr.add_evidence(editor_session, part, "They ignored me")
    jr.remove_actor(editor_session, shop)
    row = jr.get_action(editor_session, action)
    assert row["part_id"] is None
    assert (row["step_name"], row["actor_name"]) == ("Order", "Shop")
    hist = jr.health_history(editor_session, jid)
    assert [(h["from_health"], h["to_health"]) for h in hist] == [("red", None), (None, "red")]
    assert editor_session.db["journey_evidence"].count == 0


# ---- parts and health -----------------------------------------------------------------------

def test_set_health_records_history(editor_session, small):
    jid, (order, *_), (shop, *_) = small
    part = jr.set_health(editor_session, order, shop, "yellow", note="slow answer",
                         viewpoint="customer", owner="Ana")
    jr.set_health(editor_session, order, shop, "yellow")  # no change: no history
    jr.set_health(editor_session, order, shop, "red", note="no answer at all")
    hist = jr.health_history(editor_session, jid)
    assert [(h["from_health"], h["to_health"], h["note"], h["username"]) for h in hist] == [
        ("yellow", "red", "no answer at all", "editor"),
        (None, "yellow", "slow answer", "editor")]
    p = jr.get_part(editor_session, part)
    assert (p["health"], p["note"], p["viewpoint"], p["owner"]) == (
        "red", "no answer at all", "customer", "Ana")


def test_set_health_rejects_bad_values(editor_session, small):
    jid, (order, *_), (shop, *_) = small
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        jr.set_health(editor_session, order, shop, "purple")
    assert err.value.problems[0].field == "health"
    with pytest.raises(ValidationError):
        jr.set_health(editor_session, order, shop, "red", at="yesterday")
    with pytest.raises(NotFound):
        jr.set_health(editor_session, 9999, shop, "red")
    other = jr.create_journey(editor_session, "Other")
    other_step = jr.add_step(editor_session, other, "X")
    before = snapshot(editor_session)
    with pytest.raises(ValidationError):
        jr.set_health(editor_session, other_step, shop, "red")
    assert snapshot(editor_session) == before


def test_involvement_and_coverage(editor_session, small):
    jid, (order, wait, receive), (shop, driver, dispatch, warehouse) = small
    jr.set_involvement(editor_session, order, shop, True)
    jr.set_involvement(editor_session, wait, dispatch, True)
    jr.set_health(editor_session, receive, driver, "green")
    jr.set_involvement(editor_session, order, shop, True)  # idempotent
    cov = jr.journey_coverage(editor_session)
    assert cov == [{"journey_id": jid, "name": "Delivery", "parts_total": 3, "parts_rated": 1}]
    jr.set_involvement(editor_session, order, shop, False)
    assert jr.journey_coverage(editor_session)[0]["parts_total"] == 2
    jr.set_archived(editor_session, jid)
    assert jr.journey_coverage(editor_session) == []


def test_summary_counts_and_reddest_step(editor_session, small):
    jid, (order, wait, receive), (shop, driver, dispatch, warehouse) = small
    jr.set_health(editor_session, order, shop, "yellow")
    jr.set_health(editor_session, wait, driver, "red")
    jr.set_health(editor_session, wait, dispatch, "yellow")
    jr.set_health(editor_session, receive, driver, "red")
    jr.set_health(editor_session, receive, warehouse, "green")
    jr.set_involvement(editor_session, receive, shop, True)
    s = jr.journey_summary(editor_session, jid)
    assert (s["parts_total"], s["green"], s["yellow"], s["red"], s["unrated"]) == (6, 1, 2, 2, 1)
    # Wait and Receive both have one red; Wait has a yellow too.
    assert s["reddest_step"]["id"] == wait
    assert [(p["step_name"], p["actor_name"]) for p in s["unrated_parts"]] == [
        ("Receive", "Shop")]


def test_evidence(editor_session, small):
    _, (order, *_), (shop, *_) = small
    part = jr.set_health(editor_session, order, shop, "red")
    ev = jr.add_evidence(editor_session, part, "„Никто не перезвонил“ <b>", interview_id="7")
    assert jr.list_evidence(editor_session, part)[0]["quote"] == "„Никто не перезвонил“ <b>"
    assert jr.list_evidence(editor_session, part)[0]["interview_id"] == 7
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        jr.add_evidence(editor_session, part, " ", interview_id="seven")
    assert {p.field for p in err.value.problems} == {"quote", "interview"}
    assert snapshot(editor_session) == before
    jr.remove_evidence(editor_session, ev)
    assert jr.list_evidence(editor_session, part) == []


# ---- history over time ----------------------------------------------------------------------

def test_health_over_time_weekly(editor_session, small):
    jid, (order, wait, _), (shop, driver, *_) = small
    jr.set_health(editor_session, order, shop, "red", at="2026-01-01T10:00:00+00:00")
    jr.set_health(editor_session, wait, driver, "green", at="2026-01-02T10:00:00+00:00")
    jr.set_health(editor_session, order, shop, "yellow", at="2026-01-09T10:00:00+00:00")
    jr.set_health(editor_session, order, shop, "green", at="2026-01-16T09:00:00+00:00")
    rows = jr.health_over_time(editor_session, jid, end=dt.date(2026, 1, 22))
    got = [(r["week_end"], r["green"], r["yellow"], r["red"], r["rated"]) for r in rows]
    assert got == [("2026-01-01", 0, 0, 1, 1), ("2026-01-08", 1, 0, 1, 2),
                   ("2026-01-15", 1, 1, 0, 2), ("2026-01-22", 2, 0, 0, 2)]
    assert [r["share_green"] for r in rows] == [0.0, 0.5, 0.5, 1.0]


def test_changes_since(editor_session, small):
    jid, (order, wait, receive), (shop, driver, *_) = small
    jr.set_health(editor_session, order, shop, "red", at="2026-01-01T10:00:00+00:00")
    jr.set_health(editor_session, wait, driver, "green", at="2026-01-02T10:00:00+00:00")
    jr.set_health(editor_session, order, shop, "yellow", at="2026-02-01T10:00:00+00:00")
    jr.set_health(editor_session, wait, driver, "red", at="2026-02-02T10:00:00+00:00")
    jr.set_health(editor_session, receive, driver, "green", at="2026-02-03T10:00:00+00:00")
    out = jr.changes_since(editor_session, jid, dt.date(2026, 2, 1))
    assert len(out["changes"]) == 3
    net = {(r["step_name"], r["actor_name"]): (r["before"], r["after"], r["direction"])
           for r in out["net"]}
    assert net == {("Order", "Shop"): ("red", "yellow", "better"),
                   ("Wait", "Driver"): ("green", "red", "worse"),
                   ("Receive", "Driver"): (None, "green", "changed")}
    assert (out["better"], out["worse"]) == (1, 1)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ratings=st.lists(st.sampled_from([*jr.HEALTHS, None]), min_size=1, max_size=12))
def test_latest_snapshot_matches_current_health(editor_session, ratings):
    """Invariant: the last weekly snapshot equals the current parts' health counts."""
    jid = jr.create_journey(editor_session, "Prop")
    step = jr.add_step(editor_session, jid, "S")
    actors = [jr.add_actor(editor_session, jid, f"A{i}", "backstage") for i in range(3)]
    for i, health in enumerate(ratings):
        jr.set_health(editor_session, step, actors[i % 3], health,
                      at=f"2026-03-{1 + i:02d}T08:00:00+00:00")
    last = jr.health_over_time(editor_session, jid, start=dt.date(2026, 3, 20),
                               end=dt.date(2026, 3, 20))[0]
    s = jr.journey_summary(editor_session, jid)
    assert (last["green"], last["yellow"], last["red"]) == (s["green"], s["yellow"], s["red"])


# ---- templates and copying ------------------------------------------------------------------

@pytest.mark.parametrize("key", list(jr.TEMPLATES))
def test_templates(editor_session, key):
    jid = jr.create_from_template(editor_session, key)
    tpl = jr.TEMPLATES[key]
    assert names(jr.list_steps(editor_session, jid)) == tpl["steps"]
    actors = jr.list_actors(editor_session, jid)
    assert len(actors) == len(tpl["actors"])
    stages = [a["stage"] for a in actors]
    assert stages == sorted(stages, key=jr.STAGES.index)
    cov = jr.journey_coverage(editor_session)[0]
    assert cov["parts_total"] == sum(len(a["steps"]) for a in tpl["actors"])
    assert cov["parts_rated"] == 0


def test_unknown_template(editor_session):
    with pytest.raises(ValidationError):
        jr.create_from_template(editor_session, "nope")


def test_copy_within_workspace(editor_session):
    src = jr.create_from_template(editor_session, "delivery_installation")
    steps, actors = jr.list_steps(editor_session, src), jr.list_actors(editor_session, src)
    jr.set_health(editor_session, steps[0]["id"], actors[0]["id"], "red", note="why",
                  owner="Kim")
    plain = jr.copy_journey(editor_session, src, editor_session)
    assert jr.get_journey(editor_session, plain)["name"] == "Delivery and installation (copy)"
    assert jr.journey_summary(editor_session, plain)["red"] == 0
    rated = jr.copy_journey(editor_session, src, editor_session, name="With health",
                            include_health=True)
    parts = [p for p in jr.list_parts(editor_session, rated) if p["health"]]
    assert [(p["step_name"], p["actor_name"], p["health"], p["note"], p["owner"])
            for p in parts] == [("Choose a delivery slot", "Shop staff", "red", "why", "Kim")]
    assert len(jr.health_history(editor_session, rated)) == 1
    src_parts = {(p["step_name"], p["actor_name"]) for p in jr.list_parts(editor_session, src)}
    copy_parts = {(p["step_name"], p["actor_name"]) for p in jr.list_parts(editor_session,
                                                                            plain)}
    assert src_parts == copy_parts
    assert names(jr.list_actors(editor_session, plain)) == names(actors)


def test_copy_into_another_workspace_needs_editor_there(accounts, workspace, owner_session):
    other = accounts.create_workspace("Beta", by="owner")
    accounts.set_member(other.id, "viewer", "editor", by="owner")
    accounts.set_member(other.id, "editor", "viewer", by="owner")
    src = jr.create_from_template(owner_session, "renewal")
    # viewer in Acme (source) but editor in Beta: allowed.
    viewer_acme = wsmod.open_session(accounts, workspace.id, "viewer")
    viewer_beta = wsmod.open_session(accounts, other.id, "viewer")
    editor_acme = wsmod.open_session(accounts, workspace.id, "editor")
    editor_beta = wsmod.open_session(accounts, other.id, "editor")
    try:
        new = jr.copy_journey(viewer_acme, src, viewer_beta, name="Client B renewal")
        assert [j["name"] for j in jr.list_journeys(viewer_beta)] == ["Client B renewal"]
        assert jr.list_journeys(viewer_beta)[0]["id"] == new
        before = snapshot(editor_beta)
        with pytest.raises(PermissionDenied):
            jr.copy_journey(editor_acme, src, editor_beta)
        assert snapshot(editor_beta) == before
    finally:
        for s in (viewer_acme, viewer_beta, editor_acme, editor_beta):
            s.close()


# ---- actions --------------------------------------------------------------------------------

def test_actions_lifecycle_and_filters(editor_session, small):
    jid, (order, wait, _), (shop, driver, *_) = small
    red = jr.set_health(editor_session, order, shop, "red")
    yellow = jr.set_health(editor_session, wait, driver, "yellow")
    a1 = jr.add_action(editor_session, red, "Call back within a day", owner="Ana",
                       due_date="2026-01-10")
    a2 = jr.add_action(editor_session, yellow, "Share van tracking", owner="Ben",
                       due_date=dt.date(2026, 3, 1))
    a3 = jr.add_action(editor_session, yellow, "No date yet", owner="Ana")
    today = dt.date(2026, 2, 1)
    rows = jr.list_actions(editor_session, today=today)
    assert [r["id"] for r in rows] == [a1, a2, a3]
    assert [r["overdue"] for r in rows] == [1, 0, 0]
    assert [r["id"] for r in jr.list_actions(editor_session, overdue_only=True,
                                             today=today)] == [a1]
    assert [r["id"] for r in jr.list_actions(editor_session, owner="Ana", today=today)] == [
        a1, a3]
    assert jr.action_owners(editor_session) == ["Ana", "Ben"]
    closed = jr.close_action(editor_session, a1)
    assert closed["status"] == "done" and closed["closed_by"] == "editor"
    assert (closed["step_id"], closed["actor_id"], closed["health"]) == (order, shop, "red")
    assert jr.list_actions(editor_session, overdue_only=True, today=today) == []
    assert [r["id"] for r in jr.list_actions(editor_session, status=["open", "in progress"],
                                             today=today)] == [a2, a3]
    jr.update_action(editor_session, a1, status="open")
    assert jr.get_action(editor_session, a1)["closed_at"] is None


def test_actions_only_for_red_or_yellow_and_validated(editor_session, small):
    _, (order, wait, _), (shop, driver, *_) = small
    green = jr.set_health(editor_session, order, shop, "green")
    red = jr.set_health(editor_session, wait, driver, "red")
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        jr.add_action(editor_session, green, "x")
    assert err.value.problems[0].field == "part"
    with pytest.raises(ValidationError) as err:
        jr.add_action(editor_session, red, "", due_date="next week", status="later")
    assert {p.field for p in err.value.problems} == {"what", "due date", "status"}
    assert snapshot(editor_session) == before
    action = jr.add_action(editor_session, red, "Fix")
    with pytest.raises(ValidationError):
        jr.update_action(editor_session, action, colour="blue")
    with pytest.raises(NotFound):
        jr.update_action(editor_session, 9999, status="done")


# ---- permissions ----------------------------------------------------------------------------

def test_viewer_cannot_write_anything(viewer_session, editor_session, small):
    jid, (order, *_), (shop, *_) = small
    part = jr.set_health(editor_session, order, shop, "red")
    action = jr.add_action(editor_session, part, "Fix it")
    before = snapshot(editor_session)
    writes = [
        lambda s: jr.create_journey(s, "x"),
        lambda s: jr.create_from_template(s, "renewal"),
        lambda s: jr.update_journey(s, jid, name="y"),
        lambda s: jr.add_step(s, jid, "x"),
        lambda s: jr.rename_step(s, order, "x"),
        lambda s: jr.move_step(s, order, 2),
        lambda s: jr.remove_step(s, order),
        lambda s: jr.save_steps(s, jid, []),
        lambda s: jr.add_actor(s, jid, "x", "frontstage"),
        lambda s: jr.update_actor(s, shop, stage="backstage"),
        lambda s: jr.move_actor(s, shop, 2),
        lambda s: jr.remove_actor(s, shop),
        lambda s: jr.save_actors(s, jid, []),
        lambda s: jr.set_involvement(s, order, shop, False),
        lambda s: jr.set_health(s, order, shop, "green"),
        lambda s: jr.update_part(s, part, note="x"),
        lambda s: jr.add_evidence(s, part, "x"),
        lambda s: jr.add_action(s, part, "x"),
        lambda s: jr.update_action(s, action, status="done"),
        lambda s: jr.close_action(s, action),
        lambda s: jr.set_archived(s, jid),
        lambda s: jr.delete_journey(s, jid),
        lambda s: jr.copy_journey(s, jid, s),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write(viewer_session)
    assert snapshot(editor_session) == before
    # Reading is fine.
    assert jr.journey_summary(viewer_session, jid)["red"] == 1


def test_delete_journey_owner_only_and_refused_when_referenced(owner_session, editor_session,
                                                               small):
    jid, (order, *_), (shop, *_) = small
    part = jr.set_health(editor_session, order, shop, "red")
    jr.add_action(editor_session, part, "Fix")
    with pytest.raises(PermissionDenied):
        jr.delete_journey(editor_session, jid)
    _add_response(owner_session, order)
    with pytest.raises(ValidationError):
        jr.delete_journey(owner_session, jid)
    owner_session.db.execute("delete from responses")
    owner_session.db.conn.commit()
    jr.delete_journey(owner_session, jid)
    assert jr.list_journeys(owner_session) == []
    assert owner_session.db["actions"].count == 0


def test_writes_are_logged(editor_session, small):
    jid, (order, *_), (shop, *_) = small
    jr.set_health(editor_session, order, shop, "red")
    actions = {r["action"] for r in editor_session.db.query(
        "select action from activity where username = 'editor'")}
    assert {"create", "add", "rate"} <= actions


# ---- demo -----------------------------------------------------------------------------------

def test_demo_journey(owner_session):
    import random

    from cxcore.demo import journeys as demo

    today = dt.date(2026, 11, 20)
    demo.add_demo(owner_session, random.Random(1), today)
    (journey,) = jr.list_journeys(owner_session)
    assert journey["name"] == "Delivery and installation"
    assert journey["steps"] == 6 and journey["actors"] == 8
    actors = jr.list_actors(owner_session, journey["id"])
    assert sum(a["stage"] == "frontstage" for a in actors) == 4
    s = jr.journey_summary(owner_session, journey["id"])
    assert s["green"] and s["yellow"] and s["red"] and s["unrated"]
    weeks = jr.health_over_time(owner_session, journey["id"], end=today)
    assert len(weeks) >= 15
    assert weeks[-1]["red"] == s["red"] and weeks[-1]["green"] == s["green"]
    overdue = jr.list_actions(owner_session, overdue_only=True, today=today)
    assert len(overdue) == 1
    assert len(jr.list_actions(owner_session, today=today)) == 5
