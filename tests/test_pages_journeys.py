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
    assert "1 part better" in texts(at)
    at.date_input(key="changes_since").set_value(today - dt.timedelta(days=90))
    at.run()
    assert "2 changes since" in texts(at)
    when = next(d.value for d in at.dataframe if "When" in d.value.columns)["When"].tolist()
    assert all(w.endswith(" UTC") and ":00+" not in w and "-" not in w for w in when), when


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
    assert "2 actions shown, 1 overdue." in texts(at)
    df = at.dataframe[0].value
    assert list(df["What"]) == ["Call customers back <i>today</i>", "Share van tracking"]
    assert list(df["Overdue"]) == ["⚠ OVERDUE", ""]
    assert list(df["Part health"]) == ["■ Red", "▲ Yellow"]  # shapes every font has
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


def test_actions_page_singular_and_blank_due(app_page, editor_session):
    jid, steps, actors = make_small(editor_session)
    red = jr.set_health(editor_session, steps[0], actors[0], "red")
    jr.add_action(editor_session, red, "Phone back", owner="Ana")
    at = app_page(ACTIONS, user="viewer")
    assert not at.exception
    assert "1 action shown, 0 overdue." in texts(at)
    df = at.dataframe[0].value
    assert list(df["Due"]) == [""] and "None" not in df.astype(str).to_numpy().ravel()


def test_part_detail_shows_readable_actions_and_last_change(app_page, editor_session):
    jid, steps, actors = make_small(editor_session)
    red = jr.set_health(editor_session, steps[0], actors[0], "red",
                        at="2026-11-25T09:17:36+00:00")
    jr.add_action(editor_session, red, "Phone back", owner="Ana")
    jr.add_action(editor_session, red, "Write a script", due_date=dt.date(2026, 1, 5))
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert "Last change: 25 Nov 2026 09:17 UTC by editor" in texts(at)
    table = next(d.value for d in at.dataframe if "What" in d.value.columns)
    assert list(table.columns) == ["What", "Owner", "Due", "Status"]
    assert sorted(table.to_dict("records"), key=lambda r: r["What"]) == [
        {"What": "Phone back", "Owner": "Ana", "Due": "", "Status": "open"},
        {"What": "Write a script", "Owner": "", "Due": "5 Jan 2026", "Status": "open"}]


def test_map_caption_says_part_or_parts(app_page, editor_session):
    jid, steps, actors = make_small(editor_session)
    jr.set_health(editor_session, steps[0], actors[0], "red")
    at = app_page(PAGE, user="viewer")
    assert "1 part (actors at the steps they take part in), 1 rated." in texts(at)
    jr.set_involvement(editor_session, steps[1], actors[1], True)
    at.run()
    assert "2 parts (actors at the steps they take part in), 1 rated." in texts(at)


def test_actor_grid_has_no_none_cells(app_page, editor_session):
    jid, _, _ = make_small(editor_session)
    at = app_page(PAGE, user="viewer")
    actors = next(d.value for d in at.dataframe if "Kind" in d.value.columns)
    assert list(actors["Kind"]) == ["—", "—", "—", "—"]
    assert list(actors["Description"]) == ["", "", "", ""]
    # The editors' grid shows the same, and drawing it saves nothing.
    before = jr.list_actors(editor_session, jid)
    at = app_page(PAGE, user="editor")
    assert not at.exception and not at.toast
    assert jr.list_actors(editor_session, jid) == before


def test_restore_an_archived_journey(app_page, editor_session):
    jid, _, _ = make_small(editor_session)
    jr.set_archived(editor_session, jid, True)
    at = app_page(PAGE, user="editor")
    assert not at.exception
    assert "No journey mapped yet" in texts(at)
    assert at.selectbox(key="restore_id").value == jid
    at.button(key="restore_journey").click()
    at.run()
    assert not at.exception
    assert jr.get_journey(editor_session, jid)["archived"] == 0
    assert at.selectbox(key="journey_id").value == jid


def test_viewer_cannot_restore(app_page, editor_session):
    jid, _, _ = make_small(editor_session)
    jr.set_archived(editor_session, jid, True)
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert not any(b.key == "restore_journey" for b in at.button)


