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


#: Zoho Desk tickets as its API's ticket and ticket-metrics fields flatten (desk.zoho.com DeskAPIDocument): ISO times in UTC
#: with .000Z, metrics written "hh:mm hrs" (hours over 24 kept: "49:55 hrs"), blank where not reached, happiness Good/Okay/Bad.
ZOHO = """\
id,ticketNumber,subject,status,statusType,priority,channel,departmentId,assigneeId,createdTime,closedTime,isEscalated,isOverDue,firstResponseTime,resolutionTime,reopenCount,reassignCount,responseCount,threadCount,happinessRating
1892000000143237,101,Refund not received,Closed,Closed,High,Email,1892000000006907,1892000000056007,2025-03-03T09:12:41.000Z,2025-03-03T15:40:02.000Z,false,false,00:19 hrs,06:27 hrs,0,0,2,4,Good
1892000000143301,102,App crashes on login,Closed,Closed,High,Web,1892000000006907,1892000000056007,2025-03-03T10:05:00.000Z,2025-03-05T11:00:00.000Z,true,true,02:45 hrs,49:55 hrs,1,2,5,9,Bad
1892000000143388,103,Change delivery address,Closed,Closed,Medium,Chat,1892000000006907,1892000000056115,2025-03-04T08:00:10.000Z,2025-03-04T08:20:10.000Z,false,false,00:02 hrs,00:20 hrs,0,0,1,2,
1892000000143402,104,Invoice copy,Open,Open,Low,Email,1892000000006907,,2025-03-04T12:30:00.000Z,,false,true,,,0,1,0,1,
1892000000143455,105,Damaged item,On Hold,On Hold,Medium,Phone,1892000000006907,1892000000056115,2025-03-05T14:00:00.000Z,,false,false,01:10 hrs,,0,0,1,3,
1892000000143519,106,Password reset,Closed,Closed,Low,Web,1892000000006907,1892000000056007,2025-03-06T07:45:30.000Z,2025-03-06T09:15:30.000Z,false,false,00:30 hrs,01:30 hrs,2,0,3,6,Okay
"""


def hrs(text: str) -> float:
    hours, minutes = text.removesuffix(" hrs").split(":")
    return int(hours) * 3600 + int(minutes) * 60


def test_zoho_desk_hh_mm_hrs_metrics_counts_and_happiness_match_pandas(tmp_path):
    document, stderr = scored(tmp_path, ZOHO, "--strict")  # "00:19 hrs" is no h:mm/m:ss doubt: its unit is written
    assert document["inputs"][0]["layout"] == "zoho_desk" and only_recogniser(ZOHO.splitlines()[0].split(",")) == ["Zoho Desk"]
    got = results_by_metric(document)
    assert list(got) == ["frt", "resolution", "reopened", "reassigned", "escalated", "csat"]
    frame = pd.read_csv(io.StringIO(ZOHO), dtype=str, keep_default_na=False)
    for name, column in (("frt", "firstResponseTime"), ("resolution", "resolutionTime")):
        seconds = frame[column][frame[column] != ""].map(hrs)
        assert (got[name]["n"], got[name]["blank"]) == (len(seconds), len(frame) - len(seconds))
        assert got[name]["components"]["mean"] == pytest.approx(seconds.mean())
    assert got["frt"]["value"] == pytest.approx(30 * 60, rel=0.01)  # median of 19, 165, 2, 70, 30 minutes
    assert got["resolution"]["components"]["mean"] == pytest.approx((387 + 2995 + 20 + 90) * 60 / 4)  # 49:55 hrs is over two days
    closed = frame[frame["statusType"] == "Closed"]
    assert got["reopened"]["n"] == len(closed) == 4 and got["reopened"]["value"] == pytest.approx(share(closed["reopenCount"].astype(int) > 0)) == 50
    assert got["reassigned"]["value"] == pytest.approx(share(frame["reassignCount"].astype(int) > 0))
    assert got["escalated"]["value"] == pytest.approx(share(frame["isEscalated"] == "true"))
    rated = frame["happinessRating"][frame["happinessRating"] != ""]
    assert got["csat"]["n"] == 3 and got["csat"]["value"] == pytest.approx(share(rated == "Good"))  # Good of Good, Bad, Okay


