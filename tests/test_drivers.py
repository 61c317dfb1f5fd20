"""Key drivers: moments that add (chunked = whole = merged), relative weights and Shapley against
references built from raw data, the group bootstrap's determinism and coverage, quadrants,
guards and segment headroom."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.drivers import (
    MomentTable,
    analyse,
    bootstrap,
    importance,
    minimum_rows,
    quadrants,
    relative_weights,
    row_groups,
    segment_headroom,
    shapley,
)
from cxscore.errors import CxError
from cxscore.keydrivers import whole_points


def survey(n: int, p: int, seed: int, coef=None, missing: float = 0.0):
    """Ratings 1–5 sharing a common factor and a 0–10 outcome driven by them (NaN = not rated)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1))
    x = np.clip(np.round(3 + 0.7 * common + rng.normal(size=(n, p))), 1, 5)
    coef = np.linspace(1.0, 0.2, p) if coef is None else np.asarray(coef)
    y = np.clip(np.round(5 + (x - 3) @ coef + 1.5 * rng.normal(size=n)), 0, 10)
    data = np.column_stack([y, x])
    if missing:
        data[rng.random(data.shape) < missing] = np.nan
    return data


def table_of(data, groups=1, group_index=None, weights=None, top_two=None) -> MomentTable:
    table = MomentTable(data.shape[1], groups, top_two)
    table.add(list(data.T), group_index, weights)
    return table


def state(table: MomentTable):
    return [getattr(table, name) for name in ("n", "weight", "weight_sq", "sums", "cross", "top", "missing", "incomplete")]


# -- moments ---------------------------------------------------------------------------------

def test_moments_per_group_match_direct_sums():
    data = survey(400, 3, seed=1, missing=0.05)
    rng = np.random.default_rng(2)
    group = rng.integers(0, 4, size=400)
    w = rng.uniform(0.2, 3.0, size=400)
    table = table_of(data, 4, group, w, top_two=np.array([9, 4, 4, np.nan]))
    for g in range(4):
        mine = group == g
        complete = mine & ~np.isnan(data).any(axis=1)
        x, wc = data[complete], w[complete]
        got = table.get(g)
        assert got.n == complete.sum() and got.incomplete == (mine & ~complete).sum()
        assert got.missing.tolist() == np.isnan(data[mine]).sum(axis=0).tolist()
        assert got.weight == pytest.approx(wc.sum(), rel=1e-12)
        assert got.weight_sq == pytest.approx((wc**2).sum(), rel=1e-12)
        np.testing.assert_allclose(got.sums, wc @ x, rtol=1e-12)
        np.testing.assert_allclose(got.cross, (x * wc[:, None]).T @ x, rtol=1e-12)
        np.testing.assert_allclose(got.top[:3], [wc[x[:, 0] >= 9].sum(), wc[x[:, 1] >= 4].sum(), wc[x[:, 2] >= 4].sum()], rtol=1e-12)
        assert np.isnan(got.top[3]) and np.isnan(got.top_two()[3])


def test_bad_weights_leave_their_rows_out_and_are_counted():
    data = survey(10, 2, seed=3)
    w = np.ones(10)
    w[[1, 4]] = [np.nan, -1.0]
    table = table_of(data, weights=w)
    assert table.total().n == 8 and table.total().incomplete == 2 and table.total().missing.sum() == 0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), cuts=st.lists(st.integers(0, 300), max_size=5), weighted=st.booleans(), data=st.data())
def test_chunked_equals_whole_equals_merged_in_any_order(seed, cuts, weighted, data):
    rows = survey(300, 3, seed, missing=0.03)
    rng = np.random.default_rng(seed)
    w = rng.choice([0.5, 1.0, 1.5, 2.0], size=300) if weighted else None  # dyadic: every sum is exact
    group = row_groups(np.arange(300), 7, seed=seed)
    whole = MomentTable(4, 7)
    whole.add(list(rows.T), group, w)
    bounds = [0, *sorted(cuts), 300]
    parts = []
    chunked = MomentTable(4, 7)
    for a, b in zip(bounds, bounds[1:]):
        chunked.add(list(rows[a:b].T), group[a:b], None if w is None else w[a:b])
        part = MomentTable(4, 7)
        part.add(list(rows[a:b].T), row_groups(np.arange(a, b), 7, seed=seed), None if w is None else w[a:b])
        parts.append(part)
    merged = MomentTable(4, 7)
    for part in data.draw(st.permutations(parts)):
        merged.merge(part)
    for a, b, c in zip(state(chunked), state(whole), state(merged)):
        np.testing.assert_array_equal(a, b)  # exactly: NaN only where no top-two box is kept
        np.testing.assert_array_equal(b, c)
    rest = whole.total() - whole.get(0)
    rest_merged = whole.get(1)
    for g in range(2, 7):
        rest_merged += whole.get(g)
    assert rest.n == rest_merged.n and rest.cross.tolist() == rest_merged.cross.tolist()


