"""Journey maps: steps, actors above or below the line of visibility, part health, actions.

The model (step 6 of the program: map the customer experience ecosystem of one journey):

- A **journey** is for one target customer (a persona: name, description, goals) and says why it
  is a problem today. It has an ordered list of **steps**: the customer's actions.
- An **actor** is a person, group, system or policy the customer deals with, directly or not. It
  sits **frontstage** (above the line of visibility: the customer sees it) or **backstage**
  (below it). Actors are ordered within the journey; the map shows frontstage actors first.
- A **part** is one actor at one step where that actor takes part. A part exists only where the
  actor is involved, so ``parts_total`` of a journey is the number of (actor, step) pairs marked
  as involved, and a part is *rated* once it has a health: ``green`` (working well for the person
  touching it), ``yellow`` (making people unhappy) or ``red`` (making people very unhappy), with a
  note on whose view it is and why, an owner, and optional evidence (quotes from interviews).
- Every change of a part's health is kept in ``journey_health_history`` (who, when, from, to,
  note), with the step and actor names copied in, so history survives renames and removals.
- A red or yellow part can get **actions** (what, owner, due date, status).

Step ids never change for the life of a step (rename and reorder keep them): survey responses
(``responses.journey_step_id``) and interviews point at them. Removing a step that any other
table still references is refused with a message naming how many rows refer to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from cxcore.accounts import now_iso
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.workspace import WorkspaceSession

migrations = Migrations("cxcore.journeys")

HEALTHS = ("green", "yellow", "red")
HEALTH_MEANING = {
    "green": "working well for the person touching it",
    "yellow": "making people unhappy",
    "red": "making people very unhappy",
}
STAGES = ("frontstage", "backstage")
ACTOR_KINDS = ("person", "group", "system", "policy", "other")
ACTION_STATUSES = ("open", "in progress", "done")
#: Longest text any field accepts (long notes and quotes are stored exactly, up to this).
MAX_TEXT = 100_000


@migrations()
def m001_journeys(db: sqlite_utils.Database) -> None:
    db["journeys"].create(
        {"id": int, "name": str, "persona_name": str, "persona_description": str,
         "persona_goals": str, "problem": str, "created_by": str, "created_at": str,
         "updated_at": str, "archived": int},
        pk="id", not_null={"name"}, defaults={"archived": 0},
    )
    # A step's id is stable for its life (renames and reorders keep it), so survey responses
    # and interviews can point at it.
    db["journey_steps"].create(
        {"id": int, "journey_id": int, "position": int, "name": str, "description": str},
        pk="id", not_null={"journey_id", "position", "name"},
        foreign_keys=[("journey_id", "journeys", "id")],
    )
    db["journey_steps"].create_index(["journey_id", "position"])
    db["journey_actors"].create(
        {"id": int, "journey_id": int, "position": int, "name": str, "kind": str,
         "stage": str, "description": str},
        pk="id", not_null={"journey_id", "position", "name", "stage"},
        foreign_keys=[("journey_id", "journeys", "id")],
    )
    db["journey_actors"].create_index(["journey_id", "position"])
    db["journey_parts"].create(
        {"id": int, "journey_id": int, "step_id": int, "actor_id": int, "health": str,
         "viewpoint": str, "note": str, "owner": str, "updated_at": str, "updated_by": str},
        pk="id", not_null={"journey_id", "step_id", "actor_id"},
        foreign_keys=[("journey_id", "journeys", "id"), ("step_id", "journey_steps", "id"),
                      ("actor_id", "journey_actors", "id")],
    )
    db["journey_parts"].create_index(["step_id", "actor_id"], unique=True)
    db["journey_parts"].create_index(["journey_id"])
    db["journey_parts"].create_index(["actor_id"])
    # No foreign key to interviews: that table belongs to another domain and may not exist.
    db["journey_evidence"].create(
        {"id": int, "part_id": int, "quote": str, "interview_id": int, "added_by": str,
         "added_at": str},
        pk="id", not_null={"part_id", "quote"},
        foreign_keys=[("part_id", "journey_parts", "id")],
    )
    db["journey_evidence"].create_index(["part_id"])
    # part_id without a foreign key: history outlives removed parts; names are copied in.
    db["journey_health_history"].create(
        {"id": int, "journey_id": int, "part_id": int, "step_id": int, "actor_id": int,
         "step_name": str, "actor_name": str, "at": str, "username": str,
         "from_health": str, "to_health": str, "note": str},
        pk="id", not_null={"journey_id", "part_id", "at", "username"},
        foreign_keys=[("journey_id", "journeys", "id")],
    )
    db["journey_health_history"].create_index(["journey_id", "at"])
    db["journey_health_history"].create_index(["part_id", "at"])
    db["actions"].create(
        {"id": int, "journey_id": int, "part_id": int, "step_name": str, "actor_name": str,
         "what": str, "owner": str, "due_date": str, "status": str, "created_by": str,
         "created_at": str, "updated_at": str, "closed_at": str, "closed_by": str},
        pk="id", not_null={"journey_id", "what", "status"}, defaults={"status": "open"},
        foreign_keys=[("journey_id", "journeys", "id"), ("part_id", "journey_parts", "id")],
    )
    db["actions"].create_index(["status", "due_date"])
    db["actions"].create_index(["part_id"])


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


# ---- helpers --------------------------------------------------------------------------------

def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _check_text(problems: list[Problem], field: str, value: Any, *, required: bool = False,
                row: int | None = None) -> str | None:
    """Validate a text field; returns the value to store (names are stripped of outer spaces)."""
    if value is not None and not isinstance(value, str):
        value = str(value)
    if required:
        value = (value or "").strip()
        if not value:
            problems.append(Problem(field, "is required", row))
            return None
    if value is not None and len(value) > MAX_TEXT:
        problems.append(Problem(field, f"is {len(value):,} characters long; the most is "
                                       f"{MAX_TEXT:,}", row))
    return value


def _check_choice(problems: list[Problem], field: str, value: Any, choices: Sequence[str], *,
                  row: int | None = None, allow_none: bool = False) -> str | None:
    if value is None or value == "":
        if allow_none:
            return None
        problems.append(Problem(field, f"is required (one of {', '.join(choices)})", row))
        return None
    value = str(value).strip().lower()
    if value not in choices:
        problems.append(Problem(field, f"'{value}' is not one of {', '.join(choices)}", row))
        return None
    return value


def _check_date(problems: list[Problem], field: str, value: Any, *,
                row: int | None = None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        problems.append(Problem(field, f"'{value}' is not a date (use YYYY-MM-DD)", row))
        return None


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)


def _one(session: WorkspaceSession, sql: str, params: Sequence[Any], what: str) -> dict:
    rows = list(session.db.query(sql, list(params)))
    if not rows:
        raise NotFound(f"{what} does not exist (it may have been removed).")
    return rows[0]


def _touch(session: WorkspaceSession, journey_id: int, at: str | None = None) -> None:
    session.db.execute("update journeys set updated_at = ? where id = ?",
                       [at or now_iso(), journey_id])


def step_references(session: WorkspaceSession, step_ids: Iterable[int]) -> dict[int, dict]:
    """How many rows of other tables point at each step: ``{step_id: {table: count}}``.

    Looks at every table with a ``journey_step_id`` column (survey responses, interviews, and
    whatever else is added later), so this module does not need to know them.
    """
    ids = [int(i) for i in step_ids]
    out: dict[int, dict] = {i: {} for i in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for table in session.db.table_names():
        cols = {c.name for c in session.db[table].columns}
        if "journey_step_id" not in cols:
            continue
        for step_id, n in session.db.execute(
                f"select journey_step_id, count(*) from [{table}] where journey_step_id in "
                f"({marks}) group by journey_step_id", ids).fetchall():
            out[step_id][table] = n
    return {k: v for k, v in out.items() if v}


def _reference_reason(refs: dict) -> str:
    listed = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in sorted(refs.items()))
    return (f"cannot be removed: {listed} refer to it. Rename it instead, or re-point those "
            f"records first")


# ---- journeys -------------------------------------------------------------------------------

def list_journeys(session: WorkspaceSession, *, include_archived: bool = False) -> list[dict]:
    """Journeys by name, each with step, actor, part and rating counts (one SQL query)."""
    return list(session.db.query(
        "select j.*, "
        " (select count(*) from journey_steps s where s.journey_id = j.id) as steps, "
        " (select count(*) from journey_actors a where a.journey_id = j.id) as actors, "
        " (select count(*) from journey_parts p where p.journey_id = j.id) as parts_total, "
        " (select count(health) from journey_parts p where p.journey_id = j.id) as parts_rated, "
        " (select count(*) from journey_parts p where p.journey_id = j.id "
        "    and p.health = 'red') as red "
        "from journeys j " + ("" if include_archived else "where j.archived = 0 ") +
        "order by j.name collate nocase, j.id"))


def get_journey(session: WorkspaceSession, journey_id: int) -> dict:
    """One journey's row; :class:`NotFound` if there is none."""
    return _one(session, "select * from journeys where id = ?", [journey_id], "That journey")