SALESFORCE_CASES = """\
Id,CaseNumber,Status,IsClosed,IsEscalated,Origin,Priority,OwnerId,CreatedDate,ClosedDate,Subject
5005g00000XyZ01AAA,00001026,Closed,true,false,Email,High,0055g000004Qx1AAA,2025-05-05T08:00:00.000+0000,2025-05-06T10:30:00.000+0000,Cannot log in
5005g00000XyZ02AAA,00001027,Escalated,false,true,Phone,High,0055g000004Qx1AAA,2025-05-05T10:00:00.000+0000,,Order missing
5005g00000XyZ03AAA,00001028,Closed,true,false,Web,Low,0055g000004Qx2AAA,2025-05-06T09:00:00.000+0000,2025-05-06T09:45:00.000+0000,Change address
5005g00000XyZ04AAA,00001029,Closed,true,true,Phone,Medium,0055g000004Qx2AAA,2025-05-07T13:10:00.000+0000,2025-05-07T17:10:00.000+0000,Wrong charge
"""
#: CaseMilestone rows (Data Loader export; MilestoneType.Name from the relationship): a milestone still open but past its
#: target is violated already (IsViolated true, IsCompleted false); one open and not yet due is undecided.
SALESFORCE_MILESTONES = """\
Id,CaseId,MilestoneTypeId,MilestoneType.Name,StartDate,TargetDate,CompletionDate,IsCompleted,IsViolated,ElapsedTimeInMins,ActualElapsedTimeInMins,TargetResponseInMins,BusinessHoursId
5005g00000AbC1AAAU,5005g00000XyZ01AAA,557000000000001AAA,First Response,2025-05-05T08:00:00.000+0000,2025-05-05T09:00:00.000+0000,2025-05-05T08:42:00.000+0000,true,false,42,42,60,01m5g000000001AAA
5005g00000AbC2AAAU,5005g00000XyZ01AAA,557000000000002AAA,Resolution Time,2025-05-05T08:00:00.000+0000,2025-05-06T08:00:00.000+0000,2025-05-06T10:30:00.000+0000,true,true,1590,1590,1440,01m5g000000001AAA
5005g00000AbC3AAAU,5005g00000XyZ02AAA,557000000000001AAA,First Response,2025-05-05T10:00:00.000+0000,2025-05-05T11:00:00.000+0000,2025-05-05T11:20:00.000+0000,true,true,80,80,60,01m5g000000001AAA
5005g00000AbC4AAAU,5005g00000XyZ02AAA,557000000000002AAA,Resolution Time,2025-05-05T10:00:00.000+0000,2025-05-06T10:00:00.000+0000,,false,true,,,1440,01m5g000000001AAA
5005g00000AbC5AAAU,5005g00000XyZ03AAA,557000000000001AAA,First Response,2025-05-06T09:00:00.000+0000,2025-05-06T10:00:00.000+0000,2025-05-06T09:05:00.000+0000,true,false,5,5,60,01m5g000000001AAA
5005g00000AbC6AAAU,5005g00000XyZ03AAA,557000000000002AAA,Resolution Time,2025-05-06T09:00:00.000+0000,2025-05-07T09:00:00.000+0000,,false,false,,,1440,01m5g000000001AAA
"""


def test_salesforce_cases_resolution_and_escalation_match_pandas(tmp_path):
    document, _ = scored(tmp_path, SALESFORCE_CASES)
    assert document["inputs"][0]["layout"] == "salesforce_cases"
    got = results_by_metric(document)
    frame = pd.read_csv(io.StringIO(SALESFORCE_CASES), dtype=str, keep_default_na=False)
    when = lambda col: pd.to_datetime(frame[col], format="%Y-%m-%dT%H:%M:%S.%f%z", errors="coerce")  # noqa: E731
    seconds = (when("ClosedDate") - when("CreatedDate")).dt.total_seconds().dropna()
    assert (got["resolution"]["n"], got["resolution"]["blank"]) == (3, 1) and got["resolution"]["components"]["mean"] == pytest.approx(seconds.mean())
    assert got["escalated"]["value"] == pytest.approx(share(frame["IsEscalated"] == "true")) == 50


