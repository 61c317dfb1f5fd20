"""Shared helpers: writing small exports and running the CLI in-process or as a real process."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cxscore.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "survey_export.csv"
SAMPLE_ZH = ROOT / "sample_data" / "survey_export_zh.csv"


def csv_text(rows: list[list], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (header first) as a delimited file in an encoding; return its path."""

    def write(rows: list[list], name: str = "export.csv", encoding: str = "utf-8", delimiter: str = ",") -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(rows, delimiter).encode(encoding))
        return path

    return write


def reported(folder: Path, rows: list[list], config: str, *options: str) -> tuple[Path, Path, Path]:
    """``rows`` written as waits.csv and ``config`` as waits.yaml in ``folder``, then ``cxscore report`` on them
    with ``options``: the data, config and workbook paths (the run must succeed)."""
    data, config_path, out = folder / "waits.csv", folder / "waits.yaml", folder / "waits.xlsx"
    data.write_text("\n".join(",".join(map(str, row)) for row in rows) + "\n", encoding="utf-8")
    config_path.write_text(config, encoding="utf-8")
    result = invoke(["report", str(data), "-c", str(config_path), *options, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return data, config_path, out


def invoke(args: list[str], input: bytes | str | None = None, env: dict | None = None):
    """Run the CLI in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(app, args, input=input, env=env)


def run_process(args: list[str], input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m cxscore`` as a real process (exit codes, stdin, pipes)."""
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "cxscore", *args], input=input, capture_output=True, cwd=cwd, env=env, timeout=120)


def results_by_metric(document: str | dict) -> dict:
    data = json.loads(document) if isinstance(document, str) else document
    return {row["metric"]: row for row in data["results"]}


def by_metric(report) -> dict:
    """A library Report's overall row (everyone, all time) of each metric, by metric name."""
    return {r.metric: r for r in report.results if not r.segment and r.period is None}


def dashboard_tile(ws, metric: str) -> dict:
    """A Dashboard tile as {label: value cell}, found by its heading (``metric (kind)``)."""
    head = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(f"{metric} ("))
    tile, r = {}, head.row + 1
    while (label := ws.cell(row=r, column=head.column).value) is not None:
        tile[label] = ws.cell(row=r, column=head.column + 1)
        r += 1
    return tile


def scored_with_reader(path: Path, reader: str, *options: str) -> tuple:
    """``score -f json`` of a workbook through one Excel reader (``CXSCORE_EXCEL_READER``), without the
    fields that differ between runs: (exit code, document, stderr), to compare fastexcel with calamine."""
    result = invoke(["score", str(path), "-f", "json", *options], env={"CXSCORE_EXCEL_READER": reader, "COLUMNS": "120"})
    document = json.loads(result.stdout) if result.stdout.strip() else {}
    for volatile in ("generated_at", "cxscore_version", "elapsed_seconds"):
        document.pop(volatile, None)
    return result.exit_code, document, result.stderr
