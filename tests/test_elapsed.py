"""Durations between two timestamp columns (``start:``/``end:``, issue 15): hand-computed values, time
zones (naive, ``Z``, offsets, epoch seconds and milliseconds, a zone for naive times across a clock
change), placeholders and end-before-start, the day/month order, config errors, and chunked = whole =
parallel."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import invoke

from cxscore.config import validate_config
from cxscore.elapsed import ZoneMismatch, elapsed, read_moments
from cxscore.errors import ConfigError
from cxscore.normalize import BLANK, INVALID
from cxscore.pipeline import score
from cxscore.settings import Options

METRIC = "metrics:\n  - {name: resolution, type: duration, start: Created at, end: Solved at%s}\n"


def _config(tmp_path, extra: str = "") -> str:
    path = tmp_path / "service.yaml"
    path.write_text(METRIC % extra, encoding="utf-8")
    return str(path)


def _seconds(start: list, end: list, **options) -> list:
    column = elapsed(pa.array(start, pa.string()), pa.array(end, pa.string()), **options)
    return [None if np.isnan(s) else float(s) for s in column.seconds]


# --- the library function --------------------------------------------------------------------------


def test_naive_times_subtract_as_wall_clock_times():
    assert _seconds(["2025-03-03 09:00:00", "3/3/2025 9:00", "2025-03-03T23:59:00"], ["2025-03-03 09:30:00", "3/4/2025 9:00", "2025-03-04 00:01"]) == [1800, 86400, 120]


def test_zones_offsets_and_epochs_are_instants():
    start = ["2025-03-03T09:00:00Z", "2025-03-03T09:00:00+08:00", "2025-03-03 09:00:00 -0500", "1741000000", "1741000000000"]
    end = ["2025-03-03T10:00:00+01:00", "2025-03-03T09:00:00Z", "2025-03-03T14:30:00Z", "2025-03-03T11:06:40Z", "1741000060"]
    # 10:00+01:00 is 09:00Z; 09:00+08:00 is 01:00Z; 09:00-05:00 is 14:00Z; 1741000000 is 2025-03-03 11:06:40Z
    assert _seconds(start, end) == [0, 8 * 3600, 1800, 0, 60]


def test_arrow_timestamps_with_and_without_zones():
    utc = pa.array([datetime(2025, 3, 3, 9, tzinfo=timezone.utc)], pa.timestamp("ms", "UTC"))
    shanghai = pa.array([datetime(2025, 3, 3, 9, tzinfo=timezone.utc)], pa.timestamp("us", "Asia/Shanghai"))  # the same instant
    naive = pa.array([datetime(2025, 3, 3, 9, 45)], pa.timestamp("s"))
    assert elapsed(utc, shanghai).seconds.tolist() == [0.0]
    assert read_moments(shanghai).zoned.tolist() == [True] and read_moments(naive).zoned.tolist() == [False]
    with pytest.raises(ZoneMismatch):
        elapsed(utc, naive)
    assert elapsed(utc, naive, timezone="UTC").seconds.tolist() == [2700.0]


def test_a_zone_for_naive_times_makes_a_clock_change_exact():
    start, end = ["2025-03-30 01:00:00", "2025-10-26 01:00:00"], ["2025-03-30 04:00:00", "2025-10-26 04:00:00"]  # Berlin: clocks go forward, then back
    assert _seconds(start, end) == [3 * 3600, 3 * 3600]  # wall clock
    assert _seconds(start, end, timezone="Europe/Berlin") == [2 * 3600, 4 * 3600]


def test_a_naive_end_against_a_zoned_start_needs_a_zone():
    with pytest.raises(ZoneMismatch, match="one names its time zone, the other does not"):
        _seconds(["2025-03-03T09:00:00Z"], ["2025-03-03 10:00:00"])
    assert _seconds(["2025-03-03T01:00:00Z"], ["2025-03-03 10:00:00"], timezone="Asia/Shanghai") == [3600]  # 10:00 in Shanghai is 02:00Z


def test_blank_placeholder_unreadable_and_backwards_rows():
    start = ["2025-03-03 09:00:00", "2025-03-03 09:00:00", "", "2025-03-03 09:00:00", "soon", "2025-03-03 10:00:00", "0001-01-01"]
    end = ["1900-01-01 00:00:00", "", "2025-03-03 09:00:00", "2025-02-30 10:00:00", "", "2025-03-03 09:59:59", "2025-03-03 10:00:00"]
    column = elapsed(pa.array(start), pa.array(end), names=("Created at", "Solved at"))
    assert column.slots.tolist() == [BLANK + 2, BLANK + 2, BLANK + 2, INVALID + 2, INVALID + 2, INVALID + 2, BLANK + 2]
    assert column.noted.tolist() == [True, False, False, False, False, False, True]
    assert column.invalid_texts == {"Solved at: 2025-02-30 10:00:00": 1, "Created at: soon": 1, "2025-03-03 10:00:00 → 2025-03-03 09:59:59": 1}
    assert np.isnan(column.seconds).all()


def test_the_stated_order_reads_day_first_dates():
    assert _seconds(["03/04/2025 09:00"], ["04/04/2025 09:00"], dayfirst=True) == [86400]  # 3 April to 4 April
    assert _seconds(["03/04/2025 09:00"], ["04/04/2025 09:00"], dayfirst=False) == [31 * 86400]  # 4 March to 4 April


# --- the metric through the CLI --------------------------------------------------------------------

TICKETS = [
    ["Id", "Group", "Created at", "Solved at"],
    ["1", "Billing", "2025-03-03 09:00:00", "2025-03-03 09:30:00"],  # 30 min
    ["2", "Billing", "2025-03-03 11:00:00", "2025-03-03 13:00:00"],  # 2 h
    ["3", "Billing", "2025-03-04 08:00:00", "2025-03-04 08:10:00"],  # 10 min
    ["4", "Tech", "2025-03-04 10:00:00", "2025-03-05 10:00:00"],  # 1 day
    ["5", "Tech", "2025-03-05 09:00:00", "1900-01-01 00:00:00"],  # unsolved: a placeholder, blank
    ["6", "Tech", "2025-03-05 12:00:00", "2025-03-05 11:00:00"],  # solved before it was created: invalid
    ["7", "Tech", "2025-03-06 09:00:00", "2025-03-06 15:00:00"],  # 6 h
    ["8", "Tech", "2025-03-06 10:00:00", ""],  # open: blank
]


def test_start_and_end_score_the_seconds_between_them(write_csv, tmp_path):
    result = invoke(["score", str(write_csv(TICKETS)), "-c", _config(tmp_path, ", within: 1h"), "--by", "Group", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    overall = next(r for r in doc["results"] if not r["segment"])
    seconds = [1800, 7200, 600, 86400, 21600]  # sorted: 600, 1800, 7200, 21600, 86400: the median is 7200
    assert (overall["n"], overall["blank"], overall["invalid"]) == (5, 2, 1)
    assert overall["value"] == pytest.approx(7200, rel=0.01)
    assert overall["components"]["mean"] == pytest.approx(sum(seconds) / 5, abs=1e-6)  # exact, not from buckets
    assert overall["components"]["within_pct"] == pytest.approx(40.0)  # 600 and 1800 s
    billing = next(r for r in doc["results"] if r["segment"] == {"Group": "Billing"})
    assert billing["value"] == pytest.approx(1800, rel=0.01)
    assert doc["quality"][0]["column"] == "Created at, Solved at"
    assert doc["quality"][0]["invalid_examples"] == {"2025-03-05 12:00:00 → 2025-03-05 11:00:00": 1}
    said = "resolution: 1 row(s) with a placeholder date in 'Created at, Solved at' (such as 1900-01-01"
    assert any(said in w for w in doc["warnings"]) and said in result.stderr
    assert any("an end before its start" in w for w in doc["warnings"])


def test_day_first_dates_are_shown_by_the_values_and_said(write_csv, tmp_path):
    rows = [["Created at", "Solved at"], ["13/03/2025 09:00", "14/03/2025 09:00"], ["03/04/2025 09:00", "04/04/2025 10:00"]]
    result = invoke(["score", str(write_csv(rows)), "-c", _config(tmp_path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "resolution: dates in 'Created at', 'Solved at' read day first, as '13/03/2025 09:00' shows" in result.stderr
    overall = json.loads(result.stdout)["results"][0]
    assert overall["components"]["mean"] == pytest.approx((86400 + 90000) / 2)  # 3 April → 4 April, not 4 March → 4 April


def test_a_guessed_order_is_a_warning_and_strict_refuses_it(write_csv, tmp_path):
    rows = [["Created at", "Solved at"], ["03/04/2025 09:00", "04/04/2025 09:00"], ["03/05/2025 09:00", "03/05/2025 10:00"]]
    path = str(write_csv(rows))
    result = invoke(["score", path, "-c", _config(tmp_path), "-f", "json"])
    doc = json.loads(result.stdout)
    said = "resolution: every sampled date in 'Created at', 'Solved at' fits both day/month orders (no day is over 12), so they were read month first"
    assert any(said in w for w in doc["warnings"]) and said in result.stderr
    assert doc["results"][0]["components"]["mean"] == pytest.approx((31 * 86400 + 3600) / 2)  # month first: 4 March → 4 April
    strict = invoke(["score", path, "-c", _config(tmp_path), "--strict"])
    assert strict.exit_code == 2 and said in strict.stderr and strict.stdout == ""
    for stated in (["--dayfirst"], ["--monthfirst"]):
        assert invoke(["score", path, "-c", _config(tmp_path), "--strict", *stated]).exit_code == 0
    stated = invoke(["score", path, "-c", _config(tmp_path, ", dayfirst: true"), "--strict", "-f", "json"])
    assert stated.exit_code == 0 and json.loads(stated.stdout)["results"][0]["components"]["mean"] == pytest.approx((86400 + 3600) / 2)


def test_mixed_zones_without_a_timezone_are_exit_2_naming_the_fix(write_csv, tmp_path):
    rows = [["Created at", "Solved at"], ["2025-03-03T09:00:00Z", "2025-03-03 10:00:00"], ["2025-03-03T09:00:00Z", "2025-03-03 18:00:00"]]
    path = str(write_csv(rows))
    result = invoke(["score", path, "-c", _config(tmp_path)])
    assert result.exit_code == 2 and result.stdout == ""
    assert "one names its time zone, the other does not" in result.stderr and "timezone: Europe/Berlin" in result.stderr
    assert "Traceback" not in result.stderr
    placed = invoke(["score", path, "-c", _config(tmp_path, ", timezone: Asia/Shanghai"), "-f", "json"])
    assert placed.exit_code == 0, placed.stderr
    overall = json.loads(placed.stdout)["results"][0]
    assert overall["invalid"] == 1  # 10:00 in Shanghai is 02:00Z: before 09:00Z
    assert overall["components"]["mean"] == 3600  # 18:00 in Shanghai is 10:00Z


@pytest.mark.parametrize(
    "extra, message",
    [
        (", column: Solved at", "metrics[0].column: give either column: (one duration column) or start: and end:"),
        (", unit: minutes", "metrics[0].unit: a duration between timestamps is in seconds by itself"),
        (", timezone: Europe/Berlinn", "metrics[0].timezone: 'Europe/Berlinn' is not a known time zone; did you mean 'Europe/Berlin'?"),
    ],
)
def test_config_errors_name_the_key(extra, message):
    with pytest.raises(ConfigError) as caught:
        validate_config(json.loads(json.dumps(__import__("yaml").safe_load(METRIC % extra))))
    assert message in caught.value.message


def test_start_without_end_and_a_zone_without_timestamps_are_refused():
    with pytest.raises(ConfigError, match=r"metrics\[0\].end: is required with start:"):
        validate_config({"metrics": [{"name": "r", "type": "duration", "start": "Created at"}]})
    with pytest.raises(ConfigError, match=r"metrics\[0\].timezone: applies to durations between timestamps"):
        validate_config({"metrics": [{"name": "r", "type": "duration", "column": "Wait in minutes", "timezone": "UTC"}]})
    with pytest.raises(ConfigError, match=r"or start: and end: \(two timestamp columns"):
        validate_config({"metrics": [{"name": "r", "type": "duration"}]})


def _counts(report):
    return {(tuple(sorted(r.segment.items())), r.period): (r.n, r.blank, r.invalid, round(r.value, 6) if r.n else None) for r in report.results}


_STAMPS = st.one_of(
    st.integers(0, 40 * 86400).map(lambda s: (datetime(2025, 3, 1) + timedelta(seconds=s)).strftime("%Y-%m-%d %H:%M:%S")),
    st.sampled_from(["", "1900-01-01 00:00:00", "soon"]),
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_STAMPS, _STAMPS, st.sampled_from(["A", "B"])), min_size=1, max_size=200))
def test_elapsed_chunked_whole_parallel(tmp_path, rows):
    rows = [("2025-03-03 09:00:00", "2025-03-03 10:00:00", "A"), *rows]
    path = tmp_path / "t.csv"
    path.write_text("Created at,Solved at,Group\n" + "".join(f"{s},{e},{g}\n" for s, e, g in rows))
    config = validate_config({"metrics": [{"name": "r", "type": "duration", "start": "Created at", "end": "Solved at"}]})
    options = Options(by=["Group"], period="week", date_column="Created at")
    whole = score([str(path)], config, options, processes=1)
    assert _counts(whole) == _counts(score([str(path)], config, options, processes=1, block_bytes=64)) == _counts(score([str(path)], config, options, processes=3, part_bytes=128))
    overall = next(r for r in whole.results if not r.segment and r.period is None)
    expected = elapsed(pa.array([s for s, _, _ in rows]), pa.array([e for _, e, _ in rows]))
    assert (overall.n, overall.blank, overall.invalid) == tuple(int((expected.slots == slot).sum()) for slot in (2, BLANK + 2, INVALID + 2))
