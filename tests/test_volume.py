"""`cxscore volume`: tickets created, solved and open at each period's end — hand-counted on a tiny
export, against pandas on the bundled sample, the same however the input is cut, and the created
test's size by a seeded simulation."""
from __future__ import annotations

import csv
import io
import json
import re

import numpy as np
import pyarrow as pa
import pytest

from conftest import ROOT, invoke, run_process
from cxscore import Options
from cxscore.config import validate_config
from cxscore.volume import created_test, volume

ZENDESK = ROOT / "sample_data" / "tickets_zendesk.csv"

#: Weeks 2025-W10 (3–9 March), W11 (10–16) and W12 (17–23, the data ends on the 20th: partial).
TICKETS = [
    ["Id", "Group", "Status", "Created at", "Solved at"],
    ["1", "A", "Solved", "2025-03-03 09:00:00", "2025-03-04 10:00:00"],  # created and solved in W10
    ["2", "A", "Closed", "2025-03-04 09:00:00", "2025-03-12 10:00:00"],  # open at the end of W10, solved in W11
    ["3", "B", "Open", "2025-03-05 09:00:00", "1900-01-01 00:00:00"],  # Zendesk's placeholder: never solved
    ["4", "B", "Solved", "2025-03-09 23:00:00", "2025-03-18 08:00:00"],  # a Sunday night, solved in W12
    ["5", "A", "Pending", "2025-03-11 09:00:00", ""],  # open
    ["6", "B", "Solved", "2025-03-12 09:00:00", "2025-03-11 09:00:00"],  # solved before created: state unknown
    ["7", "A", "Solved", "2025-03-13 09:00:00", ""],  # says solved, no time: state unknown
    ["8", "B", "Open", "2025-03-14 09:00:00", "2025-03-15 09:00:00"],  # reopened: open since created
    ["9", "A", "Closed", "2025-03-17 09:00:00", "2025-03-19 09:00:00"],
    ["10", "B", "Solved", "", "2025-03-18 10:00:00"],  # no created time: in no count
    ["11", "A", "Solved", "yesterday", "2025-03-20 10:00:00"],  # created not understood: in no count
    ["12", "B", "Closed", "2025-03-18 10:00:00", "soon"],  # solved not understood: state unknown
    ["13", "A", "Closed", "2025-03-19 10:00:00", "2025-03-20 12:00:00"],  # the last time in the data
]


@pytest.fixture
def tickets(write_csv):
    return write_csv(TICKETS, "tickets.csv")


def figures(report, segment=None):
    """period → (created, solved, unknown, open at end) of one series."""
    return {r.period: (r.created, r.solved, r.unknown, r.open_at_end) for r in report.rows if r.segment == (segment or {})}


def test_hand_counted_weeks(tickets):
    report = volume(tickets, processes=1)
    assert figures(report) == {"2025-W10": (4, 1, 0, 3), "2025-W11": (4, 1, 2, 4), "2025-W12": (3, 3, 1, 3)}
    assert report.tickets == 11
    assert report.counters == {"created_blank": 1, "created_invalid": 1, "created_placeholder": 0, "solved_invalid": 1, "solved_placeholder": 1,
                               "solved_before_created": 1, "resolved_without_time": 1, "reopened": 1}
    assert report.examples["created_invalid"] == "yesterday" and report.examples["solved_invalid"] == "soon"
    w10, w11, w12 = report.rows
    assert (w10.partial, w11.partial, w12.partial) == (False, False, True)  # the data's last time is Thursday the 20th
    assert (w12.days, w12.covered_days) == (7, 4)
    assert w11.change["diff"] == 0 and w11.change["pct"] == 0.0 and w11.change["p_value"] == pytest.approx(1.0)
    assert w12.change["diff"] == -1 and w12.change["p_value"] is None  # a partial week is not tested
    # Times to solve in whole days: 1, 8, 8, 2, 1 → Σ_{j≥6} P(A > j) = 0.4 + 0.4; 11 tickets over 17.125 days;
    # W10 ends 6.6 days after the first ticket: 11 / 17.125 × 0.8 ≈ 0.51 open tickets missing.
    assert w10.history_missing == pytest.approx(0.5) and w10.history_incomplete and not w11.history_incomplete
    text = " ".join(report.warnings)
    assert "3 ticket(s) counted as created but left out of solved and open at end" in text
    assert "1 solved before created" in text and "status resolved but no time" in text and "'Solved at' not understood (e.g. 'soon' ×1)" in text
    assert "1 ticket(s) have a solved time but a status that is not resolved (reopened)" in text
    assert "2 ticket(s) without a usable created time" in text and "e.g. 'yesterday' ×1)" in text


