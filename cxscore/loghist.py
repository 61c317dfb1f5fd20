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
import os
from typing import NamedTuple

import numpy as np

from .stats import binomial_quantile

#: Largest duration accepted (seconds): the sum is kept in whole microseconds below 2⁵³ (≈ 285 years).
MAX_SECONDS = 2.0**53 / 1e6
_MICRO = 1e6
_SPLIT = 2.0**26  # a microsecond count is summed as hi·2²⁶ + lo so per-block float sums stay exact integers
_FIXED = 4  # per-group columns before the threshold counters: n, zeros, Σµs hi, Σµs lo
_BLOCK = 1 << 26  # rows summed by one float bincount at most (2²⁶ rows × parts ≤ 2²⁷ stay within 2⁵³)
_PENDING = 1 << 20  # keys queued before they are sorted into the store at the latest
_DENSE_MIN = 1 << 22  # slots a dense block of counts may always have (16 MB of int32)
_DENSE_PER_VALUE = 16  # beyond that, slots per positive value added (see LogHistogram._add_dense)
_INT32 = (1 << 31) - 1
#: A folder the dense blocks of pickled histograms are handed through, set in worker processes
#: (:func:`cxscore.scan.run_jobs`): a worker's returned book then carries only the block's file, so the
#: worker holds no pickled copy of it and the parent no received bytes beside the block it reads back.
HANDOFF: str | None = None
_HANDOFF_MIN = 1 << 20  # bytes of block below which it travels inside the pickle all the same


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
        self._block: np.ndarray | None = None  # dense int32 counts, group × bucket, while adding (see _add_dense)
        self._block_low = 0  # the bucket of the block's first column
        self._block_values = 0  # values counted in the block (int32 counts cannot overflow below 2³¹)
        self._added = 0  # positive values added, for the dense block's allowance
        self._dense_retry = 0  # values added before the dense block is tried again, once it was refused
        self._projected = 0  # positive values expected in all, when the caller can tell (:meth:`expect`)
        self._running_of: tuple[np.ndarray, np.ndarray, int] | None = None  # (block, its running counts, its values) while read
        self._slot_bound = 0  # no slot of the block holds more (raised by each add's largest increment, tightened when it would outgrow the slots)
        self._lent = False  # the block is shared with a roll-up of the same groups: copied before it is changed
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
        first = int(group_index.min())
        if first < 0:
            raise ValueError("group indices must not be negative")
        self.reserve(int(group_index.max()) + 1)
        local = group_index - first  # the block's groups span first … last: its counters touch only those rows
        size = len(self._dense) - first
        dense = np.zeros((size, self._dense.shape[1]), dtype=np.int64)
        dense[:, 0] = np.bincount(local, minlength=size)
        zero = values == 0
        dense[:, 1] = np.bincount(local[zero], minlength=size)
        for start in range(0, len(values), _BLOCK):
            micros = np.rint(values[start : start + _BLOCK] * _MICRO)
            hi = np.floor(micros / _SPLIT)
            groups = local[start : start + _BLOCK]
            dense[:, 2] += np.bincount(groups, weights=hi, minlength=size).astype(np.int64)
            dense[:, 3] += np.bincount(groups, weights=micros - hi * _SPLIT, minlength=size).astype(np.int64)
        for column, threshold in enumerate(self.thresholds, start=_FIXED):
            dense[:, column] = np.bincount(local[values <= threshold], minlength=size)
        self._dense[first:] += dense
        positive = ~zero
        groups, buckets = group_index[positive], self._bucket(values[positive]) - self._low
        if not len(groups):
            return
        self._added += len(groups)
        if not self._add_dense(groups, buckets):
            self._stage(*self._bucket_counts(groups, buckets))

    def expect(self, share: float) -> None:
        """Say that about ``share`` (0 < share ≤ 1) of the values this histogram will be given have been added (a
        reader knows how much of its part of a file it has read): the dense block's allowance then counts the
        values projected for the whole, added ÷ share, so a block the whole part's values will allow is started
        at once, not after the first blocks were staged as sparse keys, sorted and folded into it. The counts,
        and every result, are the same either way; a block is as large as it would be by the end of the part."""
        if 0 < share <= 1:
            self._projected = int(self._added / share)

    def _add_dense(self, groups: np.ndarray, buckets: np.ndarray) -> bool:
        """Count a block's (group, bucket) pairs into the dense block of counts — one ``bincount`` over the
        codes' range (a sort when they are spread thin), nothing to merge — while the block, grown to hold
        them, stays within its allowance: 2²² slots, or 16 a positive value added so far (or expected in all,
        when :meth:`expect` was told). A sparse key with its count takes 16 bytes and a slot 1 to 4
        (:meth:`_widen`), and a cell's values fill its buckets as
        they grow, so past the allowance the block's memory is flat where the store's would keep growing.
        When the block is started the sparse store and its queued pieces are folded into it, a piece at a
        time (not sorted together first: that was a reader's peak at 10M tickets); when it would outgrow the
        allowance it goes to the sparse store and the pairs are staged there (False), to try again after a
        quarter more values. The counts are the same either way, and so are the results."""
        block = self._block
        self._running_of = None
        expected = max(self._added, self._projected)  # the values the block's allowance counts
        if block is None and expected < self._dense_retry:
            return False
        low, high = int(buckets.min()), int(buckets.max())
        rows = int(groups.max()) + 1
        pieces = [piece for piece in ((self._keys, self._counts), *self._pending) if len(piece[0])] if block is None else []
        for keys, _ in pieces:  # each sorted, without repeats
            rows = max(rows, int(keys[-1]) // self._span + 1)
            in_group = keys % self._span
            low, high = min(low, int(in_group.min())), max(high, int(in_group.max()))
            del in_group
        stored = sum(int(counts.sum()) for _, counts in pieces)
        if block is not None:
            start, stop = min(low, self._block_low), max(high + 1, self._block_low + block.shape[1])
            if (start, stop) != (self._block_low, self._block_low + block.shape[1]):
                start, stop = max(start - 16, 0), min(stop + 16, self._span)  # a margin: widening copies the block
            rows = max(rows, len(block))
        else:
            start, stop = max(low - 16, 0), min(high + 17, self._span)
        allowance = max(_DENSE_MIN, _DENSE_PER_VALUE * expected) // (stop - start)  # rows the block may have
        if rows > allowance or self._block_values + len(groups) + stored > _INT32:
            if block is not None:
                self._stage(*self._block_pairs())
            self._dense_retry = expected + expected // 4
            return False
        if block is None or rows > len(block) or (start, stop) != (self._block_low, self._block_low + block.shape[1]):
            capacity = max(rows, min(rows + rows // 4, allowance)) if block is None or rows > len(block) else len(block)  # rows to spare: growing copies
            grown = np.zeros((capacity, stop - start), dtype=np.uint8 if block is None else block.dtype)
            if block is not None:
                grown[: len(block), self._block_low - start : self._block_low - start + block.shape[1]] = block
            self._block, self._block_low, block = grown, start, grown
        if self._lent:
            block = self._block = block.copy()
            self._lent = False
        width = block.shape[1]
        flat = block.reshape(-1)
        if pieces:  # the store and the queued pieces, each one scatter (a piece's keys are distinct), each let go once in
            self._keys, self._counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
            self._pending, self._pending_size = [], 0
            while pieces:
                keys, counts = pieces.pop()
                block, flat = self._widen(int(counts.max()))
                cell = keys // self._span * width + keys % self._span - self._block_low
                flat[cell] += counts.astype(block.dtype)
                del keys, counts, cell
            self._block_values = stored
        codes = groups * width
        codes += buckets
        codes -= self._block_low
        first, last = int(codes.min()), int(codes.max())
        if last - first < max(8 * len(codes), 1 << 16):
            codes -= first
            more = np.bincount(codes, minlength=last - first + 1)
            block, flat = self._widen(int(more.max()))
            flat[first : last + 1] += more.astype(block.dtype)
        else:
            codes, counts = _distinct_counts(codes, last + 1)
            block, flat = self._widen(int(counts.max()))
            flat[codes] += counts.astype(block.dtype)
        self._block_values += len(groups)
        return True

    def _room(self, most: int) -> np.dtype:
        """Make room for ``most`` more in any slot of the block: the bound on its slots raised by ``most`` (first
        tightened to its largest slot when it would outgrow the block's slots: the sum of each add's largest
        increment overstates it many times) and the slots it then needs — the block's own, or wider, never
        narrower."""
        block = self._block
        assert block is not None
        if block.dtype != np.int32 and self._slot_bound + most > np.iinfo(block.dtype).max:
            self._slot_bound = int(block.max(initial=0))
        self._slot_bound += most
        wanted = _slots(self._slot_bound)
        return wanted if wanted.itemsize > block.dtype.itemsize else block.dtype

    def _widen(self, most: int) -> tuple[np.ndarray, np.ndarray]:
        """The block (and its flat view) able to take ``most`` more in any slot: 8-bit slots while no slot can pass
        255 (a reader's block at 10M tickets: ~14 MB a metric, not 28 or 56), then 16-bit to 65,535, else 32-bit."""
        wanted = self._room(most)
        block = self._block
        assert block is not None
        if wanted != block.dtype:
            block = self._block = block.astype(wanted)
        return block, block.reshape(-1)

    def _own(self, most: int) -> np.ndarray:
        """The block, this histogram's own (a lent one copied) and able to take ``most`` more in any slot (see
        :meth:`_widen`), before counts are added into it in place."""
        wanted = self._room(most)
        block = self._block
        assert block is not None
        if wanted != block.dtype or self._lent:
            block = self._block = block.astype(wanted)
            self._lent = False
        return block

    def _grown(self, rows: int, start: int, stop: int, most: int) -> np.ndarray:
        """A new block of ``rows`` × buckets ``start … stop-1`` holding this one's counts (if any), in slots able
        to take ``most`` more each (see :meth:`_widen`); it becomes this histogram's block."""
        mine = self._block
        if mine is None:
            self._slot_bound = most
        dtype = _slots(most) if mine is None else self._room(most)
        grown = np.zeros((rows, stop - start), dtype=dtype)
        if mine is not None:
            grown[: len(mine), self._block_low - start : self._block_low - start + mine.shape[1]] = mine
        self._block, self._block_low, self._lent = grown, start, False
        return grown

    def _block_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """The dense block's non-zero counts as sorted keys with counts (int64), the block then dropped."""
        block, self._block, self._block_values, self._running_of, self._slot_bound = self._block, None, 0, None, 0
        assert block is not None
        flat = block.reshape(-1)
        cell = np.flatnonzero(flat)
        counts = flat[cell].astype(np.int64)
        width = block.shape[1]
        keys = cell // width
        keys *= self._span
        keys += cell % width + self._block_low
        return keys, counts

    def _bucket_counts(self, groups: np.ndarray, buckets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sorted unique keys with their counts: one ``bincount`` over the block's (group, bucket) box when
        it is small against the block (no sort), else sorted (:func:`_distinct_counts`)."""
        if not len(groups):
            return groups, groups
        low_group, low_bucket = int(groups.min()), int(buckets.min())
        width = int(buckets.max()) - low_bucket + 1
        cells = (int(groups.max()) - low_group + 1) * width
        if cells > max(8 * len(groups), 1 << 16):  # beyond ~8 cells a value, zeroing and scanning the box costs more than a sort
            keys = groups * self._span
            keys += buckets
            return _distinct_counts(keys, (int(groups.max()) + 1) * self._span)
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
        if self._block is not None:
            self._pending.append(self._block_pairs())
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
        self._added += other._added
        if not self._merge_dense(other):
            self._stage(other.keys, other.counts)  # keys and counts are never changed in place: shared, not copied
        return self

    def merge_rows(self, other: LogHistogram, rows: np.ndarray, source: np.ndarray) -> LogHistogram:
        """Add the other histogram's groups ``source`` into this one's groups ``rows`` (distinct: a part's
        groups numbered as the book's rows); returns self. Two dense blocks are added row into row, a slice of
        rows at a time — no renumbered copy of the part's block is made first; else as ``merge`` of
        ``other.rollup`` (the same counts either way)."""
        self._check_compatible(other)
        rows, source = np.asarray(rows, dtype=np.int64), np.asarray(source, dtype=np.int64)
        if not len(rows):
            return self
        theirs, mine = other._block, self._block
        empty = mine is None and not len(self._keys) and not self._pending
        if theirs is not None and other._only_block and (self._only_block or empty):
            inside = source < len(theirs)
            into, taken = rows[inside], source[inside]
            values = int(theirs[taken].sum(dtype=np.int64)) if len(taken) else 0
            start, stop = other._block_low, other._block_low + theirs.shape[1]
            height = int(into.max()) + 1 if len(into) else 0
            if mine is not None:
                start, stop = min(start, self._block_low), max(stop, self._block_low + mine.shape[1])
                height = max(height, len(mine))
            added = self._added + other._added
            if height * (stop - start) <= max(_DENSE_MIN, _DENSE_PER_VALUE * added) and self._block_values + values <= _INT32:
                self.reserve(int(rows.max()) + 1)
                other.reserve(int(source.max()) + 1)
                self._dense[rows] += other._dense[source]
                self._added, self._running_of = added, None
                most = int(theirs[taken].max(initial=0)) if len(taken) < len(theirs) else int(theirs.max(initial=0))  # the most a slot gains
                if mine is None or height > len(mine) or (start, stop) != (self._block_low, self._block_low + mine.shape[1]):
                    mine = self._grown(height, start, stop, most)
                else:
                    mine = self._own(most)
                offset = other._block_low - self._block_low
                for at in range(0, len(into), 4096):  # in slices: no copy of a whole block at once
                    mine[into[at : at + 4096], offset : offset + theirs.shape[1]] += theirs[taken[at : at + 4096]].astype(mine.dtype, copy=False)
                self._block_values += values
                return self
        mapping = np.full(max(other.groups, int(source.max()) + 1), -1, dtype=np.int64)
        mapping[source] = rows
        other.reserve(len(mapping))
        return self.merge(other.rollup(mapping))

    def __getstate__(self) -> dict:
        """A worker's histogram as it travels to the parent: the dense block without its spare rows, in a
        file of the :data:`HANDOFF` folder when there is one (read back and deleted by :meth:`__setstate__`).
        Pickled with it, two workers' blocks of 100–200 MB each were copied into their pickles at once."""
        state = self.__dict__.copy()
        state["_running_of"] = None  # a reading aid, not part of the counts
        block = self._block
        if block is not None:
            block = state["_block"] = block[: self.groups] if len(block) > self.groups else block
            if HANDOFF is not None and block.nbytes >= _HANDOFF_MIN:
                state["_block"] = _StoredBlock.write(block, HANDOFF) or block
        return state

    def __setstate__(self, state: dict) -> None:
        if isinstance(state.get("_block"), _StoredBlock):
            state["_block"] = state["_block"].read()
        self.__dict__.update(state)

    @property
    def _only_block(self) -> bool:
        """Whether all bucket counts are in the dense block (none in the sparse store or queued)."""
        return self._block is not None and not len(self._keys) and not self._pending

    def _merge_dense(self, other: LogHistogram) -> bool:
        """Add another histogram's dense block into this one's, slot by slot (the parent merging its
        workers' parts), when both hold their counts in blocks only (or this one nothing yet) and the
        sum stays within the allowance (see :meth:`_add_dense`); False to merge through sparse keys."""
        if not other._only_block or not (self._only_block or (self._block is None and not len(self._keys) and not self._pending)):
            return False
        theirs = other._block
        assert theirs is not None
        mine, self._running_of = self._block, None
        if mine is None:
            start, stop, rows = other._block_low, other._block_low + theirs.shape[1], len(theirs)
        else:
            start, stop = min(self._block_low, other._block_low), max(self._block_low + mine.shape[1], other._block_low + theirs.shape[1])
            rows = max(len(mine), len(theirs))
        if rows * (stop - start) > max(_DENSE_MIN, _DENSE_PER_VALUE * self._added) or self._block_values + other._block_values > _INT32:
            if mine is not None:
                self._stage(*self._block_pairs())
            return False
        most = int(theirs.max(initial=0))  # the most a slot gains
        if mine is None or rows > len(mine) or (start, stop) != (self._block_low, self._block_low + mine.shape[1]):
            mine = self._grown(rows, start, stop, most)
        else:
            mine = self._own(most)
        mine[: len(theirs), other._block_low - start : other._block_low - start + theirs.shape[1]] += theirs.astype(mine.dtype, copy=False)
        self._block_values += other._block_values
        return True

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
        twin._block, twin._block_low, twin._block_values, twin._added, twin._dense_retry = None, 0, 0, 0, 0
        twin._projected = 0
        twin._running_of = None
        twin._slot_bound = 0
        twin._lent = False
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
        if self._only_block:
            return self._take_dense(groups)
        keys, counts = self.keys, self.counts
        if len(groups) == self.groups and np.array_equal(groups, np.arange(len(groups))):  # every group in order: shared, not gathered
            taken = self._like()
            taken._keys, taken._counts, taken._dense = keys, counts, self._dense.copy()
            return taken
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

    def _take_dense(self, groups: np.ndarray) -> LogHistogram:
        """:meth:`take` of a histogram whose counts are all in its dense block: the block's rows gathered."""
        block = self._block
        assert block is not None
        if len(groups) == self.groups and np.array_equal(groups, np.arange(len(groups))):  # every group in order: the block lent, not copied
            return self.rollup(groups)
        taken = self._like()
        dense = np.zeros((len(groups), self._dense.shape[1]), dtype=np.int64)
        inside = groups < len(self._dense)
        dense[inside] = self._dense[groups[inside]]
        taken._dense = dense
        moved = np.zeros((len(groups), block.shape[1]), dtype=block.dtype)
        inside = groups < len(block)
        moved[inside] = block[groups[inside]]
        taken._block, taken._block_low, taken._added, taken._slot_bound = moved, self._block_low, self._added, self._slot_bound
        taken._block_values = int(moved.sum(dtype=np.int64))
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
        if value > 0 and self._only_block:
            bucket = int(self._bucket(np.array([float(value)]))[0]) - self._low
            running = self._running()
            column = bucket - self._block_low
            if column >= 0 and len(running):
                below[: len(running)] += running[:, min(column, running.shape[1] - 1)]
        elif value > 0:
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
        if self._only_block:
            self._rollup_dense(mapping, coarse)
            return coarse
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

    def _rollup_dense(self, mapping: np.ndarray, coarse: LogHistogram) -> None:
        """:meth:`rollup` of a histogram whose counts are all in its dense block, into a dense block: rows moved
        when no two groups go into one (a part's groups renumbered as the book's rows), else added (cells into
        agents, weeks or one overall group) — no sparse keys are made, and the coarse block is no larger."""
        kept = np.flatnonzero(mapping >= 0)
        targets = mapping[kept]
        block = self._block
        assert block is not None
        if len(targets) == self.groups and np.array_equal(targets, np.arange(self.groups)):
            # the same groups (a roll-up of the cells themselves): the block lent, copied by whichever is changed first
            coarse._dense, coarse._block, coarse._block_low, coarse._added = self._dense.copy(), block, self._block_low, self._added
            coarse._block_values, coarse._slot_bound, coarse._lent, self._lent = self._block_values, self._slot_bound, True, True
            return
        coarse.reserve(int(targets.max()) + 1 if len(targets) else 0)
        coarse._dense = _rows_added(self._dense, kept, targets, len(coarse._dense))
        inside = kept < len(block)
        moved = _rows_added(block, kept[inside], targets[inside], len(coarse._dense))
        coarse._block, coarse._block_low, coarse._added = moved, self._block_low, self._added
        coarse._block_values = coarse._slot_bound = int(moved.sum(dtype=np.int64))  # 32-bit slots: the bound only has to hold

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
        """For each group, the bucket (``keys`` numbering: bucket − lowest bucket) holding the value of
        0-based ``rank``; −1 for a zero. Read from the dense block's running counts when all counts are in
        it (:meth:`_search`), else from the sorted keys.

        ``rank`` must be within ``0 … n−1`` of each group (an empty group's answer is meaningless: callers mask it).
        """
        among_buckets = rank - (self._dense[:, 1] if rank.ndim == 1 else self._dense[:, 1:2])
        if self._only_block:
            rows = np.arange(self.groups, dtype=np.int64)
            bucket = self._search(rows if rank.ndim == 1 else rows[:, None], among_buckets)
            return np.where(among_buckets < 0, -1, bucket)
        cumulative = np.cumsum(self.counts)
        if not len(cumulative):  # only zeros (or nothing): no positive rank to find
            return np.where(among_buckets < 0, -1, 0)
        groups = np.arange(self.groups, dtype=np.int64)
        start = np.searchsorted(self.keys, groups * self._span)
        before = np.where(start > 0, cumulative[np.maximum(start - 1, 0)], 0)
        if rank.ndim == 2:  # several ranks per group (quantiles): one search for all
            before = before[:, None]
        index = np.searchsorted(cumulative, before + among_buckets, side="right")
        safe = np.minimum(np.maximum(index, 0), len(self.keys) - 1)  # an empty group's index may point past the end; callers mask it
        return np.where(among_buckets < 0, -1, self.keys[safe] % self._span)

    def _running(self) -> np.ndarray:
        """The dense block's running counts along the buckets, made once per state of the block and kept while it
        is read, in the narrowest counts that hold the most positive values of a group (16-bit for the agent ×
        week cells at 10M tickets: half the memory of 32-bit; no row holds more than 2³¹ − 1 values)."""
        block = self._block
        assert block is not None
        kept = self._running_of
        if kept is None or kept[0] is not block or kept[2] != self._block_values:
            most = int((self._dense[:, 0] - self._dense[:, 1]).max(initial=0))  # a group's positive values: its row's sum
            running = np.cumsum(block[: self.groups], axis=1, dtype=_slots(most))
            kept = self._running_of = (block, running, self._block_values)
        return kept[1]

    def _search(self, rows: np.ndarray, among: np.ndarray) -> np.ndarray:
        """Per entry, the bucket (``keys`` numbering) of row ``rows``'s positive value of 0-based rank ``among``
        (broadcast together): the first column whose running count exceeds it, found by bisection over the
        block's columns (a few gathers, no sort, no keys). A row past the block, or a rank past the row's
        positive values, gives the bucket after the block's last (callers mask such entries)."""
        running = self._running()
        rows, among = np.broadcast_arrays(np.asarray(rows, dtype=np.int64), np.asarray(among, dtype=np.int64))
        inside = rows < len(running)
        rows = np.where(inside, rows, 0)
        width = running.shape[1]
        low = np.zeros(rows.shape, dtype=np.int64)
        high = np.where(inside, width, 0)
        while True:
            open_ = low < high
            if not open_.any():
                break
            middle = (low + high) // 2
            more = running[rows, np.minimum(middle, width - 1)] > among
            high = np.where(open_ & more, middle, high)
            low = np.where(open_ & ~more, middle + 1, low)
        return np.where(inside, low, width) + self._block_low

    def _edges(self, bucket: np.ndarray, where: str) -> np.ndarray:
        """The representative value (``"mid"``) or the lower/upper edge of these buckets (0 for −1)."""
        top = np.exp((np.maximum(bucket, 0) + self._low).astype(np.float64) * self._log_gamma)
        gamma = math.exp(self._log_gamma)
        value = {"mid": 2 * top / (1 + gamma), "low": top / gamma, "high": top}[where]
        return np.where(bucket < 0, 0.0, value)

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



def _slots(most: int) -> np.dtype:
    """The narrowest counts that hold ``most``: 8-bit, 16-bit or 32-bit (a block's or running counts' slots)."""
    return np.dtype(np.uint8 if most <= 0xFF else np.uint16 if most <= 0xFFFF else np.int32)


class _StoredBlock(NamedTuple):
    """A dense block of int32 counts written to a file (the rows are contiguous: written without a copy)."""

    path: str
    shape: tuple[int, int]
    dtype: str = "int32"

    @staticmethod
    def write(block: np.ndarray, folder: str) -> _StoredBlock | None:
        """The block in a new file of ``folder``; None when it cannot be written (it then travels pickled)."""
        import tempfile

        try:
            fd, path = tempfile.mkstemp(suffix=".int32", dir=folder)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "wb") as out:
                np.ascontiguousarray(block).tofile(out)
        except OSError:
            os.unlink(path)
            return None
        return _StoredBlock(path, (int(block.shape[0]), int(block.shape[1])), block.dtype.str)

    def read(self) -> np.ndarray:
        """The block, its file then deleted (a block is read back once, where it was sent)."""
        try:
            return np.fromfile(self.path, dtype=np.dtype(self.dtype), count=self.shape[0] * self.shape[1]).reshape(self.shape)
        finally:
            os.unlink(self.path)


def _rows_added(source: np.ndarray, rows: np.ndarray, targets: np.ndarray, size: int) -> np.ndarray:
    """A new array of ``size`` rows whose row t is the sum of ``source``'s ``rows[k]`` with ``targets[k]`` = t
    (in ``source``'s dtype: the callers' sums fit it). Integer sums, so exact in any order: rows are moved
    when each target has one, else summed a target at a time when targets are few (one overall group,
    agents, weeks), else a rank at a time (the first row of every target, then the second, …)."""
    out = np.zeros((size, source.shape[1]), dtype=np.promote_types(source.dtype, np.int32))
    if not len(rows):
        return out
    order = np.argsort(targets, kind="stable")
    ordered = targets[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]]))
    sizes = np.diff(np.append(starts, len(order)))
    if len(starts) == len(order):
        out[targets] = source[rows]
    elif len(starts) <= int(sizes.max()):
        for start, stop in zip(starts.tolist(), (starts + sizes).tolist()):
            total = out[ordered[start]]
            for at in range(start, stop, 4096):  # in slices: no copy of a whole block at once
                total += source[rows[order[at : min(stop, at + 4096)]]].sum(axis=0, dtype=out.dtype)
    else:
        rank = np.arange(len(order)) - np.repeat(starts, sizes)
        by_rank = order[np.argsort(rank, kind="stable")]
        bounds = np.cumsum(np.bincount(rank)).tolist()
        for start, stop in zip([0, *bounds[:-1]], bounds):
            chosen = by_rank[start:stop]  # at most one row per target
            out[targets[chosen]] += source[rows[chosen]]
    return out


#: Codes below this are sorted by their two 16-bit halves (:func:`_distinct_counts`); larger ones by comparison.
_RADIX_BOUND = 1 << 32


def _distinct_counts(codes: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_counts=True)`` for non-negative int64 codes below ``bound``: the distinct codes in
    order with how often each occurs. Below 2³² the codes are ordered by their low, then their high 16 bits with
    NumPy's stable sort of 16-bit keys (a radix sort, linear), about half a comparison sort's time on a block of
    adds (131,072 (group, bucket) codes: 1.7 against 6 ms)."""
    if bound > _RADIX_BOUND or len(codes) < 2:
        return np.unique(codes, return_counts=True)
    order = np.argsort(codes.astype(np.uint16), kind="stable")  # the low 16 bits (astype keeps them)
    if bound > 1 << 16:
        high = (codes >> 16).astype(np.uint16)
        order = order[np.argsort(high[order], kind="stable")]
    ordered = codes[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(starts, append=len(ordered))
    return ordered[starts], counts


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
    pairs of groups): its dense block's running counts when all its counts are in the block (each count
    up to a bucket is then one gather), else its sorted keys and the count of values before each key,
    built once. Buckets are numbered as in ``keys`` (bucket − lowest bucket)."""

    def __init__(self, hist: LogHistogram):
        self.hist = hist
        self.n = hist._dense[:, 0]
        self.zeros = hist._dense[:, 1]
        self.dense = hist._only_block
        if self.dense:
            self.running = hist._running()
            self.totals = self.running[:, -1].astype(np.int64) if self.running.shape[1] else np.zeros(len(self.running), dtype=np.int64)
        else:
            self.keys = hist.keys
            self.below = np.concatenate([np.zeros(1, dtype=np.int64), np.cumsum(hist.counts)])

    def figures(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and zeros of each of ``groups`` (0 for a group past the last)."""
        inside = groups < len(self.n)
        safe = np.where(inside, groups, 0)
        return np.where(inside, self.n[safe], 0), np.where(inside, self.zeros[safe], 0)

    def first(self, groups: np.ndarray) -> np.ndarray:
        """Per group, what :meth:`up_to` and :meth:`own` take to start from (the sorted keys' count before
        the group's first key; nothing for a dense block)."""
        if self.dense:
            return np.zeros(len(groups), dtype=np.int64)
        return self.below[np.searchsorted(self.keys, groups * self.hist._span)]

    def up_to(self, groups: np.ndarray, bucket: np.ndarray, first: np.ndarray) -> np.ndarray:
        """Positive values of each group in its buckets up to ``bucket`` (1-D, one per group), ``first`` from :meth:`first`."""
        if self.dense:
            running = self.running
            inside = groups < len(running)
            column = bucket - self.hist._block_low
            found = running[np.where(inside, groups, 0), np.clip(column, 0, running.shape[1] - 1)] if running.size else 0
            return np.where(inside & (column >= 0), found, 0).astype(np.int64)
        return self.below[np.searchsorted(self.keys, groups * self.hist._span + bucket, side="right")] - first

    def ends(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each group's lowest and highest bucket holding a value (span and −1 for a group without any)."""
        span = self.hist._span
        if self.dense:
            inside = groups < len(self.running)
            totals = np.where(inside, self.totals[np.where(inside, groups, 0)], 0)
            found = totals > 0
            lowest = self.hist._search(groups, np.zeros(len(groups), dtype=np.int64))
            highest = self.hist._search(groups, np.maximum(totals - 1, 0))
            return np.where(found, lowest, span), np.where(found, highest, -1)
        start, stop = np.searchsorted(self.keys, groups * span), np.searchsorted(self.keys, (groups + 1) * span)
        found = stop > start
        if not len(self.keys):
            return np.full(len(groups), span, dtype=np.int64), np.full(len(groups), -1, dtype=np.int64)
        lowest = self.keys[np.where(found, start, 0)] - groups * span
        highest = self.keys[np.where(found, stop - 1, 0)] - groups * span
        return np.where(found, lowest, span), np.where(found, highest, -1)

    def own(self, groups: np.ndarray, n: np.ndarray, zeros: np.ndarray, first: np.ndarray, qs: np.ndarray) -> np.ndarray:
        """Each group's own q-quantiles (groups × len(qs)) as bucket numbers, −1 where the quantile is a zero
        (meaningless for an empty group, which callers mask)."""
        rank = np.ceil(n[:, None] * qs).astype(np.int64) - 1 - zeros[:, None]  # among the group's positive values
        if self.dense:
            return np.where(rank < 0, -1, self.hist._search(groups[:, None], np.maximum(rank, 0)))
        if not len(self.keys):
            return np.full(rank.shape, -1, dtype=np.int64)
        at = np.clip(np.searchsorted(self.below, first[:, None] + np.maximum(rank, 0), side="right") - 1, 0, len(self.keys) - 1)
        return np.where(rank < 0, -1, self.keys[at] - groups[:, None] * self.hist._span)


def median_splits(a: GroupBuckets, i: np.ndarray, b: GroupBuckets, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each pair (group ``i[p]`` of ``a``, group ``j[p]`` of ``b``) — a cell and the previous period,
    a segment and its rest: the 0.5, 0.6 and 0.4 quantiles of the two together (pairs × 3, each as
    :meth:`LogHistogram.quantiles` of their merge gives it) and each side's values in the buckets up to the
    pooled median's (:meth:`LogHistogram.at_most`): Mood's test, for all pairs at once.

    The pooled quantile's bucket is found by bisection over the bucket numbers, counting each side's
    values up to a bucket with one gather in its dense block's running counts (or one search in its sorted
    keys) per step: no merged histogram is built."""
    hist = a.hist
    span = hist._span
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    n_a, zero_a = a.figures(i)
    n_b, zero_b = b.figures(j)
    n, zeros = n_a + n_b, zero_a + zero_b
    qs = np.array([0.5, 0.6, 0.4])
    rank = np.minimum(np.maximum(np.ceil(n[:, None] * qs).astype(np.int64) - 1, 0), np.maximum(n - 1, 0)[:, None]) - zeros[:, None]  # among the buckets
    first_a, first_b = a.first(i), b.first(j)
    (low_a, high_a), (low_b, high_b) = a.ends(i), b.ends(j)
    lowest, highest = np.minimum(low_a, low_b), np.maximum(high_a, high_b)
    lowest, highest = np.where(lowest > highest, 0, lowest)[:, None], np.where(lowest > highest, 0, highest)[:, None]
    # The pooled q-quantile lies between the two sides' own q-quantiles (each side's count up to the larger
    # reaches its share, and below the smaller neither does): the search starts from that bracket.
    own_a, own_b = a.own(i, n_a, zero_a, first_a, qs), b.own(j, n_b, zero_b, first_b, qs)
    has_a, has_b = (n_a > 0)[:, None], (n_b > 0)[:, None]
    low = np.maximum(lowest, np.minimum(np.where(has_a, own_a, highest), np.where(has_b, own_b, highest)))
    high = np.minimum(highest, np.maximum(np.where(has_a, own_a, lowest), np.where(has_b, own_b, lowest)))
    low = np.minimum(low, high)
    low, high, ranks = low.reshape(-1), high.reshape(-1), rank.reshape(-1)
    pair = np.repeat(np.arange(len(i)), rank.shape[1])
    active = np.flatnonzero(low < high)
    while len(active):  # the smallest bucket holding more than ``rank`` of the pooled positive values, only where still open
        at = pair[active]
        middle = (low[active] + high[active]) // 2
        more = a.up_to(i[at], middle, first_a[at]) + b.up_to(j[at], middle, first_b[at]) > ranks[active]
        high[active] = np.where(more, middle, high[active])
        low[active] = np.where(more, low[active], middle + 1)
        active = active[low[active] < high[active]]
    low = low.reshape(rank.shape)
    top = np.exp((low + hist._low).astype(np.float64) * hist._log_gamma)
    values = np.where((rank < 0) | (n - zeros <= 0)[:, None], 0.0, 2 * top / (1 + math.exp(hist._log_gamma)))
    median = values[:, 0]
    positive = median > 0
    split = np.zeros(len(median), dtype=np.int64)
    split[positive] = np.minimum(hist._bucket(median[positive]) - hist._low, span - 1)
    below_a = np.where(positive, zero_a + a.up_to(i, split, first_a), zero_a)
    below_b = np.where(positive, zero_b + b.up_to(j, split, first_b), zero_b)
    return values, below_a, below_b
