"""The public JSON document (schema in the README)."""
from __future__ import annotations

import json

from ..model import Report


def render(report: Report, pretty: bool = True) -> str:
    """Indented for a person at a terminal; compact (and several times faster) for pipes and files."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2 if pretty else None, allow_nan=False) + "\n"
