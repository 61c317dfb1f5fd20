"""Excel workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) through python-calamine."""
from __future__ import annotations

import os
from itertools import islice
from pathlib import Path
from typing import BinaryIO
from collections.abc import Iterator

import pyarrow as pa
import python_calamine as calamine

from ..errors import ConfigError, InputError, param
from ..records import InputInfo
from .base import OLE_MAGIC, SAMPLE_ROWS, Source, is_excel_bytes as is_excel_bytes  # is_excel_bytes: where it was
from .cells import cell_text
from .excel_errors import error_cells
from .fast_excel import FastSheet, NotExact
from .layouts import detect_layout
from .sheet_head import head_workbook
from .text import EMPTY_ROWS
from .workbook_limits import SheetScan, check_workbook

BATCH_ROWS = 65_536
#: CXSCORE_EXCEL_READER=calamine reads every workbook with python-calamine (fastexcel is tried first otherwise).
READER_ENV = "CXSCORE_EXCEL_READER"
READERS = ("fastexcel", "calamine")


def excel_reader() -> str:
    """The reader asked for by ``CXSCORE_EXCEL_READER`` (default fastexcel, where it reads a sheet exactly)."""
    chosen = os.environ.get(READER_ENV, "").strip().lower() or READERS[0]
    if chosen not in READERS:
        raise ConfigError(f"{READER_ENV}={os.environ[READER_ENV]!r} is not a reader cxscore knows", f"set it to {' or '.join(READERS)}, or unset it")
    return chosen


