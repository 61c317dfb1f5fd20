"""An .xlsx/.xlsm sheet read through fastexcel (calamine's parser, straight into Arrow arrays).

The sheet is parsed once, with every column typed as fastexcel finds it over all rows. Its cells are
turned into the text python-calamine's cells give (``excel.cell_text`` for the sample, Arrow casts for
whole columns), so a workbook scores exactly as through calamine. Where fastexcel's arrays cannot
say what calamine would give — a number with more than nine decimals inside a text column (fastexcel
rounds it), TRUE/FALSE cells (``true``), a time of day, a date at midnight inside a text column,
fractions of a second, a text such as ``N/A`` in a number column that fastexcel reads as blank — the
sheet is not exact, :class:`NotExact` is raised and the caller reads it with calamine instead.
"""
from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
from ..lazy_import import pc

from .cells import cell_text

#: calamine's error kinds (as fastexcel names them in a cell's description) → the text Excel shows.
ERROR_TEXTS = {"NA": "#N/A", "Div0": "#DIV/0!", "Ref": "#REF!", "Value": "#VALUE!", "Name": "#NAME?", "Num": "#NUM!", "Null": "#NULL!", "GettingData": "#GETTING_DATA"}
_ERROR = re.compile(r"'Error\((\w+)\)'?$")
#: A text cell in a typed column: only fastexcel's null markers (``N/A``, ``NULL``, ``nan``…) get there; plain ASCII.
_NULL_TEXT = re.compile(r"""'(?:Shared)?String\("([^"\\]*)"\)'?$""")
#: Texts in a text column that may be fastexcel's rendering of another cell type, rendered otherwise by calamine.
AMBIGUOUS_TEXT = "|".join([
    r"^-?\d+\.\d+$",  # a number with a fraction: fastexcel keeps 9 decimals, calamine all (29.020000000000003)
    r"^-?\d{11,}$",  # a whole number from 10^10: calamine's Arrow cast writes 1e+10 in a column of numbers
    r"^(?:true|false)$",  # a TRUE/FALSE cell
    r"^-0$",  # -0.0 (calamine: 0)
    # a date cell at midnight (calamine: the date alone), with a fraction of a second, or a time of day alone
    r"^\d{4}-\d\d-\d\d (?:00:00:00(?:\.\d*)?|\d\d:\d\d:\d\d\.\d*)$",
    r"^(?:1899-12-3[01]|1904-01-01) \d\d:\d\d:\d\d",
])
#: Dates before this are times of day (serial < 1), which calamine gives as a time alone; so may be this
#: day, serial 0 in a workbook of the 1904 date system.
EARLIEST, DAY_1904 = dt.datetime(1900, 1, 1), dt.date(1904, 1, 1)
#: Numbers from here (and below 10^-4) are written differently by Arrow's cast and by Python (1e+10, 1e-05).
LARGE, SMALL = 1e10, 1e-4


class NotExact(Exception):
    """fastexcel cannot give this sheet (or column) as calamine would: read it with calamine."""


