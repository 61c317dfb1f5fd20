"""How numbers look to a person (tables, Markdown). Machine formats keep full precision."""
from __future__ import annotations


from ..kinds import KINDS, get
from ..model import MetricInfo, ResultRow


def number(value: float | None, digits: int = 1, sign: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    return text.lstrip("+-") if float(text) == 0 else text  # a value that rounds to zero has no sign: 0.0, 0.00


def pct(value: float | None) -> str:
    return "—" if value is None else f"{number(value)}%"


def duration(seconds: float | None, sign: bool = False, setting: bool = False) -> str:
    """Seconds as people read a duration: ``52s``, ``3m 20s``, ``35m``, ``4h 12m``, ``2d 3h`` (two units at most,
    the smaller rounded); ``sign`` writes a difference's + or -. The minus is ASCII's, as for every number
    (README: *Minus signs*): ``-6.0s``, ``-3h 56m``, ``-16.5``. Under 10 seconds a measured duration always has
    one decimal (``4.0s``, ``5.1s``), so a value, its interval and its ± in one row share their precision
    (a difference of exactly zero is ``0``, in any unit);
    a ``setting`` (a target, a service level's ``within:``) is written as it was set: ``20s``, ``5s``, ``4.5s``."""
    if seconds is None:
        return "—"
    if sign and seconds == 0:  # no change at all: 0, whatever the column's unit (not 0.0s beside 7h 52m; the workbook's cell too)
        return "0"
    lead = ("+" if seconds > 0 else "-" if seconds < 0 else "") if sign else ("-" if seconds < 0 else "")
    s = abs(seconds)
    if s < 9.95:
        text = f"{s:.1f}s"
        text = text.replace(".0s", "s") if setting else text
        lead = lead if float(text[:-1]) else ""  # a value that rounds to zero has no sign: 0.0s
    elif s < 59.5:
        text = f"{s:.0f}s"
    elif s < 599.5:
        m, r = divmod(round(s), 60)
        text = f"{m}m {r:02d}s" if r else f"{m}m"
    elif s < 3570:
        text = f"{round(s / 60)}m"
    elif s < 86370:
        h, m = divmod(round(s / 60), 60)
        text = f"{h}h {m:02d}m" if m else f"{h}h"
    else:
        d, h = divmod(round(s / 3600), 24)
        text = f"{d}d {h}h" if h else f"{d}d"
    return lead + text


def margin(value: float | None, kind: str) -> str:
    """A ± in a metric type's units; one that rounds to zero reads ``±<0.1s`` (``±<0.1``), never ``±0s``."""
    if value is None:
        return "—"
    text = amount(value, kind)
    if value > 0 and not any(c in "123456789" for c in text):
        smallest = "0.1s" if get(kind).style == "duration" else f"{10 ** -digits(kind):.{digits(kind)}f}"
        return f"±<{smallest}"
    return f"±{text}"


def styled(value: float | None, style: str) -> str:
    """A value in a kind's style: ``points`` signed (NPS), ``pct`` a percentage, ``mean`` two decimals,
    ``duration`` seconds as ``4h 12m``."""
    if style == "points":
        return number(value, sign=True)
    if style == "pct":
        return pct(value)
    if style == "duration":
        return duration(value)
    return number(value, 2)


def amount(value: float | None, kind: str, sign: bool = False) -> str:
    """An interval end, margin, difference or target in a metric type's units (a duration's: ``4h 12m``)."""
    if get(kind).style == "duration":
        return duration(value, sign)
    return number(value, digits(kind), sign)


def score(row: ResultRow) -> str:
    """The headline value in its kind's style: NPS in points, CSAT as % satisfied, CES as a mean."""
    return styled(row.value, get(row.type).style)


def details(row: ResultRow) -> str:
    """The components behind the value, in one short line (the parts its kind names)."""
    if row.value is None:
        return "no valid answers"
    parts = get(row.type).details
    return " · ".join(f"{words} {styled(row.components[key], style)}" for words, key, style in parts if row.components.get(key) is not None)


def digits(kind: str) -> int:
    """Decimals of a metric type's values, intervals, margins and differences (CES means: 2)."""
    return get(kind).digits


def higher_is_better(metric) -> bool:
    """Whether a higher score is good news (a CES may be higher_is_harder); ``metric`` a MetricInfo."""
    return get(metric.type).higher_is_better(metric)


def level(share: float) -> str:
    """A confidence level or probability as people write it: 95%, 99.9% (never 100% for 0.999)."""
    return f"{share * 100:g}%"


def scale(points: list[int] | None) -> str:
    """A metric's answer scale, as people write it: ``0–10`` (``—`` for a duration, which has none)."""
    return "—" if points is None else f"{points[0]}–{points[1]}"


def scale_of(metric: MetricInfo) -> str:
    """A metric's scale as :func:`scale` writes it, or ``groups`` for answers given as groups (Promoter, …)."""
    return "groups" if metric.groups else scale(metric.scale)


SCORE_LABEL = {name: kind.score_label for name, kind in KINDS.items()}
