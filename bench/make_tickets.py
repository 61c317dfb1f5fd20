"""Write a seeded Zendesk Support-style ticket export of N rows for the service-KPI speed target (issue 15 item 9).

    python bench/make_tickets.py [ROWS] [PATH]      # defaults: 5000000, bench/data/tickets_5m.csv

The columns and formats of sample_data/tickets_zendesk.csv (the same vectorised ``zendesk_table``:
minutes calendar and Mon–Fri 09:00–17:00 business hours, ``Resolution time`` in hours, 1900-01-01
placeholders on unsolved tickets), created over two years (2024–2025) by 200 agents in three groups,
written 500,000 tickets at a time with pyarrow. No broken rows. About 206 bytes a row: 5,000,000 rows
≈ 1.03 GB, written in about 16 s here (2 shared cores; bench/tickets_floor.py records it in bench/results.md).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.csv as pacsv

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sample_data"))
from make_service_samples import GROUPS, zendesk_table  # noqa: E402

BLOCK = 500_000
DAYS = 731
STAFF = {group: [f"{group} agent {i:03d}" for i in range(count)] for group, count in zip(GROUPS, (120, 40, 40))}


def generate(rows: int, path: Path, seed: int = 15) -> Path:
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = zendesk_table(rng, 0).schema
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")  # as the sample: no value needs quotes
    with path.open("wb") as sink:
        sink.write((",".join(schema.names) + "\n").encode())  # pyarrow would quote the header's names
        with pacsv.CSVWriter(sink, schema, write_options=options) as writer:
            for start in range(0, rows, BLOCK):
                writer.write_table(zendesk_table(rng, min(BLOCK, rows - start), 10001 + start, "2024-01-01", DAYS, STAFF))
    return path


if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "data" / f"tickets_{rows // 1_000_000}m.csv"
    began = time.perf_counter()
    generate(rows, target)
    print(f"wrote {rows:,} tickets to {target} ({target.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - began:.1f} s")
