"""Reading inputs into tallies: one job per file part, run in worker processes when there are several.

A job carries everything a worker needs (all picklable); each returns its tallies and its row
counters, which the parent adds up. Tallies add, so the result does not depend on how the
inputs were split or in which order the parts finished. Workers publish bytes and rows read in
a shared array, which a thread in the parent turns into progress reports.
"""
from __future__ import annotations

import ctypes
import functools
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa

from . import limits
from .column_types import SCORE, SEGMENT
from .comments import CommentBook, CommentPlan, said_something, sort_times
from .config import MetricSpec
from .dates import merge_basis
from .errors import InputError, param
from .grouping import Grouper, GroupKey, Grouping
from .inputs import clean_ids
from .lazy_import import load, pc
from .records import InputInfo, add_invalid_dates
from .normalize import EncodedColumn
from .sources.base import RecordTooLarge, TypedReadFailed
from .accumulators import Book

#: Rows handled per vectorised step (small reader blocks keep memory low; larger steps keep Python overhead low).
COALESCE_ROWS = 1 << 17
COUNTERS = ("rows", "malformed_rows", "unpaired_quotes", "filtered_out", "outside_dates", "date_blank", "date_invalid", "date_other_order", "weight_invalid", "duplicates_dropped")
#: Called with (bytes read, bytes in all, or None when unknown, rows read).
Progress = Callable[[int, int | None, int], None]

#: prctl option: a signal the kernel sends this process when its parent ends (linux/prctl.h).
PR_SET_PDEATHSIG = 1

_shared = None  # per process: the progress array, two slots (bytes, rows) per job


@dataclass
class Job:
    """One part of one input, with the metrics and grouping to tally it by."""

    part: Any  # has batches(columns, info, progress)
    path: str
    source_columns: list[str]
    metric_columns: dict[str, dict[str, str]]  # metric name → the columns its kind reads, by role
    date_column: str | None
    specs: list[MetricSpec]
    blank_values: list[str]
    grouping: Grouping
    exclusions: list = field(default_factory=list)
    keep_rows: Any = None  # the part's rows that survive --dedupe (dedupe.Latest)
    types: dict = field(default_factory=dict)  # column → type to read it as (column_types.read_types)
    id_column: str | None = None  # collect this column's ids (to find responses repeated across inputs)
    comments: CommentPlan | None = None  # collect the most recent comments per metric and band
    segment_blanks: list[str] = field(default_factory=list)  # --by values that are the (blank) segment (config.segment_blank_values)
    slot: int = 0

    @property
    def reads_typed(self) -> bool:
        """Whether reading this part needs no pyarrow.compute: every answer column read as integers and
        every segment as a dictionary, and no filter, dates, respondent ids or comments (:func:`run_jobs`)."""
        g = self.grouping
        answers = [column for columns in self.metric_columns.values() for column in columns.values()]
        return (all(self.types.get(column) == SCORE for column in answers) and all(self.types.get(column) == SEGMENT for column in g.by)
                and not (g.where or g.weight or g.dedupe or g.needs_dates or self.exclusions or self.keep_rows is not None or self.id_column or self.comments))


def _publish(slot: int, index: int, value: int) -> None:
    if _shared is not None:
        _shared[2 * slot + index] = value


J = TypeVar("J", bound=Job)
R = TypeVar("R")


def typed_or_text(task: Callable[[J, dict], R]) -> Callable[[J], R]:
    """Run ``task`` reading the job's columns typed; when a value does not fit, run it again reading
    text; when a record does not fit the reader's block, run it again with a larger block."""

    @functools.wraps(task)  # named as the task, so worker processes can unpickle it
    def run(job: J) -> R:
        types = job.types
        while True:
            try:
                return task(job, types)
            except TypedReadFailed:
                types = {}
            except RecordTooLarge:
                job.part = job.part.with_larger_block()

    return run


