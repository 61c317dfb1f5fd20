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
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import numpy as np

from .config import MetricSpec
from .keys import KeyIndex, KeyList

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

    def rollup(self, rows: np.ndarray, targets: np.ndarray, size: int) -> Sequence[Accumulator]:
        """``size`` new accumulators, the k-th the merge of the rows ``rows[j]`` with ``targets[j] == k``,
        merged in the order given (integer arrays: one mapping for the whole roll-up). The sequence may
        build each accumulator only when asked for it (the tally table's does)."""
        ...

    def get(self, row: int) -> Accumulator:
        """One row's accumulator (a copy: changing it leaves the table as it is)."""
        ...


#: A metric's table as the book holds it: which accumulator and block it takes is its kind's affair.
AnyAccumulators = Accumulators[Any]


def accumulators_for(spec: MetricSpec) -> AnyAccumulators:
    """The table a metric accumulates into, as its kind says (survey scores: counts per scale point)."""
    return spec.kind.accumulators(spec)


class _Rows:
    """One metric's rows: key id → row (-1: none yet) and row → key id, rows numbered in the order keys first came."""

    def __init__(self) -> None:
        self.row_of = np.full(0, -1, dtype=np.int64)
        self._key_of = np.zeros(0, dtype=np.int64)
        self.count = 0

    def key_ids(self) -> np.ndarray:
        """The key id of each row, in row order."""
        return self._key_of[: self.count]

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """The rows of these key ids, new ones numbered in the order they first occur (ids may repeat)."""
        if len(ids) and int(ids.max()) >= len(self.row_of):
            self.row_of = _grown(self.row_of, int(ids.max()) + 1, -1)
        rows = self.row_of[ids]
        new = rows < 0
        if new.any():
            fresh = ids[new]
            _, first = np.unique(fresh, return_index=True)
            arriving = fresh[np.sort(first)]
            count = self.count + len(arriving)
            self.row_of[arriving] = np.arange(self.count, count)
            self._key_of = _grown(self._key_of, count, 0)
            self._key_of[self.count : count] = arriving
            self.count = count
            rows = self.row_of[ids]
        return rows


