"""Ratios of sums over summary rows (``type: ratio``): Σ numerator ÷ Σ denominator, a percentage.

For exports whose rows are already aggregates — a contact-centre interval report (a row per half
hour with offered, answered and abandoned calls and ``94.01%``), a helpdesk's per-period report —
the KPI over many rows is the ratio of the sums: service level = Σ answered in T ÷ Σ offered, never
the mean of the rows' percentages (a quiet half hour would weigh as much as the Monday peak).

With counts (``numerator:`` and ``denominator:``) each counted call or conversation met the
numerator or not, so the value, its Wilson interval and the pooled two-proportion test are a rate's
(the same assumption as the per-call service level: calls are independent). With a percentage per
row (``share:``, weighted by ``denominator:``) the counts are not in the file: the value is the
weighted mean of the shares, but the percentage's own base may differ from the weight (Genesys'
service level leaves out short abandons), and rounded shares are no counts, so no interval and no
test are claimed.
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
    from ..normalize import AnswerParser
    from ..ratio_table import RatioColumn


class Ratio(Kind):
    name = "ratio"
    article = "a ratio"
    plan_why = "for a ratio of sums over summary rows (each an interval's or a period's totals)"
    plan_instead = "with counts (numerator: and denominator:) it is a percentage with a CSAT's Wilson interval: plan the calls it counts with cxscore plan -m csat --expected PCT"
    default_scale = (0, 1)  # unused: no answer scale (scaled = False)
    scaled = False
    weighted = False
    bands = ()
    settings = {"numerator": str, "share": str, "denominator": str, "better": Literal["higher", "lower"]}
    comment_bands = ()
    components = ()
    style = "pct"
    score_label = "% of sums"
    stated_scales = False
    answer_column = False
    column_hint = " (a ratio reads numerator: and denominator:, or share: and denominator:)"

    def check(self, spec: MetricSpec) -> None:
        if spec.denominator is None:
            raise ValueError("denominator: is required for a ratio: the column of counts it is over (e.g. Offered)")
        if (spec.numerator is None) == (spec.share is None):
            raise ValueError("numerator: give either numerator: (a column of counts, e.g. Answered within SL) or share: (a column of percentages such as 94.01%), not "
                             + ("both" if spec.numerator is not None else "neither"))

    def columns(self, spec: MetricSpec) -> dict[str, ColumnSpec]:
        top = {"numerator": spec.numerator} if spec.numerator is not None else {"share": spec.share}
        return {**top, "denominator": spec.denominator}

    def encoder(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]) -> RatioEncoder:
        return RatioEncoder(columns, [*blank_values, *spec.blank_values])

    def accumulators(self, spec: MetricSpec) -> Accumulators:
        from ..ratio_table import SumsTable

        return SumsTable()  # type: ignore[return-value]  # its methods take its own blocks and tables

    def summarise(self, spec: MetricSpec, accumulators: Any) -> list[Any]:
        from ..ratio_table import summaries

        return summaries(list(accumulators))

    def testable(self, spec: MetricSpec) -> bool:
        return spec.numerator is not None  # counts: calls met or not; shares: no counts to test

    def compute(self, spec: MetricSpec, s: Any) -> tuple[float, dict[str, float | None]]:
        return 100 * s.mean, {}

    def interval(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> stats.Interval | None:
        if not self.testable(spec):
            return None
        ci = stats.wilson_interval(s.mean, s.n_eff, confidence)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def no_interval_note(self, spec: MetricSpec, where: str, row: Any) -> str:
        return (f"{spec.name}: no interval or test for {where}: a weighted mean of the rows' percentages ({spec.share!r} by {spec.denominator!r}) has no counts "
                "to build one from (give numerator: a column of counts for a Wilson interval)")

    def moments(self, spec: MetricSpec, s: Any) -> tuple[float, float, float, float]:
        return (*stats.proportion_moments(s.mean), s.n_eff)

    def interval_words(self, nps_method: str) -> str:
        return "% Wilson"

    def higher_is_better(self, metric: Any) -> bool:
        return metric.better != "lower"

    def formula(self, spec: MetricSpec) -> str | None:
        if spec.numerator is not None:
            return f"Σ {spec.numerator} ÷ Σ {spec.denominator} over the rows (a ratio of sums; Wilson interval on the summed counts)"
        return f"Σ({spec.share} × {spec.denominator}) ÷ Σ {spec.denominator} over the rows (the rows' percentages weighted by {spec.denominator}; no interval)"

    def invalid_words(self, spec: MetricSpec) -> str:
        return "not a whole count, a percentage over 100, or a numerator larger than its denominator"

    def example_target(self, spec: MetricSpec) -> str:
        return "80   # % (ratio of sums)"


class RatioEncoder:
    """A block's numerator counts (or percentages) and denominator counts → the sums' block."""

    def __init__(self, columns: dict[str, str], blank_values: list[str]):
        self.found = columns
        self.columns: tuple[str, ...] = tuple(dict.fromkeys(columns.values()))
        self.blank_values = blank_values

    def encode(self, batch: pa.RecordBatch) -> RatioColumn:
        from ..ratio_table import BLANK, INVALID, SCALE, VALUE, RatioColumn, combine, read_numbers

        role = "numerator" if "numerator" in self.found else "share"
        top, top_slots, top_bad = read_numbers(batch.column(self.found[role]), "count" if role == "numerator" else "share", self.blank_values)
        base, base_slots, base_bad = read_numbers(batch.column(self.found["denominator"]), "count", self.blank_values)
        slots, examples = combine([(self.found[role], top_slots, top_bad), (self.found["denominator"], base_slots, base_bad)])
        if role == "numerator":
            over = (slots == VALUE) & (top > base)
            for a, b in zip(top[over].tolist(), base[over].tolist()):
                examples[f"{self.found[role]} {a:g} > {self.found['denominator']} {b:g}"] += 1
            slots[over] = INVALID + 2
            numerator = top
        else:
            no_calls = (base_slots == VALUE) & (base == 0) & (top_slots == BLANK + 2)  # no calls: no percentage is needed
            slots[no_calls] = VALUE
            numerator = np.where(no_calls, 0.0, top * base)
        valid = slots == VALUE
        return RatioColumn(slots, np.where(valid, np.round(numerator * SCALE), np.nan), np.where(valid, base, np.nan), examples)

    def typed(self) -> list[tuple[str, AnswerParser | None]]:
        return [(column, None) for column in self.columns]


KIND = Ratio()
