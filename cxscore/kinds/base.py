"""The interface every metric kind implements (and the scale band its config is written in, :mod:`cxscore.bands`).

A kind is everything cxscore knows about one ``type:`` of metric: its YAML keys and their defaults,
the rules its bands follow, its built-in answer labels, how zero-config detection finds it, what it
computes from a summary (value, components, interval, the moments its tests pool, the trend's
units), whether higher is better, how people see it, and which benchmarks it may be compared with.
Everything outside ``cxscore/kinds/`` asks the kind instead of branching on the type's name.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from .. import stats
from ..bands import Band as Band  # the registry and the kinds hand it on
from ..errors import CxError

if TYPE_CHECKING:
    import numpy as np

    from ..accumulators import AnyAccumulators
    from ..config import ColumnSpec, MetricSpec
    from ..encoders import Encoder
    from ..stats_arrays import Intervals, Moments
    from ..tally import Summary


class Plan(NamedTuple):
    """What ``cxscore plan`` needs from a kind: the answers' variance (in answer units), the assumption
    in words, value units per answer unit, what is planned ("NPS") and in what ("points"), and the
    solver: the answers needed for a margin of error (in value units)."""

    variance: float
    assumption: str
    unit: float
    what: str
    points: str
    solve: Callable[[float], int]


#: How a value is shown to people: ``points`` signed with one decimal (NPS), ``pct`` a percentage
#: with one decimal, ``mean`` two decimals, ``duration`` seconds as ``4h 12m`` (display.duration).
Style = Literal["points", "pct", "mean", "duration"]
Scale = tuple[int, int]


class Kind:
    """One metric type. Subclasses set the class attributes and override what differs."""

    #: The ``type:`` written in a config and in the JSON rows.
    name: str
    #: "an NPS": how messages name a metric of this kind.
    article: str
    #: The scale when a config gives none.
    default_scale: Scale
    #: The YAML keys of its bands, in scale order where that applies (each a Band after validation).
    bands: tuple[str, ...]
    #: Its other YAML keys: name → the ``Literal`` of allowed values (``None`` when not given).
    settings: dict[str, Any] = {}
    #: The band whose comments are the unhappy ones, then the happy ones.
    comment_bands: tuple[str, ...]  # (unhappy, happy); empty for a kind without bands
    #: The components of a result row (the JSON ``components`` keys), in order.
    components: tuple[str, ...]
    #: Value units per unit of the answer moments its tests pool (percentages and NPS: 100).
    unit: float = 100.0
    #: How the headline value, its intervals and differences are shown.
    style: Style = "pct"
    #: The table heading of the value ("NPS", "% satisfied", "mean").
    score_label: str
    #: The details line: (words, component, style) per part.
    details: tuple[tuple[str, str, Style], ...] = ()
    #: Whether the value can be below zero (charts then cross the axis at zero).
    signed: bool = False
    #: Bands whose shares add up to 100 %, drawn as stacked bars per group in the workbook; empty: no such chart.
    stacked_shares: tuple[str, ...] = ()
    #: Its bands in words per workbook language (``en``, ``zh``): headings, comment bands, the Settings sheet.
    band_words: dict[str, dict[str, str]] = {}
    #: Benchmark rows it may be compared with: (benchmark metric, benchmark scale); None: none are comparable.
    benchmark: tuple[str, str] | None = None
    #: A kind whose metrics mean different things (a duration may be a first reply or a resolution): its
    #: metrics are compared with the rows of their own name (``name: fcr`` with the ``fcr`` rows) in this scale.
    benchmark_scale: str | None = None
    #: Question texts that name it, for zero-config detection; kinds are tried by ``header_order``.
    header_pattern: re.Pattern[str] | None = None
    header_order: int = 100
    #: Scales tried when the values decide, smallest first.
    candidate_scales: tuple[Scale, ...] = ()
    #: Whether a scale stated in the question ("1–5") may be the scale (False: its scale is fixed).
    stated_scales: bool = True
    #: Built-in answer labels per scale: (lo, hi) → {text: point}.
    labels: dict[Scale, dict[str, int]] = {}
    #: The groups its answers may be given as instead of points (``groups:``, e.g. an NPS column of
    #: Promoter/Passive/Detractor), worst first; empty: never scored from groups. Group i is point i + 1 of
    #: a 1–k scale, and each band named like a group is that point alone.
    groups: tuple[str, ...] = ()
    #: The groups a ``groups:`` mapping must name (the others may be left out).
    required_groups: tuple[str, ...] = ()
    #: Whether its answers are points of a scale (False: durations, whose JSON ``scale`` is null).
    scaled: bool = True
    #: Whether --weight applies (False: a duration is a ticket's or a call's, not a respondent's).
    weighted: bool = True
    #: Whether a target is written as text (``target: 4h``, read by :meth:`parse_target`) rather than a number.
    text_targets: bool = False
    #: Whether a metric reads its answers from ``column:`` (False: its own keys name what it reads, see :meth:`columns`).
    answer_column: bool = True
    #: What the "column: is required" message adds (the other keys that can say what a metric reads).
    column_hint: str = ""

    @property
    def digits(self) -> int:
        """Decimals shown for the value, its intervals, margins and differences."""
        return 2 if self.style == "mean" else 1

    def accumulators(self, spec: MetricSpec) -> AnyAccumulators:
        """The table its answers accumulate into: by default counts per point of the metric's scale."""
        from ..binning import Binning  # imported here: the tally's modules import the config, which imports the kinds
        from ..tally import TallyTable

        return TallyTable(Binning.of(spec.scale))

    def summarise(self, spec: MetricSpec, accumulators: Sequence[Any]) -> list[Any] | None:
        """Its own summaries of many accumulators at once; None: the tally's (metrics.summarise)."""
        return None

    def compare(self, spec: MetricSpec, a: Any, b: Any) -> tuple[float, float, float] | None:
        """Its own test of a − b: (difference, two-sided p, SE₀ in value units); None: the pooled test on :meth:`moments`."""
        return None

    def testable(self, spec: MetricSpec) -> bool:
        """Whether its values can be tested against each other at all (False: an average of the rows'
        averages, whose spread the file does not hold: no comparison, trend or alert test)."""
        return True

    def prepare_tests(self, spec: MetricSpec, pairs: list[tuple[Any, Any]]) -> None:
        """Work out ahead, for all these (a, b) summary pairs at once, what :meth:`compare` will read for
        each (a kind whose test per pair is costly does it in one vectorised call); others: nothing."""

    def detectable(self, spec: MetricSpec, a: Any, b: Any, se0: float, confidence: float) -> float | None:
        """The smallest true a − b its comparison finds with 80 % power (the *Detectable* Δ); None when
        neither side varies (power is undefined, not 0) or when it is wider than the scale allows
        (:meth:`possible`)."""
        from ..stats import min_detectable

        return self.possible(spec, min_detectable(se0, confidence)) if se0 > 0 else None

    def possible(self, spec: MetricSpec, mdd: float) -> float | None:
        """A detectable Δ, or None when it is wider than any a − b the value's range allows (an NPS
        Δ over 200 points, a percentage's over 100: the large-sample figure at a handful of answers,
        which no change could reach). :meth:`possible_columns` is its array twin."""
        lo, hi = self.value_range(spec)
        return mdd if mdd <= hi - lo else None

    def possible_columns(self, spec: MetricSpec, mdd: np.ndarray) -> np.ndarray:
        """:meth:`possible` of each detectable Δ (NaN: None)."""
        import numpy as np  # imported here: the kinds load at start-up, numpy only when tables are tested

        lo, hi = self.value_range(spec)
        return np.where(mdd <= hi - lo, mdd, np.nan)

    def trend_test(self, spec: MetricSpec, tallies: list[Any], positions: list[float]) -> float | None:
        """Its own two-sided z of a trend over periods at ``positions``; None: the slope's z over :meth:`moments`."""
        return None

    def no_interval_note(self, spec: MetricSpec, where: str, row: Any) -> str:
        """Why rows (``where``, the first of them ``row``) with two or more answers got no interval."""
        return f"{spec.name}: no interval or test for {where}: the weights leave under 2 effective answers (n_eff {row.n_eff:.2f}); one response outweighs the rest — check the --weight column"

    def parse_target(self, value: Any, key: str = "target") -> float:
        """A target as written in the config or --fail-under, in value units."""
        return float(value)

    def fields(self) -> tuple[str, ...]:
        """Every YAML key of this kind beyond the common ones: its bands, then its settings."""
        return (*self.bands, *self.settings)

    def columns(self, spec: MetricSpec) -> dict[str, ColumnSpec]:
        """The columns a metric of this kind reads, by role; each is found among an input's headers
        (``columns.resolve_column``, which names the metric when one is missing). Survey kinds: the
        one answer column, ``column:``."""
        return {"column": spec.column}

    def own_columns(self, spec: MetricSpec) -> bool:
        """Whether the metric names what it reads in its own keys (a rate's ``condition:``, a duration's
        ``start:``/``end:``) rather than ``column:``, which it then needs no more."""
        return not self.answer_column

    def for_input(self, spec: MetricSpec, columns: dict[str, str], sample: Callable[[str], list[str]], dayfirst: bool | None) -> tuple[MetricSpec, list[str], list[str]]:
        """The metric as one input is read (its dates' day/month order settled from the input's first
        rows, ``sample(column)``, unless stated: ``dayfirst``), with notes for stderr and doubts (warnings
        that --strict refuses) about that choice. Most kinds read every input alike."""
        return spec, [], []

    def notes(self, spec: MetricSpec, column: str, overall: Any) -> list[str]:
        """Warnings about the answers of the whole run (``overall``, its accumulator) beyond the invalid
        ones: a duration's placeholder dates read as blank."""
        return []

    def encoder(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]) -> Encoder:
        """What turns a block of the columns found (role → header) into the block the metric's
        accumulator adds: survey kinds parse their answer column into scale slots."""
        from ..encoders import AnswerEncoder  # below the kinds: normalize reads the config, which reads the kinds

        return AnswerEncoder(spec, columns["column"], blank_values)

    def column_doubts(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str], sample: Callable[[str], list[str]]) -> list[str]:
        """Doubts about its columns from an input's first rows (``sample(column)``: their values), each a
        warning that --strict refuses; a column it cannot read at all raises a CxError. Survey scales are
        judged after the scan instead (scales.doubt)."""
        return []

    def default_bands(self, lo: int, hi: int) -> dict[str, Any]:
        """Band (and setting) defaults on a scale; empty when there is no sensible default."""
        return {}

    def check(self, spec: MetricSpec) -> None:
        """Raise ValueError("key: what is wrong") when the bands break the kind's rules."""

    def value_range(self, spec: MetricSpec) -> tuple[float, float]:
        """The range of the headline value (percentages: 0…100; a mean: the answer scale)."""
        return 0.0, 100.0

    def higher_is_better(self, metric: Any) -> bool:
        """Whether a higher value is good news; ``metric`` has the kind's settings as attributes."""
        return True

    def trial_settings(self, lo: int, hi: int) -> dict[str, Any]:
        """Settings that let detection try a scale with no default bands (never scored as such)."""
        return {}

    # What the values say about the scale (see scales.doubt).
    def scale_used(self, scale: Scale, lowest: int, highest: int) -> bool | None:
        """Whether the answers given use ``scale``; None: the general rule decides."""
        return None

    def scale_hint(self, likely: Scale) -> str:
        """What to set, besides the scale, to score the answers on the ``likely`` smaller scale."""
        return ""

    def unused_scale_doubt(self, scale: Scale) -> str | None:
        """The doubt when the answers do not use the scale and no smaller scale holds them."""
        return None

    def used_scale_doubt(self, scale: Scale, lowest: int, answered: int) -> str | None:
        """A doubt about answers that do use the scale (e.g. a 0–10 recommend nobody scored 0–5)."""
        return None

    def three_point_hint(self) -> str:
        """The keys that score a 3-point item of this kind."""
        return "its bands"

    # What it computes from a summary of the answers.
    def compute(self, spec: MetricSpec, s: Summary) -> tuple[float, dict[str, float | None]]:
        """The headline value and its components, from a summary with answers."""
        raise NotImplementedError

    def interval(self, spec: MetricSpec, s: Summary, confidence: float, nps_method: str) -> stats.Interval | None:
        """The headline value's interval, from a summary of two or more (effective) answers."""
        raise NotImplementedError

    def moments(self, spec: MetricSpec, s: Summary) -> tuple[float, float, float, float]:
        """(mean, m2, m3, n_eff) of the answer whose mean is the value (÷ ``unit``): what the tests pool."""
        return s.mean, s.m2, s.m3, s.n_eff

    def other_test(self, spec: MetricSpec, a: Summary, b: Summary, test: str) -> float | None:
        """The p-value of a kind-specific test of a − b named ``test``; None: the pooled test decides."""
        return None

    # The same for many groups at once: ``s`` is a summary whose fields are arrays, one entry per group
    # (metrics.summary_columns), and each method does what its scalar twin above does, entry by entry and
    # bit for bit (stats_arrays). A kind that has them is scored a roll-up at a time (results.py); one
    # that has not (compute_columns returns None) is scored a group at a time with the methods above.
    def compute_columns(self, spec: MetricSpec, s: Any) -> tuple[Any, dict[str, Any]] | None:
        """:meth:`compute` of every group (entries without answers are the caller's to blank); None: no array path."""
        return None

    def interval_columns(self, spec: MetricSpec, s: Any, confidence: float, nps_method: str) -> Intervals:
        """:meth:`interval` of every group (entries under two effective answers are the caller's to drop)."""
        raise NotImplementedError

    def moment_columns(self, spec: MetricSpec, s: Any) -> Moments:
        """:meth:`moments` of every group."""
        return s.mean, s.m2, s.m3, s.n_eff

    def other_test_columns(self, spec: MetricSpec, a: Any, b: Any, test: str) -> Any | None:
        """:meth:`other_test` of every pair (a[i], b[i]); None: the pooled test decides."""
        return None

    def interval_words(self, nps_method: str) -> str:
        """Its interval method in a few words, for the tables' caption ("% Wilson"); empty: not named."""
        return ""

    def formula(self, spec: MetricSpec) -> str | None:
        """The formula of its value in words, printed under the tables and carried in the JSON (a call
        service level says which calls it counts); None: the kind's formula is the README's."""
        return None

    def invalid_words(self, spec: MetricSpec) -> str:
        """Why an answer was invalid, for the warning that counts them."""
        return f"outside {spec.scale} or not understood"

    def example_target(self, spec: MetricSpec) -> str:
        """A target for a starter config that means something on this kind's value, with a comment."""
        return "80   # %"

    #: Why ``cxscore plan`` has no formula for this kind, and what it can do instead (its refusal, in words).
    plan_why: str = ""
    plan_instead: str = "plan an nps, csat (any percentage) or ces (any mean)"

    def plan(self, confidence: float, assurance: float | None, **given: Any) -> Plan:
        """``cxscore plan`` for this kind: the variance and solver from the options ``given``."""
        raise CxError(f"cxscore plan has no sample-size formula {self.plan_why or f'for {self.article}'}", self.plan_instead)
