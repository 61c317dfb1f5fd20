"""Seeded simulation of cxscore.drivers: do the group-bootstrap intervals cover, and how fast is it?

    python bench/drivers_sim.py [--runs 1000] [--seed 20261201] [--out bench/drivers_sim.md]

  1. coverage of the 95% group-bootstrap interval (G = 200 row-groups, B = 200) of every
     importance share, relative weights and Shapley, 4 equicorrelated normal drivers (r = 0.4)
     and rounded 1–5 ratings with a 0–10 outcome (the share of the rounded population is taken
     from one 4M-row draw), at n = 300, 1,000 and 5,000;
  2. time to add 1M and 5M rows × 8 columns (outcome + 7 drivers) into 200 row-groups, in
     100k-row blocks, with and without weights; time of analyse() (bootstrap B = 200) for 7 and
     12 drivers and both methods.
Prints Markdown and writes it to --out.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cxscore.drivers import MomentTable, analyse, bootstrap, importance, row_groups  # noqa: E402

COEF = np.array([0.6, 0.4, 0.25, 0.1])
RHO = 0.4


def draw(kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """Columns outcome, drivers (columns × rows)."""
    rxx = np.full((4, 4), RHO) + (1 - RHO) * np.eye(4)
    x = rng.normal(size=(n, 4)) @ np.linalg.cholesky(rxx).T
    y = x @ COEF + rng.normal(size=n)
    if kind == "ratings":
        x = np.clip(np.round(3 + x), 1, 5)
        y = np.clip(np.round(6 + 2 * y), 0, 10)
    return np.vstack([y, x.T])


def truth(kind: str, method: str) -> np.ndarray:
    if kind == "normal":
        rxx = np.full((4, 4), RHO) + (1 - RHO) * np.eye(4)
        rxy = rxx @ COEF / np.sqrt(COEF @ rxx @ COEF + 1)
        corr = np.block([[np.ones((1, 1)), rxy[None, :]], [rxy[:, None], rxx]])
    else:
        big = MomentTable(5)
        big.add(list(draw(kind, np.random.default_rng(7), 4_000_000)))
        corr = big.total().correlation()
    return importance(corr, method)[0]


def coverage(runs: int, seed: int) -> list[str]:
    lines = ["| data | method | n | coverage (4 shares) | per driver | median width (points) |", "|---|---|---|---|---|---|"]
    rng = np.random.default_rng(seed)
    for kind in ("normal", "ratings"):
        for method in ("relative_weights", "shapley"):
            true = truth(kind, method)
            for n in (300, 1000, 5000):
                hits, widths = [], []
                for _ in range(runs):
                    table = MomentTable(5, 200)
                    table.add(list(draw(kind, rng, n)), row_groups(np.arange(n), 200, seed=int(rng.integers(1 << 30))))
                    low, high, _, _ = bootstrap(table, method, 200, seed=int(rng.integers(1 << 30)))
                    hits.append((low <= true) & (true <= high))
                    widths.append(high - low)
                h = np.array(hits)
                per = " / ".join(f"{v:.3f}" for v in h.mean(axis=0))
                lines.append(f"| {kind} | {method} | {n:,} | {h.mean():.3f} | {per} | {np.median(np.array(widths)):.1f} |")
                print(lines[-1], flush=True)
    return lines


def speed(seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    lines = ["| task | seconds |", "|---|---|"]
    block = 100_000
    data = np.vstack([rng.integers(0, 11, size=block), rng.integers(1, 6, size=(7, block))]).astype(np.float64)
    weights = rng.uniform(0.5, 2, size=block)
    for rows in (1_000_000, 5_000_000):
        for weighted in (False, True):
            table = MomentTable(8, 200, top_two=np.array([9, 4, 4, 4, 4, 4, 4, 4]))
            start = time.perf_counter()
            for first in range(0, rows, block):
                table.add(list(data), row_groups(np.arange(first, first + block)), weights if weighted else None)
            lines.append(f"| add {rows:,} rows × 8 columns into 200 row-groups{' , weighted' if weighted else ''} | {time.perf_counter() - start:.2f} |")
            print(lines[-1], flush=True)
    for p in (7, 12):
        coef = np.linspace(1, 0.1, p)
        x = rng.normal(size=(20_000, p)) + rng.normal(size=(20_000, 1))
        y = x @ coef + 2 * rng.normal(size=20_000)
        table = MomentTable(p + 1, 200)
        table.add([y, *x.T], row_groups(np.arange(20_000)))
        for method in ("relative_weights", "shapley"):
            start = time.perf_counter()
            analyse(table, ["y", *(f"d{j}" for j in range(p))], method)
            lines.append(f"| analyse(), {p} drivers, {method}, B = 200 | {time.perf_counter() - start:.3f} |")
            print(lines[-1], flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("drivers_sim.md"))
    args = parser.parse_args()
    text = [
        "# cxscore.drivers: simulated coverage and speed", "",
        f"`python bench/drivers_sim.py --runs {args.runs} --seed {args.seed}` (2 shared cores).", "",
        "## 1. Coverage of the 95% group-bootstrap interval of each importance share", "",
        f"{args.runs:,} samples per row; G = 200 row-groups, B = 200 resamples. Target 0.95.", "",
        *coverage(args.runs, args.seed), "",
        "## 2. Speed", "", *speed(args.seed), "",
    ]
    args.out.write_text("\n".join(text), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
