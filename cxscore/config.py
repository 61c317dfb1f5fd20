"""The YAML config: schema, defaults and validation with precise messages."""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError

MetricType = Literal["nps", "csat", "ces"]
Direction = Literal["higher_is_easier", "higher_is_harder"]
Period = Literal["day", "week", "month", "quarter", "year"]
CONFIG_FILENAME = "cxscore.yaml"

#: Answers that mean "no answer" in exports, counted as blank (compared case-insensitively).
DEFAULT_BLANK_VALUES = ["n/a", "na", "-", "(跳过)", "(空)", "（跳过）", "（空）"]


class Band(BaseModel):
    """An inclusive range of scale points, written ``[lo, hi]`` or a single number."""

    model_config = ConfigDict(frozen=True)
    lo: int
    hi: int

    @model_validator(mode="before")
    @classmethod
    def _from_yaml(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("a band is [lowest, highest] or a single scale point, not true/false")
        if isinstance(value, int):
            return {"lo": value, "hi": value}
        if isinstance(value, (list, tuple)):
            if len(value) != 2:
                raise ValueError(f"a band is [lowest, highest]; got {list(value)}")
            return {"lo": value[0], "hi": value[1]}
        if isinstance(value, dict) and set(value) == {"min", "max"}:
            return {"lo": value["min"], "hi": value["max"]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> "Band":
        if self.lo > self.hi:
            raise ValueError(f"the band [{self.lo}, {self.hi}] is reversed; write [{self.hi}, {self.lo}]")
        return self

    def __contains__(self, point: int) -> bool:
        return self.lo <= point <= self.hi

    def __str__(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}–{self.hi}"


class ColumnMatch(BaseModel):
    """A column found by a regular expression on its header (the question text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    match: str


ColumnSpec = Union[str, list[str], ColumnMatch]
ARTICLE = {"nps": "an NPS", "csat": "a CSAT", "ces": "a CES"}


def _column_spec(value: Any) -> ColumnSpec:
    """A header name, a list of candidate names, or ``{match: REGEX}``."""
    if isinstance(value, ColumnMatch):
        return value
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return value
    if isinstance(value, dict) and set(value) == {"match"} and isinstance(value["match"], str):
        try:
            re.compile(value["match"])
        except re.error as exc:
            raise ValueError(f"column: /{value['match']}/ is not a valid regular expression ({exc})") from None
        return ColumnMatch(match=value["match"])
    raise ValueError(f"column: {value!r} is not a column; give a header name, a list of names, or {{match: REGEX}}")


def _default_bands(kind: str, lo: int, hi: int) -> dict[str, Any]:
    """Defaults for the bands of a metric type on a given scale (empty when there is no sensible default)."""
    if kind == "nps":
        return {"detractors": Band(lo=0, hi=6), "passives": Band(lo=7, hi=8), "promoters": Band(lo=9, hi=10)} if (lo, hi) == (0, 10) else {}
    if kind == "csat":
        if hi - lo < 3:  # two or three points (good/bad): top box and bottom box
            return {"satisfied": Band(lo=hi, hi=hi), "dissatisfied": Band(lo=lo, hi=lo)}
        return {"satisfied": Band(lo=hi - 1, hi=hi), "dissatisfied": Band(lo=lo, hi=lo + 1)}
    # CES: 1–7 agreement (CES 2.0) and 1–5 ease scales run towards "easy"; 1–10 effort scales towards "hard".
    defaults = {
        (1, 7): ("higher_is_easier", Band(lo=5, hi=7), Band(lo=1, hi=3)),
        (1, 5): ("higher_is_easier", Band(lo=4, hi=5), Band(lo=1, hi=2)),
        (1, 10): ("higher_is_harder", Band(lo=1, hi=2), Band(lo=6, hi=10)),
    }
    if (lo, hi) not in defaults:
        return {}
    direction, low, high = defaults[(lo, hi)]
    return {"direction": direction, "low_effort": low, "high_effort": high}


DEFAULT_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
BAND_FIELDS = {"nps": ("detractors", "passives", "promoters"), "csat": ("satisfied", "dissatisfied"), "ces": ("low_effort", "high_effort")}


class MetricSpec(BaseModel):
    """One metric to score: its type, where its answers are, its scale, bands and labels."""

    model_config = ConfigDict(extra="forbid")
    name: str = ""
    type: MetricType
    column: ColumnSpec
    scale: Optional[Band] = None
    detractors: Optional[Band] = None
    passives: Optional[Band] = None
    promoters: Optional[Band] = None
    satisfied: Optional[Band] = None
    dissatisfied: Optional[Band] = None
    direction: Optional[Direction] = None
    low_effort: Optional[Band] = None
    high_effort: Optional[Band] = None
    labels: dict[str, int] = Field(default_factory=dict)
    offset: int = 0  # stored numbers are option positions: scale point = number + offset (问卷星 0–10 by position: -1)
    target: Optional[Union[float, dict[str, float]]] = None

    @field_validator("column", mode="before")
    @classmethod
    def _column(cls, value: Any) -> ColumnSpec:
        return _column_spec(value)

    @model_validator(mode="after")
    def _defaults_and_checks(self) -> "MetricSpec":
        if not self.name:
            self.name = self.type
        if self.scale is None:
            lo, hi = DEFAULT_SCALES[self.type]
            self.scale = Band(lo=lo, hi=hi)
        lo, hi = self.scale.lo, self.scale.hi
        if hi - lo < 1 or hi - lo > 100:
            raise ValueError(f"scale: [{lo}, {hi}] must span 2 to 101 points")
        foreign = [f for kind, fields in BAND_FIELDS.items() if kind != self.type for f in fields if getattr(self, f) is not None]
        if self.type != "ces" and self.direction is not None:
            foreign.append("direction")
        if foreign:
            raise ValueError(f"{foreign[0]}: is not a setting of {ARTICLE[self.type]} metric; its bands are {', '.join(BAND_FIELDS[self.type])}")
        for key, band in _default_bands(self.type, lo, hi).items():
            if getattr(self, key) is None:
                setattr(self, key, band)
        for key in BAND_FIELDS[self.type]:
            band = getattr(self, key)
            if band is None:
                raise ValueError(f"{key}: has no default on the scale {self.scale}; give {', '.join(BAND_FIELDS[self.type])} as [lowest, highest]")
            for end in (band.lo, band.hi):
                if end not in self.scale:
                    raise ValueError(f"{key}: {end} is outside the scale {self.scale}")
        for label, point in self.labels.items():
            if point not in self.scale:
                raise ValueError(f"labels: {label!r} maps to {point}, which is outside the scale {self.scale}")
        getattr(self, f"_check_{self.type}")()
        self._check_targets()
        return self

    def value_range(self) -> tuple[float, float]:
        """The range of the headline value: NPS −100…100, CSAT 0…100 %, CES the answer scale."""
        return {"nps": (-100.0, 100.0), "csat": (0.0, 100.0)}.get(self.type, (float(self.scale.lo), float(self.scale.hi)))

    def targets(self) -> dict[str, float]:
        """Targets by where they apply: ``all`` (everyone) or ``COLUMN=VALUE`` (a segment)."""
        if self.target is None:
            return {}
        return {"all": float(self.target)} if isinstance(self.target, (int, float)) else dict(self.target)

    def _check_targets(self) -> None:
        lo, hi = self.value_range()
        for where, value in self.targets().items():
            if where != "all" and "=" not in where:
                raise ValueError(f"target: {where!r} is neither 'all' nor COLUMN=VALUE (e.g. 'channel=Chat')")
            if not lo <= value <= hi:
                raise ValueError(f"target: {value:g} is outside the {self.type.upper()} range {lo:g}…{hi:g}")

    def _check_nps(self) -> None:
        _check_partition(self.scale, [("detractors", self.detractors), ("passives", self.passives), ("promoters", self.promoters)])

    def _check_csat(self) -> None:
        if self.satisfied.hi != self.scale.hi:
            raise ValueError(f"satisfied: the band {self.satisfied} must reach the top of the scale ({self.scale.hi}); CSAT counts the top boxes")
        if self.dissatisfied.lo != self.scale.lo:
            raise ValueError(f"dissatisfied: the band {self.dissatisfied} must start at the bottom of the scale ({self.scale.lo})")
        if self.dissatisfied.hi >= self.satisfied.lo:
            raise ValueError(f"satisfied: the band {self.satisfied} overlaps dissatisfied {self.dissatisfied}")

    def _check_ces(self) -> None:
        if self.direction is None:
            raise ValueError(f"direction: has no default on the scale {self.scale}; give higher_is_easier or higher_is_harder")
        easy_top = self.direction == "higher_is_easier"
        low, high = self.low_effort, self.high_effort
        top, bottom = (low, high) if easy_top else (high, low)
        top_name, bottom_name = ("low_effort", "high_effort") if easy_top else ("high_effort", "low_effort")
        if top.hi != self.scale.hi:
            raise ValueError(f"{top_name}: with direction {self.direction} the band {top} must reach the top of the scale ({self.scale.hi})")
        if bottom.lo != self.scale.lo:
            raise ValueError(f"{bottom_name}: with direction {self.direction} the band {bottom} must start at the bottom of the scale ({self.scale.lo})")
        if bottom.hi >= top.lo:
            raise ValueError(f"low_effort: the band {low} overlaps high_effort {high}")

    @property
    def higher_is_better(self) -> bool:
        return self.type != "ces" or self.direction == "higher_is_easier"

    def bands(self) -> dict[str, Band]:
        """The metric's bands by name, in scale order where that applies."""
        return {key: getattr(self, key) for key in BAND_FIELDS[self.type]}


def _check_partition(scale: Band, bands: list[tuple[str, Band]]) -> None:
    """NPS bands must cover the scale exactly, in order, without overlap or gap."""
    expected = scale.lo
    previous = None
    for name, band in bands:
        if band.lo < expected:
            raise ValueError(f"{name}: the band {band} overlaps {previous[0]} {previous[1]}")
        if band.lo > expected:
            missing = Band(lo=expected, hi=band.lo - 1)
            raise ValueError(f"{name}: the scale point(s) {missing} fall in no band; start {name} at {expected}")
        expected = band.hi + 1
        previous = (name, band)
    if expected <= scale.hi:
        raise ValueError(f"{bands[-1][0]}: the scale point(s) {Band(lo=expected, hi=scale.hi)} fall in no band; end it at {scale.hi}")


class Config(BaseModel):
    """A whole cxscore config. An empty config means: detect the metric columns."""

    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    metrics: list[MetricSpec] = Field(default_factory=list)
    blank_values: list[str] = Field(default_factory=lambda: list(DEFAULT_BLANK_VALUES))
    segments: list[str] = Field(default_factory=list)
    period: Optional[Period] = None
    date_column: Optional[str] = None
    dayfirst: bool = False
    weight: Optional[str] = None
    min_n: int = Field(30, ge=1)
    confidence: float = Field(0.95, gt=0.5, lt=1)
    nps_interval: Literal["adjusted-wald", "wald"] = "adjusted-wald"
    benchmark: Optional[str] = None
    benchmarks_file: Optional[str] = None

    @model_validator(mode="after")
    def _unique_names(self) -> "Config":
        seen: dict[str, int] = {}
        for i, metric in enumerate(self.metrics):
            if metric.name in seen:
                raise ValueError(f"metrics[{i}].name: {metric.name!r} is used by metrics[{seen[metric.name]}] too; give each metric its own name")
            seen[metric.name] = i
        return self


def _format_loc(loc: tuple) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(error: dict, allowed: set[str]) -> str:
    loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
    text = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, sorted(allowed), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(allowed))}"
        return f"{_format_loc(loc)}: unknown key{hint}"
    head = _format_loc(loc)
    # Messages from our own validators start with the field they are about ("promoters: 11 is …").
    match = re.match(r"^(\w+): (.*)$", text)
    if match and match.group(1) in allowed:
        key, rest = match.groups()
        if head == key or head.endswith(f".{key}"):
            return f"{head}: {rest}"
        return f"{head}.{key}: {rest}" if head else f"{key}: {rest}"
    return f"{head}: {text}" if head else text


def validate_config(data: Any, source: str = "config") -> Config:
    """Validate parsed YAML data; raise :class:`ConfigError` naming the key path and the fix."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping with a 'metrics:' list", "see config.example.yaml")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        allowed = set(Config.model_fields) | set(MetricSpec.model_fields)
        messages = [_message(err, allowed) for err in exc.errors()]
        unique = list(dict.fromkeys(messages))
        extra = f" (and {len(unique) - 3} more)" if len(unique) > 3 else ""
        raise ConfigError(f"{source}: {'; '.join(unique[:3])}{extra}", "config.example.yaml documents every key") from None


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}", "check the path given to --config") from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a directory: {path}", "give the YAML file itself") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the config is not UTF-8 text", "save it as UTF-8") from None
    import yaml  # only when there is a config file

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}: invalid YAML{where}: {problem}", "check indentation and quoting around that line") from None
    return validate_config(data, str(path))


def find_config(explicit: Optional[str]) -> Optional[Config]:
    """The config given with --config, else ./cxscore.yaml, else None (detect columns)."""
    if explicit:
        return load_config(explicit)
    local = Path.cwd() / CONFIG_FILENAME
    return load_config(local) if local.is_file() else None
