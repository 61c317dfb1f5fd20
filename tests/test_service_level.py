"""Call service level, abandonment and answer rates (issue 15 item 4): the formulas against hand counts
and a published example, "within" as ≤, waits read only where they apply, the rate machinery
(Wilson, pooled z) checked against scipy, and every output."""
from __future__ import annotations

import json
import math

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, norm

from conftest import ROOT, invoke

from cxscore.config import validate_config
from cxscore.errors import ConfigError
from cxscore.pipeline import score
from cxscore.settings import Options

HEADER = ["Call", "Date", "Queue", "Answered (Y/N)", "Speed of answer in seconds", "Abandon time (s)"]
ANSWERED = '"Answered (Y/N)" = Y'
WAIT, GONE = "Speed of answer in seconds", "Abandon time (s)"


def published_log() -> list[list]:
    """callcentrehelper.com 206890's example: 1,000 answered (860 within 20 s), 60 abandoned (20 within
    20 s, 10 of them within 5 s). Unanswered calls carry 0 as their speed of answer, as call logs do."""
    calls = [("Y", 3 + i % 18, "") for i in range(860)] + [("Y", 21 + i % 200, "") for i in range(140)]
    calls += [("N", 0, i % 6) for i in range(10)] + [("N", 0, 6 + i % 15) for i in range(10)] + [("N", 0, 21 + i * 7) for i in range(40)]
    return [HEADER] + [[i, f"2025-03-{3 + i % 5:02d}", "AB"[i % 2], *call] for i, call in enumerate(calls)]


def metric(name: str, type_: str = "service_level", **keys) -> dict:
    base = {"name": name, "type": type_, "answered": ANSWERED}
    if type_ == "service_level":
        base["wait"] = WAIT
    return base | keys


FIVE = [
    metric("default", abandon_wait=GONE),
    metric("answered", formula="answered"),
    metric("offered", formula="offered"),
    metric("within_excluded", formula="abandons-within-excluded", abandon_wait=GONE),
    metric("within_met", formula="abandons-within-met", abandon_wait=GONE),
    metric("abandoned", "abandonment"),
    metric("abandoned_long", "abandonment", abandon_wait=GONE, exclude_short_abandons=True),
    metric("answer_rate", "answer_rate"),
    metric("answer_rate_long", "answer_rate", abandon_wait=GONE, exclude_short_abandons=True),
]


def _overall(report) -> dict:
    quality = {q.metric: q.not_applicable for q in report.quality}
    return {r.metric: (r.n, r.blank, r.invalid, quality[r.metric], r.value) for r in report.results if not r.segment and r.period is None}


def test_the_formulas_on_the_published_example(write_csv):
    report = score([str(write_csv(published_log()))], validate_config({"metrics": FIVE}))
    # answered 1,000 (860 within), abandoned 60: 10 within 5 s, 10 more within 20 s, 40 later.
    assert _overall(report) == {
        "default": (1050, 0, 0, 10, pytest.approx(100 * 860 / 1050)),  # 81.9 %
        "answered": (1000, 0, 0, 60, 86.0),
        "offered": (1060, 0, 0, 0, pytest.approx(100 * 860 / 1060)),  # 81.1 %
        "within_excluded": (1040, 0, 0, 20, pytest.approx(100 * 860 / 1040)),  # 82.7 %
        "within_met": (1060, 0, 0, 0, pytest.approx(100 * 880 / 1060)),  # 83.0 %
        "abandoned": (1060, 0, 0, 0, pytest.approx(100 * 60 / 1060)),
        "abandoned_long": (1050, 0, 0, 10, pytest.approx(100 * 50 / 1050)),
        "answer_rate": (1060, 0, 0, 0, pytest.approx(100 * 1000 / 1060)),
        "answer_rate_long": (1050, 0, 0, 10, pytest.approx(100 * 1000 / 1050)),
    }
    # The article's rounded figures: 83 %, 86 %, 81 %, 83 % (formulas #1–#4).
    values = {r.metric: r.value for r in report.results if not r.segment}
    assert [round(values[m]) for m in ("within_met", "answered", "offered", "within_excluded")] == [83, 86, 81, 83]
    assert [m.higher_is_better for m in validate_config({"metrics": FIVE}).metrics] == [True] * 5 + [False] * 2 + [True] * 2


