"""The Dashboard sheet: how each metric is doing now, what changed, what alerted, who is best and worst.

It reads the statuses and alerts the run computed (``targets.judge``) and never judges again, so the
workbook, the ``alert:`` lines on stderr and the exit code always agree.
"""
from __future__ import annotations

from typing import Any, cast

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..kinds import get
from ..model import MetricInfo, Report, ResultRow, periods_in_order
from . import charts, display
from .cells import AMBER, BOLD, COUNT, GREEN, GREY, PCT, RED, Look, formatted, held, looks, put, text, written

TILE = 4  # columns per metric tile: label, value, change, a gap
BIG = Font(bold=True, size=20)
BIG_LOW_N = Font(bold=True, size=20, italic=True, color="808080")  # a latest period with too few answers (a partial week)
TITLE = Font(bold=True, size=14)
CHART_CM, CHART_ROWS = 7.5, 15  # a trend chart's height and the 15-point rows it covers (0.53 cm each)
STATUS_FILL = {"met": GREEN, "missed": RED, "not enough data": GREY}


def is_service(m: MetricInfo) -> bool:
    """A service KPI — a duration, a rate, any kind without survey answer bands — tiled in the Dashboard's Service row."""
    return not get(m.type).comment_bands


def value_words(m: MetricInfo, t: dict) -> str:
    """What a service KPI's value is, in the workbook's language: ``median``, ``中位数``."""
    label = display.SCORE_LABEL[m.type]
    return t.get(f"label_{label}", label)


def heading(m: MetricInfo, t: dict) -> str:
    """A tile's or chart's title: ``nps (NPS)``, and for a service KPI what its value is, ``frt (median)``."""
    return f"{m.name} ({value_words(m, t) if is_service(m) else m.type.upper()})"


def groups(report: Report) -> list[list[MetricInfo]]:
    """The Dashboard's rows of tiles: survey scores, then service KPIs (each row only when it has metrics)."""
    return [g for g in ([m for m in report.metrics if not is_service(m)], [m for m in report.metrics if is_service(m)]) if g]


def latest(report: Report, metric: str) -> ResultRow:
    """The row a tile shows: everyone in the latest period with enough answers to judge (a last, partial
    week of one answer is no headline: the tile says so, see :func:`newer`), else the latest period; all
    time without periods."""
    rows = [r for r in report.results if r.metric == metric and r.kind in ("overall", "period")]
    periods = periods_in_order(rows)
    if not periods:
        return next(r for r in rows if r.period is None)
    by_period = {r.period: r for r in rows if r.kind == "period"}
    judged = [p for p in periods if not by_period[p].low_n]
    return by_period[judged[-1] if judged else periods[-1]]


def newer(report: Report, metric: str, shown: ResultRow) -> list[ResultRow]:
    """The periods after the one a tile shows (each too few to judge), oldest first."""
    rows = [r for r in report.results if r.metric == metric and r.kind == "period"]
    periods = periods_in_order(rows)
    if shown.period not in periods:
        return []
    later = set(periods[periods.index(shown.period) + 1:])
    return [r for p in periods for r in rows if r.period == p and p in later]


