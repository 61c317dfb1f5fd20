"""Speed of ``cxscore drivers`` (issue 17 A: "5M rows take about as long as reading them"): the whole
command, with and without ``--by``, against the parse floor of the columns it needs — pyarrow reading
the outcome's and the five drivers' columns as text — in fresh processes taken in turn (a, b, floor,
a, b, floor, …), so the machine's drift touches all three alike.

    python bench/drivers_speed.py [--rows 1000000 5000000] [--repeat 3]

The export is bench/make_drivers_export.py's (cached under bench/data/). Wall seconds, CPU seconds
(user + system) and peak memory per run, as bench/run.py measures them; the ratios to the floor are
taken round by round and their median reported; the load average before and after, since the machine
is shared. Writes the section "## Key drivers" of bench/results.md, keeping
the rest of the file.
"""
from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
TITLE = "Key drivers"


def needed(path: Path) -> list[str]:
    """The columns cxscore drivers reads by default: the NPS and the five ratings (the 4th column on)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))[3:]


def parse(path: Path) -> int:
    columns = needed(path)
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(include_columns=columns, column_types={c: pa.string() for c in columns}))
    return table.num_rows


def export(rows: int, py: str) -> Path:
    path = HERE / "data" / f"drivers_{rows}.csv"
    if not path.exists():
        print(f"generating {rows:,} rows → {path}", flush=True)
        subprocess.run([py, str(HERE / "make_drivers_export.py"), str(rows), str(path)], check=True)  # a child: the parent stays small
    return path


def main() -> None:
    from run import PY, measure_cpu, write_section

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    before = os.getloadavg()
    table = ["| rows | CSV | run | median wall s | median CPU s | peak MB | wall / floor | CPU / floor |", "|---:|---:|---|---:|---:|---:|---:|---:|"]
    ratios = []
    for rows in args.rows:
        path = export(rows, PY)
        commands = {
            "cxscore drivers": [PY, "-m", "cxscore", "drivers", str(path), "-f", "json", "-q"],
            "cxscore drivers --by Channel": [PY, "-m", "cxscore", "drivers", str(path), "--by", "Channel", "-f", "json", "-q"],
            "pyarrow parse of the 6 columns (floor)": [PY, __file__, "--parse", str(path)],
        }
        runs: dict[str, list] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                runs[name].append(measure_cpu(cmd))
        medians = {name: (statistics.median(r[0] for r in got), statistics.median(r[2] for r in got), max(r[1] for r in got)) for name, got in runs.items()}
        floor_runs = runs["pyarrow parse of the 6 columns (floor)"]
        paired = {name: (statistics.median(r[0] / f[0] for r, f in zip(got, floor_runs)), statistics.median(r[2] / f[2] for r, f in zip(got, floor_runs)))
                  for name, got in runs.items()}  # ratio per round (the runs of one round share the machine's state), then the median
        for name, (wall, cpu, mb) in medians.items():
            line = f"| {rows:,} | {path.stat().st_size / 1e6:,.0f} MB | {name} | {wall:.2f} | {cpu:.2f} | {mb:.0f} | {paired[name][0]:.2f}× | {paired[name][1]:.2f}× |"
            print(line, "runs", [round(r[0], 2) for r in runs[name]], flush=True)
            table.append(line)
        plain = paired["cxscore drivers"]
        ratios.append(f"- {rows:,} rows: `cxscore drivers` takes **{plain[1]:.2f}×** the CPU time and {plain[0]:.2f}× the wall time "
                      f"of reading its columns (median of the per-round ratios; issue 17: about 1×)")
    after = os.getloadavg()
    body = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyarrow {pa.__version__}; load average {before[0]:.1f} before and {after[0]:.1f} after (other work shared the cores); "
        f"medians of {args.repeat} runs taken in turn (bench/drivers_speed.py).",
        "",
        "Input: bench/make_drivers_export.py (seed 17): id, date, channel, NPS 0–10 and five 1–5 ratings of one matrix question, 4% of each "
        "rating blank, N/A or 0. The floor is pyarrow.csv.read_csv of the six columns the analysis reads, as text; `cxscore drivers` reads "
        "them, parses each with its metric's parser, adds the moments of 200 row-groups and runs the bootstrap (B = 200); `--by` also reads "
        "Channel and tallies the NPS per segment.",
        "",
        *table,
        "",
        *ratios,
    ]
    write_section(args.out, TITLE, body)
    print(f"wrote the section '{TITLE}' of {args.out}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--parse"]:
        print(parse(Path(sys.argv[2])))
    else:
        main()
