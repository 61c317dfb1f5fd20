"""Intervals and tests: pure functions on counts, proportions and moments (no pandas).

Conventions: NPS is handled on the −1…1 scale here and scaled to points by callers; ``n`` may
be a Kish effective sample size for weighted data. References: Rocks (2016) for the NPS
variance and the adjusted-Wald interval; Wilson (1927); Welch (1947); Benjamini–Hochberg (1995).
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Optional, Sequence

_NORMAL = NormalDist()

#: Pseudo-counts of the adjusted-Wald NPS interval (detractors, passives, promoters): n + 3.
ADJUSTED_WALD_PSEUDO = (0.75, 1.5, 0.75)


def z_value(confidence: float) -> float:
    """Two-sided normal critical value, e.g. 1.959964 for 0.95."""
    return _NORMAL.inv_cdf(0.5 + confidence / 2)


def t_value(confidence: float, df: float) -> float:
    """Two-sided Student-t critical value with ``df`` (possibly fractional) degrees of freedom."""
    return t_quantile(0.5 + confidence / 2, df)


def normal_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic: erfc(|z|/√2), which keeps its precision in
    the far tail (1 + erf(−|z|/√2) cancels to 0.0 beyond |z| ≈ 8.3)."""
    return math.erfc(abs(z) / math.sqrt(2))


def t_p(t: float, df: float) -> float:
    """Two-sided p-value of a Student-t statistic: I_x(df/2, 1/2) with x = df / (df + t²)."""
    if math.isinf(t):
        return 0.0
    return regularized_beta(df / 2, 0.5, df / (df + t * t))


@functools.lru_cache(maxsize=4096)  # breakdowns ask for the same (p, df) for thousands of cells
def t_quantile(p: float, df: float) -> float:
    """The Student-t quantile for probability p (0.5 ≤ p < 1).

    Large df: Fisher's expansion in 1/df around the normal quantile (error below 1e-12 from
    df = 5,000). Otherwise Newton's method on the exact CDF, started from that expansion.
    """
    z = _NORMAL.inv_cdf(p)
    v = df
    t = z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2) + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3) + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4)
    if df >= 5000:
        return t
    if df < 3:  # the expansion is poor for very small df: start from a safe bracket-friendly guess
        t = min(t, 50.0)
    for _ in range(100):
        upper = regularized_beta(df / 2, 0.5, df / (df + t * t)) / 2  # P(T > t)
        density = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi) - (df + 1) / 2 * math.log1p(t * t / df))
        step = (upper - (1 - p)) / density
        t += step
        if t <= 0:
            t = abs(step) / 2
        if abs(step) <= 1e-12 * max(1.0, abs(t)):  # quadratic convergence: the next step would be ~1e-24
            break
    return t


def regularized_beta(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b) (continued fraction, modified Lentz)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-16
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 1_000_000):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((a - 1 + m2) * (a + m2)), -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2))):
            d = 1 + aa * d
            d = 1 / (d if abs(d) > tiny else tiny)
            c = 1 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1) < eps:
            break
    return h


@dataclass(frozen=True)
class Interval:
    """An estimate's standard error and confidence bounds, in the estimate's units."""

    se: float
    low: float
    high: float
    method: str


# --- NPS ---------------------------------------------------------------------------------------

def nps_variance(promoters: float, passives: float, detractors: float) -> float:
    """Per-answer variance of the NPS on the −1…1 scale: (1−s)²p₊ + s²p₀ + (1+s)²p₋ with s = p₊ − p₋."""
    s = promoters - detractors
    return (1 - s) ** 2 * promoters + s**2 * passives + (1 + s) ** 2 * detractors


def nps_se(promoters: float, passives: float, detractors: float, n: float) -> float:
    """Standard error of the NPS (−1…1 scale) from shares and (effective) n."""
    return math.sqrt(nps_variance(promoters, passives, detractors) / n)


