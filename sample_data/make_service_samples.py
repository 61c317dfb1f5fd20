"""Generate the bundled service-KPI sample exports (fixed seed, so the files are reproducible).

    python sample_data/make_service_samples.py

Writes three files in the layouts of real helpdesk and contact-centre exports (column names, units,
formats and traps from shared/data/helpdesk_research.md):

- ``tickets_zendesk.csv``: 3,000 Zendesk Support tickets created 2025-01-01 … 2025-06-30, exported
  2025-07-01 00:00. Durations in whole minutes, calendar and business hours (Mon–Fri 09:00–17:00,
  computed from the timestamps with cxscore's Schedule), ``Resolution time`` in hours; unsolved
  tickets carry ``Solved at = 1900-01-01 00:00:00`` and blank resolution times. First replies are
  lognormal (median ≈ 8 business hours, mean several times larger); Chat answers fastest and the
  Billing group falls behind in April. Seven broken rows (see ``BROKEN``).
- ``tickets_freshdesk.csv``: 800 Freshdesk tickets, business-hours ``(in hrs)`` durations written
  ``HH:MM:SS`` (some left empty, as real exports do), SLA outcomes per priority.
- ``calls.csv``: an Amazon Connect contact-record export, 12 weeks of contacts in UTC (whole
  seconds): abandoned calls without ``AgentInfo.ConnectedToAgentTimestamp``, short abandons (≤ 5 s),
  a service level near 80 % within 20 s except in one overloaded week, and repeated records (the same
  ``ContactId`` with an earlier ``LastUpdateTimestamp`` and no after-contact work yet).

``zendesk_table`` is vectorised (bench/make_tickets.py writes millions of rows with it).
"""
from __future__ import annotations

import csv
import sys
import uuid
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from cxscore.schedule import Schedule  # noqa: E402

HERE = Path(__file__).parent
SEED = 20250701
H = 3600
OPEN, CLOSE = 9 * H, 17 * H
WORKDAY = CLOSE - OPEN
OFFICE = Schedule((((OPEN, CLOSE),),) * 5 + ((),) * 2)  # Mon–Fri 09:00–17:00, no holidays, wall clock
PLACEHOLDER = np.datetime64("1900-01-01T00:00:00", "s")
TIME = "%Y-%m-%d %H:%M:%S"

ZENDESK_COLUMNS = [
    "Id", "Assignee", "Group", "Status", "Priority", "Via", "Ticket type", "Created at", "Updated at", "Assigned at",
    "Initially assigned at", "Solved at", "Resolution time", "Satisfaction Score", "Group stations", "Assignee stations",
    "Reopens", "Replies", "First reply time in minutes", "First reply time in minutes within business hours",
    "First resolution time in minutes", "First resolution time in minutes within business hours",
    "Full resolution time in minutes", "Full resolution time in minutes within business hours",
]
GROUPS = {"Support": ["Alice Martin", "Bruno Costa", "Chen Wei", "Divya Nair", "Emma Novak", "Farid Haddad"],
          "Billing": ["Grace Kim", "Hiro Tanaka", "Ines Duarte"],
          "Technical": ["Jonas Berg", "Kara Okafor", "Liam Walsh"]}
GROUP_SHARE = [0.55, 0.25, 0.20]
GROUP_SPEED = np.array([1.0, 1.1, 1.3])  # first-reply time factor per group
VIA = np.array(["Mail", "Web form", "Chat", "API"])
VIA_SHARE = [0.38, 0.32, 0.20, 0.10]
VIA_SPEED = np.array([1.5, 1.0, 0.08, 1.2])  # Chat is answered in minutes, Mail in a day or more
PRIORITY = np.array(["Low", "Normal", "High", "Urgent"])
PRIORITY_SHARE = [0.20, 0.60, 0.15, 0.05]
PRIORITY_SPEED = np.array([1.3, 1.0, 0.6, 0.3])
TYPES = np.array(["Question", "Incident", "Problem", "Task"])
SLOW_MONTH = 4  # April: Billing is short-staffed, its replies take four times as long and its fixes twice

# Broken rows (0-based row positions in tickets_zendesk.csv) as exports edited in a spreadsheet have them.
BROKEN = {
    "negative": (211, 1187, 2450),  # First reply time in minutes within business hours < 0
    "bad_time": (640, 1733),  # Solved at is a date that does not exist
    "end_before_start": (905, 2222),  # Solved at before Created at (durations blank)
}


