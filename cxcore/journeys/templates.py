"""Journey templates, and copying a journey within or across workspaces."""

from __future__ import annotations

from collections.abc import Sequence

from cxcore.accounts import now_iso
from cxcore.errors import Problem, ValidationError
from cxcore.journeys.base import _check_text, _raise
from cxcore.journeys.model import _insert_journey, get_journey
from cxcore.journeys.tables import STAGES
from cxcore.workspace import WorkspaceSession

# ---- templates ------------------------------------------------------------------------------

def _tpl(name: str, persona: tuple[str, str, str], problem: str, steps: list[str],
         actors: list[tuple[str, str, str, Sequence[int]]]) -> dict:
    return {"name": name, "persona_name": persona[0], "persona_description": persona[1],
            "persona_goals": persona[2], "problem": problem, "steps": steps,
            "actors": [{"name": a, "kind": k, "stage": s, "steps": list(ix)}
                       for a, k, s, ix in actors]}



_F, _B = "frontstage", "backstage"



#: Starting points for a new journey. Actors list the (0-based) steps they take part in.
TEMPLATES: dict[str, dict] = {
    "onboarding": _tpl(
        "Onboarding",
        ("New customer", "Has just signed up and wants to get going.",
         "Be up and running quickly without having to ask for help."),
        "New customers stall before they first get value, and some never come back.",
        ["Sign up", "Receive the welcome message", "Set up the account", "First real use",
         "Ask for help", "First check-in"],
        [("Website or app", "system", _F, [0, 2, 3]), ("Welcome email", "system", _F, [1]),
         ("Customer success manager", "person", _F, [4, 5]), ("Help centre", "system", _F, [4]),
         ("Account provisioning", "system", _B, [0, 2]), ("Support team", "group", _B, [4]),
         ("Onboarding policy", "policy", _B, [1, 5])]),
    "first_purchase": _tpl(
        "First purchase",
        ("First-time buyer", "Comparing a few sellers before buying for the first time.",
         "Find the right product at a fair price and trust the seller."),
        "Many visitors ask questions and then buy elsewhere.",
        ["Discover the shop", "Compare options", "Ask a question", "Order and pay",
         "Receive confirmation"],
        [("Shop website", "system", _F, [0, 1, 3]), ("Sales assistant", "person", _F, [1, 2]),
         ("Checkout", "system", _F, [3]), ("Confirmation email", "system", _F, [4]),
         ("Product catalogue data", "system", _B, [0, 1]), ("Payment provider", "group", _B, [3]),
         ("Order management", "system", _B, [3, 4])]),
    "delivery_installation": _tpl(
        "Delivery and installation",
        ("Household buyer", "Bought a large appliance and needs it delivered and fitted.",
         "Get it working at home with one visit, at a time that suits them."),
        "Missed delivery slots and second visits make customers angry after they have paid.",
        ["Choose a delivery slot", "Wait for the delivery", "Receive the appliance",
         "Installation", "Old unit taken away", "Follow-up"],
        [("Shop staff", "person", _F, [0, 5]), ("Delivery driver", "person", _F, [2, 4]),
         ("Installer", "person", _F, [3]), ("Text message updates", "system", _F, [1, 2]),
         ("Scheduling system", "system", _B, [0, 1]), ("Delivery partner dispatch", "group", _B,
                                                      [1, 2, 4]),
         ("Warehouse", "group", _B, [2]), ("Recycling rules", "policy", _B, [4])]),
    "support_request": _tpl(
        "Support request",
        ("Customer with a problem", "Something stopped working and they need it fixed.",
         "Reach someone who can fix it, once, without repeating themselves."),
        "Customers are passed between teams and have to explain the problem again.",
        ["Notice the problem", "Look for help", "Contact support", "Wait for a fix",
         "Problem solved", "Give feedback"],
        [("Help centre", "system", _F, [1]), ("Support agent", "person", _F, [2, 4]),
         ("Phone line", "system", _F, [2]), ("Status updates", "system", _F, [3]),
         ("Ticketing system", "system", _B, [2, 3, 4]), ("Second-line specialists", "group", _B,
                                                        [3]),
         ("Warranty policy", "policy", _B, [3]), ("Survey tool", "system", _B, [5])]),
    "renewal": _tpl(
        "Renewal",
        ("Existing customer", "Their contract or subscription ends soon.",
         "Know what they get for the money and renew without hassle."),
        "Customers leave at renewal because nobody showed them the value they got.",
        ["Get the renewal reminder", "Review the value received", "Discuss terms",
         "Renew or leave", "Receive confirmation"],
        [("Account manager", "person", _F, [1, 2]), ("Reminder email", "system", _F, [0]),
         ("Customer portal", "system", _F, [1, 3, 4]), ("Billing system", "system", _B, [3, 4]),
         ("Pricing policy", "policy", _B, [2]), ("Usage reports", "system", _B, [1])]),
}



# ---- journeys -------------------------------------------------------------------------------

