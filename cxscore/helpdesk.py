"""Ticket and call exports with no config (issue 15 item 6, issue 16): the KPIs each platform defines.

A layout recognised as a helpdesk export (``sources/layouts.py``: Zendesk, Freshdesk, a call log) gets
a *plan*: the metrics its platform's own definitions give, each with its columns, its definition and
the vendor page it follows. Metric names are stable (they are API: ``-m frt``); a platform offers
alternatives (business hours where calendar time is the default, first resolution beside full
resolution) that ``-m NAME`` selects. What the plan assumes is checked against the first rows: a value
the platform does not write, a unit the values contradict, a definition the values make meaningless.
Each such doubt is a warning, and ``--strict`` refuses it.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec

from .config import MetricSpec
from .detect import Detection, fit_scale, detect_metrics
from .durations import header_unit
from .sources.layouts import Layout

#: Zendesk's ticket statuses as its export writes them (New, Open, Pending, Hold, Solved, Closed; research §1).
ZENDESK_STATUSES = {"new", "open", "pending", "hold", "on-hold", "solved", "closed", "deleted"}
#: Satisfaction Score texts: a rating (Good/Bad, or 1–5 on a numeric scale), or none given (Offered: asked,
#: not answered; Unoffered: never asked).
ZENDESK_UNRATED = ["Offered", "Unoffered"]
#: Freshdesk's default statuses (custom ones are allowed, so others are only noted); SLA outcome texts.
FRESHDESK_RESOLVED = "Status in [Resolved, Closed]"
SLA_TEXTS = {"within sla", "sla violated"}
#: Freshdesk's classic three-point survey (its default scale): Awesome is the positive answer.
FRESHDESK_SURVEY = {"Awesome": 3, "Neutral": 2, "Not Good": 1}
YES = "[Y, Yes]"
#: With fewer sampled rows than this a value check proves nothing.
CHECK_ROWS = 20


@dataclass(frozen=True)
class Planned:
    """One KPI a platform's export gives: its metric (MetricSpec keys), what it means and where that is written."""

    name: str
    settings: dict[str, Any]
    column: str  # the column it is named after in messages (a rate reads the columns its condition names)
    definition: str
    source: str
    default: bool = True  # scored with no -m; otherwise an alternative -m NAME selects
    business_hours: bool | None = None  # durations: counted in business hours (True) or calendar time (False)


@dataclass
class Plan:
    """What a helpdesk layout gives: the KPIs, those its export lacks columns for, and the doubts about them."""

    platform: str
    metrics: list[Planned] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (KPI, why not)
    doubts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dedupe: tuple[str, str] | None = None  # (record id, update time): keep each record's latest row


class _Columns:
    """The export's columns by lower-case name, and the sampled values of each."""

    def __init__(self, columns: list[str], sample: list[list]):
        self.names = {" ".join(c.split()).casefold(): c for c in columns}
        self.index = {c: i for i, c in enumerate(columns)}
        self.sample = sample

    def get(self, *names: str) -> str | None:
        return next((self.names[n] for n in names if n in self.names), None)

    def values(self, column: str) -> list[str]:
        i = self.index[column]
        return [str(row[i]).strip() for row in self.sample if i < len(row) and row[i] is not None and str(row[i]).strip()]

    def pairs(self, first: str, second: str) -> list[tuple[str, str]]:
        """Both columns' values on the sampled rows (blank as '')."""
        i, j = self.index[first], self.index[second]
        return [(_cell(row, i), _cell(row, j)) for row in self.sample]


def _cell(row: list, i: int) -> str:
    return str(row[i]).strip() if i < len(row) and row[i] is not None else ""


def _q(column: str) -> str:
    """A column quoted for a condition."""
    return '"' + column.replace('"', '""') + '"'


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _unexpected(values: Iterable[str], known: set[str]) -> str:
    odd = Counter(v for v in values if v.casefold() not in known)
    return ", ".join(f"{v!r} ×{n}" for v, n in odd.most_common(3))


def _duration(plan: Plan, c: _Columns, name: str, headers: tuple[str, ...], definition: str, source: str, *, business: bool | None, default: bool = True, **settings: Any) -> bool:
    """Plan a duration KPI on the first of ``headers`` the export has; False (and why) when it has none."""
    column = c.get(*headers)
    if column is None:
        plan.missing.append((name, f"no {headers[0]!r} column"))
        return False
    plan.metrics.append(Planned(name, {"type": "duration", "column": column, **settings}, column, definition, source, default, business))
    return True


def _rate(plan: Plan, c: _Columns, name: str, needs: tuple[str, ...], build: Callable[..., tuple[str, str | None]], definition: str, source: str, *, better: str = "higher", default: bool = True) -> str | None:
    """Plan a rate KPI whose condition reads ``needs`` (all must exist); the main column, or None."""
    found = [c.get(n) for n in needs]
    if None in found:
        plan.missing.append((name, f"no {needs[found.index(None)]!r} column"))
        return None
    columns = [f for f in found if f is not None]
    condition, of = build(*map(_q, columns))
    plan.metrics.append(Planned(name, {"type": "rate", "condition": condition, "of": of, "better": better}, columns[0], definition, source, default))
    return columns[0]


def _csat(plan: Plan, c: _Columns, column: str | None, blank_values: list[str], unrated: list[str], definition: str, source: str, labels: dict[str, int] | None = None) -> None:
    """A ticket CSAT: the platform's labels when its values are those, else the scale the values fit."""
    if column is None:
        plan.missing.append(("csat", "no satisfaction column"))
        return
    values = c.values(column)
    blank = {v.casefold() for v in [*blank_values, *unrated]}
    rated = [v for v in values if v.casefold() not in blank]
    if labels and rated and {v.casefold() for v in rated} <= {k.casefold() for k in labels}:
        points = sorted(set(labels.values()))
        settings = {"type": "csat", "column": column, "scale": [points[0], points[-1]], "labels": labels, "satisfied": [points[-1], points[-1]], "blank_values": unrated}
        plan.metrics.append(Planned("csat", settings, column, definition, source))
        return
    spec, why, _ = fit_scale("csat", column, column, values, [*blank_values, *unrated], False)
    if spec is None:
        plan.missing.append(("csat", f"{column!r}: {why}"))
        return
    settings = {"type": "csat", "column": column, "scale": [spec.scale.lo, spec.scale.hi], "blank_values": unrated}
    plan.metrics.append(Planned("csat", settings, column, f"{definition}; scale {why}", source))


