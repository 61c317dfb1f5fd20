"""Answers needed: for a margin of error of the interval cxscore reports, or to detect a change."""
from __future__ import annotations

from functools import partial
from typing import Any

from . import stats
from .config import check_confidence
from .errors import CxError
from .render import display


def sample_size(
    metric: str,
    margin: float | None = None,
    confidence: float = 0.95,
    *,
    promoters: float | None = None,
    detractors: float | None = None,
    expected: float = 50.0,
    sd: float | None = None,
    detect: float | None = None,
    assurance: float | None = None,
    scale: tuple[int, int] | None = None,
    mean: float | None = None,
) -> dict[str, Any]:
    """The answers needed, the assumption it rests on, and a one-line summary.

    With ``margin``: the n whose reported interval (adjusted-Wald NPS, Wilson, adjusted t with
    ``scale`` and ``mean``, else t) reaches ±margin at
    the expected values, or with probability ``assurance``. With ``detect``: the n per group for a
    difference of ``detect`` at 80% power.
    """
    check_confidence(confidence)
    if (margin is None) == (detect is None):
        raise CxError("give --margin (an interval's margin of error) or --detect (a change to detect), not both", "e.g. --margin 5, or --detect 5")
    if assurance is not None and detect is not None:
        raise CxError("--assurance applies to --margin, not --detect (whose power is 80%)", "drop --assurance, or plan a --margin")
    level = display.level(confidence)
    if metric == "nps":
        if (promoters is None) != (detractors is None):
            raise CxError("give both --promoters and --detractors, or neither (worst case)", "e.g. --promoters 0.5 --detractors 0.2")
        if promoters is not None and promoters + detractors > 1:
            raise CxError("--promoters and --detractors add up to more than 1", "give shares between 0 and 1")
        shares = (0.5, 0.5) if promoters is None else (promoters, detractors)
        variance = stats.nps_variance(shares[0], 1 - sum(shares), shares[1])
        assumption = "worst case (variance 1)" if promoters is None else f"{promoters:.0%} promoters, {detractors:.0%} detractors (variance {variance:.3f})"
        unit, what = 100, "NPS"
        solve = partial(stats.sample_size_nps, margin, confidence, *shares, assurance=assurance)
    elif metric == "csat":
        variance = expected / 100 * (1 - expected / 100)
        assumption = f"an expected {expected:g}%"
        unit, what = 100, "a percentage"
        solve = partial(stats.sample_size_proportion, margin, confidence, expected / 100, assurance=assurance)
    else:
        if sd is None:
            raise CxError("a mean's sample size needs the answers' standard deviation", "pass --sd, e.g. --sd 1.4 (a past run's data shows it)")
        if (scale is None) != (mean is None):
            raise CxError("give both --scale and --mean, or neither", "e.g. --scale 1 7 --mean 5.2 (then n is solved for the adjusted t interval the reports give)")
        if scale is not None and mean is not None and not scale[0] < scale[1]:
            raise CxError(f"--scale {scale[0]} {scale[1]}: the bottom must be below the top", "e.g. --scale 1 7")
        if scale is not None and mean is not None and not scale[0] <= mean <= scale[1]:
            raise CxError(f"--mean {mean:g} lies outside the scale {scale[0]}–{scale[1]}", "give the expected mean on that scale")
        variance = sd * sd
        assumption = f"a standard deviation of {sd:g}" + (f" and a mean of {mean:g} on {scale[0]}–{scale[1]} (adjusted t)" if scale and mean is not None else " (t interval)")
        unit, what = 1, "a mean"
        solve = partial(stats.sample_size_mean, margin, confidence, sd, assurance=assurance, scale=scale, mean=mean)
    points = "scale points" if metric == "ces" else "points"
    if detect is not None:
        n = stats.sample_size_difference(detect / unit, confidence, variance)
        summary = f"{n:,} answers per group to detect a change of {detect:g} {points} in {what} (80% power, two-sided test at {1 - confidence:.2g}), assuming {assumption}."
    else:
        try:
            n = solve()
        except stats.MarginUnreachable:
            raise CxError(f"no sample of up to {stats.MAX_PLANNED_N:,} answers gets {what} to ±{margin:g} {points} at {level} confidence", "ask for a wider --margin") from None
        chance = "on average" if assurance is None else f"with {display.level(assurance)} probability"
        summary = f"{n:,} answers for {what} ±{margin:g} {points} at {level} confidence ({chance}), assuming {assumption}."
    return {
        "metric": metric,
        "margin": margin,
        "detect": detect,
        "assurance": assurance,
        "confidence": confidence,
        "n": n,
        "per_group": detect is not None,
        "assumption": assumption,
        "summary": summary,
    }