def test_by_segment_and_the_identity(tickets):
    report = volume(tickets, options=Options(by=["Group"]), processes=1)
    assert figures(report, {"Group": "A"}) == {"2025-W10": (2, 1, 0, 1), "2025-W11": (2, 1, 1, 1), "2025-W12": (2, 2, 0, 1)}
    assert figures(report, {"Group": "B"}) == {"2025-W10": (2, 0, 0, 2), "2025-W11": (2, 0, 1, 3), "2025-W12": (1, 1, 1, 2)}
    for row in report.rows:  # open at end = open before + created − solved − unknown
        assert row.open_change == row.created - row.solved - row.unknown


def test_without_status_a_blank_solved_time_is_open(tickets):
    assert volume(tickets, processes=1).columns["status"] == "Status"  # detected
    plain = volume(_without_status(tickets), processes=1)
    assert plain.columns["status"] is None
    # Ticket 7 (Solved, no time) counts as open, ticket 8 (reopened) as solved on the 15th.
    assert figures(plain) == {"2025-W10": (4, 1, 0, 3), "2025-W11": (4, 2, 1, 4), "2025-W12": (3, 3, 1, 3)}
    assert any("No status column" in note for note in plain.notes)


def _without_status(path):
    rows = list(csv.reader(path.open(encoding="utf-8")))
    out = path.with_name("nostatus.csv")
    out.write_text("".join(",".join(r[:2] + r[3:]) + "\n" for r in rows), encoding="utf-8")
    return out


def test_since_opens_with_the_earlier_backlog_and_until_ends_the_periods(tickets):
    report = volume(tickets, options=Options(since="2025-03-10"), processes=1)
    assert figures(report) == {"2025-W11": (4, 1, 2, 4), "2025-W12": (3, 3, 1, 3)}  # W10's three open tickets carried in
    assert not report.rows[0].partial and report.rows[0].change is None
    cut = volume(tickets, options=Options(until="2025-03-16"), processes=1)
    assert figures(cut) == {"2025-W10": (4, 1, 0, 3), "2025-W11": (4, 1, 2, 4)}
    assert not cut.rows[-1].partial


