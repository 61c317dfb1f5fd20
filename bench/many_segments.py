"""High-cardinality segments (issue 18 item 2): `--by customer` with 200,000 distinct customers on
3,000,000 rows, `score --bottom 20` and `report --bottom 20` against the plain run, in turn per round.

    python bench/many_segments.py [--rows 3000000 --customers 200000 --repeat 3]
    python bench/many_segments.py --crossover 20000 30000 50000 [--rows 3000000 --repeat 3]

The export is bench/generate.py's with a `customer` column (seeded, Zipf-like: a few large customers,
many with a handful of answers), written once to bench/data/. Writes the section "Many segments" of
bench/results.md with the load average before and after.

``--crossover N ...`` instead times `score --by customer --bottom 20` read by one worker against two
(forced both ways), in turn per round, on exports whose N customers are drawn uniformly for every row
(each worker then meets every customer, as in a shuffled export), with the share of distinct customers
in each file's first 2,000 rows (what ``pipeline.one_worker_for`` sees): section "One worker or two".
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import BLOCK, block  # noqa: E402
from run import ENV, PY, measure_cpu, write_section  # noqa: E402

HERE = Path(__file__).resolve().parent


def export(rows: int, customers: int, seed: int = 11, uniform: bool = False) -> Path:
    """generate.py's export with a customer column (cached under bench/data/); ``uniform``: every row's
    customer drawn uniformly, else every customer once first, then a skewed draw."""
    path = HERE / "data" / f"customers_{'uniform_' if uniform else ''}{rows}_{customers}.csv"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    names = np.array([f"C{i:06d}" for i in range(customers)])
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    for start in range(0, rows, BLOCK):
        size = min(BLOCK, rows - start)
        table = block(rng, start, size)
        # every customer appears (the first `customers` rows cycle through them), then a skewed draw
        if uniform:
            ids = rng.integers(0, customers, size)
        else:
            ids = np.minimum(rng.zipf(1.3, size) - 1, customers - 1) if start else np.arange(size) % customers
        table = table.append_column("customer", pa.array(names[ids]))
        writer = writer or pacsv.CSVWriter(str(path), table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    return path


#: Two workers forced: the one-worker choice switched off for this process (the library's ``processes=`` is kept as given; the CLI has no option for it).
TWO_WORKERS = "import sys, cxscore.pipeline as p; p.ONE_WORKER_SHARE = 2.0; from cxscore.cli import main; sys.argv[0] = 'cxscore'; main()"


def sampled_share(path: Path, rows: int = 2000) -> float:
    """The share of distinct customers in the file's first ``rows`` rows (what the planning sample sees)."""
    first = pacsv.open_csv(str(path), convert_options=pacsv.ConvertOptions(include_columns=["customer"])).read_next_batch()
    return len(set(first.column(0).to_pylist()[:rows])) / min(rows, first.num_rows)


