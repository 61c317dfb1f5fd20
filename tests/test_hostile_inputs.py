"""Hostile and broken inputs (issue 11): each is refused with one line and exit 2, in bounded time and memory.

Every case is built here in a few lines (a small crafted zip for the workbooks). Cases that used
to abort the process or exhaust memory run in a real process under an address-space limit.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import SAMPLE, invoke, results_by_metric

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Responses" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def sheet_xml(extra: str = "", dimension: str | None = None, rows: int = 30) -> str:
    """A sheet with an NPS column of ``rows`` answers, then ``extra`` XML inside sheetData."""
    cells = ['<row r="1"><c r="A1" t="inlineStr"><is><t>How likely are you to recommend us?</t></is></c></row>']
    cells += [f'<row r="{i}"><c r="A{i}"><v>{i % 11}</v></c></row>' for i in range(2, rows + 2)]
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}<sheetData>{"".join(cells)}{extra}</sheetData></worksheet>'


def write_xlsx(path: Path, sheet: str | bytes, raw_sheet: bytes | None = None) -> Path:
    """A minimal workbook; ``raw_sheet`` replaces the sheet part's deflated bytes (declared sizes kept)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS), ("xl/worksheets/sheet1.xml", sheet)]:
            archive.writestr(name, text)
    if raw_sheet is not None:
        _swap_part(path, "xl/worksheets/sheet1.xml", raw_sheet)
    return path


def _swap_part(path: Path, part: str, deflated: bytes) -> None:
    """Rewrite the archive with ``part``'s data replaced by ``deflated`` but its declared sizes unchanged (a lying header)."""
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    out = bytearray()
    central = bytearray()
    for info, data in entries:
        body = deflated if info.filename == part else zlib.compress(data)[2:-4]
        crc = zlib.crc32(data)
        name = info.filename.encode()
        offset = len(out)
        head = (b"PK\x03\x04" + (20).to_bytes(2, "little") + bytes(2) + (8).to_bytes(2, "little") + bytes(4)
                + crc.to_bytes(4, "little") + len(body).to_bytes(4, "little") + len(data).to_bytes(4, "little")
                + len(name).to_bytes(2, "little") + bytes(2))
        out += head + name + body
        central += (b"PK\x01\x02" + (20).to_bytes(2, "little") + (20).to_bytes(2, "little") + bytes(2) + (8).to_bytes(2, "little") + bytes(4)
                    + crc.to_bytes(4, "little") + len(body).to_bytes(4, "little") + len(data).to_bytes(4, "little")
                    + len(name).to_bytes(2, "little") + bytes(12) + offset.to_bytes(4, "little") + name)
    end = b"PK\x05\x06" + bytes(4) + len(entries).to_bytes(2, "little") * 2 + len(central).to_bytes(4, "little") + len(out).to_bytes(4, "little") + bytes(2)
    path.write_bytes(bytes(out + central + end))


