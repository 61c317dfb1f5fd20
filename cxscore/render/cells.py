"""Cells and sheets of the workbook: safe text, number formats, widths from the text a reader sees."""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..kinds import get
from ..model import Report
from .escaping import FORMULA_START, printable
from .pages import SIDE_MARGIN

GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
AMBER = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
GREY = PatternFill("solid", start_color="EDEDED", end_color="EDEDED")
BOLD = Font(bold=True)
LOW_N = Font(italic=True, color="808080")  # too few answers to judge
WRAP = Alignment(wrap_text=True, vertical="top")
CELL_LIMIT = 32767  # characters Excel holds in one cell
MAX_WIDTH = 40  # a longer text wraps
#: Number formats as in the terminal: NPS signed, CSAT and shares in % (values are already 0–100), means to 2 decimals.
COUNT, SCORE1, SCORE2, PCT = "#,##0", "0.0", "0.00", '0.0"%"'
NPS, DIFF1, DIFF2 = "+0.0;-0.0;0.0", "+0.0;-0.0;0.0", "+0.00;-0.00;0.00"
P_VALUE = '[<0.001]"<0.001";0.000'
ZERO1, ZERO2 = "0.0;0.0;0.0", "0.00;0.00;0.00"  # a signed value that rounds to zero, shown without its sign
#: Durations are Excel durations (days: seconds / 86,400), so a sort, a filter, a sum and a chart
#: treat them as time, shown in the units of the metric's magnitude (its all-time median): under a
#: minute ``42s``, under an hour ``12m 05s``, under three days ``7h 52m``, longer ``4.5 d``. Differences are signed; a negative
#: duration needs the workbook's 1904 date system to show in Excel (see ``excel.build``).
SECONDS, SECONDS_DIFF = '[s]"s"', '+[s]"s";-[s]"s";[s]"s"'
#: Under 10 seconds one decimal, as the table writes it: ``0:04.6``. Elapsed seconds with a decimal (``[s].0``)
#: are drawn by Excel but not by LibreOffice (``5.378E-05``), and ``s.0`` reads back as a time of day, not a
#: duration (openpyxl, pandas); minutes:seconds.tenths is the one form both draw and readers take as a duration.
TENTHS, TENTHS_DIFF = '[m]:ss.0', '+[m]:ss.0;-[m]:ss.0;[m]:ss.0'
MINUTES, MINUTES_DIFF = '[m]"m" ss"s"', '+[m]"m" ss"s";-[m]"m" ss"s";[m]"m" ss"s"'
HOURS, HOURS_DIFF = '[h]"h" mm"m"', '+[h]"h" mm"m";-[h]"h" mm"m";[h]"h" mm"m"'
DAYS, DAYS_DIFF = '0.0" d"', '+0.0" d";-0.0" d";0.0" d"'
DAY = 86400.0  # seconds in the unit a workbook stores durations in
#: (metric's median below, in seconds; score format; difference format; chart axis format; axis steps in seconds)
DURATION_STYLES = (
    (60.0, SECONDS, SECONDS_DIFF, '[s]"s"', (5, 10, 15, 20, 30, 60)),
    (3600.0, MINUTES, MINUTES_DIFF, '[m]"m"', (60, 120, 300, 600, 900, 1200, 1800, 3600)),
    (3 * DAY, HOURS, HOURS_DIFF, '[h]"h"', (3600, 7200, 10800, 14400, 21600, 28800, 43200, DAY)),
    (float("inf"), DAYS, DAYS_DIFF, '0" d"', (DAY, 2 * DAY, 5 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY, 90 * DAY, 180 * DAY, 365 * DAY)),
)


#: A duration format's next smaller one, and the value (cell units: days) under which it takes over: a Δ of
#: −6 seconds in a metric shown in minutes reads ``-6.0s``, not ``-0m 06s``, as the table writes it (under
#: 9.95 seconds with one decimal, so a 3.5s score is not ``4s`` above its ``2.9s – 4.1s`` interval).
SMALLER = {DAYS: (HOURS, 1.0), HOURS: (MINUTES, 1 / 24), MINUTES: (SECONDS, 1 / 1440), SECONDS: (TENTHS, 9.95 / DAY),
           DAYS_DIFF: (HOURS_DIFF, 1.0), HOURS_DIFF: (MINUTES_DIFF, 1 / 24), MINUTES_DIFF: (SECONDS_DIFF, 1 / 1440), SECONDS_DIFF: (TENTHS_DIFF, 9.95 / DAY)}


