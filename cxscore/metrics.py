"""NPS, CSAT and CES computed from a tally, exactly as the metric's config defines them.

Percentages and NPS are on 0–100 (NPS −100…100); means are on the answer scale. Nothing is
rounded here: renderers round for display.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import repeat
from typing import Any

import numpy as np

from . import stats
from .accumulators import Accumulator
from .binning import Binning
from .config import MetricSpec
from .kinds import KINDS
from .tally import Summary as Summary, Tally, TallyRows  # Summary: the tally's summary, handed on

#: Each metric type's components (the JSON ``components`` keys), from its kind.
COMPONENTS = {name: kind.components for name, kind in KINDS.items()}


def summarise(spec: MetricSpec, tallies: Iterable[Accumulator]) -> list[Summary]:
    """The summaries of many tallies of one metric, computed at once, in the tallies' order.

    NumPy over the stacked weights, one tally per row; sums run over the scale points in order, as
    adding them up one by one would. A breakdown with thousands of cells needs this once per rollup.
    """
    accumulators = tallies if isinstance(tallies, TallyRows) else list(tallies)
    if not accumulators:
        return []
    own = spec.kind.summarise(spec, accumulators)  # a kind with its own accumulator (durations) summarises it itself
    if own is not None:
        return own
    columns = summary_columns(spec, accumulators)
    keys = list(columns.shares)
    shares = zip(*(v.tolist() for v in columns.shares.values())) if keys else repeat(())
    out = []
    for n, n_eff, tally_total, tally_mean, m2, m3, band_shares in zip(columns.n.tolist(), columns.n_eff.tolist(), columns.total.tolist(), columns.mean.tolist(),
                                                                     columns.m2.tolist(), columns.m3.tolist(), shares):
        s = Summary()
        s.n, s.n_eff, s.total, s.mean, s.m2, s.m3 = n, n_eff, tally_total, tally_mean, m2, m3
        s.shares = dict(zip(keys, band_shares))
        s.variance = m2 * n_eff / (n_eff - 1) if n_eff > 1 else 0.0
        out.append(s)
    return out


def summary_columns(spec: MetricSpec, accumulators: Sequence[Accumulator]) -> Any:
    """The summaries of many tallies as one :class:`Summary` whose fields are arrays, one entry per tally
    (``variance`` left out): for formulas over every cell at once, as :func:`summarise` has them
    entry by entry (the same operations, element-wise)."""
    weights, counts, squares = _stacked(spec, accumulators)
    width = weights.shape[1]
    binning = Binning.of(spec.scale)
    points = binning.values()
    total = _running_sum(weights, range(width))
    answered = total > 0
    divisor = np.where(answered, total, 1.0)
    s: Any = Summary()  # fields of arrays, where Summary's are numbers
    s.shares = {key: np.where(answered, _running_sum(weights, binning.slots(band)) / divisor, 0.0) for key, band in spec.bands().items()}
    mean = np.where(answered, _running_sum(points * weights, range(width)) / divisor, 0.0)
    deviations = points - mean[:, None]
    s.m2 = np.where(answered, _running_sum(deviations * deviations * weights, range(width)) / divisor, 0.0)
    s.m3 = np.where(answered, _running_sum(deviations**3 * weights, range(width)) / divisor, 0.0)
    s.n = counts.sum(axis=1)  # Tally.n for all at once
    s.n_eff = np.array(_n_effs(weights, squares), dtype=np.float64)
    s.total, s.mean = total, mean
    return s


def effective_n(spec: MetricSpec, accumulators: Sequence[Accumulator]) -> list[float]:
    """Each accumulator's n_eff as its summary has it; for tallies of scale points without summarising
    them (--top/--bottom rank by it first, and summarise only the segments that can be kept)."""
    if not len(accumulators):
        return []
    if spec.kind.summarise(spec, accumulators[:1]) is not None:  # a kind with its own summaries
        return [summed.n_eff for summed in summarise(spec, accumulators)]
    weights, _, squares = _stacked(spec, accumulators)
    return _n_effs(weights, squares)


def _stacked(spec: MetricSpec, accumulators: Sequence[Accumulator]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tallies' weights and counts, one tally per row, and their squared-weight sums: a roll-up's
    arrays as they are (:class:`TallyRows`), else stacked from the tallies."""
    if isinstance(accumulators, TallyRows):
        return accumulators.weighted, accumulators.counts, accumulators.weights_sq
    pending = [_tally(spec, a) for a in accumulators]
    return np.stack([t.weighted for t in pending]), np.stack([t.counts for t in pending]), np.array([t.weights_sq for t in pending], dtype=np.float64)


def _n_effs(weights: np.ndarray, squares: np.ndarray) -> list[float]:
    """Tally.n_eff of each row of the stacked weights, ``squares`` their Σw²: a row sum of the stack is
    the row's own sum (NumPy sums a contiguous row the same way either way), and (Σw)² / Σw² is taken
    in Python, as there (Python's ``w**2`` is libm's pow, which differs from NumPy's ``w*w`` in the last bit now and then)."""
    return [w**2 / q if q else 0.0 for w, q in zip(weights.sum(axis=1).tolist(), squares.tolist())]