def test_salesforce_milestones_violated_while_open_counts_as_missed(tmp_path):
    document, stderr = scored(tmp_path, SALESFORCE_MILESTONES, "--by", "MilestoneType.Name")
    assert document["inputs"][0]["layout"] == "salesforce_milestones"
    frame = pd.read_csv(io.StringIO(SALESFORCE_MILESTONES), dtype=str, keep_default_na=False)
    decided = frame[(frame["IsViolated"] == "true") | (frame["IsCompleted"] == "true")]  # AbC6: open, not yet due
    rows = {(tuple(r["segment"].values()) or ("All",))[0]: r for r in document["results"] if r["metric"] == "sla_met" and r["period"] is None}
    assert rows["All"]["n"] == len(decided) == 5 and rows["All"]["value"] == pytest.approx(share(decided["IsViolated"] == "false")) == 40
    assert rows["First Response"]["value"] == pytest.approx(200 / 3) and rows["Resolution Time"]["n"] == 2  # AbC4 open yet violated
    assert "--by 'MilestoneType.Name' scores each" in stderr


#: Genesys Cloud conversation metrics, one column per analytics metric (milliseconds): an answered call, abandons (one
#: within 5 s), an outbound call (not offered to a queue), and one offered call neither answered nor abandoned (flowed out).
GENESYS = """\
conversationId,conversationStart,originatingDirection,mediaType,queueName,userName,nOffered,tAnswered,tAbandon,tTalkComplete,tHeldComplete,tAcw,tHandle
4c0b5f1e-58c3-4f5a-9d3e-0a1b2c3d4e01,2025-06-02T08:01:12.345Z,inbound,voice,Support,Mia Chen,1,12345,,185000,20000,45000,250000
4c0b5f1e-58c3-4f5a-9d3e-0a1b2c3d4e02,2025-06-02T08:03:40.100Z,inbound,voice,Support,,1,,3200,,,,
4c0b5f1e-58c3-4f5a-9d3e-0a1b2c3d4e03,2025-06-02T08:05:05.000Z,inbound,voice,Support,Omar Diaz,1,41000,,320500,0,60000,380500
4c0b5f1e-58c3-4f5a-9d3e-0a1b2c3d4e04,2025-06-02T08:09:30.900Z,inbound,voice,Billing,,1,,64000,,,,
4c0b5f1e-58c3-4f5a-9d3e-0a1b2c3d4e05,2025-06-02T08:15:00.000Z,inbound,voice,Billing,Mia Chen,1,8000,,95000,15000,30000,140000
4c0b5f1e-58c3-4f5a-9d3e-0a1b2c3d4e06,2025-06-02T08:20:00.000Z,outbound,voice,,Omar Diaz,,,,200000,0,20000,220000
4c0b5f1e-58c3-4f5a-9d3e-0a1b2c3d4e07,2025-06-02T08:22:10.000Z,inbound,voice,Support,,1,,,,,,
"""


