"""Roll-ups at array speed (issue 18): keys numbered with arrays, rows found and rolled up with NumPy,
summaries and rests of a whole roll-up from its arrays — each checked against the scalar way it
replaced (a dict per key, np.add.at over rows, a Tally per group, Tally.n_eff, Tally.__sub__)."""
from __future__ import annotations

import pickle
from collections import Counter

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.accumulators import Book, everything
from cxscore.binning import Binning
from cxscore.config import MetricSpec
from cxscore.grouping import GroupKey, GroupKeys, Grouper, Grouping
from cxscore.keys import KeyIndex, KeyList, PackedIndex, pack
from cxscore.metrics import effective_n, summarise
from cxscore.normalize import EncodedColumn
from cxscore.records import InputInfo
from cxscore.tally import Tally, TallyRows, TallyTable, _scatter

NPS = MetricSpec(type="nps", column="q")


def scalar_rollup(table: TallyTable, keys: list, key) -> dict:
    """The roll-up as it was: a key call and a dict per group, np.add.at over rows, a Tally per coarser group."""
    coarse: dict = {}
    rows, targets = [], []
    for row, group in enumerate(keys):
        wider = key(group)
        if wider is not None:
            rows.append(row)
            targets.append(coarse.setdefault(wider, len(coarse)))
    out = {}
    sums = []
    for array in (table.counts, table.weighted, table.extra):
        total = np.zeros((len(coarse), array.shape[1]), dtype=array.dtype)
        np.add.at(total, targets, array[rows])
        sums.append(total)
    for i, wider in enumerate(coarse):
        counts, weighted, extra = (s[i] for s in sums)
        out[wider] = Tally(counts, weighted, float(extra[0]), int(extra[1]), int(extra[2]), int(extra[3]))
    return out


def identical(a: Tally, b: Tally) -> bool:
    """Equal to the last bit (Tally.__eq__ allows float rounding)."""
    return (
        np.array_equal(a.counts, b.counts)
        and a.weighted.tobytes() == b.weighted.tobytes()
        and (a.weights_sq, a.blank, a.invalid, a.not_applicable) == (b.weights_sq, b.blank, b.invalid, b.not_applicable)
    )


@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_rollups_equal_the_scalar_rollup_to_the_last_bit(data):
    """Weighted answers in many groups, added in blocks: every roll-up (segment, period, cell, everything)
    holds the same keys in the same order with the same sums, bit for bit, as the per-group Python one."""
    size = data.draw(st.integers(1, 300))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    segments = rng.integers(0, data.draw(st.integers(1, 40)), size)
    periods = rng.integers(-1, 4, size)
    codes = rng.integers(0, 13, size)  # slots: invalid, blank, 0–10
    weights = rng.uniform(0.1, 3.0, size)
    cuts = sorted(data.draw(st.sets(st.integers(1, size), max_size=4)))
    book = Book({"m": TallyTable(Binning(0, 10))})
    for a, b in zip([0, *cuts], [*cuts, size]):
        keys = [GroupKey((f"s{s}",), int(p)) for s, p in zip(segments[a:b], periods[a:b])]
        groups = list(dict.fromkeys(keys))
        index = np.array([groups.index(k) for k in keys], dtype=np.intp)
        book.add("m", EncodedColumn(codes[a:b].astype(np.intp), Counter()), groups, index, weights[a:b])
    table, order = book._tables["m"], [book.keys.keys[i] for i in book._rows["m"].key_ids()]
    for key in (everything, lambda k: k.segment, lambda k: None if k.period == -1 else k.period, lambda k: k if k.period % 2 else None):
        fast, slow = book.rollup("m", key), scalar_rollup(table, order, key)
        assert list(fast) == list(slow)
        assert all(identical(fast[k], slow[k]) for k in slow)
        assert all(identical(t, slow[k]) for k, t in zip(fast, fast.parts))


