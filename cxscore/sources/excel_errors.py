"""Excel error cells (``#DIV/0!``, ``#N/A``, ``#REF!``…) of an .xlsx/.xlsm sheet.

calamine hands error cells over as empty, so a metric column of ``#N/A`` would count as skipped
questions, while the same text in a CSV is an invalid answer. Their positions and texts are read from
the sheet's XML: one pass over the part that looks for ``t="e"`` and parses only where it is found,
so a workbook without errors costs one decompression of the sheet.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from .workbook_limits import column_number, sheet_parts

CHUNK = 4 << 20
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>]*)>(.*?)</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")

#: (row, column), both from 0 as calamine counts them from A1 → the error text.
ErrorCells = dict[tuple[int, int], str]


def error_cells(file: Path | BinaryIO, sheet: str) -> ErrorCells:
    """The error cells of the named sheet of an .xlsx/.xlsm workbook; empty for other workbooks."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        return {}
    with archive:
        part = _sheet_part(archive, sheet)
        if part is None:
            return {}
        found: ErrorCells = {}
        carry = b""
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                data = carry + chunk
                end = data.rfind(b"</c>") + 4  # parse whole cells; the rest waits for the next chunk
                if end < 4:
                    carry = data
                    continue
                if b't="e"' in data[:end]:
                    _collect(data[:end], found)
                carry = data[end:]
        return found


def _collect(data: bytes, found: ErrorCells) -> None:
    for match in _ERROR_CELL.finditer(data):
        ref, value = _REF.search(match.group(1)), _VALUE.search(match.group(2))
        if ref and value and value.group(1) and not match.group(1).endswith(b"/"):
            found[(int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)] = value.group(1).decode("utf-8", "replace")


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member that holds the sheet named ``sheet``."""
    part = dict(sheet_parts(archive)).get(sheet)
    return part if part in archive.namelist() else None
