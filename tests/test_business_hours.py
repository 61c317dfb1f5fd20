"""Business-hours durations between two timestamps (issue 15 item 5): the config's ``schedule:`` and a
duration metric's ``business_hours: true``, checked through the CLI against test_schedule's slow
interval-by-interval reference; zones, the metric's own schedule, holiday files, and the refusals."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, invoke
from test_schedule import reference

from cxscore.config import validate_config
from cxscore.errors import ConfigError
from cxscore.pipeline import score
from cxscore.schedule import parse_schedule
from cxscore.settings import Options

SCHEDULE = {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-12:00", "13:00-18:00"], "sat": "10:00-14:00"}, "holidays": ["2025-03-05"]}
YAML = """schedule:
  timezone: Europe/Berlin
  hours: {mon-fri: ["09:00-12:00", "13:00-18:00"], sat: "10:00-14:00"}
  holidays: %s
metrics:
  - {name: business, type: duration, start: Created at, end: Solved at, business_hours: true}
  - {name: calendar, type: duration, start: Created at, end: Solved at}
"""
FORMAT = "%Y-%m-%d %H:%M:%S"


def _config(tmp_path, holidays: str = "[2025-03-05]") -> str:
    path = tmp_path / "service.yaml"
    path.write_text(YAML % holidays, encoding="utf-8")
    return str(path)


def _overall(document: str, metric: str) -> dict:
    return next(r for r in json.loads(document)["results"] if r["metric"] == metric and not r["segment"] and r["period"] is None)


def test_hand_computed_business_and_calendar_durations(write_csv, tmp_path):
    rows = [
        ["Created at", "Solved at"],
        ["2025-03-03 08:00:00", "2025-03-03 09:30:00"],  # Mon, before opening: 30 min of business time (calendar 1 h 30)
        ["2025-03-04 11:00:00", "2025-03-06 10:00:00"],  # Tue 11-12 + 13-18 (6 h), Wed a holiday, Thu 9-10 (1 h): 7 h
        ["2025-03-07 17:00:00", "2025-03-10 09:15:00"],  # Fri 17-18, Sat 10-14, Sun closed, Mon 9-9:15: 5 h 15
        ["2025-03-03 12:10:00", "2025-03-03 12:50:00"],  # inside the lunch break: 0
    ]
    result = invoke(["score", str(write_csv(rows)), "-c", _config(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    business = [1800, 7 * 3600, 5 * 3600 + 900, 0]
    calendar = [5400, 47 * 3600, 64 * 3600 + 900, 2400]
    assert _overall(result.stdout, "business")["components"]["mean"] == pytest.approx(sum(business) / 4, abs=1e-6)
    assert _overall(result.stdout, "calendar")["components"]["mean"] == pytest.approx(sum(calendar) / 4, abs=1e-6)


_STAMP = st.integers(0, 20 * 86400).map(lambda s: datetime(2025, 3, 1) + timedelta(seconds=s))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_STAMP, _STAMP, st.sampled_from(["A", "B"])), min_size=1, max_size=150))
def test_business_seconds_through_the_cli_equal_the_slow_reference_and_do_not_depend_on_chunking(tmp_path, pairs):
    pairs = [(datetime(2025, 3, 3, 9), datetime(2025, 3, 3, 10), "A"), *pairs]  # one valid row: else nothing to score
    path = tmp_path / "t.csv"
    path.write_text("Created at,Solved at,Group\n" + "".join(f"{s:{FORMAT}},{e:{FORMAT}},{g}\n" for s, e, g in pairs))
    office = parse_schedule(SCHEDULE)
    expected = [reference(office, s, e) for s, e, _ in pairs if e >= s]
    config = validate_config({"schedule": SCHEDULE, "metrics": [{"name": "b", "type": "duration", "start": "Created at", "end": "Solved at", "business_hours": True}]})
    options = Options(by=["Group"])
    whole = score([str(path)], config, options, processes=1)
    overall = next(r for r in whole.results if not r.segment)
    assert (overall.n, overall.invalid) == (len(expected), len(pairs) - len(expected))
    if expected:
        assert overall.components["mean"] == pytest.approx(sum(expected) / len(expected), abs=1e-6)

    def rows(report):
        return {(tuple(r.segment.items()), r.period): (r.n, r.invalid, r.components.get("mean") if r.n else None) for r in report.results}

    assert rows(whole) == rows(score([str(path)], config, options, processes=1, block_bytes=64)) == rows(score([str(path)], config, options, processes=3, part_bytes=128))


def test_zoned_times_count_on_the_schedule_s_wall_clock(write_csv, tmp_path):
    """Amazon Connect writes UTC: 07:30Z is 08:30 in Berlin (winter), before opening; 10:00Z is 11:00."""
    berlin = ZoneInfo("Europe/Berlin")
    start, end = datetime(2025, 3, 3, 7, 30, tzinfo=timezone.utc), datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc)
    rows = [["Created at", "Solved at"], [start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ")]] * 2
    result = invoke(["score", str(write_csv(rows)), "-c", _config(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    local = reference(parse_schedule(SCHEDULE), start.astimezone(berlin).replace(tzinfo=None), end.astimezone(berlin).replace(tzinfo=None))
    assert local == 2 * 3600 and _overall(result.stdout, "business")["components"]["mean"] == local
    zoneless = tmp_path / "zoneless.yaml"
    zoneless.write_text((YAML % "[]").replace("  timezone: Europe/Berlin\n", ""), encoding="utf-8")
    refused = invoke(["score", str(write_csv(rows)), "-c", str(zoneless)])
    assert refused.exit_code == 2 and "the timestamps name their time zone but the schedule has none" in refused.stderr
    assert "schedule: {timezone: Europe/Berlin" in refused.stderr and refused.stdout == ""


def test_holidays_from_a_file_beside_the_config_and_a_metric_s_own_schedule(write_csv, tmp_path):
    (tmp_path / "holidays.txt").write_text("# Berlin\n2025-03-04 a made-up holiday\n", encoding="utf-8")
    rows = [["Created at", "Solved at"], ["2025-03-04 10:00:00", "2025-03-04 11:00:00"], ["2025-03-03 10:00:00", "2025-03-03 11:00:00"]]
    elsewhere = tmp_path.parent  # run from another folder: the file is found beside the config
    result = subprocess.run([sys.executable, "-m", "cxscore", "score", str(write_csv(rows)), "-c", _config(tmp_path, "{file: holidays.txt}"), "-f", "json"],
                            capture_output=True, text=True, cwd=elsewhere, env={"PYTHONPATH": str(ROOT), "PATH": ""}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _overall(result.stdout, "business")["components"]["mean"] == 1800  # 0 on the holiday, 1 h on Monday
    own = validate_config({"schedule": SCHEDULE, "metrics": [
        {"name": "chat", "type": "duration", "start": "a", "end": "b", "business_hours": True, "schedule": {"hours": {"mon-sun": "00:00-24:00"}}},
        {"name": "mail", "type": "duration", "start": "a", "end": "b", "business_hours": True},
    ]})
    assert own.metrics[0].schedule.hours[6] == ((0, 86400),) and own.metrics[1].schedule == parse_schedule(SCHEDULE)


@pytest.mark.parametrize(
    "config, message",
    [
        ({"metrics": [{"name": "r", "type": "duration", "start": "a", "end": "b", "business_hours": True}]}, "metrics[0].business_hours: needs a schedule; add a top-level schedule:"),
        ({"metrics": [{"name": "r", "type": "duration", "column": "Wait in minutes", "business_hours": True}]}, "metrics[0].business_hours: applies to durations between timestamps"),
        ({"metrics": [{"name": "r", "type": "duration", "start": "a", "end": "b", "schedule": {"hours": {"mon": "09:00-17:00"}}}]}, "metrics[0].schedule: a metric's own schedule applies with business_hours: true"),
        ({"schedule": {"hours": {"mon": "17:00-09:00"}}}, "schedule.hours.mon: '17:00-09:00' ends before it starts"),
        ({"schedule": {"timezone": "Europe/Berln", "hours": {"mon": "09:00-17:00"}}}, "schedule.timezone: 'Europe/Berln' is not a known time zone; did you mean 'Europe/Berlin'?"),
    ],
)
def test_refusals_name_the_key_and_the_fix(config, message):
    with pytest.raises(ConfigError) as caught:
        validate_config(config)
    assert message in caught.value.message


def test_business_hours_without_a_schedule_is_exit_2_in_one_line(write_csv, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("metrics:\n  - {name: r, type: duration, start: Created at, end: Solved at, business_hours: true}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "cxscore", "score", str(write_csv([["Created at", "Solved at"], ["2025-03-03 09:00", "2025-03-03 10:00"]])), "-c", str(path)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "needs a schedule; add a top-level schedule:" in result.stderr


def test_the_zendesk_sample_s_business_hours_from_timestamps_agree_with_its_own_column():
    config = validate_config({"schedule": {"hours": {"mon-fri": "09:00-17:00"}}, "metrics": [
        {"name": "from_timestamps", "type": "duration", "start": "Created at", "end": "Solved at", "business_hours": True},
        {"name": "column", "type": "duration", "column": "Full resolution time in minutes within business hours"},
    ]})
    report = score([str(ROOT / "sample_data" / "tickets_zendesk.csv")], config, Options())
    rows = {r.metric: r for r in report.results}
    ours, theirs = rows["from_timestamps"], rows["column"]
    assert (ours.n, ours.blank, ours.invalid) == (2796, 200, 4)  # README: 200 unsolved (1900-01-01), 2 backwards, 2 impossible dates
    assert ours.value == theirs.value and ours.components["p90"] == theirs.components["p90"]
    assert any("200 row(s) with a placeholder date" in w for w in report.warnings)


def test_worker_blocks_handed_back_through_files_give_the_one_process_rows_and_leave_no_files(tmp_path, monkeypatch):
    """Workers hand their histograms' dense blocks back as files of a folder the run makes and removes
    (no pickled copy of a block in the worker, no received bytes beside it in the parent); the rows
    are the one-process run's."""
    from cxscore import loghist, scan

    lines = [f"2025-03-{3 + i % 20:02d} 09:{i % 60:02d}:00,2025-03-{3 + i % 20:02d} {10 + i % 7}:{i % 53:02d}:00,{'AB'[i % 2]}\n" for i in range(3000)]
    path = tmp_path / "t.csv"
    path.write_text("Created at,Solved at,Group\n" + "".join(lines))
    config = validate_config({"schedule": SCHEDULE, "metrics": [{"name": "b", "type": "duration", "start": "Created at", "end": "Solved at", "business_hours": True}]})
    options = Options(by=["Group"], period="week", date_column="Created at")
    folders, read = [], []
    made = scan.tempfile.mkdtemp
    monkeypatch.setattr(scan.tempfile, "mkdtemp", lambda **kw: folders.append(made(dir=tmp_path, **kw)) or folders[-1])
    stored = loghist._StoredBlock.read
    monkeypatch.setattr(loghist._StoredBlock, "read", lambda self: read.append(self.path) or stored(self))
    monkeypatch.setattr(loghist, "_HANDOFF_MIN", 0)  # forked workers inherit it: every block travels as a file
    parallel = score([str(path)], config, options, processes=3, part_bytes=20_000)
    assert len(folders) == 1 and read and all(p.startswith(folders[0]) for p in read)
    assert not (tmp_path / folders[0]).exists()
    whole = score([str(path)], config, options, processes=1)
    assert list(parallel.results) == list(whole.results)


