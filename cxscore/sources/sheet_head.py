"""A workbook holding only the first rows of a large .xlsx sheet, to choose the columns before the sheet is loaded.

fastexcel types and converts every column it loads; a 1M-row sheet's unneeded columns cost ~0.5 s
of the ~5 s load. Which columns a run needs is known only from the header and the sample rows
(the layout, the metrics found in the values). The safety check (:mod:`.workbook_limits`) has
already inflated the sheet's first chunk, so the sheet's XML is cut after its first rows and
closed, and put in a copy of the workbook with its other parts unchanged: that copy loads in a few
hundredths of a second, its rows are the sheet's first rows as the reader gives them, and the sheet
itself is then loaded once, with only the needed columns (:class:`.fast_excel.FastSheet`).
"""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from .workbook_limits import SheetScan

#: Sheets smaller than this are loaded whole: choosing columns first saves less than the extra load costs.
LARGE_SHEET = 32 << 20
SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b[^>]*?(/?)>")
ROOT = re.compile(rb"<(\w+:)?worksheet\b")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
#: A row's start tag and its position (``<row r="12" spans="1:9">``), or its end.
ROW = re.compile(rb"""<(?:\w+:)?row\b(?:[^>]*?\sr\s*=\s*["'](\d+)["'])?[^>]*?(/?)>|</(?:\w+:)?row>""")
#: A shared-strings table (or other part) larger than this share of the sheet is not read twice (the copy holds it too).
SHARED_STRINGS_SHARE = 8
SMALL_PART = 1 << 20
EMPTY_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'


def head_workbook(file: Path | BinaryIO, scan: SheetScan, rows: int) -> bytes | None:
    """The workbook with its sheet cut after the first ``rows`` sheet rows, as a zip archive's bytes;
    None when that would not pay or is not clear (a small sheet, rows out of order, fewer rows, a
    large shared-strings table)."""
    if not scan.head or scan.size < LARGE_SHEET:
        return None
    xml = cut_sheet(scan.head, rows)
    if xml is None:
        return None
    if not isinstance(file, Path):
        file.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(file) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        others = [i for i in archive.infolist() if i.filename != scan.part and not i.filename.startswith("xl/worksheets/")]
        if any(i.file_size > SMALL_PART and i.file_size * SHARED_STRINGS_SHARE > scan.size for i in others):  # shared strings (or anything) that large
            return None
        for info in archive.infolist():
            if info.filename == scan.part:
                copy.writestr(info.filename, xml)
            elif info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                copy.writestr(info.filename, EMPTY_SHEET)  # the other sheets are not loaded: not inflated for nothing
            else:
                copy.writestr(info.filename, archive.read(info))
    return out.getvalue()


def cut_sheet(head: bytes, rows: int) -> bytes | None:
    """The sheet XML in ``head`` (its first chunk) ended after sheet row ``rows``, its ``<dimension>``
    (the whole sheet's extent) left out; None unless the head's rows come in order and reach past
    ``rows`` (so the cut holds every cell of the first ``rows`` rows)."""
    root, data = ROOT.search(head), SHEET_DATA.search(head)
    if root is None or data is None or data[2] or (root[1] or b"") != (data[1] or b""):
        return None
    last = 0
    for found in ROW.finditer(head, data.end()):
        if found[0].startswith(b"</"):
            continue
        number = int(found[1]) if found[1] else last + 1  # a row without a position follows the one before
        if number <= last:
            return None
        if number > rows:
            prefix = (data[1] or b"").decode("ascii")
            end = f"</{prefix}sheetData></{prefix}worksheet>".encode("ascii")
            return DIMENSION.sub(b"", head[: data.end()]) + head[data.end() : found.start()] + end
        last = number
    return None
