"""Words around the tables: each breakdown's caption names only its own metric's interval method, and a
table's title line ends at its text (no padding to the table's width in pipes and cron mail)."""
from __future__ import annotations

import pytest

from conftest import ROOT, SAMPLE, invoke
from test_helpdesk_layouts import GENESYS

CALLS = ROOT / "sample_data" / "calls.csv"
ENV = {"COLUMNS": "80", "NO_COLOR": "1"}


def _captions(markdown: str) -> dict[str, str]:
    """Each breakdown table's Markdown caption by the first word of its title (its metric)."""
    lines = markdown.splitlines()
    titles = [i for i, line in enumerate(lines) if line.startswith("**") and " by " in line]
    return {lines[i].strip("*").split()[0]: next(line for line in lines[i + 1 :] if line.startswith("_")) for i in titles}


def test_a_breakdown_caption_names_the_interval_method_of_its_own_metric_only():
    # It listed every kind's method under every table: "95% intervals: NPS adjusted-wald, % Wilson, means adjusted t."
    result = invoke(["score", str(SAMPLE), "--by", "channel", "-q", "-f", "markdown"], env=ENV)
    assert result.exit_code == 0, result.stderr
    captions = _captions(result.stdout)
    assert "95% intervals: NPS adjusted-wald." in captions["nps"] and "Wilson" not in captions["nps"]
    assert "95% intervals: % Wilson." in captions["csat"] and "NPS" not in captions["csat"]
    assert "95% intervals: means adjusted t." in captions["ces"] and "Wilson" not in captions["ces"]
    wald = invoke(["score", str(SAMPLE), "-m", "nps", "--by", "channel", "--nps-interval", "wald", "-q"], env=ENV)
    assert "95% intervals: NPS wald." in " ".join(wald.stdout.split()), wald.stdout  # the table's caption wraps


def test_a_rate_s_caption_names_wilson_and_a_duration_s_names_only_medians():
    result = invoke(["score", str(CALLS), "--period", "month", "-q", "-f", "markdown"], env=ENV)
    assert result.exit_code == 0, result.stderr
    captions = _captions(result.stdout)
    for rate in ("service_level", "abandoned"):
        assert "95% intervals: % Wilson." in captions[rate] and "Durations:" not in captions[rate] and "NPS" not in captions[rate]
    for duration in ("speed_of_answer", "aht"):
        assert "Durations: medians" in captions[duration] and "intervals:" not in captions[duration]


@pytest.mark.parametrize("args", [["--by", "channel", "--period", "month"], ["-m", "nps"]])
def test_a_table_s_title_line_ends_at_its_text(args, monkeypatch):
    # Rich padded each title to the table's width: "cxscore · 3,000 rows · …csv" and 27 spaces.
    monkeypatch.chdir(SAMPLE.parent)  # a short name in the title: CI's checkout path would wrap it
    result = invoke(["score", SAMPLE.name, *args, "-q"], env=ENV)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    titles = [line for i, line in enumerate(lines[:-1]) if lines[i + 1].startswith("┏")]
    assert titles and titles[0].startswith("cxscore · 3,000 rows")
    assert all(title == title.rstrip() for title in titles), [title for title in titles if title != title.rstrip()]


def test_a_caption_that_fits_its_table_ends_at_its_text(tmp_path):
    # "dim rows: n < 30, too few answers to judge." under a duration's table was padded with 8 spaces.
    path = tmp_path / "export.csv"
    path.write_text(GENESYS, encoding="utf-8")
    result = invoke(["score", str(path), "--by", "queueName", "-q"], env={**ENV, "COLUMNS": "160"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "dim rows: n < 30, too few answers to judge." in lines
    assert all(line == line.rstrip() for line in lines), [line for line in lines if line != line.rstrip()]
