"""`cxscore drivers` end to end: the sample's known structure, streaming, explicit drivers, refusals."""
from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import ROOT, invoke, run_process
from cxscore.keydrivers import key_drivers

DRIVERS_SAMPLE = ROOT / "sample_data" / "drivers_export.csv"
ATTRIBUTES = ["Price", "Delivery", "Staff", "App", "Product quality"]


def complete_rows(path=DRIVERS_SAMPLE) -> int:
    """Rows where NPS is 0–10 and every attribute 1–5, counted with the csv module alone."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    def rated(text: str, lo: int, hi: int) -> bool:
        return text.isdigit() and lo <= int(text) <= hi
    return sum(rated(r[3], 0, 10) and all(rated(x, 1, 5) for x in r[4:]) for r in rows)


def test_table_ranks_delivery_first_and_says_associated():
    result = invoke(["drivers", str(DRIVERS_SAMPLE), "--outcome", "nps"])
    assert result.exit_code == 0, result.stderr
    body = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert "csat_delivery" in body[0] and "fix first" in body[0]
    assert len([line for line in body if line.split("│")[2].strip()]) == 5  # a driver's name may wrap onto a line of its own
    assert "associated with" in result.stdout and "causes" not in result.stdout
    assert f"n = {complete_rows():,} complete rows" in result.stdout
    assert "drivers: csat_price, csat_delivery" in result.stderr  # which drivers, and why
    assert "not understood" not in result.stderr  # 0 and N/A are "not rated", not invalid


def test_json_shares_sum_to_100_and_n_is_the_complete_rows():
    result = invoke(["drivers", str(DRIVERS_SAMPLE), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["document"] == "cxscore.drivers" and doc["schema_version"] == 1
    assert doc["outcome"]["name"] == "nps" and doc["method"] == "relative_weights"
    names = [d["name"] for d in doc["drivers"]]
    assert names[0] == "csat_delivery" and names[1] == "csat_product_quality" and names[-1] == "csat_price"  # the generator's order of weights
    assert sum(d["share"] for d in doc["drivers"]) == pytest.approx(100, abs=1e-9)
    assert all(d["low"] <= d["share"] <= d["high"] and d["correlation"] > 0 for d in doc["drivers"])
    assert doc["drivers"][0]["p_first"] > 0.95
    assert doc["n"] == complete_rows() and doc["n"] + doc["incomplete"] == 1500
    assert doc["drivers"][0]["column"].endswith("— Delivery")
    assert 0.3 < doc["r2"] < 0.9 and doc["warnings"] == []


def test_chunked_reading_gives_the_same_result():
    whole = key_drivers(DRIVERS_SAMPLE, processes=1).analysis
    chunked = key_drivers(DRIVERS_SAMPLE, processes=1, block_bytes=4096, block_rows=97).analysis
    assert chunked.n == whole.n and chunked.incomplete == whole.incomplete
    for a, b in zip(whole.drivers, chunked.drivers):
        assert (a.name, a.quadrant) == (b.name, b.quadrant)
        assert (a.share, a.low, a.high, a.p_first, a.top_two) == pytest.approx((b.share, b.low, b.high, b.p_first, b.top_two), abs=1e-9)


def test_explicit_drivers_by_name_and_by_column():
    result = invoke(["drivers", str(DRIVERS_SAMPLE), "--driver", "csat_price", "--driver",
                     "How satisfied were you with each part of your order? — Staff", "-f", "json", "--method", "shapley"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert sorted(d["name"] for d in doc["drivers"]) == ["csat_price", "csat_staff"]
    assert doc["method"] == "shapley" and doc["drivers_chosen_by"] == "named with --driver"
    assert "drivers:" not in result.stderr


def test_seed_fixes_the_intervals_and_weights_change_the_fit(tmp_path):
    one, two = (json.loads(invoke(["drivers", str(DRIVERS_SAMPLE), "-f", "json", "--seed", "7"]).stdout) for _ in range(2))
    other = json.loads(invoke(["drivers", str(DRIVERS_SAMPLE), "-f", "json", "--seed", "8"]).stdout)
    assert one["drivers"] == two["drivers"] and one["drivers"] != other["drivers"]
    where = json.loads(invoke(["drivers", str(DRIVERS_SAMPLE), "-f", "json", "--where", "Channel=App"]).stdout)
    assert where["n"] < one["n"] and where["inputs"][0]["filtered_out"] > 0


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_refusals_exit_2_with_one_line(tmp_path):
    import random

    rng = random.Random(3)
    few = _write(tmp_path / "few.csv", ["How likely to recommend (0-10)", "Satisfaction — Price", "Satisfaction — Staff"],
                 [[rng.randint(0, 10), rng.randint(1, 5), rng.randint(1, 5)] for _ in range(40)])
    result = invoke(["drivers", few])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("error:") == 1 and "only 40 complete rows for 2 drivers (40 read" in result.stderr
    wide = _write(tmp_path / "wide.csv", ["How likely to recommend (0-10)", *(f"Satisfaction — Item {i}" for i in range(13))],
                  [[rng.randint(0, 10), *(rng.randint(1, 5) for _ in range(13))] for _ in range(120)])
    result = invoke(["drivers", wide, "--method", "shapley"])
    assert result.exit_code == 2 and "at most 12" in result.stderr and result.stdout == ""
    result = invoke(["drivers", str(DRIVERS_SAMPLE), "--outcome", "ces"])
    assert result.exit_code == 2 and "'ces' is not one of the metrics found" in result.stderr
    result = invoke(["drivers", str(DRIVERS_SAMPLE), "--driver", "Channel"])
    assert result.exit_code == 2 and "--driver 'Channel'" in result.stderr


def test_chinese_headers_and_不适用_give_the_same_result(tmp_path):
    with open(DRIVERS_SAMPLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    zh = {"Price": "价格", "Delivery": "配送", "Staff": "店员", "App": "应用", "Product quality": "产品质量"}
    header = ["编号", "提交时间", "渠道", "您向朋友推荐我们的可能性有多大？(0-10)", *(f"您对以下方面的满意度 — {zh[a]}" for a in ATTRIBUTES)]
    path = _write(tmp_path / "zh.csv", header, [[*r[:4], *("不适用" if x == "N/A" else x for x in r[4:])] for r in rows])
    result = invoke(["drivers", path, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    english = key_drivers(DRIVERS_SAMPLE).analysis
    assert doc["drivers"][0]["name"] == "csat_配送" and doc["n"] == english.n
    assert [d["share"] for d in doc["drivers"]] == pytest.approx([d.share for d in english.drivers], abs=1e-9)


def test_a_real_process_writes_csv_and_exits_2_on_refusal(tmp_path):
    done = run_process(["drivers", str(DRIVERS_SAMPLE), "-f", "csv", "-q"])
    assert done.returncode == 0 and done.stderr == b""
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode())))
    assert rows[0]["driver"] == "csat_delivery" and len(rows) == 5 and int(rows[0]["n"]) == complete_rows()
    markdown = run_process(["drivers", str(DRIVERS_SAMPLE), "-f", "markdown", "-q"]).stdout.decode()
    assert "| Driver | Importance % |" in markdown and "| csat_delivery |" in markdown
    bad = run_process(["drivers", str(DRIVERS_SAMPLE), "--since", "2030-01-01", "-q"])
    assert bad.returncode == 2 and bad.stdout == b""
    assert bad.stderr.decode().startswith("error: only 0 complete rows for 5 drivers (1,500 read, 1,500 left out by filters") and bad.stderr.count(b"\n") == 1


def test_two_files_in_worker_processes_add_up_to_the_whole(tmp_path):
    with open(DRIVERS_SAMPLE, encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    first, second = _write(tmp_path / "a.csv", header, rows[:700]), _write(tmp_path / "b.csv", header, rows[700:])
    whole = key_drivers(DRIVERS_SAMPLE, processes=1).analysis
    split = key_drivers([first, second], processes=2).analysis
    assert (split.n, split.incomplete, split.r2) == (whole.n, whole.incomplete, pytest.approx(whole.r2, abs=1e-12))
    assert [d.share for d in split.drivers] == pytest.approx([d.share for d in whole.drivers], abs=1e-9)  # the moments add; the row-groups differ


def test_output_writes_a_drivers_sheet_with_a_scatter_chart(tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "drivers.xlsx"
    result = invoke(["drivers", str(DRIVERS_SAMPLE), "--output", str(target), "-q"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(invoke(["drivers", str(DRIVERS_SAMPLE), "-f", "json"]).stdout)
    ws = load_workbook(target)["Drivers"]
    rows = list(ws.iter_rows(min_row=2, max_row=6, max_col=10, values_only=True))
    assert [r[0] for r in rows] == [d["name"] for d in doc["drivers"]]
    assert [r[2] for r in rows] == pytest.approx([d["share"] for d in doc["drivers"]]) and rows[0][9] == "fix first"
    (chart,) = ws._charts
    assert type(chart).__name__ == "ScatterChart"
    titles = [s.tx.strRef.f if s.tx.strRef else s.tx.v for s in chart.series]
    assert titles[:5] == [d["name"] for d in doc["drivers"]] and len(titles) == 7  # a point per driver, two quadrant lines
    assert all(s.dLbls.showSerName for s in chart.series[:5])
    assert chart.x_axis.scaling.min % 5 == 0 and chart.x_axis.scaling.max % 5 == 0 and chart.x_axis.number_format.formatCode == "0"  # round axis labels
    refused = invoke(["drivers", str(DRIVERS_SAMPLE), "--output", str(DRIVERS_SAMPLE)])
    assert refused.exit_code == 2 and DRIVERS_SAMPLE.read_bytes()[:11] == b"Response ID"


def test_one_input_read_in_parallel_parts_gives_the_same_result_on_any_number_of_workers(monkeypatch):
    import cxscore.keydrivers as keydrivers

    runs: list[list[tuple[int, int]]] = []  # per call of run_jobs: each run's (parts, bytes)
    run_jobs = keydrivers.run_jobs
    monkeypatch.setattr(keydrivers, "run_jobs", lambda j, *args: runs.append([(len(r.jobs), r.part.size) for r in j]) or run_jobs(j, *args))
    whole = key_drivers(DRIVERS_SAMPLE, processes=1).analysis
    one = key_drivers(DRIVERS_SAMPLE, processes=1, part_bytes=8_192).analysis
    two = key_drivers(DRIVERS_SAMPLE, processes=2, part_bytes=8_192).analysis
    assert runs[0] == [(1, runs[0][0][1])] and len(runs[1]) == 1 and runs[1][0][0] > 3  # the sample (65 kB) in parts of ~8 kB
    (a_parts, a_bytes), (b_parts, b_bytes) = runs[2]  # two processes: two runs of consecutive parts, not one part for this process and the rest for the worker
    assert a_parts + b_parts == runs[1][0][0] and a_bytes + b_bytes == runs[1][0][1] == runs[0][0][1]
    assert max(a_bytes, b_bytes) < 0.65 * (a_bytes + b_bytes)
    assert (one.n, one.incomplete, one.missing) == (two.n, two.incomplete, two.missing) == (whole.n, whole.incomplete, whole.missing)
    for a, b, c in zip(whole.drivers, one.drivers, two.drivers):
        assert (b.share, b.low, b.high, b.p_first, b.mean, b.top_two) == (c.share, c.low, c.high, c.p_first, c.mean, c.top_two)  # exact: cut by size, not by workers
        assert (a.name, a.share, a.mean, a.top_two) == (b.name, pytest.approx(b.share, abs=1e-9), pytest.approx(b.mean, abs=1e-12), pytest.approx(b.top_two, abs=1e-12))


def test_ratings_with_na_and_0_are_read_as_integers_with_the_same_result(monkeypatch):
    """"N/A" and 0 ("not rated") among the 1–5 answers no longer send the columns through text: the
    reader parses them as integers with "N/A" as null, and the analysis is exactly the text read's."""
    import cxscore.pipeline as pipeline
    from cxscore.column_types import SCORE, read_types

    chosen = []

    def choose(*args, text=False):
        chosen.append(read_types(*args))
        return {} if text else chosen[-1]

    monkeypatch.setattr(pipeline, "read_types", choose)
    typed = key_drivers(DRIVERS_SAMPLE, processes=1)
    assert set(chosen[0].values()) == {SCORE} and len(chosen[0]) == 6 and "N/A" in chosen[0].nulls
    monkeypatch.setattr(pipeline, "read_types", lambda *args: choose(*args, text=True))
    text = key_drivers(DRIVERS_SAMPLE, processes=1)
    assert typed.analysis == text.analysis and typed.warnings == text.warnings


def test_without_outcome_csat_is_explained_when_there_is_no_nps_and_the_choice_is_said(tmp_path):
    """No --outcome: NPS, else CSAT (as the report's Drivers sheet), said on stderr — not a refusal
    naming an --outcome 'nps' the user never gave."""
    with open(DRIVERS_SAMPLE, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:300]
    rows[0][4] = "How satisfied were you overall?"  # Price becomes the overall CSAT; the NPS column goes
    path = tmp_path / "csat_only.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(r[:3] + r[4:] for r in rows)
    result = invoke(["drivers", str(path), "--resamples", "20", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["outcome"]["name"] == "csat"
    assert "outcome: csat (the first found of nps, csat; --outcome names another)" in result.stderr
    refused = invoke(["drivers", str(ROOT / "sample_data" / "tickets_zendesk.csv")])
    assert refused.exit_code == 2 and "--outcome" not in refused.stderr.split("error:")[-1].split("—")[0]
    assert "no rating besides csat" in refused.stderr
