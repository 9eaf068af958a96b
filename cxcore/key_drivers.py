"""Key driver analysis of a workspace: which survey questions explain an outcome, how well each
scores, and what to act on first.

**What is analysed.** The *outcome* is the NPS answer (0-10), CSAT, effort or any rating
question, or a label ("satisfaction = satisfied" against every other answer, or a yes/no
question) coded 1/0 (see :mod:`cxcore.kda` for how a label outcome is treated). The *drivers*
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
95% interval (:func:`cxcore.kda.share_difference`). **Channel consistency**: whether the same
question scores differently across channels (or journey steps), by the Kruskal-Wallis test
(ratings are ordinal) with a Bonferroni correction over the questions; groups with fewer than
:data:`GROUP_MIN` answers are left out, and with fewer than two groups left the verdict is
"too few to tell".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cxcore import attributes as attrs
from cxcore import kda
from cxcore.drivers import RATINGS
from cxcore.errors import ValidationError
from cxcore.scorecard import NOT_SET, Period, parse_period, period_words
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


# ---- the analysis -------------------------------------------------------------------------------

def _performance(v: Variable, column: np.ndarray) -> tuple[float | None, float | None]:
    """(mean on 0-100 of the scale, top-box share in %) of one driver's answers."""
    if not len(column):
        return None, None
    low, high = v.scale
    mean = 100.0 * (float(column.mean()) - low) / (high - low)
    return mean, 100.0 * float((column >= high).mean())


def quadrant(weight_pct: float, performance: float, weight_line: float,
             performance_line: float) -> str:
    """The plain name of a driver's quadrant: importance at or above ``weight_line`` and
    performance below ``performance_line`` is "fix first"; important and performing "keep
    up"; less important and performing poorly "watch"; less important and performing well
    "less urgent"."""
    important = weight_pct >= weight_line
    good = performance >= performance_line
    if important:
        return "keep up" if good else "fix first"
    return "less urgent" if good else "watch"


def _select_drivers(session: WorkspaceSession, outcome: Variable, keys: list[str] | None,
                    per: Period, segment: str | None) -> tuple[list[Variable], int, dict]:
    candidates = [v for v in variables(session) if v.key not in (outcome.key, outcome.source)]
    if keys:
        by_key = {v.key: v for v in candidates}
        missing = [k for k in keys if k not in by_key]
        if missing:
            raise ValidationError(
                f"No driver question {', '.join(repr(k) for k in missing)}: use "
                + ", ".join(by_key) + ".", field="driver")
        candidates = [by_key[k] for k in keys]
    answered, counts = coverage(session, outcome, candidates, per, segment)
    answers = {v.key: c for v, c in zip(candidates, counts, strict=True)}
    if keys:
        chosen = [v for v in candidates if answers[v.key] > 0]
    else:
        chosen = [v for v in candidates
                  if answers[v.key] > 0 and answers[v.key] >= COVERAGE * answered]
    return chosen, answered, answers


