"""Key driver analysis, the pure mathematics: relative importance of correlated drivers.

Everything here takes a correlation matrix or plain numpy arrays (no database, no streamlit), so
it is tested against hand-computed values. :mod:`cxcore.drivers.sample` fetches the data.

**Johnson's relative weights** (Johnson, J. W. 2000, "A heuristic method for estimating the
relative weight of predictor variables in multiple regression", *Multivariate Behavioral
Research* 35(1):1-19). With ``Rxx`` the drivers' correlation matrix and ``rxy`` their
correlations with the outcome:

1. Eigen-decompose ``Rxx = V diag(e) V'``; ``Λ = Rxx^{1/2} = V diag(√e) V'``. Λ holds the
   correlations between the drivers and their closest orthogonal counterparts Z (the
   orthogonal set that is least-squares closest to the standardised drivers).
2. Regress the outcome on Z: ``β = Λ⁻¹ rxy`` (the Z are uncorrelated, so these are also their
   correlations with the outcome and ``Σ β² = R²``).
3. The raw weight of driver j is ``ε_j = Σ_k Λ_jk² β_k²``. Since each column of Λ² sums to 1,
   ``Σ_j ε_j = R²``; the shares ``100 ε_j / R²`` are "percent of explained variance".

:func:`relative_weights_svd` computes the same from the data matrix by the singular value
decomposition (Johnson's own formulation), an independent route used in the tests.

**Shapley value regression / LMG** (Lindeman, Merenda & Gold 1980; Grömping 2006, "Relative
importance for linear regression in R: the package relaimpo", *J. Statistical Software*
17(1)): driver j's share is its increase in R² when added to a subset S of the other drivers,
averaged over all orders: ``φ_j = Σ_{S ⊆ P∖{j}} |S|! (p − |S| − 1)! / p! · (R²(S ∪ j) − R²(S))``,
with ``R²(S) = r_S' R_SS⁻¹ r_S``. The φ sum to R² too. It needs 2^p subset regressions, so it is
computed only for at most :data:`SHAPLEY_MAX` drivers.

**Label outcomes.** A yes/no or "label = value" outcome is coded 1/0 and treated as a number:
its correlations with the drivers are point-biserial correlations, and R² is that of the linear
probability model. (Logistic relative weights, Tonidandel & LeBreton 2010, would differ in
scale but rarely in order; the linear version keeps one method for every outcome.)

**Collinearity**: variance inflation factors ``VIF_j = (Rxx⁻¹)_jj`` (how much the overlap with
the other drivers inflates a regression coefficient's variance; above 5 is a lot of overlap) and
the condition number ``√(e_max / e_min)`` of Rxx (above 30 is severe, Belsley, Kuh & Welsch
1980, *Regression Diagnostics*). Relative weights stay well defined under collinearity; the
overlap is why a driver's weight can be low although its own correlation is high.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import numpy as np

#: Shapley / LMG is computed for at most this many drivers (2^15 = 32,768 subset regressions).
SHAPLEY_MAX = 15
#: Bootstrap draws for the intervals and rank stability.
BOOTSTRAP_DRAWS = 200
#: Below 1e-10 an eigenvalue is taken as zero (a driver that is an exact mix of others).
_EPS = 1e-10


def min_n(drivers: int) -> int:
    """The minimum number of complete answers for a driver analysis with ``drivers`` drivers:
    50 + 8 × drivers, Green's (1991) rule of thumb for testing a multiple correlation
    ("How many subjects does it take to do a regression analysis?", *Multivariate Behavioral
    Research* 26(3):499-510), and never below 100."""
    return max(100, 50 + 8 * drivers)


def correlation(data: np.ndarray) -> np.ndarray:
    """Pearson correlation matrix of the columns of ``data`` (rows = answers). A column without
    variance gets correlation 0 with the others (and 1 with itself) instead of NaN."""
    data = np.asarray(data, dtype=float)
    centred = data - data.mean(axis=0)
    sd = np.sqrt((centred ** 2).sum(axis=0))
    safe = np.where(sd > 0, sd, 1.0)
    z = centred / safe
    r = z.T @ z
    np.fill_diagonal(r, 1.0)
    return np.clip(r, -1.0, 1.0)


def correlation_from_sums(n: float, sums: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """Correlation matrix from sums over ``n`` rows: ``sums[i] = Σ x_i`` and
    ``cross[i, j] = Σ x_i x_j``; ``r_ij = (n Σx_ix_j − Σx_iΣx_j) / √((nΣx_i² − (Σx_i)²)(…))``.
    For data access that aggregates in SQL (one pass) instead of fetching rows."""
    sums = np.asarray(sums, dtype=float)
    cov = n * np.asarray(cross, dtype=float) - np.outer(sums, sums)
    sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    safe = np.where(sd > 0, sd, 1.0)
    r = cov / np.outer(safe, safe)
    np.fill_diagonal(r, 1.0)
    return np.clip(r, -1.0, 1.0)


def _split(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r = np.asarray(r, dtype=float)
    return r[:-1, :-1], r[:-1, -1]


def relative_weights(r: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights ε (one per driver; they sum to R²) from the correlation
    matrix ``r`` of the drivers followed by the outcome (the outcome is the last row/column).
    See the module docstring for the formula; Λ⁻¹ = V diag(1/√e) V' comes from the same
    eigen-decomposition (a zero eigenvalue, from a driver without variance or an exact mix of
    others, contributes nothing). A driver without variance gets weight 0."""
    rxx, rxy = _split(r)
    values, vectors = np.linalg.eigh(rxx)
    root = np.sqrt(np.clip(values, 0.0, None))
    lam = (vectors * root) @ vectors.T
    inverse = np.where(root > math.sqrt(_EPS), 1.0 / np.where(root > 0, root, 1.0), 0.0)
    beta = (vectors * inverse) @ (vectors.T @ rxy)
    return np.clip((lam ** 2) @ (beta ** 2), 0.0, None)


