"""Parquet and Arrow IPC (Feather v2) files, read as the CSV export of the same data would be.

A Parquet file is streamed row group by row group, an Arrow IPC file record batch by record batch
(memory-mapped), and only the columns a run needs are read: memory follows one row group, not the
file. Each column is turned into the text a CSV export holds (``table.as_text``), so detection,
layouts and scoring are those of the CSV file. Row groups (record batches) are split into parts
that worker processes read, as a large CSV file is split at record boundaries.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from ..errors import InputError
from ..records import InputInfo
from .base import SAMPLE_ROWS, Source
from .layouts import detect_layout
from .table import as_text

PARQUET_MAGIC = b"PAR1"
ARROW_MAGIC = b"ARROW1"
STREAM_MAGIC = b"\xff\xff\xff\xff"  # an Arrow IPC stream starts with a continuation marker
FEATHER1_MAGIC = b"FEA1"
PARQUET_SUFFIXES = {".parquet", ".pq"}
ARROW_SUFFIXES = {".feather", ".arrow", ".ipc", ".arrows"}
SUFFIXES = PARQUET_SUFFIXES | ARROW_SUFFIXES
BATCH_ROWS = 65_536
NAMES = {"parquet": "a Parquet file", "arrow": "an Arrow IPC (Feather) file", "stream": "an Arrow IPC stream"}


def columnar_kind(head: bytes) -> str | None:
    """``parquet``, ``arrow`` (IPC file / Feather v2) or ``stream`` (IPC stream) from a file's first bytes."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    if head.startswith(ARROW_MAGIC):
        return "arrow"
    if head.startswith(STREAM_MAGIC):
        return "stream"
    if head.startswith(FEATHER1_MAGIC):
        return "feather1"
    return None


def expected_kind(suffix: str) -> str | None:
    """The format a file name promises: ``parquet``, ``arrow`` (IPC file or stream) or None."""
    return "parquet" if suffix in PARQUET_SUFFIXES else "arrow" if suffix in ARROW_SUFFIXES else None


def suffix_mismatch(path: str, suffix: str, kind: str) -> str | None:
    """A warning when a columnar file's first bytes disagree with its name (read by its bytes)."""
    promised = expected_kind(suffix)
    if promised == kind or (promised == "arrow" and kind == "stream"):
        return None
    return f"{path}: its first bytes say it is {NAMES[kind]}, not what its name {suffix or '(no suffix)'} says; it was read as {NAMES[kind]}"


def not_columnar(path: str, suffix: str, looks_like: str) -> InputError:
    """A ``.parquet``/``.feather`` file whose first bytes are no such format: said, not guessed at."""
    magic = "PAR1" if expected_kind(suffix) == "parquet" else "ARROW1"
    return InputError(f"{path} does not start with the {suffix} format's magic bytes ({magic}); it starts like {looks_like}", "export it again, or give it the suffix of what it holds")


def open_columnar(file: Path | BinaryIO, name: str, kind: str, size: int | None) -> Source:
    """The source for a Parquet file or an Arrow IPC file or stream; a damaged file is one line, exit 2."""
    if kind == "feather1":
        raise InputError(f"{name} is a Feather version 1 file, an old format cxscore does not read", "save it again with pyarrow.feather.write_feather (version 2) or as Parquet")
    target = str(file) if isinstance(file, Path) else file
    try:
        if kind == "parquet":
            return ColumnarSource(ParquetPart(target, None), name, "parquet", size, _parquet_file(target).metadata.num_row_groups)
        if kind == "arrow":
            with pa.ipc.open_file(pa.memory_map(target) if isinstance(target, str) else target) as reader:
                count = reader.num_record_batches
            return ColumnarSource(ArrowPart(target, None), name, "arrow", size, count)
        return ColumnarSource(StreamPart(target), name, "arrow", size, 1)
    except (pa.ArrowException, OSError) as exc:
        raise unreadable(name, kind, exc) from None


def _parquet_file(path: str | BinaryIO):
    """pyarrow's Parquet reader, imported when a Parquet file is read (~15 ms, with its file systems, that a CSV run never needs)."""
    import pyarrow.parquet as pq

    return pq.ParquetFile(path)


def unreadable(name: str, kind: str, exc: Exception) -> InputError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(f"{name} is not a readable {'Parquet' if kind == 'parquet' else 'Arrow IPC'} file ({reason})", "the file may be cut short or damaged: export it again")


