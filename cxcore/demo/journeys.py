"""Demo journey: delivery and installation at a small appliance shop, with health history.

The map is built from the delivery-and-installation template, then rated the way a shop team
would after a few weeks of listening: scheduling and the old-unit rules are hurting, the drivers
are liked, text updates got better after an action. About four months of weekly history lead to
today's ratings, and a few actions are open (one overdue).
"""

from __future__ import annotations

import datetime as dt
import random

from cxcore import journeys as jr
from cxcore.workspace import WorkspaceSession

WEEKS = 16

# (step index, actor name) -> [(weeks after the start, health, note)], oldest first; the last
# entry is today's rating. Parts not listed stay unrated.
PATHS: dict[tuple[int, str], list[tuple[int, str, str]]] = {
    (0, "Shop staff"): [
        (0, "yellow", "Staff promise any day the customer asks for, without checking."),
        (6, "green", "After the briefing, staff read out the real free slots and explain them."),
    ],
    (0, "Scheduling system"): [
        (0, "red", "It offers slots the delivery partner cannot cover; about one order in five "
                   "is rebooked."),
        (12, "red", "Still red: the partner's capacity is not fed into the slot list."),
    ],
    (1, "Text message updates"): [
        (0, "red", "Customers get a whole-day window and nothing else."),
        (9, "yellow", "A morning-of text now gives a four-hour window; people want two."),
    ],
    (1, "Scheduling system"): [
        (0, "yellow", "Rebooking a slot means phoning the shop."),
    ],
    (1, "Delivery partner dispatch"): [
        (0, "yellow", "Routes are planned the night before, so the shop cannot give a time."),
        (5, "red", "Peak season: routes change on the day and nobody tells the shop."),
    ],
    (2, "Delivery driver"): [
        (0, "green", "Drivers are polite, careful with floors, and take the packaging away."),
    ],
    (2, "Text message updates"): [
        (2, "yellow", "The 'on the way' text arrives after the van does."),
        (11, "green", "The driver now triggers the text thirty minutes out."),
    ],
    (2, "Delivery partner dispatch"): [
        (0, "yellow", "Two-person lifts are not always booked for tall fridges."),
    ],
    (2, "Warehouse"): [
        (0, "green", "Orders are picked correctly and on time."),
        (7, "yellow", "Wrong colour picked twice this month after the new racking."),
    ],
    (3, "Installer"): [
        (0, "red", "The installer often lacks the right fitting kit, so a second visit is "
                   "needed."),
        (13, "yellow", "Kits are packed for dishwashers now; washing machines still miss "
                       "hoses."),
    ],
    (4, "Delivery driver"): [
        (0, "green", "Drivers carry old units out without fuss when it is booked."),
    ],
    (4, "Recycling rules"): [
        (3, "red", "Drivers may only take an old unit if it was booked, but customers were "
                   "told it is always included."),
    ],
}

VIEWS = {
    "Shop staff": ("customer", "Tom (store manager)"),
    "Scheduling system": ("customer and shop staff", "Priya (operations)"),
    "Text message updates": ("customer", "Priya (operations)"),
    "Delivery partner dispatch": ("shop staff", "Tom (store manager)"),
    "Delivery driver": ("customer", "Tom (store manager)"),
    "Warehouse": ("delivery driver", "Lena (warehouse)"),
    "Installer": ("customer", "Sam (installer lead)"),
    "Recycling rules": ("customer and driver", "Priya (operations)"),
}


def _at(day: dt.date, rng: random.Random) -> str:
    return f"{day.isoformat()}T{rng.randint(8, 17):02d}:{rng.choice((0, 15, 30, 45)):02d}:00+00:00"


def add_demo(session: WorkspaceSession, rng: random.Random, today: dt.date) -> None:
    """Add the demo journey with its ratings, weekly history, evidence and actions."""
    jid = jr.create_from_template(session, "delivery_installation")
    jr.update_journey(
        session, jid,
        persona_name="Busy household replacing a broken appliance",
        persona_description="Usually a working parent whose fridge, washer or oven has just "
                            "failed. Bought in the shop or on the website and paid for delivery "
                            "and fitting.",
        persona_goals="A working appliance at home within days, one visit, a time window they "
                      "can plan around, and the old unit gone.",
        problem="Most complaints and one-star reviews come after the sale: missed or vague "
                "delivery windows, second visits for installation, and old units left behind. "
                "Several customers told us they will not buy a large appliance from us again.")
    steps = jr.list_steps(session, jid)
    actors = {a["name"]: a["id"] for a in jr.list_actors(session, jid)}
    start = today - dt.timedelta(weeks=WEEKS)
    for (step_ix, actor_name), path in PATHS.items():
        step_id, actor_id = steps[step_ix]["id"], actors[actor_name]
        viewpoint, owner = VIEWS[actor_name]
        for week, health, note in path:
            day = start + dt.timedelta(weeks=week, days=rng.randint(0, 4))
            jr.set_health(session, step_id, actor_id, health, note=note, viewpoint=viewpoint,
                          owner=owner, at=_at(min(day, today), rng))

    parts = {(p["step_position"] - 1, p["actor_name"]): p["id"]
             for p in jr.list_parts(session, jid)}
    jr.add_evidence(session, parts[(1, "Delivery partner dispatch")],
                    "I took a day off work and nobody could tell me whether they would come "
                    "before or after lunch.")
    jr.add_evidence(session, parts[(4, "Recycling rules")],
                    "The driver said he couldn't take the old fridge away, though the shop "
                    "had told me it was included.")
    jr.add_evidence(session, parts[(3, "Installer")],
                    "He was lovely, but he had to come back on Thursday with the right hose.")

    def due(days: int) -> str:
        return (today + dt.timedelta(days=days)).isoformat()

    jr.add_action(session, parts[(0, "Scheduling system")],
                  "Only offer slots the delivery partner has confirmed capacity for",
                  owner="Priya (operations)", due_date=due(-12), status="open")
    jr.add_action(session, parts[(1, "Delivery partner dispatch")],
                  "Agree a two-hour arrival window message with the delivery partner",
                  owner="Tom (store manager)", due_date=due(14), status="in progress")
    jr.add_action(session, parts[(4, "Recycling rules")],
                  "Add 'take away my old appliance' as a tick box at checkout",
                  owner="Priya (operations)", due_date=due(30), status="open")
    jr.add_action(session, parts[(3, "Installer")],
                  "Pack hoses and fittings with every washing machine order",
                  owner="Sam (installer lead)", due_date=due(7), status="open")
    jr.add_action(session, parts[(1, "Text message updates")],
                  "Send a morning-of text with the driver's time window",
                  owner="Priya (operations)", due_date=due(-40), status="done")
