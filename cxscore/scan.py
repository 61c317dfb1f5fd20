"""Reading inputs into tallies: one job per file part, run in worker processes when there are several.

A job carries everything a worker needs (all picklable); each returns its tallies and its row
counters, which the parent adds up. Tallies add, so the result does not depend on how the
inputs were split or in which order the parts finished.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields
from typing import Any, Iterator, Optional

import pyarrow as pa

from .config import MetricSpec
from .grouping import Grouper, Grouping
from .model import InputInfo
from .normalize import AnswerParser, encode
from .tally import TallyBook

#: Rows handled per vectorised step (small reader blocks keep memory low; larger steps keep Python overhead low).
COALESCE_ROWS = 1 << 17
COUNTERS = ("rows", "malformed_rows", "filtered_out", "outside_dates", "date_blank", "date_invalid", "weight_invalid")


@dataclass
class Job:
    """One part of one input, with the metrics and grouping to tally it by."""

    part: Any  # has batches(columns, info)
    path: str
    source_columns: list[str]
    metric_columns: dict[str, str]  # metric name → column
    date_column: Optional[str]
    specs: list[MetricSpec]
    blank_values: list[str]
    grouping: Grouping


def run_job(job: Job) -> tuple[TallyBook, InputInfo]:
    """Tally one part: filter and group each block, encode each metric, add it up."""
    info = InputInfo(path=job.path, format="")
    grouper = Grouper(job.grouping, job.source_columns, info, job.date_column)
    parsers = {spec.name: AnswerParser(spec, job.blank_values) for spec in job.specs}
    book = TallyBook(points={spec.name: spec.scale.hi - spec.scale.lo + 1 for spec in job.specs})
    needed = list(dict.fromkeys([*job.metric_columns.values(), *grouper.columns()]))
    for batch in _coalesced(job.part.batches(needed, info)):
        batch, groups, index, weights = grouper.apply(batch)
        for spec in job.specs:
            book.add(spec.name, encode(batch.column(job.metric_columns[spec.name]), parsers[spec.name]), groups, index, weights)
    return book, info


def _coalesced(batches: Iterator[pa.RecordBatch], rows: int = COALESCE_ROWS) -> Iterator[pa.RecordBatch]:
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
    if os.environ.get("CXSCORE_WORKERS"):
        return max(1, int(os.environ["CXSCORE_WORKERS"]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def run_jobs(jobs: list[Job], processes: int) -> list[tuple[TallyBook, InputInfo]]:
    """Run jobs in this process, or in a pool of ``processes`` workers when that helps."""
    if processes < 2 or len(jobs) < 2:
        return [run_job(job) for job in jobs]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=min(processes, len(jobs)), mp_context=context) as pool:
        return list(pool.map(run_job, jobs))


def add_counters(target: InputInfo, part: InputInfo) -> None:
    for name in COUNTERS:
        setattr(target, name, getattr(target, name) + getattr(part, name))
