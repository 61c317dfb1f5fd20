"""Result rows from arrays (issue 18 item 1): the vectorised statistics equal the scalar ones of
stats.py bit for bit on many cells (n = 0 and 1, all promoters, constant answers, ties, weights),
and a roll-up scored from arrays gives byte for byte the rows the per-group path gives."""
from __future__ import annotations

import math
import pickle
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

import cxscore.results
from cxscore import Options, metrics, score, stats, stats_arrays
from cxscore.config import MetricSpec, validate_config
from cxscore.kinds import KINDS
from cxscore.render import json_doc
from cxscore.row_table import RowTable
from cxscore.tally import Tally


def _same(got: np.ndarray, want: list[float]) -> None:
    """Equal bit for bit (NaN where the scalar is NaN; the sign of zero too)."""
    assert len(got) == len(want)
    for g, w in zip(got.tolist(), want):
        assert (math.isnan(g) and math.isnan(w)) or (g == w and math.copysign(1, g) == math.copysign(1, w)), (g, w)


def _cells(seed: int, points: int) -> list[Tally]:
    """Tallies on a scale of ``points`` points: random ones, weighted ones, and the edges."""
    rng = np.random.default_rng(seed)
    tallies = []
    for size in [*rng.integers(1, 400, 150), *rng.integers(1, 6, 60)]:
        counts = np.bincount(rng.integers(0, points, size) if rng.random() < 0.7 else np.full(size, rng.integers(0, points)), minlength=points)
        weights = rng.choice([0.3, 1.0, 2.5, 7.0], points) if rng.random() < 0.4 else np.ones(points)
        tallies.append(Tally(counts.astype(np.int64), counts * weights, float((counts * weights**2).sum())))
    for counts in ([0] * points, [1] + [0] * (points - 1), [0] * (points - 1) + [1], [0] * (points - 1) + [40], [3] + [0] * (points - 2) + [3], [2] * points):
        c = np.array(counts, dtype=np.int64)
        tallies.append(Tally(c, c.astype(np.float64), float(c.sum())))
    return tallies


def _spec(kind: str) -> MetricSpec:
    return MetricSpec(type=kind, column="x")


@pytest.mark.parametrize("kind", ["nps", "csat", "ces"])
@pytest.mark.parametrize("confidence", [0.95, 0.8])
def test_intervals_and_tests_equal_the_scalar_ones_on_many_cells(kind, confidence):
    spec = _spec(kind)
    tallies = _cells(7, spec.scale.hi - spec.scale.lo + 1)
    summaries = metrics.summarise(spec, tallies)
    columns = metrics.summary_columns(spec, tallies)
    k = KINDS[kind]
    ok = [s.n >= 2 and s.n_eff >= 2 for s in summaries]
    chosen = np.flatnonzero(ok)
    for method in (["adjusted-wald", "wald"] if kind == "nps" else ["-"]):
        with np.errstate(all="ignore"):
            ci = k.interval_columns(spec, columns, confidence, method)
        want = [k.interval(spec, summaries[i], confidence, method) for i in chosen]
        _same(ci.se[chosen], [w.se for w in want])
        lows, highs = cxscore.results._bounded(ci.low[chosen], ci.ends), cxscore.results._bounded(ci.high[chosen], ci.ends)
        assert [(type(v), v) for v in lows] == [(type(w.low), w.low) for w in want]  # a mean's bound clipped at the scale's end is its int
        assert [(type(v), v) for v in highs] == [(type(w.high), w.high) for w in want]
        assert {ci.method} == {w.method for w in want}
    value, components = k.compute_columns(spec, columns)
    answered = [i for i, s in enumerate(summaries) if s.n]
    _same(value[answered], [k.compute(spec, summaries[i])[0] for i in answered])
    for name, column in components.items():
        _same(column[answered], [k.compute(spec, summaries[i])[1][name] for i in answered])
    # every testable pair: a cell against the next one (constant answers on both sides give SE₀ = 0)
    a, b = chosen[:-1], chosen[1:]
    moments = k.moment_columns(spec, columns)
    with np.errstate(all="ignore"):
        test = stats_arrays.pooled_test(tuple(m[a] for m in moments), tuple(m[b] for m in moments))
    want_tests = [stats.pooled_test(k.moments(spec, summaries[i]), k.moments(spec, summaries[j])) for i, j in zip(a, b)]
    assert any(t.se0 == 0 for t in want_tests)
    _same(test.z, [t.z for t in want_tests])
    _same(test.p, [t.p for t in want_tests])
    _same(test.se0, [t.se0 for t in want_tests])
    _same(stats_arrays.min_detectable(test.se0, confidence), [stats.min_detectable(t.se0, confidence) for t in want_tests])
    if kind == "nps":
        for name in ("adjusted-wald", "wald"):
            got = k.other_test_columns(spec, cxscore.results._subset(columns, a), cxscore.results._subset(columns, b), name)
            _same(got, [k.other_test(spec, summaries[i], summaries[j], name) for i, j in zip(a, b)])


def test_benjamini_hochberg_equals_the_scalar_one_with_ties():
    rng = np.random.default_rng(3)
    for p in (rng.random(500), rng.choice([0.01, 0.02, 0.5, 1.0], 300), np.array([0.04]), np.array([0.0, 0.0, 1.0])):
        _same(stats_arrays.benjamini_hochberg(p), stats.benjamini_hochberg(p.tolist()))
    assert stats_arrays.benjamini_hochberg(np.zeros(0)).tolist() == []