def test_within_and_short_mean_at_most(write_csv):
    rows = [HEADER, [1, "", "A", "Y", 20, ""], [2, "", "A", "Y", 21, ""], [3, "", "A", "Y", "0:00:20", ""],
            [4, "", "A", "N", 0, 5], [5, "", "A", "N", 0, 6], [6, "", "A", "N", 0, 20], [7, "", "A", "N", 0, 21]]
    config = validate_config({"metrics": [metric("sl", abandon_wait=GONE), metric("met", formula="abandons-within-met", abandon_wait=GONE)]})
    got = _overall(score([str(write_csv(rows))], config))
    # 20 s and 0:00:20 are within 20 s, 21 s is not; an abandon after 5 s is short, after 6 s not.
    assert got["sl"] == (6, 0, 0, 1, pytest.approx(100 * 2 / 6))
    # abandons after 5, 6 and 20 s are within 20 s (met), after 21 s not: (2 + 3) of 7.
    assert got["met"] == (7, 0, 0, 0, pytest.approx(100 * 5 / 7))


def test_a_zero_speed_on_an_unanswered_call_is_no_wait(write_csv):
    rows = [HEADER] + [[i, "", "A", "Y", 10, ""] for i in range(3)] + [[9, "", "A", "N", 0, 30], [10, "", "A", "N", 0, ""]]
    path = str(write_csv(rows))
    separate = _overall(score([path], validate_config({"metrics": [metric("sl", abandon_wait=GONE)]})))
    # The abandon column says 30 s (not short: counted against) and blank (unknown: blank); the 0 in speed is never read.
    assert separate["sl"] == (4, 1, 0, 0, 75.0)
    same = _overall(score([path], validate_config({"metrics": [metric("sl", abandon_wait=WAIT), metric("off", formula="offered")]})))
    # One column for both: a 0 on an abandoned call is unknown (blank), not an instant (short) hang-up.
    assert same["sl"] == (3, 2, 0, 0, 100.0)
    assert same["off"] == (5, 0, 0, 0, 60.0)  # `offered` needs no time to abandon: both abandons count against


def test_blank_invalid_and_not_applicable_calls(write_csv):
    rows = [HEADER, [1, "", "A", "Y", 5, ""], [2, "", "A", "Y", "", ""], [3, "", "A", "Y", "abc", ""], [4, "", "A", "Y", -3, ""],
            [5, "", "A", "N", "abc", 40], [6, "", "A", "", 5, ""], [7, "", "", "Y", 50, ""], [8, "", "A", "n/a", 5, ""]]
    config = validate_config({"metrics": [metric("sl", abandon_wait=GONE, of="Queue is not blank")]})
    report = score([str(write_csv(rows))], config)
    # 1 met, 5 (abandoned after 40 s; its 'abc' speed never read) not met; 2 blank wait, 6 and 8 blank answer; 3 and 4 invalid; 7 outside of:.
    assert _overall(report)["sl"] == (2, 3, 2, 1, 50.0)
    assert report.quality[0].invalid_examples == {"abc": 1, "-3": 1}


def test_the_interval_is_wilson_on_the_denominator(write_csv):
    report = score([str(write_csv(published_log()))], validate_config({"metrics": FIVE[:1]}))
    row = report.results[0]
    ci = binomtest(860, 1050).proportion_ci(0.95, method="wilson")
    assert (row.ci_low, row.ci_high, row.ci_method) == (pytest.approx(100 * ci.low, abs=1e-9), pytest.approx(100 * ci.high, abs=1e-9), "wilson")


