"""Kinds that read several columns (the encoding step is the kind's), and the rate kind (issue 15)."""
from __future__ import annotations

import json
import math

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.stats import norm

from conftest import invoke

from cxscore import kinds
from cxscore.config import validate_config
from cxscore.encoders import AnswerEncoder
from cxscore.errors import ColumnError, ConfigError
from cxscore.kinds.csat import Csat
from cxscore.normalize import BLANK, EncodedColumn
from cxscore.pipeline import score
from cxscore.settings import Options


class Gated(Csat):
    """A throwaway two-column kind: a CSAT whose answer counts only where the column ``Gate`` is not blank."""

    name = "gated"

    def columns(self, spec):
        return {"column": spec.column, "gate": "gate"}  # found ignoring case, as every configured column

    def encoder(self, spec, columns, blank_values):
        return GateEncoder(AnswerEncoder(spec, columns["column"], blank_values), columns["gate"])


class GateEncoder:
    def __init__(self, answers: AnswerEncoder, gate: str):
        self.answers, self.gate = answers, gate
        self.columns = (*answers.columns, gate)

    def encode(self, batch):
        encoded = self.answers.encode(batch)
        gate = pc.utf8_trim_whitespace(batch.column(self.gate).cast(pa.string()))
        shut = pc.fill_null(pc.equal(gate, ""), True).to_numpy(zero_copy_only=False)
        return EncodedColumn(np.where(shut, BLANK + 2, encoded.slots), encoded.invalid_texts)

    def typed(self):
        return [*self.answers.typed(), (self.gate, None)]


@pytest.fixture
def gated(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "gated", Gated())
    return validate_config({"metrics": [{"name": "g", "type": "gated", "column": "Score"}]})


def _counts(report, metric: str = "g") -> dict:
    return {tuple(r.segment.values()) + ((r.period,) if r.period else ()): (r.n, r.blank, r.invalid, r.value) for r in report.results if r.metric == metric}


def test_a_kind_reads_every_column_it_names(write_csv, gated):
    path = write_csv([["Score", "Gate", "Channel"], [5, "y", "Chat"], [1, "", "Chat"], [4, "y", "Chat"], [2, "y", "Mail"], [5, "", "Mail"], ["x", "y", "Mail"]])
    report = score([str(path)], gated, Options(by=["Channel"]))
    # Chat: 5 and 4 counted (both satisfied), 1 gated; Mail: 2 counted, 5 gated, 'x' invalid.
    assert _counts(report) == {(): (3, 2, 1, pytest.approx(200 / 3)), ("Chat",): (2, 1, 0, 100.0), ("Mail",): (1, 1, 1, 0.0)}
    assert report.metrics[0].column == "Score, Gate"  # the columns read, in the kind's order
    assert report.quality[0].column == "Score, Gate"
    assert report.quality[0].invalid_examples == {"x": 1}


def test_a_missing_second_column_is_the_usual_column_error(write_csv, gated):
    path = write_csv([["Score", "Channel"], [5, "Chat"]])
    with pytest.raises(ColumnError) as caught:
        score([str(path)], gated)
    assert caught.value.message.startswith("g: column 'gate' is not in ")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "4", "5", "", "x"]), st.sampled_from(["y", ""]), st.sampled_from(["A", "B", "C"])), min_size=1, max_size=400))
def test_several_columns_chunked_whole_parallel(tmp_path, gated, rows):
    rows = [("5", "y", "A"), *rows]  # one answer at least: a run that scores nothing is an error
    path = tmp_path / "gated.csv"
    path.write_text("Score,Gate,Channel\n" + "".join(f"{s},{g},{c}\n" for s, g, c in rows))
    options = Options(by=["Channel"])
    whole = _counts(score([str(path)], gated, options, processes=1))
    chunked = _counts(score([str(path)], gated, options, processes=1, block_bytes=64))
    parallel = _counts(score([str(path)], gated, options, processes=3, part_bytes=128))
    assert whole == chunked == parallel
    counted = [s for s, g, _ in rows if g and s]
    assert whole[()][:3] == (sum(s.isdigit() for s in counted), len(rows) - len(counted), counted.count("x"))


# --- the rate kind ------------------------------------------------------------------------------

