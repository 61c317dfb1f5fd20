"""The duration kind end to end: a ticket export's reply and resolution times scored from one column
each — medians, percentiles, the mean and "% within" against NumPy on the same values, segments,
weeks, every output format, the errors (no unit, weights, bad config), and the accumulator's
chunked = whole = parallel property."""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.accumulators import Book, rests
from cxscore.config import MetricSpec, validate_config
from cxscore.errors import ConfigError
from cxscore.render.display import duration

from conftest import SAMPLE, invoke, results_by_metric

ALPHA = 0.01
GROUPS = ("Billing", "Tech", "Sales")
FRT = "First reply time in minutes"
FULL = "Full resolution time in minutes"
CONFIG = f"""
metrics:
  - name: frt
    type: duration
    column: {FRT}
    within: 1h
  - name: resolution
    type: duration
    column: {FULL}
"""


def _tickets(n: int = 420, seed: int = 7) -> tuple[list[list], dict]:
    """A Zendesk-like ticket export: whole minutes, skewed (lognormal), a few blank and broken cells.

    Returns the rows (header first) and, per metric, the valid values in seconds with each one's group and week."""
    rng = np.random.default_rng(seed)
    group = rng.choice(GROUPS, n, p=[0.5, 0.3, 0.2])
    # Tech replies slower: median 90 min against 40.
    frt = np.rint(np.exp(rng.normal(np.where(group == "Tech", np.log(90), np.log(40)), 1.2))).astype(int)
    full = np.rint(np.exp(rng.normal(np.log(1500), 1.4, n))).astype(int)
    start = datetime(2025, 3, 3, 8)  # a Monday: weeks 2025-W10 … W12
    created = [start + timedelta(minutes=int(m)) for m in rng.integers(0, (21 * 24 - 9) * 60, n)]
    rows = [["Id", "Group", "Created at", FRT, FULL]]
    values: dict[str, list[tuple[float, str, str]]] = {"frt": [], "resolution": []}
    for i in range(n):
        week = f"{created[i].isocalendar()[0]}-W{created[i].isocalendar()[1]:02d}"
        cells = {}
        for name, column, minutes in (("frt", FRT, frt[i]), ("resolution", FULL, full[i])):
            if i % 97 == 5:
                cells[column] = ""  # not answered yet
            elif i % 131 == 7:
                cells[column] = "-3" if name == "frt" else "soon"  # invalid: negative, not a duration
            else:
                cells[column] = str(minutes)
                values[name].append((60.0 * minutes, str(group[i]), week))
        rows.append([str(1000 + i), str(group[i]), created[i].strftime("%Y-%m-%d %H:%M:%S"), cells[FRT], cells[FULL]])
    return rows, values


@pytest.fixture
def tickets(write_csv, tmp_path):
    rows, values = _tickets()
    path = write_csv(rows, "tickets.csv")
    config = tmp_path / "service.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return path, config, values


def _quantile(seconds: list[float], q: float) -> float:
    return float(np.quantile(np.array(seconds), q, method="inverted_cdf"))


def _check_row(row: dict, seconds: list[float], within: bool) -> None:
    """value, p25/p75/p90 within α of NumPy's on the same values; mean and % within exact."""
    assert row["n"] == len(seconds)
    for got, q in ((row["value"], 0.5), (row["components"]["p25"], 0.25), (row["components"]["p75"], 0.75), (row["components"]["p90"], 0.9)):
        assert abs(got - _quantile(seconds, q)) <= ALPHA * _quantile(seconds, q) + 1e-9, q
    assert row["components"]["mean"] == pytest.approx(float(np.mean(seconds)), rel=1e-12)
    if within:
        assert row["components"]["within_pct"] == pytest.approx(100 * float(np.mean(np.array(seconds) <= 3600)), rel=1e-12)
    else:
        assert row["components"]["within_pct"] is None


