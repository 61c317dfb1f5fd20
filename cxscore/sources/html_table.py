"""HTML saved with an Excel name: 问卷星 and older web exports write their ``.xls`` downloads as an
HTML table, which Excel opens without complaint but an Excel reader cannot. The first table is read
with the standard library's HTML parser and scored as the CSV it stands for.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from html.parser import HTMLParser

from ..errors import InputError
from ..records import InputInfo
from .encodings import Detected, choose_encoding, common_name, encoding_hint, guessed_warning, widened
from .text import CsvSource, sample_bytes

#: How an HTML document starts (after a byte-order mark and white space), looked for in its first KiB.
HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|table|style)\b", re.IGNORECASE | re.DOTALL)
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
#: Excel 2003's XML spreadsheet ("XML Spreadsheet 2003"), also saved as .xls.
SPREADSHEET_XML = b"urn:schemas-microsoft-com:office:spreadsheet"


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a file are an HTML document."""
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if b"\x00" in head[:64]:  # UTF-16
        head = head.replace(b"\x00", b"")
    return bool(HTML_START.match(head[:1024]))


def check_not_spreadsheet_xml(head: bytes, name: str) -> None:
    """Excel 2003 XML is not read: say what it is and how to convert it."""
    if head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<?xml") and SPREADSHEET_XML in head:
        raise InputError(f"{name} is an Excel 2003 XML spreadsheet, not a workbook cxscore can read", "open it in Excel and save it as .xlsx (or export CSV)")


class _FirstTable(HTMLParser):
    """The rows of the first table in a document, as lists of cell texts (``<br>`` as a line break)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._depth = 0  # tables open; only the first top-level table's own cells are read
        self._done = False
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag: str, attrs) -> None:
        if self._done:
            return
        if tag == "table":
            self._depth += 1
        elif self._depth == 1 and tag == "tr":
            self.rows.append([])
        elif self._depth == 1 and tag in ("td", "th") and self.rows:
            self._close_cell()
            self._cell = []
            self._span = _colspan(dict(attrs).get("colspan"))
        elif self._cell is not None and tag == "br":
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._done:
            return
        if tag in ("td", "th", "tr") and self._depth == 1:
            self._close_cell()
        elif tag == "table":
            if self._depth == 1:
                self._close_cell()
            self._depth -= 1
            self._done = self._depth == 0 and bool(self.rows)

    def handle_data(self, data: str) -> None:
        if self._cell is not None and self._depth == 1:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None:
            text = "\n".join(" ".join(line.split()) for line in "".join(self._cell).split("\n")).strip()
            self.rows[-1].extend([text] + [""] * (self._span - 1))
            self._cell = None


def _colspan(value: str | None) -> int:
    """The columns a cell spans: 1 unless a positive number, at most 1,000 (``²`` or 5,000 digits make no int)."""
    text = value or ""
    digits = text.lstrip("0")
    return min(int(digits[:5]), 1000) if digits.isdecimal() and text.isdecimal() else 1


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, Detected]:
    """The document as text and how its encoding was chosen: ``--encoding``; else its ``<meta charset>``
    (GB2312 and GBK widened to GB18030, which holds them) unless a byte-order mark speaks first or the
    bytes do not fit it; else the detection a CSV file gets (:func:`encodings.detect_encoding`)."""
    found = CHARSET.search(data[:4096]) if encoding is None and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
    if found:
        try:
            declared = widened(common_name(found[1].decode("ascii", "replace")))
            return data.decode(declared), Detected(declared, "its <meta charset>")
        except (LookupError, UnicodeDecodeError):
            pass  # a charset Python does not know, or the page says one thing and holds another: the bytes decide
    sample = data[: sample_bytes()]
    chosen = choose_encoding(sample, len(sample) == len(data), encoding)
    chosen = chosen._replace(name=widened(chosen.name))
    try:
        return data.decode(chosen.name), chosen
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: bytes at offset {exc.start} of the HTML page are not valid {chosen.name}", encoding_hint(chosen.name, sample)) from None


def html_table_source(data: bytes, name: str, encoding: str | None = None, size: int | None = None) -> CsvSource:
    """A source reading the first table of an HTML document (an ``.xls`` that is really a web page)."""
    text, used = _decode(data, encoding, name)
    parser = _FirstTable()
    parser.feed(text)
    parser.close()
    parser._close_cell()
    rows = [row for row in parser.rows if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError(f"{name} is an HTML page (saved with an Excel name) without a table of responses", "export the survey again as CSV or .xlsx")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    table = out.getvalue().encode("utf-8")
    sample = table[: sample_bytes()]
    info = InputInfo(path=name, format="html", bytes=size)
    source = CsvSource(lambda: io.BytesIO(table), sample, len(sample) == len(table), info, "utf-8")
    info.encoding_detected = encoding is None  # info.encoding stays utf-8: the table's text as re-encoded here
    info.encoding_reason = f"an HTML page saved as .{name.rsplit('.', 1)[-1]}, its text in {used.name} ({used.reason})"
    if used.guessed:
        source.doubts.append(guessed_warning(name, used))
    source.warnings.append(f"{name} is an HTML page saved with an Excel name (as 问卷星 and older exports do); its table was read as text")
    return source
