"""Delimited text (CSV, TSV, …): encoding and delimiter detection, streaming with pyarrow."""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO
from collections.abc import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from .. import limits
from ..errors import InputError
from ..records import InputInfo
from .base import SAMPLE_ROWS, ColumnTypes, RecordTooLarge, Source, TypedReadFailed
from .encodings import choose_encoding, detect_encoding, encoded_twice, encoding_hint, guessed_warning, is_utf8, is_wide, twice_warning
from .layouts import detect_layout

SAMPLE_BYTES = 1 << 20
#: pyarrow reads about 32 blocks ahead, so the block size sets the memory ceiling (1 MiB ≈ 35 MB).
#: A record must fit in one block: a part with a longer one is read again with a block 4× larger,
#: up to CXSCORE_MAX_RECORD_MB.
BLOCK_BYTES = 1 << 20
BLOCK_GROWTH = 4
#: A sample that holds fewer whole records than this (header included) while the input goes on has
#: unusually long first rows (a real export's rows are well under 10 KiB): it is grown 4× at a time,
#: up to CXSCORE_MAX_RECORD_MB, so detection sees real answers. A normal sample is never re-read.
FEW_ROWS = 100
BOM = codecs.BOM_UTF8
#: Bytes that text never holds (NUL and C0 controls other than tab, line ends, form feed, escape).
_CONTROL = bytes([*range(0, 9), 11, *range(14, 27), *range(28, 32)])
#: Share of a sample's bytes that may be such controls before the input is taken for binary data.
CONTROL_SHARE = 0.01
#: Files are split for parallel workers only into parts at least this large.
MIN_PART_BYTES = 16 << 20
SCAN_BYTES = 1 << 20
WINDOW_BYTES = 64 << 10
QUOTE, NEWLINE, CR, SPACE, TAB = ord('"'), ord("\n"), ord("\r"), ord(" "), ord("\t")
#: The first byte of a UTF-8 byte-order mark (and of other characters, such as full-width punctuation).
MARK = BOM[:1]
DELIMITERS = [",", ";", "\t", "|"]
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _decode_sample(sample: bytes, encoding: str, complete: bool, where: str) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: bytes at offset {exc.start} are not valid {encoding}", encoding_hint(encoding, sample, complete)) from None


def _check_text(sample: bytes, where: str) -> None:
    """Refuse data that is not text at all (random or binary bytes), naming it as such.

    Many NUL bytes are also what UTF-16 looks like (with or without a byte-order mark): that is text.
    """
    head = sample[: 1 << 16]
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls <= max(8, CONTROL_SHARE * len(head)):
        return
    if max(head[0::2].count(0), head[1::2].count(0)) > 0.05 * len(head):  # NULs on one side of the byte pairs
        try:
            if detect_encoding(head, False).name.startswith("utf-16"):
                return
        except InputError:
            pass
    raise InputError(
        f"{where} is not a text (CSV) file or an Excel workbook: {controls:,} of its first {len(head):,} bytes are binary control bytes",
        "export the survey again as CSV or .xlsx",
    )


