"""``--dedupe COLUMN``: each respondent's latest answer, and every row without a respondent.

Two passes over the inputs. The first (:func:`run_respondents`, in the workers) reads each row the
filters keep: its respondent, time and place among all parts; :func:`latest_answers` sorts them
once and picks each respondent's latest (by time, then input order). The scoring pass then keeps
only those rows (:class:`~cxscore.filters.Latest`, one per part) and counts the others as ``duplicates_dropped``.
Reading twice is why standard input cannot be deduplicated.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .errors import InputError, param
from .filters import Latest
from .grouping import Grouper
from .records import InputInfo
from .scan import ROW_BITS, Job, coalesced, row_order, run_jobs, typed_or_text

STDIN = "-"


def check_inputs(column: str | None, inputs: Sequence[object], layout: str | None = None) -> None:
    """Refuse --dedupe over standard input up front: it is read twice. ``layout``: the layout whose
    records repeat (Amazon Connect) asked for it, not the user: the message names it, not a flag never given."""
    if column and STDIN in inputs:
        why = f"the {layout} layout keeps the latest record of each {column} (as {param('dedupe')} {column} would), which" if layout else param("dedupe")
        raise InputError(f"{why} reads the input twice, and standard input can be read once", "save the export to a file and pass its path")


def keep_latest(jobs: list[Job], processes: int, column: str) -> str:
    """The first pass: give each job the rows it keeps; the note saying how many answers were left out."""
    firsts = run_jobs(jobs, processes, None, run_respondents)
    keep, dropped = latest_answers([table for table, _ in firsts], len(jobs))
    for job, rows in zip(jobs, keep):
        job.keep_rows = Latest(rows)
    return f"--dedupe {column}: keeping each respondent's latest answer; {dropped:,} earlier answer(s) left out"


@typed_or_text
def run_respondents(job: Job, types: dict) -> tuple[pa.Table, InputInfo]:
    """--dedupe's first pass over a part: each kept row's respondent, time (or None) and place in the input."""
    info = InputInfo(path=job.path, format="")
    grouper = Grouper(job.grouping, job.source_columns, info, job.date_column, job.exclusions, job.blank_values, job.segment_blanks)
    pieces = []
    for batch in coalesced(job.part.batches(grouper.columns(), info, None, types)):
        batch, _, _, _ = grouper.apply(batch)
        times = grouper.kept_times
        pieces.append(pa.table({
            "respondent": pc.fill_null(pc.utf8_trim_whitespace(batch.column(grouper.dedupe)), ""),  # compared without spaces
            "time": pc.cast(times, pa.int64()) if times is not None else pa.nulls(batch.num_rows, pa.int64()),
            "order": pa.array(row_order(job.slot, grouper.kept_positions), pa.int64()),
        }))
    schema = pa.schema([("respondent", pa.string()), ("time", pa.int64()), ("order", pa.int64())])
    return (pa.concat_tables(pieces) if pieces else schema.empty_table()), info


def latest_answers(tables: list[pa.Table], slots: int) -> tuple[list, int]:
    """For each part, the sorted row numbers to keep: each respondent's latest answer (by time, then
    input order) and every row without a respondent (a blank id identifies no one); and how many were left out."""
    table = pa.concat_tables(tables)
    table = table.append_column("when", pc.fill_null(table.column("time"), -(1 << 62)))
    table = table.sort_by([("respondent", "ascending"), ("when", "ascending"), ("order", "ascending")])
    respondents = table.column("respondent").combine_chunks()
    # After sorting, a respondent's latest answer is the row before the respondent changes.
    kept = np.ones(len(respondents), dtype=bool)
    if len(respondents) > 1:
        kept[:-1] = pc.not_equal(respondents[:-1], respondents[1:]).to_numpy(zero_copy_only=False)
    kept |= pc.equal(respondents, "").to_numpy(zero_copy_only=False)
    winners = table.column("order").to_numpy()[kept]
    low = (1 << ROW_BITS) - 1
    keep = [np.sort(winners[(winners >> ROW_BITS) == slot] & low) for slot in range(slots)]
    return keep, len(respondents) - len(winners)
