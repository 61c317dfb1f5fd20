"""High-cardinality segments (issue 18 item 2): `--by customer` with 200,000 distinct customers on
3,000,000 rows, `score --bottom 20` and `report --bottom 20` against the plain run, in turn per round.

    python bench/many_segments.py [--rows 3000000 --customers 200000 --repeat 3]

The export is bench/generate.py's with a `customer` column (seeded, Zipf-like: a few large customers,
many with a handful of answers), written once to bench/data/. Writes the section "Many segments" of
bench/results.md with the load average before and after.
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


def export(rows: int, customers: int, seed: int = 11) -> Path:
    """generate.py's export with a customer column (cached under bench/data/)."""
    path = HERE / "data" / f"customers_{rows}_{customers}.csv"
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
        ids = np.minimum(rng.zipf(1.3, size) - 1, customers - 1) if start else np.arange(size) % customers
        table = table.append_column("customer", pa.array(names[ids]))
        writer = writer or pacsv.CSVWriter(str(path), table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
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