def test_medians_percentiles_mean_and_within_against_numpy_overall_and_by_group(tickets):
    path, config, values = tickets
    result = invoke(["score", str(path), "-c", str(config), "--by", "Group", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {m["name"]: (m["type"], m["scale"]) for m in data["metrics"]} == {"frt": ("duration", None), "resolution": ("duration", None)}
    for name in ("frt", "resolution"):
        rows = [r for r in data["results"] if r["metric"] == name]
        overall = next(r for r in rows if not r["segment"])
        _check_row(overall, [v for v, _, _ in values[name]], within=name == "frt")
        for row in rows:
            if row["segment"]:
                _check_row(row, [v for v, g, _ in values[name] if g == row["segment"]["Group"]], within=name == "frt")
    quality = {q["metric"]: q for q in data["quality"]}
    assert (quality["frt"]["blank"], quality["frt"]["invalid"], quality["frt"]["invalid_examples"]) == (5, 4, {"-3": 4})
    assert (quality["resolution"]["blank"], quality["resolution"]["invalid"], quality["resolution"]["invalid_examples"]) == (5, 4, {"soon": 4})
    assert "frt: 4 invalid answer(s) in column 'First reply time in minutes' not scored (negative, over 100 years or not a duration; e.g. '-3' ×4)" in result.stderr


def test_weeks_against_numpy_and_seconds_in_csv(tickets):
    path, config, values = tickets
    result = invoke(["score", str(path), "-c", str(config), "--period", "week", "-f", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    weeks = [r for r in data["results"] if r["metric"] == "frt" and r["period"]]
    assert [r["period"] for r in weeks] == ["2025-W10", "2025-W11", "2025-W12"]
    for row in weeks:
        _check_row(row, [v for v, _, w in values["frt"] if w == row["period"]], within=True)
        assert row["significance"] is None or row["significance"]["against"] == "previous"
    csv_out = invoke(["score", str(path), "-c", str(config), "--period", "week", "-f", "csv", "-q"])
    lines = csv_out.stdout.splitlines()
    header = lines[0].split(",")
    assert header[-6:] == ["scale_min", "scale_max", "p25", "p75", "p90", "within_pct"]  # after the survey columns
    first = dict(zip(header, lines[1].split(",")))
    overall = next(r for r in data["results"] if r["metric"] == "frt" and not r["segment"] and r["period"] is None)
    assert (first["metric"], float(first["value"]), float(first["p90"]), first["scale_min"]) == ("frt", overall["value"], overall["components"]["p90"], "")


def test_a_survey_csv_keeps_its_columns(tmp_path):
    """The duration components are in a CSV only when a duration metric is: survey CSVs keep their columns."""


    result = invoke(["score", str(SAMPLE), "-f", "csv", "-q"])
    assert result.stdout.splitlines()[0].endswith(",net,scale_min,scale_max")


def test_table_and_markdown_show_durations_for_people(tickets):
    path, config, values = tickets
    data = json.loads(invoke(["score", str(path), "-c", str(config), "-f", "json", "-q"]).stdout)
    frt = results_by_metric(data)["frt"]
    shown = duration(frt["value"])
    assert shown.endswith("m") and not shown.startswith("0")
    table = invoke(["score", str(path), "-c", str(config), "-q"], env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.stderr
    assert "frt (median)" in table.stdout and shown in table.stdout
    assert f"p90 {duration(frt['components']['p90'])}" in table.stdout and f"within target {frt['components']['within_pct']:.1f}%" in table.stdout
    markdown = invoke(["score", str(path), "-c", str(config), "--by", "Group", "-f", "markdown", "-q"])
    assert markdown.exit_code == 0 and "frt (median) by Group — Δ against the rest · lower is better" in markdown.stdout
    assert f"| {shown} |" in markdown.stdout.replace("**_", "").replace("_**", "").replace("| _", "| ").replace("_ |", " |")


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "—"), (0, "0.0s"), (0.5, "0.5s"), (4, "4.0s"), (9.96, "10s"), (52, "52s"), (200, "3m 20s"), (600, "10m"), (2100, "35m"),
    (3600, "1h"), (4 * 3600 + 12 * 60, "4h 12m"), (86400 * 2 + 3 * 3600, "2d 3h"), (-90, "-1m 30s"),
])
def test_durations_for_people(seconds, text):
    assert duration(seconds) == text


def test_plain_numbers_without_a_unit_are_an_error_naming_the_column_and_the_fix(write_csv, tmp_path):
    path = write_csv([["Ticket", "Wait"], ["1", "12"], ["2", "30"]])
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - name: wait\n    type: duration\n    column: Wait\n", encoding="utf-8")
    result = invoke(["score", str(path), "-c", str(config)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "wait: column 'Wait' holds plain numbers and no unit is known" in result.stderr and "unit: minutes" in result.stderr
    config.write_text("metrics:\n  - name: wait\n    type: duration\n    column: Wait\n    unit: hours\n", encoding="utf-8")
    done = invoke(["score", str(path), "-c", str(config), "-f", "json", "-q"])
    assert done.exit_code == 0, done.stderr
    assert results_by_metric(done.stdout)["wait"]["components"]["mean"] == pytest.approx(21 * 3600)


def test_weights_are_refused_for_durations(tickets):
    path, config, _ = tickets
    result = invoke(["score", str(path), "-c", str(config), "--weight", "Id"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "--weight Id: frt, resolution are durations, which take no weights" in result.stderr


def test_a_unit_doubt_is_a_warning_and_fails_strict(write_csv, tmp_path):
    path = write_csv([["Ticket", "Handle time in minutes"], ["1", "12"], ["2", "2h 30m"], ["3", "45"]])
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - name: aht\n    type: duration\n    column: Handle time in minutes\n", encoding="utf-8")
    result = invoke(["score", str(path), "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert any("aht: column 'Handle time in minutes'" in w and "carry their own units" in w for w in json.loads(result.stdout)["warnings"])
    assert results_by_metric(result.stdout)["aht"]["components"]["mean"] == pytest.approx((12 * 60 + 9000 + 45 * 60) / 3)
    strict = invoke(["score", str(path), "-c", str(config), "--strict"])
    assert strict.exit_code == 2 and "carry their own units" in strict.stderr and "unit: minutes" in strict.stderr


@pytest.mark.parametrize(("extra", "message"), [
    ({"within": 60}, "metrics[0].within: 60 needs a unit: write a duration such as 4h, 30m or 1h 30m"),
    ({"within": "soon"}, "metrics[0].within: 'soon' is not a duration"),
    ({"unit": "parsecs"}, "metrics[0].unit: unknown duration unit 'parsecs'"),
    ({"alpha": 0.5}, "metrics[0].alpha: 0.5 is outside 0.0001…0.1"),
    ({"target": 30}, "metrics[0].target: 30 needs a unit"),
    ({"promoters": 9}, "metrics[0].promoters: is not a setting of a duration metric; its own keys are unit, within, alpha"),
])
def test_config_errors(extra, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        validate_config({"metrics": [{"type": "duration", "column": "Wait", **extra}]})


def test_a_duration_target_is_written_as_a_duration():
    spec = MetricSpec(type="duration", column="q", target={"all": "4h", "Group=Tech": "1 day 2:00:00"})
    assert spec.targets() == {"all": 4 * 3600, "Group=Tech": 26 * 3600}
    assert not spec.higher_is_better
    with pytest.raises(ConfigError, match=r"metrics\[0\]\.target: expected `float \| object \| null`, got `str`"):
        validate_config({"metrics": [{"type": "nps", "column": "q", "target": "4h"}]})


def test_targets_and_fail_under_on_durations(tickets):
    path, config, values = tickets
    median = _quantile([v for v, _, _ in values["frt"]], 0.5)
    met = invoke(["score", str(path), "-c", str(config), "-m", "frt", "--fail-under", f"frt={math.ceil(median / 60) + 5}m", "-f", "json", "-q"])
    assert met.exit_code == 0, met.stderr
    assert results_by_metric(met.stdout)["frt"]["status"] == "met"
    missed = invoke(["score", str(path), "-c", str(config), "-m", "frt", "--fail-under", "frt=10m", "-f", "json"])
    assert missed.exit_code == 3
    row = results_by_metric(missed.stdout)["frt"]
    assert (row["target"], row["status"]) == (600, "missed")
    assert f"alert: frt {duration(row['value'])} missed its target 10m" in missed.stderr
    bad = invoke(["score", str(path), "-c", str(config), "--fail-under", "frt=10"])
    assert bad.exit_code == 2 and "needs a unit" in bad.stderr


# -- the accumulator behind the protocol ---------------------------------------------------------

def _block(seconds: np.ndarray, slots: np.ndarray):
    from cxscore.durations import DurationColumn

    return DurationColumn(np.where(slots == 2, seconds, np.nan), slots, (slots == 2).astype(np.int8), Counter({"bad": int((slots == 0).sum())}) if (slots == 0).any() else Counter(), {})


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(0, 4), st.sampled_from([0, 1, 2, 2, 2, 2]), st.floats(0, 1e6, allow_nan=False)), min_size=1, max_size=120),
    cuts=st.lists(st.integers(1, 119), max_size=5),
)
def test_chunked_equals_whole_equals_parallel(data, cuts):
    """Blocks in any chunking, and parts merged as workers' would be, give identical accumulators,
    roll-ups and rests (whole − segment = the merge of the other segments)."""
    spec = MetricSpec(type="duration", column="q", within="1h")
    groups = np.array([g for g, _, _ in data])
    slots = np.array([s for _, s, _ in data], dtype=np.intp)
    seconds = np.array([v for _, _, v in data])
    keys = [(f"g{g}",) for g in range(5)]

    def book_of(parts: list[slice]) -> Book:
        book = Book.of([spec])
        for part in parts:
            book.add("duration", _block(seconds[part], slots[part]), keys, groups[part])
        return book

    whole = book_of([slice(None)])
    bounds = sorted({0, *[c for c in cuts if c < len(data)], len(data)})
    pieces = [slice(a, b) for a, b in zip(bounds, bounds[1:])]
    chunked = book_of(pieces)
    parallel = Book.of([spec])
    for piece in pieces[::-1]:  # workers finish in any order
        parallel.merge(book_of([piece]))
    for book in (chunked, parallel):
        assert book.accumulators == whole.accumulators
        assert book.rollup("duration", lambda k: ()) == whole.rollup("duration", lambda k: ())
        assert book.invalid_examples == whole.invalid_examples
    overall = whole.rollup("duration", lambda k: ())[()]
    assert (overall.n, overall.blank, overall.invalid) == (int((slots == 2).sum()), int((slots == 1).sum()), int((slots == 0).sum()))
    parts = whole.rollup("duration", lambda k: k)
    for key, rest in rests(parts, overall, whole.empty("duration")).items():
        merged = whole.empty("duration")
        for other, part in parts.items():
            if other != key:
                merged += part
        assert rest == merged


# -- interval and test ---------------------------------------------------------------------------

def _summary(spec: MetricSpec, seconds: np.ndarray):
    table = spec.kind.accumulators(spec)
    table.add(_block(seconds, np.full(len(seconds), 2, dtype=np.intp)), np.array([0]), None, None)
    return spec.kind.summarise(spec, [table.get(0)])[0]


def test_the_interval_is_the_order_statistic_interval_of_the_median(tickets):
    path, config, values = tickets
    row = results_by_metric(invoke(["score", str(path), "-c", str(config), "-f", "json", "-q"]).stdout)["frt"]
    seconds = np.sort([v for v, _, _ in values["frt"]])
    n = len(seconds)
    from scipy.stats import binom

    low_rank, high_rank = int(binom.ppf(0.025, n, 0.5)), int(binom.ppf(0.975, n, 0.5)) + 1
    assert row["ci_method"] == "order-statistic"
    # the order statistics X(l) and X(u), widened to their buckets' edges (at most α)
    assert seconds[low_rank - 1] * (1 - 2.01 * ALPHA) <= row["ci_low"] <= seconds[low_rank - 1]
    assert seconds[high_rank - 1] <= row["ci_high"] <= seconds[high_rank - 1] * (1 + 2.01 * ALPHA)
    assert row["ci_low"] <= row["value"] <= row["ci_high"]


def test_moods_median_test_keeps_its_size_and_finds_a_shift():
    """Null: a segment of 60 and a rest of 300 from one skewed distribution (whole minutes, as exports
    write them): the test rejects at about its level. A median 50 % longer is found most of the time."""
    spec = MetricSpec(type="duration", column="q")
    rng = np.random.default_rng(2026)

    def draw(n: int, median: float) -> np.ndarray:
        return 60.0 * np.rint(np.exp(rng.normal(np.log(median), 1.2, n)))

    runs, level = 400, 0.05
    null = [spec.kind.compare(spec, _summary(spec, draw(60, 45)), _summary(spec, draw(300, 45)))[1] for _ in range(runs)]
    rate = float(np.mean(np.array(null) < level))
    assert 0.025 <= rate <= 0.08, rate  # 400 runs: ±0.022 is two binomial SEs around 0.05
    shifted = [spec.kind.compare(spec, _summary(spec, draw(60, 67.5)), _summary(spec, draw(300, 45)))[1] for _ in range(100)]
    assert np.mean(np.array(shifted) < level) > 0.5
    diff, p, se0 = spec.kind.compare(spec, _summary(spec, np.array([60.0] * 10 + [120.0] * 10)), _summary(spec, np.array([600.0] * 20)))
    assert diff < 0 and p < 0.001 and se0 >= 0


def test_histogram_split_and_at_most():
    from cxscore.loghist import LogHistogram

    rng = np.random.default_rng(3)
    values = np.concatenate([[0.0, 0.0], rng.exponential(100, 500)])
    groups = rng.integers(0, 4, len(values))
    hist = LogHistogram(0.01)
    hist.add(values, groups)
    for g, one in enumerate(hist.split()):
        mapping = np.where(np.arange(4) == g, 0, -1)
        assert one == hist.rollup(mapping)
    gamma = 1.01 / 0.99
    for v in (0.0, 5.0, 100.0, 1e4):
        got = hist.at_most(v)
        for g in range(4):
            mine = values[groups == g]
            assert int(np.sum(mine <= v / gamma)) <= got[g] <= int(np.sum(mine <= v * gamma))
    assert hist.at_most(0.0).tolist() == [int(np.sum(values[groups == g] == 0)) for g in range(4)]


def test_every_segment_and_cell_test_comes_from_a_few_vectorised_median_splits(tickets, monkeypatch):
    """5M tickets by agent × week are ~21,000 cells, each tested against the previous week: the median
    splits of a roll-up's pairs are worked out in one call (segments against their rests, periods and
    cells against the previous period), not one per row; the figures are the same as one at a time."""
    import cxscore.loghist as loghist

    path, config, _ = tickets
    args = ["score", str(path), "-c", str(config), "--by", "Group", "--period", "week", "-f", "json", "-q", "--date-column", "Created at"]
    calls: list[int] = []
    batched = loghist.median_splits

    def counted(a, i, b, j):
        calls.append(len(i))
        return batched(a, i, b, j)

    monkeypatch.setattr(loghist, "median_splits", counted)
    together = json.loads(invoke(args).stdout)
    assert len(calls) <= 3 * 2 and sum(calls) >= 2 * (3 + 2 + 3 * 2)  # 2 metrics: 3 groups, 2 later weeks, 3 groups × 2 later weeks

    def one_pair_at_a_time(self, spec, pairs):
        return None

    monkeypatch.setattr(type(MetricSpec(type="duration", column="q").kind), "prepare_tests", one_pair_at_a_time)
    assert json.loads(invoke(args).stdout)["results"] == together["results"]
    tested = [r for r in together["results"] if r["significance"]]
    assert len(tested) >= 2 * (3 + 2 + 3 * 2)


# -- ranking, alerts and the workbook ------------------------------------------------------------

def test_bottom_ranks_the_slowest_groups_and_a_slower_week_alerts(tickets, write_csv, tmp_path):
    path, config, values = tickets
    bottom = invoke(["score", str(path), "-c", str(config), "-m", "frt", "--by", "Group", "--bottom", "1", "-f", "json", "-q"])
    segments = [r for r in json.loads(bottom.stdout)["results"] if r["segment"]]
    assert [r["segment"]["Group"] for r in segments] == ["Tech"]  # the slowest median: lower is better
    # 60 tickets a week answered in about 20 minutes, then a week of 60 answered in about 2 hours
    rng = np.random.default_rng(5)
    rows = [["Created at", "Wait (min)"]]
    for week, median in ((0, 20), (1, 20), (2, 120)):
        for i in range(60):
            rows.append([f"2025-03-{3 + 7 * week + i % 5:02d} 10:00:00", str(int(np.rint(np.exp(rng.normal(np.log(median), 0.8)))))])
    slow = write_csv(rows, "slow.csv")
    cfg = tmp_path / "wait.yaml"
    cfg.write_text("metrics:\n  - name: wait\n    type: duration\n    column: Wait (min)\n", encoding="utf-8")
    result = invoke(["score", str(slow), "-c", str(cfg), "--period", "week", "--fail-on-significant-drop", "-f", "json"])
    assert result.exit_code == 3, result.stderr
    assert "alert: wait rose significantly in 2025-W12:" in result.stderr
    latest = [r for r in json.loads(result.stdout)["results"] if r["period"] == "2025-W12"][0]
    assert latest["significance"]["direction"] == "up" and latest["significance"]["diff"] > 3600


def test_the_workbook_writes_durations_as_excel_durations(tickets, tmp_path):
    """Days (seconds / 86,400) with a duration format by the median's magnitude: Excel sorts, filters and
    charts them as time and a reader sees 42m 10s, not 2,530 s (more in test_service_workbook)."""
    import openpyxl

    path, config, _ = tickets
    out = tmp_path / "service.xlsx"
    result = invoke(["report", str(path), "-c", str(config), "--by", "Group", "--period", "week", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    frt = results_by_metric(invoke(["score", str(path), "-c", str(config), "-f", "json", "-q"]).stdout)["frt"]
    summary = openpyxl.load_workbook(out)["Summary"]
    row = next(r for r in summary.iter_rows(min_row=2) if r[0].value == "frt")
    assert abs(row[4].value.total_seconds() - frt["value"]) < 0.001  # openpyxl reads a [m] cell as a timedelta
    assert row[4].number_format == ('[m]"m" ss"s"' if frt["value"] < 3600 else '[h]"h" mm"m"')
    assert row[-1].value == "—"  # no scale


def test_a_lengthening_trend_alerts_in_durations(write_csv, tmp_path):
    """Waits growing about 10 minutes a week for 8 weeks: the --trend alert gives its slope as a duration."""
    rng = np.random.default_rng(11)
    rows = [["Created at", "Wait (min)"]]
    for week in range(8):
        day = datetime(2025, 3, 3) + timedelta(weeks=week)
        rows += [[(day + timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"), str(int(np.rint(30 + 10 * week + rng.normal(0, 5))))] for i in range(80)]
    path = write_csv(rows, "trend.csv")
    cfg = tmp_path / "wait.yaml"
    cfg.write_text("metrics:\n  - name: wait\n    type: duration\n    column: Wait (min)\n", encoding="utf-8")
    result = invoke(["score", str(path), "-c", str(cfg), "--period", "week", "--trend", "8", "--fail-on-significant-drop", "-f", "json"])
    assert result.exit_code == 3, result.stderr
    slope = [r for r in json.loads(result.stdout)["results"] if r["trend"]][0]["trend"]["slope"]
    assert slope == pytest.approx(600, rel=0.1)  # seconds per week
    assert f"alert: wait is trending up: {duration(slope, sign=True)} per period over the last 8 periods" in result.stderr


def test_dashboard_shows_a_duration_interval_and_change_as_durations(tmp_path):
    """The Dashboard's interval and Δ texts are a duration's words (4h 12m), not raw seconds with a decimal."""
    import openpyxl

    from conftest import ROOT, invoke

    config = tmp_path / "svc.yaml"
    config.write_text("metrics:\n  - name: frt\n    type: duration\n    column: First reply time in minutes within business hours\n", encoding="utf-8")
    out = tmp_path / "svc.xlsx"
    result = invoke(["report", str(ROOT / "sample_data" / "tickets_zendesk.csv"), "-c", str(config), "--period", "month", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Dashboard"]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 20)}
    assert re.fullmatch(r"\d+h \d\dm – \d+h \d\dm", cells["Interval"]), cells["Interval"]
    assert re.fullmatch(r"[+−-](\d+h \d\dm|\d+m)( [▲▼])?", cells["Δ previous"]), cells["Δ previous"]


def test_an_80_column_summary_keeps_each_duration_row_on_one_line(tmp_path):
    """After the long text leaves the table, a table still too wide drops its cells' padding before
    a duration wraps ('7h' over '52m')."""
    from conftest import ROOT

    config = tmp_path / "svc.yaml"
    config.write_text(
        "metrics:\n  - name: frt\n    type: duration\n    column: First reply time in minutes within business hours\n    target: 8h\n"
        "  - name: one_touch\n    type: rate\n    condition: '\"Replies\" <= 1'\n    of: 'Status in [Solved, Closed]'\n",
        encoding="utf-8",
    )
    result = invoke(["score", str(ROOT / "sample_data" / "tickets_zendesk.csv"), "-c", str(config), "-q"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    row = next(line for line in result.stdout.splitlines() if "frt (median)" in line and "│" in line)
    assert "7h 52m" in row and "8h 36m" in row and "8h: met" in row, result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_a_change_of_exactly_zero_reads_0_in_the_table_markdown_and_workbook(write_csv, tmp_path):
    """Two teams with the same resolution times in hours: each one's Δ against the rest is exactly 0, which
    the table and Markdown wrote 0.0s (a seconds style beside 6h 58m) and the workbook 0:00.0. It is 0,
    the workbook cell still a duration (its format's zero section)."""
    import openpyxl

    hours = [3, 5, 7, 8, 9, 12, 20, 30, 2, 6] * 4
    path = write_csv([["Ticket", "Team", "Resolution hours"], *[[str(k), team, str(h)] for team in "AB" for k, h in enumerate(hours)]])
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - name: resolution\n    type: duration\n    column: Resolution hours\n    unit: hours\n", encoding="utf-8")
    doc = json.loads(invoke(["score", str(path), "-c", str(config), "--by", "Team", "-f", "json", "-q"]).stdout)
    assert [r["significance"]["diff"] for r in doc["results"] if r["segment"]] == [0.0, 0.0]
    for fmt in ("table", "md"):
        out = invoke(["score", str(path), "-c", str(config), "--by", "Team", "-f", fmt, "-q"], env={"COLUMNS": "120"}).stdout
        rows = [line for line in out.splitlines() if re.match(r"^[│|] [AB] ", line)]
        assert len(rows) == 2 and all(re.search(r"[│|] 0 [│|]", line) and "0.0s" not in line for line in rows), out
    book = tmp_path / "r.xlsx"
    assert invoke(["report", str(path), "-c", str(config), "--by", "Team", "-o", str(book), "-q"]).exit_code == 0
    sheet = openpyxl.load_workbook(book)["Segments"]
    header = [c.value for c in sheet[1]]
    cells = [sheet.cell(row=r, column=header.index("Δ rest") + 1) for r in (2, 3)]
    assert [c.value for c in cells] == [timedelta(0)] * 2 and all(c.number_format.endswith(';"0"') for c in cells)
    assert duration(0.0, sign=True) == "0" and duration(0.0) == "0.0s" and duration(0.04, sign=True) == "0.0s"
