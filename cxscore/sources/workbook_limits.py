"""Checking a zipped workbook (.xlsx, .xlsm, .xlsb, .ods) before the Excel reader loads it.

The reader (calamine) inflates whole parts into memory and allocates a sheet as one dense grid
from its top-left to its bottom-right cell, so a 5 KB file with one cell at ``XFD1`` and one at
``A1048576`` asks for 549 GB, and a zip bomb inflates without end. Here every part's uncompressed
size and compression ratio is checked, and the sheet to be read is inflated once, streaming, to
find its real extent (the largest row and column any cell or row names) — about 0.6 s for a
1M-row sheet, a few percent of reading it.
"""
from __future__ import annotations

import html
import re
import zipfile
import zlib
from typing import BinaryIO, Iterator, Optional, Union
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .. import limits
from ..errors import InputError

CHUNK = 4 << 20
#: Parts at most this large are never refused for their compression ratio (small XML compresses well).
RATIO_GRACE = 1 << 20
#: A declared extent ``<dimension ref="A1:XFD1048576"/>``.
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref\s*=\s*["\']([^"\']*)["\']')
#: A cell or row position, written in any way XML allows (``r="A1"``, ``r = 'a1'``, a tab before ``r``).
ANY_REF = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]*)(\d+)["\']')
#: The same in RE2 syntax for Arrow's linear-time engine (from the ``r``, which makes it fast; other
#: attributes ending in r only cost an exact parse), completed by a column and a row alternative.
RE2_REF = r"r\s*=\s*[\"'](?:(?:{columns})[0-9]|[A-Za-z]*0*(?:{rows})[\"'])"


def column_number(letters: bytes) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27 (case-insensitive, as the reader takes them)."""
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _greater_digits(n: int) -> str:
    """A regex for decimal numbers (without leading zeros) greater than ``n``."""
    text = str(n)
    k = len(text)
    alternatives = [rf"[1-9][0-9]{{{k},}}"]
    for i, digit in enumerate(text):
        if digit != "9":
            alternatives.append(rf"{text[:i]}[{int(digit) + 1}-9][0-9]{{{k - i - 1}}}")
    return "|".join(alternatives)


def _greater_letters(n: int) -> str:
    """A regex for column letters (either case) naming a column after column ``n``."""
    text = column_letters(n)
    k = len(text)
    alternatives = [rf"[A-Za-z]{{{k + 1},}}"]
    for i, letter in enumerate(text):
        if letter != "Z":
            following = chr(ord(letter) + 1)
            prefix = "".join(f"[{c}{c.lower()}]" for c in text[:i])
            alternatives.append(rf"{prefix}[{following}-Z{following.lower()}-z][A-Za-z]{{{k - i - 1}}}")
    return "|".join(alternatives)


class Extent:
    """The largest row and column any cell or row of a sheet's XML names, so far."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0

    def add_all(self, data: bytes) -> None:
        """Every position in ``data``, parsed one by one (exact; slower)."""
        for letters, digits in ANY_REF.findall(data):
            self.rows = max(self.rows, int(digits))
            if letters:
                self.columns = max(self.columns, column_number(letters))

    def add(self, data: bytes, end: int) -> None:
        """Take in ``data[:end]``, a piece of XML that ends between elements.

        Rows come in order in a real sheet, so the positions near the piece's end hold its
        largest row and column; one linear-time search (RE2, through Arrow) then confirms that no
        position in the piece lies beyond them. Only when one does is the piece parsed exactly.
        """
        before = (self.rows, self.columns)
        self.add_all(data[max(end - 4096, 0) : end])
        pattern = RE2_REF.format(columns=_greater_letters(self.columns), rows=_greater_digits(self.rows))
        piece = pa.Array.from_buffers(pa.binary(), 1, [None, pa.array([0, end], pa.int32()).buffers()[1], pa.py_buffer(data)])
        if pc.match_substring_regex(piece, pattern)[0].as_py():
            self.rows, self.columns = before
            self.add_all(data[:end])


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, part_cap: int, ratio_cap: int) -> Iterator[bytes]:
    """A part's bytes, in chunks, refused as soon as they pass the size or ratio limit.

    Inflated from the raw stream, so the count is what really comes out whatever the archive
    declares (and without a second checksum pass: the reader checks it).
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InputError(f"{name}: the workbook part {info.filename} uses an unusual compression method ({info.compress_type})", "open it in Excel and save it again as .xlsx, or export CSV")
    fh = archive.fp
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise InputError(f"{name}: the workbook is damaged (part {info.filename})", "open it in Excel and save it again as .xlsx, or export CSV")
    fh.seek(info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little"))
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    size = 0
    pending = b""
    while True:
        if not pending:
            if left <= 0:
                return
            pending = fh.read(min(left, CHUNK))
            if not pending:
                return
            left -= len(pending)
        if inflater is None:
            chunk, pending = pending, b""
        else:
            try:
                chunk = inflater.decompress(pending, CHUNK)
            except zlib.error:
                raise InputError(f"{name}: the workbook is damaged (part {info.filename} does not inflate)", "open it in Excel and save it again as .xlsx, or export CSV") from None
            pending = inflater.unconsumed_tail
            if inflater.eof:
                pending, left = b"", 0
        size += len(chunk)
        if size > part_cap:
            raise _too_big(name, info.filename, size, part_cap)
        if size > RATIO_GRACE and size > ratio_cap * max(info.compress_size, 1):
            raise _bomb(name, info.filename, ratio_cap)
        if chunk:
            yield chunk


def _too_big(name: str, part: str, size: int, cap: int) -> InputError:
    return InputError(
        f"{name}: the workbook part {part} inflates to more than {cap >> 20:,} MiB ({size >> 20:,} MiB so far); a real export never does",
        f"export the responses as CSV; {limits.raise_hint(limits.WORKBOOK_PART_MB)}",
    )


def _bomb(name: str, part: str, cap: int) -> InputError:
    return InputError(
        f"{name}: the workbook part {part} is compressed more than {cap}:1 (a zip bomb?); a real export never is",
        f"export the responses as CSV; {limits.raise_hint(limits.WORKBOOK_RATIO)}",
    )


def sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order, from workbook.xml and its relationships; [] when unclear."""
    try:
        workbook = archive.read("xl/workbook.xml")[: 8 << 20]
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 8 << 20]
    except (KeyError, zipfile.BadZipFile, OSError):
        return []
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = re.search(rb'\bId\s*=\s*["\']([^"\']*)', tag), re.search(rb'\bTarget\s*=\s*["\']([^"\']*)', tag)
        if rid and target:
            path = html.unescape(target[1].decode("utf-8", "replace"))
            targets[rid[1]] = path.lstrip("/") if path.startswith("/") else "xl/" + path
    parts = []
    for tag in re.findall(rb"<(?:\w+:)?sheet\b[^>]*>", workbook):
        sheet_name, rid = re.search(rb'\bname\s*=\s*["\']([^"\']*)', tag), re.search(rb'\b\w+:id\s*=\s*["\']([^"\']*)', tag)
        if not (sheet_name and rid and rid[1] in targets):
            return []
        parts.append((html.unescape(sheet_name[1].decode("utf-8", "replace")), targets[rid[1]]))
    return parts