def test_a_grouper_s_key_list_and_a_plain_list_give_the_same_book():
    """The array path (a KeyList in the book's numbering) and the dict path number rows alike."""
    rows = ["b", "a", "b", "c", "a", "d"]
    batch = pa.record_batch([pa.array(rows), pa.array(["7", "9", "10", "3", "", "x"])], names=["seg", "q"])
    grouper = Grouper(Grouping(by=["seg"]), ["seg", "q"], InputInfo(path="x.csv", format=""), None)
    _, keys, index, _ = grouper.apply(batch)
    assert isinstance(keys, KeyList) and [k.segment for k in keys] == [("b",), ("a",), ("c",), ("d",)]
    codes = np.array([9, 11, 12, 5, 1, 0], dtype=np.intp)
    fast, slow = Book({"m": TallyTable(Binning(0, 10))}), Book({"m": TallyTable(Binning(0, 10))})
    fast.add("m", EncodedColumn(codes, Counter()), keys, index)
    slow.add("m", EncodedColumn(codes, Counter()), list(keys), index)
    assert fast.keys is grouper.keys and slow.keys is not grouper.keys  # the array path took the grouper's numbering
    assert fast.accumulators == slow.accumulators and list(fast.accumulators) == list(slow.accumulators)
    back = pickle.loads(pickle.dumps(fast))  # a worker's book: its numbering travels as its keys
    assert type(back.keys) is KeyIndex and back.accumulators == fast.accumulators
    assert [type(key) for key in back.keys.keys] == [GroupKey] * 4 and back.keys.keys == fast.keys.keys
    assert Book({"m": TallyTable(Binning(0, 10))}).merge(back).merge(slow).rollup("m", everything)[()].n == 8


def test_group_keys_share_one_key_for_texts_that_clean_alike_and_across_blocks():
    keys = GroupKeys(1)
    first = keys.block_keys(3, [keys.label_codes(0, ["Chat", " Chat ", None])], None)
    assert list(first) == [GroupKey(("Chat",), None), GroupKey(("Chat",), None), GroupKey(("(blank)",), None)]
    assert first.ids.tolist() == [0, 0, 1]
    assert keys.block_keys(2, [keys.label_codes(0, ["", "Chat"])], None).ids.tolist() == [1, 0] and len(keys) == 2
    dated = GroupKeys(2)  # two --by columns and a period
    first = dated.block_keys(2, [dated.label_codes(0, ["a", "b"]), dated.label_codes(1, ["x", "x"])], np.array([202501, -1]))
    assert list(first) == [GroupKey(("a", "x"), 202501), GroupKey(("b", "x"), -1)] and first.ids.tolist() == [0, 1]
    again = dated.block_keys(3, [dated.label_codes(0, ["b", "a", "a"]), dated.label_codes(1, ["x", "x", "y"])], np.array([-1, 202501, 202501]))
    assert again.ids.tolist() == [1, 0, 2] and again[2] == GroupKey(("a", "y"), 202501) and len(dated) == 3


def test_packed_index_numbers_values_in_the_order_first_seen():
    index = PackedIndex()
    assert index.ids(np.array([50, 7, 50, 3])).tolist() == [0, 1, 0, 2]
    assert index.ids(np.array([3, 99, -4, 99])).tolist() == [2, 3, 4, 3]
    assert index.find(np.array([7, 8])).tolist() == [1, -1]
    assert pack(np.array([1]), np.array([2])).tolist() == [(1 << 32) + 2]


def test_a_key_function_is_called_once_per_key_for_every_metric():
    calls = []

    def segment(key):
        calls.append(key)
        return key[0]

    index = KeyIndex()
    index.ids_of([("a", 1), ("b", 1), ("a", 2)])
    assert index.coarse(segment)[0].tolist() == [0, 1, 0]
    index.ids_of([("c", 1)])
    assert index.coarse(segment) == (index.coarse(segment)[0], ["a", "b", "c"]) and len(calls) == 4


