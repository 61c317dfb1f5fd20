"""Service level of calls and contacts: the share answered within T seconds (issue 15, item 4).

Every call a metric reads is one of six kinds — answered within T, answered later, abandoned within
the short-abandon limit, abandoned later but within T, abandoned after T, abandoned at an unknown
time — and each formula says which of them count as met, not met or not applicable. So a call is a
rate's 0/1 answer (met, not met, or outside the denominator as not applicable): the tally, the
Wilson interval and the pooled two-proportion test are the rate kind's. ``answered:`` is a
condition (``"Answered (Y/N)" = Y``); the waits are duration columns, read only where they apply:
the speed of answer only for answered calls (an export's 0 for an unanswered call is no wait), the
time to abandon only for abandoned ones. "Within" means at most (≤). The abandonment and answer
rates (:mod:`.abandonment`, :mod:`.answer_rate`) are the same reading with other formulas.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import msgspec
import numpy as np
import pyarrow as pa

from .duration import Duration
from .rate import BLANK_SLOT, INVALID_SLOT, MET, NOT_MET, Rate, cached_condition

if TYPE_CHECKING:
    from ..config import ColumnSpec, MetricSpec
    from ..durations import DurationColumn
    from ..normalize import AnswerParser, EncodedColumn

#: What became of a call (indexes of a formula's table).
ANSWERED_WITHIN, ANSWERED_LATE, ABANDONED_SHORT, ABANDONED_WITHIN, ABANDONED_LATE = range(5)
#: A formula's table entry for calls outside its denominator (counted as not applicable).
EXCLUDED = -1
#: The roles of the wait columns among a metric's columns (a condition's columns are keyed by their names);
#: a wait between two timestamps has the roles ``@wait.start`` and ``@wait.end``.
WAIT, ABANDON_WAIT = "@wait", "@abandon_wait"


class Between(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A wait between two timestamp columns (``wait: {start: QueueInfo.EnqueueTimestamp, end: AgentInfo.ConnectedToAgentTimestamp}``)."""

    start: str
    end: str


Wait = str | Between

_M, _N, _X = MET, NOT_MET, EXCLUDED
#: Service-level formulas: per kind of call (answered within T, later; abandoned short, within T, after T) → met, not met or excluded.
FORMULAS: dict[str, tuple[int, int, int, int, int]] = {
    "short-abandons-excluded": (_M, _N, _X, _N, _N),
    "answered": (_M, _N, _X, _X, _X),
    "offered": (_M, _N, _N, _N, _N),
    "abandons-within-excluded": (_M, _N, _X, _X, _N),
    "abandons-within-met": (_M, _N, _M, _M, _N),
}
Formula = Literal["short-abandons-excluded", "answered", "offered", "abandons-within-excluded", "abandons-within-met"]
DEFAULT_FORMULA = "short-abandons-excluded"
DEFAULT_WITHIN, DEFAULT_SHORT = 20.0, 5.0


def seconds(spec: MetricSpec, key: str, default: float) -> float:
    """A wait limit (``within: 20s``, ``short_abandon: 5s``) in seconds; a bare number is refused like a duration target's."""
    value = getattr(spec, key)
    return default if value is None else Duration().parse_target(value, key)


def short_duration(value: float) -> str:
    from ..render.display import duration  # the words people read; display reads the registry

    return duration(value, setting=True)