def key_drivers(session: WorkspaceSession, outcome: str | Variable | None = "nps",
                period: str | Period = "all", segment: str | None = None,
                drivers: list[str] | None = None, *, basis: str = "mean",
                limit: int = SAMPLE_MAX, draws: int = kda.BOOTSTRAP_DRAWS,
                groups: bool = False) -> dict[str, Any]:
    """The key driver analysis of ``outcome`` for ``period`` (and one ``segment``).

    Returns a dict: ``outcome`` (key, label, binary), ``period``, ``segment``, ``method``,
    ``handling`` (complete cases, in words), ``answered`` (responses with the outcome),
    ``total`` (complete answers), ``n`` (answers analysed), ``sampled``, ``min_n``,
    ``enough`` (False = too few to tell, ``reason`` says why), ``r2`` with ``r2_low`` /
    ``r2_high``, ``drivers`` (per driver: attribute, label, weight_pct, low_pct, high_pct,
    rank, rank_stability, shapley_pct, r, vif, performance (by ``basis``: "mean" on 0-100 or
    "top_box" %), mean_pct, top_box_pct, quadrant, answers, n, step_id; by weight),
    ``left_out`` (questions too rarely answered), ``collinearity`` (condition number, the
    driver correlation matrix, the most overlapping pair), ``lines`` (the quadrant lines) and
    ``findings`` (plain sentences). With ``groups``, also ``by_segment``, ``by_channel`` and
    ``consistency`` (:func:`group_drivers`, :func:`consistency`) from the same answers.
    """
    per = period if isinstance(period, Period) else parse_period(period)
    out_var = outcome if isinstance(outcome, Variable) else parse_outcome(session, outcome)
    if basis not in ("mean", "top_box"):
        raise ValidationError("Performance is 'mean' or 'top_box'.", field="basis")
    chosen, answered, answers = _select_drivers(session, out_var, drivers, per, segment)
    labels = {v.key: v.label for v in variables(session)}
    result: dict[str, Any] = {
        "outcome": {"key": out_var.key, "label": out_var.label, "binary": out_var.binary},
        "period": per.label, "segment": segment, "basis": basis,
        "method": "Johnson's relative weights (Johnson 2000) on complete cases, bootstrap "
                  f"95% intervals ({draws} draws)" + (
                      "; outcome coded 1/0 (linear probability model, point-biserial "
                      "correlations)" if out_var.binary else ""),
        "handling": "complete cases: only responses that answered the outcome and every "
                    "driver question; not-applicable answers count as not answered",
        "draws": draws, "answered": answered, "total": 0, "n": 0, "sampled": False,
        "min_n": kda.min_n(max(len(chosen), 1)), "enough": False, "reason": None,
        "r2": None, "r2_low": None, "r2_high": None, "drivers": [],
        "left_out": [{"attribute": k, "label": labels[k], "answers": c}
                     for k, c in answers.items() if k not in {v.key for v in chosen}],
        "collinearity": None, "lines": None, "findings": [],
    }
    words = period_words(per)
    if answered == 0:
        result["reason"] = f"no response in {words} answered {out_var.label.lower()}"
        return result
    if len(chosen) < 2:
        result["reason"] = ("fewer than two rating questions were answered by at least half "
                            "of the customers who answered the outcome, so there is nothing "
                            "to weigh against each other")
        return result
    sample = fetch_complete(session, out_var, chosen, per, segment, limit)
    result.update(total=sample.total, n=len(sample.y), sampled=sample.sampled)
    if len(sample.y) < result["min_n"]:
        result["reason"] = (f"too few to tell: {len(sample.y):,} responses answered the outcome "
                            f"and all {len(chosen)} questions; at least {result['min_n']:,} "
                            "are needed")
        return result
    if np.ptp(sample.y) == 0:
        result["reason"] = (f"every one of the {len(sample.y):,} complete answers has the same "
                            f"{out_var.label.lower()}, so nothing explains it")
        return result
    res = kda.analyse(sample.x, sample.y, draws=draws)
    result.update(enough=True, r2=res.r2, r2_low=res.r2_low, r2_high=res.r2_high)
    rows = []
    for j, v in enumerate(chosen):
        mean, top = _performance(v, sample.x[:, j])
        rows.append({
            "attribute": v.key, "label": v.label, "step_id": v.step_id,
            "scale": f"{v.scale[0]:g}-{v.scale[1]:g}",
            "weight_pct": float(res.pct[j]), "low_pct": float(res.low_pct[j]),
            "high_pct": float(res.high_pct[j]), "raw_weight": float(res.raw[j]),
            "rank": int(res.rank[j]), "rank_stability": float(res.rank_stability[j]),
            "shapley_pct": (None if res.shapley is None or res.r2 <= 0
                            else float(100 * res.shapley[j] / res.shapley.sum())),
            "r": float(res.rxy[j]), "vif": float(res.vif[j]),
            "mean_pct": mean, "top_box_pct": top,
            "performance": mean if basis == "mean" else top,
            "answers": answers[v.key], "n": len(sample.y)})
    weight_line = 100.0 / len(rows)
    perf_line = float(np.mean([r["performance"] for r in rows]))
    for r in rows:
        r["quadrant"] = quadrant(r["weight_pct"], r["performance"], weight_line, perf_line)
    rows.sort(key=lambda r: r["rank"])
    result["drivers"] = rows
    result["lines"] = {"weight_pct": weight_line, "performance": perf_line}
    result["collinearity"] = _collinearity(chosen, res)
    result["findings"] = findings(result)
    if groups:
        breakdown = group_drivers(sample, chosen)
        result["by_segment"], result["by_channel"] = breakdown["segment"], breakdown["channel"]
        names = step_names(session)
        result["consistency"] = {
            "channel": consistency(sample, chosen, "channel"),
            "step": consistency(sample, chosen, "step", names)}
    return result


