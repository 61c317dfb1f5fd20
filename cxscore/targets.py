"""Judging results: benchmark gaps, targets met or missed, and the alerts that make cron jobs act."""
from __future__ import annotations

from typing import Optional

from .benchmarks import Benchmark
from .config import MetricSpec
from .errors import CxError
from .model import ResultRow

MET, MISSED, NOT_ENOUGH = "met", "missed", "not enough data"


def parse_fail_under(items: list[str], names: list[str]) -> dict[str, float]:
    """--fail-under METRIC=VALUE (repeatable) → {metric: value}."""
    out = {}
    for item in items:
        metric, _, value = item.partition("=")
        metric = metric.strip()
        try:
            out[metric] = float(value)
        except ValueError:
            raise CxError(f"--fail-under {item!r} is not METRIC=VALUE", "e.g. --fail-under nps=30") from None
        if metric not in names:
            raise CxError(f"--fail-under: {metric!r} is not one of the metrics: {', '.join(names)}", "use a name from the Metric column")
    return out


def attach_benchmark(rows: list[ResultRow], benchmark: Benchmark) -> None:
    """Benchmark, gap and whether the score's interval lies wholly above or below it, on every row."""
    for row in rows:
        position = None
        if row.ci_low is not None:
            position = "above" if row.ci_low > benchmark.value else "below" if row.ci_high < benchmark.value else "within"
        row.benchmark = {
            "id": benchmark.id,
            "value": benchmark.value,
            "gap": None if row.value is None else row.value - benchmark.value,
            "position": position,
            "industry": benchmark.industry,
            "year": benchmark.year,
            "source": benchmark.source,
            "quality": benchmark.quality,
        }


def _where(row: ResultRow, period: bool = True) -> str:
    parts = [f"{k}={v}" for k, v in row.segment.items()] + ([row.period] if row.period and period else [])
    return f" [{', '.join(parts)}]" if parts else ""


def judge(spec: MetricSpec, rows: list[ResultRow], fail_under: Optional[float], drops: bool) -> list[str]:
    """Set target and status on the rows a target applies to; return the alerts.

    A target is checked on the all-time rows and, when there are periods, on the latest period's rows.
    """
    targets = spec.targets()
    if fail_under is not None:
        targets["all"] = fail_under
    periods = sorted({r.period for r in rows if r.period})
    latest = periods[-1] if periods else None
    alerts = []
    for row in rows:
        if row.period not in (None, latest):
            continue
        keys = [f"{k}={v}" for k, v in row.segment.items()]
        target = next((targets[k] for k in keys if k in targets), None) if keys else targets.get("all")
        if target is None:
            continue
        row.target = target
        if row.value is None or row.low_n:
            row.status = NOT_ENOUGH
            continue
        met = row.value >= target if spec.higher_is_better else row.value <= target
        row.status = MET if met else MISSED
        if not met:
            alerts.append(f"{spec.name} {row.value:.1f} missed its target {target:g}{_where(row)}")
    if drops and latest:
        for row in rows:
            sig = row.significance
            if row.period == latest and sig and sig["significant"]:
                worse = (sig["direction"] == "down") == spec.higher_is_better
                if worse:
                    alerts.append(f"{spec.name} fell significantly in {latest}: {sig['diff']:+.1f} on the previous period{_where(row, period=False)}")
    return alerts
