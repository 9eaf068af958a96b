"""Key driver mathematics (drivers.kda): hand-computed relative weights and Shapley values, two
independent routes to the weights, and invariants with hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxcore.drivers import kda


def _corr(rxx: list[list[float]], rxy: list[float]) -> np.ndarray:
    p = len(rxy)
    r = np.eye(p + 1)
    r[:p, :p] = rxx
    r[:p, p] = r[p, :p] = rxy
    return r


@pytest.mark.parametrize(("r12", "rxy", "expected", "r2"), [
    # Published output of the R package rwa (M. Chan; Tonidandel & LeBreton's RWA-Web method),
    # reference page of rwa(): rwa(diamonds, "price", c("depth", "carat")), all 53,940 rows...
    (0.02822431, [-0.0106474, 0.9215913], [0.000729149, 0.849946308], 0.8506755),
    # ...and the same on a 1,000-row subsample with use = "complete.obs".
    (0.02797885, [-0.01517396, 0.92138091], [0.0009543612, 0.8496668919], 0.8506213),
])
def test_published_example_diamonds(r12, rxy, expected, r2) -> None:
    r = _corr([[1, r12], [r12, 1]], rxy)
    eps = kda.relative_weights(r)
    assert eps == pytest.approx(expected, rel=2e-5)
    assert eps.sum() == pytest.approx(r2, rel=1e-6)
    # Rescaled weights as published: 99.91428588 and 0.08571412 % in the first example.
    if r12 == 0.02822431:
        assert 100 * eps / eps.sum() == pytest.approx([0.08571412, 99.91428588], abs=2e-5)
        values, vectors = np.linalg.eigh(r[:2, :2])
        lam = (vectors * np.sqrt(values)) @ vectors.T
        assert lam.ravel() == pytest.approx([0.99990040, 0.01411356, 0.01411356, 0.99990040],
                                            abs=1e-8)


def test_two_drivers_by_hand() -> None:
    # r12 = 0.5, r1y = 0.6, r2y = 0.4. Rxx^(1/2) = [[c, s], [s, c]] with
    # c = (√1.5 + √0.5)/2, s = (√1.5 − √0.5)/2; β = Λ⁻¹ rxy; ε = Λ² β².
    # By hand: β1 = 0.549670, β2 = 0.266827, ε1 = 43/150, ε2 = 13/150, and
    # R² = (0.36 + 0.16 − 2·0.6·0.4·0.5)/(1 − 0.25) = 0.28/0.75 = 56/150.
    r = _corr([[1, 0.5], [0.5, 1]], [0.6, 0.4])
    eps = kda.relative_weights(r)
    assert eps == pytest.approx([43 / 150, 13 / 150], abs=1e-9)
    assert kda.r_squared(r) == pytest.approx(56 / 150)
    # With two drivers, Shapley = relative weights: φ1 = (r1y² + R² − r2y²)/2.
    assert kda.shapley(r) == pytest.approx([(0.36 + 56 / 150 - 0.16) / 2,
                                            (0.16 + 56 / 150 - 0.36) / 2])
    c = (math.sqrt(1.5) + math.sqrt(0.5)) / 2
    s = (math.sqrt(1.5) - math.sqrt(0.5)) / 2
    det = c * c - s * s
    beta = [(0.6 * c - 0.4 * s) / det, (0.4 * c - 0.6 * s) / det]
    assert beta == pytest.approx([0.549670, 0.266827], abs=1e-6)


def test_three_drivers_shapley_by_hand() -> None:
    rxx = [[1, 0.5, 0.3], [0.5, 1, 0.2], [0.3, 0.2, 1]]
    ry = [0.6, 0.5, 0.4]
    r = _corr(rxx, ry)

    def pair(a: float, b: float, rab: float) -> float:  # two-driver R², closed form
        return (a * a + b * b - 2 * a * b * rab) / (1 - rab * rab)

    r12, r13, r23 = pair(0.6, 0.5, 0.5), pair(0.6, 0.4, 0.3), pair(0.5, 0.4, 0.2)
    assert (r12, r13, r23) == pytest.approx([0.413333, 0.413187, 0.34375], abs=1e-6)
    # Full R² = 1 − det(R)/det(Rxx), det(Rxx) = 1 + 2·0.5·0.3·0.2 − 0.25 − 0.09 − 0.04 = 0.68.
    full = 1 - np.linalg.det(r) / 0.68
    assert kda.r_squared(r) == pytest.approx(full)
    single = {1: 0.36, 2: 0.25, 3: 0.16}
    # φ1 = 1/3·R²(1) + 1/6·(R²(12) − R²(2)) + 1/6·(R²(13) − R²(3)) + 1/3·(R²(123) − R²(23))
    phi = [single[1] / 3 + (r12 - single[2]) / 6 + (r13 - single[3]) / 6 + (full - r23) / 3,
           single[2] / 3 + (r12 - single[1]) / 6 + (r23 - single[3]) / 6 + (full - r13) / 3,
           single[3] / 3 + (r13 - single[1]) / 6 + (r23 - single[2]) / 6 + (full - r12) / 3]
    assert kda.shapley(r) == pytest.approx(phi, abs=1e-9)
    assert sum(phi) == pytest.approx(full)
    assert kda.relative_weights(r).sum() == pytest.approx(full)
    # VIF of driver 1 = 1/(1 − R² of driver 1 on drivers 2, 3) = 1/(1 − pair(0.5, 0.3, 0.2)).
    assert kda.vif(np.array(rxx))[0] == pytest.approx(1 / (1 - pair(0.5, 0.3, 0.2)))


def test_eigen_and_svd_routes_agree() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(500, 6)) + rng.normal(size=(500, 1))
    y = x @ np.array([0.5, 0.1, 0.0, 0.3, 0.8, 0.2]) + rng.normal(size=500)
    eigen = kda.relative_weights(kda.correlation(np.column_stack([x, y])))
    svd = kda.relative_weights_svd(x, y)
    assert eigen == pytest.approx(svd, abs=1e-10)


def test_correlation_from_sums_matches_data() -> None:
    rng = np.random.default_rng(3)
    data = rng.integers(0, 6, size=(200, 4)).astype(float)
    r = kda.correlation_from_sums(200, data.sum(axis=0), data.T @ data)
    assert r == pytest.approx(np.corrcoef(data, rowvar=False), abs=1e-12)


def test_collinearity_measures() -> None:
    assert kda.condition_number(np.eye(3)) == pytest.approx(1.0)
    assert kda.vif(np.eye(3)) == pytest.approx([1, 1, 1])
    twin = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert kda.condition_number(twin) == math.inf
    assert all(v == math.inf for v in kda.vif(twin))


def test_shapley_is_skipped_above_the_limit() -> None:
    r = np.eye(kda.SHAPLEY_MAX + 2)
    assert kda.shapley(r) is None


def test_min_n() -> None:
    assert kda.min_n(3) == 100 and kda.min_n(14) == 162 and kda.min_n(20) == 210


def test_analyse_bootstrap_is_stable_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(size=(2000, 3))
    y = x @ np.array([1.0, 0.5, 0.1]) + rng.normal(size=2000)
    res = kda.analyse(x, y, draws=100)
    again = kda.analyse(x, y, draws=100)
    assert res.low_pct == pytest.approx(again.low_pct)  # fixed seed: same intervals
    assert res.pct.sum() == pytest.approx(100)
    assert list(res.rank) == [1, 2, 3]
    assert all(res.low_pct <= res.pct) and all(res.pct <= res.high_pct)
    assert res.rank_stability[0] == pytest.approx(1.0)
    assert res.r2_low <= res.r2 <= res.r2_high
    assert res.shapley is not None and res.shapley.sum() == pytest.approx(res.r2)


def test_a_constant_driver_gets_no_weight() -> None:
    rng = np.random.default_rng(5)
    x = np.column_stack([rng.normal(size=300), np.full(300, 3.0)])
    y = x[:, 0] + rng.normal(size=300)
    w = kda.relative_weights(kda.correlation(np.column_stack([x, y])))
    assert w[1] == pytest.approx(0.0, abs=1e-12)
    assert w[0] > 0.3


@st.composite
def _data(draw):
    p = draw(st.integers(2, 5))
    n = draw(st.integers(p + 20, 60))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 8, size=(n, p)).astype(float) + rng.normal(size=(n, 1)).round()
    y = x @ rng.uniform(-1, 1, size=p) + rng.normal(size=n)
    return x, y


@settings(max_examples=60, deadline=None)
@given(_data(), st.floats(0.1, 50), st.floats(-20, 20), st.integers(0, 4))
def test_invariants(data, scale, shift, which) -> None:
    x, y = data
    which %= x.shape[1]
    r = kda.correlation(np.column_stack([x, y]))
    w = kda.relative_weights(r)
    assert (w >= 0).all()
    assert w.sum() == pytest.approx(kda.r_squared(r), abs=1e-8)
    rescaled = x.copy()
    rescaled[:, which] = rescaled[:, which] * scale + shift
    w2 = kda.relative_weights(kda.correlation(np.column_stack([rescaled, y])))
    assert w2 == pytest.approx(w, abs=1e-8)
    flipped = x.copy()
    flipped[:, which] *= -1
    w3 = kda.relative_weights(kda.correlation(np.column_stack([flipped, y])))
    assert w3 == pytest.approx(w, abs=1e-8)
    phi = kda.shapley(r)
    assert phi.sum() == pytest.approx(w.sum(), abs=1e-8)


def test_views_equal_the_weights_of_each_subset() -> None:
    rng = np.random.default_rng(13)
    x = rng.normal(size=(900, 3))
    y = x @ np.array([1.0, 0.4, 0.2]) + rng.normal(size=900)
    cells = rng.integers(0, 4, size=900)
    views = [np.array([True, True, True, True]), np.array([True, False, False, False]),
             np.array([False, True, True, True])]
    out = kda.analyse_views(x, y, cells, views, draws=60)
    for view, res in zip(views, out, strict=True):
        mask = view[cells]
        direct = kda.relative_weights(kda.correlation(np.column_stack([x[mask], y[mask]])))
        assert res.n == mask.sum()
        assert res.r2 == pytest.approx(direct.sum())
        assert res.pct == pytest.approx(100 * direct / direct.sum())
        assert all(res.low_pct <= res.pct + 1e-9) and all(res.pct <= res.high_pct + 1e-9)
        assert res.boot_pct.shape == (60, 3)
    diff, low, high = kda.share_difference(out[1], out[2])
    assert diff == pytest.approx(out[1].pct - out[2].pct)
    assert all(low <= high)


def test_kruskal_wallis_from_counts_matches_scipy() -> None:
    from scipy import stats

    rng = np.random.default_rng(17)
    groups = rng.choice(["web", "phone", "store"], size=700)
    values = np.clip(np.round(3 + rng.normal(size=700) - 0.3 * (groups == "phone")), 1, 5)
    h, p = kda.kruskal_wallis(values, groups)
    ref = stats.kruskal(*(values[groups == g] for g in ("web", "phone", "store")))
    assert h == pytest.approx(ref.statistic) and p == pytest.approx(ref.pvalue)
    assert kda.kruskal_wallis(np.full(10, 3.0), np.array(["a", "b"] * 5)) == (0.0, 1.0)
    assert kda.kruskal_wallis(values, np.full(700, "web")) is None
