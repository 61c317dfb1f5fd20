"""Dates as real exports write them, parsed vectorised with Arrow, and the periods they fall in.

Accepted: ISO 8601 with or without time, fraction and zone (``2025-03-14T09:05:00+08:00``),
``2025/3/14 9:05:11``, ``2025年3月14日``, US ``3/14/2025 9:05``, ``9/8/18 15:29`` and
``3/14/2025 9:05 PM``, day-first ``14/03/2025`` and ``14/03/25`` (with ``dayfirst``),
``14.03.2025``, English month names (``1-Jan-21``, ``Jan 5, 2025``, ``5 January 2025``, Jira's ``25/Feb/26 10:17 PM``), each
with an optional time, a month alone as per-month reports label their rows (``2025-03``, ``2025年3月``,
``Mar 2025``, ``March 2025``: its first day), and Excel serial day numbers. Two-digit years pivot as Excel's do:
00–68 are 2000–2068, 69–99 are 1969–1999. A zone suffix is dropped: times are taken as the
wall-clock time the export wrote. A date that does not exist (``2025-02-30``), or is before 1900
or more than a year ahead, is not a date: Arrow's ``strptime`` would roll the first into March,
and the others are misreadings (``9/8/18`` read as the year 18), never periods to report.
Placeholders for "no date" (``1900-01-01``, ``0001-01-01``, …: :func:`placeholders`) are found apart,
so that callers read them as blank and count them.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .answer_text import canonical
from .sources.base import sample_values

#: Times as exports append them, each with a regex for its shape, so a value meets only its own formats.
_TIMES = (
    (" %I:%M:%S %p", r":\d\d:\d\d\s*[AaPp][Mm]$"),
    (" %I:%M %p", r":\d\d\s*[AaPp][Mm]$"),
    (" %H:%M:%S", r":\d\d:\d\d$"),
    (" %H:%M", r":\d\d$"),
    ("", None),
)


@dataclass(frozen=True)
class _Family:
    """Date formats of one shape, tried only on the unread values of that shape (a cheap regex first)."""

    dates: tuple[str, ...]  # each followed by one of _TIMES
    shape: str  # a regex every value these formats read matches
    named: bool = False  # written with an English month name, turned into ~number first


_YEAR_FIRST = _Family(("%Y-%m-%d", "%Y/%m/%d"), r"^\s*\d{3,4}[-/]")
_YEAR_MONTH = _Family(("%Y-%m", "%Y/%m"), r"^\s*\d{4}[-/]\d{1,2}\s*$")  # a per-month report's row: its first day
_MONTH_FIRST = _Family(("%m/%d/%y", "%m/%d/%Y"), r"^\s*\d{1,2}/\s*\d{1,2}/")  # two-digit years first: Excel's m/d/yy
_DAY_FIRST = _Family(("%d/%m/%y", "%d/%m/%Y"), _MONTH_FIRST.shape)
_DOTTED = _Family(("%d.%m.%Y", "%d.%m.%y"), r"^\s*\d{1,2}\.\s*\d{1,2}\.")  # day first wherever it is written
_NAMED = _Family(  # 1-Jan-21, 1-Jan-2021, 5 January 2025, Jan 5, 2025, Jan 5 2025, Jira's 25/Feb/26; Mar 2025, Mar-2025 (its first day)
    ("~%m %Y", "~%m-%Y", "%d-~%m-%y", "%d-~%m-%Y", "%d ~%m %Y", "~%m %d, %Y", "~%m %d %Y", "%d/~%m/%y", "%d/~%m/%Y"),  # a month alone first: "~%m %d %Y" reads "~3 2024" as 20 March 0024
    r"(?i)(?:^|[^a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    named=True,
)
_MONTHS = {
    name: str(number)
    for number, names in enumerate(("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
                                    "aug august", "sep sept september", "oct october", "nov november", "dec december"), 1)
    for name in names.split()
}
#: Excel serial days between 1954 and 2119: wide enough for survey dates, narrow enough to skip ids.
_SERIAL_RANGE = (20_000, 80_000)
_EXCEL_EPOCH_DAYS = 25_569  # 1970-01-01 as an Excel serial day (day 0 is 1899-12-30)
_EARLIEST = datetime(1900, 1, 1)
_AHEAD = timedelta(days=365)  # dates up to a year ahead are real (a clock or zone off); later ones are misreadings
_EPOCH = datetime(1970, 1, 1)

#: Header words that mark a response's date, most telling first: when the response was recorded or
#: submitted beats when it ended, which beats a timestamp, which beats any date (Qualtrics has
#: StartDate, EndDate and RecordedDate; the first tier with exactly one match wins).
DATE_HEADER_HINTS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"recorded",
        r"submit|提交",
        r"completion|completed|end ?date|end ?time|结束",
        r"timestamp|created|response ?date|date ?submitted|interval ?start|start ?of ?interval",  # an interval report's row: its start
        r"date|time|日期|时间",
        r"\bmonth\b|月份",  # a per-month report's Month column, when no other column says date
    )
]


@dataclass
class DateRead:
    """Dates read from one array, and how its numeric day/month dates fit the order they were read in."""

    times: pa.TimestampArray
    numeric: int = 0  # dates written with the day and the month as numbers (3/4/2025), read in the order asked
    proven: int = 0  # of those, the ones whose day is over 12: no other order reads them
    other_order: np.ndarray | None = None  # True for each value not read that the other order reads


def _clean(values: pa.Array) -> pa.Array:
    text = pc.utf8_trim_whitespace(values)
    text = pc.replace_substring_regex(text, r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", r"\1-\2-\3")
    text = pc.replace_substring_regex(text, r"^(\d{4})年(\d{1,2})月$", r"\1-\2")
    text = pc.replace_substring_regex(text, r"^(\d{4}-\d{1,2}-\d{1,2})T", r"\1 ")
    text = pc.replace_substring_regex(text, r"(\d{1,2}:\d{2}:\d{2})\.\d+", r"\1")
    return pc.replace_substring_regex(text, r"(\d)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$", r"\1")


def parse_dates(values: pa.Array, dayfirst: bool | None = False, window: bool = True) -> pa.TimestampArray:
    """Timestamps (seconds) for a string array; null where blank, not understood, or outside the window.

    ``dayfirst`` None decides the order from the values themselves (see :func:`read_dates`).
    """
    return read_dates(values, dayfirst, window).times


def read_dates(values: pa.Array, dayfirst: bool | None = False, window: bool = True) -> DateRead:
    """Dates from a string array by a cascade of ``strptime`` formats, each tried only on what is still unread.

    ``window`` makes a date before 1900 or more than a year ahead null. Timestamps (a column the
    reader typed) pass through, windowed. With ``dayfirst`` None the order is the one the values
    prove (a day over 12), month first when they cannot tell.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_timestamp(values.type):
        return DateRead(_in_window(values.cast(pa.timestamp("s")), window))  # read as timestamps already
    text = values.cast(pa.string())
    if _looks_iso(text):  # fast path: plain ISO 8601 without zone or fraction (a failed cast of other text is slow)
        for candidate in (text, pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)):  # blanks as nulls second
            try:
                return DateRead(_in_window(pc.cast(candidate, pa.timestamp("s")), window))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass
    if dayfirst is None:
        month_first = read_dates(text, False, window)
        return read_dates(text, True, window) if _shows_day_first(month_first) else month_first
    reader = _Reader(text, window)
    order, other = (_DAY_FIRST, _MONTH_FIRST) if dayfirst else (_MONTH_FIRST, _DAY_FIRST)
    numeric = proven = 0
    for cleaned in (False, True):  # as written first; cleaning (zones, 年月日, T) costs more
        if reader.done():
            break
        if cleaned:
            reader.todo = _clean(reader.todo)
        for family in (_YEAR_FIRST, _YEAR_MONTH, order, _DOTTED, _NAMED):
            days = reader.read(family)
            if days is not None and family is order:
                numeric += len(days)
                proven += int(np.count_nonzero(days > 12))
    reader.serials()
    return DateRead(reader.times(), numeric, proven, reader.readable(other))


