"""Durations behind the accumulator protocol: a :class:`~cxscore.loghist.LogHistogram` per metric,
one histogram group per book row, plus the blank and invalid counts the book reports.

Everything in it is an integer count (buckets, zeros, the microsecond sum, the counts within each
threshold), so adding blocks, merging parts and workers and rolling groups up give identical results
in any order and chunking, and the rest of a segment is ``whole - segment`` exactly.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .durations import DurationColumn, VALUE
from .errors import CxError, param
from .lazy_sequence import MadeOnRead
from .loghist import LogHistogram
from .normalize import BLANK, INVALID


class Durations:
    """One group's durations: a one-group histogram, its blank and invalid answers, and of the blank
    the rows its kind notes in a warning (a placeholder date read as blank, a blank part of a sum as 0).

    A roll-up's groups are views of one histogram of them all (``table``, ``row``): a group's own
    histogram is taken from it only when it is merged or changed, and the duration kind summarises a
    roll-up's groups from the shared histogram in one gather (:func:`stacked`)."""

    #: Counts subtract exactly: the rest of a segment is the whole minus it.
    subtractable = True

    def __init__(self, hist: LogHistogram | None, blank: int = 0, invalid: int = 0, noted: int = 0, table: LogHistogram | None = None, row: int = 0):
        if hist is not None:
            hist.reserve(1)
        elif table is None:
            raise ValueError("Durations need a histogram or a table's row")
        self._hist, self.table, self.row = hist, table, row
        self.blank, self.invalid, self.noted = blank, invalid, noted

    @property
    def hist(self) -> LogHistogram:
        """This group's one-group histogram (taken from the shared table on first use)."""
        if self._hist is None:
            assert self.table is not None
            self._hist = self.table.take([self.row])
        return self._hist

    @property
    def view(self) -> bool:
        """Whether the group is still read from its roll-up's shared histogram."""
        return self._hist is None

    @property
    def n(self) -> int:
        """Valid durations (zeros included)."""
        if self._hist is None:
            assert self.table is not None
            return self.table.count(self.row)
        return self._hist.count(0)

    @property
    def n_eff(self) -> float:
        """Unweighted: n."""
        return float(self.n)

    def copy(self) -> Durations:
        if self._hist is None:
            return Durations(None, self.blank, self.invalid, self.noted, self.table, self.row)
        return Durations(self._hist.copy(), self.blank, self.invalid, self.noted)

    def __iadd__(self, other: Durations) -> Durations:
        self.hist.merge(other.hist)
        self.blank += other.blank
        self.invalid += other.invalid
        self.noted += other.noted
        return self

    def __sub__(self, part: Durations) -> Durations:
        return Durations(self.hist - part.hist, self.blank - part.blank, self.invalid - part.invalid, self.noted - part.noted)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Durations) and (self.hist, self.blank, self.invalid, self.noted) == (other.hist, other.blank, other.invalid, other.noted)


class DurationTable:
    """One duration metric's histograms for every group of a run (:class:`cxscore.accumulators.Accumulators`):
    book row r is histogram group r; a block is a :class:`~cxscore.durations.DurationColumn`."""

    def __init__(self, alpha: float, thresholds: tuple[float, ...] = ()):
        self.hist = LogHistogram(alpha, thresholds)
        self.counted = np.zeros((0, 3), dtype=np.int64)  # blank, invalid, noted per row

    def empty(self) -> Durations:
        return Durations(self.hist._like())

    def _reserve(self, rows: int) -> None:
        self.hist.reserve(rows)
        if rows > len(self.counted):
            grown = np.zeros((rows, 3), dtype=np.int64)
            grown[: len(self.counted)] = self.counted
            self.counted = grown

    def add(self, block: DurationColumn, rows: np.ndarray, group_index: np.ndarray | None, weights: np.ndarray | None) -> None:
        if weights is not None:
            raise CxError(f"durations take no {param('weight')}: a duration is a ticket's or a call's", f"score duration metrics without {param('weight')}")
        row_of = rows[np.zeros(len(block.slots), dtype=np.int64) if group_index is None else group_index]
        self._reserve(int(rows.max()) + 1 if len(rows) else 0)
        valid = block.slots == VALUE
        self.hist.add(block.seconds[valid], row_of[valid])
        for column, slot in enumerate((BLANK + 2, INVALID + 2)):
            self.counted[:, column] += np.bincount(row_of[block.slots == slot], minlength=len(self.counted))
        if block.noted is not None:
            self.counted[:, 2] += np.bincount(row_of[block.noted], minlength=len(self.counted))

    def expect(self, share: float) -> None:
        """About ``share`` of the durations to come have been added (:meth:`cxscore.loghist.LogHistogram.expect`)."""
        self.hist.expect(share)

    def merge(self, other: DurationTable, rows: np.ndarray, source: np.ndarray) -> None:
        if not len(rows):
            return
        self._reserve(int(rows.max()) + 1)
        other._reserve(int(source.max()) + 1)
        self.hist.merge_rows(other.hist, rows, source)
        np.add.at(self.counted, rows, other.counted[source])

    def rollup(self, rows: list[int], targets: list[int], size: int) -> DurationRows:
        mapping = np.full(self.hist.groups, -1, dtype=np.int64)
        mapping[rows] = targets
        coarse = self.hist.rollup(mapping)
        coarse.reserve(size)
        counted = np.zeros((size, 3), dtype=np.int64)
        np.add.at(counted, targets, self.counted[rows])
        return DurationRows(coarse, counted)

    def get(self, row: int) -> Durations:
        return self.rollup([row], [0], 1)[0]


class DurationRows(MadeOnRead[Durations]):
    """A roll-up's groups: group g of one histogram of them all (``hist``) with its blank, invalid and noted
    counts (row g of ``counted``). Read one at a time they are :class:`Durations` views of ``hist``; the
    duration kind scores them all from ``hist`` at once (``Duration.table_columns``)."""

    #: results._Table scores them with the duration kind's array methods (table_columns, test_columns).
    scored_by_kind = True

    def __init__(self, hist: LogHistogram, counted: np.ndarray):
        self.hist, self.counted = hist, counted

    def __len__(self) -> int:
        return len(self.counted)

    def _one(self, i: int) -> Durations:
        blank, invalid, noted = self.counted[i].tolist()
        return Durations(None, blank, invalid, noted, self.hist, i)

    def _run(self, start: int, stop: int) -> list[Durations]:
        return [self._one(i) for i in range(start, stop)]

    def take(self, chosen: Sequence[int] | np.ndarray) -> DurationRows:
        """These groups, in this order, as rows of their own histogram (one gather)."""
        chosen = np.asarray(chosen, dtype=np.int64)
        return DurationRows(self.hist.take(chosen), self.counted[chosen])


def stacked(groups: Sequence[Durations]) -> LogHistogram:
    """One histogram whose group g is ``groups[g]``'s: one gather from their roll-up's shared histogram
    when they are all views of it (a roll-up's groups, as the results summarise them), else stacked."""
    if isinstance(groups, DurationRows):  # read, never added to: the roll-up's own histogram, not a copy of its block
        return groups.hist if groups.hist.groups == len(groups) else groups.hist.take(np.arange(len(groups)))
    table = groups[0].table if groups else None
    if table is not None and all(g.view and g.table is table for g in groups):
        return table.take([g.row for g in groups])
    return LogHistogram.stack([g.hist for g in groups])
