"""``cxscore drivers``: which ratings an outcome is associated with, read the way ``score`` reads.

The inputs are opened, filtered (--where, --since/--until, --weight) and their metrics found as
for ``score`` (:mod:`cxscore.pipeline`); each chosen column's answers become numbers through the
metric's own parser (labels, scales, blank values), and the blocks stream into a
:class:`~cxscore.drivers.MomentTable` whose groups are the bootstrap's row-groups, taken from each
row's position in its input — so the result is the same however the input is cut into blocks.
A text file is read in parts of 16–32 MiB in parallel; a part does not know its first row's number, so
a row's position is its part's byte offset plus its row in the part (unique: a row takes a byte at
least), and the parts are cut by size alone, so the result is the same on any number of cores.
:func:`cxscore.drivers.analyse` does the statistics.
"""
from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

import msgspec
import numpy as np
import pyarrow as pa

from . import dedupe, tidy
from .version import __version__
from .binning import Binning
from .accumulators import Book
from .config import Config, MetricSpec
from .detect import fit_scale
from .drivers import BOOTSTRAP_GROUPS, BOOTSTRAP_RESAMPLES, DriverAnalysis, Method, MomentTable, analyse, minimum_rows, row_groups, segment_headroom
from .encoders import ANSWERS, AnswerEncoder
from .errors import ColumnError, CxError, InputError, StrictError, param
from .grouping import Grouper, GroupKey
from .lazy_sequence import MadeOnRead
from .records import InputInfo
from .pipeline import plan_jobs, choose_metrics, open_sources
from .metrics import compute, interval, summarise, summary_columns
from .scan import COALESCE_ROWS, ROW_BITS, Job, add_counters, check_groups, coalesced, run_jobs, tracked, typed_or_text, workers
from .settings import Options, Settings, resolve
from .sources.table import Input
from .sources.text import BLOCK_BYTES, MIN_PART_BYTES

if TYPE_CHECKING:
    import pandas

#: The drivers table's columns (CSV, Arrow, pandas), one row per driver.
DRIVER_FIELDS = ["outcome", "method", "driver", "column", "share", "low", "high", "p_first", "correlation", "mean", "top_two", "quadrant", "r2", "n"]
#: The headroom table's columns after the --by columns.
HEADROOM_FIELDS = ["outcome", "n", "weight", "score", "low", "high", "headroom"]
_F, _I, _S = pa.float64(), pa.int64(), pa.string()

Notify = Callable[[str], None]
#: Answers that mean "not rated" besides the config's blank values; "0" only on a scale that starts above it.
NOT_RATED = ["不适用", "不適用", "not applicable"]


def _quiet(_: str) -> None:
    pass


@dataclass(frozen=True)
class Headroom:
    """One --by segment's headroom: its answers to the outcome (``n``, weight sum ``weight``), its
    score with the interval ``score`` reports, and the points the overall score would gain if all
    its respondents gave the best answer (:func:`cxscore.drivers.segment_headroom`)."""

    segment: tuple[str, ...]
    n: int
    weight: float
    score: float
    low: float | None
    high: float | None
    headroom: float


@dataclass(frozen=True)
class Headrooms:
    """The segment headroom table of a run with --by: segments by headroom, largest first; the
    overall score and its answers; the best answer's value (NPS 100: all promoters); segments
    whose rows had no answer to the outcome (listed nowhere else)."""

    by: list[str]
    overall: float
    n: int
    best: float
    best_words: str
    confidence: float
    segments: Sequence[Headroom]
    unanswered: int

    def rows(self, outcome: str) -> list[list]:
        """One row per segment, largest headroom first, aligned with :meth:`columns`."""
        return [[*h.segment, outcome, h.n, h.weight, h.score, h.low, h.high, h.headroom] for h in self.segments]

    def columns(self) -> list[str]:
        """The headroom table's columns: the --by columns, then :data:`HEADROOM_FIELDS`."""
        return [*self.by, *HEADROOM_FIELDS]

    def to_dict(self) -> dict:
        return {"by": self.by, "overall": self.overall, "n": self.n, "best": self.best, "best_means": self.best_words, "confidence": self.confidence,
                "segments": [{"segment": dict(zip(self.by, h.segment)), "n": h.n, "weight": h.weight, "score": h.score, "low": h.low, "high": h.high,
                              "headroom": h.headroom} for h in self.segments],
                "unanswered_segments": self.unanswered}


