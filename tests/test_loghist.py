"""The log-bucket duration histogram: hand-computed buckets, exact counters, quantiles within α of
numpy's, merges and rollups that equal one-shot adds, and the order-statistic interval's coverage."""
from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from cxscore.loghist import MAX_SECONDS, LogHistogram
from cxscore.stats import binomial_quantile

ALPHA = 0.01
GAMMA = 1.01 / 0.99


def build(values, groups, alpha=ALPHA, thresholds=()) -> LogHistogram:
    hist = LogHistogram(alpha, thresholds)
    hist.add(np.asarray(values, dtype=np.float64), np.asarray(groups, dtype=np.int64))
    return hist


def test_bucket_and_representative_by_hand():
    # ln 100 / ln γ = 4.605170 / 0.020000667 = 230.25 → bucket 231, represented by 2γ²³¹/(1+γ)
    hist = build([100.0], [0])
    bucket = math.ceil(math.log(100) / math.log(GAMMA))
    assert bucket == 231
    assert hist.quantile(0.5)[0] == pytest.approx(2 * GAMMA**231 / (1 + GAMMA), rel=1e-12)
    assert abs(hist.quantile(0.5)[0] - 100) / 100 <= ALPHA
    assert len(hist.keys) == 1


def test_zeros_counts_mean_and_within_are_exact():
    hist = build([0, 0, 5, 0.1, 0.2, 3600, 3600.5], [0, 0, 0, 1, 1, 2, 2], thresholds=(0.0, 3600.0))
    assert hist.n.tolist() == [3, 2, 2]
    assert hist.zeros.tolist() == [2, 0, 0]
    assert hist.mean().tolist() == [5 / 3, 0.15, 3600.25]  # from the exact sums, not the buckets
    assert hist.within(3600).tolist() == [3, 2, 1]
    assert hist.within(0).tolist() == [2, 0, 0]
    assert hist.quantile(0.5)[0] == 0.0  # rank ⌈1.5⌉ = 2 of [0, 0, 5] is a zero
    assert hist.quantile(1.0)[0] == pytest.approx(5, rel=ALPHA)
    with pytest.raises(KeyError, match="no exact counter for 60"):
        hist.within(60)


def test_empty_groups_and_slots():
    hist = build([7.0], [3])
    assert hist.groups == 4 and hist.n.tolist() == [0, 0, 0, 1]
    assert np.isnan(hist.quantile(0.5)[:3]).all() and np.isnan(hist.mean()[:3]).all()
    low, high = hist.quantile_interval(0.5)
    assert np.isnan(low[:3]).all() and np.isnan(high[:3]).all()


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), MAX_SECONDS * 2])
def test_invalid_values_are_refused_not_dropped(bad):
    hist = LogHistogram()
    with pytest.raises(ValueError, match="count them as invalid"):
        hist.add(np.array([1.0, bad]), np.array([0, 0]))
    assert hist.groups == 0  # nothing half-added


def test_weights_and_mismatches_are_refused():
    hist = LogHistogram()
    with pytest.raises(ValueError, match="take no weights"):
        hist.add(np.array([1.0]), np.array([0]), weights=np.array([2.0]))
    with pytest.raises(ValueError, match="different alpha"):
        hist.merge(LogHistogram(alpha=0.02))
    with pytest.raises(ValueError, match="different alpha or thresholds"):
        hist.merge(LogHistogram(thresholds=(60.0,)))
    with pytest.raises(ValueError, match="alpha must be between"):
        LogHistogram(alpha=1.0)


durations = st.one_of(
    st.just(0.0),
    st.floats(min_value=1e-3, max_value=1e9, allow_nan=False),
    st.integers(0, 10**6).map(float),  # whole seconds or minutes, with ties
)


@given(st.lists(st.tuples(durations, st.integers(0, 3)), min_size=1, max_size=200), st.data())
@settings(max_examples=60, deadline=None)
def test_chunked_equals_whole_equals_merged_in_any_order(rows, data):
    values = np.array([v for v, _ in rows])
    groups = np.array([g for _, g in rows])
    whole = build(values, groups, thresholds=(60.0, 3600.0))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(rows)), max_size=5)))
    bounds = [0, *cuts, len(rows)]
    chunked = LogHistogram(thresholds=(60.0, 3600.0))
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        chunked.add(values[a:b], groups[a:b])
        parts.append(build(values[a:b], groups[a:b], thresholds=(60.0, 3600.0)))
    merged = LogHistogram(thresholds=(60.0, 3600.0))
    for part in data.draw(st.permutations(parts)):
        merged.merge(part)
    assert chunked == whole and merged == whole
    assert np.array_equal(merged.mean(), whole.mean(), equal_nan=True)  # bit for bit: integer microsecond sums
    for q in (0.1, 0.5, 0.9):
        assert np.array_equal(merged.quantile(q), whole.quantile(q), equal_nan=True)


