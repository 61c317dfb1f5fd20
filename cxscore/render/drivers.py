"""``cxscore drivers`` output: the table (Rich or Markdown, from one section), JSON and CSV."""
from __future__ import annotations

import csv
import io
import math

from ..keydrivers import DriverRun
from ..terminal import Terminal
from . import Format
from .escaping import csv_cell, encodable
from .layout import Line, Section

METHOD_WORDS = {"relative_weights": "relative weights", "shapley": "Shapley/LMG"}
CSV_FIELDS = ["outcome", "method", "driver", "column", "share", "low", "high", "p_first", "correlation", "mean", "top_two", "quadrant", "r2", "n"]


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}"


def section(run: DriverRun) -> Section:
    """The drivers as display rows, ranked by importance, with the model's R² and n under them."""
    a = run.analysis
    out = Section(
        f"What {a.outcome} is associated with ({METHOD_WORDS[a.method]}, {a.n:,} complete rows)",
        ["Driver", "Importance %", "95% interval", "P(rank 1)", "r", "Mean", "Top-2 %", "Quadrant"],
        {1, 2, 3, 4, 5, 6},
    )
    for d in a.drivers:
        out.lines.append(Line([d.name, f"{d.share:.1f}", f"{d.low:.1f} to {d.high:.1f}", f"{d.p_first:.2f}", f"{d.correlation:+.2f}", f"{d.mean:.2f}", _pct(d.top_two), d.quadrant]))
    out.caption = (
        f"Model R² = {a.r2:.3f}, n = {a.n:,} complete rows ({a.incomplete:,} left out for a missing answer); "
        f"intervals and P(rank 1) from {a.resamples} bootstrap resamples of {a.groups} row-groups. "
        f"Importance is each driver's share of the R²: how strongly {a.outcome} is associated with it in these answers (association, not proof of effect). "
        "Quadrants split importance at 100/drivers and performance at the drivers' mean; \"uncertain\" when the interval crosses the split."
    )
    return out


def csv_text(run: DriverRun, raw: bool = False) -> str:
    """One row per driver, full precision, with the outcome, method, R² and n repeated on each."""
    a = run.analysis
    doc = run.to_dict()
    cell = encodable if raw else csv_cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for d in doc["drivers"]:
        values = {"outcome": a.outcome, "method": a.method, "r2": a.r2, "n": a.n, "driver": d["name"], **d}
        writer.writerow(["" if values[k] is None else cell(values[k]) if isinstance(values[k], str) else repr(values[k]) for k in CSV_FIELDS])
    return out.getvalue()


def write(run: DriverRun, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """The run on stdout in the chosen format."""
    if fmt is Format.json:
        from .json_doc import dumps

        terminal.stdout.write(dumps(run.to_dict(), pretty=terminal.stdout_is_tty))
    elif fmt is Format.csv:
        terminal.stdout.write(csv_text(run, csv_raw))
    elif fmt is Format.markdown:
        from .markdown import table_lines

        terminal.stdout.write("\n".join(table_lines(section(run))) + "\n")
    else:
        from . import table

        table.show(section(run), terminal.out())
