"""Sums of a numerator and a denominator per group: the accumulator of the ratio-of-sums kinds
(``ratio``, ``weighted_average``) that score per-interval summary rows (issue 16).

An interval report's row is already an aggregate (an half hour's offered, answered and abandoned
calls, its average handle time), so a KPI over many rows is a ratio of sums — Σ answered in T ÷
Σ offered, Σ(average × count) ÷ Σ count — never a mean of the rows' percentages or a median of their
averages. Each row adds its numerator and denominator to its group's sums. Numerators are kept in
millionths (rounded per row) so that every sum is of integers below 2**53: exact in float64, so
chunked, whole and parallel runs and any merge order give identical results, and the rest of a
segment is ``whole - segment`` exactly.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .normalize import BLANK, INVALID

#: The slot of a row that adds to the sums (after INVALID + 2 = 0 and BLANK + 2 = 1, as for durations).
VALUE = 2
#: Numerators are stored in millionths of their unit (a count, a second).
SCALE = 1_000_000


@dataclass
class RatioColumn:
    """One block of a ratio metric: per row its slot, its numerator (in millionths) and denominator
    (NaN where not a value), and the texts it could not read."""

    slots: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    invalid_texts: Counter = field(default_factory=Counter)


class Sums:
    """One group's sums: Σ numerator (millionths), Σ denominator, and its rows read, blank and invalid."""

    subtractable = True

    def __init__(self, numerator: float = 0.0, denominator: float = 0.0, rows: int = 0, blank: int = 0, invalid: int = 0):
        self.numerator, self.denominator, self.rows, self.blank, self.invalid = numerator, denominator, rows, blank, invalid

    @property
    def n(self) -> int:
        """What the ratio is over: Σ denominator (calls offered, conversations), as a whole count."""
        return int(round(self.denominator))

    def copy(self) -> Sums:
        return Sums(self.numerator, self.denominator, self.rows, self.blank, self.invalid)

    def __iadd__(self, other: Sums) -> Sums:
        self.numerator += other.numerator
        self.denominator += other.denominator
        self.rows += other.rows
        self.blank += other.blank
        self.invalid += other.invalid
        return self

    def __sub__(self, part: Sums) -> Sums:
        return Sums(self.numerator - part.numerator, self.denominator - part.denominator, self.rows - part.rows, self.blank - part.blank, self.invalid - part.invalid)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sums) and self._fields() == other._fields()

    def _fields(self) -> tuple[float, float, int, int, int]:
        return self.numerator, self.denominator, self.rows, self.blank, self.invalid


class SumsTable:
    """One ratio metric's sums for every group of a run (:class:`cxscore.accumulators.Accumulators`):
    float columns Σ numerator, Σ denominator and integer columns rows, blank, invalid per book row."""

    def __init__(self) -> None:
        self.sums = np.zeros((0, 2), dtype=np.float64)
        self.counted = np.zeros((0, 3), dtype=np.int64)

    def empty(self) -> Sums:
        return Sums()

    def _reserve(self, rows: int) -> None:
        if rows > len(self.sums):
            size = max(rows, 2 * len(self.sums))
            self.sums = np.concatenate([self.sums, np.zeros((size - len(self.sums), 2))])
            self.counted = np.concatenate([self.counted, np.zeros((size - len(self.counted), 3), dtype=np.int64)])

    def add(self, block: RatioColumn, rows: np.ndarray, group_index: np.ndarray | None, weights: np.ndarray | None) -> None:
        if weights is not None:
            raise ValueError("ratio metrics take no weights")  # refused before the scan (Kind.weighted is False)
        row_of = rows[np.zeros(len(block.slots), dtype=np.int64) if group_index is None else group_index]
        self._reserve(int(rows.max()) + 1 if len(rows) else 0)
        size = len(self.sums)
        valid = block.slots == VALUE
        self.sums[:, 0] += np.bincount(row_of[valid], weights=block.numerator[valid], minlength=size)
        self.sums[:, 1] += np.bincount(row_of[valid], weights=block.denominator[valid], minlength=size)
        for column, slot in enumerate((VALUE, BLANK + 2, INVALID + 2)):
            self.counted[:, column] += np.bincount(row_of[block.slots == slot], minlength=size)

    def merge(self, other: SumsTable, rows: np.ndarray, source: np.ndarray) -> None:
        if not len(rows):
            return
        self._reserve(int(rows.max()) + 1)
        np.add.at(self.sums, rows, other.sums[source])
        np.add.at(self.counted, rows, other.counted[source])

    def rollup(self, rows: np.ndarray, targets: np.ndarray, size: int) -> list[Sums]:
        rows, targets = np.asarray(rows, dtype=np.int64), np.asarray(targets, dtype=np.int64)
        self._reserve(int(rows.max()) + 1 if len(rows) else 0)
        sums = np.zeros((size, 2))
        counted = np.zeros((size, 3), dtype=np.int64)
        np.add.at(sums, targets, self.sums[rows])
        np.add.at(counted, targets, self.counted[rows])
        return [Sums(a, b, r, bl, inv) for (a, b), (r, bl, inv) in zip(sums.tolist(), counted.tolist())]

    def get(self, row: int) -> Sums:
        return self.rollup(np.array([row]), np.array([0]), 1)[0]


