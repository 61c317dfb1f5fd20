"""Result rows written straight from their arrays (issue 18 item 1): the JSON and CSV text of a block of
rows (:class:`~cxscore.row_table.RowColumns`) made a column at a time, with no Python object per row.

Each field's values are formatted at once — floats by one msgspec call over the column (the JSON's own
formatting), integers by Arrow's cast, flags and repeated texts by taking from their few distinct
texts — and Arrow joins the fields into each row's text. The rows held as objects (``kept``) are encoded
as rows and put in their places. The bytes are those of writing the rows themselves
(tests/test_row_text.py compares them): the CSV's floats are ``repr``'s, which msgspec's shortest digits
match between 1e-4 and 1e16 (the others, and NaN and infinities, are taken from ``repr`` one by one).
"""
from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Callable, Sequence
from typing import IO, Any, TypeAlias

import msgspec
import numpy as np
import pyarrow as pa
from ..lazy_import import pc

from .. import tidy
from ..records import MetricInfo, ResultRow
from ..row_table import RowColumns

#: A piece of a row's text: the same text on every row, or one text per row.
Piece: TypeAlias = "str | pa.Array"
#: The fields of a result row in the JSON's order, as :func:`json_rows` writes them (a test holds it to ResultRow's).
FIELDS = ("metric", "type", "segment", "period", "n", "blank", "invalid", "value", "components", "n_eff", "deff", "se", "ci_low", "ci_high",
          "ci_method", "margin", "low_n", "significance", "trend", "distribution", "benchmark", "target", "status")
#: Those that are None unless the row is kept (then it is written as a row).
ONLY_KEPT = FIELDS[-5:]


def json_rows(block: RowColumns, before: bytes, after: bytes, encode: Callable[[Any], bytes]) -> bytes:
    """The block's rows as compact JSON objects, each between ``before`` and ``after``; ``encode``: how a
    value is encoded (the document's own encoder), for the kept rows and the distinct texts."""
    def text(value: Any) -> str:
        return encode(value).decode("utf-8")

    def key(name: str, first: bool = False) -> str:
        return ("" if first else ",") + text(name) + ":"

    answered, enough, tested = block.answered, block.enough, block.tested
    names = list(block.components)
    components: list[Piece] = ["{"]
    for i, name in enumerate(names):
        components += [key(name, not i), _json(block.components[name][answered])]
    scored = _only(answered, [key("value"), _json(block.value[answered]), key("components"), *components, "}"],
                   key("value") + "null" + key("components") + "{" + ",".join(key(k, True) + "null" for k in block.unanswered) + "}")
    ends = block.ends
    interval = _only(enough, [key("se"), _json(block.se[enough]), key("ci_low"), _bound(_json, block.ci_low[enough], ends), key("ci_high"), _bound(_json, block.ci_high[enough], ends),
                              key("ci_method") + text(block.ci_method) + key("margin"), _json(block.margin[enough])],
                     "".join(key(k) + "null" for k in ("se", "ci_low", "ci_high", "ci_method", "margin")))
    significant = block.p_adjusted[tested] < block.alpha
    direction = np.where(significant, np.where(block.diff[tested] > 0, 1, 2), 0)
    significance = _only(tested, ["{" + key("against", True) + text(block.against) + key("diff"), _json(block.diff[tested]),
                                  key("p_value"), _json(block.p_value[tested]), key("p_adjusted"), _json(block.p_adjusted[tested]), key("significant"), _choose(["false", "true"], significant),
                                  key("direction"), _choose(["null", text("up"), text("down")], direction), key("mdd"), _json(block.mdd[tested]), "}"], "null")
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(block.n_eff != 0, block.n / block.n_eff, np.nan)
    pieces: list[Piece] = [
        before.decode("utf-8") + "{" + key("metric", True) + text(block.metric) + key("type") + text(block.type) + key("segment"),
        _each(text, block.segments, block.segment), key("period"), _each(text, block.periods, block.period),
        key("n"), _json(block.n), key("blank"), _json(block.blank), key("invalid"), _json(block.invalid), scored,
        key("n_eff"), _json(block.n_eff), key("deff"), _json(deff), interval, key("low_n"), _choose(["false", "true"], block.low_n),
        key("significance"), significance, "".join(key(k) + "null" for k in ONLY_KEPT) + "}" + after.decode("utf-8"),
    ]
    return _spliced(_join(pieces, len(block.n)), {place: before + encode(row) + after for place, row in block.kept.items()})


