"""The Python API for data people: exports, the tidy result table (Arrow, pandas, and the CSV built from it)."""
from __future__ import annotations

import csv
import io
import math
import re
import tomllib

import pandas as pd
import pyarrow as pa
import pytest

from conftest import ROOT, SAMPLE

import cxscore
from cxscore import Options, score
from cxscore.render import csv_rows

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
    assert len(blocks) >= 2
    monkeypatch.chdir(ROOT)
    names: dict = {}
    for number, block in enumerate(blocks, 1):
        names[number] = {}
        exec(compile(block, f"README.md (Python API, block {number})", "exec"), names[number])
    capsys.readouterr()
    chat = names[2]["chat"]  # the tidy-table example: Chat's all-time NPS row, far below the rest (README's first breakdown)
    assert len(chat) == 1 and round(chat.value.iloc[0], 1) == -15.1 and chat.direction.iloc[0] == "down"
