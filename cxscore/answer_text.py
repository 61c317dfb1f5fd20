"""How answer and header text is compared: its canonical form, and the units that may follow a number.

Keys are compared after :func:`canonical` (Unicode NFKC, case-folded, single spaces), so
``Very Satisfied``, ``very satisfied`` and full-width variants all match. At the bottom: the
parsers, the column finder and the kinds' label maps all compare text this one way.
"""
from __future__ import annotations

import unicodedata

#: Units that may follow a number, as in ``9分`` or ``4 stars``.
UNITS = ("分", "星", "points", "point", "pts", "pt", "stars", "star")


def canonical(text: str) -> str:
    """The form in which answers and label keys are compared."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