@typed_or_text
def run_job(job: Job, types: dict) -> tuple[Book[GroupKey], InputInfo, pa.Array | None, CommentBook | None]:
    """Tally one part: filter and group each block, encode each metric (its kind's encoder, from the
    block's rows of the columns it reads), add it up; and the part's response ids and most recent
    comments, when asked."""
    info = InputInfo(path=job.path, format="")
    grouper = Grouper(job.grouping, job.source_columns, info, job.date_column, job.exclusions, job.blank_values, job.segment_blanks)
    grouper.keep_rows = job.keep_rows
    plan = job.comments
    grouper.track_rows = plan is not None
    encoders = {spec.name: spec.kind.encoder(spec, job.metric_columns[spec.name], job.blank_values) for spec in job.specs}
    book: Book[GroupKey] = Book.of(job.specs)
    said = CommentBook(plan.keep) if plan else None
    extra = [plan.column, *([plan.date_column] if plan.date_column else [])] if plan else []
    needed = list(dict.fromkeys([*(c for columns in job.metric_columns.values() for c in columns.values()), *grouper.columns(), *([job.id_column] if job.id_column else []), *extra]))
    ids = []
    size = getattr(job.part, "size", None)  # bytes in the part, when known: the share read tells the book what is to come
    read = [0]

    def progress(done: int) -> None:
        read[0] = done
        _publish(job.slot, 0, done)

    for batch in coalesced(job.part.batches(needed, info, progress, types)):
        if job.id_column:
            ids.append(clean_ids(batch.column(job.id_column)))
        batch, groups, index, weights = grouper.apply(batch)
        if plan is not None:
            real = said_something(batch.column(plan.column), job.blank_values)
            times = sort_times(batch, plan, grouper.kept_times if plan.date_column == job.date_column else None)
            orders = row_order(job.slot, grouper.kept_positions)
        for spec in job.specs:
            encoded = encoders[spec.name].encode(batch)
            book.add(spec.name, encoded, groups, index, weights)
            if said is not None and plan is not None and isinstance(encoded, EncodedColumn):  # comments are kept by the answer's band
                said.add_block(spec, encoded.codes, real, times, orders, batch, plan, grouper.segment_blank)
        if size:
            book.expect(read[0] / size)  # bytes handed to the reader, a little ahead of the rows added: an underestimate
        check_groups(book, job.grouping)
        _publish(job.slot, 1, info.rows)
    return book, info, (pa.concat_arrays(ids) if ids else None), said


#: Row order across parts (for --dedupe and comments): part slot in the high bits, row within the part in the low 40.
ROW_BITS = 40


def tracked(positions: np.ndarray | None) -> np.ndarray:
    """The kept rows' places in their part (``Grouper.kept_positions``), which the grouper tracks only
    when asked (``track_rows``) or with --dedupe."""
    if positions is None:
        raise ValueError("row places are not tracked: set Grouper.track_rows")
    return positions


def row_order(slot: int, positions: np.ndarray | None) -> np.ndarray:
    """The kept rows' order across parts (see :data:`ROW_BITS`), from their places in part ``slot``."""
    return (slot << ROW_BITS) + tracked(positions)


def coalesced(batches: Iterator[pa.RecordBatch], rows: int = COALESCE_ROWS) -> Iterator[pa.RecordBatch]:
    """Join small reader blocks into batches of about ``rows`` rows: fewer, larger vectorised steps."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.concat_batches(pending)
            pending, count = [], 0
    if pending:
        yield pa.concat_batches(pending)


def workers() -> int:
    """Worker processes to use: the cores this process may run on (CXSCORE_WORKERS overrides)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return limits.get(limits.Limit("CXSCORE_WORKERS", cores, "worker processes"))  # read as the input limits are


def _init_worker(shared, parent: int, handoff: str | None = None) -> None:
    global _shared
    _shared = shared
    _die_with_parent(parent)
    if handoff is not None:
        from . import loghist

        loghist.HANDOFF = handoff


