"""Per block: filter rows (:mod:`cxscore.filters`), then give each row its group.

A group key is a :class:`GroupKey`: the --by values and the period code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import repeat
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .answer_text import canonical
from .columns import resolve_column
from .dates import detect_date_column, is_blank, merge_basis, periods_of, placeholders, read_dates, unread_texts
from .errors import InputError, param
from .filters import Condition, Latest, RowFilter
from .keys import KeyIndex, KeyList, PackedIndex, pack
from .records import InputInfo, add_invalid_dates

if TYPE_CHECKING:
    from .sources.layouts import ResponseFilter

FILE = "file"  # --by file: the input file's name
BLANK_SEGMENT = "(blank)"


def segment_label(text: str | None, blank: frozenset[str] = frozenset()) -> str:
    """A --by value as a segment: spacing cleaned; empty, or one of the blank values (canonical), is :data:`BLANK_SEGMENT`."""
    name = " ".join((text or "").split())
    return BLANK_SEGMENT if not name or canonical(name) in blank else name


class GroupKey(NamedTuple):
    """Which group a row's answers are tallied in (a tuple, so it hashes and compares as one)."""

    segment: tuple[str, ...]  # the --by values, in --by order; () without --by
    period: int | None  # a period code (dates.periods_of), dates.UNDATED without a usable date; None without --period


@dataclass
class Grouping:
    """What to filter and group by, as asked (column names not yet looked up in a source)."""

    by: list[str] = field(default_factory=list)
    period: str | None = None
    date_column: str | None = None
    dayfirst: bool | None = None  # None: decided per file from its values (dates.choose_order)
    since: datetime | None = None
    until: datetime | None = None
    where: list[Condition] = field(default_factory=list)
    weight: str | None = None
    dedupe: str | None = None  # respondent column: keep each respondent's latest answer

    @property
    def needs_dates(self) -> bool:
        return bool(self.period or self.since or self.until)

    @property
    def wants_dates(self) -> bool:
        """Dates help (the latest answer per respondent) without being required."""
        return bool(self.dedupe) and not self.needs_dates


