"""Tallies: the additive summary every score is computed from.

A :class:`Tally` holds, for one metric in one group (segment × period), the number of answers
at each scale point (raw and weighted), the sum of squared weights and the counts of blank and
invalid answers. Tallies add, so chunks, files and workers can be summed in any order and give
exactly the result of a one-shot run.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from collections.abc import Callable, Hashable

import numpy as np

from .normalize import BLANK, INVALID, EncodedColumn

#: How many distinct invalid texts are kept per metric as examples (the smallest, so merging is order-free).
EXAMPLES_KEPT = 5

GroupKey = Hashable


def _memoised(method: Callable) -> property:
    """A property computed once per tally (a breakdown asks for n and n_eff many times); ``+=`` forgets it.

    Unlike functools.cached_property, it takes no lock (Python 3.11 locks every first access).
    """
    name = method.__name__

    def get(self):
        memo = self.__dict__
        if name not in memo:
            memo[name] = method(self)
        return memo[name]

    return property(get, doc=method.__doc__)


@dataclass
class Tally:
    """Counts for one metric in one group."""

    counts: np.ndarray  # int64, answers per scale point
    weighted: np.ndarray  # float64, summed weights per scale point
    weights_sq: float = 0.0  # sum of squared weights of the answered rows
    blank: int = 0
    invalid: int = 0

    @classmethod
    def empty(cls, points: int) -> Tally:
        return cls(np.zeros(points, dtype=np.int64), np.zeros(points, dtype=np.float64))

    @_memoised
    def n(self) -> int:
        """Answered (valid) responses."""
        return int(self.counts.sum())

    @_memoised
    def weight_total(self) -> float:
        return float(self.weighted.sum())

    @_memoised
    def n_eff(self) -> float:
        """Kish effective sample size, (Σw)² / Σw²; equals n when every weight is 1."""
        return self.weight_total**2 / self.weights_sq if self.weights_sq else 0.0

    def copy(self) -> Tally:
        return Tally(self.counts.copy(), self.weighted.copy(), self.weights_sq, self.blank, self.invalid)

    def __sub__(self, other: Tally) -> Tally:
        """This tally without another that is part of it (the rest of the population besides a segment)."""
        return Tally(self.counts - other.counts, self.weighted - other.weighted, self.weights_sq - other.weights_sq, self.blank - other.blank, self.invalid - other.invalid)

    def __iadd__(self, other: Tally) -> Tally:
        for stale in ("n", "weight_total", "n_eff", "_summaries"):  # memoised numbers and summaries (metrics.summary)
            self.__dict__.pop(stale, None)
        self.counts += other.counts
        self.weighted += other.weighted
        self.weights_sq += other.weights_sq
        self.blank += other.blank
        self.invalid += other.invalid
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Tally)
            and np.array_equal(self.counts, other.counts)
            and np.allclose(self.weighted, other.weighted, rtol=1e-12, atol=0)
            and np.isclose(self.weights_sq, other.weights_sq, rtol=1e-12, atol=0)
            and (self.blank, self.invalid) == (other.blank, other.invalid)
        )


def _keep_examples(examples: Counter) -> Counter:
    return Counter({text: examples[text] for text in sorted(examples)[:EXAMPLES_KEPT]})


class _Table:
    """One metric's tallies for all groups, as rows of growing arrays (vectorised adds)."""

    def __init__(self, points: int):
        self.points = points
        self.rows: dict[GroupKey, int] = {}
        self.counts = np.zeros((8, points), dtype=np.int64)
        self.weighted = np.zeros((8, points), dtype=np.float64)
        self.extra = np.zeros((8, 3), dtype=np.float64)  # weights², blank, invalid

    def row_indices(self, groups: list[GroupKey]) -> np.ndarray:
        for group in groups:
            if group not in self.rows:
                self.rows[group] = len(self.rows)
        if len(self.rows) > len(self.counts):
            size = max(len(self.rows), 2 * len(self.counts))
            self.counts = _grow(self.counts, size)
            self.weighted = _grow(self.weighted, size)
            self.extra = _grow(self.extra, size)
        return np.fromiter((self.rows[g] for g in groups), dtype=np.int64, count=len(groups))

    def tally(self, row: int) -> Tally:
        extra = self.extra[row]
        return Tally(self.counts[row].copy(), self.weighted[row].copy(), float(extra[0]), int(extra[1]), int(extra[2]))


