"""One customer's timeline, the owner's export of it, and erasure leaving no trace of their
text in any table (search index shadow tables included) while the numbers stay."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cxcore import comments as cm
from cxcore import customer_view as cv
from cxcore import followups as fu
from cxcore import interviews as iv
from cxcore import privacy
from cxcore import tags as tg
from cxcore.errors import NotFound, PermissionDenied, ValidationError

SECRET_COMMENT = "Zéphyrine déteste le quincaillier Bartholomew"
SECRET_NOTES = "Mentioned her neighbour Quentinovich and the Xylophonist club"


@pytest.fixture
def story(editor_session):
    """Customer c1 (Zoé Martin) with answers, revenue, an interview, a follow-up and a
    referral; c2 another customer whose data must survive c1's erasure."""
    db = editor_session.db
    with db.atomic():
        db["customers"].insert_all([
            {"id": "c1", "name": "Zoé Martin", "segment": "retail", "channel": "store",
             "start_date": "2025-01-01", "monthly_revenue": 30.0, "churned": 0},
            {"id": "c2", "name": "Paul Durand", "segment": "pro", "channel": "web",
             "start_date": "2025-06-01", "referred_by": "c1", "churned": 0},
        ])
        db["responses"].insert_all([
            {"customer_id": "c1", "date": "2025-03-01", "nps": 9, "segment": "retail",
             "channel": "store", "comment": "Très bon conseil", "row_hash": "a"},
            {"customer_id": "c1", "date": "2025-09-01", "nps": 3, "segment": "pro",
             "channel": "store", "comment": SECRET_COMMENT, "row_hash": "b"},
            {"customer_id": "c2", "date": "2025-09-02", "nps": 4, "comment": "Livraison lente",
             "row_hash": "c"},
        ])
        db["revenue_events"].insert_all([
            {"customer_id": "c1", "date": "2025-01-01", "amount": 100.0, "kind": "new"},
            {"customer_id": "c1", "date": "2025-07-01", "amount": 50.0, "kind": "upsell"},
        ])
    interview = iv.create_interview(editor_session, {
        "kind": "customer", "date": "2025-10-01", "interviewee": "Zoé Martin",
        "customer_id": "c1", "notes": SECRET_NOTES, "key_quotes": "Quentinovich said hi",
        "sentiment": "negative", "tags": ["staff"]})
    secret_id = db.execute("select id from responses where row_hash = 'b'").fetchone()[0]
    cm.tag_comments(editor_session, [secret_id], "grudge")
    fu.update_follow_up(editor_session, secret_id, owner="ann", status="contacted",
                        note="Zoé Martin called back about Bartholomew")
    return {"interview": interview, "secret_response": secret_id}


def test_timeline_gathers_everything(editor_session, story):
    view = cv.customer_timeline(editor_session, "c1")
    assert view["customer"]["name"] == "Zoé Martin"
    assert [r["group"] for r in view["responses"]] == ["promoter", "detractor"]
    assert view["responses"][1]["tags"] == ["grudge"]
    assert [e["amount"] for e in view["revenue"]] == [100.0, 50.0]
    assert [i["id"] for i in view["interviews"]] == [story["interview"]]
    assert [(f["status"], f["owner"]) for f in view["follow_ups"]] == [("contacted", "ann")]
    assert view["referred"][0]["id"] == "c2" and view["referred_by"] is None
    assert view["changes"] == [
        {"date": "2025-09-01", "field": "segment", "from": "retail", "to": "pro"},
        {"date": None, "field": "segment", "from": "pro", "to": "retail",
         "note": "customer record now"}]
    assert view["nps_over_time"] == [{"date": "2025-03-01", "nps": 9, "group": "promoter"},
                                     {"date": "2025-09-01", "nps": 3, "group": "detractor"}]
    assert view["value"]["revenue_total"] == 150.0 and view["value"]["revenue_events"] == 2
    kinds = [e["kind"] for e in view["timeline"]]
    assert kinds[0] == "follow-up" and "referral made" in kinds and "revenue" in kinds
    assert kinds[-1] == "became a customer"
    dates = [e["date"] for e in view["timeline"]]
    assert dates == sorted(dates, reverse=True)
    assert cv.customer_timeline(editor_session, "c2")["referred_by"] == {"id": "c1",
                                                                         "name": "Zoé Martin"}
    with pytest.raises(NotFound):
        cv.customer_timeline(editor_session, "nobody")


def test_find_customers(editor_session, story):
    assert [c["id"] for c in cv.find_customers(editor_session, "c")] == ["c1", "c2"]
    assert [c["id"] for c in cv.find_customers(editor_session, "durand")] == ["c2"]
    assert cv.find_customers(editor_session, "%") == []
    assert len(cv.find_customers(editor_session, "")) == 2


def test_interview_customer_link_is_checked(editor_session, story):
    with pytest.raises(ValidationError, match="no customer with id 'c9'"):
        iv.create_interview(editor_session, {"kind": "customer", "date": "2025-10-01",
                                              "interviewee": "X", "customer_id": "c9"})


