"""`cxscore drivers --by`: segment headroom (marketr's nps_oppy), checked against its definition
recomputed by hand — every answer of one segment replaced by the best one, the overall score
computed again — and against `score --by` for each segment's score and interval."""
from __future__ import annotations

import csv
import io
import json
import random

import numpy as np
import pytest

from conftest import invoke
from cxscore.drivers import segment_headroom

HEADER = ["Region", "Channel", "w", "How likely are you to recommend us? (0-10)", "Overall, how satisfied were you? (1-5)",
          "Satisfaction — Price", "Satisfaction — Delivery"]


@pytest.fixture
def export(tmp_path):
    """240 rows: regions of 120/80/40 rows scoring differently, a few blank NPS answers, a blank region."""
    rng = random.Random(11)
    rows = []
    for region, size, mood in (("North", 120, 1.0), ("South", 80, -1.0), ("East", 36, 0.0), ("", 4, 0.0)):
        for i in range(size):
            price, delivery = (max(1, min(5, round(3 + mood * 0.8 + rng.gauss(0, 1)))) for _ in range(2))
            nps = max(0, min(10, round(5 + 0.8 * delivery + 0.3 * price - 3 + mood + rng.gauss(0, 1.5))))
            csat = max(1, min(5, round(1.5 + 0.6 * delivery + rng.gauss(0, 0.7))))
            rows.append([region, rng.choice(["App", "Web"]), rng.choice(["1", "2", "0.5"]), "" if i % 25 == 3 else nps, csat, price, delivery])
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path, rows


def nps(answers: list[int], weights: list[float]) -> float:
    total = sum(weights)
    return 100 * (sum(w for a, w in zip(answers, weights) if a >= 9) - sum(w for a, w in zip(answers, weights) if a <= 6)) / total


def oppy(rows: list[list], column: int, best: int, score, weighted: bool = False) -> dict[str, float]:
    """marketr's nps_oppy as written: per segment, its answers set to the best one, the overall
    score again minus the base score (rows answering the outcome only)."""
    answered = [r for r in rows if r[column] != ""]
    weights = [float(r[2]) if weighted else 1.0 for r in answered]
    base = score([int(r[column]) for r in answered], weights)
    out = {}
    for segment in {r[0] for r in answered}:
        changed = [best if r[0] == segment else int(r[column]) for r in answered]
        out[segment or "(blank)"] = score(changed, weights) - base
    return out


