"""The report's Data quality sheet accounts for every row read: the Amazon Connect sample reads 2,436 rows
and its metrics count 2,400, the 36 earlier records of a contact being dropped, and service_level leaves
99 queued contacts outside its formula's denominator. Neither was on the sheet (only on stderr), so its
numbers did not add up. The columns appear only where there is something to count (the survey workbooks'
golden files are unchanged).
"""
from __future__ import annotations

import openpyxl

from conftest import ROOT, invoke


def _rows(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_data_quality_adds_up_to_the_rows_read(tmp_path):
    out = tmp_path / "report.xlsx"
    result = invoke(["report", str(ROOT / "sample_data" / "calls.csv"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    rows = _rows(openpyxl.load_workbook(out)["Data quality"])
    inputs = dict(zip(rows[0], rows[1]))
    assert inputs["Rows"] == 2436 and inputs["Earlier records dropped"] == 36
    header = next(i for i, row in enumerate(rows) if row[0] == "Metric")
    metrics = {row[0]: dict(zip(rows[header], row)) for row in rows[header + 1:] if row[0] and row[0] != "Warnings" and row[1]}
    assert set(metrics) == {"service_level", "abandoned", "speed_of_answer", "aht"}
    not_counted = "Not counted (outside the formula's denominator or the metric's of: rows)"
    for m in metrics.values():
        assert m["Rows"] == inputs["Rows"] - inputs["Earlier records dropped"]
        assert m["Answered"] + m["Blank"] + m["Invalid"] + m[not_counted] == m["Rows"]
    assert metrics["service_level"][not_counted] == 99


def test_survey_data_quality_has_no_such_columns(tmp_path):
    out = tmp_path / "report.xlsx"
    result = invoke(["report", str(ROOT / "sample_data" / "survey_export.csv"), "-o", str(out), "-q", "-m", "nps"])
    assert result.exit_code == 0, result.stderr
    rows = _rows(openpyxl.load_workbook(out)["Data quality"])
    assert "Earlier records dropped" not in rows[0] and not any("Not counted" in str(v) for row in rows for v in row)
