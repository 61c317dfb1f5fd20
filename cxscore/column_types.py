"""How the reader should type each column a run needs: typed where the sample shows it is safe.

Parsing integers, timestamps and segment dictionaries inside the CSV reader costs about what
parsing text costs, and spares the per-block hashing of text that otherwise dominates scoring.
A type is chosen only when every sampled value fits it and the typed value means exactly what
its text means (an answer parser whose labels and blank values are not numbers); a value further
on that does not fit makes the part be read again as text (:class:`~cxscore.sources.base.TypedReadFailed`),
so results never depend on the choice. An answer column whose sample also holds texts its parser
counts as blank ("N/A" among 1–5 answers) is read as integers with those texts as null
(:class:`~cxscore.sources.base.ColumnTypes`), when every typed answer column counts them blank and
no date or duration is read typed (there "N/A" is an invalid value, not a blank one).
"""
from __future__ import annotations

import re
from collections import Counter

import pyarrow as pa
from .lazy_import import pc

from .grouping import Grouper
from .normalize import BLANK, AnswerParser
from .sources.base import ColumnTypes, sample_values

SCORE = pa.int16()
TIME = pa.timestamp("s")
SEGMENT = pa.dictionary(pa.int32(), pa.string())
#: What a duration column of whole numbers in a known unit is read as (a duration metric's encoder asks for it).
WHOLE = pa.int64()
_INTEGER = re.compile(r"-?\d{1,4}")
_WHOLE = re.compile(r"-?\d{1,15}")


def read_types(columns: list[str], sample: list[list], metrics: list[tuple[str, AnswerParser | pa.DataType | None]], grouper: Grouper,
               more: dict[str, pa.DataType] | None = None) -> ColumnTypes:
    """Types for the columns that can be read typed; ``metrics`` pairs each column a metric reads
    with the parser of its answers (None: a column read as text, such as a rate's condition's), or
    with the type it may be read as: :data:`TIME` for a duration's timestamps (start → end), read so
    when the sample is written as the reader writes timestamps back (the period column may share it),
    :data:`WHOLE` for a duration column of whole numbers.

    A column with more than one role (say a segment that is also filtered on) stays text, except
    timestamps that every role reads as timestamps (Created at: a duration's start and the period's date).
    """
    segments, date = grouper.segment_columns(), grouper.date_column
    roles = Counter([*(column for column, _ in metrics), *([date] if date else []), *segments, *grouper.filter_columns()])
    single = {column for column, count in roles.items() if count == 1}
    types = ColumnTypes()
    answers: dict[str, AnswerParser] = {}
    blanks: dict[str, set[str]] = {}  # an answer column's blank texts that are no integers ("N/A")
    for column, parser in metrics:
        values = sample_values(sample, columns.index(column))
        if column not in single or parser is None:
            continue
        if isinstance(parser, AnswerParser):
            others = {v for v in values if not _INTEGER.fullmatch(v)}
            if parser.plain_integers and all(parser.code(v) == BLANK for v in others):
                types[column], answers[column] = SCORE, parser
                if others:
                    blanks[column] = others
        elif parser == WHOLE and values and all(_WHOLE.fullmatch(v) for v in values):
            types[column] = WHOLE
    if date in single and all_iso(sample_values(sample, columns.index(date))):
        types[date] = TIME
    timed = Counter([*(column for column, parser in metrics if parser == TIME), *([date] if date else [])])
    for column, count in timed.items():
        if count == roles[column] and column not in types and as_written(sample_values(sample, columns.index(column))):
            types[column] = TIME
    types.update({column: SEGMENT for column in segments if column in single})
    types.update(more or {})  # a column typed for another reason (the comments' own date)
    return with_nulls(types, answers, blanks)


def with_nulls(types: ColumnTypes, answers: dict[str, AnswerParser], blanks: dict[str, set[str]]) -> ColumnTypes:
    """The answer columns typed only if their blank texts read as null: kept, with those texts as the
    read's nulls, when every typed answer column counts them blank and nothing else typed can read a
    null (a date, a duration); otherwise read as text, as they were."""
    if not blanks:
        return types
    nulls = set().union(*blanks.values())
    if any(kind not in (SCORE, SEGMENT) for kind in types.values()) or any(parser.code(t) != BLANK for parser in answers.values() for t in nulls):
        out = ColumnTypes({column: kind for column, kind in types.items() if column not in blanks})
    else:
        out = ColumnTypes(types)
        out.nulls = tuple(sorted(nulls))
    return out


def comment_date_type(columns: list[str], sample: list[list], date: str, others: list[str]) -> dict[str, pa.DataType]:
    """The comments' own date column (no period asked for) read as timestamps, when it has no other role and the sample is ISO."""
    return {date: TIME} if date not in others and all_iso(sample_values(sample, columns.index(date))) else {}


def as_written(values: list[str]) -> bool:
    """Whether every value is a timestamp the reader parses and writes back as it is (``2025-03-14 09:05:00``):
    read typed, a cell's text (an invalid row's example) is then the same as read as text."""
    if not values:
        return False
    try:
        return bool(pc.all(pc.equal(pc.cast(pc.cast(pa.array(values, pa.string()), TIME), pa.string()), pa.array(values, pa.string()))).as_py())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False


def all_iso(values: list[str]) -> bool:
    """Whether the reader's own timestamp parsing (strict ISO 8601, no zone) reads every value."""
    try:
        pc.cast(pa.array(values, pa.string()), TIME)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return bool(values)
