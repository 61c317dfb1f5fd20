"""Where a printed sheet's pages break: never through a chart; and a Trend table too wide to read
printed one page wide goes a block of whole metrics a page.

A spreadsheet fits a sheet one page wide by shrinking it, so the rows a page holds depend on the
sheet's width, which depends on the font the reader has: Excel's Calibri 11 makes a character of column
width 7 pixels (5.25 points), LibreOffice without Calibri or Carlito about 7 points (measured with
DejaVu Sans). Each estimate takes the width that errs safe: the narrow one for the rows a page holds (a
wider sheet only shrinks more, fitting more rows), the wide one for a scale at which a block must fit
across. Manual row breaks go before any chart that would cross the estimated end of its page; Excel
and LibreOffice keep them when a sheet is fitted one page wide and any number of pages tall.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

PAPER = (841.89, 595.28)  # A4 landscape, points
CM = 72 / 2.54  # points a centimetre
ROW = 15.0  # points: the default row height (Calibri 11)
NARROW, WIDE = 5.25, 7.0  # points a character of column width: Excel with Calibri, LibreOffice with a substitute
SIDE_MARGIN = 0.4  # inches left and right (top and bottom: openpyxl's 1 inch, the footer inside)
DEFAULT_WIDTH = 8.43  # characters: a column whose width was never set
SAFETY = 0.97  # of a page's estimated room used: the readers round widths and heights their own way
#: Under this scale one page wide is too small to read (six metrics' Trend printed at 31 %): the Trend
#: table then prints in blocks of whole metrics, the Period column repeated on every page.
SMALLEST_SCALE = 0.6


def column_points(ws: Worksheet, column: int, per: float = NARROW) -> float:
    dimension = ws.column_dimensions.get(get_column_letter(column))  # .get: never adds a column to the file
    width = dimension.width if dimension is not None and dimension.customWidth else DEFAULT_WIDTH
    return width * per


def row_points(ws: Worksheet, row: int) -> float:
    dimension = ws.row_dimensions.get(row)
    return dimension.height if dimension is not None and dimension.height else ROW


def _left(ws: Worksheet, column: int, per: float = NARROW) -> float:
    """Points from column A's left edge to ``column``'s."""
    return sum(column_points(ws, c, per) for c in range(1, column))


def _charts(ws: Worksheet) -> list[tuple[int, int, float, float]]:
    """The sheet's charts as (row, column, width, height in points), top to bottom (anchored at cells as the writer adds them)."""
    return sorted((*coordinate_to_tuple(c.anchor), c.width * CM, c.height * CM) for c in ws._charts if isinstance(c.anchor, str))


def printable(ws: Worksheet) -> tuple[float, float]:
    """A page's printable width and height in points: the margins' inches taken off (the sides' as
    :func:`cells.printable_sheet` sets them, which may come later)."""
    m = ws.page_margins
    return PAPER[0] - 72 * 2 * SIDE_MARGIN, PAPER[1] - 72 * (m.top + m.bottom)


def scale_one_page_wide(ws: Worksheet, per: float = NARROW) -> float:
    """The scale a spreadsheet prints the sheet at to fit its cells and charts one page wide (at most 1)."""
    cells = _left(ws, ws.max_column + 1, per)
    charts = max((_left(ws, col, per) + w for _, col, w, _ in _charts(ws)), default=0.0)
    return min(1.0, printable(ws)[0] / max(cells, charts))


def chart_breaks(ws: Worksheet, scale: float) -> list[int]:
    """Add a page break before each chart that would reach past its page's end at this print scale (the
    rows before which pages break, returned). A chart taller than a page is left where it is."""
    charts = _charts(ws)
    if not charts:
        return []
    title = row_points(ws, 1) if ws.print_title_rows else 0.0
    room = printable(ws)[1] / scale * SAFETY - title  # sheet points a page holds under the repeated header
    tops = [0.0]  # tops[r - 1]: the top of row r
    for r in range(1, max(ws.max_row, charts[-1][0]) + 2):
        tops.append(tops[-1] + row_points(ws, r))

    def page_end(start: int) -> int:
        """The first row that no longer fits on a page starting at row ``start``."""
        end = start + 1
        while end < len(tops) and tops[end] - tops[start - 1] <= room:
            end += 1
        return end

    breaks: list[int] = []
    start = 1
    for row, _, _, height in charts:
        while row >= (end := page_end(start)):  # the spreadsheet's own breaks above this chart
            start = end
        if row > start and tops[row - 1] + height > tops[start - 1] + room:
            breaks.append(row)
            start = row
    for row in breaks:
        ws.row_breaks.append(Break(id=row - 1))  # a break after row ``id``: the next page starts at ``row``
    return breaks


def blocks(ws: Worksheet, groups: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Column groups (each metric's first and last column, left to right) packed into blocks of whole
    groups that fit a page at :data:`SMALLEST_SCALE` beside the repeated first column: (first, last) columns."""
    room = printable(ws)[0] / SMALLEST_SCALE * SAFETY - column_points(ws, 1, WIDE)
    out: list[tuple[int, int]] = []
    used = math.inf
    for first, last in groups:
        need = _left(ws, last + 1, WIDE) - _left(ws, first, WIDE)
        if used + need > room:
            out.append((first, last))
            used = 0.0
        out[-1] = (out[-1][0], last)
        used += need
    return out


def block_width(ws: Worksheet, block: tuple[int, int]) -> float:
    """A block's width in cm, as narrow as any reader draws it."""
    return (_left(ws, block[1] + 1) - _left(ws, block[0])) / CM


def chart_columns(ws: Worksheet, block: tuple[int, int], width: float) -> list[int]:
    """Columns at which charts ``width`` cm wide stand side by side inside a block, as narrow as any
    reader draws it (at least its first column: a narrower block narrows the chart, see the caller)."""
    right, columns, c = _left(ws, block[1] + 1), [], block[0]
    while c <= block[1] and _left(ws, c) + width * CM <= right:
        columns.append(c)
        edge = _left(ws, c) + (width + 0.3) * CM
        while c <= block[1] and _left(ws, c) < edge:
            c += 1
    return columns or [block[0]]


def print_in_blocks(ws: Worksheet, column_blocks: Sequence[tuple[int, int]]) -> int:
    """Print a wide sheet a block of columns at a time, the first column repeated on every page, at the
    one scale (per cent) at which the widest block fits across in every reader, instead of shrunk one
    page wide; and no chart cut by a page's end."""
    widest = max(_left(ws, last + 1, WIDE) - _left(ws, first, WIDE) for first, last in column_blocks) + column_points(ws, 1, WIDE)
    scale = max(10, min(100, math.floor(100 * printable(ws)[0] * SAFETY / widest)))
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = scale
    ws.print_title_cols = "A:A"
    for _, last in column_blocks[:-1]:
        ws.col_breaks.append(Break(id=last))  # a break after column ``last``
    chart_breaks(ws, scale / 100)
    return scale
