"""Every migration set, as data: the tables a workspace file (and the accounts file) holds.

One module per domain holds that domain's ``sqlite_utils.migrations.Migrations`` set and
nothing else but the few constants its SQL is written with. This package imports no domain
module (only :mod:`cxcore.rollups`, the SQL that fills the rollup tables of an upgraded file),
so :mod:`cxcore.workspace_db` applies it without pulling the domain in.

:func:`migration_sets` fixes the order the workspace sets are applied in (a set may refer to
tables of the sets before it). To add tables: create ``cxcore/schema/<name>.py`` with
``migrations = Migrations("cxcore.<name>")`` and append it to the list below (one line). Never
edit an applied migration (its set name, function name or SQL): add a new one.
:mod:`cxcore.schema.accounts` is the accounts database's set, applied by :mod:`cxcore.accounts`.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

from cxcore.schema import (
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
    workspace,
)


def migration_sets() -> list[Migrations]:
    """Every workspace migration set, in the order they must be applied."""
    return [
        workspace.migrations,
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
