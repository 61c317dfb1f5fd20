"""Excel reading: cxscore against fastexcel's own load and pandas.read_excel(engine="calamine"), in one run.

    python bench/excel.py --rows 1000000 --repeat 3

Builds the seeded 1M-row workbook once (bench/generate.py, cached under bench/data/, gitignored),
then times, in turn (A B C D, A B C D, …, so drift hits all alike), the wall and CPU seconds and
the peak memory of each whole process:
  (a) cxscore score FILE --by channel --period month -f json (the sheet read by fastexcel)
  (b) fastexcel loading the sheet into Arrow (all columns): the bar for an Arrow-speed reader
  (c) pandas.read_excel(FILE, engine="calamine"): the bar users know
  (d) (a) with CXSCORE_EXCEL_READER=calamine: cxscore's reading before fastexcel, and its fallback
and writes the medians and the ratios taken round by round to the "Excel" section of
bench/results.md (issue 18: (a) within 1.3× of (b), and at least 3× faster than (c)), with the load
average before and after. Run it from outside the checkout (cd /tmp). Needs pip install '.[bench]' (pandas).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
from datetime import datetime, timezone
from pathlib import Path

from run import HERE, PY, export_file, measure_cpu, write_section

SECTION = "Excel (bench/excel.py)"
FASTEXCEL = "import sys, fastexcel; fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()"
PANDAS = "import sys, pandas; pandas.read_excel(sys.argv[1], engine='calamine')"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    workbook = str(export_file(args.rows, ".xlsx"))
    score = [PY, "-m", "cxscore", "score", workbook, "--by", "channel", "--period", "month", "-f", "json", "-q"]
    commands = {
        "(a) cxscore score .xlsx (fastexcel)": score,
        "(b) fastexcel load (Arrow)": [PY, "-c", FASTEXCEL, workbook],
        "(c) pandas.read_excel calamine": [PY, "-c", PANDAS, workbook],
        "(d) cxscore score .xlsx, CXSCORE_EXCEL_READER=calamine": ["env", "CXSCORE_EXCEL_READER=calamine", *score],
    }
    load = os.getloadavg()[0]
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
    for i in range(args.repeat):
        for name, cmd in commands.items():
            runs[name].append(measure_cpu(cmd))
            wall, mb, cpu = runs[name][-1]
            print(f"  run {i + 1}: {name:<56} {wall:7.2f} s  {cpu:7.2f} s CPU  {mb:7.0f} MB", flush=True)
    after = os.getloadavg()[0]
    a, b, c, d = (runs[name] for name in commands)

    def ratios(top: list, bottom: list, k: int) -> str:
        per_round = [t[k] / u[k] for t, u in zip(top, bottom)]
        return f"**{statistics.median(per_round):.2f}×** (rounds: {', '.join(f'{r:.2f}' for r in per_round)})"

    med = {name: (statistics.median(r[0] for r in rs), statistics.median(r[2] for r in rs), max(r[1] for r in rs)) for name, rs in runs.items()}
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {len(os.sched_getaffinity(0))} cores shared with other work "
        f"(load average {load:.1f} before, {after:.1f} after); {args.rows:,}-row .xlsx (bench/generate.py, seed 7); {args.repeat} rounds, the four commands in turn in each.",
        "",
        "| run | median wall s | median CPU s | peak MB | each round wall s |",
        "|---|---:|---:|---:|---|",
        *[f"| {name} | {med[name][0]:.2f} | {med[name][1]:.2f} | {med[name][2]:.0f} | {', '.join(f'{r[0]:.2f}' for r in runs[name])} |" for name in commands],
        "",
        f"- cxscore / fastexcel load, wall: {ratios(a, b, 0)}; CPU: {ratios(a, b, 2)} (target ≤ 1.3×)",
        f"- pandas.read_excel(calamine) / cxscore, wall: {ratios(c, a, 0)}; CPU: {ratios(c, a, 2)} (target ≥ 3×)",
        f"- cxscore through calamine / through fastexcel, wall: {ratios(d, a, 0)}; CPU: {ratios(d, a, 2)}",
        "",
    ]
    write_section(args.out, SECTION, lines)  # the other sections (parse floor, service KPIs) stay
    print("\n".join(lines))


if __name__ == "__main__":
    main()
