"""Meetings and "since the last meeting": hand-made data with hand-computed expectations."""

from __future__ import annotations

from datetime import date

import pytest

from cxcore import interviews as iv
from cxcore import journeys as jr
from cxcore import meetings
from cxcore.errors import NotFound, PermissionDenied, ValidationError

TODAY = date(2026, 6, 30)


def test_add_list_delete(editor_session, viewer_session):
    first = meetings.add_meeting(editor_session, "2026-03-31", "Q1 review", "Ann, Bob")
    second = meetings.add_meeting(editor_session, date(2026, 6, 30), "Q2 review")
    rows = meetings.list_meetings(viewer_session)
    assert [r["id"] for r in rows] == [second, first]
    assert rows[1]["attendees"] == "Ann, Bob" and rows[1]["created_by"] == "editor"
    meetings.delete_meeting(editor_session, first)
    assert [r["id"] for r in meetings.list_meetings(viewer_session)] == [second]
    with pytest.raises(NotFound):
        meetings.delete_meeting(editor_session, first)


def test_bad_meeting_is_refused_with_every_reason(editor_session):
    with pytest.raises(ValidationError) as err:
        meetings.add_meeting(editor_session, "31/03/2026", " ", "x" * 1001)
    assert {p.field for p in err.value.problems} == {"date", "title", "attendees"}
    assert meetings.list_meetings(editor_session) == []


def test_viewer_cannot_save_or_delete(editor_session, viewer_session):
    meeting = meetings.add_meeting(editor_session, "2026-03-31", "Q1 review")
    with pytest.raises(PermissionDenied):
        meetings.add_meeting(viewer_session, "2026-04-01", "x")
    with pytest.raises(PermissionDenied):
        meetings.delete_meeting(viewer_session, meeting)


def test_no_earlier_meeting_means_no_summary(editor_session):
    assert meetings.since_last_meeting(editor_session, today=TODAY) is None
    meetings.add_meeting(editor_session, TODAY, "Today's review")
    assert meetings.since_last_meeting(editor_session, today=TODAY) is None  # not before today


def _journey(session):
    journey = jr.create_journey(session, "Onboarding")
    step = jr.add_step(session, journey, "Sign up")
    actor = jr.add_actor(session, journey, "Sales", "frontstage")
    return journey, step, actor


def test_summary_counts_actions_health_interviews(editor_session):
    session = editor_session
    journey, step, actor = _journey(session)
    meetings.add_meeting(session, "2026-06-01", "May review", "Ann")
    # health: red before the meeting, green after -> 1 part better
    jr.set_health(session, step, actor, "red", at="2026-05-20T10:00:00+00:00")
    part = jr.list_parts(session, journey)[0]["id"]
    old = jr.add_action(session, part, "Old action", due_date="2026-06-15")
    new = jr.add_action(session, part, "New action", due_date="2026-07-15")
    done = jr.add_action(session, part, "Closed one")
    jr.set_health(session, step, actor, "green", at="2026-06-10T10:00:00+00:00")
    session.db.execute("update actions set created_at = '2026-05-01T00:00:00+00:00' "
                       "where id = ?", [old])
    jr.close_action(session, done)
    for when, kind, tags in (("2026-05-15", "customer", "price"),
                             ("2026-06-05", "customer", "delivery, price"),
                             ("2026-06-20", "employee", "delivery")):
        iv.create_interview(session, {"kind": kind, "date": when, "interviewee": "X",
                                      "tags": tags})
    result = meetings.since_last_meeting(session, today=TODAY)
    assert result["meeting"]["title"] == "May review" and result["since"] == "2026-06-01"
    assert result["actions"] == {"opened": 2, "closed": 1, "overdue": 1}  # new + closed one
    assert result["interviews"]["count"] == 2
    assert (result["interviews"]["customer"], result["interviews"]["employee"]) == (1, 1)
    assert result["interviews"]["themes"] == [{"tag": "delivery", "interviews": 2},
                                              {"tag": "price", "interviews": 1}]
    assert result["journeys"] == [{
        "journey_id": journey, "name": "Onboarding", "changes": 1, "better": 1, "worse": 0,
        "parts": [{"step": "Sign up", "actor": "Sales", "before": "red", "after": "green",
                   "direction": "better"}]}]
    assert result["scores"] == []  # no survey answers
    assert "Actions: 2 opened, 1 closed, 1 overdue now." in result["lines"]
    assert "Onboarding: 1 health change; 1 part better, 0 worse." in result["lines"]
    assert any("no scores to compare" in line for line in result["lines"])
    assert new


def test_scores_use_the_scorecard_comparison(editor_session):
    """30 days since (2026-06-01..2026-06-30) vs the 30 days before (2026-05-02..2026-05-31).
    Since: 20 answers 10 and 20 answers 0 -> NPS 0; before: 40 answers 10 -> NPS 100 (both
    at least the 30 answers a change needs before it is tested)."""
    db = editor_session.db
    rows = ([{"date": "2026-06-10", "nps": 10}] * 20 + [{"date": "2026-06-11", "nps": 0}] * 20
            + [{"date": "2026-05-10", "nps": 10}] * 40)
    db["responses"].insert_all({**r, "row_hash": f"h{i}"} for i, r in enumerate(rows))
    meetings.add_meeting(editor_session, "2026-06-01", "May review")
    result = meetings.since_last_meeting(editor_session, today=TODAY)
    nps = result["scores"][0]
    assert (nps["key"], nps["value"], nps["previous"], nps["change"]) == (
        "nps", "0", "+100", "-100.0 pts")
    assert nps["n"] == 40
    assert nps["meaningful"] is True
    assert result["lines"][0].startswith("NPS 0 in the 30 days since, against +100")