TICKETS = [
    ["Id", "Status", "Replies", "Reopens", "Group stations", "Channel", "Created at", "Resolution status"],
    [1, "Solved", 1, 0, 1, "Email", "2024-01-02 10:00:00", "Within SLA"],
    [2, "Solved", 2, 1, 2, "Email", "2024-01-03 10:00:00", "SLA Violated"],
    [3, "closed ", 0, 0, 1, "Chat", "2024-01-09 10:00:00", "Within SLA"],
    [4, "Open", 1, 0, 1, "Chat", "2024-01-10 10:00:00", ""],
    [5, "Solved", "", 0, 1, "Chat", "2024-01-11 10:00:00", "Within SLA"],
    [6, "Closed", "abc", 0, 3, "Email", "2024-01-16 10:00:00", "SLA Violated"],
    [7, "Pending", "x", 0, 2, "Email", "2024-01-17 10:00:00", ""],
    [8, "Solved", 1, 2, 1, "Chat", "2024-01-18 10:00:00", "Within SLA"],
]
RATES = {"metrics": [
    {"name": "one_touch", "type": "rate", "condition": '"Replies" <= 1', "of": "Status in [Solved, Closed]"},
    {"name": "reopened", "type": "rate", "condition": "Reopens > 0", "of": "Status in [Solved, Closed]", "better": "lower"},
    {"name": "escalated", "type": "rate", "condition": '"Group stations" > 1', "better": "lower"},
    {"name": "breached", "type": "rate", "condition": '"Resolution status" = "SLA Violated"', "better": "lower"},
]}


def _rates(report) -> dict:
    return _counts(report, "one_touch") | {k: v for m in ("reopened", "escalated", "breached") for k, v in {(m, *key): val for key, val in _counts(report, m).items()}.items()}


def test_rates_by_hand(write_csv):
    report = score([str(write_csv(TICKETS))], validate_config(RATES))
    overall = {r.metric: (r.n, r.blank, r.invalid, r.value) for r in report.results}
    # one_touch among Solved/Closed (1, 2, 3, 5, 6, 8; 'closed ' trimmed, any case): replies 1, 2, 0 → met, not, met;
    # 5 blank; 6 'abc' invalid; 8 met → 3 of 4. Tickets 4 (Open) and 7 (Pending, its 'x' never looked at) are not applicable.
    assert overall["one_touch"] == (4, 1, 1, 75.0)
    assert overall["reopened"] == (6, 0, 0, pytest.approx(100 * 2 / 6))  # tickets 2 and 8 of the six solved
    assert overall["escalated"] == (8, 0, 0, 100 * 3 / 8)  # stations 2, 3, 2
    assert overall["breached"] == (6, 2, 0, pytest.approx(100 * 2 / 6))  # two blank statuses are undecided
    quality = {q.metric: q for q in report.quality}
    assert (quality["one_touch"].not_applicable, quality["one_touch"].invalid_examples) == (2, {"abc": 1})
    assert quality["escalated"].not_applicable == 0
    assert [m.higher_is_better for m in validate_config(RATES).metrics] == [True, False, False, False]
    info = report.metrics[0]
    assert (info.column, info.condition, info.of) == ("Replies, Status", '"Replies" <= 1', "Status in [Solved, Closed]")
    assert any("one_touch: 1 invalid answer(s) in column 'Replies, Status' not scored (not a number where the condition compares numbers; e.g. 'abc' ×1)" in w for w in report.warnings)


def _wilson_by_root(met: int, n: int, confidence: float) -> tuple[float, float]:
    """The Wilson interval as the proportions p0 the score test does not reject: |p̂ − p0| = z·√(p0(1 − p0)/n)."""
    z, p = norm.ppf(0.5 + confidence / 2), met / n

    def gap(p0: float) -> float:
        return abs(p - p0) - z * math.sqrt(p0 * (1 - p0) / n)

    low = 0.0 if met == 0 else optimize.brentq(gap, 1e-12, min(p, 1 - 1e-12))
    high = 1.0 if met == n else optimize.brentq(gap, max(p, 1e-12), 1 - 1e-12)
    return 100 * low, 100 * high


@pytest.mark.parametrize(("met", "n", "confidence"), [(3, 4, 0.95), (0, 7, 0.95), (41, 50, 0.9), (50, 50, 0.99), (123, 400, 0.95)])
def test_the_interval_is_wilson_checked_by_its_definition(tmp_path, met, n, confidence):
    path = tmp_path / "t.csv"
    path.write_text("Reopens\n" + "1\n" * met + "0\n" * (n - met))
    report = score([str(path)], validate_config({"metrics": [{"type": "rate", "condition": "Reopens > 0"}]}), Options(confidence=confidence))
    row = report.results[0]
    assert (row.n, row.value, row.ci_method) == (n, pytest.approx(100 * met / n), "wilson")
    assert (row.ci_low, row.ci_high) == pytest.approx(_wilson_by_root(met, n, confidence), abs=1e-7)


