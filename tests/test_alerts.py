"""Alerts for cron: the family is the latest period's tests only, --baseline, --trend."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from cxscore import score, stats
from cxscore.dates import period_index
from cxscore.pipeline import Options
from conftest import SAMPLE, csv_text, invoke, run_process

MONDAY = dt.date(2025, 1, 6)


def week(k: int) -> str:
    return (MONDAY + dt.timedelta(weeks=k)).isoformat()


def answers(promoters: int, passives: int, detractors: int) -> list[int]:
    return [10] * promoters + [8] * passives + [0] * detractors


def export(tmp_path, weeks: list[tuple[int, int, int]], name: str = "weekly.csv"):
    rows = [["Recommend", "date"]] + [[v, week(k)] for k, mix in enumerate(weeks) for v in answers(*mix)]
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


STEADY, DROP = (100, 50, 50), (80, 50, 70)  # n 200: NPS +25, then +5 (p ≈ 0.019 on its own)


@pytest.mark.parametrize("history", [1, 21])
def test_an_alert_does_not_depend_on_how_much_history_the_file_holds(tmp_path, history):
    # Main adjusted the latest test with every earlier week's (21 weeks: 0.019·21 > 0.05, no alert).
    path = export(tmp_path, [STEADY] * history + [DROP])
    report = score([str(path)], options=Options(period="week", fail_on_significant_drop=True))
    latest = report.results[-1]
    assert latest.significance["p_value"] == pytest.approx(0.0190, abs=5e-4)
    assert len(report.alerts) == 1
    alert = report.alerts[0]
    assert alert.startswith(f"nps fell significantly in {latest.period}: +5.0 vs +25.0 on the previous period (Δ -20.0; detectable Δ at this n: ")
    assert f"{latest.significance['mdd']:.1f})" in alert


def test_baseline_pools_the_previous_n_periods(tmp_path):
    weeks = [(90, 60, 50), (100, 50, 50), (110, 40, 50), (100, 50, 50), DROP]
    path = export(tmp_path, weeks)
    latest = score([str(path)], options=Options(period="week", baseline=3)).results[-1]
    sig = latest.significance
    assert sig["against"] == "baseline" and sig["baseline"] == ["2025-W03", "2025-W04", "2025-W05"]
    # Reference: the three weeks' 600 answers pooled, moments by NumPy on −1/0/+1.
    score_of = lambda mix: np.array([1.0] * mix[0] + [0.0] * mix[1] + [-1.0] * mix[2])  # noqa: E731
    a, b = score_of(DROP), np.concatenate([score_of(m) for m in weeks[1:4]])
    moments = lambda x: (x.mean(), x.var(), np.mean((x - x.mean()) ** 3), len(x))  # noqa: E731
    expected = stats.pooled_test(moments(a), moments(b))
    assert sig["diff"] == pytest.approx(100 * (a.mean() - b.mean()))
    assert sig["p_value"] == pytest.approx(expected.p, rel=1e-9)
    earlier = score([str(path)], options=Options(period="week", baseline=3)).results[-2]
    assert earlier.significance["against"] == "previous"  # only the latest period uses the baseline


def gradual(weeks: int = 8) -> list[tuple[int, int, int]]:
    # n 400 a week; NPS 20, 17, 14, …: 3 points a week, each step far inside the noise.
    return [(180 - 6 * k, 120, 100 + 6 * k) for k in range(weeks)]


def test_trend_catches_a_gradual_decline_that_adjacent_weeks_miss(tmp_path):
    path = export(tmp_path, gradual())
    report = score([str(path)], options=Options(period="week", trend=8, fail_on_significant_drop=True))
    latest = report.results[-1]
    assert latest.significance["p_value"] > 0.3
    t = latest.trend
    values = [20 - 3 * k for k in range(8)]
    assert t["slope"] == pytest.approx(np.polyfit(range(8), values, 1)[0])  # equal n: ordinary least squares
    pooled = np.concatenate([np.array([100.0] * (180 - 6 * k) + [0.0] * 120 + [-100.0] * (100 + 6 * k)) for k in range(8)])
    se = np.sqrt(pooled.var() / (400 * sum((k - 3.5) ** 2 for k in range(8))))
    assert (t["ci_low"], t["ci_high"]) == (pytest.approx(-3 - 1.959964 * se, abs=1e-5), pytest.approx(-3 + 1.959964 * se, abs=1e-5))
    assert (t["periods"], t["significant"], t["direction"]) == (8, True, "down")
    assert [a for a in report.alerts if "trending down" in a] == [
        f"nps is trending down: -3.0 per period over the last 8 periods (95% CI {t['ci_low']:+.1f} to {t['ci_high']:+.1f})"
    ]
    assert not [a for a in report.alerts if "fell significantly" in a]


def test_a_period_with_no_answers_is_still_a_step_of_the_trend(tmp_path):
    # Week 3 has no answers. Main placed the 7 weeks at 0…6 (slope -3.4 per week instead of -3.0)
    # and let --trend 8 reach back past the window.
    weeks = gradual(9)
    rows = [["Recommend", "date"]] + [[v, week(k)] for k, mix in enumerate(weeks) if k != 4 for v in answers(*mix)]
    path = tmp_path / "gap.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    t = score([str(path)], options=Options(period="week", trend=8)).results[-1].trend
    assert t["periods"] == 7  # weeks 1–8 of the calendar, week 4 missing; week 0 is outside the window
    assert t["slope"] == pytest.approx(-3.0)
    assert [period_index(c, "week") - period_index(202552, "week") for c in (202552, 202601, 202602)] == [0, 1, 2]
    assert period_index(202603, "month") - period_index(202511, "month") == 4
    assert period_index(20260301, "day") - period_index(20260227, "day") == 2
    assert period_index(20261, "quarter") - period_index(20254, "quarter") == 1


def test_trend_and_baseline_from_the_command_line(tmp_path):
    path = export(tmp_path, gradual())
    result = invoke(["score", str(path), "--period", "week", "--trend", "6", "--baseline", "2", "--fail-on-significant-drop", "-f", "json"])
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert (doc["analysis"]["trend"], doc["analysis"]["baseline"]) == (6, 2)
    latest = doc["results"][-1]
    assert latest["trend"]["periods"] == 6 and latest["significance"]["against"] == "baseline"
    assert "trending down" in result.stderr
    assert invoke(["score", str(path), "--period", "week", "--trend", "2"]).exit_code == 2  # K ≥ 3


def test_the_drop_check_says_what_it_saw_when_it_does_not_alert(tmp_path):
    # Adjacent weeks of the gradual decline: Δ -3.0, far below what 400 answers can detect.
    path = export(tmp_path, gradual())
    result = invoke(["score", str(path), "--period", "week", "--fail-on-significant-drop", "-f", "json"])
    assert result.exit_code == 0
    latest = json.loads(result.stdout)["results"][-1]
    mdd = latest["significance"]["mdd"]
    assert f"nps in 2025-W09: -1.0 vs +2.0 on the previous period (Δ -3.0, not a significant drop; detectable Δ at this n: {mdd:.1f})" in result.stderr
    assert "alert" not in result.stderr


def test_the_period_table_shows_the_trend_and_options_without_periods_are_named(tmp_path):
    path = export(tmp_path, gradual())
    out = invoke(["score", str(path), "--period", "week", "--trend", "8", "-f", "markdown"]).stdout
    assert "Trend over the last 8 periods: -3.00 per period (95% CI " in out and ") ▼." in out
    result = invoke(["score", str(path), "--trend", "8", "-f", "json"])
    assert "--baseline and --trend compare periods and were ignored: give --period" in result.stderr
    assert any("--trend" in w for w in json.loads(result.stdout)["warnings"])


def test_the_workbook_settings_record_how_changes_were_tested(tmp_path):
    import openpyxl

    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(export(tmp_path, gradual())), "-o", str(out), "--period", "week", "--trend", "5", "--baseline", "2", "--nps-test", "wald"])
    assert result.exit_code == 0, result.stderr
    settings = {row[0]: row[1] for row in openpyxl.load_workbook(out)["Settings"].iter_rows(values_only=True) if row and row[0]}
    assert (settings["nps_test"], settings["baseline"], settings["trend"]) == ("wald", 2, 5)


def test_significant_drop_alert():
    result = run_process(["score", str(SAMPLE), "--period", "month", "--until", "2025-05-31", "--fail-on-significant-drop", "-f", "json"])
    assert result.returncode == 3
    assert any("fell significantly in 2025-05" in a for a in json.loads(result.stdout)["alerts"])
    assert run_process(["score", str(SAMPLE), "--period", "month", "--fail-on-significant-drop", "-q"]).returncode == 0  # June recovered
