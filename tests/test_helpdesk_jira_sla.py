"""Jira Service Management's stored SLA JSON (issue 16): a CSV whose SLA cells hold the value as Jira's
database keeps it (``customfieldvalue.textvalue``: ``{"timeline": …, "ongoingSLAData": …, "completeSLAData":
[{"succeeded": …, "elapsedTime": ms, …}]}``, as SQL reports on Jira's database read it) is scored: breaches
from the completed cycles' ``succeeded``, and the time each SLA clock ran from their ``elapsedTime``."""
from __future__ import annotations

import json

import pytest

from conftest import csv_text, invoke, results_by_metric
from cxscore.conditions import parse_condition
from cxscore.durations import BLANK, INVALID, jira_sla_elapsed


def _sla(*cycles: tuple[bool, int], ongoing: bool = False) -> str:
    """One stored SLA value: completed cycles (succeeded, elapsed ms), and a running clock if ``ongoing``."""
    start = 1740477600000
    complete = [{"succeeded": ok, "goalTime": start + 7200000, "startTime": start, "stopTime": start + ms, "elapsedTime": ms, "remainingTime": 7200000 - ms,
                 "calendarName": "Sample 9-5 Calendar"} for ok, ms in cycles]
    running = {"goalTime": start + 7200000, "startTime": start, "paused": False, "withinCalendarHours": True} if ongoing else None
    return json.dumps({"timeline": {"events": [{"date": start, "types": ["START"]}]}, "ongoingSLAData": running, "completeSLAData": complete}, separators=(",", ":"))


#: Issue key, dates as Jira writes them, and the two SLA fields' stored JSON (compact, as Jira serialises it).
JIRA_SLA_JSON = [
    ["Issue key", "Summary", "Created", "Resolved", "Time to first response", "Time to resolution"],
    ["SD-1", "VPN down", "25/Feb/26 10:00 AM", "25/Feb/26 2:00 PM", _sla((True, 1800000)), _sla((True, 14400000))],
    ["SD-2", "Laptop", "25/Feb/26 11:00 AM", "26/Feb/26 9:00 PM", _sla((False, 10800000)), _sla((True, 3600000), (False, 30000000))],
    ["SD-3", "Access", "26/Feb/26 09:00 AM", "", _sla(ongoing=True), _sla(ongoing=True)],
    ["SD-4", "Printer", "26/Feb/26 10:00 AM", "", _sla((True, 600000)), _sla(ongoing=True)],
    ["SD-5", "Question", "26/Feb/26 11:00 AM", "", "", ""],
]


def test_stored_sla_json_gives_breaches_and_elapsed_times(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(csv_text(JIRA_SLA_JSON), encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    got = results_by_metric(result.stdout)
    assert list(got) == ["frt_sla_breached", "frt", "resolution_sla_breached", "resolution"]
    assert (got["frt_sla_breached"]["n"], got["frt_sla_breached"]["value"]) == (3, pytest.approx(100 / 3))  # SD-2 of SD-1, 2, 4; SD-3's clock still runs
    assert (got["resolution_sla_breached"]["n"], got["resolution_sla_breached"]["value"]) == (2, pytest.approx(50))  # SD-2's second cycle breached
    assert (got["frt"]["n"], got["frt"]["blank"]) == (3, 2) and got["frt"]["components"]["mean"] == pytest.approx((1800 + 10800 + 600) / 3)
    assert got["frt"]["value"] == pytest.approx(1800, rel=0.01)  # the median of 10, 30 and 180 minutes


def test_inspect_plans_the_elapsed_time_of_each_sla_and_keeps_created_to_resolved(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(csv_text(JIRA_SLA_JSON), encoding="utf-8")
    plan = json.loads(invoke(["inspect", str(path), "-f", "json"]).stdout)["plan"]
    assert [m["name"] for m in plan["metrics"]] == ["frt_sla_breached", "frt", "resolution_sla_breached", "resolution"]
    assert [a["name"] for a in plan["alternatives"]] == ["resolution_sla"] and "frt" not in [m["name"] for m in plan["not_planned"]]
    assert "completeSLAData" in plan["metrics"][1]["definition"]


def test_a_stored_sla_value_reads_as_its_clocks_elapsed_milliseconds():
    assert jira_sla_elapsed(_sla((True, 3600000), (False, 1800000))) == (5400.0, 6)
    assert jira_sla_elapsed(_sla(ongoing=True))[1] == BLANK
    assert jira_sla_elapsed('{"completeSLAData": [{"succeeded": true}]}')[1] == INVALID
    assert jira_sla_elapsed("{not json")[1] == INVALID


def test_contains_matches_text_anywhere_ignoring_case():
    import pyarrow as pa

    condition = parse_condition("""SLA contains '"succeeded":FALSE'""")
    outcome = condition.evaluate({"SLA": pa.array([_sla((False, 1)), _sla((True, 1)), None])}, [])
    assert outcome.matched.tolist() == [True, False, False] and outcome.undecided.tolist() == [False, False, True]