def test_segments_are_tested_with_the_pooled_two_proportion_z(tmp_path):
    # Two channels of 60 tickets each: 45 and 30 one-touch. Equal sizes: the pooled test is the textbook z.
    rows = [("A", 1)] * 45 + [("A", 3)] * 15 + [("B", 1)] * 30 + [("B", 2)] * 30
    path = tmp_path / "t.csv"
    path.write_text("Channel,Replies\n" + "".join(f"{c},{r}\n" for c, r in rows))
    report = score([str(path)], validate_config({"metrics": [{"type": "rate", "condition": "Replies <= 1"}]}), Options(by=["Channel"]))
    a = next(r for r in report.results if r.segment == {"Channel": "A"})
    pooled = 75 / 120
    z = (45 / 60 - 30 / 60) / math.sqrt(pooled * (1 - pooled) * (2 / 60))
    assert a.significance["diff"] == pytest.approx(25.0)
    assert a.significance["p_value"] == pytest.approx(2 * norm.sf(z), rel=1e-9)


def test_by_and_period(write_csv):
    report = score([str(write_csv(TICKETS))], validate_config(RATES), Options(by=["Channel"], period="week"))
    one_touch = _counts(report, "one_touch")
    # Email: 1 met, 2 not, 6 invalid; Chat: 3 met, 5 blank, 8 met. ISO weeks: W01 tickets 1–2, W02 3–5, W03 6–8.
    assert one_touch[("Email",)] == (2, 0, 1, 50.0) and one_touch[("Chat",)] == (2, 1, 0, 100.0)
    assert one_touch[("2024-W01",)] == (2, 0, 0, 50.0)
    assert one_touch[("2024-W02",)] == (1, 1, 0, 100.0)
    assert one_touch[("2024-W03",)] == (1, 0, 1, 100.0)
    assert one_touch[("Email", "2024-W03")] == (0, 0, 1, None)


def test_lower_is_better_ranks_the_lowest_rate_first(write_csv):
    report = score([str(write_csv(TICKETS))], validate_config(RATES), Options(by=["Channel"], top=1))
    best = {r.metric: r.segment for r in report.results if r.segment}
    assert best["escalated"] == {"Channel": "Chat"}  # 0 of 4 escalated, against 3 of 4 by e-mail
    assert best["one_touch"] == {"Channel": "Chat"}  # 100 % against 50 %


def test_json_csv_and_table(write_csv, tmp_path):
    path = write_csv(TICKETS)
    config = tmp_path / "rates.yaml"
    config.write_text(json.dumps(RATES))  # JSON is YAML
    out = invoke(["score", str(path), "-c", str(config), "-f", "json", "--by", "Channel"])
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["quality"][0]["not_applicable"] == 2 and data["metrics"][0]["condition"] == '"Replies" <= 1'
    assert (data["results"][0]["value"], data["results"][0]["components"], data["results"][0]["ci_method"]) == (75.0, {}, "wilson")
    assert "1 invalid answer(s)" in out.stderr and data["warnings"] == [out.stderr.strip().removeprefix("warning: ")]
    csv_out = invoke(["score", str(path), "-c", str(config), "-f", "csv"])
    assert csv_out.stdout.splitlines()[1].startswith('one_touch,rate,"Replies, Status",,4,1,1,4.0,75.0,')
    table = invoke(["score", str(path), "-c", str(config)])
    assert "one_touch" in table.stdout and "75.0%" in table.stdout and "Replies, Status" in table.stdout
    assert data["metrics"][0]["scale"] is None  # a rate reads no answers on a scale (it was [0, 1], shown "0–1")
    assert "0–1" not in table.stdout


@pytest.mark.parametrize(("metric", "message"), [
    ({"condition": '"Replies" <= and Status in [Solved]'}, "metrics[0].condition: at column 14: expected a value after '<=', found 'and'"),
    ({"condition": "Replies <= 1", "of": "Status in Solved"}, "metrics[0].of: at column 11: expected a list such as [Solved, Closed] after 'in'"),
    ({}, "metrics[0].condition: is required for a rate"),
    ({"condition": "Replies <= 1", "column": "Replies"}, "metrics[0].column: a rate reads the columns its own keys name"),
    ({"condition": "Replies <= 1", "scale": [1, 5]}, "metrics[0].scale: a rate has no scale"),
    ({"condition": "Replies <= 1", "better": "up"}, "metrics[0].better: 'up' is not one of higher, lower"),
])
def test_config_errors_name_the_key_and_position(metric, message):
    with pytest.raises(ConfigError) as caught:
        validate_config({"metrics": [{"type": "rate", **metric}]})
    assert message in caught.value.message


