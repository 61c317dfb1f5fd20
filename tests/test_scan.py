"""scan.run_jobs: who reads which part."""
from __future__ import annotations

import os
from types import SimpleNamespace

from cxscore.scan import run_jobs


class Part:
    portable = True  # a file range: can be read in a worker process
    size = 1


class Held(Part):
    portable = False  # standard input, a loaded workbook: read in this process


def reader(job) -> int:
    return os.getpid()


def jobs(*parts) -> list:
    return [SimpleNamespace(part=part) for part in parts]


def test_this_process_reads_the_first_part_and_one_worker_the_rest():
    """With two processes this one reads a part itself (it only waited before): one worker is started, not two."""
    pids = run_jobs(jobs(Part(), Part(), Part()), 2, task=reader)
    assert pids[0] == os.getpid()
    assert pids[1] == pids[2] != os.getpid()


def test_a_part_that_cannot_travel_keeps_this_process_busy():
    pids = run_jobs(jobs(Held(), Part(), Part()), 2, task=reader)
    assert pids[0] == os.getpid()
    assert os.getpid() not in pids[1:]


def test_one_process_reads_everything_here():
    assert run_jobs(jobs(Part(), Part()), 1, task=reader) == [os.getpid()] * 2