def csv_rows(block: RowColumns, metric: MetricInfo, by: list[str], late: list[str], cell: Callable[[str], str], kept: Callable[[ResultRow], str]) -> bytes:
    """The block's rows as lines of the tidy CSV (:mod:`cxscore.render.csv_rows`); ``cell``: how text from
    the data is escaped; ``kept``: the line of a row held as an object."""
    answered, enough, tested = block.answered, block.enough, block.tested
    scale = metric.scale or (None, None)

    def segment(values: dict[str, Any]) -> str:
        return ",".join(_csv_field(cell(v) if isinstance(v, str) else v) for v in (values.get(k) for k in by))
    pieces: list[Piece] = [",".join(_csv_field(v) for v in (cell(block.metric), block.type, cell(metric.column))) + ","]
    if by:
        pieces += [_each(segment, block.segments, block.segment), ","]
    pieces += [_each(_csv_field, block.periods, block.period), ",", _csv(block.n), ",", _csv(block.blank), ",", _csv(block.invalid), ",", _csv(block.n_eff), ","]
    pieces += [_only(answered, [_csv(block.value[answered])], ""), ","]
    ends = block.ends
    pieces += [_only(enough, [_csv(block.se[enough]), ",", _bound(_csv, block.ci_low[enough], ends), ",", _bound(_csv, block.ci_high[enough], ends), ",",
                              _csv_field(block.ci_method) + ",", _csv(block.margin[enough])], ",,,,"), ",", _choose(["false", "true"], block.low_n), ","]
    adjusted = block.p_adjusted[tested]
    significant = adjusted < block.alpha
    pieces += [_only(tested, [_csv_field(block.against) + ",", _csv(block.diff[tested]), ",", _csv(block.p_value[tested]), ",", _only(~np.isnan(adjusted), [_csv(adjusted[~np.isnan(adjusted)])], ""), ",",
                              _choose(["false", "true"], significant), ",", _choose(["", "up", "down"], np.where(significant, np.where(block.diff[tested] > 0, 1, 2), 0))], ",,,,,")]
    pieces.append("," * (len(tidy.BENCHMARK) + len(tidy.JUDGEMENT)))
    for c in [*tidy.COMPONENT_COLUMNS, "scale_min", "scale_max", *late]:
        if c in tidy.SCALE:
            pieces += [",", _csv_field(scale[tidy.SCALE.index(c)])]
        else:
            pieces += [",", _only(answered, [_csv(block.components[c][answered])], "") if c in block.components else ""]
    pieces.append("\n")
    return _spliced(_join(pieces, len(block.n)), {place: kept(row).encode("utf-8") for place, row in block.kept.items()})


def utf8_writer(out: IO[str]) -> Callable[[bytes], Any]:
    """How UTF-8 text reaches ``out``: straight into the byte stream under it when ``out`` writes UTF-8 and
    leaves newlines alone (decoding each block only for ``out`` to encode it again took ~0.14 s per 150 MB),
    else decoded and written through it. What ``out`` holds so far is flushed first, so the order stays."""
    buffer, encoding = getattr(out, "buffer", None), getattr(out, "encoding", None)
    if buffer is not None and encoding and codecs.lookup(encoding).name == "utf-8" and os.linesep == "\n":
        out.flush()
        return buffer.write
    return lambda data: out.write(data.decode("utf-8"))


# --- columns of texts -------------------------------------------------------------------------------

def _json(values: np.ndarray) -> pa.Array:
    """Each value as the JSON encoder writes it: integers in decimal, floats in msgspec's shortest form
    (NaN and infinities: null; None, in a column of Python objects, too)."""
    if values.dtype.kind in "iu":
        return pc.cast(_integers(values), pa.string())
    if values.dtype == object:
        values = _floats(values, _missing(values))
    distinct, where = _distinct(values)
    return _split(msgspec.json.encode(distinct.tolist()), len(distinct)).take(where)


def _csv(values: np.ndarray) -> pa.Array:
    """Each value as the csv module writes it: ``str``, which for a float is ``repr``."""
    if values.dtype.kind in "iu":
        return pc.cast(_integers(values), pa.string())
    if values.dtype == object:  # floats and None (a duration's ``within_pct`` without a target): None is an empty cell
        missing = _missing(values)
        if missing.any():
            return _only(~missing, [_csv(_floats(values[~missing], missing[~missing]))], "")
        values = _floats(values, missing)
    distinct, where = _distinct(values)
    texts = _split(msgspec.json.encode(distinct.tolist()), len(distinct))
    with np.errstate(invalid="ignore"):
        magnitude = np.abs(distinct)
        other = ~(((magnitude >= 1e-4) & (magnitude < 1e16)) | (magnitude == 0))  # repr's exponent form, NaN, infinities
    if other.any():
        texts = pc.replace_with_mask(texts, _flags(other), pa.array([repr(v) for v in distinct[other].tolist()], type=pa.string()))
    return texts.take(where)


def _missing(values: np.ndarray) -> np.ndarray:
    """Where a column of Python objects holds None."""
    return np.equal(values, np.array(None, dtype=object)).astype(bool)


