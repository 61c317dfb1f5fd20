"""Two helpdesks' exports in one run: a metric is planned from the first input that has it; a later
input of another layout that lacks its columns is read through its own layout's plan of the KPI when
that adds up (the same kind, scale and bands: Jira's and Intercom's 1–5 csat), else the warning names
both layouts, says why (Freshdesk's `Survey results` on 1–3 against Zendesk's csat on 0–1) and says to
score them separately."""
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
    assert "its freshdesk layout reads csat from 'Survey results' as csat on 1–3, which does not add to csat on 0–1" in csat
    frt = next(w for w in warnings if w.startswith(f"frt: {FRESHDESK} has no column for it"))
    assert "its freshdesk layout plans no frt, so score them separately" in frt  # Freshdesk writes business hours only: frt_business
    assert "score them separately" in " ".join(result.stderr.split())
    same = invoke(["score", str(ZENDESK), str(ZENDESK), "-f", "json", "-q"])
    assert not [w for w in json.loads(same.stdout)["warnings"] if "separately" in w]


def test_a_kpi_that_adds_up_is_read_through_each_inputs_own_layout(tmp_path, write_csv):
    """Jira's csat (`Satisfaction rating`) after Intercom's (`conversation_rating`), both 1–5 with 4–5
    satisfied: the mixed run's csat is the two files' counts added (user pass, item f); before, Jira's
    answers were left out with a warning."""
    from test_helpdesk import intercom_rows
    from test_helpdesk_layouts import JIRA

    intercom, jira = write_csv(intercom_rows(False), name="intercom.csv"), tmp_path / "jira.csv"
    jira.write_text(JIRA, encoding="utf-8")

    def csat(*paths):
        result = invoke(["score", *map(str, paths), "-f", "json", "-m", "csat"])
        assert result.exit_code == 0, result.stderr
        document = json.loads(result.stdout)
        row = next(r for r in document["results"] if r["metric"] == "csat")
        return row["n"], row["value"] * row["n"] / 100, document, result.stderr

    n_i, satisfied_i, _, _ = csat(intercom)
    n_j, satisfied_j, _, _ = csat(jira)
    n, satisfied, document, stderr = csat(intercom, jira)
    assert n_j > 0 and n == n_i + n_j and round(satisfied) == round(satisfied_i + satisfied_j)
    assert [i["metrics"]["csat"]["column"] for i in document["inputs"]] == ["conversation_rating", "Satisfaction rating"]
    assert not [w for w in document["warnings"] if w.startswith("csat:")]
    assert "csat: " + str(jira) + ": column 'Satisfaction rating', read through its own layout (jira layout:" in " ".join(stderr.split())
