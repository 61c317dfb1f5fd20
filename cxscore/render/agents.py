"""The Agents sheet: one row per agent with the service KPIs side by side — what a support lead
reads first when the report is split by assignee."""
from __future__ import annotations

import re

from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from ..kinds import get
from ..model import MetricInfo, Report, ResultRow
from . import display
from .cells import COUNT, LOW_N, Sheet, looks, put
from .dashboard import is_service, value_words

#: Headers that name who handled a ticket or call (compared case-insensitively, ``_``/``-`` as spaces):
#: Zendesk ``Assignee``, Freshdesk and call logs ``Agent``, Sobot ``deal_agent_name``, 53KF ``接待客服``.
AGENT_HEADER = re.compile(
    r"(ticket |case )?(assignee|agent|assigned to|owner|handled by|rep|representative|deal agent)( name| email)?"
    r"|agentinfo\.?\s*(username|name)|(接待|处理|负责)?客服|坐席|处理人|负责人|受理人|经办人"
)
#: Agents listed at most (the busiest); every segment stays in the Segments sheet.
MAX_AGENTS = 100


def _plain(header: str) -> str:
    return " ".join(header.replace("_", " ").replace("-", " ").split()).casefold()


def is_agent_header(header: str) -> bool:
    """Whether a header names who handled a ticket or call (Assignee, Agent, 接待客服, …)."""
    return bool(AGENT_HEADER.fullmatch(_plain(header)))


def agent_column(report: Report, named: str | None = None) -> str | None:
    """The ``--by`` column when it is the one column, names agents (its header, or the config's
    ``agent:`` given as ``named``) and a service KPI is scored; else None."""
    by = report.analysis.by
    if len(by) != 1 or not any(is_service(m) for m in report.metrics):
        return None
    agent = (named and _plain(by[0]) == _plain(named)) or AGENT_HEADER.fullmatch(_plain(by[0]))
    return by[0] if agent else None


def _columns(m: MetricInfo, t: dict) -> list[tuple[str, str]]:
    """A metric's columns: (header, what: value or a component). A duration gives median and p90."""
    if get(m.type).style == "duration":
        return [(f"{m.name} {t['median']}", "value"), (f"{m.name} p90", "p90")]
    return [(f"{m.name} {value_words(m, t)}" if is_service(m) else m.name, "value")]


def _handled(rows: list[ResultRow]) -> int:
    """Rows of an agent: the most any metric read (answered, blank or invalid; a rate's rows outside its ``of:`` are in none)."""
    return max(r.n + r.blank + r.invalid for r in rows)


def agents(wb: Workbook, report: Report, t: dict, named: str | None = None) -> None:
    """The Agents sheet (with ``--by`` an agent column, see :func:`agent_column`): agents by tickets
    handled, busiest first (capped at :data:`MAX_AGENTS`), a metric's cell grey italic where that agent
    has fewer than ``--min-n`` answers for it, each column coloured worst (red) to best (green)."""
    column = agent_column(report, named)
    if column is None:
        return
    sheet = Sheet(wb.create_sheet(t["Agents"]))
    every = looks(report)
    rows: dict[str, dict[str, ResultRow]] = {}
    for r in report.results:
        if r.kind == "segment":
            rows.setdefault(str(r.segment[column]), {})[r.metric] = r
    overall = {r.metric: r for r in report.results if r.kind == "overall"}
    layout = [(m, header, what) for m in report.metrics for header, what in _columns(m, t)]
    sheet.header([column, t["handled"], *(header for _, header, _ in layout)])
    order = sorted(rows, key=lambda agent: (-_handled(list(rows[agent].values())), agent))
    shown = order[:MAX_AGENTS]

    def line(name: str, results: dict[str, ResultRow], bold: bool = False) -> None:
        values: list = [name, _handled(list(results.values()))]
        formats: list[str | None] = [None, COUNT]
        for m, _, what in layout:
            r, at = results.get(m.name), every[m.name]
            value = None if r is None else r.value if what == "value" else r.components.get(what)
            values.append(at.cell(value))
            formats.append(at.score)
        at_row = sheet.row(values, formats, bold=bold)
        for c, (m, _, _) in enumerate(layout, start=3):
            r = results.get(m.name)
            if r is not None and r.low_n:
                sheet.ws.cell(row=at_row, column=c).font = LOW_N

    for name in shown:
        line(name, rows[name])
    last = sheet.last
    for c, (m, _, _) in enumerate(layout, start=3):
        low, high = ("F8696B", "63BE7B") if display.higher_is_better(m) else ("63BE7B", "F8696B")
        letter = get_column_letter(c)
        sheet.ws.conditional_formatting.add(f"{letter}2:{letter}{last}", ColorScaleRule(start_type="min", start_color=low, mid_type="percentile", mid_value=50, mid_color="FFEB84", end_type="max", end_color=high))
    sheet.row([])
    line(t["all"], overall, bold=True)
    notes = [t["agents_note"].format(min_n=report.analysis.min_n)]
    if len(order) > len(shown):
        notes.append(t["agents_cap"].format(shown=len(shown), count=len(order)))
    for row, note in enumerate(notes, start=sheet.last + 1):  # past the widths: a note is not what sizes the agents' column
        put(sheet.ws, row, 1, note).font = LOW_N
    sheet.finish(filter_rows=last)
