"""pyarrow.compute is loaded when first used (cxscore.lazy_import): importing it costs ≈ 45 ms of CPU,
which a run reading only typed columns never needs; a run that needs it loads it before forking its
workers, which inherit it (otherwise each process would load it again)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from cxscore.normalize import integers
from conftest import SAMPLE

DRIVERS = Path(__file__).resolve().parents[1] / "sample_data" / "drivers_export.csv"

#: Says in which process pyarrow.compute was loaded, and whether before or after the first fork:
#: pyarrow.vendored.docscrape is imported by pyarrow.compute alone.
PROBE = """
import os, sys
MAIN, FORKED = os.getpid(), []
os.register_at_fork(before=lambda: FORKED.append(1))
def hook(event, args):
    if event == "import" and args[0] == "pyarrow.vendored.docscrape":
        print("loaded", "main" if os.getpid() == MAIN else "worker", "after" if FORKED else "before", flush=True)
sys.addaudithook(hook)
"""


def probe(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE + textwrap.dedent(code) + "\nprint('forked' if FORKED else 'one process')"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_command_line_starts_without_loading_pyarrow_compute():
    assert probe("import cxscore.cli, cxscore.keydrivers, cxscore.render.drivers") == ["one process"]


def test_a_run_of_integer_answers_in_workers_never_loads_it():
    lines = probe(f"""
        from cxscore import key_drivers
        run = key_drivers({str(DRIVERS)!r}, processes=2, part_bytes=8_000)
        assert run.analysis.n > 1000
    """)
    assert lines == ["forked"]


def test_a_run_that_needs_it_loads_it_once_before_its_workers_start():
    # text answers ("Satisfied") are dictionary-encoded: loaded in this process, inherited by the worker
    lines = probe(f"""
        from cxscore import score
        report = score([{str(SAMPLE)!r}], processes=2, part_bytes=50_000)
        assert report.inputs[0].rows == 3000
    """)
    assert lines == ["loaded main before", "forked"]


def test_a_filtered_drivers_run_loads_it_before_its_workers_start():
    lines = probe(f"""
        from cxscore import key_drivers
        from cxscore.pipeline import Options
        key_drivers({str(DRIVERS)!r}, options=Options(where=["Channel=App"]), processes=2, part_bytes=8_000)
    """)
    assert lines == ["loaded main before", "forked"]


@pytest.mark.parametrize("kind", [pa.int8(), pa.int16(), pa.int64(), pa.uint8(), pa.uint32()])
@pytest.mark.parametrize("offset", [0, 3, 9])
def test_integers_are_the_columns_values_and_validity(kind, offset):
    rng = np.random.default_rng(offset)
    values = rng.integers(0, 100, 40)
    mask = rng.random(40) < 0.3
    column = pa.array(values, type=kind, mask=mask).slice(offset, 25)
    got, valid = integers(column)
    assert got.dtype == kind.to_pandas_dtype() and len(got) == len(valid) == 25
    assert valid.tolist() == column.is_valid().to_pylist()
    assert [int(v) if ok else None for v, ok in zip(got, valid)] == column.to_pylist()
    whole, none = integers(pa.array(values, type=kind).slice(offset))
    assert none is None and whole.tolist() == values[offset:].tolist()
