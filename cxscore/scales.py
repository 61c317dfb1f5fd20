"""Which scale a metric's answers are on, and whether the answers look like that scale.

A scale is chosen from the values (the smallest standard scale they fit and use) or stated in a
config; either way, the answers scored on it are checked: a 0–10 NPS column whose answers never
reach 7, or a 1–7 CSAT whose answers stop at 5, is on another scale than the one it is scored on,
and the score would be confidently wrong. Such a doubt is a warning (``--strict``: exit 2).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .binning import Binning
from .config import Band, MetricSpec
from .kinds import Kind

if TYPE_CHECKING:
    import numpy as np

#: Scales that surveys use, smallest first: the candidates for "is it a … rating?".
STANDARD_SCALES = [(0, 1), (1, 3), (1, 5), (0, 5), (1, 7), (1, 10), (0, 10)]
#: Answers needed before an unused end of the scale means something (fewer could be chance).
REAL_SIZE = 20
#: Numbers exports write for "not applicable" or "no answer" (besides the point just below a scale).
NA_CODES = {-1, 99, 999}


def span(scale: tuple[int, int]) -> int:
    return scale[1] - scale[0]


def used(kind: Kind, scale: tuple[int, int], lowest: int, highest: int) -> bool:
    """Whether the answers given (from ``lowest`` to ``highest``) reach the top of the scale: as the
    kind says (on a 0–10 NPS some answer ≥ 7); on a two-point scale both points; elsewhere the top
    point or the one below."""
    lo, hi = scale
    said = kind.scale_used(scale, lowest, highest)
    if said is not None:
        return said
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


def three_point_reason(kind: Kind) -> str:
    """Why a 1–3 item is not scored without a config, and the config that scores it."""
    return (f"its values are on a 1–3 scale, and a 3-point item has no standard {kind.name.upper()} bands, so it is not scored; "
            f"to score it, name the column in a config with type: {kind.name}, scale: [1, 3] and {kind.three_point_hint()}")


def _suggestion(kind: Kind, likely: tuple[int, int], configured: bool) -> str:
    lo, hi = likely
    text = f"is it a {lo}–{hi} rating? set scale: [{lo}, {hi}]" + kind.scale_hint(likely)
    if lo == 0 and (1, hi) in STANDARD_SCALES:
        text += f" (if 0 means not applicable: scale: [1, {hi}] and blank_values: [\"0\"])"
    return text + ("" if configured else " in a config")


def doubt(spec: MetricSpec, column: str, counts: Sequence[int] | np.ndarray, configured: bool) -> str | None:
    """A warning when the answers scored (``counts`` per scale point) contradict the scale, else None."""
    lo, hi = spec.scale
    binning = Binning.of(spec.scale)
    points = [binning.value(i) for i, count in enumerate(counts) if count]
    answered = int(sum(counts))
    if not points or answered < REAL_SIZE:
        return None
    lowest, highest = points[0], points[-1]
    holds = f"{spec.name}: {column!r} holds only {Band(lowest, highest)} ({answered:,} answers) on its {lo}–{hi} scale"
    kind = spec.kind
    if not used(kind, (lo, hi), lowest, highest):
        likely = likely_scale(lowest, highest, (lo, hi))
        if likely:
            return f"{holds}: {_suggestion(kind, likely, configured)}"
        unused = kind.unused_scale_doubt((lo, hi))
        return f"{holds}: {unused}" if unused else None
    odd = kind.used_scale_doubt((lo, hi), lowest, answered)
    return f"{holds}: {odd}" if odd else None


_INTEGER = re.compile(r"^\s*[+-]?\d+(?:\.0+)?\s*$")


def na_codes(spec: MetricSpec, examples: dict[str, int]) -> list[str]:
    """Invalid answers that look like a "not applicable" code: the point just below the scale (0 on a
    1–5 scale), -1, 99 or 999."""
    codes = NA_CODES | {spec.scale.lo - 1}
    return [text for text in examples if _INTEGER.match(text) and int(float(text)) in codes]


def blank_points(spec: MetricSpec, blank_values: list[str]) -> str | None:
    """A warning when the config's blank_values (for every metric) name a point of this metric's
    scale: ``"0"`` meant for a 1–5 rating also blanks every NPS 0, the harshest detractor."""
    if not spec.scaled:
        return None
    points = [text for text in blank_values if _INTEGER.match(text) and int(float(text)) + spec.offset in spec.scale]
    if not points:
        return None
    shown = ", ".join(f'"{p.strip()}"' for p in points)
    return (f"{spec.name}: blank_values [{shown}] is on its {spec.scale} scale, so those answers are counted blank, not scored; "
            f"to blank them for one metric only, move them to that metric's blank_values")


def na_hint(codes: list[str]) -> str:
    shown = ", ".join(f'"{c.strip()}"' for c in codes)
    return f"if {' or '.join(c.strip() for c in codes)} means not applicable, give this metric blank_values: [{shown}] in a config"
