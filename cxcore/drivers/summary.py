"""The Drivers page's NPS analysis in one call (:func:`analyse`) and the plain findings to act
on first (:func:`findings`, :func:`summary`), each with one real quote when there is one.

The numbers come from :mod:`cxcore.drivers.basic`; the quotes from
:func:`cxcore.quotes.real_quotes` (real survey comments and interview quotes, never invented
text).
"""

from __future__ import annotations

from typing import Any

from cxcore import metrics as m
from cxcore.drivers.basic import (
    FINDINGS,
    RATING_BY_KEY,
    _period,
    group_scores,
    overall_nps,
    rating_drivers,
    step_scores,
)
from cxcore.drivers.quoting import quote_for, themes
from cxcore.scorecard import Period, period_words
from cxcore.workspace import WorkspaceSession

# ---- everything, and the findings ---------------------------------------------------------------

def analyse(session: WorkspaceSession, period: str | Period = "all") -> dict[str, Any]:
    """Everything the Drivers page shows for ``period``: ``period`` (label), ``overall``
    (:func:`overall_nps`), ``steps``, ``ratings``, ``channels``, ``segments`` and
    ``findings`` (:func:`summary`)."""
    per = _period(period)
    overall = overall_nps(session, per)
    result = {
        "period": per.label, "overall": overall,
        "steps": step_scores(session, per, overall["nps"]),
        "ratings": rating_drivers(session, per),
        "channels": group_scores(session, "channel", per),
        "segments": group_scores(session, "segment", per),
    }
    result["findings"] = with_quotes(session, findings(result))
    return result


