"""cxscore side by side with the tools a data person would reach for (issue 18 item 6), in ONE run.

    python bench/peers.py [--rows 5000000 --repeat 3 --many-rows 200000 --many-repeat 2]

The same job for everyone: NPS (promoters 9–10 minus detractors 0–6), CSAT (% 4–5) and CES (mean)
overall, by channel, by month and by channel × month, on bench/generate.py's export (seed 7):
  cxscore      `cxscore score FILE --by channel --period month -f json` (with intervals and tests)
  DuckDB       one SQL query, GROUPING SETS over read_csv (counts, then the three scores), COPY to JSON lines
  Polars       the lazy query: scan_csv, counts per channel × month, the roll-ups summed from them, NDJSON
  pandas       bench/pandas_baseline.py (read_csv, to_datetime, three groupbys)
  parse floor  bench/parse_floor.py (pyarrow merely parsing the five columns)
After one uncounted run of each, every round runs every tool once, in turn, so a drift of the shared
machine hits all alike; wall, CPU (user + system, worker processes included) and peak memory (RSS
and PSS summed over the process and its children, sampled every 10 ms) per run; medians, and
ratios against cxscore per round.
Then the many-cell shape (`--by agent --by region --period week` on --many-rows rows: ~300,000
result rows) for cxscore's JSON, JSON Lines and CSV against DuckDB and Polars doing the same counts.
Writes the section "Peers: DuckDB, Polars, pandas, parse floor" of bench/results.md.
Needs duckdb, polars and pandas (pip install '.[bench]'). Run it from outside the checkout.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import ENV, PY, export_file, memory_kb, tree, write_section  # noqa: E402

NPS, CSAT, CES = "Recommend (0-10)", "Satisfaction (1-5)", "Ease (1-7)"


def _sql(path: str, keys: list[str], period: str) -> str:
    """DuckDB: the counts and scores for every grouping set of ``keys`` × period, in one query."""
    sets = ", ".join(f"({', '.join(s)})" for s in ([], keys, ["period"], [*keys, "period"]))
    cols = ", ".join(keys)
    return f"""
        WITH r AS (SELECT {cols}, date_trunc('{period}', submitted_at) AS period,
                          "{NPS}" AS nps, "{CSAT}" AS csat, "{CES}" AS ces FROM read_csv('{path}'))
        SELECT {cols}, period,
               count(nps) AS nps_n, count_if(nps >= 9) AS promoters, count_if(nps <= 6) AS detractors,
               100.0 * (count_if(nps >= 9) - count_if(nps <= 6)) / count(nps) AS nps,
               count(csat) AS csat_n, count_if(csat >= 4) AS satisfied, 100.0 * count_if(csat >= 4) / count(csat) AS csat,
               count(ces) AS ces_n, sum(ces) AS ces_sum, avg(ces) AS ces
        FROM r GROUP BY GROUPING SETS ({sets})"""


def run_duckdb(path: str, keys: list[str], period: str) -> None:
    import duckdb

    duckdb.sql(f"COPY ({_sql(path, keys, period)}) TO '/dev/stdout' (FORMAT json)")  # its own writer: JSON lines


def polars_frames(path: str, keys: list[str], period: str) -> list:
    """Polars: the counts and scores overall, by ``keys``, by period and by both, from one lazy plan."""
    import polars as pl

    every = {"month": "1mo", "week": "1w"}[period]
    # The timestamp format given: try_parse_dates=True took 3.5× as long here (it infers every column).
    when = pl.col("submitted_at").str.to_datetime("%Y-%m-%d %H:%M:%S").dt.truncate(every)
    scan = pl.scan_csv(path).select(*keys, when.alias("period"), NPS, CSAT, CES)
    counts = [
        pl.col(NPS).count().alias("nps_n"), (pl.col(NPS) >= 9).sum().cast(pl.Int64).alias("promoters"), (pl.col(NPS) <= 6).sum().cast(pl.Int64).alias("detractors"),
        pl.col(CSAT).count().alias("csat_n"), (pl.col(CSAT) >= 4).sum().alias("satisfied"), pl.col(CES).count().alias("ces_n"), pl.col(CES).sum().alias("ces_sum"),
    ]
    cells = scan.group_by(*keys, "period").agg(counts)
    sums = [pl.col(c).sum() for c in ("nps_n", "promoters", "detractors", "csat_n", "satisfied", "ces_n", "ces_sum")]
    scores = [
        (100 * (pl.col("promoters") - pl.col("detractors")) / pl.col("nps_n")).alias("nps"),
        (100 * pl.col("satisfied") / pl.col("csat_n")).alias("csat"), (pl.col("ces_sum") / pl.col("ces_n")).alias("ces"),
    ]
    return pl.collect_all([
        cells.select(sums).with_columns(scores),
        cells.group_by(*keys).agg(sums).with_columns(scores),
        cells.group_by("period").agg(sums).with_columns(scores),
        cells.with_columns(scores),
    ])


def run_polars(path: str, keys: list[str], period: str) -> None:
    import polars as pl

    pl.concat(polars_frames(path, keys, period), how="diagonal_relaxed").write_ndjson(sys.stdout.buffer)  # its own writer: JSON lines


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """Wall and CPU seconds (user + system of the process and the workers it waited for, the kernel's
    accounting) and peak RSS and PSS in MB, summed over the process tree, sampled every 10 ms."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
        peak_rss = peak_pss = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss, pss = memory_kb(tree(proc.pid))
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            time.sleep(0.01)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed: {err.read().decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, max(usage.ru_maxrss, peak_rss) / 1024, peak_pss / 1024


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--job":  # one contender, in its own process: python peers.py --job duckdb FILE month key...
        tool, path, period, *keys = sys.argv[2:]
        {"duckdb": run_duckdb, "polars": run_polars}[tool](path, keys, period)
        return

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--many-rows", type=int, default=200_000, help="rows of the many-cell shape (0: skip it)")
    parser.add_argument("--many-repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()

    versions = {name: version(name) for name in ("duckdb", "polars", "pandas", "pyarrow")}  # not imported: a child's peak RSS starts at its parent's
    me = [PY, str(Path(__file__).resolve()), "--job"]
    cx = [PY, "-m", "cxscore", "score"]
    path = str(export_file(args.rows))
    load_before = os.getloadavg()
    body = [
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, **{os.cpu_count()} cores** (shared), Python {platform.python_version()}; "
        f"DuckDB {versions['duckdb']}, Polars {versions['polars']}, pandas {versions['pandas']}, pyarrow {versions['pyarrow']}. "
        "Every tool once per round, in turn; medians over the rounds, ratios taken per round against cxscore's run of that round "
        "(> 1: slower or larger than cxscore). CPU is user + system of the process and its workers; peak memory is summed over the process and its "
        "children, as resident (RSS: counts the pages forked workers share with their parent once per process) and proportional (PSS: shared pages split).",
        "",
    ]

    def shape(title: str, runs: dict[str, list[str]], repeat: int) -> None:
        times: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in runs}
        for cmd in runs.values():  # one uncounted run each: page cache, bytecode cache
            measure(cmd, ENV)
        for round_ in range(repeat):
            for name, cmd in runs.items():
                times[name].append(measure(cmd, ENV))
                wall, cpu, rss, pss = times[name][-1]
                print(f"  round {round_ + 1} {name:<52} wall {wall:6.2f} s  cpu {cpu:6.2f} s  rss {rss:6.0f} MB  pss {pss:6.0f} MB", flush=True)
        base = times[next(iter(runs))]
        body.extend([
            title, "",
            "| run | wall s | CPU s | peak RSS MB | peak PSS MB | wall ÷ cxscore | CPU ÷ cxscore | PSS ÷ cxscore |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ])
        for name, rows in times.items():
            medians = [statistics.median(r[i] for r in rows) for i in range(4)]
            ratios = [statistics.median(r[i] / b[i] for r, b in zip(rows, base)) for i in (0, 1, 3)]
            body.append(f"| {name} | {medians[0]:.2f} | {medians[1]:.2f} | {medians[2]:.0f} | {medians[3]:.0f} | " + " | ".join(f"{x:.2f}×" for x in ratios) + " |")
        body.append("")

    print(f"{args.rows:,} rows ({Path(path).stat().st_size / 1e6:.0f} MB), {os.cpu_count()} cores", flush=True)
    shape(
        f"**Plain job**: {args.rows:,} rows ({Path(path).stat().st_size / 1e6:.0f} MB CSV), NPS/CSAT/CES overall, by channel, by month, by channel × month; {args.repeat} rounds.",
        {
            "cxscore `score --by channel --period month -f json`": [*cx, path, "--by", "channel", "--period", "month", "-f", "json", "-q"],
            "DuckDB (SQL, GROUPING SETS)": [*me, "duckdb", path, "month", "channel"],
            "Polars (lazy)": [*me, "polars", path, "month", "channel"],
            "pandas script": [PY, str(HERE / "pandas_baseline.py"), path],
            "pyarrow parse floor": [PY, str(HERE / "parse_floor.py"), path],
        },
        args.repeat,
    )
    if args.many_rows:
        many = str(export_file(args.many_rows))
        ENV["CXSCORE_MAX_GROUPS"] = "10000000"
        opts = ["--by", "agent", "--by", "region", "--period", "week", "-q"]
        shape(
            f"**Many cells**: {args.many_rows:,} rows, `--by agent --by region --period week` (~300,000 result rows); DuckDB and Polars count "
            f"the same grouping sets (overall, agent × region, week, agent × region × week); {args.many_repeat} rounds.",
            {
                "cxscore `-f json`": [*cx, many, *opts, "-f", "json"],
                "cxscore `-f jsonl`": [*cx, many, *opts, "-f", "jsonl"],
                "cxscore `-f csv`": [*cx, many, *opts, "-f", "csv"],
                "DuckDB (SQL, GROUPING SETS)": [*me, "duckdb", many, "week", "agent", "region"],
                "Polars (lazy)": [*me, "polars", many, "week", "agent", "region"],
            },
            args.many_repeat,
        )
    load_after = os.getloadavg()
    body.append(f"Load average {load_before[0]:.1f} before the run, {load_after[0]:.1f} after.")
    write_section(args.out, "Peers: DuckDB, Polars, pandas, parse floor", body)
    print("\n".join(body))


if __name__ == "__main__":
    main()
