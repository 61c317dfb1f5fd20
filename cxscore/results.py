"""From tallies to result rows: overall, per segment, per period; intervals, tests, ranking."""
from __future__ import annotations

import gc
import math
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import numpy as np

from .accumulators import Accumulator, Book, Rollup, everything, rests
from .binning import Binning
from .config import MetricSpec
from .dates import UNDATED, period_index, period_label
from .grouping import GroupKey
from .metrics import Summary, compare, compute, effective_n, interval, summarise, summary, summary_columns, trend
from .model import ResultRow
from .row_table import RowColumns, RowTable, Rows, without_interval
from . import stats_arrays
from .kinds.base import Kind
from .settings import Settings
from .stats import benjamini_hochberg
from .tally import Tally, TallyRows

if TYPE_CHECKING:
    from .duration_table import DurationRows


#: A group's tally and its summary (summaries are computed per rollup, at once, and kept here).
Scored = tuple[Accumulator, Summary]
#: A roll-up's key: a segment's values, a period code, a GroupKey.
C = TypeVar("C", bound=Hashable)


def _scored(spec: MetricSpec, tallies: Mapping[C, Accumulator]) -> dict[C, Scored]:
    """A rollup's tallies with their summaries, all computed at once."""
    keys, parts = (tallies.keys_in_order, tallies.parts) if isinstance(tallies, Rollup) else (list(tallies), list(tallies.values()))
    return {key: (tally, each) for key, tally, each in zip(keys, parts, summarise(spec, parts))}


def _row(spec: MetricSpec, group: Scored, segment: dict, s: Settings, code: int | None = None, period: str | None = None) -> ResultRow:
    """The row of one group: ``code`` is its period's code and ``period`` its label (None: all periods)."""
    tally, summed = group
    value, components = compute(spec, summed)
    row = ResultRow(spec.name, spec.type, segment, period, summed.n, tally.blank, tally.invalid, value, components)
    row.period_code = code
    row.n_eff = summed.n_eff
    row.deff = summed.n / summed.n_eff if summed.n_eff else None
    row.low_n = summed.n_eff < s.min_n
    ci = interval(spec, summed, s.confidence, s.nps_interval)
    if ci is not None:
        row.se, row.ci_low, row.ci_high, row.ci_method = ci.se, ci.low, ci.high, ci.method
        row.margin = (ci.high - ci.low) / 2
    if s.distribution and spec.scaled and isinstance(tally, Tally):  # counts per scale point
        row.distribution = _distribution(spec, tally)
    return row


def _distribution(spec: MetricSpec, tally: Tally) -> list[dict[str, Any]]:
    total, binning = tally.weight_total, Binning.of(spec.scale)
    return [{"point": binning.value(i), "count": int(c), "pct": 100 * float(w) / total if total else None} for i, (c, w) in enumerate(zip(tally.counts, tally.weighted))]


#: A row's ``significance`` (the JSON object): against what, the difference, p-values, the verdict.
Significance = dict[str, Any]


def _test(spec: MetricSpec, row: ResultRow, group: Summary, other: Summary, against: str, s: Settings) -> Significance | None:
    """Compare a row with the rest or the previous period (setting its ``significance``); that
    significance when both sides have enough answers for the row to join its table's
    false-discovery-rate family, else None."""
    result = compare(spec, group, other, s.nps_test)
    if result is None:
        return None
    diff, p, se0 = result
    mdd = spec.kind.detectable(spec, group, other, se0, s.confidence)
    row.significance = sig = {"against": against, "diff": diff, "p_value": p, "p_adjusted": None, "significant": False, "direction": None, "mdd": mdd}
    return sig if not row.low_n and other.n_eff >= s.min_n else None


def _adjust(family: list[Significance], alpha: float) -> None:
    """Benjamini–Hochberg over one table's testable rows' significances; only they can be marked significant."""
    for sig, p in zip(family, benjamini_hochberg([sig["p_value"] for sig in family])):
        _mark(sig, p, alpha)


def _mark(sig: Significance, p_adjusted: float, alpha: float) -> None:
    sig["p_adjusted"] = p_adjusted
    sig["significant"] = p_adjusted < alpha
    sig["direction"] = ("up" if sig["diff"] > 0 else "down") if sig["significant"] else None


def _goodness(spec: MetricSpec) -> Callable[[ResultRow], float]:
    sign = 1 if spec.higher_is_better else -1
    return lambda r: -np.inf if r.value is None else sign * r.value