def test_queues_are_compared_with_the_pooled_two_proportion_z(write_csv):
    rows = [HEADER] + [[i, "", "A", "Y", 5 if i < 90 else 40, ""] for i in range(100)] + [[i, "", "B", "Y", 5 if i < 170 else 40, ""] for i in range(100, 200)]
    report = score([str(write_csv(rows))], validate_config({"metrics": [metric("sl", formula="answered")]}), Options(by=["Queue"]))
    a = next(r for r in report.results if r.segment == {"Queue": "A"})
    pooled = (90 + 70) / 200
    z = (0.9 - 0.7) / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 100))  # A (90 of 100) against the rest, B (70 of 100)
    assert a.significance["p_value"] == pytest.approx(2 * norm.sf(z), rel=1e-6)
    assert (a.value, a.significance["direction"]) == (90.0, "up")


def _write_config(tmp_path, metrics: list[dict]) -> str:
    path = tmp_path / "calls.yaml"
    path.write_text(json.dumps({"metrics": metrics}))  # JSON is YAML
    return str(path)


def test_every_output_carries_the_formula(write_csv, tmp_path):
    path, config = str(write_csv(published_log())), _write_config(tmp_path, FIVE[:1] + FIVE[5:6])
    out = invoke(["score", path, "-c", config, "-f", "json", "--by", "Queue"])
    assert out.exit_code == 0 and out.stderr == ""
    data = json.loads(out.stdout)
    assert [m["formula"] for m in data["metrics"]] == ["answered in ≤ 20s ÷ (answered + abandoned − abandoned in ≤ 5s)", "abandoned ÷ (answered + abandoned)"]
    assert data["quality"][0]["not_applicable"] == 10 and data["results"][0]["value"] == pytest.approx(81.9, abs=0.05)
    table = invoke(["score", path, "-c", config, "--by", "Queue"])
    assert table.exit_code == 0 and table.stderr == ""
    flat = " ".join(table.stdout.split())  # the caption wraps at the table's width
    assert "default = answered in ≤ 20s ÷ (answered + abandoned − abandoned in ≤ 5s). 10 rows not counted" in flat  # the short abandons
    assert flat.count("abandoned = abandoned ÷ (answered + abandoned).") == 2  # under the summary and under its breakdown
    markdown = invoke(["score", path, "-c", config, "-f", "markdown"])
    assert "default = answered in ≤ 20s ÷ (answered + abandoned − abandoned in ≤ 5s)." in markdown.stdout
    csv_out = invoke(["score", path, "-c", config, "-f", "csv"])
    assert csv_out.stdout.splitlines()[1].startswith('default,service_level,"Answered (Y/N), Speed of answer in seconds, Abandon time (s)",,1050,0,0,')
    book = tmp_path / "r.xlsx"
    assert invoke(["report", path, "-c", config, "-o", str(book)]).exit_code == 0
    workbook = openpyxl.load_workbook(book)
    cells = [c for row in workbook["Settings"].iter_rows(values_only=True) for c in row if c]
    assert "service_level: answered in ≤ 20s ÷ (answered + abandoned − abandoned in ≤ 5s)" in cells
    assert "abandonment: abandoned ÷ (answered + abandoned)" in cells
    tiles = [[c for c in row if c] for row in workbook["Dashboard"].iter_rows(values_only=True)]  # the Service row's tiles, side by side
    assert ["Formula", "answered in ≤ 20s ÷ (answered + abandoned − abandoned in ≤ 5s)", "Formula", "abandoned ÷ (answered + abandoned)"] in tiles


