"""From tallies to result rows: overall, per segment, per period; intervals, tests, ranking."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import numpy as np

from .accumulators import Accumulator, Book, Rollup, everything, rests
from .binning import Binning
from .config import MetricSpec
from .dates import UNDATED, period_index, period_label
from .grouping import GroupKey
from .metrics import Summary, compare, compute, effective_n, interval, summarise, summary, trend
from .model import ResultRow
from .settings import Settings
from .stats import benjamini_hochberg
from .tally import Tally, TallyRows


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
    if s.distribution and spec.kind.scaled and isinstance(tally, Tally):  # counts per scale point
        total, binning = tally.weight_total, Binning.of(spec.scale)
        row.distribution = [
            {"point": binning.value(i), "count": int(c), "pct": 100 * float(w) / total if total else None}
            for i, (c, w) in enumerate(zip(tally.counts, tally.weighted))
        ]
    return row


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


def build_rows(spec: MetricSpec, book: Book[GroupKey], s: Settings) -> list[ResultRow]:
    """Every row of one metric: overall, then segments, then periods, then segment × period."""
    alpha = 1 - s.confidence
    overall = book.rollup(spec.name, everything).get((), book.empty(spec.name))
    rows = [_row(spec, (overall, summary(spec, overall)), {}, s)]
    segment_order: list[tuple] = []
    if s.by:
        segment_rows = _segment_rows(spec, book, overall, s) if not (s.top or s.bottom) else _chosen_rows(spec, book, overall, s)
        segment_order = [tuple(r.segment.values()) for r in segment_rows]
        rows += segment_rows
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


def interval_notes(spec: MetricSpec, rows: list[ResultRow]) -> list[str]:
    """Say why rows with answers got no interval (survey scores: their weights leave under two effective answers)."""
    bare = [r for r in rows if r.n >= 2 and r.ci_low is None]
    if not bare:
        return []
    where = ", ".join(_label(r) for r in bare[:3]) + (f" and {len(bare) - 3} more" if len(bare) > 3 else "")
    return [spec.kind.no_interval_note(spec, where, bare[0])]


def _label(row: ResultRow) -> str:
    parts = [f"{k}={v}" for k, v in row.segment.items()] + ([row.period] if row.period else [])
    return ", ".join(parts) if parts else "all answers"
