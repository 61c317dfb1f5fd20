"""The public JSON document (schema in the README)."""
from __future__ import annotations

import msgspec

from ..model import Report


def render(report: Report, pretty: bool = True) -> str:
    """Indented for a person at a terminal; compact for pipes and files. UTF-8 text, key order kept."""
    encoded = msgspec.json.encode(report.to_dict())
    return (msgspec.json.format(encoded, indent=2) if pretty else encoded).decode("utf-8") + "\n"
