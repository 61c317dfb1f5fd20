"""Generate ``drivers_export.csv``, the key-driver sample (fixed seed, so the file is reproducible).

    python sample_data/make_drivers_sample.py

1,500 orders: response id, date, channel, NPS (0–10) and five attribute ratings (1–5) asked as
one matrix question, so detection names them ``csat_price`` … ``csat_product_quality``. The NPS is
built from the ratings with known weights — delivery the strongest, then product quality, staff,
app, price — plus noise; the ratings share a common mood (so they correlate, as real ones do).
About 4% of each rating is blank, "N/A" or 0 (not applicable), so complete rows are fewer than rows.
"""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).parent
ROWS = 1500
SEED = 20260117
QUESTION = "How satisfied were you with each part of your order? — "
#: Attribute → (its weight in the NPS, its mean rating): delivery matters most and performs worst.
ATTRIBUTES = {"Price": (0.10, 3.2), "Delivery": (0.90, 3.1), "Staff": (0.35, 4.1), "App": (0.20, 3.6), "Product quality": (0.55, 3.9)}
NOT_RATED = ["", "N/A", "0"]


def clamp(value: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(value)))


def main() -> None:
    rng = random.Random(SEED)
    start = datetime(2026, 1, 1)
    with (HERE / "drivers_export.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Response ID", "Submitted At", "Channel", "How likely are you to recommend Acme to a friend? (0-10)",
                      *(QUESTION + name for name in ATTRIBUTES)])
        for i in range(ROWS):
            mood = rng.gauss(0, 1)
            latent = {name: 0.6 * mood + 0.8 * rng.gauss(0, 1) for name in ATTRIBUTES}
            ratings = {name: clamp(mean + 0.9 * latent[name], 1, 5) for name, (_, mean) in ATTRIBUTES.items()}
            drive = sum(weight * (ratings[name] - mean) for name, (weight, mean) in ATTRIBUTES.items())
            nps = clamp(7.0 + 1.1 * drive + rng.gauss(0, 1.3), 0, 10)
            cells = [rng.choice(NOT_RATED) if rng.random() < 0.04 else ratings[name] for name in ATTRIBUTES]
            when = start + timedelta(minutes=rng.randrange(0, 90 * 24 * 60))
            out.writerow([f"O_{i + 1:05d}", when.strftime("%Y-%m-%d %H:%M"), rng.choice(["App", "Web", "Store"]), nps, *cells])


if __name__ == "__main__":
    main()