class Grouper:
    """The grouping resolved against one source's columns; applied block by block."""

    def __init__(self, grouping: Grouping, columns: list[str], info: InputInfo, date_column: str | None, exclusions: Sequence[ResponseFilter] = (),
                 blank_values: Sequence[str] = (), segment_blanks: Sequence[str] = ()):
        where = info.path
        self.blank = frozenset(canonical(v) for v in blank_values)  # the run's "no answer" texts: blank as a date too
        self.segment_blank = frozenset(canonical(v) for v in segment_blanks)  # --by values that are the (blank) segment (config.segment_blank_values)
        self.filters = RowFilter(grouping, columns, info, exclusions)
        self.g = grouping
        self.info = info
        self.file_label = Path(info.path).name
        self.by = [None if name == FILE else resolve_column(name, columns, where, f"{param('by')} {name}") for name in grouping.by]
        self.keys = GroupKeys(len(self.by), self.segment_blank)  # the run's keys, numbered once (a book adopts this numbering)
        self.date_column = date_column
        self.dedupe = resolve_column(grouping.dedupe, columns, where, param("dedupe")) if grouping.dedupe else None
        self.keep_rows: Latest | None = None  # the part's rows that survive --dedupe (set per part)
        self.track_rows = False  # give each kept row its place in the part (kept_positions), as --dedupe and comments need
        self.row = 0

    def columns(self) -> list[str]:
        return list(dict.fromkeys([*self.segment_columns(), *([self.date_column] if self.date_column else []), *self.filter_columns()]))

    def segment_columns(self) -> list[str]:
        return [c for c in self.by if c]

    def filter_columns(self) -> list[str]:
        """The columns read for filters, weights and respondents (a column may be listed twice)."""
        return [c for c in (self.filters.weight, self.dedupe) if c] + self.filters.condition_columns()

    def apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, KeyList, np.ndarray, np.ndarray | None]:
        """The kept rows, the group keys present, each kept row's index into them, and the weights."""
        rows = batch.num_rows
        keep = self.filters.responses(batch)
        times = self._dates(batch, keep) if self.date_column else None
        if times is not None and self.filters.has_range:
            keep = self.filters.in_range(times, keep)
        weights = None
        if self.filters.weight:
            weights, keep = self.filters.weights(batch, keep)

        positions = np.arange(self.row, self.row + rows) if self.dedupe or self.track_rows else None
        if self.keep_rows is not None:
            latest = self.keep_rows.mask(self.row, rows)
            self.info.duplicates_dropped += int((keep & ~latest).sum())
            keep &= latest
        self.row += rows
        if not keep.all():
            mask = pa.array(keep)
            positions = positions[keep] if positions is not None else None
            batch = batch.filter(mask)
            times = times.filter(mask) if times is not None else None
            weights = weights[keep] if weights is not None else None
        self.kept_positions, self.kept_times = positions, times
        keys, index = self._groups(batch, times)
        return batch, keys, index, weights

    def _dates(self, batch: pa.RecordBatch, keep: np.ndarray) -> pa.Array:
        """The block's dates (null where blank or not understood), counting blank and invalid ones among the kept rows."""
        raw = batch.column(self.date_column)
        read = read_dates(raw, self.g.dayfirst)
        times = read.times
        if read.numeric:  # the order is proven by a day over 12, or assumed
            self.info.date_order_basis = merge_basis(self.info.date_order_basis, "values" if read.proven else "assumed")
        placeholder = placeholders(raw, times)  # 1900-01-01 and the like: "no date", read as blank and counted
        if placeholder.any():
            self.info.date_placeholders = (self.info.date_placeholders or 0) + int((keep & placeholder).sum())
            times = pc.if_else(pa.array(placeholder), pa.scalar(None, times.type), times)
        if times.null_count:
            missing = times.is_null().to_numpy(zero_copy_only=False)
            # Dates the reader typed are null where the cell was empty (or null after parsing: out of range).
            blank = (raw.is_null() if pa.types.is_timestamp(raw.type) else is_blank(raw)).to_numpy(zero_copy_only=False) | placeholder
            invalid = keep & missing & ~blank
            rows = np.flatnonzero(invalid)
            texts, which, said_blank = unread_texts(raw, rows, self.blank)  # the config's blank_values (*redacted*, n/a): blank, as in the answers
            blank[rows[said_blank]], invalid[rows[said_blank]] = True, False
            rows, which = rows[~said_blank], which[~said_blank]
            self.info.date_blank += int((keep & missing & blank).sum())
            self.info.date_invalid += int(invalid.sum())
            if read.other_order is not None:  # counted invalid, and apart: the other day/month order reads them
                other = invalid & read.other_order
                self.info.date_other_order += int(other.sum())
                invalid &= ~other
                which = which[~other[rows]]
            tally = np.bincount(which, minlength=len(texts))
            add_invalid_dates(self.info, {texts[i]: int(tally[i]) for i in np.flatnonzero(tally).tolist()})  # in order of first appearance
        return times

    def _groups(self, batch: pa.RecordBatch, times) -> tuple[KeyList, np.ndarray]:
        rows = batch.num_rows
        parts: list[tuple[np.ndarray, np.ndarray]] = []  # per --by column, then the period: each label's code in the run, each row's label
        for j, column in enumerate(self.by):
            if column is None:
                parts.append((self.keys.label_codes(j, [self.file_label]), np.zeros(rows, dtype=np.intp)))
                continue
            values = batch.column(column)
            encoded = values if pa.types.is_dictionary(values.type) else pc.dictionary_encode(values, null_encoding="encode")
            parts.append((self.keys.label_codes(j, encoded.dictionary.to_pylist()), encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)))
        if self.g.period:
            which, codes = periods_of(times, self.g.period) if rows else (np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64))
            parts.append((codes, which))
        code, size = np.zeros(rows, dtype=np.intp), 1
        for labels, which in parts:
            code, size = _combine(code, size, which, len(labels)) if size > 1 else (which, len(labels))
        index, count = dense_index(code, size)
        representative = np.zeros(count, dtype=np.intp)
        representative[index] = np.arange(rows)  # any row of a group: they all share its labels
        found = [np.asarray(codes, dtype=np.int64)[which[representative]] for codes, which in parts]  # each group's codes
        return self.keys.block_keys(count, found[: len(self.by)], found[-1] if self.g.period else None), index


