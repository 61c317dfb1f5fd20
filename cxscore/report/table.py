"""Rich tables for people."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Report
from .escaping import printable
from .layout import Section, sections

MARK_STYLE = {"good": "green", "bad": "red"}


def text(value: str) -> str:
    """A cell for Rich: control characters from the data shown escaped (``\\x1b``), markup escaped."""
    return escape(printable(value))


def build(section: Section) -> Table:
    table = Table(title=text(section.title), title_justify="left", caption=text(section.caption) or None, caption_justify="left")
    for i, header in enumerate(section.headers):
        short = i in section.short
        table.add_column(text(header), justify="right" if i in section.right else "left", overflow="ellipsis" if short else "fold", no_wrap=short, max_width=20 if short else None)
    for line in section.lines:
        style = "dim" if line.low_n else ("bold" if line.overall else None)
        cells = [text(c) for c in line.cells]
        if line.mark:
            column = -1 if line.mark_last else -2
            cells[column] = f"[{MARK_STYLE[line.mark]}]{cells[column]}[/]"
        table.add_row(*cells, style=style)
    return table


def render(report: Report, console: Console) -> None:
    for section in sections(report):
        console.print(build(section))
