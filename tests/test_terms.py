"""Distinctive terms: tokenising (negations kept, sentence breaks, Chinese segmentation with user
words), the log-odds z-scores against a from-first-principles computation, the guards, and the
message when the optional Chinese segmenter is missing."""
from __future__ import annotations

import math
import sys
from collections import Counter

import numpy as np
import pyarrow as pa
import pytest

from cxscore import terms
from cxscore.config import MetricSpec
from cxscore.errors import CxError, ExitCode
from cxscore.terms import SegmenterMissing, band_rows, distinctive_terms, log_odds, ngrams, tokenize


def words_of(texts: list[str], user_words=()) -> list[list[str]]:
    found = tokenize(pa.array(texts), user_words)
    out: list[list[str]] = [[] for _ in texts]
    for token, row in zip(found.tokens.to_pylist(), found.rows.tolist()):
        out[row].append(token)
    return out


def test_english_tokens_keep_negations_and_drop_a_short_stop_list():
    assert words_of(["The food was NOT good.", "Never again, without doubt!", "I didn’t get my 2 orders"]) == [
        ["food", "not", "good", "|"], ["never", "again", "|", "without", "doubt", "|"], ["didn't", "orders"],
    ]


def test_phrases_are_adjacent_words_of_one_sentence_of_one_comment():
    found = tokenize(pa.array(["Delivery was late. Staff was not good", "rude", "staff rude"]))
    words, phrases = ngrams(found)
    assert phrases.tokens.to_pylist() == ["delivery late", "staff not", "not good", "staff rude"]  # never "late staff", nor "rude staff" across comments
    assert phrases.rows.tolist() == [0, 0, 0, 2]
    assert words.tokens.to_pylist() == ["delivery", "late", "staff", "not", "good", "rude", "staff", "rude"]


def test_log_odds_z_scores_match_the_formula_computed_term_by_term():
    a, b = np.array([10, 0, 3, 7]), np.array([2, 5, 3, 0])
    everyone = np.array([15, 6, 9, 8])  # the prior's corpus also has rows in neither group
    delta, z = log_odds(a, b, everyone, prior=0.5)
    alpha = [0.5 * c for c in everyone.tolist()]
    alpha0, na, nb = sum(alpha), 20, 10
    for i in range(4):
        ya, yb, ai = int(a[i]), int(b[i]), alpha[i]
        d = math.log((ya + ai) / (na + alpha0 - ya - ai)) - math.log((yb + ai) / (nb + alpha0 - yb - ai))
        assert delta[i] == pytest.approx(d, rel=1e-12)
        assert z[i] == pytest.approx(d / math.sqrt(1 / (ya + ai) + 1 / (yb + ai)), rel=1e-12)
    assert z[0] > 0 > z[1]


def _corpus():
    detractors = [f"delivery was not good and slow {i}" for i in range(25)] + ["not good at all"] * 10 + ["refund took forever"] * 4 + ["n/a"] * 3
    promoters = [f"great staff very friendly {i}" for i in range(30)] + ["great value"] * 8 + ["delivery fine"] * 3 + ["nothing", ""]
    passives = ["ok delivery"] * 6
    texts = detractors + promoters + passives
    points = np.array([3.0] * len(detractors) + [10.0] * len(promoters) + [7.0] * len(passives))
    return texts, points