def test_genesys_milliseconds_abandoned_of_offered_and_service_level(tmp_path):
    document, stderr = scored(tmp_path, GENESYS, "--strict")
    assert document["inputs"][0]["layout"] == "genesys"
    got = results_by_metric(document)
    assert list(got) == ["service_level", "abandoned", "speed_of_answer", "aht"]
    frame = pd.read_csv(io.StringIO(GENESYS), dtype=str, keep_default_na=False)
    offered = frame[frame["nOffered"] == "1"]
    assert got["abandoned"]["n"] == len(offered) == 6 and got["abandoned"]["value"] == pytest.approx(share(offered["tAbandon"] != "")) == pytest.approx(100 / 3)
    answered = offered["tAnswered"] != ""
    wait = pd.to_numeric(offered["tAnswered"], errors="coerce") / 1000
    gone = pd.to_numeric(offered["tAbandon"], errors="coerce") / 1000
    counted = answered | (gone > 5)  # answered, or abandoned after 5 s; the flowed-out call has neither
    assert got["service_level"]["n"] == int(counted.sum()) == 4
    assert got["service_level"]["value"] == pytest.approx(100 * float((answered & (wait <= 20)).sum()) / float(counted.sum())) == 50
    handle = pd.to_numeric(frame["tHandle"], errors="coerce").dropna() / 1000
    assert got["aht"]["n"] == len(handle) == 4 and got["aht"]["components"]["mean"] == pytest.approx(handle.mean())  # the outbound call is handled too
    assert got["speed_of_answer"]["components"]["mean"] == pytest.approx(wait.dropna().mean())
    assert "'tHandle' = 'tTalkComplete' + 'tHeldComplete' + 'tAcw' in 4 of 4 sampled rows" in stderr


def test_genesys_handle_time_that_is_not_the_sum_of_its_parts_is_a_doubt(tmp_path):
    path = tmp_path / "genesys.csv"
    path.write_text(GENESYS.replace(",250000\n", ",250\n").replace(",380500\n", ",380.5\n"), encoding="utf-8")  # seconds in a millisecond column
    result = invoke(["score", str(path), "--strict"])
    assert result.exit_code == 2 and "'tHandle' equals 'tTalkComplete' + 'tHeldComplete' + 'tAcw' in only 2 of 4 sampled rows" in result.stderr


#: Twilio Flex Insights segments as a report exports them: queue and conversation segments of each call, an Agent
#: Status segment (no call), Abandoned Yes/No on queue segments, times in seconds.
FLEX = """\
Date,Segment,Conversation ID,Kind,Direction,Queue,Agent,Abandoned,Queue Time,Talk Time,Hold Time,Wrap Up Time
2025-06-02,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a901,CA11a,Queue,Inbound,Support,,No,14,,,
2025-06-02,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a902,CA11a,Conversation,Inbound,Support,Ana,No,,312,40,55
2025-06-02,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a903,CA22b,Queue,Inbound,Support,,Yes,95,,,
2025-06-02,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a904,,Agent Status,,,Ana,,,,,
2025-06-02,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a905,CA33c,Queue,Inbound,Billing,,No,33,,,
2025-06-02,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a906,CA33c,Conversation,Inbound,Billing,Raj,No,,128,0,22
2025-06-03,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a907,CA44d,Queue,Inbound,Billing,,Yes,7,,,
2025-06-03,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a908,CA55e,Queue,Inbound,Support,,No,21,,,
2025-06-03,KAa1c3e5f7a9b1c3e5f7a9b1c3e5f7a909,CA55e,Conversation,Inbound,Support,Ana,No,,240,60,0
"""


def test_twilio_flex_abandoned_of_queue_segments_and_handling_time(tmp_path):
    document, _ = scored(tmp_path, FLEX)
    assert document["inputs"][0]["layout"] == "twilio_flex"
    got = results_by_metric(document)
    frame = pd.read_csv(io.StringIO(FLEX), dtype=str, keep_default_na=False)
    queued = frame[frame["Kind"] == "Queue"]  # the Agent Status and conversation segments are no queued calls
    assert got["abandoned"]["n"] == len(queued) == 5 and got["abandoned"]["value"] == pytest.approx(share(queued["Abandoned"] == "Yes")) == 40
    talked = frame[frame["Talk Time"] != ""]
    handling = talked["Talk Time"].astype(int) + talked["Wrap Up Time"].astype(int)
    assert got["aht"]["n"] == 3 and got["aht"]["components"]["mean"] == pytest.approx(handling.mean())


