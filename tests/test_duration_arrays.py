"""Duration rows from arrays (issue 15 item 9): a roll-up of agent × week cells scored at once from its
histogram (``Duration.table_columns`` / ``test_columns``) gives byte for byte the rows the per-group path
gives — on cells with no duration (only blanks), one, two to five (no interval), all zeros, ties of
whole minutes and long skewed ones, with and without a target, a baseline and a trend."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

import cxscore.results
from cxscore import Options, score
from cxscore.config import validate_config
from cxscore.kinds import KINDS
from cxscore.render import json_doc


def _tickets(seed: int, rows: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    agent = rng.integers(0, 10, rows)
    days = rng.integers(0, 84, rows)
    minutes = np.round(rng.lognormal(3 + 0.15 * agent, 1.1, rows))  # whole minutes: many ties; agents differ by a factor
    minutes[agent == 0] = 0  # an agent whose every first reply took 0 minutes
    minutes[(agent == 1) & (rng.random(rows) < 0.5)] = 7  # half of one agent's on one value
    minutes[(agent == 3) & (rng.random(rows) < 0.45 + days / 400)] = 0  # zeros up to and past the 40th percentile (detectable on the linear scale)
    minutes[(agent == 2) & (days >= 42)] *= 6  # one agent slows down from the seventh week: a significant change
    blank = rng.random(rows) < 0.04
    rare = [0, 7, 7, 7, 14, 14, 14, 14, 14, 28, 28, 35]  # a rare agent's cells of 1, 3, 5, 2 and 1 tickets (no interval below 6)
    eleven = [0, 0, 7]  # an agent with no duration at all: n = 0 in every week
    start = datetime(2025, 1, 6)
    return pa.table({
        "Created at": pa.array([start + timedelta(days=int(d)) for d in [*days, *rare, *eleven]]),
        "Assignee": pa.array([f"agent {a:02d}" for a in agent] + ["agent 10"] * len(rare) + ["agent 11"] * len(eleven)),
        "First reply time in minutes": pa.array(np.concatenate([minutes, rng.integers(1, 4, len(rare)) * 10.0, np.zeros(len(eleven))]),
                                                mask=np.concatenate([blank, np.zeros(len(rare), bool), np.ones(len(eleven), bool)])),
    })


@pytest.mark.parametrize(("seed", "within", "extra"), [
    (1, None, {}),
    (2, "20m", {"baseline": 3, "trend": 4}),
    (3, None, {"min_n": 1, "confidence": 0.9, "trend": 3}),
    (4, "1h", {"fail_on_significant_drop": True, "baseline": 2, "min_n": 5}),
])
def test_duration_rows_from_arrays_equal_the_rows_built_one_group_at_a_time(monkeypatch, seed, within, extra):
    kind = type(KINDS["duration"])
    scored = []
    table_columns = kind.table_columns
    monkeypatch.setattr(kind, "table_columns", lambda self, *a: scored.append(1) or table_columns(self, *a))
    metric = {"name": "frt", "type": "duration", "column": "First reply time in minutes", **({"within": within} if within else {})}
    config = validate_config({"metrics": [metric]})
    options = Options(by=["Assignee"], period="week", date_column="Created at", **extra)
    data = _tickets(seed, 3_000)
    from_arrays = score(data, config, options=options)
    rows = list(from_arrays.results)
    assert scored and len(rows) > 120
    assert any(r.significance and r.significance["p_value"] < 0.001 for r in rows if r.period and r.segment)
    assert any(r.period and r.n == 1 for r in rows) and any(r.period and 2 <= r.n <= 5 and r.ci_low is None for r in rows)
    assert any(r.period and r.n and r.value == 0 for r in rows) and any(r.period and r.n == 0 for r in rows)
    monkeypatch.setattr(cxscore.results, "_by_arrays", lambda spec, parts: False)
    one_at_a_time = score(data, config, options=options)
    assert json_doc.dumps(from_arrays.to_dict(), pretty=False) == json_doc.dumps(one_at_a_time.to_dict(), pretty=False)  # bytes, warnings and notes too
