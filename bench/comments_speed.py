"""Speed of the comment analysis (issue 17 part B): themes and distinctive terms on 1M English and
200k Chinese generated comments, against the time pyarrow takes to read the text column, and the
whole ``cxscore comments`` run (reading, detection, themes and their figures; no terms).

    .venv/bin/python bench/comments_speed.py [--rows 1000000] [--zh-rows 200000]

Writes bench/comments_speed.md. Timings are wall clock on whatever the machine is doing (best of 3),
and the CPU seconds of the process (all threads), which move less when other work shares the cores.
"""
from __future__ import annotations

import argparse
import os
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


def measure(name: str, texts: pa.Array, seed: int, lines: list[str], terms_too: bool = True) -> None:
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
    match = best(lambda: themes.match(texts))
    stats = best(lambda: theme_stats(texts, points, spec, themes))
    lines.append(f"| {name} | {len(texts):,} | {size / 1e6:.0f} MB | {read[0]:.2f} s · CPU {read[1]:.2f} s | {cell(match, read)} | {cell(stats, read)} | {cell(command, read)} |")
    if terms_too:
        unhappy, happy = band_rows(points, spec)
        words = themes.chinese_words()
        term = best(lambda: distinctive_terms(texts, unhappy, happy, user_words=words), repeat=1)
        lines[-1] += f" {term[0]:.1f} s ({term[0] / read[0]:.1f}×, {len(texts) / term[0]:,.0f} comments/s) |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--zh-rows", type=int, default=200_000)
    args = parser.parse_args()
    before = os.getloadavg()[0]
    lines = [
        "| comments | rows | CSV | pyarrow reads the text column | themes matched (7 themes) | theme_stats (match + figures) | `cxscore comments` without terms (library call, one process) | distinctive terms (detractors vs promoters) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    measure("English", generate(EN_PARTS, args.rows, 1, " "), 2, lines)
    measure("Chinese", generate(ZH_PARTS, args.zh_rows, 3, "", numbered=True), 4, lines)
    text = "\n".join(lines) + "\n"
    print(text)
    (Path(__file__).with_suffix(".md")).write_text(
        "# Comment analysis speed (bench/comments_speed.py)\n\nWall clock and CPU seconds (all threads), best of 3 (the command: 2, terms: one run), on the shared 2-core machine\n"
        f"(load average {before:.1f} before and {os.getloadavg()[0]:.1f} after): read the ratios, not the seconds.\n\n" + text, encoding="utf-8"
    )


if __name__ == "__main__":
    main()
