"""Rows and answers that were lost or misread without a word: an unclosed quote, Excel error cells."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cxscore import score
from cxscore.records import InputInfo
from conftest import invoke, run_process

HEAD = "id,channel,How likely are you to recommend us?\n"


def test_an_unclosed_quote_is_an_error_naming_its_line(tmp_path):
    # 6 data rows, one with `"Chat,8`: the JSON said rows 1, malformed 1, and 5 responses were lost, exit 0.
    path = tmp_path / "q.csv"
    path.write_text(HEAD + '1,Chat,9\n2,"Chat,8\n3,Email,7\n4,Phone,6\n5,Chat,10\n6,Web,3\n', encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"error: {path}: a quote opened in line 3 is never closed ('2,\"Chat,8'), so lines 4 to 7 would be read as one answer and lost" in result.stderr


def test_an_unclosed_quote_on_standard_input_shows_the_record(tmp_path):
    body = HEAD + '1,Chat,9\n2,"Chat,8\n3,Email,7\n4,Phone,6\n'
    result = run_process(["score", "-", "-q"], input=body.encode())
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: <stdin>: a quote opened in the record '2,\"Chat,8' is never closed, so the 2 line(s) after it")


def _rows_and_malformed(tmp_path, body: str) -> tuple[int, int, int]:
    """Exit code, rows read and malformed rows of a JSON run on ``body`` under the usual header."""
    path = tmp_path / "q.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json", "-q"])
    info = json.loads(result.stdout)["inputs"][0]
    return result.exit_code, info["rows"], info["malformed_rows"]


def test_an_unclosed_quote_on_the_last_line_costs_that_row_only(tmp_path):
    assert _rows_and_malformed(tmp_path, '1,Chat,9\n2,Email,7\n3,"Chat,8\n') == (0, 2, 1)


def test_a_closed_multiline_field_in_a_malformed_row_stays_one_counted_row(tmp_path):
    assert _rows_and_malformed(tmp_path, '1,Chat,9\n2,"a long\ncomment",8,extra\n3,Email,7\n') == (0, 2, 1)


def test_an_unclosed_quote_in_the_last_column_is_warned_about_and_fails_strict(tmp_path):
    # The quote opens the last field, so every field count is right: rows 2, malformed 0, exit 0 and
    # four responses gone without a word, also under --strict.
    path = tmp_path / "q.csv"
    path.write_text('id,How likely are you to recommend us?,channel\n1,9,Web\n2,7,"Chat,8\n3,10,Web\n4,3,Web\n5,9,Web\n6,0,Web\n', encoding="utf-8")
    doc = json.loads(invoke(["score", str(path), "-f", "json", "-q"]).stdout)
    assert doc["inputs"][0]["rows"] == 2 and doc["inputs"][0]["unpaired_quotes"] == 1
    assert any("its quote characters do not pair up" in w and "(2 rows were read)" in w for w in doc["warnings"])
    strict = run_process(["score", str(path), "--strict", "-q"])
    assert strict.returncode == 2 and b"do not pair up" in strict.stderr


def test_paired_quotes_raise_no_doubt_whatever_they_hold(tmp_path):
    """Escaped quotes, quoted line breaks and delimiters, a file cut into parts for workers: no warning."""
    rows = "".join(f'{i},{i % 11},"said ""hi"", then\nleft, {i}"\n' for i in range(400))
    path = tmp_path / "ok.csv"
    path.write_text("id,How likely are you to recommend us?,comment\n" + rows, encoding="utf-8")
    doc = score([str(path)], processes=2, part_bytes=2_000).to_dict()
    assert doc["inputs"][0]["rows"] == 400 and doc["inputs"][0]["unpaired_quotes"] == 0 and doc["warnings"] == []
    wide = tmp_path / "wide.csv"  # UTF-16: a code unit may hold the byte of a quote; not counted
    wide.write_text("id,How likely are you to recommend us?\n" + "".join(f"{i},{i % 11}\n" for i in range(50)) + "1,\u0122\n", encoding="utf-16")
    assert json.loads(invoke(["score", str(wide), "-f", "json", "-q"]).stdout)["inputs"][0]["unpaired_quotes"] == 0


EXCEL_ERRORS = ["#DIV/0!", "#N/A", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]


def error_workbook(path, first_cell_row: int = 1, sheet_first: bool = False):
    """A workbook whose NPS column holds numbers, blanks and every Excel error (cells of type e), in
    a sheet whose data starts at column B, row ``first_cell_row``, optionally behind another sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    other = wb.active
    other.title = "Notes"
    other["A1"] = "nothing here"
    ws = wb.create_sheet("Responses", 0 if sheet_first else 1)
    top = first_cell_row
    ws.cell(top, 2, "channel")
    ws.cell(top, 3, "How likely are you to recommend us?")
    values = [9, 10, None, *EXCEL_ERRORS, 3, 7]
    for i, value in enumerate(values, start=top + 1):
        ws.cell(i, 2, ["Chat", "Email"][i % 2])
        cell = ws.cell(i, 3, value)
        if isinstance(value, str):
            cell.data_type = "e"
    wb.save(path)
    return path


