"""Power you can see: minimum detectable differences, and plan solving for the reported interval."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats as sp

from cxscore import stats
from cxscore.planning import sample_size
from conftest import SAMPLE, invoke


def nps_half(n: int, promoters: float, detractors: float) -> float:
    return 50 * (lambda ci: ci.high - ci.low)(stats.nps_interval(promoters, 1 - promoters - detractors, detractors, n, 0.95))


def test_plan_solves_for_the_adjusted_wald_interval_it_reports():
    # Main planned 73 answers (Wald, no pseudo-counts); at 73 the reported interval is ±7.4.
    n = sample_size("nps", 5, promoters=0.98, detractors=0.01)["n"]
    assert n == 123
    assert nps_half(n, 0.98, 0.01) <= 5 < nps_half(n - 1, 0.98, 0.01)
    assert nps_half(73, 0.98, 0.01) > 5


@pytest.mark.parametrize("margin, shares", [(5, (0.5, 0.5)), (10, (0.5, 0.2)), (3, (0.7, 0.1))])
def test_plan_nps_is_the_smallest_n_whose_interval_reaches_the_margin(margin, shares):
    n = sample_size("nps", margin, promoters=None if shares == (0.5, 0.5) else shares[0], detractors=None if shares == (0.5, 0.5) else shares[1])["n"]
    assert nps_half(n, *shares) <= margin < nps_half(n - 1, *shares)


def test_plan_percentages_use_wilson_and_means_use_t():
    n = sample_size("csat", 3, expected=80)["n"]
    half = lambda k: 50 * (lambda ci: ci.high - ci.low)(stats.wilson_interval(0.8, k, 0.95))  # noqa: E731
    assert half(n) <= 3 < half(n - 1)
    n = sample_size("ces", 0.25, sd=1.4)["n"]
    t_half = lambda k: sp.t.ppf(0.975, k - 1) * 1.4 / math.sqrt(k)  # noqa: E731
    assert t_half(n) <= 0.25 < t_half(n - 1)


def test_assurance_reaches_the_margin_with_that_probability():
    # Seeded: 2,000 samples of the planned size, each with its own adjusted-Wald interval.
    rng = np.random.default_rng(3)
    shares = [0.2, 0.3, 0.5]  # detractors, passives, promoters

    def reached(n: int) -> float:
        counts = rng.multinomial(n, shares, size=2000) / n
        return float(np.mean([nps_half(n, p, d) <= 10 for d, _, p in counts]))

    expected_n = sample_size("nps", 10, promoters=0.5, detractors=0.2)["n"]
    sure_n = sample_size("nps", 10, promoters=0.5, detractors=0.2, assurance=0.8)["n"]
    assert sure_n > expected_n
    assert 0.3 < reached(expected_n) < 0.75  # the expected margin: about half the time
    assert reached(sure_n) >= 0.75


def test_plan_detect_gives_n_per_group():
    # 2·(1.959964 + 0.841621)²·Var/Δ²: worst case Var = 1, Δ = 0.05 → 6,279.1 → 6,280 per group.
    result = invoke(["plan", "--metric", "nps", "--detect", "5", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["n"], doc["per_group"], doc["detect"]) == (6280, True, 5)
    assert "per group to detect a change of 5 points" in invoke(["plan", "--metric", "nps", "--detect", "5"]).stdout
    # CSAT around 80%: Var = 0.16, Δ = 0.05 → 1,004.7 → 1,005.
    assert sample_size("csat", detect=5, expected=80)["n"] == math.ceil(2 * (1.959964 + 0.841621) ** 2 * 0.16 / 0.05**2 - 1e-6)


@pytest.mark.parametrize("args", [["--margin", "5", "--detect", "5"], [], ["--detect", "5", "--assurance", "0.8"]])
def test_plan_needs_one_goal(args):
    result = invoke(["plan", "--metric", "nps", *args])
    assert result.exit_code == 2 and "--" in result.stderr and not result.stdout


def test_breakdown_tables_show_the_detectable_difference():
    out = invoke(["score", str(SAMPLE), "-m", "nps", "--by", "channel", "-f", "markdown"]).stdout
    doc = json.loads(invoke(["score", str(SAMPLE), "-m", "nps", "--by", "channel", "-f", "json"]).stdout)
    chat = next(r for r in doc["results"] if r["segment"] == {"channel": "Chat"})
    assert "| Detectable |" in out
    assert f"| {chat['significance']['mdd']:.1f} |" in next(line for line in out.splitlines() if line.startswith("| Chat"))
    assert doc["results"][0]["deff"] == 1.0


@pytest.mark.parametrize("args", [["--metric", "nps", "--margin", "0.001"], ["--metric", "ces", "--margin", "0.001", "--sd", "100"], ["--metric", "csat", "--margin", "0.0001"]])
def test_a_margin_no_sample_reaches_is_a_usage_error_not_an_internal_one(args):
    # It was 'internal error: ValueError: no sample size reaches that margin', exit 1.
    result = invoke(["plan", *args])
    assert result.exit_code == 2 and not result.stdout
    assert "no sample of up to 1,000,000,000 answers gets" in result.stderr and "wider --margin" in result.stderr


def test_plan_states_levels_as_given():
    # 0.999 was shown as "100%": a probability or confidence no sample reaches.
    summary = sample_size("csat", 5, 0.999, assurance=0.995)["summary"]
    assert "at 99.9% confidence (with 99.5% probability)" in summary


def test_tables_state_the_confidence_level_as_given():
    # --confidence 0.999 headed the interval column "100% CI".
    out = invoke(["score", str(SAMPLE), "--by", "channel", "--confidence", "0.999", "-f", "markdown"]).stdout
    assert "99.9% CI" in out and "100% CI" not in out


def _adjusted_t_half(n: int, mean: float, sd: float, lo: int, hi: int) -> float:
    """The adjusted t interval's half-width, from its definition (README): one pseudo-answer spread
    evenly over the scale points, t with n − 1 df around the adjusted mean, clipped to the scale."""
    points = np.arange(lo, hi + 1)
    total = n + 1
    adjusted = (n * mean + points.mean()) / total
    # sum of squares about the adjusted mean: the n answers (sample SD sd) and 1/K of a pseudo-answer at each point
    squares = (n - 1) * sd**2 + n * (mean - adjusted) ** 2 + ((points - adjusted) ** 2).mean()
    half = sp.t.ppf(0.975, n - 1) * math.sqrt(squares / total / (total - 1))
    return (min(hi, adjusted + half) - max(lo, adjusted - half)) / 2


@pytest.mark.parametrize("mean, sd, margin", [(6.2, 1.4, 0.1), (4.0, 1.0, 0.2), (6.8, 0.6, 0.25)])
def test_plan_for_a_mean_on_a_scale_solves_for_the_adjusted_t_interval(mean, sd, margin):
    n = sample_size("ces", margin, sd=sd, scale=(1, 7), mean=mean)["n"]
    assert _adjusted_t_half(n, mean, sd, 1, 7) <= margin < _adjusted_t_half(n - 1, mean, sd, 1, 7)
    result = invoke(["plan", "-m", "ces", "--margin", str(margin), "--sd", str(sd), "--scale", "1", "7", "--mean", str(mean), "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["n"] == n and "(adjusted t)" in json.loads(result.stdout)["assumption"]


@pytest.mark.parametrize("args, message", [
    (["--scale", "1", "7"], "give both --scale and --mean"),
    (["--scale", "7", "1", "--mean", "4"], "the bottom must be below the top"),
    (["--scale", "1", "7", "--mean", "9"], "--mean 9 lies outside the scale 1–7"),
])
def test_plan_scale_and_mean_are_checked(args, message):
    result = invoke(["plan", "-m", "ces", "--margin", "0.1", "--sd", "1.4", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_plan_without_a_metric_says_so_in_one_line():
    # Typer's box listed all ten metric types one per line (seven of which plan cannot plan) and no example.
    result = invoke(["plan", "--margin", "5"])
    assert result.exit_code == 2 and not result.stdout
    assert result.stderr.splitlines() == ["error: cxscore plan needs --metric (-m): nps, csat or ces — e.g. cxscore plan -m nps --margin 5"]


@pytest.mark.parametrize(("metric", "said", "instead"), [
    ("duration", "no sample-size formula for a duration: its interval is a median's, whose width depends on how spread out the times are",
     "score an export you have: each row's ± and Detectable say what its n gives; a share within a target is a percentage: cxscore plan -m csat --expected PCT"),
    ("rate", "no sample-size formula of its own for a rate: it is a percentage, with the Wilson interval a CSAT has", "plan it as one: cxscore plan -m csat --expected PCT --margin POINTS"),
    ("service_level", "for a service level: it is a percentage", "cxscore plan -m csat --expected PCT"),
    ("weighted_average", "for a weighted average of summary rows: the rows hold no single call's time, so it has no interval", "from an export you have"),
    ("ratio", "for a ratio of sums over summary rows", "cxscore plan -m csat --expected PCT"),
])
def test_plan_of_a_kind_without_a_formula_says_what_it_can_do_in_words(metric, said, instead):
    """'cxscore plan -m duration' said 'no sample-size formula for DURATION — plan an nps, csat or ces':
    the type's name in capitals, and no word on what plan can do for such a metric."""
    result = invoke(["plan", "-m", metric, "--margin", "5"])
    assert result.exit_code == 2 and not result.stdout and len(result.stderr.splitlines()) == 1
    assert said in result.stderr and instead in result.stderr and metric.upper() not in result.stderr
