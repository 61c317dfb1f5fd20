"""The Excel report and benchmarks (library, CLI and real processes); targets are in test_targets.py, alerts in test_alerts.py."""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from cxscore import benchmarks
from cxscore.errors import ConfigError, CxError
from cxscore.pipeline import Options, score
from conftest import SAMPLE, invoke, run_process

SHEETS = ["Dashboard", "Summary", "Trend", "Segments", "Segments × period", "Distribution", "Comments", "Drivers", "Data quality", "Settings"]


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.xlsx"
    result = invoke(["report", str(SAMPLE), "--output", str(out), "--by", "channel", "--period", "month", "--benchmark", "retail", "--fail-under", "nps=5"])
    assert result.exit_code == 0, result.stderr
    return out  # read for its content; exit codes and files through real processes are the tests below


def test_sheets_numbers_and_layout(workbook_path):
    wb = openpyxl.load_workbook(workbook_path)
    assert wb.sheetnames == SHEETS
    summary = wb["Summary"]
    header = [c.value for c in summary[1]]
    assert header[:5] == ["Metric", "Type", "Column", "n", "Score"]
    first = {h: c for h, c in zip(header, summary[2])}
    assert first["Metric"].value == "nps"
    for name in ("n", "Score", "CI low", "CI high", "Benchmark", "Gap", "Target"):
        assert isinstance(first[name].value, (int, float)), name
    assert first["Score"].number_format == "+0.0;-0.0;0.0" and first["n"].number_format == "#,##0"
    assert first["Status"].value == "met" and "XM Institute" in first["Benchmark source"].value
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref.startswith("A1:")
    trend = wb["Trend"]
    assert [trend.cell(row=r, column=1).value for r in range(2, 8)] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert all(isinstance(trend.cell(row=r, column=2).value, float) for r in range(2, 8))


def test_trend_headers_stand_over_their_numbers_and_metrics_stand_apart(workbook_path):
    """The Trend headers were left-aligned over right-aligned numbers, so they ran together (``nps Δ
    previous nps Mark csat Score``, closing note 8): a number's header is now right-aligned like its
    numbers, Mark centred, the change kept a space from it, and a line stands left of each metric's columns."""
    ws = openpyxl.load_workbook(workbook_path)["Trend"]
    header = {c.value: c for c in ws[1]}
    for metric in ("nps", "csat", "ces"):
        for field in ("Score", "CI low", "CI high", "n", "Δ previous"):
            assert header[f"{metric} {field}"].alignment.horizontal == "right", (metric, field)
        assert header[f"{metric} Δ previous"].alignment.indent == 1 and ws.cell(row=3, column=header[f"{metric} Δ previous"].column).alignment.indent == 1
        mark = header[f"{metric} Mark"].column
        assert {ws.cell(row=r, column=mark).alignment.horizontal for r in range(1, 8)} == {"center"}
        score = header[f"{metric} Score"].column
        assert all(ws.cell(row=r, column=score).border.left.style == "thin" for r in range(1, 8)), metric
        assert ws.cell(row=2, column=score + 1).border.left.style is None  # only between metrics
    assert header["Period"].alignment.horizontal in (None, "general")


def _ref(categories) -> str:
    """A chart's category range, however openpyxl read it back (text or number reference)."""
    return (categories.strRef or categories.numRef or categories.multiLvlStrRef).f


