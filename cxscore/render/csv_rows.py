"""Tidy CSV: one row per metric × segment × period, full precision."""
from __future__ import annotations

import csv
import io

from ..metrics import COMPONENTS
from ..model import Report
from .escaping import csv_cell, encodable

STATS = ["n", "blank", "invalid", "n_eff", "value", "se", "ci_low", "ci_high", "ci_method", "margin", "low_n"]
SIGNIFICANCE = ["against", "diff", "p_value", "p_adjusted", "significant", "direction"]
BENCHMARK = ["benchmark", "benchmark_gap", "benchmark_position", "benchmark_source", "benchmark_year"]
JUDGEMENT = ["target", "status"]
SCALE = ["scale_min", "scale_max"]  # last: added after the others, so positional readers keep working
COMPONENT_COLUMNS = list(dict.fromkeys(c for names in COMPONENTS.values() for c in names))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def header(segment_keys: list[str]) -> list[str]:
    return ["metric", "type", "column", *segment_keys, "period", *STATS, *SIGNIFICANCE, *BENCHMARK, *JUDGEMENT, *COMPONENT_COLUMNS, *SCALE]


def render(report: Report, raw: bool = False) -> str:
    """The tidy CSV. Text from the data (metric, column and segment names, benchmark sources) that
    starts like a formula gets a leading ``'`` unless ``raw`` (for programs, not spreadsheets)."""
    segment_keys = list(report.analysis.by)
    columns = {m.name: m.column for m in report.metrics}
    cell = encodable if raw else csv_cell
    data = lambda value: cell(value) if isinstance(value, str) else _text(value)  # noqa: E731
    scales = {m.name: m.scale for m in report.metrics}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(name) for name in header(segment_keys)])
    for row in report.results:
        sig = row.significance or {}
        bench = row.benchmark or {}
        writer.writerow(
            [cell(row.metric), row.type, cell(columns[row.metric])]
            + [data(row.segment.get(k)) for k in segment_keys]
            + [_text(row.period)]
            + [_text(getattr(row, k)) for k in STATS]
            + [_text(sig.get(k)) for k in SIGNIFICANCE]
            + [data(bench.get(k)) for k in ("value", "gap", "position", "source", "year")]
            + [_text(row.target), _text(row.status)]
            + [_text(row.components.get(c)) for c in COMPONENT_COLUMNS]
            + [_text(point) for point in scales[row.metric]]
        )
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
