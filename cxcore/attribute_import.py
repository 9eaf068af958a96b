"""Survey questions beyond the fixed fields, found in an import file and read into numbers.

Every column of a responses file that no field takes and that is not the tool's bookkeeping is
looked at once (its distinct answers, so a million rows cost a ``value_counts``) and becomes an
:class:`AttributeSpec` when it is

* a **rating**: whole numbers on a small scale (0-10 at most), or labelled answers of a known
  scale (:mod:`cxcore.answer_labels`: "Very satisfied", "Tout à fait d'accord"...), or labels
  that start with their number ("5 - Excellent");
* a **yes/no** question (in English, French, German or Spanish);
* a **category**: a single choice among at most :data:`MAX_CATEGORIES` short answers.

Free text and continuous numbers (age, distance, spend, ids) are not questions and are left out.
The scale of a rating is *inferred* (lowest answer 0 or 1, highest rounded up to the usual
scale ends 3, 4, 5, 7, 10) unless declared; the preview shows it for the user to confirm.
Answers meaning "not applicable" (declared codes such as 0, and N/A words) are stored as no value.
:func:`parse` turns a column into values with a row problem for each answer that does not fit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from cxcore import answer_labels as al

MAX_CATEGORIES = 12
MAX_CATEGORY_LENGTH = 60
SCALE_ENDS = (3, 4, 5, 7, 10)
KINDS = ("rating", "yesno", "category")
KIND_WORDS = {"rating": "rating", "yesno": "yes/no", "category": "single choice"}


@dataclass
class AttributeSpec:
    """How one column becomes a survey question (attribute) of the workspace."""

    column: str
    key: str
    label: str
    kind: str
    scale: tuple[float, float] | None = None
    na_codes: list[str] = field(default_factory=list)
    value_labels: dict[str, float] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    include: bool = True
    #: How the kind and scale were found: "inferred", "labels (satisfaction)", "declared",
    #: "stored" (the workspace already has this question).
    source: str = "inferred"
    hint: str = ""

    @property
    def scale_text(self) -> str:
        """The scale as people write it ("1-5"), or "" for categories."""
        if self.kind == "yesno":
            return "yes/no"
        if self.kind == "category" or self.scale is None:
            return ""
        return f"{_num(self.scale[0])}-{_num(self.scale[1])}"

    def describe(self) -> str:
        """One line for the CLI report, e.g. ``'Seat comfort' -> rating 1-5, N/A: 0``."""
        what = KIND_WORDS[self.kind] + (f" {self.scale_text}" if self.kind == "rating" else "")
        if self.kind == "category":
            more = "..." if len(self.categories) > 6 else ""
            what += f" ({', '.join(self.categories[:6])}{more})"
        na = f", N/A: {', '.join(self.na_codes)}" if self.na_codes else ""
        state = "" if self.include else " [not imported]"
        return f"{self.column!r} -> question '{self.key}': {what}{na} ({self.source}){state}"


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def make_key(text: str, taken: set[str]) -> str:
    """A question key from a header: lower-case ascii words joined by _, unique in ``taken``."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:48].strip("_") or "question"
    if not base[0].isalnum():
        base = "q_" + base
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    taken.add(key)
    return key


def parse_scale(text: str) -> tuple[float, float]:
    """``"1-5"``, ``"0 - 10"``, ``"1..7"`` as (low, high); ValueError when not a scale."""
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(?:-|–|\.\.|to)\s*(-?\d+(?:\.\d+)?)\s*", str(text))
    if not m or not float(m.group(1)) < float(m.group(2)):
        raise ValueError(f"{text!r} is not a scale such as 1-5 (lowest-highest)")
    return float(m.group(1)), float(m.group(2))


def _is_na(value: str, na_codes: list[str]) -> bool:
    if value in na_codes or al.is_not_applicable(value):
        return True
    num = pd.to_numeric(value, errors="coerce")
    if pd.isna(num):
        return False
    return any(pd.to_numeric(c, errors="coerce") == num for c in na_codes)


def _lead_numbers(values: list[str]) -> dict[str, float] | None:
    """label -> its leading number when every label starts with one ("5 - Excellent")."""
    out = {}
    for v in values:
        m = re.match(r"^(\d{1,2})(?:\s*[-–:=.)]\s*|\s+)\D", v)
        if not m:
            return None
        out[v] = float(m.group(1))
    return out


def infer_scale(values: list[float]) -> tuple[float, float]:
    """The usual scale holding ``values``: from 0 (when a 0 occurs) or 1, to the first of
    :data:`SCALE_ENDS` at or above the highest answer."""
    low = 0.0 if min(values) == 0 else 1.0
    high = float(next((e for e in SCALE_ENDS if e >= max(values)), max(values)))
    return low, high


