"""Metric kinds: the registry, each kind's own knowledge, and adding a kind without touching the rest."""
from __future__ import annotations

import re

import pytest

from cxscore import kinds
from cxscore.config import MetricSpec, validate_config
from cxscore.errors import ConfigError
from cxscore.pipeline import score


def _scored(tmp_path, metric: dict, answers: list[int]) -> dict:
    """The overall row of one metric scored from a one-column CSV, through the library entry point."""
    path = tmp_path / "answers.csv"
    path.write_text("q\n" + "".join(f"{a}\n" for a in answers), encoding="utf-8")
    report = score([str(path)], validate_config({"metrics": [{"column": "q", **metric}]}))
    return next(r for r in report.results if not r.segment and r.period is None)


def test_the_registry_holds_the_kinds_in_the_order_people_read_them():
    assert list(kinds.KINDS) == ["nps", "csat", "ces", "duration", "rate", "service_level", "abandonment", "answer_rate", "ratio", "weighted_average"]
    assert all(kinds.get(name).name == name for name in kinds.KINDS)


def test_a_spec_finds_its_kind():
    calls = {"answered": "q = 1", "abandon_wait": "a"}  # the call kinds' least (a service level adds its wait)
    own = {"rate": {"condition": "q = 1"}, "service_level": {**calls, "wait": "w"}, "abandonment": calls, "answer_rate": calls,
           "ratio": {"numerator": "a", "denominator": "b"}, "weighted_average": {"average": "a", "count": "b"}}
    for name in kinds.KINDS:
        where = {"column": "q"} if kinds.get(name).answer_column else own[name]
        assert MetricSpec(type=name, **where).kind is kinds.get(name)


def test_an_unregistered_type_is_refused_naming_the_registered_ones():
    with pytest.raises(ConfigError, match=r"metrics\[0\]\.type: 'nps2' is not one of nps, csat, ces, duration"):
        validate_config({"metrics": [{"type": "nps2", "column": "q"}]})


def test_each_kind_computes_its_value_and_components(tmp_path):
    # DESIGN.md's check counts on 0..10: detractors 12, passives 31, promoters 57 of 100 → NPS 45.
    counts = [2, 1, 1, 1, 1, 3, 3, 9, 22, 22, 35]
    row = _scored(tmp_path, {"type": "nps"}, [point for point, c in enumerate(counts) for _ in range(c)])
    assert (row.type, row.value, row.components["promoters_pct"]) == ("nps", pytest.approx(45.0), pytest.approx(57.0))
    # 1–5 answers 1,2,3,3,4,4,4,5,5,5: satisfied (4–5) 60 %, dissatisfied (1–2) 20 %, mean 3.6.
    row = _scored(tmp_path, {"type": "csat"}, [1, 2, 3, 3, 4, 4, 4, 5, 5, 5])
    assert (row.value, row.components["dissatisfied_pct"], row.components["mean"]) == pytest.approx((60.0, 20.0, 3.6))
    # A 1–10 effort scale runs towards "hard": low effort is 1–2, high effort 6–10; mean (4·1 + 6)/5 = 2.
    row = _scored(tmp_path, {"type": "ces", "scale": [1, 10]}, [1, 1, 1, 1, 6])
    assert (row.value, row.components["low_effort_pct"], row.components["high_effort_pct"], row.components["net"]) == pytest.approx((2.0, 80.0, 20.0, 60.0))
    ces = MetricSpec(type="ces", column="q", scale=[1, 10])
    assert not ces.higher_is_better and ces.kind.higher_is_better(ces) is False


def test_units_and_display_come_from_the_kind():
    assert [(k.unit, k.digits, k.score_label, k.signed) for k in kinds.KINDS.values()] == [
        (100, 1, "NPS", True), (100, 1, "% satisfied", False), (1, 2, "mean", False), (1, 1, "median", False), (100, 1, "% of rows", False),
        (100, 1, "% within T", False), (100, 1, "% abandoned", False), (100, 1, "% answered", False),
        (100, 1, "% of sums", False), (1, 1, "average", False)]


def test_detection_labels_benchmarks_and_plans_ask_the_kind():
    from cxscore import benchmarks, detect, labels, planning

    # Header patterns are tried in the kinds' header_order: "recommend" beats "satisfied", "easy" beats it too.
    assert [name for name, _ in detect.HEADER_PATTERNS] == ["nps", "ces", "csat"]
    assert labels.builtin_labels("csat", 1, 5) is kinds.get("csat").labels[(1, 5)]
    assert labels.builtin_labels("nps", 0, 10) == {}
    assert benchmarks.COMPARABLE == {"nps": ("nps", "nps"), "csat": ("csat", "pct")}
    # The worst-case NPS plan: n ≈ z²·Var/E² − 3 with Var = 1 (DESIGN.md: ±5 needs about 1,534).
    assert planning.sample_size("nps", 5)["n"] == pytest.approx(1534, abs=3)
    assert kinds.get("ces").plan(0.95, None, sd=1.4, scale=None, mean=None).points == "scale points"


def test_a_starter_target_is_on_the_kinds_value():
    assert kinds.get("nps").example_target(MetricSpec(type="nps", column="q")).startswith("30 ")
    effort = MetricSpec(type="ces", column="q", scale=[1, 10])
    assert effort.kind.example_target(effort) == "2   # mean on 1–10; met at or below (higher is harder)"


