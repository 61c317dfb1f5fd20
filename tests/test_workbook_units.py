"""A duration tile and a Trend column read in one unit style (session 8's user pass: a tile's "3.0 d"
over "2d 21h – 3d 17h" and p90 "145h 43m"; a Δ column "0s", "-9h 40m", "+2.0 d"), the Dashboard's
trend charts keep a plot to read."""
from __future__ import annotations

import datetime
import re

import openpyxl
import pytest

from conftest import dashboard_tile, invoke, reported
from cxscore.render import cells

DAY = 86400
#: Two weeks of waits: week 1 around 2.5 days, week 2 around a day with six of 40 waiting 6 days (p90 6 d).
#: The all-time median (under three days) gives the metric hours as its unit; the tile's p90 needs days.
WAITS = ([["Date", "Wait in seconds"]] + [["2025-03-04", round(2.5 * DAY + 600 * i)] for i in range(40)]
         + [["2025-03-11", round(DAY + 600 * i)] for i in range(34)] + [["2025-03-12", 6 * DAY + i] for i in range(6)])
CONFIG = "metrics:\n  - name: wait\n    type: duration\n    column: Wait in seconds\ndate_column: Date\n"


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    _, _, out = reported(tmp_path_factory.mktemp("units"), WAITS, CONFIG, "--period", "week")
    return openpyxl.load_workbook(out)


def _days(cell) -> float:
    return cell.value.total_seconds() / DAY if isinstance(cell.value, datetime.timedelta) else cell.value


def test_a_duration_tile_is_written_in_the_unit_of_its_largest_value(book):
    """Score 1.0 d and p90 6.0 d, the interval and the change in days too: not "24h 10m" over "144h 00m"."""
    tile = dashboard_tile(book["Dashboard"], "wait")
    assert tile["Score"].number_format == cells.DAYS and tile["p90"].number_format == cells.DAYS
    assert cells.shown(_days(tile["p90"]), tile["p90"].number_format) == "6.0 d"
    assert re.fullmatch(r"\d\.\d d – \d\.\d d", tile["Interval"].value), tile["Interval"].value
    assert re.fullmatch(r"-\d\.\d d( ▼)?", tile["Δ previous"].value), tile["Δ previous"].value


def test_a_trend_duration_column_keeps_one_unit(book):
    """Scores (2.5 d, then 1.1 d) and their change (-1.4 d) all in days: no hours in a column of days."""
    ws = book["Trend"]
    headers = [c.value for c in ws[1]]
    columns = [i for i, h in enumerate(headers, start=1) if h.startswith("wait ") and not h.endswith((" n", " Mark"))]
    formats = {ws.cell(row=r, column=c).number_format for r in range(2, ws.max_row + 1) for c in columns if ws.cell(row=r, column=c).value is not None}
    assert formats and formats <= {cells.DAYS, cells.DAYS_DIFF}, formats


def test_short_durations_keep_stepping_down_within_hours_minutes_and_seconds():
    """Held to hours, a 49-minute score still reads "49m 12s" (not "0h 49m") and a −6 s change "-0:06.0"."""
    look = cells.held(cells.look("duration", 3000), [2952, 7 * 3600, -6])
    assert cells.written(look, 2952) == "49m 12s" and cells.written(look, -6, diff=True) == "-0:06.0"
    assert cells.written(look, 0.01, diff=True) == "0:00.0" and cells.written(cells.held(look, [3 * DAY]), 0.01, diff=True) == "0:00.0"
    assert cells.written(look, 0, diff=True) == cells.written(cells.held(look, [3 * DAY]), 0, diff=True) == "0"  # no change at all: 0, as the table writes it


def test_a_short_duration_held_to_days_is_never_shown_as_zero_days():
    """Held to days, a value under 72 minutes read "0.0 d" (the Zendesk sample's frt, 2025-W27, median
    49 minutes): it steps down to the unit that shows it; from 72 minutes one decimal of days shows it."""
    days = cells.held(cells.look("duration", 3 * DAY), [3 * DAY])
    assert days.score == cells.DAYS
    assert cells.written(days, 2952) == "49m 12s" and cells.written(days, -2952, diff=True) == "-49m 12s"
    assert cells.written(days, 4260) == "1h 11m" and cells.written(days, 4320) == "0.1 d" and cells.written(days, 6 * DAY) == "6.0 d"
    assert cells.written(days, 4.6) == "0:04.6" and cells.written(days, 0, diff=True) == "0"