#: A Chinese chat-session export: 53KF's columns (访客名称, 接待客服, 对话时间, 首次响应时长, 平均响应时长, 开始方式, 结束方式) with
#: 七鱼's session fields; durations as the consoles write them (3分20秒, 1小时2分, 00:01:10, 0秒), "-" for none, 未评价 unrated.
CHAT_CN = """\
访客名称,接待客服,对话时间,开始方式,结束方式,排队时长,首次响应时长,平均响应时长,会话时长,访客消息数,客服消息数,满意度
访客1001,小王,2025-03-03 09:12:41,访客发起,客服结束,15秒,3分20秒,1分5秒,12分30秒,6,8,非常满意
访客1002,小王,2025-03-03 09:40:00,访客发起,访客结束,1分02秒,45秒,40秒,8分,4,5,满意
访客1003,小李,2025-03-03 10:05:10,访客发起,超时结束,0秒,-,-,2分10秒,0,0,未评价
访客1004,小李,2025-03-03 11:20:00,访客发起,客服结束,30秒,00:01:10,00:00:50,00:15:00,9,11,一般
访客1005,小张,2025-03-04 14:00:00,客服发起,客服结束,-,2分钟,1分30秒,20分5秒,5,6,不满意
访客1006,小张,2025-03-04 15:30:30,访客发起,访客结束,5秒,1小时2分,10分,1小时30分,3,2,满意
"""


def chinese_seconds(text: str) -> float | None:
    """An independent reading of 3分20秒 / 1小时2分 / 00:01:10 / 45秒 (None for "-")."""
    import re

    if text in ("-", ""):
        return None
    if ":" in text:
        h, m, s = (int(p) for p in text.split(":"))
        return h * 3600 + m * 60 + s
    units = {"小时": 3600, "分钟": 60, "分": 60, "秒": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)(小时|分钟|分|秒)", text))


def test_chinese_chat_sessions_3分20秒_durations_reply_rate_and_satisfaction(tmp_path):
    document, stderr = scored(tmp_path, CHAT_CN, name="会话记录.csv")
    assert document["inputs"][0]["layout"] == "chat_cn"
    got = results_by_metric(document)
    assert list(got) == ["frt", "speed_of_answer", "answer_rate", "csat"]
    frame = pd.read_csv(io.StringIO(CHAT_CN), dtype=str, keep_default_na=False)
    for name, column in (("frt", "首次响应时长"), ("speed_of_answer", "排队时长")):
        seconds = frame[column].map(chinese_seconds).dropna()
        assert (got[name]["n"], got[name]["blank"], got[name]["invalid"]) == (5, 1, 0)  # "-" is blank, not invalid
        assert got[name]["components"]["mean"] == pytest.approx(seconds.mean())
    assert got["frt"]["value"] == pytest.approx(120, rel=0.01)  # 45秒, 00:01:10, 2分钟, 3分20秒, 1小时2分: the median is 2分钟
    assert got["answer_rate"]["value"] == pytest.approx(share(frame["客服消息数"].astype(int) > 0))
    rated = frame["满意度"][frame["满意度"] != "未评价"]
    assert got["csat"]["n"] == len(rated) == 5 and got["csat"]["value"] == pytest.approx(share(rated.isin(["满意", "非常满意"]))) == 60
    assert "无效会话" in stderr


@pytest.mark.parametrize(("text", "seconds"), [("3分20秒", 200), ("3 分 20 秒", 200), ("1小时2分3秒", 3723), ("45秒", 45), ("2分钟", 120), ("00:03:20", 200), ("1天2小时", 93600)])
def test_chinese_durations_parse(text, seconds):
    from cxscore.durations import DurationParser

    assert DurationParser().parse(text)[0] == seconds


