"""Built-in maps from answer text to scale points, in English and Chinese.

Keys are compared after :func:`canonical` (Unicode NFKC, case-folded, single spaces), so
``Very Satisfied``, ``very satisfied`` and full-width variants all match.
"""
from __future__ import annotations

import unicodedata

_CSAT_5 = {
    "very dissatisfied": 1, "extremely dissatisfied": 1, "dissatisfied": 2, "somewhat dissatisfied": 2,
    "neutral": 3, "neither satisfied nor dissatisfied": 3, "satisfied": 4, "somewhat satisfied": 4,
    "very satisfied": 5, "extremely satisfied": 5,
    "非常不满意": 1, "很不满意": 1, "不满意": 2, "比较不满意": 2, "不太满意": 2, "一般": 3, "中立": 3,
    "满意": 4, "比较满意": 4, "非常满意": 5, "很满意": 5,
}
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

_CSAT_7_ZH = {
    "非常不满意": 1, "很不满意": 1, "不满意": 2, "比较不满意": 3, "一般": 4, "满意": 5, "比较满意": 6, "非常满意": 7, "很满意": 7,
}
#: Helpdesk good/bad ratings (Zendesk and others), and survey outcomes that merge the lower boxes ("neutral or
#: dissatisfied", as in the widely used airline passenger survey): a 0–1 scale where 1 is satisfied.
_CSAT_GOOD_BAD = {
    "good": 1, "bad": 0, "good, i'm satisfied": 1, "bad, i'm unsatisfied": 0, "satisfied": 1, "unsatisfied": 0,
    "neutral or dissatisfied": 0, "好评": 1, "差评": 0,
}

#: (metric type, scale min, scale max) → label map.
BUILTIN = {
    ("csat", 1, 5): _CSAT_5,
    ("csat", 1, 7): _CSAT_7_ZH,
    ("csat", 0, 1): _CSAT_GOOD_BAD,
    ("ces", 1, 7): _CES_7_AGREE,
    ("ces", 1, 5): _CES_5_EASE,
}

#: Units that may follow a number, as in ``9分`` or ``4 stars``.
UNITS = ("分", "星", "points", "point", "pts", "pt", "stars", "star")


def canonical(text: str) -> str:
    """The form in which answers and label keys are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def builtin_labels(kind: str, lo: int, hi: int) -> dict[str, int]:
    """The built-in label map for a metric type on a scale (empty when there is none)."""
    return BUILTIN.get((kind, lo, hi), {})


def scale_labels(kind: str, lo: int, hi: int, lang: str = "en") -> dict[int, str]:
    """Each scale point's built-in label for tables (1 → "Very dissatisfied"): the first label of
    the point in the map, English or Chinese; empty where a scale has no built-in labels."""
    out: dict[int, str] = {}
    for label, point in builtin_labels(kind, lo, hi).items():
        if point not in out and (label.isascii() == (lang == "en")):
            out[point] = label[:1].upper() + label[1:]
    return out
