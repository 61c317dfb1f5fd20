"""Each kind's built-in maps from answer text to scale points (held in its module), looked up by type.

Keys are compared after :func:`cxscore.answer_text.canonical` (re-exported here with ``UNITS``).
Above the kinds' registry; what reads a metric's spec asks ``spec.kind.labels`` directly.
"""
from __future__ import annotations

from .answer_text import UNITS as UNITS, canonical as canonical
from .kinds import get


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
