"""Answer text canonicalised, and each kind's built-in maps from answer text to scale points (in its module).

Keys are compared after :func:`canonical` (Unicode NFKC, case-folded, single spaces), so
``Very Satisfied``, ``very satisfied`` and full-width variants all match.
"""
from __future__ import annotations

import unicodedata

from .kinds import get

#: Units that may follow a number, as in ``9分`` or ``4 stars``.
UNITS = ("分", "星", "points", "point", "pts", "pt", "stars", "star")


def canonical(text: str) -> str:
    """The form in which answers and label keys are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def builtin_labels(kind: str, lo: int, hi: int) -> dict[str, int]:
    """The built-in label map for a metric type on a scale (empty when there is none): its kind's."""
    return get(kind).labels.get((lo, hi), {})


def scale_labels(kind: str, lo: int, hi: int, lang: str = "en") -> dict[int, str]:
    """Each scale point's built-in label for tables (1 → "Very dissatisfied"): the first label of
    the point in the map, English or Chinese; empty where a scale has no built-in labels."""
    out: dict[int, str] = {}
    for label, point in builtin_labels(kind, lo, hi).items():
        if point not in out and (label.isascii() == (lang == "en")):
            out[point] = label[:1].upper() + label[1:]
    return out
