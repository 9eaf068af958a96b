"""AppTests of the Journey health and Actions pages."""

from __future__ import annotations

import datetime as dt

from cxcore import journeys as jr

PAGE = "pages/journeys.py"
ACTIONS = "pages/actions.py"


def texts(at) -> str:
    """Everything the page wrote, as one string (markdown, text, captions, errors, info)."""
    parts = []
    for kind in ("markdown", "text", "caption", "error", "info", "warning", "success", "title",
                 "subheader", "metric"):
        for el in getattr(at, kind):
            parts.append(str(getattr(el, "value", "")) + " " + str(getattr(el, "label", "")))
    return "\n".join(parts)


def make_small(session) -> tuple[int, list[int], list[int]]:
    jid = jr.create_journey(session, "Delivery <b>bold</b>", persona_name="Pat",
                            problem="**Late** vans 日本")
    steps = [jr.add_step(session, jid, n) for n in ("Order", "Wait", "Receive")]
    actors = [jr.add_actor(session, jid, "Shop", "frontstage"),
              jr.add_actor(session, jid, "Driver", "frontstage"),
              jr.add_actor(session, jid, "Dispatch", "backstage"),
              jr.add_actor(session, jid, "Warehouse", "backstage")]
    return jid, steps, actors


def test_empty_page_offers_templates_to_editors(app_page):
    at = app_page(PAGE, user="editor")
    assert not at.exception
    assert "No journey mapped yet" in texts(at)
    assert at.selectbox(key="new_template").options


def test_viewer_sees_empty_hint_without_controls(app_page):
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert "An editor of this workspace can start one" in texts(at)
    assert len(at.button) == 0 and len(at.selectbox) == 0


def test_create_from_template_through_the_page(app_page, owner_session):
    at = app_page(PAGE, user="editor")
    at.selectbox(key="new_template").set_value("support_request")
    at.button[0].click()  # the template form's submit button comes first
    at.run()
    assert not at.exception
    names = [j["name"] for j in jr.list_journeys(owner_session)]
    assert names == ["Support request"]
    assert at.selectbox(key="journey_id").value == jr.list_journeys(owner_session)[0]["id"]


def test_rate_a_part_red_with_a_note(app_page, editor_session):
    jid, steps, actors = make_small(editor_session)
    at = app_page(PAGE, user="editor")
    assert not at.exception
    at.selectbox(key="part_step").set_value(steps[1])
    at.selectbox(key="part_actor").set_value(actors[2])
    at.run()
    at.radio(key="part_health").set_value("red")
    at.text_area(key="part_note").input("Nobody knows when the van comes")
    at.text_input(key="part_owner").input("Priya")
    next(b for b in at.button if b.label == "Save rating").click()
    at.run()
    assert not at.exception
    part = jr.list_parts(editor_session, jid)[0]
    assert (part["step_id"], part["actor_id"], part["health"], part["note"], part["owner"]) == (
        steps[1], actors[2], "red", "Nobody knows when the van comes", "Priya")
    hist = jr.health_history(editor_session, jid)
    assert [(h["to_health"], h["username"]) for h in hist] == [("red", "editor")]
    # The summary shows it and an action can now be added through the page.
    assert at.selectbox(key="part_step").value == steps[1]
    at.text_input(key="act_what").input("Send an arrival window text")
    at.date_input(key="act_due").set_value(dt.date(2026, 1, 5))
    next(b for b in at.button if b.label == "Add action").click()
    at.run()
    assert not at.exception
    (action,) = jr.list_actions(editor_session)
    assert (action["what"], action["due_date"], action["step_name"]) == (
        "Send an arrival window text", "2026-01-05", "Wait")


def test_bad_input_shows_message_and_saves_nothing(app_page, editor_session):
    jid, steps, actors = make_small(editor_session)
    part = jr.set_health(editor_session, steps[0], actors[0], "red")
    at = app_page(PAGE, user="editor")
    at.text_input(key="act_what").input("   ")
    next(b for b in at.button if b.label == "Add action").click()
    at.run()
    assert not at.exception
    assert any("what" in e.value and "is required" in e.value for e in at.error)
    assert jr.list_actions(editor_session) == []
    assert jr.get_part(editor_session, part)["health"] == "red"


def test_viewer_reads_but_cannot_edit(app_page, editor_session):
    jid, steps, actors = make_small(editor_session)
    jr.set_health(editor_session, steps[0], actors[0], "red", note="<script>x</script>")
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    labels = {b.label for b in at.button}
    assert not labels & {"Save rating", "Add action", "Add quote", "Create journey",
                         "Archive this journey", "Save details"}
    assert len(at.radio) == 0 and len(at.text_area) == 0
    # User text is shown as text, exactly.
    assert "<script>x</script>" in [t.value for t in at.text]
    assert "**Late** vans 日本" in [t.value for t in at.text]


