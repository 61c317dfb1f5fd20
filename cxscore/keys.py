"""Dense integer ids for group keys, so a book finds its rows with NumPy rather than a dict per key per block.

A :class:`KeyIndex` numbers hashable keys in the order first seen (a dict, per distinct key). A scan's
grouper gives each block's keys as a :class:`KeyList`: the keys (a list, as before) with their ids in
the grouper's index, found by :class:`PackedIndex` from integer codes (NumPy over the block's groups;
a key object is made once per distinct key of the whole run). A book whose index is that grouper's
then maps ids to its rows with array lookups, and rolls groups up through a cached id → coarse-id
array per key function (:meth:`KeyIndex.coarse`): one Python call per distinct key per run, not per
metric, block and roll-up.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import numpy as np

#: Both halves of a packed pair must be below this (ids and codes are counts of distinct things).
PAIR_LIMIT = 1 << 31


def pack(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """One int64 for two non-negative codes below :data:`PAIR_LIMIT`."""
    return (high.astype(np.int64) << 32) | low.astype(np.int64)


class PackedIndex:
    """Dense ids, in first-seen order, for int64 values: a sorted copy searched with ``searchsorted``."""

    def __init__(self) -> None:
        self._sorted = np.zeros(0, dtype=np.int64)
        self._ids = np.zeros(0, dtype=np.int64)  # the id of each sorted value

    def __len__(self) -> int:
        return len(self._sorted)

    def find(self, values: np.ndarray) -> np.ndarray:
        """Each value's id, -1 where it has none yet."""
        if not len(self._sorted):
            return np.full(len(values), -1, dtype=np.int64)
        at = np.minimum(np.searchsorted(self._sorted, values), len(self._sorted) - 1)
        return np.where(self._sorted[at] == values, self._ids[at], -1)

    def ids(self, values: np.ndarray, first: int | None = None) -> np.ndarray:
        """Each value's id; values not seen before get the next ids (from ``first``, default the count)
        in the order they first occur."""
        ids = self.find(values)
        missing = ids < 0
        if missing.any():
            new, where, inverse = np.unique(values[missing], return_index=True, return_inverse=True)
            order = np.argsort(where, kind="stable")
            rank = np.empty(len(new), dtype=np.int64)
            rank[order] = np.arange(len(new))
            start = len(self._sorted) if first is None else first
            self.assign(new, start + rank)
            ids[missing] = (start + rank)[inverse.reshape(-1)]
        return ids

    def assign(self, values: np.ndarray, ids: np.ndarray) -> None:
        """Give these new (distinct, unseen) values these ids."""
        at = np.searchsorted(self._sorted, values)
        self._sorted = np.insert(self._sorted, at, values)
        self._ids = np.insert(self._ids, at, ids)


class KeyIndex:
    """Hashable keys numbered 0, 1, … in the order first seen."""

    def __init__(self) -> None:
        self.keys: list[Any] = []
        self._ids: dict[Hashable, int] = {}
        self._coarse: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # key function → (ids so far, their coarse ids, coarse keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __reduce__(self) -> tuple:
        """Pickled (a worker's book on its way back) as its keys alone: the parent translates them once."""
        return _index_of, (self.keys,)

    def find(self, key: Hashable) -> int | None:
        """The key's id, None when it has none."""
        return self._ids.get(key)

    def ids_of(self, keys: Iterable[Hashable]) -> np.ndarray:
        """Each key's id (new keys numbered as they come)."""
        known = self._ids
        out = []
        for key in keys:
            i = known.get(key)
            if i is None:
                i = known[key] = len(self.keys)
                self.keys.append(key)
            out.append(i)
        return np.array(out, dtype=np.int64)

    def coarse(self, key: Callable[[Any], Hashable | None]) -> tuple[np.ndarray, list]:
        """Every id's coarser key under ``key`` as a number (-1 where ``key`` gives None), and the coarser
        keys those numbers stand for. Cached per key function (one call per distinct key of the run)."""
        try:
            cached = self._coarse.get(key)
        except TypeError:  # not weakly referable: computed afresh
            cached = None
        seen, numbers, coarse = cached or (0, np.zeros(0, dtype=np.int64), list[Hashable]())
        if seen < len(self.keys):
            wider = list(map(key, self.keys[seen:]))  # map, dict and fromiter: the loops run in C
            known = set(coarse)
            coarse.extend(c for c in dict.fromkeys(wider) if c is not None and c not in known)
            place = dict(zip(coarse, range(len(coarse))))
            place[None] = -1
            numbers = np.concatenate([numbers, np.fromiter(map(place.__getitem__, wider), dtype=np.int64, count=len(wider))])
            try:
                self._coarse[key] = (len(self.keys), numbers, coarse)
            except TypeError:
                pass
        return numbers, coarse


def _index_of(keys: list) -> KeyIndex:
    index = KeyIndex()
    index.ids_of(keys)
    return index


class KeyList(list):
    """A block's group keys (a list, as any caller expects) with their ids in ``numbering``."""

    def __init__(self, keys: Iterable[Hashable], ids: np.ndarray, index: KeyIndex):
        super().__init__(keys)
        self.ids = ids
        self.numbering = index