@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_vectorised_summaries_n_eff_and_rests_equal_the_scalar_ones(data):
    """A roll-up's arrays summarised at once = the same tallies summarised one by one; the rests
    (whole - part for all parts at once) = Tally.__sub__; n_eff = Tally.n_eff — to the last bit."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    groups = data.draw(st.integers(1, 30))
    table = TallyTable(Binning(0, 10), groups)
    counts = rng.integers(0, 20, (groups, 11)) * (rng.random((groups, 11)) < data.draw(st.floats(0.1, 1.0)))
    weighted = data.draw(st.booleans())
    table.counts, table.weighted = counts, counts * (rng.uniform(0.2, 3.0, (groups, 11)) if weighted else 1.0)
    table.extra = np.zeros((groups, 4))
    table.extra[:, 0] = (table.weighted**2).sum(axis=1) / np.maximum(table.counts.sum(axis=1), 1) if weighted else table.weighted.sum(axis=1)
    table.extra[:, 1:] = rng.integers(0, 5, (groups, 3))
    rows = TallyRows(table, groups)
    tallies = list(rows)
    whole = Tally.empty(11)
    for t in tallies:
        whole += t
    assert effective_n(NPS, rows) == [t.n_eff for t in tallies]
    for fast, slow in zip(summarise(NPS, rows), summarise(NPS, tallies)):
        assert {k: getattr(fast, k) for k in fast.__slots__} == {k: getattr(slow, k) for k in slow.__slots__}
    chosen = sorted(set(data.draw(st.lists(st.integers(0, groups - 1), max_size=groups))))
    rests = rows.take(chosen).rests(whole)
    assert all(identical(fast, whole - tallies[i]) for fast, i in zip(rests, chosen))
    for fast, slow in zip(summarise(NPS, rests), summarise(NPS, [whole - tallies[i] for i in chosen])):
        assert {k: getattr(fast, k) for k in fast.__slots__} == {k: getattr(slow, k) for k in slow.__slots__}


@given(data=st.data())
@settings(max_examples=60, deadline=None)
def test_scatter_adds_as_np_add_at_does(data):
    """Distinct rows into a filled table, or any rows into a new one: dense (bincount) and sparse (flat add.at) = np.add.at on rows."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    size, width = data.draw(st.integers(1, 50)), data.draw(st.integers(1, 5))
    fresh = data.draw(st.booleans())
    rows = rng.integers(0, size, data.draw(st.integers(0, 80))) if fresh else rng.permutation(size)[: data.draw(st.integers(0, size))]
    for dtype in (np.int64, np.float64):
        start = np.zeros((size, width), dtype=dtype) if fresh else (rng.uniform(0, 9, (size, width)) * 1e3).astype(dtype)
        values = (rng.uniform(0, 9, (len(rows), width)) * 1e3).astype(dtype)
        expected = start.copy()
        np.add.at(expected, rows, values)
        for dense in (False, True):
            got = start.copy()
            _scatter(got, rows, values, dense=dense)
            assert got.tobytes() == expected.tobytes()



def old_counts_groups(table: pa.Table, by: list[str], period: str | None, where: str):
    """counts._groups as it was: np.unique over the rows of label numbers (axis=0)."""
    import pyarrow.compute as pc

    from cxscore import counts

    labels, numbers = [], []
    for name in by:
        encoded = pc.dictionary_encode(table.column(name).cast(pa.string()).combine_chunks(), null_encoding="encode")
        cleaned = [" ".join((text or "").split()) or "(blank)" for text in encoded.dictionary.to_pylist()]
        positions: dict[str, int] = {}
        lookup = np.array([positions.setdefault(text, len(positions)) for text in cleaned], dtype=np.intp)
        labels.append(list(positions))
        numbers.append(np.take(lookup, encoded.indices.to_numpy(zero_copy_only=False)))
    if period:
        which, codes = counts._period_codes(table.column("cx_period").cast(pa.string()).combine_chunks(), period, where)
        labels.append(codes.tolist())
        numbers.append(which)
    present, index = np.unique(np.column_stack(numbers), axis=0, return_inverse=True)
    keys = []
    for combination in present.tolist():
        names = [labels[k][i] for k, i in enumerate(combination)]
        keys.append(GroupKey(tuple(names[: len(by)]), names[len(by)] if period else None))
    return keys, index.reshape(-1).astype(np.intp)


