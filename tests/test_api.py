"""The Python API for data people: exports, the tidy result table (Arrow, pandas, and the CSV built from it)."""
from __future__ import annotations

import csv
import datetime
import enum as enum_module
import io
import math
import pickle
import re
import tomllib
import typing

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from conftest import ROOT, SAMPLE, SAMPLE_ZH, csv_text, invoke

import cxscore
from cxscore import Options, score
from cxscore.cli import FLAGS, SCORING_OPTIONS
from cxscore.config import validate_config
from cxscore.keydrivers import Headroom, Headrooms
from cxscore.pipeline import analyse, tally_inputs
from cxscore.render import csv_rows
from cxscore.settings import resolve
from cxscore import tidy
from cxscore.volume import VolumeReport, volume

#: A run that fills every nested field of results[]: segments, periods, trend, distribution, benchmark, targets.
FULL = Options(by=["Channel"], period="month", trend=3, baseline=2, distribution=True, benchmark="Retail", fail_under=["nps=20"])


@pytest.fixture(scope="module")
def full_report():
    return score([str(SAMPLE)], options=FULL)


def _flat(row: dict, by: list[str]) -> dict:
    """A JSON results[] row flattened by hand, as the README's column list names the fields (an oracle independent of cxscore.tidy)."""
    sig, bench, trend = row["significance"] or {}, row["benchmark"] or {}, row["trend"] or {}
    flat = {k: row[k] for k in ("metric", "type", "period", "n", "blank", "invalid", "n_eff", "deff", "value", "se", "ci_low", "ci_high", "ci_method", "margin", "low_n", "target", "status", "distribution")}
    flat |= {k: row["segment"].get(k) for k in by}
    flat |= {k: sig.get(k) for k in ("against", "diff", "p_value", "p_adjusted", "significant", "direction", "mdd", "baseline")}
    flat |= {"benchmark": bench.get("value")} | {f"benchmark_{k}": bench.get(k) for k in ("id", "gap", "position", "industry", "year", "source", "quality")}
    flat |= {f"trend_{k}": trend.get(k) for k in ("periods", "slope", "ci_low", "ci_high", "p_value", "p_adjusted", "significant", "direction")}
    flat |= row["components"]
    return flat


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def test_to_arrow_holds_every_field_of_the_json_results(full_report):
    table = full_report.to_arrow()
    document = full_report.to_dict()
    assert table.num_rows == len(document["results"]) > 20
    scales = {m["name"]: m for m in document["metrics"]}
    rows = table.to_pylist()
    for got, row in zip(rows, document["results"]):
        want = _flat(row, ["Channel"])
        want |= {"column": scales[row["metric"]]["column"], "scale_min": scales[row["metric"]]["scale"][0], "scale_max": scales[row["metric"]]["scale"][1]}
        for name, value in want.items():
            assert _same(got[name], value), (name, got[name], value)
    # every nested field was exercised, not only present as null
    for name in ("trend_slope", "baseline", "distribution", "benchmark_id", "benchmark_quality", "mdd", "target", "status", "deff"):
        assert any(r[name] is not None for r in rows), name
    assert table.schema.field("n").type == pa.int64() and table.schema.field("value").type == pa.float64()
    assert table.schema.field("distribution").type.value_type == pa.struct([("point", pa.int64()), ("count", pa.int64()), ("pct", pa.float64())])


def test_to_pandas_is_the_arrow_table(full_report):
    frame = full_report.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == full_report.to_arrow().column_names
    nps = frame[(frame.metric == "nps") & frame.Channel.isna() & frame.period.isna()].iloc[0]
    assert nps.value == full_report.results[0].value and nps.n == full_report.results[0].n


def test_to_pandas_without_pandas_says_how_to_get_it(monkeypatch, full_report):
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match="pip install pandas"):
        full_report.to_pandas()


def test_volume_to_pandas_without_pandas_says_how_to_get_it(monkeypatch):
    """The README's volume example calls run.to_pandas(); without pandas that was pyarrow's bare ModuleNotFoundError."""
    run = volume(str(ROOT / "sample_data" / "tickets_zendesk.csv"), options=Options(period="month"))
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(ImportError, match=r"VolumeReport\.to_pandas\(\) needs pandas.*pip install pandas"):
        run.to_pandas()


