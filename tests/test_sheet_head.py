"""A large .xlsx sheet's columns are chosen from a cut copy of its first rows, then only those are loaded (issue 18 item 3).

The cut is taken for sheets of 32 MiB and more; here it is taken for every sheet (``LARGE_SHEET = 0``)
and the sample is 20 rows, so small workbooks go the same way. Every case is scored through
fastexcel and through calamine and must give the same JSON, warnings and messages.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest

from conftest import scored_with_reader
from cxscore.sources import excel, open_source, sheet_head
from cxscore.sources.workbook_limits import check_workbook

QUESTION = "How likely are you to recommend us?"
SAMPLE = 20


@pytest.fixture(autouse=True)
def _small_cut(monkeypatch):
    monkeypatch.setattr(sheet_head, "LARGE_SHEET", 0)
    monkeypatch.setattr(excel, "SAMPLE_ROWS", SAMPLE)


def _write(path: Path, rows: list[list], errors: dict[str, str] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref, text in (errors or {}).items():
        sheet[ref] = text
        sheet[ref].data_type = "e"
    workbook.save(path)
    return path


def _rewrite(path: Path, change) -> Path:
    """The workbook with its sheet's XML passed through ``change``."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _export(rows: int = 80) -> list[list]:
    start = dt.datetime(2025, 1, 5, 9, 30)
    out: list[list] = [["id", "Submitted", "Channel", QUESTION, "Satisfaction (1-5)", "Comment"]]
    out += [[i, start + dt.timedelta(days=i, minutes=7 * i), ["Chat", "Phone", "Email"][i % 3], i % 11, [5, 4, "N/A", 2, 1][i % 5], f"note {i}"] for i in range(rows)]
    return out


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("heads")


def test_only_the_needed_columns_are_loaded_and_the_results_are_calamine_s(books):
    errors = {"D5": "#N/A", "E9": "#DIV/0!", "C40": "#REF!", "D70": "#VALUE!"}  # in the cut and after it
    path = _write(books / "export.xlsx", _export(), errors)
    source = open_source(str(path))
    assert source.reader == "fastexcel" and source._fast is None  # the sheet waits: its first rows came from the cut copy
    batch = next(source.batches([QUESTION, "Channel"]))
    # the two columns read and id, the column most often filled (a row blank in all three may be an empty row)
    assert source.reader == "fastexcel" and source._fast is not None and source._fast.data.num_columns == 3
    assert batch.column(0).to_pylist()[:5] == ["0", "1", "2", "#N/A", "4"]
    for options in (("--by", "Channel", "--period", "month"), ()):
        fast, slow = scored_with_reader(path, "fastexcel", *options), scored_with_reader(path, "calamine", *options)
        assert fast == slow and fast[0] == 0 and fast[1]["results"]


def test_a_second_read_with_other_columns_loads_them_too(books):
    source = open_source(str(_write(books / "twice.xlsx", _export())))
    first = [b.column(0).to_pylist() for b in source.batches(["Channel"])]
    assert source._fast is not None and source._fast.data.num_columns == 2  # Channel, and id: the column most often filled
    again = [b.column(0).to_pylist() for b in source.batches(["Channel", "Comment"])]
    assert source._fast.data.num_columns == 3 and again == first


def test_first_rows_written_further_on_send_the_sheet_to_calamine(books):
    """XML rows out of order (row 3 written last): the cut copy lacks row 3, the sheet has it."""
    def move_row_3(xml: bytes) -> bytes:
        start = xml.index(b'<row r="3"')
        end = xml.index(b"</row>", start) + len(b"</row>")
        rest = xml[:start] + xml[end:]
        at = rest.index(b"</sheetData>")
        return rest[:at] + xml[start:end] + rest[at:]

    path = _rewrite(_write(books / "moved.xlsx", _export()), move_row_3)
    source = open_source(str(path))
    list(source.batches([QUESTION]))
    assert source.reader == "calamine"
    assert scored_with_reader(path, "fastexcel") == scored_with_reader(path, "calamine")