class RatioSummary:
    """What the formulas need from one group's sums: ``mean`` is the ratio Σ numerator ÷ Σ denominator
    (a share for ``ratio``, seconds for ``weighted_average``); ``n`` and ``n_eff`` the denominator."""

    __slots__ = ("n", "n_eff", "total", "mean", "variance", "m2", "m3", "shares", "rows")

    def __init__(self, sums: Sums):
        self.rows = sums.rows
        self.n = sums.n
        self.n_eff = self.total = float(sums.denominator)
        self.mean = sums.numerator / SCALE / sums.denominator if sums.denominator > 0 else 0.0
        self.m2 = self.m3 = self.variance = 0.0
        self.shares: dict[str, float] = {}


def summaries(accumulators: Sequence[Sums]) -> list[RatioSummary]:
    return [RatioSummary(a) for a in accumulators]


#: Thousands separators a count may be written with (``1,234``); a percentage with its sign (``94.01%``).
_COUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.0+)?|\d+(?:\.0+)?")
_SHARE = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*%?")


def _count(text: str) -> float:
    """A whole, non-negative count (``1,234``); NaN if the text is none."""
    return float(text.replace(",", "")) if _COUNT.fullmatch(text) else math.nan


def _share(text: str) -> float:
    """A percentage, ``94.01%`` or ``94.01``, as a share 0–1; NaN if the text is none or over 100 %."""
    match = _SHARE.fullmatch(text)
    value = float(match.group(1)) / 100 if match else math.nan
    return value if value <= 1 else math.nan


def read_numbers(column: pa.Array | pa.ChunkedArray, kind: str, blank_values: Iterable[str]) -> tuple[np.ndarray, np.ndarray, Counter]:
    """A column of counts (``kind`` "count") or percentages ("share") → (values, slots, invalid texts):
    each distinct text parsed once, then mapped onto the column (blank: null, empty or a blank value)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    blank = {str(v).strip().casefold() for v in blank_values} | {""}
    parse = _count if kind == "count" else _share
    encoded = pc.dictionary_encode(column)
    texts = encoded.dictionary.to_pylist()
    values = [math.nan if t.strip().casefold() in blank else parse(t.strip()) for t in texts] + [math.nan]
    slots_lut = np.array([BLANK + 2 if t.strip().casefold() in blank else (INVALID + 2 if math.isnan(v) else VALUE) for t, v in zip(texts, values)] + [BLANK + 2], dtype=np.intp)
    entries = encoded.indices.fill_null(len(texts)).to_numpy().astype(np.intp, copy=False)
    seen = np.bincount(entries, minlength=len(values))
    invalid = Counter({texts[i]: int(seen[i]) for i in np.flatnonzero(slots_lut == INVALID + 2).tolist() if seen[i]})
    return np.take(np.array(values, dtype=np.float64), entries), np.take(slots_lut, entries), invalid


def combine(parts: list[tuple[str, np.ndarray, Counter]]) -> tuple[np.ndarray, Counter]:
    """The row slots of several columns read together: invalid if any is, else blank if any is; the
    invalid texts as ``column: text``."""
    stacked = np.stack([slots for _, slots, _ in parts])
    slots = np.where((stacked == INVALID + 2).any(axis=0), INVALID + 2, np.where((stacked == BLANK + 2).any(axis=0), BLANK + 2, VALUE)).astype(np.intp)
    examples: Counter = Counter()
    for name, _, texts in parts:
        examples.update({f"{name}: {text}": count for text, count in texts.items()})
    return slots, examples
