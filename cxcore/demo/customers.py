"""Demo customers of a small appliance shop: two years of customers, service-plan revenue,
survey answers and employee pulse, where happier customers are visibly worth more.

Each customer gets a hidden disposition (promoter, passive or detractor). It drives their survey
answers, how long they stay (monthly churn hazard), whether they upgrade, downgrade or ask for
refunds, and whether they bring referrals, so the scorecard shows a real link between soft and
hard numbers. The promoter share rises over the two years, as it would after a program starts.
"""

from __future__ import annotations

import datetime as dt
import random

from cxcore import scorecard
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
    "nrr_pct": (100, 97), "grr_pct": (90, 85), "clv": (3500, 3000),
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
COMMENTS = {
    "promoter": [
        "The installer was careful and explained everything before leaving.",
        "Delivered on the day you promised, and they took the old fridge away.",
        "Staff in the store listened and didn't push the most expensive model.",
        "The service plan paid for itself when the washer broke in winter.",
        "Quick answer on the phone, and a technician the next morning.",
        "Très bon accueil au magasin, merci !",
    ],
    "passive": [
        "Fine overall, but the delivery window was a whole day.",
        "Good price. The website could show stock per store.",
        "Installation was OK; I had to call twice to confirm the time.",
        "Product is good, paperwork for the plan was confusing.",
    ],
    "detractor": [
        "Waited at home all day and nobody came. Rebooked twice.",
        "The installer didn't have the right hose, so a second visit was needed.",
        "Refund took five weeks and three phone calls.",
        "Scratched the door on delivery and argued about who did it.",
        "Nobody picks up the phone after 4pm.",
        "配送の時間が全く分からなかった。",
    ],
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


def _nps(rng: random.Random, disposition: str) -> int:
    if rng.random() < 0.12:  # people are not perfectly consistent
        disposition = rng.choice(("promoter", "passive", "detractor"))
    if disposition == "promoter":
        return rng.choice((9, 9, 10, 10, 10))
    if disposition == "passive":
        return rng.choice((7, 8, 8))
    return rng.choice((0, 2, 3, 4, 5, 5, 6, 6, 6))


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
    very easy, some with effectiveness/ease/emotion and comments, some about steps of the
    "Delivery and installation" journey if it exists) and about 200 employee pulse answers.
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
        monthly = round(rng.uniform(low, high) * factor, 2)
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
        customer_info.append((customer_id, start, end or today, disposition, segment, channel))
        if disposition == "promoter":
            promoters_active.append(customer_id)

    steps = _journey_steps(session)
    responses = []
    for i in range(N_RESPONSES):
        customer_id, start, end, disposition, segment, channel = rng.choice(customer_info)
        span = max((end - start).days, 1)
        day = start + dt.timedelta(days=rng.randrange(span))
        nps = _nps(rng, disposition)
        csat = max(1, min(5, round(1 + nps * 0.4 + rng.uniform(-0.8, 0.8))))
        ces = max(1, min(7, round(1.5 + nps * 0.5 + rng.uniform(-1.2, 1.2))))
        index = [None, None, None]
        if rng.random() < 0.35:
            index = [max(1, min(7, round(1 + nps * 0.6 + rng.uniform(-1, 1)))) for _ in range(3)]
        step_id = None
        if steps and rng.random() < 0.45:
            step_id = rng.choice(steps)[0]
        mood = "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
        comment = rng.choice(COMMENTS[mood]) if rng.random() < 0.3 else None
        responses.append([customer_id, day.isoformat(), nps, csat, ces, *index, channel,
                          segment, step_id, comment, f"demo:{i}"])

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
    scorecard.set_targets(session, {key: {"target": target, "warn_at": warn}
                                    for key, (target, warn) in TARGETS.items()})
    scorecard.set_finance_settings(session, GROSS_MARGIN_PCT, ANNUAL_DISCOUNT_RATE_PCT)
    session.log("load", "demo customers", None,
                {"customers": len(customers), "revenue_events": len(revenue),
                 "responses": len(responses), "pulse": len(pulse)})
