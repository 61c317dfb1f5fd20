"""Run settings: the options as asked (:class:`Options`; ``None`` means "the config's") and the one
:class:`Settings` resolved from them and the config, once per run, that both stages read."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any, get_args

from .config import Config, NpsInterval, Period, check_confidence
from .errors import CxError, param
from .filters import Condition, date_range
from .grouping import Grouping
from .metrics import NPS_TESTS

#: Field metadata: the setting is shown on the workbook's Settings sheet.
SHEET = {"sheet": True}

#: More distinct --by values than this are warned about: they cost time and memory, and most are too small to judge.
MANY_SEGMENTS = 1000


@dataclass
class Options:
    """Run options. ``None`` means: take the config's value (or its default)."""

    encoding: str | None = None
    sheet: str | None = None
    strict: bool = False
    by: list[str] | str | None = None  # a text alone is a list of one (also where, metrics, fail_under)
    period: str | None = None
    date_column: str | None = None
    dayfirst: bool | None = None
    since: str | date | None = None  # text as the command line takes it, or a date/datetime
    until: str | date | None = None
    where: list[str] | str = field(default_factory=list)
    weight: str | None = None
    confidence: float | None = None
    min_n: int | None = None
    nps_interval: str | None = None
    nps_test: str = "pooled"  # pooled | adjusted-wald | wald (metrics.NPS_TESTS)
    baseline: int = 1  # the latest period against the pooled previous N periods
    trend: int | None = None  # a trend test over the last K periods
    metrics: list[str] | str | None = None  # only these metric names
    benchmark: str | None = None
    benchmarks_file: str | None = None
    fail_under: list[str] | str = field(default_factory=list)
    fail_on_significant_drop: bool = False
    include_incomplete: bool = False
    dedupe: str | None = None
    sort: str = "segment"
    top: int | None = None
    bottom: int | None = None
    distribution: bool = False
    distribution_optional: bool = False  # a metric that has none (groups) is not said to have none (a report's default)
    warn_segments: int | None = None  # warn when --by has more distinct values (default MANY_SEGMENTS; 0: never)
    comments: int = 0  # collect the N most recent comments per metric and band (0: none)
    comments_optional: bool = False  # no comment column is said, not an error (a report's default)


@dataclass(frozen=True)
class Settings:
    """Every setting of a run, resolved: an option given beats the config, which beats the default.

    Frozen: analysing again with other statistics is ``analyse(tallied, replace(settings, confidence=0.9))``.
    The fields marked :data:`SHEET` are the workbook's Settings sheet, in their order (as the report's
    ``analysis`` records them: the date column there is the one used).
    """

    # How rows are estimated and tested.
    confidence: float = field(default=0.95, metadata=SHEET)
    nps_interval: str = field(default="adjusted-wald", metadata=SHEET)
    nps_test: str = field(default="pooled", metadata=SHEET)
    baseline: int = field(default=1, metadata=SHEET)  # the latest period is tested against the pooled previous N periods
    trend: int | None = field(default=None, metadata=SHEET)  # a slope over the last K periods, on the latest period's row
    min_n: int = field(default=30, metadata=SHEET)
    # Which rows, in which groups.
    by: list[str] = field(default_factory=list, metadata=SHEET)
    period: str | None = field(default=None, metadata=SHEET)
    date_column: str | None = field(default=None, metadata=SHEET)
    weight: str | None = field(default=None, metadata=SHEET)
    where: list[str] = field(default_factory=list, metadata=SHEET)  # as written, COLUMN=VALUE or COLUMN!=VALUE
    since: datetime | None = field(default=None, metadata=SHEET)
    until: datetime | None = field(default=None, metadata=SHEET)
    dayfirst: bool | None = None  # None: decided per file from its values
    # Benchmarks, targets and strictness.
    benchmark: str | None = field(default=None, metadata=SHEET)
    benchmarks_file: str | None = None
    fail_under: list[str] = field(default_factory=list)  # METRIC=VALUE
    fail_on_significant_drop: bool = False
    strict: bool = False
    # Which rows are shown, in which order.
    sort: str = "segment"  # segment | score | n
    top: int | None = None
    bottom: int | None = None
    distribution: bool = False
    distribution_optional: bool = False  # every metric's that has one: a metric of groups is not asked (no note)
    # What to read, and how.
    encoding: str | None = None
    sheet: str | None = None
    metrics: list[str] | None = None  # only these metric names
    include_incomplete: bool = False
    dedupe: str | None = None  # respondent column: keep each respondent's latest answer
    comments: int = 0
    comments_optional: bool = False
    warn_segments: int = MANY_SEGMENTS  # 0: never

    def grouping(self) -> Grouping:
        """What the workers filter and group by."""
        return Grouping(
            by=list(self.by), period=self.period, date_column=self.date_column, dayfirst=self.dayfirst, since=self.since, until=self.until,
            where=[Condition.parse(w) for w in self.where], weight=self.weight, dedupe=self.dedupe,
        )