def _rank(spec: MetricSpec, rows: list[ResultRow], s: Settings) -> list[ResultRow]:
    if s.top or s.bottom:
        # The best and the worst are first those with at least --min-n answers (the advice about many
        # segments promises this), then low-n ones (grey) if too few have enough; a segment without a
        # score (no answers) is neither.
        best_first = sorted((r for r in rows if r.value is not None), key=_goodness(spec), reverse=True)
        ranked = best_first if s.top else best_first[::-1]
        return sorted(ranked, key=lambda r: r.low_n)[: s.top or s.bottom]  # stable: keeps the ranking within each
    if s.sort == "score":
        return sorted(rows, key=_goodness(spec), reverse=True)
    if s.sort == "n":
        return sorted(rows, key=lambda r: r.n, reverse=True)
    return sorted(rows, key=lambda r: tuple(str(v) for v in r.segment.values()))


def _series(spec: MetricSpec, tallies: dict[int, Scored], segment: dict, label: Callable[[int], str], s: Settings, family: list[Significance]) -> list[ResultRow]:
    """Period rows in time order, each tested against the one before — the latest against the pooled
    previous ``s.baseline`` periods — (testable ones join ``family``); the latest row also gets the
    trend over the last ``s.trend`` periods."""
    codes = sorted(tallies)
    rows = []
    for i, code in enumerate(codes):
        row = _row(spec, tallies[code], segment, s, code, label(code))
        latest_with_baseline = i == len(codes) - 1 and s.baseline > 1
        window = codes[max(0, i - s.baseline) : i] if latest_with_baseline else codes[max(0, i - 1) : i]
        if window:
            other = _pooled(spec, tallies, window)
            against = "baseline" if latest_with_baseline else "previous"
            if (sig := _test(spec, row, tallies[code][1], other, against, s)) is not None:
                family.append(sig)
            if against == "baseline" and row.significance:
                row.significance["baseline"] = [label(c) for c in window]
        rows.append(row)
    if s.trend and rows and s.period:
        index = {c: period_index(c, s.period) for c in codes}
        window = [c for c in codes if index[c] > index[codes[-1]] - s.trend]  # the last K periods of the calendar
        rows[-1].trend = trend(spec, [tallies[c][0] for c in window], [tallies[c][1] for c in window], s.confidence, [index[c] for c in window])
    return rows


def _consecutive(periods: dict[int, Scored]) -> list[tuple[Summary, Summary]]:
    """Each period's summary with the one before it: the pairs :func:`_series` tests (the latest may be tested against a baseline instead)."""
    codes = sorted(periods)
    return [(periods[later][1], periods[earlier][1]) for earlier, later in zip(codes, codes[1:])]


def _pooled(spec: MetricSpec, tallies: dict[int, Scored], codes: list[int]) -> Summary:
    """The summary of these periods' answers together."""
    if len(codes) == 1:
        return tallies[codes[0]][1]
    total = tallies[codes[0]][0].copy()
    for code in codes[1:]:
        total += tallies[code][0]
    return summary(spec, total)


def _segment(key: GroupKey) -> tuple[str, ...]:
    return key.segment


def _dated_period(key: GroupKey) -> int | None:
    """The key's period; None (left out of period rows) when undated."""
    return None if key.period == UNDATED else key.period


def _dated_cell(key: GroupKey) -> tuple[tuple[str, ...], int] | None:
    """The key's segment and period; None (left out of cell rows) when undated."""
    return None if key.period is None or key.period == UNDATED else (key.segment, key.period)


def _segment_rows(spec: MetricSpec, book: Book[GroupKey], overall: Accumulator, s: Settings) -> list[ResultRow]:
    """Every segment's row, each tested against the rest, Benjamini–Hochberg over the testable ones, sorted."""
    family: list[Significance] = []
    segment_rows = []
    segments = book.rollup(spec.name, _segment)
    rest = _scored(spec, rests(segments, overall, book.empty(spec.name)))
    scored = _scored(spec, segments)
    spec.kind.prepare_tests(spec, [(group[1], rest[segment][1]) for segment, group in scored.items()])
    for segment, group in scored.items():
        row = _row(spec, group, dict(zip(s.by, segment)), s)
        if (sig := _test(spec, row, group[1], rest[segment][1], "rest", s)) is not None:
            family.append(sig)
        segment_rows.append(row)
    _adjust(family, 1 - s.confidence)
    return _rank(spec, segment_rows, s)


