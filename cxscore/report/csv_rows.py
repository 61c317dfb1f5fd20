"""Tidy CSV: one row per metric × segment × period, full precision."""
from __future__ import annotations

import csv
import io

from ..metrics import COMPONENTS
from ..model import Report

FIXED = ["metric", "type", "column", "period", "n", "blank", "invalid", "value"]
COMPONENT_COLUMNS = list(dict.fromkeys(c for names in COMPONENTS.values() for c in names))


def render(report: Report) -> str:
    segment_keys = list(dict.fromkeys(k for row in report.results for k in row.segment))
    columns = {m.name: m.column for m in report.metrics}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIXED[:3] + segment_keys + FIXED[3:] + COMPONENT_COLUMNS)
    for row in report.results:
        segment = [row.segment.get(k, "") for k in segment_keys]
        values = [row.period or "", row.n, row.blank, row.invalid, "" if row.value is None else repr(row.value)]
        components = ["" if row.components.get(c) is None else repr(row.components[c]) for c in COMPONENT_COLUMNS]
        writer.writerow([row.metric, row.type, columns[row.metric]] + segment + values + components)
    return out.getvalue()
