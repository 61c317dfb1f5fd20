"""NPS, CSAT and CES computed from a tally, exactly as the metric's config defines them.

Percentages and NPS are on 0–100 (NPS −100…100); means are on the answer scale. Nothing is
rounded here: renderers round for display.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from . import stats
from .config import Band, MetricSpec
from .tally import Tally

COMPONENTS = {
    "nps": ("promoters_pct", "passives_pct", "detractors_pct"),
    "csat": ("satisfied_pct", "dissatisfied_pct", "mean"),
    "ces": ("mean", "low_effort_pct", "high_effort_pct", "net"),
}


def band_share(spec: MetricSpec, tally: Tally, band: Band) -> float:
    """Weighted share (0–1) of answers inside a band."""
    lo = spec.scale.lo
    return float(tally.weighted[band.lo - lo : band.hi - lo + 1].sum() / tally.weight_total)


def mean(spec: MetricSpec, tally: Tally) -> float:
    """Weighted mean answer on the metric's scale."""
    points = np.arange(spec.scale.lo, spec.scale.hi + 1, dtype=np.float64)
    return float(points @ tally.weighted / tally.weight_total)


def compute(spec: MetricSpec, tally: Tally) -> tuple[Optional[float], dict[str, Optional[float]]]:
    """The headline value and its components; ``None`` everywhere when nothing was answered."""
    if tally.n == 0 or tally.weight_total <= 0:
        return None, dict.fromkeys(COMPONENTS[spec.type])
    if spec.type == "nps":
        promoters, passives, detractors = (band_share(spec, tally, b) for b in (spec.promoters, spec.passives, spec.detractors))
        value = 100 * (promoters - detractors)
        return value, {"promoters_pct": 100 * promoters, "passives_pct": 100 * passives, "detractors_pct": 100 * detractors}
    if spec.type == "csat":
        satisfied = 100 * band_share(spec, tally, spec.satisfied)
        return satisfied, {
            "satisfied_pct": satisfied,
            "dissatisfied_pct": 100 * band_share(spec, tally, spec.dissatisfied),
            "mean": mean(spec, tally),
        }
    low = 100 * band_share(spec, tally, spec.low_effort)
    high = 100 * band_share(spec, tally, spec.high_effort)
    average = mean(spec, tally)
    return average, {"mean": average, "low_effort_pct": low, "high_effort_pct": high, "net": low - high}


def moments(spec: MetricSpec, tally: Tally) -> tuple[float, float]:
    """Weighted mean and sample variance of the answers (Bessel-corrected with the effective n)."""
    points = np.arange(spec.scale.lo, spec.scale.hi + 1, dtype=np.float64)
    average = mean(spec, tally)
    spread = float(((points - average) ** 2) @ tally.weighted / tally.weight_total)
    n_eff = tally.n_eff
    return average, spread * n_eff / (n_eff - 1) if n_eff > 1 else 0.0


def _nps_shares(spec: MetricSpec, tally: Tally) -> tuple[float, float, float]:
    return tuple(band_share(spec, tally, b) for b in (spec.promoters, spec.passives, spec.detractors))  # type: ignore[return-value]


def interval(spec: MetricSpec, tally: Tally, confidence: float, nps_method: str = "adjusted-wald") -> Optional[stats.Interval]:
    """The headline value's standard error and interval, in the value's units; None below two answers."""
    n_eff = tally.n_eff
    if tally.n < 2 or n_eff <= 1:
        return None
    if spec.type == "nps":
        ci = stats.nps_interval(*_nps_shares(spec, tally), n_eff, confidence, nps_method)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)
    if spec.type == "csat":
        ci = stats.wilson_interval(band_share(spec, tally, spec.satisfied), n_eff, confidence)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)
    average, variance = moments(spec, tally)
    ci = stats.t_interval(average, variance, n_eff, confidence)
    # Answers cannot fall outside the scale, so neither can their mean.
    return stats.Interval(ci.se, max(ci.low, spec.scale.lo), min(ci.high, spec.scale.hi), ci.method)


def compare(spec: MetricSpec, a: Tally, b: Tally) -> Optional[tuple[float, float]]:
    """Difference of the headline values (a − b) and its two-sided p-value; None when a side has under two answers.

    NPS: z on the difference with summed variances; CSAT: pooled two-proportion z; CES: Welch's t.
    """
    if min(a.n, b.n) < 2 or min(a.n_eff, b.n_eff) <= 1:
        return None
    value_a, value_b = compute(spec, a)[0], compute(spec, b)[0]
    if spec.type == "nps":
        _, p = stats.nps_diff_test((*_nps_shares(spec, a), a.n_eff), (*_nps_shares(spec, b), b.n_eff))
    elif spec.type == "csat":
        _, p = stats.two_proportion_test(band_share(spec, a, spec.satisfied), a.n_eff, band_share(spec, b, spec.satisfied), b.n_eff)
    else:
        (ma, va), (mb, vb) = moments(spec, a), moments(spec, b)
        _, _, p = stats.welch_test(ma, va, a.n_eff, mb, vb, b.n_eff)
    return value_a - value_b, p