def test_row_groups_are_seeded_chunk_free_and_balanced():
    positions = np.arange(1_000_000)
    groups = row_groups(positions, 200, seed=5)
    assert groups.tolist()[:1000] == row_groups(positions[:1000], 200, seed=5).tolist()
    assert row_groups(positions[500:900], 200, seed=5).tolist() == groups[500:900].tolist()
    assert (groups != row_groups(positions, 200, seed=6)).mean() > 0.99
    counts = np.bincount(groups, minlength=200)
    assert counts.min() > 5000 - 5 * 71 and counts.max() < 5000 + 5 * 71  # binomial sd ≈ 70.5


def test_weights_count_like_repeated_rows():
    data = survey(300, 4, seed=7)
    w = np.random.default_rng(8).integers(1, 4, size=300)
    weighted = table_of(data, weights=w.astype(float)).total().correlation()
    repeated = table_of(np.repeat(data, w, axis=0)).total().correlation()
    for method in ("relative_weights", "shapley"):
        np.testing.assert_allclose(importance(weighted, method)[0], importance(repeated, method)[0], atol=1e-10)


# -- importance against references from raw data -------------------------------------------------

def standardized(data, w):
    """Rows scaled by √w after centring and dividing by the weighted sd: ZᵀZ is the correlation matrix."""
    w = w / w.sum()
    mean = w @ data
    sd = np.sqrt(w @ (data - mean) ** 2)
    return (data - mean) / sd * np.sqrt(w)[:, None]


def relative_weights_textbook(data, w):
    """Johnson (2000) step by step on the data: Z = PΔQᵀ, its closest orthonormal Zk = PQᵀ,
    β from regressing y on Zk, Λ* from regressing Z on Zk, raw_j = Σ_k Λ*_kj² β_k²."""
    z = standardized(data, w)
    zy, zx = z[:, 0], z[:, 1:]
    left, _, right_t = np.linalg.svd(zx, full_matrices=False)
    zk = left @ right_t
    beta = np.linalg.lstsq(zk, zy, rcond=None)[0]
    lam = np.linalg.lstsq(zk, zx, rcond=None)[0]
    raw = (lam**2).T @ beta**2
    return 100 * raw / raw.sum(), raw.sum()


def r2_raw(data, w, subset):
    """R² of a weighted least-squares fit of y on the subset with an intercept (numpy.linalg.lstsq)."""
    y = data[:, 0]
    design = np.column_stack([np.ones(len(y)), data[:, [1 + j for j in subset]]])
    root = np.sqrt(w)
    coef = np.linalg.lstsq(design * root[:, None], y * root, rcond=None)[0]
    resid = y - design @ coef
    mean = w @ y / w.sum()
    return 1 - (w @ resid**2) / (w @ (y - mean) ** 2)


def shapley_by_orderings(data, w):
    """Average over all p! orders of entry of each driver's increment in R²."""
    p = data.shape[1] - 1
    gain = np.zeros(p)
    orders = list(itertools.permutations(range(p)))
    cache: dict[frozenset, float] = {frozenset(): 0.0}
    for order in orders:
        for k, j in enumerate(order):
            before, after = frozenset(order[:k]), frozenset(order[: k + 1])
            for s in (before, after):
                if s not in cache:
                    cache[s] = r2_raw(data, w, sorted(s))
            gain[j] += cache[after] - cache[before]
    gain /= len(orders)
    return 100 * gain / gain.sum(), cache[frozenset(range(p))]