def _records(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """Parse up to ``limit`` records; also return, for the first few, the physical lines read up to their end."""
    if csv.field_size_limit() < len(text):  # a field may be as long as the sample (128 KiB by default)
        csv.field_size_limit(len(text))
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


def _delimiter(text: str, where: str) -> str:
    """Tab for a .tsv/.tab file that holds one; otherwise the sniffed delimiter."""
    return "\t" if text.count("\t") and where.lower().endswith((".tsv", ".tab")) else sniff_delimiter(text)


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

    def __init__(self, opener: Callable[[], BinaryIO], sample: bytes, complete: bool, info: InputInfo, encoding: str | None, path: Path | None = None, more: Callable[[int], tuple[bytes, bool]] | None = None):
        """``more(n)`` reads the input's first ``n`` bytes again (and whether that is all of it), to grow a sample of long rows."""
        self._opener = opener
        self.warnings: list[str] = []
        self.doubts: list[str] = []
        where = info.path
        info.encoding_detected = encoding is None
        if encoding is None:
            _check_text(sample, where)
        detected = choose_encoding(sample, complete, encoding)
        encoding, info.encoding_reason = detected.name, detected.reason
        if detected.guessed:
            self.doubts.append(guessed_warning(where, detected))
        text = _sample_text(sample, encoding, complete, where)
        if not text.strip():
            raise InputError(f"input file is empty: {where}", "export the survey again")
        if is_utf8(encoding) and (twice := encoded_twice(text)):
            self.doubts.append(twice_warning(where, *twice))
        delimiter = _delimiter(text, where)
        rows, lines = _records(text, delimiter, SAMPLE_ROWS + 4)
        if not complete and len(rows) < 2:
            cap = limits.get(limits.HEADER_MB)
            raise InputError(
                f"{where}: the header row does not end within the first {cap} MiB; a real export's is shorter",
                f"check that the file is a CSV export (one header row, then a row per response); {limits.raise_hint(limits.HEADER_MB)}",
            )
        self._block = BLOCK_BYTES
        if not complete and more and len(rows) <= FEW_ROWS:
            sample, complete, rows, lines, delimiter = _grown(sample, more, encoding, where)
            self._block = max(BLOCK_BYTES, min(len(sample), record_cap()))  # standard input's records fit in its sample
        if not complete:
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
        self._encoding: str = encoding  # as in info, but never None
        self._delimiter: str = delimiter
        self._header_lines = lines[head - 1]
        self._path = path

    @classmethod
    def from_path(cls, path: Path, encoding: str | None = None) -> CsvSource:
        def head(size: int) -> tuple[bytes, bool]:
            with path.open("rb") as fh:
                return fh.read(size), not fh.read(1)

        sample, complete = head(sample_bytes())
        info = InputInfo(path=str(path), format="csv", bytes=path.stat().st_size)
        return cls(lambda: path.open("rb"), sample, complete, info, encoding, path, head)

    @classmethod
    def from_stream(cls, stream: BinaryIO, head: bytes, name: str, encoding: str | None = None) -> CsvSource:
        sample = head + stream.read(sample_bytes() - len(head))
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

        def more(size: int) -> tuple[bytes, bool]:
            nonlocal sample, extra
            sample += extra + stream.read(max(0, size - len(sample) - len(extra)))
            extra = stream.read(1)
            return sample, not extra

        return cls(opener, sample, complete, InputInfo(path=name, format="csv"), encoding, more=more)

    def parts(self, count: int, min_bytes: int = MIN_PART_BYTES, block_bytes: int = BLOCK_BYTES) -> list:
        """Independent byte ranges of the file, split at record boundaries, for parallel workers:
        at most ``count``, each at least ``min_bytes``, each read ``block_bytes`` at a time.

        Standard input stays one part (this source itself); UTF-16/32 text and small files one range.
        """
        if self._path is None:
            return [self]
        size = self.info.bytes or 0
        count = min(count, size // min_bytes)
        splittable = not is_wide(self._encoding)
        bounds, seen = record_boundaries(self._path, size, count) if count > 1 and splittable else ([0, size], [UNSEEN])
        return [
            CsvPart(str(self._path), start, end, self._header_lines if start == 0 else 0, self.columns, self._encoding, self._delimiter, block_bytes, *checked)
            for start, end, checked in zip(bounds, bounds[1:], seen)
        ]

    def batches(self, columns: list[str], info: InputInfo | None = None, progress=None, types=None) -> Iterator[pa.RecordBatch]:
        """As text always: standard input cannot be read again (after a failed typed read, or with a larger block)."""
        info = info or self.info
        with self._opener() as stream:
            try:
                yield from read_batches(stream, self.columns, self._header_lines, self._encoding, self._delimiter, columns, info, block_bytes=self._block)
            except RecordTooLarge:
                raise InputError(
                    f"{info.path}: a record (a row with its quoted text) is longer than the {self._block >> 20} MiB block standard input is read in",
                    "save it to a file and score the file: a file is read again with a block as large as the record",
                ) from None


def _sample_text(sample: bytes, encoding: str, complete: bool, where: str) -> str:
    text = _decode_sample(sample, encoding, complete, where)
    return text.replace("\ufeff", "") if is_utf8(encoding) else text  # marks inside joined files, as the reader drops them


def _grown(sample: bytes, more: Callable[[int], tuple[bytes, bool]], encoding: str, where: str) -> tuple:
    """A sample grown 4× at a time (up to CXSCORE_MAX_RECORD_MB) until it holds a few records beyond
    the header or the whole input; refused when even the largest holds no whole record after the header."""
    cap = record_cap()
    while True:
        sample, complete = more(max(len(sample), min(len(sample) * BLOCK_GROWTH, cap)))
        text = _sample_text(sample, encoding, complete, where)
        delimiter = _delimiter(text, where)
        rows, lines = _records(text, delimiter, SAMPLE_ROWS + 4)
        if complete or len(rows) > FEW_ROWS or len(sample) >= cap:
            break
    if not complete and len(rows) < 3:  # the header and one record cut off
        raise InputError(
            f"{where}: the first record after the header does not end within the first {cap >> 20:,} MiB (a comment that long, or a quote never closed)",
            f"check the quoting around long comments; {limits.raise_hint(limits.RECORD_MB)}",
        )
    return sample, complete, rows, lines, delimiter


def arrow_encoding(encoding: str) -> str:
    """pyarrow reads UTF-8 natively (and skips a BOM); other encodings go through Python's codecs."""
    return "utf8" if is_utf8(encoding) else encoding


def sample_bytes() -> int:
    """Bytes read from the start of a text input to detect its encoding, delimiter, layout and columns."""
    return max(SAMPLE_BYTES, limits.get(limits.HEADER_MB) << 20)


def record_cap() -> int:
    """The largest reader block, so the longest record allowed (CXSCORE_MAX_RECORD_MB)."""
    return limits.get(limits.RECORD_MB) << 20


def read_batches(stream: BinaryIO, names: list[str], skip_rows: int, encoding: str, delimiter: str, columns: list[str], info: InputInfo, types=None, block_bytes: int = BLOCK_BYTES,
                 paired: bool = False, markless: bool = False) -> Iterator[pa.RecordBatch]:
    """Stream record batches of ``columns`` from delimited bytes; count rows and malformed rows in ``info``.

    Columns are text unless ``types`` names another type for them (blank cells are then null);
    a value that does not fit such a type raises :class:`TypedReadFailed`. A record longer than
    ``block_bytes`` raises :class:`RecordTooLarge` while a larger block is allowed. UTF-8 byte-order
    marks inside the text (files joined with ``cat``) are dropped, not kept in a cell. ``paired``: the
    bytes' quotes are known to pair up, ``markless``: they hold no byte 0xEF, so no mark (what the scan
    that cut a file into parts saw, :func:`record_boundaries`); neither is then looked for again.
    """
    types = types or {}
    if is_utf8(encoding) and not markless:
        stream = io.BufferedReader(_WithoutBoms(stream), buffer_size=1 << 20)
    quotes = None if is_wide(encoding) or paired else _QuoteParity(stream)  # a UTF-16 code unit may hold the byte 0x22
    if not is_wide(encoding):
        stream = io.BufferedReader(_WithoutEmptyRows(quotes or stream, delimiter, skip_rows, info, quotes), buffer_size=1 << 20)

    unclosed: list[str] = []  # records that a never-closed quote ran on over later records

    def skip_malformed(row) -> str:
        if swallows_records(row.text):
            unclosed.append(row.text)
        info.malformed_rows += 1
        return "skip"

    read = pacsv.ReadOptions(column_names=names, skip_rows=skip_rows, encoding=arrow_encoding(encoding), block_size=block_bytes)
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=skip_malformed)
    convert = pacsv.ConvertOptions(
        column_types={c: types.get(c, pa.string()) for c in columns},
        include_columns=columns,
        null_values=["", *(types.nulls if isinstance(types, ColumnTypes) else ())],  # blank answers ("N/A") in integer columns
        strings_can_be_null=False,
        quoted_strings_can_be_null=True,
    )
    try:
        for batch in pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert):
            if unclosed:
                raise InputError(*unclosed_quote_message(info.path, unclosed[0], encoding))
            info.rows += batch.num_rows
            yield batch
        if unclosed:
            raise InputError(*unclosed_quote_message(info.path, unclosed[0], encoding))
        if quotes and quotes.odd:  # a quote still open at the end: the reader took the rest as one last field
            info.unpaired_quotes += 1
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
        if "straddling object" in text or "larger than block size" in text:
            if block_bytes < record_cap():
                raise RecordTooLarge(text) from None
            raise InputError(
                f"{info.path}: a record (a row with its quoted text) is longer than {record_cap() >> 20:,} MiB blocks allow, or a quote is never closed",
                f"check the quoting around long comments; {limits.raise_hint(limits.RECORD_MB)}",
            ) from None
        kind = DELIMITER_NAMES.get(delimiter, repr(delimiter))
        raise InputError(f"{info.path}: cannot parse the file as {kind}-separated text ({text.splitlines()[0]})", "check the file is a CSV export") from None


