"""Duration values and their unit: text and numbers → seconds, with blank/invalid accounting.

A building block of the coming ``duration`` metric kind (issue 15). Helpdesk exports write
durations as plain numbers in a unit the header names (``First reply time in minutes``,
``Resolution time (in hrs)``, ``平均排队时长(秒)``), as clock times (Freshdesk's business hours
``123:45:06``; hours may exceed 24), with unit words (``2h 30m``, ``1d 4h``, ``3 days``,
``1 day 3:04:05``, ``2小时30分``, ``3分20秒``, Zoho Desk's ``00:19 hrs``), as ISO 8601 (``PT2H30M``) or Jira's ``2w 3d``.

As in normalize.py each distinct text is parsed once (Python) and mapped onto the column with
NumPy; slots are INVALID + 2 = 0, BLANK + 2 = 1 and :data:`VALUE` = 2, so blank and invalid
answers are counted per column exactly like survey answers. Negative durations, durations over
:data:`LONGEST` and text that is no duration are invalid (their texts kept as examples).

Conventions, stated because vendors differ: a day is 24 hours and a week 7 days unless the caller
says otherwise (Jira's time tracking counts working time, by default 1d = 8h and 1w = 5d: pass
``day_hours=8, week_days=5`` for such a column); ``mo`` is Jira's month, 4 weeks; ISO 8601 days
are always 24 h and ISO years and months (``P1M``) are refused as having no fixed length. A two-field
clock ``12:30`` is hours:minutes unless ``short_clock="m:ss"`` (from the config or a header's ``(mm:ss)``,
:func:`header_clock`); read by default, it is a doubt (:func:`unit_doubts`). A plain number needs a unit (from the
header or the caller): without one it is an error, never a guess — except 0, which is 0 in any unit.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .answer_text import canonical
from .normalize import BLANK, INVALID

#: The slot of a parsed duration (after INVALID + 2 = 0 and BLANK + 2 = 1).
VALUE = 2
#: Longer than this (100 years) is no ticket's or call's duration: invalid.
LONGEST = 100 * 365.25 * 86400.0
#: Seconds per unit, by canonical name.
SECONDS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_UNIT_NAMES = {
    "ms": "ms", "msec": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "week": "w", "weeks": "w",
}
#: How a value was written, per row (0 for blank and invalid rows): what the unit check looks at.
FORMS = ("", "number", "clock", "short clock", "units", "iso", "jira sla")
_NUMBER_FORM, _CLOCK, _SHORT_CLOCK, _UNITS, _ISO, _JIRA_SLA = range(1, 7)

_NUMBER = re.compile(r"(?:\d+(?:\.\d+)?|\.\d+|\d{1,3}(?:,\d{3})+(?:\.\d+)?)")
_CLOCK_RE = re.compile(r"(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?")
_HOURS_CLOCK = re.compile(r"(\d+:\d{1,2})\s*(?:hrs?|hours?)")
_ISO_RE = re.compile(r"p(?:(\d+(?:[.,]\d+)?)w)?(?:(\d+(?:[.,]\d+)?)d)?(?:t(?=\d)(?:(\d+(?:[.,]\d+)?)h)?(?:(\d+(?:[.,]\d+)?)m)?(?:(\d+(?:[.,]\d+)?)s)?)?")
#: Unit words in values, with their unit ("mo" is Jira's month of 4 weeks).
_WORDS = {
    **{w: "ms" for w in ("ms", "msec", "msecs", "millisecond", "milliseconds", "毫秒")},
    **{w: "s" for w in ("s", "sec", "secs", "second", "seconds", "秒", "秒钟", "秒鐘")},
    **{w: "min" for w in ("m", "min", "mins", "minute", "minutes", "分", "分钟", "分鐘")},
    **{w: "h" for w in ("h", "hr", "hrs", "hour", "hours", "小时", "个小时", "小時", "個小時", "时", "時")},
    **{w: "d" for w in ("d", "day", "days", "天", "日")},
    **{w: "w" for w in ("w", "wk", "wks", "week", "weeks", "周", "週", "星期")},
    "mo": "mo",
}
_TOKEN = re.compile(r"(\d+(?:\.\d+)?)\s*(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")(?![a-z])[\s,]*(?:and\s+)?")


class DurationUnitUnknown(ValueError):
    """Plain numbers in a column whose unit nobody stated."""


def unit_named(name: str) -> str:
    """The canonical unit (``ms s min h d w``) for a name a config may use: ``minutes``, ``hrs`` …"""
    unit = _UNIT_NAMES.get(canonical(name))
    if unit is None:
        raise ValueError(f"unknown duration unit {name!r}: use one of ms, seconds, minutes, hours, days, weeks")
    return unit


class DurationParser:
    """Parses one column's duration texts into seconds, caching each distinct text."""

    def __init__(self, unit: str | None = None, blank_values: Iterable[str] = (), day_hours: float = 24.0, week_days: float = 7.0, short_clock: str = "h:mm"):
        if short_clock not in ("h:mm", "m:ss"):
            raise ValueError(f"short_clock must be 'h:mm' or 'm:ss', not {short_clock!r}")
        self.unit = None if unit is None else unit_named(unit)
        self.blank = {canonical(v) for v in blank_values}
        day = day_hours * 3600.0
        self.seconds = {**SECONDS, "d": day, "w": day * week_days, "mo": 4 * day * week_days}
        self.short_clock = short_clock
        self._cache: dict[str, tuple[float, int]] = {}

    def parse(self, text: str | None) -> tuple[float, int]:
        """``(seconds, form)``: form is an index into :data:`FORMS`, or BLANK / INVALID (negative) with NaN seconds."""
        if text is None:
            return math.nan, BLANK
        cached = self._cache.get(text)
        if cached is None:
            cached = self._cache[text] = self._parse(text)
        return cached

    def _parse(self, text: str) -> tuple[float, int]:
        if text.lstrip().startswith("{"):
            return jira_sla_elapsed(text)
        key = canonical(text)
        if not key or key in self.blank:
            return math.nan, BLANK
        negative = key[0] in "-−"
        body = key[1:].strip() if negative or key[0] == "+" else key
        seconds, form = self._read(body)
        if form < 0 or (negative and seconds > 0) or seconds > LONGEST:
            return math.nan, INVALID
        return seconds, form

    def _read(self, body: str) -> tuple[float, int]:
        if _NUMBER.fullmatch(body):
            number = float(body.replace(",", ""))
            if number == 0:
                return 0.0, _NUMBER_FORM
            if self.unit is None:
                raise DurationUnitUnknown(f"values such as {body!r} are plain numbers and no unit is known: name it in the header ('… in minutes') or in the config (unit: minutes)")
            return number * self.seconds[self.unit], _NUMBER_FORM
        clock = _clock(body, self.short_clock)
        if clock is not None:
            return clock
        hours = _HOURS_CLOCK.fullmatch(body)
        if hours is not None:  # Zoho Desk's metrics: "00:19 hrs" is hours:minutes
            seconds, form = _clock(hours.group(1), "h:mm") or (math.nan, INVALID)
            return seconds, _CLOCK if form > 0 else form  # the unit is written: no h:mm/m:ss doubt
        if body.startswith("p"):
            return _iso(body)
        return self._units(body)

    def _units(self, body: str) -> tuple[float, int]:
        """``2h 30m``, ``1d 4h``, ``3 days``, ``2小时30分``, ``1 day 3:04:05`` (a clock only after days/weeks)."""
        total, seen, at = 0.0, set(), 0
        while at < len(body):
            token = _TOKEN.match(body, at)
            if token is None:
                break
            unit = _WORDS[token.group(2)]
            if unit in seen:
                return math.nan, INVALID
            seen.add(unit)
            total += float(token.group(1)) * self.seconds[unit]
            at = token.end()
        rest = body[at:].strip()
        if not seen:
            return math.nan, INVALID
        if rest:
            clock = _clock(rest, "h:mm")
            if clock is None or clock[1] != _CLOCK or not seen <= {"d", "w", "mo"}:
                return math.nan, INVALID
            total += clock[0]
        return total, _UNITS