def test_targets_periods_and_alerts(write_csv, tmp_path):
    # Week 1: 45 of 50 answered within 20 s; week 2: 25 of 50 — the service level fell, abandons rose.
    rows = [HEADER] + [[i, "2025-03-03", "A", "Y", 5 if i < 45 else 60, ""] for i in range(50)]
    rows += [[i, "2025-03-10", "A", "Y", 5, ""] for i in range(25)] + [[i, "2025-03-10", "A", "N", 0, 90] for i in range(25)]
    path, config = str(write_csv(rows)), _write_config(tmp_path, [metric("sl", abandon_wait=GONE), metric("gone", "abandonment")])
    by_week = invoke(["score", path, "-c", config, "--period", "week", "--date-column", "Date", "-f", "json"])
    weeks = [(r["metric"], r["period"], r["value"]) for r in json.loads(by_week.stdout)["results"] if r["period"]]
    assert weeks == [("sl", "2025-W10", 90.0), ("sl", "2025-W11", 50.0), ("gone", "2025-W10", 0.0), ("gone", "2025-W11", 50.0)]
    drop = invoke(["score", path, "-c", config, "--period", "week", "--date-column", "Date", "--fail-on-significant-drop"])
    assert drop.exit_code == 3 and "sl" in drop.stderr and "gone rose significantly" in drop.stderr
    assert invoke(["score", path, "-c", config, "--fail-under", "sl=70"]).exit_code == 0  # 70 of 100
    assert invoke(["score", path, "-c", config, "--fail-under", "sl=71"]).exit_code == 3
    assert invoke(["score", path, "-c", config, "--fail-under", "gone=30"]).exit_code == 0  # lower is better: 25 % is under a 30 % ceiling
    assert invoke(["score", path, "-c", config, "--fail-under", "gone=20"]).exit_code == 3


def test_chunked_whole_and_parallel_agree(write_csv):
    path = str(write_csv(published_log()))
    config, options = validate_config({"metrics": FIVE}), Options(by=["Queue"])
    counts = [{(r.metric, tuple(r.segment.values())): (r.n, r.blank, r.invalid, r.value) for r in report.results}
              for report in (score([path], config, options, processes=1), score([path], config, options, processes=1, block_bytes=256),
                             score([path], config, options, processes=3, part_bytes=4096))]
    assert counts[0] == counts[1] == counts[2]


@pytest.mark.parametrize(("keys", "message"), [
    ({"type": "service_level", "wait": WAIT}, "metrics[0].answered: is required"),
    ({"type": "service_level", "answered": ANSWERED}, "metrics[0].wait: is required"),
    ({"type": "service_level", "answered": ANSWERED, "wait": WAIT}, "metrics[0].abandon_wait: is required"),
    ({"type": "service_level", "answered": ANSWERED, "wait": WAIT, "formula": "answered", "within": 20}, "metrics[0].within: 20 needs a unit"),
    ({"type": "service_level", "answered": ANSWERED, "wait": WAIT, "formula": "answered", "short_abandon": "30s"}, "metrics[0].short_abandon: 30s is longer than within: 20s"),
    ({"type": "service_level", "answered": ANSWERED, "wait": WAIT, "formula": "all"}, "metrics[0].formula: 'all' is not one of short-abandons-excluded, answered"),
    ({"type": "service_level", "answered": "Answered =", "wait": WAIT, "formula": "answered"}, "metrics[0].answered: at column 11: expected a value"),
    ({"type": "abandonment", "answered": ANSWERED, "formula": "answered"}, "metrics[0].formula: is not a setting of an abandonment rate metric"),
    ({"type": "abandonment", "answered": ANSWERED, "exclude_short_abandons": True}, "metrics[0].abandon_wait: is required"),
    ({"type": "answer_rate", "answered": ANSWERED, "column": "x"}, "metrics[0].column: an answer rate reads the columns its own keys name"),
    ({"type": "service_level", "answered": ANSWERED, "wait": {"start": "Queued"}, "formula": "answered"}, "metrics[0].wait.end: is required"),
    ({"type": "service_level", "answered": ANSWERED, "wait": WAIT, "formula": "answered", "timezone": "Mars/Base"}, "metrics[0].timezone:"),
])
def test_config_errors_name_the_key(keys, message):
    with pytest.raises(ConfigError) as caught:
        validate_config({"metrics": [keys]})
    assert message in caught.value.message


