"""What people see, independent of how it is drawn: sections of display rows shared by table and Markdown."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..kinds import KINDS
from ..model import MetricInfo, Report, ResultRow
from . import display


@dataclass
class Line:
    cells: list[str]
    low_n: bool = False
    mark: str | None = None  # "good" | "bad": colours the cell at mark_column (the Δ, or a target's status)
    overall: bool = False
    mark_column: int = -1


@dataclass
class Section:
    title: str
    headers: list[str]
    right: set[int]
    lines: list[Line] = field(default_factory=list)
    caption: str = ""
    short: set[int] = field(default_factory=set)  # label columns that give up width first in narrow tables (wrapped, never cut)
    aside: set[int] = field(default_factory=set)  # long-text columns a narrow terminal shows as lines under the table
    key: int = 1  # how many leading columns name a row (the heading of its lines under a narrow table)


def _ci(row: ResultRow) -> str:
    if row.ci_low is None:
        return "—"
    return f"{display.amount(row.ci_low, row.type)} to {display.amount(row.ci_high, row.type)}"


def _margin(row: ResultRow) -> str:
    return display.margin(row.margin, row.type)


def _change(row: ResultRow, metric: MetricInfo) -> tuple[str, str, str | None]:
    sig = row.significance
    if not sig:
        return "", "", None
    diff = display.amount(sig["diff"], row.type, sign=True)
    p = sig["p_adjusted"]
    p_text = "—" if p is None else ("<0.001" if p < 0.001 else f"{p:.3f}")
    if not sig["significant"]:
        return diff, p_text, None
    up = sig["direction"] == "up"
    return f"{diff} {'▲' if up else '▼'}", p_text, "good" if up == display.higher_is_better(metric) else "bad"


def _detectable(row: ResultRow) -> str:
    sig = row.significance
    if not sig:
        return ""
    return "—" if sig.get("mdd") is None else display.amount(sig["mdd"], row.type)


def _score(row: ResultRow, metric: MetricInfo) -> str:
    """The score, marked ⚠ when its answers contradict the metric's scale, so it is never copied without the doubt."""
    return display.score(row) + (" ⚠" if metric.scale_warning else "")


def _line(row: ResultRow, metric: MetricInfo, lead: list[str], overall: bool = False) -> Line:
    diff, p, mark = _change(row, metric)
    cells = lead + [f"{row.n:,}", _score(row, metric), _ci(row), _margin(row), diff, p, _detectable(row)]
    return Line(cells, low_n=row.low_n, mark=mark, overall=overall, mark_column=len(cells) - 3)  # the Δ


def _doubt(metric: MetricInfo) -> str:
    return f" ⚠ {metric.scale_warning}." if metric.scale_warning else ""


def formula(metric: MetricInfo) -> str:
    """The formula a call metric used (which calls it counts), as a note under its tables; empty for the others."""
    return f"{metric.name} = {metric.formula}." if metric.formula else ""


def _formula(metric: MetricInfo) -> str:
    return f" {formula(metric)}" if metric.formula else ""


def _caption(report: Report, against: str, lines: list[Line], metric: MetricInfo) -> str:
    """The legend of a breakdown table: only what its lines show (▲▼ when a Δ is marked, dim rows
    when a row is dim, Detectable and intervals when a cell has one, the interval method of its own
    metric), so a table of an untested metric (a weighted average, a ratio of shares) explains no
    test it did not run and a CSAT table names no NPS method."""
    a = report.analysis
    marked = any(("▲" in line.cells[-3] or "▼" in line.cells[-3]) for line in lines)
    tested = any(line.cells[-2] not in ("", "—") for line in lines)
    parts = []
    if marked:
        parts.append(f"▲▼ significantly {against} (Benjamini–Hochberg adjusted p < {1 - a.confidence:.2g}).")
    elif tested:
        parts.append(f"p adj.: Benjamini–Hochberg adjusted p; none is below {1 - a.confidence:.2g}.")
    if any(line.low_n for line in lines):
        parts.append(f"dim rows: n < {a.min_n}, too few answers to judge.")
    none = f"no change {'under ×10' if metric.type == 'duration' else 'the scale allows'} would be found at this n, or neither side varies"
    if any(line.cells[-1] not in ("", "—") for line in lines):
        parts.append("Detectable: the smallest Δ found with 80% power at this n" + (f" (—: {none})." if any(line.cells[-1] == "—" for line in lines) else "."))
    elif any(line.cells[-1] == "—" for line in lines):
        parts.append(f"Detectable —: {none}.")
    intervals = any(line.cells[-5] != "—" for line in lines)
    if intervals and (words := KINDS[metric.type].interval_words(a.nps_interval)):
        parts.append(f"{display.level(a.confidence)} intervals: {words}.")
    if metric.type == "duration" and (intervals or marked or tested):  # a weighted average is no median; a mark or p says which test made it, interval or none
        test = (", tested with Mood's median test" if intervals else "; Δ tested with Mood's median test") if marked or tested else ""
        parts.append("Durations: medians" + (" with order-statistic intervals" if intervals else "") + test + ".")
    return " ".join(parts)