def sample(kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
    if kind == "lognormal":
        x = rng.lognormal(math.log(4 * 3600), 1.5, n)
    elif kind == "exponential":
        x = rng.exponential(600, n)
    else:  # heavy tail: Pareto with shape 1.1, minutes rounded like a Zendesk export
        x = np.round(rng.pareto(1.1, n) * 60) * 60
        x = np.minimum(x, np.floor(MAX_SECONDS / 60) * 60)  # the tail can pass the largest duration add() accepts (seed 114703, n 1842)
    x[rng.random(n) < 0.05] = 0.0
    return x


@given(st.sampled_from(["lognormal", "exponential", "pareto"]), st.integers(0, 2**32 - 1), st.integers(1, 3000),
       st.sampled_from([0.001, 0.01, 0.05]), st.lists(st.floats(0, 1), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
@example("pareto", 114703, 1842, 0.01, [0.5])  # its tail passed MAX_SECONDS before sample() capped it
def test_quantiles_within_alpha_of_numpy_inverted_cdf(kind, seed, n, alpha, qs):
    rng = np.random.default_rng(seed)
    x = sample(kind, rng, n)
    groups = rng.integers(0, 3, n)
    hist = build(x, groups, alpha=alpha)
    for q in [*qs, 0.0, 0.5, 0.9, 0.99, 1.0]:
        estimate = hist.quantile(q)
        for g in range(hist.groups):
            values = x[groups == g]
            if not len(values):
                assert np.isnan(estimate[g])
                continue
            exact = np.quantile(values, q, method="inverted_cdf")
            assert abs(estimate[g] - exact) <= alpha * exact * (1 + 1e-9), (q, g, exact, estimate[g])


@given(st.lists(st.tuples(durations, st.integers(0, 5)), min_size=1, max_size=200),
       st.lists(st.integers(-1, 2), min_size=6, max_size=6))
@settings(max_examples=60, deadline=None)
def test_rollup_equals_adding_the_coarse_groups(rows, mapping):
    values = np.array([v for v, _ in rows])
    groups = np.array([g for _, g in rows])
    fine = build(values, groups, thresholds=(120.0,))
    fine.reserve(6)  # every fine group has a slot, as the pipeline's groups do
    coarse_groups = np.array(mapping)[groups]
    kept = coarse_groups >= 0
    expected = build(values[kept], coarse_groups[kept], thresholds=(120.0,))
    expected.reserve(max(mapping) + 1)
    rolled = fine.rollup(np.array(mapping))
    assert rolled == expected and rolled.groups == expected.groups
    assert np.array_equal(rolled.mean(), expected.mean(), equal_nan=True)
    assert np.array_equal(rolled.quantile(0.5), expected.quantile(0.5), equal_nan=True)


@given(st.lists(st.tuples(durations, st.integers(0, 3)), min_size=1, max_size=150), st.data())
@settings(max_examples=50, deadline=None)
def test_the_rest_is_the_whole_minus_the_part(rows, data):
    values = np.array([v for v, _ in rows])
    groups = np.array([g for _, g in rows])
    part = np.array(data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))))
    whole, segment, others = (build(values[m], groups[m], thresholds=(60.0,)) for m in (part | ~part, part, ~part))
    rest = whole - segment
    assert rest == others
    assert np.array_equal(rest.quantile(0.5)[: others.groups], others.quantile(0.5), equal_nan=True)
    merged = segment.copy()
    merged += others
    assert merged == whole


def test_subtracting_what_was_never_added_is_refused():
    with pytest.raises(ValueError, match="not part of this one"):
        build([1.0], [0]) - build([2.0], [0])


def test_a_worker_result_survives_pickling():
    hist = build([0, 5, 7200], [0, 1, 1], thresholds=(60.0,))
    hist.add(np.array([9.0]), np.array([2]))  # queued, not yet sorted in
    assert pickle.loads(pickle.dumps(hist)) == hist
    grown = LogHistogram()
    for group in range(0, 90, 10):  # the dense block grows by a quarter more rows than asked
        grown.add(np.full(50, 60.0 * (group + 1)), np.repeat(np.arange(group, group + 10), 5))
    assert len(grown._block) > grown.groups
    travelled = pickle.loads(pickle.dumps(grown))
    assert len(travelled._block) == grown.groups and travelled == grown  # spare rows stay behind
    travelled.add(np.array([1.0]), np.array([150]))
    assert travelled.n.sum() == 451


def test_a_dense_block_travels_as_a_file_of_the_handoff_folder_read_back_once(tmp_path, monkeypatch):
    """In a worker (HANDOFF set) the pickle carries the block's file, not its bytes; unpickling reads it
    back and deletes it. Outside a worker (HANDOFF None) it travels inside the pickle as before."""
    from cxscore import loghist

    hist = build(np.arange(1, 40001) * 7.0, np.arange(40000) % 2000, thresholds=(60.0,))  # 2,000 groups × ~560 buckets of 8-bit counts
    assert hist._block is not None and hist._block.nbytes > loghist._HANDOFF_MIN
    inside = pickle.dumps(hist)
    assert len(inside) > hist._block[: hist.groups].nbytes
    monkeypatch.setattr(loghist, "HANDOFF", str(tmp_path))
    sent = pickle.dumps(hist)
    assert len(sent) < 100_000 and len(list(tmp_path.iterdir())) == 1  # the dense group counters travel; the block does not
    received = pickle.loads(sent)
    assert np.array_equal(received._block, hist._block[: hist.groups]) and not list(tmp_path.iterdir())
    assert received == hist == pickle.loads(inside)
    received.add(np.array([3.0]), np.array([999]))  # it goes on counting
    assert received.n.sum() == 40001


def test_rollup_to_overall_by_hand():
    hist = build([10, 20, 0, 40], [0, 1, 1, 2])
    overall = hist.rollup(np.zeros(3, dtype=np.int64))
    assert overall.n.tolist() == [4] and overall.zeros.tolist() == [1] and overall.mean().tolist() == [17.5]
    assert overall.quantile(0.75)[0] == pytest.approx(20, rel=ALPHA)