def test_owner_deletes_a_journey_after_typing_its_name(app_page, owner_session):
    jid, _, _ = make_small(owner_session)
    other = jr.create_journey(owner_session, "Returns")
    at = app_page(PAGE, user="owner")
    at.selectbox(key="journey_id").set_value(jid)
    at.run()
    assert at.button(key="delete_journey").disabled
    at.text_input(key=f"delete_confirm_{jid}").input("Delivery")
    at.run()
    assert at.button(key="delete_journey").disabled  # not the whole name
    at.text_input(key=f"delete_confirm_{jid}").input("Delivery <b>bold</b>")
    at.run()
    assert not at.button(key="delete_journey").disabled
    at.button(key="delete_journey").click()
    at.run()
    assert not at.exception
    assert [j["id"] for j in jr.list_journeys(owner_session, include_archived=True)] == [other]
    assert at.selectbox(key="journey_id").value == other


def test_editors_get_no_delete_button(app_page, editor_session):
    make_small(editor_session)
    at = app_page(PAGE, user="editor")
    assert not at.exception
    assert not any(b.key == "delete_journey" for b in at.button)
    assert any(b.key == "archive_journey" for b in at.button)


def test_evidence_from_an_interview_key_quote(app_page, editor_session):
    from cxcore import interviews as iv

    jid, steps, actors = make_small(editor_session)
    jr.set_health(editor_session, steps[1], actors[2], "red")
    older = iv.create_interview(editor_session, {
        "kind": "customer", "date": "2026-01-02", "interviewee": "Sam",
        "key_quotes": "Fine.\n"})
    newer = iv.create_interview(editor_session, {
        "kind": "customer", "date": "2026-02-03", "interviewee": "Pat",
        "key_quotes": "I waited in all day.\nNobody called me back."})
    at = app_page(PAGE, user="editor")
    at.selectbox(key="part_step").set_value(steps[1])
    at.selectbox(key="part_actor").set_value(actors[2])
    at.run()
    picker = at.selectbox(key="ev_interview")
    assert picker.options[:3] == ["Not from a logged interview",
                                  "3 Feb 2026 · Pat · “I waited in all day.”",
                                  "2 Jan 2026 · Sam · “Fine.”"]
    picker.set_value(newer)
    at.run()
    quotes = at.selectbox(key=f"ev_pick_{newer}")
    assert quotes.options == ["I waited in all day.", "Nobody called me back.",
                              "Type a quote instead"]
    quotes.set_value("Nobody called me back.")
    at.run()
    next(b for b in at.button if b.label == "Add quote").click()
    at.run()
    assert not at.exception
    (part,) = [p for p in jr.list_parts(editor_session, jid) if p["health"]]
    (ev,) = jr.list_evidence(editor_session, part["id"])
    assert (ev["quote"], ev["interview_id"]) == ("Nobody called me back.", newer)
    assert "— interview: 3 Feb 2026 · Pat" in texts(at)
    # A quote typed by hand, not from an interview, still works.
    at.selectbox(key="ev_interview").set_value(None)
    at.run()
    at.text_area(key="ev_quote").input("Heard at the counter")
    next(b for b in at.button if b.label == "Add quote").click()
    at.run()
    assert [(e["quote"], e["interview_id"]) for e in jr.list_evidence(
        editor_session, part["id"])][1] == ("Heard at the counter", None)
    assert older


def test_map_shows_the_drivers_of_questions_linked_to_steps(app_page, editor_session):
    from cxcore import attributes

    from .test_key_drivers import build_survey

    ids = build_survey(editor_session.db)
    jid, steps, _ = make_small(editor_session)
    at = app_page(PAGE, user="viewer")
    assert "What drives customers' verdict at each step" not in texts(at)
    attributes.link_step(editor_session.db, ids["speed"], steps[1])
    at.run()
    assert not at.exception
    assert "What drives customers' verdict at each step" in texts(at)
    table = next(df.value for df in at.dataframe if "Question" in df.value.columns)
    assert list(table["Step"]) == ["Wait"] and list(table["Question"]) == ["Speed rating"]