def crossover(args: argparse.Namespace) -> None:
    """One worker against two on uniform exports of each size in ``args.crossover``, in turn per round."""
    env_one = {**ENV, "CXSCORE_WORKERS": "1", "CXSCORE_MAX_GROUPS": "10000000"}
    env_two = {**ENV, "CXSCORE_WORKERS": "2", "CXSCORE_MAX_GROUPS": "10000000"}
    load_before = os.getloadavg()
    body = [
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores (shared), load average {load_before[0]:.1f} before, AFTER after; "
        f"`score --by customer --bottom 20 -q` on {args.rows:,} rows whose customers are drawn uniformly (each worker meets every customer), "
        f"read by one worker (`CXSCORE_WORKERS=1`) and by two (forced: the one-worker choice off), in turn in each of {args.repeat} rounds; "
        "medians, ratios one ÷ two per round (CPU: user + system of the process and its workers; peak: PSS summed over them).",
        "",
        "| customers | distinct in the first 2,000 rows | two workers wall s | CPU s | peak MB | one worker wall s | CPU s | peak MB | one ÷ two, wall (per round) | one ÷ two, CPU (per round) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for customers in args.crossover:
        path = export(args.rows, customers, uniform=True)
        share = sampled_share(path)
        cmd = ["score", str(path), "--by", "customer", "--bottom", "20", "-q"]
        runs: dict[str, list[tuple[float, float, float]]] = {"two": [], "one": []}
        for _ in range(args.repeat):
            runs["two"].append(measure_cpu([PY, "-c", TWO_WORKERS, *cmd], env_two))
            runs["one"].append(measure_cpu([PY, "-m", "cxscore", *cmd], env_one))
            print(customers, runs["two"][-1], runs["one"][-1], flush=True)
        med = {k: [statistics.median(r[i] for r in v) for i in range(3)] for k, v in runs.items()}
        wall = [o[0] / t[0] for o, t in zip(runs["one"], runs["two"])]
        cpu = [o[2] / t[2] for o, t in zip(runs["one"], runs["two"])]
        body.append(
            f"| {customers:,} | {share:.1%} | {med['two'][0]:.2f} | {med['two'][2]:.2f} | {med['two'][1]:.0f} | {med['one'][0]:.2f} | {med['one'][2]:.2f} | {med['one'][1]:.0f} "
            f"| {statistics.median(wall):.2f}× ({', '.join(f'{r:.2f}' for r in wall)}) | {statistics.median(cpu):.2f}× ({', '.join(f'{r:.2f}' for r in cpu)}) |"
        )
    body[0] = body[0].replace("AFTER", f"{os.getloadavg()[0]:.1f}")
    write_section(args.out, "One worker or two", body)
    print("\n".join(body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    parser.add_argument("--crossover", type=int, nargs="*", default=[], help="customer counts: time one worker against two on uniform exports of these sizes instead")
    args = parser.parse_args()
    if args.crossover:
        crossover(args)
        return
    path = export(args.rows, args.customers)
    ENV["CXSCORE_MAX_GROUPS"] = str(2 * args.customers)
    load_before = os.getloadavg()
    cx = [PY, "-m", "cxscore"]
    runs = {
        "score (plain)": [*cx, "score", str(path), "-q"],
        "score --by customer --bottom 20": [*cx, "score", str(path), "--by", "customer", "--bottom", "20", "-q"],
        "report --by customer --bottom 20": [*cx, "report", str(path), "--by", "customer", "--bottom", "20", "-q", "-o", str(HERE / "data" / "many_segments.xlsx")],
    }
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, cmd in runs.items():
            times[name].append(measure_cpu(cmd))
            print(name, times[name][-1], flush=True)
    load_after = os.getloadavg()
    plain = [wall for wall, _, _ in times["score (plain)"]]
    plain_cpu = [cpu for _, _, cpu in times["score (plain)"]]
    body = [
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average {load_before[0]:.1f} before, {load_after[0]:.1f} after;",
        f"{args.rows:,} rows, {args.customers:,} customers ({path.stat().st_size / 1e6:.0f} MB), medians of {args.repeat} taken in turn, ratios per round against the plain run (CPU: user + system of the process and its workers):",
        "",
        "| run | wall s | CPU s | peak MB | × plain, wall (per round, median) | per round | × plain, CPU (median) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, rows in times.items():
        ratios = [wall / p for (wall, _, _), p in zip(rows, plain)]
        cpu_ratio = statistics.median(cpu / p for (_, _, cpu), p in zip(rows, plain_cpu))
        body.append(
            f"| `{name}` | {statistics.median(r[0] for r in rows):.2f} | {statistics.median(r[2] for r in rows):.2f} | {statistics.median(r[1] for r in rows):.0f} "
            f"| {statistics.median(ratios):.2f}× | {', '.join(f'{r:.2f}' for r in ratios)} | {cpu_ratio:.2f}× |"
        )
    write_section(args.out, "Many segments", body)
    print("\n".join(body))


if __name__ == "__main__":
    main()