def _pick(option, configured):
    return configured if option is None else option


#: The settings a config may give too (``None`` in the options: the config's value), by their config key.
FROM_CONFIG = {
    "by": "segments", "period": "period", "date_column": "date_column", "dayfirst": "dayfirst", "weight": "weight",
    "confidence": "confidence", "min_n": "min_n", "nps_interval": "nps_interval", "benchmark": "benchmark",
    "benchmarks_file": "benchmarks_file", "dedupe": "dedupe",
}


#: The options that hold lists. Each also takes one text alone, as ``score`` takes one input alone: iterated
#: as it stands, ``by="Channel"`` was its letters (``by C: column 'C' is not in …``).
LISTS = ("by", "where", "metrics", "fail_under")


#: What the command line's choices and minimums allow there (typer checks them); the library checks the same.
CHOICES: dict[str, tuple[str, ...]] = {"period": get_args(Period), "nps_interval": get_args(NpsInterval), "nps_test": NPS_TESTS, "sort": ("segment", "score", "n")}
MINIMUMS = {"top": 1, "bottom": 1, "warn_segments": 0, "min_n": 1, "baseline": 1, "trend": 3, "comments": 0}


def _check_choices(options: Options) -> None:
    """An option outside its choices or under its minimum is refused, naming it (a period of 'fortnight' was a bare
    ValueError deep in the reading; an nps_test of 't' or a baseline of 0 were taken without a word)."""
    for name, allowed in CHOICES.items():
        value = getattr(options, name)
        if value is not None and value not in allowed:
            raise CxError(f"{param(name)} {value!r} is not one of {', '.join(allowed)}", f"e.g. {param(name)} {allowed[0] if name != 'period' else 'month'}")
    for name, least in MINIMUMS.items():
        value = getattr(options, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < least):
            raise CxError(f"{param(name)} {value!r} is not a whole number of at least {least}", f"e.g. {param(name)} {max(least, 1)}")


def _bound(value: str | date | None) -> str | None:
    """A ``date``/``datetime`` bound as the text the command line would take (it was an ArrowTypeError)."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, date) else value


def resolve(config: Config | None = None, options: Options | None = None) -> Settings:
    """The run's settings from the options and the config; a bad confidence, date bound or --where fails here, before any reading.

    Options and Settings share their field names: each setting is its option, else (for those in
    :data:`FROM_CONFIG`) the config's value; only the date bounds are parsed on the way.
    """
    config = config or Config()
    options = options or Options()
    if not isinstance(config, Config):  # score(path, Options(...)) read the options as a config: "'Options' object has no attribute 'segments'"
        said = "; run options go in options=Options(...)" if isinstance(config, Options) else ""
        raise TypeError(f"config is a Config (load_config(path), validate_config(mapping) or None), not {type(config).__name__}{said}")
    if not isinstance(options, Options):
        raise TypeError(f"options is an Options (or None), not {type(options).__name__}")
    alone: dict[str, Any] = {name: [value] for name in LISTS if isinstance(value := getattr(options, name), str)}
    options = replace(options, **alone)
    _check_choices(options)
    if options.confidence is not None:
        check_confidence(options.confidence)
    for text in options.where:
        Condition.parse(text)
    values = {f.name: getattr(options, f.name) for f in fields(Settings)}
    for name, key in FROM_CONFIG.items():
        values[name] = _pick(values[name], getattr(config, key))
    since, until = date_range(_bound(options.since), _bound(options.until), values["dayfirst"])
    warn_segments = MANY_SEGMENTS if options.warn_segments is None else options.warn_segments
    values.update(by=list(values["by"] or []), where=list(options.where), fail_under=list(options.fail_under), since=since, until=until, warn_segments=warn_segments)
    return Settings(**values)
