"""Seconds from one timestamp column to another (created → first reply, created → solved, enqueued →
answered), vectorised: what a ``duration`` metric with ``start:`` and ``end:`` reads (issue 15).

A timestamp is read as :mod:`cxscore.dates` reads the period column (every format it lists, the
day/month order given or shown by the file's values), plus the time zones exports write:

- **naive** (``2025-03-14 09:05:00``, Zendesk, Freshdesk): a wall-clock time in the export's zone;
- **zoned** (``2025-03-14T09:05:00Z``, ``…+08:00``, Amazon Connect, Zoho) and **epoch** seconds or
  milliseconds (``1510695908``, ``1510695908000``, Intercom's API, Lark): an instant, taken in UTC.

Two naive times subtract as wall-clock times, unless ``timezone`` names the export's zone, when both
become instants first (exact across a daylight-saving change). Two zoned times subtract as instants.
A row with one of each needs ``timezone`` to place the naive one, else :class:`ZoneMismatch`.

A placeholder (``1900-01-01``, ``0001-01-01``: :func:`cxscore.dates.placeholders`) or an empty cell at
either end makes the row blank: an unsolved ticket has no resolution time. A cell that is no date
makes it invalid (its text is the example); so does an end before its start (``start → end``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .dates import date_window, is_blank, placeholders, read_dates
from .durations import VALUE, DurationColumn
from .normalize import BLANK, INVALID
from .schedule import Schedule

#: A zone written after a time: ``Z``, ``UTC``, ``GMT`` or an offset ``+08:00`` / ``-0500``.
_ZONE = r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?P<sign>Z|UTC|GMT|[+-])(?P<hours>\d\d)?:?(?P<minutes>\d\d)?\s*$"
_ZONED_ISO = re.compile(r"\s*\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:Z|[+-]\d\d:?\d\d)\s*$")
#: Epoch seconds (9–10 digits: 1973–2286) or milliseconds (12–13 digits).
_EPOCH = r"^\s*(?:\d{9,10}|\d{12,13})(?:\.\d+)?\s*$"


class ZoneMismatch(ValueError):
    """Rows with a zoned time at one end and a naive one at the other, and no zone to place the naive one;
    or (``schedule``) zoned times against a schedule without a zone."""

    def __init__(self, message: str, schedule: bool = False):
        super().__init__(message)
        self.schedule = schedule


@dataclass(frozen=True)
class Moments:
    """One timestamp column read: per row, whole seconds since 1970 (UTC where ``zoned``, the wall clock
    where naive; 0 where not ``read``), whether it is blank (empty or a placeholder) and a placeholder."""

    seconds: np.ndarray
    read: np.ndarray
    zoned: np.ndarray
    blank: np.ndarray
    placeholder: np.ndarray
    numeric: int = 0  # dates written with the day and month as numbers, read in the order asked
    proven: int = 0  # of those, the ones with a day over 12


def read_moments(values: pa.Array | pa.ChunkedArray, dayfirst: bool = False) -> Moments:
    """A column of timestamps as exports write them (text, Arrow timestamps or epoch numbers) → :class:`Moments`."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    size = len(values)
    if pa.types.is_timestamp(values.type):
        times = values.cast(pa.timestamp("s", values.type.tz)) if values.type.unit == "s" else pc.floor_temporal(values, unit="second").cast(pa.timestamp("s", values.type.tz))
        return _moments(values, _naive(times), np.full(size, values.type.tz is not None))
    if pa.types.is_integer(values.type) or pa.types.is_floating(values.type):
        return _epochs(values.cast(pa.float64()).to_numpy(zero_copy_only=False))
    text = values.cast(pa.string())
    zoned_fast = _zoned_fast(text)
    if zoned_fast is not None:
        return _moments(text, zoned_fast, np.ones(size, bool))
    read = read_dates(text, dayfirst)
    times = read.times
    zoned: np.ndarray = np.zeros(size, bool)
    offsets = pc.extract_regex(text, _ZONE)
    if offsets.null_count < size:  # some values name their zone: their wall clock minus the offset is UTC
        zoned = offsets.is_valid().to_numpy(zero_copy_only=False) & times.is_valid().to_numpy(zero_copy_only=False)
        sign = pc.struct_field(offsets, "sign").to_numpy(zero_copy_only=False)
        hours = pc.cast(pc.if_else(pc.equal(pc.struct_field(offsets, "hours"), ""), "0", pc.struct_field(offsets, "hours")), pa.int64()).fill_null(0).to_numpy()
        minutes = pc.cast(pc.if_else(pc.equal(pc.struct_field(offsets, "minutes"), ""), "0", pc.struct_field(offsets, "minutes")), pa.int64()).fill_null(0).to_numpy()
        offset = np.where(sign == "-", -1, 1) * (hours * 3600 + minutes * 60)
        seconds = _seconds(times) - np.where(zoned, offset, 0)
        times = pa.array(seconds, pa.int64(), mask=~times.is_valid().to_numpy(zero_copy_only=False)).cast(pa.timestamp("s"))
    moments = _moments(text, times, zoned, read.numeric, read.proven)
    unread = np.flatnonzero(~moments.read & ~moments.blank)
    if len(unread):  # epoch seconds or milliseconds among the values no date format read
        digits = text.take(pa.array(unread))
        epoch = _matches(digits, _EPOCH)
        if epoch.any():
            found = _epochs(pc.cast(pc.utf8_trim_whitespace(digits.filter(pa.array(epoch))), pa.float64()).to_numpy(zero_copy_only=False))
            rows = unread[epoch][found.read]
            moments.seconds[rows], moments.read[rows], moments.zoned[rows] = found.seconds[found.read], True, True
    return moments


