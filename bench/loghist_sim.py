"""Seeded simulation of cxscore.loghist: does the duration histogram keep its promises?

    python bench/loghist_sim.py [--runs 4000] [--seed 20261201] [--out bench/loghist_sim.md]

  1. coverage of the 95% order-statistic interval for the median and p90 (target ≥ 0.95, the exact
     binomial coverage the ranks promise shown beside it), skewed durations with 5% zeros;
  2. the largest relative error of quantiles against numpy.quantile(method="inverted_cdf") on
     1M values, for α = 0.5%, 1%, 2% (promise: ≤ α);
  3. time to add 5M values in 100k-row blocks for 1 and 2,000 groups, merge two halves, roll up.
Each run of table 1 is one group of one histogram, so 4,000 runs are one vectorised add. About a
minute on one core. Prints Markdown and writes it to --out.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import binom

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cxscore.loghist import LogHistogram  # noqa: E402

ZEROS = 0.05


def draw(kind: str, rng: np.random.Generator, size: int) -> tuple[np.ndarray, callable]:
    """Values with 5% zeros, and the true q-quantile of their distribution."""
    if kind == "lognormal (median 4 h, σ 1.5)":
        x, inverse = rng.lognormal(math.log(14400), 1.5, size), lambda p: math.exp(math.log(14400) + 1.5 * _z(p))
    elif kind == "exponential (mean 10 min)":
        x, inverse = rng.exponential(600, size), lambda p: -600 * math.log1p(-p)
    else:  # Pareto (Lomax) shape 1.1, scale 1 h: infinite variance
        x, inverse = rng.pareto(1.1, size) * 3600, lambda p: 3600 * ((1 - p) ** (-1 / 1.1) - 1)
    x[rng.random(size) < ZEROS] = 0.0
    return x, lambda q: 0.0 if q <= ZEROS else inverse((q - ZEROS) / (1 - ZEROS))


def _z(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


KINDS = ("lognormal (median 4 h, σ 1.5)", "exponential (mean 10 min)", "Pareto shape 1.1 (heavy tail)")


def coverage(runs: int, rng: np.random.Generator) -> list[str]:
    lines = ["## 1. Coverage of the 95% interval for a quantile", "",
             f"{runs:,} samples per cell; durations with {ZEROS:.0%} zeros. Target ≥ 0.95 (the binomial ranks promise the exact coverage shown).", "",
             "| distribution | n | quantile | coverage | promised | median width / quantile | unbounded |", "|---|---|---|---|---|---|---|"]
    for kind in KINDS:
        for n in (10, 30, 100, 1000):
            x, true = draw(kind, rng, runs * n)
            hist = LogHistogram()
            hist.add(x, np.repeat(np.arange(runs), n))
            for q in (0.5, 0.9):
                truth = true(q)
                low, high = hist.quantile_interval(q, 0.95)
                covered = float(np.mean((low <= truth) & (truth <= high)))
                lo_rank, hi_rank = binom.ppf(0.025, n, q), binom.ppf(0.975, n, q) + 1
                promised = binom.cdf(hi_rank - 1, n, q) - binom.cdf(lo_rank - 1, n, q)  # an end beyond the sample is 0 or ∞
                bounded = np.isfinite(high)
                width = float(np.median((high - low)[bounded]) / truth) if bounded.any() and truth else float("nan")
                lines.append(f"| {kind} | {n} | p{round(q * 100)} | {covered:.3f} | {promised:.3f} | {width:.2f} | {1 - bounded.mean():.0%} |")
    return lines


def accuracy(rng: np.random.Generator) -> list[str]:
    lines = ["", "## 2. Quantile error against numpy (inverted CDF), 1M values", "",
             "| distribution | α | p10 | p25 | p50 | p75 | p90 | p99 | p99.9 | max over 99 percentiles |", "|---|---|---|---|---|---|---|---|---|---|"]
    for kind in KINDS:
        x, _ = draw(kind, rng, 1_000_000)
        for alpha in (0.005, 0.01, 0.02):
            hist = LogHistogram(alpha)
            hist.add(x, np.zeros(len(x), dtype=np.int64))

            shown = [f"{_error(hist, x, q):.3%}" for q in (0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999)]
            worst = max(_error(hist, x, q / 100) for q in range(1, 100))
            lines.append(f"| {kind} | {alpha:.1%} | {' | '.join(shown)} | {worst:.3%} |")
    return lines


def _error(hist: LogHistogram, x: np.ndarray, q: float) -> float:
    exact = np.quantile(x, q, method="inverted_cdf")
    return abs(hist.quantile(q)[0] - exact) / exact if exact else 0.0


def speed(rng: np.random.Generator) -> list[str]:
    lines = ["", "## 3. Speed (5M lognormal values, 100k-row blocks; wall time on a shared machine)", "",
             "| groups | add 5M | merge two halves | roll up to one | p50 + p90 of every group | 95% interval of every group's median | stored keys |", "|---|---|---|---|---|---|---|"]
    x, _ = draw(KINDS[0], rng, 5_000_000)
    for groups in (1, 2000):
        index = rng.integers(0, groups, len(x))
        start = time.perf_counter()
        halves = [LogHistogram(), LogHistogram()]
        for at in range(0, len(x), 100_000):
            halves[at * 2 // len(x)].add(x[at : at + 100_000], index[at : at + 100_000])
        for half in halves:
            half.keys  # noqa: B018  (sort the queued blocks in)
        added = time.perf_counter() - start
        start = time.perf_counter()
        whole = halves[0].merge(halves[1])
        whole.keys  # noqa: B018
        merged = time.perf_counter() - start
        start = time.perf_counter()
        whole.rollup(np.zeros(whole.groups, dtype=np.int64))
        rolled = time.perf_counter() - start
        start = time.perf_counter()
        whole.quantile(0.5), whole.quantile(0.9)
        read = time.perf_counter() - start
        start = time.perf_counter()
        whole.quantile_interval(0.5)
        interval = time.perf_counter() - start
        lines.append(f"| {groups:,} | {added:.2f} s | {merged * 1000:.0f} ms | {rolled * 1000:.0f} ms | {read * 1000:.0f} ms | {interval * 1000:.0f} ms | {len(whole.keys):,} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("loghist_sim.md"))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    lines = ["# cxscore.loghist: simulated coverage, accuracy and speed", "",
             f"`python bench/loghist_sim.py --runs {args.runs} --seed {args.seed}`.", "",
             *coverage(args.runs, rng), *accuracy(rng), *speed(rng)]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
