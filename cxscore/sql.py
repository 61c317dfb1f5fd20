"""The scan where the data is: the ``GROUP BY`` query whose result ``cxscore score --tallies`` scores.

Every survey score and rate is a function of counts per (segment, period, answer), and counts add
(DESIGN.md). So a SQL engine can do the scan: the query counts each metric's answers *as written*
(the raw text of the columns its kind reads) per segment and period, and cxscore parses each
distinct answer with its own parser when it reads the counts back (:mod:`cxscore.counts`). Labels,
offsets, the config's blank values and a rate's condition are therefore never translated into SQL,
where they could drift from what cxscore does; the query only groups and counts, and the data never
enters it (identifiers are quoted, the only literals are the config's metric names and an export
layout's own blank values, escaped per dialect). Those blank values (ServiceNow's ``?``) are the one
thing the query reads itself: a counts table does not know the layout, so the query makes such a
cell NULL (blank) in every column it reads, as a scan of the rows reads it.

The counts table (one row per segment × period × metric × distinct answer): the ``--by`` columns as
text, ``cx_period`` (the period's first day, a DATE), ``cx_metric``, ``cx_answer`` (and
``cx_answer_2`` … for a kind that reads several columns), ``cx_n``, and with ``--weight``
``cx_weight`` (Σw) and ``cx_weight_sq`` (Σw²) plus one row with ``cx_metric`` NULL counting the rows
left out for a blank, non-numeric or non-positive weight.
"""
from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .answer_text import canonical
from .config import Config, MetricSpec
from .errors import CxError, param
from .grouping import FILE, Grouping, choose_date_column
from .tally import TallyTable

#: Column names of the counts table besides the segments.
PERIOD, METRIC, ANSWER, N, WEIGHT, WEIGHT_SQ = "cx_period", "cx_metric", "cx_answer", "cx_n", "cx_weight", "cx_weight_sq"
DIALECTS = ("duckdb", "postgres", "bigquery", "snowflake", "spark")


def answer_column(k: int) -> str:
    """The counts column of a metric's k-th column read (0-based): cx_answer, cx_answer_2, …"""
    return ANSWER if k == 0 else f"{ANSWER}_{k + 1}"


@dataclass(frozen=True)
class Dialect:
    """How one SQL engine quotes, casts and truncates dates."""

    name: str

    @property
    def _backticks(self) -> bool:
        return self.name in ("bigquery", "spark")

    def ident(self, name: str) -> str:
        """A quoted identifier (any text is safe: the quote character is escaped)."""
        if self._backticks:
            escaped = name.replace("\\", "\\\\").replace("`", "\\`") if self.name == "bigquery" else name.replace("`", "``")
            return f"`{escaped}`"
        return '"' + name.replace('"', '""') + '"'

    def table(self, name: str) -> str:
        """A table name, dotted parts quoted one by one (BigQuery: the whole path in one pair of backticks)."""
        if self.name == "bigquery":
            return self.ident(name)
        return ".".join(self.ident(part) for part in name.split("."))

    def literal(self, text: str) -> str:
        """A string literal (the dialects that read backslash escapes get them escaped too)."""
        if self.name in ("bigquery", "spark"):
            return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        if self.name == "snowflake":
            return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
        return "'" + text.replace("'", "''") + "'"

    @property
    def text_type(self) -> str:
        return {"postgres": "text", "bigquery": "STRING", "spark": "STRING"}.get(self.name, "VARCHAR")

    def cell(self, column: str, blank_values: Sequence[str] = ()) -> str:
        """A column as read: NULL where its text, spaces trimmed and lower-cased, is one of an export
        layout's own blank values (canonical), else the column as it is (its own type)."""
        name = self.ident(column)
        if not blank_values:
            return name
        listed = ", ".join(self.literal(value) for value in blank_values)
        return f"CASE WHEN LOWER(TRIM({self.text(name)})) IN ({listed}) THEN NULL ELSE {name} END"

    def text(self, expression: str) -> str:
        return f"CAST({expression} AS {self.text_type})"

    def number(self, expression: str) -> str:
        """A weight as a float; NULL where the engine cannot read it (DuckDB, BigQuery: any text)."""
        if self.name == "duckdb":
            return f"TRY_CAST({expression} AS DOUBLE)"
        if self.name == "bigquery":
            return f"SAFE_CAST({expression} AS FLOAT64)"
        return f"CAST({expression} AS {'double precision' if self.name == 'postgres' else 'DOUBLE'})"

    def valid_weight(self, w: str) -> str:
        """True where cxscore keeps a row's weight: a finite number above 0 (NaN compares above infinity or not at all)."""
        if self.name == "duckdb":
            return f"isfinite({w}) AND {w} > 0"
        infinity = {"postgres": "CAST('Infinity' AS double precision)", "bigquery": "CAST('inf' AS FLOAT64)", "snowflake": "CAST('inf' AS DOUBLE)"}.get(self.name, "CAST('Infinity' AS DOUBLE)")
        return f"{w} > 0 AND {w} < {infinity}"

    def period_start(self, expression: str, period: str) -> str:
        """The first day (a DATE) of the period holding a date or timestamp: ISO weeks start on Monday, as in dates.py."""
        if self.name == "bigquery":
            day = f"DATE(SAFE_CAST({expression} AS DATETIME))"
            return day if period == "day" else f"DATE_TRUNC({day}, {'ISOWEEK' if period == 'week' else period.upper()})"
        moment = {
            "duckdb": f"TRY_CAST({expression} AS TIMESTAMP)",
            "postgres": f"CAST({expression} AS timestamp)",
            "snowflake": f"CAST({expression} AS TIMESTAMP_NTZ)",
            "spark": f"CAST({expression} AS TIMESTAMP)",
        }[self.name]
        return f"CAST(date_trunc('{period}', {moment}) AS DATE)"


