"""Summary rows (issue 16): interval reports and per-period reports scored as ratios of sums.

A row of a contact-centre interval report (or of Help Scout's report) is already an aggregate, so a KPI
over rows is Σ numerator ÷ Σ denominator (``type: ratio``) or Σ(average × count) ÷ Σ count
(``type: weighted_average``), never a mean of the rows' percentages or a median of their averages. Values
are checked against pandas sums of the same text; the Wilson interval against its textbook formula.
"""
from __future__ import annotations

import io
import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from conftest import invoke, results_by_metric
from cxscore.ratio_table import RatioColumn, SumsTable

#: A generic / Genesys-style queue interval export: a row per half hour and queue, percentages written
#: ``94.01%``, averages ``00:00:17``; a quiet interval with no calls (0 offered, blank share, 00:00:00 averages).
INTERVAL_REPORT = """\
Interval Start,Interval End,Queue,Offered,Answered,Abandoned,Answered in SL,Service Level %,ASA,AHT
2025-03-03 08:00,2025-03-03 08:30,Sales,12,11,1,9,81.82%,00:00:17,00:05:10
2025-03-03 08:30,2025-03-03 09:00,Sales,40,36,4,30,83.33%,00:00:25,00:04:50
2025-03-03 09:00,2025-03-03 09:30,Sales,0,0,0,0,,00:00:00,00:00:00
2025-03-03 08:00,2025-03-03 08:30,Support,25,25,0,24,96.00%,00:00:08,00:07:30
2025-03-03 08:30,2025-03-03 09:00,Support,31,29,2,27,93.10%,00:00:12,00:06:45
2025-03-03 09:00,2025-03-03 09:30,Support,3,3,0,3,100.00%,00:00:02,00:12:40
"""
#: Only the vendor's percentage, no count answered within T: the offered-weighted share, with no interval.
INTERVAL_SHARES = """\
Interval,Offer,Answer,Abandon,Service Level %,Avg Handle
2025-03-03 08:00,12,11,1,81.82%,00:05:10
2025-03-03 08:30,40,36,4,83.33%,00:04:50
2025-03-03 09:00,25,25,0,96.00%,00:07:30
"""
#: Help Scout's productivity report, a row per period (developer.helpscout.com time range statistics).
HELPSCOUT_REPORT = """\
startDate,endDate,totalConversations,resolutionTime,repliesToResolve,responseTime,firstResponseTime,resolved,resolvedOnFirstReply,closed,repliesSent,handleTime
2025-01-01T00:00:00Z,2025-01-31T23:59:59Z,412,103541.2,2.1,7240.5,5310.7,380,171,395,870,412.5
2025-02-01T00:00:00Z,2025-02-28T23:59:59Z,388,98000.0,2.0,6900.1,5020.3,360,170,371,801,398.2
"""


#: A city's monthly call-centre figures (the shape of San Francisco's Health Service System open data): no
#: answered count, and the report's own rate is Abandoned ÷ (Inbound + Abandoned) at its decimals, so
#: 'Inbound Calls' counts the calls answered; a month with no speed of answer (blank).
CALL_REPORT_RATED = """\
Month,Inbound Calls,Average Speed of Answer in Secs,Abandoned Calls,Call Abandonment Rate,In-person visits
Oct 2018,11924,28,217,1.79,2158
Sep 2018,5205,18,63,1.2,1117
Aug 2018,4953,14,37,0.74,1140
Jul 2018,4361,13,43,0.98,1004
Jun 2018,4507,11,40,0.88,1340
May 2018,5121,,50,0.97,1456
Dec 2017,5478,29,76,1.37,1221
Oct 2017,11333,73,594,4.98,1763
"""
#: The same shape with no stated rate: nothing says whether 'Inbound Calls' counts the abandoned calls.
CALL_REPORT_UNRATED = """\
Month,Inbound Calls,Average Speed of Answer in Secs,Abandoned Calls
Oct 2018,11924,28,217
Sep 2018,5205,18,63
"""
#: Offered calls and abandoned ones, no answered count: abandonment needs no reading of the base.
CALL_REPORT_OFFERED = """\
Date,Calls Offered,Abandoned Calls,Abandon %
2025-03-03,120,6,5.0%
2025-03-04,95,9,9.5%
2025-03-05,130,4,3.1%
"""


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _seconds(clock: pd.Series) -> pd.Series:
    return pd.to_timedelta(clock).dt.total_seconds()


