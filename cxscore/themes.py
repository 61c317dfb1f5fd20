"""Comment themes from a dictionary the user owns: which comments mention which theme, and what that
says about the score (the core of ``cxscore comments``, issue 17 part B).

A theme dictionary is YAML, ``theme: {en: [...], zh: [...], exclude: [...]}``. Text and keywords are
compared after NFKC normalisation (full-width ``Ｄｅｌｉｖｅｒｙ`` is ``delivery``) and lower-casing.
English keywords match whole words (``late`` never matches ``latest``); ``deliver*`` is a prefix and
matches every word that starts with it — ``car*`` matches ``care`` and ``career``, so write short
words out (``car``, ``cars``). Chinese keywords match as substrings (Chinese has no spaces); a
single character (``慢``) over-matches and is warned about. An ``exclude`` phrase does not count as a
mention (``can't wait`` under wait time); the theme's other keywords in the same comment still do.
Matching is one RE2 regex per theme over the whole column (``pyarrow.compute``): no per-row Python.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import metrics, stats
from .binning import Binning
from .comments import mask, said_something
from .config import MetricSpec, parse_yaml, read_text_file, validation_message
from .errors import ConfigError
from .tally import Tally

#: Text that is neither a (lower-case) Latin letter nor a digit: where an English word starts or ends ("用app下单"
#: holds "app"). Ranges, not Unicode classes: RE2 runs them twice as fast.
_EDGE = r"[^a-z0-9_\x{00df}-\x{024f}]"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
#: A prefix shorter than this matches too many words (car* → care, career, cargo): warned about.
SHORT_PREFIX = 4
#: How many recent example comments each theme keeps.
EXAMPLES = 3
#: How many recent untagged comments a report keeps (the sample to grow the dictionary from).
UNTAGGED_SAMPLE = 50


def normalise(texts: pa.Array) -> pa.Array:
    """The text as it is matched: NFKC (full-width letters and digits become ASCII) and lower case.
    ASCII text is its own NFKC form and its Unicode lower case is its ASCII lower case (ten times
    faster), so only the other rows take NFKC and Unicode lower-casing."""
    if not pa.types.is_string(texts.type) and not pa.types.is_large_string(texts.type):
        texts = texts.cast(pa.string())
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    other = pc.invert(pc.fill_null(pc.string_is_ascii(texts), True))
    lowered = pc.ascii_lower(texts)
    if pc.any(other).as_py():
        lowered = pc.replace_with_mask(lowered, other, pc.utf8_lower(pc.utf8_normalize(texts.filter(other), "NFKC")))
    return lowered


def _fold(keyword: str) -> str:
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", keyword).lower().split())


def has_cjk(text: str) -> bool:
    """Whether a text holds Chinese, Japanese or Korean characters (matched as substrings, segmented by rjieba)."""
    return bool(_CJK.search(text))


def _words(keywords: list[str]) -> str:
    """One alternation of English keywords, spaces matching any run of spaces."""
    return "|".join(r"\s+".join(re.escape(w) for w in k.rstrip("*").split()) for k in keywords)


def _pattern(english: list[str], chinese: list[str]) -> str | None:
    """The RE2 pattern of a keyword list: English whole words, English prefixes (``deliver*``),
    Chinese substrings. The word edges are written once around each alternation, not per keyword:
    a pattern per keyword made RE2 leave its fast DFA (8× slower on a theme of phrases)."""
    whole = [k for k in english if not k.endswith("*")]
    prefixes = [k for k in english if k.endswith("*")]
    parts = []
    if whole:
        parts.append(f"(?:^|{_EDGE})(?:{_words(whole)})(?:{_EDGE}|$)")
    if prefixes:
        parts.append(f"(?:^|{_EDGE})(?:{_words(prefixes)})")
    parts += [re.escape(k) for k in chinese]
    return "|".join(parts) or None


class ThemeSpec(msgspec.Struct, forbid_unknown_fields=True):
    """One theme as written: English keywords, Chinese keywords, phrases that do not count."""

    en: list[str] = msgspec.field(default_factory=list)
    zh: list[str] = msgspec.field(default_factory=list)
    exclude: list[str] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.en and not self.zh:
            raise ValueError("en: a theme needs at least one keyword in en or zh")
        for key in ("en", "zh", "exclude"):
            for i, word in enumerate(getattr(self, key)):
                if not word.strip() or not word.strip("* "):
                    raise ValueError(f"{key}[{i}]: an empty keyword matches every comment; remove it")
                if "*" in word.rstrip("*") or word.count("*") > 1:
                    raise ValueError(f"{key}[{i}]: {word!r}: '*' may only end a keyword (deliver* is a prefix)")
        for i, word in enumerate(self.en):
            if has_cjk(word):
                raise ValueError(f"en[{i}]: {word!r} is Chinese; put it under zh (matched as a substring)")
        for i, word in enumerate(self.zh):
            if "*" in word:
                raise ValueError(f"zh[{i}]: {word!r}: Chinese keywords match anywhere already; remove the '*'")


@dataclass(frozen=True)
class Theme:
    """A theme ready to match: its name, folded keywords and its RE2 patterns."""

    name: str
    en: tuple[str, ...]
    zh: tuple[str, ...]
    exclude: tuple[str, ...]
    pattern: str
    excluded: str | None  # the exclusions' pattern, removed from the text before matching

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.en + self.zh


@dataclass
class Themes:
    """A validated theme dictionary, in the order written, and its warnings (over-matching keywords)."""

    themes: list[Theme]
    warnings: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.themes]

    def chinese_words(self) -> list[str]:
        """Every Chinese keyword and exclusion: the segmenter's user words, so 退款 stays one word."""
        return list(dict.fromkeys(w for t in self.themes for w in (*t.zh, *t.exclude) if has_cjk(w)))

    def match(self, texts: pa.Array) -> np.ndarray:
        """A boolean matrix, comments × themes: which comment mentions which theme (null text: none)."""
        text = normalise(texts)
        out = np.zeros((len(text), len(self.themes)), dtype=bool)

        def one(j: int) -> None:
            theme = self.themes[j]
            hit = pc.fill_null(pc.match_substring_regex(text, theme.pattern), False).to_numpy(zero_copy_only=False)
            if theme.excluded is not None and hit.any():  # matched again without the exclusions, where both occur:
                rows = np.flatnonzero(hit)  # the exclusions are looked for among the theme's rows only, not the whole column
                mentions = text.take(pa.array(rows))
                both = pc.fill_null(pc.match_substring_regex(mentions, theme.excluded), False).to_numpy(zero_copy_only=False)
                if both.any():
                    again = pc.match_substring_regex(pc.replace_substring_regex(mentions.filter(pa.array(both)), theme.excluded, " "), theme.pattern)
                    hit[rows[both]] = again.to_numpy(zero_copy_only=False)
            out[:, j] = hit

        with ThreadPoolExecutor(max(1, min(len(self.themes), pa.cpu_count()))) as pool:  # Arrow's kernels run without the GIL
            list(pool.map(one, range(len(self.themes))))
        return out