def test_the_readme_names_every_export():
    """The README's list of what ``cxscore`` exports is ``cxscore.__all__``, no more and no less."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Python API", 1)[1]
    listed = section.split("`cxscore` exports ", 1)[1].split("; `volume` is", 1)[0]
    names = set(re.findall(r"`(\w+)`", listed)) - {"message", "hint", "exit_code"}  # the errors' attributes
    assert names == set(cxscore.__all__)


def _api_callables():
    """The functions the README's Python examples call, and the public methods of what they return."""
    functions = [score, cxscore.load_config, cxscore.key_drivers, cxscore.analyse_comments, volume, validate_config, tally_inputs, analyse, resolve]
    classes = [cxscore.Report, cxscore.ResultRow, cxscore.DriverRun, cxscore.CommentRun, VolumeReport, cxscore.CxError]
    yield from ((f.__qualname__, f) for f in functions)
    for cls in classes:
        for name, member in vars(cls).items():
            member = member.fget if isinstance(member, property) else member
            if callable(member) and (not name.startswith("_") or name == "__init__"):
                yield f"{cls.__name__}.{name}", member


def test_the_python_api_is_annotated_for_strict_type_checkers():
    """mypy --strict refuses a call to an unannotated function in a user's annotated code ("Call to untyped
    function ... in typed context"): every parameter and return of the API the README shows is annotated."""
    import inspect

    missing = []
    for name, function in _api_callables():
        signature = inspect.signature(function)
        missing += [f"{name}({p})" for p in signature.parameters if p not in ("self", "cls") and signature.parameters[p].annotation is inspect.Parameter.empty]
        missing += [f"{name} -> ?"] * (signature.return_annotation is inspect.Signature.empty)
    assert not missing


