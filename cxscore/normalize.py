"""From raw answers to scale points: label maps, number parsing, range checks, invalid accounting.

Answers are turned into *codes*: ``0 … k-1`` is a scale point's slot in the scale's :class:`Binning`,
:data:`BLANK` and :data:`INVALID` mark the answers that are not scored. Each distinct text is
parsed once (Python); the mapping onto a column is vectorised (NumPy).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .binning import Binning
from .config import MetricSpec
from .answer_text import UNITS, canonical

BLANK = -1
INVALID = -2
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(?:" + "|".join(UNITS) + r")?$")
_INTEGER = re.compile(r"[+-]?\d+")
#: An option letter or number before the answer, as 腾讯问卷 and others write it: ``A.非常满意``, ``1、满意``.
_OPTION_PREFIX = re.compile(r"^(?:[a-z]|\d{1,2})\s*[.、．:)）]\s*(\S.*)$")
#: A scale point followed by its anchor label, as SurveyMonkey writes it: ``10 - Extremely likely``.
_LEADING_NUMBER = re.compile(r"^(\d{1,3})\s*[-–—:=]\s*\D.*$")


class AnswerParser:
    """Parses one metric's answer texts into codes, caching each distinct text."""

    def __init__(self, spec: MetricSpec, blank_values: Iterable[str] = ()):
        self.binning = Binning.of(spec.scale)
        #: Answers given as groups: only the groups' texts are answers (no built-in labels, no numbers but those named).
        self.groups_only = spec.groups is not None
        self.labels = {} if self.groups_only else {canonical(k): v for k, v in spec.kind.labels.get((spec.scale.lo, spec.scale.hi), {}).items()}
        self.labels.update({canonical(k): v for k, v in spec.labels.items()})
        self.blank = {canonical(v) for v in [*blank_values, *spec.blank_values]}
        #: Blank values that are integers ("0" = not rated) match by value: "00" and "-0" are blank too,
        #: so an integer's code depends on its value alone and the reader may parse the column as integers.
        self.blank_integers = {int(v) for v in self.blank if _INTEGER.fullmatch(v)}
        self.offset = spec.offset
        self._cache: dict[str, int] = {}

    @property
    def plain_integers(self) -> bool:
        """Whether an integer answer's code depends on its value alone: no label is a number, and no
        blank value is a number other than an integer (those match by value)."""
        return not any(_NUMBER.match(key) for key in self.labels) and not any(_NUMBER.match(key) and not _INTEGER.fullmatch(key) for key in self.blank)

    def code(self, text: str | None) -> int:
        """The code of one answer: a scale offset, BLANK or INVALID."""
        if text is None:
            return BLANK
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._parse(text)
        return cached

    def _parse(self, text: str) -> int:
        key = canonical(text)
        if not key or key in self.blank or (self.blank_integers and _INTEGER.fullmatch(key) and int(key) in self.blank_integers):
            return BLANK
        if self.groups_only:
            point = self.labels.get(key)
            slot = None if point is None else self.binning.slot(point)
            return INVALID if slot is None else slot
        point = self._point(key)
        if point is None:
            prefixed = _OPTION_PREFIX.match(key)  # the option's letter or number is not its score: only its label counts
            point = self.labels.get(prefixed.group(1)) if prefixed else None
        if point is None:
            leading = _LEADING_NUMBER.match(key)
            point = int(leading.group(1)) + self.offset if leading else None
        if point is None:
            return INVALID
        slot = self.binning.slot(point)
        return INVALID if slot is None else slot

    def _point(self, key: str) -> int | None:
        """A label's point, or a plain number's (shifted by the offset), or None."""
        if key in self.labels:
            return self.labels[key]
        match = _NUMBER.match(key)
        if not match:
            return None
        number = float(match.group(1))
        return int(number) + self.offset if number.is_integer() else None


class EncodedColumn:
    """One chunk of a metric column as tally slots, plus the invalid texts seen in it with their counts.

    A slot is a code plus 2: 0 for INVALID, 1 for BLANK, then one per scale point (the layout of a tally row).
    ``not_applicable`` marks rows the metric does not apply to (a rate's rows outside its ``of:``),
    counted apart whatever their slot; None: it applies to every row.
    """

    __slots__ = ("slots", "invalid_texts", "not_applicable")

    def __init__(self, slots: np.ndarray, invalid_texts: Counter, not_applicable: np.ndarray | None = None):
        self.slots = slots
        self.invalid_texts = invalid_texts
        self.not_applicable = not_applicable

    @property
    def codes(self) -> np.ndarray:
        return self.slots - 2


