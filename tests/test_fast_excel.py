"""fastexcel reads .xlsx sheets exactly as python-calamine does (issue 18 item 3).

Every workbook here is scored twice, through fastexcel (the default) and through calamine
(CXSCORE_EXCEL_READER=calamine), and the JSON results, warnings, inputs and messages must be the
same. The sample exports are written as workbooks with typed cells (numbers as numbers, timestamps
as dates); the hand-made ones hold what the two readers could give differently. Where fastexcel
cannot give a sheet as calamine would, cxscore reads it with calamine: the fallback cases check that
the reader really changed and that the results are still the same.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, invoke, scored_with_reader
from cxscore.sources import open_source

SAMPLES = sorted((ROOT / "sample_data").glob("*.csv"))
#: Samples whose workbook fastexcel cannot give exactly: Zendesk's `Solved at` mixes dates (1900-01-01 at midnight,
#: which fastexcel writes as text with 00:00:00 and calamine as a date) with impossible dates kept as text.
CALAMINE_SAMPLES = {"tickets_zendesk"}
QUESTION = "How likely are you to recommend us?"


def _typed(text: str):
    """A CSV field as the cell a spreadsheet would hold: a number, a date or time, or text."""
    if text == "":
        return None
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        if kind is int and (abs(value) >= 10**10 or text.startswith(("0", "+")) and text != "0"):
            return text  # an id such as 00123 stays text, as spreadsheets keep it when imported as text
        return value
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            pass
    return text


def _write(path: Path, rows: list[list], sheet: str = "Sheet1", before: dict[str, list[list]] | None = None) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    for name, other in (before or {}).items():
        extra = workbook.create_sheet(name)
        for row in other:
            extra.append(row)
    target = workbook.create_sheet(sheet)
    for row in rows:
        target.append(row)
    workbook.save(path)
    return path


def _error_cells(path: Path, cells: dict[str, str]) -> Path:
    """Put Excel error cells (``#N/A``…) into a saved workbook (openpyxl writes them as ``t="e"``)."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[-1]
    for ref, text in cells.items():
        sheet[ref] = text
        sheet[ref].data_type = "e"
    workbook.save(path)
    return path


def _sample_rows(path: Path, rows: int = 1200) -> list[list]:
    """The header and the first ``rows`` rows (every sample's columns, cell kinds and traps, in a second or less each)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return [[_typed(field) for field in row] for row in itertools.islice(csv.reader(io.StringIO(text)), rows + 1)]


def _reader(path: Path, sheet: str | None = None) -> str:
    return open_source(str(path), sheet=sheet).reader


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("books")


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_exports_as_workbooks_score_the_same_through_both_readers(books, sample):
    path = _write(books / f"{sample.stem}.xlsx", _sample_rows(sample))
    assert _reader(path) == ("calamine" if sample.stem in CALAMINE_SAMPLES else "fastexcel")
    fast, slow = scored_with_reader(path, "fastexcel"), scored_with_reader(path, "calamine")
    assert fast[0] == slow[0] and fast[2] == slow[2]
    assert fast[1] == slow[1]
    assert fast[1].get("results") or fast[0] != 0  # something was scored (or refused alike)


def _handmade() -> dict[str, tuple[list[list], dict[str, str], tuple[str, ...]]]:
    """name → (rows, error cells, options): the cases where the readers' cells could differ."""
    when = [dt.datetime(2025, 1, 5, 9, 30), dt.datetime(2025, 1, 6), dt.datetime(2025, 2, 1, 0, 0, 1), dt.datetime(2025, 2, 2)]
    typed = [["id", "Submitted", "Channel", QUESTION, "Satisfaction (1-5)"]]
    typed += [[i, when[i % 4], ["Chat", "Phone", 7, None, "Email"][i % 5], [10, 9, None, 3, 7.0][i % 5], [5, 4, "N/A", 2, 1][i % 5]] for i in range(60)]
    qualtrics = [["ResponseId", "StartDate", "Q1", "Q2"], ["Response ID", "Start Date", QUESTION, "How satisfied are you? (1-5)"],
                 ['{"ImportId":"_recordId"}', '{"ImportId":"startDate"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2"}']]
    qualtrics += [[f"R_{i}", when[0] + dt.timedelta(hours=i), i % 11, 1 + i % 5] for i in range(40)]  # its header rows make every column text
    blank_header = [["id", None, QUESTION, "id"]] + [[i, f"note {i}", i % 11, i] for i in range(30)]
    errors = [["id", QUESTION, "Channel"]] + [[i, i % 11, ["Chat", "Phone"][i % 2]] for i in range(40)]
    return {
        "typed_dates_numbers_and_na_text": (typed, {}, ("--period", "month", "--by", "Channel")),
        "qualtrics_three_header_rows": (qualtrics, {}, ()),
        "blank_and_repeated_header_names": (blank_header, {}, ()),
        "error_cells_in_number_and_text_columns": (errors, {"B5": "#N/A", "B9": "#DIV/0!", "C7": "#REF!", "B30": "#VALUE!"}, ("--by", "Channel")),
    }


@pytest.mark.parametrize("name", list(_handmade()))
def test_handmade_workbooks_score_the_same_through_both_readers(books, name):
    rows, errors, options = _handmade()[name]
    path = _error_cells(_write(books / f"{name}.xlsx", rows), errors) if errors else _write(books / f"{name}.xlsx", rows)
    assert _reader(path) == "fastexcel"
    fast, slow = scored_with_reader(path, "fastexcel", *options), scored_with_reader(path, "calamine", *options)
    assert fast == slow
    assert fast[0] == 0 and fast[1]["results"]


def test_error_cells_are_invalid_answers_through_fastexcel(books):
    rows, errors, _ = _handmade()["error_cells_in_number_and_text_columns"]
    path = _error_cells(_write(books / "errors.xlsx", rows), errors)
    code, document, _ = scored_with_reader(path, "fastexcel")
    nps = next(r for r in document["results"] if r["segment"] in (None, {}, []) or not r.get("segment"))
    assert code == 0 and nps["invalid"] == 3, nps  # #N/A, #DIV/0! and #VALUE! in the answers; #REF! is a channel


FALLBACKS = {
    # fastexcel refuses the sheet: a #NAME? cell is an error it does not take as blank
    "name_error_cell": ([["id", QUESTION], *[[i, i % 11] for i in range(20)]], {"B4": "#NAME?"}),
    # fastexcel would round a number with more than nine decimals in a text column (calamine: all digits)
    "long_fraction_in_text_column": ([["id", QUESTION, "Channel"], *[[i, i % 11, "Chat" if i else 29.020000000000003] for i in range(20)]], {}),
    # a TRUE/FALSE cell: fastexcel writes true, calamine TRUE (and 1 among numbers)
    "boolean_cells": ([["id", QUESTION, "Consent"], *[[i, i % 11, i % 2 == 0] for i in range(20)]], {}),
    # a date at midnight among text (here Qualtrics' header rows): fastexcel writes 2025-01-06 00:00:00, calamine 2025-01-06
    "qualtrics_dates_at_midnight": ([["ResponseId", "StartDate", "Q1"], ["Response ID", "Start Date", QUESTION], ['{"ImportId":"_recordId"}', '{"ImportId":"startDate"}', '{"ImportId":"QID1"}'],
                                     *[[f"R_{i}", dt.datetime(2025, 1, 1 + i), i % 11] for i in range(20)]], {}),
    # a time of day: fastexcel gives 1899-12-31 09:05:00, calamine 09:05:00
    "time_of_day": ([["id", QUESTION, "Called at"], *[[i, i % 11, dt.time(9, i)] for i in range(20)]], {}),
}


@pytest.mark.parametrize("name", list(FALLBACKS))
def test_what_fastexcel_cannot_give_exactly_is_read_by_calamine_with_the_same_results(books, name):
    rows, errors = FALLBACKS[name]
    path = _write(books / f"{name}.xlsx", rows)
    if errors:
        _error_cells(path, errors)
    assert _reader(path) == "calamine"
    assert scored_with_reader(path, "fastexcel") == scored_with_reader(path, "calamine")


def test_fallback_at_the_scan_when_only_a_needed_column_is_not_exact(books):
    """The sample rows are exact but a needed column further on is not: calamine reads the columns."""
    rows = [["id", QUESTION, "Channel"], *[[i, i % 11, "Chat" if i < 2500 else 4.25] for i in range(2600)]]
    path = _write(books / "late_fraction.xlsx", rows)
    source = open_source(str(path))
    assert source.reader == "fastexcel"
    list(source.batches(["Channel"]))
    assert source.reader == "calamine"
    assert scored_with_reader(path, "fastexcel", "--by", "Channel") == scored_with_reader(path, "calamine", "--by", "Channel")


def test_sheet_choice_and_stdin_through_fastexcel(books):
    rows = [["id", QUESTION], *[[i, i % 11] for i in range(30)]]
    path = _write(books / "sheets.xlsx", rows, sheet="Responses", before={"Notes": [["about"], ["nothing"]]})
    assert _reader(path, "Responses") == "fastexcel" and _reader(path, "2") == "fastexcel"
    for sheet in ("Responses", "2"):
        assert scored_with_reader(path, "fastexcel", "--sheet", sheet) == scored_with_reader(path, "calamine", "--sheet", sheet)
    missing = scored_with_reader(path, "fastexcel", "--sheet", "Answers")
    assert missing == scored_with_reader(path, "calamine", "--sheet", "Answers") and missing[0] == 2 and "its sheets are: Notes, Responses" in missing[2]
    piped = invoke(["score", "-", "-f", "json", "--sheet", "Responses"], input=path.read_bytes(), env={"CXSCORE_EXCEL_READER": "fastexcel"})
    assert piped.exit_code == 0
    assert json.loads(piped.stdout)["results"] == scored_with_reader(path, "calamine", "--sheet", "Responses")[1]["results"]


def test_unknown_reader_is_refused(books):
    path = _write(books / "small.xlsx", [["id", QUESTION], [1, 9]])
    result = invoke(["score", str(path)], env={"CXSCORE_EXCEL_READER": "pandas"})
    assert result.exit_code == 2 and "CXSCORE_EXCEL_READER='pandas'" in result.stderr and "fastexcel or calamine" in result.stderr


def test_calamine_batches_keep_each_cell_type(books, monkeypatch):
    """A column mixing dates at midnight with date-times (or TRUE with numbers) was cast by Arrow as
    its first cell: the times were cut off (2025-01-05 09:30 read as 2025-01-05), TRUE read as 1."""
    rows = [["id", "Submitted", QUESTION], [1, dt.datetime(2025, 1, 6), 9], [2, dt.datetime(2025, 1, 5, 9, 30), True]]
    path = _write(books / "cell_types.xlsx", rows)
    monkeypatch.setenv("CXSCORE_EXCEL_READER", "calamine")
    source = open_source(str(path))
    batch = next(source.batches(["Submitted", QUESTION]))
    assert batch.column(0).to_pylist() == ["2025-01-06", "2025-01-05 09:30:00"]
    assert batch.column(1).to_pylist() == ["9", "TRUE"]


@pytest.mark.parametrize("written", ['t="b"', "t = 'b' s=\"0\"", 't="b"/'])
def test_boolean_cells_are_seen_however_the_attribute_is_written(books, written):
    """TRUE/FALSE cells send a sheet to calamine (fastexcel reads TRUE as 1 in a number column), so the
    limits pass must see them in any attribute order and quoting XML allows."""
    import zipfile

    from cxscore.sources.workbook_limits import check_workbook

    path = _write(books / "bools.xlsx", [["id", QUESTION, "Consent"], *[[i, i % 11, i == 3] for i in range(5)]])
    plain = _write(books / "plain.xlsx", [["id", QUESTION, "Note"], *[[i, i % 11, 'a "b" c'] for i in range(5)]])
    assert not check_workbook(plain, "plain.xlsx").bool_cells
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = next(name for name in parts if name.startswith("xl/worksheets/"))
    assert b't="b"' in parts[sheet]
    parts[sheet] = parts[sheet].replace(b't="b"', written.encode())
    rewritten = books / "bools_rewritten.xlsx"
    with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert check_workbook(rewritten, "bools_rewritten.xlsx").bool_cells
