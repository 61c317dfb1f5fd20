"""NPS and CSAT scored from columns that hold only the groups (HubSpot's Promoter/Passive/Detractor, Qualtrics'
NPS_GROUP codes, 推荐者/被动者/贬损者): what the shares give is computed, what needs points is not shown."""
from __future__ import annotations

import json
import math
import os

import pytest

from conftest import invoke, results_by_metric, run_process
from cxscore import score
from cxscore.config import parse_yaml, validate_config
from cxscore.errors import ConfigError

Z95 = 1.959963984540054  # the 97.5 % normal quantile

NPS_GROUPS = """\
metrics:
  - name: nps
    type: nps
    column: NPS
    groups:
      promoters: [Promoter]
      passives: [Passive]
      detractors: [Detractor]
"""


def _groups(promoters: int, passives: int, detractors: int) -> list[str]:
    return ["Promoter"] * promoters + ["Passive"] * passives + ["Detractor"] * detractors


def _export(folder, columns: dict[str, list[str]], name: str = "feedback.csv"):
    headers = list(columns)
    size = len(next(iter(columns.values())))
    lines = [",".join(headers)] + [",".join(columns[h][i] for h in headers) for i in range(size)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _config(folder, text: str, name: str = "cxscore.yaml"):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _wald(promoters: int, passives: int, detractors: int) -> tuple[float, float]:
    """NPS and its Wald SE in points, by DESIGN.md: var = (1−NPS)²·p₊ + NPS²·p₀ + (1+NPS)²·p₋, SE = √(var/n)."""
    n = promoters + passives + detractors
    p_plus, p_zero, p_minus = promoters / n, passives / n, detractors / n
    nps = p_plus - p_minus
    variance = (1 - nps) ** 2 * p_plus + nps ** 2 * p_zero + (1 + nps) ** 2 * p_minus
    return 100 * nps, 100 * math.sqrt(variance / n)


def test_nps_from_groups_by_hand(tmp_path):
    """50 promoters, 30 passives, 20 detractors: NPS 30, Wald SE √(0.61/100) = 7.8102 points, the
    Wald interval 30 ± 1.96·SE and the adjusted-Wald one on counts + 0.75/1.5/0.75 (n + 3)."""
    data = _export(tmp_path, {"NPS": _groups(50, 30, 20)})
    config = _config(tmp_path, NPS_GROUPS)
    wald = invoke(["score", str(data), "-c", str(config), "-f", "json", "--nps-interval", "wald"])
    assert wald.exit_code == 0, wald.stderr
    row = results_by_metric(wald.stdout)["nps"]
    value, se = _wald(50, 30, 20)
    assert (value, se) == pytest.approx((30.0, math.sqrt(0.61) * 10))
    assert (row["n"], row["blank"], row["invalid"]) == (100, 0, 0)
    assert row["value"] == pytest.approx(30.0)
    assert row["components"] == pytest.approx({"promoters_pct": 50.0, "passives_pct": 30.0, "detractors_pct": 20.0})
    assert row["se"] == pytest.approx(se, rel=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((30 - Z95 * se, 30 + Z95 * se), rel=1e-9)
    assert row["distribution"] is None

    adjusted = results_by_metric(invoke(["score", str(data), "-c", str(config), "-f", "json"]).stdout)["nps"]
    plus, zero, minus, n = 50.75, 31.5, 20.75, 103
    centre = (plus - minus) / n
    variance = (1 - centre) ** 2 * plus / n + centre ** 2 * zero / n + (1 + centre) ** 2 * minus / n
    half = Z95 * math.sqrt(variance / n)
    assert (adjusted["ci_low"], adjusted["ci_high"]) == pytest.approx((100 * (centre - half), 100 * (centre + half)), rel=1e-9)
    assert adjusted["ci_method"] == "adjusted-wald"


def test_groups_score_exactly_as_the_ratings_they_were_made_from(tmp_path):
    """The same answers as 0–10 ratings and as their groups: every figure that only needs the three shares
    (value, intervals, tests against the rest, targets, benchmarks) is the same, row for row."""
    ratings = ["10"] * 30 + ["9"] * 20 + ["8"] * 18 + ["7"] * 12 + ["5"] * 11 + ["0"] * 9
    regions = (["EU", "US", "US", "APAC"] * 25)
    groups = ["Promoter" if int(r) >= 9 else "Passive" if int(r) >= 7 else "Detractor" for r in ratings]
    data = _export(tmp_path, {"Region": regions, "Rating": ratings, "NPS": groups})
    as_groups = _config(tmp_path, NPS_GROUPS + "    target: 25\n", "groups.yaml")
    as_ratings = _config(tmp_path, "metrics:\n  - {name: nps, type: nps, column: Rating, target: 25}\n", "ratings.yaml")
    common = ["--by", "Region", "-f", "json", "--benchmark", "Grocery"]
    a = json.loads(invoke(["score", str(data), "-c", str(as_groups), *common]).stdout)
    b = json.loads(invoke(["score", str(data), "-c", str(as_ratings), *common]).stdout)
    assert len(a["results"]) == 4
    assert a["results"] == b["results"]
    assert a["results"][0]["benchmark"]["id"] and a["results"][0]["status"] == "met"
    assert [r["significance"]["p_value"] for r in a["results"][1:]] == [r["significance"]["p_value"] for r in b["results"][1:]]
    assert a["metrics"][0]["scale"] is None and a["metrics"][0]["bands"] == {}
    assert a["metrics"][0]["groups"] == {"detractors": ["Detractor"], "passives": ["Passive"], "promoters": ["Promoter"]}
    assert "groups" not in b["metrics"][0]


def test_csat_from_groups_is_the_share_positive_with_no_mean(tmp_path):
    """70 Positive, 20 Neutral, 10 Negative: CSAT 70 % with the Wilson interval; the mean would need points: null."""
    data = _export(tmp_path, {"Id": [str(i) for i in range(105)], "CSAT": ["Positive"] * 70 + ["Neutral"] * 20 + ["Negative"] * 10 + [""] * 5})
    config = _config(tmp_path, "metrics:\n  - name: csat\n    type: csat\n    column: CSAT\n"
                               "    groups: {satisfied: [Positive], neutral: [Neutral], dissatisfied: [Negative]}\n")
    result = invoke(["score", str(data), "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    row = results_by_metric(result.stdout)["csat"]
    assert (row["n"], row["blank"]) == (100, 5)
    assert row["value"] == pytest.approx(70.0)
    assert row["components"] == {"satisfied_pct": pytest.approx(70.0), "dissatisfied_pct": pytest.approx(10.0), "mean": None}
    p, n, z2 = 0.7, 100, Z95 ** 2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * (centre - half), 100 * (centre + half)), rel=1e-9)


def test_a_text_outside_the_groups_is_invalid_and_numbers_are_not_points(tmp_path):
    """Only the texts named are answers: '8' or 'Promoters?' in a group column are invalid, never scored."""
    data = _export(tmp_path, {"NPS": _groups(5, 3, 2) + ["8", "Promoters?", "推荐者"] + ["n/a"]})
    result = invoke(["score", str(data), "-c", str(_config(tmp_path, NPS_GROUPS)), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    row = results_by_metric(document)["nps"]
    assert (row["n"], row["blank"], row["invalid"]) == (10, 1, 3)
    assert document["quality"][0]["invalid_examples"] == {"8": 1, "Promoters?": 1, "推荐者": 1}


def test_several_texts_per_group_case_and_width_ignored(tmp_path):
    data = _export(tmp_path, {"NPS": ["promoter"] * 4 + ["推荐者"] * 2 + ["Passive"] * 2 + ["贬损者", "DETRACTOR"]})
    config = _config(tmp_path, "metrics:\n  - name: nps\n    type: nps\n    column: NPS\n    groups:\n"
                               "      promoters: [Promoter, 推荐者]\n      passives: [Passive, 被动者, 中立者]\n      detractors: [Detractor, 贬损者]\n")
    row = results_by_metric(invoke(["score", str(data), "-c", str(config), "-f", "json"]).stdout)["nps"]
    assert (row["n"], row["invalid"], row["value"]) == (10, 0, pytest.approx(40.0))


@pytest.mark.parametrize(("metric", "message"), [
    ("{type: nps, column: G, groups: {promoter: [P], passives: [S], detractors: [D]}}", "metrics[0].groups: 'promoter' is not a group of an NPS; did you mean 'promoters'?"),
    ("{type: nps, column: G, groups: {promoters: [P], detractors: [D]}}", "metrics[0].groups: passives is missing; give the texts of each of detractors, passives, promoters"),
    ("{type: nps, column: G, scale: [0, 10], groups: {promoters: [P], passives: [S], detractors: [D]}}", "metrics[0].scale: a metric scored from groups has no scale"),
    ("{type: nps, column: G, promoters: [9, 10], groups: {promoters: [P], passives: [S], detractors: [D]}}", "metrics[0].promoters: a metric scored from groups takes its bands from groups:"),
    ("{type: nps, column: G, labels: {P: 10}, groups: {promoters: [P], passives: [S], detractors: [D]}}", "metrics[0].labels: a metric scored from groups reads its texts from groups:"),
    ("{type: nps, column: G, groups: {promoters: [P], passives: [p], detractors: [D]}}", "metrics[0].groups: 'P' is given under both passives and promoters"),
    ("{type: nps, column: G, groups: {promoters: [P], passives: [], detractors: [D]}}", "metrics[0].groups: passives: give at least one text, e.g. [Passive]"),
    ("{type: ces, column: G, groups: {promoters: [P]}}", "metrics[0].groups: a CES metric is not scored from groups (only nps, csat are)"),
    ("{type: csat, column: G, groups: {satisfied: [Positive]}}", "metrics[0].groups: dissatisfied is missing"),
])
def test_config_mistakes_name_the_key_and_the_fix(metric, message):
    with pytest.raises(ConfigError) as caught:
        validate_config(parse_yaml(f"metrics:\n  - {metric}\n", "cxscore.yaml"), "cxscore.yaml")
    assert message in caught.value.message


def test_csat_groups_may_leave_out_neutral():
    spec = validate_config(parse_yaml("metrics:\n  - {type: csat, column: G, groups: {satisfied: [Good], dissatisfied: [Bad]}}\n", "c")).metrics[0]
    assert (spec.scale.lo, spec.scale.hi, spec.satisfied.lo, spec.dissatisfied.hi) == (1, 3, 3, 1)
    assert spec.labels == {"Bad": 1, "Good": 3}


def test_distribution_asked_of_groups_is_said_not_available(tmp_path):
    data = _export(tmp_path, {"NPS": _groups(5, 3, 2)})
    result = invoke(["score", str(data), "-c", str(_config(tmp_path, NPS_GROUPS)), "--distribution"])
    assert result.exit_code == 0
    assert "nps: no distribution: its answers are groups (detractors, passives, promoters), not points of a scale" in result.stderr
    assert "answers per scale point" not in result.stdout


def test_the_report_asks_no_distribution_of_groups_so_says_nothing_of_one(tmp_path):
    """The workbook shows every distribution there is: of a group metric none is asked, so the report's
    stderr (a cron mail) holds no 'no distribution' line; the Distribution sheet says why it is empty."""
    import openpyxl

    data = _export(tmp_path, {"NPS": _groups(5, 3, 2)})
    out = tmp_path / "report.xlsx"
    result = invoke(["report", str(data), "-c", str(_config(tmp_path, NPS_GROUPS)), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "no distribution" not in result.stderr
    sheet = openpyxl.load_workbook(out)["Distribution"]
    assert "answers given as groups have none" in sheet["A2"].value


def test_table_says_groups_where_the_scale_stands(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _export(tmp_path, {"NPS": _groups(50, 30, 20)})
    _config(tmp_path, NPS_GROUPS)
    result = invoke(["score", "feedback.csv", "-c", "cxscore.yaml", "-f", "markdown"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("| nps (NPS)"))
    assert [cell.strip() for cell in line.strip("|").split("|")][:4] == ["nps (NPS)", "NPS", "groups", "100"]


def test_library_and_workbook_from_groups(tmp_path):
    """The library gives the same row; the workbook's Dashboard tile holds the score and its target."""
    import openpyxl

    from conftest import dashboard_tile

    data = _export(tmp_path, {"NPS": _groups(50, 30, 20)})
    config = validate_config(parse_yaml(NPS_GROUPS + "    target: 35\n", "c"))
    row = results_by_metric(score([str(data)], config).to_dict())["nps"]
    assert (row["value"], row["status"]) == (pytest.approx(30.0), "missed")
    out = tmp_path / "report.xlsx"
    result = invoke(["report", str(data), "-c", str(_config(tmp_path, NPS_GROUPS + "    target: 35\n")), "-o", str(out)])
    assert result.exit_code == 3, result.stderr  # the target is missed
    tile = dashboard_tile(openpyxl.load_workbook(out)["Dashboard"], "nps")
    assert (tile["Score"].value, tile["n"].value, tile["Target"].value, tile["Status"].value) == (pytest.approx(30.0), 100, 35, "missed")


def test_groups_as_a_real_process(tmp_path):
    data = _export(tmp_path, {"NPS": _groups(50, 30, 20)})
    config = _config(tmp_path, NPS_GROUPS)
    done = run_process(["score", str(data), "-c", str(config), "-f", "json", "--fail-under", "nps=31"], cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert results_by_metric(done.stdout.decode())["nps"]["value"] == pytest.approx(30.0)
    assert b"Traceback" not in done.stderr
    assert os.path.exists(data)


def test_counts_from_sql_score_groups_as_the_rows_do(tmp_path):
    """cxscore sql counts each distinct group text; --tallies scores those counts exactly as the rows."""
    duckdb = pytest.importorskip("duckdb")
    data = _export(tmp_path, {"NPS": _groups(50, 30, 20) + ["maybe"]})
    config = _config(tmp_path, NPS_GROUPS)
    query = invoke(["sql", str(data), "-c", str(config)])
    assert query.exit_code == 0, query.stderr
    counts = tmp_path / "counts.csv"
    duckdb.sql(query.stdout).write_csv(str(counts))
    from_counts = results_by_metric(invoke(["score", "--tallies", str(counts), "-c", str(config), "-f", "json"]).stdout)["nps"]
    from_rows = results_by_metric(invoke(["score", str(data), "-c", str(config), "-f", "json"]).stdout)["nps"]
    assert from_counts == from_rows
    assert (from_rows["n"], from_rows["invalid"], from_rows["value"]) == (100, 1, pytest.approx(30.0))


# --- Zero config: a column of groups under an NPS or satisfaction header ------------------------------

GUESS = ("nps: 'NPS' holds only groups (Detractor, Passive, Promoter), not ratings: scored as an NPS from the groups' shares "
         "(no 0–10 mean or distribution); a guess from its header and values: confirm it with groups: in a config")


def _hubspot(folder):
    """A HubSpot-shaped feedback export: the submission date, a segment and the NPS field of groups."""
    size = 100
    return _export(folder, {"Submitted at": [f"2025-0{1 + i % 3}-{1 + i % 28:02d}" for i in range(size)],
                            "Region": ["EU", "US"] * (size // 2), "NPS": _groups(50, 30, 20)})


def test_zero_config_scores_a_column_of_nps_groups_as_a_guess(tmp_path):
    data = _hubspot(tmp_path)
    result = invoke(["score", str(data), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    row = results_by_metric(document)["nps"]
    assert (row["n"], row["value"], row["components"]["promoters_pct"]) == (100, pytest.approx(30.0), pytest.approx(50.0))
    assert f"warning: {GUESS}" in result.stderr
    assert GUESS in document["warnings"]
    metric = document["metrics"][0]
    assert metric["selected_by"].startswith("detected: question mentions 'NPS'; its values are NPS groups")
    assert (metric["scale"], metric["groups"]["promoters"]) == (None, ["Promoter", "Promoters", "推荐者"])

    strict = invoke(["score", str(data), "--strict"])
    assert strict.exit_code == 2
    assert GUESS in strict.stderr


def test_zero_config_guess_as_a_real_process(tmp_path):
    data = _hubspot(tmp_path)
    done = run_process(["score", str(data), "-f", "json", "--strict"], cwd=tmp_path)
    assert done.returncode == 2
    assert GUESS in done.stderr.decode() and b"Traceback" not in done.stderr
    done = run_process(["score", str(data), "-f", "json", "--by", "Region"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [r["value"] for r in json.loads(done.stdout)["results"]] == [pytest.approx(30.0)] * 3


def test_chinese_groups_and_qualtrics_codes_are_groups_but_codes_only_under_their_header(tmp_path):
    chinese = _export(tmp_path, {"推荐意愿": ["推荐者"] * 6 + ["被动者"] * 2 + ["中立者"] + ["贬损者"]}, "zh.csv")
    row = results_by_metric(invoke(["score", str(chinese), "-f", "json"]).stdout)["nps"]
    assert (row["n"], row["value"]) == (10, pytest.approx(50.0))

    codes = ["3"] * 50 + ["2"] * 30 + ["1"] * 20
    qualtrics = _export(tmp_path, {"ResponseId": [f"R_{i}" for i in range(100)], "QID3_NPS_GROUP": codes}, "q.csv")
    result = invoke(["score", str(qualtrics), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert results_by_metric(result.stdout)["nps"]["value"] == pytest.approx(30.0)
    assert "'QID3_NPS_GROUP' holds only groups (1, 2, 3), not ratings" in result.stderr

    plain = _export(tmp_path, {"ResponseId": [f"R_{i}" for i in range(100)], "NPS": codes}, "plain.csv")
    document = json.loads(invoke(["score", str(plain), "-f", "json"]).stdout)
    assert "groups" not in document["metrics"][0]  # 1–3 under a plain NPS header are ratings on 0–10 (with the scale doubt)
    assert document["metrics"][0]["scale_warning"]


def test_groups_under_a_header_naming_no_metric_are_not_guessed(tmp_path):
    """HubSpot's Sentiment is Promoter/Passive/Detractor for CSAT (0/1/2) and CES (1–3/4–5/6–7) surveys too,
    so the values alone never make an NPS."""
    data = _export(tmp_path, {"Sentiment": _groups(5, 3, 2)})
    result = invoke(["score", str(data)])
    assert result.exit_code == 2
    assert "no NPS, CSAT or CES column found" in result.stderr


def test_zero_config_csat_from_positive_neutral_negative(tmp_path):
    data = _export(tmp_path, {"Satisfaction": ["Positive"] * 70 + ["Neutral"] * 20 + ["Negative"] * 10})
    result = invoke(["score", str(data), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    row = results_by_metric(result.stdout)["csat"]
    assert (row["value"], row["components"]["mean"]) == (pytest.approx(70.0), None)
    assert "csat: 'Satisfaction' holds only groups (Negative, Neutral, Positive), not ratings: scored as a CSAT from the groups' shares (no mean or distribution)" in result.stderr


def test_inspect_shows_the_group_metric_its_doubt_and_a_config_that_confirms_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _hubspot(tmp_path)
    shown = invoke(["inspect", "feedback.csv", "-f", "json"])
    assert shown.exit_code == 0, shown.stderr
    document = json.loads(shown.stdout)
    role = next(c for c in document["columns"] if c["column"] == "NPS")
    assert (role["role"], role["why"]) == ("metric: nps", "nps, from its groups")
    assert document["plan"]["metrics"][0]["doubt"] == GUESS.split(": ", 1)[1]
    table = invoke(["inspect", "feedback.csv"], env={"COLUMNS": "250"})
    assert "nps, from its groups" in table.stdout
    written = invoke(["inspect", "feedback.csv", "--write-config", "starter.yaml"])
    assert written.exit_code == 0, written.stderr
    starter = (tmp_path / "starter.yaml").read_text(encoding="utf-8")
    assert '    groups:\n      detractors: ["Detractor", "Detractors", "贬损者"]\n' in starter
    confirmed = invoke(["score", "feedback.csv", "-c", "starter.yaml", "-f", "json"])
    assert confirmed.exit_code == 0, confirmed.stderr
    assert results_by_metric(confirmed.stdout)["nps"]["value"] == pytest.approx(30.0)
    assert "a guess" not in confirmed.stderr


# --- The rating and its groups in one file --------------------------------------------------------------

def _rated(disagree: int = 0) -> tuple[list[str], list[str]]:
    ratings = ["10"] * 30 + ["9"] * 20 + ["8"] * 18 + ["7"] * 12 + ["5"] * 11 + ["0"] * 9
    groups = ["Promoter" if int(r) >= 9 else "Passive" if int(r) >= 7 else "Detractor" for r in ratings]
    for i in range(disagree):  # detractors labelled promoters, from the end
        groups[-1 - i] = "Promoter"
    return ratings, groups


def test_the_rating_is_scored_and_its_groups_are_not_a_second_nps(tmp_path):
    ratings, groups = _rated()
    data = _export(tmp_path, {"How likely are you to recommend us?": ratings, "NPS": groups})
    result = invoke(["score", str(data), "-f", "json", "--strict"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [m["column"] for m in document["metrics"]] == ["How likely are you to recommend us?"]
    assert document["metrics"][0]["name"] == "nps" and document["metrics"][0]["scale"] == [0, 10]
    assert ("skipped column 'NPS': question mentions 'NPS'" not in result.stderr)
    assert ("skipped column 'NPS': it holds the NPS groups of 'How likely are you to recommend us?', which is scored from its ratings; "
            "its groups agree with the ratings in the first rows") in result.stderr


def test_groups_that_disagree_with_their_ratings_are_counted_with_an_example(tmp_path):
    ratings, groups = _rated(disagree=3)
    data = _export(tmp_path, {"Rating (recommend)": ratings, "NPS": groups})
    result = invoke(["score", str(data), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    expected = ("nps: column 'NPS': it holds the NPS groups of 'Rating (recommend)', which is scored from its ratings; in the first rows, 3 of "
                "100 with both answered disagree with the ratings (e.g. row 98: '0' (detractors) labelled 'Promoter'); "
                "the ratings are scored: check which column is right")
    assert expected in json.loads(result.stdout)["warnings"]
    assert f"warning: {expected}" in result.stderr
    assert results_by_metric(result.stdout)["nps"]["value"] == pytest.approx(30.0)  # the ratings, not the groups
    assert invoke(["score", str(data), "--strict"]).exit_code == 2


def test_a_qualtrics_group_column_is_paired_with_its_rating_by_name(tmp_path):
    ratings, groups = _rated()
    codes = [{"Detractor": "1", "Passive": "2", "Promoter": "3"}[g] for g in groups]
    other = ["9"] * 100
    data = _export(tmp_path, {"Recommend us": ratings, "Recommend us_NPS_GROUP": codes, "Recommend the app": other})
    result = invoke(["score", str(data), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert [m["column"] for m in json.loads(result.stdout)["metrics"]] == ["Recommend us", "Recommend the app"]
    assert "skipped column 'Recommend us_NPS_GROUP': it holds the NPS groups of 'Recommend us'" in result.stderr
    swapped = [{"1": "3", "3": "1"}.get(c, c) for c in codes]  # were Qualtrics' codes the other way round, the check would say so
    data = _export(tmp_path, {"Recommend us": ratings, "Recommend us_NPS_GROUP": swapped}, "swapped.csv")
    assert ("in the first rows, 70 of 100 with both answered disagree with the ratings (e.g. row 1: '10' (promoters) "
            "labelled '1' (detractors))") in invoke(["score", str(data)], env={"COLUMNS": "400"}).stderr  # a code, with its group


def test_groups_beside_several_ratings_without_a_name_are_not_scored(tmp_path):
    ratings, groups = _rated()
    data = _export(tmp_path, {"Recommend us": ratings, "Recommend the app": ratings, "NPS": groups})
    result = invoke(["score", str(data), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["metrics"]) == 2
    assert "skipped column 'NPS': it holds NPS groups, made from one of the 2 NPS ratings scored ('Recommend us', 'Recommend the app'); not scored" in result.stderr


def test_inspect_names_the_rating_a_column_of_groups_belongs_to(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ratings, groups = _rated(disagree=1)
    _export(tmp_path, {"Recommend": ratings, "NPS": groups})
    document = json.loads(invoke(["inspect", "feedback.csv", "-f", "json"]).stdout)
    role = next(c for c in document["columns"] if c["column"] == "NPS")
    assert (role["role"], role["why"]) == ("companion", "the groups of 'Recommend': checked against it, not scored")
    assert [m["column"] for m in document["plan"]["metrics"]] == ["Recommend"]
    skipped = document["plan"]["skipped"][0]
    assert skipped["column"] == "NPS" and "1 of 100 with both answered disagree" in skipped["why"]


def test_csat_groups_beside_a_csat_rating_agree_when_neutral_is_the_middle(tmp_path):
    """On a 1–5 CSAT the points between the bands (3) are the Neutral group, not a disagreement."""
    ratings = ["5"] * 40 + ["4"] * 30 + ["3"] * 20 + ["2"] * 6 + ["1"] * 4
    groups = ["Positive"] * 70 + ["Neutral"] * 20 + ["Negative"] * 10
    data = _export(tmp_path, {"How satisfied are you?": ratings, "CSAT": groups})
    result = invoke(["score", str(data), "-f", "json", "--strict"])
    assert result.exit_code == 0, result.stderr
    assert "skipped column 'CSAT': it holds the CSAT groups of 'How satisfied are you?', which is scored from its ratings; its groups agree" in result.stderr
    groups[85] = "Positive"  # a 3 called Positive
    data = _export(tmp_path, {"How satisfied are you?": ratings, "CSAT": groups}, "one.csv")
    assert "1 of 100 with both answered disagree with the ratings (e.g. row 86: '3' (neutral) labelled 'Positive' (satisfied))" in invoke(["score", str(data)]).stderr
