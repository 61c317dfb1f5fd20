"""Several inputs together: each file read on its own terms (layout, header rows, option-position
shift, encoding, delimiter, stated scale), the same file never counted twice, and response ids
repeated across files said."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from cxscore.config import validate_config
from cxscore.errors import InputError
from cxscore.inputs import repeated_ids
from cxscore.pipeline import Options, score
from cxscore.sources import open_source
from conftest import csv_text, invoke

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "wjx"
needs_real = pytest.mark.skipif(not REAL.exists(), reason="the shared real exports are not beside this checkout")

Q15 = "15、您对本次服务整体的满意度如何?(以0-10分为标准,0分为最低,10分为最高) (单选题 *必答)"
WJX = ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的性别", Q15]


def wjx_by_text(tmp_path: Path) -> Path:
    """问卷星's download by option text, as GB18030 with semicolons: answers 2分, 3分, 4分 (mean 3.0) and one skipped."""
    rows = [WJX] + [[str(i + 1), f"2025/3/{i + 1} 10:00:00", "60秒", "微信", "N/A", "1.2.3.4(上海)", "男", answer] for i, answer in enumerate(["2分", "3分", "4分", "(跳过)"])]
    path = tmp_path / "按选项文本.csv"
    path.write_bytes(csv_text(rows, ";").encode("gb18030"))
    return path


def wjx_by_position(tmp_path: Path) -> Path:
    """The download by option position, as UTF-8 with commas: options 3, 4, 5 are the scores 2, 3, 4 (mean 3.0); -3 is skipped."""
    rows = [WJX] + [[str(i + 11), f"2025/4/{i + 1} 10:00:00", "60秒", "微信", "N/A", "1.2.3.4(上海)", "1", answer] for i, answer in enumerate(["3", "4", "5", "-3"])]
    path = tmp_path / "按选项序号.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def file_means(report) -> dict[str, float]:
    return {row.segment["file"]: row.components["mean"] for row in report.results if row.segment}


CONFIG = validate_config({"metrics": [{"name": "csat", "type": "csat", "column": {"match": "满意度"}, "scale": [0, 10], "satisfied": [9, 10], "dissatisfied": [0, 6]}]})


@pytest.mark.parametrize("config", [None, CONFIG], ids=["detected", "configured"])
@pytest.mark.parametrize("text_first", [True, False], ids=["text-first", "position-first"])
def test_each_wjx_download_gets_its_own_position_shift_in_either_order(tmp_path, text_first, config):
    """In worker processes, each file cut into parts: every part reads with its own file's decisions."""

    text, position = wjx_by_text(tmp_path), wjx_by_position(tmp_path)
    assert all(len(open_source(str(p)).parts(3, min_bytes=64)) > 1 for p in (text, position))
    paths = [text, position] if text_first else [position, text]
    report = score([str(p) for p in paths], config, Options(by=["file"]), processes=3, part_bytes=64)
    assert file_means(report) == {text.name: 3.0, position.name: 3.0}
    overall = next(row for row in report.results if not row.segment)
    assert (overall.n, overall.blank, overall.invalid, overall.components["mean"]) == (6, 2, 0, 3.0)
    inputs = {Path(i.path).name: i for i in report.inputs}
    assert (inputs[text.name].option_positions, inputs[text.name].metrics["csat"]) == (False, {"column": Q15, "offset": 0})
    assert (inputs[position.name].option_positions, inputs[position.name].metrics["csat"]) == (True, {"column": Q15, "offset": -1})
    assert (inputs[text.name].encoding, inputs[text.name].delimiter) == ("gb18030", ";")
    assert (inputs[position.name].encoding, inputs[position.name].delimiter) == ("utf-8", ",")


