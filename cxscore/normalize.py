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


class AnswerParser:
    """Parses one metric's answer texts into codes, caching each distinct text."""

    def __init__(self, spec: MetricSpec, blank_values: Iterable[str] = ()):
        self.lo, self.hi = spec.scale.lo, spec.scale.hi
        self.labels = {canonical(k): v for k, v in builtin_labels(spec.type, self.lo, self.hi).items()}
        self.labels.update({canonical(k): v for k, v in spec.labels.items()})
        self.blank = {canonical(v) for v in blank_values}
        self._cache: dict[str, int] = {}

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
        point = self.labels.get(key)
        if point is None:
            match = _NUMBER.match(key)
            if not match:
                return INVALID
            number = float(match.group(1))
            if not number.is_integer():
                return INVALID
            point = int(number)
        return point - self.lo if self.lo <= point <= self.hi else INVALID


class EncodedColumn:
    """One chunk of a metric column as codes, plus the invalid texts seen in it with their counts."""

    __slots__ = ("codes", "invalid_texts")

    def __init__(self, codes: np.ndarray, invalid_texts: Counter):
        self.codes = codes
        self.invalid_texts = invalid_texts


def encode(column: pa.Array | pa.ChunkedArray, parser: AnswerParser) -> EncodedColumn:
    """Vectorised: parse each distinct text once, then map the whole column through a lookup table."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
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
