"""The result model every renderer reads: inputs, metrics, result rows, data quality, warnings."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any, Optional

#: Version of the public JSON document (see README, "JSON output"). Bump only on breaking changes.
SCHEMA_VERSION = 1


def _fields(item) -> dict[str, Any]:
    """A dataclass as a dict, shallow (its dict and list fields are built fresh for every row anyway)."""
    return {name: getattr(item, name) for name in _names(type(item))}


@functools.lru_cache(maxsize=None)
def _names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


@dataclass
class InputInfo:
    """One input as read: where from, how decoded, how many data rows."""

    path: str
    format: str  # csv | xlsx | xls
    rows: int = 0
    bytes: Optional[int] = None
    encoding: Optional[str] = None
    encoding_detected: bool = False
    encoding_reason: Optional[str] = None  # why this encoding: a byte-order mark, valid UTF-8, … or --encoding
    delimiter: Optional[str] = None
    sheet: Optional[str] = None
    header_rows: int = 1
    layout: str = "generic"  # the export layout recognised: qualtrics, surveymonkey, wjx, tencent, … or generic
    option_positions: bool = False  # answers are option numbers (问卷星 download by option position)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # metric → {"column", "offset"} as read in this input
    excluded: dict[str, int] = field(default_factory=dict)  # rows that are not real responses, by reason
    malformed_rows: int = 0
    unpaired_quotes: int = 0  # 1 when the file's quote characters do not pair up: a quote left open may have swallowed the rows after it
    filtered_out: int = 0  # rows left out by --where
    outside_dates: int = 0  # rows left out by --since/--until (or without a usable date when those are given)
    date_blank: int = 0
    date_invalid: int = 0
    date_invalid_example: Optional[str] = None  # the first date not understood or out of range, as written
    date_other_order: int = 0  # of date_invalid: dates only the other day/month order reads (13/08/2018 read month first)
    date_order: Optional[str] = None  # day-first | month-first: how 3/4/2025 was read (None: no such date)
    date_order_basis: Optional[str] = None  # given | values (a day over 12 proves it) | assumed (no date tells)
    weight_invalid: int = 0  # rows left out because their weight is blank, not a number, or ≤ 0
    duplicates_dropped: int = 0  # earlier answers of a respondent left out by --dedupe
    date_column: Optional[str] = None


@dataclass
class MetricInfo:
    """A metric as it was scored: its column, how that was chosen, its scale and bands."""

    name: str
    type: str
    column: str
    selected_by: str
    scale: list[int]
    bands: dict[str, list[int]]
    direction: Optional[str] = None
    question: Optional[str] = None  # the question text, where the column name is an id (Qualtrics Q3, …)
    offset: int = 0
    scale_warning: Optional[str] = None  # the answers contradict the scale (see README: how a scale is chosen and checked)


@dataclass
class ResultRow:
    """One score: a metric in a segment and period."""

    metric: str
    type: str
    segment: dict[str, Any]
    period: Optional[str]
    n: int
    blank: int
    invalid: int
    value: Optional[float]
    components: dict[str, Optional[float]]
    n_eff: Optional[float] = None
    deff: Optional[float] = None  # design effect of the weights, n / n_eff (1 without weights)
    se: Optional[float] = None
    ci_low: Optional[float] = None
    ci_high: Optional[float] = None
    ci_method: Optional[str] = None
    margin: Optional[float] = None  # half the interval's width: the margin of error reached
    low_n: bool = False
    significance: Optional[dict[str, Any]] = None
    trend: Optional[dict[str, Any]] = None  # with --trend K, on each series' latest period: the slope over the last K periods
    distribution: Optional[list[dict[str, Any]]] = None
    benchmark: Optional[dict[str, Any]] = None
    target: Optional[float] = None
    status: Optional[str] = None  # met | missed | not enough data (rows with a target)


@dataclass
class Quality:
    """Data quality of one metric's column over the whole run."""

    metric: str
    column: str
    rows: int
    answered: int
    blank: int
    invalid: int
    invalid_examples: dict[str, int]


@dataclass
class Analysis:
    """How the results were grouped and tested."""

    by: list[str] = field(default_factory=list)
    period: Optional[str] = None
    date_column: Optional[str] = None
    confidence: float = 0.95
    nps_interval: str = "adjusted-wald"
    nps_test: str = "pooled"
    baseline: int = 1
    trend: Optional[int] = None
    min_n: int = 30
    weight: Optional[str] = None
    where: list[str] = field(default_factory=list)
    since: Optional[str] = None
    until: Optional[str] = None
    benchmark: Optional[str] = None
    dedupe: Optional[str] = None
    comment_column: Optional[str] = None  # the free-text column comments were collected from (with --comments, and in reports)


@dataclass
class Comment:
    """One customer's comment, kept as one of the most recent of its metric's band (see comments.py)."""

    metric: str
    band: str  # detractors | promoters · dissatisfied | satisfied · high_effort | low_effort
    score: int  # the answer, a point on the metric's scale
    date: Optional[str]  # the response date (ISO); None when undated
    segment: dict[str, Any]  # the --by values
    comment: str  # e-mail addresses and phone numbers masked


@dataclass
class Report:
    """Everything one run produced."""

    inputs: list[InputInfo]
    metrics: list[MetricInfo]
    results: list[ResultRow]
    quality: list[Quality]
    warnings: list[str] = field(default_factory=list)
    tool_version: str = ""
    analysis: Analysis = field(default_factory=Analysis)
    alerts: list[str] = field(default_factory=list)  # missed targets and significant drops: exit code 3
    comments: Optional[list[Comment]] = None  # None: not collected

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