def _journey_fields(problems: list[Problem], fields: dict) -> dict:
    out = {}
    if "name" in fields:
        out["name"] = _check_text(problems, "journey name", fields["name"], required=True)
    for key, label in (("persona_name", "persona name"),
                       ("persona_description", "persona description"),
                       ("persona_goals", "persona goals"), ("problem", "problem")):
        if key in fields:
            out[key] = _check_text(problems, label, fields[key])
    unknown = set(fields) - {"name", "persona_name", "persona_description", "persona_goals",
                             "problem"}
    for key in sorted(unknown):
        problems.append(Problem(key, "is not a journey field"))
    return out


def create_journey(session: WorkspaceSession, name: str, *, persona_name: str = "",
                   persona_description: str = "", persona_goals: str = "",
                   problem: str = "") -> int:
    """Create an empty journey (editors); returns its id."""
    session.require("editor")
    problems: list[Problem] = []
    row = _journey_fields(problems, {
        "name": name, "persona_name": persona_name, "persona_description": persona_description,
        "persona_goals": persona_goals, "problem": problem})
    _raise(problems)
    now = now_iso()
    with session.db.atomic():
        journey_id = _insert_journey(session, row, now)
    session.log("create", "journey", journey_id, {"name": row["name"]})
    return journey_id


def _insert_journey(session: WorkspaceSession, row: dict, now: str) -> int:
    cur = session.db.execute(
        "insert into journeys (name, persona_name, persona_description, persona_goals, problem,"
        " created_by, created_at, updated_at, archived) values (?, ?, ?, ?, ?, ?, ?, ?, 0)",
        [row["name"], row.get("persona_name") or "", row.get("persona_description") or "",
         row.get("persona_goals") or "", row.get("problem") or "", session.username, now, now])
    return cur.lastrowid


def update_journey(session: WorkspaceSession, journey_id: int, **fields: Any) -> None:
    """Change a journey's name, persona (name, description, goals) or problem statement."""
    session.require("editor")
    get_journey(session, journey_id)
    problems: list[Problem] = []
    row = _journey_fields(problems, fields)
    _raise(problems)
    if not row:
        return
    sets = ", ".join(f"{k} = ?" for k in row)
    with session.db.atomic():
        session.db.execute(f"update journeys set {sets}, updated_at = ? where id = ?",
                           [*row.values(), now_iso(), journey_id])
    session.log("update", "journey", journey_id, sorted(row))


def set_archived(session: WorkspaceSession, journey_id: int, archived: bool = True) -> None:
    """Archive a journey (hidden from lists and coverage, all data kept) or restore it."""
    session.require("editor")
    get_journey(session, journey_id)
    with session.db.atomic():
        session.db.execute("update journeys set archived = ?, updated_at = ? where id = ?",
                           [int(archived), now_iso(), journey_id])
    session.log("archive" if archived else "restore", "journey", journey_id)


def delete_journey(session: WorkspaceSession, journey_id: int) -> None:
    """Delete a journey with its steps, actors, parts, evidence, history and actions (owners).

    Refused, like removing a step, while survey responses or interviews refer to its steps.
    """
    session.require("owner")
    journey = get_journey(session, journey_id)
    steps = [r["id"] for r in session.db.query(
        "select id from journey_steps where journey_id = ?", [journey_id])]
    refs = step_references(session, steps)
    if refs:
        total: dict[str, int] = {}
        for per_table in refs.values():
            for table, n in per_table.items():
                total[table] = total.get(table, 0) + n
        raise ValidationError(Problem("journey", "its steps " + _reference_reason(total)))
    with session.db.atomic():
        for sql in (
                "delete from actions where journey_id = ?",
                "delete from journey_evidence where part_id in "
                "(select id from journey_parts where journey_id = ?)",
                "delete from journey_health_history where journey_id = ?",
                "delete from journey_parts where journey_id = ?",
                "delete from journey_actors where journey_id = ?",
                "delete from journey_steps where journey_id = ?",
                "delete from journeys where id = ?"):
            session.db.execute(sql, [journey_id])
    session.log("delete", "journey", journey_id, {"name": journey["name"]})


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


