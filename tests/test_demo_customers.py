"""Demo customers: sizes, consistency, the promoter-value link the scorecard should show, and the
story the Drivers page should find (red steps score low, receiving scores high, effort and ease
link most closely with NPS, without being copies of it)."""

from __future__ import annotations

import datetime as dt
import random
import time

import pytest

from cxcore import drivers
from cxcore.demo import customers as demo
from cxcore.errors import PermissionDenied

TODAY = dt.date(2026, 11, 20)


def one(session, sql, params=()):
    return session.db.execute(sql, params).fetchone()[0]


def test_demo_data_is_consistent_and_shows_the_link(owner_session):
    db = owner_session.db
    journey = db["journeys"].insert({"name": "Delivery and installation"}).last_pk
    for position, name in enumerate(demo.STEP_EFFECTS, start=1):
        db["journey_steps"].insert({"journey_id": journey, "position": position, "name": name})
    started = time.perf_counter()
    demo.add_demo(owner_session, random.Random(7), TODAY)
    assert time.perf_counter() - started < 3
    assert one(owner_session, "select count(*) from customers") == 600
    assert one(owner_session, "select count(*) from responses") == 1500
    assert one(owner_session, "select count(*) from pulse") == 200
    assert one(owner_session, "select count(*) from revenue_events") > 3000
    assert one(owner_session, "select count(distinct kind) from revenue_events") == 5
    assert one(owner_session, "select min(start_date) from customers") >= "2024-11-20"
    assert one(owner_session, "select max(date) from responses") <= TODAY.isoformat()
    assert one(owner_session, "select count(*) from customers where referred_by is not null") > 20
    assert one(owner_session, "select count(*) from customers where churned = 1 and "
                              "end_date is null") == 0
    assert 0.3 < one(owner_session, "select avg(journey_step_id is not null) from responses") < 0.6
    assert one(owner_session, "select count(*) from responses where nps not between 0 and 10 or "
                              "csat not between 1 and 5 or ces not between 1 and 7") == 0
    # Per customer: average NPS group vs churn and revenue.
    rows = list(db.query(
        "with c as (select c.id, c.churned, avg(r.nps) as nps, "
        " (select sum(amount) from revenue_events e where e.customer_id = c.id and "
        "  e.kind in ('new', 'renewal', 'upsell')) as revenue "
        " from customers c join responses r on r.customer_id = c.id group by c.id) "
        "select case when nps >= 9 then 'promoter' when nps >= 7 then 'passive' "
        " else 'detractor' end as grp, avg(churned) as churn, avg(revenue) as revenue "
        "from c group by grp"))
    by_group = {r["grp"]: r for r in rows}
    assert by_group["promoter"]["churn"] < by_group["detractor"]["churn"]
    assert by_group["promoter"]["revenue"] > by_group["detractor"]["revenue"]


def test_demo_tells_the_drivers_story(owner_session):
    """Seed 7, hand-checked: overall NPS +19; 'Wait for the delivery' -17 (95% -27..-7) and
    'Choose a delivery slot' +4 (-10..16) below it, 'Receive the appliance' +53 (40..64) above;
    r with NPS: effort 0.64, ease 0.64, effectiveness 0.56, emotion 0.49, CSAT 0.43; phone
    orders the lowest channel (+14 vs store +17, web +24) but within the noise."""
    db = owner_session.db
    journey = db["journeys"].insert({"name": "Delivery and installation"}).last_pk
    for position, name in enumerate(demo.STEP_EFFECTS, start=1):
        db["journey_steps"].insert({"journey_id": journey, "position": position, "name": name})
    demo.add_demo(owner_session, random.Random(7), TODAY)
    analysis = drivers.analyse(owner_session, "all")
    assert 15 < analysis["overall"]["nps"] < 25
    steps = {s["step"]: s for s in analysis["steps"]}
    assert steps["Wait for the delivery"]["vs_overall"] == "below"
    assert steps["Wait for the delivery"]["nps"] < -10
    assert steps["Choose a delivery slot"]["vs_overall"] == "below"
    assert steps["Receive the appliance"]["vs_overall"] == "above"
    assert steps["Installation"]["vs_overall"] == "in line"
    # Effort is rated lowest at the wait, highest on receiving.
    assert (steps["Wait for the delivery"]["mean_ces"] < 4.6
            < 6.2 < steps["Receive the appliance"]["mean_ces"])
    ratings = {r["key"]: r["r"] for r in analysis["ratings"]}
    assert all(0.4 < r < 0.7 for r in ratings.values()), ratings
    assert {analysis["ratings"][0]["key"], analysis["ratings"][1]["key"]} == {"ces", "ease"}
    assert ratings["csat"] == min(ratings.values())
    channels = {g["group"]: g for g in analysis["channels"]}
    assert channels["phone"]["nps"] == min(g["nps"] for g in channels.values())
    assert all(g["vs_rest"] == "in line" for g in channels.values())
    # Step comments fit their step: nobody thanks the drivers for the wait.
    wait_id = steps["Wait for the delivery"]["step_id"]
    wait_comments = {r[0] for r in db.execute(
        "select comment from responses where journey_step_id = ? and comment is not null",
        [wait_id])}
    said_elsewhere = {c for name, (bad, good) in demo.STEP_COMMENTS.items()
                      if name != "Wait for the delivery" for c in bad + good}
    assert wait_comments and not wait_comments & said_elsewhere


def test_demo_tolerates_a_workspace_without_the_journey(owner_session, editor_session):
    demo.add_demo(owner_session, random.Random(1), TODAY)
    first = list(owner_session.db.query("select * from responses order by id limit 50"))
    assert all(r["journey_step_id"] is None for r in first)
    assert one(owner_session, "select count(*) from import_batches") == 4


def test_viewer_cannot_load_demo(viewer_session):
    with pytest.raises(PermissionDenied):
        demo.add_demo(viewer_session, random.Random(1), TODAY)
    assert one(viewer_session, "select count(*) from customers") == 0
