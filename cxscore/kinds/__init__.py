"""Metric kinds: the registry from a config's ``type:`` to the object that knows everything about it.

Adding a kind is one module in this package (a :class:`~cxscore.kinds.base.Kind` subclass and a
module-level ``KIND``), its tests, and its module's name in ``MODULES`` below.
"""
from __future__ import annotations

from importlib import import_module

from .base import Band, Kind

#: The registry: the kind modules, in the order their types are listed to people.
MODULES = ("nps", "csat", "ces", "duration", "rate", "service_level", "abandonment", "answer_rate", "ratio", "weighted_average")

KINDS: dict[str, Kind] = {kind.name: kind for kind in (import_module(f".{m}", __name__).KIND for m in MODULES)}


def get(name: str) -> Kind:
    """The kind of a ``type:`` name (KeyError when none is registered)."""
    return KINDS[name]


__all__ = ["Band", "KINDS", "Kind", "MODULES", "get"]
