"""Messages that state what happened: real counts and values, nothing promised and left out."""
from __future__ import annotations

import json

from conftest import SAMPLE, invoke
from test_layouts import qualtrics_rows


def test_qualtrics_filters_say_how_many_rows_they_left_out(write_csv):
    # It said "leaving out rows whose 'Status' is not 0 / IP Address /  (…)": an empty value and no count.
    result = invoke(["score", str(write_csv(qualtrics_rows()))])
    assert result.exit_code == 0
    assert "1 row(s) left out as survey previews, tests and spam: 'Status' is not '0', 'IP Address' or blank" in result.stderr
    assert "1 row(s) left out as unfinished responses: 'Finished' is not '1', 'True', 'TRUE' or 'true'; --include-incomplete keeps them" in result.stderr
    assert " / " not in result.stderr


def test_a_filter_that_left_nothing_out_says_0(write_csv):
    rows = [row for row in qualtrics_rows() if row[2] != "Survey Preview"]
    result = invoke(["score", str(write_csv(rows)), "--include-incomplete"])
    assert "0 row(s) left out as survey previews, tests and spam: 'Status' is not '0', 'IP Address' or blank" in result.stderr
    assert "unfinished" not in result.stderr


def test_benchmark_compares_each_metric_that_has_one_and_names_the_others():
    # `--benchmark grocery` exited 2 ("no CSAT benchmark matches 'grocery'") although NPS has grocery rows.
    result = invoke(["score", str(SAMPLE), "--benchmark", "grocery", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    overall = {row["metric"]: row for row in doc["results"] if not row["segment"] and row["period"] is None}
    assert overall["nps"]["benchmark"]["industry"] == "Grocery"
    assert overall["csat"]["benchmark"] is None and overall["ces"]["benchmark"] is None
    warning = next(w for w in doc["warnings"] if w.startswith("--benchmark grocery"))
    assert "csat is not compared (no CSAT benchmark matches 'grocery')" in warning and "ces is not compared" in warning
    assert f"warning: {warning}" in result.stderr


def test_benchmark_that_matches_no_metric_is_still_an_error():
    result = invoke(["score", str(SAMPLE), "--benchmark", "grocery", "-m", "csat"])
    assert result.exit_code == 2 and "no CSAT benchmark matches 'grocery'" in result.stderr


def test_benchmark_with_only_ces_is_a_warning():
    result = invoke(["score", str(SAMPLE), "--benchmark", "retail", "-m", "ces", "-f", "json"])
    assert result.exit_code == 0 and "ces is not compared" in result.stderr
