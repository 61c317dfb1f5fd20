"""Zero-config: find NPS, CSAT and CES columns from their question text and check their values."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional

from .config import Band, MetricSpec
from .normalize import BLANK, INVALID, AnswerParser
from .sources.layouts import Layout

#: Header patterns per metric type, tried in this order (a question naming "recommend" is NPS even if it says "satisfied").
HEADER_PATTERNS = [
    ("nps", re.compile(r"recommend|推荐|推薦|\bnps\b|net promoter", re.IGNORECASE)),
    ("ces", re.compile(r"\bces\b|effort|\beas(?:y|e|ily)\b|容易|难易|難易|费力|費力|省力", re.IGNORECASE)),
    ("csat", re.compile(r"satisf|\bcsat\b|满意|滿意", re.IGNORECASE)),
]
#: Companion columns that carry a metric's name but must never be scored (Qualtrics NPS groups).
NEVER_SCORED = re.compile(r"_NPS_GROUP$", re.IGNORECASE)
#: A scale stated in the question: "(0-10)", "1–5", "以0-10分为标准".
STATED_SCALE = re.compile(r"(\d{1,2})\s*(?:-|–|—|~|～|到|至|to)\s*(\d{1,2})\s*(?:分|points?|\)|）|$|\s)")
#: Scales tried, smallest first, when a column's values decide the scale.
CANDIDATE_SCALES = {"nps": [(0, 10)], "csat": [(1, 5), (1, 7), (1, 10), (0, 10), (0, 1)], "ces": [(1, 7), (1, 5), (1, 10)]}
#: Share of non-blank sampled answers that must be valid for a column to count as a metric.
MIN_VALID_SHARE = 0.9


@dataclass
class Detection:
    """A metric found without config, or a column that looked like one and was passed over."""

    column: str
    type: str
    spec: Optional[MetricSpec]
    reason: str


def _fits(spec: MetricSpec, values: list[str], blank_values: Iterable[str]) -> tuple[float, int, int]:
    """Share of answered values that are valid, how many were answered, and how many distinct points they hit."""
    parser = AnswerParser(spec, blank_values)
    points: set[int] = set()
    answered = valid = 0
    for text, count in Counter(values).items():
        code = parser.code(text)
        if code == BLANK:
            continue
        answered += count
        if code != INVALID:
            valid += count
            points.add(code)
    return (valid / answered if answered else 0.0), answered, len(points)


def _fit_scale(kind: str, column: str, question: str, values: list[str], blank_values: Iterable[str], positions: bool) -> tuple[Optional[MetricSpec], str]:
    """The candidate scale the sampled answers fit best: at least 90% valid, then the most distinct
    points (a 7-level label column read on a 5-point map loses two levels), then the smallest.
    With ``positions`` (问卷星's download by option position) a stored number is the option's
    position from 1, so point = lo + number − 1."""
    stated = STATED_SCALE.search(question)
    candidates = CANDIDATE_SCALES[kind]
    if stated and kind != "nps":
        scale = (int(stated.group(1)), int(stated.group(2)))
        if scale[1] > scale[0]:
            # A stated scale is tried first; an unusual one (say 0–6) is the only one tried.
            candidates = [scale, *(c for c in candidates if c != scale)] if scale in candidates else [scale]
    tried, best = [], None
    for lo, hi in candidates:
        try:
            spec = MetricSpec(type=kind, column=column, scale=Band(lo=lo, hi=hi), offset=lo - 1 if positions else 0)
        except ValueError:
            continue
        share, answered, points = _fits(spec, values, blank_values)
        if answered == 0:
            return None, "no answers in the first rows"
        if share >= MIN_VALID_SHARE and (best is None or points > best[1]):
            best = (spec, points)
        tried.append(f"{lo}–{hi}")
    if best is None:
        return None, f"its values are not on a {' or '.join(tried)} scale"
    spec = best[0]
    lo, hi = spec.scale.lo, spec.scale.hi
    how = "stated in the question" if stated and (lo, hi) == (int(stated.group(1)), int(stated.group(2))) else "from the values"
    return spec, f"{lo}–{hi} ({how})"


def _name(kind: str, question: str, counts: dict[str, int]) -> str:
    counts[kind] = counts.get(kind, 0) + 1
    if "—" in question:  # a matrix row: name it after the row (问卷星 题干—行, SurveyMonkey question — row)
        label = re.sub(r"\W+", "_", question.rsplit("—", 1)[1].strip()).strip("_").lower()
        if label:
            return f"{kind}_{label}"
    return kind if counts[kind] == 1 else f"{kind}_{counts[kind]}"


def detect_metrics(columns: list[str], sample: list[list], blank_values: Iterable[str], layout: Optional[Layout] = None) -> list[Detection]:
    """Every column whose question names a metric and whose sampled values fit its scale."""
    layout = layout or Layout(columns=columns)
    blank_values = [*blank_values, *layout.blank_values]
    found: list[Detection] = []
    counts: dict[str, int] = {}
    for index, column in enumerate(columns):
        question = layout.question(column)
        if column in layout.metadata or NEVER_SCORED.search(column) or NEVER_SCORED.search(question):
            continue
        hint = layout.metric_hints.get(column)
        match = (hint[0], None) if hint else next(((kind, m) for kind, pattern in HEADER_PATTERNS if (m := pattern.search(question))), None)
        if match is None:
            continue
        kind, hit = match
        values = [row[index] for row in sample if index < len(row) and row[index] is not None]
        spec, scale_note = _fit_scale(kind, column, question, values, blank_values, layout.position_download)
        why = f"the {layout.name} layout defines it" if hit is None else f"question mentions {hit.group(0)!r}"
        if spec is None:
            found.append(Detection(column, kind, None, f"{why} but {scale_note}; not scored"))
            continue
        spec.name = _name(kind, question, counts)
        note = f"; option positions shifted by {spec.offset:+d}" if spec.offset else ""
        found.append(Detection(column, kind, spec, f"{why}; scale {scale_note}{note}"))
    return found
