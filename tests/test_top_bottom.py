"""--top/--bottom choose segments before rows are built (issue 18 item 2): the rows kept equal the
full table's rows ranked and cut (values, intervals, p-values, adjusted p over every testable
segment), and only the kept segments get rows."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxscore.results
from cxscore import Options, score


def _export(seed: int, segments: int, rows: int, weighted: bool, ties: bool) -> pa.Table:
    rng = np.random.default_rng(seed)
    segment = rng.integers(0, segments, rows)
    lean = rng.integers(0, 3, segments)[segment]  # segments that differ, so some tests are significant
    nps = np.clip(rng.integers(0, 11, rows) + 3 * lean - 3, 0, 10)
    if ties:  # many segments with the same answers: equal values, ranked in the segments' order
        nps = np.where(segment % 2 == 0, 9, nps)
    columns = {
        "customer": pa.array([f"c{s:03d}" for s in segment]),
        "Recommend (0-10)": pa.array(nps, mask=rng.random(rows) < 0.05),
        "Satisfaction (1-5)": pa.array(rng.integers(1, 6, rows)),
        "Ease (1-7)": pa.array(rng.integers(1, 8, rows)),
    }
    if weighted:
        columns["weight"] = pa.array(rng.choice([0.5, 1.0, 2.0, 3.5], rows))
    return pa.table(columns)


def _reference(rows: list[dict], appearance: list[str], metric: str, higher_is_better: bool, top: int | None, bottom: int | None) -> list[dict]:
    """The full table's segment rows ranked and cut by hand: scored segments with at least --min-n
    first, best (or worst) first within each, ties in the order the segments first appear in the
    data (reversed for the worst)."""
    place = {name: i for i, name in enumerate(appearance)}
    segment_rows = sorted((r for r in rows if r["metric"] == metric and r["segment"] and r["period"] is None and r["value"] is not None), key=lambda r: place[r["segment"]["customer"]])
    sign = 1 if higher_is_better else -1
    best_first = sorted(segment_rows, key=lambda r: sign * r["value"], reverse=True)
    ranked = best_first if top else best_first[::-1]
    return sorted(ranked, key=lambda r: r["low_n"])[: top or bottom]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    segments=st.integers(1, 40),
    rows=st.integers(1, 1_500),
    cut=st.integers(1, 12),
    top=st.booleans(),
    weighted=st.booleans(),
    ties=st.booleans(),
    min_n=st.sampled_from([1, 5, 30, 100]),
    nps_test=st.sampled_from(["pooled", "wald"]),
)
def test_kept_rows_are_the_full_tables_rows_ranked_and_cut(seed, segments, rows, cut, top, weighted, ties, min_n, nps_test):
    data = _export(seed, segments, rows, weighted, ties)
    common = dict(by=["customer"], min_n=min_n, nps_test=nps_test, weight="weight" if weighted else None)
    full = score(data, options=Options(**common)).to_dict()
    kept = score(data, options=Options(**common, top=cut if top else None, bottom=None if top else cut)).to_dict()
    for metric in full["metrics"]:
        name = metric["name"]
        want = _reference(full["results"], list(dict.fromkeys(data["customer"].to_pylist())), name, metric["direction"] != "higher_is_harder", cut if top else None, None if top else cut)
        got = [r for r in kept["results"] if r["metric"] == name and r["segment"]]
        assert got == want  # every field: value, interval, p-value and the adjusted p over all testable segments
        assert [r for r in kept["results"] if r["metric"] == name and not r["segment"]] == [r for r in full["results"] if r["metric"] == name and not r["segment"]]


def test_min_n_first_then_low_n_and_ties_in_order():
    # a: 40 answers of 10; b and c: 40 answers of 9 each (tied); d: 3 answers of 0 (low n); e: none
    answers = [("a", 10)] * 40 + [("b", 9)] * 40 + [("c", 9)] * 40 + [("d", 0)] * 3 + [("e", None)] * 5
    data = pa.table({"customer": [c for c, _ in answers], "Recommend (0-10)": pa.array([v for _, v in answers], pa.int64())})
    def shown(**cut):
        report = score(data, options=Options(by=["customer"], metrics=["nps"], **cut)).to_dict()
        return [(r["segment"]["customer"], r["low_n"]) for r in report["results"] if r["segment"]]
    assert shown(top=2) == [("a", False), ("b", False)]
    assert shown(bottom=2) == [("c", False), ("b", False)]  # ties reversed with the ranking
    assert shown(bottom=4) == [("c", False), ("b", False), ("a", False), ("d", True)]  # the low-n worst comes after those with enough
    assert shown(top=9) == [("a", False), ("b", False), ("c", False), ("d", True)]  # a segment without answers never


@pytest.mark.parametrize("period", [None, "month"])
def test_only_kept_segments_get_rows(monkeypatch, period):
    rng = np.random.default_rng(3)
    rows = 3_000
    data = pa.table({
        "customer": pa.array([f"c{s:03d}" for s in rng.integers(0, 200, rows)]),
        "date": pa.array((np.datetime64("2025-01-01") + rng.integers(0, 120, rows).astype("timedelta64[D]")).astype(str)),
        "Recommend (0-10)": pa.array(rng.integers(0, 11, rows)),
    })
    built = []
    real = cxscore.results._row
    monkeypatch.setattr(cxscore.results, "_row", lambda spec, group, segment, *a, **k: built.append(segment) or real(spec, group, segment, *a, **k))
    report = score(data, options=Options(by=["customer"], period=period, bottom=3, date_column="date" if period else None))
    segments = {tuple(r.segment.values()) for r in report.results if r.segment}
    assert len(segments) == 3
    assert {tuple(s.values()) for s in built if s} == segments  # no row was built for the other 197 segments (nor their cells)


def test_low_n_segments_are_not_summarised_when_enough_have_min_n(monkeypatch):
    # 5 segments with 40 answers, 300 with 2: --bottom 3 ranks the five; the 300 are counted, never summarised
    rng = np.random.default_rng(5)
    customers = [f"big{i}" for i in range(5) for _ in range(40)] + [f"small{i:03d}" for i in range(300) for _ in range(2)]
    data = pa.table({"customer": customers, "Recommend (0-10)": pa.array(rng.integers(0, 11, len(customers)))})
    summarised = []
    real = cxscore.results.summarise
    monkeypatch.setattr(cxscore.results, "summarise", lambda spec, tallies: summarised.append(len(list(tallies))) or real(spec, tallies))
    report = score(data, options=Options(by=["customer"], metrics=["nps"], bottom=3))
    assert [r.segment["customer"][:3] for r in report.results if r.segment] == ["big"] * 3
    assert sum(summarised) <= 10  # the five and their rests (fails when every segment is summarised: 610)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), groups=st.integers(1, 30), weighted=st.booleans(), points=st.sampled_from([5, 7, 11]))
def test_effective_n_is_each_summarys_n_eff(seed, groups, weighted, points):
    from cxscore.accumulators import rests
    from cxscore.config import MetricSpec
    from cxscore.metrics import effective_n, summarise
    from cxscore.tally import Tally

    rng = np.random.default_rng(seed)
    spec = MetricSpec(type="csat", column="q", scale=(1, points)) if points != 11 else MetricSpec(type="nps", column="q")
    tallies = {}
    for g in range(groups):
        counts = rng.integers(0, 4, points) * rng.integers(0, 2)
        weighted_counts = counts * rng.choice([0.3, 1.0, 2.7], points) if weighted else counts.astype(float)
        tallies[g] = Tally(counts, weighted_counts, float((weighted_counts**2).sum() / max(counts.sum(), 1) * 1.1) if weighted else float(counts.sum()))
    assert effective_n(spec, list(tallies.values())) == [t.n_eff for t in tallies.values()] == [s.n_eff for s in summarise(spec, tallies.values())]
    whole = Tally.empty(points)
    for t in tallies.values():
        whole += t
    chosen = list(tallies)[::3]
    assert rests(tallies, whole, Tally.empty(points), chosen) == {g: rest for g, rest in rests(tallies, whole, Tally.empty(points)).items() if g in chosen}
