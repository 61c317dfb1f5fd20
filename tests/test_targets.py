"""Targets (--fail-under, a metric's target: in the config): met, missed, not enough data, validation, exit 3."""
from __future__ import annotations

import json

import pytest

from cxscore.config import validate_config
from cxscore.errors import ConfigError, CxError
from cxscore.pipeline import Options, score
from conftest import SAMPLE, run_process


def test_targets_met_exit_0_missed_exit_3_with_output(tmp_path):
    met = run_process(["score", str(SAMPLE), "--fail-under", "nps=5", "-f", "json"])
    assert met.returncode == 0
    assert json.loads(met.stdout)["results"][0]["status"] == "met"
    missed = run_process(["score", str(SAMPLE), "--fail-under", "nps=50", "-f", "json"])
    assert missed.returncode == 3
    doc = json.loads(missed.stdout)  # the output is still written
    assert doc["results"][0]["status"] == "missed" and doc["alerts"] == ["nps +10.5 missed its target 50"]
    assert b"alert: nps +10.5 missed its target 50" in missed.stderr
    out = tmp_path / "r.xlsx"
    report = run_process(["report", str(SAMPLE), "-o", str(out), "--fail-under", "csat=90"])
    assert report.returncode == 3 and out.exists()
    assert run_process(["report", str(tmp_path / "missing.csv"), "-o", str(out)]).returncode == 2


def test_config_targets_per_segment_and_ces_direction(write_csv):
    path = write_csv([["Effort (1-10)", "team"], ["2", "a"], ["2", "a"], ["9", "b"], ["9", "b"]])
    config = validate_config({"min_n": 1, "metrics": [{"type": "ces", "column": "Effort (1-10)", "scale": [1, 10], "target": {"all": 5, "team=b": 8}}]})
    report = score([str(path)], config, Options(by=["team"]))
    statuses = {tuple(r.segment.values()): (r.target, r.status) for r in report.results}
    # Higher is harder on a 1–10 effort scale: 5.5 overall misses 5, team b's 9 misses 8; team a has no target.
    assert statuses == {(): (5.0, "missed"), ("a",): (None, None), ("b",): (8.0, "missed")}
    assert report.alerts == ["ces 5.50 missed its target 5", "ces 9.00 missed its target 8 [team=b]"]  # a mean's two decimals, as the table


def test_low_n_target_is_not_enough_data(write_csv):
    path = write_csv([["Satisfaction"], ["5"], ["5"]])
    report = score([str(path)], options=Options(fail_under=["csat=50"]))
    assert (report.results[0].status, report.alerts) == ("not enough data", [])


def test_target_validation():
    with pytest.raises(ConfigError, match=r"metrics\[0\].target: 120 is outside the NPS range"):
        validate_config({"metrics": [{"type": "nps", "column": "q", "target": 120}]})
    with pytest.raises(CxError, match="not one of the metrics"):
        score([str(SAMPLE)], options=Options(fail_under=["nsp=3"]))


def test_percentage_alerts_say_percent_and_json_numbers_stay_numbers():
    """A percentage's alert reads "79.3% missed its target 90%" (service level, CSAT); NPS points and
    the JSON value and target stay plain numbers."""
    from conftest import ROOT, invoke

    calls = invoke(["score", str(ROOT / "sample_data" / "calls.csv"), "--fail-under", "service_level=90", "-f", "json"])
    assert calls.exit_code == 3
    doc = json.loads(calls.stdout)
    row = next(r for r in doc["results"] if r["metric"] == "service_level" and not r["segment"] and r["period"] is None)
    assert row["target"] == 90.0 and isinstance(row["value"], float)
    assert doc["alerts"] == [f"service_level {row['value']:.1f}% missed its target 90%"]
    assert f"alert: service_level {row['value']:.1f}% missed its target 90%" in calls.stderr
    report = score([str(SAMPLE)], None, Options(fail_under=["csat=90", "nps=30"]))
    assert sorted(report.alerts) == ["csat 57.3% missed its target 90%", "nps +10.5 missed its target 30"]


def test_the_target_column_says_percent_as_the_alert_line_does():
    """The table's and Markdown's Target cell said `90: missed` for a percentage whose alert line
    says `57.3% missed its target 90%` (user pass, item b); NPS points stay unmarked."""
    from conftest import invoke

    for fmt in ("table", "markdown"):
        out = invoke(["score", str(SAMPLE), "--fail-under", "csat=90", "--fail-under", "nps=30", "-f", fmt], env={"COLUMNS": "200"}).stdout
        assert "90%: missed" in out and "30: missed" in out and "30%" not in out, out


def test_benchmark_sources_under_the_summary_are_sentences_not_run_together():
    """Two benchmarks' sources were joined by a space: '…, 2022 (P) zendesk-2014-retail: …' (user pass)."""
    from conftest import invoke

    out = invoke(["score", str(SAMPLE), "--benchmark", "retail", "-f", "md"]).stdout
    caption = next(line for line in out.splitlines() if line.startswith("_xmi-"))
    assert "2022 (P). zendesk-2014-retail: Zendesk Benchmark Q1 2014" in caption and caption.endswith("2014 (S)._"), caption


def test_an_alert_writes_values_and_differences_as_the_table_does():
    """A CES alert said `ces 4.9 missed its target 6` where the table's Score said 4.91 (closing note 8):
    alert text now formats through render/display as the table does — a value as the Score column, a
    Δ or detectable Δ as the Δ and Detectable columns (a CES's two decimals, NPS signed points)."""
    from conftest import invoke

    from cxscore.config import MetricSpec
    from cxscore.render import display
    from cxscore.targets import _shown

    result = invoke(["score", str(SAMPLE), "--fail-under", "ces=6", "-f", "md", "-q"])
    assert result.exit_code == 3
    ces = next(line for line in result.stdout.splitlines() if line.startswith("| ces "))
    score_cell = ces.split(" | ")[6]
    assert score_cell == "4.91" and f"alert: ces {score_cell} missed its target 6" in result.stderr
    ces_spec, nps_spec = MetricSpec(name="ces", type="ces", column="x"), MetricSpec(name="nps", type="nps", column="x")
    assert _shown(ces_spec, -0.0512, sign=True) == display.amount(-0.0512, "ces", sign=True) == "-0.05"
    assert _shown(ces_spec, 0.147, difference=True) == display.amount(0.147, "ces") == "0.15"
    assert _shown(nps_spec, 10.519) == "+10.5" and _shown(nps_spec, -3.04, sign=True) == "-3.0"
