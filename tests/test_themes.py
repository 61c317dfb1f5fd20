"""Theme dictionaries: validation, English whole-word / prefix and Chinese substring matching,
exclusions, normalisation; per-theme statistics against hand-computed values and scipy."""
from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from cxscore import stats
from cxscore.config import MetricSpec
from cxscore.errors import ConfigError
from cxscore.themes import load_themes, mentions_by, normalise, parse_themes, theme_stats, two_proportions

ROOT = Path(__file__).resolve().parents[1]
NPS = MetricSpec(type="nps", column="q")
CSAT = MetricSpec(type="csat", column="q")


def tagged(dictionary: dict, texts: list[str | None]) -> list[list[str]]:
    themes = parse_themes(dictionary)
    matrix = themes.match(pa.array(texts, pa.string()))
    return [[name for name, hit in zip(themes.names, row) if hit] for row in matrix]


def test_english_keywords_match_whole_words_only_case_insensitively():
    hits = tagged({"late": {"en": ["late"]}}, ["Delivery was LATE.", "the latest model", "late-night", "chocolate", "用late下单", "lately"])
    assert hits == [["late"], [], ["late"], [], ["late"], []]
    assert tagged({"cafe": {"en": ["café"]}}, ["Le CAFÉ était froid", "two cafés", "cafébar"]) == [["cafe"], [], []]  # accented letters are word letters


def test_a_prefix_is_written_with_a_star_and_matches_every_word_it_starts():
    hits = tagged({"delivery": {"en": ["deliver*"]}}, ["Delivered on time", "the delivery guy", "deliverance", "undelivered", "deliver"])
    assert hits == [["delivery"], ["delivery"], ["delivery"], [], ["delivery"]]


def test_the_car_prefix_trap_car_star_matches_care_so_it_is_warned_and_car_alone_does_not():
    texts = ["the car was dirty", "Customer care was great", "my career", "two cars", "Car!"]
    assert tagged({"transport": {"en": ["car*"]}}, texts) == [["transport"]] * 5  # a prefix, by definition
    assert tagged({"transport": {"en": ["car", "cars"]}}, texts) == [["transport"], [], [], ["transport"], ["transport"]]
    warned = parse_themes({"transport": {"en": ["car*"]}}).warnings
    assert len(warned) == 1 and "'car*'" in warned[0] and "care" in warned[0]
    assert parse_themes({"delivery": {"en": ["deliver*"]}}).warnings == []


def test_chinese_keywords_match_as_substrings_and_single_characters_are_warned():
    hits = tagged({"refund": {"zh": ["退款"]}, "slow": {"zh": ["太慢"]}}, ["退款没到账", "配送太慢了，退款也没有", "很快", None])
    assert hits == [["refund"], ["refund", "slow"], [], []]
    warned = parse_themes({"slow": {"zh": ["慢"]}}).warnings
    assert len(warned) == 1 and "'慢'" in warned[0]


def test_exclusions_do_not_count_but_other_keywords_in_the_comment_still_do():
    wait = {"wait time": {"en": ["wait", "queue*"], "zh": ["排队"], "exclude": ["can't wait", "不用排队"]}}
    texts = ["Can't wait to come back!", "can't wait to come back, but the queue was long", "had to wait", "不用排队，很好", "排队一小时"]
    assert tagged(wait, texts) == [[], ["wait time"], ["wait time"], [], ["wait time"]]


def test_full_width_forms_are_normalised_nfkc_in_text_and_keywords():
    hits = tagged({"app": {"en": ["ａｐｐ", "wi-fi"]}, "refund": {"zh": ["退款"]}}, ["ＴＨＥ ＡＰＰ crashed", "the APP", "Ｗｉ－Ｆｉ down", "退款１００元"])
    assert hits == [["app"], ["app"], ["app"], ["refund"]]


def test_phrases_match_across_any_spaces_and_regex_characters_are_literal():
    hits = tagged({"refund": {"en": ["money back"]}, "odd": {"en": ["c++", "(beta)"]}}, ["I want my money   back", "moneyback", "c++ app", "cxx", "the (beta) site", "beta"])
    assert hits == [["refund"], [], ["odd"], [], ["odd"], []]


