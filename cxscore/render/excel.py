"""The Excel report: Summary, Trend, Segments, Distribution, Data quality and Settings sheets, with native charts.

Numbers are written as numbers with number formats, headers are frozen and filterable, and the
file is written atomically (a temporary file in the target folder, then a rename).
"""
from __future__ import annotations

import hashlib
import math
from copy import copy
from dataclasses import fields
from datetime import date, datetime
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
from openpyxl.utils import coordinate_to_tuple, get_column_letter
from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..errors import CxError
from ..kinds import KINDS, get
from ..labels import scale_labels
from .cells import BOLD, COUNT, GREEN, GREY, LOW_N, P_VALUE, PCT, RED, Sheet, formatted, held, looks, printable_sheet, put, text, width, wrapped_lines
from . import charts, display, pages
from .agents import agents
from .dashboard import dashboard, heading
from .output import atomic_path, refuse_input
from ..model import MetricInfo, Report, ResultRow, periods_in_order
from ..settings import Settings


def _band_words(lang: str, prefix: str = "") -> dict[str, str]:
    """Every kind's bands in words (its ``band_words``), keyed ``prefix + band``."""
    return {prefix + band: word for kind in KINDS.values() for band, word in kind.band_words.get(lang, {}).items()}


def _share_headings(lang: str) -> dict[str, str]:
    """Headings of the stacked-share columns: "Promoters %"."""
    return {band: f"{word} %" for kind in KINDS.values() for band, word in kind.band_words.get(lang, {}).items() if band in kind.stacked_shares}


#: The Summary sheet's Type column in words: a kind's id upper-cased read "WEIGHTED_AVERAGE".
TYPE_WORDS = {
    "en": {"nps": "NPS", "csat": "CSAT", "ces": "CES", "duration": "Duration", "rate": "Rate (% of rows)", "service_level": "Service level",
           "abandonment": "Abandonment rate", "answer_rate": "Answer rate", "ratio": "Ratio of sums", "weighted_average": "Weighted average"},
    "zh": {"nps": "NPS", "csat": "CSAT", "ces": "CES", "duration": "时长", "rate": "达标率", "service_level": "服务水平",
           "abandonment": "放弃率", "answer_rate": "接通率", "ratio": "合计之比", "weighted_average": "加权平均"},
}


