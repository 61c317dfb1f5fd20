"""Small, seeded versions of bench/duration_sim.py: a duration's `--trend` keeps its size on whole-minute
durations (ties), and its p-value is the Cochran–Armitage test of the shares above the pooled median.

The full tables are in bench/duration_sim.md.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from cxscore import metrics
from cxscore.config import MetricSpec
from cxscore.duration_table import Durations
from cxscore.loghist import LogHistogram

SPEC = MetricSpec(type="duration", column="wait")


def periods(rng: np.random.Generator, count: int, n: int, median_minutes: float, sigma: float = 1.0) -> tuple[list[Durations], np.ndarray]:
    """``count`` periods of ``n`` durations: a lognormal in whole minutes with 5 % zeros, as exports hold them."""
    minutes = np.rint(np.exp(rng.normal(math.log(median_minutes), sigma, count * n)))
    minutes[rng.random(count * n) < 0.05] = 0.0
    hist = LogHistogram()
    hist.add(60.0 * minutes, np.repeat(np.arange(count), n))
    return [Durations(one) for one in hist.split()], 60.0 * minutes.reshape(count, n)


def test_a_duration_trend_keeps_its_size_when_short_waits_tie():
    """Nothing changes over 8 weeks of 200 chats with a 4-minute median in whole minutes. The medians
    jump between 3, 4 and 5 minutes, and the slope z on the median's asymptotic se rejected 3–4× too
    often (0.19 at α = 0.05); the shares above the pooled median keep the level."""
    rng = np.random.default_rng(20261201)
    runs, k = 300, 8
    durations, _ = periods(rng, runs * k, 200, 4.0)
    summaries = metrics.summarise(SPEC, durations)
    p = np.array([metrics.trend(SPEC, durations[r * k : (r + 1) * k], summaries[r * k : (r + 1) * k], 0.95)["p_value"] for r in range(runs)])
    assert float(np.mean(p < 0.05)) <= 0.09  # 300 runs: 0.05 + 3 binomial SEs
    assert float(np.mean(p < 0.01)) <= 0.03


def test_a_duration_trend_is_the_cochran_armitage_test_of_the_shares_above_the_pooled_median():
    rng = np.random.default_rng(7)
    durations, seconds = periods(rng, 5, 60, 30.0, 1.2)
    seconds[3:] *= 2  # slower in the last two weeks
    hist = LogHistogram()
    hist.add(seconds.ravel(), np.repeat(np.arange(5), 60))
    durations = [Durations(one) for one in hist.split()]
    x = np.array([0.0, 1.0, 2.0, 4.0, 5.0])  # a week with no tickets between the third and the fourth
    result = metrics.trend(SPEC, durations, metrics.summarise(SPEC, durations), 0.95, x.tolist())
    pooled_median = np.quantile(seconds, 0.5, method="inverted_cdf")
    above = (seconds > pooled_median).sum(axis=1)
    share, x_bar = above.sum() / seconds.size, x.mean()
    z = float(above @ (x - x_bar)) / math.sqrt(share * (1 - share) * 60 * float(((x - x_bar) ** 2).sum()))
    assert z > 2 and result["slope"] > 0
    assert math.isclose(result["p_value"], 2 * norm.sf(z), rel_tol=1e-9)
    # the interval is the one the test implies: it excludes 0 exactly when p < 0.05
    assert math.isclose((result["ci_high"] - result["ci_low"]) / 2, 1.959964 * result["slope"] / z, rel_tol=1e-6)
    assert result["ci_low"] > 0