def _parts_to_scan(archive: zipfile.ZipFile, sheet: Optional[str]) -> list[str]:
    """The worksheet part the reader will load for ``sheet`` (all worksheet parts when that is unclear)."""
    parts = sheet_parts(archive)
    chosen = None
    if parts:
        names = [n for n, _ in parts]
        if sheet is None:
            chosen = parts[0][1]
        elif sheet in names:
            chosen = parts[names.index(sheet)][1]
        elif sheet.isdigit() and 1 <= int(sheet) <= len(parts):
            chosen = parts[int(sheet) - 1][1]
        else:
            return []  # no such sheet: the reader says so without loading any
    listed = {info.filename for info in archive.infolist()}
    if chosen in listed:
        return [chosen]
    return sorted(n for n in listed if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def check_workbook(file: Union[Path, BinaryIO], name: str, sheet: Optional[str] = None) -> None:
    """Raise :class:`InputError` when a zipped workbook exceeds a limit (see :mod:`cxscore.limits`).

    Files that are not zip archives (legacy ``.xls`` is bounded by its format) are left to the reader.
    """
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    try:
        with archive:
            _check_archive(archive, name, sheet)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{name} is a damaged workbook (its zip archive: {exc})", "open it in Excel and save it again as .xlsx, or export CSV") from None


def _check_archive(archive: zipfile.ZipFile, name: str, sheet: Optional[str]) -> None:
    """Declared sizes first (free), then the parts the reader inflates on opening, then the sheet's extent."""
    part_cap = limits.get(limits.WORKBOOK_PART_MB) << 20
    ratio_cap = limits.get(limits.WORKBOOK_RATIO)
    cell_cap = limits.get(limits.SHEET_CELLS)
    for info in archive.infolist():
        if info.file_size > part_cap:
            raise _too_big(name, info.filename, info.file_size, part_cap)
        if info.file_size > RATIO_GRACE and info.file_size > ratio_cap * max(info.compress_size, 1):
            raise _bomb(name, info.filename, ratio_cap)
    for info in archive.infolist():  # what the reader inflates when it opens the workbook
        if info.filename.endswith((".xml", ".rels", ".bin")) and not info.filename.startswith("xl/worksheets/"):
            for _ in _inflate(archive, info, name, part_cap, ratio_cap):
                pass
    for part in _parts_to_scan(archive, sheet):
        extent, tail, declared = Extent(), b"", None
        for chunk in _inflate(archive, archive.getinfo(part), name, part_cap, ratio_cap):
            data = tail + chunk
            if declared is None:
                found = DIMENSION.search(data, 0, 1 << 16)
                declared = found[1].split(b":")[-1] if found else b""
                _check_extent(name, part, *_ref(declared), cell_cap, "declares")
            cut = data.rfind(b"<")
            cut = cut if cut > 0 else max(len(data) - 4096, 0)
            extent.add(data, cut)
            tail = data[cut:]
            _check_extent(name, part, extent.rows, extent.columns, cell_cap, "has cells up to")
        extent.add_all(tail)
        _check_extent(name, part, extent.rows, extent.columns, cell_cap, "has cells up to")


def _ref(ref: bytes) -> tuple[int, int]:
    found = re.fullmatch(rb"\$?([A-Za-z]*)\$?(\d*)", ref.strip())
    if not found:
        return 0, 0
    return int(found[2] or 0), column_number(found[1])


def _check_extent(name: str, part: str, rows: int, columns: int, cap: int, verb: str) -> None:
    if rows * columns > cap:
        where = f"{column_letters(columns)}{rows}"
        raise InputError(
            f"{name}: the sheet in {part} {verb} {where} — {columns:,} columns × {rows:,} rows = {rows * columns:,} cells, "
            f"more than the {cap:,} the reader may allocate (a crafted or corrupt workbook?)",
            f"delete the stray cells far from the data (Ctrl+End in Excel shows the last one) or export CSV; {limits.raise_hint(limits.SHEET_CELLS)}",
        )
