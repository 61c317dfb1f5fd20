"""The interface all sources share."""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from ..records import InputInfo
from .layouts import Layout, unique_headers as unique_headers  # unique_headers: the layouts work a header's names out

#: Rows kept from the start of an input for column detection.
SAMPLE_ROWS = 2000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


def is_excel_bytes(head: bytes) -> bool:
    """Whether a file starts like a workbook (zip container or OLE compound file): here, so that telling
    a text file from a workbook does not import the workbook readers."""
    return head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC)


def sample_values(sample: list[list], index: int) -> list[str]:
    """The non-blank values of column ``index`` in a source's sample rows."""
    return [row[index] for row in sample if index < len(row) and row[index] not in (None, "")]


class ColumnTypes(dict[str, pa.DataType]):
    """Column → the type a reader may parse it as (:func:`cxscore.column_types.read_types`), and
    ``nulls``: texts besides the empty cell that a typed read takes as null — answers that every
    typed answer column counts as blank ("N/A"), so an integer column holding them still reads as
    integers. Text columns (and segments, text in a dictionary) never read a null."""

    nulls: tuple[str, ...] = ()


class TypedReadFailed(Exception):
    """A typed read met a value that does not fit its column's type: read the part again as text."""


class RecordTooLarge(Exception):
    """A record is longer than the reader's block: read the part again with a larger block."""


class Source:
    """An opened input."""

    info: InputInfo
    layout: Layout  # the export layout recognised from the header rows
    columns: list[str]
    sample: list[list[str | None]]  # first rows, aligned with columns, for detection
    warnings: list[str] | tuple[str, ...] = ()  # said while opening it (an HTML page with an Excel name)
    doubts: list[str] | tuple[str, ...] = ()  # guesses made while opening it (an encoding only statistics chose): warnings that --strict refuses

    def batches(self, columns: list[str], info: InputInfo | None = None, progress=None, types=None) -> Iterator[pa.RecordBatch]:
        """Record batches holding ``columns`` as strings; counts rows into ``info`` (default: this source's).

        ``progress``, where a source can tell, is called with the bytes read so far. ``types``
        (:func:`cxscore.column_types.read_types`) are hints: a source that can read a part again
        may deliver those columns typed, and raises :class:`TypedReadFailed` when a value does not fit.
        """
        raise NotImplementedError

    def parts(self, count: int, min_bytes: int = 0, block_bytes: int = 0) -> list:
        """Pieces that can be read independently (in worker processes); each has ``batches(columns, info)``.
        At most ``count``; a source that splits bytes makes each at least ``min_bytes``, read ``block_bytes`` at a time."""
        return [self]
