"""``cxscore inspect``'s plan names the columns each KPI reads as the scoring run reads them.

Before, ``plan.metrics[].columns`` held the kind's role names (``numerator``, ``denominator``, ``average``,
``@wait.start``) for the summary-row kinds and waits, only the first column of a duration summed from parts
or between two timestamps, and ``plan.not_used`` listed the columns the KPIs do read (all of an interval
report's). The reference is ``score -f json``'s ``metrics[].column``, what the run itself read.
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, invoke
from test_helpdesk_intervals import HELPSCOUT_REPORT, INTERVAL_REPORT
from test_helpdesk_layouts import GENESYS

CASES = {
    "interval_report": INTERVAL_REPORT,
    "helpscout": HELPSCOUT_REPORT,
    "genesys": GENESYS,
    "amazon_connect": (ROOT / "sample_data" / "calls.csv").read_text(encoding="utf-8"),
    "zendesk": (ROOT / "sample_data" / "tickets_zendesk.csv").read_text(encoding="utf-8"),
}


@pytest.mark.parametrize("layout", list(CASES))
def test_inspect_plan_columns_are_the_columns_score_reads(tmp_path, layout):
    path = tmp_path / "export.csv"
    path.write_text(CASES[layout], encoding="utf-8")
    inspected = invoke(["inspect", str(path), "-f", "json"])
    scored = invoke(["score", str(path), "-f", "json", "-q"])
    assert inspected.exit_code == 0 and scored.exit_code == 0, inspected.stderr + scored.stderr
    plan = json.loads(inspected.stdout)["plan"]
    assert plan["platform"] and json.loads(inspected.stdout)["layout"] == layout
    read = {m["name"]: m["column"] for m in json.loads(scored.stdout)["metrics"]}
    planned = {m["name"]: ", ".join(m["columns"]) for m in plan["metrics"]}
    assert planned == read
    used = {column for m in plan["metrics"] for column in m["columns"]}
    assert not used & set(plan["not_used"]), plan["not_used"]


def test_inspect_table_lists_an_interval_reports_unused_columns_only(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    result = invoke(["inspect", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "not used:" in line)
    assert line.split("not used:", 1)[1].strip() == "'Interval End', 'Queue', 'Service Level %'"  # Interval Start is the date column


def test_inspect_takes_quiet_and_a_case_insensitive_format(tmp_path):
    """inspect -q hides its messages (``wrote FILE``) as every command's -q does; -f MARKDOWN is read as markdown."""
    from conftest import ROOT, invoke

    out = tmp_path / "c.yaml"
    result = invoke(["inspect", str(ROOT / "sample_data" / "calls.csv"), "--write-config", str(out), "-q", "-f", "MARKDOWN"])
    assert result.exit_code == 0, result.stderr
    assert out.exists() and "wrote" not in result.stderr and result.stdout.strip()


def test_inspect_wraps_each_plan_item_with_a_hanging_indent():
    """A plan item that wraps went on at column 0, so the next item's start was hard to find (user
    pass, item d): its lines now go on 2 cells further in than it starts, within the width."""
    from rich.cells import cell_len

    out = invoke(["inspect", str(ROOT / "sample_data" / "tickets_zendesk.csv")], env={"COLUMNS": "80"}).stdout
    plan = out.split("would do with no config:\n", 1)[1].splitlines()
    items = [line for line in plan if line.startswith("  ") and not line.startswith("    ")]
    going_on = [line for line in plan if line.startswith("    ")]
    assert len(items) >= 10 and len(going_on) >= 10 and len(items) + len(going_on) == len(plan), plan
    assert any(line.startswith("  not used: ") for line in items) and all(cell_len(line) <= 80 for line in plan)
    recognised = out.split("Zendesk Support ticket export", 1)[1].split("\nColumns (roles", 1)[0].splitlines()[1:]
    assert recognised and all(line.startswith("  ") for line in recognised)  # the head's notes hang too


def test_inspect_markdown_is_a_markdown_table_and_list():
    """``inspect -f md`` printed the Rich table (box drawing, cut headers) as if it were Markdown: now
    the head lines are paragraphs, the columns a GitHub table with one row per column (headers whole,
    pipes escaped), and the zero-config plan a list, as ``-f json`` holds them."""
    path = ROOT / "sample_data" / "survey_export.csv"
    result = invoke(["inspect", str(path), "-f", "md"], env={"COLUMNS": "80"})
    doc = json.loads(invoke(["inspect", str(path), "-f", "json"]).stdout)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert not any(ch in result.stdout for ch in "┏┃│└━")
    header = lines.index("| Column | Role | Why | Top values |")
    assert lines[header - 2] == "**Columns (roles guessed from the first rows)**" and lines[header + 1] == "|---|---|---|---|"
    rows = lines[header + 2 : header + 2 + len(doc["columns"])]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == [c["column"] for c in doc["columns"]]
    assert lines[header + 2 + len(doc["columns"])] == ""
    plan = lines[lines.index("What `cxscore score` would do with no config:") + 2 :]
    assert plan[0] == "- nps ← 'How likely are you to recommend Acme to a friend or colleague?': question mentions 'recommend'; scale 0–10 (from the values)"
    assert all(line.startswith("- ") for line in plan) and plan[-1].startswith("- comments: 'Comment'")


@pytest.mark.parametrize("repeats, said", [(0, "unique per response"), (14, "mostly unique: 14 value(s) repeated, on 28 of the 200 sampled rows"),
                                           (100, "NOT unique: 100 value(s) repeated, on 200 of the 200 sampled rows")])
def test_an_id_column_is_called_unique_only_when_its_values_are(tmp_path, repeats, said):
    """A 问卷星 download whose 序号 repeats (its top values show '2 ×2') was still called 'unique per
    response': the claim came from the header alone. It is now checked against the sampled values."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "提交答卷时间", "所用时间", "来源", "1、您向朋友推荐我们的可能性有多大？"])
    ids = [k // 2 + 1 if k < 2 * repeats else k - repeats + 1 for k in range(200)]  # the first `repeats` ids twice each
    for k, row_id in enumerate(ids):
        sheet.append([row_id, f"2025/3/{1 + k % 28} 9:05:11", "30秒", "手机提交", f"{k % 11}分"])
    workbook.save(tmp_path / "wjx.xlsx")
    result = invoke(["inspect", str(tmp_path / "wjx.xlsx"), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    column = next(c for c in doc["columns"] if c["column"] == "序号")
    assert doc["layout"] == "wjx" and column["role"] == "id" and column["why"] == said
    assert (column["top_values"][0][1] > 1) == bool(repeats)
