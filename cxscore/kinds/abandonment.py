"""Abandonment rate: abandoned calls ÷ offered calls (answered + abandoned), lower is better (issue 15, item 4).

Read like a service level (:mod:`.service_level`); short abandons count as abandoned (Amazon Connect's
and Genesys' abandonment rate), or, with ``exclude_short_abandons: true``, are left out of both sides
and counted as not applicable.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .service_level import DEFAULT_SHORT, EXCLUDED, Calls, Wait, short_duration, seconds
from .rate import MET, NOT_MET

if TYPE_CHECKING:
    from ..config import MetricSpec


class Abandonment(Calls):
    """The share of calls abandoned before an agent answered."""

    name = "abandonment"
    article = "an abandonment rate"
    score_label = "% abandoned"
    settings = {"answered": str, "of": str, "abandon_wait": Wait, "unit": str, "timezone": str, "dayfirst": bool, "short_abandon": str | float, "exclude_short_abandons": bool}

    def higher_is_better(self, metric: Any) -> bool:
        return False

    def table(self, spec: MetricSpec) -> tuple[int, int, int, int, int]:
        short = EXCLUDED if spec.exclude_short_abandons else MET
        return (NOT_MET, NOT_MET, short, MET, MET)

    def formula(self, spec: MetricSpec) -> str:
        if not spec.exclude_short_abandons:
            return "abandoned ÷ (answered + abandoned)"
        short = f"abandoned in ≤ {short_duration(seconds(spec, 'short_abandon', DEFAULT_SHORT))}"
        return f"(abandoned − {short}) ÷ (answered + abandoned − {short})"

    def example_target(self, spec: MetricSpec) -> str:
        return "5   # % of calls abandoned, at most"


KIND = Abandonment()
