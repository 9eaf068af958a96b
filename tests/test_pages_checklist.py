"""AppTest of the program checklist page: progress shown, editors change steps, viewers only
read."""

from __future__ import annotations

from cxcore import checklist as cl
from cxcore import interviews as iv

PAGE = "pages/checklist.py"


def texts(at):
    return [t.value for t in at.text]


def button(at, label, n=0):
    return [b for b in at.button if b.label == label][n]


def test_renders_six_steps_and_rollout(app_page):
    at = app_page(PAGE, user="owner")
    assert not at.exception
    assert at.title[0].value == "Program checklist"
    labels = [e.label for e in at.expander]
    assert [label.split(".")[0] for label in labels[:6]] == [f"Step {n}" for n in range(1, 7)]
    assert labels[5].endswith("waiting on a journey map")
    assert at.header[0].value == "After the six steps: rolling out"
    steps = at.dataframe[0].value
    assert list(steps["Step"]) == [1, 2, 3, 4, 5, 6]
    assert list(steps["Progress"]) == [0] * 6


def test_step_four_progress_from_interview_log(app_page, editor_session):
    for n in range(3):
        iv.create_interview(editor_session, {"kind": "customer", "date": "2026-01-0" + str(n + 1),
                                             "interviewee": f"C{n}"})
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert "Evidence: 3 customer interviews logged (target 10)." in texts(at)
    steps = at.dataframe[0].value
    assert steps.loc[steps["Step"] == 4, "Progress"].item() == 30
    assert "In progress" in steps.loc[steps["Step"] == 4, "Status"].item()


def test_viewer_sees_no_edit_controls(app_page, editor_session):
    cl.save_reflections(editor_session, 2, {"purpose": "We keep **kitchens** <b>running</b>"})
    cl.add_shoes_entry(editor_session, "2026-01-01", "support call", "Called the helpline")
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    assert len(at.button) == 0
    assert len(at.text_area) == 0 and len(at.text_input) == 0 and len(at.checkbox) == 0
    assert "We keep **kitchens** <b>running</b>" in texts(at)
    assert all("<b>running</b>" not in m.value for m in at.markdown)


def test_editor_answers_a_reflection(app_page, editor_session):
    at = app_page(PAGE, user="editor")
    purpose = "Wir halten Küchen am Laufen — 让厨房运转 <i>always</i>"
    at.text_area(key="cl_reflect_2_purpose").input(purpose)
    button(at, "Save answers", 1).click().run()
    assert not at.exception
    assert at.success[0].value == "Step 2 answers saved."
    assert cl.overview(editor_session)["purpose_statement"] == purpose
    assert at.text_area(key="cl_reflect_2_purpose").value == purpose


def test_override_needs_a_note_then_wins(app_page, editor_session):
    at = app_page(PAGE, user="editor")
    at.selectbox(key="cl_status_4").select("done")
    button(at, "Save status", 3).click().run()
    assert not at.exception
    assert "note" in at.error[0].value
    assert cl.overview(editor_session)["steps"][3]["overridden"] is False
    at.text_area(key="cl_override_note_4").input("Enough deep interviews for now")
    button(at, "Save status", 3).click().run()
    assert not at.exception
    step = cl.overview(editor_session)["steps"][3]
    assert (step["status"], step["override_note"]) == ("done", "Enough deep interviews for now")
    assert any(t.startswith("Status set by hand to 'done'") for t in texts(at))
    at.selectbox(key="cl_status_4").select("follow the evidence")
    button(at, "Save status", 3).click().run()
    assert cl.overview(editor_session)["steps"][3]["overridden"] is False


def test_editor_adds_and_removes_an_experience(app_page, editor_session):
    at = app_page(PAGE, user="editor")
    at.text_area(key="cl_shoes_what").input("Ordered a fridge on our own website")
    at.text_area(key="cl_shoes_felt").input("Checkout asked for my address twice")
    button(at, "Add experience").click().run()
    assert not at.exception
    entries = cl.list_shoes_entries(editor_session)
    assert [e["what_was_done"] for e in entries] == ["Ordered a fridge on our own website"]
    assert "Evidence: 1 experience recorded (target 3)." in texts(at)
    assert button(at, "Remove").disabled
    at.checkbox(key="cl_shoes_sure").check().run()
    button(at, "Remove").click().run()
    assert not at.exception
    assert cl.list_shoes_entries(editor_session) == []


def test_editor_changes_targets(app_page, editor_session):
    at = app_page(PAGE, user="editor")
    at.number_input(key="cl_target_customer_interviews").set_value(4)
    button(at, "Save targets").click().run()
    assert not at.exception
    assert cl.targets(editor_session)["customer_interviews"] == 4
