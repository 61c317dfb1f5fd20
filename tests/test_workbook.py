"""The Monday workbook as a reader sees it: Dashboard first, statuses agreeing with the alerts, charts, formats, print, Chinese."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import SAMPLE, run_process

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
    result = run_process(["report", str(SAMPLE), "-o", str(out), *ALERTING, "--benchmark", "retail"])
    assert result.returncode == 3, result.stderr
    alerts = [line.removeprefix("alert: ") for line in result.stderr.decode().splitlines() if line.startswith("alert: ")]
    scored = run_process(["score", str(SAMPLE), *ALERTING, "--benchmark", "retail", "-f", "json", "-q"])
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
        if metric == "nps":
            assert row["status"] == "missed" and tile["Status"].value == "missed" and tile["Target"].value == 5
            assert tile["Status"].fill.start_color.rgb.endswith("FFC7CE")
            assert "XM Institute" in tile["Benchmark source"].value
    assert wb["Summary"]["N2"].value == "met"  # the all-time row: the Dashboard is where May's miss shows


def test_best_and_worst_segments_and_no_alerts(tmp_path):
    out = tmp_path / "r.xlsx"
    assert run_process(["report", str(SAMPLE), "-o", str(out), "--by", "agent"]).returncode == 0
    scored = json.loads(run_process(["score", str(SAMPLE), "--by", "agent", "-f", "json", "-q"]).stdout)
    ws = openpyxl.load_workbook(out)["Dashboard"]
    cells = _cells(ws)
    assert "No alerts: every target met, no significant drop." in cells
    assert _tile(ws, "nps")["Period"].value == "All time"
    segments = sorted((r for r in scored["results"] if r["metric"] == "nps" and r["segment"] and not r["low_n"]), key=lambda r: -r["value"])
    names = [r["segment"]["agent"] for r in segments]
    column = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    best, worst = column.index("Best"), column.index("Worst")
    assert column[best + 1: best + 4] == names[:3]
    assert column[worst + 1: worst + 4] == names[::-1][:3]


def test_dashboard_in_chinese(tmp_path):
    out = tmp_path / "r.xlsx"
    assert run_process(["report", str(SAMPLE), "-o", str(out), "--lang", "zh", *ALERTING]).returncode == 3
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "看板"
    tile = _tile(wb["看板"], "nps")
    assert tile["状态"].value == "未达标" and tile["周期"].value == "2025-05"
