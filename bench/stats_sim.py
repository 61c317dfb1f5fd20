"""Seeded simulation of cxscore's intervals, tests and alerts: do they keep their promises?

    python bench/stats_sim.py [--scale 1] [--out bench/stats_sim.md]

Draws survey answers from known distributions (symmetric and ceiling-heavy) and runs cxscore's own
functions (cxscore.stats, cxscore.targets) on them:
  1. coverage of every 95% interval (NPS adjusted-Wald and Wald, Wilson, means adjusted-t and t);
  2. size of every difference test at α = 0.05 and 0.0025, segments of 30–1,000 against rests of
     30–10,000 (target: 0.8–1.3× nominal);
  3. how often 20 identical agents produce a false ▲/▼ after Benjamini–Hochberg;
  4. false alerts per year of a cron job on a process that does not change, and the chance of
     catching a real drop, for --baseline and --trend;
  5. how often `cxscore plan`'s n reaches the margin it promised (expected, and with --assurance).
About three minutes on one core at --scale 1 (use --scale 0.2 while developing). Prints Markdown
and writes it to --out.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cxscore import stats  # noqa: E402

NPS_POINTS = np.array([-1.0, 0.0, 1.0])  # detractor, passive, promoter
NPS_MIXES = {"typical 27/35/38": [0.27, 0.35, 0.38], "ceiling 5/15/80": [0.05, 0.15, 0.80]}
PROPORTIONS = {"50% satisfied": 0.50, "92% satisfied": 0.92}
SCALES = {
    "1–5 symmetric": [0.10, 0.20, 0.40, 0.20, 0.10],
    "1–5 ceiling (92% fives)": [0.01, 0.01, 0.02, 0.04, 0.92],
    "1–7 ceiling (50% sevens)": [0.02, 0.02, 0.03, 0.05, 0.10, 0.28, 0.50],
}
COVERAGE_SCALES = {**SCALES, "1–7 all but certain (95% sevens)": [0.01, 0.005, 0.005, 0.01, 0.01, 0.01, 0.95], "1–10 floor": [0.6, 0.2, 0.1, 0.05, 0.02, 0.01, 0.01, 0.005, 0.003, 0.002]}
ALPHAS = (0.05, 0.0025)


def moments(counts: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and second/third central moments (÷ n) of each row of counts."""
    n = counts.sum(axis=1)
    mean = counts @ points / n
    dev = points[None, :] - mean[:, None]
    return mean, (counts * dev**2).sum(axis=1) / n, (counts * dev**3).sum(axis=1) / n