@dataclass(frozen=True)
class Counted:
    """One metric as the query counts it: its name and the columns its kind reads, in the encoder's order."""

    name: str
    columns: Sequence[str]


def counts_query(source: str, metrics: Sequence[Counted], dialect: str, by: Sequence[str] = (), period: str | None = None, date_column: str | None = None, weight: str | None = None,
                 blank_values: Sequence[str] = ()) -> str:
    """The query (``source`` is its FROM: a quoted table or a table function) giving the counts table;
    ``blank_values`` (an export layout's own, canonical) are NULL in every column it reads."""
    d = Dialect(dialect)
    width = max(len(m.columns) for m in metrics)
    keys = [(d.text(d.cell(column, blank_values)), d.ident(column)) for column in by]
    if period:
        assert date_column is not None
        keys.append((d.period_start(d.cell(date_column, blank_values), period), PERIOD))
    w = d.number(d.cell(weight, blank_values)) if weight else None
    branches = []
    for metric in metrics:
        answers = [(d.text(d.cell(column, blank_values)), answer_column(k)) for k, column in enumerate(metric.columns)]
        padding = [f"CAST(NULL AS {d.text_type}) AS {answer_column(k)}" for k in range(len(metric.columns), width)]
        select = [f"{expr} AS {name}" for expr, name in keys] + [f"{d.literal(metric.name)} AS {METRIC}"]
        select += [f"{expr} AS {name}" for expr, name in answers] + padding + [f"COUNT(*) AS {N}"]
        if w:
            select += [f"SUM({w}) AS {WEIGHT}", f"SUM({w} * {w}) AS {WEIGHT_SQ}"]
        lines = ["SELECT " + ",\n       ".join(select), f"FROM {source}"]
        if w:
            lines.append(f"WHERE {d.valid_weight(w)}")
        lines.append("GROUP BY " + ", ".join(expr for expr, _ in [*keys, *answers]))
        branches.append("\n".join(lines))
    if w:  # the rows cxscore leaves out for their weight, counted once (not per metric)
        nulls = [f"NULL AS {name}" for _, name in keys] + [f"CAST(NULL AS {d.text_type}) AS {METRIC}"]
        nulls += [f"CAST(NULL AS {d.text_type}) AS {answer_column(k)}" for k in range(width)]
        branches.append("SELECT " + ",\n       ".join([*nulls, f"COUNT(*) AS {N}", f"NULL AS {WEIGHT}", f"NULL AS {WEIGHT_SQ}"]) + f"\nFROM {source}\nWHERE NOT COALESCE({d.valid_weight(w)}, FALSE)")
    return "\nUNION ALL\n".join(branches) + "\n"


def duckdb_reader(path: str) -> str:
    """DuckDB's table function reading a file with every column as text (answers and segments as written)."""
    d = Dialect("duckdb")
    if path.lower().endswith(".parquet"):
        return f"read_parquet({d.literal(path)})"
    return f"read_csv({d.literal(path)}, all_varchar = true)"


def _quiet(_: str) -> None:
    pass


def _not_counts(spec: MetricSpec, accumulators: object, command: str) -> CxError:
    """The refusal of a metric whose accumulator is no count of answers, in its kind's words: a
    duration's histogram, or a summary-row kind's sums (ratio, weighted average)."""
    from .ratio_table import SumsTable

    if isinstance(accumulators, SumsTable):
        sums = " and ".join(repr(column) for column in spec.kind.columns(spec).values())
        return CxError(f"{command}: {spec.name} is {spec.kind.article}: sums of {sums} over summary rows (each an interval's or a period's totals), "
                       "not counts of answers (not supported past one machine yet)",
                       f"leave it out with {param('metrics')} NAME for each other metric, and score it from the rows (a summary report is small: a row per interval or period)")
    return CxError(f"{command}: {spec.name} is {spec.kind.article}, whose histogram is not a count of answers (not supported past one machine yet)",
                   f"leave it out with {param('metrics')} NAME for each other metric, and score it from the rows")


