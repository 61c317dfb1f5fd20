"""Answers needed for a margin of error: NPS, percentages and means."""
from __future__ import annotations

from typing import Any, Optional

from . import stats
from .config import check_confidence
from .errors import CxError


def sample_size(
    metric: str,
    margin: float,
    confidence: float = 0.95,
    *,
    promoters: Optional[float] = None,
    detractors: Optional[float] = None,
    expected: float = 50.0,
    sd: Optional[float] = None,
) -> dict[str, Any]:
    """The answers needed, the assumption it rests on, and a one-line summary."""
    check_confidence(confidence)
    level = f"{confidence:.0%}"
    if metric == "nps":
        if (promoters is None) != (detractors is None):
            raise CxError("give both --promoters and --detractors, or neither (worst case)", "e.g. --promoters 0.5 --detractors 0.2")
        if promoters is not None and promoters + detractors > 1:
            raise CxError("--promoters and --detractors add up to more than 1", "give shares between 0 and 1")
        variance = 1.0 if promoters is None else stats.nps_variance(promoters, 1 - promoters - detractors, detractors)
        n = stats.sample_size_nps(margin, confidence, variance)
        assumption = "worst case (variance 1)" if promoters is None else f"{promoters:.0%} promoters, {detractors:.0%} detractors (variance {variance:.3f})"
        what = f"NPS ±{margin:g} points"
    elif metric == "csat":
        n = stats.sample_size_proportion(margin, confidence, expected / 100)
        assumption = f"an expected {expected:g}%"
        what = f"a percentage ±{margin:g} points"
    else:
        if sd is None:
            raise CxError("a mean's sample size needs the answers' standard deviation", "pass --sd, e.g. --sd 1.4 (a past run's data shows it)")
        n = stats.sample_size_mean(margin, confidence, sd)
        assumption = f"a standard deviation of {sd:g}"
        what = f"a mean ±{margin:g} scale points"
    return {
        "metric": metric,
        "margin": margin,
        "confidence": confidence,
        "n": n,
        "assumption": assumption,
        "summary": f"{n:,} answers for {what} at {level} confidence, assuming {assumption}.",
    }
