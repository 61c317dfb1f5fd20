"""Several inputs scored together: each file read on its own terms, and repeats found.

Every reading decision is the file's own: its layout, header rows, encoding and delimiter are made
when it is opened (``sources``); here, its option-position shift (问卷星's download by option
position stores option numbers, its download by option text the answers) and a check that the
scale its question states agrees with the one the metric is scored on. Two files with the same
bytes are read once; response ids found in more than one file are counted.
"""
from __future__ import annotations

import filecmp
import os

import msgspec
import numpy as np
import pyarrow as pa
from .lazy_import import pc

from .config import MetricSpec
from .detect import STATED_SCALE
from .errors import InputError
from .sources import Source
from .sources.layouts import Layout, is_id_column

STDIN = "-"


def distinct_inputs(paths: list) -> tuple[list, list[str]]:
    """The paths without repeats of an earlier file (the same path, or byte-for-byte the same content), and a warning for each repeat.

    Only files of equal size are compared, and the comparison stops at the first differing byte,
    so monthly exports of different sizes cost one ``stat`` each.
    """
    kept: list[str] = []
    warnings: list[str] = []
    by_size: dict[int, list[str]] = {}
    for path in paths:
        if not isinstance(path, str):  # an opened source (a table): nothing to compare
            kept.append(path)
            continue
        try:
            size = os.stat(path).st_size if path != STDIN else None
        except OSError:
            size = None  # opening it will say what is wrong
        same = next((p for p in by_size.get(size, []) if p == path or filecmp.cmp(p, path, shallow=False)), None) if size is not None else None
        if same is None:
            kept.append(path)
            if size is not None:
                by_size.setdefault(size, []).append(path)
            continue
        how = "given twice" if same == path else f"has the same content as {same}"
        warnings.append(f"{path} {how}: read once (scoring it twice would count every response twice)")
    return kept, warnings


def file_spec(spec: MetricSpec, configured: bool, layout: Layout, column: str, path: str, origin: str) -> tuple[MetricSpec, str | None]:
    """The metric as this file stores it: its own option-position shift, and its stated scale checked
    against the one detection chose in ``origin``, the input the metric was detected in.

    A detected metric is shifted only in a 问卷星 download by option position (point = number +
    lo − 1). A configured ``offset`` applies to files that store numbers, never to a 问卷星 download by
    option text; a position download without one is shifted as a detected metric would be.
    Returns the spec (the same object when nothing changes) and a note when the shift differs from
    the metric's.
    """
    lo, hi = spec.scale.lo, spec.scale.hi
    stated = STATED_SCALE.search(layout.question(column))
    if not configured and path != origin and stated and spec.kind.stated_scales and (int(stated.group(1)), int(stated.group(2))) != (lo, hi):
        raise InputError(
            f"{path}: the question of {column!r} states a {stated.group(1)}–{stated.group(2)} scale, but {spec.name} is scored on {lo}–{hi} (as detected in {origin})",
            "score these files separately, or name the metric and its scale: in a config",
        )
    if layout.position_download:
        offset = spec.offset if configured and spec.offset else lo - 1
    elif layout.option_text or not configured:
        offset = 0
    else:
        offset = spec.offset
    if offset == spec.offset:
        return spec, None
    if layout.position_download:
        note = f"{path}: {spec.name} read with option positions shifted by {offset:+d} (问卷星 download by option position)"
    elif layout.option_text:
        note = f"{path}: {spec.name} read as scores, without a position shift (问卷星 download by option text)"
    else:
        note = f"{path}: {spec.name} read as scores, without a position shift"
    return msgspec.structs.replace(spec, offset=offset), note


def id_column(source: Source) -> str | None:
    """The response-id column of an input, if its header names one."""
    return next((c for c in source.columns if is_id_column(c)), None)


def clean_ids(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The non-blank ids of one block as text, compared without surrounding spaces."""
    text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    return text.filter(pc.fill_null(pc.not_equal(text, ""), False))


def repeated_ids(ids: dict[str, dict[str, list[pa.Array]]]) -> list[str]:
    """A warning per id column whose ids appear in more than one input; ``ids``: column → path → its parts' ids.

    One sort of all the ids (Arrow hashing of a million distinct strings costs several times more):
    equal neighbours from different inputs are repeats; an id repeated within one input is not.
    """
    warnings = []
    for column, files in ids.items():
        if len(files) < 2:
            continue
        paths = list(files)
        arrays = [pa.concat_arrays(parts) for parts in files.values()]
        values = pa.concat_arrays(arrays)
        order = pc.sort_indices(values)
        values = values.take(order)
        owner = np.repeat(np.arange(len(arrays)), [len(a) for a in arrays])[order.to_numpy()]
        same = pc.equal(values[1:], values[:-1]).to_numpy(zero_copy_only=False)
        across = np.flatnonzero(same & (owner[1:] != owner[:-1]))  # i: values i and i+1 are one id from two inputs
        if not across.size:
            continue
        run = np.cumsum(np.concatenate([[0], ~same]))  # which distinct id each sorted value is
        repeated = np.unique(run[across]).size
        where = np.unique(np.concatenate([owner[across], owner[across + 1]]))
        warnings.append(
            f"{repeated:,} response id(s) in {column!r} appear in more than one input ({', '.join(paths[i] for i in where)}; e.g. {values[int(across[0])].as_py()!r}): "
            f"the same responses may be counted twice; --dedupe {column!r} keeps each respondent's latest answer"
        )
    return warnings
