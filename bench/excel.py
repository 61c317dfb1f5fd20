"""Excel reading: cxscore against fastexcel's own load and pandas.read_excel(engine="calamine"), in one run.

    python bench/excel.py --rows 1000000 --repeat 3

Builds the seeded 1M-row workbook once (bench/generate.py, cached under bench/data/, gitignored),
then times, in turn (A B C, A B C, …, so drift hits all three alike), the median of --repeat runs
and the peak memory of each whole process:
  (a) cxscore score FILE --by channel --period month -f json
  (b) fastexcel loading the sheet into Arrow (all columns): the bar for an Arrow-speed reader
  (c) pandas.read_excel(FILE, engine="calamine"): the bar users know
and writes the figures to the "Excel" section of bench/results.md (issue 18: (a) within 1.3× of
(b), and at least 3× faster than (c)). Needs pip install '.[bench]' (pandas, fastexcel).
"""
from __future__ import annotations

import argparse
import platform
import statistics
from datetime import datetime, timezone
from pathlib import Path

from run import HERE, PY, export_file, measure, write_section

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
    commands = {
        "(a) cxscore score .xlsx": [PY, "-m", "cxscore", "score", workbook, "--by", "channel", "--period", "month", "-f", "json", "-q"],
        "(b) fastexcel load (Arrow)": [PY, "-c", FASTEXCEL, workbook],
        "(c) pandas.read_excel calamine": [PY, "-c", PANDAS, workbook],
    }
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for i in range(args.repeat):
        for name, cmd in commands.items():
            runs[name].append(measure(cmd))
            print(f"  run {i + 1}: {name:<32} {runs[name][-1][0]:7.2f} s  {runs[name][-1][1]:7.0f} MB", flush=True)
    median = {name: statistics.median(r[0] for r in rs) for name, rs in runs.items()}
    peak = {name: max(r[1] for r in rs) for name, rs in runs.items()}
    a, b, c = median.values()
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {len(__import__('os').sched_getaffinity(0))} cores; "
        f"{args.rows:,}-row .xlsx (bench/generate.py, seed 7); medians of {args.repeat} runs taken in turn.",
        "",
        "| run | median s | peak MB | runs |",
        "|---|---:|---:|---|",
        *[f"| {name} | {median[name]:.2f} | {peak[name]:.0f} | {', '.join(f'{r[0]:.2f}' for r in runs[name])} |" for name in commands],
        "",
        f"- cxscore / fastexcel load: **{a / b:.2f}×** (target ≤ 1.3×)",
        f"- pandas.read_excel(calamine) / cxscore: **{c / a:.2f}×** (target ≥ 3×)",
        "",
    ]
    write_section(args.out, SECTION, lines)  # the other sections (parse floor, service KPIs) stay
    print("\n".join(lines))


if __name__ == "__main__":
    main()
