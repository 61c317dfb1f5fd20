"""Durations (first reply, resolution, handle time): the median of one duration column, with p25, p75,
p90, the mean and the share within a target, from a log-bucket histogram (issue 15).

Durations are skewed (a real Zendesk export: first reply median 478 business minutes, mean 1,852),
so the headline is the median and lower is better. Quantiles are within ``alpha`` (default 1 %) of
the sample's; the mean and "% within" are exact. The interval is the distribution-free order-statistic
interval of the median; segments and periods are compared with Mood's median test.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from .. import stats
from ..errors import InputError
from .base import Kind

if TYPE_CHECKING:
    from ..accumulators import Accumulators
    from ..config import ColumnSpec, MetricSpec
    from ..duration_table import DurationRows, Durations
    from ..durations import DurationColumn
    from ..loghist import GroupBuckets, LogHistogram

#: The histogram's relative accuracy when the config gives none.
DEFAULT_ALPHA = 0.01
#: Two groups' pooled 0.5, 0.6 and 0.4 quantiles and each one's count up to the pooled median (Mood's test).
Split = tuple[tuple[float, float, float], int, int]
#: Quantiles of a summary (as components, and 0.4/0.6 for the median's spread).
_QUANTILES = (0.25, 0.4, 0.5, 0.6, 0.75, 0.9)
#: The largest stretch factor a detectable change is given as: beyond it (a handful of tickets a side) the
#: large-sample figure is meaningless, and all it says is that no change under ×10 would be found (None: —).
MAX_STRETCH = 10.0


class DurationSummary:
    """What the formulas need from one group's durations (see :meth:`Duration.summarise`).

    ``m2`` is the asymptotic variance of the median times n, 1/(4f²), with the density f at the median
    estimated from the 40th and 60th percentiles: the scale of the median's tests and trends.
    """

    __slots__ = ("n", "n_eff", "total", "mean", "variance", "m2", "m3", "shares", "quantiles", "within", "batch", "index")

    def __init__(self, durations: Durations, quantiles: dict[float, float], mean: float, within: int, batch: Summarised, index: int):
        self.batch, self.index = batch, index  # the groups summarised with it (group ``index`` of its histogram), for intervals and tests
        self.n = durations.n
        self.n_eff = self.total = float(self.n)
        self.shares: dict[str, float] = {}
        self.quantiles = quantiles if self.n else dict.fromkeys(_QUANTILES, math.nan)
        self.mean = mean if self.n else 0.0
        self.within = within if self.n else 0
        spread = (self.quantiles[0.6] - self.quantiles[0.4]) / 0.4 if self.n else 0.0
        self.m2, self.m3 = spread * spread, 0.0
        self.variance = self.m2


class Summarised:
    """The groups summarised together, as one histogram: the median's order-statistic interval for all
    of them on the first request at a confidence (one vectorised call, not one per group's row), and
    their buckets as slices for the Mood's tests of any two groups (:func:`cxscore.loghist.median_split`)."""

    def __init__(self, stacked: LogHistogram):
        self.stacked = stacked
        self.bounds: dict[float, tuple[list[float], list[float]]] = {}
        self._buckets: GroupBuckets | None = None
        self.splits: dict[tuple[Summarised, int, int], Split] = {}  # (other batch, own group, its group) → the median split

    @property
    def buckets(self) -> GroupBuckets:
        from ..loghist import GroupBuckets

        if self._buckets is None:
            self._buckets = GroupBuckets(self.stacked)
        return self._buckets

    def get(self, index: int, confidence: float) -> tuple[float, float]:
        if confidence not in self.bounds:
            low, high = self.stacked.quantile_interval(0.5, confidence)
            self.bounds[confidence] = (low.tolist(), high.tolist())
        low_all, high_all = self.bounds[confidence]
        return low_all[index], high_all[index]


class DurationColumns:
    """A roll-up's groups' figures as arrays, one entry per group, each what :class:`DurationSummary` and the
    kind's scalar methods give that group alone (the same histogram searches, the same operations): the
    rows of many agent × week cells come from a few array passes (``results._Table``), not a call each."""

    def __init__(self, hist: LogHistogram, threshold: float | None, confidence: float):
        from .. import stats_arrays

        self.hist = hist
        self.n = n = hist.n
        self.n_eff = self.total = n.astype(np.float64)
        self.answered = n > 0
        self.enough = n >= 2  # compare() and interval(): two or more durations
        q = hist.quantiles(_QUANTILES)
        self.median = q[:, _QUANTILES.index(0.5)]
        with np.errstate(divide="ignore", invalid="ignore"):
            within = 100 * hist.within(threshold) / n if threshold is not None else np.full(len(n), None, dtype=object)
            self.components = {"p25": q[:, 0], "p75": q[:, 4], "p90": q[:, 5], "mean": np.nan_to_num(hist.mean()), "within_pct": within}
            spread = (q[:, 3] - q[:, 1]) / 0.4
            se = np.sqrt(spread * spread / n)
        low, high = hist.quantile_interval(0.5, confidence)
        self.has_ci = self.enough & np.isfinite(high)
        no = ~self.has_ci
        self.ci = stats_arrays.Intervals(np.where(no, np.nan, se), np.where(no, np.nan, low), np.where(no, np.nan, high), "order-statistic")
        self._buckets: GroupBuckets | None = None

    @property
    def buckets(self) -> GroupBuckets:
        from ..loghist import GroupBuckets

        if self._buckets is None:
            self._buckets = GroupBuckets(self.hist)
        return self._buckets


class Duration(Kind):
    name = "duration"
    article = "a duration"
    plan_why = ("for a duration: its interval is a median's, whose width depends on how spread out the times are, "
                "which cxscore plan cannot know before it sees them")
    plan_instead = ("score an export you have: each row's ± and Detectable say what its n gives; a share within a target is a percentage: "
                    "cxscore plan -m csat --expected PCT --margin POINTS")
    default_scale = (0, 1)  # unused: a duration has no answer scale (scaled = False)
    scaled = False
    weighted = False
    text_targets = True
    bands = ()
    settings = {"unit": str, "within": str | float, "alpha": float, "start": str, "end": str, "timezone": str, "dayfirst": bool,
                "business_hours": bool, "schedule": Any, "sum": list[str]}
    comment_bands = ()
    components = ("p25", "p75", "p90", "mean", "within_pct")
    unit = 1.0
    style = "duration"
    score_label = "median"
    benchmark_scale = "seconds"
    details = (("p25", "p25", "duration"), ("p75", "p75", "duration"), ("p90", "p90", "duration"), ("mean", "mean", "duration"), ("within target", "within_pct", "pct"))
    header_pattern = None
    stated_scales = False
    column_hint = " (the duration column), or start: and end: (two timestamp columns: value = end − start), or sum: [columns] (their total)"

    # -- config ------------------------------------------------------------------------------
    def own_columns(self, spec: MetricSpec) -> bool:
        return spec.start is not None or spec.end is not None or spec.sum is not None

    def check(self, spec: MetricSpec) -> None:
        from ..durations import unit_named
        from ..schedule import parse_timezone

        if spec.sum is not None:
            if spec.column is not None or spec.start is not None or spec.end is not None:
                raise ValueError(f"sum: give either sum: (duration columns to add) or {'column:' if spec.column is not None else 'start: and end:'}, not both")
            if len(spec.sum) < 2 or len(set(spec.sum)) < len(spec.sum) or not all(name.strip() for name in spec.sum):
                raise ValueError(f"sum: give two or more different duration columns to add, e.g. [talk, hold, after-call work]; got {spec.sum}")
        elif self.own_columns(spec):
            if spec.column is not None:
                raise ValueError("column: give either column: (one duration column) or start: and end: (two timestamp columns), not both")
            if spec.start is None or spec.end is None:
                raise ValueError(f"{'start' if spec.start is None else 'end'}: is required with {'end' if spec.start is None else 'start'}: (the duration is end − start)")
            if spec.unit is not None:
                raise ValueError("unit: a duration between timestamps is in seconds by itself; remove unit:")
        if not self.own_columns(spec) or spec.sum is not None:
            for key in ("timezone", "dayfirst", "business_hours", "schedule"):
                if getattr(spec, key) is not None:
                    raise ValueError(f"{key}: applies to durations between timestamps (start: and end:); remove it, or give start: and end:"
                                     + (" (a duration column is as the export computed it: pick its business-hours column)" if key == "business_hours" else ""))
        parse_timezone(spec.timezone, "timezone")
        if spec.schedule is not None:
            from ..schedule import Schedule, parse_schedule

            if not spec.business_hours:
                raise ValueError("schedule: a metric's own schedule applies with business_hours: true; add it, or remove schedule:")
            if not isinstance(spec.schedule, Schedule):
                spec.schedule = parse_schedule(spec.schedule)
        if spec.unit is not None:
            try:
                unit_named(spec.unit)
            except ValueError as exc:
                raise ValueError(f"unit: {exc}") from None
        if spec.within is not None:
            self.threshold(spec)
        if spec.alpha is not None and not 0.0001 <= spec.alpha <= 0.1:
            raise ValueError(f"alpha: {spec.alpha:g} is outside 0.0001…0.1 (the quantiles' relative accuracy; default {DEFAULT_ALPHA:g} = 1 %)")

    def parse_target(self, value: Any, key: str = "target") -> float:
        """A duration written as text (``4h``, ``30m``, ``1:30:00``, ``PT2H``) in seconds; a bare number is refused
        (which unit would it be?)."""
        from ..durations import DurationParser, DurationUnitUnknown

        shown = value if isinstance(value, str) else f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
        try:
            if not isinstance(value, str):
                raise DurationUnitUnknown
            seconds, form = DurationParser().parse(value)
        except DurationUnitUnknown:
            raise ValueError(f"{key}: {shown} needs a unit: write a duration such as 4h, 30m or 1h 30m") from None
        if form < 0 or math.isnan(seconds):
            raise ValueError(f"{key}: {value!r} is not a duration; write one such as 4h, 30m, 1h 30m or 1:30:00")
        return seconds

    def threshold(self, spec: MetricSpec) -> float | None:
        """The ``within:`` target in seconds (None when not set)."""
        return None if spec.within is None else self.parse_target(spec.within, "within")

    def value_range(self, spec: MetricSpec) -> tuple[float, float]:
        from ..durations import LONGEST

        return 0.0, LONGEST

    def higher_is_better(self, metric: Any) -> bool:
        return False

    def invalid_words(self, spec: MetricSpec) -> str:
        if spec.sum is not None:
            return "a part negative, over 100 years or not a duration (column: text)"
        if self.own_columns(spec):
            return "an end before its start (start → end), or a cell that is no date"
        return "negative, over 100 years or not a duration"

    def example_target(self, spec: MetricSpec) -> str:
        return "4h   # median at most 4 hours"

    # -- reading -----------------------------------------------------------------------------
    def columns(self, spec: MetricSpec) -> dict[str, ColumnSpec]:
        if spec.sum is not None:
            return {f"sum {i}": name for i, name in enumerate(spec.sum)}
        return {"start": spec.start, "end": spec.end} if self.own_columns(spec) else {"column": spec.column}

    def encoder(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]) -> DurationEncoder | ElapsedEncoder | SumEncoder:
        from ..encoders import ANSWERS

        if ANSWERS in columns:
            return DurationEncoder(spec, columns[ANSWERS], blank_values)
        if "start" in columns:
            return ElapsedEncoder(spec, columns, blank_values)
        return SumEncoder(spec, list(columns.values()), blank_values)

    def column_doubts(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str], sample: Callable[[str], list[str]]) -> list[str]:
        encoder = self.encoder(spec, columns, blank_values)
        if isinstance(encoder, SumEncoder):
            return [line for part in encoder.parts for line in part.doubts(sample(part.column))]
        return encoder.doubts(sample(encoder.column)) if isinstance(encoder, DurationEncoder) else []

    def for_input(self, spec: MetricSpec, columns: dict[str, str], sample: Callable[[str], list[str]], dayfirst: bool | None) -> tuple[MetricSpec, list[str], list[str]]:
        """Durations between timestamps: the day/month order of their dates in this input — the metric's
        ``dayfirst:``, else --dayfirst/--monthfirst (or the config's), else as the first rows of both
        columns show (a day over 12), else month first, a guess said as a doubt."""
        import msgspec

        from ..dates import choose_order

        if "start" not in columns or spec.dayfirst is not None:
            return spec, [], []
        shown = ", ".join(repr(columns[role]) for role in ("start", "end"))
        order = choose_order([*sample(columns["start"]), *sample(columns["end"])], dayfirst)
        spec = msgspec.structs.replace(spec, dayfirst=order.dayfirst)
        if order.basis == "values":
            return spec, [f"{spec.name}: dates in {shown} {order.note}"], []
        if order.basis == "assumed":
            return spec, [], [
                f"{spec.name}: every sampled date in {shown} fits both day/month orders (no day is over 12), so they were read month first, "
                f"as US exports write them (03/04/2025 = 4 March); say dayfirst: true or false in the metric, or pass --dayfirst or --monthfirst"
            ]
        return spec, [], []

    def notes(self, spec: MetricSpec, column: str, overall: Any) -> list[str]:
        if not getattr(overall, "noted", 0):
            return []
        if spec.sum is not None:
            return [
                f"{spec.name}: {overall.noted} row(s) with a blank part among {column!r} summed with it as 0 (Amazon Connect leaves "
                "hold blank when there was none); the rows with every part blank are blank"
            ]
        return [
            f"{spec.name}: {overall.noted} row(s) with a placeholder date in {column!r} (such as 1900-01-01, which exports write for "
            "'no date': an unsolved ticket's Solved at) counted as blank"
        ]

    def accumulators(self, spec: MetricSpec) -> Accumulators:
        from ..duration_table import DurationTable

        threshold = self.threshold(spec)
        # a targeted ignore: its methods take its own blocks and tables, which the protocol's parameters cannot say
        return DurationTable(spec.alpha or DEFAULT_ALPHA, () if threshold is None else (threshold,))  # type: ignore[return-value]

    # -- computing ---------------------------------------------------------------------------
    def summarise(self, spec: MetricSpec, accumulators: Sequence[Any]) -> list[DurationSummary]:
        """Every group's figures from one stacked histogram (one vectorised call per quantile, not one per group)."""
        from ..duration_table import stacked as stack

        if not accumulators:
            return []
        threshold = self.threshold(spec)
        stacked = stack(accumulators)
        quantiles = dict(zip(_QUANTILES, stacked.quantiles(_QUANTILES).T.tolist()))
        means = np.nan_to_num(stacked.mean()).tolist()
        within = stacked.within(threshold).tolist() if threshold is not None else [0] * len(accumulators)
        batch = Summarised(stacked)
        return [DurationSummary(a, {q: quantiles[q][g] for q in _QUANTILES}, means[g], int(within[g]), batch, g) for g, a in enumerate(accumulators)]

    def compute(self, spec: MetricSpec, s: Any) -> tuple[float, dict[str, float | None]]:
        q = s.quantiles
        within = 100 * s.within / s.n if spec.within is not None else None
        return q[0.5], {"p25": q[0.25], "p75": q[0.75], "p90": q[0.9], "mean": s.mean, "within_pct": within}

    def interval(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> stats.Interval | None:
        low, high = s.batch.get(s.index, confidence)
        if not math.isfinite(high):
            return None  # too few durations for a distribution-free interval at this confidence
        return stats.Interval(math.sqrt(s.m2 / s.n), low, high, "order-statistic")

    def no_interval_note(self, spec: MetricSpec, where: str, row: Any) -> str:
        return f"{spec.name}: no interval for {where}: too few durations (n {row.n}) for a distribution-free interval of the median at this confidence (95%: 6 or more)"

    def moments(self, spec: MetricSpec, s: Any) -> tuple[float, float, float, float]:
        return s.quantiles[0.5], s.m2, 0.0, s.n_eff

    def compare(self, spec: MetricSpec, a: Any, b: Any) -> tuple[float, float, float]:
        """Mood's median test: the shares of each side above the pooled median (the same bucket split
        for both), compared with the pooled two-proportion test. SE₀ is the median difference's, from
        the pooled density at the median (the detectable Δ is :meth:`detectable`'s, on the log scale)."""
        (median, high, low), below_a, below_b = _median_split(a, b)
        above_a = (a.n - below_a) / a.n
        above_b = (b.n - below_b) / b.n
        test = stats.pooled_test((*stats.proportion_moments(above_a), a.n), (*stats.proportion_moments(above_b), b.n))
        spread = (high - low) / 0.4
        return a.quantiles[0.5] - b.quantiles[0.5], test.p, spread * math.sqrt(1 / a.n + 1 / b.n)

    def prepare_tests(self, spec: MetricSpec, pairs: list[tuple[Any, Any]]) -> None:
        """The median splits of all these pairs in one vectorised call per pair of batches (:func:`cxscore.loghist.median_splits`)."""
        _splits(pairs)

    def detectable(self, spec: MetricSpec, a: Any, b: Any, se0: float, confidence: float) -> float | None:
        """Durations change by stretching (a slower team takes longer on every ticket), so the detectable
        change is a common factor found on the log scale, where the local, large-sample figure holds:
        δ = (z₁₋α/₂ + z₀.₈)·SE₀ of the log median, Δ = pooled median·(e^δ − 1). The linear figure was found
        with 42–73 % power, not 80 % (``bench/duration_sim.py``). Linear when the 40th percentile is 0.
        None when the factor e^δ is over :data:`MAX_STRETCH` (a handful of tickets a side: the
        large-sample figure read 90724d 9h for 9 against 9, which says only that no change is seen)."""
        from ..stats import min_detectable

        (median, high, low), _, _ = _median_split(a, b)
        if not (low > 0 and high > low):
            return super().detectable(spec, a, b, se0, confidence)
        spread = (math.log(high) - math.log(low)) / 0.4
        return _stretched(median, math.expm1(min_detectable(spread * math.sqrt(1 / a.n + 1 / b.n), confidence)))

    # -- a roll-up's groups at once (results._Table) ---------------------------------------------
    def table_columns(self, spec: MetricSpec, parts: DurationRows, confidence: float) -> DurationColumns:
        """Every group's value, components and interval as arrays (:class:`DurationColumns`)."""
        return DurationColumns(parts.hist, self.threshold(spec), confidence)

    def test_columns(self, spec: MetricSpec, a: DurationColumns, ia: np.ndarray, b: DurationColumns, ib: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`compare` and :meth:`detectable` of the pairs (group ``ia[k]`` of ``a``, ``ib[k]`` of ``b``),
        each with two or more durations: the differences, the p-values and the detectable differences (NaN:
        none), entry by entry what the scalar methods give (logarithms and expm1 taken with Python's math)."""
        from .. import stats_arrays
        from ..loghist import median_splits

        values, below_a, below_b = median_splits(a.buckets, ia, b.buckets, ib)
        median, high, low = values[:, 0], values[:, 1], values[:, 2]
        n_a, n_b = a.n[ia], b.n[ib]
        above_a, above_b = (n_a - below_a) / n_a, (n_b - below_b) / n_b
        test = stats_arrays.pooled_test((*stats_arrays.proportion_moments(above_a), n_a), (*stats_arrays.proportion_moments(above_b), n_b))
        root = np.sqrt(1 / n_a + 1 / n_b)
        se0 = (high - low) / 0.4 * root
        mdd = self.possible_columns(spec, np.where(se0 > 0, stats_arrays.min_detectable(se0, confidence), np.nan))
        stretch = np.flatnonzero((low > 0) & (high > low))  # the change found on the log scale (detectable)
        logs = np.array([(math.log(h) - math.log(lo)) / 0.4 for h, lo in zip(high[stretch].tolist(), low[stretch].tolist())], dtype=np.float64)
        found = stats_arrays.min_detectable(logs * root[stretch], confidence).tolist()
        mdd[stretch] = [math.nan if (v := _stretched(m, math.expm1(d))) is None else v for m, d in zip(median[stretch].tolist(), found)]
        return a.median[ia] - b.median[ib], test.p, mdd

    def trend_test(self, spec: MetricSpec, tallies: list[Any], positions: list[float]) -> float:
        """Mood's test carried over to a trend (a Cochran–Armitage test): the share of each period above
        the periods' pooled median, regressed on the period. Whole-minute durations tie, so the periods'
        medians jump between a few values and a slope z on the median's asymptotic variance rejected up
        to 4× too often (``bench/duration_sim.py``); shares above one split keep their binomial variance."""
        from ..duration_table import stacked as stack

        stacked = stack(tallies)
        pooled = stacked.rollup(np.zeros(len(tallies), dtype=np.int64))
        n = stacked.n.astype(float)
        above = n - stacked.at_most(float(pooled.quantile(0.5)[0])).astype(float)
        x = np.asarray(positions, dtype=float)
        x_bar = float(n @ x / n.sum())
        share = float(above.sum() / n.sum())
        variance = share * (1 - share) * float(n @ (x - x_bar) ** 2)
        return float(above @ (x - x_bar)) / math.sqrt(variance) if variance > 0 else 0.0


def _stretched(median: float, factor: float) -> float | None:
    """The detectable Δ of a median stretched by 1 + ``factor`` (e^δ − 1); None over :data:`MAX_STRETCH`."""
    return median * factor if factor + 1 <= MAX_STRETCH else None


def _median_split(a: DurationSummary, b: DurationSummary) -> Split:
    """Two summaries' groups' median split (Mood's test), as :meth:`Duration.prepare_tests` worked it out,
    else worked out now and kept (a test and its detectable difference both read it)."""
    key = (b.batch, a.index, b.index)
    if key not in a.batch.splits:
        _splits([(a, b)])
    return a.batch.splits[key]


def _splits(pairs: list[tuple[DurationSummary, DurationSummary]]) -> None:
    """The median splits of these pairs, one vectorised call per pair of batches, kept in the first's batch."""
    from ..loghist import median_splits

    batches: dict[tuple[Summarised, Summarised], list[tuple[int, int]]] = {}
    for a, b in pairs:
        batches.setdefault((a.batch, b.batch), []).append((a.index, b.index))
    for (own, their), indices in batches.items():
        i, j = np.array(indices, dtype=np.int64).reshape(-1, 2).T
        values, below_a, below_b = median_splits(own.buckets, i, their.buckets, j)
        for (g, h), (median, sixty, forty), x, y in zip(indices, values.tolist(), below_a.tolist(), below_b.tolist()):
            own.splits[their, g, h] = ((median, sixty, forty), x, y)


class DurationEncoder:
    """One duration column's texts or numbers → seconds (a :class:`~cxscore.durations.DurationColumn` per block).

    The unit of plain numbers is the config's ``unit:``, else the one the header names (``… in minutes``);
    two-field clocks are read as the header states (``(mm:ss)``), else hours:minutes.
    """


    def __init__(self, spec: MetricSpec, column: str, blank_values: Sequence[str]):
        from ..durations import DurationParser, header_clock, header_unit

        self.name, self.column = spec.name, column
        self.columns: tuple[str, ...] = (column,)
        found = header_unit(column)
        if spec.unit is not None:
            self.unit, self.said_by = spec.unit, f"the config says unit: {spec.unit}"
        else:
            self.unit, self.said_by = (found[0], found[1]) if found else (None, "")
        clock = header_clock(column)
        self.clock_stated = clock is not None
        self.parser = DurationParser(self.unit, [*blank_values, *spec.blank_values], short_clock=clock[0] if clock else "h:mm")

    def encode(self, batch: pa.RecordBatch) -> DurationColumn:
        return self.read(batch.column(self.column))

    def typed(self) -> list[tuple[str, Any]]:
        """Read as whole numbers when the sample is (read_types checks) and the unit is known, unless a blank
        value is a number; else as text: "90", "1:30:00" and "2h 30m" may share a column."""
        import re

        from ..column_types import WHOLE

        numeric_blank = any(re.fullmatch(r"[-+]?[\d.,]+", value) for value in self.parser.blank)
        return [(self.column, WHOLE if self.unit is not None and not numeric_blank else None)]

    def read(self, values: pa.Array) -> DurationColumn:
        from ..durations import DurationUnitUnknown, encode_durations

        try:
            return encode_durations(values, self.parser)
        except DurationUnitUnknown as exc:
            raise InputError(
                f"{self.name}: column {self.column!r} holds plain numbers and no unit is known ({str(exc).split(' are plain')[0]})",
                "give the metric a unit in the config (unit: minutes, or seconds, hours, days), or a header that names it ('… in minutes')",
            ) from None

    def doubts(self, sample: list[str]) -> list[str]:
        """What the first rows say against the unit (too large, written with their own units), or a
        clock read by default: each a warning, and refused by --strict. Plain numbers with no unit: an error."""
        from ..durations import unit_doubts

        column = self.read(pa.array(sample, pa.string()))
        where = f"{self.name}: column {self.column!r}"
        return [f"{where}: {line}" for line in unit_doubts(column, self.unit, self.said_by, self.clock_stated)]


class ElapsedEncoder:
    """Two timestamp columns → the seconds from ``start`` to ``end`` per row (:func:`cxscore.elapsed.elapsed`),
    in the day/month order settled for the input and the metric's ``timezone`` (for naive times)."""

    def __init__(self, spec: MetricSpec, columns: dict[str, str], blank_values: Sequence[str] = ()):
        self.name, self.start, self.end = spec.name, columns["start"], columns["end"]
        self.blank = sorted({str(v).strip().casefold() for v in [*blank_values, *spec.blank_values]})  # cells that mean no date (ServiceNow's ?)
        self.columns: tuple[str, ...] = (self.start, self.end)
        self.dayfirst, self.timezone = bool(spec.dayfirst), spec.timezone
        self.schedule = spec.schedule if spec.business_hours else None  # the config's, or the metric's own

    def encode(self, batch: pa.RecordBatch) -> DurationColumn:
        from ..elapsed import ZoneMismatch, elapsed

        try:
            return elapsed(self._blanked(batch.column(self.start)), self._blanked(batch.column(self.end)), self.dayfirst, self.timezone, (self.start, self.end), self.schedule)
        except ZoneMismatch as exc:
            if exc.schedule:
                raise InputError(f"{self.name}: {exc} ({self.start!r} → {self.end!r})", "give the schedule the zone of its working hours (schedule: {timezone: Europe/Berlin, …})") from None
            raise InputError(
                f"{self.name}: {exc} ({self.start!r} → {self.end!r}), and the metric has no timezone to place the one without",
                "give the metric the export's zone (timezone: Europe/Berlin), the one its times without a zone are written in",
            ) from None

    def _blanked(self, column: Any) -> Any:
        """The column with its blank values (config or layout: ``?``) as nulls, so they are blank, not invalid."""
        if not self.blank or not pa.types.is_string(column.type):
            return column
        import pyarrow.compute as pc

        text = pc.utf8_lower(pc.utf8_trim_whitespace(column))
        return pc.if_else(pc.is_in(text, value_set=pa.array(self.blank, pa.string())), pa.scalar(None, column.type), column)

    def typed(self) -> list[tuple[str, Any]]:
        """Timestamps as the reader writes them are read typed (read_types checks the sample); zones,
        epochs, other formats and placeholders such as 0000-00-00 as text (a typed read meeting one is read again as text)."""
        from ..column_types import TIME

        return [(self.start, TIME), (self.end, TIME)]


class SumEncoder:
    """Several duration columns → their total per row (handle time = talk + hold + after-call work).

    Each part is read as a duration column (its unit from its header or the config's ``unit:``). A row
    with every part blank is blank (a call never handled); with some parts blank, those count 0 and the
    row is noted (Amazon Connect leaves hold blank when there was none); any invalid part makes the row
    invalid, its text kept as ``column: text``."""

    def __init__(self, spec: MetricSpec, columns: list[str], blank_values: Sequence[str]):
        self.parts = [DurationEncoder(spec, column, blank_values) for column in columns]
        self.columns: tuple[str, ...] = tuple(columns)

    def encode(self, batch: pa.RecordBatch) -> DurationColumn:
        import numpy as np

        from ..durations import VALUE, DurationColumn
        from ..normalize import BLANK, INVALID

        read = [part.encode(batch) for part in self.parts]
        slots = np.stack([column.slots for column in read])
        valid = slots == VALUE
        invalid = (slots == INVALID + 2).any(axis=0)
        blank = ~invalid & ~valid.any(axis=0)
        seconds = np.where(valid, np.stack([column.seconds for column in read]), 0.0).sum(axis=0)
        row_slots = np.where(invalid, INVALID + 2, np.where(blank, BLANK + 2, VALUE)).astype(np.intp)
        seconds[row_slots != VALUE] = np.nan
        examples: Counter = Counter()
        for part, column in zip(self.parts, read):
            examples.update({f"{part.column}: {text}": count for text, count in column.invalid_texts.items()})
        noted = (row_slots == VALUE) & ~valid.all(axis=0)
        return DurationColumn(seconds, row_slots, np.zeros(len(seconds), np.int8), examples, {}, noted)

    def typed(self) -> list[tuple[str, Any]]:
        return [pair for part in self.parts for pair in part.typed()]


KIND = Duration()
