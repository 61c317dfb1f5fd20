"""Past one machine (issue 18 item 5): ``cxscore sql`` prints the counts query, ``--tallies`` scores its result.

The proof is a real engine: rows → ``cxscore score`` equals rows → DuckDB (the printed query) →
counts → ``cxscore score --tallies``, for segments, periods across ISO-week year edges, weights,
labels, blank values, invalid answers and a rate reading two columns. The other dialects' texts
are pinned (tests/sql_queries/), since no engine of theirs runs here.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import csv_text, invoke

from cxscore.config import read_config
from cxscore.counts import score_counts
from cxscore.errors import CxError
from cxscore.pipeline import score
from cxscore.render.json_doc import render
from cxscore.settings import Options
from cxscore.sql import DIALECTS, query_for

duckdb = pytest.importorskip("duckdb")

QUERIES = Path(__file__).parent / "sql_queries"
CONFIG = """
version: 1
blank_values: ["n/a"]
metrics:
  - name: nps
    type: nps
    column: Recommend
    labels: {"Extremely likely": 10}
  - name: csat
    type: csat
    column: Satisfaction
  - name: reopened
    type: rate
    condition: 'Reopens > 0'
    of: 'Status in [Solved, Closed]'
    better: lower
"""
HEADER = ["Id", "Date", "Channel", "Region", "Recommend", "Satisfaction", "Reopens", "Status", "w"]
#: Dates around ISO-week year edges: 2020-W53 holds 2021-01-01..03; 2024-12-30 (Monday) starts 2025-W01; 2026-W53.
DATES = ["2020-12-28 09:00:00", "2021-01-01 10:00:00", "2021-01-03 23:59:59", "2021-01-04 00:00:00", "2024-12-29 12:00:00",
         "2024-12-30 08:00:00", "2025-01-01", "2025-03-31 17:00:00", "2026-12-31 10:00:00", "2027-01-01 10:00:00", "", "not a date"]
NPS = ["0", "3", "6", "7", "8", "9", "10", " 9 ", "Extremely likely", "", "n/a", "10+", "11"]
CSAT = ["1", "2", "3", "4", "5", "Very satisfied", "Satisfied", "Neutral", "", "dunno"]
CHANNELS = ["Chat", " Chat ", "Phone", "Email", ""]
WEIGHTS = ["1", "0.5", "1.5", "2.25", "3", "", "0", "x", "-1"]  # dyadic: sums are exact in any order
REOPENS = ["0", "1", "2", "", "x"]
STATUS = ["Solved", "Closed", "Open", ""]


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    path = tmp_path_factory.mktemp("cfg") / "cx.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def _rows(n: int, pick) -> list[list[str]]:
    return [[f"R{i}", pick(DATES, i, 7), pick(CHANNELS, i, 3), pick(["EMEA", "APAC"], i, 5), pick(NPS, i, 11), pick(CSAT, i, 13),
             pick(REOPENS, i, 17), pick(STATUS, i, 19), pick(WEIGHTS, i, 23)] for i in range(n)]


def _cycle(values, i, step):
    return values[(i * step + i // len(values)) % len(values)]


def _scored(report) -> dict:
    """The parts of the JSON a counts table must reproduce exactly: every result row, each metric, the data quality."""
    document = json.loads(render(report))
    return {key: document[key] for key in ("results", "metrics", "quality")}


def _counts(query: str, out: Path) -> Path:
    """Run the printed query in DuckDB and save its result (CSV or Parquet by the suffix)."""
    con = duckdb.connect()
    try:
        relation = con.sql(query)
        (relation.write_parquet if out.suffix == ".parquet" else relation.write_csv)(str(out))
    finally:
        con.close()
    return out


def _both(export: Path, config_path: Path, tmp: Path, suffix: str = ".csv", **options):
    options.setdefault("date_column", "Date" if options.get("period") else None)
    config = read_config(config_path)[0]
    rows = score(str(export), config, Options(**options), processes=1)
    query = query_for(str(export), config, "duckdb", by=options.get("by", ()), period=options.get("period"), date_column=options["date_column"], weight=options.get("weight"))
    counts = _counts(query, tmp / f"counts{suffix}")
    return rows, score_counts([str(counts)], config, Options(**options))


@pytest.mark.parametrize(("options", "suffix"), [
    ({}, ".csv"),
    ({"by": ["Channel"], "period": "week"}, ".csv"),
    ({"by": ["Channel", "Region"], "period": "month", "weight": "w"}, ".parquet"),
    ({"period": "week", "weight": "w", "fail_under": ["nps=90"], "trend": 3}, ".parquet"),
])
def test_rows_and_duckdb_counts_score_alike(tmp_path, config, options, suffix):
    export = tmp_path / "export.csv"
    export.write_text(csv_text([HEADER, *_rows(240, _cycle)]), encoding="utf-8")
    rows, counted = _both(export, config, tmp_path, suffix, **options)
    assert _scored(counted) == _scored(rows)
    assert counted.alerts == rows.alerts and bool(rows.alerts) == ("fail_under" in options)
    assert counted.inputs[0].rows == rows.inputs[0].rows and counted.inputs[0].weight_invalid == rows.inputs[0].weight_invalid
    if "period" in options:  # the year edges really are there: 2020-W53, 2025-W01 (from 2024-12-30), 2026-W53
        periods = {r["period"] for r in _scored(rows)["results"]}
        assert {"2020-W53", "2025-W01", "2026-W53"} <= periods if options["period"] == "week" else {"2020-12", "2021-01", "2027-01"} <= periods


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_export_scores_alike_through_duckdb(tmp_path_factory, config, data):
    tmp = tmp_path_factory.mktemp("h")
    n = data.draw(st.integers(1, 60))
    picks = [data.draw(st.lists(st.integers(0, 50), min_size=9, max_size=9)) for _ in range(n)]
    rows = [[values[k % len(values)] if c else f"R{i}" for c, (values, k) in enumerate(zip([None, DATES, CHANNELS, ["EMEA", "APAC"], NPS, CSAT, REOPENS, STATUS, WEIGHTS], pick))] for i, pick in enumerate(picks)]
    export = tmp / "export.csv"
    export.write_text(csv_text([HEADER, *rows]), encoding="utf-8")
    period = data.draw(st.sampled_from([None, "week", "month", "quarter"]))
    options = {"by": data.draw(st.sampled_from([[], ["Channel"], ["Region", "Channel"]])), "period": period, "date_column": "Date" if period else None}
    if data.draw(st.booleans()):
        options["weight"] = "w"
    try:
        expected = _scored(score(str(export), read_config(config)[0], Options(**options), processes=1))
    except CxError as exc:  # nothing scorable (every weight invalid, …): the counts must be refused alike
        with pytest.raises(type(exc)):
            _both(export, config, tmp, **options)
        return
    assert _scored(_both(export, config, tmp, **options)[1]) == expected


def test_a_table_loaded_into_duckdb_and_the_cli_round_trip(tmp_path, config):
    """The query over a table name, run by DuckDB on the CSV loaded as text; then the CLI scores the counts (stdout and stderr apart)."""
    export = tmp_path / "export.csv"
    export.write_text(csv_text([HEADER, *_rows(200, _cycle)]), encoding="utf-8")
    printed = invoke(["sql", "responses", "-c", str(config), "--by", "Channel", "--period", "week", "--date-column", "Date", "--weight", "w"])
    assert printed.exit_code == 0 and printed.stdout.startswith("-- cxscore counts (duckdb)") and 'FROM "responses"' in printed.stdout
    con = duckdb.connect()
    con.execute(f"CREATE TABLE responses AS SELECT * FROM read_csv('{export}', all_varchar = true)")
    con.sql(printed.stdout).write_csv(str(tmp_path / "counts.csv"))
    con.close()
    args = ["-c", str(config), "--by", "Channel", "--period", "week", "--weight", "w", "-f", "json"]
    counted, direct = invoke(["score", "--tallies", str(tmp_path / "counts.csv"), *args]), invoke(["score", str(export), *args])
    assert counted.exit_code == direct.exit_code == 0, counted.stderr
    assert {k: json.loads(counted.stdout)[k] for k in ("results", "quality")} == {k: json.loads(direct.stdout)[k] for k in ("results", "quality")}
    assert "left out for a blank, non-numeric or non-positive weight" in counted.stderr  # the weight branch's count is said as for rows


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_writes_the_pinned_query(config, dialect):
    """Identifiers quoted per dialect (a quote in a name stays inside it), ISO weeks, the weight branch, a two-column rate."""
    query = query_for("shop.responses", read_config(config)[0], dialect, by=['Re"gion`'], period="week", date_column="Date", weight="w")
    assert query == (QUERIES / f"{dialect}.sql").read_text(encoding="utf-8")


def test_counts_with_another_period_are_refused(tmp_path, config):
    export = tmp_path / "export.csv"
    export.write_text(csv_text([HEADER, *_rows(50, _cycle)]), encoding="utf-8")
    query = query_for(str(export), read_config(config)[0], "duckdb", period="month", date_column="Date")
    counts = _counts(query, tmp_path / "counts.csv")
    result = invoke(["score", "--tallies", str(counts), "-c", str(config), "--period", "week"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "is not the first day of a week" in result.stderr and "another --period" in result.stderr
    monthly = invoke(["score", "--tallies", str(counts), "-c", str(config), "--period", "month", "-f", "json"])
    assert monthly.exit_code == 0 and json.loads(monthly.stdout)["results"]


@pytest.mark.parametrize(("args", "said"), [
    (["--where", "Channel=Chat"], "--where acts on rows"),
    (["--since", "2025-01-01"], "--since acts on rows"),
    (["--by", "file"], "--by file names input files"),
    (["--by", "Region"], "no column 'Region' in the counts table"),
    ([], "holds weighted counts"),
])
def test_what_counts_cannot_do_is_one_line_and_exit_2(tmp_path, config, args, said):
    export = tmp_path / "export.csv"
    export.write_text(csv_text([HEADER, *_rows(30, _cycle)]), encoding="utf-8")
    counts = _counts(query_for(str(export), read_config(config)[0], "duckdb", weight="w"), tmp_path / "counts.csv")
    weight = ["--weight", "w"] if args else []
    result = invoke(["score", "--tallies", str(counts), "-c", str(config), *weight, *args])
    assert result.exit_code == 2 and result.stdout == ""
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_durations_and_patterns_are_refused_by_both_commands(tmp_path, write_csv):
    duration = tmp_path / "d.yaml"
    duration.write_text("version: 1\nmetrics:\n  - {name: frt, type: duration, column: First reply}\n  - {name: nps, type: nps, column: NPS}\n", encoding="utf-8")
    pattern = tmp_path / "p.yaml"
    pattern.write_text("version: 1\nmetrics:\n  - {name: nps, type: nps, column: {match: recommend}}\n", encoding="utf-8")
    counts = write_csv([["cx_metric", "cx_answer", "cx_n"], ["nps", "9", "3"]], name="counts.csv")
    for args in (["sql", "t", "-c", str(duration)], ["score", "--tallies", str(counts), "-c", str(duration)]):
        result = invoke(args)
        assert result.exit_code == 2 and result.stdout == "" and "frt is a duration" in result.stderr and "not supported past one machine yet" in result.stderr
    result = invoke(["sql", "t", "-c", str(pattern)])
    assert result.exit_code == 2 and "by a pattern" in result.stderr
    only_nps = invoke(["score", "--tallies", str(counts), "-c", str(duration), "--metric", "nps", "-f", "json"])
    assert only_nps.exit_code == 0 and json.loads(only_nps.stdout)["results"][0]["n"] == 3


def test_summary_row_kinds_are_refused_in_their_own_words(tmp_path, write_csv):
    """A ratio or weighted average was refused as if it were a duration ("whose histogram …"): its
    value is sums of summary rows' columns, which the message now names (user pass, item e)."""
    config = tmp_path / "r.yaml"
    config.write_text("version: 1\nmetrics:\n  - {name: sl, type: ratio, numerator: Answered in SL, denominator: Offered}\n"
                      "  - {name: aht, type: weighted_average, average: AHT, count: Answered, unit: seconds}\n", encoding="utf-8")
    counts = write_csv([["cx_metric", "cx_answer", "cx_n"], ["sl", "1", "3"]], name="counts.csv")
    for args, name, sums in ((["sql", "t", "-c", str(config)], "sl is a ratio", "'Answered in SL' and 'Offered'"),
                             (["score", "--tallies", str(counts), "-c", str(config), "--metric", "aht"], "aht is a weighted average", "'AHT' and 'Answered'")):
        result = invoke(args)
        assert result.exit_code == 2 and result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
        assert f"{name}: sums of {sums} over summary rows" in result.stderr and "histogram" not in result.stderr
        assert "--metric NAME" in result.stderr