def test_a_condition_column_missing_from_the_file_is_exit_2(write_csv, tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - {name: fcr, type: rate, condition: 'Replys <= 1'}\n")
    out = invoke(["score", str(write_csv(TICKETS)), "-c", str(config)])
    assert out.exit_code == 2 and "fcr: column 'Replys' is not in" in out.stderr and "did you mean 'Replies'?" in out.stderr
    assert out.stdout == ""


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["0", "1", "2", "", "n/a", "x"]), st.sampled_from(["Solved", "Open", ""]), st.sampled_from(["A", "B"])), min_size=1, max_size=300))
def test_rates_chunked_whole_parallel(tmp_path, rows):
    rows = [("1", "Solved", "A"), *rows]
    path = tmp_path / "r.csv"
    path.write_text("Replies,Status,Channel\n" + "".join(f"{r},{s},{c}\n" for r, s, c in rows))
    config = validate_config({"metrics": [{"name": "g", "type": "rate", "condition": "Replies <= 1", "of": "Status = Solved"}]})
    options = Options(by=["Channel"])
    whole = score([str(path)], config, options, processes=1)
    assert _counts(whole) == _counts(score([str(path)], config, options, processes=1, block_bytes=64)) == _counts(score([str(path)], config, options, processes=3, part_bytes=128))
    solved = [r for r, s, _ in rows if s == "Solved"]
    unknown = sum(s == "" for _, s, _ in rows)  # a blank status: of: is undecided, so the row is blank
    assert _counts(whole)[()][:3] == (sum(r in ("0", "1", "2") for r in solved), sum(r in ("", "n/a") for r in solved) + unknown, solved.count("x"))
    assert whole.quality[0].not_applicable == len(rows) - len(solved) - unknown


def test_a_significant_change_of_a_lower_is_better_rate_is_drawn_as_bad(tmp_path):
    rows = [("A", 3)] * 45 + [("A", 1)] * 15 + [("B", 3)] * 15 + [("B", 1)] * 45  # escalated: A 75 %, B 25 %
    path = tmp_path / "t.csv"
    path.write_text("Channel,Group stations\n" + "".join(f"{c},{r}\n" for c, r in rows))
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - {name: escalated, type: rate, condition: '`Group stations` > 1', better: lower}\n")
    out = invoke(["score", str(path), "-c", str(config), "--by", "Channel", "-f", "json"])
    data = json.loads(out.stdout)
    assert data["metrics"][0]["better"] == "lower"
    assert [(r["segment"], r["significance"]["direction"]) for r in data["results"][1:]] == [({"Channel": "A"}, "up"), ({"Channel": "B"}, "down")]
    table = invoke(["score", str(path), "-c", str(config), "--by", "Channel"])
    assert table.exit_code == 0 and "+50.0 ▲" in table.stdout and "-50.0 ▼" in table.stdout
    target = invoke(["score", str(path), "-c", str(config), "--fail-under", "escalated=40"])  # lower is better: 50 % misses a ceiling of 40
    assert target.exit_code == 3, target.stderr
    workbook = invoke(["report", str(path), "-c", str(config), "--by", "Channel", "-o", str(tmp_path / "r.xlsx")])
    assert workbook.exit_code == 0, workbook.stderr


def test_the_sample_ticket_exports_as_the_readme_shows(tmp_path):
    import csv

    from conftest import ROOT

    config = validate_config({"metrics": RATES["metrics"][:3]})
    report = score([str(ROOT / "sample_data" / "tickets_zendesk.csv")], config)
    with open(ROOT / "sample_data" / "tickets_zendesk.csv", newline="", encoding="utf-8") as fh:
        tickets = list(csv.DictReader(fh))
    solved = [t for t in tickets if t["Status"].strip().lower() in ("solved", "closed")]
    # An independent count in plain Python (every Replies/Reopens of a solved ticket is a number here).
    assert {r.metric: (r.n, r.value) for r in report.results} == {
        "one_touch": (len(solved), pytest.approx(100 * sum(int(t["Replies"]) <= 1 for t in solved) / len(solved))),
        "reopened": (len(solved), pytest.approx(100 * sum(int(t["Reopens"]) > 0 for t in solved) / len(solved))),
        "escalated": (len(tickets), pytest.approx(100 * sum(int(t["Group stations"]) > 1 for t in tickets) / len(tickets))),
    }
    assert [round(r.value, 1) for r in report.results] == [44.7, 11.4, 12.2]  # README, Service KPIs
    breach = validate_config({"metrics": [{"name": "sla_breached", "type": "rate", "condition": '"Resolution status" = "SLA Violated"',
                                           "of": '"Resolution status" is not blank', "better": "lower"}]})
    freshdesk = score([str(ROOT / "sample_data" / "tickets_freshdesk.csv")], breach)
    assert (freshdesk.results[0].n, round(freshdesk.results[0].value, 1), freshdesk.quality[0].not_applicable) == (783, 35.6, 17)
