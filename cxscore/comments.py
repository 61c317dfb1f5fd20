"""What customers said: the free-text comment column, and per metric the most recent comments of its
unhappy and its happy band (NPS detractors / promoters, CSAT dissatisfied / satisfied, CES high /
low effort).

Like a tally, the collection adds: each block keeps at most N comments per (metric, band), the most
recent by response date and then by row order, chosen vectorised before any Python touches a row;
blocks, file parts and workers merge by keeping the N most recent of the union, which is exactly
the N most recent of all rows. Contacts are masked and non-answers left out (see the README).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .binning import Binning
from .config import MetricSpec
from .dates import parse_dates
from .grouping import segment_label
from .records import Comment
from .sources.base import sample_values
from .sources.layouts import is_id_column

#: How many comments of each band a report keeps per metric unless told otherwise.
DEFAULT_COMMENTS = 200

#: Headers that name a free-text comment column, most telling first.
COMMENT_HINTS = [
    ("comment", re.compile(r"comment", re.I)),
    ("feedback", re.compile(r"feedback", re.I)),
    ("verbatim", re.compile(r"verbatim", re.I)),
    ("reason", re.compile(r"reason", re.I)),
    ("why", re.compile(r"\bwhy\b", re.I)),
    ("remark", re.compile(r"remark", re.I)),
    ("improve", re.compile(r"improv", re.I)),  # the NPS follow-up "What could we improve?"
    ("评论", re.compile("评论|评价")),
    ("意见", re.compile("意见")),
    ("建议", re.compile("建议")),
    ("原因", re.compile("原因|为什么|为何")),
    ("反馈", re.compile("反馈")),
    ("备注", re.compile("备注")),
]

#: A hinted matrix row (题干—行) whose sample holds at least this many answers (non-answers aside) in
#: at most CHOICE_DISTINCT distinct texts is a grid of choices ("请评价…的同意程度"), not free text.
CHOICE_ANSWERS = 50
CHOICE_DISTINCT = 10
#: Elsewhere, such answers are a category (a call's reason: 'Billing Question', 'Payments') when each is a label:
#: at most LABEL_WORDS words and LABEL_CHARS characters with no sentence end, in a script that spaces its words. A
#: synthetic comment column of a few repeated sentences ('Quick and friendly.', '很快') stays a comment column.
LABEL_WORDS, LABEL_CHARS = 3, 30
_NUMBERED = re.compile(r"\s*(\d+)[、.]")

#: Trimmed from both ends before a comment is judged: spaces (ideographic too) and punctuation.
_TRIM = " \t\r\n\u00a0\u3000.。,，、!！?？~～…;；:：\"'“”‘’()（）[]【】-—_/\\*"
#: Comments that say nothing (compared lower-case, after trimming :data:`_TRIM`), besides the config's blank_values.
NON_ANSWERS = frozenset({
    "n/a", "na", "n.a", "n a", "none", "nothing", "no", "nope", "nil", "null", "no comment", "no comments",
    "nothing to add", "nothing else", "not applicable", "nothing to say", "no feedback",
    "无", "没有", "暂无", "没", "无意见", "没有意见", "无建议", "没有建议", "暂时没有", "暂无意见", "暂无建议",
    "略", "跳过", "空", "不适用", "无评论", "没什么", "没有了",
})

_DIGIT = "[0-9\uff10-\uff19]"
#: An e-mail address (ASCII local part, so the Chinese text before it stays), also with a full-width ＠.
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:[.．][A-Za-z0-9\-]+)+")
#: A date, consumed first so its digits are never taken for a phone number.
_DATE = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?!\d)"
#: A run of digits with the separators phone numbers are written with: +86 138-1234-5678, (555) 123-4567, 0086 13812345678.
_NUMBER = rf"(?:\+|\(\+?)?{_DIGIT}(?:{_DIGIT}|[ \t\u00a0().\-])*{_DIGIT}"
_CONTACT = re.compile(rf"(?<![A-Za-z0-9])(?:(?P<date>{_DATE})|(?P<number>{_NUMBER}))(?![A-Za-z0-9])")
_DECIMAL = re.compile(r"\d+\.\d{1,2}")
EMAIL, PHONE, NUMBER = "[email]", "[phone]", "[number]"


def _number(match: re.Match) -> str:
    text = match.group()
    if match.group("date") is not None or _DECIMAL.fullmatch(text):
        return text
    digits = len(re.findall(_DIGIT, text))
    if digits < 7:
        return text
    return PHONE if digits <= 15 else NUMBER  # longer: a card or ID number


def mask(text: str) -> str:
    """``text`` with e-mail addresses as ``[email]``, phone numbers (7–15 digits, international,
    Chinese mobile, with spaces, dots, dashes or parentheses) as ``[phone]`` and longer digit runs
    (cards, ID numbers) as ``[number]``; dates and amounts stay."""
    text = _EMAIL.sub(EMAIL, text)
    return _CONTACT.sub(_number, text)


def _key(text: str) -> str:
    return text.strip(_TRIM).lower()


#: The bytes that may begin or end a cell that trims to a non-answer: the ASCII characters of :data:`_TRIM`, and every byte of a
#: non-ASCII character (some of _TRIM, and letters whose lower case is shorter).
_TRIMMED_BYTES = np.zeros(256, dtype=bool)
_TRIMMED_BYTES[[ord(c) for c in _TRIM if ord(c) < 0x80]] = True
_TRIMMED_BYTES[0x80:] = True
#: Rows trimmed and lower-cased at a time: memory reused slice after slice instead of two fresh copies of the column.
_SLICE_ROWS = 1 << 16


def said_something(values: pa.Array | pa.ChunkedArray, blank_values: list[str]) -> np.ndarray:
    """Vectorised: True where a cell holds a real comment (not blank, whitespace, punctuation or a non-answer).

    Only the rows that could be a non-answer are trimmed and lower-cased (:func:`_maybe_empty`), so a
    column of ordinary comments is not copied twice to find the few that say nothing."""
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    if isinstance(values, pa.ChunkedArray):
        return np.concatenate([said_something(chunk, blank_values) for chunk in values.chunks]) if values.num_chunks else np.zeros(0, dtype=bool)
    empty = sorted(NON_ANSWERS | {_key(v) for v in blank_values} | {""})
    longest = max(len(word.encode()) for word in empty)
    maybe = np.empty(len(values), dtype=bool)
    for lo in range(0, len(values), _SLICE_ROWS):  # a slice at a time: small arrays, reused memory rather than fresh pages
        maybe[lo:lo + _SLICE_ROWS] = _maybe_empty(values.slice(lo, _SLICE_ROWS), longest)
    real = np.ones(len(values), dtype=bool)
    rows = np.flatnonzero(maybe)
    if len(rows):
        real[rows] = _not_empty(values if len(rows) == len(values) else values.take(pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(rows.astype(np.int64))])), empty)
    return real


def _maybe_empty(values: pa.Array, longest: int) -> np.ndarray:
    """The rows that may trim and lower-case to a text of at most ``longest`` bytes, from their offsets and
    a few bytes at their ends: a longer row qualifies only when its runs of trimmable bytes at both ends
    (counting every non-ASCII byte as trimmable) leave at most that many — three times as many when the
    column has non-ASCII bytes, since lower case can shrink a character to a third of its bytes (``K``,
    the Kelvin sign, is ``k``). Rows ending in a full stop cost a second look, not a copy of the column."""
    n = len(values)
    offsets = np.frombuffer(values.buffers()[1], np.int64 if pa.types.is_large_string(values.type) else np.int32)[values.offset:values.offset + n + 1]
    raw = np.frombuffer(values.buffers()[2], np.uint8) if n and values.buffers()[2] is not None else np.zeros(0, np.uint8)
    if offsets[-1] > offsets[0] and int(raw[offsets[0]:offsets[-1]].max()) >= 0x80:
        longest *= 3
    left = np.diff(offsets)
    maybe = left <= longest
    rows = np.flatnonzero(~maybe)
    first, last, left = offsets[rows], offsets[rows + 1] - 1, left[rows]
    while len(rows):  # peel one trimmable byte off each end of the rows still undecided
        lead, trail = _TRIMMED_BYTES[raw[first]], _TRIMMED_BYTES[raw[last]]
        left = left - lead - trail
        short = left <= longest
        maybe[rows[short]] = True
        going = ~short & (lead | trail)
        rows, first, last, left = rows[going], first[going] + lead[going], last[going] - trail[going], left[going]
    if values.null_count:
        maybe |= values.is_null().to_numpy(zero_copy_only=False)
    return maybe


def _not_empty(values: pa.Array, empty: list[str]) -> np.ndarray:
    """Whether each cell, trimmed and lower-cased, is other than these non-answers (a slice of rows at a time)."""
    value_set = pa.array(empty, pa.string())
    real = np.empty(len(values), dtype=bool)
    for lo in range(0, len(values), _SLICE_ROWS):
        key = pc.fill_null(pc.utf8_lower(pc.utf8_trim(values.slice(lo, _SLICE_ROWS), characters=_TRIM)), "")
        np.logical_not(pc.is_in(key, value_set=value_set).to_numpy(zero_copy_only=False), out=real[lo:lo + _SLICE_ROWS])
    return real


def find_comment_column(columns: list[str], sample: list[list], questions: dict[str, str], taken: set[str]) -> tuple[str, str] | None:
    """The comment column and why: the first header (or its question text) that mentions a hint,
    most telling hint first; not a column with another role, an id, one whose sample is all numbers
    (a reason code), or a handful of repeated answers (a matrix row's choices, or a category's labels)."""
    return next(((column, why) for column, why, labels in _hinted(columns, sample, questions, taken) if labels is None), None)


def no_comment_column(columns: list[str], sample: list[list], questions: dict[str, str], taken: set[str]) -> str:
    """Why no comment column was found: no header mentions a hint, or those that do hold a handful of labels."""
    labelled = [f"{column!r} holds a handful of labels ({', '.join(repr(v) for v in labels[:3])}{', …' if len(labels) > 3 else ''}), not free text"
                for column, _, labels in _hinted(columns, sample, questions, taken) if labels is not None]
    return "; ".join(labelled) or f"no header mentions {HINT_WORDS}"


#: The hints' words as messages name them.
HINT_WORDS = "comment, feedback, reason, why, 意见, 建议, 原因, 评论, …"


def _hinted(columns: list[str], sample: list[list], questions: dict[str, str], taken: set[str]) -> Iterator[tuple[str, str, list[str] | None]]:
    """The columns a hint names (most telling hint first) that may hold comments: each with why, and its
    distinct answers when they are a handful of repeated choices or labels rather than free text (else None)."""
    matrix = _matrix_rows(columns)
    for word, hint in COMMENT_HINTS:
        for index, column in enumerate(columns):
            if column in taken or is_id_column(column) or not hint.search(questions.get(column, column)):
                continue
            values = sample_values(sample, index)
            if values and all(re.fullmatch(r"\s*[+-]?\d+(\.\d+)?\s*", v) for v in values):
                continue  # a reason code, not text
            said = [v for v in values if _key(v) not in NON_ANSWERS]
            distinct = sorted(Counter(said).items(), key=lambda item: -item[1])
            few = len(said) >= CHOICE_ANSWERS and len(distinct) <= CHOICE_DISTINCT
            # a matrix row of choices ("9、请评价…的同意程度：—…": 同意, 一般, …), or a category's labels (a call's reason: 'Billing Question')
            choices = few and (column in matrix or all(_label(text) for text, _ in distinct))
            yield column, f"header mentions {word!r}", [text for text, _ in distinct] if choices else None


def _label(text: str) -> bool:
    """A category's label rather than a remark: a few words, no sentence end. Words are counted between
    spaces, so a text in Chinese, Japanese or Korean is never taken for a label (很快 is a remark)."""
    text = text.strip()
    return (len(text.split()) <= LABEL_WORDS and len(text) <= LABEL_CHARS and not text.endswith((".", "!", "?", "…"))
            and _CJK.search(text) is None)


_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _matrix_rows(columns: list[str]) -> set[str]:
    """Matrix rows as 问卷星 writes them: ``N、题干—行`` and the ``N、行`` columns of the same N after it."""
    heads = {m.group(1) for c in columns if "—" in c and (m := _NUMBERED.match(c))}
    return {c for c in columns if "—" in c or ((m := _NUMBERED.match(c)) is not None and m.group(1) in heads)}


def bands(spec: MetricSpec) -> list[tuple[str, int, int]]:
    """The unhappy then the happy band of a metric, as (name, lowest code, highest code)."""
    binning = Binning.of(spec.scale)
    slots = {name: binning.slots(getattr(spec, name)) for name in spec.kind.comment_bands}
    return [(name, band[0], band[-1]) for name, band in slots.items()]


@dataclass
class CommentPlan:
    """What a job needs to collect comments: the column, how many per band, and what to order and label them by."""

    column: str
    keep: int
    date_column: str | None  # the response date (most recent first); None: row order
    dayfirst: bool | None  # None: decided from the values
    by: list[str]  # the --by names, as the segment keys of results
    by_columns: list[str | None]  # their columns in this source (None: the file name)
    file_label: str


#: Undated rows sort before every dated one (they are taken as the oldest).
_UNDATED = np.int64(-(1 << 62))
#: A kept comment: (time, order, point, segment values, text). ``order`` is the row's place in the inputs.
Record = tuple[int, int, int, tuple, str]


class CommentBook:
    """The most recent ``keep`` comments per (metric, band); adds like a tally book."""

    def __init__(self, keep: int):
        self.keep = keep
        self.kept: dict[tuple[str, str], list[Record]] = {}

    def _add(self, key: tuple[str, str], records: list[Record]) -> None:
        merged = self.kept.get(key, []) + records
        merged.sort(key=lambda r: (r[0], r[1]), reverse=True)
        self.kept[key] = merged[: self.keep]

    def merge(self, other: CommentBook) -> CommentBook:
        for key, records in other.kept.items():
            self._add(key, records)
        return self

    def add_block(self, spec: MetricSpec, codes: np.ndarray, real: np.ndarray, times: np.ndarray, orders: np.ndarray, batch: pa.RecordBatch, plan: CommentPlan,
                  blank: frozenset[str] = frozenset()) -> None:
        """One block of one metric: ``codes`` its answers' codes, ``real`` where the comment says something,
        ``times`` and ``orders`` each row's sort keys (``orders`` rise along the block). Only the ``keep``
        most recent rows per band reach Python. ``blank``: the blank values (canonical) that make a --by
        value the ``(blank)`` segment, as the scores' segments (grouping.segment_label)."""
        for name, lo, hi in bands(spec):
            rows = np.flatnonzero(real & (codes >= lo) & (codes <= hi))
            if not len(rows):
                continue
            if len(rows) > self.keep:  # the keep latest, in O(n): no sort
                t = times[rows]
                cut = np.partition(t, len(t) - self.keep)[len(t) - self.keep]
                later, tied = rows[t > cut], rows[t == cut]
                rows = np.concatenate([later, tied[len(tied) - (self.keep - len(later)) :]])  # ties: the last rows win
            take = pa.array(rows)
            texts = batch.column(plan.column).take(take).cast(pa.string()).to_pylist()
            segments = [
                [plan.file_label] * len(rows) if column is None else batch.column(column).take(take).cast(pa.string()).to_pylist()
                for column in plan.by_columns
            ]
            points = Binning.of(spec.scale).values(codes[rows]).tolist()
            labels = [tuple(segment_label(v, blank) for v in values) for values in zip(*segments)] if segments else [()] * len(rows)
            self._add((spec.name, name), list(zip(times[rows].tolist(), orders[rows].tolist(), points, labels, texts)))

    def comments(self, specs: list[MetricSpec], by: list[str]) -> list[Comment]:
        """The kept comments, masked: per metric, its unhappy band then its happy band, most recent first."""
        out = []
        for spec in specs:
            for name, _, _ in bands(spec):
                for time, _, point, segment, text in self.kept.get((spec.name, name), []):
                    out.append(Comment(spec.name, name, point, _date(time), dict(zip(by, segment)), mask(text.strip())))
        return out


def sort_times(batch: pa.RecordBatch, plan: CommentPlan, parsed: pa.Array | None) -> np.ndarray:
    """Each row's response time in seconds (undated rows: the oldest), from the dates the grouping
    already parsed, else parsed here from the comment plan's date column."""
    if parsed is None and plan.date_column is not None:
        parsed = parse_dates(batch.column(plan.date_column), plan.dayfirst)
    if parsed is None:
        return np.full(batch.num_rows, _UNDATED, dtype=np.int64)
    seconds = pc.cast(parsed.cast(pa.timestamp("s")), pa.int64())
    return pc.fill_null(seconds, int(_UNDATED)).to_numpy(zero_copy_only=False)


def _date(seconds: int) -> str | None:
    if seconds == _UNDATED:
        return None
    moment = datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)
    return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat(sep=" ")
