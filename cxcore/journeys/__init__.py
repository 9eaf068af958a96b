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

The package, one module per concept (each name below is importable from ``cxcore.journeys``):

- :mod:`~cxcore.journeys.tables`: the fixed vocabularies (the tables themselves are the
  ``cxcore.journeys`` set in :mod:`cxcore.schema.journeys`): healths, stages, actor kinds, action
  statuses;
- :mod:`~cxcore.journeys.base`: field checks, lookups, step references and the low-level writes
  of parts and their history, shared by the modules below;
- :mod:`~cxcore.journeys.model`: journeys, steps and actors;
- :mod:`~cxcore.journeys.templates`: templates, and copying a journey;
- :mod:`~cxcore.journeys.health`: parts, ratings, evidence, history and summaries;
- :mod:`~cxcore.journeys.actions`: actions on red and yellow parts.
"""

from cxcore.journeys.actions import (
    action_owners,
    add_action,
    close_action,
    get_action,
    list_actions,
    update_action,
)
from cxcore.journeys.base import step_references
from cxcore.journeys.health import (
    add_evidence,
    changes_since,
    get_part,
    health_history,
    health_over_time,
    journey_coverage,
    journey_summary,
    list_evidence,
    list_parts,
    remove_evidence,
    set_health,
    set_involvement,
    step_health_counts,
    update_part,
)
from cxcore.journeys.model import (
    add_actor,
    add_step,
    create_journey,
    delete_journey,
    get_actor,
    get_journey,
    get_step,
    list_actors,
    list_journeys,
    list_steps,
    move_actor,
    move_step,
    remove_actor,
    remove_step,
    rename_step,
    save_actors,
    save_steps,
    set_archived,
    update_actor,
    update_journey,
)
from cxcore.journeys.tables import (
    ACTION_STATUSES,
    ACTOR_KINDS,
    HEALTH_MEANING,
    HEALTHS,
    MAX_TEXT,
    STAGES,
)
from cxcore.journeys.templates import TEMPLATES, copy_journey, create_from_template

__all__ = [
    "ACTION_STATUSES",
    "ACTOR_KINDS",
    "HEALTHS",
    "HEALTH_MEANING",
    "MAX_TEXT",
    "STAGES",
    "TEMPLATES",
    "action_owners",
    "add_action",
    "add_actor",
    "add_evidence",
    "add_step",
    "changes_since",
    "close_action",
    "copy_journey",
    "create_from_template",
    "create_journey",
    "delete_journey",
    "get_action",
    "get_actor",
    "get_journey",
    "get_part",
    "get_step",
    "health_history",
    "health_over_time",
    "journey_coverage",
    "journey_summary",
    "list_actions",
    "list_actors",
    "list_evidence",
    "list_journeys",
    "list_parts",
    "list_steps",
    "move_actor",
    "move_step",
    "remove_actor",
    "remove_evidence",
    "remove_step",
    "rename_step",
    "save_actors",
    "save_steps",
    "set_archived",
    "set_health",
    "set_involvement",
    "step_health_counts",
    "step_references",
    "update_action",
    "update_actor",
    "update_journey",
    "update_part",
]