def summary(report: Report) -> Section:
    """One line per metric, everyone, all time."""
    rows = sum(i.rows for i in report.inputs)
    names = ", ".join(i.path for i in report.inputs)
    section = Section(
        f"cxscore · {rows:,} rows · {names}",
        ["Metric", "Column", "Scale", "n", "Blank", "Invalid", "Score", f"{display.level(report.analysis.confidence)} CI", "Details"],
        {3, 4, 5, 6, 7},
        short={0, 1},
        aside={1, 8},
    )
    info = {m.name: m for m in report.metrics}
    overall = [row for row in report.results if row.kind == "overall"]
    benchmarked = any(row.benchmark for row in overall)
    targeted = any(row.target is not None for row in overall)
    if benchmarked:
        section.headers.append("vs benchmark")
        section.aside.add(len(section.headers) - 1)
    if targeted:
        section.headers.append("Target")
    for row in overall:
        metric = info[row.metric]
        cells = [f"{row.metric} ({display.SCORE_LABEL[row.type]})", metric.column, display.scale_of(metric), f"{row.n:,}", f"{row.blank:,}", f"{row.invalid:,}",
                 _score(row, metric), _ci(row), display.details(row)]
        if benchmarked:
            cells.append(_benchmark(row))
        if targeted:
            cells.append("" if row.target is None else f"{_target(row)}: {row.status}")
        status = {"missed": "bad", "met": "good"}.get(row.status or "")
        section.lines.append(Line(cells, low_n=row.low_n, mark=status if targeted else None, mark_column=len(cells) - 1))
    notes = [f"dim rows: n < {report.analysis.min_n}."] if any(line.low_n for line in section.lines) else []
    notes += sorted({f"{b['id']}: {b['source']}, {b['year']} ({b['quality']})." for row in overall if (b := row.benchmark)})  # a full stop each: they are joined
    notes += [f"⚠ {m.scale_warning}." for m in report.metrics if m.scale_warning]
    left_out = {q.metric: q.not_applicable for q in report.quality if q.not_applicable}
    notes += [formula(m) + (f" {left_out[m.name]:,} row{'' if left_out[m.name] == 1 else 's'} not counted (outside the formula's denominator or the metric's of: rows)." if m.name in left_out else "")
              for m in report.metrics if m.formula]
    section.caption = " ".join(notes)
    return section


def _target(row: ResultRow) -> str:
    """A target in its value's units, as the alert line writes it (``4h``, ``90%``, ``30``)."""
    style = display.get(row.type).style
    return display.duration(row.target, setting=True) if style == "duration" else f"{row.target:g}{'%' if style == 'pct' else ''}"


def _benchmark(row: ResultRow) -> str:
    b = row.benchmark
    if not b:
        return "—"
    if display.get(row.type).style == "duration":  # 46s, not 46
        gap, value = display.duration(b["gap"], sign=True), display.duration(b["value"])
    else:
        gap, value = "—" if b["gap"] is None else display.number(b["gap"], 1, sign=True), f"{b['value']:g}"
    return f"{gap} vs {value} ({b['industry']}, {b['year']}) · {b['position'] or 'n/a'}"


def _trend(rows: list[ResultRow], confidence: float) -> str:
    """The --trend slope of everyone's latest period, for the period table's caption."""
    t = next((r.trend for r in reversed(rows) if r.kind == "period" and r.trend), None)
    if t is None:
        return ""
    mark = {"up": " ▲", "down": " ▼"}.get(t["direction"], "")
    return f" Trend over the last {t['periods']} periods: {t['slope']:+.2f} per period ({display.level(confidence)} CI {t['ci_low']:+.2f} to {t['ci_high']:+.2f}){mark}."


