"""The six-step checklist for starting a CX program, and the roll-out stages that follow it.

The six steps (after Manning and Bodine, *Outside In*):

1. Accept that you need your customers more than they need you (reflection prompts).
2. Examine why the company exists (reflection prompts, including a purpose statement).
3. Learn what it feels like to be your customer ("customer's shoes" entries).
4. Talk to your customers (customer interviews in the interview log, against a target).
5. Talk to your frontline employees (employee interviews, against a target).
6. Map the ecosystem of one important customer journey (journey maps: done when one journey has
   every part rated).

Each step has an owner, a due date and notes. Its *suggested* status comes from the evidence;
a person may override it with a note, and the override wins until cleared.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from cxcore import interviews
from cxcore.accounts import now_iso
from cxcore.errors import NotFound, Problem, ValidationError
from cxcore.workspace import WorkspaceSession

STATUSES = ("not started", "in progress", "done")
#: Step 6's suggestion while no journey has been mapped (never a stored status).
WAITING = "waiting on a journey map"
SHOES_KINDS = ("mystery shop", "own purchase", "support call", "other")
DEFAULT_TARGETS = {"customer_interviews": 10, "employee_interviews": 5, "shoes_entries": 3}
TARGET_LABELS = {"customer_interviews": "customer interviews",
                 "employee_interviews": "frontline employee interviews",
                 "shoes_entries": "customer's-shoes experiences"}
MAX_TARGET = 1000
MAX_SHORT = 200
MAX_LONG = 100_000
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"

STEPS: tuple[dict[str, Any], ...] = (
    {"number": 1, "key": "need_customers",
     "title": "Accept that you need your customers more than they need you",
     "about": "Customers can walk away; the business cannot. Write down what that means for "
              "you, so the program starts from the customer's side of the table."},
    {"number": 2, "key": "why_we_exist", "title": "Examine why the company exists",
     "about": "Put the company's purpose into words a customer would recognise, and check "
              "where today's experience keeps or breaks that promise."},
    {"number": 3, "key": "customer_shoes", "title": "Learn what it feels like to be your customer",
     "about": "Buy from yourself, call your own support line, mystery-shop a branch. Record "
              "what you did and how it felt."},
    {"number": 4, "key": "talk_customers", "title": "Talk to your customers",
     "about": "Listen to customers in their own words; log each conversation in the "
              "interview log."},
    {"number": 5, "key": "talk_employees", "title": "Talk to your frontline employees",
     "about": "The people who serve customers every day know where the process hurts; log "
              "each conversation in the interview log."},
    {"number": 6, "key": "map_journey",
     "title": "Map the ecosystem of one of your most important customer journeys",
     "about": "Map the steps, everyone involved above and below the line of visibility, and "
              "rate each part green, yellow or red in Journey health."},
)

#: Guided prompts of the reflection steps: step number -> [(key, prompt)].
REFLECTION_PROMPTS: dict[int, list[tuple[str, str]]] = {
    1: [
        ("switching", "If your best customers moved to a competitor next month, what would "
                      "happen to the business?"),
        ("alternatives", "What choices do your customers have besides you, and how easy is it "
                         "for them to switch?"),
        ("commitment", "What will leadership do differently now that you accept this?"),
    ],
    2: [
        ("purpose", "Purpose statement: in one or two sentences, why does the company exist "
                    "for its customers?"),
        ("promise", "What do you promise customers, and where do you keep or break that "
                    "promise today?"),
        ("values", "Which values should a customer be able to feel in every interaction?"),
    ],
}

ROLLOUT_STAGES: tuple[dict[str, str], ...] = (
    {"key": "measure", "title": "Measure customer experience",
     "needs": "survey responses (NPS, CSAT or effort)",
     "page": "pages/scorecard.py", "page_title": "Scorecard",
     "does": "The Scorecard shows how customers rate you over time from the survey responses "
             "you import."},
    {"key": "drivers", "title": "Find the drivers of CX quality",
     "needs": "survey responses linked to journey steps, or rated for effectiveness, ease "
              "and emotion",
     "page": "pages/drivers.py", "page_title": "Drivers",
     "does": "Drivers shows NPS per journey step beside the team's rating on the map, which "
             "ratings (effort, ease, effectiveness, emotion, CSAT) move with NPS, and channels "
             "and segments that score clearly below the rest."},
    {"key": "correlate", "title": "Correlate CX with business results",
     "needs": "survey responses from customers whose revenue is known",
     "page": "pages/scorecard.py", "page_title": "Scorecard",
     "does": "The Scorecard puts scores next to retention, churn and revenue for the same "
             "customers."},
    {"key": "share", "title": "Share findings across the company",
     "needs": "something to share: survey responses or interviews",
     "page": "pages/home.py", "page_title": "Home",
     "does": "Home's Share section prepares a one-file program report (HTML, prints to PDF "
             "from the browser): purpose, the six steps, the scorecard, the value of promoters, "
             "journey maps with open actions and recent quotes. It is a snapshot to send or "
             "present, not a live link; `python -m cxcore report` writes the same file. The "
             "interview log exports to CSV."},
)


def step_info(number: int) -> dict[str, Any]:
    """The fixed description of step ``number`` (1-6); raises NotFound."""
    for step in STEPS:
        if step["number"] == number:
            return dict(step)
    raise NotFound(f"There is no checklist step {number}; the steps are 1 to 6.")


# ---- writes -------------------------------------------------------------------------------------

def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _date(problems: list[Problem], name: str, value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        problems.append(Problem(name, f"'{value}' is not a date like 2026-03-31"))
        return None


def _check_len(problems: list[Problem], name: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        problems.append(Problem(name, f"is {len(value):,} characters long; the limit is "
                                f"{limit:,}"))


def _step_row(session: WorkspaceSession, number: int) -> dict[str, Any]:
    row = session.db.execute("select * from checklist_steps where number = ?",
                             [number]).fetchone()
    if row is None:
        return {"number": number}
    cols = [c.name for c in session.db["checklist_steps"].columns]
    return dict(zip(cols, row, strict=True))


def _save_step(session: WorkspaceSession, number: int, values: dict[str, Any]) -> None:
    session.db["checklist_steps"].upsert(
        {"number": number, **values, "updated_by": session.username, "updated_at": now_iso()},
        pk="number")


def update_step(session: WorkspaceSession, number: int, *, owner: str | None = None,
                due_date: date | str | None = None, notes: str | None = None) -> None:
    """Set a step's owner, due date and notes (editors). Empty values clear them."""
    session.require("editor")
    step_info(number)
    problems: list[Problem] = []
    owner = _text(owner)
    owner = owner.strip() if owner else None
    _check_len(problems, "owner", owner, MAX_SHORT)
    due = _date(problems, "due date", due_date)
    notes = _text(notes)
    _check_len(problems, "notes", notes, MAX_LONG)
    if problems:
        raise ValidationError(problems)
    with session.db.atomic():
        _save_step(session, number, {"owner": owner, "due_date": due, "notes": notes})
        session.log("update", "checklist_step", number)


