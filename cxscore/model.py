"""The result model every renderer reads: a :class:`Report` of inputs, metrics, result rows, data
quality, warnings (the records themselves are in :mod:`cxscore.records`, re-exported here)."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from .records import (
    Analysis as Analysis,
    Comment as Comment,
    InputInfo as InputInfo,
    MetricInfo as MetricInfo,
    Quality as Quality,
    ResultRow as ResultRow,
    RowKind as RowKind,
    periods_in_order as periods_in_order,
)
from . import tidy
from .tidy import to_arrow

if TYPE_CHECKING:
    import pandas
    import pyarrow

#: Version of the public JSON document (see README, "JSON output"). Bump only on breaking changes.
SCHEMA_VERSION = 1


def _fields(item) -> dict[str, Any]:
    """A dataclass as a dict, shallow (its dict and list fields are built fresh for every row anyway);
    fields named in its ``OPTIONAL`` are left out while None (they belong to one kind of metric)."""
    optional = getattr(item, "OPTIONAL", ())
    return {name: value for name in _names(type(item)) if (value := getattr(item, name)) is not None or name not in optional}  # type: ignore[arg-type]  # a class is hashable; mypy checks the unbound object.__hash__


@functools.cache
def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind) if f.metadata.get("json", True))


@dataclass
class Report:
    """Everything one run produced."""

    inputs: list[InputInfo]
    metrics: list[MetricInfo]
    results: Sequence[ResultRow]  # a list, or rows made when read (cxscore.row_table)
    quality: list[Quality]
    warnings: list[str] = field(default_factory=list)
    tool_version: str = ""
    analysis: Analysis = field(default_factory=Analysis)
    alerts: list[str] = field(default_factory=list)  # missed targets and significant drops: exit code 3
    comments: list[Comment] | None = None  # None: not collected

    def to_dict(self) -> dict[str, Any]:
        """The public JSON document (schema_version 1)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "cxscore", "version": self.tool_version},
            "inputs": [_fields(i) for i in self.inputs],
            "analysis": _fields(self.analysis),
            "metrics": [_fields(m) for m in self.metrics],
            "results": [_fields(r) for r in self.results],
            "quality": [_fields(q) for q in self.quality],
            "warnings": list(self.warnings),
            "alerts": list(self.alerts),
            "comments": None if self.comments is None else [_fields(c) for c in self.comments],
        }

    def to_arrow(self) -> pyarrow.Table:
        """The tidy result table (one row per metric × segment × period, ``results[]`` flattened; see :mod:`cxscore.tidy`)."""
        return to_arrow(self.results, self.metrics, list(self.analysis.by))

    def to_pandas(self) -> pandas.DataFrame:
        """The tidy result table as a pandas DataFrame (pandas is optional: install it to use this)."""
        return tidy.to_pandas(self.to_arrow(), "Report")