# ---- steps ----------------------------------------------------------------------------------

def list_steps(session: WorkspaceSession, journey_id: int) -> list[dict]:
    """The journey's steps in order, each with its 1-based ``position``."""
    return list(session.db.query(
        "select * from journey_steps where journey_id = ? order by position, id", [journey_id]))


def _renumber_steps(session: WorkspaceSession, ordered_ids: list[int]) -> None:
    for pos, step_id in enumerate(ordered_ids, start=1):
        session.db.execute("update journey_steps set position = ? where id = ?", [pos, step_id])


def add_step(session: WorkspaceSession, journey_id: int, name: str, description: str = "", *,
             position: int | None = None) -> int:
    """Add a step at ``position`` (1-based; default last); returns the new step's id."""
    session.require("editor")
    get_journey(session, journey_id)
    problems: list[Problem] = []
    name = _check_text(problems, "step name", name, required=True)
    description = _check_text(problems, "step description", description)
    _raise(problems)
    ids = [s["id"] for s in list_steps(session, journey_id)]
    with session.db.atomic():
        step_id = session.db.execute(
            "insert into journey_steps (journey_id, position, name, description) "
            "values (?, ?, ?, ?)", [journey_id, len(ids) + 1, name, description or ""]).lastrowid
        where = len(ids) if position is None else max(0, min(len(ids), int(position) - 1))
        ids.insert(where, step_id)
        _renumber_steps(session, ids)
        _touch(session, journey_id)
    session.log("add", "journey_step", step_id, {"journey": journey_id, "name": name})
    return step_id


def get_step(session: WorkspaceSession, step_id: int) -> dict:
    """One step's row; :class:`NotFound` if there is none."""
    return _one(session, "select * from journey_steps where id = ?", [step_id], "That step")


def rename_step(session: WorkspaceSession, step_id: int, name: str,
                description: str | None = None) -> None:
    """Rename a step (and optionally change its description); its id stays the same."""
    session.require("editor")
    step = get_step(session, step_id)
    problems: list[Problem] = []
    name = _check_text(problems, "step name", name, required=True)
    description = _check_text(problems, "step description", description)
    _raise(problems)
    with session.db.atomic():
        session.db.execute(
            "update journey_steps set name = ?, description = coalesce(?, description) "
            "where id = ?", [name, description, step_id])
        _touch(session, step["journey_id"])
    session.log("rename", "journey_step", step_id, {"name": name})


def move_step(session: WorkspaceSession, step_id: int, position: int) -> None:
    """Move a step to ``position`` (1-based, clamped to the ends); the others close up."""
    session.require("editor")
    step = get_step(session, step_id)
    ids = [s["id"] for s in list_steps(session, step["journey_id"])]
    ids.remove(step_id)
    ids.insert(max(0, min(len(ids), int(position) - 1)), step_id)
    with session.db.atomic():
        _renumber_steps(session, ids)
        _touch(session, step["journey_id"])
    session.log("move", "journey_step", step_id, {"position": ids.index(step_id) + 1})


def _remove_parts(session: WorkspaceSession, where: str, params: list[Any], now: str) -> None:
    """Delete parts matching ``where`` inside the caller's transaction: a rated part leaves a
    history row going to no rating, its actions are kept but detached, its evidence goes."""
    rows = list(session.db.query(
        "select p.id, p.journey_id, p.step_id, p.actor_id, p.health, s.name as step_name, "
        "a.name as actor_name from journey_parts p join journey_steps s on s.id = p.step_id "
        f"join journey_actors a on a.id = p.actor_id where {where}", params))
    for p in rows:
        if p["health"]:
            _insert_history(session, p, p["health"], None, "Removed from the map", now)
        session.db.execute(
            "update actions set part_id = null, step_name = ?, actor_name = ? where part_id = ?",
            [p["step_name"], p["actor_name"], p["id"]])
        session.db.execute("delete from journey_evidence where part_id = ?", [p["id"]])
        session.db.execute("delete from journey_parts where id = ?", [p["id"]])


def remove_step(session: WorkspaceSession, step_id: int) -> None:
    """Remove a step and its parts (history and actions are kept).

    Refused with a :class:`ValidationError` while survey responses or interviews refer to the
    step: silently detaching them would lose which step a customer was talking about.
    """
    session.require("editor")
    step = get_step(session, step_id)
    refs = step_references(session, [step_id])
    if refs:
        raise ValidationError(Problem(f"step '{step['name']}'", _reference_reason(refs[step_id])))
    now = now_iso()
    with session.db.atomic():
        _remove_parts(session, "p.step_id = ?", [step_id], now)
        session.db.execute("delete from journey_steps where id = ?", [step_id])
        _renumber_steps(session, [s["id"] for s in list_steps(session, step["journey_id"])])
        _touch(session, step["journey_id"], now)
    session.log("remove", "journey_step", step_id, {"name": step["name"]})


def _edited_row_id(problems: list[Problem], noun: str, row: dict, n: int,
                   current: dict[int, dict], seen: set[int | None]) -> tuple[bool, int | None]:
    """The id of row ``n`` of an edited table of steps or actors (``noun``): ``(True, None)``
    for a new row, ``(True, id)`` for an existing one (added to ``seen``). An id that is not in
    ``current`` or was seen before adds a problem and gives ``(False, None)``."""
    item_id = row.get("id")
    item_id = None if item_id is None or item_id != item_id or item_id == "" else int(item_id)
    if item_id is not None and item_id not in current:
        problems.append(Problem("id", f"{noun} {item_id} is not part of this journey", n))
        return False, None
    if item_id is not None and item_id in seen:
        problems.append(Problem("id", f"{noun} {item_id} appears twice", n))
        return False, None
    seen.add(item_id)
    return True, item_id


def _log_table_save(session: WorkspaceSession, table: str, journey_id: int, added: int,
                    changed: int, removed: int) -> dict:
    """The counts a ``save_*`` of an edited table returns, logged when anything changed."""
    result = {"added": added, "changed": changed, "removed": removed}
    if any(result.values()):
        session.log("save", table, journey_id, result)
    return result


