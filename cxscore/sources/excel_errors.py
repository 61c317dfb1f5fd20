"""Excel error cells (``#DIV/0!``, ``#N/A``, ``#REF!``…) of an .xlsx/.xlsm sheet.

calamine hands error cells over as empty, so a metric column of ``#N/A`` would count as skipped
questions, while the same text in a CSV is an invalid answer. Their positions and texts are read from
the sheet's XML: one pass over the part that looks for ``t="e"`` and parses only where it is found,
so a workbook without errors costs one decompression of the sheet.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Union

CHUNK = 4 << 20
_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>]*)>(.*?)</c>', re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"|<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_RELATION = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"|<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')

#: (row, column), both from 0 as calamine counts them from A1 → the error text.
ErrorCells = dict[tuple[int, int], str]


def error_cells(file: Union[Path, BinaryIO], sheet: str) -> ErrorCells:
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
            found[(int(ref.group(2)) - 1, _column_index(ref.group(1)))] = value.group(1).decode("utf-8", "replace")


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _sheet_part(archive: zipfile.ZipFile, sheet: str):
    """The zip member that holds the sheet named ``sheet`` (workbook.xml names it, its rels file places it)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    ids = {}
    for m in _SHEET.finditer(workbook):
        name, rid = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        ids[_unescape(name)] = rid
    targets = {}
    for m in _RELATION.finditer(relations):
        rid, target = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        targets[rid] = target.decode()
    target = targets.get(ids.get(sheet, b""))
    if target is None:
        return None
    path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return path if path in archive.namelist() else None


def _unescape(name: bytes) -> str:
    text = name.decode("utf-8", "replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text
