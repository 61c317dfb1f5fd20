"""Cells and sheets of the workbook: safe text, number formats, widths from the text a reader sees."""
from __future__ import annotations

import unicodedata
from typing import Any, Optional

from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .escaping import FORMULA_START, printable

GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
GREY = PatternFill("solid", start_color="EDEDED", end_color="EDEDED")
BOLD = Font(bold=True)
COUNT, SCORE1, SCORE2, P_VALUE = "#,##0", "0.0", "0.00", "0.000"
CELL_LIMIT = 32767  # characters Excel holds in one cell


def score_format(kind: str) -> str:
    return SCORE2 if kind == "ces" else SCORE1


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


class Sheet:
    """A worksheet written row by row, remembering widths; headers bold, frozen and filterable.

    It counts its own rows: openpyxl's ``ws.max_row`` scans every cell, and asking it once per row
    made writing quadratic (8,000 segments took minutes).
    """

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.widths: dict[int, int] = {}
        self.last = 0  # the last row written

    def row(self, values: list[Any], formats: Optional[list[Optional[str]]] = None, bold: bool = False, fill: Optional[PatternFill] = None) -> int:
        self.last += 1
        r = self.last
        for c, value in enumerate(values, start=1):
            cell = put(self.ws, r, c, value)
            if formats and c <= len(formats) and formats[c - 1] and isinstance(value, (int, float)):
                cell.number_format = formats[c - 1]
            if bold:
                cell.font = BOLD
            if fill is not None:
                cell.fill = fill
            self.widths[c] = max(self.widths.get(c, 0), min(60, len(str(cell.value)) if value is not None else 0))
        return r

    def header(self, values: list[str]) -> int:
        return self.row(values, bold=True)

    def finish(self, header_row: int = 1, filter_rows: Optional[int] = None) -> None:
        if self.ws.max_row >= header_row:
            self.ws.freeze_panes = self.ws.cell(row=header_row + 1, column=1)
            last = filter_rows or self.ws.max_row
            columns = max(self.widths) if self.widths else 1
            self.ws.auto_filter.ref = f"A{header_row}:{get_column_letter(columns)}{last}"
        for c, w in self.widths.items():
            self.ws.column_dimensions[get_column_letter(c)].width = max(8, w + 2)