def best_and_worst(report: Report, metric: MetricInfo, k: int = 3) -> tuple[list[ResultRow], list[ResultRow]]:
    """Up to k best and k worst segments (all time) with enough answers to judge, never the same segment twice.
    Best is the lowest score where a higher score is worse (a CES where higher is harder)."""
    rows = sorted((r for r in report.results if r.metric == metric.name and r.kind == "segment" and not r.low_n and r.value is not None),
                  key=lambda r: cast(float, r.value), reverse=display.higher_is_better(metric))
    top = rows[: min(k, (len(rows) + 1) // 2)]
    bottom = rows[len(top):][-k:][::-1]
    return top, bottom


def _change(row: ResultRow, at: Look | None = None) -> str | None:
    """A change and its mark; ``at``: a duration tile's held look, so the change is in the tile's unit."""
    sig = row.significance
    if not sig or sig.get("diff") is None:
        return None
    mark = (" ▲" if sig["direction"] == "up" else " ▼") if sig["significant"] else ""
    return (written(at, sig["diff"], diff=True) if at else display.amount(sig["diff"], row.type, sign=True)) + mark


def dashboard(wb: Workbook, report: Report, t: dict, covers: str, trend_columns: dict[str, dict[str, int]], trend_rows: int) -> None:
    """The first sheet. ``trend_columns`` holds the Trend sheet's columns per metric (score, target), ``trend_rows`` its last table row."""
    ws = wb.create_sheet(t["Dashboard"], 0)
    periods = periods_in_order(r for r in report.results if r.kind == "period")
    put(ws, 1, 1, t["Dashboard"]).font = TITLE
    a = report.analysis
    put(ws, 2, 1, f"{t['covers']}: {covers}")
    at, rows, widest = looks(report), groups(report), max(len(g) for g in groups(report))
    row = 4
    for group in rows:
        if is_service(group[0]):  # survey tiles start at once; the service row says what it holds
            put(ws, row, 1, t["service"]).font = TITLE
            row += 1
        row = max(_tile(ws, row, 1 + i * TILE, m, latest(report, m.name), t, at[m.name], newer(report, m.name, latest(report, m.name)))
                  for i, m in enumerate(group)) + 2
    row += 1
    put(ws, row, 1, t["alerts"]).font = TITLE
    quiet = t["no_alerts"] if any(r.target is not None for r in report.results) else t["no_targets"]
    for alert in report.alerts or [quiet]:
        row += 1
        cell = put(ws, row, 1, alert)
        cell.fill, cell.alignment = RED if report.alerts else GREEN, Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=widest * TILE - 1)
        ws.row_dimensions[row].height = 15 * (1 + len(alert) // (40 * widest))
    row += 2
    if a.by:
        put(ws, row, 1, f"{t['best_worst']} ({' × '.join(a.by)})").font = TITLE
        for group in rows:  # under each row of tiles' columns, so a ranking sits under its metric
            row = max(_ranking(ws, row + 1, 1 + i * TILE, m, report, t, at[m.name]) for i, m in enumerate(group)) - 1
        row += 1
    if periods:
        put(ws, row, 1, t["Trend"]).font = TITLE
        for group in rows:
            for i, m in enumerate(group):
                trend = [r for r in report.results if r.metric == m.name and r.kind == "period"]
                high = max([v for r in trend for v in (r.value, r.target) if v is not None], default=0.0)
                chart = charts.trend(wb[t["Trend"]], text(heading(m, t)), m.type, t["score"], t["period"], (1, trend_rows),
                                     trend_columns[m.name]["score"], target=trend_columns[m.name].get("target"), look=tile_look(at[m.name], m, latest(report, m.name)), high=high,
                                     period=report.analysis.period)
                chart.legend = None
                charts.compact(chart, text(heading(m, t)), CHART_CM)
                ws.add_chart(chart, f"{get_column_letter(1 + i * TILE)}{row + 1}")
            row += CHART_ROWS
    for i in range(widest):  # a duration's score in large type ("23h 59m") needs a wider value column than "+12.1"
        wide = any(i < len(group) and get(group[i].type).style == "duration" for group in rows)
        for c, w in enumerate((18, 17 if wide else 14, 12, 3)):
            ws.column_dimensions[get_column_letter(1 + i * TILE + c)].width = w


def tile_look(at: Look, m: MetricInfo, row: ResultRow) -> Look:
    """A duration tile's look, held to the unit of its largest value (see :func:`held`); its trend chart
    under it draws its axis in that unit too. Other kinds' looks as they are."""
    if get(m.type).style != "duration":
        return at
    bench = row.benchmark or {}
    return held(at, [row.value, row.ci_low, row.ci_high, row.components.get("p90"), row.margin, row.target,
                     bench.get("value"), bench.get("gap"), (row.significance or {}).get("diff")])


def _tile(ws, top: int, left: int, m: MetricInfo, row: ResultRow, t: dict, at: Look, later: list[ResultRow]) -> int:
    """One metric's tile from row ``top``; returns its last row. A service KPI is headed by what its
    value is (``frt (median)``), and a duration shows its p90 where a score shows its ± (a median's
    interval is not symmetric; the tail is what an SLA is set on) and its share within target. A duration
    tile is written in one unit, the one of its largest value (``3.0 d`` over ``2.9 d – 3.7 d``, p90 ``10.8 d``)."""
    head = put(ws, top, left, heading(m, t))
    head.font = Font(bold=True, size=12)
    ws.merge_cells(start_row=top, start_column=left, end_row=top, end_column=left + 2)
    bench = row.benchmark or {}
    duration = get(m.type).style == "duration"
    at = tile_look(at, m, row)
    fmt, cell = at.score, at.cell
    tail = "p90" in get(m.type).components  # a weighted average of summary rows is shown as a duration but has no p90 (nor ±: "—")
    lines: list[tuple[str, Any, str | None]] = [
        (t["period"], (row.period or t["all_time"]) + (f" ({t['newer_low_n'].format(periods=', '.join(f'{r.period} n = {r.n:,}' for r in later))})" if later else ""), None),
        (t["score"], cell(row.value), fmt),
        (t["interval"], None if row.ci_low is None else f"{written(at, row.ci_low) if duration else display.amount(row.ci_low, m.type)} – "
                        f"{written(at, row.ci_high) if duration else display.amount(row.ci_high, m.type)}", None),
        (t["n"], f"{row.n:,} ({t['low_n_word']})" if row.low_n else row.n, COUNT),
        ("p90", cell(row.components.get("p90")), fmt) if tail else (t["margin"], cell(row.margin), at.margin),
        (t["diff_prev"], _change(row, at if duration else None), None),
        (t["target"], cell(row.target), fmt),
        (t["status"], t.get(row.status, row.status) if row.status else None, None),
        (t["benchmark"], cell(bench.get("value")), fmt),
        (t["benchmark_source"], f"{bench['source']}, {bench['year']}" if bench else None, None),
        (t["gap"], cell(bench.get("gap")), at.diff),
    ]
    if duration and row.components.get("within_pct") is not None:
        lines.append((t["within"], row.components["within_pct"], PCT))
    if m.formula:  # a call service level, abandonment or answer rate: which calls it counts
        lines.append((t["formula"], m.formula, None))
    for offset, (label, value, number_format) in enumerate(lines, start=1):
        head = put(ws, top + offset, left, label)
        head.font, head.alignment = BOLD, Alignment(vertical="top")
        shown = put(ws, top + offset, left + 1, "—" if value is None else value)
        if isinstance(value, str) and len(value) > 12:  # a long text spans the value and change columns, wrapped
            ws.merge_cells(start_row=top + offset, start_column=left + 1, end_row=top + offset, end_column=left + 2)
            shown.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[top + offset].height = max(ws.row_dimensions[top + offset].height or 15, 15 * (1 + len(value) // 26))
        else:
            shown.alignment = Alignment(horizontal="right")
        if value is not None:
            formatted(shown, number_format, step=not duration)
        if label == t["score"]:
            shown.font = BIG_LOW_N if row.low_n else BIG
            ws.row_dimensions[top + offset].height = 30
            if m.scale_warning:  # the answers contradict the scale: the big number must not travel without it
                doubt = put(ws, top + offset, left + 2, t["scale_doubt"])
                doubt.fill, doubt.alignment = AMBER, Alignment(wrap_text=True, vertical="top")
        if label == t["status"] and row.status:
            shown.fill = STATUS_FILL[row.status]
        if label == t["diff_prev"] and (sig := row.significance) and sig["significant"]:
            shown.fill = GREEN if (sig["direction"] == "up") == display.higher_is_better(m) else RED
    return top + len(lines)


def _ranking(ws, row: int, left: int, m: MetricInfo, report: Report, t: dict, at: Look) -> int:
    """Best and worst segments of one metric under its tile, with the difference from the rest; returns the last row used."""
    top, bottom = best_and_worst(report, m)
    for label, rows in ((t["best"], top), (t["worst"], bottom)):
        put(ws, row, left, label).font = BOLD
        put(ws, row, left + 1, t["score"]).font = BOLD
        put(ws, row, left + 2, t["diff_rest"]).font = BOLD
        for r in rows:
            row += 1
            put(ws, row, left, ", ".join(str(v) for v in r.segment.values()))
            formatted(put(ws, row, left + 1, at.cell(r.value)), at.score)
            change = put(ws, row, left + 2, _change(r))
            change.alignment = Alignment(horizontal="right")
            sig = r.significance or {}
            if sig.get("significant"):
                change.fill = GREEN if (sig["direction"] == "up") == display.higher_is_better(m) else RED
        row += 2
    return row
