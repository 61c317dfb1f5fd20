"""A read-only sequence whose items are made when read, so that millions of result rows, tallies or
headrooms cost nothing until a writer or a sheet asks for them (and then a run at a time)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class MadeOnRead(Sequence[T]):
    """Indexing and slicing for a sequence that makes its items: a subclass gives ``__len__`` and
    ``_run(start, stop)`` (the items at those positions), and may give ``_one(i)`` when one item is
    cheaper made alone."""

    def _run(self, start: int, stop: int) -> list[T]:
        raise NotImplementedError

    def _one(self, i: int) -> T:
        return self._run(i, i + 1)[0]

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        size = len(self)
        if isinstance(i, slice):
            start, stop, step = i.indices(size)
            if step == 1:
                return self._run(start, stop) if stop > start else []
            return [self._one(j) for j in range(start, stop, step)]
        if not -size <= i < size:
            raise IndexError(i)
        return self._one(i % size)
