"""Tallies: the additive summary every score is computed from.

A :class:`Tally` holds, for one metric in one group (segment × period), the number of answers
at each scale point (raw and weighted), the sum of squared weights and the counts of blank and
invalid answers. Tallies add, so chunks, files and workers can be summed in any order and give
exactly the result of a one-shot run.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Hashable, Optional

import numpy as np

from .normalize import BLANK, INVALID, EncodedColumn

#: How many distinct invalid texts are kept per metric as examples (the smallest, so merging is order-free).
EXAMPLES_KEPT = 5

GroupKey = Hashable


@dataclass
class Tally:
    """Counts for one metric in one group."""

    counts: np.ndarray  # int64, answers per scale point
    weighted: np.ndarray  # float64, summed weights per scale point
    weights_sq: float = 0.0  # sum of squared weights of the answered rows
    blank: int = 0
    invalid: int = 0

    @classmethod
    def empty(cls, points: int) -> "Tally":
        return cls(np.zeros(points, dtype=np.int64), np.zeros(points, dtype=np.float64))

    @property
    def n(self) -> int:
        """Answered (valid) responses."""
        return int(self.counts.sum())

    @property
    def weight_total(self) -> float:
        return float(self.weighted.sum())

    @property
    def n_eff(self) -> float:
        """Kish effective sample size, (Σw)² / Σw²; equals n when every weight is 1."""
        return self.weight_total**2 / self.weights_sq if self.weights_sq else 0.0

    def copy(self) -> "Tally":
        return Tally(self.counts.copy(), self.weighted.copy(), self.weights_sq, self.blank, self.invalid)

    def __sub__(self, other: "Tally") -> "Tally":
        """This tally without another that is part of it (the rest of the population besides a segment)."""
        return Tally(self.counts - other.counts, self.weighted - other.weighted, self.weights_sq - other.weights_sq, self.blank - other.blank, self.invalid - other.invalid)

    def __iadd__(self, other: "Tally") -> "Tally":
        self.counts += other.counts
        self.weighted += other.weighted
        self.weights_sq += other.weights_sq
        self.blank += other.blank
        self.invalid += other.invalid
        return self

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Tally)
            and np.array_equal(self.counts, other.counts)
            and np.allclose(self.weighted, other.weighted, rtol=1e-12, atol=0)
            and np.isclose(self.weights_sq, other.weights_sq, rtol=1e-12, atol=0)
            and (self.blank, self.invalid) == (other.blank, other.invalid)
        )


def _keep_examples(examples: Counter) -> Counter:
    return Counter({text: examples[text] for text in sorted(examples)[:EXAMPLES_KEPT]})


@dataclass
class TallyBook:
    """All tallies of a run, keyed by (metric name, group key), plus invalid-answer examples per metric."""

    points: dict[str, int]  # metric name → number of scale points
    tallies: dict[tuple[str, GroupKey], Tally] = field(default_factory=dict)
    invalid_examples: dict[str, Counter] = field(default_factory=dict)

    def tally(self, metric: str, group: GroupKey) -> Tally:
        key = (metric, group)
        if key not in self.tallies:
            self.tallies[key] = Tally.empty(self.points[metric])
        return self.tallies[key]

    def add(
        self,
        metric: str,
        encoded: EncodedColumn,
        groups: list[GroupKey],
        group_index: Optional[np.ndarray] = None,
        weights: Optional[np.ndarray] = None,
    ) -> None:
        """Add one chunk of codes; ``group_index[i]`` says which of ``groups`` row i belongs to."""
        points = self.points[metric]
        width = points + 2  # slot 0: INVALID, slot 1: BLANK, then the scale points
        slots = encoded.codes.astype(np.int64) + 2
        if group_index is not None:
            slots = slots + group_index.astype(np.int64) * width
        size = len(groups) * width
        counts = np.bincount(slots, minlength=size).reshape(len(groups), width)
        if weights is None:
            weighted = counts[:, 2:].astype(np.float64)
            squares = weighted.sum(axis=1)
        else:
            answered = encoded.codes >= 0
            weighted = np.bincount(slots, weights=weights, minlength=size).reshape(len(groups), width)[:, 2:]
            squares = np.bincount(slots[answered] // width, weights=weights[answered] ** 2, minlength=len(groups))
        for g, group in enumerate(groups):
            tally = self.tally(metric, group)
            tally.counts += counts[g, 2:]
            tally.weighted += weighted[g]
            tally.weights_sq += float(squares[g])
            tally.invalid += int(counts[g, INVALID + 2])
            tally.blank += int(counts[g, BLANK + 2])
        if encoded.invalid_texts:
            merged = self.invalid_examples.setdefault(metric, Counter())
            merged.update(encoded.invalid_texts)
            self.invalid_examples[metric] = _keep_examples(merged)

    def rollup(self, metric: str, key: Callable[[GroupKey], Optional[GroupKey]]) -> dict[GroupKey, Tally]:
        """Sum a metric's tallies into coarser groups: ``key`` maps a group to its coarser one (None drops it)."""
        out: dict[GroupKey, Tally] = {}
        for (name, group), tally in self.tallies.items():
            if name != metric:
                continue
            coarse = key(group)
            if coarse is None:
                continue
            if coarse in out:
                out[coarse] += tally
            else:
                out[coarse] = tally.copy()
        return out

    def merge(self, other: "TallyBook") -> "TallyBook":
        """Add another book into this one (files, workers)."""
        for (metric, group), tally in other.tallies.items():
            self.tally(metric, group).__iadd__(tally)
        for metric, examples in other.invalid_examples.items():
            merged = self.invalid_examples.setdefault(metric, Counter())
            merged.update(examples)
            self.invalid_examples[metric] = _keep_examples(merged)
        return self