class Calls(Rate):
    """What the call kinds share: the keys, reading the calls, and encoding them through a formula's table."""

    settings = {
        "answered": str, "of": str, "wait": Wait, "abandon_wait": Wait, "unit": str, "timezone": str, "dayfirst": bool,
        "within": str | float, "short_abandon": str | float, "formula": Formula,
    }
    score_label = "% calls"
    weighted = False  # a row is a call, not a respondent: --weight is refused, as for durations

    def default_bands(self, lo: int, hi: int) -> dict[str, Any]:
        return {}  # no better: key (a rate's): which way is good is the kind's

    def higher_is_better(self, metric: Any) -> bool:
        return True

    def table(self, spec: MetricSpec) -> tuple[int, int, int, int, int]:
        """Met, not met or excluded per kind of call (see :data:`FORMULAS`)."""
        raise NotImplementedError

    def needs(self, spec: MetricSpec) -> tuple[bool, bool]:
        """Whether the formula tells answered calls apart by their wait, and abandoned ones by their time to abandon."""
        t = self.table(spec)
        return t[ANSWERED_WITHIN] != t[ANSWERED_LATE], len(set(t[ABANDONED_SHORT:])) > 1

    def check(self, spec: MetricSpec) -> None:
        if spec.answered is None:
            raise ValueError("answered: is required: the condition an answered call meets, e.g. answered: '\"Answered (Y/N)\" = Y'")
        for key in ("answered", "of"):
            text = getattr(spec, key)
            if text is not None:
                try:
                    cached_condition(text)
                except Exception as exc:  # ConditionError: a ValueError with its position
                    raise ValueError(f"{key}: {exc} in {text!r}") from None
        from ..durations import unit_named
        from ..schedule import parse_timezone

        if spec.unit is not None:
            try:
                unit_named(spec.unit)
            except ValueError as exc:
                raise ValueError(f"unit: {exc}") from None
        parse_timezone(spec.timezone, "timezone")
        within, short = seconds(spec, "within", DEFAULT_WITHIN), seconds(spec, "short_abandon", DEFAULT_SHORT)
        if "within" in self.settings and short > within:
            raise ValueError(f"short_abandon: {short_duration(short)} is longer than within: {short_duration(within)}; a short abandon is one within the target")
        by_wait, by_abandon = self.needs(spec)
        if by_wait and spec.wait is None:
            raise ValueError("wait: is required: the column with each answered call's wait (speed of answer), e.g. wait: Speed of answer in seconds")
        if by_abandon and spec.abandon_wait is None:
            raise ValueError(f"abandon_wait: is required: the column with each abandoned call's time to abandon ({self.formula(spec)} tells abandons apart by it); or choose a formula that does not")

    def columns(self, spec: MetricSpec) -> dict[str, ColumnSpec]:
        names = [name for text in (spec.answered, spec.of) if text for name in cached_condition(text).columns]
        found: dict[str, ColumnSpec] = {name: name for name in dict.fromkeys(names)}
        by_wait, by_abandon = self.needs(spec)
        for role, wait, needed in ((WAIT, spec.wait, by_wait), (ABANDON_WAIT, spec.abandon_wait, by_abandon)):
            if needed and isinstance(wait, Between):
                found[f"{role}.start"], found[f"{role}.end"] = wait.start, wait.end
            elif needed:
                found[role] = wait
        return found

    def for_input(self, spec: MetricSpec, columns: dict[str, str], sample: Callable[[str], list[str]], dayfirst: bool | None) -> tuple[MetricSpec, list[str], list[str]]:
        """Waits between timestamps: the day/month order of their dates in this input, as the duration kind settles it."""
        ends = {role.rsplit(".", 1)[0]: None for role in columns if role.endswith((".start", ".end"))}
        if not ends:
            return spec, [], []
        probe = Duration()
        notes, doubts = [], []
        for role in ends:  # each pair read in the order its own dates show; both pairs must agree with the metric's one setting
            pair = {"start": columns[f"{role}.start"], "end": columns[f"{role}.end"]}
            settled, said, doubted = probe.for_input(spec, pair, sample, dayfirst)
            notes += said
            doubts += doubted
        return msgspec.structs.replace(spec, dayfirst=settled.dayfirst), notes, doubts

    def encoder(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str]) -> CallEncoder:
        return CallEncoder(spec, self.table(spec), columns, [*blank_values, *spec.blank_values])

    def column_doubts(self, spec: MetricSpec, columns: dict[str, str], blank_values: list[str], sample: Callable[[str], list[str]]) -> list[str]:
        encoder = self.encoder(spec, columns, blank_values)
        return [line for reader in encoder.waits() if hasattr(reader, "doubts") for line in reader.doubts(sample(reader.column))]

    def invalid_words(self, spec: MetricSpec) -> str:
        return "a wait that is no duration (negative, or an end before its start), or not a number where a condition compares numbers"

    def example_target(self, spec: MetricSpec) -> str:
        return "80   # % of calls"


class ServiceLevel(Calls):
    """Answered within T ÷ the calls its formula counts (default: answered + abandoned − short abandons)."""

    name = "service_level"
    article = "a service level"
    score_label = "% within T"

    def table(self, spec: MetricSpec) -> tuple[int, int, int, int, int]:
        return FORMULAS[spec.formula or DEFAULT_FORMULA]

    def formula(self, spec: MetricSpec) -> str:
        t, s = short_duration(seconds(spec, "within", DEFAULT_WITHIN)), short_duration(seconds(spec, "short_abandon", DEFAULT_SHORT))
        within = f"answered in ≤ {t}"
        return {
            "short-abandons-excluded": f"{within} ÷ (answered + abandoned − abandoned in ≤ {s})",
            "answered": f"{within} ÷ answered",
            "offered": f"{within} ÷ (answered + abandoned)",
            "abandons-within-excluded": f"{within} ÷ (answered + abandoned after {t})",
            "abandons-within-met": f"(answered + abandoned) in ≤ {t} ÷ (answered + abandoned)",
        }[spec.formula or DEFAULT_FORMULA]


