"""JSON on stdout: the public document (schema in the README) and the other commands' JSON."""
from __future__ import annotations

from typing import Any

import msgspec

from ..model import Report
from .escaping import encodable


def render(report: Report, pretty: bool = True) -> str:
    """Indented for a person at a terminal; compact for pipes and files."""
    return dumps(report.to_dict(), pretty)


def dumps(data: Any, pretty: bool = True) -> str:
    """UTF-8 JSON text ending in a newline, keys in their order; indented unless ``pretty`` is false."""
    try:
        encoded = msgspec.json.encode(data)
    except UnicodeEncodeError:  # a file name with bytes that are not UTF-8: written escaped, \xff
        encoded = msgspec.json.encode(_encodable(data))
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
