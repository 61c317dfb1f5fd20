"""Business hours: a weekly schedule with breaks, holidays and a time zone, and the business seconds
between two columns of timestamps, vectorised (a building block of the service KPIs, issue 15).

Time zones. Naive timestamps (NumPy ``datetime64``, Arrow timestamps without a zone) are taken as
the wall-clock time of the schedule's zone, as exports write them (Zendesk's ``Created at``).
Zone-aware Arrow timestamps (Amazon Connect's UTC, Intercom's epoch) are converted to that wall
clock first; a schedule without a zone refuses them rather than guess whose office hours they meet.

Daylight saving. Business time is counted on the local wall clock: each working interval counts
its wall-clock length. The clocks change at night in nearly every zone, outside working hours, so
this is exact there; an interval that spans the change (e.g. 00:00-06:00, or round-the-clock
support) counts 6 h on the night it really lasts 5 h or 7 h. Naive times that fall in the skipped
hour or the repeated hour are used as written.

Method: the business time from start to end is B(end) − B(start), B(t) the business microseconds
from the first day the block touches to t: one table per call over that span of days (the business
time before each day, and each day's working intervals, nothing on holidays and closed days), read
per row with one gather a column, plus the day's intervals clipped at the time of day — whole
integers throughout, no per-row Python.
"""
from __future__ import annotations

import difflib
import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from collections.abc import Iterable, Mapping

import numpy as np
import pyarrow as pa
from .lazy_import import pc

DAY_SECONDS = 86_400
_MICROS = 1_000_000
_DAY_MICROS = DAY_SECONDS * _MICROS
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_KEYS = ("timezone", "hours", "holidays")
_TIME = r"(\d{1,2}):(\d\d)(?::(\d\d))?"
_INTERVAL = re.compile(rf"\s*{_TIME}\s*[-–]\s*{_TIME}\s*")
_HOLIDAY_LINE = re.compile(r"(\d{4}-\d\d-\d\d)(?:[\s,;].*)?")

Interval = tuple[int, int]  # seconds after midnight: [start, end)