class _Reader:
    """The dates found so far in one array (seconds per row), and the values still unread with their rows."""

    def __init__(self, text: pa.StringArray, window: bool):
        self.seconds = np.zeros(len(text), dtype=np.int64)
        self.found = np.zeros(len(text), dtype=bool)
        present = ~is_blank(text).to_numpy(zero_copy_only=False)
        self.where = np.flatnonzero(present)
        self.todo = text if present.all() else text.filter(pa.array(present))
        self.bounds = date_window() if window else (np.iinfo(np.int64).min, np.iinfo(np.int64).max)

    def done(self) -> bool:
        return len(self.todo) == 0

    def read(self, family: _Family) -> np.ndarray | None:
        """Read the unread values of ``family``'s shape with its formats; the day of month of each date read."""
        days = []
        for fmt, text, rows in self._parts(family):
            ok, seconds, day = _strptime(text, fmt, self.bounds)
            if ok.any():
                self.seconds[rows[ok]] = seconds[ok]
                self.found[rows[ok]] = True
                days.append(day[ok])
        self._forget_found()
        return np.concatenate(days) if days else None

    def serials(self) -> None:
        """Excel serial day numbers among the values still unread."""
        if self.done():
            return
        numeric = pc.if_else(pc.match_substring_regex(self.todo, r"^\s*\d+(\.\d+)?\s*$"), self.todo, None)
        serial = pc.cast(pc.utf8_trim_whitespace(numeric), pa.float64()).to_numpy(zero_copy_only=False)
        in_range = (serial >= _SERIAL_RANGE[0]) & (serial < _SERIAL_RANGE[1])  # NaN is out; a 16-digit id would overflow int64
        seconds = np.where(in_range, (serial - _EXCEL_EPOCH_DAYS) * 86_400, 0).round().astype(np.int64)
        ok = in_range & (seconds >= self.bounds[0]) & (seconds <= self.bounds[1])
        self.seconds[self.where[ok]] = seconds[ok]
        self.found[self.where[ok]] = True
        self._forget_found()

    def readable(self, family: _Family) -> np.ndarray | None:
        """True for each row still unread that ``family``'s formats read; None when there is none."""
        rows = np.zeros(len(self.found), dtype=bool)
        for fmt, text, where in self._parts(family):
            rows[where[_strptime(text, fmt, self.bounds)[0]]] = True
        return rows if rows.any() else None

    def times(self) -> pa.TimestampArray:
        return pa.array(self.seconds, pa.int64(), mask=~self.found).cast(pa.timestamp("s"))

    def _parts(self, family: _Family) -> Iterator[tuple[str, pa.StringArray, np.ndarray]]:
        """Each format of ``family`` with the unread values (and their rows) that have its shape, less those read."""
        if self.done():
            return
        shaped = _matches(self.todo, family.shape)
        if not shaped.any():
            return
        text, rows = (self.todo, self.where) if shaped.all() else (self.todo.filter(pa.array(shaped)), self.where[shaped])
        if family.named:
            text = _month_numbers(text)
        for time, pattern in _TIMES:
            if not len(rows):
                return
            timed = np.ones(len(rows), dtype=bool) if pattern is None else _matches(text, pattern)
            if not timed.any():
                continue
            part, where = (text, rows) if timed.all() else (text.filter(pa.array(timed)), rows[timed])
            text, rows = (text.filter(pa.array(~timed)), rows[~timed]) if not timed.all() else (text[:0], rows[:0])
            for written in family.dates:
                yield written + time, part, where
                unread = ~self.found[where]
                if not unread.any():
                    break
                if not unread.all():
                    part, where = part.filter(pa.array(unread)), where[unread]

    def _forget_found(self) -> None:
        unread = ~self.found[self.where]
        if not unread.all():
            self.todo, self.where = self.todo.filter(pa.array(unread)), self.where[unread]


