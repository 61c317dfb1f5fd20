"""Scale plausibility: a scale is chosen from values the answers fit *and* use, configured scales are
checked against the answers, and every doubt is said (stderr, JSON, table footer, workbook) and
fails --strict. Each file below has the shape of a real export that was once scored wrongly."""
from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import openpyxl
import pytest

from cxscore import score
from cxscore.config import parse_yaml, validate_config
from cxscore.errors import CxError, InputError, StrictError
from cxscore.pipeline import Options
from conftest import ROOT, SAMPLE, csv_text, invoke, results_by_metric, run_process


def shuffled(counts: dict, seed: int = 7) -> list:
    values = [value for value, count in counts.items() for _ in range(count)]
    random.Random(seed).shuffle(values)
    return values


def export(tmp_path: Path, columns: dict[str, list], name: str = "export.csv") -> Path:
    """A CSV with a response id and the given answer columns (equal lengths)."""
    n = len(next(iter(columns.values())))
    rows = [["Response ID", *columns]] + [[f"R{i}", *(values[i] for values in columns.values())] for i in range(n)]
    path = tmp_path / name
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


# --- Finding 1: a column named like NPS that holds 1–5 answers ----------------------------------

NPS_WARNING = "nps: 'NPS Score' holds only 1–5 (205 answers) on its 0–10 scale: is it a 1–5 rating? set scale: [1, 5] or type: csat"


@pytest.fixture
def nps_on_five_points(tmp_path) -> Path:
    return export(tmp_path, {"NPS Score": shuffled({1: 20, 2: 25, 3: 50, 4: 60, 5: 50})})


def test_nps_column_holding_only_1_to_5_is_warned_everywhere(nps_on_five_points, tmp_path):
    report = score([str(nps_on_five_points)])
    assert report.metrics[0].scale == [0, 10] and report.results[0].value == -100.0  # the score stands, flagged
    assert any(w.startswith(NPS_WARNING) for w in report.warnings)
    assert report.metrics[0].scale_warning.startswith(NPS_WARNING)

    result = invoke(["score", str(nps_on_five_points)], env={"NO_COLOR": "1", "COLUMNS": "300"})
    assert result.exit_code == 0
    assert f"warning: {NPS_WARNING}" in result.stderr
    footer = result.stdout.split("└", 1)[1]  # below the summary table
    assert "⚠ " + NPS_WARNING in " ".join(footer.split())
    doc = json.loads(invoke(["score", str(nps_on_five_points), "-f", "json", "-q"]).stdout)
    assert any(w.startswith(NPS_WARNING) for w in doc["warnings"]) and doc["metrics"][0]["scale_warning"].startswith(NPS_WARNING)
    markdown = invoke(["score", str(nps_on_five_points), "-f", "markdown", "-q"]).stdout
    assert "_⚠ " + NPS_WARNING in markdown

    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(nps_on_five_points), "-o", str(out), "-q"]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Data quality"]
    assert any(str(c.value).startswith(NPS_WARNING) for row in sheet.iter_rows() for c in row if c.value)


def test_a_doubted_score_carries_its_mark_in_every_table(tmp_path, nps_on_five_points):
    """The score itself is marked ⚠, so a copied cell does not leave the doubt behind; breakdown captions repeat it."""
    by_region = export(tmp_path, {"NPS Score": shuffled({1: 20, 2: 25, 3: 50, 4: 60, 5: 50}), "Region": ["N", "S"] * 102 + ["N"]}, "regions.csv")
    result = invoke(["score", str(by_region), "--by", "Region", "-q"], env={"NO_COLOR": "1", "COLUMNS": "300"})
    assert result.stdout.count("-100.0 ⚠") >= 2  # summary and the breakdown's All row
    breakdown = result.stdout.split("by Region", 1)[1]
    assert "⚠ " + NPS_WARNING in " ".join(breakdown.split())
    markdown = invoke(["score", str(nps_on_five_points), "-f", "markdown", "-q"]).stdout
    assert "| -100.0 ⚠ |" in markdown
    assert "| +10.5 |" in invoke(["score", str(SAMPLE), "-f", "markdown", "-q"]).stdout  # no doubt, no mark
    for lang, words in (("en", "⚠ scale in doubt"), ("zh", "⚠ 量表存疑")):
        out = tmp_path / f"{lang}.xlsx"
        assert invoke(["report", str(by_region), "-o", str(out), "--lang", lang, "-q"]).exit_code == 0
        dashboard = openpyxl.load_workbook(out).worksheets[0]
        assert any(str(c.value).startswith(words) for row in dashboard.iter_rows() for c in row if c.value)


