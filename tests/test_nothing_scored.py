"""A run that scores nothing at all exits 2 with the reason (it exited 0 with an empty table, silently under -q)."""
from __future__ import annotations

import pytest

from conftest import invoke, run_process

HEADER = ["id", "date", "channel", "agent", "How likely are you to recommend us?", "Overall how satisfied are you?", "w"]
ROWS = [
    ["1", "2025-01-03", "Chat", "Ann", "9", "5", "abc"],
    ["2", "2025-01-04", "Email", "Bob", "7", "4", "x"],
    ["3", "2025-02-05", "Phone", "Cy", "3", "2", "y"],
    ["4", "2025-02-06", "Web form", "Ann", "10", "5", "z"],
    ["5", "2025-03-07", "Chat", "Bob", "6", "3", "q"],
    ["6", "2025-03-08", "Chat", "Cy", "8", "4", "r"],
]


@pytest.fixture
def export(write_csv):
    return str(write_csv([HEADER, *ROWS]))


def fails_with(args: list[str], message: str, hint: str = "") -> None:
    result = invoke([*args, "-q"])
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    line = result.stderr.strip()
    assert line.startswith(f"error: {message}"), line
    assert hint in line and "\n" not in line


def test_where_with_the_wrong_case_lists_the_values_the_column_holds(export):
    fails_with(["score", export, "--where", "channel=chat"], "no rows where channel = 'chat'; values are Chat, Email, Phone, Web form", "compares values exactly")


def test_where_values_are_listed_closest_first(export):
    fails_with(["score", export, "--where", "channel=web form"], "no rows where channel = 'web form'; values are Web form, Chat, Email, Phone")


def test_where_comparison_stays_exact(export):
    result = invoke(["score", export, "--where", "channel=Chat", "-f", "json", "-q"])
    assert result.exit_code == 0 and '"filtered_out":3' in result.stdout.replace(" ", "")


def test_double_equals_gets_a_hint_about_the_syntax(export):
    fails_with(["score", export, "--where", "channel==Chat"], "no rows where channel = '=Chat'", "--where takes one = : --where channel=Chat")


def test_conditions_that_never_hold_together(export):
    fails_with(["score", export, "--where", "channel=Email", "--where", "agent=Ann"], "nothing to score: no row meets all of --where channel=Email, agent=Ann")


def test_not_equal_that_leaves_nothing(export):
    args = ["score", export, *[a for v in ["Chat", "Email", "Phone", "Web form"] for a in ("--where", f"channel!={v}")]]
    fails_with(args, "nothing to score: every row has channel = ")


def test_since_after_every_date_names_the_range_there_is(export):
    fails_with(["score", export, "--since", "2030-01-01"], "nothing to score: no rows on or after 2030-01-01; ", "'date' runs from 2025-01-03 to 2025-03-08")


def test_a_text_weight_column(export):
    fails_with(["score", export, "--weight", "w"], "nothing to score: --weight w: no row has a positive number there (e.g. 'abc')", "numeric weights")


def test_every_metric_without_a_valid_answer(write_csv, tmp_path):
    path = write_csv([["score"], ["foo"], [""], ["bar"]])
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - {type: nps, column: score}\n")
    fails_with(["score", str(path), "-c", str(config)], "nothing to score: no metric has a valid answer — nps ('score': 1 blank, 2 invalid)")


def test_one_metric_without_answers_is_still_a_warning(write_csv, tmp_path):
    path = write_csv([["n", "c"], *[[str(i % 11), ""] for i in range(40)]])
    config = tmp_path / "c.yaml"
    config.write_text("metrics:\n  - {type: nps, column: n}\n  - {type: csat, column: c}\n")
    result = invoke(["score", str(path), "-c", str(config), "-f", "json"])
    assert result.exit_code == 0
    assert "warning: csat: no valid answers in column 'c'" in result.stderr


def test_cron_gets_exit_2_and_the_reason_under_quiet(export):
    result = run_process(["score", export, "--where", "channel=chat", "-q", "-f", "json"])
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().startswith("error: no rows where channel = 'chat'; values are Chat, Email, Phone, Web form")


def test_report_is_not_written_for_nothing(export, tmp_path):
    out = tmp_path / "r.xlsx"
    result = invoke(["report", export, "-o", str(out), "--where", "channel=chat"])
    assert result.exit_code == 2 and not out.exists()
