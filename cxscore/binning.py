"""Slots ↔ values: where an answer lands in an accumulator row, and which value a slot stands for.

An integer scale ``lo … hi`` has one slot per point: slot ``i`` holds the answers ``lo + i``. This is
the only place that arithmetic is written, so an accumulator whose slots are not consecutive
integers (a duration histogram's log buckets, a term counter's vocabulary) brings a binning of its
own and nothing that reads slots back has to change.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bands import Band


@dataclass(frozen=True)
class Binning:
    """The integer points ``lo … hi`` of a scale, one slot each, in order."""

    lo: int
    hi: int

    @classmethod
    def of(cls, scale: Band) -> Binning:
        """The binning of a scale."""
        return cls(scale.lo, scale.hi)

    @property
    def width(self) -> int:
        """How many slots a row has."""
        return self.hi - self.lo + 1

    def value(self, slot: int) -> int:
        """The scale point a slot holds."""
        return self.lo + slot

    def values(self, slots: np.ndarray | None = None) -> np.ndarray:
        """The points of many slots at once (every slot, in order, when ``slots`` is None)."""
        return self.lo + (np.arange(self.width) if slots is None else slots)

    def slot(self, value: int) -> int | None:
        """The slot of a scale point; None outside the scale."""
        return value - self.lo if self.lo <= value <= self.hi else None

    def slots(self, band: Band) -> range:
        """The slots of an inclusive band of points, in order (a band's share adds these)."""
        return range(band.lo - self.lo, band.hi - self.lo + 1)
