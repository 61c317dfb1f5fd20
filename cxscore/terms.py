"""Distinctive words and two-word phrases of one group of comments against another (detractors vs
promoters): discovery without a dictionary, the other half of ``cxscore comments``.

Method: the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words", eq. 16–22), the prior being the counts of all comments scaled by ``prior``; each
term's z-score is δ/√Var(δ). Words and two-word phrases are separate vocabularies (each its own
multinomial), ranked together by z. English is tokenised vectorised with pyarrow (negations such as
not/no/never/without are kept: they are what "not good" is about); Chinese is segmented with
``rjieba`` (the optional extra ``cxscore[zh]``, imported only when Chinese text is present), with the
theme keywords as user words and 不/没/没有 joined to the next word (不好吃, 没到账).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .comments import said_something
from .config import MetricSpec
from .errors import CxError
from .themes import normalise

#: Fewer comments than this in a group make z-scores unstable: a warning instead of terms.
MIN_COMMENTS = 30
#: The prior's weight: α = PRIOR × each term's count over all comments (α₀ = PRIOR × all tokens).
PRIOR = 0.1
#: Marks a sentence break in a token stream: no phrase spans it.
BREAK = "|"
#: English words that carry no topic. Negations (not, no, never, without, nor, don't, …) are NOT here.
STOP_WORDS_EN = frozenset("""
a an the and or but if then so as of at by for from in into on onto to with about over
i me my mine we us our you your he him his she her it its they them their this that these those
am is are was were be been being do does did have has had will would shall should can could may might must
just very really also too quite get got there here what which who whom when where how all any some
s t d ll m re ve
""".split())
#: Chinese function words and particles.
STOP_WORDS_ZH = frozenset("的 了 是 我 你 他 她 它 我们 你们 他们 也 都 就 在 和 与 及 有 这 那 这个 那个 吧 啊 呢 吗 嘛 呀 哦 哈 还 又 被 把 给 让 很 挺 比较 就是 一个 一下 着 过 个 说 感觉 觉得".split())
#: Chinese negations, joined to the word after them.
NEGATIONS_ZH = frozenset({"不", "没", "没有", "别", "未"})
_CJK_TEXT = r"[\x{3040}-\x{30ff}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{ac00}-\x{d7af}]"
#: Sentence punctuation becomes a break; other non-word characters a space.
_SENTENCE = r"[.!?;:,()\[\]\"。！？；：，、（）【】…]+"
_WORDLESS = re.compile(r"^[\W_]*$")


class SegmenterMissing(CxError):
    """Chinese comments without the optional word segmenter installed."""


@dataclass
class Tokens:
    """Every comment's tokens as one flat array, with the comment (row) each came from, in text order;
    :data:`BREAK` marks where a sentence ends."""

    tokens: pa.Array
    rows: np.ndarray


def _english(texts: pa.Array, rows: np.ndarray) -> Tokens:
    """Vectorised: lower-case NFKC text → words (apostrophes inside kept: don't), sentence breaks as :data:`BREAK`."""
    text = pc.replace_substring(texts, "’", "'")
    text = pc.replace_substring_regex(text, _SENTENCE, f" {BREAK} ")
    text = pc.replace_substring_regex(text, rf"[^\p{{L}}\p{{N}}'{re.escape(BREAK)}]+", " ")
    lists = pc.utf8_split_whitespace(text)
    flat = pc.utf8_trim(pc.list_flatten(lists), "'")
    parents = rows[pc.list_parent_indices(lists).to_numpy()]
    return Tokens(flat, parents)


@functools.lru_cache(maxsize=4)
def _segmenter(user_words: tuple[str, ...]):
    try:
        import rjieba
    except ImportError:
        return None
    jieba = rjieba.Jieba()  # its own dictionary: user words do not leak into other callers
    for word in user_words:
        jieba.add_word(word, None, None)
    return jieba


def _jieba(user_words: Sequence[str], comments: int):
    jieba = _segmenter(tuple(sorted(set(user_words))))
    if jieba is None:
        raise SegmenterMissing(f"{comments:,} comment(s) are in Chinese, which needs the optional word segmenter rjieba", "pip install 'cxscore[zh]'")
    return jieba


def segment(texts: Sequence[str], user_words: Sequence[str] = ()) -> list[list[str]]:
    """Chinese texts cut into words by rjieba, the ``user_words`` (theme keywords such as 退款, 小程序)
    kept whole; SegmenterMissing (one line naming the install) without rjieba."""
    jieba = _jieba(user_words, len(texts))
    return [jieba.cut(text) for text in texts]


def _chinese_tokens(words: list[str]) -> list[str]:
    """Segmented words → tokens: punctuation as breaks, spaces dropped, 不/没/没有 joined to the next word."""
    out: list[str] = []
    pending = ""
    for word in words:
        if not word.strip():
            continue
        if _WORDLESS.match(word):
            out.append(BREAK)
            pending = ""
            continue
        if word in NEGATIONS_ZH:
            pending += word
            continue
        out.append(pending + word)
        pending = ""
    if pending:
        out.append(pending)
    return out


def tokenize(texts: pa.Array, user_words: Sequence[str] = ()) -> Tokens:
    """Tokens of every comment, stop words left out, in text order. Comments with Chinese characters
    are segmented by rjieba (once per distinct text), the rest split vectorised."""
    text = normalise(texts)
    cjk = pc.fill_null(pc.match_substring_regex(text, _CJK_TEXT), False).to_numpy(zero_copy_only=False)
    rows = np.arange(len(text))
    english = _english(text.filter(pa.array(~cjk)), rows[~cjk])
    parts, parents = [english.tokens], [english.rows]
    if cjk.any():
        chinese = text.filter(pa.array(cjk)).to_pylist()
        distinct = list(dict.fromkeys(chinese))
        jieba = _jieba(user_words, len(chinese))
        cut = {text: _chinese_tokens(jieba.cut(text)) for text in distinct}
        lists = [cut[t] for t in chinese]
        parts.append(pa.array([w for words in lists for w in words], pa.string()))
        parents.append(np.repeat(rows[cjk], [len(words) for words in lists]))
    tokens = pa.chunked_array(parts, pa.string()).combine_chunks()
    rows_of = np.concatenate(parents)
    if len(parts) > 1:  # each comment's tokens together, in text order
        order = np.argsort(rows_of, kind="stable")
        tokens, rows_of = tokens.take(pa.array(order)), rows_of[order]
    stop = pa.array(sorted(STOP_WORDS_EN | STOP_WORDS_ZH | {""}), pa.string())
    drop = pc.or_(pc.is_in(tokens, value_set=stop), pc.utf8_is_numeric(tokens))  # stop words, numbers, stray quotes
    keep = pc.invert(drop)
    return Tokens(tokens.filter(keep), rows_of[keep.to_numpy(zero_copy_only=False)])


def ngrams(tokens: Tokens) -> tuple[Tokens, Tokens]:
    """Words and two-word phrases (adjacent words of one comment, never across a sentence break)."""
    words = pc.not_equal(tokens.tokens, BREAK).to_numpy(zero_copy_only=False)
    if len(tokens.rows) < 2:
        pairs = np.zeros(0, dtype=bool)
    else:
        pairs = words[:-1] & words[1:] & (tokens.rows[:-1] == tokens.rows[1:])
    first = np.flatnonzero(pairs)
    joined = pc.binary_join_element_wise(tokens.tokens.take(pa.array(first)), tokens.tokens.take(pa.array(first + 1)), " ")
    return Tokens(tokens.tokens.filter(pa.array(words)), tokens.rows[words]), Tokens(joined, tokens.rows[first])


def log_odds(count_a: np.ndarray, count_b: np.ndarray, count_all: np.ndarray, prior: float = PRIOR) -> tuple[np.ndarray, np.ndarray]:
    """(δ, z) per term of group a vs b: Monroe et al.'s log-odds ratio with the informative Dirichlet
    prior α = prior × count_all (α₀ its sum), δ = log((yᵃ+α)/(nᵃ+α₀−yᵃ−α)) − log((yᵇ+α)/(nᵇ+α₀−yᵇ−α)),
    Var(δ) ≈ 1/(yᵃ+α) + 1/(yᵇ+α), z = δ/√Var."""
    alpha = prior * count_all.astype(float)
    alpha0 = alpha.sum()
    ya, yb = count_a.astype(float), count_b.astype(float)
    na, nb = ya.sum(), yb.sum()
    delta = np.log((ya + alpha) / (na + alpha0 - ya - alpha)) - np.log((yb + alpha) / (nb + alpha0 - yb - alpha))
    return delta, delta / np.sqrt(1 / (ya + alpha) + 1 / (yb + alpha))


@dataclass
class Term:
    """A distinctive word or phrase: its z-score (positive: group a's), δ, and its counts per group."""

    term: str
    words: int  # 1 or 2
    z: float
    delta: float
    count_a: int
    count_b: int


@dataclass
class Distinctive:
    """Each group's most distinctive terms (strongest first), and what they were computed from."""

    a: list[Term]
    b: list[Term]
    comments_a: int
    comments_b: int
    non_answers: int  # of the two groups' cells: blank, n/a, nothing, 无, 没有, 无意见, …
    warnings: list[str] = field(default_factory=list)


def _counts(grams: Tokens, group: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The vocabulary and its counts per group: rows 0 (a), 1 (b), 2 (all real comments)."""
    encoded = pc.dictionary_encode(grams.tokens)
    vocabulary = encoded.dictionary.to_pylist()
    index = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    size = len(vocabulary)
    of = group[grams.rows]
    counts = np.zeros((3, size), dtype=np.int64)
    for g in (0, 1):
        counts[g] = np.bincount(index[of == g], minlength=size)
    counts[2] = np.bincount(index, minlength=size)
    return vocabulary, counts


def distinctive_terms(
    texts: pa.Array,
    in_a: np.ndarray,
    in_b: np.ndarray,
    names: tuple[str, str] = ("group a", "group b"),
    user_words: Sequence[str] = (),
    blank_values: Sequence[str] = (),
    top: int = 20,
    min_count: int = 5,
    z_min: float = 1.96,
    prior: float = PRIOR,
    min_comments: int = MIN_COMMENTS,
) -> Distinctive:
    """The words and two-word phrases that set group a's comments apart from group b's (``in_a``,
    ``in_b``: row masks), each side's ``top`` with \\|z\\| > ``z_min`` and at least ``min_count``
    occurrences in its own group. The prior counts every real comment (rows in neither group too).
    Under ``min_comments`` real comments in a group: a warning and no terms."""
    real = said_something(texts, list(blank_values))
    a, b = in_a & real, in_b & real
    non_answers = int(((in_a | in_b) & ~real).sum())
    result = Distinctive([], [], int(a.sum()), int(b.sum()), non_answers)
    small = [f"{name}: {n} comment(s)" for name, n in zip(names, (result.comments_a, result.comments_b)) if n < min_comments]
    if small:
        result.warnings.append(f"too few comments for distinctive terms ({'; '.join(small)}; z-scores need about {min_comments} per group)")
        return result
    group = np.where(a, 0, np.where(b, 1, 2))
    rows = np.flatnonzero(real)
    tokens = tokenize(texts.take(pa.array(rows)), user_words)
    tokens.rows = rows[tokens.rows]
    found: list[Term] = []
    for words, grams in enumerate(ngrams(tokens), start=1):
        vocabulary, counts = _counts(grams, group)
        if len(vocabulary) < 2:  # one term has no odds against the others
            continue
        delta, z = log_odds(counts[0], counts[1], counts[2], prior)
        for i in np.flatnonzero((np.abs(z) > z_min) & (np.where(z > 0, counts[0], counts[1]) >= min_count)):
            found.append(Term(vocabulary[i], words, float(z[i]), float(delta[i]), int(counts[0, i]), int(counts[1, i])))
    result.a = sorted((t for t in found if t.z > 0), key=lambda t: (-t.z, t.term))[:top]
    result.b = sorted((t for t in found if t.z < 0), key=lambda t: (t.z, t.term))[:top]
    return result


def band_rows(points: np.ndarray, spec: MetricSpec) -> tuple[np.ndarray, np.ndarray]:
    """The rows in the metric's unhappy and happy band (NPS detractors and promoters), from each
    row's answer (NaN: none): the usual two groups to compare."""
    bands = spec.bands()
    out = []
    for name in spec.kind.comment_bands:
        band = bands[name]
        with np.errstate(invalid="ignore"):
            out.append((points >= band.lo) & (points <= band.hi))
    return out[0], out[1]
