"""A report sheet with nothing to show says why in its first rows, as Trend and Segments do without --period and --by.

An interval report's KPIs (ratios of sums, weighted averages) have no answers to count at each point: the
Distribution sheet held its header row alone, which reads as a failed report.
"""
from __future__ import annotations

import openpyxl
import pytest

from conftest import SAMPLE, invoke
from test_helpdesk_intervals import INTERVAL_REPORT


@pytest.mark.parametrize(("lang", "words"), [("en", "No metric of this run has answers to count at each point"), ("zh", "本次运行没有可按每个分值计数的指标")])
def test_a_distribution_sheet_with_nothing_to_count_says_why(tmp_path, lang, words):
    path, out = tmp_path / "export.csv", tmp_path / "report.xlsx"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    result = invoke(["report", str(path), "-o", str(out), "--lang", lang, "-q"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["分布" if lang == "zh" else "Distribution"]
    assert ws.max_row == 2 and str(ws["A2"].value).startswith(words)


def test_a_distribution_sheet_with_answers_has_no_such_note(tmp_path):
    out = tmp_path / "report.xlsx"
    result = invoke(["report", str(SAMPLE), "-o", str(out), "-q", "-m", "nps"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Distribution"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 13)] == ["nps"] * 11
