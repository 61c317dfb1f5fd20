"""``cxscore inspect``: what an export looks like and what zero-config scoring would do with it."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

import msgspec
import pyarrow as pa

from .columns import resolve_column
from .config import Config, MetricSpec
from .dates import choose_order, detect_date_column, parse_dates
from .detect import NEVER_SCORED
from .helpdesk import detect
from .grouping import Grouping
from .normalize import INVALID, AnswerParser
from .scales import doubt, na_codes
from .comments import find_comment_column, no_comment_column
from .accumulators import Book
from .encoders import ANSWERS
from .errors import ColumnError
from .pipeline import read_jobs
from .render.agents import is_agent_header
from .scan import Job, workers
from .sources import open_source
from .sources.base import Source, sample_values
from .sources.layouts import is_id_column, response_filters

MAX_SEGMENT_VALUES = 50


def _role(column: str, values: list[str], layout, metrics: dict, date_column: str | None, comment: tuple[str, str] | None, groups_of: dict[str, str]) -> tuple[str, str]:
    """A guessed role for a column and a short reason (``groups_of``: columns of groups → the rating they were made from)."""
    if column in metrics:
        spec = metrics[column]
        if spec.groups:
            return f"metric: {spec.type}", f"{spec.name}, from its groups"
        if not spec.scaled or not spec.kind.answer_column:
            return f"metric: {spec.type}", spec.name
        return f"metric: {spec.type}", f"{spec.name}, scale {spec.scale}" + (f", offset {spec.offset:+d}" if spec.offset else "")
    if column in groups_of:
        return "companion", f"the groups of {groups_of[column]!r}: checked against it, not scored"
    if NEVER_SCORED.search(column):
        return "companion", "NPS group of another column; never scored"
    if column == date_column:
        return "date", "the response date"
    if comment and column == comment[0]:
        return "comments", f"{comment[1]}: the report's Comments sheet, score --comments"
    distinct = set(values)
    if is_id_column(column) or (len(values) > 20 and len(distinct) == len(values) and all(re.fullmatch(r"[\w.-]+", v) for v in values)):
        return "id", _uniqueness(values)
    if column in layout.metadata:
        return "metadata", f"{layout.name} metadata"
    if values and parse_dates(pa.array(values, pa.string()), dayfirst=None).null_count <= 0.1 * len(values):
        return "date", "holds dates"
    if values and len(distinct) <= MAX_SEGMENT_VALUES and len(distinct) < max(2, 0.5 * len(values)):
        return "segment", f"{len(distinct)} distinct values"
    if values and sum(len(v) for v in values) / len(values) > 15:
        return "free text", "long, mostly distinct answers"
    return "other", f"{len(distinct)} distinct values"


def _uniqueness(values: list[str]) -> str:
    """What the sampled values say of an id column's uniqueness: an id named so by its header (序号) may
    repeat (140 of a 问卷星 download's did), and its own top values would then contradict a bare claim."""
    repeats = [count for count in Counter(values).values() if count > 1]
    if not repeats:
        return "unique per response"
    repeated, rows = len(repeats), sum(repeats)
    return f"{'mostly unique' if len(set(values)) >= 0.9 * len(values) else 'NOT unique'}: {repeated:,} value(s) repeated, on {rows:,} of the {len(values):,} sampled rows"


def inspect(path: str, *, encoding: str | None = None, sheet: str | None = None, include_incomplete: bool = False, config: Config | None = None) -> dict[str, Any]:
    """Layout, encoding, rows, exclusions, each column's role and values, and the zero-config plan."""
    config = config or Config()
    source = open_source(path, encoding=encoding, sheet=sheet)
    layout = source.layout
    detections, service = detect(source.columns, source.sample, config.blank_values, layout)
    metrics = {d.column: d.spec for d in detections if d.spec and d.default}
    blank_values = [*config.blank_values, *layout.blank_values]
    checks = {d.spec.name: _sample_check(d.spec, d.column, blank_values, lambda c: sample_values(source.sample, source.columns.index(c))) for d in detections if d.spec}
    reads = {d.spec.name: _read_columns(d.spec, d.column, source) for d in detections if d.spec}
    used = {column for d in detections if d.spec and d.default for column in reads[d.spec.name]}
    date_column, date_reason = detect_date_column(source.columns, source.sample, config.dayfirst)
    order = choose_order(sample_values(source.sample, source.columns.index(date_column)), config.dayfirst) if date_column else None
    comment = find_comment_column(source.columns, source.sample, layout.questions, {*metrics, *([date_column] if date_column else [])})
    # Count every row, and the rows the layout leaves out, with the scoring machinery itself.
    exclusions = response_filters(layout, source.columns, include_incomplete)
    first = {"rows": {"column": source.columns[0]}}  # one column is enough to count rows
    jobs = [Job(part, source.info.path, source.columns, first, None, [], [], Grouping(), exclusions) for part in source.parts(workers())]
    info = source.info
    read_jobs(jobs, [info] * len(jobs), workers(), Book.of([]), Grouping())
    columns = []
    for index, column in enumerate(source.columns):
        values = sample_values(source.sample, index)
        question = layout.question(column)
        role, why = _role(column, values, layout, metrics, date_column, comment, {d.column: d.groups_of for d in detections if d.groups_of})
        readers = [d.spec.name for d in detections if d.spec and d.default and column in reads[d.spec.name] and column != d.column]
        if readers:
            why += f"; read by {', '.join(readers)}"
        columns.append({
            "column": column,
            "question": question if question != column else None,
            "role": role,
            "why": why,
            "blank_in_sample": len(source.sample) - len(values),
            "top_values": [[value, count] for value, count in Counter(values).most_common(5)],
        })
    return {
        "path": info.path,
        "layout": layout.name,
        "notes": [*layout.notes, *source.doubts, *source.warnings],
        "format": info.format,
        "encoding": info.encoding,
        "encoding_reason": info.encoding_reason,
        "delimiter": info.delimiter,
        "sheet": info.sheet,
        "header_rows": info.header_rows,
        "rows": info.rows,
        "excluded": dict(info.excluded),
        "malformed_rows": info.malformed_rows,
        "sample_rows": len(source.sample),
        "columns": columns,
        "plan": {
            "metrics": [_planned(d, checks, reads) for d in detections if d.spec and d.default],
            "skipped": [{"column": d.column, "type": d.type, "why": d.reason} for d in detections if not d.spec],
            "platform": service.platform if service else None,
            "alternatives": [_planned(d, checks, reads) for d in detections if d.spec and not d.default],
            "not_planned": [{"name": name, "why": why} for name, why in service.missing] if service else [],
            "doubts": service.doubts if service else [],
            "checks": service.notes if service else [],
            "not_used": [c for c in source.columns if c not in used and c != date_column] if service else [],
            "date_column": date_column,
            "date_why": date_reason + (f"; {order.note}" if order and order.note else ""),
            "date_order": (None if not order or order.basis is None else "day-first" if order.dayfirst else "month-first"),
            "date_order_basis": order.basis if order else None,
            "comment_column": comment[0] if comment else None,
            "comment_why": comment[1] if comment else no_comment_column(source.columns, source.sample, layout.questions, {*metrics, *([date_column] if date_column else [])}),
        },
        "_detections": detections,
        "_not_applicable": {name: codes for name, (_, codes) in checks.items() if codes},
        "_date_order_note": order.note if order else None,
        "_dedupe": service.dedupe if service else None,
        "_agent": next((c for c in source.columns if is_agent_header(c)), None) if service else None,
    }


def _read_columns(spec: MetricSpec, column: str, source: Source) -> list[str]:
    """The columns a metric reads, resolved as the scoring run resolves them (``kind.columns`` by role):
    its answer column, a condition's columns, a duration's start and end or summed parts, a wait's
    timestamps, a ratio's counts, an average and its count."""
    try:
        found = [resolve_column(wanted, source.columns, source.info.path, spec.name, source.layout.questions) for wanted in spec.kind.columns(spec).values()]
    except ColumnError:
        return [column]
    return list(dict.fromkeys(found))


def _planned(d, checks: dict, reads: dict) -> dict[str, Any]:
    """One metric of the plan: what it reads and why, what it means (helpdesk KPIs) and what the first rows doubt."""
    spec = d.spec
    entry = {"name": spec.name, "type": d.type, "column": d.column, "why": d.reason, "doubt": checks[spec.name][0] or d.doubt}
    if d.about:
        entry.update(columns=reads[spec.name], definition=d.about["definition"], source=d.about["source"])
        entry.update({key: d.about[key] for key in ("unit", "business_hours") if d.about.get(key) is not None})
        if spec.condition:
            entry.update(condition=spec.condition, of=spec.of)
    return entry


def _sample_check(spec: MetricSpec, column: str, blank_values: list[str], sample) -> tuple[str | None, list[str]]:
    """On the sampled answers: the scale doubt ``score`` would warn about, and "not applicable" codes (0 on 1–5);
    for a duration, what its first rows doubt about its unit; a rate has neither."""
    if spec.type == "duration" and (spec.start or spec.sum):
        return None, []  # timestamps, or parts in their own units: checked when scored
    if spec.type == "duration":
        doubts = spec.kind.column_doubts(spec, {ANSWERS: column}, blank_values, sample)
        return ("; ".join(doubts) or None), []
    if not spec.scaled:
        return None, []
    parser = AnswerParser(spec, blank_values)
    counts = [0] * parser.binning.width
    invalid: Counter = Counter()
    for text, count in Counter(sample(column)).items():
        code = parser.code(text)
        if code >= 0:
            counts[code] += count
        elif code == INVALID:
            invalid[text] += count
    return doubt(spec, column, counts, configured=True), na_codes(spec, dict(invalid))


def starter_config(result: dict[str, Any]) -> str:
    """A commented YAML config that reproduces what zero-config scoring would do, for a person to adjust."""
    lines = [
        f"# cxscore config written by `cxscore inspect {result['path']}` ({result['layout']} layout).",
        "# It reproduces what cxscore does with no config; change what is wrong. Every key: config.example.yaml",
        "version: 1",
        "metrics:",
    ]
    for detection in result["_detections"]:
        if not detection.spec:
            lines.append(f"  # skipped {detection.column!r}: {detection.reason}")
            continue
        if detection.about:
            lines += _service_lines(detection)
            continue
        spec = detection.spec
        lines += [
            f"  - name: {spec.name}",
            f"    type: {spec.type}",
            f"    column: {_quote(spec.column)}",
        ]
        if spec.groups:  # answers given as groups: each group's texts, no scale or bands
            lines += ["    groups:", *(f"      {group}: [{', '.join(_quote(t) for t in texts)}]" for group, texts in spec.groups.items())]
            lines.append(f"    # chosen because: {detection.reason}")
            lines.append(f"    # target: {spec.kind.example_target(spec)}")
            continue
        lines.append(f"    scale: [{spec.scale.lo}, {spec.scale.hi}]")
        lines += [f"    {key}: [{band.lo}, {band.hi}]" for key, band in spec.bands().items()]
        if spec.direction:
            lines.append(f"    direction: {spec.direction}")
        if spec.offset:
            lines.append(f"    offset: {spec.offset}   # stored numbers are option positions: point = number {spec.offset:+d}")
        codes = result["_not_applicable"].get(spec.name)
        if codes:
            shown = ", ".join(f'"{c.strip()}"' for c in codes)
            lines.append(f"    # blank_values: [{shown}]   # not on the {spec.scale} scale: uncomment if it means not applicable")
        lines.append(f"    # chosen because: {detection.reason}")
        doubted = next(m["doubt"] for m in result["plan"]["metrics"] if m["name"] == spec.name)
        if doubted:
            lines.append(f"    # check the scale: {doubted.split(': ', 1)[1]}")
        lines.append(f"    # target: {spec.kind.example_target(spec)}")
    segments = [c["column"] for c in result["columns"] if c["role"] == "segment"]
    plan = result["plan"]
    if result["_dedupe"]:  # records that repeat (Amazon Connect, event logs): the latest row per id, by its update time
        record, updated = result["_dedupe"]
        lines.append(f"dedupe: {_quote(record)}   # keep each {record}'s latest row (by date_column), as scoring with no config does")
        lines.append(f"date_column: {_quote(updated)}")
    elif plan["date_column"]:
        lines.append(f"date_column: {_quote(plan['date_column'])}")
    if result["_agent"]:
        lines.append(f"agent: {_quote(result['_agent'])}   # who handled each ticket or call: --by it gives the workbook's Agents sheet")
    if plan["date_order_basis"] == "assumed":
        lines.append("# dayfirst: false   # no sampled date has a day over 12, so month first (3/4/2025 = 4 March) is a guess: say true or false")
    elif plan["date_order_basis"] == "values":
        lines.append(f"dayfirst: {'true' if plan['date_order'] == 'day-first' else 'false'}   # {result['_date_order_note']}")
    lines.append(f"# segments: [{', '.join(_quote(s) for s in segments[:5])}]   # columns that look like segments")
    lines.append("# period: month")
    return "\n".join(lines) + "\n"


def _service_lines(detection) -> list[str]:
    """A helpdesk KPI as config lines (an alternative commented out), with its definition and source."""
    spec, about = detection.spec, detection.about
    lines = [f"- name: {spec.name}", f"  type: {spec.type}"]
    if spec.column is not None:
        lines.append(f"  column: {_quote(spec.column)}")
    if spec.scaled and spec.type != "rate":
        lines.append(f"  scale: [{spec.scale.lo}, {spec.scale.hi}]")
        lines += [f"  {key}: [{band.lo}, {band.hi}]" for key, band in spec.bands().items()]
    for key in spec.kind.settings:
        value = getattr(spec, key)
        if value is not None and not (key == "better" and value == "higher"):
            lines.append(f"  {key}: {_yaml(value)}")
    if spec.labels:
        lines.append("  labels: {" + ", ".join(f"{_quote(k)}: {v}" for k, v in spec.labels.items()) + "}")
    if spec.blank_values:
        lines.append("  blank_values: [" + ", ".join(_quote(v) for v in spec.blank_values) + "]")
    if spec.type == "duration":
        hours = {True: "business hours", False: "calendar time", None: "hours not stated"}[about.get("business_hours")]
        lines.append(f"  # unit of plain numbers: {about.get('unit') or 'none needed (values carry their units)'}; {hours}")
    lines.append(f"  # definition: {about['definition']}")
    lines.append(f"  # source: {about['source']}")
    if not detection.default:
        return ["  # an alternative (cxscore score -m " + spec.name + "): uncomment to score it", *(f"  # {line}" for line in lines)]
    return [f"  {line}" for line in lines]


def _yaml(value: Any) -> str:
    """A setting's value in YAML flow style, as the config reads it back (a wait's {start, end}, a sum's list)."""
    value = msgspec.to_builtins(value)
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(_yaml, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_quote(str(k))}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (int, float)):
        return repr(value)
    raise TypeError(f"no YAML form for {value!r}")  # a new kind of setting: give it one here


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
