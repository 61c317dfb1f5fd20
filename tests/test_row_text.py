"""Result rows written from their arrays (cxscore.render.row_text) are the bytes the rows themselves give."""
from __future__ import annotations

import csv
import dataclasses
import io
import math
from datetime import datetime, timedelta

import msgspec
import numpy as np
import pyarrow as pa
import pytest

from cxscore import Options, score
from cxscore.config import validate_config
from cxscore.records import ResultRow
from cxscore.render import csv_rows, json_doc, row_text
from cxscore.row_table import RowTable

#: Segment names that need care: unicode, CSV quoting (comma, quote, newline), formula-like, blank-ish.
TEAMS = ["Zoë", "王芳", 'a,b "c"', "=1+1", "line\nbreak", "t5", " ", "-2"]


def _export(seed: int, rows: int, weighted: bool) -> pa.Table:
    rng = np.random.default_rng(seed)
    team = rng.integers(0, len(TEAMS), rows)
    days = rng.integers(0, 90, rows)
    nps = np.clip(rng.integers(0, 11, rows) + team % 4 - 3, 0, 10)  # some teams below zero
    blank = (rng.random(rows) < 0.05) | ((team == 5) & (days % 14 < 7))  # team t5 has no NPS answers in some weeks: n = 0 cells
    columns = {
        "submitted_at": pa.array([datetime(2025, 1, 6) + timedelta(days=int(d)) for d in days]),
        "team": pa.array([TEAMS[t] for t in team]),
        "region": pa.array(rng.choice(["EU", "US", "亚太"], rows)),
        "Recommend (0-10)": pa.array(nps, mask=blank),
        "Satisfaction (1-5)": pa.array(np.where(team == 1, 5, rng.integers(1, 6, rows))),  # all 5s: bounds at the scale's end (ints)
        "Ease (1-7)": pa.array(np.where(team == 2, 1, rng.integers(1, 8, rows))),  # all 1s: at the other end
    }
    if weighted:
        columns["weight"] = pa.array(rng.choice([0.5, 1.0, 2.0, 3.5, 1e-6], rows))  # ties, and tiny weights (exponent floats)
    return pa.table(columns)


def _texts(report) -> dict[str, str]:
    out = {}
    for name, write in (("json", lambda o: json_doc.write(report, o, pretty=False)), ("jsonl", lambda o: json_doc.write_lines(report.results, o)),
                        ("csv", lambda o: csv_rows.write(report, o)), ("csv raw", lambda o: csv_rows.write(report, o, raw=True))):
        buffer = io.StringIO()
        write(buffer)
        out[name] = buffer.getvalue()
    return out


@pytest.mark.parametrize(("seed", "weighted", "extra"), [
    (1, False, {}),
    (2, True, {"baseline": 3, "trend": 4}),
    (3, False, {"nps_test": "wald", "nps_interval": "wald", "min_n": 3, "confidence": 0.9, "sort": "score"}),
    (4, True, {"nps_test": "adjusted-wald", "min_n": 1, "fail_on_significant_drop": True}),
    (5, False, {"config": True, "trend": 3, "fail_under": ["nps=99"]}),
    (6, True, {"benchmark": "Retail"}),  # a change on every row: written as rows
    (7, False, {"distribution": True}),  # rows with a distribution: written as rows
])
def test_rows_written_from_arrays_are_the_bytes_of_the_rows(monkeypatch, seed, weighted, extra):
    extra = dict(extra)
    config = validate_config({"metrics": [  # a rate and a CES on another scale with the survey kinds
        {"name": "nps", "type": "nps", "column": "Recommend (0-10)"},
        {"name": "promoted", "type": "rate", "condition": '"Recommend (0-10)" >= 9', "better": "higher"},
        {"name": "effort", "type": "ces", "column": "Ease (1-7)", "scale": [1, 7]},
    ]}) if extra.pop("config", False) else None
    report = score(_export(seed, 3_000, weighted), config, options=Options(by=["team", "region"], period="week", weight="weight" if weighted else None, **extra))
    results = report.results
    assert len(results) > 500
    assert any(r.n == 0 for r in results) and any(r.value is not None and r.value < 0 for r in results)
    assert any(r.significance and r.significance["significant"] for r in results)
    from_arrays = _texts(report)
    monkeypatch.setattr(RowTable, "as_columns", lambda self, start, stop: None)
    assert _texts(report) == from_arrays
    assert from_arrays["json"] == json_doc.render(report, pretty=False)  # the document as one whole, too


