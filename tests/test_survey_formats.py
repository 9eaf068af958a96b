"""Survey tools' exports recognised with no mapping: one fixture per layout, built from each
tool's documented format; the file's kind suggested; time-zone offsets converted at import."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from cxcore import importers as im
from cxcore import survey_formats as sf


def rows_of(session) -> list[dict]:
    return list(session.db.query("select * from responses order by id"))


# ---- Google Forms --------------------------------------------------------------------------

GOOGLE = (
    b"Timestamp,Email Address,How likely are you to recommend Brightside to a friend?,"
    b"How satisfied were you with the delivery?,How easy was it to place your order?,"
    b"The driver was polite,What could we improve?\n"
    b"2024/03/15 4:22:34 PM GMT+1,ann@example.com,9,Very satisfied,6,Strongly agree,Nothing\n"
    b"2024/03/31 11:30:00 PM GMT-5,bob@example.com,6,Dissatisfied,3,Disagree,Faster please\n"
    b"2024/04/01 12:10:00 AM GMT+1,cy@example.com,10,Satisfied,7,Agree,\n"
)


def test_google_forms_is_recognised_and_dated_in_the_workspace_zone(editor_session):
    preview = im.prepare_import("responses", GOOGLE, known_customer_ids=editor_session)
    assert preview.detected["format"] == "Google Forms"
    assert preview.suggested_kind == "responses"
    assert preview.problems == []
    m = preview.mapping
    assert m["Timestamp"] == "date"
    assert m["How likely are you to recommend Brightside to a friend?"] == "nps"
    assert m["How satisfied were you with the delivery?"] == "csat"
    assert m["How easy was it to place your order?"] == "ces"
    assert m["What could we improve?"] == "comment"
    assert "Email Address" not in {a.column for a in preview.attributes}
    polite = {a.column: a for a in preview.attributes}["The driver was polite"]
    assert (polite.kind, polite.scale, polite.source) == ("rating", (1.0, 5.0),
                                                          "labels (agreement)")
    # 4:22 PM GMT+1 = 15:22 UTC; 11:30 PM GMT-5 on 31 March = 04:30 UTC on 1 April (Q2);
    # 00:10 GMT+1 on 1 April = 23:10 UTC on 31 March.
    assert preview.rows["date"].tolist() == ["2024-03-15", "2024-04-01", "2024-03-31"]
    assert preview.rows["csat"].tolist() == [5, 2, 4]
    im.commit_import(editor_session, preview)
    assert [r["nps"] for r in rows_of(editor_session)] == [9, 6, 10]
    polite_col = f"a{editor_session.db.execute('select id from attributes').fetchone()[0]}"
    values = editor_session.db.execute(
        f"select {polite_col} from response_attributes order by response_id").fetchall()
    assert [v[0] for v in values] == [5.0, 2.0, 4.0]


def test_workspace_time_zone_moves_the_date(editor_session):
    editor_session.set_setting("timezone", "Asia/Tokyo")
    data = b"Date,NPS\n2025-03-31T23:30-05:00,9\n2025-03-31T10:00:00Z,8\n2025-03-31,7\n"
    preview = im.prepare_import("responses", data, known_customer_ids=editor_session)
    # 23:30 -05:00 = 04:30 UTC on 1 April = 13:30 in Tokyo; 10:00Z = 19:00 in Tokyo; a bare
    # date is already the workspace's.
    assert preview.rows["date"].tolist() == ["2025-04-01", "2025-03-31", "2025-03-31"]
    assert preview.detected["timezone"] == "Asia/Tokyo"
    utc = im.prepare_import("responses", data, timezone="UTC")
    assert utc.rows["date"].tolist() == ["2025-04-01", "2025-03-31", "2025-03-31"]
    la = im.prepare_import("responses", data, timezone="America/Los_Angeles")
    assert la.rows["date"].tolist() == ["2025-03-31", "2025-03-31", "2025-03-31"]


def test_unknown_time_zone_is_refused():
    with pytest.raises(im.ValidationError, match="not a time zone"):
        im.prepare_import("responses", b"Date,NPS\n2025-01-01,9\n", timezone="Mars/Base")


# ---- Typeform ------------------------------------------------------------------------------

TYPEFORM = (
    b"#,How likely are you to recommend us to a friend?,Which plan are you on?,"
    b"Was your problem solved?,Anything else?,Start Date (UTC),Submit Date (UTC),Network ID\n"
    b"a1b2,10,Pro,Yes,Love it,2024-06-30 22:01:00,2024-06-30 23:58:12,9f2e\n"
    b"c3d4,4,Basic,No,,2024-07-01 08:00:00,2024-07-01 08:03:40,77aa\n"
    b"e5f6,8,Pro,Yes,,2024-07-02 09:00:00,2024-07-02 09:01:00,12bc\n"
    b"g7h8,9,Basic,Yes,ok,2024-07-02 10:00:00,2024-07-02 10:01:00,3dd4\n"
)


def test_typeform_is_recognised_and_its_utc_times_converted(editor_session):
    editor_session.set_setting("timezone", "Europe/Paris")
    preview = im.prepare_import("responses", TYPEFORM, known_customer_ids=editor_session)
    assert preview.detected["format"] == "Typeform"
    assert preview.problems == []
    assert preview.mapping["Submit Date (UTC)"] == "date"
    assert preview.mapping["#"] == "response_id"
    assert preview.mapping["Anything else?"] == "comment"
    found = {a.column: a for a in preview.attributes}
    assert set(found) == {"Which plan are you on?", "Was your problem solved?"}
    assert found["Which plan are you on?"].categories == ["Basic", "Pro"]
    assert found["Was your problem solved?"].kind == "yesno"
    # 23:58 UTC on 30 June is 01:58 on 1 July in Paris.
    assert preview.rows["date"].tolist()[:2] == ["2024-07-01", "2024-07-01"]


# ---- Microsoft Forms (Excel) ---------------------------------------------------------------

def ms_forms_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Start time", "Completion time", "Email", "Name",
               "Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?",
               "Wie zufrieden sind Sie mit der Beratung?", "Warum?"])
    import datetime as dt
    ws.append([1, dt.datetime(2024, 5, 2, 9, 0), dt.datetime(2024, 5, 2, 9, 4), "anonymous",
               "", 9, "Sehr zufrieden", "Gute Beratung"])
    ws.append([2, dt.datetime(2024, 5, 3, 9, 0), dt.datetime(2024, 5, 3, 9, 2), "anonymous",
               "", 5, "Unzufrieden", "Zu lange gewartet"])
    ws.append([3, dt.datetime(2024, 5, 4, 9, 0), dt.datetime(2024, 5, 4, 9, 2), "anonymous",
               "", 10, "Zufrieden", None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_microsoft_forms_excel_in_german():
    preview = im.prepare_import("responses", ms_forms_xlsx(), filename="Umfrage.xlsx")
    assert preview.detected["format"] == "Microsoft Forms (Excel)"
    assert preview.problems == []
    m = preview.mapping
    assert m["Completion time"] == "date" and m["ID"] == "response_id"
    assert m["Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?"] == "nps"
    assert m["Wie zufrieden sind Sie mit der Beratung?"] == "csat"
    assert m["Warum?"] == "comment"
    assert preview.rows["csat"].tolist() == [5, 2, 4]
    assert preview.rows["date"].tolist() == ["2024-05-02", "2024-05-03", "2024-05-04"]
    assert {a.column for a in preview.attributes} == set()  # Email, Name are bookkeeping


# ---- SurveyMonkey, and the plain file that is not --------------------------------------------

SURVEYMONKEY = (
    b"Respondent ID,Collector ID,Start Date,End Date,IP Address,"
    b"How likely is it that you would recommend us to a friend?,"
    b"How would you rate the following?,,Comments\n"
    b",,,,,Response,Speed,Friendliness,Open-Ended Response\n"
    b"1141,4101,03/15/2024 10:00:00 AM,03/15/2024 10:05:00 AM,1.2.3.4,9,Very good,Excellent,"
    b"Great\n"
    b"1142,4101,03/16/2024 11:00:00 AM,03/16/2024 11:05:00 AM,1.2.3.5,4,Poor,Fair,Slow\n"
    b"1143,4101,03/17/2024 11:00:00 AM,03/17/2024 11:05:00 AM,1.2.3.6,8,Good,Good,\n"
)


def test_surveymonkey_two_header_rows_with_sub_answers():
    preview = im.prepare_import("responses", SURVEYMONKEY)
    assert preview.detected["format"] == "SurveyMonkey"
    assert preview.problems == []
    assert preview.total_rows == 3
    assert preview.mapping["End Date"] == "date"
    found = {a.column: a for a in preview.attributes}
    speed = found["How would you rate the following? - Speed"]
    assert speed.source == "labels (quality)" and speed.scale == (1.0, 5.0)
    assert preview.rows["@" + speed.key].tolist() == [5.0, 2.0, 4.0]
    assert "IP Address" not in found


def test_semicolon_latin1_file_with_respondent_id_is_a_plain_file(editor_session):
    text = ("Respondent ID;Date;How likely are you to recommend us\u2026?;Comment\n"
            "501;31/03/2025;9;Très bien\n"
            "502;01/04/2025;4;Trop cher, déçu\n"
            "503;02/04/2025;10;\n")
    data = text.replace("\u2026", "...").encode("latin-1")
    preview = im.prepare_import("responses", data, known_customer_ids=editor_session)
    assert preview.detected["format"] == "plain"
    assert preview.detected["encoding"] in ("cp1252", "latin-1")
    assert preview.total_rows == 3 and preview.valid_rows == 3
    assert preview.mapping["Date"] == "date"
    assert preview.mapping["Respondent ID"] == "response_id"
    assert preview.rows["date"].tolist() == ["2025-03-31", "2025-04-01", "2025-04-02"]
    assert preview.rows["comment"].tolist()[1] == "Trop cher, déçu"


# ---- Qualtrics time zone, Delighted CSV and JSON -------------------------------------------

def test_qualtrics_dates_are_read_in_the_zone_its_markers_name():
    data = (
        b"StartDate,RecordedDate,QID1\n"
        b"Start Date,Recorded Date,How likely are you to recommend us?\n"
        b'"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}",'
        b'"{""ImportId"":""recordedDate"",""timeZone"":""America/Denver""}",'
        b'"{""ImportId"":""QID1""}"\n'
        b"2024-03-31 19:00:00,2024-03-31 19:05:00,9\n"
    )
    preview = im.prepare_import("responses", data, timezone="UTC")
    assert preview.mapping["RecordedDate"] == "date"
    assert preview.rows["date"].tolist() == ["2024-04-01"]  # 19:05 MDT = 01:05 UTC


def test_delighted_csv_created_at_utc_is_the_date():
    data = (b"Response ID,Email,Score,Comment,Created At (UTC),Survey type\n"
            b"r1,a@x.com,9,Great,2024-02-01 10:00:00,NPS\n"
            b"r2,b@x.com,4,,2024-02-02 11:00:00,CSAT\n")
    preview = im.prepare_import("responses", data)
    assert preview.detected["format"] == "Delighted"
    assert preview.mapping["Created At (UTC)"] == "date"
    assert preview.problems == []
    assert preview.rows["nps"].tolist()[0] == 9 and preview.rows["csat"].tolist()[1] == 4


def test_delighted_api_json():
    payload = [
        {"id": "1", "person": "p1", "survey_type": "nps", "score": 10, "comment": "Superb",
         "permalink": "https://x", "created_at": 1711929600, "updated_at": 1711929700,
         "person_properties": {"Plan": "Pro"}, "notes": [], "tags": ["vip"]},
        {"id": "2", "person": "p2", "survey_type": "nps", "score": 3, "comment": None,
         "permalink": "https://y", "created_at": 1711843200, "updated_at": 1711843300,
         "person_properties": {"Plan": "Basic"}, "notes": [], "tags": []},
        {"id": "3", "person": "p3", "survey_type": "nps", "score": 8, "comment": "",
         "permalink": "https://z", "created_at": 1711843300, "updated_at": 1711843400,
         "person_properties": {"Plan": "Pro"}, "notes": [], "tags": []},
        {"id": "4", "person": "p4", "survey_type": "nps", "score": 9, "comment": "",
         "permalink": "https://w", "created_at": 1711843400, "updated_at": 1711843500,
         "person_properties": {"Plan": "Basic"}, "notes": [], "tags": []},
    ]
    preview = im.prepare_import("responses", json.dumps(payload).encode(),
                                filename="responses.json", timezone="UTC")
    assert preview.detected["format"] == "Delighted (JSON)"
    assert preview.problems == []
    assert preview.mapping["created_at"] == "date" and preview.mapping["score"] == "score"
    assert preview.rows["date"].tolist() == ["2024-04-01", "2024-03-31", "2024-03-31",
                                             "2024-03-31"]
    assert preview.rows["nps"].tolist() == [10, 3, 8, 9]
    plan = {a.column: a for a in preview.attributes}["person_properties.Plan"]
    assert plan.kind == "category"


# ---- languages, kinds ------------------------------------------------------------------------

@pytest.mark.parametrize("header,satisfied,very", [
    ("Êtes-vous satisfait de l'accueil ?", "Satisfait", "Très satisfait"),
    ("¿Está satisfecho con la atención?", "Satisfecho", "Muy satisfecho"),
    ("Wie zufrieden waren Sie?", "Zufrieden", "Sehr zufrieden"),
])
def test_satisfaction_labels_in_french_spanish_german(header, satisfied, very):
    data = (f"Date,NPS,{header}\n2024-01-01,9,{very}\n2024-01-02,7,{satisfied}\n").encode()
    preview = im.prepare_import("responses", data)
    assert preview.mapping[header] == "csat"
    assert preview.rows["csat"].tolist() == [5, 4]


def test_french_question_headers():
    data = ("Date,Quelle est la probabilité que vous nous recommandiez ?,"
            "Pourquoi cette note ?,Comment évaluez-vous l'accueil ?\n"
            "2024-01-01,9,Bon accueil,4\n2024-01-02,3,Attente,2\n").encode()
    preview = im.prepare_import("responses", data)
    assert preview.mapping["Quelle est la probabilité que vous nous recommandiez ?"] == "nps"
    assert preview.mapping["Pourquoi cette note ?"] == "comment"
    # "Comment évaluez-vous" is French for "how do you rate": a rating, not a comment.
    assert [a.column for a in preview.attributes] == ["Comment évaluez-vous l'accueil ?"]


def test_spanish_question_headers():
    data = ("Marca temporal,¿Qué probabilidad hay de que nos recomiende a un amigo?,"
            "¿Qué tan fácil fue hacer su pedido?,¿Por qué?\n"
            "2024/05/01 10:00:00 AM GMT+2,9,6,Rápido\n2024/05/02 11:00:00 AM GMT+2,4,2,Lento\n"
            ).encode()
    preview = im.prepare_import("responses", data)
    assert preview.detected["format"] == "Google Forms"
    m = preview.mapping
    assert m["Marca temporal"] == "date"
    assert m["¿Qué probabilidad hay de que nos recomiende a un amigo?"] == "nps"
    assert m["¿Qué tan fácil fue hacer su pedido?"] == "ces"
    assert m["¿Por qué?"] == "comment"
    assert preview.problems == []


@pytest.mark.parametrize("header,kind", [
    ("Customer ID,Start date,Monthly revenue", "customers"),
    ("Customer ID,Date,Amount,Type", "revenue"),
    ("Date,Team,eNPS", "pulse"),
    ("Date,NPS,Comment", "responses"),
    ("Colour,Size", None),
])
def test_kind_is_suggested_from_the_columns(header, kind):
    assert im.suggest_kind(header.split(",")) == kind


def test_layout_detection_of_plain_respondent_id_needs_sub_answer_row():
    rows = [["Respondent ID", "Date", "Score"], ["12", "2024-01-01", "9"]]
    assert sf.detect(rows).source_format == "plain"
    rows = [["Respondent ID", "Q1", ""], ["", "Response", "Other"]]
    assert sf.detect(rows).source_format == "SurveyMonkey"


def test_parse_dates_gmt_offsets_vectorised():
    from cxcore import import_formats as fmt

    s = pd.Series(["2024/03/15 4:22:34 PM GMT+1", "2024/03/15 11:59:00 PM GMT-2", ""])
    out, used, _ = fmt.parse_dates(s, target_tz="UTC")
    assert used == "%Y/%m/%d"
    assert out.tolist()[:2] == ["2024-03-15", "2024-03-16"]
