"""Averages over summary rows (``type: weighted_average``): Σ(average × count) ÷ Σ count, a duration.

An interval report writes each row's average (ASA ``00:00:17``, average handle time) and how many
calls it is over; the average over many rows is the count-weighted mean of theirs — the total time
over the total calls — never their plain mean or median. The file holds no single call's time, so the
spread within a row is unknown: no interval and no test is claimed (an "interval" from the rows'
averages would describe half hours, not calls). The value is in seconds, shown as a duration, and
lower is better, as for every duration.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pyarrow as pa

from .. import stats
from .base import Kind

if TYPE_CHECKING:
    from ..accumulators import Accumulators
    from ..config import ColumnSpec, MetricSpec
    from ..ratio_table import RatioColumn


class WeightedAverage(Kind):
    name = "weighted_average"
    article = "a weighted average"
    plan_why = ("for a weighted average of summary rows: the rows hold no single call's time, so it has no interval "
                "and there is no margin to plan")
    plan_instead = "plan a duration scored from one row per call or ticket instead (its ± and Detectable, from an export you have)"
    default_scale = (0, 1)  # unused: no answer scale (scaled = False)
    scaled = False
    weighted = False
    text_targets = True
    bands = ()
    settings = {"average": str, "count": str, "unit": str, "better": Literal["higher", "lower"]}
    comment_bands = ()
    components = ()
    unit = 1.0
    style = "duration"
    score_label = "average"
    stated_scales = False
    answer_column = False
    column_hint = " (a weighted average reads average: and count:)"

    def check(self, spec: MetricSpec) -> None:
        for key, what in (("average", "the column of each row's average time (e.g. AHT, ASA)"), ("count", "the column of how many calls or conversations each row's average is over")):
            if getattr(spec, key) is None:
                raise ValueError(f"{key}: is required for a weighted average: {what}")
        if spec.unit is not None:
            from ..durations import unit_named

            unit_named(spec.unit)  # raises ValueError("unit: …") naming the units it knows

    def columns(self, spec: MetricSpec) -> dict[str, ColumnSpec]:
        return {"average": spec.average, "count": spec.count}

    def encoder(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]) -> AverageEncoder:
        return AverageEncoder(spec, columns, blank_values)

    def column_doubts(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str], sample: Any) -> list[str]:
        return self.encoder(spec, columns, blank_values).average.doubts(sample(columns["average"]))

    def accumulators(self, spec: MetricSpec) -> Accumulators:
        from ..ratio_table import SumsTable

        return SumsTable()  # type: ignore[return-value]  # its methods take its own blocks and tables

    def summarise(self, spec: MetricSpec, accumulators: Any) -> list[Any]:
        from ..ratio_table import summaries

        return summaries(list(accumulators))

    def testable(self, spec: MetricSpec) -> bool:
        return False

    def parse_target(self, value: Any, key: str = "target") -> float:
        from . import get

        return get("duration").parse_target(value, key)

    def value_range(self, spec: MetricSpec) -> tuple[float, float]:
        from ..durations import LONGEST

        return 0.0, LONGEST

    def compute(self, spec: MetricSpec, s: Any) -> tuple[float, dict[str, float | None]]:
        return s.mean, {}

    def interval(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> stats.Interval | None:
        return None

    def no_interval_note(self, spec: MetricSpec, where: str, row: Any) -> str:
        return (f"{spec.name}: no interval or test for {where}: an average of the rows' averages ({spec.average!r} weighted by {spec.count!r}) is exact, "
                "but the file holds no single call's or conversation's time, so its spread (and any interval) is unknown")

    def higher_is_better(self, metric: Any) -> bool:
        return metric.better == "higher"

    def formula(self, spec: MetricSpec) -> str | None:
        return f"Σ({spec.average} × {spec.count}) ÷ Σ {spec.count} over the rows (the rows' averages weighted by {spec.count}; no interval)"

    def invalid_words(self, spec: MetricSpec) -> str:
        return "an average that is no duration, or a count that is not a whole number"

    def example_target(self, spec: MetricSpec) -> str:
        return "5m   # average at most 5 minutes"


class AverageEncoder:
    """A block's averages (durations, read as a duration column is) and counts → the sums' block: Σ
    seconds × count and Σ count. A row with no calls adds nothing whatever its average says."""

    def __init__(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]):
        from .duration import DurationEncoder

        self.average = DurationEncoder(spec, columns["average"], blank_values)
        self.count = columns["count"]
        self.blank_values = [*blank_values, *spec.blank_values]
        self.columns: tuple[str, ...] = tuple(dict.fromkeys(columns.values()))

    def encode(self, batch: pa.RecordBatch) -> RatioColumn:
        from ..ratio_table import BLANK, SCALE, VALUE, RatioColumn, combine, read_numbers

        times = self.average.encode(batch)
        counts, count_slots, bad = read_numbers(batch.column(self.count), "count", self.blank_values)
        empty = (count_slots == VALUE) & (counts == 0)
        average_slots = np.where(empty & (times.slots == BLANK + 2), VALUE, times.slots)  # no calls: no average is needed
        slots, examples = combine([(self.average.column, average_slots, times.invalid_texts), (self.count, count_slots, bad)])
        valid = slots == VALUE
        numerator = np.where(valid, np.round(np.nan_to_num(times.seconds) * np.where(valid, counts, 0) * SCALE), np.nan)
        return RatioColumn(slots, numerator, np.where(valid, counts, np.nan), examples)

    def typed(self) -> list[tuple[str, Any]]:
        return [(column, None) for column in self.columns]


KIND = WeightedAverage()
