"""Renderers: one module per output format, all reading one :class:`~cxscore.model.Report`."""
from __future__ import annotations

from enum import Enum
from pathlib import Path

import msgspec

from ..model import Report
from ..terminal import Terminal


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def render(report: Report, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """Write the report to stdout in the chosen format (CSV cells that start like a formula get a ``'``, unless ``csv_raw``)."""
    # Each branch imports only its own renderer: JSON and CSV runs never load Rich.
    if fmt is Format.table:
        from . import table

        table.render(report, terminal.out())
    elif fmt is Format.json:
        from . import json_doc

        json_doc.write(report, terminal.stdout, pretty=terminal.stdout_is_tty)
    elif fmt is Format.csv:
        from . import csv_rows

        # With --comments the CSV is the comment list: one file holds one table.
        terminal.stdout.write(csv_rows.render(report, raw=csv_raw) if report.comments is None else csv_rows.comments(report, raw=csv_raw))
    else:
        from . import markdown

        terminal.stdout.write(markdown.render(report))


def render_benchmarks(rows: list, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """Benchmark rows in any format; every row keeps its source, year and quality."""
    import csv
    import io

    from .escaping import csv_cell, encodable
    from .json_doc import dumps

    fields = ["id", "metric", "industry", "value", "scale", "year", "quality", "kind", "source", "url", "definition"]
    records = [msgspec.structs.asdict(row) for row in rows]
    if fmt is Format.json:
        terminal.stdout.write(dumps(records))
    elif fmt is Format.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        cell = encodable if csv_raw else csv_cell  # a user's benchmark file is text from outside too
        writer.writerows({k: cell(v) if isinstance(v, str) else v for k, v in record.items()} for record in records)
        terminal.stdout.write(out.getvalue())
    else:
        from . import markdown, table
        from .layout import Line, Section

        section = Section(f"{len(rows)} benchmarks (P primary · S secondary · W weak source)", ["Metric", "Industry", "Value", "Scale", "Year", "Q", "Kind", "Source"], {2, 4}, aside={7}, key=2)
        for r in rows:
            section.lines.append(Line([r.metric, r.industry, f"{r.value:g}", r.scale, str(r.year or "undated"), r.quality, r.kind, r.source]))
        section.caption = "ACSI is a 0–100 index, not a % satisfied; industry NPS from different panels are not comparable."
        if fmt is Format.markdown:
            terminal.stdout.write("\n".join(markdown._table(section)) + "\n")
        else:
            table.show(section, terminal.out())


def write_report(report: Report, output: str, lang: str, config_text: str | None) -> Path:
    """Fill the output path's placeholders, refuse to overwrite an input, and write the workbook atomically."""
    from .excel import write

    return write(report, output, lang, config_text)


def render_inspection(result: dict, fmt: Format, terminal: Terminal) -> None:
    """What ``cxscore inspect`` found, for a person (table) or a script (JSON)."""
    from .escaping import printable
    from .json_doc import dumps

    public = {k: v for k, v in result.items() if not k.startswith("_")}
    if fmt is Format.json:
        terminal.stdout.write(dumps(public))
        return
    from . import table
    from .layout import Line, Section

    excluded = ", ".join(f"{n} {why}" for why, n in result["excluded"].items()) or "none"
    head = [
        f"{result['path']}: {result['layout']} layout, {result['format']}"
        + (f", {result['encoding']} ({result['encoding_reason']}), delimiter {result['delimiter']!r}" if result["encoding"] else f", sheet {result['sheet']!r}"),
        f"{result['rows']:,} rows after {result['header_rows']} header row(s); left out: {excluded}; malformed: {result['malformed_rows']}",
        *result["notes"],
    ]
    section = Section("Columns (roles guessed from the first rows)", ["Column", "Role", "Why", "Top values"], set(), short={0})
    for c in result["columns"]:
        top = ", ".join(f"{v} ×{n}" for v, n in c["top_values"][:3])
        section.lines.append(Line([c["column"], c["role"], c["why"], top]))
    plan = result["plan"]
    steps = [f"{m['name']} ← {m['column']!r}: {m['why']}" + (f" ⚠ {m['doubt']}" if m["doubt"] else "") for m in plan["metrics"]] or ["no metric column found: write a config (--write-config gives a start)"]
    steps += [f"skipped {s['column']!r}: {s['why']}" for s in plan["skipped"]]
    steps.append(f"dates: {plan['date_column']!r} ({plan['date_why']})" if plan["date_column"] else f"dates: none ({plan['date_why']})")
    steps.append(f"comments: {plan['comment_column']!r} ({plan['comment_why']})" if plan["comment_column"] else f"comments: none ({plan['comment_why']})")
    console = terminal.out()
    for line in head:
        console.print(printable(line), markup=False, highlight=False)
    console.print(table.build(section))
    console.print("What `cxscore score` would do with no config:", markup=False)
    for step in steps:
        console.print(printable(f"  {step}"), markup=False, highlight=False)