def _theme(name: str, spec: ThemeSpec, warnings: list[str], where: str) -> Theme:
    en = tuple(dict.fromkeys(_fold(w) for w in spec.en))
    zh = tuple(dict.fromkeys(_fold(w) for w in spec.zh))
    exclude = tuple(dict.fromkeys(_fold(w) for w in spec.exclude))
    for word in en + exclude:
        if word.endswith("*") and not has_cjk(word) and len(word.rstrip("*")) < SHORT_PREFIX:
            warnings.append(f"{where}: theme {name!r}: the prefix {word!r} matches every word starting with {word.rstrip('*')!r} (car* matches care); write the words out")
    for word in zh:
        if len(word) == 1:
            warnings.append(f"{where}: theme {name!r}: the one-character keyword {word!r} matches inside many other words; use two or more characters")
    pattern = _pattern(list(en), list(zh))
    assert pattern is not None  # ThemeSpec requires a keyword
    excluded = _pattern([w for w in exclude if not has_cjk(w)], [w for w in exclude if has_cjk(w)])
    return Theme(name, en, zh, exclude, pattern, excluded)


def parse_themes(data: Any, source: str = "themes") -> Themes:
    """A theme dictionary from parsed YAML; ConfigError naming the key path (``delivery.en[2]: …``) and the fix."""
    hint = "themes.example.yaml shows the form: theme: {en: [...], zh: [...], exclude: [...]}"
    if not isinstance(data, dict) or not data:
        raise ConfigError(f"{source}: the top level must be a mapping of theme names to their keywords", hint)
    themes: list[Theme] = []
    warnings: list[str] = []
    for name, body in data.items():
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{source}: {name!r} is not a theme name; give each theme a text name", hint)
        try:
            spec = msgspec.convert(body, ThemeSpec)
        except msgspec.ValidationError as exc:
            message = validation_message(exc, lambda path: ThemeSpec.__struct_fields__, {})
            located = re.match(r"[\w.\[\]]+: ", message)  # "en[1]: …" is a key path inside the theme
            raise ConfigError(f"{source}: {name}.{message}" if located else f"{source}: {name}: {message[0].lower()}{message[1:]}", hint) from None
        themes.append(_theme(name, spec, warnings, source))
    return Themes(themes, warnings)