def test_a_wait_column_missing_from_the_file_is_exit_2(write_csv, tmp_path):
    config = _write_config(tmp_path, [metric("sl", formula="answered", wait="Speed of answr in seconds")])
    out = invoke(["score", str(write_csv(published_log())), "-c", config])
    assert out.exit_code == 2 and "sl: column 'Speed of answr in seconds' is not in" in out.stderr and out.stdout == ""


# --- Amazon Connect contact records: waits between timestamps -----------------------------------

SAMPLE = ROOT / "sample_data" / "calls.csv"
QUEUED, CONNECTED, ENDED = "QueueInfo.EnqueueTimestamp", "AgentInfo.ConnectedToAgentTimestamp", "DisconnectTimestamp"
CONNECT = {
    "of": f'"{QUEUED}" is not blank', "answered": f'"{CONNECTED}" is not blank',
    "abandon_wait": {"start": QUEUED, "end": ENDED},
}
CONNECT_METRICS = [
    {"name": "service_level", "type": "service_level", **CONNECT, "wait": {"start": QUEUED, "end": CONNECTED}},
    {"name": "abandoned", "type": "abandonment", **CONNECT},
    {"name": "answered", "type": "answer_rate", **CONNECT},
]


def connect_by_hand() -> tuple[dict, dict]:
    """calls.csv with pandas: the latest record of each contact, queued contacts only; per week and
    overall the service level (default formula), abandonment and answer rates — counted apart from cxscore."""
    import pandas as pd

    records = pd.read_csv(SAMPLE, dtype=str)
    contacts = records.sort_values("LastUpdateTimestamp").drop_duplicates("ContactId", keep="last")
    contacts = contacts[contacts[QUEUED].notna()]
    at = {c: pd.to_datetime(contacts[c], utc=True) for c in (QUEUED, CONNECTED, ENDED, "LastUpdateTimestamp")}
    answered = contacts[CONNECTED].notna()
    within = answered & ((at[CONNECTED] - at[QUEUED]).dt.total_seconds() <= 20)
    short = ~answered & ((at[ENDED] - at[QUEUED]).dt.total_seconds() <= 5)
    week = at["LastUpdateTimestamp"].dt.strftime("%G-W%V")
    table = pd.DataFrame({"week": week, "within": within, "answered": answered, "short": short})

    def rates(t) -> dict:
        offered = len(t)
        return {"service_level": (offered - t["short"].sum(), 100 * t["within"].sum() / (offered - t["short"].sum())),
                "abandoned": (offered, 100 * (~t["answered"]).sum() / offered), "answered": (offered, 100 * t["answered"].sum() / offered)}
    return rates(table), {w: rates(t) for w, t in table.groupby("week")}


def test_the_amazon_connect_sample_against_pandas(tmp_path):
    config = _write_config(tmp_path, CONNECT_METRICS)
    out = invoke(["score", str(SAMPLE), "-c", config, "--dedupe", "ContactId", "--date-column", "LastUpdateTimestamp", "--period", "week", "-f", "json"])
    assert out.exit_code == 0, out.stderr
    assert "36 earlier answer(s) left out" in out.stderr
    data = json.loads(out.stdout)
    overall, weekly = connect_by_hand()
    got = {r["metric"]: (r["n"], r["value"]) for r in data["results"] if r["period"] is None}
    assert got == {m: (n, pytest.approx(v, abs=1e-9)) for m, (n, v) in overall.items()}
    got_weeks = {(r["period"], r["metric"]): (r["n"], r["value"]) for r in data["results"] if r["period"]}
    assert got_weeks == {(w, m): (n, pytest.approx(v, abs=1e-9)) for w, by in weekly.items() for m, (n, v) in by.items()}
    # The README's figures: 79.3 % within 20 s of 2,301 (99 short abandons left out), 9.5 % abandoned (227 of 2,400),
    # the busy week of 2025-05-26 at 60.6 %, the others 78.1–87.0 %.
    assert (got["service_level"][0], round(got["service_level"][1], 1), round(got["abandoned"][1], 1)) == (2301, 79.3, 9.5)
    assert round(got["service_level"][1] * 2301 / 100) == 1824 and round(got["answered"][1] * 24) == 2173  # within 20 s; reached an agent
    assert {q["metric"]: q["not_applicable"] for q in data["quality"]} == {"service_level": 99, "abandoned": 0, "answered": 0}
    levels = {w: round(v[1], 1) for (w, m), v in got_weeks.items() if m == "service_level"}
    assert levels.pop("2025-W22") == 60.6 and (min(levels.values()), max(levels.values())) == (78.1, 87.0)
    # Without --dedupe the 36 earlier records of answered contacts count twice.
    twice = invoke(["score", str(SAMPLE), "-c", config, "-f", "json"])
    assert [r["n"] for r in json.loads(twice.stdout)["results"] if r["metric"] == "service_level"] == [2301 + 36]