def save_steps(session: WorkspaceSession, journey_id: int, rows: Sequence[dict]) -> dict:
    """Make the journey's steps match an edited table, in one go.

    ``rows`` in the wanted order, each ``{"id": existing id or None, "name", "description"}``.
    Rows with an id rename/move that step (its id is kept); rows without one are new steps;
    existing steps missing from ``rows`` are removed. Everything is checked first (row numbers
    are 1-based positions in ``rows``); on any problem nothing changes. Returns counts of
    ``added``, ``changed``, ``removed``.
    """
    session.require("editor")
    get_journey(session, journey_id)
    current = {s["id"]: s for s in list_steps(session, journey_id)}
    problems: list[Problem] = []
    clean, seen = [], set()
    for n, row in enumerate(rows, start=1):
        ok, step_id = _edited_row_id(problems, "step", row, n, current, seen)
        if not ok:
            continue
        name = _check_text(problems, "step name", row.get("name"), required=True, row=n)
        desc = _check_text(problems, "step description", row.get("description"), row=n)
        clean.append((step_id, name, desc or ""))
    removed = [i for i in current if i not in seen]
    refs = step_references(session, removed)
    for step_id, per_table in refs.items():
        problems.append(Problem(f"step '{current[step_id]['name']}'",
                                _reference_reason(per_table)))
    _raise(problems)
    added = changed = 0
    now = now_iso()
    with session.db.atomic():
        for step_id in removed:
            _remove_parts(session, "p.step_id = ?", [step_id], now)
            session.db.execute("delete from journey_steps where id = ?", [step_id])
        ordered = []
        for pos, (step_id, name, desc) in enumerate(clean, start=1):
            if step_id is None:
                step_id = session.db.execute(
                    "insert into journey_steps (journey_id, position, name, description) "
                    "values (?, ?, ?, ?)", [journey_id, pos, name, desc]).lastrowid
                added += 1
            else:
                old = current[step_id]
                if (old["name"], old["description"] or "", old["position"]) != (name, desc, pos):
                    changed += 1
                session.db.execute(
                    "update journey_steps set name = ?, description = ? where id = ?",
                    [name, desc, step_id])
            ordered.append(step_id)
        _renumber_steps(session, ordered)
        _touch(session, journey_id, now)
    return _log_table_save(session, "journey_steps", journey_id, added, changed, len(removed))


# ---- actors ---------------------------------------------------------------------------------

def list_actors(session: WorkspaceSession, journey_id: int) -> list[dict]:
    """The journey's actors as the map shows them: frontstage first, then by position."""
    return list(session.db.query(
        "select * from journey_actors where journey_id = ? "
        "order by case stage when 'frontstage' then 0 else 1 end, position, id", [journey_id]))


def get_actor(session: WorkspaceSession, actor_id: int) -> dict:
    """One actor's row; :class:`NotFound` if there is none."""
    return _one(session, "select * from journey_actors where id = ?", [actor_id], "That actor")


def _renumber_actors(session: WorkspaceSession, journey_id: int) -> None:
    for pos, actor in enumerate(list_actors(session, journey_id), start=1):
        session.db.execute("update journey_actors set position = ? where id = ?",
                           [pos, actor["id"]])


def _actor_fields(problems: list[Problem], fields: dict, row: int | None = None) -> dict:
    out = {}
    if "name" in fields:
        out["name"] = _check_text(problems, "actor name", fields["name"], required=True, row=row)
    if "stage" in fields:
        out["stage"] = _check_choice(problems, "stage", fields["stage"], STAGES, row=row)
    if "kind" in fields:
        out["kind"] = _check_choice(problems, "kind", fields["kind"], ACTOR_KINDS, row=row,
                                    allow_none=True)
    if "description" in fields:
        out["description"] = _check_text(problems, "actor description", fields["description"],
                                          row=row) or ""
    return out


def add_actor(session: WorkspaceSession, journey_id: int, name: str, stage: str, *,
              kind: str | None = None, description: str = "",
              steps: Iterable[int] = ()) -> int:
    """Add an actor at the end of its side of the line, taking part in ``steps`` (step ids)."""
    session.require("editor")
    get_journey(session, journey_id)
    problems: list[Problem] = []
    row = _actor_fields(problems, {"name": name, "stage": stage, "kind": kind,
                                   "description": description})
    step_ids = [int(s) for s in steps]
    valid = {s["id"] for s in list_steps(session, journey_id)}
    for s in step_ids:
        if s not in valid:
            problems.append(Problem("steps", f"step {s} is not part of this journey"))
    _raise(problems)
    now = now_iso()
    with session.db.atomic():
        actor_id = session.db.execute(
            "insert into journey_actors (journey_id, position, name, kind, stage, description) "
            "values (?, 1000000, ?, ?, ?, ?)",
            [journey_id, row["name"], row["kind"], row["stage"], row["description"]]).lastrowid
        for s in dict.fromkeys(step_ids):
            session.db.execute(
                "insert into journey_parts (journey_id, step_id, actor_id, updated_at, "
                "updated_by) values (?, ?, ?, ?, ?)", [journey_id, s, actor_id, now,
                                                       session.username])
        _renumber_actors(session, journey_id)
        _touch(session, journey_id, now)
    session.log("add", "journey_actor", actor_id, {"journey": journey_id, "name": row["name"]})
    return actor_id


def update_actor(session: WorkspaceSession, actor_id: int, **fields: Any) -> None:
    """Rename an actor, change its kind or description, or move it across the line
    (``stage="frontstage"``/``"backstage"``: it goes to the end of that side)."""
    session.require("editor")
    actor = get_actor(session, actor_id)
    problems: list[Problem] = []
    row = _actor_fields(problems, fields)
    for key in sorted(set(fields) - {"name", "stage", "kind", "description"}):
        problems.append(Problem(key, "is not an actor field"))
    _raise(problems)
    if not row:
        return
    crossing = "stage" in row and row["stage"] != actor["stage"]
    sets = ", ".join(f"{k} = ?" for k in row)
    with session.db.atomic():
        session.db.execute(f"update journey_actors set {sets} where id = ?",
                           [*row.values(), actor_id])
        if crossing:
            session.db.execute("update journey_actors set position = 1000000 where id = ?",
                               [actor_id])
            _renumber_actors(session, actor["journey_id"])
        _touch(session, actor["journey_id"])
    session.log("update", "journey_actor", actor_id, row)


