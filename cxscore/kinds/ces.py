"""CES: the mean effort answer on its scale, with the low- and high-effort shares and their net."""
from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from .. import stats, stats_arrays
from ..errors import CxError, param
from .base import Band, Kind, Plan, Scale

if TYPE_CHECKING:
    from ..config import MetricSpec
    from ..tally import Summary

Direction = Literal["higher_is_easier", "higher_is_harder"]

_CES_7_AGREE = {
    "strongly disagree": 1, "disagree": 2, "somewhat disagree": 3, "neither agree nor disagree": 4, "neutral": 4,
    "somewhat agree": 5, "agree": 6, "strongly agree": 7,
    "非常不同意": 1, "不同意": 2, "有点不同意": 3, "比较不同意": 3, "一般": 4, "中立": 4,
    "有点同意": 5, "比较同意": 5, "同意": 6, "非常同意": 7,
}
_CES_5_EASE = {
    "very difficult": 1, "difficult": 2, "neither easy nor difficult": 3, "neutral": 3, "easy": 4, "very easy": 5,
    "非常困难": 1, "很困难": 1, "困难": 2, "比较困难": 2, "一般": 3, "容易": 4, "比较容易": 4, "非常容易": 5, "很容易": 5,
}
#: 1–7 agreement (CES 2.0) and 1–5 ease scales run towards "easy"; 1–10 effort scales towards "hard".
_DEFAULTS = {
    (1, 7): ("higher_is_easier", Band(5, 7), Band(1, 3)),
    (1, 5): ("higher_is_easier", Band(4, 5), Band(1, 2)),
    (1, 10): ("higher_is_harder", Band(1, 2), Band(6, 10)),
}


class Ces(Kind):
    name = "ces"
    article = "a CES"
    default_scale = (1, 7)
    bands = ("low_effort", "high_effort")
    settings = {"direction": Direction}
    comment_bands = ("high_effort", "low_effort")
    components = ("mean", "low_effort_pct", "high_effort_pct", "net")
    unit = 1.0
    style = "mean"
    score_label = "mean"
    details = (("low effort", "low_effort_pct", "pct"), ("high effort", "high_effort_pct", "pct"), ("net", "net", "points"))
    band_words = {"en": {"low_effort": "Low effort", "high_effort": "High effort"}, "zh": {"low_effort": "省力", "high_effort": "费力"}}
    header_pattern = re.compile(r"(?<![a-z])ces(?![a-z])|effort|(?<![a-z])eas(?:y|e|ily)(?![a-z])|容易|难易|難易|费力|費力|省力", re.IGNORECASE)
    header_order = 1
    candidate_scales = ((1, 3), (1, 5), (1, 7), (1, 10))
    labels = {(1, 7): _CES_7_AGREE, (1, 5): _CES_5_EASE}

    def default_bands(self, lo: int, hi: int) -> dict[str, Any]:
        if (lo, hi) not in _DEFAULTS:
            return {}
        direction, low, high = _DEFAULTS[(lo, hi)]
        return {"direction": direction, "low_effort": low, "high_effort": high}

    def check(self, spec: MetricSpec) -> None:
        if spec.direction is None:
            raise ValueError(f"direction: has no default on the scale {spec.scale}; give higher_is_easier or higher_is_harder")
        easy_top = spec.direction == "higher_is_easier"
        low, high = spec.low_effort, spec.high_effort
        top, bottom = (low, high) if easy_top else (high, low)
        top_name, bottom_name = ("low_effort", "high_effort") if easy_top else ("high_effort", "low_effort")
        if top.hi != spec.scale.hi:
            raise ValueError(f"{top_name}: with direction {spec.direction} the band {top} must reach the top of the scale ({spec.scale.hi})")
        if bottom.lo != spec.scale.lo:
            raise ValueError(f"{bottom_name}: with direction {spec.direction} the band {bottom} must start at the bottom of the scale ({spec.scale.lo})")
        if bottom.hi >= top.lo:
            raise ValueError(f"low_effort: the band {low} overlaps high_effort {high}")

    def value_range(self, spec: MetricSpec) -> tuple[float, float]:
        return float(spec.scale.lo), float(spec.scale.hi)

    def higher_is_better(self, metric: Any) -> bool:
        return metric.direction != "higher_is_harder"

    def trial_settings(self, lo: int, hi: int) -> dict[str, Any]:
        # A 3-point CES has no default bands; these only let its fit be tried (it is never scored).
        return {"direction": "higher_is_easier", "low_effort": hi, "high_effort": lo} if hi - lo <= 2 else {}

    def scale_hint(self, likely: Scale) -> str:
        return " with direction, low_effort and high_effort" if likely not in _DEFAULTS else ""

    def three_point_hint(self) -> str:
        return "direction, low_effort and high_effort"

    def compute(self, spec: MetricSpec, s: Summary) -> tuple[float, dict[str, float | None]]:
        low, high = 100 * s.shares["low_effort"], 100 * s.shares["high_effort"]
        return s.mean, {"mean": s.mean, "low_effort_pct": low, "high_effort_pct": high, "net": low - high}

    def interval(self, spec: MetricSpec, s: Summary, confidence: float, nps_method: str) -> stats.Interval | None:
        return stats.adjusted_t_interval(s.mean, s.m2, s.n_eff, spec.scale.lo, spec.scale.hi, confidence)

    def compute_columns(self, spec: MetricSpec, s: Any) -> tuple[Any, dict[str, Any]]:
        return self.compute(spec, s)  # the same operations on arrays

    def interval_columns(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> stats_arrays.Intervals:
        return stats_arrays.adjusted_t_interval(s.mean, s.m2, s.n_eff, spec.scale.lo, spec.scale.hi, confidence)

    def interval_words(self, nps_method: str) -> str:
        return "means adjusted t"

    def example_target(self, spec: MetricSpec) -> str:
        if spec.higher_is_better:  # a mean inside the low-effort band, met at or above
            return f"{spec.low_effort.lo}   # mean on {spec.scale}; met at or above (higher is easier)"
        return f"{spec.low_effort.hi}   # mean on {spec.scale}; met at or below (higher is harder)"

    def plan(self, confidence: float, assurance: float | None, **given: Any) -> Plan:
        sd, scale, mean = given["sd"], given["scale"], given["mean"]
        if sd is None:
            raise CxError("a mean's sample size needs the answers' standard deviation", f"pass {param('sd')}, e.g. {param('sd')} 1.4 (a past run's data shows it)")
        if (scale is None) != (mean is None):
            raise CxError(f"give both {param('scale')} and {param('mean')}, or neither", f"e.g. {param('scale')} 1 7 {param('mean')} 5.2 (then n is solved for the adjusted t interval the reports give)")
        if scale is not None and mean is not None and not scale[0] < scale[1]:
            raise CxError(f"{param('scale')} {scale[0]} {scale[1]}: the bottom must be below the top", f"e.g. {param('scale')} 1 7")
        if scale is not None and mean is not None and not scale[0] <= mean <= scale[1]:
            raise CxError(f"{param('mean')} {mean:g} lies outside the scale {scale[0]}–{scale[1]}", "give the expected mean on that scale")
        assumption = f"a standard deviation of {sd:g}" + (f" and a mean of {mean:g} on {scale[0]}–{scale[1]} (adjusted t)" if scale and mean is not None else " (t interval)")
        solve = partial(stats.sample_size_mean, confidence=confidence, sd=sd, assurance=assurance, scale=scale, mean=mean)
        return Plan(sd * sd, assumption, 1, "a mean", "scale points", solve)


KIND = Ces()