@given(data=st.data())
@settings(max_examples=30, deadline=None)
def test_counts_groups_are_numbered_as_before(data):
    """--tallies: a counts table's groups from one 1-D code (renumbered before it could overflow) are
    the keys, in the order, that np.unique over the rows of label numbers gave (4 s for 700k counts rows)."""
    from cxscore import counts

    size = data.draw(st.integers(1, 60))
    table = pa.table({
        "a": data.draw(st.lists(st.sampled_from(["x", " x", "y", "z", None]), min_size=size, max_size=size)),
        "b": data.draw(st.lists(st.sampled_from(["1", "2", "3"]), min_size=size, max_size=size)),
        "cx_period": data.draw(st.lists(st.sampled_from(["2025-01-06", "2025-01-13", "", "2024-12-30"]), min_size=size, max_size=size)),
    })
    limit = counts._CODE_LIMIT
    try:
        for by, period in ((["a", "b"], "week"), (["b"], None), ([], "week")):
            expected_keys, expected_index = old_counts_groups(table, by, period, "c.csv")
            for cap in (limit, 2):  # 2: renumbered at every column
                counts._CODE_LIMIT = cap
                keys, index = counts._groups(table, by, period, "c.csv")
                assert keys == expected_keys and index.tolist() == expected_index.tolist()
    finally:
        counts._CODE_LIMIT = limit


def test_the_default_group_limit_lets_200000_customers_through(monkeypatch):
    """Issue 18's case, 3M rows with 200,000 customers, exited 2 under the old default (100,000 groups)."""
    from cxscore import scan
    from cxscore.errors import InputError

    monkeypatch.delenv("CXSCORE_MAX_GROUPS", raising=False)
    book = Book({"m": TallyTable(Binning(0, 10))})
    keys = [GroupKey((f"C{i:06d}",), None) for i in range(200_001)]
    book.add("m", EncodedColumn(np.full(len(keys), 7, dtype=np.intp), Counter()), keys, np.arange(len(keys)))
    scan.check_groups(book, Grouping(by=["customer"]))  # passes
    book.add("m", EncodedColumn(np.full(50_000, 7, dtype=np.intp), Counter()), [GroupKey((f"D{i}",), None) for i in range(50_000)], np.arange(50_000))
    try:
        scan.check_groups(book, Grouping(by=["customer"]))
    except InputError as exc:
        assert "more than 250,000 groups" in exc.message
    else:
        raise AssertionError("250,001 groups passed the default limit")


@given(weighted=st.booleans(), rows=st.integers(1, 40), data=st.data())
@settings(max_examples=30, deadline=None)
def test_a_pickled_table_is_the_same_table(weighted, rows, data):
    """A worker's tally table travels without its spare rows and, unweighted, without its weighted
    counts (rebuilt from the counts): the same tallies either way, bit for bit."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    codes = rng.integers(0, 13, 300).astype(np.intp)
    table = TallyTable(Binning(0, 10))
    table.add(EncodedColumn(codes, Counter()), np.arange(rows), rng.integers(0, rows, 300), rng.uniform(0.1, 3, 300) if weighted else None)
    back = pickle.loads(pickle.dumps(table))
    assert len(back.counts) == table.used <= len(table.counts) and back.unweighted is not weighted
    for row in range(rows):
        assert identical(back.get(row), table.get(row))
