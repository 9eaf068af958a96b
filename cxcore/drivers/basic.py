"""The drivers of CX quality (roll-out stage 2): which parts of the experience go with a low or
high likelihood to recommend.

Three analyses over the ``responses`` of a period (see :mod:`cxcore.scorecard` for periods),
each computed in SQL as counts, sums, sums of squares and cross-products, then turned into
numbers here with :mod:`cxcore.metrics`:

1. **Journey steps** (:func:`step_scores`): NPS per journey step, with its adjusted-Wald 95%
   interval, beside the team's rating of the step on the journey map. The step's *team rating*
   is the worst colour the team gave any part of it (one red part makes the step red), with the
   counts of green, yellow and red parts beside it. A step is *below* (*above*) the overall NPS
   when its whole 95% interval lies below (above) the overall NPS of the period; otherwise it is
   *in line* (the difference is within the noise). Team and customers *disagree* when the team
   rated every part green but customers score the step below the overall NPS, or the team
   rated it yellow or red but customers score it above.
2. **Ratings** (:func:`rating_drivers`): Pearson's r between the NPS answer (0-10) and each of
   CSAT (1-5), customer effort (1-7, 7 = very easy), effectiveness, ease and emotion (1-7),
   over the responses that answered both (pairwise complete), with a 95% interval (Fisher's z),
   and the NPS of customers who gave the rating a low vs a high value.
3. **Channels and segments** (:func:`group_scores`): NPS per channel or segment with its 95%
   interval, tested against *the rest of the customers* (everyone outside the group), not
   against an overall score that contains the group: *below* / *above* the rest when the
   difference is larger than the combined margin of error (:func:`versus_rest`).

:func:`summary` turns these into the few plain sentences a small-business owner should act on
first; :func:`analyse` returns everything the Drivers page shows. Correlation is not cause: a
rating that moves with NPS is a place to look, not proof that changing it changes NPS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from cxcore import journeys
from cxcore import metrics as m
from cxcore.scorecard import NOT_SET, Period, parse_period, rollups_fresh
from cxcore.workspace import WorkspaceSession

#: Below this many answers with both an NPS and a rating, no correlation is reported
#: (:data:`cxcore.metrics.SMALL_SAMPLE`, the same rule of thumb the scorecard uses).
MIN_PAIRS = m.SMALL_SAMPLE
#: How many findings :func:`summary` gives by default.
FINDINGS = 3
TEAM_RATINGS = ("green", "yellow", "red")


@dataclass(frozen=True)
class RatingDef:
    """A rating asked beside NPS, its scale and the answers counted as low and high."""

    key: str
    label: str
    scale: str
    low: tuple[int, int]
    high: tuple[int, int]
    low_words: str     # "customers who ..." for the low answers
    high_words: str    # "... those who ..." for the high answers
    action: str        # what to do when low answers go with detractors


#: Low and high bands: on 1-7 scales 1-3 and 5-7 (the middle answer 4 is left out; 5-7 is the
#: "easy" of :data:`cxcore.metrics.CES_EASY_MIN`); on the 1-5 CSAT scale 1-2 and 4-5 (the top two
#: boxes of :data:`cxcore.metrics.CSAT_TOP_TWO_MIN`).
RATINGS: tuple[RatingDef, ...] = (
    RatingDef("ces", "Effort (7 = very easy)", "1-7", (1, 3), (m.CES_EASY_MIN, 7),
              "found it hard (effort 1-3)", "found it easy (5-7)",
              "make dealing with you easier: fewer calls, forms and waits"),
    RatingDef("ease", "Ease", "1-7", (1, 3), (5, 7),
              "rated ease 1-3", "rated it 5-7",
              "remove the hassle customers meet"),
    RatingDef("effectiveness", "Effectiveness", "1-7", (1, 3), (5, 7),
              "rated effectiveness 1-3 (did not get what they needed)", "rated it 5-7",
              "make sure customers get what they came for, the first time"),
    RatingDef("emotion", "Emotion", "1-7", (1, 3), (5, 7),
              "rated how they felt 1-3", "rated it 5-7",
              "look at how people feel: keep promises and tell them what happens next"),
    RatingDef("csat", "Satisfaction (CSAT)", "1-5", (1, 2), (m.CSAT_TOP_TWO_MIN, 5),
              "were dissatisfied (CSAT 1-2)", "were satisfied (4-5)",
              "read what the dissatisfied customers wrote and fix the most common complaint"),
)
RATING_BY_KEY = {r.key: r for r in RATINGS}


# ---- pure statistics ----------------------------------------------------------------------------

def pearson_r(n: int, sum_x: float, sum_y: float, sum_xx: float, sum_yy: float,
              sum_xy: float) -> float | None:
    """Pearson's correlation coefficient from sums over n pairs (x, y):

    r = (nΣxy − ΣxΣy) / sqrt((nΣx² − (Σx)²)(nΣy² − (Σy)²))

    (Pearson 1895, "Notes on regression and inheritance in the case of two parents", Proc. Royal
    Society of London 58:240-242; this computational form in e.g. Freedman, Pisani & Purves,
    *Statistics*, ch. 8). With integer sums the numerator and denominators are exact.
    ``None`` when n < 2 or either variable has no variance (r is undefined then).
    """
    if n < 2:
        return None
    sxx = n * sum_xx - sum_x * sum_x
    syy = n * sum_yy - sum_y * sum_y
    if sxx <= 0 or syy <= 0:
        return None
    r = (n * sum_xy - sum_x * sum_y) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def correlation_interval(r: float, n: int, z: float = m.Z95) -> tuple[float, float] | None:
    """95% interval of Pearson's r by Fisher's z transformation (Fisher 1915, Biometrika
    10(4):507-521): atanh(r) ± z / sqrt(n − 3), transformed back with tanh. ``None`` when
    n ≤ 3; (r, r) when |r| = 1."""
    if n <= 3:
        return None
    if abs(r) >= 1.0:
        return (r, r)
    centre, half = math.atanh(r), z / math.sqrt(n - 3)
    return (math.tanh(centre - half), math.tanh(centre + half))


def strength(r: float | None) -> str | None:
    """Plain words for |r| after Cohen's conventions (Cohen 1988, *Statistical Power Analysis
    for the Behavioral Sciences*, 2nd ed., ch. 3): below 0.1 "no real link", 0.1-0.3 "weak",
    0.3-0.5 "moderate", 0.5 and above "strong"."""
    if r is None:
        return None
    size = abs(r)
    if size < 0.1:
        return "no real link"
    return "weak" if size < 0.3 else "moderate" if size < 0.5 else "strong"


def versus(result: m.NpsResult | None, overall: float | None) -> str | None:
    """Where a group's NPS stands against the overall NPS: "below" when its whole 95% interval
    is below the overall score, "above" when wholly above, "in line" otherwise (the difference
    is within the noise); ``None`` without a score."""
    if result is None or overall is None:
        return None
    if result.high < overall:
        return "below"
    if result.low > overall:
        return "above"
    return "in line"


def versus_rest(group: tuple[int, int, int], rest: tuple[int, int, int]) -> str | None:
    """Where a group's NPS stands against the NPS of everyone else, each given as (promoters,
    passives, detractors): "below" / "above" when the adjusted-Wald difference test of
    :func:`cxcore.metrics.nps_change_is_meaningful` (independent samples) rejects "no
    difference" at the 5% level, "in line" otherwise; ``None`` (too few to tell) when either
    side has fewer than :data:`cxcore.metrics.SMALL_SAMPLE` answers, e.g. a group that is
    everyone."""
    meaningful = m.nps_change_is_meaningful(group, rest)
    if meaningful is None:
        return None
    if not meaningful:
        return "in line"
    return "below" if m.nps_adjusted(*group) < m.nps_adjusted(*rest) else "above"


def team_rating(counts: dict[str, int] | None) -> str | None:
    """The step's rating on the map: its worst rated part ("red" if any part is red, else
    "yellow", else "green"); ``None`` when no part is rated."""
    if not counts:
        return None
    for colour in ("red", "yellow", "green"):
        if counts.get(colour):
            return colour
    return None


def disagreement(team: str | None, position: str | None) -> bool:
    """True when the map and the customers disagree: the team rated the step green but its NPS
    is below the overall score, or rated it yellow or red but its NPS is above."""
    return (team == "green" and position == "below") or (
        team in ("yellow", "red") and position == "above")


# ---- SQL helpers --------------------------------------------------------------------------------

def _period(period: str | Period) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def _window(per: Period, column: str = "r.date") -> tuple[str, list[Any]]:
    if per.is_all:
        return "1", []
    return f"{column} >= ? and {column} < ?", [per.start, per.end]


NPS_COUNTS = ("coalesce(sum(r.nps >= 9), 0), coalesce(sum(r.nps between 7 and 8), 0), "
              "coalesce(sum(r.nps <= 6), 0)")


#: The same counts from the day rollup (:mod:`cxcore.rollups`), when it is fresh.
ROLLUP_NPS_COUNTS = ("coalesce(sum(r.promoters), 0), coalesce(sum(r.passives), 0), "
                     "coalesce(sum(r.detractors), 0)")


#: A group has NPS answers (raw: every row counted has one; rollup: the buckets add up to more
#: than nothing).
ANSWERED = "count(*) > 0"
ROLLUP_ANSWERED = "sum(r.promoters + r.passives + r.detractors) > 0"


def _nps_source(session: WorkspaceSession, per: Period) -> tuple[str, str, list[Any], str]:
    """(counts, from-and-where, params, a group's having clause) over the day rollup when it
    is fresh, else the raw responses."""
    if rollups_fresh(session.db):
        where, params = _window(per, "r.day")
        return ROLLUP_NPS_COUNTS, f"rollup_responses r where {where}", params, ROLLUP_ANSWERED
    where, params = _window(per)
    return NPS_COUNTS, f"responses r where r.nps is not null and {where}", params, ANSWERED


def _nps_fields(promoters: int, passives: int, detractors: int, overall: float | None
                ) -> dict[str, Any]:
    result = m.nps(promoters, passives, detractors)
    position = versus(result, overall)
    return {
        "n": promoters + passives + detractors, "promoters": promoters, "passives": passives,
        "detractors": detractors,
        "nps": result.nps if result else None, "moe": result.moe if result else None,
        "low": result.low if result else None, "high": result.high if result else None,
        "promoters_pct": result.promoters_pct if result else None,
        "detractors_pct": result.detractors_pct if result else None,
        "small_sample": bool(result and result.small_sample),
        "vs_overall": position,
    }


def overall_nps(session: WorkspaceSession, period: str | Period = "all") -> dict[str, Any]:
    """The period's NPS over every response with an NPS answer: n, nps, moe, low, high and the
    promoter / detractor shares (``nps`` None without answers)."""
    counts, source, params, _ = _nps_source(session, _period(period))
    row = session.db.execute(f"select {counts} from {source}", params).fetchone()
    fields = _nps_fields(*row, None)
    fields.pop("vs_overall")
    return fields


# ---- 1. journey steps ---------------------------------------------------------------------------

def step_scores(session: WorkspaceSession, period: str | Period = "all",
                overall: float | None = None) -> list[dict[str, Any]]:
    """NPS per journey step beside the team's rating of the step (see the module docstring).

    One row per step of every journey that is not archived, plus archived journeys' steps that
    have answers in the period; in journey order (by name), then step order. Keys: step_id,
    journey_id, journey, position, step, n (NPS answers), nps, moe, low, high, promoters_pct,
    detractors_pct, small_sample, vs_overall, green, yellow, red, unrated, team (worst colour
    or None), disagree, and ``n_<rating>``, ``mean_<rating>`` (on its scale), ``sum_<rating>``,
    ``sumsq_<rating>`` for each rating. ``overall`` defaults to the period's overall NPS.
    """
    per = _period(period)
    if overall is None:
        overall = overall_nps(session, per)["nps"]
    where, params = _window(per)
    rating_sql = ", ".join(f"count(r.{d.key}), sum(r.{d.key}), sum(r.{d.key} * r.{d.key})"
                           for d in RATINGS)
    sql = (f"select s.id, s.journey_id, j.name, s.position, s.name, {NPS_COUNTS}, "
           f"count(r.id), {rating_sql} from journey_steps s "
           "join journeys j on j.id = s.journey_id "
           f"left join responses r on r.journey_step_id = s.id and {where} "
           "group by s.id having coalesce(j.archived, 0) = 0 or count(r.id) > 0 "
           "order by j.name collate nocase, j.id, s.position")
    health = journeys.step_health_counts(session)
    rows = []
    for values in session.db.execute(sql, params).fetchall():
        step_id, journey_id, journey, position, name, p, pa, d, responses = values[:9]
        counts = health.get(step_id, {"green": 0, "yellow": 0, "red": 0, "unrated": 0})
        row = {"step_id": step_id, "journey_id": journey_id, "journey": journey,
               "position": position, "step": name, "responses": responses,
               **_nps_fields(p, pa, d, overall),
               "green": counts["green"], "yellow": counts["yellow"], "red": counts["red"],
               "unrated": counts["unrated"], "team": team_rating(counts)}
        row["disagree"] = disagreement(row["team"], row["vs_overall"])
        for i, d_ in enumerate(RATINGS):
            count, total, squares = values[9 + 3 * i:12 + 3 * i]
            row[f"n_{d_.key}"] = count
            row[f"sum_{d_.key}"], row[f"sumsq_{d_.key}"] = total or 0, squares or 0
            row[f"mean_{d_.key}"] = total / count if count else None
        rows.append(row)
    return rows


# ---- 2. ratings ---------------------------------------------------------------------------------

def _rating_sql(d: RatingDef) -> str:
    x = f"r.{d.key}"
    both = f"{x} is not null"
    low = f"{x} between {d.low[0]} and {d.low[1]}"
    high = f"{x} between {d.high[0]} and {d.high[1]}"
    return ", ".join([
        f"count({x})", f"sum({x})", f"sum({x} * {x})",
        f"sum(case when {both} then r.nps end)", f"sum(case when {both} then r.nps * r.nps end)",
        f"sum({x} * r.nps)",
        *(f"coalesce(sum({band}), 0), coalesce(sum(case when {band} then r.nps end), 0), "
          f"coalesce(sum({band} and r.nps >= 9), 0), coalesce(sum({band} and r.nps <= 6), 0)"
          for band in (low, high))])


def _band(n: int, total: int, promoters: int, detractors: int) -> dict[str, Any]:
    result = m.nps(promoters, n - promoters - detractors, detractors)
    return {"n": n, "mean_nps_answer": total / n if n else None,
            "nps": result.nps if result else None,
            "low": result.low if result else None, "high": result.high if result else None,
            "detractors_pct": result.detractors_pct if result else None,
            "promoters_pct": result.promoters_pct if result else None}


def rating_drivers(session: WorkspaceSession, period: str | Period = "all"
                   ) -> list[dict[str, Any]]:
    """Per rating (effort, ease, effectiveness, emotion, CSAT): how it goes with the NPS answer.

    Keys: key, label, scale, n (responses with both an NPS answer and the rating), r (Pearson,
    see :func:`pearson_r`; ``None`` when n < :data:`MIN_PAIRS` or no variance, with ``reason``
    saying why in words), r_low / r_high (95% interval, :func:`correlation_interval`),
    strength (:func:`strength`), mean_rating (sum_x, sum_xx: its sums), and ``low`` /
    ``high``: for customers whose rating was in the low / high band (:data:`RATINGS`), n,
    mean_nps_answer (0-10), nps (with its 95% low/high) and detractors_pct / promoters_pct.
    Sorted by |r|, strongest first; ratings without r last.
    """
    per = _period(period)
    where, params = _window(per)
    sql = (f"select {', '.join(_rating_sql(d) for d in RATINGS)} from responses r "
           f"where r.nps is not null and {where}")
    values = session.db.execute(sql, params).fetchone()
    width = 14
    out = []
    for i, d in enumerate(RATINGS):
        n, sx, sxx, sy, syy, sxy, *bands = [v or 0 for v in values[i * width:(i + 1) * width]]
        r = pearson_r(n, sx, sy, sxx, syy, sxy) if n >= MIN_PAIRS else None
        reason = None
        if n == 0:
            reason = f"no response has both an NPS and a {d.label.lower()} answer"
        elif n < MIN_PAIRS:
            reason = (f"only {n} response{'s' if n != 1 else ''} have both an NPS and a "
                      f"{d.label.lower()} answer; at least {MIN_PAIRS} are needed")
        elif r is None:
            same = "NPS" if n * syy - sy * sy <= 0 else d.label.lower()
            reason = (f"every one of the {n} answers gave the same {same} score, so there is "
                      "nothing to compare")
        interval = correlation_interval(r, n) if r is not None else None
        out.append({
            "key": d.key, "label": d.label, "scale": d.scale, "n": n, "r": r,
            "r_low": interval[0] if interval else None,
            "r_high": interval[1] if interval else None,
            "strength": strength(r), "reason": reason,
            "mean_rating": sx / n if n else None, "sum_x": sx, "sum_xx": sxx,
            "low_band": f"{d.low[0]}-{d.low[1]}", "high_band": f"{d.high[0]}-{d.high[1]}",
            "low": _band(*bands[:4]), "high": _band(*bands[4:]),
        })
    return sorted(out, key=lambda row: (row["r"] is None, -abs(row["r"] or 0.0)))


# ---- 3. channels and segments -------------------------------------------------------------------

def group_scores(session: WorkspaceSession, by: str, period: str | Period = "all"
                 ) -> list[dict[str, Any]]:
    """NPS per ``by`` ("channel" or "segment", as recorded on the response; empty values are
    grouped as "(not set)"), with n, 95% interval, the NPS of the rest of the customers
    (rest_n, rest_nps, rest_moe) and vs_rest (:func:`versus_rest`: a group is compared with
    everyone else, never with an overall score that contains it). Sorted by NPS, highest
    first."""
    if by not in ("channel", "segment"):
        raise ValueError("by must be 'channel' or 'segment'")
    counts, source, params, answered = _nps_source(session, _period(period))
    rows = session.db.execute(
        f"select coalesce(nullif(trim(r.{by}), ''), '{NOT_SET}') as grp, {counts} "
        f"from {source} group by grp having {answered}", params).fetchall()
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    out = []
    for grp, p, pa, d in rows:
        others = (totals[0] - p, totals[1] - pa, totals[2] - d)
        rest = m.nps(*others)
        row = {"group": grp, **_nps_fields(p, pa, d, None),
               "rest_n": sum(totals) - p - pa - d,
               "rest_nps": rest.nps if rest else None,
               "rest_moe": rest.moe if rest else None}
        del row["vs_overall"]
        row["vs_rest"] = versus_rest((p, pa, d), others)
        out.append(row)
    return sorted(out, key=lambda row: (-(row["nps"] or 0.0), row["group"]))


