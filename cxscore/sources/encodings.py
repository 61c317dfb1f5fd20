"""Which text encoding an export is in, decided from the bytes of a sample, in a fixed order.

1. a byte-order mark (UTF-8, UTF-16), or UTF-16 without one (NUL high bytes); 2. strict UTF-8;
3. GB18030 when the bytes decode as it and the text is Chinese; 4. cp1252 when they decode as it
and the text is Western European words, or latin-1 (said as a guess) when it is but for a byte cp1252
leaves undefined; 5. charset-normalizer's statistical guess, said as a warning.

Steps 3 and 4 come before the statistical guess because it fails on exactly the exports this tool
sees most: a few Chinese labels among English headers and numbers read as cp949, big5 or a Baltic
code page, a few accented names read as cp1250 or cp1256.
"""
from __future__ import annotations

import codecs
import re
from collections import Counter
from typing import NamedTuple

from ..errors import InputError

#: Encodings named as people know them (Python's codec names otherwise).
COMMON_NAMES = {"iso8859-1": "latin-1", "utf-8-sig": "utf-8-sig", "utf-8": "utf-8"}
#: Chinese code pages that GB18030 holds: read as GB18030, which decodes what they do and more.
_GB18030_SUBSETS = {"gb2312", "gbk", "cp936"}
#: GB2312 rows (lead bytes) where EUC-KR keeps its Hangul syllables.
_HANGUL_ROWS = set(range(0xB0, 0xC9))
#: Share of the non-ASCII characters that must be GB2312 or four-byte GB18030 (common simplified text).
GB_COMMON_SHARE = 0.8
#: Share of them that must be Han, CJK or general punctuation, circled numbers, full-width forms or four-byte GB18030 (not kana, Greek or Cyrillic).
CJK_SHARE = 0.9
#: Share of the high bytes that must be zero for UTF-16 without a byte-order mark (Chinese text has few: its delimiters and digits).
UTF16_ZEROS = 0.1
#: Distinct characters needed before text made only of EUC-KR's Hangul rows counts as possibly Korean.
HANGUL_ROWS_DISTINCT = 20
#: Share of accented words (two letters or more) that may have no ASCII letter in cp1252 text.
FOREIGN_WORD_SHARE = 0.2
#: Characters of the sample whose words are looked at (plenty, and keeps detection under 30 ms).
WORD_SAMPLE_CHARS = 1 << 17
_NON_ASCII = re.compile(r"[\x00-\x7f]+")
_CJK = re.compile(r"[\u00b7\u2010-\u2027\u2160-\u217f\u2460-\u24ff\u2e80-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")
#: A word (a run of letters) with at least one non-ASCII letter in it.
_ACCENTED_WORD = re.compile(r"[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
#: Non-letters that Western European text holds: typographic quotes and dashes, currency, degree, …
_WESTERN_SYMBOLS = set("\u00a0¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²´µ¶·¸º»¿×÷€‚„…†‡ˆ‰‹‘’“”•–—˜™›")


#: cp1252's characters for the bytes that continue a UTF-8 character (0x80–0xBF; the five it leaves undefined are absent).
_CONTINUATION = "".join(bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0xC0))
#: A UTF-8 character's bytes read as cp1252: a lead byte's character (Ã for 0xC3, â for 0xE2) and its continuations.
_TWICE = re.compile(f"[\u00c2-\u00df][{re.escape(_CONTINUATION)}]|[\u00e0-\u00ef][{re.escape(_CONTINUATION)}]{{2}}")
#: Such runs in a sample before its text counts as encoded twice (one can be a real name: "Ã©" is rare, not impossible).
TWICE_RUNS = 2


class Detected(NamedTuple):
    """An encoding and how it was chosen; ``guessed`` when only statistics chose it."""

    name: str
    reason: str
    guessed: bool = False


def common_name(encoding: str) -> str:
    """``cp1252``, ``gb18030``, ``utf-8-sig``, ``latin-1``: the name people know, for any alias Python accepts."""
    name = codecs.lookup(encoding).name
    return COMMON_NAMES.get(name, name)


def is_utf8(encoding: str) -> bool:
    """UTF-8, with or without a byte-order mark: what pyarrow reads natively."""
    return codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")


