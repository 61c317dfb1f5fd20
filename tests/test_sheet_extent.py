"""The workbook check's extent search (issue 18 item 3): the chunks of an inflated sheet are searched
where they lie, without joining each to the tail of the one before, so every seam between chunks is
searched on its own; and the sheet is inflated by isal, which holds back output instead of input."""
from __future__ import annotations

import random
import re
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cxscore.errors import InputError
from cxscore.sources import workbook_limits
from cxscore.sources.workbook_limits import check_workbook, column_letters, column_number
from test_hostile_inputs import MAIN, write_xlsx

CHUNKS = [97, 1000, 4096]


def random_sheet(seed: int) -> tuple[str, int, int]:
    """A sheet of a few rows written the ways a sheet may be, with a stray cell somewhere (or none),
    and the exact extent: the largest row and column any position names."""
    rng = random.Random(seed)
    rows, width = rng.randint(1, 40), rng.randint(1, 6)
    parts, top, right = [], 0, 0
    for r in range(1, rows + 1):
        cells = []
        for c in range(1, width + 1):
            quote, space = rng.choice(['"', "'"]), rng.choice(["", " ", "\t"])
            cells.append(f'<c r{space}={space}{quote}{column_letters(c)}{r}{quote} t="n"><v>{rng.randint(0, 10)}</v></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        top, right = r, width
    if rng.random() < 0.8:  # one stray cell anywhere, above or below the rows, written in lower or upper case
        row, col = rng.randint(1, 5000), rng.randint(1, 700)
        letters = column_letters(col)
        parts.insert(rng.randint(0, len(parts)), f'<row r="{row}"><c r="{letters.lower() if rng.random() < 0.3 else letters}{row}"><v>1</v></c></row>')
        top, right = max(top, row), max(right, col)
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(parts)}</sheetData></worksheet>', top, right


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), chunk=st.sampled_from(CHUNKS))
def test_the_extent_is_found_exactly_however_the_sheet_is_cut_into_chunks(tmp_path_factory, seed, chunk):
    sheet, rows, columns = random_sheet(seed)
    assert (rows, columns) == max_position(sheet)  # the reference: every position in the sheet, parsed one by one
    book = write_xlsx(tmp_path_factory.mktemp("extent") / "book.xlsx", sheet)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workbook_limits, "CHUNK", chunk)
        patch.setenv("CXSCORE_MAX_SHEET_CELLS", str(rows * columns))
        check_workbook(book, "book.xlsx")  # the extent fits the limit exactly
        if rows * columns > 1:
            patch.setenv("CXSCORE_MAX_SHEET_CELLS", str(rows * columns - 1))
            with pytest.raises(InputError, match=f"has cells up to {column_letters(columns)}{rows} "):
                check_workbook(book, "book.xlsx")


@pytest.mark.parametrize("seed", range(6))
def test_a_position_cut_between_two_chunks_is_found_at_every_cut(seed):
    # The seam between two chunks (from the last "<" of one to the first "<" of the next) is searched on its own:
    # cut the sheet at every byte around its farthest position, and once more at random.
    sheet, rows, columns = random_sheet(seed)
    data = sheet.encode()
    far = data.find(f"{column_letters(columns)}{rows}".encode()) if f"{column_letters(columns)}{rows}" in sheet else data.find(f'"{rows}"'.encode())
    rng = random.Random(seed)
    for cut in range(max(far - 24, 1), min(far + 24, len(data))):
        other = rng.randint(1, len(data) - 1)
        extent, tail = workbook_limits.Extent(), b""
        for a, b in zip([0, *sorted({cut, other})], [*sorted({cut, other}), len(data)]):
            tail = workbook_limits._add_chunk(extent, tail, data[a:b])
        extent.add_all(tail)
        assert (extent.rows, extent.columns) == (rows, columns), (cut, other)


def max_position(sheet: str) -> tuple[int, int]:
    found = re.findall(r"""\sr\s*=\s*["']([A-Za-z]*)(\d+)["']""", sheet)
    return max(int(d) for _, d in found), max(column_number(c.encode()) for c, _ in found if c)


def test_the_sheet_is_inflated_by_isal():
    # A dependency: a venv made before it was one lacks it until `pip install -e '.[test]'` is run again (zlib inflates then).
    pytest.importorskip("isal")
    inflater, error = workbook_limits._inflater()
    assert type(inflater).__module__.startswith("isal") and error.__module__.startswith(("isal", "igzip"))


