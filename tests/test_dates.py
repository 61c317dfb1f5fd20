"""Dates as exports write them: every accepted format, two-digit years, impossible and out-of-range
dates, checked against Python's own calendar (datetime) on random dates."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxscore.dates import choose_order, parse_bound, parse_dates, period_label, read_dates
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
        ("2025-03", False, datetime(2025, 3, 1)),  # a month alone, as per-month reports label rows: its first day
        ("2025/3", True, datetime(2025, 3, 1)),
        ("2025年3月", False, datetime(2025, 3, 1)),
        ("Apr 2024", False, datetime(2024, 4, 1)),
        ("april 2024", True, datetime(2024, 4, 1)),
        ("Sept-2024", False, datetime(2024, 9, 1)),
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
        ("2025-13", False), ("2025-00", False), ("Mar 25", False),  # no month 13; March 25 has no year
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


@pytest.mark.parametrize(
    "written, end, dayfirst, expected",
    [
        ("13/4/2025", False, None, datetime(2025, 4, 13)),  # the values show the order
        ("4/13/25", False, None, datetime(2025, 4, 13)),
        ("3/4/2025", False, True, datetime(2025, 4, 3)),  # stated
        ("3/4/2025", False, False, datetime(2025, 3, 4)),
        ("Jan 5, 2025", True, None, datetime(2025, 1, 5, 23, 59, 59, 999999)),  # a bare --until date includes its day
        ("5-Jan-25 10:00", True, None, datetime(2025, 1, 5, 10)),
    ],
)
def test_bounds_follow_the_stated_or_shown_order(written, end, dayfirst, expected):
    assert parse_bound(written, end, dayfirst) == expected


def test_a_bound_whose_order_is_in_doubt_is_refused(write_csv):
    with pytest.raises(ValueError, match="could be day or month first"):
        parse_bound("3/4/2025")
    path = write_csv([["Satisfaction", "Date"], ["5", "2025-03-10"], ["4", "2025-04-10"]])
    result = invoke(["score", str(path), "--since", "3/4/2025"])
    assert result.exit_code == 2 and "'3/4/2025' could be day or month first" in result.stderr and result.stdout == ""
    doc = json.loads(invoke(["score", str(path), "--since", "3/4/2025", "--dayfirst", "-f", "json"]).stdout)
    assert (doc["results"][0]["n"], doc["inputs"][0]["outside_dates"]) == (1, 1)  # since 3 April


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
    named = {"full": full, "short": short, "upper": short.upper()}[("full", "short", "upper")[(y + d) % 3]]
    day = {
        "iso": (f"{y:04d}-{m:02d}-{d:02d}", y),
        "iso_slash": (f"{y:04d}/{m}/{d}", y),
        "zh": (f"{y:04d}年{m}月{d}日", y),
        "us": (f"{m}/{d}/{y:04d}", y),
        "us_yy": (f"{m}/{d}/{yy:02d}", None),
        "uk": (f"{d:02d}/{m:02d}/{y:04d}", y),
        "uk_yy": (f"{d}/{m}/{yy:02d}", None),
        "dotted": (f"{d:02d}.{m:02d}.{y:04d}", y),
        "dotted_yy": (f"{d}.{m}.{yy:02d}", None),
        "d_mon_yy": (f"{d}-{short}-{yy:02d}", None),
        "d_mon_yyyy": (f"{d:02d}-{named}-{y:04d}", y),
        "mon_d_yyyy": (f"{named} {d}, {y:04d}", y),
        "mon_d_yyyy_no_comma": (f"{named} {d} {y:04d}", y),
        "d_month_yyyy": (f"{d} {named} {y:04d}", y),
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
    return when if datetime(1900, 1, 1) <= when <= datetime.now() + timedelta(days=365) else None  # dates.py: up to a year (365 days) ahead


NEUTRAL = ["iso", "iso_slash", "zh", "dotted", "dotted_yy", "d_mon_yy", "d_mon_yyyy", "mon_d_yyyy", "mon_d_yyyy_no_comma", "d_month_yyyy"]
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


def test_an_impossible_date_past_the_typed_sample_is_invalid_not_rolled(write_csv):
    rows = [["Satisfaction", "Date"], *[[str(1 + k % 5), f"2025-01-{1 + k % 28:02d}"] for k in range(2_100)], ["3", "2025-02-30"]]
    doc = json.loads(invoke(["score", str(write_csv(rows)), "--period", "month", "-f", "json"]).stdout)
    assert [(r["period"], r["n"]) for r in doc["results"]] == [(None, 2_101), ("2025-01", 2_100)]
    assert (doc["inputs"][0]["date_invalid"], doc["inputs"][0]["date_invalid_example"]) == (1, "2025-02-30")


# --- day/month order ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "values, stated, dayfirst, note",
    [
        (["1/2/2025", "13/08/2018"], None, True, "read day first, as '13/08/2018' shows"),
        (["1/2/2025", "12/31/2018 9:05"], None, False, "read month first, as '12/31/2018 9:05' shows"),
        (["1/2/2025", "12/3/18"], None, False, "read month first (US), a guess: no sampled date has a day over 12"),
        (["2025-01-02", "5 Jan 2024", "14.03.2025"], None, False, None),  # no date whose order is in doubt
        (["1/2/2025"], True, True, None),  # stated: no note
        (["13/08/2018"], False, False, None),
    ],
)
def test_the_order_is_stated_or_shown_by_the_values(values, stated, dayfirst, note):
    assert choose_order(values, stated)[::2] == (dayfirst, note)


def test_a_read_counts_how_its_numeric_dates_fit_the_order():
    read = read_dates(pa.array(["3/4/2025", "3/25/2025", "25/3/2025", "2025-03-25", "garbage", ""]), dayfirst=False)
    assert (read.numeric, read.proven) == (2, 1)  # 3/25 proves month first; the ISO date is no evidence
    assert read.other_order.tolist() == [False, False, True, False, False, False]
    assert read_dates(pa.array(["25/3/2025", "3/4/2025"]), dayfirst=None).times.to_pylist() == [datetime(2025, 3, 25), datetime(2025, 4, 3)]


def _dates_file(write_csv, dates: list[str], name: str = "export.csv"):
    return write_csv([["Satisfaction", "Submitted"], *[[str(1 + k % 5), d] for k, d in enumerate(dates)]], name=name)


def test_an_ambiguous_column_says_which_order_was_assumed(write_csv):
    path = _dates_file(write_csv, ["3/4/2025", "5/6/2025 10:00", "12/1/25"])
    result = invoke(["score", str(path), "--period", "month", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [r["period"] for r in doc["results"] if r["period"]] == ["2025-03", "2025-05", "2025-12"]
    assert (doc["inputs"][0]["date_order"], doc["inputs"][0]["date_order_basis"]) == ("month-first", "assumed")
    message = "every date in 'Submitted' fits both day/month orders (no day is over 12), so they were read month first"
    assert any(message in w for w in doc["warnings"]) and message in result.stderr
    assert "a guess" in result.stderr  # the note when the column was chosen
    strict = invoke(["score", str(path), "--period", "month", "--strict"])
    assert strict.exit_code == 2 and message in strict.stderr and "--dayfirst or --monthfirst" in strict.stderr and strict.stdout == ""
    for flag, periods in (("--monthfirst", ["2025-03", "2025-05", "2025-12"]), ("--dayfirst", ["2025-01", "2025-04", "2025-06"])):
        stated = invoke(["score", str(path), "--period", "month", flag, "--strict", "-f", "json"])
        assert stated.exit_code == 0, stated.stderr
        doc = json.loads(stated.stdout)
        assert [r["period"] for r in doc["results"] if r["period"]] == periods
        assert doc["inputs"][0]["date_order_basis"] == "given" and not doc["warnings"]


def test_day_first_values_are_read_day_first_without_a_flag(write_csv):
    path = _dates_file(write_csv, ["3/4/2018", "13/08/2018 15:29", "31/12/18"])
    result = invoke(["score", str(path), "--period", "month", "--strict", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [r["period"] for r in doc["results"] if r["period"]] == ["2018-04", "2018-08", "2018-12"]
    assert (doc["inputs"][0]["date_order"], doc["inputs"][0]["date_order_basis"], doc["inputs"][0]["date_invalid"]) == ("day-first", "values", 0)
    assert "read day first, as '13/08/2018 15:29' shows" in result.stderr and not doc["warnings"]


def test_dates_that_contradict_the_order_are_invalid_and_named(write_csv):
    path = _dates_file(write_csv, ["12/31/2024", "1/15/2025", "13/08/2025", "2/30/2025"])  # month first, one day-first date, one impossible
    result = invoke(["score", str(path), "--period", "year", "--date-column", "Submitted", "-f", "json"])
    doc = json.loads(result.stdout)
    info = doc["inputs"][0]
    assert (info["date_order"], info["date_order_basis"], info["date_invalid"], info["date_other_order"]) == ("month-first", "values", 2, 1)
    assert info["date_invalid_example"] == "2/30/2025"  # the example is one no order reads
    assert any("1 date(s) in 'Submitted' fit only day first" in w and "pass --dayfirst" in w for w in doc["warnings"])
    assert any("1 date(s) in 'Submitted' not understood (e.g. '2/30/2025')" in w for w in doc["warnings"])
    assert not any("fits both day/month orders" in w for w in doc["warnings"])
    stated = json.loads(invoke(["score", str(path), "--period", "year", "--date-column", "Submitted", "--dayfirst", "-f", "json"]).stdout)["inputs"][0]
    assert (stated["date_order_basis"], stated["date_invalid"], stated["date_other_order"]) == ("given", 3, 2)


def test_the_whole_column_decides_whether_the_order_was_a_guess(write_csv):
    sampled = ["3/4/2025"] * 2_100  # more than the sample the order is chosen from
    proven = invoke(["score", str(_dates_file(write_csv, [*sampled, "3/25/2025"])), "--period", "year", "--strict", "-f", "json"])
    assert proven.exit_code == 0, proven.stderr  # a day over 12 further on proves month first: no doubt
    assert json.loads(proven.stdout)["inputs"][0]["date_order_basis"] == "values"
    contrary = json.loads(invoke(["score", str(_dates_file(write_csv, [*sampled, "25/3/2025"])), "--period", "year", "-f", "json"]).stdout)
    assert (contrary["inputs"][0]["date_other_order"], contrary["inputs"][0]["date_order_basis"]) == (1, "assumed")
    assert any("fit only day first" in w for w in contrary["warnings"]) and not any("fits both" in w for w in contrary["warnings"])


def test_each_file_is_read_in_its_own_order(write_csv):
    us = _dates_file(write_csv, ["12/31/2024", "1/2/2025"], name="us.csv")
    uk = _dates_file(write_csv, ["31/12/2024", "1/2/2025"], name="uk.csv")
    for order in ([us, uk], [uk, us]):
        doc = json.loads(invoke(["score", *map(str, order), "--period", "month", "--by", "file", "-f", "json"]).stdout)
        periods = {(r["segment"].get("file"), r["period"]) for r in doc["results"] if r["period"] and r["segment"]}
        assert periods == {("us.csv", "2024-12"), ("us.csv", "2025-01"), ("uk.csv", "2024-12"), ("uk.csv", "2025-02")}
        assert {Path(i["path"]).name: i["date_order"] for i in doc["inputs"]} == {"us.csv": "month-first", "uk.csv": "day-first"}


@pytest.mark.parametrize(
    "dates, plan, line",
    [
        (["3/4/2018", "13/08/2018"], ("day-first", "values"), "dayfirst: true   # read day first, as '13/08/2018' shows"),
        (["3/4/2018", "12/31/2018"], ("month-first", "values"), "dayfirst: false   # read month first, as '12/31/2018' shows"),
        (["3/4/2018", "5/6/2018"], ("month-first", "assumed"), "# dayfirst: false   # no sampled date has a day over 12"),
        (["2018-04-03", "2018-08-13"], (None, None), None),
    ],
)
def test_inspect_says_the_order_and_the_starter_config_keeps_it(tmp_path, write_csv, dates, plan, line):
    path = _dates_file(write_csv, dates)
    result = invoke(["inspect", str(path), "-f", "json"])
    doc = json.loads(result.stdout)
    assert (doc["plan"]["date_order"], doc["plan"]["date_order_basis"]) == plan
    written = invoke(["inspect", str(path), "--write-config", str(tmp_path / "c.yaml")])
    assert written.exit_code == 0, written.stderr
    config = (tmp_path / "c.yaml").read_text(encoding="utf-8")
    assert (line in config) if line else ("dayfirst" not in config)
    scored = invoke(["score", str(path), "--config", str(tmp_path / "c.yaml"), "--period", "year", "-f", "json"])
    assert scored.exit_code == 0, scored.stderr  # the starter config is valid and reads the dates
    assert json.loads(scored.stdout)["inputs"][0]["date_invalid"] == 0


# --- placeholders: "no date" written as a date ---------------------------------------------------


@pytest.mark.parametrize(
    "written, placeholder",
    [
        ("1900-01-01 00:00:00", True), ("1900-01-01", True), ("1900/1/1", True), ("1900-01-01T08:00:00+08:00", True),
        ("0001-01-01", True), ("0001-01-01T00:00:00Z", True), ("0000-00-00 00:00:00", True), ("1899-12-30", True),
        ("1899-12-31 23:00", True), ("9999-12-31", True), ("1970-01-01 00:00:00", True), ("0", True),
        ("1970-01-01 10:00:00", False), ("1900-01-02", False), ("2025-01-01", False), ("", False), (None, False), ("soon", False),
    ],
)
def test_placeholder_dates_are_found_as_written_and_read(written, placeholder):
    from cxscore.dates import placeholders

    values = pa.array([written, "2025-03-14 09:00:00"], pa.string())
    assert placeholders(values, read_dates(values).times).tolist() == [placeholder, False]


def test_typed_placeholder_timestamps_are_found_before_the_window():
    from cxscore.dates import placeholders

    typed = pa.array([datetime(1900, 1, 1), datetime(1, 1, 1), datetime(2025, 3, 14), None], pa.timestamp("s"))
    assert placeholders(typed, read_dates(typed).times).tolist() == [True, True, False, False]


@pytest.mark.parametrize("typed", [True, False])
def test_placeholder_dates_in_the_period_column_are_blank_counted_and_said(write_csv, typed):
    dates = ["2025-03-14 09:00:00", "1900-01-01 00:00:00", "2025-04-01 10:00:00", "1900-01-01 00:00:00", "", "2025-02-30 10:00:00"]
    if not typed:  # mixed formats: read by the cascade, not typed
        dates[0] = "3/14/2025 9:00"
    rows = [["Satisfaction", "Solved at"], *[[str(1 + k % 5), d] for k, d in enumerate(dates)]]
    path = write_csv(rows)
    result = invoke(["score", str(path), "--period", "month", "--date-column", "Solved at", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(r["period"], r["n"]) for r in doc["results"]] == [(None, 6), ("2025-03", 1), ("2025-04", 1)]  # no period 1900-01
    info = doc["inputs"][0]
    assert (info["date_blank"], info["date_placeholders"], info["date_invalid"]) == (3, 2, 1)
    said = "2 placeholder date(s) in 'Solved at' (such as 1900-01-01, which exports write for 'no date') read as blank; those rows are in no period"
    assert any(said in w for w in doc["warnings"]) and said in result.stderr
    clean = json.loads(invoke(["score", str(write_csv(rows[:2] + rows[3:4])), "--period", "month", "--date-column", "Solved at", "-f", "json"]).stdout)
    assert "date_placeholders" not in clean["inputs"][0]  # in the JSON only when some were found


def test_a_per_month_report_is_dated_by_its_month_column(write_csv):
    """A public per-month call-centre report (San Francisco HSS: Month, Inbound Calls, …, 'Apr 2024')
    had no date: the Month column was not looked at and 'Apr 2024' was not understood, so --period
    and --date-column Month put every row in no period."""
    rows = [["Month", "Inbound Calls", "Abandoned Calls"]]
    rows += [[f"{m} {y}", "1000", str(10 * i)] for i, (y, m) in enumerate([(2023, "Nov"), (2023, "Dec"), (2024, "Jan"), (2024, "Feb")], 1)]
    path = write_csv(rows)
    config = path.parent / "calls.yaml"
    config.write_text("metrics:\n  - name: abandoned\n    type: ratio\n    numerator: Abandoned Calls\n    denominator: Inbound Calls\n", encoding="utf-8")
    result = invoke(["score", str(path), "-c", str(config), "--period", "year", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "dates: column 'Month' (detected: header 'Month' holds dates)" in result.stderr
    doc = json.loads(result.stdout)
    by_year = {r["period"]: (r["n"], r["value"]) for r in doc["results"] if r.get("period")}
    assert by_year == {"2023": (2000, pytest.approx(1.5)), "2024": (2000, pytest.approx(3.5))}
    assert doc["inputs"][0]["date_invalid"] == 0
    # a Date column beside it still wins, as before Month was looked at (no tie to ask about)
    dated = write_csv([[*rows[0], "Date"]] + [[*r, f"2024-0{i}-15"] for i, r in enumerate(rows[1:], 1)], "dated.csv")
    result = invoke(["score", str(dated), "-c", str(config), "--period", "year", "-f", "json"])
    assert result.exit_code == 0 and "dates: column 'Date'" in result.stderr


@pytest.mark.parametrize("written, since, until", [
    ("2025-03", datetime(2025, 3, 1), datetime(2025, 3, 31, 23, 59, 59, 999999)),
    ("Feb 2024", datetime(2024, 2, 1), datetime(2024, 2, 29, 23, 59, 59, 999999)),
    ("2024年12月", datetime(2024, 12, 1), datetime(2024, 12, 31, 23, 59, 59, 999999)),
])
def test_a_month_alone_bounds_the_whole_month(written, since, until):
    """Since a month alone reads as a date (its first day), '--until 2025-03' was taken as 1 March only."""
    assert parse_bound(written) == since and parse_bound(written, end=True) == until


def test_a_configs_blank_values_are_blank_dates_and_the_example_is_the_most_common(tmp_path, write_csv):
    """A makers' survey redacts some dates as *redacted*; its config lists that as a blank value, so
    those dates are blank (not 'not understood'), and the example named is the most common unreadable
    date, not the first one met."""
    column = "Date you accepted this job offer"
    dates = ["*redacted*", "2019-03-01", "sometime", "*redacted*", "2020-05-02", "no idea", "no idea", "*redacted*", "2021-07-03", "no idea"]
    rows = [["Satisfaction", column], *[[str(1 + k % 5), d] for k, d in enumerate(dates)]]
    config = tmp_path / "cfg.yaml"
    config.write_text("blank_values: ['*redacted*', n/a]\n", encoding="utf-8")
    result = invoke(["score", str(write_csv(rows)), "-c", str(config), "--period", "year", "--date-column", column, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)["inputs"][0]
    assert (info["date_blank"], info["date_invalid"], info["date_invalid_example"]) == (3, 4, "no idea")
    assert "date_invalid_texts" not in info
    assert "4 date(s) in 'Date you accepted this job offer' not understood (e.g. 'no idea')" in result.stderr
    plain = invoke(["score", str(write_csv(rows)), "--period", "year", "--date-column", column, "-f", "json"])  # without the config
    assert json.loads(plain.stdout)["inputs"][0]["date_invalid"] == 7
