"""Judging results: benchmark gaps, targets met or missed, and the alerts that make cron jobs act."""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from .benchmarks import Benchmark
from .config import MetricSpec
from .errors import CxError, param
from .model import ResultRow, periods_in_order
from .render.display import amount, duration, level, styled
from .row_table import each_row
from .stats import benjamini_hochberg

MET, MISSED, NOT_ENOUGH = "met", "missed", "not enough data"


def parse_fail_under(items: list[str], specs: list[MetricSpec]) -> dict[str, float]:
    """--fail-under METRIC=VALUE (repeatable) → {metric: value}; a duration's value is a duration (``frt=4h``)."""
    out = {}
    kinds = {spec.name: spec.kind for spec in specs}
    for item in items:
        metric, _, value = item.partition("=")
        metric = metric.strip()
        kind = kinds.get(metric)
        if kind is not None and kind.text_targets:
            try:
                out[metric] = kind.parse_target(value.strip(), f"{param('fail_under')} {item!r}")
            except ValueError as exc:
                raise CxError(str(exc), f"e.g. {param('fail_under')} {metric}=4h (for a duration: at most 4 hours)") from None
            continue
        try:
            out[metric] = float(value)
        except ValueError:
            raise CxError(f"{param('fail_under')} {item!r} is not METRIC=VALUE", f"e.g. {param('fail_under')} nps=30") from None
        if metric not in kinds:
            raise CxError(f"{param('fail_under')}: {metric!r} is not one of the metrics: {', '.join(kinds)}", "use a name from the Metric column")
    return out


def _shown(spec: MetricSpec, value: float, sign: bool = False, difference: bool = False) -> str:
    """A value or difference in an alert line, written as the table writes it (``render/display``): a
    value as its Score column (NPS in signed points ``+10.5``, a percentage ``79.3%``, a CES mean
    ``4.91``, a duration ``4h 12m``), a difference or a detectable Δ as its Δ and Detectable columns
    (in the kind's digits, points unmarked). Before, every non-duration was written with one decimal,
    so a CES alert said 4.9 where its table said 4.91."""
    if sign or difference:
        return amount(value, spec.kind.name, sign)
    return styled(value, spec.kind.style)


def _target(spec: MetricSpec, target: float) -> str:
    """A target in an alert line, in its value's units (``4h``, ``90%``, ``30``)."""
    if spec.kind.style == "duration":
        return duration(target, setting=True)
    return f"{target:g}{'%' if spec.kind.style == 'pct' else ''}"


def attach_benchmark(rows: Sequence[ResultRow], benchmark: Benchmark) -> None:
    """Benchmark, gap and whether the score's interval lies wholly above or below it, on every row
    (rows made when read get it as they are made)."""
    each_row(rows, partial(_attach, benchmark=benchmark))


def _attach(row: ResultRow, benchmark: Benchmark) -> None:
    """One row's benchmark fields."""
    position = None
    if row.ci_low is not None and row.ci_high is not None:
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


def judge(spec: MetricSpec, rows: list[ResultRow], fail_under: float | None, drops: bool, confidence: float = 0.95) -> list[str]:
    """Set target and status on the rows a target applies to; return the alerts.

    A target is checked on the all-time rows and, when there are periods, on the latest period's rows.
    Drops are judged in the family of the latest period's tests only (see :func:`latest_family`).
    """
    targets = spec.targets()
    if fail_under is not None:
        targets["all"] = fail_under
    periods = periods_in_order(rows)
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
            alerts.append(f"{spec.name} {_shown(spec, row.value)} missed its target {_target(spec, target)}{_where(row)}")
    if not latest:
        return alerts
    for row, kind, adjusted in latest_family([r for r in rows if r.period == latest], 1 - confidence):
        if not drops or adjusted >= 1 - confidence:
            continue
        if kind == "trend":
            t = row.trend
            assert t is not None, "a trend's family member has a trend"
            if (t["slope"] < 0) == spec.higher_is_better:
                alerts.append(f"{spec.name} is trending {'down' if t['slope'] < 0 else 'up'}: {_shown(spec, t['slope'], sign=True)} per period over the last {t['periods']} periods "
                              f"({level(confidence)} CI {_shown(spec, t['ci_low'], sign=True)} to {_shown(spec, t['ci_high'], sign=True)}){_where(row, period=False)}")
            continue
        assert row.significance is not None, "a change's family member has a comparison"
        if (row.significance["diff"] < 0) == spec.higher_is_better:
            alerts.append(f"{spec.name} {'fell' if spec.higher_is_better else 'rose'} significantly in {latest}: {_change(spec, row)}{_where(row, period=False)}")
    return alerts


def _change(spec: MetricSpec, row: ResultRow, verdict: str = "") -> str:
    sig = row.significance
    assert sig is not None and row.value is not None, "called for compared rows only"
    against = "the previous period" if sig["against"] == "previous" else f"the previous {len(sig['baseline'])} periods"
    detectable = "—" if sig["mdd"] is None else _shown(spec, sig["mdd"], difference=True)
    return f"{_shown(spec, row.value)} vs {_shown(spec, row.value - sig['diff'])} on {against} (Δ {_shown(spec, sig['diff'], sign=True)}{verdict}; detectable Δ at this n: {detectable})"


def latest_changes(spec: MetricSpec, rows: list[ResultRow], confidence: float = 0.95) -> list[str]:
    """What the drop check saw in the latest period for everyone when it did not alert: the change
    and the smallest change this n could have detected ("no alert" is not "no change")."""
    periods = periods_in_order(rows)
    if not periods:
        return []
    latest = [r for r in rows if r.period == periods[-1]]
    row = next((r for r in latest if r.kind == "period"), None)
    if row is None or not row.significance or row.value is None:
        return []
    alpha = 1 - confidence
    alerted = any(r is row and kind == "change" and p < alpha and (row.significance["diff"] < 0) == spec.higher_is_better for r, kind, p in latest_family(latest, alpha))
    if alerted:
        return []
    worse = (row.significance["diff"] < 0) == spec.higher_is_better
    return [f"{spec.name} in {row.period}: {_change(spec, row, ', not a significant drop' if worse else ', no drop')}"]


def latest_family(rows: list[ResultRow], alpha: float) -> list[tuple[ResultRow, str, float]]:
    """The tests an alert is judged on — the latest period's comparisons with its baseline and its
    trends, for everyone and each segment — Benjamini–Hochberg adjusted together.

    The family is fixed by the run's options, never by how much history the file holds; trends get
    their adjusted p, significance and direction from it. Returns (row, "change" | "trend", adjusted p).
    """
    members = []
    for row in rows:
        sig = row.significance
        if sig and sig["p_adjusted"] is not None:  # a testable comparison (neither side low-n)
            members.append((row, "change", sig["p_value"]))
        if row.trend and not row.low_n:
            members.append((row, "trend", row.trend["p_value"]))
    adjusted = benjamini_hochberg([p for _, _, p in members])
    for (row, kind, _), p in zip(members, adjusted):
        if kind == "trend":
            t = row.trend
            assert t is not None, "a trend member has a trend"
            t["p_adjusted"], t["significant"] = p, p < alpha
            t["direction"] = ("up" if t["slope"] > 0 else "down") if t["significant"] else None
    return [(row, kind, p) for (row, kind, _), p in zip(members, adjusted)]
