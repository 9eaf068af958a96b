"""Demo customers of a small appliance shop: two years of customers, service-plan revenue,
survey answers and employee pulse, where happier customers are visibly worth more.

Each customer gets a hidden disposition (promoter, passive or detractor). It drives how long they
stay (monthly churn hazard), whether they upgrade, downgrade or ask for refunds, whether they
bring referrals, and how well things tend to go for them. The promoter share rises over the two
years, as it would after a program starts.

Each survey answer is generated the way it happens: first the experience, then the verdict.
How it went (a hidden score) comes from the customer's disposition and from the journey step the
answer is about: the waits the team rated red on the journey map (choosing a slot the delivery
partner cannot keep, waiting for the van, old units left behind) go badly, while receiving the
appliance, which the team rated only yellow, goes well because customers love the drivers and the
half-hour text (the map and the customers disagree there). Effort, ease, effectiveness, emotion
and CSAT are noisy readings of that experience (effort and ease the closest); the NPS answer
then follows from the experience plus the customer's loyalty, segment, price and channel. So the
Drivers page finds real, non-circular links and the steps the map flags.
"""

from __future__ import annotations

import datetime as dt
import random

from cxcore import rollups, scorecard
from cxcore.accounts import now_iso
from cxcore.workspace import WorkspaceSession

N_CUSTOMERS = 600
N_RESPONSES = 1500
N_PULSE = 200
HISTORY_DAYS = 730

SEGMENTS = (("households", 0.62, (12, 30)), ("landlords", 0.22, (35, 110)),
            ("small businesses", 0.16, (60, 190)))
CHANNELS = (("store", 0.5), ("web", 0.35), ("phone", 0.15))
# disposition -> (monthly churn hazard, monthly upsell chance, monthly downgrade chance,
#                 monthly refund chance, revenue factor)
BEHAVIOUR = {
    "promoter": (0.007, 0.014, 0.003, 0.002, 1.25),
    "passive": (0.017, 0.006, 0.008, 0.006, 1.0),
    "detractor": (0.040, 0.002, 0.020, 0.018, 0.85),
}
#: Scorecard targets a small service business might set: (target, yellow limit). Against the
#: demo's last full quarter they give a mix of green, yellow and red, as a meeting would see.
TARGETS = {
    "nps": (30, 20), "csat_pct": (75, 70), "ces_mean": (5.0, 4.5), "rating_index": (70, 65),
    "enps": (40, 30), "retention_rate_pct": (96, 94), "churn_rate_pct": (4, 5),
    "nrr_pct": (100, 97), "grr_pct": (90, 85), "clv": (900, 800),  # margin, 5 years
}
#: Service plans: about 40 % gross margin; money 10 % a year dearer now than later.
GROSS_MARGIN_PCT = 40.0
ANNUAL_DISCOUNT_RATE_PCT = 10.0
TEAMS = ("Store", "Delivery", "Installation", "Service desk")
FIRST_NAMES = ("Amara", "Ben", "Chen", "Dana", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas",
               "Kofi", "Lena", "Marta", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Sami", "Tariq",
               "Uma", "Vera", "Wim", "Yara", "Zoë", "Łukasz", "Søren", "José", "Aiko", "Mehmet")
LAST_NAMES = ("Adams", "Brandt", "Costa", "Dubois", "Evans", "Fischer", "García", "Hansen",
              "Ito", "Jansen", "Kowalski", "Larsen", "Moreau", "Nowak", "Okafor", "Peters",
              "Rossi", "Schmidt", "Tanaka", "Novák", "Weber", "Yilmaz", "Øberg", "Müller")
BUSINESS_WORDS = ("Bakery", "Dental", "Studio", "Café", "Lettings", "Salon", "Workshop")
#: The demo journey's steps (names from the delivery-and-installation template) -> (share of
#: the answers tied to a step, effect on how it went in standard deviations). Red on the map:
#: choosing a slot, the wait, the old unit; yellow: receiving (customers like it anyway) and
#: installation (second visits); follow-up is not rated yet. Unknown step names get no effect.
STEP_EFFECTS = {
    "Choose a delivery slot": (0.20, -0.55),
    "Wait for the delivery": (0.28, -1.05),
    "Receive the appliance": (0.17, 0.75),
    "Installation": (0.13, -0.25),
    "Old unit taken away": (0.12, -0.5),
    "Follow-up": (0.10, 0.15),
}
#: Share of survey answers tied to a journey step (when the journey exists).
STEP_SHARE = 0.5
#: Disposition -> how well things tend to go for the customer, and their loyalty beyond that.
DISPOSITION_EFFECTS = {"promoter": (0.45, 0.8), "passive": (0.0, 0.0),
                       "detractor": (-0.45, -0.8)}
