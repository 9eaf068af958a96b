"""Demo interviews and checklist progress for the appliance shop.

About two years of conversations with customers (households buying washing machines, fridges
and ovens) and frontline staff (sales floor, phone line, drivers, installers). Early talks are
mostly about late deliveries and second installation visits; later ones show the text updates
helping while scheduling still hurts, which matches the demo journey's health history. Interviews
about delivery and installation point at that journey's steps when the journey exists.

The checklist gets answered reflection prompts, a few customer's-shoes experiences, owners and
due dates, and one override with its reason.
"""

from __future__ import annotations

import datetime as dt
import random

from cxcore import checklist as cl
from cxcore import interviews as iv
from cxcore.workspace import WorkspaceSession

INTERVIEWERS = ("Dana Reyes", "Marco Bianchi", "Priya Shah")

# (kind, interviewee, role or segment, channel, step keyword or None, sentiment, tags,
#  notes, key quotes, pain points, works well). Listed oldest first.
INTERVIEWS: tuple[tuple, ...] = (
    ("customer", "Mrs Okafor", "household, washing machine", "phone", "wait for", "negative",
     "delivery, waiting-time",
     "Bought a front loader on a Saturday, was given Tuesday 'all day'. Took the day off work. "
     "The van came at 6.40 pm after she had called the shop twice. Nobody could tell her where "
     "the van was; the shop said it was the delivery company's job.",
     "I lost a day's pay waiting for a washing machine.\nThe shop kept saying it wasn't them.",
     "Whole-day window; no updates; shop can't see the van", "Driver apologised and was careful"),
    ("employee", "Sales floor, Saturday team", "sales assistant", "in person", "choose a",
     "negative", "scheduling, staff",
     "Staff pick a delivery day from the system while the customer waits. The system shows days "
     "as free that the delivery partner later cancels. They dread the Monday calls from people "
     "whose slot was moved.",
     "I promise a day and then I'm the one who gets shouted at.",
     "Slot list doesn't reflect partner capacity", "Customers trust the floor staff"),
    ("customer", "Customer B (anonymous)", "landlord, 4 flats", "email", "installation",
     "negative", "installation, second visit",
     "Ordered two built-in ovens. Installer arrived without the right fixing kit and left. "
     "Second visit nine days later. The tenant had no oven in between.",
     "Nine days without an oven because of a bag of screws.",
     "Installer lacked the kit; long wait for a second visit", "Ovens themselves are good"),
    ("customer", "Mr Lindqvist", "household, fridge freezer", "phone", "receive the",
     "positive", "delivery, staff",
     "Fridge came on the promised morning. The two drivers took the door off to get it into "
     "the kitchen and put it back. Took the packaging away without being asked.",
     "They treated my floor better than I do.",
     "", "Careful drivers; packaging removed"),
    ("employee", "Delivery driver (Tom)", "driver, partner company", "in person",
     "wait for", "neutral", "delivery, scheduling",
     "Routes arrive the night before and often change at 7 am. He has no way to tell the shop "
     "or the customer; he sometimes texts customers from his own phone.",
     "I'm the only one who knows when I'll get there, and nobody asks me.",
     "Route changes not passed on", "Drivers take pride in careful work"),
    ("customer", "Customer D (anonymous)", "household, dishwasher", "survey follow-up",
     None, "negative", "pricing, website",
     "Saw one price on the website and a higher one at the till. The difference was delivery, "
     "which the website only mentioned at checkout. Felt tricked, even though staff sorted it.",
     "Just tell me the real price at the start.",
     "Delivery charge shown late", "Staff refunded the difference without fuss"),
    ("employee", "Phone line, weekday shift", "customer service", "video", "follow-up",
     "negative", "waiting-time, staff",
     "Most calls are 'where is my delivery'. They have no tracking screen, so they call the "
     "partner's dispatcher and call the customer back. Average call-back takes forty minutes.",
     "Half my day is being a messenger between two phones.",
     "No delivery tracking for staff", "Team covers for each other well"),
    ("customer", "Ms Haddad", "household, oven", "in person", "installation", "positive",
     "installation, staff",
     "Installer explained the new oven's settings and checked the old wiring before fitting. "
     "Stayed ten minutes longer to show her the cleaning mode.",
     "He made sure I knew how to use it before he left.",
     "", "Installer took time to explain"),
    ("customer", "Customer F (anonymous)", "household, washing machine", "phone",
     "old unit", "negative", "recycling, installation",
     "The old machine could not be taken because it still had water in it. Nobody had told him "
     "to drain it. It sat in the hall for two weeks until a separate pick-up.",
     "Why didn't anyone tell me to drain it?",
     "Old-unit rules not explained up front", "New machine works well"),
    ("employee", "Installer (Kasia)", "installer", "in person", "installation", "neutral",
     "installation, stock",
     "Kits are packed by the warehouse from the order, which says 'washing machine' but not "
     "what hoses the home has. She carries spares in her own van to avoid second visits.",
     "I buy my own hoses so I don't have to come back.",
     "Fitting kit doesn't match the home", "Installers solve problems on the spot"),
    ("customer", "Mr Adeyemi", "small café", "phone", None, "positive", "staff, pricing",
     "Needed a commercial fridge fast. The store manager found one in another branch and "
     "matched a competitor's price. Would buy again.",
     "Marco sorted it in one phone call.",
     "", "Store manager solved it personally; fair price"),
    ("customer", "Customer H (anonymous)", "household, fridge", "survey follow-up",
     "choose a", "negative", "scheduling, delivery",
     "Slot was moved twice by text with no option to pick another one online. Had to call the "
     "shop in working hours to rebook.",
     "Let me choose a new slot myself.",
     "Rebooking only by phone", "Text did at least warn her"),
    ("employee", "Warehouse lead", "warehouse", "in person", "receive the", "neutral",
     "stock, delivery",
     "New racking caused two wrong-colour picks. They now double-check colour codes, but the "
     "order screen shows colour only as a code.",
     "Show the colour name and we'll never pick the wrong one.",
     "Colour shown only as a code", "Picking is on time"),
    ("customer", "Mrs Novak", "household, washing machine", "phone", "wait for", "neutral",
     "delivery, waiting-time",
     "Got a text on the morning with a four-hour window, which helped. Would prefer two hours: "
     "she works from home but has meetings.",
     "Four hours is better than all day, but it's still a morning gone.",
     "Window still wide", "Morning text helps planning"),
    ("employee", "Sales floor (Jamal)", "sales assistant", "in person", None, "positive",
     "staff, website",
     "Since the briefing, staff read the real free slots to customers and say which are "
     "risky. Fewer angry Monday calls. Website stock levels still wrong at times.",
     "Now I can tell people the truth about the slots.",
     "Website stock sometimes wrong", "Briefing on real slots works"),
    ("customer", "Customer K (anonymous)", "household, oven and hob", "video",
     "installation", "negative", "installation, second visit",
     "Hob installed, oven not: the installer said the oven needed a different cable. Second "
     "visit took a week. Staff were apologetic and gave a voucher.",
     "The voucher was kind, but I wanted a working kitchen.",
     "Second visit needed", "Staff apologised and made a gesture"),
    ("customer", "Mr Ferreira", "household, fridge freezer", "phone", "receive the",
     "positive", "delivery",
     "The 'on the way' text came half an hour before the van. He could pop out and be back "
     "in time. Everything smooth.",
     "The half-hour warning is brilliant.",
     "", "On-the-way text timing"),
    ("employee", "Phone line (Aisha)", "customer service", "phone", "follow-up", "neutral",
     "waiting-time, scheduling",
     "Where-is-my-delivery calls are down since the driver text, but rebooking calls are up "
     "because customers can't move a slot themselves.",
     "The calls changed from 'where is it' to 'can I move it'.",
     "Rebooking by phone only", "Fewer tracking calls"),
    ("customer", "Customer M (anonymous)", "household, washing machine", "email", "old unit",
     "neutral", "recycling",
     "The confirmation email now says to drain the old machine and clear a path. He did, and "
     "it was taken the same day.",
     "The email told me exactly what to do.",
     "", "Clear preparation instructions"),
    ("customer", "Ms Brennan", "household, dishwasher", "phone", "installation", "positive",
     "installation, staff",
     "Installer had the right kit and finished in forty minutes. Explained the water softener "
     "setting for her area.",
     "In and out, and it works. That's all I want.",
     "", "Right kit first time"),
    ("employee", "Installer (Dev)", "installer", "in person", "installation", "neutral",
     "installation, stock",
     "Dishwasher kits are now right most of the time. Washing machines still miss long hoses "
     "for older homes.",
     "Ask the customer one question about their taps and we'd save a trip.",
     "Long hoses missing from kits", "Dishwasher kits improved"),
    ("customer", "Customer P (anonymous)", "household, fridge", "survey follow-up",
     "choose a", "negative", "scheduling, website",
     "Chose a slot online, got a text two days later saying it was not available. Felt like "
     "the website shouldn't have offered it.",
     "Don't offer me a day you can't do.",
     "Website offers slots the partner can't cover", "Quick text about the change"),
    ("employee", "Store manager (Marco)", "store manager", "in person", None, "neutral",
     "staff, scheduling, pricing",
     "Biggest cost of the delivery problems is staff time on calls and goodwill vouchers. He "
     "wants the partner's capacity fed into the slot list before peak season.",
     "Every moved slot costs us a phone call and often a voucher.",
     "Vouchers and calls add up", "Team morale better since the briefing"),
    ("customer", "Mrs Petrov", "household, washing machine", "in person", None, "positive",
     "staff, pricing",
     "Came back to the shop for a second appliance because of how her first delivery was "
     "handled after a mix-up: the manager called her personally.",
     "They got it wrong once and then made it right. That's why I came back.",
     "", "Personal call after a mistake"),
    ("customer", "Customer S (anonymous)", "household, oven", "phone", "wait for", "negative",
     "delivery, waiting-time, scheduling",
     "Peak season: slot moved on the day, no new time offered until she called. Old oven "
     "already disconnected, so no cooking for three days.",
     "I disconnected my old oven because you told me it was coming.",
     "Same-day route changes", "Driver was lovely when he finally came"),
)