def set_override(session: WorkspaceSession, number: int, status: str, note: str) -> None:
    """Override the evidence's suggestion for a step (editors). A note saying why is required."""
    session.require("editor")
    step_info(number)
    problems: list[Problem] = []
    if status not in STATUSES:
        problems.append(Problem("status", f"must be one of {', '.join(STATUSES)}, not "
                                f"'{status}'"))
    note = _text(note)
    if note is None:
        problems.append(Problem("note", "say why the evidence's suggestion is overridden"))
    _check_len(problems, "note", note, MAX_LONG)
    if problems:
        raise ValidationError(problems)
    with session.db.atomic():
        _save_step(session, number, {"status_override": status, "override_note": note})
        session.log("override", "checklist_step", number, {"status": status})


def clear_override(session: WorkspaceSession, number: int) -> None:
    """Go back to the status the evidence suggests (editors)."""
    session.require("editor")
    step_info(number)
    with session.db.atomic():
        _save_step(session, number, {"status_override": None, "override_note": None})
        session.log("clear_override", "checklist_step", number)


def save_reflections(session: WorkspaceSession, step: int, answers: dict[str, str | None]) -> None:
    """Store answers to step 1 or 2's prompts (editors); an empty answer removes it.

    Keys are the prompt keys of :data:`REFLECTION_PROMPTS`; answers are kept exactly.
    """
    session.require("editor")
    if step not in REFLECTION_PROMPTS:
        raise ValidationError(f"step {step} has no reflection prompts (only steps 1 and 2)",
                              "step")
    known = {key for key, _ in REFLECTION_PROMPTS[step]}
    problems = [Problem(key, "is not a prompt of this step") for key in answers
                if key not in known]
    for key, answer in answers.items():
        _check_len(problems, key, _text(answer), MAX_LONG)
    if problems:
        raise ValidationError(problems)
    with session.db.atomic():
        for key, answer in answers.items():
            answer = _text(answer)
            if answer is None:
                session.db.execute("delete from checklist_reflections where step = ? and "
                                   "prompt_key = ?", [step, key])
            else:
                session.db["checklist_reflections"].upsert(
                    {"step": step, "prompt_key": key, "answer": answer,
                     "updated_by": session.username, "updated_at": now_iso()},
                    pk=("step", "prompt_key"))
        session.log("update", "checklist_reflection", step, {"prompts": sorted(answers)})


