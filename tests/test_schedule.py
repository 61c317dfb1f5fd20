"""Business hours: the vectorised business seconds against a slow interval-by-interval walk, and the config form."""
from __future__ import annotations

import math
import zoneinfo
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
import pyarrow as pa
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.schedule import Schedule, parse_schedule, read_holidays

H = 3600
OFFICE = {"timezone": "Europe/Berlin", "hours": {"mon-fri": ["09:00-12:00", "13:00-18:00"], "sat": "10:00-14:00"}, "holidays": ["2025-12-25"]}


def reference(schedule: Schedule, start: datetime | None, end: datetime | None) -> float:
    """Walk every day from start to end and add each working interval's overlap with [start, end]."""
    if start is None or end is None or end < start:
        return math.nan
    total, day = 0.0, start.date()
    while day <= end.date():
        if day not in schedule.holidays:
            midnight = datetime.combine(day, time())
            for s, e in schedule.hours[day.weekday()]:
                lo, hi = max(midnight + timedelta(seconds=s), start), min(midnight + timedelta(seconds=e), end)
                total += max((hi - lo).total_seconds(), 0.0)
        day += timedelta(days=1)
    return total


def stamps(values: list[datetime | None]) -> np.ndarray:
    return np.array([np.datetime64(v, "us") if v else np.datetime64("NaT", "us") for v in values])


def test_hand_computed_spans():
    office = parse_schedule(OFFICE)
    cases = [  # (start, end, business hours): Mon-Fri 09-12 + 13-18, Sat 10-14, 2025-12-25 (Thu) a holiday
        ("2025-12-24 11:00", "2025-12-26 10:00", 1 + 5 + 0 + 1),  # Wed, the holiday, Fri
        ("2025-12-19 17:00", "2025-12-22 10:00", 1 + 4 + 0 + 1),  # Fri evening, Sat, closed Sun, Mon
        ("2025-12-20 00:00", "2025-12-20 23:00", 4),  # Saturday, starting and ending outside hours
        ("2025-12-22 12:15", "2025-12-22 12:45", 0),  # inside the lunch break
        ("2025-12-22 11:30", "2025-12-22 13:30", 1),  # across the break
        ("2025-12-22 20:00", "2025-12-23 08:00", 0),  # across midnight, all outside hours
        ("2025-12-22 09:00", "2025-12-22 09:00", 0),  # zero length
        ("2025-12-01 09:00", "2025-12-15 09:00", 2 * (5 * 8 + 4)),  # two whole weeks
        ("2025-12-22 10:00", "2025-12-22 09:00", math.nan),  # end before start
    ]
    start = stamps([datetime.fromisoformat(s) for s, _, _ in cases])
    end = stamps([datetime.fromisoformat(e) for _, e, _ in cases])
    np.testing.assert_array_equal(office.business_seconds(start, end), [h * H for _, _, h in cases])


def test_missing_timestamps_are_nan():
    office = parse_schedule(OFFICE)
    t = datetime(2025, 12, 22, 10)
    got = office.business_seconds(stamps([None, t, None]), stamps([t, None, None]))
    assert np.isnan(got).all()


day_points = st.lists(st.one_of(st.integers(0, 1440), st.sampled_from([0, 1440])), max_size=6, unique=True)


