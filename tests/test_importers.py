"""Importers: layouts, encodings, cell formats, every class of bad input, duplicates, undo."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcore import import_formats as fmt
from cxcore import importers as im
from cxcore.errors import PermissionDenied, ValidationError

CUSTOMERS_CSV = (
    "Customer ID,Name,Segment,Channel,Start date,Churned,Monthly revenue,Referred by\n"
    "c1,Ann,households,store,2024-01-15,No,12.50,\n"
    "c2,Bob,landlords,web,2024-02-20,Yes,30,c1\n"
    "c3,Café Ünal,small businesses,phone,2024-03-01,0,,\n"
).encode()


def counts(session) -> dict[str, int]:
    return {t: session.db.execute(f"select count(*) from [{t}]").fetchone()[0]
            for t in ("customers", "revenue_events", "responses", "pulse", "import_batches")}


def load_customers(session) -> None:
    im.commit_import(session, im.prepare_import("customers", CUSTOMERS_CSV,
                                                known_customer_ids=session))


# ---- layouts -----------------------------------------------------------------------------------

def test_plain_customers_import_end_to_end(editor_session):
    preview = im.prepare_import("customers", CUSTOMERS_CSV, filename="c.csv",
                                known_customer_ids=editor_session)
    assert preview.problems == []
    assert (preview.total_rows, preview.valid_rows) == (3, 3)
    assert preview.mapping["Customer ID"] == "id"
    assert preview.mapping["Referred by"] == "referred_by"
    result = im.commit_import(editor_session, preview)
    assert (result.inserted, result.skipped_duplicates) == (3, 0)
    rows = list(editor_session.db.query("select * from customers order by id"))
    assert [r["churned"] for r in rows] == [0, 1, 0]
    assert rows[0]["monthly_revenue"] == 12.5 and rows[2]["monthly_revenue"] is None
    assert rows[2]["name"] == "Café Ünal"
    assert rows[1]["referred_by"] == "c1"
    assert all(r["batch_id"] == result.batch_id for r in rows)


def qualtrics_csv() -> bytes:
    return (
        b"StartDate,EndDate,Status,RecordedDate,ResponseId,ExternalReference,QID1,QID1_NPS_GROUP,"
        b"QID2,QID3_TEXT\n"
        b"Start Date,End Date,Response Type,Recorded Date,Response ID,External Data Reference,"
        b"How likely are you to recommend Brightside to a friend or colleague?,"
        b"How likely are you to recommend Brightside to a friend or colleague? - Group,"
        b'"Overall, how satisfied were you with your delivery?",Why did you give that score?\n'
        b'{"ImportId":"startDate","timeZone":"America/Denver"},{"ImportId":"endDate"},'
        b'{"ImportId":"status"},{"ImportId":"recordedDate"},{"ImportId":"_recordId"},'
        b'{"ImportId":"externalDataReference"},{"ImportId":"QID1"},{"ImportId":"QID1_NPS_GROUP"},'
        b'{"ImportId":"QID2"},{"ImportId":"QID3_TEXT"}\n'
        b"2024-05-01 09:00:00,2024-05-01 09:03:10,IP Address,2024-05-01 09:03:11,R_abc,c1,9,3,5,"
        b"\"Fast, friendly\"\n"
        b"2024-05-02 10:00:00,2024-05-02 10:01:00,IP Address,2024-05-02 10:01:01,R_def,c2,3,1,2,"
        b"Late\n"
    )


def test_qualtrics_three_header_rows(editor_session):
    load_customers(editor_session)
    preview = im.prepare_import("responses", qualtrics_csv(), known_customer_ids=editor_session)
    assert preview.detected["format"] == "Qualtrics"
    assert preview.problems == []
    assert preview.mapping["QID1"] == "nps"
    assert preview.mapping["QID2"] == "csat"
    assert preview.mapping["QID3_TEXT"] == "comment"
    assert preview.mapping["ExternalReference"] == "customer_id"
    assert preview.mapping["RecordedDate"] == "date"
    assert preview.mapping["ResponseId"] == "response_id"
    assert "QID1_NPS_GROUP" in preview.unmapped
    im.commit_import(editor_session, preview)
    rows = list(editor_session.db.query(
        "select customer_id, date, nps, csat, comment from responses order by date"))
    assert rows == [
        {"customer_id": "c1", "date": "2024-05-01", "nps": 9, "csat": 5,
         "comment": "Fast, friendly"},
        {"customer_id": "c2", "date": "2024-05-02", "nps": 3, "csat": 2, "comment": "Late"},
    ]


def test_qualtrics_bad_row_is_numbered_as_in_the_file(editor_session):
    data = qualtrics_csv().replace(b",c2,3,1,2,", b",c2,12,1,2,")
    preview = im.prepare_import("responses", data, known_customer_ids=editor_session)
    # header rows 1-3, first answer row 4, second row 5
    assert [(p.row, p.field) for p in preview.problems if p.field != "customer_id"] == [
        (5, "nps")]


def test_surveymonkey_two_header_rows():
    data = (
        b"Respondent ID,Collector ID,Start Date,End Date,How likely is it that you would "
        b"recommend us to a friend?,Which did you buy?,,What else should we know?\n"
        b",,,,Response,Fridge,Oven,Open-Ended Response\n"
        b"1101,55,11/03/2024 09:00:00 AM,11/03/2024 09:05:00 AM,10,Fridge,,Great\n"
        b"1102,55,11/04/2024 10:00:00 AM,11/04/2024 10:02:00 AM,6,,Oven,\n"
    )
    preview = im.prepare_import("responses", data)
    assert preview.detected["format"] == "SurveyMonkey"
    assert preview.problems == []
    assert "Which did you buy? - Oven" in preview.unmapped
    assert preview.mapping["End Date"] == "date"
    assert preview.mapping["Respondent ID"] == "response_id"
    rows = preview.rows
    assert rows["nps"].tolist() == [10, 6]
    assert rows["date"].tolist() == ["2024-11-03", "2024-11-04"]  # month-first, ambiguous
    assert rows["comment"].tolist()[0] == "Great"
    assert any("day/month" in n for n in preview.notes)


def test_delighted_rows_with_survey_type():
    data = (
        b"Response ID,Score,Comment,Created At,Survey type\n"
        b"1,9,Love it,2024-06-01T10:00:00Z,NPS\n"
        b"2,4,,2024-06-02T11:00:00Z,CSAT\n"
        b"3,6,hard to find,2024-06-03T12:00:00Z,CES\n"
        b"4,7,,2024-06-04T12:00:00Z,CSAT\n"
    )
    preview = im.prepare_import("responses", data)
    assert preview.detected["format"] == "Delighted"
    rows = preview.rows
    assert rows["nps"].tolist()[:1] == [9] and pd.isna(rows["nps"].iloc[1])
    assert rows["csat"].iloc[1] == 4 and rows["ces"].iloc[2] == 6
    # a CSAT of 7 is out of range
    assert [(p.row, p.field) for p in preview.problems] == [(5, "score")]
    assert "CSAT score '7.0' is not a whole number from 1 to 5" in preview.problems[0].reason


def test_plain_question_headers_and_ces_polarity_label():
    data = (
        b"Date,How likely are you to recommend us to a friend or colleague?,"
        b"How easy was it to get your appliance installed?,Anything else you'd like to tell us?\n"
        b"01.02.2024,8,7,<b>not bold</b> **nor this**\n"
    )
    preview = im.prepare_import("responses", data)
    assert preview.mapping == {
        "Date": "date",
        "How likely are you to recommend us to a friend or colleague?": "nps",
        "How easy was it to get your appliance installed?": "ces",
        "Anything else you'd like to tell us?": "comment"}
    assert preview.rows["date"].iloc[0] == "2024-02-01"
    assert preview.rows["comment"].iloc[0] == "<b>not bold</b> **nor this**"
    assert "7 = very easy" in im.field_labels("responses")["ces"]


def test_excel_workbook():
    frame = pd.DataFrame({"Date": pd.to_datetime(["2024-07-01", "2024-07-02"]),
                          "Team": ["Delivery", "Store"], "eNPS": [9, 4],
                          "Comment": ["good", None]})
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    preview = im.prepare_import("pulse", buffer.getvalue(), filename="pulse.xlsx")
    assert preview.detected["format"].endswith("(Excel)")
    assert preview.problems == []
    assert preview.rows["date"].tolist() == ["2024-07-01", "2024-07-02"]
    assert preview.rows["enps"].tolist() == [9, 4]
    assert preview.rows["team"].tolist() == ["Delivery", "Store"]


# ---- encodings, delimiters, cell formats -------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_and_delimiters(encoding, delimiter):
    text = delimiter.join(["team", "date", "enps", "comment"]) + "\n" + delimiter.join(
        ["Réception", "2024-03-05", "7", "très bien"]) + "\n"
    data = text.encode(encoding)
    preview = im.prepare_import("pulse", data)
    assert preview.problems == []
    assert preview.detected["delimiter"] == delimiter
    assert preview.rows["team"].iloc[0] == "Réception"
    assert preview.rows["comment"].iloc[0] == "très bien"
    assert preview.detected["encoding"] in ({"utf-8-sig"} if encoding == "utf-8-sig" else
                                            {"utf-8"} if encoding == "utf-8" else
                                            {"cp1252", "latin-1"})


def test_cp1252_only_characters():
    data = "team,date,enps,comment\nA,2024-01-01,5,“quoted” – dash €\n".encode("cp1252")
    preview = im.prepare_import("pulse", data)
    assert preview.detected["encoding"] == "cp1252"
    assert preview.rows["comment"].iloc[0] == "“quoted” – dash €"


@pytest.mark.parametrize(("written", "iso"), [
    ("2024-03-15", "2024-03-15"), ("2024-03-15T08:00:00Z", "2024-03-15"),
    ("15/03/2024", "2024-03-15"), ("03/15/2024", "2024-03-15"), ("15.03.2024", "2024-03-15"),
    ("2024/03/15", "2024-03-15"), ("15 Mar 2024", "2024-03-15"), ("March 15, 2024", "2024-03-15"),
    ("1710489600", "2024-03-15"),
])
def test_date_formats(written, iso):
    parsed, _, _ = fmt.parse_dates(pd.Series([written], dtype="str"))
    assert parsed.iloc[0] == iso


def test_ambiguous_dates_follow_day_first_hint():
    series = pd.Series(["01/02/2024", "03/04/2024"], dtype="str")
    month_first, used, ambiguous = fmt.parse_dates(series)
    assert ambiguous and used == "%m/%d/%Y" and month_first.tolist() == ["2024-01-02",
                                                                         "2024-03-04"]
    day_first, _, _ = fmt.parse_dates(series, day_first=True)
    assert day_first.tolist() == ["2024-02-01", "2024-04-03"]


@pytest.mark.parametrize(("cells", "expected", "comma"), [
    (["12.50", "3"], [12.5, 3.0], False),
    (["12,50", "3"], [12.5, 3.0], True),
    (["1.234,56", "7"], [1234.56, 7.0], True),
    (["1,234.56", "7"], [1234.56, 7.0], False),
    (["€ 9,99", "$5"], [9.99, 5.0], True),
])
def test_decimal_commas_and_money(cells, expected, comma):
    values, used = fmt.parse_numbers(pd.Series(cells, dtype="str"))
    assert values.tolist() == expected and used is comma


def test_flags_and_blank_cells():
    data = (b"id,start date,churned,segment\n"
            b"a,2024-01-01,Yes,\n"
            b"b,2024-01-01,no,\n"
            b"c,2024-01-01,1,x\n"
            b"d,2024-01-01,0,\n"
            b"e,2024-01-01,,\n"
            b"\n")
    preview = im.prepare_import("customers", data)
    assert preview.problems == [] and preview.total_rows == 5
    assert preview.rows["churned"].tolist() == [1, 0, 1, 0, 0]
    assert preview.rows["segment"].isna().tolist() == [True, True, False, True, True]


def test_end_date_implies_churned():
    data = b"id,start_date,end_date\na,2024-01-01,2024-06-30\nb,2024-01-01,\n"
    preview = im.prepare_import("customers", data)
    assert preview.rows["churned"].tolist() == [1, 0]


def test_tenure_with_reference_date():
    data = b"customerID,tenure,Churn,MonthlyCharges\nx,0,No,10\ny,12,Yes,20.5\n"
    preview = im.prepare_import("customers", data, reference_date="2024-06-30")
    assert preview.problems == []
    assert preview.rows["start_date"].tolist() == ["2024-06-30", "2023-06-30"]
    assert preview.rows["end_date"].tolist()[1] == "2024-06-30"
    assert pd.isna(preview.rows["end_date"].iloc[0])
    without = im.prepare_import("customers", data)
    assert without.valid_rows == 0
    assert "reference date" in without.problems[0].reason


def test_user_mapping_overrides_and_ignores():
    data = b"when,value,note\n2024-01-01,8,hi\n"
    preview = im.prepare_import("responses", data, mapping={"when": "date", "value": "nps",
                                                            "note": ""})
    assert preview.mapping == {"when": "date", "value": "nps"}
    assert preview.unmapped == ["note"]
    assert preview.rows["nps"].tolist() == [8]


def test_auto_mapping_skips_columns_on_another_scale():
    data = b"date,nps,satisfaction\n2024-01-01,9,10\n2024-01-02,3,8\n"
    preview = im.prepare_import("responses", data)
    assert "satisfaction" not in preview.mapping
    assert any("satisfaction" in note for note in preview.notes)
    forced = im.prepare_import("responses", data, mapping={"satisfaction": "csat"})
    # A 0-10 column forced onto CSAT (1-5) is refused as a whole, with a hint (issue 9.5).
    assert forced.valid_rows == 0 and forced.problem_count == 1
    assert forced.problems[0].row is None
    assert "holds 8 to 10, which does not fit CSAT (1-5)" in forced.problems[0].reason


def test_default_date_for_undated_waves():
    data = b"nps,t\n9,1\n4,2\n"
    missing = im.prepare_import("responses", data)
    assert missing.valid_rows == 0
    assert "give one date for the whole file" in missing.problems[0].reason
    dated = im.prepare_import("responses", data, default_date="2024-09-30")
    assert dated.rows["date"].tolist() == ["2024-09-30", "2024-09-30"]


def test_long_and_non_latin_text_is_kept_exactly(editor_session):
    long = "é" * 100_000
    frame = pd.DataFrame({"date": ["2024-01-01", "2024-01-02"], "nps": [5, 6],
                          "comment": [long, "  配送が遅かった\n# not a heading  "]})
    preview = im.prepare_import("responses", frame.to_csv(index=False).encode())
    im.commit_import(editor_session, preview)
    stored = [r[0] for r in editor_session.db.execute(
        "select comment from responses order by date")]
    assert stored == [long, "  配送が遅かった\n# not a heading  "]


# ---- bad input: a clear message, nothing stored ------------------------------------------------

def assert_nothing_stored(session, before):
    assert counts(session) == before


@pytest.mark.parametrize(("data", "field", "reason"), [
    (b"date,nps\n2024-01-01,11\n", "nps", "NPS (0-10): '11' is not a whole number from 0 to 10"),
    (b"date,nps\n2024-01-01,7.5\n", "nps", "is not a whole number"),
    (b"date,csat\n2024-01-01,0\n", "csat", "'0' is not a whole number from 1 to 5"),
    (b"date,ces\n2024-01-01,8\n", "ces", "from 1 to 7"),
    (b"date,nps\n2024-13-45,5\n", "date", "is not a date"),
    (b"date,nps\nyesterday,5\n", "date", "is not a date: write it like the other dates"),
    (b"date,nps\n,5\n", "date", "Date is blank"),
    (b"date,nps,customer_id\n2024-01-01,5,nobody\n", "customer_id", "unknown customer"),
    (b"date,nps,csat\n2024-01-01,,\n", "nps", "no score at all"),
])
def test_bad_cells_are_reported_and_nothing_is_stored(editor_session, data, field, reason):
    before = counts(editor_session)
    preview = im.prepare_import("responses", data, known_customer_ids=editor_session)
    assert preview.valid_rows == 0
    assert len(preview.problems) == 1
    problem = preview.problems[0]
    assert (problem.row, problem.field) == (2, field)
    assert reason in problem.reason
    with pytest.raises(ValidationError, match="no valid rows"):
        im.commit_import(editor_session, preview)
    assert_nothing_stored(editor_session, before)


@pytest.mark.parametrize(("kind", "data", "reason"), [
    ("revenue", b"customer_id,date,amount,kind\nc1,2024-01-01,abc,new\n", "is not a number"),
    ("revenue", b"customer_id,date,amount,kind\nc1,2024-01-01,10,gift\n", "is not one of"),
    ("revenue", b"customer_id,date,amount,kind\nc1,2024-01-01,-10,new\n",
     "negative amount must be a refund"),
    ("revenue", b"customer_id,date,amount,kind\nzz,2024-01-01,10,new\n", "unknown customer"),
    ("customers", b"id,start_date\nc9,2024-01-01\nc9,2024-02-01\n", "more than once"),
    ("customers", b"id,start_date,end_date\nc9,2024-05-01,2024-01-01\n", "before the start"),
    ("customers", b"id,start_date,churned\nc9,2024-05-01,maybe\n", "not yes/no"),
    ("customers", b"id,start_date,referred_by\nc9,2024-05-01,ghost\n", "not a known customer"),
    ("pulse", b"date,enps\n2024-01-01,\n", "eNPS (0-10) is blank"),
])
def test_bad_rows_of_each_kind(editor_session, kind, data, reason):
    load_customers(editor_session)
    before = counts(editor_session)
    preview = im.prepare_import(kind, data, known_customer_ids=editor_session)
    assert any(reason in p.reason and p.row is not None for p in preview.problems), \
        preview.problems
    with pytest.raises(ValidationError):
        im.commit_import(editor_session, preview, allow_problems=False)
    assert_nothing_stored(editor_session, before)


def test_missing_required_column_and_wrong_kind(editor_session):
    before = counts(editor_session)
    preview = im.prepare_import("revenue", qualtrics_csv())  # a survey file given as revenue
    assert preview.valid_rows == 0
    missing = {p.field for p in preview.problems if p.row is None}
    assert {"customer_id", "amount", "kind"} <= missing
    assert all("required: no column is mapped" in p.reason for p in preview.problems)
    with pytest.raises(ValidationError):
        im.commit_import(editor_session, preview)
    with pytest.raises(ValidationError, match="not something that can be imported"):
        im.prepare_import("invoices", b"a\n1\n")
    assert_nothing_stored(editor_session, before)


@pytest.mark.parametrize("data", [b"", b"   \n", b"date,nps\n", b"date,nps\n\n\n"])
def test_empty_files(data):
    with pytest.raises(ValidationError, match=r"empty|no data rows"):
        im.prepare_import("responses", data)


def test_unknown_mapping_targets_are_refused():
    with pytest.raises(ValidationError, match="no column 'nope'"):
        im.prepare_import("responses", b"date,nps\n2024-01-01,1\n", mapping={"nope": "nps"})
    with pytest.raises(ValidationError, match="not a field of responses"):
        im.prepare_import("responses", b"date,nps\n2024-01-01,1\n", mapping={"nps": "score9"})


def test_ragged_file_is_refused():
    with pytest.raises(ValidationError, match="consistent table"):
        im.prepare_import("responses", b"date,nps\n2024-01-01,1\n2024-01-02,2,3,4\n")


def test_viewer_cannot_import(viewer_session):
    preview = im.prepare_import("pulse", b"date,enps\n2024-01-01,5\n")
    with pytest.raises(PermissionDenied):
        im.commit_import(viewer_session, preview)
    assert counts(viewer_session)["pulse"] == 0


def test_valid_rows_only_when_chosen(editor_session):
    preview = im.prepare_import("pulse", b"date,enps\n2024-01-01,5\n2024-01-02,50\n")
    assert (preview.valid_rows, preview.bad_rows) == (1, 1)
    with pytest.raises(ValidationError):
        im.commit_import(editor_session, preview, allow_problems=False)
    assert counts(editor_session)["pulse"] == 0
    result = im.commit_import(editor_session, preview)
    assert result.inserted == 1


# ---- duplicates, undo, atomicity ---------------------------------------------------------------

def test_importing_the_same_file_twice_does_not_double_count(editor_session):
    data = b"date,nps\n2024-01-01,9\n2024-01-01,9\n2024-01-02,3\n"
    first = im.commit_import(editor_session, im.prepare_import("responses", data))
    assert (first.inserted, first.skipped_duplicates) == (3, 0)  # identical answers both kept
    again = im.commit_import(editor_session, im.prepare_import("responses", data))
    assert (again.inserted, again.skipped_duplicates, again.batch_id) == (0, 3, None)
    more = data + b"2024-01-01,9\n"
    third = im.commit_import(editor_session, im.prepare_import("responses", more))
    assert (third.inserted, third.skipped_duplicates) == (1, 3)
    assert counts(editor_session)["responses"] == 4
    load_customers(editor_session)
    again_customers = im.commit_import(
        editor_session, im.prepare_import("customers", CUSTOMERS_CSV))
    assert (again_customers.inserted, again_customers.skipped_duplicates) == (0, 3)


def test_undo_removes_the_batch(editor_session):
    load_customers(editor_session)
    revenue = im.commit_import(editor_session, im.prepare_import(
        "revenue", b"customer,date,amount,type\nc1,2024-01-01,100,new\nc2,2024-02-01,-20,refund\n",
        known_customer_ids=editor_session))
    stored = list(editor_session.db.query("select amount, kind from revenue_events"))
    assert stored == [{"amount": 100.0, "kind": "new"}, {"amount": 20.0, "kind": "refund"}]
    batches = im.list_batches(editor_session)
    assert [b["kind"] for b in batches] == ["revenue", "customers"]
    customer_batch = batches[1]["id"]
    with pytest.raises(Exception, match="Undo those imports first"):
        im.undo_import(editor_session, customer_batch)
    assert im.undo_import(editor_session, revenue.batch_id) == 2
    assert counts(editor_session)["revenue_events"] == 0
    assert im.undo_import(editor_session, customer_batch) == 3
    assert counts(editor_session)["customers"] == 0
    assert im.list_batches(editor_session)[0]["undone_by"] == "editor"
    with pytest.raises(Exception, match="already undone"):
        im.undo_import(editor_session, customer_batch)
    actions = [r[0] for r in editor_session.db.execute("select action from activity")]
    assert actions.count("import") == 2 and actions.count("undo_import") == 2


def test_viewer_cannot_undo(editor_session, viewer_session):
    preview = im.prepare_import("pulse", b"date,enps\n2024-01-01,5\n")
    result = im.commit_import(editor_session, preview)
    with pytest.raises(PermissionDenied):
        im.undo_import(viewer_session, result.batch_id)
    assert counts(editor_session)["pulse"] == 1


def test_import_is_atomic_when_the_database_refuses_a_row(editor_session):
    # Prepared without the workspace, so the unknown customer is only caught at commit.
    load_customers(editor_session)
    before = counts(editor_session)
    preview = im.prepare_import("responses",
                                b"date,nps,customer_id\n2024-01-01,5,c1\n2024-01-02,6,ghost\n")
    assert preview.valid_rows == 2
    with pytest.raises(ValidationError, match="unknown customers: ghost"):
        im.commit_import(editor_session, preview)
    assert_nothing_stored(editor_session, before)
    # A row the database itself refuses (a step id that doesn't exist) rolls back the batch.
    preview = im.prepare_import("responses",
                                b"date,nps,journey_step\n2024-01-01,5,\n2024-01-02,6,999\n")
    assert preview.valid_rows == 2
    with pytest.raises(ValidationError, match="Nothing was imported"):
        im.commit_import(editor_session, preview)
    assert_nothing_stored(editor_session, before)


def test_journey_step_names_resolve_in_a_workspace(editor_session):
    db = editor_session.db
    journey = db["journeys"].insert({"name": "Delivery and installation"}).last_pk
    step = db["journey_steps"].insert({"journey_id": journey, "position": 1,
                                       "name": "Delivery"}).last_pk
    preview = im.prepare_import(
        "responses", b"date,nps,step\n2024-01-01,5,delivery\n2024-01-01,5,Unboxing\n",
        known_customer_ids=editor_session)
    assert preview.rows["journey_step_id"].tolist() == [step]
    assert "not a step of any journey" in preview.problems[0].reason


def test_progress_is_reported(editor_session, monkeypatch):
    monkeypatch.setattr(im.base, "INSERT_CHUNK", 2)
    seen = []
    data = b"date,enps\n" + b"".join(b"2024-01-0%d,%d\n" % (i, i) for i in range(1, 6))
    im.commit_import(editor_session, im.prepare_import("pulse", data), progress=seen.append)
    assert seen == [0.4, 0.8, 1.0]


def test_problem_list_is_capped(monkeypatch):
    monkeypatch.setattr(im.base, "MAX_PROBLEMS", 5)
    data = b"date,enps\n" + b"2024-01-01,lots\n" * 20
    preview = im.prepare_import("pulse", data)
    assert len(preview.problems) == 5 and preview.problem_count == 20
    assert "15 more problems" in preview.report()


# ---- invariants --------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.integers(-5, 15), st.just(""), st.text(max_size=4)),
                min_size=1, max_size=30))
def test_every_row_is_either_valid_or_reported(cells):
    lines = ["date,nps"] + [f"2024-01-01,{str(c).replace(',', ' ').replace(chr(10), ' ')}"
                            for c in cells]
    data = ("\n".join(lines) + "\n").encode()
    try:
        preview = im.prepare_import("responses", data)
    except ValidationError:
        return  # e.g. every cell blank: no data rows
    bad_rows = {p.row for p in preview.problems}
    if preview.file_problems:  # a refused column: no row is valid
        assert preview.valid_rows == 0
        return
    assert preview.valid_rows + len(bad_rows) == preview.total_rows
    assert preview.rows["nps"].between(0, 10).all()


def test_missing_value_markers_read_as_blank():
    data = b"date,nps,comment\n2024-01-01,NA,NA\n2024-01-02,8,#N/A\n2024-01-03,9, NULL \n"
    preview = im.prepare_import("responses", data)
    assert preview.detected["missing markers"] == "#N/A, NA, NULL"
    assert preview.rows["nps"].tolist() == [8, 9]
    assert preview.rows["comment"].isna().all()
    assert [(p.row, p.reason) for p in preview.problems] == [(2, "the row has no score at all")]


def test_mostly_bad_column_warns_about_a_biased_subset():
    data = b"date,csat\n2024-01-01,satisfied\n2024-01-02,neutral or dissatisfied\n" \
           b"2024-01-03,neutral or dissatisfied\n"
    preview = im.prepare_import("responses", data, mapping={"csat": "csat"})
    assert preview.rows["csat"].tolist() == [4]  # the standard label "Satisfied" = 4
    assert any("biased subset" in note for note in preview.notes)


def test_ces_asked_with_low_as_easy_is_reversed():
    data = b"date,ces\n2024-01-01,1\n2024-01-02,7\n2024-01-03,3\n"
    assert im.prepare_import("responses", data).rows["ces"].tolist() == [1, 7, 3]
    reversed_ = im.prepare_import("responses", data, ces_low_is_easy=True)
    assert reversed_.rows["ces"].tolist() == [7, 1, 5]
    assert any("8 - answer" in note for note in reversed_.notes)


def test_messages_and_labels_speak_plainly() -> None:
    """No strftime codes in messages; labels are capitalised the same way."""
    preview = im.prepare_import("responses", b"date,nps\n31/03/2025,9\nyesterday,5\n")
    reason = preview.problems[0].reason
    assert reason == ("Date 'yesterday' is not a date: write it like the other dates in this "
                      "column, e.g. 31/03/2025 (years 1900 to 2100)")
    assert "%" not in reason
    labels = im.field_labels("responses")
    assert labels["date"] == "Date" and labels["comment"] == "Comment"
    assert labels["nps"] == "NPS (0-10)" and labels["csat"] == "CSAT (1-5)"
    for kind in im.KINDS:
        assert all(label[0].isupper() or label.startswith("eNPS")
                   for label in im.field_labels(kind).values())


def test_preview_marks_the_rows_with_problems() -> None:
    data = b"date,nps\n2024-01-01,9\n2024-01-02,11\nnever,5\n"
    frame = im.prepare_import("responses", data).preview_frame()
    assert list(frame.columns[:2]) == ["Row", "Problem"]
    assert frame["Row"].tolist() == [2, 3, 4]
    assert frame["Problem"][0] == ""
    assert "is not a whole number from 0 to 10" in frame["Problem"][1]
    assert "is not a date" in frame["Problem"][2]
