"""How numbers look to a person (tables, Markdown). Machine formats keep full precision."""
from __future__ import annotations


from ..kinds import KINDS, get
from ..model import ResultRow


def number(value: float | None, digits: int = 1, sign: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    return "0.0" if text in ("-0.0", "+0.0") else text


def pct(value: float | None) -> str:
    return "—" if value is None else f"{number(value)}%"


def styled(value: float | None, style: str) -> str:
    """A value in a kind's style: ``points`` signed (NPS), ``pct`` a percentage, ``mean`` two decimals."""
    if style == "points":
        return number(value, sign=True)
    if style == "pct":
        return pct(value)
    return number(value, 2)


def score(row: ResultRow) -> str:
    """The headline value in its kind's style: NPS in points, CSAT as % satisfied, CES as a mean."""
    return styled(row.value, get(row.type).style)


def details(row: ResultRow) -> str:
    """The components behind the value, in one short line (the parts its kind names)."""
    if row.value is None:
        return "no valid answers"
    return " · ".join(f"{words} {styled(row.components[key], style)}" for words, key, style in get(row.type).details)


def digits(kind: str) -> int:
    """Decimals of a metric type's values, intervals, margins and differences (CES means: 2)."""
    return get(kind).digits


def higher_is_better(metric) -> bool:
    """Whether a higher score is good news (a CES may be higher_is_harder); ``metric`` a MetricInfo."""
    return get(metric.type).higher_is_better(metric)


def level(share: float) -> str:
    """A confidence level or probability as people write it: 95%, 99.9% (never 100% for 0.999)."""
    return f"{share * 100:g}%"


def scale(points: list[int]) -> str:
    """A metric's answer scale, as people write it: ``0–10``."""
    return f"{points[0]}–{points[1]}"


SCORE_LABEL = {name: kind.score_label for name, kind in KINDS.items()}
