"""AppTest of the interview log page: viewing, logging, searching, deleting with undo, and what a
viewer may not see."""

from __future__ import annotations

from cxcore import interviews as iv

PAGE = "pages/interviews.py"


def add(session, **over):
    data = {"kind": "customer", "date": "2026-01-15", "interviewee": "Customer A",
            "notes": "Van arrived late", "key_quotes": "Nobody called me", "tags": "delivery",
            "sentiment": "negative"}
    data.update(over)
    return iv.create_interview(session, data)


def texts(at):
    return [t.value for t in at.text]


def button(at, label):
    return next(b for b in at.button if b.label == label)


def test_empty_log_renders_for_owner(app_page):
    at = app_page(PAGE, user="owner")
    assert not at.exception
    assert at.title[0].value == "Interview log"
    assert any("0 interviews found" in c.value for c in at.caption)
    assert [t.label for t in at.tabs][:2] == ["Log", "Log an interview"]


def test_viewer_sees_no_edit_controls(app_page, editor_session):
    add(editor_session)
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    labels = {b.label for b in at.button}
    assert labels.isdisjoint({"Save interview", "Delete interview", "Save guide",
                              "Undo delete"})
    assert "Log an interview" not in [t.label for t in at.tabs]
    assert len(at.text_area) == 0 and len(at.text_input) == 1  # only the search box
    assert any("Customer A" in t for t in texts(at))
    # The guides are shown read-only.
    assert any(iv.DEFAULT_GUIDES["employee"][0] in t for t in texts(at))


def test_editor_logs_an_interview_and_finds_it(app_page, editor_session):
    at = app_page(PAGE, user="editor")
    at.text_input(key="iv_new_0_interviewee").input("Mrs Okafor")
    at.text_area(key="iv_new_0_notes").input("The installer left the old washer in the hall.")
    at.text_area(key="iv_new_0_quotes").input("I had to drag it out myself")
    at.text_input(key="iv_new_0_tags").input("installation, Staff")
    button(at, "Save interview").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Interview saved."]
    saved = iv.list_interviews(editor_session)
    assert len(saved) == 1
    assert saved[0]["interviewee"] == "Mrs Okafor"
    assert saved[0]["tags"] == ["installation", "staff"]
    assert saved[0]["created_by"] == "editor"
    # The form starts empty again.
    assert at.text_input(key="iv_new_1_interviewee").value == ""
    # Full-text search by a word from the notes.
    add(editor_session, interviewee="Someone else", notes="Fridge was fine")
    at.text_input(key="iv_f_search").input("washer").run()
    assert any("1 interview found" in c.value for c in at.caption)
    assert any("Mrs Okafor" in t for t in texts(at))
    at.text_input(key="iv_f_search").input("nothingmatches").run()
    assert any("0 interviews found" in c.value for c in at.caption)


def test_bad_input_shows_problem_and_saves_nothing(app_page, editor_session):
    at = app_page(PAGE, user="editor")
    at.text_input(key="iv_new_0_interviewee").input("   ")
    button(at, "Save interview").click().run()
    assert not at.exception
    assert "interviewee" in at.error[0].value
    assert iv.list_interviews(editor_session) == []


def test_delete_needs_confirmation_and_can_be_undone(app_page, editor_session):
    interview_id = add(editor_session)
    at = app_page(PAGE, user="editor")
    button(at, "Delete interview").click().run()
    assert iv.get_interview(editor_session, interview_id)  # not yet
    assert "Delete this interview?" in at.warning[0].value
    button(at, "Cancel").click().run()
    assert "Yes, delete" not in {b.label for b in at.button}
    button(at, "Delete interview").click().run()
    button(at, "Yes, delete").click().run()
    assert not at.exception
    assert iv.list_interviews(editor_session) == []
    button(at, "Undo delete").click().run()
    assert not at.exception
    assert [r["id"] for r in iv.list_interviews(editor_session)] == [interview_id]
    assert "Undo delete" not in {b.label for b in at.button}


def test_markup_long_and_non_latin_text_shown_exactly(app_page, editor_session):
    long_notes = ("Заметки 笔记 **not bold** <b>x</b> " * 4000)[:100_000]
    add(editor_session, interviewee="<script>alert(1)</script> Ægir",
        notes=long_notes, key_quotes="# not a heading", tags="<i>tag</i>")
    at = app_page(PAGE, user="viewer")
    assert not at.exception
    shown = texts(at)
    assert long_notes in shown
    assert "# not a heading" in shown
    assert "“# not a heading”" in shown  # quote wall
    assert all("<script>" not in m.value for m in at.markdown)


def test_editor_edits_a_guide(app_page, editor_session):
    at = app_page(PAGE, user="editor")
    at.text_area(key="iv_guide_customer").input("What made you choose us?\nWhat nearly "
                                                 "stopped you?")
    next(b for b in at.button if b.key == "iv_guide_save_customer").click().run()
    assert not at.exception
    assert iv.guide(editor_session, "customer") == ["What made you choose us?",
                                                     "What nearly stopped you?"]
    assert "1. What made you choose us?" in texts(at)  # shown beside the new-interview form