@pytest.mark.parametrize("weighted", [False, True])
def test_relative_weights_match_the_textbook_steps_on_raw_data(weighted):
    data = survey(500, 5, seed=11)
    w = np.random.default_rng(12).uniform(0.3, 3, size=500) if weighted else np.ones(500)
    shares, r2 = importance(table_of(data, weights=w).total().correlation(), "relative_weights")
    ref_shares, ref_r2 = relative_weights_textbook(data, w)
    np.testing.assert_allclose(shares, ref_shares, atol=1e-9)
    assert r2 == pytest.approx(ref_r2, abs=1e-9)
    assert r2 == pytest.approx(r2_raw(data, w, range(5)), abs=1e-9)
    assert shares.sum() == pytest.approx(100, abs=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
def test_shapley_matches_r2_increments_over_all_orderings(weighted):
    data = survey(400, 5, seed=13)
    w = np.random.default_rng(14).uniform(0.3, 3, size=400) if weighted else np.ones(400)
    shares, r2 = importance(table_of(data, weights=w).total().correlation(), "shapley")
    ref_shares, ref_r2 = shapley_by_orderings(data, w)
    np.testing.assert_allclose(shares, ref_shares, atol=1e-9)
    assert r2 == pytest.approx(ref_r2, abs=1e-9)


def test_two_drivers_by_hand():
    # r_y1 = 0.5, r_y2 = 0.4, r_12 = 0.3: R² = (0.25 + 0.16 − 2·0.5·0.4·0.3)/(1 − 0.09) = 0.29/0.91
    corr = np.array([[1, 0.5, 0.4], [0.5, 1, 0.3], [0.4, 0.3, 1]])
    full = 0.29 / 0.91
    raw, r2 = shapley(corr)
    assert r2 == pytest.approx(full, abs=1e-15)
    np.testing.assert_allclose(raw, [(0.25 + full - 0.16) / 2, (0.16 + full - 0.25) / 2], atol=1e-15)
    raw_rw, r2_rw = relative_weights(corr)
    assert r2_rw == pytest.approx(full, abs=1e-14) and raw_rw.sum() == pytest.approx(full, abs=1e-14)
    assert importance(np.array([[1, 0.6], [0.6, 1]]), "shapley")[1] == pytest.approx(0.36)


def test_a_driver_asked_twice_splits_its_share_evenly_and_raises_the_pair_warning():
    data = survey(600, 3, seed=15)
    twice = np.column_stack([data, data[:, 1]])
    table = table_of(twice, 20, row_groups(np.arange(600), 20))
    for method in ("relative_weights", "shapley"):
        shares, _ = importance(table.total().correlation(), method)
        assert shares[0] == pytest.approx(shares[3], abs=1e-6)
    result = analyse(table, ["nps", "a", "b", "c", "a again"], resamples=20)
    assert any("a and a again correlate at 1.00" in text and "merging" in text for text in result.warnings)


def test_shapley_refuses_more_than_twelve_drivers():
    with pytest.raises(CxError, match="2\\^13 subsets of 13 drivers") as err:
        shapley(np.eye(14))
    assert "relative weights" in err.value.hint
    assert importance(np.eye(13) * 0.5 + 0.5, "shapley")[0].shape == (12,)


# -- the bootstrap --------------------------------------------------------------------------------

def test_bootstrap_is_seeded():
    data = survey(2000, 4, seed=17)
    table = table_of(data, 200, row_groups(np.arange(2000), 200))
    first = bootstrap(table, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(first, bootstrap(table, seed=3)))
    assert not np.array_equal(first[0], bootstrap(table, seed=4)[0])
    low, high, p_first, used = first
    shares, _ = importance(table.total().correlation())
    assert used == 200 and (low < shares).all() and (shares < high).all()
    assert p_first.sum() == pytest.approx(1.0) and p_first[0] > 0.9  # the strongest coefficient leads clearly


def true_shares(method):
    """Population correlation of y = x·b + e for equicorrelated standard normal drivers."""
    p, rho, b = 4, 0.4, np.array([0.6, 0.4, 0.25, 0.1])
    rxx = np.full((p, p), rho) + (1 - rho) * np.eye(p)
    var_y = b @ rxx @ b + 1.0
    rxy = rxx @ b / np.sqrt(var_y)
    corr = np.block([[np.ones((1, 1)), rxy[None, :]], [rxy[:, None], rxx]])
    return rxx, b, importance(corr, method)[0]


@pytest.mark.parametrize("method", ["relative_weights", "shapley"])
def test_bootstrap_intervals_cover_the_true_shares(method):
    """60 seeded samples of 1,500 rows: the 95% intervals of the 4 shares hold the population share
    about 95% of the time (bench/drivers_sim.py runs the long version)."""
    rxx, b, truth = true_shares(method)
    chol = np.linalg.cholesky(rxx)
    rng = np.random.default_rng(2026)
    hits = []
    for _ in range(60):
        x = rng.normal(size=(1500, 4)) @ chol.T
        y = x @ b + rng.normal(size=1500)
        table = MomentTable(5, 100)
        table.add([y, *x.T], row_groups(np.arange(1500), 100, seed=int(rng.integers(1 << 30))))
        low, high, _, _ = bootstrap(table, method, resamples=200, seed=int(rng.integers(1 << 30)))
        hits.extend((low <= truth) & (truth <= high))
    assert 0.88 <= np.mean(hits) <= 0.995


# -- quadrants, guards, the whole analysis ----------------------------------------------------------

def test_quadrants_by_hand():
    # p = 4: importance splits at 25; performance at the mean of 70, 50, 80, 40 = 60
    shares = np.array([40.0, 30.0, 20.0, 10.0])
    low = np.array([35.0, 20.0, 15.0, 5.0])
    high = np.array([45.0, 35.0, 24.0, 15.0])
    assert quadrants(shares, low, high, np.array([70, 50, 80, 40])) == ["keep", "uncertain", "maintain", "monitor"]
    assert quadrants(shares, low + 6, high, np.array([50, 70, 40, 80])) == ["fix first", "keep", "monitor", "maintain"]


def test_analyse_reports_ranked_drivers_with_performance_and_rows_left_out():
    data = survey(3000, 3, seed=19, coef=[0.2, 1.0, 0.5], missing=0.02)
    names = ["nps", "price", "delivery", "staff"]
    table = table_of(data, 200, row_groups(np.arange(3000)), top_two=np.array([9, 4, 4, 4]))
    result = analyse(table, names, seed=1)
    complete = data[~np.isnan(data).any(axis=1)]
    assert [d.name for d in result.drivers] == ["delivery", "staff", "price"]
    assert result.n == len(complete) and result.incomplete == 3000 - len(complete)
    assert result.missing == dict(zip(names, np.isnan(data).sum(axis=0).tolist()))
    assert sum(d.share for d in result.drivers) == pytest.approx(100)
    price = result.drivers[2]
    assert price.mean == pytest.approx(complete[:, 1].mean()) and price.top_two == pytest.approx(100 * (complete[:, 1] >= 4).mean())
    assert price.correlation == pytest.approx(np.corrcoef(complete[:, 0], complete[:, 1])[0, 1])
    assert price.low <= price.share <= price.high and result.resamples == 200 and result.groups == 200
    assert result.warnings == () and result.method == "relative_weights"
    assert all(d.quadrant in {"fix first", "keep", "maintain", "monitor", "uncertain"} for d in result.drivers)


def test_guards_each_trigger():
    rng = np.random.default_rng(21)
    x = np.clip(np.round(3 + rng.normal(size=(150, 3))), 1, 5)
    overall = x.mean(axis=1) + 0.05 * rng.normal(size=150)  # an "overall" computed from the drivers
    x[:, 2] = 6 - x[:, 2]  # then one driver reversed: negatively associated
    texts = analyse(table_of(np.column_stack([overall, x]), 20, np.arange(150) % 20), ["overall", "a", "b", "c"], resamples=20).warnings
    assert any(t.startswith("R² is 0.9") and "computed from the drivers" in t for t in texts)
    assert any(t.startswith("c is associated negatively with overall (r = -0.") for t in texts)
    assert any(t.startswith("only 150 complete rows") for t in texts)
    assert not any("causes" in t for t in texts)


def test_too_few_rows_is_refused_with_the_fix():
    assert minimum_rows(3) == 50 and minimum_rows(12) == 60
    data = survey(59, 12, seed=23)
    with pytest.raises(CxError, match="only 59 complete rows for 12 drivers: key drivers need at least 60") as err:
        analyse(table_of(data, 10, np.arange(59) % 10), ["y", *map(str, range(12))], resamples=10)
    assert "more responses" in err.value.hint


def test_a_column_with_one_value_is_refused_by_name():
    data = survey(300, 2, seed=25)
    data[:, 2] = 4.0
    with pytest.raises(CxError, match="staff has the same value in every complete row"):
        analyse(table_of(data, 20, np.arange(300) % 20), ["nps", "price", "staff"], resamples=10)


def test_segment_headroom_by_hand():
    # 300 respondents at NPS 50, 100 at −20: (300/400)·50 = 37.5 and (100/400)·120 = 30
    np.testing.assert_allclose(segment_headroom([50, -20], [300, 100]), [37.5, 30.0])


# R's mtcars (Henderson & Velleman 1981): mpg, cyl, disp, hp, gear, wt for its 32 cars.
MTCARS = np.array([
    [21.0, 6, 160.0, 110, 4, 2.620], [21.0, 6, 160.0, 110, 4, 2.875], [22.8, 4, 108.0, 93, 4, 2.320],
    [21.4, 6, 258.0, 110, 3, 3.215], [18.7, 8, 360.0, 175, 3, 3.440], [18.1, 6, 225.0, 105, 3, 3.460],
    [14.3, 8, 360.0, 245, 3, 3.570], [24.4, 4, 146.7, 62, 4, 3.190], [22.8, 4, 140.8, 95, 4, 3.150],
    [19.2, 6, 167.6, 123, 4, 3.440], [17.8, 6, 167.6, 123, 4, 3.440], [16.4, 8, 275.8, 180, 3, 4.070],
    [17.3, 8, 275.8, 180, 3, 3.730], [15.2, 8, 275.8, 180, 3, 3.780], [10.4, 8, 472.0, 205, 3, 5.250],
    [10.4, 8, 460.0, 215, 3, 5.424], [14.7, 8, 440.0, 230, 3, 5.345], [32.4, 4, 78.7, 66, 4, 2.200],
    [30.4, 4, 75.7, 52, 4, 1.615], [33.9, 4, 71.1, 65, 4, 1.835], [21.5, 4, 120.1, 97, 3, 2.465],
    [15.5, 8, 318.0, 150, 3, 3.520], [15.2, 8, 304.0, 150, 3, 3.435], [13.3, 8, 350.0, 245, 3, 3.840],
    [19.2, 8, 400.0, 175, 3, 3.845], [27.3, 4, 79.0, 66, 4, 1.935], [26.0, 4, 120.3, 91, 5, 2.140],
    [30.4, 4, 95.1, 113, 5, 1.513], [15.8, 8, 351.0, 264, 5, 3.170], [19.7, 6, 145.0, 175, 5, 2.770],
    [15.0, 8, 301.0, 335, 5, 3.570], [21.4, 4, 121.0, 109, 4, 2.780],
])


@pytest.mark.parametrize("columns, raw, rescaled, r2", [
    # R package rwa (martinctc/rwa), README.md: "Simple Example with mtcars", rwa(mtcars, "mpg", c("cyl", "disp", "hp", "gear"))
    (5, [0.2284797, 0.2221469, 0.2321744, 0.0963886], [29.32274, 28.50999, 29.79691, 12.37037], 0.7791896),
    # same README, "Visualization": predictors c("cyl", "disp", "hp", "gear", "wt")
    (6, [0.18833374, 0.16479802, 0.18809142, 0.07345304, 0.23642417], [22.128264, 19.362936, 22.099792, 8.630361, 27.778646], None),
])
def test_relative_weights_match_r_rwa_published_values(columns, raw, rescaled, r2):
    corr = table_of(MTCARS[:, :columns]).total().correlation()
    shares, got_r2 = importance(corr, "relative_weights")
    np.testing.assert_allclose(shares, rescaled, atol=6e-6)  # printed to 7 significant digits
    np.testing.assert_allclose(shares * got_r2 / 100, raw, atol=6e-8 if columns == 5 else 6e-9)
    if r2 is not None:
        assert got_r2 == pytest.approx(r2, abs=6e-8)
    ref_shares, _ = shapley_by_orderings(MTCARS[:, :columns], np.ones(32))
    np.testing.assert_allclose(importance(corr, "shapley")[0], ref_shares, atol=1e-9)


def test_percentiles_equal_numpy_quantile_bit_for_bit():
    """The bootstrap's interval ends come from drivers.percentiles, written out so a run does not import
    numpy.ma (np.quantile → np.unique): the same float64 bits as np.quantile's default method."""
    from cxscore.drivers import percentiles

    rng = np.random.default_rng(11)
    for case in range(400):
        n, k = int(rng.integers(1, 230)), int(rng.integers(1, 6))
        values = rng.random((n, k)) * 100
        if case % 3 == 0:
            values = np.round(values, 0)  # ties
        if case % 5 == 0:
            values[:] = values[0]  # constant columns
        for q in ((0.025, 0.975), (0.0, 1.0), (0.5,), tuple(rng.random(3))):
            ours, numpy_s = percentiles(values, q), np.quantile(values, q, axis=0)
            assert ours.shape == numpy_s.shape and ours.tobytes() == numpy_s.tobytes(), (n, k, q)


def test_the_bootstrap_does_not_import_numpy_ma():
    """np.quantile's np.unique imports numpy.ma on first use (≈ 20 ms of every drivers run's start-up)."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from cxscore.drivers import MomentTable, bootstrap, row_groups\n"
            "rng = np.random.default_rng(0)\n"
            "x = rng.integers(1, 6, (600, 3)).astype(float)\n"
            "t = MomentTable(3, 20)\n"
            "t.add([x[:, 0] + x[:, 1], x[:, 1], x[:, 2]], row_groups(np.arange(600), 20))\n"
            "bootstrap(t, resamples=30)\n"
            "print('numpy.ma' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(2, 8), groups=st.sampled_from([1, 7, 200]), rows=st.integers(0, 3000),
       largest=st.sampled_from([0, 1, 5, 10, 100, 3000]), missing=st.sampled_from([0.0, 0.05]))
def test_packed_moments_equal_the_plain_sums_bit_for_bit(seed, k, groups, rows, largest, missing):
    """Whole-number answers (scale points) are summed several to a bincount: the same table, bit for
    bit, for any columns, group count, block size and range (too wide a range falls back to one sum a bincount)."""
    rng = np.random.default_rng(seed)
    data = rng.integers(0, largest + 1, size=(rows, k)).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    group = rng.integers(0, groups, size=rows)
    top = np.where(rng.random(k) < 0.3, np.nan, rng.integers(0, largest + 1, size=k))
    plain, packed = MomentTable(k, groups, top), MomentTable(k, groups, top)
    plain.add(list(data.T), group)
    packed.add(list(data.T), group, largest=largest)
    for a, b in zip(state(plain), state(packed)):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()


def test_six_ratings_take_fewer_bincounts_packed(monkeypatch):
    """The point of packing: an NPS and five 1–5 ratings over 200 row-groups in 14 bincounts, not 34 (33 sums and the counts)."""
    data = survey(5000, 5, seed=11, missing=0.03)
    group = row_groups(np.arange(5000), 200)
    top = np.array([9, 4, 4, 4, 4, 4.0])
    calls = []
    bincount = np.bincount
    monkeypatch.setattr(np, "bincount", lambda *a, **kw: calls.append(kw.get("weights") is not None) or bincount(*a, **kw))
    MomentTable(6, 200, top).add(list(data.T), group)
    plain = calls.count(True)
    calls.clear()
    MomentTable(6, 200, top).add(list(data.T), group, largest=10)
    assert (plain, calls.count(True)) == (33, 13)


def test_whole_points_are_promised_only_for_whole_numbers_from_zero():
    nps, csat = np.r_[np.nan, np.nan, np.arange(11.0)], np.r_[np.nan, np.nan, np.arange(1.0, 6.0)]
    assert whole_points([nps, csat]) == 10 and whole_points([csat]) == 5
    assert whole_points([nps, csat - 3]) is None and whole_points([csat / 2]) is None and whole_points([np.r_[np.nan, np.nan]]) is None
