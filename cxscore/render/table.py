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


def build(section: Section, tight: bool = False) -> Table:
    """A Rich table of a section; ``tight`` drops the cells' side padding (the column rules still part them)."""
    table = Table(title=text(section.title), title_justify="left", caption=text(section.caption) or None, caption_justify="left",
                  padding=(0, 0) if tight else (0, 1))
    for i, header in enumerate(section.headers):
        short = i in section.short
        table.add_column(text(header), justify="right" if i in section.right else "left", overflow="ellipsis" if short else "fold", no_wrap=short, max_width=20 if short else None)
    for line in section.lines:
        style = "dim" if line.low_n else ("bold" if line.overall else None)
        cells = [text(c) for c in line.cells]
        if line.mark:
            cells[line.mark_column] = f"[{MARK_STYLE[line.mark]}]{cells[line.mark_column]}[/]"
        table.add_row(*cells, style=style)
    return table


def show(section: Section, console: Console) -> None:
    """Print a section. When it is wider than the terminal, its long-text (aside) columns leave the
    table and follow it as indented lines, so the numbers stay on one line each at 80 columns."""
    if _fits(build(section), console) or not section.aside:
        _print_fitting(section, console)
        return
    keep = [i for i in range(len(section.headers)) if i not in section.aside]
    narrow = Section(
        section.title, [section.headers[i] for i in keep], {keep.index(i) for i in section.right if i in keep},
        [Line([line.cells[i] for i in keep], line.low_n, line.mark, line.overall, keep.index(line.mark_column % len(line.cells)) if line.mark else -1) for line in section.lines],
        section.caption, {keep.index(i) for i in section.short if i in keep},
    )
    _print_fitting(narrow, console)
    for line in section.lines:
        console.print(Text(printable(" · ".join(line.cells[: section.key])), style="bold"))
        for i in sorted(section.aside):
            if line.cells[i]:
                console.print(Padding(Text(f"{printable(section.headers[i])}: {printable(line.cells[i])}"), (0, 0, 0, 2), expand=False))


def _print_fitting(section: Section, console: Console) -> None:
    """The table as it is when it fits; else without its cells' side padding, when that fits; else as it is."""
    table = build(section)
    if not _fits(table, console):
        tight = build(section, tight=True)
        table = tight if _fits(tight, console) else table
    console.print(table)


def _fits(table: Table, console: Console) -> bool:
    return Measurement.get(console, console.options.update_width(10**6), table).maximum <= console.width


def render(report: Report, console: Console) -> None:
    for section in sections(report):
        show(section, console)
