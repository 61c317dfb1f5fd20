"""Which scale a metric's answers are on, and whether the answers look like that scale.

A scale is chosen from the values (the smallest standard scale they fit and use) or stated in a
config; either way, the answers scored on it are checked: a 0–10 NPS column whose answers never
reach 7, or a 1–7 CSAT whose answers stop at 5, is on another scale than the one it is scored on,
and the score would be confidently wrong. Such a doubt is a warning (``--strict``: exit 2).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .config import Band, MetricSpec

#: Scales that surveys use, smallest first: the candidates for "is it a … rating?".
STANDARD_SCALES = [(0, 1), (1, 3), (1, 5), (0, 5), (1, 7), (1, 10), (0, 10)]
#: Scales tried per metric type when the values decide, smallest first.
CANDIDATE_SCALES = {
    "nps": [(0, 10)],
    "csat": [(0, 1), (1, 3), (1, 5), (1, 7), (1, 10), (0, 10)],
    "ces": [(1, 3), (1, 5), (1, 7), (1, 10)],
}
#: Answers needed before an unused end of the scale means something (fewer could be chance).
REAL_SIZE = 20
#: Answers needed before "nobody answered 0–5" on a 0–10 NPS is a doubt: great services rarely get them.
NPS_LOWER_HALF_SIZE = 100
#: Numbers exports write for "not applicable" or "no answer" (besides the point just below a scale).
NA_CODES = {-1, 99, 999}


def span(scale: tuple[int, int]) -> int:
    return scale[1] - scale[0]


def used(kind: str, scale: tuple[int, int], lowest: int, highest: int) -> bool:
    """Whether the answers given (from ``lowest`` to ``highest``) reach the top of the scale: on a
    0–10 NPS some answer ≥ 7; on a two-point scale both points; elsewhere the top point or the one below."""
    lo, hi = scale
    if kind == "nps" and (lo, hi) == (0, 10):
        return highest >= 7
    if hi - lo == 1:
        return lowest == lo and highest == hi
    return highest >= hi - 1


def small(scale: tuple[int, int]) -> bool:
    """A two- or three-point scale: chosen from the values only when a real sample uses it."""
    return span(scale) <= 2


def likely_scale(lowest: int, highest: int, scale: tuple[int, int]) -> tuple[int, int] | None:
    """The smallest standard scale, smaller than ``scale``, that holds every answer given."""
    for candidate in STANDARD_SCALES:
        if candidate[0] <= lowest and highest <= candidate[1] and span(candidate) < span(scale):
            return candidate
    return None


def three_point_reason(kind: str) -> str:
    """Why a 1–3 item is not scored without a config, and the config that scores it."""
    how = "satisfied: 3 (or [2, 3])" if kind == "csat" else "direction, low_effort and high_effort"
    return (f"its values are on a 1–3 scale, and a 3-point item has no standard {kind.upper()} bands, so it is not scored; "
            f"to score it, name the column in a config with type: {kind}, scale: [1, 3] and {how}")


def _suggestion(kind: str, likely: tuple[int, int], configured: bool) -> str:
    lo, hi = likely
    text = f"is it a {lo}–{hi} rating? set scale: [{lo}, {hi}]"
    if kind == "nps":
        text += " or type: csat"
    elif span(likely) == 2 and kind == "csat":
        text += " and satisfied: 3 (or [2, 3])"
    elif kind == "ces" and likely not in ((1, 5), (1, 7), (1, 10)):
        text += " with direction, low_effort and high_effort"
    if lo == 0 and (1, hi) in STANDARD_SCALES:
        text += f" (if 0 means not applicable: scale: [1, {hi}] and blank_values: [\"0\"])"
    return text + ("" if configured else " in a config")


def doubt(spec: MetricSpec, column: str, counts: Sequence[int], configured: bool) -> str | None:
    """A warning when the answers scored (``counts`` per scale point) contradict the scale, else None."""
    lo, hi = spec.scale
    points = [lo + i for i, count in enumerate(counts) if count]
    answered = int(sum(counts))
    if not points or answered < REAL_SIZE:
        return None
    lowest, highest = points[0], points[-1]
    holds = f"{spec.name}: {column!r} holds only {Band(lowest, highest)} ({answered:,} answers) on its {lo}–{hi} scale"
    if not used(spec.type, (lo, hi), lowest, highest):
        likely = likely_scale(lowest, highest, (lo, hi))
        if likely:
            return f"{holds}: {_suggestion(spec.type, likely, configured)}"
        if spec.type == "nps" and (lo, hi) == (0, 10):
            return f"{holds}: nobody answered 7–10, which a 0–10 recommend question does not look like; check its scale"
        return None
    if spec.type == "nps" and (lo, hi) == (0, 10) and lowest >= 6 and answered >= NPS_LOWER_HALF_SIZE:
        return f"{holds}: nobody answered 0–5, which a 0–10 recommend question rarely looks like; check its scale"
    return None


_INTEGER = re.compile(r"^\s*[+-]?\d+(?:\.0+)?\s*$")


def na_codes(spec: MetricSpec, examples: dict[str, int]) -> list[str]:
    """Invalid answers that look like a "not applicable" code: the point just below the scale (0 on a
    1–5 scale), -1, 99 or 999."""
    codes = NA_CODES | {spec.scale.lo - 1}
    return [text for text in examples if _INTEGER.match(text) and int(float(text)) in codes]


def blank_points(spec: MetricSpec, blank_values: list[str]) -> str | None:
    """A warning when the config's blank_values (for every metric) name a point of this metric's
    scale: ``"0"`` meant for a 1–5 rating also blanks every NPS 0, the harshest detractor."""
    points = [text for text in blank_values if _INTEGER.match(text) and int(float(text)) + spec.offset in spec.scale]
    if not points:
        return None
    shown = ", ".join(f'"{p.strip()}"' for p in points)
    return (f"{spec.name}: blank_values [{shown}] is on its {spec.scale} scale, so those answers are counted blank, not scored; "
            f"to blank them for one metric only, move them to that metric's blank_values")


def na_hint(codes: list[str]) -> str:
    shown = ", ".join(f'"{c.strip()}"' for c in codes)
    return f"if {' or '.join(c.strip() for c in codes)} means not applicable, give this metric blank_values: [{shown}] in a config"
