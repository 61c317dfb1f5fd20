"""JSON on stdout: the public document (schema in the README) and the other commands' JSON."""
from __future__ import annotations

from typing import Any

import msgspec

from ..model import Report


def render(report: Report, pretty: bool = True) -> str:
    """Indented for a person at a terminal; compact for pipes and files."""
    return dumps(report.to_dict(), pretty)


def dumps(data: Any, pretty: bool = True) -> str:
    """UTF-8 JSON text ending in a newline, keys in their order; indented unless ``pretty`` is false."""
    encoded = msgspec.json.encode(data)
    return (msgspec.json.format(encoded, indent=2) if pretty else encoded).decode("utf-8") + "\n"
