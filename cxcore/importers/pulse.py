"""Employee pulse answers: eNPS per team and date."""

from __future__ import annotations

from typing import Any

from cxcore.importers.base import FieldSpec

FIELDS: list[FieldSpec] = [
    FieldSpec("date", "date", "Date", required=True),
    FieldSpec("team", "text", "Team"),
    FieldSpec("enps", "score", "eNPS (0-10)", required=True, low=0, high=10),
    FieldSpec("comment", "comment", "Comment"),
    FieldSpec("response_id", "text", "Response ID (for de-duplication)", stored=False),
]

# Headers (normalised: lower-case letters and digits) that name a field outright, best first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": ("date", "responsedate", "recordeddate", "enddate", "submittedat",
             "timestamp", "createdat", "surveydate", "startdate"),
    "team": ("team", "department", "dept", "group", "unit", "teamname"),
    "enps": ("enps", "enpsscore", "score", "rating"),
    "comment": ("comment", "comments", "feedback", "verbatim", "reason"),
    "response_id": ("responseid", "respondentid"),
}

# Question texts that say which field a column holds (headers that are the question itself).
QUESTION_PATTERNS: list[tuple[str, str]] = [
    (r"recommend|recommand|weiterempfehlen|empfehlen|recomend|recomiend|raccomand", "enps"),
    (r"\bwhy\b|tell us|comment|anything else|pourquoi|warum|por qu[ée]", "comment"),
]


def finish(v: Any) -> None:
    """The rules across a pulse row's fields, on the validator ``v``
    (:class:`cxcore.importers.validate.Validator`) once its fields are parsed."""
    v.dedupe_key(["date", "team", "enps", "comment"], "response_id")