def test_charts_point_at_the_right_ranges(workbook_path):
    wb = openpyxl.load_workbook(workbook_path)
    trend = wb["Trend"]._charts
    assert len(trend) == 3  # one line chart per metric
    # Column B holds nps scores for the six months (rows 2–7), then its target; column I csat's; categories are the periods.
    assert [c.series[0].val.numRef.f for c in trend] == ["'Trend'!$B$2:$B$7", "'Trend'!$I$2:$I$7", "'Trend'!$O$2:$O$7"]
    assert _ref(trend[0].series[0].cat) == "'Trend'!$A$2:$A$7"
    assert wb["Trend"]["B1"].value == "nps Score" and wb["Trend"]["I1"].value == "csat Score"
    segments = wb["Segments"]._charts
    assert [c.series[0].val.numRef.f for c in segments] == ["'Segments'!$D$2:$D$5", "'Segments'!$D$6:$D$9", "'Segments'!$D$10:$D$13"]
    assert _ref(segments[0].series[0].cat) == "'Segments'!$B$2:$B$5"
    stacked = wb["Distribution"]._charts
    # Everyone and the segments in one chart, the periods in another: never mixed.
    assert len(stacked) == 2 and all(c.grouping == "percentStacked" and len(c.series) == 3 for c in stacked)
    assert [s.val.numRef.f for s in stacked[0].series] == ["'Distribution'!$H$2:$H$6", "'Distribution'!$I$2:$I$6", "'Distribution'!$J$2:$J$6"]
    assert stacked[1].series[0].val.numRef.f == "'Distribution'!$H$19:$H$24"


def test_conditional_formatting_is_present(workbook_path):
    wb = openpyxl.load_workbook(workbook_path)
    assert [str(r.sqref) for r in wb["Summary"].conditional_formatting] == ["N2:N4", "K2:K4"]  # status, gap
    assert [str(r.sqref) for r in wb["Segments"].conditional_formatting] == ["I2:I13"]  # ▲ ▼ marks
    rules = [rule for cf in wb["Summary"].conditional_formatting for rule in cf.rules]
    assert {tuple(r.formula) for r in rules} >= {('"met"',), ('"missed"',)}


def test_rendering_twice_gives_the_same_workbook_but_the_time(tmp_path):
    outputs = []
    for name in ("a.xlsx", "b.xlsx"):
        out = tmp_path / name
        assert run_process(["report", str(SAMPLE), "-o", str(out), "--by", "region"]).returncode == 0
        outputs.append(openpyxl.load_workbook(out))
    for sheet in SHEETS:
        a = [[c.value for c in row] for row in outputs[0][sheet].iter_rows()]
        b = [[c.value for c in row] for row in outputs[1][sheet].iter_rows()]
        if sheet == "Settings":
            a = [r for r in a if r[0] != "Generated"]
            b = [r for r in b if r[0] != "Generated"]
        assert a == b, sheet


def test_chinese_labels_and_placeholders(tmp_path):
    result = invoke(["report", str(SAMPLE), "-o", str(tmp_path / "cx-{date}-{period}.xlsx"), "--lang", "zh", "--period", "quarter", "-q"])
    assert result.exit_code == 0, result.stderr
    made = list(tmp_path.glob("cx-*-2025-Q2.xlsx"))
    assert len(made) == 1
    wb = openpyxl.load_workbook(made[0])
    assert wb.sheetnames == ["看板", "概览", "趋势", "细分", "细分 × 周期", "分布", "评论", "驱动因素", "数据质量", "设置"]
    assert wb["概览"]["A1"].value == "指标"


def test_output_that_is_an_input_is_refused(tmp_path):
    source = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Satisfaction"])
    workbook.active.append([5])
    workbook.save(source)
    before = source.read_bytes()
    result = run_process(["report", str(source), "--output", str(source)])
    assert result.returncode == 2 and b"is one of the inputs" in result.stderr
    assert source.read_bytes() == before