def distinct(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of counts and how often each occurs (intervals depend on the counts only)."""
    rows, times = np.unique(counts, axis=0, return_counts=True)
    return rows, times


# --- 1. coverage --------------------------------------------------------------------------------

def coverage(rng: np.random.Generator, runs: int) -> list[str]:
    out = ["## 1. Coverage of 95% intervals", "", f"{runs:,} samples per cell; coverage (mean width, narrowest). Target: ≥ 0.93, never zero width.", ""]
    out += ["| answers | n | cxscore | coverage | width | narrowest | replaced | coverage | width | narrowest |", "|---|---|---|---|---|---|---|---|---|---|"]
    z = stats.z_value(0.95)
    for name, shares in NPS_MIXES.items():
        truth = shares[2] - shares[0]
        for n in (10, 30, 100):
            rows, times = distinct(rng.multinomial(n, shares, size=runs))
            cells = []
            for method in ("adjusted-wald", "wald"):
                cis = [stats.nps_interval(r[2] / n, r[1] / n, r[0] / n, n, 0.95, method) for r in rows]
                cells.append(_cover(cis, times, truth, 100))
            out.append(f"| NPS {name} | {n} | adjusted-Wald | {cells[0]} | Wald | {cells[1]} |")
    for name, p in PROPORTIONS.items():
        for n in (10, 30, 100):
            k, times = np.unique(rng.binomial(n, p, size=runs), return_counts=True)
            cis = [stats.wilson_interval(x / n, n, 0.95) for x in k]
            wald = [stats.Interval(0, x / n - z * math.sqrt(x / n * (1 - x / n) / n), x / n + z * math.sqrt(x / n * (1 - x / n) / n), "wald") for x in k]
            out.append(f"| {name} | {n} | Wilson | {_cover(cis, times, p, 100)} | Wald | {_cover(wald, times, p, 100)} |")
    for name, shares in COVERAGE_SCALES.items():
        points = np.arange(1, len(shares) + 1, dtype=float)
        truth = float(np.dot(shares, points))
        for n in (10, 30, 100):
            rows, times = distinct(rng.multinomial(n, shares, size=runs))
            mean, m2, _ = moments(rows, points)
            adjusted = [stats.adjusted_t_interval(m, v, n, 1, len(shares), 0.95) for m, v in zip(mean.tolist(), m2.tolist())]
            t = stats.t_value(0.95, n - 1)
            plain = [stats.Interval(0, max(1, m - t * math.sqrt(v / (n - 1))), min(len(shares), m + t * math.sqrt(v / (n - 1))), "t") for m, v in zip(mean.tolist(), m2.tolist())]
            out.append(f"| mean, {name} | {n} | adjusted-t | {_cover(adjusted, times, truth, 1)} | t | {_cover(plain, times, truth, 1)} |")
    return out + [""]


def _cover(cis: list, times: np.ndarray, truth: float, unit: float) -> str:
    low = np.array([c.low for c in cis])
    high = np.array([c.high for c in cis])
    hit = (low <= truth + 1e-12) & (truth - 1e-12 <= high)
    width = (high - low) * unit
    return f"{np.average(hit, weights=times):.3f} | {np.average(width, weights=times):.2f} | {width.min():.2f}"


# --- 2. size of the difference tests ------------------------------------------------------------

def sizes(rng: np.random.Generator, runs: int) -> list[str]:
    out = ["## 2. Size of the difference tests", ""]
    out += [f"A segment and its rest drawn from the same answers, {runs:,} times per cell: how often the test calls them different, as a multiple of α (target 0.8–1.3; **bold** outside it). Two-sided, before Benjamini–Hochberg.", ""]
    out += ["| answers | test | segment n | rest n | α = 0.05 | α = 0.0025 |", "|---|---|---|---|---|---|"]
    grid = [(a, b) for a in (30, 100, 1000) for b in (30, 1000, 10000)]
    for name, shares in NPS_MIXES.items():
        for n_a, n_b in grid:
            ca, cb = rng.multinomial(n_a, shares, size=runs), rng.multinomial(n_b, shares, size=runs)
            ma, mb = moments(ca, NPS_POINTS), moments(cb, NPS_POINTS)
            pooled = [stats.pooled_test((x, y, w, n_a), (u, v, s, n_b)).p for x, y, w, u, v, s in zip(*(m.tolist() for m in (*ma, *mb)))]
            sa, sb = (ca / n_a).tolist(), (cb / n_b).tolist()
            adjusted = [stats.nps_adjusted_wald_diff_test((a[2], a[1], a[0], n_a), (b[2], b[1], b[0], n_b))[1] for a, b in zip(sa, sb)]
            wald = [stats.nps_diff_test((a[2], a[1], a[0], n_a), (b[2], b[1], b[0], n_b))[1] for a, b in zip(sa, sb)]
            for label, p in (("pooled (default)", pooled), ("adjusted-Wald", adjusted), ("Wald", wald)):
                out.append(f"| NPS {name} | {label} | {n_a} | {n_b} | {_size(p)} |")
    for name, share in PROPORTIONS.items():
        for n_a, n_b in grid:
            ka, kb = rng.binomial(n_a, share, size=runs) / n_a, rng.binomial(n_b, share, size=runs) / n_b
            p = [stats.pooled_test((*stats.proportion_moments(a), n_a), (*stats.proportion_moments(b), n_b)).p for a, b in zip(ka.tolist(), kb.tolist())]
            out.append(f"| % {name} | pooled | {n_a} | {n_b} | {_size(p)} |")
    for name, shares in SCALES.items():
        points = np.arange(1, len(shares) + 1, dtype=float)
        for n_a, n_b in grid:
            ma = moments(rng.multinomial(n_a, shares, size=runs), points)
            mb = moments(rng.multinomial(n_b, shares, size=runs), points)
            p = [stats.pooled_test((x, y, w, n_a), (u, v, s, n_b)).p for x, y, w, u, v, s in zip(*(m.tolist() for m in (*ma, *mb)))]
            out.append(f"| mean, {name} | pooled | {n_a} | {n_b} | {_size(p)} |")
    return out + [""]


def _size(p_values: list[float]) -> str:
    p = np.array(p_values)
    cells = []
    for alpha in ALPHAS:
        ratio = float(np.mean(p < alpha)) / alpha
        cells.append(f"**{ratio:.2f}**" if not 0.8 <= ratio <= 1.3 else f"{ratio:.2f}")
    return " | ".join(cells)


# --- 3. many segments ---------------------------------------------------------------------------

def family(rng: np.random.Generator, runs: int) -> list[str]:
    out = ["## 3. Twenty identical agents", "", f"20 agents of 40 answers each, all from the NPS mix 27/35/38; each tested against the other 19, Benjamini–Hochberg over the 20, {runs:,} runs. Share of runs with at least one agent marked ▲/▼ (the promise: 5%).", ""]
    out += ["| test | runs with a false ▲/▼ |", "|---|---|"]
    shares = NPS_MIXES["typical 27/35/38"]
    counts = rng.multinomial(40, shares, size=(runs, 20))
    for label, test in (("pooled (default)", "pooled"), ("adjusted-Wald", "adjusted-wald"), ("Wald", "wald")):
        flagged = 0
        for run in counts:
            total = run.sum(axis=0)
            p_values = []
            for agent in run:
                rest = total - agent
                if test == "pooled":
                    a, b = moments(agent[None, :], NPS_POINTS), moments(rest[None, :], NPS_POINTS)
                    p_values.append(stats.pooled_test((*(float(m[0]) for m in a), 40), (*(float(m[0]) for m in b), 760)).p)
                else:
                    fn = stats.nps_adjusted_wald_diff_test if test == "adjusted-wald" else stats.nps_diff_test
                    p_values.append(fn((agent[2] / 40, agent[1] / 40, agent[0] / 40, 40), (rest[2] / 760, rest[1] / 760, rest[0] / 760, 760))[1])
            flagged += min(stats.benjamini_hochberg(p_values)) < 0.05
        out.append(f"| {label} | {flagged / runs:.3f} |")
    return out + [""]


# --- 4. alerts ----------------------------------------------------------------------------------

ALERT_MIX = [0.27, 0.35, 0.38]  # detractors, passives, promoters: NPS +11


def _weekly_tallies(rng: np.random.Generator, n: int, periods: int, runs: int, drop: float, slope: float) -> list[list]:
    """runs × periods NPS tallies (0–10 scale: detractor 0, passive 7, promoter 9); the last period
    lower by ``drop`` points and every period by ``slope`` points per period."""
    from cxscore.tally import Tally

    out = []
    for _run in range(runs):
        row = []
        for k in range(periods):
            shift = (slope * (periods - 1 - k) - (drop if k == periods - 1 else 0)) / 200  # half from promoters, half to detractors
            d, p0, p = ALERT_MIX[0] - shift, ALERT_MIX[1], ALERT_MIX[2] + shift
            counts = rng.multinomial(n, [d, p0, p])
            t = Tally.empty(11)
            t.counts[[0, 7, 9]] += counts
            t.weighted[[0, 7, 9]] += counts
            t.weights_sq = float(n)
            row.append(t)
        out.append(row)
    return out


def _alert_rate(spec, series: list[list], baseline: int, trend, confidence: float) -> float:
    from cxscore.metrics import compare, summarise, summary
    from cxscore.metrics import trend as trend_test

    alerts = 0
    for row in series:
        sums = summarise(spec, row)
        window = row[-1 - baseline : -1]
        other = window[0].copy()
        for t in window[1:]:
            other += t
        diff, p, _ = compare(spec, sums[-1], summary(spec, other))
        family = [(p, diff)]
        if trend:
            fit = trend_test(spec, row[-trend:], sums[-trend:], confidence)
            family.append((fit["p_value"], fit["slope"]))
        adjusted = stats.benjamini_hochberg([p for p, _ in family])
        alerts += any(q < 1 - confidence and d < 0 for q, (_, d) in zip(adjusted, family))
    return alerts / len(series)


def alerts(rng: np.random.Generator, runs: int) -> list[str]:
    from cxscore.config import MetricSpec

    spec = MetricSpec(type="nps", column="q")
    out = ["## 4. Alerts from a cron job", ""]
    out += [f"`--fail-on-significant-drop` on the latest period of an NPS +11 process (38/35/27), {runs:,} runs per cell. "
            "False alerts per year: a process that never changes, one run per period. "
            "Caught: the latest period 15 points lower. Gradual: 2 points lower every period for 8 periods, nothing sudden.", ""]
    out += ["| runs | n per period | options | false alerts per year | caught: a 15-point drop | caught: 2 points a period |", "|---|---|---|---|---|---|"]
    for cadence, per_year, n in (("weekly", 52, 100), ("weekly", 52, 400), ("monthly", 12, 400), ("monthly", 12, 1600)):
        for label, baseline, trend, confidence in (("(defaults)", 1, None, 0.95), ("--baseline 4", 4, None, 0.95), ("--trend 8", 1, 8, 0.95), ("--confidence 0.99", 1, None, 0.99), ("--baseline 4 --trend 8 --confidence 0.99", 4, 8, 0.99)):
            periods = max(baseline + 1, trend or 0)
            null = _alert_rate(spec, _weekly_tallies(rng, n, periods, runs, 0, 0), baseline, trend, confidence)
            drop = _alert_rate(spec, _weekly_tallies(rng, n, periods, runs, 15, 0), baseline, trend, confidence)
            slow = _alert_rate(spec, _weekly_tallies(rng, n, max(periods, 8), runs, 0, 2), baseline, trend, confidence)
            out.append(f"| {cadence} | {n} | {label} | {null * per_year:.2f} | {drop:.2f} | {slow:.2f} |")
    out += ["", "The family of an alert is the latest period's tests only, so these rates do not depend on how many earlier periods the file holds.", ""]
    return out


# --- 5. plan -------------------------------------------------------------------------------------

def plans(rng: np.random.Generator, runs: int) -> list[str]:
    from cxscore.planning import sample_size

    z = stats.z_value(0.95)
    out = ["## 5. Does `cxscore plan`'s n reach its margin?", ""]
    out += [f"{runs:,} samples of the planned size each; the share whose reported 95% interval (adjusted-Wald, Wilson, adjusted t) is within ±margin. "
            "The expected margin is reached about half the time by design; `--assurance 0.8` should reach it ≥ 80% of the time. "
            "Before: the Wald rule of thumb the first `plan` used.", ""]
    out += ["| plan | before: n | reached | expected: n | reached | --assurance 0.8: n | reached |", "|---|---|---|---|---|---|---|"]

    def nps_reached(n: int, shares: list[float], margin: float) -> float:
        rows, times = distinct(rng.multinomial(n, shares, size=runs))
        half = np.array([50 * (lambda ci: ci.high - ci.low)(stats.nps_interval(r[2] / n, r[1] / n, r[0] / n, n, 0.95)) for r in rows])
        return float(np.average(half <= margin + 1e-9, weights=times))

    for (d, p), margin in (((0.2, 0.5), 10), ((0.01, 0.98), 5), ((0.27, 0.38), 5)):
        shares = [d, 1 - d - p, p]
        before = max(1, math.ceil(z * z * stats.nps_variance(p, 1 - d - p, d) / (margin / 100) ** 2 - 3))
        cells = [f"{before:,} | {nps_reached(before, shares, margin):.2f}"]
        for assurance in (None, 0.8):
            n = sample_size("nps", margin, promoters=p, detractors=d, assurance=assurance)["n"]
            cells.append(f"{n:,} | {nps_reached(n, shares, margin):.2f}")
        out.append(f"| NPS {p:.0%} promoters, {d:.0%} detractors, ±{margin} | {' | '.join(cells)} |")
    for share, margin in ((0.8, 3), (0.95, 2)):
        before = math.ceil(z * z * share * (1 - share) / (margin / 100) ** 2)
        cells = []
        for n in (before, sample_size("csat", margin, expected=100 * share)["n"], sample_size("csat", margin, expected=100 * share, assurance=0.8)["n"]):
            k, times = np.unique(rng.binomial(n, share, size=runs), return_counts=True)
            half = np.array([50 * (lambda ci: ci.high - ci.low)(stats.wilson_interval(x / n, n, 0.95)) for x in k])
            cells.append(f"{n:,} | {np.average(half <= margin + 1e-9, weights=times):.2f}")
        out.append(f"| {share:.0%} satisfied, ±{margin} points | {' | '.join(cells)} |")
    for name, margin in (("1–5 symmetric", 0.1), ("1–7 ceiling (50% sevens)", 0.1)):
        shares = {**SCALES}[name]
        points = np.arange(1, len(shares) + 1, dtype=float)
        mean = float(np.dot(shares, points))
        sd = math.sqrt(float(np.dot(shares, (points - mean) ** 2)))
        before = math.ceil((z * sd / margin) ** 2)
        cells = []
        for n in (before, sample_size("ces", margin, sd=sd)["n"], sample_size("ces", margin, sd=sd, assurance=0.8)["n"]):
            m, m2, _ = moments(rng.multinomial(n, shares, size=runs), points)
            half = np.array([(lambda ci: (ci.high - ci.low) / 2)(stats.adjusted_t_interval(a, b, n, 1, len(shares), 0.95)) for a, b in zip(m.tolist(), m2.tolist())])
            cells.append(f"{n:,} | {np.mean(half <= margin + 1e-9):.2f}")
        out.append(f"| mean, {name} (SD {sd:.2f}), ±{margin} | {' | '.join(cells)} |")
    return out + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every run count (0.2 while developing)")
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "stats_sim.md")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    runs = lambda k: max(100, int(k * args.scale))  # noqa: E731
    lines = ["# cxscore statistics: simulated coverage, size and alerts", ""]
    lines += [f"`python bench/stats_sim.py --scale {args.scale:g} --seed {args.seed}`; cxscore's own functions on simulated answers.", ""]
    for section, k in ((coverage, 4000), (sizes, 100000), (family, 2000), (alerts, 2000), (plans, 2000)):
        lines += section(rng, runs(k))
    lines += [f"_{time.perf_counter() - started:.0f} s on one core._", ""]
    text = "\n".join(lines)
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