#: The first 40 calls of a real public call-centre export, verbatim (the PwC call-centre dataset as published in
#: github.com/ankit-7050/Call_Center_Trends_Task_1_by_Pwc, Call-Center-Dataset.csv, 5,000 calls; no licence, so only these rows
#: are kept): an added Month column, dates 1-Jan-21, times 9:12, and 0 in every number column of an unanswered call.
PWC_CALLS = """\
Call Id,Agent,Date,Month,Time,Topic,Answered (Y/N),Resolved,Speed of answer in seconds,AvgTalkDuration,Satisfaction rating
ID0001,Diane,1-Jan-21,Jan,9:12,Contract related,Y,Y,109,0:02:23,3
ID0002,Becky,1-Jan-21,Jan,9:12,Technical Support,Y,N,70,0:04:02,3
ID0003,Stewart,1-Jan-21,Jan,9:47,Contract related,Y,Y,10,0:02:11,3
ID0004,Greg,1-Jan-21,Jan,9:47,Contract related,Y,Y,53,0:00:37,2
ID0005,Becky,1-Jan-21,Jan,10:00,Payment related,Y,Y,95,0:01:00,3
ID0006,Stewart,1-Jan-21,Jan,10:00,Technical Support,N,N,0,0:00:00,0
ID0007,Diane,1-Jan-21,Jan,10:22,Payment related,Y,Y,24,0:03:40,2
ID0008,Diane,1-Jan-21,Jan,10:22,Payment related,Y,Y,22,0:00:38,4
ID0009,Greg,1-Jan-21,Jan,11:13,Admin Support,Y,Y,15,0:06:38,4
ID0010,Jim,1-Jan-21,Jan,11:13,Streaming,Y,Y,78,0:01:04,3
ID0011,Joe,1-Jan-21,Jan,11:15,Payment related,N,N,0,0:00:00,0
ID0012,Greg,1-Jan-21,Jan,11:15,Payment related,Y,Y,50,0:00:32,4
ID0013,Joe,1-Jan-21,Jan,11:52,Payment related,Y,Y,84,0:03:34,3
ID0014,Martha,1-Jan-21,Jan,11:52,Contract related,Y,Y,89,0:05:44,3
ID0015,Becky,1-Jan-21,Jan,11:55,Admin Support,Y,Y,48,0:03:47,4
ID0016,Becky,1-Jan-21,Jan,11:55,Admin Support,Y,Y,63,0:05:26,2
ID0017,Greg,1-Jan-21,Jan,11:57,Technical Support,Y,Y,45,0:05:32,5
ID0018,Becky,1-Jan-21,Jan,11:57,Admin Support,N,N,0,0:00:00,0
ID0019,Jim,1-Jan-21,Jan,12:01,Streaming,N,N,0,0:00:00,0
ID0020,Jim,1-Jan-21,Jan,12:01,Contract related,Y,Y,101,0:02:27,3
ID0021,Jim,1-Jan-21,Jan,12:02,Technical Support,Y,Y,74,0:05:22,5
ID0022,Dan,1-Jan-21,Jan,12:02,Admin Support,Y,Y,89,0:05:50,5
ID0023,Martha,1-Jan-21,Jan,12:02,Technical Support,N,N,0,0:00:00,0
ID0024,Joe,1-Jan-21,Jan,12:02,Technical Support,Y,Y,68,0:05:25,2
ID0025,Diane,1-Jan-21,Jan,12:30,Streaming,Y,Y,97,0:04:09,3
ID0026,Dan,1-Jan-21,Jan,12:30,Payment related,N,N,0,0:00:00,0
ID0027,Joe,1-Jan-21,Jan,12:40,Streaming,Y,Y,39,0:04:00,3
ID0028,Martha,1-Jan-21,Jan,12:40,Contract related,Y,Y,51,0:02:34,4
ID0029,Joe,1-Jan-21,Jan,12:40,Technical Support,Y,Y,106,0:02:09,4
ID0030,Stewart,1-Jan-21,Jan,12:40,Streaming,Y,Y,107,0:05:55,3
ID0031,Joe,1-Jan-21,Jan,13:24,Admin Support,Y,Y,22,0:05:08,3
ID0032,Joe,1-Jan-21,Jan,13:24,Streaming,Y,Y,122,0:02:08,4
ID0033,Diane,1-Jan-21,Jan,13:33,Technical Support,Y,Y,57,0:06:49,3
ID0034,Jim,1-Jan-21,Jan,13:33,Payment related,Y,N,53,0:01:44,2
ID0035,Becky,1-Jan-21,Jan,13:42,Streaming,Y,Y,119,0:01:31,5
ID0036,Diane,1-Jan-21,Jan,13:42,Streaming,N,N,0,0:00:00,0
ID0037,Martha,1-Jan-21,Jan,13:42,Technical Support,Y,N,20,0:01:12,2
ID0038,Joe,1-Jan-21,Jan,13:42,Technical Support,Y,Y,52,0:00:36,3
ID0039,Stewart,1-Jan-21,Jan,14:38,Contract related,Y,Y,74,0:06:41,1
ID0040,Greg,1-Jan-21,Jan,14:38,Technical Support,Y,Y,49,0:02:29,3
"""