@pytest.mark.parametrize("n", [0, 1, 5, 10, 37, 200, 12345, 10**6])
@pytest.mark.parametrize("q", [0.25, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("p", [0.025, 0.975, 0.005, 0.995, 0.3])
def test_binomial_quantile_matches_scipy(n, q, p):
    assert binomial_quantile(n, q, p) == int(binom.ppf(p, n, q))


def test_binomial_quantile_exact_tie():
    assert binomial_quantile(5, 0.5, 0.5) == 2  # P(X ≤ 2) = 16/32 = ½ exactly, which the float CDF misses by 1e-16


def test_interval_ranks_by_hand():
    # n = 10, median, 95%: Binomial(10, ½) quantiles at 0.025 and 0.975 are 2 and 8 → [X₍₂₎, X₍₉₎]
    hist = build(np.arange(1.0, 11.0), np.zeros(10, dtype=np.int64))
    low, high = hist.quantile_interval(0.5, 0.95)
    assert 2 / GAMMA <= low[0] <= 2 and 9 <= high[0] <= 9 * GAMMA  # the buckets' outer edges
    # n = 3 cannot reach 95% for the median (1 − 2·⅛ = 75%): the ends are 0 and ∞, not the min and max
    small = build([5.0, 6.0, 7.0], [0, 0, 0])
    assert [end.tolist() for end in small.quantile_interval(0.5, 0.95)] == [[0.0], [math.inf]]


def test_interval_coverage_by_simulation():
    """400 seeded runs at once (one group per run): coverage of the median and p90 by the 95% interval,
    against the exact coverage the binomial ranks promise (≥ 95%), within 3 standard errors."""
    rng = np.random.default_rng(20261201)
    runs, n = 400, 120
    values = rng.lognormal(math.log(3600), 1.2, runs * n)
    values[rng.random(runs * n) < 0.03] = 0.0
    hist = build(values, np.repeat(np.arange(runs), n))
    for q in (0.5, 0.9):
        truth = math.exp(math.log(3600) + 1.2 * _normal_quantile((q - 0.03) / 0.97))  # zeros shift the quantile
        low, high = hist.quantile_interval(q, 0.95)
        coverage = float(np.mean((low <= truth) & (truth <= high)))
        lo_rank, hi_rank = binom.ppf(0.025, n, q), binom.ppf(0.975, n, q) + 1
        promised = binom.cdf(hi_rank - 1, n, q) - binom.cdf(lo_rank - 1, n, q)
        assert promised >= 0.95
        assert abs(coverage - promised) <= 3 * math.sqrt(promised * (1 - promised) / runs) + 0.01, (q, coverage, promised)


def _normal_quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def test_many_groups_one_block_matches_per_group_numpy():
    rng = np.random.default_rng(7)
    x = sample("lognormal", rng, 50_000)
    groups = rng.integers(0, 500, len(x))
    hist = LogHistogram()
    for start in range(0, len(x), 10_000):  # five blocks, as the pipeline adds them
        hist.add(x[start : start + 10_000], groups[start : start + 10_000])
    p90 = hist.quantile(0.9)
    for g in range(0, 500, 50):
        exact = np.quantile(x[groups == g], 0.9, method="inverted_cdf")
        assert abs(p90[g] - exact) <= ALPHA * exact * (1 + 1e-9)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), max_size=300), st.booleans())
def test_stacked_groups_and_several_quantiles_at_once_equal_one_group_at_a_time(rows, only_zeros):
    """What the duration kind's batched summaries read: stack(split(h)) is h, and quantiles(qs)
    gives exactly quantile(q) for each q (the same order statistic, the same float)."""
    hist = LogHistogram(0.01, (60.0,))
    hist.reserve(6)
    if only_zeros:  # no bucket at all: the zeros alone
        rows = [(g, 0.0) for g, _ in rows]
    if rows:
        hist.add(np.array([v for _, v in rows]), np.array([g for g, _ in rows]))
    stacked = LogHistogram.stack(hist.split())
    assert stacked == hist
    qs = (0.25, 0.4, 0.5, 0.6, 0.75, 0.9)
    together = stacked.quantiles(qs)
    for k, q in enumerate(qs):
        np.testing.assert_array_equal(together[:, k], hist.quantile(q))
    np.testing.assert_array_equal(stacked.mean(), hist.mean())


_SIDE = st.lists(st.one_of(st.just(0.0), st.floats(0.001, 1e6)), min_size=1, max_size=200)


@settings(max_examples=40, deadline=None)
@given(_SIDE, _SIDE)
def test_the_median_split_equals_the_merged_histogram_s_quantiles_and_counts(segment, rest):
    """Mood's test reads median_split (dense counts over the buckets either side uses) instead of merging:
    the same pooled quantiles, to the float, and the same counts at or below the pooled median."""
    a, b = LogHistogram(0.01), LogHistogram(0.01)
    a.add(np.array(segment), np.zeros(len(segment), dtype=np.int64))
    b.add(np.array(rest), np.zeros(len(rest), dtype=np.int64))
    pooled = a.copy()
    pooled += b
    quantiles = tuple(float(v) for v in pooled.quantiles((0.5, 0.6, 0.4))[0])
    assert a.median_split(b) == (quantiles, int(a.at_most(quantiles[0])[0]), int(b.at_most(quantiles[0])[0]))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), max_size=300),
       st.lists(st.integers(0, 9), max_size=12))
def test_take_gathers_groups_as_split_then_stack_does(rows, groups):
    """A roll-up's groups are summarised from one gather (take) instead of a histogram object per group:
    the same histogram as stacking the split parts, repeats and groups past the last (empty) included."""
    hist = LogHistogram(0.01, (60.0,))
    hist.reserve(8)
    if rows:
        hist.add(np.array([v for _, v in rows]), np.array([g for g, _ in rows]))
    parts = hist.split() + [LogHistogram(0.01, (60.0,)), LogHistogram(0.01, (60.0,))]  # groups 8 and 9: empty
    taken = hist.take(groups)
    if groups:
        stacked = LogHistogram.stack([parts[g] for g in groups])
        assert np.array_equal(taken.keys, stacked.keys) and np.array_equal(taken.counts, stacked.counts)
        assert np.array_equal(taken._dense, stacked._dense)
    assert taken.groups == len(groups)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), min_size=1, max_size=300),
       st.lists(st.tuples(st.integers(0, 3), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), min_size=1, max_size=100),
       st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4)), min_size=1, max_size=20))