def _zendesk(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Zendesk Support")
    explore = "support.zendesk.com 4408821871642 (first reply: calendar and business hours both stored), 4408846897178 (resolution)"
    calendar_default = "calendar time (Zendesk's unqualified metric; the business-hours one is the _business alternative)"
    frt = _duration(plan, c, "frt", ("first reply time in minutes",), f"ticket created → first public agent reply, {calendar_default}", explore, business=False)
    _duration(plan, c, "frt_business", ("first reply time in minutes within business hours",), "ticket created → first public agent reply, business hours only (the ticket's schedule)", explore, business=True, default=not frt)
    full = _duration(plan, c, "resolution", ("full resolution time in minutes",), f"ticket created → last solve (full resolution), {calendar_default}", explore, business=False)
    hours = c.get("resolution time")
    if hours is not None:
        full_minutes = c.get("full resolution time in minutes")
        if full_minutes is not None:
            plan.notes.append(_hours_check(c, hours, full_minutes, plan))
        elif not full:
            plan.missing = [m for m in plan.missing if m[0] != "resolution"]
            _duration(plan, c, "resolution", ("resolution time",), "ticket created → last solve in calendar time, from 'Resolution time', which Zendesk writes in hours", explore, business=False, unit="hours")
            plan.doubts.append(f"zendesk: {hours!r} read in hours (Zendesk's export writes it in hours while its other times are minutes); no 'Full resolution time in minutes' column to check that against: confirm with unit: hours in a config")
            full = True
    _duration(plan, c, "resolution_business", ("full resolution time in minutes within business hours",), "ticket created → last solve, business hours only", explore, business=True, default=not full)
    _duration(plan, c, "first_resolution", ("first resolution time in minutes",), "ticket created → first solve, calendar time", explore, business=False, default=False)
    _duration(plan, c, "first_resolution_business", ("first resolution time in minutes within business hours",), "ticket created → first solve, business hours only", explore, business=True, default=False)
    _duration(plan, c, "requester_wait", ("requester wait time in minutes",), "time the ticket waited on the agents (New, Open, On-hold), calendar time", "support.zendesk.com 5654110765338", business=False, default=False)
    solved = "Status in [Solved, Closed]"
    _rate(plan, c, "one_touch", ("replies", "status"), lambda r, s: (f"{r} <= 1", solved.replace("Status", s)),
          "solved or closed tickets with at most one agent reply ÷ solved or closed tickets (Zendesk's one-touch: Agent replies < 2)", "support.zendesk.com 4408820618266")
    _rate(plan, c, "reopened", ("reopens", "status"), lambda r, s: (f"{r} > 0", solved.replace("Status", s)),
          "solved or closed tickets reopened at least once (Reopens: solved → open) ÷ solved or closed tickets", "Zendesk's Reopens field (support.zendesk.com 4408820618266)", better="lower")
    _rate(plan, c, "escalated", ("group stations",), lambda g: (f"{g} > 1", None),
          "tickets that passed through more than one group (Group stations > 1) ÷ tickets; Zendesk has no escalation field", "shared/data/helpdesk_research.md §2", better="lower")
    status = c.get("status")
    if status is not None:
        values = c.values(status)
        odd = _unexpected(values, ZENDESK_STATUSES)
        if odd:
            plan.doubts.append(f"zendesk: {status!r} holds values Zendesk does not write ({odd}): one_touch and reopened count only Solved and Closed as resolved; check the statuses")
    _csat(plan, c, c.get("satisfaction score"), blank_values, ZENDESK_UNRATED,
          "tickets rated Good (or 4–5 of 5) ÷ tickets rated; Offered (asked, not answered) and Unoffered are not answers", "support.zendesk.com 4408886173338")
    return plan


def _hours_check(c: _Columns, hours: str, minutes: str, plan: Plan) -> str:
    """Zendesk's ``Resolution time`` is in hours: check it against the full resolution minutes on the first rows."""
    pairs = [(a, b) for x, y in c.pairs(hours, minutes) if (a := _number(x)) is not None and (b := _number(y)) is not None]
    agree = sum(abs(a * 60 - b) <= 60 for a, b in pairs)
    if pairs and agree < 0.9 * len(pairs):
        plan.doubts.append(f"zendesk: {hours!r} × 60 matches {minutes!r} in only {agree} of {len(pairs)} sampled rows: it may not be in hours; it is not scored")
    return f"{hours!r} is in hours ({agree} of {len(pairs)} sampled rows × 60 = {minutes!r} within an hour): not scored, the minutes column is finer"


def _freshdesk(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Freshdesk")
    bhrs = "Freshdesk's export writes first_res_time_bhrs / resolution_time_bhrs: business hours, HH:MM:SS (shared/data/helpdesk_research.md §1)"
    _duration(plan, c, "frt_business", ("first response time (in hrs)",), "ticket created → first agent response, business hours (the export holds no calendar figure; often empty)", bhrs, business=True)
    _duration(plan, c, "resolution_business", ("resolution time (in hrs)",), "ticket created → resolved, business hours (often empty)", bhrs, business=True)
    for name, header, what in (("frt_sla_breached", "first response status", "first response"), ("resolution_sla_breached", "resolution status", "resolution")):
        shown = c.get(header) or header
        column = _rate(plan, c, name, (header,), lambda s: (f'{s} = "SLA Violated"', f"{s} is not blank"),
                       f"tickets whose {what} SLA was violated ({shown!r} = SLA Violated) ÷ tickets with an SLA outcome", "Freshdesk's SLA outcome columns (shared/data/helpdesk_research.md §1)", better="lower")
        if column is not None:
            odd = _unexpected(c.values(column), SLA_TEXTS)
            if odd:
                plan.doubts.append(f"freshdesk: {column!r} holds values other than 'Within SLA' / 'SLA Violated' ({odd}): {name} counts only 'SLA Violated' as breached")
    column = _rate(plan, c, "fcr", ("customer interactions", "status"), lambda i, s: (f"{i} = 0", FRESHDESK_RESOLVED.replace("Status", s)),
                   "resolved or closed tickets with no customer interaction after the first contact ÷ resolved or closed tickets", "support.freshservice.com 50000004904")
    if column is not None:
        _fcr_check(c, column, plan)
    _csat(plan, c, c.get("survey results", "survey result"), blank_values, [],
          "tickets rated Awesome (the positive answer of Freshdesk's default 3-point survey) ÷ tickets rated", "Freshdesk customer satisfaction surveys (3-point default: Awesome, Neutral, Not Good)", labels=FRESHDESK_SURVEY)
    return plan


def _fcr_check(c: _Columns, column: str, plan: Plan) -> None:
    """Freshservice counts customer interactions after the opening message; an export whose resolved tickets
    never hold 0 counts the opening message too, so first contact is 1 there (a guess, said)."""
    status = c.get("status")
    if status is None:
        return
    counts = [n for x, s in c.pairs(column, status) if s.casefold() in ("resolved", "closed") and (n := _number(x)) is not None]
    if len(counts) >= CHECK_ROWS and min(counts) >= 1:
        fcr = next(p for p in plan.metrics if p.name == "fcr")
        plan.metrics[plan.metrics.index(fcr)] = Planned(fcr.name, {**fcr.settings, "condition": f"{_q(column)} <= 1"}, fcr.column, fcr.definition + "; read as ≤ 1 here (see the warning)", fcr.source)
        plan.doubts.append(
            f"freshdesk: {column!r} is never 0 among the {len(counts)} resolved tickets of the first rows, so this export counts the customer's opening message: "
            f"fcr counts {column!r} ≤ 1; if that is wrong, give condition: in a config"
        )


def _call_log(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("call log")
    answered = c.get("answered (y/n)")
    source = "a call per row (the PwC call-centre table, shared/data/helpdesk_research.md; issue 16)"
    calls = "the README's *Service level and abandonment* (Genesys, callcentrehelper.com 206890)"
    if answered is not None:
        yes = f"{_q(answered)} in {YES}"
        wait = c.get("speed of answer in seconds")
        if wait is not None:
            plan.metrics.append(Planned("service_level", {"type": "service_level", "answered": yes, "wait": wait, "formula": "offered"}, answered,
                                        "calls answered within 20 s ÷ calls (formula offered: the log has no time to abandon, so every abandoned call counts against)", calls))
        else:
            plan.missing.append(("service_level", "no 'Speed of answer in seconds' column"))
        plan.metrics.append(Planned("abandoned", {"type": "abandonment", "answered": yes}, answered, "calls not answered ÷ calls", calls))
        plan.metrics.append(Planned("answer_rate", {"type": "answer_rate", "answered": yes}, answered, "calls answered ÷ calls", calls, default=False))
    _rate(plan, c, "fcr", ("resolved", "answered (y/n)"), lambda r, a: (f"{r} in {YES}", f"{a} in {YES}"), "answered calls resolved on the call ÷ answered calls", source)
    for name, headers, what in (("speed_of_answer", ("speed of answer in seconds",), "ring → answer"), ("talk_time", ("avgtalkduration", "avg talk duration", "talk time"), "talk time")):
        if _duration(plan, c, name, headers, f"{what} of answered calls (an unanswered call's 0 is blank, not 0)", source, business=False, blank_values=["0", "0:00:00", "00:00:00"]) and answered:
            _zero_check(c, plan.metrics[-1].column, answered, name, plan)
    _csat(plan, c, c.get("satisfaction rating"), [*blank_values, "0"], ["0"], "calls rated 4–5 ÷ calls rated (an unanswered call's 0 is no rating)", source)
    if answered is not None:
        odd = _unexpected(c.values(answered), {"y", "n", "yes", "no"})
        if odd:
            plan.doubts.append(f"call log: {answered!r} holds values other than Y/N ({odd}): they count as not answered")
    return plan


def _amazon_connect(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Amazon Connect")
    ctr = "docs.aws.amazon.com connect ctr-data-model (UTC timestamps, whole seconds)"
    queued, connected, ended = c.get("queueinfo.enqueuetimestamp"), c.get("agentinfo.connectedtoagenttimestamp"), c.get("disconnecttimestamp")
    if queued and connected and ended:
        calls = {"of": f"{_q(queued)} is not blank", "answered": f"{_q(connected)} is not blank"}
        plan.metrics.append(Planned("service_level", {"type": "service_level", **calls, "wait": {"start": queued, "end": connected}, "abandon_wait": {"start": queued, "end": ended}}, queued,
                                    "queued contacts connected to an agent within 20 s ÷ (queued − abandoned within 5 s)", f"{ctr}; the README's *Service level and abandonment*"))
        plan.metrics.append(Planned("abandoned", {"type": "abandonment", **calls}, queued, "queued contacts never connected to an agent ÷ queued contacts", "Amazon Connect's abandonment rate (docs.aws.amazon.com metrics-definitions)"))
        plan.metrics.append(Planned("answer_rate", {"type": "answer_rate", **calls}, queued, "queued contacts connected to an agent ÷ queued contacts", ctr, default=False))
        plan.metrics.append(Planned("speed_of_answer", {"type": "duration", "start": queued, "end": connected}, queued, "queue → agent, for connected contacts (calendar time)", ctr, business_hours=False))
    else:
        plan.missing.append(("service_level", "no QueueInfo.EnqueueTimestamp, AgentInfo.ConnectedToAgentTimestamp and DisconnectTimestamp columns"))
    parts = [p for p in (c.get("agentinteractionduration"), c.get("agentinitiatedholdduration"), c.get("aftercontactworkduration")) if p]
    if parts:
        plan.metrics.append(Planned("aht", {"type": "duration", "sum": parts, "unit": "seconds"}, parts[0], "handle time = agent interaction + hold + after-contact work, in whole seconds", f"{ctr}; AHT as Genesys' tHandle (help.mypurecloud.com glossary)", business_hours=False))
    contact, updated = c.get("contactid"), c.get("lastupdatetimestamp")
    if contact and updated:
        plan.dedupe = (contact, updated)
        plan.notes.append(f"contact records arrive at least once: each {contact!r} is kept once, its latest {updated!r} (the dates periods follow unless --date-column says otherwise)")
    return plan


def _zero_check(c: _Columns, column: str, answered: str, name: str, plan: Plan) -> None:
    """0 means 'not answered' only where the call was not answered: an answered call's 0 is a doubt."""
    zero = [a for v, a in c.pairs(column, answered) if _number(v) == 0 or v in ("0:00:00", "00:00:00")]
    real = sum(a.casefold() in ("y", "yes") for a in zero)
    if real:
        plan.doubts.append(f"call log: {real} answered call(s) of the first rows have {column!r} = 0, which {name} reads as blank (0 marks unanswered calls): check the column")
    elif zero:
        plan.notes.append(f"{column!r}: {len(zero)} unanswered call(s) of the first rows carry 0: blank, not 0")


def _intercom(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Intercom")
    stats = "developers.intercom.com conversation statistics (seconds; timestamps as Unix epochs)"
    stat = {name: c.get(name, f"statistics.{name}", f"statistics_{name}") for name in ("time_to_admin_reply", "time_to_last_close", "time_to_first_close", "count_reopens", "first_admin_reply_at")}
    business = _office_hours(c, stat["time_to_admin_reply"], stat["first_admin_reply_at"], plan)
    what = {True: "office hours removed", False: "calendar time", None: "as Intercom measured it (office hours removed where set)"}[business]
    suffix = "_business" if business else ""
    for name, key, span in ((f"frt{suffix}", "time_to_admin_reply", "conversation start → first teammate reply"), (f"resolution{suffix}", "time_to_last_close", "start → last close"), (f"first_resolution{suffix}", "time_to_first_close", "start → first close")):
        column = stat[key]
        if column is None:
            plan.missing.append((name, f"no {key!r} column"))
            continue
        plan.metrics.append(Planned(name, {"type": "duration", "column": column, "unit": "seconds"}, column, f"{span}, {what}", f"{stats}; office hours: intercom.com/help 6762778", not name.startswith("first_"), business))
    reopens, state = stat["count_reopens"], c.get("state")
    if reopens is not None:
        plan.metrics.append(Planned("reopened", {"type": "rate", "condition": f"{_q(reopens)} > 0", "of": f"{_q(state)} = closed" if state else None, "better": "lower"}, reopens,
                                    "conversations reopened at least once (count_reopens > 0) ÷ " + ("closed conversations" if state else "conversations"), stats))
    plan.missing.append(("fcr", "Intercom's FCR is a conversation closed once with one participating teammate (intercom.com/help 7022438); the export holds no count of participating teammates"))
    rating = c.get("conversation_rating", "conversation_rating.rating", "conversation_rating_rating", "rating")
    _csat(plan, c, rating, blank_values, [], "conversations rated 4–5 ÷ conversations rated (Intercom's 1–5 conversation rating)", "developers.intercom.com conversation_rating")
    return plan


def _office_hours(c: _Columns, seconds: str | None, replied: str | None, plan: Plan) -> bool | None:
    """Whether Intercom's reply times had office hours removed: compared with first reply − creation (epochs) on the first rows."""
    created = c.get("created_at", "created at")
    if seconds is None or replied is None or created is None:
        plan.doubts.append("intercom: whether office hours were removed from the durations could not be checked (no created_at and first_admin_reply_at epochs): Intercom removes them where office hours are set; frt and resolution are named as calendar time")
        return None
    rows = [(a, b, t) for x, y, z in zip(*(_column(c, col) for col in (created, replied, seconds))) if (a := _number(x)) is not None and (b := _number(y)) is not None and (t := _number(z)) is not None]
    shorter = sum(t < b - a - 1 for a, b, t in rows)
    if len(rows) < CHECK_ROWS:
        plan.doubts.append(f"intercom: only {len(rows)} rows to tell whether office hours were removed; frt and resolution are named as calendar time")
        return None
    plan.notes.append(f"{seconds!r} against {replied!r} − {created!r}: {shorter} of {len(rows)} sampled conversations shorter, so " + ("office hours were removed" if shorter else "calendar time"))
    return shorter > 0


def _column(c: _Columns, column: str) -> list[str]:
    i = c.index[column]
    return [_cell(row, i) for row in c.sample]


def _servicenow(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("ServiceNow incidents")
    source = "ServiceNow incident fields (made_sla, reopen_count, reassignment_count; UCI incident event log)"
    state = c.get("incident_state")
    resolved = f"{_q(state)} in [Resolved, Closed]" if state else None
    _rate(plan, c, "sla_met", ("made_sla",), lambda m: (f"{m} in [true, 1]", f"{m} is not blank"), "incidents whose made_sla is true ÷ incidents with a made_sla value", source)
    _rate(plan, c, "reopened", ("reopen_count",), lambda r: (f"{r} > 0", resolved), "resolved or closed incidents reopened at least once (reopen_count > 0) ÷ resolved or closed incidents", source, better="lower")
    _rate(plan, c, "reassigned", ("reassignment_count",), lambda r: (f"{r} > 0", None), "incidents reassigned at least once (reassignment_count > 0) ÷ incidents; no escalation field", source, better="lower")
    opened, done = c.get("opened_at"), c.get("resolved_at")
    if opened and done:
        plan.metrics.append(Planned("resolution", {"type": "duration", "start": opened, "end": done}, done, "opened_at → resolved_at, calendar time (day/month order from the values)", source, business_hours=False))
    else:
        plan.missing.append(("resolution", "no opened_at and resolved_at columns"))
    number, updated = c.get("number"), c.get("sys_updated_at")
    if number and updated:
        plan.dedupe = (number, updated)
        plan.notes.append(f"an event log (a row per update): each {number!r} is kept once, its latest {updated!r}; '?' is blank")
    return plan


#: Jira Service Management: what a completed SLA shows (the time left when it stopped, negative past the goal), and breached().
JIRA_SLA = "confluence.atlassian.com servicemanagementserver 'SLA display formats and time frames' (a completed SLA shows the time remaining, or the time past the goal as a negative number); JQL breached()"


def _jira(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Jira Service Management")
    for name, field_name in (("frt_sla_breached", "Time to first response"), ("resolution_sla_breached", "Time to resolution")):
        column = c.get(f"custom field ({field_name.lower()})", field_name.lower())
        if column is None:
            plan.missing.append((name, f"no 'Custom field ({field_name})' column"))
            continue
        if _stored_sla(c, column):
            _sla_json(plan, c, name, field_name, column)
            continue
        settings = {"type": "rate", "condition": f'{_q(column)} starts with "-"', "of": f"{_q(column)} is not blank", "better": "lower"}
        plan.metrics.append(Planned(name, settings, column, f"requests whose {field_name} SLA breached its goal ({column!r} negative: Jira writes the time left, or the time past the goal as -1h 5m) ÷ requests with an SLA value; SLA clocks run on the SLA's calendar", JIRA_SLA))
        _sign_check(c, column, plan)
    if not any(p.name == "frt" for p in plan.metrics):
        plan.missing.append(("frt", "Jira's export writes the time left to the SLA goal, not the time taken (that is the REST API's completedCycles[].elapsedTime.millis, or the stored SLA JSON's completeSLAData[].elapsedTime)"))
    created, resolved = c.get("created"), c.get("resolved")
    if created and resolved:
        plan.metrics.append(Planned("resolution", {"type": "duration", "start": created, "end": resolved}, resolved, "Created → Resolved, calendar time (the Resolved date Jira sets with a resolution)", "Jira's Created and Resolved fields (support.atlassian.com 'Resolution time' report)", business_hours=False))
    else:
        plan.missing.append(("resolution", "no Created and Resolved columns"))
    _csat(plan, c, c.get("satisfaction rating", "custom field (satisfaction)"), blank_values, [], "requests rated 4–5 ÷ requests rated (Jira's 1–5 star customer satisfaction)", "support.atlassian.com jira-service-management 'customer satisfaction' (1–5 stars)")
    return plan


#: Jira SM's SLA value as its database stores it (customfieldvalue.textvalue): completed cycles with succeeded and elapsedTime in ms.
JIRA_STORED = ("Jira SM's stored SLA value (customfieldvalue.textvalue JSON: completeSLAData[] cycles with succeeded, goalTime, elapsedTime and remainingTime in ms, "
               "as SQL reports on Jira's database read it: completeSLAData -> 0 ->> 'succeeded', elapsedTime / 1000)")


def _stored_sla(c: _Columns, column: str) -> bool:
    """Whether the sampled values of an SLA column are Jira's stored JSON (``{"timeline": …, "completeSLAData": […]}``)."""
    values = c.values(column)
    return bool(values) and all(v.startswith("{") and "completesladata" in v.casefold() for v in values)


def _sla_json(plan: Plan, c: _Columns, name: str, field_name: str, column: str) -> None:
    """An SLA column of stored JSON: breached from the completed cycles' ``succeeded``, and the time its clock ran."""
    done = f"{_q(column)} contains '\"succeeded\":'"
    plan.metrics.append(Planned(name, {"type": "rate", "condition": f"{_q(column)} contains '\"succeeded\":false'", "of": done, "better": "lower"}, column,
                                f"requests with a completed {field_name} cycle that breached its goal (\"succeeded\":false in completeSLAData) ÷ requests with a completed cycle; a clock still running is not counted", JIRA_STORED))
    elapsed = "frt" if name.startswith("frt") else "resolution_sla"
    plan.metrics.append(Planned(elapsed, {"type": "duration", "column": column}, column,
                                f"the time the {field_name} SLA clock ran: completeSLAData[].elapsedTime (ms) summed over the completed cycles, on the SLA's calendar (its business hours where it has them); blank while no cycle has completed",
                                JIRA_STORED, default=elapsed == "frt" or not (c.get("created") and c.get("resolved")), business_hours=None))


def _sign_check(c: _Columns, column: str, plan: Plan) -> None:
    """Jira writes SLA times as remaining time (``2h 30m``, ``-1h 5m``, ``-02:30``); other values make the sign test meaningless."""
    odd = [v for v in c.values(column) if not re.fullmatch(r"-?\s*(?:\d+\s*(?:mo|[wdhm])\s*)+|-?\d+:\d{2}", v)]
    if odd:
        plan.doubts.append(f"jira: {column!r} holds values that are no SLA time ({', '.join(repr(v) for v in odd[:3])}): only those starting with '-' count as breached")


ZOHO = "desk.zoho.com DeskAPIDocument: Tickets (createdTime, closedTime, statusType, isEscalated in ISO 8601 UTC with .000Z) and Get ticket metrics (firstResponseTime, resolutionTime as 'hh:mm hrs', reopenCount, reassignCount)"
#: Zoho Desk's happiness rating: three faces, Good the satisfied one.
ZOHO_HAPPINESS = {"Good": 3, "Okay": 2, "Bad": 1}


def _zoho(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Zoho Desk")
    measured = "as Zoho Desk measured it (the department's business hours where set)"
    _duration(plan, c, "frt", ("firstresponsetime",), f"ticket created → first agent response, {measured}; written 'hh:mm hrs'", ZOHO, business=None)
    if not _duration(plan, c, "resolution", ("resolutiontime",), f"ticket created → resolved, {measured}", ZOHO, business=None):
        created, closed = c.get("createdtime"), c.get("closedtime")
        if created and closed:
            plan.missing.pop()
            plan.metrics.append(Planned("resolution", {"type": "duration", "start": created, "end": closed}, closed, "createdTime → closedTime, calendar time (UTC)", ZOHO, business_hours=False))
    needs = ("reopencount", "statustype") if c.get("statustype") else ("reopencount",)
    _rate(plan, c, "reopened", needs, lambda r, s=None: (f"{r} > 0", f"{s} = Closed" if s else None),
          "closed tickets (statusType Closed) reopened at least once (reopenCount > 0) ÷ closed tickets", ZOHO, better="lower")
    _rate(plan, c, "reassigned", ("reassigncount",), lambda r: (f"{r} > 0", None), "tickets reassigned at least once (reassignCount > 0) ÷ tickets", ZOHO, better="lower")
    _rate(plan, c, "escalated", ("isescalated",), lambda e: (f"{e} in [true, 1]", f"{e} is not blank"), "tickets Zoho marks escalated (isEscalated true) ÷ tickets", ZOHO, better="lower")
    _csat(plan, c, c.get("happiness rating", "happinessrating", "rating"), blank_values, [], "tickets rated Good ÷ tickets rated (Zoho Desk's happiness rating: Good, Okay, Bad)", "Zoho Desk happiness ratings (help.zoho.com desk)", labels=ZOHO_HAPPINESS)
    return plan


HELPSCOUT = "developer.helpscout.com time range statistics (productivity): a row per period; resolvedOnFirstReply and resolved are counts, firstResponseTime, resolutionTime and handleTime that period's averages in seconds"


def _helpscout(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Help Scout (report rows per period)")
    total, resolved = c.get("totalconversations"), c.get("resolved")
    first = c.get("resolvedonfirstreply")
    if first and resolved:
        plan.metrics.append(Planned("fcr", {"type": "ratio", "numerator": first, "denominator": resolved}, first,
                                    f"Σ {first} ÷ Σ {resolved}: conversations resolved after one reply over conversations resolved, summed over the periods (Wilson interval on the counts)", HELPSCOUT))
    else:
        plan.missing.append(("fcr", "no resolvedOnFirstReply and resolved counts"))
    for name, key, base, why in (("frt", "firstresponsetime", total, "the conversations of the period (Help Scout's average is over those with a first reply, which the report does not count)"),
                                 ("resolution", "resolutiontime", resolved, "the conversations resolved in the period, the average's own base"),
                                 ("aht", "handletime", total, "the conversations of the period")):
        column = c.get(key)
        if column is None or base is None:
            plan.missing.append((name, f"no {key!r} column" if column is None else "no count to weight it by (resolved / totalConversations)"))
            continue
        plan.metrics.append(Planned(name, {"type": "weighted_average", "average": column, "count": base, "unit": "seconds"}, column,
                                    f"the periods' average {column!r} (seconds) weighted by {base!r}, {why}: Σ({column} × {base}) ÷ Σ {base}; no interval (the report holds no single conversation's time)",
                                    HELPSCOUT, business_hours=None))
    plan.notes.append("Help Scout's report rows are periods, not conversations: counts are summed and averages weighted by the count named in each KPI's definition")
    return plan


SALESFORCE = "developer.salesforce.com object reference: Case (CreatedDate, ClosedDate, IsEscalated) and CaseMilestone (IsViolated, IsCompleted, ElapsedTimeInMins in the milestone's business hours)"
SF_TRUE = "[true, 1]"


def _salesforce_cases(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Salesforce Case")
    created, closed = c.get("createddate"), c.get("closeddate")
    if created and closed:
        plan.metrics.append(Planned("resolution", {"type": "duration", "start": created, "end": closed}, closed, "CreatedDate → ClosedDate, calendar time (ISO 8601 with .000+0000; open cases are blank)", SALESFORCE, business_hours=False))
    else:
        plan.missing.append(("resolution", "no CreatedDate and ClosedDate columns"))
    _rate(plan, c, "escalated", ("isescalated",), lambda e: (f"{e} in {SF_TRUE}", f"{e} is not blank"), "cases with IsEscalated true (set by escalation rules) ÷ cases", SALESFORCE, better="lower")
    plan.missing.append(("frt", "a Case holds no first response time: it is a CaseMilestone (export CaseMilestone with IsViolated and ElapsedTimeInMins)"))
    return plan


def _salesforce_milestones(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Salesforce CaseMilestone")
    done = c.get("iscompleted")
    _rate(plan, c, "sla_met", ("isviolated",), lambda v: (f"{v} not in {SF_TRUE}", f"{v} in {SF_TRUE} or {_q(done)} in {SF_TRUE}" if done else f"{v} is not blank"),
          "milestones met (completed, IsViolated false) ÷ milestones decided (completed, or violated while still open: past the target date is a miss already)" if done else "milestones not violated ÷ milestones", SALESFORCE)
    kind = c.get("milestonetype.name", "milestone type", "milestonetypeid")
    if kind:
        plan.notes.append(f"milestones of every type are pooled: --by {kind!r} scores each (First Response, Resolution …) apart")
    plan.missing.append(("frt", "ElapsedTimeInMins pools every milestone type; name the first-response milestone in a config (where: its MilestoneType) to score it"))
    return plan


GENESYS = "developer.genesys.cloud analytics metric definitions (milliseconds: nOffered, tAnswered, tAbandon; tHandle = tTalkComplete + tHeldComplete + tAcw)"


def _genesys(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Genesys Cloud")
    offered, answered, abandon = c.get("noffered"), c.get("tanswered"), c.get("tabandon")
    of = f"{_q(offered)} > 0" if offered else None
    if answered and abandon:
        plan.metrics.append(Planned("service_level", {"type": "service_level", "of": of, "answered": f"{_q(answered)} is not blank", "wait": answered, "abandon_wait": abandon, "unit": "ms"}, answered,
                                    "offered interactions answered within 20 s (tAnswered) ÷ (offered − abandoned within 5 s, tAbandon)", f"{GENESYS}; the README's *Service level and abandonment*"))
    else:
        plan.missing.append(("service_level", "no tAnswered and tAbandon columns"))
    if abandon:
        plan.metrics.append(Planned("abandoned", {"type": "abandonment", "of": of, "answered": f"{_q(abandon)} is blank"}, abandon,
                                    "offered interactions abandoned in queue (tAbandon set) ÷ offered (nOffered): Genesys' abandon rate; one neither answered nor abandoned (flowed out) counts in the base only", GENESYS))
    else:
        plan.missing.append(("abandoned", "no tAbandon column"))
    if answered:
        plan.metrics.append(Planned("speed_of_answer", {"type": "duration", "column": answered, "unit": "ms"}, answered, "queue → answer (tAnswered), answered interactions", GENESYS, business_hours=False))
    handle = c.get("thandle")
    parts = [p for p in (c.get("ttalkcomplete", "ttalk"), c.get("theldcomplete", "theld"), c.get("tacw")) if p]
    if handle:
        plan.metrics.append(Planned("aht", {"type": "duration", "column": handle, "unit": "ms"}, handle, "handle time tHandle = talk + hold + after-call work, in milliseconds", GENESYS, business_hours=False))
        if len(parts) == 3:
            plan.notes.append(_handle_check(c, handle, parts, plan))
    elif parts:
        plan.metrics.append(Planned("aht", {"type": "duration", "sum": parts, "unit": "ms"}, parts[0], f"handle time = {' + '.join(parts)}, in milliseconds (no tHandle column)", GENESYS, business_hours=False))
    talk = c.get("ttalkcomplete", "ttalk")
    if talk:
        plan.metrics.append(Planned("talk_time", {"type": "duration", "column": talk, "unit": "ms"}, talk, "talk time of the interaction, in milliseconds", GENESYS, default=False, business_hours=False))
    return plan


def _handle_check(c: _Columns, handle: str, parts: list[str], plan: Plan) -> str:
    """Genesys' tHandle is tTalkComplete + tHeldComplete + tAcw: checked on the first rows, so milliseconds are not some other unit's."""
    rows = [(h, sum(_number(x) or 0 for x in rest)) for h_text, *rest in zip(*(_column(c, col) for col in (handle, *parts))) if (h := _number(h_text)) is not None]
    agree = sum(abs(h - total) <= 1000 for h, total in rows)
    if rows and agree < 0.9 * len(rows):
        plan.doubts.append(f"genesys: {handle!r} equals {' + '.join(map(repr, parts))} in only {agree} of {len(rows)} sampled rows: check that they are the same interactions' milliseconds")
    return f"{handle!r} = {' + '.join(map(repr, parts))} in {agree} of {len(rows)} sampled rows"


FLEX = "twilio.com/docs/flex/end-user-guide/insights: conversation-structure (handling time = talk + wrap-up), abandoned-conversations, segments (Kind)"


def _flex(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Twilio Flex Insights")
    kind, abandoned = c.get("kind"), c.get("abandoned")
    if abandoned:
        of = f"{_q(kind)} = Queue" if kind else f"{_q(abandoned)} is not blank"
        plan.metrics.append(Planned("abandoned", {"type": "abandonment", "of": of, "answered": f"{_q(abandoned)} != Yes"}, abandoned,
                                    "queue segments whose customer hung up before reaching an agent (Abandoned = Yes) ÷ queue segments (Kind = Queue; other kinds such as Agent Status are not calls)", FLEX))
    else:
        plan.missing.append(("abandoned", "no Abandoned column"))
    parts = [p for p in (c.get("talk time"), c.get("wrap up time")) if p]
    if parts:
        plan.metrics.append(Planned("aht", {"type": "duration", "sum": parts, "unit": "seconds"}, parts[0], f"handling time = {' + '.join(parts)} of conversation segments, in seconds (Twilio's handling time of an inbound conversation)", FLEX, business_hours=False))
    else:
        plan.missing.append(("aht", "no Talk Time and Wrap Up Time columns"))
    queue = c.get("queue time")
    if queue:
        plan.metrics.append(Planned("speed_of_answer", {"type": "duration", "column": queue, "unit": "seconds"}, queue, "time in queue of queue segments, answered or not (Queue Time), in seconds", FLEX, default=False, business_hours=False))
    return plan


QIYU = "网易七鱼 响应度报表 definitions (qykefu.cn 144434: 首响 = 访客首条询问 → 客服首次回复; 排队时长 = 开始排队 → 进入咨询; 会话回复率 = 客服有回复的会话 ÷ 接入会话; 无效会话 = 访客未说话就离开)"


def _chat_cn(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("Chinese chat sessions (53KF / 网易七鱼)")
    _duration(plan, c, "frt", ("首次响应时长",), "首次响应时长: the visitor's first message → the agent's first reply, calendar time (3分20秒, 00:03:20 or seconds)", QIYU, business=False)
    _duration(plan, c, "speed_of_answer", ("排队时长",), "排队时长: queueing → the session reaches an agent", QIYU, business=False)
    _duration(plan, c, "talk_time", ("会话时长",), "会话时长: the session's length", QIYU, business=False, default=False)
    plan.missing = [m for m in plan.missing if m[0] != "talk_time"]
    _rate(plan, c, "answer_rate", ("客服消息数",), lambda n: (f"{n} > 0", None), "sessions the agent replied to (客服消息数 > 0) ÷ sessions: 七鱼's 会话回复率", QIYU)
    visitor = c.get("访客消息数")
    if visitor:
        plan.notes.append(f"七鱼 counts a session whose visitor never wrote ({visitor!r} = 0) as 无效会话; --where can leave them out")
    _csat(plan, c, c.get("满意度", "满意度评价"), blank_values, ["未评价"], "sessions rated 满意 or better ÷ sessions rated (未评价 is no rating)", "七鱼 and 53KF satisfaction (非常满意 … 非常不满意)")
    return plan


INTERVALS = ("a row per interval is already an aggregate: a KPI over rows is a ratio of sums (Σ answered in T ÷ Σ offered; Σ(average × count) ÷ Σ count), "
             "never a mean of the rows' percentages or a median of their averages (Genesys Cloud performance views; the README's *Summary rows*)")


def _interval_report(c: _Columns, blank_values: list[str]) -> Plan:
    plan = Plan("contact-centre interval report")
    offered = c.get("offered", "offer", "calls offered", "contacts offered", "offered calls")
    answered = c.get("answered", "answer", "calls answered", "contacts answered", "answered calls", "acd calls")
    abandoned = c.get("abandoned", "abandon", "calls abandoned", "aban calls", "abandoned calls")
    in_sl = c.get("answered in sl", "answered within sl", "answered within service level", "calls answered within sl")
    sl_pct = c.get("service level %", "service level", "sl %", "% within service level")
    assert offered and answered  # the layout needs both
    if in_sl:
        plan.metrics.append(Planned("service_level", {"type": "ratio", "numerator": in_sl, "denominator": offered}, in_sl,
                                    f"Σ {in_sl} ÷ Σ {offered}: calls answered within the service-level time over calls offered, summed over the intervals (Wilson interval on the counts)", INTERVALS))
    elif sl_pct:
        plan.metrics.append(Planned("service_level", {"type": "ratio", "share": sl_pct, "denominator": offered}, sl_pct,
                                    f"the intervals' {sl_pct!r} weighted by {offered!r} (Σ share × offered ÷ Σ offered): the file holds no count answered within T; "
                                    "the vendor's percentage may leave short abandons out of its base, so this is the offered-weighted figure, with no interval", INTERVALS))
    else:
        plan.missing.append(("service_level", "no 'Answered in SL' count or 'Service Level %' column"))
    if abandoned:
        plan.metrics.append(Planned("abandoned", {"type": "ratio", "numerator": abandoned, "denominator": offered, "better": "lower"}, abandoned,
                                    f"Σ {abandoned} ÷ Σ {offered} (Genesys' Abandon % = abandoned ÷ offered, summed over the intervals)", INTERVALS))
    else:
        plan.missing.append(("abandoned", "no Abandoned column"))
    plan.metrics.append(Planned("answer_rate", {"type": "ratio", "numerator": answered, "denominator": offered}, answered, f"Σ {answered} ÷ Σ {offered}", INTERVALS, default=False))
    for name, headers, what, default in (("speed_of_answer", ("asa", "avg speed of answer", "average speed of answer", "avg speed ans"), "average speed of answer", True),
                                         ("aht", ("aht", "avg handle", "avg handle time", "average handle time"), "average handle time", True),
                                         ("talk_time", ("avg talk", "avg talk time", "average talk time"), "average talk time", False)):
        column = c.get(*headers)
        if column is None:
            if default:
                plan.missing.append((name, f"no {headers[0]!r} column"))
            continue
        plan.metrics.append(Planned(name, {"type": "weighted_average", "average": column, "count": answered}, column,
                                    f"the intervals' {what} ({column!r}) weighted by {answered!r}: Σ({column} × {answered}) ÷ Σ {answered}, the total time over the calls answered; no interval (the file holds no single call's time)",
                                    INTERVALS, default))
    plan.notes.append(f"rows are intervals, not calls: each KPI sums the intervals' counts ({offered!r}, {answered!r}) and weights their averages by {answered!r}")
    return plan


CALL_REPORTS = ("a row per period is already an aggregate: a KPI over rows is a ratio of sums (Σ abandoned ÷ Σ offered; Σ(average × count) ÷ Σ count), "
                "never a mean of the rows' rates (the README's *Summary rows*; Genesys' Abandon % = abandoned ÷ offered)")
#: The abandonment rate a per-period report may state itself, read to learn what its volume column counts.
STATED_RATES = ("call abandonment rate", "abandonment rate", "abandon rate", "abandoned rate", "abandon %", "abandoned %", "% abandoned", "abandonment %", "abandon rate %")
#: Rows that fit one reading only, of which this share must fit the same one, and at least this many.
BASE_SHARE, BASE_ROWS = 0.9, 5


def _call_report(c: _Columns, blank_values: list[str]) -> Plan:
    """A per-period call report with no answered count. Abandonment is Σ abandoned ÷ Σ offered; a column named
    as offered is that base. A volume named otherwise (``Inbound Calls``) may count the abandoned calls or only
    those answered — exports differ — so the report's own stated rate, when it has one, is read on the sampled
    rows: rows whose rate is abandoned ÷ volume (at its decimals) make the volume the offered calls; rows whose
    rate is abandoned ÷ (volume + abandoned) make it the calls answered. Without such a rate nothing is guessed."""
    plan = Plan("per-period call report (no answered count)")
    offered = c.get("offered", "offer", "calls offered", "contacts offered", "offered calls")
    volume = offered or c.get("inbound calls", "inbound", "incoming calls", "calls received", "received calls", "total calls", "calls in")
    abandoned = c.get("abandoned calls", "abandoned", "calls abandoned", "aban calls", "abandon")
    assert volume and abandoned  # the layout needs both
    asa = c.get("asa", "avg speed of answer", "average speed of answer", "avg speed ans", "average speed of answer in secs",
                "average speed of answer in seconds", "average speed of answer (secs)", "average speed of answer (seconds)")
    base = "offered" if offered else _volume_base(plan, c, volume, abandoned)
    if base == "offered":
        plan.metrics.append(Planned("abandoned", {"type": "ratio", "numerator": abandoned, "denominator": volume, "better": "lower"}, abandoned,
                                    f"Σ {abandoned} ÷ Σ {volume}: calls abandoned over calls offered, summed over the periods (Wilson interval on the counts)", CALL_REPORTS))
        plan.missing.append(("speed_of_answer", f"an average over the calls answered, and no column counts them ({volume!r} counts the calls offered)" if asa else "no 'average speed of answer' column"))
    elif base == "answered":
        plan.missing.append(("abandoned", f"its base is {volume!r} + {abandoned!r} (the calls offered), and a ratio's denominator is one column: "
                                          f"add a column of their sum to the export and give it as denominator: in a config"))
        if asa:
            plan.metrics.append(Planned("speed_of_answer", {"type": "weighted_average", "average": asa, "count": volume}, asa,
                                        f"the periods' {asa!r} weighted by {volume!r} (the calls answered, as the stated rate shows): Σ({asa} × {volume}) ÷ Σ {volume}; "
                                        "no interval (the file holds no single call's time)", CALL_REPORTS))
        else:
            plan.missing.append(("speed_of_answer", "no 'average speed of answer' column"))
    else:
        plan.missing.append(("abandoned", f"{volume!r} may count the abandoned calls or only those answered (exports differ, and no stated abandonment rate in the file tells), "
                                          f"so Σ {abandoned} ÷ Σ {volume} would be a guess: when it counts every call offered, a config says so (type: ratio, numerator: {abandoned}, denominator: {volume})"))
        plan.missing.append(("speed_of_answer", f"an average over the calls answered, and nothing says whether {volume!r} counts them" if asa else "no 'average speed of answer' column"))
    return plan


def _volume_base(plan: Plan, c: _Columns, volume: str, abandoned: str) -> str | None:
    """``offered`` or ``answered``: what the volume column counts, as the report's own stated rate shows on the sampled rows (None: no rate tells)."""
    rate = c.get(*STATED_RATES)
    if rate is None:
        return None
    i, j, k = c.index[volume], c.index[abandoned], c.index[rate]
    offered = answered = neither = checked = 0
    for row in c.sample:
        total, lost = (_number(_cell(row, col).replace(",", "")) for col in (i, j))
        stated = _cell(row, k).rstrip("%").strip()
        value = _number(stated)
        if total is None or lost is None or value is None or not total:
            continue
        places = len(stated.partition(".")[2])
        fits = [any(round(share * scale, places) == value for scale in (100, 1)) for share in (lost / total, lost / (total + lost))]
        checked += 1
        offered += fits[0] and not fits[1]
        answered += fits[1] and not fits[0]
        neither += not any(fits)
    decisive = offered + answered
    said = f"{rate!r} on {checked:,} sampled rows: {offered:,} fit {abandoned} ÷ {volume} only, {answered:,} fit {abandoned} ÷ ({volume} + {abandoned}) only"
    if decisive < BASE_ROWS or max(offered, answered) < BASE_SHARE * decisive:
        plan.doubts.append(f"{said}: neither reading is clear, so {volume!r} is not taken for the calls offered")
        return None
    base = "offered" if offered > answered else "answered"
    plan.notes.append(f"{said}: {volume!r} counts the calls {base}")
    if neither > (1 - BASE_SHARE) * checked:
        plan.doubts.append(f"{rate!r}: {neither:,} of {checked:,} sampled rows fit neither reading (a rounding, or a base that changed)")
    return base


PLANS: dict[str, Callable[[_Columns, list[str]], Plan]] = {"interval_report": _interval_report, "call_report": _call_report, "chat_cn": _chat_cn, "genesys": _genesys, "twilio_flex": _flex, "zoho_desk": _zoho, "helpscout": _helpscout, "salesforce_cases": _salesforce_cases, "salesforce_milestones": _salesforce_milestones, "zendesk": _zendesk, "freshdesk": _freshdesk, "call_log": _call_log, "amazon_connect": _amazon_connect, "intercom": _intercom, "servicenow": _servicenow, "jira": _jira}


def plan_for(layout: Layout, columns: list[str], sample: list[list], blank_values: Iterable[str]) -> Plan | None:
    """The KPIs of a helpdesk layout (None for a survey layout)."""
    build = PLANS.get(layout.name)
    return build(_Columns(columns, sample), list(blank_values)) if build else None


def latest_records(sources: Iterable[Any]) -> tuple[str, str] | None:
    """The (id, update time) columns whose latest row per id a helpdesk layout keeps (Amazon Connect), if any input has them."""
    for source in sources:
        plan = plan_for(source.layout, source.columns, source.sample[:0], [])
        if plan is not None and plan.dedupe:
            return plan.dedupe
    return None


def unit_of(spec: MetricSpec, column: str) -> str | None:
    """The unit a duration's plain numbers are read in (config, else header), in words."""
    words = {"ms": "milliseconds", "s": "seconds", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    if spec.unit:
        return spec.unit
    if spec.start or spec.sum:
        return None  # from timestamps, or parts each in their own unit
    found = header_unit(column)
    return words[found[0]] if found else None


#: Headers that name when a ticket was opened, and when it was first answered or resolved: with no helpdesk
#: layout recognised, such a pair means service KPIs the zero-config run cannot plan (said, never dropped silently).
TICKET_STARTS = ("created at", "created_at", "created time", "created date", "date created", "creation date", "opened at", "opened_at")
TICKET_ENDS = ("first response at", "first_response_at", "first reply at", "first_reply_at", "first responded at", "first_responded_at",
               "resolved at", "resolved_at", "solved at", "solved_at", "closed at", "closed_at", "date resolved", "date closed")


def unplanned_tickets(columns: list[str]) -> str | None:
    """Why a file with ticket timestamps (created, and first response or resolved) but no recognised helpdesk
    layout gets no service KPI, and how to have them; None when its headers hold no such pair."""
    c = _Columns(columns, [])
    start, end = c.get(*TICKET_STARTS), c.get(*TICKET_ENDS)
    if start is None or end is None:
        return None
    ends = [c.names[n] for n in TICKET_ENDS if n in c.names]
    return (f"{start!r} and {', '.join(map(repr, ends))} look like ticket timestamps, but no helpdesk export layout was recognised, so no service KPI "
            f"(first response, resolution time) is scored from them: name them in a config (type: duration, start: {start}, end: {end}; see the README's Service KPIs)")


def detect(columns: list[str], sample: list[list], blank_values: Iterable[str], layout: Layout, wanted: Iterable[str] = ()) -> tuple[list[Detection], Plan | None]:
    """Zero-config metrics: a helpdesk layout's plan (its defaults, and the alternatives named in ``wanted``),
    else the survey metrics found from question texts."""
    blank_values = list(blank_values)
    plan = plan_for(layout, columns, sample, blank_values)
    if plan is None:
        return detect_metrics(columns, sample, blank_values, layout), None
    wanted = set(wanted)
    found = []
    for planned in plan.metrics:
        spec = msgspec.convert({"name": planned.name, **planned.settings}, MetricSpec)  # as a config's metric is read (waits {start, end})
        about = {"definition": planned.definition, "source": planned.source, "business_hours": planned.business_hours, "default": planned.default}
        if spec.type == "duration":
            about["unit"] = unit_of(spec, planned.column)
        reason = f"{layout.name} layout: {planned.definition}"
        found.append(Detection(planned.column, spec.type, spec, reason, about=about, default=planned.default or planned.name in wanted))
    return found, plan
