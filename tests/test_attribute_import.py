"""Survey questions (attributes) as a data kind at import: detection, declared scales, N/A
codes, answer labels, bad input reported by row and stored nowhere, undo, re-import, CLI."""

from __future__ import annotations

import pytest

from cxcore import attribute_import as ai
from cxcore import attributes
from cxcore import importers as im
from cxcore.cli import main
from cxcore.errors import PermissionDenied, ValidationError

AIRLINE = (
    b",id,Gender,Class,Age,Seat comfort,Checkin service,Cleanliness,satisfaction\n"
    b"0,101,Female,Eco,52,3,0,5,satisfied\n"
    b"1,102,Male,Business,36,5,4,4,satisfied\n"
    b"2,103,Female,Eco,20,1,2,0,neutral or dissatisfied\n"
    b"3,104,Male,Eco Plus,44,0,3,2,neutral or dissatisfied\n"
    b"4,105,Male,Eco,61,4,5,3,satisfied\n"
)


def stored(session, key: str) -> list:
    col = attributes.get_attribute(session.db, key)["column"]
    return [r[0] for r in session.db.execute(
        f"select {col} from response_attributes order by response_id")]


def counts(session) -> tuple[int, int, int]:
    return tuple(session.db.execute(f"select count(*) from {t}").fetchone()[0]
                 for t in ("responses", "response_attributes", "attributes"))


def test_airline_layout_with_not_applicable_zero(editor_session):
    preview = im.prepare_import("responses", AIRLINE, known_customer_ids=editor_session,
                                default_date="2024-12-31", not_applicable=["0"])
    assert preview.problems == []
    found = {a.column: a for a in preview.attributes}
    assert set(found) == {"Gender", "Class", "Seat comfort", "Checkin service", "Cleanliness",
                          "satisfaction"}  # not the index, id or age
    seat = found["Seat comfort"]
    assert (seat.kind, seat.scale, seat.na_codes) == ("rating", (1.0, 5.0), ["0"])
    assert found["satisfaction"].categories == ["neutral or dissatisfied", "satisfied"]
    assert found["Class"].categories == ["Business", "Eco", "Eco Plus"]
    result = im.commit_import(editor_session, preview)
    assert result.inserted == 5
    assert stored(editor_session, "seat_comfort") == [3.0, 5.0, 1.0, None, 4.0]
    assert stored(editor_session, "checkin_service") == [None, 4.0, 2.0, 3.0, 5.0]
    assert stored(editor_session, "satisfaction") == [1.0, 1.0, 0.0, 0.0, 1.0]
    seat_def = attributes.get_attribute(editor_session.db, "seat_comfort")
    assert (seat_def["scale_min"], seat_def["scale_max"], seat_def["na_codes"]) == (1, 5, ["0"])
    # SQL aggregates the wide table directly: mean of seat comfort without the N/A answer.
    col = seat_def["column"]
    n, mean = editor_session.db.execute(
        f"select count({col}), avg({col}) from response_attributes").fetchone()
    assert (n, mean) == (4, (3 + 5 + 1 + 4) / 4)
    # Re-import: nothing doubles.
    again = im.commit_import(editor_session, im.prepare_import(
        "responses", AIRLINE, known_customer_ids=editor_session, default_date="2024-12-31",
        not_applicable=["0"]))
    assert (again.inserted, again.skipped_duplicates) == (0, 5)
    assert counts(editor_session) == (5, 5, 6)
    # Undo removes the answers with their responses (cascade); the definitions stay.
    assert im.undo_import(editor_session, result.batch_id) == 5
    assert counts(editor_session)[:2] == (0, 0)


def test_without_the_na_code_the_preview_hints_at_it():
    preview = im.prepare_import("responses", AIRLINE, default_date="2024-12-31")
    seat = {a.column: a for a in preview.attributes}["Seat comfort"]
    assert seat.scale == (0.0, 5.0)
    assert "often means 'not applicable'" in seat.hint
    # Confirming the N/A code in the preview (page) makes the scale 1-5.
    confirmed = im.prepare_import("responses", AIRLINE, default_date="2024-12-31",
                                  attributes={"Seat comfort": {"na_codes": ["0"]}})
    seat = {a.column: a for a in confirmed.attributes}["Seat comfort"]
    assert (seat.scale, seat.na_codes) == ((1.0, 5.0), ["0"])


