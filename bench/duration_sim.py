"""Seeded simulation of the duration metrics' statistics: do `se`, `--trend`, the alerts and `mdd` keep
their promises on realistic durations?

    python bench/duration_sim.py [--runs 2000] [--seed 20261201] [--out bench/duration_sim.md]

Durations are lognormal (σ 1 or 1.5), written in whole minutes (so ties), with 5 % zeros on top
(a point mass at 0: auto-replies, tickets closed on creation), as exports hold them. Measured, with
cxscore's own functions (``metrics.trend``, ``metrics.compare``, the kind's interval):

  1. the size of the ``--trend K`` slope test (K = 4, 8, 12 weekly periods, nothing changes), α = 0.05, 0.01;
  2. the false-alert rate of ``--fail-on-significant-drop`` (the latest period *rose*, one-sided)
     with ``--baseline 1`` and ``4``: promised α/2 = 2.5 % at the default 95 %;
  3. the coverage of median ± z·se against the order-statistic interval (95 %);
  4. the power of Mood's test at a true difference of the reported ``mdd`` (``Kind.detectable``; promise: 80 %).
A minute or two on one core. Prints Markdown and writes it to --out.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from statistics import NormalDist

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cxscore import metrics  # noqa: E402
from cxscore.config import MetricSpec  # noqa: E402
from cxscore.duration_table import Durations  # noqa: E402
from cxscore.loghist import LogHistogram  # noqa: E402

ZEROS = 0.05
SPEC = MetricSpec(type="duration", column="wait")
#: (label, median in minutes of the lognormal part, σ)
SHAPES = (("median 45 min, σ 1.5", 45.0, 1.5), ("median 4 min, σ 1", 4.0, 1.0), ("median 2 min, σ 1", 2.0, 1.0))


def draw(rng: np.random.Generator, size: int, median: float, sigma: float, factor: float | np.ndarray = 1.0) -> np.ndarray:
    """Seconds: whole minutes of a lognormal (times ``factor`` before rounding: a slower team), with ZEROS of them 0."""
    minutes = np.rint(factor * np.exp(rng.normal(math.log(median), sigma, size)))
    minutes[rng.random(size) < ZEROS] = 0.0
    return 60.0 * minutes


def true_median(median: float, sigma: float) -> float:
    """The population median: rounding is monotone, so the rounded median of the continuous part's
    (0.5 − ZEROS)/(1 − ZEROS) quantile."""
    return 60.0 * round(median * math.exp(sigma * NormalDist().inv_cdf((0.5 - ZEROS) / (1 - ZEROS))))


def groups(rng: np.random.Generator, count: int, n: int, median: float, sigma: float, scale: np.ndarray | None = None) -> list:
    """``count`` groups of ``n`` durations each (group g's durations times scale[g] before rounding) and their summaries."""
    values = draw(rng, count * n, median, sigma, 1.0 if scale is None else np.repeat(scale, n))
    hist = LogHistogram()
    hist.add(values, np.repeat(np.arange(count), n))
    durations = [Durations(one) for one in hist.split()]
    return list(zip(durations, metrics.summarise(SPEC, durations)))


def trend_size(runs: int, rng: np.random.Generator) -> list[str]:
    lines = ["## 1. Size of the `--trend K` slope test (nothing changes)", "",
             f"{runs:,} runs per row; two-sided p of `metrics.trend` below α. Nominal: 0.050 and 0.010.", "",
             "| durations | n per week | K | size at 0.05 | size at 0.01 | ratio at 0.05 |", "|---|---|---|---|---|---|"]
    for label, median, sigma in SHAPES:
        for n in (30, 200, 1000):
            for k in (4, 8, 12):
                cells = groups(rng, runs * k, n, median, sigma)
                p = np.array([_trend_p(cells[r * k : (r + 1) * k]) for r in range(runs)])
                lines.append(f"| {label} | {n} | {k} | {np.mean(p < 0.05):.3f} | {np.mean(p < 0.01):.3f} | {np.mean(p < 0.05) / 0.05:.2f} |")
    return lines


def _trend_p(cells: list) -> float:
    result = metrics.trend(SPEC, [d for d, _ in cells], [s for _, s in cells], 0.95)
    return 1.0 if result is None else result["p_value"]


def alert_size(runs: int, rng: np.random.Generator) -> list[str]:
    lines = ["", "## 2. False alerts of `--fail-on-significant-drop` (the latest week rose; nothing changes)", "",
             f"{runs:,} runs per row; an alert: Mood's p < 1 − confidence and the latest median higher. Promised α/2.", "",
             "| durations | n per week | baseline | alerts at 95 % (0.025) | at 99 % (0.005) | two-sided size at 0.05 |", "|---|---|---|---|---|---|"]
    for label, median, sigma in SHAPES:
        for n in (30, 200, 1000):
            for baseline in (1, 4):
                cells = groups(rng, runs * (baseline + 1), n, median, sigma)
                diffs, ps = [], []
                for r in range(runs):
                    own = cells[r * (baseline + 1) : (r + 1) * (baseline + 1)]
                    pooled = own[0][0].copy()
                    for d, _ in own[1:-1]:
                        pooled += d
                    result = metrics.compare(SPEC, own[-1][1], metrics.summary(SPEC, pooled))
                    diffs.append(result[0] if result else 0.0)
                    ps.append(result[1] if result else 1.0)
                d, p = np.array(diffs), np.array(ps)
                lines.append(f"| {label} | {n} | {baseline} | {np.mean((p < 0.05) & (d > 0)):.3f} | {np.mean((p < 0.01) & (d > 0)):.3f} | {np.mean(p < 0.05):.3f} |")
    return lines


def coverage(runs: int, rng: np.random.Generator) -> list[str]:
    z = NormalDist().inv_cdf(0.975)
    lines = ["", "## 3. Coverage of the true median (95 %)", "",
             f"{runs:,} samples per row. *median ± z·se*: the Wald interval `se` implies; *order-statistic*: the reported interval.",
             "*se / true SD*: the median `se` against the sample medians' standard deviation over the runs.", "",
             "| durations | n | median ± z·se | order-statistic | se / true SD | se = 0 |", "|---|---|---|---|---|---|"]
    for label, median, sigma in SHAPES:
        truth = true_median(median, sigma)
        for n in (30, 100, 300, 1000):
            cells = groups(rng, runs, n, median, sigma)
            values = np.array([s.quantiles[0.5] for _, s in cells])
            se = np.array([math.sqrt(s.m2 / s.n) for _, s in cells])
            bounds = np.array([(i.low, i.high) for i in (SPEC.kind.interval(SPEC, s, 0.95, "") for _, s in cells)])
            wald = float(np.mean(np.abs(values - truth) <= z * se * (1 + 1e-12) + 0.01 * truth))  # the histogram: within 1 %
            order = float(np.mean((bounds[:, 0] <= truth) & (truth <= bounds[:, 1])))
            lines.append(f"| {label} | {n} | {wald:.3f} | {order:.3f} | {np.median(se) / np.std(values):.2f} | {np.mean(se == 0):.1%} |")
    return lines


def power_at_mdd(runs: int, rng: np.random.Generator) -> list[str]:
    lines = ["", "## 4. Power of Mood's test at a true difference of `mdd` (promise: 0.80 at α = 0.05)", "",
             f"{runs:,} runs per row. `mdd` is the mean of the reported `mdd` under no change; the first side's durations",
             "are all multiplied by (median + mdd) / median before rounding to whole minutes (a slower team: the whole",
             "distribution stretches). Rounding moves the true median only in whole minutes: *true Δ* is the difference made.", "",
             "| durations | n₁ against n₂ | mdd (s) | true Δ (s) | size at 0.05 | power |", "|---|---|---|---|---|---|"]
    for label, median, sigma in SHAPES:
        truth = true_median(median, sigma)
        for n1, n2 in ((30, 300), (100, 100), (200, 2000), (1000, 1000)):
            null = _compare(rng, runs, n1, n2, median, sigma, 1.0)
            mdd = float(np.mean([r[2] for r in null]))
            factor = (truth + mdd) / truth
            shifted = _compare(rng, runs, n1, n2, median, sigma, factor)
            moved = true_median(median * factor, sigma) - truth
            lines.append(f"| {label} | {n1} against {n2} | {mdd:,.0f} | {moved:,.0f} | {np.mean([r[1] < 0.05 for r in null]):.3f} | {np.mean([r[1] < 0.05 for r in shifted]):.3f} |")
    return lines


def _compare(rng: np.random.Generator, runs: int, n1: int, n2: int, median: float, sigma: float, factor: float) -> list:
    a = groups(rng, runs, n1, median, sigma, np.full(runs, factor))
    b = groups(rng, runs, n2, median, sigma)
    out = []
    for (_, sa), (_, sb) in zip(a, b):
        diff, p, se0 = metrics.compare(SPEC, sa, sb) or (0.0, 1.0, 0.0)
        out.append((diff, p, SPEC.kind.detectable(SPEC, sa, sb, se0, 0.95) or 0.0))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("duration_sim.md"))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    lines = ["# Duration statistics: simulated size, coverage and power", "",
             f"`python bench/duration_sim.py --runs {args.runs} --seed {args.seed}`. Durations: lognormal in whole minutes, "
             f"{ZEROS:.0%} zeros. Two binomial SEs at {args.runs:,} runs: ±{2 * math.sqrt(0.05 * 0.95 / args.runs):.3f} around 0.05.", "",
             *trend_size(args.runs, rng), *alert_size(args.runs, rng), *coverage(args.runs, rng), *power_at_mdd(args.runs, rng)]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
