"""Scoring a counts table (``cxscore score --tallies``): the :class:`~cxscore.pipeline.Tallied` a scan
of the rows would have built, from the counts a SQL engine made with :mod:`cxscore.sql`'s query.

Each distinct answer, as written, goes through the metric's own encoder (labels, offsets, blank
values, a rate's condition), so an answer counted in SQL lands in the slot it would have landed in
had cxscore read the row; segments are cleaned as the scan cleans them and each period start is
read into the scan's period code. Counts add, so several counts files (or parts of one) merge, and
:func:`cxscore.pipeline.analyse` scores the result with every statistic, target and output.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .accumulators import Book
from .answer_text import canonical
from .config import Config, segment_blank_values, MetricSpec
from .dates import UNDATED, parse_dates, period_label, periods_of
from .encoders import columns_label
from .errors import CxError, InputError, param
from .grouping import FILE, GroupKey, segment_label
from .model import Report
from .normalize import INVALID, EncodedColumn
from .pipeline import Notify, Tallied, analyse
from .scales import blank_points
from .settings import Options, Settings, resolve
from .sources import Source, open_source
from .sql import METRIC, N, PERIOD, WEIGHT, WEIGHT_SQ, answer_column, counted_metrics

#: Options that act on rows, which a counts table no longer has: (Settings field, its flag).
_ROW_OPTIONS = (("where", "where"), ("since", "since"), ("until", "until"), ("dedupe", "dedupe"), ("dayfirst", "dayfirst"), ("include_incomplete", "include_incomplete"))


def _quiet(_: str) -> None:
    pass


def score_counts(inputs: Sequence[str], config: Config | None, options: Options | None = None, *, notify: Notify = _quiet) -> Report:
    """Score counts tables made by ``cxscore sql``'s query as :func:`cxscore.pipeline.score` scores rows."""
    settings = resolve(config, options)
    return analyse(tally_counts(inputs, config, settings), settings, notify=notify)


def tally_counts(inputs: Sequence[str], config: Config | None, settings: Settings) -> Tallied:
    """The first stage from counts tables: every row's answers parsed per distinct text, grouped as the scan groups."""
    if not inputs:
        raise InputError("no counts table given", "pass the counts file(s) the query of cxscore sql wrote (.csv or .parquet)")
    for name, flag in _ROW_OPTIONS:
        if getattr(settings, name):
            raise CxError(f"{param('tallies')}: {param(flag)} acts on rows, and a counts table has none", f"put it in the query (WHERE …) or score the rows; drop {param(flag)}")
    if settings.comments and not settings.comments_optional:
        raise CxError(f"{param('tallies')}: {param('comments')} are read from rows, and a counts table has none", f"drop {param('comments')}, or score the rows for comments")
    if FILE in settings.by:
        raise CxError(f"{param('tallies')}: {param('by')} file names input files, which a counts table does not have", "count each file with its own query and pass the counts files")
    blank_values = list(config.blank_values) if config else []
    metrics = counted_metrics(config, settings.metrics, blank_values, param("tallies"), settings.weight)
    specs = [spec for spec, _, _ in metrics]
    book: Book[GroupKey] = Book.of(specs)
    sources = [_add(path, metrics, blank_values, settings, book, segment_blank_values(config)) for path in inputs]
    return Tallied(
        sources=sources,
        chosen=[(spec, "config") for spec in specs],
        found_in={},
        columns={spec.name: columns_label(roles) for spec, roles, _ in metrics},
        configured=True,
        book=book,
        said=None,
        comment_column=None,
        by=list(settings.by),
        period=settings.period,
        warnings=[w for spec in specs if (w := blank_points(spec, blank_values))],
        doubts=[],
        order_doubts=[],
        skipped_ratings=[],
        about={},  # no helpdesk layout is recognised in a counts table
    )