@pytest.mark.parametrize("agree,strongly", [
    ("Agree", "Strongly agree"), ("D'accord", "Tout à fait d'accord"),
    ("Stimme zu", "Stimme voll und ganz zu"), ("De acuerdo", "Totalmente de acuerdo")])
def test_agreement_labels_in_four_languages(agree, strongly):
    data = (f"Date,NPS,Staff friendly\n2024-01-01,9,{strongly}\n2024-01-02,7,{agree}\n"
            f"2024-01-03,8,{agree}\n").encode()
    preview = im.prepare_import("responses", data)
    spec = preview.attributes[0]
    assert spec.source == "labels (agreement)"
    assert preview.rows["@staff_friendly"].tolist() == [5.0, 4.0, 4.0]


def test_yes_no_and_numbered_labels():
    data = (b"Date,NPS,Solved,Speed\n2024-01-01,9,Oui,5 - Excellent\n2024-01-02,3,Non,1 - Poor\n"
            b"2024-01-03,8,Oui,4 - Good\n")
    preview = im.prepare_import("responses", data)
    found = {a.column: a for a in preview.attributes}
    assert found["Solved"].kind == "yesno"
    assert preview.rows["@solved"].tolist() == [1.0, 0.0, 1.0]
    assert found["Speed"].scale == (1.0, 5.0)
    assert preview.rows["@speed"].tolist() == [5.0, 1.0, 4.0]


BAD_BASE = "Date,NPS,Seat\n2024-01-01,9,4\n2024-01-02,8,{cell}\n2024-01-03,7,2\n2024-01-04,6,3\n"


@pytest.mark.parametrize("cell,options,reason", [
    ("7", {"scales": {"Seat": "1-5"}}, "'Seat': '7' is outside the scale 1-5"),
    ("99", {"scales": {"Seat": "1-5"}, "not_applicable": ["0"]},
     "'99' is outside the scale 1-5; if it means 'not applicable', give it as the question's "
     "N/A code"),
    ("sort of", {"scales": {"Seat": "1-5"}}, "'sort of' is not a number from 1-5"),
])
def test_bad_answers_are_row_problems_and_store_nothing(editor_session, cell, options, reason):
    data = BAD_BASE.format(cell=cell).encode()
    preview = im.prepare_import("responses", data, known_customer_ids=editor_session, **options)
    assert [(p.row, p.field) for p in preview.problems] == [(3, "Seat")]
    assert reason in preview.problems[0].reason
    assert "row 3, column 'Seat'" in preview.report()
    with pytest.raises(ValidationError):
        im.commit_import(editor_session, preview, allow_problems=False)
    assert counts(editor_session) == (0, 0, 0)


def test_bad_label_is_a_row_problem(editor_session):
    data = (b"Date,NPS,Staff\n2024-01-01,9,Agree\n2024-01-02,8,Strongly agree\n"
            b"2024-01-03,7,Disagree\n2024-01-04,6,Agree\n")
    ok = im.prepare_import("responses", data)
    spec = ok.attributes[0]
    assert spec.source == "labels (agreement)"
    # A label outside the detected scale, in a workspace that already has the question.
    im.commit_import(editor_session, im.prepare_import("responses", data,
                                                       known_customer_ids=editor_session))
    bad = data.replace(b"2024-01-04,6,Agree", b"2024-01-05,6,Kind of")
    preview = im.prepare_import("responses", bad, known_customer_ids=editor_session)
    assert [(p.row, p.field) for p in preview.problems] == [(5, "Staff")]
    assert "'Kind of' is not a number from 1-5 or one of its answer labels" in \
        preview.problems[0].reason


def test_na_code_inside_a_declared_scale_is_refused(editor_session):
    data = BAD_BASE.format(cell="0").encode()
    preview = im.prepare_import("responses", data, scales={"Seat": "0-5"},
                                not_applicable=["0"])
    assert preview.valid_rows == 0
    [problem] = preview.file_problems
    assert problem.field == "Seat" and "N/A code 0 is inside the scale 0-5" in problem.reason


