"""NPS, CSAT and CES computed from a tally, exactly as the metric's config defines them.

Percentages and NPS are on 0–100 (NPS −100…100); means are on the answer scale. Nothing is
rounded here: renderers round for display.
"""
from __future__ import annotations

from typing import Optional

import numpy as np

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
