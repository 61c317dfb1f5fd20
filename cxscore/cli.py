"""The command line: options → pipeline → renderer → exit code. No scoring happens here."""
from __future__ import annotations

import inspect
import logging
import os
import sys
import traceback
from dataclasses import fields, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Optional, cast, get_args
from collections.abc import Callable, Iterable

import typer

from .version import __version__
from . import benchmarks as bench
from . import config as schema
from .comments import DEFAULT_COMMENTS
from .config import Config, locate_config, read_config
from .errors import CxError, ExitCode
from .pipeline import Options, score as score_inputs
from .metrics import NPS_TESTS
from .model import Report
from .planning import sample_size
from .render import Format, render, render_benchmarks, render_inspection, render_plan, write_report
from .render.output import atomic_path
from .terminal import Terminal, help_survives_closed_pipes

app = typer.Typer(
    name="cxscore",
    help="Turn customer-survey exports into trustworthy NPS, CSAT and CES scores.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

SCORE_EXAMPLES = """
**Examples**

* `cxscore score sample_data/survey_export.csv` — detect the NPS/CSAT/CES columns and print a table

* `cxscore score export.xlsx --sheet Responses --config cxscore.yaml --format json`

* `cat export.csv | cxscore score - --format csv > scores.csv`

* `cxscore score jan.csv feb.csv mar.csv --strict` — score three files together; exit 2 on any invalid answer

* `cxscore score export.csv --metric nps --by channel --period month` — is chat worse, and did NPS drop?

* `cxscore score export.csv --by agent --bottom 5 --min-n 50` — the five weakest agents with enough answers

* `cxscore score export.csv --where region=EMEA --since 2025-04-01 --weight w`

Exit codes: 0 success (also when the reader of stdout leaves early, as `| head` does) · 1 internal error · 2 usage, config, input or output error (and --strict failures) · 3 target missed · 130 Ctrl-C.
"""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cxscore {__version__}")
        raise typer.Exit()


#: fastexcel logs "Could not determine dtype for column 9, falling back to string" (an empty column) through
#: Python's logging, whose last-resort handler printed it on stderr, --quiet or not. The column is read as text,
#: as cxscore reads every column: nothing to say. A handler stops the last resort; logging set up by a caller
#: still receives the record.
logging.getLogger("fastexcel").addHandler(logging.NullHandler())


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Turn customer-survey exports into trustworthy NPS, CSAT and CES scores."""


def _choices(name: str, values: tuple[str, ...]) -> type[Enum]:
    """A Typer choice from one of the config's Literal types: the allowed values are written once."""
    return cast(type[Enum], Enum(name, {value.replace("-", "_"): value for value in values}, type=str))  # mypy types Enum's functional call as a member


NpsInterval = _choices("NpsInterval", get_args(schema.NpsInterval))
NpsTest = _choices("NpsTest", NPS_TESTS)
if TYPE_CHECKING:  # types to mypy (a command's annotation), made at run time from the config's and the registry's values
    MetricType = Enum
    Period = Enum
else:
    MetricType = _choices("MetricType", get_args(schema.MetricType))
    Period = _choices("Period", get_args(schema.Period))


class Sort(str, Enum):
    segment = "segment"
    score = "score"
    n = "n"


def _format(value: str | Format) -> str:
    """--format's value in any case, and ``md`` for ``markdown`` (the name users type from the file
    extension): one parser for every command's --format, so none refuses what another accepts."""
    name = value.value if isinstance(value, Format) else value.lower()  # the default arrives as the Format itself
    name = "markdown" if name == "md" else name
    if name not in {f.value for f in Format}:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(repr(f.value) for f in Format)} (or 'md' for markdown).")
    return name


def format_option(help: str = "Output format on stdout (md: markdown).") -> Any:
    """The --format/-f option of a command, with its help."""
    return typer.Option(Format.table, "--format", "-f", help=help, parser=_format, metavar="[" + "|".join(f.value for f in Format) + "|md]")