def test_blank_values_in_the_time_columns_are_blank_times(write_csv, tmp_path):
    """R writes NA for a missing time and a redacted export *redacted*: as blank as an empty cell (the
    default blank_values, then the config's), so an NA solved time is an open ticket, not an unreadable
    one in no state, and an NA created time is blank, not 'not understood'."""
    path = write_csv([
        ["Id", "Status", "Created at", "Solved at"],
        ["1", "Solved", "2025-03-03 09:00:00", "2025-03-04 10:00:00"],
        ["2", "Open", "2025-03-04 09:00:00", "NA"],  # open
        ["3", "Pending", "2025-03-05 09:00:00", " n/a "],  # open
        ["4", "Solved", "NA", "2025-03-05 10:00:00"],  # no created time: in no count
        ["5", "Solved", "*redacted*", "2025-03-05 11:00:00"],  # blank with the config, not understood without
        ["6", "Solved", "2025-03-05 09:00:00", "later"],  # not understood: unknown
    ], "r_tickets.csv")
    plain = volume(path, processes=1)
    assert figures(plain) == {"2025-W10": (4, 1, 1, 2)}
    assert {k: plain.counters[k] for k in ("created_blank", "created_invalid", "solved_invalid")} == {"created_blank": 1, "created_invalid": 1, "solved_invalid": 1}
    assert (plain.examples["created_invalid"], plain.examples["solved_invalid"]) == ("*redacted*", "later")
    redacted = volume(path, validate_config({"blank_values": ["NA", "n/a", "*Redacted*"]}), processes=1)
    assert figures(redacted) == {"2025-W10": (4, 1, 1, 2)}
    assert (redacted.counters["created_blank"], redacted.counters["created_invalid"]) == (2, 0)
    config = tmp_path / "cfg.yaml"
    config.write_text("blank_values: [NA, n/a, '*redacted*']\n", encoding="utf-8")
    result = invoke(["volume", str(path), "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "2 ticket(s) without a usable created time in 'Created at' are in no count (2 blank, 0 not understood)" in result.stderr


def test_the_unreadable_times_example_is_the_most_common_with_its_count(write_csv):
    """As for an answer column and the date column: the example of created/solved times not understood
    is the most common text (the first of equals), with its count — not the first oddity — across blocks
    and worker parts. A solved time counts only on a ticket with a created time (row 12's TBD is not)."""
    rows = [["Id", "Status", "Created at", "Solved at"], ["0", "Solved", "yesterday", "2025-03-04 10:00:00"], ["1", "Solved", "2025-03-03 09:00:00", "soon"]]
    rows += [[str(i), "Solved", "2025-03-03 09:00:00" if i % 3 else "see ticket", "2025-03-04 10:00:00" if i % 4 else "TBD"] for i in range(2, 400)]
    path = write_csv(rows, "odd_times.csv")
    for options in ({"processes": 1}, {"processes": 2, "part_bytes": 4096}):
        report = volume(path, **options)
        assert (report.counters["created_invalid"], report.counters["solved_invalid"]) == (1 + 133, 1 + 66)
        assert (report.examples["created_invalid"], report.examples["solved_invalid"]) == ("see ticket", "TBD")
        assert (report.example_counts["created_invalid"], report.example_counts["solved_invalid"]) == (133, 66)
    text = " ".join(report.warnings)
    assert "134 not understood, e.g. 'see ticket' ×133)" in text and "67 'Solved at' not understood (e.g. 'TBD' ×66)" in text
    document = report.to_dict()
    assert document["examples"]["created_invalid"] == "see ticket" and document["example_counts"] == {"created_invalid": 133, "solved_invalid": 66}


def test_day_first_dates_and_months(write_csv):
    path = write_csv([["Created at", "Solved at"], ["31/01/2025 10:00", "01/02/2025 09:00"], ["15/02/2025 10:00", ""], ["20/02/2025 10:00", "28/02/2025 10:00"]])
    report = volume(path, options=Options(period="month"), processes=1)
    assert figures(report) == {"2025-01": (1, 0, 0, 1), "2025-02": (2, 2, 0, 1)}
    assert report.inputs[0].date_order == "day-first"


def test_the_same_however_the_input_is_cut(tmp_path):
    rng = np.random.default_rng(7)
    start = np.datetime64("2025-01-01T00:00")
    created = start + rng.integers(0, 120 * 24 * 60, 3000).astype("timedelta64[m]")
    solved = created + rng.lognormal(7, 1.5, 3000).astype(int).astype("timedelta64[m]")
    lines = ["Id,Team,Status,Created at,Solved at"]
    for i in range(3000):
        open_ = rng.random() < 0.1
        lines.append(f"{i},{'XYZ'[i % 3]},{'Open' if open_ else 'Solved'},{str(created[i]).replace('T', ' ')}:00,{'' if open_ else str(solved[i]).replace('T', ' ') + ':00'}")
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    options = Options(by=["Team"], period="week")
    whole = volume(path, options=options, processes=1).to_dict()
    chunked = volume(path, options=options, processes=1, block_bytes=4096, block_rows=97).to_dict()
    parallel = volume(path, options=options, processes=2, part_bytes=8192, block_bytes=4096).to_dict()
    assert whole["results"] == chunked["results"] == parallel["results"]
    assert whole["tickets"] == chunked["tickets"] == parallel["tickets"]
    assert sum(r["created"] for r in whole["results"] if not r["segment"]) == 3000


def test_zendesk_sample_against_pandas():
    """The README's worked example, counted independently with pandas."""
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(ZENDESK)
    created = pd.to_datetime(frame["Created at"])
    solved = pd.to_datetime(frame["Solved at"], errors="coerce", format="%Y-%m-%d %H:%M:%S")
    solved = solved.where(solved.dt.year > 1900)  # Zendesk's 1900-01-01 placeholder: not solved
    unreadable = frame["Solved at"].notna() & solved.isna() & ~frame["Solved at"].str.startswith("1900")
    early = solved < created
    unknown = unreadable | early
    month = created.dt.to_period("M")
    report = volume(ZENDESK, options=Options(period="month"), processes=1)
    for row in report.rows:
        end = pd.Timestamp(row.end) + pd.Timedelta(days=1)
        assert row.created == int((month == row.period).sum())
        assert row.solved == int((~unknown & (solved.dt.to_period("M") == row.period)).sum())
        assert row.unknown == int((unknown & (month == row.period)).sum())
        assert row.open_at_end == int((~unknown & (created < end) & ~(solved < end)).sum())
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("### Volume and backlog", 1)[1].split("\n#", 1)[0]
    shown = [[cell.strip() for cell in line.split("│")[1:-1]] for line in readme.splitlines() if line.startswith("│ 2025-")]
    assert shown == [[r.period, f"{r.created:,}", *section_cells(r)] for r in report.rows]  # the README's table is this run's
    assert report.counters["solved_placeholder"] == 200 and report.counters["solved_invalid"] == 2 and report.counters["solved_before_created"] == 2
    assert [r.history_missing for r in report.rows] == [15.1, 3.6, 0.9, 0.1, 0.0, 0.0]  # March's 0.9 is under 1 % of 155
    assert [r.history_incomplete for r in report.rows] == [True, True, False, False, False, False]


def test_the_readme_python_block_runs_as_written_with_the_types_it_states(monkeypatch):
    """The Python block of *Volume and backlog* as written, and each column's Arrow type as the paragraph under it says."""
    pytest.importorskip("pandas")
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Volume and backlog", 1)[1].split("\n### ", 1)[0]
    monkeypatch.chdir(ROOT)
    names: dict = {}
    exec(compile(re.search(r"```python\n(.*?)```", section, re.S).group(1), "README.md (Volume and backlog)", "exec"), names)
    schema = names["run"].to_arrow().schema
    stated = section.split("has one type per column whatever the run:", 1)[1].split("; null where", 1)[0]
    said = {"Group": pa.string()}  # the --by column: text
    for kind, arrow_type in (("int64", pa.int64()), ("float64", pa.float64()), ("bool", pa.bool_()), ("text", pa.string())):
        said |= dict.fromkeys(re.findall(r"`(\w+)`", re.search(rf"{kind} for (.*?)(?:;|$)", stated, re.S).group(1)), arrow_type)
    assert {field.name: field.type for field in schema} == said
    assert list(names["frame"].columns) == schema.names


def section_cells(row) -> list[str]:
    from cxscore.render.volume import _change, _count

    return [*_change(row), _count(row.solved, row.history_incomplete), _count(row.open_at_end, row.history_incomplete)]


def test_created_test_is_scipys_binomial_test():
    stats = pytest.importorskip("scipy.stats")
    for before, now, t0, t1 in [(40, 60, 7, 7), (0, 5, 7, 7), (120, 95, 31, 28), (9, 1, 30, 31), (500, 560, 7, 7), (48_000, 48_500, 7, 7), (3000, 1, 7, 7)]:
        expected = stats.binomtest(now, before + now, t1 / (t0 + t1)).pvalue
        assert created_test(before, now, t0, t1) == pytest.approx(expected, rel=1e-9)
    assert created_test(0, 0, 7, 7) == 1.0


def test_created_test_keeps_its_size():
    """Equal Poisson rates in two periods: rejected at most about α of the time (the exact test is conservative)."""
    rng = np.random.default_rng(20251201)
    for rate, days in [(3, 7), (40, 7), (15, 30)]:
        counts = rng.poisson(rate * days, size=(2000, 2))
        rejected = np.mean([created_test(int(a), int(b), days, days) < 0.05 for a, b in counts])
        assert 0.02 < rejected <= 0.055, (rate, rejected)


def test_cli_table_json_csv_markdown(tickets):
    result = invoke(["volume", str(tickets), "--by", "Group"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    body = [line.split("│")[1:-1] for line in result.stdout.splitlines() if line.startswith("│")]
    assert [cell.strip() for cell in body[0]] == ["All", "2025-W10", "4", "", "", "≥1", "≥3"]  # history missing: marked low
    assert [cell.strip() for cell in body[4]] == ["A", "2025-W11", "2", "+0 (+0.0%)", "1.000", "1", "1"]
    assert "volume: created 'Created at', solved 'Solved at', status 'Status'" in result.stderr
    assert "left out of solved and open at end" in result.stderr and "left out" not in result.stdout
    doc = json.loads(invoke(["volume", str(tickets), "-f", "json"]).stdout)
    assert doc["document"] == "cxscore.volume" and doc["schema_version"] == 1 and doc["period"] == "week"
    assert doc["columns"] == {"created": "Created at", "solved": "Solved at", "status": "Status"}
    assert [r["open_at_end"] for r in doc["results"]] == [3, 4, 3] and doc["tickets"]["unknown_state"] == 3
    assert doc["results"][2]["partial"] is True and doc["warnings"] and doc["notes"]
    rows = list(csv.DictReader(io.StringIO(invoke(["volume", str(tickets), "-f", "csv", "--by", "Group"]).stdout)))
    assert list(rows[0])[:4] == ["Group", "period", "start", "end"] and rows[0]["Group"] == ""
    assert [(r["Group"], r["period"], r["open_at_end"]) for r in rows if r["period"] == "2025-W11"] == [("", "2025-W11", "4"), ("A", "2025-W11", "1"), ("B", "2025-W11", "3")]
    markdown = invoke(["volume", str(tickets), "-f", "markdown"]).stdout
    assert "| Week | Created | Δ | p adj. | Solved | Open at end |" in markdown and "| _2025-W12_ |" in markdown


def test_cli_exit_codes(tickets, write_csv):
    ok = run_process(["volume", str(tickets), "-f", "json"])
    assert ok.returncode == 0 and json.loads(ok.stdout)["tickets"]["counted"] == 11
    strict = run_process(["volume", str(tickets), "--strict"])
    assert strict.returncode == 2 and b"--strict" in strict.stderr and not strict.stdout
    missing = run_process(["volume", str(write_csv([["Id", "When"], ["1", "2025-01-01"]], "plain.csv"))])
    assert missing.returncode == 2 and b"no created time column found" in missing.stderr and b"--created" in missing.stderr
    wrong = run_process(["volume", str(tickets), "--solved", "Solvd at"])
    assert wrong.returncode == 2 and b"did you mean 'Solved at'" in wrong.stderr and b"Traceback" not in wrong.stderr


def test_volume_workbook_and_the_report_sheet(tickets, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    alone = tmp_path / "volume.xlsx"
    result = invoke(["volume", str(tickets), "--by", "Group", "-o", str(alone), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {alone}" in result.stderr and json.loads(result.stdout)["document"] == "cxscore.volume"
    ws = openpyxl.load_workbook(alone)["Volume"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("Group", "Period", "Start", "End", "Created", "Δ created")
    assert [(r[0], r[1], r[4], r[8], r[9], r[10]) for r in rows[1:10]] == [  # group, period, created, solved, unknown, open at end
        ("All", "2025-W10", 4, 1, 0, 3), ("All", "2025-W11", 4, 1, 2, 4), ("All", "2025-W12", 3, 3, 1, 3),
        ("A", "2025-W10", 2, 1, 0, 1), ("A", "2025-W11", 2, 1, 1, 1), ("A", "2025-W12", 2, 2, 0, 1),
        ("B", "2025-W10", 2, 0, 0, 2), ("B", "2025-W11", 2, 0, 1, 3), ("B", "2025-W12", 1, 1, 1, 2)]
    assert rows[3][11] == "partial" and ws.cell(row=4, column=2).font.italic  # W12
    assert ws.cell(row=3, column=8).number_format == '[<0.001]"<0.001";0.000' and len(ws._charts) == 1
    assert any(r[0] and str(r[0]).startswith("volume: 3 ticket(s) counted as created") for r in rows)  # the warnings under the table
    config = tmp_path / "service.yaml"
    config.write_text("metrics:\n  - name: one_touch\n    type: rate\n    condition: 'Status = Solved'\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    made = invoke(["report", str(tickets), "-c", str(config), "-o", str(report), "--created", "Created at", "--solved", "Solved at", "--period", "week"])
    assert made.exit_code == 0, made.stderr
    book = openpyxl.load_workbook(report)
    assert book.sheetnames.index("Volume") == book.sheetnames.index("Data quality") - 1
    assert [r[3] for r in book["Volume"].iter_rows(min_row=2, max_row=4, values_only=True)] == [4, 4, 3]
    plain = tmp_path / "plain.xlsx"
    assert invoke(["report", str(tickets), "-c", str(config), "-o", str(plain)]).exit_code == 0
    assert "Volume" not in openpyxl.load_workbook(plain).sheetnames  # only when asked
    half = invoke(["report", str(tickets), "-c", str(config), "-o", str(plain), "--created", "Created at"])
    assert half.exit_code == 2 and "needs both --created and --solved" in half.stderr
    wrong = invoke(["volume", str(tickets), "-o", str(tmp_path / "volume.csv")])
    assert wrong.exit_code == 2 and "does not end in .xlsx" in wrong.stderr


def test_the_config_volume_block(write_csv, tmp_path):
    path = write_csv([["Opened", "Finished", "State", "Team"],
                      ["2025-03-03 09:00", "2025-03-04 09:00", "Done", "X"],
                      ["2025-03-04 09:00", "", "Done", "X"],  # says done, no time: state unknown (Done is resolved here)
                      ["2025-03-05 09:00", "", "Doing", "Y"],
                      ["2025-04-01 09:00", "2025-04-02 09:00", "Done", "Y"]], "jira.csv")
    config = tmp_path / "cxscore.yaml"
    config.write_text("period: month\nvolume:\n  created: Opened\n  solved: Finished\n  status: State\n  resolved: [Done]\n", encoding="utf-8")
    result = invoke(["volume", str(path), "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["period"] == "month" and doc["columns"] == {"created": "Opened", "solved": "Finished", "status": "State"}
    assert doc["columns_chosen_by"] == {"created": "config", "solved": "config", "status": "config"}
    assert [(r["period"], r["created"], r["solved"], r["unknown"], r["open_at_end"]) for r in doc["results"]] == [("2025-03", 3, 1, 1, 1), ("2025-04", 1, 1, 0, 1)]
    assert doc["tickets"]["resolved_without_time"] == 1
    typo = tmp_path / "typo.yaml"
    typo.write_text("volume:\n  creatd: Opened\n", encoding="utf-8")
    bad = invoke(["volume", str(path), "-c", str(typo)])
    assert bad.exit_code == 2 and "volume.creatd: unknown key; did you mean 'created'?" in bad.stderr
    missing = tmp_path / "missing.yaml"
    missing.write_text("volume:\n  created: Opend\n  solved: Finished\n", encoding="utf-8")
    gone = invoke(["volume", str(path), "-c", str(missing)])
    assert gone.exit_code == 2 and "volume.created (config): column 'Opend' is not in" in gone.stderr and "did you mean 'Opened'" in gone.stderr
    config.write_text(config.read_text(encoding="utf-8") + "date_column: Opened\nmetrics:\n  - name: done\n    type: rate\n    condition: State = Done\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    made = invoke(["report", str(path), "-c", str(config), "-o", str(report)])
    assert made.exit_code == 0, made.stderr
    openpyxl = pytest.importorskip("openpyxl")
    assert [r[3] for r in openpyxl.load_workbook(report)["Volume"].iter_rows(min_row=2, max_row=3, values_only=True)] == [3, 1]


def test_alerts_exit_3(tickets, write_csv):
    over = run_process(["volume", str(tickets), "--fail-over", "open=2", "-f", "json"])
    assert over.returncode == 3 and b"alert: open at end in 2025-W12 (partial) is 3, over 2" in over.stderr
    assert json.loads(over.stdout)["alerts"] == ["open at end in 2025-W12 (partial) is 3, over 2"]  # the output is still written
    assert run_process(["volume", str(tickets), "--fail-over", "open=3", "--fail-over", "created=3"]).returncode == 0
    bad = run_process(["volume", str(tickets), "--fail-over", "backlog=3"])
    assert bad.returncode == 2 and b"--fail-over 'backlog=3': write open=N or created=N" in bad.stderr
    rows = [["Created at", "Solved at", "Team"]]
    rows += [[f"2025-03-{3 + i % 7:02d} 10:00", "", "X" if i % 2 else "Y"] for i in range(14)]  # W10: 14 tickets
    rows += [[f"2025-03-{10 + i % 7:02d} 10:00", "", "X" if i < 36 else "Y"] for i in range(42)]  # W11: 42, the rise all in X (36 vs 7)
    rows += [["2025-03-17 10:00", "", "Y"]]  # W12 is partial: the latest tested week is W11
    path = write_csv(rows, "rise.csv")
    quiet = run_process(["volume", str(path), "--by", "Team"])
    assert quiet.returncode == 0 and b"alert" not in quiet.stderr
    rise = run_process(["volume", str(path), "--by", "Team", "--fail-on-significant-rise"])
    assert rise.returncode == 3, rise.stderr
    lines = [line for line in rise.stderr.decode().splitlines() if line.startswith("alert:")]
    assert lines == ["alert: created rose significantly in 2025-W11: 42 vs 14 in 2025-W10 (+28, +200.0%; p adj. <0.001)",
                     "alert: created rose significantly in 2025-W11 (Team=X): 36 vs 7 in 2025-W10 (+29, +414.3%; p adj. <0.001)"]


def test_the_caption_explains_only_the_marks_its_table_shows(tickets, write_csv):
    """As a breakdown's caption (user pass): ▲▼ only when a change is marked, dim (italic) rows only when a period is partial."""
    def caption(args):
        result = invoke(["volume", *args, "-f", "md"])
        assert result.exit_code == 0, result.stderr
        return next(line for line in result.stdout.splitlines() if line.startswith("_Open at end"))

    quiet = caption([str(tickets)])  # no change is significant; 2025-W12 is partial
    assert "▲▼" not in quiet and "Benjamini–Hochberg adjusted; none is below 0.05; italic rows: partial periods." in quiet
    rows = [["Created at", "Solved at"], *[[f"2025-03-{3 + i % 7:02d} 10:00", ""] for i in range(14)], *[[f"2025-03-{10 + i % 7:02d} 10:00", ""] for i in range(42)]]
    rise = caption([str(write_csv(rows, "rise.csv"))])  # W10 14 tickets, W11 42: ▲
    assert "▲▼ created changed beyond chance" in rise
    whole = caption([str(ZENDESK), "--period", "month"])  # January to June 2025, whole months, no change significant
    assert "rows:" not in whole and "▲▼" not in whole and "none is below 0.05." in whole
