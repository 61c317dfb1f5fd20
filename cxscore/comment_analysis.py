"""``cxscore comments``: what the comments of an export are about, read the way ``score`` reads.

The inputs are opened, filtered (--where, --since/--until) and their metrics found as for ``score``
(:mod:`cxscore.pipeline`); the comment column is the one the workbook's Comments sheet would use
(``comment_column:`` in the config, ``--text``, or detected), the score the metric asked for (``-m``),
else the first NPS, else CSAT, else CES found. Each part's comments, answers, response times and
groups come back as columns (parts read in this process, in input order); then the theme
dictionary (:mod:`cxscore.themes`) and the distinctive terms (:mod:`cxscore.terms`) run over the
whole column at once, and ``--by``/``--period`` give each theme's share per segment or period,
tested against the rest of the comments.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import msgspec
import numpy as np
import pyarrow as pa

from . import dedupe, stats, tidy
from .comments import no_comment_column, said_something, sort_times
from .config import Config, MetricSpec
from .dates import UNDATED, period_label
from .errors import CxError, InputError, StrictError, param
from .grouping import Grouper, GroupKey
from .keydrivers import points
from .normalize import EncodedColumn
from .pipeline import plan_jobs, choose_metrics, input_warnings, open_sources
from .records import InputInfo
from .scan import Job, add_counters, coalesced, run_jobs, typed_or_text
from .settings import Options, resolve
from .sources.base import Source
from .sources.table import Input
from .sources.text import BLOCK_BYTES, MIN_PART_BYTES
from .terms import Distinctive, SegmenterMissing, band_rows, distinctive_terms
from .themes import ThemeReport, Themes, load_themes, mentions_by, theme_stats, two_proportions
from .version import __version__

if TYPE_CHECKING:
    import pandas

#: The theme table's columns (CSV, Arrow, pandas); the --by columns come after ``metric``.
THEME_FIELDS = ["metric", "period", "theme", "comments", "mentions", "pct", "rest_pct", "p_value", "p_adjusted", "significant", "low_n",
                "unhappy_pct", "happy_pct", "z", "n", "value", "ci_low", "ci_high", "impact"]
#: Without a theme dictionary the CSV is the distinctive terms (the JSON's ``terms.terms[]`` items).
TERM_FIELDS = ["metric", "group", "term", "words", "z", "delta", "count", "count_other"]
#: The theme table's row of comments that mention no theme.
UNTAGGED = "(untagged)"
_F, _I, _S, _B = pa.float64(), pa.int64(), pa.string(), pa.bool_()

Notify = Callable[[str], None]
#: The kinds a comment run can score, in the order one is chosen when -m does not name it.
PREFERRED = ("nps", "csat", "ces")


def _quiet(_: str) -> None:
    pass


@dataclass
class Share:
    """One theme's share of one segment's (or period's) comments, tested against the other comments."""

    segment: dict[str, str]  # the --by values ({} for a period row)
    period: str | None  # the period label (None for a segment row)
    theme: str
    comments: int
    mentions: int
    pct: float | None
    rest_pct: float | None  # the share among all the other comments
    p_value: float | None
    p_adjusted: float | None  # Benjamini–Hochberg across the breakdown's cells
    significant: bool
    low_n: bool  # fewer comments than min_n: shown, too few to judge


@dataclass
class CommentRun:
    """A comments run: the themes' figures (None without a dictionary), the distinctive terms (None when
    skipped), the per-segment and per-period shares, and what was read and chosen."""

    metric: MetricSpec
    text_column: str
    text_why: str
    themes_file: str | None
    report: ThemeReport
    terms: Distinctive | None
    terms_skipped: str | None  # why there are no terms (no rjieba for Chinese, --no-terms)
    segments: list[Share]
    periods: list[Share]
    by: list[str]
    period: str | None
    confidence: float
    min_n: int
    inputs: list[InputInfo]
    warnings: list[str]
    theme_names: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # inputs without the comment column, left out (warned)
    cells: list[Share] = field(default_factory=list)  # segment × period (with --by and --period), each tested against the other dated comments

    def low_n(self, n: int) -> bool:
        return n < self.min_n

    def columns(self) -> list[str]:
        """The theme table's columns: ``metric``, the --by columns, then :data:`THEME_FIELDS`'s others."""
        return [THEME_FIELDS[0], *self.by, *THEME_FIELDS[1:]]

    def rows(self) -> list[list]:
        """The theme table, aligned with :meth:`columns`: one row per theme over all comments, the untagged row,
        then one per theme and segment, period, or segment × period (segment columns empty on the overall rows)."""
        doc = self.to_dict()

        def row(segment: dict[str, str], values: dict) -> list:
            return [self.metric.name, *(segment.get(b) for b in self.by), *(values.get(k) for k in THEME_FIELDS[1:])]

        out = [row({}, {**t, "comments": doc["comments"], "pct": t["pct_of_comments"]}) for t in doc["themes"]]
        if self.themes_file:
            out.append(row({}, {"theme": UNTAGGED, "comments": doc["comments"], "mentions": doc["untagged"], "pct": doc["untagged_pct"]}))
        out += [row(s["segment"], s) for s in [*doc["segments"], *doc["periods"], *doc["cells"]]]
        return out

    def term_rows(self) -> list[list]:
        """The distinctive terms, aligned with :data:`TERM_FIELDS`, as JSON ``terms.terms[]`` (positive z: the unhappy band's)."""
        terms = self.to_dict()["terms"]
        return [[self.metric.name, *(t[k] for k in TERM_FIELDS[1:])] for t in (terms["terms"] if terms else [])]

    def to_arrow(self) -> pa.Table:
        """The theme table (the CSV's columns with a themes file) as Arrow."""
        types = {"comments": _I, "mentions": _I, "n": _I, "significant": _B, "low_n": _B, "metric": _S, "period": _S, "theme": _S}
        return tidy.rows_table(self.columns(), [_S, *[_S] * len(self.by), *(types.get(k, _F) for k in THEME_FIELDS[1:])], self.rows())

    def to_pandas(self) -> pandas.DataFrame:
        """:meth:`to_arrow` as a pandas DataFrame (pandas is optional: install it to use this)."""
        return tidy.to_pandas(self.to_arrow(), "CommentRun")

    def terms_to_arrow(self) -> pa.Table:
        """The distinctive terms (the CSV's columns without a themes file) as Arrow; no rows when they were skipped."""
        return tidy.rows_table(TERM_FIELDS, [_S, _S, _S, _I, _F, _F, _I, _I], self.term_rows())

    def terms_to_pandas(self) -> pandas.DataFrame:
        """:meth:`terms_to_arrow` as a pandas DataFrame."""
        return tidy.to_pandas(self.terms_to_arrow(), "CommentRun")

    def to_dict(self) -> dict:
        """The JSON document (README: "JSON of cxscore comments"); versioned on its own."""
        r = self.report
        terms = None
        if self.terms is not None:
            t = self.terms
            terms = {
                "groups": list(r.bands), "comments": [t.comments_a, t.comments_b], "non_answers": t.non_answers,
                "terms": [{"group": group, "term": x.term, "words": x.words, "z": x.z, "delta": x.delta, "count": own, "count_other": other}
                          for group, side in zip(r.bands, (t.a, t.b)) for x in side
                          for own, other in [(x.count_a, x.count_b) if side is t.a else (x.count_b, x.count_a)]],
                "warnings": t.warnings,
            }
        return {
            "document": "cxscore.comments",
            "schema_version": 1,
            "tool_version": __version__,
            "metric": {"name": self.metric.name, "type": self.metric.type, "column": self.metric.column, "scale": [self.metric.scale.lo, self.metric.scale.hi]},
            "bands": list(r.bands),
            "text_column": self.text_column,
            "text_column_why": self.text_why,
            "themes_file": self.themes_file,
            "comments": r.comments,
            "non_answers": r.non_answers,
            "overall": r.overall,
            "untagged": r.untagged if self.themes_file else None,
            "untagged_pct": r.untagged_pct if self.themes_file else None,
            "untagged_sample": r.untagged_sample if self.themes_file else [],
            "confidence": self.confidence,
            "min_n": self.min_n,
            "themes": [{**vars(s), "significant": s.p_adjusted is not None and s.p_adjusted < 1 - self.confidence, "low_n": self.low_n(s.n)}
                       for s in r.themes],
            "by": self.by,
            "period": self.period,
            "segments": [vars(s) for s in self.segments],
            "periods": [vars(s) for s in self.periods],
            "cells": [vars(s) for s in self.cells],
            "terms": terms,
            "terms_skipped": self.terms_skipped,
            "inputs": [{"path": i.path, "rows": i.rows, "filtered_out": i.filtered_out, "outside_dates": i.outside_dates,
                        "skipped": i.path in self.skipped} for i in self.inputs],
            "warnings": self.warnings,
        }


@dataclass
class Part:
    """What one part of an input gives: its comments, answers (scale points, NaN: none), response times,
    each row's group (an index into ``keys``), the answers not understood, and its row counters."""

    texts: list[pa.Array]
    points: list[np.ndarray]
    times: list[np.ndarray]
    groups: list[np.ndarray]
    keys: list[GroupKey]
    invalid: Counter
    info: InputInfo


@typed_or_text
def read_comments(job: Job, types: dict) -> Part:
    """One part's comments with their answers, times and groups, filtered as score filters."""
    info = InputInfo(path=job.path, format="")
    grouper = Grouper(job.grouping, job.source_columns, info, job.date_column, job.exclusions, job.blank_values, job.segment_blanks)
    grouper.keep_rows = job.keep_rows
    grouper.track_rows = True
    plan = job.comments
    assert plan is not None  # jobs without a comment column are refused before reading
    spec = job.specs[0]
    encoder = spec.kind.encoder(spec, job.metric_columns[spec.name], job.blank_values)
    part = Part([], [], [], [], [], Counter(), info)
    known: dict[GroupKey, int] = {}
    needed = list(dict.fromkeys([*encoder.columns, *grouper.columns(), plan.column, *([plan.date_column] if plan.date_column else [])]))
    for batch in coalesced(job.part.batches(needed, info, None, types)):
        batch, keys, index, _ = grouper.apply(batch)
        encoded = encoder.encode(batch)
        if not isinstance(encoded, EncodedColumn):  # rating metrics only (PREFERRED)
            raise TypeError(f"{spec.name}: comments are scored by a rating, not a {type(encoded).__name__}")
        part.invalid.update(encoded.invalid_texts)
        part.points.append(points(encoded.codes, spec))
        part.texts.append(batch.column(plan.column).cast(pa.string()))
        part.times.append(sort_times(batch, plan, grouper.kept_times if plan.date_column == job.date_column else None))  # undated: the oldest
        codes = np.array([known.setdefault(key, len(known)) for key in keys], dtype=np.int64)
        part.groups.append(codes[index] if len(codes) else np.zeros(0, dtype=np.int64))
    part.keys = list(known)
    return part


def choose_metric(found: list[MetricSpec], wanted: str | None) -> MetricSpec:
    """The metric comments are scored by: the one named, else the first NPS, else CSAT, else CES."""
    rated = [spec for spec in found if spec.type in PREFERRED]
    names = ", ".join(spec.name for spec in found)
    if wanted:
        spec = next((s for s in found if wanted in (s.name, s.column)), None)
        if spec is None:
            raise CxError(f"{param('metrics')} {wanted!r} is not one of the metrics found: {names}", "name one of them, or describe the column in a config")
        if spec not in rated:
            raise CxError(f"{param('metrics')} {wanted!r} is {spec.kind.article}, not a rating with unhappy and happy answers", "choose an NPS, CSAT or CES metric")
        return spec
    for kind in PREFERRED:
        spec = next((s for s in rated if s.type == kind), None)
        if spec is not None:
            return spec
    raise CxError(f"no NPS, CSAT or CES rating was found to score the comments by (metrics found: {names})", "describe the rating column in a config (see config.example.yaml)")


def _shares(matrix: np.ndarray, real: np.ndarray, groups: np.ndarray, labels: Callable[[int], tuple[dict[str, str], str | None]],
            names: list[str], confidence: float, min_n: int) -> list[Share]:
    """Each theme's share of each group's comments against the other comments' (pooled two-proportion
    z test), p-values Benjamini–Hochberg adjusted across every cell of the breakdown."""
    keys, comments, counts = mentions_by(matrix, real, groups)
    total, mentioned = int(comments.sum()), counts.sum(axis=0)
    out: list[Share] = []
    tests: list[float] = []
    for g, key in enumerate(keys.tolist()):
        segment, period = labels(key)
        for j, name in enumerate(names):
            n, x = int(comments[g]), int(counts[g, j])
            rest_n, rest_x = total - n, int(mentioned[j]) - x
            test = two_proportions(x, n, rest_x, rest_n)
            if test is not None:
                tests.append(test[1])
            out.append(Share(segment, period, name, n, x, 100 * x / n if n else None, 100 * rest_x / rest_n if rest_n else None,
                             None if test is None else test[1], None, False, n < min_n))
    adjusted = iter(stats.benjamini_hochberg(tests))
    for share in out:
        if share.p_value is not None:
            share.p_adjusted = next(adjusted)
            share.significant = share.p_adjusted < 1 - confidence and not share.low_n
    return out


def _no_comment_column(paths: list[str], named: str | None, text: str | None, why: str) -> InputError:
    """The refusal when no input has the comment column: the named column is not a header, or none was detected."""
    where = paths[0] if len(paths) == 1 else f"any of the {len(paths)} inputs ({', '.join(paths)})"
    if named is not None:
        return InputError(f"{param('text') if text else 'comment_column'}: {named!r} is not a column of {where}", "name the comment column exactly as its header is written (cxscore inspect lists them)")
    return InputError(f"no comment column found in {where} ({why})", f"name it with {param('text')} COLUMN")


def analyse_comments(
    inputs: Input | Sequence[Input],
    config: Config | None = None,
    options: Options | None = None,
    *,
    themes: str | Path | Themes | None = None,
    text: str | None = None,
    metric: str | None = None,
    terms: bool = True,
    notify: Notify = _quiet,
    stdin: BinaryIO | None = None,
    processes: int | None = None,
    block_bytes: int = BLOCK_BYTES,
) -> CommentRun:
    """Themes (from the dictionary ``themes``: a YAML path or parsed :class:`Themes`) and distinctive terms of
    the comments in ``text`` (default: the column the Comments sheet would use), scored by ``metric``
    (default: NPS, else CSAT, else CES). ``options`` filter and group as for :func:`cxscore.score`
    (where, since, until, by, period, confidence, min_n, strict). ``processes`` cuts each input into that many
    parts (default one), all read in this process. Refusals are CxErrors."""
    if themes is None and not terms:
        raise CxError("nothing to show: no theme dictionary and no distinctive terms", f"give a dictionary with {param('themes')} themes.yaml, or drop {param('terms')}")
    themes_file = None if themes is None else "(given)" if isinstance(themes, Themes) else str(themes)
    dictionary = themes if isinstance(themes, Themes) or themes is None else load_themes(themes)  # a bad dictionary stops before any reading
    settings = resolve(config, options)
    config = config or Config()
    if text is not None:
        config = msgspec.structs.replace(config, comment_column=text)
    _, sources, repeats = open_sources(inputs, settings, stdin, notify)
    found, noted, found_in = choose_metrics(config, sources, notify)
    spec = choose_metric([s for s, _ in found], metric or (settings.metrics[0] if settings.metrics else None))
    how = next(h for s, h in found if s is spec)
    notify(f"comments are scored by {spec.name} ({spec.type}; -m names another)")
    grouping = settings.grouping()
    processes = 1 if processes is None else processes
    origins = {spec.name: found_in.get(spec.name, sources[0]).info.path}
    jobs: list[Job] = []
    owners: list[InputInfo] = []
    lacking: list[str] = []  # inputs without the comment column: skipped (and said) while another has one
    read: list[Source] = []
    for source in sources:
        source_jobs, _, missing, doubted = plan_jobs(source, [(spec, how)], config, grouping, lambda s: s.parts(processes, MIN_PART_BYTES, block_bytes),
                                                 notify, settings.include_incomplete, origins, False, 1)
        noted += doubted
        if missing:
            raise next(iter(missing.values()))
        if not source_jobs or source_jobs[0].comments is None:
            lacking.append(source.info.path)
            continue
        read.append(source)
        jobs += source_jobs
        owners += [source.info] * len(source_jobs)
    if not jobs:
        first = sources[0]
        raise _no_comment_column([s.info.path for s in sources], config.comment_column, text, no_comment_column(first.columns, first.sample, first.layout.questions, set()))
    left_out = [f"{path}: " + (f"the comment column {config.comment_column!r} is not one of its columns" if config.comment_column is not None else "no comment column found")
               + " — input skipped, its rows are left out of the comments" for path in lacking]
    plan = jobs[0].comments
    assert plan is not None
    if grouping.dedupe:
        notify(dedupe.keep_latest(jobs, processes, grouping.dedupe))
    # Read in this process, one part after another, not by forked workers as score reads: reading is a small share of
    # a comments run (matching runs on every core, in threads), and a worker cost more than it saved — on 1M comments
    # 120k page faults against 54k (the parent's memory copied on write after the fork, the worker's texts sent back),
    # ~0.3 s of system time, for no shorter run.
    parts: list[Part] = run_jobs(jobs, 1, None, read_comments)
    keys: dict[GroupKey, int] = {}
    invalid: Counter = Counter()
    columns: dict[str, list] = {"texts": [], "points": [], "times": [], "groups": []}
    for part, owner in zip(parts, owners):
        add_counters(owner, part.info)
        invalid.update(part.invalid)
        remap = np.array([keys.setdefault(key, len(keys)) for key in part.keys], dtype=np.int64)
        columns["texts"] += part.texts
        columns["points"] += part.points
        columns["times"] += part.times
        columns["groups"] += [remap[g] if len(remap) else g for g in part.groups]
    for source in read:
        if source.info.rows == 0:
            raise InputError(f"{source.info.path} has a header but no data rows", "check that the export contains responses")
    texts = pa.chunked_array(columns["texts"], pa.string()).combine_chunks()
    answers = np.concatenate(columns["points"]) if columns["points"] else np.zeros(0)
    times = np.concatenate(columns["times"]) if columns["times"] else np.zeros(0, dtype=np.int64)
    groups = np.concatenate(columns["groups"]) if columns["groups"] else np.zeros(0, dtype=np.int64)

    warnings = [*repeats, *left_out, *(w for s in sources for w in s.doubts), *(w for s in sources for w in s.warnings), *noted, *input_warnings([s.info for s in read])]
    if invalid:
        warnings.append(f"{spec.name}: {sum(invalid.values())} answer(s) not understood, so those comments count without a score (e.g. {', '.join(f'{t!r} ×{n}' for t, n in invalid.most_common(3))})")
    if settings.strict and (problems := warnings[len(repeats):]):
        raise StrictError(f"{param('strict')}: " + "; ".join(problems), f"fix the answers, map them with labels: in the config, or drop {param('strict')}")
    blank_values = list(dict.fromkeys(value for job in jobs for value in job.blank_values))  # the config's and each layout's
    real = said_something(texts, blank_values)
    if not real.any():
        raise InputError(f"no comments to analyse: column {plan.column!r} is blank or a non-answer (n/a, nothing, 无, …) in all {len(texts):,} row(s) read",
                         f"check the column (cxscore inspect shows it), or name another with {param('text')}")
    chosen_themes = dictionary or Themes([])
    matrix = chosen_themes.match(texts) & real[:, None]
    report = theme_stats(texts, answers, spec, chosen_themes, times, settings.confidence, settings.nps_interval, blank_values, matrix=matrix, real=real)
    if dictionary is not None:
        warnings += report.warnings
        if report.themes and not matrix.any():
            warnings.append(f"no comment mentions any theme of {themes_file} ({report.comments:,} comments, all untagged): check the dictionary's words and language against the comments")
    names = chosen_themes.names
    by_keys = list(keys)
    segments: list[Share] = []
    periods: list[Share] = []
    cells: list[Share] = []
    if dictionary is not None and grouping.by and len(texts):
        place: dict[tuple[str, ...], int] = {}
        segment_of = np.array([place.setdefault(k.segment, len(place)) for k in by_keys], dtype=np.int64)
        labels = list(place)
        segments = _shares(matrix, real, segment_of[groups], lambda c: (dict(zip(grouping.by, labels[c])), None), names, settings.confidence, settings.min_n)
    if dictionary is not None and grouping.period and len(texts):
        period_of = np.array([k.period for k in by_keys], dtype=np.int64)[groups]
        period = grouping.period
        dated = period_of != UNDATED  # a row without a usable date is in no period (as for score), still in the figures over all comments
        periods = _shares(matrix[dated], real[dated], period_of[dated], lambda c: ({}, period_label(c, period)), names, settings.confidence, settings.min_n)
        if segments:  # segment × period: segments in their order, each one's periods in time order
            times = np.unique(period_of[dated])
            cell_of = segment_of[groups][dated] * len(times) + np.searchsorted(times, period_of[dated])
            cells = _shares(matrix[dated], real[dated], cell_of, lambda c: (dict(zip(grouping.by, labels[c // len(times)])), period_label(int(times[c % len(times)]), period)),
                            names, settings.confidence, settings.min_n)
    found_terms, skipped = None, None if terms else "--no-terms"
    if terms:
        unhappy, happy = band_rows(answers, spec)
        try:
            found_terms = distinctive_terms(texts, unhappy, happy, names=report.bands, user_words=chosen_themes.chinese_words(), blank_values=blank_values)
            warnings += found_terms.warnings
        except SegmenterMissing as exc:
            skipped = f"{exc.message} ({exc.hint})"
            warnings.append(f"distinctive terms left out: {skipped}; the themes need nothing extra")
    if dictionary is None:
        notify("no --themes dictionary given: distinctive terms only (themes.example.yaml is a starter to copy)")
    return CommentRun(spec, plan.column, "config" if config.comment_column is not None else "detected", themes_file, report, found_terms, skipped,
                      segments, periods, list(grouping.by), grouping.period, settings.confidence, settings.min_n, [s.info for s in sources], warnings, names, lacking, cells)

