"""Helpdesk layouts of issue 16's second half, each on a small file in its platform's exact shape (headers
verbatim from real exports, values as the platform writes them, its traps): recognised from the headers
alone, its KPIs by the platform's own definitions, checked against pandas on the same text."""
from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pytest

from conftest import invoke, results_by_metric
from cxscore.conditions import ConditionError, parse_condition
from cxscore.dates import parse_dates
from cxscore.sources.layouts import RECOGNISERS, _Header, detect_layout


def share(mask) -> float:
    return 100 * float(pd.Series(mask, dtype=bool).mean())


def scored(tmp_path, text: str, *args: str, name: str = "export.csv") -> tuple[dict, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def only_recogniser(header: list[str]) -> list[str]:
    return [r.platform for r in RECOGNISERS if r.layout(_Header([header]))]


#: Jira Service Management's CSV export (Issues → Export → CSV): the columns of a real export, in its order
#: (a 150-column export trimmed to these; its "Comment" column repeats), dates as "25/Feb/26 10:17 PM", SLA
#: fields as the time left when the SLA stopped, negative past the goal ("-1h 5m"; older sites "-02:30"),
#: blank where no SLA applied; Satisfaction rating 1–5.
JIRA = """\
Summary,Issue key,Issue id,Issue Type,Status,Priority,Resolution,Assignee,Reporter,Created,Updated,Resolved,Custom field (Request Type),Satisfaction rating,Custom field (Time to first response),Custom field (Time to resolution),Comment,Comment,Status Category
VPN drops every hour,ITS-101,10101,Service Request,Resolved,High,Done,Ana Lima,Sam Ortiz,02/Mar/26 9:05 AM,02/Mar/26 1:10 PM,02/Mar/26 1:05 PM,Get IT help,5,3h 25m,4h,02/Mar/26 9:40 AM;ana;Looking,,Done
Laptop will not boot,ITS-102,10102,Service Request,Resolved,Highest,Done,Ana Lima,Kim Wu,02/Mar/26 10:30 AM,03/Mar/26 9:00 AM,03/Mar/26 8:45 AM,Fix a problem,4,-1h 5m,-18h 15m,,,Done
New monitor,ITS-103,10103,Service Request,Closed,Low,Done,Raj Patel,Lea Roth,02/Mar/26 11:00 PM,05/Mar/26 10:00 AM,04/Mar/26 11:00 PM,Request hardware,,6h 40m,2d 4h,,,Done
Password reset,ITS-104,10104,Service Request,Resolved,Medium,Done,Raj Patel,Sam Ortiz,03/Mar/26 8:15 AM,03/Mar/26 8:40 AM,03/Mar/26 8:35 AM,Reset password,5,7h 45m,7h 40m,,,Done
Printer offline,ITS-105,10105,Incident,Waiting for support,Medium,,Ana Lima,Kim Wu,03/Mar/26 2:00 PM,04/Mar/26 9:00 AM,,Fix a problem,,-02:30,-26:10,,,In Progress
Access to shared drive,ITS-106,10106,Service Request,Resolved,Low,Done,Raj Patel,Lea Roth,04/Mar/26 9:00 AM,06/Mar/26 4:00 PM,06/Mar/26 3:30 PM,Request access,2,-45m,-1d 2h,,,Done
Email bounced,ITS-107,10107,Incident,Resolved,High,Done,Ana Lima,Sam Ortiz,04/Mar/26 12:20 PM,04/Mar/26 5:00 PM,04/Mar/26 4:50 PM,Fix a problem,3,1h 50m,3h 10m,,,Done
Software licence,ITS-108,10108,Service Request,Canceled,Low,Won't Do,,Kim Wu,05/Mar/26 10:00 AM,05/Mar/26 10:10 AM,05/Mar/26 10:10 AM,Request software,,,,,,Done
Wi-Fi slow on floor 3,ITS-109,10109,Incident,In Progress,High,,Raj Patel,Lea Roth,06/Mar/26 3:00 PM,07/Mar/26 9:00 AM,,Fix a problem,,55m,-3h 5m,,,In Progress
Desk phone,ITS-110,10110,Service Request,Resolved,Medium,Done,Ana Lima,Sam Ortiz,09/Mar/26 9:30 AM,10/Mar/26 11:00 AM,10/Mar/26 10:30 AM,Request hardware,1,-1d 3h,-2d 1h,,,Done
"""
JIRA_REAL_HEADER = [  # a real Jira Cloud CSV export's columns around the SLA fields (verbatim)
    "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Priority", "Resolution", "Assignee", "Reporter", "Created",
    "Updated", "Last Viewed", "Resolved", "Custom field (Request Type)", "Satisfaction rating", "Custom field (Satisfaction date)",
    "Custom field (Time to done)", "Custom field (Time to first response)", "Custom field (Time to resolution)", "Comment", "Comment",
    "Status Category", "Status Category Changed",
]


def test_jira_is_recognised_from_its_sla_fields_and_no_other_recogniser_takes_it():
    assert only_recogniser(JIRA_REAL_HEADER) == ["Jira Service Management"]
    assert detect_layout([["Issue key", "Time to first response", "Time to resolution", "Created"]]).name == "jira"  # a list view's export
    assert not detect_layout([["Issue key", "Summary", "Status", "Created", "Resolved"]]).helpdesk  # Jira Software: no SLA, no helpdesk


def test_jira_dates_and_starts_with_read_as_jira_writes_them():
    times = parse_dates(pa.array(["25/Feb/26 10:17 PM", "03/Mar/26 8:00 AM", "5/Feb/2026", "30/Feb/26 1:00 AM"])).to_pylist()
    assert [str(t) if t else None for t in times] == ["2026-02-25 22:17:00", "2026-03-03 08:00:00", "2026-02-05 00:00:00", None]
    outcome = parse_condition('"Time to resolution" starts with "-"').evaluate({"Time to resolution": pa.array(["-1h 5m", " -02:30", "3h", "", None])})
    assert outcome.matched.tolist() == [True, True, False, False, False] and outcome.undecided.tolist() == [False, False, False, True, True]
    with pytest.raises(ConditionError, match="expected 'with' after 'starts'"):
        parse_condition("Status starts -")


def test_jira_sla_breaches_resolution_and_csat_match_pandas(tmp_path):
    document, stderr = scored(tmp_path, JIRA)
    assert document["inputs"][0]["layout"] == "jira"
    got = results_by_metric(document)
    assert list(got) == ["frt_sla_breached", "resolution_sla_breached", "resolution", "csat"]
    frame = pd.read_csv(io.StringIO(JIRA), dtype=str, keep_default_na=False)
    for name, column in (("frt_sla_breached", "Custom field (Time to first response)"), ("resolution_sla_breached", "Custom field (Time to resolution)")):
        timed = frame[column][frame[column] != ""]  # ITS-108 was cancelled before any SLA ran: no answer
        assert got[name]["n"] == len(timed) == 9
        assert got[name]["value"] == pytest.approx(share(timed.str.startswith("-")))
    assert got["frt_sla_breached"]["value"] == pytest.approx(100 * 4 / 9)  # ITS-102, -105 (-02:30), -106, -110
    assert got["resolution_sla_breached"]["value"] == pytest.approx(100 * 5 / 9)  # ITS-102, -105 (-26:10), -106, -109, -110
    when = lambda col: pd.to_datetime(frame[col], format="%d/%b/%y %I:%M %p", errors="coerce")  # noqa: E731
    hours = ((when("Resolved") - when("Created")).dt.total_seconds() / 3600).dropna()
    assert got["resolution"]["n"] == len(hours) == 8 and got["resolution"]["blank"] == 2  # two still open
    assert got["resolution"]["components"]["mean"] == pytest.approx(hours.mean() * 3600)
    rated = frame["Satisfaction rating"][frame["Satisfaction rating"] != ""].astype(int)
    assert got["csat"]["n"] == 6 and got["csat"]["value"] == pytest.approx(share(rated >= 4)) == 50  # 5, 4, 5 of 5, 4, 5, 2, 3, 1
    metrics = {m["name"]: m for m in document["metrics"]}
    assert metrics["frt_sla_breached"]["better"] == "lower" and "time past the goal" in metrics["frt_sla_breached"]["source"]


def test_jira_inspect_lists_the_kpis_and_why_no_first_response_time(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(JIRA, encoding="utf-8")
    result = invoke(["inspect", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert plan["platform"] == "Jira Service Management"
    assert [m["name"] for m in plan["metrics"]] == ["frt_sla_breached", "resolution_sla_breached", "resolution", "csat"]
    assert any("time left to the SLA goal" in str(m) for m in plan["not_planned"])


def test_jira_sla_values_that_are_no_sla_time_are_a_doubt(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text(JIRA.replace("3h 25m", "Met").replace("6h 40m", "Breached"), encoding="utf-8")
    result = invoke(["score", str(path), "--strict"])
    assert result.exit_code == 2 and "holds values that are no SLA time ('Met', 'Breached')" in result.stderr
