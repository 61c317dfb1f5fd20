"""Answers needed: for a margin of error of the interval cxscore reports, or to detect a change."""
from __future__ import annotations

from typing import Any

from . import stats
from .config import check_confidence
from .errors import CxError, param
from .kinds import get
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

    With ``margin``: the n whose reported interval (the kind's: adjusted-Wald NPS, Wilson, adjusted t
    with ``scale`` and ``mean``, else t) reaches ±margin at
    the expected values, or with probability ``assurance``. With ``detect``: the n per group for a
    difference of ``detect`` at 80% power.
    """
    check_confidence(confidence)
    if (margin is None) == (detect is None):
        raise CxError(f"give {param('margin')} (an interval's margin of error) or {param('detect')} (a change to detect), not both", f"e.g. {param('margin')} 5, or {param('detect')} 5")
    if assurance is not None and detect is not None:
        raise CxError(f"{param('assurance')} applies to {param('margin')}, not {param('detect')} (whose power is 80%)", f"drop {param('assurance')}, or plan a {param('margin')}")
    level = display.level(confidence)
    plan = get(metric).plan(confidence, assurance, promoters=promoters, detractors=detractors, expected=expected, sd=sd, scale=scale, mean=mean)
    variance, assumption, unit, what, points, solve = plan
    if detect is not None:
        n = stats.sample_size_difference(detect / unit, confidence, variance)
        summary = f"{n:,} answers per group to detect a change of {detect:g} {points} in {what} (80% power, two-sided test at {1 - confidence:.2g}), assuming {assumption}."
    elif margin is not None:  # one of the two, as checked above
        try:
            n = solve(margin)
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