def test_median_splits_of_many_pairs_at_once_equal_each_pair_merged(left, right, pairs):
    """Mood's tests of every agent × week cell against the previous week read median_splits, all pairs in one
    call (groups of one histogram against groups of another, a group past the last empty): for each pair,
    the merged histogram's 0.5/0.6/0.4 quantiles to the float and each side's at_most the pooled median."""
    from cxscore.loghist import GroupBuckets, median_splits

    a = build([v for _, v in left], [g for g, _ in left])
    b = build([v for _, v in right], [g for g, _ in right])
    a.reserve(6)
    b.reserve(4)
    i, j = np.array([p for p, _ in pairs]), np.array([q for _, q in pairs])
    values, below_a, below_b = median_splits(GroupBuckets(a), i, GroupBuckets(b), j)
    parts_a, parts_b = a.split(), b.split()
    for k, (g, h) in enumerate(pairs):
        one = parts_a[g] if g < len(parts_a) else LogHistogram(ALPHA)
        other = parts_b[h] if h < len(parts_b) else LogHistogram(ALPHA)
        if one.count(0) + other.count(0) == 0:
            continue  # no value on either side: nothing to test
        pooled = one.copy()
        pooled += other
        quantiles = pooled.quantiles((0.5, 0.6, 0.4))[0].tolist()
        assert values[k].tolist() == quantiles
        assert (int(below_a[k]), int(below_b[k])) == (int(one.at_most(quantiles[0])[0]) if one.groups else 0, int(other.at_most(quantiles[0])[0]) if other.groups else 0)


