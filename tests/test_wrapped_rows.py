"""A wrapped cell's row is as tall as the lines a spreadsheet wraps it into, at spaces: the Summary row of
the calls sample's aht names three columns of 24–27 characters (79 in all), which wrap onto three lines of
a 40-column cell, not the two its length says; LibreOffice kept the row at two lines and cut the third."""
from __future__ import annotations

import openpyxl

from conftest import ROOT, invoke
from cxscore.render.cells import MAX_WIDTH, wrapped_lines


def test_wrapped_lines_break_at_spaces():
    names = "AgentInteractionDuration, AgentInitiatedHoldDuration, AfterContactWorkDuration"
    assert wrapped_lines(names) == 3 and len(names) <= 2 * MAX_WIDTH
    assert wrapped_lines("a" * MAX_WIDTH) == 1 and wrapped_lines("a" * (MAX_WIDTH + 1)) == 2
    assert wrapped_lines(" ".join(["word"] * 8)) == 1 and wrapped_lines(" ".join(["word"] * 9)) == 2
    assert wrapped_lines("满意" * 20) == 2 and wrapped_lines("one\ntwo") == 2


def test_the_summary_row_of_a_summed_duration_shows_its_three_columns(tmp_path):
    out = tmp_path / "report.xlsx"
    result = invoke(["report", str(ROOT / "sample_data" / "calls.csv"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Summary"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "aht")
    assert ws.cell(row=row, column=3).value.count(",") == 2
    assert ws.row_dimensions[row].height == 45  # three lines of 15 points
