"""Industry benchmarks: the bundled, sourced and dated data file, user overrides, and choosing one to compare with."""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import msgspec

from .config import parse_yaml, read_text_file, validation_message
from .errors import ConfigError, CxError, param
from .kinds import KINDS

SCALE_RANGES = {"nps": (-100.0, 100.0), "pct": (0.0, 100.0), "acsi": (0.0, 100.0), "seconds": (0.0, float("inf"))}
#: Which benchmark metric a score may be compared with (same scale and meaning), from the kinds; CES has no sourced benchmark.
COMPARABLE = {name: kind.benchmark for name, kind in KINDS.items() if kind.benchmark}
QUALITY_RANK = {"P": 0, "S": 1, "W": 2}
KIND_RANK = {"average": 0, "threshold": 1}


class Benchmark(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One sourced, dated benchmark figure."""

    id: str
    metric: str
    industry: str
    value: float
    scale: Literal["nps", "pct", "acsi", "seconds"]
    year: Annotated[int, msgspec.Meta(ge=1900, le=2100)] | None
    quality: Literal["P", "S", "W"]
    kind: Literal["average", "threshold", "convention"]
    source: str
    url: str | None = None
    definition: str | None = None

    def __post_init__(self) -> None:
        if not self.source.strip():
            raise ValueError("source: every benchmark needs its source")
        if self.year is None and self.kind != "convention":
            raise ValueError("year: every measured benchmark needs its year (only a convention may be undated)")
        lo, hi = SCALE_RANGES[self.scale]
        if not lo <= self.value <= hi:
            raise ValueError(f"value: {self.value} is outside the {self.scale} scale {lo:g}…{hi:g}")


class BenchmarkFile(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    version: Literal[1] = 1
    replace_bundled: bool = False
    benchmarks: list[Benchmark]

    def __post_init__(self) -> None:
        seen: dict[str, int] = {}
        for i, row in enumerate(self.benchmarks):
            if row.id in seen:
                raise ValueError(f"benchmarks[{i}].id: {row.id!r} is the id of benchmarks[{seen[row.id]}] too; give each row its own id")
            seen[row.id] = i


def _keys(path: str) -> tuple[str, ...]:
    return (Benchmark if path.startswith("benchmarks[") else BenchmarkFile).__struct_fields__


def _read(text: str, where: str) -> BenchmarkFile:
    data = parse_yaml(text, where)
    try:
        return msgspec.convert(data, BenchmarkFile)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"{where}: {validation_message(exc, _keys, {})}", "each row needs id, metric, industry, value, scale, year, quality, kind and source") from None


def bundled() -> list[Benchmark]:
    """The benchmarks shipped with cxscore (cxscore/data/benchmarks.yaml)."""
    text = resources.files("cxscore").joinpath("data/benchmarks.yaml").read_text(encoding="utf-8")
    return _read(text, "bundled benchmarks").benchmarks


def load(user_file: str | None = None) -> list[Benchmark]:
    """The bundled benchmarks, extended (or, with ``replace_bundled: true``, replaced) by a user's file.

    A user row with a bundled row's id replaces it.
    """
    rows = bundled()
    if not user_file:
        return rows
    path = Path(user_file)
    extra = _read(read_text_file(path, "benchmark file", "--benchmarks-file"), str(path))
    if extra.replace_bundled:
        return extra.benchmarks
    ids = {row.id for row in extra.benchmarks}
    return [row for row in rows if row.id not in ids] + extra.benchmarks


def search(rows: list[Benchmark], metric: str | None = None, industry: str | None = None) -> list[Benchmark]:
    """Rows of a metric whose industry contains the text (case-insensitive) or whose id is the text."""
    text = (industry or "").casefold()
    return [
        row for row in rows
        if (metric is None or row.metric == metric) and (not text or text in row.industry.casefold() or text == row.id.casefold())
    ]


def choose(rows: list[Benchmark], metric_type: str, industry: str, name: str | None = None) -> Benchmark:
    """The one benchmark a score of this type is compared with: same metric and scale, an average or a
    published bar (never a convention), primary sources first, then the most recent. A duration or a
    rate (a kind with ``benchmark_scale``) is compared with the rows of its own ``name`` (``fcr``)."""
    kind = KINDS[metric_type]
    if metric_type in COMPARABLE:
        metric, scale = COMPARABLE[metric_type]
    elif kind.benchmark_scale and name:
        metric, scale = name, kind.benchmark_scale
    else:
        raise CxError(f"there is no sourced {metric_type.upper()} benchmark to compare with", f"leave {param('benchmark')} out for CES, or give a benchmark file")
    exact = [row for row in rows if row.id.casefold() == industry.casefold() and row.metric == metric]
    found = exact or [row for row in search(rows, metric, industry) if row.scale == scale and row.kind != "convention"]
    if not found and metric_type in COMPARABLE:
        raise CxError(f"no {metric_type.upper()} benchmark matches {industry!r}", f"list them with: cxscore benchmarks --metric {metric}")
    if not found:
        raise CxError(f"no {scale} benchmark of a metric named {metric!r} matches {industry!r}", "a duration or rate is compared with the benchmarks of its own name: list them with cxscore benchmarks")
    return min(found, key=lambda r: (r.id.casefold() != industry.casefold(), KIND_RANK[r.kind], QUALITY_RANK[r.quality], -(r.year or 0)))