def move_actor(session: WorkspaceSession, actor_id: int, position: int) -> None:
    """Move an actor to ``position`` (1-based) among the actors on its side of the line."""
    session.require("editor")
    actor = get_actor(session, actor_id)
    same_side = [a["id"] for a in list_actors(session, actor["journey_id"])
                 if a["stage"] == actor["stage"] and a["id"] != actor_id]
    same_side.insert(max(0, min(len(same_side), int(position) - 1)), actor_id)
    with session.db.atomic():
        for pos, a in enumerate(same_side, start=1):
            session.db.execute("update journey_actors set position = ? where id = ?", [pos, a])
        _renumber_actors(session, actor["journey_id"])
        _touch(session, actor["journey_id"])
    session.log("move", "journey_actor", actor_id, {"position": same_side.index(actor_id) + 1})


def remove_actor(session: WorkspaceSession, actor_id: int) -> None:
    """Remove an actor and its parts; history stays and its actions are kept, detached."""
    session.require("editor")
    actor = get_actor(session, actor_id)
    now = now_iso()
    with session.db.atomic():
        _remove_parts(session, "p.actor_id = ?", [actor_id], now)
        session.db.execute("delete from journey_actors where id = ?", [actor_id])
        _renumber_actors(session, actor["journey_id"])
        _touch(session, actor["journey_id"], now)
    session.log("remove", "journey_actor", actor_id, {"name": actor["name"]})


def save_actors(session: WorkspaceSession, journey_id: int, rows: Sequence[dict]) -> dict:
    """Make the journey's actors match an edited table, in one go.

    ``rows`` in the wanted order, each ``{"id": existing id or None, "name", "stage", "kind",
    "description"}``; the map keeps frontstage actors above backstage ones, each side in the
    order given. New rows take part in no step yet; removed actors lose their parts. Checked
    first (1-based row numbers), nothing changes on any problem. Returns ``added``, ``changed``,
    ``removed`` counts.
    """
    session.require("editor")
    get_journey(session, journey_id)
    current = {a["id"]: a for a in list_actors(session, journey_id)}
    problems: list[Problem] = []
    clean, seen = [], set()
    for n, row in enumerate(rows, start=1):
        ok, actor_id = _edited_row_id(problems, "actor", row, n, current, seen)
        if not ok:
            continue
        fields = _actor_fields(problems, {"name": row.get("name"), "stage": row.get("stage"),
                                          "kind": row.get("kind"),
                                          "description": row.get("description")}, row=n)
        clean.append((actor_id, fields))
    _raise(problems)
    removed = [i for i in current if i not in seen]
    added = changed = 0
    now = now_iso()
    with session.db.atomic():
        for actor_id in removed:
            _remove_parts(session, "p.actor_id = ?", [actor_id], now)
            session.db.execute("delete from journey_actors where id = ?", [actor_id])
        for pos, (actor_id, f) in enumerate(clean, start=1):
            values = [f["name"], f["kind"], f["stage"], f["description"], pos]
            if actor_id is None:
                session.db.execute(
                    "insert into journey_actors (name, kind, stage, description, position, "
                    "journey_id) values (?, ?, ?, ?, ?, ?)", [*values, journey_id])
                added += 1
            else:
                old = current[actor_id]
                if [old["name"], old["kind"], old["stage"], old["description"] or ""] != \
                        values[:4] or old["position"] != pos:
                    changed += 1
                session.db.execute(
                    "update journey_actors set name = ?, kind = ?, stage = ?, description = ?, "
                    "position = ? where id = ?", [*values, actor_id])
        _renumber_actors(session, journey_id)
        _touch(session, journey_id, now)
    return _log_table_save(session, "journey_actors", journey_id, added, changed, len(removed))


# ---- parts and health -----------------------------------------------------------------------

def list_parts(session: WorkspaceSession, journey_id: int) -> list[dict]:
    """Every part of the journey with its step and actor (names, order, side of the line),
    in map order: steps left to right, actors frontstage first."""
    return list(session.db.query(
        "select p.*, s.name as step_name, s.position as step_position, a.name as actor_name, "
        "a.kind as actor_kind, a.stage, a.position as actor_position, "
        "(select count(*) from journey_evidence e where e.part_id = p.id) as evidence_count, "
        "(select count(*) from actions x where x.part_id = p.id and x.status != 'done') "
        "  as open_actions "
        "from journey_parts p join journey_steps s on s.id = p.step_id "
        "join journey_actors a on a.id = p.actor_id where p.journey_id = ? "
        "order by s.position, case a.stage when 'frontstage' then 0 else 1 end, a.position",
        [journey_id]))


def get_part(session: WorkspaceSession, part_id: int) -> dict:
    """One part with its step and actor names; :class:`NotFound` if there is none."""
    return _one(session,
                "select p.*, s.name as step_name, a.name as actor_name, a.stage "
                "from journey_parts p join journey_steps s on s.id = p.step_id "
                "join journey_actors a on a.id = p.actor_id where p.id = ?", [part_id],
                "That part of the map")


def set_involvement(session: WorkspaceSession, step_id: int, actor_id: int,
                    involved: bool) -> int | None:
    """Mark whether an actor takes part in a step (creates or removes the part).

    Returns the part id (``None`` once removed). Removing a rated part keeps its history.
    """
    session.require("editor")
    step, actor = get_step(session, step_id), get_actor(session, actor_id)
    if step["journey_id"] != actor["journey_id"]:
        raise ValidationError(Problem("actor", "belongs to another journey than the step"))
    now = now_iso()
    # The check and the change share one write transaction: two people ticking the same box
    # at once make one part, not two.
    with session.db.atomic():
        existing = session.db.execute(
            "select id from journey_parts where step_id = ? and actor_id = ?",
            [step_id, actor_id]).fetchone()
        if involved and existing is None:
            part_id = session.db.execute(
                "insert into journey_parts (journey_id, step_id, actor_id, updated_at, "
                "updated_by) values (?, ?, ?, ?, ?)",
                [step["journey_id"], step_id, actor_id, now, session.username]).lastrowid
            _touch(session, step["journey_id"], now)
            session.log("involve", "journey_part", part_id)
            return part_id
        if not involved and existing is not None:
            _remove_parts(session, "p.id = ?", [existing[0]], now)
            _touch(session, step["journey_id"], now)
            session.log("uninvolve", "journey_part", existing[0])
            return None
    return existing[0] if existing else None


def _insert_history(session: WorkspaceSession, part: dict, from_health: str | None,
                    to_health: str | None, note: str | None, at: str) -> None:
    session.db.execute(
        "insert into journey_health_history (journey_id, part_id, step_id, actor_id, step_name,"
        " actor_name, at, username, from_health, to_health, note) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [part["journey_id"], part["id"], part["step_id"], part["actor_id"], part["step_name"],
         part["actor_name"], at, session.username, from_health, to_health, note])


