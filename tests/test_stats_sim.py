"""Small, seeded versions of bench/stats_sim.py: tests keep their size, intervals their coverage.

Each runs the library's own code (metrics.compare / metrics.interval on tallies) on simulated
answers, with tolerances wide enough to be stable across seeds (the full tables are in
bench/stats_sim.md).
"""
from __future__ import annotations

import numpy as np
import pytest

from cxscore.config import MetricSpec
from cxscore.metrics import compare, interval, summarise
from cxscore.tally import Tally

NPS_TYPICAL = [0.09, 0.03, 0.03, 0.03, 0.03, 0.03, 0.03, 0.15, 0.20, 0.18, 0.20]  # 27 / 35 / 38: NPS +11
CEILING_1_5 = [0.01, 0.01, 0.02, 0.04, 0.92]  # 92% top box


def tallies(counts: np.ndarray) -> list[Tally]:
    out = []
    for row in counts:
        t = Tally.empty(len(row))
        t.counts += row
        t.weighted += row
        t.weights_sq = float(row.sum())
        out.append(t)
    return out


def rejection_rate(spec: MetricSpec, shares: list[float], n_segment: int, n_rest: int, alpha: float, runs: int, seed: int) -> float:
    """Share of runs in which a segment drawn from the same answers as its rest is called different."""
    rng = np.random.default_rng(seed)
    segments = tallies(rng.multinomial(n_segment, shares, size=runs))
    rests = tallies(rng.multinomial(n_rest, shares, size=runs))
    summaries = summarise(spec, segments + rests)
    p_values = [result[1] for a, b in zip(summaries[:runs], summaries[runs:]) if (result := compare(spec, a, b)) is not None]
    return float(np.mean(np.array(p_values) < alpha))


@pytest.mark.parametrize(
    "spec, shares",
    [(MetricSpec(type="nps", column="q"), NPS_TYPICAL), (MetricSpec(type="ces", column="q", scale=[1, 5]), CEILING_1_5)],
    ids=["nps", "ces-mean-ceiling"],
)
def test_a_segment_of_30_against_a_rest_of_3000_keeps_the_size_at_alpha_0_0025(spec, shares):
    # Summed plug-in variances rejected 2.7× (NPS) and Welch 59× (CES) as often as promised.
    # Allowed here: 1.6× (the full table: ≤ 1.1×); 12,000 runs expect 30 rejections at 1×.
    rate = rejection_rate(spec, shares, 30, 3000, 0.0025, runs=12_000, seed=12)
    assert rate <= 1.6 * 0.0025


def test_nps_size_at_alpha_0_05_is_near_nominal():
    rate = rejection_rate(MetricSpec(type="nps", column="q"), NPS_TYPICAL, 30, 3000, 0.05, runs=6_000, seed=5)
    assert 0.8 * 0.05 <= rate <= 1.3 * 0.05


def test_mean_interval_covers_ceiling_heavy_answers_at_n_30():
    # 1–5 with 92% fives (true mean 4.85): the t interval covered 0.81 of the time; the adjusted t ≥ 0.93.
    spec = MetricSpec(type="ces", column="q", scale=[1, 5])
    truth = float(np.dot(CEILING_1_5, np.arange(1, 6)))
    samples = tallies(np.random.default_rng(7).multinomial(30, CEILING_1_5, size=3_000))
    covered = [ci.low <= truth <= ci.high for ci in (interval(spec, t, 0.95) for t in summarise(spec, samples))]
    assert np.mean(covered) >= 0.93