def test_per_file_decisions_are_in_the_json_and_said_on_stderr(tmp_path):
    text, position = wjx_by_text(tmp_path), wjx_by_position(tmp_path)
    result = invoke(["score", str(text), str(position), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert f"{position}: csat read with option positions shifted by -1 (问卷星 download by option position)" in result.stderr
    inputs = json.loads(result.stdout)["inputs"]
    assert [(i["option_positions"], i["metrics"]["csat"]["offset"], i["encoding"], i["delimiter"]) for i in inputs] == [(False, 0, "gb18030", ";"), (True, -1, "utf-8", ",")]
    assert "Chinese" in inputs[0]["encoding_reason"] and inputs[1]["encoding_reason"] == "valid UTF-8"


def test_a_configured_offset_does_not_apply_to_a_download_by_option_text(tmp_path):
    config = validate_config({"metrics": [{"type": "csat", "column": {"match": "满意度"}, "scale": [0, 10], "satisfied": [9, 10], "dissatisfied": [0, 6], "offset": -1}]})
    text, position = wjx_by_text(tmp_path), wjx_by_position(tmp_path)
    report = score([str(text), str(position)], config, Options(by=["file"]))
    assert file_means(report) == {text.name: 3.0, position.name: 3.0}
    assert [i.metrics["csat"]["offset"] for i in report.inputs] == [0, -1]


def qualtrics(tmp_path: Path, name: str, question: str, answers: list[str]) -> Path:
    rows = [["ResponseId", "Q1"], ["Response ID", question], ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}']]
    rows += [[f"{name}{i}", a] for i, a in enumerate(answers)]
    path = tmp_path / f"{name}.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def test_files_whose_questions_state_different_scales_are_refused(tmp_path):
    five = qualtrics(tmp_path, "a", "How satisfied were you (1-5)?", ["4", "5", "3"])
    seven = qualtrics(tmp_path, "b", "How satisfied were you (1-7)?", ["6", "7", "7"])
    with pytest.raises(InputError) as error:
        score([str(five), str(seven)])
    assert error.value.message == f"{seven}: the question of 'Q1' states a 1–7 scale, but csat is scored on 1–5 (as detected in {five})"
    assert "separately" in error.value.hint
    result = invoke(["score", str(five), str(seven)])
    assert result.exit_code == 2 and "states a 1–7 scale" in result.stderr and result.stdout == ""
    same = qualtrics(tmp_path, "c", "How satisfied were you (1-5)?", ["1", "2"])
    assert score([str(five), str(same)]).results[0].n == 5


@needs_real
@pytest.mark.parametrize("text_first", [True, False], ids=["text-first", "position-first"])
def test_the_real_wjx_downloads_together_in_either_order(text_first):
    text, position = REAL / "wjx_0to10_text.xls", REAL / "wjx_0to10_numeric.xls"
    paths = [text, position] if text_first else [position, text]
    report = score([str(p) for p in paths], options=Options(by=["file"]))
    q15 = next(m for m in report.metrics if m.column.startswith("15、"))
    means = {row.segment["file"]: row.components["mean"] for row in report.results if row.segment and row.metric == q15.name}
    assert means == {text.name: 3.0, position.name: 3.0}
    assert {Path(i.path).name: i.metrics[q15.name]["offset"] for i in report.inputs} == {text.name: 0, position.name: -1}
    assert any("4 response id(s) in '序号' appear in more than one input" in w for w in report.warnings)


def test_the_same_file_given_twice_or_copied_is_read_once(tmp_path, write_csv):
    path = write_csv([["Response ID", "Satisfaction"], ["1", "5"], ["2", "1"], ["3", "4"]])
    copy = tmp_path / "copy of export.csv"
    shutil.copyfile(path, copy)
    report = score([str(path), str(copy), str(path)])
    assert [i.path for i in report.inputs] == [str(path)]
    assert report.results[0].n == 3
    assert f"{copy} has the same content as {path}: read once (scoring it twice would count every response twice)" in report.warnings
    assert f"{path} given twice: read once (scoring it twice would count every response twice)" in report.warnings
    result = invoke(["score", str(path), str(copy), "-f", "json"])
    assert result.exit_code == 0
    assert f"warning: {copy} has the same content as {path}" in result.stderr
    assert json.loads(result.stdout)["results"][0]["n"] == 3


def test_files_of_the_same_size_with_different_content_are_both_read(tmp_path, write_csv):
    first = write_csv([["Satisfaction"], ["5"], ["1"]], name="jan.csv")
    second = write_csv([["Satisfaction"], ["4"], ["2"]], name="feb.csv")
    assert first.stat().st_size == second.stat().st_size
    report = score([str(first), str(second)])
    assert report.results[0].n == 4 and report.warnings == []


def test_response_ids_repeated_across_files_are_counted_with_the_dedupe_hint(tmp_path, write_csv):
    """Counted over whole files, also when a file is cut into parts for workers; never within one file."""

    big = write_csv([["Response ID", "Satisfaction"]] + [[f"R{i:05d}", str(i % 5 + 1)] for i in range(4000)], name="jan.csv")
    later = write_csv([["Response ID", "Satisfaction"], [" R00007 ", "5"], ["R03999", "4"], ["R99999", "3"], ["", "2"], ["R00007", "1"]], name="feb.csv")
    report = score([str(big), str(later)], processes=3, part_bytes=10_000)
    warning = (
        f"2 response id(s) in 'Response ID' appear in more than one input ({big}, {later}; e.g. 'R00007'): "
        "the same responses may be counted twice; --dedupe 'Response ID' keeps each respondent's latest answer"
    )
    assert [w for w in report.warnings if "more than one input" in w] == [warning]
    assert report.results[0].n == 4005  # warned, not dropped
    deduped = score([str(big), str(later)], options=Options(dedupe="Response ID"), processes=3, part_bytes=10_000)
    assert not any("more than one input" in w for w in deduped.warnings) and deduped.results[0].n == 4002
    assert not any("more than one input" in w for w in score([str(big)], processes=3, part_bytes=10_000).warnings)


def test_disjoint_ids_are_not_warned_about(write_csv):
    first = write_csv([["Response ID", "Satisfaction"], ["a1", "5"], ["a2", "4"]], name="a.csv")
    second = write_csv([["Response ID", "Satisfaction"], ["b1", "5"], ["b2", "1"]], name="b.csv")
    assert score([str(first), str(second)]).warnings == []


def test_repeated_ids_count_each_id_once_however_often_and_wherever_it_repeats():
    ids = {"id": {"a.csv": [pa.array(["1", "2", "2", "3"])], "b.csv": [pa.array(["2", "4"]), pa.array(["5", "6", "6"])], "c.csv": [pa.array(["1", "9"])]}}
    assert repeated_ids(ids) == [
        "2 response id(s) in 'id' appear in more than one input (a.csv, b.csv, c.csv; e.g. '1'): "
        "the same responses may be counted twice; --dedupe 'id' keeps each respondent's latest answer"
    ]
    assert repeated_ids({"id": {"a.csv": [pa.array(["1", "1"])], "b.csv": [pa.array(["2"])]}}) == []


def test_strict_fails_on_ids_repeated_across_inputs_and_on_a_guessed_encoding(tmp_path, write_csv):
    first = write_csv([["Response ID", "Satisfaction"], ["a1", "5"], ["a2", "4"]], name="a.csv")
    second = write_csv([["Response ID", "Satisfaction"], ["a2", "4"], ["b1", "1"]], name="b.csv")
    result = invoke(["score", str(first), str(second), "--strict", "-q"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "1 response id(s) in 'Response ID' appear in more than one input" in result.stderr and "--dedupe COLUMN" in result.stderr
    assert invoke(["score", str(first), str(second), "--strict", "-q", "--dedupe", "Response ID"]).exit_code == 0
    russian = tmp_path / "ru.csv"
    russian.write_bytes("Клиент,Satisfaction\nОчень доволен,5\nНедоволен,1\n".encode("cp1251"))
    result = invoke(["score", str(russian), "--strict", "-q"])
    assert result.exit_code == 2 and "text encoding guessed as cp1251" in result.stderr and "confirm a guessed encoding with --encoding" in result.stderr
    assert invoke(["score", str(russian), "--strict", "-q", "-e", "cp1251"]).exit_code == 0


def test_layout_header_rows_encoding_and_delimiter_are_each_files_own(tmp_path, write_csv):
    """A guard: a Qualtrics TSV (three header rows), a GBK CSV and a UTF-16 file scored together."""
    rows = [["ResponseId", "Q1"], ["Response ID", "How satisfied were you?"], ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}'], ["R_1", "5"], ["R_2", "4"]]
    qualtrics_tsv = write_csv(rows, name="q.tsv", delimiter="\t")
    gbk = write_csv([["编号", "How satisfied were you?"], ["1", "非常满意"], ["2", "不满意"]], name="gbk.csv", encoding="gbk")
    utf16 = write_csv([["id", "How satisfied were you?"], ["9", "3"]], name="u16.csv", encoding="utf-16", delimiter=";")
    config = validate_config({"metrics": [{"type": "csat", "column": {"match": "satisfied"}}]})
    report = score([str(qualtrics_tsv), str(gbk), str(utf16)], config)
    decided = [(i.layout, i.header_rows, i.encoding, i.delimiter, i.rows, i.metrics["csat"]["column"]) for i in report.inputs]
    assert decided == [
        ("qualtrics", 3, "utf-8", "\t", 2, "Q1"),
        ("generic", 1, "gb18030", ",", 2, "How satisfied were you?"),
        ("generic", 1, "utf-16", ";", 1, "How satisfied were you?"),
    ]
    assert (report.results[0].n, report.results[0].components["mean"]) == (5, pytest.approx((5 + 4 + 5 + 2 + 3) / 5))


def test_a_metric_a_later_file_adds_is_detected_there_not_silently_dropped(write_csv):
    """January asked NPS and satisfaction; February added an ease question and a second satisfaction question."""
    jan = write_csv([["How likely to recommend us?", "Satisfaction"], ["10", "5"], ["6", "2"]], name="jan.csv")
    feb = write_csv([["Satisfaction with delivery", "How easy was it?", "How likely to recommend us?", "Satisfaction"], ["4", "7", "9", "4"], ["5", "6", "3", "1"], ["5", "7", "10", "5"]], name="feb.csv")
    report = score([str(jan), str(feb)])
    rows = {row.metric: row for row in report.results}
    assert {name: rows[name].n for name in rows} == {"nps": 5, "csat": 5, "csat_2": 3, "ces": 3}
    described = {m.name: (m.column, m.selected_by) for m in report.metrics}
    assert described["csat_2"][0] == "Satisfaction with delivery" and described["csat_2"][1].endswith(f"first found in {feb}")
    assert described["csat"][0] == "Satisfaction" and "first found" not in described["csat"][1]
    assert any(w.startswith(f"ces: {jan} has no column for it") for w in report.warnings)
    assert [sorted(i.metrics) for i in report.inputs] == [["csat", "nps"], ["ces", "csat", "csat_2", "nps"]]


def test_an_empty_first_sheet_is_refused_naming_the_workbook_s_other_sheets(tmp_path):
    # A dashboard workbook (its pivot sheet first, the calls on 'Sheet1'): 'sheet 'Sheet2' is empty — choose the
    # sheet with the responses using --sheet', with nothing to say which sheets there are.
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Sheet2"
    data = book.create_sheet("Sheet1")
    for row in (["id", "How satisfied were you?"], ["1", "5"], ["2", "4"]):
        data.append(row)
    book.create_sheet("project")
    path = tmp_path / "dashboard.xlsx"
    book.save(path)
    result = invoke(["score", str(path)])
    assert result.exit_code == 2
    assert "is empty — choose the sheet with the responses using --sheet (the workbook's other sheets: 'Sheet1', 'project')" in " ".join(result.stderr.split())
    assert invoke(["score", str(path), "--sheet", "Sheet1", "-q"]).exit_code == 0