def test_excel_error_cells_are_invalid_answers_with_their_text(tmp_path):
    # They were counted blank (and passed --strict), while the same text in a CSV is invalid.
    path = error_workbook(tmp_path / "e.xlsx", sheet_first=False)
    result = invoke(["score", str(path), "--sheet", "Responses", "-f", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    quality = json.loads(result.stdout)["quality"][0]
    assert (quality["answered"], quality["blank"], quality["invalid"]) == (4, 1, 7)
    examples = quality["invalid_examples"]
    assert len(examples) >= 5 and all(examples[text] == 1 and text in EXCEL_ERRORS for text in examples)  # examples are capped


def test_excel_error_cells_fail_strict(tmp_path):
    path = error_workbook(tmp_path / "e.xlsx", sheet_first=True)
    result = invoke(["score", str(path), "--strict"])
    assert result.exit_code == 2
    assert "7 invalid, e.g. '#DIV/0!' ×1, '#N/A' ×1" in result.stderr


def test_excel_errors_are_read_from_the_chosen_sheet_only(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    first.title = "Scores"
    first.append(["How likely are you to recommend us?"])
    for value in [9, 8, 7, 10]:
        first.append([value])
    errors = wb.create_sheet("Errors")
    errors.append(["x"])
    for row in range(2, 6):
        errors.cell(row, 1, "#N/A").data_type = "e"
    wb.save(tmp_path / "two.xlsx")
    result = invoke(["score", str(tmp_path / "two.xlsx"), "-f", "json", "-q"])
    quality = json.loads(result.stdout)["quality"][0]
    assert (quality["answered"], quality["invalid"]) == (4, 0)


def test_excel_errors_are_found_whatever_quotes_the_workbook_part_uses(tmp_path):
    # XML allows name='…' as well as name="…"; the sheet of error cells was not found, so they counted blank.
    import re
    import zipfile

    plain = error_workbook(tmp_path / "plain.xlsx", sheet_first=True)
    quoted = tmp_path / "quoted.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(quoted, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
                data = re.sub(rb'\b(name|r:id|Id|Target)="([^"]*)"', rb"\1='\2'", data)
            target.writestr(item, data)
    result = invoke(["score", str(quoted), "-f", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    quality = json.loads(result.stdout)["quality"][0]
    assert (quality["answered"], quality["blank"], quality["invalid"]) == (4, 1, 7)


def _saved_from_excel(tmp_path, name: str = "calls.csv", empties: int = 5, middle: bool = True) -> Path:
    """A call-centre export of the shape of 'Call Center.csv' (Real World Fake Data, saved from Excel):
    6 real rows, 2 of them rated, then the sheet's formatted but empty rows written as ``,,,,,``
    with Windows line ends — one among the rows when ``middle``."""
    head = "id,sentiment,csat_score,call_timestamp,channel,response_time\r\n"
    rows = [
        "A-1,Neutral,7,10/29/2020,Call-Center,Within SLA",
        "A-2,Very Positive,,10/5/2020,Chatbot,Within SLA",
        "A-3,Negative,,10/4/2020,Call-Center,Above SLA",
        "A-4,Very Negative,1,10/17/2020,Chatbot,Within SLA",
        "A-5,Neutral,,10/17/2020,Email,Below SLA",
        "A-6,Positive,,10/6/2020,Web,Within SLA",
    ]
    if middle:
        rows.insert(3, ",,,,,")
    path = tmp_path / name
    path.write_bytes((head + "\r\n".join(rows + [",,,,,"] * empties) + "\r\n").encode())
    return path


def test_rows_of_only_delimiters_are_left_out_and_counted_not_blank_answers(tmp_path):
    # Such a file (32,941 rows, 22,194 of them ',,,,,,,,,,,') said Blank 28,961 and a '(blank)' channel
    # of n 0: the empty rows were read as responses that left every question blank.
    path = _saved_from_excel(tmp_path)
    result = invoke(["score", str(path), "-f", "json", "--by", "channel"])
    doc = json.loads(result.stdout)
    info = doc["inputs"][0]
    assert info["rows"] == 12 and info["excluded"] == {"empty rows (every cell blank)": 6}
    overall = [r for r in doc["results"] if not r["segment"] and r["period"] is None]
    assert [(r["metric"], r["n"], r["blank"]) for r in overall] == [("csat", 2, 4)]
    assert sorted({r["segment"]["channel"] for r in doc["results"] if r["segment"]}) == ["Call-Center", "Chatbot", "Email", "Web"]
    assert f"warning: {path}: 6 row(s) left out as empty rows (every cell blank)" in result.stderr


def test_a_line_of_delimiters_inside_a_quoted_comment_stays_part_of_it(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(HEAD + '1,Chat,9\n2,"Chat\n,,\nstill the channel",8\n,,\n3,Email,7\n', encoding="utf-8")
    doc = json.loads(invoke(["score", str(path), "-f", "json", "-q"]).stdout)
    assert doc["inputs"][0]["rows"] == 4 and doc["inputs"][0]["excluded"] == {"empty rows (every cell blank)": 1}
    assert doc["results"][0]["n"] == 3 and doc["results"][0]["blank"] == 0


def test_an_empty_last_row_without_a_line_end_is_left_out(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(HEAD + "1,Chat,9\n2,Web,8\n,,", encoding="utf-8")
    doc = json.loads(invoke(["score", str(path), "-f", "json", "-q"]).stdout)
    assert (doc["inputs"][0]["rows"], doc["inputs"][0]["excluded"], doc["results"][0]["blank"]) == (3, {"empty rows (every cell blank)": 1}, 0)


@pytest.mark.parametrize("chunk", [1 << 20, 3], ids=["lines-whole", "long-lines-in-pieces"])
def test_empty_rows_are_counted_alike_in_parts_read_by_workers_and_through_small_reads(tmp_path, monkeypatch, chunk):
    from cxscore.config import Config
    from cxscore.settings import Options
    from cxscore.sources import text as text_source

    lines = [f'{i},"Chat, ""x""\n,,{"y" * 60 * (i % 5 == 0)}",{i % 11}' if i % 7 else ",," for i in range(1, 3001)]
    path = tmp_path / "big.csv"
    path.write_text(HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    empties = sum(1 for line in lines if line == ",,")
    serial = score([str(path)], Config(), options=Options(), processes=1)
    parallel = score([str(path)], Config(), options=Options(), processes=3, part_bytes=9_000)
    for report in (serial, parallel):
        assert report.inputs[0].excluded == {"empty rows (every cell blank)": empties} and report.inputs[0].rows == 3000
        assert (report.results[0].n, report.results[0].blank) == (3000 - empties, 0)
    monkeypatch.setattr(text_source._WithoutEmptyRows, "CHUNK", chunk)  # 3: a line over 48 bytes is passed on in pieces
    for counted in (True, False):  # quotes counted below the filter, or (a part the cutting scan saw whole) by it
        info = InputInfo(path="big.csv", format="csv")
        raw = _Trickle(path.read_bytes())
        counter = text_source._QuoteParity(raw) if counted else None
        kept = b"".join(iter(text_source._WithoutEmptyRows(counter or raw, ",", 1, info, counter).read, b""))
        assert info.excluded == {"empty rows (every cell blank)": empties}
        assert kept == (HEAD + "".join(line + "\n" for line in lines if line != ",,")).encode()


class _Trickle(io.BytesIO):
    """Bytes handed on 5 at a time, so records and their line ends are cut anywhere between reads."""

    def readinto(self, buffer) -> int:
        return super().readinto(memoryview(buffer)[:5])


CALLS_HEAD = ["id", "sentiment", "csat_score", "call_timestamp", "channel", "response_time"]


def _calls(count: int) -> list[list]:
    """Rows of the call-centre shape: every third rated (1-10), one in five with no channel but a note."""
    channels = ["Call-Center", "Chatbot", "Email", "Web"]
    return [[f"A-{i}", "Neutral" if i % 2 else "Positive", i % 10 + 1 if i % 3 == 0 else None, "10/29/2020",
             None if i % 5 == 0 else channels[i % 4], "Within SLA"] for i in range(count)]


def _same_rows_as_csv_and_xlsx(tmp_path, rows: list[list], blanks: set[int]) -> tuple:
    """``rows`` written as CSV and as an .xlsx sheet (openpyxl), with an empty row before each index in ``blanks``
    (``,,,,,`` in the CSV file, a row with no cells in the sheet)."""
    from openpyxl import Workbook

    csv_lines = [",".join(CALLS_HEAD)]
    book = Workbook()
    sheet = book.active
    sheet.append(CALLS_HEAD)
    for i, row in enumerate(rows):
        if i in blanks:
            csv_lines.append(",,,,,")
            sheet.append([])
        csv_lines.append(",".join("" if c is None else str(c) for c in row))
        sheet.append(row)
    csv_path, xlsx_path = tmp_path / "calls.csv", tmp_path / "calls.xlsx"
    csv_path.write_text("\r\n".join(csv_lines) + "\r\n", encoding="utf-8")
    book.save(xlsx_path)
    return csv_path, xlsx_path


def _scored(path, monkeypatch, reader: str) -> dict:
    monkeypatch.setenv("CXSCORE_EXCEL_READER", reader)
    result = invoke(["score", path.name, "-f", "json", "--by", "channel", "--metric", "csat"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert "6 row(s) left out as empty rows (every cell blank)" in result.stderr.replace(",", "")
    return doc


@pytest.mark.parametrize("reader", ["fastexcel", "calamine"])
def test_an_empty_row_between_responses_in_a_workbook_is_left_out_as_in_the_same_rows_saved_as_csv(tmp_path, monkeypatch, reader):
    # An empty sheet row between responses was read as a response that left every question blank
    # (CSAT Blank one higher per empty row, and a '(blank)' channel), while the CSV file left it out.
    csv_path, xlsx_path = _same_rows_as_csv_and_xlsx(tmp_path, _calls(20), {0, 3, 4, 10, 11, 19})
    monkeypatch.chdir(tmp_path)
    from_csv, from_xlsx = _scored(csv_path, monkeypatch, reader), _scored(xlsx_path, monkeypatch, reader)
    assert from_csv["inputs"][0]["excluded"] == from_xlsx["inputs"][0]["excluded"] == {"empty rows (every cell blank)": 6}
    assert from_csv["inputs"][0]["rows"] == from_xlsx["inputs"][0]["rows"] == 26
    assert from_csv["results"] == from_xlsx["results"]
    overall = [r for r in from_xlsx["results"] if not r["segment"] and r["period"] is None]
    assert [(r["n"], r["blank"]) for r in overall] == [(7, 13)]  # 0, 3, …, 18 rated of 20 rows
    assert {r["segment"]["channel"] for r in from_xlsx["results"] if r["segment"]} == {"Call-Center", "Chatbot", "Email", "Web", "(blank)"}
    assert from_csv["quality"] == from_xlsx["quality"]


@pytest.mark.parametrize("reader", ["fastexcel", "calamine"])
def test_empty_sheet_rows_are_counted_alike_in_blocks_and_when_a_large_sheet_loads_only_some_columns(tmp_path, monkeypatch, reader):
    from cxscore.config import Config
    from cxscore.settings import Options
    from cxscore.sources import excel, sheet_head

    rows = _calls(3000)
    rows[2500][:5] = [None] * 5  # blank in every column read, but a value in response_time: a row, kept
    blanks = {5, 22, 23, 2600, 2601, 2999}
    csv_path, xlsx_path = _same_rows_as_csv_and_xlsx(tmp_path, rows, blanks)
    monkeypatch.setenv("CXSCORE_EXCEL_READER", reader)
    monkeypatch.setattr(excel, "BATCH_ROWS", 7)  # calamine's rows handed on 7 at a time
    monkeypatch.setattr(sheet_head, "LARGE_SHEET", 0)  # fastexcel: the first rows from a cut copy, then only the columns read
    monkeypatch.setattr(excel, "SAMPLE_ROWS", 20)
    from_csv = score([str(csv_path)], Config(), options=Options(), processes=1)
    from_xlsx = score([str(xlsx_path)], Config(), options=Options(), processes=1)
    for report in (from_csv, from_xlsx):
        assert report.inputs[0].excluded == {"empty rows (every cell blank)": 6} and report.inputs[0].rows == 3006
        assert (report.results[0].n, report.results[0].blank) == (1000, 2000)
    assert [(r.metric, r.n, r.blank, r.value) for r in from_csv.results] == [(r.metric, r.n, r.blank, r.value) for r in from_xlsx.results]
