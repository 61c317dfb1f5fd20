"""Rates: the share of rows meeting a condition (first-contact resolution, reopened, escalated, SLA breached).

A rate reads the columns its ``condition:`` (and optional ``of:``) name, not one answer column. Each
row is encoded as a 0/1 answer on a two-point binning — met (1), not met (0) — so the accumulator is
the survey scores' tally and the value, Wilson interval and pooled two-proportion test are the
proportion machinery CSAT uses. Rows outside ``of:`` are neither numerator nor denominator (counted
as not applicable); a condition left undecided by a blank cell is a blank answer, and one left
undecided by a non-number in a numeric test is an invalid answer, its text kept as an example.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow as pa

from .. import stats, stats_arrays
from ..conditions import Condition, ConditionError, parse_condition
from .base import Band, Kind

if TYPE_CHECKING:
    from ..config import ColumnSpec, MetricSpec
    from ..encoders import Encoder
    from ..metrics import Summary
    from ..normalize import AnswerParser, EncodedColumn

#: Slots of an encoded row (a code plus 2, as normalize.EncodedColumn lays them out).
INVALID_SLOT, BLANK_SLOT, NOT_MET, MET = 0, 1, 2, 3


@lru_cache(maxsize=256)
def cached_condition(text: str) -> Condition:
    """A condition parsed once per text: the rate kinds parse the same config text for every block."""
    return parse_condition(text)


class Rate(Kind):
    name = "rate"
    article = "a rate"
    plan_instead = "plan it as one: cxscore plan -m csat --expected PCT --margin POINTS"

    @property
    def plan_why(self) -> str:  # type: ignore[override]  # a service level or an abandonment rate in its own name
        return f"of its own for {self.article}: it is a percentage, with the Wilson interval a CSAT has"
    default_scale = (0, 1)  # not met, met
    bands = ()
    settings = {"condition": str, "of": str, "better": Literal["higher", "lower"]}
    comment_bands = ()
    components = ()
    style = "pct"
    score_label = "% of rows"  # the share of the counted rows its condition holds on (README: Rates)
    benchmark_scale = "pct"
    stated_scales = False
    answer_column = False

    def default_bands(self, lo: int, hi: int) -> dict[str, Any]:
        return {"better": "higher"}

    def check(self, spec: MetricSpec) -> None:
        if spec.condition is None:
            raise ValueError("condition: is required for a rate, e.g. condition: 'Reopens > 0'")
        for key in ("condition", "of"):
            text = getattr(spec, key)
            if text is not None:
                try:
                    cached_condition(text)
                except ConditionError as exc:
                    raise ValueError(f"{key}: {exc} in {text!r}") from None
        if spec.scale != Band(0, 1):
            raise ValueError(f"scale: a rate has no scale (it counts rows meeting its condition); remove scale: {spec.scale}")
        if spec.labels or spec.offset:
            raise ValueError(f"{'labels' if spec.labels else 'offset'}: a rate reads no answers to map; remove it (the condition says what counts)")

    def columns(self, spec: MetricSpec) -> dict[str, ColumnSpec]:
        """The columns its condition and ``of:`` name, by the names written there."""
        names = [name for text in (spec.condition, spec.of) if text for name in cached_condition(text).columns]
        return {name: name for name in dict.fromkeys(names)}

    def encoder(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]) -> Encoder:
        return RateEncoder(spec, columns, [*blank_values, *spec.blank_values])

    def higher_is_better(self, metric: Any) -> bool:
        return metric.better != "lower"

    def scale_used(self, scale: tuple[int, int], lowest: int, highest: int) -> bool:
        return True  # every row met, or none did, says nothing against the two points

    def compute(self, spec: MetricSpec, s: Summary) -> tuple[float, dict[str, float | None]]:
        return 100 * s.mean, {}  # the mean of 0/1 answers is the share met

    def interval(self, spec: MetricSpec, s: Summary, confidence: float, nps_method: str) -> stats.Interval:
        ci = stats.wilson_interval(s.mean, s.n_eff, confidence)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def moments(self, spec: MetricSpec, s: Summary) -> tuple[float, float, float, float]:
        return (*stats.proportion_moments(s.mean), s.n_eff)

    def interval_words(self, nps_method: str) -> str:
        return "% Wilson"

    def compute_columns(self, spec: MetricSpec, s: Any) -> tuple[Any, dict[str, Any]]:
        return 100 * s.mean, {}

    def interval_columns(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> stats_arrays.Intervals:
        ci = stats_arrays.wilson_interval(s.mean, s.n_eff, confidence)
        return stats_arrays.Intervals(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def moment_columns(self, spec: MetricSpec, s: Any) -> stats_arrays.Moments:
        return (*stats_arrays.proportion_moments(s.mean), s.n_eff)

    def invalid_words(self, spec: MetricSpec) -> str:
        return "not a number where the condition compares numbers"

    def example_target(self, spec: MetricSpec) -> str:
        return "80   # % of rows meeting the condition"


class RateEncoder:
    """A block of the condition's columns → one 0/1 answer per row (or blank, invalid, not applicable)."""

    def __init__(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]):
        self.condition = cached_condition(spec.condition)
        self.of = cached_condition(spec.of) if spec.of else None
        self.found = columns  # name as written → the header found for it
        self.columns: tuple[str, ...] = tuple(dict.fromkeys(columns.values()))
        self.blank_values = blank_values

    def encode(self, batch: pa.RecordBatch) -> EncodedColumn:
        from ..normalize import EncodedColumn  # normalize reads the config, which reads the kinds

        cells = {name: batch.column(header) for name, header in self.found.items()}
        scope = self.of.evaluate(cells, self.blank_values) if self.of is not None else None
        outcome = self.condition.evaluate(cells, self.blank_values, None if scope is None else scope.matched)
        slots = np.where(outcome.matched, MET, NOT_MET).astype(np.intp)
        slots[outcome.undecided] = BLANK_SLOT
        slots[outcome.invalid] = INVALID_SLOT
        if scope is None:
            return EncodedColumn(slots, outcome.examples)
        # Rows where of: fails are not applicable; where it is undecided, blank (or invalid) whatever the condition says.
        slots[scope.undecided] = BLANK_SLOT
        slots[scope.invalid] = INVALID_SLOT
        return EncodedColumn(slots, outcome.examples + scope.examples, ~(scope.matched | scope.undecided))

    def typed(self) -> list[tuple[str, AnswerParser | None]]:
        return [(column, None) for column in self.columns]  # read as text: the condition compares text and numbers


KIND = Rate()