_UNSET: Any = object()


def set_health(session: WorkspaceSession, step_id: int, actor_id: int, health: str | None, *,
               note: str | None = None, viewpoint: Any = _UNSET, owner: Any = _UNSET,
               at: str | dt.datetime | None = None) -> int:
    """Rate the part where ``actor_id`` meets ``step_id``: ``green``, ``yellow``, ``red`` or
    ``None`` (not rated). Creates the part if the actor was not yet involved in the step.

    ``note`` says why (it replaces the part's note when given); ``viewpoint`` whose view it is;
    ``owner`` who looks after this part. A history row (who, when, from, to, note) is written
    whenever the health changes, or the same health is confirmed with a new note. ``at`` backdates
    the change (imports and the demo); default now. Returns the part id.
    """
    session.require("editor")
    problems: list[Problem] = []
    health = _check_choice(problems, "health", health, HEALTHS, allow_none=True)
    note = _check_text(problems, "note", note)
    fields = {}
    if viewpoint is not _UNSET:
        fields["viewpoint"] = _check_text(problems, "whose view", viewpoint)
    if owner is not _UNSET:
        fields["owner"] = _check_text(problems, "owner", owner)
    if isinstance(at, dt.datetime):
        at = at.replace(microsecond=0).isoformat()
    elif at is not None:
        try:
            dt.datetime.fromisoformat(str(at))
        except ValueError:
            problems.append(Problem("at", f"'{at}' is not a date and time"))
    _raise(problems)
    step, actor = get_step(session, step_id), get_actor(session, actor_id)
    if step["journey_id"] != actor["journey_id"]:
        raise ValidationError(Problem("actor", "belongs to another journey than the step"))
    when = str(at) if at else now_iso()
    with session.db.atomic():
        row = session.db.execute(
            "select id, health, note from journey_parts where step_id = ? and actor_id = ?",
            [step_id, actor_id]).fetchone()
        if row is None:
            part_id = session.db.execute(
                "insert into journey_parts (journey_id, step_id, actor_id, updated_at, "
                "updated_by) values (?, ?, ?, ?, ?)",
                [step["journey_id"], step_id, actor_id, when, session.username]).lastrowid
            old_health, old_note = None, None
        else:
            part_id, old_health, old_note = row
        changed = health != old_health or (note is not None and note != (old_note or ""))
        sets = {"health": health, "updated_at": when, "updated_by": session.username, **fields}
        if note is not None:
            sets["note"] = note
        session.db.execute(
            f"update journey_parts set {', '.join(f'{k} = ?' for k in sets)} where id = ?",
            [*sets.values(), part_id])
        if changed:
            _insert_history(session, {"id": part_id, "journey_id": step["journey_id"],
                                      "step_id": step_id, "actor_id": actor_id,
                                      "step_name": step["name"], "actor_name": actor["name"]},
                            old_health, health, note, when)
        _touch(session, step["journey_id"], when)
    session.log("rate", "journey_part", part_id, {"from": old_health, "to": health})
    return part_id


def update_part(session: WorkspaceSession, part_id: int, **fields: Any) -> None:
    """Change a part's ``note``, ``viewpoint`` (whose view) or ``owner`` without re-rating it."""
    session.require("editor")
    part = get_part(session, part_id)
    problems: list[Problem] = []
    labels = {"note": "note", "viewpoint": "whose view", "owner": "owner"}
    clean = {}
    for key, value in fields.items():
        if key not in labels:
            problems.append(Problem(key, "is not a part field"))
        else:
            clean[key] = _check_text(problems, labels[key], value)
    _raise(problems)
    if not clean:
        return
    now = now_iso()
    with session.db.atomic():
        session.db.execute(
            f"update journey_parts set {', '.join(f'{k} = ?' for k in clean)}, updated_at = ?, "
            "updated_by = ? where id = ?", [*clean.values(), now, session.username, part_id])
        _touch(session, part["journey_id"], now)
    session.log("update", "journey_part", part_id, sorted(clean))


def add_evidence(session: WorkspaceSession, part_id: int, quote: str,
                 interview_id: int | None = None) -> int:
    """Attach a quote (optionally from interview ``interview_id``) as evidence for a part."""
    session.require("editor")
    get_part(session, part_id)
    problems: list[Problem] = []
    quote = _check_text(problems, "quote", quote, required=True)
    if interview_id not in (None, ""):
        try:
            interview_id = int(interview_id)
        except (TypeError, ValueError):
            problems.append(Problem("interview", f"'{interview_id}' is not an interview number"))
    else:
        interview_id = None
    _raise(problems)
    with session.db.atomic():
        ev_id = session.db.execute(
            "insert into journey_evidence (part_id, quote, interview_id, added_by, added_at) "
            "values (?, ?, ?, ?, ?)",
            [part_id, quote, interview_id, session.username, now_iso()]).lastrowid
    session.log("add", "journey_evidence", ev_id, {"part": part_id})
    return ev_id


def list_evidence(session: WorkspaceSession, part_id: int) -> list[dict]:
    """A part's evidence quotes, oldest first."""
    return list(session.db.query(
        "select * from journey_evidence where part_id = ? order by id", [part_id]))


def remove_evidence(session: WorkspaceSession, evidence_id: int) -> None:
    """Remove one evidence quote."""
    session.require("editor")
    _one(session, "select id from journey_evidence where id = ?", [evidence_id], "That quote")
    with session.db.atomic():
        session.db.execute("delete from journey_evidence where id = ?", [evidence_id])
    session.log("remove", "journey_evidence", evidence_id)


# ---- history --------------------------------------------------------------------------------

def health_history(session: WorkspaceSession, journey_id: int, *,
                   since: dt.date | str | None = None, part_id: int | None = None) -> list[dict]:
    """Health changes of a journey, newest first: when, who, step, actor, from, to, note.

    ``since`` keeps changes on or after that date ("what changed since the last meeting");
    ``part_id`` keeps one part's changes.
    """
    sql = "select * from journey_health_history where journey_id = ?"
    params: list[Any] = [journey_id]
    if since:
        sql += " and date(at) >= date(?)"
        params.append(since.isoformat() if isinstance(since, dt.date) else str(since))
    if part_id is not None:
        sql += " and part_id = ?"
        params.append(part_id)
    return list(session.db.query(sql + " order by at desc, id desc", params))