@dataclass
class DriverRun:
    """A drivers run: the analysis, the outcome's and drivers' metrics (name → spec), how the drivers
    were chosen, the inputs as read, and every warning (reading, answers, the analysis' guards);
    each metric's column as found in the inputs (a config may give a pattern); with --by, the
    segments' headroom."""

    analysis: DriverAnalysis
    outcome: MetricSpec
    drivers: list[MetricSpec]
    chosen_by: str
    inputs: list[InputInfo]
    seed: int
    warnings: list[str]
    columns: dict[str, str]
    headroom: Headrooms | None = None

    def rows(self) -> list[list]:
        """One row per driver, ranked, aligned with :data:`DRIVER_FIELDS`: the CSV's and the Arrow table's rows."""
        a = self.analysis
        return [[a.outcome, a.method, d.name, self.columns[d.name], d.share, d.low, d.high, d.p_first, d.correlation, d.mean,
                 None if np.isnan(d.top_two) else d.top_two, d.quadrant, a.r2, a.n] for d in a.drivers]

    def to_arrow(self) -> pa.Table:
        """The drivers as a table: one row per driver, the CSV's columns (:data:`DRIVER_FIELDS`)."""
        return tidy.rows_table(DRIVER_FIELDS, [_S, _S, _S, _S, *[_F] * 7, _S, _F, _I], self.rows())

    def to_pandas(self) -> pandas.DataFrame:
        """:meth:`to_arrow` as a pandas DataFrame (pandas is optional: install it to use this)."""
        return tidy.to_pandas(self.to_arrow(), "DriverRun")

    def headroom_to_arrow(self) -> pa.Table:
        """With --by: the segment headroom table (the --by columns, then :data:`HEADROOM_FIELDS`), largest first."""
        h = self.headroom
        if h is None:
            raise CxError("this run has no segment headroom", f"it is computed per segment of {param('by')}")
        return tidy.rows_table(h.columns(), [*[_S] * len(h.by), _S, _I, *[_F] * 5], h.rows(self.outcome.name))

    def headroom_to_pandas(self) -> pandas.DataFrame:
        """:meth:`headroom_to_arrow` as a pandas DataFrame."""
        return tidy.to_pandas(self.headroom_to_arrow(), "DriverRun")

    def to_dict(self) -> dict:
        """The JSON document (README: "JSON output of cxscore drivers"); versioned on its own."""
        a = self.analysis
        columns = self.columns
        doc = {
            "document": "cxscore.drivers",
            "schema_version": 1,
            "tool_version": __version__,
            "outcome": {"name": self.outcome.name, "type": self.outcome.type, "column": columns[self.outcome.name], "scale": [self.outcome.scale.lo, self.outcome.scale.hi]},
            "method": a.method,
            "drivers_chosen_by": self.chosen_by,
            "r2": a.r2,
            "n": a.n,
            "weight": a.weight,
            "incomplete": a.incomplete,
            "missing": a.missing,
            "resamples": a.resamples,
            "groups": a.groups,
            "seed": self.seed,
            "drivers": [{"name": d.name, "column": columns[d.name], "share": d.share, "low": d.low, "high": d.high, "p_first": d.p_first,
                         "correlation": d.correlation, "mean": d.mean, "top_two": None if np.isnan(d.top_two) else d.top_two, "quadrant": d.quadrant}
                        for d in a.drivers],
            "inputs": [{"path": i.path, "rows": i.rows, "filtered_out": i.filtered_out, "outside_dates": i.outside_dates, "weight_invalid": i.weight_invalid} for i in self.inputs],
            "warnings": self.warnings,
        }
        if self.headroom is not None:  # with --by only: documents without it are unchanged
            doc["headroom"] = self.headroom.to_dict()
        return doc


