"""Speed of the comment analysis (issue 17 part B): themes and distinctive terms on 1M English and
200k Chinese generated comments, against the time pyarrow takes to read the text column, and the
whole ``cxscore comments`` run (reading, detection, themes and their figures; no terms).

    .venv/bin/python bench/comments_speed.py [--rows 1000000] [--zh-rows 200000] [--pairs 5]

Writes bench/comments_speed.md. Timings are wall clock on whatever the machine is doing (best of 3),
and the CPU seconds of the process (all threads), which move less when other work shares the cores.
``--pairs``: the whole ``cxscore comments`` process (start-up included) and a process that only reads
the text column with pyarrow, run in turn that many times on the English file (after one warm-up pair),
each pair's CPU and wall ratio, and their medians (the issue's "within 3×" as a whole process).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cxscore.comment_analysis import analyse_comments
from cxscore.config import MetricSpec
from cxscore.terms import band_rows, distinctive_terms
from cxscore.themes import load_themes, theme_stats

ROOT = Path(__file__).resolve().parents[1]
EN_PARTS = [
    ["The delivery was", "Our parcel arrived", "The staff were", "The app was", "The price is", "Customer care was", "The refund was", "The queue was", "Quality is", "Checkout felt"],
    ["really", "not", "very", "quite", "never", "far too", "always", "a bit", "so", "somewhat"],
    ["late", "good", "slow", "friendly", "expensive", "broken", "helpful", "rude", "great", "confusing"],
    ["and the driver was polite.", "but I waited an hour.", "so I want my money back.", "and the website kept crashing.", "and the cashier smiled.",
     "which is fine.", "for the second time this month.", "and nobody called me back.", "so I will come back.", "and the packaging was damaged."],
]
ZH_PARTS = [
    ["快递", "外卖", "客服", "小程序", "退款", "价格", "味道", "包装", "骑手", "店员"],
    ["太慢了", "很快", "态度很好", "不好用", "没到账", "太贵了", "不错", "破损了", "很热情", "一般"],
    ["，下次还会再来", "，等了一个小时", "，希望改进", "，非常满意", "，再也不买了", "，性价比高", "，饭都凉了", "，闪退好几次", "", "！"],
]


def generate(parts: list[list[str]], rows: int, seed: int, sep: str, numbered: bool = False) -> pa.Array:
    """Comments joined from random parts; ``numbered`` ends each with an order number, so (nearly) every
    comment is distinct and the Chinese segmenter, which runs once per distinct text, sees them all."""
    rng = np.random.default_rng(seed)
    columns = [pa.array(part).take(pa.array(rng.integers(0, len(part), rows))) for part in parts]
    if numbered:
        columns.append(pc.binary_join_element_wise("订单", pc.cast(pa.array(rng.integers(0, 10**9, rows)), pa.string()), ""))
    return pc.binary_join_element_wise(*columns, sep)


def best(run, repeat: int = 3) -> tuple[float, float]:
    """The fastest of ``repeat`` runs: (wall seconds, CPU seconds of this process)."""
    times = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        run()
        times.append((time.perf_counter() - start, time.process_time() - cpu))
    return min(times)


def cell(seconds: tuple[float, float], read: tuple[float, float]) -> str:
    return f"{seconds[0]:.2f} s ({seconds[0] / read[0]:.1f}×) · CPU {seconds[1]:.2f} s ({seconds[1] / read[1]:.1f}×)"


#: A process that only reads the text column, as the whole run's floor.
READ_COLUMN = "import sys, pyarrow.csv as c; c.read_csv(sys.argv[1], convert_options=c.ConvertOptions(include_columns=['comment']))"


def timed(command: list[str], cwd: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one whole process."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # compiled modules, as an installed cxscore has
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command[:4]} exited {process.returncode}")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def whole_process(path: Path, pairs: int) -> str:
    """The ``cxscore comments`` process against one that only reads the text column, in turn (cwd: the
    file's folder, so ``python -m cxscore`` imports the installed package): medians of the pairs' ratios."""
    command = [sys.executable, "-m", "cxscore", "comments", str(path), "--themes", str(ROOT / "themes.example.yaml"), "--no-terms", "-f", "json"]
    floor = [sys.executable, "-c", READ_COLUMN, str(path)]
    runs = [(timed(command, str(path.parent)), timed(floor, str(path.parent))) for _ in range(pairs + 1)][1:]  # the first pair warms up
    cpu = statistics.median(a[1] / b[1] for a, b in runs)
    wall = statistics.median(a[0] / b[0] for a, b in runs)
    median = lambda i, j: statistics.median(run[i][j] for run in runs)  # noqa: E731
    return (f"Whole processes, {pairs} pairs in turn (medians): `cxscore comments FILE --themes themes.example.yaml --no-terms -f json` "
            f"CPU {median(0, 1):.2f} s, wall {median(0, 0):.2f} s; a process that only reads the text column with pyarrow CPU {median(1, 1):.2f} s, "
            f"wall {median(1, 0):.2f} s: **{cpu:.2f}× the CPU, {wall:.2f}× the wall time** (medians of the pairs' ratios).")


def measure(name: str, texts: pa.Array, seed: int, lines: list[str], terms_too: bool = True, pairs: int = 0) -> str | None:
    rng = np.random.default_rng(seed)
    points = rng.integers(0, 11, len(texts)).astype(float)
    themes = load_themes(ROOT / "themes.example.yaml")
    spec = MetricSpec(type="nps", column="nps")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "comments.csv"
        pacsv.write_csv(pa.table({"How likely are you to recommend us? (0-10)": points.astype(np.int64), "comment": texts}), path)
        size = path.stat().st_size
        read = best(lambda: pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(include_columns=["comment"])))
        command = best(lambda: analyse_comments(str(path), themes=themes, terms=False, processes=1), repeat=2)
        whole = whole_process(path, pairs) if pairs else None
    match = best(lambda: themes.match(texts))
    stats = best(lambda: theme_stats(texts, points, spec, themes))
    lines.append(f"| {name} | {len(texts):,} | {size / 1e6:.0f} MB | {read[0]:.2f} s · CPU {read[1]:.2f} s | {cell(match, read)} | {cell(stats, read)} | {cell(command, read)} |")
    if terms_too:
        unhappy, happy = band_rows(points, spec)
        words = themes.chinese_words()
        term = best(lambda: distinctive_terms(texts, unhappy, happy, user_words=words), repeat=1)
        lines[-1] += f" {term[0]:.1f} s ({term[0] / read[0]:.1f}×, {len(texts) / term[0]:,.0f} comments/s) |"
    return whole


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--zh-rows", type=int, default=200_000)
    parser.add_argument("--pairs", type=int, default=5, help="whole-process pairs against the column read (0: none)")
    args = parser.parse_args()
    before = os.getloadavg()[0]
    lines = [
        "| comments | rows | CSV | pyarrow reads the text column | themes matched (7 themes) | theme_stats (match + figures) | `cxscore comments` without terms (library call, one process) | distinctive terms (detractors vs promoters) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    whole = measure("English", generate(EN_PARTS, args.rows, 1, " "), 2, lines, pairs=args.pairs)
    measure("Chinese", generate(ZH_PARTS, args.zh_rows, 3, "", numbered=True), 4, lines)
    text = "\n".join(lines) + "\n" + (f"\n{whole}\n" if whole else "")
    print(text)
    (Path(__file__).with_suffix(".md")).write_text(
        "# Comment analysis speed (bench/comments_speed.py)\n\nWall clock and CPU seconds (all threads), best of 3 (the command: 2, terms: one run), on the shared 2-core machine\n"
        f"(load average {before:.1f} before and {os.getloadavg()[0]:.1f} after): read the ratios, not the seconds.\n\n" + text, encoding="utf-8"
    )


if __name__ == "__main__":
    main()