def swallows_records(text: str) -> bool:
    """Whether a malformed record is a quote opened and never closed that ran on over later lines:
    its quotes do not pair up (the reader stopped at the end of the input, still inside the quote)."""
    return "\n" in text and text.count('"') % 2 == 1


def unclosed_quote_message(path: str, text: str, encoding: str) -> tuple[str, str]:
    """The error for a quote that is never closed: where it opens (line number when the input is a
    file) and how many lines it would swallow."""
    first = text.split("\n", 1)[0].rstrip("\r")
    spanned = text.count("\n")
    line = _line_number(path, text, encoding)
    shown = first if len(first) <= 60 else first[:57] + "…"
    where = f"line {line:,}" if line else f"the record {shown!r}"
    after = f"lines {line + 1:,} to {line + spanned:,}" if line else f"the {spanned:,} line(s) after it"
    return (
        f"{path}: a quote opened in {where} is never closed" + (f" ({shown!r})" if line else "") + f", so {after} would be read as one answer and lost",
        'close or remove that quote in the export (a quote inside a field is written twice: ""), then run again',
    )


def _line_number(path: str, text: str, encoding: str) -> int | None:
    """The line on which ``text`` starts in the file at ``path`` (None for standard input or UTF-16/32)."""
    if not Path(path).is_file() or is_wide(encoding):
        return None
    lines = text.split("\n", 2)
    try:
        needle = "\n".join(lines[:2]).encode(encoding)
    except UnicodeEncodeError:
        return None
    import mmap

    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = data.find(needle)
        while at > 0 and data[at - 1] != NEWLINE:  # the record starts a line
            at = data.find(needle, at + 1)
        return None if at < 0 else data[:at].count(b"\n") + 1


