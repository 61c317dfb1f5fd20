"""Kinds that read several columns (the encoding step is the kind's), and the rate kind (issue 15)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxscore import kinds
from cxscore.config import validate_config
from cxscore.encoders import AnswerEncoder
from cxscore.errors import ColumnError
from cxscore.kinds.csat import Csat
from cxscore.normalize import BLANK, EncodedColumn
from cxscore.pipeline import score
from cxscore.settings import Options


class Gated(Csat):
    """A throwaway two-column kind: a CSAT whose answer counts only where the column ``Gate`` is not blank."""

    name = "gated"

    def columns(self, spec):
        return {"column": spec.column, "gate": "gate"}  # found ignoring case, as every configured column

    def encoder(self, spec, columns, blank_values):
        return GateEncoder(AnswerEncoder(spec, columns["column"], blank_values), columns["gate"])


class GateEncoder:
    def __init__(self, answers: AnswerEncoder, gate: str):
        self.answers, self.gate = answers, gate
        self.columns = (*answers.columns, gate)

    def encode(self, batch):
        encoded = self.answers.encode(batch)
        gate = pc.utf8_trim_whitespace(batch.column(self.gate).cast(pa.string()))
        shut = pc.fill_null(pc.equal(gate, ""), True).to_numpy(zero_copy_only=False)
        return EncodedColumn(np.where(shut, BLANK + 2, encoded.slots), encoded.invalid_texts)

    def typed(self):
        return [*self.answers.typed(), (self.gate, None)]


@pytest.fixture
def gated(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "gated", Gated())
    return validate_config({"metrics": [{"name": "g", "type": "gated", "column": "Score"}]})


def _counts(report, metric: str = "g") -> dict:
    return {tuple(r.segment.values()) + ((r.period,) if r.period else ()): (r.n, r.blank, r.invalid, r.value) for r in report.results if r.metric == metric}


def test_a_kind_reads_every_column_it_names(write_csv, gated):
    path = write_csv([["Score", "Gate", "Channel"], [5, "y", "Chat"], [1, "", "Chat"], [4, "y", "Chat"], [2, "y", "Mail"], [5, "", "Mail"], ["x", "y", "Mail"]])
    report = score([str(path)], gated, Options(by=["Channel"]))
    # Chat: 5 and 4 counted (both satisfied), 1 gated; Mail: 2 counted, 5 gated, 'x' invalid.
    assert _counts(report) == {(): (3, 2, 1, pytest.approx(200 / 3)), ("Chat",): (2, 1, 0, 100.0), ("Mail",): (1, 1, 1, 0.0)}
    assert report.metrics[0].column == "Score, Gate"  # the columns read, in the kind's order
    assert report.quality[0].column == "Score, Gate"
    assert report.quality[0].invalid_examples == {"x": 1}


def test_a_missing_second_column_is_the_usual_column_error(write_csv, gated):
    path = write_csv([["Score", "Channel"], [5, "Chat"]])
    with pytest.raises(ColumnError) as caught:
        score([str(path)], gated)
    assert caught.value.message.startswith("g: column 'gate' is not in ")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "4", "5", "", "x"]), st.sampled_from(["y", ""]), st.sampled_from(["A", "B", "C"])), min_size=1, max_size=400))
def test_several_columns_chunked_whole_parallel(tmp_path, gated, rows):
    rows = [("5", "y", "A"), *rows]  # one answer at least: a run that scores nothing is an error
    path = tmp_path / "gated.csv"
    path.write_text("Score,Gate,Channel\n" + "".join(f"{s},{g},{c}\n" for s, g, c in rows))
    options = Options(by=["Channel"])
    whole = _counts(score([str(path)], gated, options, processes=1))
    chunked = _counts(score([str(path)], gated, options, processes=1, block_bytes=64))
    parallel = _counts(score([str(path)], gated, options, processes=3, part_bytes=128))
    assert whole == chunked == parallel
    counted = [s for s, g, _ in rows if g and s]
    assert whole[()][:3] == (sum(s.isdigit() for s in counted), len(rows) - len(counted), counted.count("x"))