def test_the_readme_states_each_tidy_columns_arrow_type_and_its_pandas_dtype(full_report):
    """The README's paragraph under the column table, against the table itself (every column, a service report's too)."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Python API", 1)[1]
    stated = section.split("Each column has one Arrow type whatever the run", 1)[1].split("`to_pandas()` is", 1)[0]
    named = {kind: re.findall(r"`(\w+)`", re.search(rf"[:;]\s+{kind} for (.*?);", stated, re.S).group(1))
             for kind in ("int64", "bool", "list of string", r"list of struct \(.*?\)", "string")}
    arrow = dict.fromkeys(tidy.TYPES, pa.float64()) | {"Channel": pa.string()}  # float64 for every other column
    for kind, arrow_type in zip(named, (pa.int64(), pa.bool_(), tidy.TYPES["baseline"], tidy.TYPES["distribution"], pa.string())):
        arrow |= dict.fromkeys(named[kind], arrow_type)
    assert {name: arrow[name] for name in tidy.TYPES} == tidy.TYPES
    schema = full_report.to_arrow().schema
    assert all(arrow[field.name] == field.type for field in schema)
    frame = full_report.to_pandas()
    assert frame.benchmark_year.dtype == frame.trend_periods.dtype == "float64" and frame.trend_periods.isna().any()
    assert frame.significant.dtype == object and set(frame.significant.map(repr)) == {"True", "False", "None"}
    assert isinstance(frame.distribution.iloc[0], np.ndarray) and set(frame.distribution.iloc[0][0]) == {"point", "count", "pct"}


def test_the_csv_is_the_tidy_tables_first_columns(full_report):
    """-f csv is the tidy table as text: same header (the CSV's columns first), the same value in every cell."""
    table = full_report.to_arrow()
    parsed = list(csv.reader(io.StringIO(csv_rows.render(full_report, raw=True))))
    header, body = parsed[0], parsed[1:]
    assert header == table.column_names[: len(header)] and len(header) < table.num_columns
    assert len(body) == table.num_rows
    for cells, row in zip(body, table.to_pylist()):
        for name, text in zip(header, cells):
            value = row[name]
            if value is None:
                assert text == "", name
            elif isinstance(value, bool):
                assert text == str(value).lower(), name
            elif isinstance(value, float):
                assert float(text) == value, name
            else:
                assert text == str(value), name


def test_an_empty_breakdown_still_has_typed_columns():
    report = score([str(SAMPLE)], options=Options(metrics=["nps"]))
    report.results = []
    table = report.to_arrow()
    assert table.num_rows == 0 and table.schema.field("n").type == pa.int64()


def test_report_result_row_and_errors_are_exported():
    for name in ("Report", "ResultRow", "CxError", "InputError", "ConfigError", "ColumnError", "StrictError", "ExitCode", "Options", "score", "load_config"):
        assert name in cxscore.__all__ and hasattr(cxscore, name), name
    assert issubclass(cxscore.InputError, cxscore.CxError)


def test_py_typed_ships_in_the_package():
    assert (ROOT / "cxscore" / "py.typed").is_file()
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["cxscore"]
    assert "py.typed" in package_data


def _readme_python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_the_readme_python_blocks_run_as_written(monkeypatch, capsys):
    """Every Python block of the README's Python API section, executed as written: the docs cannot rot."""
    blocks = _readme_python_blocks()
    assert len(blocks) >= 3
    monkeypatch.chdir(ROOT)
    names: dict = {}
    for number, block in enumerate(blocks, 1):
        names[number] = {}
        exec(compile(block, f"README.md (Python API, block {number})", "exec"), names[number])
    printed = capsys.readouterr().out
    chat = next(ns["chat"] for ns in names.values() if "chat" in ns)  # the tidy-table example: Chat's all-time NPS row
    assert len(chat) == 1 and round(chat.value.iloc[0], 1) == -15.1 and chat.direction.iloc[0] == "down"  # the README's first breakdown
    assert "did you mean 'Channel'?" in printed and "by Chanel: column 'Chanel' is not in" in printed  # the error example caught its ColumnError


# --- tables as inputs -------------------------------------------------------------------------

BREAKDOWN = Options(by=["Channel"], period="month")


def _scored(document: dict) -> dict:
    """What a run found, without how it read its input (path, format, bytes, encoding live in inputs[])."""
    return {k: document[k] for k in ("metrics", "results", "quality", "warnings", "alerts")}


@pytest.fixture(scope="module")
def from_path():
    return _scored(score([str(SAMPLE)], options=BREAKDOWN).to_dict())


@pytest.mark.parametrize("read", [
    pytest.param(lambda: pacsv.read_csv(SAMPLE), id="pyarrow-table"),
    pytest.param(lambda: pacsv.read_csv(SAMPLE).to_pandas(), id="arrow-to-pandas"),
    pytest.param(lambda: pd.read_csv(SAMPLE), id="pandas-read-csv"),
])
def test_a_table_scores_as_the_csv_it_was_read_from(read, from_path):
    """The sample CSV read into a Table or DataFrame (typed: timestamps, int64, a float64 column with NaN for
    blanks) gives the same JSON results, metrics, quality and warnings as the path, breakdowns included."""
    table = read()
    report = score(table, options=BREAKDOWN)
    assert _scored(report.to_dict()) == from_path
    info = report.inputs[0]
    assert (info.path, info.rows, info.date_column) == ("<table>", 3000, "Submitted At")
    assert info.format == ("arrow" if isinstance(table, pa.Table) else "pandas")


def test_the_chinese_sample_as_a_table_scores_as_the_file():
    path = score([str(SAMPLE_ZH)], options=Options(by=["渠道"])).to_dict()
    table = pacsv.read_csv(SAMPLE_ZH, read_options=pacsv.ReadOptions(encoding="gb18030"))
    assert _scored(score([table], options=Options(by=["渠道"])).to_dict()) == _scored(path)


def test_a_qualtrics_export_read_with_pandas_keeps_its_layout(tmp_path):
    """pandas reads a Qualtrics export's question-text and ImportId rows as data: the table source sees them
    as header rows, as the file reader does (layout, questions, previews left out)."""
    rows = [
        ["StartDate", "Status", "Finished", "ResponseId", "Q3", "Q3_NPS_GROUP", "Q4"],
        ["Start Date", "Response Type", "Finished", "Response ID", "How likely are you to recommend us to a friend?", "Group", "Overall, how satisfied are you?"],
        ['{"ImportId":"startDate"}', '{"ImportId":"status"}', '{"ImportId":"finished"}', '{"ImportId":"_recordId"}', '{"ImportId":"QID3"}', '{"ImportId":"QID3_NPS_GROUP"}', '{"ImportId":"QID4"}'],
        ["2025-03-01 10:00:00", "IP Address", "True", "R_1", "9", "3", "5"],
        ["2025-03-02 10:00:00", "IP Address", "True", "R_2", "10", "3", "4"],
        ["2025-03-03 10:00:00", "IP Address", "True", "R_3", "6", "1", "2"],
        ["2025-03-04 10:00:00", "Survey Preview", "True", "R_4", "0", "1", "1"],
    ]
    path = tmp_path / "qualtrics.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    from_file = score([str(path)]).to_dict()
    report = score(pd.read_csv(path))
    assert (report.inputs[0].layout, report.inputs[0].header_rows, report.inputs[0].rows) == ("qualtrics", 3, 4)
    assert report.inputs[0].excluded == from_file["inputs"][0]["excluded"] == {"survey previews, tests and spam": 1}
    assert _scored(report.to_dict())["results"] == from_file["results"] and report.results[0].n == 3


def test_several_tables_and_paths_together_are_named_in_order():
    half = pacsv.read_csv(SAMPLE)
    report = score([half.slice(0, 1000), str(SAMPLE), half.slice(1000).to_pandas()], options=Options(metrics=["nps"]))
    assert [i.path for i in report.inputs] == ["<table 1>", str(SAMPLE), "<table 2>"]
    assert report.results[0].n == 2 * score(str(SAMPLE), options=Options(metrics=["nps"])).results[0].n  # one path alone works too


def test_a_mixed_object_column_reads_as_text_and_an_unreadable_one_is_named():
    frame = pd.DataFrame({"How likely are you to recommend us?": [10, "9", "ten", None, 0.0]})
    row = score(frame, validate_config({"metrics": [{"type": "nps", "column": "How likely are you to recommend us?"}]})).results[0]
    assert (row.n, row.invalid, row.blank) == (3, 1, 1)  # 10, "9" and 0.0 (as "0") scored; "ten" invalid; None blank
    nested = pa.table({"How likely are you to recommend us?": pa.array([[1], [2]])})
    with pytest.raises(cxscore.InputError, match="column 'How likely are you to recommend us\\?' holds list<item: int64> values"):
        score(nested)


def test_a_list_option_given_one_text_alone_is_a_list_of_one():
    """by="Channel" was read letter by letter ("by C: column 'C' is not in ..."); where, metrics and fail_under alike."""
    alone = Options(by="Channel", where="Channel!=Email", metrics="nps", fail_under="nps=20", period="month")
    listed = Options(by=["Channel"], where=["Channel!=Email"], metrics=["nps"], fail_under=["nps=20"], period="month")
    assert resolve(None, alone) == resolve(None, listed)
    report = score([str(SAMPLE)], options=alone)
    assert report.to_dict()["results"] == score([str(SAMPLE)], options=listed).to_dict()["results"]
    assert {row.segment.get("Channel") for row in report.results} == {None, "Chat", "Phone", "Web form"} and report.alerts  # Email left out; nps under 20 said


@pytest.mark.parametrize("options, said", [
    (Options(period="fortnight"), "period 'fortnight' is not one of day, week, month, quarter, year"),  # was a bare ValueError from dates.periods_of
    (Options(nps_interval="exact"), "nps_interval 'exact' is not one of adjusted-wald, wald"),  # was a bare ValueError
    (Options(nps_test="t"), "nps_test 't' is not one of pooled, adjusted-wald, wald"),  # was taken without a word
    (Options(sort="value", by=["Channel"]), "sort 'value' is not one of segment, score, n"),
    (Options(baseline=0, period="month"), "baseline 0 is not a whole number of at least 1"),
    (Options(trend=2, period="month"), "trend 2 is not a whole number of at least 3"),
    (Options(top=0, by=["Channel"]), "top 0 is not a whole number of at least 1"),
    (Options(min_n=-1), "min_n -1 is not a whole number of at least 1"),
])
def test_an_option_outside_what_the_command_line_allows_is_a_cx_error_naming_it(options, said):
    with pytest.raises(cxscore.CxError, match=re.escape(said)) as caught:
        score(str(SAMPLE), options=options)
    assert caught.value.worded(FLAGS).startswith("--")  # the command line would name its flag


def test_the_librarys_choices_and_minimums_are_the_command_lines():
    from cxscore.settings import CHOICES, MINIMUMS

    checked = set()
    for name, kind, option in SCORING_OPTIONS:
        if name in MINIMUMS:
            assert option.min == MINIMUMS[name], name
            checked.add(name)
        if name in CHOICES:
            enum = next(a for a in (kind, *typing.get_args(kind)) if isinstance(a, type) and issubclass(a, enum_module.Enum))
            assert tuple(e.value for e in enum) == CHOICES[name], name
            checked.add(name)
    assert checked == {*CHOICES, *MINIMUMS} - {"comments"}  # --comments (min 0) is score's and report's own


def test_bounds_may_be_dates_and_a_config_slot_refuses_options_saying_where_they_go():
    assert score(str(SAMPLE), options=Options(since=datetime.date(2025, 3, 1), until=datetime.datetime(2025, 5, 31, 12))).to_dict()["results"] == \
        score(str(SAMPLE), options=Options(since="2025-03-01", until="2025-05-31 12:00:00")).to_dict()["results"]  # a date was an ArrowTypeError
    with pytest.raises(TypeError, match=r"not Options; run options go in options=Options"):  # was AttributeError: no attribute 'segments'
        score(str(SAMPLE), Options(by=["Channel"]))  # type: ignore[arg-type]


# --- errors: the library names parameters, the command line its flags ------------------------

@pytest.mark.parametrize("options, library, cli", [
    (Options(since="yesterday-ish"), "since/until: ", "--since/--until: "),
    (Options(where=["channel"]), "where 'channel' is not COLUMN=VALUE or COLUMN!=VALUE — e.g. where channel=Chat", "--where 'channel' is not COLUMN=VALUE or COLUMN!=VALUE — e.g. --where channel=Chat"),
    (Options(by=["Chanel"]), "by Chanel: column 'Chanel' is not in", "--by Chanel: column 'Chanel' is not in"),
    (Options(metrics=["npx"]), "metrics 'npx' is not one of the metrics: nps, csat, ces", "--metric 'npx' is not one of the metrics: nps, csat, ces"),
    (Options(fail_under=["nps"]), "fail_under 'nps' is not METRIC=VALUE — e.g. fail_under nps=30", "--fail-under 'nps' is not METRIC=VALUE — e.g. --fail-under nps=30"),
    (Options(weight="nope"), "weight: column 'nope' is not in", "--weight: column 'nope' is not in"),
    (Options(strict=True), "strict: nps (", "--strict: nps ("),
])
def test_library_errors_name_parameters_and_the_cli_says_flags(options, library, cli):
    with pytest.raises(cxscore.CxError) as caught:
        score(str(SAMPLE), options=options)
    assert str(caught.value).startswith(library) or library in str(caught.value), str(caught.value)
    assert "\x1f" not in str(caught.value) + caught.value.message + (caught.value.hint or "")
    assert cli in caught.value.worded(FLAGS)
    assert pickle.loads(pickle.dumps(caught.value)).worded(FLAGS) == caught.value.worded(FLAGS)  # as from a worker process
    args = [str(SAMPLE), *_cli_args(options)]
    result = invoke(["score", *args])
    assert result.exit_code == 2 and cli in result.stderr and library not in result.stderr.replace(cli, "")


def _cli_args(options: Options) -> list[str]:
    flags = {"since": "--since", "weight": "--weight"}
    out = [f for name, flag in flags.items() if getattr(options, name) for f in (flag, getattr(options, name))]
    out += [f for w in options.where for f in ("--where", w)] + [f for b in options.by or [] for f in ("--by", b)]
    out += [f for m in options.metrics or [] for f in ("--metric", m)] + [f for u in options.fail_under for f in ("--fail-under", u)]
    return out + (["--strict"] if options.strict else [])


def test_no_library_error_is_worded_in_flags():
    """Errors raised outside cli.py name parameters through errors.param, never a --flag written out."""
    worded = [
        f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "cxscore").rglob("*.py")) if path.name != "cli.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if re.search(r'raise \w*Error\(f?"--', line)
    ]
    assert worded == []