class _QuoteParity(io.RawIOBase):
    """Passes bytes through and keeps the parity of the quote characters seen. Quotes pair up in
    RFC 4180 text (an escaped one is written twice), so an odd count at the end means a quote was
    never closed: the reader then takes everything after it, over any number of lines, as the last
    field of one row, and when that is the last column no field count is wrong and nothing else tells."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self.odd = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]  # typing.BinaryIO declares no readinto; every stream here is an io.BufferedReader
        if n:
            self.odd ^= bool(np.count_nonzero(np.frombuffer(buffer, np.uint8, count=n) == QUOTE) & 1)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


#: Why rows of only delimiters are left out (``InputInfo.excluded``'s key, said on stderr and in JSON).
EMPTY_ROWS = "empty rows (every cell blank)"


class _WithoutEmptyRows(io.RawIOBase):
    """Passes the bytes of ``raw`` through without the records that hold nothing but delimiters (``,,,,``),
    counting them in ``info``.

    A spreadsheet saved as CSV writes every row of its used range, so an export cleared or filtered in
    Excel may end in thousands of such lines: they are no responses, and read as rows they would count
    as blank answers and make a ``(blank)`` segment. Such a line is taken out only where it starts a
    record: after the ``skip`` header lines and outside quotes (an even number of quotes before it: the
    parity ``counter`` keeps as it reads, or, for a part whose quotes are known to pair up, counted here
    in the blocks that hold a quote). Truly empty lines are left to the reader, which skips them. A block
    is looked at further only when one of its lines starts with the delimiter.
    """

    CHUNK = 1 << 20  # bytes read at a time, whatever the reader above asks for

    def __init__(self, raw: BinaryIO | _QuoteParity, delimiter: str, skip: int, info: InputInfo, counter: _QuoteParity | None):
        import re

        self._raw = raw
        self._counter = counter  # raw itself when it counts the quotes
        self._info = info
        self._skip = skip  # header lines still to pass through
        self._delimiter = delimiter.encode()
        self._last = re.compile(rb"[ \t" + re.escape(self._delimiter) + rb"]*\r?\Z")  # the rest of an empty last line, with no line end
        self._carry = b""  # the start of a line not yet ended
        self._parity = 0  # quotes before the carry, mod 2
        self._mid_line = False  # the carry does not start a line (a very long line was passed on in pieces)
        self._out = memoryview(b"")
        self._done = False
        self._marks = self._other = np.empty(0, bool)
        self._block = bytearray()  # the carry and the bytes read after it

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not len(self._out) and not self._done:
            carried = len(self._carry)
            if len(self._block) < carried + self.CHUNK:
                self._block = bytearray(carried + self.CHUNK)  # reused: no new pages a read
            block = self._block
            block[:carried] = self._carry
            read = self._raw.readinto(memoryview(block)[carried : carried + self.CHUNK])  # type: ignore[union-attr]  # typing.BinaryIO declares no readinto; every stream here is an io.BufferedReader
            size = carried + read
            if not read:
                self._done, self._carry = True, b""
                self._out = memoryview(b"" if not size or self._empty_last(bytes(block[:size])) else block)[:size]
                break
            cut = block.rfind(b"\n", 0, size) + 1
            if not cut and size < self.CHUNK << 4:
                self._carry = bytes(block[:size])  # a line still going on: wait for its end
                continue
            cut = cut or size  # a line longer than 16 reads is passed on unended
            parity, self._carry = self._parity, bytes(block[cut:size])
            if self._counter is not None:  # its parity is at the end of the data
                self._parity = (int(self._counter.odd) + self._carry.count(b'"')) % 2
            elif block.find(b'"', 0, cut) >= 0:
                self._parity = (parity + int(np.count_nonzero(np.frombuffer(block, np.uint8, count=cut) == QUOTE))) % 2
            self._out = self._kept(block, cut, parity)
            self._mid_line = cut == size and block[size - 1] != NEWLINE
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _kept(self, block: bytearray, size: int, parity: int) -> memoryview:
        """The first ``size`` bytes of ``block`` (whole lines, the first starting a line unless ``_mid_line``;
        ``parity`` the quotes before them) without their empty records."""
        whole = memoryview(block)[:size]
        at = 0
        while self._skip and 0 <= (end := block.find(b"\n", at, size)):  # the header's lines pass
            at, self._skip = end + 1, self._skip - 1
        if not at and self._mid_line:
            at = block.find(b"\n", 0, size) + 1  # the end of the long line
        if self._skip or not at and self._mid_line or size < 2:
            return whole
        data = np.frombuffer(block, np.uint8, count=size)
        delimiter = self._delimiter[0]
        if len(self._marks) < size:
            self._marks, self._other = np.empty(size, bool), np.empty(size, bool)  # reused: no new pages a block
        first, other = self._marks[: size - 1], self._other[: size - 1]
        np.equal(data[:-1], NEWLINE, out=first)
        np.equal(data[1:], delimiter, out=other)
        first &= other  # before a line that starts with the delimiter
        if not (first.any() or at == 0 and data[0] == delimiter):
            return whole
        starts = np.flatnonzero(first) + 1
        if at == 0 and data[0] == delimiter:
            starts = np.concatenate(([0], starts))
        starts = starts[starts >= at]
        if len(starts) and block.find(b'"', 0, size) >= 0:  # outside quotes: an even number of quotes before
            starts = starts[(parity + np.searchsorted(np.flatnonzero(data == QUOTE), starts)) % 2 == 0]
        newlines = np.flatnonzero(data == NEWLINE)
        starts = starts[starts <= (newlines[-1] if len(newlines) else -1)]  # ended in this block
        if not len(starts):
            return whole
        ends = newlines[np.searchsorted(newlines, starts)]
        filled = (data != delimiter) & (data != NEWLINE) & (data != SPACE) & (data != TAB) & (data != CR)
        before = np.concatenate(([0], np.cumsum(filled, dtype=np.int64)))
        empty = before[ends] == before[starts]
        if not empty.any():
            return whole
        firsts, lasts = starts[empty].tolist(), (ends[empty] + 1).tolist()
        self._count(len(firsts))
        pieces, last = [], 0
        for start, end in zip(firsts, lasts):
            pieces.append(whole[last:start])
            last = end
        pieces.append(whole[last:])
        return memoryview(b"".join(pieces))

    def _empty_last(self, line: bytes) -> bool:
        """Whether the input's last line, with no line end, is an empty record (counted)."""
        empty = (line.startswith(self._delimiter) and not self._skip and not self._mid_line and self._parity == 0
                 and self._last.match(line, len(self._delimiter)) is not None)
        if empty:
            self._count(1)
        return empty

    def _count(self, rows: int) -> None:
        self._info.rows += rows
        self._info.excluded[EMPTY_ROWS] = self._info.excluded.get(EMPTY_ROWS, 0) + rows

    def close(self) -> None:
        self._raw.close()
        super().close()