def jira_sla_elapsed(text: str) -> tuple[float, int]:
    """A Jira Service Management SLA value as its database stores it (``{"timeline": …, "ongoingSLAData": …,
    "completeSLAData": [{"succeeded": true, "elapsedTime": 5400000, …}]}``): the time its clock ran over the
    completed cycles, ``elapsedTime`` in milliseconds summed (a reopened request's cycles add up); blank when no
    cycle has completed (a clock still running); invalid when it is no such JSON."""
    try:
        cycles = json.loads(text).get("completeSLAData")
        elapsed = [float(cycle["elapsedTime"]) for cycle in cycles]
    except (ValueError, TypeError, KeyError, AttributeError):
        return math.nan, INVALID
    if not elapsed:
        return math.nan, BLANK
    seconds = sum(elapsed) / 1000
    return (seconds, _JIRA_SLA) if 0 <= seconds <= LONGEST else (math.nan, INVALID)


def _clock(body: str, short_clock: str) -> tuple[float, int] | None:
    match = _CLOCK_RE.fullmatch(body)
    if match is None:
        return None
    first, second, third = int(match.group(1)), int(match.group(2)), match.group(3)
    if second >= 60 or (third is not None and float(third) >= 60):
        return math.nan, INVALID
    if third is not None:
        return first * 3600.0 + second * 60.0 + float(third), _CLOCK
    return first * (60.0 if short_clock == "m:ss" else 3600.0) + second * (1.0 if short_clock == "m:ss" else 60.0), _SHORT_CLOCK


