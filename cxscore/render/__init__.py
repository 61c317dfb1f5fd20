"""Renderers: one module per output format, all reading one :class:`~cxscore.model.Report`, chosen through one registry (:data:`RENDERERS`)."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

from ..model import Report
from ..terminal import Terminal

if TYPE_CHECKING:
    from openpyxl import Workbook
    from rich.console import Console

    from .layout import Section


class Format(str, Enum):
    """The output formats on stdout, each with its renderer in :data:`RENDERERS`."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"


def made(report: Report) -> Report:
    """The report with its rows made once, for a renderer that reads them more than once: rows made
    when read (:mod:`cxscore.row_table`) would be made again on every reading (a workbook reads them
    about ten times). The streamed formats read them once and keep only a few thousand at a time."""
    return report if isinstance(report.results, list) else replace(report, results=list(report.results))


def _table_report(report: Report, terminal: Terminal, csv_raw: bool) -> None:
    from . import table

    table.render(made(report), terminal.out())


def _json_report(report: Report, terminal: Terminal, csv_raw: bool) -> None:
    from . import json_doc

    json_doc.write(report, terminal.stdout, pretty=terminal.stdout_is_tty)


def _csv_report(report: Report, terminal: Terminal, csv_raw: bool) -> None:
    from . import csv_rows

    # With --comments the CSV is the comment list: one file holds one table.
    if report.comments is None:
        csv_rows.write(report, terminal.stdout, raw=csv_raw)
    else:
        terminal.stdout.write(csv_rows.comments(report, raw=csv_raw))


def _jsonl_report(report: Report, terminal: Terminal, csv_raw: bool) -> None:
    from . import json_doc

    # As the CSV: with --comments the lines are the comments.
    json_doc.write_lines(report.results if report.comments is None else report.comments, terminal.stdout)


def _markdown_report(report: Report, terminal: Terminal, csv_raw: bool) -> None:
    from . import markdown

    terminal.stdout.write(markdown.render(made(report)))


BENCHMARK_FIELDS = ["id", "metric", "industry", "value", "scale", "year", "quality", "kind", "source", "url", "definition"]


def _benchmark_section(rows: list) -> Section:
    from .layout import Line, Section

    section = Section(f"{len(rows)} benchmarks (P primary · S secondary · W weak source)", ["Metric", "Industry", "Value", "Scale", "Year", "Q", "Kind", "Source"], {2, 4}, aside={7}, key=2)
    for r in rows:
        section.lines.append(Line([r.metric, r.industry, f"{r.value:g}", r.scale, str(r.year or "undated"), r.quality, r.kind, r.source]))
    section.caption = "ACSI is a 0–100 index, not a % satisfied; industry NPS from different panels are not comparable."
    return section


def _table_benchmarks(rows: list, terminal: Terminal, csv_raw: bool) -> None:
    from . import table

    table.show(_benchmark_section(rows), terminal.out())


def _markdown_benchmarks(rows: list, terminal: Terminal, csv_raw: bool) -> None:
    from . import markdown

    terminal.stdout.write("\n".join(markdown.table_lines(_benchmark_section(rows))) + "\n")


def _json_benchmarks(rows: list, terminal: Terminal, csv_raw: bool) -> None:
    from .json_doc import dumps

    terminal.stdout.write(dumps([msgspec.structs.asdict(row) for row in rows]))


def _jsonl_benchmarks(rows: list, terminal: Terminal, csv_raw: bool) -> None:
    from .json_doc import write_lines

    write_lines([msgspec.structs.asdict(row) for row in rows], terminal.stdout)


def _csv_benchmarks(rows: list, terminal: Terminal, csv_raw: bool) -> None:
    import csv
    import io

    from .escaping import csv_cell, encodable

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=BENCHMARK_FIELDS, lineterminator="\n")
    writer.writeheader()
    cell = encodable if csv_raw else csv_cell  # a user's benchmark file is text from outside too
    writer.writerows({k: cell(v) if isinstance(v, str) else v for k, v in msgspec.structs.asdict(row).items()} for row in rows)
    terminal.stdout.write(out.getvalue())


def _json_inspection(result: dict, terminal: Terminal) -> None:
    from .json_doc import dumps

    terminal.stdout.write(dumps({k: v for k, v in result.items() if not k.startswith("_")}))


def _jsonl_inspection(result: dict, terminal: Terminal) -> None:
    from .json_doc import dumps

    terminal.stdout.write(dumps({k: v for k, v in result.items() if not k.startswith("_")}, pretty=False))