def detect(series: pd.Series, column: str, label: str, key: str,
           na_codes: list[str] | None = None) -> AttributeSpec | None:
    """The question ``series`` (text cells) holds, or None when it is not one."""
    declared = [str(c) for c in (na_codes or [])]
    counts = series.str.strip().value_counts()
    counts = counts[counts.index != ""]
    if counts.empty:
        return None
    distinct = [str(v) for v in counts.index]
    # N/A words always mean "not applicable"; declared codes (e.g. 0) only in ratings.
    words = [v for v in distinct if al.is_not_applicable(v)]
    rest = [v for v in distinct if v not in words]
    if not rest:
        return None
    if re.fullmatch(r"column \d+", column) and int(counts.sum()) == len(rest) > 2:
        return None  # a header-less row index, not a question
    spec = AttributeSpec(column, key, label, "rating", na_codes=words)
    nums = pd.to_numeric(pd.Series(rest), errors="coerce")
    if nums.notna().all():
        scored = [v for v in rest if not _is_na(v, declared)]
        vals = pd.to_numeric(pd.Series(scored), errors="coerce").tolist()
        if set(nums.tolist()) == {0.0, 1.0}:
            return replace(spec, kind="yesno", scale=(0.0, 1.0))
        if len(vals) >= 2 and all(float(v).is_integer() for v in vals) and min(vals) >= 0 \
                and max(vals) <= 10:
            spec.na_codes = list(dict.fromkeys([*declared, *words]))
            spec.scale = infer_scale(vals)
            if spec.scale[0] == 0 and spec.scale[1] in (5, 7) and not declared:
                spec.hint = (f"0 on a 0-{_num(spec.scale[1])} scale often means 'not "
                             f"applicable': if so, give 0 as its N/A code")
            return spec
        return None
    yes_no = al.is_yes_no(rest)
    if yes_no is not None:
        return replace(spec, kind="yesno", scale=(0.0, 1.0),
                       value_labels={k: float(v) for k, v in yes_no.items()}, source="labels")
    lead = _lead_numbers(rest)
    if lead is not None and max(lead.values()) <= 10:
        return replace(spec, scale=infer_scale(list(lead.values())), value_labels=lead,
                       source="labels with numbers")
    matched = al.match_scale(rest) or _mostly_scale(counts, rest)
    if matched is not None:
        name, mapping = matched
        return replace(spec, scale=(1.0, 5.0),
                       value_labels={k: float(v) for k, v in mapping.items()},
                       source=f"labels ({name})")
    filled = int(counts.sum())
    if len(rest) <= MAX_CATEGORIES and max(len(v) for v in rest) <= MAX_CATEGORY_LENGTH \
            and filled > len(rest):
        return replace(spec, kind="category", scale=None, categories=sorted(rest))
    return None


def _mostly_scale(counts: pd.Series, rest: list[str]) -> tuple[str, dict[str, int]] | None:
    """A label scale that covers at least 90 % of the answers (two labels or more): the rest
    are bad answers to report, not a reason to read the column as categories."""
    keys = {v: al.label_key(v) for v in rest}
    total = float(counts[rest].sum())
    for name, scale in al.SCALES.items():
        hits = [v for v in rest if keys[v] in scale]
        if len(hits) >= 2 and counts[hits].sum() >= 0.9 * total:
            return name, {v: scale[keys[v]] for v in hits}
    return None


def apply_override(spec: AttributeSpec, override: dict[str, Any]) -> AttributeSpec:
    """The spec with the user's choices (include, kind, scale, na_codes, key, label) applied;
    raises ValueError for an unusable scale or kind."""
    out = replace(spec)
    if "include" in override:
        out.include = bool(override["include"])
    if override.get("kind"):
        if override["kind"] not in KINDS:
            raise ValueError(f"{override['kind']!r} is not a question kind "
                             f"({', '.join(KINDS)})")
        out.kind = override["kind"]
        if out.kind == "yesno":
            out.scale = (0.0, 1.0)
    if override.get("scale"):
        scale = override["scale"]
        out.scale = parse_scale(scale) if isinstance(scale, str) else tuple(map(float, scale))
        out.kind = "rating"
        out.source = "declared"
    if override.get("na_codes") is not None:
        out.na_codes = [str(c).strip() for c in override["na_codes"] if str(c).strip()]
        if out.source == "inferred" and out.kind == "rating" and out.scale and any(
                is_inside(c, out.scale) and float(c) == out.scale[0] for c in out.na_codes):
            out.scale = (out.scale[0] + 1, out.scale[1])  # 0 = N/A on 0-5: the scale is 1-5
            out.hint = ""
    for name in ("key", "label"):
        if override.get(name):
            setattr(out, name, str(override[name]))
    return out