def test_no_spread_means_no_detectable_difference(tmp_path):
    """All answers alike on both sides: the power of the test is undefined, not 'a change of 0'."""
    doc = json.loads(invoke(["score", str(export(tmp_path, {"Satisfaction": [5] * 60, "Region": ["N", "S"] * 30})), "--by", "Region", "-f", "json", "-q"]).stdout)
    segments = [r for r in doc["results"] if r["segment"]]
    assert segments and all(r["significance"]["mdd"] is None for r in segments)


def test_nps_scale_doubt_fails_strict(nps_on_five_points):
    with pytest.raises(StrictError, match=re.escape(NPS_WARNING)):
        score([str(nps_on_five_points)], options=Options(strict=True))
    process = run_process(["score", str(nps_on_five_points), "--strict", "-q"])
    assert process.returncode == 2 and process.stdout == b""
    assert NPS_WARNING in process.stderr.decode() and "Traceback" not in process.stderr.decode()


def test_real_nps_answers_raise_no_doubt(tmp_path):
    """A real 0–10 distribution, a small one, and a very good service's all-high answers (under 100) pass."""
    real = score([str(SAMPLE)])
    assert all(m.scale_warning is None for m in real.metrics) and not any("holds only" in w for w in real.warnings)
    few = export(tmp_path, {"NPS Score": shuffled({2: 5, 4: 10, 5: 4})}, "few.csv")  # 19 answers: too few to judge
    assert score([str(few)]).metrics[0].scale_warning is None
    great = export(tmp_path, {"NPS Score": shuffled({6: 5, 8: 20, 9: 30, 10: 44})}, "great.csv")  # 99 answers
    assert score([str(great)]).metrics[0].scale_warning is None


def test_nps_without_a_lower_half_in_a_large_sample_is_warned(tmp_path):
    path = export(tmp_path, {"Recommend (0-10)": shuffled({6: 10, 7: 30, 8: 40, 9: 10, 10: 10})})
    report = score([str(path)])
    assert report.metrics[0].scale_warning == "nps: 'Recommend (0-10)' holds only 6–10 (100 answers) on its 0–10 scale: nobody answered 0–5, which a 0–10 recommend question rarely looks like; check its scale"


# --- Finding 2: numeric 1–5 ease (CES) read as 1–7 ------------------------------------------------

EASE = "How easy was it to resolve your issue?"
# A 0–5 ease rating, 0 = not applicable: on 1–5, low effort (4–5) = 170/500 = 34.0%, high (1–2) = 209/500 = 41.8%.
EASE_COUNTS = {0: 40, 1: 120, 2: 89, 3: 121, 4: 100, 5: 70}


def test_ces_ease_rating_0_to_5_is_read_on_1_to_5(tmp_path):
    path = export(tmp_path, {EASE: shuffled(EASE_COUNTS)})
    report = score([str(path)])
    ces = results_by_metric(report.to_dict())["ces"]
    assert report.metrics[0].scale == [1, 5] and report.metrics[0].direction == "higher_is_easier"
    assert (ces["n"], ces["invalid"]) == (500, 40)
    assert ces["components"]["low_effort_pct"] == pytest.approx(34.0)
    assert ces["components"]["high_effort_pct"] == pytest.approx(41.8)
    assert ces["components"]["net"] == pytest.approx(-7.8)
    assert ces["value"] == pytest.approx((120 + 2 * 89 + 3 * 121 + 4 * 100 + 5 * 70) / 500)
    # The zeros are said, with the fix that keeps them out of the invalid count.
    warning = next(w for w in report.warnings if "invalid answer(s)" in w)
    assert "'0' ×40" in warning and 'if 0 means not applicable, give this metric blank_values: ["0"]' in warning


