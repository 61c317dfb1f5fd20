"""``cxscore comments --output FILE.xlsx``: the sheets ``Themes`` (the theme table, then each theme's
share by segment and by period), ``Distinctive terms`` and ``Uncategorised sample`` (the latest
untagged comments, to grow the dictionary from)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..comment_analysis import CommentRun, Share
from .cells import GREEN, LOW_N, P_VALUE, RED, Sheet, printable_sheet, text
from .comments_view import UNTAGGED, VALUE_WORDS
from .output import write_workbook

PCT = "0.0"


def _themes(ws, run: CommentRun) -> None:
    r = run.report
    value = VALUE_WORDS.get(run.metric.type, run.metric.name)
    sheet = Sheet(ws)
    sheet.header(["Theme", "Mentions", "% of comments", f"% of {r.bands[0]}", f"% of {r.bands[1]}", "z", "p adjusted", f"{value} of mentioners" + (" %" if run.metric.type == "csat" else ""),
                  "Low", "High", "Impact", "Scored mentions", "Recent comment 1", "Recent comment 2", "Recent comment 3"])
    formats = [None, "#,##0", PCT, PCT, PCT, "+0.00;-0.00", P_VALUE, "0.0", "0.0", "0.0", "+0.0;-0.0", "#,##0"]
    for t in r.themes:
        significant = t.p_adjusted is not None and t.p_adjusted < 1 - run.confidence
        fill = (RED if (t.unhappy_pct or 0) > (t.happy_pct or 0) else GREEN) if significant else None
        row = sheet.row([t.theme, t.mentions, t.pct_of_comments, t.unhappy_pct, t.happy_pct, t.z, t.p_adjusted, t.value, t.ci_low, t.ci_high, t.impact, t.n,
                         *t.examples], formats, fill=fill)
        if run.low_n(t.n):
            for c in range(1, 13):
                ws.cell(row=row, column=c).font = LOW_N
    sheet.row([UNTAGGED, r.untagged, r.untagged_pct], formats)
    last = sheet.last
    sheet.row([])
    sheet.row([f"{r.comments:,} comments ({r.non_answers:,} blank or non-answers left out); overall {value} {'' if r.overall is None else f'{r.overall:.1f}'}. "
               f"Red: mentioned significantly more by {r.bands[0]}, green: by {r.bands[1]} (two-proportion test, Benjamini–Hochberg adjusted p < {1 - run.confidence:.2g}). "
               f"Grey italics: fewer than {run.min_n} scored mentions. Impact: overall {value} − {value} without the theme's mentioners."])
    for shares, period in ((run.segments, False), (run.periods, True)):
        if shares:
            sheet.row([])
            _matrix(sheet, run, shares, period)
    sheet.finish(filter_rows=last)


def _matrix(sheet: Sheet, run: CommentRun, shares: list[Share], period: bool) -> None:
    """Each theme's share of a segment's (period's) comments; significant differences from the other comments shaded."""
    names = run.theme_names
    lead = ["Period"] if period else list(run.by)
    sheet.header([*lead, "Comments", *(f"{name} %" for name in names)])
    for start in range(0, len(shares), max(len(names), 1)):
        row = shares[start:start + len(names)]
        label = [row[0].period] if period else [row[0].segment[b] for b in run.by]
        r = sheet.row([*label, row[0].comments, *(s.pct for s in row)], [*([None] * len(lead)), "#,##0", *([PCT] * len(names))])
        for c, s in enumerate(row, start=len(lead) + 2):
            if s.significant:
                sheet.ws.cell(row=r, column=c).fill = RED if (s.pct or 0) > (s.rest_pct or 0) else GREEN
            if s.low_n:
                sheet.ws.cell(row=r, column=c).font = LOW_N


def _terms(ws, run: CommentRun) -> None:
    sheet = Sheet(ws)
    a, b = run.report.bands
    sheet.header(["Group", "Term", "Words", "z", "Count in group", "Count in the other"])
    t = run.terms
    if t is not None:
        for group, side, own_first in ((a, t.a, True), (b, t.b, False)):
            for x in side:
                sheet.row([group, x.term, x.words, abs(x.z), x.count_a if own_first else x.count_b, x.count_b if own_first else x.count_a], [None, None, "0", "0.0", "#,##0", "#,##0"])
    last = sheet.last
    sheet.row([])
    why = run.terms_skipped or "; ".join(t.warnings if t else [])
    sheet.row([why or f"Words and two-word phrases that set {a}' comments apart from {b}' (log-odds ratio with an informative Dirichlet prior, Monroe et al. 2008): top 20 per group with |z| > 1.96 and at least 5 uses."])
    sheet.finish(filter_rows=last)


def build(run: CommentRun) -> Workbook:
    """The workbook (not yet saved)."""
    wb = Workbook()
    ws = wb.active
    if run.themes_file:
        ws.title = "Themes"
        _themes(ws, run)
        printable_sheet(ws, text(f"cxscore comments · {run.metric.name}"))
        ws = wb.create_sheet("Distinctive terms")
    else:
        ws.title = "Distinctive terms"
    _terms(ws, run)
    printable_sheet(ws, text(f"cxscore comments · {run.metric.name}"))
    if run.themes_file:
        ws = wb.create_sheet("Uncategorised sample")
        sheet = Sheet(ws)
        sheet.header(["Untagged comment (most recent first)"])
        for comment in run.report.untagged_sample:
            sheet.row([comment])
        sheet.finish()
        printable_sheet(ws, text(f"cxscore comments · {run.metric.name}"))
    wb.properties.creator = "cxscore"
    return wb


def write(run: CommentRun, output: str) -> Path:
    """Write the workbook atomically; an input is never overwritten."""
    return write_workbook(output, "comments", lambda: build(run), run.inputs)
