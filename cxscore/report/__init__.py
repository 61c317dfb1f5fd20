"""Renderers: one module per output format, all reading one :class:`~cxscore.model.Report`."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

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


def render_benchmarks(rows: list, fmt: Format, terminal: Terminal) -> None:
    """Benchmark rows in any format; every row keeps its source, year and quality."""
    import csv
    import io
    import json

    fields = ["id", "metric", "industry", "value", "scale", "year", "quality", "kind", "source", "url", "definition"]
    records = [row.model_dump() for row in rows]
    if fmt is Format.json:
        terminal.stdout.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        terminal.stdout.write(out.getvalue())
    else:
        from . import markdown, table
        from .layout import Line, Section

        section = Section(f"{len(rows)} benchmarks (P primary · S secondary · W weak source)", ["Metric", "Industry", "Value", "Scale", "Year", "Q", "Kind", "Source"], {2, 4})
        for r in rows:
            section.lines.append(Line([r.metric, r.industry, f"{r.value:g}", r.scale, str(r.year or "undated"), r.quality, r.kind, r.source]))
        section.caption = "ACSI is a 0–100 index, not a % satisfied; industry NPS from different panels are not comparable."
        if fmt is Format.markdown:
            terminal.stdout.write("\n".join(markdown._table(section)) + "\n")
        else:
            terminal.out().print(table.build(section))


def write_report(report: Report, output: str, inputs: list[str], lang: str, config_path) -> "Path":
    """Fill the output path's placeholders, refuse to overwrite an input, and write the workbook atomically."""
    from .excel import write

    return write(report, output, inputs, lang, config_path)
