"""Comment themes from a dictionary the user owns: which comments mention which theme, and what that
says about the score (the core of ``cxscore comments``, issue 17 part B).

A theme dictionary is YAML, ``theme: {en: [...], zh: [...], exclude: [...]}``. Text and keywords are
compared after NFKC normalisation (full-width ``Ｄｅｌｉｖｅｒｙ`` is ``delivery``) and lower-casing.
English keywords match whole words (``late`` never matches ``latest``); ``deliver*`` is a prefix and
matches every word that starts with it — ``car*`` matches ``care`` and ``career``, so write short
words out (``car``, ``cars``). Chinese keywords match as substrings (Chinese has no spaces); a
single character (``慢``) over-matches and is warned about. An ``exclude`` phrase does not count as a
mention (``can't wait`` under wait time); the theme's other keywords in the same comment still do.
Matching: the ASCII rows (after lower-casing) are cut once into pieces, a word and the non-word
characters after it; the pieces are dictionary-encoded and each theme's keywords are matched against
the distinct pieces only (a phrase is consecutive pieces of one row), so 7 themes cost one pass over
the column instead of 7 RE2 passes (:func:`_token_flags`). Rows with other characters, and themes
with a keyword that starts or ends with a non-word character (``c++``), keep one RE2 regex per theme
over the column (``pyarrow.compute``). Either way no per-row Python.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pyarrow as pa
from .lazy_import import pc

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
    return _normalised(texts)[0]


def _normalised(texts: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """The normalised text and which rows are not ASCII (null rows count as ASCII)."""
    if not pa.types.is_string(texts.type) and not pa.types.is_large_string(texts.type):
        texts = texts.cast(pa.string())
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    lowered = pc.ascii_lower(texts)
    if _all_ascii(texts):  # one pass over the bytes, a tenth of string_is_ascii's row by row
        return lowered, np.zeros(len(texts), dtype=bool)
    other = pc.invert(pc.fill_null(pc.string_is_ascii(texts), True))
    if pc.any(other).as_py():
        lowered = pc.replace_with_mask(lowered, other, pc.utf8_lower(pc.utf8_normalize(texts.filter(other), "NFKC")))
    return lowered, other.to_numpy(zero_copy_only=False)


def _all_ascii(texts: pa.Array) -> bool:
    """Whether every byte of the values (null slots' bytes included) is ASCII."""
    large = pa.types.is_large_string(texts.type)
    offsets = np.frombuffer(texts.buffers()[1], np.int64 if large else np.int32)[texts.offset:texts.offset + len(texts) + 1]
    if not len(texts) or offsets[-1] == offsets[0]:
        return True
    return int(np.frombuffer(texts.buffers()[2], np.uint8)[offsets[0]:offsets[-1]].max()) < 0x80


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
        """A boolean matrix, comments × themes: which comment mentions which theme (null text: none).
        ``_MATCH_ROWS`` rows at a time: their lower-cased copy and pieces are memory reused slice after
        slice, not fresh memory the size of the column (whose page faults cost more system time than
        the matching's own CPU on 1M comments)."""
        if len(texts) <= _MATCH_ROWS:
            return self._match(texts)
        out = np.empty((len(texts), len(self.themes)), dtype=bool)
        for lo in range(0, len(texts), _MATCH_ROWS):
            out[lo:lo + _MATCH_ROWS] = self._match(texts.slice(lo, _MATCH_ROWS))
        return out

    def _match(self, texts: pa.Array) -> np.ndarray:
        text, other = _normalised(texts)
        count = len(self.themes)
        out = np.zeros((len(text), count), dtype=bool)
        excluded = np.zeros((len(text), count), dtype=bool)  # rows where an exclusion of the theme may occur
        plans = [_plan(t.en, t.zh) for t in self.themes]
        fast = [j for j, plan in enumerate(plans) if plan is not None]
        exclusions = [(j, _plan(tuple(w for w in t.exclude if not has_cjk(w)), tuple(w for w in t.exclude if has_cjk(w))) if j in fast else None)
                      for j, t in enumerate(self.themes) if t.excluded is not None]
        ascii_rows = np.flatnonzero(~other)
        slow_exclusions = [j for j, plan in exclusions if plan is None]
        excluded[:, slow_exclusions] = True
        if fast and len(ascii_rows):
            known = [(j, p) for j, p in exclusions if p is not None]
            every = len(ascii_rows) == len(text)
            flags = _token_flags(text if every else text.filter(pa.array(~other)), [p for p in plans if p is not None] + [p for _, p in known])
            rows = slice(None) if every else ascii_rows[:, None]  # all rows: a column write, not np.ix_ (10× faster)
            out[rows, np.array(fast, dtype=np.intp)] = flags[:, :len(fast)]
            excluded[rows, np.array([j for j, _ in known], dtype=np.intp)] = flags[:, len(fast):]
        rest = np.flatnonzero(other)
        excluded[rest] = True
        passes = [(j, None) for j, plan in enumerate(plans) if plan is None] + ([(j, rest) for j in fast] if len(rest) else [])
        part = text.filter(pa.array(other)) if len(rest) and len(rest) < len(text) else text

        def regex(job: tuple[int, np.ndarray | None]) -> None:  # one RE2 pass of a theme over all rows, or over the non-ASCII ones
            j, rows = job
            hit = pc.fill_null(pc.match_substring_regex(text if rows is None else part, self.themes[j].pattern), False).to_numpy(zero_copy_only=False)
            if rows is None:
                out[:, j] = hit
            else:
                out[rows, j] = hit

        def exclude(j: int) -> None:  # a mention inside an exclusion does not count: matched again without the exclusions, where both occur
            theme = self.themes[j]
            rows = np.flatnonzero(out[:, j] & excluded[:, j])  # looked for among the theme's rows only (ASCII rows: only where the pieces show one)
            if theme.excluded is None or not len(rows):
                return
            mentions = text.take(pa.array(rows))
            both = pc.fill_null(pc.match_substring_regex(mentions, theme.excluded), False).to_numpy(zero_copy_only=False)
            if both.any():
                again = pc.match_substring_regex(pc.replace_substring_regex(mentions.filter(pa.array(both)), theme.excluded, " "), theme.pattern)
                out[rows[both], j] = again.to_numpy(zero_copy_only=False)

        with ThreadPoolExecutor(max(1, min(count, pa.cpu_count()))) as pool:  # Arrow's kernels run without the GIL
            list(pool.map(regex, passes))
            list(pool.map(exclude, range(count)))
        return out


#: The bytes of a word in lower-cased ASCII text (the complement of ``_EDGE`` there).
_WORD_BYTES = np.zeros(256, dtype=bool)
_WORD_BYTES[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789_", np.uint8)] = True
#: Rows matched at a time (their lower-cased copy, pieces and vocabulary: tens of MB at most).
_MATCH_ROWS = 1 << 18
#: Rows cut into pieces at a time (a few MB of text).
_BLOCK_ROWS = 1 << 16
#: Bytes tested for word starts at a time: the masks fit in a core's cache.
_WINDOW_BYTES = 1 << 18
_RUNS = re.compile(r"[a-z0-9_]+|[^a-z0-9_]+")
#: Plans matched in one cut of the text: their bits and the phrase bit fill one 64-bit integer a piece.
_MOST_PLANS = 63


@dataclass(frozen=True)
class _Plan:
    """A theme as patterns over pieces (a word and the non-word characters after it, in lower-cased
    ASCII text): ``single`` for its one-piece keywords, ``phrases`` for the others (one pattern per
    consecutive piece)."""

    single: str | None
    phrases: tuple[tuple[str, ...], ...]


def _plan(en: tuple[str, ...], zh: tuple[str, ...]) -> _Plan | None:
    """Keywords as piece patterns, equal to their RE2 pattern (``_pattern``) on ASCII rows; None when a keyword
    starts or ends with a non-word ASCII character (``c++``, ``(beta)``) or a Chinese keyword is
    ASCII: those themes keep the regex pass. Keywords with other non-ASCII characters never match an
    ASCII row and are left out here."""
    whole: list[str] = []
    prefixes: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for keyword in en:
        body = keyword.rstrip("*")
        if not body.isascii():
            continue
        runs = _RUNS.findall(body)
        if not _WORD_BYTES[ord(body[0])] or not _WORD_BYTES[ord(body[-1])]:
            return None
        words, gaps = runs[0::2], [r"\s+".join(re.escape(p) for p in gap.split(" ")) for gap in runs[1::2]]
        if len(words) == 1:
            (prefixes if keyword.endswith("*") else whole).append(re.escape(words[0]))
            continue
        last = "^" + re.escape(words[-1]) + ("" if keyword.endswith("*") else "(?:[^a-z0-9_]|$)")
        phrases.append(tuple(f"^{re.escape(w)}{g}$" for w, g in zip(words, gaps)) + (last,))
    if any(k.isascii() for k in zh):
        return None
    single = [f"^(?:{'|'.join(whole)})(?:[^a-z0-9_]|$)"] if whole else []
    single += [f"^(?:{'|'.join(prefixes)})"] if prefixes else []
    return _Plan("|".join(single) or None, tuple(phrases))


def _word_starts(raw: np.ndarray) -> np.ndarray:
    """Where a word starts in lower-cased ASCII bytes (a byte of ``[a-z0-9_]`` after one that is not).
    Range tests in place (twice as fast as a 256-entry lookup table), a window of ``_WINDOW_BYTES`` at a
    time: the masks stay in the CPU's cache and are reused (over a whole block: 7× the CPU, mostly
    page faults on fresh memory)."""
    n = len(raw)
    starts = np.empty(n, dtype=bool)
    size = min(n, _WINDOW_BYTES)
    word = np.empty(size + 1, dtype=bool)  # word[0]: whether the byte before the window is a word byte
    other = np.empty(size, dtype=bool)
    scratch = np.empty(size, dtype=np.uint8)
    word[0] = False
    for lo in range(0, n, _WINDOW_BYTES):
        part = raw[lo:lo + _WINDOW_BYTES]
        m = len(part)
        inner = word[1:m + 1]
        np.less(np.subtract(part, np.uint8(ord("a")), out=scratch[:m]), 26, out=inner)
        inner |= np.less(np.subtract(part, np.uint8(ord("0")), out=scratch[:m]), 10, out=other[:m])
        inner |= np.equal(part, ord("_"), out=other[:m])
        np.greater(inner, word[:m], out=starts[lo:lo + m])
        word[0] = word[m]
    return starts


def _token_flags(text: pa.Array, plans: list[_Plan]) -> np.ndarray:
    """Which rows of lower-cased ASCII text each plan matches (rows × plans). Block by block of rows, the
    bytes are cut at every word start and row start into pieces — zero-copy, an Arrow string array over
    the same bytes — which are dictionary-encoded; the plans' patterns run once over the distinct
    pieces of all blocks, and a row's flags are the OR of its pieces' (a phrase: consecutive pieces of
    one row). Blocks keep the byte masks and piece arrays a few MB, reused, instead of fresh memory
    the size of the column."""
    if len(plans) > _MOST_PLANS:
        return np.concatenate([_token_flags(text, plans[j:j + _MOST_PLANS]) for j in range(0, len(plans), _MOST_PLANS)], axis=1)
    n = len(text)
    flags = np.zeros((n, len(plans)), dtype=bool)
    # one unsigned integer a piece: bit j for plan j, and one bit more for "a phrase may begin here" (the narrowest type that holds them)
    kind = next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64) if 8 * np.dtype(t).itemsize > len(plans))
    begins = kind(1 << len(plans))
    large = pa.types.is_large_string(text.type)
    offsets = np.frombuffer(text.buffers()[1], np.int64 if large else np.int32)[text.offset:text.offset + n + 1]
    if text.null_count and np.diff(offsets)[pc.is_null(text).to_numpy(zero_copy_only=False)].any():  # a null slot may hold bytes
        return _token_flags(pc.fill_null(text, ""), plans)
    if n == 0 or offsets[-1] == offsets[0]:
        return flags
    data = text.buffers()[2]
    raw = np.frombuffer(data, np.uint8)
    filled = np.flatnonzero(np.diff(offsets) > 0)
    piece_type = pa.LargeStringArray if large else pa.StringArray

    def cut(lo: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]:  # a block's rows, first pieces, piece codes and distinct pieces
        rows = filled[lo:lo + _BLOCK_ROWS]
        begin, end = int(offsets[rows[0]]), int(offsets[rows[-1] + 1])
        mark = _word_starts(raw[begin:end])
        mark[offsets[rows] - begin] = True  # a piece also starts where a row starts: every piece belongs to one row
        starts = np.flatnonzero(mark)
        ends = np.empty(len(starts) + 1, np.int64 if large else np.int32)
        np.add(starts, begin, out=ends[:-1], casting="unsafe")
        ends[-1] = end
        encoded = pc.dictionary_encode(piece_type.from_buffers(len(starts), pa.py_buffer(ends), data))
        return rows, np.searchsorted(starts, offsets[rows] - begin), encoded.indices.to_numpy(), encoded.dictionary

    with ThreadPoolExecutor(max(1, pa.cpu_count())) as pool:  # NumPy and Arrow release the GIL: blocks run side by side
        blocks = list(pool.map(cut, range(0, len(filled), _BLOCK_ROWS)))
        vocabulary = pc.unique(pa.concat_arrays([block[3] for block in blocks]))

        def on_vocabulary(pattern: str) -> np.ndarray:
            return pc.match_substring_regex(vocabulary, pattern).to_numpy(zero_copy_only=False)

        bits = np.zeros(len(vocabulary), dtype=kind)  # each distinct piece's one-piece keyword matches, bit j for plan j
        for j, plan in enumerate(plans):
            if plan.single is not None:
                bits |= on_vocabulary(plan.single).astype(kind) << kind(j)
        phrases = [(j, [on_vocabulary(p) for p in parts]) for j, plan in enumerate(plans) for parts in plan.phrases]
        for _, tests in phrases:
            bits[tests[0]] |= begins

        def flag(block: tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array]) -> None:
            rows, first, index, dictionary = block
            local = pc.index_in(dictionary, vocabulary).to_numpy()
            pieces = bits[local][index]
            found = np.bitwise_or.reduceat(pieces, first)
            candidates = np.flatnonzero(pieces & begins)
            if len(candidates):
                row_first = np.zeros(len(index) + len(max(phrases, key=lambda p: len(p[1]))[1]), dtype=bool)
                row_first[first] = True
                row_first[len(index):] = True  # past the last piece
                ids = local[index[candidates]]
                for j, tests in phrases:
                    at = candidates[tests[0][ids]]
                    for k, test in enumerate(tests[1:], 1):
                        at = at[~row_first[at + k]]  # the next piece, in the same row
                        at = at[test[local[index[at + k]]]]
                    found[np.searchsorted(first, at, "right") - 1] |= kind(1 << j)
            flags[rows] = np.unpackbits(found.astype(found.dtype.newbyteorder("<")).view(np.uint8).reshape(len(found), -1), axis=1, count=len(plans), bitorder="little")

        list(pool.map(flag, blocks))
    return flags


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


