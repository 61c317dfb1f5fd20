"""Every formula against hand-computed values."""
from __future__ import annotations

import functools
import operator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.config import MetricSpec
from cxscore.metrics import Summary, compute, summarise, summary
from cxscore.tally import Tally


def tally_of(counts: list[int]) -> Tally:
    t = Tally.empty(len(counts))
    t.counts += np.array(counts)
    t.weighted += np.array(counts, dtype=float)
    t.weights_sq = float(sum(counts))
    return t


def summary_of(spec: MetricSpec, counts: list[int]) -> Summary:
    """The summary of unweighted answers, ``counts[i]`` at the scale's i-th point."""
    return summary(spec, tally_of(counts))


def test_nps_reference_counts():
    # 0..10: detractors 2+1+1+1+1+3+3 = 12, passives 9+22 = 31, promoters 22+35 = 57 of 100.
    spec = MetricSpec(type="nps", column="q")
    value, c = compute(spec, summary_of(spec, [2, 1, 1, 1, 1, 3, 3, 9, 22, 22, 35]))
    assert value == pytest.approx(45.0)
    assert c == pytest.approx({"promoters_pct": 57.0, "passives_pct": 31.0, "detractors_pct": 12.0})


def test_nps_odd_bands_on_a_1_to_10_scale():
    # Values 1..10, one answer each: detractors 1–5 (5), passives 6–8 (3), promoters 9–10 (2) → (2 − 5)/10 = −30.
    spec = MetricSpec(type="nps", column="q", scale=[1, 10], detractors=[1, 5], passives=[6, 8], promoters=[9, 10])
    value, c = compute(spec, summary_of(spec, [1] * 10))
    assert value == pytest.approx(-30.0)
    assert c["passives_pct"] == pytest.approx(30.0)


def test_csat_top_two_box_and_mean():
    # 1..5 counts 5, 10, 15, 40, 30: satisfied 70%, dissatisfied 15%, mean (5+20+45+160+150)/100 = 3.8.
    spec = MetricSpec(type="csat", column="q")
    value, c = compute(spec, summary_of(spec, [5, 10, 15, 40, 30]))
    assert value == pytest.approx(70.0)
    assert c == pytest.approx({"satisfied_pct": 70.0, "dissatisfied_pct": 15.0, "mean": 3.8})


def test_csat_top_box_only_and_seven_point_scale():
    top_box = MetricSpec(type="csat", column="q", satisfied=5)
    assert compute(top_box, summary_of(top_box, [5, 10, 15, 40, 30]))[0] == pytest.approx(30.0)
    # 1..7, counts 1,1,1,1,2,2,2 (n=10): default top two box 6–7 → 40%, mean (1+2+3+4+10+12+14)/10 = 4.6.
    seven = MetricSpec(type="csat", column="q", scale=[1, 7])
    value, c = compute(seven, summary_of(seven, [1, 1, 1, 1, 2, 2, 2]))
    assert value == pytest.approx(40.0)
    assert c["mean"] == pytest.approx(4.6)
    assert c["dissatisfied_pct"] == pytest.approx(20.0)


def test_ces_agreement_scale():
    # 1..7 counts 2,3,5,10,20,30,30: low effort 5–7 = 80%, high 1–3 = 10%, net 70, mean 553/100.
    spec = MetricSpec(type="ces", column="q")
    value, c = compute(spec, summary_of(spec, [2, 3, 5, 10, 20, 30, 30]))
    assert value == pytest.approx(5.53)
    assert c == pytest.approx({"mean": 5.53, "low_effort_pct": 80.0, "high_effort_pct": 10.0, "net": 70.0})


def test_ces_effort_scale_higher_is_harder():
    # 1..10 counts 10,20,30,10,5,5,5,5,5,5: low 1–2 = 30%, high 6–10 = 25%, net 5, mean 405/100.
    spec = MetricSpec(type="ces", column="q", scale=[1, 10])
    assert spec.direction == "higher_is_harder"
    value, c = compute(spec, summary_of(spec, [10, 20, 30, 10, 5, 5, 5, 5, 5, 5]))
    assert value == pytest.approx(4.05)
    assert c == pytest.approx({"mean": 4.05, "low_effort_pct": 30.0, "high_effort_pct": 25.0, "net": 5.0})