def _collinearity(chosen: list[Variable], res: kda.KdaResult) -> dict[str, Any]:
    p = len(chosen)
    off = np.abs(res.rxx - np.eye(p))
    i, j = np.unravel_index(int(np.argmax(off)), off.shape)
    cond = res.condition
    return {"condition": None if math.isinf(cond) else cond,
            "labels": [v.label for v in chosen], "keys": [v.key for v in chosen],
            "matrix": [[float(x) for x in row] for row in res.rxx],
            "max_vif": None if math.isinf(float(res.vif.max())) else float(res.vif.max()),
            "pair": [chosen[i].label, chosen[j].label], "pair_r": float(res.rxx[i, j]),
            "severe": bool(math.isinf(cond) or cond > 30 or res.vif.max() > 5)}


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def findings(result: dict[str, Any]) -> list[str]:
    """What to act on first, in plain sentences, from a :func:`key_drivers` result: the
    fix-first questions (most important first; "clearly" more important than average only when
    the whole interval is above the average share), the strongest keep-up question, a warning
    when the top ranks are unstable, when the questions explain little of the outcome, and when
    two questions overlap so much that they share credit."""
    if not result["enough"]:
        return []
    rows, lines = result["drivers"], result["lines"]
    target = result["outcome"]["label"]
    unit = "out of 100" if result["basis"] == "mean" else "% top box"
    out = []

    def scores(value: float) -> tuple[str, str]:
        """The score and the average, with one decimal when whole numbers would look equal."""
        digits = 1 if round(value) == round(lines["performance"]) else 0
        return f"{value:.{digits}f}", f"{lines['performance']:.{digits}f}"

    fix = [r for r in rows if r["quadrant"] == "fix first"]
    for r in fix[:2]:
        clear = r["low_pct"] > lines["weight_pct"]
        out.append(
            f"Fix first: '{r['label']}' accounts for {_pct(r['weight_pct'])} "
            f"({_pct(r['low_pct'])}-{_pct(r['high_pct'])}) of what the questions explain "
            f"about {target.lower()}, {'clearly ' if clear else ''}more than an average "
            f"question ({_pct(lines['weight_pct'])}), and scores {scores(r['performance'])[0]} "
            f"{unit}, below the average of {scores(r['performance'])[1]}.")
    keep = [r for r in rows if r["quadrant"] == "keep up"]
    if keep:
        r = keep[0]
        out.append(f"Keep up: '{r['label']}' matters a lot ({_pct(r['weight_pct'])}) and "
                   f"already scores well ({r['performance']:.0f} {unit}); do not let it slip.")
    if not fix:
        out.append("No important question scores below average: nothing is clearly to fix "
                   "first; keep up the most important ones.")
    if len(rows) > 1 and rows[0]["rank_stability"] < 0.7:
        out.append(f"The order at the top is not settled: '{rows[0]['label']}' comes first in "
                   f"only {rows[0]['rank_stability']:.0%} of the resamples, so treat "
                   f"'{rows[0]['label']}' and '{rows[1]['label']}' as about equally important.")
    if result["r2"] < 0.1:
        out.append(f"Together these questions explain only {result['r2']:.0%} of the "
                   f"differences in {target.lower()}: most of what drives it is not asked in "
                   "this survey.")
    col = result["collinearity"]
    if col and abs(col["pair_r"]) >= 0.7:
        a, b = col["pair"]
        out.append(f"'{a}' and '{b}' move together (r = {col['pair_r']:.2f}): customers "
                   "answer them alike, so they share the credit; improving one likely "
                   "improves both.")
    return out


# ---- groups -------------------------------------------------------------------------------------

def _group_labels(sample: Sample, by: str) -> np.ndarray:
    if by in sample.groups:
        return sample.groups[by]
    return {"segment": sample.segment, "channel": sample.channel,
            "step": sample.step.astype(str)}[by]