def test_timestamp_waits_blank_invalid_and_placeholder(write_csv, tmp_path):
    rows = [["ContactId", QUEUED, CONNECTED, ENDED],
            ["a", "2025-04-07T08:00:00Z", "2025-04-07T08:00:15Z", "2025-04-07T08:05:00Z"],  # 15 s: within
            ["b", "2025-04-07T08:00:00Z", "2025-04-07T08:00:21Z", "2025-04-07T08:05:00Z"],  # 21 s: later
            ["c", "2025-04-07T08:00:00Z", "2025-04-07T07:59:00Z", "2025-04-07T08:05:00Z"],  # connected before queued: invalid
            ["d", "2025-04-07T08:00:00Z", "", "2025-04-07T08:00:04Z"],  # abandoned after 4 s: short
            ["e", "2025-04-07T08:00:00Z", "", "2025-04-07T08:01:00Z"],  # abandoned after 60 s
            ["f", "2025-04-07T08:00:00Z", "", "1900-01-01T00:00:00Z"],  # a placeholder end: unknown time to abandon
            ["g", "", "", "2025-04-07T08:01:00Z"]]  # never queued
    report = score([str(write_csv(rows))], validate_config({"metrics": CONNECT_METRICS}))
    assert _overall(report)["service_level"] == (3, 1, 1, 2, pytest.approx(100 / 3))  # a, b, e; f blank; c invalid; d short and g not queued
    assert _overall(report)["abandoned"] == (6, 0, 0, 1, pytest.approx(100 * 3 / 6))  # c's answer is known, its wait is not needed
    assert report.quality[0].invalid_examples == {"2025-04-07T08:00:00Z → 2025-04-07T07:59:00Z": 1}


def test_breakdown_headings_say_lower_is_better_only_for_abandonment(write_csv, tmp_path):
    config = _write_config(tmp_path, FIVE[:1] + FIVE[5:6])
    out = invoke(["score", str(write_csv(published_log())), "-c", config, "--by", "Queue"])
    headings = [line for line in out.stdout.splitlines() if "by Queue" in line]
    assert [("lower is better" in h) for h in headings] == [False, True]
    assert "Durations:" not in out.stdout  # no duration metric here


def test_top_ranks_the_lowest_abandonment_and_the_highest_service_level(write_csv):
    # Queue A: 36 of 40 answered within 20 s, 4 abandoned; queue B: 20 of 40 answered within 20 s, 20 abandoned after a minute.
    rows = [HEADER] + [[i, "", "A", "Y", 5, ""] for i in range(36)] + [[i, "", "A", "N", 0, 60] for i in range(4)]
    rows += [[i, "", "B", "Y", 5, ""] for i in range(20)] + [[i, "", "B", "N", 0, 60] for i in range(20)]
    config = validate_config({"metrics": [metric("sl", abandon_wait=GONE), metric("gone", "abandonment")]})
    best = {r.metric: (r.segment, r.value) for r in score([str(write_csv(rows))], config, Options(by=["Queue"], top=1)).results if r.segment}
    assert best == {"sl": ({"Queue": "A"}, 90.0), "gone": ({"Queue": "A"}, 10.0)}
    worst = {r.metric: r.segment for r in score([str(write_csv(rows))], config, Options(by=["Queue"], bottom=1)).results if r.segment}
    assert worst == {"sl": {"Queue": "B"}, "gone": {"Queue": "B"}}


