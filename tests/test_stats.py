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
def test_t_interval_matches_scipy(values, confidence):
    x = np.array(values, dtype=float)
    ci = stats.t_interval(x.mean(), x.var(ddof=1), len(x), confidence)
    if x.var() == 0:
        assert ci.low == ci.high == x.mean()
        return
    low, high = sp.t.interval(confidence, len(x) - 1, loc=x.mean(), scale=sp.sem(x))
    assert (ci.low, ci.high) == pytest.approx((low, high), rel=1e-9, abs=1e-12)


def test_welch_matches_scipy():
    a = np.array([5, 6, 7, 7, 4, 6, 5, 7, 3, 6], dtype=float)
    b = np.array([3, 4, 2, 5, 4, 3, 6, 2, 4, 3, 5, 1], dtype=float)
    t, df, p = stats.welch_test(a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b))
    reference = sp.ttest_ind(a, b, equal_var=False)
    assert (t, p) == pytest.approx((reference.statistic, reference.pvalue), rel=1e-9)


def test_two_proportion_test_by_hand():
    # 60/100 vs 45/100: pooled 0.525, SE = √(0.525·0.475·0.02) = 0.0706222, z = 2.12398.
    z, p = stats.two_proportion_test(0.60, 100, 0.45, 100)
    assert z == pytest.approx(0.15 / math.sqrt(0.525 * 0.475 * 0.02))
    assert p == pytest.approx(2 * sp.norm.sf(z))


def test_benjamini_hochberg_by_hand():
    # Sorted p: 0.01, 0.02, 0.03, 0.5 (m = 4) → 0.04, 0.04, 0.04, 0.5.
    assert stats.benjamini_hochberg([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.04, 0.5, 0.04, 0.04])
    assert stats.benjamini_hochberg([0.9, 0.8]) == pytest.approx([0.9, 0.9])


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_benjamini_hochberg_never_lowers_p(p_values):
    adjusted = stats.benjamini_hochberg(p_values)
    assert all(p <= a <= 1 for p, a in zip(p_values, adjusted))


def test_sample_sizes():
    # n ≈ z²·Var/E² − 3 with Var = 1: ±10 → 382, ±5 → 1,534 (DESIGN.md).
    assert stats.sample_size_nps(10, 0.95) == 382
    assert stats.sample_size_nps(5, 0.95) == 1534
    assert stats.sample_size_proportion(5, 0.95) == 385  # 1.96²·0.25/0.0025 = 384.1
    assert stats.sample_size_mean(0.1, 0.95, 1.0) == 385


@pytest.mark.parametrize("df", [1, 1.5, 2, 3, 4.7, 10, 29, 30, 99.5, 500, 999, 1000, 4999, 5000, 1e4, 1e6, 1e8])
@pytest.mark.parametrize("confidence", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
def test_t_quantile_matches_scipy(df, confidence):
    assert stats.t_value(confidence, df) == pytest.approx(sp.t.ppf(0.5 + confidence / 2, df), rel=1e-10)


@pytest.mark.parametrize("df", [1, 2, 3.3, 10, 30, 100, 1e3, 1e4, 1e6])
@pytest.mark.parametrize("t", [0, 0.1, 0.5, 1, 1.96, 2.5, 4, 8, 30])
def test_t_p_value_matches_scipy(df, t):
    assert stats.t_p(t, df) == pytest.approx(2 * sp.t.sf(t, df), rel=1e-8, abs=1e-300)


@pytest.mark.parametrize("z", [0.5, 3, 8.3, 9, 20, 37])
def test_normal_p_keeps_its_precision_in_the_far_tail(z):
    # 1 + erf(−z/√2) cancels to 0.0 beyond |z| ≈ 8.3; erfc does not (z = 37: 5.7e-300).
    assert stats.normal_p(z) == pytest.approx(2 * sp.norm.sf(z), rel=1e-12)
    assert stats.normal_p(-z) == stats.normal_p(z) > 0


def test_two_proportion_p_value_far_beyond_z_8():
    z, p = stats.two_proportion_test(0.9, 2000, 0.5, 2000)
    assert z > 20 and p == pytest.approx(2 * sp.norm.sf(z), rel=1e-9) and p > 0


@pytest.mark.parametrize("n_eff", [1.0000001, 1.5, 1.99])
def test_no_t_interval_below_two_effective_answers(n_eff):
    assert stats.t_interval(4.0, 1.0, n_eff, 0.95) is None
