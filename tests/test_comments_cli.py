"""`cxscore comments` end to end: hand-computed theme figures on a tiny file, Chinese substrings,
--by/--period shares against pandas, the README's worked example, every format, and the guards."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from scipy.stats import chi2_contingency, false_discovery_control

from conftest import ROOT, invoke, run_process
from cxscore import terms
from cxscore.comment_analysis import analyse_comments
from cxscore.settings import Options

SAMPLE = ROOT / "sample_data" / "comments_export.csv"
SAMPLE_ZH = ROOT / "sample_data" / "comments_export_zh.csv"
STARTER = ROOT / "themes.example.yaml"
THEMES = "delivery:\n  en: [delivery, late]\nstaff:\n  en: [staff]\nrefund:\n  en: [refund*]\n"
#: (nps, comment), dated one day apart in this order, except the first, which is the most recent.
TINY = [
    ("0", "Delivery was late"), ("3", "late again and rude staff"), ("5", "refund never came"), ("6", "n/a"), ("7", "ok"),
    ("8", "the staff were friendly"), ("9", "fast delivery"), ("10", "friendly staff"), ("10", ""), ("10", "great"),
    ("9", "latest model is great"), ("", "delivery was late"),
]


def tiny_file(tmp_path, rows=TINY, themes=THEMES):
    data = tmp_path / "tiny.csv"
    dates = ["2025-03-01"] + [(date(2025, 1, 1) + timedelta(days=day)).isoformat() for day in range(1, len(rows))]
    with data.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Date", "How likely are you to recommend us?", "Comment"])
        writer.writerows([d, nps, text] for d, (nps, text) in zip(dates, rows))
    dictionary = tmp_path / "themes.yaml"
    dictionary.write_text(themes, encoding="utf-8")
    return data, dictionary


def p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    """Pearson's χ² without continuity correction on the 2×2 table: the pooled two-proportion z test's p."""
    return float(chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)[1])


def test_theme_figures_on_a_tiny_file_match_hand_counts(tmp_path):
    data, themes = tiny_file(tmp_path)
    result = invoke(["comments", str(data), "--themes", str(themes), "-f", "json", "--no-terms"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["document"], doc["schema_version"]) == ("cxscore.comments", 1)
    assert (doc["comments"], doc["non_answers"], doc["untagged"]) == (10, 2, 3)  # n/a and the blank left out; ok, great, "latest …" untagged
    assert doc["untagged_pct"] == pytest.approx(30)
    assert doc["overall"] == pytest.approx(100 * (5 - 4) / 11)  # 11 scored rows: promoters 9,10,10,10,9; detractors 0,3,5,6
    themes_by_name = {t["theme"]: t for t in doc["themes"]}
    delivery, staff, refund = themes_by_name["delivery"], themes_by_name["staff"], themes_by_name["refund"]
    assert [delivery["mentions"], staff["mentions"], refund["mentions"]] == [4, 3, 1]  # "latest" is no "late"; the unscored comment counts
    assert delivery["pct_of_comments"] == pytest.approx(40)
    # 3 detractors and 4 promoters said something: delivery 2 of 3 vs 1 of 4
    assert (delivery["unhappy_pct"], delivery["happy_pct"]) == (pytest.approx(200 / 3), pytest.approx(25))
    assert (refund["unhappy_pct"], refund["happy_pct"]) == (pytest.approx(100 / 3), pytest.approx(0))
    p = [p_value(2, 3, 1, 4), p_value(1, 3, 1, 4), p_value(1, 3, 0, 4)]
    assert [t["p_value"] for t in doc["themes"]] == pytest.approx(p)
    assert [t["p_adjusted"] for t in doc["themes"]] == pytest.approx(list(false_discovery_control(p)))
    # NPS of the mentioners with a score, and impact = overall − NPS of everyone else
    assert (delivery["n"], delivery["value"], delivery["impact"]) == (3, pytest.approx(-100 / 3), pytest.approx(100 / 11 - 25))
    assert (staff["n"], staff["value"], staff["impact"]) == (3, pytest.approx(0), pytest.approx(100 / 11 - 12.5))
    assert (refund["value"], refund["impact"]) == (pytest.approx(-100), pytest.approx(100 / 11 - 20))
    assert delivery["ci_low"] < delivery["value"] < delivery["ci_high"]
    assert all(t["low_n"] for t in doc["themes"])  # under 30 scored mentions each
    assert delivery["examples"] == ["Delivery was late", "delivery was late", "fast delivery"]  # most recent by date first
    assert doc["text_column"] == "Comment" and doc["metric"]["name"] == "nps"
    assert "comments: column 'Comment'" in result.stderr


def test_chinese_keywords_match_as_substrings_and_terms_need_rjieba(tmp_path, monkeypatch):
    rows = [("0", "退款没到账"), ("2", "配送太慢了，退款也没有"), ("10", "很快"), ("9", "退货很顺利"), ("8", "无")] * 15  # 30 comments a band: enough for terms
    data, themes = tiny_file(tmp_path, rows, "refund:\n  zh: [退款]\nslow:\n  zh: [太慢]\n")
    result = invoke(["comments", str(data), "--themes", str(themes), "-f", "json"])
    doc = json.loads(result.stdout)
    assert [(t["theme"], t["mentions"]) for t in doc["themes"]] == [("refund", 30), ("slow", 15)]
    assert (doc["comments"], doc["non_answers"], doc["untagged"]) == (60, 15, 30)
    assert doc["terms_skipped"] is None and doc["terms"]["terms"]  # rjieba is a test dependency
    terms._segmenter.cache_clear()
    monkeypatch.setattr(terms, "_segmenter", lambda words: None)  # as without the extra installed
    result = invoke(["comments", str(data), "--themes", str(themes), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(t["theme"], t["mentions"]) for t in doc["themes"]] == [("refund", 30), ("slow", 15)]  # themes need nothing extra
    assert doc["terms"] is None and "pip install 'cxscore[zh]'" in doc["terms_skipped"]
    assert "distinctive terms left out" in result.stderr and "pip install 'cxscore[zh]'" in result.stderr
    assert "Traceback" not in result.stderr


def sample_frame(path=SAMPLE) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.columns = ["id", "date", "channel", "nps", "text"]
    frame["real"] = ~frame["text"].str.strip().str.lower().isin(["", "n/a", "nothing", "-", "无", "没有", "无意见"])
    frame["nps"] = frame["nps"].astype(float)
    return frame


#: The starter's delivery theme written as a Python regex (lower case; a word letter is a-z, 0-9, _ or Latin-1/Extended-A/B).
WORD = r"a-z0-9_\u00df-\u024f"
DELIVERY = rf"(?<![{WORD}])(?:(?:shipping|shipped|courier|parcel|package|arrived|arrival|late|tracking)(?![{WORD}])|deliver|dispatch)"


def _two_themes(tmp_path):
    """A delivery and a refund theme, and the sample's comments flagged by them with pandas (the reference)."""
    themes = tmp_path / "themes.yaml"
    themes.write_text("delivery:\n  en: [delivery, delivered, courier, parcel, package, late]\nrefund:\n  en: [refund, money back]\n", encoding="utf-8")
    frame = sample_frame()
    lower = frame["text"].str.lower()
    frame["delivery"] = lower.str.contains(r"\b(?:delivery|delivered|courier|parcel|package|late)\b") & frame["real"]
    frame["refund"] = lower.str.contains(r"\b(?:refund|money\s+back)\b") & frame["real"]
    return themes, frame