def test_every_parameter_an_error_names_has_a_flag():
    named = {m for path in (ROOT / "cxscore").rglob("*.py") for m in re.findall(r"param\(['\"]([^'\"]+)['\"]\)", path.read_text(encoding="utf-8"))}
    assert named and named <= set(FLAGS), named - set(FLAGS)


def test_a_workbook_sheet_error_names_the_parameter_and_the_cli_its_flag(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["How likely are you to recommend us?"])
    book.active.append([9])
    path = tmp_path / "export.xlsx"
    book.save(path)
    with pytest.raises(cxscore.InputError) as caught:
        score(str(path), options=Options(sheet="Answers"))
    assert caught.value.hint == "pass one of them (or its number, from 1) to sheet"
    result = invoke(["score", str(path), "--sheet", "Answers"])
    assert result.exit_code == 2 and result.stderr.rstrip().endswith("— pass one of them (or its number, from 1) to --sheet")


DRIVERS_SAMPLE = str(ROOT / "sample_data" / "drivers_export.csv")
COMMENTS_SAMPLE = str(ROOT / "sample_data" / "comments_export.csv")
STARTER_THEMES = str(ROOT / "themes.example.yaml")


def _read_csv(text: str) -> list[dict]:
    """A CSV the command line wrote, read back with the csv module: every cell as text, empty for None."""
    return list(csv.DictReader(io.StringIO(text)))


