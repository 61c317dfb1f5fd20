"""Reading: encodings, delimiters, Excel, stdin, and every input error with its message."""
from __future__ import annotations

import io

import openpyxl
import pytest

from cxscore.errors import InputError
from cxscore.pipeline import Options, score
from cxscore.sources import open_source
from cxscore.sources.encodings import detect_encoding

ROWS = [
    ["编号", "您向朋友推荐我们的可能性", "满意度", "备注"],
    ["1", "9分", "非常满意", "很好, 谢谢"],
    ["2", "10分", "满意", ""],
    ["3", "3分", "不满意", "等了\n很久"],
    ["4", "", "一般", ""],
]


def scores(path, **options):
    report = score([str(path)], options=Options(**options))
    return {r.metric: (r.n, r.blank, r.invalid, r.value) for r in report.results}, report


EXPECTED = {"nps": (3, 1, 0, pytest.approx(100 * (2 - 1) / 3)), "csat": (4, 0, 0, pytest.approx(50.0))}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk", "gb18030"])
def test_each_encoding_is_detected(write_csv, encoding):
    result, report = scores(write_csv(ROWS, encoding=encoding))
    assert result == EXPECTED
    detected = report.inputs[0].encoding
    assert {"gbk": "gb18030"}.get(encoding, encoding) == detected


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed(write_csv, delimiter):
    result, report = scores(write_csv(ROWS, delimiter=delimiter))
    assert result == EXPECTED
    assert report.inputs[0].delimiter == delimiter


def test_encoding_override(write_csv):
    path = write_csv(ROWS, encoding="gbk")
    result, report = scores(path, encoding="gb18030")
    assert result == EXPECTED and report.inputs[0].encoding_detected is False
    with pytest.raises(InputError, match="not valid utf-8"):
        scores(path, encoding="utf-8")


def test_detect_encoding_basics():
    assert detect_encoding(b"a,b\n1,2\n", True).name == "utf-8"
    assert detect_encoding("\ufeffa,b\n".encode("utf-8"), True).name == "utf-8-sig"
    assert detect_encoding("a,b\n".encode("utf-16"), True).name == "utf-16"
    assert detect_encoding(("满意度,推荐\n非常满意,9分\n" * 20).encode("gbk"), True).name == "gb18030"


def test_quoted_header_with_newline_and_trailing_comma(tmp_path):
    # 腾讯问卷 style: every field quoted, a trailing comma on every line.
    path = tmp_path / "tencent.csv"
    path.write_text('"编号","1.您对服务\n满意吗",\n"1","非常满意",\n"2","满意",\n', encoding="utf-8")
    result, report = scores(path)
    assert result["csat"][:3] == (2, 0, 0)
    assert report.inputs[0].rows == 2


def test_undecodable_bytes_later_in_the_file(tmp_path):
    path = tmp_path / "mixed.csv"
    body = "满意度\n" + "满意\n" * 300_000
    path.write_bytes(body.encode("utf-8") + "非常满意\n".encode("gbk"))
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        scores(path)
    assert "--encoding" in info.value.hint