@dataclass
class MomentJob(Job):
    """A job that adds the rows' moments instead of tallies: the bootstrap's row-groups and seed, the
    number added to row positions (the input's index in the high bits) and the rows per step."""

    groups: int = BOOTSTRAP_GROUPS
    seed: int = 0
    first_row: int = 0
    block_rows: int = COALESCE_ROWS


@dataclass(frozen=True)
class _Stretch:
    """What the pool asks of a job's part (scan.run_jobs): can it travel to a worker, and its size."""

    portable: bool
    size: int | None


@dataclass
class MomentRun:
    """Consecutive parts of the inputs, read one after another by one process (:func:`read_run`).

    Parts are cut by size alone, so a row's bootstrap group is the same on any machine; that makes
    about 18 parts of a 300 MB file. Handed to the pool one by one, they went to its single worker on
    two cores while this process read the first part and then waited (2026-12-02: the worker read 17
    of 18 parts). Runs of consecutive parts, one per process and of about equal bytes, share the reading out."""

    jobs: list[MomentJob]
    slot: int = 0

    @property
    def reads_typed(self) -> bool:
        return all(job.reads_typed for job in self.jobs)

    @property
    def part(self) -> _Stretch:
        sizes = [getattr(job.part, "size", None) for job in self.jobs]
        return _Stretch(all(getattr(job.part, "portable", False) for job in self.jobs), None if None in sizes else sum(s for s in sizes if s is not None))


