"""NPS: the share of promoters minus the share of detractors, on −100…100, from a 0–10 recommend question."""
from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import stats, stats_arrays
from ..errors import CxError, param
from .base import Band, Kind, Plan, Scale

if TYPE_CHECKING:
    from ..config import MetricSpec
    from ..tally import Summary

#: Answers needed before "nobody answered 0–5" on a 0–10 NPS is a doubt: great services rarely get them.
LOWER_HALF_SIZE = 100


def _shares(s: Any) -> tuple[Any, Any, Any]:
    """The promoters', passives' and detractors' shares (numbers, or arrays of many groups')."""
    return s.shares["promoters"], s.shares["passives"], s.shares["detractors"]


def check_partition(scale: Band, bands: list[tuple[str, Band]]) -> None:
    """NPS bands must cover the scale exactly, in order, without overlap or gap."""
    expected = scale.lo
    previous: tuple[str, Band] | None = None
    for name, band in bands:
        if band.lo < expected and previous:
            raise ValueError(f"{name}: the band {band} overlaps {previous[0]} {previous[1]}")
        if band.lo > expected:
            missing = Band(expected, band.lo - 1)
            raise ValueError(f"{name}: the scale point(s) {missing} fall in no band; start {name} at {expected}")
        expected = band.hi + 1
        previous = (name, band)
    if expected <= scale.hi:
        raise ValueError(f"{bands[-1][0]}: the scale point(s) {Band(expected, scale.hi)} fall in no band; end it at {scale.hi}")


class Nps(Kind):
    name = "nps"
    article = "an NPS"
    default_scale = (0, 10)
    bands = ("detractors", "passives", "promoters")
    comment_bands = ("detractors", "promoters")
    components = ("promoters_pct", "passives_pct", "detractors_pct")
    style = "points"
    score_label = "NPS"
    details = (("promoters", "promoters_pct", "pct"), ("passives", "passives_pct", "pct"), ("detractors", "detractors_pct", "pct"))
    signed = True
    stacked_shares = ("detractors", "passives", "promoters")
    band_words = {"en": {"detractors": "Detractors", "passives": "Passives", "promoters": "Promoters"},
                  "zh": {"detractors": "贬损者", "passives": "被动者", "promoters": "推荐者"}}
    benchmark = ("nps", "nps")
    header_pattern = re.compile(r"recommend|推荐|推薦|(?<![a-z])nps(?![a-z])|net[ _]promoter", re.IGNORECASE)
    header_order = 0  # a question naming "recommend" is NPS even if it says "satisfied"
    candidate_scales = ((0, 10),)
    stated_scales = False
    groups = required_groups = ("detractors", "passives", "promoters")

    def default_bands(self, lo: int, hi: int) -> dict[str, Any]:
        return {"detractors": Band(0, 6), "passives": Band(7, 8), "promoters": Band(9, 10)} if (lo, hi) == (0, 10) else {}

    def check(self, spec: MetricSpec) -> None:
        check_partition(spec.scale, [("detractors", spec.detractors), ("passives", spec.passives), ("promoters", spec.promoters)])

    def value_range(self, spec: MetricSpec) -> tuple[float, float]:
        return -100.0, 100.0

    def scale_used(self, scale: Scale, lowest: int, highest: int) -> bool | None:
        return highest >= 7 if scale == (0, 10) else None

    def scale_hint(self, likely: Scale) -> str:
        return " or type: csat"

    def unused_scale_doubt(self, scale: Scale) -> str | None:
        return "nobody answered 7–10, which a 0–10 recommend question does not look like; check its scale" if scale == (0, 10) else None

    def used_scale_doubt(self, scale: Scale, lowest: int, answered: int) -> str | None:
        if scale == (0, 10) and lowest >= 6 and answered >= LOWER_HALF_SIZE:
            return "nobody answered 0–5, which a 0–10 recommend question rarely looks like; check its scale"
        return None

    def compute(self, spec: MetricSpec, s: Summary) -> tuple[float, dict[str, float | None]]:
        share = s.shares
        value = 100 * (share["promoters"] - share["detractors"])
        return value, {"promoters_pct": 100 * share["promoters"], "passives_pct": 100 * share["passives"], "detractors_pct": 100 * share["detractors"]}

    def interval(self, spec: MetricSpec, s: Summary, confidence: float, nps_method: str) -> stats.Interval:
        ci = stats.nps_interval(*_shares(s), s.n_eff, confidence, nps_method)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def moments(self, spec: MetricSpec, s: Summary) -> tuple[float, float, float, float]:
        return (*stats.nps_moments(*_shares(s)), s.n_eff)

    def other_test(self, spec: MetricSpec, a: Summary, b: Summary, test: str) -> float | None:
        if test == "pooled":
            return None
        sides = ((*_shares(a), a.n_eff), (*_shares(b), b.n_eff))
        return (stats.nps_adjusted_wald_diff_test if test == "adjusted-wald" else stats.nps_diff_test)(*sides)[1]

    def compute_columns(self, spec: MetricSpec, s: Any) -> tuple[Any, dict[str, Any]]:
        return self.compute(spec, s)  # the same operations on arrays

    def interval_columns(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> stats_arrays.Intervals:
        ci = stats_arrays.nps_interval(*_shares(s), s.n_eff, confidence, nps_method)
        return stats_arrays.Intervals(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def moment_columns(self, spec: MetricSpec, s: Any) -> stats_arrays.Moments:
        return (*stats_arrays.nps_moments(*_shares(s)), s.n_eff)

    def other_test_columns(self, spec: MetricSpec, a: Any, b: Any, test: str) -> Any | None:
        if test == "pooled":
            return None
        sides = ((*_shares(a), a.n_eff), (*_shares(b), b.n_eff))
        return (stats_arrays.nps_adjusted_wald_diff_p if test == "adjusted-wald" else stats_arrays.nps_diff_p)(*sides)

    def interval_words(self, nps_method: str) -> str:
        return f"NPS {nps_method}"

    def example_target(self, spec: MetricSpec) -> str:
        return "30   # NPS, −100…100"

    def plan(self, confidence: float, assurance: float | None, **given: Any) -> Plan:
        promoters, detractors = given["promoters"], given["detractors"]
        if (promoters is None) != (detractors is None):
            raise CxError(f"give both {param('promoters')} and {param('detractors')}, or neither (worst case)", f"e.g. {param('promoters')} 0.5 {param('detractors')} 0.2")
        if promoters is not None and promoters + detractors > 1:
            raise CxError(f"{param('promoters')} and {param('detractors')} add up to more than 1", "give shares between 0 and 1")
        shares = (0.5, 0.5) if promoters is None else (promoters, detractors)
        variance = stats.nps_variance(shares[0], 1 - sum(shares), shares[1])
        assumption = "worst case (variance 1)" if promoters is None else f"{promoters:.0%} promoters, {detractors:.0%} detractors (variance {variance:.3f})"
        return Plan(variance, assumption, 100, "NPS", "points", partial(stats.sample_size_nps, confidence=confidence, promoters=shares[0], detractors=shares[1], assurance=assurance))


KIND = Nps()
