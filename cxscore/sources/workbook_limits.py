"""Checking a zipped workbook (.xlsx, .xlsm, .xlsb, .ods) before the Excel reader loads it.

The reader (calamine) inflates whole parts into memory and allocates a sheet as one dense grid
from its top-left to its bottom-right cell, so a 5 KB file with one cell at ``XFD1`` and one at
``A1048576`` asks for 549 GB, and a zip bomb inflates without end. Here every part's uncompressed
size and compression ratio is checked, and the sheet to be read is inflated once, streaming, to
find its real extent (the largest row and column any cell or row names) — about 0.6 s for a
1M-row sheet, a few percent of reading it. An .ods names no positions: its rows and cells repeat
(``number-rows-repeated``, ``number-columns-repeated``), and the reader loads every table when it
opens the file, so each table's grid is computed from the repeats of the rows and cells that hold
a value (the empty ones LibreOffice writes out to row 1,048,576 are not allocated, and not counted).
"""
from __future__ import annotations

import html
from dataclasses import dataclass
import re
import zipfile
import zlib
from itertools import repeat
from typing import Any, BinaryIO
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
from ..lazy_import import pc

from .. import limits
from ..errors import InputError

CHUNK = 4 << 20
#: Compressed bytes read at a time. Reading CHUNK at a time, ISA-L inflated it whole (~36 MiB of a
#: sheet's XML) and held back what passed CHUNK in buffers it kept reallocating: ~64,000 page faults
#: in a fresh process, 0.2 s of system time for a 1M-row sheet. 512 KiB inflates to a little more than
#: CHUNK: ~19,000 faults, most of them the imports' (256 KiB pieces, whose output varies in size, made 128,000).
READ = 512 << 10
#: Parts at most this large are never refused for their compression ratio (small XML compresses well).
RATIO_GRACE = 1 << 20
#: A declared extent ``<dimension ref="A1:XFD1048576"/>``.
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s[^>]*?\bref\s*=\s*["\']([^"\']*)["\']')
#: A cell or row position, written in any way XML allows (``r="A1"``, ``r = 'a1'``, a tab before ``r``).
ANY_REF = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]*)(\d+)["\']')
#: The same in RE2 syntax for Arrow's linear-time engine (from the ``r``, which makes it fast; other
#: attributes ending in r only cost an exact parse), completed by a column and a row alternative.
RE2_REF = r"r\s*=\s*[\"'](?:(?:{columns})[0-9]|[A-Za-z]*0*(?:{rows})[\"'])"
#: The start of a table or of a row in an .ods ``content.xml`` (the reader matches these prefixed names literally).
ODS_TAG = re.compile(rb"<table:table(-row)?(?=[\s/>])")
#: A start tag's attributes and its end (a ``>`` in a quoted value does not end it); group 1 is ``/`` for an empty element.
ATTRIBUTES = re.compile(rb"""(?:\s*[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
ROWS_REPEATED = re.compile(rb"""\stable:number-rows-repeated\s*=\s*(?:"([^"]*)"|'([^']*)')""")
COLUMNS_REPEATED = re.compile(rb"""table:number-columns-repeated\s*=\s*(?:"([^"]*)"|'([^']*)')""")
#: Text in an element: a ``>`` followed by something other than a tag or blanks.
TEXT = re.compile(rb">\s*[^\s<]")
TABLE_NAME = re.compile(rb"""\stable:name\s*=\s*["']([^"']*)""")
TABLE_START = re.compile(rb"<table:table(?=[\s/>])")
#: A cell without a value type and without content (``<table:table-cell table:number-columns-repeated="1018"/>``) ending a row.
EMPTY_CELL = re.compile(rb"""<table:table-cell(?:\s+(?!office:value-type)[^\s=/>"']+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*/>\s*""")
CELL, COVERED, ROW_END = b"<table:table-cell", b"<table:covered-table-cell", b"</table:table-row"
#: A start tag is never this long in a real file; a longer one is refused rather than buffered.
LONGEST_TAG = 1 << 20
#: A boolean cell of an .xlsx sheet (``<c r="B2" t="b">``), in RE2 syntax; first the end of such a value
#: (``b"`` before a blank, ``/`` or ``>``), which starts with a letter rare in sheet XML and so takes
#: ~0.03 s for a 1M-row sheet where the full pattern takes ~0.25 s; only a piece it matches is searched in full.
RE2_BOOL_END = r"b[\"'][\s/>]"
RE2_BOOL = r"t\s*=\s*[\"']b[\"']"
#: The same in Python's syntax, for short pieces (a call into Arrow costs more than searching a few KiB here).
BOOL = re.compile(rb"""t\s*=\s*["']b["']""")
#: The first ``<row>`` element of a sheet and the cells in it (for what its header cells hold).
FIRST_ROW = re.compile(rb"<(?:\w+:)?row\b.*?</(?:\w+:)?row>", re.S)
ROW_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
CELL_TYPE = re.compile(rb"""\bt\s*=\s*["']([^"']*)["']""")
#: Cell types that hold text (shared, formula result, inline) or an error, which both readers give as text or blank.
TEXT_TYPES = {b"s", b"str", b"inlineStr", b"e"}