def _score(tmp_path, text: str, *args: str) -> tuple[dict, str]:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    result = invoke(["score", str(path), "-f", "json", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def _wilson(k: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    z = scipy_stats.norm.ppf(0.5 + confidence / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def test_interval_report_kpis_are_ratios_of_sums_with_zero_config(tmp_path):
    document, stderr = _score(tmp_path, INTERVAL_REPORT)
    got = results_by_metric(document)
    frame = _frame(INTERVAL_REPORT)
    n = lambda column: frame[column].astype(int)  # noqa: E731
    offered, answered = n("Offered").sum(), n("Answered")
    assert document["inputs"][0]["layout"] == "interval_report" and "rows are intervals, not calls" in stderr
    assert list(got) == ["service_level", "abandoned", "speed_of_answer", "aht"]
    assert got["service_level"]["n"] == offered == 111 and got["service_level"]["value"] == pytest.approx(100 * n("Answered in SL").sum() / offered)
    assert (got["service_level"]["ci_low"], got["service_level"]["ci_high"]) == pytest.approx(_wilson(n("Answered in SL").sum(), offered))
    assert got["abandoned"]["value"] == pytest.approx(100 * n("Abandoned").sum() / offered)
    for metric, column in (("speed_of_answer", "ASA"), ("aht", "AHT")):
        assert got[metric]["n"] == answered.sum() and got[metric]["value"] == pytest.approx((_seconds(frame[column]) * answered).sum() / answered.sum())
        assert got[metric]["ci_low"] is None and got[metric]["significance"] is None
    # The trap: the plain mean of the rows' averages (or their median) is another, wrong number.
    assert got["aht"]["value"] != pytest.approx(_seconds(frame["AHT"]).mean(), rel=0.01)
    assert "no single call's or conversation's time" in stderr
    assert document["metrics"][0]["formula"] == "Σ Answered in SL ÷ Σ Offered over the rows (a ratio of sums; Wilson interval on the summed counts)"


def test_interval_report_segments_test_counts_but_never_averages(tmp_path):
    document, _ = _score(tmp_path, INTERVAL_REPORT, "--by", "Queue")
    rows = {(r["metric"], r["segment"].get("Queue")): r for r in document["results"]}
    sales, support = rows[("service_level", "Sales")], rows[("service_level", "Support")]
    assert (sales["n"], support["n"]) == (52, 59) and sales["value"] == pytest.approx(100 * 39 / 52)
    assert sales["significance"]["against"] == "rest" and sales["significance"]["p_value"] < 0.05  # 75.0 % against 91.5 %: the pooled two-proportion test
    assert rows[("aht", "Sales")]["significance"] is None and rows[("aht", "Support")]["value"] == pytest.approx((450 * 25 + 405 * 29 + 760 * 3) / 57)


def test_interval_rows_are_dated_by_their_start_and_periods_sum_their_intervals(tmp_path):
    two_days = INTERVAL_REPORT + "2025-03-04 08:00,2025-03-04 08:30,Sales,20,18,2,15,83.33%,00:00:20,00:05:00\n"
    document, stderr = _score(tmp_path, two_days, "--period", "day", "-m", "service_level")
    days = {r["period"]: r for r in document["results"] if r["period"]}
    assert "'Interval Start' holds dates" in stderr or document["inputs"][0].get("date_column") == "Interval Start"
    assert (days["2025-03-03"]["n"], days["2025-03-03"]["value"]) == (111, pytest.approx(100 * 93 / 111))
    assert (days["2025-03-04"]["n"], days["2025-03-04"]["value"]) == (20, pytest.approx(75.0))
    assert days["2025-03-04"]["significance"]["against"] == "previous"  # counts: periods are tested


def test_a_vendor_percentage_is_weighted_by_offered_and_gets_no_interval(tmp_path):
    document, stderr = _score(tmp_path, INTERVAL_SHARES)
    got = results_by_metric(document)
    frame = _frame(INTERVAL_SHARES)
    shares = frame["Service Level %"].str.rstrip("%").astype(float)
    offered = frame["Offer"].astype(int)
    assert got["service_level"]["value"] == pytest.approx((shares * offered).sum() / offered.sum()) and got["service_level"]["ci_low"] is None
    assert got["service_level"]["value"] != pytest.approx(shares.mean(), rel=0.001)  # not the mean of the percentages
    assert "has no counts to build one from" in stderr
    assert got["aht"]["value"] == pytest.approx((_seconds(frame["Avg Handle"]) * frame["Answer"].astype(int)).sum() / frame["Answer"].astype(int).sum())


def test_help_scout_report_rows_are_scored_volume_weighted_with_the_weight_named(tmp_path):
    document, stderr = _score(tmp_path, HELPSCOUT_REPORT)
    got = results_by_metric(document)
    frame = _frame(HELPSCOUT_REPORT).drop(columns=["startDate", "endDate"]).apply(pd.to_numeric)
    assert list(got) == ["fcr", "frt", "resolution", "aht"]
    assert got["fcr"]["value"] == pytest.approx(100 * frame["resolvedOnFirstReply"].sum() / frame["resolved"].sum()) and got["fcr"]["n"] == 740
    assert got["fcr"]["ci_low"] == pytest.approx(_wilson(341, 740)[0])
    weighted = lambda column, by: (frame[column] * frame[by]).sum() / frame[by].sum()  # noqa: E731
    assert got["frt"]["value"] == pytest.approx(weighted("firstResponseTime", "totalConversations")) and got["frt"]["n"] == 800
    assert got["resolution"]["value"] == pytest.approx(weighted("resolutionTime", "resolved"))
    assert got["aht"]["value"] == pytest.approx(weighted("handleTime", "totalConversations"))
    described = {m["name"]: m for m in document["metrics"]}
    assert "weighted by 'totalConversations'" in described["frt"]["definition"] and "weighted by 'resolved'" in described["resolution"]["definition"]


def test_inspect_names_the_interval_report_and_its_kpis(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    result = invoke(["inspect", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)["plan"]
    assert plan["platform"] == "contact-centre interval report"
    assert [m["name"] for m in plan["metrics"]] == ["service_level", "abandoned", "speed_of_answer", "aht"]
    assert {a["name"] for a in plan["alternatives"]} == {"answer_rate"} and all(m["definition"] and m["source"] for m in plan["metrics"])


def test_unreadable_counts_are_invalid_with_their_text(tmp_path):
    bad = INTERVAL_REPORT.replace("Sales,40,36,4,30", "Sales,40,36,4,41").replace("Support,31,29,2,27", "Support,3l,29,2,27")
    document, stderr = _score(tmp_path, bad, "-m", "service_level")
    row = results_by_metric(document)["service_level"]
    assert row["invalid"] == 2 and row["n"] == 111 - 40 - 31
    assert "Answered in SL 41 > Offered 40" in stderr and "Offered: 3l" in stderr


def test_ratio_config_errors_name_the_key(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    for body, expected in (("type: ratio\n    numerator: Answered", "denominator: is required"),
                           ("type: ratio\n    numerator: Answered\n    share: Service Level %\n    denominator: Offered", "not both"),
                           ("type: weighted_average\n    average: AHT", "count: is required")):
        config = tmp_path / "c.yaml"
        config.write_text(f"metrics:\n  - name: x\n    {body}\n", encoding="utf-8")
        result = invoke(["score", str(path), "-c", str(config)])
        assert result.exit_code == 2 and expected in result.stderr and "Traceback" not in result.stderr


def test_sums_add_exactly_in_any_order_and_split():
    rng = np.random.default_rng(7)
    base = rng.integers(0, 200, 500).astype(float)
    top = np.round(rng.uniform(0, 900, 500) * base * 1e6)  # average seconds × count, in millionths
    block = RatioColumn(np.full(500, 2), top, base)
    groups = rng.integers(0, 4, 500)
    whole = SumsTable()
    whole.add(block, np.arange(4), groups, None)
    parts = [SumsTable(), SumsTable()]
    for part, rows in zip(parts, (slice(0, 137), slice(137, 500))):
        part.add(RatioColumn(block.slots[rows], top[rows], base[rows]), np.arange(4), groups[rows], None)
    merged = SumsTable()
    merged.merge(parts[1], np.arange(4), np.arange(4))
    merged.merge(parts[0], np.arange(4), np.arange(4))
    assert [whole.get(g) for g in range(4)] == [merged.get(g) for g in range(4)]
    everything = whole.rollup(np.arange(4), np.zeros(4, dtype=np.int64), 1)[0]
    assert everything - whole.get(2) == whole.rollup(np.array([0, 1, 3]), np.zeros(3, dtype=np.int64), 1)[0]


def test_weight_on_summary_rows_is_refused_in_their_own_words(tmp_path):
    """--weight on an interval report: refused naming summary-row metrics weighted by their own counts,
    not "each value is a ticket's or a call's" (its rows are neither)."""
    path = tmp_path / "export.csv"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    result = invoke(["score", str(path), "--weight", "Offered"])
    assert result.exit_code == 2
    assert "are summary-row metrics (ratios of sums, weighted averages)" in result.stderr
    assert "already weighted by its own counts" in result.stderr and "a ticket's or a call's" not in result.stderr


def test_captions_explain_only_the_marks_their_table_shows(tmp_path):
    """A breakdown's legend listed ▲▼, dim rows, Detectable and the interval methods under every table,
    also under a weighted average's, which has no test or interval (user pass, item c)."""
    path = tmp_path / "export.csv"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    out = invoke(["score", str(path), "--by", "Queue", "-f", "md"]).stdout
    captions = {}
    for block in out.split("\n\n**")[1:]:
        title, *rest = block.split("\n")
        captions[title.split(" ")[0]] = next(line for line in rest if line.startswith("_"))
    sl, abandoned, aht = captions["service_level"], captions["abandoned"], captions["aht"]
    assert "▲▼ significantly above or below the rest" in sl and "Detectable:" in sl and "intervals:" in sl
    assert "▲▼" not in abandoned and "p adj.: Benjamini–Hochberg adjusted p; none is below 0.05." in abandoned  # tested, none significant
    assert aht.startswith("_aht = Σ(AHT × Answered)") and not any(word in aht for word in ("▲▼", "p adj.", "Detectable", "intervals", "italic rows"))
    assert not any("italic rows" in caption for caption in captions.values())  # no row has n < 30


def test_a_call_report_whose_stated_rate_shows_inbound_is_answered_scores_speed_of_answer_not_abandonment(tmp_path):
    # Was a survey-only refusal ('no NPS, CSAT or CES column found … no header mentions recommend/…'); and a
    # config of Abandoned ÷ Inbound gave 4.12 % on the real file where the report's own rate says 3.95 %.
    document, stderr = _score(tmp_path, CALL_REPORT_RATED)
    got = results_by_metric(document)
    frame = _frame(CALL_REPORT_RATED)
    timed = frame[frame["Average Speed of Answer in Secs"] != ""]
    calls = timed["Inbound Calls"].astype(int)
    assert document["inputs"][0]["layout"] == "call_report" and list(got) == ["speed_of_answer"]
    assert got["speed_of_answer"]["n"] == calls.sum() and got["speed_of_answer"]["blank"] == 1
    assert got["speed_of_answer"]["value"] == pytest.approx((timed["Average Speed of Answer in Secs"].astype(int) * calls).sum() / calls.sum())
    assert "'Inbound Calls' counts the calls answered" in stderr.replace("\n", " ")
    plan = json.loads(invoke(["inspect", str(tmp_path / "export.csv"), "-f", "json"]).stdout)["plan"]
    assert plan["checks"] == ["'Call Abandonment Rate' on 8 sampled rows: 0 fit Abandoned Calls ÷ Inbound Calls only, 7 fit Abandoned Calls ÷ (Inbound Calls + Abandoned Calls) only: "
                              "'Inbound Calls' counts the calls answered"] and plan["doubts"] == []
    assert [m["name"] for m in plan["not_planned"]] == ["abandoned"] and "a ratio's denominator is one column" in plan["not_planned"][0]["why"]


def test_a_call_report_that_says_nothing_of_its_base_is_refused_naming_the_doubt(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CALL_REPORT_UNRATED, encoding="utf-8")
    result = invoke(["score", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "no KPI of the call_report layout could be planned" in result.stderr
    assert "'Inbound Calls' may count the abandoned calls or only those answered" in result.stderr


def test_a_call_report_of_offered_calls_scores_abandonment_as_a_ratio_of_sums(tmp_path):
    document, _ = _score(tmp_path, CALL_REPORT_OFFERED)
    got = results_by_metric(document)
    assert document["inputs"][0]["layout"] == "call_report" and list(got) == ["abandoned"]
    assert got["abandoned"]["n"] == 345 and got["abandoned"]["value"] == pytest.approx(100 * 19 / 345)
    assert (got["abandoned"]["ci_low"], got["abandoned"]["ci_high"]) == pytest.approx(_wilson(19, 345))