def test_malformed_rows_are_counted_not_silent(write_csv, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("id,满意度\n1,满意\n2,满意,extra,fields\n3,非常满意\n", encoding="utf-8")
    result, report = scores(path)
    assert report.inputs[0].malformed_rows == 1
    assert any("wrong number of fields" in w for w in report.warnings)


def write_xlsx(path, sheets: dict[str, list[list]]):
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_first_sheet_by_default_and_sheet_option(tmp_path):
    numeric = [["id", "How likely to recommend?", "Satisfaction"], [1, 10, "Very satisfied"], [2, 6, 2], [3, None, 4.0]]
    path = write_xlsx(tmp_path / "export.xlsx", {"Notes": [["about"], ["nothing"]], "Responses": numeric})
    result, report = scores(path, sheet="Responses")
    assert result["nps"] == (2, 1, 0, pytest.approx(0.0))
    assert result["csat"] == (3, 0, 0, pytest.approx(200 / 3))
    assert report.inputs[0].sheet == "Responses" and report.inputs[0].format == "xlsx"
    assert scores(path, sheet="2")[0] == result
    with pytest.raises(InputError, match="no NPS, CSAT or CES column"):
        scores(path)
    with pytest.raises(InputError, match="has no sheet 'Nope'; its sheets are: Notes, Responses"):
        scores(path, sheet="Nope")


def test_options_that_do_not_apply_are_reported_not_silently_ignored(tmp_path, write_csv):
    text = write_csv(ROWS)
    workbook = write_xlsx(tmp_path / "x.xlsx", {"S": [["Satisfaction"], ["Satisfied"]]})
    report = score([str(text), str(workbook)], options=Options(sheet="S", encoding="utf-8"))
    assert f"{text}: --sheet 'S' was ignored: the input is delimited text, not a workbook" in report.warnings
    assert f"{workbook}: --encoding utf-8 was ignored: a workbook carries its own encoding" in report.warnings
    assert len([w for w in report.warnings if "was ignored" in w]) == 2
    assert score([str(workbook)], options=Options(sheet="S")).warnings == []


@pytest.mark.parametrize("workers", ["1", "3"])
def test_workbooks_and_stdin_mix_with_files_in_workers(tmp_path, write_csv, workers):
    """A loaded workbook and standard input stay in this process; file parts go to workers."""
    text = write_csv(ROWS)
    workbook = write_xlsx(tmp_path / "x.xlsx", {"S": ROWS})
    other = write_csv(ROWS[:1] + [[f"{row[0]}0", *row[1:]] for row in ROWS[1:]], name="other.csv")  # a given-twice file would be read once
    report = score([str(text), str(workbook), "-", str(other)], stdin=io.BytesIO(text.read_bytes()), processes=int(workers))
    assert [i.rows for i in report.inputs] == [len(ROWS) - 1] * 4
    single, _ = scores(text)
    assert {r.metric: r.n for r in report.results} == {metric: 4 * n for metric, (n, *_) in single.items()}


def test_stdin_csv_and_xlsx(tmp_path, write_csv):
    path = write_csv(ROWS, encoding="gbk")
    from_file, _ = scores(path)
    report = score(["-"], stdin=io.BytesIO(path.read_bytes()))
    assert {r.metric: (r.n, r.blank, r.invalid, r.value) for r in report.results} == from_file
    workbook = write_xlsx(tmp_path / "x.xlsx", {"S": [["Satisfaction"], ["Satisfied"]]})
    report = score(["-"], stdin=io.BytesIO(workbook.read_bytes()))
    assert report.results[0].n == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "input file is empty"),
        (b"\n\n  \n", "input file is empty"),
        (b"id,satisfaction\n", "has a header but no data rows"),
    ],
)
def test_empty_inputs(tmp_path, content, message):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_source(str(path))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="input file not found"):
        open_source(str(tmp_path / "nope.csv"))
    with pytest.raises(InputError, match="is a directory"):
        open_source(str(tmp_path))


def test_corrupt_and_password_protected_excel(tmp_path):
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"garbage" * 100)
    with pytest.raises(InputError, match="is not a readable Excel workbook"):
        open_source(str(corrupt))
    # An encrypted .xlsx is an OLE compound file, not a zip.
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(InputError, match="password-protected"):
        open_source(str(locked))


def test_header_only_xlsx(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", {"S": [["Satisfaction"]]})
    with pytest.raises(InputError, match="has a header but no data rows"):
        open_source(str(path))


def test_inputs_are_never_modified(write_csv):
    path = write_csv(ROWS, encoding="gbk")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    scores(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_xlsx_typed_columns_dates_and_blanks(tmp_path):
    import datetime as dt

    from cxscore.pipeline import Options

    rows = [["Recommend", "Submitted", "Team"]]
    rows += [[9, dt.datetime(2025, 1, 5, 10, 30, 15, 500000), 101], [None, dt.datetime(2025, 2, 1), 101], [3, None, None], [10.0, dt.datetime(2025, 2, 2), 102]]
    path = write_xlsx(tmp_path / "typed.xlsx", {"S": rows})
    report = score([str(path)], options=Options(period="month", by=["Team"], date_column="Submitted"))
    got = {(tuple(r.segment.items()), r.period): (r.n, r.blank) for r in report.results}
    assert got[((), None)] == (3, 1)
    assert got[((), "2025-01")] == (1, 0) and got[((), "2025-02")] == (1, 1)
    assert got[((("Team", "101"),), None)] == (1, 1) and got[((("Team", "(blank)"),), None)] == (1, 0)
    assert report.inputs[0].date_blank == 1