def test_by_and_period_shares_and_tests_match_pandas(tmp_path):
    themes, frame = _two_themes(tmp_path)
    result = invoke(["comments", str(SAMPLE), "--themes", str(themes), "--by", "Channel", "--period", "month", "-f", "json", "--no-terms"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    frame["month"] = frame["date"].str[:7]
    for key, rows in (("channel", doc["segments"]), ("month", doc["periods"])):
        expected, p = [], []
        groups = list(dict.fromkeys(frame.loc[frame["real"], key]))
        for group in groups:
            inside = frame["real"] & (frame[key] == group)
            outside = frame["real"] & (frame[key] != group)
            for theme in ("delivery", "refund"):
                x, n = int(frame.loc[inside, theme].sum()), int(inside.sum())
                rx, rn = int(frame.loc[outside, theme].sum()), int(outside.sum())
                expected.append((group, theme, n, x, 100 * x / n, 100 * rx / rn))
                p.append(p_value(x, n, rx, rn))
        got = sorted((r["segment"].get("Channel") or r["period"], r["theme"], r["comments"], r["mentions"], r["pct"], r["rest_pct"]) for r in rows)
        assert [g[:4] for g in got] == [e[:4] for e in sorted(expected)]
        assert [g[4:] for g in got] == [pytest.approx(e[4:]) for e in sorted(expected)]
        adjusted = dict(zip([(g, t) for g, t, *_ in expected], false_discovery_control(p)))
        for r in rows:
            assert r["p_adjusted"] == pytest.approx(adjusted[(r["segment"].get("Channel") or r["period"], r["theme"])])
    store_app = next(r for r in doc["segments"] if r["segment"] == {"Channel": "Store"} and r["theme"] == "delivery")
    assert not store_app["low_n"]
    months = [r["period"] for r in doc["periods"]]
    assert months[0] == "2026-01" and months[-1] == "2026-06"
    late = {r["period"]: r for r in doc["periods"] if r["theme"] == "delivery"}
    assert late["2026-06"]["pct"] > late["2026-01"]["pct"]  # the sample's new courier from May


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## `cxscore comments`"):]
    return re.findall(r"```\n(What .*?)```", section, re.S)[0]


def test_the_readme_example_is_the_output_and_its_delivery_row_is_pandas_arithmetic():
    result = invoke(["comments", str(SAMPLE), "--themes", str(STARTER), "--no-terms"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    shown = readme_example()
    table = result.stdout.split("Recent comments per theme")[0]
    assert [line.rstrip() for line in table.splitlines()] == [line.rstrip() for line in shown.split("Recent comments per theme")[0].splitlines()]
    # The delivery row, computed from the CSV with pandas alone
    frame = sample_frame()
    said = frame["real"]
    mentioned = frame["text"].str.lower().str.contains(DELIVERY) & said
    scored = frame["nps"].notna()

    def nps(rows) -> float:
        return 100 * ((frame.loc[rows, "nps"] >= 9).sum() - (frame.loc[rows, "nps"] <= 6).sum()) / rows.sum()

    detractors, promoters = said & (frame["nps"] <= 6), said & (frame["nps"] >= 9)
    cells = [f"{int(mentioned.sum()):,}", f"{100 * mentioned.sum() / said.sum():.1f}", f"{100 * (mentioned & detractors).sum() / detractors.sum():.1f}▲",
             f"{100 * (mentioned & promoters).sum() / promoters.sum():.1f}", f"{nps(mentioned & scored):+.1f}",
             f"{nps(scored) - nps(scored & ~mentioned):+.1f}"]
    row = next(line for line in shown.splitlines() if line.startswith("│delivery"))
    values = [c.strip() for c in row.strip("│").split("│")]
    assert [values[1], values[2], values[3], values[4], values[6], values[8]] == cells
    assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_every_format_and_the_workbook_say_the_same(tmp_path):
    out = tmp_path / "comments.xlsx"
    as_json = invoke(["comments", str(SAMPLE), "--themes", str(STARTER), "--period", "month", "-f", "json", "--output", str(out)])
    assert as_json.exit_code == 0, as_json.stderr
    doc = json.loads(as_json.stdout)
    as_csv = invoke(["comments", str(SAMPLE), "--themes", str(STARTER), "--period", "month", "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    overall = [r for r in rows if not r["period"]]
    assert [r["theme"] for r in overall] == [t["theme"] for t in doc["themes"]] + ["(untagged)"]
    assert float(overall[0]["value"]) == doc["themes"][0]["value"] and int(overall[-1]["mentions"]) == doc["untagged"]
    assert len([r for r in rows if r["period"]]) == len(doc["periods"]) == 6 * 7
    markdown = invoke(["comments", str(SAMPLE), "--themes", str(STARTER), "-f", "markdown"]).stdout
    assert "| delivery | 691 |" in markdown and "**Recent comments per theme**" in markdown
    book = load_workbook(out)
    assert book.sheetnames == ["Themes", "Distinctive terms", "Uncategorised sample"]
    sheet = book["Themes"]
    assert sheet["A2"].value == "delivery" and sheet["H2"].value == pytest.approx(doc["themes"][0]["value"])
    assert sheet["M2"].value == doc["themes"][0]["examples"][0]
    assert "2026-06" in [c.value for c in sheet["A"]]  # the share by period under the table
    terms_sheet = book["Distinctive terms"]
    assert terms_sheet["B2"].value == doc["terms"]["terms"][0]["term"]
    untagged = [c.value for c in book["Uncategorised sample"]["A"]][1:]
    assert untagged == doc["untagged_sample"] and len(untagged) == 50
    assert doc["terms"]["terms"][0]["group"] == "detractors" and doc["terms"]["terms"][0]["z"] > 1.96


def test_the_library_call_gives_the_command_s_document():
    run = analyse_comments(str(SAMPLE_ZH), options=Options(by=["渠道"]), themes=STARTER, terms=False)
    doc = invoke(["comments", str(SAMPLE_ZH), "--themes", str(STARTER), "--by", "渠道", "--no-terms", "-f", "json"]).stdout
    assert json.loads(doc)["themes"] == json.loads(json.dumps(run.to_dict()))["themes"]
    refund = next(t for t in run.report.themes if t.theme == "refund")
    frame = sample_frame(SAMPLE_ZH)
    expected = frame["text"].str.contains("退款|退货|退钱|到账|退换") & frame["real"]
    assert refund.mentions == int(expected.sum())


def test_guards_one_line_and_exit_2(tmp_path):
    data, _ = tiny_file(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("delivery:\n  enn: [late]\n", encoding="utf-8")
    result = invoke(["comments", str(data), "--themes", str(bad)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"error: {bad}: delivery.enn: unknown key; did you mean 'en'? — themes.example.yaml shows the form: theme: {{en: [...], zh: [...], exclude: [...]}}"]
    empty, themes = tiny_file(tmp_path, [("5", ""), ("9", "n/a"), ("10", "无")])
    result = invoke(["comments", str(empty), "--themes", str(themes)])
    assert result.exit_code == 2 and "no comments to analyse: column 'Comment'" in result.stderr and result.stdout == ""
    result = invoke(["comments", str(data), "--themes", str(themes), "--text", "Remarks"])
    assert result.exit_code == 2 and "--text: 'Remarks' is not a column" in result.stderr
    none, themes = tiny_file(tmp_path, themes="parking:\n  en: [parking]\n")
    result = invoke(["comments", str(none), "--themes", str(themes), "-f", "json"])
    assert result.exit_code == 0
    assert "no comment mentions any theme" in result.stderr
    assert any("no comment mentions any theme" in w for w in json.loads(result.stdout)["warnings"])
    result = invoke(["comments", str(data), "--no-terms"])
    assert result.exit_code == 2 and "nothing to show" in result.stderr and "--themes themes.yaml, or drop --no-terms" in result.stderr
    result = invoke(["comments", str(data), "-m", "csat"])
    assert result.exit_code == 2 and "--metric 'csat' is not one of the metrics found: nps" in result.stderr


def test_without_a_dictionary_only_terms_and_a_subprocess_keeps_exit_codes(tmp_path):
    result = run_process(["comments", str(SAMPLE), "-f", "json"])
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["themes"] == [] and doc["themes_file"] is None and doc["terms"]["terms"]
    assert "no --themes dictionary given" in result.stderr.decode()
    bad = tmp_path / "bad.yaml"
    bad.write_text("delivery: [late\n", encoding="utf-8")
    result = run_process(["comments", str(SAMPLE), "--themes", str(bad)])
    assert result.returncode == 2 and result.stdout == b"" and len(result.stderr.decode().strip().splitlines()) == 1
    assert b"Traceback" not in result.stderr


def test_table_fits_80_columns_with_by_and_period():
    result = invoke(["comments", str(SAMPLE), "--themes", str(STARTER), "--by", "Channel", "--period", "quarter"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Themes by Channel" in result.stdout and "Themes by quarter" in result.stdout and "Words that set detractors'" in result.stdout
    app_in_store = next(line for line in result.stdout.splitlines() if "Store" in line and "app and website" in line)
    assert "▼" in app_in_store  # the sample's app problems are App and Web ones


def test_match_on_the_sample_is_exactly_the_python_regex():
    frame = sample_frame()
    run = analyse_comments(str(SAMPLE), themes=STARTER, terms=False)
    delivery = next(t for t in run.report.themes if t.theme == "delivery")
    assert delivery.mentions == int((frame["text"].str.lower().str.contains(DELIVERY) & frame["real"]).sum())
    assert np.isclose(run.report.untagged_pct, 100 * run.report.untagged / run.report.comments)


def test_undated_comments_count_as_older_than_dated_ones_as_on_the_comments_sheet(tmp_path):
    dated, themes = tiny_file(tmp_path, [("3", "late from the dated file")])
    undated = tmp_path / "undated.csv"
    undated.write_text("How likely are you to recommend us?,Comment\n2,late one\n1,late two\n", encoding="utf-8")
    doc = json.loads(invoke(["comments", str(dated), str(undated), "--themes", str(themes), "-f", "json", "--no-terms"]).stdout)
    delivery = doc["themes"][0]
    assert delivery["mentions"] == 3
    assert delivery["examples"] == ["late from the dated file", "late two", "late one"]  # then the undated rows, the last first


def test_hostile_text_stays_text_in_every_output(tmp_path):
    data = tmp_path / "hostile.csv"
    rows = [["Channel", "How likely are you to recommend us?", "Comment"]]
    rows += [["=cmd|' /C calc'!A0", "2", '=HYPERLINK("http://x.example","late")'], ["Web", "9", "late \x1b[31mred\x1b[0m"]] * 3
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    _, themes = tiny_file(tmp_path)
    as_csv = invoke(["comments", str(data), "--themes", str(themes), "--by", "Channel", "-f", "csv", "--no-terms"]).stdout
    cells = [r["Channel"] for r in csv.DictReader(io.StringIO(as_csv)) if r["Channel"]]
    assert "'=cmd|' /C calc'!A0" in cells and "=cmd|' /C calc'!A0" not in cells
    raw = invoke(["comments", str(data), "--themes", str(themes), "--by", "Channel", "-f", "csv", "--no-terms", "--csv-raw"]).stdout
    assert "=cmd|' /C calc'!A0" in [r["Channel"] for r in csv.DictReader(io.StringIO(raw))]
    table = invoke(["comments", str(data), "--themes", str(themes), "--no-terms"]).stdout
    assert "\x1b" not in table and "\\x1b[31mred" in table
    out = tmp_path / "hostile.xlsx"
    assert invoke(["comments", str(data), "--themes", str(themes), "--no-terms", "-o", str(out)]).exit_code == 0
    examples = [c for c in load_workbook(out)["Themes"][2][12:15] if c.value]
    formula = next(c for c in examples if c.value.startswith("=HYPERLINK"))
    assert formula.data_type == "s" and formula.quotePrefix


def test_rows_without_a_usable_date_are_in_no_period_and_said(tmp_path):
    rows = [("2", "late"), ("9", "late again"), ("10", "great staff"), ("3", "late once more")]
    data, themes = tiny_file(tmp_path, rows)
    text = data.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(text[2].split(",")[0], "not a date")
    text[3] = text[3].replace(text[3].split(",")[0], "")
    data.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = invoke(["comments", str(data), "--themes", str(themes), "--period", "month", "--date-column", "Date", "-f", "json", "--no-terms"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["comments"] == 4 and doc["themes"][0]["mentions"] == 3  # every comment counts over all
    assert sum(r["comments"] for r in doc["periods"] if r["theme"] == "delivery") == 2  # only the dated ones are in a period
    assert all(r["period"] and r["period"][:4] == "2025" for r in doc["periods"])
    said = "1 date(s) in 'Date' not understood (e.g. 'not a date'); those rows are in no period"
    assert said in result.stderr and any(said in w for w in doc["warnings"])


def test_terms_that_set_nothing_apart_say_so_instead_of_printing_nothing(tmp_path):
    """A terms-only run whose bands use the same words printed an empty stdout with exit 0."""
    rows = ["NPS,Comment"] + [f"{score},the agent was helpful and the app was fine" for score in [0, 2, 4, 6, 9, 10] * 20]
    data = tmp_path / "same_words.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    doc = json.loads(invoke(["comments", str(data), "-f", "json"]).stdout)
    assert doc["terms"]["terms"] == [] and doc["terms"]["comments"] == [80, 40]
    for fmt in ("table", "markdown"):
        result = invoke(["comments", str(data), "-f", fmt], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "No word or phrase sets detractors' comments (80) apart from promoters' (40)" in result.stdout


def test_an_input_without_the_comment_column_is_skipped_with_a_warning_and_none_is_exit_2(tmp_path):
    data, themes = tiny_file(tmp_path)
    bare = tmp_path / "bare.csv"
    bare.write_text("Date,How likely are you to recommend us?\n2025-02-01,0\n2025-02-02,10\n", encoding="utf-8")
    alone = invoke(["comments", str(data), "--themes", str(themes), "--no-terms", "-f", "json"])
    result = invoke(["comments", str(data), str(bare), "--themes", str(themes), "--no-terms", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc, expected = json.loads(result.stdout), json.loads(alone.stdout)
    line = f"{bare}: no comment column found — input skipped, its rows are left out of the comments"
    assert f"warning: {line}" in result.stderr and line in doc["warnings"]
    assert doc["themes"] == expected["themes"] and doc["comments"] == 10 and doc["overall"] == expected["overall"]
    assert [(i["path"], i["skipped"]) for i in doc["inputs"]] == [(str(data), False), (str(bare), True)]
    named = invoke(["comments", str(bare), str(data), "--themes", str(themes), "--no-terms", "--text", "Comment"])
    assert named.exit_code == 0 and f"{bare}: the comment column 'Comment' is not one of its columns — input skipped" in named.stderr
    strict = invoke(["comments", str(data), str(bare), "--themes", str(themes), "--no-terms", "--strict"])
    assert strict.exit_code == 2 and "input skipped" in strict.stderr
    other = tmp_path / "other.csv"
    other.write_text("Date,How likely are you to recommend us?\n2025-02-03,7\n", encoding="utf-8")
    none = run_process(["comments", str(bare), str(other), "--themes", str(themes)])
    assert none.returncode == 2 and none.stdout == b"" and b"Traceback" not in none.stderr
    assert none.stderr.decode().strip().splitlines()[-1] == f"error: no comment column found in any of the 2 inputs ({bare}, {other}) (no header mentions comment, feedback, reason, why, 意见, 建议, 原因, 评论, …) — name it with --text COLUMN"
    piped = run_process(["comments", str(data), str(bare), "--themes", str(themes), "--no-terms", "-f", "csv"])
    assert piped.returncode == 0 and b"input skipped" in piped.stderr and piped.stdout.startswith(b"metric,")


def test_the_themes_sheet_shares_by_segment_and_by_period_are_the_json_s(tmp_path):
    out = tmp_path / "themes.xlsx"
    result = invoke(["comments", str(SAMPLE), "--themes", str(STARTER), "--by", "Channel", "--period", "quarter", "--no-terms", "-f", "json", "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    rows = list(load_workbook(out)["Themes"].iter_rows(values_only=True))
    names = [t["theme"] for t in doc["themes"]]
    for lead, shares, label in (("Channel", doc["segments"], lambda s: s["segment"]["Channel"]), ("Period", doc["periods"], lambda s: s["period"])):
        at = next(i for i, r in enumerate(rows) if r[0] == lead)
        assert list(rows[at][:2 + len(names)]) == [lead, "Comments", *(f"{n} %" for n in names)]
        end = next(i for i in range(at + 1, len(rows)) if rows[i][0] is None)  # the block ends at the blank row
        table = {r[0]: r for r in rows[at + 1:end]}
        for share in shares:
            row = table[label(share)]
            assert row[1] == share["comments"] and row[2 + names.index(share["theme"])] == pytest.approx(share["pct"])
        assert len({label(s) for s in shares}) == (3 if lead == "Channel" else 2)


def test_segment_by_period_shares_are_pandas_arithmetic_in_json_csv_table_and_workbook(tmp_path):
    themes, frame = _two_themes(tmp_path)
    out = tmp_path / "cells.xlsx"
    args = ["comments", str(SAMPLE), "--themes", str(themes), "--by", "Channel", "--period", "quarter", "--no-terms"]
    result = invoke([*args, "-f", "json", "--output", str(out)])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    month = frame["date"].str[5:7].astype(int)
    frame["quarter"] = frame["date"].str[:4] + "-Q" + ((month + 2) // 3).astype(str)
    real = frame[frame["real"]]
    expected, p = [], []
    for channel in dict.fromkeys(s["segment"]["Channel"] for s in doc["segments"]):  # segments in the segment rows' order, each one's quarters in time order
        for quarter in sorted(set(real.loc[real["channel"] == channel, "quarter"])):
            inside = (real["channel"] == channel) & (real["quarter"] == quarter)
            for theme in ("delivery", "refund"):
                x, n = int(real.loc[inside, theme].sum()), int(inside.sum())
                rx, rn = int(real.loc[~inside, theme].sum()), int((~inside).sum())
                expected.append(({"Channel": channel}, quarter, theme, n, x))
                p.append(p_value(x, n, rx, rn))
    cells = doc["cells"]
    assert [(c["segment"], c["period"], c["theme"], c["comments"], c["mentions"]) for c in cells] == expected
    assert [c["p_adjusted"] for c in cells] == pytest.approx(list(false_discovery_control(p)))
    assert sum(c["comments"] for c in cells if c["theme"] == "delivery") == len(real)
    first = cells[0]
    rows = list(csv.DictReader(io.StringIO(invoke([*args, "-f", "csv"]).stdout)))
    both = [r for r in rows if r["Channel"] and r["period"]]
    assert len(both) == len(cells) and (both[0]["Channel"], both[0]["period"], float(both[0]["pct"])) == (first["segment"]["Channel"], first["period"], pytest.approx(first["pct"]))
    shown = invoke([*args, "-f", "markdown"]).stdout
    assert "Themes by Channel × quarter" in shown and f"| {first['segment']['Channel']} | {first['period']} | {first['theme']} | {first['comments']:,} |" in shown
    sheet = list(load_workbook(out)["Themes"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(sheet) if r[:2] == ("Channel", "Period"))
    assert list(sheet[at][:5]) == ["Channel", "Period", "Comments", "delivery %", "refund %"]
    grid = {(r[0], r[1]): r for r in sheet[at + 1:] if r[0] is not None}
    for c in cells:
        row = grid[(c["segment"]["Channel"], c["period"])]
        assert row[2] == c["comments"] and row[3 + ["delivery", "refund"].index(c["theme"])] == pytest.approx(c["pct"])


def test_csv_without_a_theme_dictionary_is_the_distinctive_terms_as_in_json():
    """It was a lone header row with exit 0: without --themes the terms are the answer, so the CSV has them."""
    as_csv = invoke(["comments", str(SAMPLE), "-f", "csv", "-q"])
    as_json = invoke(["comments", str(SAMPLE), "-f", "json", "-q"])
    assert as_csv.exit_code == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    terms = json.loads(as_json.stdout)["terms"]["terms"]
    assert len(rows) == len(terms) > 0
    assert [(r["metric"], r["group"], r["term"], int(r["words"]), float(r["z"]), int(r["count"]), int(r["count_other"])) for r in rows] == [
        ("nps", t["group"], t["term"], t["words"], t["z"], t["count"], t["count_other"]) for t in terms]
    assert {"detractors", "promoters"} == {r["group"] for r in rows}


def test_captions_explain_only_the_marks_their_tables_show(tmp_path):
    """As a breakdown's caption (user pass): 'Dim rows' only under a table with a dim row, ▲ / ▲▼ only when a share is marked."""
    data, themes = tiny_file(tmp_path)
    tiny = invoke(["comments", str(data), "--themes", str(themes), "--no-terms", "--period", "month", "-f", "md"])
    assert tiny.exit_code == 0, tiny.stderr
    theme_caption, share_caption = [line for line in tiny.stdout.splitlines() if line.startswith(("_Overall", "_Others"))]
    # 11 scored rows: every theme and period is under 30 (italic in Markdown, so said so), and nothing is significant
    assert "Italic rows: fewer than 30 scored mentions." in theme_caption and "italic rows: fewer than 30 comments" in share_caption
    assert "dim rows" not in tiny.stdout.lower()
    assert "▲" not in theme_caption and "adjusted across the themes; none is below 0.05)" in theme_caption
    assert "▲▼" not in share_caption and "none is below 0.05" in share_caption
    sample = invoke(["comments", str(SAMPLE), "--themes", str(STARTER), "--no-terms", "--by", "Channel", "-f", "md"])
    assert sample.exit_code == 0, sample.stderr
    theme_caption, share_caption = [line for line in sample.stdout.splitlines() if line.startswith(("_Overall", "_Others"))]
    # every theme has 98 or more scored mentions and every channel 300 or more comments; delivery and others are marked
    assert "▲ marks the larger share where p < 0.05" in theme_caption and "rows:" not in theme_caption
    assert "▲▼ significantly more or less" in share_caption and "rows:" not in share_caption


def test_comments_are_read_in_this_process_without_forking_workers(tmp_path, monkeypatch):
    """A comments run reads its inputs in its own process, part after part, even with two cores and a file cut
    in parts: a forked worker cost more page faults (about 0.3 s of system time on 1M comments) than it saved.
    Same figures as one part."""
    import cxscore.comment_analysis as analysis
    import cxscore.scan as scan

    data, themes = tiny_file(tmp_path, TINY * 40)
    whole = analyse_comments(str(data), themes=str(themes), terms=False).to_dict()
    monkeypatch.setenv("CXSCORE_WORKERS", "2")
    monkeypatch.setattr(analysis, "MIN_PART_BYTES", 1024)
    monkeypatch.setattr(scan, "ProcessPoolExecutor", lambda *a, **k: pytest.fail("a worker process was started"))
    assert analyse_comments(str(data), themes=str(themes), terms=False).to_dict() == whole
    assert analyse_comments(str(data), themes=str(themes), terms=False, processes=3).to_dict() == whole