class FastSheet:
    """One sheet, parsed once; ``header`` holds its first row's texts, ``data`` every later row, typed.

    Given ``use`` (column positions) and ``names`` (the column names fastexcel gave the sheet's first
    rows, :mod:`.sheet_head`), only those columns are typed and converted, and the sheet must have the
    same columns as its first rows had (else :class:`NotExact`: a column that starts past them)."""

    def __init__(self, reader, sheet_index: int, header_non_text: bool, use: set[int] | None = None, names: list[str] | None = None):
        import fastexcel

        seen: list[str] = []

        def chosen(column) -> bool:
            seen.append(column.name)
            return use is None or column.index in use

        try:
            # Row 0 of the sheet (not its first non-empty row) is the header, as calamine's rows start at row 1;
            # columns start at the first used one in both readers.
            loaded = reader.load_sheet(sheet_index, header_row=0, skip_rows=0, schema_sample_rows=None, dtype_coercion="coerce", use_columns=None if names is None else chosen)
            columns = loaded.selected_columns
            batch, errors = loaded.to_arrow_with_errors()
        except (fastexcel.FastExcelError, OverflowError, ValueError) as exc:  # a cell kind or mix fastexcel refuses (#NAME?, durations among text)
            raise NotExact(str(exc)) from None
        del loaded
        if names is not None and seen != names:
            raise NotExact("the sheet has columns its first rows do not have")
        self.names = [c.name for c in columns]
        self.header = _header(self.names, [c.column_name_from == "generated" for c in columns], header_non_text) if use is None else []
        self.data: pa.RecordBatch = batch
        self._at = {c.index: i for i, c in enumerate(columns)}  # a column's position in the sheet → in ``data``
        self._texts, self._errors = _cell_errors(errors.errors if errors else [])

    def has_columns(self) -> set[int]:
        return set(self._at)

    def has(self, positions: list[int]) -> bool:
        return all(p in self._at for p in positions)

    def first_rows(self, count: int) -> list[list[str]]:
        """The header and the next ``count - 1`` rows as calamine's ``cell_text`` gives them (error cells blank)."""
        return [list(self.header), *self.rows(count - 1)]

    def rows(self, count: int) -> list[list[str]]:
        """The first ``count`` rows after the header, of the columns loaded, as :meth:`first_rows` gives them."""
        head = self.data.slice(0, count)
        columns = []
        for index, i in self._at.items():
            column = head.column(i)
            if pa.types.is_boolean(column.type) or pa.types.is_duration(column.type):
                cells = [_cell(c) for c in column.to_pylist()]
            else:
                cells = [c or "" for c in _as_text(column).to_pylist()]
            for (row, col), text in self._texts.items():
                if col == index and row < len(cells):
                    cells[row] = text
            columns.append(cells)
        return list(map(list, zip(*columns)))

    def empty_rows(self, first: int):
        """Which data rows from ``first`` on hold nothing in any column loaded (blank, or only spaces and
        tabs, as a CSV record of only delimiters), as a numpy mask; None when there are none. A cell that
        fastexcel could not type (a text, an error) is no blank."""
        import numpy as np

        empty = np.ones(max(self.data.num_rows - first, 0), bool)
        for column in self.data.columns:
            if not empty.any():
                return None
            column = column.slice(first)
            blank = column.is_null()
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                blank = pc.or_(blank, pc.fill_null(pc.equal(pc.utf8_trim(column, " \t"), ""), False))
            empty &= blank.to_numpy(zero_copy_only=False)
        for row, _ in (*self._texts, *self._errors):
            if row >= first:
                empty[row - first] = False
        return empty if empty.any() else None

    def column(self, index: int, first: int, want: pa.DataType | None = None) -> pa.Array:
        """Column ``index`` from data row ``first`` on, as text exactly as calamine's batches give it;
        or, where ``want`` (a typed-read hint, :mod:`cxscore.column_types`) fits every cell, as that type."""
        array = self.data.column(self._at[index])
        patches = {row: value for (row, col), value in {**self._texts, **self._errors}.items() if col == index and row >= first}
        if want is not None and not patches and (typed := _typed(array, want)) is not None:
            return typed.slice(first)
        text = _as_text(array)
        if patches:
            rows = sorted(patches)
            text = pc.replace_with_mask(text, pa.array(_mask(len(text), rows)), pa.array([patches[r] for r in rows], pa.string()))
        return text.slice(first)


