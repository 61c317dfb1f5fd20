"""Delimited text (CSV, TSV, …): encoding and delimiter detection, streaming with pyarrow."""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Optional

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import InputError
from ..model import InputInfo
from .base import SAMPLE_ROWS, Source, TypedReadFailed
from .encodings import choose_encoding, encoding_hint
from .layouts import detect_layout

SAMPLE_BYTES = 1 << 20
#: pyarrow reads about 32 blocks ahead, so the block size sets the memory ceiling (1 MiB ≈ 35 MB).
BLOCK_BYTES = 1 << 20
#: Files are split for parallel workers only into parts at least this large.
MIN_PART_BYTES = 16 << 20
SCAN_BYTES = 1 << 20
WINDOW_BYTES = 64 << 10
QUOTE, NEWLINE = ord('"'), ord("\n")
DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _decode_sample(sample: bytes, encoding: str, complete: bool, where: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: bytes at offset {exc.start} are not valid {encoding}", encoding_hint(encoding, sample, complete)) from None


def _records(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """Parse up to ``limit`` records; also return, for the first few, the physical lines read up to their end."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            rows.append(row)
            if len(lines) < 8:
                lines.append(reader.line_num)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted field; the rows before it are enough
    return rows, lines


def sniff_delimiter(text: str) -> str:
    """The candidate delimiter that splits the first lines into the most consistent, widest rows."""
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        rows, _ = _records(text, delimiter, 50)
        rows = [r for r in rows if r]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistency = sum(len(r) == width for r in rows) / len(rows)
        score = (consistency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


class _Replay(io.RawIOBase):
    """A stream that yields a buffered prefix and then the rest of the underlying stream."""

    def __init__(self, prefix: bytes, rest: BinaryIO):
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if len(self._prefix):
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class CsvSource(Source):
    """A delimited text input, read block by block."""

    def __init__(self, opener: Callable[[], BinaryIO], sample: bytes, complete: bool, info: InputInfo, encoding: Optional[str], path: Optional[Path] = None):
        self._opener = opener
        self.warnings = []
        where = info.path
        info.encoding_detected = encoding is None
        detected = choose_encoding(sample, complete, encoding)
        encoding, info.encoding_reason = detected.name, detected.reason
        if detected.guessed:
            self.warnings.append(f"{where}: text encoding guessed as {encoding} (not UTF-8, Chinese GB18030 or Western cp1252); if labels look garbled, pass --encoding")
        text = _decode_sample(sample, encoding, complete, where)
        if not text.strip():
            raise InputError(f"input file is empty: {where}", "export the survey again")
        delimiter = "\t" if text.count("\t") and where.lower().endswith((".tsv", ".tab")) else sniff_delimiter(text)
        rows, lines = _records(text, delimiter, SAMPLE_ROWS + 4)
        if not complete and len(rows) > 1:
            rows = rows[:-1]  # the last sampled record may be cut off
        self.layout = detect_layout(rows[:8])
        head = self.layout.header_rows
        data_rows = [r for r in rows[head:] if any(cell.strip() for cell in r)]
        if complete and not data_rows:
            raise InputError(f"{where} has a header but no data rows", "check that the export contains responses")
        self.columns = self.layout.columns
        width = len(self.columns)
        self.sample = [(r + [None] * width)[:width] for r in data_rows[:SAMPLE_ROWS]]
        info.encoding, info.delimiter, info.header_rows, info.layout = encoding, delimiter, head, self.layout.name
        self.info = info
        self._header_lines = lines[head - 1]
        self._path = path

    @classmethod
    def from_path(cls, path: Path, encoding: Optional[str] = None) -> "CsvSource":
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
            complete = not fh.read(1)
        info = InputInfo(path=str(path), format="csv", bytes=path.stat().st_size)
        return cls(lambda: path.open("rb"), sample, complete, info, encoding, path)

    @classmethod
    def from_stream(cls, stream: BinaryIO, head: bytes, name: str, encoding: Optional[str] = None) -> "CsvSource":
        sample = head + stream.read(SAMPLE_BYTES - len(head))
        extra = stream.read(1)
        complete = not extra
        what = "standard input" if name == "<stdin>" else name
        if not sample.strip():
            raise InputError(f"{what} is empty", "pipe a CSV export into cxscore, or give a file path")
        used: list[bool] = []

        def opener() -> BinaryIO:
            if used:
                raise InputError(f"{what} can be read only once", "save it to a file to score it twice")
            used.append(True)
            return io.BufferedReader(_Replay(sample + extra, stream), buffer_size=1 << 20)

        return cls(opener, sample, complete, InputInfo(path=name, format="csv"), encoding)

    def parts(self, count: int) -> list:
        """Independent byte ranges of the file, split at record boundaries, for parallel workers.

        Standard input stays one part (this source itself); UTF-16/32 text and small files one range.
        """
        if self._path is None:
            return [self]
        size = self.info.bytes or 0
        count = min(count, size // MIN_PART_BYTES)
        splittable = not codecs.lookup(self.info.encoding).name.startswith(("utf-16", "utf-32"))
        bounds = record_boundaries(self._path, size, count) if count > 1 and splittable else [0, size]
        return [
            CsvPart(str(self._path), start, end, self._header_lines if start == 0 else 0, self.columns, self.info.encoding, self.info.delimiter)
            for start, end in zip(bounds, bounds[1:])
        ]

    def batches(self, columns: list[str], info: Optional[InputInfo] = None, progress=None, types=None) -> Iterator[pa.RecordBatch]:
        """As text always: standard input cannot be read again after a failed typed read."""
        info = info or self.info
        with self._opener() as stream:
            yield from read_batches(stream, self.columns, self._header_lines, self.info.encoding, self.info.delimiter, columns, info)


def arrow_encoding(encoding: str) -> str:
    """pyarrow reads UTF-8 natively (and skips a BOM); other encodings go through Python's codecs."""
    return "utf8" if encoding in ("utf-8", "utf-8-sig", "utf_8") else encoding


def read_batches(stream: BinaryIO, names: list[str], skip_rows: int, encoding: str, delimiter: str, columns: list[str], info: InputInfo, types=None) -> Iterator[pa.RecordBatch]:
    """Stream record batches of ``columns`` from delimited bytes; count rows and malformed rows in ``info``.

    Columns are text unless ``types`` names another type for them (blank cells are then null);
    a value that does not fit such a type raises :class:`TypedReadFailed`.
    """
    types = types or {}

    def skip_malformed(row) -> str:
        info.malformed_rows += 1
        return "skip"

    read = pacsv.ReadOptions(column_names=names, skip_rows=skip_rows, encoding=arrow_encoding(encoding), block_size=BLOCK_BYTES)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=skip_malformed)
    convert = pacsv.ConvertOptions(
        column_types={c: types.get(c, pa.string()) for c in columns},
        include_columns=columns,
        null_values=[""],
        strings_can_be_null=False,
        quoted_strings_can_be_null=True,
    )
    try:
        for batch in pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert):
            info.rows += batch.num_rows
            yield batch
    except UnicodeDecodeError as exc:
        raise InputError(f"{info.path}: bytes further into the file are not valid {encoding} ({exc.reason})", encoding_hint(encoding)) from None
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if types and "conversion error" in text:
            raise TypedReadFailed(text) from None
        if "UTF8" in text or "UTF-8" in text:
            raise InputError(f"{info.path}: bytes further into the file are not valid UTF-8", encoding_hint("utf-8")) from None
        if "Empty CSV file" in text:
            return
        kind = DELIMITER_NAMES.get(delimiter, repr(delimiter))
        raise InputError(f"{info.path}: cannot parse the file as {kind}-separated text ({text.splitlines()[0]})", "check the file is a CSV export") from None


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file."""

    def __init__(self, path: str, start: int, end: int, progress: Optional[Callable[[int], None]] = None):
        self._file = open(path, "rb", buffering=0)
        self._file.seek(start)
        self._left = end - start
        self._read = 0
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: min(len(buffer), self._left)]
        n = self._file.readinto(view)
        self._left -= n
        self._read += n
        if self._progress:
            self._progress(self._read)
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


@dataclass
class CsvPart:
    """A byte range of a delimited file that starts and ends on record boundaries (picklable for workers)."""

    path: str
    start: int
    end: int
    skip_rows: int
    names: list[str]
    encoding: str
    delimiter: str

    portable = True  # can be read in a worker process (scan.run_jobs)

    @property
    def size(self) -> int:
        return self.end - self.start

    def batches(self, columns: list[str], info: InputInfo, progress: Optional[Callable[[int], None]] = None, types=None) -> Iterator[pa.RecordBatch]:
        with io.BufferedReader(_Range(self.path, self.start, self.end, progress), buffer_size=1 << 20) as stream:
            yield from read_batches(stream, self.names, self.skip_rows, self.encoding, self.delimiter, columns, info, types)


def record_boundaries(path: Path, size: int, count: int) -> list[int]:
    """Offsets that cut the file into ``count`` ranges at line ends outside quoted fields.

    In RFC 4180 text a byte is inside a quoted field exactly when an odd number of quote
    characters precede it (escaped quotes come in pairs), so counting quotes up to a guess and
    moving on to the next newline with even parity finds a record boundary. The quote and
    newline bytes never occur inside multi-byte characters of UTF-8, GB18030 or single-byte codes.
    """
    bounds, parity, position = [0], 0, 0
    buffer = bytearray(SCAN_BYTES)  # reused: counting stays in cache and allocates nothing per chunk
    view, data = memoryview(buffer), np.frombuffer(buffer, np.uint8)
    with path.open("rb", buffering=0) as fh:
        for k in range(1, count):
            target = max(size * k // count, position)
            fh.seek(position)
            while position < target:  # parity of the quotes before the target
                n = fh.readinto(view[: min(SCAN_BYTES, target - position)])
                if not n:
                    break
                parity ^= int(np.count_nonzero(data[:n] == QUOTE)) & 1
                position += n
            cut = _line_end_outside_quotes(fh, position, parity)
            if cut is None:
                break
            bounds.append(cut)
            position, parity = cut, 0  # the cut is outside quotes
    return sorted(set(bounds + [size]))


def _line_end_outside_quotes(fh: BinaryIO, start: int, parity: int) -> Optional[int]:
    """The offset just after the first newline from ``start`` on that is outside quotes (``parity`` at ``start``)."""
    fh.seek(start)
    while window := fh.read(WINDOW_BYTES):
        data = np.frombuffer(window, np.uint8)
        inside = (np.cumsum(data == QUOTE) + parity) & 1
        newline = np.flatnonzero((data == NEWLINE) & (inside == 0))
        if newline.size:
            return start + int(newline[0]) + 1
        parity = int(inside[-1])
        start += len(window)
    return None
