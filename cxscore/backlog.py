"""Ticket volume and backlog as integer counts that add: per (segment, period) the tickets created,
solved, and of unknown state, counted with ``bincount`` block by block.

A ticket is an *event* in the period of its created time (created) and, when solved, in the period
of its solved time (solved). The backlog is never counted directly: open at the end of a period is
the created to date minus the solved to date minus those whose state is unknown (a ticket solved
before it was created, an unreadable solved time, a status saying solved without a time), so blocks,
parts and workers add to exactly the one-shot counts. Events before the window (``--since``) go to
period :data:`BEFORE`, where they open the backlog; events after it (``--until``) are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .records import add_texts, most_common

CREATED, SOLVED, UNKNOWN = 0, 1, 2
EVENTS = 3
#: The period code of events before the window: they make the opening backlog.
BEFORE = 0
#: Days to solve are counted up to this many; longer ones in the last slot.
AGE_DAYS = 3660
_SECONDS_PER_DAY = 86_400
_SEGMENT_SHIFT = 32  # a key is segment << 32 | period code (codes are at most yyyymmdd)

#: The counters of tickets left out or read specially, in the order the report lists them.
COUNTERS = (
    "created_blank", "created_invalid", "created_placeholder", "solved_invalid", "solved_placeholder",
    "solved_before_created", "resolved_without_time", "reopened",
)


@dataclass
class VolumeCounts:
    """Events per (segment, period), days-to-solve counts, the window's bounds and the counters."""

    segments: dict[tuple[str, ...], int] = field(default_factory=dict)  # segment → its id in ``keys``
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros((0, EVENTS), dtype=np.int64))
    ages: np.ndarray = field(default_factory=lambda: np.zeros(AGE_DAYS + 1, dtype=np.int64))
    first: int | None = None  # the earliest created time counted, in seconds since 1970
    last: int | None = None  # the latest created or solved time counted (inside the window)
    counters: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    examples: dict[str, str] = field(default_factory=dict)  # counter → its first example, as written (times not understood: set by texts())
    #: Times not understood (created_invalid, solved_invalid): each text, trimmed, and its count, to make the most common one the example.
    unread: dict[str, dict[str, int]] = field(default_factory=dict)

    def segment_ids(self, segments: list[tuple[str, ...]]) -> np.ndarray:
        """The ids of these segments, new ones numbered on."""
        return np.array([self.segments.setdefault(s, len(self.segments)) for s in segments], dtype=np.int64)

    def add(self, segment: np.ndarray, codes: np.ndarray, period: np.ndarray, event: np.ndarray) -> None:
        """Add events: each one's segment id, its period as an index into ``codes``, and its kind."""
        if not len(event):
            return
        width = len(codes)
        size = (int(segment.max()) + 1) * width
        flat = np.bincount((segment * width + period) * EVENTS + event, minlength=size * EVENTS).reshape(size, EVENTS)
        present = np.flatnonzero(flat.any(axis=1))
        keys = (present // width << _SEGMENT_SHIFT) | np.asarray(codes, dtype=np.int64)[present % width]
        table = flat[present]
        self._put(keys, table)

    def add_ages(self, seconds: np.ndarray) -> None:
        """Count solved tickets' times to solve in whole days (for how far the missing history reaches)."""
        if len(seconds):
            self.ages += np.bincount(np.minimum(seconds // _SECONDS_PER_DAY, AGE_DAYS), minlength=AGE_DAYS + 1)

    def see(self, first: int | None, last: int | None) -> None:
        if first is not None:
            self.first = first if self.first is None else min(self.first, first)
        if last is not None:
            self.last = last if self.last is None else max(self.last, last)

    def count(self, name: str, hits: int, example: str | None = None) -> None:
        if hits:
            self.counters[name] += hits
            if example is not None:
                self.examples.setdefault(name, example)

    def count_texts(self, name: str, texts: dict[str, int], hits: int | None = None) -> None:
        """Count a counter's texts not understood (each with its rows; ``hits``: all of them, when ``texts``
        were bounded); its example is the most common so far."""
        if texts:
            self.counters[name] += sum(texts.values()) if hits is None else hits
            self.unread[name] = add_texts(self.unread.get(name, {}), texts)
            self.examples[name] = most_common(self.unread[name])[0]

    def example_counts(self) -> dict[str, int]:
        """The rows of each counted text's example (times not understood), for the JSON and the warnings."""
        return {name: kept[self.examples[name]] for name, kept in self.unread.items()}

    def merge(self, other: VolumeCounts) -> None:
        """Add another part's counts (its segments renumbered into these)."""
        ids = self.segment_ids(list(other.segments))
        keys = (ids[other.keys >> _SEGMENT_SHIFT] << _SEGMENT_SHIFT) | (other.keys & ((1 << _SEGMENT_SHIFT) - 1))
        self._put(keys, other.counts)
        self.ages += other.ages
        self.see(other.first, other.last)
        for name, hits in other.counters.items():
            if name in other.unread:
                self.count_texts(name, other.unread[name], hits)
            else:
                self.count(name, hits, other.examples.get(name))

    def _put(self, keys: np.ndarray, counts: np.ndarray) -> None:
        merged, where = np.unique(np.concatenate([self.keys, keys]), return_inverse=True)
        table = np.zeros((len(merged), EVENTS), dtype=np.int64)
        np.add.at(table, where, np.concatenate([self.counts, counts]))
        self.keys, self.counts = merged, table

    def table(self, codes: np.ndarray) -> tuple[list[tuple[str, ...]], np.ndarray, np.ndarray]:
        """The segments, dense counts [segment, period, event] over ``codes`` (sorted; events outside
        them are dropped) and the events before the window [segment, event]."""
        segments = list(self.segments)
        dense = np.zeros((len(segments), len(codes), EVENTS), dtype=np.int64)
        before = np.zeros((len(segments), EVENTS), dtype=np.int64)
        segment, code = self.keys >> _SEGMENT_SHIFT, self.keys & ((1 << _SEGMENT_SHIFT) - 1)
        early = code == BEFORE
        np.add.at(before, segment[early], self.counts[early])
        place = np.searchsorted(codes, code)
        inside = ~early & (place < len(codes)) & (codes[np.minimum(place, len(codes) - 1)] == code)
        np.add.at(dense, (segment[inside], place[inside]), self.counts[inside])
        return segments, dense, before

    def missing_open(self, per_day: float, days: np.ndarray) -> np.ndarray:
        """Tickets created before the history starts and still open ``days`` after it, expected when
        ``per_day`` were created each day before as after and took as long to solve as those solved here:
        per_day × Σ_{j ≥ days} P(time to solve > j days). Zero when nothing was solved."""
        total = int(self.ages.sum())
        if not total:
            return np.zeros(len(days))
        survival = 1 - np.cumsum(self.ages) / total  # P(A > j) for j = 0 … AGE_DAYS
        tail = np.append(np.cumsum(survival[::-1])[::-1], 0.0)
        return per_day * tail[np.clip(days, 0, AGE_DAYS + 1)]
