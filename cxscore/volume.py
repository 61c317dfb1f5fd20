"""``cxscore volume``: tickets created and solved per period, and open at each period's end, read the way
``score`` reads (parts in worker processes, blocks of rows, ``--where``, ``--by``).

Each block's created and solved times are read with :mod:`cxscore.dates`, each ticket becomes its
events (:mod:`cxscore.backlog`), and the counts add over blocks, parts and inputs. :func:`volume`
then lays the periods out (every period between the first and the last, empty ones included),
computes open at end from the running sums, tests each period's created count against the previous
one's, and marks partial periods and those whose backlog the export cannot know.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from . import tidy
from .answer_text import canonical as canonical_text
from .backlog import BEFORE, CREATED, SOLVED, UNKNOWN, VolumeCounts
from .column_types import TIME, all_iso
from .columns import canonical, resolve_column
from .config import Config, VolumeSpec, segment_blank_values
from .dates import choose_order, is_blank, period_label, periods_of, placeholders, read_dates, unread_texts
from .errors import ColumnError, CxError, InputError, StrictError, param
from .grouping import Grouper
from .pipeline import open_sources
from .records import InputInfo
from .scan import COALESCE_ROWS, Job, Progress, add_counters, coalesced, run_jobs, typed_or_text, workers
from .settings import Options, resolve
from .sources import Source
from .sources.base import sample_values
from .sources.layouts import response_filters
from .sources.table import Input
from .sources.text import BLOCK_BYTES, MIN_PART_BYTES
from .stats import benjamini_hochberg
from .version import __version__

if TYPE_CHECKING:
    import pandas

Notify = Callable[[str], None]

#: Headers that name each role when none is given, most telling first (Zendesk, Freshdesk, then generic).
HEADERS = {
    "created": ("Created at", "Created time", "Created", "Created date", "Date created", "Created on", "创建时间"),
    "solved": ("Solved at", "Resolved time", "Resolved at", "Solved time", "Resolved", "Solved", "Resolved date", "解决时间"),
    "status": ("Status", "Ticket status", "状态", "工单状态"),
}
PERIODS = ("day", "week", "month", "quarter", "year")
#: Expected missing open tickets from which a period's solved and open are marked low (≥): at least
#: half a ticket, and at least this share of the open count shown.
HISTORY_MISSING = 0.5
HISTORY_SHARE = 0.01
_DAY = 86_400


def _quiet(_: str) -> None:
    pass


@dataclass
class VolumeJob(Job):
    """A job that counts ticket events instead of tallying answers: the role columns, the period,
    the window in seconds since 1970 (None: open) and the file's day/month order."""

    created: str = ""
    solved: str = ""
    status: str | None = None
    resolved: tuple[str, ...] = ()  # statuses that mean resolved, case-folded
    period: str = "week"
    since: int | None = None
    until: int | None = None
    dayfirst: bool = False
    block_rows: int = COALESCE_ROWS


@dataclass
class _Unread:
    """A block's times not understood: the distinct texts (trimmed) and each such row's text number (-1: the row's time is not one)."""

    texts: list[str]
    which: np.ndarray

    def tally(self, rows: np.ndarray) -> dict[str, int]:
        """Each text's count among ``rows`` (a mask), in order of first appearance."""
        counts = np.bincount(self.which[rows & (self.which >= 0)], minlength=len(self.texts))
        return {self.texts[i]: int(counts[i]) for i in np.flatnonzero(counts).tolist()}