def _iso(body: str) -> tuple[float, int]:
    match = _ISO_RE.fullmatch(body)
    if match is None or not any(match.groups()):
        return math.nan, INVALID
    weeks, days, hours, minutes, seconds = (float(g.replace(",", ".")) if g else 0.0 for g in match.groups())
    return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds, _ISO


@dataclass(frozen=True)
class DurationColumn:
    """One chunk of a duration column: seconds (NaN where not a value), slots (INVALID + 2, BLANK + 2 or
    :data:`VALUE`), how each row was written (:data:`FORMS`), the invalid texts with their counts and
    one example text per form; and the rows ``noted``, counted apart for a warning: between timestamps,
    blank for a placeholder date (``1900-01-01``); in a sum of columns, summed with a blank part as 0."""

    seconds: np.ndarray
    slots: np.ndarray
    forms: np.ndarray
    invalid_texts: Counter
    examples: dict[str, str]
    noted: np.ndarray | None = None

    def form_counts(self) -> Counter:
        """Rows per written form (``number``, ``clock`` …)."""
        counts = np.bincount(self.forms, minlength=len(FORMS))
        return Counter({FORMS[i]: int(c) for i, c in enumerate(counts) if i and c})


def encode_durations(column: pa.Array | pa.ChunkedArray, parser: DurationParser) -> DurationColumn:
    """Vectorised: parse each distinct value once, then map the column through lookup tables."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        return _encode_numbers(column, parser)
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    encoded = pc.dictionary_encode(column)
    texts = encoded.dictionary.to_pylist()
    parsed = [parser.parse(t) for t in texts] + [(math.nan, BLANK)]  # the last entry is for null cells
    seconds_lut = np.array([s for s, _ in parsed], dtype=np.float64)
    form_lut = np.array([max(f, 0) for _, f in parsed], dtype=np.int8)
    slot_lut = np.array([f + 2 if f < 0 else VALUE for _, f in parsed], dtype=np.intp)
    entries = encoded.indices.fill_null(len(texts)).to_numpy().astype(np.intp, copy=False)
    seen = np.bincount(entries, minlength=len(parsed))
    invalid = Counter({texts[i]: int(seen[i]) for i in np.flatnonzero(slot_lut == INVALID + 2).tolist() if seen[i]})
    examples: dict[str, str] = {}
    for i in np.flatnonzero((form_lut > 0) & (seen > 0)).tolist():
        name = FORMS[form_lut[i]]
        examples[name] = min(examples.get(name, texts[i]), texts[i])
    return DurationColumn(np.take(seconds_lut, entries), np.take(slot_lut, entries), np.take(form_lut, entries), invalid, examples)


def _encode_numbers(column: pa.Array, parser: DurationParser) -> DurationColumn:
    """A column the reader parsed as numbers (null or NaN where empty): all in the parser's unit."""
    values = column.cast(pa.float64()).fill_null(math.nan).to_numpy(zero_copy_only=False)
    blank = np.isnan(values)
    if parser.unit is None and np.any(values[~blank] != 0):
        example = _number_text(float(values[~blank][values[~blank] != 0][0]))
        raise DurationUnitUnknown(f"values such as {example!r} are plain numbers and no unit is known: name it in the header ('… in minutes') or in the config (unit: minutes)")
    seconds = values * (parser.seconds[parser.unit] if parser.unit else 1.0)
    bad = (seconds < 0) | (seconds > LONGEST)
    slots = np.where(blank, BLANK + 2, np.where(bad, INVALID + 2, VALUE)).astype(np.intp)
    seconds[bad] = math.nan
    shown, counts = np.unique(values[bad], return_counts=True)
    invalid = Counter({_number_text(float(v)): int(c) for v, c in zip(shown, counts)})
    valid = slots == VALUE
    examples = {"number": _number_text(float(values[valid].min()))} if valid.any() else {}
    return DurationColumn(seconds, slots, np.where(valid, _NUMBER_FORM, 0).astype(np.int8), invalid, examples)


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