def breakdowns(report: Report) -> list[Section]:
    """Per metric: segments against the rest, the trend, and segment × period."""
    sections = []
    info = {m.name: m for m in report.metrics}
    by, period = report.analysis.by, report.analysis.period
    tail = ["n", "Score", f"{display.level(report.analysis.confidence)} CI", "±", "Δ", "p adj.", "Detectable"]
    for metric in report.metrics:
        rows = [r for r in report.results if r.metric == metric.name]
        overall = next(r for r in rows if r.kind == "overall")
        label = f"{metric.name} ({display.SCORE_LABEL[metric.type]})"
        on = f" · scale {display.scale_of(metric)}" if metric.scale or metric.groups else "" if display.higher_is_better(metric) else " · lower is better"
        if by:
            section = Section(f"{label} by {' × '.join(by)} — Δ against the rest{on}", by + tail, set(range(len(by), len(by) + 7)))
            section.lines.append(_line(overall, info[metric.name], ["All"] + [""] * (len(by) - 1), overall=True))
            section.lines += [_line(r, metric, [str(v) for v in r.segment.values()]) for r in rows if r.kind == "segment"]
            section.caption = (_caption(report, "above or below the rest", section.lines, metric) + _doubt(metric) + _formula(metric)).strip()
            sections.append(section)
        if period:
            section = Section(f"{label} by {period} — Δ against the previous {period}{on}", [period.capitalize()] + tail, set(range(1, 8)))
            section.lines += [_line(r, metric, [r.period or ""]) for r in rows if r.kind == "period"]
            section.caption = (_caption(report, "up or down on the previous period", section.lines, metric) + _trend(rows, report.analysis.confidence) + _doubt(metric) + _formula(metric)).strip()
            sections.append(section)
        if by and period:
            section = Section(f"{label} by {' × '.join(by)} and {period}{on}", by + [period.capitalize()] + tail, set(range(len(by) + 1, len(by) + 8)))
            section.lines += [_line(r, metric, [str(v) for v in r.segment.values()] + [r.period or ""]) for r in rows if r.kind == "cell"]
            section.caption = (_caption(report, "up or down on the previous period", section.lines, metric) + _doubt(metric) + _formula(metric)).strip()
            sections.append(section)
    return sections


def distributions(report: Report) -> list[Section]:
    """Count and share at every scale point, per metric (everyone, all time)."""
    sections = []
    for row in report.results:
        if row.kind != "overall" or row.distribution is None:
            continue
        section = Section(f"{row.metric}: answers per scale point", ["Answer", "Count", "%", ""], {0, 1, 2})
        for point in row.distribution:
            share = point["pct"] or 0.0
            section.lines.append(Line([str(point["point"]), f"{point['count']:,}", display.pct(point["pct"]), "█" * round(share / 2)]))
        sections.append(section)
    return sections


#: Comments a table or Markdown shows per metric and band (-f csv and json give all that were collected).
SHOWN_COMMENTS = 5
#: Characters of a comment a table or Markdown shows (a pasted e-mail thread would fill the screen).
SHOWN_CHARACTERS = 300


def comments(report: Report) -> list[Section]:
    """With --comments: what customers said, the most recent few of each metric's unhappy and happy band."""
    if report.comments is None:
        return []
    by = list(report.analysis.by)
    section = Section(f"What customers said · {report.analysis.comment_column} · ", ["Metric", "Band", "Score", "Date", *by, "Comment"], {2})
    shown: dict[tuple[str, str], int] = {}
    for c in report.comments:
        count = shown[(c.metric, c.band)] = shown.get((c.metric, c.band), 0) + 1
        if count <= SHOWN_COMMENTS:
            section.lines.append(Line([c.metric, c.band.replace("_", " "), str(c.score), (c.date or "—")[:10], *[str(c.segment.get(k, "")) for k in by], _shorten(c.comment)]))
    # "the 5 most recent" only when a band had more than 5 (with --comments 3, three are shown, not five)
    cut = any(count > SHOWN_COMMENTS for count in shown.values())
    section.title += f"the {SHOWN_COMMENTS} most recent per band (all of them: -f csv)" if cut else "the most recent per band (all collected)"
    if not section.lines:
        section.caption = "No comments in these bands."
    return [section]


def _shorten(comment: str) -> str:
    return comment if len(comment) <= SHOWN_CHARACTERS else comment[: SHOWN_CHARACTERS - 1] + "…"


def sections(report: Report) -> list[Section]:
    return [summary(report), *breakdowns(report), *distributions(report), *comments(report)]