def _read_times(values: pa.Array, dayfirst: bool, blank_values: frozenset[str] = frozenset()) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, _Unread]:
    """Seconds, and which values are times, blank (empty, or one of the run's ``blank_values``, canonical:
    ``NA``, ``*redacted*``), placeholders for "no date" (``1900-01-01``: read as blank, counted apart) and
    not understood (with their texts, for the most common one as the example)."""
    times = read_dates(values, dayfirst).times
    held = placeholders(values, times)
    ok = times.is_valid().to_numpy(zero_copy_only=False) & ~held
    seconds = pc.cast(times, pa.int64()).fill_null(0).to_numpy()
    blank = (values.is_null() if pa.types.is_timestamp(values.type) else is_blank(values)).to_numpy(zero_copy_only=False) & ~held
    invalid = ~ok & ~blank & ~held
    which = np.full(len(values), -1, dtype=np.intp)
    texts: list[str] = []
    if invalid.any():  # per distinct unreadable text: a blank value is blank, as the answers and the date column read it
        rows = np.flatnonzero(invalid)
        texts, which[rows], said_blank = unread_texts(values, rows, blank_values)
        blank[rows[said_blank]], invalid[rows[said_blank]], which[rows[said_blank]] = True, False, -1
    return seconds, ok, blank, held, invalid, _Unread(texts, which)


def _period_index(seconds: np.ndarray, period: str) -> tuple[np.ndarray, np.ndarray]:
    """Each time's period as an index into the returned codes."""
    if not len(seconds):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.int64)
    return periods_of(pa.array(seconds, pa.int64()).cast(pa.timestamp("s")), period)


@typed_or_text
def read_volume(job: VolumeJob, types: dict) -> tuple[VolumeCounts, InputInfo]:
    """Count one part's ticket events: filter each block as score does (``--where``), read the created
    and solved times and the status, and add each kept ticket's events to its segment."""
    info = InputInfo(path=job.path, format="")
    grouper = Grouper(job.grouping, job.source_columns, info, None, job.exclusions, job.blank_values, job.segment_blanks)
    counts = VolumeCounts()
    needed = list(dict.fromkeys([job.created, job.solved, *([job.status] if job.status else []), *grouper.columns()]))
    for batch in coalesced(job.part.batches(needed, info, None, types), job.block_rows):
        batch, groups, index, _ = grouper.apply(batch)
        if not batch.num_rows:
            continue
        _count_block(counts, job, batch, counts.segment_ids([g.segment for g in groups])[index])
    return counts, info


def _count_block(counts: VolumeCounts, job: VolumeJob, batch: pa.RecordBatch, segment: np.ndarray) -> None:
    """One block's tickets → events (see :mod:`cxscore.backlog` and the README's *Volume and backlog*)."""
    blank = frozenset(canonical_text(text) for text in job.blank_values)
    created, created_ok, created_blank, created_held, created_bad, created_texts = _read_times(batch.column(job.created), job.dayfirst, blank)
    solved, solved_ok, solved_blank, solved_held, solved_bad, solved_texts = _read_times(batch.column(job.solved), job.dayfirst, blank)
    solved_blank |= solved_held
    counts.count("created_blank", int(created_blank.sum()))
    counts.count("created_placeholder", int(created_held.sum()))
    counts.count("solved_placeholder", int((created_ok & solved_held).sum()))
    counts.count_texts("created_invalid", created_texts.tally(created_bad))
    counted = created_ok
    resolved = closed = np.zeros(len(created), dtype=bool)
    if job.status:
        words = pc.dictionary_encode(pc.utf8_trim_whitespace(batch.column(job.status).cast(pa.string())), null_encoding="encode")
        said = np.array([(word or "").casefold() in job.resolved for word in words.dictionary.to_pylist()] + [False], dtype=bool)
        unsaid = np.array([not word for word in words.dictionary.to_pylist()] + [True], dtype=bool)
        which = words.indices.to_numpy(zero_copy_only=False)
        resolved = said[which]
        closed = ~resolved & ~unsaid[which]  # a status that says the ticket is not resolved
    early = counted & solved_ok & (solved < created)
    reopened = counted & solved_ok & ~early & closed
    no_time = counted & solved_blank & resolved
    unreadable = counted & solved_bad
    counts.count_texts("solved_invalid", solved_texts.tally(unreadable))
    counts.count("solved_before_created", int(early.sum()), _example(batch, job, early))
    counts.count("resolved_without_time", int(no_time.sum()), _example(batch, job, no_time))
    counts.count("reopened", int(reopened.sum()), _example(batch, job, reopened))
    unknown = early | no_time | unreadable
    solving = counted & solved_ok & ~early & ~reopened
    counts.add_ages(solved[solving] - created[solving])
    events = [(created, counted, CREATED), (solved, solving, SOLVED), (created, counted & unknown, UNKNOWN)]
    seconds, segment_of, kind = [], [], []
    for times, which, event in events:
        keep = which.copy()
        if job.until is not None:
            keep &= times <= job.until
        seconds.append(times[keep])
        segment_of.append(segment[keep])
        kind.append(np.full(int(keep.sum()), event, dtype=np.int64))
    if counted.any():  # the data's window, whatever --until cuts
        seen = solved[counted & solved_ok]
        counts.see(int(created[counted].min()), int(max(created[counted].max(), seen.max() if len(seen) else 0)))
    every = np.concatenate(seconds)
    before = np.zeros(len(every), dtype=bool) if job.since is None else every < job.since
    index, codes = _period_index(every, job.period)
    codes = np.append(codes, BEFORE)
    index[before] = len(codes) - 1
    counts.add(np.concatenate(segment_of), codes, index, np.concatenate(kind))