#: A signed format's look for a value that rounds to zero: ``0.0``, as the table writes it, not ``-0.0`` or ``+0.0``
#: (a duration in days never rounds to zero: it steps down to hours, minutes or seconds first, see :func:`fitted`).
ZERO_TENTHS = '[m]:ss.0;[m]:ss.0;[m]:ss.0'
UNSIGNED = {NPS: (ZERO1, 0.05), DIFF2: (ZERO2, 0.005), TENTHS_DIFF: (ZERO_TENTHS, 0.05 / DAY)}
#: A duration difference of exactly zero reads ``0``, as the table writes it (not ``0:00.0`` under ``+7h 52m``):
#: its format's zero section, the cell staying a duration for a sort, a sum and a reader (openpyxl, pandas).
DURATION_DIFFS = frozenset({SECONDS_DIFF, TENTHS_DIFF, MINUTES_DIFF, HOURS_DIFF, DAYS_DIFF})


#: Under this (days: 72 minutes) a value in decimal days reads ``0.0 d``: a cell held to days steps down anyway.
LEAST_DAYS = 0.05


def fitted(number_format: str | None, value: Any, step: bool = True) -> str | None:
    """The number format one cell gets: a duration's format steps down to smaller units while the value
    is under one of its leading unit (no ``0h 45m``, ``-0m 06s`` or ``-0.3 d``), except out of days when
    ``step`` is off (a tile or Trend column held to one unit, see :func:`held`: ``0.3 d`` beside ``2.1 d``)
    unless one decimal of days would show a non-zero value as zero (``49m 12s``, not ``0.0 d``, beside ``2.1 d``);
    a signed number that rounds to zero loses its sign (``0.0``, not ``-0.0``) and a duration difference of
    exactly zero is ``0``; any other format as it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return number_format
    if value == 0 and number_format in DURATION_DIFFS:
        return number_format.rsplit(";", 1)[0] + ';"0"'
    while number_format in SMALLER and abs(value) < SMALLER[number_format][1] and (step or number_format not in (DAYS, DAYS_DIFF) or abs(value) < LEAST_DAYS):
        number_format = SMALLER[number_format][0]
    if number_format in UNSIGNED and abs(value) < UNSIGNED[number_format][1]:
        return UNSIGNED[number_format][0]
    return number_format


def formatted(cell: Cell, number_format: str | None, step: bool = True) -> Cell:
    """Give a cell its number format, fitted to its value (see :func:`fitted`)."""
    if number_format:
        cell.number_format = fitted(number_format, cell.value, step)
    return cell


#: Above this (seconds) a tile or column held to one unit is written in days: never ``145h 43m``.
HELD_DAYS = 2 * DAY


def held(look: Look, values: Sequence[float | None]) -> Look:
    """A duration look held to one style for values read side by side (a Dashboard tile's score, interval,
    p90 and change; one Trend column), from the largest: decimal days for all when it is over two days
    (cells then keep them: ``fitted(..., step=False)``, but for a value under :data:`LEAST_DAYS`), else hours, minutes and seconds (``7h 42m``
    over ``49m 12s``), so no ``3.0 d`` beside ``2d 21h`` or ``145h 43m``, no ``-9h 40m`` / ``+2.0 d`` in one column.
    A chart of those values draws its axis in the same unit (a tile in days over an axis in hours misread)."""
    largest = max((abs(v) for v in values if v is not None), default=0.0)
    if look.per == 1.0 or not largest:
        return look
    _, score, diff, axis, steps = DURATION_STYLES[-1] if largest >= HELD_DAYS else next(s for s in DURATION_STYLES if largest < s[0])
    return Look(score, diff, score, look.per, axis, tuple(float(s) for s in steps))


def written(look: Look, value: float | None, diff: bool = False) -> str:
    """A duration (seconds) as text in a held look's unit, as its cells show it: ``2.9 d``, ``+2.0 d``."""
    v = look.cell(value)
    return "—" if v is None else shown(v, fitted(look.diff if diff else look.score, v, step=False))


def _clock(days: float, unit: str) -> str:
    """A duration cell as its format shows it: ``7h 52m`` (``[h]"h" mm"m"``) or ``12m 05s``."""
    whole = round(abs(days) * DAY / (60 if unit == "h" else 1))
    big, small = divmod(whole, 60)
    return f"{big}{unit} {small:02d}{'m' if unit == 'h' else 's'}"


