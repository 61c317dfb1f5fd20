"""The YAML config: schema, defaults and validation with precise messages."""
from __future__ import annotations

import difflib
import re
import reprlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args
from collections.abc import Callable, Sequence

import msgspec

from . import limits
from .answer_text import canonical
from .errors import ConfigError, CxError, param
from .kinds import KINDS, Band, Kind

if TYPE_CHECKING:
    MetricType = str
else:  # the registered kinds' names, for choices (cli's plan --metric)
    MetricType = Literal[tuple(KINDS)]
Period = Literal["day", "week", "month", "quarter", "year"]
NpsInterval = Literal["adjusted-wald", "wald"]
CONFIG_FILENAME = "cxscore.yaml"

#: Answers that mean "no answer" in exports, counted as blank (compared case-insensitively).
DEFAULT_BLANK_VALUES = ["n/a", "na", "-", "(跳过)", "(空)", "（跳过）", "（空）"]


def segment_blank_values(config: Config | None, layout_values: Sequence[str] = ()) -> list[str]:
    """The blank values that make a --by value the ``(blank)`` segment: the config's own list (when it gives
    one) and the layout's, not the built-in defaults, since their ``NA`` names North America in a region
    column (a segment; an answer of NA is still blank)."""
    own = [] if config is None or config.blank_values == DEFAULT_BLANK_VALUES else config.blank_values
    return [*own, *layout_values]


#: How a band may be written in YAML (a Band after validation).
BandText = int | Band | None


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring = 2, 4, 4, 60


def _short(value: Any) -> str:
    """A value for a message, shortened: a YAML alias can make one enormous (its full repr() hung)."""
    return _SHORT.repr(value)


def _band(value: Any, key: str) -> Band:
    """A band from its written forms: ``[lo, hi]`` or one scale point."""
    if isinstance(value, bool):
        raise ValueError(f"{key}: a band is [lowest, highest] or a single scale point, not true/false")
    if isinstance(value, int):
        return Band(value, value)
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        lo, hi = value
        if lo > hi:
            raise ValueError(f"{key}: the band [{lo}, {hi}] is reversed; write [{hi}, {lo}]")
        return Band(lo, hi)
    raise ValueError(f"{key}: a band is [lowest, highest]; got {_short(value)}")


