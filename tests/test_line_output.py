"""JSON Lines (``-f jsonl``) and the streamed CSV: one result per line for pipes, written in pieces."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT, SAMPLE, invoke
from cxscore.pipeline import Options, score
from cxscore.render import csv_rows, json_doc

SCORE = ["score", str(SAMPLE), "--by", "Channel", "--period", "month", "--benchmark", "retail", "--distribution"]


def lines_of(text: str) -> list[dict]:
    assert text.endswith("\n") and "\n\n" not in text
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def both():
    """The sample's JSON document and its JSON Lines, from the same options."""
    return json.loads(invoke([*SCORE, "-f", "json"]).stdout), invoke([*SCORE, "-f", "jsonl"])


def test_each_line_is_one_result_of_the_json_document_and_nothing_else(both):
    document, result = both
    assert result.exit_code == 0
    assert lines_of(result.stdout) == document["results"] and len(document["results"]) > 50
    # compact, one object a line, in the document's key order
    first = result.stdout.splitlines()[0]
    assert list(json.loads(first)) == list(document["results"][0]) and ": " not in first


def test_warnings_go_to_stderr_and_every_line_keeps_one_shape(write_csv):
    export = write_csv([["Channel", "How likely are you to recommend us?"], *[["Chat", str(i % 11)] for i in range(40)], ["Chat", "10+"]])
    result = invoke(["score", str(export), "--by", "Channel", "-f", "jsonl"])
    assert result.exit_code == 0
    assert "invalid" in result.stderr
    rows = lines_of(result.stdout)
    assert [(r["metric"], r["segment"]) for r in rows] == [("nps", {}), ("nps", {"Channel": "Chat"})]
    assert {frozenset(r) for r in rows} == {frozenset(rows[0])}


def test_with_comments_the_lines_are_the_comments():
    document = json.loads(invoke(["score", str(SAMPLE), "--comments", "3", "-f", "json"]).stdout)
    result = invoke(["score", str(SAMPLE), "--comments", "3", "-f", "jsonl"])
    assert lines_of(result.stdout) == document["comments"] and document["comments"]


def test_lines_read_as_a_table_by_duckdb(tmp_path, both):
    duckdb = pytest.importorskip("duckdb")
    document, result = both
    path = tmp_path / "results.jsonl"
    path.write_text(result.stdout, encoding="utf-8")
    rows = duckdb.sql(f"select metric, segment.Channel as channel, period, n from read_json('{path}', format='newline_delimited')").fetchall()
    assert rows == [(r["metric"], r["segment"].get("Channel"), r["period"], r["n"]) for r in document["results"]]


class Sink:
    """A stream that keeps each write apart."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> None:
        self.writes.append(text)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_json_lines_and_csv_are_streamed_in_pieces_with_the_same_text(fmt):
    report = score([str(SAMPLE)], options=Options(by=["Channel"], period="month", distribution=True, benchmark="retail"))
    pieces, whole = Sink(), Sink()
    if fmt == "jsonl":
        json_doc.write_lines(report.results, pieces, rows_per_write=10)
        json_doc.write_lines(report.results, whole)
    else:
        csv_rows.write(report, pieces, rows_per_write=10)
        whole.writes.append(csv_rows.render(report))
    text = "".join(whole.writes)
    assert "".join(pieces.writes) == text
    assert len(pieces.writes) >= len(report.results) // 10 and max(map(len, pieces.writes)) < len(text) / 5


def test_the_csv_written_by_column_is_the_row_by_row_text(write_csv):
    # Text cells that need quoting or a formula guard, booleans, floats at full precision, empty cells.
    export = write_csv([["Team", "How likely are you to recommend us?"], *[[team, str(i % 11)] for i, team in enumerate(['=SUM(A1)', 'a, "b"', "plain"] * 12)]])
    report = score([str(export)], options=Options(by=["Team"]))
    text = csv_rows.render(report)
    import csv
    import io

    parsed = list(csv.reader(io.StringIO(text)))
    header, rows = parsed[0], parsed[1:]
    assert [r[header.index("Team")] for r in rows] == ["", "'=SUM(A1)", 'a, "b"', "plain"]
    for row, result in zip(rows, report.results):
        assert row[header.index("value")] == repr(result.value)
        assert row[header.index("low_n")] == str(result.low_n).lower()
        assert row[header.index("p_value")] == ("" if result.significance is None else repr(result.significance["p_value"]))
        assert row[header.index("benchmark")] == ""


@pytest.mark.parametrize("command", [
    ["inspect", str(SAMPLE)],
    ["plan", "--metric", "nps", "--margin", "5"],
    ["volume", str(ROOT / "sample_data" / "tickets_zendesk.csv"), "--period", "month"],
])
def test_a_command_with_one_document_writes_it_on_one_line(command):
    document = invoke([*command, "-f", "json"])
    line = invoke([*command, "-f", "jsonl"])
    assert line.exit_code == document.exit_code == 0
    assert line.stdout.count("\n") == 1 and json.loads(line.stdout) == json.loads(document.stdout)


def test_benchmarks_one_per_line():
    document = json.loads(invoke(["benchmarks", "-f", "json"]).stdout)
    assert lines_of(invoke(["benchmarks", "-f", "jsonl"]).stdout) == document and document
