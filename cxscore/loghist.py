"""Log-bucket histograms of durations, many groups at once: mergeable, with quantiles within α.

The building block of the coming ``duration`` metric kind (issue 15). DDSketch's mapping
(Masson, Rim & Lee, VLDB 2019): γ = (1+α)/(1−α), a value x > 0 falls in bucket ⌈log_γ x⌉ and is
represented by 2γ^i/(1+γ), which is within relative error α of every value in the bucket. Zeros
are counted apart; negative, NaN and infinite values are refused (they are invalid answers, which
the caller counts). Buckets are stored sparsely as sorted ``(group, bucket)`` keys with counts, so
adding a block, merging a worker's histogram and rolling groups up are all "concatenate, then add
equal keys" — integer counts, identical in any order and any chunking.

Next to the buckets each group keeps exact figures that must not come from buckets: the count,
the zeros, the sum (in whole microseconds, as integers, so the mean is identical across chunking
too) and the count of values ≤ each configured threshold ("% within target").

Unweighted by design: a duration is a ticket's or a call's, and survey weights rebalance
respondents; weighted counts would also lose the exact, order-free counts. ``add`` refuses weights.
"""
from __future__ import annotations

import math

import numpy as np

from .stats import binomial_quantile

#: Largest duration accepted (seconds): the sum is kept in whole microseconds below 2⁵³ (≈ 285 years).
MAX_SECONDS = 2.0**53 / 1e6
_MICRO = 1e6
_SPLIT = 2.0**26  # a microsecond count is summed as hi·2²⁶ + lo so per-block float sums stay exact integers
_FIXED = 4  # per-group columns before the threshold counters: n, zeros, Σµs hi, Σµs lo
_BLOCK = 1 << 26  # rows summed by one float bincount at most (2²⁶ rows × parts ≤ 2²⁷ stay within 2⁵³)
_PENDING = 1 << 20  # keys queued before they are sorted into the store at the latest


