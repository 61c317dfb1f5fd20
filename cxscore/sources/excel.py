"""Excel workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) through python-calamine."""
from __future__ import annotations

import datetime as dt
from itertools import islice
from pathlib import Path
from typing import BinaryIO
from collections.abc import Iterator

import pyarrow as pa
import python_calamine as calamine

from ..errors import InputError, param
from ..records import InputInfo
from .base import SAMPLE_ROWS, Source
from .excel_errors import error_cells
from .layouts import detect_layout
from .workbook_limits import check_workbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
BATCH_ROWS = 65_536


def is_excel_bytes(head: bytes) -> bool:
    """Whether a file starts like a workbook (zip container or OLE compound file)."""
    return head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)


def cell_text(value) -> str | None:
    """A cell as the text a CSV export would hold (whole numbers without ``.0``, ISO dates)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)


class ExcelSource(Source):
    """One sheet of a workbook, with as many header rows as its export layout has."""

    def __init__(self, file: Path | BinaryIO, name: str, sheet: str | None = None):
        size = file.stat().st_size if isinstance(file, Path) else None
        suffix = Path(name).suffix.lower().lstrip(".") or "xlsx"
        self.info = InputInfo(path=name, format=suffix, bytes=size)
        check_workbook(file, name, sheet)
        if not isinstance(file, Path):
            file.seek(0)
        try:
            workbook = calamine.CalamineWorkbook.from_path(str(file)) if isinstance(file, Path) else calamine.CalamineWorkbook.from_filelike(file)
        except calamine.CalamineError as exc:
            raise InputError(*self._why_unreadable(file, name, exc)) from None
        self._sheet = self._pick_sheet(workbook, sheet)
        self.info.sheet = self._sheet.name
        if not isinstance(file, Path):
            file.seek(0)
        self._errors = error_cells(file, self._sheet.name)  # calamine reads them as empty
        first = [[cell_text(c) or "" for c in row] for row in islice(self._sheet.iter_rows(), SAMPLE_ROWS + 4)]
        if not first or not any(first[0]):
            raise InputError(f"{name}: sheet {self._sheet.name!r} is empty", f"choose the sheet with the responses using {param('sheet')}")
        self.layout = detect_layout(first[:8])
        self.columns = self.layout.columns
        self.info.header_rows, self.info.layout = self.layout.header_rows, self.layout.name
        width = len(self.columns)
        self.sample = [[c or None for c in (row + [""] * width)[:width]] for row in first[self.layout.header_rows :]]
        if not self.sample:
            raise InputError(f"{name} has a header but no data rows (sheet {self._sheet.name!r})", "check that the export contains responses")

    @staticmethod
    def _why_unreadable(file, name: str, exc: Exception) -> tuple[str, str]:
        head = b""
        if isinstance(file, Path):
            with file.open("rb") as fh:
                head = fh.read(8)
        if head.startswith(OLE_MAGIC) and name.lower().endswith((".xlsx", ".xlsm")):
            return f"{name} is password-protected (encrypted) and cannot be read", "remove the password in Excel (File › Info › Protect Workbook) and save a copy"
        if "password protected" in str(exc).lower():
            return f"{name} is password-protected (encrypted) and cannot be read", "remove the password in Excel (File › Info › Protect Workbook) and save a copy"
        return f"{name} is not a readable Excel workbook ({exc})", "open it in Excel and save it again as .xlsx, or export CSV"

    def _pick_sheet(self, workbook, sheet: str | None):
        names = workbook.sheet_names
        if sheet is None:
            return workbook.get_sheet_by_index(0)
        if sheet in names:
            return workbook.get_sheet_by_name(sheet)
        if sheet.isdigit() and 1 <= int(sheet) <= len(names):
            return workbook.get_sheet_by_index(int(sheet) - 1)
        raise InputError(f"{self.info.path} has no sheet {sheet!r}; its sheets are: {', '.join(names)}", f"pass one of them (or its number, from 1) to {param('sheet')}")

    def parts(self, count: int, min_bytes: int = 0, block_bytes: int = 0) -> list:
        # calamine loads the whole sheet when it is opened (here, for the header and sample), so the
        # sheet is read in this process rather than loaded a second time in a worker.
        return [self]

    def batches(self, columns: list[str], info: InputInfo | None = None, progress=None, types=None) -> Iterator[pa.RecordBatch]:
        info = info or self.info
        positions = [self.columns.index(c) for c in columns]  # calamine rows all span the sheet's width
        rows = islice(self._sheet.iter_rows(), self.layout.header_rows, None)
        left = self._sheet.start[1] if self._errors else 0  # calamine's rows start at row 1, its columns at the first used one
        first = self.layout.header_rows  # the sheet row (from 0) of the block's first row
        while True:
            block = list(islice(rows, BATCH_ROWS))
            if not block:
                return
            if self._errors:
                _put_errors(block, first, left, positions, self._errors)
                first += len(block)
            arrays = [_column([r[p] for r in block]) for p in positions]
            info.rows += len(block)
            yield pa.RecordBatch.from_arrays(arrays, names=columns)


def _put_errors(block: list[list], first: int, left: int, positions: list[int], errors: dict) -> None:
    """Write the error texts (``#N/A``) into the cells of ``block`` that calamine left empty."""
    for i, row in enumerate(block):
        for p in positions:
            text = errors.get((first + i, left + p))
            if text is not None:
                row[p] = text


def _column(cells: list) -> pa.Array:
    """One column of cells as text. A column of one cell type converts in Arrow (fast); a mixed one cell by cell."""
    cells = [None if c == "" else c for c in cells]
    try:
        typed = pa.array(cells)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([cell_text(c) for c in cells], type=pa.string())
    if pa.types.is_timestamp(typed.type):
        typed = typed.cast(pa.timestamp("s"), safe=False)  # whole seconds, as cell_text writes them
    return typed.cast(pa.string())
