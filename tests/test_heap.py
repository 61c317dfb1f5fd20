"""heap.keep_freed_memory: freed blocks stay in the heap, so a run that makes and drops the same
arrays block after block stops faulting their pages in again (system time; README, Speed)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest


def glibc() -> bool:
    try:
        return sys.platform.startswith("linux") and "glibc" in (os.confstr("CS_GNU_LIBC_VERSION") or "")
    except (ValueError, OSError, AttributeError):
        return False

FAULTS = """
import resource, sys
import numpy as np
from cxscore.heap import keep_freed_memory
if sys.argv[1] == "keep":
    assert keep_freed_memory()
def block():  # a block's temporaries: eight arrays of 1 MiB alive at once, then dropped
    arrays = [np.ones(1 << 17) for _ in range(8)]
    del arrays
for _ in range(3):
    block()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    block()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not glibc(), reason="glibc's malloc only")
def test_freed_blocks_are_reused_without_page_faults():
    faults = {how: int(subprocess.run([sys.executable, "-c", FAULTS, how], capture_output=True, text=True, check=True).stdout)
              for how in ("keep", "default")}
    assert faults["default"] > 20 * 256  # freed to the kernel and faulted in again: 8 MiB a block is 2,048 pages of 4 KiB
    assert faults["keep"] < 20 * 16


def test_the_drivers_command_keeps_freed_memory(monkeypatch):
    from typer.testing import CliRunner

    import cxscore.heap
    from cxscore.cli import app

    calls = []
    monkeypatch.setattr(cxscore.heap, "keep_freed_memory", lambda: calls.append(1) or True)
    result = CliRunner().invoke(app, ["drivers", "sample_data/drivers_export.csv", "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    assert calls == [1]
