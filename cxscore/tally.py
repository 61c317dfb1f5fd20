"""Tallies: the accumulator of survey scores on an integer scale.

A :class:`Tally` holds, for one metric in one group (segment × period), the number of answers
at each scale point (raw and weighted), the sum of squared weights and the counts of blank and
invalid answers. Tallies add, so chunks, files and workers can be summed in any order and give
exactly the result of a one-shot run. :class:`TallyTable` holds a metric's tallies for every
group; the book in :mod:`cxscore.accumulators` drives it like any other accumulator.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .binning import Binning
from .lazy_sequence import MadeOnRead
from .normalize import BLANK, INVALID, EncodedColumn


class Summary:
    """What every formula needs from one tally: band shares, mean, variance, n's (see :func:`cxscore.metrics.summarise`).

    Computed for a whole rollup at once and kept by whoever asked (results.py keeps a rollup's
    summaries next to its tallies), never on the tally: a tally is only what was added up.
    """

    __slots__ = ("n", "n_eff", "total", "shares", "mean", "variance", "m2", "m3")
    n: int
    n_eff: float
    total: float
    shares: dict[str, float]
    mean: float
    variance: float
    m2: float  # second and third central moments of the answers (for the pooled test)
    m3: float


@dataclass
class Tally:
    """Counts for one metric in one group."""

    counts: np.ndarray  # int64, answers per scale point
    weighted: np.ndarray  # float64, summed weights per scale point
    weights_sq: float = 0.0  # sum of squared weights of the answered rows
    blank: int = 0
    invalid: int = 0
    not_applicable: int = 0  # rows the metric does not apply to (a rate's rows outside its of:), in no count above
    #: Counts and sums subtract exactly (weights to the last bit or so), so the rest of a segment is the whole minus it.
    subtractable: ClassVar[bool] = True

    @classmethod
    def empty(cls, points: int) -> Tally:
        return cls(np.zeros(points, dtype=np.int64), np.zeros(points, dtype=np.float64))

    @property
    def n(self) -> int:
        """Answered (valid) responses."""
        return int(self.counts.sum())

    @property
    def weight_total(self) -> float:
        return float(self.weighted.sum())

    @property
    def n_eff(self) -> float:
        """Kish effective sample size, (Σw)² / Σw²; equals n when every weight is 1."""
        return self.weight_total**2 / self.weights_sq if self.weights_sq else 0.0

    def copy(self) -> Tally:
        return Tally(self.counts.copy(), self.weighted.copy(), self.weights_sq, self.blank, self.invalid, self.not_applicable)

    def __sub__(self, other: Tally) -> Tally:
        """This tally without another that is part of it (the rest of the population besides a segment)."""
        return Tally(self.counts - other.counts, self.weighted - other.weighted, self.weights_sq - other.weights_sq, self.blank - other.blank, self.invalid - other.invalid, self.not_applicable - other.not_applicable)

    def __iadd__(self, other: Tally) -> Tally:
        self.counts += other.counts
        self.weighted += other.weighted
        self.weights_sq += other.weights_sq
        self.blank += other.blank
        self.invalid += other.invalid
        self.not_applicable += other.not_applicable
        return self

    def __eq__(self, other: object) -> bool:
        return bool(
            isinstance(other, Tally)
            and np.array_equal(self.counts, other.counts)
            and np.allclose(self.weighted, other.weighted, rtol=1e-12, atol=0)
            and np.isclose(self.weights_sq, other.weights_sq, rtol=1e-12, atol=0)
            and (self.blank, self.invalid, self.not_applicable) == (other.blank, other.invalid, other.not_applicable)
        )


class TallyTable:
    """One metric's tallies for every group, as rows of growing arrays (vectorised adds).

    The integer scale's implementation of :class:`cxscore.accumulators.Accumulators`: a block is an
    :class:`EncodedColumn`, whose slots are INVALID, BLANK, then the binning's slots; its rows marked
    not applicable are counted apart.
    """

    def __init__(self, binning: Binning, rows: int = 0):
        self.binning = binning
        points, room = binning.width, max(rows, 8)
        self.counts = np.zeros((room, points), dtype=np.int64)
        self.weighted = np.zeros((room, points), dtype=np.float64)
        self.extra = np.zeros((room, 4), dtype=np.float64)  # weights², blank, invalid, not applicable
        self.used = rows  # rows in use or made (the arrays grow by doubling ahead of them)
        self.unweighted = True  # every weight was 1, so ``weighted`` is ``counts`` as floats (exactly: sums of integers)

    def __getstate__(self) -> dict:
        """Pickled (a worker's table on its way back) without the rows grown ahead of use, and without
        the weighted counts when they are the counts (200,000 groups: 42 % fewer bytes to send)."""
        state = dict(self.__dict__)
        for name in ("counts", "weighted", "extra"):
            state[name] = state[name][: self.used]
        if self.unweighted:
            state["weighted"] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self.weighted is None:
            self.weighted = self.counts.astype(np.float64)

    def empty(self) -> Tally:
        return Tally.empty(self.binning.width)

    def get(self, row: int) -> Tally:
        extra = self.extra[row]
        return Tally(self.counts[row].copy(), self.weighted[row].copy(), float(extra[0]), int(extra[1]), int(extra[2]), int(extra[3]))

    def _reserve(self, rows: np.ndarray) -> None:
        """Room for every row in ``rows`` (growing by doubling)."""
        needed = int(rows.max()) + 1 if len(rows) else 0
        self.used = max(self.used, needed)
        if needed > len(self.counts):
            size = max(needed, 2 * len(self.counts))
            self.counts = _grow(self.counts, size)
            self.weighted = _grow(self.weighted, size)
            self.extra = _grow(self.extra, size)

    def add(self, block: EncodedColumn, rows: np.ndarray, group_index: np.ndarray | None, weights: np.ndarray | None) -> None:
        self._add(block, rows, group_index, None, weights, None if weights is None else weights**2)

    def add_counted(self, block: EncodedColumn, rows: np.ndarray, group_index: np.ndarray, counts: np.ndarray, weights: np.ndarray | None, squares: np.ndarray | None) -> None:
        """Add a block whose i-th value stands for ``counts[i]`` rows (a counts table's, :mod:`cxscore.counts`)
        with their summed weights and squared weights when weighted: what :meth:`add` adds for those rows."""
        self._add(block, rows, group_index, counts, weights, squares)

    def _add(self, block: EncodedColumn, rows: np.ndarray, group_index: np.ndarray | None, counts: np.ndarray | None, weights: np.ndarray | None, squares: np.ndarray | None) -> None:
        width = self.binning.width + 2  # the slots of EncodedColumn: INVALID, BLANK, then the scale points
        codes, stride = block.slots, width
        if block.not_applicable is not None:  # one more slot per group, past the points, for the rows outside
            codes, stride = np.where(block.not_applicable, width, codes), width + 1
        slots = codes if group_index is None else group_index * stride + codes
        size = len(rows) * stride
        if counts is None:
            counted = np.bincount(slots, minlength=size).reshape(len(rows), stride)
        else:  # each value stands for counts[i] rows (exact: float sums of integers below 2**53)
            counted = np.bincount(slots, weights=counts, minlength=size).reshape(len(rows), stride).round().astype(np.int64)
        if weights is None or squares is None:
            weighted: np.ndarray = counted[:, 2:width].astype(np.float64)
            square_sums: np.ndarray = weighted.sum(axis=1)
        else:
            self.unweighted = False
            answered = (codes >= 2) & (codes < width)
            weighted = np.bincount(slots, weights=weights, minlength=size).reshape(len(rows), stride)[:, 2:width]
            square_sums = np.bincount(slots[answered] // stride, weights=squares[answered], minlength=len(rows))
        self._reserve(rows)
        extra = np.column_stack([square_sums, counted[:, BLANK + 2], counted[:, INVALID + 2], counted[:, width:].sum(axis=1)])
        _scatter(self.counts, rows, counted[:, 2:width])
        _scatter(self.weighted, rows, weighted)
        _scatter(self.extra, rows, extra)

    def merge(self, other: TallyTable, rows: np.ndarray, source: np.ndarray) -> None:
        self.unweighted = self.unweighted and other.unweighted
        if not self.used and np.array_equal(rows, np.arange(len(rows))):  # into an empty table: its rows as they are (0 + x is x)
            self.counts, self.weighted, self.extra = other.counts[source], other.weighted[source], other.extra[source]
            self.used = len(rows)
            return
        self._reserve(rows)
        _scatter(self.counts, rows, other.counts[source])
        _scatter(self.weighted, rows, other.weighted[source])
        _scatter(self.extra, rows, other.extra[source])

    def rollup(self, rows: np.ndarray, targets: np.ndarray, size: int) -> TallyRows:
        """The roll-up as a table of ``size`` rows, each the sum of its rows in row order (as adding
        tallies one by one would: a bincount adds in input order), handed out as tallies on demand."""
        out = TallyTable(self.binning, size)
        out.unweighted = self.unweighted
        for name in ("counts", "weighted", "extra"):
            if size == len(rows):  # one row per coarser group (a segment without periods): 0 + x is x
                getattr(out, name)[targets] = getattr(self, name)[rows]
            else:
                _scatter(getattr(out, name), targets, getattr(self, name)[rows], dense=True)
        return TallyRows(out, size)


class TallyRows(MadeOnRead[Tally]):
    """The first ``size`` rows of a tally table as tallies (each made when asked for), and as arrays
    for the summaries of all of them at once (:func:`cxscore.metrics.summarise`)."""

    def __init__(self, table: TallyTable, size: int):
        self.table, self.size = table, size

    @property
    def counts(self) -> np.ndarray:
        return self.table.counts[: self.size]

    @property
    def weighted(self) -> np.ndarray:
        return self.table.weighted[: self.size]

    @property
    def weights_sq(self) -> np.ndarray:
        return self.table.extra[: self.size, 0]

    def __len__(self) -> int:
        return self.size

    def _one(self, i: int) -> Tally:
        table, extra = self.table, self.table.extra[i]
        return Tally(table.counts[i], table.weighted[i], float(extra[0]), int(extra[1]), int(extra[2]), int(extra[3]))

    def _run(self, start: int, stop: int) -> list[Tally]:
        return [self._one(i) for i in range(start, stop)]

    def __iter__(self) -> Iterator[Tally]:
        return (self._one(i) for i in range(self.size))

    def rests(self, whole: Tally) -> TallyRows:
        """Each row's rest, ``whole - row`` (as :meth:`Tally.__sub__`, element by element), all at once."""
        table = TallyTable(self.table.binning, self.size)
        totals = np.array([whole.weights_sq, whole.blank, whole.invalid, whole.not_applicable], dtype=np.float64)
        table.counts, table.weighted, table.extra = whole.counts - self.counts, whole.weighted - self.weighted, totals - self.table.extra[: self.size]
        table.unweighted = self.table.unweighted
        return TallyRows(table, self.size)

    def take(self, indices: Sequence[int] | np.ndarray) -> TallyRows:
        """These rows (in this order) as their own table."""
        chosen = np.asarray(indices, dtype=np.int64)
        table = TallyTable(self.table.binning, len(chosen))
        table.counts, table.weighted, table.extra = self.table.counts[chosen], self.table.weighted[chosen], self.table.extra[chosen]
        table.unweighted = self.table.unweighted
        return TallyRows(table, len(chosen))


def _scatter(table: np.ndarray, rows: np.ndarray, values: np.ndarray, dense: bool = False) -> None:
    """``table[rows[i]] += values[i]`` for every i in order, as ``np.add.at`` over rows does.

    One ``np.add.at`` over the flattened cells (2–5× faster than over rows, whose random order defeats
    the cache); ``dense`` (a new table, as a roll-up's): one bincount over its cells instead. Each
    cell's values are added in input order either way; the bincount starts from zero, so it equals
    ``np.add.at`` where the table was zero (a new one) or the rows are distinct."""
    if not len(rows):
        return
    width = table.shape[1]
    cells = (rows[:, None] * width + np.arange(width)).reshape(-1)
    flat = table.reshape(-1)
    if dense:
        summed = np.bincount(cells, weights=values.reshape(-1), minlength=len(flat))
        flat += summed.astype(np.int64) if table.dtype.kind == "i" else summed  # counts: float sums of integers below 2**53 are exact
    else:
        np.add.at(flat, cells, values.reshape(-1))


def _grow(array: np.ndarray, rows: int) -> np.ndarray:
    grown = np.zeros((rows, array.shape[1]), dtype=array.dtype)
    grown[: len(array)] = array
    return grown