def test_history_tab_shows_changes_since(app_page, editor_session):
    jid, steps, actors = make_small(editor_session)
    today = dt.date.today()
    jr.set_health(editor_session, steps[0], actors[0], "red",
                  at=f"{today - dt.timedelta(days=60)}T10:00:00+00:00")
    jr.set_health(editor_session, steps[0], actors[0], "green", note="fixed")
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert "1 part(s) better" in texts(at)
    at.date_input(key="changes_since").set_value(today - dt.timedelta(days=90))
    at.run()
    assert "2 change(s)" in texts(at)


# ---- actions page -------------------------------------------------------------------------------

def make_actions(session):
    jid, steps, actors = make_small(session)
    red = jr.set_health(session, steps[0], actors[0], "red")
    yellow = jr.set_health(session, steps[1], actors[2], "yellow")
    late = jr.add_action(session, red, "Call customers back <i>today</i>", owner="Ana",
                         due_date=dt.date.today() - dt.timedelta(days=3))
    later = jr.add_action(session, yellow, "Share van tracking", owner="Ben",
                          due_date=dt.date.today() + dt.timedelta(days=10))
    return jid, steps, actors, late, later


def test_actions_page_lists_and_highlights_overdue(app_page, editor_session):
    make_actions(editor_session)
    at = app_page(ACTIONS, user="viewer")
    assert not at.exception
    assert "2 action(s) shown, 1 overdue." in texts(at)
    df = at.dataframe[0].value
    assert list(df["What"]) == ["Call customers back <i>today</i>", "Share van tracking"]
    assert list(df["Overdue"]) == ["⚠ OVERDUE", ""]
    # Viewers get no edit controls.
    assert not any(b.label in ("Save changes", "Close action (done)") for b in at.button)


def test_actions_filters(app_page, editor_session):
    make_actions(editor_session)
    at = app_page(ACTIONS, user="viewer")
    at.checkbox(key="filter_overdue").check()
    at.run()
    assert list(at.dataframe[0].value["What"]) == ["Call customers back <i>today</i>"]
    at.checkbox(key="filter_overdue").uncheck()
    at.selectbox(key="filter_owner").set_value("Ben")
    at.run()
    assert list(at.dataframe[0].value["What"]) == ["Share van tracking"]


def test_closing_an_action_prompts_a_rerating(app_page, editor_session):
    jid, steps, actors, late, _ = make_actions(editor_session)
    at = app_page(ACTIONS, user="editor")
    at.selectbox(key="edit_action").set_value(late)
    at.run()
    at.button(key="close_action").click()
    at.run()
    assert not at.exception
    assert jr.get_action(editor_session, late)["status"] == "done"
    assert "Action closed. How does this part work now?" in texts(at)
    at.radio(key="rerate_health").set_value("green")
    at.text_area(key="rerate_note").input("Call-backs happen the same day now")
    next(b for b in at.button if b.label == "Save new rating").click()
    at.run()
    assert not at.exception
    part = jr.list_parts(editor_session, jid)
    rated = {(p["step_id"], p["actor_id"]): p["health"] for p in part}
    assert rated[(steps[0], actors[0])] == "green"
    assert jr.health_history(editor_session, jid)[0]["note"] == (
        "Call-backs happen the same day now")
    assert "How does this part work now" not in texts(at)


def test_copy_into_another_workspace_through_the_page(app_page, accounts, editor_session):
    from cxcore import workspace as wsmod

    other = accounts.create_workspace("Client B", by="owner")
    accounts.set_member(other.id, "editor", "editor", by="owner")
    make_small(editor_session)
    at = app_page(PAGE, user="editor")
    assert set(at.selectbox(key="copy_target").options) == {"Acme", "Client B"}
    at.selectbox(key="copy_target").set_value(other.id)
    at.text_input(key="copy_name").input("Reused map")
    next(b for b in at.button if b.label == "Copy journey").click()
    at.run()
    assert not at.exception
    target = wsmod.open_session(accounts, other.id, "editor")
    try:
        (copied,) = jr.list_journeys(target)
        assert (copied["name"], copied["steps"], copied["actors"]) == ("Reused map", 3, 4)
    finally:
        target.close()


def test_edit_persona_and_problem(app_page, editor_session):
    jid, _, _ = make_small(editor_session)
    at = app_page(PAGE, user="editor")
    at.text_area(key=f"d_goals_{jid}").input("Know when the van comes")
    next(b for b in at.button if b.label == "Save details").click()
    at.run()
    assert not at.exception
    assert jr.get_journey(editor_session, jid)["persona_goals"] == "Know when the van comes"
