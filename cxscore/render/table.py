"""Rich tables for people."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from ..model import Report
from .escaping import printable
from .layout import Line, Section, sections

MARK_STYLE = {"good": "green", "bad": "red"}


def text(value: str) -> str:
    """A cell for Rich: control characters from the data shown escaped (``\\x1b``), markup escaped."""
    return escape(printable(value))


#: The width short (label) columns are wrapped at when the table has no room to spare.
SHORT_WIDTH = 20
#: The narrowest a label column is wrapped at, to keep the numbers on one line.
SHORTEST = 8
#: No limit on a label column's width (its labels whole, on one line).
WHOLE = 10**6
#: A cell that says "nothing here"; a column of nothing else (or a long-text column of empty cells) is left out of the table.
NOTHING = "—"


def build(section: Section, tight: bool = False, short_width: int = SHORT_WIDTH) -> Table:
    """A Rich table of a section; ``tight`` drops the cells' side padding (the column rules still part them);
    ``short_width`` is where the short (label) columns wrap: a label is wrapped, never cut (a cut
    `service_level (% with…` lost the kind, and two cut agent names can read the same)."""
    table = Table(title=text(section.title), title_justify="left", caption=text(section.caption) or None, caption_justify="left",
                  padding=(0, 0) if tight else (0, 1))
    for i, header in enumerate(section.headers):
        short = i in section.short
        table.add_column(text(header), justify="right" if i in section.right else "left", overflow="fold",
                         max_width=short_width if short else None)
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
    empty = {i for i in range(len(section.headers)) if section.lines and all(line.cells[i] in _blank(section, i) for line in section.lines)}
    if empty:  # e.g. Scale on a run of service KPIs only, Details on summary-row KPIs: the column says nothing and takes the labels' room
        section = _without(section, empty)
    if _fits(build(section), console) or not section.aside:
        _print_fitting(section, console)
        return
    _print_fitting(_without(section, section.aside), console)
    for line in section.lines:
        console.print(Text(printable(" · ".join(line.cells[: section.key])), style="bold"))
        for i in sorted(section.aside):
            if line.cells[i]:
                _indented(f"{printable(section.headers[i])}: {printable(line.cells[i])}", console)


def _blank(section: Section, i: int) -> set[str]:
    """The cells that say nothing in column ``i``: ``—``, and in a long-text column (Details) an empty cell too
    (a number column's empty cells, such as the Δ of a KPI with no test, keep the table as wide as its caption)."""
    return {NOTHING, ""} if i in section.aside else {NOTHING}


def _without(section: Section, drop: set[int]) -> Section:
    """The section without the columns ``drop`` (their cells, and the indices of the others renumbered)."""
    keep = [i for i in range(len(section.headers)) if i not in drop]
    return Section(
        section.title, [section.headers[i] for i in keep], {keep.index(i) for i in section.right if i in keep},
        [Line([line.cells[i] for i in keep], line.low_n, line.mark if line.mark_column % len(line.cells) in keep else None, line.overall,
              keep.index(line.mark_column % len(line.cells)) if line.mark and line.mark_column % len(line.cells) in keep else -1) for line in section.lines],
        section.caption, {keep.index(i) for i in section.short if i in keep}, {keep.index(i) for i in section.aside if i in keep},
        min(section.key, len(keep)),
    )


def _print_fitting(section: Section, console: Console) -> None:
    """The table with its cells' side padding when it fits with whole labels, else without (the column
    rules still part the cells): whole labels come before padding. When even that is too wide, the short
    (label) columns wrap at the width left to them (down to SHORTEST), so that the numbers stay on one
    line and no label is cut. Else the table as it is (the terminal wraps it)."""
    for tight in (False, True):
        if _fits(table := build(section, tight, WHOLE), console):
            emit(table, console)
            return
    width = _width(build(section, True), console)
    if section.short and SHORT_WIDTH - (width - console.width) >= SHORTEST:  # the labels give up what the numbers need
        emit(build(section, True, SHORT_WIDTH - (width - console.width)), console)
        return
    emit(build(section), console)


def emit(table: Table, console: Console) -> None:
    """Print a table with its title above it and its caption below it, each wrapped at the terminal's
    width and ending at its text: Rich pads a title or caption that fits to the table's width
    (trailing spaces in pipes and cron mail) and wraps a longer one at the table's width (a narrow
    table's caption left a column of short ragged lines at 80 columns)."""
    title, caption = table.title, table.caption
    table.title = table.caption = None
    if isinstance(title, str):
        _wrapped(title, "table.title", console)
    console.print(table)
    if isinstance(caption, str):
        _wrapped(caption, "table.caption", console)


def _wrapped(markup: str, style: str, console: Console) -> None:
    """Words wrapped at the terminal's width, without the trailing space Rich leaves at a break."""
    for line in Text.from_markup(markup, style=style).wrap(console, console.width):
        line.rstrip()
        console.print(line)


def _indented(text: str, console: Console) -> None:
    """A line under a table, two cells in, wrapped at the terminal's width without the trailing spaces
    a padded block leaves (``Column: A, B,`` padded to 80 columns in cron mail)."""
    for line in Text(text).wrap(console, console.width - 2):
        line.rstrip()
        console.print(Text("  ") + line, soft_wrap=True)


def _width(table: Table, console: Console) -> int:
    return Measurement.get(console, console.options.update_width(10**6), table).maximum


def _fits(table: Table, console: Console) -> bool:
    return _width(table, console) <= console.width


def render(report: Report, console: Console) -> None:
    for section in sections(report):
        show(section, console)