def test_many_cells_are_written_without_a_row_object_each(monkeypatch):
    report = score(_export(8, 3_000, True), options=Options(by=["team", "region"], period="week", weight="weight"))
    tables = [part for part in report.results.parts if isinstance(part, RowTable)]  # type: ignore[attr-defined]
    assert sum(len(t) for t in tables) > 500
    made = []
    for table in tables:
        make = table._make
        monkeypatch.setattr(table, "_make", lambda start, stop, make=make: made.append(stop - start) or make(start, stop))
    texts = _texts(report)
    assert made == []  # only the overall, segment and each series' latest rows exist as objects, made while scoring
    assert texts["jsonl"].count("\n") == len(report.results)


def test_the_json_fields_are_the_rows():
    assert row_text.FIELDS == tuple(f.name for f in dataclasses.fields(ResultRow))


def test_floats_are_written_as_json_and_repr_write_them():
    values = np.array([0.0, -0.0, 1.0, -1.5, 1e-4, 9.99e-5, 1.5e-7, 1e16, 9999999999999998.0, 1.2345678901234567e300, 5e-324,
                       math.nan, math.inf, -math.inf, 33.33333333333333, 0.1 + 0.2, 1e-4, 1.0])
    got_json = row_text._json(values).to_pylist()
    assert got_json == [msgspec.json.encode(v).decode() for v in values.tolist()]
    assert row_text._csv(values).to_pylist() == [repr(v) for v in values.tolist()]
    assert row_text._json(np.array([3, -2, 0], dtype=np.int64)).to_pylist() == ["3", "-2", "0"]
    assert row_text._csv(np.zeros(0)).to_pylist() == []
    missing = np.array([1.5, None, 1e-5, None], dtype=object)  # a component None on some rows (within_pct without a target)
    assert row_text._json(missing).to_pylist() == ["1.5", "null", msgspec.json.encode(1e-5).decode(), "null"]
    assert row_text._csv(missing).to_pylist() == ["1.5", "", "1e-05", ""]


def test_small_blocks_with_kept_rows_at_their_edges_are_each_row_once():
    """Blocks of 7 rows (kept rows at their starts and ends) of a weighted daily table, most values distinct."""
    report = score(_export(9, 1_500, True), options=Options(by=["team"], period="day", weight="weight"))
    assert any(isinstance(part, RowTable) for part in report.results.parts)  # type: ignore[attr-defined]
    lines = io.StringIO()
    json_doc.write_lines(report.results, lines, rows_per_write=7)
    assert lines.getvalue().splitlines() == [json_doc._encode(row).decode() for row in report.results]


class _CountedText(io.TextIOWrapper):
    """A UTF-8 text stream that counts the text written through it."""

    texts = 0

    def write(self, text):
        type(self).texts += 1
        return super().write(text)


@pytest.mark.parametrize("form", ["json", "jsonl", "csv"])
def test_utf8_output_goes_to_the_byte_stream_in_order(form):
    """A UTF-8 standard output gets the encoded rows' bytes as they are, after what was written before (not
    decoded for the text layer to encode again); another encoding gets them through its text layer."""
    report = score(_export(10, 600, False), options=Options(by=["team"], period="week"))
    write = {"json": lambda o: json_doc.write(report, o, pretty=False), "jsonl": lambda o: json_doc.write_lines(report.results, o),
             "csv": lambda o: csv_rows.write(report, o)}[form]
    want = io.StringIO()
    write(want)
    raw = io.BytesIO()
    out = _CountedText(raw, encoding="utf-8", newline="")
    out.write("before\n")
    _CountedText.texts = 0
    write(out)
    out.write("after\n")
    out.flush()
    assert raw.getvalue().decode("utf-8") == "before\n" + want.getvalue() + "after\n"
    assert _CountedText.texts == 1  # only "after"
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", newline="")
    with pytest.raises(UnicodeEncodeError):  # 王芳 has no Latin-1 form: refused as the text layer always refused it
        write(latin)