def _as_csv_cell(value) -> str:
    """How the CSV writes a value (numbers at full precision, None empty): the oracle the tables are held to."""
    return "" if value is None else value if isinstance(value, str) else repr(value)


@pytest.fixture(scope="module")
def driver_run():
    return cxscore.key_drivers(DRIVERS_SAMPLE, options=Options(by=["Channel"]))


def test_driver_run_to_arrow_is_the_json_drivers_and_the_csv(driver_run):
    table = driver_run.to_arrow()
    doc = driver_run.to_dict()
    assert table.num_rows == len(doc["drivers"]) >= 4
    assert table.schema.field("share").type == pa.float64() and table.schema.field("n").type == pa.int64() and table.schema.field("driver").type == pa.string()
    for got, want in zip(table.to_pylist(), doc["drivers"]):
        assert got["driver"] == want["name"] and got["column"] == want["column"] and got["quadrant"] == want["quadrant"]
        assert [got[k] for k in ("share", "low", "high", "p_first", "correlation", "mean", "top_two")] == [want[k] for k in ("share", "low", "high", "p_first", "correlation", "mean", "top_two")]
        assert (got["outcome"], got["method"], got["r2"], got["n"]) == ("nps", "relative_weights", doc["r2"], doc["n"])
    result = invoke(["drivers", DRIVERS_SAMPLE, "-f", "csv"])  # without --by the CSV is the drivers' table
    assert result.exit_code == 0, result.stderr
    assert _read_csv(result.stdout) == [{k: _as_csv_cell(v) for k, v in row.items()} for row in table.to_pylist()]
    frame = driver_run.to_pandas()
    assert list(frame.columns) == table.column_names and frame.share.tolist() == table.column("share").to_pylist()


