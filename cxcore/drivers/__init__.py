"""The drivers of CX quality: which parts of the experience, and which survey questions, go with
customers recommending you (or rating you well), and what to act on first.

A package split by concept, lowest first (modules import each other, never the package):

``basic``
    NPS per journey step, the fixed ratings' correlations with NPS, NPS per channel and
    segment against the rest (sums from :mod:`cxcore.drivers.rollup` when fresh, else SQL
    over the raw rows); the pure statistics they use.
``rollup``
    ``rollup_driver_sums``: per day × segment × channel × journey step × question, the
    sufficient statistics of each question with the NPS answer (counts, sums, squares,
    cross-products, low/high bands), kept in the write transactions with the other rollups.
``summary``
    :func:`analyse` (everything the Drivers page shows) and :func:`findings`, each finding
    with one real quote (:func:`cxcore.quotes.real_quotes`) when there is one.
``kda``
    key driver mathematics (relative weights, Shapley, bootstrap), numpy only.
``sample``
    the questions, outcomes and the complete answers a key driver analysis reads.
``groups``
    key drivers per group against the rest, and consistency across channels and steps.
``key``
    :func:`cxcore.drivers.key.key_drivers` and its findings, breakdowns and journey results.

This ``__init__`` re-exports the public names of ``basic`` and ``summary``
(``drivers.analyse``, ``drivers.step_scores`` ...); the key driver analysis is
``from cxcore.drivers import key`` (``key.key_drivers``) and the mathematics
``from cxcore.drivers import kda``.
"""

from cxcore.drivers.basic import (
    ANSWERED,
    FINDINGS,
    MIN_PAIRS,
    NPS_COUNTS,
    RATING_BY_KEY,
    RATINGS,
    ROLLUP_ANSWERED,
    ROLLUP_NPS_COUNTS,
    TEAM_RATINGS,
    RatingDef,
    correlation_interval,
    disagreement,
    group_scores,
    overall_nps,
    pearson_r,
    rating_drivers,
    step_scores,
    strength,
    team_rating,
    versus,
    versus_rest,
)
from cxcore.drivers.summary import analyse, findings, summary

__all__ = [
    "ANSWERED",
    "FINDINGS",
    "MIN_PAIRS",
    "NPS_COUNTS",
    "RATINGS",
    "RATING_BY_KEY",
    "ROLLUP_ANSWERED",
    "ROLLUP_NPS_COUNTS",
    "TEAM_RATINGS",
    "RatingDef",
    "analyse",
    "correlation_interval",
    "disagreement",
    "findings",
    "group_scores",
    "overall_nps",
    "pearson_r",
    "rating_drivers",
    "step_scores",
    "strength",
    "summary",
    "team_rating",
    "versus",
    "versus_rest",
]