def nps_interval(promoters: float, passives: float, detractors: float, n: float, confidence: float, method: str = "adjusted-wald") -> Interval:
    """NPS interval on the −1…1 scale. ``se`` is always the plain SE of the observed score.

    ``wald``: s ± z·SE. ``adjusted-wald``: add 0.75 detractors, 1.5 passives, 0.75 promoters
    (n + 3) and take the Wald interval of the adjusted score, around which it is centred.
    """
    se = nps_se(promoters, passives, detractors, n)
    z = z_value(confidence)
    if method == "wald":
        centre, half = promoters - detractors, z * se
    elif method == "adjusted-wald":
        d, p0, p = ADJUSTED_WALD_PSEUDO
        m = n + 3
        adj = ((promoters * n + p) / m, (passives * n + p0) / m, (detractors * n + d) / m)
        centre, half = adj[0] - adj[2], z * nps_se(*adj, m)
    else:
        raise ValueError(f"unknown NPS interval method {method!r}")
    return Interval(se, max(-1.0, centre - half), min(1.0, centre + half), method)


def nps_diff_test(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float]:
    """z test of two independent NPS; each side is (promoters, passives, detractors, n). Returns (z, p)."""
    va = nps_variance(*a[:3]) / a[3]
    vb = nps_variance(*b[:3]) / b[3]
    diff = (a[0] - a[2]) - (b[0] - b[2])
    se = math.sqrt(va + vb)
    if se == 0:
        return (0.0, 1.0) if diff == 0 else (math.copysign(math.inf, diff), 0.0)
    z = diff / se
    return z, normal_p(z)


# --- proportions -------------------------------------------------------------------------------

def wilson_interval(p: float, n: float, confidence: float) -> Interval:
    """Wilson score interval for a proportion (0…1); ``se`` is the plain √(p(1−p)/n)."""
    z = z_value(confidence)
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return Interval(math.sqrt(p * (1 - p) / n), max(0.0, centre - half), min(1.0, centre + half), "wilson")


def two_proportion_test(p1: float, n1: float, p2: float, n2: float) -> tuple[float, float]:
    """Pooled two-proportion z test. Returns (z, p)."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return (0.0, 1.0) if p1 == p2 else (math.copysign(math.inf, p1 - p2), 0.0)
    z = (p1 - p2) / se
    return z, normal_p(z)


# --- means -------------------------------------------------------------------------------------

def t_interval(mean: float, variance: float, n: float, confidence: float) -> Optional[Interval]:
    """t interval for a mean from its sample variance; None below two (effective) answers, where
    the t distribution has under one degree of freedom."""
    if n < 2:
        return None
    se = math.sqrt(variance / n)
    half = t_value(confidence, n - 1) * se
    return Interval(se, mean - half, mean + half, "t")


def welch_test(m1: float, v1: float, n1: float, m2: float, v2: float, n2: float) -> tuple[float, float, float]:
    """Welch's unequal-variance t test. Returns (t, df, p)."""
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    if se == 0:
        return (0.0, n1 + n2 - 2, 1.0) if m1 == m2 else (math.copysign(math.inf, m1 - m2), n1 + n2 - 2, 0.0)
    df = (a + b) ** 2 / (a**2 / (n1 - 1) + b**2 / (n2 - 1))
    t = (m1 - m2) / se
    return t, df, t_p(t, df)


# --- many tests --------------------------------------------------------------------------------

def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1), in input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * (m / rank))
        adjusted[i] = running
    return adjusted


# --- planning ----------------------------------------------------------------------------------

def sample_size_nps(margin_points: float, confidence: float, variance: float = 1.0) -> int:
    """Answers needed for an adjusted-Wald NPS margin of ±margin_points: z²·Var/E² − 3 (Var = 1 is the worst case)."""
    e = margin_points / 100
    return max(1, math.ceil(z_value(confidence) ** 2 * variance / e**2 - 3))


def sample_size_proportion(margin_points: float, confidence: float, p: float = 0.5) -> int:
    """Answers needed for a proportion's margin of ±margin_points (percentage points): z²·p(1−p)/E²."""
    e = margin_points / 100
    return max(1, math.ceil(z_value(confidence) ** 2 * p * (1 - p) / e**2))


def sample_size_mean(margin: float, confidence: float, sd: float) -> int:
    """Answers needed for a mean's margin of ±margin (scale points): (z·sd/E)²."""
    return max(2, math.ceil((z_value(confidence) * sd / margin) ** 2))