def _chosen_rows(spec: MetricSpec, book: Book[GroupKey], overall: Accumulator, s: Settings) -> list[ResultRow]:
    """The rows --top/--bottom keep, chosen before any row is built: every segment's value and test
    against the rest come from its summary (one summarise per rollup) and only the kept ones get rows
    with intervals. The best and the worst are first those with at least --min-n answers (the advice
    about many segments promises this), then low-n ones (grey) if too few have enough; a segment with
    no answers is neither; ties keep the segments' order (reversed for --bottom). The
    false-discovery-rate family is still every testable segment (all were tested), so a kept row's
    adjusted p is the full table's."""
    segments = book.rollup(spec.name, _segment)
    keys, tallies = segments.keys_in_order, segments.parts
    cut = s.top or s.bottom or 0
    low_n = [n_eff < s.min_n for n_eff in effective_n(spec, tallies)]
    # Only segments with enough answers can be tested or shown first: they are summarised; the low-n
    # ones only when too few with enough have a score to fill the cut.
    enough = [i for i, low in enumerate(low_n) if not low]
    own = dict(zip(enough, summarise(spec, _take(tallies, enough))))
    values = {i: compute(spec, own[i])[0] for i in enough}
    if sum(v is not None for v in values.values()) < cut:
        few = [i for i, low in enumerate(low_n) if low]
        own.update(zip(few, summarise(spec, _take(tallies, few))))
        values.update((i, compute(spec, own[i])[0]) for i in few)
    sign = 1 if spec.higher_is_better else -1
    best_first = sorted((i for i in sorted(values) if values[i] is not None), key=lambda i: sign * values[i], reverse=True)  # type: ignore[operator]  # None left out
    ranked = best_first if s.top else best_first[::-1]
    kept = sorted(ranked, key=lambda i: low_n[i])[:cut]  # stable: keeps the ranking within each
    tested = sorted(set(enough) | set(kept))
    if isinstance(tallies, TallyRows) and isinstance(overall, Tally):  # whole - part for all at once
        rest: Sequence[Accumulator] = tallies.take(tested).rests(overall)
    else:
        rest = list(rests(segments, overall, book.empty(spec.name), [keys[i] for i in tested]).values())
    others = dict(zip(tested, summarise(spec, rest)))
    family: dict[int, int] = {}  # segment index → its place in the family
    p_values: list[float] = []
    for i in enough:
        if others[i].n_eff >= s.min_n and (result := compare(spec, own[i], others[i], s.nps_test)) is not None:
            family[i] = len(p_values)
            p_values.append(result[1])
    adjusted, alpha = benjamini_hochberg(p_values), 1 - s.confidence
    rows = []
    for i in kept:
        row = _row(spec, (tallies[i], own[i]), dict(zip(s.by, keys[i])), s)
        sig = _test(spec, row, own[i], others[i], "rest", s)
        if sig is not None:
            _mark(sig, adjusted[family[i]], alpha)
        rows.append(row)
    return rows


def _take(parts: Sequence[Accumulator], chosen: list[int]) -> Sequence[Accumulator]:
    """These parts of a roll-up: a tally roll-up's as arrays (summarised without a tally object each)."""
    return parts.take(chosen) if isinstance(parts, TallyRows) else [parts[i] for i in chosen]


# --- a roll-up at a time: summaries, intervals and tests of all its groups as arrays ------------------

#: A kind's scalar methods that its array methods (Kind.compute_columns …) must stand for.
_SCALAR = ("summarise", "compute", "interval", "moments", "compare", "other_test", "detectable")


def _by_arrays(spec: MetricSpec, parts: Sequence[Accumulator]) -> bool:
    """Whether a roll-up is scored from arrays: a tally table's, of a kind with array methods whose scalar
    twins are its own or inherited with them (a subclass that changes ``compute`` but not ``compute_columns``
    is scored a group at a time, like kinds without array methods; the results are the same either way);
    or a duration histogram's, by the duration kind's own array methods (``table_columns``)."""
    if _kind_scored(parts):
        return callable(getattr(spec.kind, "table_columns", None))
    if not isinstance(parts, TallyRows):
        return False
    mro = type(spec.kind).__mro__
    owner = next(i for i, c in enumerate(mro) if "compute_columns" in c.__dict__)
    return mro[owner] is not Kind and not any(name in c.__dict__ for c in mro[:owner] for name in _SCALAR)