def load_themes(path: str | Path) -> Themes:
    """Read and validate a theme dictionary file."""
    path = Path(path)
    text = read_text_file(path, "theme dictionary", "--themes")
    return parse_themes(parse_yaml(text, str(path)), str(path))


# --- what the themes say about the score ------------------------------------------------------

@dataclass
class ThemeStat:
    """One theme's figures. Shares are percentages; ``value`` is the metric (NPS, % satisfied, mean) of the
    respondents who mention the theme, ``impact`` the overall value minus the value without them."""

    theme: str
    mentions: int
    pct_of_comments: float
    unhappy_pct: float | None  # % of the unhappy band's comments (NPS detractors) that mention it
    happy_pct: float | None  # % of the happy band's comments (NPS promoters)
    z: float | None  # two-proportion test of unhappy_pct vs happy_pct
    p_value: float | None
    p_adjusted: float | None  # Benjamini–Hochberg across the themes
    n: int  # mentioners with a valid score
    value: float | None
    ci_low: float | None
    ci_high: float | None
    impact: float | None
    examples: list[str]  # the most recent comments mentioning it, contacts masked


@dataclass
class ThemeReport:
    """Every theme's figures, and what the shares are of."""

    metric: str
    bands: tuple[str, str]  # the unhappy and the happy band compared
    comments: int  # real comments (non-answers and blanks left out)
    non_answers: int  # cells left out: empty, n/a, nothing, 无, 没有, 无意见, …
    untagged: int  # real comments that mention no theme
    untagged_pct: float | None
    untagged_sample: list[str]  # the most recent untagged comments, contacts masked
    overall: float | None  # the metric over every respondent with a valid score
    themes: list[ThemeStat]
    warnings: list[str]


def _tally(codes: np.ndarray, width: int) -> Tally:
    counts = np.bincount(codes, minlength=width).astype(np.int64)
    return Tally(counts, counts.astype(np.float64), float(counts.sum()))


def _value(spec: MetricSpec, tally: Tally, confidence: float, nps_method: str) -> tuple[float | None, stats.Interval | None]:
    summary = metrics.summary(spec, tally)
    value = metrics.compute(spec, summary)[0]
    return value, (metrics.interval(spec, summary, confidence, nps_method) if value is not None else None)


def _latest(texts: pa.Array, rows: np.ndarray, rank: np.ndarray, keep: int) -> list[str]:
    """The ``keep`` most recent of these rows' comments (``rank``: each row's place in time), most recent first, masked."""
    latest = rows[np.argsort(rank[rows])[::-1][:keep]]
    return [mask(t.strip()) for t in texts.take(pa.array(latest, pa.int64())).cast(pa.string()).to_pylist()]


def two_proportions(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float] | None:
    """(z, two-sided p) of the pooled two-proportion z test (Pearson's χ² without continuity
    correction on the 2×2 table); None when a side is empty."""
    if n1 == 0 or n2 == 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    return stats.z_test(x1 / n1 - x2 / n2, (pooled * (1 - pooled) * (1 / n1 + 1 / n2)) ** 0.5)