class ColumnMatch(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A column found by a regular expression on its header (the question text)."""

    match: str


ColumnSpec = str | list[str] | ColumnMatch


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
    raise ValueError(f"column: {_short(value)} is not a column; give a header name, a list of names, or {{match: REGEX}}")


#: Every kind's band keys (Bands after validation).
ALL_BANDS = list(dict.fromkeys(key for kind in KINDS.values() for key in kind.bands))


def _kind_fields() -> list[tuple[str, Any, None]]:
    """The YAML keys the registered kinds add to a metric: their bands, then their settings."""
    fields: dict[str, Any] = dict.fromkeys(ALL_BANDS, BandText)
    for kind in KINDS.values():
        fields.update({key: choices | None for key, choices in kind.settings.items()})
    return [(key, annotation, None) for key, annotation in fields.items()]


if TYPE_CHECKING:
    class _KindFields(msgspec.Struct):
        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...
else:
    _KindFields = msgspec.defstruct("KindFields", _kind_fields(), kw_only=True)


class MetricSpec(_KindFields, kw_only=True, forbid_unknown_fields=True):
    """One metric to score: its type (its kind in ``kinds/``), where its answers are, its scale, bands and labels.

    The kinds' own keys (bands such as ``promoters``, settings such as ``direction``) come from the
    registry. Checked and completed (name, scale and bands from the kind's defaults) on construction.
    """

    name: str = ""
    type: str
    column: Any = None  # ColumnSpec once checked; required by kinds that read an answer column
    if TYPE_CHECKING:
        scale: Band  # what the rest of cxscore reads: checked, or the kind's default
    else:
        scale: BandText = None  # as written: [lowest, highest], or nothing for the kind's default
    labels: dict[str, int] = msgspec.field(default_factory=dict)
    groups: dict[str, list[str]] | None = None  # answers given as groups, not points: each group's texts (promoters: [Promoter])
    blank_values: list[str] = msgspec.field(default_factory=list)  # this metric's own "no answer" texts (0 = not applicable), besides the config's
    offset: int = 0  # stored numbers are option positions: scale point = number + offset (问卷星 0–10 by position: -1)
    target: float | str | dict[str, float | str] | None = None  # text only for kinds with text_targets (durations: 4h)

    def __post_init__(self) -> None:
        if self.type not in KINDS:
            raise ValueError(f"type: {self.type!r} is not one of {', '.join(KINDS)}")
        kind = self.kind
        if self.column is not None:
            if not kind.answer_column:
                raise ValueError(f"column: {kind.article} reads the columns its own keys name ({', '.join(kind.settings)}), not column:; remove it")
            self.column = _column_spec(self.column)
        elif not kind.own_columns(self):
            raise ValueError("column: is required" + kind.column_hint)
        for key in ("scale", *ALL_BANDS):
            if getattr(self, key) is not None:
                setattr(self, key, _band(getattr(self, key), key))
        if self.groups is not None:
            self._from_groups()
        if not self.name:
            self.name = self.type
        if self.scale is None:
            self.scale = Band(*kind.default_scale)
        lo, hi = self.scale
        if hi - lo < 1 or hi - lo > 100:
            raise ValueError(f"scale: [{lo}, {hi}] must span 2 to 101 points")
        own = kind.fields()
        foreign = [f for other in KINDS.values() if other is not kind for f in other.fields() if f not in own and getattr(self, f) is not None]
        if foreign:
            own_keys = f"its bands are {', '.join(kind.bands)}" if kind.bands else f"its own keys are {', '.join(kind.settings)}"
            raise ValueError(f"{foreign[0]}: is not a setting of {kind.article} metric; {own_keys}")
        for key, band in kind.default_bands(lo, hi).items():
            if getattr(self, key) is None:
                setattr(self, key, band)
        for key in kind.bands:
            band = getattr(self, key)
            if band is None:
                raise ValueError(f"{key}: has no default on the scale {self.scale}; give {', '.join(kind.bands)} as [lowest, highest]")
            for end in band:
                if end not in self.scale:
                    raise ValueError(f"{key}: {end} is outside the scale {self.scale}")
        for label, point in self.labels.items():
            if point not in self.scale:
                raise ValueError(f"labels: {label!r} maps to {point}, which is outside the scale {self.scale}")
        kind.check(self)
        self._check_targets()

    @property
    def kind(self) -> Kind:
        """What this metric's type is and computes (its module in ``kinds/``)."""
        return KINDS[self.type]

    @property
    def scaled(self) -> bool:
        """Whether its answers are points of a scale (False: durations, and answers given as groups, whose
        1–k codes are no points: no mean, no distribution, no scale in the output)."""
        return self.kind.scaled and self.groups is None

    def _from_groups(self) -> None:
        """``groups:`` checked and turned into what scores them: a 1–k scale (group i is point i + 1, worst
        first), each text a label of its group's point, each band named like a group that point alone."""
        kind, groups = self.kind, self.groups or {}
        if not kind.groups:
            able = ", ".join(k.name for k in KINDS.values() if k.groups)
            raise ValueError(f"groups: {kind.article} metric is not scored from groups (only {able} are)")
        for key in groups:
            if key not in kind.groups:
                close = difflib.get_close_matches(key, kind.groups, n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"its groups are {', '.join(kind.groups)}"
                raise ValueError(f"groups: {key!r} is not a group of {kind.article}; {hint}")
        missing = [g for g in kind.required_groups if g not in groups]
        if missing:
            raise ValueError(f"groups: {missing[0]} is missing; give the texts of each of {', '.join(kind.required_groups)}")
        if self.scale is not None:
            raise ValueError("scale: a metric scored from groups has no scale (its answers are groups, not points); remove scale:")
        if self.labels:
            raise ValueError("labels: a metric scored from groups reads its texts from groups:; put each text under its group there")
        given = [key for key in kind.bands if getattr(self, key) is not None]
        if given:
            raise ValueError(f"{given[0]}: a metric scored from groups takes its bands from groups:; remove {given[0]}")
        labels: dict[str, int] = {}
        seen: dict[str, str] = {}
        for point, group in enumerate(kind.groups, 1):
            texts = groups.get(group, [])
            if group in groups and not texts:
                raise ValueError(f"groups: {group}: give at least one text, e.g. [{group.rstrip('s').capitalize()}]")
            for text in texts:
                key = canonical(text)
                if not key:
                    raise ValueError(f"groups: {group}: an empty text is no group; blank answers are counted blank anyway")
                if key in seen and seen[key] != group:
                    raise ValueError(f"groups: {text!r} is given under both {seen[key]} and {group}")
                seen[key] = group
                labels[text] = point
        self.scale = Band(1, len(kind.groups))
        self.labels = labels
        for key in kind.bands:
            if key in kind.groups:
                point = kind.groups.index(key) + 1
                setattr(self, key, Band(point, point))

    def value_range(self) -> tuple[float, float]:
        """The range of the headline value: NPS −100…100, CSAT 0…100 %, CES the answer scale."""
        return self.kind.value_range(self)

    def targets(self) -> dict[str, float]:
        """Targets by where they apply: ``all`` (everyone) or ``COLUMN=VALUE`` (a segment), in value units
        (a duration's ``4h``: seconds)."""
        if self.target is None:
            return {}
        written = self.target if isinstance(self.target, dict) else {"all": self.target}
        return {where: self.kind.parse_target(value) for where, value in written.items()}

    def _check_targets(self) -> None:
        written = self.target if isinstance(self.target, dict) else {"all": self.target}
        if not self.kind.text_targets:  # as msgspec worded it when only numbers were allowed
            for where, value in written.items():
                if isinstance(value, str):
                    raise ValueError("target: expected `float | object | null`, got `str`" if where == "all" and not isinstance(self.target, dict) else f"target: {where}: expected `float`, got `str`")
        lo, hi = self.value_range()
        for where, value in self.targets().items():
            if where != "all" and "=" not in where:
                raise ValueError(f"target: {where!r} is neither 'all' nor COLUMN=VALUE (e.g. 'channel=Chat')")
            if not lo <= value <= hi:
                raise ValueError(f"target: {value:g} is outside the {self.type.upper()} range {lo:g}…{hi:g}")

    @property
    def higher_is_better(self) -> bool:
        return self.kind.higher_is_better(self)

    def bands(self) -> dict[str, Band]:
        """The metric's bands by name, in scale order where that applies."""
        return {key: getattr(self, key) for key in self.kind.bands}


#: The highest confidence level: beyond it a normal or t quantile is no longer a finite, meaningful number.
CONFIDENCE_MAX = 0.9999


def check_confidence(value: float, option: str = param("confidence")) -> None:
    """Refuse a confidence level outside (0.5, 0.9999] with one line (0.9999999999999999 broke the quantiles)."""
    if not 0.5 < value <= CONFIDENCE_MAX:
        raise CxError(f"{option} {value!r} is outside the allowed range: above 0.5 and at most {CONFIDENCE_MAX}", "e.g. 0.9, 0.95 or 0.99")


#: Ticket statuses that say a ticket is resolved (compared trimmed, ignoring case): Zendesk, Freshdesk, 中文.
RESOLVED_STATUSES = ["Solved", "Closed", "Resolved", "已解决", "已关闭"]


class VolumeSpec(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``volume:``: the columns ``cxscore volume`` (and a report's Volume sheet) reads, and which statuses mean resolved."""

    created: str | None = None
    solved: str | None = None
    status: str | None = None
    resolved: list[str] = msgspec.field(default_factory=lambda: list(RESOLVED_STATUSES))


class Config(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A whole cxscore config. An empty config means: detect the metric columns."""

    version: Literal[1] = 1
    metrics: list[MetricSpec] = msgspec.field(default_factory=list)
    blank_values: list[str] = msgspec.field(default_factory=lambda: list(DEFAULT_BLANK_VALUES))
    segments: list[str] = msgspec.field(default_factory=list)
    agent: str | None = None  # the column naming who handled each ticket or call: with --by it, the workbook's Agents sheet
    period: Period | None = None
    date_column: str | None = None
    dedupe: str | None = None  # a respondent or record id column: keep each one's latest row (by date_column), as --dedupe
    dayfirst: bool | None = None  # None: as the values show (month first when they cannot tell)
    weight: str | None = None
    min_n: Annotated[int, msgspec.Meta(ge=1)] = 30
    confidence: Annotated[float, msgspec.Meta(gt=0.5, le=CONFIDENCE_MAX)] = 0.95
    nps_interval: NpsInterval = "adjusted-wald"
    benchmark: str | None = None
    benchmarks_file: str | None = None
    comment_column: Any = None  # the free-text comment column (a ColumnSpec once checked); None: detected
    schedule: Any = None  # business hours (a schedule.Schedule once checked), for duration metrics with business_hours: true
    volume: VolumeSpec | None = None  # cxscore volume's columns (None: found by their headers)

    def __post_init__(self) -> None:
        if self.schedule is not None:
            from .schedule import Schedule, parse_schedule

            if not isinstance(self.schedule, Schedule):
                self.schedule = parse_schedule(self.schedule)
        for i, metric in enumerate(self.metrics):
            if metric.business_hours:
                if metric.schedule is None and self.schedule is None:
                    raise ValueError(
                        f"metrics[{i}].business_hours: needs a schedule; add a top-level schedule: with the working hours, "
                        "e.g. schedule: {timezone: Europe/Berlin, hours: {mon-fri: \"09:00-17:00\"}}"
                    )
                if metric.schedule is None:
                    metric.schedule = self.schedule
        if self.comment_column is not None:
            try:
                self.comment_column = _column_spec(self.comment_column)
            except ValueError as exc:
                raise ValueError(f"comment_{exc}") from None  # "column: …" → "comment_column: …"
        seen: dict[str, int] = {}
        for i, metric in enumerate(self.metrics):
            if metric.name in seen:
                raise ValueError(f"metrics[{i}].name: {metric.name!r} is used by metrics[{seen[metric.name]}] too; give each metric its own name")
            seen[metric.name] = i


_CHOICES = {"period": Period, "nps_interval": NpsInterval, **{key: choices for kind in KINDS.values() for key, choices in kind.settings.items()}}
_LOCATED = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.DOTALL)


def _config_keys(path: str) -> tuple[str, ...]:
    return (MetricSpec if path.startswith("metrics[") else VolumeSpec if path.startswith("volume") else Config).__struct_fields__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def validation_message(error: msgspec.ValidationError, fields: Callable[[str], tuple[str, ...]], choices: dict[str, Any]) -> str:
    """A msgspec validation error as ``key.path: what is wrong``.

    ``fields(path)`` names the keys allowed where the path points (to suggest one for an unknown
    key); ``choices`` maps keys to their ``Literal`` types (to list the allowed values).
    """
    located = _LOCATED.match(str(error))
    assert located is not None, "the pattern matches any text"
    text, path = located["message"], (located["path"] or "").lstrip(".")
    unknown = re.fullmatch(r"Object contains unknown field `(.+)`", text)
    if unknown:
        key, allowed = unknown[1], sorted(fields(path))
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(allowed)}"
        return f"{_join(path, key)}: unknown key{hint}"
    missing = re.fullmatch(r"Object missing required field `(.+)`", text)
    if missing:
        return f"{_join(path, missing[1])}: is required"
    choice = re.fullmatch(r"Invalid enum value (.+)", text)
    key = path.rsplit(".", 1)[-1]
    if choice and key in choices:
        return f"{path}: {choice[1]} is not one of {', '.join(map(str, get_args(choices[key])))}"
    # Messages from our own checks start with the key they are about ("promoters: 11 is …").
    own = re.fullmatch(r"(\w+): (.*)", text, re.DOTALL)
    if own:
        return f"{_join(path, own[1])}: {own[2]}"
    return f"{path}: {text[0].lower()}{text[1:]}" if path else text


def validate_config(data: Any, source: str = "config") -> Config:
    """Validate parsed YAML data; raise :class:`ConfigError` naming the key path and the fix."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping with a 'metrics:' list", "see config.example.yaml")
    data = _holiday_files(data, Path(source).parent if source != "config" else None)
    try:
        return msgspec.convert(data, Config)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{source}: {validation_message(exc, _config_keys, _CHOICES)}", "config.example.yaml documents every key") from None


def _holiday_files(data: dict, base: Path | None) -> dict:
    """The config with each schedule's ``holidays: {file: NAME}`` made relative to the config file's folder."""
    if base is None:
        return data

    def resolved(schedule: Any) -> Any:
        holidays = schedule.get("holidays") if isinstance(schedule, dict) else None
        if not (isinstance(holidays, dict) and isinstance(holidays.get("file"), str) and not Path(holidays["file"]).is_absolute()):
            return schedule
        return {**schedule, "holidays": {**holidays, "file": str(base / holidays["file"])}}

    metrics = data.get("metrics")
    if isinstance(metrics, list):
        metrics = [{**m, "schedule": resolved(m["schedule"])} if isinstance(m, dict) and "schedule" in m else m for m in metrics]
    return {**data, **({"schedule": resolved(data["schedule"])} if "schedule" in data else {}), **({"metrics": metrics} if "metrics" in data else {})}


def read_text_file(path: Path, what: str, option: str) -> str:
    """A small UTF-8 file the user named (config, benchmarks); ConfigError naming what is wrong with it.

    At most ``CXSCORE_MAX_CONFIG_KB`` is read, so ``-c /dev/zero`` is refused at once.
    """
    cap = limits.get(limits.CONFIG_KB) << 10
    try:
        with path.open("rb") as fh:
            data = fh.read(cap + 1)
    except FileNotFoundError:
        raise ConfigError(f"{what} not found: {path}", f"check the path given to {option}") from None
    except IsADirectoryError:
        raise ConfigError(f"{what} path is a directory: {path}", "give the YAML file itself") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc.strerror or exc}", "check that you may read it") from None
    if len(data) > cap:
        raise ConfigError(f"{path}: the {what} is larger than {cap >> 10:,} KiB; a real one is a few KiB", f"check the path given to {option}; {limits.raise_hint(limits.CONFIG_KB)}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the {what} is not UTF-8 text", "save it as UTF-8") from None


def _yaml_loader(where: str):
    """PyYAML's safe loader, bounded: nesting depth and values after expanding aliases are limited
    (an alias bomb or 5,000 nested ``[`` fail at once instead of hanging or overflowing the stack),
    and a key given twice in one mapping is an error naming it and its line."""
    import yaml

    depth_cap, values_cap = limits.get(limits.CONFIG_DEPTH), limits.get(limits.CONFIG_VALUES)

    def too_deep(node) -> ConfigError:
        return ConfigError(f"{where}: nesting deeper than {depth_cap} levels at line {node.start_mark.line + 1}", f"a config is a few levels deep; {limits.raise_hint(limits.CONFIG_DEPTH)}")

    class Loader(yaml.SafeLoader):
        _depth = 0

        def compose_node(self, parent, index):
            self._depth += 1
            try:
                if self._depth > depth_cap:
                    raise too_deep(self.peek_event())
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def get_single_node(self):
            node = super().get_single_node()
            if node is not None:
                _check_expanded(node, where, depth_cap, values_cap, too_deep)
            return node

        def construct_mapping(self, node, deep=False):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                if key in seen:
                    raise ConfigError(
                        f"{where}: the key {key!r} is given twice in one mapping (lines {seen[key] + 1} and {key_node.start_mark.line + 1})",
                        "keep one of them: YAML would silently use the last",
                    )
                seen[key] = key_node.start_mark.line
            return super().construct_mapping(node, deep)

    return Loader


def _check_expanded(root, where: str, depth_cap: int, values_cap: int, too_deep) -> None:
    """Count the values (and nesting) the document has once its aliases are expanded, without expanding them."""
    import yaml

    sizes: dict[int, tuple[int, int]] = {}  # node → (values, depth) when expanded
    open_nodes: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if children_done:
            open_nodes.discard(key)
            values = 1 + sum(sizes[id(c)][0] for c in children)
            depth = 1 + max((sizes[id(c)][1] for c in children), default=0)
            if values > values_cap:
                raise ConfigError(
                    f"{where}: its aliases (*name) expand to more than {values_cap:,} values (an alias bomb?)",
                    f"a config has a few hundred values; {limits.raise_hint(limits.CONFIG_VALUES)}",
                )
            if depth > depth_cap:
                raise too_deep(node)
            sizes[key] = (values, depth)
            continue
        if key in open_nodes:
            raise ConfigError(f"{where}: an alias (*name) at line {node.start_mark.line + 1} refers to a value that contains it", "a config cannot hold itself; remove the alias")
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                raise ConfigError(f"{where}: an alias (*name) at line {child.start_mark.line + 1} refers to a value that contains it", "a config cannot hold itself; remove the alias")
            if id(child) not in sizes:
                stack.append((child, False))


def parse_yaml(text: str, where: str) -> Any:
    """Parsed YAML; ConfigError with the line and column of a syntax error."""
    import yaml  # only when there is a YAML file

    try:
        return yaml.load(text, Loader=_yaml_loader(where))  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML{at}: {problem}", "check indentation and quoting around that line") from None


def read_config(path: str | Path) -> tuple[Config, str]:
    """A YAML config file, validated, with its text (the report keeps a copy)."""
    path = Path(path)
    text = read_text_file(path, "config file", "--config")
    return validate_config(parse_yaml(text, str(path)), str(path)), text


def load_config(path: str | Path) -> Config:
    """Read and validate a YAML config file."""
    return read_config(path)[0]


def locate_config(explicit: str | None) -> Path | None:
    """The config given with --config, else ./cxscore.yaml when there is one, else None (detect columns)."""
    if explicit:
        return Path(explicit)
    local = Path.cwd() / CONFIG_FILENAME
    return local if local.is_file() else None