def reflections(session: WorkspaceSession) -> dict[int, dict[str, str]]:
    """Stored answers: {step: {prompt_key: answer}} (steps 1 and 2)."""
    out: dict[int, dict[str, str]] = {1: {}, 2: {}}
    for step, key, answer in session.db.execute(
            "select step, prompt_key, answer from checklist_reflections"):
        out.setdefault(step, {})[key] = answer
    return out


def add_shoes_entry(session: WorkspaceSession, when: date | str, kind: str, what_was_done: str,
                    how_it_felt: str | None = None) -> int:
    """Record an experience of being your own customer (editors); returns its id."""
    session.require("editor")
    problems: list[Problem] = []
    day = _date(problems, "date", when)
    if day is None and not problems:
        problems.append(Problem("date", "is required"))
    if day is not None and day > date.today().isoformat():
        problems.append(Problem("date", f"{day} is in the future"))
    if kind not in SHOES_KINDS:
        problems.append(Problem("kind", f"must be one of {', '.join(SHOES_KINDS)}"))
    what = _text(what_was_done)
    if what is None:
        problems.append(Problem("what was done", "is required"))
    _check_len(problems, "what was done", what, MAX_LONG)
    felt = _text(how_it_felt)
    _check_len(problems, "how it felt", felt, MAX_LONG)
    if problems:
        raise ValidationError(problems)
    with session.db.atomic():
        entry_id = session.db["customer_shoes"].insert(
            {"date": day, "kind": kind, "what_was_done": what, "how_it_felt": felt,
             "created_by": session.username, "created_at": now_iso()}).last_pk
        session.log("create", "customer_shoes", entry_id)
    return entry_id


def delete_shoes_entry(session: WorkspaceSession, entry_id: int) -> None:
    """Remove a customer's-shoes entry (editors); raises NotFound."""
    session.require("editor")
    if session.db.execute("select 1 from customer_shoes where id = ?",
                          [entry_id]).fetchone() is None:
        raise NotFound(f"Entry {entry_id} does not exist.")
    with session.db.atomic():
        session.db.execute("delete from customer_shoes where id = ?", [entry_id])
        session.log("delete", "customer_shoes", entry_id)


def list_shoes_entries(session: WorkspaceSession) -> list[dict[str, Any]]:
    """Every customer's-shoes entry, newest first."""
    return list(session.db.query("select * from customer_shoes order by date desc, id desc"))


def targets(session: WorkspaceSession) -> dict[str, int]:
    """Targets for steps 3-5 (stored ones over :data:`DEFAULT_TARGETS`)."""
    out = dict(DEFAULT_TARGETS)
    for key, value in session.db.execute("select key, value from checklist_targets"):
        if key in out:
            out[key] = value
    return out


def set_targets(session: WorkspaceSession, **values: int) -> dict[str, int]:
    """Change targets (editors): keys of :data:`DEFAULT_TARGETS`, whole numbers 1-1000."""
    session.require("editor")
    problems = []
    clean = {}
    for key, value in values.items():
        label = TARGET_LABELS.get(key, key)
        if key not in DEFAULT_TARGETS:
            problems.append(Problem(key, "is not a checklist target"))
            continue
        try:
            number = int(value)
            if number != value and str(number) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem(label, f"'{value}' is not a whole number"))
            continue
        if not 1 <= number <= MAX_TARGET:
            problems.append(Problem(label, f"must be between 1 and {MAX_TARGET}"))
            continue
        clean[key] = number
    if problems:
        raise ValidationError(problems)
    with session.db.atomic():
        for key, number in clean.items():
            session.db["checklist_targets"].upsert(
                {"key": key, "value": number, "updated_by": session.username,
                 "updated_at": now_iso()}, pk="key")
        session.log("update", "checklist_targets", None, clean)
    return targets(session)


