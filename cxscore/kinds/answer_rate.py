"""Answer rate: answered calls ÷ offered calls (answered + abandoned) (issue 15, item 4).

Read like a service level (:mod:`.service_level`); with ``exclude_short_abandons: true`` the short
abandons leave the denominator and are counted as not applicable.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .abandonment import Abandonment
from .service_level import DEFAULT_SHORT, EXCLUDED, short_duration, seconds
from .rate import MET, NOT_MET

if TYPE_CHECKING:
    from ..config import MetricSpec


class AnswerRate(Abandonment):
    """The share of calls an agent answered."""

    name = "answer_rate"
    article = "an answer rate"
    score_label = "% answered"

    def higher_is_better(self, metric: object) -> bool:
        return True

    def table(self, spec: MetricSpec) -> tuple[int, int, int, int, int]:
        short = EXCLUDED if spec.exclude_short_abandons else NOT_MET
        return (MET, MET, short, NOT_MET, NOT_MET)

    def formula(self, spec: MetricSpec) -> str:
        if not spec.exclude_short_abandons:
            return "answered ÷ (answered + abandoned)"
        return f"answered ÷ (answered + abandoned − abandoned in ≤ {short_duration(seconds(spec, 'short_abandon', DEFAULT_SHORT))})"

    def example_target(self, spec: MetricSpec) -> str:
        return "95   # % of calls answered"


KIND = AnswerRate()