def test_settings_record_inputs_with_sha256(workbook_path):
    import hashlib

    ws = openpyxl.load_workbook(workbook_path)["Settings"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() in values


def test_the_settings_sheet_walks_the_settings_fields(workbook_path):
    from dataclasses import fields

    from cxscore.settings import Settings

    ws = openpyxl.load_workbook(workbook_path)["Settings"]
    keys = [row[0].value for row in ws.iter_rows(min_row=4, max_row=17)]  # after the header, version and generation time
    shown = [f.name for f in fields(Settings) if f.metadata.get("sheet")]
    assert keys == shown == ["confidence", "nps_interval", "nps_test", "baseline", "trend", "min_n", "by", "period", "date_column", "weight", "where", "since", "until", "benchmark"]


def test_settings_keep_the_config_found_in_the_working_directory(tmp_path):
    from conftest import ROOT

    (tmp_path / "cxscore.yaml").write_text((ROOT / "config.example.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = run_process(["report", str(SAMPLE), "-o", "r.xlsx"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Settings"]
    lines = [row[0].value for row in ws.iter_rows()]
    assert "Config" in lines and any(str(line).startswith("metrics:") for line in lines)


# --- benchmarks in the library ---


def test_benchmark_gap_and_position():
    report = score([str(SAMPLE)], options=Options(benchmark="retail"))
    nps, csat, ces = report.results
    assert nps.benchmark["id"] == "xmi-2022-retail" and nps.benchmark["value"] == 28.4
    assert nps.benchmark["gap"] == pytest.approx(nps.value - 28.4) and nps.benchmark["position"] == "below"
    assert csat.benchmark["id"] == "zendesk-2014-retail" and csat.benchmark["year"] == 2014
    assert ces.benchmark is None  # no sourced CES benchmark exists


def test_bundled_benchmarks_are_valid_and_sourced():
    rows = benchmarks.bundled()
    assert len(rows) > 40 and len({r.id for r in rows}) == len(rows)
    for row in rows:
        assert row.source and (row.year or row.kind == "convention")
        lo, hi = benchmarks.SCALE_RANGES[row.scale]
        assert lo <= row.value <= hi
    assert all(r.scale == "acsi" for r in rows if r.metric == "acsi")  # an index, kept apart from CSAT %
    with pytest.raises(CxError, match="no sourced CES benchmark"):
        benchmarks.choose(rows, "ces", "retail")


def test_user_benchmark_file_extends_or_replaces(tmp_path):
    own = tmp_path / "b.yaml"
    own.write_text("benchmarks:\n  - {id: xmi-2022-retail, metric: nps, industry: Retail, value: 40, scale: nps, year: 2024, quality: P, kind: average, source: Our panel}\n  - {id: ours, metric: nps, industry: Our peers, value: 12, scale: nps, year: 2025, quality: P, kind: average, source: Peer study}\n", encoding="utf-8")
    rows = benchmarks.load(str(own))
    assert benchmarks.choose(rows, "nps", "retail").value == 40 and benchmarks.choose(rows, "nps", "peers").id == "ours"
    own.write_text("replace_bundled: true\nbenchmarks:\n  - {id: ours, metric: nps, industry: Our peers, value: 12, scale: nps, year: 2025, quality: P, kind: average, source: Peer study}\n", encoding="utf-8")
    assert [r.id for r in benchmarks.load(str(own))] == ["ours"]
    own.write_text("benchmarks:\n  - {id: x, metric: nps, industry: X, value: 140, scale: nps, year: 2025, quality: P, kind: average, source: S}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"b\.yaml: benchmarks\[0\]\.value: 140\.0 is outside the nps scale"):
        benchmarks.load(str(own))
    own.write_text("benchmarks:\n  - {id: x, metric: nps, industry: X, value: 40, scale: nps, yaer: 2025, quality: P, kind: average, source: S}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"benchmarks\[0\]\.yaer: unknown key; did you mean 'year'\?"):
        benchmarks.load(str(own))


def test_unreadable_benchmark_file_is_a_clear_error(tmp_path):
    latin = tmp_path / "b.yaml"
    latin.write_bytes("benchmarks:\n  - {id: café}\n".encode("latin-1"))
    result = run_process(["benchmarks", "--benchmarks-file", str(latin)])
    assert result.returncode == 2 and b"is not UTF-8 text" in result.stderr and b"Traceback" not in result.stderr
    result = run_process(["benchmarks", "--benchmarks-file", str(tmp_path)])
    assert result.returncode == 2 and b"benchmark file path is a directory" in result.stderr


def test_benchmarks_command():
    result = invoke(["benchmarks", "--metric", "nps", "--industry", "grocery", "-f", "json"])
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} == {"xmi-2023-grocery", "xmi-2022-grocery", "xmi-2021-grocery"}
    assert all(r["source"] and r["year"] for r in rows)
    table = invoke(["benchmarks", "--metric", "acsi"]).stdout
    assert "ACSI" in table or "acsi" in table


def test_unwritable_output_is_a_clear_input_error(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")
    result = run_process(["report", str(SAMPLE), "-o", str(blocked / "r.xlsx")])
    assert result.returncode == 2 and b"cannot write" in result.stderr and b"Traceback" not in result.stderr
    config = run_process(["inspect", str(SAMPLE), "--write-config", str(blocked / "c.yaml")])
    assert config.returncode == 2 and b"cannot write" in config.stderr


def test_a_report_written_into_a_folder_of_inputs_is_refused(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    workbook = openpyxl.Workbook()
    workbook.active.append(["Satisfaction"])
    workbook.active.append([5])
    workbook.save(folder / "old.xlsx")
    result = run_process(["report", str(folder), "-o", str(folder / "old.xlsx")])
    assert result.returncode == 2 and b"is one of the inputs" in result.stderr


@pytest.mark.skipif(__import__("os").name != "posix", reason="POSIX permissions")
def test_outputs_get_ordinary_permissions_not_the_temporary_files(tmp_path):
    import os
    import stat

    from cxscore.render.output import atomic_path

    fresh = tmp_path / "new.txt"
    old_mask = os.umask(0o022)
    try:
        with atomic_path(fresh) as temporary:
            temporary.write_text("x", encoding="utf-8")
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # mkstemp makes 0600; a shared report must not stay so
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    with atomic_path(kept) as temporary:
        temporary.write_text("new", encoding="utf-8")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text(encoding="utf-8") == "new"


def _table_text(report, width: int) -> str:
    import io

    from rich.console import Console

    from cxscore.render import table

    buffer = io.StringIO()
    table.render(report, Console(file=buffer, width=width, no_color=True, highlight=False))
    return buffer.getvalue()


@pytest.mark.parametrize("width", [80, 120])
def test_summary_fits_narrow_terminals_with_long_text_under_the_table(width):
    report = score(["sample_data/survey_export.csv"])
    narrow = _table_text(report, width)
    assert max(len(line.rstrip()) for line in narrow.splitlines()) <= width
    # every number stays whole on one line; the question text and details follow the table in full
    for row in report.results:
        assert f"│ {row.n:,} │" in narrow.replace("  ", " ").replace("  ", " ")
    assert "│ +10.5 │" in narrow and "│ 57.3% │" in narrow
    assert "  Column: How likely are you to recommend Acme to a friend or colleague?" in narrow
    assert "  Details: promoters 37.6% · passives 35.3% · detractors 27.1%" in narrow
    wide = _table_text(report, 200)
    assert "Details" in wide.splitlines()[2] and "  Column:" not in wide  # wide terminals keep one table
    assert "promoters 37.6% · passives 35.3% · detractors 27.1%" in wide


def test_the_delta_cell_is_coloured_not_its_neighbours():
    """▲ green / ▼ red colour the Δ cell (the p adj. cell was coloured after the Detectable column came)."""
    import io

    from rich.console import Console

    from cxscore.render import table

    buffer = io.StringIO()
    report = score(["sample_data/survey_export.csv"], options=Options(by=["Channel"]))
    table.render(report, Console(file=buffer, width=200, force_terminal=True, color_system="standard", highlight=False))
    text = buffer.getvalue()
    assert "\x1b[31m-39.6 ▼" in text and "\x1b[32m+31.7 ▲" in text  # Chat below the rest (NPS), Email above
    assert "\x1b[31m<0.001" not in text and "\x1b[32m<0.001" not in text


def test_breakdowns_at_80_columns_keep_every_cell_on_one_line():
    """With the Detectable column a breakdown needs 88 columns: the padding goes before any interval wraps."""
    report = score(["sample_data/survey_export.csv"], options=Options(by=["Channel"], period="month", metrics=["nps"]))
    narrow = _table_text(report, 80)
    assert max(len(line.rstrip()) for line in narrow.splitlines()) <= 80
    assert "│-19.8 to -10.2│" in narrow and "-23.5 to -9.9" in narrow