def test_a_column_starting_past_the_cut_sends_the_sheet_to_calamine(books):
    rows = _export()
    rows[60] = [*rows[60], "late"]  # a seventh column, empty in the header and the first rows
    path = _write(books / "late_column.xlsx", rows)
    source = open_source(str(path))
    list(source.batches([QUESTION]))
    assert source.reader == "calamine"
    fast, slow = scored_with_reader(path, "fastexcel"), scored_with_reader(path, "calamine")
    assert fast[0] == slow[0] == 0 and fast[1]["results"] == slow[1]["results"]


def test_a_needed_column_not_exact_past_the_cut_is_read_by_calamine(books):
    rows = _export()
    rows[50][2] = 29.020000000000003  # a fraction fastexcel would round, in a text column, past the cut
    path = _write(books / "late_fraction.xlsx", rows)
    source = open_source(str(path))
    assert source.reader == "fastexcel"
    list(source.batches(["Channel"]))
    assert source.reader == "calamine"
    assert scored_with_reader(path, "fastexcel", "--by", "Channel") == scored_with_reader(path, "calamine", "--by", "Channel")


def test_cut_sheet_ends_the_xml_after_the_rows_asked_for():
    head = (b'<?xml version="1.0"?><x:worksheet xmlns:x="urn:s"><x:dimension ref="A1:B900000"/><x:sheetData>'
            + b"".join(b'<x:row r="%d"><x:c r="A%d"><x:v>%d</x:v></x:c></x:row>' % (i, i, i) for i in range(1, 6))
            + b"<x:row r=\"6\"><x:c r=\"A6\"><x:v>6")  # the chunk ends inside a row
    cut = sheet_head.cut_sheet(head, 3)
    assert cut is not None and b"dimension" not in cut
    root = ElementTree.fromstring(cut)
    assert [row.get("r") for row in root.iter("{urn:s}row")] == ["1", "2", "3"]
    five = sheet_head.cut_sheet(head, 5)  # before row 6's start, whole though the row is not
    assert five is not None and [row.get("r") for row in ElementTree.fromstring(five).iter("{urn:s}row")] == ["1", "2", "3", "4", "5"]
    assert sheet_head.cut_sheet(head[: head.index(b'<x:row r="6"')], 5) is None  # nothing after row 5: its end is not sure
    assert sheet_head.cut_sheet(head, 9) is None  # fewer rows than asked for
    assert sheet_head.cut_sheet(head.replace(b'<x:row r="3"', b'<x:row r="1"'), 4) is None  # rows out of order
    assert sheet_head.cut_sheet(b"<worksheet><sheetData/></worksheet>", 1) is None


def test_other_sheets_are_left_out_of_the_cut_copy(books):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["about", "nothing"])
    sheet = workbook.create_sheet("Responses")
    for row in _export():
        sheet.append(row)
    path = books / "two_sheets.xlsx"
    workbook.save(path)
    copy = sheet_head.head_workbook(path, check_workbook(path, "two_sheets.xlsx", "Responses"), SAMPLE + 4)
    assert copy is not None
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        assert archive.read("xl/worksheets/sheet1.xml") == sheet_head.EMPTY_SHEET
        assert len(list(ElementTree.fromstring(archive.read("xl/worksheets/sheet2.xml")).iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row"))) == SAMPLE + 4
    for chosen in ("Responses", "2"):
        source = open_source(str(path), sheet=chosen)
        assert source._later is not None and source.info.sheet == "Responses"
        assert scored_with_reader(path, "fastexcel", "--sheet", chosen) == scored_with_reader(path, "calamine", "--sheet", chosen)


def test_no_cut_copy_for_small_sheets_or_large_shared_strings(books, monkeypatch):
    path = _write(books / "plain.xlsx", _export())
    scan = check_workbook(path, "plain.xlsx")
    assert scan.part == "xl/worksheets/sheet1.xml" and scan.size > 0
    assert sheet_head.head_workbook(path, scan, SAMPLE + 4) is not None
    monkeypatch.setattr(sheet_head, "SMALL_PART", 0)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * (scan.size // 8) + b"</sst>")
    assert sheet_head.head_workbook(path, check_workbook(path, "plain.xlsx"), SAMPLE + 4) is None
    monkeypatch.setattr(sheet_head, "LARGE_SHEET", scan.size + 1)
    assert sheet_head.head_workbook(path, scan, SAMPLE + 4) is None