def with_quotes(session: WorkspaceSession, found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``found`` (:func:`findings`) with ``quote`` on each: one real quote
    (:func:`cxcore.drivers.quoting.quote_for`) about the journey step the finding names
    (a step's own, or the step where a rating is lowest), else about a theme named by the
    rating, else None. Channel, segment and "none" findings name neither, so get None."""
    known = themes(session) if found else []
    return [{**f, "quote": quote_for(session, step_id=f.get("step_id"),
                                     words=f.get("words", ()), known=known)}
            for f in found]


def summary(session: WorkspaceSession, period: str | Period = "all",
            limit: int = FINDINGS) -> list[dict[str, Any]]:
    """The ``limit`` plain-language findings to act on first for ``period``: each a dict with
    ``text`` (one or two sentences), ``kind`` ("rating", "step", "channel", "segment" or
    "none"), ``weight`` (see :func:`findings`) and ``quote`` (:func:`with_quotes`: one real
    quote, or None). Empty when there are no NPS answers."""
    analysis = analyse(session, period)
    if limit == FINDINGS:
        return analysis["findings"]
    return with_quotes(session, findings(analysis, limit))


def _signed(value: float) -> str:
    return f"{value:+.0f}"


def _lowest_step(steps: list[dict], rating: dict) -> dict | None:
    """The step with the lowest mean of the rating, if that mean is clearly (5% level, Welch)
    below the rating's mean over all answers; None otherwise."""
    key = rating["key"]
    rated = [s for s in steps if s.get(f"n_{key}", 0) >= m.SMALL_SAMPLE]
    if not rated or rating["mean_rating"] is None:
        return None
    step = min(rated, key=lambda s: s[f"mean_{key}"])
    clear = m.mean_change_is_meaningful(step[f"n_{key}"], step[f"sum_{key}"],
                                        step[f"sumsq_{key}"], rating["n"], rating["sum_x"],
                                        rating["sum_xx"])
    return step if clear and step[f"mean_{key}"] < rating["mean_rating"] else None


def findings(analysis: dict[str, Any], limit: int = FINDINGS) -> list[dict[str, Any]]:
    """Pick the findings to act on first from an :func:`analyse` result.

    Candidates are the journey steps whose NPS is clearly below the overall NPS (the whole
    95% interval below it), the channels and segments clearly below the rest of the customers
    (:func:`versus_rest`), and the customers who gave a rating
    with at least a moderate correlation (|r| ≥ 0.3) a low value (their action names the step
    where that rating is clearly lowest, if one is). Each is weighed by the
    points of overall NPS it costs: weight = (overall NPS − group NPS) × group n / overall n,
    i.e. how much higher the overall score would be if the group scored like everyone else.
    Steps where the team and the customers disagree come first among steps. The heaviest of
    each kind is taken first, then the rest by weight. With answers but no candidate, one
    "none" finding says that nothing stands out.
    """
    overall = analysis["overall"]
    if overall["nps"] is None:
        return []
    base, total, words = overall["nps"], overall["n"], period_words(analysis["period"])
    candidates: list[dict[str, Any]] = []

    for row in analysis["ratings"]:
        low = row["low"]
        if (row["r"] is None or abs(row["r"]) < 0.3 or low["nps"] is None
                or low["high"] is None or low["high"] >= base):
            continue
        d = RATING_BY_KEY[row["key"]]
        text = (f"Customers who {d.low_words} are detractors {low['detractors_pct']:.0f}% of the "
                f"time ({low['n']:,} answers, NPS {_signed(low['nps'])})")
        high = row["high"]
        if high["nps"] is not None:
            text += (f", against {high['detractors_pct']:.0f}% of those who {d.high_words} "
                     f"(NPS {_signed(high['nps'])})")
        text += f": {d.action}."
        step = _lowest_step(analysis["steps"], row)
        if step is not None:
            text += (f" Start with the step '{step['step']}', where it is rated lowest "
                     f"({step[f'mean_{d.key}']:.1f} vs {row['mean_rating']:.1f} on average, "
                     f"on {d.scale}).")
        candidates.append({"kind": "rating", "key": d.key, "text": text,
                           "step_id": None if step is None else step["step_id"],
                           "words": (d.key, d.label),
                           "weight": (base - low["nps"]) * low["n"] / total})

    for row in analysis["steps"]:
        if row["nps"] is None:
            continue
        if row["vs_overall"] == "below":
            team = row["team"]
            said = {None: "the team has not rated it on the map yet",
                    "green": "yet the team rated every part of it green: the map may be "
                             "missing a problem, so ask customers what goes wrong here",
                    "yellow": "and the team rated it yellow: the map agrees, so fix what it "
                              "names",
                    "red": "and the team rated it red: the map agrees, so fix what it names"}
            text = (f"Step '{row['step']}' ({row['journey']}) scores NPS {_signed(row['nps'])} "
                    f"vs {_signed(base)} overall ({row['n']:,} answers, ±{row['moe']:.0f}), "
                    f"{said[team]}.")
            candidates.append({"kind": "step", "key": row["step_id"], "text": text,
                               "step_id": row["step_id"], "disagree": row["disagree"],
                               "weight": (base - row["nps"]) * row["n"] / total})
        elif row["disagree"]:
            text = (f"Step '{row['step']}' ({row['journey']}) scores NPS {_signed(row['nps'])}, "
                    f"above the {_signed(base)} overall ({row['n']:,} answers), though the team "
                    f"rated it {row['team']}: check whether the map's problem has been fixed, "
                    "or whether customers don't notice it.")
            candidates.append({"kind": "step", "key": row["step_id"], "text": text,
                               "step_id": row["step_id"], "disagree": True, "weight": 0.0})

    for kind, rows in (("channel", analysis["channels"]), ("segment", analysis["segments"])):
        for row in rows:
            if row["vs_rest"] != "below":
                continue
            who = (f"Customers who came through the '{row['group']}' channel"
                   if kind == "channel" else f"Customers in the '{row['group']}' segment")
            text = (f"{who} score NPS {_signed(row['nps'])} vs {_signed(row['rest_nps'])} for "
                    f"everyone else ({row['n']:,} answers, ±{row['moe']:.0f}): find out what "
                    "is different for them.")
            candidates.append({"kind": kind, "key": row["group"], "text": text,
                               "weight": (base - row["nps"]) * row["n"] / total})

    if not candidates:
        return [{"kind": "none", "key": None, "weight": 0.0, "text": (
            f"Nothing stands out yet in {words}: no journey step, channel or segment scores "
            f"clearly below the overall NPS of {_signed(base)} ({total:,} answers), and no "
            "rating has a clear link with it. Keep collecting answers tied to journey steps.")}]
    ordered = sorted(candidates, key=lambda c: (-c.get("disagree", False), -c["weight"]))
    picked: list[dict[str, Any]] = []
    for kind in ("rating", "step", "channel", "segment"):
        first = next((c for c in ordered if c["kind"] == kind), None)
        if first is not None:
            picked.append(first)
    picked = sorted(picked, key=lambda c: -c["weight"])[:limit]
    rest = sorted((c for c in candidates if c not in picked), key=lambda c: -c["weight"])
    return picked + rest[:max(limit - len(picked), 0)]
