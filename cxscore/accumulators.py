"""Accumulators that add: the protocol every metric's running totals follow, and the book that holds them.

Every figure is a function of an accumulator that adds (see DESIGN.md): blocks, file parts, files
and worker processes each fill their own, and merging them gives exactly the one-shot result. The
book does the bookkeeping — which group is which row, invalid-answer examples, rolling groups up
into segments and periods — and never looks inside an accumulator, so a new kind of accumulator
(a duration's log-bucket histogram, a rate's two counts, a term counter) is one class that follows
:class:`Accumulators` and :class:`Accumulator`, and the pipeline does not change.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import numpy as np

from .config import MetricSpec

if TYPE_CHECKING:
    from typing_extensions import Self

    from .normalize import EncodedColumn

#: How many distinct invalid texts are kept per metric as examples (the smallest, so merging is order-free).
EXAMPLES_KEPT = 5

#: A book's row key (the scan's: :class:`cxscore.grouping.GroupKey`); the book only hashes it.
K = TypeVar("K", bound=Hashable)
#: A roll-up's coarser key (a segment, a period code, ``()`` for everything).
C = TypeVar("C", bound=Hashable)
B_contra = TypeVar("B_contra", bound="Block", contravariant=True)


class Block(Protocol):
    """One chunk of a metric's column, as the metric's encoder made it for its accumulator (for
    survey scores, :class:`cxscore.normalize.EncodedColumn`'s slots; for durations, seconds), with
    the texts it could not read and how often each occurred."""

    @property
    def invalid_texts(self) -> Counter: ...  # read only: the book copies the examples it keeps


class Accumulator(Protocol):
    """What one group of one metric has added up; the metric's summary is computed from it.

    ``n`` answers were read, ``blank`` were empty and ``invalid`` could not be read. ``+=`` merges
    another (adding in place; the order of merges may change the last bit of a float sum, so
    callers merge in a fixed order). ``subtractable`` says whether ``a - b`` removes a part ``b``
    merged into ``a`` — true of counts and sums; false of anything that keeps a minimum, a sample or
    a top-N, where the rest of a segment must be merged from the other segments (:func:`rests`).
    """

    subtractable: ClassVar[bool]

    @property
    def n(self) -> int: ...

    @property
    def blank(self) -> int: ...

    @property
    def invalid(self) -> int: ...

    def copy(self) -> Self: ...

    def __iadd__(self, other: Self, /) -> Self: ...


class Accumulators(Protocol[B_contra]):
    """One metric's accumulators for every group of a run, one numbered row per group,
    adding the blocks (``B_contra``) its kind's encoder makes.

    The book numbers the groups; a table adds whole blocks at once (NumPy over the block, never a
    Python loop over its rows) and may store its rows as it likes — dense arrays for a small scale,
    sparse (row, bucket, count) triples for a log-bucket histogram. Adds, merges and roll-ups must
    not depend on how rows were split into blocks or parts, so chunked = whole = parallel.
    """

    def empty(self) -> Accumulator:
        """An accumulator with nothing added (a group no answer reached)."""
        ...

    def add(self, block: B_contra, rows: np.ndarray, group_index: np.ndarray | None, weights: np.ndarray | None) -> None:
        """Add one block: its i-th value goes to row ``rows[group_index[i]]`` (``rows[0]`` when
        ``group_index`` is None), weighted by ``weights[i]`` when weights are given."""
        ...

    def merge(self, other: Self, rows: np.ndarray, source: np.ndarray) -> None:
        """Add the other table's rows ``source`` into this table's rows ``rows`` (files, workers)."""
        ...

    def rollup(self, rows: list[int], targets: list[int], size: int) -> Sequence[Accumulator]:
        """``size`` new accumulators, the k-th the merge of the rows ``rows[j]`` with ``targets[j] == k``,
        merged in the order given."""
        ...

    def get(self, row: int) -> Accumulator:
        """One row's accumulator (a copy: changing it leaves the table as it is)."""
        ...


#: A metric's table as the book holds it: which accumulator and block it takes is its kind's affair.
AnyAccumulators = Accumulators[Any]


def accumulators_for(spec: MetricSpec) -> AnyAccumulators:
    """The table a metric accumulates into, as its kind says (survey scores: counts per scale point)."""
    return spec.kind.accumulators(spec)


class Book(Generic[K]):
    """All accumulators of a run, keyed by (metric name, row key ``K``), plus invalid-answer examples per metric."""

    def __init__(self, tables: dict[str, AnyAccumulators]):
        self._tables = tables
        self._rows: dict[str, dict[K, int]] = {metric: {} for metric in tables}
        self.invalid_examples: dict[str, Counter] = {}

    @classmethod
    def of(cls, specs: Iterable[MetricSpec]) -> Book[K]:
        """An empty book for these metrics, each with the accumulator its kind uses."""
        return cls({spec.name: accumulators_for(spec) for spec in specs})

    @property
    def accumulators(self) -> dict[tuple[str, K], Accumulator]:
        """Every accumulator as an object (copies)."""
        return {(metric, group): self._tables[metric].get(row) for metric, rows in self._rows.items() for group, row in rows.items()}

    def size(self) -> int:
        """The most groups any one metric has an accumulator for (cheap: no set is built)."""
        return max((len(rows) for rows in self._rows.values()), default=0)

    def groups(self) -> set[K]:
        """Every group key with an accumulator, over all metrics."""
        return {group for rows in self._rows.values() for group in rows}

    def empty(self, metric: str) -> Accumulator:
        return self._tables[metric].empty()

    def get(self, metric: str, group: K) -> Accumulator:
        row = self._rows[metric].get(group)
        return self.empty(metric) if row is None else self._tables[metric].get(row)

    def _row_indices(self, metric: str, groups: list[K]) -> np.ndarray:
        rows = self._rows[metric]
        for group in groups:
            if group not in rows:
                rows[group] = len(rows)
        return np.fromiter((rows[g] for g in groups), dtype=np.int64, count=len(groups))

    def add(self, metric: str, block: Block, groups: list[K], group_index: np.ndarray | None = None, weights: np.ndarray | None = None) -> None:
        """Add one block; ``group_index[i]`` says which of ``groups`` row i belongs to (groups may repeat)."""
        self._tables[metric].add(block, self._row_indices(metric, groups), group_index, weights)
        if block.invalid_texts:
            self._add_examples(metric, block.invalid_texts)

    def add_counted(self, metric: str, block: EncodedColumn, groups: list[K], group_index: np.ndarray, counts: np.ndarray, weights: np.ndarray | None, squares: np.ndarray | None) -> None:
        """Add a counts table's block (:mod:`cxscore.counts`): value i stands for ``counts[i]`` rows with
        summed ``weights[i]`` and squared weights ``squares[i]``; its table must count (a TallyTable)."""
        from .tally import TallyTable  # the tally's modules import the config, as this one does: imported when used

        table = self._tables[metric]
        if not isinstance(table, TallyTable):
            raise TypeError(f"{metric}: its accumulator does not count answers")
        table.add_counted(block, self._row_indices(metric, groups), group_index, counts, weights, squares)
        if block.invalid_texts:
            self._add_examples(metric, block.invalid_texts)

    def _add_examples(self, metric: str, examples: Counter) -> None:
        merged = self.invalid_examples.setdefault(metric, Counter())
        merged.update(examples)
        self.invalid_examples[metric] = Counter({text: merged[text] for text in sorted(merged)[:EXAMPLES_KEPT]})

    def rollup(self, metric: str, key: Callable[[K], C | None]) -> dict[C, Accumulator]:
        """Merge a metric's accumulators into coarser groups: ``key`` maps a group to its coarser one (None drops it)."""
        coarse: dict[C, int] = {}
        rows, targets = [], []
        for group, row in self._rows[metric].items():
            wider = key(group)
            if wider is not None:
                rows.append(row)
                targets.append(coarse.setdefault(wider, len(coarse)))
        return dict(zip(coarse, self._tables[metric].rollup(rows, targets, len(coarse))))

    def merge(self, other: Book[K]) -> Book[K]:
        """Add another book into this one (files, workers)."""
        for metric, theirs in other._rows.items():
            if theirs:
                rows = self._row_indices(metric, list(theirs))
                source = np.fromiter(theirs.values(), dtype=np.int64, count=len(theirs))
                self._tables[metric].merge(other._tables[metric], rows, source)
        for metric, examples in other.invalid_examples.items():
            self._add_examples(metric, examples)
        return self


def rests(parts: dict[C, Accumulator], whole: Accumulator, empty: Accumulator, only: Sequence[C] | None = None) -> dict[C, Accumulator]:
    """Each part's rest (or only those of the parts ``only``): what ``whole`` (the merge of all ``parts``) holds besides it.

    Where the accumulator subtracts, ``whole - part``: one operation a part, and for the tally the
    order of sums every published figure was computed in. Otherwise the merge of the other parts,
    from running merges before and after each part (three merges a part, not one per pair), in a
    fixed order.
    """
    keys = list(parts)
    if whole.subtractable:
        return {key: whole - parts[key] for key in (keys if only is None else only)}  # type: ignore[operator]
    before = [empty]  # before[i]: the parts ahead of part i, merged
    for key in keys[:-1]:
        before.append(_merged(before[-1], parts[key]))
    out: dict[C, Accumulator] = {}
    after = empty  # the parts behind the current one, merged
    for key, ahead in zip(reversed(keys), reversed(before)):
        out[key] = _merged(ahead, after)
        after = _merged(parts[key], after)
    return {key: out[key] for key in (keys if only is None else only)}


def _merged(a: Accumulator, b: Accumulator) -> Accumulator:
    total = a.copy()
    total += b
    return total
