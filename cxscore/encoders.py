"""Encoders: what turns a block of a metric's columns into the block its accumulator adds.

A metric's kind names the columns it reads, by role (:meth:`cxscore.kinds.base.Kind.columns`; each
found among an input's headers by :func:`cxscore.columns.resolve_column`, with its usual errors),
and gives the encoder for them (:meth:`~cxscore.kinds.base.Kind.encoder`), built in each worker
from picklable parts. Survey kinds read one answer column through their answer parser
(:mod:`cxscore.normalize`); a kind that reads several columns — a rate's condition, a duration
between two timestamps — brings its own encoder, and the scan, the book and the workers stay as
they are.
"""
from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pyarrow as pa

from .normalize import AnswerParser, EncodedColumn, encode, encode_onto

if TYPE_CHECKING:
    from .accumulators import Block
    from .config import MetricSpec

#: The role of a kind's one answer column (the metric's ``column:`` key).
ANSWERS = "column"


class Encoder(Protocol):
    """Turns a block of a metric's columns into the block its accumulator adds."""

    #: The columns it reads from each block, in order.
    columns: tuple[str, ...]

    def encode(self, batch: pa.RecordBatch) -> Block:
        """One block of the metric (every row of ``batch``, in order) for its accumulator."""
        ...

    def typed(self) -> list[tuple[str, AnswerParser | None]]:
        """Its columns, each with the parser that reads its answers when the reader may type it
        (:func:`cxscore.column_types.read_types`); None: read it as text."""
        ...


class AnswerEncoder:
    """One answer column, parsed into scale slots (the survey kinds)."""

    def __init__(self, spec: MetricSpec, column: str, blank_values: list[str]):
        self.column = column
        self.columns: tuple[str, ...] = (column,)
        self.parser = AnswerParser(spec, blank_values)

    def encode(self, batch: pa.RecordBatch) -> EncodedColumn:
        return encode(batch.column(self.column), self.parser)

    def onto(self, batch: pa.RecordBatch, values: np.ndarray) -> tuple[np.ndarray, Counter]:
        """The block's answers as entries of ``values`` (one per tally slot), and the invalid texts."""
        return encode_onto(batch.column(self.column), self.parser, values)

    def typed(self) -> list[tuple[str, AnswerParser | None]]:
        return [(self.column, self.parser)]


def columns_label(columns: dict[str, str]) -> str:
    """How reports name a metric's columns: its answer column, or its columns in the order read."""
    return columns[ANSWERS] if list(columns) == [ANSWERS] else ", ".join(dict.fromkeys(columns.values()))