LABELS = {
    "en": {
        "Summary": "Summary", "Trend": "Trend", "Segments": "Segments", "Distribution": "Distribution",
        "Data quality": "Data quality", "Settings": "Settings",
        "metric": "Metric", "type": "Type", "column": "Column", "n": "n", "score": "Score", "ci_low": "CI low",
        "ci_high": "CI high", "margin": "±", "benchmark": "Benchmark", "benchmark_source": "Benchmark source",
        "gap": "Gap", "position": "Interval vs benchmark", "target": "Target", "status": "Status",
        "period": "Period", "diff_prev": "Δ previous", "diff_rest": "Δ rest", "p_adjusted": "p adjusted",
        "mark": "Mark", "low_n": "Low n", "point": "Answer", "count": "Count", "pct": "%", "group": "Group",
        **_share_headings("en"), **{f"type_{kind}": words for kind, words in TYPE_WORDS["en"].items()},
        "input": "Input", "format": "Format", "rows": "Rows", "encoding": "Encoding", "delimiter": "Delimiter",
        "sheet": "Sheet", "malformed": "Malformed rows", "filtered": "Filtered out", "outside_dates": "Outside dates",
        "date_blank": "Blank dates", "date_invalid": "Unparseable dates", "weight_invalid": "Invalid weights",
        "duplicates_dropped": "Earlier records dropped", "not_applicable": "Not counted (outside the formula's denominator or the metric's of: rows)",
        "selected_by": "Chosen how", "answered": "Answered", "blank": "Blank", "invalid": "Invalid",
        "examples": "Invalid examples", "warnings": "Warnings", "setting": "Setting", "value": "Value",
        "size": "Bytes", "sha256": "SHA-256", "no_trend": "Run with --period to see a trend.",
        "no_segments": "Run with --by to see segments.",
        "no_distribution": "No metric of this run has answers to count at each point (durations, the averages and ratios of summary rows, and answers given as groups have none).", "bands": "Bands", "config": "Config",
        "generated": "Generated", "version": "cxscore version", "scale": "Scale",
        "Dashboard": "Dashboard", "covers": "Data covers", "all_time": "All time", "interval": "Interval",
        "alerts": "Alerts of this run", "no_alerts": "No alerts: no target missed, no significant drop flagged.",
        "no_targets": "No alerts. No targets are set: give --fail-under or targets: in a config to be alerted.",
        "best_worst": "Best and worst segments", "best": "Best", "worst": "Worst",
        "by": "by", "all": "All", "top_bottom": "Top and bottom {shown} of {count}, by score", "shown_of": "{shown} of {count} shown: the top and bottom by score (all in the Segments sheet)",
        "low_n_word": "low n", "newer_low_n": "later: {periods}, too few to judge", "scale_doubt": "⚠ scale in doubt", "position_above": "above", "position_below": "below", "position_within": "within",
        "Segments × period": "Segments × period", "no_crosstab": "Run with --by and --period to see each segment over time.",
        "crosstab_note": "Red to green: worst to best in this grid. Grey italic: n < {min_n}, too few answers to judge.",
        "mark_note_prev": "Δ previous: the change on the previous {period}. Mark: ▲ or ▼ when that change is significant (Benjamini–Hochberg adjusted p < {alpha}); low n: n < {min_n}, too few answers to judge.",
        "mark_note_rest": "Δ rest: the segment against everyone else. Mark: ▲ or ▼ when that difference is significant (Benjamini–Hochberg adjusted p < {alpha}).",
        "mood_note": "Durations ({names}): medians; Δ tested with Mood's median test.",
        "met": "met", "missed": "missed", "not enough data": "not enough data",
        "service": "Service", "within": "Within target", "formula": "Formula",
        "Agents": "Agents", "handled": "Handled", "median": "median",
        "agents_note": "Busiest first. Grey italic: fewer than {min_n} answers for that metric, too few to judge. Red to green: worst to best in each column.",
        "agents_cap": "The {shown} busiest of {count} agents; all of them are in the Segments sheet.",
    },
    "zh": {
        "Summary": "概览", "Trend": "趋势", "Segments": "细分", "Distribution": "分布",
        "Data quality": "数据质量", "Settings": "设置",
        "metric": "指标", "type": "类型", "column": "列", "n": "样本数", "score": "得分", "ci_low": "置信下限",
        "ci_high": "置信上限", "margin": "误差范围", "benchmark": "基准", "benchmark_source": "基准来源",
        "gap": "差距", "position": "区间与基准", "target": "目标", "status": "状态",
        "period": "周期", "diff_prev": "环比变化", "diff_rest": "与其余差异", "p_adjusted": "校正p值",
        "mark": "标记", "low_n": "样本不足", "point": "选项", "count": "数量", "pct": "占比%", "group": "分组",
        **_share_headings("zh"), **{f"type_{kind}": words for kind, words in TYPE_WORDS["zh"].items()},
        "input": "输入文件", "format": "格式", "rows": "行数", "encoding": "编码", "delimiter": "分隔符",
        "sheet": "工作表", "malformed": "格式错误行", "filtered": "筛除行", "outside_dates": "日期范围外",
        "date_blank": "空日期", "date_invalid": "无法解析的日期", "weight_invalid": "无效权重",
        "duplicates_dropped": "舍弃的较早记录", "not_applicable": "未计入（不在 of: 或公式的分母内）",
        "selected_by": "识别方式", "answered": "有效回答", "blank": "空白", "invalid": "无效",
        "examples": "无效示例", "warnings": "警告", "setting": "设置项", "value": "值",
        "size": "字节数", "sha256": "SHA-256", "no_trend": "使用 --period 查看趋势。",
        "no_segments": "使用 --by 查看细分。",
        "no_distribution": "本次运行没有可按每个分值计数的指标（时长、汇总行的平均值和比率以及以分组给出的答案没有分布）。", "bands": "分段", "config": "配置",
        "generated": "生成时间", "version": "cxscore 版本", "scale": "量表",
        "Dashboard": "看板", "covers": "数据范围", "all_time": "全部时间", "interval": "置信区间",
        "alerts": "本次运行的警报", "no_alerts": "无警报：没有未达成的目标，没有显著下降。",
        "no_targets": "无警报。未设置目标：使用 --fail-under 或在配置中设置 targets: 以接收警报。",
        "best_worst": "最佳与最差细分", "best": "最佳", "worst": "最差",
        "by": "按", "all": "全部", "top_bottom": "按得分最高与最低的 {shown} 个（共 {count} 个）", "shown_of": "显示 {count} 个中的 {shown} 个：得分最高与最低者（全部见细分表）",
        "low_n_word": "样本不足", "newer_low_n": "之后：{periods}，样本不足", "scale_doubt": "⚠ 量表存疑", "position_above": "高于", "position_below": "低于", "position_within": "持平",
        "setting_confidence": "置信水平", "setting_nps_interval": "NPS 区间方法", "setting_nps_test": "NPS 检验方法",
        "setting_baseline": "基线周期数", "setting_trend": "趋势周期数", "setting_min_n": "最小样本数", "setting_by": "细分字段",
        "setting_period": "周期", "setting_date_column": "日期列", "setting_weight": "权重列", "setting_where": "筛选条件",
        "setting_since": "起始日期", "setting_until": "截止日期", "setting_benchmark": "基准行业",
        "period_day": "日", "period_week": "周", "period_month": "月", "period_quarter": "季度", "period_year": "年",
        **_band_words("zh", "band_"),  # the Settings sheet's bands (English keeps the YAML keys)
        "higher_is_easier": "分数越高越容易", "higher_is_harder": "分数越高越费力",
        "Segments × period": "细分 × 周期", "no_crosstab": "同时使用 --by 和 --period 查看各细分随时间的变化。",
        "crosstab_note": "由红到绿：本表中由差到好。灰色斜体：样本数 < {min_n}，不足以判断。",
        "mark_note_prev": "环比变化：与上一{period}相比的变化。标记：变化显著时为 ▲ 或 ▼（Benjamini–Hochberg 校正 p < {alpha}）；样本不足：样本数 < {min_n}，不足以判断。",
        "mark_note_rest": "与其余差异：该细分与其余所有人相比。标记：差异显著时为 ▲ 或 ▼（Benjamini–Hochberg 校正 p < {alpha}）。",
        "mood_note": "时长（{names}）：中位数；变化用 Mood 中位数检验。",
        "met": "达标", "missed": "未达标", "not enough data": "数据不足",
        "service": "服务指标", "within": "目标内占比", "formula": "公式",
        "Agents": "客服", "handled": "处理量", "median": "中位数",
        "label_median": "中位数", "label_% of rows": "行占比", "label_% within T": "时限内占比", "label_% abandoned": "放弃率",
        "label_% answered": "接通率", "label_% calls": "来电占比", "label_% of sums": "合计之比", "label_average": "加权平均",
        "agents_note": "按处理量排序。灰色斜体：该指标样本数少于 {min_n}，不足以判断。由红到绿：每列中由差到好。",
        "agents_cap": "显示 {count} 位客服中处理量最多的 {shown} 位；全部见细分表。",
    },
}


def _overall(report: Report, metric: str) -> ResultRow:
    return next(r for r in report.results if r.metric == metric and r.kind == "overall")


