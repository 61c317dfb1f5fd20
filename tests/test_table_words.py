"""``cxscore score``'s terminal tables as a user reads them: no column that says nothing, notes that are true and in plain English."""
from __future__ import annotations

from conftest import ROOT, invoke
from test_helpdesk_intervals import INTERVAL_REPORT
from test_helpdesk_layouts import GENESYS


def _table(tmp_path, text: str, *args: str) -> str:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    result = invoke(["score", str(path), "-q", *args], env={"COLUMNS": "160", "NO_COLOR": "1"})
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


def test_weighted_averages_are_not_called_medians(tmp_path):
    """An interval report's ASA and AHT are weighted averages with no interval or test: the breakdown's note
    said "Durations: medians with order-statistic intervals, tested with Mood's median test" (a duration kind's)."""
    words = " ".join(_table(tmp_path, INTERVAL_REPORT, "--by", "Queue").split())
    assert "aht (average) by Queue" in words and "speed_of_answer = Σ(ASA × Answered) ÷ Σ Answered" in words
    assert "median" not in words


def test_durations_still_say_they_are_medians(tmp_path):
    """Under a duration's own table (the Genesys fixture's durations have too few answers for an interval:
    the note it showed was under its service level's table, which lists only its own method now)."""
    words = " ".join(_table(tmp_path, (ROOT / "sample_data" / "calls.csv").read_text(encoding="utf-8"), "--period", "month").split())
    assert "Durations: medians with order-statistic intervals, tested with Mood's median test." in words.split("speed_of_answer (median) by month")[1]


def test_the_comments_title_says_five_only_when_a_band_had_more(tmp_path):
    """With --comments 2 the table shows two per band; its title said "the 5 most recent per band"."""
    text = (ROOT / "sample_data" / "comments_export.csv").read_text(encoding="utf-8")
    few = " ".join(_table(tmp_path, text, "--comments", "2").split())
    assert "the most recent per band (all collected)" in few and "5 most recent" not in few
    many = " ".join(_table(tmp_path, text, "--comments", "20").split())
    assert "the 5 most recent per band (all of them: -f csv)" in many


SMALL_WEEKS = "Id,Created,First reply\n" + "".join(
    f"{i},{day} 1{k}:00:00,{scale * (1 + k)}\n" for i, (day, k, scale) in enumerate(
        [(d, k, s) for d, n, s in (("2025-03-03", 5, 30), ("2025-03-10", 5, 300), ("2025-03-17", 4, 30)) for k in range(n)]))


def test_a_duration_change_marked_without_intervals_names_its_test(tmp_path):
    """Five first replies a week are too few for a median's interval, but Mood's test still marks the
    changes (▲ W11, ▼ W12): the note naming the test came only with an interval cell, so the table
    and the Markdown marked changes without saying which test marked them."""
    config = tmp_path / "d.yaml"
    config.write_text("version: 1\nmetrics:\n  - {name: frt, type: duration, column: First reply, unit: minutes}\n", encoding="utf-8")
    for fmt in ("table", "md"):
        words = " ".join(_table(tmp_path, SMALL_WEEKS, "-c", str(config), "--period", "week", "--min-n", "1", "-f", fmt).split())
        table = words.split("by week")[1]
        assert "▲" in table and "▼" in table and "order-statistic" not in table  # marks, no interval
        assert "Durations: medians; Δ tested with Mood's median test." in table


def test_the_workbook_says_what_delta_and_mark_mean_and_which_test_marked_a_duration(tmp_path):
    """The Trend sheet's 'frt Δ previous' and 'frt Mark' had no legend anywhere in the workbook (the
    table's caption is not in it): a note under the table says what they mean, at what level, and for
    the durations whose change was tested, Mood's median test — with or without intervals."""
    import openpyxl

    config = tmp_path / "d.yaml"
    config.write_text("version: 1\nmetrics:\n  - {name: frt, type: duration, column: First reply, unit: minutes}\n", encoding="utf-8")
    (tmp_path / "export.csv").write_text(SMALL_WEEKS, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(tmp_path / "export.csv"), "-c", str(config), "--period", "week", "--min-n", "1", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Trend"]
    column = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert column[:5] == ["Period", "2025-W10", "2025-W11", "2025-W12", None]  # a blank row, then the notes
    assert column[5].startswith("Δ previous: the change on the previous week. Mark: ▲ or ▼ when that change is significant (Benjamini–Hochberg adjusted p < 0.05)")
    assert column[6] == "Durations (frt): medians; Δ tested with Mood's median test."
    assert ws._charts[0].anchor._from.row + 1 == 9  # the chart under the notes (anchor rows count from 0)
