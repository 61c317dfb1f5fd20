"""Key drivers: which ratings an outcome is associated with, from a moment matrix that adds.

The statistics core of the coming ``cxscore drivers`` (issue 17, part A). Both methods need only
the correlation matrix of the outcome and the drivers, and that comes from per-group moments — the
count, Σw, Σw·x and Σw·x·xᵀ over complete rows — which add block by block, file by file and worker
by worker (DESIGN.md, "accumulators that add"). Splitting the rows into G row-groups, each with its
own moments, gives a bootstrap that resamples groups instead of rows: it streams, and costs the
same at any n.

- :class:`MomentTable` / :class:`Moments`: the accumulator (column 0 the outcome, then the drivers);
- :func:`relative_weights` (Johnson 2000; R ``rwa``, Qualtrics Stats iQ's "relative importance")
  and :func:`shapley` (exact LMG, R ``relaimpo``) from a correlation matrix;
- :func:`analyse`: importance shares with group-bootstrap intervals, P(rank 1), performance,
  quadrants and the guards as warnings; :func:`segment_headroom` (marketr's ``nps_oppy``).

Results say "associated with", never "causes": this is a regression on survey answers.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .errors import CxError

Method = Literal["relative_weights", "shapley"]

#: Exact Shapley/LMG needs the R² of every subset of drivers (2^p): refused above this.
MAX_SHAPLEY_DRIVERS = 12
#: Row-groups the bootstrap resamples, and resamples drawn, unless told otherwise.
BOOTSTRAP_GROUPS = 200
BOOTSTRAP_RESAMPLES = 200
#: Complete rows below which a warning says the ranking is unstable.
WARN_ROWS = 200
#: An R² above this suggests the outcome is computed from the drivers; a pair above this, one question twice.
TOO_HIGH = 0.9

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def row_groups(positions: np.ndarray, groups: int = BOOTSTRAP_GROUPS, seed: int = 0) -> np.ndarray:
    """The bootstrap row-group of each row, from its position in the whole input (splitmix64 of
    position + seed, modulo ``groups``): the same for any chunking, and mixed, so sorted exports
    (by date, by store) still give groups that look like the whole."""
    with np.errstate(over="ignore"):
        z = np.asarray(positions, dtype=np.uint64) + np.uint64(seed) * np.uint64(0x9E3779B97F4A7C15)
        z = (z + np.uint64(0x9E3779B97F4A7C15)) & _MASK64
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK64
        z = z ^ (z >> np.uint64(31))
    return (z % np.uint64(groups)).astype(np.int64)


@dataclass
class Moments:
    """One group's moments over its complete rows; column 0 is the outcome, then the drivers.

    ``n`` complete rows with weight sum ``weight`` (and Σw² ``weight_sq``); ``sums`` Σw·x; ``cross``
    Σw·x·xᵀ; ``top`` Σw·[x ≥ the column's top-two-box threshold] (NaN for a column without one). Rows left out (listwise deletion)
    are counted apart: ``incomplete`` in all, ``missing[c]`` of them lacking column c. Counts and
    sums subtract, so a segment's rest is ``whole - part``.
    """

    n: int
    weight: float
    weight_sq: float
    sums: np.ndarray
    cross: np.ndarray
    top: np.ndarray
    missing: np.ndarray
    incomplete: int
    subtractable: bool = field(default=True, init=False)

    @property
    def blank(self) -> int:
        """Rows left out because a column was missing (the protocol's name)."""
        return self.incomplete

    @property
    def invalid(self) -> int:
        """Unreadable answers are the encoder's to count; moments only ever see numbers or NaN."""
        return 0

    def copy(self) -> Moments:
        return Moments(self.n, self.weight, self.weight_sq, self.sums.copy(), self.cross.copy(), self.top.copy(), self.missing.copy(), self.incomplete)

    def __iadd__(self, other: Moments) -> Moments:
        self.n += other.n
        self.weight += other.weight
        self.weight_sq += other.weight_sq
        self.sums += other.sums
        self.cross += other.cross
        self.top += other.top
        self.missing += other.missing
        self.incomplete += other.incomplete
        return self

    def __sub__(self, other: Moments) -> Moments:
        return Moments(self.n - other.n, self.weight - other.weight, self.weight_sq - other.weight_sq, self.sums - other.sums,
                       self.cross - other.cross, self.top - other.top, self.missing - other.missing, self.incomplete - other.incomplete)

    def means(self) -> np.ndarray:
        """Weighted mean of each column over the complete rows."""
        return self.sums / self.weight

    def top_two(self) -> np.ndarray:
        """Weighted % of complete rows at or above each column's top-two-box threshold (NaN without one)."""
        return 100.0 * self.top / self.weight

    def correlation(self) -> np.ndarray:
        """The weighted correlation matrix (outcome first). A column with one value only has no
        correlation: refused with its index so the caller can name it."""
        mean = self.sums / self.weight
        cov = self.cross / self.weight - np.outer(mean, mean)
        var = np.diag(cov).copy()
        flat = np.flatnonzero(var <= 1e-12 * np.maximum(1.0, mean**2))
        if flat.size:
            raise ConstantColumn(int(flat[0]))
        sd = np.sqrt(var)
        corr = cov / np.outer(sd, sd)
        np.fill_diagonal(corr, 1.0)
        return corr


class ConstantColumn(CxError):
    """A column with the same value in every complete row: it has no correlation to rank."""

    def __init__(self, column: int):
        super().__init__(f"column {column} has the same value in every complete row", "drop it from the drivers")
        self.column = column


class MomentTable:
    """Moments for groups ``0 … size-1`` (row-groups for the bootstrap, or segment × row-group),
    filled a block at a time with NumPy: one bincount per pair of columns, no loop over rows."""

    def __init__(self, columns: int, size: int = 1, top_two: np.ndarray | None = None):
        self.columns = columns
        self.size = size
        self.top_two = np.full(columns, np.nan) if top_two is None else np.asarray(top_two, dtype=np.float64)
        if self.top_two.shape != (columns,):
            raise ValueError(f"top_two needs one threshold per column ({columns}), not {self.top_two.shape}")
        self._iu = np.triu_indices(columns)
        self.n = np.zeros(size, dtype=np.int64)
        self.weight = np.zeros(size)
        self.weight_sq = np.zeros(size)
        self.sums = np.zeros((size, columns))
        self.cross = np.zeros((size, columns, columns))
        self.top = np.where(np.isnan(self.top_two), np.nan, np.zeros((size, columns)))  # NaN: no threshold, no top-two box
        self.missing = np.zeros((size, columns), dtype=np.int64)
        self.incomplete = np.zeros(size, dtype=np.int64)

    def empty(self) -> Moments:
        """Moments with nothing added."""
        c = self.columns
        return Moments(0, 0.0, 0.0, np.zeros(c), np.zeros((c, c)), np.where(np.isnan(self.top_two), np.nan, 0.0), np.zeros(c, dtype=np.int64), 0)

    def add(self, columns: Sequence[np.ndarray], group_index: np.ndarray | None = None, weights: np.ndarray | None = None, *, largest: int | None = None) -> None:
        """Add a block given column by column (outcome first; float arrays of one length, NaN = not
        rated): row i goes to group ``group_index[i]`` (group 0 when None) with weight
        ``weights[i]`` (1 when None). A row lacking any column, or whose weight is not a finite
        number ≥ 0, is left out and counted. Columns, not a rows × columns matrix, because that is
        how a table's columns arrive, and each product below runs over contiguous memory.

        ``largest``: the caller's promise that every value is a whole number from 0 to ``largest``
        (NaN aside), as scale points are. An unweighted block is then summed several sums to a
        bincount (:func:`_packed_sums`), exactly: the same moments, bit for bit."""
        if len(columns) != self.columns:
            raise ValueError(f"a block needs {self.columns} columns (outcome first), not {len(columns)}")
        cols = [np.asarray(c, dtype=np.float64) for c in columns]
        rows = len(cols[0])
        if any(c.shape != (rows,) for c in cols):
            raise ValueError("a block's columns must be one-dimensional and of one length")
        size = self.size
        group = np.zeros(rows, dtype=np.int64) if group_index is None else np.asarray(group_index, dtype=np.int64)
        if group.shape != (rows,) or (rows and (group.min() < 0 or group.max() >= size)):
            raise ValueError(f"group_index must give each of the {rows} rows a group in 0…{size - 1}")
        absent = [np.isnan(c) for c in cols]
        good = ~np.logical_or.reduce(absent)
        w = None
        if weights is not None:
            w = np.asarray(weights, dtype=np.float64)
            if w.shape != (rows,):
                raise ValueError(f"weights must give each of the {rows} rows a weight")
            good &= np.isfinite(w) & (w >= 0)
        if not good.all():  # rows left out go to an extra last group, dropped: no copies of the columns without them
            self.incomplete += np.bincount(group[~good], minlength=size)
            for c, gap in enumerate(absent):
                self.missing[:, c] += np.bincount(group[gap], minlength=size)
            group = np.where(good, group, size)
        bins = size + 1

        def per_group(values: np.ndarray | None = None) -> np.ndarray:
            return np.bincount(group, weights=values, minlength=bins)[:size]

        counts = per_group()
        self.n += counts
        if w is None:
            self.weight += counts
            self.weight_sq += counts
            weighted = cols
        else:
            self.weight += per_group(w)
            self.weight_sq += per_group(w * w)
            weighted = [c * w for c in cols]
        if w is None and largest is not None and self._add_packed(cols, group, bins, int(counts.max(initial=0)), largest):
            return
        for c, (x, wx) in enumerate(zip(cols, weighted)):
            self.sums[:, c] += per_group(wx)
            if not np.isnan(self.top_two[c]):
                hit = x >= self.top_two[c]
                self.top[:, c] += per_group(hit if w is None else w * hit)
        product = np.empty(rows)
        for i, j in zip(*self._iu):
            np.multiply(weighted[i], cols[j], out=product)
            s = per_group(product)
            self.cross[:, i, j] += s
            if i != j:
                self.cross[:, j, i] += s

    def _add_packed(self, cols: list[np.ndarray], group: np.ndarray, bins: int, most: int, largest: int) -> bool:
        """The sums, top-two counts and cross-products of an unweighted block of whole numbers from 0
        to ``largest``, ``most`` rows at most in a group, with 14 bincounts where one a sum took 33 (6
        columns): False, nothing added, when too few sums fit in a bincount for that to pay."""
        size, k = self.size, self.columns
        bits = max(1, (most * largest * largest).bit_length())  # a field holds any group's sum of products
        per = min(k, _PACKED_BITS // bits)
        if per < 2:
            return False
        chunks = [list(range(a, min(a + per, k))) for a in range(0, k, per)]
        packed = [_packed(cols, chunk, bits) for chunk in chunks]
        for chunk, values in zip(chunks, packed):
            for c, total in zip(chunk, _packed_sums(group, bins, size, values, len(chunk), bits)):
                self.sums[:, c] += total
        product = np.empty(len(group))
        for i in range(k):
            for chunk, values in zip(chunks, packed):
                if chunk[-1] < i:
                    continue
                np.multiply(cols[i], values, out=product)
                for j, total in zip(chunk, _packed_sums(group, bins, size, product, len(chunk), bits)):
                    if j >= i:
                        self.cross[:, i, j] += total
                        if j != i:
                            self.cross[:, j, i] += total
        rated = [c for c in range(k) if not np.isnan(self.top_two[c])]
        hit_bits = max(1, most.bit_length())
        hit_per = max(1, _PACKED_BITS // hit_bits)
        for a in range(0, len(rated), hit_per):
            chunk = rated[a:a + hit_per]
            hits = [cols[c] >= self.top_two[c] for c in chunk]
            for c, total in zip(chunk, _packed_sums(group, bins, size, _packed(hits, range(len(chunk)), hit_bits), len(chunk), hit_bits)):
                self.top[:, c] += total
        return True

    def merge(self, other: MomentTable) -> None:
        """Add another table with the same groups (a file's part, a worker's share)."""
        if (other.columns, other.size) != (self.columns, self.size):
            raise ValueError("only tables with the same columns and groups merge")
        for name in ("n", "weight", "weight_sq", "sums", "cross", "top", "missing", "incomplete"):
            getattr(self, name).__iadd__(getattr(other, name))

    def get(self, row: int) -> Moments:
        """One group's moments (a copy)."""
        return Moments(int(self.n[row]), float(self.weight[row]), float(self.weight_sq[row]), self.sums[row].copy(),
                       self.cross[row].copy(), self.top[row].copy(), self.missing[row].copy(), int(self.incomplete[row]))

    def total(self) -> Moments:
        """All groups merged."""
        return Moments(int(self.n.sum()), float(self.weight.sum()), float(self.weight_sq.sum()), self.sums.sum(0),
                       self.cross.sum(0), self.top.sum(0), self.missing.sum(0), int(self.incomplete.sum()))


#: Bits of a float64's significand that packed whole-number sums fill: below 2**53 every sum is exact.
_PACKED_BITS = 52


def _packed(cols: Sequence[np.ndarray], which: Sequence[int], bits: int) -> np.ndarray:
    """Σ_f cols[which[f]] · 2**(bits·f): several whole-number columns in one float column."""
    out = np.array(cols[which[-1]], dtype=np.float64)
    for c in reversed(which[:-1]):
        out *= float(1 << bits)
        out += cols[c]
    return out


def _packed_sums(group: np.ndarray, bins: int, size: int, values: np.ndarray, fields: int, bits: int) -> list[np.ndarray]:
    """Per group, the sums of :func:`_packed`'s fields from one bincount of the packed values: each
    field's sum stays below 2**bits and the whole below 2**52, so float64 adds them exactly."""
    whole = np.bincount(group, weights=values, minlength=bins)[:size].astype(np.int64)
    mask = (1 << bits) - 1
    return [((whole >> (bits * f)) & mask).astype(np.float64) for f in range(fields)]


# -- importance from a correlation matrix (outcome first) -------------------------------------

def relative_weights(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Johnson's raw relative weights and R², for one correlation matrix or a stack (…, k, k).

    The drivers' correlations R = V diag(λ) Vᵀ; Λ = V diag(√λ) Vᵀ relates the drivers to their
    closest orthogonal stand-ins, β = Λ⁻¹ r_xy regresses the outcome on those, and driver j's
    raw weight is Σ_k Λ_jk² β_k². The raw weights sum to R² (= β·β).
    """
    rxx, rxy = corr[..., 1:, 1:], corr[..., 1:, 0]
    lam, vec = np.linalg.eigh(rxx)
    root = np.sqrt(np.clip(lam, 0.0, None))
    big = (vec * root[..., None, :]) @ np.swapaxes(vec, -1, -2)  # Λ
    inv_root = np.where(root > 1e-12 * root.max(axis=-1, keepdims=True), 1.0 / np.where(root > 0, root, 1.0), 0.0)
    beta = ((vec * inv_root[..., None, :]) @ np.swapaxes(vec, -1, -2) @ rxy[..., None])[..., 0]  # Λ⁺ r_xy
    raw = (big**2) @ (beta**2)[..., None]
    return raw[..., 0], (beta**2).sum(axis=-1)


def _subset_r2(corr: np.ndarray) -> np.ndarray:
    """R² of the outcome on every subset of drivers, indexed by bitmask (bit j = driver j); stacks allowed."""
    p = corr.shape[-1] - 1
    lead = corr.shape[:-2]
    r2 = np.zeros((*lead, 1 << p))
    masks = np.arange(1 << p)
    bits = (masks[:, None] >> np.arange(p)) & 1
    sizes = bits.sum(axis=1)
    for k in range(1, p + 1):
        chosen = masks[sizes == k]
        idx = np.nonzero(bits[chosen])[1].reshape(len(chosen), k) + 1  # driver columns of each subset
        rss = corr[..., idx[:, :, None], idx[:, None, :]]  # (…, m, k, k)
        rsy = corr[..., idx, 0]  # (…, m, k)
        try:
            sol = np.linalg.solve(rss, rsy[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a driver repeats another exactly: the least-squares fit still has an R²
            sol = (np.linalg.pinv(rss) @ rsy[..., None])[..., 0]
        r2[..., chosen] = (sol * rsy).sum(axis=-1)
    return r2


def shapley(corr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact Shapley/LMG shares of R² (unnormalised) and R², for one correlation matrix or a stack.

    Driver j gets the average, over all orders of entry, of the R² it adds when it enters: the
    weighted sum over subsets S without j of |S|!(p−|S|−1)!/p! · (R²(S ∪ j) − R²(S)).
    """
    p = corr.shape[-1] - 1
    if p > MAX_SHAPLEY_DRIVERS:
        raise CxError(f"exact Shapley needs the R² of 2^{p} subsets of {p} drivers, too many (at most {MAX_SHAPLEY_DRIVERS})",
                      "use relative weights (the default), or fewer drivers")
    r2 = _subset_r2(corr)
    masks = np.arange(1 << p)
    sizes = ((masks[:, None] >> np.arange(p)) & 1).sum(axis=1)
    order_weight = np.array([math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) if s < p else 0.0 for s in range(p + 1)])
    raw = np.empty((*corr.shape[:-2], p))
    for j in range(p):
        without = masks[(masks >> j) & 1 == 0]
        raw[..., j] = ((r2[..., without | (1 << j)] - r2[..., without]) * order_weight[sizes[without]]).sum(axis=-1)
    return raw, r2[..., -1]


_METHODS = {"relative_weights": relative_weights, "shapley": shapley}


def importance(corr: np.ndarray, method: Method = "relative_weights") -> tuple[np.ndarray, np.ndarray]:
    """Importance shares in % (summing to 100) and R², for one correlation matrix or a stack."""
    if method not in _METHODS:
        raise CxError(f"unknown driver method {method!r}", "use relative_weights or shapley")
    raw, r2 = _METHODS[method](corr)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0 * raw / raw.sum(axis=-1, keepdims=True), r2


# -- the analysis a command reports ------------------------------------------------------------

@dataclass(frozen=True)
class Driver:
    """One driver's row: importance share (%) with its 95% interval, the share of bootstrap
    resamples where it ranks first, its signed correlation with the outcome, its performance
    (weighted mean and top-two-box % over the complete rows) and its quadrant."""

    name: str
    share: float
    low: float
    high: float
    p_first: float
    correlation: float
    mean: float
    top_two: float
    quadrant: str


@dataclass(frozen=True)
class DriverAnalysis:
    """What ``cxscore drivers`` reports: drivers ranked by share, the model's R², the complete rows
    used (``n``, weight sum), the rows left out (``incomplete``; ``missing`` per column, outcome
    first), the bootstrap's size, and warnings for the caller to print."""

    outcome: str
    method: str
    drivers: tuple[Driver, ...]
    r2: float
    n: int
    weight: float
    incomplete: int
    missing: dict[str, int]
    resamples: int
    groups: int
    warnings: tuple[str, ...]


def minimum_rows(drivers: int) -> int:
    """Complete rows below which the analysis is refused: max(50, 5 per driver)."""
    return max(50, 5 * drivers)


def bootstrap(table: MomentTable, method: Method = "relative_weights", resamples: int = BOOTSTRAP_RESAMPLES,
              seed: int = 0, level: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Resample the table's row-groups with replacement (a seeded Generator), add each resample's
    moments and recompute: the ``level`` percentile interval of every share (low, high), each
    driver's probability of ranking first, and the resamples that could be computed (a resample
    where some column has one value only has no correlation and is left out)."""
    g = table.size
    if g < 2:
        raise ValueError("the bootstrap resamples row-groups: build the table with groups (row_groups), not one")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, g, size=(resamples, g))
    times = np.zeros((resamples, g))
    np.add.at(times, (np.repeat(np.arange(resamples), g), picks.ravel()), 1.0)
    weight = times @ table.weight
    sums = times @ table.sums
    cross = (times @ table.cross.reshape(g, -1)).reshape(resamples, table.columns, table.columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / weight[:, None]
        cov = cross / weight[:, None, None] - mean[:, :, None] * mean[:, None, :]
        var = np.diagonal(cov, axis1=1, axis2=2)
        ok = (weight > 0) & (var > 1e-12 * np.maximum(1.0, mean**2)).all(axis=1)
        sd = np.sqrt(var[ok])
        corr = cov[ok] / (sd[:, :, None] * sd[:, None, :])
    shares, _ = importance(corr, method)
    shares = shares[np.isfinite(shares).all(axis=1)]
    tail = (1 - level) / 2
    low, high = percentiles(shares, (tail, 1 - tail))
    first = np.bincount(shares.argmax(axis=1), minlength=table.columns - 1) / len(shares)
    return low, high, first, len(shares)


def percentiles(values: np.ndarray, quantiles: Sequence[float]) -> np.ndarray:
    """``np.quantile(values, quantiles, axis=0)`` (its default, linear method), the same bit for bit:
    the same virtual index (n − 1)·q, the same interpolation from the nearer end. Written out because
    np.quantile calls np.unique, whose first use imports numpy.ma (≈ 20 ms of every drivers run)."""
    ordered = np.sort(values, axis=0)
    last = len(ordered) - 1
    out = []
    for q in quantiles:
        virtual = last * q
        below = math.floor(virtual)
        if virtual >= last:
            out.append(ordered[last])
            continue
        gamma = virtual - below
        a, b = ordered[below], ordered[below + 1]
        diff = b - a
        out.append(b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma)
    return np.array(out)


def quadrants(shares: np.ndarray, low: np.ndarray, high: np.ndarray, performance: np.ndarray) -> list[str]:
    """Each driver's quadrant: importance split at its mean (100/p), performance at the drivers'
    mean; "fix first" (important, below-average performance), "keep" (important, above),
    "maintain" (less important, above), "monitor" (less important, below); "uncertain" when the
    importance interval straddles the split."""
    split_i = 100.0 / len(shares)
    split_p = float(np.mean(performance))
    out = []
    for share, lo, hi, perf in zip(shares, low, high, performance):
        if lo < split_i < hi:
            out.append("uncertain")
        elif share >= split_i:
            out.append("keep" if perf >= split_p else "fix first")
        else:
            out.append("maintain" if perf >= split_p else "monitor")
    return out


def guards(names: list[str], corr: np.ndarray, r2: float, n: int) -> list[str]:
    """Warnings about the model (data, not printing): an R² so high the outcome is probably built
    from the drivers, a pair of drivers asking one question twice, drivers associated negatively,
    and too few rows for a stable ranking. Driver names follow the outcome's in ``names``."""
    out = []
    if r2 > TOO_HIGH:
        out.append(f"R² is {r2:.2f}: {names[0]} is probably computed from the drivers (an average or a total), so their shares say little — use an outcome asked on its own")
    p = len(names) - 1
    for i in range(1, p + 1):
        for j in range(i + 1, p + 1):
            if corr[i, j] > TOO_HIGH:
                out.append(f"{names[i]} and {names[j]} correlate at {corr[i, j]:.2f}: they probably measure one thing — consider merging them into one driver")
    for i in range(1, p + 1):
        if corr[i, 0] < 0:
            out.append(f"{names[i]} is associated negatively with {names[0]} (r = {corr[i, 0]:.2f}): its share measures the strength of that link, not a benefit")
    if n < WARN_ROWS:
        out.append(f"only {n} complete rows: driver ranks are unstable below {WARN_ROWS}; read the intervals and P(rank 1)")
    return out


def analyse(table: MomentTable, names: list[str], method: Method = "relative_weights", resamples: int = BOOTSTRAP_RESAMPLES,
            seed: int = 0, performance: Literal["top_two", "mean"] = "top_two") -> DriverAnalysis:
    """The whole analysis from accumulated moments: ``names`` are the outcome's then the drivers'
    (the table's columns); its groups are the bootstrap's row-groups. Refuses (CxError) too few
    complete rows, a column with one value and Shapley above 12 drivers."""
    if len(names) != table.columns or table.columns < 2:
        raise ValueError(f"names must name the outcome and at least one driver, one per column ({table.columns})")
    p = table.columns - 1
    whole = table.total()
    need = minimum_rows(p)
    if whole.n < need:
        raise CxError(f"only {whole.n} complete rows for {p} drivers: key drivers need at least {need} (max(50, 5 per driver))",
                      "use more responses (a longer period, fewer segments) or fewer drivers")
    if method == "shapley" and p > MAX_SHAPLEY_DRIVERS:
        shapley(np.eye(p + 1))  # raises the one clear error
    try:
        corr = whole.correlation()
    except ConstantColumn as exc:
        raise CxError(f"{names[exc.column]} has the same value in every complete row, so nothing is associated with it",
                      "drop it from the drivers" if exc.column else "choose an outcome that varies") from None
    shares, r2 = importance(corr, method)
    low, high, first, used = bootstrap(table, method, resamples, seed)
    means, top = whole.means()[1:], whole.top_two()[1:]
    perf = top if performance == "top_two" and not np.isnan(top).any() else means
    quads = quadrants(shares, low, high, perf)
    rows = [Driver(names[j + 1], float(shares[j]), float(low[j]), float(high[j]), float(first[j]), float(corr[j + 1, 0]),
                   float(means[j]), float(top[j]), quads[j]) for j in range(p)]
    rows.sort(key=lambda d: -d.share)
    warnings = guards(names, corr, float(r2), whole.n)
    if used < resamples:
        warnings.append(f"{resamples - used} of {resamples} bootstrap resamples had a column with one value and were left out")
    return DriverAnalysis(names[0], method, tuple(rows), float(r2), whole.n, whole.weight, whole.incomplete,
                          dict(zip(names, (int(m) for m in whole.missing))), used, table.size, tuple(warnings))


def segment_headroom(scores: np.ndarray, n: np.ndarray, best: float = 100.0) -> np.ndarray:
    """Points the whole's score would gain if every respondent of a segment gave the best answer
    (marketr's ``nps_oppy``): (n_s / N) · |best − score_s|, with N the segments' total (counts or
    weight sums). The whole's score is the n-weighted mean of its segments' — true of NPS (best 100:
    all promoters), a CSAT % (100: all satisfied) and a mean (the scale's best end) — so replacing
    one segment's score by ``best`` moves the whole by exactly that."""
    scores, n = np.asarray(scores, dtype=np.float64), np.asarray(n, dtype=np.float64)
    return n / n.sum() * np.abs(best - scores)