def test_nps_headroom_is_marketrs_nps_oppy_and_scores_are_score_by(export):
    path, rows = export
    result = invoke(["drivers", str(path), "--by", "Region", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    h = json.loads(result.stdout)["headroom"]
    reference = oppy(rows, 3, 10, nps)
    got = {s["segment"]["Region"]: s["headroom"] for s in h["segments"]}
    assert got == pytest.approx(reference, abs=1e-9)
    assert [s["headroom"] for s in h["segments"]] == sorted(got.values(), reverse=True)  # largest first
    assert h["by"] == ["Region"] and h["best"] == 100 and h["best_means"] == "promoters" and h["unanswered_segments"] == 0
    answered = [r for r in rows if r[3] != ""]
    assert h["n"] == len(answered) and h["overall"] == pytest.approx(nps([int(r[3]) for r in answered], [1.0] * len(answered)), abs=1e-9)
    assert h["overall"] + sum(got.values()) == pytest.approx(100, abs=1e-9)  # all promoters everywhere: NPS 100
    scored = json.loads(invoke(["score", str(path), "--by", "Region", "-m", "nps", "-f", "json"]).stdout)
    by_segment = {r["segment"]["Region"]: r for r in scored["results"] if r["segment"]}
    for s in h["segments"]:
        row = by_segment[s["segment"]["Region"]]
        assert (s["n"], s["score"], s["low"], s["high"]) == (row["n"], pytest.approx(row["value"]), pytest.approx(row["ci_low"]), pytest.approx(row["ci_high"]))


def test_weights_and_a_csat_outcome(export):
    path, rows = export
    doc = json.loads(invoke(["drivers", str(path), "--by", "Region", "--weight", "w", "-f", "json"]).stdout)
    got = {s["segment"]["Region"]: s["headroom"] for s in doc["headroom"]["segments"]}
    assert got == pytest.approx(oppy(rows, 3, 10, nps, weighted=True), abs=1e-9)

    def csat(answers, weights):
        return 100 * sum(w for a, w in zip(answers, weights) if a >= 4) / sum(weights)

    result = invoke(["drivers", str(path), "--outcome", "csat", "--driver", "csat_price", "--driver", "csat_delivery", "--by", "Region", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    h = json.loads(result.stdout)["headroom"]
    assert {s["segment"]["Region"]: s["headroom"] for s in h["segments"]} == pytest.approx(oppy(rows, 4, 5, csat), abs=1e-9)
    assert h["best_means"] == "satisfied"


def test_the_formula_for_a_mean_where_lower_is_better():
    # CES with higher answers meaning harder: the best answer is the bottom, 1. (1/4)·(2−1) and (3/4)·(3−1)
    np.testing.assert_allclose(segment_headroom([2.0, 3.0], [1, 3], best=1.0), [0.25, 1.5])
    np.testing.assert_allclose(segment_headroom([50.0, -20.0], [3.0, 1.0]), [37.5, 30.0])  # weights as counts


def test_every_format_and_two_by_columns(export, tmp_path):
    path, _ = export
    table = invoke(["drivers", str(path), "--by", "Region"], env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.stderr
    lines = table.stdout.splitlines()
    assert max(map(len, lines)) <= 80
    assert any("Headroom" in line and "Region" in line for line in lines) and "marketr's nps_oppy" in table.stdout
    assert any(line.startswith("│") and "(blank)" in line for line in lines)  # a blank region is a segment, named
    markdown = invoke(["drivers", str(path), "--by", "Region", "-f", "markdown"]).stdout
    assert "| Region | n | NPS | 95% interval | Headroom |" in markdown and "| Driver |" in markdown
    rows = list(csv.DictReader(io.StringIO(invoke(["drivers", str(path), "--by", "Region", "-f", "csv"]).stdout)))
    doc = json.loads(invoke(["drivers", str(path), "--by", "Region", "-f", "json"]).stdout)
    assert list(rows[0]) == ["Region", "outcome", "n", "weight", "score", "low", "high", "headroom"]
    assert [(r["Region"], float(r["headroom"])) for r in rows] == [(s["segment"]["Region"], s["headroom"]) for s in doc["headroom"]["segments"]]
    assert "headroom" not in json.loads(invoke(["drivers", str(path), "-f", "json"]).stdout)  # without --by: the document as before
    assert "Region,outcome" not in invoke(["drivers", str(path), "-f", "csv"]).stdout
    two = json.loads(invoke(["drivers", str(path), "--by", "Region", "--by", "Channel", "-f", "json"]).stdout)["headroom"]
    assert two["by"] == ["Region", "Channel"] and {"Region": "South", "Channel": "Web"} in [s["segment"] for s in two["segments"]]
    assert sum(s["headroom"] for s in two["segments"]) == pytest.approx(100 - two["overall"], abs=1e-9)

    from openpyxl import load_workbook

    target = tmp_path / "drivers.xlsx"
    assert invoke(["drivers", str(path), "--by", "Region", "--output", str(target), "-q"]).exit_code == 0
    ws = load_workbook(target)["Drivers"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Region")
    (chart,) = ws._charts
    assert header > chart.anchor._from.row + 20  # under the chart, not behind it
    got = [(ws.cell(r, 1).value, ws.cell(r, 6).value) for r in range(header + 1, header + 1 + len(doc["headroom"]["segments"]))]
    assert got == [(s["segment"]["Region"], pytest.approx(s["headroom"])) for s in doc["headroom"]["segments"]]


def test_the_workbook_lists_the_largest_headrooms_only(export, tmp_path, monkeypatch):
    """200,000 customers' rows took minutes to write: the sheet keeps the largest HEADROOM_ROWS and says where the rest are."""
    from openpyxl import load_workbook

    import cxscore.render.drivers_workbook as drivers_workbook

    monkeypatch.setattr(drivers_workbook, "HEADROOM_ROWS", 2)
    path, _ = export
    doc = json.loads(invoke(["drivers", str(path), "--by", "Region", "-f", "json"]).stdout)["headroom"]["segments"]
    target = tmp_path / "drivers.xlsx"
    assert invoke(["drivers", str(path), "--by", "Region", "--output", str(target), "-q"]).exit_code == 0
    ws = load_workbook(target)["Drivers"]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Region")
    assert [ws.cell(r, 1).value for r in range(header + 1, header + 3)] == [s["segment"]["Region"] for s in doc[:2]]
    assert ws.cell(header + 3, 1).value.startswith("Overall NPS")  # the caption follows the two rows
    assert ws.cell(header + 4, 1).value == f"The 2 segments with the most headroom of {len(doc)}; all of them: cxscore drivers --by Region -f csv."


@pytest.mark.parametrize("kind", ["nps", "csat", "ces"])
@pytest.mark.parametrize("seed", range(4))
def test_the_array_headrooms_equal_the_per_segment_ones(kind, seed):
    """headrooms() scores and ranks every segment from the roll-up's arrays and makes a row's summary and
    interval only when read; on random tallies (tiny segments, so ties; unanswered ones; weighted or not)
    every row, read whole or sliced, equals the per-segment path's: summarise, compute, interval, sort."""
    from collections import Counter

    from cxscore.accumulators import Book, accumulators_for
    from cxscore.config import MetricSpec
    from cxscore.grouping import GroupKey
    from cxscore.keydrivers import headrooms
    from cxscore.metrics import compute, interval, summarise
    from cxscore.normalize import EncodedColumn
    from cxscore.settings import Options, resolve

    rng = np.random.default_rng(seed)
    spec = MetricSpec(type=kind, column="q")
    size, points = 600, spec.scale.hi - spec.scale.lo + 1
    segments = rng.integers(0, 150, size)
    codes = np.where(rng.random(size) < 0.1, 1, rng.integers(2, 2 + points, size))  # a few blanks (slot 1)
    codes[segments % 37 == 5] = 1  # segments with no answer at all
    weights = None if seed % 2 else rng.choice([0.5, 1.0, 2.0], size)
    book: Book[GroupKey] = Book({spec.name: accumulators_for(spec)})
    groups = [GroupKey((f"c{s:03d}",), None) for s in rng.permutation(150)]  # first seen is not name order
    book.add(spec.name, EncodedColumn(codes.astype(np.intp), Counter()), groups, segments.astype(np.intp), weights)
    settings = resolve(None, Options(by=["seg"]))
    got = headrooms(spec, book, settings)

    parts = book.rollup(spec.name, lambda key: key.segment)
    shown = [(segment, s) for segment, s in zip(parts, summarise(spec, parts.values())) if s.n and s.total > 0]
    scores = np.array([compute(spec, s)[0] for _, s in shown], dtype=np.float64)
    gains = segment_headroom(scores, np.array([s.total for _, s in shown]), got.best)
    want = []
    for (segment, s), value, gain in zip(shown, scores.tolist(), gains.tolist()):
        ci = interval(spec, s, settings.confidence, settings.nps_interval)
        want.append((segment, s.n, s.total, value, ci.low if ci else None, ci.high if ci else None, gain))
    want.sort(key=lambda h: (-h[-1], h[0]))
    as_tuples = [(h.segment, h.n, h.weight, h.score, h.low, h.high, h.headroom) for h in got.segments]
    assert as_tuples == want and got.unanswered == len(parts) - len(shown) > 0
    assert [(h.segment, h.low, h.headroom) for h in got.segments[:7]] == [(w[0], w[4], w[6]) for w in want[:7]]
    assert (got.segments[-1].segment, got.segments[3].high) == (want[-1][0], want[3][5])
    assert len({w[-1] for w in want}) < len(want)  # ties were there to order
