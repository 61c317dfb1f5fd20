"""The summary table of ``cxscore score`` as a user reads it: no column that says nothing, notes in plain English."""
from __future__ import annotations

from conftest import invoke
from test_helpdesk_intervals import INTERVAL_REPORT
from test_helpdesk_layouts import GENESYS


def _table(tmp_path, text: str) -> str:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    result = invoke(["score", str(path), "-q"], env={"COLUMNS": "160", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_a_column_of_empty_cells_is_left_out(tmp_path):
    """Summary-row KPIs (ratio, weighted_average) have no details: the Details column was drawn empty."""
    stdout = _table(tmp_path, INTERVAL_REPORT)
    header = next(line for line in stdout.splitlines() if "Metric" in line and "Score" in line)
    assert "Column" in header and "Details" not in header
    assert "Details:" not in stdout  # nor moved under the table


def test_one_row_not_counted_is_singular(tmp_path):
    """The Genesys fixture has one interaction outside the service level's denominator."""
    words = " ".join(_table(tmp_path, GENESYS).split())
    assert "1 row not counted" in words and "1 rows" not in words