def _tenths(days: float) -> str:
    """What ``[m]:ss.0`` draws for a duration under 10 seconds: ``0:04.6``."""
    return f"0:{abs(days) * DAY:04.1f}"


def _signed(text: str, v: float) -> str:
    return ("+" if v > 0 else "-" if v < 0 else "") + text


_SHOWN = {
    COUNT: lambda v: f"{v:,.0f}", SCORE1: lambda v: f"{v:.1f}", SCORE2: lambda v: f"{v:.2f}", PCT: lambda v: f"{v:.1f}%",
    NPS: lambda v: f"{v:+.1f}", DIFF2: lambda v: f"{v:+.2f}", ZERO1: lambda v: f"{abs(v):.1f}", ZERO2: lambda v: f"{abs(v):.2f}", P_VALUE: lambda v: "<0.001" if v < 0.001 else f"{v:.3f}",
    SECONDS: lambda v: f"{round(v * DAY)}s", SECONDS_DIFF: lambda v: f"{round(v * DAY):+d}s",
    TENTHS: lambda v: _tenths(v), TENTHS_DIFF: lambda v: _signed(_tenths(v), v),
    MINUTES: lambda v: _clock(v, "m"), MINUTES_DIFF: lambda v: _signed(_clock(v, "m"), v),
    HOURS: lambda v: _clock(v, "h"), HOURS_DIFF: lambda v: _signed(_clock(v, "h"), v),
    DAYS: lambda v: f"{v:.1f} d", DAYS_DIFF: lambda v: f"{v:+.1f} d",
    ZERO_TENTHS: lambda v: _tenths(v),
}


@dataclass(frozen=True)
class Look:
    """How one metric's numbers are written into cells: the formats of its scores, differences and
    margins, and the cell unit (a duration's seconds become days; other kinds are written as they are)."""

    score: str
    diff: str
    margin: str
    per: float = 1.0  # value units in one cell unit: 86,400 seconds a day for durations
    axis: str | None = None  # a chart's value axis format, when it differs from the cells'
    steps: tuple[float, ...] = ()  # a chart's major units to choose from, in value units

    def cell(self, value: float | None) -> float | None:
        """A value (seconds for a duration) as the cell stores it (days); other kinds unchanged, ints staying ints."""
        return value if value is None or self.per == 1.0 else value / self.per

    def major_unit(self, high: float) -> float | None:
        """A chart's value-axis step (in cell units) for values up to ``high`` (value units): about
        four to eight labels, each a round duration (2h, 6h, 1 d); None: the chart's own."""
        if not self.steps or high <= 0:
            return None
        step = next((s for s in self.steps if high / s <= 8), self.steps[-1])
        return step / self.per


def look(kind: str, typical: float | None = None) -> Look:
    """A metric type's look; a duration's units follow ``typical`` (its all-time median, seconds)."""
    style, digits = get(kind).style, get(kind).digits
    if style != "duration":
        return Look({"points": NPS, "pct": PCT}.get(style, SCORE2), DIFF2 if digits == 2 else DIFF1, SCORE2 if digits == 2 else SCORE1)
    _, score, diff, axis, steps = DURATION_STYLES[2] if typical is None else next(s for s in DURATION_STYLES if typical < s[0])
    return Look(score, diff, score, DAY, axis, tuple(float(s) for s in steps))


def looks(report: Report) -> dict[str, Look]:
    """Each metric's look, a duration's units chosen once from its all-time median (so every sheet agrees)."""
    typical = {r.metric: r.value for r in report.results if r.kind == "overall"}
    return {m.name: look(m.type, typical.get(m.name)) for m in report.metrics}


