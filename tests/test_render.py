"""render/__init__.py: every command's output goes through one registry of renderers, one entry per format."""
from __future__ import annotations

import json

from conftest import SAMPLE, invoke

from cxscore import render
from cxscore.render import RENDERERS, Format, Renderer


def test_every_format_has_one_renderer():
    assert list(RENDERERS) == list(Format)


def test_each_command_writes_through_the_registry_entry_of_its_format(monkeypatch):
    """Swap one entry: score, benchmarks, inspect and plan all write what the entry writes."""
    def say(what):
        return lambda result, terminal, *_: terminal.stdout.write(f"{what}: {type(result).__name__}\n")

    monkeypatch.setitem(RENDERERS, Format.markdown, Renderer(say("report"), say("benchmarks"), say("inspection"), say("plan")))
    assert invoke(["score", str(SAMPLE), "-f", "markdown"]).stdout == "report: Report\n"
    assert invoke(["benchmarks", "-f", "markdown"]).stdout == "benchmarks: list\n"
    assert invoke(["inspect", str(SAMPLE), "-f", "markdown"]).stdout == "inspection: dict\n"
    assert invoke(["plan", "--metric", "nps", "--margin", "5", "-f", "markdown"]).stdout == "plan: dict\n"


def test_formats_without_their_own_inspect_or_plan_output_print_the_table_and_the_sentence():
    sentence = invoke(["plan", "--metric", "nps", "--margin", "5"]).stdout
    assert sentence.count("\n") == 1 and "1,53" in sentence
    assert invoke(["plan", "--metric", "nps", "--margin", "5", "-f", "csv"]).stdout == sentence
    assert json.loads(invoke(["plan", "--metric", "nps", "--margin", "5", "-f", "json"]).stdout)["summary"] + "\n" == sentence
    table = invoke(["inspect", str(SAMPLE)]).stdout
    assert invoke(["inspect", str(SAMPLE), "-f", "csv"]).stdout == table and "What `cxscore score` would do" in table
    assert RENDERERS[Format.markdown].inspection is render._markdown_inspection  # its own: test_inspect_plan
    assert RENDERERS[Format.csv].inspection is RENDERERS[Format.table].inspection is render._table_inspection
