"""``cxscore comments --output FILE.xlsx``: the sheets ``Themes`` (the theme table, then each theme's
share by segment, by period and by segment × period), ``Distinctive terms`` and ``Uncategorised sample`` (the latest
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
    for shares, period, segment in ((run.segments, False, True), (run.periods, True, False), (run.cells, True, True)):
        if shares:
            sheet.row([])
            _matrix(sheet, run, shares, period, segment)
    sheet.finish(filter_rows=last)


def _matrix(sheet: Sheet, run: CommentRun, shares: list[Share], period: bool, segment: bool) -> None:
    """Each theme's share of a segment's (period's, segment's in a period's) comments; significant differences from the other comments shaded."""
    names = run.theme_names
    lead = [*(run.by if segment else []), *(["Period"] if period else [])]
    sheet.header([*lead, "Comments", *(f"{name} %" for name in names)])
    for start in range(0, len(shares), max(len(names), 1)):
        row = shares[start:start + len(names)]
        label = [*([row[0].segment[b] for b in run.by] if segment else []), *([row[0].period] if period else [])]
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


#: The sheets' names; a report in Chinese (``cxscore report --lang zh --themes``) names them in Chinese (their labels stay English).
SHEETS = {"en": ("Themes", "Distinctive terms", "Uncategorised sample"), "zh": ("主题", "区分词", "未归类评论")}


def _sheets(wb: Workbook, run: CommentRun, lang: str, first=None) -> None:
    """Themes (with a dictionary), Distinctive terms and Uncategorised sample (with a dictionary): ``first``
    is the workbook's empty first sheet to use, else each sheet is appended."""
    names = SHEETS[lang]
    title = text(f"cxscore comments · {run.metric.name}")

    def sheet(name: str):
        nonlocal first
        ws, first = (first, None) if first is not None else (wb.create_sheet(name), None)
        ws.title = name
        return ws

    if run.themes_file:
        ws = sheet(names[0])
        _themes(ws, run)
        printable_sheet(ws, title)
    ws = sheet(names[1])
    _terms(ws, run)
    printable_sheet(ws, title)
    if run.themes_file:
        ws = sheet(names[2])
        untagged = Sheet(ws)
        untagged.header(["Untagged comment (most recent first)"])
        for comment in run.report.untagged_sample:
            untagged.row([comment])
        untagged.finish()
        printable_sheet(ws, title)


def build(run: CommentRun) -> Workbook:
    """The workbook (not yet saved)."""
    wb = Workbook()
    _sheets(wb, run, "en", wb.active)
    wb.properties.creator = "cxscore"
    return wb


def add_to_report(wb: Workbook, run: CommentRun, lang: str = "en") -> None:
    """``cxscore report --themes``: the same sheets, appended (the report writer adds other runs' sheets before its Data quality)."""
    _sheets(wb, run, lang)


def write(run: CommentRun, output: str) -> Path:
    """Write the workbook atomically; an input is never overwritten."""
    return write_workbook(output, "comments", lambda: build(run), run.inputs)
