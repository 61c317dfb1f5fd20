"""How numbers look to a person (tables, Markdown). Machine formats keep full precision."""
from __future__ import annotations


from ..model import ResultRow


def number(value: float | None, digits: int = 1, sign: bool = False) -> str:
    if value is None:
        return "—"
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    return "0.0" if text in ("-0.0", "+0.0") else text


def pct(value: float | None) -> str:
    return "—" if value is None else f"{number(value)}%"


def score(row: ResultRow) -> str:
    """The headline value: NPS in points, CSAT as % satisfied, CES as a mean."""
    if row.type == "nps":
        return number(row.value, sign=True)
    if row.type == "csat":
        return pct(row.value)
    return number(row.value, 2)


def details(row: ResultRow) -> str:
    """The components behind the value, in one short line."""
    c = row.components
    if row.value is None:
        return "no valid answers"
    if row.type == "nps":
        return f"promoters {pct(c['promoters_pct'])} · passives {pct(c['passives_pct'])} · detractors {pct(c['detractors_pct'])}"
    if row.type == "csat":
        return f"mean {number(c['mean'], 2)} · dissatisfied {pct(c['dissatisfied_pct'])}"  # the scale has its own column
    return f"low effort {pct(c['low_effort_pct'])} · high effort {pct(c['high_effort_pct'])} · net {number(c['net'], sign=True)}"


def level(share: float) -> str:
    """A confidence level or probability as people write it: 95%, 99.9% (never 100% for 0.999)."""
    return f"{share * 100:g}%"


def scale(points: list[int]) -> str:
    """A metric's answer scale, as people write it: ``0–10``."""
    return f"{points[0]}–{points[1]}"


SCORE_LABEL = {"nps": "NPS", "csat": "% satisfied", "ces": "mean"}