def _floats(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """A column of Python floats (and None where ``missing``: NaN) as float64."""
    return np.where(missing, np.nan, values).astype(np.float64)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """The distinct floats, told apart by their bits (-0.0 is not 0.0), and each value's place among them:
    formatted once each (a column of small cells' scores holds few distinct values). Hashed by Arrow, not sorted."""
    encoded = _integers(np.ascontiguousarray(values, dtype=np.float64).view(np.int64)).dictionary_encode()
    distinct = encoded.dictionary
    return np.frombuffer(distinct.buffers()[1], dtype=np.float64)[distinct.offset : distinct.offset + len(distinct)], encoded.indices


def _csv_field(value: Any) -> str:
    """One field as the csv module writes it among others (quoted where it must be; None: empty)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["", value])
    return out.getvalue()[1:-1]


def _split(encoded: bytes, size: int) -> pa.Array:
    """The items of a JSON array of numbers (no commas inside them) as an Arrow string array, without a
    Python object per item."""
    body = np.frombuffer(encoded, dtype=np.uint8)[1:-1]
    commas = np.flatnonzero(body == ord(","))
    offsets = np.empty(size + 1, dtype=np.int32)
    offsets[0] = 0
    offsets[1:-1] = commas - np.arange(len(commas))
    offsets[-1] = len(body) - len(commas)
    return pa.StringArray.from_buffers(size, pa.py_buffer(offsets), pa.py_buffer(body[body != ord(",")]))


def _choose(texts: Sequence[str], places: np.ndarray) -> pa.Array:
    """``texts[places[i]]`` for each row (flags: False → texts[0], True → texts[1])."""
    return pa.array(texts, type=pa.string()).take(_integers(places))


def _each(text: Callable[[Any], str], items: Sequence[Any], places: np.ndarray) -> pa.Array:
    """``text(items[places[i]])`` for each row, made once for each item the rows have."""
    used, where = np.unique(places, return_inverse=True)
    return _choose([text(items[i]) for i in used.tolist()], where.reshape(-1))


def _bound(texts: Callable[[np.ndarray], pa.Array], values: np.ndarray, ends: tuple[int, int] | None) -> pa.Array:
    """``texts`` of interval bounds, where one equal to an integer end of the scale is that integer, as the row has it."""
    out = texts(values)
    for end in ends or ():
        at = values == end
        if at.any():
            out = pc.if_else(_flags(at), str(end), out)
    return out


def _only(where: np.ndarray, pieces: list[Piece], otherwise: str) -> pa.Array:
    """The joined ``pieces`` (arrays of the rows ``where`` is true) on those rows, ``otherwise`` on the others."""
    some = int(np.count_nonzero(where))
    if some == len(where):
        return _join(pieces, some)
    index = np.full(len(where), some, dtype=np.int64)
    index[where] = np.arange(some)
    return pa.concat_arrays([_join(pieces, some), pa.array([otherwise], type=pa.string())]).take(_integers(index))


def _integers(values: np.ndarray) -> pa.Array:
    """An int64 Arrow array over the NumPy array's memory (``pa.array`` of any NumPy array imports numpy.ma:
    ~20 ms of start-up, tests/test_startup.py)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _flags(values: np.ndarray) -> pa.Array:
    """A boolean Arrow array of the NumPy one (bits, least significant first)."""
    return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(np.packbits(values, bitorder="little"))])


def _repeat(text: str, size: int) -> pa.Array:
    """The same text on every row, as an array: Arrow joins arrays far faster than it broadcasts a scalar."""
    data = text.encode("utf-8")
    return pa.StringArray.from_buffers(size, pa.py_buffer(np.arange(size + 1, dtype=np.int32) * len(data)), pa.py_buffer(data * size))


def _join(pieces: list[Piece], size: int) -> pa.Array:
    """Each row's pieces joined (neighbouring fixed texts merged first)."""
    merged: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        elif not (isinstance(piece, str) and not piece):
            merged.append(piece)
    arrays = [_repeat(p, size) if isinstance(p, str) else p for p in merged]
    return arrays[0] if len(arrays) == 1 else pc.binary_join_element_wise(*arrays, "")


def _spliced(rows: pa.Array, kept: dict[int, bytes]) -> bytes:
    """The rows' texts one after another, with ``kept`` texts in place of those positions'."""
    if not len(rows):
        return b""
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int32)[rows.offset : rows.offset + len(rows) + 1].tolist()
    data = memoryview(rows.buffers()[2])
    out: list[Any] = []
    at = 0
    for place in sorted(kept):
        out += [data[offsets[at] : offsets[place]], kept[place]]
        at = place + 1
    out.append(data[offsets[at] : offsets[-1]])
    return b"".join(out)
