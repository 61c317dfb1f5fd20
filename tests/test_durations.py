"""Duration values and units: every written form by hand, blank/invalid accounting like survey
answers, units from headers, and doubts when the values contradict the unit."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.durations import (
    LONGEST,
    VALUE,
    DurationParser,
    DurationUnitUnknown,
    encode_durations,
    header_clock,
    header_unit,
    unit_doubts,
    unit_named,
)
from cxscore.normalize import BLANK, INVALID


@pytest.mark.parametrize(("text", "unit", "seconds", "form"), [
    ("90", "min", 5400, "number"),                 # Zendesk: whole minutes
    ("1.5", "h", 5400, "number"),
    ("1,234", "s", 1234, "number"),                # thousands separator
    ("+7", "s", 7, "number"),
    ("2500", "ms", 2.5, "number"),                 # Jira elapsedTime
    ("3", "d", 259200, "number"),
    ("0", None, 0, "number"),                      # zero needs no unit
    ("00:00:17", None, 17, "clock"),               # call-centre speed of answer
    ("0:02:23", None, 143, "clock"),               # talk time
    ("123:45:06", "h", 123 * 3600 + 45 * 60 + 6, "clock"),  # Freshdesk business hours beyond 24
    ("1:02:03.5", None, 3723.5, "clock"),
    ("12:30", None, 12 * 3600 + 30 * 60, "short clock"),   # H:MM
    ("2h 30m", None, 9000, "units"),
    ("2h30m", None, 9000, "units"),
    ("2H 30M", None, 9000, "units"),
    ("1d 4h", None, 100800, "units"),
    ("45s", None, 45, "units"),
    ("500ms", None, 0.5, "units"),
    ("3 days", None, 259200, "units"),
    ("30 minutes", "h", 1800, "units"),            # the value's own unit wins over the header's
    ("1 hour and 30 minutes", None, 5400, "units"),
    ("2 hours, 5 minutes", None, 7500, "units"),
    ("1.5h", None, 5400, "units"),
    ("1 day 3:04:05", None, 86400 + 3 * 3600 + 4 * 60 + 5, "units"),
    ("2 days 03:04:05", None, 2 * 86400 + 11045, "units"),  # pandas' timedelta text
    ("2w 3d", None, 17 * 86400, "units"),          # Jira, calendar days by default
    ("1mo", None, 28 * 86400, "units"),            # Jira's month: 4 weeks
    ("2小时30分", None, 9000, "units"),
    ("2小时30分钟", None, 9000, "units"),
    ("3分20秒", None, 200, "units"),               # 53KF, 七鱼
    ("1天2小时", None, 93600, "units"),
    ("2個小時", None, 7200, "units"),              # traditional characters
    ("ＰＴ２Ｈ", None, 7200, "iso"),                # full-width, as NFKC folds it
    ("PT2H30M", None, 9000, "iso"),
    ("PT0.5S", None, 0.5, "iso"),
    ("P1DT2H", None, 93600, "iso"),
    ("P2W", None, 14 * 86400, "iso"),
    ("PT1H30M15S", None, 5415, "iso"),
    ("-0", None, 0, "number"),                     # minus zero is zero
])
def test_forms_by_hand(text, unit, seconds, form):
    column = encode_durations(pa.array([text]), DurationParser(unit))
    assert column.seconds.tolist() == [pytest.approx(seconds, rel=1e-12)]
    assert column.slots.tolist() == [VALUE]
    assert column.form_counts() == Counter({form: 1})
    assert column.examples == {form: text}


@pytest.mark.parametrize("text", [
    "-5", "-00:05:00", "−2h", "-PT5M",   # negative durations (ASCII and Unicode minus)
    "garbage", "1:75", "1:30:75", "2h 2h", "1h 30", "2 months", "P1M", "P1Y", "PT", "P",
    "1e3", "1,5", "3:04:05 1 day", "2h 3:04:05",       # a clock only after days
    "1000000 days",                                     # longer than 100 years
])
def test_invalid_texts_are_counted_with_examples(text):
    column = encode_durations(pa.array([text, text, "1h"]), DurationParser("min"))
    assert column.slots.tolist() == [INVALID + 2, INVALID + 2, VALUE]
    assert np.isnan(column.seconds[:2]).all() and column.seconds[2] == 3600
    assert column.invalid_texts == Counter({text: 2})


def test_blanks_and_blank_values():
    column = encode_durations(pa.chunked_array([["", None, "  "], ["N/A", "-", "5"]]), DurationParser("s", blank_values=["n/a", "-"]))
    assert column.slots.tolist() == [BLANK + 2] * 5 + [VALUE]
    assert column.invalid_texts == Counter() and column.seconds[-1] == 5


def test_working_days_and_short_clock_options():
    jira = DurationParser(day_hours=8, week_days=5)  # Jira time tracking: 1d = 8h, 1w = 5d
    assert jira.parse("2w 3d") == ((2 * 5 + 3) * 8 * 3600.0, 4)
    assert jira.parse("1mo") == (4 * 5 * 8 * 3600.0, 4)
    assert jira.parse("P1D")[0] == 86400  # ISO days stay 24 h
    assert DurationParser(short_clock="m:ss").parse("12:30")[0] == 750
    with pytest.raises(ValueError, match="short_clock"):
        DurationParser(short_clock="mm")


def test_plain_numbers_need_a_unit():
    with pytest.raises(DurationUnitUnknown, match=r"'15' are plain numbers and no unit is known.*unit: minutes"):
        encode_durations(pa.array(["00:01:00", "15"]), DurationParser())
    with pytest.raises(DurationUnitUnknown, match="'7' are plain numbers"):
        encode_durations(pa.array([0, None, 7]), DurationParser())
    assert encode_durations(pa.array(["0", "1h"]), DurationParser()).seconds.tolist() == [0, 3600]


def test_unit_names():
    assert [unit_named(n) for n in ("minutes", "Hrs", "seconds", "ms", "days", "week")] == ["min", "h", "s", "ms", "d", "w"]
    with pytest.raises(ValueError, match="unknown duration unit 'fortnights'"):
        unit_named("fortnights")


def test_numeric_columns():
    column = encode_durations(pa.array([1, None, -3, 0, 2]), DurationParser("min"))
    assert column.slots.tolist() == [VALUE, BLANK + 2, INVALID + 2, VALUE, VALUE]
    assert column.seconds[[0, 3, 4]].tolist() == [60, 0, 120]
    assert column.invalid_texts == Counter({"-3": 1}) and column.examples == {"number": "0"}
    floats = encode_durations(pa.array([1.5, None, float("nan"), -0.25, 2e9]), DurationParser("h"))
    assert floats.slots.tolist() == [VALUE, BLANK + 2, BLANK + 2, INVALID + 2, INVALID + 2]  # NaN is an empty cell; 2e9 h > 100 years
    assert floats.seconds[0] == 5400 and floats.invalid_texts == Counter({"-0.25": 1, "2000000000": 1})


@given(st.lists(st.one_of(st.none(), st.integers(-50, 10**6)), max_size=60))
@settings(max_examples=60, deadline=None)
def test_numbers_read_as_numbers_equal_their_texts(values):
    typed = encode_durations(pa.array(values, pa.int64()), DurationParser("min"))
    texts = encode_durations(pa.array([None if v is None else str(v) for v in values], pa.string()), DurationParser("min"))
    assert typed.slots.tolist() == texts.slots.tolist()
    assert np.array_equal(typed.seconds, texts.seconds, equal_nan=True)
    assert typed.invalid_texts == texts.invalid_texts


@given(st.integers(0, 500), st.integers(0, 59), st.integers(0, 59))
@settings(max_examples=80, deadline=None)
def test_every_form_of_one_duration_agrees(h, m, s):
    expected = h * 3600.0 + m * 60.0 + s
    parser = DurationParser("s")
    forms = [f"{h}:{m:02d}:{s:02d}", f"{h}h {m}m {s}s", f"{h}h{m}m{s}s", f"PT{h}H{m}M{s}S", f"{h}小时{m}分{s}秒",
             f"{h} hours {m} minutes {s} seconds", f"{h // 24} days {h % 24}:{m:02d}:{s:02d}", str(int(expected))]
    for text in forms:
        assert parser.parse(text)[0] == expected, text
        assert parser.parse("-" + text)[1] == (INVALID if expected else parser.parse(text)[1]), text  # negatives invalid, −0 is 0


@given(st.lists(st.sampled_from(["1:00:00", "2h", "PT5M", "3分", "90", "", None, "x", "-1", "0", "12:30", "n/a"]), min_size=1, max_size=80), st.data())
@settings(max_examples=60, deadline=None)
def test_column_equals_value_by_value_in_any_chunking(texts, data):
    parser = DurationParser("min", blank_values=["n/a"])
    cuts = sorted(data.draw(st.sets(st.integers(1, len(texts)), max_size=4)))
    bounds = [0, *cuts, len(texts)]
    column = encode_durations(pa.chunked_array([texts[a:b] for a, b in zip(bounds, bounds[1:]) if a < b], pa.string()), parser)
    one_by_one = [parser.parse(t) for t in texts]
    assert column.slots.tolist() == [VALUE if f > 0 else f + 2 for _, f in one_by_one]
    assert np.array_equal(column.seconds, [s for s, _ in one_by_one], equal_nan=True)
    assert column.invalid_texts == Counter(t for t, (_, f) in zip(texts, one_by_one) if f == INVALID)


@pytest.mark.parametrize(("header", "unit", "phrase"), [
    ("First reply time in minutes", "min", "minutes"),                          # Zendesk
    ("First reply time in minutes within business hours", "min", "minutes"),    # not hours
    ("Full resolution time in minutes within business hours", "min", "minutes"),
    ("First response time (in hrs)", "h", "in hrs"),                           # Freshdesk
    ("Resolution time (business hours)", "h", "hours"),
    ("Speed of answer in seconds", "s", "in seconds"),
    ("ElapsedTimeInMins", "min", "in mins"),                                   # Salesforce CaseMilestone
    ("ElapsedTimeInHrs", "h", "in hrs"),
    ("elapsedTime (ms)", "ms", "ms"),                                          # Jira completeSLAData
    ("duration_ms", "ms", "ms"),
    ("Handle time (s)", "s", "(s)"),
    ("平均排队时长(秒)", "s", "秒"),
    ("首次响应时长（秒）", "s", "秒"),
    ("响应时间（分钟）", "min", "分钟"),
    ("处理时长(小时)", "h", "小时"),
    ("耗时(毫秒)", "ms", "毫秒"),
    ("Days open", "d", "days"),
])
def test_header_units(header, unit, phrase):
    assert header_unit(header) == (unit, f"the header {header!r} says {phrase!r}")


@pytest.mark.parametrize("header", [
    "Resolution time",                 # Zendesk's hours column names no unit: the layout must say it
    "time_to_admin_reply",             # Intercom: seconds by documentation, not by header
    "Min handle time", "Second reply time", "Agent(s)",  # minimum, ordinal, plural marker
    "Time (hours:minutes)",            # two units named
    "首响20秒应答率", "Service level (% answered within 20 seconds)",  # rates, not durations
    "首次响应时长",
])
def test_headers_without_a_unit(header):
    assert header_unit(header) is None


def test_freshdesk_hours_written_as_clock_raise_no_doubt():
    column = encode_durations(pa.array(["01:30:00", "", "26:00:05", "2"]), DurationParser("h"))
    assert unit_doubts(column, "h", "the header 'First response time (in hrs)' says 'in hrs'") == []


def test_clock_values_under_minutes_are_a_doubt():
    column = encode_durations(pa.array(["01:30:00", "12:30", "5", "2h"]), DurationParser("min"))
    said = "the header 'Wait time in minutes' says 'minutes'"
    assert unit_doubts(column, "min", said) == [
        f"{said}, but values such as '12:30' are read as hours:minutes (12 h 30 min); if they are minutes:seconds, say so (short clock m:ss)",
        f"{said}, but values carry their own units (1 as clock times like '01:30:00', 1 with unit words like '2h'): "
        "they are read as written and minutes apply to plain numbers only; check the column and its unit",
    ]


def test_two_field_clocks_are_a_doubt_unless_stated():
    talk = encode_durations(pa.array(["2:23", "0:45", "0:02:23"]), DurationParser())  # a call log's talk time
    assert unit_doubts(talk) == ["values such as '0:45' are read as hours:minutes (0 h 45 min); if they are minutes:seconds, say so (short clock m:ss)"]
    assert unit_doubts(talk, short_clock_stated=True) == []
    assert unit_doubts(talk, "h", "the config says hours") == []  # hours:minutes is what hours means
    stated = header_clock("Talk time (mm:ss)")
    assert stated == ("m:ss", "the header 'Talk time (mm:ss)' says 'mm:ss'")
    read = encode_durations(pa.array(["2:23", "0:45"]), DurationParser(short_clock=stated[0]))
    assert read.seconds.tolist() == [143, 45]


@pytest.mark.parametrize(("header", "expected"), [
    ("Talk time (mm:ss)", "m:ss"), ("Hold (m:ss)", "m:ss"), ("通话时长(分:秒)", "m:ss"),
    ("Wait (hh:mm)", "h:mm"), ("排队时长(时:分)", "h:mm"),
    ("Talk time (hh:mm:ss)", None), ("Talk time", None),
])
def test_header_clock(header, expected):
    found = header_clock(header)
    assert (found[0] if found else None) == expected


def test_implausible_magnitudes_are_a_doubt():
    said = "the header 'First reply time in minutes' says 'minutes'"
    huge = encode_durations(pa.array([5, 30, 10**7]), DurationParser("min"))  # 10⁷ minutes = 19 years
    assert unit_doubts(huge, "min", said) == [f"{said}, but its numbers reach 10,000,000 minutes (= 19.0 years): check the unit (seconds? milliseconds?)"]
    slow = encode_durations(pa.array([60 * 24 * 40] * 3), DurationParser("min"))  # median 40 days
    assert unit_doubts(slow, "min", said) == [f"{said}, but its median is 57,600 minutes (= 40 days): check the unit (seconds? minutes?)"]
    fine = encode_durations(pa.array([5, 478, 1852, 60 * 24 * 200]), DurationParser("min"))  # one long ticket is no doubt
    assert unit_doubts(fine, "min", said) == []
    assert unit_doubts(fine) == []


def test_longest_is_a_century():
    assert LONGEST == pytest.approx(100 * 365.25 * 86400)
    assert DurationParser("d").parse(str(36524))[1] > 0 and DurationParser("d").parse(str(36525 + 1))[1] == INVALID
    assert math.isnan(DurationParser("d").parse("36600")[0])
