"""Workbook defects a user found reading the printed report (session 7's user pass): a duration tile's
score out of line, a "p90 —" row where no p90 exists, rates counted as "Answer 0/1", ``-0m 06s``."""
from __future__ import annotations

import re

import openpyxl
import pytest

from conftest import ROOT, SAMPLE, dashboard_tile, invoke, reported
from cxscore.render import cells, display

#: Waits in seconds: group A about half a minute quicker than group B, both around five minutes.
WAITS = [["Group", "Wait in seconds"]] + [["A", 280 + i] for i in range(40)] + [["B", 310 + i] for i in range(40)]
WAIT_CONFIG = "metrics:\n  - name: wait\n    type: duration\n    column: Wait in seconds\n"
#: A queue interval report: its ASA and AHT are weighted averages of the rows (no single call's time, so no p90).
INTERVALS = """\
Interval Start,Interval End,Queue,Offered,Answered,Abandoned,Answered in SL,Service Level %,ASA,AHT
2025-03-03 08:00,2025-03-03 08:30,Sales,12,11,1,9,81.82%,00:00:17,00:05:10
2025-03-03 08:30,2025-03-03 09:00,Sales,40,36,4,30,83.33%,00:00:25,00:04:50
2025-03-03 08:00,2025-03-03 08:30,Support,25,25,0,24,96.00%,00:00:08,00:07:30
"""
#: Tickets with two rates: a condition's Yes/No, not 0/1, in the Distribution sheet.
TICKETS = [["Id", "Status", "Replies", "Reopens"]] + [[i, "Solved", 1 + i % 3, i % 4 // 3] for i in range(40)]
RATE_CONFIG = """metrics:
  - name: one_touch
    type: rate
    condition: '"Replies" <= 1'
  - name: reopened
    type: rate
    condition: '"Reopens" > 0'
    better: lower
"""


def _merged(ws, cell) -> bool:
    return any(cell.coordinate in rng for rng in ws.merged_cells.ranges)


@pytest.fixture(scope="module")
def waits(tmp_path_factory):
    data, config, out = reported(tmp_path_factory.mktemp("waits"), WAITS, WAIT_CONFIG, "--by", "Group", "--min-n", "5")
    table = invoke(["score", str(data), "-c", str(config), "--by", "Group", "--min-n", "5", "-f", "markdown"])
    return openpyxl.load_workbook(out), table.stdout


def test_a_duration_tiles_score_sits_where_every_tiles_score_sits(waits, tmp_path):
    """It was merged across the value and change columns (J7:K7), so it stood further right than the others."""
    wb, _ = waits
    score = dashboard_tile(wb["Dashboard"], "wait")["Score"]
    assert not _merged(wb["Dashboard"], score) and score.column == 2
    assert score.alignment.horizontal == "right"
    # wide enough for "145h 43m" in large type without the change column
    assert wb["Dashboard"].column_dimensions["B"].width >= 17


def test_a_weighted_average_tile_has_no_p90_row(tmp_path):
    path, out = tmp_path / "intervals.csv", tmp_path / "r.xlsx"
    path.write_text(INTERVALS, encoding="utf-8")
    assert invoke(["report", str(path), "-o", str(out)]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Dashboard"]
    for metric in ("speed_of_answer", "aht"):
        tile = dashboard_tile(ws, metric)
        assert "p90" not in tile, metric  # "p90 —": a weighted average of the rows' averages has no tail to show
        assert tile["±"].value == "—" and tile["Interval"].value == "—"  # in the slot every non-duration tile has, like its interval
        assert not _merged(ws, tile["Score"])


def test_a_median_duration_tile_keeps_its_p90(waits):
    assert dashboard_tile(waits[0]["Dashboard"], "wait")["p90"].value is not None


def test_rates_in_the_distribution_sheet_say_what_was_counted(write_csv, tmp_path):
    config, out = tmp_path / "rates.yaml", tmp_path / "r.xlsx"
    config.write_text(RATE_CONFIG, encoding="utf-8")
    assert invoke(["report", str(write_csv(TICKETS)), "-c", str(config), "-o", str(out)]).exit_code == 0
    rows = [row for row in openpyxl.load_workbook(out)["Distribution"].iter_rows(min_row=2, max_col=3, values_only=True)]
    ones = sum(1 for row in TICKETS[1:] if row[2] <= 1)
    reopened = sum(1 for row in TICKETS[1:] if row[3] > 0)
    assert rows == [("one_touch", "No", 40 - ones), ("one_touch", 'Yes: "Replies" <= 1', ones),
                    ("reopened", "No", 40 - reopened), ("reopened", 'Yes: "Reopens" > 0', reopened)]


def test_a_rate_with_an_of_says_it_in_the_distribution_sheet(tmp_path):
    """The Zendesk sample's one_touch counts solved tickets only (``of: "Status" in [Solved, Closed]``),
    but its Distribution points read ``Yes: "Replies" <= 1`` and ``No`` (closing note 8), as if every
    ticket were counted: each point now names the ``of:`` too, and their counts add up to the solved tickets."""
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(ROOT / "sample_data" / "tickets_zendesk.csv"), "-o", str(out), "-q"]).exit_code == 0
    rows = {row[1]: row[2] for row in openpyxl.load_workbook(out)["Distribution"].iter_rows(min_row=2, max_col=3, values_only=True) if row[0] == "one_touch"}
    solved = '"Status" in [Solved, Closed]'
    assert list(rows) == [f'No: {solved}, not "Replies" <= 1', f'Yes: "Replies" <= 1 and {solved}']
    assert sum(rows.values()) == 2800  # the solved or closed tickets: score's one_touch n


def test_a_short_negative_difference_reads_the_same_in_table_and_workbook(waits):
    """The Segments sheet showed ``-0m 06s`` where the table showed ``−6s``: one unit, one minus sign."""
    wb, markdown = waits
    ws = wb["Segments"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "A")
    diff = row[header.index("Δ rest")]
    days = diff.value.total_seconds() / 86400 if hasattr(diff.value, "total_seconds") else diff.value
    shown = cells.shown(days, diff.number_format)
    assert diff.number_format == cells.SECONDS_DIFF and re.fullmatch(r"-\d\ds", shown), (diff.number_format, shown)
    assert re.search(rf"\| A +\|.*\| {shown} ▼? *\|", markdown), markdown  # the Markdown table writes the same text
    assert "−" not in markdown


@pytest.mark.parametrize(("number_format", "seconds", "expected"), [
    (cells.MINUTES_DIFF, -6, cells.TENTHS_DIFF), (cells.MINUTES_DIFF, 6, cells.TENTHS_DIFF), (cells.MINUTES_DIFF, -60, cells.MINUTES_DIFF),
    (cells.HOURS_DIFF, -300, cells.MINUTES_DIFF), (cells.HOURS_DIFF, -30, cells.SECONDS_DIFF), (cells.HOURS, 2700, cells.MINUTES),
    (cells.DAYS_DIFF, -0.3 * 86400, cells.HOURS_DIFF), (cells.DAYS, 2 * 86400, cells.DAYS), (cells.NPS, -0.2 * 86400, cells.NPS),
])
def test_a_duration_cell_drops_a_leading_zero_unit(number_format, seconds, expected):
    assert cells.fitted(number_format, seconds / 86400) == expected


def test_one_minus_sign_for_numbers_and_durations():
    assert display.duration(-6, sign=True) == "-6.0s" and display.duration(-14160, sign=True) == "-3h 56m"
    assert display.amount(-16.5, "nps", sign=True) == "-16.5"
    assert cells.shown(-6 / 86400, cells.TENTHS_DIFF) == "-0:06.0" and cells.shown(-16 / 86400, cells.SECONDS_DIFF) == "-16s"


@pytest.mark.parametrize(("number_format", "value", "expected"), [
    (cells.DIFF1, -0.04, "0.0"), (cells.NPS, 0.04, "0.0"), (cells.DIFF2, -0.004, "0.00"), (cells.DIFF1, -0.06, "-0.1"), (cells.DIFF2, 0.006, "+0.01"),
])
def test_a_signed_number_that_rounds_to_zero_has_no_sign(number_format, value, expected):
    """The Trend sheet showed a Δ of -0.04 points as -0.0 where the table wrote 0.0, and the table a CES Δ of -0.004 as -0.00."""
    assert cells.shown(value, cells.fitted(number_format, value)) == expected
    assert display.number(value, 2 if number_format == cells.DIFF2 else 1, sign=True) == expected


def test_a_segment_with_nothing_scored_is_listed_but_never_ranked(write_csv, tmp_path):
    """A segment with n 0 (its answers all blank) has no value: the Segments sheet lists it with its n,
    but neither its chart nor the top-and-bottom list beside it (session 8's user pass: ``(blank)``, n 0)."""
    rows = [["Store", "How likely are you to recommend us?"]]
    rows += [[f"S{i:02d}", (i + k) % 11] for i in range(20) for k in range(40)] + [["Z", ""]] * 5
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(write_csv(rows)), "-o", str(out), "--by", "Store"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Segments"]
    listed = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=3).value for r in range(2, 23)}
    assert listed["Z"] == 0  # still in the full table
    values = [c.value for row in ws.iter_rows(min_col=12, max_col=13) for c in row if c.value is not None]
    assert "Top and bottom 12 of 20, by score" in values and "Z" not in values
    few = [["Store", "How likely are you to recommend us?"]] + [[s, k % 11] for s in "ABC" for k in range(40)] + [["Z", ""]] * 5
    assert invoke(["report", str(write_csv(few)), "-o", str(out), "--by", "Store"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Segments"]
    (chart,) = ws._charts
    first, last = (int(part.split("$")[-1]) for part in chart.series[0].val.numRef.f.split("!")[1].split(":"))
    assert sorted(ws.cell(row=r, column=2).value for r in range(first, last + 1)) == ["A", "B", "C"]


#: Short waits (a call's speed of answer): medians, intervals and margins all under ten seconds.
SHORT = [["Group", "Wait in seconds"]] + [[g, round(2.5 + (i % 9) * 0.25 + (g == "B") * 0.4, 2)] for g in "AB" for i in range(60)]
SHORT_CONFIG = WAIT_CONFIG + "    target: 5s\n"


def test_a_short_durations_value_interval_and_margin_share_one_precision(write_csv, tmp_path):
    """Session 8's user pass: a median "4s" beside "4s to 5.1s" and "±0s" beside "Detectable 0.8s", and a
    Dashboard "4s" over "2.9s – 4.1s". Under 10 seconds every measured duration has one decimal, in the
    table and the workbook alike; a target stays as it was set (``5s``)."""
    path, config, out = write_csv(SHORT), tmp_path / "short.yaml", tmp_path / "short.xlsx"
    config.write_text(SHORT_CONFIG, encoding="utf-8")
    table = invoke(["score", str(path), "-c", str(config), "--by", "Group", "-f", "markdown", "-q"])
    assert table.exit_code == 0, table.stderr
    every = next(line for line in table.stdout.splitlines() if line.startswith("| **All**") or line.startswith("| All"))
    cells_ = [c.strip(" *_") for c in every.strip("|").split("|")]
    assert re.fullmatch(r"\d\.\ds", cells_[2]) and re.fullmatch(r"\d\.\ds to \d\.\ds", cells_[3]) and re.fullmatch(r"±\d\.\ds", cells_[4]), cells_
    summary = invoke(["score", str(path), "-c", str(config), "-q"], env={"COLUMNS": "200"}).stdout
    assert "5s: met" in summary  # a setting, written as set
    assert invoke(["report", str(path), "-c", str(config), "-o", str(out), "-q"]).exit_code == 0
    tile = dashboard_tile(openpyxl.load_workbook(out)["Dashboard"], "wait")
    score = tile["Score"]
    shown = cells.shown(score.value.total_seconds() / 86400, score.number_format)
    assert score.number_format == cells.TENTHS and re.fullmatch(r"0:0\d\.\d", shown), (score.number_format, shown)
    assert re.fullmatch(r"0:0\d\.\d – 0:0\d\.\d", tile["Interval"].value), tile["Interval"].value


def test_a_margin_that_rounds_to_zero_says_how_small_it_is():
    assert display.margin(0.04, "duration") == "±<0.1s" and display.margin(0.5, "duration") == "±0.5s"
    assert display.margin(0.0, "duration") == "±0.0s" and display.margin(None, "duration") == "—"
    assert display.margin(0.004, "nps") == "±<0.1" and display.margin(0.004, "ces") == "±<0.01" and display.margin(3.25, "ces") == "±3.25"
    assert display.duration(-0.02, sign=True) == "0.0s"  # no sign on a zero, as for numbers


def test_no_workbook_format_has_elapsed_seconds_with_a_decimal(tmp_path):
    # `[s].0` is drawn by Excel but LibreOffice shows 5.378E-05 for 4.6 s; `s.0` reads back as a time of day.
    out = tmp_path / "calls.xlsx"
    assert invoke(["report", str(SAMPLE.parent / "calls.csv"), "--period", "week", "-o", str(out), "-q"]).exit_code == 0
    seen = set()
    for ws in openpyxl.load_workbook(out).worksheets:
        for row in ws.iter_rows():
            seen.update(c.number_format for c in row if hasattr(c.value, "total_seconds"))
    assert cells.TENTHS in seen  # the calls sample's speed of answer is under 10 s
    assert not [f for f in seen if re.search(r"\[s+\]\.|(?<![\[\w:])s+\.0", f)], seen
    assert cells.shown(4.647 / 86400, cells.TENTHS) == "0:04.6" and cells.shown(0.02 / 86400, cells.ZERO_TENTHS) == "0:00.0"


CSAT_CONFIG = "metrics:\n  - name: csat\n    type: csat\n    column: Rating\ndate_column: Date\n"


def test_the_dashboard_tile_shows_the_latest_period_with_enough_answers_and_says_what_came_after(tmp_path):
    """The Zendesk sample by week: its last, partial week held one CSAT answer, and the tile's headline was
    CSAT 100 (grey, low n). A tile now shows the latest period with n ≥ min_n (week 10: 30 of 40
    satisfied, 75.0) and names the later ones with their n; its trend chart still draws every week."""
    rows = ([["Date", "Rating"]] + [["2025-03-04", 5]] * 30 + [["2025-03-05", 1]] * 10 + [["2025-03-11", 5]])
    _, _, out = reported(tmp_path, rows, CSAT_CONFIG, "--period", "week")
    tile = dashboard_tile(openpyxl.load_workbook(out)["Dashboard"], "csat")
    assert tile["Period"].value == "2025-W10 (later: 2025-W11 n = 1, too few to judge)"
    assert tile["Score"].value == pytest.approx(75.0) and tile["n"].value == 40 and not tile["Score"].font.i


def test_a_dashboard_tile_with_no_period_of_enough_answers_shows_the_latest_in_grey(tmp_path):
    """When no period has min_n answers the tile keeps the latest one, grey with low n, and names no later one."""
    rows = [["Date", "Rating"]] + [["2025-03-04", 1]] * 5 + [["2025-03-11", 5]] * 2
    _, _, out = reported(tmp_path, rows, CSAT_CONFIG, "--period", "week")
    tile = dashboard_tile(openpyxl.load_workbook(out)["Dashboard"], "csat")
    assert tile["Period"].value == "2025-W11" and tile["n"].value == "2 (low n)" and tile["Score"].font.i
    assert tile["Score"].value == pytest.approx(100.0)
