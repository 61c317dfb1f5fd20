"""Sourced service benchmarks: each with its source and year, and a duration or rate compared with
the benchmarks of its own name (the 80/20 service level stays a convention, never compared)."""
from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest

from conftest import invoke
from cxscore import benchmarks
from cxscore.errors import CxError

SERVICE_ROWS = {  # id: (metric, value, scale, year, quality)
    "comm100-2016-chat-wait": ("chat_wait", 45, "seconds", 2016, "P"),
    "comm100-2017-chat-wait": ("chat_wait", 37, "seconds", 2017, "P"),
    "comm100-2018-chat-wait": ("chat_wait", 48, "seconds", 2018, "P"),
    "comm100-2019-chat-wait": ("chat_wait", 46, "seconds", 2019, "P"),
    "comm100-2020-chat-wait": ("chat_wait", 35, "seconds", 2020, "P"),
    "zendesk-2015-chat-first-reply": ("chat_first_reply", 96, "seconds", 2015, "S"),
    "sqm-2022-fcr-good": ("fcr", 70, "pct", 2022, "S"),
    "sqm-2022-fcr-world-class": ("fcr", 80, "pct", 2022, "S"),
}


def test_every_service_benchmark_has_its_source_url_and_year_and_the_80_20_stays_a_convention():
    rows = {row.id: row for row in benchmarks.bundled()}
    for id_, (metric, value, scale, year, quality) in SERVICE_ROWS.items():
        row = rows[id_]
        assert (row.metric, row.value, row.scale, row.year, row.quality) == (metric, value, scale, year, quality), id_
        assert row.source.strip() and row.url and row.url.startswith("http") and row.definition, id_
    service_level = [row for row in rows.values() if row.metric == "service_level"]
    assert service_level and all(row.kind == "convention" and row.year is None for row in service_level)


@pytest.fixture
def chats(write_csv, tmp_path):
    """Two hundred chats, waits around 40 s, and whether each was resolved on first contact."""
    rng = np.random.default_rng(3)
    waits = np.rint(np.exp(rng.normal(np.log(40), 0.6, 200))).astype(int)
    rows = [["Chat", "Wait", "Resolved first time"]] + [[i, int(w), "Y" if i % 4 else "N"] for i, w in enumerate(waits)]
    config = tmp_path / "chat.yaml"
    config.write_text(
        "metrics:\n  - name: chat_wait\n    type: duration\n    column: Wait\n    unit: seconds\n"
        "  - name: fcr\n    type: rate\n    condition: '\"Resolved first time\" = Y'\n"
        "  - name: service_level\n    type: rate\n    condition: Wait <= 20\n", encoding="utf-8")
    return write_csv(rows, "chats.csv"), config, waits


def test_a_duration_and_a_rate_are_compared_with_the_benchmarks_of_their_name(chats, tmp_path):
    path, config, waits = chats
    result = invoke(["score", str(path), "-c", str(config), "--benchmark", "Live chat (Comm100", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    overall = {r["metric"]: r for r in json.loads(result.stdout)["results"] if not r["segment"]}
    wait = overall["chat_wait"]
    assert wait["benchmark"]["id"] == "comm100-2020-chat-wait"  # primary, the most recent
    assert wait["benchmark"]["gap"] == pytest.approx(wait["value"] - 35)
    assert wait["value"] == pytest.approx(np.quantile(waits, 0.5, method="inverted_cdf"), rel=0.01)
    # fcr has no Comm100 row and service_level only a convention: not compared, said once
    assert overall["fcr"]["benchmark"] is None and overall["service_level"]["benchmark"] is None
    assert "fcr is not compared" in result.stderr and "service_level is not compared" in result.stderr
    calls = invoke(["score", str(path), "-c", str(config), "-m", "fcr", "--benchmark", "sqm-2022-fcr-good", "-f", "json", "-q"])
    fcr = json.loads(calls.stdout)["results"][0]
    assert fcr["benchmark"]["id"] == "sqm-2022-fcr-good" and fcr["benchmark"]["gap"] == pytest.approx(fcr["value"] - 70)
    table = invoke(["score", str(path), "-c", str(config), "-m", "chat_wait", "--benchmark", "Live chat (Comm100", "-q"], env={"COLUMNS": "200"})
    assert " vs 35s (Live chat (Comm100 customers), 2020)" in table.stdout, table.stdout  # a duration's words, not 35


def test_a_slower_wait_than_the_benchmark_is_red_in_the_summary(chats, tmp_path):
    """A gap above the benchmark is good news for a score and bad news for a wait: the Summary's colours follow."""
    path, config, _ = chats
    out = tmp_path / "chat.xlsx"
    assert invoke(["report", str(path), "-c", str(config), "-m", "fcr", "-m", "chat_wait", "--benchmark", "Live chat (Comm100", "-o", str(out), "-q"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Summary"]
    assert [ws.cell(r, 1).value for r in (2, 3)] == ["chat_wait", "fcr"]  # the config's order
    assert ws["K2"].value.total_seconds() > 0 and ws["K2"].number_format == '+[m]:ss.0;-[m]:ss.0;[m]:ss.0'  # these chats wait longer than Comm100's 35 s (by under 10 s: tenths)
    rules = {str(rng.sqref): [(rule.formula[0], rule.dxf.fill.fgColor.rgb[-6:]) for rule in rng.rules] for rng in ws.conditional_formatting if "K" in str(rng.sqref)}
    assert rules["K2"] == [("AND(ISNUMBER(K2),K2<0)", "C6EFCE"), ("AND(ISNUMBER(K2),K2>0)", "FFC7CE")]  # a wait: above is red
    assert rules["K3"] == [("AND(ISNUMBER(K3),K3>0)", "C6EFCE"), ("AND(ISNUMBER(K3),K3<0)", "FFC7CE")]  # fcr: above is green


def test_a_kind_compared_by_name_needs_a_row_of_that_name_and_scale():
    rows = benchmarks.bundled()
    assert benchmarks.choose(rows, "duration", "Live chat (Zendesk", "chat_first_reply").value == 96
    with pytest.raises(CxError, match="no seconds benchmark of a metric named 'frt'"):
        benchmarks.choose(rows, "duration", "Live chat", "frt")
    with pytest.raises(CxError, match="no pct benchmark of a metric named 'chat_wait'"):
        benchmarks.choose(rows, "rate", "Live chat", "chat_wait")  # a rate named like a duration's rows: other scale
