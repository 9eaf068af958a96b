"""Survey responses: scores, channel, segment, journey step, comment, and every other column
that holds a survey question (:mod:`cxcore.attribute_import`), with the rules across them
(a typed score column, a row with no answer at all, de-duplication)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from cxcore import attribute_import as ai
from cxcore import attributes as attrs
from cxcore import import_formats as fmt
from cxcore import survey_formats as sf
from cxcore.errors import ValidationError
from cxcore.importers.base import IGNORE, SCORE_FIELDS, FieldSpec, _scores, attribute_column
from cxcore.workspace import WorkspaceSession

FIELDS: list[FieldSpec] = [
    FieldSpec("customer_id", "id", "Customer ID"),
    FieldSpec("date", "date", "Date", required=True),
    *_scores(("nps", "NPS (0-10)", 0, 10), ("csat", "CSAT (1-5)", 1, 5),
             ("ces", "Customer effort (1-7, 7 = very easy)", 1, 7),
             ("effectiveness", "Effectiveness (1-7)", 1, 7), ("ease", "Ease (1-7)", 1, 7),
             ("emotion", "Emotion (1-7)", 1, 7)),
    FieldSpec("channel", "text", "Channel"),
    FieldSpec("segment", "text", "Segment"),
    FieldSpec("journey_step_id", "step", "Journey step (ID or name)"),
    FieldSpec("comment", "comment", "Comment"),
    FieldSpec("score", "number", "Score (typed by survey type)", stored=False),
    FieldSpec("survey_type", "text", "Survey type (NPS/CSAT/CES)", stored=False),
    FieldSpec("response_id", "text", "Response ID (for de-duplication)", stored=False),
]

# Headers (normalised: lower-case letters and digits) that name a field outright, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": ("customerid", "customer", "custid", "clientid", "accountid",
                    "externalreference", "externaldatareference"),
    "date": ("date", "responsedate", "recordeddate", "submitdate", "completiontime",
             "enddate", "submittedat", "submitted", "responsetimestamp", "timestamp",
             "horodateur", "zeitstempel", "marcatemporal", "surveydate", "createdat",
             "completedat", "datum", "fecha", "datedereponse", "antwortdatum",
             "fechaderespuesta", "starttime", "startdate"),
    "nps": ("nps", "npsscore", "likelihoodtorecommend", "ltr"),
    "csat": ("csat", "csatscore", "satisfaction", "overallsatisfaction"),
    "ces": ("ces", "cesscore", "customereffort", "customereffortscore", "effort"),
    "effectiveness": ("effectiveness",),
    "ease": ("ease",),
    "emotion": ("emotion",),
    "channel": ("channel", "responsechannel", "touchpointchannel"),
    "segment": ("segment", "customersegment"),
    "journey_step_id": ("journeystep", "journeystepid", "step", "touchpoint"),
    "comment": ("comment", "comments", "feedback", "verbatim", "reason", "explanation",
                "whyscore", "opentext", "additionalcomments", "commentaire", "explication",
                "kommentar", "comentario", "commento"),
    "score": ("score", "rating"),
    "survey_type": ("surveytype", "survey", "questiontype", "metric"),
    "response_id": ("responseid", "respondentid", "surveyresponseid", "responseuuid",
                    "token", "", "id"),
}

# Question texts that say which field a column holds (headers that are the question itself).
QUESTION_PATTERNS: list[tuple[str, str]] = [
    (r"recommend|recommand|weiterempfehlen|empfehlen|recomend|recomiend|raccomand", "nps"),
    (r"how (easy|difficult)|effort|easy was it|easy to|facile|facilit[ée]|wie einfach|"
     r"wie leicht|aufwand|f[áa]cil|facilidad|esfuerzo", "ces"),
    (r"satisf|zufrieden", "csat"),
    (r"\bwhy\b|tell us|\bcomments?\b(?!\s+(?:a|avez|[ée]valu|jug|trouv|not|estim|qualifi))|"
     r"anything else|what else|reason for|suggest|improve|pourquoi|commentaire|remarque|"
     r"am[ée]liorer|warum|kommentar|anmerkung|verbesser|"
     r"por qu[ée]|comentario|sugerencia|mejorar", "comment"),
]


def finish(v: Any) -> None:
    """The rules across a response row's fields, on the validator ``v``
    (:class:`cxcore.importers.validate.Validator`) once its fields are parsed."""
    out = v.out
    if "score" in out:
        kinds = v.out.get("survey_type")
        score = out["score"]
        if kinds is None:
            target = pd.Series("nps", index=out.index)
            v.notes.append("The score column has no survey type beside it: read as NPS.")
        else:
            low = kinds.fillna("").str.lower()
            target = pd.Series(pd.NA, index=out.index, dtype="str")
            target[low.str.contains("nps|recommend")] = "nps"
            target[low.str.contains("csat|satisf")] = "csat"
            target[low.str.contains("ces|effort")] = "ces"
            v.flag(target.isna() & score.notna(), "survey_type",
                   lambda i: f"survey type {v.shown(kinds.loc[i])} is not NPS, CSAT "
                             f"or CES")
        for name, low_, high in (("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7)):
            mine = (target == name).fillna(False) & score.notna()
            if not mine.any():
                continue
            bad = mine & ~(score.between(low_, high) & (score % 1 == 0))
            v.flag(bad, "score", lambda i, n=name, lo=low_, hi=high:
                   f"{n.upper()} score {v.shown(score.loc[i])} is not a whole number "
                   f"from {lo} to {hi}")
            values = score.where(mine & ~bad).astype("Int64")
            out[name] = out[name].fillna(values) if name in out else values
    present = [c for c in SCORE_FIELDS if c in out]
    answers = present + [attribute_column(a) for a in v.attributes]
    if answers:
        none = out[answers].isna().all(axis=1)
        v.flag(none & ~v.bad, (present or [v.attributes[0].column])[0],
               "the row has no score at all" if not v.attributes else
               "the row has no score and no answer to any survey question")
    v.unknown_customers("customer_id")
    v.dedupe_key(["customer_id", "date", *SCORE_FIELDS, "channel", "segment",
                  "journey_step_id", "comment",
                  *[attribute_column(a) for a in v.attributes]], "response_id")


def parse_attributes(v: Any) -> None:
    """Read each included survey question; a column that does not fit its scale is refused
    as a whole, otherwise each bad answer is a row problem."""
    for spec in v.attributes:
        v.out[attribute_column(spec)] = float("nan")  # until read (or refused)
        series = v.frame[spec.column].astype("str")
        if spec.kind == "rating" and spec.scale and spec.na_codes:
            inside = [c for c in spec.na_codes if ai.is_inside(c, spec.scale)]
            if inside and spec.source in ("declared", "stored"):
                v.file_problem(spec.column, (
                    f"N/A code {', '.join(inside)} is inside the scale {spec.scale_text} "
                    f"of '{spec.label}': a code meaning 'not applicable' can't also be an "
                    f"answer. Declare the scale without it (e.g. 1-5) or drop the code"))
                continue
        parsed = ai.parse(spec, series)
        if parsed.refusal:
            v.file_problem(spec.column, f"'{spec.label}': {parsed.refusal}")
            continue
        text = series.str.strip()
        v.flag(parsed.bad, spec.column,
               lambda i, p=parsed, t=text, sp=spec:
               f"'{sp.label}': {p.reasons.get(t.loc[i], 'not a valid answer')}")
        v.out[attribute_column(spec)] = parsed.values


def survey_questions(kind: str, table: fmt.RawTable, frame: pd.DataFrame,
                      mapping_used: dict[str, str], user_mapping: dict[str, str] | None,
                      overrides: dict[str, dict[str, Any]] | None,
                      not_applicable: Iterable[Any] | None, scales: dict[str, Any] | None,
                      known: Any) -> list[ai.AttributeSpec]:
    """The survey questions of a responses file: every column no field takes that is not the
    tool's bookkeeping or ignored by the user, read by :func:`cxcore.attribute_import.detect`;
    a question the workspace already has keeps its stored kind, scale and answers."""
    if kind != "responses":
        return []
    overrides = dict(overrides or {})
    na = [str(c).strip() for c in (not_applicable or []) if str(c).strip()]
    for column, scale in (scales or {}).items():
        if column not in frame.columns:
            raise ValidationError(f"--scale: the file has no column '{column}'.", field="scale")
        if column not in mapping_used:
            overrides.setdefault(column, {})["scale"] = scale
    ignored = {c for c, t in (user_mapping or {}).items() if t in (IGNORE, "ignore", None)}
    meta = sf.metadata_columns(table.source_format, list(frame.columns))
    stored = {}
    if isinstance(known, WorkspaceSession):
        stored = {a["key"]: a for a in attrs.list_attributes(known.db)}
    taken: set[str] = set()
    found = []
    for column in frame.columns:
        override = overrides.get(column, {})
        if column in mapping_used or column.upper().endswith("_NPS_GROUP") or (
                (column in ignored or column in meta) and not override):
            continue
        label = table.questions.get(column) or column
        key = ai.make_key(override.get("key") or column, taken)
        spec = ai.detect(frame[column], column, label, key, na)
        if spec is None and key not in stored and not override.get("kind") \
                and not override.get("scale"):
            continue
        if spec is None:
            spec = ai.AttributeSpec(column, key, label, override.get("kind") or "rating",
                                    na_codes=list(na))
        if key in stored and not override.get("scale") and not override.get("kind"):
            spec = from_stored(spec, stored[key], frame[column])
        try:
            spec = ai.apply_override(spec, override)
        except ValueError as exc:
            raise ValidationError(f"question '{column}': {exc}", field="scale") from None
        if spec.kind == "rating" and spec.scale is None:
            raise ValidationError(f"question '{column}' needs a scale such as 1-5.",
                                  field="scale")
        found.append(spec)
    return found


def from_stored(spec: ai.AttributeSpec, stored: dict[str, Any],
                 series: pd.Series) -> ai.AttributeSpec:
    """``spec`` read the way the workspace's stored question of that key is (its kind, scale,
    N/A codes and answer labels); new choices of a category are added after the stored ones."""
    out = ai.AttributeSpec(
        spec.column, spec.key, stored["label"], stored["kind"],
        scale=None if stored["scale_min"] is None else (stored["scale_min"],
                                                         stored["scale_max"]),
        na_codes=list(dict.fromkeys([*map(str, stored["na_codes"]), *spec.na_codes])),
        value_labels={**spec.value_labels, **stored["value_labels"]},
        categories=list(stored["categories"]), source="stored")
    if out.kind == "category":
        seen = [v for v in series.str.strip().unique().tolist()
                if v and v not in out.categories and v not in out.na_codes]
        out.categories += sorted(seen)
    return out

