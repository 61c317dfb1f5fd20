"""NPS, CSAT and CES computed from a tally, exactly as the metric's config defines them.

Percentages and NPS are on 0–100 (NPS −100…100); means are on the answer scale. Nothing is
rounded here: renderers round for display.
"""
from __future__ import annotations

from typing import Optional

from . import stats
from .config import MetricSpec
from .tally import Tally

COMPONENTS = {
    "nps": ("promoters_pct", "passives_pct", "detractors_pct"),
    "csat": ("satisfied_pct", "dissatisfied_pct", "mean"),
    "ces": ("mean", "low_effort_pct", "high_effort_pct", "net"),
}


class Summary:
    """What every formula needs from one tally, computed once: band shares, mean, variance, n's."""

    __slots__ = ("n", "n_eff", "total", "shares", "mean", "variance")

    def __init__(self, spec: MetricSpec, tally: Tally):
        weights = tally.weighted.tolist()  # a short list: plain floats beat NumPy calls here
        self.n = tally.n
        self.n_eff = tally.n_eff
        self.total = total = sum(weights)
        lo = spec.scale.lo
        self.shares = {key: sum(weights[band.lo - lo : band.hi - lo + 1]) / total if total > 0 else 0.0 for key, band in spec.bands().items()}
        if total > 0:
            self.mean = sum((lo + i) * w for i, w in enumerate(weights)) / total
            spread = sum((lo + i - self.mean) ** 2 * w for i, w in enumerate(weights)) / total
            self.variance = spread * self.n_eff / (self.n_eff - 1) if self.n_eff > 1 else 0.0
        else:
            self.mean = self.variance = 0.0


def summary(spec: MetricSpec, tally: Tally) -> Summary:
    """The tally's summary for this metric, memoised on the tally."""
    memo = tally.__dict__.setdefault("_summaries", {})
    if spec.name not in memo:
        memo[spec.name] = Summary(spec, tally)
    return memo[spec.name]


def compute(spec: MetricSpec, tally: Tally) -> tuple[Optional[float], dict[str, Optional[float]]]:
    """The headline value and its components; ``None`` everywhere when nothing was answered."""
    s = summary(spec, tally)
    if s.n == 0 or s.total <= 0:
        return None, dict.fromkeys(COMPONENTS[spec.type])
    share = s.shares
    if spec.type == "nps":
        value = 100 * (share["promoters"] - share["detractors"])
        return value, {"promoters_pct": 100 * share["promoters"], "passives_pct": 100 * share["passives"], "detractors_pct": 100 * share["detractors"]}
    if spec.type == "csat":
        return 100 * share["satisfied"], {"satisfied_pct": 100 * share["satisfied"], "dissatisfied_pct": 100 * share["dissatisfied"], "mean": s.mean}
    low, high = 100 * share["low_effort"], 100 * share["high_effort"]
    return s.mean, {"mean": s.mean, "low_effort_pct": low, "high_effort_pct": high, "net": low - high}


def _nps_shares(s: Summary) -> tuple[float, float, float]:
    return s.shares["promoters"], s.shares["passives"], s.shares["detractors"]


def interval(spec: MetricSpec, tally: Tally, confidence: float, nps_method: str = "adjusted-wald") -> Optional[stats.Interval]:
    """The headline value's standard error and interval, in the value's units; None below two answers."""
    s = summary(spec, tally)
    if s.n < 2 or s.n_eff <= 1:
        return None
    if spec.type == "nps":
        ci = stats.nps_interval(*_nps_shares(s), s.n_eff, confidence, nps_method)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)
    if spec.type == "csat":
        ci = stats.wilson_interval(s.shares["satisfied"], s.n_eff, confidence)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)
    ci = stats.t_interval(s.mean, s.variance, s.n_eff, confidence)
    # Answers cannot fall outside the scale, so neither can their mean.
    return stats.Interval(ci.se, max(ci.low, spec.scale.lo), min(ci.high, spec.scale.hi), ci.method)


def compare(spec: MetricSpec, a: Tally, b: Tally) -> Optional[tuple[float, float]]:
    """Difference of the headline values (a − b) and its two-sided p-value; None when a side has under two answers.

    NPS: z on the difference with summed variances; CSAT: pooled two-proportion z; CES: Welch's t.
    """
    sa, sb = summary(spec, a), summary(spec, b)
    if min(sa.n, sb.n) < 2 or min(sa.n_eff, sb.n_eff) <= 1:
        return None
    diff = compute(spec, a)[0] - compute(spec, b)[0]
    if spec.type == "nps":
        _, p = stats.nps_diff_test((*_nps_shares(sa), sa.n_eff), (*_nps_shares(sb), sb.n_eff))
    elif spec.type == "csat":
        _, p = stats.two_proportion_test(sa.shares["satisfied"], sa.n_eff, sb.shares["satisfied"], sb.n_eff)
    else:
        _, _, p = stats.welch_test(sa.mean, sa.variance, sa.n_eff, sb.mean, sb.variance, sb.n_eff)
    return diff, p
