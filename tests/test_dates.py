"""Dates as exports write them: every accepted format, two-digit years, impossible and out-of-range
dates, checked against Python's own calendar (datetime) on random dates."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxscore.dates import parse_bound, parse_dates, period_label
from conftest import invoke

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


def parsed(values: list, dayfirst: bool = False) -> list:
    return parse_dates(pa.array(values, pa.string()), dayfirst).to_pylist()


@pytest.mark.parametrize(
    "written, dayfirst, expected",
    [
        ("9/8/18 15:29", False, datetime(2018, 9, 8, 15, 29)),  # Excel's default m/d/yy h:mm
        ("9/8/18", False, datetime(2018, 9, 8)),
        ("12/31/99 11:59 PM", False, datetime(1999, 12, 31, 23, 59)),
        ("1/2/69", False, datetime(1969, 1, 2)),  # the pivot: 69–99 are 19xx …
        ("1/2/00", False, datetime(2000, 1, 2)),  # … 00–68 are 20xx
        ("8/9/18", True, datetime(2018, 9, 8)),  # d/m/yy
        ("31/12/17 08:00:59", True, datetime(2017, 12, 31, 8, 0, 59)),
        ("14.03.25", False, datetime(2025, 3, 14)),  # dotted dates are day first wherever they are written
        ("1-Jan-21", False, datetime(2021, 1, 1)),  # d-Mon-yy
        ("01-JAN-2021 10:00", False, datetime(2021, 1, 1, 10)),
        ("Jan 5, 2025", False, datetime(2025, 1, 5)),
        ("Jan. 5, 2025 3:04 PM", False, datetime(2025, 1, 5, 15, 4)),
        ("January 5 2025", False, datetime(2025, 1, 5)),
        ("5 January 2025", False, datetime(2025, 1, 5)),
        ("5 Sept 2025 09:30:00", False, datetime(2025, 9, 5, 9, 30)),
        ("  5 january 2025 ", False, datetime(2025, 1, 5)),
    ],
)
def test_two_digit_years_and_month_names(written, dayfirst, expected):
    assert parsed([written], dayfirst) == [expected]


@pytest.mark.parametrize(
    "written, dayfirst",
    [
        ("2025-02-29", False), ("2025-02-30", False), ("2025-04-31", False),  # strptime rolls these into March and May
        ("2025-02-29 10:00:00", False), ("2025-02-29T10:00:00Z", False), ("2025/4/31 9:05", False),
        ("2/29/2025", False), ("2/30/25 15:29", False), ("4/31/2025 9:05 PM", False),
        ("29/02/2025", True), ("31/04/25", True), ("31.04.2025", False),
        ("29-Feb-25", False), ("31-Apr-2025 10:00", False), ("Feb 30, 2024", False), ("31 April 2025", False),
        ("2025年2月29日", False),
        ("2025-03-14 23:59:60", False), ("3/14/2025 11:59:61 PM", False),  # no 60th second either
        ("0018-09-08", False), ("9/8/0018", False), ("1899-12-31", False),  # before 1900: a misreading
        ("12/31/1899 23:59", False), (f"{datetime.now().year + 2}-01-01", False),  # more than a year ahead
        ("Smarch 5, 2025", False),
    ],
)
def test_impossible_and_out_of_range_dates_are_not_dates(written, dayfirst):
    assert parsed([written], dayfirst) == [None]


def test_the_pivot_puts_68_in_2068_which_the_window_then_refuses():
    assert parse_dates(pa.array(["1/2/68", "2-Jan-68"]), window=False).to_pylist() == [datetime(2068, 1, 2)] * 2
    assert parsed(["1/2/68"]) == [None]  # more than a year ahead


def test_leap_days_and_month_ends_that_exist_are_kept():
    assert parsed(["2024-02-29", "2/29/24", "29-Feb-2024", "2025-04-30", "Jan 31, 2025", "1900-01-01"]) == [
        datetime(2024, 2, 29), datetime(2024, 2, 29), datetime(2024, 2, 29), datetime(2025, 4, 30), datetime(2025, 1, 31), datetime(1900, 1, 1),
    ]


def test_typed_timestamps_outside_the_window_are_not_dates():
    times = pa.array([datetime(18, 9, 8), datetime(2025, 3, 14), None], pa.timestamp("s"))
    assert parse_dates(times).to_pylist() == [None, datetime(2025, 3, 14), None]


def test_bounds_are_any_real_date_but_not_an_impossible_one():
    assert parse_bound("1850-01-01") == datetime(1850, 1, 1)  # a range may start anywhere
    with pytest.raises(ValueError, match="is not a date"):
        parse_bound("2025-02-30")


def test_excel_serials_still_read():
    assert parsed(["45730", "45730.5"]) == [datetime(2025, 3, 14), datetime(2025, 3, 14, 12)]


def test_period_labels_pad_years_to_four_digits():
    assert [period_label(c, p) for c, p in [(180908, "day"), (1811, "week"), (1809, "month"), (183, "quarter"), (18, "year")]] == [
        "0018-09-08", "0018-W11", "0018-09", "0018-Q3", "0018",
    ]


# --- a property test: the vectorised cascade against Python's calendar -------------------------

def _render(shape: str, clock: str, y: int, m: int, d: int, hh: int, mm: int, ss: int) -> tuple[str, int]:
    """A date as an export writes it, and the year it means (two-digit years pivot at 69)."""
    yy = y % 100
    full, short = MONTHS[m - 1], MONTHS[m - 1][:3]
    day = {
        "iso": (f"{y:04d}-{m:02d}-{d:02d}", y),
        "iso_slash": (f"{y:04d}/{m}/{d}", y),
        "zh": (f"{y:04d}年{m}月{d}日", y),
        "us": (f"{m}/{d}/{y:04d}", y),
        "us_yy": (f"{m}/{d}/{yy:02d}", None),
        "uk": (f"{d:02d}/{m:02d}/{y:04d}", y),
        "uk_yy": (f"{d}/{m}/{yy:02d}", None),
        "dotted": (f"{d:02d}.{m:02d}.{y:04d}", y),
        "d_mon_yy": (f"{d}-{short}-{yy:02d}", None),
        "d_mon_yyyy": (f"{d:02d}-{short.upper()}-{y:04d}", y),
        "mon_d_yyyy": (f"{short} {d}, {y:04d}", y),
        "d_month_yyyy": (f"{d} {full} {y:04d}", y),
    }[shape]
    text, year = day
    if year is None:
        year = 2000 + yy if yy <= 68 else 1900 + yy
    twelve = f"{hh % 12 or 12}:{mm:02d}"
    clock_text = {"": "", "hm": f" {hh}:{mm:02d}", "hms": f" {hh:02d}:{mm:02d}:{ss:02d}",
                  "hm_p": f" {twelve} {'PM' if hh >= 12 else 'AM'}", "hms_p": f" {twelve}:{ss:02d} {'pm' if hh >= 12 else 'am'}"}[clock]
    return text + clock_text, year


def _expected(year: int, m: int, d: int, hh: int, mm: int, ss: int, clock: str):
    seconds = ss if clock in ("hms", "hms_p") else 0
    try:
        when = datetime(year, m, d, hh if clock else 0, mm if clock else 0, seconds)
    except ValueError:  # no such day (or second 60/61)
        return None
    return when if datetime(1900, 1, 1) <= when <= datetime.now() + timedelta(days=364) else None


NEUTRAL = ["iso", "iso_slash", "zh", "dotted", "d_mon_yy", "d_mon_yyyy", "mon_d_yyyy", "d_month_yyyy"]
cases = st.tuples(
    st.sampled_from(["", "hm", "hms", "hm_p", "hms_p"]),
    st.one_of(st.integers(1890, 2030), st.integers(1, 9999)),  # mostly near the window, sometimes anywhere
    st.integers(1, 12), st.integers(1, 31), st.integers(0, 23), st.integers(0, 59), st.integers(0, 61),
    st.integers(0, 100),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dayfirst=st.booleans(), rows=st.lists(cases, min_size=1, max_size=40), data=st.data())
def test_vectorised_parse_agrees_with_pythons_calendar(dayfirst, rows, data):
    shapes = NEUTRAL + (["uk", "uk_yy"] if dayfirst else ["us", "us_yy"])
    written, expected = [], []
    for clock, y, m, d, hh, mm, ss, noise in rows:
        shape = data.draw(st.sampled_from(shapes))
        text, year = _render(shape, clock, y, m, d, hh, mm, ss)
        if noise < 3:  # now and then a blank or a value that is no date
            text, want = ["", "n/a", f"{text}x"][noise], None
        else:
            want = _expected(year, m, d, hh, mm, ss, clock)
        written.append(text)
        expected.append(want)
    assert dict(zip(written, parsed(written, dayfirst))) == dict(zip(written, expected))


# --- end to end ------------------------------------------------------------------------------------

def test_excel_two_digit_us_dates_keep_every_row_in_their_year(write_csv):
    rows = [["Satisfaction", "Submitted"], ["5", "9/8/18 15:29"], ["4", "1/2/18 0:05"], ["2", "12/31/18 23:59"], ["3", "2/28/19 9:00"]]
    result = invoke(["score", str(write_csv(rows)), "--since", "2018-01-01", "--period", "year", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(r["period"], r["n"]) for r in doc["results"]] == [(None, 4), ("2018", 3), ("2019", 1)]
    assert (doc["inputs"][0]["outside_dates"], doc["inputs"][0]["date_invalid"]) == (0, 0)


def test_impossible_dates_are_counted_invalid_with_an_example(write_csv):
    rows = [["Satisfaction", "Date"], ["5", "2025-02-28"], ["4", "2025-02-29"], ["3", "2025-02-30"], ["2", "2025-04-31"], ["1", "2025-05-01"]]
    path = write_csv(rows)
    result = invoke(["score", str(path), "--period", "month", "--date-column", "Date", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(r["period"], r["n"]) for r in doc["results"]] == [(None, 5), ("2025-02", 1), ("2025-05", 1)]
    assert (doc["inputs"][0]["date_invalid"], doc["inputs"][0]["date_invalid_example"]) == (3, "2025-02-29")
    assert any("3 date(s) in 'Date' not understood (e.g. '2025-02-29')" in w for w in doc["warnings"])
    assert "3 date(s) in 'Date' not understood" in result.stderr
    strict = invoke(["score", str(path), "--period", "month", "--date-column", "Date", "--strict"])
    assert strict.exit_code == 2 and "3 unparseable date(s)" in strict.stderr and strict.stdout == ""


def test_typed_iso_dates_before_1900_are_invalid_not_blank(write_csv):
    rows = [["Satisfaction", "Date"], ["5", "0018-09-08"], ["4", "2025-03-14"], ["3", "2025-03-15"], ["2", ""]]  # read typed as timestamps
    result = invoke(["score", str(write_csv(rows)), "--period", "year", "--date-column", "Date", "-f", "json"])
    doc = json.loads(result.stdout)
    assert [(r["period"], r["n"]) for r in doc["results"]] == [(None, 4), ("2025", 2)]
    assert (doc["inputs"][0]["date_invalid"], doc["inputs"][0]["date_blank"]) == (1, 1)
