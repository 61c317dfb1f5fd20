"""Rows and answers that were lost or misread without a word: an unclosed quote, Excel error cells."""
from __future__ import annotations

import json

from conftest import invoke, run_process

HEAD = "id,channel,How likely are you to recommend us?\n"


def test_an_unclosed_quote_is_an_error_naming_its_line(tmp_path):
    # 6 data rows, one with `"Chat,8`: the JSON said rows 1, malformed 1, and 5 responses were lost, exit 0.
    path = tmp_path / "q.csv"
    path.write_text(HEAD + '1,Chat,9\n2,"Chat,8\n3,Email,7\n4,Phone,6\n5,Chat,10\n6,Web,3\n', encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"error: {path}: a quote opened in line 3 is never closed ('2,\"Chat,8'), so lines 4 to 7 would be read as one answer and lost" in result.stderr


def test_an_unclosed_quote_on_standard_input_shows_the_record(tmp_path):
    body = HEAD + '1,Chat,9\n2,"Chat,8\n3,Email,7\n4,Phone,6\n'
    result = run_process(["score", "-", "-q"], input=body.encode())
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: <stdin>: a quote opened in the record '2,\"Chat,8' is never closed, so the 2 line(s) after it")


def test_an_unclosed_quote_on_the_last_line_costs_that_row_only(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(HEAD + '1,Chat,9\n2,Email,7\n3,"Chat,8\n', encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json", "-q"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and (doc["inputs"][0]["rows"], doc["inputs"][0]["malformed_rows"]) == (2, 1)


def test_a_closed_multiline_field_in_a_malformed_row_stays_one_counted_row(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(HEAD + '1,Chat,9\n2,"a long\ncomment",8,extra\n3,Email,7\n', encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json", "-q"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and (doc["inputs"][0]["rows"], doc["inputs"][0]["malformed_rows"]) == (2, 1)
