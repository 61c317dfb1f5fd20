"""Standard input of an export whose records repeat (Amazon Connect): the refusal names the layout, not a flag never given."""
from __future__ import annotations

from conftest import ROOT, run_process


def test_amazon_connect_on_stdin_names_the_layout_not_dedupe():
    done = run_process(["score", "-", "-q"], input=(ROOT / "sample_data" / "calls.csv").read_bytes())
    assert done.returncode == 2 and done.stdout == b""
    line = done.stderr.decode().strip()
    assert line.startswith("error: the amazon_connect layout keeps the latest record of each ContactId") and "\n" not in line
    assert "standard input can be read once" in line and "save the export to a file" in line


def test_dedupe_given_on_stdin_still_names_the_flag():
    done = run_process(["score", "-", "-q", "--dedupe", "Response ID"], input=(ROOT / "sample_data" / "survey_export.csv").read_bytes())
    assert done.returncode == 2 and done.stderr.decode().startswith("error: --dedupe reads the input twice")