@pytest.mark.parametrize(("data", "message"), [
    ({"delivery": {"enn": ["late"]}}, "themes: delivery.enn: unknown key; did you mean 'en'?"),
    ({"delivery": {"en": ["late", 3]}}, "themes: delivery.en[1]: expected `str`, got `int`"),
    ({"delivery": {"exclude": ["x"]}}, "themes: delivery.en: a theme needs at least one keyword in en or zh"),
    ({"delivery": {"en": ["de*liver"]}}, "themes: delivery.en[0]: 'de*liver': '*' may only end a keyword"),
    ({"delivery": {"en": [" "]}}, "themes: delivery.en[0]: an empty keyword matches every comment"),
    ({"delivery": {"en": ["快递"]}}, "themes: delivery.en[0]: '快递' is Chinese; put it under zh"),
    ({"delivery": {"zh": ["快递*"]}}, "themes: delivery.zh[0]: '快递*': Chinese keywords match anywhere already"),
    ({"delivery": ["late"]}, "themes: delivery: expected `object`, got `array`"),
    (["delivery"], "themes: the top level must be a mapping of theme names"),
])
def test_a_bad_dictionary_is_one_error_naming_the_key_path(data, message):
    with pytest.raises(ConfigError) as caught:
        parse_themes(data)
    assert caught.value.message.startswith(message), caught.value.message
    assert "themes.example.yaml" in (caught.value.hint or "")


def test_a_dictionary_file_is_read_and_its_yaml_errors_give_the_line(tmp_path):
    path = tmp_path / "themes.yaml"
    path.write_text("refund:\n  zh: [退款]\n  en: [refund*]\n", encoding="utf-8")
    assert load_themes(path).names == ["refund"]
    path.write_text("refund:\n  zh: [退款\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid YAML at line"):
        load_themes(path)


STARTER_HITS = {
    "delivery": ["The parcel arrived two days late", "快递三天才到"],
    "price": ["Far too expensive for what it is", "性价比很低"],
    "staff": ["The cashier was rude", "客服态度很差"],
    "wait time": ["We queued for an hour", "排队排了半天"],
    "product quality": ["It arrived broken", "质量不好，有瑕疵"],
    "app and website": ["The app keeps crashing", "小程序老是闪退"],
    "refund": ["Still waiting for my refund", "退款没到账"],
}


def test_the_starter_dictionary_loads_without_warnings_and_finds_each_theme_in_both_languages():
    themes = load_themes(ROOT / "themes.example.yaml")
    assert themes.warnings == []
    assert set(STARTER_HITS) <= set(themes.names)
    for name, texts in STARTER_HITS.items():
        matrix = themes.match(pa.array(texts))
        assert matrix[:, themes.names.index(name)].all(), (name, texts)
    data = yaml.safe_load((ROOT / "themes.example.yaml").read_text(encoding="utf-8"))
    for name, body in data.items():  # the traps the research measured: no short prefixes, no one-character Chinese keywords
        assert all(len(w.rstrip("*")) >= 4 for w in body.get("en", []) if w.endswith("*")), name
        assert all(len(w) >= 2 for w in body.get("zh", [])), name
    nothing = themes.match(pa.array(["I care about my career", "Customer care was lovely", "will come back again"]))
    assert not nothing.any()


# --- statistics -------------------------------------------------------------------------------

def _comments():
    """20 respondents: detractors talk about delivery, promoters about staff; two non-answers, one unscored."""
    rows = (
        [("delivery was late, call me on 138 1234 5678", 2)] * 3
        + [("late delivery and rude staff", 5)] * 2
        + [("n/a", 0), ("没有", 6), ("", 9)]
        + [("great staff, write to a.b@example.com", 10)] * 4
        + [("快递很快", 9)] * 2
        + [("nice", 8)] * 3
        + [("ok", 7), ("staff fine", 9), ("delivery ok", float("nan"))]
    )
    texts = pa.array([t for t, _ in rows])
    points = np.array([p for _, p in rows], dtype=float)
    return texts, points


THEMES = {"delivery": {"en": ["delivery"], "zh": ["快递"]}, "staff": {"en": ["staff"]}, "price": {"en": ["price"]}}