def _latest(texts: pa.Array, newest: np.ndarray, wanted: Callable[[np.ndarray], np.ndarray], keep: int) -> list[str]:
    """The ``keep`` most recent comments of the rows ``wanted`` picks (a mask of the rows given), most recent
    first, masked. ``newest`` lists every row most recent first; it is read a window at a time, growing,
    so a frequent theme's examples cost a few thousand rows, not a sort of all its mentions."""
    found: list[np.ndarray] = []
    count, lo, size = 0, 0, 4096
    while count < keep and lo < len(newest):
        window = newest[lo:lo + size]
        hits = window[wanted(window)][:keep - count]
        found.append(hits)
        count += len(hits)
        lo, size = lo + size, size * 4
    latest = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return [mask(t.strip()) for t in texts.take(_indices(latest)).cast(pa.string()).to_pylist()]


def _indices(rows: np.ndarray) -> pa.Array:
    """Row numbers as an Arrow int64 array over the NumPy memory (``pa.array`` of a NumPy array imports numpy.ma)."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(rows)])


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
    # each real comment's class: 3 × its scale point + its band (0 neither, 1 unhappy, 2 happy), or ``slots`` − 1 when unscored;
    # one bincount of (class, mentions the theme) per theme gives its mentions, both bands' counts and its tally
    slots = 3 * binning.width + 1
    where = np.where(scored, 3 * codes + unhappy + 2 * happy, slots - 1)
    where[~real] = 2 * slots  # not a comment: counted in neither half, and no theme matches it (``matrix`` is cleared there)
    newest = np.arange(len(points))[::-1] if times is None else np.lexsort((np.arange(len(points)), times))[::-1]
    comments = int(real.sum())
    rows: list[ThemeStat] = []
    tests: list[float] = []
    for j, theme in enumerate(themes.themes):
        mentioned = matrix[:, j] & real
        counts = np.bincount(where + slots * mentioned, minlength=2 * slots + 1)[slots:2 * slots]
        mentions = int(counts.sum())
        by_point = counts[:-1].reshape(binning.width, 3)
        x1, x2 = int(by_point[:, 1].sum()), int(by_point[:, 2].sum())
        test = two_proportions(x1, n_unhappy, x2, n_happy)
        if test is not None:
            tests.append(test[1])
        tallied = by_point.sum(axis=1).astype(np.int64)
        part = Tally(tallied, tallied.astype(np.float64), float(tallied.sum()))
        value, interval = _value(spec, part, confidence, nps_method)
        without = _value(spec, everyone - part, confidence, nps_method)[0]
        examples = _latest(texts, newest, mentioned.__getitem__, EXAMPLES) if mentions else []
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
    untagged_rows = real & ~matrix.any(axis=1)
    untagged = int(untagged_rows.sum())
    return ThemeReport(
        spec.name, (unhappy_name, happy_name), comments, len(real) - comments, untagged,
        100 * untagged / comments if comments else None, _latest(texts, newest, untagged_rows.__getitem__, untagged_sample) if untagged else [],
        overall, rows, list(themes.warnings),
    )


def mentions_by(matrix: np.ndarray, real: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each theme's mentions per group of rows (a period code, a segment code): the distinct groups
    in order, the real comments in each, and a groups × themes count matrix — share by period is
    mentions / comments. Vectorised: one bincount per theme."""
    keys, index = np.unique(groups[real], return_inverse=True)
    comments = np.bincount(index, minlength=len(keys))
    counts = np.stack([np.bincount(index, weights=column[real], minlength=len(keys)) for column in matrix.T], axis=1) if matrix.shape[1] else np.zeros((len(keys), 0))
    return keys, comments, counts.astype(np.int64)
