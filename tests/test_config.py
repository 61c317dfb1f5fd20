"""Config validation: defaults, precise messages with key paths, YAML line numbers."""
from __future__ import annotations

import pytest

from cxscore.config import Config, MetricSpec, load_config, locate_config, validate_config
from cxscore.errors import ConfigError


def error_of(data) -> str:
    with pytest.raises(ConfigError) as info:
        validate_config(data, "cfg.yaml")
    return str(info.value)


def test_defaults_per_type():
    nps = MetricSpec(type="nps", column="q")
    assert (nps.scale.lo, nps.scale.hi, str(nps.detractors), str(nps.passives), str(nps.promoters)) == (0, 10, "0–6", "7–8", "9–10")
    csat = MetricSpec(type="csat", column="q")
    assert (str(csat.scale), str(csat.satisfied), str(csat.dissatisfied)) == ("1–5", "4–5", "1–2")
    ces = MetricSpec(type="ces", column="q")
    assert (str(ces.scale), ces.direction, str(ces.low_effort), str(ces.high_effort)) == ("1–7", "higher_is_easier", "5–7", "1–3")
    effort = MetricSpec(type="ces", column="q", scale=[1, 10])
    assert (effort.direction, str(effort.low_effort), str(effort.high_effort)) == ("higher_is_harder", "1–2", "6–10")
    assert MetricSpec(type="csat", column="q", scale=[1, 10]).satisfied.lo == 9


def test_band_outside_scale_names_path():
    message = error_of({"metrics": [{"type": "csat", "column": "a"}, {"type": "nps", "column": "b", "promoters": [9, 11]}]})
    assert "cfg.yaml: metrics[1].promoters: 11 is outside the scale 0–10" in message


@pytest.mark.parametrize(
    "bands, expected",
    [
        ({"promoters": [8, 10]}, "metrics[0].promoters: the band 8–10 overlaps passives 7–8"),
        ({"passives": [8, 8]}, "metrics[0].passives: the scale point(s) 7 fall in no band"),
        ({"promoters": [9, 9]}, "metrics[0].promoters: the scale point(s) 10 fall in no band"),
    ],
)
def test_nps_bands_must_partition_the_scale(bands, expected):
    assert expected in error_of({"metrics": [{"type": "nps", "column": "q", **bands}]})


def test_csat_and_ces_band_rules():
    assert "satisfied: the band 3–4 must reach the top of the scale (5)" in error_of({"metrics": [{"type": "csat", "column": "q", "satisfied": [3, 4]}]})
    assert "satisfied: the band 2–5 overlaps dissatisfied 1–2" in error_of({"metrics": [{"type": "csat", "column": "q", "satisfied": [2, 5]}]})
    assert "low_effort: the band 3–7 overlaps high_effort 1–3" in error_of({"metrics": [{"type": "ces", "column": "q", "low_effort": [3, 7]}]})
    assert "direction: has no default on the scale 0–6" in error_of({"metrics": [{"type": "ces", "column": "q", "scale": [0, 6], "low_effort": [5, 6], "high_effort": [0, 1]}]})


def test_non_default_nps_scale_needs_bands():
    assert "metrics[0].detractors: has no default on the scale 1–10" in error_of({"metrics": [{"type": "nps", "column": "q", "scale": [1, 10]}]})


def test_unknown_keys_suggest_the_right_one():
    assert "metric: unknown key; did you mean 'metrics'?" in error_of({"metric": []})
    assert "metrics[0].columns: unknown key; did you mean 'column'?" in error_of({"metrics": [{"type": "nps", "columns": "q"}]})
    assert "metrics[0].satisfied: is not a setting of an NPS metric" in error_of({"metrics": [{"type": "nps", "column": "q", "satisfied": 5}]})


def test_column_forms():
    config = validate_config({"metrics": [
        {"type": "nps", "column": "Q1"},
        {"type": "csat", "column": ["a", "b"]},
        {"type": "ces", "column": {"match": "easy|容易"}},
    ]})
    assert [m.name for m in config.metrics] == ["nps", "csat", "ces"]
    assert "metrics[0].column: /(/ is not a valid regular expression" in error_of({"metrics": [{"type": "nps", "column": {"match": "("}}]})
    assert "metrics[0].column: 3 is not a column" in error_of({"metrics": [{"type": "nps", "column": 3}]})


def test_labels_must_land_on_the_scale_and_names_be_unique():
    assert "metrics[0].labels: 'Great' maps to 12, which is outside the scale 0–10" in error_of({"metrics": [{"type": "nps", "column": "q", "labels": {"Great": 12}}]})
    assert "metrics[1].name: 'csat' is used by metrics[0] too" in error_of({"metrics": [{"type": "csat", "column": "a"}, {"type": "csat", "column": "b"}]})


def test_yaml_errors_carry_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("metrics:\n  - type: nps\n   column: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid YAML at line 3"):
        load_config(path)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_empty_config_means_detect(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    assert load_config(path) == Config()


def test_cxscore_yaml_in_working_directory_is_used(tmp_path, monkeypatch):
    (tmp_path / "cxscore.yaml").write_text("metrics:\n  - {type: csat, column: Sat, name: sat}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_config(locate_config(None)).metrics[0].name == "sat"


def test_example_config_is_valid():
    from conftest import ROOT

    config = load_config(ROOT / "config.example.yaml")
    assert [m.type for m in config.metrics] == ["nps", "csat", "ces"]


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"metrics": [{"column": "q"}]}, "metrics[0].type: is required"),
        ({"metrics": [{"type": "nqs", "column": "q"}]}, "metrics[0].type: 'nqs' is not one of nps, csat, ces"),
        ({"period": "fortnight"}, "period: 'fortnight' is not one of day, week, month, quarter, year"),
        ({"min_n": 0}, "min_n: expected `int` >= 1"),
        ({"confidence": 1.5}, "confidence: expected `float` <= 0.9999"),
        ({"segments": "channel"}, "segments: expected `array`, got `str`"),
        ({"metrics": [{"type": "nps", "column": "q", "scale": [10, 0]}]}, "metrics[0].scale: the band [10, 0] is reversed; write [0, 10]"),
        ({"metrics": [{"type": "csat", "column": "q", "satisfied": True}]}, "metrics[0].satisfied: expected `int | array | null`, got `bool`"),
        ({"metrics": [{"type": "nps", "column": "q", "scale": [0, 5, 10]}]}, "metrics[0].scale: expected `array` of length 2"),
        ({"metrics": [{"type": "nps", "column": "q", "target": "high"}]}, "metrics[0].target: expected `float | object | null`, got `str`"),
        ({"colour": "red"}, "colour: unknown key; known keys: agent, benchmark, benchmarks_file"),
    ],
)
def test_messages_name_the_key_and_the_problem(data, expected):
    assert f"cfg.yaml: {expected}" in error_of(data)


def test_bands_written_as_one_point_or_a_pair():
    spec = MetricSpec(type="csat", column="q", satisfied=5, dissatisfied=[1, 3])
    assert (spec.satisfied, spec.dissatisfied) == ((5, 5), (1, 3))
    assert 2 in spec.dissatisfied and 4 not in spec.dissatisfied and str(spec.satisfied) == "5"