def test_theme_statistics_against_hand_computed_shares_scores_tests_and_impact():
    texts, points = _comments()
    report = theme_stats(texts, points, NPS, parse_themes(THEMES))
    assert (report.comments, report.non_answers) == (17, 3)
    assert report.bands == ("detractors", "promoters")
    # commenting detractors: 3 + 2 = 5; commenting promoters: 4 + 2 + 1 = 7 (the blank 9 and 没有 6 said nothing)
    delivery, staff, price = report.themes
    assert delivery.mentions == 3 + 2 + 2 + 1 and delivery.pct_of_comments == pytest.approx(100 * 8 / 17)
    assert delivery.unhappy_pct == pytest.approx(100.0) and delivery.happy_pct == pytest.approx(100 * 2 / 7)
    assert staff.mentions == 2 + 4 + 1 and staff.unhappy_pct == pytest.approx(40.0) and staff.happy_pct == pytest.approx(100 * 5 / 7)
    assert price.mentions == 0 and price.value is None and price.examples == []
    # overall NPS over every scored row (20 rows, one unscored): promoters 9 (blank), 4×10, 2×9, 9 = 8; detractors 3×2, 2×5, 0, 6 = 7; n 19
    assert report.overall == pytest.approx(100 * (8 - 7) / 19)
    # delivery's mentioners with a score: 3×2, 2×5, 2×9 (the unscored 'delivery ok' has no answer) → n 7, NPS (2 − 5)/7
    assert delivery.n == 7 and delivery.value == pytest.approx(100 * (2 - 5) / 7)
    ci = stats.nps_interval(2 / 7, 0.0, 5 / 7, 7, 0.95)
    assert (delivery.ci_low, delivery.ci_high) == (pytest.approx(100 * ci.low), pytest.approx(100 * ci.high))
    # without them: 12 rows, promoters 8 − 2 = 6, detractors 7 − 5 = 2
    assert delivery.impact == pytest.approx(100 * (8 - 7) / 19 - 100 * (6 - 2) / 12)
    for row, (x1, x2) in ((delivery, (5, 2)), (staff, (2, 5))):
        chi2, p, _, _ = chi2_contingency([[x1, 5 - x1], [x2, 7 - x2]], correction=False)
        assert row.p_value == pytest.approx(p, rel=1e-12) and row.z**2 == pytest.approx(chi2, rel=1e-12)
    assert price.p_value == 1.0  # nobody mentions it: no difference, and it still counts among the tests adjusted
    assert [delivery.p_adjusted, staff.p_adjusted, price.p_adjusted] == pytest.approx(stats.benjamini_hochberg([delivery.p_value, staff.p_value, 1.0]))
    assert report.untagged == 4 and report.untagged_pct == pytest.approx(100 * 4 / 17)  # nice ×3, ok
    assert report.untagged_sample == ["ok", "nice", "nice", "nice"]  # most recent first: the sample to grow the dictionary from
    assert theme_stats(texts, points, NPS, parse_themes(THEMES), untagged_sample=2).untagged_sample == ["ok", "nice"]


def test_examples_are_the_three_most_recent_mentions_with_contacts_masked():
    texts, points = _comments()
    themes = parse_themes(THEMES)
    by_rows = theme_stats(texts, points, NPS, themes).themes[1].examples  # later rows are more recent
    assert by_rows == ["staff fine", "great staff, write to [email]", "great staff, write to [email]"]
    times = np.arange(len(points))[::-1].copy()  # now the first rows are the most recent
    delivery = theme_stats(texts, points, NPS, themes, times=times).themes[0].examples
    assert delivery == ["delivery was late, call me on [phone]"] * 3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["late delivery", "rude staff", "staff were late", "ok", "n/a", "", None, "price ok 555 1234 567"]),
                          st.sampled_from([float("nan"), *range(11)]), st.integers(0, 3)), max_size=60),
       st.booleans(), st.integers(1, 4))
def test_theme_figures_and_examples_are_the_rows_own_counts_and_latest(rows, dated, keep):
    """Each theme's mentions, band shares, scored n and tally, its examples and the untagged sample equal
    a count over the rows themselves and a sort of them by (time, row), most recent first."""
    from cxscore.comments import mask, said_something

    texts = pa.array([t for t, _, _ in rows], pa.string())
    points = np.array([p for _, p, _ in rows], dtype=float)
    times = np.array([t for _, _, t in rows], dtype=np.int64) if dated else None
    themes = parse_themes({"delivery": {"en": ["delivery"]}, "staff": {"en": ["staff"]}, "refund": {"en": ["refund"]}})
    report = theme_stats(texts, points, NPS, themes, times, untagged_sample=keep)
    real = said_something(texts, [])
    matrix = themes.match(texts) & real[:, None]
    newest = sorted(range(len(rows)), key=lambda i: (rows[i][2] if dated else 0, i), reverse=True)
    shown = lambda picked, k: [mask(rows[i][0].strip()) for i in newest if picked[i]][:k]  # noqa: E731
    unhappy = [real[i] and points[i] <= 6 for i in range(len(rows))]
    happy = [real[i] and points[i] >= 9 for i in range(len(rows))]
    for j, row in enumerate(report.themes):
        mentioned = matrix[:, j]
        assert row.mentions == int(mentioned.sum())
        if sum(unhappy):
            assert row.unhappy_pct == pytest.approx(100 * sum(m and u for m, u in zip(mentioned, unhappy)) / sum(unhappy))
        if sum(happy):
            assert row.happy_pct == pytest.approx(100 * sum(m and h for m, h in zip(mentioned, happy)) / sum(happy))
        scored = points[mentioned & ~np.isnan(points)]
        assert row.n == len(scored)
        if len(scored):
            assert row.value == pytest.approx(100 * (np.mean(scored >= 9) - np.mean(scored <= 6)))
        assert row.examples == shown(mentioned, 3)
    untagged = real & ~matrix.any(axis=1)
    assert report.untagged == int(untagged.sum()) and report.untagged_sample == shown(untagged, keep)