# ---- evidence -----------------------------------------------------------------------------------

def _count_status(count: int, target: int) -> tuple[str, float]:
    """Status and progress from a count against a target: 0 -> not started, below -> in
    progress (count/target), at or above -> done (1.0)."""
    if count <= 0:
        return "not started", 0.0
    if count >= target:
        return "done", 1.0
    return "in progress", count / target


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _journey_coverage(session: WorkspaceSession) -> list[dict[str, Any]] | None:
    """The journeys module's coverage, or None when journey maps are not available."""
    from cxcore import journeys

    coverage = getattr(journeys, "journey_coverage", None)
    if coverage is None or "journeys" not in session.db.table_names():
        return None
    return coverage(session)


def evidence(session: WorkspaceSession) -> dict[int, dict[str, Any]]:
    """What the records say about each step: {number: {suggested_status, progress,
    evidence_summary, waiting}}.

    Rules: steps 1-2, answered prompts / prompts; step 3, experiences / target; steps 4-5,
    interviews of that kind / target (each: none -> not started, some -> in progress, all ->
    done). Step 6: no journey -> waiting on a journey map; journeys but none fully rated -> in
    progress with the best journey's parts_rated / parts_total; one journey with every part
    (at least one) rated -> done.
    """
    goal = targets(session)
    answers = reflections(session)
    out: dict[int, dict[str, Any]] = {}
    for step in (1, 2):
        total = len(REFLECTION_PROMPTS[step])
        answered = sum(1 for key, _ in REFLECTION_PROMPTS[step] if answers[step].get(key))
        status, progress = _count_status(answered, total)
        out[step] = {"suggested_status": status, "progress": progress, "waiting": False,
                     "evidence_summary": f"{answered} of {total} prompts answered."}
    shoes = session.db.execute("select count(*) from customer_shoes").fetchone()[0]
    status, progress = _count_status(shoes, goal["shoes_entries"])
    out[3] = {"suggested_status": status, "progress": progress, "waiting": False,
              "evidence_summary": f"{_plural(shoes, 'experience')} recorded "
                                  f"(target {goal['shoes_entries']})."}
    by_kind = interviews.counts_by_kind(session)
    for step, kind, key, word in ((4, "customer", "customer_interviews", "customer interview"),
                                  (5, "employee", "employee_interviews", "employee interview")):
        status, progress = _count_status(by_kind[kind], goal[key])
        out[step] = {"suggested_status": status, "progress": progress, "waiting": False,
                     "evidence_summary": f"{_plural(by_kind[kind], word)} logged "
                                         f"(target {goal[key]})."}
    out[6] = _journey_evidence(_journey_coverage(session))
    return out


def _journey_evidence(coverage: list[dict[str, Any]] | None) -> dict[str, Any]:
    """Step 6's evidence from journey coverage rows (see :func:`evidence`)."""
    if not coverage:
        return {"suggested_status": WAITING, "progress": 0.0, "waiting": True,
                "evidence_summary": "Waiting on a journey map: none has been started yet."}
    complete = [c for c in coverage if c["parts_total"] > 0 and c["parts_rated"] >= c[
        "parts_total"]]
    if complete:
        return {"suggested_status": "done", "progress": 1.0, "waiting": False,
                "evidence_summary": f"Every part of '{complete[0]['name']}' is rated."}
    best = max(coverage, key=lambda c: (c["parts_rated"] / c["parts_total"]
                                        if c["parts_total"] else 0.0))
    if best["parts_total"] == 0:
        return {"suggested_status": "in progress", "progress": 0.0, "waiting": False,
                "evidence_summary": f"'{best['name']}' has no parts to rate yet: add steps "
                                    "and who is involved at each."}
    return {"suggested_status": "in progress",
            "progress": best["parts_rated"] / best["parts_total"], "waiting": False,
            "evidence_summary": f"{best['parts_rated']} of {best['parts_total']} parts of "
                                f"'{best['name']}' rated."}


