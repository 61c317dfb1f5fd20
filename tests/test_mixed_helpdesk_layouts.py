"""Two helpdesks' exports in one run: a metric is planned from the first input that has it, so a later
input of another layout "has no column for it" though it has its own (Freshdesk's `Survey results` for
csat). The warning said only that; now it names both layouts and says to score them separately."""
from __future__ import annotations

import json

from conftest import ROOT, invoke

ZENDESK = ROOT / "sample_data" / "tickets_zendesk.csv"
FRESHDESK = ROOT / "sample_data" / "tickets_freshdesk.csv"


def test_a_later_input_of_another_helpdesk_layout_is_named_in_the_gap_warning():
    result = invoke(["score", str(ZENDESK), str(FRESHDESK), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    warnings = json.loads(result.stdout)["warnings"]
    csat = next(w for w in warnings if w.startswith(f"csat: {FRESHDESK} has no column for it"))
    assert "freshdesk export" in csat and "zendesk one" in csat and "separately" in csat
    assert "score them separately" in " ".join(result.stderr.split())
    same = invoke(["score", str(ZENDESK), str(ZENDESK), "-f", "json", "-q"])
    assert not [w for w in json.loads(same.stdout)["warnings"] if "separately" in w]