def test_per_metric_blank_values_make_zero_not_applicable_without_touching_nps(tmp_path):
    path = export(tmp_path, {"Recommend": shuffled({0: 30, 9: 70}), EASE: shuffled(EASE_COUNTS)[:100]})
    config = validate_config({"metrics": [
        {"type": "nps", "column": "Recommend"},
        {"type": "ces", "column": EASE, "scale": [1, 5], "blank_values": ["0"]},
    ]})
    report = score([str(path)], config, Options(strict=True))  # nothing invalid left
    got = results_by_metric(report.to_dict())
    assert (got["nps"]["n"], got["nps"]["value"]) == (100, 40.0)  # NPS zeros are still the harshest detractors
    zeros = sum(1 for v in shuffled(EASE_COUNTS)[:100] if v == 0)
    assert (got["ces"]["blank"], got["ces"]["invalid"], got["ces"]["n"]) == (zeros, 0, 100 - zeros)


def test_blank_values_for_every_metric_that_hit_a_scale_point_are_warned(tmp_path):
    path = export(tmp_path, {"Recommend": shuffled({0: 30, 9: 70}), EASE: shuffled(EASE_COUNTS)[:100]})
    config = validate_config({"blank_values": ["n/a", "0"], "metrics": [{"type": "nps", "column": "Recommend"}, {"type": "ces", "column": EASE, "scale": [1, 5]}]})
    report = score([str(path)], config)
    assert results_by_metric(report.to_dict())["nps"]["blank"] == 30  # what the config says …
    assert 'nps: blank_values ["0"] is on its 0–10 scale, so those answers are counted blank, not scored' in " ".join(report.warnings)  # … said aloud
    assert not any(w.startswith("ces: blank_values") for w in report.warnings)  # 0 is not on 1–5


def test_ces_with_many_zeros_is_passed_over_with_the_fix(tmp_path):
    path = export(tmp_path, {EASE: shuffled({0: 30, 1: 20, 3: 20, 5: 30}), "Ease of use (ticked)": ["0"] * 100})
    messages = []
    with pytest.raises(InputError):
        score([str(path)], notify=messages.append)
    ease = next(m for m in messages if EASE in m)
    assert "not on a 1–3 or 1–5 or 1–7 or 1–10 scale (seen 0–5)" in ease and 'blank_values: ["0"]' in ease
    flag = next(m for m in messages if "ticked" in m)
    assert "(seen 0)" in flag and "blank_values" not in flag  # a 0/1 flag column is no rating with a 0 beside it


def test_inspect_shows_the_doubt_and_writes_the_not_applicable_fix(tmp_path, nps_on_five_points):
    ease = export(tmp_path, {EASE: shuffled(EASE_COUNTS)}, "ease.csv")
    written = tmp_path / "ease.yaml"
    assert invoke(["inspect", str(ease), "--write-config", str(written)]).exit_code == 0
    text = written.read_text(encoding="utf-8")
    assert '    # blank_values: ["0"]   # not on the 1–5 scale: uncomment if it means not applicable' in text
    config = validate_config(parse_yaml(text.replace("    # blank_values", "    blank_values"), "ease.yaml"))
    ces = results_by_metric(score([str(ease)], config, Options(strict=True)).to_dict())["ces"]
    assert (ces["blank"], ces["invalid"], ces["components"]["net"]) == (40, 0, pytest.approx(-7.8))

    doc = json.loads(invoke(["inspect", str(nps_on_five_points), "-f", "json"]).stdout)
    assert doc["plan"]["metrics"][0]["doubt"].startswith("nps: 'NPS Score' holds only 1–5 (205 answers) on its 0–10 scale: is it a 1–5 rating?")
    assert "⚠ nps: 'NPS Score' holds only 1–5" in invoke(["inspect", str(nps_on_five_points)], env={"COLUMNS": "300"}).stdout
    starter = tmp_path / "nps.yaml"
    assert invoke(["inspect", str(nps_on_five_points), "--write-config", str(starter)]).exit_code == 0
    assert "    # check the scale: 'NPS Score' holds only 1–5" in starter.read_text(encoding="utf-8")


def test_strict_on_a_zero_means_not_applicable_column_suggests_blank_values(tmp_path):
    path = export(tmp_path, {EASE: shuffled(EASE_COUNTS)})
    with pytest.raises(StrictError) as info:
        score([str(path)], options=Options(strict=True))
    assert info.value.hint.startswith('ces: if 0 means not applicable, give this metric blank_values: ["0"] in a config')
    result = invoke(["score", str(path), "--strict"])
    assert result.exit_code == 2 and 'blank_values: ["0"]' in result.stderr


