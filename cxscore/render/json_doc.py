"""JSON on stdout: the public document (schema in the README) and the other commands' JSON."""
from __future__ import annotations

from dataclasses import replace
from collections.abc import Sequence
from typing import IO, Any

import msgspec

from ..model import Report
from ..row_table import RowColumns, blocks
from . import row_text
from .escaping import encodable

#: Result rows encoded per write of the compact document.
ROWS_PER_WRITE = 10_000


def render(report: Report, pretty: bool = True) -> str:
    """Indented for a person at a terminal; compact for pipes and files."""
    return dumps(report.to_dict(), pretty)


def write(report: Report, out: IO[str], pretty: bool = True, rows_per_write: int = ROWS_PER_WRITE) -> None:
    """The document written to ``out``. Compact output is streamed: result rows are encoded straight
    from the model, ``rows_per_write`` at a time, so a large breakdown never exists as dicts or as one
    string (300,000 rows: +582 MB → +37 MB peak, 5.5 → 3.1 s); rows made when read are written from
    their arrays (:mod:`cxscore.render.row_text`), never made. Same bytes as :func:`render`."""
    if pretty:
        out.write(render(report, pretty))
        return
    document = replace(report, results=[]).to_dict()
    keys = list(document)
    at = keys.index("results")
    put = row_text.utf8_writer(out)
    put(_encode({k: document[k] for k in keys[:at]})[:-1] + b',"results":[')
    first = True
    for block in blocks(report.results, rows_per_write):
        if isinstance(block, RowColumns):
            text = row_text.json_rows(block, b",", b"", _encode)
        else:
            text = b"," + _encode(block)[1:-1] if len(block) else b""
        if text:
            put(text[first:])
            first = False
    put(b"]," + _encode({k: document[k] for k in keys[at + 1 :]})[1:] + b"\n")


def write_lines(items: Sequence[Any], out: IO[str], rows_per_write: int = ROWS_PER_WRITE) -> None:
    """JSON Lines: each item (a result row, a comment, a benchmark) compact on its own line, exactly as
    it stands in the JSON document's list; nothing else. Streamed like the compact document."""
    encoder = msgspec.json.Encoder()
    put = row_text.utf8_writer(out)
    for block in blocks(items, rows_per_write):
        if isinstance(block, RowColumns):
            put(row_text.json_rows(block, b"", b"\n", _encode))
            continue
        try:
            lines = encoder.encode_lines(block)
        except UnicodeEncodeError:  # a file name with bytes that are not UTF-8: written escaped, as in the document
            lines = b"".join(_encode(item) + b"\n" for item in block)
        put(lines)


def _encode(data: Any) -> bytes:
    try:
        return msgspec.json.encode(data)
    except UnicodeEncodeError:  # a file name with bytes that are not UTF-8: written escaped, \xff
        return msgspec.json.encode(_encodable(msgspec.to_builtins(data)))


def dumps(data: Any, pretty: bool = True) -> str:
    """UTF-8 JSON text ending in a newline, keys in their order; indented unless ``pretty`` is false."""
    encoded = _encode(data)
    return (msgspec.json.format(encoded, indent=2) if pretty else encoded).decode("utf-8") + "\n"


def _encodable(data: Any) -> Any:
    """``data`` with every string (keys too) that holds an undecodable byte written escaped."""
    if isinstance(data, str):
        return encodable(data)
    if isinstance(data, dict):
        return {_encodable(k): _encodable(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_encodable(v) for v in data]
    return data