@pytest.mark.parametrize("isal", [True, False], ids=["isal", "zlib"])
@pytest.mark.parametrize("chunk", [7, 4096])
def test_a_part_inflates_whole_in_chunks_with_either_inflater(tmp_path, monkeypatch, isal, chunk):
    # isal takes all the input at once and holds back the output past the chunk: it is drained, not cut off.
    if not isal:
        monkeypatch.setitem(__import__("sys").modules, "isal", None)  # as in an environment without isal
    monkeypatch.setattr(workbook_limits, "CHUNK", chunk)
    text = "".join(f"<row r='{i}'><c><v>{i * 7919 % 1000}</v></c></row>" for i in range(2000)).encode()
    book = write_xlsx(tmp_path / "book.xlsx", text.decode())
    with zipfile.ZipFile(book) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        pieces = list(workbook_limits._inflate(archive, info, "book.xlsx", 1 << 30, 1000))
    assert b"".join(pieces) == text and max(map(len, pieces)) <= chunk


def test_the_compressed_part_is_read_in_pieces_that_inflate_to_about_a_chunk(tmp_path, monkeypatch):
    """Reading CHUNK compressed bytes at a time, isal inflated each read whole (~36 MiB of sheet XML) and
    kept reallocating what it held back: ~64,000 page faults for a 1M-row sheet. Pieces of READ bytes
    inflate to about one chunk."""
    rng = random.Random(5)
    text = "".join(f"<row r='{i}'><c><v>{rng.random()}</v></c><c><v>{rng.random()}</v></c></row>" for i in range(80_000)).encode()
    book = write_xlsx(tmp_path / "big.xlsx", text.decode())
    reads: list[int] = []
    with zipfile.ZipFile(book) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        assert info.compress_size > 2 * workbook_limits.READ
        read = archive.fp.read
        monkeypatch.setattr(archive.fp, "read", lambda n=-1: reads.append(n) or read(n))
        pieces = list(workbook_limits._inflate(archive, info, "big.xlsx", 1 << 30, 1000))
    assert b"".join(pieces) == text
    assert max(reads) == workbook_limits.READ <= workbook_limits.CHUNK // 8


@pytest.mark.parametrize("isal", [True, False], ids=["isal", "zlib"])
def test_a_part_that_does_not_inflate_is_named_with_either_inflater(tmp_path, monkeypatch, isal):
    if not isal:
        monkeypatch.setitem(__import__("sys").modules, "isal", None)
    book = write_xlsx(tmp_path / "damaged.xlsx", "<worksheet/>", raw_sheet=b"\xff" * 64)
    with pytest.raises(InputError, match=r"damaged.xlsx: the workbook is damaged \(part xl/worksheets/sheet1.xml does not inflate\)"):
        check_workbook(Path(book), "damaged.xlsx")


def test_a_truncated_part_ends_where_its_data_ends(tmp_path):
    text = b"<row r='1'><c r='A1'><v>1</v></c></row>" * 5000
    deflated = zlib.compress(text, 9)[2:-4]
    book = write_xlsx(tmp_path / "cut.xlsx", text.decode(), raw_sheet=deflated[: len(deflated) // 2])
    with zipfile.ZipFile(book) as archive:
        got = b"".join(workbook_limits._inflate(archive, archive.getinfo("xl/worksheets/sheet1.xml"), "cut.xlsx", 1 << 30, 1000))
    assert 0 < len(got) < len(text) and text.startswith(got)


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_true_false_cell_is_seen_at_every_cut(quote):
    # Short pieces (the seam between two chunks, the end of a chunk) are searched for it in Python, long ones with RE2.
    cells = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 300))
    data = f'<worksheet xmlns="{MAIN}"><sheetData>{cells}<row r="300"><c r="A300" t = {quote}b{quote}><v>1</v></c></row>{cells}</sheetData></worksheet>'.encode()
    at = data.find(b"t = ")
    for cut in [*range(at - 8, at + 10), len(data) // 3]:
        extent, tail = workbook_limits.Extent(), b""
        for piece in (data[:cut], data[cut:]):
            tail = workbook_limits._add_chunk(extent, tail, piece)
        extent.add_all(tail)
        assert extent.bools, cut
    plain = workbook_limits.Extent()
    workbook_limits._add_chunk(plain, b"", data.replace(b"t = ", b"s = "))
    assert not plain.bools