def shown(value: Any, number_format: str | None = None) -> str:
    """The text a reader sees in a cell, for its width."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    if number_format in _SHOWN:
        return _SHOWN[number_format](value)
    return f"{value:.6g}"


def text(value: str) -> str:
    """A string as a cell can hold it: control characters and undecodable bytes escaped, cut at Excel's 32,767 characters."""
    value = printable(value)
    return value if len(value) <= CELL_LIMIT else value[: CELL_LIMIT - 1] + "…"


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write one cell. A string is always a text cell, never a formula: values come from files written
    by others (``=HYPERLINK(…)``, ``=cmd|…``). One that starts like a formula (``=``, ``+``, ``-``,
    ``@``, tab) is also marked quote-prefixed, as Excel marks text typed after a ``'``, so it stays
    text when someone edits the cell."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = text(value)
        cell.value = value
        if value.startswith(FORMULA_START):
            cell.data_type = "s"  # openpyxl makes any "=…" a formula
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def width(value: str) -> int:
    """Columns a text takes on screen: East Asian wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in value)


def wrapped_lines(text: str, columns: int = MAX_WIDTH) -> int:
    """Lines a text takes wrapped at spaces in ``columns``, as a spreadsheet wraps it: three names of 25
    columns take three lines, not the two its length alone says (a word wider than a line is cut)."""
    lines = 0
    for paragraph in text.split("\n"):
        used = None  # columns taken on the current line; None before its first word
        for word in paragraph.split(" "):
            w = width(word)
            if used is not None and used + 1 + w <= columns:
                used += 1 + w
                continue
            lines += 1 if used is not None else 0
            lines += max(0, math.ceil(w / columns) - 1)
            used = w - (math.ceil(w / columns) - 1) * columns if w > columns else w
        lines += 1
    return lines


class Sheet:
    """A worksheet written row by row, remembering widths; headers bold, frozen and filterable.

    It counts its own rows: openpyxl's ``ws.max_row`` scans every cell, and asking it once per row
    made writing quadratic (8,000 segments took minutes).
    """

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.widths: dict[int, int] = {}
        self.last = 0  # the last row written
        self.headers: list[tuple[int, list[str]]] = []  # header rows, made tall enough for their wrapped text

    def row(self, values: list[Any], formats: Sequence[str | None] | None = None, bold: bool = False, fill: PatternFill | None = None,
            step: bool = True) -> int:
        """One row; ``step``: durations' formats step down to smaller units (off where columns are :func:`held`)."""
        self.last += 1
        r, lines = self.last, 1
        for c, value in enumerate(values, start=1):
            cell = put(self.ws, r, c, value)
            number_format = fitted(formats[c - 1] if formats and c <= len(formats) else None, value, step)
            if number_format and isinstance(value, (int, float)):
                cell.number_format = number_format
            if bold:
                cell.font = BOLD
            if fill is not None:
                cell.fill = fill
            seen = width(shown(cell.value, number_format))
            if seen > MAX_WIDTH:
                cell.alignment = WRAP
                lines = max(lines, wrapped_lines(shown(cell.value, number_format)))
            self.widths[c] = max(self.widths.get(c, 0), min(MAX_WIDTH, seen))
        if lines > 1:  # not every reader sizes wrapped rows itself (LibreOffice keeps 15 points)
            self.ws.row_dimensions[r].height = 15 * min(lines, 10)
            for c in range(1, len(values) + 1):
                self.ws.cell(row=r, column=c).alignment = WRAP
        return r

    def header(self, values: list[str]) -> int:
        """A bold header row, wrapped: a header as long as its values is not what sets a column's width."""
        self.last += 1
        for c, value in enumerate(values, start=1):
            cell = put(self.ws, self.last, c, value)
            cell.font, cell.alignment = BOLD, WRAP
            longest = max((width(word) for word in str(value).split()), default=0)
            self.widths[c] = max(self.widths.get(c, 0), min(max(longest, min(width(str(value)), 12)), MAX_WIDTH))
        self.headers.append((self.last, values))
        return self.last

    def finish(self, header_row: int = 1, filter_rows: int | None = None) -> None:
        if self.ws.max_row >= header_row:
            self.ws.freeze_panes = self.ws.cell(row=header_row + 1, column=1)
            last = filter_rows or self.ws.max_row
            columns = max(self.widths) if self.widths else 1
            self.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last}"
        for c, w in self.widths.items():
            self.ws.column_dimensions[get_column_letter(c)].width = max(6, w + 2)
        for r, values in self.headers:
            lines = max((math.ceil(width(str(v)) / max(6, self.widths[c])) for c, v in enumerate(values, start=1)), default=1)
            if lines > 1:
                self.ws.row_dimensions[r].height = 15 * min(lines, 4)


def printable_sheet(ws: Worksheet, footer: str, title_rows: str | None = "1:1", pages_tall: int = 0) -> None:
    """Landscape, one page wide (``pages_tall`` pages tall; 0: as many as it needs), the header row
    repeated on every page, and a footer naming the report period and when it was generated."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, pages_tall
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = SIDE_MARGIN
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = footer.replace("&", "&&")  # & starts a header/footer code
    ws.oddFooter.right.text = "&P / &N"