def test_ces_custom_bands():
    spec = MetricSpec(type="ces", column="q", low_effort=[6, 7], high_effort=[1, 2])
    _, c = compute(spec, summary_of(spec, [2, 3, 5, 10, 20, 30, 30]))
    assert (c["low_effort_pct"], c["high_effort_pct"], c["net"]) == pytest.approx((60.0, 5.0, 55.0))


def test_weighted_scores_use_weights():
    # Two answers: a 10 weighted 3 and a 0 weighted 1 → promoters 75%, detractors 25%, NPS 50.
    spec = MetricSpec(type="nps", column="q")
    t = Tally.empty(11)
    t.counts[[0, 10]] = 1
    t.weighted[[0, 10]] = [1.0, 3.0]
    t.weights_sq = 10.0
    assert compute(spec, summary(spec, t))[0] == pytest.approx(50.0)
    assert t.n_eff == pytest.approx(16 / 10)


def test_nothing_answered_gives_none():
    spec = MetricSpec(type="csat", column="q")
    value, c = compute(spec, summary(spec, Tally.empty(5)))
    assert value is None and set(c.values()) == {None}


def _plain(values) -> float:
    """Floats added one after another from 0.0, on any Python version."""
    return functools.reduce(operator.add, values, 0.0)


def _reference(spec: MetricSpec, tally: Tally) -> dict:
    """The summary written out one tally at a time, in plain Python (the oracle for the vectorised one).
    Sums add left to right, as the summaries promise (``_plain``): the built-in ``sum`` of floats
    compensates from Python 3.12 on, which moved the oracle's last digit there."""
    weights = tally.weighted.tolist()
    total, lo = _plain(weights), spec.scale.lo
    shares = {key: _plain(weights[band.lo - lo : band.hi - lo + 1]) / total if total > 0 else 0.0 for key, band in spec.bands().items()}
    mean = _plain((lo + i) * w for i, w in enumerate(weights)) / total if total > 0 else 0.0
    spread = _plain((lo + i - mean) ** 2 * w for i, w in enumerate(weights)) / total if total > 0 else 0.0
    variance = spread * tally.n_eff / (tally.n_eff - 1) if tally.n_eff > 1 else 0.0
    return {"n": tally.n, "total": total, "shares": shares, "mean": mean, "variance": variance}


weighted_tallies = st.lists(
    st.lists(st.tuples(st.integers(0, 40), st.floats(0.1, 5.0)), min_size=7, max_size=7),
    min_size=1, max_size=12,
)


@given(cells=weighted_tallies, kind=st.sampled_from(["csat", "ces"]))
@settings(max_examples=60, deadline=None)
def test_summaries_of_many_tallies_at_once_match_one_by_one(cells, kind):
    spec = MetricSpec(type=kind, column="q", scale=[1, 7])
    tallies = []
    for cell in cells:
        t = Tally.empty(7)
        t.counts += np.array([c for c, _ in cell])
        t.weighted += np.array([c * w for c, w in cell])
        t.weights_sq = float(sum(c * w * w for c, w in cell))
        tallies.append(t)
    for t, got in zip(tallies, summarise(spec, tallies), strict=True):
        want = _reference(spec, t)
        assert got.n == want["n"] and got.total == want["total"] and got.shares == want["shares"]
        assert got.mean == want["mean"]
        assert got.variance == pytest.approx(want["variance"], rel=1e-12, abs=1e-15)  # d*d, not d**2: the last bit may differ


def test_a_summary_is_computed_from_the_tally_as_it_is_not_kept_on_it():
    # Summaries used to be memoised in the tally's __dict__: a tally changed in place kept its old summary.
    spec = MetricSpec(type="csat", column="q")
    t = tally_of([0, 0, 0, 0, 10])
    first = summary(spec, t)
    t.counts[0] += 10
    t.weighted[0] += 10.0
    t.weights_sq += 10.0
    again = summary(spec, t)
    assert (first.n, first.mean, again.n, again.mean) == (10, 5.0, 20, 3.0)
    assert set(vars(t)) == {"counts", "weighted", "weights_sq", "blank", "invalid", "not_applicable"}