def relative_weights_svd(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights from the data (rows = answers): the standardised driver
    matrix X = P Δ Q' (singular value decomposition), Z = P Q' its closest orthonormal matrix,
    Λ = Q Δ Q' / √(n − 1) the correlations of X with the standardised Z, β = √(n − 1) Z' y_std
    / (n − 1) the correlations of Z with y, and ε_j = Σ_k Λ_jk² β_k² (Johnson 2000, eq. 1-6).
    Independent of :func:`relative_weights`; the two agree to rounding."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(y)
    xs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    ys = (y - y.mean()) / y.std(ddof=1)
    p_, delta, qt = np.linalg.svd(xs, full_matrices=False)
    z = p_ @ qt
    lam = (qt.T * delta) @ qt / math.sqrt(n - 1)
    beta = z.T @ ys / math.sqrt(n - 1)
    return (lam ** 2) @ (beta ** 2)


def r_squared(r: np.ndarray, subset: tuple[int, ...] | None = None) -> float:
    """R² of the linear regression of the outcome (last row/column of ``r``) on the drivers in
    ``subset`` (all by default): ``r_S' R_SS⁻¹ r_S`` (pseudo-inverse when R_SS is singular)."""
    rxx, rxy = _split(r)
    idx = list(range(len(rxy))) if subset is None else list(subset)
    if not idx:
        return 0.0
    rs = rxy[idx]
    sub = rxx[np.ix_(idx, idx)]
    try:
        return float(rs @ np.linalg.solve(sub, rs))
    except np.linalg.LinAlgError:
        return float(rs @ np.linalg.pinv(sub, rcond=_EPS) @ rs)


def shapley(r: np.ndarray) -> np.ndarray | None:
    """Shapley values / LMG shares of R² (one per driver, summing to R²) by enumerating every
    subset of drivers (see the module docstring). ``None`` above :data:`SHAPLEY_MAX` drivers."""
    p = r.shape[0] - 1
    if p > SHAPLEY_MAX:
        return None
    r2 = {(): 0.0}
    for size in range(1, p + 1):
        for subset in combinations(range(p), size):
            r2[subset] = r_squared(r, subset)
    weight = [math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p)
              for s in range(p)]
    out = np.zeros(p)
    for subset, value in r2.items():
        for j in range(p):
            if j in subset:
                continue
            joined = tuple(sorted((*subset, j)))
            out[j] += weight[len(subset)] * (r2[joined] - value)
    return out


def vif(rxx: np.ndarray) -> np.ndarray:
    """Variance inflation factors: the diagonal of the inverse driver correlation matrix
    (``inf`` for a driver that is an exact mix of the others)."""
    try:
        inv = np.linalg.inv(rxx)
    except np.linalg.LinAlgError:
        return np.full(rxx.shape[0], math.inf)
    d = np.diag(inv)
    return np.where(d > 1e12, math.inf, d)


def condition_number(rxx: np.ndarray) -> float:
    """√(largest / smallest eigenvalue) of the driver correlation matrix (``inf`` if singular)."""
    values = np.linalg.eigvalsh(rxx)
    if values[0] <= _EPS:
        return math.inf
    return float(math.sqrt(values[-1] / values[0]))


def ranks(weights: np.ndarray) -> np.ndarray:
    """1 for the largest weight, 2 for the next... (ties broken by position)."""
    order = np.argsort(-np.asarray(weights), kind="stable")
    out = np.empty(len(order), dtype=int)
    out[order] = np.arange(1, len(order) + 1)
    return out


