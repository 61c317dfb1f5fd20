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


TYPEFORM_PARTIAL = (
    "#,How likely are you to recommend us to a friend?,What could we improve?,Response Type,Start Date (UTC),Stage Date (UTC),Submit Date (UTC),Network ID,Tags,Ending\n"
    "a1,9,fast,completed,2025-03-01 10:00:00,,2025-03-01 10:02:00,n1,,default\n"
    "a2,3,,partial,2025-03-01 11:00:00,2025-03-01 11:01:00,,n2,,\n"
    "a3,10,great,completed,2025-03-02 09:00:00,,2025-03-02 09:03:00,n3,,default\n"
    "a4,0,,started,2025-03-02 10:00:00,2025-03-02 10:00:10,,n4,,\n"
)


def test_typeform_partial_and_started_responses_are_left_out_unless_asked_for(tmp_path):
    # A download with partial responses included ('Response Type' of Typeform's current export): they were
    # scored with the completed ones without a word (NPS +0.0 of 4); Typeform's own API returns completed
    # responses unless partial or started ones are asked for.
    path = tmp_path / "typeform.csv"
    path.write_text(TYPEFORM_PARTIAL, encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json"])
    doc = json.loads(result.stdout)
    assert doc["inputs"][0]["layout"] == "typeform" and doc["inputs"][0]["excluded"] == {"partial or started responses": 2}
    assert (doc["results"][0]["n"], doc["results"][0]["value"]) == (2, 100.0)
    said = invoke(["score", str(path)]).stderr
    assert "2 row(s) left out as partial or started responses: 'Response Type' is not 'completed', 'Completed' or blank; --include-incomplete keeps them" in " ".join(said.split())
    kept = json.loads(invoke(["score", str(path), "-f", "json", "--include-incomplete"]).stdout)
    assert (kept["results"][0]["n"], kept["results"][0]["value"]) == (4, 0.0)