def _covers(report: Report, t: dict) -> str:
    """The periods the report covers, for the footer and the Dashboard."""
    periods = periods_in_order(r for r in report.results if r.kind == "period")
    a = report.analysis
    covers = f"{periods[0]} – {periods[-1]}" if periods else t["all_time"]
    if a.since or a.until:
        covers += f" ({(a.since or '…')[:10]} – {(a.until or '…')[:10]})"  # the dates as given, without the time filled in
    return covers


def _position(value: str | None, t: dict) -> str | None:
    """Where the interval lies against the benchmark (above, below, within), in the report's language."""
    return t[f"position_{value}"] if value else value


#: A rate's two points in words: whether a row meets what the rate counts (its condition, or its formula's numerator).
YES_NO = {"en": ("No", "Yes"), "zh": ("否", "是")}
#: How a rate's point joins its condition to its ``of:`` (the rows it counts among): Yes = both, No = ``of:`` only.
AND_NOT = {"en": (" and ", ", not "), "zh": (" 且 ", "，不满足 ")}


def _answer(m: MetricInfo, point: Any, lang: str) -> Any:
    """A scale point with its built-in label where there is one: 1 = Very dissatisfied. A rate's
    point says what was counted, ``Yes: "Reopens" > 0`` and ``No``, not ``0``/``1``; with an ``of:``
    the point says it too, since only those rows are counted (one_touch's ``Yes: "Replies" <= 1 and
    "Status" in [Solved, Closed]`` and ``No: "Status" in [Solved, Closed], not "Replies" <= 1``)."""
    counted = m.condition or (m.formula.split(" ÷ ")[0].strip("()") if m.formula else None)
    if counted and point in (0, 1):
        word, colon = YES_NO[lang][point], "：" if lang == "zh" else ": "
        if m.condition and m.of:
            both, but_not = AND_NOT[lang]
            return f"{word}{colon}{m.condition}{both}{m.of}" if point else f"{word}{colon}{m.of}{but_not}{m.condition}"
        return f"{word}{colon}{counted}" if point else word
    label = scale_labels(m.type, m.scale[0], m.scale[1], lang).get(point) if m.scale else None  # no scale: no labels
    return f"{point} = {label}" if label else point


def _status(value: str | None, t: dict) -> str | None:
    """A status in the report's language: computed once by ``targets.judge``, only rendered here."""
    return t[value] if value else value


def _summary(wb: Workbook, report: Report, t: dict) -> None:
    sheet = Sheet(wb.create_sheet(t["Summary"]))
    headers = [t[k] for k in ("metric", "type", "column", "n", "score", "ci_low", "ci_high", "margin", "benchmark", "benchmark_source", "gap", "position", "target", "status", "scale")]
    sheet.header(headers)
    every = looks(report)
    for m in report.metrics:
        row = _overall(report, m.name)
        bench = row.benchmark or {}
        fmt, diff, margin, cell = every[m.name].score, every[m.name].diff, every[m.name].margin, every[m.name].cell
        source = f"{bench['source']}, {bench['year']} ({bench['quality']})" if bench else None
        sheet.row(
            [m.name, t.get(f"type_{m.type}", m.type), m.column, row.n, cell(row.value), cell(row.ci_low), cell(row.ci_high), cell(row.margin), cell(bench.get("value")), source, cell(bench.get("gap")),
             _position(bench.get("position"), t), cell(row.target), _status(row.status, t), display.scale_of(m)],
            [None, None, None, COUNT, fmt, fmt, fmt, margin, fmt, None, diff, None, fmt, None, None],
            fill=GREY if row.low_n else None,
        )
    last = sheet.last
    if last > 1:
        status_col = get_column_letter(headers.index(t["status"]) + 1)
        met, missed = t["met"], t["missed"]
        sheet.ws.conditional_formatting.add(f"{status_col}2:{status_col}{last}", CellIsRule(operator="equal", formula=[f'"{met}"'], fill=GREEN))
        sheet.ws.conditional_formatting.add(f"{status_col}2:{status_col}{last}", CellIsRule(operator="equal", formula=[f'"{missed}"'], fill=RED))
        gap_col = get_column_letter(headers.index(t["gap"]) + 1)
        runs: list[tuple[int, int, bool]] = []  # consecutive rows alike in direction: a gap above a benchmark is good news, above a wait's bad news
        for r, m in enumerate(report.metrics, start=2):
            better = display.higher_is_better(m)
            runs = runs[:-1] + [(runs[-1][0], r, better)] if runs and runs[-1][2] == better else runs + [(r, r, better)]
        for first, end, better in runs:
            good, bad = (">", "<") if better else ("<", ">")
            cells = f"{gap_col}{first}:{gap_col}{end}"
            sheet.ws.conditional_formatting.add(cells, FormulaRule(formula=[f"AND(ISNUMBER({gap_col}{first}),{gap_col}{first}{good}0)"], fill=GREEN))
            sheet.ws.conditional_formatting.add(cells, FormulaRule(formula=[f"AND(ISNUMBER({gap_col}{first}),{gap_col}{first}{bad}0)"], fill=RED))
    sheet.finish()


def _mark(row: ResultRow) -> str | None:
    sig = row.significance
    if not sig or not sig["significant"]:
        return None
    return "▲" if sig["direction"] == "up" else "▼"


TREND_FIELDS = ["score", "ci_low", "ci_high", "n", "diff_prev", "mark"]


