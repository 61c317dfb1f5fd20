"""The intervals and tests of :mod:`cxscore.stats` for many groups at once: NumPy over arrays, one
entry per group, so a roll-up of 100,000 cells is scored in a few array passes instead of 100,000
Python calls.

Each function performs the scalar function's operations in the same order, so every entry equals
the scalar result bit for bit (``tests/test_stats_arrays.py`` compares them): NumPy's +, −, ×, ÷ and
√ are IEEE's, as Python's are. Powers and erfc are not NumPy's here: Python's ``x ** k`` is libm's
``pow``, which may differ from NumPy's ``x * x`` (or a vectorised pow) in the last bit, so they are
taken element by element with Python's own operators (~30 ns an entry). ``max(lo, x)`` and
``min(hi, x)`` keep Python's rule (the bound unless x is strictly past it, so NaN gives the bound).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import stats


def power(x: np.ndarray, k: int) -> np.ndarray:
    """``x ** k`` entry by entry with Python's float power (libm's pow), as the scalar formulas have it."""
    return np.array([v**k for v in x.tolist()], dtype=np.float64)


def at_least(bound: float, x: np.ndarray) -> np.ndarray:
    """Python's ``max(bound, x)`` entry by entry."""
    return np.where(x > bound, x, bound)


def at_most(bound: float, x: np.ndarray) -> np.ndarray:
    """Python's ``min(bound, x)`` entry by entry."""
    return np.where(x < bound, x, bound)


def normal_p(z: np.ndarray) -> np.ndarray:
    """:func:`stats.normal_p` of each z: erfc(|z|/√2) (math.erfc: NumPy has none)."""
    root = math.sqrt(2)
    return np.array([math.erfc(abs(v) / root) for v in z.tolist()], dtype=np.float64)


class Intervals(NamedTuple):
    """Many intervals (:class:`stats.Interval`), one entry per group."""

    se: np.ndarray
    low: np.ndarray
    high: np.ndarray
    method: str
    #: The integer scale ends the bounds are clipped at, which the scalar interval returns as ints; None: floats.
    ends: tuple[int, int] | None = None


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a / b where b is not zero, else NaN (entries a caller leaves out: no interval, no test)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return a / b


def nps_variance(promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray) -> np.ndarray:
    """:func:`stats.nps_variance` of each group."""
    s = promoters - detractors
    return power(1 - s, 2) * promoters + power(s, 2) * passives + power(1 + s, 2) * detractors


