"""Benchmark cxscore against a pandas script and the pyarrow parse floor, in one run.

    python bench/run.py --rows 5000000 --repeat 3 [--memory-rows 1000000 10000000] [--xlsx-rows 1000000]

Generates a seeded export (bench/generate.py, cached under bench/data/), then times, with the
median of --repeat runs each and the peak memory of each (PSS summed over the process and its workers):
  (a) cxscore score FILE --by channel --period month --format json
  (b) bench/pandas_baseline.py FILE            (read_csv, to_datetime, groupby)
  (c) bench/parse_floor.py FILE                 (pyarrow parsing the same columns: the floor)
and, with --xlsx-rows, cxscore on an .xlsx against the fastest reader merely loading it.
Prints ratios and writes them to bench/results.md. Needs pandas (pip install '.[bench]').
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent

PY = sys.executable
#: Runs keep Python's bytecode cache on, as an installed tool has it (pip compiles at install time);
#: with PYTHONDONTWRITEBYTECODE set, every run of an editable checkout would recompile its modules (~0.08 s).
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def tree(pid: int) -> list[int]:
    """A process and all its descendants (Linux /proc): the children of every thread, since a pool may
    fork from a thread other than the main one (``/proc/PID/task/PID/children`` lists the main thread's only)."""
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return pids


def memory_kb(pids: list[int]) -> tuple[int, int]:
    """Resident (RSS) and proportional (PSS) memory summed over ``pids``, in kB. Forked workers share
    their parent's pages (the interpreter, NumPy, pyarrow): RSS counts those once per process, PSS
    splits them between the processes sharing them, so PSS is what a multi-process run really holds."""
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
                        break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return rss, pss


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (RSS: shared pages once per process)."""
    return memory_kb(tree(pid))[0]


def _tree_pss_kb(pid: int) -> int:
    """Proportional memory of a process and all its descendants, in kB (shared pages split between them)."""
    return memory_kb(tree(pid))[1]


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of one run (see :func:`measure_cpu`)."""
    wall, mb, _ = measure_cpu(cmd)
    return wall, mb


def measure_cpu(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak memory (MB) and CPU seconds of one run: peak memory is the proportional set
    size (PSS) summed over the process and all its descendants, sampled every 10 ms, so the pages forked
    workers share with their parent count once (RSS summed over them counted those once per process);
    CPU is user + system time of the process and the workers it waited for (the kernel's accounting)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV if env is None else env)
    peak_tree = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak_tree = max(peak_tree, _tree_pss_kb(proc.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    return elapsed, (peak_tree or usage.ru_maxrss) / 1024, usage.ru_utime + usage.ru_stime  # over before the first sample: its max RSS


def bench(name: str, cmd: list[str], repeat: int) -> dict:
    runs = [measure(cmd) for _ in range(repeat)]
    result = {"name": name, "seconds": statistics.median(r[0] for r in runs), "mb": max(r[1] for r in runs), "runs": [round(r[0], 3) for r in runs]}
    print(f"  {name:<34} median {result['seconds']:7.2f} s   peak {result['mb']:7.0f} MB   runs {result['runs']}", flush=True)
    return result


def write_section(path: Path, title: str, body: list[str]) -> None:
    """Replace (or add, at the end) the ``## title`` section of a Markdown file, keeping every other section."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    head, found, rest = text.partition(f"\n## {title}\n")
    tail = rest[rest.find("\n## "):] if found and "\n## " in rest else ""
    path.write_text(head.rstrip("\n") + f"\n\n## {title}\n\n" + "\n".join(body).rstrip("\n") + "\n" + tail, encoding="utf-8")


def export_file(rows: int, suffix: str = ".csv") -> Path:
    """The seeded synthetic export of this size (generated once, cached under bench/data/)."""
    path = HERE / "data" / f"export_{rows}{suffix}"
    if not path.exists():
        print(f"generating {rows:,} rows → {path}" + (" (openpyxl, slow)" if suffix == ".xlsx" else ""), flush=True)
        # In a child process: a forked child inherits its parent's peak RSS, so the parent must stay small.
        subprocess.run([PY, str(HERE / "generate.py"), str(rows), str(path)], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[], help="also run cxscore once at these sizes to compare peak memory (constant-memory check)")
    parser.add_argument("--xlsx-rows", type=int, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args()

    path = export_file(args.rows)
    size_mb = path.stat().st_size / 1e6
    print(f"{args.rows:,} rows, {size_mb:.0f} MB, {os.cpu_count()} cores", flush=True)
    cx = [PY, "-m", "cxscore", "score", str(path), "--by", "channel", "--period", "month", "--format", "json", "--quiet"]
    a = bench("(a) cxscore score", cx, args.repeat)
    b = bench("(b) pandas script", [PY, str(HERE / "pandas_baseline.py"), str(path)], args.repeat)
    c = bench("(c) pyarrow parse (floor)", [PY, str(HERE / "parse_floor.py"), str(path)], args.repeat)
    lines = [
        "# cxscore benchmark",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"medians of {args.repeat} runs; peak memory is the most any run held, as proportional set size (PSS) summed over the process and its workers (shared pages counted once).",
        "",
        f"Input: {args.rows:,} rows, {size_mb:.0f} MB CSV (bench/generate.py, seed 7).",
        "",
        "| run | median s | peak PSS MB |",
        "|---|---:|---:|",
    ]
    lines += [f"| {r['name']} | {r['seconds']:.2f} | {r['mb']:.0f} |" for r in (a, b, c)]
    ratios = [
        f"- cxscore / parse floor: **{a['seconds'] / c['seconds']:.2f}×** (target ≤ 1.5×)",
        f"- pandas script / cxscore: **{b['seconds'] / a['seconds']:.2f}×** faster (target ≥ 5×)",
        f"- cxscore peak memory: **{a['mb']:.0f} MB** (target < 500 MB)",
    ]
    peaks = {args.rows: a["mb"]}
    for rows in args.memory_rows:
        m = bench(f"(a) cxscore score, {rows:,} rows", [*cx[:4], str(export_file(rows)), *cx[5:]], 1)
        lines.append(f"| {m['name']} (1 run) | {m['seconds']:.2f} | {m['mb']:.0f} |")
        peaks[rows] = m["mb"]
    if len(peaks) > 1:
        fewest, most = min(peaks), max(peaks)
        shown = ", ".join(f"{rows:,} rows {mb:.0f} MB" for rows, mb in sorted(peaks.items()))
        ratios.append(f"- cxscore peak memory by size: {shown}; {most:,} rows / {fewest:,} rows: **{peaks[most] / peaks[fewest]:.2f}×** (target within 20%)")
    if args.xlsx_rows:
        workbook = export_file(args.xlsx_rows, ".xlsx")
        load = "import sys, python_calamine as c; c.CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()"
        x = bench("(x) cxscore score .xlsx", [PY, "-m", "cxscore", "score", str(workbook), "--by", "channel", "--period", "month", "-f", "json", "-q"], args.repeat)
        y = bench("(y) calamine load .xlsx (floor)", [PY, "-c", load, str(workbook)], args.repeat)
        lines += [f"| {r['name']} ({args.xlsx_rows:,} rows) | {r['seconds']:.2f} | {r['mb']:.0f} |" for r in (x, y)]
        ratios.append(f"- cxscore .xlsx / calamine load: **{x['seconds'] / y['seconds']:.2f}×** (target < 2×)")
    lines += ["", *ratios, ""]
    print("\n".join(ratios))
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    kept = old[old.find("\n## "):] if "\n## " in old else ""  # sections other scripts write (bench/excel.py, bench/tickets_floor.py)
    args.out.write_text("\n".join(lines) + kept, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