class _WithoutBoms(io.RawIOBase):
    """A byte stream with every UTF-8 byte-order mark taken out (one may sit in the middle of joined files)."""

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._carry = b""  # the start of a mark cut at the end of the last read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._carry + self._raw.read(len(buffer) - len(self._carry))
        self._carry = b""
        if BOM[0] in data:
            data = data.replace(BOM, b"")
            for keep in (2, 1):
                if len(data) > keep and data.endswith(BOM[:keep]):
                    data, self._carry = data[:-keep], data[-keep:]
                    break
        if not data and self._carry:
            data, self._carry = self._carry, b""
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a file."""

    def __init__(self, path: str, start: int, end: int, progress: Callable[[int], None] | None = None):
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
    block_bytes: int = BLOCK_BYTES
    paired: bool = False  # the scan that cut the file saw every quote of the part: they pair up (record_boundaries)
    markless: bool = False  # and no byte 0xEF: no UTF-8 byte-order mark to drop

    portable = True  # can be read in a worker process (scan.run_jobs)

    def with_larger_block(self) -> CsvPart:
        """This part, to be read with a block large enough for a longer record."""
        return replace(self, block_bytes=min(self.block_bytes * BLOCK_GROWTH, record_cap()))

    @property
    def size(self) -> int:
        return self.end - self.start

    def batches(self, columns: list[str], info: InputInfo, progress: Callable[[int], None] | None = None, types=None) -> Iterator[pa.RecordBatch]:
        with io.BufferedReader(_Range(self.path, self.start, self.end, progress), buffer_size=1 << 20) as stream:
            yield from read_batches(stream, self.names, self.skip_rows, self.encoding, self.delimiter, columns, info, types, self.block_bytes, self.paired, self.markless)


#: What the scan of :func:`record_boundaries` saw of a range: its quotes paired, no byte 0xEF.
Seen = tuple[bool, bool]
UNSEEN: Seen = (False, False)


def record_boundaries(path: Path, size: int, count: int, scan_bytes: int = SCAN_BYTES, window_bytes: int = WINDOW_BYTES) -> tuple[list[int], list[Seen]]:
    """Offsets that cut the file into ``count`` ranges at line ends outside quoted fields (quotes
    counted ``scan_bytes`` at a time, a line end looked for ``window_bytes`` at a time), and for each
    range what the scan saw: ``(paired, markless)``, whether its quotes pair up and it holds no byte 0xEF
    (the start of a UTF-8 byte-order mark). The scan reads every range that ends at a cut it found, and
    such a range's quotes pair up by construction; the last range is not read: ``(False, False)``.
    Its reader then need not count the quotes again nor look for marks (:func:`read_batches`).

    In RFC 4180 text a byte is inside a quoted field exactly when an odd number of quote
    characters precede it (escaped quotes come in pairs), so counting quotes up to a guess and
    moving on to the next newline with even parity finds a record boundary. The quote and
    newline bytes never occur inside multi-byte characters of UTF-8, GB18030 or single-byte codes.
    """
    bounds, seen = [0], []
    parity, position, markless = 0, 0, True
    buffer = bytearray(scan_bytes)  # reused: counting stays in cache and allocates nothing per chunk
    view, data = memoryview(buffer), np.frombuffer(buffer, np.uint8)
    with path.open("rb", buffering=0) as fh:
        for k in range(1, count):
            target = max(size * k // count, position)
            fh.seek(position)
            while position < target:  # parity of the quotes before the target
                n = fh.readinto(view[: min(scan_bytes, target - position)])
                if not n:
                    break
                parity ^= int(np.count_nonzero(data[:n] == QUOTE)) & 1
                markless = markless and buffer.find(MARK, 0, n) < 0  # one byte: memchr
                position += n
            found = _line_end_outside_quotes(fh, position, parity, window_bytes)
            if found is None:
                break
            cut, rest_markless = found
            bounds.append(cut)
            seen.append((True, markless and rest_markless))
            position, parity, markless = cut, 0, True  # the cut is outside quotes
    if bounds[-1] < size:
        bounds.append(size)
        seen.append(UNSEEN)
    return bounds, seen


def _line_end_outside_quotes(fh: BinaryIO, start: int, parity: int, window_bytes: int) -> tuple[int, bool] | None:
    """The offset just after the first newline from ``start`` on that is outside quotes (``parity`` at
    ``start``), and whether the bytes up to it hold no byte 0xEF."""
    fh.seek(start)
    markless = True
    while window := fh.read(window_bytes):
        data = np.frombuffer(window, np.uint8)
        inside = (np.cumsum(data == QUOTE) + parity) & 1
        newline = np.flatnonzero((data == NEWLINE) & (inside == 0))
        if newline.size:
            end = int(newline[0]) + 1
            return start + end, markless and window.find(MARK, 0, end) < 0
        parity = int(inside[-1])
        markless = markless and MARK not in window
        start += len(window)
    return None
