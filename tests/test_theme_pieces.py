"""Theme matching by pieces (a word and the non-word characters after it, dictionary-encoded) gives
exactly the flags of one RE2 pass per theme over the normalised text, exclusions included: on random
text built from keyword fragments, prefix traps (car* vs care), phrases across odd spaces, CJK and
accented text, nulls, and rows spread over several blocks."""
from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cxscore import themes as theme_module
from cxscore.themes import Themes, load_themes, normalise, parse_themes

ROOT = Path(__file__).resolve().parents[1]
FRAGMENTS = [
    "late", "LATE", "latest", "night", "evening", "car", "care", "cars", "Car", "career", "money", "back", "value", "for", "on", "hold", "can't", "can", "not",
    "wait", "worth", "the", "wi", "fi", "-", "c++", "deliver", "Delivery", "undelivered", "café", "ＡＰＰ", "app", "退款", "到账", "没", "ß", "é",
    " ", " ", " ", "  ", "\t", "\n", "\x0b", "\r\n", ",", ".", "'", "_", "9", "x", "\u3000",
]
TRAPS = parse_themes({
    "delivery": {"en": ["deliver*", "late", "on hold"], "exclude": ["late night", "late evening"]},
    "car prefix": {"en": ["car*"]},
    "cars": {"en": ["car", "cars"], "zh": ["到账"]},
    "refund": {"en": ["money back", "value for money"], "zh": ["退款"]},
    "wait": {"en": ["wait", "hold"], "exclude": ["can't wait", "can not wait", "worth the wait", "退款没"]},
    "wifi": {"en": ["wi-fi", "wi - fi", "wi fi*"]},
    "odd": {"en": ["c++", "app"]},  # c++ ends with a non-word character: this theme keeps its regex pass
    "accented": {"en": ["café", "app", "ss"], "zh": ["没"]},
    "digits": {"en": ["9", "x_9", "_"]},
    "ascii substring": {"en": ["care"], "zh": ["ifi"]},  # an ASCII keyword under zh matches anywhere: this theme keeps its regex pass
})
MANY = parse_themes({word: {"en": [word]} for word in ["late", "night", "car*", "care", "money back", "wait", "hold", "app", "the", "for", "x", "9", "can't"]})


def by_regex(themes: Themes, texts: pa.Array) -> np.ndarray:
    """The reference: one RE2 pass per theme over the whole normalised column, and where an exclusion
    occurs, the theme matched again with the exclusions blanked out."""
    text = normalise(texts)
    out = np.zeros((len(text), len(themes.themes)), dtype=bool)
    for j, theme in enumerate(themes.themes):
        hit = pc.fill_null(pc.match_substring_regex(text, theme.pattern), False).to_numpy(zero_copy_only=False)
        if theme.excluded is not None:
            both = hit & pc.fill_null(pc.match_substring_regex(text, theme.excluded), False).to_numpy(zero_copy_only=False)
            again = pc.fill_null(pc.match_substring_regex(pc.replace_substring_regex(text, theme.excluded, " "), theme.pattern), False)
            hit = np.where(both, again.to_numpy(zero_copy_only=False), hit)
        out[:, j] = hit
    return out


comments = st.lists(st.one_of(st.none(), st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join)), max_size=30)


EDGES = [  # a phrase never runs from one row into the next; exclusions in non-ASCII rows; words at row edges
    "my money ", "back again", "value for ", "money", "on ", "hold", "late night é", "can't wait 退款", "LATE NIGHT", "late\tnight", "late-night",
    "", None, "car", "care", "cars.", "wi-fi", "wi  -  fi", "wi fix", "wifi", "ＷＩ－ＦＩ", "_", "9", "x_9",
]


@settings(max_examples=80, deadline=None)
@given(texts=comments, themes=st.sampled_from([TRAPS, MANY]), block=st.sampled_from([1, 3, 1 << 16]), window=st.sampled_from([1, 5, 1 << 18]),
       rows=st.sampled_from([1, 4, 1 << 18]))