def _add(path: str, metrics: list[tuple[MetricSpec, dict[str, str], list[str]]], blank_values: list[str], settings: Settings, book: Book[GroupKey], segment_blanks: list[str]) -> Source:
    """Read one counts table into the book; its source, with the rows it stands for counted."""
    source = open_source(path, encoding=settings.encoding, sheet=settings.sheet)
    where = source.info.path
    source.info.date_column = settings.date_column if settings.period else None  # the query's date column, when it is named: recorded as a scan records it
    width = max(len(columns) for _, _, columns in metrics)
    needed = [METRIC, *(answer_column(k) for k in range(width)), N]
    weighted = settings.weight is not None
    if weighted:
        needed += [WEIGHT, WEIGHT_SQ]
    elif WEIGHT in source.columns:
        raise InputError(f"{where} holds weighted counts ({WEIGHT})", f"score them with {param('weight')} COLUMN, the weight the query summed")
    if settings.period:
        needed.append(PERIOD)
    missing = [c for c in [*settings.by, *needed] if c not in source.columns]
    if missing:
        why = f"its query had no {param('by')} {missing[0]}" if missing[0] in settings.by else "it was not made by the query of cxscore sql with these options" if missing[0] != PERIOD else f"its query had no {param('period')}"
        raise InputError(f"{where}: no column {missing[0]!r} in the counts table ({why}); columns are: {', '.join(source.columns)}", f"run cxscore sql with the same {param('config')}, {param('by')}, {param('period')} and {param('weight')}, and save its result")
    batches = list(source.batches([*settings.by, *needed]))
    if not batches:
        raise InputError(f"{where} has a header but no counts", "check that the query's result was saved whole")
    table = pa.Table.from_batches(batches)
    counts = _numbers(table.column(N), where, N, whole=True)
    weights = _numbers(table.column(WEIGHT), where, WEIGHT) if weighted else None
    squares = _numbers(table.column(WEIGHT_SQ), where, WEIGHT_SQ) if weighted else None
    metric = table.column(METRIC).cast(pa.string())
    keys, index = _groups(table, settings.by, settings.period, where, segment_blanks)
    left_out = pc.fill_null(pc.equal(metric, ""), True).to_numpy(zero_copy_only=False)  # the rows left out for their weight
    source.info.weight_invalid += int(counts[left_out].sum())
    known = {spec.name for spec, _, _ in metrics}
    if settings.metrics is None and (other := sorted(n for n in pc.unique(metric).to_pylist() if n and n not in known)):
        raise InputError(f"{where}: counts of {other[0]!r}, which is not a metric of the config", f"score them with the config the query was made with (or pick metrics with {param('metrics')})")
    rows = 0
    for k, (spec, roles, columns) in enumerate(metrics):
        source.info.metrics[spec.name] = {"column": columns_label(roles), "offset": spec.offset}
        mine = np.flatnonzero(pc.equal(metric, spec.name).fill_null(False).to_numpy(zero_copy_only=False))
        if k == 0:
            rows = int(counts[mine].sum())
        if not len(mine):
            continue
        picked = pa.array(mine)
        answers = pa.RecordBatch.from_arrays([table.column(answer_column(j)).take(picked).combine_chunks().cast(pa.string()) for j in range(len(columns))], names=columns)
        encoder = spec.kind.encoder(spec, roles, blank_values)
        block = encoder.encode(answers)
        assert isinstance(block, EncodedColumn)  # a counting kind's encoder (sql.counted_metrics refused the others)
        slots = np.asarray(block.slots)
        block = EncodedColumn(slots, _examples(encoder, answers, slots, counts[mine]), block.not_applicable)
        groups, group_index = _dense(index[mine], keys)
        book.add_counted(spec.name, block, groups, group_index, counts[mine], weights[mine] if weights is not None else None, squares[mine] if squares is not None else None)
    source.info.rows = rows + source.info.weight_invalid
    return source


def _examples(encoder, answers: pa.RecordBatch, slots: np.ndarray, counts: np.ndarray) -> Counter:
    """The invalid texts with the rows they stand for: each distinct invalid row encoded alone (the encoder names its texts)."""
    examples: Counter = Counter()
    bad = np.flatnonzero(slots == INVALID + 2)
    seen: dict[tuple, Counter] = {}
    for row in bad.tolist():
        cells = tuple(answers.column(j)[row].as_py() for j in range(answers.num_columns))
        if cells not in seen:
            seen[cells] = encoder.encode(answers.slice(row, 1)).invalid_texts
        for text in seen[cells]:
            examples[text] += int(counts[row])
    return examples


def _numbers(column: pa.ChunkedArray, where: str, name: str, whole: bool = False) -> np.ndarray:
    """A count (``whole``) or a weight sum as floats (blank: 0); exit 2 naming the first cell that is not one."""
    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        texts, values = None, column.fill_null(0).to_numpy().astype(np.float64)
    else:
        trimmed = pc.utf8_trim_whitespace(column.cast(pa.string())).fill_null("")
        try:
            texts, values = None, pc.cast(pc.if_else(pc.equal(trimmed, ""), "0", trimmed), pa.float64()).to_numpy()
        except pa.ArrowInvalid:  # name the first cell that is no number
            texts = trimmed.to_pylist()
            values = np.array([_number(text) for text in texts], dtype=np.float64)
    bad = ~np.isfinite(values) | (values < 0) | ((values != np.round(values)) if whole else False)
    if bad.any():
        first = int(np.argmax(bad))
        raise InputError(f"{where}: {name} {texts[first] if texts else column[first].as_py()!r} is not {'a count' if whole else 'a sum of weights'}", "give the counts table the query of cxscore sql wrote")
    return values


