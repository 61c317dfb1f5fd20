"""``cxscore drivers`` at 80 columns: one line per driver, its numbers whole, as the score tables keep theirs.

Before, the table was wider than 80 columns and Rich folded every cell: ``csat_del``/``ivery``,
``Importan``/``ce %``, ``uncertai``/``n``. Now the driver's name gives up width first: it wraps
(it was cut with an ellipsis, ``csat_product…``, until a label was never to be cut), so the numbers
keep one line each.
"""
from __future__ import annotations

from conftest import ROOT, invoke

DRIVERS = ROOT / "sample_data" / "drivers_export.csv"


def _body(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┡"))
    bottom = next(i for i, line in enumerate(lines) if line.startswith("└"))
    return lines[top + 1:bottom]


def test_drivers_table_keeps_a_line_per_driver_at_80_columns():
    result = invoke(["drivers", str(DRIVERS), "-q", "--resamples", "20"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in _body(result.stdout)]
    assert all(len(line) <= 80 for line in result.stdout.splitlines()) and "…" not in result.stdout
    quadrants = {"fix first", "keep", "maintain", "monitor", "uncertain"}
    drivers = []
    for cells in rows:
        if not any(cells[1:]):  # a wrapped name's next line: nothing else on it
            drivers[-1] += cells[0]
            continue
        assert len(cells) == 8 and cells[0].startswith("csat_") and cells[7] in quadrants, cells
        assert " to " in cells[2] and cells[1].replace(".", "").isdigit()
        drivers.append(cells[0])
    assert sorted(drivers) == ["csat_app", "csat_delivery", "csat_price", "csat_product_quality", "csat_staff"]
    header = next(line for line in result.stdout.splitlines() if "Driver" in line)
    assert "Importance %" in header and "Quadrant" in header


def test_drivers_table_names_are_whole_where_there_is_room():
    result = invoke(["drivers", str(DRIVERS), "-q", "--resamples", "20"], env={"COLUMNS": "120", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert any("csat_product_quality" in line for line in _body(result.stdout))