def test_a_counts_table_of_another_config_is_refused(tmp_path, write_csv):
    config = tmp_path / "nps.yaml"
    config.write_text("version: 1\nmetrics:\n  - {name: nps, type: nps, column: NPS}\n", encoding="utf-8")
    counts = write_csv([["cx_metric", "cx_answer", "cx_n"], ["nps", "9", "3"], ["effort", "5", "2"]], name="counts.csv")
    result = invoke(["score", "--tallies", str(counts), "-c", str(config)])
    assert result.exit_code == 2 and "'effort', which is not a metric of the config" in result.stderr
    bad = write_csv([["cx_metric", "cx_answer", "cx_n"], ["nps", "9", "2.5"]], name="bad.csv")
    result = invoke(["score", "--tallies", str(bad), "-c", str(config)])
    assert result.exit_code == 2 and "cx_n '2.5' is not a count" in result.stderr


def test_counts_files_add_up(tmp_path, config):
    """Tallies add: two halves counted apart score as the whole."""
    rows = _rows(200, _cycle)
    cfg = read_config(config)[0]
    paths = []
    for k, part in enumerate((rows[:120], rows[120:])):
        export = tmp_path / f"part{k}.csv"
        export.write_text(csv_text([HEADER, *part]), encoding="utf-8")
        paths.append(str(_counts(query_for(str(export), cfg, "duckdb", by=["Channel"], period="month"), tmp_path / f"counts{k}.csv")))
    whole = tmp_path / "whole.csv"
    whole.write_text(csv_text([HEADER, *rows]), encoding="utf-8")
    options = Options(by=["Channel"], period="month")
    assert _scored(score_counts(paths, cfg, options)) == _scored(score(str(whole), cfg, options, processes=1))


