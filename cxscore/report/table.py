"""Rich tables for people."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..model import Report
from .escaping import printable
from .layout import Line, Section, sections

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


def show(section: Section, console: Console) -> None:
    """Print a section. When it is wider than the terminal, its long-text (aside) columns leave the
    table and follow it as indented lines, so the numbers stay on one line each at 80 columns."""
    table = build(section)
    if not section.aside or Measurement.get(console, console.options.update_width(10**6), table).maximum <= console.width:
        console.print(table)
        return
    keep = [i for i in range(len(section.headers)) if i not in section.aside]
    narrow = Section(
        section.title, [section.headers[i] for i in keep], {keep.index(i) for i in section.right if i in keep},
        [Line([line.cells[i] for i in keep], line.low_n, line.mark, line.overall, line.mark_last) for line in section.lines],
        section.caption, {keep.index(i) for i in section.short if i in keep},
    )
    console.print(build(narrow))
    for line in section.lines:
        console.print(Text(printable(" · ".join(line.cells[: section.key])), style="bold"))
        for i in sorted(section.aside):
            if line.cells[i]:
                console.print(Padding(Text(f"{printable(section.headers[i])}: {printable(line.cells[i])}"), (0, 0, 0, 2), expand=False))


def render(report: Report, console: Console) -> None:
    for section in sections(report):
        show(section, console)
