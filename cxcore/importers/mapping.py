"""Which column holds which field: header synonyms and question texts per kind, the user's
overrides, and what a file most likely holds."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cxcore import import_formats as fmt
from cxcore.errors import Problem, ValidationError
from cxcore.importers import customers, pulse, responses, revenue
from cxcore.importers.base import IGNORE, KINDS, FieldSpec

_MODULES = {"customers": customers, "revenue": revenue, "responses": responses, "pulse": pulse}
FIELDS: dict[str, list[FieldSpec]] = {k: m.FIELDS for k, m in _MODULES.items()}
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {k: m.SYNONYMS for k, m in _MODULES.items()}
QUESTION_PATTERNS: dict[str, list[tuple[str, str]]] = {
    k: m.QUESTION_PATTERNS for k, m in _MODULES.items() if m.QUESTION_PATTERNS}


def field_names(kind: str) -> list[str]:
    """The fields a column can be mapped to for ``kind``."""
    return [f.name for f in FIELDS[check_kind(kind)]]


def field_labels(kind: str) -> dict[str, str]:
    """Field name -> a label for people."""
    return {f.name: f.label for f in FIELDS[check_kind(kind)]}


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(
            f"'{kind}' is not something that can be imported; choose one of "
            f"{', '.join(KINDS)}.", field="kind")
    return kind


def auto_mapping(kind: str, columns: Iterable[str], questions: dict[str, str] | None = None,
                 source_format: str = "plain") -> dict[str, str]:
    """Source column -> field for the columns whose header (or question text) is recognisable.

    Exact header synonyms win over question text; each field takes the first column that
    matches; Qualtrics ``*_NPS_GROUP`` columns are derived and left out.
    """
    questions = questions or {}
    synonyms = SYNONYMS[kind]
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    columns = list(columns)
    # "Submit Date (UTC)" is a submit date: the zone is read separately (time zones).
    norms = {c: fmt.normalise(re.sub(r"\((?:utc|gmt)[^)]*\)", "", c, flags=re.IGNORECASE))
             for c in columns if not c.upper().endswith("_NPS_GROUP")}
    # Synonyms are listed best first (a recorded date beats a start date).
    for target, words in synonyms.items():
        for word in words:
            column = next((c for c, n in norms.items() if n == word and c not in mapping), None)
            if column is not None:
                mapping[column] = target
                taken.add(target)
                break
    for column in columns:
        if column in mapping or column.upper().endswith("_NPS_GROUP"):
            continue
        text = questions.get(column) or column
        for pattern, target in QUESTION_PATTERNS.get(kind, []):
            if target not in taken and re.search(pattern, text, re.IGNORECASE):
                mapping[column] = target
                taken.add(target)
                break
    return mapping


def apply_user_mapping(auto: dict[str, str], user: dict[str, str] | None, columns: list[str],
                        kind: str) -> dict[str, str]:
    if not user:
        return auto
    names = set(field_names(kind))
    problems = []
    for source, target in user.items():
        if source not in columns:
            problems.append(Problem("mapping", f"the file has no column '{source}' (its columns: "
                                    f"{', '.join(columns[:30])})"))
        elif target not in names and target not in (IGNORE, "ignore", None):
            problems.append(Problem("mapping", f"'{target}' is not a field of {kind}; choose one "
                                    f"of {', '.join(sorted(names))}"))
    if problems:
        raise ValidationError(problems)
    mapping = dict(auto)
    for source, target in user.items():
        target = target or IGNORE
        mapping.pop(source, None)
        if target in (IGNORE, "ignore"):
            continue
        for other in [s for s, t in mapping.items() if t == target]:
            del mapping[other]
        mapping[source] = target
    return {c: mapping[c] for c in columns if c in mapping}



def suggest_kind(columns: Iterable[str], questions: dict[str, str] | None = None,
                 source_format: str = "plain") -> str | None:
    """What a file most likely holds (customers, revenue, responses or pulse) from its columns;
    None when nothing says. A survey tool's layout, or a score or question column, means
    responses; eNPS or a team column with a score means pulse; an amount with a customer and a
    date means revenue; a customer id with a start date, tenure or churn flag means customers."""
    columns = list(columns)
    if source_format.split(" (")[0] not in ("plain", "JSON"):
        return "responses"
    found = {k: set(auto_mapping(k, columns, questions).values()) for k in KINDS}
    if "enps" in {fmt.normalise(c) for c in columns} or (
            "team" in found["pulse"] and "enps" in found["pulse"]):
        return "pulse"
    if {"customer_id", "amount"} <= found["revenue"] and (
            "kind" in found["revenue"] or "date" in found["revenue"]):
        return "revenue"
    if found["responses"] & {"nps", "csat", "ces", "score", "effectiveness", "ease", "emotion"}:
        return "responses"
    if "id" in found["customers"] and found["customers"] & {
            "start_date", "tenure_months", "churned", "end_date", "monthly_revenue"}:
        return "customers"
    return None