REFLECTIONS = {
    1: {"switching": "We'd lose the repeat buyers and the word of mouth that fills our "
                     "Saturdays; there are three big-box stores within twenty minutes.",
        "alternatives": "Online retailers deliver free and the big chains price-match. Switching "
                        "costs a customer nothing but one search.",
        "commitment": "Every manager sits in on two delivery calls a month, and we review "
                      "interview notes at the Monday meeting."},
    2: {"purpose": "We exist so that a household's kitchen and laundry work again quickly, "
                   "with advice they can trust and one visit that gets it right.",
        "promise": "We promise honest advice and a delivery day we keep. We keep the first "
                   "part; we break the second too often when the partner's routes change.",
        "values": "Honesty about prices and dates; care in people's homes; owning mistakes."},
}

SHOES = (
    (690, "own purchase", "Bought a kettle on our own website and chose home delivery.",
     "Checkout added the delivery charge only at the last step; I would have felt misled."),
    (610, "support call", "Called our own phone line at 11 am as a customer asking where a "
     "fridge was.", "On hold for six minutes, then promised a call-back that took forty."),
)


def _find_steps(session: WorkspaceSession) -> dict[str, tuple[int, int]]:
    """Delivery-and-installation step ids by lower-case name (empty if the journey is absent)."""
    row = session.db.execute("select id from journeys where name = ?",
                             ["Delivery and installation"]).fetchone()
    if row is None:
        return {}
    return {name.casefold(): (row[0], step_id) for step_id, name in session.db.execute(
        "select id, name from journey_steps where journey_id = ?", [row[0]])}


