"""Intervals and tests: pure functions on counts, proportions and moments (no pandas).

Conventions: NPS is handled on the −1…1 scale here and scaled to points by callers; ``n`` may
be a Kish effective sample size for weighted data. References: Rocks (2016) for the NPS
variance and the adjusted-Wald interval; Wilson (1927); Hall (1992) for removing skewness by a
monotone cubic; Benjamini–Hochberg (1995). ``bench/stats_sim.py`` checks every interval's coverage and
every test's size by simulation (README, "Statistics, in plain words").
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from statistics import NormalDist
from collections.abc import Sequence

_NORMAL = NormalDist()

#: Pseudo-counts of the adjusted-Wald NPS interval (detractors, passives, promoters): n + 3.
ADJUSTED_WALD_PSEUDO = (0.75, 1.5, 0.75)
#: Pseudo-answers of the adjusted-t mean interval, spread evenly over the scale points (chosen by
#: simulation: 1 keeps ≥ 94% coverage at n = 10 on ceiling-heavy 1–5/1–7 items; more only widens).
MEAN_PSEUDO = 1.0
#: Share of Hall's skewness correction applied in :func:`pooled_test` (chosen by simulation).
SKEW_SHRINK = 0.5


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
    """Plain z test of two independent NPS with summed plug-in variances; each side is (promoters,
    passives, detractors, n). Returns (z, p). Too liberal for small groups (``--nps-test wald``)."""
    va = nps_variance(*a[:3]) / a[3]
    vb = nps_variance(*b[:3]) / b[3]
    return z_test((a[0] - a[2]) - (b[0] - b[2]), math.sqrt(va + vb))


def nps_adjusted_wald_diff_test(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> tuple[float, float]:
    """The adjusted-Wald difference (MeasuringU; R ``NPS::nps_test(test = "adjusted.wald")``): each
    side's shares get the interval's pseudo-counts (n + 3), then a z test with summed variances."""
    sides = []
    for promoters, passives, detractors, n in (a, b):
        d, p0, p = ADJUSTED_WALD_PSEUDO
        m = n + 3
        sides.append(((promoters * n + p) / m, (passives * n + p0) / m, (detractors * n + d) / m, m))
    return nps_diff_test(*sides)


def z_test(diff: float, se: float) -> tuple[float, float]:
    """(z, two-sided p) of a difference and its standard error; a zero SE gives p = 1 or 0."""
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


# --- means -------------------------------------------------------------------------------------

def adjusted_t_interval(mean: float, m2: float, n: float, lo: int, hi: int, confidence: float) -> Interval | None:
    """Interval for a mean on the integer scale lo…hi that keeps its coverage near the bounds.

    One pseudo-answer is spread evenly over the scale points (1/K at each), and the t interval (df
    n − 1) is taken around the adjusted mean with the adjusted variance and n + 1 — as the
    adjusted-Wald does for NPS. Ceiling-heavy data keeps ≥ 94% coverage from n = 10, and all-equal
    answers give an interval, not a point. ``m2`` is the answers' second central moment (÷ n);
    ``se`` stays the plain SE of the observed mean. None below two (effective) answers.
    """
    if n < 2:
        return None
    k = hi - lo + 1
    centre, spread = (lo + hi) / 2, (k * k - 1) / 12  # the pseudo-answer: uniform over the points
    m = n + MEAN_PSEUDO
    adjusted = (n * mean + MEAN_PSEUDO * centre) / m
    m2_adjusted = (n * (m2 + (mean - adjusted) ** 2) + MEAN_PSEUDO * (spread + (centre - adjusted) ** 2)) / m
    half = t_value(confidence, n - 1) * math.sqrt(m2_adjusted / (m - 1))
    se = math.sqrt(m2 / (n - 1))
    return Interval(se, max(lo, adjusted - half), min(hi, adjusted + half), "adjusted-t")


# --- differences -------------------------------------------------------------------------------

def nps_moments(promoters: float, passives: float, detractors: float) -> tuple[float, float, float]:
    """Mean, second and third central moments of one answer on the −1/0/+1 NPS scale."""
    s = promoters - detractors
    return s, nps_variance(promoters, passives, detractors), promoters * (1 - s) ** 3 + passives * (-s) ** 3 + detractors * (-1 - s) ** 3


def proportion_moments(p: float) -> tuple[float, float, float]:
    """Mean, second and third central moments of a 0/1 answer."""
    return p, p * (1 - p), p * (1 - p) * (1 - 2 * p)


@dataclass(frozen=True)
class Test:
    """A two-sided test of a difference: statistic, p-value, and the difference's SE under H0."""

    z: float
    p: float
    se0: float