def _month_numbers(text: pa.StringArray) -> pa.StringArray:
    """The first word, an English month name, as ``~`` and its number (``Jan 5, 2025`` → ``~1 5, 2025``); null
    where it is no month. Faster than ``strptime``'s ``%b``, and English whatever the process's locale."""
    parts = pc.extract_regex(text, r"^(?P<before>[^A-Za-z]*)(?P<month>[A-Za-z]+)\.?(?P<after>.*)$")
    words = pc.dictionary_encode(pc.utf8_lower(pc.struct_field(parts, "month")))
    numbers = pa.array([_MONTHS.get(word) for word in words.dictionary.to_pylist()], pa.string()).take(words.indices)
    return pc.binary_join_element_wise(pc.struct_field(parts, "before"), pc.binary_join_element_wise("~", numbers, ""), pc.struct_field(parts, "after"), "")


def _looks_iso(text: pa.StringArray) -> bool:
    first = next((value for value in text[:64].to_pylist() if value), None)
    return first is not None and re.match(r"\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d:\d\d)?$", first) is not None


def _strptime(text: pa.StringArray, fmt: str, bounds: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which values ``fmt`` reads as a real date inside ``bounds``, their seconds, and their day of month.

    ``strptime`` takes 2025-02-30 for 2025-03-02 and 23:59:60 for the next minute; those values
    (read to day 1–3 or second 0–1, written with day 29–31 or second 60–61) are not dates.
    """
    parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
    ok = parsed.is_valid().to_numpy(zero_copy_only=False)
    if not ok.any():
        return ok, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    seconds = pc.cast(parsed, pa.int64()).fill_null(0).to_numpy()
    ok &= (seconds >= bounds[0]) & (seconds <= bounds[1])
    days = pc.day(parsed).fill_null(0).to_numpy()
    if "%d" in fmt:  # a month alone (2025-03) has no day to roll over
        _reject(ok, text, np.flatnonzero(ok & (days <= 3)), _overflow_pattern(fmt))
    if "%S" in fmt:
        _reject(ok, text, np.flatnonzero(ok & (seconds % 60 <= 1)), r":\s*6[01](?:\D|$)")
    return ok, seconds, days


def _reject(ok: np.ndarray, text: pa.StringArray, suspects: np.ndarray, pattern: str) -> None:
    if len(suspects):
        ok[suspects[_matches(text.take(pa.array(suspects)), pattern)]] = False


def _matches(text: pa.StringArray, pattern: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False).to_numpy(zero_copy_only=False)


@functools.cache
def _overflow_pattern(fmt: str) -> str:
    """A regex for the values ``fmt`` reads whose written day is 29, 30 or 31."""
    fields = {"%Y": r"\s*\d+", "%y": r"\s*\d+", "%m": r"\s*\d+", " ": r"\s*"}
    prefix = fmt[: fmt.index("%d")]
    return "^" + "".join(fields.get(part) or re.escape(part) for part in re.findall(r"%[Yym]|.", prefix)) + r"\s*0*(?:29|30|31)(?:\D|$)"


def date_window() -> tuple[int, int]:
    """The window of real response dates, in seconds since 1970: 1900 up to a year from now."""
    return int((_EARLIEST - _EPOCH).total_seconds()), int((datetime.now() + _AHEAD - _EPOCH).total_seconds())


def _in_window(times: pa.TimestampArray, window: bool) -> pa.TimestampArray:
    if not window or times.null_count == len(times):
        return times
    low, high = (pa.scalar(_EPOCH + timedelta(seconds=s), pa.timestamp("s")) for s in date_window())
    bounds = pc.min_max(times)
    if bounds["min"].as_py() >= low.as_py() and bounds["max"].as_py() <= high.as_py():
        return times
    inside = pc.and_(pc.greater_equal(times, low), pc.less_equal(times, high))
    return pc.if_else(inside, times, pa.scalar(None, pa.timestamp("s")))


def _shows_day_first(month_first: DateRead) -> bool:
    """Whether more values read only day first than are proven month first (a day over 12 in the second slot)."""
    return month_first.other_order is not None and int(month_first.other_order.sum()) > month_first.proven


class DateOrder(NamedTuple):
    """How a date column's ``3/4/2025`` is read, how that is known, and a note saying why."""

    dayfirst: bool
    basis: str | None  # given | values | assumed | None (no sampled date writes its day and month as numbers)
    note: str | None  # when the values decided it


def choose_order(values: list[str], dayfirst: bool | None) -> DateOrder:
    """Whether a date column is read day first: as stated, else as the sampled values show.

    A day over 12 in one slot proves the order. When no value tells, month first (as US exports and
    Excel write) is assumed and the note says so.
    """
    if dayfirst is not None:
        return DateOrder(dayfirst, "given", None)
    month_first = read_dates(pa.array(values, pa.string()), False)
    if _shows_day_first(month_first):
        assert month_first.other_order is not None, "_shows_day_first read it"
        return DateOrder(True, "values", f"read day first, as {values[int(np.argmax(month_first.other_order))].strip()!r} shows")
    if month_first.proven:
        slashed = _matches(pa.array(values, pa.string()), _MONTH_FIRST.shape) & (pc.day(month_first.times).fill_null(0).to_numpy() > 12)
        return DateOrder(False, "values", f"read month first, as {values[int(np.argmax(slashed))].strip()!r} shows")
    if month_first.numeric:
        return DateOrder(False, "assumed", "read month first (US), a guess: no sampled date has a day over 12")
    return DateOrder(False, None, None)


#: How well a column's day/month order is known, least first: parts of a file merge to the best.
_BASES = (None, "assumed", "values")


def merge_basis(first: str | None, second: str | None) -> str | None:
    """The better known of two parts' day/month order bases (``values`` proves; ``assumed`` guesses)."""
    return max(first, second, key=_BASES.index)


#: Days exports write for "no date" (Zendesk's unsolved ``Solved at = 1900-01-01 00:00:00``; Excel's day 0,
#: 1899-12-30, and the day before 1900; SQL's ``0001-01-01``; ``9999-12-31`` for "never"), at any time of day.
PLACEHOLDER_DAYS = ("0001-01-01", "1899-12-30", "1899-12-31", "1900-01-01", "9999-12-31")
_PLACEHOLDER_DAYS = np.array(PLACEHOLDER_DAYS, "datetime64[D]").astype(np.int64)
#: The same days as written (any separator, a time and a zone may follow), MySQL's zero date ``0000-00-00``,
#: and a bare ``0`` (the Unix epoch's zero second, as an empty epoch field is written).
_PLACEHOLDER_TEXT = (
    r"^\s*(?:(?:0000[-/.]00?[-/.]00?|0001[-/.]0?1[-/.]0?1|1899[-/.]12[-/.]3[01]|1900[-/.]0?1[-/.]0?1|9999[-/.]12[-/.]31)"
    r"(?:[T ][\d:.]*)?\s*(?:Z|UTC|GMT|[+-]\d\d:?\d\d)?|0+(?:\.0+)?)\s*$"
)


def placeholders(values: pa.Array, times: pa.TimestampArray) -> np.ndarray:
    """True where a cell is a placeholder for "no date", which cxscore reads as blank (and counts):
    a date read (``times``) on one of :data:`PLACEHOLDER_DAYS` or at the Unix epoch's first second
    (``1970-01-01 00:00:00``, an epoch of 0), or an unread cell written as such a day, ``0000-00-00``
    or ``0``. Vectorised: the written forms are matched only among the cells not read as dates."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(times, pa.ChunkedArray):
        times = times.combine_chunks()
    seconds = np.frombuffer(times.buffers()[1], np.int64, len(times), 8 * times.offset) if len(times) else np.zeros(0, np.int64)
    if pa.types.is_timestamp(values.type):  # typed cells: their own seconds, before any window
        typed = values.cast(pa.timestamp("s"))
        raw = np.frombuffer(typed.buffers()[1], np.int64, len(typed), 8 * typed.offset) if len(typed) else seconds
        found = (np.isin(raw // _SECONDS_PER_DAY, _PLACEHOLDER_DAYS) | (raw == 0)) & typed.is_valid().to_numpy(zero_copy_only=False)
        return found
    read = times.is_valid().to_numpy(zero_copy_only=False)
    found = read & (np.isin(seconds // _SECONDS_PER_DAY, _PLACEHOLDER_DAYS) | (seconds == 0))
    unread = np.flatnonzero(~read & values.is_valid().to_numpy(zero_copy_only=False))
    if len(unread):
        text = values.take(pa.array(unread)).cast(pa.string())
        found[unread[_matches(text, _PLACEHOLDER_TEXT)]] = True
    return found


def unread_texts(values: pa.Array, rows: np.ndarray, blank: frozenset[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The unreadable cells ``rows`` of ``values`` per distinct text (trimmed): the texts, each row's text
    number, and which of the rows hold one of the ``blank`` texts (canonical: ``NA``, ``*redacted*``), blank
    as the answers read them. One look per distinct text, not per row."""
    encoded = pc.dictionary_encode(pc.utf8_trim_whitespace(values.take(pa.array(rows)).cast(pa.string())))
    texts: list[str] = encoded.dictionary.to_pylist()
    which = encoded.indices.to_numpy(zero_copy_only=False)
    said = np.array([canonical(t) in blank for t in texts], dtype=bool)[which] if blank and texts else np.zeros(len(rows), dtype=bool)
    return texts, which, said


def is_blank(values: pa.Array) -> pa.BooleanArray:
    """True where a cell is null or only whitespace."""
    return pc.fill_null(pc.equal(pc.utf8_trim_whitespace(values.cast(pa.string())), ""), True)


#: The period code of a row without a usable date (blank, unreadable or out of range): it is in no period.
UNDATED = -1

#: Days (about 2,700 years) up to which period codes are computed once per day and looked up.
_DAY_TABLE_LIMIT = 1 << 20
_SECONDS_PER_DAY = 86_400


def periods_of(times: pa.TimestampArray, period: str, day_table_limit: int = _DAY_TABLE_LIMIT) -> tuple[np.ndarray, np.ndarray]:
    """Each row's period, as an index into the returned period codes (``codes[index[i]]`` is row i's).

    A code orders and identifies its period (:func:`period_label`): yyyymmdd, yyyyww (ISO week),
    yyyymm, yyyyq or yyyy, so :data:`UNDATED` (-1) can stand for a null time. A period is a set of whole days, so
    codes are computed once for each day in the span the times cover and looked up per row.
    """
    if period not in ("day", "week", "month", "quarter", "year"):
        raise ValueError(f"unknown period {period!r}")
    if isinstance(times, pa.ChunkedArray):
        times = times.combine_chunks()
    if times.null_count == len(times):
        return np.zeros(len(times), dtype=np.intp), np.array([UNDATED], dtype=np.int64)
    bounds = pc.min_max(times)
    first, last = (_day(bounds[end]) for end in ("min", "max"))
    if last - first < day_table_limit:
        seconds = np.frombuffer(times.buffers()[1], np.int64, len(times), 8 * times.offset)  # nulls hold anything
        offsets = seconds // _SECONDS_PER_DAY - first
        if times.null_count:
            np.clip(offsets, 0, last - first, out=offsets)
        days = np.arange(first, last + 1, dtype=np.int32)
        # from its buffer, not pa.array: that imports numpy.ma for any NumPy array (~20 ms in each worker)
        codes, of_day = np.unique(_day_codes(pa.Array.from_buffers(pa.date32(), len(days), [None, pa.py_buffer(days)]), period), return_inverse=True)
        index = np.take(of_day, offsets)
    else:
        codes, index = np.unique(_day_codes(pc.cast(times.fill_null(bounds["min"]), pa.date32()), period), return_inverse=True)
    if times.null_count:
        index[times.is_null().to_numpy(zero_copy_only=False)] = len(codes)
        codes = np.append(codes, UNDATED)
    return index, codes


def _day(value: pa.TimestampScalar) -> int:
    return pc.cast(value, pa.int64()).as_py() // _SECONDS_PER_DAY


def _day_codes(days: pa.Date32Array, period: str) -> np.ndarray:
    if period == "day":
        codes = pc.add(pc.add(pc.multiply(pc.year(days), 10_000), pc.multiply(pc.month(days), 100)), pc.day(days))
    elif period == "week":
        codes = pc.add(pc.multiply(pc.iso_year(days), 100), pc.iso_week(days))
    elif period == "month":
        codes = pc.add(pc.multiply(pc.year(days), 100), pc.month(days))
    elif period == "quarter":
        codes = pc.add(pc.multiply(pc.year(days), 10), pc.quarter(days))
    else:
        codes = pc.year(days)
    return pc.cast(codes, pa.int64()).to_numpy().copy()


def period_label(code: int, period: str) -> str:
    """The display label of a period code: 2025-03-14, 2025-W11, 2025-03, 2025-Q1, 2025 (years in four digits)."""
    if period == "day":
        return f"{code // 10_000:04d}-{code // 100 % 100:02d}-{code % 100:02d}"
    if period == "week":
        return f"{code // 100:04d}-W{code % 100:02d}"
    if period == "month":
        return f"{code // 100:04d}-{code % 100:02d}"
    if period == "quarter":
        return f"{code // 10:04d}-Q{code % 10}"
    return f"{code:04d}"


def period_index(code: int, period: str) -> int:
    """A period code's position on a line with one step per period, so that periods with no answers
    still count as steps (2025-02 to 2025-04 is two months, 2025-W52 to 2026-W01 one week)."""
    if period == "day":
        return date(code // 10_000, code // 100 % 100, code % 100).toordinal()
    if period == "week":
        return date.fromisocalendar(code // 100, code % 100, 1).toordinal() // 7
    if period == "month":
        return 12 * (code // 100) + code % 100
    if period == "quarter":
        return 4 * (code // 10) + code % 10
    return code


#: A bound written as a month alone (2025-03, 2025/3, 2025年3月, Mar 2025, March 2025, Mar-2025).
_MONTH_ALONE = re.compile(r"^\s*(?:\d{4}[-/]\d{1,2}|\d{4}年\d{1,2}月|[A-Za-z]+\.?[ -]\d{4})\s*$")


def parse_bound(text: str, end: bool = False, dayfirst: bool | None = None) -> datetime:
    """A --since/--until value (a date or date-time, any accepted format); a bare --until date includes that
    day, and a month alone (``2025-03``) that month.

    A bound is one value for every input, so ``3/4/2025`` needs the order stated (``dayfirst``);
    ``13/4/2025`` shows it.
    """
    read = read_dates(pa.array([text], pa.string()), dayfirst, window=False)  # any real date bounds a range
    parsed = read.times[0].as_py()
    if dayfirst is None and read.numeric and not read.proven:
        raise ValueError(f"{text!r} could be day or month first; write it as YYYY-MM-DD, or pass --dayfirst or --monthfirst")
    if parsed is None:
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")
    if end and _MONTH_ALONE.match(text):  # --until 2025-03: through the end of March, not its first day
        following = parsed.replace(year=parsed.year + parsed.month // 12, month=parsed.month % 12 + 1)
        return datetime.combine(following.date() - timedelta(days=1), datetime.max.time())
    if end and ":" not in text and parsed.time() == datetime.min.time():
        return datetime.combine(parsed.date(), datetime.max.time())
    return parsed


def detect_date_column(columns: list[str], sample: list[list], dayfirst: bool | None = None) -> tuple[str | None, str]:
    """The one obvious response-date column: a date-like header whose sampled values parse as dates (in either day/month order unless stated)."""
    for hint in DATE_HEADER_HINTS:
        found = []
        for index, name in enumerate(columns):
            if not hint.search(name):
                continue
            values = sample_values(sample, index)
            if values and parse_dates(pa.array(values, pa.string()), dayfirst).null_count <= 0.1 * len(values):
                found.append(name)
        if len(found) == 1:
            return found[0], f"header {found[0]!r} holds dates"
        if len(found) > 1:
            return None, f"several columns hold dates ({', '.join(repr(f) for f in found)})"
    return None, "no column with a date-like header holds dates"