def _kind_scored(parts: object) -> bool:
    """Whether a roll-up's parts are scored by their kind's own array methods (``DurationRows``, not imported
    here: a survey run does without the duration modules)."""
    return getattr(parts, "scored_by_kind", False)


class _Table:
    """A tally roll-up's groups scored at once: the figures of their rows as arrays (``cxscore.stats_arrays``),
    each entry what :func:`_row` computes for the group alone, bit for bit; or a duration roll-up's, by the
    duration kind (``Duration.table_columns``, ``test_columns``)."""

    def __init__(self, spec: MetricSpec, parts: TallyRows | DurationRows, s: Settings):
        self.spec, self.parts, self.min_n = spec, parts, s.min_n
        kind = spec.kind
        self.moments: stats_arrays.Moments | None = None  # the pooled tests' moments (durations have their own tests)
        if not isinstance(parts, TallyRows):  # DurationRows (_by_arrays): the duration kind's figures, from the roll-up's histogram
            durations = kind.table_columns(spec, parts, s.confidence)  # type: ignore[attr-defined]  # _by_arrays: the kind has them
            self.columns, self.value, self.components, self.answered = durations, durations.median, durations.components, durations.answered
            self.enough, self.has_ci, self.ci = durations.enough, durations.has_ci, durations.ci
            self.blank, self.invalid = parts.counted[:, 0], parts.counted[:, 1]
            return
        self.columns = columns = summary_columns(spec, parts)
        self.blank, self.invalid = parts.table.extra[:, 1], parts.table.extra[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            value, components = kind.compute_columns(spec, columns)  # type: ignore[misc]  # _by_arrays: the kind has them
            self.value = value
            self.answered = (columns.n != 0) & (columns.total > 0)  # compute(): None without answers
            self.components = components
            self.enough = self.has_ci = enough = (columns.n >= 2) & (columns.n_eff >= 2)  # interval() and compare(): two or more (effective) answers
            # intervals and moments only where they are used (Python's pow per entry is their largest cost)
            some = _subset(columns, np.flatnonzero(enough))
            ci = kind.interval_columns(spec, some, s.confidence, s.nps_interval)
            self.ci = stats_arrays.Intervals(_spread(ci.se, enough), _spread(ci.low, enough), _spread(ci.high, enough), ci.method, ci.ends)
            self.moments = _spread(kind.moment_columns(spec, some), enough)

    def row_columns(self, order: np.ndarray, segments: list[dict], segment: np.ndarray, periods: list[str], period: np.ndarray) -> RowColumns:
        """The groups ``order`` as the arrays their :meth:`rows` are made from (each with its segment and period
        label as a place in ``segments`` and ``periods``), untested."""
        c, ci, spec = self.columns, self.ci, self.spec
        nothing = np.zeros(len(order), dtype=bool)
        empty = np.full(len(order), np.nan)
        return RowColumns(spec.name, spec.type, segments, segment, periods, period, c.n[order], self.blank[order].astype(np.int64), self.invalid[order].astype(np.int64),
                          self.answered[order], self.value[order], {k: v[order] for k, v in self.components.items()}, tuple(spec.kind.components),
                          c.n_eff[order], self.has_ci[order], ci.se[order], ci.low[order], ci.high[order], ci.ends, ci.method, (ci.high[order] - ci.low[order]) / 2,
                          c.n_eff[order] < self.min_n, nothing, "", empty, empty, empty, empty, 0.0, {})

    def rows(self, order: np.ndarray, segments: list[dict], periods: list[str | None], codes: list[int | None], s: Settings) -> list[ResultRow]:
        """The rows of the groups ``order`` (each with its segment, period label and period code)."""
        spec, c, ci = self.spec, self.columns, self.ci
        n, n_eff = c.n[order].tolist(), c.n_eff[order].tolist()
        blank, invalid = self.blank[order].astype(np.int64).tolist(), self.invalid[order].astype(np.int64).tolist()
        answered, enough = self.answered[order].tolist(), self.has_ci[order].tolist()
        value = self.value[order].tolist()
        names = list(self.components)
        parts = list(zip(*(self.components[k][order].tolist() for k in names))) if names else [()] * len(order)
        empty = dict.fromkeys(spec.kind.components)
        se, low, high = ci.se[order].tolist(), _bounded(ci.low[order], ci.ends), _bounded(ci.high[order], ci.ends)
        margin = ((ci.high[order] - ci.low[order]) / 2).tolist()
        low_n = (c.n_eff[order] < s.min_n).tolist()
        name, kind, method = spec.name, spec.type, ci.method
        rows = []
        with _cycles_uncollected():  # rows hold no reference cycles
            for i, (segment, period, code, ni, ne, answers) in enumerate(zip(segments, periods, codes, n, n_eff, answered)):
                shown, components = (value[i], dict(zip(names, parts[i]))) if answers else (None, dict(empty))
                if enough[i]:  # an interval (two or more effective answers: n_eff > 0)
                    row = ResultRow(name, kind, segment, period, ni, blank[i], invalid[i], shown, components, ne, ni / ne, se[i], low[i], high[i], method, margin[i], low_n[i])
                else:
                    row = ResultRow(name, kind, segment, period, ni, blank[i], invalid[i], shown, components, ne, ni / ne if ne else None, low_n=low_n[i])
                row.period_code = code
                rows.append(row)
        if s.distribution and spec.scaled:
            for row, i in zip(rows, order.tolist()):
                row.distribution = _distribution(spec, self.parts[i])
        return rows


@contextmanager
def _cycles_uncollected() -> Iterator[None]:
    """Python's cycle collector paused: making 300,000 rows (objects with dicts, no cycles among them)
    set it off again and again over the growing heap, a third of the rows' time."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _bounded(values: np.ndarray, ends: tuple[int, int] | None) -> list:
    """Interval bounds as the scalar interval has them: one clipped at an integer end of the scale is
    that integer (``max(lo, x)`` returns ``lo``; an unclipped bound is strictly inside), others floats."""
    out = values.tolist()
    if ends is not None:
        integers = {float(end): end for end in ends}
        out = [integers.get(v, v) for v in out]
    return out


class _Tested(NamedTuple):
    """Rows tested at once: the positions tested, each one's difference, p, detectable difference (None:
    undefined) and whether it joins its table's false-discovery-rate family (neither side low-n)."""

    places: list[int]
    diff: list[float]
    p: list[float]
    mdd: list[float | None]
    joins: list[bool]