def run_bounded(args: list[str], memory_mb: int = 1024, timeout: float = 60, env: dict | None = None, input: bytes | None = None) -> tuple[subprocess.CompletedProcess, float]:
    """``python -m cxscore ARGS`` under an address-space limit; the result and its wall time."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "cxscore", *args], capture_output=True, timeout=timeout, input=input,
        preexec_fn=limit, env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
    return result, time.monotonic() - started


def assert_refused(result, *phrases: str) -> None:
    """Exit 2, one error line naming the problem, nothing on stdout, no traceback (a process or a CliRunner result)."""
    code = result.returncode if isinstance(result, subprocess.CompletedProcess) else result.exit_code
    assert code == 2, (code, result.stderr[-2000:])
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)


# --- Excel: extent, zip bombs ---------------------------------------------------------------------------------------


def test_stray_cells_at_the_far_corners_are_refused_before_the_reader_allocates(tmp_path):
    # XFD1 and A1048576 made the reader ask for 549 GB and abort the process (exit 134).
    book = write_xlsx(tmp_path / "corners.xlsx", sheet_xml('<row r="1048576"><c r="A1048576"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'))
    result, seconds = run_bounded(["score", str(book)])
    assert_refused(result, "corners.xlsx", "XFD1048576", "16,384 columns × 1,048,576 rows", "CXSCORE_MAX_SHEET_CELLS")
    assert seconds < 20


def test_one_stray_cell_far_down_is_refused_in_bounded_memory(tmp_path):
    # One cell at ZZ200000 took 35 s and 5.1 GB for 30 rows.
    book = write_xlsx(tmp_path / "stray.xlsx", sheet_xml('<row r="200000"><c r="ZZ200000"><v>1</v></c></row>'))
    result, seconds = run_bounded(["score", str(book)])
    assert_refused(result, "ZZ200000", "702 columns × 200,000 rows = 140,400,000 cells", "Ctrl+End")
    assert seconds < 20


#: In-process cases keep their extents small and lower the limit, so that the same file is harmless where the check is missing.
SMALL = {"CXSCORE_MAX_SHEET_CELLS": "1000"}


@pytest.mark.parametrize("cell", ["<c r = 'zz2000'><v>1</v></c>", '<c\tr="ZZ0000002000"><v>1</v></c>', '<c s="1"\nr="ZZ2000"><v>1</v></c>'])
def test_positions_written_unusually_are_found_too(tmp_path, cell):
    # The reader accepts spaces around '=', single quotes, lowercase letters, leading zeros and any whitespace before r.
    book = write_xlsx(tmp_path / "odd.xlsx", sheet_xml(f"<row>{cell}</row>"))
    assert_refused(invoke(["score", str(book)], env=SMALL), "ZZ2000", "702 columns × 2,000 rows")


def test_a_row_number_alone_places_the_cells_without_a_position(tmp_path):
    book = write_xlsx(tmp_path / "row.xlsx", sheet_xml('<row r="5000"><c><v>1</v></c></row><row><c r="C5"><v>1</v></c></row>'))
    assert_refused(invoke(["score", str(book)], env=SMALL), "C5000")


def test_a_declared_extent_beyond_the_limit_is_refused(tmp_path):
    book = write_xlsx(tmp_path / "declared.xlsx", sheet_xml(dimension="A1:XFD1048576"))
    assert_refused(invoke(["score", str(book)]), "declares XFD1048576")


def test_the_cell_limit_can_be_raised_for_a_genuine_file(tmp_path):
    book = write_xlsx(tmp_path / "wide.xlsx", sheet_xml('<row r="40"><c r="J40"><v>1</v></c></row>'))
    assert_refused(invoke(["score", str(book), "-f", "json"], env={"CXSCORE_MAX_SHEET_CELLS": "100"}), "10 columns × 40 rows = 400 cells", "more than the 100")
    allowed = invoke(["score", str(book), "-f", "json", "-q"], env={"CXSCORE_MAX_SHEET_CELLS": "400"})
    assert allowed.exit_code == 0 and '"n":30' in allowed.stdout


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    padding = "<!--" + " " * (20 << 20) + "-->"  # 20 MiB that deflates to ~20 KB
    book = write_xlsx(tmp_path / "bomb.xlsx", sheet_xml(padding))
    assert book.stat().st_size < 100_000
    started = time.monotonic()
    assert_refused(invoke(["score", str(book)]), "xl/worksheets/sheet1.xml", "compressed more than 200:1", "CXSCORE_MAX_WORKBOOK_RATIO")
    assert time.monotonic() - started < 5


def test_a_bomb_that_lies_about_its_size_is_counted_as_it_inflates(tmp_path):
    # The archive declares the small sheet's sizes; the data inflates to 40 MiB.
    honest = sheet_xml()
    bomb = sheet_xml("<!--" + " " * (20 << 20) + "-->").encode()
    book = write_xlsx(tmp_path / "liar.xlsx", honest, raw_sheet=zlib.compress(bomb, 9)[2:-4])
    assert_refused(invoke(["score", str(book)]), "compressed more than 200:1")


def test_a_part_larger_than_the_size_limit_is_refused(tmp_path):
    rows = "".join(f'<row r="{i}"><c r="B{i}" t="inlineStr"><is><t>{os.urandom(40).hex()}</t></is></c></row>' for i in range(40, 20_000))
    book = write_xlsx(tmp_path / "big.xlsx", sheet_xml(rows))
    assert_refused(invoke(["score", str(book)], env={"CXSCORE_MAX_WORKBOOK_PART_MB": "1"}), "inflates to more than 1 MiB", "CXSCORE_MAX_WORKBOOK_PART_MB")


def test_a_bad_limit_setting_is_a_usage_error(tmp_path):
    book = write_xlsx(tmp_path / "ok.xlsx", sheet_xml())
    assert_refused(invoke(["score", str(book)], env={"CXSCORE_MAX_SHEET_CELLS": "lots"}), "CXSCORE_MAX_SHEET_CELLS='lots' is not a positive whole number")
    for value in ("²", "9" * 5000):  # both passed isdigit() and crashed int(): exit 1, "internal error: ValueError"
        assert_refused(invoke(["score", str(book)], env={"CXSCORE_MAX_SHEET_CELLS": value}), "CXSCORE_MAX_SHEET_CELLS=", "is not a positive whole number")


def test_a_bad_worker_count_is_a_usage_error(write_csv):
    # CXSCORE_WORKERS=abc was 'internal error: ValueError: invalid literal for int()', exit 1.
    path = write_csv([[NPS_HEADER], ["9"], ["3"]])
    assert_refused(invoke(["score", str(path), "-q"], env={"CXSCORE_WORKERS": "abc"}), "CXSCORE_WORKERS='abc' is not a positive whole number", "worker processes")


def test_a_normal_workbook_still_reads_and_the_sheet_option_picks_the_part(tmp_path):
    book = write_xlsx(tmp_path / "ok.xlsx", sheet_xml(dimension="A1:A31"))
    result = invoke(["score", str(book), "--sheet", "Responses", "-f", "json", "-q"], env=SMALL)
    assert result.exit_code == 0 and '"n":30' in result.stdout


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def write_ods(path: Path, *tables: tuple[str, str]) -> Path:
    """A minimal .ods: (table name, rows XML) in order."""
    body = "".join(f'<table:table table:name="{name}" table:style-name="ta1">{rows}</table:table>' for name, rows in tables)
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODS_NS} office:version="1.3"><office:body>'
               f"<office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
        archive.writestr("content.xml", content)
    return path


def ods_rows(extra: str = "", rows: int = 30) -> str:
    """An NPS column of ``rows`` answers as LibreOffice writes it: a column definition for all 1024
    columns, each row ended by its empty cells repeated, ``extra``, then the empty rows down to
    row 1,048,576 repeated."""
    def cell(value: int) -> str:
        return f'<table:table-cell office:value-type="float" office:value="{value}" calcext:value-type="float"><text:p>{value}</text:p></table:table-cell>'

    trailing = '<table:table-cell table:number-columns-repeated="1023"/>'
    header = ('<table:table-row table:style-name="ro1"><table:table-cell office:value-type="string" calcext:value-type="string">'
              f"<text:p>How likely are you to recommend us?</text:p></table:table-cell>{trailing}</table:table-row>")
    answers = "".join(f'<table:table-row table:style-name="ro1">{cell(i % 11)}{trailing}</table:table-row>\n' for i in range(rows))
    return (f'<table:table-column table:style-name="co1" table:number-columns-repeated="1024" table:default-cell-style-name="Default"/>{header}{answers}{extra}'
            f'<table:table-row table:style-name="ro1" table:number-rows-repeated="{1048575 - rows}"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>')


def test_an_ods_whose_valued_cells_repeat_is_refused_before_the_reader_allocates(tmp_path):
    # 1 KB: a row of one valued cell repeated 16,000 columns, the row repeated 6,000 times, took
    # 36 s and 8.9 GB; under a 4 GB address-space limit the reader aborted (exit 134).
    bomb = ('<table:table-row table:number-rows-repeated="6000"><table:table-cell table:number-columns-repeated="16000" '
            'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>')
    book = write_ods(tmp_path / "bomb.ods", ("Responses", ods_rows()), ("Sheet2", bomb))  # the reader loads every table on opening
    result, seconds = run_bounded(["score", str(book)])
    assert_refused(result, "bomb.ods", "'Sheet2'", "16,000 columns × 6,000 rows = 96,000,000 cells", "CXSCORE_MAX_SHEET_CELLS")
    assert seconds < 20


#: Read sizes for .ods content: whole, 7 bytes (every tag and attribute is cut between reads), 4 KiB (many rows a read, taken at once).
ODS_CHUNKS = [None, 7, 4096]


@pytest.mark.parametrize("chunk", ODS_CHUNKS)
def test_an_ods_with_the_empty_rows_and_columns_libreoffice_writes_still_scores(tmp_path, monkeypatch, chunk):
    from cxscore.sources import workbook_limits

    if chunk:
        monkeypatch.setattr(workbook_limits, "CHUNK", chunk)
    book = write_ods(tmp_path / "real.ods", ("Responses", ods_rows()), ("Notes", ods_rows(rows=5)))
    result = invoke(["score", str(book), "-f", "json", "-q"], env=SMALL)  # 1,048,576 × 1,024 cells written, 31 × 1 held
    assert result.exit_code == 0, result.stderr
    assert results_by_metric(result.stdout)["nps"]["n"] == 30


@pytest.mark.parametrize("chunk", ODS_CHUNKS)
@pytest.mark.parametrize("extra, where", [
    ('<table:table-row table:number-rows-repeated="2000"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>',
     "1 columns × 2,031 rows"),  # a valued row repeated
    ('<table:table-row><table:table-cell table:number-columns-repeated="1999"/><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>',
     "2,000 columns × 32 rows"),  # text without a value type, after empty cells repeated
    ('<table:table-row table:number-rows-repeated = \'2000\'><table:covered-table-cell/></table:table-row><table:table-row><table:table-cell '
     'office:value-type="string"><text:p>late</text:p></table:table-cell></table:table-row>', "1 columns × 2,032 rows"),  # empty rows before a value count
    ("<table:table-row>" + '<table:table-cell office:value-type="float" office:value="1"/>' * 40 + '<table:table-cell table:number-columns-repeated="984"/></table:table-row>',
     "40 columns × 32 rows"),  # a wide row among narrow ones
])
def test_a_stray_value_far_out_in_an_ods_is_refused(tmp_path, monkeypatch, chunk, extra, where):
    from cxscore.sources import workbook_limits

    if chunk:
        monkeypatch.setattr(workbook_limits, "CHUNK", chunk)
    book = write_ods(tmp_path / "stray.ods", ("Responses", ods_rows(extra, rows=300 if chunk == 4096 else 30)))
    if chunk == 4096:  # 300 answers: the stray row comes reads after the table's start
        where = where.replace("2,031", "2,301").replace("2,032", "2,302").replace("× 32 rows", "× 302 rows")
    assert_refused(invoke(["score", str(book)], env=SMALL), "stray.ods", "'Responses'", where, "more than the 1,000", "CXSCORE_MAX_SHEET_CELLS")


def test_greater_than_patterns_agree_with_numbers():
    import re

    from cxscore.sources.workbook_limits import _greater_digits, _greater_letters, column_letters, column_number

    for n in [0, 1, 9, 10, 99, 13378, 199999, 1048576]:
        pattern = re.compile(f"(?:{_greater_digits(n)})")
        for m in {0, 1, n - 1, n, n + 1, n * 10, 9, 10, 100, 999999, 1048577} - {-1}:
            if m > 0:
                assert bool(pattern.fullmatch(str(m))) == (m > n), (n, m)
    for n in [0, 1, 25, 26, 27, 702, 703, 16384]:
        pattern = re.compile(f"(?:{_greater_letters(n)})")
        for m in {1, 2, 26, 27, 52, 701, 702, 703, 16384, 16385, n, n + 1, max(n - 1, 1)}:
            letters = column_letters(m)
            assert column_number(letters.encode()) == m
            assert bool(pattern.fullmatch(letters)) == (m > n), (n, letters)
            assert bool(pattern.fullmatch(letters.lower())) == (m > n), (n, letters)


def test_every_limit_is_documented_with_its_default():
    from conftest import ROOT

    from cxscore import limits

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Limits and safety", 1)[1].split("\n## ", 1)[0]
    for limit in limits.ALL:
        assert f"| `{limit.env}` | {limit.default:,} |" in section, limit.env


# --- Config and benchmark files ---------------------------------------------------------------------------------------

SAMPLE_ARGS = ["score", "sample_data/survey_export.csv", "-q"]


def alias_bomb(levels: int) -> str:
    """A config whose column list holds nine copies of nine copies … of 'x' (9**levels values once expanded)."""
    lines = ["metrics:", "  - type: nps", "    column:", '      - &l0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"      - &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    # Its 43 million values hung the error message, which showed the repr() of the column.
    (tmp_path / "bomb.yaml").write_text(alias_bomb(8))
    result, seconds = run_bounded([*SAMPLE_ARGS, "-c", str(tmp_path / "bomb.yaml")], timeout=30)
    assert_refused(result, "aliases (*name) expand to more than 100,000 values", "CXSCORE_MAX_CONFIG_VALUES")
    assert seconds < 10


def test_a_value_in_a_message_is_shortened(tmp_path):
    (tmp_path / "small.yaml").write_text(alias_bomb(4))  # 6,561 values: under the limit, still not a column
    result = invoke([*SAMPLE_ARGS, "-c", str(tmp_path / "small.yaml")])
    assert_refused(result, "metrics[0].column: [['x', 'x', 'x', 'x', ...], [[...]")
    assert len(result.stderr) < 400


def test_deeply_nested_yaml_is_refused_with_a_message(tmp_path):
    (tmp_path / "deep.yaml").write_text("metrics: " + "[" * 5000 + "\n")  # a RecursionError: exit 1
    assert_refused(invoke([*SAMPLE_ARGS, "-c", str(tmp_path / "deep.yaml")]), "nesting deeper than 50 levels at line 1", "CXSCORE_MAX_CONFIG_DEPTH")


def test_a_recursive_alias_is_named(tmp_path):
    (tmp_path / "loop.yaml").write_text("metrics:\n  - type: nps\n    column: &c [*c]\n")
    assert_refused(invoke([*SAMPLE_ARGS, "-c", str(tmp_path / "loop.yaml")]), "an alias (*name) at line 3 refers to a value that contains it")


def test_an_endless_config_file_is_refused_by_its_size():
    # -c /dev/zero read until MemoryError (3.3 GB).
    result, _ = run_bounded([*SAMPLE_ARGS, "-c", "/dev/zero"])
    assert_refused(result, "/dev/zero: the config file is larger than 1,024 KiB", "CXSCORE_MAX_CONFIG_KB")


def test_a_key_given_twice_is_an_error_naming_it_and_its_lines(tmp_path):
    # `type: nps … type: csat` scored CSAT, silently (issue 10).
    (tmp_path / "dup.yaml").write_text("metrics:\n  - type: nps\n    column: How likely\n    type: csat\n")
    assert_refused(invoke([*SAMPLE_ARGS, "-c", str(tmp_path / "dup.yaml")]), "the key 'type' is given twice in one mapping (lines 2 and 4)")


def test_merge_keys_may_still_override_what_they_merge(tmp_path):
    (tmp_path / "merge.yaml").write_text("metrics:\n  - <<: {type: nps, column: {match: satisf}}\n    column: {match: recommend}\n")
    result = invoke([*SAMPLE_ARGS, "-f", "json", "-c", str(tmp_path / "merge.yaml")])
    assert result.exit_code == 0, result.stderr
    assert '"column":"How likely are you to recommend Acme' in result.stdout


BENCHMARK_ROW = "{{id: {id}, metric: nps, industry: test, value: 10, scale: nps, year: {year}, quality: P, kind: average, source: s}}"


@pytest.mark.parametrize("rows, phrase", [
    ([("a", "99999999999999999999999")], "benchmarks[0].year: expected `int` <= 2100"),
    ([("a", "2020"), ("a", "2021")], "benchmarks[1].id: 'a' is the id of benchmarks[0] too"),
])
def test_a_benchmark_file_with_an_impossible_year_or_a_repeated_id_is_refused(tmp_path, rows, phrase):
    text = "benchmarks:\n" + "".join(f"  - {BENCHMARK_ROW.format(id=i, year=y)}\n" for i, y in rows)
    (tmp_path / "b.yaml").write_text(text)
    assert_refused(invoke([*SAMPLE_ARGS, "--benchmarks-file", str(tmp_path / "b.yaml"), "--benchmark", "test"]), phrase)


# --- Worker processes ------------------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_workers_end_when_the_main_process_is_killed_by_pid(tmp_path, write_csv, how):
    # Killed by PID (not the process group), the main process left its workers waiting on their pipes for good.
    import signal

    # Two files with different content: a file given twice (same content) is read once, by one worker.
    files = [str(write_csv([[NPS_HEADER]] + [[str((i + k) % 11)] for i in range(2000)], name=f"part{k}.csv")) for k in range(2)]
    stdin_rows = "How likely are you to recommend us?\n" + "7\n" * 600_000  # more than the 1 MiB sample; then no end
    process = subprocess.Popen(
        [sys.executable, "-m", "cxscore", "score", *files, "-", "-q"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env={**os.environ, "CXSCORE_WORKERS": "2"},
    )
    workers: list[int] = []
    try:
        process.stdin.write(stdin_rows.encode())
        process.stdin.flush()
        deadline = time.monotonic() + 30
        while len(workers := _children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) >= 2, "the run did not start its workers"
        time.sleep(0.3)  # the workers have tallied the two files and wait for more work
        process.send_signal(getattr(signal, how))
        process.wait(10)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
    finally:
        process.kill()
        process.stdin.close()
        for pid in workers + _children(process.pid):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


# --- Text inputs: header, records, binary data, UTF-16, byte-order marks ----------------------------------------------

NPS_HEADER = "How likely are you to recommend us?"


def json_of(result) -> dict:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_duplicate_header_names_are_renamed_in_linear_time():
    from cxscore.sources.base import unique_headers

    started = time.monotonic()
    names = unique_headers(["x"] * 8000 + ["x (2)", "x", ""])  # took 15–29 s
    assert time.monotonic() - started < 1
    assert names[:3] == ["x", "x (2)", "x (3)"] and names[7999] == "x (8000)"
    assert names[8000:] == ["x (2) (2)", "x (8001)", "column_8003"]
    assert len(set(names)) == len(names)


def test_a_header_row_longer_than_the_limit_is_named(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(f"{NPS_HEADER},{'c' * 1_200_000}\n" + "7,x\n" * 5)
    assert_refused(invoke(["score", str(path)]), "the header row does not end within the first 1 MiB", "CXSCORE_MAX_HEADER_MB")
    data = json_of(invoke(["score", str(path), "-f", "json", "-q"], env={"CXSCORE_MAX_HEADER_MB": "2"}))
    assert data["results"][0]["n"] == 5


def long_record_file(path: Path, mib: float, rows_around: int = 50) -> Path:
    rows = [f"{i % 11},short\n" for i in range(rows_around)]
    text = f"{NPS_HEADER},Comment\n" + "".join(rows) + '7,"' + "a long comment, " * int(mib * (1 << 20) / 16) + '"\n' + "".join(rows)
    path.write_text(text)
    return path


def test_a_record_longer_than_the_block_is_read_with_a_larger_block(tmp_path):
    # A valid 3 MiB comment was refused: "cannot parse … straddling object".
    data = json_of(invoke(["score", str(long_record_file(tmp_path / "long.csv", 3)), "-f", "json", "-q"]))
    assert data["inputs"][0]["rows"] == 101 and data["results"][0]["n"] == 101


def test_a_record_beyond_the_record_limit_is_refused_with_the_limit(tmp_path):
    path = long_record_file(tmp_path / "long.csv", 3)
    assert_refused(invoke(["score", str(path), "-q"], env={"CXSCORE_MAX_RECORD_MB": "1"}), "is longer than 1 MiB blocks allow", "CXSCORE_MAX_RECORD_MB")
    later = long_record_file(tmp_path / "later.csv", 3, rows_around=200)  # beyond the first rows, which set standard input's block
    piped, _ = run_bounded(["score", "-", "-q"], input=later.read_bytes())
    assert_refused(piped, "<stdin>: a record", "longer than the 1 MiB block", "save it to a file")


def first_and_later_long_record_files(tmp_path: Path, mib: float) -> tuple[Path, Path]:
    """The same 51 answers with a ``mib`` MiB comment in the first data row, and with it moved to the end."""
    rows = "".join(f"{i % 11},short\n" for i in range(50))
    long = '7,"' + "a long comment, " * int(mib * (1 << 20) / 16) + '"\n'
    first, later = tmp_path / "first.csv", tmp_path / "later.csv"
    first.write_text(f"{NPS_HEADER},Comment\n" + long + rows)
    later.write_text(f"{NPS_HEADER},Comment\n" + rows + long)
    return first, later


def test_a_first_record_longer_than_the_sample_is_detected_and_scored(tmp_path):
    # The 1 MiB sample held only the header: "no NPS, CSAT or CES column found … no answers in the first rows".
    first, later = first_and_later_long_record_files(tmp_path, 3)
    scored = [json_of(invoke(["score", str(path), "-f", "json", "-q"])) for path in (first, later)]
    (a,), (b,) = (data["results"] for data in scored)
    assert scored[0]["inputs"][0]["rows"] == scored[1]["inputs"][0]["rows"] == 51
    assert a["n"] == b["n"] == 51 and a["value"] == b["value"]
    piped, _ = run_bounded(["score", "-", "-f", "json", "-q"], input=first.read_bytes())  # standard input grows its sample and block too
    assert piped.returncode == 0, piped.stderr
    (c,) = json.loads(piped.stdout)["results"]
    assert c["n"] == 51 and c["value"] == a["value"]


def test_a_first_record_beyond_the_record_limit_is_named(tmp_path):
    first, _ = first_and_later_long_record_files(tmp_path, 3)
    message = "first.csv: the first record after the header does not end within the first 2 MiB"
    assert_refused(invoke(["score", str(first), "-q"], env={"CXSCORE_MAX_RECORD_MB": "2"}), message, "CXSCORE_MAX_RECORD_MB")
    piped, _ = run_bounded(["score", "-", "-q"], env={"CXSCORE_MAX_RECORD_MB": "2"}, input=first.read_bytes())
    assert_refused(piped, "<stdin>: the first record after the header does not end within the first 2 MiB", "CXSCORE_MAX_RECORD_MB")


def test_a_sample_of_normal_rows_is_not_read_again():
    from cxscore.model import InputInfo
    from cxscore.sources.text import CsvSource

    def more(size: int):
        raise AssertionError(f"read again ({size} bytes)")

    sample = (f"{NPS_HEADER},Comment\n" + "7,short\n" * 200).encode()  # an incomplete sample of normal rows
    source = CsvSource(lambda: None, sample, False, InputInfo(path="x.csv", format="csv"), None, more=more)
    assert len(source.sample) == 199  # the last, maybe cut-off record is left out
    grown = []
    long = (f'{NPS_HEADER},Comment\n7,"{"x" * 5000}"\n').encode()
    CsvSource(lambda: None, long, False, InputInfo(path="x.csv", format="csv"), None, more=lambda size: grown.append(size) or (long + b"7,a\n" * 5, True))
    assert grown == [len(long) * 4]


def test_random_bytes_are_called_binary_data(tmp_path):
    import random

    path = tmp_path / "export.csv"
    path.write_bytes(random.Random(3).randbytes(20_000))  # "could not tell the text encoding" / "a header but no data rows"
    assert_refused(invoke(["score", str(path)]), "export.csv is not a text (CSV) file or an Excel workbook", "binary control bytes")


@pytest.mark.parametrize("encoding, header, channel", [("utf-16-le", NPS_HEADER, "Chat"), ("utf-16-be", "您向朋友推荐我们的可能性", "在线客服")])
def test_utf16_without_a_byte_order_mark_is_recognised(tmp_path, encoding, header, channel):
    path = tmp_path / "export.csv"
    path.write_bytes((f"{header},渠道\n" + "".join(f"{i % 11},{channel}\n" for i in range(40))).encode(encoding))  # "no NPS, CSAT or CES column found"
    data = json_of(invoke(["score", str(path), "-f", "json", "-q"]))
    assert data["inputs"][0]["encoding"] == encoding
    assert data["results"][0]["n"] == 40


def test_a_byte_order_mark_inside_the_file_is_not_kept_in_a_cell(tmp_path):
    path = tmp_path / "joined.csv"  # two exports joined with cat: the second one's mark is mid-file
    path.write_bytes(f"{NPS_HEADER},Channel\n9,Chat\n".encode() + codecs_bom() + b"10,Email\n" + codecs_bom() + b"3,Chat\n")
    data = json_of(invoke(["score", str(path), "-f", "json", "-q", "--by", "Channel"]))
    assert [(r["segment"], r["n"], r["invalid"]) for r in data["results"]] == [({}, 3, 0), ({"Channel": "Chat"}, 2, 0), ({"Channel": "Email"}, 1, 0)]


def codecs_bom() -> bytes:
    import codecs

    return codecs.BOM_UTF8


@pytest.mark.parametrize("buffer", [1, 2, 3, 5, 7, 64])
def test_byte_order_marks_cut_between_reads_are_dropped_whole(buffer):
    import io

    from cxscore.sources.text import _WithoutBoms

    bom = codecs_bom()
    data = bom + b"a,b\n" + bom + b"1," + bom + bom + b"2\n\xef\xbb" + b"x\xef" + bom
    with io.BufferedReader(_WithoutBoms(io.BytesIO(data)), buffer_size=buffer) as stream:
        assert stream.read() == b"a,b\n1,2\n\xef\xbbx\xef"


# --- Files with an Excel name that are not workbooks ------------------------------------------------------------------

WJX_HTML = """<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><style>td {mso-number-format:"\\@";}</style></head>
<body><table border="1">
<tr><th>序号</th><th>提交答卷时间</th><th>1、您向朋友推荐我们的可能性</th><th colspan="2">2、备注</th></tr>
<tr><td>1</td><td>2025/3/1 10:00:00</td><td>9</td><td>很好&amp;快<br>谢谢</td><td></td></tr>
<tr><td>2</td><td>2025/3/2 10:00:00</td><td>10</td><td></td><td></td></tr>
<tr><td>3</td><td>2025/3/3 10:00:00</td><td>3</td><td><table><tr><td>inner</td></tr></table>慢</td><td></td></tr>
</table></body></html>
"""


def test_an_html_table_saved_as_xls_is_read_as_the_table_it_is(tmp_path):
    # 问卷星 and older exports write .xls downloads as HTML: "not a readable Excel workbook (Cfb error …)".
    path = tmp_path / "问卷星.xls"
    path.write_bytes(WJX_HTML.encode("gb2312"))
    result = invoke(["score", str(path), "-f", "json", "--by", "2、备注"])
    data = json_of(result)
    assert "is an HTML page saved with an Excel name" in result.stderr
    source = data["inputs"][0]
    assert (source["format"], source["rows"], source["layout"]) == ("html", 3, "wjx")
    assert "its text in gb18030" in source["encoding_reason"]
    rows = {tuple(r["segment"].values()): r["n"] for r in data["results"]}
    assert rows[()] == 3 and rows[("慢",)] == 1  # the nested table's text is not a cell of its own
    assert len(rows) == 4  # everyone, 很好&快 谢谢, (blank), 慢


def test_an_html_cell_span_that_is_no_number_counts_as_one_column(tmp_path):
    # colspan="&#178;" (²) passed isdigit() and crashed int(): exit 1, "internal error: ValueError".
    path = tmp_path / "export.xls"
    plain = "<tr><td>2</td><td>10</td><td></td><td></td><td></td></tr><tr><td>3</td><td>6</td><td></td><td></td><td></td></tr>"
    cells = '<td colspan="&#178;">9</td><td colspan="%s">x</td><td colspan="0002">y</td>' % ("1" * 5000)
    path.write_text(f"<html><body><table><tr><th>id</th><th>nps</th><th>a</th><th>b</th><th>c</th></tr><tr><td>1</td>{cells}</tr>{plain}</table></body></html>")
    result = invoke(["score", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    source = json_of(result)["inputs"][0]
    assert (source["rows"], source["malformed_rows"]) == (2, 1)  # the 5,000-digit span is capped at 1,000 columns: too many fields


def test_an_html_table_saved_as_xls_passes_strict_when_its_answers_do(tmp_path):
    # Reading the table is no guess: --strict failed every such file, hinting "confirm a guessed encoding".
    path = tmp_path / "问卷星.xls"
    path.write_bytes(WJX_HTML.encode("gb2312"))
    result = invoke(["score", str(path), "--strict", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert any("is an HTML page saved with an Excel name" in w for w in json_of(result)["warnings"])


def test_an_html_table_without_a_charset_is_decoded_as_a_csv_file_would_be(tmp_path):
    # Not UTF-8 was taken for GB18030: "Müller" (M\xfcller) decodes as GBK too and became "M黮er" silently.
    page = ("<html><body><table><tr><th>Agent</th><th>How likely are you to recommend us?</th></tr>"
            + "".join(f"<tr><td>{agent}</td><td>{score}</td></tr>" for agent, score in [("Müller", 9), ("José", 10), ("Zoë", 3)] * 5)
            + "</table></body></html>")
    path = tmp_path / "export.xls"
    path.write_bytes(page.encode("cp1252"))
    data = json_of(invoke(["score", str(path), "--by", "Agent", "-f", "json", "-q"]))
    assert {r["segment"].get("Agent") for r in data["results"]} == {None, "Müller", "José", "Zoë"}
    assert "its text in cp1252 (not UTF-8; decodes as cp1252 and the text is Western European)" in data["inputs"][0]["encoding_reason"]


def test_an_excel_2003_xml_spreadsheet_is_named_with_the_way_to_convert_it(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text('<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>')
    assert_refused(invoke(["score", str(path)]), "is an Excel 2003 XML spreadsheet", "save it as .xlsx")


def test_a_password_protected_xls_is_named_as_such(tmp_path):
    import python_calamine

    from cxscore.sources.excel import ExcelSource

    # calamine's words for a legacy .xls (or .ods) with a password; an encrypted .xlsx is an OLE file and named before.
    (tmp_path / "x.xls").write_bytes(bytes(16))
    message, hint = ExcelSource._why_unreadable(tmp_path / "x.xls", "x.xls", python_calamine.CalamineError("Workbook is password protected"))
    assert message == "x.xls is password-protected (encrypted) and cannot be read" and "remove the password" in hint


# --- Breakdowns too large to be a report ------------------------------------------------------------------------------


def test_a_breakdown_by_free_text_stops_at_the_group_limit_instead_of_running_out_of_memory(write_csv):
    # --by on a 3M-row free-text column ran out of memory after 82 s (now: exit 2 after 3.6 s, 263 MB).
    path = write_csv([[NPS_HEADER, "Comment"]] + [[str(i % 11), f"free text {i}"] for i in range(20_000)])
    started = time.monotonic()
    result = invoke(["score", str(path), "--by", "Comment", "-q"], env={"CXSCORE_MAX_GROUPS": "1000"})
    assert_refused(result, "--by Comment makes more than 1,000 groups", "CXSCORE_MAX_GROUPS=N")
    assert time.monotonic() - started < 10


def test_the_group_limit_holds_for_the_parts_together(write_csv):
    files = [str(write_csv([[NPS_HEADER, "Agent"]] + [[str(i % 11), f"agent {k}-{i}"] for i in range(600)], name=f"f{k}.csv")) for k in range(2)]
    env = {"CXSCORE_MAX_GROUPS": "1000", "CXSCORE_WORKERS": "1"}
    assert_refused(invoke(["score", *files, "--by", "Agent", "-q"], env=env), "--by Agent makes more than 1,000 groups")
    within = invoke(["score", files[0], "--by", "Agent", "-q", "-f", "json"], env=env)
    assert within.exit_code == 0


def test_a_damaged_archive_is_named_before_the_reader_sees_it(tmp_path):
    book = write_xlsx(tmp_path / "damaged.xlsx", sheet_xml(), raw_sheet=b"\xff" * 64)  # the sheet's data does not inflate
    assert_refused(invoke(["score", str(book)]), "damaged.xlsx: the workbook is damaged (part xl/worksheets/sheet1.xml does not inflate)")
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(write_xlsx(tmp_path / "whole.xlsx", sheet_xml()).read_bytes()[:-40])  # the end of the directory is cut
    result = invoke(["score", str(truncated)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_thousands_of_where_values_that_match_nothing_are_one_short_line_at_once(write_csv):
    """20,000 --where values took 78 s (a fuzzy match of each against every value seen) and wrote a 400 KB line."""
    path = write_csv([["How likely are you to recommend us?", "customer"]] + [[str(i % 11), f"c{i}"] for i in range(2000)])
    started = time.monotonic()
    result = invoke(["score", str(path), "-q"] + [f"--where=customer=v{i}" for i in range(3000)])
    assert time.monotonic() - started < 3
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr[:300]
    assert "'v11' or … (3,000 in all); values are" in result.stderr and len(result.stderr) < 1500


def test_a_real_export_in_utf16_without_a_byte_order_mark_is_recognised(tmp_path):
    """The sample export (English, several columns) as BOM-less UTF-16: 'no NPS, CSAT or CES column found'
    before NUL high bytes were recognised (the two-column case above was guessed right even then)."""
    path = tmp_path / "export.csv"
    path.write_bytes("\n".join(SAMPLE.read_text(encoding="utf-8-sig").splitlines()[:60]).encode("utf-16-le"))
    data = json_of(invoke(["score", str(path), "-f", "json", "-q"]))
    assert data["inputs"][0]["encoding"] == "utf-16-le"
    assert [r["metric"] for r in data["results"]] == ["nps", "csat", "ces"]


def test_standard_input_open_only_for_writing_is_one_line_and_exit_2(tmp_path):
    """`cxscore score - 0>file` (or a wrapper that reopened a closed fd 0 for writing): 'internal error: OSError', exit 1."""
    with open(tmp_path / "out.txt", "wb") as write_only:
        result = subprocess.run([sys.executable, "-m", "cxscore", "score", "-"], stdin=write_only, capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == ["error: cannot read <stdin>: Bad file descriptor — pipe an export into cxscore (cat export.csv | cxscore score -), or give a file path"]


def test_stray_nul_bytes_in_a_utf8_export_keep_it_utf8_and_are_shown_escaped(tmp_path):
    """NULs kept the UTF-8 check out: 'text encoding guessed as utf-8 (not UTF-8, …)' and --strict refused it."""
    path = tmp_path / "export.csv"
    path.write_bytes(b"How likely are you to recommend us?,Channel\n" + b"".join(f"{i % 11},Ch\0at\n".encode() for i in range(40)))
    result = invoke(["score", str(path), "--by", "Channel", "--strict", "-f", "json"])
    data = json_of(result)
    assert data["inputs"][0]["encoding"] == "utf-8" and "guessed" not in result.stderr
    assert invoke(["score", str(path), "--by", "Channel", "-q"], env={"NO_COLOR": "1"}).stdout.count("Ch\\x00at") == 1
