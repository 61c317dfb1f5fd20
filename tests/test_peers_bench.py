"""bench/peers.py times DuckDB and Polars on "the same job" as cxscore: this checks that it is the same
job — their NPS, CSAT and CES overall, by channel, by month and by channel × month equal cxscore's."""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT
from cxscore.pipeline import Options, score

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402
from peers import _sql, polars_frames  # noqa: E402


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """generate.py's export (2,000 rows) and cxscore's values for it: (metric, channel, month) → value."""
    path = generate(2000, tmp_path_factory.mktemp("peers") / "export.csv")
    report = score([str(path)], options=Options(by=["channel"], period="month"))
    values = {(r.metric, r.segment.get("channel"), r.period): r.value for r in report.results}
    assert len(values) == 3 * (1 + 4) * (1 + 36)
    return path, values


def peer_values(rows: list[dict]) -> dict:
    return {(metric, row.get("channel"), f"{row['period']:%Y-%m}" if row.get("period") else None): row[metric] for row in rows for metric in ("nps", "csat", "ces")}


def test_the_duckdb_query_scores_as_cxscore(export):
    duckdb = pytest.importorskip("duckdb")
    path, values = export
    result = duckdb.sql(_sql(str(path), ["channel"], "month"))
    rows = [dict(zip(result.columns, row)) for row in result.fetchall()]
    assert peer_values(rows) == pytest.approx(values, rel=1e-12)


def test_the_polars_query_scores_as_cxscore(export):
    pytest.importorskip("polars")
    path, values = export
    rows = [row for frame in polars_frames(str(path), ["channel"], "month") for row in frame.to_dicts()]
    assert peer_values(rows) == pytest.approx(values, rel=1e-12)
