"""``cxscore comments`` output: the tables (Rich or Markdown, from sections), JSON and a tidy CSV."""
from __future__ import annotations

from pathlib import Path

from rich.padding import Padding
from rich.text import Text

from ..comment_analysis import TERM_FIELDS, UNTAGGED, CommentRun, Share
from ..terminal import Terminal
from . import Format, csv_rows
from ..kinds import get
from .display import amount, number, styled
from .escaping import printable
from .layout import Line, Section

#: Short column words for each band (the tables must fit 80 columns).
BAND_WORDS = {"detractors": "Detr.", "promoters": "Prom.", "dissatisfied": "Dis.", "satisfied": "Sat.", "high_effort": "High", "low_effort": "Low"}
VALUE_WORDS = {"nps": "NPS", "csat": "CSAT", "ces": "CES"}
#: A comment shown in a table is cut here (JSON, CSV and the workbook keep it whole).
SHOWN_CHARS = 200


def _p(p: float | None) -> str:
    return "—" if p is None else "<0.001" if p < 0.001 else f"{p:.3f}"


def _arrow(significant: bool, up: bool) -> str:
    return (" ▲" if up else " ▼") if significant else ""


def theme_section(run: CommentRun) -> Section:
    """One row per theme, then the untagged comments: mentions, the two bands' shares with their
    adjusted test, the score of those mentioning the theme with its interval, and its impact."""
    r = run.report
    unhappy, happy = (BAND_WORDS.get(b, b) for b in r.bands)
    value = VALUE_WORDS.get(run.metric.type, run.metric.name)
    kind = run.metric.type
    style = get(kind).style
    alpha = f"{1 - run.confidence:.2g}"
    out = Section(
        f"What {r.comments:,} comments are about ({run.metric.name}; themes from {Path(run.themes_file or '').name})",
        ["Theme", "Mentions", "%", f"{unhappy}%", f"{happy}%", "p adj.", value, "95% interval", "Impact"],
        {1, 2, 3, 4, 5, 6, 7, 8}, short={0},
    )
    for t in r.themes:
        significant = t.p_adjusted is not None and t.p_adjusted < 1 - run.confidence
        interval = "—" if t.ci_low is None else f"{amount(t.ci_low, kind)} to {amount(t.ci_high, kind)}"
        more_unhappy = (t.unhappy_pct or 0) > (t.happy_pct or 0)
        marks = ("▲", "") if more_unhappy else ("", "▲")
        marks = marks if significant else ("", "")
        out.lines.append(Line(
            [t.theme, f"{t.mentions:,}", number(t.pct_of_comments), number(t.unhappy_pct) + marks[0], number(t.happy_pct) + marks[1], _p(t.p_adjusted),
             styled(t.value, style), interval, amount(t.impact, kind, sign=True)],
            low_n=run.low_n(t.n), mark=("bad" if more_unhappy else "good") if significant else None, mark_column=3 if more_unhappy else 4,
        ))
    # The caption explains only the marks the table shows (a ▲, a dim row), as a breakdown's does.
    marked = f"▲ marks the larger share where p < {alpha}" if any(line.mark for line in out.lines) else f"none is below {alpha}"
    dim = f" Dim rows: fewer than {run.min_n} scored mentions." if any(line.low_n for line in out.lines) else ""
    out.lines.append(Line([UNTAGGED, f"{r.untagged:,}", number(r.untagged_pct), "", "", "", "", "", ""]))
    overall = styled(r.overall, style)
    out.caption = (
        f"Overall {value} {overall}; {r.comments:,} comments ({r.non_answers:,} blank or non-answers left out). %: of the comments. "
        f"{unhappy}% / {happy}%: of the {r.bands[0]}' and the {r.bands[1]}' comments, tested against each other (two-proportion test, "
        f"p Benjamini–Hochberg adjusted across the themes; {marked}). {value}: of those mentioning the theme, with its interval; "
        f"Impact: overall {value} − {value} without them.{dim}"
    )
    return out


def share_section(run: CommentRun, shares: list[Share], period: bool, segment: bool = False) -> Section:
    """One row per segment (or period, or segment × period: both flags) and theme: the share of its
    comments mentioning the theme against the other comments' share, marked where they differ significantly."""
    lead = [*(run.by if segment or not period else []), *(["Period"] if period else [])]
    over = " × ".join([*([", ".join(run.by)] if segment or not period else []), *([run.period or ""] if period else [])])
    out = Section(
        f"Themes by {over}: % of each one's comments",
        [*lead, "Theme", "Comments", "Mentions", "%", "Others %", "p adj."], set(range(len(lead) + 1, len(lead) + 6)), short=set(range(len(lead) + 1)),
    )
    for s in shares:
        label = [*([s.segment[b] for b in run.by] if segment or not period else []), *([s.period or ""] if period else [])]
        up = (s.pct or 0) > (s.rest_pct or 0)
        out.lines.append(Line([*label, s.theme, f"{s.comments:,}", f"{s.mentions:,}", number(s.pct), number(s.rest_pct), _p(s.p_adjusted) + _arrow(s.significant, up)],
                              low_n=s.low_n, mark=("bad" if up else "good") if s.significant else None, mark_column=len(lead) + 5))
    alpha = f"{1 - run.confidence:.2g}"
    tested = (f"▲▼ significantly more or less (two-proportion test, Benjamini–Hochberg adjusted across the table, p < {alpha})"
              if any(s.significant for s in shares) else f"p adj.: two-proportion test, Benjamini–Hochberg adjusted across the table; none is below {alpha}")
    dim = f"; dim rows: fewer than {run.min_n} comments." if any(s.low_n for s in shares) else "."
    out.caption = f"Others %: the share in all the other {'dated ' if period else ''}comments. {tested}{dim}"
    return out


