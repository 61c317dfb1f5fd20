"""Renderers: one module per output format, all reading one :class:`~cxscore.model.Report`."""
from __future__ import annotations

from enum import Enum

from ..model import Report
from ..terminal import Terminal


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def render(report: Report, fmt: Format, terminal: Terminal) -> None:
    """Write the report to stdout in the chosen format."""
    from . import csv_rows, json_doc, markdown, table  # only the chosen format's imports matter at start-up

    if fmt is Format.table:
        table.render(report, terminal.out())
    elif fmt is Format.json:
        terminal.stdout.write(json_doc.render(report, pretty=terminal.stdout_is_tty))
    elif fmt is Format.csv:
        terminal.stdout.write(csv_rows.render(report))
    else:
        terminal.stdout.write(markdown.render(report))
