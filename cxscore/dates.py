"""Dates as real exports write them, parsed vectorised with Arrow, and the periods they fall in.

Accepted: ISO 8601 with or without time, fraction and zone (``2025-03-14T09:05:00+08:00``),
``2025/3/14 9:05:11``, ``2025年3月14日``, US ``3/14/2025 9:05`` and ``3/14/2025 9:05 PM``,
day-first ``14/03/2025`` and ``14.03.2025`` (with ``dayfirst``), and Excel serial day numbers.
A zone suffix is dropped: times are taken as the wall-clock time the export wrote.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .sources.base import sample_values

_TIMES = [" %H:%M:%S", " %H:%M", " %I:%M:%S %p", " %I:%M %p", ""]
_YEAR_FIRST = [f"%Y-%m-%d{t}" for t in _TIMES] + [f"%Y/%m/%d{t}" for t in _TIMES]
_MONTH_FIRST = [f"%m/%d/%Y{t}" for t in _TIMES]
_DAY_FIRST = [f"%d/%m/%Y{t}" for t in _TIMES] + [f"%d.%m.%Y{t}" for t in _TIMES]
#: Excel serial days between 1954 and 2119: wide enough for survey dates, narrow enough to skip ids.
_SERIAL_RANGE = (20_000, 80_000)
_EXCEL_EPOCH_DAYS = 25_569  # 1970-01-01 as an Excel serial day (day 0 is 1899-12-30)

#: Header words that mark a response's date, most telling first: when the response was recorded or
#: submitted beats when it ended, which beats a timestamp, which beats any date (Qualtrics has
#: StartDate, EndDate and RecordedDate; the first tier with exactly one match wins).
DATE_HEADER_HINTS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"recorded",
        r"submit|提交",
        r"completion|completed|end ?date|end ?time|结束",
        r"timestamp|created|response ?date|date ?submitted",
        r"date|time|日期|时间",
    )
]


def _clean(values: pa.Array) -> pa.Array:
    text = pc.utf8_trim_whitespace(values)
    text = pc.replace_substring_regex(text, r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?", r"\1-\2-\3")
    text = pc.replace_substring_regex(text, r"^(\d{4}-\d{1,2}-\d{1,2})T", r"\1 ")
    text = pc.replace_substring_regex(text, r"(\d{1,2}:\d{2}:\d{2})\.\d+", r"\1")
    return pc.replace_substring_regex(text, r"(\d)\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})$", r"\1")


def parse_dates(values: pa.Array, dayfirst: bool = False) -> pa.TimestampArray:
    """Timestamps (seconds) for a string array; null where blank or not understood.

    Timestamps (a column the reader typed) pass through.
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_timestamp(values.type):
        return values.cast(pa.timestamp("s"))  # read as timestamps already
    text = values.cast(pa.string())
    try:
        return pc.cast(text, pa.timestamp("s"))  # fast path: plain ISO 8601 without zone or fraction, no blanks
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    try:
        return pc.cast(text, pa.timestamp("s"))  # the same, with blanks
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    present = len(text) - pc.sum(is_blank(text)).as_py()
    formats = _YEAR_FIRST + (_DAY_FIRST if dayfirst else _MONTH_FIRST)
    result = pa.nulls(len(text), pa.timestamp("s"))
    for candidate in (text, _clean(text)):  # as written first; cleaning (zones, 年月日, T) costs more
        for fmt in formats:
            if result.null_count <= len(result) - present:
                return result
            result = pc.coalesce(result, pc.strptime(candidate, format=fmt, unit="s", error_is_null=True))
    return pc.coalesce(result, _excel_serials(text))


def _excel_serials(text: pa.Array) -> pa.Array:
    numeric = pc.if_else(pc.match_substring_regex(text, r"^\d+(\.\d+)?$"), text, None)
    serial = pc.cast(numeric, pa.float64()).to_numpy(zero_copy_only=False)
    ok = (serial >= _SERIAL_RANGE[0]) & (serial < _SERIAL_RANGE[1])
    seconds = np.where(ok, (serial - _EXCEL_EPOCH_DAYS) * 86400, 0).round().astype(np.int64)
    return pa.array(seconds, pa.int64(), mask=~ok).cast(pa.timestamp("s"))


def is_blank(values: pa.Array) -> pa.BooleanArray:
    """True where a cell is null or only whitespace."""
    return pc.fill_null(pc.equal(pc.utf8_trim_whitespace(values.cast(pa.string())), ""), True)


#: Days (about 2,700 years) up to which period codes are computed once per day and looked up.
_DAY_TABLE_LIMIT = 1 << 20
_SECONDS_PER_DAY = 86_400


def periods_of(times: pa.TimestampArray, period: str) -> tuple[np.ndarray, np.ndarray]:
    """Each row's period, as an index into the returned period codes (``codes[index[i]]`` is row i's).

    A code orders and identifies its period (:func:`period_label`): yyyymmdd, yyyyww (ISO week),
    yyyymm, yyyyq or yyyy, so -1 can stand for a null time. A period is a set of whole days, so
    codes are computed once for each day in the span the times cover and looked up per row.
    """
    if period not in ("day", "week", "month", "quarter", "year"):
        raise ValueError(f"unknown period {period!r}")
    if isinstance(times, pa.ChunkedArray):
        times = times.combine_chunks()
    if times.null_count == len(times):
        return np.zeros(len(times), dtype=np.intp), np.array([-1], dtype=np.int64)
    bounds = pc.min_max(times)
    first, last = (_day(bounds[end]) for end in ("min", "max"))
    if last - first < _DAY_TABLE_LIMIT:
        seconds = np.frombuffer(times.buffers()[1], np.int64, len(times), 8 * times.offset)  # nulls hold anything
        offsets = seconds // _SECONDS_PER_DAY - first
        if times.null_count:
            np.clip(offsets, 0, last - first, out=offsets)
        codes, of_day = np.unique(_day_codes(pa.array(np.arange(first, last + 1, dtype=np.int32), pa.date32()), period), return_inverse=True)
        index = np.take(of_day, offsets)
    else:
        codes, index = np.unique(_day_codes(pc.cast(times.fill_null(bounds["min"]), pa.date32()), period), return_inverse=True)
    if times.null_count:
        index[times.is_null().to_numpy(zero_copy_only=False)] = len(codes)
        codes = np.append(codes, -1)
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
    """The display label of a period code: 2025-03-14, 2025-W11, 2025-03, 2025-Q1, 2025."""
    if period == "day":
        return f"{code // 10_000}-{code // 100 % 100:02d}-{code % 100:02d}"
    if period == "week":
        return f"{code // 100}-W{code % 100:02d}"
    if period == "month":
        return f"{code // 100}-{code % 100:02d}"
    if period == "quarter":
        return f"{code // 10}-Q{code % 10}"
    return str(code)


def parse_bound(text: str, end: bool = False) -> datetime:
    """A --since/--until value (a date or date-time, any accepted format); a bare --until date includes that day."""
    parsed = parse_dates(pa.array([text]))[0].as_py()
    if parsed is None:
        raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")
    if end and re.fullmatch(r"[\d\-/.年月日号]+", text.strip()):
        return datetime.combine(parsed.date(), datetime.max.time())
    return parsed


def detect_date_column(columns: list[str], sample: list[list], dayfirst: bool = False) -> tuple[Optional[str], str]:
    """The one obvious response-date column: a date-like header whose sampled values parse as dates."""
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