class ExcelSource(Source):
    """One sheet of a workbook, with as many header rows as its export layout has.

    An .xlsx/.xlsm sheet is read through fastexcel (:mod:`.fast_excel`) where that gives exactly what
    calamine gives; otherwise, and for .xls, .xlsb and .ods, through python-calamine.
    """

    def __init__(self, file: Path | BinaryIO, name: str, sheet: str | None = None):
        size = file.stat().st_size if isinstance(file, Path) else None
        suffix = Path(name).suffix.lower().lstrip(".") or "xlsx"
        self.info = InputInfo(path=name, format=suffix, bytes=size)
        scan = check_workbook(file, name, sheet)
        self._file, self._sheet_arg = file, sheet
        self._fast: FastSheet | None = None
        self._names: list[str] = []  # the workbook's sheets
        self._later: tuple | None = None  # (reader, sheet index, the first rows' sheet) while the sheet waits to be loaded
        self.reader = "calamine"
        first = None
        if scan.kind == "xlsx" and not scan.bool_cells and excel_reader() == "fastexcel":
            first = self._open_fast(scan)
        if first is None:
            first = self._open_calamine()
        if not first or not any(first[0]):
            others = [n for n in self._names if n != self.info.sheet]
            listed = f" (the workbook's other sheets: {', '.join(map(repr, others[:10]))}{', …' if len(others) > 10 else ''})" if others else ""
            raise InputError(f"{name}: sheet {self.info.sheet!r} is empty", f"choose the sheet with the responses using {param('sheet')}{listed}")
        self.layout = detect_layout(first[:8])
        self.columns = self.layout.columns
        self.info.header_rows, self.info.layout = self.layout.header_rows, self.layout.name
        width = len(self.columns)
        self.sample = [[c or None for c in (row + [""] * width)[:width]] for row in first[self.layout.header_rows :]]
        if not self.sample:
            raise InputError(f"{name} has a header but no data rows (sheet {self.info.sheet!r})", "check that the export contains responses")

    def _open_fast(self, scan: SheetScan) -> list[list[str]] | None:
        """The first rows through fastexcel, or None when it cannot give them as calamine would.

        A large sheet's first rows come from a copy of the workbook cut after them (:mod:`.sheet_head`);
        the sheet itself is loaded when its columns are asked for, with only those columns."""
        try:
            import fastexcel  # imported here: only workbooks need it
        except ImportError:  # an environment installed before fastexcel became a dependency: calamine reads it alike
            return None
        file = self._file
        if not isinstance(file, Path):
            file.seek(0)
        try:
            reader = fastexcel.read_excel(str(file) if isinstance(file, Path) else file.read())
            names = reader.sheet_names
        except fastexcel.FastExcelError:
            return None  # calamine names the problem (password, damage)
        index = self._sheet_index(names, self._sheet_arg)
        count = SAMPLE_ROWS + 4
        head = head_workbook(file, scan, count)
        try:
            if head is not None:
                first_rows = FastSheet(fastexcel.read_excel(head), index, scan.header_non_text)
                if first_rows.data.num_rows >= count - 1:  # the cut holds them all (else the sheet is loaded whole)
                    self._later, self.reader, self.info.sheet = (reader, index, first_rows), "fastexcel", names[index]
                    return first_rows.first_rows(count)
            fast = FastSheet(reader, index, scan.header_non_text)
            first = fast.first_rows(count)
        except NotExact:
            return None
        self._fast, self.reader, self.info.sheet = fast, "fastexcel", names[index]
        return first

    def _load_fast(self, positions: list[int]) -> FastSheet:
        """The sheet with the columns at ``positions``: loaded whole when opened, else now, with only
        those columns (and any loaded before). Loaded now, its first rows must be those its cut copy
        gave (a cell of them written further on in the XML would make them differ)."""
        if self._later is None or (self._fast is not None and self._fast.has(positions)):
            assert self._fast is not None
            return self._fast
        reader, index, head = self._later
        use = set(positions) | (self._fast.has_columns() if self._fast is not None else set())
        self._fast = None  # the columns loaded before are loaded again with the new ones
        fast = FastSheet(reader, index, False, use=use, names=head.names)
        if fast.rows(head.data.num_rows) != [[row[p] for p in sorted(use)] for row in head.rows(head.data.num_rows)]:
            raise NotExact("the sheet's first rows hold cells written further on in it")
        self._fast = fast
        return fast

    def _open_calamine(self) -> list[list[str]]:
        file = self._file
        if not isinstance(file, Path):
            file.seek(0)
        try:
            workbook = calamine.CalamineWorkbook.from_path(str(file)) if isinstance(file, Path) else calamine.CalamineWorkbook.from_filelike(file)
        except calamine.CalamineError as exc:
            raise InputError(*self._why_unreadable(file, self.info.path, exc)) from None
        self._sheet = workbook.get_sheet_by_index(self._sheet_index(workbook.sheet_names, self._sheet_arg))
        self.info.sheet = self._sheet.name
        if not isinstance(file, Path):
            file.seek(0)
        self._errors = error_cells(file, self._sheet.name)  # calamine reads them as empty
        self._fast, self.reader = None, "calamine"
        return [[cell_text(c) or "" for c in row] for row in islice(self._sheet.iter_rows(), SAMPLE_ROWS + 4)]

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

    def _sheet_index(self, names: list[str], sheet: str | None) -> int:
        """The index of the sheet ``--sheet`` names (by name, or by number from 1); the first by default.
        The names are kept for messages."""
        self._names = names
        if sheet is None:
            return 0
        if sheet in names:
            return names.index(sheet)
        if sheet.isdigit() and 1 <= int(sheet) <= len(names):
            return int(sheet) - 1
        raise InputError(f"{self.info.path} has no sheet {sheet!r}; its sheets are: {', '.join(names)}", f"pass one of them (or its number, from 1) to {param('sheet')}")

    def parts(self, count: int, min_bytes: int = 0, block_bytes: int = 0) -> list:
        # calamine loads the whole sheet when it is opened (here, for the header and sample), so the
        # sheet is read in this process rather than loaded a second time in a worker.
        return [self]

    def _fullest(self) -> int:
        """The position of the column with the fewest blank cells in the sample (the first of equals)."""
        return min(range(len(self.columns)), key=lambda i: sum(row[i] is None for row in self.sample))

    def batches(self, columns: list[str], info: InputInfo | None = None, progress=None, types=None) -> Iterator[pa.RecordBatch]:
        info = info or self.info
        positions = [self.columns.index(c) for c in columns]  # calamine rows all span the sheet's width
        if self._fast is not None or self._later is not None:
            try:
                # A large sheet loads only the columns read, and the one most often filled in its sample, which
                # tells most empty rows apart from rows blank in the columns read without loading the others.
                fast = self._load_fast(positions if self._later is None else sorted({*positions, self._fullest()}))
                first = self.layout.header_rows - 1
                empty = fast.empty_rows(first)
                if empty is not None and self._later is not None:  # blank in the columns loaded: are the others too?
                    fast = self._load_fast(sorted(self._later[2].has_columns()))
                    empty = fast.empty_rows(first)
                arrays = [fast.column(p, first, (types or {}).get(c)) for p, c in zip(positions, columns)]
            except NotExact:
                self._fast = self._later = None
                self._open_calamine()  # the sample and layout are the same: only the columns needed differ
            else:
                rows = fast.data.num_rows - first
                if empty is not None:
                    kept = pa.array(~empty)
                    arrays = [a.filter(kept) for a in arrays]
                    _count_empty(info, int(empty.sum()))
                    rows -= int(empty.sum())
                yield from _slices(arrays, columns, rows, info)
                return
        rows = islice(self._sheet.iter_rows(), self.layout.header_rows, None)
        left = (self._sheet.start or (0, 0))[1] if self._errors else 0  # calamine's rows start at row 1, its columns at the first used one
        with_errors = {row for row, _ in self._errors}
        first = self.layout.header_rows  # the sheet row (from 0) of the block's first row
        while True:
            block = list(islice(rows, BATCH_ROWS))
            if not block:
                return
            empty = [i for i, row in enumerate(block) if _is_empty(row) and first + i not in with_errors]
            if self._errors:
                _put_errors(block, first, left, positions, self._errors)
            first += len(block)
            if empty:
                _count_empty(info, len(empty))
                gone = set(empty)
                block = [row for i, row in enumerate(block) if i not in gone]
            arrays = [_column([r[p] for r in block]) for p in positions]
            info.rows += len(block)
            yield pa.RecordBatch.from_arrays(arrays, names=columns)