def terms_section(run: CommentRun) -> Section | None:
    """The distinctive words and phrases of each band, strongest first."""
    t = run.terms
    if t is None or not (t.a or t.b):
        return None
    a, b = run.report.bands
    out = Section(f"Words that set {a}' comments ({t.comments_a:,}) apart from {b}' ({t.comments_b:,})", ["Group", "Term", "z", "Count", "In the other"], {2, 3, 4})
    for group, side, own_first in ((a, t.a, True), (b, t.b, False)):
        for x in side:
            own, other = (x.count_a, x.count_b) if own_first else (x.count_b, x.count_a)
            out.lines.append(Line([group, x.term, f"{abs(x.z):.1f}", f"{own:,}", f"{other:,}"]))
    out.caption = "z: log-odds ratio with an informative Dirichlet prior (Monroe et al. 2008), top 20 per group with |z| > 1.96 and at least 5 uses."
    return out


def no_terms(run: CommentRun) -> str | None:
    """What to print when terms were looked for and none stands out (an empty answer is still an answer)."""
    t = run.terms
    if t is None or t.a or t.b:
        return None
    a, b = run.report.bands
    return (f"No word or phrase sets {a}' comments ({t.comments_a:,}) apart from {b}' ({t.comments_b:,}): "
            "none has |z| > 1.96 with at least 5 uses.")


def sections(run: CommentRun) -> list[Section]:
    out = []
    if run.themes_file:
        out.append(theme_section(run))
        if run.segments:
            out.append(share_section(run, run.segments, False))
        if run.periods:
            out.append(share_section(run, run.periods, True))
        if run.cells:
            out.append(share_section(run, run.cells, True, segment=True))
    terms = terms_section(run)
    if terms is not None:
        out.append(terms)
    return out


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def examples(run: CommentRun) -> list[tuple[str, list[str]]]:
    return [(t.theme, [_cut(e) for e in t.examples]) for t in run.report.themes if t.examples] if run.themes_file else []


def terms_csv_text(run: CommentRun, raw: bool = False) -> str:
    """Without --themes the distinctive terms are the answer, so the CSV is them: one row per term, as in JSON."""
    return csv_rows.table(TERM_FIELDS, run.term_rows(), raw)


def csv_text(run: CommentRun, raw: bool = False) -> str:
    """A tidy table: one row per theme over all comments (then the untagged row), then one per theme
    and segment, period, or segment × period; the segment columns after ``metric``, empty on the overall rows."""
    return csv_rows.table(run.columns(), run.rows(), raw)


def write(run: CommentRun, fmt: Format, terminal: Terminal, csv_raw: bool = False) -> None:
    """The run on stdout in the chosen format."""
    if fmt in (Format.json, Format.jsonl):  # one document: JSON Lines of one line
        from .json_doc import dumps

        terminal.stdout.write(dumps(run.to_dict(), pretty=terminal.stdout_is_tty and fmt is Format.json))
    elif fmt is Format.csv:
        terminal.stdout.write(csv_text(run, csv_raw) if run.themes_file else terms_csv_text(run, csv_raw))
    elif fmt is Format.markdown:
        from .markdown import table_lines

        lines: list[str] = []
        for section in sections(run):
            lines += table_lines(section) + [""]
        if (nothing := no_terms(run)) is not None:
            lines += [nothing, ""]
        shown = examples(run)
        if shown:
            lines += table_lines(Section("Recent comments per theme", ["Theme", "Comment"], set(), [Line([theme, text]) for theme, said in shown for text in said])) + [""]
        terminal.stdout.write("\n".join(lines))
    else:
        from . import table

        console = terminal.out()
        for section in sections(run):
            table.show(section, console)
        if (nothing := no_terms(run)) is not None:
            console.print(Text(nothing))
        shown = examples(run)
        if shown:
            console.print(Text("Recent comments per theme", style="italic"))
            for theme, said in shown:
                console.print(Text(printable(theme), style="bold"))
                for text in said:
                    console.print(Padding(Text(printable(f"“{text}”")), (0, 0, 0, 2), expand=False))
