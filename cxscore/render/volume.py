"""``cxscore volume`` output: the table (Rich or Markdown, from one section), JSON and CSV."""
from __future__ import annotations

import csv
import io

from ..terminal import Terminal
from ..volume import VolumeReport, VolumeRow, table_columns
from . import Format
from .escaping import csv_cell, encodable
from .layout import Line, Section

PERIOD_WORDS = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter", "year": "Year"}


def _change(row: VolumeRow) -> tuple[str, str]:
    """The Δ of created (with ▲▼ when significant) and its adjusted p; empty on a series' first period."""
    change = row.change
    if change is None:
        return "", ""
    pct = f" ({change['pct']:+.1f}%)" if change["pct"] is not None else ""
    arrow = {"up": " ▲", "down": " ▼"}.get(change["direction"] or "", "")
    q = change["p_adjusted"]
    return f"{change['diff']:+,}{pct}{arrow}", "—" if q is None else ("<0.001" if q < 0.001 else f"{q:.3f}")


def _count(value: int, low: bool) -> str:
    return f"≥{value:,}" if low else f"{value:,}"


def section(report: VolumeReport) -> Section:
    """One line per segment × period (everyone first), periods in time order."""
    by = report.by
    c = report.columns
    out = Section(
        f"Tickets by {report.period}: created {c['created']!r}, solved {c['solved']!r}; Δ created against the previous {report.period}",
        [*by, PERIOD_WORDS[report.period], "Created", "Δ", "p adj.", "Solved", "Open at end"],
        {len(by) + i for i in range(1, 6)},
        key=len(by) + 1,
    )
    for row in report.rows:
        lead = [row.segment.get(name, "All") if row.segment else ("All" if i == 0 else "") for i, name in enumerate(by)]
        diff, p = _change(row)
        low = row.history_incomplete
        out.lines.append(Line([*lead, row.period, f"{row.created:,}", diff, p, _count(row.solved, low), _count(row.open_at_end, low)],
                              low_n=row.partial, overall=bool(by) and not row.segment))
    level = f"{1 - report.confidence:.2g}"
    # Only the marks the table shows are explained (as a breakdown's caption): ▲▼ when a change is marked, dim rows when a period is partial.
    marked = any(row.change and row.change["direction"] for row in report.rows)
    tested = (f"▲▼ created changed beyond chance (exact conditional Poisson test per day, Benjamini–Hochberg adjusted p < {level})" if marked
              else f"p adj.: exact conditional Poisson test per day, Benjamini–Hochberg adjusted; none is below {level}")
    dim = "; dim rows: partial periods." if any(row.partial for row in report.rows) else "."
    out.caption = " ".join([
        "Open at end: tickets created by the period's end and not solved by then.",
        tested + dim,
        *report.notes,
    ])
    return out


def csv_text(report: VolumeReport, raw: bool = False) -> str:
    """One row per segment × period, the tidy table's columns (see the README). Only the segment values
    come from the data, so only they are escaped (once per segment); the rest are labels and numbers."""
    cell = encodable if raw else csv_cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([cell(name) for name in table_columns(report.by)])
    leads: dict[tuple, list[str]] = {}
    for row in report.rows:
        key = tuple(row.segment.get(name) for name in report.by)
        lead = leads.get(key)
        if lead is None:
            lead = leads[key] = ["" if value is None else cell(value) for value in key]
        change = row.change or _NO_CHANGE
        writer.writerow([*lead, row.period, row.start.isoformat(), row.end.isoformat(), row.days, row.covered_days, _BOOL[row.partial], repr(row.history_missing),
                         _BOOL[row.history_incomplete], row.created, row.solved, row.unknown, row.open_at_end, row.open_change, change["against"] or "",
                         _number(change["diff"]), _number(change["pct"]), _number(change["p_value"]), _number(change["p_adjusted"]),
                         "" if change["significant"] is None else _BOOL[change["significant"]], change["direction"] or ""])
    return out.getvalue()


_BOOL = {True: "true", False: "false"}
_NO_CHANGE = dict.fromkeys(("against", "diff", "pct", "p_value", "p_adjusted", "significant", "direction"))


def _number(value: float | int | None) -> str:
    return "" if value is None else repr(value)


def write(report: VolumeReport, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """The run on stdout in the chosen format."""
    if fmt in (Format.json, Format.jsonl):  # one document: JSON Lines of one line
        from .json_doc import dumps

        terminal.stdout.write(dumps(report.to_dict(), pretty=terminal.stdout_is_tty and fmt is Format.json))
    elif fmt is Format.csv:
        terminal.stdout.write(csv_text(report, csv_raw))
    elif fmt is Format.markdown:
        from .markdown import table_lines

        terminal.stdout.write("\n".join(table_lines(section(report))) + "\n")
    else:
        from . import table

        table.show(section(report), terminal.out())
