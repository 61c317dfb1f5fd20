"""The summary table at 80 and 100 columns: labels get the spare width first, a column of nothing but — goes.

Before, a label column was cut at 20 characters even when the table was 10 narrower than the
terminal (`one_touch (% meetin…` in a 70-wide table at 80 columns), and a Scale column of only
`—` (service KPIs have no scale) took room the labels needed.

A label is never cut: at 80 columns the calls table read `service_level (% with…` (the kind lost)
while its cells kept their padding; whole labels now come before padding, and a terminal too narrow
for whole labels wraps them.
"""
from __future__ import annotations

from conftest import ROOT, invoke

ZENDESK = ROOT / "sample_data" / "tickets_zendesk.csv"
CALLS = ROOT / "sample_data" / "calls.csv"


def _table(path, columns: int) -> list[str]:
    result = invoke(["score", str(path), "-q"], env={"COLUMNS": str(columns), "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # from the top border on: the title above it wraps when the file's path is long (a CI clone)
    top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    return lines[top : next(i for i, line in enumerate(lines) if line.startswith("└")) + 1]


def test_at_80_columns_labels_use_the_spare_width():
    table = _table(ZENDESK, 80)
    assert all(len(line) <= 80 for line in table)
    labels = [line.split("│")[1].strip() for line in table if line.startswith("│")]
    assert labels == ["frt (median)", "resolution (median)", "one_touch (% of rows)", "reopened (% of rows)", "escalated (% of rows)", "csat (% satisfied)"]
    assert not any("…" in line for line in table)
    assert "Scale" in table[1]  # csat has a scale (0–1): the column says something, so it stays


def test_at_100_columns_an_all_dash_column_goes_and_labels_are_whole():
    table = _table(CALLS, 100)
    assert all(len(line) <= 100 for line in table)
    header = [cell.strip() for cell in table[1].split("┃")[1:-1]]
    assert header == ["Metric", "n", "Blank", "Invalid", "Score", "95% CI"]  # no Scale: every cell was —
    labels = [line.split("│")[1].strip() for line in table if line.startswith("│")]
    assert labels == ["service_level (% within T)", "abandoned (% abandoned)", "speed_of_answer (median)", "aht (median)"]
    assert table[0].count("┳") == 5 and " 79.3% " in table[3]


def _labels(table: list[str]) -> list[str]:
    """The first column's labels, a wrapped label's lines joined (a row's next lines have no number)."""
    labels: list[str] = []
    for line in table:
        if line.startswith("│"):
            cells = [c.strip() for c in line.split("│")[1:-1]]
            if any(cells[1:]):
                labels.append(cells[0])
            else:
                labels[-1] += " " + cells[0]
    return labels


def test_at_80_columns_the_calls_labels_are_whole_not_cut():
    table = _table(CALLS, 80)
    assert all(len(line) <= 80 for line in table)
    assert _labels(table) == ["service_level (% within T)", "abandoned (% abandoned)", "speed_of_answer (median)", "aht (median)"]
    assert not any("…" in line for line in table) and len(table) == 4 + 4  # one line a row


def test_a_narrow_terminal_wraps_labels_rather_than_cutting_them_or_the_numbers():
    table = _table(CALLS, 60)
    assert all(len(line) <= 60 for line in table)
    assert not any("…" in line for line in table) and " 79.3%" in table[3] and "5m 05s to 5m 30s" in table[-2]
    assert [label.replace(" ", "") for label in _labels(table)] == ["service_level(%withinT)", "abandoned(%abandoned)", "speed_of_answer(median)", "aht(median)"]


def test_lines_under_a_narrow_table_end_without_trailing_spaces():
    """The lines that follow a narrow table (a KPI's columns, its details) were padded to the terminal's
    width when they wrapped (``Column: A, B,`` and 6 spaces, then ``C`` and 59): now each ends at its text."""
    result = invoke(["score", str(CALLS), "-q"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    lines = result.stdout.splitlines()
    under = lines[next(i for i, line in enumerate(lines) if line.startswith("└")) + 1 :]
    column = [line for line in under if line.startswith("  ")]
    assert "  Column: AgentInfo.ConnectedToAgentTimestamp, QueueInfo.EnqueueTimestamp," in column and "  DisconnectTimestamp" in column
    assert all(line == line.rstrip() and len(line) <= 80 for line in under), [line for line in under if line != line.rstrip()]
