"""``cxscore drivers --output FILE.xlsx``: the sheet ``Drivers`` — the ranked table, the model's R²
and n, a native scatter chart of importance against performance with the quadrant lines, and with
--by the segments' headroom under the chart."""
from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import Marker
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties

from ..keydrivers import DriverRun
from .cells import AMBER, GREEN, Sheet, printable_sheet, text
from .drivers_words import WORDS, headroom_words, score_label
from .charts import LINE, TARGET
from .output import write_workbook

HEADERS = WORDS["en"]["headers"]
FORMATS = [None, None, "0.0", "0.0", "0.0", "0.00", "+0.00;-0.00", "0.00", "0.0", None]
#: Quadrants coloured as the table reads them: fix first red-ish amber, keep green.
FILLS = {"fix first": AMBER, "keep": GREEN}
#: Segments the headroom table lists at most (largest first): 200,000 customers took minutes to write and no one reads them in a sheet.
HEADROOM_ROWS = 100
#: Rows the scatter chart covers (11 cm ≈ 22 rows) and one to spare: the headroom table starts below it.
CHART_ROWS = 24


def performance(run: DriverRun, lang: str = "en") -> tuple[list[float], str, bool]:
    """Each driver's performance as the quadrants split it — top-two-box % when every driver has one,
    else the mean — its label, and whether it is the top-two-box %."""
    drivers = run.analysis.drivers
    if all(not math.isnan(d.top_two) for d in drivers):
        return [d.top_two for d in drivers], WORDS[lang]["top_two"], True
    return [d.mean for d in drivers], WORDS[lang]["mean"], False


def build(run: DriverRun) -> Workbook:
    """The workbook (not yet saved): one sheet, the table at the top, the chart beside it."""
    wb = Workbook()
    ws = wb.active
    ws.title = WORDS["en"]["sheet"]
    fill(ws, run)
    printable_sheet(ws, text(f"cxscore drivers · {run.analysis.outcome}"))
    wb.properties.creator = "cxscore"
    return wb


def add_to_report(wb: Workbook, run: DriverRun, lang: str = "en") -> None:
    """``cxscore report``'s sheet Drivers (驱动因素), appended: the report writer adds other runs'
    sheets before its Data quality (excel.build's ``extra``)."""
    fill(wb.create_sheet(WORDS[lang]["sheet"]), run, lang)


def fill(ws, run: DriverRun, lang: str = "en") -> None:
    """The sheet: the ranked table, R² and n and the guards' warnings under it, the chart below, and with --by the headroom under the chart."""
    a, w = run.analysis, WORDS[lang]
    sheet = Sheet(ws)
    sheet.header(w["headers"])
    columns = run.columns
    for d in a.drivers:
        top = None if math.isnan(d.top_two) else d.top_two
        sheet.row([d.name, columns.get(d.name), d.share, d.low, d.high, d.p_first, d.correlation, d.mean, top, w["quadrants"].get(d.quadrant, d.quadrant)],
                  FORMATS, fill=FILLS.get(d.quadrant))
    last = sheet.last
    sheet.row([])
    sheet.row([w["caption"].format(outcome=a.outcome, method=w["methods"][a.method], r2=a.r2, n=a.n, incomplete=a.incomplete, resamples=a.resamples)])
    for warning in a.warnings:
        sheet.row([w["warning"].format(warning)])
    anchor = sheet.last + 2
    if run.headroom is not None:
        sheet.last = anchor + CHART_ROWS
        headroom(sheet, run, lang)
    sheet.finish(filter_rows=last)
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width, 12)
    ws.add_chart(scatter(ws, run, last, lang), f"A{anchor}")


def headroom(sheet: Sheet, run: DriverRun, lang: str = "en") -> None:
    """The --by segments by headroom: n, the score and its interval, headroom in points (full precision, shown to one decimal)."""
    h, w = run.headroom, WORDS[lang]
    if h is None:
        return
    title, caption = headroom_words(run, h, lang)
    fmt = "0.00" if run.outcome.kind.style == "mean" else "0.0"
    sheet.row([title], bold=True)
    sheet.row([*h.by, "n", score_label(run, lang), w["low"], w["high"], w["headroom"]], bold=True)
    width = len(h.by)
    for r in h.segments[:HEADROOM_ROWS]:
        sheet.row([*r.segment, r.n, r.score, r.low, r.high, r.headroom], [*([None] * width), "#,##0", fmt, fmt, fmt, "+0.0"])
    sheet.row([caption])
    if len(h.segments) > HEADROOM_ROWS:
        sheet.row([w["capped"].format(shown=HEADROOM_ROWS, count=len(h.segments), by=" --by ".join(h.by))])


def scatter(ws, run: DriverRun, last: int, lang: str = "en") -> ScatterChart:
    """One labelled point per driver (x performance, y importance) and the quadrant lines: importance
    at 100/drivers, performance at the drivers' mean — drawn from cells beside the table."""
    w = WORDS[lang]
    values, label, top_two = performance(run, lang)
    p = len(values)
    col = len(HEADERS) + 2  # two helper columns, out of the table's filter
    split_x, split_y = sum(values) / p, 100.0 / p
    shares = [d.share for d in run.analysis.drivers]
    step = 5.0 if top_two else 0.5  # axis bounds on round numbers: 30 to 80, not 30.742…
    low_x, high_x = step * math.floor(min(values) * 0.95 / step), step * math.ceil(max(values) * 1.05 / step)
    high_y = max(shares) * 1.1
    guide = last + 3
    points = [*zip(values, shares), (split_x, 0.0), (split_x, high_y), (low_x, split_y), (high_x, split_y)]
    for r, (x, y) in zip([*range(2, 2 + p), *range(guide, guide + 4)], points):
        ws.cell(row=r, column=col, value=x).number_format = "0.0"
        ws.cell(row=r, column=col + 1, value=y).number_format = "0.0"
    ws.cell(row=1, column=col, value=label)
    ws.cell(row=1, column=col + 1, value=w["importance"])
    chart = ScatterChart()
    chart.title = w["chart"].format(outcome=run.analysis.outcome)
    chart.style = 13
    chart.x_axis.title, chart.y_axis.title = label, w["importance"]
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.x_axis.scaling.min, chart.x_axis.scaling.max = low_x, high_x
    chart.x_axis.number_format = chart.y_axis.number_format = "0" if step >= 1 else "0.0"
    for r, d in enumerate(run.analysis.drivers, start=2):
        series = Series(Reference(ws, min_col=col + 1, min_row=r), Reference(ws, min_col=col, min_row=r), title=d.name)
        series.marker = Marker(symbol="circle", size=8)
        series.marker.graphicalProperties = GraphicalProperties(solidFill=LINE)
        series.graphicalProperties.line.noFill = True
        series.dLbls = DataLabelList(showSerName=True, showVal=False, showCatName=False, showLegendKey=False, dLblPos="r")
        chart.series.append(series)
    for start, name in ((guide, w["mean_performance"]), (guide + 2, w["mean_importance"])):
        series = Series(Reference(ws, min_col=col + 1, min_row=start, max_row=start + 1), Reference(ws, min_col=col, min_row=start, max_row=start + 1), title=name)
        series.marker = Marker(symbol="none")
        series.graphicalProperties.line = LineProperties(solidFill=TARGET, w=12700, prstDash="dash")
        chart.series.append(series)
    chart.legend = None
    chart.width, chart.height = 18, 11
    return chart


def write(run: DriverRun, output: str) -> Path:
    """Write the workbook atomically; an input is never overwritten."""
    return write_workbook(output, "drivers", lambda: build(run), run.inputs)