@st.composite
def schedules(draw) -> Schedule:
    days = []
    for _ in range(7):
        points = sorted(draw(day_points))
        points = points[: len(points) // 2 * 2]
        days.append(tuple((points[i] * 60, points[i + 1] * 60) for i in range(0, len(points), 2)))
    if not any(days):
        days[draw(st.integers(0, 6))] = ((9 * H, 17 * H),)
    holidays = draw(st.lists(st.dates(date(2024, 12, 25), date(2025, 6, 30)), max_size=12))
    return Schedule(tuple(days), tuple(holidays))


moments = st.datetimes(datetime(2025, 1, 1), datetime(2025, 4, 30))
spans = st.one_of(
    st.timedeltas(timedelta(0), timedelta(days=1)),  # same day or over midnight
    st.timedeltas(timedelta(0), timedelta(days=45)),  # weekends, holidays, several weeks
    st.timedeltas(timedelta(days=-2), timedelta(0)),  # end before start
    st.integers(0, 60).map(lambda days: timedelta(days=days)),  # same time of day
)
rows = st.lists(st.tuples(st.one_of(moments, st.none()), st.one_of(spans, st.none())), min_size=1, max_size=40)


@settings(max_examples=100, deadline=None)
@given(schedules(), rows)
def test_business_seconds_match_the_slow_walk(schedule, pairs):
    starts = [s for s, _ in pairs]
    ends = [s + d if s is not None and d is not None else None for s, d in pairs]
    expected = [reference(schedule, s, e) for s, e in zip(starts, ends)]
    np.testing.assert_allclose(schedule.business_seconds(stamps(starts), stamps(ends)), expected, rtol=0, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(schedules(), st.lists(st.tuples(st.datetimes(datetime(2025, 3, 25), datetime(2025, 11, 5)), st.timedeltas(timedelta(0), timedelta(days=9))), min_size=1, max_size=20))
def test_zone_aware_timestamps_are_read_on_the_schedules_wall_clock(schedule, pairs):
    """UTC instants (around both 2025 clock changes in Berlin) meet the hours of Berlin's wall clock."""
    berlin = Schedule(schedule.hours, schedule.holidays, "Europe/Berlin")
    zone = zoneinfo.ZoneInfo("Europe/Berlin")
    utc = [(s.replace(tzinfo=timezone.utc), (s + d).replace(tzinfo=timezone.utc)) for s, d in pairs]
    local = [(s.astimezone(zone).replace(tzinfo=None), e.astimezone(zone).replace(tzinfo=None)) for s, e in utc]
    arrow = [pa.array([p[i] for p in utc], pa.timestamp("us", tz="UTC")) for i in (0, 1)]
    np.testing.assert_allclose(berlin.business_seconds(*arrow), [reference(berlin, s, e) for s, e in local], rtol=0, atol=1e-6)


def test_arrow_inputs_naive_chunked_and_seconds():
    office = parse_schedule(OFFICE)
    start = pa.chunked_array([pa.array([datetime(2025, 12, 19, 17)], pa.timestamp("s")), pa.array([None], pa.timestamp("s"))])
    end = pa.array([datetime(2025, 12, 22, 10), datetime(2025, 12, 22, 10)], pa.timestamp("ms"))
    np.testing.assert_array_equal(office.business_seconds(start, end), [6 * H, np.nan])


def test_daylight_saving_day_counts_wall_clock_hours():
    """The night of 2025-03-30 lasts 23 h in Berlin; a 00:00-06:00 shift counts its 6 wall-clock hours (documented)."""
    night = parse_schedule({"timezone": "Europe/Berlin", "hours": {"sun": "00:00-06:00"}})
    start = pa.array([datetime(2025, 3, 29, 23, tzinfo=timezone.utc)], pa.timestamp("s", tz="UTC"))  # 00:00 CET
    end = pa.array([datetime(2025, 3, 30, 4, tzinfo=timezone.utc)], pa.timestamp("s", tz="UTC"))  # 06:00 CEST
    assert night.business_seconds(start, end).tolist() == [6 * H]


def test_zone_aware_timestamps_need_a_zone():
    plain = parse_schedule({"hours": {"mon-fri": "09:00-17:00"}})
    aware = pa.array([datetime(2025, 1, 6, 9, tzinfo=timezone.utc)], pa.timestamp("s", tz="UTC"))
    with pytest.raises(ValueError, match="add schedule.timezone"):
        plain.business_seconds(aware, aware)


def test_not_timestamps_is_a_type_error():
    plain = parse_schedule({"hours": {"mon": "09:00-17:00"}})
    with pytest.raises(TypeError, match="need timestamps"):
        plain.business_seconds(pa.array([1]), pa.array([2]))


def test_parse_schedule_reads_days_ranges_lists_and_closed_days():
    schedule = parse_schedule({"hours": {"Monday": "08:30-12:00", "tue-thu": ["9:00-12:00", "13:00-24:00"], "fri": "closed", "sat, sun": []}})
    assert schedule.hours[0] == ((8 * H + 1800, 12 * H),)
    assert schedule.hours[1] == schedule.hours[3] == ((9 * H, 12 * H), (13 * H, 24 * H))
    assert schedule.hours[4:] == ((), (), ())
    wrap = parse_schedule({"hours": {"fri-mon": "10:00-11:00"}})
    assert [bool(day) for day in wrap.hours] == [True, False, False, False, True, True, True]


def test_the_config_form_as_yaml_reads_it():
    """Unquoted YAML: dates become date objects, 'off' becomes false, times stay text."""
    text = "timezone: Europe/Berlin\nhours:\n  mon-fri: [09:00-12:00, 13:00-18:00]\n  sat: 10:00-14:00\n  sun: off\nholidays: [2025-12-25, 2025-12-26]\n"
    schedule = parse_schedule(yaml.safe_load(text))
    weekday = ((9 * H, 12 * H), (13 * H, 18 * H))
    assert schedule == Schedule((weekday,) * 5 + (((10 * H, 14 * H),), ()), (date(2025, 12, 25), date(2025, 12, 26)), "Europe/Berlin")


def test_a_schedule_built_in_code_is_checked():
    with pytest.raises(ValueError, match="hours.tue: 09:00-13:00 overlaps the interval starting at 12:00"):
        Schedule(((), ((9 * H, 13 * H), (12 * H, 14 * H)), (), (), (), (), ()))
    with pytest.raises(ValueError, match="hours.mon: 18:00-09:00 is not an interval within one day"):
        Schedule((((18 * H, 9 * H),),) + ((),) * 6)
    with pytest.raises(ValueError, match="give 7 weekdays"):
        Schedule((((9 * H, 17 * H),),) * 5)


def test_holidays_as_yaml_dates_text_and_a_file(tmp_path):
    (tmp_path / "holidays.txt").write_text("# public holidays\n2025-12-25 Christmas\n\n2025-12-26, Boxing Day\n2026-01-01\n", encoding="utf-8")
    from_file = parse_schedule({"hours": {"mon-fri": "09:00-17:00"}, "holidays": {"file": "holidays.txt"}}, base_dir=tmp_path)
    assert from_file.holidays == (date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1))
    listed = parse_schedule({"hours": {"mon-fri": "09:00-17:00"}, "holidays": [date(2026, 1, 1), "2025-12-26", "2025-12-25"]})
    assert listed.holidays == from_file.holidays
    assert read_holidays(tmp_path / "holidays.txt") == from_file.holidays


@pytest.mark.parametrize(("data", "message"), [
    ([1], "schedule: a schedule is a mapping"),
    ({"hours": {"mon": "9-17"}}, "schedule.hours.mon: '9-17' is not an interval; write it like \"09:00-12:00\""),
    ({"hours": {"mon": "22:00-06:00"}}, "schedule.hours.mon: '22:00-06:00' ends before it starts; split it at midnight: \"22:00-24:00\" and \"00:00-06:00\" on the next day"),
    ({"hours": {"mon": "09:00-09:00"}}, "ends before it starts; give a start before the end"),
    ({"hours": {"mon": "09:00-25:00"}}, "schedule.hours.mon: '09:00-25:00' has a time that does not exist"),
    ({"hours": {"mon": ["09:00-13:00", "12:00-18:00"]}}, "schedule.hours.mon: 09:00-13:00 overlaps 12:00-18:00"),
    ({"hours": {"mon-fri": "09:00-17:00", "fri": "09:00-12:00"}}, "schedule.hours.fri: Friday is already given by 'mon-fri'"),
    ({"hours": {"mnday": "09:00-17:00"}}, "schedule.hours.mnday: 'mnday' is not a day; use mon"),
    ({"hours": {"mon": 9}}, "schedule.hours.mon: give intervals as \"HH:MM-HH:MM\""),
    ({"hours": {"sun": "closed"}}, "schedule.hours: no working hours on any day"),
    ({"hours": []}, "schedule.hours: give working hours per day"),
    ({"timezone": "Europe/Berlin"}, "schedule.hours: is required"),
    ({"hours": {"mon": "09:00-17:00"}, "timezone": "Europe/Berln"}, "schedule.timezone: 'Europe/Berln' is not a known time zone; did you mean 'Europe/Berlin'?"),
    ({"hours": {"mon": "09:00-17:00"}, "timezone": 3}, "schedule.timezone: give an IANA time zone name"),
    ({"hours": {"mon": "09:00-17:00"}, "holiday": []}, "schedule.holiday: unknown key; did you mean 'holidays'?"),
    ({"hours": {"mon": "09:00-17:00"}, "holidays": ["2025-02-30"]}, "schedule.holidays[0]: '2025-02-30' is not a date; write it as YYYY-MM-DD"),
    ({"hours": {"mon": "09:00-17:00"}, "holidays": [datetime(2025, 1, 1, 9)]}, "schedule.holidays[0]: 2025-01-01 09:00:00 has a time"),
    ({"hours": {"mon": "09:00-17:00"}, "holidays": {"path": "x"}}, "schedule.holidays: give a list of dates or {file: holidays.txt}"),
    ({"hours": {"mon": "09:00-17:00"}, "holidays": {"file": "missing.txt"}}, "schedule.holidays.file: missing.txt not found"),
])
def test_config_errors_name_the_key_and_the_fix(data, message):
    with pytest.raises(ValueError) as error:
        parse_schedule(data)
    assert message in str(error.value)


def test_holiday_file_errors_name_the_line(tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("2025-12-25\n25.12.2025\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"schedule\.holidays\.file: .*holidays\.txt line 2: '25\.12\.2025' is not a date"):
        parse_schedule({"hours": {"mon": "09:00-17:00"}, "holidays": {"file": str(path)}})


whole_seconds = st.datetimes(datetime(1900, 1, 1), datetime(2030, 12, 31)).map(lambda moment: moment.replace(microsecond=0))


@settings(max_examples=60, deadline=None)
@given(schedules(), st.lists(st.tuples(whole_seconds, st.integers(-86_400, 3 * 366 * 86_400)), min_size=1, max_size=25))
def test_whole_second_times_over_years_and_before_1970_give_the_slow_walk_exactly(schedule, pairs):
    """The per-block table of days reaches from 1900 (before 1970: negative day numbers) over spans of years: whole-second
    times give the walk's seconds exactly (counted in whole microseconds, divided once)."""
    starts = [s for s, _ in pairs]
    ends = [s + timedelta(seconds=d) for s, d in pairs]
    expected = [reference(schedule, s, e) for s, e in zip(starts, ends)]
    np.testing.assert_array_equal(schedule.business_seconds(stamps(starts), stamps(ends)), expected)
