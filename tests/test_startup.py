"""What `cxscore score` imports: every module a run imports costs start-up time on one core before its
workers start (issue 18 item 6: the plain 5M-row job against DuckDB and Polars), so readers, commands and
NumPy parts a CSV run does not use stay unimported."""
from __future__ import annotations

import os
import subprocess
import sys

from conftest import SAMPLE

UNUSED = (
    "pyarrow.parquet", "python_calamine", "fastexcel", "html.parser", "numpy.ma",
    "cxscore.sources.excel", "cxscore.sources.html_table", "cxscore.keydrivers", "cxscore.comment_analysis", "cxscore.themes",
)

RUN = f"""
import os, sys
leave = os._exit
def report(code):
    sys.stderr.write("imported: " + " ".join(m for m in {UNUSED!r} if m in sys.modules) + "\\n")
    sys.stderr.flush()
    leave(code)
os._exit = report
sys.argv = ["cxscore", "score", sys.argv[1], "--by", "Channel", "--period", "month", "-f", "json"]
from cxscore.cli import main
main()
"""


def test_scoring_a_csv_file_imports_no_reader_or_command_it_does_not_use(tmp_path):
    """A whole run in one process (the workers' reading too): no Parquet, workbook or HTML reader, no
    key-driver or comment module, and no numpy.ma (pa.array imports it for any NumPy array: ~20 ms in
    each worker, for the table of days of --period)."""
    export = tmp_path / "export.csv"  # the sample's first 300 rows: the same columns, less to score
    export.write_text("".join(SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)[:301]), encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", RUN, str(export)], capture_output=True, env={**os.environ, "CXSCORE_WORKERS": "1"}, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.startswith(b"{")
    said = [line for line in done.stderr.decode().splitlines() if line.startswith("imported:")]
    assert said == ["imported: "]
