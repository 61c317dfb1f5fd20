"""``cxscore drivers`` output: the table (Rich or Markdown, from one section), JSON and CSV."""
from __future__ import annotations

import math

from ..keydrivers import DRIVER_FIELDS, DriverRun, Headrooms
from ..kinds import get
from ..terminal import Terminal
from . import Format
from .display import amount
from .drivers_words import headroom_words
from . import csv_rows
from .layout import Line, Section

METHOD_WORDS = {"relative_weights": "relative weights", "shapley": "Shapley/LMG"}


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.1f}"


def section(run: DriverRun) -> Section:
    """The drivers as display rows, ranked by importance, with the model's R² and n under them."""
    a = run.analysis
    out = Section(
        f"What {a.outcome} is associated with ({METHOD_WORDS[a.method]}, {a.n:,} complete rows)",
        ["Driver", "Importance %", "95% interval", "P(rank 1)", "r", "Mean", "Top-2 %", "Quadrant"],
        {1, 2, 3, 4, 5, 6},
        short={0},  # a long driver name gives up width first: at 80 columns the numbers stay on one line
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


def headroom_section(run: DriverRun, h: Headrooms) -> Section:
    """The segments by headroom, largest first: n, score with its interval, headroom in points."""
    kind = run.outcome.type
    title, caption = headroom_words(run, h)
    out = Section(title, [", ".join(h.by), "n", get(kind).score_label, f"{h.confidence:.0%} interval", "Headroom"], {1, 2, 3, 4}, caption=caption, short={0})
    for r in h.segments:
        ci = "—" if r.low is None or r.high is None else f"{amount(r.low, kind)} to {amount(r.high, kind)}"
        out.lines.append(Line([", ".join(r.segment), f"{r.n:,}", amount(r.score, kind), ci, f"+{r.headroom:.1f}"]))
    return out


def sections(run: DriverRun) -> list[Section]:
    """The drivers' section, then the headroom's with --by."""
    return [section(run), *([headroom_section(run, run.headroom)] if run.headroom is not None else [])]


def headroom_csv(run: DriverRun, h: Headrooms, raw: bool = False) -> str:
    """With --by: one row per segment (the --by columns first), full precision, largest headroom first."""
    return csv_rows.table(h.columns(), h.rows(run.outcome.name), raw)


def csv_text(run: DriverRun, raw: bool = False) -> str:
    """One row per driver, full precision, with the outcome, method, R² and n repeated on each."""
    return csv_rows.table(DRIVER_FIELDS, run.rows(), raw)


def write(run: DriverRun, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """The run on stdout in the chosen format."""
    if fmt in (Format.json, Format.jsonl):  # one document: JSON Lines of one line
        from .json_doc import dumps

        terminal.stdout.write(dumps(run.to_dict(), pretty=terminal.stdout_is_tty and fmt is Format.json))
    elif fmt is Format.csv:  # one table per CSV: with --by, the headroom's (as score --comments writes the comments)
        terminal.stdout.write(csv_text(run, csv_raw) if run.headroom is None else headroom_csv(run, run.headroom, csv_raw))
    elif fmt is Format.markdown:
        from .markdown import table_lines

        terminal.stdout.write("\n\n".join("\n".join(table_lines(s)) for s in sections(run)) + "\n")
    else:
        from . import table

        console = terminal.out()
        for i, s in enumerate(sections(run)):
            if i:
                console.print()
            table.show(s, console)