def _inspection_parts(result: dict) -> tuple[list[str], Section, list[str]]:
    """What inspect shows, in any format: its head lines, the columns' section and the zero-config plan's steps."""
    from .layout import Line, Section

    excluded = ", ".join(f"{n:,} {why}" for why, n in result["excluded"].items()) or "none"
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
    if plan.get("platform"):
        steps += [f"alternative {m['name']} ← {m['column']!r} (-m {m['name']}): {m['definition']}" for m in plan["alternatives"]]
        steps += [f"not planned {m['name']}: {m['why']}" for m in plan["not_planned"]]
        steps += [f"checked: {line}" for line in plan["checks"]]
        steps += [f"⚠ {line}" for line in plan["doubts"]]
        steps.append("not used: " + (", ".join(repr(c) for c in plan["not_used"]) or "none"))
    steps.append(f"dates: {plan['date_column']!r} ({plan['date_why']})" if plan["date_column"] else f"dates: none ({plan['date_why']})")
    steps.append(f"comments: {plan['comment_column']!r} ({plan['comment_why']})" if plan["comment_column"] else f"comments: none ({plan['comment_why']})")
    return head, section, steps


#: The heading of inspect's zero-config plan.
PLAN_HEADING = "What `cxscore score` would do with no config:"


def _table_inspection(result: dict, terminal: Terminal) -> None:
    from . import table
    from .escaping import printable

    head, section, steps = _inspection_parts(result)
    console = terminal.out()
    for line in head:
        _hanging(console, printable(line), 0)
    table.emit(table.build(section), console)
    console.print(PLAN_HEADING, markup=False)
    for step in steps:
        _hanging(console, printable(step), 2)


def _markdown_inspection(result: dict, terminal: Terminal) -> None:
    """inspect as Markdown: its head lines as paragraphs, the columns as a GitHub table, the plan as a list."""
    from .markdown import paragraph, table_lines

    head, section, steps = _inspection_parts(result)
    lines = [line for text in head for line in (paragraph(text), "")]
    lines += table_lines(section) + ["", PLAN_HEADING, ""] + [f"- {paragraph(step)}" for step in steps]
    terminal.stdout.write("\n".join(lines) + "\n")


def _hanging(console: Console, text: str, indent: int, hang: int = 2) -> None:
    """``text`` wrapped to the console's width (in cells: CJK is two wide) with a hanging indent: its
    first line ``indent`` cells in, the lines it wraps onto ``hang`` further, so each item of inspect's
    plan reads as one item however many lines it takes."""
    from rich.text import Text

    for i, line in enumerate(Text(text).wrap(console, max(20, console.width - indent - hang), overflow="fold")):
        line.rstrip()
        console.print(Text(" " * (indent + (hang if i else 0))) + line, highlight=False, soft_wrap=True)


def _json_plan(result: dict, terminal: Terminal) -> None:
    from .json_doc import dumps

    terminal.stdout.write(dumps(result))


def _jsonl_plan(result: dict, terminal: Terminal) -> None:
    from .json_doc import dumps

    terminal.stdout.write(dumps(result, pretty=False))


def _plan_sentence(result: dict, terminal: Terminal) -> None:
    terminal.stdout.write(result["summary"] + "\n")


@dataclass(frozen=True)
class Renderer:
    """One output format: how it writes each command's result on stdout (``csv_raw``: no ``'`` before
    CSV cells that start like a formula). A format without its own inspection or plan output prints
    the table's (inspect) or the sentence (plan)."""

    report: Callable[[Report, Terminal, bool], None]
    benchmarks: Callable[[list, Terminal, bool], None]
    inspection: Callable[[dict, Terminal], None] = _table_inspection
    plan: Callable[[dict, Terminal], None] = _plan_sentence


#: The output formats. Each renderer imports only its own module when called: JSON and CSV runs never load Rich.
RENDERERS: dict[Format, Renderer] = {
    Format.table: Renderer(_table_report, _table_benchmarks),
    Format.json: Renderer(_json_report, _json_benchmarks, _json_inspection, _json_plan),
    Format.jsonl: Renderer(_jsonl_report, _jsonl_benchmarks, _jsonl_inspection, _jsonl_plan),
    Format.csv: Renderer(_csv_report, _csv_benchmarks),
    Format.markdown: Renderer(_markdown_report, _markdown_benchmarks, _markdown_inspection),
}


def render(report: Report, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """Write the report to stdout in the chosen format."""
    RENDERERS[fmt].report(report, terminal, csv_raw)


def render_benchmarks(rows: list, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """Benchmark rows in any format; every row keeps its source, year and quality."""
    RENDERERS[fmt].benchmarks(rows, terminal, csv_raw)


def render_inspection(result: dict, fmt: Format, terminal: Terminal) -> None:
    """What ``cxscore inspect`` found, for a person (table) or a script (JSON)."""
    RENDERERS[fmt].inspection(result, terminal)


def render_plan(result: dict, fmt: Format, terminal: Terminal) -> None:
    """``cxscore plan``'s answer: its sentence, or the whole result as JSON."""
    RENDERERS[fmt].plan(result, terminal)


def write_report(report: Report, output: str, lang: str, config_text: str | None, extra: Sequence[Callable[[Workbook], None]] = (), agent: str | None = None) -> Path:
    """Fill the output path's placeholders, refuse to overwrite an input, and write the workbook atomically
    (``extra`` adds other runs' sheets: ``Volume``; ``agent``: the config's agent column, for the Agents sheet)."""
    from .excel import write

    return write(made(report), output, lang, config_text, extra, agent)
