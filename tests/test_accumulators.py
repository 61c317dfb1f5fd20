"""The accumulator protocol: a second, tiny accumulator goes through the book like the tally does,
the binning is the one slot ↔ value mapping, and the rest of a segment is merged or subtracted."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.accumulators import Book, rests
from cxscore.binning import Binning
from cxscore.config import Band, MetricSpec
from cxscore.normalize import AnswerParser, EncodedColumn
from cxscore.tally import Tally, TallyTable


@dataclass
class Values:
    """A block of numbers (NaN: blank; ``bad``: unreadable)."""

    values: np.ndarray
    bad: np.ndarray
    invalid_texts: Counter


@dataclass
class CountMax:
    """Answers, their sum and their largest value: the sum subtracts, the maximum does not."""

    n: int = 0
    total: float = 0.0
    largest: float = -np.inf
    blank: int = 0
    invalid: int = 0
    subtractable = False

    def copy(self) -> CountMax:
        return CountMax(self.n, self.total, self.largest, self.blank, self.invalid)

    def __iadd__(self, other: CountMax) -> CountMax:
        self.n += other.n
        self.total += other.total
        self.largest = max(self.largest, other.largest)
        self.blank += other.blank
        self.invalid += other.invalid
        return self


class CountMaxTable:
    """CountMax for every group: one array per field, grown as groups arrive."""

    FIELDS = ("n", "total", "largest", "blank", "invalid")

    def __init__(self):
        self.arrays = {name: np.zeros(0) for name in self.FIELDS}
        self.arrays["largest"] = np.full(0, -np.inf)

    def _reserve(self, rows: np.ndarray) -> None:
        extra = int(rows.max()) + 1 - len(self.arrays["n"]) if len(rows) else 0
        if extra > 0:
            for name, array in self.arrays.items():
                self.arrays[name] = np.concatenate([array, np.full(extra, -np.inf if name == "largest" else 0.0)])

    def empty(self) -> CountMax:
        return CountMax()

    def get(self, row: int) -> CountMax:
        a = self.arrays
        return CountMax(int(a["n"][row]), float(a["total"][row]), float(a["largest"][row]), int(a["blank"][row]), int(a["invalid"][row]))

    def add(self, block: Values, rows: np.ndarray, group_index: np.ndarray | None, weights: np.ndarray | None) -> None:
        self._reserve(rows)
        where = rows[group_index] if group_index is not None else np.full(len(block.values), rows[0])
        blank = np.isnan(block.values) & ~block.bad
        good = ~np.isnan(block.values) & ~block.bad
        np.add.at(self.arrays["n"], where[good], 1)
        np.add.at(self.arrays["total"], where[good], block.values[good])
        np.maximum.at(self.arrays["largest"], where[good], block.values[good])
        np.add.at(self.arrays["blank"], where[blank], 1)
        np.add.at(self.arrays["invalid"], where[block.bad], 1)

    def merge(self, other: CountMaxTable, rows: np.ndarray, source: np.ndarray) -> None:
        self._reserve(rows)
        for name, array in self.arrays.items():
            (np.maximum if name == "largest" else np.add).at(array, rows, other.arrays[name][source])

    def rollup(self, rows: list[int], targets: list[int], size: int) -> list[CountMax]:
        out = [CountMax() for _ in range(size)]
        for row, target in zip(rows, targets):
            out[target] += self.get(row)
        return out


def count_max_book() -> Book:
    return Book({"m": CountMaxTable()})


#: Whole numbers, so sums are exact in any order; NaN is a blank answer.
numbers = st.lists(st.one_of(st.integers(-50, 50).map(float), st.just(float("nan"))), min_size=1, max_size=200)


def block_of(values: list[float], bad: list[bool]) -> Values:
    texts = Counter(f"bad {v}" for v, b in zip(values, bad) if b)
    return Values(np.array(values), np.array(bad, dtype=bool), texts)


@given(values=numbers, data=st.data())
@settings(max_examples=60, deadline=None)
def test_a_second_accumulator_adds_merges_and_rolls_up_through_the_book(values, data):
    """chunked = whole = parallel for an accumulator that is not a tally, and the roll-up and rests are the hand sums."""
    size = len(values)
    segments = data.draw(st.lists(st.sampled_from("abc"), min_size=size, max_size=size))
    periods = data.draw(st.lists(st.integers(0, 2), min_size=size, max_size=size))
    bad = data.draw(st.lists(st.booleans(), min_size=size, max_size=size))
    cuts = sorted(data.draw(st.sets(st.integers(1, size), max_size=4)))
    keys = [(s, p) for s, p in zip(segments, periods)]

    def add(book: Book, a: int, b: int) -> None:
        groups = list(dict.fromkeys(keys[a:b]))
        index = np.array([groups.index(k) for k in keys[a:b]])
        book.add("m", block_of(values[a:b], bad[a:b]), groups, index)

    whole, chunked, merged = count_max_book(), count_max_book(), count_max_book()
    add(whole, 0, size)
    for a, b in zip([0, *cuts], [*cuts, size]):
        if a < b:
            add(chunked, a, b)
            part = count_max_book()
            add(part, a, b)
            merged.merge(part)
    assert chunked.accumulators == whole.accumulators
    assert merged.accumulators == whole.accumulators
    assert merged.invalid_examples == chunked.invalid_examples == whole.invalid_examples

    by_segment = whole.rollup("m", lambda k: k[0])
    for segment, acc in by_segment.items():
        mine = [v for v, s, b in zip(values, segments, bad) if s == segment and not b and v == v]
        assert (acc.n, acc.total, acc.largest) == (len(mine), sum(mine), max(mine, default=-np.inf))
        assert acc.blank == sum(1 for v, s, b in zip(values, segments, bad) if s == segment and not b and v != v)
        assert acc.invalid == sum(1 for s, b in zip(segments, bad) if s == segment and b)
    overall = whole.rollup("m", lambda k: ())[()]
    for segment, rest in rests(by_segment, overall, whole.empty("m")).items():
        others = [v for v, s, b in zip(values, segments, bad) if s != segment and not b and v == v]
        assert (rest.n, rest.total, rest.largest) == (len(others), sum(others), max(others, default=-np.inf))


def test_rests_merge_the_other_parts_when_the_accumulator_does_not_subtract():
    parts = {"a": CountMax(2, 5.0, 4.0), "b": CountMax(1, 9.0, 9.0), "c": CountMax(3, 3.0, 2.0, blank=1), "d": CountMax(1, 1.0, 1.0)}
    whole = CountMax()
    for acc in parts.values():
        whole += acc
    got = rests(parts, whole, CountMax())
    assert list(got) == ["a", "b", "c", "d"]
    assert got["b"] == CountMax(6, 9.0, 4.0, blank=1)  # the maximum without b is a's 4, which whole − b cannot know
    assert got["d"] == CountMax(6, 17.0, 9.0, blank=1)
    assert rests({"only": parts["a"]}, parts["a"], CountMax()) == {"only": CountMax()}


@given(st.lists(st.lists(st.integers(0, 9), min_size=5, max_size=5), min_size=1, max_size=6))
def test_rests_of_tallies_are_the_whole_minus_the_part_and_equal_the_merge_of_the_others(counts):
    parts = {}
    for i, row in enumerate(counts):
        t = Tally.empty(5)
        t.counts += np.array(row)
        t.weighted += np.array(row) * 0.5
        t.weights_sq = 0.25 * sum(row)
        parts[i] = t
    whole = Tally.empty(5)
    for t in parts.values():
        whole += t
    got = rests(parts, whole, Tally.empty(5))
    for i, rest in got.items():
        assert rest == whole - parts[i]  # the tally subtracts: the order of sums published figures used
        others = Tally.empty(5)
        for j, t in parts.items():
            if j != i:
                others += t
        assert rest == others


def test_binning_maps_slots_to_points_and_back():
    seven = Binning.of(Band(1, 7))
    assert seven.width == 7
    assert [seven.value(i) for i in range(7)] == [1, 2, 3, 4, 5, 6, 7]
    assert seven.values().tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert seven.values(np.array([0, 6, 3])).tolist() == [1, 7, 4]
    assert (seven.slot(1), seven.slot(7), seven.slot(0), seven.slot(8)) == (0, 6, None, None)
    assert list(seven.slots(Band(5, 7))) == [4, 5, 6]
    assert list(Binning(-3, 3).slots(Band(-3, -2))) == [0, 1]


def test_the_book_gives_each_metric_a_tally_over_its_own_scale():
    specs = [MetricSpec(type="nps", column="a"), MetricSpec(type="csat", column="b"), MetricSpec(type="ces", column="c", scale=[1, 10], name="effort")]
    book = Book.of(specs)
    assert [book.empty(spec.name).counts.size for spec in specs] == [11, 5, 10]
    parser = AnswerParser(specs[2], [])
    codes = np.array([parser.code(t) for t in ["1", "10", "4", "11", ""]]) + 2
    book.add("effort", EncodedColumn(codes, Counter({"11": 1})), [("x",)])
    tally = book.get("effort", ("x",))
    assert (tally.n, tally.blank, tally.invalid) == (3, 1, 1)
    assert [parser.binning.value(int(i)) for i in np.flatnonzero(tally.counts)] == [1, 4, 10]


def test_a_table_that_is_not_a_tally_needs_no_change_to_the_book():
    table = CountMaxTable()
    book = Book({"m": table})
    book.add("m", block_of([3.0, float("nan"), 8.0], [False, False, True]), [0])
    assert book.get("m", 0) == CountMax(1, 3.0, 3.0, blank=1, invalid=1)
    assert book.get("m", 1) == CountMax()
    assert book.invalid_examples == {"m": Counter({"bad 8.0": 1})}
    assert isinstance(Book.of([MetricSpec(type="csat", column="q")])._tables["csat"], TallyTable)


@pytest.mark.parametrize("scale, text, point", [((0, 10), "0", 0), ((1, 5), "5", 5), ((1, 7), "4", 4)])
def test_an_answer_lands_in_its_binning_slot(scale, text, point):
    spec = MetricSpec(type="csat", column="q", scale=list(scale))
    parser = AnswerParser(spec, [])
    assert parser.binning.value(parser.code(text)) == point
