"""The Monday workbook as a reader sees it: Dashboard first, statuses agreeing with the alerts, charts, formats, print, Chinese."""
from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, SAMPLE, invoke

ALERTING = ["--period", "month", "--until", "2025-05-31", "--fail-under", "nps=5", "--by", "channel", "--fail-on-significant-drop"]


def _cells(ws) -> list:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def _tile(ws, metric: str) -> dict:
    """A Dashboard tile as {label: value}, found by its heading."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(f"{metric} ("):
                tile, r = {}, cell.row + 1
                while (label := ws.cell(row=r, column=cell.column).value) is not None:
                    tile[label] = ws.cell(row=r, column=cell.column + 1)
                    r += 1
                return tile
    raise AssertionError(f"no tile for {metric}")


@pytest.fixture(scope="module")
def alerting(tmp_path_factory) -> tuple[Path, list[str], dict]:
    out = tmp_path_factory.mktemp("alerting") / "r.xlsx"
    result = invoke(["report", str(SAMPLE), "-o", str(out), *ALERTING, "--benchmark", "retail"])
    assert result.exit_code == 3, result.stderr
    alerts = [line.removeprefix("alert: ") for line in result.stderr.splitlines() if line.startswith("alert: ")]
    scored = invoke(["score", str(SAMPLE), *ALERTING, "--benchmark", "retail", "-f", "json", "-q"])
    return out, alerts, json.loads(scored.stdout)


def test_a_run_that_exits_3_has_every_breach_on_the_dashboard(alerting):
    out, alerts, document = alerting
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Dashboard"
    dashboard = wb["Dashboard"]
    assert len(alerts) > 5 and document["alerts"] == alerts
    cells = _cells(dashboard)
    for alert in alerts:
        assert alert in cells, alert
    # Each tile shows everyone's latest period with the status the run computed (May missed, all time met).
    for metric in ("nps", "csat", "ces"):
        row = next(r for r in document["results"] if r["metric"] == metric and r["period"] == "2025-05" and not r["segment"])
        tile = _tile(dashboard, metric)
        assert tile["Period"].value == "2025-05"
        assert tile["Score"].value == pytest.approx(row["value"])
        assert tile["n"].value == row["n"]
        assert tile["Δ previous"].value.endswith("▼")  # every metric fell significantly in May
        assert tile["Δ previous"].fill.start_color.rgb.endswith("FFC7CE")  # a fall is bad news (CES here: higher is easier)
        if metric == "nps":
            assert row["status"] == "missed" and tile["Status"].value == "missed" and tile["Target"].value == 5
            assert tile["Status"].fill.start_color.rgb.endswith("FFC7CE")
            assert "XM Institute" in tile["Benchmark source"].value
    assert wb["Summary"]["N2"].value == "met"  # the all-time row: the Dashboard is where May's miss shows


def test_best_and_worst_segments_and_no_alerts(tmp_path):
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(out), "--by", "agent"]).exit_code == 0
    scored = json.loads(invoke(["score", str(SAMPLE), "--by", "agent", "-f", "json", "-q"]).stdout)
    ws = openpyxl.load_workbook(out)["Dashboard"]
    cells = _cells(ws)
    assert "No alerts. No targets are set: give --fail-under or targets: in a config to be alerted." in cells  # not "every target met"
    met = tmp_path / "met.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(met), "--fail-under", "nps=0"]).exit_code == 0
    assert "No alerts: no target missed, no significant drop flagged." in _cells(openpyxl.load_workbook(met)["Dashboard"])
    assert _tile(ws, "nps")["Period"].value == "All time"
    segments = sorted((r for r in scored["results"] if r["metric"] == "nps" and r["segment"] and not r["low_n"]), key=lambda r: -r["value"])
    names = [r["segment"]["agent"] for r in segments]
    column = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    best, worst = column.index("Best"), column.index("Worst")
    assert column[best + 1: best + 4] == names[:3]
    assert column[worst + 1: worst + 4] == names[::-1][:3]


def test_best_and_worst_where_a_higher_effort_score_is_worse(write_csv, tmp_path):
    # Effort on 1–10 is higher_is_harder: the lowest mean is the best segment, and its significant drop against the rest is good news.
    rows = [["team", "Effort score"]]
    for team, answers in (("Smooth", [1, 2]), ("Mixed", [4, 5, 6]), ("Painful", [8, 9, 10])):
        rows += [[team, str(answers[i % len(answers)])] for i in range(60)]
    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(write_csv(rows)), "-o", str(out), "--by", "team"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Dashboard"]
    column = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    best, worst = column.index("Best"), column.index("Worst")
    assert column[best + 1: best + 3] == ["Smooth", "Mixed"] and column[worst + 1] == "Painful"
    assert ws.cell(row=best + 2, column=3).fill.start_color.rgb.endswith("C6EFCE")  # Smooth: significantly less effort, green
    assert ws.cell(row=worst + 2, column=3).fill.start_color.rgb.endswith("FFC7CE")  # Painful: significantly more effort, red


def test_segments_sheet_where_a_higher_effort_score_is_worse(write_csv, tmp_path):
    # Effort on 1–10 is higher_is_harder: the Segments sheet lists the lowest mean first and marks a significant rise red.
    rows = [["team", "Effort score", "NPS"]]
    for team, effort, nps in (("Smooth", [1, 2], [9, 10]), ("Mixed", [4, 5, 6], [7, 8]), ("Painful", [8, 9, 10], [0, 3])):
        rows += [[team, str(effort[i % len(effort)]), str(nps[i % len(nps)])] for i in range(60)]
    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(write_csv(rows)), "-o", str(out), "--by", "team"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Segments"]
    table = [(ws.cell(row=r, column=1).value, ws.cell(row=r, column=2).value, ws.cell(row=r, column=9).value) for r in range(2, 8)]
    fills = {(str(cf.sqref), rule.formula[0]): rule.dxf.fill.bgColor.rgb[-6:] for cf in ws.conditional_formatting for rule in cf.rules}
    effort = [r for r, row in enumerate(table, start=2) if row[0] != "nps"]
    assert [row[1] for row in table if row[0] != "nps"] == ["Smooth", "Mixed", "Painful"]
    assert [row[1] for row in table if row[0] == "nps"] == ["Smooth", "Mixed", "Painful"]
    span = f"I{effort[0]}:I{effort[-1]}"
    assert table[effort[-1] - 2][2] == "▲" and fills[(span, '"▲"')] == "FFC7CE"  # Painful: significantly more effort, red
    assert table[effort[0] - 2][2] == "▼" and fills[(span, '"▼"')] == "C6EFCE"  # Smooth: significantly less, green
    nps = [r for r, row in enumerate(table, start=2) if row[0] == "nps"]
    assert fills[(f"I{nps[0]}:I{nps[-1]}", '"▲"')] == "C6EFCE"


def test_dashboard_in_chinese(tmp_path):
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(out), "--lang", "zh", *ALERTING]).exit_code == 3
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "看板"
    tile = _tile(wb["看板"], "nps")
    assert tile["状态"].value == "未达标" and tile["周期"].value == "2025-05"


def _colour(series) -> str:
    props = series.graphicalProperties
    colour = (props.solidFill or props.line.solidFill).srgbClr
    return getattr(colour, "val", colour)


def test_trend_lines_are_straight_with_markers_interval_and_target(alerting):
    wb = openpyxl.load_workbook(alerting[0])
    for ws in (wb["Trend"], wb["Dashboard"]):
        lines = ws._charts
        assert len(lines) == 3
        for chart in lines:
            assert all(s.smooth is False for s in chart.series)  # openpyxl's default smooths every line
            assert chart.series[0].marker.symbol == "circle"
    nps, csat, ces = wb["Trend"]._charts
    assert len(nps.series) == 4 and len(csat.series) == 3  # score, interval low and high, and nps's target 5
    assert [len(c.series) for c in wb["Dashboard"]._charts] == [2, 1, 1]  # the Dashboard's: score and target
    assert nps.series[3].val.numRef.f == "'Trend'!$H$2:$H$6" and wb["Trend"]["H2"].value == 5
    assert [_colour(s) for s in nps.series] == ["1F4E79", "9DC3E6", "9DC3E6", "C00000"]
    assert nps.y_axis.scaling.min is None and csat.y_axis.scaling.min == 0 and ces.y_axis.scaling.min == 0
    assert wb["Trend"]._charts[0].anchor._from.col == 0  # under the table, not beside 19 columns of it


def test_bars_start_at_zero_nps_crosses_at_zero_and_shares_are_red_amber_green(alerting):
    wb = openpyxl.load_workbook(alerting[0])
    nps, csat, ces = wb["Segments"]._charts
    assert csat.y_axis.scaling.min == 0 and ces.y_axis.scaling.min == 0  # CES by channel started at 4.0
    assert nps.y_axis.scaling.min is None and nps.x_axis.tickLblPos == "low"  # labels left of a negative bar
    scores = [wb["Segments"].cell(row=r, column=4).value for r in range(2, 6)]
    assert scores == sorted(scores, reverse=True)  # best first, as the bars
    shares = wb["Distribution"]
    assert [shares.cell(row=1, column=c).value for c in (8, 9, 10)] == ["Detractors %", "Passives %", "Promoters %"]
    for chart in shares._charts:
        assert [_colour(s) for s in chart.series] == ["D9534F", "F0AD4E", "5CB85C"]
    # everyone and the segments in one chart, the periods in another
    segment_labels = [shares.cell(row=r, column=7).value for r in range(2, 7)]
    assert segment_labels[0] == "All" and not any(str(v).startswith("2025-") for v in segment_labels)


def test_many_segments_chart_the_top_and_bottom_six_with_a_note(write_csv, tmp_path):
    rows = [["Store", "How likely are you to recommend us?"]]
    rows += [[f"S{i:02d}", (i + k) % 11] for i in range(20) for k in range(40)]
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(write_csv(rows)), "-o", str(out), "--by", "Store"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Segments"]
    (chart,) = ws._charts
    ref = chart.series[0].val.numRef.f
    first, last = (int(part.split("$")[-1]) for part in ref.split("!")[1].split(":"))
    assert last - first + 1 == 12
    assert "Top and bottom 12 of 20, by score" in _cells(ws)


def test_a_low_n_period_is_a_hollow_point_and_marked_in_the_table(tmp_path):
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(out), "--period", "week"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Trend"]
    weeks = [v for r in range(2, ws.max_row + 1) if re.fullmatch(r"\d{4}-W\d\d", str(v := ws.cell(row=r, column=1).value))]  # not the notes under the table
    assert weeks[-1] == "2025-W27"  # n = 19
    assert ws.cell(row=len(weeks) + 1, column=7).value == "low n"
    points = ws._charts[0].series[0].dPt
    assert [p.idx for p in points] == [len(weeks) - 1] and points[0].marker.graphicalProperties.noFill


def test_number_formats_and_low_n_as_a_word(alerting):
    wb = openpyxl.load_workbook(alerting[0])
    summary = wb["Summary"]
    assert [summary.cell(row=r, column=5).number_format for r in (2, 3, 4)] == ["+0.0;-0.0;0.0", '0.0"%"', "0.00"]
    assert summary.cell(row=3, column=11).number_format == "+0.0;-0.0;0.0"  # the gap, in points
    segments = wb["Segments"]
    header = [c.value for c in segments[1]]
    p = header.index("p adjusted") + 1
    assert segments.cell(row=2, column=p).number_format == '[<0.001]"<0.001";0.000'
    low = header.index("Low n") + 1
    assert {segments.cell(row=r, column=low).value for r in range(2, 14)} <= {None, "low n"}
    distribution = wb["Distribution"]
    answers = [distribution.cell(row=r, column=2).value for r in range(1, distribution.max_row + 1)]
    assert "1 = Very dissatisfied" in answers and "5 = Very satisfied" in answers


def test_columns_are_as_wide_as_their_text(alerting):
    wb = openpyxl.load_workbook(alerting[0])
    summary = wb["Summary"]
    widths = [summary.column_dimensions[summary.cell(row=1, column=c).column_letter].width for c in range(1, summary.max_column + 1)]
    assert sum(widths) < 200  # was ~310: sized on full-precision floats
    assert summary.column_dimensions["E"].width <= 10  # "+10.5", not 10.519078721210034


def test_cjk_text_counts_double():
    from cxscore.render.cells import width

    assert width("看板") == 4 and width("ＡB") == 3 and width("nps") == 3


def test_every_sheet_prints_landscape_one_page_wide_with_headers_and_a_footer(alerting):
    wb = openpyxl.load_workbook(alerting[0])
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert "2025-01 – 2025-05" in ws.oddFooter.left.text, ws.title
        if ws.title != "Dashboard":
            assert ws.print_title_rows == "$1:$1", ws.title
    assert wb["Dashboard"].page_setup.fitToHeight == 1
    # bold and large text had no font name (LibreOffice showed it in a serif face)
    assert {c.font.name for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None} == {"Calibri"}


ZH_RUN = ["--by", "渠道", "--period", "month", "--benchmark", "retail", "--fail-under", "nps=5"]


def _chart_texts(chart) -> list[str]:
    texts = []
    for title in (chart.title, chart.x_axis.title, chart.y_axis.title):
        if title is not None and title.tx is not None and title.tx.rich is not None:
            texts += [run.t for p in title.tx.rich.p for run in (p.r or [])]
    return texts


def test_every_label_is_chinese_with_lang_zh(tmp_path):
    """Any English word left in the zh workbook that is not from the data, the run's own messages
    (alerts, warnings, detection reasons, word for word as on stderr) or a name (NPS, SHA-256) fails."""
    from conftest import SAMPLE_ZH

    out = tmp_path / "r.xlsx"
    run = invoke(["report", str(SAMPLE_ZH), "-o", str(out), "--lang", "zh", *ZH_RUN])
    assert run.exit_code in (0, 3), run.stderr
    doc = json.loads(invoke(["score", str(SAMPLE_ZH), *ZH_RUN, "-f", "json", "-q"]).stdout)
    from_data = {*doc["alerts"], *doc["warnings"], *(m["selected_by"] for m in doc["metrics"]), *(m["column"] for m in doc["metrics"])}
    from_data |= {i["path"] for i in doc["inputs"]} | {i["format"] for i in doc["inputs"]} | {i["encoding"] for i in doc["inputs"]}
    from_data |= {r["benchmark"]["source"] for r in doc["results"] if r["benchmark"]}
    from_data |= {str(v) for v in doc["analysis"].values() if isinstance(v, str)}  # option values: adjusted-wald, retail
    names = re.compile(r"\b(nps|csat|ces|NPS|CSAT|CES|SHA|cxscore|Mood)\b|Benjamini–Hochberg|[0-9a-f]{64}")  # names, not words to translate
    wb = openpyxl.load_workbook(out)
    texts = list(wb.sheetnames)
    for ws in wb.worksheets:
        texts += [v for v in _cells(ws) if isinstance(v, str)]
        texts += [t for chart in ws._charts for t in _chart_texts(chart)]
        texts += [ws.oddFooter.left.text or ""]
    english = set()
    for value in texts:
        for known in sorted(from_data, key=len, reverse=True):  # a warning before the option value it quotes
            value = value.replace(known, "")
        if re.search(r"[A-Za-z]{2,}", names.sub("", value)):
            english.add(value)
    assert not english
    assert wb.sheetnames[:2] == ["看板", "概览"]
    settings = [c for c in _cells(wb["设置"]) if isinstance(c, str)]
    assert "置信水平" in settings and "周期" in settings and "月" in settings
    assert any(v.startswith("量表 0–10; 贬损者 0–6") for v in settings)
    assert "低于" in _cells(wb["概览"])  # the interval against the benchmark
    assert {c.font.name for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None} == {"DengXian"}


def test_segments_by_period_grid_with_a_colour_scale(tmp_path):
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(out), "--by", "channel", "--period", "month"]).exit_code == 0
    doc = json.loads(invoke(["score", str(SAMPLE), "--by", "channel", "--period", "month", "-f", "json", "-q"]).stdout)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.index("Segments × period") == wb.sheetnames.index("Segments") + 1
    ws = wb["Segments × period"]
    assert ws["A1"].value == "nps (NPS) by channel × month"
    assert [c.value for c in ws[2]][:7] == ["channel", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    chat_may = next(r for r in doc["results"] if r["metric"] == "nps" and r["segment"] == {"channel": "Chat"} and r["period"] == "2025-05")
    row = next(r for r in range(3, 7) if ws.cell(row=r, column=1).value == "Chat")
    assert ws.cell(row=row, column=6).value == pytest.approx(chat_may["value"])
    assert ws.cell(row=row, column=6).number_format == "+0.0;-0.0;0.0"
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert len(rules) == 3 and all(rule.type == "colorScale" for rule in rules)
    empty = openpyxl.load_workbook(_without_periods(tmp_path))["Segments × period"]
    assert empty["A1"].value.startswith("Run with --by and --period")


def _without_periods(tmp_path) -> Path:
    out = tmp_path / "plain.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(out), "--by", "channel"]).exit_code == 0
    return out


def test_a_partial_last_week_neither_heads_the_dashboard_nor_names_the_file(tmp_path):
    """Its tile shows the week the file is named by, and says the partial one has too few answers (was its 19, grey)."""
    result = invoke(["report", str(SAMPLE), "-o", str(tmp_path / "cx-{period}.xlsx"), "--period", "week"])
    assert result.exit_code == 0, result.stderr
    made = [p.name for p in tmp_path.glob("cx-*.xlsx")]
    assert made == ["cx-2025-W26.xlsx"]  # W27 holds 19 answers
    tile = _tile(openpyxl.load_workbook(tmp_path / made[0])["Dashboard"], "nps")
    assert tile["Period"].value == "2025-W26 (later: 2025-W27 n = 19, too few to judge)" and isinstance(tile["n"].value, int)
    assert tile["n"].value >= 30 and not tile["Score"].font.italic


def test_short_sheets_print_on_one_page_so_no_chart_is_cut(tmp_path):
    """The Segments sheet's third chart was split across a page break; a sheet whose cells and charts
    fit in about a page prints on one page, a long one (the Comments list) still runs on."""
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(out), "--by", "Channel", "--comments", "200"]).exit_code == 0
    tall = {ws.title: ws.page_setup.fitToHeight for ws in openpyxl.load_workbook(out).worksheets}
    assert tall["Segments"] == 1 and tall["Dashboard"] == 1 and tall["Comments"] == 0


def test_a_daily_trend_labels_a_date_every_few_days_turned_to_be_read(tmp_path):
    """By day the chart's own label choice ran 181 dates into each other (LibreOffice: a label every
    27 days, touching): at most six labelled days, a week's multiple apart, turned 45°; small markers
    past 60 points. A weekly trend keeps the chart's own choice."""
    from cxscore.render.charts import day_labels

    assert [day_labels(n) for n in (6, 7, 12, 42, 43, 181, 365)] == [1, 2, 2, 7, 14, 35, 63]
    for period, step in (("day", 35), ("week", None)):
        out = tmp_path / f"{period}.xlsx"
        assert invoke(["report", str(ROOT / "sample_data" / "tickets_zendesk.csv"), "--period", period, "-o", str(out)]).exit_code == 0
        ws = openpyxl.load_workbook(out)["Trend"]
        chart = ws._charts[0]
        assert chart.x_axis.tickLblSkip == step and chart.x_axis.tickMarkSkip == step
        if step:
            assert chart.x_axis.txPr.bodyPr.rot == -2700000 and chart.series[0].marker.size == 3