def _tests(spec: MetricSpec, a: _Table, ia: np.ndarray, b: _Table, ib: np.ndarray, s: Settings) -> _Tested:
    """Group ``ia[k]`` of ``a`` tested against group ``ib[k]`` of ``b`` for each k, as :func:`_test` does
    one; only pairs with two or more (effective) answers on both sides are tested."""
    kind = spec.kind
    tested = a.enough[ia] & b.enough[ib]
    ia, ib = ia[tested], ib[tested]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if a.moments is None or b.moments is None:  # durations: the kind's Mood's tests
            diff, p, mdd = kind.test_columns(spec, a.columns, ia, b.columns, ib, s.confidence)  # type: ignore[attr-defined]  # _by_arrays: the kind has them
        else:
            test = stats_arrays.pooled_test(_entries(a.moments, ia), _entries(b.moments, ib))
            other = kind.other_test_columns(spec, _subset(a.columns, ia), _subset(b.columns, ib), s.nps_test)
            se0 = kind.unit * test.se0
            mdd = kind.possible_columns(spec, np.where(se0 > 0, stats_arrays.min_detectable(se0, s.confidence), np.nan))
            diff, p = a.value[ia] - b.value[ib], test.p if other is None else other
    joins = (a.columns.n_eff[ia] >= s.min_n) & (b.columns.n_eff[ib] >= s.min_n)
    return _Tested(np.flatnonzero(tested).tolist(), diff.tolist(), p.tolist(), [None if math.isnan(v) else v for v in mdd.tolist()], joins.tolist())


def _significance(against: str, diff: float, p: float, mdd: float | None, adjusted: float | None, alpha: float) -> Significance:
    """A row's ``significance``, marked when it is in its family (``adjusted``: its BH-adjusted p)."""
    sig = {"against": against, "diff": diff, "p_value": p, "p_adjusted": None, "significant": False, "direction": None, "mdd": mdd}
    if adjusted is not None:
        _mark(sig, adjusted, alpha)
    return sig