def _is_empty(row: list) -> bool:
    """Whether a sheet row holds nothing: blank cells, or only spaces and tabs (as a CSV record of only delimiters)."""
    for cell in row:
        if cell != "" and cell is not None and not (isinstance(cell, str) and not cell.strip(" \t")):
            return False
    return True


def _count_empty(info: InputInfo, rows: int) -> None:
    """Rows of a sheet with nothing in them, between its responses: no responses, left out and counted as a
    CSV file's records of only delimiters are (a sheet ends at its last value, so none follow the last response)."""
    info.rows += rows
    info.excluded[EMPTY_ROWS] = info.excluded.get(EMPTY_ROWS, 0) + rows


def _slices(arrays: list[pa.Array], columns: list[str], rows: int, info: InputInfo) -> Iterator[pa.RecordBatch]:
    """Whole columns (of ``rows`` rows) as record batches of ``BATCH_ROWS`` rows, as calamine's rows are handed on."""
    for start in range(0, rows, BATCH_ROWS):
        info.rows += min(BATCH_ROWS, rows - start)
        yield pa.RecordBatch.from_arrays([a.slice(start, BATCH_ROWS) for a in arrays], names=columns)


def _put_errors(block: list[list], first: int, left: int, positions: list[int], errors: dict) -> None:
    """Write the error texts (``#N/A``) into the cells of ``block`` that calamine left empty."""
    for i, row in enumerate(block):
        for p in positions:
            text = errors.get((first + i, left + p))
            if text is not None:
                row[p] = text


def _column(cells: list) -> pa.Array:
    """One column of cells as text. A column of one cell type converts in Arrow (fast); a mixed one cell by cell
    (Arrow would take dates and times together as dates, and TRUE among numbers as 1)."""
    cells = [None if c == "" else c for c in cells]
    if len({type(c) for c in cells if c is not None}) > 1:
        return pa.array([cell_text(c) for c in cells], type=pa.string())
    try:
        typed = pa.array(cells)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([cell_text(c) for c in cells], type=pa.string())
    if pa.types.is_timestamp(typed.type):
        typed = typed.cast(pa.timestamp("s"), safe=False)  # whole seconds, as cell_text writes them
    return typed.cast(pa.string())
