"""AppTest of the import page: file in session state (AppTest can't drive the uploader)."""

from __future__ import annotations

from cxcore import workspace as wsmod

CSV = b"Date,How likely are you to recommend us?,Note,Customer\n" \
      b"2024-04-01,9,<b>great</b>,\n2024-04-02,12,meh,\n2024-04-03,3,,\n"


def count(accounts, workspace, table):
    session = wsmod.open_session(accounts, workspace.id, "owner")
    try:
        return session.db.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        session.close()


def with_file(app_page, user="editor", data=CSV, kind="responses"):
    at = app_page("pages/import_data.py", user=user, run=False)
    at.session_state["import_source"] = {"name": "survey.csv", "data": data}
    at.session_state["import_kind"] = kind
    return at.run()


def selectbox(at, label):
    return next(s for s in at.selectbox if s.label == label)


def test_editor_sees_mapping_report_and_imports_valid_rows(app_page, accounts, workspace):
    at = with_file(app_page)
    assert not at.exception
    assert selectbox(at, "How likely are you to recommend us?").value == "nps"
    assert selectbox(at, "Note").value == "(don't import)"
    problems = at.dataframe[1].value
    assert problems.to_dict("records") == [
        {"Row": 3, "Column": "How likely are you to recommend us?",
         "Problem": "NPS (0-10): '12' is not a whole number from 0 to 10"}]
    # The preview marks the bad row (Styler: red background) and says why.
    styled = at.dataframe[0].value
    assert list(styled.columns[:2]) == ["Row", "Problem"]
    assert styled["Problem"].tolist()[1].startswith("NPS (0-10): '12'")
    assert styled["Problem"].tolist()[0] == ""
    assert [m.value for m in at.metric] == ["2", "1"]

    selectbox(at, "Note").set_value("comment")
    at.run()
    assert not at.exception
    assert selectbox(at, "Note").value == "comment"

    button = next(b for b in at.button if b.label == "Import 2 valid rows")
    button.click()
    at.run()
    assert not at.exception
    assert "Imported 2 rows as batch 1" in at.success[0].value
    assert count(accounts, workspace, "responses") == 2
    session = wsmod.open_session(accounts, workspace.id, "owner")
    comments = [r[0] for r in session.db.execute("select comment from responses order by date")]
    session.close()
    assert comments == ["<b>great</b>", None]

    # Past imports: readable headers and times, and an undo choice that says what it is.
    batches = at.dataframe[-1].value
    assert list(batches.columns) == ["Batch", "Data", "File", "Rows", "Imported by",
                                     "When (UTC)", "Undone"]
    assert batches["Data"][0] == "Survey responses"
    assert "T" not in batches["When (UTC)"][0] and "+00:00" not in batches["When (UTC)"][0]
    undo = at.selectbox(key="undo_batch")
    assert undo.format_func(undo.value).startswith("1 · survey.csv · 2 rows · ")

    at.button(key="undo_go").click()
    at.run()
    assert not at.exception
    assert count(accounts, workspace, "responses") == 0


def test_moving_a_field_to_another_column(app_page):
    data = b"date,score a,score b\n2024-01-01,9,5\n"
    at = with_file(app_page, data=data)
    assert selectbox(at, "date").value == "date"
    assert selectbox(at, "date").format_func("date") == "Date"
    assert [m.value for m in at.metric] == ["0", "1"]  # no score mapped yet
    selectbox(at, "score b").set_value("nps")
    at.run()
    assert selectbox(at, "score b").value == "nps"
    selectbox(at, "score a").set_value("nps")
    at.run()
    assert not at.exception
    assert selectbox(at, "score a").value == "nps"
    assert selectbox(at, "score b").value == "(don't import)"
    assert [m.value for m in at.metric] == ["1", "0"]


def test_file_level_problem_disables_import(app_page):
    at = with_file(app_page, data=b"nps\n9\n")
    assert not at.exception
    assert at.button(key="import_go").disabled
    assert "give one date for the whole file" in at.dataframe[1].value["Problem"][0]
    at.button(key="import_cancel").click()
    at.run()
    assert "import_source" not in at.session_state


def test_unreadable_file_shows_a_clear_error(app_page):
    at = with_file(app_page, data=b"")
    assert not at.exception
    assert "The file is empty" in at.error[0].value


def test_export_prepares_a_download(app_page):
    at = app_page("pages/import_data.py", user="editor")
    at.button(key="export_go").click()
    at.run()
    assert not at.exception
    assert at.session_state["export_file"][0] == "customers"


def test_viewer_is_refused(app_page):
    at = with_file(app_page, user="viewer")
    assert not at.exception
    assert "needs the editor role" in at.warning[0].value
    assert not [b for b in at.button if b.label.startswith("Import")]


def test_ces_polarity_checkbox(app_page):
    at = with_file(app_page, data=b"date,ces\n2024-01-01,2\n")
    at.checkbox(key="import_ces_low_is_easy").check()
    at.run()
    assert not at.exception
    assert at.session_state["import_preview"][1].rows["ces"].tolist() == [6]


def test_date_format_choice_is_in_words(app_page):
    at = with_file(app_page, data=b"date,nps\n03/04/2024,9\n")
    choice = at.selectbox(key="import_date_format")
    assert choice.options[:3] == [
        "Detect automatically", "like 2025-03-31", "like 31/03/2025"]
    choice.set_value("%m/%d/%Y").run()
    assert not at.exception
    assert at.session_state["import_preview"][1].rows["date"].tolist() == ["2024-03-04"]
