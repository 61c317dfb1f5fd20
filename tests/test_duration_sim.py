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


def test_a_duration_change_of_the_detectable_size_is_found_about_80_percent_of_the_time():
    """A segment of 30 against 300 (first replies, median ~45 min, σ 1.5): stretching the segment's
    durations so its median rises by the reported Detectable Δ, Mood's test finds it at α = 0.05 about
    80 % of the time. The linear (z₀.₉₇₅ + z₀.₈)·SE₀ gave a Δ found 42 % of the time."""
    rng = np.random.default_rng(11)
    runs = 300

    def sides(factor: float) -> list:
        a, _ = periods(rng, runs, 30, 45.0 * factor, 1.5)
        b, _ = periods(rng, runs, 300, 45.0, 1.5)
        sa, sb = metrics.summarise(SPEC, a), metrics.summarise(SPEC, b)
        return [(metrics.compare(SPEC, x, y), SPEC.kind.detectable(SPEC, x, y, metrics.compare(SPEC, x, y)[2], 0.95), y) for x, y in zip(sa, sb)]

    null = sides(1.0)
    mdd = float(np.mean([d for _, d, _ in null]))
    median = float(np.median([y.quantiles[0.5] for _, _, y in null]))
    stretch = (median + mdd) / median
    power = float(np.mean([c[1] < 0.05 for c, _, _ in sides(stretch)]))
    assert 0.7 <= power <= 0.92, (power, mdd, median)


def test_the_detectable_duration_change_is_the_pooled_median_stretched_on_the_log_scale():
    _, a = periods(np.random.default_rng(3), 1, 80, 20.0, 1.0)
    _, b = periods(np.random.default_rng(4), 1, 120, 20.0, 1.0)
    (sa, sb) = metrics.summarise(SPEC, [Durations(_hist(a[0])), Durations(_hist(b[0]))])
    pooled = np.concatenate([a[0], b[0]])
    low, median, high = (np.quantile(pooled, q, method="inverted_cdf") for q in (0.4, 0.5, 0.6))
    expected = median * math.expm1((norm.ppf(0.975) + norm.ppf(0.8)) * (math.log(high / low) / 0.4) * math.sqrt(1 / 80 + 1 / 120))
    got = SPEC.kind.detectable(SPEC, sa, sb, metrics.compare(SPEC, sa, sb)[2], 0.95)
    assert math.isclose(got, expected, rel_tol=0.03)  # the histogram's quantiles are within 1 %


def _hist(seconds: np.ndarray) -> LogHistogram:
    hist = LogHistogram()
    hist.add(seconds, np.zeros(len(seconds), dtype=np.int64))
    return hist
