"""``Band``: an inclusive range of scale points, the plain value a scale and each of its bands are
written in. At the bottom, so the config, the kinds and the binning all read one definition."""
from __future__ import annotations

from typing import NamedTuple


class Band(NamedTuple):
    """An inclusive range of scale points; in YAML ``[lo, hi]`` or a single number."""

    lo: int
    hi: int

    def __contains__(self, point: object) -> bool:
        return self.lo <= point <= self.hi  # type: ignore[operator]

    def __str__(self) -> str:
        return str(self.lo) if self.lo == self.hi else f"{self.lo}–{self.hi}"