#: The options every scoring command shares (score, report): defined once, attached to each command's signature.
SCORING_OPTIONS = [
    ("inputs", list[str], typer.Argument(..., metavar="FILES...", help="CSV/TSV/Excel exports; - reads CSV from standard input.")),
    ("config", Optional[Path], typer.Option(None, "--config", "-c", help="YAML config (default: ./cxscore.yaml if present, else detect columns).")),
    ("metric", Optional[list[str]], typer.Option(None, "--metric", "-m", help="Only this metric (by name, e.g. nps; repeatable).")),
    ("by", Optional[list[str]], typer.Option(None, "--by", "-b", help="Break down by this column (repeatable: two give a cross-tab); 'file' = input file name.", rich_help_panel="Breakdowns")),
    ("period", Optional[Period], typer.Option(None, "--period", "-p", help="Trend by day, ISO week, month, quarter or year.", rich_help_panel="Breakdowns")),
    ("date_column", Optional[str], typer.Option(None, "--date-column", help="Column with the response date (default: detected).", rich_help_panel="Breakdowns")),
    ("dayfirst", Optional[bool], typer.Option(None, "--dayfirst/--monthfirst", help="Read 01/02/2025 as 1 February, or 2 January (default: as the dates show; month first, US, when no day is over 12).", rich_help_panel="Breakdowns")),
    ("sort", Sort, typer.Option(Sort.segment, "--sort", help="Order of segment rows.", rich_help_panel="Breakdowns")),
    ("top", Optional[int], typer.Option(None, "--top", min=1, help="Only the N best segments.", rich_help_panel="Breakdowns")),
    ("bottom", Optional[int], typer.Option(None, "--bottom", min=1, help="Only the N worst segments.", rich_help_panel="Breakdowns")),
    ("warn_segments", Optional[int], typer.Option(None, "--warn-segments", min=0, help="Warn when --by has more distinct values than this (0: never) [default: 1000].", rich_help_panel="Breakdowns")),
    ("since", Optional[str], typer.Option(None, "--since", help="Only responses on or after this date.", rich_help_panel="Filters")),
    ("until", Optional[str], typer.Option(None, "--until", help="Only responses on or before this date (a date includes the whole day).", rich_help_panel="Filters")),
    ("where", Optional[list[str]], typer.Option(None, "--where", "-w", help="COLUMN=VALUE or COLUMN!=VALUE (repeatable; = on one column: any of the values).", rich_help_panel="Filters")),
    ("weight", Optional[str], typer.Option(None, "--weight", help="Column of response weights.", rich_help_panel="Statistics")),
    ("confidence", Optional[float], typer.Option(None, "--confidence", help="Confidence level of intervals and tests, above 0.5 and at most 0.9999 [default: 0.95].", rich_help_panel="Statistics")),
    ("min_n", Optional[int], typer.Option(None, "--min-n", min=1, help="Answers below which a score is marked too small to trust [default: 30].", rich_help_panel="Statistics")),
    ("nps_interval", Optional[NpsInterval], typer.Option(None, "--nps-interval", help="NPS interval method [default: adjusted-wald].", rich_help_panel="Statistics")),
    ("nps_test", NpsTest, typer.Option("pooled", "--nps-test", help="Test of a difference of two NPS: pooled (keeps its size for small segments), adjusted-wald or wald.", rich_help_panel="Statistics")),
    ("benchmark", Optional[str], typer.Option(None, "--benchmark", help="Compare with this industry's benchmark (see: cxscore benchmarks).", rich_help_panel="Benchmarks and targets")),
    ("benchmarks_file", Optional[str], typer.Option(None, "--benchmarks-file", help="Your own benchmark YAML, extending or replacing the bundled one.", rich_help_panel="Benchmarks and targets")),
    ("fail_under", Optional[list[str]], typer.Option(None, "--fail-under", help="METRIC=VALUE target (repeatable); a miss exits 3.", rich_help_panel="Benchmarks and targets")),
    ("fail_on_significant_drop", bool, typer.Option(False, "--fail-on-significant-drop", help="Exit 3 when the latest period fell significantly (or, with --trend, is trending worse).", rich_help_panel="Benchmarks and targets")),
    ("baseline", int, typer.Option(1, "--baseline", min=1, help="Test the latest period against the pooled previous N periods [default: 1].", rich_help_panel="Benchmarks and targets")),
    ("trend", Optional[int], typer.Option(None, "--trend", min=3, help="Also test the slope over the last K periods (K ≥ 3), for gradual declines.", rich_help_panel="Benchmarks and targets")),
    ("encoding", Optional[str], typer.Option(None, "--encoding", "-e", help="Text encoding of CSV input (default: detected), e.g. gb18030, utf-16, cp1252.", rich_help_panel="Input")),
    ("sheet", Optional[str], typer.Option(None, "--sheet", help="Excel sheet name or number (default: the first sheet).", rich_help_panel="Input")),
    ("dedupe", Optional[str], typer.Option(None, "--dedupe", help="Respondent column: keep each respondent's latest answer (by the date column).", rich_help_panel="Filters")),
    ("include_incomplete", bool, typer.Option(False, "--include-incomplete", help="Keep unfinished responses (Qualtrics Finished = 0, Typeform partial or started), which are left out by default.", rich_help_panel="Input")),
    ("strict", bool, typer.Option(False, "--strict", help="Fail (exit 2) on any invalid answer, malformed row, unparseable date or bad weight.", rich_help_panel="Input")),
    ("tallies", bool, typer.Option(False, "--tallies", help="The inputs are counts tables (CSV or Parquet) from the query of cxscore sql, not rows; needs the same --config, --by, --period and --weight.", rich_help_panel="Input")),
    ("quiet", bool, typer.Option(False, "--quiet", "-q", help="No messages or warnings on stderr; errors and alerts still show.")),
    ("verbose", bool, typer.Option(False, "--verbose", "-v", help="Show a traceback on internal errors.")),
]


def command(name: str, params: list, epilog: str):
    """Register a command whose signature is ``params`` in order: a name is the shared scoring option
    of that name (SCORING_OPTIONS: flags and help written once), a ``(name, type, option)`` the command's own."""
    shared = {n: (n, a, d) for n, a, d in SCORING_OPTIONS}

    def register(run):
        def callback(**kwargs):
            return run(**kwargs)

        signature = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d, annotation=a) for n, a, d in (shared[p] if isinstance(p, str) else p for p in params)]
        callback.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]  # read by inspect; typeshed declares no such attribute on functions
        callback.__doc__ = run.__doc__
        callback.__name__ = name
        return app.command(name, epilog=epilog)(callback)

    return register


def scoring_command(name: str, extra: list, epilog: str):
    """Register a command whose signature is its own options followed by the shared scoring options."""
    return command(name, [SCORING_OPTIONS[0], *extra, *SCORING_OPTIONS[1:]], epilog)


#: Scoring options whose name is not their Options field's.
OPTION_FIELDS = {"metric": "metrics"}
_FIELDS = {f.name for f in fields(Options)}


def _given(kw: dict, names: Iterable[str]) -> dict[str, Any]:
    """The options ``names`` that were given (not empty), by their Options field: Typer's choices as
    their values, repeated options as lists. An option not given (or not the command's) is left out: the field's default."""
    given: dict[str, Any] = {}
    for name in names:
        field_name, value = OPTION_FIELDS.get(name, name), kw.get(name)
        if field_name not in _FIELDS or value is None or (isinstance(value, (list, tuple)) and not value):
            continue
        given[field_name] = value.value if isinstance(value, Enum) else list(value) if isinstance(value, (list, tuple)) else value
    return given