def counted_metrics(config: Config | None, chosen: Sequence[str] | None, blank_values: list[str], command: str, weight: str | None = None,
                    resolve: Callable[[str, str], str] = lambda column, metric: column) -> list[tuple[MetricSpec, dict[str, str], list[str]]]:
    """The config's metrics (``chosen`` only, when given), each with its columns by role and the columns
    its encoder reads, in its order (each name through ``resolve(name, metric)``: an input's header); exit 2 for what counts
    cannot carry: no config, a column named by a pattern or a list, a duration's histogram."""
    if config is None or not config.metrics:
        raise CxError(f"{command} needs the config that names the metrics", f"pass it with {param('config')} (the same config for cxscore sql and cxscore score {param('tallies')})")
    known = [spec.name for spec in config.metrics]
    if chosen and (unknown := [name for name in chosen if name not in known]):
        raise CxError(f"{param('metrics')} {unknown[0]!r} is not one of the metrics: {', '.join(known)}", "use a name from the config")
    out = []
    for spec in config.metrics:
        if chosen and spec.name not in chosen:
            continue
        accumulators = spec.kind.accumulators(spec)
        if not isinstance(accumulators, TallyTable):
            raise _not_counts(spec, accumulators, command)
        if weight and not spec.kind.weighted:
            raise CxError(f"{param('weight')} {weight}: {spec.name} is a call metric, which takes no weights (each value is a call's, not a respondent's)",
                          f"count and score it without {param('weight')} ({param('metrics')} NAME picks metrics)")
        roles = spec.kind.columns(spec)
        if not all(isinstance(column, str) for column in roles.values()):
            raise CxError(f"{command}: {spec.name} names its column by a pattern or a list, which a counts table cannot carry", "write the column's header in the config (cxscore inspect FILE lists them)")
        columns = {role: resolve(str(column), spec.name) for role, column in roles.items()}
        out.append((spec, columns, list(spec.kind.encoder(spec, columns, blank_values).columns)))
    return out


def query_for(source: str, config: Config | None, dialect: str = "duckdb", *, metrics: Sequence[str] | None = None, by: Sequence[str] = (), period: str | None = None,
              date_column: str | None = None, weight: str | None = None, notify: Callable[[str], None] = _quiet) -> str:
    """The counts query for a config and options over ``source``: an export file (its headers are
    looked up, its date column detected; DuckDB reads the file itself) or a table name (the config's
    headers and ``date_column`` are used as written)."""
    from .columns import resolve_column  # the sources' modules are imported only when a file is read
    from .sources import open_source

    if dialect not in DIALECTS:
        raise CxError(f"{param('dialect')} {dialect!r} is not one of {', '.join(DIALECTS)}", "pick one of those")
    if FILE in by:
        raise CxError(f"cxscore sql: {param('by')} file names input files; a query reads one table", "count each file with its own query: the counts files add up")
    blank_values = list(config.blank_values) if config else []
    d = Dialect(dialect)
    layout_blanks: list[str] = []  # an export layout's own blank values, which a counts table cannot carry: NULL in the query
    if Path(source).is_file():
        opened = open_source(source)
        where = opened.info.path

        def header(name: str, label: str) -> str:
            return resolve_column(name, opened.columns, where, label, opened.layout.questions)

        counted = counted_metrics(config, metrics, blank_values, "cxscore sql", weight, header)
        by = [header(name, f"{param('by')} {name}") for name in by]
        weight = header(weight, param("weight")) if weight else None
        if period:
            found = choose_date_column(Grouping(period=period, date_column=date_column), opened.columns, opened.sample, where)
            assert found is not None  # a period needs dates: found, or an error
            date_column = found[0]
            notify(f"dates: column {date_column!r} ({found[1]})")
        if opened.layout.blank_values:
            layout_blanks = list(dict.fromkeys(canonical(value) for value in opened.layout.blank_values))
            notify(f"blank values: {', '.join(repr(value) for value in layout_blanks)} ({opened.layout.name}'s own) are NULL in the query, read as blank as cxscore score reads them")
        if dialect == "duckdb" and Path(source).suffix.lower() in (".csv", ".tsv", ".txt", ".parquet"):
            table = duckdb_reader(source)
        else:
            table = d.table(Path(source).stem)
            notify(f"FROM {table}: load {source} as that table (or edit the FROM lines)")
    else:
        counted = counted_metrics(config, metrics, blank_values, "cxscore sql", weight)
        if period and not date_column:
            raise CxError(f"cxscore sql: {param('period')} on the table {source} needs its date column", f"name it with {param('date_column')} (or give an export file, whose date column is detected)")
        table = d.table(source)
    options = [*(f"--by {shlex.quote(name)}" for name in by), *([f"--period {period}"] if period else []), *([f"--weight {shlex.quote(weight)}"] if weight else [])]
    head = f"-- cxscore counts ({dialect}): save the result and score it with cxscore score --tallies COUNTS -c CONFIG {' '.join(options)}".rstrip() + "\n"
    return head + counts_query(table, [Counted(spec.name, columns) for spec, _, columns in counted], dialect, by, period, date_column, weight, layout_blanks)