def theme_stats(
    texts: pa.Array,
    points: np.ndarray,
    spec: MetricSpec,
    themes: Themes,
    times: np.ndarray | None = None,
    confidence: float = 0.95,
    nps_method: str = "adjusted-wald",
    blank_values: list[str] | tuple[str, ...] = (),
    untagged_sample: int = UNTAGGED_SAMPLE,
    matrix: np.ndarray | None = None,
    real: np.ndarray | None = None,
) -> ThemeReport:
    """Per theme: mentions, the unhappy vs happy band's shares mentioning it (tested, BH-adjusted), the
    metric of its mentioners with its interval, its impact, and recent examples.

    ``texts`` are the comments and ``points`` each row's answer on the metric's scale (NaN: no valid
    answer), row by row; ``times`` sort the examples (larger is more recent; None: later rows are
    more recent); ``matrix`` the real comments' matches and ``real`` which rows are real comments
    (``said_something``) when the caller has them (``themes.match``, non-answers cleared). Shares of comments count real comments only; the overall value and the value
    without a theme's mentioners count every row with a valid answer, commented or not. Unweighted.
    """
    binning = Binning.of(spec.scale)
    if real is None:
        real = said_something(texts, list(blank_values))
    if matrix is None:
        matrix = themes.match(texts) & real[:, None]
    scored = ~np.isnan(points)
    codes = np.where(scored, points - binning.lo, 0).astype(np.int64)
    everyone = _tally(codes[scored], binning.width)
    overall = _value(spec, everyone, confidence, nps_method)[0]
    unhappy_name, happy_name = spec.kind.comment_bands
    unhappy_band, happy_band = spec.bands()[unhappy_name], spec.bands()[happy_name]
    unhappy = real & scored & (points >= unhappy_band.lo) & (points <= unhappy_band.hi)
    happy = real & scored & (points >= happy_band.lo) & (points <= happy_band.hi)
    n_unhappy, n_happy = int(unhappy.sum()), int(happy.sum())
    order = np.arange(len(points)) if times is None else np.lexsort((np.arange(len(points)), times))  # oldest first
    rank = np.empty(len(points), dtype=np.int64)
    rank[order] = np.arange(len(points))
    comments = int(real.sum())
    rows: list[ThemeStat] = []
    tests: list[float] = []
    for j, theme in enumerate(themes.themes):
        mentioned = matrix[:, j]
        mentions = int(mentioned.sum())
        x1, x2 = int((mentioned & unhappy).sum()), int((mentioned & happy).sum())
        test = two_proportions(x1, n_unhappy, x2, n_happy)
        if test is not None:
            tests.append(test[1])
        part = _tally(codes[mentioned & scored], binning.width)
        value, interval = _value(spec, part, confidence, nps_method)
        without = _value(spec, everyone - part, confidence, nps_method)[0]
        rows_of = np.flatnonzero(mentioned)
        examples = _latest(texts, rows_of, rank, EXAMPLES)
        rows.append(ThemeStat(
            theme.name, mentions, 100 * mentions / comments if comments else 0.0,
            100 * x1 / n_unhappy if n_unhappy else None, 100 * x2 / n_happy if n_happy else None,
            None if test is None else test[0], None if test is None else test[1], None,
            part.n, value, interval.low if interval else None, interval.high if interval else None,
            None if overall is None or without is None else overall - without, examples,
        ))
    adjusted = iter(stats.benjamini_hochberg(tests))
    for row in rows:
        if row.p_value is not None:
            row.p_adjusted = next(adjusted)
    untagged_rows = np.flatnonzero(real & ~matrix.any(axis=1))
    untagged = len(untagged_rows)
    return ThemeReport(
        spec.name, (unhappy_name, happy_name), comments, len(real) - comments, untagged,
        100 * untagged / comments if comments else None, _latest(texts, untagged_rows, rank, untagged_sample), overall, rows, list(themes.warnings),
    )


def mentions_by(matrix: np.ndarray, real: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each theme's mentions per group of rows (a period code, a segment code): the distinct groups
    in order, the real comments in each, and a groups × themes count matrix — share by period is
    mentions / comments. Vectorised: one bincount per theme."""
    keys, index = np.unique(groups[real], return_inverse=True)
    comments = np.bincount(index, minlength=len(keys))
    counts = np.stack([np.bincount(index, weights=column[real], minlength=len(keys)) for column in matrix.T], axis=1) if matrix.shape[1] else np.zeros((len(keys), 0))
    return keys, comments, counts.astype(np.int64)
