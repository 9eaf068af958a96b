"""The journeys' fixed vocabularies (their tables: :mod:`cxcore.schema.journeys`)."""

from __future__ import annotations

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


