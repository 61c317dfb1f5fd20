"""Tidy CSV: one row per metric × segment × period, full precision."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import IO

import pyarrow as pa

from .. import tidy
from ..model import Report, ResultRow
from ..row_table import RowColumns, blocks
from . import row_text
from .escaping import csv_cell, encodable


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


#: Result rows formatted per write: the CSV is streamed, so a large breakdown never exists as one string.
ROWS_PER_WRITE = 10_000
_BOOLEAN = {True: "true", False: "false"}


def render(report: Report, raw: bool = False) -> str:
    """The CSV of :func:`write` as one string."""
    out = io.StringIO()
    write(report, out, raw)
    return out.getvalue()


def write(report: Report, out: IO[str], raw: bool = False, rows_per_write: int = ROWS_PER_WRITE) -> None:
    """The tidy table's CSV columns (:mod:`cxscore.tidy`) written to ``out``, full precision. Text from the
    data (metric, column and segment names, benchmark fields) that starts like a formula gets a leading
    ``'`` unless ``raw`` (for programs, not spreadsheets).

    Streamed, ``rows_per_write`` result rows at a time, and built a column at a time: rows made when read
    are written from their arrays (:mod:`cxscore.render.row_text`), never made; for rows held as objects
    the csv module writes numbers itself (``repr`` of a float: full precision; ``None`` as an empty cell),
    so Python touches only the true/false cells and each distinct text of the data columns, once."""
    by = list(report.analysis.by)
    late = tidy.late_columns(report.metrics)
    width = tidy.csv_width(by, late)
    data = sorted(tidy.data_columns(by))
    flags = [i for i, kind in enumerate(tidy.types(by, late)[:width]) if kind == pa.bool_()]
    cell = encodable if raw else csv_cell
    chunk = io.StringIO()
    writer = csv.writer(chunk, lineterminator="\n")
    writer.writerow([cell(name) for name in tidy.header(by, late)[:width]])
    put = row_text.utf8_writer(out)
    put(chunk.getvalue().encode("utf-8"))
    metrics = {m.name: m for m in report.metrics}

    def lines(rows: Sequence[ResultRow]) -> str:
        columns = tidy.columns(rows, report.metrics, by, width)
        for i in data:
            texts = {v: cell(v) for v in set(columns[i]) if isinstance(v, str)}
            columns[i] = [texts[v] if isinstance(v, str) else v for v in columns[i]]
        for i in flags:
            columns[i] = [_BOOLEAN.get(v) for v in columns[i]]
        chunk.seek(0)
        chunk.truncate()
        writer.writerows(zip(*columns))
        return chunk.getvalue()

    for block in blocks(report.results, rows_per_write):
        if isinstance(block, RowColumns):
            put(row_text.csv_rows(block, metrics[block.metric], by, late, cell, lambda row: lines([row])))
        else:
            put(lines(block).encode("utf-8"))  # type: ignore[arg-type]  # a row table's rows


COMMENT_COLUMNS = ["metric", "band", "score", "date"]


def comments(report: Report, raw: bool = False) -> str:
    """The collected comments: metric, band, score, date, the --by columns, then the comment (masked).
    Text gets a leading ``'`` where it starts like a formula, unless ``raw``: comments are written by anyone."""
    by = list(report.analysis.by)
    cell = encodable if raw else csv_cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(name) for name in [*COMMENT_COLUMNS, *by, "comment"]])
    for c in report.comments or []:
        writer.writerow([cell(c.metric), c.band, c.score, _text(c.date), *[cell(str(c.segment.get(k, ""))) for k in by], cell(c.comment)])
    return out.getvalue()


def table(header: list[str], rows: list[list], raw: bool) -> str:
    """Rows as CSV: text cells escaped against spreadsheet formulas (unless raw), numbers at full precision, None empty."""
    cell = encodable if raw else csv_cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else cell(v) if isinstance(v, str) else repr(v) for v in row])
    return out.getvalue()