def encode(column: pa.Array | pa.ChunkedArray, parser: AnswerParser) -> EncodedColumn:
    """Vectorised: parse each distinct answer once, then map the whole column through a lookup table."""
    entries, lut, texts = lookup(column, parser)
    return EncodedColumn(np.take(lut, entries), _invalid_texts(lut, texts, entries))


def encode_onto(column: pa.Array | pa.ChunkedArray, parser: AnswerParser, values: np.ndarray) -> tuple[np.ndarray, Counter]:
    """Each answer's entry of ``values`` (one per tally slot, e.g. the slot's scale point) and the
    invalid texts seen: ``values[encode(column).slots]`` in one lookup instead of two, since the
    table of slots is composed with ``values`` first (``cxscore drivers``: ~0.1 ms a column of 100k rows)."""
    entries, lut, texts = lookup(column, parser)
    return np.take(values[lut], entries), _invalid_texts(lut, texts, entries)


def lookup(column: pa.Array | pa.ChunkedArray, parser: AnswerParser) -> tuple[np.ndarray, np.ndarray, Sequence[str] | dict[int, str]]:
    """A column as entries into a table of slots: ``(entries, lut, texts)``, where row i's slot is
    ``lut[entries[i]]`` and ``texts[entry]`` is the text of an entry that is not blank."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_integer(column.type):
        found = _integer_lookup(column, parser)
        if found is not None:
            return found
        column = column.cast(pa.string())  # wider than the reader's int16 answers: a lookup table would be too big
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column)
    texts = encoded.dictionary.to_pylist()
    # Entry i is text i's slot; the extra last entry, for null cells, is the blank slot.
    lut = np.fromiter((parser.code(t) + 2 for t in [*texts, None]), dtype=np.intp, count=len(texts) + 1)
    entries = encoded.indices.fill_null(len(texts)).to_numpy().astype(np.intp, copy=False)
    return entries, lut, texts


def _integer_lookup(column: pa.Array, parser: AnswerParser) -> tuple[np.ndarray, np.ndarray, dict[int, str]] | None:
    """Integers the reader parsed (null where blank): each value is coded as its text would be; None
    when the numbers span too wide a range for a table.

    Only for parsers with :attr:`AnswerParser.plain_integers`, where ``7`` and ``07`` mean the same.
    """
    if column.null_count == len(column):  # nothing but blank cells (or no rows)
        return np.zeros(len(column), dtype=np.intp), np.array([BLANK + 2], dtype=np.intp), {}
    values, valid = integers(column)
    present = values if valid is None else values[valid]
    low, high = int(present.min()), int(present.max())
    if high - low >= 1 << 16:
        return None
    entries = np.subtract(values, low - 1, dtype=np.intp)  # entry 1 + k is the number low + k
    if valid is not None:
        entries *= valid  # entry 0 is for null cells (whatever their slot of the buffer holds)
    span = high - low + 1
    if span <= _WIDE_RANGE:
        present = range(1, span + 1)
    else:  # parse only the numbers that occur
        present = (np.flatnonzero(np.bincount(entries, minlength=span + 1)[1:]) + 1).tolist()
    texts = {entry: str(low + entry - 1) for entry in present}
    lut = np.full(span + 1, BLANK + 2, dtype=np.intp)
    lut[list(texts)] = [parser.code(text) + 2 for text in texts.values()]
    return entries, lut, texts


def integers(column: pa.Array) -> tuple[np.ndarray, np.ndarray | None]:
    """An integer column's values as a NumPy view of its buffer (a null cell's entry is whatever the
    buffer holds there) and which cells are not null (None: none is), without pyarrow.compute, which
    a run of typed columns then never loads (:mod:`cxscore.lazy_import`)."""
    validity, data = column.buffers()[:2]
    end = column.offset + len(column)
    values = np.frombuffer(data, dtype=column.type.to_pandas_dtype(), count=end)[column.offset:]
    if not column.null_count:
        return values, None
    return values, np.unpackbits(np.frombuffer(validity, np.uint8), count=end, bitorder="little")[column.offset:].view(bool)


#: Above this many numbers between the smallest and the largest answer, only those that occur are parsed.
_WIDE_RANGE = 64


def _invalid_texts(lut: np.ndarray, texts, entries: np.ndarray) -> Counter:
    """The invalid answers with their counts: ``lut`` holds each entry's slot, ``texts[entry]`` its text."""
    bad = np.flatnonzero(lut == INVALID + 2)
    if not bad.size:
        return Counter()
    seen = np.bincount(entries, minlength=len(lut))
    return Counter({texts[entry]: int(seen[entry]) for entry in bad.tolist() if seen[entry]})