def _moments(values: pa.Array, times: pa.TimestampArray, zoned: np.ndarray, numeric: int = 0, proven: int = 0) -> Moments:
    placeholder = placeholders(values, times)
    low, high = date_window()  # 1900 to a year ahead, as for the period column
    seconds = _seconds(times)
    read = times.is_valid().to_numpy(zero_copy_only=False) & ~placeholder & (seconds >= low) & (seconds <= high)
    blank = (values.is_null() if pa.types.is_timestamp(values.type) else is_blank(values)).to_numpy(zero_copy_only=False) | placeholder
    return Moments(np.where(read, seconds, 0), read, zoned & read, blank, placeholder, numeric, proven)


def _epochs(numbers: np.ndarray) -> Moments:
    """Epoch numbers (milliseconds from 10¹¹ on) as zoned moments; 0 is a placeholder, others outside 1900 … next year unread."""
    known = np.isfinite(numbers)
    seconds = np.where(known, np.where(np.abs(numbers) >= 1e11, numbers / 1000, numbers), 0).astype(np.int64)
    low, high = date_window()
    placeholder = known & (numbers == 0)
    read = known & ~placeholder & (seconds >= low) & (seconds <= high)
    return Moments(np.where(read, seconds, 0), read, read.copy(), ~known | placeholder, placeholder)