@dataclass(frozen=True)
class KdaResult:
    """A driver analysis: raw weights (sum to r2), shares in percent (sum to 100), their
    bootstrap 95% percentile intervals, ranks and rank stability (share of bootstrap draws in
    which each driver kept its rank), the shares of every draw, Shapley values (None above
    :data:`SHAPLEY_MAX` or when not asked for), VIF, condition number, the driver correlation
    matrix and the outcome correlations."""

    n: int
    r2: float
    raw: np.ndarray
    pct: np.ndarray
    low_pct: np.ndarray
    high_pct: np.ndarray
    rank: np.ndarray
    rank_stability: np.ndarray
    shapley: np.ndarray | None
    vif: np.ndarray
    condition: float
    rxx: np.ndarray
    rxy: np.ndarray
    draws: int
    r2_low: float
    r2_high: float
    boot_pct: np.ndarray  # draws × drivers: each draw's shares, for comparing groups


def _shares(raw: np.ndarray) -> np.ndarray:
    total = raw.sum()
    return 100.0 * raw / total if total > 0 else np.zeros_like(raw)


def analyse(x: np.ndarray, y: np.ndarray, draws: int = BOOTSTRAP_DRAWS,
            seed: int = 20000, with_shapley: bool = True) -> KdaResult:
    """Relative weights of the columns of ``x`` (rows = complete answers) for outcome ``y``,
    with ``draws`` bootstrap resamples of the rows (fixed ``seed``, so the same data give the
    same intervals): each draw recomputes the correlation matrix and the weights; the interval
    is the 2.5th-97.5th percentile of the shares, and rank stability the share of draws in
    which a driver has the same rank as in the full data. Shapley values only
    ``with_shapley`` (and at most :data:`SHAPLEY_MAX` drivers)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    data = np.column_stack([x, y])
    r = correlation(data)
    raw = relative_weights(r)
    pct = _shares(raw)
    rank = ranks(raw)
    n = len(y)
    rng = np.random.default_rng(seed)
    boot_pct = np.empty((draws, x.shape[1]))
    boot_r2 = np.empty(draws)
    same_rank = np.zeros(x.shape[1])
    for b in range(draws):
        sample = data[rng.integers(0, n, size=n)]
        # From sums and cross-products: one matrix product, twice as fast as centring first.
        w = relative_weights(correlation_from_sums(n, sample.sum(axis=0), sample.T @ sample))
        boot_pct[b] = _shares(w)
        boot_r2[b] = w.sum()
        same_rank += ranks(w) == rank
    low, high = (np.percentile(boot_pct, [2.5, 97.5], axis=0) if draws
                 else (pct.copy(), pct.copy()))
    r2_low, r2_high = (np.percentile(boot_r2, [2.5, 97.5]) if draws
                       else (raw.sum(), raw.sum()))
    rxx, rxy = _split(r)
    return KdaResult(n=n, r2=float(raw.sum()), raw=raw, pct=pct, low_pct=low, high_pct=high,
                     rank=rank, rank_stability=same_rank / draws if draws else same_rank,
                     shapley=shapley(r) if with_shapley else None, vif=vif(rxx),
                     condition=condition_number(rxx),
                     rxx=rxx, rxy=rxy, draws=draws, r2_low=float(r2_low),
                     r2_high=float(r2_high), boot_pct=boot_pct)


def share_difference(a: KdaResult | ViewResult, b: KdaResult | ViewResult
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """How much more of the explained variance each driver takes in group ``a`` than in
    ``b`` (independent samples, e.g. a segment and the rest of the customers): the difference
    of the shares in points, and its 95% interval from the percentiles of the differences of
    the two groups' bootstrap draws (paired draw by draw; the draws are independent)."""
    draws = min(len(a.boot_pct), len(b.boot_pct))
    diff = a.boot_pct[:draws] - b.boot_pct[:draws]
    low, high = np.percentile(diff, [2.5, 97.5], axis=0)
    return a.pct - b.pct, low, high


@dataclass(frozen=True)
class ViewResult:
    """Relative weights of one subset of the answers (a group, or the rest of the customers):
    its number of answers, R², shares in percent, their 95% interval and every draw's shares."""

    n: int
    r2: float
    pct: np.ndarray
    low_pct: np.ndarray
    high_pct: np.ndarray
    rank: np.ndarray
    boot_pct: np.ndarray


