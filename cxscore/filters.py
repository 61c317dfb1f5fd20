"""Which rows count: the layout's response filters, ``--where``, the ``--since``/``--until`` range, ``--weight``
and the rows ``--dedupe`` keeps.

Each filter is applied block by block, vectorised, and every row it leaves out is counted by
reason in the input's :class:`~cxscore.records.InputInfo` (nothing is dropped silently).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .columns import resolve_column
from .dates import parse_bound
from .errors import CxError, param
from .records import InputInfo

if TYPE_CHECKING:
    from .sources.layouts import ResponseFilter


@dataclass(frozen=True)
class Condition:
    """One --where: ``column=value`` or ``column!=value``."""

    column: str
    value: str
    negate: bool

    @classmethod
    def parse(cls, text: str) -> Condition:
        if "!=" in text:
            column, value = text.split("!=", 1)
            negate = True
        elif "=" in text:
            column, value = text.split("=", 1)
            negate = False
        else:
            raise CxError(f"{param('where')} {text!r} is not COLUMN=VALUE or COLUMN!=VALUE", f"e.g. {param('where')} channel=Chat")
        if not column.strip():
            raise CxError(f"{param('where')} {text!r} names no column", f"e.g. {param('where')} channel=Chat")
        return cls(column.strip(), value.strip(), negate)


def date_range(since: str | None, until: str | None, dayfirst: bool | None) -> tuple[datetime | None, datetime | None]:
    """The --since/--until bounds, both inclusive (a date alone: from its first second, until its last)."""
    try:
        start = parse_bound(since, dayfirst=dayfirst) if since else None
        end = parse_bound(until, end=True, dayfirst=dayfirst) if until else None
    except ValueError as exc:
        raise CxError(f"{param('since')}/{param('until')}: {exc}", f"e.g. {param('since')} 2025-01-01 {param('until')} 2025-03-31") from None
    return start, end


class Asked(Protocol):
    """The filters as asked (:class:`cxscore.grouping.Grouping` holds them beside the grouping)."""

    @property
    def since(self) -> datetime | None: ...
    @property
    def until(self) -> datetime | None: ...
    @property
    def where(self) -> Sequence[Condition]: ...
    @property
    def weight(self) -> str | None: ...


class Latest:
    """The sorted row numbers of one part that survive --dedupe (found by :func:`cxscore.dedupe.keep_latest`)."""

    def __init__(self, rows: np.ndarray):
        self.rows = rows

    def mask(self, start: int, count: int) -> np.ndarray:
        """Which rows of the block ``start … start + count - 1`` are kept."""
        first, last = np.searchsorted(self.rows, [start, start + count])
        kept = np.zeros(count, dtype=bool)
        kept[self.rows[first:last] - start] = True
        return kept


class RowFilter:
    """The filters resolved against one source's columns (a bad --where/--weight column fails here, early)."""

    def __init__(self, grouping: Asked, columns: list[str], info: InputInfo, exclusions: Sequence[ResponseFilter] = ()):
        where = info.path
        self.info = info
        self.exclusions = [rule for rule in exclusions if rule.column in columns]
        self.since, self.until = grouping.since, grouping.until
        self.weight = resolve_column(grouping.weight, columns, where, param("weight")) if grouping.weight else None
        self.where: dict[tuple[str, bool], list[str]] = {}
        for condition in grouping.where:
            column = resolve_column(condition.column, columns, where, param("where"))
            self.where.setdefault((column, condition.negate), []).append(condition.value)

    @property
    def has_range(self) -> bool:
        return bool(self.since or self.until)

    def condition_columns(self) -> list[str]:
        """The columns the --where conditions and response filters read."""
        return [c for c, _ in self.where] + [r.column for r in self.exclusions]

    def responses(self, batch: pa.RecordBatch) -> np.ndarray:
        """The rows that are real responses (response filters) and meet every --where, counted by reason."""
        rows = batch.num_rows
        keep = np.ones(rows, dtype=bool)
        for rule in self.exclusions:
            real = among(batch.column(rule.column), rule.keep)
            left_out = int((keep & ~real).sum())
            if left_out:
                self.info.excluded[rule.reason] = self.info.excluded.get(rule.reason, 0) + left_out
            keep &= real
        if self.where:
            excluded = rows - int(keep.sum())
            for (column, negate), values in self.where.items():
                hit = among(batch.column(column), values)
                keep &= ~hit if negate else hit
            self.info.filtered_out += rows - int(keep.sum()) - excluded
        return keep

    def in_range(self, times: pa.Array, keep: np.ndarray) -> np.ndarray:
        """``keep`` narrowed to the rows dated within --since/--until (an undated row is outside)."""
        inside = times.is_valid().to_numpy(zero_copy_only=False)
        if self.since:
            inside &= pc.fill_null(pc.greater_equal(times, pa.scalar(self.since, pa.timestamp("s"))), False).to_numpy(zero_copy_only=False)
        if self.until:
            inside &= pc.fill_null(pc.less_equal(times, pa.scalar(self.until, pa.timestamp("s"))), False).to_numpy(zero_copy_only=False)
        self.info.outside_dates += int((keep & ~inside).sum())
        return keep & inside

    def weights(self, batch: pa.RecordBatch, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's weight, and ``keep`` without the rows whose weight is blank, not a number or not positive."""
        weights = numbers(batch.column(self.weight))
        bad = ~(np.isfinite(weights) & (weights > 0))
        self.info.weight_invalid += int((keep & bad).sum())
        return weights, keep & ~bad


def among(values: pa.Array, allowed) -> np.ndarray:
    """True where a cell, trimmed (blank for null), is one of the allowed values."""
    text = pc.fill_null(pc.utf8_trim_whitespace(values), "")
    return pc.is_in(text, value_set=pa.array(list(allowed), pa.string())).to_numpy(zero_copy_only=False)


def numbers(values: pa.Array) -> np.ndarray:
    """Floats from text cells; NaN where blank or not a number."""
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    numeric = pc.if_else(pc.match_substring_regex(text, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"), text, None)
    return pc.cast(numeric, pa.float64()).to_numpy(zero_copy_only=False)
