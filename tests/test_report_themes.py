"""`cxscore report --themes FILE`: the comment sheets of `cxscore comments --output` (Themes, Distinctive
terms, Uncategorised sample) inside the report, before Data quality, with the report's --by/--period;
Chinese sheet names with --lang zh; standard input and --tallies refused in one line."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from conftest import ROOT, invoke, run_process

COMMENTS = ROOT / "sample_data" / "comments_export.csv"
STARTER = ROOT / "themes.example.yaml"


def test_the_report_gets_the_sheets_cxscore_comments_writes_with_its_breakdown(tmp_path):
    target = tmp_path / "report.xlsx"
    result = invoke(["report", str(COMMENTS), "--themes", str(STARTER), "--by", "Channel", "--period", "quarter", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert "Themes sheets: 7 themes over" in result.stderr and "column 'Why did you give this score?'" in result.stderr
    assert result.stderr.count("comments: column") == 1  # the second reading says nothing more
    names = load_workbook(target).sheetnames
    at = names.index("Themes")
    assert names[at:at + 3] == ["Themes", "Distinctive terms", "Uncategorised sample"] and names.index("Data quality") > at + 2
    doc = json.loads(invoke(["comments", str(COMMENTS), "--themes", str(STARTER), "--by", "Channel", "--period", "quarter", "-f", "json"]).stdout)
    ws = load_workbook(target)["Themes"]
    rows = list(ws.iter_rows(min_row=2, max_row=1 + len(doc["themes"]), max_col=8, values_only=True))
    assert [(r[0], r[1], r[7]) for r in rows] == [(t["theme"], t["mentions"], pytest.approx(t["value"])) for t in doc["themes"]]
    leads = [r[:2] for r in ws.iter_rows(values_only=True)]
    assert ("Channel", "Comments") in leads and ("Period", "Comments") in leads and ("Channel", "Period") in leads  # segment, period, segment × period
    assert load_workbook(target)["Uncategorised sample"]["A2"].value == doc["untagged_sample"][0]


def test_chinese_sheet_names_and_refusals_in_one_line(tmp_path):
    target = tmp_path / "报告.xlsx"
    result = invoke(["report", str(COMMENTS), "--themes", str(STARTER), "--lang", "zh", "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert {"主题", "区分词", "未归类评论"} <= set(load_workbook(target).sheetnames)
    piped = run_process(["report", "-", "--themes", str(STARTER), "-o", str(tmp_path / "x.xlsx")], input=COMMENTS.read_bytes())
    assert piped.returncode == 2 and b"Traceback" not in piped.stderr
    assert piped.stderr.decode().strip().splitlines()[-1].startswith("error: the theme sheets read the inputs a second time, and standard input can be read once")
    bad = tmp_path / "bad.yaml"
    bad.write_text("delivery:\n  enn: [late]\n", encoding="utf-8")
    refused = invoke(["report", str(COMMENTS), "--themes", str(bad), "-o", str(tmp_path / "y.xlsx")])
    assert refused.exit_code == 2 and "delivery.enn: unknown key" in refused.stderr and not (tmp_path / "y.xlsx").exists()