def create_from_template(session: WorkspaceSession, template: str,
                         name: str | None = None) -> int:
    """Start a journey from one of :data:`TEMPLATES` (steps, actors and who takes part where)."""
    session.require("editor")
    if template not in TEMPLATES:
        raise ValidationError(Problem("template", f"'{template}' is not one of "
                                                  f"{', '.join(TEMPLATES)}"))
    tpl = TEMPLATES[template]
    problems: list[Problem] = []
    chosen = _check_text(problems, "journey name", name if name else tpl["name"], required=True)
    _raise(problems)
    now = now_iso()
    with session.db.atomic():
        journey_id = _insert_journey(session, {**tpl, "name": chosen}, now)
        _write_structure(session, journey_id, tpl["steps"], tpl["actors"], now)
    session.log("create", "journey", journey_id, {"template": template, "name": chosen})
    return journey_id



def _write_structure(session: WorkspaceSession, journey_id: int, steps: list[str],
                     actors: list[dict], now: str) -> tuple[list[int], list[int]]:
    step_ids = []
    for pos, step in enumerate(steps, start=1):
        name, desc = (step, "") if isinstance(step, str) else (step["name"],
                                                                step.get("description") or "")
        step_ids.append(session.db.execute(
            "insert into journey_steps (journey_id, position, name, description) "
            "values (?, ?, ?, ?)", [journey_id, pos, name, desc]).lastrowid)
    actor_ids: list[int] = [0] * len(actors)
    ordered = sorted(enumerate(actors), key=lambda ia: (STAGES.index(ia[1]["stage"]), ia[0]))
    for pos, (index, actor) in enumerate(ordered, start=1):
        actor_id = session.db.execute(
            "insert into journey_actors (journey_id, position, name, kind, stage, description) "
            "values (?, ?, ?, ?, ?, ?)",
            [journey_id, pos, actor["name"], actor.get("kind"), actor["stage"],
             actor.get("description") or ""]).lastrowid
        actor_ids[index] = actor_id
        for ix in actor["steps"]:
            session.db.execute(
                "insert into journey_parts (journey_id, step_id, actor_id, updated_at, "
                "updated_by) values (?, ?, ?, ?, ?)",
                [journey_id, step_ids[ix], actor_id, now, session.username])
    return step_ids, actor_ids



def copy_journey(source: WorkspaceSession, journey_id: int, target: WorkspaceSession, *,
                 name: str | None = None, include_health: bool = False) -> int:
    """Copy a journey's persona, steps, actors and parts into ``target`` (the same workspace or
    another one the user belongs to); returns the new journey's id.

    Needs viewer access to the source (having a session is that) and editor rights on the
    target. Health, notes and owners come along only with ``include_health`` (a consultant
    reusing a map for a new client usually wants the structure, not the old client's ratings);
    copied ratings start the new journey's history, noted as copied. Evidence, history and
    actions are never copied: they belong to the source's customers.
    """
    target.require("editor")
    journey = get_journey(source, journey_id)
    problems: list[Problem] = []
    new_name = _check_text(problems, "journey name",
                           name if name else f"{journey['name']} (copy)", required=True)
    _raise(problems)
    steps = list(source.db.query(
        "select * from journey_steps where journey_id = ? order by position, id", [journey_id]))
    actors = list(source.db.query(
        "select * from journey_actors where journey_id = ? order by position, id",
        [journey_id]))
    parts = list(source.db.query(
        "select * from journey_parts where journey_id = ?", [journey_id]))
    step_index = {s["id"]: i for i, s in enumerate(steps)}
    actor_rows = [{"name": a["name"], "kind": a["kind"], "stage": a["stage"],
                   "description": a["description"],
                   "steps": [step_index[p["step_id"]] for p in parts
                             if p["actor_id"] == a["id"]]} for a in actors]
    now = now_iso()
    with target.db.atomic():
        new_id = _insert_journey(target, {**journey, "name": new_name}, now)
        step_ids, actor_ids = _write_structure(
            target, new_id, [{"name": s["name"], "description": s["description"]}
                             for s in steps], actor_rows, now)
        if include_health:
            step_map = {s["id"]: step_ids[i] for i, s in enumerate(steps)}
            actor_map = {a["id"]: actor_ids[i] for i, a in enumerate(actors)}
            names = {**{("s", s["id"]): s["name"] for s in steps},
                     **{("a", a["id"]): a["name"] for a in actors}}
            for p in parts:
                new_step, new_actor = step_map[p["step_id"]], actor_map[p["actor_id"]]
                target.db.execute(
                    "update journey_parts set health = ?, viewpoint = ?, note = ?, owner = ? "
                    "where step_id = ? and actor_id = ?",
                    [p["health"], p["viewpoint"], p["note"], p["owner"], new_step, new_actor])
                if p["health"]:
                    part_id = target.db.execute(
                        "select id from journey_parts where step_id = ? and actor_id = ?",
                        [new_step, new_actor]).fetchone()[0]
                    target.db.execute(
                        "insert into journey_health_history (journey_id, part_id, step_id, "
                        "actor_id, step_name, actor_name, at, username, from_health, to_health,"
                        " note) values (?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)",
                        [new_id, part_id, new_step, new_actor, names[("s", p["step_id"])],
                         names[("a", p["actor_id"])], now, target.username, p["health"],
                         f"Copied from '{journey['name']}' in {source.info.name}"])
    target.log("copy", "journey", new_id, {"from_workspace": source.info.name,
                                           "from_journey": journey_id, "health": include_health})
    return new_id
