"""A duration summed from several columns (``sum:``, issue 15 item 4: AHT = talk + hold + after-call
work): hand-computed totals, what a blank part means, invalid parts, units, config errors, the call
sample against plain Python, and chunked = whole = parallel."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, invoke

from cxscore.config import validate_config
from cxscore.errors import ConfigError
from cxscore.pipeline import score
from cxscore.settings import Options

PARTS = ["AgentInteractionDuration", "AgentInitiatedHoldDuration", "AfterContactWorkDuration"]
AHT = {"name": "aht", "type": "duration", "sum": PARTS, "unit": "seconds"}
CALLS = ROOT / "sample_data" / "calls.csv"


def _config(tmp_path, metric: dict = AHT) -> str:
    path = tmp_path / "aht.yaml"
    path.write_text(json.dumps({"metrics": [metric]}), encoding="utf-8")  # JSON is YAML
    return str(path)


def test_hand_computed_totals_blank_parts_and_invalid_parts(write_csv, tmp_path):
    rows = [
        ["Queue", *PARTS],
        ["A", "250", "0", "38"],  # 288
        ["A", "300", "", "60"],  # hold blank (none): 360, noted
        ["B", "120", "30", "0:01:00"],  # a clock is read as written: 210
        ["B", "", "", ""],  # abandoned: blank
        ["B", "100", "abc", "10"],  # invalid
        ["B", "90", "10", "-5"],  # invalid: negative
    ]
    result = invoke(["score", str(write_csv(rows)), "-c", _config(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    overall = doc["results"][0]
    assert (overall["n"], overall["blank"], overall["invalid"]) == (3, 1, 2)
    assert overall["components"]["mean"] == pytest.approx((288 + 360 + 210) / 3, abs=1e-6)
    assert overall["value"] == pytest.approx(288, rel=0.01)
    assert doc["quality"][0]["invalid_examples"] == {"AfterContactWorkDuration: -5": 1, "AgentInitiatedHoldDuration: abc": 1}
    said = "aht: 1 row(s) with a blank part among 'AgentInteractionDuration, AgentInitiatedHoldDuration, AfterContactWorkDuration' summed with it as 0"
    assert any(said in w for w in doc["warnings"]) and said in result.stderr


def test_each_part_takes_its_unit_from_its_header(write_csv, tmp_path):
    rows = [["Talk (s)", "Hold time in minutes", "Wrap seconds"], ["60", "2", "30"], ["30", "1", "0"]]
    metric = {"name": "aht", "type": "duration", "sum": ["Talk (s)", "Hold time in minutes", "Wrap seconds"]}
    result = invoke(["score", str(write_csv(rows)), "-c", _config(tmp_path, metric), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["results"][0]["components"]["mean"] == pytest.approx((210 + 90) / 2)
    no_unit = invoke(["score", str(write_csv([["Talk", "Hold"], ["60", "2"]])), "-c", _config(tmp_path, {"name": "aht", "type": "duration", "sum": ["Talk", "Hold"]})])
    assert no_unit.exit_code == 2 and "aht: column 'Talk' holds plain numbers and no unit is known" in no_unit.stderr and no_unit.stdout == ""


def test_the_call_sample_s_handle_time_equals_plain_python(tmp_path):
    latest: dict[str, dict] = {}
    with CALLS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):  # the README's rule: keep each contact's latest record
            if row["ContactId"] not in latest or row["LastUpdateTimestamp"] > latest[row["ContactId"]]["LastUpdateTimestamp"]:
                latest[row["ContactId"]] = row
    handled = np.array(sorted(sum(int(r[p] or 0) for p in PARTS) for r in latest.values() if r[PARTS[0]]), float)
    report = score([str(CALLS)], validate_config({"metrics": [AHT]}), Options(dedupe="ContactId", date_column="LastUpdateTimestamp"))
    row = report.results[0]
    assert (row.n, row.blank, row.invalid) == (len(handled), 227, 0) == (2173, 227, 0)
    assert row.components["mean"] == pytest.approx(handled.mean(), abs=1e-6)
    for q, value in ((0.5, row.value), (0.9, row.components["p90"])):
        assert value == pytest.approx(np.quantile(handled, q, method="inverted_cdf"), rel=0.01)
    assert not any("blank part" in w for w in report.warnings)  # the latest records all have their after-contact work


@pytest.mark.parametrize(
    "metric, message",
    [
        ({"sum": ["Talk"]}, "metrics[0].sum: give two or more different duration columns to add"),
        ({"sum": ["Talk", "Talk"]}, "metrics[0].sum: give two or more different duration columns to add"),
        ({"sum": ["Talk", "Hold"], "column": "Talk"}, "metrics[0].sum: give either sum: (duration columns to add) or column:, not both"),
        ({"sum": ["Talk", "Hold"], "start": "a", "end": "b"}, "metrics[0].sum: give either sum: (duration columns to add) or start: and end:, not both"),
        ({"sum": ["Talk", "Hold"], "business_hours": True}, "metrics[0].business_hours: applies to durations between timestamps"),
    ],
)
def test_config_errors(metric, message):
    with pytest.raises(ConfigError) as caught:
        validate_config({"metrics": [{"name": "aht", "type": "duration", "unit": "seconds", **metric}]})
    assert message in caught.value.message


def _rows(report):
    return {(tuple(r.segment.items()), r.period): (r.n, r.blank, r.invalid, r.components.get("mean") if r.n else None) for r in report.results}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(*[st.sampled_from(["", "0", "45", "300", "1:02:03", "x"])] * 3, st.sampled_from(["A", "B"])), min_size=1, max_size=200))
def test_sums_chunked_whole_parallel(tmp_path, rows):
    rows = [("250", "0", "38", "A"), *rows]
    path = tmp_path / "c.csv"
    path.write_text(",".join([*PARTS, "Queue"]) + "\n" + "".join(",".join(r) + "\n" for r in rows))
    config = validate_config({"metrics": [AHT]})
    options = Options(by=["Queue"])
    whole = score([str(path)], config, options, processes=1)
    assert _rows(whole) == _rows(score([str(path)], config, options, processes=1, block_bytes=64)) == _rows(score([str(path)], config, options, processes=3, part_bytes=128))
    overall = next(r for r in whole.results if not r.segment)
    seconds = {"": None, "0": 0, "38": 38, "45": 45, "250": 250, "300": 300, "1:02:03": 3723, "x": "bad"}
    parts = [[seconds[c] for c in r[:3]] for r in rows]
    invalid = sum("bad" in p for p in parts)
    blank = sum(p == [None, None, None] for p in parts)
    assert (overall.n, overall.blank, overall.invalid) == (len(rows) - invalid - blank, blank, invalid)