def pooled_test(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> Test:
    """Test of equal means of two independent groups of answers; each side is (mean, m2, m3, n) with
    central moments ÷ n. One test serves NPS (−1/0/+1), proportions (0/1) and means alike.

    Under H0 both groups come from one distribution, so its moments are pooled (as the classic pooled
    two-proportion test does): SE₀ = √(m₂·(1/n₁ + 1/n₂)). A small segment against a large rest still
    has a skewed difference on ceiling-heavy data; half of Hall's (1992) monotone cubic correction
    for the difference's skewness γ = m₃(1/n₁² − 1/n₂²)/SE₀³ is applied — the full correction
    over-corrects lattice data at n = 30 (bench/stats_sim.py shows both). Equal n: γ = 0, plain pooled z.
    """
    (mean_a, m2_a, m3_a, n_a), (mean_b, m2_b, m3_b, n_b) = a, b
    total = n_a + n_b
    mean = (n_a * mean_a + n_b * mean_b) / total
    da, db = mean_a - mean, mean_b - mean
    m2 = (n_a * (m2_a + da * da) + n_b * (m2_b + db * db)) / total
    m3 = (n_a * (m3_a + 3 * da * m2_a + da**3) + n_b * (m3_b + 3 * db * m2_b + db**3)) / total
    se0 = math.sqrt(max(m2, 0.0) * (1 / n_a + 1 / n_b))
    diff = mean_a - mean_b
    if se0 == 0:
        z, p = z_test(diff, 0.0)
        return Test(z, p, 0.0)
    z = diff / se0
    c = -SKEW_SHRINK * m3 * (1 / n_a**2 - 1 / n_b**2) / se0**3 / 6
    z = z + c * z * z + c * c * z**3 / 3 - c
    return Test(z, normal_p(z), se0)


def min_detectable(se0: float, confidence: float, power: float = 0.8) -> float:
    """The smallest true difference a two-sided test at 1 − confidence detects with this power:
    (z₁₋α/₂ + z_power)·SE₀."""
    return (z_value(confidence) + _NORMAL.inv_cdf(power)) * se0


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
# Each solves for the smallest n whose *reported* interval reaches the margin: at the expected
# shares / SD by default, or with probability ``assurance`` over samples (the estimated variance
# varies from sample to sample; its spread is taken as normal, by the delta method).

#: The largest sample size the planners search: a margin that needs more is unreachable in practice.
MAX_PLANNED_N = 10**9


class MarginUnreachable(ValueError):
    """No sample of up to :data:`MAX_PLANNED_N` answers reaches the margin asked for."""


def _smallest_n(half_width, margin: float, low: int = 2) -> int:
    """The smallest n ≥ low with half_width(n) ≤ margin (half_width falls with n)."""
    high = low
    while half_width(high) > margin:
        high *= 2
        if high > MAX_PLANNED_N:
            raise MarginUnreachable(f"no sample size up to {MAX_PLANNED_N:,} reaches that margin")
    while low < high:
        mid = (low + high) // 2
        low, high = (mid + 1, high) if half_width(mid) > margin else (low, mid)
    return low


def sample_size_nps(margin_points: float, confidence: float, promoters: float = 0.5, detractors: float = 0.5, assurance: float | None = None) -> int:
    """Answers for an adjusted-Wald NPS interval of ±margin_points (the default mix, half promoters
    and half detractors, is the worst case)."""
    z = z_value(confidence)
    d, p0, p = ADJUSTED_WALD_PSEUDO
    passives = 1 - promoters - detractors
    s = promoters - detractors
    fourth = promoters * (1 - s) ** 4 + passives * s**4 + detractors * (1 + s) ** 4
    spread = max(fourth - nps_variance(promoters, passives, detractors) ** 2, 0.0)

    def half(n: int) -> float:
        m = n + 3
        variance = nps_variance((promoters * n + p) / m, (passives * n + p0) / m, (detractors * n + d) / m)
        if assurance is not None:
            variance = min(1.0, variance + _NORMAL.inv_cdf(assurance) * math.sqrt(spread / n))
        return 100 * z * math.sqrt(variance / m)

    return _smallest_n(half, margin_points)


def sample_size_proportion(margin_points: float, confidence: float, p: float = 0.5, assurance: float | None = None) -> int:
    """Answers for a Wilson interval of ±margin_points around an expected share p."""
    z = z_value(confidence)

    def half(n: int) -> float:
        observed = p
        if assurance is not None:  # the share 1 − assurance of samples land closer to 50% than this (less half a step: counts are whole)
            closest = _folded_quantile(abs(p - 0.5), math.sqrt(p * (1 - p) / n), 1 - assurance)
            observed = 0.5 + math.copysign(max(0.0, closest - 0.5 / n), p - 0.5)
        return 100 * z / (1 + z * z / n) * math.sqrt(observed * (1 - observed) / n + z * z / (4 * n * n))

    return _smallest_n(half, margin_points)


def _folded_quantile(mu: float, sigma: float, q: float) -> float:
    """The q-quantile of |X| for X ~ N(mu, sigma²), by bisection."""
    if sigma == 0:
        return mu
    low, high = 0.0, mu + 10 * sigma
    for _ in range(100):
        mid = (low + high) / 2
        below = _NORMAL.cdf((mid - mu) / sigma) - _NORMAL.cdf((-mid - mu) / sigma)
        low, high = (mid, high) if below < q else (low, mid)
    return (low + high) / 2


def sample_size_mean(margin: float, confidence: float, sd: float, assurance: float | None = None,
                     scale: tuple[int, int] | None = None, mean: float | None = None) -> int:
    """Answers for a mean's interval of ±margin scale points; with ``assurance``, the sample SD's
    quantile from χ²(n − 1) (Wilson–Hilferty). With the ``scale`` and expected ``mean``, the interval
    is the adjusted t the reports give (its pseudo-answer and its clipping at the scale's ends
    included); without them, the plain t interval (n − 1 df), which differs by under 1/n."""

    def half(n: int) -> float:
        variance = sd * sd
        if assurance is not None:
            k = n - 1
            variance *= (1 - 2 / (9 * k) + _NORMAL.inv_cdf(assurance) * math.sqrt(2 / (9 * k))) ** 3
        if scale is not None and mean is not None:
            interval = adjusted_t_interval(mean, variance * (n - 1) / n, n, scale[0], scale[1], confidence)
            assert interval is not None  # n ≥ 2
            return (interval.high - interval.low) / 2
        return t_value(confidence, n - 1) * math.sqrt(variance / n)

    return _smallest_n(half, margin)


def sample_size_difference(detect: float, confidence: float, variance: float, power: float = 0.8) -> int:
    """Answers per group for a two-sided test at 1 − confidence to find a true difference ``detect``
    with this power, two equal groups: 2·(z₁₋α/₂ + z_power)²·Var / Δ²."""
    return max(2, math.ceil(2 * (z_value(confidence) + _NORMAL.inv_cdf(power)) ** 2 * variance / detect**2))


@functools.lru_cache(maxsize=4096)  # the same group sizes recur for every percentile and metric
def binomial_quantile(n: int, q: float, p: float) -> int:
    """The smallest k with P(Binomial(n, q) ≤ k) ≥ p (scipy's ``binom.ppf``), for order-statistic intervals.

    Started from the Cornish–Fisher approximation, then stepped on the exact CDF, I_{1−q}(n−k, k+1);
    a CDF within 1e-12 of p counts as reaching it (Binomial(5, ½) ≤ 2 is exactly ½).
    """
    if n <= 0:
        return 0

    def cdf(k: int) -> float:
        return 1.0 if k >= n else regularized_beta(n - k, k + 1, 1 - q)

    z = _NORMAL.inv_cdf(p)
    k = math.floor(n * q + z * math.sqrt(n * q * (1 - q)) + (z * z - 1) * (1 - 2 * q) / 6)
    k = min(max(k, 0), n)
    p -= 1e-12
    while cdf(k) < p:
        k += 1
    while k > 0 and cdf(k - 1) >= p:
        k -= 1
    return k