def _trend(wb: Workbook, report: Report, t: dict) -> tuple[dict[str, dict[str, int]], int, list[tuple[int, int]]]:
    """The Trend sheet: a row per period, a line chart per metric under the table. Returns each
    metric's columns ({"score": 2, …, "target": 8}), the last table row (no columns without periods)
    and, for a table too wide to read printed one page wide, its blocks of whole metrics' columns,
    each metric's chart under its own block (else no blocks: the charts two abreast)."""
    ws = wb.create_sheet(t["Trend"])
    sheet = Sheet(ws)
    periods = periods_in_order(r for r in report.results if r.kind == "period")
    if not periods:
        sheet.row([t["no_trend"]])
        sheet.finish()
        return {}, 1, []
    by_key = {(r.metric, r.period): r for r in report.results if r.kind == "period"}
    targets = {m.name: _overall(report, m.name).target for m in report.metrics}
    fields = {m.name: TREND_FIELDS + (["target"] if targets[m.name] is not None else []) for m in report.metrics}
    headers, columns = [t["period"]], {}
    for m in report.metrics:
        columns[m.name] = {k: len(headers) + 1 + i for i, k in enumerate(fields[m.name])}
        headers += [f"{m.name} {t[k]}" for k in fields[m.name]]
    sheet.header(headers)
    at = looks(report)
    # a duration's columns (score, interval, change, target) in one style, from the largest value: all in days or none
    shown_rows = [r for p in periods for m in report.metrics if (r := by_key.get((m.name, p))) is not None]
    scores = {m.name: held(at[m.name], [v for r in shown_rows if r.metric == m.name for v in (r.value, r.ci_low, r.ci_high)] + [targets[m.name]])
              for m in report.metrics}
    for period in periods:
        values: list[Any] = [period]
        formats: list[str | None] = [None]
        for m in report.metrics:
            row = by_key.get((m.name, period))
            cell = at[m.name].cell
            if row is None:
                values += [None] * len(fields[m.name])
            else:
                sig = row.significance or {}
                values += [cell(row.value), cell(row.ci_low), cell(row.ci_high), row.n, cell(sig.get("diff")), t["low_n_word"] if row.low_n else _mark(row)] + ([cell(targets[m.name])] if targets[m.name] is not None else [])
            fmt = scores[m.name].score
            formats += [fmt, fmt, fmt, COUNT, scores[m.name].diff, None, fmt][: len(fields[m.name])]
        sheet.row(values, formats, step=False)
    last = sheet.last
    _trend_blocks(ws, list(columns.values()), last)
    sheet.finish()  # the columns' widths, which say whether the table prints one page wide
    notes = _mark_notes(report, t, "prev", "period")
    for i, note in enumerate(notes, start=last + 2):  # under the table, above the charts: what Δ and Mark mean, and which test marked a duration
        put(ws, i, 1, note)
    blocks = pages.blocks(ws, [(min(c.values()), max(c.values())) for c in columns.values()]) if pages.scale_one_page_wide(ws) < pages.SMALLEST_SCALE else []
    places = _trend_places(ws, [columns[m.name]["score"] for m in report.metrics], blocks, last + len(notes))
    for i, m in enumerate(report.metrics):
        c = columns[m.name]
        hollow = tuple(j for j, period in enumerate(periods) if (row := by_key.get((m.name, period))) is not None and row.low_n)
        highest = [v for p in periods if (row := by_key.get((m.name, p))) is not None for v in (row.value, row.ci_high) if v is not None] + [targets[m.name] or 0.0]
        # no interval in any period (a weighted average of summary rows): no empty "CI low/high" lines in the legend
        banded = any(row.ci_low is not None for p in periods if (row := by_key.get((m.name, p))) is not None)
        chart = charts.trend(ws, text(heading(m, t)), m.type, t["score"], t["period"], (1, last), c["score"],
                             band=(c["ci_low"], c["ci_high"]) if banded else None, target=c.get("target"), hollow=hollow, look=scores[m.name], high=max(highest),
                             period=report.analysis.period)
        chart.height, chart.width = 7.5, places[i][1]
        ws.add_chart(chart, places[i][0])
    return columns, last, blocks


#: A line left of each metric's columns on the Trend sheet, so where one metric's ends shows.
BLOCK_EDGE = Border(left=Side(style="thin", color="808080"))
RIGHT_HEADER = Alignment(horizontal="right", wrap_text=True, vertical="top")
#: The change's header and values keep a space from the Mark column's.
RIGHT_SPACED = Alignment(horizontal="right", wrap_text=True, vertical="top", indent=1)
CENTRED = Alignment(horizontal="center", wrap_text=True, vertical="top")


def _mark_notes(report: Report, t: dict, against: str, kind: str) -> list[str]:
    """The legend under a table with a Mark column: what its Δ and Mark say and at what level, and for
    durations whose Δ was tested (a p shown on a ``kind`` row: period or segment) the test, Mood's median test."""
    a = report.analysis
    notes = [t[f"mark_note_{against}"].format(period=t.get(f"period_{a.period}", a.period), alpha=f"{1 - a.confidence:.2g}", min_n=a.min_n)]
    tested = {r.metric for r in report.results if r.kind == kind and r.type == "duration" and (r.significance or {}).get("p_adjusted") is not None}
    if tested:
        notes.append(t["mood_note"].format(names=", ".join(m.name for m in report.metrics if m.name in tested)))
    return notes


def _trend_blocks(ws, columns: list[dict[str, int]], last: int) -> None:
    """The Trend table's headers over their values, and its metrics apart: a number's header aligned
    right as its numbers are, the Mark column centred, a line left of each metric's columns. Left-aligned
    headers over right-aligned numbers ran together (``frt Δ previous frt Mark resolution Score``)."""
    for c in columns:
        for key, column in c.items():
            ws.cell(row=1, column=column).alignment = {"mark": CENTRED, "diff_prev": RIGHT_SPACED}.get(key, RIGHT_HEADER)
            if key in ("mark", "diff_prev"):
                for r in range(2, last + 1):
                    ws.cell(row=r, column=column).alignment = CENTRED if key == "mark" else RIGHT_SPACED
        for r in range(1, last + 1):
            ws.cell(row=r, column=c["score"]).border = BLOCK_EDGE