def _options(kw: dict, distribution: bool) -> Options:
    """Options from the command's option list: each option given (not empty) to the field of its name;
    ``--distribution`` and the comments, which differ between score and report, as the command says
    (the report's distribution, not asked for, is of the metrics that have one: nothing is said of the others)."""
    given = _given(kw, kw)
    given["distribution"] = distribution
    given["distribution_optional"] = "distribution" not in kw
    given["comments"] = DEFAULT_COMMENTS if kw["comments"] is None else kw["comments"]
    given["comments_optional"] = kw["comments"] is None
    return Options(**given)


def _config(given: Path | str | None) -> Config | None:
    """The config named by --config, else the one found in the usual places (None: no config)."""
    path = locate_config(str(given) if given else None)
    return read_config(path)[0] if path else None


def _run_scoring(kw: dict, distribution: bool, terminal: Terminal):
    """Config + options → the report, the config's text and the config, with messages and a progress bar on stderr; warnings printed."""
    path = locate_config(str(kw["config"]) if kw["config"] else None)
    config, config_text = read_config(path) if path else (None, None)
    bar = terminal.progress()
    shown: list[str] = []

    def warn_now(message: str) -> None:  # a warning that cannot wait for the end of the run
        if bar:
            bar.close()
        terminal.warn(message)
        shown.append(message)

    try:
        if kw["tallies"]:
            from .counts import score_counts

            report = score_counts(kw["inputs"], config, _options(kw, distribution), notify=terminal.say)
        else:
            report = score_inputs(kw["inputs"], config, _options(kw, distribution), notify=terminal.say, progress=bar, warn=warn_now)
    finally:
        if bar:
            bar.close()
    for warning in report.warnings:
        if warning not in shown:
            terminal.warn(warning)
    return report, config_text, config


def _alerts_exit(report, terminal: Terminal) -> None:
    """After the output is written: one line per breach on stderr, and exit code 3."""
    if report.alerts:
        for alert in report.alerts:
            terminal.alert(alert)
        raise typer.Exit(int(ExitCode.ALERT))


CSV_RAW = typer.Option(
    False, "--csv-raw",
    help="With --format csv, for programs: text exactly as in the data. By default a cell starting with =, +, -, @, tab or CR gets a leading ' so no spreadsheet runs it as a formula.",
)


@scoring_command(
    "score",
    [("fmt", Format, format_option()),
     ("distribution", bool, typer.Option(False, "--distribution", help="Also show the count and share at every scale point.")),
     ("comments", int, typer.Option(0, "--comments", min=0, metavar="N", help="Also collect the N most recent detractor and promoter comments per metric (CSAT: dissatisfied/satisfied, CES: high/low effort): -f csv writes them instead of the scores, json adds them, the table shows 5 of each.")),
     ("csv_raw", bool, CSV_RAW)],
    SCORE_EXAMPLES,
)
def score(**kw) -> None:
    """Score NPS, CSAT and CES in one or more survey exports."""
    terminal = Terminal.current(quiet=kw["quiet"])
    with _errors_to_exit_codes(terminal, kw["verbose"]):
        report, _, _ = _run_scoring(kw, kw["distribution"], terminal)
        write_data(terminal, lambda: render(report, kw["fmt"], terminal, csv_raw=kw["csv_raw"]))
        _alerts_exit(report, terminal)


REPORT_EXAMPLES = """
**Examples**

* `cxscore report export.csv --output report.xlsx --by channel --period month`

* `cxscore report exports/*.csv -o "reports/cx-{date}.xlsx" --benchmark retail --fail-under nps=30` — for cron: exit 3 when NPS < 30, report written anyway

* `cxscore report export.xlsx -o 报告.xlsx --lang zh --by 渠道`

The output path may hold {date} (today, YYYY-MM-DD) and {period} (the latest period with n >= min-n for every metric, or "all").
"""


class Lang(str, Enum):
    en = "en"
    zh = "zh"


def _report_drivers(kw: dict, terminal: Terminal, report: Report) -> tuple[list, Report]:
    """The report's sheet Drivers (keydrivers.report_drivers: a second pass over the inputs), said in
    one line on stderr with the analysis' own warnings; or no sheet, and the note why among the
    report's warnings (the foot of Data quality) and on stderr."""
    from .keydrivers import report_drivers
    from .render.drivers_workbook import add_to_report

    run = report_drivers(kw["inputs"], _config(kw["config"]), _options(kw, True))
    if isinstance(run, str):
        terminal.say(run)
        return [], replace(report, warnings=[*report.warnings, run])
    a = run.analysis
    terminal.say(f"Drivers sheet: {a.outcome} by {', '.join(d.name for d in a.drivers)} ({a.n:,} complete rows)")
    for warning in a.warnings:
        terminal.warn(f"drivers: {warning}")
    return [lambda wb: add_to_report(wb, run, kw["lang"].value)], report


