"""Follow-ups: detractors flagged by default, state changes, permissions, inbox, rates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cxcore import followups as fu
from cxcore import journeys
from cxcore.errors import NotFound, PermissionDenied, ValidationError


def responses(session, rows) -> list[int]:
    with session.db.atomic():
        return [session.db["responses"].insert(
            {"date": d, "nps": n, "comment": c, "row_hash": f"f{i}"}).last_pk
            for i, (d, n, c) in enumerate(rows)]


@pytest.fixture
def ids(editor_session):
    return responses(editor_session, [
        ("2026-01-10", 2, "Trop cher"),      # detractor
        ("2026-01-20", 6, None),             # detractor without a comment
        ("2026-02-05", 8, "Correct"),        # passive
        ("2026-04-01", 10, "Super"),         # promoter
    ])


def test_detractors_are_flagged_by_default(editor_session, ids):
    first = fu.get_follow_up(editor_session, ids[0])
    assert (first["status"], first["by_default"], first["flagged"]) == ("new", True, True)
    assert fu.get_follow_up(editor_session, ids[2])["flagged"] is False
    box = fu.inbox(editor_session)
    assert box["total"] == 2
    assert [f["response_id"] for f in box["follow_ups"]] == [ids[1], ids[0]]  # newest first
    with pytest.raises(NotFound):
        fu.get_follow_up(editor_session, 999)


def test_state_changes_and_time_to_close(editor_session, ids):
    due = (date.today() + timedelta(days=3)).isoformat()
    got = fu.update_follow_up(editor_session, ids[0], owner="  Ann  ", status="contacted",
                              note="Called, will send a voucher", due_date=due)
    assert (got["owner"], got["status"], got["due_date"], got["by_default"]) == (
        "Ann", "contacted", due, False)
    assert got["closed_at"] is None
    got = fu.update_follow_up(editor_session, ids[0], status="resolved")
    assert got["closed_at"] is not None and got["note"] == "Called, will send a voucher"
    got = fu.update_follow_up(editor_session, ids[0], status="contacted")  # reopened
    assert got["closed_at"] is None
    fu.update_follow_up(editor_session, ids[0], status="resolved")
    # A passive can be followed up too; then it counts as flagged.
    fu.update_follow_up(editor_session, ids[2], status="new", owner="Bob")
    assert fu.inbox(editor_session, owner="Bob")["total"] == 1
    assert fu.inbox(editor_session, owner="-")["total"] == 1  # the untouched detractor
    assert fu.inbox(editor_session, status="resolved")["total"] == 1
    assert fu.inbox(editor_session, status="all")["total"] == 3
    stats = fu.follow_up_stats(editor_session)
    assert (stats["flagged"], stats["followed"], stats["resolved"], stats["open"]) == (3, 1, 1, 2)
    assert stats["rate_pct"] == pytest.approx(100 / 3)
    closed = date.fromisoformat(fu.get_follow_up(editor_session, ids[0])["closed_at"][:10])
    assert stats["median_days_to_close"] == (closed - date(2026, 1, 10)).days
    q1 = fu.follow_up_stats(editor_session, "2026-Q1")
    assert q1["flagged"] == 3
    empty = fu.follow_up_stats(editor_session, "2025")
    assert empty["flagged"] == 0 and empty["rate_pct"] is None
    assert empty["median_days_to_close"] is None
    log = editor_session.db.execute(
        "select detail from activity where entity = 'follow_up' order by id").fetchall()
    assert '"note": "changed"' in log[0][0] and "voucher" not in log[0][0]


def test_overdue(editor_session, ids):
    fu.update_follow_up(editor_session, ids[1], due_date="2020-01-01")
    box = fu.inbox(editor_session, overdue=True)
    assert [f["response_id"] for f in box["follow_ups"]] == [ids[1]]
    assert box["follow_ups"][0]["overdue"] is True
    assert fu.follow_up_stats(editor_session)["overdue"] == 1


def test_bad_input_names_the_field_and_stores_nothing(editor_session, ids):
    for kwargs, field in (({"status": "done"}, "status"), ({"due_date": "31/12"}, "due_date"),
                          ({"note": "x" * 5001}, "note"), ({"owner": "y" * 101}, "owner"),
                          ({"action_id": 42}, "action_id"), ({"action_id": "abc"}, "action_id")):
        with pytest.raises(ValidationError) as err:
            fu.update_follow_up(editor_session, ids[0], **kwargs)
        assert err.value.problems[0].field == field
    assert editor_session.db.execute("select count(*) from follow_ups").fetchone()[0] == 0
    with pytest.raises(ValidationError, match="status"):
        fu.inbox(editor_session, status="closed")


def test_permissions_are_checked_in_the_core(viewer_session, editor_session, ids):
    with pytest.raises(PermissionDenied):
        fu.update_follow_up(viewer_session, ids[0], status="contacted")
    assert fu.inbox(viewer_session)["total"] == 2  # viewers may read
    assert editor_session.db.execute("select count(*) from follow_ups").fetchone()[0] == 0


def test_link_to_a_journey_action(editor_session, ids):
    journey = journeys.create_journey(editor_session, "Buying")
    action = editor_session.db["actions"].insert(
        {"journey_id": journey, "what": "Open a second till", "status": "open"}).last_pk
    got = fu.update_follow_up(editor_session, ids[0], action_id=action)
    assert got["action_id"] == action and got["action_what"] == "Open a second till"
    assert fu.action_choices(editor_session)[0]["id"] == action
    assert fu.update_follow_up(editor_session, ids[0], action_id=None)["action_id"] is None


def test_undoing_the_response_removes_its_follow_up(editor_session, ids):
    fu.update_follow_up(editor_session, ids[0], status="contacted")
    editor_session.db.execute("delete from responses where id = ?", [ids[0]])
    assert editor_session.db.execute("select count(*) from follow_ups").fetchone()[0] == 0
