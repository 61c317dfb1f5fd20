"""``inspect --write-config`` round trip (issue 16): the written config, read back with ``score -c``, scores
every sample file and every helpdesk test fixture exactly as zero config does.

The fixtures are found, not listed: every module-level CSV text (a string with a header line) and every
table of rows (a list of lists, header first) in ``tests/test_helpdesk*.py``, so a layout added with its
fixture there is round-tripped without touching this file; and every layout ``helpdesk.PLANS`` knows must
be among them (a layout without a fixture fails ``test_every_helpdesk_layout_has_a_round_tripped_fixture``).
"""
from __future__ import annotations

import importlib
import json
import re

import pytest
import yaml

from cxscore import helpdesk
from cxscore.sources import open_source

from conftest import ROOT, csv_text, invoke

SAMPLES = sorted((ROOT / "sample_data").glob("*.csv"))


def _fixtures() -> dict[str, str]:
    """Each module-level export fixture of the helpdesk tests as CSV text, by ``module.NAME``."""
    found = {}
    for path in sorted((ROOT / "tests").glob("test_helpdesk*.py")):
        module = importlib.import_module(path.stem)
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            if isinstance(value, str) and "\n" in value.strip() and "," in value.split("\n", 1)[0]:
                found[f"{path.stem}.{name}"] = value
            elif isinstance(value, list) and len(value) > 1 and all(isinstance(row, list) and all(isinstance(v, str) for v in row) for row in value):
                found[f"{path.stem}.{name}"] = csv_text(value)
    return found


FIXTURES = _fixtures()
CASES = [pytest.param(path.read_bytes(), id=path.name) for path in SAMPLES] + [pytest.param(text.encode("utf-8"), id=name) for name, text in FIXTURES.items()]
#: A Python repr in the YAML (Between(start=…), Band(lo=…), <object …>): what the writer wrote before this test.
REPR = re.compile(r"\b[A-Z]\w*\(\w+=|<[\w.]+ object")
ROUND_TRIPPED: dict[str, str] = {}  # layout → the case that round-tripped it
REFUSED: dict[str, str] = {}  # layout → a case zero config refuses (a layout with no KPI to score, e.g. Help Scout's report rows)
RUN: list[str] = []


def _results(stdout: str) -> list[dict]:
    return json.loads(stdout)["results"]


@pytest.mark.parametrize("data", CASES)
def test_written_config_scores_as_zero_config(tmp_path, request, data):
    export = tmp_path / "export.csv"
    export.write_bytes(data)
    zero = invoke(["score", str(export), "-f", "json"])
    case = request.node.callspec.id
    RUN.append(case)
    if zero.exit_code != 0:  # a fixture of a refusal (Help Scout's report rows): nothing to reproduce
        assert zero.exit_code == 2 and "error: " in zero.stderr and "Traceback" not in zero.stderr, zero.stderr
        REFUSED.setdefault(open_source(str(export)).layout.name, case)
        pytest.skip(f"zero config refuses it: {zero.stderr.splitlines()[0]}")
    config = tmp_path / "cxscore.yaml"
    inspected = invoke(["inspect", str(export), "-f", "json", "--write-config", str(config)])
    assert inspected.exit_code == 0, inspected.stderr
    text = config.read_text(encoding="utf-8")
    assert not REPR.search(text), REPR.search(text)
    assert isinstance(yaml.safe_load(text), dict)
    configured = invoke(["score", str(export), "-c", str(config), "-f", "json"])
    assert configured.exit_code == 0, configured.stderr + text
    assert _results(configured.stdout) == _results(zero.stdout), text
    layout = json.loads(zero.stdout)["inputs"][0]["layout"]
    ROUND_TRIPPED.setdefault(layout, case)


def test_every_helpdesk_layout_has_a_round_tripped_fixture():
    """Runs after the round trips above (file order): every layout with a plan was round-tripped by one of them,
    or is one zero config refuses (it has no KPI to write)."""
    if len(RUN) < len(CASES):
        pytest.skip("needs every round trip above in the same run")
    missing = sorted(set(helpdesk.PLANS) - set(ROUND_TRIPPED) - set(REFUSED))
    assert not missing, f"no sample file or module-level fixture in tests/test_helpdesk*.py round-trips {missing}: add one"


def test_amazon_connect_config_names_its_waits_sum_dedupe_and_date(tmp_path):
    """The layout found broken: waits as {start, end}, AHT as a sum of parts, the ContactId dedupe and its date column."""
    config = tmp_path / "calls.yaml"
    assert invoke(["inspect", str(ROOT / "sample_data" / "calls.csv"), "--write-config", str(config)]).exit_code == 0
    written = yaml.safe_load(config.read_text(encoding="utf-8"))
    metrics = {m["name"]: m for m in written["metrics"]}
    assert metrics["service_level"]["wait"] == {"start": "QueueInfo.EnqueueTimestamp", "end": "AgentInfo.ConnectedToAgentTimestamp"}
    assert metrics["service_level"]["abandon_wait"] == {"start": "QueueInfo.EnqueueTimestamp", "end": "DisconnectTimestamp"}
    assert metrics["aht"]["sum"] == ["AgentInteractionDuration", "AgentInitiatedHoldDuration", "AfterContactWorkDuration"] and metrics["aht"]["unit"] == "seconds"
    assert (written["dedupe"], written["date_column"], written["agent"]) == ("ContactId", "LastUpdateTimestamp", "Agent")


def test_config_dedupe_keeps_the_latest_row_per_id(tmp_path):
    """``dedupe:`` in a config is ``--dedupe``: the latest row per id by the date column."""
    export = tmp_path / "events.csv"
    export.write_text("id,updated,score\na,2025-01-01,1\na,2025-01-03,5\nb,2025-01-02,4\nb,2025-01-01,1\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - {name: csat, type: csat, column: score, scale: [1, 5]}\ndedupe: id\ndate_column: updated\n", encoding="utf-8")
    result = invoke(["score", str(export), "-c", str(config), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    row = _results(result.stdout)[0]
    assert (row["n"], row["value"]) == (2, 100.0)  # a's 5 and b's 4, both satisfied; the 1s are earlier rows