class CallEncoder:
    """A block of a call log → one rate slot per call (met, not met, blank, invalid) and the calls not applicable."""

    def __init__(self, spec: MetricSpec, table: tuple[int, ...], columns: dict[str, str], blank_values: list[str]):
        self.answered = cached_condition(spec.answered)
        self.of = cached_condition(spec.of) if spec.of else None
        self.found = {name: header for name, header in columns.items() if not name.startswith((WAIT, ABANDON_WAIT))}
        self.table = np.array(table, dtype=np.intp)
        self.within, self.short = seconds(spec, "within", DEFAULT_WITHIN), seconds(spec, "short_abandon", DEFAULT_SHORT)
        self.blank_values = blank_values
        self.wait, self.abandon = _reader(spec, columns, WAIT, blank_values), _reader(spec, columns, ABANDON_WAIT, blank_values)
        self.columns: tuple[str, ...] = tuple(dict.fromkeys(columns.values()))

    def waits(self) -> list[Any]:
        return [reader for reader in (self.wait, self.abandon) if reader is not None]

    def encode(self, batch: pa.RecordBatch) -> EncodedColumn:
        from ..normalize import EncodedColumn  # normalize reads the config, which reads the kinds

        cells = {name: batch.column(header) for name, header in self.found.items()}
        scope = self.of.evaluate(cells, self.blank_values) if self.of is not None else None
        inside = np.ones(batch.num_rows, bool) if scope is None else scope.matched
        outcome = self.answered.evaluate(cells, self.blank_values, inside)
        answered, abandoned = outcome.matched, ~(outcome.matched | outcome.undecided)
        examples = Counter(outcome.examples)
        # Answered calls: within T or later, by their wait; abandoned ones by their time to abandon.
        kind = np.where(answered, ANSWERED_WITHIN, ABANDONED_SHORT)
        unknown, invalid = np.zeros(batch.num_rows, bool), outcome.invalid.copy()
        if self.wait is not None:
            waits, bad = self._read(self.wait, batch, answered & inside, examples)
            invalid |= bad
            kind[answered & (waits > self.within)] = ANSWERED_LATE
            unknown |= answered & np.isnan(waits)
        if self.abandon is not None:
            same = self.wait is not None and self.abandon.columns == self.wait.columns
            gone, bad = self._read(self.abandon, batch, abandoned & inside, examples, zero_unknown=same)
            invalid |= bad
            kind[abandoned & (gone > self.short)] = ABANDONED_WITHIN
            kind[abandoned & (gone > self.within)] = ABANDONED_LATE
            unknown |= abandoned & np.isnan(gone)
        slots = self.table[kind]
        slots[unknown] = BLANK_SLOT
        slots[invalid] = INVALID_SLOT
        slots[outcome.undecided & ~outcome.invalid] = BLANK_SLOT
        excluded = slots == EXCLUDED
        if scope is not None:
            slots[scope.undecided] = BLANK_SLOT
            slots[scope.invalid] = INVALID_SLOT
            examples += scope.examples
            excluded = (excluded & inside) | ~(scope.matched | scope.undecided)
        slots[excluded] = NOT_MET  # counted apart as not applicable, whatever the slot
        return EncodedColumn(slots, examples, excluded if excluded.any() or scope is not None else None)

    def _read(self, reader: Any, batch: pa.RecordBatch, rows: np.ndarray, examples: Counter, zero_unknown: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Seconds of a wait column on ``rows`` (NaN elsewhere and where unknown), and the rows among them whose
        cell is no duration (invalid; their texts join ``examples``)."""
        column: DurationColumn = reader.encode(batch)
        waits = np.where(rows, column.seconds, np.nan)
        if zero_unknown:  # the speed-of-answer column read as time to abandon: its 0 on an unanswered call is no time
            waits[waits == 0] = np.nan
        bad = rows & (column.slots == 0)  # INVALID + 2
        if bad.any():  # a few rows, read again for their texts as the reader words them
            examples.update(reader.encode(batch.filter(pa.array(bad))).invalid_texts)
        return waits, bad

    def typed(self) -> list[tuple[str, AnswerParser | None]]:
        return [(column, None) for column in self.columns]  # read as text: conditions compare text, waits may be clocks


def _reader(spec: MetricSpec, columns: dict[str, str], role: str, blank_values: list[str]) -> Any:
    """The reader of a wait: a duration column (:class:`~.duration.DurationEncoder`) or two timestamps
    (:class:`~.duration.ElapsedEncoder`, end − start); None when the formula needs no such wait."""
    from .duration import DurationEncoder, ElapsedEncoder

    if role in columns:
        return DurationEncoder(spec, columns[role], blank_values)
    if f"{role}.start" in columns:
        return ElapsedEncoder(spec, {"start": columns[f"{role}.start"], "end": columns[f"{role}.end"]})
    return None


KIND = ServiceLevel()
