"""GitHub-flavoured Markdown tables."""
from __future__ import annotations

from ..model import Report
from .escaping import printable
from .layout import Section, sections


def _cell(text: str) -> str:
    """A table cell: control characters from the data shown escaped (``\\x1b``), pipes escaped, one line."""
    return printable(str(text)).replace("|", "\\|").replace("\n", " ")


def paragraph(text: str) -> str:
    """Free text from the data (a path, a note, a plan step) as one Markdown line, made safe as a table's cells are."""
    return _cell(text)


def table_lines(section: Section) -> list[str]:
    lines = [f"**{_cell(section.title)}**", "", "| " + " | ".join(_cell(h) or " " for h in section.headers) + " |"]
    lines.append("|" + "|".join("---:" if i in section.right else "---" for i in range(len(section.headers))) + "|")
    for line in section.lines:
        cells = [_cell(c) for c in line.cells]
        if line.low_n:
            cells = [f"_{c}_" if c else c for c in cells]
        if line.overall:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    if section.caption:
        lines += ["", f"_{_cell(section.caption).replace('dim rows', 'italic rows').replace('Dim rows', 'Italic rows')}_"]
    return lines


def render(report: Report) -> str:
    out: list[str] = []
    for section in sections(report):
        out += table_lines(section) + [""]
    return "\n".join(out)