def _typed(array: pa.Array, want: pa.DataType) -> pa.Array | None:
    """``array`` as the typed read ``want`` asks for, when that means what its text means; else None."""
    kind = array.type
    if pa.types.is_dictionary(want) and (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        _check_text(array)
        return pc.dictionary_encode(array.cast(pa.string()), null_encoding="encode")  # as the grouper encodes text
    if pa.types.is_timestamp(want) and pa.types.is_timestamp(kind):
        _check_times(array)
        return array.cast(want, safe=False)
    if pa.types.is_integer(want) and pa.types.is_floating(kind):
        info = pa.types.is_int16(want) and pc.min_max(array).as_py()
        whole = pc.all(pc.equal(pc.trunc(array), array)).as_py() is not False
        if info and info["min"] is not None and -(1 << 15) <= info["min"] and info["max"] < (1 << 15) and whole:
            return array.cast(want)
    return None


def _check_times(array: pa.Array) -> None:
    """Refuse what calamine gives otherwise than as a date or a date and time: a time of day, fractions of a second."""
    day = array.cast(pa.date32())
    if pc.any(pc.or_(pc.less(array, pa.scalar(EARLIEST, array.type)), pc.equal(day, pa.scalar(DAY_1904, pa.date32())))).as_py():
        raise NotExact("a time of day")
    if pc.any(pc.not_equal(array.cast(pa.timestamp("s"), safe=False).cast(array.type), array)).as_py():
        raise NotExact("a fraction of a second")


def _mask(length: int, rows: list[int]):
    import numpy as np

    mask = np.zeros(length, dtype=bool)
    mask[rows] = True
    return mask


def _header(names: list[str], generated: list[bool], header_non_text: bool) -> list[str]:
    """The first row's texts from fastexcel's column names: it names an empty (or date, boolean) cell
    ``__UNNAMED__3`` and a repeated name ``x_1``; both are undone, and checked by redoing them."""
    if any(generated) and header_non_text:
        raise NotExact("a header cell is a date or a boolean, which fastexcel does not name")
    raw: list[str] = []
    for name, made in zip(names, generated):
        if made:
            raw.append("")
            continue
        base, _, depth = name.rpartition("_")
        raw.append(base if depth.isdigit() and base in raw else name)
    if _aliases(raw, generated) != names:
        raise NotExact("the header's repeated names are ambiguous")
    return raw


def _aliases(raw: list[str], generated: list[bool]) -> list[str]:
    """fastexcel's names for a header row (its ``alias_for_name``)."""
    out: list[str] = []
    for i, (name, made) in enumerate(zip(raw, generated)):
        name = f"__UNNAMED__{i}" if made else name
        alias, depth = name, 0
        while alias in out:
            depth += 1
            alias = f"{name}_{depth}"
        out.append(alias)
    return out


def _cell_errors(errors) -> tuple[dict[tuple[int, int], str], dict[tuple[int, int], str]]:
    """Cells fastexcel could not put in their column's type: texts (``N/A`` in a number column, which
    calamine gives as text everywhere) and Excel error cells (which calamine gives as blank and
    cxscore as their text, in the batches only). Anything else is not exact."""
    texts: dict[tuple[int, int], str] = {}
    failures: dict[tuple[int, int], str] = {}
    for error in errors:
        position = error.offset_position
        if found := _ERROR.search(error.detail):
            if found[1] not in ERROR_TEXTS:
                raise NotExact(error.detail)
            failures[position] = ERROR_TEXTS[found[1]]
        elif found := _NULL_TEXT.search(error.detail):
            texts[position] = found[1]
        else:
            raise NotExact(error.detail)
    return texts, failures


def _check_text(column: pa.Array) -> None:
    if pc.any(pc.match_substring_regex(column, AMBIGUOUS_TEXT)).as_py():
        raise NotExact("a text column holds a value fastexcel may have written from a number, date or TRUE/FALSE cell")


def _cell(value) -> str:
    """A TRUE/FALSE or duration cell as ``cell_text`` gives it (``TRUE``, ``1:02:03``)."""
    return cell_text(value) or ""


def _as_text(array: pa.Array) -> pa.Array:
    """A whole typed column as calamine's batches give it (an Arrow cast of its cells)."""
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        _check_text(array)
        return array.cast(pa.string())
    if pa.types.is_null(kind):
        return pa.nulls(len(array), pa.string())
    if pa.types.is_floating(kind):
        size = pc.abs(array)
        odd = pc.or_(pc.greater_equal(size, LARGE), pc.and_(pc.greater(size, 0), pc.less(size, SMALL)))
        if pc.any(odd).as_py() or pc.any(pc.is_nan(array)).as_py() or _negative_zero(array):
            raise NotExact("a number Arrow and Python write differently, or NaN")
        return array.cast(pa.string())
    if pa.types.is_integer(kind) or pa.types.is_date(kind):
        return array.cast(pa.string())
    if pa.types.is_timestamp(kind):
        _check_times(array)
        day, seconds = array.cast(pa.date32()), array.cast(pa.timestamp("s"))
        midnight = pc.equal(day.cast(kind), array)
        return pc.if_else(midnight, day.cast(pa.string()), seconds.cast(pa.string()))
    raise NotExact(f"a column of {kind} cells")  # booleans (true or TRUE by batch in calamine), durations


def _negative_zero(array: pa.Array) -> bool:
    import numpy as np

    values = array.fill_null(1.0).to_numpy(zero_copy_only=False)
    return bool(np.any((values == 0) & np.signbit(values)))