def _trend_places(ws, scores: list[int], blocks: list[tuple[int, int]], last: int) -> list[tuple[str, float]]:
    """Each trend chart's anchor and width (cm): two abreast under the table at A and J, or with blocks,
    under its own block (as many abreast as the block holds, narrowed to a block narrower than one)."""
    if not blocks:
        return [(f"{'A' if i % 2 == 0 else 'J'}{last + 3 + (i // 2) * 16}", 16.0) for i in range(len(scores))]
    places: list[tuple[str, float]] = []
    for block in blocks:
        inside = [i for i, col in enumerate(scores) if block[0] <= col <= block[1]]
        chart_width = min(16.0, pages.block_width(ws, block) - 0.3)
        abreast = pages.chart_columns(ws, block, chart_width)
        for j, _ in enumerate(inside):
            places.append((f"{get_column_letter(abreast[j % len(abreast)])}{last + 3 + (j // len(abreast)) * 16}", chart_width))
    return places


def _segments(wb: Workbook, report: Report, t: dict) -> None:
    """A row per metric × segment, best first, and a bar chart per metric beside the table (at most
    twelve bars: the top and bottom six, with a note, when there are more segments)."""
    ws = wb.create_sheet(t["Segments"])
    sheet = Sheet(ws)
    by = report.analysis.by
    if not by:
        sheet.row([t["no_segments"]])
        sheet.finish()
        return
    headers = [t["metric"], *by, t["n"], t["score"], t["ci_low"], t["ci_high"], t["diff_rest"], t["p_adjusted"], t["mark"], t["low_n"]]
    sheet.header(headers)
    blocks: list[tuple[MetricInfo, int, int, int]] = []  # metric, first and last row, last row with a score
    every = looks(report)
    for m in report.metrics:
        better = display.higher_is_better(m)
        rows = sorted((r for r in report.results if r.metric == m.name and r.kind == "segment"), key=lambda r: _best_first(r, better))
        if not rows:
            continue
        first = sheet.last + 1
        at = every[m.name]
        fmt, cell = at.score, at.cell
        for r in rows:
            sig = r.significance or {}
            sheet.row(
                [m.name, *[r.segment.get(k) for k in by], r.n, cell(r.value), cell(r.ci_low), cell(r.ci_high), cell(sig.get("diff")), sig.get("p_adjusted"), _mark(r), t["low_n_word"] if r.low_n else None],
                [None] * (1 + len(by)) + [COUNT, fmt, fmt, fmt, at.diff, P_VALUE, None, None],
                fill=GREY if r.low_n else None,
            )
        blocks.append((m, first, sheet.last, first + sum(r.value is not None for r in rows) - 1))  # no score sorts last
    last = sheet.last
    mark_col = get_column_letter(len(headers) - 1)
    runs: list[tuple[int, int, bool]] = []  # rows of consecutive metrics alike in direction: ▲ is green where higher is better
    for m, first, end, _ in blocks:
        better = display.higher_is_better(m)
        if runs and runs[-1][2] == better:
            runs[-1] = (runs[-1][0], end, better)
        else:
            runs.append((first if runs else 2, end, better))
    for first, end, better in runs:
        up, down = (GREEN, RED) if better else (RED, GREEN)
        ws.conditional_formatting.add(f"{mark_col}{first}:{mark_col}{end}", CellIsRule(operator="equal", formula=['"▲"'], fill=up))
        ws.conditional_formatting.add(f"{mark_col}{first}:{mark_col}{end}", CellIsRule(operator="equal", formula=['"▼"'], fill=down))
    score_col = 1 + len(by) + 2
    side = len(headers) + 2  # the charts' column; a chart of the top and bottom six also gets its rows there
    anchor = 2  # under the header row: a print repeats row 1 on every page, and with it whatever starts there
    for m, first, _, end in blocks:  # a segment with no score (n 0) has no value to rank: listed, never charted
        if end < first:
            continue
        title = text(f"{heading(m, t)} {t['by']} {' × '.join(by)}")
        shown = charts.top_and_bottom(end - first + 1)
        if len(shown) == end - first + 1:
            values = Reference(ws, min_col=score_col, min_row=first, max_row=end)
            categories = Reference(ws, min_col=2, max_col=1 + len(by), min_row=first, max_row=end)
        else:
            put(ws, anchor, side, t["top_bottom"].format(shown=len(shown), count=end - first + 1)).font = BOLD
            for j, offset in enumerate(shown, start=anchor + 1):
                put(ws, j, side, ", ".join(str(ws.cell(row=first + offset, column=c).value) for c in range(2, 2 + len(by))))
                formatted(put(ws, j, side + 1, ws.cell(row=first + offset, column=score_col).value), every[m.name].score)
            values = Reference(ws, min_col=side + 1, min_row=anchor + 1, max_row=anchor + len(shown))
            categories = Reference(ws, min_col=side, min_row=anchor + 1, max_row=anchor + len(shown))
            ws.column_dimensions[get_column_letter(side)].width = 24
        scores = [r.value for r in report.results if r.metric == m.name and r.kind == "segment" and r.value is not None]
        chart = charts.bars(ws, title, m.type, values, categories, look=every[m.name], high=max(scores, default=0.0))
        chart.height, chart.width = 7.5, 16
        ws.add_chart(chart, f"{get_column_letter(side + (2 if len(shown) < end - first + 1 else 0))}{anchor}")
        anchor += 16
    if blocks:
        for i, note in enumerate(_mark_notes(report, t, "rest", "segment"), start=last + 2):
            put(ws, i, 1, note)
    sheet.finish(filter_rows=last)


