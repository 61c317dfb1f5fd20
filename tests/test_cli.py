"""The command line: formats, streams, exit codes, messages without tracebacks."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

import cxscore.cli
import cxscore.pipeline
from dataclasses import fields

from cxscore.cli import OPTION_FIELDS, SCORING_OPTIONS
from cxscore.pipeline import Options
from conftest import SAMPLE, SAMPLE_ZH, invoke, results_by_metric, run_process

CONTRACT = {"metric", "type", "segment", "period", "n", "blank", "invalid", "value", "components"}
COMPONENTS = {
    "nps": {"promoters_pct", "passives_pct", "detractors_pct"},
    "csat": {"satisfied_pct", "mean"},
    "ces": {"mean", "low_effort_pct", "high_effort_pct", "net"},
}


def test_table_on_stdout_messages_on_stderr():
    result = invoke(["score", str(SAMPLE)])
    assert result.exit_code == 0
    assert "nps (NPS)" in result.stdout and "+10.5" in result.stdout and "57.3%" in result.stdout
    assert "nps: column 'How likely are you to recommend" in result.stderr
    assert "warning: nps: 2 invalid answer(s)" in result.stderr
    assert "warning" not in result.stdout


def test_json_follows_the_contract():
    result = invoke(["score", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["schema_version"] == 1
    assert {"path", "rows", "encoding"} <= set(doc["inputs"][0]) and doc["inputs"][0]["rows"] == 3000
    for row in doc["results"]:
        assert CONTRACT <= set(row)
        assert COMPONENTS[row["type"]] <= set(row["components"])
        assert row["segment"] == {} and row["period"] is None
    rows = results_by_metric(doc)
    assert rows["csat"]["value"] == rows["csat"]["components"]["satisfied_pct"]
    assert rows["ces"]["value"] == rows["ces"]["components"]["mean"]
    nps = rows["nps"]["components"]
    assert rows["nps"]["value"] == pytest.approx(nps["promoters_pct"] - nps["detractors_pct"])
    assert rows["nps"]["n"] + rows["nps"]["blank"] + rows["nps"]["invalid"] == 3000
    assert any("invalid answer" in w for w in doc["warnings"])


@pytest.fixture(scope="module")
def json_process():
    """One real `score -f json` process, read by the tests of what a process prints where."""
    return run_process(["score", str(SAMPLE), "--format", "json"])


def test_json_on_stdout_is_clean_of_messages(json_process):
    result = json_process
    assert result.returncode == 0
    json.loads(result.stdout)  # nothing but the document
    assert b"nps: column" in result.stderr


def test_stdin_gives_the_same_results_as_the_file():
    from_file = run_process(["score", str(SAMPLE_ZH), "--format", "json"])
    piped = subprocess.run(f"cat '{SAMPLE_ZH}' | '{sys.executable}' -m cxscore score - --format json", shell=True, capture_output=True)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["results"] == json.loads(from_file.stdout)["results"]
    assert json.loads(piped.stdout)["inputs"][0]["path"] == "<stdin>"


def test_csv_is_tidy_and_full_precision():
    result = invoke(["score", str(SAMPLE), "-f", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["metric"] for r in rows] == ["nps", "csat", "ces"]
    doc = results_by_metric(invoke(["score", str(SAMPLE), "-f", "json"]).stdout)
    assert float(rows[0]["value"]) == doc["nps"]["value"]
    assert rows[2]["net"] and not rows[2]["promoters_pct"]


def test_markdown_is_a_github_table():
    lines = invoke(["score", str(SAMPLE), "-f", "markdown"]).stdout.splitlines()
    assert lines[0] == "**cxscore · 3,000 rows · " + str(SAMPLE) + "**"
    assert lines[2].startswith("| Metric | Column | Scale | n |") and lines[3].startswith("|---|---|---|---:|")
    assert lines[4].startswith("| nps (NPS) | How likely are you to recommend Acme to a friend or colleague? | 0–10 |") and "+10.5" in lines[4] and len(lines) == 7
    assert lines[6].startswith("| ces (mean) | Acme made it easy for me to handle my issue. | 1–7 |")


def test_every_format_option_takes_md_for_markdown_in_any_case():
    """The user's `-f md` was refused by every command (user pass, item a); benchmarks and plan also
    refused `-f JSON`, which the others took."""
    import typer.main

    group = typer.main.get_command(cxscore.cli.app)
    commands = {name: next((p for p in command.params if p.name == "fmt"), None) for name, command in group.commands.items()}  # type: ignore[attr-defined]
    with_format = {name for name, param in commands.items() if param is not None}
    assert with_format == {"score", "benchmarks", "inspect", "plan", "drivers", "comments", "volume"}  # report writes a file, sql a query
    for name in with_format:
        param = commands[name]
        assert param.type.convert("md", param, None) == "markdown" and param.type.convert("MD", param, None) == "markdown", name
        assert param.type.convert("JSON", param, None) == "json", name
    assert invoke(["score", str(SAMPLE), "-f", "md"]).stdout == invoke(["score", str(SAMPLE), "-f", "markdown"]).stdout
    plan = invoke(["plan", "-m", "nps", "--margin", "5", "-f", "Md"])
    assert plan.exit_code == 0 and plan.stdout.startswith("1,533 answers")
    refused = invoke(["plan", "-m", "nps", "--margin", "5", "-f", "mdx"])
    assert refused.exit_code == 2 and "(or 'md' for markdown)" in refused.stderr


def test_quiet_and_no_color():
    result = invoke(["score", str(SAMPLE), "--quiet"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0 and result.stderr == ""
    assert "\x1b[" not in result.stdout


def test_config_option_and_strict(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - {name: recommend, type: nps, column: {match: recommend}}\n", encoding="utf-8")
    result = invoke(["score", str(SAMPLE), "-c", str(config), "-f", "json"])
    assert list(results_by_metric(result.stdout)) == ["recommend"]
    strict = invoke(["score", str(SAMPLE), "-c", str(config), "--strict"])
    assert strict.exit_code == 2
    assert "--strict: recommend" in strict.stderr and "'10+' ×1" in strict.stderr
    assert strict.stdout == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["score", "missing.csv"], "error: input file not found: missing.csv"),
        (["score", str(SAMPLE), "-c", "missing.yaml"], "error: config file not found: missing.yaml"),
        (["score", str(SAMPLE), "--sheet", "x", "--encoding", "nope"], "error: unknown encoding: nope"),
    ],
)
def test_input_errors_exit_2_with_one_line(args, message):
    result = invoke(args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_error_paths_through_a_real_process(tmp_path):
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("metrics:\n  - type: nps\n   column: x\n", encoding="utf-8")
    header_only = tmp_path / "h.csv"
    header_only.write_text("Satisfaction\n", encoding="utf-8")
    corrupt = tmp_path / "c.xlsx"
    corrupt.write_bytes(b"PK\x03\x04broken")
    wrong_column = tmp_path / "w.yaml"
    wrong_column.write_text("metrics: [{type: csat, column: Satisfactoin}]\n", encoding="utf-8")
    cases = [
        (["score", str(SAMPLE), "-c", str(bad_yaml)], "invalid YAML at line 3"),
        (["score", str(header_only)], "has a header but no data rows"),
        (["score", str(corrupt)], "is not a readable Excel workbook"),
        (["score", str(SAMPLE), "-c", str(wrong_column)], "column 'Satisfactoin' is not in"),
        (["score", str(tmp_path / "none.csv")], "input file not found"),
        (["score"], "Missing argument"),
    ]
    for args, message in cases:
        result = run_process(args)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr.decode()
        assert b"Traceback" not in result.stderr


def test_success_exit_code_through_a_real_process():
    assert run_process(["score", str(SAMPLE), "-q"]).returncode == 0


def test_internal_errors_exit_1_and_hide_the_traceback(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cxscore.pipeline, "build_rows", boom)
    result = invoke(["score", str(SAMPLE)])
    assert result.exit_code == 1
    assert "internal error: RuntimeError: kaboom" in result.stderr and "Traceback" not in result.stderr
    verbose = invoke(["score", str(SAMPLE), "--verbose"])
    assert "Traceback" in verbose.stderr


def test_closed_pipe_is_quiet():
    # `true` exits before cxscore writes, so every write meets a closed pipe.
    result = subprocess.run(f"'{sys.executable}' -m cxscore score '{SAMPLE}' -q -f json | true; echo ${{PIPESTATUS[0]}}", shell=True, capture_output=True, executable="/bin/bash")
    assert result.stderr == b""
    assert result.stdout.strip() == b"0"


def test_help_has_examples_and_version():
    help_text = invoke(["score", "--help"]).stdout
    assert "Examples" in help_text and "cat export.csv | cxscore score -" in help_text
    assert invoke(["--version"]).stdout.startswith("cxscore ")


def test_segment_and_trend_tables_mark_significance():
    result = invoke(["score", str(SAMPLE), "--by", "channel", "--period", "quarter"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0
    out = result.stdout
    assert "nps (NPS) by channel — Δ against the rest" in out and "nps (NPS) by quarter" in out
    assert "▲" in out and "▼" in out
    assert "▲▼ significantly above or below the rest (Benjamini–Hochberg adjusted" in out
    assert "dates: column 'Submitted At'" in result.stderr


def test_json_rows_carry_statistics():
    doc = json.loads(invoke(["score", str(SAMPLE), "--by", "channel", "-f", "json", "--distribution"]).stdout)
    assert doc["analysis"]["by"] == ["channel"] and doc["analysis"]["nps_interval"] == "adjusted-wald"
    chat = next(r for r in doc["results"] if r["metric"] == "nps" and r["segment"] == {"channel": "Chat"})
    assert {"se", "ci_low", "ci_high", "ci_method", "margin", "n_eff", "deff", "low_n", "significance", "distribution"} <= set(chat)
    assert set(chat["significance"]) == {"against", "diff", "p_value", "p_adjusted", "significant", "direction", "mdd"}
    assert chat["significance"]["direction"] == "down" and chat["ci_low"] < chat["value"] < chat["ci_high"]
    assert sum(p["count"] for p in chat["distribution"]) == chat["n"]


def test_csv_has_one_row_per_metric_segment_period():
    rows = list(csv.DictReader(io.StringIO(invoke(["score", str(SAMPLE), "--by", "channel", "--period", "quarter", "-f", "csv"]).stdout)))
    assert {"channel", "period", "ci_low", "p_adjusted", "direction"} <= set(rows[0])
    # 3 metrics × (overall + 4 channels + 2 quarters + 4 × 2 cells)
    assert len(rows) == 3 * (1 + 4 + 2 + 8)
    assert {r["period"] for r in rows} == {"", "2025-Q1", "2025-Q2"}


def test_markdown_sections():
    out = invoke(["score", str(SAMPLE), "--by", "region", "-f", "markdown"]).stdout
    assert "**nps (NPS) by region — Δ against the rest · scale 0–10**" in out
    assert "**ces (mean) by region — Δ against the rest · scale 1–7**" in out
    assert "| region | n | Score | 95% CI | ± | Δ | p adj. | Detectable |" in out


def test_plan_command():
    assert invoke(["plan", "--metric", "nps", "--margin", "5"]).stdout.startswith("1,533 answers for NPS ±5 points")
    doc = json.loads(invoke(["plan", "-m", "csat", "--margin", "5", "-f", "json"]).stdout)
    assert doc["n"] == 381  # Wilson at 50%: a little under the Wald 385
    result = run_process(["plan", "--metric", "ces", "--margin", "0.1"])
    assert result.returncode == 2 and b"pass --sd" in result.stderr


def test_bad_where_exits_2():
    result = invoke(["score", str(SAMPLE), "--where", "channel"])
    assert result.exit_code == 2 and "not COLUMN=VALUE" in result.stderr


def test_metric_option_selects_metrics():
    doc = json.loads(invoke(["score", str(SAMPLE), "--metric", "nps", "-f", "json"]).stdout)
    assert [r["metric"] for r in doc["results"]] == ["nps"]
    result = invoke(["score", str(SAMPLE), "--metric", "nsp"])
    assert result.exit_code == 2 and "--metric 'nsp' is not one of the metrics: nps, csat, ces" in result.stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(json_process):
    result = json_process
    assert b"reading" not in result.stderr and b"\x1b[" not in result.stderr


def test_the_cli_builds_options_from_its_option_list(monkeypatch):
    names = {OPTION_FIELDS.get(name, name) for name, _, _ in SCORING_OPTIONS}
    assert {f.name for f in fields(Options)} - names == {"distribution", "distribution_optional", "comments", "comments_optional"}  # set per command
    seen = []
    monkeypatch.setattr(cxscore.cli, "score_inputs", lambda inputs, config, options, **kw: seen.append(options) or cxscore.pipeline.score(inputs, config, options))
    argv = ["score", str(SAMPLE), "-q", "-m", "nps", "--by", "Channel", "--period", "month", "--monthfirst", "--since", "2025-01-01", "--where", "Channel!=Chat",
            "--confidence", "0.9", "--min-n", "20", "--nps-interval", "wald", "--nps-test", "wald", "--baseline", "2", "--trend", "3", "--sort", "score", "--top", "2",
            "--warn-segments", "0", "--fail-under", "nps=-100", "--strict", "--distribution", "--comments", "3"]
    assert "--strict: nps" in invoke(argv).stderr  # the sample's two invalid answers: the options got through
    assert seen == [Options(
        strict=True, by=["Channel"], period="month", dayfirst=False, since="2025-01-01", where=["Channel!=Chat"], confidence=0.9, min_n=20,
        nps_interval="wald", nps_test="wald", baseline=2, trend=3, metrics=["nps"], fail_under=["nps=-100"], sort="score", top=2,
        distribution=True, warn_segments=0, comments=3,
    )]
    invoke(["score", str(SAMPLE), "-q"])
    assert seen[1] == Options()


@pytest.mark.parametrize("command, module, function, own", [
    ("drivers", "keydrivers", "key_drivers", ["--weight", "w", "--by", "Channel"]),
    ("comments", "comment_analysis", "analyse_comments", ["--min-n", "20", "--period", "month", "--by", "Channel"]),
    ("volume", "volume", "volume", ["--period", "month", "--by", "Channel"]),
])
def test_the_other_commands_pass_their_shared_options_on(monkeypatch, command, module, function, own):
    """drivers, comments and volume take the shared options from the scoring option walk: each one given reaches the run's Options."""
    import importlib

    seen = []

    def capture(inputs, config, options, **kw):
        seen.append(options)
        raise KeyboardInterrupt  # stop here: the options are what is checked

    monkeypatch.setattr(importlib.import_module(f"cxscore.{module}"), function, capture)
    shared = ["--where", "Channel!=Chat", "--since", "2025-01-01", "--until", "2025-06-30", "--dayfirst", "--confidence", "0.9", "--encoding", "utf-8", "--sheet", "1", "--strict"]
    extra = [] if command == "volume" else ["--date-column", "Submitted At", "--include-incomplete"]
    invoke([command, str(SAMPLE), *shared, *extra, *own])
    assert len(seen) == 1
    options = seen[0]
    assert (options.where, options.since, options.until, options.dayfirst, options.confidence, options.encoding, options.sheet, options.strict) == (
        ["Channel!=Chat"], "2025-01-01", "2025-06-30", True, 0.9, "utf-8", "1", True)
    assert options.by == ["Channel"]
    if command != "volume":
        assert options.date_column == "Submitted At" and options.include_incomplete
    assert options.weight == ("w" if command == "drivers" else None) and options.min_n == (20 if command == "comments" else None)
    assert options.period == (None if command == "drivers" else "month")


def test_drivers_and_comments_without_by_ignore_the_config_s_by_and_volume_keeps_it(monkeypatch):
    """Not given, --by is [] for drivers and comments (no breakdown) and None for volume (the config's by:)."""
    import importlib

    seen = {}
    for module, function in (("keydrivers", "key_drivers"), ("comment_analysis", "analyse_comments"), ("volume", "volume")):
        def capture(inputs, config, options, module=module, **kw):
            seen[module] = options
            raise KeyboardInterrupt

        monkeypatch.setattr(importlib.import_module(f"cxscore.{module}"), function, capture)
    for command in ("drivers", "comments", "volume"):
        invoke([command, str(SAMPLE)])
    assert seen["keydrivers"].by == [] and seen["comment_analysis"].by == [] and seen["volume"].by is None