def _die_with_parent(parent: int) -> None:
    """End this worker when the process that started it ends, however it ends (SIGKILL included).

    Otherwise a worker whose parent was killed by PID waits on its pipe for good. On Linux the kernel
    delivers SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a thread checks
    every second whether the worker was handed to another parent.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # it died before the request was made
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="cxscore-parent-watch", daemon=True).start()


class _Ticker(threading.Thread):
    """Reports progress from the shared array every tenth of a second until stopped."""

    def __init__(self, shared, total: int | None, report: Progress):
        super().__init__(daemon=True)
        self.shared, self.total, self.report = shared, total, report
        self.done = threading.Event()

    def snapshot(self) -> None:
        values = list(self.shared)
        self.report(sum(values[0::2]), self.total, sum(values[1::2]))

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.snapshot()


def run_jobs(jobs: list[Job], processes: int, report: Progress | None = None, task: Callable = run_job) -> list:
    """Run ``task`` over the jobs, in a pool of ``processes`` workers when that helps; results in job order.

    Parts that cannot travel to a worker (a workbook already loaded, standard input) run in this
    process while the workers run the others; when every part can travel, this process reads the
    first part itself, with ``processes`` − 1 workers.
    """
    global _shared
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    portable = [job for job in jobs if getattr(job.part, "portable", False)]
    if len(portable) == len(jobs):  # this process, idle otherwise, reads the first part: one worker fewer to start, feed and hear from
        portable = portable[1:]
        processes -= 1
    pooled = processes > 0 and len(jobs) > 1 and bool(portable)
    shared = context.Array("q", 2 * len(jobs), lock=False)
    for slot, job in enumerate(jobs):
        job.slot = slot
    sizes = [size for size in (getattr(job.part, "size", None) for job in jobs) if size is not None]
    ticker = _Ticker(shared, sum(sizes) if len(sizes) == len(jobs) else None, report) if report else None
    if ticker:
        ticker.start()
    _shared = shared
    handoff = None
    try:
        if not pooled:
            return [task(job) for job in jobs]
        handoff = handoff_folder()  # the workers' histogram blocks travel as files here (loghist.HANDOFF)
        if not all(getattr(job, "reads_typed", False) for job in jobs):  # a job that cannot tell may need it
            load(pc)  # now, so that the forked workers inherit it instead of each loading it (≈ 45 ms of CPU)
        with ProcessPoolExecutor(max_workers=min(processes, len(portable)), mp_context=context, initializer=_init_worker, initargs=(shared, os.getpid(), handoff)) as pool:
            away = {job.slot: pool.submit(task, job) for job in portable}
            here = {job.slot: task(job) for job in jobs if job.slot not in away}
            return [away[job.slot].result() if job.slot in away else here[job.slot] for job in jobs]
    finally:
        if handoff is not None:
            shutil.rmtree(handoff, ignore_errors=True)  # what a failed run left; read blocks are deleted as read
        _shared = None
        if ticker:
            ticker.done.set()
            ticker.join()
            ticker.snapshot()


#: The hand-off folders' names: ``cxscore-PID-handoff-…`` in the temporary directory, PID the run's.
HANDOFF_PREFIX = "cxscore-{pid}-handoff-"


def handoff_folder() -> str:
    """A new folder for the workers' histogram blocks, named after this process. A run ended by SIGKILL or
    SIGTERM cannot remove its own (its ``finally`` never runs): the folders of processes no longer running
    are removed here first, with any blocks left in them."""
    root = tempfile.gettempdir()
    for name in os.listdir(root):
        head, _, rest = name.partition("-handoff-")
        owner = head.removeprefix("cxscore-")
        if rest and head.startswith("cxscore-") and owner.isdigit() and not _running(int(owner)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    return tempfile.mkdtemp(prefix=HANDOFF_PREFIX.format(pid=os.getpid()))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: running
        return True
    return True


def check_groups(book: Book[GroupKey], grouping: Grouping) -> None:
    """Stop as soon as a breakdown has more groups than CXSCORE_MAX_GROUPS, before memory runs out.

    ``--by`` on a free-text column of 3M rows ran out of memory after 82 s; this stops it in seconds.
    """
    cap = limits.get(limits.GROUPS)
    if book.size() > cap:
        asked = " × ".join([*(f"{param('by')} {name}" for name in grouping.by), *([f"{param('period')} {grouping.period}"] if grouping.period else [])])
        raise InputError(
            f"{asked} makes more than {cap:,} groups, each scored and tested on its own: a breakdown this size is no report, and its memory grows with it",
            f"break down by a column with fewer distinct values, narrow the rows with {param('where')}, or use a longer {param('period')} (to go on anyway: {limits.GROUPS.env}=N)",
        )


def add_counters(target: InputInfo, part: InputInfo) -> None:
    for name in COUNTERS:
        setattr(target, name, getattr(target, name) + getattr(part, name))
    add_invalid_dates(target, part.date_invalid_texts)
    if part.date_placeholders:
        target.date_placeholders = (target.date_placeholders or 0) + part.date_placeholders
    target.date_order_basis = merge_basis(target.date_order_basis, part.date_order_basis)
    for reason, count in part.excluded.items():
        target.excluded[reason] = target.excluded.get(reason, 0) + count
