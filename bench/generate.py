"""Write a seeded synthetic survey export of N rows (timestamp, channel, region, agent, NPS, CSAT, CES, comment).

    python bench/generate.py 5000000 bench/data/export_5m.csv

About 80 bytes a row: 5,000,000 rows ≈ 400 MB. Text is quoted, numbers and times are not, as many exports write them. ~3% of each metric is blank.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

COLUMNS = ["response_id", "submitted_at", "channel", "region", "agent", "Recommend (0-10)", "Satisfaction (1-5)", "Ease (1-7)", "comment"]
CHANNELS = np.array(["Email", "Chat", "Phone", "Web form"])
REGIONS = np.array(["North America", "EMEA", "APAC", "LATAM"])
AGENTS = np.array([f"agent_{i:03d}" for i in range(200)])
COMMENTS = np.array(["", "", "Quick and friendly.", "Had to repeat my issue twice.", "Great help, thanks!", "Took too long, \"escalated\" twice.", "Fine."])
BLOCK = 500_000


def block(rng: np.random.Generator, start: int, size: int) -> pa.Table:
    base = np.datetime64("2023-01-01T00:00:00")
    seconds = rng.integers(0, 3 * 365 * 86400, size)
    mood = rng.normal(0, 1, size)

    def metric(centre, spread, lo, hi):
        values = np.clip(np.rint(centre + spread * mood + rng.normal(0, 0.7, size)), lo, hi).astype(np.int64)
        return pa.array(values, mask=rng.random(size) < 0.03)

    return pa.table({
        COLUMNS[0]: np.char.add("R_", np.arange(start, start + size).astype(str)),
        COLUMNS[1]: pa.array(base + seconds.astype("timedelta64[s]")),
        COLUMNS[2]: CHANNELS[rng.integers(0, len(CHANNELS), size)],
        COLUMNS[3]: REGIONS[rng.integers(0, len(REGIONS), size)],
        COLUMNS[4]: AGENTS[rng.integers(0, len(AGENTS), size)],
        COLUMNS[5]: metric(8.0, 1.8, 0, 10),
        COLUMNS[6]: metric(3.9, 0.9, 1, 5),
        COLUMNS[7]: metric(5.2, 1.1, 1, 7),
        COLUMNS[8]: COMMENTS[rng.integers(0, len(COMMENTS), size)],
    })


def generate(rows: int, path: Path, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    for start in range(0, rows, BLOCK):
        table = block(rng, start, min(BLOCK, rows - start))
        writer = writer or pacsv.CSVWriter(str(path), table.schema)
        writer.write_table(table)
    writer.close()
    return path


def generate_xlsx(rows: int, path: Path, seed: int = 7) -> Path:
    """The same export as a one-sheet workbook (openpyxl write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    sheet.append(COLUMNS)
    rng = np.random.default_rng(seed)
    for start in range(0, rows, BLOCK):
        table = block(rng, start, min(BLOCK, rows - start))
        for row in zip(*(column.to_pylist() for column in table.columns)):
            sheet.append(row)
    workbook.save(path)
    return path


if __name__ == "__main__":
    rows, target = int(sys.argv[1]), Path(sys.argv[2])
    (generate_xlsx if target.suffix == ".xlsx" else generate)(rows, target)
