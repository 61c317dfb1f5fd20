"""A detectable Δ no change could reach is shown as — (JSON ``mdd`` null), not as a figure: a duration's
when the stretch e^δ is over ×10 (9 tickets a side read ``22d 14h``), a score's when it is wider than its
scale (an NPS Δ over 200 points). Scalar and array paths give the same, at the boundary on both sides."""
from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pytest

import cxscore.kinds.duration as duration
from cxscore.config import validate_config
from cxscore.kinds import KINDS
from conftest import invoke

Z = 1.959964 + 0.841621  # z₀.₉₇₅ + z₀.₈: 95% confidence, 80% power
HOUR = 3600.0


def _pair(monkeypatch, n: int) -> tuple[SimpleNamespace, SimpleNamespace]:
    """Two groups of n durations whose pooled median is 1h, 60th percentile 2h and 40th 1h."""
    split = ((HOUR, 2 * HOUR, HOUR), n // 2, n // 2)
    monkeypatch.setattr(duration, "_median_split", lambda a, b: split)
    return SimpleNamespace(n=n), SimpleNamespace(n=n)


@pytest.mark.parametrize(("n", "expected"), [
    # s = ln 2 / 0.4 = 1.732868; δ = Z·s·√(2/n); Δ = 1h·(e^δ − 1) while e^δ ≤ 10 (δ ≤ ln 10: n ≥ 8.89).
    (9, HOUR * (math.exp(Z * math.log(2) / 0.4 * math.sqrt(2 / 9)) - 1)),  # δ 2.28853, ×9.8608: 8h 51m 39s
    (8, None),  # δ 2.42739, ×11.33
    (100, HOUR * (math.exp(Z * math.log(2) / 0.4 * math.sqrt(2 / 100)) - 1)),  # δ 0.68658, ×1.98689: 3552.8 s
])
def test_a_duration_detectable_stretch_over_ten_is_none_on_both_paths(monkeypatch, n, expected):
    kind = KINDS["duration"]
    spec = validate_config({"metrics": [{"name": "frt", "type": "duration", "column": "t", "unit": "minutes"}]}).metrics[0]
    a, b = _pair(monkeypatch, n)
    found = kind.detectable(spec, a, b, 1.0, 0.95)
    assert found == (None if expected is None else pytest.approx(expected, rel=1e-6))
    if n == 9:
        assert math.exp(Z * math.log(2) / 0.4 * math.sqrt(2 / 9)) == pytest.approx(9.8608, abs=1e-4)
        assert found == pytest.approx(31898.8, abs=0.1)
    # The array twin (results._Table): the same split for the pair, the same figure or NaN.
    monkeypatch.setattr("cxscore.loghist.median_splits", lambda *args: (np.array([[HOUR, 2 * HOUR, HOUR]]), np.array([n // 2]), np.array([n // 2])))
    side = SimpleNamespace(buckets=None, n=np.array([n]), median=np.array([HOUR]))
    _, _, mdd = kind.test_columns(spec, side, np.array([0]), side, np.array([0]), 0.95)
    assert (math.isnan(mdd[0]) if expected is None else mdd[0] == found)


@pytest.mark.parametrize(("kind", "se0", "expected"), [
    ("nps", 71.0, Z * 71.0),  # 198.9 points: within 200
    ("nps", 72.0, None),  # 201.7: wider than −100…+100 allows
    ("csat", 35.0, Z * 35.0),  # 98.1 percentage points
    ("csat", 36.0, None),  # 100.9
    ("ces", 2.1, Z * 2.1),  # 5.88 on a 1–7 scale (widest Δ 6)
    ("ces", 2.2, None),  # 6.16
])
def test_a_score_detectable_wider_than_its_scale_is_none_on_both_paths(kind, se0, expected):
    spec = validate_config({"metrics": [{"name": "m", "type": kind, "column": "q"}]}).metrics[0]
    found = spec.kind.detectable(spec, None, None, se0, 0.95)
    assert found == (None if expected is None else pytest.approx(expected, rel=1e-6))
    mdd = spec.kind.possible_columns(spec, np.array([Z * se0]))
    assert (math.isnan(mdd[0]) if expected is None else mdd[0] == pytest.approx(expected, rel=1e-6))


def test_tiny_groups_show_a_dash_and_json_null(write_csv, tmp_path, monkeypatch):
    # 9 tickets against 9: the large-sample figure read 22d 14h (e^δ ≈ 430), and 2 against 18 1428d 23h.
    monkeypatch.chdir(tmp_path)
    a = [5, 40, 300, 2000, 9000, 60, 700, 15, 4000]
    b = [10, 90, 600, 3000, 20, 12000, 45, 800, 7]
    write_csv([["team", "Resolution time in minutes"], *[["A", v] for v in a], *[["B", v] for v in b], ["C", 5], ["C", 9]], name="d.csv")
    (tmp_path / "c.yml").write_text("metrics:\n  - {name: ttr, type: duration, column: Resolution time in minutes}\n")
    args = ["score", "d.csv", "-c", "c.yml", "--by", "team", "--min-n", "1"]
    doc = json.loads(invoke([*args, "-f", "json"]).stdout)
    tested = [r for r in doc["results"] if r["segment"]]
    assert len(tested) == 3 and all(r["significance"]["p_value"] is not None and r["significance"]["mdd"] is None for r in tested)
    out = invoke([*args, "-f", "markdown"]).stdout
    assert next(line for line in out.splitlines() if line.startswith("| A ")).endswith("| — |")
    assert "Detectable —: no change under ×10 would be found at this n, or neither side varies." in out
    assert "smallest Δ found" not in out


def test_an_nps_detectable_over_200_points_is_a_dash_beside_figures(write_csv, tmp_path, monkeypatch):
    # A: 2 answers (a promoter and a detractor) against 11 (6 promoters, 5 detractors); pooled 7 promoters
    # and 6 detractors of 13: SD √(1 − (1/13)²) = 0.99704, SE₀ 99.704·√(1/2 + 1/11) = 76.65, Δ 214.7 > 200.
    monkeypatch.chdir(tmp_path)
    scores = {"A": [10, 0], "B": [10, 0, 10], "C": [9, 0, 10, 2, 10, 1, 10, 3]}
    write_csv([["team", "score"], *[[t, s] for t, values in scores.items() for s in values]], name="n.csv")
    (tmp_path / "c.yml").write_text("metrics:\n  - {name: nps, type: nps, column: score}\n")
    args = ["score", "n.csv", "-c", "c.yml", "--by", "team", "--min-n", "1"]
    doc = json.loads(invoke([*args, "-f", "json"]).stdout)
    mdd = {r["segment"]["team"]: r["significance"]["mdd"] for r in doc["results"] if r["segment"]}
    assert mdd["A"] is None
    # B: 3 (2 promoters, 1 detractor) against 10 (5 and 5): the same pooled SD, SE₀ 99.704·√(1/3 + 1/10).
    assert mdd["B"] == pytest.approx(Z * 100 * math.sqrt(1 - (1 / 13) ** 2) * math.sqrt(1 / 3 + 1 / 10), rel=1e-5)
    assert mdd["B"] == pytest.approx(183.88, abs=0.01)
    out = invoke([*args, "-f", "markdown"]).stdout
    assert next(line for line in out.splitlines() if line.startswith("| A ")).endswith("| — |")
    assert next(line for line in out.splitlines() if line.startswith("| B ")).endswith("| 183.9 |")
    assert "Detectable: the smallest Δ found with 80% power at this n (—: no change the scale allows would be found at this n, or neither side varies)." in out
