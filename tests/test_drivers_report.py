"""`cxscore report`'s sheet Drivers: there when the export has an NPS (or CSAT) outcome and two or
more other ratings, with the numbers `cxscore drivers` gives; otherwise no sheet and a note saying why."""
from __future__ import annotations

import csv
import json
import random

import pytest
from openpyxl import load_workbook

from conftest import ROOT, SAMPLE, invoke, run_process

DRIVERS_SAMPLE = ROOT / "sample_data" / "drivers_export.csv"


def note(ws) -> str | None:
    """The line saying why there is no Drivers sheet, among the warnings at the foot of Data quality."""
    return next((v for v in (ws.cell(r, 1).value for r in range(1, ws.max_row + 1)) if isinstance(v, str) and v.startswith("no key-driver analysis")), None)


def test_the_drivers_sample_gets_the_sheet_cxscore_drivers_would_write(tmp_path):
    target = tmp_path / "report.xlsx"
    result = invoke(["report", str(DRIVERS_SAMPLE), "--by", "Channel", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "Drivers sheet: nps by csat_delivery, csat_product_quality" in result.stderr
    wb = load_workbook(target)
    names = wb.sheetnames
    assert names.index("Drivers") == names.index("Data quality") - 1
    doc = json.loads(invoke(["drivers", str(DRIVERS_SAMPLE), "--by", "Channel", "-f", "json"]).stdout)
    ws = wb["Drivers"]
    rows = list(ws.iter_rows(min_row=2, max_row=1 + len(doc["drivers"]), max_col=10, values_only=True))
    assert [(r[0], r[2], r[9]) for r in rows] == [(d["name"], pytest.approx(d["share"], abs=1e-9), d["quadrant"]) for d in doc["drivers"]]
    (chart,) = ws._charts
    assert type(chart).__name__ == "ScatterChart"
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Channel")
    assert [ws.cell(r, 1).value for r in range(header + 1, header + 4)] == [s["segment"]["Channel"] for s in doc["headroom"]["segments"]]
    assert note(wb["Data quality"]) is None


def test_the_survey_sample_explains_nps_by_csat_and_ces(tmp_path):
    target = tmp_path / "report.xlsx"
    result = invoke(["report", str(SAMPLE), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    ws = load_workbook(target)["Drivers"]
    assert sorted(ws.cell(r, 1).value for r in (2, 3)) == ["ces", "csat"]
    doc = json.loads(invoke(["drivers", str(SAMPLE), "-f", "json"]).stdout)
    assert ws.cell(2, 3).value == pytest.approx(doc["drivers"][0]["share"], abs=1e-9)
    zh = tmp_path / "zh.xlsx"
    assert invoke(["report", str(SAMPLE), "--lang", "zh", "-o", str(zh), "-q"]).exit_code == 0
    ws = load_workbook(zh)["驱动因素"]  # Chinese throughout (test_workbook reads every label)
    assert ws.cell(1, 1).value == "驱动因素" and ws.cell(2, 10).value in {"优先改进", "保持", "维持", "关注", "不确定"}
    assert ws.cell(2, 3).value == pytest.approx(doc["drivers"][0]["share"], abs=1e-9)


def _export(path, rows: int, ratings: int, seed: int = 5):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["How likely are you to recommend us? (0-10)", *(f"Satisfaction — Item {i}" for i in range(ratings))])
        for _ in range(rows):
            out.writerow([rng.randint(0, 10), *(rng.randint(1, 5) for _ in range(ratings))])
    return path


@pytest.mark.parametrize(("rows", "ratings", "why"), [
    (300, 1, "no key-driver analysis: only 1 rating besides nps (csat_item_0): fewer than 2 drivers leave nothing to rank"),
    (40, 2, "no key-driver analysis: only 40 complete rows for 2 drivers (40 read"),
    (300, 0, "no key-driver analysis: no rating besides nps was found"),
])
def test_no_sheet_but_a_note_why(tmp_path, rows, ratings, why):
    target = tmp_path / "report.xlsx"
    result = invoke(["report", str(_export(tmp_path / "export.csv", rows, ratings)), "-o", str(target)])
    assert result.exit_code == 0, result.stderr  # a note, not an error
    assert why in result.stderr and "error" not in result.stderr
    wb = load_workbook(target)
    assert "Drivers" not in wb.sheetnames and note(wb["Data quality"]).startswith(why)


def test_standard_input_is_read_once_so_the_note_says_so(tmp_path):
    target = tmp_path / "report.xlsx"
    done = run_process(["report", "-", "-o", str(target)], input=DRIVERS_SAMPLE.read_bytes())
    assert done.returncode == 0, done.stderr
    wb = load_workbook(target)
    assert "Drivers" not in wb.sheetnames and "standard input is read once" in note(wb["Data quality"])


def test_a_config_with_column_patterns_names_the_columns_found(tmp_path):
    """A config's column: {match: …} is a pattern: the JSON and both workbooks name the header it found
    (the JSON said {"match": "recommend"}, and the report stopped with an internal error)."""
    config = ROOT / "tests" / "golden" / "targets.yaml"
    doc = json.loads(invoke(["drivers", str(SAMPLE), "--config", str(config), "-f", "json"]).stdout)
    assert doc["outcome"]["column"] == "How likely are you to recommend Acme to a friend or colleague?"
    assert {d["name"]: d["column"] for d in doc["drivers"]} == {"csat": "Overall, how satisfied were you with the support you received?",
                                                                "ces": "Acme made it easy for me to handle my issue."}
    target = tmp_path / "report.xlsx"
    result = invoke(["report", str(SAMPLE), "--config", str(config), "-o", str(target)])
    assert result.exit_code == 3, result.stderr  # the config's missed target, as before; the workbook is written
    ws = load_workbook(target)["Drivers"]
    assert {ws.cell(r, 1).value: ws.cell(r, 2).value for r in (2, 3)} == {d["name"]: d["column"] for d in doc["drivers"]}


def test_a_ticket_export_s_durations_are_not_ratings_to_drive_csat(tmp_path):
    """The zero-config Zendesk sample scores frt and resolution (one duration column each) next to a
    Good/Bad csat: report crashed (IndexError) taking the durations for ratings that drive csat."""
    target = tmp_path / "report.xlsx"
    result = invoke(["report", str(ROOT / "sample_data" / "tickets_zendesk.csv"), "--by", "Assignee", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    why = "no key-driver analysis: no rating besides csat was found to explain it"
    assert why in result.stderr
    wb = load_workbook(target)
    assert "Drivers" not in wb.sheetnames and note(wb["Data quality"]).startswith(why)
