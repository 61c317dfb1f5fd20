"""The workbook of service KPIs as a support manager reads it: durations as durations (Excel days, in
the units of their magnitude), the Dashboard's Service row, and the per-agent table."""
from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import openpyxl
import pytest

from conftest import ROOT, invoke
from cxscore.render.cells import DAYS, HOURS, HOURS_DIFF, MINUTES, PCT, fitted
from cxscore.render.display import duration

ZENDESK = ROOT / "sample_data" / "tickets_zendesk.csv"
FRT = "First reply time in minutes within business hours"
SERVICE = f"""metrics:
  - name: frt
    type: duration
    column: {FRT}
    within: 8h
    target: 8h
  - name: resolution
    type: duration
    column: Full resolution time in minutes
  - name: one_touch
    type: rate
    condition: '"Replies" <= 1'
    of: Status in [Solved, Closed]
"""
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def days(seconds: float) -> float:
    """Seconds as a workbook cell holds them: days, as openpyxl writes every float (16 significant
    digits, one more than Excel keeps)."""
    return float("%.16g" % (seconds / 86400))


def _stored(path: Path, sheet: str) -> dict[str, float]:
    """Each number cell of a sheet as the file stores it (the ``<v>`` text Excel reads), by coordinate:
    openpyxl would turn a duration-formatted cell into a rounded timedelta."""
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        rid = next(s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") for s in book.iter(f"{{{NS['m']}}}sheet") if s.get("name") == sheet)
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        xml = ElementTree.fromstring(z.read("xl/" + target.removeprefix("/xl/")))
    return {c.get("r"): float(c.find("m:v", NS).text) for c in xml.iter(f"{{{NS['m']}}}c") if c.get("t") in (None, "n") and c.find("m:v", NS) is not None}


@pytest.fixture(scope="module")
def zendesk(tmp_path_factory):
    """The Zendesk sample's workbook by Group and month, and the same run's JSON."""
    folder = tmp_path_factory.mktemp("zendesk")
    config = folder / "service.yaml"
    config.write_text(SERVICE, encoding="utf-8")
    out = folder / "service.xlsx"
    args = [str(ZENDESK), "-c", str(config), "--by", "Group", "--period", "month", "-q"]
    result = invoke(["report", *args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    scored = invoke(["score", *args, "-f", "json"])
    return out, json.loads(scored.stdout)


def _row(document: dict, metric: str, segment: dict | None = None, period: str | None = None) -> dict:
    return next(r for r in document["results"] if r["metric"] == metric and r["segment"] == (segment or {}) and r["period"] == period)


def test_durations_are_stored_as_excel_days_in_the_units_of_their_magnitude(zendesk):
    """Seconds / 86,400 exactly (a sort, a filter and a chart treat them as time); a first reply of
    hours in hours and minutes, a resolution of four days in days; differences signed."""
    out, document = zendesk
    wb = openpyxl.load_workbook(out)
    summary, stored = wb["Summary"], _stored(out, "Summary")
    frt, resolution = _row(document, "frt"), _row(document, "resolution")
    assert 3600 < frt["value"] < 3 * 86400 and resolution["value"] > 3 * 86400  # hours; days
    for r, (metric, expected) in enumerate([("frt", frt), ("resolution", resolution)], start=2):
        assert summary.cell(r, 1).value == metric
        for column, key in ((5, "value"), (6, "ci_low"), (7, "ci_high"), (8, "margin")):
            assert stored[f"{'ABCDEFGH'[column - 1]}{r}"] == days(expected[key])  # exactly, not rounded
        assert summary.cell(r, 5).number_format == (HOURS if metric == "frt" else DAYS)
    assert stored["M2"] == days(8 * 3600) and summary["M2"].number_format == HOURS  # the target, 8h
    assert summary["E4"].number_format == PCT and summary["E4"].value == pytest.approx(_row(document, "one_touch")["value"])  # rates as before
    # Segments: every score and Δ against the rest in days; a faster group's Δ is negative, which Excel
    # shows only in the 1904 date system (no cell of the workbook is a date)
    segments, stored = wb["Segments"], _stored(out, "Segments")
    negative = 0
    for row in segments.iter_rows(min_row=2):
        if row[0].value != "frt" or row[1].value is None:
            continue
        expected = _row(document, "frt", {"Group": row[1].value})
        assert stored[f"D{row[0].row}"] == days(expected["value"]) and row[3].number_format == HOURS
        # in hours; a Δ under an hour in minutes (no "-0h 45m", see test_workbook_user_pass)
        assert stored[f"G{row[0].row}"] == days(expected["significance"]["diff"]) and row[6].number_format == fitted(HOURS_DIFF, days(expected["significance"]["diff"]))
        negative += expected["significance"]["diff"] < 0
    assert negative and wb.epoch.year == 1904
    # Trend: each month's median and its Δ on the previous month
    trend, stored = wb["Trend"], _stored(out, "Trend")
    header = [c.value for c in trend[1]]
    score, diff = header.index("frt Score") + 1, header.index("frt Δ previous") + 1
    for r in range(2, trend.max_row + 1):
        month = trend.cell(r, 1).value
        if month and re.fullmatch(r"\d{4}-\d\d", month):
            expected = _row(document, "frt", period=month)
            assert stored[f"{trend.cell(r, score).column_letter}{r}"] == days(expected["value"])
            if expected["significance"]:
                assert trend.cell(r, diff).number_format == fitted(HOURS_DIFF, days(expected["significance"]["diff"]))
    cross, stored = wb["Segments × period"], _stored(out, "Segments × period")
    assert any(cross[k].number_format == DAYS for k in stored) and any(cross[k].number_format == HOURS for k in stored)


def test_a_duration_chart_reads_in_hours_at_round_steps(zendesk):
    """The trend chart's axis of a first reply in hours (4h steps up to a 12h axis), not 50,000 s."""
    out, document = zendesk
    wb = openpyxl.load_workbook(out)
    charts = {c.title.tx.rich.p[0].r[0].t: c for c in wb["Trend"]._charts}
    frt, resolution, one_touch = charts["frt (median)"], charts["resolution (median)"], charts["one_touch (% of rows)"]
    assert frt.y_axis.numFmt.formatCode == '[h]"h"'
    highest = max(r["ci_high"] for r in document["results"] if r["metric"] == "frt" and r["period"] and not r["segment"])
    steps = highest / (frt.y_axis.majorUnit * 86400)
    assert frt.y_axis.majorUnit * 24 in (1, 2, 3, 4, 6, 8, 12, 24) and 2 <= steps <= 8
    assert resolution.y_axis.numFmt.formatCode == '0" d"' and resolution.y_axis.majorUnit in (1, 2, 5, 7)
    assert one_touch.y_axis.numFmt is None  # a rate keeps its cells' format


def test_a_median_of_minutes_is_shown_in_minutes_and_seconds(write_csv, tmp_path):
    """The README's twelve tickets: a 25-minute median in minutes and seconds, stored in days."""
    rows = [["Id", "Group", "First reply time in minutes"]] + [[i, g, m] for i, (g, m) in enumerate(
        [("B", 4), ("B", 12), ("T", 95), ("B", 8), ("T", 180), ("T", 45), ("B", 25), ("T", 620), ("B", 6), ("T", 70), ("B", 15), ("T", 1440)])]
    config = tmp_path / "frt.yaml"
    config.write_text("metrics:\n  - name: frt\n    type: duration\n    column: First reply time in minutes\n", encoding="utf-8")
    out = tmp_path / "frt.xlsx"
    assert invoke(["report", str(write_csv(rows)), "-c", str(config), "-o", str(out), "-q"]).exit_code == 0
    value = json.loads(invoke(["score", str(write_csv(rows)), "-c", str(config), "-f", "json", "-q"]).stdout)["results"][0]["value"]
    assert value == pytest.approx(1495.47, abs=0.01)  # the README's 25 minutes (24.9 within the histogram's 1 %)
    assert openpyxl.load_workbook(out)["Summary"]["E2"].number_format == MINUTES == '[m]"m" ss"s"'
    assert _stored(out, "Summary")["E2"] == days(value)


def _tiles(ws) -> dict[str, dict[str, openpyxl.cell.Cell]]:
    """Every Dashboard tile, {heading: {label: value cell}}."""
    tiles = {}
    for row in ws.iter_rows(max_row=40):
        for cell in row:
            if isinstance(cell.value, str) and re.fullmatch(r"\w+ \((median|% of rows|[A-Z]+)\)", cell.value):
                tile, r = {}, cell.row + 1
                while (label := ws.cell(r, cell.column).value) is not None:
                    tile[label] = ws.cell(r, cell.column + 1)
                    r += 1
                tiles[cell.value] = tile
    return tiles


def test_the_service_row_shows_the_latest_month_as_the_json_and_the_csv_say(zendesk):
    out, document = zendesk
    ws = openpyxl.load_workbook(out)["Dashboard"]
    stored = _stored(out, "Dashboard")
    assert ws["A4"].value == "Service"  # no survey score here: the service row comes first
    tiles = _tiles(ws)
    frt, one_touch = tiles["frt (median)"], tiles["one_touch (% of rows)"]
    june = _row(document, "frt", period="2025-06")
    assert frt["Period"].value == "2025-06" and frt["n"].value == june["n"]
    assert stored[frt["Score"].coordinate] == days(june["value"]) and frt["Score"].number_format == HOURS
    assert stored[frt["p90"].coordinate] == days(june["components"]["p90"])
    assert frt["Interval"].value == f"{duration(june['ci_low'])} – {duration(june['ci_high'])}"
    assert frt["Δ previous"].value.startswith(duration(june["significance"]["diff"], sign=True))
    assert stored[frt["Target"].coordinate] == days(8 * 3600) and frt["Status"].value == "met"
    assert frt["Within target"].value == pytest.approx(june["components"]["within_pct"]) and frt["Within target"].number_format == PCT
    # by hand from the file: June's tickets, their first replies (negatives are invalid) and one-touch share
    with ZENDESK.open(encoding="utf-8") as fh:
        june_rows = [r for r in csv.DictReader(fh) if r["Created at"].startswith("2025-06")]
    minutes = np.array([float(r[FRT]) for r in june_rows if r[FRT] and float(r[FRT]) >= 0])
    assert frt["n"].value == len(minutes)
    assert stored[frt["Score"].coordinate] * 1440 == pytest.approx(np.quantile(minutes, 0.5, method="inverted_cdf"), rel=0.01)
    assert frt["Within target"].value == pytest.approx(100 * np.mean(minutes <= 480))
    solved = [r for r in june_rows if r["Status"] in ("Solved", "Closed")]
    assert one_touch["n"].value == len(solved)
    assert one_touch["Score"].value == pytest.approx(100 * sum(int(r["Replies"]) <= 1 for r in solved) / len(solved))
    assert "p90" not in one_touch and "±" in one_touch  # a rate's interval is symmetric enough for a margin


def test_survey_tiles_come_first_and_the_service_row_under_them(write_csv, tmp_path):
    rows = [["Created at", "Satisfaction (1-5)", "Wait (min)"]] + [[f"2025-03-{1 + i % 28:02d}", 1 + i % 5, 3 + i % 40] for i in range(200)]
    config = tmp_path / "mixed.yaml"
    config.write_text("metrics:\n  - name: csat\n    type: csat\n    column: Satisfaction (1-5)\n  - name: wait\n    type: duration\n    column: Wait (min)\n", encoding="utf-8")
    out = tmp_path / "mixed.xlsx"
    result = invoke(["report", str(write_csv(rows)), "-c", str(config), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Dashboard"]
    assert ws["A4"].value == "csat (CSAT)" and ws["A17"].value == "Service" and ws["A18"].value == "wait (median)"
    alerts = next(r for r in range(19, 40) if ws.cell(r, 1).value == "Alerts of this run")
    assert alerts > 18 + 12  # under the service tiles (twelve lines each), not over them


@pytest.fixture(scope="module")
def by_agent(tmp_path_factory):
    """The Zendesk sample by Assignee with --min-n 230: the four least busy agents are small n."""
    folder = tmp_path_factory.mktemp("agents")
    config = folder / "service.yaml"
    config.write_text(SERVICE, encoding="utf-8")
    out = folder / "agents.xlsx"
    args = [str(ZENDESK), "-c", str(config), "--by", "Assignee", "--min-n", "230", "-q"]
    result = invoke(["report", *args, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out, json.loads(invoke(["score", *args, "-f", "json"]).stdout)


def test_the_agents_sheet_has_a_row_per_agent_busiest_first_with_small_n_marked(by_agent):
    out, document = by_agent
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.index("Agents") == wb.sheetnames.index("Segments") + 1
    ws, stored = wb["Agents"], _stored(out, "Agents")
    header = [c.value for c in ws[1]]
    assert header == ["Assignee", "Handled", "frt median", "frt p90", "resolution median", "resolution p90", "one_touch % of rows"]
    with ZENDESK.open(encoding="utf-8") as fh:
        handled: dict[str, int] = {}
        for r in csv.DictReader(fh):
            handled[r["Assignee"] or "(blank)"] = handled.get(r["Assignee"] or "(blank)", 0) + 1
    agents = [ws.cell(r, 1).value for r in range(2, 2 + len(handled))]
    assert agents == sorted(handled, key=lambda a: (-handled[a], a)) and agents[0] == "Divya Nair"  # 290 tickets
    for r, agent in enumerate(agents, start=2):
        assert ws.cell(r, 2).value == handled[agent]
        if agent == "(blank)":
            continue
        frt, resolution, one_touch = (_row(document, m, {"Assignee": agent}) for m in ("frt", "resolution", "one_touch"))
        assert stored[f"C{r}"] == days(frt["value"]) and stored[f"D{r}"] == days(frt["components"]["p90"])
        assert stored[f"E{r}"] == days(resolution["value"]) and stored[f"F{r}"] == days(resolution["components"]["p90"])
        assert ws.cell(r, 7).value == pytest.approx(one_touch["value"]) and ws.cell(r, 7).number_format == PCT
        assert ws.cell(r, 3).number_format == HOURS and ws.cell(r, 5).number_format == DAYS
        assert bool(ws.cell(r, 3).font.i) == (frt["n"] < 230), agent  # small n: grey italic, per metric
        assert bool(ws.cell(r, 7).font.i) == (one_touch["n"] < 230), agent
    assert any(ws.cell(r, 3).font.i for r in range(2, 2 + len(agents))) and not ws.cell(2, 3).font.i
    everyone = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "All")
    assert ws.cell(everyone, 2).value == 3000 and stored[f"C{everyone}"] == days(_row(document, "frt")["value"])
    assert ws.auto_filter.ref == f"A1:G{1 + len(agents)}"  # the filter sorts the agents, not the total under them


def test_many_agents_are_capped_to_the_busiest_and_the_cap_is_said(by_agent, monkeypatch, tmp_path):
    from cxscore.render import agents

    monkeypatch.setattr(agents, "MAX_AGENTS", 5)
    config = tmp_path / "service.yaml"
    config.write_text(SERVICE, encoding="utf-8")
    out = tmp_path / "capped.xlsx"
    assert invoke(["report", str(ZENDESK), "-c", str(config), "--by", "Assignee", "-o", str(out), "-q"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Agents"]
    assert [ws.cell(r, 1).value for r in range(2, 8)] == ["Divya Nair", "Bruno Costa", "Chen Wei", "Farid Haddad", "Emma Novak", None]
    notes = [ws.cell(r, 1).value for r in range(8, ws.max_row + 1)]
    assert "The 5 busiest of 13 agents; all of them are in the Segments sheet." in notes


def test_no_agents_sheet_for_a_group_or_for_survey_scores_alone(zendesk, tmp_path):
    """Split by Group (not an agent), or an agent column with survey scores only: the Segments sheet is enough."""
    out, _ = zendesk
    assert "Agents" not in openpyxl.load_workbook(out).sheetnames
    from cxscore.render.agents import AGENT_HEADER

    for header in ("assignee", "agent", "agent name", "deal agent name", "接待客服", "坐席", "agentinfo.username"):
        assert AGENT_HEADER.fullmatch(header), header
    for header in ("group", "agent wait time", "agent replies", "queue"):
        assert not AGENT_HEADER.fullmatch(header), header


def test_an_agent_named_like_a_formula_stays_text(write_csv, tmp_path):
    """Agent names come from the export: '=HYPERLINK(…)' is a text cell, never a formula."""
    rows = [["Agent", "Wait (min)"]] + [[name, 5 + i] for i, name in enumerate(["=HYPERLINK(\"http://x\",\"y\")", "@SUM(1)", "Bob"] * 5)]
    config = tmp_path / "wait.yaml"
    config.write_text("metrics:\n  - name: wait\n    type: duration\n    column: Wait (min)\n", encoding="utf-8")
    out = tmp_path / "agents.xlsx"
    assert invoke(["report", str(write_csv(rows)), "-c", str(config), "--by", "Agent", "-o", str(out), "-q"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Agents"]
    names = {ws.cell(r, 1).value: ws.cell(r, 1) for r in range(2, 5)}
    assert set(names) == {"=HYPERLINK(\"http://x\",\"y\")", "@SUM(1)", "Bob"}
    assert all(cell.data_type == "s" for cell in names.values()) and names["@SUM(1)"].quotePrefix


def test_an_agent_column_with_another_header_is_named_in_the_config(write_csv, tmp_path):
    rows = [["Bearbeiter", "Wait (min)"]] + [[name, 5 + i] for i, name in enumerate(["Ana", "Bo", "Cy"] * 4)]
    path, out = write_csv(rows), tmp_path / "owners.xlsx"
    metric = "metrics:\n  - name: wait\n    type: duration\n    column: Wait (min)\n"
    for agent, sheet in (("", False), ("agent: Bearbeiterin\n", False), ("agent: Bearbeiter\n", True), ("agent: BEARBEITER\n", True)):
        config = tmp_path / "owners.yaml"
        config.write_text(metric + agent, encoding="utf-8")
        result = invoke(["report", str(path), "-c", str(config), "--by", "Bearbeiter", "-o", str(out), "-q"])
        assert result.exit_code == 0, result.stderr
        assert ("Agents" in openpyxl.load_workbook(out).sheetnames) == sheet, agent


def test_a_chinese_workbook_names_a_service_value_in_chinese(tmp_path):
    config = tmp_path / "service.yaml"
    config.write_text(SERVICE, encoding="utf-8")
    out = tmp_path / "zh.xlsx"
    assert invoke(["report", str(ZENDESK), "-c", str(config), "--by", "Assignee", "--lang", "zh", "-o", str(out), "-q"]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    cells = [c.value for row in wb["看板"].iter_rows(max_row=30) for c in row if isinstance(c.value, str)]
    assert "服务指标" in cells and "frt (中位数)" in cells and "one_touch (行占比)" in cells
    assert [c.value for c in wb["客服"][1]][2:] == ["frt 中位数", "frt p90", "resolution 中位数", "resolution p90", "one_touch 行占比"]
