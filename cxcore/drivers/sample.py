"""Key driver analysis of a workspace: which survey questions explain an outcome, how well each
scores, and what to act on first.

**What is analysed.** The *outcome* is the NPS answer (0-10), CSAT, effort or any rating
question, or a label ("satisfaction = satisfied" against every other answer, or a yes/no
question) coded 1/0 (see :mod:`.kda` for how a label outcome is treated). The *drivers*
are the rating and yes/no questions: the five fixed ratings of ``responses`` (CSAT, effort,
effectiveness, ease, emotion) and every attribute of :mod:`cxcore.attributes`, except the
outcome itself; by default those answered by at least :data:`COVERAGE` of the responses that
have the outcome (a question asked of few people would shrink the complete cases to nothing).

**Complete cases.** The weights come from one correlation matrix over the responses that
answered the outcome *and every driver* (listwise). Pairwise correlations would each use a
different subset of people and can give a matrix that no single group of customers could
produce (not positive definite), so they are not used. "Not applicable" answers are stored as
missing and so leave the response out.

**Sampling.** Above :data:`SAMPLE_MAX` complete cases, the analysis runs on a uniform random
sample of them, drawn in SQL by a fixed hash of the response id (the same data always give the
same sample), and says so ("estimated on a random sample of N of M responses"). The bootstrap
intervals are computed on that sample, so they are honest about its size. 20,000 answers pin a
share of explained variance down to about a point; the full 1,000,000 would not change the
picture, only the wait. :func:`fetch_complete` is the one place that reads the data, so a rollup
table can replace it.

**Importance × performance.** Importance is the driver's share of the explained variance;
performance its mean rescaled to 0-100 of its scale (or its top-box share: answers at the
scale's top). The quadrant lines are the average share (100 / number of drivers) and the
average performance of the drivers: high importance and low performance is **fix first**,
high and high **keep up**, low importance and low performance **watch**, low and high
**less urgent**.

**Groups.** Each segment, channel or journey step is compared with *the rest of the customers*
(never with an overall that contains it): the difference in a driver's share with a bootstrap
95% interval (:func:`.kda.share_difference`). **Channel consistency**: whether the same
question scores differently across channels (or journey steps), by the Kruskal-Wallis test
(ratings are ordinal) with a Bonferroni correction over the questions; groups with fewer than
:data:`GROUP_MIN` answers are left out, and with fewer than two groups left the verdict is
"too few to tell".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cxcore import attributes as attrs
from cxcore.drivers.basic import RATINGS
from cxcore.errors import ValidationError
from cxcore.scorecard import NOT_SET, Period
from cxcore.workspace import WorkspaceSession

#: Above this many complete answers the analysis runs on a random sample of this size.
SAMPLE_MAX = 20_000
#: A question is a default driver when at least this share of the outcome's answers have it.
COVERAGE = 0.5
#: A group (segment, channel, step) needs this many complete answers for its means to count.
GROUP_MIN = 30
#: Bootstrap draws for each group and for the rest of the customers.
GROUP_DRAWS = 100
#: At most this many groups (the largest) are analysed per breakdown.
MAX_GROUPS = 8
#: Plain names of the quadrants (importance high/low, performance high/low).
QUADRANTS = ("fix first", "keep up", "watch", "less urgent")
_HASH_RANGE = 4294967296


@dataclass(frozen=True)
class Variable:
    """A question usable as driver or outcome: ``sql`` reads it from ``responses r`` joined with
    ``response_attributes ra``; ``scale`` is its (min, max); ``binary`` for 1/0 codes."""

    key: str
    label: str
    sql: str
    scale: tuple[float, float]
    binary: bool = False
    step_id: int | None = None
    kind: str = "rating"
    source: str | None = None  # a label outcome: the key of the question it is read from


NPS = Variable("nps", "Likelihood to recommend (0-10)", "r.nps", (0.0, 10.0))


def _fixed() -> list[Variable]:
    out = []
    for d in RATINGS:
        low, high = (float(v) for v in d.scale.split("-"))
        out.append(Variable(d.key, d.label, f"r.{d.key}", (low, high)))
    return out


def variables(session: WorkspaceSession) -> list[Variable]:
    """Every question that can be a driver: the five fixed ratings, then the rating and yes/no
    attributes in definition order."""
    out = _fixed()
    taken = {v.key for v in out} | {"nps"}
    for a in attrs.list_attributes(session.db):
        if a["kind"] not in ("rating", "yesno") or a["key"] in taken:
            continue
        out.append(Variable(a["key"], a["label"], f"ra.{a['column']}",
                            (float(a["scale_min"]), float(a["scale_max"])),
                            binary=a["kind"] == "yesno", step_id=a["step_id"], kind=a["kind"]))
    return out


def outcome_choices(session: WorkspaceSession) -> list[dict[str, Any]]:
    """The outcomes a user can pick: ``{"value", "label"}`` with ``value`` as accepted by
    :func:`parse_outcome`: NPS, the ratings and yes/no questions, and each choice of each
    single-choice question ("satisfaction=satisfied")."""
    out = [{"value": NPS.key, "label": NPS.label}]
    out += [{"value": v.key, "label": v.label} for v in variables(session)]
    for a in attrs.list_attributes(session.db):
        if a["kind"] == "category":
            out += [{"value": f"{a['key']}={c}", "label": f"{a['label']} = {c}"}
                    for c in a["categories"]]
    return out


def parse_outcome(session: WorkspaceSession, text: str | None) -> Variable:
    """The outcome named by ``text``: ``nps`` (default), a rating or yes/no question's key, or
    ``KEY=VALUE`` for a label outcome (a single-choice question's answer, ``yes``/``no`` of a
    yes/no question, or a rating's value such as ``csat=5``), coded 1 when the answer is that
    value and 0 for any other answer. Raises :class:`ValidationError` naming what exists."""
    raw = (text or "nps").strip()
    known = {v.key: v for v in [NPS, *variables(session)]}
    categories = {a["key"]: a for a in attrs.list_attributes(session.db)
                  if a["kind"] == "category"}
    key, sep, value = raw.partition("=")
    key, value = key.strip(), value.strip()
    if not sep:
        if key in known:
            return known[key]
        if key in categories:
            raise ValidationError(
                f"'{key}' is a single-choice question: name the answer to explain, e.g. "
                f"--outcome \"{key}={categories[key]['categories'][0]}\".", field="outcome")
        names = ", ".join([*known, *categories])
        raise ValidationError(f"No question '{key}' to explain: use one of {names}.",
                              field="outcome")
    if key in categories:
        choices = categories[key]["categories"]
        index = next((i for i, c in enumerate(choices) if c.lower() == value.lower()), None)
        if index is None:
            raise ValidationError(
                f"'{value}' is not an answer of '{key}': its answers are "
                + ", ".join(f"'{c}'" for c in choices) + ".", field="outcome")
        col = f"ra.{attrs.column(categories[key]['id'])}"
        return Variable(raw, f"{categories[key]['label']} = {choices[index]}",
                        f"(case when {col} is null then null when {col} = {index} then 1.0 "
                        "else 0.0 end)", (0.0, 1.0), binary=True, kind="label", source=key)
    if key in known:
        base = known[key]
        if base.binary:
            words = {"yes": 1.0, "1": 1.0, "true": 1.0, "no": 0.0, "0": 0.0, "false": 0.0}
            if value.lower() not in words:
                raise ValidationError(f"'{value}' is not an answer of the yes/no question "
                                      f"'{key}': use yes or no.", field="outcome")
            number = words[value.lower()]
        else:
            try:
                number = float(value)
            except ValueError:
                raise ValidationError(f"'{value}' is not a number on the {base.scale[0]:g}-"
                                      f"{base.scale[1]:g} scale of '{key}'.",
                                      field="outcome") from None
        return Variable(raw, f"{base.label} = {value}",
                        f"(case when {base.sql} is null then null when {base.sql} = {number!r} "
                        "then 1.0 else 0.0 end)", (0.0, 1.0), binary=True, kind="label",
                        source=key)
    raise ValidationError(f"No question '{key}' to explain.", field="outcome")


# ---- data access (the one function a rollup table would replace) ---------------------------------

@dataclass
class Sample:
    """Complete answers: ``x`` (answers × drivers), ``y`` (outcome), each answer's channel,
    segment and journey step, and ``total``, the number of complete answers in the data (the
    rows are a random sample of them when ``sampled``)."""

    x: np.ndarray
    y: np.ndarray
    channel: np.ndarray
    segment: np.ndarray
    step: np.ndarray
    total: int
    sampled: bool = False
    groups: dict[str, np.ndarray] = field(default_factory=dict)


def _where(per: Period, segment: str | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if not per.is_all:
        clauses.append("r.date >= ? and r.date < ?")
        params += [per.start, per.end]
    if segment is not None:
        clauses.append("coalesce(nullif(trim(r.segment), ''), ?) = ?")
        params += [NOT_SET, segment]
    return " and ".join(clauses) or "1", params


_FROM = "from responses r left join response_attributes ra on ra.response_id = r.id"
#: Above this many responses in the period, coverage (which questions most customers
#: answered) is estimated on a hash sample of about this many responses.
COVERAGE_ROWS = 100_000


def _in_attributes(v: Variable) -> bool:
    return "ra." in v.sql


def _tables(variables_: list[Variable]) -> tuple[str, str]:
    """The FROM clause for reading ``variables_`` and the id column to hash. Only responses
    when every variable is a column of ``responses``; otherwise an inner join, because a
    complete case needs its answers row, and it lets SQLite scan the answers table first and
    look up only the responses that pass its filters (about four times faster at 1,000,000
    rows than a left join from responses)."""
    if any(_in_attributes(v) for v in variables_):
        return ("from response_attributes ra join responses r on r.id = ra.response_id",
                "ra.response_id")
    return "from responses r", "r.id"


def _hash(id_column: str) -> str:
    return f"(({id_column} * 2654435761) % {_HASH_RANGE})"


def coverage(session: WorkspaceSession, outcome: Variable, candidates: list[Variable],
             period: Period, segment: str | None) -> tuple[int, list[int]]:
    """How many responses of the period (and segment) answered the outcome (exact), and about
    how many of those answered each candidate driver: counted exactly up to
    :data:`COVERAGE_ROWS` responses in the period, estimated above that from a hash sample of
    about that many (it only decides which questions are asked often enough to weigh)."""
    where, params = _where(period, segment)
    tables, _ = _tables([outcome])
    answered = int(session.db.execute(
        f"select count(*) {tables} where {where} and {outcome.sql} is not null",
        params).fetchone()[0])
    if not candidates or not answered:
        return answered, [0] * len(candidates)
    in_period = int(session.db.execute(
        f"select count(*) from responses r where {where}", params).fetchone()[0])
    fraction = min(1.0, COVERAGE_ROWS / max(in_period, 1))
    counts: dict[str, float] = {}
    for group in ([v for v in candidates if not _in_attributes(v)],
                  [v for v in candidates if _in_attributes(v)]):
        if not group:
            continue
        tables, id_column = _tables([outcome, *group])
        clause, args = f"{where} and {outcome.sql} is not null", list(params)
        if fraction < 1:
            # CROSS JOIN keeps the answers table as the outer loop, so the hash filter runs
            # before any lookup (SQLite would otherwise start from responses: 15× slower).
            tables = tables.replace(" join ", " cross join ")
            clause = f"{_hash(id_column)} < ? and {clause}"
            args.insert(0, math.ceil(_HASH_RANGE * fraction))
        row = session.db.execute(
            f"select count(*), {', '.join(f'count({v.sql})' for v in group)} {tables} "
            f"where {clause}", args).fetchone()
        base = row[0] or 1
        counts.update({v.key: answered * c / base if fraction < 1 else c
                       for v, c in zip(group, row[1:], strict=True)})
    return answered, [round(counts[v.key]) for v in candidates]


NOT_ANSWERED = "(not answered)"


def fetch_complete(session: WorkspaceSession, outcome: Variable, drivers: list[Variable],
                   period: Period, segment: str | None = None,
                   limit: int = SAMPLE_MAX,
                   group_questions: list[dict[str, Any]] | None = None) -> Sample:
    """The complete answers (outcome and every driver answered) of the period and segment:
    all of them up to ``limit``, else a uniform random sample of about ``limit``, chosen by a
    fixed multiplicative hash of the response id (Knuth's 2654435761) below a threshold, so
    the same data always give the same sample without sorting a million rows. Each answer
    carries its channel, segment and journey step, and its answer to each single-choice
    question of ``group_questions`` (attributes from :mod:`cxcore.attributes`) in
    ``Sample.groups[key]`` ("(not answered)" when missing)."""
    where, params = _where(period, segment)
    tables, id_column = _tables([outcome, *drivers])
    extra = list(group_questions or [])
    if extra and tables == "from responses r":
        tables = _FROM  # keep responses without an answers row: their group is "not answered"
    complete = " and ".join([*(f"{d.sql} is not null" for d in drivers),
                             f"{outcome.sql} is not null"])
    base = f"{tables} where {complete} and {where}"
    total = int(session.db.execute(f"select count(*) {base}", params).fetchone()[0])
    sampled = total > limit
    sql, args = base, list(params)
    if sampled:
        sql = f"{tables} where {_hash(id_column)} < ? and {complete} and {where}"
        args = [math.ceil(_HASH_RANGE * limit / total), *params]
    cols = ", ".join([outcome.sql, *(d.sql for d in drivers),
                      *(f"ra.{a['column']}" for a in extra)])
    rows = session.db.execute(
        f"select {cols}, coalesce(nullif(trim(r.channel), ''), '{NOT_SET}'), "
        f"coalesce(nullif(trim(r.segment), ''), '{NOT_SET}'), "
        f"coalesce(r.journey_step_id, -1) {sql}", args).fetchall()
    p, g = len(drivers), len(extra)
    if rows:
        values = np.array([row[:p + 1] for row in rows], dtype=float)
        meta = np.array([row[p + 1 + g:] for row in rows], dtype=object)
    else:
        values, meta = np.empty((0, p + 1)), np.empty((0, 3), dtype=object)
    groups = {}
    for k, a in enumerate(extra):
        names = a["categories"]
        groups[a["key"]] = np.array(
            [NOT_ANSWERED if row[p + 1 + k] is None or not 0 <= int(row[p + 1 + k]) < len(names)
             else names[int(row[p + 1 + k])] for row in rows], dtype=object).astype(str)
    return Sample(x=values[:, 1:], y=values[:, 0], channel=meta[:, 0].astype(str),
                  segment=meta[:, 1].astype(str), step=meta[:, 2].astype(int), total=total,
                  sampled=sampled, groups=groups)


