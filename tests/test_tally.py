"""Tallies add: chunked, merged and one-shot tallies are identical."""
from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.accumulators import EXAMPLES_KEPT, Book
from cxscore.binning import Binning
from cxscore.normalize import EncodedColumn
from cxscore.tally import TallyTable

codes_strategy = st.lists(st.integers(min_value=-2, max_value=10), min_size=1, max_size=300)


def tally_book() -> Book:
    """A book with one metric "m" on a 0–10 scale."""
    return Book({"m": TallyTable(Binning(0, 10))})


def add_all(book: Book, codes: list[int], groups: list[int], weights=None) -> None:
    encoded = EncodedColumn(np.array(codes, dtype=np.intp) + 2, Counter())  # slots are codes + 2
    book.add("m", encoded, [0, 1, 2], np.array(groups), None if weights is None else np.array(weights))


@given(codes=codes_strategy, data=st.data())
@settings(max_examples=80, deadline=None)
def test_chunked_equals_whole(codes, data):
    groups = data.draw(st.lists(st.integers(0, 2), min_size=len(codes), max_size=len(codes)))
    weights = data.draw(st.lists(st.floats(0.1, 5.0), min_size=len(codes), max_size=len(codes)))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(codes)), max_size=5)))
    for w in (None, weights):
        whole = tally_book()
        add_all(whole, codes, groups, w)
        chunked = tally_book()
        merged = tally_book()
        bounds = [0, *cuts, len(codes)]
        for a, b in zip(bounds, bounds[1:]):
            if a == b:
                continue
            add_all(chunked, codes[a:b], groups[a:b], None if w is None else w[a:b])
            part = tally_book()
            add_all(part, codes[a:b], groups[a:b], None if w is None else w[a:b])
            merged.merge(part)
        assert chunked.accumulators == whole.accumulators
        assert merged.accumulators == whole.accumulators


def test_counts_by_hand():
    book = tally_book()
    add_all(book, [10, 10, 0, -1, -2, 7], [0, 0, 0, 0, 0, 1])
    first = book.get("m", 0)
    assert (first.n, first.blank, first.invalid, first.counts[10], first.counts[0]) == (3, 1, 1, 2, 1)
    assert book.get("m", 1).n == 1 and book.get("m", 1).counts[7] == 1


def test_weights_squared_and_kish_n():
    book = tally_book()
    add_all(book, [10, 0, -1], [0, 0, 0], weights=[3.0, 1.0, 7.0])  # the blank row's weight is ignored
    t = book.get("m", 0)
    assert t.weighted[10] == 3.0 and t.weight_total == 4.0 and t.weights_sq == 10.0
    assert t.n_eff == 16 / 10


@given(st.lists(st.lists(st.sampled_from("abcdefghij"), min_size=1, max_size=8), min_size=1, max_size=6))
def test_invalid_examples_do_not_depend_on_order(parts):
    def book_from(order):
        book = tally_book()
        for texts in order:
            book.add("m", EncodedColumn(np.zeros(len(texts), dtype=np.intp), Counter(texts)), [0])  # slot 0: invalid
        return book.invalid_examples["m"]

    forward, backward = book_from(parts), book_from(list(reversed(parts)))
    assert forward == backward
    everything = Counter(t for texts in parts for t in texts)
    assert dict(forward) == {t: everything[t] for t in sorted(everything)[:EXAMPLES_KEPT]}