def nps_se(promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(_divide(nps_variance(promoters, passives, detractors), n))


def _adjusted_shares(promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The adjusted-Wald shares (pseudo-counts added, n + 3) and n + 3."""
    d, p0, p = stats.ADJUSTED_WALD_PSEUDO
    m = n + 3
    return (promoters * n + p) / m, (passives * n + p0) / m, (detractors * n + d) / m, m


def nps_interval(promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray, n: np.ndarray, confidence: float, method: str = "adjusted-wald") -> Intervals:
    """:func:`stats.nps_interval` of each group (−1…1 scale)."""
    se = nps_se(promoters, passives, detractors, n)
    z = stats.z_value(confidence)
    if method == "wald":
        centre, half = promoters - detractors, z * se
    elif method == "adjusted-wald":
        a_promoters, a_passives, a_detractors, m = _adjusted_shares(promoters, passives, detractors, n)
        centre, half = a_promoters - a_detractors, z * nps_se(a_promoters, a_passives, a_detractors, m)
    else:
        raise ValueError(f"unknown NPS interval method {method!r}")
    return Intervals(se, at_least(-1.0, centre - half), at_most(1.0, centre + half), method)


def wilson_interval(p: np.ndarray, n: np.ndarray, confidence: float) -> Intervals:
    """:func:`stats.wilson_interval` of each group (0…1)."""
    z = stats.z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z / denominator * np.sqrt(p * (1 - p) / n + z**2 / (4 * power(n, 2)))
        se = np.sqrt(p * (1 - p) / n)
    return Intervals(se, at_least(0.0, centre - half), at_most(1.0, centre + half), "wilson")


def adjusted_t_interval(mean: np.ndarray, m2: np.ndarray, n: np.ndarray, lo: int, hi: int, confidence: float) -> Intervals:
    """:func:`stats.adjusted_t_interval` of each group of two or more (effective) answers (others: NaN).
    A bound reached is the scale's end: equal to ``lo`` / ``hi`` (the scalar function returns those ints)."""
    k = hi - lo + 1
    centre, spread = (lo + hi) / 2, (k * k - 1) / 12
    m = n + stats.MEAN_PSEUDO
    adjusted = (n * mean + stats.MEAN_PSEUDO * centre) / m
    m2_adjusted = (n * (m2 + power(mean - adjusted, 2)) + stats.MEAN_PSEUDO * (spread + power(centre - adjusted, 2))) / m
    t = _t_values(confidence, n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = t * np.sqrt(m2_adjusted / (m - 1))
        se = np.sqrt(m2 / (n - 1))
    return Intervals(se, at_least(lo, adjusted - half), at_most(hi, adjusted + half), "adjusted-t", (lo, hi))


def _t_values(confidence: float, df: np.ndarray) -> np.ndarray:
    """:func:`stats.t_value` per distinct df (NaN below one degree of freedom: no interval there)."""
    distinct, where = np.unique(df, return_inverse=True)
    values = np.array([stats.t_value(confidence, d) if d >= 1 else math.nan for d in distinct.tolist()], dtype=np.float64)
    return values[where.reshape(-1)]


# --- tests -------------------------------------------------------------------------------------

#: Each group's (mean, m2, m3, n) of the answers a test pools (:meth:`Kind.moments`).
Moments = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def nps_moments(promoters: np.ndarray, passives: np.ndarray, detractors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`stats.nps_moments` of each group."""
    s = promoters - detractors
    third = promoters * power(1 - s, 3) + passives * power(-s, 3) + detractors * power(-1 - s, 3)
    return s, nps_variance(promoters, passives, detractors), third


def proportion_moments(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`stats.proportion_moments` of each group."""
    return p, p * (1 - p), p * (1 - p) * (1 - 2 * p)


class Tests(NamedTuple):
    """Many two-sided tests (:class:`stats.Test`), one entry per pair of groups."""

    z: np.ndarray
    p: np.ndarray
    se0: np.ndarray


def pooled_test(a: Moments, b: Moments) -> Tests:
    """:func:`stats.pooled_test` of each pair (a[i], b[i]); both sides need n > 0."""
    (mean_a, m2_a, m3_a, n_a), (mean_b, m2_b, m3_b, n_b) = a, b
    total = n_a + n_b
    mean = (n_a * mean_a + n_b * mean_b) / total
    da, db = mean_a - mean, mean_b - mean
    m2 = (n_a * (m2_a + da * da) + n_b * (m2_b + db * db)) / total
    m3 = (n_a * (m3_a + 3 * da * m2_a + power(da, 3)) + n_b * (m3_b + 3 * db * m2_b + power(db, 3))) / total
    se0 = np.sqrt(at_least(0.0, m2) * (1 / n_a + 1 / n_b))
    diff = mean_a - mean_b
    flat = se0 == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = diff / se0
        c = -stats.SKEW_SHRINK * m3 * (1 / power(n_a, 2) - 1 / power(n_b, 2)) / power(se0, 3) / 6
        z = z + c * z * z + c * c * power(z, 3) / 3 - c
    z = np.where(flat, np.where(diff == 0, 0.0, np.copysign(math.inf, diff)), z)  # stats.z_test with a zero SE
    p = np.where(flat, np.where(diff == 0, 1.0, 0.0), normal_p(np.where(flat, 0.0, z)))
    return Tests(z, p, se0)


def _z_test_p(diff: np.ndarray, se: np.ndarray) -> np.ndarray:
    """The p of :func:`stats.z_test` for each (diff, se)."""
    flat = se == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(flat, 0.0, diff / se)
    return np.where(flat, np.where(diff == 0, 1.0, 0.0), normal_p(z))


def nps_diff_p(a: Moments, b: Moments) -> np.ndarray:
    """The p of :func:`stats.nps_diff_test` for each pair; a side is (promoters, passives, detractors, n)."""
    va = nps_variance(*a[:3]) / a[3]
    vb = nps_variance(*b[:3]) / b[3]
    return _z_test_p((a[0] - a[2]) - (b[0] - b[2]), np.sqrt(va + vb))


def nps_adjusted_wald_diff_p(a: Moments, b: Moments) -> np.ndarray:
    """The p of :func:`stats.nps_adjusted_wald_diff_test` for each pair."""
    return nps_diff_p(_adjusted_shares(*a), _adjusted_shares(*b))


def min_detectable(se0: np.ndarray, confidence: float, power_: float = 0.8) -> np.ndarray:
    """:func:`stats.min_detectable` of each SE₀."""
    return (stats.z_value(confidence) + stats.NormalDist().inv_cdf(power_)) * se0


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """:func:`stats.benjamini_hochberg`: the running minimum of p·m/rank from the largest p down (min is exact)."""
    m = len(p_values)
    if not m:
        return np.zeros(0)
    order = np.argsort(p_values, kind="stable")
    scaled = p_values[order] * (m / np.arange(1, m + 1))
    running = np.minimum.accumulate(np.minimum(scaled, 1.0)[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = running
    return adjusted