@scoring_command(
    "report",
    [("output", str, typer.Option(..., "--output", "-o", help="The .xlsx file to write ({date} and {period} are filled in).")),
     ("lang", Lang, typer.Option(Lang.en, "--lang", help="Sheet names and labels: en or zh.")),
     ("comments", Optional[int], typer.Option(None, "--comments", min=0, metavar="N", help=f"Comments sheet: the N most recent detractor and promoter comments per metric, when there is a comment column (0: no sheet) [default: {DEFAULT_COMMENTS}].")),
     ("created", Optional[str], typer.Option(None, "--created", help="With --solved: add the sheet Volume (tickets created, solved, open at each period's end; see cxscore volume).", rich_help_panel="Volume")),
     ("solved", Optional[str], typer.Option(None, "--solved", help="The solved-time column of the Volume sheet.", rich_help_panel="Volume")),
     ("status", Optional[str], typer.Option(None, "--status", help="The status column of the Volume sheet (default: Status, if there is one).", rich_help_panel="Volume")),
     ("themes", Optional[Path], typer.Option(None, "--themes", "-t", metavar="FILE", help="Add the sheets Themes, Distinctive terms and Uncategorised sample (see cxscore comments) from this theme dictionary.", rich_help_panel="Comments"))],
    REPORT_EXAMPLES,
)
def report(**kw) -> None:
    """Write an Excel report (summary, trend, segments, distribution, data quality, settings) with native charts."""
    terminal = Terminal.current(quiet=kw["quiet"])
    with _errors_to_exit_codes(terminal, kw["verbose"]):
        themes = _theme_dictionary(kw)  # a bad dictionary stops before any reading
        result, config_text, config = _run_scoring(kw, True, terminal)
        extra, result = _report_drivers(kw, terminal, result)
        sheets = [*_volume_sheet(kw, terminal), *extra, *(_theme_sheets(kw, terminal, themes) if themes else [])]
        target = write_report(result, kw["output"], kw["lang"].value, config_text, sheets, agent=config.agent if config else None)
        terminal.say(f"wrote {target}")
        _alerts_exit(result, terminal)


def _theme_dictionary(kw: dict):
    """The report's --themes dictionary, read and validated (None without it); the inputs it cannot read twice refused."""
    if not kw["themes"]:
        return None
    if kw["tallies"]:
        raise CxError("the theme sheets read the comments from the rows, and --tallies gives counts of answers", "drop --themes, or report from the rows")
    if "-" in kw["inputs"]:
        raise CxError("the theme sheets read the inputs a second time, and standard input can be read once", "save standard input to a file and pass the file")
    from .themes import load_themes

    return load_themes(kw["themes"])


def _theme_sheets(kw: dict, terminal: Terminal, themes) -> list:
    """The comment sheets of ``cxscore comments --output`` (a second reading of the inputs, by the report's
    --by, --period and filters), said in one line on stderr with the run's warnings."""
    from .comment_analysis import analyse_comments
    from .render.comments_workbook import add_to_report

    metrics = kw.get("metric") or []
    options = Options(**_given(kw, ["period", *READING]), by=list(kw["by"] or []))
    run = analyse_comments(kw["inputs"], _config(kw["config"]), options, themes=themes, metric=metrics[0] if len(metrics) == 1 else None)  # the columns were said by the first reading
    for warning in run.warnings:
        terminal.warn(f"comments: {warning}")
    terminal.say(f"Themes sheets: {len(run.theme_names)} themes over {run.report.comments:,} comments (column {run.text_column!r}, scored by {run.metric.name})")
    return [lambda wb: add_to_report(wb, run, kw["lang"].value)]


def _volume_sheet(kw: dict, terminal: Terminal) -> list:
    """The Volume sheet's writer when the report is given the created and solved columns, on the command line
    or in the config's ``volume:`` (a second reading of the inputs)."""
    config = _config(kw["config"])
    if not (kw["created"] or kw["solved"] or (config and config.volume)):
        return []
    from .render.volume_sheet import add_sheet
    from .volume import volume

    if bool(kw["created"]) != bool(kw["solved"]):
        raise CxError("the Volume sheet needs both --created and --solved", "name both columns, or neither (or give them in the config's volume:)")
    if kw["tallies"] and kw["created"]:
        raise CxError("the Volume sheet counts tickets from their rows, and --tallies gives counts of answers", "drop --created and --solved, or report from the rows")
    if kw["tallies"]:
        terminal.warn("the config's volume: is left out: the Volume sheet counts tickets from their rows, and --tallies gives counts of answers")
        return []
    if "-" in kw["inputs"]:
        raise CxError("the Volume sheet reads the inputs a second time, and standard input can be read once", "save standard input to a file and pass the file")
    options = Options(by=list(kw["by"] or []), period=kw["period"].value if kw["period"] else None, where=list(kw["where"] or []), since=kw["since"], until=kw["until"],
                      dayfirst=kw["dayfirst"], confidence=kw["confidence"], encoding=kw["encoding"], sheet=kw["sheet"], strict=kw["strict"])
    run = volume(kw["inputs"], config, options, created=kw["created"], solved=kw["solved"], status=kw["status"], notify=terminal.say)
    for warning in run.warnings:
        terminal.warn(warning)
    return [lambda wb: add_sheet(wb, run, kw["lang"].value)]


BENCHMARKS_EXAMPLES = """
**Examples**

* `cxscore benchmarks` — every bundled benchmark with its source and year

* `cxscore benchmarks --metric nps --industry retail`

* `cxscore benchmarks --benchmarks-file ours.yaml --format json`
"""


@app.command(epilog=BENCHMARKS_EXAMPLES)
def benchmarks(
    metric: str | None = typer.Option(None, "--metric", "-m", help="nps, csat, acsi, fcr, service_level, …"),
    industry: str | None = typer.Option(None, "--industry", "-i", help="Text in the industry name (case-insensitive)."),
    benchmarks_file: str | None = typer.Option(None, "--benchmarks-file", help="Your own benchmark YAML (same schema)."),
    fmt: Format = format_option(),
    csv_raw: bool = CSV_RAW,
) -> None:
    """List industry benchmarks, each with its value, scale, year, source and quality."""
    terminal = Terminal.current()
    with _errors_to_exit_codes(terminal, False):
        rows = bench.search(bench.load(benchmarks_file), metric, industry)
        write_data(terminal, lambda: render_benchmarks(rows, fmt, terminal, csv_raw))


INSPECT_EXAMPLES = """
**Examples**

* `cxscore inspect export.csv` — layout, encoding, every column's role and values, and what score would do

* `cxscore inspect qualtrics.csv --write-config cxscore.yaml` — a commented starter config to adjust

* `cxscore inspect 问卷星.xls --format json | jq '.columns[] | select(.role | startswith("metric"))'`
"""


