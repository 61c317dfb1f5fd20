"""Delimited text (CSV, TSV, …): encoding and delimiter detection, streaming with pyarrow."""
from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import BinaryIO, Callable, Iterator, Optional

import charset_normalizer
import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import InputError
from ..model import InputInfo
from .base import SAMPLE_ROWS, Source, unique_headers

SAMPLE_BYTES = 1 << 20
BLOCK_BYTES = 8 << 20
DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_CHINESE = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


def detect_encoding(sample: bytes, complete: bool) -> str:
    """BOMs first, then strict UTF-8, then charset-normalizer (Chinese encodings widened to GB18030)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise InputError("could not tell the text encoding of the input", "pass --encoding, e.g. --encoding gb18030 or --encoding cp1252")
    name = codecs.lookup(best.encoding).name
    return "gb18030" if name in _CHINESE else name


def _decode_sample(sample: bytes, encoding: str, complete: bool, where: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: bytes at offset {exc.start} are not valid {encoding}", "pass the right --encoding (e.g. gb18030, utf-16, cp1252)") from None
    except LookupError:
        raise InputError(f"unknown encoding: {encoding}", "use a Python codec name such as utf-8, gb18030, utf-16, cp1252") from None


def _records(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], int]:
    """Parse up to ``limit`` records; also return the physical lines the first record spans."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    header_lines = 1
    try:
        for row in reader:
            rows.append(row)
            if len(rows) == 1:
                header_lines = reader.line_num
            if len(rows) >= limit:
                break
    except csv.Error:
        pass  # a sample cut inside a quoted field; the rows before it are enough
    return rows, header_lines


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

    def __init__(self, opener: Callable[[], BinaryIO], sample: bytes, complete: bool, info: InputInfo, encoding: Optional[str]):
        self._opener = opener
        where = info.path
        info.encoding_detected = encoding is None
        encoding = encoding or detect_encoding(sample, complete)
        text = _decode_sample(sample, encoding, complete, where)
        if not text.strip():
            raise InputError(f"input file is empty: {where}", "export the survey again")
        delimiter = "\t" if text.count("\t") and where.lower().endswith((".tsv", ".tab")) else sniff_delimiter(text)
        rows, header_lines = _records(text, delimiter, SAMPLE_ROWS + 2)
        if not complete and len(rows) > 1:
            rows = rows[:-1]  # the last sampled record may be cut off
        data_rows = [r for r in rows[1:] if any(cell.strip() for cell in r)]
        if complete and not data_rows:
            raise InputError(f"{where} has a header but no data rows", "check that the export contains responses")
        self.columns = unique_headers(rows[0])
        width = len(self.columns)
        self.sample = [(r + [None] * width)[:width] for r in data_rows[:SAMPLE_ROWS]]
        info.encoding, info.delimiter, info.header_rows = encoding, delimiter, 1
        self.info = info
        self._header_lines = header_lines

    @classmethod
    def from_path(cls, path: Path, encoding: Optional[str] = None) -> "CsvSource":
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
            complete = not fh.read(1)
        info = InputInfo(path=str(path), format="csv", bytes=path.stat().st_size)
        return cls(lambda: path.open("rb"), sample, complete, info, encoding)

    @classmethod
    def from_stream(cls, stream: BinaryIO, head: bytes, name: str, encoding: Optional[str] = None) -> "CsvSource":
        sample = head + stream.read(SAMPLE_BYTES - len(head))
        extra = stream.read(1)
        complete = not extra
        if not sample.strip():
            raise InputError("standard input is empty", "pipe a CSV export into cxscore, or give a file path")
        used: list[bool] = []

        def opener() -> BinaryIO:
            if used:
                raise InputError("standard input can be read only once", "save it to a file to score it twice")
            used.append(True)
            return io.BufferedReader(_Replay(sample + extra, stream), buffer_size=1 << 20)

        return cls(opener, sample, complete, InputInfo(path=name, format="csv"), encoding)

    def _arrow_encoding(self) -> str:
        # pyarrow reads UTF-8 natively (and skips a BOM); other encodings go through Python's codecs.
        return "utf8" if self.info.encoding in ("utf-8", "utf-8-sig", "utf_8") else self.info.encoding

    def batches(self, columns: list[str]) -> Iterator[pa.RecordBatch]:
        def skip_malformed(row) -> str:
            self.info.malformed_rows += 1
            return "skip"

        read = pacsv.ReadOptions(
            column_names=self.columns, skip_rows=self._header_lines, encoding=self._arrow_encoding(), block_size=BLOCK_BYTES
        )
        parse = pacsv.ParseOptions(delimiter=self.info.delimiter, newlines_in_values=True, invalid_row_handler=skip_malformed)
        convert = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in columns},
            include_columns=columns,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        with self._opener() as stream:
            try:
                reader = pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
                for batch in reader:
                    self.info.rows += batch.num_rows
                    yield batch
            except UnicodeDecodeError as exc:
                raise InputError(f"{self.info.path}: bytes are not valid {self.info.encoding} ({exc.reason})", "pass the right --encoding (e.g. gb18030, utf-16, cp1252)") from None
            except pa.ArrowInvalid as exc:
                text = str(exc)
                if "UTF8" in text or "UTF-8" in text:
                    raise InputError(f"{self.info.path}: bytes further into the file are not valid UTF-8", "pass the right --encoding (e.g. gb18030 or cp1252)") from None
                if "Empty CSV file" in text:
                    return
                raise InputError(f"{self.info.path}: cannot parse the file as {DELIMITER_NAMES.get(self.info.delimiter, repr(self.info.delimiter))}-separated text ({text.splitlines()[0]})", "check the file is a CSV export") from None
        if self.info.rows == 0:
            raise InputError(f"{self.info.path} has a header but no data rows", "check that the export contains responses")