#: Unit phrases in a header, matched on the header split into lower-case words (camelCase and ``_`` split).
_HEADER_UNITS = (
    ("ms", re.compile(r"\bmilli ?seconds?\b|\bmsecs?\b|\bms\b|毫秒")),
    ("s", re.compile(r"\bseconds\b|\bin seconds?\b|\bsecs?\b|(?:^|\s)\(s\)|(?<!毫)秒")),
    ("min", re.compile(r"\bminutes?\b|\bmins\b|\bin mins?\b|\(mins?\)|分钟|\(分\)")),
    ("h", re.compile(r"\bhours?\b|\bhrs\b|\bin hrs?\b|\(hrs?\)|(?:^|\s)\(h\)|小时|\(时\)")),
    ("d", re.compile(r"\bdays\b|\bin days?\b|\(days?\)|(?:^|\s)\(d\)|\(天\)|天数")),
    ("w", re.compile(r"\bweeks\b|\bin weeks?\b|\(weeks?\)")),
)
#: "within business hours" qualifies a duration; it is its unit only when no other unit is named.
_QUALIFIER = re.compile(r"\b(?:business|calendar|office|working|work|opening|support) (?:hours|hrs|days)\b")
#: A share or rate ("% answered within 20 seconds", 首响20秒应答率) is no duration, whatever unit it names.
_NOT_A_DURATION = re.compile(r"%|\bpercent|\brate\b|\bratio\b|\bshare\b|率|比例|占比")
_FORM_WORDS = {"clock": "as clock times", "units": "with unit words", "iso": "in ISO 8601"}
_UNIT_WORD = {"ms": "milliseconds", "s": "seconds", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def header_unit(header: str) -> tuple[str, str] | None:
    """The unit a duration column's header names, with the reason (``("min", "the header says 'in minutes'")``),
    or None when it names none, several, or the column is a rate."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", unicodedata.normalize("NFKC", header))  # ElapsedTimeInMins
    text = " ".join(re.sub(r"[_\-./]", " ", text.casefold()).split())
    if _NOT_A_DURATION.search(text):
        return None
    for candidate in (_QUALIFIER.sub(" ", text), text):
        found = {unit: match.group(0).strip() for unit, pattern in _HEADER_UNITS if (match := pattern.search(candidate))}
        if len(found) == 1:
            unit, phrase = found.popitem()
            return unit, f"the header {header!r} says {phrase!r}"
        if found:
            return None
    return None


def header_clock(header: str) -> tuple[str, str] | None:
    """The reading of two-field clocks a header states (``Talk time (mm:ss)`` → ``("m:ss", reason)``,
    ``(hh:mm)`` → ``"h:mm"``), or None; ``hh:mm:ss`` states nothing about two fields."""
    text = unicodedata.normalize("NFKC", header).casefold()
    for short_clock, pattern in (("m:ss", r"(?<![h:])\bm{1,2}:ss\b|(?<!时:)分:秒"), ("h:mm", r"\bh{1,2}:mm\b(?!:)|时:分(?!:)")):
        match = re.search(pattern, text)
        if match:
            return short_clock, f"the header {header!r} says {match.group(0)!r}"
    return None


def unit_doubts(column: DurationColumn, unit: str | None = None, said_by: str = "", short_clock_stated: bool = False) -> list[str]:
    """Where the values contradict the stated unit (``said_by``: "the header 'X' says 'in minutes'", "the
    config says minutes"), or are read by a default a person should confirm, one line each naming the
    problem and what to check. Two-field clocks are a doubt unless their reading was stated (config or
    :func:`header_clock`) or the unit is hours. Freshdesk's ``(in hrs)`` columns written ``HH:MM:SS``
    agree with their header (hours first) and raise no doubt."""
    unit = None if unit is None else unit_named(unit)
    doubts = []
    forms = column.form_counts()
    if forms["short clock"] and not short_clock_stated and unit != "h":
        example = column.examples["short clock"]
        hours, minutes = example.strip().split(":")
        but = f"{said_by}, but values" if unit else "values"
        doubts.append(f"{but} such as {example!r} are read as hours:minutes ({int(hours)} h {int(minutes)} min); if they are minutes:seconds, say so (short clock m:ss)")
    if unit is None:
        return doubts
    written = [form for form in ("clock", "units", "iso") if forms[form] and not (form == "clock" and unit == "h")]
    if written:
        shown = ", ".join(f"{forms[form]} {_FORM_WORDS[form]} like {column.examples[form]!r}" for form in written)
        doubts.append(f"{said_by}, but values carry their own units ({shown}): they are read as written and {_UNIT_WORD[unit]} apply to plain numbers only; check the column and its unit")
    numbers = column.seconds[column.forms == _NUMBER_FORM]
    if len(numbers):
        per_unit = SECONDS[unit]
        largest, median = float(numbers.max()), float(np.median(numbers))
        if largest > 10 * 365.25 * 86400:
            doubts.append(f"{said_by}, but its numbers reach {largest / per_unit:,.0f} {_UNIT_WORD[unit]} (= {largest / 365.25 / 86400:,.1f} years): check the unit (seconds? milliseconds?)")
        elif median > 30 * 86400:
            doubts.append(f"{said_by}, but its median is {median / per_unit:,.0f} {_UNIT_WORD[unit]} (= {median / 86400:,.0f} days): check the unit (seconds? minutes?)")
    return doubts
