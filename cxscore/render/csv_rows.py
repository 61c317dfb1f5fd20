"""Tidy CSV: one row per metric × segment × period, full precision."""
from __future__ import annotations

import csv
import io

from .. import tidy
from ..model import Report
from .escaping import csv_cell, encodable


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def render(report: Report, raw: bool = False) -> str:
    """The tidy table's CSV columns (:mod:`cxscore.tidy`) as text, full precision. Text from the data
    (metric, column and segment names, benchmark fields) that starts like a formula gets a leading
    ``'`` unless ``raw`` (for programs, not spreadsheets)."""
    by = list(report.analysis.by)
    late = tidy.late_columns(report.metrics)
    width = tidy.csv_width(by, late)
    data = tidy.data_columns(by)
    cell = encodable if raw else csv_cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(name) for name in tidy.header(by, late)[:width]])
    for values in tidy.rows(report.results, report.metrics, by):
        writer.writerow([cell(v) if i in data and isinstance(v, str) else _text(v) for i, v in enumerate(values[:width])])
    return out.getvalue()


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
