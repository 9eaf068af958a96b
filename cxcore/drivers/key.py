"""Key driver analysis of a workspace (:func:`key_drivers`): the relative weights of the survey
questions for an outcome, importance × performance, the findings; its breakdowns by group and
its results per journey step. The questions, outcomes and data access are in
:mod:`cxcore.drivers.sample` (re-exported here), the mathematics in :mod:`cxcore.drivers.kda`,
the group comparisons in :mod:`cxcore.drivers.groups`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from cxcore import attributes as attrs
from cxcore.drivers import kda
from cxcore.drivers.groups import consistency, group_drivers
from cxcore.drivers.quoting import quote_for, themes
from cxcore.drivers.sample import (  # noqa: F401 - re-exported: callers use key.<name>
    _FROM,
    COVERAGE,
    COVERAGE_ROWS,
    GROUP_DRAWS,
    GROUP_MIN,
    MAX_GROUPS,
    NOT_ANSWERED,
    NPS,
    QUADRANTS,
    SAMPLE_MAX,
    Sample,
    Variable,
    coverage,
    fetch_complete,
    outcome_choices,
    parse_outcome,
    variables,
)
from cxcore.errors import ValidationError
from cxcore.scorecard import NOT_SET, Period, parse_period, period_words
from cxcore.workspace import WorkspaceSession

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
    driver correlation matrix, the most overlapping pair), ``lines`` (the quadrant lines),
    ``findings`` (plain sentences) and ``finding_quotes`` (one real quote or None per finding,
    :func:`finding_quotes`). With ``groups``, also ``by_segment``, ``by_channel`` and
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
        "collinearity": None, "lines": None, "findings": [], "finding_quotes": [],
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
    result["finding_quotes"] = finding_quotes(session, result)
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
    return [text for text, _ in _findings(result)]


def finding_quotes(session: WorkspaceSession, result: dict[str, Any]
                   ) -> list[dict[str, Any] | None]:
    """One real quote per finding of ``result`` (in the order of :func:`findings`): for a
    finding about one question (fix first, keep up), a quote about the journey step the
    question is linked to, else about a theme its key or label names
    (:func:`cxcore.drivers.quoting.quote_for`); None for the other findings and when nothing
    real was said about it."""
    pairs = _findings(result)
    known = themes(session) if any(row for _, row in pairs) else []
    return [None if row is None else quote_for(session, step_id=row.get("step_id"),
                                               words=(row["attribute"], row["label"]),
                                               known=known)
            for _, row in pairs]


def _findings(result: dict[str, Any]) -> list[tuple[str, dict[str, Any] | None]]:
    """:func:`findings`' sentences, each with the driver row it is about (or None)."""
    if not result["enough"]:
        return []
    rows, lines = result["drivers"], result["lines"]
    target = result["outcome"]["label"]
    unit = "out of 100" if result["basis"] == "mean" else "% top box"
    out: list[tuple[str, dict[str, Any] | None]] = []

    def scores(value: float) -> tuple[str, str]:
        """The score and the average, with one decimal when whole numbers would look equal."""
        digits = 1 if round(value) == round(lines["performance"]) else 0
        return f"{value:.{digits}f}", f"{lines['performance']:.{digits}f}"

    fix = [r for r in rows if r["quadrant"] == "fix first"]
    for r in fix[:2]:
        clear = r["low_pct"] > lines["weight_pct"]
        out.append((
            f"Fix first: '{r['label']}' accounts for {_pct(r['weight_pct'])} "
            f"({_pct(r['low_pct'])}-{_pct(r['high_pct'])}) of what the questions explain "
            f"about {target.lower()}, {'clearly ' if clear else ''}more than an average "
            f"question ({_pct(lines['weight_pct'])}), and scores {scores(r['performance'])[0]} "
            f"{unit}, below the average of {scores(r['performance'])[1]}.", r))
    keep = [r for r in rows if r["quadrant"] == "keep up"]
    if keep:
        r = keep[0]
        out.append((f"Keep up: '{r['label']}' matters a lot ({_pct(r['weight_pct'])}) and "
                    f"already scores well ({r['performance']:.0f} {unit}); do not let it "
                    "slip.", r))
    if not fix:
        out.append(("No important question scores below average: nothing is clearly to fix "
                    "first; keep up the most important ones.", None))
    if len(rows) > 1 and rows[0]["rank_stability"] < 0.7:
        out.append((f"The order at the top is not settled: '{rows[0]['label']}' comes first "
                    f"in only {rows[0]['rank_stability']:.0%} of the resamples, so treat "
                    f"'{rows[0]['label']}' and '{rows[1]['label']}' as about equally "
                    "important.", None))
    if result["r2"] < 0.1:
        out.append((f"Together these questions explain only {result['r2']:.0%} of the "
                    f"differences in {target.lower()}: most of what drives it is not asked "
                    "in this survey.", None))
    col = result["collinearity"]
    if col and abs(col["pair_r"]) >= 0.7:
        a, b = col["pair"]
        out.append((f"'{a}' and '{b}' move together (r = {col['pair_r']:.2f}): customers "
                    "answer them alike, so they share the credit; improving one likely "
                    "improves both.", None))
    return out


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