def analyse_views(x: np.ndarray, y: np.ndarray, cells: np.ndarray, views: list[np.ndarray],
                  draws: int = 100, seed: int = 20001) -> list[ViewResult]:
    """Relative weights of several subsets of the same answers at the cost of one pass per
    bootstrap draw. ``cells`` gives each answer a cell number 0..C-1 (e.g. segment × channel);
    each view is a boolean array over the cells saying which cells it holds (a segment, the
    rest of the customers, a channel...). Per draw every answer gets a Poisson(1) frequency
    (the Poisson bootstrap, Hanley & MacGibbon 2006, *Computer Methods and Programs in
    Biomedicine* 83(1):57-62: for large n equivalent to resampling the rows, and independent
    between disjoint groups, so a group's draws and the rest's can be compared draw by draw);
    the weighted counts, sums and cross-products of each cell are added up per view and turned
    into a correlation matrix (:func:`correlation_from_sums`) and relative weights."""
    data = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    cells = np.asarray(cells, dtype=int)
    order = np.argsort(cells, kind="stable")
    data, cells = data[order], cells[order]
    count = int(cells.max()) + 1 if len(cells) else 0
    bounds = np.searchsorted(cells, np.arange(count + 1))
    views = [np.asarray(v, dtype=bool) for v in views]
    p = data.shape[1] - 1

    def cell_sums(w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        weighted = data if w is None else data * w[:, None]
        n = np.empty(count)
        sums = np.empty((count, p + 1))
        cross = np.empty((count, p + 1, p + 1))
        for c in range(count):
            s, e = bounds[c], bounds[c + 1]
            n[c] = (e - s) if w is None else w[s:e].sum()
            sums[c] = weighted[s:e].sum(axis=0)
            cross[c] = weighted[s:e].T @ data[s:e]
        return n, sums, cross

    def weights(n: np.ndarray, sums: np.ndarray, cross: np.ndarray, view: np.ndarray
                ) -> np.ndarray:
        total = n[view].sum()
        if total < 3:
            return np.zeros(p)
        return relative_weights(correlation_from_sums(
            total, sums[view].sum(axis=0), cross[view].sum(axis=0)))

    point = cell_sums(None)
    raw = [weights(*point, v) for v in views]
    rng = np.random.default_rng(seed)
    boot = np.empty((draws, len(views), p))
    for b in range(draws):
        drawn = cell_sums(rng.poisson(1.0, size=len(data)).astype(float))
        for k, v in enumerate(views):
            boot[b, k] = _shares(weights(*drawn, v))
    out = []
    for k, v in enumerate(views):
        low, high = (np.percentile(boot[:, k], [2.5, 97.5], axis=0) if draws
                     else (_shares(raw[k]), _shares(raw[k])))
        out.append(ViewResult(n=int(point[0][v].sum()), r2=float(raw[k].sum()),
                              pct=_shares(raw[k]), low_pct=low, high_pct=high,
                              rank=ranks(raw[k]), boot_pct=boot[:, k]))
    return out


def kruskal_wallis(values: np.ndarray, groups: np.ndarray) -> tuple[float, float] | None:
    """Kruskal-Wallis H test (Kruskal & Wallis 1952, *J. American Statistical Association*
    47(260):583-621) of whether ``values`` come from the same distribution in every group,
    computed from the table of counts per (group, distinct value), which is fast for rating
    answers with few distinct values: midrank of value level l is r_l = (answers below l) +
    (t_l + 1)/2, R_g = Σ_l n_gl r_l, H = 12/(N(N+1)) Σ_g R_g²/n_g − 3(N+1), divided by the
    tie correction 1 − Σ(t_l³ − t_l)/(N³ − N); p from χ² with (groups − 1) degrees of freedom.
    Returns (H, p), p = 1 when every answer is the same; ``None`` with fewer than two groups."""
    from scipy.stats import chi2  # imported here: scipy.stats takes a while to load

    values = np.asarray(values, dtype=float)
    names, g = np.unique(np.asarray(groups), return_inverse=True)
    if len(names) < 2:
        return None
    levels, v = np.unique(values, return_inverse=True)
    table = np.zeros((len(names), len(levels)))
    np.add.at(table, (g, v), 1.0)
    n_total = table.sum()
    ties = table.sum(axis=0)
    midrank = np.cumsum(ties) - ties + (ties + 1) / 2
    rank_sums = table @ midrank
    sizes = table.sum(axis=1)
    h = 12.0 / (n_total * (n_total + 1)) * float((rank_sums ** 2 / sizes).sum()) \
        - 3.0 * (n_total + 1)
    correction = 1.0 - float((ties ** 3 - ties).sum()) / (n_total ** 3 - n_total)
    if correction <= 0:
        return 0.0, 1.0
    h /= correction
    return h, float(chi2.sf(h, len(names) - 1))
