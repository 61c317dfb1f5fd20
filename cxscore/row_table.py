"""Result rows made when read (issue 18 item 1): a breakdown's period and cell rows stay as the
arrays they were scored in, and each row is made as a :class:`ResultRow` only when something reads
it — the JSON, JSON Lines and CSV writers a few thousand at a time, which they then drop. 300,000
rows held as objects took ~270 MB.

Rows that others change after scoring — the overall and segment rows and each series' latest row,
on which targets, alerts and the --baseline comparison are set — are made once and kept
(:func:`kept`); a change to every row (a benchmark) is registered with :func:`each_row` and applied
to each row as it is made. A row read twice is made twice: equal, not the same object.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

from .lazy_sequence import MadeOnRead
from .records import ResultRow

if TYPE_CHECKING:
    import numpy as np

#: Rows made at a time while iterating.
BATCH = 4096
#: What makes the fresh rows of the positions [start, stop).
Maker = Callable[[int, int], list[ResultRow]]


class RowColumns(NamedTuple):
    """The rows at positions [start, stop) of a row table as the arrays they are made from, one entry per
    row: what the JSON, JSON Lines and CSV writers format a column at a time (:mod:`cxscore.render.row_text`)
    instead of making a :class:`ResultRow` each. Each field stands for the row field of the same name;
    ``kept``: the rows held as objects (targets, trends, baselines set on them), by position from ``start``,
    written as they are instead of from the arrays. ``trend``, ``distribution``, ``benchmark``, ``target``
    and ``status`` are None on every other row."""

    metric: str
    type: str
    segments: list[dict[str, Any]]  # the distinct segments ...
    segment: np.ndarray  # ... and each row's place among them
    periods: list[str]  # the distinct period labels ...
    period: np.ndarray  # ... and each row's place among them
    n: np.ndarray
    blank: np.ndarray
    invalid: np.ndarray
    answered: np.ndarray  # bool: value and components are None where false
    value: np.ndarray
    components: dict[str, np.ndarray]  # an answered row's, in its order (an object column may hold None: a duration's within_pct without a target)
    unanswered: tuple[str, ...]  # the component names (each None) of a row without answers
    n_eff: np.ndarray  # deff is n / n_eff, None where n_eff is 0
    enough: np.ndarray  # bool: se, ci_low, ci_high, ci_method and margin are None where false
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    ends: tuple[int, int] | None  # a bound equal to one of these is that int (:class:`cxscore.stats_arrays.Intervals`)
    ci_method: str
    margin: np.ndarray
    low_n: np.ndarray
    tested: np.ndarray  # bool: significance is None where false, else {against, diff, p_value, p_adjusted, significant, direction, mdd}
    against: str
    diff: np.ndarray
    p_value: np.ndarray
    p_adjusted: np.ndarray  # NaN: not in the false-discovery-rate family (p_adjusted None, not significant)
    mdd: np.ndarray  # NaN: None
    alpha: float
    kept: dict[int, ResultRow]


class RowTable(MadeOnRead[ResultRow]):
    """``size`` rows, made by ``make(start, stop)`` when read, except those ``kept`` (position → row).
    ``bare``: the positions of rows with two or more answers and no interval (for the note about them)."""

    def __init__(self, make: Maker, size: int, kept: dict[int, ResultRow], bare: list[int], columns: Callable[[int, int], RowColumns] | None = None):
        self._make, self._size, self._kept, self.bare = make, size, kept, bare
        self._finish: list[Callable[[ResultRow], None]] = []
        self._columns = columns

    def __len__(self) -> int:
        return self._size

    def _one(self, i: int) -> ResultRow:
        return self._kept[i] if i in self._kept else self._run(i, i + 1)[0]

    def __iter__(self) -> Iterator[ResultRow]:
        for start in range(0, self._size, BATCH):
            yield from self._run(start, min(self._size, start + BATCH))

    def _run(self, start: int, stop: int) -> list[ResultRow]:
        if stop <= start:
            return []
        rows = self._make(start, stop)
        for row in rows:
            for finish in self._finish:
                finish(row)
        for place, row in self._kept.items():
            if start <= place < stop:
                rows[place - start] = row
        return rows

    def each(self, finish: Callable[[ResultRow], None]) -> None:
        """Apply ``finish`` to every row: the kept ones now, the others as they are made."""
        self._finish.append(finish)
        for row in self._kept.values():
            finish(row)

    def kept(self) -> list[ResultRow]:
        return [self._kept[place] for place in sorted(self._kept)]

    def as_columns(self, start: int, stop: int) -> RowColumns | None:
        """The rows [start, stop) as arrays; None when they are only made as rows (a change registered
        with :meth:`each` applies to rows, or the table has no array form)."""
        if self._columns is None or self._finish:
            return None
        columns = self._columns(start, stop)
        return columns._replace(kept={place - start: row for place, row in self._kept.items() if start <= place < stop})

    def __reduce__(self) -> tuple[type, tuple[list[ResultRow]]]:
        """Pickled (a report cached or sent to another process) as the list of its rows: what makes them stays here."""
        return list, (list(self),)


class Rows(MadeOnRead[ResultRow]):
    """Lists and row tables read as one sequence of rows (a metric's rows, a report's)."""

    def __init__(self, parts: Sequence[Sequence[ResultRow]] = ()):
        self.parts = [p for p in parts if len(p)]
        self._starts = [0]
        for part in self.parts:
            self._starts.append(self._starts[-1] + len(part))

    def __len__(self) -> int:
        return self._starts[-1]

    def _run(self, start: int, stop: int) -> list[ResultRow]:
        out: list[ResultRow] = []
        for part, first in zip(self.parts, self._starts):
            if first < stop and first + len(part) > start:
                out += part[max(0, start - first) : stop - first]
        return out

    def _one(self, i: int) -> ResultRow:
        for part, first in zip(self.parts, self._starts):
            if i < first + len(part):
                return part[i - first]
        raise IndexError(i)  # not reached: i < len(self)

    def __iter__(self) -> Iterator[ResultRow]:
        return chain.from_iterable(self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows)"


def blocks(rows: Sequence[Any], size: int) -> Iterator[RowColumns | Sequence[Any]]:
    """``rows`` in order, ``size`` at a time: as :class:`RowColumns` where a row table has them, else as
    the rows (or other items) themselves."""
    for part in rows.parts if isinstance(rows, Rows) else [rows]:
        for start in range(0, len(part), size):
            stop = min(len(part), start + size)
            columns = part.as_columns(start, stop) if isinstance(part, RowTable) else None
            yield part[start:stop] if columns is None else columns


def kept(rows: Sequence[ResultRow]) -> list[ResultRow]:
    """The rows held as objects: all of a list's, a row table's kept ones (in order)."""
    if isinstance(rows, RowTable):
        return rows.kept()
    if isinstance(rows, Rows):
        return [row for part in rows.parts for row in kept(part)]
    return list(rows)


def each_row(rows: Sequence[ResultRow], finish: Callable[[ResultRow], None]) -> None:
    """Apply ``finish`` to every row, now or (rows made when read) as each is made."""
    if isinstance(rows, (RowTable, Rows)):
        for part in rows.parts if isinstance(rows, Rows) else []:
            each_row(part, finish)
        if isinstance(rows, RowTable):
            rows.each(finish)
        return
    for row in rows:
        finish(row)


def without_interval(rows: Sequence[ResultRow]) -> list[int]:
    """Positions of the rows with two or more answers and no interval, without making the others."""
    if isinstance(rows, RowTable):
        return rows.bare
    if isinstance(rows, Rows):
        return [first + place for part, first in zip(rows.parts, rows._starts) for place in without_interval(part)]
    return [i for i, r in enumerate(rows) if r.n >= 2 and r.ci_low is None]


def as_rows(parts: Sequence[Any]) -> Rows:
    """Row sequences (lists, row tables, Rows) as one."""
    return Rows([p for part in parts for p in (part.parts if isinstance(part, Rows) else [part])])