def test_examples_are_read_from_the_newest_rows_not_sorted_from_every_mention(monkeypatch):
    """A frequent theme's three examples come from the newest rows read a window at a time: no sort of its
    200,000 mentions (nor of the untagged rows)."""
    texts = pa.array(["late delivery", "fine"] * 100_000, pa.string())
    points = np.tile(np.arange(11, dtype=float), 20_000)[:200_000]
    monkeypatch.setattr(np, "argsort", lambda *a, **k: pytest.fail("every mention sorted"))
    report = theme_stats(texts, points, NPS, parse_themes({"delivery": {"en": ["delivery"]}}))
    assert report.themes[0].examples == ["late delivery"] * 3 and report.untagged_sample == ["fine"] * 50


def test_csat_themes_compare_dissatisfied_with_satisfied_and_give_the_share_satisfied():
    texts = pa.array(["slow delivery", "slow delivery", "fine", "delivery ok", "great"])
    report = theme_stats(texts, np.array([1, 2, 4, 5, 5], dtype=float), CSAT, parse_themes({"delivery": {"en": ["delivery"]}}))
    (delivery,) = report.themes
    assert report.bands == ("dissatisfied", "satisfied")
    assert (delivery.unhappy_pct, delivery.happy_pct) == (100.0, pytest.approx(100 / 3))
    ci = stats.wilson_interval(1 / 3, 3, 0.95)
    assert delivery.value == pytest.approx(100 / 3) and delivery.ci_low == pytest.approx(100 * ci.low)
    assert report.overall == pytest.approx(60.0) and delivery.impact == pytest.approx(60.0 - 100.0)


def test_two_proportions_is_the_pooled_z_test_scipy_gives():
    for x1, n1, x2, n2 in ((12, 40, 30, 200), (1, 9, 0, 300), (50, 100, 50, 100)):
        z, p = two_proportions(x1, n1, x2, n2)
        chi2, p_ref, _, _ = chi2_contingency([[x1, n1 - x1], [x2, n2 - x2]], correction=False)
        assert p == pytest.approx(p_ref, rel=1e-10, abs=1e-15) and z * z == pytest.approx(chi2, rel=1e-10, abs=1e-15)
    assert two_proportions(1, 0, 1, 5) is None
    assert math.copysign(1, two_proportions(12, 40, 30, 200)[0]) == 1


def test_mentions_by_period_count_each_themes_real_comments_per_group():
    texts = pa.array(["late delivery", "rude staff", "n/a", "delivery and staff", "fine", "staff"])
    themes = parse_themes(THEMES)
    matrix = themes.match(texts)
    real = np.array([True, True, False, True, True, True])
    periods = np.array([202501, 202501, 202501, 202503, 202503, 202502])
    keys, comments, counts = mentions_by(matrix, real, periods)
    assert keys.tolist() == [202501, 202502, 202503] and comments.tolist() == [2, 1, 2]
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 1, 0]]  # delivery, staff, price


def test_normalise_is_nfkc_then_unicode_lower_case_row_by_row():
    rows = ["Late DELIVERY", "ＡＰＰ Crashed", None, "", "Straße ÜBER", "退款没到账 ＲＥＦＵＮＤ", "ΣΟΦΙΑ", "plain ascii 123", "Ｌａｔｅ"]
    expected = [None if r is None else unicodedata.normalize("NFKC", r).lower() for r in rows]
    assert normalise(pa.array(rows)).to_pylist() == expected
    assert normalise(pa.chunked_array([pa.array(rows[:4]), pa.array(rows[4:])])).to_pylist() == expected
    assert normalise(pa.array(["ONLY ASCII", None])).to_pylist() == ["only ascii", None]
