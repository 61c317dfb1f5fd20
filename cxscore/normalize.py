"""From raw answers to scale points: label maps, number parsing, range checks, invalid accounting.

Answers are turned into *codes*: ``0 … k-1`` is a scale point's offset from the scale minimum,
:data:`BLANK` and :data:`INVALID` mark the answers that are not scored. Each distinct text is
parsed once (Python); the mapping onto a column is vectorised (NumPy).
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .config import MetricSpec
from .labels import UNITS, builtin_labels, canonical

BLANK = -1
INVALID = -2
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(?:" + "|".join(UNITS) + r")?$")
#: An option letter or number before the answer, as 腾讯问卷 and others write it: ``A.非常满意``, ``1、满意``.
_OPTION_PREFIX = re.compile(r"^(?:[a-z]|\d{1,2})\s*[.、．:)）]\s*(\S.*)$")
#: A scale point followed by its anchor label, as SurveyMonkey writes it: ``10 - Extremely likely``.
_LEADING_NUMBER = re.compile(r"^(\d{1,3})\s*[-–—:=]\s*\D.*$")


class AnswerParser:
    """Parses one metric's answer texts into codes, caching each distinct text."""

    def __init__(self, spec: MetricSpec, blank_values: Iterable[str] = ()):
        self.lo, self.hi = spec.scale.lo, spec.scale.hi
        self.labels = {canonical(k): v for k, v in builtin_labels(spec.type, self.lo, self.hi).items()}
        self.labels.update({canonical(k): v for k, v in spec.labels.items()})
        self.blank = {canonical(v) for v in blank_values}
        self.offset = spec.offset
        self._cache: dict[str, int] = {}

    @property
    def plain_integers(self) -> bool:
        """Whether an integer answer's code depends on its value alone (no label or blank value is a number)."""
        return not any(_NUMBER.match(key) for key in (*self.labels, *self.blank))

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
        if not key or key in self.blank:
            return BLANK
        point = self._point(key)
        if point is None:
            prefixed = _OPTION_PREFIX.match(key)  # the option's letter or number is not its score: only its label counts
            point = self.labels.get(prefixed.group(1)) if prefixed else None
        if point is None:
            leading = _LEADING_NUMBER.match(key)
            point = int(leading.group(1)) + self.offset if leading else None
        if point is None:
            return INVALID
        return point - self.lo if self.lo <= point <= self.hi else INVALID

    def _point(self, key: str) -> "int | None":
        """A label's point, or a plain number's (shifted by the offset), or None."""
        if key in self.labels:
            return self.labels[key]
        match = _NUMBER.match(key)
        if not match:
            return None
        number = float(match.group(1))
        return int(number) + self.offset if number.is_integer() else None


class EncodedColumn:
    """One chunk of a metric column as codes, plus the invalid texts seen in it with their counts."""

    __slots__ = ("codes", "invalid_texts")

    def __init__(self, codes: np.ndarray, invalid_texts: Counter):
        self.codes = codes
        self.invalid_texts = invalid_texts


def encode(column: pa.Array | pa.ChunkedArray, parser: AnswerParser) -> EncodedColumn:
    """Vectorised: parse each distinct answer once, then map the whole column through a lookup table."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_integer(column.type):
        return _encode_integers(column, parser)
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column)
    texts = encoded.dictionary.to_pylist()
    lut = np.fromiter((parser.code(t) for t in texts), dtype=np.int16, count=len(texts))
    indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)
    # Index -1 (a null cell) reads the extra BLANK slot appended at the end of the table.
    codes = np.append(lut, np.int16(BLANK))[indices]
    invalid_texts: Counter = Counter()
    bad = np.flatnonzero(lut == INVALID)
    if bad.size:
        seen = np.bincount(indices[indices >= 0], minlength=len(texts))
        invalid_texts.update({texts[i]: int(seen[i]) for i in bad if seen[i]})
    return EncodedColumn(codes, invalid_texts)


def _encode_integers(column: pa.Array, parser: AnswerParser) -> EncodedColumn:
    """Integers the reader parsed (null where blank): each distinct value is coded as its text would be.

    Only for parsers with :attr:`AnswerParser.plain_integers`, where ``7`` and ``07`` mean the same.
    """
    values = column.fill_null(0).to_numpy().astype(np.int64)
    low = int(values.min()) if len(values) else 0
    span = int(values.max()) - low + 1 if len(values) else 1
    slots = values - low
    if column.null_count:
        slots[column.is_null().to_numpy(zero_copy_only=False)] = span  # the extra slot: blank
    seen = np.bincount(slots, minlength=span + 1)
    present = np.flatnonzero(seen[:span])
    lut = np.full(span + 1, BLANK, dtype=np.int16)
    lut[present] = [parser.code(str(low + p)) for p in present]
    invalid_texts = Counter({str(low + p): int(seen[p]) for p in present if lut[p] == INVALID})
    return EncodedColumn(lut[slots], invalid_texts)