def test_a_part_merged_into_an_empty_book_is_shared_not_copied_or_sorted(monkeypatch):
    """Memory at 10M tickets: a worker's sparse histogram merged into the empty book (the book's rows are the
    part's, the identity roll-up) is adopted as it is; merging more parts into it still equals adding everything at once."""
    import cxscore.loghist as loghist

    monkeypatch.setattr(loghist, "_DENSE_MIN", 0)  # sparse parts (a dense block is merged slot by slot: the next test)
    monkeypatch.setattr(loghist, "_DENSE_PER_VALUE", 0)
    rng = np.random.default_rng(9)
    values, groups = rng.exponential(600, 5000), rng.integers(0, 40, 5000)
    part = build(values[:3000], groups[:3000])
    same = part.rollup(np.arange(part.groups))
    assert same.keys is part.keys and same.counts is part.counts and same == part
    book = LogHistogram(ALPHA)
    book += same
    assert book.keys is part.keys
    book += build(values[3000:], groups[3000:])
    assert book == build(values, groups)
    assert part == build(values[:3000], groups[:3000])  # the shared arrays were not changed by the later merge
    renumbered = part.rollup(np.where(np.arange(part.groups) % 2 == 0, np.arange(part.groups) // 2, -1))  # kept groups in order
    assert renumbered == build(values[:3000][groups[:3000] % 2 == 0], groups[:3000][groups[:3000] % 2 == 0] // 2)


@given(st.lists(st.tuples(durations, st.integers(0, 40)), min_size=1, max_size=300), st.data())
@settings(max_examples=60, deadline=None)
def test_the_dense_block_and_the_sparse_store_count_alike(rows, data):
    """Blocks are counted into a dense group × bucket block while it stays small against the values
    added, else into the sorted sparse store; both, and a histogram switching between them mid-stream,
    hold the same counts."""
    import cxscore.loghist as loghist

    values = np.array([v for v, _ in rows])
    groups = np.array([g for _, g in rows])
    cuts = sorted(data.draw(st.sets(st.integers(1, len(rows)), max_size=8)))
    bounds = [0, *cuts, len(rows)]
    built = {}
    for name, allowance in (("dense", (1 << 22, 16)), ("sparse", (0, 0)), ("switching", (data.draw(st.integers(0, 3000)), data.draw(st.integers(0, 20))))):
        saved = loghist._DENSE_MIN, loghist._DENSE_PER_VALUE
        loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = allowance
        try:
            hist = LogHistogram(thresholds=(60.0,))
            for a, b in zip(bounds, bounds[1:]):
                hist.add(values[a:b], groups[a:b])
                if name == "switching" and data.draw(st.booleans()):
                    assert len(hist.keys) > 0 or not (values[:b] > 0).any()  # a read between adds folds the block into the store
        finally:
            loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = saved
        built[name] = hist
    assert built["dense"] == built["sparse"] == built["switching"]
    assert np.array_equal(built["dense"].quantiles((0.1, 0.5, 0.9)), built["sparse"].quantiles((0.1, 0.5, 0.9)), equal_nan=True)


def test_adding_block_after_block_holds_memory_flat():
    """Adding 1M durations of 200 groups 5,000 at a time (a reader's blocks) keeps one dense block of
    counts, no growing store of keys to sort: the peak of the adds is the same at 100k and 1M values."""
    import tracemalloc

    rng = np.random.default_rng(15)
    values = np.round(rng.lognormal(math.log(4 * 3600), 1.5, 5000) / 60) * 60
    peaks = []
    for blocks in (20, 200):
        hist = LogHistogram(thresholds=(3600.0,))
        tracemalloc.start()
        for b in range(blocks):
            hist.add(np.roll(values, b), np.arange(5000, dtype=np.int64) % 200)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert hist.n.sum() == 5000 * blocks
    assert peaks[1] < 1.2 * peaks[0] and peaks[1] < 4e6, peaks


def test_the_sparse_store_is_folded_into_the_dense_block_once_it_is_allowed(monkeypatch):
    import cxscore.loghist as loghist

    monkeypatch.setattr(loghist, "_DENSE_MIN", 0)
    rng = np.random.default_rng(3)
    values, groups = rng.lognormal(8, 1, 4000), rng.integers(0, 30, 4000)
    hist = LogHistogram()
    hist.add(values[:100], groups[:100])  # 30 groups × ~100 buckets against 1,600 slots: sparse
    assert hist._block is None and (hist._pending or len(hist._keys))
    hist.add(values[100:], groups[100:])  # 64,000 slots allowed: the store goes into the block
    assert hist._block is not None and not hist._pending and not len(hist._keys)
    monkeypatch.setattr(loghist, "_DENSE_PER_VALUE", 0)
    assert hist == build(values, groups)


def test_a_histogram_told_the_share_added_starts_its_dense_block_at_once(monkeypatch):
    """A reader that says how much of its part it has read (expect) has its block started at the first add that the
    part's projected values allow, instead of staging sparse keys first; the counts equal a plain build's."""
    import cxscore.loghist as loghist

    monkeypatch.setattr(loghist, "_DENSE_MIN", 0)
    rng = np.random.default_rng(3)
    values, groups = rng.lognormal(8, 1, 4000), rng.integers(0, 30, 4000)
    told, untold = LogHistogram(), LogHistogram()
    told.expect(0.5)  # nothing added yet: nothing projected
    told.add(values[:100], groups[:100])
    assert told._block is None and (told._pending or len(told._keys))
    for share in (0.0, 1.5, -1.0):  # not a share: ignored
        told.expect(share)
    told.expect(100 / 4000)  # 4,000 values to come: 64,000 slots
    told.add(values[100:200], groups[100:200])
    untold.add(values[:200], groups[:200])
    assert told._block is not None and not told._pending and not len(told._keys)
    assert untold._block is None and (untold._pending or len(untold._keys))  # 200 values allow 3,200 slots: sparse
    told.add(values[200:], groups[200:])
    monkeypatch.setattr(loghist, "_DENSE_PER_VALUE", 0)
    assert told == build(values, groups)


def test_a_reader_tells_its_book_the_share_of_its_part_read(tmp_path, monkeypatch):
    """scan.run_job tells the book, after each step of rows, the share of its part's bytes handed to the reader (growing,
    all of it at the end; the reader reads ahead, so a small file is all read at the first step); the duration table
    passes it to its histogram, which projects its values from it."""
    from cxscore.accumulators import Book
    from cxscore.duration_table import DurationTable

    shares, projected = [], []
    expect = Book.expect

    def recording(self, share):
        shares.append(share)
        expect(self, share)
        projected.extend(table.hist._projected for table in self._tables.values() if isinstance(table, DurationTable))

    monkeypatch.setattr(Book, "expect", recording)
    rows = "".join(f"{i},{(i * 7) % 500 + 1}\n" for i in range(300_000))  # steps of about 131,072 rows
    (tmp_path / "waits.csv").write_text("id,wait in minutes\n" + rows)
    (tmp_path / "c.yaml").write_text("metrics:\n  - {name: wait, type: duration, column: wait in minutes}\n")
    from cxscore import score
    from cxscore.config import load_config

    report = score([str(tmp_path / "waits.csv")], load_config(tmp_path / "c.yaml"), processes=1)
    assert report.to_dict()["results"] and len(shares) >= 2 and shares == sorted(shares) and 0 < shares[0] and shares[-1] == 1.0
    assert len(projected) == len(shares) and projected[-1] == 300_000  # every wait is positive: all added by the end


def test_workers_blocks_merge_into_the_book_s_block_slot_by_slot():
    """Memory at 10M tickets: the parent merges its workers' dense blocks into one block (rows moved by the
    book's numbering, slots added) instead of turning each into sparse keys and inserting them into a store;
    the result equals adding everything at once, and the parts are left as they were."""
    rng = np.random.default_rng(12)
    values, groups = rng.lognormal(8, 1.2, 6000), rng.integers(0, 25, 6000)
    parts = [build(values[:2500], groups[:2500]), build(values[2500:], groups[2500:])]
    assert all(part._only_block for part in parts)
    book = LogHistogram(ALPHA)
    numbering = [np.arange(parts[0].groups)[::-1].copy(), (np.arange(parts[1].groups) * 7) % 31]  # distinct rows: moved, not summed
    for part, rows in zip(parts, numbering):
        book += part.rollup(rows)
    assert book._only_block
    expected = build(values, np.concatenate([numbering[0][groups[:2500]], numbering[1][groups[2500:]]]))
    assert book == expected and np.array_equal(book.quantiles((0.5, 0.9)), expected.quantiles((0.5, 0.9)), equal_nan=True)
    assert parts[0] == build(values[:2500], groups[:2500]) and parts[1] == build(values[2500:], groups[2500:])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), min_size=1, max_size=300),
       st.lists(st.integers(-1, 3), min_size=13, max_size=13), st.data())