def test_counts_by_more_segments_score_by_fewer_and_report_writes_a_workbook(tmp_path, config):
    """The segments a query counted but --by leaves out are summed over, as the periods are without --period; report --tallies writes its workbook."""
    export = tmp_path / "export.csv"
    export.write_text(csv_text([HEADER, *_rows(200, _cycle)]), encoding="utf-8")
    cfg = read_config(config)[0]
    counts = _counts(query_for(str(export), cfg, "duckdb", by=["Channel", "Region"], period="week", date_column="Date"), tmp_path / "counts.parquet")
    options = Options(by=["Channel"])
    assert _scored(score_counts([str(counts)], cfg, options)) == _scored(score(str(export), cfg, options, processes=1))
    result = invoke(["report", "--tallies", str(counts), "-c", str(config), "--by", "Region", "--period", "week", "-o", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0 and (tmp_path / "r.xlsx").stat().st_size > 0 and "wrote" in result.stderr
    volume = invoke(["report", "--tallies", str(counts), "-c", str(config), "--created", "Date", "--solved", "Date", "-o", str(tmp_path / "v.xlsx")])
    assert volume.exit_code == 2 and "the Volume sheet counts tickets from their rows" in volume.stderr and not (tmp_path / "v.xlsx").exists()


def test_call_metrics_take_no_weights_in_either_command(tmp_path, write_csv):
    """As for rows (a call is no respondent): --weight with a call metric is exit 2 in cxscore sql and in --tallies."""
    config = tmp_path / "calls.yaml"
    config.write_text("version: 1\nmetrics:\n  - {name: sl, type: answer_rate, answered: 'Answered = Y'}\n", encoding="utf-8")
    counts = write_csv([["cx_metric", "cx_answer", "cx_n", "cx_weight", "cx_weight_sq"], ["sl", "Y", "3", "3", "3"]], name="counts.csv")
    for args in (["sql", "calls", "-c", str(config), "--weight", "w"], ["score", "--tallies", str(counts), "-c", str(config), "--weight", "w"]):
        result = invoke(args)
        assert result.exit_code == 2 and result.stdout == "" and "sl is a call metric, which takes no weights" in result.stderr


CALLS = """
version: 1
metrics:
  - {name: sl, type: service_level, answered: 'Answered = Y', wait: Wait, abandon_wait: Abandon, unit: seconds}
  - {name: abandoned, type: abandonment, answered: 'Answered = Y', abandon_wait: Abandon, unit: seconds, exclude_short_abandons: true}
"""


def test_call_metrics_over_three_columns_score_alike_through_duckdb(tmp_path):
    """A service level reads three columns (answered, wait, abandon wait): its counts hold three answer columns and score as the calls do."""
    config = tmp_path / "calls.yaml"
    config.write_text(CALLS, encoding="utf-8")
    picks = [["Y", "N", "", "maybe"], ["12", "25", "", "x", "0:00:19", "40"], ["3", "", "8", "30", "bad"], ["Billing", "Support", ""], DATES[:10]]
    rows = [[f"C{i}", *(values[(i * (k + 2) + i // 7) % len(values)] for k, values in enumerate(picks))] for i in range(300)]
    export = tmp_path / "calls.csv"
    export.write_text(csv_text([["Id", "Answered", "Wait", "Abandon", "Queue", "Date"], *rows]), encoding="utf-8")
    cfg = read_config(config)[0]
    query = query_for(str(export), cfg, "duckdb", by=["Queue"], period="month", date_column="Date")
    assert "cx_answer_3" in query
    counts = _counts(query, tmp_path / "counts.parquet")
    options = Options(by=["Queue"], period="month", date_column="Date")
    expected = _scored(score(str(export), cfg, options, processes=1))
    assert _scored(score_counts([str(counts)], cfg, options)) == expected
    assert any(q["invalid"] for q in expected["quality"]) and any(r["n"] for r in expected["results"])


SERVICENOW = """
version: 1
blank_values: ["n/a"]
metrics:
  - {name: csat, type: csat, column: satisfaction}
  - {name: sla_met, type: rate, condition: 'made_sla in [true, 1]', of: 'made_sla is not blank'}
"""
SN_HEADER = ["number", "incident_state", "reassignment_count", "reopen_count", "made_sla", "opened_at", "assignment_group", "satisfaction", "w"]


def test_a_layouts_own_blank_values_count_as_blank_through_duckdb(tmp_path):
    """The ServiceNow log writes ? for an unknown value, which a scan of the rows reads as blank (the
    layout's blank value): answers, segments, dates and weights. The query must read it so too, or
    --tallies counts those cells as invalid answers and a segment named '?'."""
    config = tmp_path / "sn.yaml"
    config.write_text(SERVICENOW, encoding="utf-8")
    picks = [["Resolved", "Closed", "Active"], ["0", "1", "?"], ["0", "2"], ["true", "false", "?", " ? ", "maybe"],
             ["2025-01-03 10:00:00", "2025-01-09 11:00:00", "?", "2025-02-11 09:30:00"], ["Service Desk", "?", "Network", " ? "],
             ["1", "2", "3", "4", "5", "?", " ? ", "", "x"], ["1", "2", "?", "0.5"]]
    rows = [[f"INC{i:04d}", *(values[(i * (k + 2) + i // 5) % len(values)] for k, values in enumerate(picks))] for i in range(240)]
    export = tmp_path / "incidents.csv"
    export.write_text(csv_text([SN_HEADER, *rows]), encoding="utf-8")
    cfg = read_config(config)[0]
    said: list[str] = []
    for options in ({}, {"by": ["assignment_group"], "period": "month", "date_column": "opened_at"}, {"by": ["assignment_group"], "weight": "w"}):
        query = query_for(str(export), cfg, "duckdb", by=options.get("by", ()), period=options.get("period"), date_column=options.get("date_column"), weight=options.get("weight"), notify=said.append)
        counts = _counts(query, tmp_path / "counts.csv")
        expected = _scored(score(str(export), cfg, Options(**options), processes=1))
        assert _scored(score_counts([str(counts)], cfg, Options(**options))) == expected
    quality = {q["metric"]: q for q in expected["quality"]}
    assert quality["csat"]["blank"] and quality["csat"]["invalid_examples"] == {"x": 19}  # ?, ' ? ' and empty are blank; only x is invalid
    assert quality["sla_met"]["not_applicable"]  # a made_sla of ? is blank: outside 'made_sla is not blank'
    assert quality["csat"]["rows"] < len(rows)  # the last run's weights of ? are left out, as for rows
    assert {r["segment"].get("assignment_group") for r in expected["results"]} == {None, "(blank)", "Network", "Service Desk"}  # None: the overall rows
    assert any("'?'" in line and "blank" in line for line in said)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_reads_a_layouts_blank_values_as_null(tmp_path, monkeypatch, dialect):
    """The layout's ? is NULL in every column the query reads (segment, date, answers, weight), each keeping its own type otherwise."""
    monkeypatch.chdir(tmp_path)
    Path("sn.yaml").write_text(SERVICENOW, encoding="utf-8")
    Path("incidents.csv").write_text(csv_text([SN_HEADER, ["INC1", "Closed", "0", "0", "true", "2025-01-03 10:00:00", "?", "4", "1"]]), encoding="utf-8")
    query = query_for("incidents.csv", read_config(Path("sn.yaml"))[0], dialect, by=["assignment_group"], period="week", date_column="opened_at", weight="w")
    assert query == (QUERIES / f"{dialect}_blank_values.sql").read_text(encoding="utf-8")