@dataclass(frozen=True)
class Schedule:
    """Working hours per weekday (Monday first; each a sorted tuple of non-overlapping ``(start, end)``
    seconds after midnight), holiday dates (no working hours at all) and an IANA time zone (or None)."""

    hours: tuple[tuple[Interval, ...], ...]
    holidays: tuple[date, ...] = ()
    timezone: str | None = None
    _starts: np.ndarray = field(init=False, repr=False, compare=False)
    _lengths: np.ndarray = field(init=False, repr=False, compare=False)
    _calendar: np.busdaycalendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hours = tuple(tuple(sorted((int(s), int(e)) for s, e in day)) for day in self.hours)
        if len(hours) != 7:
            raise ValueError(f"hours: give 7 weekdays (Monday first), not {len(hours)}")
        for name, day in zip(WEEKDAYS, hours):
            for (s, e), (s2, _) in zip(day, day[1:] + ((DAY_SECONDS, DAY_SECONDS),)):
                if not 0 <= s < e <= DAY_SECONDS:
                    raise ValueError(f"hours.{name}: {_clock(s)}-{_clock(e)} is not an interval within one day")
                if e > s2:
                    raise ValueError(f"hours.{name}: {_clock(s)}-{_clock(e)} overlaps the interval starting at {_clock(s2)}")
        if not any(hours):
            raise ValueError("hours: no working hours on any day")
        if self.timezone is not None:
            zoneinfo.ZoneInfo(self.timezone)  # raises for an unknown zone
        holidays = tuple(sorted(set(self.holidays)))
        object.__setattr__(self, "hours", hours)
        object.__setattr__(self, "holidays", holidays)
        widest = max(len(day) for day in hours)
        starts = np.zeros((widest, 7), np.int64)  # microseconds after midnight, interval k of weekday w at [k, w]
        lengths = np.zeros((widest, 7), np.int64)
        for w, day in enumerate(hours):
            for k, (s, e) in enumerate(day):
                starts[k, w], lengths[k, w] = s * _MICROS, (e - s) * _MICROS
        object.__setattr__(self, "_starts", starts)
        object.__setattr__(self, "_lengths", lengths)
        holiday_days = np.array(holidays, "datetime64[D]")
        open_days = [bool(day) for day in hours]
        object.__setattr__(self, "_calendar", np.busdaycalendar(weekmask=open_days, holidays=holiday_days))

    def __reduce__(self) -> tuple[type, tuple]:
        """Pickled as its three parts (its NumPy calendars are not picklable): worker processes get it in a metric."""
        return Schedule, (self.hours, self.holidays, self.timezone)

    def business_seconds(self, start: Any, end: Any) -> np.ndarray:
        """Business seconds from each ``start`` to its ``end`` (float64); NaN where either is missing
        or ``end`` is before ``start`` (the caller counts those rows invalid).

        ``start`` and ``end``: NumPy ``datetime64`` arrays or Arrow timestamp (chunked) arrays of one length.
        Counted in whole microseconds and divided once, so whole-second times give whole seconds exactly.
        """
        begin, finish = self.wall_clock(start), self.wall_clock(end)
        if begin.shape != finish.shape:
            raise ValueError(f"start and end differ in length ({begin.size} and {finish.size})")
        usable = ~(np.isnat(begin) | np.isnat(finish)) & (finish >= begin)
        if not usable.any():
            return np.full(begin.size, np.nan)
        begin_us, finish_us = begin.view(np.int64), finish.view(np.int64)
        if not usable.all():  # a missing or backward row is counted at the first usable start, then made NaN
            anchor = begin_us[int(np.argmax(usable))]
            begin_us, finish_us = np.where(usable, begin_us, anchor), np.where(usable, finish_us, anchor)
        first = int(begin_us.min()) // _DAY_MICROS  # every end is at or after its start: the last day is the ends' latest
        table = self._days(first, int(finish_us.max()) // _DAY_MICROS)
        total = (table.worked_by(finish_us) - table.worked_by(begin_us)).astype(np.float64)
        total /= _MICROS
        total[~usable] = np.nan
        return total

    def _days(self, first: int, last: int) -> _DayTable:
        """The days ``first`` … ``last`` (days since 1970-01-01) as a :class:`_DayTable`."""
        days = np.arange(first, last + 1, dtype=np.int64)
        weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
        open_day = np.is_busday(days.astype("datetime64[D]"), busdaycal=self._calendar)
        starts = self._starts[:, weekday]
        lengths = np.where(open_day, self._lengths[:, weekday], 0)  # holidays and closed days: no working time
        before = np.zeros(len(days), np.int64)
        np.cumsum(lengths.sum(axis=0)[:-1], out=before[1:])
        return _DayTable(first, before, starts, lengths)

    def wall_clock(self, values: Any) -> np.ndarray:
        """Timestamps as ``datetime64[us]`` wall-clock times in the schedule's zone (NaT where missing)."""
        if isinstance(values, (pa.Array, pa.ChunkedArray)):
            if not pa.types.is_timestamp(values.type):
                raise TypeError(f"business hours need timestamps, not {values.type}")
            if values.type.tz is not None:
                if self.timezone is None:
                    raise ValueError(f"the timestamps carry a time zone ({values.type.tz}) but the schedule has none; add schedule.timezone")
                values = pc.local_timestamp(values.cast(pa.timestamp(values.type.unit, tz=self.timezone)))
            values = values.to_numpy(zero_copy_only=False) if isinstance(values, pa.Array) else values.to_numpy()
        values = np.asarray(values)
        if values.dtype.kind != "M":
            raise TypeError(f"business hours need timestamps, not {values.dtype}")
        return values.astype("datetime64[us]")


@dataclass(frozen=True)
class _DayTable:
    """A span of days from day ``first`` (days since 1970-01-01) on: per day i, the business microseconds of the
    days before it in the span (``before[i]``) and its working intervals (``starts[k, i]``, ``lengths[k, i]``: 0 on
    a holiday or a closed day)."""

    first: int
    before: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray

    def worked_by(self, moments: np.ndarray) -> np.ndarray:
        """Business microseconds from the span's first midnight to each moment (int64 microseconds since 1970, on
        the wall clock, all within the span)."""
        day = moments // _DAY_MICROS
        clock = moments - day * _DAY_MICROS  # microseconds after that day's midnight
        day -= self.first
        worked = self.before[day]
        for starts, lengths in zip(self.starts, self.lengths):
            inside = clock - starts[day]
            np.clip(inside, 0, lengths[day], out=inside)
            worked += inside
        return worked


def _clock(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


# --- the config form ---------------------------------------------------------------------------


def parse_schedule(data: Any, key: str = "schedule", base_dir: Path | None = None) -> Schedule:
    """A ``schedule:`` config mapping → :class:`Schedule`; ValueError naming the key and the fix.

    ``{timezone: Europe/Berlin, hours: {mon-fri: ["09:00-12:00", "13:00-18:00"], sat: "10:00-14:00"},
    holidays: [2025-12-25, ...] | {file: holidays.txt}}``. Days not named are closed. A holiday
    file is resolved against ``base_dir`` (the config file's folder).
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"{key}: a schedule is a mapping with hours (and timezone, holidays); got {_short(data)}")
    for name in data:
        if name not in _KEYS:
            close = difflib.get_close_matches(str(name), _KEYS, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(_KEYS)}"
            raise ValueError(f"{key}.{name}: unknown key; {hint}")
    if "hours" not in data:
        raise ValueError(f"{key}.hours: is required, e.g. {{mon-fri: \"09:00-17:00\"}}")
    timezone = parse_timezone(data.get("timezone"), f"{key}.timezone")
    hours = parse_hours(data["hours"], f"{key}.hours")
    holidays = parse_holidays(data.get("holidays"), f"{key}.holidays", base_dir)
    return Schedule(hours, holidays, timezone)


def parse_timezone(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: give an IANA time zone name such as Europe/Berlin; got {_short(value)}")
    name = value.strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "use an IANA name such as Europe/Berlin or Asia/Shanghai"
        raise ValueError(f"{key}: {name!r} is not a known time zone; {hint}") from None
    return name


def parse_hours(value: Any, key: str) -> tuple[tuple[Interval, ...], ...]:
    """``{mon-fri: ["09:00-12:00", "13:00-18:00"], sat: "10:00-14:00", sun: closed}`` → 7 weekdays (closed: also off, [] or nothing)."""
    if not isinstance(value, Mapping) or not value:
        raise ValueError(f"{key}: give working hours per day, e.g. {{mon-fri: [\"09:00-12:00\", \"13:00-18:00\"]}}; got {_short(value)}")
    days: list[tuple[Interval, ...] | None] = [None] * 7
    given_by: dict[int, str] = {}
    for spec, intervals in value.items():
        here = f"{key}.{spec}"
        parsed = _intervals(intervals, here)
        for w in _weekdays(spec, here):
            if w in given_by:
                raise ValueError(f"{here}: {_FULL_NAMES[w].title()} is already given by {given_by[w]!r}; name each day once")
            given_by[w] = str(spec)
            days[w] = parsed
    hours = tuple(day or () for day in days)
    if not any(hours):
        raise ValueError(f"{key}: no working hours on any day; give at least one interval such as \"09:00-17:00\"")
    return hours


def _weekdays(spec: Any, key: str) -> list[int]:
    """``mon``, ``monday``, ``mon-fri`` (wrapping: ``fri-mon``) or ``sat, sun`` → weekday numbers."""
    if not isinstance(spec, str):
        raise ValueError(f"{key}: a day is a name such as mon, a range such as mon-fri or a list such as 'sat, sun'")
    found: list[int] = []
    for part in spec.split(","):
        ends = [_weekday(name, key) for name in re.split(r"\s*[-–]\s*", part.strip())]
        if len(ends) == 1:
            found.append(ends[0])
        elif len(ends) == 2:
            found.extend((ends[0] + i) % 7 for i in range((ends[1] - ends[0]) % 7 + 1))
        else:
            raise ValueError(f"{key}: {part.strip()!r} is not a day range; write it like mon-fri")
    return found


def _weekday(name: str, key: str) -> int:
    word = name.strip().lower()
    if word in WEEKDAYS:
        return WEEKDAYS.index(word)
    if word in _FULL_NAMES:
        return _FULL_NAMES.index(word)
    raise ValueError(f"{key}: {name.strip()!r} is not a day; use mon, tue, wed, thu, fri, sat, sun (or ranges such as mon-fri)")


def _intervals(value: Any, key: str) -> tuple[Interval, ...]:
    if value is None or value is False or value == [] or (isinstance(value, str) and value.strip().lower() in ("closed", "off")):
        return ()  # YAML reads an unquoted off as false
    texts = [value] if isinstance(value, str) else value
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        raise ValueError(f"{key}: give intervals as \"HH:MM-HH:MM\" or a list of them (quote them in YAML); got {_short(value)}")
    parsed = []
    for text in texts:
        match = _INTERVAL.fullmatch(text)
        if not match:
            raise ValueError(f"{key}: {text!r} is not an interval; write it like \"09:00-12:00\"")
        start, end = _seconds(*match.group(1, 2, 3)), _seconds(*match.group(4, 5, 6))
        if start is None or end is None or start > DAY_SECONDS or end > DAY_SECONDS:
            raise ValueError(f"{key}: {text!r} has a time that does not exist; times run from 00:00 to 24:00")
        if end <= start:
            fix = f"split it at midnight: \"{text.split('-')[0].strip()}-24:00\" and \"00:00-{_clock(end)}\" on the next day" if end < start else "give a start before the end"
            raise ValueError(f"{key}: {text!r} ends before it starts; {fix}")
        parsed.append((start, end))
    parsed.sort()
    for (s, e), (s2, e2) in zip(parsed, parsed[1:]):
        if s2 < e:
            raise ValueError(f"{key}: {_clock(s)}-{_clock(e)} overlaps {_clock(s2)}-{_clock(e2)}")
    return tuple(parsed)


def _seconds(hours: str, minutes: str, seconds: str | None) -> int | None:
    h, m, s = int(hours), int(minutes), int(seconds or 0)
    if m > 59 or s > 59 or (h == 24 and (m or s)):
        return None
    return h * 3600 + m * 60 + s


def parse_holidays(value: Any, key: str, base_dir: Path | None = None) -> tuple[date, ...]:
    """A list of dates (YAML dates or ``YYYY-MM-DD`` text) or ``{file: PATH}`` → dates."""
    if value is None:
        return ()
    if isinstance(value, Mapping):
        if set(value) != {"file"}:
            raise ValueError(f"{key}: give a list of dates or {{file: holidays.txt}}; got keys {', '.join(map(str, value))}")
        path = Path(str(value["file"]))
        return read_holidays(path if path.is_absolute() or base_dir is None else base_dir / path, f"{key}.file")
    if not isinstance(value, list):
        raise ValueError(f"{key}: give a list of dates such as [2025-12-25] or {{file: holidays.txt}}; got {_short(value)}")
    return tuple(_holiday(item, f"{key}[{i}]") for i, item in enumerate(value))


def _holiday(item: Any, key: str) -> date:
    if isinstance(item, datetime):
        raise ValueError(f"{key}: {item} has a time; a holiday is a whole date such as 2025-12-25")
    if isinstance(item, date):
        return item
    if isinstance(item, str):
        try:
            return date.fromisoformat(item.strip())
        except ValueError:
            pass
    raise ValueError(f"{key}: {_short(item)} is not a date; write it as YYYY-MM-DD, e.g. 2025-12-25")


def read_holidays(path: Path, key: str = "holidays.file") -> tuple[date, ...]:
    """A holiday file: one ``YYYY-MM-DD`` per line, optionally followed by a name; ``#`` comments and blank lines skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"{key}: {path} not found; give the path relative to the config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{key}: cannot read {path} ({getattr(exc, 'strerror', None) or exc})") from None
    return tuple(_holidays_in(text.splitlines(), f"{key}: {path}"))


def _holidays_in(lines: Iterable[str], where: str) -> list[date]:
    found = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        match = _HOLIDAY_LINE.fullmatch(text)
        try:
            if text:
                found.append(date.fromisoformat(match[1] if match else text))
        except ValueError:
            raise ValueError(f"{where} line {number}: {text[:40]!r} is not a date; write one YYYY-MM-DD per line") from None
    return found


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