def changes_since(session: WorkspaceSession, journey_id: int, since: dt.date | str) -> dict:
    """What changed since a date: health changes (newest first) plus the net effect per part.

    ``net`` lists each part touched since ``since`` with its health just before that date and
    its health now (``before``/``after``), so a meeting sees "3 parts got better, 1 got worse".
    Improvement compares the order red < yellow < green (not rated counts as unknown).
    """
    since_s = since.isoformat() if isinstance(since, dt.date) else str(since)
    changes = health_history(session, journey_id, since=since_s)
    net = list(session.db.query(
        "with touched as (select distinct part_id from journey_health_history "
        "  where journey_id = :j and date(at) >= date(:s)), "
        "before as (select part_id, to_health, row_number() over (partition by part_id "
        "  order by at desc, id desc) rn from journey_health_history "
        "  where journey_id = :j and date(at) < date(:s)), "
        "after as (select part_id, to_health, step_name, actor_name, row_number() over "
        "  (partition by part_id order by at desc, id desc) rn from journey_health_history "
        "  where journey_id = :j) "
        "select t.part_id, a.step_name, a.actor_name, b.to_health as before, "
        "  a.to_health as after from touched t "
        "join after a on a.part_id = t.part_id and a.rn = 1 "
        "left join before b on b.part_id = t.part_id and b.rn = 1 "
        "order by a.step_name, a.actor_name", {"j": journey_id, "s": since_s}))
    rank = {"red": 0, "yellow": 1, "green": 2}
    better = worse = 0
    for row in net:
        b, a = rank.get(row["before"]), rank.get(row["after"])
        row["direction"] = ("better" if b is not None and a is not None and a > b else
                            "worse" if b is not None and a is not None and a < b else
                            "same" if a == b else "changed")
        better += row["direction"] == "better"
        worse += row["direction"] == "worse"
    return {"since": since_s, "changes": changes, "net": net, "better": better, "worse": worse}


def health_over_time(session: WorkspaceSession, journey_id: int, *,
                     start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
    """Weekly snapshots of the journey's health, computed in SQL from the history.

    For each week end (``start``, ``start`` + 7 days, ... up to ``end``; default from the first
    recorded change to today) every part's health is its latest history value on or before that
    day. Returns ``week_end``, ``green``, ``yellow``, ``red``, ``rated`` and
    ``share_green`` = green / rated (``None`` when nothing is rated).
    """
    if start is None:
        first = session.db.execute(
            "select min(date(at)) from journey_health_history where journey_id = ?",
            [journey_id]).fetchone()[0]
        if first is None:
            return []
        start = dt.date.fromisoformat(first)
    end = end or dt.date.today()
    if end < start:
        return []
    rows = list(session.db.query(
        "with recursive weeks(week_end) as (select date(:start) union all "
        "  select date(week_end, '+7 days') from weeks where date(week_end, '+7 days') "
        "  <= date(:end)), "
        "latest as (select w.week_end, h.to_health, row_number() over (partition by "
        "  w.week_end, h.part_id order by h.at desc, h.id desc) as rn from weeks w "
        "  join journey_health_history h on h.journey_id = :j and date(h.at) <= w.week_end) "
        "select w.week_end, "
        "  coalesce(sum(l.to_health = 'green'), 0) as green, "
        "  coalesce(sum(l.to_health = 'yellow'), 0) as yellow, "
        "  coalesce(sum(l.to_health = 'red'), 0) as red, count(l.to_health) as rated "
        "from weeks w left join latest l on l.week_end = w.week_end and l.rn = 1 "
        "group by w.week_end order by w.week_end",
        {"start": start.isoformat(), "end": end.isoformat(), "j": journey_id}))
    for row in rows:
        row["share_green"] = row["green"] / row["rated"] if row["rated"] else None
    return rows


def journey_summary(session: WorkspaceSession, journey_id: int) -> dict:
    """Counts for the map's side panel.

    ``green``/``yellow``/``red``/``unrated``/``parts_total``; ``reddest_step``: the step with the
    most red parts (ties: most yellow, then earliest), ``None`` when nothing is red or yellow;
    ``unrated_parts``: the parts not yet rated, in map order.
    """
    counts = session.db.execute(
        "select count(*), coalesce(sum(health = 'green'), 0), coalesce(sum(health = 'yellow'), 0),"
        " coalesce(sum(health = 'red'), 0) from journey_parts where journey_id = ?",
        [journey_id]).fetchone()
    total, green, yellow, red = counts
    worst = session.db.execute(
        "select s.id, s.name, sum(p.health = 'red') as red, sum(p.health = 'yellow') as yellow "
        "from journey_steps s join journey_parts p on p.step_id = s.id "
        "where s.journey_id = ? group by s.id having red + yellow > 0 "
        "order by red desc, yellow desc, s.position limit 1", [journey_id]).fetchone()
    unrated = list(session.db.query(
        "select p.id, s.name as step_name, a.name as actor_name, a.stage from journey_parts p "
        "join journey_steps s on s.id = p.step_id join journey_actors a on a.id = p.actor_id "
        "where p.journey_id = ? and p.health is null order by s.position, "
        "case a.stage when 'frontstage' then 0 else 1 end, a.position", [journey_id]))
    return {
        "parts_total": total, "green": green, "yellow": yellow, "red": red,
        "unrated": total - green - yellow - red,
        "reddest_step": None if worst is None else {
            "id": worst[0], "name": worst[1], "red": worst[2], "yellow": worst[3]},
        "unrated_parts": unrated,
    }


def journey_coverage(session: WorkspaceSession) -> list[dict]:
    """Per journey (not archived): ``journey_id``, ``name``, ``parts_total``, ``parts_rated``.

    A part is an actor at a step where the actor takes part (see the module docstring), so
    ``parts_total`` counts the involved (actor, step) pairs and ``parts_rated`` those with a
    green, yellow or red health. The program checklist's step 6 reads this.
    """
    return list(session.db.query(
        "select j.id as journey_id, j.name, count(p.id) as parts_total, "
        "count(p.health) as parts_rated from journeys j "
        "left join journey_parts p on p.journey_id = j.id where j.archived = 0 "
        "group by j.id order by j.name collate nocase, j.id"))


# ---- actions --------------------------------------------------------------------------------

def add_action(session: WorkspaceSession, part_id: int, what: str, *, owner: str = "",
               due_date: dt.date | str | None = None, status: str = "open") -> int:
    """Add an action to a red or yellow part: what will be done, by whom, by when."""
    session.require("editor")
    part = get_part(session, part_id)
    problems: list[Problem] = []
    what = _check_text(problems, "what", what, required=True)
    owner = _check_text(problems, "owner", owner)
    due = _check_date(problems, "due date", due_date)
    status = _check_choice(problems, "status", status, ACTION_STATUSES)
    if part["health"] not in ("red", "yellow"):
        problems.append(Problem(
            "part", f"'{part['actor_name']}' at '{part['step_name']}' is "
                    f"{part['health'] or 'not rated'}; actions are for red or yellow parts"))
    _raise(problems)
    now = now_iso()
    with session.db.atomic():
        action_id = session.db.execute(
            "insert into actions (journey_id, part_id, step_name, actor_name, what, owner, "
            "due_date, status, created_by, created_at, updated_at, closed_at, closed_by) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [part["journey_id"], part_id, part["step_name"], part["actor_name"], what,
             owner or "", due, status, session.username, now, now,
             now if status == "done" else None,
             session.username if status == "done" else None]).lastrowid
    session.log("add", "action", action_id, {"part": part_id})
    return action_id