def test_column_on_another_scale_is_refused_with_a_hint():
    data = "Date,NPS,Ease\n" + "".join(f"2024-01-0{i},9,{v}\n" for i, v in
                                        enumerate([0, 5, 0, 3, 4, 0, 2], start=1))
    preview = im.prepare_import("responses", data.encode())
    [problem] = preview.file_problems
    assert problem.field == "ease" and preview.valid_rows == 0
    assert "holds 0 to 5, which does not fit Ease (1-7)" in problem.reason
    assert "survey question with its own scale" in problem.reason
    declared = im.prepare_import("responses", b"Date,NPS,Ease\n2024-01-01,9,3\n",
                                 scales={"Ease": "1-5"})
    assert "declared 1-5, but Ease (1-7) is 1-7" in declared.file_problems[0].reason
    # Left as a survey question, it imports on its own scale.
    as_question = im.prepare_import("responses", data.encode(), mapping={"Ease": ""},
                                    scales={"Ease": "0-5"})
    assert as_question.problems == [] and as_question.attributes[0].scale == (0.0, 5.0)


def test_nps_value_outside_its_scale_is_one_row_problem():
    data = b"Date,NPS\n2024-01-01,9\n2024-01-02,11\n2024-01-03,7\n"
    preview = im.prepare_import("responses", data)
    assert [(p.row, p.field) for p in preview.problems] == [(3, "nps")]
    assert "is not a whole number from 0 to 10" in preview.problems[0].reason


def test_stored_category_gets_new_choices_appended(editor_session):
    first = b"Date,NPS,Store\n2024-01-01,9,Paris\n2024-01-02,8,Lyon\n2024-01-03,7,Paris\n" \
            b"2024-01-04,7,Lyon\n"
    im.commit_import(editor_session, im.prepare_import("responses", first,
                                                       known_customer_ids=editor_session))
    second = b"Date,NPS,Store\n2024-02-01,9,Nice\n2024-02-02,8,Lyon\n2024-02-03,7,Nice\n" \
             b"2024-02-04,6,Lyon\n"
    im.commit_import(editor_session, im.prepare_import("responses", second,
                                                       known_customer_ids=editor_session))
    store = attributes.get_attribute(editor_session.db, "store")
    assert store["categories"] == ["Lyon", "Paris", "Nice"]
    assert stored(editor_session, "store") == [1.0, 0.0, 1.0, 0.0, 2.0, 0.0, 2.0, 0.0]


def test_link_to_step_checks_the_role(editor_session, viewer_session):
    data = b"Date,NPS,Seat\n2024-01-01,9,4\n2024-01-02,8,2\n"
    im.commit_import(editor_session, im.prepare_import("responses", data))
    attr = attributes.get_attribute(editor_session.db, "seat")
    with pytest.raises(PermissionDenied):
        attributes.link_to_step(viewer_session, attr["id"], None)
    with pytest.raises(attributes.NotFound):
        attributes.link_to_step(editor_session, attr["id"], 999)


def test_write_columns_is_column_wise(editor_session):
    db = editor_session.db
    with db.atomic():
        a = attributes.define_attribute(db, "x", "X", scale=(1, 5))
        db["responses"].insert_all([{"id": i, "date": "2024-01-01"} for i in (1, 2, 3)])
        attributes.write_columns(db, [1, 2, 3], {a: [1.0, float("nan"), 5.0]}, chunk=2)
    assert [r[0] for r in db.execute(f"select a{a} from response_attributes")] == [1.0, None,
                                                                                    5.0]


def test_parse_scale_and_keys():
    assert ai.parse_scale("1-5") == (1.0, 5.0) and ai.parse_scale("0 .. 10") == (0.0, 10.0)
    with pytest.raises(ValueError):
        ai.parse_scale("5-1")
    taken: set[str] = set()
    assert ai.make_key("Départ/Arrivée à l'heure ?", taken) == "depart_arrivee_a_l_heure"
    assert ai.make_key("Départ/Arrivée à l'heure ?", taken) == "depart_arrivee_a_l_heure_2"


def test_cli_scale_and_not_applicable(tmp_path, accounts, workspace, capsys):
    path = tmp_path / "airline.csv"
    path.write_bytes(AIRLINE)
    base = ["import", "responses", str(path), "--workspace", str(workspace.id)]
    assert main([*base, "--not-applicable", "0"]) == 1
    assert "--date YYYY-MM-DD" in capsys.readouterr().out
    assert main([*base, "--not-applicable", "0", "--date", "2024-12-31",
                 "--scale", "Cleanliness=1-5"]) == 0
    out = capsys.readouterr().out
    assert "'Seat comfort' -> question 'seat_comfort': rating 1-5, N/A: 0" in out
    assert "'Cleanliness' -> question 'cleanliness': rating 1-5, N/A: 0 (declared)" in out
    assert "Stored the answers to 6 survey questions" in out
