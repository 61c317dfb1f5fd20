"""CSAT: the share of satisfied answers (the top boxes), 0–100 %, on any rating scale."""
from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import stats, stats_arrays
from .base import Band, Kind, Plan, Scale

if TYPE_CHECKING:
    from ..config import MetricSpec
    from ..tally import Summary

_CSAT_5 = {
    "very dissatisfied": 1, "extremely dissatisfied": 1, "dissatisfied": 2, "somewhat dissatisfied": 2,
    "neutral": 3, "neither satisfied nor dissatisfied": 3, "satisfied": 4, "somewhat satisfied": 4,
    "very satisfied": 5, "extremely satisfied": 5,
    "非常不满意": 1, "很不满意": 1, "不满意": 2, "比较不满意": 2, "不太满意": 2, "一般": 3, "中立": 3,
    "满意": 4, "比较满意": 4, "非常满意": 5, "很满意": 5,
}
_CSAT_7_ZH = {
    "非常不满意": 1, "很不满意": 1, "不满意": 2, "比较不满意": 3, "一般": 4, "满意": 5, "比较满意": 6, "非常满意": 7, "很满意": 7,
}
#: Helpdesk good/bad ratings (Zendesk and others), and survey outcomes that merge the lower boxes ("neutral or
#: dissatisfied", as in the widely used airline passenger survey): a 0–1 scale where 1 is satisfied.
_CSAT_GOOD_BAD = {
    "good": 1, "bad": 0, "good, i'm satisfied": 1, "bad, i'm unsatisfied": 0, "satisfied": 1, "unsatisfied": 0,
    "neutral or dissatisfied": 0, "好评": 1, "差评": 0,
}


class Csat(Kind):
    name = "csat"
    article = "a CSAT"
    default_scale = (1, 5)
    bands = ("satisfied", "dissatisfied")
    comment_bands = ("dissatisfied", "satisfied")
    components = ("satisfied_pct", "dissatisfied_pct", "mean")
    style = "pct"
    score_label = "% satisfied"
    details = (("mean", "mean", "mean"), ("dissatisfied", "dissatisfied_pct", "pct"))  # the scale has its own column
    band_words = {"en": {"satisfied": "Satisfied", "dissatisfied": "Dissatisfied"}, "zh": {"satisfied": "满意", "dissatisfied": "不满意"}}
    benchmark = ("csat", "pct")
    header_pattern = re.compile(r"satisf|(?<![a-z])csat(?![a-z])|满意|滿意", re.IGNORECASE)
    header_order = 2
    candidate_scales = ((0, 1), (1, 3), (1, 5), (1, 7), (1, 10), (0, 10))
    labels = {(1, 5): _CSAT_5, (1, 7): _CSAT_7_ZH, (0, 1): _CSAT_GOOD_BAD}
    groups = ("dissatisfied", "neutral", "satisfied")
    required_groups = ("dissatisfied", "satisfied")

    def default_bands(self, lo: int, hi: int) -> dict[str, Any]:
        if hi - lo < 3:  # two or three points (good/bad): top box and bottom box
            return {"satisfied": Band(hi, hi), "dissatisfied": Band(lo, lo)}
        return {"satisfied": Band(hi - 1, hi), "dissatisfied": Band(lo, lo + 1)}

    def check(self, spec: MetricSpec) -> None:
        if spec.satisfied.hi != spec.scale.hi:
            raise ValueError(f"satisfied: the band {spec.satisfied} must reach the top of the scale ({spec.scale.hi}); CSAT counts the top boxes")
        if spec.dissatisfied.lo != spec.scale.lo:
            raise ValueError(f"dissatisfied: the band {spec.dissatisfied} must start at the bottom of the scale ({spec.scale.lo})")
        if spec.dissatisfied.hi >= spec.satisfied.lo:
            raise ValueError(f"satisfied: the band {spec.satisfied} overlaps dissatisfied {spec.dissatisfied}")

    def scale_hint(self, likely: Scale) -> str:
        return " and satisfied: 3 (or [2, 3])" if likely[1] - likely[0] == 2 else ""

    def three_point_hint(self) -> str:
        return "satisfied: 3 (or [2, 3])"

    def compute(self, spec: MetricSpec, s: Summary) -> tuple[float, dict[str, float | None]]:
        share = s.shares
        return 100 * share["satisfied"], {"satisfied_pct": 100 * share["satisfied"], "dissatisfied_pct": 100 * share["dissatisfied"], "mean": self._mean(spec, s)}

    @staticmethod
    def _mean(spec: MetricSpec, s: Any) -> Any:
        """The answers' mean; None (an array of them for many groups) when they are groups, which have no points to average."""
        if spec.groups is None:
            return s.mean
        return None if np.ndim(s.mean) == 0 else np.full(len(s.mean), None, dtype=object)

    def interval(self, spec: MetricSpec, s: Summary, confidence: float, nps_method: str) -> stats.Interval:
        ci = stats.wilson_interval(s.shares["satisfied"], s.n_eff, confidence)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def moments(self, spec: MetricSpec, s: Summary) -> tuple[float, float, float, float]:
        return (*stats.proportion_moments(s.shares["satisfied"]), s.n_eff)

    def compute_columns(self, spec: MetricSpec, s: Any) -> tuple[Any, dict[str, Any]]:
        return self.compute(spec, s)  # the same operations on arrays

    def interval_columns(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> stats_arrays.Intervals:
        ci = stats_arrays.wilson_interval(s.shares["satisfied"], s.n_eff, confidence)
        return stats_arrays.Intervals(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def moment_columns(self, spec: MetricSpec, s: Any) -> stats_arrays.Moments:
        return (*stats_arrays.proportion_moments(s.shares["satisfied"]), s.n_eff)

    def interval_words(self, nps_method: str) -> str:
        return "% Wilson"

    def example_target(self, spec: MetricSpec) -> str:
        return "80   # % satisfied"

    def plan(self, confidence: float, assurance: float | None, **given: Any) -> Plan:
        expected = given["expected"]
        variance = expected / 100 * (1 - expected / 100)
        solve = partial(stats.sample_size_proportion, confidence=confidence, p=expected / 100, assurance=assurance)
        return Plan(variance, f"an expected {expected:g}%", 100, "a percentage", "points", solve)


KIND = Csat()