def test_owner_export_json_and_csv(owner_session, editor_session, story):
    with pytest.raises(PermissionDenied):
        privacy.export_customer(editor_session, "c1")
    data = privacy.export_customer(owner_session, "c1")
    parsed = json.loads(privacy.export_json(data))
    assert parsed["customer"]["name"] == "Zoé Martin"
    assert {r["comment"] for r in parsed["responses"]} == {"Très bon conseil", SECRET_COMMENT}
    assert parsed["interviews"][0]["notes"] == SECRET_NOTES
    assert parsed["follow_ups"][0]["note"].startswith("Zoé Martin called")
    rows = list(csv.DictReader(io.StringIO(privacy.export_csv(data))))
    assert {"section": "customer", "record": "1", "field": "name", "value": "Zoé Martin"} in rows
    assert {"section": "revenue", "record": "2", "field": "amount", "value": "50.0"} in rows
    assert "Paul" not in privacy.export_csv(data)  # another customer's name is not theirs


def all_text(db) -> tuple[str, bytes]:
    """Every value of every table (FTS shadow tables included) as text, and blobs as bytes."""
    texts, blobs = [], []
    for (name,) in db.execute("select name from sqlite_master where type = 'table'"):
        if db.execute("select sql from sqlite_master where name = ?", [name]).fetchone()[0] \
                .upper().startswith("CREATE VIRTUAL"):
            continue  # the virtual tables' contents are their shadow tables, scanned here
        for row in db.execute(f"select * from [{name}]"):
            for value in row:
                if isinstance(value, bytes):
                    blobs.append(value)
                elif value is not None:
                    texts.append(str(value))
    return "\n".join(texts), b"".join(blobs)


def test_erasure_leaves_no_trace_and_keeps_the_numbers(owner_session, editor_session, story,
                                                       data_dir):
    session = owner_session
    nps_before = session.db.execute("select sum(nps), count(*) from responses").fetchone()
    revenue_before = session.db.execute("select sum(amount) from revenue_events").fetchone()
    with pytest.raises(PermissionDenied):
        privacy.erase_customer(editor_session, "c1", "c1")
    with pytest.raises(ValidationError, match="confirm"):
        privacy.erase_customer(session, "c1", "c2")
    done = privacy.erase_customer(session, "c1", "c1")
    anon = done["anonymous_id"]
    assert (done["responses"], done["comments"], done["interviews"], done["follow_ups"]) == (
        2, 2, 1, 1)

    text, blobs = all_text(session.db)
    # The anonymous id is random hex: it may contain "c1" by chance, and is no trace.
    text = text.replace(anon, "")
    secrets = ["Zoé Martin", "Zéphyrine", "quincaillier", "Bartholomew", "Quentinovich",
               "Xylophonist", "Très bon conseil", "c1"]
    for secret in secrets:
        assert secret not in text, secret
        for word in tg.words(secret):
            if len(word) > 3:
                assert word.encode() not in blobs, word  # FTS5 stores folded words
    assert session.db.execute("select count(*) from response_tags").fetchone()[0] == 0
    # FTS queries and vocabularies agree: nothing left to find.
    assert cm.list_comments(session, search="quincaillier")["total"] == 0
    assert iv.list_interviews(session, search="Quentinovich") == []
    session.db.execute("create virtual table temp.v using fts5vocab(main, responses_fts, row)")
    assert session.db.execute("select count(*) from v where term like 'zephyr%'").fetchone()[0] \
        == 0

    # The numbers aggregates need are all still there.
    assert session.db.execute("select sum(nps), count(*) from responses").fetchone() == \
        nps_before
    assert session.db.execute("select sum(amount) from revenue_events").fetchone() == \
        revenue_before
    kept = cv.customer_timeline(session, anon)
    assert kept["customer"]["name"] is None and kept["customer"]["segment"] == "retail"
    assert [r["nps"] for r in kept["responses"]] == [9, 3]
    assert [(f["status"], f["note"]) for f in kept["follow_ups"]] == [("contacted", None)]
    assert fu.inbox(session, status="all")["total"] == 1  # c2's; the erased one is left out
    assert fu.follow_up_stats(session)["flagged"] == 2
    assert kept["interviews"][0]["interviewee"] == privacy.ERASED_LABEL
    assert kept["interviews"][0]["notes"] is None
    assert cv.customer_timeline(session, "c2")["referred_by"]["id"] == anon
    assert cm.list_comments(session, search="livraison")["total"] == 1  # c2 untouched
    log = session.db.execute("select entity_id, detail from activity where action = 'erase'"
                             ).fetchone()
    assert log[0] == anon
    with pytest.raises(NotFound):
        cv.customer_timeline(session, "c1")
    assert session.db.execute("insert into responses_fts(responses_fts) values "
                              "('integrity-check')")

    # Not in the file's bytes either (freed pages are zeroed, the log checkpointed).
    session.db.conn.execute("pragma wal_checkpoint(truncate)")
    raw = session.info.path.read_bytes()
    for secret in ("Zéphyrine", "Quentinovich", "Bartholomew"):
        assert secret.encode() not in raw, secret


def test_emails_are_masked():
    assert privacy.mask_emails("write to ann.lee+cx@example.co.uk now") == \
        "write to [e-mail hidden] now"
    assert privacy.mask_emails(None) is None