class GroupKeys(KeyIndex):
    """A scan's group keys numbered with arrays: each --by column's labels (cleaned once per distinct
    text of the run) and each (segment, period) pair get integer codes, and a :class:`GroupKey` is
    made once per distinct group of the run, not per block."""

    def __init__(self, columns: int, blank: frozenset[str] = frozenset()):
        super().__init__()
        self._blank = blank  # canonical texts that mean no value (the config's blank_values): the (blank) segment, as answers read them
        self._raw: list[dict[str | None, int]] = [{} for _ in range(columns)]  # text as read → label code
        self._code: list[dict[str, int]] = [{} for _ in range(columns)]  # cleaned label → label code
        self._names: list[list[str]] = [[] for _ in range(columns)]
        self._segments = [PackedIndex() for _ in range(columns)]  # (segment so far, next label) → segment code
        self._pairs = PackedIndex()  # (segment code, period code + 1) → key id

    def __reduce__(self) -> tuple:
        """Pickled (a worker's book on its way back) as its keys' segments and periods: rebuilt as
        tuples, not through NamedTuple's constructor (200,000 keys: a third of the time)."""
        return _group_keys_of, ([key[0] for key in self.keys], [key[1] for key in self.keys])

    def label_codes(self, column: int, texts: list[str | None]) -> np.ndarray:
        """Each text's label code in ``column`` (texts that clean to one label share it)."""
        raw, code, names = self._raw[column], self._code[column], self._names[column]
        out = np.array([raw.get(text, -1) for text in texts], dtype=np.int64)
        for i in np.flatnonzero(out < 0).tolist():  # texts not seen before in this run
            name = segment_label(texts[i], self._blank)
            out[i] = raw[texts[i]] = code.setdefault(name, len(names))
            if out[i] == len(names):
                names.append(name)
        return out

    def block_keys(self, count: int, labels: list[np.ndarray], periods: np.ndarray | None) -> KeyList:
        """The keys of a block's ``count`` groups from each group's label codes and period codes, with their ids."""
        segment = labels[0] if labels else np.zeros(count, dtype=np.int64)
        for column in range(1, len(labels)):
            segment = self._segments[column].ids(pack(segment, labels[column]))
        packed = pack(segment, np.zeros(count, dtype=np.int64) if periods is None else periods + 1)
        ids = self._pairs.find(packed)
        missing = np.flatnonzero(ids < 0)
        if len(missing):
            names = [[self._names[j][c] for c in labels[j][missing].tolist()] for j in range(len(labels))]
            segments = zip(*names) if names else repeat((), len(missing))  # each group's labels as a tuple
            spans = periods[missing].tolist() if periods is not None else repeat(None, len(missing))
            # a GroupKey made as a tuple, without NamedTuple's argument parsing (3× faster for 200,000 keys)
            new = self.ids_of(list(map(tuple.__new__, repeat(GroupKey), zip(segments, spans))))
            ids[missing] = new
            distinct, first = np.unique(packed[missing], return_index=True)  # two texts that clean to one label: one key
            self._pairs.assign(distinct, new[first])
        keys = self.keys
        return KeyList([keys[i] for i in ids.tolist()], ids, self)


def _group_keys_of(segments: list[tuple[str, ...]], periods: list[int | None]) -> KeyIndex:
    index = KeyIndex()
    index.ids_of(list(map(tuple.__new__, repeat(GroupKey), zip(segments, periods))))
    return index


#: Group codes are made dense again before a product could overflow int64.
_CODE_LIMIT = 1 << 62


def _combine(code: np.ndarray, size: int, which: np.ndarray, width: int) -> tuple[np.ndarray, int]:
    """One code for two: ``code * width + which``, for ``0 <= code < size`` and ``0 <= which < width``."""
    if size * width > _CODE_LIMIT:
        code, size = dense_index(code, size)
    return code * width + which, size * width


def dense_index(code: np.ndarray, size: int) -> tuple[np.ndarray, int]:
    """For codes in ``0 … size-1``: each one's position among the distinct codes, and their count."""
    if size <= max(4 * len(code), 1 << 16):  # a compact range: count instead of hashing
        present = np.flatnonzero(np.bincount(code, minlength=size))
        if len(present) == size:
            return code, size
        lookup = np.zeros(size, dtype=np.intp)
        lookup[present] = np.arange(len(present))
        return np.take(lookup, code), len(present)
    encoded = pc.dictionary_encode(pa.array(code))
    return encoded.indices.to_numpy().astype(np.intp), len(encoded.dictionary)


def choose_date_column(grouping: Grouping, columns: list[str], sample: list[list], where: str) -> tuple[str, str] | None:
    """The date column to use (named, or detected) and how it was chosen; None when dates are not needed."""
    if not grouping.needs_dates and not grouping.wants_dates:
        return None
    if grouping.date_column:
        return resolve_column(grouping.date_column, columns, where, param("date_column")), "given"
    found, reason = detect_date_column(columns, sample, grouping.dayfirst)
    if found is None and grouping.wants_dates:
        return None  # --dedupe then keeps the last answer in file order
    if found is None:
        raise InputError(f"{where}: cannot tell which column holds the response date: {reason}", "name it with --date-column")
    return found, f"detected: {reason}"