def _example(batch: pa.RecordBatch, job: VolumeJob, rows: np.ndarray) -> str | None:
    """The first such ticket's created and solved times, as written."""
    if not rows.any():
        return None
    at = int(np.argmax(rows))
    return f"created {batch.column(job.created)[at].as_py()}, solved {batch.column(job.solved)[at].as_py() or '(blank)'}"


@dataclass
class VolumeRow:
    """One segment × period: counts, open at its end, and the change of created against the previous period."""

    segment: dict[str, str]  # {} = every ticket
    period: str
    code: int
    start: date
    end: date
    days: int  # days in the period
    covered_days: int  # of those, days inside the data's window
    partial: bool
    history_missing: float  # open tickets at its end expected to be missing: created before the export starts
    history_incomplete: bool  # history_missing ≥ HISTORY_MISSING and ≥ HISTORY_SHARE of open_at_end: solved and open are low
    created: int
    solved: int
    unknown: int
    open_at_end: int
    change: dict[str, Any] | None = None  # against, diff, pct, p_value, p_adjusted, significant, direction

    @property
    def open_change(self) -> int:
        return self.created - self.solved - self.unknown


@dataclass
class VolumeReport:
    """A volume run: the rows (overall first, then each segment, periods in time order), how they were
    read, and every caveat. ``to_dict()`` is the JSON document; ``to_arrow()``/``to_pandas()`` the rows."""

    period: str
    by: list[str]
    columns: dict[str, str | None]  # role → column in the first input
    chosen_by: dict[str, str]  # role → given | config | detected: …
    rows: list[VolumeRow]
    counters: dict[str, int]
    examples: dict[str, str]
    tickets: int  # counted: with a usable created time
    first_created: datetime | None
    last_seen: datetime | None
    since: datetime | None
    until: datetime | None
    confidence: float
    inputs: list[InputInfo]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # thresholds crossed and significant rises: exit 3 on the command line
    example_counts: dict[str, int] = field(default_factory=dict)  # created_invalid, solved_invalid: the rows of their example (the most common text)

    def to_dict(self) -> dict:
        """The JSON document (README: *JSON of cxscore volume*); versioned on its own."""
        stamp = _stamp
        return {
            "document": "cxscore.volume",
            "schema_version": 1,
            "tool_version": __version__,
            "period": self.period,
            "by": self.by,
            "columns": self.columns,
            "columns_chosen_by": self.chosen_by,
            "confidence": self.confidence,
            "window": {"since": stamp(self.since), "until": stamp(self.until), "first_created": stamp(self.first_created), "last_seen": stamp(self.last_seen)},
            "tickets": {"counted": self.tickets, **self.counters, "unknown_state": sum(self.counters[k] for k in ("solved_invalid", "solved_before_created", "resolved_without_time"))},
            "examples": self.examples,
            "example_counts": self.example_counts,
            "results": [_row_dict(row) for row in self.rows],
            "inputs": [{"path": i.path, "rows": i.rows, "filtered_out": i.filtered_out, "malformed_rows": i.malformed_rows, "date_order": i.date_order,
                        "date_order_basis": i.date_order_basis} for i in self.inputs],
            "notes": self.notes,
            "warnings": self.warnings,
            "alerts": self.alerts,
        }

    def to_arrow(self) -> pa.Table:
        """The rows as a table: one column per --by, then the period and its figures (CSV's columns)."""
        records = [flat_row(row, self.by) for row in self.rows]
        columns = table_columns(self.by)
        types = {name: (pa.int64() if name in _INTS else pa.float64() if name in _FLOATS else pa.bool_() if name in _BOOLS else pa.string()) for name in columns}
        return pa.table({name: pa.array([r[name] for r in records], types[name]) for name in columns})

    def to_pandas(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (pandas is optional: install it to use this)."""
        return tidy.to_pandas(self.to_arrow(), "VolumeReport")


_INTS = {"days", "covered_days", "created", "solved", "unknown", "open_at_end", "open_change", "diff"}
_FLOATS = {"history_missing", "pct", "p_value", "p_adjusted"}
_BOOLS = {"partial", "history_incomplete", "significant"}
ROW_FIELDS = ["period", "start", "end", "days", "covered_days", "partial", "history_missing", "history_incomplete", "created", "solved", "unknown", "open_at_end", "open_change",
              "against", "diff", "pct", "p_value", "p_adjusted", "significant", "direction"]


def table_columns(by: list[str]) -> list[str]:
    return [*by, *ROW_FIELDS]


def flat_row(row: VolumeRow, by: list[str]) -> dict[str, Any]:
    """A row as flat fields (segment columns first; an overall row has None there)."""
    change = row.change or {}
    out: dict[str, Any] = {name: row.segment.get(name) for name in by}
    out.update(period=row.period, start=row.start.isoformat(), end=row.end.isoformat(), days=row.days, covered_days=row.covered_days, partial=row.partial,
               history_missing=row.history_missing, history_incomplete=row.history_incomplete, created=row.created, solved=row.solved, unknown=row.unknown, open_at_end=row.open_at_end,
               open_change=row.open_change, **{k: change.get(k) for k in ("against", "diff", "pct", "p_value", "p_adjusted", "significant", "direction")})
    return out


def _row_dict(row: VolumeRow) -> dict[str, Any]:
    return {"segment": row.segment, "period": row.period, "start": row.start.isoformat(), "end": row.end.isoformat(), "days": row.days,
            "covered_days": row.covered_days, "partial": row.partial, "history_missing": row.history_missing, "history_incomplete": row.history_incomplete, "created": row.created,
            "solved": row.solved, "unknown": row.unknown, "open_at_end": row.open_at_end, "open_change": row.open_change, "change": row.change}


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat(sep=" ") if value else None


def _find(role: str, given: str | None, configured: str | None, source: Source, required: bool) -> tuple[str | None, str]:
    """The column of a role: given, else configured, else the first header in :data:`HEADERS` the input has."""
    where = source.info.path
    flag = param(role)
    wanted = given or configured
    if wanted:
        return resolve_column(wanted, source.columns, where, flag if given else f"volume.{role} (config)"), "given" if given else "config"
    present = {canonical(c): c for c in source.columns}
    for header in HEADERS[role]:
        if canonical(header) in present:
            return present[canonical(header)], "detected"
    if required:
        raise ColumnError(f"no {role} time column found in {where} (looked for {', '.join(repr(h) for h in HEADERS[role][:4])}, …)",
                          f"name it with {flag} COLUMN")
    return None, "none found"


def volume(
    inputs: Input | Sequence[Input],
    config: Config | None = None,
    options: Options | None = None,
    *,
    created: str | None = None,
    solved: str | None = None,
    status: str | None = None,
    fail_over: Sequence[str] = (),
    fail_on_significant_rise: bool = False,
    notify: Notify = _quiet,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    processes: int | None = None,
    part_bytes: int = MIN_PART_BYTES,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = COALESCE_ROWS,
) -> VolumeReport:
    """Tickets created, solved and open at each period's end (``options.period``, default week), overall
    and per ``options.by`` segment, from the ``created``/``solved`` time columns (default: detected)
    and the optional ``status`` column. ``options`` filter and read as for :func:`cxscore.score`
    (where, since, until, dayfirst, encoding, sheet, strict, confidence); ``processes``, ``part_bytes``,
    ``block_bytes`` and ``block_rows`` cut the reading and do not change the result. ``fail_over``
    (``open=200``, ``created=500``) and ``fail_on_significant_rise`` set the report's alerts."""
    settings = resolve(config, options)
    thresholds = parse_fail_over(fail_over)
    spec = (config.volume if config else None) or VolumeSpec()
    if settings.weight:
        raise CxError(f"{param('weight')}: ticket counts take no weights", f"drop {param('weight')}")
    period = settings.period or "week"
    if period not in PERIODS:
        raise CxError(f"{param('period')} {period!r}: choose one of {', '.join(PERIODS)}", f"pass {param('period')} week")
    _, sources, repeats = open_sources(inputs, settings, stdin, notify)
    grouping = settings.grouping()
    grouping.since = grouping.until = None  # the window picks events, not tickets (see _count_block)
    grouping.period = None
    processes = workers() if processes is None else processes
    since = _seconds(settings.since)
    until = _seconds(settings.until)
    jobs: list[Job] = []
    owners: list[InputInfo] = []
    columns: dict[str, str | None] = {}
    chosen_by: dict[str, str] = {}
    order_doubts: list[str] = []
    for source in sources:
        found = {role: _find(role, given, configured, source, role != "status")
                 for role, given, configured in (("created", created, spec.created), ("solved", solved, spec.solved), ("status", status, spec.status))}
        for role, (column, how) in found.items():
            columns.setdefault(role, column)
            chosen_by.setdefault(role, how)
        (opened_at, _), (solved_at, _), (status_at, _) = found.values()
        assert opened_at is not None and solved_at is not None, "required roles are found or refused"
        if opened_at == solved_at:
            raise CxError(f"{source.info.path}: the created and solved times are both {opened_at!r}", f"name two columns with {param('created')} and {param('solved')}")
        named = ", ".join(f"{role} {column!r}" + ("" if why == "detected" else f" ({why})") for role, (column, why) in found.items() if column)
        detected = [f"--{role}" for role, (column, why) in found.items() if why != "given"]
        notify(f"volume: {named}" + ("" if status_at else ", no status column") + (f" ({'/'.join(detected)} name others)" if detected else ""))
        values = [*sample_values(source.sample, source.columns.index(opened_at)), *sample_values(source.sample, source.columns.index(solved_at))]
        order = choose_order(values, settings.dayfirst)
        source.info.date_column = opened_at
        source.info.date_order = "day-first" if order.dayfirst else "month-first"
        source.info.date_order_basis = order.basis
        if order.basis == "assumed":
            order_doubts.append(f"{source.info.path}: every date in {opened_at!r} and {solved_at!r} fits both day/month orders (no day is over 12), so they were read month first, "
                                "as US exports write them (03/04/2025 = 4 March); pass --dayfirst if they are day first, or --monthfirst to confirm")
        elif order.basis is None:
            source.info.date_order = None
        exclusions = response_filters(source.layout, source.columns, settings.include_incomplete)
        blank_values = [*(config or Config()).blank_values, *source.layout.blank_values]  # answers' blank values: a created or solved time that is one of them is blank
        Grouper(grouping, source.columns, InputInfo(path=source.info.path, format=""), None, exclusions)  # fails early on a bad --by/--where
        types = {column: TIME for column in (opened_at, solved_at) if all_iso(sample_values(source.sample, source.columns.index(column)))}
        for part in source.parts(processes, part_bytes, block_bytes):
            jobs.append(VolumeJob(part, source.info.path, source.columns, {}, None, [], blank_values, grouping, exclusions, types=types, segment_blanks=segment_blank_values(config, source.layout.blank_values), created=opened_at,
                                  solved=solved_at, status=status_at, resolved=tuple(word.strip().casefold() for word in spec.resolved), period=period, since=since, until=until, dayfirst=order.dayfirst, block_rows=block_rows))
            owners.append(source.info)
    counts = VolumeCounts()
    for (part, info), owner in zip(run_jobs(jobs, processes, progress, read_volume), owners):
        counts.merge(part)
        add_counters(owner, info)
    for source in sources:
        if source.info.rows == 0:
            raise InputError(f"{source.info.path} has a header but no data rows", "check that the export holds tickets")
    report = _report(counts, settings, period, columns, chosen_by, sources, [*repeats, *order_doubts], order_doubts)
    report.alerts = judge(report, thresholds, fail_on_significant_rise)
    return report


#: What --fail-over may watch, in the latest period of everyone: the open count at its end, or the tickets created in it.
WATCHED = {"open": "open at end", "created": "created"}


def parse_fail_over(texts: Sequence[str]) -> dict[str, int]:
    """``open=200`` → {"open": 200}: exit 3 when the latest period's figure is over it."""
    out = {}
    for text in texts:
        name, _, value = text.partition("=")
        if name.strip() not in WATCHED or not value.strip().isdigit():
            raise CxError(f"{param('fail_over')} {text!r}: write open=N or created=N (N a whole number of tickets)", f"e.g. {param('fail_over')} open=200")
        out[name.strip()] = int(value)
    return out


def judge(report: VolumeReport, limits: dict[str, int], rise: bool) -> list[str]:
    """The alerts: everyone's latest period over a --fail-over limit; with ``rise``, each series' latest
    tested period whose created rose significantly (Benjamini–Hochberg within that family)."""
    alerts = []
    everyone = [row for row in report.rows if not row.segment]
    latest = everyone[-1]
    for name, limit in limits.items():
        value = latest.open_at_end if name == "open" else latest.created
        if value > limit:
            alerts.append(f"{WATCHED[name]} in {latest.period}{' (partial)' if latest.partial else ''} is {value:,}, over {limit:,}")
    if not rise:
        return alerts
    family: dict[tuple, VolumeRow] = {}
    for row in report.rows:
        if row.change and row.change["p_value"] is not None:
            family[tuple(row.segment.items())] = row  # the series' latest tested period
    rows = list(family.values())
    for row, q in zip(rows, benjamini_hochberg([r.change["p_value"] for r in rows if r.change]) if rows else []):
        change = row.change
        assert change is not None, "a family member was tested"
        if change["diff"] > 0 and q < 1 - report.confidence:
            where = "".join(f" ({k}={v})" for k, v in row.segment.items())
            pct = f", {change['pct']:+.1f}%" if change["pct"] is not None else ""
            alerts.append(f"created rose significantly in {row.period}{where}: {row.created:,} vs {row.created - change['diff']:,} in {change['against']} "
                          f"(+{change['diff']:,}{pct}; p adj. {'<0.001' if q < 0.001 else f'{q:.3f}'})")
    return alerts


def _seconds(value: datetime | None) -> int | None:
    return None if value is None else int((value - datetime(1970, 1, 1)).total_seconds())


def _datetime(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime(1970, 1, 1) + timedelta(seconds=seconds)


def period_spans(first: date, last: date, period: str) -> tuple[np.ndarray, list[date], list[date]]:
    """Every period from the one holding ``first`` to the one holding ``last``: codes, first and last days."""
    pad = 400 if period == "year" else 100
    days = np.arange(np.datetime64(first - timedelta(days=pad)), np.datetime64(last + timedelta(days=pad) + timedelta(days=1)), dtype="datetime64[D]")
    which, codes = periods_of(pa.array(days.astype("datetime64[s]")), period)
    lo, hi = which[pad], which[-pad - 1]
    starts = np.full(len(codes), len(days)), np.full(len(codes), -1)
    np.minimum.at(starts[0], which, np.arange(len(days)))
    np.maximum.at(starts[1], which, np.arange(len(days)))
    wanted = range(lo, hi + 1)
    return codes[lo:hi + 1], [days[starts[0][i]].item() for i in wanted], [days[starts[1][i]].item() for i in wanted]


@functools.lru_cache(maxsize=1 << 16)  # small counts repeat (an agent's days): each pair is computed once
def created_test(before: int, now: int, exposure_before: float, exposure_now: float) -> float:
    """Two-sided p of the exact conditional test of equal rates (events per day) for two Poisson counts:
    given ``before + now`` events, ``now`` is Binomial(n, t_now / (t_before + t_now)) when the rates are
    equal; p sums the outcomes no more likely than the one seen (scipy's ``binomtest``). Only outcomes
    within 40 standard deviations of the mean and of the one seen are summed (the rest add < 1e-300)."""
    n = before + now
    if n == 0:
        return 1.0
    p = exposure_now / (exposure_before + exposure_now)
    mean, spread = n * p, 40 * math.sqrt(n * p * (1 - p)) + 40
    lo, hi = max(0, int(min(mean, now) - spread)), min(n, int(max(mean, now) + spread) + 1)
    k = np.arange(lo, hi + 1)
    first = math.lgamma(n + 1) - math.lgamma(lo + 1) - math.lgamma(n - lo + 1)
    log_choose = first + np.concatenate([[0.0], np.cumsum(np.log(n - k[1:] + 1) - np.log(k[1:]))])
    log_pmf = log_choose + k * math.log(p) + (n - k) * math.log1p(-p)
    pmf = np.exp(log_pmf)
    seen = pmf[now - lo]
    return float(min(1.0, pmf[pmf <= seen * (1 + 1e-7)].sum()))


def _report(counts: VolumeCounts, settings, period: str, columns, chosen_by, sources, warnings: list[str], order_doubts: list[str]) -> VolumeReport:
    infos = [source.info for source in sources]
    first, last = _datetime(counts.first), _datetime(counts.last)
    start = settings.since or first
    end = min(settings.until, last) if settings.until and last else last
    if first is None or last is None or start is None or end is None or end < start:
        raise InputError(f"no ticket with a usable created time{' in the window' if settings.since or settings.until else ''} "
                         f"(column {columns['created']!r}: {counts.counters['created_blank']:,} blank, {counts.counters['created_invalid']:,} not understood)",
                         f"check {param('created')} and the dates" + (f", or widen {param('since')}/{param('until')}" if settings.since or settings.until else ""))
    codes, starts, ends = period_spans(start.date(), end.date(), period)
    segments, dense, before = counts.table(codes)
    window_days = max(1.0, (last - first).total_seconds() / _DAY)
    since_first = np.array([((datetime.combine(e, datetime.min.time()) + timedelta(days=1)) - first).total_seconds() // _DAY for e in ends], dtype=np.int64)
    series: list[tuple[dict[str, str], np.ndarray, np.ndarray]] = [({}, dense.sum(axis=0), before.sum(axis=0))]
    if settings.by:
        order = sorted(range(len(segments)), key=lambda i: segments[i])
        series += [(dict(zip(settings.by, segments[i])), dense[i], before[i]) for i in order]
    span_days = [(e - s).days + 1 for s, e in zip(starts, ends)]
    covered = [max(0, (min(e, end.date()) - max(s, start.date())).days + 1) for s, e in zip(starts, ends)]
    rows: list[VolumeRow] = []
    tests: list[tuple[VolumeRow, float]] = []
    for segment, table, opening in series:
        missing = counts.missing_open((int(table[:, CREATED].sum()) + int(opening[CREATED])) / window_days, since_first)
        running = int(opening[CREATED] - opening[SOLVED] - opening[UNKNOWN]) + np.cumsum(table[:, CREATED] - table[:, SOLVED] - table[:, UNKNOWN])
        for i, code in enumerate(codes.tolist()):
            row = VolumeRow(segment, period_label(code, period), code, starts[i], ends[i], span_days[i], covered[i], covered[i] < span_days[i],
                            round(float(missing[i]), 1), bool(missing[i] >= max(HISTORY_MISSING, HISTORY_SHARE * running[i])), int(table[i, CREATED]), int(table[i, SOLVED]), int(table[i, UNKNOWN]), int(running[i]))
            if i:
                a, b = int(table[i - 1, CREATED]), row.created
                row.change = {"against": rows[-1].period, "diff": b - a, "pct": round(100 * (b - a) / a, 2) if a else None,
                              "p_value": None, "p_adjusted": None, "significant": False, "direction": None}
                if not (row.partial or rows[-1].partial):  # weekdays differ: part of a week is no fair sample of it
                    tests.append((row, created_test(a, b, span_days[i - 1], span_days[i])))
            rows.append(row)
    adjusted = benjamini_hochberg([p for _, p in tests]) if tests else []
    for (row, p), q in zip(tests, adjusted):
        assert row.change is not None
        significant = q < 1 - settings.confidence
        row.change.update(p_value=p, p_adjusted=q, significant=significant, direction=("up" if row.change["diff"] > 0 else "down") if significant else None)
    report = VolumeReport(period, list(settings.by), columns, chosen_by, rows, dict(counts.counters), dict(counts.examples), _counted(counts), first, last, settings.since, settings.until, settings.confidence, infos,
                          example_counts=counts.example_counts())
    doubts = problems(report)
    report.warnings = warnings + doubts
    report.notes = notes(report)
    if settings.strict and (refused := order_doubts + doubts):
        raise StrictError(f"{param('strict')}: " + "; ".join(refused), f"fix the times in the export, state the day/month order, or drop {param('strict')}")
    return report


def _counted(counts: VolumeCounts) -> int:
    return int(counts.counts[:, CREATED].sum()) if len(counts.counts) else 0


def problems(report: VolumeReport) -> list[str]:
    """Tickets left out or read specially, as warnings (stderr and JSON; ``--strict`` refuses them)."""
    c, col = report.counters, report.columns
    ex = {key: f"{text!r} ×{report.example_counts[key]:,}" if key in report.example_counts else text for key, text in report.examples.items()}  # a text not understood: the most common, with its count
    out = []
    if c["created_blank"] or c["created_invalid"]:
        out.append(f"volume: {c['created_blank'] + c['created_invalid']:,} ticket(s) without a usable created time in {col['created']!r} are in no count "
                   f"({c['created_blank']:,} blank, {c['created_invalid']:,} not understood" + (f", e.g. {ex['created_invalid']})" if "created_invalid" in ex else ")"))
    unknown = [(c["solved_before_created"], "solved before created", "solved_before_created"), (c["solved_invalid"], f"{col['solved']!r} not understood", "solved_invalid"),
               (c["resolved_without_time"], f"status resolved but no time in {col['solved']!r}", "resolved_without_time")]
    if any(n for n, _, _ in unknown):
        parts = "; ".join(f"{n:,} {words}" + (f" (e.g. {ex[key]})" if key in ex else "") for n, words, key in unknown if n)
        out.append(f"volume: {sum(n for n, _, _ in unknown):,} ticket(s) counted as created but left out of solved and open at end, their state unknown: {parts}")
    if c["reopened"]:
        out.append(f"volume: {c['reopened']:,} ticket(s) have a solved time but a status that is not resolved (reopened): counted open since created, their earlier solve not counted"
                   + (f" (e.g. {ex['reopened']})" if "reopened" in ex else ""))
    return out


def notes(report: VolumeReport) -> list[str]:
    """What the counts cannot know, said under the table and in the JSON (not doubts about the data)."""
    out = []
    early = [row for row in report.rows if row.history_incomplete and not row.segment]
    if report.first_created and early:
        span = early[0].period + (f" to {early[-1].period}" if len(early) > 1 else "")
        out.append(f"≥: the export starts at {report.first_created:%Y-%m-%d %H:%M}; tickets created before then are not in it, so solved and open at end are low "
                   f"in {span} (about {early[0].history_missing:,.0f} open tickets missing at the end of {early[0].period}, estimated from the tickets' times to solve)")
    partial = [row.period for row in report.rows if row.partial and not row.segment]
    if partial:
        out.append(f"partial: {', '.join(partial)} (the data covers only part of the period; its change is not tested)")
    if report.columns["status"] is None:
        out.append("No status column: a ticket without a solved time counts as open (one closed without a time cannot be told apart); name one with --status")
    return out

