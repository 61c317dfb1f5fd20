"""Every file in sample_data/, zero config, through `score -f json`, `report` and `inspect`.

Features meet on real files in ways no feature's own test tries: `report` once crashed on the
Zendesk sample because durations passed for driver ratings. Here each command runs once per file
(in-process: what is checked is the outcome, not process plumbing) and must end with its documented
exit code, no traceback or internal error, valid JSON and a workbook openpyxl opens. A new sample
file is covered by being put in the folder.
"""
from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, invoke

SAMPLES = sorted(p for p in (ROOT / "sample_data").iterdir() if p.is_file() and p.suffix not in {".py", ".md", ".yaml", ".yml"})
#: Files meant to fail, by name, with the exit code the README documents for them (none today).
EXPECTED_EXIT: dict[str, int] = {}


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.name for p in SAMPLES])
def runs(request, tmp_path_factory) -> tuple[Path, dict, Path]:
    path: Path = request.param
    workbook = tmp_path_factory.mktemp("smoke") / f"{path.stem}.xlsx"
    done = {
        "score": invoke(["score", str(path), "-f", "json"]),
        "report": invoke(["report", str(path), "-o", str(workbook)]),
        "inspect": invoke(["inspect", str(path), "-f", "json"]),
    }
    return path, done, workbook


def test_samples_are_found():
    names = {p.name for p in SAMPLES}
    assert {"survey_export.csv", "tickets_zendesk.csv", "tickets_freshdesk.csv", "calls.csv", "drivers_export.csv"} <= names


@pytest.mark.parametrize("command", ["score", "report", "inspect"])
def test_every_command_ends_cleanly(runs, command):
    path, done, _ = runs
    result = done[command]
    crashed = result.exception if result.exception is not None and not isinstance(result.exception, SystemExit) else None
    assert crashed is None, f"{command} {path.name}: {type(crashed).__name__}: {crashed}"
    assert result.exit_code == EXPECTED_EXIT.get(path.name, 0), f"{command} {path.name}: exit {result.exit_code}\n{result.stderr}"
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr


def test_score_json_is_a_document(runs):
    path, done, _ = runs
    if EXPECTED_EXIT.get(path.name, 0) not in (0, 3):
        pytest.skip(f"{path.name} is meant to fail")
    document = json.loads(done["score"].stdout)
    assert document["schema_version"] == 1 and document["results"], path.name
    assert json.loads(done["inspect"].stdout)["columns"], path.name


def test_report_workbook_opens(runs):
    path, _, workbook = runs
    if EXPECTED_EXIT.get(path.name, 0) not in (0, 3):
        pytest.skip(f"{path.name} is meant to fail")
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames[:2] == ["Dashboard", "Summary"], path.name
    assert book["Summary"].max_row > 1, path.name