def group_drivers(sample: Sample, chosen: list[Variable],
                  bys: tuple[str, ...] = ("segment", "channel"),
                  draws: int = GROUP_DRAWS) -> dict[str, list[dict[str, Any]]]:
    """Per segment and per channel (the :data:`MAX_GROUPS` largest of each): its relative
    weights against those of *the rest of the customers* (everyone else in the sample). Each
    driver row has the group's share with its 95% interval, the rest's share, the difference
    with its bootstrap 95% interval and ``verdict`` "more" / "less" (the interval excludes 0)
    or "same". A group or a rest with fewer answers than :func:`cxcore.kda.min_n` (or without
    any spread in the outcome) says "too few to tell". All groups and rests of every breakdown
    come from one set of Poisson bootstrap draws (:func:`cxcore.kda.analyse_views`)."""
    need = kda.min_n(len(chosen))
    labels = {by: _group_labels(sample, by) for by in bys}
    combined = np.array(["\x1f".join(parts) for parts in zip(*labels.values(), strict=True)],
                        dtype=object) if len(sample.y) else np.array([], dtype=object)
    cell_names, cells = (np.unique(combined, return_inverse=True) if len(combined)
                         else (np.array([]), np.array([], dtype=int)))
    cell_parts = [name.split("\x1f") for name in cell_names]
    plans: dict[str, list[dict[str, Any]]] = {}
    views: list[np.ndarray] = []
    for pos, by in enumerate(bys):
        names, counts = np.unique(labels[by], return_counts=True)
        plans[by] = []
        if len(names) < 2:
            continue
        for k in np.argsort(-counts, kind="stable")[:MAX_GROUPS]:
            name, mask = str(names[k]), labels[by] == names[k]
            n, rest = int(mask.sum()), int((~mask).sum())
            row: dict[str, Any] = {"group": name, "n": n, "rest_n": rest, "enough": False,
                                   "drivers": []}
            if (n < need or rest < need or np.ptp(sample.y[mask]) == 0
                    or np.ptp(sample.y[~mask]) == 0):
                row["reason"] = (f"too few to tell: {n:,} answers in the group and {rest:,} "
                                 f"in the rest; at least {need:,} each are needed")
            else:
                inside = np.array([parts[pos] == name for parts in cell_parts])
                row["_views"] = (len(views), len(views) + 1)
                views += [inside, ~inside]
            plans[by].append(row)
    results = kda.analyse_views(sample.x, sample.y, cells, views, draws=draws) if views else []
    for by in bys:
        for row in plans[by]:
            if "_views" not in row:
                continue
            mine, others = (results[i] for i in row.pop("_views"))
            diff, low, high = kda.share_difference(mine, others)
            row.update(enough=True, r2=mine.r2, rest_r2=others.r2)
            for j, v in enumerate(chosen):
                verdict = "more" if low[j] > 0 else "less" if high[j] < 0 else "same"
                row["drivers"].append({
                    "attribute": v.key, "label": v.label, "weight_pct": float(mine.pct[j]),
                    "low_pct": float(mine.low_pct[j]), "high_pct": float(mine.high_pct[j]),
                    "rest_pct": float(others.pct[j]), "diff": float(diff[j]),
                    "diff_low": float(low[j]), "diff_high": float(high[j]),
                    "verdict": verdict, "rank": int(mine.rank[j])})
            row["drivers"].sort(key=lambda d: d["rank"])
    return plans


def consistency(sample: Sample, chosen: list[Variable], by: str,
                names: dict[int, str] | None = None, alpha: float = 0.05
                ) -> dict[str, Any]:
    """How far the same questions score apart across channels (``by="channel"``) or journey
    steps (``"step"``): per question, each group's mean on 0-100 of the scale, the gap
    between the lowest and the highest group, and the Kruskal-Wallis p-value over the groups
    with at least :data:`GROUP_MIN` answers (:func:`cxcore.kda.kruskal_wallis`). ``verdict``:
    "differs" when p is below ``alpha`` divided by the number of questions (Bonferroni),
    "consistent" otherwise (any gap is within the noise), "too few to tell" with fewer than
    two such groups."""
    labels = _group_labels(sample, by)
    if by == "step":
        keep = sample.step >= 0
        labels = np.array([(names or {}).get(int(s), f"step {s}") for s in sample.step],
                          dtype=object)
    else:
        keep = np.ones(len(labels), dtype=bool)
    found, counts = np.unique(labels[keep], return_counts=True) if keep.any() else ([], [])
    big = [str(g) for g, c in zip(found, counts, strict=True) if c >= GROUP_MIN]
    small = [str(g) for g, c in zip(found, counts, strict=True) if c < GROUP_MIN]
    rows = []
    for j, v in enumerate(chosen):
        low, high = v.scale
        scaled = 100.0 * (sample.x[:, j] - low) / (high - low)
        means = {g: float(scaled[keep & (labels == g)].mean()) for g in big}
        row: dict[str, Any] = {"attribute": v.key, "label": v.label, "means": means,
                               "p_value": None, "gap": None, "lowest": None, "highest": None}
        if len(big) < 2:
            row["verdict"] = "too few to tell"
        else:
            inside = keep & np.isin(labels, big)
            p_value = kda.kruskal_wallis(scaled[inside], labels[inside].astype(str))[1]
            lowest, highest = min(means, key=means.get), max(means, key=means.get)
            row.update(p_value=p_value, lowest=lowest, highest=highest,
                       gap=means[highest] - means[lowest],
                       verdict="differs" if p_value < alpha / len(chosen) else "consistent")
        rows.append(row)
    return {"by": by, "groups": big, "small_groups": small,
            "counts": {str(g): int(c) for g, c in zip(found, counts, strict=True)},
            "rows": rows}


