"""Freed memory kept for reuse: fewer page faults in a run that makes and drops the same arrays.

``cxscore drivers`` makes and drops a few dozen NumPy arrays of about 1 MiB per block of 131,072
rows. glibc's malloc hands such blocks back to the kernel when they are freed (they are mapped on
their own, or trimmed off the top of the heap), and the next block faults the same pages in again:
on 5M rows about 0.2 s of system time, a tenth of the command's CPU. Raising the two thresholds
keeps them in the heap, at the cost of a few MiB of peak memory (README, *Speed*).
"""
from __future__ import annotations

import ctypes
import sys

#: mallopt's parameter numbers (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Blocks below this are taken from the heap, not mapped on their own; free space at the heap's top
#: up to TRIM_BYTES stays there for the next block.
MMAP_BYTES = 16 << 20
TRIM_BYTES = 256 << 20


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to keep freed blocks for reuse (this process and those it forks later).
    False where there is no glibc ``mallopt`` (macOS, Windows, musl answers 0): nothing changes."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_BYTES))
