"""Two scorecards side by side: each metric's change, and whether a correct test on adequate
samples calls it larger than the noise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cxcore import metrics as m
from cxcore.scorecard.catalogue import METRICS, MetricDef


@dataclass(frozen=True)
class Change:
    """A metric in two periods: the change and whether it is larger than the noise.

    ``meaningful`` is True or False when a test ran on adequate samples, ``None`` when it
    cannot tell (no comparison, too few answers, not testable); ``note`` says why in words.
    ``p_value`` is the test's own, ``p_holm`` the same after Holm's correction over the
    ``family`` changes tested on the card."""

    key: str
    value: float | None
    previous: float | None
    change: float | None
    meaningful: bool | None
    note: str
    p_value: float | None = None
    p_holm: float | None = None
    family: int = 0

    def as_json(self) -> dict[str, Any]:
        """The change for ``--json``: change, meaningful (true/false/null), reason, p-values."""
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 4)
        return {"value": r(self.value), "previous": r(self.previous), "change": r(self.change),
                "meaningful": self.meaningful, "reason": self.note, "p_value": r(self.p_value),
                "p_holm": r(self.p_holm)}


#: How the card's changes are judged, in one sentence people can read.
TESTS_NOTE = ("A change is called meaningful only when both periods have enough answers and a "
              "test says it is unlikely to be chance: NPS and eNPS by the difference of their "
              "adjusted estimates (the ones their intervals are centred on), CSAT by a "
              "two-proportion test, customer effort by Welch's t-test; the p-values are "
              "corrected with Holm's method for the number of metrics tested at once, so the "
              "chance of any false alarm on the card stays at 5 %. Churn and retention are not "
              "tested (both periods count mostly the same customers); money metrics are not "
              "tested.")


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"= {value:.3f}"


def _sample_sizes(d: MetricDef, card: dict[str, Any]) -> int:
    return {"nps": card.get("nps_n"), "enps": card.get("enps_n"), "csat_pct": card.get("csat_n"),
            "ces_mean": card.get("ces_n")}.get(d.key) or 0


def _change_test(key: str, a: dict[str, Any], b: dict[str, Any]) -> m.ChangeTest | None:
    if key == "nps":
        return m.nps_change_test((a["promoters"], a["passives"], a["detractors"]),
                                 (b["promoters"], b["passives"], b["detractors"]))
    if key == "enps":
        return m.nps_change_test(
            (a["enps_promoters"], a["enps_passives"], a["enps_detractors"]),
            (b["enps_promoters"], b["enps_passives"], b["enps_detractors"]))
    if key == "csat_pct":
        return m.proportion_change_test(a["csat_top2"], a["csat_n"], b["csat_top2"], b["csat_n"])
    if key == "ces_mean":
        return m.mean_change_test(a["ces_n"], a["ces_sum"], a["ces_sumsq"],
                                  b["ces_n"], b["ces_sum"], b["ces_sumsq"])
    return None


def compare(current: dict[str, Any], previous: dict[str, Any] | None, *,
            min_n: int = m.SMALL_SAMPLE, alpha: float = 0.05) -> dict[str, Change]:
    """Each metric of :data:`METRICS` in ``current`` against ``previous``.

    Tested (each only when both periods have at least ``min_n`` answers; below that the change
    is "too few answers to tell", ``meaningful`` None): NPS / eNPS by
    :func:`cxcore.metrics.nps_change_test` (the adjusted-Wald estimates and their combined
    standard error), CSAT by the pooled two-proportion z-test, the CES mean by Welch's t-test.
    The p-values of the metrics tested together are Holm-adjusted (:func:`cxcore.metrics.holm`)
    and a change is meaningful when its adjusted p < ``alpha``. Churn and retention are not
    tested: consecutive periods count mostly the same customers, so the samples are not
    independent. Other metrics are not tested. ``change`` is the plain difference of the shown
    values.
    """
    rows: dict[str, dict[str, Any]] = {}
    tests: dict[str, m.ChangeTest] = {}
    for d in METRICS:
        value = current.get(d.key)
        prev = previous.get(d.key) if previous else None
        change = None if value is None or prev is None else value - prev
        row: dict[str, Any] = {"value": value, "previous": prev, "change": change,
                               "meaningful": None, "note": "not tested"}
        rows[d.key] = row
        if previous is None or change is None:
            row["note"] = "no comparison data"
        elif d.key in ("churn_rate_pct", "retention_rate_pct"):
            row["note"] = "not tested (mostly the same customers in both periods)"
        elif d.test is not None:
            n_now, n_before = _sample_sizes(d, current), _sample_sizes(d, previous)
            if min(n_now, n_before) < min_n:
                row["note"] = (f"too few answers to tell ({n_now:,} and {n_before:,}; at "
                               f"least {min_n:,} needed in each period)")
            elif (test := _change_test(d.key, current, previous)) is None:
                row["note"] = "not testable"
            else:
                tests[d.key] = test
    adjusted = m.holm({k: t.p_value for k, t in tests.items()})
    family = len(tests)
    for key, test in tests.items():
        row = rows[key]
        row["meaningful"] = adjusted[key] < alpha
        corrected = (f"; p {_p(adjusted[key])} after Holm's correction for {family} tests"
                     if family > 1 else "")
        verdict = "meaningful change" if row["meaningful"] else "within the noise"
        row["note"] = f"{verdict} (p {_p(test.p_value)}{corrected})"
        row.update(p_value=test.p_value, p_holm=adjusted[key], family=family)
    return {key: Change(key, **row) for key, row in rows.items()}

