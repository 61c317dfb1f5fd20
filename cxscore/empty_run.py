"""A run that scores nothing at all is an error (exit 2) that says why: cron must not mail an empty report.

The reasons follow the rows' path: every row left out by ``--where``, by ``--since``/``--until``, for
its weight or as not a real response; or rows left, but no metric with a single valid answer.
For ``--where`` the message lists the values the column does hold, the closest first (the hint
ignores case; the comparison itself stays exact).
"""
from __future__ import annotations

import difflib
from collections import Counter

import pyarrow as pa
from .lazy_import import pc

from .accumulators import Accumulator
from .columns import resolve_column
from .config import MetricSpec
from .dates import parse_dates
from .errors import ColumnError, InputError, param
from .filters import Condition
from .grouping import Grouping
from .records import InputInfo
from .sources import Source
from .sources.base import sample_values

#: Values of a --where column listed in the message, at most.
SHOWN_VALUES = 12


def check_scored(specs: list[MetricSpec], overall: dict[str, Accumulator | None], columns: dict[str, str], sources: list[Source], grouping: Grouping) -> None:
    """Raise :class:`InputError` naming the reason when no metric has a single valid answer."""
    if any(tally is not None and tally.n > 0 for tally in overall.values()):
        return
    infos = [source.info for source in sources]
    rows = sum(i.rows for i in infos)
    left = rows - sum(sum(i.excluded.values()) for i in infos)
    if rows and left == 0:
        reasons = sorted({reason for i in infos for reason in i.excluded})
        raise InputError(f"nothing to score: all {rows:,} row(s) were left out as {' or '.join(reasons)}", f"{param('include_incomplete')} keeps unfinished responses")
    filtered = sum(i.filtered_out for i in infos)
    if grouping.where and filtered and filtered == left:
        raise InputError(*_where_message(grouping.where, sources))
    left -= filtered
    outside = sum(i.outside_dates for i in infos)
    if outside and outside == left:
        raise InputError(*_dates_message(grouping, sources))
    left -= outside
    bad_weights = sum(i.weight_invalid for i in infos)
    if grouping.weight and bad_weights and bad_weights == left:
        example = _first_value(sources, grouping.weight)
        raise InputError(
            f"nothing to score: {param('weight')} {grouping.weight}: no row has a positive number there" + (f" (e.g. {example!r})" if example else ""),
            f"name a column of numeric weights, or leave {param('weight')} out",
        )
    parts = []
    for spec in specs:
        tally = overall[spec.name]
        blank, invalid = (tally.blank, tally.invalid) if tally else (0, 0)
        parts.append(f"{spec.name} ({columns[spec.name]!r}: {blank:,} blank, {invalid:,} invalid)")
    raise InputError(
        f"nothing to score: no metric has a valid answer — {'; '.join(parts)}",
        "check the columns with cxscore inspect FILE, or name them and their labels in a config",
    )


def _where_message(conditions: list[Condition], sources: list[Source]) -> tuple[str, str]:
    """What --where asked for that no row holds, with the values that do exist; or the combination."""
    wanted: dict[tuple[str, bool], list[str]] = {}
    for condition in conditions:
        wanted.setdefault((condition.column, condition.negate), []).append(condition.value)
    for (column, negate), values in wanted.items():
        seen, complete = _values(sources, column)
        if negate:
            if seen and set(seen) <= set(values):
                return f"nothing to score: every row has {column} = {_either(values)}, which {param('where')} {column}!=… leaves out", f"drop that {param('where')}, or check its value"
            continue
        if not set(values) & set(seen):
            shown = _closest(values, seen)
            listed = ", ".join(shown[:SHOWN_VALUES]) + (f", … ({len(seen)} in all)" if len(shown) > SHOWN_VALUES else "")
            where = f"values are {listed}" if complete else f"values in the first rows include {listed}"
            message = f"no rows where {column} = {_either(values)}; {where}" if seen else f"no rows where {column} = {_either(values)}; the column is blank"
            if any(v.startswith("=") for v in values):
                return message, f"{param('where')} takes one = : {param('where')} {column}={values[0].lstrip('=')} (and != to leave a value out)"
            return message, f"{param('where')} compares values exactly (case and all): use one of those"
    asked = ", ".join(f"{c.column}{'!=' if c.negate else '='}{c.value}" for c in conditions)
    return f"nothing to score: no row meets all of {param('where')} {asked}", "each value occurs, but not together: drop a condition"


def _values(sources: list[Source], column: str) -> tuple[list[str], bool]:
    """The distinct trimmed values of a column in the sources' sample rows, most frequent first, and
    whether the samples hold every row."""
    counts: Counter = Counter()
    complete = True
    for source in sources:
        try:
            name = resolve_column(column, source.columns, source.info.path, param('where'))
        except ColumnError:  # a column missing in one input was reported when the run started
            continue
        counts.update(v.strip() for v in sample_values(source.sample, source.columns.index(name)) if v.strip())
        complete &= len(source.sample) >= source.info.rows
    return [value for value, _ in counts.most_common()], complete


def _closest(wanted: list[str], seen: list[str]) -> list[str]:
    """``seen`` reordered: equal ignoring case first, then close spellings, then the rest by frequency."""
    folded = {v.casefold().lstrip("=") for v in wanted[:SHOWN_VALUES]}  # fuzzy matching costs per value: a few suffice
    same = [v for v in seen if v.casefold() in folded]
    lower = {v.casefold(): v for v in seen}
    near = [lower[m] for w in folded for m in difflib.get_close_matches(w, list(lower), n=3, cutoff=0.6)]
    return list(dict.fromkeys([*same, *near, *seen]))


def _either(values: list[str]) -> str:
    """The values asked for, at most SHOWN_VALUES of them: 20,000 --where values made one 400 KB line."""
    listed = " or ".join(repr(v) for v in values[:SHOWN_VALUES])
    return listed + (f" or … ({len(values):,} in all)" if len(values) > SHOWN_VALUES else "")


def _first_value(sources: list[Source], column: str) -> str | None:
    for source in sources:
        if column in source.columns:
            values = sample_values(source.sample, source.columns.index(column))
            if values:
                return values[0]
    return None


def _dates_message(grouping: Grouping, sources: list[Source]) -> tuple[str, str]:
    """--since/--until left nothing: the range asked for, and the range the first rows hold."""
    asked = " and ".join(
        text for text in (
            f"on or after {grouping.since:%Y-%m-%d %H:%M}".removesuffix(" 00:00") if grouping.since else "",
            f"on or before {grouping.until:%Y-%m-%d %H:%M}".removesuffix(" 23:59") if grouping.until else "",
        ) if text
    )
    found = []
    for source in sources:
        info: InputInfo = source.info
        if not info.date_column or info.date_column not in source.columns:
            continue
        values = sample_values(source.sample, source.columns.index(info.date_column))
        times = parse_dates(pa.array(values, pa.string()), grouping.dayfirst) if values else None
        if times is not None and times.null_count < len(times):
            low, high = pc.min_max(times).values()
            found.append(f"{info.path}: {info.date_column!r} runs from {low.as_py():%Y-%m-%d} to {high.as_py():%Y-%m-%d}" + ("" if len(source.sample) >= info.rows else " in the first rows"))
        elif values:
            found.append(f"{info.path}: no date in {info.date_column!r} was understood (e.g. {values[0]!r})")
    return f"nothing to score: no rows {asked}" + (f"; {'; '.join(found)}" if found else ""), f"widen {param('since')}/{param('until')}, or check the date column ({param('date_column')}, {param('dayfirst')})"