class LogHistogram:
    """Per-group log-bucket histograms of non-negative durations (seconds), groups ``0 … groups-1``.

    Per group: :attr:`n`, :attr:`zeros`, :meth:`quantile` (relative error ≤ α against the
    inverted-CDF sample quantile), :meth:`quantile_interval` (distribution-free), :meth:`mean`
    (exact) and :meth:`within` (exact counts of values ≤ a configured threshold).
    """

    def __init__(self, alpha: float = 0.01, thresholds: tuple[float, ...] = ()):
        if not 0 < alpha < 1:
            raise ValueError(f"the histogram's relative accuracy alpha must be between 0 and 1 (exclusive), not {alpha}")
        if any(not 0 <= t <= MAX_SECONDS for t in thresholds):
            raise ValueError(f"thresholds must be durations between 0 and {MAX_SECONDS:.0f} seconds: {thresholds}")
        self.alpha = alpha
        self.thresholds = tuple(float(t) for t in thresholds)
        self._log_gamma = math.log1p(alpha) - math.log1p(-alpha)
        self._low = int(self._bucket(np.array([5e-324]))[0])  # the smallest positive float's bucket
        self._span = int(self._bucket(np.array([MAX_SECONDS]))[0]) - self._low + 1  # buckets per group in a key
        self._keys = np.zeros(0, dtype=np.int64)
        self._counts = np.zeros(0, dtype=np.int64)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_size = 0
        self._dense = np.zeros((0, _FIXED + len(self.thresholds)), dtype=np.int64)  # n, zeros, Σµs hi, Σµs lo, ≤ each threshold

    # -- shape ---------------------------------------------------------------------------------
    @property
    def groups(self) -> int:
        """The number of group slots (the largest group index seen + 1)."""
        return len(self._dense)

    @property
    def n(self) -> np.ndarray:
        """Values per group (zeros included)."""
        return self._dense[:, 0].copy()

    @property
    def zeros(self) -> np.ndarray:
        """Values equal to 0 per group."""
        return self._dense[:, 1].copy()

    def count(self, group: int) -> int:
        """Values in one group (0 for a group past the last)."""
        return int(self._dense[group, 0]) if group < len(self._dense) else 0

    def within(self, threshold: float) -> np.ndarray:
        """Exact count of values ≤ ``threshold`` per group; only for a threshold given at construction."""
        try:
            column = _FIXED + self.thresholds.index(float(threshold))
        except ValueError:
            raise KeyError(f"no exact counter for {threshold} s: the histogram counts values ≤ {list(self.thresholds)} s") from None
        return self._dense[:, column].copy()

    def mean(self) -> np.ndarray:
        """Exact mean per group (from the sum in whole microseconds; NaN for an empty group)."""
        total = self._dense[:, 2].astype(np.float64) * _SPLIT + self._dense[:, 3].astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / _MICRO / self._dense[:, 0]

    def reserve(self, groups: int) -> None:
        """Give groups ``0 … groups-1`` a slot (empty until added to), so per-group arrays have that length."""
        if groups > len(self._dense):
            grown = np.zeros((groups, self._dense.shape[1]), dtype=np.int64)
            grown[: len(self._dense)] = self._dense
            self._dense = grown

    # -- adding and merging --------------------------------------------------------------------
    def _bucket(self, values: np.ndarray) -> np.ndarray:
        return np.ceil(np.log(values) / self._log_gamma).astype(np.int64)

    def add(self, values: np.ndarray, group_index: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add a block: ``values[i]`` seconds (0 ≤ v ≤ MAX_SECONDS) belongs to group ``group_index[i]``."""
        if weights is not None:
            raise ValueError("duration histograms count tickets and calls and take no weights (a weighted duration has no defined meaning here)")
        values = np.asarray(values, dtype=np.float64)
        group_index = np.asarray(group_index, dtype=np.int64)
        if values.shape != group_index.shape or values.ndim != 1:
            raise ValueError(f"values and group_index must be 1-D and of one length, not {values.shape} and {group_index.shape}")
        if not len(values):
            return
        bad = ~((values >= 0) & (values <= MAX_SECONDS))  # NaN fails both comparisons
        if bad.any():
            raise ValueError(f"{int(bad.sum())} durations are negative, not a number or above {MAX_SECONDS:.0f} s (e.g. {values[bad][0]}): count them as invalid before adding")
        if group_index.min() < 0:
            raise ValueError("group indices must not be negative")
        self.reserve(int(group_index.max()) + 1)
        size = len(self._dense)
        dense = np.zeros_like(self._dense)
        dense[:, 0] = np.bincount(group_index, minlength=size)
        zero = values == 0
        dense[:, 1] = np.bincount(group_index[zero], minlength=size)
        for start in range(0, len(values), _BLOCK):
            micros = np.rint(values[start : start + _BLOCK] * _MICRO)
            hi = np.floor(micros / _SPLIT)
            groups = group_index[start : start + _BLOCK]
            dense[:, 2] += np.bincount(groups, weights=hi, minlength=size).astype(np.int64)
            dense[:, 3] += np.bincount(groups, weights=micros - hi * _SPLIT, minlength=size).astype(np.int64)
        for column, threshold in enumerate(self.thresholds, start=_FIXED):
            dense[:, column] = np.bincount(group_index[values <= threshold], minlength=size)
        self._dense += dense
        positive = ~zero
        self._stage(*self._bucket_counts(group_index[positive], self._bucket(values[positive]) - self._low))

    def _bucket_counts(self, groups: np.ndarray, buckets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted unique keys with their counts: one ``bincount`` over the block's (group, bucket) box when
        it is small against the block (no sort), else ``np.unique``."""
        if not len(groups):
            return groups, groups
        low_group, low_bucket = int(groups.min()), int(buckets.min())
        width = int(buckets.max()) - low_bucket + 1
        cells = (int(groups.max()) - low_group + 1) * width
        if cells > max(8 * len(groups), 1 << 16):  # beyond ~8 cells a value, zeroing and scanning the box costs more than a sort
            return np.unique(groups * self._span + buckets, return_counts=True)
        counts = np.bincount((groups - low_group) * width + (buckets - low_bucket), minlength=cells)
        cell = np.flatnonzero(counts)
        return (cell // width + low_group) * self._span + cell % width + low_bucket, counts[cell]

    def _stage(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Queue keys with their counts; they are added to the sorted store in one sort once they
        outnumber it (or 2²⁰), so a long run of blocks costs O(N log N) overall and memory stays bounded."""
        if len(keys):
            self._pending.append((keys, counts))
            self._pending_size += len(keys)
            if self._pending_size >= max(len(self._keys) // 4, _PENDING):
                self._consolidate()

    def _consolidate(self) -> None:
        """Add the queued keys into the store: the queued pieces (each sorted, without repeats) sorted
        together, then merged into the sorted store by insertion — no sort of the store, and no copy at all
        when the store is empty and one piece is queued (a worker's histogram merged into an empty book)."""
        if not self._pending:
            return
        pieces, self._pending, self._pending_size = self._pending, [], 0
        if len(pieces) == 1:
            keys, counts = pieces[0]
        else:
            keys = np.concatenate([k for k, _ in pieces])
            counts = np.concatenate([c for _, c in pieces])
            del pieces
            order = np.argsort(keys, kind="stable")
            keys, counts = keys[order], counts[order]
            del order
            starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
            keys, counts = keys[starts], np.add.reduceat(counts, starts) if len(starts) else counts
        self._keys, self._counts = _insert(self._keys, self._counts, keys, counts)

    @property
    def keys(self) -> np.ndarray:
        """The sorted bucket keys, ``group · span + (bucket − lowest bucket)``."""
        self._consolidate()
        return self._keys

    @property
    def counts(self) -> np.ndarray:
        """Values per key (aligned with :attr:`keys`)."""
        self._consolidate()
        return self._counts

    def _check_compatible(self, other: LogHistogram) -> None:
        if (other.alpha, other.thresholds) != (self.alpha, self.thresholds):
            raise ValueError(f"cannot merge histograms with different alpha or thresholds: {(self.alpha, self.thresholds)} and {(other.alpha, other.thresholds)}")

    def merge(self, other: LogHistogram) -> LogHistogram:
        """Add another histogram's counts (a worker's, a file's) into this one; returns self."""
        self._check_compatible(other)
        self.reserve(other.groups)
        self._dense[: other.groups] += other._dense
        self._stage(other.keys, other.counts)  # keys and counts are never changed in place: shared, not copied
        return self

    def __iadd__(self, other: LogHistogram) -> LogHistogram:
        return self.merge(other)

    #: Counts subtract exactly, so the rest of a segment is ``whole - segment`` (accumulators.rests).
    subtractable = True

    def __sub__(self, part: LogHistogram) -> LogHistogram:
        """This histogram without ``part``, which must have been merged into it (the rest of a segment)."""
        self._check_compatible(part)
        rest = self.copy()
        rest.reserve(part.groups)
        rest._dense[: part.groups] -= part._dense
        rest._stage(part.keys.copy(), -part.counts)
        rest._consolidate()
        if (rest._counts < 0).any() or (rest._dense < 0).any():
            raise ValueError("cannot subtract a histogram that is not part of this one")
        kept = rest._counts != 0
        rest._keys, rest._counts = rest._keys[kept], rest._counts[kept]
        return rest

    def copy(self) -> LogHistogram:
        twin = self._like()
        twin._keys, twin._counts, twin._dense = self.keys.copy(), self.counts.copy(), self._dense.copy()
        return twin

    def _like(self) -> LogHistogram:
        """An empty histogram with this one's mapping and thresholds (without recomputing them)."""
        twin = object.__new__(LogHistogram)
        twin.alpha, twin.thresholds, twin._log_gamma, twin._low, twin._span = self.alpha, self.thresholds, self._log_gamma, self._low, self._span
        twin._keys, twin._counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        twin._pending, twin._pending_size = [], 0
        twin._dense = np.zeros((0, self._dense.shape[1]), dtype=np.int64)
        return twin

    def split(self) -> list[LogHistogram]:
        """One single-group histogram per group (group g becomes group 0 of the g-th), by slicing the
        sorted keys: what a table of many groups hands out one accumulator at a time."""
        keys, counts = self.keys, self.counts
        bounds = np.searchsorted(keys, np.arange(self.groups + 1, dtype=np.int64) * self._span).tolist()
        out = []
        for group in range(self.groups):
            one = self._like()
            start, stop = bounds[group], bounds[group + 1]
            one._keys, one._counts = keys[start:stop] - group * self._span, counts[start:stop].copy()
            one._dense = self._dense[group : group + 1].copy()
            out.append(one)
        return out

    def take(self, groups: np.ndarray | list[int]) -> LogHistogram:
        """A histogram whose group j is this one's group ``groups[j]`` (a group past the last is empty): one
        gather over the sorted keys, what :meth:`stack` of :meth:`split`'s parts gives, without the parts."""
        groups = np.asarray(groups, dtype=np.int64)
        keys, counts = self.keys, self.counts
        starts = np.searchsorted(keys, groups * self._span)
        lengths = np.searchsorted(keys, (groups + 1) * self._span) - starts
        owner = np.repeat(np.arange(len(groups), dtype=np.int64), lengths)
        at = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        taken = self._like()
        taken._keys = keys[at] + (owner - groups[owner]) * self._span
        taken._counts = counts[at]
        dense = np.zeros((len(groups), self._dense.shape[1]), dtype=np.int64)
        inside = groups < len(self._dense)
        dense[inside] = self._dense[groups[inside]]
        taken._dense = dense
        return taken

    @staticmethod
    def stack(parts: list[LogHistogram]) -> LogHistogram:
        """One histogram whose group g is ``parts[g]``'s group 0 (the inverse of :meth:`split`): many groups'
        quantiles then come from one vectorised call each instead of one call per group."""
        stacked = parts[0]._like()
        dense = [part._dense[:1] if part.groups else np.zeros((1, stacked._dense.shape[1]), np.int64) for part in parts]
        stacked._dense = np.concatenate(dense)
        stacked._keys = np.concatenate([part.keys[part.keys < part._span] + g * part._span for g, part in enumerate(parts)])
        stacked._counts = np.concatenate([part.counts[part.keys < part._span] for part in parts])
        return stacked

    def at_most(self, value: float) -> np.ndarray:
        """Per group, the values in the buckets up to ``value``'s own (zeros included): the values ≤ ``value``
        to within the bucketing. Two histograms split at one value this way split exactly alike (a median test)."""
        if not value >= 0:
            raise ValueError(f"a duration to count up to must be 0 or more, not {value}")
        below = self._dense[:, 1].copy()
        if value > 0:
            keys, counts = self.keys, self.counts
            bucket = int(self._bucket(np.array([float(value)]))[0]) - self._low
            kept = keys % self._span <= bucket
            below += np.bincount(keys[kept] // self._span, weights=counts[kept], minlength=self.groups).astype(np.int64)[: self.groups]
        return below

    def median_split(self, other: LogHistogram) -> tuple[tuple[float, float, float], int, int]:
        """For two one-group histograms (a segment and the rest): the pooled 0.5, 0.6 and 0.4 quantiles
        (each as :meth:`quantiles` of their merge gives it) and each side's :meth:`at_most` the pooled
        median — Mood's test — without building the merged histogram (:func:`median_splits`)."""
        values, below_a, below_b = median_splits(GroupBuckets(self), np.zeros(1, np.int64), GroupBuckets(other), np.zeros(1, np.int64))
        median, sixty, forty = values[0].tolist()
        return (median, sixty, forty), int(below_a[0]), int(below_b[0])

    def rollup(self, mapping: np.ndarray) -> LogHistogram:
        """A new histogram of coarser groups: group g is added into ``mapping[g]`` (−1 drops it).

        E.g. segment × period cells → segments, or → one overall group (all zeros).
        """
        mapping = np.asarray(mapping, dtype=np.int64)
        if mapping.shape != (self.groups,):
            raise ValueError(f"the rollup mapping needs one entry per group ({self.groups}), not {mapping.shape}")
        coarse = self._like()
        if np.array_equal(mapping, np.arange(len(mapping))):  # the same groups (a part merged into an empty book): shared, not copied
            coarse._keys, coarse._counts, coarse._dense = self.keys, self.counts, self._dense.copy()
            return coarse
        kept = mapping >= 0
        coarse.reserve(int(mapping.max()) + 1 if kept.any() else 0)
        np.add.at(coarse._dense, mapping[kept], self._dense[kept])
        keys, counts = self.keys, self.counts
        target = mapping[keys // self._span]
        if not kept.all():
            keep = target >= 0
            target, keys, counts = target[keep], keys[keep], counts[keep]
        buckets = keys % self._span
        used = mapping[kept]
        if (used[1:] > used[:-1]).all():  # groups renumbered in their order: the keys stay sorted and distinct
            target *= self._span
            target += buckets
            coarse._keys, coarse._counts = target, counts
        else:
            coarse._keys, coarse._counts = self._summed(target, buckets, counts)
        return coarse

    def _summed(self, groups: np.ndarray, buckets: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted unique keys of these (group, bucket) pairs with their counts added: one weighted ``bincount``
        over their (group, bucket) box when it is small against them, else a sort. ``groups`` is overwritten."""
        if not len(groups):
            return groups, counts
        low_group, low_bucket = int(groups.min()), int(buckets.min())
        width = int(buckets.max()) - low_bucket + 1
        cells = (int(groups.max()) - low_group + 1) * width
        index = groups
        if cells <= max(4 * len(groups), 1 << 16):
            index -= low_group
            index *= width
            index += buckets
            index -= low_bucket
            summed = np.bincount(index, weights=counts, minlength=cells)  # exact below 2⁵³
            del index
            cell = np.flatnonzero(summed)
            return (cell // width + low_group) * self._span + cell % width + low_bucket, summed[cell].astype(np.int64)
        index *= self._span
        index += buckets
        order = np.argsort(index, kind="stable")
        keys, counts = index[order], counts[order]
        del order
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        return keys[starts], np.add.reduceat(counts, starts)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, LogHistogram)
            and (self.alpha, self.thresholds) == (other.alpha, other.thresholds)
            and np.array_equal(self.keys, other.keys) and np.array_equal(self.counts, other.counts)
            and np.array_equal(self._trimmed(), other._trimmed())
        )

    def _trimmed(self) -> np.ndarray:
        """The per-group figures without trailing empty groups (a group slot can exist with nothing added)."""
        used = np.flatnonzero(self._dense[:, 0])
        return self._dense[: used[-1] + 1 if len(used) else 0]

    # -- reading -------------------------------------------------------------------------------
    def _locate(self, rank: np.ndarray) -> np.ndarray:
        """For each group, the index into ``keys`` of the bucket holding the value of 0-based ``rank``; −1 for a zero.

        ``rank`` must be within ``0 … n−1`` of each group.
        """
        cumulative = np.cumsum(self.counts)
        groups = np.arange(self.groups, dtype=np.int64)
        start = np.searchsorted(self.keys, groups * self._span)
        before = np.where(start > 0, cumulative[np.maximum(start - 1, 0)] if len(cumulative) else 0, 0)
        if rank.ndim == 2:  # several ranks per group (quantiles): one search for all
            before = before[:, None]
        among_buckets = rank - (self._dense[:, 1] if rank.ndim == 1 else self._dense[:, 1:2])
        index = np.searchsorted(cumulative, before + among_buckets, side="right") if len(cumulative) else np.zeros(len(rank), dtype=np.int64)
        return np.where(among_buckets < 0, -1, index)

    def _edges(self, index: np.ndarray, where: str) -> np.ndarray:
        """The representative value (``"mid"``) or the lower/upper edge of the buckets at ``index`` (0 for −1)."""
        if not len(self.keys):  # only zeros (or nothing)
            return np.zeros(np.shape(index))
        safe = np.minimum(np.maximum(index, 0), len(self.keys) - 1)  # an empty group's index may point past the end; callers mask it
        bucket = (self.keys[safe] % self._span + self._low).astype(np.float64)
        top = np.exp(bucket * self._log_gamma)
        gamma = math.exp(self._log_gamma)
        value = {"mid": 2 * top / (1 + gamma), "low": top / gamma, "high": top}[where]
        return np.where(index < 0, 0.0, value)

    def quantile(self, q: float) -> np.ndarray:
        """The q-quantile per group, within relative error α of the inverted-CDF sample quantile
        (the order statistic of rank ⌈q·n⌉, as ``numpy.quantile(method="inverted_cdf")``); NaN if empty."""
        if not 0 <= q <= 1:
            raise ValueError(f"a quantile's q must be between 0 and 1, not {q}")
        n = self._dense[:, 0]
        rank = np.clip(np.ceil(n * q).astype(np.int64) - 1, 0, np.maximum(n - 1, 0))
        return np.where(n > 0, self._edges(self._locate(rank), "mid"), np.nan)

    def quantiles(self, qs: tuple[float, ...]) -> np.ndarray:
        """Several quantiles per group at once (groups × len(qs)), each as :meth:`quantile` gives it."""
        if not all(0 <= q <= 1 for q in qs):
            raise ValueError(f"a quantile's q must be between 0 and 1, not {qs}")
        n = self._dense[:, 0:1]
        rank = np.minimum(np.maximum(np.ceil(n * np.array(qs)).astype(np.int64) - 1, 0), np.maximum(n - 1, 0))
        return np.where(n > 0, self._edges(self._locate(rank), "mid"), np.nan)

    def quantile_interval(self, q: float, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
        """A distribution-free interval for the q-quantile per group: ``[X₍l₎, X₍u₎]`` with l and u − 1 the
        Binomial(n, q) quantiles at (1−c)/2 and (1+c)/2, so it covers with probability ≥ c.

        The order statistics are read as their buckets' outer edges (lower edge below, upper edge above),
        so the guarantee survives the bucketing at the cost of ≤ 2α width. Where l would be 0 the lower
        end is 0 (durations are non-negative); where u would exceed n the upper end is ∞ (too few values).
        """
        if not 0 < q < 1 or not 0 < confidence < 1:
            raise ValueError(f"q and confidence must be between 0 and 1 (exclusive), not {q} and {confidence}")
        n = self._dense[:, 0]
        sizes, where = np.unique(n, return_inverse=True)  # once per distinct group size, not per group
        lower_rank = np.array([binomial_quantile(int(k), q, (1 - confidence) / 2) for k in sizes], dtype=np.int64)[where.reshape(-1)]
        upper_rank = np.array([binomial_quantile(int(k), q, (1 + confidence) / 2) + 1 for k in sizes], dtype=np.int64)[where.reshape(-1)]
        last = np.maximum(n - 1, 0)
        low = self._edges(self._locate(np.clip(lower_rank - 1, 0, last)), "low")
        high = self._edges(self._locate(np.clip(upper_rank - 1, 0, last)), "high")
        low = np.where(lower_rank < 1, 0.0, low)
        high = np.where(upper_rank > n, np.inf, high)
        empty = n == 0
        return np.where(empty, np.nan, low), np.where(empty, np.nan, high)



def _insert(keys: np.ndarray, counts: np.ndarray, more: np.ndarray, more_counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted key arrays without repeats, with their counts, as one: counts of equal keys added, the
    other keys inserted in place (new arrays; neither input is changed)."""
    if not len(keys):
        return more, more_counts
    if not len(more):
        return keys, counts
    at = np.searchsorted(keys, more)
    found = at < len(keys)
    found[found] = keys[at[found]] == more[found]
    if found.any():
        counts = counts.copy()
        counts[at[found]] += more_counts[found]
    new = ~found
    if not new.any():
        return keys, counts
    return np.insert(keys, at[new], more[new]), np.insert(counts, at[new], more_counts[new])


class GroupBuckets:
    """A histogram no longer added to, read group by group many times over (the Mood's tests of many
    pairs of groups): its sorted keys and the count of values before each key, built once."""

    def __init__(self, hist: LogHistogram):
        self.hist = hist
        self.keys = hist.keys
        self.below = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(hist.counts)])
        self.n = hist._dense[:, 0]
        self.zeros = hist._dense[:, 1]

    def figures(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and zeros of each of ``groups`` (0 for a group past the last)."""
        inside = groups < len(self.n)
        safe = np.where(inside, groups, 0)
        return np.where(inside, self.n[safe], 0), np.where(inside, self.zeros[safe], 0)

    def up_to(self, groups: np.ndarray, bucket: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Positive values of each group in its buckets up to ``bucket`` (broadcast against ``groups``),
        ``first`` being :attr:`below` at the group's first key."""
        span = self.hist._span
        return self.below[np.searchsorted(self.keys, groups * span + bucket, side="right")] - first


def median_splits(a: GroupBuckets, i: np.ndarray, b: GroupBuckets, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each pair (group ``i[p]`` of ``a``, group ``j[p]`` of ``b``) — a cell and the previous period,
    a segment and its rest: the 0.5, 0.6 and 0.4 quantiles of the two together (pairs × 3, each as
    :meth:`LogHistogram.quantiles` of their merge gives it) and each side's values in the buckets up to the
    pooled median's (:meth:`LogHistogram.at_most`): Mood's test, for all pairs at once.

    The pooled quantile's bucket is found by bisection over the bucket numbers, counting each side's
    values up to a bucket with one search in its sorted keys per step: no merged histogram is built."""
    hist = a.hist
    span = hist._span
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    n_a, zero_a = a.figures(i)
    n_b, zero_b = b.figures(j)
    n, zeros = n_a + n_b, zero_a + zero_b
    qs = np.array([0.5, 0.6, 0.4])
    rank = np.minimum(np.maximum(np.ceil(n[:, None] * qs).astype(np.int64) - 1, 0), np.maximum(n - 1, 0)[:, None]) - zeros[:, None]  # among the buckets
    start_a, stop_a = np.searchsorted(a.keys, i * span), np.searchsorted(a.keys, (i + 1) * span)
    start_b, stop_b = np.searchsorted(b.keys, j * span), np.searchsorted(b.keys, (j + 1) * span)
    first_a, first_b = a.below[start_a][:, None], b.below[start_b][:, None]
    lowest = np.minimum(_bucket_at(a, start_a, stop_a, i, start_a, span), _bucket_at(b, start_b, stop_b, j, start_b, span))
    highest = np.maximum(_bucket_at(a, start_a, stop_a, i, stop_a - 1, -1), _bucket_at(b, start_b, stop_b, j, stop_b - 1, -1))
    low = np.repeat(np.where(lowest > highest, 0, lowest)[:, None], rank.shape[1], axis=1)  # either side's lowest and highest bucket bound the search
    high = np.repeat(np.where(lowest > highest, 0, highest)[:, None], rank.shape[1], axis=1)
    while (low < high).any():  # the smallest bucket holding more than ``rank`` of the pooled positive values
        middle = (low + high) // 2
        more = a.up_to(i[:, None], middle, first_a) + b.up_to(j[:, None], middle, first_b) > rank
        high, low = np.where(more, middle, high), np.where(more, low, middle + 1)
    top = np.exp((low + hist._low).astype(np.float64) * hist._log_gamma)
    values = np.where((rank < 0) | (n - zeros <= 0)[:, None], 0.0, 2 * top / (1 + math.exp(hist._log_gamma)))
    median = values[:, 0]
    positive = median > 0
    split = np.zeros(len(median), dtype=np.int64)
    split[positive] = np.minimum(hist._bucket(median[positive]) - hist._low, span - 1)
    below_a = np.where(positive, zero_a + a.up_to(i, split, first_a[:, 0]), zero_a)
    below_b = np.where(positive, zero_b + b.up_to(j, split, first_b[:, 0]), zero_b)
    return values, below_a, below_b


def _bucket_at(side: GroupBuckets, start: np.ndarray, stop: np.ndarray, groups: np.ndarray, at: np.ndarray, empty: int) -> np.ndarray:
    """The bucket number of each group's key at ``at`` (its first or last), ``empty`` for a group without buckets."""
    found = stop > start
    keys = side.keys[np.where(found, at, 0)] if len(side.keys) else np.zeros(len(at), dtype=np.int64)
    return np.where(found, keys - groups * side.hist._span, empty)