@example(texts=EDGES, themes=TRAPS, block=1 << 16, window=1 << 18, rows=1 << 18)
@example(texts=EDGES, themes=MANY, block=3, window=5, rows=4)
def test_pieces_give_the_flags_of_one_regex_pass_per_theme(texts, themes, block, window, rows):
    array = pa.array(texts, pa.string())
    with (mock.patch.object(theme_module, "_BLOCK_ROWS", block), mock.patch.object(theme_module, "_WINDOW_BYTES", window),
          mock.patch.object(theme_module, "_MATCH_ROWS", rows)):
        assert (themes.match(array) == by_regex(themes, array)).all()
        assert (themes.match(array.cast(pa.large_string())) == by_regex(themes, array)).all()
        assert (themes.match(array[1:]) == by_regex(themes, array[1:])).all()  # a sliced array: offsets not from 0
        assert (themes.match(pa.chunked_array([array[:3], array[3:]], pa.string())) == by_regex(themes, array)).all()  # a column read in chunks


def test_the_starter_dictionary_on_generated_comments_equals_the_regex_passes():
    sys.path.insert(0, str(ROOT))
    from bench.comments_speed import EN_PARTS, generate

    texts = generate(EN_PARTS, 3000, 5, " ")
    texts = pa.concat_arrays([texts, pa.array(["Late night snack, LATE delivery", "can't wait!", "退款没到账", "worth the wait", None, "Value for money back"])])
    starter = load_themes(ROOT / "themes.example.yaml")
    with mock.patch.object(theme_module, "_BLOCK_ROWS", 1000):
        flags = starter.match(texts)
    assert (flags == by_regex(starter, texts)).all() and flags.any(axis=0).all()


def test_ascii_comments_take_no_regex_pass_over_the_rows_per_theme():
    """The speed claim itself: with the starter dictionary, English comments cost one cut into pieces,
    not seven RE2 passes over the column (regexes run only over the distinct pieces)."""
    starter = load_themes(ROOT / "themes.example.yaml")
    texts = pa.array(["The delivery was late", "Rude staff, slow queue", "great app", "money back please"] * 500)
    lengths: list[int] = []
    real = pc.match_substring_regex

    def counted(values, pattern, **kwargs):
        lengths.append(len(values))
        return real(values, pattern, **kwargs)

    with mock.patch.object(theme_module.pc, "match_substring_regex", counted):
        flags = starter.match(texts)
    assert flags[:4].tolist() == [[True] + [False] * 6, [False, False, True, True, False, False, False], [False] * 5 + [True, False], [False] * 6 + [True]]
    assert lengths and max(lengths) < 100  # only the handful of distinct pieces


@pytest.mark.parametrize("keyword", ["c++", "(beta)", ".net"])
def test_a_keyword_with_non_word_edges_keeps_the_regex_pass(keyword):
    themes = parse_themes({"odd": {"en": [keyword, "app"]}})
    texts = pa.array([f"the {keyword} app", f"x{keyword}y", keyword, "apps"])
    assert (themes.match(texts) == by_regex(themes, texts)).all()


@pytest.mark.parametrize("themes_count", [3, 6, 13, 26, 52, 70])  # with every fifth theme's exclusion: 4, 8, 16, 32, 63 and 84 plans
def test_each_width_of_the_pieces_bits_gives_the_flags_of_the_regex_passes(themes_count):
    """A piece's matches are one unsigned integer (8, 16, 32 or 64 bits: the plans and a phrase bit);
    past 63 plans the text is cut once per 63. Every width and its edge, with phrases and exclusions, equals the reference."""
    rng = np.random.default_rng(themes_count)
    words = ["late", "night", "car*", "care", "money back", "wait", "hold", "app", "the", "for", "x", "9", "can't", "value for money", "on hold", "deliver*"]
    themes = parse_themes({f"t{i}": {"en": [words[i % len(words)], words[(3 * i + 1) % len(words)]], **({"exclude": ["late night"]} if i % 5 == 0 else {})}
                           for i in range(themes_count)})
    texts = pa.array([" ".join(rng.choice(FRAGMENTS, rng.integers(0, 12))) for _ in range(400)] + [None, "money back", "on  hold", "Late night"])
    with mock.patch.object(theme_module, "_BLOCK_ROWS", 150):
        flags = themes.match(texts)
    assert (flags == by_regex(themes, texts)).all() and flags.any(axis=0).mean() > 0.5