def _dates(rng: random.Random, today: dt.date, n: int) -> list[dt.date]:
    """``n`` dates spread over the last two years, oldest first, a few days apart at least."""
    span = 720
    picks = sorted(rng.sample(range(6, span), n), reverse=True)
    return [today - dt.timedelta(days=d) for d in picks]


def add_demo(session: WorkspaceSession, rng: random.Random, today: dt.date) -> None:
    """Add the demo interviews and checklist progress to the workspace."""
    steps = _find_steps(session)
    for when, item in zip(_dates(rng, today, len(INTERVIEWS)), INTERVIEWS, strict=True):
        (kind, who, role, channel, step_word, sentiment, tags, notes, quotes, pains,
         works) = item
        journey_id = step_id = None
        if step_word:
            match = next((ids for name, ids in steps.items() if name.startswith(step_word)),
                         None)
            if match:
                journey_id, step_id = match
        interview_id = iv.create_interview(session, {
            "kind": kind, "date": when, "interviewee": who, "role_segment": role,
            "channel": channel, "interviewer": rng.choice(INTERVIEWERS),
            "journey_id": journey_id, "journey_step_id": step_id, "notes": notes,
            "key_quotes": quotes, "pain_points": pains, "works_well": works,
            "sentiment": sentiment, "tags": tags})
        stamp = f"{when.isoformat()}T{rng.randint(9, 17):02d}:{rng.randint(0, 59):02d}:00+00:00"
        # Backdate the record so the demo's history reads as if logged on the day.
        session.db["interviews"].update(interview_id, {"created_at": stamp, "updated_at": stamp})

    for step, answers in REFLECTIONS.items():
        cl.save_reflections(session, step, answers)
    for days_ago, kind, what, felt in SHOES:
        cl.add_shoes_entry(session, today - dt.timedelta(days=days_ago), kind, what, felt)
    cl.set_targets(session, customer_interviews=20, employee_interviews=12)
    cl.update_step(session, 1, owner="Dana Reyes", notes="Agreed at the leadership off-site.")
    cl.update_step(session, 2, owner="Dana Reyes")
    cl.update_step(session, 3, owner="Marco Bianchi")
    cl.set_override(session, 3, "done", "Two experiences plus a mystery shop at a competitor "
                                        "that we did not write up; enough to move on.")
    cl.update_step(session, 4, owner="Priya Shah",
                   due_date=today + dt.timedelta(days=40),
                   notes="Aim for more landlords and small businesses.")
    cl.update_step(session, 5, owner="Priya Shah")
    cl.update_step(session, 6, owner="Marco Bianchi", due_date=today + dt.timedelta(days=25),
                   notes="Finish rating the follow-up and recycling parts.")