def overview(session: WorkspaceSession) -> dict[str, Any]:
    """Where the six steps stand, for the checklist and home pages.

    Returns ``{"steps": [...], "total_progress", "done_count", "reflections", "purpose_statement",
    "targets"}``. Each step: number, key, title, about, status, suggested_status, overridden,
    override_note, progress (0..1), evidence_summary, waiting, owner, due_date, notes.
    ``status`` is the override if one is set, else the suggestion. A step's progress is the
    evidence's fraction, except that a step whose status is done counts 1 and one set to not
    started counts 0. ``total_progress`` is the mean of the six.
    """
    found = evidence(session)
    answers = reflections(session)
    steps = []
    for info in STEPS:
        number = info["number"]
        record = _step_row(session, number)
        ev = found[number]
        override = record.get("status_override")
        status = override or ev["suggested_status"]
        progress = ev["progress"]
        if status == "done":
            progress = 1.0
        elif status == "not started":
            progress = 0.0
        steps.append({
            **info, "status": status, "suggested_status": ev["suggested_status"],
            "overridden": override is not None, "override_note": record.get("override_note"),
            "progress": progress, "evidence_summary": ev["evidence_summary"],
            "waiting": ev["waiting"] and override is None, "owner": record.get("owner"),
            "due_date": record.get("due_date"), "notes": record.get("notes"),
        })
    return {
        "steps": steps,
        "total_progress": sum(s["progress"] for s in steps) / len(steps),
        "done_count": sum(1 for s in steps if s["status"] == "done"),
        "reflections": {step: [{"key": key, "prompt": prompt, "answer": answers[step].get(key)}
                               for key, prompt in REFLECTION_PROMPTS[step]]
                        for step in REFLECTION_PROMPTS},
        "purpose_statement": answers[2].get("purpose"),
        "targets": targets(session),
    }


def progress_words(view: dict[str, Any]) -> str:
    """Where the six steps stand, in words that don't contradict each other: "3 of 6 steps
    done, 3 under way · 90 % complete overall" (overall = ``total_progress``, where a step
    under way counts by how much of its evidence is in)."""
    under = sum(1 for s in view["steps"] if s["status"] == "in progress")
    done = f"{view['done_count']} of 6 steps done" + (f", {under} under way" if under else "")
    return f"{done} · {round(100 * view['total_progress'])} % complete overall"


# ---- roll-out stages ----------------------------------------------------------------------------

def _count(session: WorkspaceSession, sql: str, tables: tuple[str, ...]) -> int:
    names = set(session.db.table_names())
    if not all(t in names for t in tables):
        return 0
    return session.db.execute(sql).fetchone()[0]


def rollout_stages(session: WorkspaceSession) -> list[dict[str, Any]]:
    """The four roll-out stages after the six steps, each with the page that does it and
    whether the workspace has the data for it yet.

    Items: key, title, needs, page, page_title, does, has_data, data_summary. The drivers stage
    links to ``pages/drivers.py`` only if that page exists, else to the Scorecard.
    """
    responses = _count(session, "select count(*) from responses", ("responses",))
    with_drivers = _count(
        session, "select count(*) from responses where journey_step_id is not null or "
        "coalesce(effectiveness, ease, emotion) is not null", ("responses",))
    with_revenue = _count(
        session, "select count(*) from responses r join customers c on c.id = r.customer_id "
        "where c.monthly_revenue is not null or exists (select 1 from revenue_events e "
        "where e.customer_id = c.id)", ("responses", "customers", "revenue_events"))
    interview_count = sum(interviews.counts_by_kind(session).values())
    facts = {
        "measure": (responses > 0, f"{_plural(responses, 'survey response')}."),
        "drivers": (with_drivers > 0, f"{_plural(with_drivers, 'response')} tied to a journey "
                                      "step or rated for effectiveness, ease and emotion."),
        "correlate": (with_revenue > 0, f"{_plural(with_revenue, 'response')} from customers "
                                        "with known revenue."),
        "share": (responses + interview_count > 0,
                  f"{_plural(responses, 'survey response')} and "
                  f"{_plural(interview_count, 'interview')}."),
    }
    out = []
    for stage in ROLLOUT_STAGES:
        item = dict(stage)
        if item["key"] == "drivers" and not (PAGES_DIR / "drivers.py").exists():
            item["page"], item["page_title"] = "pages/scorecard.py", "Scorecard"
            item["does"] = ("The Scorecard breaks scores down by journey step and channel; a "
                            "dedicated driver analysis page is not built yet.")
        item["has_data"], item["data_summary"] = facts[item["key"]]
        out.append(item)
    return out
