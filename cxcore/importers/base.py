"""What every import kind shares: limits, the field description, reference-data lookups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxcore import attribute_import as ai
from cxcore.workspace import WorkspaceSession

KINDS = ("customers", "revenue", "responses", "pulse")
TABLES = {"customers": "customers", "revenue": "revenue_events", "responses": "responses",
          "pulse": "pulse"}
MAX_PROBLEMS = 1000
INSERT_CHUNK = 50_000
IMPORT_CACHE_KIB = 131_072
#: Below this many rows an import updates the indexes as it goes (see importers.bulk).
REBUILD_MIN_ROWS = 20_000
IGNORE = ""
#: A snapshot customer file (tenure + churn flag, no end dates): ``preview.detected`` key and
#: the workspace setting the scorecard reads ({"reference_date", "batch_id"}).
SNAPSHOT_KEY = "snapshot reference date"
SNAPSHOT_SETTING = "customer_snapshot"
#: Whole cells that mean "no value" in exports from R, Excel, databases and pandas.
MISSING_MARKERS = ("NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan", "None", "#NULL!")


@dataclass(frozen=True)
class FieldSpec:
    """A field an import can fill: its parser and range, whether it is required, how it reads."""

    name: str
    parser: str  # text | id | date | score | money | flag | revenue_kind | step | number
    label: str
    required: bool = False
    low: int | None = None
    high: int | None = None
    stored: bool = True  # False for helper fields that only feed other fields


def _scores(*specs: tuple[str, str, int, int]) -> list[FieldSpec]:
    return [FieldSpec(n, "score", label, low=lo, high=hi) for n, label, lo, hi in specs]


SCORE_FIELDS = ("nps", "csat", "ces", "effectiveness", "ease", "emotion")


def attribute_column(spec: ai.AttributeSpec) -> str:
    """The name of a survey question's parsed column in a preview's rows."""
    return f"@{spec.key}"



def known_ids(known: Any) -> set[str] | None:
    if known is None:
        return None
    if isinstance(known, WorkspaceSession):
        return {r[0] for r in known.db.execute("select id from customers")}
    return {str(k) for k in known}


def steps(known: Any) -> dict[str, int] | None:
    """Journey step name (lower case) or id (as text) -> id; ambiguous names map to -1."""
    if not isinstance(known, WorkspaceSession):
        return None
    if "journey_steps" not in known.db.table_names():
        return {}
    out: dict[str, int] = {}
    for step_id, name in known.db.execute("select id, name from journey_steps"):
        out[str(step_id)] = step_id
        key = str(name).strip().lower()
        out[key] = -1 if key in out and out[key] != step_id else step_id
    return out

