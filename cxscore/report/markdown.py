"""A GitHub-flavoured Markdown table."""
from __future__ import annotations

from ..model import Report
from . import display


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(report: Report) -> str:
    info = {m.name: m for m in report.metrics}
    lines = [
        "| Metric | Column | n | Blank | Invalid | Score | Details |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in report.results:
        metric = info[row.metric]
        cells = [f"{row.metric} ({display.SCORE_LABEL[row.type]})", metric.column, f"{row.n:,}", f"{row.blank:,}", f"{row.invalid:,}", display.score(row), display.details(row, metric.scale)]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
