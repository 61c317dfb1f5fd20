"""Statistics against hand calculations and against scipy."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sp

from cxscore import stats

REF = (0.57, 0.31, 0.12)  # counts [2,1,1,1,1,3,3,9,22,22,35] on 0..10: NPS 45, n = 100


def test_nps_standard_error_and_wald_interval_by_hand():
    # Var = 0.55²·0.57 + 0.45²·0.31 + 1.45²·0.12 = 0.4875; SE = √(0.4875/100) = 0.0698212.
    assert stats.nps_variance(*REF) == pytest.approx(0.4875)
    ci = stats.nps_interval(*REF, 100, 0.95, "wald")
    assert ci.se * 100 == pytest.approx(6.982120, abs=1e-6)
    assert (ci.low * 100, ci.high * 100) == pytest.approx((31.315296, 58.684704), abs=1e-6)


def test_nps_adjusted_wald_interval():
    # Add 0.75 / 1.5 / 0.75 → 57.75 / 32.5 / 12.75 of 103; Wald around the adjusted 43.69.
    ci = stats.nps_interval(*REF, 100, 0.95)
    assert ci.method == "adjusted-wald"
    assert (ci.low * 100, ci.high * 100) == pytest.approx((30.121415, 57.257226), abs=1e-6)
    assert ci.se * 100 == pytest.approx(6.982120, abs=1e-6)  # SE stays the observed score's


def test_two_nps_z_test_by_hand():
    # Var₂ = 0.9²·0.4 + 0.1²·0.3 + 1.1²·0.3 = 0.69; z = 0.35 / √(0.004875 + 0.0069) = 3.225430.
    z, p = stats.nps_diff_test((*REF, 100), (0.4, 0.3, 0.3, 100))
    assert z == pytest.approx(3.225430, abs=1e-6)
    assert p == pytest.approx(1.257837e-03, rel=1e-6)


@pytest.mark.parametrize("k, n", [(0, 10), (3, 10), (57, 100), (100, 100), (812, 1000)])
def test_wilson_matches_scipy(k, n):
    ours = stats.wilson_interval(k / n, n, 0.95)
    theirs = sp.binomtest(k, n).proportion_ci(0.95, method="wilson")
    assert (ours.low, ours.high) == pytest.approx((theirs.low, theirs.high), abs=1e-12)


@given(st.lists(st.integers(1, 7), min_size=2, max_size=60), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_adjusted_t_interval_is_the_t_interval_with_one_answer_spread_over_the_scale(values, confidence):
    # Reference: the answers plus 1/7 of an answer at each of 1…7, weighted mean and variance by
    # NumPy (n + 1 answers, ddof 1), scipy's t quantile with n − 1 df.
    x = np.array(values, dtype=float)
    n = len(x)
    ci = stats.adjusted_t_interval(x.mean(), x.var(), n, 1, 7, confidence)
    points, weights = np.concatenate([x, np.arange(1, 8)]), np.concatenate([np.ones(n), np.full(7, 1 / 7)])
    centre = np.average(points, weights=weights)
    variance = np.average((points - centre) ** 2, weights=weights) * (n + 1) / n
    half = sp.t.ppf(0.5 + confidence / 2, n - 1) * np.sqrt(variance / (n + 1))
    assert (ci.low, ci.high) == pytest.approx((max(1, centre - half), min(7, centre + half)), rel=1e-9, abs=1e-12)
    assert ci.se == pytest.approx(np.sqrt(x.var(ddof=1) / n), abs=1e-12)
    assert ci.high - ci.low > 0.05  # never a point, even when every answer is the same


def test_all_sevens_give_an_interval_below_the_ceiling():
    # 30 answers of 7 on 1–7: adjusted mean (210 + 4)/31 = 6.903, variance > 0; t gave [7, 7].
    ci = stats.adjusted_t_interval(7.0, 0.0, 30, 1, 7, 0.95)
    assert ci.high == 7 and 6.4 < ci.low < 6.8
    # The README's example (30 sevens: 6.66 to 7): 6.903 − t₀.₉₇₅(29)·√(m₂/30), m₂ = (30·0.0969² + 4 + 2.9032²)/31.
    assert ci.low == pytest.approx(7 - 3 / 31 - 2.045230 * ((30 * (3 / 31) ** 2 + 4 + (90 / 31) ** 2) / 31 / 30) ** 0.5, abs=1e-6)
    assert ci.method == "adjusted-t" and ci.se == 0


def test_pooled_test_of_proportions_with_equal_n_is_the_classic_pooled_z():
    # 60/100 vs 45/100: pooled 0.525, SE = √(0.525·0.475·0.02) = 0.0706222, z = 2.12398 (equal n: no skew term).
    test = stats.pooled_test((*stats.proportion_moments(0.60), 100), (*stats.proportion_moments(0.45), 100))
    assert test.z == pytest.approx(0.15 / math.sqrt(0.525 * 0.475 * 0.02))
    assert test.se0 == pytest.approx(math.sqrt(0.525 * 0.475 * 0.02))
    assert test.p == pytest.approx(2 * sp.norm.sf(test.z))


def test_pooled_test_pools_the_raw_answers_and_corrects_half_the_skew():
    # A small segment (n 12) against a larger rest (n 40) on 1–5: the pooled moments are the moments
    # of all 52 answers; γ = m₃(1/12² − 1/40²)/SE₀³ and z' = z + cz² + c²z³/3 − c with c = −γ/12.
    a = np.array([5, 5, 4, 5, 3, 5, 5, 4, 5, 5, 2, 5], dtype=float)
    b = np.array([5, 4, 4, 3, 5, 2, 1, 5, 4, 4] * 4, dtype=float)
    moments = lambda x: (x.mean(), x.var(), np.mean((x - x.mean()) ** 3), len(x))  # noqa: E731
    test = stats.pooled_test(moments(a), moments(b))
    both = np.concatenate([a, b])
    se0 = math.sqrt(both.var() * (1 / 12 + 1 / 40))
    z = (a.mean() - b.mean()) / se0
    c = -np.mean((both - both.mean()) ** 3) * (1 / 144 - 1 / 1600) / se0**3 / 12
    assert test.se0 == pytest.approx(se0, rel=1e-12)
    assert test.z == pytest.approx(z + c * z * z + c * c * z**3 / 3 - c, rel=1e-12)
    assert test.p == pytest.approx(2 * sp.norm.sf(abs(test.z)), rel=1e-12)


def test_nps_moments_by_hand():
    # 57/31/12: s = 0.45; m2 = 0.4875 (DESIGN.md); m3 = 0.57·0.55³ + 0.31·(−0.45)³ + 0.12·(−1.45)³.
    assert stats.nps_moments(*REF) == pytest.approx((0.45, 0.4875, 0.57 * 0.55**3 - 0.31 * 0.45**3 - 0.12 * 1.45**3))


def test_adjusted_wald_difference_by_hand():
    # Both sides get 0.75/1.5/0.75 (n + 3): 57.75/32.5/12.75 of 103 and 40.75/31.5/30.75 of 103.
    z, _ = stats.nps_adjusted_wald_diff_test((*REF, 100), (0.4, 0.3, 0.3, 100))
    a, b = (57.75 / 103, 32.5 / 103, 12.75 / 103), (40.75 / 103, 31.5 / 103, 30.75 / 103)
    se = math.sqrt(stats.nps_variance(*a) / 103 + stats.nps_variance(*b) / 103)
    assert z == pytest.approx(((a[0] - a[2]) - (b[0] - b[2])) / se)


def test_minimum_detectable_difference():
    # (z₀.₉₇₅ + z₀.₈) · SE₀ = (1.959964 + 0.841621) · 0.05
    assert stats.min_detectable(0.05, 0.95) == pytest.approx(2.801585 * 0.05, abs=1e-6)


def test_benjamini_hochberg_by_hand():
    # Sorted p: 0.01, 0.02, 0.03, 0.5 (m = 4) → 0.04, 0.04, 0.04, 0.5.
    assert stats.benjamini_hochberg([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.04, 0.5, 0.04, 0.04])
    assert stats.benjamini_hochberg([0.9, 0.8]) == pytest.approx([0.9, 0.9])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_benjamini_hochberg_never_lowers_p(p_values):
    adjusted = stats.benjamini_hochberg(p_values)
    assert all(p <= a <= 1 for p, a in zip(p_values, adjusted))


def test_sample_sizes():
    # The reported intervals' margins, solved for n: close to the Wald rules of thumb z²·Var/E² − 3
    # (382 and 1,534 for NPS ±10/±5; DESIGN.md), z²·p(1−p)/E² (385) and (z·sd/E)² (385).
    assert stats.sample_size_nps(10, 0.95) == 380
    assert stats.sample_size_nps(5, 0.95) == 1533
    assert stats.sample_size_proportion(5, 0.95) == 381
    assert stats.sample_size_mean(0.1, 0.95, 1.0) == 387  # t with n − 1 df is a little wider than z


@pytest.mark.parametrize("df", [1, 1.5, 2, 3, 4.7, 10, 29, 30, 99.5, 500, 999, 1000, 4999, 5000, 1e4, 1e6, 1e8])
@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_t_quantile_matches_scipy(df, confidence):
    assert stats.t_value(confidence, df) == pytest.approx(sp.t.ppf(0.5 + confidence / 2, df), rel=1e-10)


@pytest.mark.parametrize("z", [0.5, 3, 8.3, 9, 20, 37])
def test_normal_p_keeps_its_precision_in_the_far_tail(z):
    # 1 + erf(−z/√2) cancels to 0.0 beyond |z| ≈ 8.3; erfc does not (z = 37: 5.7e-300).
    assert stats.normal_p(z) == pytest.approx(2 * sp.norm.sf(z), rel=1e-12)
    assert stats.normal_p(-z) == stats.normal_p(z) > 0


def test_pooled_p_value_far_beyond_z_8():
    test = stats.pooled_test((*stats.proportion_moments(0.9), 2000), (*stats.proportion_moments(0.5), 2000))
    assert test.z > 20 and test.p == pytest.approx(2 * sp.norm.sf(test.z), rel=1e-9) and test.p > 0


@pytest.mark.parametrize("n_eff", [1.0000001, 1.5, 1.99])
def test_no_mean_interval_below_two_effective_answers(n_eff):
    assert stats.adjusted_t_interval(4.0, 1.0, n_eff, 1, 7, 0.95) is None
