"""bench/run.py's peak memory of a multi-process run: forked workers' shared pages count once (PSS, not
RSS summed per process), and workers forked from any thread are found (not only the main thread's)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from run import _tree_rss_kb, measure_cpu, tree  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

MB = 1 << 20


def test_pages_forked_workers_share_count_once(tmp_path):
    """A parent holding 96 MB forks two children that only sleep: RSS summed over the three is ~3 × 96 MB,
    what the three hold is ~96 MB."""
    script = tmp_path / "shared.py"
    script.write_text(
        "import os, time\n"
        f"data = b'x' * {96 * MB}\n"  # written, so resident
        "kids = []\n"
        "for _ in range(2):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n        time.sleep(0.4); os._exit(0)\n"
        "    kids.append(pid)\n"
        "for pid in kids: os.waitpid(pid, 0)\n"
    )
    _, mb, _ = measure_cpu([sys.executable, str(script)])
    assert 96 <= mb < 96 * 1.5


def test_workers_forked_from_another_thread_are_counted(tmp_path):
    """A child forked from a thread is that thread's child in /proc (a pool may start its workers so):
    its own 96 MB are in the process tree's memory."""
    script, ready = tmp_path / "thread.py", tmp_path / "ready"
    script.write_text(
        "import os, sys, threading, time\n"
        "def start():\n"
        "    pid = os.fork()\n"
        f"    if pid == 0:\n        data = b'x' * {96 * MB}; open(sys.argv[1], 'w').close(); time.sleep(5); os._exit(0)\n"
        "    os.waitpid(pid, 0)\n"
        "t = threading.Thread(target=start); t.start(); t.join()\n"
    )
    proc = subprocess.Popen([sys.executable, str(script), str(ready)])
    try:
        for _ in range(500):
            if ready.exists():
                break
            time.sleep(0.01)
        assert ready.exists()
        assert _tree_rss_kb(proc.pid) >= 96 * 1024
    finally:
        for pid in tree(proc.pid)[::-1]:
            os.kill(pid, signal.SIGKILL)
        proc.wait()