def _zoned_fast(text: pa.StringArray) -> pa.TimestampArray | None:
    """The whole column as ISO 8601 instants with zones (``…Z``, ``…+08:00``), in UTC; None unless every value is one."""
    first = next((value for value in text[:64].to_pylist() if value and value.strip()), None)
    if first is None or not _ZONED_ISO.match(first):
        return None
    for candidate in (text, pc.if_else(pc.equal(pc.utf8_trim_whitespace(text), ""), pa.scalar(None, pa.string()), text)):
        try:
            instants = pc.cast(candidate, pa.timestamp("ms", "UTC"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        seconds = np.floor_divide(pc.cast(instants, pa.int64()).fill_null(0).to_numpy(), 1000)
        return pa.array(seconds, pa.int64(), mask=instants.is_null().to_numpy(zero_copy_only=False)).cast(pa.timestamp("s"))
    return None


def _naive(times: pa.TimestampArray) -> pa.TimestampArray:
    """Timestamps without their zone label (a zoned Arrow timestamp already counts in UTC)."""
    return times.cast(pa.int64()).cast(pa.timestamp("s")) if times.type.tz is not None else times


def _seconds(times: pa.TimestampArray) -> np.ndarray:
    return pc.cast(times, pa.int64()).fill_null(0).to_numpy().copy()


def _matches(text: pa.StringArray, pattern: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False).to_numpy(zero_copy_only=False)


def to_utc(moments: Moments, timezone: str) -> Moments:
    """Naive moments as the instants they are in ``timezone`` (a skipped or repeated hour: the earlier reading)."""
    naive = moments.read & ~moments.zoned
    if not naive.any():
        return moments
    local = pa.array(moments.seconds[naive], pa.timestamp("s"))
    instants = pc.assume_timezone(local, timezone=timezone, ambiguous="earliest", nonexistent="earliest")
    seconds = moments.seconds.copy()
    seconds[naive] = pc.cast(instants.cast(pa.timestamp("s", "UTC")), pa.int64()).to_numpy()
    return Moments(seconds, moments.read, moments.read.copy(), moments.blank, moments.placeholder, moments.numeric, moments.proven)


def elapsed(start: pa.Array, end: pa.Array, dayfirst: bool = False, timezone: str | None = None, names: tuple[str, str] = ("start", "end"),
            schedule: Schedule | None = None) -> DurationColumn:
    """Seconds from ``start`` to ``end`` per row, as a :class:`~cxscore.durations.DurationColumn` (slots
    VALUE, BLANK + 2 or INVALID + 2; its ``noted`` marks the rows blank for a placeholder date).

    Invalid rows keep their texts as examples: a cell that is no date as ``names[i]: text``, an end before
    its start as ``start → end``. ``timezone`` (IANA) places naive times; ZoneMismatch when a row
    needs it and it is None. With a ``schedule`` the seconds are its business seconds, counted on its
    zone's wall clock (naive times are in ``timezone``, else in the schedule's zone).
    """
    begin, finish = read_moments(start, dayfirst), read_moments(end, dayfirst)
    timezone = timezone or (schedule.timezone if schedule is not None else None)
    if timezone is not None:
        begin, finish = to_utc(begin, timezone), to_utc(finish, timezone)
    both = begin.read & finish.read
    mixed = both & (begin.zoned != finish.zoned)
    if mixed.any():
        row = int(np.argmax(mixed))
        raise ZoneMismatch(f"{_text(start, row)!r} and {_text(end, row)!r} (row {row + 1} of a block): one names its time zone, the other does not")
    seconds = (finish.seconds - begin.seconds).astype(np.float64)
    unreadable = (~begin.read & ~begin.blank) | (~finish.read & ~finish.blank)
    backwards = both & (seconds < 0)
    invalid = unreadable | backwards
    blank = ~invalid & (begin.blank | finish.blank)
    slots = np.full(len(seconds), VALUE, np.intp)
    slots[blank] = BLANK + 2
    slots[invalid] = INVALID + 2
    seconds[slots != VALUE] = np.nan
    examples: Counter = Counter()
    for moments, values, name in ((begin, start, names[0]), (finish, end, names[1])):
        rows = np.flatnonzero(~moments.read & ~moments.blank)
        if len(rows):
            examples.update(_counts(pc.binary_join_element_wise(f"{name}: ", _texts(values, rows), "")))
    rows = np.flatnonzero(backwards & ~unreadable)
    if len(rows):
        examples.update(_counts(pc.binary_join_element_wise(_texts(start, rows), _texts(end, rows), " → ")))
    placeholder = blank & (begin.placeholder | finish.placeholder)
    if schedule is not None:
        valid = slots == VALUE
        business = schedule.business_seconds(_wall_clock(begin, schedule), _wall_clock(finish, schedule))
        seconds[valid] = np.nan_to_num(business[valid])  # NaN only inside a repeated night hour, outside any working hours
    return DurationColumn(seconds, slots, np.zeros(len(seconds), np.int8), examples, {}, placeholder)


def _wall_clock(moments: Moments, schedule: Schedule) -> np.ndarray:
    """The moments as ``datetime64[s]`` wall-clock times of the schedule's zone (instants converted, naive ones as they are)."""
    if not moments.zoned.any():
        return moments.seconds.astype("datetime64[s]")
    if schedule.timezone is None:
        raise ZoneMismatch("the timestamps name their time zone but the schedule has none, so its hours cannot be placed", schedule=True)
    local = pc.local_timestamp(pa.array(moments.seconds, pa.timestamp("s", schedule.timezone)))
    seconds = np.where(moments.zoned, pc.cast(local, pa.int64()).to_numpy(), moments.seconds)
    return seconds.astype("datetime64[s]")


def _texts(values: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> pa.StringArray:
    taken = values.take(pa.array(rows))
    text = (taken.combine_chunks() if isinstance(taken, pa.ChunkedArray) else taken).cast(pa.string())
    return pc.utf8_trim_whitespace(text)


def _counts(texts: pa.StringArray) -> Counter:
    counted = pc.value_counts(texts)
    return Counter(dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist())))


def _text(values: pa.Array | pa.ChunkedArray, row: int) -> str:
    return str(values[row].as_py()).strip()
