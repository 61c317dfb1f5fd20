"""The library entry point: inputs, a config and run options in; a :class:`~cxscore.model.Report` out.

source ──read──▶ batches ──group/filter──▶ normalize ──▶ tally ──▶ results ──▶ report
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import BinaryIO
from collections.abc import Callable, Sequence

from . import benchmarks, dedupe, helpdesk
from .column_types import comment_date_type, read_types
from .columns import resolve_column
from .comments import CommentBook, CommentPlan, find_comment_column, no_comment_column
from .config import Config, segment_blank_values, MetricSpec
from .dates import choose_order, detect_date_column
from .detect import Detection
from .empty_run import check_scored
from .errors import ColumnError, CxError, InputError, StrictError, param
from .inputs import distinct_inputs, file_spec, id_column, repeated_ids
from .grouping import FILE, Grouper, GroupKey, Grouping, choose_date_column
from .scan import Job, Progress, add_counters, check_groups, run_jobs, workers
from .encoders import ANSWERS, columns_label
from .scales import blank_points, doubt, na_codes, na_hint
from .model import Analysis, InputInfo, MetricInfo, Quality, Report, ResultRow
from .results import build_rows, interval_notes
from .row_table import as_rows, kept
from .settings import Options, Settings, resolve
from .sources import Source, open_source
from .sources.table import Input, open_inputs
from .sources.base import sample_values
from .sources.columnar import SUFFIXES as COLUMNAR_SUFFIXES
from .sources.encodings import is_utf8
from .sources.layouts import Layout, exclusion_note, is_id_column, response_filters
from .sources.text import BLOCK_BYTES, MIN_PART_BYTES
from .accumulators import Accumulator, Book, everything
from .tally import Tally
from .targets import attach_benchmark, judge, latest_changes, parse_fail_under
from .version import __version__

Notify = Callable[[str], None]
EXPORT_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"} | COLUMNAR_SUFFIXES


def _quiet(_: str) -> None:
    pass


@dataclass
class Tallied:
    """The first stage's result (:func:`tally_inputs`): the inputs read, filtered, grouped and
    tallied, with everything said on the way; :func:`analyse` turns it into a report without reading again."""

    sources: list[Source]  # as read: their info holds the row counts; their samples name values for messages
    chosen: list[tuple[MetricSpec, str]]  # the metrics, and how each was chosen
    found_in: dict[str, Source]  # detected metric → the input it was found in
    about: dict[str, dict]  # a helpdesk KPI → its definition, source, unit, business hours
    columns: dict[str, str]  # metric → its column in the first input that has it
    configured: bool  # the metrics come from a config (not detected)
    book: Book[GroupKey]
    said: CommentBook | None  # the most recent comments (None: not collected)
    comment_column: str | None
    by: list[str]  # the --by and --period the tallies are grouped by
    period: str | None
    warnings: list[str]  # said while reading, in order
    doubts: list[tuple[list[str], str]]  # what --strict refuses from reading (encodings guessed, …), each with its hint
    order_doubts: list[str]  # day/month orders guessed (also in doubts)
    skipped_ratings: list[str]  # rating columns detection found but would not score
    reads: dict[str, dict[str, str]] = field(default_factory=dict)  # metric → the columns it reads by role, in the first input that has it

    @property
    def specs(self) -> list[MetricSpec]:
        return [spec for spec, _ in self.chosen]


def choose_metrics(config: Config, sources: list[Source], notify: Notify, wanted: Sequence[str] = ()) -> tuple[list[tuple[MetricSpec, str]], list[str], dict[str, Source]]:
    """:func:`described_metrics` without what each helpdesk KPI is."""
    chosen, warnings, found_in, _ = described_metrics(config, sources, notify, wanted)
    return chosen, warnings, found_in


def described_metrics(config: Config, sources: list[Source], notify: Notify, wanted: Sequence[str] = ()) -> tuple[list[tuple[MetricSpec, str]], list[str], dict[str, Source], dict[str, dict]]:
    """The metrics to score with how each was chosen: from the config, or detected in the inputs —
    the first input's, then any column a later input adds (a question added in a later month).

    Also the warnings about rating columns detection found but would not score (a 3-point item) and
    about what a helpdesk layout's plan doubts, for each detected metric the input it was found in,
    and for a helpdesk KPI what it is (definition, source, unit). ``wanted`` (``-m``) may name a
    helpdesk layout's alternatives (``frt_business``), which are not scored otherwise.
    """
    if config.metrics:
        return [(spec, "config") for spec in config.metrics], [], {}, {}
    chosen: list[tuple[MetricSpec, str]] = []
    skipped: dict[str, str] = {}
    warnings: list[str] = []
    found_in: dict[str, Source] = {}
    about: dict[str, dict] = {}
    helpdesk_layout = False
    for source in sources:
        detections, plan = helpdesk.detect(source.columns, source.sample, config.blank_values, source.layout, wanted)
        if plan is not None:
            helpdesk_layout = True
            where = source.info.path
            notify(f"{where}: {source.layout.name} layout: " + "; ".join(source.layout.notes))
            for note in plan.notes:
                notify(f"{where}: {note}")
            warnings += [f"{where}: {doubt}" for doubt in plan.doubts]
            skipped.update({name: f"{name}: {why}" for name, why in plan.missing})
        for found in detections:
            if found.column in {spec.column for spec, _ in chosen} or not found.default:
                continue
            if found.spec is None:
                if found.column not in skipped:
                    skipped[found.column] = f"{found.column!r}: {found.reason}"
                    if found.warn:
                        warnings.append(f"{found.type}: column {skipped[found.column]}")
                    else:
                        notify(f"skipped column {skipped[found.column]}")
                continue
            spec, names = found.spec, {s.name for s, _ in chosen}
            if found.about and spec.name in names:
                continue  # a later input of the same helpdesk layout plans the same KPI
            spec.name = next(name for k in range(1, len(names) + 2) if (name := spec.name if k == 1 else f"{spec.name}_{k}") not in names)
            later = f"; first found in {source.info.path}" if source is not sources[0] else ""
            notify(f"{spec.name}: column {found.column!r} ({found.reason}{later})")
            chosen.append((spec, f"detected: {found.reason}{later}"))
            if found.doubt:  # scored on a guess (groups, not ratings): a warning, refused by --strict
                warnings.append(f"{spec.name}: {found.doubt}")
            found_in[spec.name] = source
            if found.about:
                about[spec.name] = found.about
    unplanned = [(source.info.path, why) for source in sources if source.layout.name == "generic" and (why := helpdesk.unplanned_tickets(source.columns))]
    if not chosen:
        where = sources[0].info.path if len(sources) == 1 else f"any of the {len(sources)} inputs"
        if unplanned:
            raise InputError(f"no NPS, CSAT or CES column found in {where}", unplanned[0][1])
        if helpdesk_layout:
            raise InputError(f"no KPI of the {sources[0].layout.name} layout could be planned from {where} ({'; '.join(skipped.values())})", "name the columns in a config file (see the README's Service KPIs) and pass it with --config")
        why = "; ".join(skipped.values()) if skipped else "no header mentions recommend/satisf/easy/effort/推荐/满意/容易"
        raise InputError(
            f"no NPS, CSAT or CES column found in {where} ({why})",
            "name the columns in a config file (see config.example.yaml) and pass it with --config",
        )
    return chosen, warnings + [f"{path}: {why}" for path, why in unplanned], found_in, about


def _describe(spec: MetricSpec, column: str, selected_by: str, source: Source, about: dict | None = None, reads: dict[str, str] | None = None) -> MetricInfo:
    """The metric as scored; a duration also with the columns it was computed from (``reads``: by role)
    and whether in business hours (a helpdesk KPI's definition, else the config's ``business_hours:``)."""
    question = source.layout.question(column)
    about = about or {}
    reads = reads or {}
    between = spec.type == "duration" and "start" in reads
    parts = [reads[role] for role in reads if role.startswith("sum ")] if spec.type == "duration" else []
    return MetricInfo(
        name=spec.name,
        type=spec.type,
        column=column,
        selected_by=selected_by,
        scale=[spec.scale.lo, spec.scale.hi] if spec.scaled and spec.kind.answer_column else None,  # a rate reads no answers: no scale
        bands={} if spec.groups else {key: [band.lo, band.hi] for key, band in spec.bands().items()},  # groups: their 1–k codes are no points
        direction=spec.direction,
        question=question if question != column else None,
        offset=spec.offset,
        condition=spec.condition,
        of=spec.of,
        better=spec.better,
        formula=spec.kind.formula(spec),
        unit=helpdesk.unit_of(spec, column) if spec.type == "duration" else None,
        business_hours=about["business_hours"] if "business_hours" in about else bool(spec.business_hours) if between else None,
        definition=about.get("definition"),
        source=about.get("source"),
        start=reads["start"] if between else None,
        end=reads["end"] if between else None,
        sum=parts or None,
        groups={group: spec.groups[group] for group in spec.kind.groups if group in spec.groups} if spec.groups else None,
    )


def plan_jobs(source: Source, chosen: list[tuple[MetricSpec, str]], config: Config, grouping: Grouping, cut: Callable[[Source], list], notify: Notify, include_incomplete: bool, origins: dict[str, str], ids: bool, comments: int) -> tuple[list[Job], dict[str, str], dict[str, ColumnError], list[str]]:
    """Check a source against the metrics and grouping, then cut it into jobs with this file's own
    reading of each metric (:func:`cxscore.inputs.file_spec`), recorded in its ``info.metrics``.

    A metric whose column this source lacks is left out of its jobs (and reported), not fatal.
    ``ids``: also collect the response ids (several inputs, to find repeats); ``comments``: the most
    recent comments per metric and band, when this source has a comment column. Also what each
    metric's encoder doubts in this source's first rows (a duration's unit).
    """
    where = source.info.path
    columns, missing, specs = {}, {}, []
    order_doubts: list[str] = []  # a metric's own dates read in a guessed day/month order
    reads: dict[str, dict[str, str]] = {}  # metric → the columns its kind reads, by role
    own: dict[str, Detection] | None = None  # this input's own helpdesk plan, when a KPI's columns are not here
    for spec, how in chosen:
        try:
            reads[spec.name] = {role: resolve_column(wanted, source.columns, where, spec.name, source.layout.questions) for role, wanted in spec.kind.columns(spec).items()}
        except ColumnError as exc:
            if not (source.layout.helpdesk and how.startswith("detected")):
                missing[spec.name] = exc
                continue
            if own is None:
                detections, _ = helpdesk.detect(source.columns, source.sample, config.blank_values, source.layout, [s.name for s, _ in chosen])
                own = {found.spec.name: found for found in detections if found.spec is not None}
            theirs = own.get(spec.name)
            if theirs is None or theirs.spec is None or not _adds_up(spec, theirs.spec):
                missing[spec.name] = exc if theirs is None or theirs.spec is None else OwnReadingDiffers(exc.message, _unlike(spec, theirs, source.layout.name))
                continue
            spec = theirs.spec
            reads[spec.name] = {role: resolve_column(wanted, source.columns, where, spec.name, source.layout.questions) for role, wanted in spec.kind.columns(spec).items()}
            notify(f"{spec.name}: {where}: column {theirs.column!r}, read through its own layout ({theirs.reason})")
        columns[spec.name] = columns_label(reads[spec.name])
        if ANSWERS in reads[spec.name]:
            spec, note = file_spec(spec, how == "config", source.layout, reads[spec.name][ANSWERS], where, origins[spec.name])
            if note:
                notify(note)
        spec, notes, doubted = spec.kind.for_input(spec, reads[spec.name], lambda column: sample_values(source.sample, source.columns.index(column)), grouping.dayfirst)
        for note in notes:
            notify(f"{where}: {note}")
        order_doubts += doubted
        specs.append(spec)
        source.info.metrics[spec.name] = {"column": columns[spec.name], "offset": spec.offset}
    source.info.option_positions = source.layout.position_download
    date = choose_date_column(grouping, source.columns, source.sample, where)
    if date:
        source.info.date_column = date[0]
        dayfirst, _, why = choose_order(sample_values(source.sample, source.columns.index(date[0])), grouping.dayfirst)
        grouping = replace(grouping, dayfirst=dayfirst)  # this file's order, for all its parts
        source.info.date_order = "day-first" if dayfirst else "month-first"
        notify(f"dates: column {date[0]!r} ({date[1]})" + (f"; {why}" if why else ""))
    exclusions = response_filters(source.layout, source.columns, include_incomplete)
    blank_values = [*config.blank_values, *source.layout.blank_values]
    segment_blanks = segment_blank_values(config, source.layout.blank_values)
    grouper = Grouper(grouping, source.columns, InputInfo(path=where, format=""), date[0] if date else None, exclusions, blank_values, segment_blanks)  # fails early on a bad --by/--where/--weight
    parsers = [pair for spec in specs for pair in spec.kind.encoder(spec, reads[spec.name], blank_values).typed()]
    unit_doubts = [line for spec in specs for line in spec.kind.column_doubts(spec, reads[spec.name], blank_values, lambda column: sample_values(source.sample, source.columns.index(column)))]
    id_at = id_column(source) if ids else None
    taken = {column for read in reads.values() for column in read.values()}
    plan = _comment_plan(source, config, grouping, grouper, comments, {*taken, *([date[0]] if date else [])}, notify) if comments else None
    more = {}
    if plan and plan.date_column and plan.date_column != grouper.date_column:
        more = comment_date_type(source.columns, source.sample, plan.date_column, [*columns.values(), *grouper.columns(), plan.column])
    types = read_types(source.columns, source.sample, parsers, grouper, more)
    jobs = [
        Job(part, where, source.columns, reads, date[0] if date else None, specs, blank_values, grouping, exclusions, types=types, id_column=id_at, comments=plan, segment_blanks=segment_blanks)
        for part in cut(source)
    ]
    return jobs, columns, missing, [f"{where}: {line}" for line in [*unit_doubts, *order_doubts]]


def _comment_plan(source: Source, config: Config, grouping: Grouping, grouper: Grouper, keep: int, taken: set[str], notify: Notify) -> CommentPlan | None:
    """How to collect this source's comments: its comment column (configured, or detected), and the
    dates that order them (the grouping's, else the one given or detected; none: row order)."""
    where = source.info.path
    if config.comment_column is not None:
        try:
            column, why = resolve_column(config.comment_column, source.columns, where, "comment_column", source.layout.questions), "config"
        except ColumnError:
            return None
    else:
        found = find_comment_column(source.columns, source.sample, source.layout.questions, {*taken, *grouper.filter_columns(), *grouper.segment_columns()})
        if found is None:
            return None
        column, why = found
    date, dayfirst = grouper.date_column, grouping.dayfirst
    if date is None:
        date = resolve_column(grouping.date_column, source.columns, where, param("date_column")) if grouping.date_column else detect_date_column(source.columns, source.sample, grouping.dayfirst)[0]
        if date is not None:
            dayfirst = choose_order(sample_values(source.sample, source.columns.index(date)), grouping.dayfirst).dayfirst
    order = f"most recent by {date!r}" if date else "no date column: the last rows count as the most recent"
    notify(f"comments: column {column!r} ({why}); {order}")
    return CommentPlan(column, keep, date, dayfirst, list(grouping.by), list(grouper.by), grouper.file_label)


def expand_inputs(inputs: Sequence[str | Source]) -> list[str | Source]:
    """Paths as given, with a folder replaced by the exports inside it (sorted); sources (tables) as given."""
    out: list[str | Source] = []
    for path in inputs:
        if isinstance(path, Source):
            out.append(path)
        elif path != "-" and (folder := Path(path)).is_dir():
            found = sorted(str(f) for f in folder.iterdir() if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in EXPORT_SUFFIXES)
            if not found:
                raise InputError(f"the folder {path} holds no exports ({', '.join(sorted(EXPORT_SUFFIXES))})", "give the files, or a folder that holds them")
            out += found
        else:
            out.append(path)
    return out


def _adds_up(ours: MetricSpec, theirs: MetricSpec) -> bool:
    """Whether another helpdesk layout's own reading of a KPI of the same name adds into this run's
    tally: the same kind on the same scale with the same bands (a KPI's name is its definition:
    ``frt`` is calendar time in every layout, ``frt_business`` business hours)."""
    return ours.type == theirs.type and ours.scale == theirs.scale and ours.bands() == theirs.bands()


class OwnReadingDiffers(ColumnError):
    """An input of another helpdesk layout reads a KPI of this name its own way, which does not add to
    the run's (its hint says how)."""


def _unlike(ours: MetricSpec, theirs: Detection, layout: str) -> str:
    """Why an input's own reading of a KPI is not added (the gap warning's reason)."""
    def kind(spec: MetricSpec) -> str:
        return spec.type + (f" on {spec.scale.lo}–{spec.scale.hi}" if spec.scaled and spec.kind.answer_column else "")
    assert theirs.spec is not None, "a planned KPI"
    return f"its {layout} layout reads {ours.name} from {theirs.column!r} as {kind(theirs.spec)}, which does not add to {kind(ours)}"


def _gap_warning(name: str, path: str, error: ColumnError, origin: str, layouts: dict[str, Layout]) -> str:
    """An input without a metric's column; when it is another helpdesk's export than the one the metric was
    planned from and its own reading of the KPI does not add up (Freshdesk's ``Survey results`` on 1–3
    for Zendesk's csat on 0–1), or it plans no such KPI: say so."""
    line = f"{name}: {path} has no column for it, so it adds nothing to {name} ({error.message.split(';')[0]})"
    here, there = layouts[path], layouts.get(origin)
    if there is not None and here.name != there.name and (here.helpdesk or there.helpdesk):
        why = (error.hint if isinstance(error, OwnReadingDiffers) and error.hint else f"its {here.name} layout plans no {name}" if here.helpdesk and there.helpdesk
               else "a metric reads the columns of the first input that has it")
        line += f"; it is {_a(here.name)} export and {origin} {_a(there.name)} one: {why}, so score them separately, each then read through its own layout"
    return line


def _a(name: str) -> str:
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _duplicate_ids(source: Source) -> str | None:
    """A warning when the response-id column repeats a value in the first rows."""
    for index, column in enumerate(source.columns):
        if is_id_column(column):
            values = sample_values(source.sample, index)
            repeated = len(values) - len(set(values))
            if repeated:
                return f"{source.info.path}: {repeated} response id(s) in {column!r} appear more than once in the first {len(values):,} rows; the same response may be counted twice"
            return None
    return None


def _many_segments(by: list[str], found: str, limit: int) -> str:
    return (
        f"--by {' × '.join(by)}: {found} (more than {limit:,}): a row each, mostly too few answers to judge, slow and large; "
        "--top N or --bottom N keep the best or worst with at least --min-n answers (--warn-segments N moves this threshold)"
    )


#: Kinds read from per-interval or per-period summary rows (counts and averages, not one ticket or call a row).
SUMMARY_ROW_KINDS = ("ratio", "weighted_average")


#: An input whose sampled rows (at least ``ONE_WORKER_SAMPLE``) are nearly all distinct --by values
#: (this share or more; about 50,000 segments and up) is read by one worker: with two, each numbers
#: every key and the parent unpickles and renumbers them all again (bench/results.md, Many segments).
ONE_WORKER_SHARE = 0.98
ONE_WORKER_SAMPLE = 1000


def one_worker_for(sources: list[Source], by: list[str], processes: int, notify: Notify) -> int:
    """The worker processes to read with: one when an input's sample shows nearly a segment per row
    (said on stderr when CXSCORE_WORKERS asked for more), else ``processes``."""
    if processes <= 1 or not by or FILE in by:
        return processes
    for source in sources:
        try:
            distinct = _sampled_segments(source, by)
        except ColumnError:
            continue  # reported where the columns are chosen
        sampled = len(source.sample)
        if sampled >= ONE_WORKER_SAMPLE and distinct >= ONE_WORKER_SHARE * sampled:
            if "CXSCORE_WORKERS" in os.environ:
                notify(f"reading with one worker, not CXSCORE_WORKERS={processes}: {distinct:,} distinct --by values in the first {sampled:,} rows of "
                       f"{source.info.path} (with more, each worker numbers every segment and this process again)")
            return 1
    return processes


def _many_in_samples(sources: list[Source], by: list[str], limit: int) -> str | None:
    """The warning, when the first rows of one input alone already hold more distinct --by values than ``limit``."""
    if FILE in by:
        return None  # one value per input: a sample cannot tell
    for source in sources:
        seen = _sampled_segments(source, by)
        if seen > limit:
            return _many_segments(by, f"{seen:,} distinct values in the first {len(source.sample):,} rows of {source.info.path} alone", limit)
    return None


def _sampled_segments(source: Source, by: list[str]) -> int:
    """How many distinct --by segments the input's sample rows hold (ColumnError for a --by column it lacks)."""
    indexes = [source.columns.index(resolve_column(name, source.columns, source.info.path, f"{param('by')} {name}")) for name in by]
    return len({tuple((row[i] or "").strip() for i in indexes) for row in source.sample})


def _ignored_options(sources: list[Source], options: Settings) -> list[str]:
    """Warnings for options that do not apply: --sheet for text, --encoding for a workbook, --baseline
    and --trend without periods."""
    warnings = []
    if options.period is None and (options.baseline > 1 or options.trend):
        warnings.append("--baseline and --trend compare periods and were ignored: give --period (e.g. --period week)")
    for source in sources:
        text = source.info.format == "csv"
        if options.sheet is not None and text:
            warnings.append(f"{source.info.path}: --sheet {options.sheet!r} was ignored: the input is delimited text, not a workbook")
        if options.encoding is not None and not text:
            warnings.append(f"{source.info.path}: --encoding {options.encoding} was ignored: a workbook carries its own encoding")
    return warnings


def _examples(examples: dict[str, int]) -> str:
    return ", ".join(f"{text!r} ×{count}" for text, count in examples.items())


def score(
    inputs: Input | Sequence[Input],
    config: Config | None = None,
    options: Options | None = None,
    *,
    notify: Notify = _quiet,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    warn: Notify = _quiet,
    processes: int | None = None,
    part_bytes: int = MIN_PART_BYTES,
    block_bytes: int = BLOCK_BYTES,
) -> Report:
    """Score NPS, CSAT and CES over one or more inputs: paths, ``-`` for standard input, pyarrow Tables
    or pandas DataFrames (each read as the CSV export it holds would be); one input may be given alone.

    ``notify`` receives one-line messages (columns chosen and why); ``progress`` is called about ten
    times a second while reading with (bytes read, bytes in all or None, rows read). ``warn`` receives
    the warnings that cannot wait for the end (they are in the report's warnings too). ``processes``:
    worker processes (default: :func:`cxscore.scan.workers`); a text file is cut into parts of at
    least ``part_bytes``, read ``block_bytes`` at a time. The two stages, :func:`tally_inputs` then
    :func:`analyse`.
    """
    settings = resolve(config, options)
    tallied = tally_inputs(inputs, config, settings, notify=notify, stdin=stdin, progress=progress, warn=warn, processes=processes, part_bytes=part_bytes, block_bytes=block_bytes)
    return analyse(tallied, settings, notify=notify)


def open_sources(inputs: Input | Sequence[Input], settings: Settings, stdin: BinaryIO | None, notify: Notify,
                 before: Callable[[list[str | Source]], None] | None = None) -> tuple[list[str | Source], list[Source], list[str]]:
    """The inputs opened as every command opens them (folders expanded, each file once, standard input
    once), each detected non-UTF-8 encoding said: the inputs as given (listed), the sources, and the
    warnings about inputs given twice. ``before`` checks the inputs before any is opened."""
    opened = open_inputs(inputs)
    if not opened:
        raise InputError("no input given", "pass one or more export files, or - for standard input")
    if list(opened).count("-") > 1:
        raise InputError("standard input (-) is given more than once", "standard input can be read once: pass - once, or save it to a file and pass the file")
    if before is not None:
        before(opened)
    paths, repeats = distinct_inputs(expand_inputs(opened))
    sources = [open_source(path, encoding=settings.encoding, sheet=settings.sheet, stdin=stdin) for path in paths]
    for source in sources:
        encoding = source.info.encoding
        if source.info.encoding_detected and encoding is not None and not is_utf8(encoding):
            notify(f"{source.info.path}: text encoding {source.info.encoding} ({source.info.encoding_reason}); --encoding overrides")
    return opened, sources, repeats


def tally_inputs(
    inputs: Input | Sequence[Input],
    config: Config | None,
    settings: Settings,
    *,
    notify: Notify = _quiet,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    warn: Notify = _quiet,
    processes: int | None = None,
    part_bytes: int = MIN_PART_BYTES,
    block_bytes: int = BLOCK_BYTES,
) -> Tallied:
    """The first stage: open the inputs, choose the metrics, then read, filter, group and tally every
    part (in worker processes when there are several); what the workers do."""
    config = config or Config()
    grouping = settings.grouping()
    inputs, sources, repeats = open_sources(inputs, settings, stdin, notify, before=lambda opened: dedupe.check_inputs(grouping.dedupe, opened))
    chosen, skipped_ratings, found_in, about = described_metrics(config, sources, notify, settings.metrics or ())
    latest = None if grouping.dedupe or config.metrics else helpdesk.latest_records(sources)
    if latest:  # contact records that repeat (Amazon Connect): each contact's latest record, as --dedupe keeps it
        owner = next(s for s in sources if {c.casefold() for c in latest} <= {c.casefold() for c in s.columns})
        for other in sources:
            lacking = [c for c in latest if c.casefold() not in {h.casefold() for h in other.columns}]
            if lacking:
                raise InputError(f"{other.info.path} has no column {lacking[0]!r}: {owner.info.path} holds {owner.layout.name} contact records, whose latest record per "
                                 f"{latest[0]} (by {latest[1]}) is kept, and every input of a run is read that way",
                                 "score the contact records in a run of their own")
        grouping = replace(grouping, dedupe=latest[0], date_column=grouping.date_column or latest[1])
        dedupe.check_inputs(grouping.dedupe, inputs, owner.layout.name)
    if settings.metrics:
        known = [spec.name for spec, _ in chosen]
        unknown = [m for m in settings.metrics if m not in known]
        if unknown:
            raise CxError(f"{param('metrics')} {unknown[0]!r} is not one of the metrics: {', '.join(known)}", "use a name from the Metric column of the output")
        chosen = [(spec, how) for spec, how in chosen if spec.name in settings.metrics]
    specs = [spec for spec, _ in chosen]
    unweighted = [spec for spec in specs if not spec.kind.weighted]
    if grouping.weight and unweighted:
        summary = sum(spec.kind.name in SUMMARY_ROW_KINDS for spec in unweighted)
        durations = not summary and all(spec.kind.style == "duration" for spec in unweighted)
        one = len(unweighted) == 1
        if summary == len(unweighted):
            what = "is a summary-row metric" if one else "are summary-row metrics (ratios of sums, weighted averages)"
            why = "each row is an interval's or a period's totals, already weighted by its own counts"
        else:
            what = ("is a duration" if one else "are durations") if durations else ("is a call metric" if one else "are duration or call metrics")
            why = "each value is a ticket's, a call's or a summary row's totals, not a respondent's" if summary else "each value is a ticket's or a call's, not a respondent's"
        raise CxError(
            f"{param('weight')} {grouping.weight}: {', '.join(spec.name for spec in unweighted)} {what}, which {'takes' if one else 'take'} no weights ({why})",
            f"score the survey metrics with {param('weight')} and the {'durations' if durations else 'others'} in a run without it ({param('metrics')} NAME picks metrics)",
        )
    check_ids = len(sources) > 1 and not grouping.dedupe
    origins = {spec.name: found_in.get(spec.name, sources[0]).info.path for spec in specs}  # where each metric was chosen
    book: Book[GroupKey] = Book.of(specs)
    if processes is None:
        processes = one_worker_for(sources, grouping.by, workers(), notify)

    def cut(source: Source) -> list:
        return source.parts(processes, part_bytes, block_bytes)

    jobs: list[Job] = []
    owners: list[InputInfo] = []
    first_columns: dict[str, str] = {}  # metric → its column in the first input that has it
    first_reads: dict[str, dict[str, str]] = {}  # metric → the columns it reads by role, there
    gaps: list[tuple[str, str, ColumnError]] = []  # (metric, input, why) for inputs without the metric's column
    unit_doubts: list[str] = []  # what encoders doubt in each input's first rows (a duration's unit)
    for source in sources:
        source_jobs, columns, missing, doubted = plan_jobs(source, chosen, config, grouping, cut, notify, settings.include_incomplete, origins, check_ids, settings.comments)
        jobs += source_jobs
        owners += [source.info] * len(source_jobs)
        gaps += [(name, source.info.path, error) for name, error in missing.items()]
        unit_doubts += doubted
        for name, column in columns.items():
            first_columns.setdefault(name, column)
        for name, read in (source_jobs[0].metric_columns.items() if source_jobs else ()):
            first_reads.setdefault(name, read)
    for spec in specs:
        if spec.name not in first_columns:  # in no input at all
            raise next(error for name, _, error in gaps if name == spec.name)
    guessed = [w for source in sources for w in source.doubts]  # encodings only statistics chose
    layouts = {source.info.path: source.layout for source in sources}
    early_warnings = repeats + guessed + [w for source in sources for w in source.warnings]
    early_warnings += [_gap_warning(name, path, error, origins[name], layouts) for name, path, error in gaps]
    early_warnings += [w for w in map(_duplicate_ids, sources) if w]
    early_warnings += _ignored_options(sources, settings)
    early_warnings += skipped_ratings
    early_warnings += unit_doubts
    early_warnings += [w for spec in specs if (w := blank_points(spec, config.blank_values))]

    def warn_now(message: str) -> None:  # on stderr at once (before the long part), and in the report's warnings
        warn(message)
        early_warnings.append(message)

    limit = settings.warn_segments
    watch_segments = bool(limit and grouping.by and not (settings.top or settings.bottom))
    many = _many_in_samples(sources, grouping.by, limit) if watch_segments else None
    if many:  # before reading, and a row per segment
        warn_now(many)
    if grouping.dedupe:
        notify(dedupe.keep_latest(jobs, processes, grouping.dedupe))
    said, comment_column = _comment_sources(jobs, sources, settings, config.comment_column is not None, early_warnings, notify)
    ids = read_jobs(jobs, owners, processes, book, grouping, said, progress)
    id_repeats = repeated_ids(ids)
    early_warnings += id_repeats
    for source in sources:
        if source.info.rows == 0:
            raise InputError(f"{source.info.path} has a header but no data rows", "check that the export contains responses")
        for rule in response_filters(source.layout, source.columns, settings.include_incomplete):
            notify(exclusion_note(source.info, rule))
    if watch_segments and not many:
        count = len({group.segment for group in book.groups()})
        if count > limit:
            warn_now(_many_segments(grouping.by, f"{count:,} distinct values", limit))
    order_doubts = [doubt for doubt in (_settle_date_order(source.info, stated=grouping.dayfirst is not None) for source in sources) if doubt]
    return Tallied(
        sources=sources,
        chosen=chosen,
        found_in=found_in,
        about=about,
        columns=first_columns,
        reads=first_reads,
        configured=bool(config.metrics),
        book=book,
        said=said,
        comment_column=comment_column,
        by=grouping.by,
        period=grouping.period,
        warnings=early_warnings,
        doubts=[
            (guessed, f"confirm a guessed encoding with {param('encoding')}"),
            (id_repeats, f"keep each respondent once with {param('dedupe')} COLUMN"),
            (order_doubts, f"say the day/month order with {param('dayfirst')} or {param('dayfirst=False')} (dayfirst: in the config)"),
            (unit_doubts, "state a duration's unit in the config (unit: minutes) after checking the column, and its dates' day/month order (dayfirst: true or false)"),
        ],
        order_doubts=order_doubts,
        skipped_ratings=skipped_ratings,
    )


def _analysis(settings: Settings, date_column: str | None, comment_column: str | None) -> Analysis:
    """The report's record of the settings: each Analysis field from the setting of its name (copied),
    the dates written out, and the date and comment columns the reading used."""
    shared = {f.name: copy.copy(getattr(settings, f.name)) for f in fields(Analysis) if f.name in _SETTING_NAMES}
    shared.update(
        since=settings.since.isoformat(sep=" ") if settings.since else None,
        until=settings.until.isoformat(sep=" ") if settings.until else None,
        date_column=date_column,
        comment_column=comment_column,
    )
    return Analysis(**shared)


_SETTING_NAMES = {f.name for f in fields(Settings)}


def read_jobs(jobs: list[Job], owners: list[InputInfo], processes: int, book: Book[GroupKey], grouping: Grouping, said: CommentBook | None = None, progress: Progress | None = None) -> dict[str, dict[str, list]]:
    """Run the jobs (in worker processes when there are several) and add up what they read: each
    part's tallies into ``book``, its comments into ``said``, its row counters into its input's info
    (``owners``, one per job). Returns the response ids per id column and input path. The reading
    half of :func:`tally_inputs`; ``cxscore inspect`` runs it too, with no metric, to count rows."""
    ids: dict[str, dict[str, list]] = {}  # id column → input path → its parts' ids
    parts = run_jobs(jobs, processes, progress)
    parts.reverse()
    for owner, job in zip(owners, jobs):
        part_book, counters, part_ids, part_said = parts.pop()  # each part let go once merged: its histogram blocks with it
        book.merge(part_book)
        del part_book
        if part_said is not None and said is not None:
            said.merge(part_said)
        check_groups(book, grouping)  # parts within the limit may exceed it together
        add_counters(owner, counters)
        if part_ids is not None and job.id_column is not None:
            ids.setdefault(job.id_column, {}).setdefault(owner.path, []).append(part_ids)
    return ids


def analyse(tallied: Tallied, settings: Settings, *, notify: Notify = _quiet) -> Report:
    """The second stage: summaries, intervals, tests, benchmarks, targets and --strict, from the
    tallies alone. ``tallied`` is not changed, so it can be analysed again with other settings (a
    confidence, targets); its grouping (``by``, ``period``) is the one it was read with."""
    specs = tallied.specs
    book, sources, first_columns = tallied.book, tallied.sources, tallied.columns
    settings = replace(settings, by=tallied.by, period=tallied.period)
    early_warnings = list(tallied.warnings)
    fail_under = parse_fail_under(settings.fail_under, specs)
    industry = settings.benchmark
    rows = benchmarks.load(settings.benchmarks_file) if industry else []
    results: list[Sequence[ResultRow]] = []
    alerts, notes = [], []
    unmatched: list[tuple[str, CxError]] = []  # metrics --benchmark found no row for
    by_name = {spec.name: spec for spec in specs}
    for spec in specs:
        metric_rows = build_rows(spec, book, settings)
        notes += interval_notes(spec, metric_rows)
        if industry:
            try:
                attach_benchmark(metric_rows, benchmarks.choose(rows, spec.type, industry, spec.name))
            except CxError as exc:  # this metric has none: the others are still compared
                unmatched.append((spec.name, exc))
        held = kept(metric_rows)  # the rows targets and alerts read: overall, segments, each series' latest
        alerts += judge(spec, held, fail_under.get(spec.name), settings.fail_on_significant_drop, settings.confidence)
        if settings.fail_on_significant_drop:
            for line in latest_changes(spec, held, settings.confidence):
                notify(line)
        results.append(metric_rows)
        if settings.distribution and not settings.distribution_optional and spec.groups:
            notes.append(f"{spec.name}: no distribution: its answers are groups ({', '.join(spec.kind.groups)}), not points of a scale; the groups' shares are its details")
    if unmatched:
        failed = [exc for name, exc in unmatched if by_name[name].type in benchmarks.COMPARABLE]
        if failed and len(failed) == sum(spec.type in benchmarks.COMPARABLE for spec in specs):
            raise failed[0]  # no metric that could have a benchmark has one: --benchmark names nothing
        early_warnings.append(f"--benchmark {industry}: " + "; ".join(f"{name} is not compared ({exc.message})" for name, exc in unmatched) + f"; list them with: cxscore benchmarks --industry {industry}")
    infos = copy.deepcopy([source.info for source in sources])  # this report's own: another analysis gets its own too
    overall = {spec.name: book.rollup(spec.name, everything).get(()) for spec in specs}
    check_scored(specs, overall, first_columns, sources, settings.grouping())
    quality, warnings = _quality(specs, book, overall, first_columns, infos)
    doubts = _scale_doubts(specs, overall, first_columns, configured=tallied.configured)
    warnings = early_warnings + list(doubts.values()) + tallied.order_doubts + warnings + notes
    if settings.strict:
        _enforce_strict(quality, infos, specs, [([*doubts.values(), *tallied.skipped_ratings], "state each doubted scale in a config as its message says"), *tallied.doubts])
    metrics = [_describe(spec, first_columns[spec.name], how, tallied.found_in.get(spec.name, sources[0]), tallied.about.get(spec.name), tallied.reads.get(spec.name)) for spec, how in tallied.chosen]
    for info in metrics:
        info.scale_warning = doubts.get(info.name)
    return Report(
        inputs=infos,
        metrics=metrics,
        results=as_rows(results),
        quality=quality,
        warnings=warnings,
        tool_version=__version__,
        alerts=alerts,
        analysis=_analysis(settings, infos[0].date_column, tallied.comment_column),
        comments=tallied.said.comments(specs, settings.by) if tallied.said else None,
    )


def _comment_sources(jobs: list[Job], sources: list[Source], options: Settings, configured: bool, warnings: list[str], notify: Notify) -> tuple[CommentBook | None, str | None]:
    """The book comments are merged into (None when not asked for, or when no input has a comment
    column and that is allowed) and the first input's comment column; a warning for each input without one."""
    if not options.comments:
        return None, None
    planned = {job.path: job.comments.column for job in jobs if job.comments}
    if not planned:
        if not options.comments_optional:
            if configured:
                raise InputError(f"{param('comments')}: the config's comment_column is in none of the inputs ({', '.join(s.info.path for s in sources)})", "check comment_column: in the config against the headers (cxscore inspect lists them)")
            raise InputError(
                f"{param('comments')}: no comment column found in {sources[0].info.path} ({no_comment_column(sources[0].columns, sources[0].sample, sources[0].layout.questions, set())})",
                "name it in the config: comment_column: COLUMN (or {match: REGEX})",
            )
        why = no_comment_column(sources[0].columns, sources[0].sample, sources[0].layout.questions, set())
        notify(f"comments: no comment column found ({why}), so the report has no comments (comment_column: in the config names one)")
        return None, None
    warnings += [f"comments: {s.info.path} has no comment column, so it adds no comments" for s in sources if s.info.path not in planned]
    return CommentBook(options.comments), next(iter(planned.values()))


def _scale_doubts(specs: list[MetricSpec], overall: dict[str, Accumulator | None], columns: dict[str, str], configured: bool) -> dict[str, str]:
    """Per metric, a warning when the answers scored contradict its scale (see scales.doubt)."""
    doubts = {}
    for spec in specs:
        tally = overall[spec.name]
        text = doubt(spec, columns[spec.name], tally.counts, configured) if spec.scaled and isinstance(tally, Tally) else None  # counts per scale point
        if text:
            doubts[spec.name] = text
    return doubts


def _quality(specs: list[MetricSpec], book: Book[GroupKey], overall: dict[str, Accumulator | None], columns: dict[str, str], inputs: list[InputInfo]) -> tuple[list[Quality], list[str]]:
    quality, warnings = [], []
    rows = sum(i.rows - i.filtered_out - i.outside_dates - i.weight_invalid - i.duplicates_dropped - sum(i.excluded.values()) for i in inputs)
    for spec in specs:
        tally = overall[spec.name]
        n, blank, invalid = (tally.n, tally.blank, tally.invalid) if tally else (0, 0, 0)
        examples = dict(book.invalid_examples.get(spec.name, {}))
        outside = (tally.not_applicable if isinstance(tally, Tally) else 0) if not spec.kind.answer_column else None  # a rate's rows outside its of: (a rate tallies)
        quality.append(Quality(spec.name, columns[spec.name], rows, n, blank, invalid, examples, outside))
        if invalid:
            warnings.append(
                f"{spec.name}: {invalid} invalid answer(s) in column {columns[spec.name]!r} not scored "
                f"({spec.kind.invalid_words(spec)}; e.g. {_examples(examples)})"
                + (f"; {na_hint(codes)}" if (codes := na_codes(spec, examples)) else "")
            )
        if tally is not None:
            warnings += spec.kind.notes(spec, columns[spec.name], tally)
        if n == 0:
            warnings.append(f"{spec.name}: no valid answers in column {columns[spec.name]!r}")
    warnings += input_warnings(inputs)
    return quality, warnings


def input_warnings(inputs: list[InputInfo]) -> list[str]:
    """What reading the inputs left out or doubted, one line each: malformed rows, unpaired quotes, dates
    not understood or placeholders (those rows are in no period), bad weights, excluded rows, --where
    leaving nothing."""
    warnings: list[str] = []
    for i in inputs:
        if i.malformed_rows:
            warnings.append(f"{i.path}: {i.malformed_rows} row(s) with the wrong number of fields were skipped")
        if i.unpaired_quotes:
            warnings.append(_unpaired_quotes(i))
        if i.date_other_order:
            read, other, flag = ("day first", "month first", "--monthfirst") if i.date_order == "day-first" else ("month first", "day first", "--dayfirst")
            warnings.append(
                f"{i.path}: {i.date_other_order} date(s) in {i.date_column!r} fit only {other} (a day over 12 where the month should be) "
                f"while the column was read {read}; they are counted invalid and in no period — pass {flag} if the column is {other}"
            )
        if i.date_invalid > i.date_other_order:
            warnings.append(
                f"{i.path}: {i.date_invalid - i.date_other_order} date(s) in {i.date_column!r} not understood (e.g. {i.date_invalid_example!r}); those rows are in no period "
                "(a date must exist, fall in 1900 to a year from now and be in a format the README lists)"
            )
        if i.date_placeholders:
            warnings.append(
                f"{i.path}: {i.date_placeholders} placeholder date(s) in {i.date_column!r} (such as 1900-01-01, which exports write for 'no date') "
                "read as blank; those rows are in no period"
            )
        if i.weight_invalid:
            warnings.append(f"{i.path}: {i.weight_invalid} row(s) left out for a blank, non-numeric or non-positive weight")
        for reason, count in i.excluded.items():
            warnings.append(f"{i.path}: {count:,} row(s) left out as {reason}")
        if i.rows and i.filtered_out == i.rows:
            warnings.append(f"{i.path}: --where left no rows")
    return warnings


def _settle_date_order(info: InputInfo, stated: bool) -> str | None:
    """After the scan: how the file's day/month order is known, and a warning when it was a guess."""
    if info.date_order_basis is None and not info.date_other_order:
        info.date_order = None  # no date wrote its day and month as numbers: the order did not matter
        return None
    if stated:
        info.date_order_basis = "given"
        return None
    if info.date_order_basis == "assumed" and not info.date_other_order:
        return (
            f"{info.path}: every date in {info.date_column!r} fits both day/month orders (no day is over 12), so they were read month first, "
            "as US exports write them (03/04/2025 = 4 March); pass --dayfirst if they are day first, or --monthfirst to confirm"
        )
    return None


def _unpaired_quotes(info: InputInfo) -> str:
    return (
        f"{info.path}: its quote characters do not pair up, so a quote may be left open and the rows after it read "
        f"as one answer ({info.rows:,} rows were read); check the quoting in the export — unless a field holds a lone "
        f"quote mark such as 27\" in unquoted text, which is harmless"
    )


def _enforce_strict(quality: list[Quality], inputs: list[InputInfo], specs: list[MetricSpec], doubts: list[tuple[list[str], str]]) -> None:
    """Exit 2 on any doubt: invalid answers, malformed rows, bad dates or weights, and each kind of
    warning in ``doubts`` (doubted scales, guessed encodings, …), paired with the hint that settles it —
    a new kind of doubt is one more pair, not one more parameter."""
    problems = [f"{q.metric} ({q.column!r}): {q.invalid} invalid, e.g. {_examples(q.invalid_examples)}" for q in quality if q.invalid]
    problems += [f"{i.path}: {i.malformed_rows} malformed row(s)" for i in inputs if i.malformed_rows]
    problems += [_unpaired_quotes(i) for i in inputs if i.unpaired_quotes]
    problems += [f"{i.path}: {i.date_invalid} unparseable date(s)" for i in inputs if i.date_invalid]
    problems += [f"{i.path}: {i.weight_invalid} invalid weight(s)" for i in inputs if i.weight_invalid]
    problems += [line for lines, _ in doubts for line in lines]
    if problems:
        by_name = {spec.name: spec for spec in specs}
        hints = [f"{q.metric}: {na_hint(codes)}" for q in quality if (codes := na_codes(by_name[q.metric], q.invalid_examples))]
        hints += [hint for lines, hint in doubts if lines]
        hints.append(f"fix the answers, map them with labels: in the config, or drop {param('strict')}")
        raise StrictError(f"{param('strict')}: " + "; ".join(problems), "; ".join(hints))