def test_a_killed_run_s_handoff_folder_is_removed_by_the_next_pooled_run(tmp_path, monkeypatch):
    """SIGKILL or SIGTERM ends a run before it removes its hand-off folder: the next run removes the folders
    of processes that no longer run, with the blocks left in them, and keeps those of running ones."""
    import subprocess
    import tempfile

    from cxscore import scan

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    stale = tmp_path / (scan.HANDOFF_PREFIX.format(pid=ended.pid) + "k1ll3d") / "block.int32"
    stale.parent.mkdir()
    stale.write_bytes(b"\0" * 64)
    running = tmp_path / (scan.HANDOFF_PREFIX.format(pid=os.getppid()) + "x")
    running.mkdir()
    other = tmp_path / "cxscore-notes"
    other.mkdir()
    path = tmp_path / "t.csv"
    path.write_text("Created at,Solved at,Group\n" + "".join(f"2025-03-{3 + i % 20:02d} 09:00:00,2025-03-{3 + i % 20:02d} 11:{i % 60:02d}:00,{'AB'[i % 2]}\n" for i in range(2000)))
    config = validate_config({"metrics": [{"name": "b", "type": "duration", "start": "Created at", "end": "Solved at"}]})
    score([str(path)], config, Options(by=["Group"]), processes=3, part_bytes=20_000)
    assert not stale.parent.exists() and running.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, other.name, "t.csv"])  # this run's own folder removed too
