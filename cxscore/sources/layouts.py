"""Known export layouts, recognised from the header rows (never from the file name).

A layout says how many rows the header takes, what each column is called, the question text
behind it, which columns are platform metadata, which answers mean "skipped", which rows are not
real responses (previews, spam, unfinished), and how stored answers relate to scale points.
The generic layout (one header row) is the fallback.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..records import InputInfo

QUALTRICS_META = {
    "startdate", "enddate", "status", "ipaddress", "progress", "duration (in seconds)", "finished", "recordeddate",
    "responseid", "recipientlastname", "recipientfirstname", "recipientemail", "externalreference", "locationlatitude",
    "locationlongitude", "distributionchannel", "userlanguage", "q_recaptchascore", "q_relevantidduplicate",
}
#: Compared without spaces: older exports write RespondentID, CollectorID, StartDate, FirstName, Custom Data.
SURVEYMONKEY_META = {"respondentid", "collectorid", "startdate", "enddate", "ipaddress", "emailaddress", "firstname", "lastname", "customdata", "customdata1"}
WJX_META = {"序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自ip", "总分"}
TENCENT_META = {"编号", "开始答题时间", "结束答题时间", "答题时长", "地理位置国家和地区", "地理位置省", "地理位置市", "自定义字段", "用户类型", "用户标识", "昵称", "ip"}
FORMS_META = {
    "google_forms": {"timestamp", "email address", "score"},
    "microsoft_forms": {"id", "start time", "completion time", "email", "name", "last modified time"},
    "typeform": {"#", "start date (utc)", "submit date (utc)", "network id", "stage", "response type"},
    "delighted": {"response id", "score", "comment", "created at", "updated at", "permalink", "email", "name", "delighted source", "delighted device type"},
}
SURVEYMONKEY_ROW2 = {"response", "open-ended response", ""}
#: Headers of a response-id column, across platforms.
ID_COLUMN = re.compile(r"response ?id|respondent ?id|id|#|no\.?|编号|序号|答卷编号", re.IGNORECASE)


def unique_headers(raw: list) -> list[str]:
    """Column names made usable: blanks become ``column_N``, repeats get `` (2)``, `` (3)``…

    Linear in the number of columns: each name remembers the next number to try (8,000 copies of
    one name took 15–29 s when every copy counted up from 2).
    """
    names: list[str] = []
    seen: set[str] = set()
    following: dict[str, int] = {}
    for i, value in enumerate(raw):
        name = " ".join(str(value).split()) if value is not None else ""
        name = name or f"column_{i + 1}"
        candidate = name
        if candidate in seen:
            k = following.get(name, 2)
            while (candidate := f"{name} ({k})") in seen:
                k += 1
            following[name] = k + 1
        seen.add(candidate)
        names.append(candidate)
    return names


@dataclass(frozen=True)
class ResponseFilter:
    """Rows that are not real responses (previews, spam, unfinished), left out and counted by reason."""

    column: str
    keep: tuple[str, ...]
    reason: str
    incomplete: bool = False  # unfinished responses, which --include-incomplete keeps


#: Qualtrics: Status 0 / "IP Address" is a real response (not a preview or spam); Finished marks complete ones.
QUALTRICS_FILTERS = (
    ResponseFilter("Status", ("0", "IP Address", ""), "survey previews, tests and spam"),
    ResponseFilter("Finished", ("1", "True", "TRUE", "true"), "unfinished responses", incomplete=True),
)


def is_id_column(name: str) -> bool:
    """Whether a header names the response id (ResponseId, Respondent ID, #, 序号, 编号, …)."""
    return bool(ID_COLUMN.fullmatch(name.strip()))


@dataclass
class Layout:
    """How one export is laid out."""

    name: str = "generic"
    header_rows: int = 1
    columns: list[str] = field(default_factory=list)
    questions: dict[str, str] = field(default_factory=dict)  # column → question text, where it differs
    metadata: set[str] = field(default_factory=set)
    blank_values: list[str] = field(default_factory=list)
    position_download: bool = False  # 问卷星 "by option position": answers are option numbers, not scores
    option_text: bool = False  # 问卷星 "by option text": answers are the options as written, never shifted by an offset
    metric_hints: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # column → (type, lo, hi) the platform defines
    notes: list[str] = field(default_factory=list)
    response_filters: tuple[ResponseFilter, ...] = ()  # rows the platform marks as not real responses
    helpdesk: bool = False  # a ticket or call export: its KPIs come from cxscore/helpdesk.py's plan, not from question texts

    def question(self, column: str) -> str:
        """The text detection and people should read for a column."""
        return self.questions.get(column, column)


def _norm(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def _qualtrics(header: _Header) -> Layout | None:
    rows = header.rows
    if len(rows) >= 3 and any(str(c).startswith('{"ImportId"') for c in rows[2]):
        columns = header.columns
        questions = {c: " ".join(str(q).split()) for c, q in zip(columns, rows[1]) if q and str(q).strip() and str(q).strip() != c}
        layout = Layout("qualtrics", 3, columns, questions)
        # An NPS question has a companion X_NPS_GROUP column, whatever language its text is in.
        layout.metric_hints = {c[: -len("_NPS_GROUP")]: ("nps", 0, 10) for c in columns if c.endswith("_NPS_GROUP") and c[: -len("_NPS_GROUP")] in columns}
        for column, meta in zip(columns, rows[2]):
            try:
                import_id = json.loads(meta).get("ImportId", "")
            except (ValueError, AttributeError):
                import_id = ""
            if _norm(column) in QUALTRICS_META or not str(import_id).startswith("QID"):
                layout.metadata.add(column)
        return layout
    if len(rows) >= 2 and rows[0] and str(rows[0][0]).strip() == "V1" and all(re.fullmatch(r"V\d+|Q\w*|\w+", str(c)) for c in rows[0][:5]):
        columns = header.columns
        questions = {c: " ".join(str(q).split()) for c, q in zip(columns, rows[1]) if q}
        layout = Layout("qualtrics_legacy", 2, columns, questions, notes=["legacy Qualtrics export (V1, V2, … column ids)"])
        layout.metadata = {c for c in columns if re.fullmatch(r"V\d+", c)}
        return layout
    return None


def _compact(text) -> str:
    return _norm(text).replace(" ", "")


def _is_surveymonkey(rows: list[list[str]]) -> bool:
    """Respondent and collector ids (``Respondent ID`` or the older ``RespondentID``), or a respondent id over a
    blank cell in a second row of ``Response`` / ``Open-Ended Response`` sub-headers (published exports are
    often trimmed to RespondentID and the questions)."""
    if len(rows) < 2:
        return False
    names = [_compact(c) for c in rows[0]]
    if {"respondentid", "collectorid"} <= set(names):
        return True
    if "respondentid" not in names:
        return False
    sub = [_norm(c) for c in rows[1]]
    column = names.index("respondentid")
    return column < len(sub) and not sub[column] and any(c in ("response", "open-ended response") for c in sub)


def _surveymonkey(header: _Header) -> Layout | None:
    rows = header.rows
    if not _is_surveymonkey(rows):
        return None
    names: list[str] = []
    questions: dict[str, str] = {}
    question = ""
    for top, sub in zip(rows[0], list(rows[1]) + [""] * (len(rows[0]) - len(rows[1]))):
        top, sub = " ".join(str(top or "").split()), " ".join(str(sub or "").split())
        question = top or question  # a blank cell continues the question to its left
        name = question if _norm(sub) in SURVEYMONKEY_ROW2 else f"{question} — {sub}"
        names.append(name)
    columns = unique_headers(names)
    return Layout("surveymonkey", 2, columns, questions, metadata={c for c in columns if _compact(c) in SURVEYMONKEY_META})


class _Header:
    """The first rows of an export, with a one-row header's names worked out once for all recognisers."""

    def __init__(self, rows: list[list[str]]):
        self.rows = rows

    @cached_property
    def columns(self) -> list[str]:
        return unique_headers(self.rows[0]) if self.rows else []

    @cached_property
    def names(self) -> set[str]:
        return {_norm(c) for c in self.columns}


def _wjx(header: _Header) -> Layout | None:
    columns = header.columns
    if not {"序号", "提交答卷时间"} <= header.names:
        return None
    body = [cell for row in header.rows[1:] for cell in row]
    position = any(str(c).strip() in ("-3", "-2", "-3.0", "-2.0") for c in body) or any(c.startswith("第") and "题(" in c for c in columns)
    layout = Layout("wjx", 1, columns, blank_values=["-3", "-2", "-3.0", "-2.0"] if position else [], position_download=position, option_text=not position)
    layout.metadata = {c for c in columns if _norm(c) in WJX_META}
    layout.questions = _wjx_matrix_questions(columns)
    if position:
        layout.notes.append("问卷星 download by option position: answers are option numbers (-3 skipped, -2 not shown)")
    return layout


def _tencent(header: _Header) -> Layout | None:
    columns = header.columns
    if not {"编号", "开始答题时间", "结束答题时间"} <= header.names:
        return None
    return Layout("tencent", 1, columns, metadata={c for c in columns if _norm(c) in TENCENT_META or not c.startswith(tuple("0123456789"))})


def _google_forms(header: _Header) -> Layout | None:
    columns = header.columns
    if not columns or _norm(columns[0]) != "timestamp":
        return None
    return Layout("google_forms", 1, columns, metadata={c for c in columns if _norm(c) in {"timestamp", "email address"}})


def _microsoft_forms(header: _Header) -> Layout | None:
    if not {"id", "start time", "completion time"} <= header.names:
        return None
    return Layout("microsoft_forms", 1, header.columns, metadata={c for c in header.columns if _norm(c) in FORMS_META["microsoft_forms"]})


def _typeform(header: _Header) -> Layout | None:
    if not {"submit date (utc)", "network id"} <= header.names:
        return None
    return Layout("typeform", 1, header.columns, metadata={c for c in header.columns if _norm(c) in FORMS_META["typeform"]})


#: Typeform: a download that includes partial or started responses says which in 'Response Type'; Typeform's own
#: Responses API returns completed responses unless others are asked for (its response_type parameter).
TYPEFORM_FILTERS = (ResponseFilter("Response Type", ("completed", "Completed", ""), "partial or started responses", incomplete=True),)


def _delighted(header: _Header) -> Layout | None:
    columns, names = header.columns, header.names
    if not ({"score", "created at"} <= names and ("comment" in names or "permalink" in names)):
        return None
    score = next(c for c in columns if _norm(c) == "score")
    return Layout("delighted", 1, columns, metadata={c for c in columns if _norm(c) in FORMS_META["delighted"]} - {score}, metric_hints={score: ("nps", 0, 10)})


def _wjx_matrix_questions(columns: list[str], bare: bool = True) -> dict[str, str]:
    """问卷星 matrix questions: ``13、题干—第一行`` then the other rows, as bare row-label columns or as
    ``13、行`` (the question's number again); give each row its question. ``bare`` False (a file with no
    问卷星 columns to say so) leaves unnumbered columns alone."""
    questions: dict[str, str] = {}
    stem = number = None
    for column in columns:
        numbered = re.match(r"^(\d+)、", column) or re.match(r"^第(\d+)题", column)
        if numbered:
            if stem and "—" not in column and numbered.group(1) == number:
                questions[column] = f"{stem}—{column[numbered.end():].strip()}"
                continue
            stem = column.split("—", 1)[0] if "—" in column else None
            number = numbered.group(1)
            if stem:
                questions[column] = column
            continue
        if bare and stem and _norm(column) not in WJX_META:
            questions[column] = f"{stem}—{column}"
    return questions


#: Headers only Zendesk Support's ticket export writes (compared lower-case); two of them, with Status and
#: Created at, make the layout (the columns of real Support CSV exports, shared/data/helpdesk_research.md §1).
ZENDESK_MARKS = {
    "reopens", "replies", "group stations", "assignee stations", "first reply time in minutes",
    "first reply time in minutes within business hours", "first resolution time in minutes",
    "first resolution time in minutes within business hours", "full resolution time in minutes",
    "full resolution time in minutes within business hours", "requester wait time in minutes",
    "agent wait time in minutes", "on hold time in minutes",
}
#: Freshdesk's ticket export (and Freshservice's, which shares it): its business-hour "(in hrs)" columns,
#: SLA outcome columns and interaction counts.
FRESHDESK_MARKS = {
    "first response time (in hrs)", "resolution time (in hrs)", "resolution status", "first response status",
    "agent interactions", "customer interactions", "initial response time",
}
#: A generic call log (the widely copied PwC call-centre table): answered flag, speed of answer, talk time.
CALL_LOG_MARKS = {"speed of answer in seconds", "avgtalkduration", "avg talk duration", "resolved", "satisfaction rating"}
#: Amazon Connect contact records (docs.aws.amazon.com, ctr-data-model), flattened as the CSV exports write them.
CONNECT_MARKS = {
    "disconnecttimestamp", "queueinfo.enqueuetimestamp", "agentinfo.connectedtoagenttimestamp", "aftercontactworkduration",
    "agentinitiatedholdduration", "agentinteractionduration", "lastupdatetimestamp", "initiationmethod",
}


def _helpdesk(name: str, header: _Header, needed: set[str], marks: set[str], least: int, what: str) -> Layout | None:
    """A helpdesk layout when the header has every ``needed`` column and at least ``least`` of ``marks``."""
    found = sorted(header.names & marks)
    if not needed <= header.names or len(found) < least:
        return None
    shown = ", ".join(c for c in header.columns if _norm(c) in needed | marks)
    return Layout(name, 1, header.columns, helpdesk=True, notes=[f"{what}, recognised by its headers ({shown})"])


def _zendesk(header: _Header) -> Layout | None:
    return _helpdesk("zendesk", header, {"status", "created at"}, ZENDESK_MARKS, 2, "Zendesk Support ticket export")


def _freshdesk(header: _Header) -> Layout | None:
    if "ticket id" not in header.names or not header.names & {"created time", "created at"}:
        return None
    return _helpdesk("freshdesk", header, {"ticket id"}, FRESHDESK_MARKS, 2, "Freshdesk ticket export")


def _call_log(header: _Header) -> Layout | None:
    return _helpdesk("call_log", header, {"answered (y/n)"}, CALL_LOG_MARKS, 1, "call log (one row per call, answered Y/N)")


#: Intercom's conversation statistics (developers.intercom.com), flattened with or without a ``statistics.`` / ``statistics_`` prefix.
INTERCOM_MARKS = {"time_to_admin_reply", "time_to_first_close", "time_to_last_close", "median_time_to_reply", "count_reopens", "time_to_assignment", "first_admin_reply_at", "first_contact_reply_at"}


def _intercom(header: _Header) -> Layout | None:
    found = {re.sub(r"^statistics[._]", "", name) for name in header.names} & INTERCOM_MARKS
    if len(found) < 2:
        return None
    shown = ", ".join(c for c in header.columns if re.sub(r"^statistics[._]", "", _norm(c)) in INTERCOM_MARKS)
    return Layout("intercom", 1, header.columns, helpdesk=True, notes=[f"Intercom conversations, recognised by its headers ({shown})"])


#: ServiceNow incident event logs (one row per update of an incident; the UCI "incident management process enriched event log" shape).
SERVICENOW_MARKS = {"reassignment_count", "reopen_count", "made_sla", "sys_updated_at", "opened_at", "resolved_at", "sys_mod_count", "assignment_group"}


def _servicenow(header: _Header) -> Layout | None:
    found = _helpdesk("servicenow", header, {"number", "incident_state"}, SERVICENOW_MARKS, 2, "ServiceNow-style incident event log")
    if found is not None:
        found.blank_values = ["?"]  # the log writes ? for an unknown value
    return found


def _amazon_connect(header: _Header) -> Layout | None:
    return _helpdesk("amazon_connect", header, {"contactid", "initiationtimestamp"}, CONNECT_MARKS, 2, "Amazon Connect contact records")


#: Jira Service Management's SLA fields, as its CSV export names them ("Custom field (…)") or a list view's export (bare).
JIRA_MARKS = {"custom field (time to first response)", "custom field (time to resolution)", "time to first response", "time to resolution"}


def _jira(header: _Header) -> Layout | None:
    return _helpdesk("jira", header, {"issue key"}, JIRA_MARKS, 1, "Jira Service Management issues")


#: Zoho Desk tickets (desk.zoho.com API: the ticket's fields and its metrics, flattened as exports and connectors write them).
ZOHO_MARKS = {"statustype", "createdtime", "closedtime", "firstresponsetime", "resolutiontime", "reopencount", "reassigncount", "responsecount", "threadcount", "agentshandled", "isescalated", "isoverdue"}
#: Help Scout's productivity report (developer.helpscout.com time range statistics): one row per period, not per conversation.
HELPSCOUT_MARKS = {"totalconversations", "resolvedonfirstreply", "repliestoresolve", "firstresponsetime", "resolutiontime", "handletime"}
#: Salesforce Case and CaseMilestone records (developer.salesforce.com object reference), as Data Loader and reports export them.
SALESFORCE_CASE_MARKS = {"isclosed", "closeddate", "isescalated", "origin", "ownerid", "accountid", "contactid"}
SALESFORCE_MILESTONE_MARKS = {"elapsedtimeinmins", "actualelapsedtimeinmins", "milestonetypeid", "milestonetype.name", "caseid", "targetdate", "completiondate", "iscompleted", "timeremaininginmins"}


def _zoho(header: _Header) -> Layout | None:
    return _helpdesk("zoho_desk", header, {"ticketnumber"}, ZOHO_MARKS, 2, "Zoho Desk tickets")


def _helpscout(header: _Header) -> Layout | None:
    return _helpdesk("helpscout", header, {"resolvedonfirstreply"}, HELPSCOUT_MARKS, 2, "Help Scout productivity report")


def _salesforce(header: _Header) -> Layout | None:
    milestone = _helpdesk("salesforce_milestones", header, {"isviolated"}, SALESFORCE_MILESTONE_MARKS, 2, "Salesforce CaseMilestone records")
    return milestone or _helpdesk("salesforce_cases", header, {"casenumber", "createddate"}, SALESFORCE_CASE_MARKS, 2, "Salesforce Case records")


#: Genesys Cloud conversation detail metrics (developer.genesys.cloud analytics metrics: durations in milliseconds), one column per metric.
GENESYS_MARKS = {"thandle", "ttalk", "ttalkcomplete", "theld", "theldcomplete", "tacw", "tanswered", "tabandon", "noffered", "tacd", "twait", "nconnected"}
#: Twilio Flex Insights segments (twilio.com/docs/flex/end-user-guide/insights: Segment, Kind, Abandoned and the segment's times).
FLEX_MARKS = {"abandoned", "talk time", "wrap up time", "hold time", "queue time", "ring time", "conversation id", "abandon time"}


def _genesys(header: _Header) -> Layout | None:
    return _helpdesk("genesys", header, {"conversationid"}, GENESYS_MARKS, 2, "Genesys Cloud conversation metrics")


def _flex(header: _Header) -> Layout | None:
    return _helpdesk("twilio_flex", header, {"segment", "kind"}, FLEX_MARKS, 2, "Twilio Flex Insights segments")


#: Chinese chat-session exports (53KF: 访客名称, 接待客服, 对话时间, 首次响应时长, 平均响应时长, 开始方式, 结束方式; 网易七鱼's session
#: fields 排队时长, 会话时长, 访客消息数, 客服消息数, 满意度): one row per session, durations written 3分20秒 or 00:03:20.
CHAT_CN_MARKS = {"会话时长", "排队时长", "平均响应时长", "满意度", "满意度评价", "开始方式", "结束方式", "访客消息数", "客服消息数", "对话时间", "访客名称"}


def _chat_cn(header: _Header) -> Layout | None:
    if "首次响应时长" not in header.names or not header.names & {"接待客服", "客服"}:
        return None
    found = _helpdesk("chat_cn", header, {"首次响应时长"}, CHAT_CN_MARKS, 2, "Chinese chat sessions (53KF / 网易七鱼 style)")
    if found is not None:
        found.blank_values = ["-", "--", "—"]  # these exports write a dash where a session has no value
    return found


#: Contact-centre interval reports (Genesys Cloud performance views, Avaya CMS, generic ACD exports): a row per
#: interval (and queue) with its counts and averages. An offered and an answered column, and one more of these.
INTERVAL_OFFERED = {"offered", "offer", "calls offered", "contacts offered", "offered calls"}
INTERVAL_ANSWERED = {"answered", "answer", "calls answered", "contacts answered", "answered calls", "acd calls"}
INTERVAL_MARKS = {
    "abandoned", "abandon", "calls abandoned", "aban calls", "abandoned calls", "answered in sl", "answered within sl",
    "answered within service level", "calls answered within sl", "service level %", "service level", "sl %",
    "% within service level", "asa", "avg speed of answer", "average speed of answer", "avg speed ans", "aht",
    "avg handle", "avg handle time", "average handle time", "avg talk", "avg talk time", "average talk time",
}


def _interval_report(header: _Header) -> Layout | None:
    if not header.names & INTERVAL_OFFERED or not header.names & INTERVAL_ANSWERED or not header.names & INTERVAL_MARKS:
        return None
    shown = ", ".join(c for c in header.columns if _norm(c) in INTERVAL_OFFERED | INTERVAL_ANSWERED | INTERVAL_MARKS)
    return Layout("interval_report", 1, header.columns, helpdesk=True, notes=[f"contact-centre interval report (a row per interval: counts and averages), recognised by its headers ({shown})"])


#: Per-period call reports with no answered count (a city's monthly call-centre figures: ``Month``, ``Inbound Calls``,
#: ``Average Speed of Answer in Secs``, ``Abandoned Calls``): a volume column and an abandoned one, no answered column.
CALL_REPORT_VOLUME = INTERVAL_OFFERED | {"inbound", "inbound calls", "incoming calls", "calls received", "received calls", "total calls", "calls in"}
CALL_REPORT_ABANDONED = {"abandoned", "abandon", "calls abandoned", "aban calls", "abandoned calls"}


def _call_report(header: _Header) -> Layout | None:
    names = header.names
    if not names & CALL_REPORT_VOLUME or not names & CALL_REPORT_ABANDONED or names & INTERVAL_ANSWERED:
        return None
    shown = ", ".join(c for c in header.columns if _norm(c) in CALL_REPORT_VOLUME | CALL_REPORT_ABANDONED)
    return Layout("call_report", 1, header.columns, helpdesk=True, notes=[f"per-period call report with no answered count (a row per period: counts and averages), recognised by its headers ({shown})"])


@dataclass(frozen=True)
class Recogniser:
    """One export platform: how its header rows are recognised, and what is known about its rows."""

    platform: str
    recognise: Callable[[_Header], Layout | None]  # the layout (header rows, names, questions, metadata, hints), or None
    response_filters: tuple[ResponseFilter, ...] = ()

    def layout(self, header: _Header) -> Layout | None:
        found = self.recognise(header)
        if found is not None:
            found.response_filters = self.response_filters
        return found


#: Tried in this order; the first that recognises the header rows gives the layout. A new platform is one entry.
RECOGNISERS = [
    Recogniser("Qualtrics", _qualtrics, QUALTRICS_FILTERS),
    Recogniser("SurveyMonkey", _surveymonkey),
    Recogniser("问卷星", _wjx),
    Recogniser("腾讯问卷", _tencent),
    Recogniser("Google Forms", _google_forms),
    Recogniser("Microsoft Forms", _microsoft_forms),
    Recogniser("Typeform", _typeform, TYPEFORM_FILTERS),
    Recogniser("Delighted", _delighted),
    Recogniser("Zendesk", _zendesk),
    Recogniser("Freshdesk", _freshdesk),
    Recogniser("call log", _call_log),
    Recogniser("Amazon Connect", _amazon_connect),
    Recogniser("Intercom", _intercom),
    Recogniser("ServiceNow", _servicenow),
    Recogniser("Jira Service Management", _jira),
    Recogniser("Zoho Desk", _zoho),
    Recogniser("Help Scout", _helpscout),
    Recogniser("Salesforce", _salesforce),
    Recogniser("Genesys Cloud", _genesys),
    Recogniser("Twilio Flex", _flex),
    Recogniser("Chinese chat sessions", _chat_cn),
    Recogniser("contact-centre interval report", _interval_report),
    Recogniser("per-period call report", _call_report),
]


def detect_layout(rows: list[list[str]]) -> Layout:
    """The layout of an export from its first rows (header rows and a few answers); generic when no platform's."""
    header = _Header(rows)
    for recogniser in RECOGNISERS:
        found = recogniser.layout(header)
        if found is not None:
            return found
    # a 问卷星 download trimmed to its questions (no 序号/提交答卷时间) still numbers its matrix rows
    return Layout("generic", 1, header.columns, _wjx_matrix_questions(header.columns, bare=False))


def response_filters(layout: Layout, columns: list[str], include_incomplete: bool) -> list[ResponseFilter]:
    """The layout's response filters whose column the export has (unfinished responses kept when asked)."""
    return [rule for rule in layout.response_filters if rule.column in columns and not (rule.incomplete and include_incomplete)]


def exclusion_note(info: InputInfo, rule: ResponseFilter) -> str:
    """What a response filter did to an input, with its real count (said after reading)."""
    kept = [repr(value) if value else "blank" for value in rule.keep]
    allowed = kept[0] if len(kept) == 1 else f"{', '.join(kept[:-1])} or {kept[-1]}"
    count = info.excluded.get(rule.reason, 0)
    note = f"{info.path}: {count:,} row(s) left out as {rule.reason}: {rule.column!r} is not {allowed}"
    return note + ("; --include-incomplete keeps them" if rule.incomplete and count else "")
