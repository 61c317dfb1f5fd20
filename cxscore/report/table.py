"""A Rich table for people."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Report
from . import display


def build(report: Report) -> Table:
    rows = sum(i.rows for i in report.inputs)
    names = ", ".join(i.path for i in report.inputs)
    table = Table(title=escape(f"cxscore · {rows:,} rows · {names}"), title_justify="left")
    for header, justify in [("Metric", "left"), ("Column", "left"), ("n", "right"), ("Blank", "right"), ("Invalid", "right"), ("Score", "right"), ("Details", "left")]:
        table.add_column(header, justify=justify, overflow="fold")
    info = {m.name: m for m in report.metrics}
    for row in report.results:
        metric = info[row.metric]
        table.add_row(
            f"{row.metric} ({display.SCORE_LABEL[row.type]})",
            escape(metric.column),
            f"{row.n:,}",
            f"{row.blank:,}",
            f"[yellow]{row.invalid:,}[/]" if row.invalid else "0",
            f"[bold]{display.score(row)}[/]",
            escape(display.details(row, metric.scale)),
        )
    return table


def render(report: Report, console: Console) -> None:
    console.print(build(report))
