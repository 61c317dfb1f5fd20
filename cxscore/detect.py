"""Zero-config: find NPS, CSAT and CES columns from their headers and check their values."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from .config import Band, MetricSpec
from .normalize import BLANK, INVALID, AnswerParser

#: Header patterns per metric type, tried in this order (a header naming "recommend" is NPS even if it says "satisfied").
HEADER_PATTERNS = [
    ("nps", re.compile(r"recommend|推荐|推薦|\bnps\b|net promoter", re.IGNORECASE)),
    ("ces", re.compile(r"\bces\b|effort|\beas(?:y|e|ily)\b|容易|难易|難易|费力|費力|省力", re.IGNORECASE)),
    ("csat", re.compile(r"satisf|\bcsat\b|满意|滿意", re.IGNORECASE)),
]
#: Companion columns that carry a metric's name but must never be scored (Qualtrics NPS groups).
NEVER_SCORED = re.compile(r"_NPS_GROUP$", re.IGNORECASE)
#: Scales tried, smallest first, when a column's values decide the scale.
CANDIDATE_SCALES = {"nps": [(0, 10)], "csat": [(1, 5), (1, 7), (1, 10)], "ces": [(1, 7), (1, 5), (1, 10)]}
#: Share of non-blank sampled answers that must be valid for a column to count as a metric.
MIN_VALID_SHARE = 0.9


@dataclass
class Detection:
    """A metric found without config, or a column that looked like one and was passed over."""

    column: str
    type: str
    spec: Optional[MetricSpec]
    reason: str


def _valid_share(spec: MetricSpec, values: list[str], blank_values: Iterable[str]) -> tuple[float, int]:
    parser = AnswerParser(spec, blank_values)
    codes = [parser.code(v) for v in values]
    answered = [c for c in codes if c != BLANK]
    if not answered:
        return 0.0, 0
    return sum(c != INVALID for c in answered) / len(answered), len(answered)


def _fit_scale(kind: str, column: str, values: list[str], blank_values: Iterable[str]) -> tuple[Optional[MetricSpec], str]:
    tried = []
    for lo, hi in CANDIDATE_SCALES[kind]:
        spec = MetricSpec(type=kind, column=column, scale=Band(lo=lo, hi=hi))
        share, answered = _valid_share(spec, values, blank_values)
        if answered == 0:
            return None, "no answers in the first rows"
        if share >= MIN_VALID_SHARE:
            return spec, f"{lo}–{hi}"
        tried.append(f"{lo}–{hi}")
    return None, f"its values are not on a {' or '.join(tried)} scale"


def detect_metrics(columns: list[str], sample: list[list], blank_values: Iterable[str]) -> list[Detection]:
    """Every column whose header names a metric and whose sampled values fit its scale."""
    found: list[Detection] = []
    counts: dict[str, int] = {}
    for index, column in enumerate(columns):
        if NEVER_SCORED.search(column):
            continue
        match = next(((kind, m) for kind, pattern in HEADER_PATTERNS if (m := pattern.search(column))), None)
        if match is None:
            continue
        kind, hit = match
        values = [row[index] for row in sample if index < len(row) and row[index] is not None]
        spec, scale_note = _fit_scale(kind, column, values, blank_values)
        if spec is None:
            found.append(Detection(column, kind, None, f"header mentions {hit.group(0)!r} but {scale_note}; not scored"))
            continue
        counts[kind] = counts.get(kind, 0) + 1
        spec.name = kind if counts[kind] == 1 else f"{kind}_{counts[kind]}"
        found.append(Detection(column, kind, spec, f"header mentions {hit.group(0)!r}; scale {scale_note}"))
    return found