def is_wide(encoding: str) -> bool:
    """UTF-16 or UTF-32: a quote or newline is not one byte, so a file cannot be cut or searched by its bytes."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def choose_encoding(sample: bytes, complete: bool, given: str | None) -> Detected:
    """The encoding given with ``--encoding`` (by its common name), else the detected one."""
    if given is None:
        return detect_encoding(sample, complete)
    try:
        return Detected(common_name(given), "--encoding")
    except LookupError:
        raise InputError(f"unknown encoding: {given}", "use a Python codec name such as utf-8, gb18030, utf-16, cp1252") from None


def detect_encoding(sample: bytes, complete: bool) -> Detected:
    """The encoding of a sample (the first MiB of a file), by the order in the module docstring."""
    if sample.startswith(codecs.BOM_UTF8):
        return Detected("utf-8-sig", "UTF-8 byte-order mark")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Detected("utf-16", "UTF-16 byte-order mark")
    if b"\x00" in sample:  # text exports hold no NUL bytes, except as UTF-16's high bytes of ASCII
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        name = "utf-16-le" if odd > even else "utf-16-be"
        if max(odd, even) >= UTF16_ZEROS * len(sample) / 2 and _decodes(sample, name, complete) is not None:
            return Detected(name, "UTF-16 without a byte-order mark (NUL high bytes)")
    if _decodes(sample, "utf-8", complete) is not None:  # not UTF-16, so its NULs are stray ones: shown as \x00
        return Detected("utf-8", "valid UTF-8")
    text = _decodes(sample, "gb18030", complete) if b"\x00" not in sample else None
    if text is not None and _looks_chinese(text):
        if _hangul_rows_only(text):  # as likely Korean: statistics cannot tell so few characters apart either
            return Detected("gb18030", "not UTF-8; decodes as GB18030, but its few characters are Korean (cp949) syllables as well as Hanzi", guessed=True)
        return Detected("gb18030", "not UTF-8; decodes as GB18030 and the text is Chinese")
    text = _decodes(sample, "cp1252", complete) if b"\x00" not in sample else None
    if text is not None and _looks_western(text):
        return Detected("cp1252", "not UTF-8; decodes as cp1252 and the text is Western European")
    if text is None and b"\x00" not in sample and _western_but_for_undefined(sample):  # the statistics named cp1256 (Arabic)
        undefined = ", ".join(f"0x{b:02X}" for b in CP1252_UNDEFINED if bytes([b]) in sample)
        return Detected("latin-1", f"Western European text but for byte(s) {undefined}, which cp1252 leaves undefined and latin-1 reads as control characters", guessed=True)
    import charset_normalizer  # only for files that none of the above fits

    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise InputError("could not tell the text encoding of the input", "pass --encoding, e.g. --encoding gb18030 or --encoding cp1252")
    name = common_name(best.encoding)
    return Detected(widened(name), "a statistical guess (charset-normalizer)", guessed=True)


def widened(encoding: str) -> str:
    """GB2312 and GBK (cp936) as GB18030, which holds them: an export labelled with either may use characters only GB18030 has."""
    return "gb18030" if encoding in _GB18030_SUBSETS else encoding


def encoded_twice(text: str) -> tuple[str, str] | None:
    """A word of UTF-8 text that was decoded as cp1252 and saved as UTF-8 again ("ParabÃ©ns"), and what it
    says ("Parabéns"), when the sample holds at least :data:`TWICE_RUNS` such runs that decode back; else None."""
    runs = 0
    first = None
    for match in _TWICE.finditer(text):
        try:
            match.group().encode("cp1252").decode("utf-8")
        except UnicodeError:
            continue
        runs += 1
        first = first or match
        if runs >= TWICE_RUNS:
            break
    if first is None or runs < TWICE_RUNS:
        return None
    start = max(text.rfind(c, 0, first.start()) for c in " ,;\t\n\"") + 1
    ends = [i for i in (text.find(c, first.end()) for c in " ,;\t\n\"") if i >= 0]
    word = text[start:min(ends, default=len(text))]
    try:
        return word, word.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return word, _TWICE.sub(lambda m: m.group().encode("cp1252").decode("utf-8", "replace"), word)


def twice_warning(where: str, word: str, meant: str) -> str:
    """The doubt for text encoded twice (``--strict`` refuses it): the file is read as written, so labels stay garbled."""
    return (f"{where}: text looks encoded twice ({word!r} for {meant!r}): UTF-8 that was opened as Windows-1252 and saved "
            "as UTF-8 again (Excel and some editors do this); its labels, segments and comments are read as written — "
            "export the file again from its platform, or repair it before scoring")


def guessed_warning(where: str, detected: Detected) -> str:
    """The warning for an encoding that was guessed (``--strict`` refuses it), with why."""
    why = "not UTF-8, Chinese GB18030 or Western cp1252" if detected.reason.startswith("a statistical guess") else detected.reason
    return f"{where}: text encoding guessed as {detected.name} ({why}); if labels look garbled, pass --encoding"


def _decodes(sample: bytes, encoding: str, complete: bool):
    """The sample as text, or None when it is not valid in ``encoding`` (a character cut at the end of an incomplete sample is fine)."""
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError:
        return None


def _looks_chinese(text: str) -> bool:
    """Mostly common simplified Chinese (GB2312, or GB18030's four-byte forms), not Korean, Japanese or Big5 read as GBK.

    Big5 and Shift_JIS read as GBK land outside GB2312 (trail bytes below 0xA1, lead bytes below 0xA1);
    kana fail the CJK share; EUC-KR Hangul is GB2312-valid but sits in rows 0xB0–0xC8 only, so text
    made only of those rows with many distinct characters is left to the statistical guess.
    """
    counts = Counter(_NON_ASCII.sub("", text))
    total = sum(counts.values())
    if not total:
        return False
    common, cjk, leads = 0, 0, set()
    for char, count in counts.items():
        encoded = char.encode("gb18030")
        four_byte = len(encoded) == 4  # byte, digit, byte, digit: GB18030's own, never Western text
        if four_byte or (len(encoded) == 2 and encoded[0] >= 0xA1 and encoded[1] >= 0xA1):
            common += count
        if four_byte or _CJK.match(char):
            cjk += count
        leads.add(encoded[0])
    if common < GB_COMMON_SHARE * total or cjk < CJK_SHARE * total:
        return False
    return len(counts) < HANGUL_ROWS_DISTINCT or not leads <= _HANGUL_ROWS


def _hangul_rows_only(text: str) -> bool:
    """Every non-ASCII character's GB2312 lead byte is in rows 0xB0–0xC8, where EUC-KR keeps its Hangul syllables:
    a few Korean words read as GB18030 look like this (kr csat.csv: 나이, 쇼핑몰, 만족도), and so do a few Hanzi."""
    return {char.encode("gb18030")[0] for char in set(_NON_ASCII.sub("", text))} <= _HANGUL_ROWS


def _looks_western(text: str) -> bool:
    """Latin letters and Western punctuation, with accented letters inside otherwise ASCII words.

    Cyrillic, Greek, Arabic or Hebrew single-byte text read as cp1252 also gives Latin-1 letters, but
    whole words of them; Central European text gives symbols such as ``³`` and ``¹`` for ł and ą.
    """
    for char in set(_NON_ASCII.sub("", text)):
        if not (char.isalpha() or char in _WESTERN_SYMBOLS):
            return False
    accented = [word for word in _ACCENTED_WORD.findall(text, 0, WORD_SAMPLE_CHARS) if len(word) > 1]
    foreign = sum(not _ASCII_LETTER.search(word) for word in accented)
    return foreign <= FOREIGN_WORD_SHARE * len(accented)


def encoding_hint(failed: str, sample: bytes = b"", complete: bool = False) -> str:
    """How to fix a failed decoding: what the sample looks like, never the encoding that just failed."""
    try:
        failed = common_name(failed)
    except LookupError:
        pass
    suggestions = []
    if sample:
        try:
            found = detect_encoding(sample, complete)
        except InputError:
            found = None
        if found is not None and found.guessed and _western_but_for_undefined(sample):
            suggestions.append("latin-1")
        if found is not None:
            suggestions.append(found.name)
    suggestions = [e for e in dict.fromkeys([*suggestions, "gb18030", "utf-16", "cp1252"]) if e != failed]
    return f"pass the right --encoding (e.g. {', '.join(suggestions[:3])})"


CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _western_but_for_undefined(sample: bytes) -> bool:
    """Western European text but for bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D; a comment typed
    in DOS code page 850 among latin-1 ones): latin-1 reads every byte, where the statistical guess names cp1256."""
    return b"\x00" not in sample and _looks_western(sample.decode("cp1252", errors="replace").replace("\ufffd", ""))