@app.command("inspect", epilog=INSPECT_EXAMPLES)
def inspect_command(
    path: str = typer.Argument(..., metavar="FILE", help="The export to look at (- for standard input)."),
    write_config: Path | None = typer.Option(None, "--write-config", help="Write a commented starter YAML that reproduces the zero-config choice."),
    fmt: Format = format_option("table, json (jsonl: the JSON on one line) or markdown (md: the table as Markdown, the plan as a list); csv prints the table."),
    encoding: str | None = typer.Option(None, "--encoding", "-e", help="Text encoding of CSV input (default: detected)."),
    sheet: str | None = typer.Option(None, "--sheet", help="Excel sheet name or number (default: the first sheet)."),
    include_incomplete: bool = typer.Option(False, "--include-incomplete", help="Keep unfinished responses when counting."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No messages or warnings on stderr; errors still show."),
) -> None:
    """Show an export's layout, encoding, rows, columns with their guessed roles, and what score would do."""
    from .inspection import inspect as inspect_file, starter_config

    terminal = Terminal.current(quiet=quiet)
    with _errors_to_exit_codes(terminal, False):
        result = inspect_file(path, encoding=encoding, sheet=sheet, include_incomplete=include_incomplete)
        if write_config:
            with atomic_path(write_config, [path]) as temporary:
                temporary.write_text(starter_config(result), encoding="utf-8")
            terminal.say(f"wrote {write_config}")
        write_data(terminal, lambda: render_inspection(result, fmt, terminal))


PLAN_EXAMPLES = """
**Examples**

* `cxscore plan --metric nps --margin 5` — answers for NPS ±5 points, worst case (1,533 at 95%)

* `cxscore plan --metric nps --margin 5 --assurance 0.8` — reach ±5 in 80% of samples, not just on average

* `cxscore plan --metric nps --detect 5` — answers per group to detect a 5-point change (80% power)

* `cxscore plan --metric nps --margin 5 --promoters 0.5 --detractors 0.2` — with an expected mix

* `cxscore plan --metric csat --margin 3 --expected 80` — % satisfied ±3 points around 80%

* `cxscore plan --metric ces --margin 0.1 --sd 1.4 --format json`
"""


@app.command(epilog=PLAN_EXAMPLES)
def plan(
    metric: Optional[MetricType] = typer.Option(None, "--metric", "-m", help="Required: nps, csat (any percentage: a rate, a service level) or ces (any mean); the other types say why not.", show_default=False),
    margin: float | None = typer.Option(None, "--margin", min=0.0001, help="Wanted margin of error of the reported interval: NPS or percentage points, or scale points for a mean."),
    detect: float | None = typer.Option(None, "--detect", min=0.0001, help="Instead of --margin: a change to detect (same units), 80% power; gives n per group."),
    assurance: float | None = typer.Option(None, "--assurance", min=0.5, max=0.999, help="With --margin: reach it with this probability (e.g. 0.8) instead of on average."),
    confidence: float = typer.Option(0.95, "--confidence", help="Confidence level, above 0.5 and at most 0.9999."),
    promoters: float | None = typer.Option(None, "--promoters", min=0, max=1, help="NPS: expected share of promoters (0–1); with --detractors. Default: worst case."),
    detractors: float | None = typer.Option(None, "--detractors", min=0, max=1, help="NPS: expected share of detractors (0–1)."),
    expected: float = typer.Option(50.0, "--expected", min=0, max=100, help="Percentage: the expected value (50 is the worst case)."),
    sd: float | None = typer.Option(None, "--sd", min=0.0001, help="Mean: the answers' standard deviation (required for ces)."),
    scale: tuple[int, int] | None = typer.Option(None, "--scale", help="Mean: the scale's bottom and top (e.g. 1 7); with --mean, n is solved for the adjusted t interval the reports give."),
    mean: float | None = typer.Option(None, "--mean", help="Mean: the expected mean, with --scale."),
    fmt: Format = format_option("table or json (jsonl: the JSON on one line; csv and markdown (md) print the table's sentence)."),
) -> None:
    """How many answers are needed for a given margin of error."""
    terminal = Terminal.current()
    with _errors_to_exit_codes(terminal, False):
        if metric is None:  # Typer's own error lists all ten types one per line in a box, though only three can be planned
            raise CxError("cxscore plan needs --metric (-m): nps, csat or ces", "e.g. cxscore plan -m nps --margin 5")
        result = sample_size(metric.value, margin, confidence, promoters=promoters, detractors=detractors, expected=expected, sd=sd, detect=detect, assurance=assurance,
                             scale=scale, mean=mean)
        write_data(terminal, lambda: render_plan(result, fmt, terminal))


DRIVERS_EXAMPLES = """
**Examples**

* `cxscore drivers sample_data/drivers_export.csv --outcome nps` — which ratings NPS is most associated with

* `cxscore drivers export.csv --outcome nps --driver csat_price --driver csat_delivery --method shapley`

* `cxscore drivers export.csv --outcome csat --where region=EMEA --weight w -f json`

* `cxscore drivers export.csv --output drivers.xlsx` — also a workbook: the sheet Drivers with a scatter chart

* `cxscore drivers export.csv --by Channel` — also each channel's headroom: NPS points gained if its respondents were all promoters

Exit codes: 0 success · 2 usage, config or input error, and refusals (too few complete rows, Shapley above 12 drivers) · 1 internal error.
"""


class DriverMethod(str, Enum):
    relative_weights = "relative-weights"
    shapley = "shapley"


#: The shared options that drivers, comments and volume pass on as run options (those each command has).
READING = ["where", "since", "until", "date_column", "dayfirst", "weight", "confidence", "min_n", "encoding", "sheet", "include_incomplete", "strict"]


@command("drivers", [
    "inputs",
    ("outcome", Optional[str], typer.Option(None, "--outcome", help="The metric to explain (a metric name such as nps, or its column). Default: NPS, else CSAT, as the report's Drivers sheet.")),
    ("driver", Optional[list[str]], typer.Option(None, "--driver", "-d", help="A rating to rank (metric name or column; repeatable). Default: the other rating metrics found.")),
    ("method", DriverMethod, typer.Option(DriverMethod.relative_weights, "--method", help="relative-weights (Johnson) or shapley (exact LMG, up to 12 drivers).")),
    ("resamples", int, typer.Option(200, "--resamples", min=20, help="Bootstrap resamples for the intervals and P(rank 1).")),
    ("seed", int, typer.Option(0, "--seed", min=0, help="Seed of the bootstrap (the same seed, the same intervals).")),
    ("fmt", Format, format_option()),
    ("output", Optional[str], typer.Option(None, "--output", help="Also write an Excel workbook with the sheet Drivers (table and scatter chart).")),
    ("by", Optional[list[str]], typer.Option(None, "--by", "-b", help="Also a segment headroom table: how much the overall score would gain if one segment's respondents all gave the best answer (-f csv writes it instead of the drivers).")),
    "confidence", "config", "where", "since", "until", "date_column", "dayfirst", "weight", "encoding", "sheet", "include_incomplete", "strict",
    ("csv_raw", bool, CSV_RAW), "quiet", "verbose",
], DRIVERS_EXAMPLES)
def drivers_command(**kw) -> None:
    """Rank the ratings an outcome (NPS, CSAT) is most associated with: relative importance with intervals."""
    from .heap import keep_freed_memory
    from .keydrivers import REPORT_OUTCOMES, key_drivers
    from .render.drivers import write

    keep_freed_memory()  # before the workers fork: they inherit it
    terminal = Terminal.current(quiet=kw["quiet"])
    with _errors_to_exit_codes(terminal, kw["verbose"]):
        options = Options(**_given(kw, READING), by=list(kw["by"] or []))
        run = key_drivers(kw["inputs"], _config(kw["config"]), options, outcome=kw["outcome"] or REPORT_OUTCOMES, drivers=kw["driver"] or [], method=kw["method"].value.replace("-", "_"),
                          resamples=kw["resamples"], seed=kw["seed"], notify=terminal.say)
        for warning in run.warnings:
            terminal.warn(warning)
        if kw["output"]:
            from .render.drivers_workbook import write as write_workbook

            terminal.say(f"wrote {write_workbook(run, kw['output'])}")
        write_data(terminal, lambda: write(run, kw["fmt"], terminal, kw["csv_raw"]))


SQL_EXAMPLES = """
**Examples**

* `cxscore sql sample_data/survey_export.csv -c config.yaml --by channel --period month > counts.sql` — DuckDB reads the file itself

* `duckdb -csv < counts.sql > counts.csv && cxscore score --tallies counts.csv -c config.yaml --by channel --period month`

* `cxscore sql analytics.responses -c config.yaml --by region --period week --date-column submitted_at --dialect bigquery`

Exit codes: 0 success · 2 usage, config or input error (a duration metric, a column named by a pattern, --period on a table without --date-column) · 1 internal error.
"""


class SqlDialect(str, Enum):
    duckdb = "duckdb"
    postgres = "postgres"
    bigquery = "bigquery"
    snowflake = "snowflake"
    spark = "spark"


@command("sql", [
    ("source", str, typer.Argument(..., metavar="FILE_OR_TABLE", help="An export file (its headers and date column are looked up) or a table name as the engine knows it.")),
    "config", "metric", "by", "period", "date_column", "weight",
    ("dialect", SqlDialect, typer.Option(SqlDialect.duckdb, "--dialect", help="The SQL engine the query is written for.")),
    "quiet", "verbose",
], SQL_EXAMPLES)
def sql_command(**kw) -> None:
    """Print the GROUP BY query that counts each metric's answers per segment and period where the data is, for cxscore score --tallies."""
    from .sql import query_for

    terminal = Terminal.current(quiet=kw["quiet"])
    with _errors_to_exit_codes(terminal, kw["verbose"]):
        query = query_for(kw["source"], _config(kw["config"]), kw["dialect"].value, metrics=kw["metric"] or None, by=kw["by"] or [], period=kw["period"].value if kw["period"] else None,
                          date_column=kw["date_column"], weight=kw["weight"], notify=terminal.say)
        write_data(terminal, lambda: terminal.stdout.write(query))


COMMENTS_EXAMPLES = """
**Examples**

* `cxscore comments sample_data/comments_export.csv --themes themes.example.yaml` — what detractors and promoters talk about

* `cxscore comments export.csv --themes themes.yaml --by channel --period month -f json`

* `cxscore comments export.csv --text "Why this score?" -m csat --no-terms -f csv > themes.csv`

* `cxscore comments export.csv --themes themes.yaml --output comments.xlsx` — also a workbook: Themes, Distinctive terms, Uncategorised sample

Exit codes: 0 success · 2 usage, config or input error (a themes file with errors, no comment column, no comments) · 1 internal error.
"""


@command("comments", [
    "inputs",
    ("themes", Optional[Path], typer.Option(None, "--themes", "-t", help="Theme dictionary (YAML: theme: {en: [...], zh: [...], exclude: [...]}; themes.example.yaml is a starter). Without it: distinctive terms only.")),
    ("text", Optional[str], typer.Option(None, "--text", help="The comment column (default: detected, as for the report's Comments sheet).")),
    ("metric", Optional[str], typer.Option(None, "--metric", "-m", help="The rating the comments are scored by (default: NPS, else CSAT, else CES).")),
    "by", "period",
    ("terms", bool, typer.Option(True, "--terms/--no-terms", help="Also list the words and phrases that set the unhappy band's comments apart from the happy band's.")),
    ("fmt", Format, format_option()),
    ("output", Optional[str], typer.Option(None, "--output", "-o", help="Also write an Excel workbook: Themes, Distinctive terms, Uncategorised sample.")),
    "config", "where", "since", "until", "date_column", "dayfirst", "confidence", "min_n", "encoding", "sheet", "include_incomplete", "strict",
    ("csv_raw", bool, CSV_RAW), "quiet", "verbose",
], COMMENTS_EXAMPLES)
def comments_command(**kw) -> None:
    """What the comments are about: themes from your dictionary (shares, detractors vs promoters, score and impact) and distinctive words."""
    from .comment_analysis import analyse_comments
    from .render.comments_view import write

    terminal = Terminal.current(quiet=kw["quiet"])
    with _errors_to_exit_codes(terminal, kw["verbose"]):
        options = Options(**_given(kw, ["period", *READING]), by=list(kw["by"] or []))
        run = analyse_comments(kw["inputs"], _config(kw["config"]), options, themes=kw["themes"], text=kw["text"], metric=kw["metric"], terms=kw["terms"], notify=terminal.say)
        for warning in run.warnings:
            terminal.warn(warning)
        if kw["output"]:
            from .render.comments_workbook import write as write_workbook

            terminal.say(f"wrote {write_workbook(run, kw['output'])}")
        write_data(terminal, lambda: write(run, kw["fmt"], terminal, kw["csv_raw"]))


VOLUME_EXAMPLES = """
**Examples**

* `cxscore volume sample_data/tickets_zendesk.csv` — tickets created, solved and open at each week's end (Zendesk's columns are found)

* `cxscore volume tickets.csv --created "Created time" --solved "Resolved time" --status Status --period month`

* `cxscore volume tickets.csv --by Group --since 2025-04-01 -f csv > volume.csv`

* `cxscore volume tickets.csv --by Group -o volume.xlsx` — also a workbook: the sheet Volume with a chart

* `cxscore volume tickets.csv --fail-over open=200 --fail-on-significant-rise` — for cron: exit 3 when the backlog is over 200 or arrivals rose beyond chance

Exit codes: 0 success · 2 usage or input error (and --strict: tickets left out, a guessed day/month order) · 3 an alert (--fail-over, --fail-on-significant-rise) · 1 internal error.
"""


class VolumePeriod(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"


@command("volume", [
    "inputs",
    ("created", Optional[str], typer.Option(None, "--created", help="Column with each ticket's created time (default: Created at, Created time, …).")),
    ("solved", Optional[str], typer.Option(None, "--solved", help="Column with its solved time; blank or 1900-01-01 = not solved (default: Solved at, Resolved time, …).")),
    ("status", Optional[str], typer.Option(None, "--status", help="Status column: Solved/Closed/Resolved without a solved time, or open with one, are counted apart (default: Status, if there is one).")),
    ("period", Optional[VolumePeriod], typer.Option(None, "--period", "-p", help="Count per day, ISO week, month, quarter or year (default: the config's period, else week).")),
    "by",
    ("fmt", Format, format_option()),
    "where",
    ("since", Optional[str], typer.Option(None, "--since", help="Periods from this date (earlier tickets still open then make the opening backlog).", rich_help_panel="Filters")),
    ("until", Optional[str], typer.Option(None, "--until", help="Periods up to this date (a date includes the whole day).", rich_help_panel="Filters")),
    "dayfirst", "confidence", "encoding", "sheet",
    ("strict", bool, typer.Option(False, "--strict", help="Fail (exit 2) when a ticket is left out of a count or the day/month order is a guess.", rich_help_panel="Input")),
    ("fail_over", Optional[list[str]], typer.Option(None, "--fail-over", help="open=N or created=N: exit 3 when the latest period's open at end (or created) is over N (repeatable).", rich_help_panel="Alerts")),
    ("fail_on_significant_rise", bool, typer.Option(False, "--fail-on-significant-rise", help="Exit 3 when the latest tested period's created rose significantly (overall or a segment).", rich_help_panel="Alerts")),
    ("output", Optional[str], typer.Option(None, "--output", "-o", help="Also write an Excel workbook with the sheet Volume (table and chart).")),
    "config",
    ("csv_raw", bool, CSV_RAW), "quiet", "verbose",
], VOLUME_EXAMPLES)
def volume_command(**kw) -> None:
    """Count tickets created and solved per period, and open at each period's end, with the change against the previous period."""
    from .render.volume import write
    from .volume import volume

    terminal = Terminal.current(quiet=kw["quiet"])
    with _errors_to_exit_codes(terminal, kw["verbose"]):
        options = Options(**_given(kw, ["by", "period", *READING]))
        bar = terminal.progress()
        try:
            run = volume(kw["inputs"], _config(kw["config"]), options, created=kw["created"], solved=kw["solved"], status=kw["status"], fail_over=kw["fail_over"] or [],
                         fail_on_significant_rise=kw["fail_on_significant_rise"], notify=terminal.say, progress=bar)
        finally:
            if bar:
                bar.close()
        for warning in run.warnings:
            terminal.warn(warning)
        if kw["output"]:
            from .render.volume_sheet import write as write_workbook

            terminal.say(f"wrote {write_workbook(run, kw['output'])}")
        write_data(terminal, lambda: write(run, kw["fmt"], terminal, kw["csv_raw"]))
        _alerts_exit(run, terminal)


#: The command line's flag for each run parameter a library error names (errors.param): the library
#: says ``since/until: …``, the command line ``--since/--until: …``.
FLAGS = {
    "by": "--by", "period": "--period", "date_column": "--date-column", "dayfirst": "--dayfirst", "dayfirst=False": "--monthfirst",
    "since": "--since", "until": "--until", "where": "--where", "weight": "--weight", "dedupe": "--dedupe",
    "include_incomplete": "--include-incomplete", "metrics": "--metric", "comments": "--comments", "encoding": "--encoding",
    "strict": "--strict", "fail_under": "--fail-under", "confidence": "--confidence", "sheet": "--sheet", "benchmark": "--benchmark",
    "margin": "--margin", "detect": "--detect", "assurance": "--assurance", "promoters": "--promoters", "detractors": "--detractors",
    "scale": "--scale", "mean": "--mean", "sd": "--sd", "outcome": "--outcome", "drivers": "--driver", "config": "--config", "text": "--text", "themes": "--themes", "terms": "--no-terms",
    "created": "--created", "solved": "--solved", "status": "--status", "fail_over": "--fail-over", "dialect": "--dialect", "tallies": "--tallies",
    "nps_interval": "--nps-interval", "nps_test": "--nps-test", "sort": "--sort", "top": "--top", "bottom": "--bottom", "warn_segments": "--warn-segments",
    "min_n": "--min-n", "baseline": "--baseline", "trend": "--trend",
}


class _errors_to_exit_codes:
    """Expected errors → one line and their exit code; anything else → exit 1 (traceback with --verbose)."""

    def __init__(self, terminal: Terminal, verbose: bool):
        self.terminal, self.verbose = terminal, verbose

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> Literal[False]:
        if exc is None or isinstance(exc, (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt)):
            return False
        if isinstance(exc, BrokenPipeError):  # stderr's reader has gone (`2>&1 | head`): no one is left to tell
            _silence(sys.stdout)
            _silence(sys.stderr)
            raise typer.Exit(int(ExitCode.OK))
        if isinstance(exc, CxError):
            self.terminal.error(exc.worded(FLAGS))
            raise typer.Exit(int(exc.exit_code))
        if self.verbose:
            self.terminal.err().print("".join(traceback.format_exception(kind, exc, tb)), markup=False, highlight=False)
        self.terminal.error(f"internal error: {type(exc).__name__}: {exc} (rerun with --verbose for a traceback, and please report it)")
        raise typer.Exit(int(ExitCode.INTERNAL))


def write_data(terminal: Terminal, write: Callable[[], object]) -> None:
    """Run ``write`` (a renderer writing to stdout) and flush it, so that a failure surfaces here.

    A reader that has gone (`cxscore … | head`) is not an error: the rest of the output is dropped
    and the run goes on to its exit code (3 for a missed target still holds). A stdout that cannot
    take the data (`> /dev/full`), or whose encoding cannot hold its text (`PYTHONIOENCODING=cp1252`
    and a Chinese segment), is an output error: one line, exit 2.
    """
    if terminal.stdout_closed:
        terminal.warn("standard output is closed, so the output is written nowhere; redirect it to a file instead of closing it")
        return
    try:
        write()
        terminal.stdout.flush()
    except BrokenPipeError:
        _silence(terminal.stdout)
    except OSError as exc:
        _silence(terminal.stdout)
        raise CxError(f"cannot write to standard output: {exc.strerror or exc}", "check the free space where the output goes, or redirect it elsewhere") from None
    except UnicodeEncodeError as exc:  # PYTHONIOENCODING=cp1252, a Windows console, LANG=C on an old Python
        _silence(terminal.stdout)
        raise CxError(
            f"standard output's text encoding ({getattr(terminal.stdout, 'encoding', None) or exc.encoding}) cannot hold"
            f" {exc.object[exc.start:exc.end][:12]!r} in the output, which stops part-way",
            "set PYTHONIOENCODING=utf-8 (or PYTHONUTF8=1) so that cxscore writes UTF-8",
        ) from None


def _silence(stream) -> None:
    """Point a standard stream at /dev/null so that later writes and the final flush do not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file descriptor (e.g. under a test runner)
        pass


def _reserve_standard_fds() -> None:
    """Put /dev/null on standard descriptors that were closed at start (`<&-`, `>&-`), so that no file
    cxscore opens later lands on 0, 1 or 2 and receives its output. Python has already set the
    matching ``sys.stdin``/``sys.stdout``/``sys.stderr`` to ``None``; commands check those."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def main() -> None:
    """Console-script entry point. It ends the process: in-process callers use ``app`` or :func:`cxscore.score`."""
    _reserve_standard_fds()
    help_survives_closed_pipes(sys.argv[1:])
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())
    try:
        app()
        code: str | int | None = 0  # SystemExit's code may be any of these
    except SystemExit as exc:
        code = exc.code
    except BrokenPipeError:  # help or usage text to a reader that has gone
        _silence(sys.stdout)
        code = 0
    except OSError as exc:  # outside a command only help, usage and --version write: `--help > /dev/full`
        _silence(sys.stdout)
        if sys.stderr is not None:
            print(f"error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
        code = int(ExitCode.INPUT)
    _exit(code)


def _exit(code) -> None:
    """Flush and leave without the interpreter's teardown, which spends ~0.1 s freeing what a large
    run built. Nothing is lost: outputs are written and closed, worker pools joined, by now."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        if sys.stderr is not None:
            print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # the reader has gone: there is no one to tell
            pass
        except OSError as exc:  # e.g. `--help > /dev/full`: the output did not arrive
            if stream is sys.stdout and code == 0 and sys.stderr is not None:
                print(f"error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
                code = int(ExitCode.INPUT)
        except ValueError:  # closed
            pass
    os._exit(code)


class _NoPandas:
    """pyarrow imports pandas, when it is installed, on its first array (~0.4 s); the CLI never needs it."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"{name} is not used by the cxscore command line", name=name)
        return None
