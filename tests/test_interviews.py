"""Interview log: validation, writes and permissions, soft delete/undo, search, filters, tags,
themes, quote wall, guides, CSV export and import."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxcore import interviews as iv
from cxcore.errors import NotFound, PermissionDenied, ValidationError

TODAY = date.today()


def record(**over):
    """A valid customer interview, with fields overridden by ``over``."""
    base = {"kind": "customer", "date": "2026-01-15", "interviewee": "Customer A",
            "role_segment": "household", "channel": "phone", "interviewer": "Olivia",
            "notes": "The delivery van came two hours late.",
            "key_quotes": "Nobody told me the van was late.\nThe fitter was lovely.",
            "pain_points": "no delivery updates", "works_well": "friendly fitter",
            "sentiment": "negative", "tags": "Delivery, waiting-time"}
    base.update(over)
    return base


def add_journey(session, name="Delivery and installation", steps=("Order", "Delivery")):
    db = session.db
    journey_id = db["journeys"].insert({"name": name, "created_at": "2026-01-01",
                                        "archived": 0}).last_pk
    step_ids = [db["journey_steps"].insert({"journey_id": journey_id, "position": n,
                                            "name": s}).last_pk
                for n, s in enumerate(steps, 1)]
    return journey_id, step_ids


def snapshot(session):
    db = session.db
    return (list(db.query("select * from interviews order by id")),
            list(db.query("select * from interview_tags order by interview_id, tag")))


# ---- create / validate ---------------------------------------------------------------------------

def test_create_and_get_round_trip(editor_session):
    interview_id = iv.create_interview(editor_session, record())
    got = iv.get_interview(editor_session, interview_id)
    assert got["kind"] == "customer"
    assert got["date"] == "2026-01-15"
    assert got["tags"] == ["delivery", "waiting-time"]
    assert got["created_by"] == "editor" and got["updated_by"] == "editor"
    assert got["created_at"]
    log = list(editor_session.db.query("select * from activity where entity = 'interview'"))
    assert log[-1]["action"] == "create" and log[-1]["username"] == "editor"


def test_long_non_latin_and_markup_text_stored_exactly(editor_session):
    long_notes = ("Ünïcödé ✓ 你好世界 مرحبا " * 5000)[:100_000]
    assert len(long_notes) == 100_000
    markup = "<script>alert(1)</script> **bold** [link](http://x) # heading"
    interview_id = iv.create_interview(editor_session, record(
        notes=long_notes, key_quotes=markup, interviewee="Ærøskøbing <b>Jo</b>",
        pain_points="  leading spaces kept  "))
    got = iv.get_interview(editor_session, interview_id)
    assert got["notes"] == long_notes
    assert got["key_quotes"] == markup
    assert got["interviewee"] == "Ærøskøbing <b>Jo</b>"
    assert got["pain_points"] == "  leading spaces kept  "


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("kind", "supplier", "must be 'customer' or 'employee'"),
    ("kind", "", "must be 'customer' or 'employee'"),
    ("date", "15/01/2026", "is not a date"),
    ("date", "", "is required"),
    ("date", (TODAY + timedelta(days=1)).isoformat(), "is in the future"),
    ("interviewee", "   ", "is required"),
    ("interviewer", "x" * 201, "the limit is 200"),
    ("notes", "x" * 200_001, "the limit is 200,000"),
    ("sentiment", "angry", "must be negative, neutral or positive"),
    ("tags", "x" * 41, "longer than 40"),
    ("tags", ",".join(f"t{n}" for n in range(21)), "the limit is 20"),
    ("journey_id", "abc", "is not a record number"),
])
def test_bad_input_rejected_and_nothing_changes(editor_session, field, value, reason):
    iv.create_interview(editor_session, record())
    before = snapshot(editor_session)
    with pytest.raises(ValidationError) as err:
        iv.create_interview(editor_session, record(**{field: value}))
    assert [p.field for p in err.value.problems] == [field]
    assert reason in err.value.problems[0].reason
    assert snapshot(editor_session) == before


def test_unknown_journey_or_step_rejected(editor_session):
    journey_id, (step_a, _) = add_journey(editor_session)
    other_journey, (other_step,) = add_journey(editor_session, "Returns", ("Ask",))
    with pytest.raises(ValidationError) as err:
        iv.create_interview(editor_session, record(journey_id=999))
    assert err.value.problems[0].field == "journey"
    with pytest.raises(ValidationError) as err:
        iv.create_interview(editor_session, record(journey_step_id=999))
    assert err.value.problems[0].field == "journey_step"
    with pytest.raises(ValidationError) as err:
        iv.create_interview(editor_session, record(journey_id=journey_id,
                                                   journey_step_id=other_step))
    assert "another journey" in err.value.problems[0].reason
    assert editor_session.db["interviews"].count == 0


def test_step_fills_in_its_journey(editor_session):
    journey_id, (_, delivery) = add_journey(editor_session)
    interview_id = iv.create_interview(editor_session, record(journey_step_id=delivery))
    got = iv.get_interview(editor_session, interview_id)
    assert got["journey_id"] == journey_id
    assert got["journey_name"] == "Delivery and installation"
    assert got["journey_step_name"] == "Delivery"


@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
                max_size=8))
def test_normalise_tags_invariants(raw):
    tags = iv.normalise_tags(raw)
    assert tags == sorted(set(tags))
    for tag in tags:
        assert tag and tag == tag.strip() and tag == tag.casefold() and "  " not in tag
    assert iv.normalise_tags(tags) == tags


# ---- permissions --------------------------------------------------------------------------------

def test_viewer_cannot_write(viewer_session, editor_session):
    interview_id = iv.create_interview(editor_session, record())
    before = snapshot(viewer_session)
    calls = [
        lambda: iv.create_interview(viewer_session, record()),
        lambda: iv.update_interview(viewer_session, interview_id, record(kind="employee")),
        lambda: iv.delete_interview(viewer_session, interview_id),
        lambda: iv.restore_interview(viewer_session, interview_id),
        lambda: iv.set_guide(viewer_session, "customer", ["Why?"]),
        lambda: iv.import_csv(viewer_session, iv.export_csv(editor_session)),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert snapshot(viewer_session) == before
    assert iv.list_interviews(viewer_session)[0]["id"] == interview_id


# ---- update / delete / undo ---------------------------------------------------------------------

def test_update_replaces_fields_and_tags(editor_session, owner_session):
    interview_id = iv.create_interview(editor_session, record())
    iv.update_interview(owner_session, interview_id, record(sentiment="positive",
                                                            tags=["Staff"]))
    got = iv.get_interview(owner_session, interview_id)
    assert got["sentiment"] == "positive"
    assert got["tags"] == ["staff"]
    assert got["updated_by"] == "owner" and got["created_by"] == "editor"


def test_update_missing_interview(editor_session):
    with pytest.raises(NotFound):
        iv.update_interview(editor_session, 42, record())


def test_delete_then_undo(editor_session):
    keep = iv.create_interview(editor_session, record(interviewee="Keep"))
    gone = iv.create_interview(editor_session, record(interviewee="Gone"))
    iv.delete_interview(editor_session, gone)
    assert [r["id"] for r in iv.list_interviews(editor_session)] == [keep]
    assert [r["id"] for r in iv.list_interviews(editor_session, deleted=True)] == [gone]
    assert iv.last_deleted(editor_session)["id"] == gone
    with pytest.raises(NotFound):
        iv.get_interview(editor_session, gone)
    assert iv.counts_by_kind(editor_session) == {"customer": 1, "employee": 0}
    iv.restore_interview(editor_session, gone)
    assert {r["id"] for r in iv.list_interviews(editor_session)} == {keep, gone}
    assert iv.last_deleted(editor_session) is None
    assert iv.get_interview(editor_session, gone)["tags"] == ["delivery", "waiting-time"]
    with pytest.raises(NotFound):
        iv.restore_interview(editor_session, gone)


def test_old_deleted_interviews_are_purged(editor_session):
    old = iv.create_interview(editor_session, record())
    recent = iv.create_interview(editor_session, record())
    iv.delete_interview(editor_session, old)
    editor_session.db["interviews"].update(old, {"deleted_at": "2000-01-01T00:00:00+00:00"})
    iv.delete_interview(editor_session, recent)
    ids = [r[0] for r in editor_session.db.execute("select id from interviews")]
    assert ids == [recent]
    assert editor_session.db.execute(
        "select count(*) from interview_tags where interview_id = ?", [old]).fetchone()[0] == 0


# ---- search and filters -------------------------------------------------------------------------

def test_full_text_search(editor_session):
    a = iv.create_interview(editor_session, record(notes="The fridge door was dented.",
                                                   key_quotes="I waited all day"))
    b = iv.create_interview(editor_session, record(notes="Great oven, quick installation.",
                                                   key_quotes="Lovely fitter", pain_points=""))
    c = iv.create_interview(editor_session, record(notes="Prijs was te hoog — 价格太高",
                                                   key_quotes="", pain_points="pricing"))

    def ids(text):
        return {r["id"] for r in iv.list_interviews(editor_session, search=text)}

    assert ids("fridge") == {a}
    assert ids("FRIDGE dented") == {a}
    assert ids("fridge oven") == set()  # every word must match
    assert ids("waited") == {a}  # key quotes
    assert ids("install") == {b}  # prefix
    assert ids("价格太高") == {c}
    assert ids("pricing") == {c}  # pain points
    assert ids('"fri*dge" OR -oven: (') == set()  # FTS syntax is searched literally, no error
    assert ids("   ") == {a, b, c}
    iv.update_interview(editor_session, a, record(notes="changed", key_quotes=""))
    assert ids("fridge") == set()  # triggers keep the index in step
    iv.delete_interview(editor_session, b)
    assert ids("oven") == set()


def test_filters_combine(editor_session):
    journey_id, (step_id, _) = add_journey(editor_session)
    a = iv.create_interview(editor_session, record(date="2025-03-01", tags="delivery",
                                                   sentiment="negative"))
    b = iv.create_interview(editor_session, record(kind="employee", date="2025-06-01",
                                                   tags="staff", sentiment="positive",
                                                   journey_step_id=step_id))
    c = iv.create_interview(editor_session, record(date="2026-01-10", tags="delivery;pricing",
                                                   sentiment="neutral"))

    def ids(**f):
        return [r["id"] for r in iv.list_interviews(editor_session, **f)]

    assert ids() == [c, b, a]  # newest first
    assert ids(kind="employee") == [b]
    assert ids(date_from="2025-04-01") == [c, b]
    assert ids(date_to="2025-06-01") == [b, a]
    assert ids(tag="Delivery") == [c, a]
    assert ids(tag="delivery", date_from="2026-01-01") == [c]
    assert ids(journey_id=journey_id) == [b]
    assert ids(sentiment="positive") == [b]
    assert ids(tag="nothing") == []


# ---- themes and quotes --------------------------------------------------------------------------

def test_tag_frequency_by_month_and_quarter(editor_session):
    iv.create_interview(editor_session, record(date="2025-01-05", tags="delivery, pricing"))
    iv.create_interview(editor_session, record(date="2025-02-20", tags="delivery"))
    iv.create_interview(editor_session, record(date="2025-04-02", tags="staff"))
    gone = iv.create_interview(editor_session, record(date="2025-04-03", tags="delivery"))
    iv.delete_interview(editor_session, gone)
    by_quarter = iv.tag_frequency(editor_session, "quarter")
    assert by_quarter == [
        {"period": "2025-Q1", "tag": "delivery", "interviews": 2},
        {"period": "2025-Q1", "tag": "pricing", "interviews": 1},
        {"period": "2025-Q2", "tag": "staff", "interviews": 1},
    ]
    by_month = iv.tag_frequency(editor_session, "month", top=1)
    assert by_month == [{"period": "2025-01", "tag": "delivery", "interviews": 1},
                        {"period": "2025-02", "tag": "delivery", "interviews": 1}]
    assert iv.all_tags(editor_session)[0] == {"tag": "delivery", "interviews": 2}
    with pytest.raises(ValidationError):
        iv.tag_frequency(editor_session, "week")


def test_theme_chart_spec(editor_session):
    from cxcore import interview_charts

    iv.create_interview(editor_session, record(date="2025-01-05", tags="delivery"))
    chart = interview_charts.tag_frequency_chart(iv.tag_frequency(editor_session))
    spec = chart.to_dict()
    assert spec["encoding"]["x"]["field"] == "period"
    assert spec["encoding"]["y"]["field"] == "interviews"
    assert spec["encoding"]["color"]["field"] == "tag"
    empty = interview_charts.tag_frequency_chart([]).to_dict()
    assert "encoding" in empty


def test_quote_wall_splits_lines_and_filters_by_tag(editor_session):
    iv.create_interview(editor_session, record(date="2025-01-01", tags="delivery",
                                               key_quotes="First quote\n\n  Second quote  "))
    iv.create_interview(editor_session, record(date="2025-02-01", tags="staff",
                                               key_quotes="<b>Staff</b> were kind"))
    wall = iv.quote_wall(editor_session)
    assert [q["quote"] for q in wall] == ["<b>Staff</b> were kind", "First quote",
                                         "Second quote"]
    assert [q["quote"] for q in iv.quote_wall(editor_session, tag="delivery")] == [
        "First quote", "Second quote"]


# ---- guides -------------------------------------------------------------------------------------

def test_guides_default_edit_and_reset(editor_session, viewer_session):
    assert iv.guide(viewer_session, "customer") == iv.DEFAULT_GUIDES["customer"]
    saved = iv.set_guide(editor_session, "employee", "What slows you down?\n\n  Who helps?  ")
    assert saved == ["What slows you down?", "Who helps?"]
    assert iv.guide(viewer_session, "employee") == saved
    assert iv.guide(viewer_session, "customer") == iv.DEFAULT_GUIDES["customer"]
    assert iv.set_guide(editor_session, "employee", []) == iv.DEFAULT_GUIDES["employee"]
    with pytest.raises(ValidationError):
        iv.guide(viewer_session, "supplier")
    with pytest.raises(ValidationError):
        iv.set_guide(editor_session, "customer", ["x" * 1001])


# ---- CSV ----------------------------------------------------------------------------------------

def test_export_then_import_round_trip(editor_session, owner_session):
    journey_id, (_, delivery) = add_journey(editor_session)
    iv.create_interview(editor_session, record(
        journey_step_id=delivery, notes='Line one\nLine "two", with comma\n你好',
        key_quotes="=1+1 stays text"))
    iv.create_interview(editor_session, record(kind="employee", tags="", sentiment=""))
    text = iv.export_csv(editor_session)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == iv.CSV_COLUMNS
    assert rows[1]["journey"] == "Delivery and installation"
    assert rows[1]["journey_step"] == "Delivery"
    assert rows[1]["tags"] == "delivery; waiting-time"
    originals = iv.list_interviews(editor_session)
    assert iv.import_csv(owner_session, text.encode("utf-8")) == 0  # all already in the log
    for item in originals:
        iv.delete_interview(editor_session, item["id"])
    added = iv.import_csv(owner_session, text.encode("utf-8"))
    assert added == 2
    copies = iv.list_interviews(editor_session)
    assert {r["created_by"] for r in copies} == {"owner"}
    keys = ("kind", "date", "interviewee", "notes", "key_quotes", "journey_step_id", "tags",
            "sentiment")
    assert sorted([tuple(str(r[k]) for k in keys) for r in copies]) == sorted(
        [tuple(str(r[k]) for k in keys) for r in originals])


def csv_text(rows, header=iv.CSV_COLUMNS):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def row(**over):
    base = dict.fromkeys(iv.CSV_COLUMNS, "")
    base.update({"kind": "customer", "date": "2025-05-05", "interviewee": "Anon 1"})
    base.update(over)
    return [base[c] for c in iv.CSV_COLUMNS]


@pytest.mark.parametrize(("bad", "field"), [
    ({"kind": "vendor"}, "kind"),
    ({"date": "yesterday"}, "date"),
    ({"interviewee": ""}, "interviewee"),
    ({"sentiment": "meh"}, "sentiment"),
    ({"journey": "Nope"}, "journey"),
    ({"journey": "Delivery and installation", "journey_step": "Nope"}, "journey_step"),
    ({"journey_step": "Order"}, "journey_step"),
    ({"tags": "y" * 41}, "tags"),
])
def test_import_reports_row_and_field_and_stores_nothing(editor_session, bad, field):
    add_journey(editor_session)
    iv.create_interview(editor_session, record())
    before = snapshot(editor_session)
    text = csv_text([row(), row(), row(**bad)])
    preview = iv.preview_import(editor_session, text)
    assert not preview.ok
    assert [(p.row, p.field) for p in preview.problems] == [(4, field)]  # header is row 1
    with pytest.raises(ValidationError) as err:
        iv.import_csv(editor_session, text)
    assert err.value.problems[0].row == 4
    assert snapshot(editor_session) == before


def test_import_header_problems(editor_session):
    preview = iv.preview_import(editor_session, "kind,when,who\ncustomer,2025-01-01,A\n")
    assert [p.field for p in preview.problems] == ["header", "header"]
    assert "date" in preview.problems[0].reason and "when" in preview.problems[1].reason
    assert iv.preview_import(editor_session, csv_text([])).problems[0].field == "file"
    extra = iv.preview_import(editor_session, csv_text([[*row(), "surplus"]]))
    assert (extra.problems[0].row, extra.problems[0].field) == (2, "row")


def test_import_decodes_latin1_and_bom_and_matches_names_case_insensitively(editor_session):
    journey_id, (order, _) = add_journey(editor_session)
    text = csv_text([row(interviewee="Zoë Müller", journey="delivery AND installation",
                         journey_step="ORDER", kind="Employee", sentiment="Positive")])
    assert iv.import_csv(editor_session, ("\ufeff" + text).encode("utf-8")) == 1
    other = csv_text([row(interviewee="Zoë Müller", journey="delivery AND installation",
                          journey_step="ORDER", kind="Employee", sentiment="Positive",
                          notes="Sécurité d'abord")])
    assert iv.import_csv(editor_session, other.encode("latin-1")) == 1
    got = iv.list_interviews(editor_session)
    assert {r["interviewee"] for r in got} == {"Zoë Müller"}
    assert {r["notes"] for r in got} == {None, "Sécurité d'abord"}
    assert {(r["kind"], r["sentiment"], r["journey_step_id"]) for r in got} == {
        ("employee", "positive", order)}


def test_import_skips_blank_lines(editor_session):
    text = csv_text([row(), ["" for _ in iv.CSV_COLUMNS], row(interviewee="B")])
    preview = iv.preview_import(editor_session, text)
    assert preview.ok and len(preview.rows) == 2


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(notes=st.text(max_size=300), tags=st.lists(
    st.text(alphabet="abcxyz -_é", min_size=1, max_size=10), max_size=4))
def test_csv_round_trip_keeps_text_exactly(editor_session, notes, tags):
    editor_session.db.execute("delete from interview_tags")
    editor_session.db.execute("delete from interviews")
    data = record(notes=notes, tags=tags)
    clean, problems = iv.validate(data)
    if problems:
        return
    iv.create_interview(editor_session, data)
    exported = iv.export_csv(editor_session)
    assert iv.preview_import(editor_session, exported).duplicates == 1
    editor_session.db.execute("delete from interview_tags")
    editor_session.db.execute("delete from interviews")
    preview = iv.preview_import(editor_session, exported)
    assert preview.ok
    assert preview.rows[0]["notes"] == clean["notes"]
    assert preview.rows[0]["tags"] == clean["tags"]


def test_sentiment_counts_and_chart(editor_session):
    from cxcore import interview_charts

    iv.create_interview(editor_session, record(sentiment="negative"))
    iv.create_interview(editor_session, record(sentiment="negative"))
    iv.create_interview(editor_session, record(kind="employee", sentiment="positive"))
    iv.create_interview(editor_session, record(sentiment=""))
    rows = iv.sentiment_counts(editor_session)
    assert rows == [{"kind": "customer", "sentiment": "negative", "interviews": 2},
                    {"kind": "employee", "sentiment": "positive", "interviews": 1}]
    spec = interview_charts.sentiment_chart(rows).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["negative", "neutral", "positive"]


def test_demo_interviews_and_checklist(owner_session):
    import random

    from cxcore import checklist
    from cxcore.demo import interviews as demo
    from cxcore.demo import journeys as demo_journeys

    today = date(2026, 11, 20)
    demo_journeys.add_demo(owner_session, random.Random(1), today)
    demo.add_demo(owner_session, random.Random(2), today)
    counts = iv.counts_by_kind(owner_session)
    assert counts["customer"] + counts["employee"] == len(demo.INTERVIEWS)
    assert counts["employee"] >= 5
    rows = iv.list_interviews(owner_session)
    dates = sorted(r["date"] for r in rows)
    assert dates[0] >= (today - timedelta(days=730)).isoformat()
    assert dates[-1] < today.isoformat()
    assert sum(1 for r in rows if r["journey_step_id"]) >= 10
    assert {"delivery", "installation", "pricing", "staff", "website", "waiting-time"} <= {
        t["tag"] for t in iv.all_tags(owner_session)}
    view = checklist.overview(owner_session)
    statuses = [s["status"] for s in view["steps"]]
    assert statuses[:3] == ["done", "done", "done"]
    assert view["steps"][2]["overridden"]
    assert 0.5 < view["total_progress"] < 1.0
    assert view["purpose_statement"]


def test_demo_tolerates_missing_journey(owner_session):
    import random

    from cxcore.demo import interviews as demo

    demo.add_demo(owner_session, random.Random(2), date(2026, 11, 20))
    assert all(r["journey_id"] is None for r in iv.list_interviews(owner_session))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=40))
def test_any_search_text_is_safe(editor_session, text):
    if not editor_session.db["interviews"].count:
        iv.create_interview(editor_session, record())
    found = iv.list_interviews(editor_session, search=text)
    assert len(found) <= 1


def test_failure_mid_import_rolls_everything_back(editor_session, monkeypatch):
    iv.create_interview(editor_session, record())
    before = snapshot(editor_session)

    def broken_log(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(editor_session, "log", broken_log)
    with pytest.raises(RuntimeError):
        iv.import_csv(editor_session, csv_text([row(), row(tags="a;b")]))
    assert snapshot(editor_session) == before
    with pytest.raises(RuntimeError):
        iv.create_interview(editor_session, record())
    assert snapshot(editor_session) == before


def test_export_neutralises_formulas_and_import_restores_them(editor_session):
    iv.create_interview(editor_session, record(interviewee="=HYPERLINK(\"x\")",
                                               notes="- first point\n+ second"))
    exported = iv.export_csv(editor_session)
    assert "'=HYPERLINK" in exported and "'- first point" in exported
    editor_session.db.execute("delete from interview_tags")
    editor_session.db.execute("delete from interviews")
    assert iv.import_csv(editor_session, exported) == 1
    got = iv.list_interviews(editor_session)[0]
    assert (got["interviewee"], got["notes"]) == ('=HYPERLINK("x")', "- first point\n+ second")


def test_importing_the_same_file_twice_adds_nothing(editor_session):
    text = csv_text([row(), row(interviewee="B")])
    assert iv.import_csv(editor_session, text) == 2
    assert iv.preview_import(editor_session, text).duplicates == 2
    assert iv.import_csv(editor_session, text) == 0
    assert len(iv.list_interviews(editor_session)) == 2
