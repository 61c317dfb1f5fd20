"""Answer parsing: numbers, units, labels in both languages, blanks and invalid answers."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from cxscore.config import DEFAULT_BLANK_VALUES, MetricSpec
from cxscore.normalize import BLANK, INVALID, AnswerParser, encode, encode_onto


def parser(**spec) -> AnswerParser:
    return AnswerParser(MetricSpec(column="q", **spec), DEFAULT_BLANK_VALUES)


@pytest.mark.parametrize(
    "text, point",
    [("9", 9), (" 9 ", 9), ("9.0", 9), ("9分", 9), ("９分", 9), ("10 points", 10), ("0", 0), ("10", 10)],
)
def test_nps_numbers_and_units(text, point):
    assert parser(type="nps").code(text) == point


@pytest.mark.parametrize("text", ["11", "-1", "7.5", "ten", "10+", "9 apples"])
def test_nps_invalid(text):
    assert parser(type="nps").code(text) == INVALID


@pytest.mark.parametrize("text", [None, "", "   ", "N/A", "n/a", "(跳过)", "（空）"])
def test_blanks(text):
    assert parser(type="nps").code(text) == BLANK


@pytest.mark.parametrize(
    "text, point",
    [
        ("Very dissatisfied", 1), ("dissatisfied", 2), ("Neutral", 3), ("Satisfied", 4), ("VERY SATISFIED", 5), ("Very  satisfied", 5),
        ("非常不满意", 1), ("不满意", 2), ("一般", 3), ("满意", 4), ("非常满意", 5), ("很满意", 5), ("比较不满意", 2),
    ],
)
def test_csat_labels_in_english_and_chinese(text, point):
    # Codes are offsets from the scale minimum (1).
    assert parser(type="csat").code(text) == point - 1


def test_ces_labels_follow_the_scale():
    assert parser(type="ces").code("Strongly agree") == 6  # 7 on 1–7
    assert parser(type="ces", scale=[1, 5]).code("非常容易") == 4  # 5 on 1–5
    assert parser(type="ces", scale=[1, 5]).code("Very difficult") == 0


def test_user_labels_override_builtin_and_add_new():
    p = parser(type="csat", labels={"Satisfied": 5, "Meh": 3})
    assert p.code("satisfied") == 4 and p.code("meh") == 2


def test_builtin_labels_do_not_apply_on_other_scales():
    assert parser(type="csat", scale=[1, 7]).code("Very satisfied") == INVALID


def test_encode_is_vectorised_and_counts_invalid_texts():
    column = pa.array(["9", None, "9", "ten", "", "ten", "3分", "11"])
    encoded = encode(column, parser(type="nps"))
    assert encoded.codes.tolist() == [9, BLANK, 9, INVALID, BLANK, INVALID, 3, INVALID]
    assert dict(encoded.invalid_texts) == {"ten": 2, "11": 1}


def test_encode_accepts_chunked_and_non_string_arrays():
    encoded = encode(pa.chunked_array([pa.array([1, 2]), pa.array([None, 10])]), parser(type="nps"))
    assert np.array_equal(encoded.codes, [1, 2, BLANK, 10])


@pytest.mark.parametrize("kind", [pa.int8(), pa.uint8(), pa.int16(), pa.int64()])
def test_integer_columns_code_as_their_texts_with_nulls_at_the_types_ends(kind):
    """A typed read's integers (null where blank) are coded as the same answers read as text, also
    when a null sits beside the type's smallest value (null cells are filled with one less)."""
    smallest = -(1 << (kind.bit_width - 1)) if pa.types.is_signed_integer(kind) else 0
    rng = np.random.default_rng(3)
    for values in ([smallest, None, 3, 0, 10, None, 11, 9], [None, None], [], [0, None, 0], [7] * 5,
                   [int(v) if v >= 0 else None for v in rng.integers(-3, 12, 500)]):
        column = pa.array(values, type=kind)
        for spec in (dict(type="nps"), dict(type="csat", scale=[1, 5], blank_values=["0"])):
            typed, text = encode(column, parser(**spec)), encode(column.cast(pa.string()), parser(**spec))
            assert typed.slots.tolist() == text.slots.tolist(), (kind, values)
            assert dict(typed.invalid_texts) == dict(text.invalid_texts)


@pytest.mark.parametrize("column", [
    pa.array([0, 6, 9, 10, 11, -3, None, 9], pa.int16()),  # integers: blank, invalid and every band
    pa.array([None, None], pa.int16()),  # nothing but blank cells
    pa.array([1, 70_000, None, 7], pa.int32()),  # wider than a lookup table: read as text
    pa.array(["9", "N/A", "ten", None, "10分", "9"]),  # text
    pa.chunked_array([pa.array([3, None], pa.int16()), pa.array([8], pa.int16())]),
])
def test_encode_onto_is_the_slots_looked_up_in_one_step(column):
    """cxscore drivers maps answers straight onto scale points: values[slot] for every row, and the same invalid texts."""
    nps = parser(type="nps")
    values = np.concatenate([[np.nan, np.nan], np.arange(11) * 1.5])  # an entry per slot: invalid, blank, 0…10
    encoded = encode(column, nps)
    mapped, invalid = encode_onto(column, nps, values)
    assert mapped.tobytes() == np.take(values, encoded.slots).tobytes()
    assert invalid == encoded.invalid_texts
