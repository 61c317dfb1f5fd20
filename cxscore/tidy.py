"""The tidy result table: one row per metric × segment × period, every field of the JSON ``results[]`` flattened.

One definition serves ``Report.to_arrow()`` / ``to_pandas()`` and the ``-f csv`` output: the CSV is
this table's first columns (:func:`csv_width`) written as text, so the two cannot drift apart.
Columns after the CSV's are added at the end, so readers by position keep working.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .kinds import KINDS
from .records import MetricInfo, ResultRow

if TYPE_CHECKING:
    import pandas

STATS = ["n", "blank", "invalid", "n_eff", "value", "se", "ci_low", "ci_high", "ci_method", "margin", "low_n"]
SIGNIFICANCE = ["against", "diff", "p_value", "p_adjusted", "significant", "direction"]
BENCHMARK_KEYS = ["value", "gap", "position", "source", "year"]  # the CSV's benchmark columns, from results[].benchmark
BENCHMARK = ["benchmark", "benchmark_gap", "benchmark_position", "benchmark_source", "benchmark_year"]
JUDGEMENT = ["target", "status"]
COMPONENT_COLUMNS = list(dict.fromkeys(c for kind in KINDS.values() if kind.scaled for c in kind.components))
SCALE = ["scale_min", "scale_max"]  # last of the survey CSV's: added after the others, so positional readers keep working
#: The components of kinds without a scale (durations: p25, p75, p90, within_pct): after ``scale_max``, and only
#: in the tables of reports that have such a metric, so survey tables keep their columns and positions.
LATE_COMPONENTS = [c for c in dict.fromkeys(c for kind in KINDS.values() if not kind.scaled for c in kind.components) if c not in COMPONENT_COLUMNS]
TREND_KEYS = ["periods", "slope", "ci_low", "ci_high", "p_value", "p_adjusted", "significant", "direction"]
#: Not in the CSV (added after it): the design effect, the detectable difference and baseline periods of
#: the comparison, the trend, the distribution, and the benchmark's id, industry and quality.
EXTRA = ["deff", "mdd", "baseline", *(f"trend_{k}" for k in TREND_KEYS), "distribution", "benchmark_id", "benchmark_industry", "benchmark_quality"]

_F, _I, _S, _B = pa.float64(), pa.int64(), pa.string(), pa.bool_()
TYPES: dict[str, pa.DataType] = {
    "metric": _S, "type": _S, "column": _S, "period": _S,
    "n": _I, "blank": _I, "invalid": _I, "n_eff": _F, "value": _F, "se": _F, "ci_low": _F, "ci_high": _F, "ci_method": _S, "margin": _F, "low_n": _B,
    "against": _S, "diff": _F, "p_value": _F, "p_adjusted": _F, "significant": _B, "direction": _S,
    "benchmark": _F, "benchmark_gap": _F, "benchmark_position": _S, "benchmark_source": _S, "benchmark_year": _I,
    "target": _F, "status": _S, **dict.fromkeys([*COMPONENT_COLUMNS, *LATE_COMPONENTS], _F), "scale_min": _I, "scale_max": _I,
    "deff": _F, "mdd": _F, "baseline": pa.list_(_S),
    "trend_periods": _I, "trend_slope": _F, "trend_ci_low": _F, "trend_ci_high": _F, "trend_p_value": _F, "trend_p_adjusted": _F,
    "trend_significant": _B, "trend_direction": _S,
    "distribution": pa.list_(pa.struct([("point", _I), ("count", _I), ("pct", _F)])),
    "benchmark_id": _S, "benchmark_industry": _S, "benchmark_quality": _S,
}


def late_columns(metrics: Sequence[MetricInfo]) -> list[str]:
    """The late component columns these metrics have (:data:`LATE_COMPONENTS`)."""
    present = {c for m in metrics for c in KINDS[m.type].components}
    return [c for c in LATE_COMPONENTS if c in present]


def header(by: list[str], late: list[str] | None = None) -> list[str]:
    """The column names: metric, type, column, one per ``--by`` column, period, the figures, then the extras;
    ``late``: the metrics' :func:`late_columns`."""
    return ["metric", "type", "column", *by, "period", *STATS, *SIGNIFICANCE, *BENCHMARK, *JUDGEMENT, *COMPONENT_COLUMNS, *SCALE, *(late or []), *EXTRA]


def csv_width(by: list[str], late: list[str] | None = None) -> int:
    """How many leading columns the CSV writes."""
    return len(header(by, late)) - len(EXTRA)