def test_a_block_held_histogram_is_rolled_up_and_read_from_its_block_as_from_sparse_keys(rows, mapping, data):
    """The parent's book holds each duration metric's counts in a dense group × bucket block: roll-ups (cells
    into agents, weeks, one overall group), quantiles, intervals, counts up to a value, gathers and Mood's
    splits are read from the blocks — never turned into sparse (group, bucket) keys, the memory peak at 10M
    tickets — and give what the same counts held as sparse keys give, to the last bit."""
    import cxscore.loghist as loghist
    from cxscore.loghist import GroupBuckets, median_splits

    values, groups = [v for _, v in rows], [g for g, _ in rows]
    dense = build(values, groups, thresholds=(60.0,))
    saved = loghist._DENSE_MIN, loghist._DENSE_PER_VALUE
    loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = 0, 0
    try:
        sparse = build(values, groups, thresholds=(60.0,))
    finally:
        loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = saved
    dense.reserve(13)
    sparse.reserve(13)
    assert (dense._only_block or not any(values)) and sparse._block is None

    def no_keys(self):
        raise AssertionError("a block-held histogram was turned into sparse keys")

    coarse_map = np.array(mapping, dtype=np.int64)
    chosen = np.array(data.draw(st.lists(st.integers(0, 14), max_size=8)), dtype=np.int64)
    pairs = np.array(data.draw(st.lists(st.tuples(st.integers(0, 14), st.integers(0, 4)), min_size=1, max_size=10)), dtype=np.int64)
    read = {}
    for name, hist in (("sparse", sparse), ("dense", dense)):
        original = LogHistogram._block_pairs
        if name == "dense":
            LogHistogram._block_pairs = no_keys
        try:
            coarse = hist.rollup(coarse_map)
            taken = hist.take(chosen)
            read[name] = [
                hist.quantiles((0.1, 0.25, 0.5, 0.9, 1.0)), *hist.quantile_interval(0.5), hist.at_most(90.0), hist.at_most(0.0),
                coarse.quantiles((0.5, 0.9)), *coarse.quantile_interval(0.5, 0.9), coarse.at_most(1e4), coarse.n, coarse.within(60.0),
                taken.quantiles((0.5,)), taken.n, taken.mean(),
                *median_splits(GroupBuckets(hist), pairs[:, 0], GroupBuckets(coarse), pairs[:, 1]),
                *median_splits(GroupBuckets(coarse), pairs[:, 1], GroupBuckets(hist), pairs[:, 0]),
            ]
        finally:
            LogHistogram._block_pairs = original
        if name == "dense":
            assert hist._only_block or not any(values)
            assert (coarse._only_block and taken._only_block) or not any(values)
    for a, b in zip(read["sparse"], read["dense"]):
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), min_size=1, max_size=200),
       st.lists(st.tuples(st.integers(0, 9), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), min_size=1, max_size=200),
       st.permutations(range(14)), st.booleans())
def test_a_part_s_block_is_merged_row_into_row_without_a_renumbered_copy(first, second, numbering, sparse_book):
    """The parent merges each worker's part into the book by the book's numbering of the part's groups: two
    dense blocks are added row into row (no renumbered copy of a 55 MB block first, as rollup makes), and the
    book equals adding everything at once; a part or book held as sparse keys merges as before."""
    import cxscore.loghist as loghist

    rows = np.array(numbering[:10], dtype=np.int64)
    book = LogHistogram(ALPHA, (60.0,))
    if sparse_book:
        saved = loghist._DENSE_MIN, loghist._DENSE_PER_VALUE
        loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = 0, 0
        try:
            book.add(np.array([v for _, v in first]), np.array([g for g, _ in first]))
        finally:
            loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = saved
    else:
        book.merge_rows(build([v for _, v in first], [g for g, _ in first], thresholds=(60.0,)), np.arange(10), np.arange(10))
    part = build([v for _, v in second], [g for g, _ in second], thresholds=(60.0,))
    copies = []
    original = LogHistogram.rollup
    LogHistogram.rollup = lambda self, mapping: copies.append(len(mapping)) or original(self, mapping)
    try:
        book.merge_rows(part, rows, np.arange(10))
    finally:
        LogHistogram.rollup = original
    if not sparse_book and any(v > 0 for _, v in second):
        assert not copies and book._only_block  # (before comparing: == reads sparse keys)
    expected = build([v for _, v in first] + [v for _, v in second], [g for g, _ in first] + [int(rows[g]) for g, _ in second], thresholds=(60.0,))
    expected.reserve(book.groups)
    assert np.array_equal(book.quantiles((0.5, 0.9)), expected.quantiles((0.5, 0.9)), equal_nan=True)
    assert book == expected
    assert part == build([v for _, v in second], [g for g, _ in second], thresholds=(60.0,))  # the part is left as it was



def test_a_reader_s_block_counts_in_16_bits_until_a_slot_could_pass_65535():
    """The readers' blocks (all agent × week cells × the run's bucket range, per metric and process) hold
    16-bit counts while no slot can pass 65,535 (half the memory at 5M–10M tickets), and 32-bit ones from the
    add that could: the counts, quantiles and counts up to a value are those of the sparse store either way."""
    import cxscore.loghist as loghist

    values = np.full(10_000, 90.0)
    values[:100] = 5.0
    dense = LogHistogram(ALPHA)
    widths = []
    for _ in range(8):
        dense.add(values, np.zeros(10_000, dtype=np.int64))
        widths.append(dense._block.dtype)
    assert widths[:6] == [np.uint16] * 6 and widths[-1] == np.int32  # 7 × 9,900 in one slot may pass 65,535
    saved = loghist._DENSE_MIN, loghist._DENSE_PER_VALUE
    loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = 0, 0
    try:
        sparse = LogHistogram(ALPHA)
        for _ in range(8):
            sparse.add(values, np.zeros(10_000, dtype=np.int64))
    finally:
        loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = saved
    assert dense.at_most(90.0).tolist() == [80_000] and dense.at_most(10.0).tolist() == [800]
    assert np.array_equal(dense.quantiles((0.005, 0.5)), sparse.quantiles((0.005, 0.5))) and dense == sparse