@pytest.mark.parametrize("counts, scale", [
    ({1: 10, 2: 10, 3: 10, 4: 10, 5: 10}, [1, 5]),
    ({1: 5, 2: 5, 3: 5, 4: 5, 5: 5, 6: 5, 7: 5}, [1, 7]),
    ({1: 5, 3: 5, 5: 10, 8: 5, 10: 5}, [1, 10]),
    ({4: 1, 5: 2}, [1, 5]),  # a handful of answers: the smallest usual scale
])
def test_ces_scale_is_the_smallest_the_values_fit_and_use(tmp_path, counts, scale):
    path = export(tmp_path, {"Customer effort (CES)": shuffled(counts)})
    assert score([str(path)]).metrics[0].scale == scale


def test_every_ces_table_shows_its_scale(tmp_path):
    path = export(tmp_path, {EASE: shuffled(EASE_COUNTS)})
    table = invoke(["score", str(path), "-q"], env={"COLUMNS": "200", "NO_COLOR": "1"}).stdout
    row = next(line for line in table.splitlines() if line.startswith("│ ces"))
    assert [cell.strip() for cell in row.split("│")][3] == "1–5"
    markdown = invoke(["score", str(path), "-q", "-f", "markdown", "--by", "Response ID", "--top", "1"]).stdout
    assert "| ces (mean) | How easy was it to resolve your issue? | 1–5 |" in markdown
    assert "**ces (mean) by Response ID — Δ against the rest · scale 1–5**" in markdown
    rows = list(csv.DictReader(io.StringIO(invoke(["score", str(path), "-q", "-f", "csv"]).stdout)))
    assert (rows[0]["scale_min"], rows[0]["scale_max"]) == ("1", "5")


def test_workbook_summary_shows_each_scale(tmp_path):
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(out), "-q"]).exit_code == 0
    summary = openpyxl.load_workbook(out)["Summary"]
    header = [c.value for c in summary[1]]
    scales = [summary.cell(row=r, column=header.index("Scale") + 1).value for r in (2, 3, 4)]
    assert scales == ["0–10", "1–5", "1–7"]


# --- Finding 3: a 3-point item under a "satisfaction" header -------------------------------------

THREE_POINT = {1: 10, 2: 82, 3: 8}


def test_three_point_satisfaction_item_is_not_scored_as_csat(tmp_path):
    path = export(tmp_path, {
        "How likely are you to recommend us?": shuffled({0: 10, 5: 10, 7: 20, 9: 30, 10: 30}),
        "Overall satisfaction": shuffled(THREE_POINT),
    })
    report = score([str(path)])
    assert [m.name for m in report.metrics] == ["nps"]
    warning = next(w for w in report.warnings if "Overall satisfaction" in w)
    assert "values are on a 1–3 scale" in warning and "scale: [1, 3] and satisfied: 3" in warning
    assert warning in invoke(["score", str(path), "-f", "json"]).stderr
    with pytest.raises(StrictError, match="3-point item"):
        score([str(path)], options=Options(strict=True))
    # With a config that says how, it is scored: satisfied = 2 or 3 → 90%.
    config = validate_config({"metrics": [{"type": "csat", "column": "Overall satisfaction", "scale": [1, 3], "satisfied": [2, 3]}]})
    configured = score([str(path)], config, Options(strict=True))
    assert configured.results[0].value == pytest.approx(90.0) and not configured.warnings


def test_three_point_ease_item_is_not_scored_as_ces(tmp_path):
    path = export(tmp_path, {"Recommend": shuffled({0: 10, 9: 90}), "How easy was it?": shuffled(THREE_POINT)})
    report = score([str(path)])
    assert [m.name for m in report.metrics] == ["nps"]
    assert any("'How easy was it?'" in w and "no standard CES bands" in w and "direction, low_effort and high_effort" in w for w in report.warnings)


def test_three_point_item_alone_is_an_input_error_that_explains(tmp_path):
    path = export(tmp_path, {"Overall satisfaction": shuffled(THREE_POINT)})
    with pytest.raises(InputError, match=r"'Overall satisfaction': .* 1–3 scale, and a 3-point item has no standard CSAT bands"):
        score([str(path)])