def data_columns(by: list[str]) -> set[int]:
    """Positions of the columns holding text from the data or a user's file (names, segments, benchmark
    fields): the CSV escapes those, never the figures or the words cxscore writes itself."""
    first = 3 + len(by) + 1 + len(STATS) + len(SIGNIFICANCE)
    return {0, 2, *range(3, 3 + len(by)), *range(first, first + len(BENCHMARK))}


def columns(results: Sequence[ResultRow], metrics: Sequence[MetricInfo], by: list[str], width: int | None = None) -> list[list[Any]]:
    """The table's first ``width`` columns (all by default) as lists of plain Python values, aligned with
    :func:`header` (``None`` where a field does not apply). Built a field at a time over all rows: a
    300,000-row table is a few list comprehensions per column, not 300,000 Python rows of 60 values."""
    results = list(results)  # rows made when read: made once here, not once per column
    empty: dict[str, Any] = {}
    by_name = {m.name: m for m in metrics}
    names = [r.metric for r in results]
    sig = [r.significance or empty for r in results]
    bench = [r.benchmark or empty for r in results]
    trend = [r.trend or empty for r in results]
    parts = [r.components for r in results]

    def field(name: str) -> Callable[[], list[Any]]:
        return lambda: list(map(attrgetter(name), results))

    def key(dicts: list[dict[str, Any]], name: str) -> Callable[[], list[Any]]:
        if not any(dicts):  # no benchmark, no trend on any row: nothing to look up
            return lambda: [None] * len(dicts)
        return lambda: [d.get(name) for d in dicts]

    def per_metric(value: Callable[[MetricInfo], Any]) -> Callable[[], list[Any]]:
        of = {name: value(m) for name, m in by_name.items()}
        return lambda: list(map(of.__getitem__, names))

    makers = [
        lambda: names, field("type"), per_metric(lambda m: m.column),
        *[key([r.segment for r in results], k) for k in by], field("period"),
        *[field(k) for k in STATS],
        *[key(sig, k) for k in SIGNIFICANCE],
        *[key(bench, k) for k in BENCHMARK_KEYS],
        field("target"), field("status"),
        *[key(parts, c) for c in COMPONENT_COLUMNS],
        per_metric(lambda m: (m.scale or (None, None))[0]), per_metric(lambda m: (m.scale or (None, None))[1]),
        *[key(parts, c) for c in late_columns(metrics)],
        field("deff"), key(sig, "mdd"), key(sig, "baseline"),
        *[key(trend, k) for k in TREND_KEYS],
        field("distribution"), key(bench, "id"), key(bench, "industry"), key(bench, "quality"),
    ]
    return [make() for make in makers[:width]]


def types(by: list[str], late: list[str] | None = None) -> list[pa.DataType]:
    """Each column's Arrow type, aligned with :func:`header` (segment values as text)."""
    return [TYPES.get(name, _S) if not 3 <= i < 3 + len(by) else _S for i, name in enumerate(header(by, late))]


def to_arrow(results: Sequence[ResultRow], metrics: Sequence[MetricInfo], by: list[str]) -> pa.Table:
    """The tidy table as Arrow, with a fixed type per column (segment values and ``period`` as text)."""
    late = late_columns(metrics)
    arrays = [pa.array(values, type=kind) for values, kind in zip(columns(results, metrics, by), types(by, late))]
    names = header(by, late)
    return pa.Table.from_arrays(arrays, names=names)  # a --by column may share a figure's name: positions, not names, are unique


def rows_table(names: Sequence[str], types: Sequence[pa.DataType], rows: Sequence[Sequence[Any]]) -> pa.Table:
    """Rows of values (each aligned with ``names``) as a table, column ``i`` of type ``types[i]``. Typed by
    position, not name: a ``--by`` column may share a figure's name (``n``, ``period``) and stays text."""
    columns = list(zip(*rows)) if rows else [() for _ in names]
    return pa.Table.from_arrays([pa.array(list(c), type=t) for c, t in zip(columns, types)], names=list(names))


def to_pandas(table: pa.Table, owner: str) -> pandas.DataFrame:
    """``table`` as a DataFrame. pandas is optional: without it, say which call needs it and how to get it
    (pyarrow's own error is a bare ``No module named 'pandas'`` from deep inside its conversion)."""
    try:
        import pandas  # noqa: F401  (pyarrow converts; this only says clearly what is missing)
    except ImportError:
        raise ImportError(f"{owner}.to_pandas() needs pandas, which cxscore does not install: pip install pandas (or use {owner}.to_arrow())") from None
    return table.to_pandas()