@dataclass
class Parsed:
    """A column read as values: ``values`` (float, NaN = no answer), per-row ``bad`` mask and
    the reason for a bad cell, and a column-wide refusal (or "")."""

    values: pd.Series
    bad: pd.Series
    reasons: dict[str, str]
    refusal: str = ""


def parse(spec: AttributeSpec, series: pd.Series) -> Parsed:
    """Read ``series`` (text cells) as answers to ``spec``. Blank and N/A answers are NaN; an
    answer outside the scale, an unknown label or a non-yes/no is a bad cell with its reason.
    When many answers are outside the scale (more than 1 % of the filled cells, or more than
    one), the whole column is refused: its scale is not the declared one."""
    text = series.str.strip()
    distinct = [v for v in text.unique().tolist() if v != ""]
    lookup: dict[str, float] = {}
    reasons: dict[str, str] = {}
    label_keys = {al.label_key(k): v for k, v in spec.value_labels.items()}
    outside: dict[str, float] = {}
    for raw in distinct:
        if _is_na(raw, spec.na_codes):
            lookup[raw] = np.nan
            continue
        if spec.kind == "category":
            if raw in spec.categories:
                lookup[raw] = float(spec.categories.index(raw))
            else:
                reasons[raw] = (f"{raw!r} is not one of the choices of this question "
                                f"({', '.join(spec.categories[:8])})")
            continue
        key = al.label_key(raw)
        value = label_keys.get(key)
        if value is None and spec.kind == "yesno":
            value = al.YES_NO.get(key)
        if value is None:
            num = pd.to_numeric(raw.replace(",", "."), errors="coerce")
            value = None if pd.isna(num) else float(num)
        if value is None:
            what = "yes or no" if spec.kind == "yesno" else (
                f"a number from {spec.scale_text}" + (
                    " or one of its answer labels" if spec.value_labels else ""))
            reasons[raw] = (f"{raw!r} is not {what}; if it means 'not applicable', give it as "
                            f"the question's N/A code")
            continue
        low, high = spec.scale if spec.scale else (0.0, 1.0)
        if not low <= value <= high:
            outside[raw] = value
            reasons[raw] = (f"{raw!r} is outside the scale {spec.scale_text}; if it means "
                            f"'not applicable', give it as the question's N/A code")
            continue
        lookup[raw] = value
    mapped = text.map(lookup)
    bad = text.isin(list(reasons))
    refusal = ""
    if outside:
        n_out = int(text.isin(list(outside)).sum())
        filled = int((text != "").sum())
        if n_out > max(1, filled // 100):
            low_out, high_out = min(outside.values()), max(outside.values())
            refusal = (f"{n_out:,} answers ({low_out:g} to {high_out:g}) are outside "
                       f"the scale {spec.scale_text}: declare the column's real scale (e.g. "
                       f"--scale \"{spec.column}=...\", or the Scale box of the preview), or "
                       f"its N/A code")
    return Parsed(mapped.astype("float64"), bad, reasons, refusal)


def values_for_field(values: pd.Series, low: float, high: float, field_label: str,
                     column: str) -> str:
    """A refusal when a column mapped to a rating field holds a different scale, else "".

    ``values`` are the column's parsed answers; the column is refused when more than one
    answer, and over 1 % of them, are whole numbers outside ``low``-``high``."""
    whole = values.notna() & (values % 1 == 0)
    out = whole & ~values.between(low, high)
    n_out = int(out.sum())
    if n_out > max(1, int(values.notna().sum()) // 100):
        seen = values[whole]
        field_label = re.sub(r"\s*\(.*\)$", "", field_label)
        return (f"column '{column}' holds {seen.min():g} to {seen.max():g}, which does not fit "
                f"{field_label} ({low:g}-{high:g}); {n_out:,} answers are outside it. Map the "
                f"column to a field with that scale, or leave it as a survey question with its "
                f"own scale (don't import it as {field_label})")
    return ""


def is_inside(code: str, scale: tuple[float, float]) -> bool:
    """True when N/A code ``code`` is a number on ``scale`` (so it would be a real answer)."""
    num = pd.to_numeric(str(code), errors="coerce")
    return not pd.isna(num) and scale[0] <= float(num) <= scale[1]