def step_names(session: WorkspaceSession) -> dict[int, str]:
    """Journey step id → "Journey · position. step" for labelling."""
    rows = session.db.execute(
        "select s.id, j.name, s.position, s.name from journey_steps s "
        "join journeys j on j.id = s.journey_id").fetchall()
    return {int(i): f"{j} · {p}. {s}" for i, j, p, s in rows}


def step_drivers(session: WorkspaceSession, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Driver results per journey step, for the journey map: for each step that has questions
    linked to it (``attributes.step_id``), its questions' rows from a :func:`key_drivers`
    ``result`` (weight_pct with its interval, rank, performance, quadrant). Steps in journey
    order; empty when the analysis had too few answers or no question is linked."""
    linked = [d for d in result.get("drivers", []) if d.get("step_id") is not None]
    if not linked:
        return []
    rows = session.db.execute(
        "select s.id, s.journey_id, j.name, s.position, s.name from journey_steps s "
        "join journeys j on j.id = s.journey_id "
        "order by j.name collate nocase, j.id, s.position").fetchall()
    out = []
    for step_id, journey_id, journey, position, name in rows:
        mine = [d for d in linked if d["step_id"] == step_id]
        if mine:
            out.append({"step_id": step_id, "journey_id": journey_id, "journey": journey,
                        "position": position, "step": name, "drivers": mine,
                        "weight_pct": sum(d["weight_pct"] for d in mine),
                        "fix_first": any(d["quadrant"] == "fix first" for d in mine)})
    return out


def step_driver_rows(steps: Any) -> list[dict[str, Any]]:
    """Table rows for :func:`journey_drivers`' steps, one per linked question, in step order:
    Step, Question, Share (with its 95 % interval), Rank, Priority (the quadrant)."""
    rows = []
    for step in sorted(steps, key=lambda s: s["position"]):
        for d in step["drivers"]:
            rows.append({
                "Step": step["step"], "Question": d["label"],
                "Share of explained variance": (
                    f"{d['weight_pct']:.1f} % ({d['low_pct']:.1f} to {d['high_pct']:.1f})"),
                "Rank": d["rank"], "Priority": d["quadrant"]})
    return rows


_OUTCOME_WORDS = ("satisf", "overall", "recommend", "loyal", "nps", "csat")


_NEGATIVE = re.compile(r"\b(dis|un|not|no|neutral|bad|poor|never)|dissatisf|unhapp|n't",
                       re.IGNORECASE)


def positive_choice(choices: list[str]) -> str:
    """The answer of a verdict question to explain: the first choice with no negative marker
    ("dissatisfied", "not", "neutral", "no", "un..."); the first choice if all have one."""
    return next((c for c in choices if not _NEGATIVE.search(c)), choices[0])


def default_outcome(session: WorkspaceSession) -> str:
    """The outcome a page opens with: NPS when responses have NPS answers; otherwise the first
    label outcome of a single-choice question whose key or label reads like an overall verdict
    ("satisfaction", "overall", "recommend"...) with its positive answer (the first that does
    not read as negative: "satisfied" rather than "neutral or dissatisfied"); otherwise the
    first answered rating; "nps" when nothing is answered."""
    db = session.db
    if db.execute("select 1 from responses where nps is not null limit 1").fetchone():
        return NPS.key
    listed = attrs.list_attributes(db)
    for a in listed:
        text = f"{a['key']} {a['label']}".lower()
        if a["kind"] == "category" and a["categories"] and any(w in text for w in
                                                                _OUTCOME_WORDS):
            return f"{a['key']}={positive_choice(a['categories'])}"
    for v in variables(session):
        if db.execute(f"select 1 {_FROM} where {v.sql} is not null limit 1").fetchone():
            return v.key
    return NPS.key


def segment_names(session: WorkspaceSession) -> list[str]:
    """The customer segments recorded on responses (empty ones as "(not set)"), sorted."""
    rows = session.db.execute(
        f"select distinct coalesce(nullif(trim(segment), ''), '{NOT_SET}') from responses "
        "order by 1").fetchall()
    return [r[0] for r in rows]


def journey_drivers(session: WorkspaceSession, journey_id: int, period: str | Period = "all",
                    outcome: str | None = None) -> dict[int, dict[str, Any]]:
    """Driver results to draw on the journey map of ``journey_id``: step id → that step's
    :func:`step_drivers` row (its linked questions with share, interval, rank, performance and
    quadrant; ``weight_pct`` the step's total share; ``fix_first`` when any of them is to fix
    first), for the outcome ``outcome`` (default :func:`default_outcome`) in ``period``.
    Steps without linked questions are absent; empty when there are too few answers."""
    result = key_drivers(session, outcome or default_outcome(session), period)
    return {row["step_id"]: row for row in step_drivers(session, result)
            if row["journey_id"] == journey_id}


def group_choices(session: WorkspaceSession) -> list[dict[str, str]]:
    """What customers can be grouped by for drivers by group: ``{"value", "label"}`` for the
    segment, the channel and every single-choice question with two or more answers (e.g. the
    airline file's type of travel or class)."""
    out = [{"value": "segment", "label": "Segment"}, {"value": "channel", "label": "Channel"}]
    out += [{"value": a["key"], "label": a["label"]} for a in attrs.list_attributes(session.db)
            if a["kind"] == "category" and len(a["categories"]) >= 2]
    return out


def drivers_by_group(session: WorkspaceSession, outcome: str | Variable | None, by: str,
                     period: str | Period = "all", segment: str | None = None,
                     drivers: list[str] | None = None, *, limit: int = SAMPLE_MAX,
                     draws: int = GROUP_DRAWS) -> dict[str, Any]:
    """Drivers of ``outcome`` per group of ``by`` ("segment", "channel" or a single-choice
    question's key), each group against the rest of the customers, on the same complete
    answers (and sample) as :func:`key_drivers`: ``by``, ``label``, ``groups``
    (:func:`group_drivers` rows), ``n``, ``total``, ``sampled``, ``enough`` and ``reason``.
    A label outcome cannot be grouped by its own question."""
    per = period if isinstance(period, Period) else parse_period(period)
    out_var = outcome if isinstance(outcome, Variable) else parse_outcome(session, outcome)
    choices = {c["value"]: c["label"] for c in group_choices(session)}
    if by not in choices:
        raise ValidationError(f"Cannot group customers by '{by}': use "
                              + ", ".join(choices) + ".", field="by")
    result: dict[str, Any] = {"by": by, "label": choices[by], "groups": [], "n": 0,
                              "total": 0, "sampled": False, "enough": False, "reason": None}
    if by in (out_var.key, out_var.source):
        result["reason"] = "the outcome is an answer of this question"
        return result
    chosen, answered, _ = _select_drivers(session, out_var, drivers, per, segment)
    if not answered or len(chosen) < 2:
        result["reason"] = "there is no key driver analysis to break down"
        return result
    extra = [a for a in attrs.list_attributes(session.db) if a["key"] == by]
    sample = fetch_complete(session, out_var, chosen, per, segment, limit, extra)
    groups = group_drivers(sample, chosen, (by,), draws=draws)[by]
    result.update(groups=groups, n=len(sample.y), total=sample.total, sampled=sample.sampled,
                  enough=any(g["enough"] for g in groups))
    if not groups:
        result["reason"] = "every answer is in one group"
    elif not result["enough"]:
        result["reason"] = "too few answers in every group to tell"
    return result