def _spread(values: Any, where: np.ndarray) -> Any:
    """Entries computed for the groups ``where`` is true, as arrays over all groups (NaN elsewhere); a tuple of them alike."""
    if isinstance(values, tuple):
        return tuple(_spread(v, where) for v in values)
    out = np.full(len(where), np.nan)
    out[where] = values
    return out


def _entries(moments: stats_arrays.Moments, chosen: np.ndarray) -> stats_arrays.Moments:
    mean, m2, m3, n = moments
    return mean[chosen], m2[chosen], m3[chosen], n[chosen]


def _subset(columns: Any, chosen: np.ndarray) -> Any:
    """These groups' entries of a summary of arrays."""
    out: Any = Summary()
    out.n, out.n_eff, out.total, out.mean, out.m2, out.m3 = (getattr(columns, k)[chosen] for k in ("n", "n_eff", "total", "mean", "m2", "m3"))
    out.shares = {k: v[chosen] for k, v in columns.shares.items()}
    return out


def _segment_table(spec: MetricSpec, segments: Rollup, overall: Tally, s: Settings) -> list[ResultRow]:
    """:func:`_segment_rows` from arrays: every segment against its rest, BH over the testable ones, sorted."""
    keys, parts = segments.keys_in_order, segments.parts
    assert isinstance(parts, TallyRows), "_by_arrays: a tally table's roll-up"
    own, rest = _Table(spec, parts, s), _Table(spec, parts.rests(overall), s)
    everyone = np.arange(len(keys))
    rows = own.rows(everyone, [dict(zip(s.by, key)) for key in keys], [None] * len(keys), [None] * len(keys), s)
    tested = _tests(spec, own, everyone, rest, everyone, s)
    family = [k for k, joins in enumerate(tested.joins) if joins]
    adjusted: list[float | None] = [None] * len(tested.places)
    for k, p in zip(family, stats_arrays.benjamini_hochberg(np.array([tested.p[k] for k in family], dtype=np.float64)).tolist()):
        adjusted[k] = p
    alpha = 1 - s.confidence
    for k, place in enumerate(tested.places):
        rows[place].significance = _significance("rest", tested.diff[k], tested.p[k], tested.mdd[k], adjusted[k], alpha)
    return _rank(spec, rows, s)


def _period_tables(spec: MetricSpec, book: Book[GroupKey], segment_order: list[tuple], s: Settings) -> list[Sequence[ResultRow]]:
    """The period rows, then each shown segment's cells in ``segment_order``: each row tested against the
    period before it in its series (the latest against the pooled ``--baseline`` periods), one
    false-discovery-rate family for the periods and one for all cells, as :func:`_series` does."""
    label = _labels(s.period)  # type: ignore[arg-type]  # only called with a period
    periods = book.rollup(spec.name, _dated_period)
    codes = np.array(periods.keys_in_order, dtype=np.int64)
    tables = [_series_table(spec, periods.parts, np.zeros(len(codes), dtype=np.int64), codes, [{}], label, s)]  # type: ignore[arg-type]
    if s.by:
        every = book.rollup(spec.name, _dated_cell)
        place = {segment: i for i, segment in enumerate(segment_order)}  # --top/--bottom: only the kept segments' cells
        kept = [i for i, (segment, _) in enumerate(every.keys_in_order) if segment in place]
        parts = every.parts.take(kept)  # type: ignore[attr-defined]  # TallyRows: a tally kind's
        series = np.array([place[every.keys_in_order[i][0]] for i in kept], dtype=np.int64)
        cell_codes = np.array([every.keys_in_order[i][1] for i in kept], dtype=np.int64)
        tables.append(_series_table(spec, parts, series, cell_codes, [dict(zip(s.by, segment)) for segment in segment_order], label, s))
    return tables


def _labels(period: str) -> Callable[[int], str]:
    """period_label for this period, each code's label made once."""
    made: dict[int, str] = {}

    def label(code: int) -> str:
        if code not in made:
            made[code] = period_label(code, period)
        return made[code]
    return label


