"""A workbook cell (as python-calamine or openpyxl give it) as the text a CSV export would hold."""
from __future__ import annotations

import datetime as dt


def cell_text(value) -> str | None:
    """A cell as the text a CSV export would hold (whole numbers without ``.0``, ISO dates)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return str(value)
