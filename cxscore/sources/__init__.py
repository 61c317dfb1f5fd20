"""Opening inputs: paths, ``-`` for stdin, CSV/TSV text in any common encoding, Excel workbooks.

Every source offers the same three things: its column names, a sample of rows (for column
detection) and :meth:`Source.batches`, an iterator of Arrow record batches of string columns.
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pyarrow as pa
from typing import BinaryIO

from .. import limits
from ..errors import InputError
from .base import Source, is_excel_bytes
from .columnar import SUFFIXES as COLUMNAR_SUFFIXES, columnar_kind, not_columnar, open_columnar, suffix_mismatch
from .text import CsvSource

# The workbook and HTML readers (python-calamine, fastexcel's wrapper, zipfile, html.parser: ~30 ms) are
# imported where a file needs them, not by every run that reads a CSV file.

__all__ = ["Source", "open_source", "STDIN"]

STDIN = "-"
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def open_source(path: str | Source, *, encoding: str | None = None, sheet: str | None = None, stdin: BinaryIO | None = None) -> Source:
    """Open one input; raise :class:`InputError` with a fix when it cannot be read. A source already
    open (a table, :func:`cxscore.sources.table.open_inputs`) is returned as it is."""
    if isinstance(path, Source):
        return path
    if path == STDIN:
        if stdin is None and sys.stdin is None:
            raise InputError("standard input is closed, so - has nothing to read", "pipe an export into cxscore (cat export.csv | cxscore score -), or give a file path")
        return _open_stream(stdin if stdin is not None else sys.stdin.buffer, "<stdin>", encoding, sheet)
    file = Path(path)
    if not file.exists():
        raise InputError(f"input file not found: {path}", "check the path and the current directory")
    if file.is_dir():
        raise InputError(f"input is a directory: {path}", "give the export file(s) inside it")
    if not os.access(file, os.R_OK):
        raise InputError(f"input file is not readable: {path}", "check its permissions")
    if not file.is_file():  # a pipe, /dev/stdin, <(…): its size reads 0 and it can be read only once
        try:
            stream = file.open("rb")
        except OSError as exc:
            raise InputError(f"cannot open {path}: {exc.strerror or exc}", "check the path") from None
        return _open_stream(stream, path, encoding, sheet)
    if file.stat().st_size == 0:
        raise InputError(f"input file is empty: {path}", "export the survey again")
    with file.open("rb") as fh:
        head = fh.read(4096)
    suffix = file.suffix.lower()
    if kind := columnar_kind(head):
        source = open_columnar(file, path, kind, file.stat().st_size)
        if warning := suffix_mismatch(path, suffix, kind):
            source.warnings = [*source.warnings, warning]
        return source
    if suffix in COLUMNAR_SUFFIXES:
        from .html_table import looks_like_html

        raise not_columnar(path, suffix, "an Excel workbook" if is_excel_bytes(head) else "an HTML page" if looks_like_html(head) else "text (a CSV file?)" if _texty(head) else "other binary data")
    if file.suffix.lower() in EXCEL_SUFFIXES and not is_excel_bytes(head):
        from .html_table import check_not_spreadsheet_xml, looks_like_html

        if looks_like_html(head):
            return _html(file, path, encoding)
        check_not_spreadsheet_xml(head, path)
    if file.suffix.lower() in EXCEL_SUFFIXES or is_excel_bytes(head):
        from .excel import ExcelSource

        return ExcelSource(file, path, sheet=sheet)
    return CsvSource.from_path(file, encoding=encoding)


def _texty(head: bytes) -> bool:
    """Whether a file's first bytes look like text rather than binary data (for naming what a file holds)."""
    return bool(head) and sum(b < 9 or 13 < b < 32 for b in head[:1024]) <= len(head[:1024]) // 100


def _html(file: Path, path: str, encoding: str | None) -> Source:
    """An HTML page with an Excel name, read whole (it is held in memory): bounded like a workbook part."""
    size = file.stat().st_size
    cap = limits.get(limits.WORKBOOK_PART_MB) << 20
    if size > cap:
        raise InputError(f"{path} is an HTML page of {size >> 20:,} MiB saved with an Excel name, more than the {cap >> 20:,} MiB read whole", f"export the survey as CSV; {limits.raise_hint(limits.WORKBOOK_PART_MB)}")
    from .html_table import html_table_source

    return html_table_source(file.read_bytes(), path, encoding, size)


def _open_stream(stream: BinaryIO, name: str, encoding: str | None, sheet: str | None) -> Source:
    """A source read once, front to back: standard input or a pipe."""
    try:
        head = stream.read(8)
    except OSError as exc:  # `cxscore score - 0>file`: standard input open for writing only (EBADF)
        raise InputError(f"cannot read {name}: {exc.strerror or exc}", "pipe an export into cxscore (cat export.csv | cxscore score -), or give a file path") from None
    if is_excel_bytes(head):
        from .excel import ExcelSource

        return ExcelSource(io.BytesIO(head + stream.read()), name, sheet=sheet)
    if kind := columnar_kind(head):  # Parquet needs its footer first: held in memory, as a workbook is
        data = head + stream.read()
        return open_columnar(pa.BufferReader(data), name, kind, len(data))
    return CsvSource.from_stream(stream, head, name, encoding=encoding)
