"""The records a report is made of: inputs as read, metrics as scored, result rows, data quality,
the analysis asked for and comments. Plain dataclasses, imported by the readers and the scorers below
the :class:`~cxscore.model.Report` that gathers them (and re-exports them)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal


@dataclass
class InputInfo:
    """One input as read: where from, how decoded, how many data rows."""

    path: str
    format: str  # csv | xlsx | xls
    rows: int = 0
    bytes: int | None = None
    encoding: str | None = None
    encoding_detected: bool = False
    encoding_reason: str | None = None  # why this encoding: a byte-order mark, valid UTF-8, … or --encoding
    delimiter: str | None = None
    sheet: str | None = None
    header_rows: int = 1
    layout: str = "generic"  # the export layout recognised: qualtrics, surveymonkey, wjx, tencent, … or generic
    option_positions: bool = False  # answers are option numbers (问卷星 download by option position)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # metric → {"column", "offset"} as read in this input
    excluded: dict[str, int] = field(default_factory=dict)  # rows that are not real responses, by reason
    malformed_rows: int = 0
    unpaired_quotes: int = 0  # 1 when the file's quote characters do not pair up: a quote left open may have swallowed the rows after it
    filtered_out: int = 0  # rows left out by --where
    outside_dates: int = 0  # rows left out by --since/--until (or without a usable date when those are given)
    date_blank: int = 0  # placeholders (1900-01-01: "no date") included
    date_invalid: int = 0
    date_invalid_example: str | None = None  # the most common date not understood or out of range, as written (the first of equals)
    date_other_order: int = 0  # of date_invalid: dates only the other day/month order reads (13/08/2018 read month first)
    date_order: str | None = None  # day-first | month-first: how 3/4/2025 was read (None: no such date)
    date_order_basis: str | None = None  # given | values (a day over 12 proves it) | assumed (no date tells)
    weight_invalid: int = 0  # rows left out because their weight is blank, not a number, or ≤ 0
    duplicates_dropped: int = 0  # earlier answers of a respondent left out by --dedupe
    date_column: str | None = None
    date_placeholders: int | None = None  # of date_blank: placeholder dates (1900-01-01) read as blank; in the JSON only when some were
    #: Each invalid date text and its count, to choose ``date_invalid_example`` across blocks and parts (not in the JSON).
    date_invalid_texts: dict[str, int] = field(default_factory=dict, metadata={"json": False})

    OPTIONAL: ClassVar[tuple[str, ...]] = ("date_placeholders",)


#: Distinct invalid date texts kept per input to choose its example; past this, only the most common tenth are kept.
_INVALID_TEXTS_KEPT = 10_000


def add_invalid_dates(info: InputInfo, counts: dict[str, int]) -> None:
    """Count invalid date texts (in order of first appearance) and make the most common one, the first
    of equals, the input's ``date_invalid_example``: a file's 351 ``*redacted*`` rather than its first oddity."""
    info.date_invalid_texts = kept = add_texts(info.date_invalid_texts, counts)
    if kept:
        info.date_invalid_example = most_common(kept)[0]


def add_texts(kept: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    """Texts' counts added (in order of first appearance), memory bounded: past
    :data:`_INVALID_TEXTS_KEPT` distinct texts (a column of free text) only the most common tenth stay."""
    for text, n in counts.items():
        kept[text] = kept.get(text, 0) + n
    if len(kept) > _INVALID_TEXTS_KEPT:
        leaders = {text for text, _ in sorted(kept.items(), key=lambda item: -item[1])[: _INVALID_TEXTS_KEPT // 10]}
        kept = {text: n for text, n in kept.items() if text in leaders}
    return kept


def most_common(kept: dict[str, int]) -> tuple[str, int]:
    """The most common text with its count, the first of equals (``kept`` is in order of first appearance)."""
    text = max(kept, key=kept.__getitem__)
    return text, kept[text]


@dataclass
class MetricInfo:
    """A metric as it was scored: its column, how that was chosen, its scale and bands."""

    name: str
    type: str
    column: str
    selected_by: str
    scale: list[int] | None  # None: a kind without a scale (durations)
    bands: dict[str, list[int]]
    direction: str | None = None
    question: str | None = None  # the question text, where the column name is an id (Qualtrics Q3, …)
    offset: int = 0
    scale_warning: str | None = None  # the answers contradict the scale (see README: how a scale is chosen and checked)
    condition: str | None = None  # a rate's condition, the rows it is taken of, and whether higher is better (in the JSON only for rates)
    of: str | None = None
    better: str | None = None
    formula: str | None = None  # a call service level's (abandonment, answer rate) formula in words (in the JSON only for those)
    unit: str | None = None  # a duration's unit of plain numbers (from the header or the config); helpdesk layouts: what each KPI is
    business_hours: bool | None = None
    definition: str | None = None
    source: str | None = None
    start: str | None = None  # a duration between timestamps: its two columns (in the first input); a sum: the columns added
    end: str | None = None
    sum: list[str] | None = None
    groups: dict[str, list[str]] | None = None  # answers given as groups (Promoter, …): each group's texts; no scale, no bands
    OPTIONAL: ClassVar[tuple[str, ...]] = ("condition", "of", "better", "formula", "unit", "business_hours", "definition", "source", "start", "end", "sum", "groups")


RowKind = Literal["overall", "segment", "period", "cell"]


@dataclass
class ResultRow:
    """One score: a metric in a segment and period.

    ``period_code`` (the period's code, :func:`cxscore.dates.periods_of`; None without a period) and
    :attr:`kind` are attributes, not fields: the JSON document has neither.
    """

    metric: str
    type: str
    segment: dict[str, Any]
    period: str | None
    n: int
    blank: int
    invalid: int
    value: float | None
    components: dict[str, float | None]
    n_eff: float | None = None
    deff: float | None = None  # design effect of the weights, n / n_eff (1 without weights)
    se: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    ci_method: str | None = None
    margin: float | None = None  # half the interval's width: the margin of error reached
    low_n: bool = False
    significance: dict[str, Any] | None = None
    trend: dict[str, Any] | None = None  # with --trend K, on each series' latest period: the slope over the last K periods
    distribution: list[dict[str, Any]] | None = None
    benchmark: dict[str, Any] | None = None
    target: float | None = None
    status: str | None = None  # met | missed | not enough data (rows with a target)

    def __post_init__(self) -> None:
        self.period_code: int | None = None  # set by results.py; orders periods, as their labels need not

    @property
    def kind(self) -> RowKind:
        """overall (all answers), segment (a --by value), period (everyone in one period) or cell (a segment in a period)."""
        if self.segment:
            return "segment" if self.period is None else "cell"
        return "overall" if self.period is None else "period"


def periods_in_order(rows: Iterable[ResultRow]) -> list[str]:
    """The distinct period labels of ``rows``, earliest first (by period code: labels are for people)."""
    return [label for _, label in sorted({(r.period_code, r.period) for r in rows if r.period is not None})]


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
    not_applicable: int | None = None  # rows outside a rate's of: (in the JSON only for rates)
    OPTIONAL: ClassVar[tuple[str, ...]] = ("not_applicable",)


@dataclass
class Analysis:
    """How the results were grouped and tested."""

    by: list[str] = field(default_factory=list)
    period: str | None = None
    date_column: str | None = None
    confidence: float = 0.95
    nps_interval: str = "adjusted-wald"
    nps_test: str = "pooled"
    baseline: int = 1
    trend: int | None = None
    min_n: int = 30
    weight: str | None = None
    where: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    benchmark: str | None = None
    dedupe: str | None = None
    comment_column: str | None = None  # the free-text column comments were collected from (with --comments, and in reports)


@dataclass
class Comment:
    """One customer's comment, kept as one of the most recent of its metric's band (see comments.py)."""

    metric: str
    band: str  # detractors | promoters · dissatisfied | satisfied · high_effort | low_effort
    score: int  # the answer, a point on the metric's scale
    date: str | None  # the response date (ISO); None when undated
    segment: dict[str, Any]  # the --by values
    comment: str  # e-mail addresses and phone numbers masked
