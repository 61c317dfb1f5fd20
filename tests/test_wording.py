"""Wording from session 8's user pass: an alert writes NPS as the table does (signed), and a rate is
labelled by what it counts ("% of rows"), never "% meeting" (nothing is met by "reopened")."""
from __future__ import annotations

import json

from cxscore.config import validate_config
from cxscore.pipeline import Options, score
from conftest import ROOT, SAMPLE, invoke

ZENDESK = ROOT / "sample_data" / "tickets_zendesk.csv"


def test_an_nps_alert_writes_its_value_signed_as_the_table_does():
    result = invoke(["score", str(SAMPLE), "--fail-under", "nps=50", "-f", "json"])
    assert result.exit_code == 3
    assert json.loads(result.stdout)["alerts"] == ["nps +10.5 missed its target 50"]
    assert "alert: nps +10.5 missed its target 50" in result.stderr
    table = invoke(["score", str(SAMPLE), "--fail-under", "nps=50", "-q"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert "+10.5" in table.stdout  # the table's Score for the same value


def test_a_negative_nps_and_a_drop_are_signed_in_the_alert(write_csv):
    rows = [["Recommend", "week"]] + [["0", "2025-01-06"]] * 20 + [["10", "2025-01-06"]] * 30 \
        + [["10", "2025-01-13"]] * 10 + [["0", "2025-01-13"]] * 40
    path = write_csv(rows)
    config = validate_config({"metrics": [{"type": "nps", "column": "Recommend", "target": -50}]})
    report = score([str(path)], config, Options(period="week", date_column="week", fail_on_significant_drop=True))
    # latest week: 10 promoters, 40 detractors of 50 → -60.0; the week before +20.0 (Δ -80.0)
    assert "nps -60.0 missed its target -50 [2025-W03]" in report.alerts
    drop = next(a for a in report.alerts if "fell significantly" in a)
    assert drop.startswith("nps fell significantly in 2025-W03: -60.0 vs +20.0 on the previous period (Δ -80.0;")


def test_rates_are_labelled_by_what_they_count(tmp_path):
    table = invoke(["score", str(ZENDESK), "-q", "-f", "md"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert table.exit_code == 0, table.stderr
    assert "reopened (% of rows)" in table.stdout and "escalated (% of rows)" in table.stdout
    assert "% meeting" not in table.stdout
    from openpyxl import load_workbook
    for lang, words in (("en", "% of rows"), ("zh", "行占比")):
        out = tmp_path / f"r_{lang}.xlsx"
        assert invoke(["report", str(ZENDESK), "-o", str(out), "-q", "--lang", lang]).exit_code == 0
        cells = [str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row if c.value is not None]
        assert any(f"reopened ({words})" in c for c in cells)
        assert not any("% meeting" in c or "达标占比" in c for c in cells)


def _greedy_at(lines: list[str], width: int) -> bool:
    """Lines wrapped word by word at ``width``: none too long, and no line's break came early (the next
    line's first word would have fitted)."""
    return all(len(line) <= width for line in lines) and all(
        len(a) + 1 + len(b.split(" ", 1)[0]) > width for a, b in zip(lines, lines[1:]))


def test_a_narrow_tables_title_and_caption_wrap_at_the_terminals_width():
    result = invoke(["drivers", str(SAMPLE), "--by", "Channel", "-q"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Headroom by Channel"))
    top = next(i for i in range(start, len(lines)) if lines[i].startswith("┏"))
    bottom = next(i for i in range(top, len(lines)) if lines[i].startswith("└"))
    assert len(lines[bottom]) < 60  # a narrow table: before, its title and caption wrapped at this width
    title, caption = [line.rstrip() for line in lines[start:top]], lines[bottom + 1 :]
    assert " ".join(title) == "Headroom by Channel: nps points gained if a segment's respondents were all promoters"
    assert caption[0].startswith("Overall NPS 10.5") and caption[-1].endswith("as score gives them.")
    assert _greedy_at(title, 80) and _greedy_at(caption, 80), [*title, *caption]
