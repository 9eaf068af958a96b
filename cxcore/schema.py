"""The ordered list of migration sets that make up a workspace database.

Each domain module owns a ``sqlite_utils.migrations.Migrations`` set for its own tables; this
list fixes the order they are applied in (a set may refer to tables of the sets before it).
To add a domain: define ``migrations = Migrations("cxcore.<name>")`` in its module and append it
here. Never edit an applied migration; add a new one.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

from cxcore import (
    attributes,
    checklist,
    comments,
    customer_data,
    followups,
    interviews,
    journeys,
    meetings,
    rollups,
    scorecard,
    workspace_core,
)


def migration_sets() -> list[Migrations]:
    """Every workspace migration set, in the order they must be applied."""
    return [
        workspace_core.migrations,
        journeys.migrations,
        customer_data.migrations,
        scorecard.migrations,
        interviews.migrations,
        checklist.migrations,
        attributes.migrations,
        comments.migrations,
        meetings.migrations,
        followups.migrations,
        rollups.migrations,
    ]