def _dated_export(seed: int, rows: int, weighted: bool, days: int = 70) -> pa.Table:
    rng = np.random.default_rng(seed)
    team = rng.integers(0, 6, rows)
    start = datetime(2025, 1, 6)
    columns = {
        "submitted_at": pa.array([start + timedelta(days=int(d)) for d in rng.integers(0, days, rows)]),
        "team": pa.array([f"t{t}" for t in team]),
        "region": pa.array(rng.choice(["EU", "US"], rows)),
        "Recommend (0-10)": pa.array(np.clip(rng.integers(0, 11, rows) + team - 2, 0, 10), mask=rng.random(rows) < 0.05),
        "Satisfaction (1-5)": pa.array(np.where(team == 0, 5, rng.integers(1, 6, rows))),  # a team of all 5s: bounds at the scale's end
        "Ease (1-7)": pa.array(rng.integers(1, 8, rows)),
    }
    if weighted:
        columns["weight"] = pa.array(rng.choice([0.5, 1.0, 2.0, 3.5], rows))
    return pa.table(columns)


@pytest.mark.parametrize(("seed", "weighted", "extra"), [
    (1, False, {}),
    (2, True, {"baseline": 3, "trend": 4, "distribution": True}),
    (3, False, {"nps_test": "wald", "nps_interval": "wald", "min_n": 5, "confidence": 0.9, "sort": "score"}),
    (4, True, {"nps_test": "adjusted-wald", "baseline": 2, "trend": 3, "min_n": 1}),
    (5, False, {"config": True, "trend": 3}),
    (6, True, {"benchmark": "Retail", "fail_under": ["nps=99", "csat=1"], "fail_on_significant_drop": True, "baseline": 2}),
    (7, False, {"fail_on_significant_drop": True, "trend": 3, "min_n": 1}),
])
def test_rows_from_arrays_equal_the_rows_built_one_group_at_a_time(monkeypatch, seed, weighted, extra):
    extra = dict(extra)
    data = _dated_export(seed, 2_500, weighted)
    config = validate_config({"metrics": [  # a rate and a CES on another scale with the survey kinds
        {"name": "nps", "type": "nps", "column": "Recommend (0-10)"},
        {"name": "promoted", "type": "rate", "condition": '"Recommend (0-10)" >= 9', "better": "higher"},
        {"name": "effort", "type": "ces", "column": "Ease (1-7)", "scale": [1, 7]},
    ]}) if extra.pop("config", False) else None
    options = Options(by=["team", "region"], period="week", weight="weight" if weighted else None, **extra)
    from_arrays = score(data, config, options=options)
    monkeypatch.setattr(cxscore.results, "_by_arrays", lambda spec, parts: False)
    one_at_a_time = score(data, config, options=options)
    assert len(from_arrays.results) > 250
    assert any(r.significance and r.significance["significant"] for r in from_arrays.results)
    assert json_doc.dumps(from_arrays.to_dict(), pretty=False) == json_doc.dumps(one_at_a_time.to_dict(), pretty=False)  # bytes: ints stay ints; alerts and warnings too


def test_period_and_cell_rows_are_made_when_read(monkeypatch):
    made = []
    real = cxscore.results.ResultRow

    def counted(*args, **kw):
        made.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(cxscore.results, "ResultRow", counted)
    report = score(_dated_export(1, 2_500, False, days=365), options=Options(by=["team", "region"], period="week"))
    held = len(made)
    assert len(report.results) > 8 * held  # only the overall, segment and each series' latest rows were made
    rows = list(report.results)
    in_tables = sum(len(part.kept()) for part in report.results.parts if isinstance(part, RowTable))  # type: ignore[attr-defined]
    assert len(made) == len(rows) + in_tables  # each of the others made once as it was read (a batch made with a held row drops its copy)
    assert rows[-1] is report.results[-1]  # a series' latest row is held (targets and alerts are set on it)
    assert report.results[100] == rows[100] and report.results[100] is not rows[100]  # made again, equal
    assert report.results[5:9] == rows[5:9] and report.results[-3:] == rows[-3:] and report.results == rows
    assert pickle.loads(pickle.dumps(report)).to_dict() == report.to_dict()  # a report still pickles (its rows made)


def test_a_subclass_that_changes_a_scalar_formula_is_scored_a_group_at_a_time():
    from cxscore.binning import Binning
    from cxscore.kinds.csat import Csat
    from cxscore.tally import TallyRows, TallyTable

    class Odd(Csat):
        def compute(self, spec, s):
            return super().compute(spec, s)

    spec = MetricSpec(type="csat", column="x")
    parts = TallyRows(TallyTable(Binning.of(spec.scale), 2), 2)
    assert cxscore.results._by_arrays(spec, parts)
    assert not cxscore.results._by_arrays(type("Spec", (), {"kind": Odd()})(), parts)  # type: ignore[arg-type]
    assert not cxscore.results._by_arrays(spec, list(parts))


def test_a_workbook_makes_each_row_once(monkeypatch, tmp_path):
    from pyarrow import csv

    from cxscore.render import write_report

    csv.write_csv(_dated_export(1, 1_500, False), tmp_path / "export.csv")
    report = score([str(tmp_path / "export.csv")], options=Options(by=["team"], period="week"))
    made = []
    real = cxscore.results.ResultRow

    def counted(*args, **kw):
        made.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(cxscore.results, "ResultRow", counted)
    write_report(report, str(tmp_path / "r.xlsx"), "en", None)
    assert 0 < len(made) <= len(report.results)  # one reading, not one per sheet (about ten)