def test_driver_run_headroom_to_arrow_is_the_json_headroom_and_the_csv(driver_run):
    table = driver_run.headroom_to_arrow()
    doc = driver_run.to_dict()["headroom"]
    assert table.column_names == ["Channel", "outcome", "n", "weight", "score", "low", "high", "headroom"]
    assert table.num_rows == len(doc["segments"]) >= 2
    for got, want in zip(table.to_pylist(), doc["segments"]):
        assert got["Channel"] == want["segment"]["Channel"]
        assert [got[k] for k in ("n", "weight", "score", "low", "high", "headroom")] == [want[k] for k in ("n", "weight", "score", "low", "high", "headroom")]
    result = invoke(["drivers", DRIVERS_SAMPLE, "--by", "Channel", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert _read_csv(result.stdout) == [{k: _as_csv_cell(v) for k, v in row.items()} for row in table.to_pylist()]
    assert driver_run.headroom_to_pandas().headroom.tolist() == table.column("headroom").to_pylist()


def test_a_by_column_named_like_a_figure_keeps_its_own_values_and_type():
    """Columns are typed by position: a --by column called ``n`` is text beside the figure ``n`` (int64)."""
    h = Headrooms(by=["n"], overall=10.0, n=100, best=100.0, best_words="all promoters", confidence=0.95, unanswered=0,
                  segments=[Headroom(segment=("web",), n=60, weight=60.0, score=0.0, low=-20.0, high=20.0, headroom=60.0)])
    table = tidy.rows_table(h.columns(), [pa.string(), pa.string(), pa.int64(), *[pa.float64()] * 5], h.rows("nps"))
    assert table.column(0).to_pylist() == ["web"] and table.column(2).to_pylist() == [60]


def test_driver_run_headroom_without_by_says_how_to_get_it():
    run = cxscore.key_drivers(DRIVERS_SAMPLE)
    with pytest.raises(cxscore.CxError, match="no segment headroom.*by"):
        run.headroom_to_arrow()


@pytest.fixture(scope="module")
def comment_run():
    return cxscore.analyse_comments(COMMENTS_SAMPLE, options=Options(by=["Channel"], period="month"), themes=STARTER_THEMES)


def test_comment_run_to_arrow_is_the_csv_and_the_json_themes(comment_run):
    table = comment_run.to_arrow()
    doc = comment_run.to_dict()
    themes = [r for r in table.to_pylist() if r["Channel"] is None and r["period"] is None]
    assert [r["theme"] for r in themes] == [t["theme"] for t in doc["themes"]] + ["(untagged)"]
    for got, want in zip(themes, doc["themes"]):
        assert (got["mentions"], got["pct"], got["p_adjusted"], got["value"], got["impact"]) == (want["mentions"], want["pct_of_comments"], want["p_adjusted"], want["value"], want["impact"])
    assert themes[-1]["mentions"] == doc["untagged"] and themes[-1]["comments"] == doc["comments"]
    assert table.num_rows == len(themes) + len(doc["segments"]) + len(doc["periods"]) + len(doc["cells"])
    assert {table.schema.field(k).type for k in ("comments", "mentions", "n")} == {pa.int64()}
    assert table.schema.field("significant").type == pa.bool_() and table.schema.field("pct").type == pa.float64()
    result = invoke(["comments", COMMENTS_SAMPLE, "--themes", STARTER_THEMES, "--by", "Channel", "--period", "month", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert _read_csv(result.stdout) == [{k: _as_csv_cell(v) for k, v in row.items()} for row in table.to_pylist()]
    assert comment_run.to_pandas().shape == (table.num_rows, table.num_columns)


def test_comment_run_terms_to_arrow_is_the_json_terms():
    run = cxscore.analyse_comments(COMMENTS_SAMPLE)
    table = run.terms_to_arrow()
    terms = run.to_dict()["terms"]["terms"]
    assert table.num_rows == len(terms) > 0
    assert [(r["group"], r["term"], r["z"], r["count"]) for r in table.to_pylist()] == [(t["group"], t["term"], t["z"], t["count"]) for t in terms]
    assert table.schema.field("count").type == pa.int64() and table.schema.field("z").type == pa.float64()
    assert run.terms_to_pandas().term.tolist() == [t["term"] for t in terms]


def test_driver_and_comment_runs_to_pandas_without_pandas_say_how_to_get_it(monkeypatch, driver_run, comment_run):
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)
    with pytest.raises(ImportError, match=r"DriverRun\.to_pandas\(\) needs pandas"):
        driver_run.to_pandas()
    with pytest.raises(ImportError, match=r"CommentRun\.to_pandas\(\) needs pandas"):
        comment_run.to_pandas()