def test_a_few_low_answers_are_not_taken_for_a_three_point_item(tmp_path):
    path = export(tmp_path, {"Satisfaction": ["1", "2", "3", "2"]})
    assert score([str(path)]).metrics[0].scale == [1, 5]


# --- Configured scales used only in a corner ------------------------------------------------------

@pytest.mark.parametrize("kind, scale, counts, expected", [
    ("csat", [1, 10], {1: 5, 2: 5, 3: 5, 4: 5, 5: 5}, "csat: 'Rating' holds only 1–5 (25 answers) on its 1–10 scale: is it a 1–5 rating? set scale: [1, 5]"),
    ("csat", [1, 5], THREE_POINT, "csat: 'Rating' holds only 1–3 (100 answers) on its 1–5 scale: is it a 1–3 rating? set scale: [1, 3] and satisfied: 3 (or [2, 3])"),
    ("nps", [0, 10], {0: 20, 1: 30}, "nps: 'Rating' holds only 0–1 (50 answers) on its 0–10 scale: is it a 0–1 rating? set scale: [0, 1] or type: csat"),
    ("ces", [1, 10], {1: 10, 3: 10, 7: 10}, "ces: 'Rating' holds only 1–7 (30 answers) on its 1–10 scale: is it a 1–7 rating? set scale: [1, 7]"),
    ("csat", [0, 10], {0: 3, 3: 10, 5: 10}, "csat: 'Rating' holds only 0–5 (23 answers) on its 0–10 scale: is it a 0–5 rating? set scale: [0, 5] (if 0 means not applicable: scale: [1, 5] and blank_values: [\"0\"])"),
])
def test_configured_scale_used_only_in_a_corner_is_warned(tmp_path, kind, scale, counts, expected):
    path = export(tmp_path, {"Rating": shuffled(counts)})
    config = validate_config({"metrics": [{"type": kind, "column": "Rating", "scale": scale}]})
    report = score([str(path)], config)
    assert report.metrics[0].scale_warning == expected and expected in report.warnings
    with pytest.raises(StrictError):
        score([str(path)], config, Options(strict=True))


@pytest.mark.parametrize("counts", [
    {1: 5, 4: 5, 9: 5, 10: 5},  # the scale is used
    {1: 5, 3: 5, 8: 10},  # 1–8 on 1–10: low answers, but no smaller scale holds them
    {1: 5, 2: 5, 3: 5},  # 15 answers: too few to judge
])
def test_configured_scale_that_the_answers_do_not_contradict_is_quiet(tmp_path, counts):
    path = export(tmp_path, {"Rating": shuffled(counts)})
    config = validate_config({"metrics": [{"type": "csat", "column": "Rating", "scale": [1, 10]}]})
    report = score([str(path)], config, Options(strict=True))
    assert report.metrics[0].scale_warning is None and not report.warnings


# --- Finding 8: inspect --write-config proposes targets that mean something on the scale ----------

def test_written_config_targets_are_valid_on_each_metric_scale(tmp_path):
    effort = export(tmp_path, {"Effort score": shuffled({1: 10, 2: 10, 5: 10, 9: 5, 10: 5})}, "effort.csv")
    for source in (SAMPLE, effort):
        out = tmp_path / f"{Path(source).stem}.yaml"
        assert invoke(["inspect", str(source), "--write-config", str(out)]).exit_code == 0
        text = out.read_text(encoding="utf-8")
        assert "# target: 30   # NPS" in text or Path(source) == effort
        uncommented = re.sub(r"^    # target: ", "    target: ", text, flags=re.M)
        config = validate_config(parse_yaml(uncommented, str(out)), str(out))  # every proposed target is in range
        targets = {m.name: (m.type, m.scale, m.targets()["all"]) for m in config.metrics}
        for kind, scale, target in targets.values():
            if kind == "ces":
                assert scale.lo <= target <= scale.hi
    assert targets == {"ces": ("ces", (1, 10), 2.0)}  # 1–10 effort: a mean at or below the low-effort band's top


# --- Done when: no file in the repository is scored on a scale its values contradict, unwarned ----

REAL = ROOT.parent / "shared" / "data" / "real"  # real exports kept beside the main checkout, when there
DATA_FILES = sorted(
    path for folder in (ROOT / "tests", ROOT / "sample_data", REAL) for path in folder.rglob("*")
    if path.suffix.lower() in {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".xlsm", ".ods"} and path.is_file()
)
STANDARD = [(0, 1), (1, 3), (1, 5), (0, 5), (1, 7), (1, 10), (0, 10)]