SEGMENT_EFFECT = {"households": 0.0, "landlords": 0.15, "small businesses": -0.05}
CHANNEL_EFFECT = {"store": 0.03, "web": 0.0, "phone": -0.06}
#: rating -> (loading on how it went, centre, spread, lowest, highest). Effort (7 = very easy)
#: and ease read the experience most closely, CSAT least.
RATING_MODEL = {
    "ces": (0.9, 5.3, 1.45, 1, 7), "ease": (0.85, 5.45, 1.35, 1, 7),
    "effectiveness": (0.72, 5.6, 1.35, 1, 7), "emotion": (0.62, 5.35, 1.45, 1, 7),
    "csat": (0.6, 4.05, 0.95, 1, 5),
}
COMMENTS = {
    "promoter": [
        "Staff in the store listened and didn't push the most expensive model.",
        "The service plan paid for itself when the washer broke in winter.",
        "Quick answer on the phone, and a technician the next morning.",
        "Très bon accueil au magasin, merci !",
    ],
    "passive": [
        "Good price. The website could show stock per store.",
        "Product is good, paperwork for the plan was confusing.",
    ],
    "detractor": [
        "Refund took five weeks and three phone calls.",
        "Nobody picks up the phone after 4pm.",
    ],
}
#: Comments about a step: (said by unhappy customers, said by happy ones).
STEP_COMMENTS = {
    "Choose a delivery slot": (
        ["Chose a slot online, then got a text two days later saying it was not available.",
         "The slot was moved twice and I could only rebook by phone in working hours."],
        ["The shop told me honestly which days were safe, and they were."]),
    "Wait for the delivery": (
        ["Waited at home all day and nobody came. Rebooked twice.",
         "Took a day off work and the van came at 6.40 pm.",
         "Nobody could tell me whether they would come before or after lunch.",
         "配送の時間が全く分からなかった。"],
        ["The morning text with a four-hour window helped me plan."]),
    "Receive the appliance": (
        ["Wrong colour arrived; they swapped it, but it took a week."],
        ["The drivers took the door off to get the fridge in and put it back. Lovely lads.",
         "The half-hour warning text before the van is brilliant.",
         "Delivered on the day you promised, careful with the floors, packaging taken away."]),
    "Installation": (
        ["The installer didn't have the right hose, so a second visit was needed.",
         "Nine days without an oven because of a bag of screws."],
        ["The installer was careful and explained everything before leaving."]),
    "Old unit taken away": (
        ["The driver wouldn't take the old fridge, though the shop said it was included.",
         "Nobody told me to drain the old machine, so it sat in the hall for two weeks."],
        ["The email told me exactly how to prepare the old machine; it went the same day."]),
    "Follow-up": (
        ["I called about the warranty card and was promised a call-back that never came."],
        ["The store manager called a week later to check everything worked."]),
}
PULSE_COMMENTS = (
    "Scheduling tool keeps double-booking us.", "Good team, too many evening shifts.",
    "Finally got the van kits sorted.", "More training on the new heat pumps, please.",
    "Management listens when we raise problems.", "Customers shout at us about delivery times.",
)


def _pick(rng: random.Random, weighted: tuple) -> tuple:
    return rng.choices(weighted, weights=[w[1] for w in weighted])[0]


def _disposition(rng: random.Random, progress: float) -> str:
    """Promoter share grows from about 38% to 52% over the history."""
    promoter = 0.38 + 0.14 * progress
    detractor = 0.30 - 0.10 * progress
    roll = rng.random()
    return "promoter" if roll < promoter else "detractor" if roll < promoter + detractor \
        else "passive"


