"""A pyarrow Table or a pandas DataFrame as an input, read as the CSV export it came from would be.

Every column a run needs is turned into the text a CSV export holds (whole numbers without ``.0``,
timestamps as ``2025-01-31 09:30:00``, a blank for a missing value), so detection, layouts and
scoring are exactly those of a file: the sample CSV read into a Table scores as the file does.
pandas is never imported here (it is not a dependency): a DataFrame is converted by pyarrow.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any, Union

import pyarrow as pa
from ..lazy_import import pc

from ..errors import InputError
from ..records import InputInfo
from .base import SAMPLE_ROWS, Source
from .cells import cell_text
from .layouts import detect_layout

BATCH_ROWS = 65_536


def is_table(value: Any) -> bool:
    """Whether an input is a table (pyarrow Table or pandas DataFrame) rather than a path."""
    return isinstance(value, pa.Table) or _is_dataframe(value)


def _is_dataframe(value: Any) -> bool:
    pandas = sys.modules.get("pandas")  # a DataFrame exists only once pandas is imported: never imported here
    return pandas is not None and isinstance(value, pandas.DataFrame)


def as_arrow(value: Any, name: str) -> pa.Table:
    """A pyarrow Table of the input; a DataFrame converted by pyarrow (its index left out). An object
    column that mixes numbers and text, which pyarrow refuses, is taken as text cell by cell."""
    if isinstance(value, pa.Table):
        return value
    try:
        return pa.Table.from_pandas(value, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    arrays = []
    for label in value.columns:
        column = value[label]
        try:
            arrays.append(pa.array(column, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            arrays.append(pa.array([None if _missing(v) else cell_text(v) for v in column.tolist()], type=pa.string()))
    if len(set(map(str, value.columns))) != len(value.columns):
        raise InputError(f"{name}: the DataFrame has repeated column names", "give each column its own name (df.columns = …)")
    return pa.Table.from_arrays(arrays, names=[str(label) for label in value.columns])


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # NaN, pandas' missing value


def as_text(array: pa.ChunkedArray | pa.Array, column: str, where: str) -> pa.ChunkedArray | pa.Array:
    """A column as the text a CSV export would hold: blanks for missing values, whole numbers without ``.0``."""
    kind = array.type
    if pa.types.is_dictionary(kind):
        array, kind = array.cast(kind.value_type), kind.value_type
    if pa.types.is_timestamp(kind):
        array = array.cast(pa.timestamp("s", kind.tz), safe=False)  # whole seconds, as an export writes them
    elif pa.types.is_date64(kind):
        array = array.cast(pa.date32())
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        try:
            array = array.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise InputError(f"{where}: column {column!r} holds {kind} values, not answers or labels", "convert it to text or numbers before scoring") from None
    return pc.fill_null(array.cast(pa.string()), "")


class TableSource(Source):
    """An in-memory table: its header is the column names, and its first rows may be more header rows
    (a Qualtrics export read with pandas keeps the question text and ImportId rows as data)."""

    def __init__(self, table: pa.Table, name: str, format: str = "arrow"):
        self._table = table
        self.info = InputInfo(path=name, format=format, bytes=table.nbytes)
        if table.num_columns == 0:
            raise InputError(f"{name} has no columns", "pass the export's table (with its header as column names)")
        head = table.slice(0, SAMPLE_ROWS + 4)
        text = [as_text(head.column(i), name_, name).to_pylist() for i, name_ in enumerate(table.column_names)]
        rows = [list(row) for row in zip(*text)]
        self.layout = detect_layout([list(table.column_names), *rows[:7]])
        self.columns = self.layout.columns
        self._skip = self.layout.header_rows - 1  # header rows beyond the column names are the table's first rows
        self.info.header_rows, self.info.layout = self.layout.header_rows, self.layout.name
        self.sample = [row for row in rows[self._skip :] if any(cell.strip() for cell in row)][:SAMPLE_ROWS]
        if table.num_rows <= self._skip:
            raise InputError(f"{name} has a header but no data rows", "check that the table contains responses")

    def batches(self, columns: list[str], info: InputInfo | None = None, progress=None, types=None) -> Iterator[pa.RecordBatch]:
        """The table's rows (after its header rows) in blocks, the ``columns`` as text; ``types`` are not needed: the values are typed already."""
        info = info or self.info
        positions = [self.columns.index(c) for c in columns]
        table = self._table.select(positions).slice(self._skip)
        for start in range(0, table.num_rows, BATCH_ROWS):
            block = table.slice(start, BATCH_ROWS)
            arrays = [as_text(block.column(i), name, info.path).combine_chunks() for i, name in enumerate(columns)]
            info.rows += block.num_rows
            yield pa.RecordBatch.from_arrays(arrays, names=columns)


#: What :func:`cxscore.score` takes as one input: a path, ``-`` for standard input, a pyarrow Table or a pandas DataFrame.
Input = Union[str, "os.PathLike[str]", pa.Table, Any]


def open_inputs(inputs: Input | Sequence[Input]) -> list[str | Source]:
    """The inputs as a list (one path or table may be given alone), paths as text and each table opened
    as a :class:`TableSource` named ``<table>`` (``<table N>``, counting tables from 1, among several)."""
    items: list[Any] = [inputs] if isinstance(inputs, (str, os.PathLike)) or is_table(inputs) else list(inputs)
    count = sum(map(is_table, items))
    out: list[str | Source] = []
    for value in items:
        if is_table(value):
            name = "<table>" if count == 1 else f"<table {sum(isinstance(v, TableSource) for v in out) + 1}>"
            out.append(TableSource(as_arrow(value, name), name, "pandas" if _is_dataframe(value) else "arrow"))
        else:
            out.append(os.fspath(value))
    return out