def _crosstab(wb: Workbook, report: Report, t: dict) -> None:
    """Segments × period: per metric a grid of scores, a segment a row and a period a column, coloured
    from red (worst) to green (best); a low-n cell is grey italic and says so in its note row."""
    ws = wb.create_sheet(t["Segments × period"])
    by, period = report.analysis.by, report.analysis.period
    if not (by and period):
        put(ws, 1, 1, t["no_crosstab"])
        return
    periods = periods_in_order(r for r in report.results if r.kind == "cell")
    widths = {c: max(width(k), 8) for c, k in enumerate(by, start=1)}
    top, every = 1, looks(report)
    for m in report.metrics:
        cells = {(tuple(r.segment.values()), r.period): r for r in report.results if r.metric == m.name and r.kind == "cell"}
        segments = sorted({k for k, _ in cells}, key=lambda k: [str(v) for v in k])
        if not segments:
            continue
        put(ws, top, 1, f"{heading(m, t)} {t['by']} {' × '.join(by)} × {t.get(f'period_{period}', period)}").font = BOLD
        for c, header in enumerate([*by, *periods], start=1):
            put(ws, top + 1, c, header).font = BOLD
        at = every[m.name]
        for i, key in enumerate(segments, start=top + 2):
            for c, value in enumerate(key, start=1):
                put(ws, i, c, value)
                widths[c] = max(widths.get(c, 0), min(40, width(str(value))))
            for c, p in enumerate(periods, start=len(by) + 1):
                row = cells.get((key, p))
                if row is None or row.value is None:
                    continue
                cell = formatted(put(ws, i, c, at.cell(row.value)), at.score)
                if row.low_n:
                    cell.font = LOW_N
        last = top + 1 + len(segments)
        first_col, last_col = get_column_letter(len(by) + 1), get_column_letter(len(by) + len(periods))
        low, high = ("F8696B", "63BE7B") if display.higher_is_better(m) else ("63BE7B", "F8696B")
        ws.conditional_formatting.add(f"{first_col}{top + 2}:{last_col}{last}", ColorScaleRule(start_type="min", start_color=low, mid_type="percentile", mid_value=50, mid_color="FFEB84", end_type="max", end_color=high))
        put(ws, last + 1, 1, t["crosstab_note"].format(min_n=report.analysis.min_n)).font = LOW_N
        top = last + 3
    for c in range(1, len(by) + len(periods) + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths.get(c, 0) + 2 if c <= len(by) else max(9, width(periods[c - len(by) - 1]) + 2)
    ws.freeze_panes = ws.cell(row=1, column=len(by) + 1)


def _best_first(row: ResultRow, higher_is_better: bool = True) -> tuple:
    """Best score first (the lowest where a higher score is worse), no score last."""
    value = row.value or 0.0
    return (row.value is None, -value if higher_is_better else value)


def _distribution(wb: Workbook, report: Report, t: dict, lang: str) -> None:
    """Answers per scale point; for NPS (a kind with ``stacked_shares``), the groups' shares for
    everyone and each segment, and per period, in separate charts (segments and periods are never mixed)."""
    ws = wb.create_sheet(t["Distribution"])
    sheet = Sheet(ws)
    sheet.header([t["metric"], t["point"], t["count"], t["pct"]])
    for m in report.metrics:
        row = _overall(report, m.name)
        for point in row.distribution or []:
            sheet.row([m.name, _answer(m, point["point"], lang), point["count"], point["pct"]], [None, None, COUNT, PCT])
    table_end = sheet.last
    if table_end == 1:  # headers alone would look like a failed report
        sheet.row([t["no_distribution"]])
    anchor = 1
    for m in (m for m in report.metrics if get(m.type).stacked_shares):
        shares = get(m.type).stacked_shares
        rows = [r for r in report.results if r.metric == m.name]
        everyone = [r for r in rows if r.kind == "overall"]
        segments = sorted((r for r in rows if r.kind == "segment"), key=_best_first)
        periods = [r for r in rows if r.kind == "period"]
        groups = [(t["group"], everyone + [segments[i] for i in charts.top_and_bottom(len(segments))], len(segments) + 1)]
        if periods:
            groups.append((t["period"], periods[-charts.MAX_CATEGORIES:], len(periods)))
        for group, shown, count in groups:
            put(ws, anchor, 7, f"{m.name}: {group}").font = BOLD
            for c, key in enumerate(shares, start=8):
                put(ws, anchor, c, t[key]).font = BOLD
            for i, r in enumerate(shown, start=anchor + 1):
                put(ws, i, 7, t["all"] if r.kind == "overall" else (r.period or ", ".join(str(v) for v in r.segment.values())))
                for c, key in enumerate(shares, start=8):
                    put(ws, i, c, r.components.get(f"{key}_pct")).number_format = PCT
            end = anchor + len(shown)
            if len(shown) < count:
                put(ws, end + 1, 7, t["shown_of"].format(shown=len(shown), count=count))
            chart = charts.shares(ws, text(f"{m.name}: {' / '.join(t[key] for key in shares)}"), (8, 7 + len(shares)), (anchor, end), 7)
            chart.height, chart.width = 7.5, 16
            ws.add_chart(chart, f"L{anchor}")
            anchor = max(end + 3, anchor + 17)
    for c, w in ((7, 24), (8, 14), (9, 14), (10, 14)):
        ws.column_dimensions[get_column_letter(c)].width = w
    sheet.finish(filter_rows=table_end)


COMMENT_LABELS: dict[str, dict[str, Any]] = {
    "en": {"sheet": "Comments", "metric": "Metric", "band": "Band", "score": "Score", "date": "Date", "comment": "Comment",
           "none": "No comments in these bands.",
           "bands": _band_words("en")},
    "zh": {"sheet": "评论", "metric": "指标", "band": "类别", "score": "得分", "date": "日期", "comment": "评论",
           "none": "这些类别中没有评论。",
           "bands": _band_words("zh")},
}


#: Lines a Comments row grows to (Excel's tallest row is 409 points; a longer comment scrolls in its cell).
MAX_ROW_LINES = 27


def _comments(wb: Workbook, report: Report, lang: str) -> None:
    """The Comments sheet: what customers said, as an Excel table with a filter. Comments are text
    anyone could write (``=HYPERLINK(…)``): every string goes through :func:`put`, a text cell."""
    t = COMMENT_LABELS[lang]
    ws = wb.create_sheet(t["sheet"])
    by = list(report.analysis.by)
    headers = [t["metric"], t["band"], t["score"], t["date"], *by, t["comment"]]
    seen: set[str] = set()
    wrap, centre = Alignment(wrap_text=True, vertical="top"), Alignment(horizontal="center", vertical="top")
    widths = [12, 14, 8, 20, *[16] * len(by), 70]
    for c, header in enumerate(headers, start=1):
        name = text(header)
        while name in seen:  # a table's column names are unique
            name += " "
        seen.add(name)
        put(ws, 1, c, name).font = BOLD
    header_lines = max(wrapped_lines(str(h), w) for h, w in zip(headers, widths))
    if header_lines > 1:  # a --by question as its header ('How did you get this job?') was cut at its column
        ws.row_dimensions[1].height = 15 * min(header_lines, 4)
        for c in range(1, len(headers) + 1):
            ws.cell(1, c).alignment = wrap
    rows = report.comments or []
    for r, item in enumerate(rows, start=2):
        values = [item.metric, t["bands"].get(item.band, item.band), item.score, item.date, *[item.segment.get(k) for k in by], item.comment]
        lines = 1
        for c, value in enumerate(values, start=1):
            # the comment wraps in its column, and so does a --by value too long for its own
            needed = wrapped_lines(str(value), widths[c - 1]) if c > 4 and value is not None else 1
            wrapped = c == len(values) or needed > 1
            put(ws, r, c, value).alignment = centre if c == 3 else wrap if wrapped else Alignment(vertical="top")
            lines = max(lines, needed)
        if lines > 1:  # LibreOffice keeps 15 points for a wrapped row: the text ran over the rows under it
            ws.row_dimensions[r].height = 15 * min(lines, MAX_ROW_LINES)
    for c, characters in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = characters
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if not rows:
        put(ws, 2, 1, t["none"])
        return
    table = Table(displayName="Comments", ref=f"A1:{get_column_letter(len(headers))}{len(rows) + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)


def _quality(wb: Workbook, report: Report, t: dict) -> None:
    ws = wb.create_sheet(t["Data quality"])
    sheet = Sheet(ws)
    keys = ("input", "format", "rows", "encoding", "delimiter", "sheet", "malformed", "filtered", "outside_dates", "date_blank", "date_invalid", "weight_invalid")
    # rows left out as earlier records of a contact (Amazon Connect, --dedupe) and rows outside a rate's of:
    # are columns only where there are some: the rows a metric counts then add up to the rows read
    duplicates = any(i.duplicates_dropped for i in report.inputs)
    outside = any(q.not_applicable for q in report.quality)
    sheet.header([t[k] for k in keys] + ([t["duplicates_dropped"]] if duplicates else []))
    for i in report.inputs:
        sheet.row(
            [i.path, i.format, i.rows, i.encoding, {"\t": "tab"}.get(i.delimiter or "", i.delimiter), i.sheet, i.malformed_rows, i.filtered_out, i.outside_dates, i.date_blank, i.date_invalid, i.weight_invalid]
            + ([i.duplicates_dropped] if duplicates else []),
            [None, None, COUNT, None, None, None, COUNT, COUNT, COUNT, COUNT, COUNT, COUNT, COUNT],
        )
    inputs_end = sheet.last
    sheet.row([])
    sheet.row([t[k] for k in ("metric", "column", "selected_by", "rows", "answered", "blank", "invalid", "examples")] + ([t["not_applicable"]] if outside else []), bold=True)
    how = {m.name: m.selected_by for m in report.metrics}
    for q in report.quality:
        examples = ", ".join(f"{text} ×{count}" for text, count in q.invalid_examples.items())
        sheet.row([q.metric, q.column, how.get(q.metric), q.rows, q.answered, q.blank, q.invalid, examples] + ([q.not_applicable or 0] if outside else []),
                  [None, None, None, COUNT, COUNT, COUNT, COUNT, None, COUNT])
    if report.warnings:
        sheet.row([])
        sheet.row([t["warnings"]], bold=True)
        for warning in report.warnings:
            sheet.row([warning])
    sheet.finish(filter_rows=inputs_end)


def _shown(name: str, value: Any, t: dict) -> Any:
    """A setting as the Settings sheet writes it (``value`` as the report's analysis records it)."""
    if name in ("by", "where"):
        return {"by": ", ", "where": "; "}[name].join(value) or None
    return t.get(f"period_{value}", value) if name == "period" else value


def _settings(wb: Workbook, report: Report, t: dict, files: list[dict], config_text: str | None, generated: datetime) -> None:
    ws = wb.create_sheet(t["Settings"])
    sheet = Sheet(ws)
    sheet.header([t["setting"], t["value"]])
    a = report.analysis
    pairs = [
        (t["version"], report.tool_version),
        (t["generated"], generated.isoformat(timespec="seconds")),
        *((t.get(f"setting_{f.name}", f.name), _shown(f.name, getattr(a, f.name), t)) for f in fields(Settings) if f.metadata.get("sheet")),
    ]
    for key, value in pairs:
        sheet.row([key, value])
    sheet.row([])
    sheet.row([t["metric"], t["column"], t["bands"]], bold=True)
    for m in report.metrics:
        bands = "; ".join(f"{t.get(f'band_{k}', k)} {lo}–{hi}" for k, (lo, hi) in m.bands.items())
        if m.formula:  # a call service level, abandonment or answer rate: the calls it counts
            sheet.row([m.name, m.column, f"{m.type}: {m.formula}"])
            continue
        if m.groups:  # answers given as groups: each group's texts
            sheet.row([m.name, m.column, f"{m.type}: " + "; ".join(f"{t.get(f'band_{k}', k)} = {', '.join(texts)}" for k, texts in m.groups.items())])
            continue
        if m.scale is None:  # a duration or a rate: no scale or bands
            sheet.row([m.name, m.column, m.type])
            continue
        sheet.row([m.name, m.column, f"{t['scale']} {m.scale[0]}–{m.scale[1]}; {bands}" + (f"; {t.get(m.direction, m.direction)}" if m.direction else "")])
    sheet.row([])
    sheet.row([t["input"], t["size"], t["sha256"]], bold=True)
    for f in files:
        sheet.row([f["path"], f["bytes"], f["sha256"]], [None, COUNT, None])
    if config_text:
        sheet.row([])
        sheet.row([t["config"]], bold=True)
        for line in config_text.splitlines():
            sheet.row([line])
    sheet.finish(filter_rows=1 + len(pairs))


FONTS = {"en": "Calibri", "zh": "DengXian"}  # on Windows and macOS with Office; DengXian (等线) has Latin letters too


def _fonts(wb: Workbook, name: str) -> None:
    """Every font of the workbook gets a name: openpyxl writes bold and sized fonts without one, which
    LibreOffice shows in a serif face, and its default is the theme's (Calibri, no Chinese). openpyxl
    has no public setting for this: the font list is replaced by renamed copies in the same order, so
    the cells' font indexes stay valid (openpyxl's own default font object is shared, never changed)."""
    fonts = []
    for i, font in enumerate(wb._fonts):
        font = copy(font)
        if i == 0 or font.name is None:
            font.name, font.scheme = name, None  # a scheme font would be the theme's, whatever the name
        fonts.append(font)
    wb._fonts = IndexedList(fonts)
    if len(wb._fonts) != len(fonts):
        raise RuntimeError("two fonts became one when named")  # indexes would shift
    wb._named_styles["Normal"].font = fonts[0]


#: Sheets no taller than this (rows, charts included) print on one page, shrunk a little if need be.
ONE_PAGE_ROWS = 60


def _rows_used(ws) -> int:
    """The last row a sheet's cells or charts reach (a chart of height h cm covers about 2·h rows).
    One pass over the sheet's cells, once per sheet (the writer itself never asks per row)."""
    last = max((row for row, _ in ws._cells), default=1)
    for chart in ws._charts:
        anchor = chart.anchor if isinstance(chart.anchor, str) else None
        if anchor:
            last = max(last, coordinate_to_tuple(anchor)[0] + math.ceil(2 * chart.height))
    return last


def build(report: Report, lang: str = "en", files: list[dict] | None = None, config_text: str | None = None, generated: datetime | None = None,
          extra: Sequence[Callable[[Workbook], None]] = (), agent: str | None = None) -> Workbook:
    """The report workbook (not yet saved); ``extra`` adds sheets of other runs (``Volume``) before Data quality;
    ``agent`` names the agent column when its header is not one the Agents sheet knows (config ``agent:``)."""
    t = LABELS[lang]
    generated = generated or datetime.now().replace(microsecond=0)
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, report, t)
    trend_columns, trend_rows, trend_blocks = _trend(wb, report, t)
    _segments(wb, report, t)
    agents(wb, report, t, agent)
    _crosstab(wb, report, t)
    _distribution(wb, report, t, lang)
    if report.comments is not None:
        _comments(wb, report, lang)
    for add in extra:
        add(wb)
    _quality(wb, report, t)
    _settings(wb, report, t, files or [], config_text, generated)
    dashboard(wb, report, t, _covers(report, t), trend_columns, trend_rows)  # first, drawn from the Trend sheet's columns
    if any(get(m.type).style == "duration" for m in report.metrics):
        wb.epoch = CALENDAR_MAC_1904  # Excel shows a negative duration (a Δ of −2h 02m) only in the 1904 date system; no cell holds a date
    footer = f"cxscore · {_covers(report, t)} · {t['generated']} {generated.isoformat(sep=' ', timespec='minutes')}"
    for ws in wb.worksheets:
        first = ws.title == t["Dashboard"]
        one_page = first or _rows_used(ws) <= ONE_PAGE_ROWS  # a short sheet never cuts a chart at a page break
        printable_sheet(ws, text(footer), None if first else "1:1", pages_tall=1 if one_page else 0)
        if ws.title == t["Trend"] and trend_blocks:  # too wide for one page: a block of metrics a page
            pages.print_in_blocks(ws, trend_blocks)
        elif not one_page:  # pages as long as it takes, each break before a chart that would be cut
            pages.chart_breaks(ws, pages.scale_one_page_wide(ws))
    _fonts(wb, FONTS[lang])
    wb.properties.creator = "cxscore"
    wb.properties.created = wb.properties.modified = generated
    return wb


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def output_path(template: str, report: Report, today: date) -> Path:
    """The output path with {date} (today) and {period} filled in: the latest period with enough
    answers for every metric (a partial last week of 19 answers named the Monday report), else the
    latest period, or "all" without periods."""
    everyone = [r for r in report.results if r.kind == "period"]
    periods = periods_in_order(everyone)
    short = {r.period for r in everyone if r.low_n}
    name = next((p for p in reversed(periods) if p not in short), periods[-1]) if periods else "all"
    return Path(template.replace("{date}", today.isoformat()).replace("{period}", name))


def write(report: Report, template: str, lang: str = "en", config_text: str | None = None, extra: Sequence[Callable[[Workbook], None]] = (), agent: str | None = None) -> Path:
    """Write the report workbook (with the config's text, when there was one); an output path that is one of the files read is refused."""
    inputs = [i.path for i in report.inputs if i.path != "<stdin>"]  # folders expanded: the files actually read
    generated = datetime.now().replace(microsecond=0)
    target = output_path(template, report, generated.date())
    refuse_input(target, inputs)  # before the work of building the workbook
    if target.suffix.lower() != ".xlsx":
        raise CxError(f"the report is an Excel workbook; {target} does not end in .xlsx", "name the output like report.xlsx")
    files = [{"path": name, "bytes": Path(name).stat().st_size, "sha256": _sha256(Path(name))} for name in inputs]
    workbook = build(report, lang, files, config_text, generated, extra, agent)
    with atomic_path(target) as temporary:
        workbook.save(temporary)
    return target
