"""Write a seeded key-driver export of N rows, shaped like sample_data/drivers_export.csv: id, date,
channel, NPS (0–10) and five attribute ratings (1–5) asked as one matrix question; about 4% of each
rating blank, "N/A" or 0 (not rated). NPS is built from the ratings (delivery weighs most) plus noise.

    python bench/make_drivers_export.py 5000000 bench/data/drivers_5000000.csv
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

QUESTION = "How satisfied were you with each part of your order? — "
#: Attribute → (its weight in the NPS, its mean rating), as in sample_data/make_drivers_sample.py.
ATTRIBUTES = {"Price": (0.10, 3.2), "Delivery": (0.90, 3.1), "Staff": (0.35, 4.1), "App": (0.20, 3.6), "Product quality": (0.55, 3.9)}
CHANNELS = np.array(["App", "Web", "Store"])
BLOCK = 500_000


def block(rng: np.random.Generator, start: int, size: int) -> pa.Table:
    mood = rng.normal(0, 1, size)
    ratings = {name: np.clip(np.rint(mean + 0.9 * (0.6 * mood + 0.8 * rng.normal(0, 1, size))), 1, 5) for name, (_, mean) in ATTRIBUTES.items()}
    drive = sum(weight * (ratings[name] - mean) for name, (weight, mean) in ATTRIBUTES.items())
    nps = np.clip(np.rint(7.0 + 1.1 * drive + rng.normal(0, 1.3, size)), 0, 10).astype(np.int64)
    columns = {
        "Response ID": pc.binary_join_element_wise("O_", pa.array(np.arange(start, start + size).astype(str)), ""),
        "Submitted At": pa.array(np.datetime64("2026-01-01T00:00:00") + (60 * rng.integers(0, 90 * 24 * 60, size)).astype("timedelta64[s]")),
        "Channel": CHANNELS[rng.integers(0, len(CHANNELS), size)],
        "How likely are you to recommend Acme to a friend? (0-10)": nps,
    }
    for name, values in ratings.items():
        text = pa.array(values.astype(np.int64).astype(str))
        gone = rng.random(size) < 0.04
        columns[QUESTION + name] = pc.if_else(pa.array(gone), pa.array(np.array(["", "N/A", "0"])[rng.integers(0, 3, size)]), text)
    return pa.table(columns)


def main() -> None:
    rows, path = int(sys.argv[1]), Path(sys.argv[2])
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(17)
    with pacsv.CSVWriter(path, block(rng, 0, 1).schema) as out:
        for start in range(0, rows, BLOCK):
            out.write_table(block(rng, start, min(BLOCK, rows - start)))


if __name__ == "__main__":
    main()