def _number(text: str) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        return float("nan")


def _groups(table: pa.Table, by: list[str], period: str | None, where: str, blank_values: Sequence[str] = ()) -> tuple[list[GroupKey], np.ndarray]:
    """Each counts row's group (its index into the keys), with segments cleaned as the scan cleans them
    (per distinct text; a blank value is the (blank) segment) and each period start read into the scan's period code."""
    blank = frozenset(canonical(v) for v in blank_values)
    labels: list[list] = []  # per --by column, then the period: the labels, and each row's label number
    numbers = []
    for name in by:
        encoded = pc.dictionary_encode(table.column(name).cast(pa.string()).combine_chunks(), null_encoding="encode")
        cleaned = [segment_label(text, blank) for text in encoded.dictionary.to_pylist()]
        positions: dict[str, int] = {}  # two texts may clean to one segment (" Chat " and "Chat")
        lookup = np.array([positions.setdefault(text, len(positions)) for text in cleaned], dtype=np.intp)
        labels.append(list(positions))
        numbers.append(np.take(lookup, encoded.indices.to_numpy(zero_copy_only=False)))
    if period:
        which, codes = _period_codes(table.column(PERIOD).cast(pa.string()).combine_chunks(), period, where)
        labels.append(codes.tolist())
        numbers.append(which)
    if not numbers:
        return [GroupKey((), None)], np.zeros(table.num_rows, dtype=np.intp)
    # The label numbers as one code per row (most significant first, so codes sort as the rows of
    # numbers would), renumbered in order before a product could overflow: one 1-D np.unique, not an
    # np.unique over rows (axis=0 sorts the rows as bytes: 4 s for 700k counts rows).
    code, size = np.zeros(table.num_rows, dtype=np.int64), 1
    for which, width in zip(numbers, (len(names) for names in labels)):
        if size * width > _CODE_LIMIT:
            distinct, code = np.unique(code, return_inverse=True)
            code, size = code.reshape(-1), len(distinct)
        code, size = code * width + which, size * max(width, 1)
    _, first, index = np.unique(code, return_index=True, return_inverse=True)
    keys = []
    for combination in zip(*(which[first].tolist() for which in numbers)):
        names = [labels[k][i] for k, i in enumerate(combination)]
        keys.append(GroupKey(tuple(names[: len(by)]), names[len(by)] if period else None))
    return keys, index.reshape(-1).astype(np.intp)


#: Codes are renumbered before a product could overflow int64.
_CODE_LIMIT = 1 << 62


def _period_codes(text: pa.StringArray, period: str, where: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cxscore.dates.periods_of` of the period starts (blank: undated); exit 2 for a cell that is not the first day of a --period."""
    times = parse_dates(text, dayfirst=False, window=False)
    given = pc.not_equal(pc.utf8_trim_whitespace(text.fill_null("")), "").to_numpy(zero_copy_only=False)
    unread = np.flatnonzero(times.is_null().to_numpy(zero_copy_only=False) & given)
    if len(unread):
        raise InputError(f"{where}: {PERIOD} {text[int(unread[0])].as_py()!r} is not a date", "give the counts table the query of cxscore sql wrote")
    which, codes = periods_of(times, period)
    before, earlier = periods_of(pc.subtract(times, pa.scalar(86_400, pa.duration("s"))), period)
    start = (codes[which] != earlier[before]) | (codes[which] == UNDATED)  # the day before a first day is in another period
    if not start.all():
        row = int(np.argmin(start))
        raise InputError(
            f"{where}: {PERIOD} {text[row].as_py()} is not the first day of a {period} ({period_label(int(codes[which[row]]), period)}): the counts were made with another {param('period')}",
            f"score them with the {param('period')} the query was made with, or run cxscore sql with {param('period')} {period}",
        )
    return which, codes


def _dense(index: np.ndarray, keys: list[GroupKey]) -> tuple[list[GroupKey], np.ndarray]:
    """The groups some of the rows use, and each row's index into them."""
    present, inverse = np.unique(index, return_inverse=True)
    return [keys[i] for i in present.tolist()], inverse.astype(np.intp)