@dataclass
class ParquetPart:
    """Row groups of a Parquet file (``None``: all), read column-selected, one row group at a time (picklable)."""

    path: str | BinaryIO
    groups: list[int] | None
    skip_rows: int = 0
    names: tuple[str, ...] = ()  # the file's own column names, by position
    size: int | None = None  # compressed bytes of its row groups, for progress

    kind = "parquet"

    @property
    def portable(self) -> bool:  # can be read in a worker process (scan.run_jobs)
        return isinstance(self.path, str)

    def read(self, positions: list[int] | None, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        file = _parquet_file(self.path)
        columns = None if positions is None else [file.schema_arrow.names[p] for p in positions]
        yield from file.iter_batches(batch_size=batch_rows, row_groups=self.groups, columns=columns, use_threads=False)


@dataclass
class ArrowPart:
    """Record batches of an Arrow IPC file (``None``: all), memory-mapped, only the needed columns converted."""

    path: str | BinaryIO
    batch_range: tuple[int, int] | None
    skip_rows: int = 0
    names: tuple[str, ...] = ()
    size: int | None = None

    kind = "arrow"

    @property
    def portable(self) -> bool:
        return isinstance(self.path, str)

    def read(self, positions: list[int] | None, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        source = pa.memory_map(self.path) if isinstance(self.path, str) else self.path
        with pa.ipc.open_file(source) as reader:
            start, end = self.batch_range or (0, reader.num_record_batches)
            for i in range(start, end):
                batch = reader.get_batch(i)
                yield batch if positions is None else batch.select(positions)


@dataclass
class StreamPart:
    """An Arrow IPC stream: read front to back, once per pass (a file can be opened again)."""

    path: str | BinaryIO
    skip_rows: int = 0
    names: tuple[str, ...] = ()
    size: int | None = None

    kind = "stream"
    portable = False

    def read(self, positions: list[int] | None, batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        if not isinstance(self.path, str):
            self.path.seek(0)
        with pa.ipc.open_stream(pa.OSFile(self.path) if isinstance(self.path, str) else self.path) as reader:
            for batch in reader:
                yield batch if positions is None else batch.select(positions)


Part = ParquetPart | ArrowPart | StreamPart


class ColumnarSource(Source):
    """A Parquet or Arrow IPC file: its header is the column names; its first rows may be more header rows."""

    def __init__(self, whole: Part, name: str, format: str, size: int | None, pieces: int):
        self.info = InputInfo(path=name, format=format, bytes=size)
        self._whole, self._pieces = whole, pieces
        head: list[pa.RecordBatch] = []
        rows = 0
        for batch in whole.read(None, SAMPLE_ROWS + 4):
            head.append(batch)
            rows += batch.num_rows
            if rows >= SAMPLE_ROWS + 4:
                break
        schema = head[0].schema if head else None
        if schema is None or not schema.names:
            raise InputError(f"{name} has no columns or no rows", "check that the file holds the responses")
        first = pa.Table.from_batches(head, schema=schema).slice(0, SAMPLE_ROWS + 4)
        text = [as_text(first.column(i), column, name).to_pylist() for i, column in enumerate(schema.names)]
        rows_text = [list(row) for row in zip(*text)]
        self.layout = detect_layout([list(schema.names), *rows_text[:7]])
        self.columns = self.layout.columns
        self._skip = self.layout.header_rows - 1  # header rows beyond the column names are the first rows
        self._names = tuple(schema.names)
        self._whole = replace(whole, skip_rows=self._skip, names=self._names)
        self.info.header_rows, self.info.layout = self.layout.header_rows, self.layout.name
        self.sample = [row for row in rows_text[self._skip :] if any(cell.strip() for cell in row)][:SAMPLE_ROWS]
        if len(rows_text) <= self._skip:
            raise InputError(f"{name} has a header but no data rows", "check that the file holds the responses")

    def parts(self, count: int, min_bytes: int = 0, block_bytes: int = 0) -> list:
        """Runs of row groups (record batches) for worker processes, each of at least ``min_bytes`` of the
        file (a small file is read here); the first part skips any extra header rows."""
        whole = self._whole
        if min_bytes:
            count = min(count, (self.info.bytes or 0) // min_bytes)
        if count <= 1 or self._pieces <= 1 or isinstance(whole, StreamPart) or not whole.portable:
            return [self]
        count = min(count, self._pieces)
        bounds = [round(i * self._pieces / count) for i in range(count + 1)]
        sizes = _group_sizes(whole) if isinstance(whole, ParquetPart) else None
        parts: list[Part] = []
        for k, (start, end) in enumerate(zip(bounds, bounds[1:])):
            skip = self._skip if k == 0 else 0
            size = sum(sizes[start:end]) if sizes else None
            if isinstance(whole, ParquetPart):
                parts.append(ParquetPart(whole.path, list(range(start, end)), skip, self._names, size))
            else:
                parts.append(ArrowPart(whole.path, (start, end), skip, self._names, size))
        return [ColumnarPart(part, self.columns) for part in parts]

    def batches(self, columns: list[str], info: InputInfo | None = None, progress=None, types=None) -> Iterator[pa.RecordBatch]:
        """The rows (after extra header rows) in blocks, the ``columns`` as text; ``types`` are not needed: the values are typed already."""
        yield from ColumnarPart(self._whole, self.columns).batches(columns, info or self.info, progress)


@dataclass
class ColumnarPart:
    """One part of a columnar file as the scan reads it: ``batches`` of text columns (picklable when its part is)."""

    part: Part
    columns: list[str]

    @property
    def portable(self) -> bool:
        return self.part.portable

    @property
    def size(self) -> int | None:
        return self.part.size

    def batches(self, columns: list[str], info: InputInfo, progress: Callable[[int], None] | None = None, types=None) -> Iterator[pa.RecordBatch]:
        positions = [self.columns.index(c) for c in columns]
        skip = self.part.skip_rows
        try:
            for batch in self.part.read(positions):
                if skip:
                    dropped = min(skip, batch.num_rows)
                    batch, skip = batch.slice(dropped), skip - dropped
                if not batch.num_rows:
                    continue
                arrays = [as_text(batch.column(i), name, info.path) for i, name in enumerate(columns)]
                info.rows += batch.num_rows
                yield pa.RecordBatch.from_arrays(arrays, names=columns)
        except (pa.ArrowException, OSError) as exc:
            raise unreadable(info.path, self.part.kind, exc) from None


def _group_sizes(part: ParquetPart) -> list[int]:
    meta = _parquet_file(part.path).metadata
    return [meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)]
