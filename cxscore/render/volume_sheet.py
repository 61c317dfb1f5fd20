"""The workbook sheet ``Volume`` (工单量): tickets created, solved and open at each period's end, with
the change of created, one row per segment × period, the notes under it, and a native chart of the
overall series — added to ``cxscore report`` (given ``--created``/``--solved``) and written alone by
``cxscore volume --output``."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils import get_column_letter

from ..volume import VolumeReport
from .cells import COUNT, LOW_N, P_VALUE, Sheet, printable_sheet, text
from .charts import LINE, style_line
from .output import write_workbook

TITLES = {"en": "Volume", "zh": "工单量"}
HEADERS = {
    "en": ["Period", "Start", "End", "Created", "Δ created", "Δ %", "p adj.", "Solved", "Unknown state", "Open at end", "Partial", "Open missing (est.)"],
    "zh": ["周期", "开始", "结束", "新建", "新建变化", "变化 %", "校正 p", "已解决", "状态不明", "期末未解决", "不完整周期", "缺失未解决（估）"],
}
DIFF, PCT = "+#,##0;-#,##0;0", '+0.0"%";-0.0"%";0.0"%"'
FORMATS = [None, "yyyy-mm-dd", "yyyy-mm-dd", COUNT, DIFF, PCT, P_VALUE, COUNT, COUNT, COUNT, None, "0.0"]
PARTIAL = {"en": "partial", "zh": "不完整"}


def add_sheet(wb: Workbook, run: VolumeReport, lang: str = "en") -> None:
    """The sheet, appended to ``wb``: the table (everyone first), the notes and warnings under it, the chart beside it."""
    ws = wb.create_sheet(TITLES[lang])
    sheet = Sheet(ws)
    sheet.header([*run.by, *HEADERS[lang]])
    first = sheet.last + 1
    for row in run.rows:
        change = row.change or {}
        values = [*(row.segment.get(name, "All" if not row.segment else "") for name in run.by), row.period, row.start, row.end, row.created,
                  change.get("diff"), change.get("pct"), change.get("p_adjusted"), row.solved, row.unknown, row.open_at_end,
                  PARTIAL[lang] if row.partial else None, row.history_missing if row.history_incomplete else None]
        r = sheet.row(values, [*[None] * len(run.by), *FORMATS], bold=bool(run.by) and not row.segment)
        if row.partial:
            for c in range(1, len(values) + 1):
                ws.cell(row=r, column=c).font = LOW_N
    last = sheet.last
    sheet.row([])
    columns = run.columns
    sheet.row([f"Tickets by {run.period}: created {columns['created']!r}, solved {columns['solved']!r}"
               + (f", status {columns['status']!r}" if columns["status"] else "")
               + ". Open at end: created by the period's end and not solved by then. Δ: created against the previous period "
               "(exact conditional Poisson test per day, Benjamini–Hochberg adjusted; partial periods not tested)."])
    for line in [*run.notes, *run.warnings, *(f"alert: {alert}" for alert in run.alerts)]:
        sheet.row([line])
    sheet.finish(filter_rows=last)
    overall = [i for i, row in enumerate(run.rows) if not row.segment]
    if len(overall) > 1:
        ws.add_chart(_chart(ws, len(run.by), first, first + len(overall) - 1), f"{get_column_letter(len(run.by) + len(FORMATS) + 2)}2")


def _chart(ws, lead: int, top: int, bottom: int) -> BarChart:
    """Created and solved as columns, open at end as a line on its own axis, per period (everyone)."""
    periods = Reference(ws, min_col=lead + 1, min_row=top, max_row=bottom)
    bars = BarChart()
    bars.title = ws.title
    for column in (lead + 4, lead + 8):  # Created, Solved
        bars.add_data(Reference(ws, min_col=column, min_row=top - 1, max_row=bottom), titles_from_data=True)
    bars.set_categories(periods)
    bars.y_axis.title = ws.cell(row=top - 1, column=lead + 4).value
    bars.y_axis.majorGridlines = None
    line = LineChart()
    line.add_data(Reference(ws, min_col=lead + 10, min_row=top - 1, max_row=bottom), titles_from_data=True)  # Open at end
    style_line(line.series[0], LINE)
    line.y_axis.axId = 200
    line.y_axis.crosses = "max"
    bars += line
    bars.width, bars.height = 24, 9
    return bars


def write(run: VolumeReport, path: str) -> Path:
    """``cxscore volume --output FILE.xlsx``: a workbook with the sheet alone, written atomically."""
    def build() -> Workbook:
        wb = Workbook()
        wb.remove(wb.active)
        add_sheet(wb, run)
        printable_sheet(wb.worksheets[0], text(f"cxscore volume · {run.period}"))
        wb.properties.creator = "cxscore"
        return wb

    return write_workbook(path, "volume", build, run.inputs)