def _grown(array: np.ndarray, size: int, fill: int) -> np.ndarray:
    """``array`` with room for at least ``size`` entries (doubling), new ones ``fill``."""
    if size <= len(array):
        return array
    grown = np.full(max(size, 2 * len(array)), fill, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


class Rollup(Mapping[C, "Accumulator"]):
    """A roll-up: coarser keys in the order their first row came, each with its merged accumulator.

    A mapping as a dict would be; ``parts`` is the table's sequence of accumulators in key order
    (a tally table's builds each tally only when asked, and hands its arrays to the summaries)."""

    def __init__(self, keys: list[C], parts: Sequence[Accumulator]):
        self.keys_in_order = keys
        self.parts = parts
        self._place: dict[C, int] | None = None

    def __getitem__(self, key: C) -> Accumulator:
        if self._place is None:
            self._place = {k: i for i, k in enumerate(self.keys_in_order)}
        return self.parts[self._place[key]]

    def __iter__(self) -> Iterator[C]:
        return iter(self.keys_in_order)

    def __len__(self) -> int:
        return len(self.keys_in_order)


class Book(Generic[K]):
    """All accumulators of a run, keyed by (metric name, row key ``K``), plus invalid-answer examples per metric.

    Keys are numbered once in :attr:`keys` (a :class:`cxscore.keys.KeyIndex`, shared by every metric);
    each metric maps key ids to its rows with arrays. A block's keys given as a :class:`~cxscore.keys.KeyList`
    of the book's own index (a scan's grouper's: the book adopts it while it has no keys) cost no
    Python per key; other lists of keys are looked up once per block for all metrics.
    """

    def __init__(self, tables: dict[str, AnyAccumulators], keys: KeyIndex | None = None):
        self._tables = tables
        self.keys = keys if keys is not None else KeyIndex()
        self._rows: dict[str, _Rows] = {metric: _Rows() for metric in tables}
        self._last: tuple[object, np.ndarray] | None = None  # the last list of keys looked up, and its ids
        self.invalid_examples: dict[str, Counter] = {}

    @classmethod
    def of(cls, specs: Iterable[MetricSpec]) -> Book[K]:
        """An empty book for these metrics, each with the accumulator its kind uses."""
        return cls({spec.name: accumulators_for(spec) for spec in specs})

    def _keys_of(self, metric: str) -> list[K]:
        keys = self.keys.keys
        return [keys[i] for i in self._rows[metric].key_ids().tolist()]

    @property
    def accumulators(self) -> dict[tuple[str, K], Accumulator]:
        """Every accumulator as an object (copies)."""
        return {(metric, group): self._tables[metric].get(row) for metric in self._rows for row, group in enumerate(self._keys_of(metric))}

    def size(self) -> int:
        """The most groups any one metric has an accumulator for (cheap: no set is built)."""
        return max((rows.count for rows in self._rows.values()), default=0)

    def groups(self) -> set[K]:
        """Every group key with an accumulator, over all metrics."""
        return {group for metric in self._rows for group in self._keys_of(metric)}

    def empty(self, metric: str) -> Accumulator:
        return self._tables[metric].empty()

    def get(self, metric: str, group: K) -> Accumulator:
        found = self.keys.find(group)
        rows = self._rows[metric]
        row = rows.row_of[found] if found is not None and found < len(rows.row_of) else -1
        return self.empty(metric) if row < 0 else self._tables[metric].get(int(row))

    def _ids(self, groups: Sequence[K]) -> np.ndarray:
        """The key ids of a block's keys: its grouper's when the list carries them, else looked up (once for all metrics)."""
        if isinstance(groups, KeyList):
            if groups.numbering is not self.keys and not len(self.keys):
                self.keys = groups.numbering  # a fresh book takes its grouper's numbering
            if groups.numbering is self.keys:
                return groups.ids
        if self._last is None or self._last[0] is not groups:
            self._last = (groups, self.keys.ids_of(groups))
        return self._last[1]

    def _row_indices(self, metric: str, groups: Sequence[K]) -> np.ndarray:
        return self._rows[metric].rows(self._ids(groups))

    def add(self, metric: str, block: Block, groups: Sequence[K], group_index: np.ndarray | None = None, weights: np.ndarray | None = None) -> None:
        """Add one block; ``group_index[i]`` says which of ``groups`` row i belongs to (groups may repeat)."""
        self._tables[metric].add(block, self._row_indices(metric, groups), group_index, weights)
        if block.invalid_texts:
            self._add_examples(metric, block.invalid_texts)

    def expect(self, share: float) -> None:
        """About ``share`` (0 < share ≤ 1) of what this book will be given has been added (a reader, by the bytes of
        its part read): a table that chooses how to store its rows by how much it will hold (a duration histogram's
        dense block) may choose now. Tables without an ``expect`` method have nothing to choose."""
        for table in self._tables.values():
            expect = getattr(table, "expect", None)
            if expect is not None:
                expect(share)

    def add_counted(self, metric: str, block: EncodedColumn, groups: Sequence[K], group_index: np.ndarray, counts: np.ndarray, weights: np.ndarray | None, squares: np.ndarray | None) -> None:
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

    def rollup(self, metric: str, key: Callable[[K], C | None]) -> Rollup[C]:
        """Merge a metric's accumulators into coarser groups: ``key`` maps a group to its coarser one (None drops it).

        ``key`` is called once per distinct key of the book (cached while the function lives, for every
        metric); the rows are then mapped with arrays, coarser groups numbered in the order of their
        first row, and each merged in row order."""
        numbers, coarse = self.keys.coarse(key)
        wider = numbers[self._rows[metric].key_ids()]
        rows = np.flatnonzero(wider >= 0)
        present, first, inverse = np.unique(wider[rows], return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty(len(present), dtype=np.int64)
        rank[order] = np.arange(len(present))
        keys = [coarse[i] for i in present[order].tolist()]
        return Rollup(keys, self._tables[metric].rollup(rows, rank[inverse.reshape(-1)], len(keys)))

    def merge(self, other: Book[K]) -> Book[K]:
        """Add another book into this one (files, workers)."""
        if other.keys is not self.keys and not len(self.keys):
            self.keys = other.keys  # an empty book takes the other's numbering (books may share one: ids only name keys)
        translate = None if other.keys is self.keys else self.keys.ids_of(other.keys.keys)
        for metric, theirs in other._rows.items():
            if theirs.count:
                ids = theirs.key_ids()
                rows = self._rows[metric].rows(ids if translate is None else translate[ids])
                self._tables[metric].merge(other._tables[metric], rows, np.arange(theirs.count))
        for metric, examples in other.invalid_examples.items():
            self._add_examples(metric, examples)
        return self


def everything(_: Hashable) -> tuple[()]:
    """The roll-up key of the whole: every group in one (a named function, so the book caches its mapping)."""
    return ()


def rests(parts: Mapping[C, Accumulator], whole: Accumulator, empty: Accumulator, only: Sequence[C] | None = None) -> dict[C, Accumulator]:
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
