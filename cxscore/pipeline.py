"""The library entry point: inputs and a config in, a :class:`~cxscore.model.Report` out.

source ──read──▶ batches ──normalize──▶ codes ──tally──▶ tallies ──score──▶ report
"""
from __future__ import annotations

from typing import BinaryIO, Callable, Optional, Sequence

from . import __version__
from .columns import resolve_column
from .config import Config, MetricSpec
from .detect import detect_metrics
from .errors import InputError, StrictError
from .metrics import compute
from .model import InputInfo, MetricInfo, Quality, Report, ResultRow
from .normalize import AnswerParser, encode
from .sources import Source, open_source
from .tally import TallyBook

Notify = Callable[[str], None]
OVERALL = ()  # the group key of the whole population


def _quiet(_: str) -> None:
    pass


def choose_metrics(config: Config, source: Source, notify: Notify) -> list[tuple[MetricSpec, str]]:
    """The metrics to score with how each was chosen: from the config, or detected in the first input."""
    if config.metrics:
        return [(spec, "config") for spec in config.metrics]
    chosen, skipped = [], []
    for found in detect_metrics(source.columns, source.sample, config.blank_values):
        if found.spec is None:
            skipped.append(f"{found.column!r}: {found.reason}")
            notify(f"skipped column {skipped[-1]}")
            continue
        notify(f"{found.spec.name}: column {found.column!r} ({found.reason})")
        chosen.append((found.spec, f"detected: {found.reason}"))
    if not chosen:
        why = "; ".join(skipped) if skipped else "no header mentions recommend/satisf/easy/effort/推荐/满意/容易"
        raise InputError(
            f"no NPS, CSAT or CES column found in {source.info.path} ({why})",
            "name the columns in a config file (see config.example.yaml) and pass it with --config",
        )
    return chosen


def _describe(spec: MetricSpec, column: str, selected_by: str) -> MetricInfo:
    return MetricInfo(
        name=spec.name,
        type=spec.type,
        column=column,
        selected_by=selected_by,
        scale=[spec.scale.lo, spec.scale.hi],
        bands={key: [band.lo, band.hi] for key, band in spec.bands().items()},
        direction=spec.direction,
    )


def _tally_source(source: Source, specs: list[MetricSpec], parsers: dict[str, AnswerParser], book: TallyBook) -> dict[str, str]:
    where = source.info.path
    columns = {spec.name: resolve_column(spec.column, source.columns, where, spec.name) for spec in specs}
    needed = list(dict.fromkeys(columns.values()))
    for batch in source.batches(needed):
        for spec in specs:
            book.add(spec.name, encode(batch.column(columns[spec.name]), parsers[spec.name]), [OVERALL])
    return columns


def _examples(examples: dict[str, int]) -> str:
    return ", ".join(f"{text!r} ×{count}" for text, count in examples.items())


def score(
    inputs: Sequence[str],
    config: Optional[Config] = None,
    *,
    encoding: Optional[str] = None,
    sheet: Optional[str] = None,
    strict: bool = False,
    notify: Notify = _quiet,
    stdin: Optional[BinaryIO] = None,
) -> Report:
    """Score NPS, CSAT and CES over one or more inputs (paths, or ``-`` for standard input)."""
    if not inputs:
        raise InputError("no input given", "pass one or more export files, or - for standard input")
    config = config or Config()
    sources = [open_source(path, encoding=encoding, sheet=sheet, stdin=stdin) for path in inputs]
    chosen = choose_metrics(config, sources[0], notify)
    specs = [spec for spec, _ in chosen]
    parsers = {spec.name: AnswerParser(spec, config.blank_values) for spec in specs}
    book = TallyBook(points={spec.name: spec.scale.hi - spec.scale.lo + 1 for spec in specs})
    first_columns: dict[str, str] = {}
    for source in sources:
        columns = _tally_source(source, specs, parsers, book)
        first_columns = first_columns or columns

    results, quality, warnings = [], [], []
    rows = sum(source.info.rows for source in sources)
    for spec in specs:
        tally = book.tally(spec.name, OVERALL)
        value, components = compute(spec, tally)
        results.append(ResultRow(spec.name, spec.type, {}, None, tally.n, tally.blank, tally.invalid, value, components))
        examples = dict(book.invalid_examples.get(spec.name, {}))
        quality.append(Quality(spec.name, first_columns[spec.name], rows, tally.n, tally.blank, tally.invalid, examples))
        if tally.invalid:
            warnings.append(
                f"{spec.name}: {tally.invalid} invalid answer(s) in column {first_columns[spec.name]!r} not scored "
                f"(outside {spec.scale} or not understood; e.g. {_examples(examples)})"
            )
        if tally.n == 0:
            warnings.append(f"{spec.name}: no valid answers in column {first_columns[spec.name]!r}")
    for source in sources:
        if source.info.malformed_rows:
            warnings.append(f"{source.info.path}: {source.info.malformed_rows} row(s) with the wrong number of fields were skipped")
    if strict:
        _enforce_strict(quality, [s.info for s in sources])
    return Report(
        inputs=[source.info for source in sources],
        metrics=[_describe(spec, first_columns[spec.name], how) for spec, how in chosen],
        results=results,
        quality=quality,
        warnings=warnings,
        tool_version=__version__,
    )


def _enforce_strict(quality: list[Quality], inputs: list[InputInfo]) -> None:
    problems = [f"{q.metric} ({q.column!r}): {q.invalid} invalid, e.g. {_examples(q.invalid_examples)}" for q in quality if q.invalid]
    problems += [f"{i.path}: {i.malformed_rows} malformed row(s)" for i in inputs if i.malformed_rows]
    if problems:
        raise StrictError("--strict: " + "; ".join(problems), "fix the answers, map them with labels: in the config, or drop --strict")
