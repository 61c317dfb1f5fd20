"""Typed reads (integers, timestamps, segment dictionaries parsed by the CSV reader) give exactly
the results of reading text; a value that does not fit sends the part back to text."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxscore.dates as dates
import cxscore.grouping as grouping
import cxscore.pipeline as pipeline
from cxscore import score
from cxscore.column_types import SCORE, SEGMENT, TIME, WHOLE, read_types
from cxscore.errors import InputError
from cxscore.config import DEFAULT_BLANK_VALUES, MetricSpec, validate_config
from cxscore.filters import Condition
from cxscore.grouping import Grouper, GroupKey, Grouping, dense_index
from cxscore.model import InputInfo
from cxscore.normalize import BLANK, INVALID, AnswerParser, encode
from cxscore.pipeline import Options
from conftest import csv_text
from test_pipeline import values

HEADER = ["id", "when", "channel", "Recommend (0-10)", "Satisfaction (1-5)", "w"]
CONFIG = validate_config({
    "metrics": [{"type": "nps", "column": "Recommend (0-10)"}, {"type": "csat", "column": "Satisfaction (1-5)"}],
    "date_column": "when",
})
BREAKDOWN = Options(by=["channel"], period="week", weight="w")
#: Blank answers that are no integers (the default blank values): read as nulls of an integer column.
BLANK_TEXTS = ["N/A", "n/a", "-"]


def parser(blank_values=DEFAULT_BLANK_VALUES, **spec) -> AnswerParser:
    return AnswerParser(MetricSpec(column="q", **spec), blank_values)


def reading(patch, text: bool = False) -> list:
    """Make runs read typed where cxscore chooses to or, with ``text``, all as text; the types each input got."""
    chosen = []

    def choose(*args):
        chosen.append({} if text else read_types(*args))
        return chosen[-1]

    patch.setattr(pipeline, "read_types", choose)
    return chosen


def both_ways(patch, paths, config, options, **reading_options):
    """The report read typed, the report read as text, and the types the typed run chose."""
    chosen = reading(patch)
    typed = score([str(p) for p in paths], config, options, **reading_options)
    reading(patch, text=True)
    return typed, score([str(p) for p in paths], config, options, **reading_options), chosen


row = st.tuples(
    st.one_of(st.none(), st.datetimes(min_value=datetime(1999, 12, 20), max_value=datetime(2031, 1, 5)).map(lambda d: d.replace(microsecond=0))),
    st.sampled_from(["Phone", " Phone", "Chat", "", "Web  form", "Web form"]),
    st.one_of(st.just(""), st.integers(-3, 12).map(str), st.integers(0, 10).map(lambda n: f"0{n}"), st.sampled_from(BLANK_TEXTS)),
    st.one_of(st.just(""), st.integers(0, 6).map(str)),
    st.sampled_from(["1", "2", "0.5", "", "x"]),
)


@given(rows=st.lists(row, min_size=1, max_size=60))
@settings(max_examples=40, deadline=None)
def test_typed_and_text_reads_agree(tmp_path_factory, monkeypatch_module, rows):
    path = tmp_path_factory.mktemp("t") / "export.csv"
    body = [[str(i), when.isoformat(sep=" ") if when else "", *rest] for i, (when, *rest) in enumerate(rows)]
    path.write_text(csv_text([HEADER, *body]), encoding="utf-8")
    for options in (Options(), BREAKDOWN, Options(by=["channel"], period="day"), Options(by=["channel"], period="month", where=["channel=Chat"], since="2005-01-01")):
        try:
            typed, text, chosen = both_ways(monkeypatch_module, [path], CONFIG, options)
        except InputError as typed_error:  # nothing to score: the text read must say the same
            reading(monkeypatch_module, text=True)
            with pytest.raises(InputError) as text_error:
                score([str(path)], CONFIG, options)
            assert str(text_error.value) == str(typed_error)
            continue
        assert values(typed) == values(text)
        assert [q.__dict__ for q in typed.quality] == [q.__dict__ for q in text.quality]
        assert typed.inputs[0].__dict__ == text.inputs[0].__dict__
        blank_texts = {r[2] for r in rows} & set(BLANK_TEXTS)
        dated = TIME in chosen[0].values()  # a date read typed could take "N/A" as null: the answers stay text
        assert chosen[0].get("Recommend (0-10)") == (None if blank_texts and dated else SCORE)  # the typed run did read typed
        assert set(chosen[0].nulls) == (set() if dated else blank_texts)
        if options.by:
            assert chosen[0].get("channel") == (None if options.where else SEGMENT)  # filtered on too: text


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def late_misfits(tmp_path, rows=3000):
    """Clean integers and ISO dates in the first 2,000 rows (the sample), misfits after them."""
    start = datetime(2025, 1, 1)
    body = [[str(i), (start + timedelta(hours=7 * i)).isoformat(sep=" "), ["Phone", "Chat"][i % 2], str(i % 11), str(i % 5 + 1), "1"] for i in range(rows)]
    body[2500][3] = "abc"
    body[2600][1] = "2025-12-01T10:00:00Z"
    body[2700][4] = "4.0"
    path = tmp_path / "late.csv"
    path.write_text(csv_text([HEADER, *body]), encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_late_misfit_is_read_again_as_text(tmp_path, monkeypatch, workers):
    path = late_misfits(tmp_path)
    typed, text, chosen = both_ways(monkeypatch, [path], None, Options(by=["channel"], period="month", date_column="when"), processes=int(workers), part_bytes=50_000)
    assert chosen[0] == {"Recommend (0-10)": SCORE, "Satisfaction (1-5)": SCORE, "when": TIME, "channel": SEGMENT}
    assert values(typed) == values(text)
    nps = next(q for q in typed.quality if q.metric == "nps")
    assert (nps.invalid, nps.invalid_examples) == (1, {"abc": 1})
    assert next(q for q in typed.quality if q.metric == "csat").invalid == 0  # 4.0 is 4
    assert typed.inputs[0].date_invalid == 0  # the zone suffix is dropped, as in every text read
    assert typed.inputs[0].rows == 3000


def test_integer_blank_values_match_by_value():
    """A blank value that is an integer (cxscore drivers' "0" on a 1–5 scale) is blank however the
    integer is written, so an integer's code depends on its value and the column may be read as integers."""
    rating = parser([*DEFAULT_BLANK_VALUES, "0"], type="csat", scale=(1, 5))
    assert [rating.code(t) for t in ["0", "00", "-0", "+0", " 0 ", "5", "05", "6", "0.0"]] == [BLANK] * 5 + [4, 4, INVALID, INVALID]
    assert rating.plain_integers and not parser(["0.5"], type="csat").plain_integers
    typed = encode(pa.array([0, 5, None, 3], pa.int16()), rating)
    assert typed.codes.tolist() == encode(pa.array(["00", "5", "N/A", "3"]), rating).codes.tolist() == [BLANK, 4, BLANK, 2]


def test_blank_texts_read_as_nulls_of_an_integer_column():
    columns = ["when", "channel", "nps", "csat"]
    sample = [["2025-01-02 10:00:00", "Phone", "9", "N/A"], ["", "Chat", "n/a", "0"], ["", "Web", "7", "4"]]
    rating = parser([*DEFAULT_BLANK_VALUES, "0"], type="csat", scale=(1, 5))
    metrics = [("nps", parser(type="nps")), ("csat", rating)]
    types = read_types(columns, sample, metrics, grouper_for(columns, by=["channel"]))
    assert types == {"nps": SCORE, "csat": SCORE, "channel": SEGMENT} and types.nulls == ("N/A", "n/a")
    dated = read_types(columns, sample, metrics, grouper_for(columns, period="month", date_column="when"))
    assert dated == {"when": TIME} and dated.nulls == ()  # a date's "N/A" is invalid, not blank: answers as text
    commented = read_types(columns, sample, metrics, grouper_for(columns), {"when": TIME})  # the comments' own date
    assert commented == {"when": TIME} and commented.nulls == ()
    strict = [("nps", parser([], type="nps")), ("csat", rating)]  # "N/A" would be invalid for this nps, read typed too: csat as text
    integers = [[*row[:2], str(k), row[3]] for k, row in enumerate(sample)]
    assert read_types(columns, integers, strict, grouper_for(columns)) == {"nps": SCORE}
    other = [["", "", "9", "x"]]
    assert read_types(columns, other, metrics, grouper_for(columns)) == {"nps": SCORE}


def test_integer_codes_by_hand():
    nps = parser(type="nps")
    encoded = encode(pa.array([0, 6, 9, 10, 11, -3, None, 9], pa.int16()), nps)
    assert encoded.codes.tolist() == [0, 6, 9, 10, INVALID, INVALID, BLANK, 9]
    assert dict(encoded.invalid_texts) == {"11": 1, "-3": 1}
    shifted = parser(type="nps", offset=-1)  # 问卷星 positions 1–11 for 0–10
    assert encode(pa.array([1, 11, 12], pa.int16()), shifted).codes.tolist() == [0, 10, INVALID]
    assert encode(pa.array([], pa.int16()), nps).codes.tolist() == []
    assert encode(pa.array([None, None], pa.int16()), nps).codes.tolist() == [BLANK, BLANK]
    wide = encode(pa.array([7, 10**12, None], pa.int64()), nps)  # no table of 10¹² entries
    assert wide.codes.tolist() == [7, INVALID, BLANK] and dict(wide.invalid_texts) == {str(10**12): 1}


@given(numbers=st.lists(st.one_of(st.none(), st.integers(-40, 40)), max_size=50), kind=st.sampled_from(["nps", "csat", "ces"]), offset=st.sampled_from([0, -1, 2]))
def test_integers_code_as_their_texts(numbers, kind, offset):
    answers = parser(type=kind, offset=offset)
    typed = encode(pa.array(numbers, pa.int16()), answers)
    text = encode(pa.array([None if n is None else str(n) for n in numbers], pa.string()), answers)
    assert typed.codes.tolist() == text.codes.tolist()
    assert typed.invalid_texts == text.invalid_texts


def grouper_for(columns, **asked) -> Grouper:
    return Grouper(Grouping(**asked), columns, InputInfo(path="x.csv", format="csv"), asked.get("date_column"))


def test_read_types_only_where_the_meaning_cannot_change():
    columns = ["when", "channel", "nps", "csat", "region"]
    sample = [["2025-01-02 10:00:00", "Phone", "9", "满意", "EU"], ["", "Chat", "", "4", "US"]]
    metrics = [("nps", parser(type="nps")), ("csat", parser(type="csat"))]
    types = read_types(columns, sample, metrics, grouper_for(columns, by=["channel", "region"], period="month", date_column="when", where=[Condition("region", "EU", False)]))
    assert types == {"nps": SCORE, "when": TIME, "channel": SEGMENT}  # csat has a label; region is also filtered on
    numeric_label = [("nps", parser(type="nps", labels={"1": 10}))]
    assert read_types(columns, sample, numeric_label, grouper_for(columns)) == {}
    numeric_blank = [("nps", parser(["9.5"], type="nps"))]
    assert read_types(columns, sample, numeric_blank, grouper_for(columns)) == {}
    integer_blank = [("nps", parser(["-3"], type="nps"))]  # matched by value: "-03" is blank too, so integers are safe
    assert read_types(columns, sample, integer_blank, grouper_for(columns)) == {"nps": SCORE}
    zoned = [["2025-01-02T10:00:00+08:00", "Phone", "9", "4", "EU"]]
    assert "when" not in read_types(columns, zoned, metrics, grouper_for(columns, period="month", date_column="when"))


@given(
    seconds=st.lists(st.one_of(st.none(), st.integers(-2_000_000_000, 4_000_000_000)), min_size=1, max_size=40),
    period=st.sampled_from(["day", "week", "month", "quarter", "year"]),
    wide=st.booleans(),
)
@settings(max_examples=150, deadline=None)
def test_period_codes_match_the_calendar(seconds, period, wide):
    def expected(value):
        if value is None:
            return -1
        when = datetime(1970, 1, 1) + timedelta(seconds=value)
        iso = when.isocalendar()
        return {
            "day": when.year * 10_000 + when.month * 100 + when.day,
            "week": iso.year * 100 + iso.week,
            "month": when.year * 100 + when.month,
            "quarter": when.year * 10 + (when.month - 1) // 3 + 1,
            "year": when.year,
        }[period]

    limit = {"day_table_limit": 0} if wide else {}  # 0: every span is "too wide", computed row by row
    assert period_codes(pa.array(seconds, pa.timestamp("s")), period, **limit) == [expected(v) for v in seconds]


def period_codes(times, period, **limit) -> list[int]:
    index, codes = dates.periods_of(times, period, **limit)
    assert len(set(codes.tolist())) == len(codes)  # each period once
    return codes[index].tolist()


def test_period_codes_by_hand():
    times = pa.array([datetime(2024, 12, 30, 23, 59), None, datetime(2025, 3, 31)], pa.timestamp("s"))
    assert period_codes(times, "month") == [202412, -1, 202503]
    assert period_codes(times, "week") == [202501, -1, 202514]  # ISO week 1 of 2025 starts on 30 Dec 2024
    assert period_codes(times, "quarter") == [20244, -1, 20251]
    assert period_codes(pa.array([None], pa.timestamp("s")), "year") == [-1]
    months = pa.array([datetime(2024, m, 5) for m in (1, 2, 3, 4)], pa.timestamp("s")).slice(1)
    assert period_codes(months, "month") == [202402, 202403, 202404]  # a slice starts inside its buffers
    index, codes = dates.periods_of(times, "day")
    assert codes[index].tolist() == [20241230, -1, 20250331]
    assert len(codes) == 92 + 1  # every day of the span the times cover, then the null marker


@given(codes=st.lists(st.integers(0, 1 << 40), max_size=40) | st.lists(st.integers(0, 30), max_size=40))
def test_dense_index_numbers_the_distinct_values(codes):
    index, count = dense_index(np.array(codes, dtype=np.intp), max(codes, default=0) + 1)
    assert count == len(set(codes))
    assert sorted(set(index.tolist())) == list(range(count))
    pairs = set(zip(codes, index.tolist()))
    assert len(pairs) == count  # equal codes share an index, different codes do not


def test_group_codes_made_dense_before_they_overflow(tmp_path, monkeypatch):
    rows = [["id", "when", "a", "b", "c", "Recommend (0-10)"]]
    rows += [[str(i), f"2025-{i % 12 + 1:02d}-03", f"a{i % 7}", f"b{i % 5}", f"c{i % 3}", str(i % 11)] for i in range(500)]
    path = tmp_path / "many.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    options = Options(by=["a", "b", "c"], period="month", date_column="when")
    plain = values(score([str(path)], options=options))
    monkeypatch.setattr(grouping, "_CODE_LIMIT", 2)
    assert values(score([str(path)], options=options)) == plain


def test_group_keys_name_their_segment_and_period():
    columns = ["when", "channel", "region"]
    batch = pa.record_batch([pa.array(["2025-01-05", "", "2025-03-01", "2025-01-09"]), pa.array(["Chat", "Phone", "Chat", "Chat"]), pa.array(["EU", "US", "EU", "EU"])], names=columns)
    _, keys, index, _ = grouper_for(columns, by=["channel", "region"], period="month", date_column="when").apply(batch)
    assert all(isinstance(key, GroupKey) for key in keys)
    assert [(keys[i].segment, keys[i].period) for i in index] == [(("Chat", "EU"), 202501), (("Phone", "US"), dates.UNDATED), (("Chat", "EU"), 202503), (("Chat", "EU"), 202501)]
    assert dates.UNDATED == -1 and not hasattr(grouping, "UNDATED")  # written by dates.periods_of, so defined there
    _, keys, _, _ = grouper_for(columns).apply(batch)
    assert keys == [GroupKey((), None)] and keys[0] == ((), None)  # hashes and compares as the plain tuple it was


def test_the_day_before_1970_is_a_day_not_undated(tmp_path):
    rows = [["when", "Recommend (0-10)", "Satisfaction (1-5)"], ["1969-12-31 10:00:00", "10", "5"], ["", "0", "1"], ["1970-01-01 10:00:00", "9", "4"]]
    path = tmp_path / "old.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    report = score([str(path)], CONFIG, Options(period="day"))
    periods = {r.period: r.n for r in report.results if r.period and r.metric == "nps"}
    assert periods == {"1969-12-31": 1, "1970-01-01": 1}
    assert report.inputs[0].date_blank == 1


TICKETS = ["Id", "Assignee", "Created at", "Solved at", "First reply time in minutes within business hours"]
SERVICE = validate_config({
    "schedule": {"hours": {"mon-fri": "09:00-17:00"}},
    "metrics": [
        {"name": "frt", "type": "duration", "column": TICKETS[4]},
        {"name": "resolution", "type": "duration", "start": "Created at", "end": "Solved at", "business_hours": True},
    ],
})


def ticket_misfits(tmp_path, rows=3000):
    """A Zendesk-like export whose first 2,000 rows (the sample) are timestamps written as the reader writes
    them and whole minutes; after them a placeholder, an end before its start, and misfits read again as text."""
    start = datetime(2025, 1, 6, 8)
    body = []
    for i in range(rows):
        created = start + timedelta(minutes=37 * i)
        solved = "1900-01-01 00:00:00" if i % 17 == 3 else "" if i % 23 == 4 else (created + timedelta(minutes=(i * 7919) % 9000)).isoformat(sep=" ")
        body.append([str(i), f"agent {i % 5}", created.isoformat(sep=" "), solved, "" if i % 29 == 5 else str((i * 104729) % 5000)])
    body[1500][3] = (start - timedelta(days=1)).isoformat(sep=" ")  # solved before created: invalid, its texts the example
    body[2400][3] = "0000-00-00 00:00:00"  # a placeholder no timestamp type reads
    body[2500][4] = "12.5"  # not whole minutes
    body[2600][2] = "N/A"  # a blank value no timestamp type reads
    path = tmp_path / "tickets.csv"
    path.write_text(csv_text([TICKETS, *body]), encoding="utf-8")
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_duration_timestamps_and_whole_minutes_read_typed_give_the_text_results(tmp_path, monkeypatch, workers):
    """The service-KPI bench reads Created at (the period's date and resolution's start), Solved at and
    the first-reply minutes: typed where the sample allows (timestamps as the reader writes them, whole
    numbers in a known unit), with the same figures, blanks, invalid counts and examples as text; a misfit
    further on sends its part back to text."""
    path = ticket_misfits(tmp_path)
    options = Options(by=["Assignee"], period="week", date_column="Created at")
    typed, text, chosen = both_ways(monkeypatch, [path], SERVICE, options, processes=int(workers), part_bytes=50_000)
    assert chosen[0] == {"Created at": TIME, "Solved at": TIME, TICKETS[4]: WHOLE, "Assignee": SEGMENT}
    assert values(typed) == values(text)
    assert [(q.metric, q.blank, q.invalid, q.invalid_examples) for q in typed.quality] == [(q.metric, q.blank, q.invalid, q.invalid_examples) for q in text.quality]
    resolution = next(q for q in typed.quality if q.metric == "resolution")
    assert resolution.invalid == 1 and list(resolution.invalid_examples) == ["2025-02-13 21:00:00 → 2025-01-05 08:00:00"]
    assert next(q for q in typed.quality if q.metric == "frt").invalid == 0  # 12.5 minutes is a duration


def test_duration_columns_are_typed_only_where_the_meaning_cannot_change():
    from cxscore.kinds.duration import DurationEncoder, ElapsedEncoder

    columns = ["created", "solved", "frt", "agent"]
    sample = [["2025-01-02 10:00:00", "2025-01-03 11:00:00", "90", "Ann"], ["2025-01-02 11:00:00", "", "", "Bo"]]
    frt = MetricSpec(name="frt", type="duration", column="frt", unit="minutes")
    elapsed = MetricSpec(name="res", type="duration", start="created", end="solved")
    metrics = [*ElapsedEncoder(elapsed, {"start": "created", "end": "solved"}).typed(), *DurationEncoder(frt, "frt", DEFAULT_BLANK_VALUES).typed()]
    assert read_types(columns, sample, metrics, grouper_for(columns, period="week", date_column="created")) == {"created": TIME, "solved": TIME, "frt": WHOLE}
    assert "created" not in read_types(columns, sample, metrics, grouper_for(columns, by=["created"]))  # also a segment: text
    written_otherwise = [["2025-01-02T10:00:00", "2025-01-03 11:00", "90", "Ann"]]  # the reader would write them back otherwise
    assert read_types(columns, written_otherwise, metrics, grouper_for(columns)) == {"frt": WHOLE}
    no_unit = MetricSpec(name="frt", type="duration", column="frt")
    assert "frt" not in read_types(columns, sample, DurationEncoder(no_unit, "frt", DEFAULT_BLANK_VALUES).typed(), grouper_for(columns))
    numeric_blank = DurationEncoder(frt, "frt", [*DEFAULT_BLANK_VALUES, "-1"]).typed()  # -1 means blank here, not an invalid duration
    assert "frt" not in read_types(columns, sample, numeric_blank, grouper_for(columns))
