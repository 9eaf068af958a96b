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
                                     "When", "Undone"]
    assert batches["Data"][0] == "Survey responses"
    assert batches["When"][0].endswith(" UTC") and "+00:00" not in batches["When"][0]
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
    # The reason is shown where the problem is, with the setting that fixes it right there.
    assert "give one date for the whole file" in at.error[0].value
    assert "Whole file" in at.error[0].value
    assert at.text_input(key="import_default_date")
    at.text_input(key="import_default_date").input("2024-12-31").run()
    assert not at.exception
    assert not at.error and [m.value for m in at.metric] == ["1", "0"]
    assert not at.button(key="import_go").disabled
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
    # the picker names the data as people do, not by table name
    assert at.selectbox(key="export_table").options == [
        "Customers", "Revenue events", "Survey responses", "Employee pulse (eNPS)"]
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download Customers (CSV)" in labels


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


def test_kind_is_suggested_from_the_columns_not_defaulted(app_page):
    at = app_page("pages/import_data.py", user="editor", run=False)
    at.session_state["import_source"] = {"name": "crm.csv",
                                         "data": b"Customer ID,Start date\nc1,2024-01-01\n"}
    at.run()
    assert not at.exception
    assert at.selectbox(key="import_kind").value == "customers"
    assert "Suggested from the file's columns" in at.caption[0].value
    at = app_page("pages/import_data.py", user="editor", run=False)
    at.session_state["import_source"] = {"name": "x.csv", "data": b"Colour,Size\nred,L\n"}
    at.run()
    assert at.selectbox(key="import_kind").value is None
    assert "choose it above" in at.info[0].value
    assert not [b for b in at.button if b.label.startswith("Import")]


AIRLINE = (b",id,Class,Seat comfort,Checkin service,satisfaction\n"
           b"0,101,Eco,3,0,satisfied\n1,102,Business,5,4,satisfied\n"
           b"2,103,Eco,1,2,neutral or dissatisfied\n3,104,Eco,0,3,neutral or dissatisfied\n"
           b"4,105,Business,4,5,satisfied\n")


def test_survey_questions_are_confirmed_in_the_preview(app_page, accounts, workspace):
    at = app_page("pages/import_data.py", user="editor", run=False)
    at.session_state["import_source"] = {"name": "airline.csv", "data": AIRLINE}
    at.run()
    assert not at.exception
    assert at.selectbox(key="import_kind").value == "responses"
    # No date column: asked for right under the problem.
    at.text_input(key="import_default_date").input("2024-12-31").run()
    preview = at.session_state["import_preview"][1]
    keys = [a.key for a in preview.attributes]
    assert keys == ["class", "seat_comfort", "checkin_service", "satisfaction"]
    prefix = next(k for k in at.session_state if str(k).startswith("q_"))[:15]
    seat_scale = at.text_input(key=f"{prefix}scale_Seat comfort")
    assert seat_scale.value == "0-5"
    assert any("often means 'not applicable'" in c.value for c in at.caption)
    # State the N/A code once for every rating question.
    at.text_input(key="import_na_all").input("0").run()
    assert not at.exception
    preview = at.session_state["import_preview"][1]
    seat = {a.key: a for a in preview.attributes}["seat_comfort"]
    assert (seat.scale, seat.na_codes) == ((1.0, 5.0), ["0"])
    assert at.text_input(key=f"{prefix}scale_Seat comfort").value == "1-5"
    # Leave one question out, declare another's scale.
    at.checkbox(key=f"{prefix}inc_Class").uncheck().run()
    at.text_input(key=f"{prefix}scale_Checkin service").input("1-7").run()
    assert not at.exception
    preview = at.session_state["import_preview"][1]
    found = {a.key: a for a in preview.attributes}
    assert not found["class"].include and found["checkin_service"].scale == (1.0, 7.0)
    at.button(key="import_go").click().run()
    assert not at.exception
    assert "Answers to 3 survey questions stored" in at.success[0].value
    session = wsmod.open_session(accounts, workspace.id, "owner")
    try:
        defs = {r[0]: r[1:] for r in session.db.execute(
            "select key, scale_min, scale_max from attributes")}
        assert defs == {"seat_comfort": (1.0, 5.0), "checkin_service": (1.0, 7.0),
                        "satisfaction": (0.0, 1.0)}
        assert session.db.execute("select count(*) from response_attributes").fetchone()[0] == 5
    finally:
        session.close()


def test_link_a_question_to_a_journey_step(app_page, accounts, workspace):
    from cxcore import attributes, journeys
    from cxcore import importers as im

    session = wsmod.open_session(accounts, workspace.id, "owner")
    try:
        journey = journeys.create_journey(session, "Fly with us")
        journeys.add_step(session, journey, "Book")
        checkin = journeys.add_step(session, journey, "Check in")
        im.commit_import(session, im.prepare_import(
            "responses", AIRLINE, default_date="2024-12-31", not_applicable=["0"]))
    finally:
        session.close()
    at = app_page("pages/import_data.py", user="editor")
    assert not at.exception
    def questions_table():
        return next(d.value for d in at.dataframe if "Question" in getattr(d.value, "columns", []))

    table = questions_table()
    assert table["Question"].tolist() == ["Class", "Seat comfort", "Checkin service",
                                          "satisfaction"]
    assert table["Scale"].tolist()[1] == "1-5" and table["N/A codes"].tolist()[1] == "0"
    session = wsmod.open_session(accounts, workspace.id, "owner")
    target = attributes.get_attribute(session.db, "checkin_service")["id"]
    session.close()
    at.selectbox(key="link_question").set_value(target)
    at.selectbox(key="link_step").set_value(checkin)
    at.button(key="link_go").click().run()
    assert not at.exception
    assert questions_table()["Journey step"].tolist()[2] == "Fly with us / Check in"
    assert "now linked to Fly with us / Check in" in at.success[0].value
    session = wsmod.open_session(accounts, workspace.id, "owner")
    try:
        assert attributes.get_attribute(session.db, "checkin_service")["step_id"] == checkin
    finally:
        session.close()