def get_action(session: WorkspaceSession, action_id: int) -> dict:
    """One action (see :func:`list_actions` for the columns); :class:`NotFound` if none."""
    rows = list_actions(session, action_id=action_id)
    if not rows:
        raise NotFound("That action does not exist (it may have been removed).")
    return rows[0]


def update_action(session: WorkspaceSession, action_id: int, **fields: Any) -> None:
    """Change an action's ``what``, ``owner``, ``due_date`` or ``status``.

    Setting ``status="done"`` stamps who closed it and when (see :func:`close_action`).
    """
    session.require("editor")
    get_action(session, action_id)
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key == "what":
            clean[key] = _check_text(problems, "what", value, required=True)
        elif key == "owner":
            clean[key] = _check_text(problems, "owner", value) or ""
        elif key == "due_date":
            clean[key] = _check_date(problems, "due date", value)
        elif key == "status":
            clean[key] = _check_choice(problems, "status", value, ACTION_STATUSES)
        else:
            problems.append(Problem(key, "is not an action field"))
    _raise(problems)
    if not clean:
        return
    now = now_iso()
    if "status" in clean:
        done = clean["status"] == "done"
        clean["closed_at"] = now if done else None
        clean["closed_by"] = session.username if done else None
    with session.db.atomic():
        session.db.execute(
            f"update actions set {', '.join(f'{k} = ?' for k in clean)}, updated_at = ? "
            "where id = ?", [*clean.values(), now, action_id])
    session.log("update", "action", action_id, sorted(clean))


def close_action(session: WorkspaceSession, action_id: int) -> dict:
    """Mark an action done and return it, so the caller can prompt a re-rating of its part
    (``part_id``, ``step_id``, ``actor_id``, ``health``; ``part_id`` is ``None`` when the part
    has since been removed)."""
    update_action(session, action_id, status="done")
    return get_action(session, action_id)


def list_actions(session: WorkspaceSession, *, status: str | Sequence[str] | None = None,
                 journey_id: int | None = None, owner: str | None = None,
                 overdue_only: bool = False, today: dt.date | None = None,
                 action_id: int | None = None) -> list[dict]:
    """Actions across all journeys, filtered in SQL, overdue first then by due date.

    Each row has the action's columns plus ``journey_name``, the current ``step_name`` and
    ``actor_name`` (or the names at removal, for detached actions), ``step_id``, ``actor_id``,
    the part's current ``health`` and ``overdue``: 1 when not done and ``due_date`` < ``today``.
    """
    today_s = (today or dt.date.today()).isoformat()
    sql = (
        "select x.id, x.journey_id, j.name as journey_name, x.part_id, p.step_id, p.actor_id, "
        "coalesce(s.name, x.step_name) as step_name, coalesce(a.name, x.actor_name) "
        "as actor_name, p.health, x.what, x.owner, x.due_date, x.status, x.created_by, "
        "x.created_at, x.updated_at, x.closed_at, x.closed_by, "
        "(x.status != 'done' and x.due_date is not null and x.due_date < :today) as overdue "
        "from actions x join journeys j on j.id = x.journey_id "
        "left join journey_parts p on p.id = x.part_id "
        "left join journey_steps s on s.id = p.step_id "
        "left join journey_actors a on a.id = p.actor_id where 1 = 1")
    params: dict[str, Any] = {"today": today_s}
    if action_id is not None:
        sql += " and x.id = :id"
        params["id"] = action_id
    if status:
        statuses = [status] if isinstance(status, str) else list(status)
        marks = ", ".join(f":st{i}" for i in range(len(statuses)))
        sql += f" and x.status in ({marks})"
        params.update({f"st{i}": s for i, s in enumerate(statuses)})
    if journey_id is not None:
        sql += " and x.journey_id = :journey"
        params["journey"] = journey_id
    if owner:
        sql += " and x.owner = :owner"
        params["owner"] = owner
    if overdue_only:
        sql += " and x.status != 'done' and x.due_date is not null and x.due_date < :today"
    sql += (" order by overdue desc, x.status = 'done', x.due_date is null, x.due_date, x.id")
    return list(session.db.query(sql, params))


def action_owners(session: WorkspaceSession) -> list[str]:
    """Distinct non-empty action owners, alphabetically (for filters)."""
    return [r[0] for r in session.db.execute(
        "select distinct owner from actions where owner != '' order by owner collate nocase")]


# ---- team ratings per step ------------------------------------------------------------------

def step_health_counts(session: WorkspaceSession, journey_id: int | None = None
                       ) -> dict[int, dict[str, int]]:
    """The team's rating of each step: step id -> ``green``, ``yellow``, ``red`` (parts the team
    rated that colour), ``unrated`` (parts not rated yet) and ``parts`` (actors taking part).

    Every step of ``journey_id`` (or of all journeys when None) is there, with zeros when no
    actor takes part in it yet. :mod:`cxcore.drivers` sets these beside what customers scored
    the same step.
    """
    sql = ("select s.id, count(p.id), coalesce(sum(p.health = 'green'), 0), "
           "coalesce(sum(p.health = 'yellow'), 0), coalesce(sum(p.health = 'red'), 0) "
           "from journey_steps s left join journey_parts p on p.step_id = s.id")
    params: list[Any] = []
    if journey_id is not None:
        sql += " where s.journey_id = ?"
        params.append(journey_id)
    out = {}
    for step_id, parts, green, yellow, red in session.db.execute(sql + " group by s.id", params):
        out[step_id] = {"green": green, "yellow": yellow, "red": red,
                        "unrated": parts - green - yellow - red, "parts": parts}
    return out
