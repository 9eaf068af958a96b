"""Start from another workspace: copy a program's set-up from one client to the next.

A consultant running engagements for several client companies keeps one workspace per client.
Much of what they build is *their method*, not the client's data, and is worth reusing:

- ``guides``: the interview guides (the customer and employee question lists in force, see
  :func:`cxcore.interviews.guide`). The target's guides are replaced by the source's.
- ``targets``: the program checklist's targets (how many customer and employee interviews and
  customer's-shoes experiences to aim for) and the scorecard's metric targets with their yellow
  limits. Checklist targets are replaced; the source's scorecard targets are laid over the
  target's (a metric the source has no target for keeps the target's own).
- ``finance``: the scorecard's finance settings (gross margin and annual discount rate used
  for the discounted lifetime value).
- ``tag_rules``: the automatic tagging rules for survey comments (keyword or phrase → theme,
  :func:`cxcore.comments.add_rule`); the source's rules are added to the target's own.
- ``journeys``: the structure of each journey that is not archived: name, persona, problem
  statement, steps, actors and which actor takes part at which step, through
  :func:`cxcore.journeys.copy_journey`. Copies are added next to the target's own journeys.
- ``branding``: the logo, colours and footer line (:mod:`cxcore.branding`), e.g. a
  consultant's own pack style; the target's branding is replaced (kept when the source has
  none).

What is never copied, whatever is asked: customers, revenue, survey responses and pulse
answers, interviews, reflections (all of these are the client's own people and words), journey
ratings, notes, owners, evidence quotes, health history and actions (they describe how the old
client's customers were served), imports, the activity log and members (who may see a
client's workspace is decided per client). Copying any of that would hand one client's
confidential material to another.

Permissions: the user needs to read the source (viewer or more) and to edit the target (editor
or more); both are checked before anything is written. All or nothing: every write to the
target happens in one transaction on the target's database, so a failure part-way leaves the
target exactly as it was. The source is only read.
"""

from __future__ import annotations

from collections.abc import Iterable

from cxcore import branding, checklist, comments, interviews, journeys, scorecard
from cxcore.errors import Problem, ValidationError
from cxcore.workspace import WorkspaceSession

#: The parts that can be copied, in the order they are copied, each with a one-line explanation.
REUSABLE: dict[str, str] = {
    "guides": "Interview guides: the question lists for customer and employee interviews.",
    "targets": "Targets: the checklist's interview and customer's-shoes targets, and the "
               "scorecard's metric targets.",
    "finance": "Finance settings: gross margin and discount rate for customer lifetime value.",
    "tag_rules": "Tagging rules: keywords and phrases that tag survey comments with a theme.",
    "journeys": "Journey maps without ratings: persona, problem, steps and actors (no health, "
                "notes, evidence, history or actions).",
    "branding": "Branding: the logo, the two colours and the footer line of reports and decks.",
}


def check_parts(parts: Iterable[str]) -> list[str]:
    """The asked parts in :data:`REUSABLE` order; :class:`ValidationError` naming every unknown
    one, or when none is asked."""
    asked = set(parts)
    problems = [Problem("parts", f"'{p}' is not something that can be copied (choose from "
                                 f"{', '.join(REUSABLE)})") for p in sorted(asked - set(REUSABLE))]
    if not asked:
        problems.append(Problem("parts", f"choose at least one of {', '.join(REUSABLE)}"))
    if problems:
        raise ValidationError(problems)
    return [p for p in REUSABLE if p in asked]


def copy_setup(source: WorkspaceSession, target: WorkspaceSession,
               parts: set[str]) -> dict[str, int]:
    """Copy ``parts`` (names from :data:`REUSABLE`) of ``source``'s set-up into ``target``.

    Returns how many things were copied per part: ``guides`` (interview guides, one per kind),
    ``targets`` (checklist targets plus scorecard metric targets), ``finance`` (settings) and
    ``journeys`` (journeys). See the module docstring for what is and is not copied, and why.
    """
    wanted = check_parts(parts)
    target.require("editor")
    source.require("viewer")
    if source.info.path.resolve() == target.info.path.resolve():
        raise ValidationError(Problem(
            "source", f"'{source.info.name}' is the workspace being copied into; choose another"))

    # Read everything from the source first, then write the target in one transaction.
    guides = {kind: interviews.guide(source, kind) for kind in interviews.KINDS}
    checklist_targets = checklist.targets(source)
    score_targets = scorecard.targets(source)
    finance = scorecard.finance_settings(source)
    journey_ids = [j["id"] for j in journeys.list_journeys(source)]
    brand = branding.copy_value(source)

    counts: dict[str, int] = {}
    with target.db.atomic():
        for part in wanted:
            if part == "guides":
                for kind, questions in guides.items():
                    interviews.set_guide(target, kind, questions)
                counts[part] = len(guides)
            elif part == "targets":
                checklist.set_targets(target, **checklist_targets)
                scorecard.set_targets(target, {**scorecard.targets(target), **score_targets})
                counts[part] = len(checklist_targets) + len(score_targets)
            elif part == "finance":
                scorecard.set_finance_settings(target, finance["gross_margin_pct"],
                                               finance["annual_discount_rate_pct"],
                                               finance["clv_horizon_years"])
                counts[part] = len(finance)
            elif part == "tag_rules":
                counts[part] = comments.copy_rules(source, target)
            elif part == "journeys":
                for journey_id in journey_ids:
                    name = journeys.get_journey(source, journey_id)["name"]
                    journeys.copy_journey(source, journey_id, target, name=name)
                counts[part] = len(journey_ids)
            elif part == "branding":
                if brand:  # a source without branding leaves the target's own
                    branding.store_value(target, brand)
                counts[part] = 1 if brand else 0
        target.log("copy_setup", "workspace", source.info.id,
                   {"from_workspace": source.info.name, "copied": counts})
    return counts


_NOUNS = {"guides": ("interview guide", "interview guides"),
          "targets": ("target", "targets"),
          "finance": ("finance setting", "finance settings"),
          "tag_rules": ("tagging rule", "tagging rules"),
          "journeys": ("journey", "journeys"),
          "branding": ("branding", "branding")}


def describe(counts: dict[str, int]) -> str:
    """``{"guides": 2, "journeys": 1}`` -> ``"2 interview guides, 1 journey"``."""
    return ", ".join(f"{n} {_NOUNS[part][n != 1]}" for part, n in counts.items()) or "nothing"
