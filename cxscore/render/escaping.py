"""Text from the data made safe for each output: no escape sequence reaches a terminal, no formula
reaches a spreadsheet, no undecodable file-name byte breaks an encoder.

Values come from files written by others (segment values, column and file names, invalid answers,
benchmark sources). What is done where:

* terminal tables and Markdown: control characters (C0 but tab and newline, DEL, C1) are shown
  escaped, ``\\x1b``; ``\\r`` as ``\\r``;
* the workbook: the same escapes (XML cannot hold most control characters), and every string is a
  text cell, never a formula (see ``excel.py``);
* CSV: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'`` (OWASP's rule
  against CSV injection), unless raw CSV is asked for;
* everywhere: a file-name byte that was not UTF-8 (Python keeps it as a lone surrogate) is written
  as ``\\xff``, since no UTF-8 output can hold it.
"""
from __future__ import annotations

import re

#: Characters no person should receive raw: C0 controls except tab and newline, DEL, C1 controls, lone
#: surrogates, U+FFFE/U+FFFF (which XML cannot hold either: openpyxl would write a workbook Excel repairs),
#: bidi embeddings, overrides and isolates (a segment '\u202egnp.exe' shows as 'exe.png', "Trojan Source"),
#: and the zero-width space and no-break space (U+200B, U+FEFF: 'a\u200bb' looks like a second 'ab').
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069\u200b\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: The first characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code == 0x0D:
        return "\\r"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape (file names)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters and undecodable bytes shown escaped (``\\x1b``, ``\\xff``)."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def encodable(text: str) -> str:
    """``text`` with only undecodable bytes escaped: what any UTF-8 writer can take."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run: a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or CR."""
    text = encodable(text)
    return "'" + text if text.startswith(FORMULA_START) else text