def _scale(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _answer(rng: random.Random, disposition: str, step: str | None, circumstances: float,
            progress: float, with_index: bool) -> dict[str, int | None]:
    """One survey answer: how it went first, the ratings from that, then the NPS.

    ``circumstances`` is what moves the verdict apart from the experience (segment, price,
    channel); ``progress`` (0-1 over the history) lifts experiences a little as the shop learns.
    """
    base, loyalty = DISPOSITION_EFFECTS[disposition]
    went = base + STEP_EFFECTS.get(step, (0, 0.0))[1] + 0.25 * progress + rng.gauss(0, 0.85)
    answers: dict[str, int | None] = {}
    for key, (loading, centre, spread, low, high) in RATING_MODEL.items():
        if key in ("ease", "effectiveness", "emotion") and not with_index:
            answers[key] = None
            continue
        reading = loading * went + rng.gauss(0, (1 - loading * loading) ** 0.5)
        answers[key] = _scale(centre + spread * reading, low, high)
    verdict = 0.75 * went + 0.35 * loyalty + circumstances + rng.gauss(0, 0.7)
    answers["nps"] = _scale(7.75 + 2.0 * verdict, 0, 10)
    return answers


def _month_after(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def _batch(session: WorkspaceSession, kind: str, rows: int) -> int:
    return session.db.conn.execute(
        "insert into import_batches (kind, filename, source_format, rows, created_by, "
        "created_at) values (?, 'demo data', 'demo', ?, ?, ?)",
        [kind, rows, session.username, now_iso()]).lastrowid


def _journey_steps(session: WorkspaceSession) -> list[tuple[int, str]]:
    if "journey_steps" not in session.db.table_names():
        return []
    return [(r[0], r[1]) for r in session.db.execute(
        "select s.id, s.name from journey_steps s join journeys j on j.id = s.journey_id "
        "where j.name = 'Delivery and installation' order by s.position")]


def add_demo(session: WorkspaceSession, rng: random.Random, today: dt.date) -> None:
    """Add the demo shop's customers, revenue events, survey responses and pulse answers.

    About 600 customers over two years before ``today`` (segments households / landlords /
    small businesses; channels store / web / phone), monthly service-plan renewals, upsells,
    downgrades and refunds, about 1,500 survey answers (NPS, CSAT, customer effort where 7 =
    very easy, some with effectiveness/ease/emotion and comments, half about steps of the
    "Delivery and installation" journey if it exists, generated experience first: see the module
    docstring) and about 200 employee pulse answers.
    Also sets scorecard targets (:data:`TARGETS`) and the gross margin and discount rate the
    discounted lifetime value uses.
    """
    session.require("editor")
    first_day = today - dt.timedelta(days=HISTORY_DAYS)
    customers, revenue, customer_info = [], [], []
    promoters_active: list[str] = []
    starts = sorted(first_day + dt.timedelta(days=rng.randrange(HISTORY_DAYS - 10))
                    for _ in range(N_CUSTOMERS))
    for n, start in enumerate(starts, start=1):
        progress = (start - first_day).days / HISTORY_DAYS
        disposition = _disposition(rng, progress)
        segment, _, (low, high) = _pick(rng, SEGMENTS)
        channel = _pick(rng, CHANNELS)[0]
        churn, up, down, refund, factor = BEHAVIOUR[disposition]
        price = rng.random()  # where the plan sits in the segment's price range
        monthly = round((low + price * (high - low)) * factor, 2)
        name = (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if segment != "small "
                "businesses" else f"{rng.choice(LAST_NAMES)} {rng.choice(BUSINESS_WORDS)}")
        customer_id = f"BS-{n:04d}"
        referred_by = (rng.choice(promoters_active[-80:])
                       if promoters_active and rng.random() < 0.14 else None)
        # The first payment: the plan's first month plus the installation fee.
        revenue.append([customer_id, start.isoformat(),
                        round(monthly + rng.choice((0, 49, 79, 99)), 2), "new"])
        end = None
        month = 1
        while True:
            billing = _month_after(start, month)
            if billing > today:
                break
            if rng.random() < churn:
                end = billing
                break
            revenue.append([customer_id, billing.isoformat(), monthly, "renewal"])
            roll = rng.random()
            if roll < up:
                revenue.append([customer_id, billing.isoformat(),
                                round(rng.uniform(40, 250), 2), "upsell"])
            elif roll < up + down:
                revenue.append([customer_id, billing.isoformat(),
                                round(monthly * rng.uniform(0.2, 0.5), 2), "downgrade"])
            elif roll < up + down + refund:
                revenue.append([customer_id, billing.isoformat(),
                                round(rng.uniform(40, 300), 2), "refund"])
            month += 1
        customers.append([customer_id, name, segment, channel, start.isoformat(),
                          end.isoformat() if end else None, 1 if end else 0, monthly,
                          referred_by])
        customer_info.append((customer_id, start, end or today, disposition, segment, channel,
                              price))
        if disposition == "promoter":
            promoters_active.append(customer_id)

    steps = [(step_id, name, STEP_EFFECTS.get(name, (1 / 6, 0.0))[0])
             for step_id, name in _journey_steps(session)]
    responses = []
    for i in range(N_RESPONSES):
        customer_id, start, end, disposition, segment, channel, price = rng.choice(customer_info)
        span = max((end - start).days, 1)
        day = start + dt.timedelta(days=rng.randrange(span))
        step_id = step = None
        if steps and rng.random() < STEP_SHARE:
            step_id, step, _ = rng.choices(steps, weights=[w for *_, w in steps])[0]
        # Dearer plans for the segment are judged a little harder.
        circumstances = (SEGMENT_EFFECT[segment] + CHANNEL_EFFECT[channel]
                         - 0.3 * (price - 0.5))
        a = _answer(rng, disposition, step, circumstances,
                    (day - first_day).days / HISTORY_DAYS, rng.random() < 0.35)
        comment = None
        if rng.random() < 0.3:
            if step in STEP_COMMENTS and (a["nps"] <= 6 or a["nps"] >= 9):
                comment = rng.choice(STEP_COMMENTS[step][a["nps"] >= 9])
            else:
                mood = ("promoter" if a["nps"] >= 9 else "passive" if a["nps"] >= 7
                        else "detractor")
                comment = rng.choice(COMMENTS[mood])
        responses.append([customer_id, day.isoformat(), a["nps"], a["csat"], a["ces"],
                          a["effectiveness"], a["ease"], a["emotion"], channel, segment,
                          step_id, comment, f"demo:{i}"])

    pulse = []
    for i in range(N_PULSE):
        day = first_day + dt.timedelta(days=rng.randrange(HISTORY_DAYS))
        team = rng.choice(TEAMS)
        mood = 0.45 + 0.2 * (day - first_day).days / HISTORY_DAYS
        enps = rng.choice((9, 10)) if rng.random() < mood else rng.choice((3, 5, 6, 7, 7, 8, 8))
        comment = rng.choice(PULSE_COMMENTS) if rng.random() < 0.25 else None
        pulse.append([day.isoformat(), team, enps, comment, f"demo:{i}"])

    conn = session.db.conn
    with conn:
        batch = _batch(session, "customers", len(customers))
        conn.executemany(
            "insert into customers (id, name, segment, channel, start_date, end_date, churned, "
            "monthly_revenue, referred_by, batch_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[*row, batch] for row in customers])
        batch = _batch(session, "revenue", len(revenue))
        conn.executemany(
            "insert into revenue_events (customer_id, date, amount, kind, batch_id, row_hash) "
            "values (?, ?, ?, ?, ?, ?)",
            [[*row, batch, f"demo:{i}"] for i, row in enumerate(revenue)])
        batch = _batch(session, "responses", len(responses))
        conn.executemany(
            "insert into responses (customer_id, date, nps, csat, ces, effectiveness, ease, "
            "emotion, channel, segment, journey_step_id, comment, row_hash, batch_id) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[*row, batch] for row in responses])
        batch = _batch(session, "pulse", len(pulse))
        conn.executemany(
            "insert into pulse (date, team, enps, comment, row_hash, batch_id) "
            "values (?, ?, ?, ?, ?, ?)", [[*row, batch] for row in pulse])
        rollups.rebuild(conn)
    scorecard.set_targets(session, {key: {"target": target, "warn_at": warn}
                                    for key, (target, warn) in TARGETS.items()})
    scorecard.set_finance_settings(session, GROSS_MARGIN_PCT, ANNUAL_DISCOUNT_RATE_PCT)
    session.log("load", "demo customers", None,
                {"customers": len(customers), "revenue_events": len(revenue),
                 "responses": len(responses), "pulse": len(pulse)})
