"""Journey maps: steps, actors above or below the line of visibility, part health, actions.

(Schema first; the domain functions grow in the journey-health issue.)
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("cxcore.journeys")


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