def test_a_roll_up_of_the_same_groups_shares_the_block_until_either_is_changed():
    """The agent × week table is a roll-up of the book's cells onto themselves: it reads the book's block
    (one block per metric in the parent, not two) and whichever is added to first gets its own copy."""
    rng = np.random.default_rng(9)
    values, groups = rng.lognormal(8, 1, 5000), rng.integers(0, 20, 5000)
    book = LogHistogram(ALPHA)
    book.merge_rows(build(values, groups), np.arange(20), np.arange(20))
    cells = book.rollup(np.arange(book.groups))
    assert cells._block is book._block
    before = cells.quantiles((0.5, 0.9))
    book.add(np.array([1e5, 2e5]), np.array([3, 3]))
    assert cells._block is not book._block
    assert np.array_equal(cells.quantiles((0.5, 0.9)), before) and cells == build(values, groups)
    assert book == build(np.append(values, [1e5, 2e5]), np.append(groups, [3, 3]))


def _sparse(values, groups, thresholds=()) -> LogHistogram:
    """The same counts held as sorted sparse keys (no dense block): the reference the blocks are held to."""
    import cxscore.loghist as loghist

    saved = loghist._DENSE_MIN, loghist._DENSE_PER_VALUE
    loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = 0, 0
    try:
        return build(values, groups, thresholds=thresholds)
    finally:
        loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = saved


_HEAVY = st.lists(st.tuples(st.integers(0, 5), st.sampled_from([0.0, 30.0, 31.0, 600.0, 7200.0, 2e5]),
                          st.one_of(st.integers(1, 50), st.integers(100, 300), st.integers(20_000, 33_000))), min_size=1, max_size=5)


def _width(counts: int) -> int:
    """Bytes a slot needs to hold ``counts``."""
    return 1 if counts <= 0xFF else 2 if counts <= 0xFFFF else 4


@settings(max_examples=30, deadline=None)
@given(st.lists(_HEAVY, min_size=2, max_size=3), st.data())
def test_a_narrow_book_widened_mid_merge_counts_as_a_32_bit_one(parts, data):
    """The parent's book holds its cells' counts in 8-bit slots while no slot can pass 255, 16-bit ones while none
    can pass 65,535, else 32-bit ones: widened at the merge that could carry a slot past its slots (its largest slot
    plus the part's), never narrowed. The counts, quantiles, intervals, counts up to a value and Mood's splits are
    those of the same counts held as sparse keys. Parts of up to 165,000 values repeat values so that slots pass
    255 and 65,535 within a few merges."""
    from cxscore.loghist import GroupBuckets, median_splits

    book = LogHistogram(ALPHA, (60.0,))
    all_values, all_groups, dtypes = [], [], []
    for entries in parts:
        values = np.repeat([v for _, v, _ in entries], [m for _, _, m in entries])
        groups = np.repeat([g for g, _, _ in entries], [m for _, _, m in entries])
        part = build(values, groups, thresholds=(60.0,))
        rows = np.array(data.draw(st.permutations(range(8)))[: part.groups], dtype=np.int64)
        before = (int(book._block.max()), book._block.dtype.itemsize) if book._block is not None else (0, 1)
        most = int(part._block.max()) if part._block is not None else 0
        if data.draw(st.booleans()):
            book.merge_rows(part, rows, np.arange(part.groups))
        else:  # a part renumbered first (32-bit rows moved), merged slot by slot
            book.merge(part.rollup(rows))
        all_values.append(values)
        all_groups.append(rows[groups])
        if book._block is not None:
            dtypes.append(book._block.dtype)
            largest = int(book._block.max())
            # wide enough for its largest slot, and no wider than its slots before or the bound the merge could reach
            assert _width(largest) <= book._block.dtype.itemsize <= max(before[1], _width(before[0] + most))
        assert part == build(values, groups, thresholds=(60.0,))  # the part is left as it was
    assert dtypes == sorted(dtypes, key=lambda d: d.itemsize)  # never narrowed again
    expected = _sparse(np.concatenate(all_values), np.concatenate(all_groups), thresholds=(60.0,))
    book.reserve(8)
    expected.reserve(8)
    if book._block is not None:
        positive = (book.n - book.zeros).max()
        assert book._running().dtype.itemsize == _width(int(positive))
    pairs = np.array([[0, 1], [2, 3], [4, 5], [6, 7], [1, 0]], dtype=np.int64)
    for hist_read in (lambda h: h.quantiles((0.1, 0.5, 0.9, 1.0)), lambda h: h.quantile_interval(0.9)[0], lambda h: h.quantile_interval(0.9)[1],
                      lambda h: h.at_most(600.0), lambda h: h.at_most(31.0), lambda h: h.n, lambda h: h.within(60.0), lambda h: h.mean(),
                      lambda h: np.stack(median_splits(GroupBuckets(h), pairs[:, 0], GroupBuckets(h), pairs[:, 1])[1:])):
        a, b = hist_read(book), hist_read(expected)
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    assert book == expected


