"""The journey tables: journeys, steps, actors, parts, health history, actions (see
:mod:`cxcore.journeys`).

The ``cxcore.journeys`` migration set. Never edit an applied migration; append a new one.
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