def contradicted(kind: str, scale: list[int], used: list[int]) -> bool:
    """An independent reading of "the values contradict the scale": at least 20 answers, and they
    never reach the scale's top (0–10 NPS: 7; else the top two points), while a smaller standard scale holds them all."""
    lo, hi = scale
    top = 7 if (kind, lo, hi) == ("nps", 0, 10) else hi - 1
    if max(used) >= top:
        return False
    return kind == "nps" or any(a <= min(used) and max(used) <= b and b - a < hi - lo for a, b in STANDARD)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_no_data_file_is_scored_on_a_contradicted_scale_without_a_warning(path):
    try:
        report = score([str(path)], options=Options(distribution=True))
    except CxError:
        return  # nothing scored, so no wrong number
    for metric in report.metrics:
        if metric.scale is None:
            continue  # a duration or rate (the ticket samples' zero-config KPIs) has no scale to contradict
        overall = next(r for r in report.results if r.metric == metric.name and not r.segment and not r.period)
        used = [p["point"] for p in overall.distribution if p["count"]]
        if overall.n >= 20 and contradicted(metric.type, metric.scale, used):
            assert any(metric.column in w and "holds only" in w for w in report.warnings), (metric.name, metric.scale, used)


def test_the_sweep_sees_the_sample_files():
    assert {p.name for p in DATA_FILES} >= {"survey_export.csv", "survey_export_zh.csv"}


# --- A rating with a redaction marker, and a column of NPS groups (a HubSpot form export) --------

RECOMMEND = "How likely are you to recommend the Careers Team to future cohorts?"


def test_a_redaction_marker_that_keeps_a_rating_from_counting_is_named_with_its_fix(tmp_path):
    """The export had 348 of 895 answers '*redacted*' and the rest 0–10: 'its values are not on a 0–10
    scale' gave no way forward; the reason now names the marker and the blank_values that scores it."""
    ratings = shuffled({10: 24, 9: 9, 8: 11, 7: 6, 5: 3, 2: 2})
    answers = ratings + ["*redacted*"] * 40 + [" *redacted* "] * 5
    groups = ["Promoter" if v >= 9 else "Passive" if v >= 7 else "Detractor" for v in ratings] + [""] * 45
    path = export(tmp_path, {RECOMMEND: answers, "NPS": groups})
    messages: list[str] = []
    guessed = score([str(path)], notify=messages.append)
    rating = next(m for m in messages if RECOMMEND in m)
    assert ("question mentions 'recommend' but 45 of its 100 answers in the first rows are not on a 0–10 scale "
            "('*redacted*' ×45); if that means no answer, give blank_values: [\"*redacted*\"] in a config") in rating
    # With the rating unread, its column of groups is scored from them, as a guess (test_groups.py)
    assert [m.column for m in guessed.metrics] == ["NPS"]
    assert any("'NPS' holds only groups (Detractor, Passive, Promoter), not ratings" in w for w in guessed.warnings)
    assert results_by_metric(guessed.to_dict())["nps"]["value"] == pytest.approx((33 - 5) / 55 * 100)

    config = validate_config(parse_yaml('blank_values: ["*redacted*"]\n', "cxscore.yaml"))
    nps = results_by_metric(score([str(path)], config).to_dict())["nps"]
    assert (nps["n"], nps["blank"], nps["invalid"]) == (55, 45, 0)
    assert nps["value"] == pytest.approx((33 - 5) / 55 * 100)


def test_free_text_or_out_of_range_numbers_get_no_blank_values_hint(tmp_path):
    words = ["Yes, to my friends"] * 30 + ["Maybe"] * 20 + [str(v) for v in range(11)] * 2 + ["No"] * 28
    numbers = [str(v) for v in shuffled({10: 40, 9: 15})] + ["100"] * 30 + ["11"] * 15
    path = export(tmp_path, {"Would you recommend us? Why?": words, "Recommend (0-10)": numbers})
    messages: list[str] = []
    with pytest.raises(InputError):
        score([str(path)], notify=messages.append)
    assert all("blank_values" not in m for m in messages if "recommend" in m.lower())
    assert any("its values are not on a 0–10 scale" in m for m in messages if "Why?" in m)
