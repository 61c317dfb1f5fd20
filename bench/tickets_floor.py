"""The parse floor of the service-KPI speed target (issue 15 item 9): pyarrow reading only the columns
that first-reply and resolution medians/p90 by agent and week (business hours) need, from the ticket
export of bench/make_tickets.py. The duration kinds' benchmark is compared with this.

    python bench/tickets_floor.py [--rows 5000000] [--repeat 3]

Times, in fresh processes as bench/run.py measures them (median seconds, peak memory), the writing of
the export and pyarrow.csv.read_csv with include_columns: the columns as text (as bench/parse_floor.py
reads the survey columns) and typed (timestamps and integers). Writes the section "## Service KPIs:
ticket export" of bench/results.md, replacing that section and keeping the rest of the file.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
TITLE = "Service KPIs: ticket export"
#: Agent and week (Created at), resolution from the timestamps (Solved at) or the export's business-hours column, first reply's business-hours column.
COLUMNS = ["Assignee", "Created at", "Solved at", "First reply time in minutes within business hours", "Full resolution time in minutes within business hours"]
TYPES = {"text": {c: pa.string() for c in COLUMNS},
         "typed": {"Assignee": pa.string(), "Created at": pa.timestamp("s"), "Solved at": pa.timestamp("s"),
                   COLUMNS[3]: pa.int64(), COLUMNS[4]: pa.int64()}}


def parse(path: str, how: str) -> int:
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(include_columns=COLUMNS, column_types=TYPES[how]))
    return table.num_rows


def main() -> None:
    from run import PY, bench, measure, write_section

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    path = HERE / "data" / f"tickets_{args.rows}.csv"
    path.unlink(missing_ok=True)
    made, made_mb = measure([PY, str(HERE / "make_tickets.py"), str(args.rows), str(path)])
    size_mb = path.stat().st_size / 1e6
    print(f"wrote {args.rows:,} tickets, {size_mb:,.0f} MB, in {made:.1f} s", flush=True)
    runs = [bench(f"pyarrow parse of the {len(COLUMNS)} columns, {how}", [PY, __file__, "--parse", how, str(path)], args.repeat) for how in TYPES]
    load, floor = os.getloadavg()[0], min(r["seconds"] for r in runs)
    write_section(args.out, TITLE, [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores (load average {load:.1f}), "
        f"Python {platform.python_version()}, pyarrow {pa.__version__}; medians of {args.repeat} runs (bench/tickets_floor.py).",
        "",
        f"Input: {args.rows:,} tickets, {size_mb:,.0f} MB CSV in the Zendesk Support layout of sample_data/tickets_zendesk.csv "
        f"(bench/make_tickets.py, seed 15: written in {made:.1f} s, peak {made_mb:,.0f} MB).",
        "",
        f"The parse floor of the service-KPI target (first-reply and resolution medians/p90 by agent and week with business hours, "
        f"within 2× of it): pyarrow.csv.read_csv with include_columns = {', '.join(f'`{c}`' for c in COLUMNS)}.",
        "",
        "| run | median s | peak MB | each run s |",
        "|---|---:|---:|---|",
        *(f"| {r['name']} | {r['seconds']:.2f} | {r['rss_mb']:.0f} | {', '.join(f'{s:.2f}' for s in r['runs'])} |" for r in runs),
        "",
        f"- Reference: the faster of the two, **{floor:.2f} s**; the target is at most 2× that (**{2 * floor:.2f} s**) on the same machine, "
        "measured in the same session (this machine is shared and its timings move by ±30 %).",
    ])
    print(f"wrote the section {TITLE!r} of {args.out}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--parse"]:
        print(parse(sys.argv[3], sys.argv[2]))
    else:
        main()