def _grow(array: np.ndarray, rows: int) -> np.ndarray:
    grown = np.zeros((rows, array.shape[1]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown


class TallyBook:
    """All tallies of a run, keyed by (metric name, group key), plus invalid-answer examples per metric."""

    def __init__(self, points: dict[str, int]):
        self.points = points
        self._tables = {metric: _Table(k) for metric, k in points.items()}
        self.invalid_examples: dict[str, Counter] = {}

    @property
    def tallies(self) -> dict[tuple[str, GroupKey], Tally]:
        """Every tally as an object (copies)."""
        return {(metric, group): table.tally(row) for metric, table in self._tables.items() for group, row in table.rows.items()}

    def size(self) -> int:
        """The most groups any one metric has a tally for (cheap: no set is built)."""
        return max((len(table.rows) for table in self._tables.values()), default=0)

    def groups(self) -> set[GroupKey]:
        """Every group key with a tally, over all metrics."""
        return {group for table in self._tables.values() for group in table.rows}

    def tally(self, metric: str, group: GroupKey) -> Tally:
        table = self._tables[metric]
        row = table.rows.get(group)
        return Tally.empty(table.points) if row is None else table.tally(row)

    def add(
        self,
        metric: str,
        encoded: EncodedColumn,
        groups: list[GroupKey],
        group_index: np.ndarray | None = None,
        weights: np.ndarray | None = None,
    ) -> None:
        """Add one chunk of codes; ``group_index[i]`` says which of ``groups`` row i belongs to (groups may repeat)."""
        table = self._tables[metric]
        width = table.points + 2  # the slots of EncodedColumn: INVALID, BLANK, then the scale points
        slots = encoded.slots if group_index is None else group_index * width + encoded.slots
        size = len(groups) * width
        counts = np.bincount(slots, minlength=size).reshape(len(groups), width)
        if weights is None:
            weighted = counts[:, 2:].astype(np.float64)
            squares = weighted.sum(axis=1)
        else:
            answered = encoded.slots >= 2
            weighted = np.bincount(slots, weights=weights, minlength=size).reshape(len(groups), width)[:, 2:]
            squares = np.bincount(slots[answered] // width, weights=weights[answered] ** 2, minlength=len(groups))
        rows = table.row_indices(groups)
        extra = np.column_stack([squares, counts[:, BLANK + 2], counts[:, INVALID + 2]])
        np.add.at(table.counts, rows, counts[:, 2:])
        np.add.at(table.weighted, rows, weighted)
        np.add.at(table.extra, rows, extra)
        if encoded.invalid_texts:
            self._add_examples(metric, encoded.invalid_texts)

    def _add_examples(self, metric: str, examples: Counter) -> None:
        merged = self.invalid_examples.setdefault(metric, Counter())
        merged.update(examples)
        self.invalid_examples[metric] = _keep_examples(merged)

    def rollup(self, metric: str, key: Callable[[GroupKey], GroupKey | None]) -> dict[GroupKey, Tally]:
        """Sum a metric's tallies into coarser groups: ``key`` maps a group to its coarser one (None drops it)."""
        table = self._tables[metric]
        coarse: dict[GroupKey, int] = {}
        rows, targets = [], []
        for group, row in table.rows.items():
            wider = key(group)
            if wider is not None:
                rows.append(row)
                targets.append(coarse.setdefault(wider, len(coarse)))
        sums = []
        for array in (table.counts, table.weighted, table.extra):
            total = np.zeros((len(coarse), array.shape[1]), dtype=array.dtype)
            np.add.at(total, targets, array[rows])  # in row order, as adding tallies one by one would
            sums.append(total)
        counts, weighted, extra = sums
        return {group: Tally(counts[i], weighted[i], float(extra[i, 0]), int(extra[i, 1]), int(extra[i, 2])) for group, i in coarse.items()}

    def merge(self, other: TallyBook) -> TallyBook:
        """Add another book into this one (files, workers)."""
        for metric, theirs in other._tables.items():
            ours = self._tables[metric]
            groups = list(theirs.rows)
            if groups:
                rows = ours.row_indices(groups)
                source = np.fromiter(theirs.rows.values(), dtype=np.int64, count=len(groups))
                np.add.at(ours.counts, rows, theirs.counts[source])
                np.add.at(ours.weighted, rows, theirs.weighted[source])
                np.add.at(ours.extra, rows, theirs.extra[source])
        for metric, examples in other.invalid_examples.items():
            self._add_examples(metric, examples)
        return self