def test_real_call_centre_export_first_rows_zero_config_match_pandas(tmp_path):
    document, stderr = scored(tmp_path, PWC_CALLS, "--period", "day")
    assert document["inputs"][0]["layout"] == "call_log"
    got = {r["metric"]: r for r in document["results"] if r["period"] is None}
    frame = pd.read_csv(io.StringIO(PWC_CALLS), dtype=str, keep_default_na=False)
    answered = frame[frame["Answered (Y/N)"] == "Y"]
    assert got["abandoned"]["n"] == 40 and got["abandoned"]["value"] == pytest.approx(share(frame["Answered (Y/N)"] == "N"))
    assert got["service_level"]["value"] == pytest.approx(share((frame["Answered (Y/N)"] == "Y") & (frame["Speed of answer in seconds"].astype(int) <= 20)))
    assert got["fcr"]["n"] == len(answered) and got["fcr"]["value"] == pytest.approx(share(answered["Resolved"] == "Y"))
    assert (got["speed_of_answer"]["n"], got["speed_of_answer"]["blank"]) == (len(answered), 40 - len(answered))  # the 0s of unanswered calls
    assert got["speed_of_answer"]["components"]["mean"] == pytest.approx(answered["Speed of answer in seconds"].astype(int).mean())
    rated = answered["Satisfaction rating"].astype(int)
    assert got["csat"]["n"] == len(answered) and got["csat"]["value"] == pytest.approx(share(rated >= 4))
    assert {r["period"] for r in document["results"] if r["period"]} == {"2021-01-01"}  # 1-Jan-21


@pytest.mark.parametrize(("text", "platform", "metrics"), [
    (ZOHO, "Zoho Desk", ["frt", "resolution", "reopened", "reassigned", "escalated", "csat"]),
    (SALESFORCE_CASES, "Salesforce Case", ["resolution", "escalated"]),
    (SALESFORCE_MILESTONES, "Salesforce CaseMilestone", ["sla_met"]),
    (GENESYS, "Genesys Cloud", ["service_level", "abandoned", "speed_of_answer", "aht"]),
    (FLEX, "Twilio Flex Insights", ["abandoned", "aht"]),
    (CHAT_CN, "Chinese chat sessions (53KF / 网易七鱼)", ["frt", "speed_of_answer", "answer_rate", "csat"]),
], ids=["zoho", "salesforce cases", "salesforce milestones", "genesys", "flex", "chat_cn"])
def test_inspect_names_each_platform_and_its_kpis_and_write_config_scores_the_same(tmp_path, text, platform, metrics):
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    config = tmp_path / "cxscore.yaml"
    result = invoke(["inspect", str(path), "-f", "json", "--write-config", str(config)])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert plan["platform"] == platform and [m["name"] for m in plan["metrics"]] == metrics and all(m["definition"] and m["source"] for m in plan["metrics"])
    strip = lambda doc: [(r["metric"], r["n"], r["blank"], r["value"]) for r in json.loads(doc)["results"]]  # noqa: E731
    assert strip(invoke(["score", str(path), "-c", str(config), "-f", "json"]).stdout) == strip(invoke(["score", str(path), "-f", "json"]).stdout)