def _tickets(seed: int, rows: int) -> pa.Table:
    """Tickets of unicode-named agents by region and week: whole-minute first replies (ties, zeros, blanks,
    an agent with none at all: n = 0 cells; rare agents: cells of one to five, no interval) and resolutions."""
    rng = np.random.default_rng(seed)
    agent = rng.integers(0, len(TEAMS), rows)
    days = rng.integers(0, 70, rows)
    minutes = np.round(rng.lognormal(2.5 + 0.2 * (agent % 3), 1.0, rows))
    minutes[agent == 1] = 0  # every first reply of one agent in 0 minutes
    minutes[(agent == 6) & (days >= 35)] *= 8  # one agent slows down: significant changes
    blank = (rng.random(rows) < 0.05) | (agent == 7)  # an agent with no first reply at all
    rare = rng.random(rows) < 0.02  # a few tickets of an agent seen rarely
    names = np.where(rare, "稀有 agent", np.array(TEAMS)[agent])
    created = [datetime(2025, 1, 6, 8) + timedelta(days=int(d), minutes=int(m)) for d, m in zip(days, rng.integers(0, 600, rows))]
    solved = [c + timedelta(minutes=float(m)) for c, m in zip(created, np.round(rng.lognormal(6, 1.5, rows)))]
    return pa.table({"Created at": pa.array(created), "Solved at": pa.array(solved), "Assignee": pa.array(names.tolist()),
                     "Group": pa.array(rng.choice(["Tier 1", "Tier,2"], rows)),
                     "First reply time in minutes": pa.array(minutes, mask=blank)})


@pytest.mark.parametrize(("seed", "within", "extra"), [
    (11, None, {"min_n": 10}),
    (12, "20m", {"baseline": 3, "trend": 4, "min_n": 10}),
    (13, "1h", {"min_n": 1, "confidence": 0.9, "fail_on_significant_drop": True}),
    (14, None, {"sort": "score", "min_n": 10, "confidence": 0.8}),
])
def test_duration_and_rate_rows_are_written_from_arrays_as_the_rows_write_them(monkeypatch, seed, within, extra):
    """Service KPIs (durations with and without a ``within:`` target — ``within_pct`` None on every row without
    one: null in JSON, an empty CSV cell — and a rate) are written from their arrays, no row made, byte for byte
    what the rows give in JSON, JSON Lines and CSV."""
    target = {"within": within} if within else {}
    config = validate_config({"metrics": [
        {"name": "frt", "type": "duration", "column": "First reply time in minutes", **target},
        {"name": "resolution", "type": "duration", "start": "Created at", "end": "Solved at", **target},
        {"name": "fast", "type": "rate", "condition": '"First reply time in minutes" <= 15', "better": "higher"},
    ]})
    report = score(_tickets(seed, 2_500), config, options=Options(by=["Assignee", "Group"], period="week", date_column="Created at", **extra))
    tables = [part for part in report.results.parts if isinstance(part, RowTable)]  # type: ignore[attr-defined]
    assert {t.as_columns(0, 1).type for t in tables} == {"duration", "rate"}  # type: ignore[union-attr]  # every table has arrays
    rows = list(report.results)
    durations = [r for r in rows if r.type == "duration" and r.period]
    assert any(r.n == 0 for r in durations) and any(r.n == 1 for r in durations) and any(r.n >= 2 and r.ci_low is None for r in durations)
    assert any(r.n and r.value == 0 for r in durations) and any(r.significance and r.significance["significant"] for r in durations)
    assert all((r.components["within_pct"] is None) == (not within or not r.n) for r in durations)
    made = []
    for table in tables:
        make = table._make
        monkeypatch.setattr(table, "_make", lambda start, stop, make=make: made.append(stop - start) or make(start, stop))
    from_arrays = _texts(report)
    assert made == []
    answered = [line for line in csv.DictReader(io.StringIO(from_arrays["csv"])) if line["type"] == "duration" and line["n"] != "0"]
    assert answered and all((line["within_pct"] == "") == (within is None) for line in answered)  # an empty cell, not "nan" or "None"
    monkeypatch.setattr(RowTable, "as_columns", lambda self, start, stop: None)
    assert _texts(report) == from_arrays