def test_weights_are_refused(write_csv, tmp_path):
    out = invoke(["score", str(write_csv(published_log())), "-c", _write_config(tmp_path, FIVE[:1]), "--weight", "Call"])
    assert out.exit_code == 2 and out.stdout == ""
    assert "--weight Call: default is a call metric, which takes no weights (each value is a ticket's or a call's, not a respondent's)" in out.stderr


REFERENCE = {  # formula → (met, counted) of one call, in plain words: (answered?, wait, time to abandon) with T = 20 s, short = 5 s
    "short-abandons-excluded": lambda a, w, g: (w <= 20, True) if a else (False, g > 5),
    "answered": lambda a, w, g: (w <= 20, True) if a else (False, False),
    "offered": lambda a, w, g: (w <= 20, True) if a else (False, True),
    "abandons-within-excluded": lambda a, w, g: (w <= 20, True) if a else (False, g > 20),
    "abandons-within-met": lambda a, w, g: (w <= 20, True) if a else (g <= 20, True),
}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["Y", "N", "", "n/a"]), st.sampled_from(["0", "5", "20", "21", "0:00:19", "", "x", "-4"]),
                          st.sampled_from(["0", "5", "6", "20", "21", "", "y"]), st.sampled_from(["A", "B"])), min_size=1, max_size=120))
def test_every_formula_against_a_plain_python_reading(tmp_path, calls):
    calls = [("Y", "5", "", "A"), *calls]
    path = tmp_path / "log.csv"
    path.write_text(",".join(HEADER[2:]) + "\n" + "".join(f"{q},{a},{w},{g}\n" for a, w, g, q in calls))
    config = validate_config({"metrics": [metric(name, formula=name, abandon_wait=GONE) for name in REFERENCE]})
    whole = score([str(path)], config, Options(by=["Queue"]), processes=1)
    assert {(r.metric, r.segment.get("Queue")): (r.n, r.blank, r.invalid, r.value) for r in whole.results} == \
           {(r.metric, r.segment.get("Queue")): (r.n, r.blank, r.invalid, r.value) for r in score([str(path)], config, Options(by=["Queue"]), processes=2, part_bytes=256).results}
    seconds = {"0": 0.0, "5": 5.0, "6": 6.0, "20": 20.0, "21": 21.0, "0:00:19": 19.0}
    for name, rule in REFERENCE.items():
        met = counted = blank = invalid = left_out = 0
        for answer, wait, gone, _ in calls:
            if answer in ("", "n/a"):
                blank += 1
                continue
            answered, needs_gone = answer == "Y", name not in ("answered", "offered")
            if answered and wait in ("x", "-4"):
                invalid += 1
            elif answered and wait == "":
                blank += 1
            elif not answered and needs_gone and gone == "y":
                invalid += 1
            elif not answered and needs_gone and gone == "":
                blank += 1
            else:
                hit, counts = rule(answered, seconds.get(wait, 0.0), seconds.get(gone, 0.0))
                met, counted, left_out = met + (hit and counts), counted + counts, left_out + (not counts)
        row = next(r for r in whole.results if r.metric == name and not r.segment)
        assert (row.n, row.blank, row.invalid) == (counted, blank, invalid), name
        assert row.value == (pytest.approx(100 * met / counted) if counted else None), name
        assert next(q.not_applicable for q in whole.quality if q.metric == name) == left_out, name
