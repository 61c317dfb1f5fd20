"""Golden runs: the sample data's JSON, CSV, Markdown, table, stderr and workbook, byte for byte.

A refactor must not change what users see. Each case runs the real CLI and compares every output
with the file stored under ``tests/golden`` (tool version and workbook timestamps masked).
After an intended change of output, regenerate with ``python tests/test_golden.py --update``
and review the diff.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
EN = "sample_data/survey_export.csv"
ZH = "sample_data/survey_export_zh.csv"
CONFIG = "tests/golden/targets.yaml"

CASES: dict[str, list[str]] = {
    "plain": ["score", EN],
    "breakdown": ["score", EN, "--by", "Channel", "--period", "month", "--distribution", "--comments", "3"],
    "crosstab": ["score", EN, "--by", "Channel", "--by", "Region", "--period", "quarter", "--sort", "score"],
    "trend": ["score", EN, "--period", "month", "--baseline", "2", "--trend", "3", "--metric", "nps", "--nps-test", "wald"],
    "targets": ["score", EN, "--config", CONFIG, "--by", "Channel"],
    "filtered": ["score", EN, "--where", "Region!=APAC", "--since", "2025-02-01", "--until", "2025-05-31", "--by", "Agent",
                 "--top", "3", "--min-n", "50", "--confidence", "0.9", "--nps-interval", "wald"],
    "zh": ["score", ZH, "--by", "渠道", "--period", "month"],
}
FORMATS = ["table", "json", "csv", "markdown"]
WORKBOOKS: dict[str, list[str]] = {
    "report_en": ["report", EN, "--by", "Channel", "--period", "month", "--comments", "20"],
    "report_zh": ["report", ZH, "--lang", "zh", "--by", "渠道", "--period", "month", "--comments", "20"],
    "report_targets": ["report", EN, "--config", CONFIG, "--period", "week"],
}
MASKS = [
    (re.compile(rb'"version":\s*"[^"]*"'), b'"version": "<v>"'),
    (re.compile(rb"cxscore \d+\.\d+\.\d+\S*"), b"cxscore <v>"),
    (re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?"), b"<time>"),
    (re.compile("(Generated|生成时间) \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}".encode()), b"<generated>"),
]


def _mask(data: bytes) -> bytes:
    for pattern, replacement in MASKS:
        data = pattern.sub(replacement, data)
    return data


def _run(args: list[str], tmp: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "cxscore", *args], capture_output=True, cwd=ROOT, env=env, timeout=300)


def _workbook_text(path: Path) -> bytes:
    """Every part of the .xlsx, in name order, as one text (so a diff shows which part moved)."""
    parts = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(book.namelist()):
            parts.append(b"=== " + name.encode() + b"\n" + book.read(name) + b"\n")
    return _mask(b"".join(parts))


def _outputs(tmp: Path) -> dict[str, bytes]:
    """Every case's outputs. The 31 runs are independent processes, so they run side by side, one
    per core: the suite waits for the slowest core, not for the sum (the bytes are the same)."""
    runs = {**{(case, fmt): [*args, "--format", fmt] for case, args in CASES.items() for fmt in FORMATS},
            **{(case, None): [*args, "--output", str(tmp / f"{case}.xlsx")] for case, args in WORKBOOKS.items()}}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        done_by_run = dict(zip(runs, pool.map(_run, runs.values())))
    out: dict[str, bytes] = {}
    for case in CASES:
        for fmt in FORMATS:
            done = done_by_run[case, fmt]
            out[f"{case}.{fmt}.out"] = _mask(done.stdout)
            out[f"{case}.{fmt}.err"] = _mask(done.stderr) + f"exit {done.returncode}\n".encode()
    for case in WORKBOOKS:
        target = tmp / f"{case}.xlsx"
        done = done_by_run[case, None]
        out[f"{case}.err"] = _mask(done.stderr.replace(str(target).encode(), b"<out>")) + f"exit {done.returncode}\n".encode()
        out[f"{case}.xlsx.txt"] = _workbook_text(target) if target.exists() else b"(no workbook)\n"
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, bytes]:
    return _outputs(tmp_path_factory.mktemp("golden"))


NAMES = [f"{c}.{f}.{s}" for c in CASES for f in FORMATS for s in ("out", "err")] + [
    f"{c}.{s}" for c in WORKBOOKS for s in ("err", "xlsx.txt")
]


@pytest.mark.parametrize("name", NAMES)
def test_output_is_byte_identical_to_golden(outputs, name):
    expected = (GOLDEN / name).read_bytes()
    assert outputs[name] == expected, f"{name} differs from tests/golden/{name}; if intended, run python tests/test_golden.py --update"


if __name__ == "__main__" and sys.argv[1:] == ["--update"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, data in _outputs(Path(tmp)).items():
            (GOLDEN / name).write_bytes(data)
    print(f"wrote {len(NAMES)} golden files to {GOLDEN}")
