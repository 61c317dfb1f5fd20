"""Segments, periods, filters, weights, intervals and significance, end to end against hand values."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from cxscore import score
from cxscore.config import validate_config
from cxscore.errors import ColumnError, CxError, InputError
from cxscore.model import periods_in_order
from cxscore.pipeline import Options
from cxscore.render import json_doc
import openpyxl

from conftest import SAMPLE, csv_text, invoke

REFERENCE = [2, 1, 1, 1, 1, 3, 3, 9, 22, 22, 35]  # counts on 0..10: NPS 45, n 100
FORTY_THIRTY_THIRTY = {10: 40, 7: 30, 0: 30}  # promoters 40, passives 30, detractors 30: NPS 10


def answers(counts) -> list[int]:
    pairs = counts.items() if isinstance(counts, dict) else enumerate(counts)
    return [point for point, k in pairs for _ in range(k)]


@pytest.fixture
def two_groups(tmp_path):
    """Group A (January) holds the reference counts, group B (February) 40/30/30."""
    rows = [["Recommend", "group", "date", "w"]]
    rows += [[str(v), "A", "2025-01-15", "1"] for v in answers(REFERENCE)]
    rows += [[str(v), "B", "2025-02-15", "1"] for v in answers(FORTY_THIRTY_THIRTY)]
    path = tmp_path / "two.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def rows_of(report, **match):
    return [r for r in report.results if all(getattr(r, k) == v for k, v in match.items())]


def one(report, **match):
    found = rows_of(report, **match)
    assert len(found) == 1, found
    return found[0]


def test_nps_interval_and_se_on_the_reference_counts(two_groups):
    report = score([str(two_groups)], options=Options(by=["group"]))
    a = one(report, segment={"group": "A"})
    assert (a.n, a.value) == (100, pytest.approx(45.0))
    assert a.se == pytest.approx(6.982120, abs=1e-6)
    assert (a.ci_low, a.ci_high, a.ci_method) == (pytest.approx(30.121415, abs=1e-6), pytest.approx(57.257226, abs=1e-6), "adjusted-wald")
    wald = one(score([str(two_groups)], options=Options(by=["group"], nps_interval="wald")), segment={"group": "A"})
    assert (wald.ci_low, wald.ci_high) == (pytest.approx(31.315296, abs=1e-6), pytest.approx(58.684704, abs=1e-6))
    assert wald.margin == pytest.approx(1.959964 * 6.982120, abs=1e-5)


# Shares pooled under H0: 48.5 / 30.5 / 21 → s = 0.275, Var = 0.695 − 0.275² = 0.619375,
# SE₀ = √(0.619375 · (1/100 + 1/100)) = 0.1112991; z = 0.35 / SE₀ = 3.144678 (equal n: no skew term).
POOLED_Z = 0.35 / (0.619375 * 0.02) ** 0.5
POOLED_P = 1.6626961e-03  # 2·(1 − Φ(3.144678))


def test_segment_against_the_rest_by_hand(two_groups):
    report = score([str(two_groups)], options=Options(by=["group"]))
    a, b = one(report, segment={"group": "A"}), one(report, segment={"group": "B"})
    assert a.significance["against"] == "rest"
    assert a.significance["diff"] == pytest.approx(35.0)
    assert POOLED_Z == pytest.approx(3.144678, abs=1e-6)
    assert a.significance["p_value"] == pytest.approx(POOLED_P, rel=1e-6)
    # Two tests with equal p: Benjamini–Hochberg leaves them as they are.
    assert a.significance["p_adjusted"] == pytest.approx(POOLED_P, rel=1e-6)
    assert (a.significance["significant"], a.significance["direction"]) == (True, "up")
    assert (b.significance["diff"], b.significance["direction"]) == (pytest.approx(-35.0), "down")
    # Minimum detectable difference at 80% power: (1.959964 + 0.841621) · 11.12991 points.
    assert a.significance["mdd"] == pytest.approx((1.959964 + 0.841621) * 11.12991, abs=1e-4)


def test_the_plain_wald_nps_test_stays_behind_an_option(two_groups):
    # DESIGN.md's check value: summed plug-in variances, z = 3.225430, p = 1.257837e-03.
    report = score([str(two_groups)], options=Options(by=["group"], nps_test="wald"))
    assert one(report, segment={"group": "A"}).significance["p_value"] == pytest.approx(1.257837e-03, rel=1e-6)
    assert report.analysis.nps_test == "wald"


def test_period_against_the_previous_by_hand(two_groups):
    report = score([str(two_groups)], options=Options(period="month"))
    jan, feb = one(report, period="2025-01"), one(report, period="2025-02")
    assert jan.significance is None
    assert feb.significance["against"] == "previous"
    assert feb.significance["diff"] == pytest.approx(-35.0)
    assert feb.significance["p_value"] == pytest.approx(POOLED_P, rel=1e-6)
    assert feb.significance["direction"] == "down"
    assert report.inputs[0].date_column == "date"


def test_weights_of_one_change_nothing_and_doubling_rows_equals_weight_two(two_groups, tmp_path):
    plain = one(score([str(two_groups)], options=Options(by=["group"])), segment={"group": "A"})
    weighted = one(score([str(two_groups)], options=Options(by=["group"], weight="w")), segment={"group": "A"})
    for field in ("value", "se", "ci_low", "ci_high", "n_eff"):
        assert getattr(weighted, field) == pytest.approx(getattr(plain, field), rel=1e-12)
    lines = two_groups.read_text(encoding="utf-8").splitlines()
    doubled = tmp_path / "doubled.csv"
    doubled.write_text("\n".join(lines + lines[1:]) + "\n", encoding="utf-8")
    twice = tmp_path / "twice.csv"
    twice.write_text("\n".join([lines[0]] + [line[:-1] + "2" for line in lines[1:]]) + "\n", encoding="utf-8")
    d = score([str(doubled)], options=Options(weight="w")).results[0]
    t = score([str(twice)], options=Options(weight="w")).results[0]
    assert t.value == pytest.approx(d.value) and t.components == pytest.approx(d.components)
    assert (t.n, d.n) == (200, 400)  # weighting is not duplication: n and n_eff stay those of the rows
    assert t.n_eff == pytest.approx(200) and d.n_eff == pytest.approx(400)


def test_unequal_weights_and_kish_n(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("Satisfaction,w\n5,3\n1,1\n4,\n2,-1\n3,abc\n", encoding="utf-8")
    report = score([str(path)], options=Options(weight="w"))
    row = report.results[0]
    # Kept: 5 (w 3) and 1 (w 1): satisfied 3/4, mean (15 + 1)/4, n_eff = 16/10.
    assert (row.n, row.value, row.components["mean"], row.n_eff) == (2, pytest.approx(75.0), pytest.approx(4.0), pytest.approx(1.6))
    assert report.inputs[0].weight_invalid == 3
    assert any("3 row(s) left out" in w for w in report.warnings)


def test_low_n_rows_are_marked_and_not_called_significant(tmp_path):
    rows = [["Satisfaction", "team"]] + [["5", "big"]] * 80 + [["1", "big"]] * 20 + [["1", "tiny"]] * 5
    path = tmp_path / "t.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    report = score([str(path)], options=Options(by=["team"]))
    tiny = one(report, segment={"team": "tiny"})
    assert tiny.low_n and tiny.significance["p_value"] < 0.001
    assert (tiny.significance["significant"], tiny.significance["p_adjusted"], tiny.significance["direction"]) == (False, None, None)
    big = one(report, segment={"team": "big"})
    assert not big.low_n and big.significance["p_adjusted"] is None  # the rest (tiny) is too small to test against
    assert score([str(path)], options=Options(by=["team"], min_n=5)).results[2].significance["significant"] is True


def test_segment_rows_equal_filtered_runs_and_cross_tabs():
    by_channel = score([str(SAMPLE)], options=Options(by=["channel", "region"]))
    for channel, region in [("Chat", "EMEA"), ("Email", "APAC")]:
        filtered = score([str(SAMPLE)], options=Options(where=[f"channel={channel}", f"Region={region}"]))
        cell = one(by_channel, metric="nps", segment={"channel": channel, "region": region})
        assert (cell.n, cell.value) == (filtered.results[0].n, pytest.approx(filtered.results[0].value))
    assert len(rows_of(by_channel, metric="csat")) == 1 + 4 * 4


def test_where_semantics(write_csv):
    path = write_csv([["Satisfaction", "channel", "region"], ["5", "Chat", "EU"], ["1", "Email", "EU"], ["4", "Chat", "US"], ["2", "Phone", " EU "]])
    def n(*where):
        report = score([str(path)], options=Options(where=list(where)))
        return report.results[0].n, report.inputs[0].filtered_out
    assert n("channel=Chat") == (2, 2)
    assert n("channel=Chat", "channel=Email") == (3, 1)  # one column: any of the values
    assert n("channel!=Chat", "region=EU") == (2, 2)  # different columns: all must hold; values are trimmed
    with pytest.raises(CxError, match="not COLUMN=VALUE"):
        score([str(path)], options=Options(where=["channel"]))
    with pytest.raises(ColumnError, match="^where: column 'chanel' is not in"):
        score([str(path)], options=Options(where=["chanel=Chat"]))


def test_top_and_bottom_follow_what_is_better(write_csv):
    rows = [["CES", "agent"]]
    for agent, value in [("a", 1), ("b", 4), ("c", 7)]:
        rows += [[str(value), agent]] * 3
    path = write_csv(rows)
    easier = score([str(path)], options=Options(by=["agent"], top=1))
    assert [r.segment for r in easier.results[1:]] == [{"agent": "c"}]
    config = validate_config({"metrics": [{"type": "ces", "column": "CES", "scale": [1, 10]}]})  # higher is harder
    harder = score([str(path)], config, Options(by=["agent"], top=1))
    assert [r.segment for r in harder.results[1:]] == [{"agent": "a"}]
    worst = score([str(path)], options=Options(by=["agent"], bottom=2))
    assert [r.segment["agent"] for r in worst.results[1:]] == ["a", "b"]
    by_n = score([str(path)], options=Options(by=["agent"], sort="score"))
    assert [r.segment["agent"] for r in by_n.results[1:]] == ["c", "b", "a"]


def test_by_file_and_blank_segments(tmp_path):
    first, second = tmp_path / "jan.csv", tmp_path / "feb.csv"
    first.write_text("Satisfaction,team\n5,x\n4,\n", encoding="utf-8")
    second.write_text("Satisfaction,team\n1,x\n", encoding="utf-8")
    report = score([str(first), str(second)], options=Options(by=["file"]))
    assert {r.segment.get("file"): r.n for r in report.results} == {None: 3, "jan.csv": 2, "feb.csv": 1}
    report = score([str(first)], options=Options(by=["team"]))
    assert {r.segment.get("team"): r.n for r in report.results} == {None: 2, "x": 1, "(blank)": 1}


@pytest.mark.parametrize(
    "written, dayfirst, day",
    [
        ("2025-03-14", False, "2025-03-14"),
        ("2025-03-14T23:05:00+08:00", False, "2025-03-14"),  # wall-clock time as written
        ("2025-03-14 09:05:11.250Z", False, "2025-03-14"),
        ("3/14/2025 9:05", False, "2025-03-14"),
        ("3/14/2025 9:05 PM", False, "2025-03-14"),
        ("03/04/2025", False, "2025-03-04"),
        ("03/04/2025", True, "2025-04-03"),
        ("14/03/2025", True, "2025-03-14"),
        ("14.03.2025 10:00", True, "2025-03-14"),
        ("2025/3/14 9:05:11", False, "2025-03-14"),
        ("2025年3月14日", False, "2025-03-14"),
        ("45730", False, "2025-03-14"),  # Excel serial day
    ],
)
def test_date_formats(write_csv, written, dayfirst, day):
    path = write_csv([["Satisfaction", "Submitted"], ["5", written]])
    report = score([str(path)], options=Options(period="day", dayfirst=dayfirst))
    assert [r.period for r in report.results if r.period] == [day]


@pytest.mark.parametrize(
    "day, period, label",
    [
        ("2025-12-29", "week", "2026-W01"),  # ISO weeks belong to the year of their Thursday
        ("2021-01-03", "week", "2020-W53"),
        ("2025-03-31", "quarter", "2025-Q1"),
        ("2025-04-01", "quarter", "2025-Q2"),
        ("2025-11-30", "month", "2025-11"),
        ("2025-11-30", "year", "2025"),
    ],
)
def test_period_labels(write_csv, day, period, label):
    path = write_csv([["Satisfaction", "Date"], ["5", day]])
    assert score([str(path)], options=Options(period=period)).results[1].period == label


def test_periods_in_time_order_with_unparseable_dates_counted(write_csv):
    path = write_csv([["Satisfaction", "Date"], ["5", "2025-02-01"], ["4", "2024-12-31"], ["1", "someday"], ["2", ""], ["3", "2025-01-10"]])
    report = score([str(path)], options=Options(period="month", date_column="Date"))
    assert [(r.period, r.n) for r in report.results] == [(None, 5), ("2024-12", 1), ("2025-01", 1), ("2025-02", 1)]
    assert (report.inputs[0].date_invalid, report.inputs[0].date_blank) == (1, 1)
    assert any("1 date(s) in 'Date' not understood" in w for w in report.warnings)
    with pytest.raises(CxError, match="unparseable date"):
        score([str(path)], options=Options(period="month", date_column="Date", strict=True))


def test_since_until_are_inclusive(write_csv):
    path = write_csv([["Satisfaction", "Date"], ["5", "2025-01-01 00:00"], ["4", "2025-01-31 23:59"], ["1", "2025-02-01"], ["2", "junk"]])
    report = score([str(path)], options=Options(since="2025-01-01", until="2025-01-31", date_column="date"))
    assert report.results[0].n == 2 and report.inputs[0].outside_dates == 2
    with pytest.raises(CxError, match="is not a date"):
        score([str(path)], options=Options(since="yesterday-ish"))


def test_date_column_detection_needs_one_obvious_column(write_csv):
    ambiguous = write_csv([["Satisfaction", "Start Date", "End Date"], ["5", "2025-01-01", "2025-01-02"]], name="a.csv")
    # "End Date" names the submission, so it wins over "Start Date".
    assert score([str(ambiguous)], options=Options(period="day")).results[1].period == "2025-01-02"
    two = write_csv([["Satisfaction", "Date", "Time"], ["5", "2025-01-01", "2025-01-02"]], name="b.csv")
    with pytest.raises(InputError, match="several columns hold dates"):
        score([str(two)], options=Options(period="day"))
    assert score([str(two)], options=Options(period="day", date_column="time")).results[1].period == "2025-01-02"
    none = write_csv([["Satisfaction", "Date"], ["5", "not a date"]], name="c.csv")
    with pytest.raises(InputError, match="--date-column"):
        score([str(none)], options=Options(period="day"))


def test_distribution(write_csv):
    path = write_csv([["Satisfaction"], ["5"], ["5"], ["4"], ["1"], [""]])
    row = score([str(path)], options=Options(distribution=True)).results[0]
    assert row.distribution == [
        {"point": 1, "count": 1, "pct": 25.0}, {"point": 2, "count": 0, "pct": 0.0}, {"point": 3, "count": 0, "pct": 0.0},
        {"point": 4, "count": 1, "pct": 25.0}, {"point": 5, "count": 2, "pct": 50.0},
    ]


def test_intervals_for_percentages_and_means(write_csv):
    from scipy import stats as sp

    values = [5, 4, 4, 3, 5, 2, 1, 5, 4, 4]
    path = write_csv([["Satisfaction", "Effort"]] + [[str(v), str(min(v + 2, 7))] for v in values])
    report = score([str(path)])
    csat, ces = report.results
    wilson = sp.binomtest(7, 10).proportion_ci(0.95, method="wilson")
    assert (csat.ci_low, csat.ci_high, csat.ci_method) == (pytest.approx(100 * wilson.low), pytest.approx(100 * wilson.high), "wilson")
    assert csat.se == pytest.approx(100 * (0.7 * 0.3 / 10) ** 0.5)
    effort = [min(v + 2, 7) for v in values]
    # Adjusted t: the ten answers plus 1/7 of an answer at each of 1…7 (n + 1 = 11), t with 9 df.
    points, weights = np.array(effort + list(range(1, 8)), float), np.array([1.0] * 10 + [1 / 7] * 7)
    centre = np.average(points, weights=weights)
    half = sp.t.ppf(0.975, 9) * np.sqrt(np.average((points - centre) ** 2, weights=weights) * 11 / 10 / 11)
    assert (ces.ci_low, ces.ci_high, ces.ci_method) == (pytest.approx(centre - half), pytest.approx(min(centre + half, 7)), "adjusted-t")
    assert ces.se == pytest.approx(sp.sem(effort))


def test_config_supplies_analysis_defaults(tmp_path, two_groups):
    config = validate_config({"segments": ["group"], "period": "month", "min_n": 150, "confidence": 0.9})
    report = score([str(two_groups)], config)
    assert report.analysis.by == ["group"] and report.analysis.period == "month"
    assert all(r.low_n for r in report.results if r.segment)
    assert report.analysis.confidence == 0.9
    assert score([str(two_groups)], config, Options(by=[], period=None)).analysis.by == []


def test_one_dominant_weight_gives_no_interval_and_says_why(write_csv):
    # Weights 1000, 1, 1, 1, 1: n_eff = 1004² / 1,000,004 ≈ 1.008 — an interval would need t with df ≈ 0.
    rows = [["Recommend", "Effort", "w"]] + [[v, e, w] for v, e, w in [(9, 5, 1000), (3, 2, 1), (7, 6, 1), (10, 7, 1), (0, 1, 1)]]
    report = score([str(write_csv(rows))], options=Options(weight="w"))
    for row in report.results:
        assert row.n == 5 and row.n_eff == pytest.approx(1004**2 / 1_000_004)
        assert row.deff == pytest.approx(5 / (1004**2 / 1_000_004))  # the design effect, n / n_eff
        assert (row.ci_low, row.ci_high, row.se, row.margin) == (None, None, None, None)
    assert any("under 2 effective answers" in w and "--weight" in w for w in report.warnings)


def test_segments_under_two_effective_answers_are_not_tested(write_csv):
    # Segment A: weights 100, 1 (n_eff ≈ 1.02); B: ten weights of 1. A gets no interval and no test.
    rows = [["Recommend", "group", "w"], [9, "A", 100], [2, "A", 1]] + [[v, "B", 1] for v in range(10)] + [[v, "C", 1] for v in range(10)]
    report = score([str(write_csv(rows))], options=Options(weight="w", by=["group"]))
    a = one(report, segment={"group": "A"})
    assert a.ci_low is None and a.significance is None
    assert one(report, segment={"group": "B"}).ci_low is not None
    assert any("group=A" in w for w in report.warnings)


def test_rows_carry_their_kind_and_period_code_outside_the_json(two_groups):
    report = score([str(two_groups)], options=Options(by=["group"], period="month", date_column="date"))
    nps = [r for r in report.results if r.metric == "nps"]
    assert [(r.kind, r.period_code) for r in nps] == [
        ("overall", None), ("segment", None), ("segment", None), ("period", 202501), ("period", 202502),
        ("cell", 202501), ("cell", 202502),
    ]
    document = report.to_dict()
    assert not {"kind", "period_code"} & set(document["results"][0])
    out = io.StringIO()
    json_doc.write(report, out, pretty=False)  # the compact writer encodes the rows straight from the model
    assert '"period_code"' not in out.getvalue() and '"kind"' not in out.getvalue()
    assert json.loads(out.getvalue())["results"] == document["results"]


def test_periods_are_ordered_by_code_not_by_label(two_groups):
    rows = [r for r in score([str(two_groups)], options=Options(period="month", date_column="date")).results if r.kind == "period"]
    rows[0].period, rows[1].period = "January 2025", "February 2025"  # labels that sort the other way
    assert periods_in_order(reversed(rows)) == ["January 2025", "February 2025"]


def test_top_and_bottom_rank_only_segments_with_enough_answers(write_csv):
    """--bottom 2 --min-n 3 is "the two weakest agents with enough answers": a two-answer agent scoring 1 and
    a segment of blank agents (n 0) are not among them."""
    rows = [["CES", "agent"]]
    for agent, value, count in [("a", 2, 3), ("b", 4, 3), ("c", 7, 3), ("tiny", 1, 2), ("", "", 2)]:
        rows += [[str(value), agent]] * count
    path = write_csv(rows)
    worst = score([str(path)], options=Options(by=["agent"], bottom=2, min_n=3))
    assert [r.segment["agent"] for r in worst.results[1:]] == ["a", "b"]
    best = score([str(path)], options=Options(by=["agent"], top=5, min_n=3))
    assert [(r.segment["agent"], r.low_n) for r in best.results[1:]] == [("c", False), ("b", False), ("a", False), ("tiny", True)]


def test_a_segment_written_as_one_of_the_configs_blank_values_is_the_blank_segment(tmp_path):
    """R writes NA where a value is missing: a config that lists NA (or *redacted*) in its blank_values makes
    such a --by value the (blank) segment, as its answers are blank — in the table, the JSON and the
    workbook alike."""
    path = tmp_path / "r_export.csv"
    path.write_text("Satisfaction,team,region\n5,x,NA\n4,NA,*redacted*\n3,,n/a\n2,x,North\n1,na,North\n", encoding="utf-8")
    config_file = tmp_path / "cxscore.yaml"
    config_file.write_text('blank_values: ["NA", "n/a", "*redacted*"]\n', encoding="utf-8")
    config = validate_config({"blank_values": ["NA", "n/a", "*redacted*"]})
    team = score([str(path)], config, Options(by=["team"]))
    assert {r.segment.get("team"): r.n for r in team.results} == {None: 5, "x": 2, "(blank)": 3}
    region = score([str(path)], config, Options(by=["region"]))
    assert {r.segment.get("region"): r.n for r in region.results} == {None: 5, "North": 2, "(blank)": 3}
    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(path), "-c", str(config_file), "-o", str(out), "--by", "team"])
    assert result.exit_code == 0, result.stderr
    cells = {str(c.value) for sheet in openpyxl.load_workbook(out, read_only=True).worksheets for row in sheet.iter_rows() for c in row if c.value is not None}
    assert "(blank)" in cells and "NA" not in cells and "na" not in cells
    table = invoke(["score", str(path), "-c", str(config_file), "--by", "team", "-f", "md"])
    assert "(blank)" in table.stdout and "| NA " not in table.stdout and "| na " not in table.stdout


@pytest.mark.parametrize("command", ["score", "duration", "volume"])
def test_na_in_a_region_column_is_north_america_not_a_blank_segment_without_a_config(tmp_path, command):
    """The built-in blank values read an answer of NA as blank, but a --by value NA stays a segment: in a
    region column it names North America, and merging it into (blank) would be a silent guess."""
    path = tmp_path / "regions.csv"
    rows = [("NA", "9", "2025-03-03 09:00", "2025-03-03 10:00"), ("EMEA", "3", "2025-03-03 09:00", "2025-03-03 11:00"),
            ("NA", "NA", "2025-03-04 09:00", "2025-03-04 12:00"), ("", "7", "2025-03-04 09:00", "2025-03-04 09:30")]
    path.write_text("Region,How likely are you to recommend us?,Created at,Solved at\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    if command == "score":
        doc = json.loads(invoke(["score", str(path), "--by", "Region", "-f", "json", "-q"]).stdout)
        assert {r["segment"].get("Region"): (r["n"], r["blank"]) for r in doc["results"]} == {None: (3, 1), "NA": (1, 1), "EMEA": (1, 0), "(blank)": (1, 0)}
    elif command == "volume":
        created = list(csv.DictReader(io.StringIO(invoke(["volume", str(path), "--by", "Region", "-f", "csv", "-q"]).stdout)))
        assert {row["Region"]: int(row["created"]) for row in created} == {"": 4, "NA": 2, "EMEA": 1, "(blank)": 1}
    else:
        config = validate_config({"metrics": [{"name": "resolution", "type": "duration", "start": "Created at", "end": "Solved at"}]})
        report = score([str(path)], config, Options(by=["Region"]))
        assert {r.segment.get("Region"): r.n for r in report.results} == {None: 4, "NA": 2, "EMEA": 1, "(blank)": 1}


def test_a_comments_segment_written_as_a_blank_value_is_blank_too(tmp_path):
    """The Comments sheet (and JSON comments) name each comment's --by value as the segments do: with a
    config that lists R's NA as a blank value, NA is (blank)."""
    path = tmp_path / "r_export.csv"
    path.write_text("Satisfaction,team,Comment\n5,NA,great help\n1,x,too slow\n4,,quick answer\n2,NA,nobody called back\n", encoding="utf-8")
    config_file = tmp_path / "cxscore.yaml"
    config_file.write_text('blank_values: ["NA"]\n', encoding="utf-8")
    doc = json.loads(invoke(["score", str(path), "-c", str(config_file), "--by", "team", "-f", "json", "-q", "--comments", "10"]).stdout)
    assert sorted((c["segment"]["team"], c["comment"]) for c in doc["comments"]) == [
        ("(blank)", "great help"), ("(blank)", "nobody called back"), ("(blank)", "quick answer"), ("x", "too slow")]
