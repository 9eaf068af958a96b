"""Key drivers per group: each segment, channel or single-choice answer against the rest of the
customers (:func:`group_drivers`, bootstrap), and whether the same questions score alike across
channels or journey steps (:func:`consistency`, Kruskal-Wallis). Both need the answers
themselves (a bootstrap resamples rows; a rank test ranks them), so they run on the
:class:`cxcore.drivers.sample.Sample` of complete answers, never on the rollup.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from cxcore.drivers import kda
from cxcore.drivers.sample import GROUP_DRAWS, GROUP_MIN, MAX_GROUPS, Sample, Variable

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
    or "same". A group or a rest with fewer answers than :func:`.kda.min_n` (or without
    any spread in the outcome) says "too few to tell". All groups and rests of every breakdown
    come from one set of Poisson bootstrap draws (:func:`cxcore.drivers.kda.analyse_views`)."""
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
    with at least :data:`GROUP_MIN` answers (:func:`.kda.kruskal_wallis`). ``verdict``:
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