def test_taking_every_group_in_order_lends_the_block_until_either_is_changed():
    """The agent × week table takes every cell of its roll-up in order: it reads the roll-up's block (the parent
    held a second 56 MB copy per metric at 10M tickets, kept by the rows made on read while the next metric was
    analysed); whichever is added to first gets its own copy, and any other choice of groups is a gather."""
    rng = np.random.default_rng(4)
    values, groups = rng.lognormal(8, 1, 5000), rng.integers(0, 20, 5000)
    book = LogHistogram(ALPHA)
    book.merge_rows(build(values, groups), np.arange(20), np.arange(20))
    assert book._block.dtype == np.uint8  # (a narrow block is lent as it is)
    every, some = book.take(np.arange(20)), book.take([3, 1])
    assert every._block is book._block and some._block is not book._block
    before = book.quantiles((0.5, 0.9))
    assert np.array_equal(every.quantiles((0.5, 0.9)), before)
    every.add(np.array([1e5]), np.array([2]))
    assert every._block is not book._block and np.array_equal(book.quantiles((0.5, 0.9)), before)
    chosen = np.isin(groups, [3, 1])
    assert some == build(values[chosen], np.where(groups[chosen] == 3, 0, 1))  # (== reads sparse keys: last)
    assert book == build(values, groups) and every == build(np.append(values, 1e5), np.append(groups, 2))


def test_running_counts_take_the_narrowest_slots_that_hold_the_largest_group():
    """A cell's running counts along the buckets (what quantiles and Mood's tests read) take 8 bits while no group
    holds more than 255 positive values, 16 bits to 65,535, 32 bits beyond: the reads are the same either way."""
    for size, extra, expected in ((245, 0, np.uint8), (245, 1, np.uint16), (65_525, 0, np.uint16), (65_525, 1, np.int32)):
        values = np.concatenate([np.full(size, 90.0), np.full(10, 5.0), np.full(3, 0.0)])  # 255 or 65,535 positive
        both = np.concatenate([values, np.full(extra, 7.0)])
        hist = build(both, np.zeros(len(both), dtype=np.int64))
        assert hist._only_block and hist._running().dtype == expected
        assert hist.at_most(90.0).tolist() == [len(both)] and hist.at_most(6.0).tolist() == [13]
        assert np.array_equal(hist.quantiles((0.0001, 0.5, 1.0)), _sparse(both, np.zeros(len(both), dtype=np.int64)).quantiles((0.0001, 0.5, 1.0)))


@given(st.lists(st.integers(0, (1 << 40) - 1), max_size=400), st.sampled_from([1 << 8, 1 << 16, (1 << 16) + 1, 1 << 24, 1 << 32, (1 << 32) + 1, 1 << 40]))
@settings(max_examples=200, deadline=None)
@example([0, 65535, 65536, 65535, 0, 131071, 65536], 1 << 17)  # equal low halves, different high halves
@example([], 1 << 20)
def test_distinct_counts_equal_numpy_unique(codes, bound):
    """The adds' codes counted by a radix sort of their 16-bit halves (below 2³²; a comparison sort above) give
    np.unique's distinct codes and counts exactly."""
    from cxscore.loghist import _distinct_counts

    array = np.array([c % bound for c in codes], dtype=np.int64)
    got, counts = _distinct_counts(array, bound)
    want, want_counts = np.unique(array, return_counts=True)
    assert got.dtype == want.dtype and np.array_equal(got, want) and np.array_equal(counts, want_counts)


def test_a_reader_s_block_stays_8_bit_until_a_slot_really_could_pass_255():
    """A reader's block counts in 8 bits (~14 MB a metric and process at 10M tickets, not 28): the bound on its
    slots is the sum of each add's largest increment, tightened to the block's largest slot when it would pass
    255, so adds spread over many slots keep 8 bits and the add that could carry a slot past 255 widens it."""
    hist = LogHistogram(ALPHA)
    values, groups = [], []
    for group in range(10):  # 10 adds of 30 equal values, each into a slot of its own: bound 300, largest slot 30
        values.append(np.full(30, 90.0))
        groups.append(np.full(30, group))
        hist.add(values[-1], groups[-1])
        assert hist._block.dtype == np.uint8
    values.append(np.full(226, 90.0))  # 30 + 226 in group 0's slot: 256
    groups.append(np.zeros(226, dtype=np.int64))
    hist.add(values[-1], groups[-1])
    assert hist._block.dtype == np.uint16
    assert hist.at_most(90.0).tolist() == [256] + [30] * 9
    assert hist == _sparse(np.concatenate(values), np.concatenate(groups))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.one_of(st.just(0.0), st.floats(0.001, 1e6))), min_size=2, max_size=300), st.data())
def test_the_store_and_its_queued_pieces_fold_into_the_block_piece_by_piece(rows, data):
    """When a reader's block is started, the sorted store and the pieces queued beside it are counted into it one
    piece at a time (no sort of them all together first): the block then holds what adding everything gives."""
    import cxscore.loghist as loghist

    values, groups = np.array([v for _, v in rows]), np.array([g for g, _ in rows])
    cuts = sorted(data.draw(st.sets(st.integers(1, len(rows) - 1), min_size=1, max_size=6)))
    bounds = [0, *cuts, len(rows)]
    hist = LogHistogram(ALPHA, (60.0,))
    saved = loghist._DENSE_MIN, loghist._DENSE_PER_VALUE
    loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = 0, 0
    try:
        for a, b in zip(bounds[:-2], bounds[1:-1]):  # sparse: into the store, or queued beside it
            hist.add(values[a:b], groups[a:b])
            if data.draw(st.booleans()):
                hist._consolidate()
    finally:
        loghist._DENSE_MIN, loghist._DENSE_PER_VALUE = saved
    hist._dense_retry = 0  # try the block at the next add
    hist.add(values[bounds[-2]:], groups[bounds[-2]:])
    if (values[bounds[-2]:] > 0).any():
        assert hist._only_block
    expected = _sparse(values, groups, thresholds=(60.0,))
    assert np.array_equal(hist.quantiles((0.1, 0.5, 0.9)), expected.quantiles((0.1, 0.5, 0.9)), equal_nan=True)
    assert hist == expected
