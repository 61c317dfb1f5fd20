"""Rich tables for people."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Report
from .layout import Section, sections

MARK_STYLE = {"good": "green", "bad": "red"}


def build(section: Section) -> Table:
    table = Table(title=escape(section.title), title_justify="left", caption=escape(section.caption) or None, caption_justify="left")
    for i, header in enumerate(section.headers):
        short = i in section.short
        table.add_column(escape(header), justify="right" if i in section.right else "left", overflow="ellipsis" if short else "fold", no_wrap=short, max_width=24 if short else None)
    for line in section.lines:
        style = "dim" if line.low_n else ("bold" if line.overall else None)
        cells = [escape(c) for c in line.cells]
        if line.mark:
            column = -1 if line.mark_last else -2
            cells[column] = f"[{MARK_STYLE[line.mark]}]{cells[column]}[/]"
        table.add_row(*cells, style=style)
    return table


def render(report: Report, console: Console) -> None:
    for section in sections(report):
        console.print(build(section))