@dataclass
class SheetScan:
    """What checking a workbook saw of it, for choosing its reader (:mod:`cxscore.sources.fast_excel`)."""

    kind: str = ""  # xlsx (sheets as XML), xlsb, ods, or "" (not a zip archive)
    bool_cells: bool = False  # a scanned sheet holds a TRUE/FALSE cell
    header_non_text: bool = False  # the first row of a scanned sheet holds a value that is neither text nor an error (a number, date or boolean)
    part: str = ""  # the worksheet part of the sheet to be read (xlsx, when the workbook names it)
    head: bytes = b""  # that part's first inflated 4 MiB or more (its first rows: :mod:`cxscore.sources.sheet_head`)
    size: int = 0  # that part's inflated size


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
        self.bools = False  # a TRUE/FALSE cell was seen

    def add_all(self, data: bytes) -> None:
        """Every position in ``data``, parsed one by one (exact; slower)."""
        self.bools = self.bools or BOOL.search(data) is not None
        for letters, digits in ANY_REF.findall(data):
            self.rows = max(self.rows, int(digits))
            if letters:
                self.columns = max(self.columns, column_number(letters))

    def add(self, data: bytes, start: int, end: int) -> None:
        """Take in ``data[start:end]``, a piece of XML that starts and ends between elements.

        Rows come in order in a real sheet, so the positions near the piece's end hold its
        largest row and column; one linear-time search (RE2, through Arrow) then confirms that no
        position in the piece lies beyond them. Only when one does is the piece parsed exactly.
        """
        before = (self.rows, self.columns)
        self.add_all(data[max(end - 4096, start) : end])
        pattern = RE2_REF.format(columns=_greater_letters(self.columns), rows=_greater_digits(self.rows))
        self.bools = self.bools or (_matches(data, start, end, RE2_BOOL_END) and _matches(data, start, end, RE2_BOOL))
        if _matches(data, start, end, pattern):
            self.rows, self.columns = before
            self.add_all(data[start:end])