def add_business(start: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """The moment ``seconds`` of Mon–Fri 09:00–17:00 business time after each ``start`` (datetime64[s]), vectorised."""
    day = start.astype("datetime64[D]")
    clock = (start - day).astype(np.int64)
    workday = np.is_busday(day)
    day = np.busday_offset(day, (workday & (clock >= CLOSE)).astype(np.int64), roll="forward")
    position = np.where(workday, np.clip(clock - OPEN, 0, WORKDAY), 0)  # business seconds already gone that day
    whole_days, rest = np.divmod(position + seconds.astype(np.int64), WORKDAY)
    return np.busday_offset(day, whole_days).astype("datetime64[s]") + (OPEN + rest).astype("timedelta64[s]")


def lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float, size: int) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(size))


def minutes(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whole minutes from start to end; NaN where either is missing."""
    span = (end - start).astype("timedelta64[s]")
    return np.where(np.isnat(span), np.nan, span.astype(np.int64) / 60)


def masked(values: np.ndarray) -> pa.Array:
    """Whole numbers with NaN as missing → an Arrow int64 array with nulls."""
    missing = np.isnan(values)
    return pa.array(np.where(missing, 0, values).astype(np.int64), mask=missing)


def stamps(values: np.ndarray) -> pa.Array:
    return pa.array(values.astype("datetime64[s]"), mask=np.isnat(values))


def zendesk_table(rng: np.random.Generator, n: int, first_id: int = 10001, first_day: str = "2025-01-01",
                  days: int = 181, staff: dict[str, list[str]] = GROUPS) -> pa.Table:
    """``n`` Zendesk Support tickets created over ``days`` days from ``first_day``, exported at the end of
    the last day; ``staff``: the agents of each group in GROUPS (the benchmark has more)."""
    export_at = np.datetime64(first_day, "s") + np.timedelta64(days * 86_400, "s")
    day = np.datetime64(first_day, "D") + rng.integers(0, days, n)
    weekend = ~np.is_busday(day)
    day = np.where(weekend & (rng.random(n) < 0.75), np.busday_offset(day, 0, roll="forward"), day)  # fewer tickets at weekends
    in_hours = rng.random(n) < 0.7
    clock = np.where(in_hours, OPEN + 60 * rng.integers(0, WORKDAY // 60, n), 60 * rng.integers(0, 1440, n))
    created = np.sort(day.astype("datetime64[s]") + clock.astype("timedelta64[s]"))
    month = created.astype("datetime64[M]").astype(np.int64) % 12 + 1

    group = rng.choice(3, n, p=GROUP_SHARE)
    via = rng.choice(4, n, p=VIA_SHARE)
    priority = rng.choice(4, n, p=PRIORITY_SHARE)
    slow = (group == 1) & (month == SLOW_MONTH)
    speed = GROUP_SPEED[group] * VIA_SPEED[via] * PRIORITY_SPEED[priority] * np.where(slow, 4.0, 1.0)
    first_reply_s = 60 * np.maximum(1, np.rint(lognormal(rng, 9.0 * H * speed, 1.6, n) / 60))
    first_reply = add_business(created, first_reply_s)
    fix_s = 60 * np.maximum(1, np.rint(lognormal(rng, 7.0 * H * np.where(slow, 2.0, 1.0), 1.4, n) / 60))
    first_solve = add_business(first_reply, fix_s)
    reopens = rng.choice(3, n, p=[0.88, 0.09, 0.03])
    back = first_solve + (60 * rng.integers(60, 3 * 1440, n)).astype("timedelta64[s]")  # the customer writes again
    full_solve = np.where(reopens > 0, add_business(back, 60 * np.rint(lognormal(rng, 4.0 * H, 1.2, n) / 60)), first_solve)

    new = first_reply >= export_at
    unsolved = full_solve >= export_at
    closed = full_solve + np.timedelta64(4 * 86_400, "s") < export_at  # Zendesk closes solved tickets after 4 days
    nat = np.datetime64("NaT", "s")
    status = np.where(closed, "Closed", "Solved").astype(object)
    status[unsolved] = rng.choice(np.array(["Open", "Pending", "Hold"], dtype=object), int(unsolved.sum()), p=[0.6, 0.3, 0.1])
    status[new] = "New"
    reopens = np.where(unsolved, 0, reopens)
    first_solve = np.where(unsolved, nat, first_solve)
    full_solve = np.where(unsolved, nat, full_solve)
    first_reply = np.where(new, nat, first_reply)

    stations = rng.choice([1, 2, 3], n, p=[0.88, 0.10, 0.02])
    assignee_stations = stations + (rng.random(n) < 0.15)
    unassigned = new & (rng.random(n) < 0.5)
    assignee = np.empty(n, dtype=object)
    for g, names in enumerate(staff[name] for name in GROUPS):
        rows = np.flatnonzero(group == g)
        assignee[rows] = np.array(names, dtype=object)[rng.integers(0, len(names), rows.size)]
    assignee[unassigned] = None
    reach = np.where(new, export_at, first_reply)
    assigned = created + ((reach - created).astype(np.int64) * rng.uniform(0.05, 0.6, n) // 60 * 60).astype("timedelta64[s]")
    initially = np.where(assignee_stations > 1, created + ((assigned - created).astype(np.int64) // 180 * 60).astype("timedelta64[s]"), assigned)
    assigned, initially = np.where(unassigned, nat, assigned), np.where(unassigned, nat, initially)
    one_touch = rng.random(n) < np.where(via == 2, 0.7, 0.45)
    replies = np.where(new, 0, np.where(one_touch & (reopens == 0), 1, 2 + rng.poisson(1.3, n)) + reopens)
    updated = np.where(closed, full_solve + np.timedelta64(4 * 86_400, "s"), np.where(unsolved, np.maximum(np.where(new, created, first_reply), export_at - (60 * rng.integers(60, 7 * 1440, n)).astype("timedelta64[s]")), full_solve))

    full_cal = minutes(created, full_solve)
    rated = ~unsolved & (rng.random(n) < 0.3)
    offered = ~unsolved & ~rated & (rng.random(n) < 0.5)
    good = rng.random(n) < np.where(full_cal > 5 * 1440, 0.6, 0.9)
    satisfaction = np.where(rated, np.where(good, "Good", "Bad"), np.where(offered, "Offered", None))

    business = {name: OFFICE.business_seconds(created, end) / 60 for name, end in (("reply", first_reply), ("first", first_solve), ("full", full_solve))}
    return pa.table({
        "Id": pa.array(np.arange(first_id, first_id + n)),
        "Assignee": pa.array(assignee, pa.string()),
        "Group": pa.array(np.array(list(GROUPS))[group]),
        "Status": pa.array(status, pa.string()),
        "Priority": pa.array(PRIORITY[priority]),
        "Via": pa.array(VIA[via]),
        "Ticket type": pa.array(TYPES[rng.choice(4, n, p=[0.5, 0.3, 0.1, 0.1])]),
        "Created at": stamps(created),
        "Updated at": stamps(updated),
        "Assigned at": stamps(assigned),
        "Initially assigned at": stamps(initially),
        "Solved at": pa.array(np.where(unsolved, PLACEHOLDER, full_solve)),
        "Resolution time": masked(np.floor(full_cal / 60 + 0.5)),
        "Satisfaction Score": pa.array(satisfaction, pa.string()),
        "Group stations": pa.array(stations),
        "Assignee stations": pa.array(assignee_stations),
        "Reopens": pa.array(reopens),
        "Replies": pa.array(replies),
        "First reply time in minutes": masked(minutes(created, first_reply)),
        "First reply time in minutes within business hours": masked(business["reply"]),
        "First resolution time in minutes": masked(minutes(created, first_solve)),
        "First resolution time in minutes within business hours": masked(business["first"]),
        "Full resolution time in minutes": masked(full_cal),
        "Full resolution time in minutes within business hours": masked(business["full"]),
    })



def text(value: object) -> str:
    """A cell as the exports write it: times without zone, whole numbers, blanks for missing."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(TIME)
    return str(value)


def write_zendesk(rng: np.random.Generator, path: Path) -> None:
    rows = [[text(v) for v in row.values()] for row in zendesk_table(rng, 3000).to_pylist()]
    col = ZENDESK_COLUMNS.index
    for i in BROKEN["negative"]:
        rows[i][col("First reply time in minutes within business hours")] = str(-int(rng.integers(5, 90)))
    for i, bad in zip(BROKEN["bad_time"], ("2025-02-30 14:05:00", "2025-04-31 09:12:00")):
        rows[i][col("Solved at")] = bad
    for i in BROKEN["end_before_start"]:
        created = datetime.strptime(rows[i][col("Created at")], TIME)
        rows[i][col("Solved at")] = datetime.fromtimestamp(created.timestamp() - 3600 * int(rng.integers(2, 48))).strftime(TIME)
        for name in ZENDESK_COLUMNS[col("First resolution time in minutes"):] + ["Resolution time"]:
            rows[i][col(name)] = ""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(ZENDESK_COLUMNS)
        out.writerows(rows)


FRESHDESK_COLUMNS = [
    "Ticket ID", "Status", "Priority", "Source", "Agent", "Group", "Created time", "Resolved time", "Closed time",
    "Initial response time", "First response time (in hrs)", "Resolution time (in hrs)", "Agent interactions",
    "Customer interactions", "Resolution status", "First response status", "Survey results",
]
FRESHDESK_PRIORITY = np.array(["Low", "Medium", "High", "Urgent"])
FRESHDESK_SLA = {"Low": (8, 40), "Medium": (4, 24), "High": (2, 8), "Urgent": (1, 4)}  # (first response, resolution) business hours
FRESHDESK_SOURCE = np.array(["Email", "Portal", "Phone", "Chat", "Feedback Widget"])
FRESHDESK_AGENTS = {"Customer Care": ["Maya Singh", "Noah Fischer", "Olivia Rossi", "Pablo Vega"], "Escalations": ["Quinn Murphy", "Rosa Lind"]}


def hms(seconds: float) -> str:
    """Business seconds as Freshdesk writes them: HH:MM:SS, hours past 24 allowed."""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def write_freshdesk(rng: np.random.Generator, path: Path, n: int = 800) -> None:
    export_at = np.datetime64("2025-07-01T00:00:00", "s")
    created = np.sort(np.datetime64("2025-01-01T00:00:00", "s") + rng.integers(0, 181 * 86_400, n).astype("timedelta64[s]"))
    priority = rng.choice(4, n, p=[0.25, 0.5, 0.18, 0.07])
    source = rng.choice(5, n, p=[0.4, 0.25, 0.15, 0.15, 0.05])
    escalated = rng.random(n) < 0.15
    speed = np.array([1.4, 1.0, 0.6, 0.3])[priority] * np.where(source == 3, 0.1, 1.0)
    response = add_business(created, np.rint(lognormal(rng, 1.5 * H * speed, 1.3, n)))
    resolved = add_business(response, np.rint(lognormal(rng, 8 * H * np.where(escalated, 2.0, 1.0), 1.2, n)))
    unresolved = resolved >= export_at
    closed = ~unresolved & (resolved + np.timedelta64(2 * 86_400, "s") < export_at)
    status = np.where(closed, "Closed", "Resolved").astype(object)
    status[unresolved] = rng.choice(np.array(["Open", "Pending", "Waiting on Customer"], dtype=object), int(unresolved.sum()), p=[0.5, 0.3, 0.2])
    first_bh = OFFICE.business_seconds(created, response)
    resolution_bh = OFFICE.business_seconds(created, resolved)
    untracked = rng.random(n) < 0.12  # exports leave these columns empty now and then
    survey = np.where(~unresolved & (rng.random(n) < 0.35), rng.choice(np.array(["Awesome", "Neutral", "Not Good"]), n, p=[0.7, 0.2, 0.1]), "")
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(FRESHDESK_COLUMNS)
        for i in range(n):
            level = FRESHDESK_PRIORITY[priority[i]]
            first_due, resolve_due = FRESHDESK_SLA[level]
            group = "Escalations" if escalated[i] else "Customer Care"
            responded = response[i] < export_at
            done = not unresolved[i]
            out.writerow([
                5001 + i, status[i], level, FRESHDESK_SOURCE[source[i]], FRESHDESK_AGENTS[group][int(rng.integers(0, len(FRESHDESK_AGENTS[group])))], group,
                text(created[i].item()), text(resolved[i].item()) if done else "",
                text((resolved[i] + np.timedelta64(2 * 86_400, "s")).item()) if closed[i] else "",
                text(response[i].item()) if responded else "",
                hms(first_bh[i]) if responded and not untracked[i] else "",
                hms(resolution_bh[i]) if done and not untracked[i] else "",
                1 + int(rng.poisson(1.5)) if responded else 0, 1 + int(rng.poisson(1.0)),
                ("Within SLA" if resolution_bh[i] <= resolve_due * H else "SLA Violated") if done else "",
                ("Within SLA" if first_bh[i] <= first_due * H else "SLA Violated") if responded else "",
                survey[i],
            ])


CALL_COLUMNS = [
    "ContactId", "Channel", "InitiationTimestamp", "DisconnectTimestamp", "QueueInfo.EnqueueTimestamp",
    "AgentInfo.ConnectedToAgentTimestamp", "AgentInteractionDuration", "AfterContactWorkDuration",
    "AgentInitiatedHoldDuration", "Queue", "Agent", "LastUpdateTimestamp",
]
QUEUES = np.array(["Sales", "Support", "Billing"])
CALL_AGENTS = np.array(["amartin", "bcosta", "cwei", "dnair", "enovak", "fhaddad", "gkim", "htanaka"])
FIRST_WEEK = np.datetime64("2025-04-07", "D")  # a Monday
WEEKS = 12
BUSY_WEEK = 7  # the week of 2025-05-26: a product recall, four times the usual waits
REPEATS = 36


def iso(moment: np.datetime64) -> str:
    return str(moment.astype("datetime64[s]")) + "Z"


def write_calls(rng: np.random.Generator, path: Path, n: int = 2400) -> None:
    day = FIRST_WEEK + rng.integers(0, WEEKS * 7, n)
    day = np.busday_offset(day, 0, roll="backward", weekmask="1111110")  # Monday to Saturday
    start = np.sort(day.astype("datetime64[s]") + rng.integers(7 * H, 19 * H, n).astype("timedelta64[s]"))
    week = (start.astype("datetime64[D]") - FIRST_WEEK).astype(np.int64) // 7
    enqueue = start + rng.integers(8, 60, n).astype("timedelta64[s]")  # the IVR
    free_agent = rng.random(n) < 0.6
    wait = np.rint(np.where(free_agent, rng.uniform(0, 6, n), rng.exponential(26, n)) * np.where(week == BUSY_WEEK, 4.0, 1.0)).astype(np.int64)
    patience = np.rint(np.where(rng.random(n) < 0.04, rng.uniform(0, 5, n), rng.exponential(150, n))).astype(np.int64)
    answered = wait <= patience
    connected = enqueue + wait.astype("timedelta64[s]")
    talk = np.rint(lognormal(rng, 240, 0.7, n)).astype(np.int64)
    hold = np.where(rng.random(n) < 0.3, np.rint(lognormal(rng, 60, 0.6, n)), 0).astype(np.int64)
    acw = np.rint(lognormal(rng, 45, 0.5, n)).astype(np.int64)
    disconnect = np.where(answered, connected + (talk + hold).astype("timedelta64[s]"), enqueue + patience.astype("timedelta64[s]"))
    updated = disconnect + (np.where(answered, acw, 0) + rng.integers(5, 60, n)).astype("timedelta64[s]")
    channel = np.where(rng.random(n) < 0.85, "VOICE", "CHAT")
    queue, agent = QUEUES[rng.choice(3, n, p=[0.3, 0.5, 0.2])], CALL_AGENTS[rng.integers(0, len(CALL_AGENTS), n)]
    rows = []
    for i in range(n):
        picked = bool(answered[i])
        rows.append([
            str(uuid.UUID(bytes=rng.bytes(16), version=4)), channel[i], iso(start[i]), iso(disconnect[i]), iso(enqueue[i]),
            iso(connected[i]) if picked else "", talk[i] if picked else "", acw[i] if picked else "", hold[i] if picked else "",
            queue[i], agent[i] if picked else "", iso(updated[i]),
        ])
    # Contact records arrive at least once: an earlier version of some answered contacts, before after-contact work ended.
    # They land a few records before or after the final one.
    earlier: dict[int, list[list]] = {}
    for i in sorted(rng.choice(np.flatnonzero(answered), REPEATS, replace=False)):
        early = list(rows[i])
        early[CALL_COLUMNS.index("AfterContactWorkDuration")] = ""
        early[-1] = iso(disconnect[i] + np.timedelta64(int(rng.integers(1, 5)), "s"))
        earlier.setdefault(int(np.clip(i + rng.integers(-3, 4), 0, n)), []).append(early)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CALL_COLUMNS)
        for i in range(n + 1):
            out.writerows(earlier.get(i, []))
            if i < n:
                out.writerow(rows[i])


def main(folder: Path = HERE) -> None:
    rng = np.random.default_rng(SEED)
    write_zendesk(rng, folder / "tickets_zendesk.csv")
    write_freshdesk(rng, folder / "tickets_freshdesk.csv")
    write_calls(rng, folder / "calls.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