def runs_of(jobs: list[MomentJob], processes: int) -> list[MomentRun]:
    """The jobs in order, cut into at most ``processes`` runs of consecutive jobs of about equal bytes
    (a job whose size is unknown counts as the average). Results come back per job, in order."""
    if not jobs:
        return []
    sizes = [getattr(job.part, "size", None) for job in jobs]
    known = [s for s in sizes if s is not None]
    mean = sum(known) / len(known) if known else 1.0
    ends = np.cumsum([mean if s is None else s for s in sizes])
    runs = max(1, min(processes, len(jobs)))
    cuts = np.searchsorted(ends, ends[-1] * np.arange(1, runs) / runs, side="left") + 1
    bounds = sorted({0, *cuts.tolist(), len(jobs)})
    return [MomentRun(jobs[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a]


def read_run(run: MomentRun) -> list:
    """Each of the run's parts read by :func:`read_moments`, in order."""
    return [read_moments(job) for job in run.jobs]


def top_two_threshold(spec: MetricSpec) -> float:
    """The lowest point of the metric's happy band (CSAT satisfied, NPS promoters) when it reaches the
    top of the scale; NaN when not (then performance is the mean alone)."""
    happy = spec.bands().get(spec.kind.comment_bands[1])
    return float(happy.lo) if happy is not None and happy.hi == spec.scale.hi else float("nan")


def point_table(spec: MetricSpec) -> np.ndarray:
    """Each tally slot's scale point as a float, NaN for the invalid and blank slots (not rated): a
    block's points are one lookup, ``np.take(table, encoded.slots)``."""
    return np.concatenate([[np.nan, np.nan], Binning.of(spec.scale).values().astype(np.float64)])


def whole_points(tables: Sequence[np.ndarray]) -> int | None:
    """The largest point when every point of the tables is a whole number from 0 up (NPS 0–10, CSAT
    1–5: the moments are then added packed, :meth:`MomentTable.add`); None when one is not."""
    values = np.concatenate([table[~np.isnan(table)] for table in tables])
    if not values.size or values.min() < 0 or not np.array_equal(values, np.floor(values)) or values.max() >= 1 << 20:
        return None
    return int(values.max())


def points(codes: np.ndarray, spec: MetricSpec) -> np.ndarray:
    """Scale points of parsed answers as floats; NaN for blank and invalid ones (not rated)."""
    return np.take(point_table(spec), codes + 2)


@typed_or_text
def read_moments(job: MomentJob, types: dict) -> tuple[MomentTable, InputInfo, dict[str, Counter], Book[GroupKey] | None]:
    """One input's moments: filter each block as score does, parse each metric's answers, add the
    kept rows to their row-groups (from their positions in the input); the invalid answers seen;
    and with --by, the outcome's tallies per segment (every row answering it, complete or not)."""
    info = InputInfo(path=job.path, format="")
    grouper = Grouper(job.grouping, job.source_columns, info, job.date_column, job.exclusions, job.blank_values, job.segment_blanks)
    grouper.keep_rows = job.keep_rows
    grouper.track_rows = True
    encoders = [_answers(spec, spec.kind.encoder(spec, job.metric_columns[spec.name], job.blank_values)) for spec in job.specs]
    lookups = {spec.name: point_table(spec) for spec in job.specs}
    largest = whole_points(list(lookups.values()))
    table = MomentTable(len(job.specs), job.groups, np.array([top_two_threshold(spec) for spec in job.specs]))
    invalid: dict[str, Counter] = {spec.name: Counter() for spec in job.specs}
    book: Book[GroupKey] | None = Book.of(job.specs[:1]) if job.grouping.by else None
    needed = list(dict.fromkeys([*(c for encoder in encoders for c in encoder.columns), *grouper.columns()]))
    for batch in coalesced(job.part.batches(needed, info, None, types), job.block_rows):
        batch, groups, index, weights = grouper.apply(batch)
        values = []
        for spec, encoder in zip(job.specs, encoders):
            if book is not None and spec is job.specs[0]:  # the outcome's tallies per segment take its slots
                encoded = encoder.encode(batch)
                points, bad = np.take(lookups[spec.name], encoded.slots), encoded.invalid_texts
                book.add(spec.name, encoded, groups, index, weights)
                check_groups(book, job.grouping)
            else:  # the points straight from the answers (one lookup, no slots)
                points, bad = encoder.onto(batch, lookups[spec.name])
            invalid[spec.name].update(bad)
            values.append(points)
        table.add(values, row_groups(job.first_row + tracked(grouper.kept_positions), job.groups, job.seed), weights, largest=largest)
    return table, info, invalid, book


def _answers(spec: MetricSpec, encoder) -> AnswerEncoder:
    """A rating metric's encoder (:func:`_is_rating`): drivers read scale answers, nothing else."""
    if not isinstance(encoder, AnswerEncoder):
        raise TypeError(f"{spec.name}: drivers read scale answers, not through a {type(encoder).__name__}")
    return encoder


#: What the best answer means, per kind, in the headroom's caption.
BEST_WORDS = {"nps": "promoters", "csat": "satisfied"}


def headrooms(spec: MetricSpec, book: Book[GroupKey], settings: Settings) -> Headrooms:
    """Each --by segment's headroom over the outcome's answers, with its score and interval as
    ``score --by`` gives them, largest first (ties by segment). Scores and headrooms come from the
    roll-up's arrays; a segment's summary and interval only when its row is read (a sheet shows 100 of 200,000)."""
    parts = book.rollup(spec.name, lambda key: key.segment)
    whole = summarise(spec, [book.rollup(spec.name, lambda key: ())[()]])[0]
    lo, hi = spec.value_range()
    best = hi if spec.higher_is_better else lo
    tallies = parts.parts
    columns = summary_columns(spec, tallies)  # a Summary of arrays, one entry per segment
    shown = np.flatnonzero((columns.n > 0) & (columns.total > 0))
    scores = np.asarray(spec.kind.compute(spec, columns)[0], dtype=np.float64)[shown]  # a kind's formula element-wise, as compute() has it per segment
    totals = columns.total[shown]
    gains = segment_headroom(scores, totals, best).tolist() if len(shown) else []
    segments = parts.keys_in_order
    order = sorted(range(len(shown)), key=lambda j: (-gains[j], segments[shown[j]]))
    rows = HeadroomRows(spec, settings, tallies, [segments[i] for i in shown[order].tolist()] if order else [], shown[order] if order else shown,
                        columns.n[shown][order].tolist(), totals[order].tolist(), scores[order].tolist(), [gains[j] for j in order])
    words = BEST_WORDS.get(spec.type, f"answered {best:g}")
    return Headrooms(list(settings.by), float(compute(spec, whole)[0] or 0.0), whole.n, best, words, settings.confidence, rows, len(parts) - len(shown))


class HeadroomRows(MadeOnRead[Headroom]):
    """The ranked segments' rows, each made (summary and interval) when read: ``rows[:100]`` builds 100."""

    def __init__(self, spec: MetricSpec, settings: Settings, tallies: Sequence, segments: list, rows: np.ndarray,
                 n: list[int], weight: list[float], scores: list[float], gains: list[float]):
        self.spec, self.settings, self.tallies, self.segments, self.rows = spec, settings, tallies, segments, rows
        self.n, self.weight, self.scores, self.gains = n, weight, scores, gains

    def __len__(self) -> int:
        return len(self.segments)

    def _run(self, start: int, stop: int) -> list[Headroom]:
        return self._made(range(start, stop))

    def _one(self, i: int) -> Headroom:
        return self._made([i])[0]

    def __iter__(self) -> Iterator[Headroom]:
        return iter(self[:])

    def _made(self, which: Sequence[int]) -> list[Headroom]:
        spec, settings = self.spec, self.settings
        summaries = summarise(spec, [self.tallies[k] for k in self.rows[list(which)].tolist()]) if len(which) else []
        out = []
        for j, s in zip(which, summaries):
            ci = interval(spec, s, settings.confidence, settings.nps_interval)
            out.append(Headroom(self.segments[j], self.n[j], self.weight[j], self.scores[j], ci.low if ci else None, ci.high if ci else None, self.gains[j]))
        return out


def _is_rating(spec: MetricSpec) -> bool:
    """A metric read from one answer column onto a scale (NPS, CSAT, CES), not a duration or a rate."""
    return spec.scaled and list(spec.kind.columns(spec)) == [ANSWERS]  # a duration reads one column too, onto no scale


def _find(wanted: str, chosen: list[MetricSpec]) -> MetricSpec | None:
    return next((spec for spec in chosen if wanted in (spec.name, spec.column)), None)


def _column_driver(wanted: str, source, blank_values: list[str], notify: Notify) -> MetricSpec:
    """A --driver column that is no metric found: read as a rating on the scale its values fit."""
    if wanted not in source.columns:
        raise ColumnError(f"{param('drivers')} {wanted!r} is neither a metric found nor a column of {source.info.path}",
                          "name a metric (see the messages above) or a column header exactly as written")
    index = source.columns.index(wanted)
    values = [row[index] for row in source.sample if index < len(row) and row[index] is not None]
    spec, why, _ = fit_scale("csat", wanted, source.layout.question(wanted), values, blank_values, source.layout.position_download)
    if spec is None:
        raise InputError(f"{param('drivers')} {wanted!r}: {why}", "give a column of ratings, or describe it in a config (type, scale, labels)")
    spec.name = wanted
    notify(f"driver {wanted!r}: read as ratings, scale {why}")
    return spec


def choose(chosen: list[MetricSpec], outcome: str | tuple[str, ...], wanted: Sequence[str], source, blank_values: list[str], notify: Notify,
           min_drivers: int = 1) -> tuple[MetricSpec, list[MetricSpec], str]:
    """The outcome metric (a tuple: the first of them found) and the drivers (named, or the other
    rating metrics found, at least ``min_drivers``), and how the drivers were chosen; each driver's
    0 counts as not rated when its scale starts above 0."""
    names = ", ".join(spec.name for spec in chosen)
    target = next((spec for o in ((outcome,) if isinstance(outcome, str) else outcome) if (spec := _find(o, chosen))), None)
    if target is None and not isinstance(outcome, str):
        raise CxError(f"no {' or '.join(outcome)} metric to explain among the metrics found ({names})", "key drivers need an NPS or CSAT outcome")
    if target is None:
        raise CxError(f"{param('outcome')} {outcome!r} is not one of the metrics found: {names}", f"name one of them, or describe the outcome column in a config ({param('config')})")
    if not isinstance(outcome, str):
        notify(f"outcome: {target.name} (the first found of {', '.join(outcome)}; --outcome names another)")
    if not _is_rating(target):
        what = f"{target.kind.article} scored from groups (no points to relate the drivers to)" if target.groups else target.kind.article
        raise CxError(f"{param('outcome')} {outcome!r} is {what}, not a rating", "choose an NPS, CSAT or CES metric read from its ratings")
    if wanted:
        drivers = [_find(w, chosen) or _column_driver(w, source, blank_values, notify) for w in wanted]
        how = "named with --driver"
    else:
        drivers = [spec for spec in chosen if spec is not target and _is_rating(spec)]
        how = "the other rating metrics found"
        if not drivers:
            raise CxError(f"no rating besides {target.name} was found to explain it (metrics found: {names})", "name the driver columns with --driver COLUMN")
        if len(drivers) < min_drivers:
            raise CxError(f"only {len(drivers)} rating besides {target.name} ({', '.join(spec.name for spec in drivers)}): fewer than {min_drivers} drivers leave nothing to rank",
                          "add the attribute ratings to the export, or run cxscore drivers with --driver")
        notify(f"drivers: {', '.join(spec.name for spec in drivers)} ({how}; --driver names others)")
    repeated = [spec.name for spec in drivers if spec is target or drivers.count(spec) > 1]
    if repeated:
        raise CxError(f"{param('drivers')} {repeated[0]!r} is given twice, or is the outcome", "name each driver once, and not the outcome")
    drivers = [msgspec.structs.replace(spec, blank_values=[*spec.blank_values, *NOT_RATED, *(["0"] if spec.scale.lo > 0 else [])]) for spec in drivers]
    target = msgspec.structs.replace(target, blank_values=[*target.blank_values, *NOT_RATED])
    return target, drivers, how


def key_drivers(
    inputs: Input | Sequence[Input],
    config: Config | None = None,
    options: Options | None = None,
    *,
    outcome: str | tuple[str, ...] = "nps",
    drivers: Sequence[str] = (),
    min_drivers: int = 1,
    method: Method = "relative_weights",
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
    notify: Notify = _quiet,
    stdin: BinaryIO | None = None,
    processes: int | None = None,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = COALESCE_ROWS,
    part_bytes: int = MIN_PART_BYTES,
) -> DriverRun:
    """Key drivers of ``outcome`` (a metric's name or column; a tuple: the first of them found) over
    the inputs: ``drivers`` names metrics or columns (default: the other rating metrics found, at
    least ``min_drivers``). ``options`` filter and read as for
    :func:`cxscore.score` (where, since, until, weight, encoding, sheet, strict); ``block_bytes`` and
    ``block_rows`` size the reading steps, which do not change the result. A text file is read in parts
    of about ``part_bytes`` (in parallel); a row's bootstrap row-group comes from its part's byte offset
    plus its row number in the part, so the result depends on the file, not on the cores. Refusals are CxErrors."""
    settings = resolve(config, options)
    config = config or Config()
    _, sources, repeats = open_sources(inputs, settings, stdin, notify)
    found, noted, found_in = choose_metrics(config, sources, notify)
    target, picked, how = choose([spec for spec, _ in found], outcome, drivers, sources[0], config.blank_values, notify, min_drivers)
    specs = [target, *picked]
    chosen = [(spec, "config" if config.metrics else "detected") for spec in specs]
    origins = {spec.name: found_in.get(spec.name, sources[0]).info.path for spec in specs}
    grouping = settings.grouping()
    processes = workers() if processes is None else processes
    jobs: list[Job] = []
    owners: list[InputInfo] = []
    for index, source in enumerate(sources):
        # parts by size alone (not by the number of workers), so the row-groups are the same on any machine
        source_jobs, _, missing, doubted = plan_jobs(source, chosen, config, grouping, lambda s: s.parts(sys.maxsize, part_bytes, block_bytes), notify, settings.include_incomplete, origins, False, 0)
        noted += doubted  # what an encoder doubts in the first rows
        if missing:
            raise next(iter(missing.values()))
        # a row's position: its part's byte offset + its row in the part — unique, as every row takes at least a byte
        jobs += [MomentJob(**vars(job), groups=BOOTSTRAP_GROUPS, seed=seed, first_row=(index << ROW_BITS) + getattr(job.part, "start", 0), block_rows=block_rows) for job in source_jobs]
        owners += [source.info] * len(source_jobs)
    if grouping.dedupe:
        notify(dedupe.keep_latest(jobs, processes, grouping.dedupe))
    table = MomentTable(len(specs), BOOTSTRAP_GROUPS, np.array([top_two_threshold(spec) for spec in specs]))
    invalid: dict[str, Counter] = {spec.name: Counter() for spec in specs}
    book: Book[GroupKey] | None = Book.of([target]) if grouping.by else None
    results = [result for run in run_jobs(runs_of(jobs, processes), processes, None, read_run) for result in run]  # type: ignore[arg-type]  # a run stands for its parts
    for (part, info, bad, segments), owner in zip(results, owners):
        table.merge(part)
        if book is not None and segments is not None:
            book.merge(segments)
        add_counters(owner, info)
        for name, texts in bad.items():
            invalid[name].update(texts)
    for source in sources:
        if source.info.rows == 0:
            raise InputError(f"{source.info.path} has a header but no data rows", "check that the export contains responses")
    warnings = [*repeats, *(w for s in sources for w in s.doubts), *(w for s in sources for w in s.warnings), *noted]
    warnings += [f"{name}: {sum(texts.values())} answer(s) not understood, counted as not rated (e.g. {', '.join(f'{t!r} ×{n}' for t, n in texts.most_common(3))})"
                 for name, texts in invalid.items() if texts]
    warnings += [f"{i.path}: {i.weight_invalid} row(s) left out for a blank, non-numeric or non-positive weight" for s in sources if (i := s.info).weight_invalid]
    warnings += [f"{i.path}: {i.malformed_rows} row(s) with the wrong number of fields were skipped" for s in sources if (i := s.info).malformed_rows]
    if settings.strict and (problems := warnings[len(repeats):]):
        raise StrictError(f"{param('strict')}: " + "; ".join(problems), f"fix the answers, map them with labels: in the config, or drop {param('strict')}")
    complete, need = int(table.n.sum()), minimum_rows(len(picked))
    if complete < need:
        read = sum(i.rows for i in (s.info for s in sources))
        dropped = sum(i.filtered_out + i.outside_dates + i.weight_invalid + i.duplicates_dropped + sum(i.excluded.values()) for i in (s.info for s in sources))
        raise CxError(f"only {complete:,} complete rows for {len(picked)} drivers ({read:,} read, {dropped:,} left out by filters, "
                      f"{int(table.incomplete.sum()):,} without every answer): key drivers need at least {need} (max(50, 5 per driver))",
                      f"use more responses (a longer period, wider {param('where')}) or fewer drivers")
    result = analyse(table, [spec.name for spec in specs], method, resamples, seed)
    left = result.incomplete
    if left:
        gaps = ", ".join(f"{name} {count:,}" for name, count in result.missing.items() if count)
        notify(f"{left:,} row(s) without every answer left out (not rated: {gaps}); {result.n:,} complete rows used")
    headroom = headrooms(target, book, settings) if book is not None else None
    columns = {spec.name: next(s.info.metrics[spec.name]["column"] for s in sources if spec.name in s.info.metrics) for spec in specs}
    return DriverRun(result, target, picked, how, [s.info for s in sources], seed, warnings + list(result.warnings), columns, headroom)


#: ``cxscore report``'s Drivers sheet: NPS explained when the export has one, else CSAT.
REPORT_OUTCOMES = ("nps", "csat")
#: One other rating would take 100 % of the importance: the report ranks two or more.
REPORT_MIN_DRIVERS = 2


def report_drivers(inputs: Input | Sequence[Input], config: Config | None = None, options: Options | None = None) -> DriverRun | str:
    """The analysis behind ``cxscore report``'s sheet Drivers, as ``cxscore drivers`` runs it by
    default (NPS, else CSAT, by the other rating metrics found, the same filters and --by); or, when
    the export gives none (no such outcome, fewer than two other ratings, too few complete rows, a
    constant column, standard input already read), why not: a note for the report, not an error."""
    listed = [inputs] if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence) else list(inputs)
    if any(item == "-" for item in listed):
        return "no key-driver analysis: standard input is read once, by the scores (give the export as a file for the Drivers sheet)"
    try:
        return key_drivers(inputs, config, options, outcome=REPORT_OUTCOMES, min_drivers=REPORT_MIN_DRIVERS)
    except CxError as exc:
        return f"no key-driver analysis: {exc.message}"