def test_distinctive_terms_of_detractors_and_promoters_against_counts_made_by_hand():
    texts, points = _corpus()
    unhappy, happy = band_rows(points, MetricSpec(type="nps", column="q"))
    result = distinctive_terms(pa.array(texts), unhappy, happy, ("detractors", "promoters"))
    assert (result.comments_a, result.comments_b, result.non_answers) == (39, 41, 5)
    assert result.warnings == []
    top_a = {t.term: t for t in result.a}
    top_b = {t.term: t for t in result.b}
    assert {"not good", "not", "good", "slow"} <= set(top_a) and {"great", "staff", "great staff", "friendly"} <= set(top_b)
    assert "refund" not in top_a  # 4 occurrences: under min_count 5
    assert "delivery" not in top_a | top_b or abs((top_a | top_b)["delivery"].z) > 1.96
    # the same z from first principles: words counted by hand (stop words and numbers out), prior 0.1 × all real comments
    stop = {"was", "and", "at", "all", "very"}

    def counts(rows):
        c: Counter = Counter()
        for text in rows:
            c.update(w for w in text.split() if w not in stop and not w.isdigit())
        return c

    real = [t for t in texts if t not in ("n/a", "nothing", "")]
    ca, cb, call = counts([t for t, p in zip(texts, points) if p <= 6 and t in real]), counts([t for t, p in zip(texts, points) if p >= 9 and t in real]), counts(real)
    na, nb, alpha0 = sum(ca.values()), sum(cb.values()), 0.1 * sum(call.values())
    for term in ("not", "good", "slow", "great", "staff"):
        ya, yb, alpha = ca[term], cb[term], 0.1 * call[term]
        d = math.log((ya + alpha) / (na + alpha0 - ya - alpha)) - math.log((yb + alpha) / (nb + alpha0 - yb - alpha))
        z = d / math.sqrt(1 / (ya + alpha) + 1 / (yb + alpha))
        found = top_a.get(term) or top_b[term]
        assert found.z == pytest.approx(z, rel=1e-12) and (found.count_a, found.count_b) == (ya, yb)
    assert [t.z for t in result.a] == sorted((t.z for t in result.a), reverse=True) and len(result.a) <= 20


def test_fewer_than_30_comments_in_a_group_gives_a_warning_and_no_z_scores():
    texts = ["not good"] * 29 + ["great"] * 40
    in_a = np.array([True] * 29 + [False] * 40)
    result = distinctive_terms(pa.array(texts), in_a, ~in_a, ("detractors", "promoters"))
    assert result.a == [] and result.b == []
    assert result.warnings == ["too few comments for distinctive terms (detractors: 29 comment(s); z-scores need about 30 per group)"]


def test_chinese_is_segmented_with_theme_keywords_as_user_words_and_negations_joined():
    pytest.importorskip("rjieba")
    assert terms.segment(["退款没到账"]) == [["退款", "没到", "账"]]  # the pitfall: the domain word split
    assert terms.segment(["退款没到账"], ["退款", "到账"]) == [["退款", "没", "到账"]]
    assert words_of(["退款没到账，小程序不好用！"], ["退款", "到账", "小程序"]) == [["退款", "没到账", "|", "小程序", "不好", "用", "|"]]
    assert words_of(["ＡＰＰ很卡，not good"], ["卡"])[0][-2:] == ["not", "good"]  # full width folded; English inside Chinese kept


def test_chinese_distinctive_terms_of_detractors_and_promoters():
    pytest.importorskip("rjieba")
    detractors = ["退款没到账，客服不理人"] * 20 + ["送餐太慢了，饭都凉了"] * 15
    promoters = ["小哥很快，味道不错"] * 20 + ["好吃，下次还点"] * 15
    texts = pa.array(detractors + promoters)
    in_a = np.array([True] * 35 + [False] * 35)
    result = distinctive_terms(texts, in_a, ~in_a, user_words=["退款", "到账"])
    assert {"退款", "没到账", "退款 没到账"} <= {t.term for t in result.a}
    assert {"不错", "好吃"} <= {t.term for t in result.b}


def test_without_rjieba_chinese_comments_name_the_install_and_english_needs_no_segmenter(monkeypatch):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # import rjieba now raises ImportError
    terms._segmenter.cache_clear()
    try:
        english = distinctive_terms(pa.array(["not good"] * 30 + ["great"] * 30), np.arange(60) < 30, np.arange(60) >= 30)
        assert english.a and english.a[0].term in {"not", "good", "not good"}
        with pytest.raises(SegmenterMissing) as caught:
            distinctive_terms(pa.array(["太慢了"] * 30 + ["great"] * 30), np.arange(60) < 30, np.arange(60) >= 30)
    finally:
        terms._segmenter.cache_clear()
    assert isinstance(caught.value, CxError) and caught.value.exit_code == ExitCode.INPUT
    assert str(caught.value) == "30 comment(s) are in Chinese, which needs the optional word segmenter rjieba — pip install 'cxscore[zh]'"