def _tally(spec: MetricSpec, accumulator: Accumulator) -> Tally:
    """The accumulator as the tally these formulas sum (every kind's today: Kind.accumulators)."""
    if not isinstance(accumulator, Tally):
        raise TypeError(f"{spec.name}: a {type(accumulator).__name__} is not a tally of scale points")
    return accumulator


def _running_sum(values: np.ndarray, columns: range) -> np.ndarray:
    """Row sums of these columns, added left to right."""
    total = np.zeros(len(values))
    for column in columns:
        total += values[:, column]
    return total


def summary(spec: MetricSpec, tally: Accumulator) -> Summary:
    """One tally's summary (for many, :func:`summarise` them at once)."""
    return summarise(spec, [tally])[0]


def compute(spec: MetricSpec, s: Summary) -> tuple[float | None, dict[str, float | None]]:
    """The headline value and its components; ``None`` everywhere when nothing was answered."""
    if s.n == 0 or s.total <= 0:
        return None, dict.fromkeys(spec.kind.components)
    return spec.kind.compute(spec, s)


def interval(spec: MetricSpec, s: Summary, confidence: float, nps_method: str = "adjusted-wald") -> stats.Interval | None:
    """The headline value's standard error and interval, in the value's units; None below two
    (effective) answers: one dominant weight leaves too little information for any interval."""
    if s.n < 2 or s.n_eff < 2:
        return None
    return spec.kind.interval(spec, s, confidence, nps_method)


#: Tests of a difference of two NPS: ``pooled`` (the default, see stats.pooled_test), or the
#: adjusted-Wald difference and the plain Wald z, which are too liberal for small segments.
NPS_TESTS = ("pooled", "adjusted-wald", "wald")


def compare(spec: MetricSpec, sa: Summary, sb: Summary, nps_test: str = "pooled") -> tuple[float, float, float] | None:
    """Difference of the headline values (a − b), its two-sided p-value and its SE under H0 (in value
    units, for the minimum detectable difference); None when a side has under two (effective) answers.

    Every metric: :func:`stats.pooled_test` on the answers' moments (``Kind.moments``). ``nps_test``
    may choose the adjusted-Wald or plain Wald NPS difference instead (their SE₀ is still the pooled one).
    """
    if min(sa.n, sb.n) < 2 or min(sa.n_eff, sb.n_eff) < 2 or not spec.kind.testable(spec):
        return None
    kind = spec.kind
    own = kind.compare(spec, sa, sb)
    if own is not None:
        return own
    test = stats.pooled_test(kind.moments(spec, sa), kind.moments(spec, sb))
    other = kind.other_test(spec, sa, sb, nps_test)
    p = test.p if other is None else other
    return kind.compute(spec, sa)[0] - kind.compute(spec, sb)[0], p, kind.unit * test.se0  # both answered: each has a value


def trend(spec: MetricSpec, tallies: list[Accumulator], summaries: list[Summary], confidence: float, positions: list[float] | None = None) -> dict | None:
    """Slope of the headline value over periods (value units per period), with its interval and
    two-sided p; None with fewer than three periods of two or more (effective) answers. ``summaries``
    are the ``tallies``' own (see :func:`summarise`).

    Weighted least squares on the periods' ``positions`` (default 0, 1, 2, …; a period with no
    answers between two others is a step the slope spans); as in
    :func:`compare`, each period's variance under H0 (no change) comes from the pooled answers:
    Var(value_i) = m₂ / n_i, so Var(slope) = m₂ / Σ n_i (x_i − x̄)². A kind with its own trend test
    (durations: :meth:`Kind.trend_test`) gives the p-value, and the interval is the one its z implies.
    """
    placed = [(float(x), t, s) for x, t, s in zip(positions or range(len(tallies)), tallies, summaries) if s.n_eff >= 2]
    if len(placed) < 3 or not spec.kind.testable(spec):
        return None
    x, used, sums = [i for i, _, _ in placed], [t for _, t, _ in placed], [s for _, _, s in placed]
    pooled = used[0].copy()
    for t in used[1:]:
        pooled += t
    unit = spec.kind.unit
    m2 = spec.kind.moments(spec, summary(spec, pooled))[1] * unit * unit
    w = [s.n_eff for s in sums]
    y = [spec.kind.compute(spec, s)[0] for s in sums]  # each with two or more answers, so a value
    # math.fsum: correctly rounded, so the slope is the same on every Python (the built-in sum of floats
    # compensates from Python 3.12 on and adds plainly before: the last digit moved between versions)
    x_bar = math.fsum(wi * xi for wi, xi in zip(w, x)) / math.fsum(w)
    sxx = math.fsum(wi * (xi - x_bar) ** 2 for wi, xi in zip(w, x))
    slope = math.fsum(wi * (xi - x_bar) * yi for wi, xi, yi in zip(w, x, y)) / sxx
    se = math.sqrt(m2 / sxx)
    _, p = stats.z_test(slope, se)
    z = spec.kind.trend_test(spec, used, x)
    if z is not None:  # the kind's own test decides; the slope's interval is the one that test implies
        p = stats.normal_p(z) if z * slope > 0 else 1.0  # medians that do not move the shares' way: no trend of the median
        se = abs(slope / z) if z * slope > 0 else se
    half = stats.z_value(confidence) * se
    return {"periods": len(used), "slope": slope, "ci_low": slope - half, "ci_high": slope + half, "p_value": p, "p_adjusted": None, "significant": False, "direction": None}
