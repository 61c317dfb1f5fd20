"""JSON metrics[] says what a duration was computed from: start and end, the parts of a sum, business hours.

A reader of the document must tell `resolution` (calendar) from `resolution_business` without the
config: both name the same two columns. Fields are only added, so survey metrics stay as they were.
"""
from __future__ import annotations

import json

from conftest import invoke

CONFIG = """\
schedule:
  hours: {mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00", thu: "09:00-17:00", fri: "09:00-17:00"}
metrics:
  - name: resolution_business
    type: duration
    start: Created at
    end: solved  at
    business_hours: true
  - name: resolution
    type: duration
    start: created AT
    end: Solved at
  - name: aht
    type: duration
    sum: [Talk, Hold]
    unit: seconds
  - name: wait
    type: duration
    column: Wait (min)
  - name: csat
    type: csat
    column: Rating
"""


def _metrics(tmp_path, write_csv) -> dict:
    rows = [["Created at", "Solved at", "Talk", "Hold", "Wait (min)", "Rating"]]
    rows += [[f"2025-03-0{3 + i % 3} 10:00", f"2025-03-0{4 + i % 3} 11:30", str(60 * (i + 1)), str(i), str(i + 2), str(1 + i % 5)] for i in range(6)]
    export = write_csv(rows)
    config = tmp_path / "cx.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    result = invoke(["score", str(export), "-c", str(config), "-f", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    return {m["name"]: m for m in json.loads(result.stdout)["metrics"]}


def test_duration_metrics_name_their_columns_and_hours(tmp_path, write_csv):
    metrics = _metrics(tmp_path, write_csv)
    business, calendar = metrics["resolution_business"], metrics["resolution"]
    # The columns as found in the file (loose spellings resolved), not as configured.
    assert (business["start"], business["end"], business["business_hours"]) == ("Created at", "Solved at", True)
    assert (calendar["start"], calendar["end"], calendar["business_hours"]) == ("Created at", "Solved at", False)
    assert "sum" not in business and "sum" not in calendar
    assert metrics["aht"]["sum"] == ["Talk", "Hold"] and metrics["aht"]["unit"] == "seconds"
    assert not {"start", "end", "business_hours"} & set(metrics["aht"])
    # A duration column is as the export computed it: its unit is known, its hours are not.
    assert metrics["wait"]["unit"] == "minutes" and not {"start", "end", "sum", "business_hours"} & set(metrics["wait"])
    assert not {"start", "end", "sum", "business_hours", "unit"} & set(metrics["csat"])


def test_a_helpdesk_layout_s_durations_carry_them_too():
    from conftest import ROOT

    result = invoke(["score", str(ROOT / "sample_data" / "calls.csv"), "-f", "json", "-q"])
    metrics = {m["name"]: m for m in json.loads(result.stdout)["metrics"]}
    speed, aht = metrics["speed_of_answer"], metrics["aht"]
    assert (speed["start"], speed["end"], speed["business_hours"]) == ("QueueInfo.EnqueueTimestamp", "AgentInfo.ConnectedToAgentTimestamp", False)
    assert aht["sum"] == ["AgentInteractionDuration", "AgentInitiatedHoldDuration", "AfterContactWorkDuration"] and aht["business_hours"] is False