def _series_table(spec: MetricSpec, parts: TallyRows, series: np.ndarray, codes: np.ndarray, segments: list[dict], label: Callable[[int], str], s: Settings) -> Sequence[ResultRow]:
    """:func:`_series` for many series at once: group i belongs to series ``series[i]`` (whose segment is
    ``segments[series[i]]``) in period ``codes[i]``; rows in series order, each series in time order,
    made when read (:mod:`cxscore.row_table`) but for each series' latest row, which is kept: its
    --baseline test and trend are set on it here, targets and alerts later."""
    if not len(codes):
        return []
    table = _Table(spec, parts, s)
    order = np.lexsort((codes, series))
    ordered_series = series[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = ordered_series[1:] != ordered_series[:-1]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = first[1:]
    pooled = s.baseline > 1  # then the latest row is tested against the pooled periods before it, not the one before
    previous = np.flatnonzero(~first & ~last) if pooled else np.flatnonzero(~first)
    tested = _tests(spec, table, order[previous], table, order[previous - 1], s)
    size, alpha = len(order), 1 - s.confidence
    place = np.full(size, -1, dtype=np.int64)  # each row's entry in ``tested`` (-1: not tested against the previous period)
    place[previous[tested.places]] = np.arange(len(tested.places))
    starts = np.flatnonzero(first).tolist()
    ends = [*starts[1:], size]
    baselines: dict[int, tuple[Significance, bool, list[int]]] = {}  # a series' latest row → its baseline test, whether it joins, the window
    if pooled:
        for start, end in zip(starts, ends):
            if end - start > 1:
                window = order[max(start, end - 1 - s.baseline) : end - 1].tolist()
                own = summary(spec, parts[int(order[end - 1])])
                other = _pooled(spec, {i: (parts[i], summary(spec, parts[i])) for i in window}, window)
                if (result := compare(spec, own, other, s.nps_test)) is not None:
                    diff, p, se0 = result
                    sig = _significance("baseline", diff, p, spec.kind.detectable(spec, own, other, se0, s.confidence), None, alpha)
                    baselines[end - 1] = (sig, own.n_eff >= s.min_n and other.n_eff >= s.min_n, window)
    family = sorted([int(previous[tested.places[k]]) for k, joins in enumerate(tested.joins) if joins] + [row for row, (_, joins, _) in baselines.items() if joins])
    adjusted = np.full(size, np.nan)
    p_values = [baselines[row][0]["p_value"] if row in baselines else tested.p[place[row]] for row in family]
    adjusted[family] = stats_arrays.benjamini_hochberg(np.array(p_values, dtype=np.float64))
    codes_in_order = codes[order]

    def made(at: np.ndarray) -> list[ResultRow]:
        """Fresh rows for the positions ``at``."""
        chosen = codes_in_order[at].tolist()
        with _cycles_uncollected():  # rows and their dicts hold no reference cycles
            return _significances(table.rows(order[at], [segments[i] for i in ordered_series[at].tolist()], [label(c) for c in chosen], chosen, s),
                                  place[at].tolist(), adjusted[at].tolist())

    def make(start: int, stop: int) -> list[ResultRow]:
        """Fresh rows for the positions [start, stop)."""
        return made(np.arange(start, stop))

    def _significances(rows: list[ResultRow], entries: list[int], marks: list[float]) -> list[ResultRow]:
        for row, k, mark in zip(rows, entries, marks):
            if k >= 0:
                row.significance = _significance("previous", tested.diff[k], tested.p[k], tested.mdd[k], None if math.isnan(mark) else mark, alpha)
        return rows

    kept = dict(zip([end - 1 for end in ends], made(np.array(ends, dtype=np.int64) - 1)))  # each series' latest row, made at once
    for start, end in zip(starts, ends):  # its baseline and trend
        row = kept[end - 1]
        if end - 1 in baselines:
            sig, joins, window = baselines[end - 1]
            if joins:
                _mark(sig, float(adjusted[end - 1]), alpha)
            sig["baseline"] = [label(int(codes[i])) for i in window]
            row.significance = sig
        if s.trend and s.period:
            _trend(spec, row, [int(i) for i in order[start:end]], parts, codes, s)
    bare = np.flatnonzero((table.columns.n[order] >= 2) & ~table.has_ci[order]).tolist()
    if s.distribution and spec.scaled:  # rows with a distribution are made as rows
        return RowTable(make, size, kept, bare)
    period_codes, period_of = np.unique(codes[order], return_inverse=True)
    labels = [label(c) for c in period_codes.tolist()]
    at = previous[np.array(tested.places, dtype=np.int64)]  # the tested rows' positions
    differences, tested_p, detectable = np.full(size, np.nan), np.full(size, np.nan), np.full(size, np.nan)
    differences[at], tested_p[at] = tested.diff, tested.p
    detectable[at] = [math.nan if v is None else v for v in tested.mdd]

    def columns(start: int, stop: int) -> RowColumns:
        """The positions [start, stop) as arrays (:meth:`_Table.row_columns`), with their tests against the previous period."""
        out = table.row_columns(order[start:stop], segments, ordered_series[start:stop], labels, period_of.reshape(-1)[start:stop])
        return out._replace(tested=place[start:stop] >= 0, against="previous", diff=differences[start:stop], p_value=tested_p[start:stop],
                            p_adjusted=adjusted[start:stop], mdd=detectable[start:stop], alpha=alpha)
    return RowTable(make, size, kept, bare, columns)


def _trend(spec: MetricSpec, row: ResultRow, series: list[int], parts: TallyRows, codes: np.ndarray, s: Settings) -> None:
    """The latest row's trend over the last ``s.trend`` periods of the calendar, as :func:`_series` sets it."""
    index = {i: period_index(int(codes[i]), s.period) for i in series}  # type: ignore[arg-type]  # only with a period
    window = [i for i in series if index[i] > index[series[-1]] - s.trend]  # type: ignore[operator]  # only with --trend
    tallies: list[Accumulator] = [parts[i] for i in window]
    row.trend = trend(spec, tallies, summarise(spec, tallies), s.confidence, [index[i] for i in window])


def build_rows(spec: MetricSpec, book: Book[GroupKey], s: Settings) -> Sequence[ResultRow]:
    """Every row of one metric: overall, then segments, then periods, then segment × period (rows of a
    tally roll-up's periods and cells are made when read, :mod:`cxscore.row_table`)."""
    alpha = 1 - s.confidence
    overall = book.rollup(spec.name, everything).get((), book.empty(spec.name))
    rows = [_row(spec, (overall, summary(spec, overall)), {}, s)]
    segment_order: list[tuple] = []
    if s.by:
        if s.top or s.bottom:
            segment_rows = _chosen_rows(spec, book, overall, s)
        elif (segments := book.rollup(spec.name, _segment)).parts and _by_arrays(spec, segments.parts) and isinstance(overall, Tally):
            segment_rows = _segment_table(spec, segments, overall, s)
        else:
            segment_rows = _segment_rows(spec, book, overall, s)
        segment_order = [tuple(r.segment.values()) for r in segment_rows]
        rows += segment_rows
    if s.period and _by_arrays(spec, book.rollup(spec.name, everything).parts):
        return Rows([rows, *_period_tables(spec, book, segment_order, s)])
    if s.period:
        label = partial(period_label, period=s.period)
        periods = _scored(spec, book.rollup(spec.name, _dated_period))
        spec.kind.prepare_tests(spec, _consecutive(periods))
        family: list[Significance] = []
        rows += _series(spec, periods, {}, label, s, family)
        _adjust(family, alpha)
        if s.by:
            shown = set(segment_order)  # --top/--bottom: only the kept segments' cells are scored
            every = book.rollup(spec.name, _dated_cell)
            kept = [i for i, (segment, _) in enumerate(every.keys_in_order) if segment in shown]
            cells = Rollup([every.keys_in_order[i] for i in kept], _take(every.parts, kept))
            by_segment: dict[tuple, dict[int, Scored]] = {}
            for (segment, period), group in _scored(spec, cells).items():
                by_segment.setdefault(segment, {})[period] = group
            spec.kind.prepare_tests(spec, [pair for periods in by_segment.values() for pair in _consecutive(periods)])
            family = []
            for segment in segment_order:
                rows += _series(spec, by_segment.get(segment, {}), dict(zip(s.by, segment)), label, s, family)
            _adjust(family, alpha)
    return rows


def interval_notes(spec: MetricSpec, rows: Sequence[ResultRow]) -> list[str]:
    """Say why rows with answers got no interval (survey scores: their weights leave under two effective answers)."""
    bare = without_interval(rows)
    if not bare:
        return []
    first = [rows[i] for i in bare[:3]]
    where = ", ".join(_label(r) for r in first) + (f" and {len(bare) - 3} more" if len(bare) > 3 else "")
    return [spec.kind.no_interval_note(spec, where, first[0])]


def _label(row: ResultRow) -> str:
    parts = [f"{k}={v}" for k, v in row.segment.items()] + ([row.period] if row.period else [])
    return ", ".join(parts) if parts else "all answers"
