"""Metric kinds: the registry, each kind's own knowledge, and adding a kind without touching the rest."""
from __future__ import annotations

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


def test_the_registry_holds_the_three_kinds_in_the_order_people_read_them():
    assert list(kinds.KINDS) == ["nps", "csat", "ces"]
    assert all(kinds.get(name).name == name for name in kinds.KINDS)


def test_a_spec_finds_its_kind():
    for name in kinds.KINDS:
        assert MetricSpec(type=name, column="q").kind is kinds.get(name)


def test_an_unregistered_type_is_refused_naming_the_registered_ones():
    with pytest.raises(ConfigError, match=r"metrics\[0\]\.type: 'nps2' is not one of nps, csat, ces"):
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
        (100, 1, "NPS", True), (100, 1, "% satisfied", False), (1, 2, "mean", False)]


def test_detection_labels_benchmarks_and_plans_ask_the_kind():
    from cxscore import benchmarks, detect, labels, planning

    # Header patterns are tried in the kinds' header_order: "recommend" beats "satisfied", "easy" beats it too.
    assert [name for name, _ in detect.HEADER_PATTERNS] == ["nps", "ces", "csat"]
    assert labels.builtin_labels("csat", 1, 5) is kinds.get("csat").labels[(1, 5)]
    assert labels.builtin_labels("nps", 0, 10) == {}
    assert benchmarks.COMPARABLE == {"nps": ("nps", "nps"), "csat": ("csat", "pct")}
    # The worst-case NPS plan: n ≈ z²·Var/E² − 3 with Var = 1 (DESIGN.md: ±5 needs about 1,534).
    assert planning.sample_size("nps", 5)["n"] == pytest.approx(1534, abs=3)
    assert kinds.get("ces").plan(0.1, 0.95, None, sd=1.4, scale=None, mean=None).points == "scale points"


def test_a_starter_target_is_on_the_kinds_value():
    assert kinds.get("nps").example_target(MetricSpec(type="nps", column="q")).startswith("30 ")
    effort = MetricSpec(type="ces", column="q", scale=[1, 10])
    assert effort.kind.example_target(effort) == "2   # mean on 1–10; met at or below (higher is harder)"