def test_a_trend_column_of_days_shows_a_49_minute_week_in_minutes(tmp_path, monkeypatch):
    """Weeks of about three days with one of 49 minutes: its Trend cell holds the exact value and reads
    "49m 12s" (was "0.0 d", which reads as no wait); the others stay in days, and the table says 49m."""
    rows = ([["Date", "Wait in seconds"]] + [["2025-03-04", 3 * DAY + i] for i in range(9)]
            + [["2025-03-11", 2952] for _ in range(9)] + [["2025-03-18", 3 * DAY + i] for i in range(9)])
    data, config, out = reported(tmp_path, rows, CONFIG, "--period", "week")
    ws = openpyxl.load_workbook(out)["Trend"]
    headers = [c.value for c in ws[1]]
    score = headers.index("wait Score") + 1 if "wait Score" in headers else next(i for i, h in enumerate(headers, start=1) if h.startswith("wait "))
    by_period = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=score) for r in range(2, ws.max_row + 1)}
    short, long = by_period["2025-W11"], by_period["2025-W10"]
    assert _days(short) == pytest.approx(2952 / DAY, abs=1 / DAY), short.value  # the median as computed (within a second), not rounded to the unit
    assert short.number_format == cells.MINUTES and cells.shown(_days(short), short.number_format) == "49m 12s"
    assert long.number_format == cells.DAYS and cells.shown(_days(long), long.number_format) == "3.0 d"
    monkeypatch.chdir(tmp_path)  # short names: no path in the output to wrap
    table = invoke(["score", data.name, "-c", config.name, "--period", "week"], env={"COLUMNS": "200"})
    assert table.exit_code == 0 and " 49m " in table.stdout and " d " not in table.stdout, table.stdout
    markdown = invoke(["score", data.name, "-c", config.name, "--period", "week", "-f", "markdown"])
    assert markdown.exit_code == 0 and "| _2025-W11_ | _9_ | _49m_ |" in markdown.stdout, markdown.stdout


def test_dashboard_trend_charts_keep_room_for_their_plot(book):
    """At 6 cm with an 18-point title on two lines, axis titles and rotated week labels, the plot was a few pixels high."""
    charts = book["Dashboard"]._charts
    assert charts
    for chart in charts:
        assert chart.anchor.ext.height >= 7.5 * 360000 and chart.x_axis.title is None and chart.y_axis.title is None  # EMU per cm
        sizes = [run.rPr.sz for p in chart.title.tx.rich.p for run in p.r or []]
        assert sizes and max(sizes) <= 1100, sizes


def test_a_duration_chart_axis_is_in_the_unit_its_tile_and_column_show(book):
    """The tile reads days (p90 6.0 d) and the Trend column too, but both trend charts labelled their axis
    in hours (0h … 72h), the unit of the all-time median (closing note 8, the tickets Dashboard): an axis
    now follows the held unit of what it sits under, with round steps in that unit."""
    tile = dashboard_tile(book["Dashboard"], "wait")
    assert tile["Score"].number_format == cells.DAYS
    for sheet in ("Dashboard", "Trend"):
        (chart,) = book[sheet]._charts
        axis = chart.y_axis
        assert axis.numFmt.formatCode == cells.DURATION_STYLES[-1][3] == '0" d"', (sheet, axis.numFmt.formatCode)
        assert axis.majorUnit is not None and float(axis.majorUnit).is_integer(), (sheet, axis.majorUnit)  # whole days


def test_a_duration_chart_axis_stays_in_hours_when_its_values_do():
    """A tile held to hours keeps the hours axis: the held look carries its own style's axis and steps."""
    look = cells.held(cells.look("duration", 5 * 3600), [5 * 3600, 9 * 3600])
    assert (look.score, look.axis) == (cells.HOURS, '[h]"h"') and look.major_unit(9 * 3600) == 7200 / DAY
    days = cells.held(cells.look("duration", 5 * 3600), [5 * 3600, 3 * DAY])
    assert (days.score, days.axis, days.major_unit(3 * DAY)) == (cells.DAYS, '0" d"', 1.0)
