"""Zero-config: find NPS, CSAT and CES columns from their question text and check their values."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import Any

import msgspec

from .answer_text import canonical
from .config import Band, MetricSpec
from .kinds import KINDS, get
from .normalize import BLANK, INVALID, AnswerParser
from .scales import REAL_SIZE, na_hint, small, span, three_point_reason, used
from .sources.layouts import Layout

#: Each kind's header pattern, tried in its ``header_order`` (a question naming "recommend" is NPS even if it says "satisfied").
#: Short names stand between non-letters, not word boundaries: extracts write survey_q6_nps, csat_score, ease_of_use.
HEADER_PATTERNS = [(k.name, k.header_pattern) for k in sorted(KINDS.values(), key=lambda k: k.header_order) if k.header_pattern]
#: Companion columns that carry a metric's name but must never be scored (Qualtrics NPS groups).
NEVER_SCORED = re.compile(r"_NPS_GROUP$", re.IGNORECASE)
#: A scale stated in the question: "(0-10)", "1–5", "以0-10分为标准".
STATED_SCALE = re.compile(r"(\d{1,2})\s*(?:-|–|—|~|～|到|至|to)\s*(\d{1,2})\s*(?:分|points?|\)|）|$|\s)")
#: Share of non-blank sampled answers that must be valid for a column to count as a metric.
MIN_VALID_SHARE = 0.9
#: A column that misses that share but whose ratings make at least this share, and whose other
#: answers are at most this many distinct texts, is a rating with a non-answer marker in it.
MIN_RATING_SHARE = 0.5
MAX_NON_ANSWER_TEXTS = 3
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
#: The groups an NPS question's answers fall in as exports write them (HubSpot's and many CRMs' "NPS" field,
#: Qualtrics' labelled NPS_GROUP column, Chinese tools), worst first: a column holding only these under an NPS
#: header is scored from its groups (compared after answer_text.canonical).
NPS_GROUP_TEXTS = {
    "detractors": ["Detractor", "Detractors", "贬损者"],
    "passives": ["Passive", "Passives", "被动者", "中立者"],
    "promoters": ["Promoter", "Promoters", "推荐者"],
}
#: Qualtrics' numeric NPS_GROUP codes (1 detractor, 2 passive, 3 promoter), read only under a header ending _NPS_GROUP.
QUALTRICS_NPS_CODES = {"detractors": ["1"], "passives": ["2"], "promoters": ["3"]}
#: A satisfaction field's groups (Positive / Neutral / Negative): scored as CSAT, % satisfied = share Positive.
CSAT_GROUP_TEXTS = {"dissatisfied": ["Negative"], "neutral": ["Neutral"], "satisfied": ["Positive"]}
NPS_GROUPS = {canonical(text) for texts in NPS_GROUP_TEXTS.values() for text in texts}


@dataclass
class Detection:
    """A metric found without config, or a column that looked like one and was passed over.

    ``warn``: the column was passed over for a reason the user should hear (a rating cxscore will not
    guess how to score), not merely because it holds no ratings. ``default``: scored with no ``-m``
    (a helpdesk layout's alternatives are not); ``about``: a helpdesk KPI's definition, source and unit.
    ``doubt``: the metric is scored, but on a guess the user should confirm (a warning; --strict refuses
    it): a column of groups scored from them. ``groups_of``: a column of groups passed over because the
    rating they were made from is scored (that rating's column), its groups checked against it.
    """

    column: str
    type: str
    spec: MetricSpec | None
    reason: str
    warn: bool = False
    about: dict[str, Any] = field(default_factory=dict)
    default: bool = True
    doubt: str | None = None
    groups_of: str | None = None


@dataclass
class _Fit:
    spec: MetricSpec
    share: float  # of answered values that are valid
    answered: int
    points: list[int]  # the distinct scale points hit, ascending
    stated: bool


def _fit(spec: MetricSpec, counts: Counter, blank_values: Iterable[str], stated: bool) -> _Fit:
    parser = AnswerParser(spec, blank_values)
    points: set[int] = set()
    answered = valid = 0
    for text, count in counts.items():
        code = parser.code(text)
        if code == BLANK:
            continue
        answered += count
        if code != INVALID:
            valid += count
            points.add(parser.binning.value(code))
    return _Fit(spec, valid / answered if answered else 0.0, answered, sorted(points), stated)


def _non_answers(fit: _Fit, counts: Counter, blank_values: Iterable[str]) -> Counter:
    """The texts of a fit's invalid answers, by count (trimmed)."""
    parser = AnswerParser(fit.spec, blank_values)
    texts: Counter = Counter()
    for text, count in counts.items():
        if parser.code(text) == INVALID:
            texts[text.strip()] += count
    return texts


def _unfit_reason(tried: list[str], counts: Counter, blank_values: Iterable[str], nearest: _Fit | None = None) -> str:
    """Why no scale fits, with a hint when the values are whole numbers from 0 up (0 = not applicable?),
    or when ratings on a scale make at least half of a real sample and a few texts the rest (a redacted
    or "don't know" marker): those texts are named with the blank_values that makes them no answer."""
    reason = f"its values are not on a {' or '.join(tried)} scale"
    if nearest is not None and nearest.answered >= REAL_SIZE and nearest.share >= MIN_RATING_SHARE:
        texts = _non_answers(nearest, counts, blank_values)
        if len(texts) <= MAX_NON_ANSWER_TEXTS and not any(_NUMBER.fullmatch(t) for t in texts):
            shown = ", ".join(f"{t!r} ×{c}" for t, c in texts.most_common())
            listed = ", ".join(f'"{t}"' for t, _ in texts.most_common())
            return (f"{sum(texts.values())} of its {nearest.answered} answers in the first rows are not on a "
                    f"{nearest.spec.scale} scale ({shown}); if {'that means' if len(texts) == 1 else 'those mean'} "
                    f"no answer, give blank_values: [{listed}] in a config")
    groups = {canonical(t) for t in counts if t.strip()}
    if groups and groups <= NPS_GROUPS:
        return "it holds NPS groups (Promoter, Passive, Detractor), not the 0–10 answers they are made from"
    blank = {v.casefold() for v in blank_values}
    numbers = [t.strip() for t in counts if t.strip().casefold() not in blank and t.strip()]
    if numbers and all(re.fullmatch(r"\d{1,2}", t) for t in numbers):
        values = sorted({int(t) for t in numbers})
        reason += f" (seen {Band(values[0], values[-1])})"
        if values[0] == 0 and len(values) > 2 and values[-1] <= 10:  # a rating with 0 beside it, not a 0/1 flag
            reason += f"; {na_hint(['0'])}"
    return reason


def fit_scale(name: str, column: str, question: str, values: list[str], blank_values: Iterable[str], positions: bool) -> tuple[MetricSpec | None, str, bool]:
    """The smallest standard scale the sampled answers fit (at least 90% valid) and use, with a note;
    or None, why not, and whether that deserves a warning (a 3-point item).

    Among the scales that fit: one stated in the question first; then, once the sample has real size,
    one the answers use (answers 1–5 fit 1–10 too, but never reach its top); then not a two- or
    three-point scale (a few answers 1–3 say little); then the most distinct points (a 7-level label
    column read on a 5-point map loses two levels); then the smallest. With ``positions`` (问卷星's
    download by option position) a stored number is the option's position from 1, so point = lo + number − 1.
    """
    stated = STATED_SCALE.search(question)
    stated_scale = (int(stated.group(1)), int(stated.group(2))) if stated else None
    kind = get(name)
    candidates = list(kind.candidate_scales)
    if stated_scale and kind.stated_scales and stated_scale[1] > stated_scale[0]:
        # A stated scale is tried too; an unusual one (say 0–6) is the only one tried.
        candidates = candidates if stated_scale in candidates else [stated_scale]
    counts = Counter(values)
    tried, fits = [], []
    nearest: _Fit | None = None
    for lo, hi in candidates:
        try:
            spec = MetricSpec(type=name, column=column, scale=Band(lo=lo, hi=hi), offset=lo - 1 if positions else 0, **kind.trial_settings(lo, hi))
        except ValueError:
            continue
        fit = _fit(spec, counts, blank_values, (lo, hi) == stated_scale)
        if fit.answered == 0:
            return None, "no answers in the first rows", False
        if fit.share >= MIN_VALID_SHARE:
            fits.append(fit)
        if nearest is None or fit.share > nearest.share:
            nearest = fit
        tried.append(f"{lo}–{hi}")
    if not fits:
        return None, _unfit_reason(tried, counts, blank_values, nearest), False
    real = fits[0].answered >= REAL_SIZE
    best = max(fits, key=lambda f: (
        f.stated,
        not real or used(kind, f.spec.scale, f.points[0], f.points[-1]),
        not small(f.spec.scale),
        len(f.points),
        -span(f.spec.scale),
    ))
    spec = best.spec
    if (spec.scale.lo, spec.scale.hi) == (1, 3):
        return None, three_point_reason(kind), True
    how = "stated in the question" if best.stated else "from the values"
    return spec, f"{spec.scale} ({how})", False


def _name(kind: str, question: str, counts: dict[str, int]) -> str:
    counts[kind] = counts.get(kind, 0) + 1
    if "—" in question:  # a matrix row: name it after the row (问卷星 题干—行, SurveyMonkey question — row)
        label = re.sub(r"\W+", "_", question.rsplit("—", 1)[1].strip()).strip("_").lower()
        if label:
            return f"{kind}_{label}"
    return kind if counts[kind] == 1 else f"{kind}_{counts[kind]}"


def group_spec(kind: str, column: str, values: list[str], blank_values: Iterable[str], codes: bool = False) -> MetricSpec | None:
    """A metric scored from groups when every sampled answer that is not blank is a group text this kind
    is known to be written in (NPS: Promoter/Passive/Detractor, 推荐者/被动者/贬损者; CSAT: Positive/Neutral/
    Negative; with ``codes``, Qualtrics' NPS_GROUP codes 1/2/3 too), else None."""
    known = {"nps": NPS_GROUP_TEXTS, "csat": CSAT_GROUP_TEXTS}.get(kind)
    if known is None:
        return None
    texts = {group: [*known[group], *(QUALTRICS_NPS_CODES.get(group, []) if codes else [])] for group in known}
    names = {canonical(text) for group in texts.values() for text in group}
    blank = {canonical(v) for v in blank_values}
    seen = {canonical(v) for v in values} - blank - {""}
    if not seen or not seen <= names:
        return None
    return msgspec.convert({"type": kind, "column": column, "groups": texts}, MetricSpec)  # as a config's metric is read: no scale given


def _group_doubt(column: str, spec: MetricSpec, values: list[str]) -> str:
    """The warning a column scored from its groups carries: what it holds and how to confirm it."""
    seen = ", ".join(sorted({v.strip() for v in values if v.strip()}))
    lacking = "no mean or distribution" if spec.kind.name == "csat" else "no 0–10 mean or distribution"
    return (f"{column!r} holds only groups ({seen}), not ratings: scored as {spec.kind.article} from the groups' shares ({lacking}); "
            f"a guess from its header and values: confirm it with groups: in a config")


def detect_metrics(columns: list[str], sample: list[list], blank_values: Iterable[str], layout: Layout | None = None) -> list[Detection]:
    """Every column whose question names a metric and whose sampled values fit its scale, or are its groups
    (a column of groups beside the rating it was made from is passed over: the rating is scored)."""
    layout = layout or Layout(columns=columns)
    blank_values = [*blank_values, *layout.blank_values]
    found: list[tuple[Detection, str]] = []  # each with its question (names are given once all are found)
    for index, column in enumerate(columns):
        question = layout.question(column)
        if column in layout.metadata:
            continue
        values = [row[index] for row in sample if index < len(row) and row[index] is not None]
        if NEVER_SCORED.search(column) or NEVER_SCORED.search(question):  # Qualtrics' NPS group of a QID column
            spec = group_spec("nps", column, values, blank_values, codes=True)
            if spec is not None:
                found.append((Detection(column, "nps", spec, "a Qualtrics NPS_GROUP column of groups (1 detractor, 2 passive, 3 promoter)", doubt=_group_doubt(column, spec, values)), question))
            continue
        hint = layout.metric_hints.get(column)
        match = (hint[0], None) if hint else next(((kind, m) for kind, pattern in HEADER_PATTERNS if (m := pattern.search(question))), None)
        if match is None:
            continue
        kind, hit = match
        spec, scale_note, warn = fit_scale(kind, column, question, values, blank_values, layout.position_download)
        why = f"the {layout.name} layout defines it" if hit is None else f"question mentions {hit.group(0)!r}"
        if spec is None:
            grouped = group_spec(kind, column, values, blank_values)
            if grouped is not None:
                found.append((Detection(column, kind, grouped, f"{why}; its values are {grouped.kind.name.upper()} groups, scored from their shares", doubt=_group_doubt(column, grouped, values)), question))
                continue
            found.append((Detection(column, kind, None, f"{why} but {scale_note}" + ("" if warn else "; not scored"), warn=warn), question))
            continue
        note = f"; option positions shifted by {spec.offset:+d}" if spec.offset else ""
        found.append((Detection(column, kind, spec, f"{why}; scale {scale_note}{note}"), question))
    _pair_groups([d for d, _ in found], columns, sample, blank_values)
    counts: dict[str, int] = {}
    for detection, question in found:
        if detection.spec is not None:
            detection.spec.name = _name(detection.type, question, counts)
    return [d for d, _ in found]


def _column_values(columns: list[str], sample: list[list], column: str) -> list[str | None]:
    """A column's sampled cells, one per sampled row (None where the row is short)."""
    index = columns.index(column)
    return [row[index] if index < len(row) else None for row in sample]


def disagreement(rating: MetricSpec, groups: MetricSpec, ratings: list[str | None], labels: list[str | None], blank_values: Iterable[str]) -> str | None:
    """Whether the groups of a column agree with the ratings they were made from, row by row (rows where
    either is blank or not understood are not compared): None when they do, else the count and the first
    disagreeing row (counted from the first data row), for a warning."""
    rated, grouped = AnswerParser(rating, blank_values), AnswerParser(groups, blank_values)
    band_of = {point: name for name, band in rating.bands().items() for point in range(band.lo, band.hi + 1)}
    between = next((g for g in groups.kind.groups if g not in band_of.values()), None)  # CSAT's neutral: the points in no band
    group_of = {i + 1: name for i, name in enumerate(groups.kind.groups)}
    compared, wrong, first = 0, 0, None
    for row, (answer, label) in enumerate(zip(ratings, labels), 1):
        a, g = rated.code(answer), grouped.code(label)
        if a < 0 or g < 0:
            continue
        point = rated.binning.value(a)
        compared += 1
        band, group = band_of.get(point, between), group_of[grouped.binning.value(g)]
        if band != group:
            wrong += 1
            first = first or f"row {row}: {str(answer).strip()!r} ({band}) labelled {_labelled(str(label), group)}"
    if not wrong:
        return None
    return (f"in the first rows, {wrong:,} of {compared:,} with both answered disagree with the ratings (e.g. {first}); "
            "the ratings are scored: check which column is right")


def _labelled(label: str, group: str) -> str:
    """A group text as an example shows it: with its group's name unless it is that name ('3' (promoters),
    'Positive' (satisfied), '推荐者' (promoters); 'Promoter' alone)."""
    text = label.strip()
    return repr(text) if canonical(text).rstrip("s") == group.rstrip("s") else f"{text!r} ({group})"


def _pair_groups(found: list[Detection], columns: list[str], sample: list[list], blank_values: list[str]) -> None:
    """A column of groups beside the rating it was made from is not a second metric: it is passed over,
    naming the rating (its ``groups_of``, whose groups the scan checks against it). Its rating is the column
    its Qualtrics name extends (``QID3_NPS_GROUP`` → ``QID3``), else the one rating of its type in the file;
    with several and no such name, it is passed over as belonging to one of them."""
    ratings = [d for d in found if d.spec is not None and d.spec.groups is None]
    for d in found:
        if d.spec is None or d.spec.groups is None:
            continue
        same = [r for r in ratings if r.type == d.type]
        named = [r for r in same if NEVER_SCORED.search(d.column) and r.column == NEVER_SCORED.sub("", d.column)]
        rating = named[0] if named else same[0] if len(same) == 1 else None
        if rating is not None:
            assert rating.spec is not None, "a rating"
            disagree = disagreement(rating.spec, d.spec, _column_values(columns, sample, rating.column), _column_values(columns, sample, d.column), blank_values)
            d.spec, d.doubt, d.groups_of = None, None, rating.column
            d.reason = f"it holds the {d.type.upper()} groups of {rating.column!r}, which is scored from its ratings"
            d.reason += f"; {disagree}" if disagree else "; its groups agree with the ratings in the first rows"
            d.warn = disagree is not None
        elif same:
            d.spec, d.doubt = None, None
            d.reason = f"it holds {d.type.upper()} groups, made from one of the {len(same)} {d.type.upper()} ratings scored ({', '.join(repr(r.column) for r in same)}); not scored"