#: A throwaway kind, written as a new module would be: the share of answers in the top box.
TOPBOX = '''"""Top box: the share of answers in the ``top`` band (a throwaway kind for tests/test_kinds.py)."""
from __future__ import annotations

import re

import re
from typing import Any

from .. import stats
from .base import Band, Kind


class TopBox(Kind):
    name = "topbox"
    article = "a top-box"
    default_scale = (1, 5)
    bands = ("bottom", "top")
    comment_bands = ("bottom", "top")
    components = ("top_pct", "bottom_pct")
    score_label = "% top box"
    details = (("bottom box", "bottom_pct", "pct"),)
    band_words = {"en": {"bottom": "Bottom box", "top": "Top box"}}
    header_pattern = re.compile(r"top box", re.IGNORECASE)
    candidate_scales = ((1, 5),)

    def default_bands(self, lo: int, hi: int) -> dict[str, Any]:
        return {"bottom": Band(lo, lo), "top": Band(hi, hi)}

    def check(self, spec) -> None:
        if spec.top.hi != spec.scale.hi:
            raise ValueError(f"top: the band {spec.top} must reach the top of the scale ({spec.scale.hi})")

    def compute(self, spec, s):
        return 100 * s.shares["top"], {"top_pct": 100 * s.shares["top"], "bottom_pct": 100 * s.shares["bottom"]}

    def interval(self, spec, s, confidence, nps_method):
        ci = stats.wilson_interval(s.shares["top"], s.n_eff, confidence)
        return stats.Interval(100 * ci.se, 100 * ci.low, 100 * ci.high, ci.method)

    def moments(self, spec, s):
        return (*stats.proportion_moments(s.shares["top"]), s.n_eff)

    def interval_words(self, nps_method):
        return "top boxes Wilson"


KIND = TopBox()
'''


def test_adding_a_kind_is_one_module_and_one_registry_line(tmp_path):
    """A copy of the package gains kinds/topbox.py and one changed registry line, nothing else; then
    a config with its own keys is checked and a file is scored with it: JSON, a table, a workbook with comments."""
    import json
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import openpyxl

    import cxscore

    package = tmp_path / "lib" / "cxscore"
    shutil.copytree(Path(cxscore.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "kinds" / "topbox.py").write_text(TOPBOX, encoding="utf-8")
    registry = package / "kinds" / "__init__.py"
    before = registry.read_text(encoding="utf-8")
    after = re.sub(r'MODULES = \((.*)\)', r'MODULES = (\1, "topbox")', before)
    assert sum(a != b for a, b in zip(before.splitlines(), after.splitlines())) == 1
    registry.write_text(after, encoding="utf-8")

    # 1–5 answers: top box (5) 4 of 10 = 40 %, bottom box (1) 2 of 10 = 20 %; the segment A holds the 5s.
    answers = zip([5, 5, 5, 5, 4, 3, 3, 2, 1, 1], "AAAABBBBBB", range(10))
    (tmp_path / "data.csv").write_text("Rating,Team,Comment\n" + "".join(f"{a},{t},said {i}\n" for a, t, i in answers), encoding="utf-8")
    (tmp_path / "cfg.yaml").write_text("metrics:\n  - type: topbox\n    column: Rating\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("metrics:\n  - type: nps\n    column: Rating\n    top: 5\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib")}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cxscore", *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    done = run("score", "data.csv", "-c", "cfg.yaml", "--by", "Team", "-f", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["results"]
    overall = next(r for r in rows if not r["segment"])
    assert (overall["type"], overall["value"], overall["components"]) == ("topbox", pytest.approx(40.0), {"top_pct": pytest.approx(40.0), "bottom_pct": pytest.approx(20.0)})
    assert {r["segment"]["Team"]: r["value"] for r in rows if r["segment"]} == {"A": pytest.approx(100.0), "B": pytest.approx(0.0)}
    table = run("score", "data.csv", "-c", "cfg.yaml", "--by", "Team")
    assert table.returncode == 0 and "% top box" in table.stdout and "40.0%" in table.stdout and "bottom box 20.0%" in table.stdout, table.stdout + table.stderr
    assert "95% intervals: top boxes Wilson." in " ".join(table.stdout.split())  # the caption names its own interval (only)
    book = run("report", "data.csv", "-c", "cfg.yaml", "--comments", "1", "-o", "out.xlsx")
    assert book.returncode == 0, book.stderr
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)["Comments"]
    said = {row[1]: row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "topbox"}
    assert said == {"Bottom box": "said 9", "Top box": "said 3"}  # the most recent (last) of each band, in the kind's words
    refused = run("score", "data.csv", "-c", "bad.yaml")
    assert refused.returncode == 2 and "metrics[0].top: is not a setting of an NPS metric; its bands are detractors, passives, promoters" in refused.stderr


def test_a_kind_says_which_accumulator_its_metric_uses(monkeypatch):
    from cxscore import accumulators
    from cxscore.tally import TallyTable

    spec = MetricSpec(type="csat", column="q", scale=[1, 7])
    table = accumulators.accumulators_for(spec)
    assert isinstance(table, TallyTable) and table.empty().n == 0
    made = object()
    monkeypatch.setattr(type(spec.kind), "accumulators", lambda self, s: made)
    assert accumulators.accumulators_for(spec) is made
