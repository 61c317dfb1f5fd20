"""The service-KPI speed target (issue 15 item 9): first-reply and resolution medians and p90 by agent
and week, the resolution in business hours from the timestamps, on the ticket export of
bench/make_tickets.py, against the parse floor of the columns it needs, measured in the same run.

    python bench/service_kpis.py [--rows 5000000] [--repeat 3] [--memory-rows 1000000 10000000]

Each round runs, one after the other, ``cxscore score`` (the config below, ``--by Assignee --period
week``, JSON to /dev/null), the same without breakdowns (reading and business hours alone) and pyarrow's read of the same five columns as text and typed
(bench/tickets_floor.py), each in a fresh process (wall seconds; CPU seconds from the kernel's
accounting of the process and the workers it waited for; peak memory of the process tree). The ratio
is taken per round against that round's faster floor, so a machine whose speed drifts between rounds
still gives paired figures. ``--memory-rows`` runs cxscore once at each size for its peak memory (flat is the
target). Writes the section "Service KPIs: business hours by agent and week" of bench/results.md,
keeping the other sections, and says the load average before and after (the machine is shared).
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from run import ENV, HERE, PY, _tree_rss_kb, write_section
from tickets_floor import COLUMNS

TITLE = "Service KPIs: business hours by agent and week"
CONFIG = """schedule:
  hours: {mon-fri: "09:00-17:00"}          # the schedule make_tickets.py's business-hours columns use
metrics:
  - {name: frt, type: duration, column: First reply time in minutes within business hours}
  - {name: resolution, type: duration, start: Created at, end: Solved at, business_hours: true}
"""


def tickets(rows: int) -> Path:
    """The seeded ticket export of this size (written once, kept under bench/data/)."""
    path = HERE / "data" / f"tickets_{rows}.csv"
    if not path.exists():
        print(f"writing {rows:,} tickets → {path}", flush=True)
        subprocess.run([PY, str(HERE / "make_tickets.py"), str(rows), str(path)], check=True, env=ENV)
    return path


def run(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system of the process and the children it reaped) and peak MB."""
    began = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.01)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    assert isinstance(usage, resource.struct_rusage)
    return wall, usage.ru_utime + usage.ru_stime, max(usage.ru_maxrss, peak) / 1024


def commands(path: Path, config: Path) -> dict[str, list[str]]:
    floor = str(HERE / "tickets_floor.py")
    score = [PY, "-m", "cxscore", "score", str(path), "-c", str(config), "-f", "json", "-q"]
    return {
        "cxscore score (frt + business-hours resolution by agent and week)": [*score, "--by", "Assignee", "--period", "week", "--date-column", "Created at"],
        "cxscore score, overall only (the reading and business hours, one group)": score,
        "parse floor: pyarrow, 5 columns as text": [PY, floor, "--parse", "text", str(path)],
        "parse floor: pyarrow, 5 columns typed": [PY, floor, "--parse", "typed", str(path)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    config = HERE / "data" / "service_kpis.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG, encoding="utf-8")
    path = tickets(args.rows)
    load_before = os.getloadavg()
    cmds = commands(path, config)
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cmds}
    for round_ in range(args.repeat):
        for name, cmd in cmds.items():
            runs[name].append(run(cmd))
            wall, cpu, mb = runs[name][-1]
            print(f"  round {round_ + 1}: {name:<70} wall {wall:6.2f} s  cpu {cpu:6.2f} s  peak {mb:6.0f} MB", flush=True)
    names = list(cmds)
    ours = runs[names[0]]
    floors = [min(runs[names[2]][i], runs[names[3]][i]) for i in range(args.repeat)]  # each round's faster floor

    def ratio(rs: list[tuple[float, float, float]], at: int) -> float:
        return statistics.median(r[at] / f[at] for r, f in zip(rs, floors))

    memory = {rows: run(commands(tickets(rows), config)[names[0]])[2] for rows in args.memory_rows}
    load_after = os.getloadavg()
    size_mb = path.stat().st_size / 1e6
    lines = [
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores shared with other work "
        f"(load average {load_before[0]:.1f} before, {load_after[0]:.1f} after), Python {platform.python_version()}; "
        f"{args.repeat} rounds, each running the three commands in turn in fresh processes (bench/service_kpis.py).",
        "",
        f"Input: {args.rows:,} tickets, {size_mb:,.0f} MB (bench/make_tickets.py, seed 15). cxscore computes `frt` (the export's "
        "`First reply time in minutes within business hours`) and `resolution` (`start: Created at`, `end: Solved at`, "
        "`business_hours: true` on Mon–Fri 09:00–17:00) — median, p25/p75/p90, mean, intervals and tests — "
        "`--by Assignee --period week` (200 agents over two years of weeks), JSON to /dev/null. The floor reads "
        f"{', '.join(f'`{c}`' for c in COLUMNS)} with pyarrow.csv.read_csv.",
        "",
        "| command | median wall s | median CPU s | peak MB | each round wall s |",
        "|---|---:|---:|---:|---|",
        *(f"| {name} | {statistics.median(r[0] for r in rs):.2f} | {statistics.median(r[1] for r in rs):.2f} | {max(r[2] for r in rs):.0f} | "
          f"{', '.join(f'{r[0]:.2f}' for r in rs)} |" for name, rs in runs.items()),
        "",
        f"- cxscore / parse floor (each round against its faster floor, median): **{ratio(ours, 0):.2f}×** wall, **{ratio(ours, 1):.2f}×** CPU "
        f"(target ≤ 2×); overall only: {ratio(runs[names[1]], 0):.2f}× wall, {ratio(runs[names[1]], 1):.2f}× CPU — the rest is the "
        "per-group analysis of every agent × week cell (quantiles, intervals, Mood's tests against the rest and the previous week).",
        "- cxscore peak memory by size: " + ", ".join(f"{rows:,} rows {mb:,.0f} MB" for rows, mb in memory.items())
        + (f"; {max(memory):,} / {min(memory):,} rows: **{memory[max(memory)] / memory[min(memory)]:.2f}×** (target: flat)" if len(memory) > 1 else ""),
    ]
    write_section(args.out, TITLE, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
