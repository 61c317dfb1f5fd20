"""A workbook with an empty column is scored without a stray line on stderr.

fastexcel logs ``Could not determine dtype for column N, falling back to string`` through Python's logging;
with no handler set, logging's last resort printed it on stderr, unprefixed, even with ``--quiet``.
"""
from __future__ import annotations

import openpyxl

from conftest import run_process


def test_an_empty_column_in_a_workbook_prints_nothing_with_quiet(tmp_path):
    path = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["How likely are you to recommend us? (0-10)", "Notes"])
    for score in [10, 9, 7, 3, 10, 8, 6, 9, 0, 10]:
        ws.append([score, None])
    wb.save(path)
    done = run_process(["score", str(path), "-q", "-f", "json"])
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert b'"metric":"nps"' in done.stdout.replace(b" ", b"")