def _matches(data: bytes, start: int, end: int, pattern: str) -> bool:
    """Whether the RE2 ``pattern`` matches somewhere in ``data[start:end]`` (in linear time, without copying it)."""
    piece = pa.Array.from_buffers(pa.binary(), 1, [None, pa.array([start, end], pa.int32()).buffers()[1], pa.py_buffer(data)])
    return bool(pc.match_substring_regex(piece, pattern)[0].as_py())


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, part_cap: int, ratio_cap: int) -> Iterator[bytes]:
    """A part's bytes, in chunks, refused as soon as they pass the size or ratio limit.

    Inflated from the raw stream, so the count is what really comes out whatever the archive
    declares (and without a second checksum pass: the reader checks it).
    """
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InputError(f"{name}: the workbook part {info.filename} uses an unusual compression method ({info.compress_type})", "open it in Excel and save it again as .xlsx, or export CSV")
    fh = archive.fp
    assert fh is not None, "the archive is open"
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise InputError(f"{name}: the workbook is damaged (part {info.filename})", "open it in Excel and save it again as .xlsx, or export CSV")
    fh.seek(info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little"))
    left = info.compress_size
    inflater, damaged = _inflater() if info.compress_type == zipfile.ZIP_DEFLATED else (None, zlib.error)
    size = 0
    pending = b""
    while True:
        if not pending and left > 0:
            pending = fh.read(min(left, READ))
            left = left - len(pending) if pending else 0
        if inflater is None:
            if not pending:
                return
            chunk, pending = pending, b""
        else:
            if inflater.eof:
                return
            try:
                chunk = inflater.decompress(pending, CHUNK)
            except damaged:
                raise InputError(f"{name}: the workbook is damaged (part {info.filename} does not inflate)", "open it in Excel and save it again as .xlsx, or export CSV") from None
            pending = inflater.unconsumed_tail  # isal takes all the input and holds back the output past CHUNK instead
            if not (chunk or pending or left > 0 or inflater.eof):
                return  # the input is spent and nothing is held back (a truncated part ends so too)
        size += len(chunk)
        _check_size(name, info, size, part_cap, ratio_cap)
        if chunk:
            yield chunk


def _inflater() -> tuple[Any, Any]:  # isal's stubs type its error class as an instance
    """A raw-deflate inflater and the error it raises for a stream that does not inflate: ISA-L's
    (python-isal), which inflates a sheet in half zlib's time (a 1M-row, 434 MiB sheet: 0.31 s
    against 0.60 s CPU), or zlib's where isal is not installed."""
    try:
        from isal import isal_zlib
    except ImportError:  # an environment installed before isal became a dependency
        return zlib.decompressobj(-15), zlib.error
    return isal_zlib.decompressobj(-15), isal_zlib.error


def _check_size(name: str, info: zipfile.ZipInfo, size: int, part_cap: int, ratio_cap: int) -> None:
    """Refuse a part of ``size`` uncompressed bytes (as declared, or inflated so far) beyond the size or ratio limit."""
    if size > part_cap:
        raise InputError(
            f"{name}: the workbook part {info.filename} inflates to more than {part_cap >> 20:,} MiB ({size >> 20:,} MiB so far); a real export never does",
            f"export the responses as CSV; {limits.raise_hint(limits.WORKBOOK_PART_MB)}",
        )
    if size > RATIO_GRACE and size > ratio_cap * max(info.compress_size, 1):
        raise InputError(
            f"{name}: the workbook part {info.filename} is compressed more than {ratio_cap}:1 (a zip bomb?); a real export never is",
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


def _parts_to_scan(archive: zipfile.ZipFile, sheet: str | None) -> list[str]:
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


def check_workbook(file: Path | BinaryIO, name: str, sheet: str | None = None) -> SheetScan:
    """Raise :class:`InputError` when a zipped workbook exceeds a limit (see :mod:`cxscore.limits`);
    return what the scan saw of it.

    Files that are not zip archives (legacy ``.xls`` is bounded by its format) are left to the reader.
    """
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        return SheetScan()
    try:
        with archive:
            return _check_archive(archive, name, sheet)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{name} is a damaged workbook (its zip archive: {exc})", "open it in Excel and save it again as .xlsx, or export CSV") from None


def _check_archive(archive: zipfile.ZipFile, name: str, sheet: str | None) -> SheetScan:
    """Declared sizes first (free), then the parts the reader inflates on opening, then the sheet's extent."""
    part_cap = limits.get(limits.WORKBOOK_PART_MB) << 20
    ratio_cap = limits.get(limits.WORKBOOK_RATIO)
    cell_cap = limits.get(limits.SHEET_CELLS)
    for info in archive.infolist():
        _check_size(name, info, info.file_size, part_cap, ratio_cap)
    ods = "content.xml" in archive.NameToInfo
    for info in archive.infolist():  # what the reader inflates when it opens the workbook
        if info.filename.endswith((".xml", ".rels", ".bin")) and not info.filename.startswith("xl/worksheets/") and not (ods and info.filename == "content.xml"):
            for _ in _inflate(archive, info, name, part_cap, ratio_cap):
                pass
    scan = SheetScan(kind="ods" if ods else "xlsb" if "xl/workbook.bin" in archive.NameToInfo else "xlsx")
    if ods:
        _check_ods(archive, name, part_cap, ratio_cap, cell_cap)
    parts = _parts_to_scan(archive, sheet)
    for part in parts:
        extent, tail, declared = Extent(), b"", None
        for chunk in _inflate(archive, archive.getinfo(part), name, part_cap, ratio_cap):
            if len(parts) == 1 and scan.kind == "xlsx" and len(scan.head) < CHUNK:
                scan.part, scan.head = part, scan.head + chunk
            if declared is None:
                found = DIMENSION.search(chunk, 0, 1 << 16)
                declared = found[1].split(b":")[-1] if found else b""
                _check_extent(name, part, *_ref(declared), cell_cap, "declares")
                scan.header_non_text |= _header_non_text(chunk)
            tail = _add_chunk(extent, tail, chunk)
            _check_extent(name, part, extent.rows, extent.columns, cell_cap, "has cells up to")
            scan.size += len(chunk)
        extent.add_all(tail)
        _check_extent(name, part, extent.rows, extent.columns, cell_cap, "has cells up to")
        scan.bool_cells = scan.bool_cells or extent.bools
    return scan


def _add_chunk(extent: Extent, tail: bytes, chunk: bytes) -> bytes:
    """Take the XML of ``tail + chunk`` into ``extent`` up to its last ``<`` (where an element may
    be cut), and return the rest. The chunk is searched where it lies, without joining it to the
    tail (a 4 MiB copy per chunk, 0.1 s for a 1M-row sheet): first the seam, the tail and the
    chunk up to its first ``<``, then the chunk from there to its last ``<``."""
    first, last = chunk.find(b"<"), chunk.rfind(b"<")
    if first < 0:  # no element starts in the chunk: cut it where a position is not cut, as ever
        data = tail + chunk
        cut = max(len(data) - 4096, 0)
        extent.add(data, 0, cut)
        return data[cut:]
    seam = tail + chunk[:first]
    if len(seam) > 4096:
        extent.add(seam, 0, len(seam))
    else:
        extent.add_all(seam)  # usually a few bytes: parsed exactly
    extent.add(chunk, first, last)
    return chunk[last:]


def _header_non_text(data: bytes) -> bool:
    """Whether the sheet's first row (in ``data``, its first chunk) holds a number, date or boolean.
    An unclear start (no whole first row in the chunk) counts as holding one."""
    row = FIRST_ROW.search(data)
    if row is None:
        return b"<sheetData/>" not in data and b"<sheetData />" not in data
    for attributes, content in ROW_CELL.findall(row[0]):
        kind = CELL_TYPE.search(attributes)
        if content and b"<" in content and (kind is None or kind[1] not in TEXT_TYPES):
            return True
    return False


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


def _repeats(found: re.Match | None) -> int:
    """A ``number-…-repeated`` value (1 when absent; the reader refuses a value that is not a number)."""
    if found is None:
        return 1
    text = html.unescape((found[1] or found[2] or b"").decode("ascii", "replace")).strip().lstrip("+")
    return max(int(text), 1) if text.isdigit() else 1


def _columns(buf: bytes | bytearray, start: int, end: int) -> int:
    """Columns the cells starting in ``buf[start:end]`` span."""
    cells = buf.count(CELL, start, end) + buf.count(COVERED, start, end)
    if buf.find(b"number-columns-repeated", start, end) < 0:
        return cells
    return cells + sum(_repeats(found) - 1 for found in COLUMNS_REPEATED.finditer(buf, start, end))


def _last_value(buf: bytes | bytearray, start: int, end: int) -> int:
    """The column (from ``start``) where the last cell in ``buf[start:end]`` holding a value ends, 0 for none.

    Walks back from the end over the empty cells a row ends with (usually one, repeated).
    """
    while True:
        cell = max(buf.rfind(CELL, start, end), buf.rfind(COVERED, start, end))
        if cell < 0:
            return 0
        tag = ATTRIBUTES.match(buf, cell + (len(COVERED) if buf.startswith(COVERED, cell) else len(CELL)), end)
        tag_end = tag.end() if tag else end
        if tag is None or buf.find(b"office:value-type", cell, tag_end) >= 0 or (not tag[1] and TEXT.search(buf, tag_end - 1, end)):
            return _columns(buf, start, tag_end)
        end = cell


class OdsExtent:
    """The grid the reader allocates for a table: rows down to the last one with a value × columns out to the last value of any row."""

    def __init__(self, name: str, cap: int) -> None:
        self.name, self.cap = name, cap
        self.new_table(b"")

    def new_table(self, tag: bytes) -> None:
        found = TABLE_NAME.search(tag)
        self.table = html.unescape(found[1].decode("utf-8", "replace")) if found else "?"
        self.rows = self.filled_rows = self.columns = 0

    def add_row(self, repeats: int, last_column: int) -> None:
        self.rows += repeats
        if last_column:
            self.filled(self.rows, last_column)

    def filled(self, rows: int, columns: int) -> None:
        """Values reach down to row ``rows`` and out to column ``columns``."""
        self.filled_rows, self.columns = rows, max(self.columns, columns)
        _check_extent(self.name, f"content.xml (table {self.table!r})", self.filled_rows, self.columns, self.cap, "has values up to")


def _rows_at_once(buf: bytearray, pos: int, extent: OdsExtent) -> int:
    """Take the complete rows from ``pos`` on together, with string methods run over all rows at once.

    Returns where they end, or ``pos`` when they hold a table's start, repeated rows or covered cells
    (then they are taken one by one). A row's cell count, less an empty cell ending it, bounds its last
    value's column; only rows whose bound passes the widest row so far (and the last row with a
    value) are looked at one by one.
    """
    end = buf.rfind(ROW_END, pos)
    if end < 0:
        return pos
    with memoryview(buf) as view:
        region = bytes(view[pos:end])  # one copy (slicing the bytearray would make two)
    if TABLE_START.search(region) or b"number-rows-repeated" in region or COVERED in region:
        return pos
    rows = region.split(ROW_END)
    if region.count(b"<table:table-row") != len(rows):  # one start each (a row group's or a self-closing row's start would add one)
        return pos
    counts = list(map(bytes.count, rows, repeat(CELL)))
    lasts = list(map(bytes.rfind, rows, repeat(CELL)))
    repeated = list(map(bytes.find, rows, repeat(b"number-columns-repeated")))
    empty_ends = list(map(EMPTY_CELL.fullmatch, rows, lasts))
    bounds = [count - (empty is not None) if at < 0 or (at > last and empty is not None) else 1 << 62
              for count, last, at, empty in zip(counts, lasts, repeated, empty_ends)]
    last_filled = next((i for i in range(len(rows) - 1, -1, -1) if _last_value(rows[i], 0, len(rows[i]))), -1)
    above = extent.rows
    extent.rows += len(rows)
    if last_filled >= 0:
        widest = max((_last_value(rows[i], 0, len(rows[i])) for i in range(last_filled + 1) if bounds[i] > extent.columns), default=0)
        extent.filled(above + last_filled + 1, widest)
    return end + len(ROW_END)


def _check_ods(archive: zipfile.ZipFile, name: str, part_cap: int, ratio_cap: int, cell_cap: int) -> None:
    """Every table's grid in an .ods, from one streaming pass over ``content.xml``.

    Rows are taken whole; a row longer than what is buffered is taken up to its last complete
    cell, so memory stays near one chunk. Every byte is searched a bounded number of times.
    """
    extent = OdsExtent(name, cell_cap)
    buf = bytearray()
    row: list[int] | None = None  # repeats, columns so far, last column with a value — while its end is not yet read
    scanned = 0  # bytes at the start of buf (from the open row's first unread byte) known to hold no row end
    for chunk in _inflate(archive, archive.getinfo("content.xml"), name, part_cap, ratio_cap):
        buf += chunk
        pos, at_once = 0, True
        while True:
            if row is None and at_once:
                pos, at_once = _rows_at_once(buf, pos, extent), False
            if row is not None:
                end = buf.find(ROW_END, pos + scanned)
                if end < 0:
                    cut = max(buf.rfind(CELL, pos + scanned), buf.rfind(COVERED, pos + scanned))
                    if cut > pos:
                        last = _last_value(buf, pos, cut)
                        row[2] = row[1] + last if last else row[2]
                        row[1] += _columns(buf, pos, cut)
                        pos = cut
                    scanned = max(len(buf) - pos - 64, 0)
                    break
                last = _last_value(buf, pos, end)
                extent.add_row(row[0], row[1] + last if last else row[2])
                row, scanned, pos = None, 0, end + len(ROW_END)
                continue
            found = ODS_TAG.search(buf, pos)
            if found is None:
                pos = max(buf.rfind(b"<", pos), len(buf) - 64, pos)
                break
            tag = ATTRIBUTES.match(buf, found.end())
            if tag is None:
                if len(buf) - found.start() > LONGEST_TAG:
                    raise _damaged_ods(name)
                pos = found.start()  # cut by the chunk's end, or malformed
                break
            if found[1] is None:
                extent.new_table(bytes(buf[found.start() : tag.end()]))
            elif tag[1]:
                extent.add_row(_repeats(ROWS_REPEATED.search(buf, found.start(), tag.end())), 0)
            else:
                row = [_repeats(ROWS_REPEATED.search(buf, found.start(), tag.end())), 0, 0]
            pos = tag.end()
        del buf[:pos]
    found = ODS_TAG.search(buf)
    if found and not ATTRIBUTES.match(buf, found.end()):
        raise _damaged_ods(name)


def _damaged_ods(name: str) -> InputError:
    return InputError(f"{name}: the workbook is damaged (content.xml has a malformed or endless tag)", "open it in LibreOffice and save it again, or export CSV")
