"""The console script's entry point: Ctrl-C while the command line's modules load exits 130 quietly.

Importing :mod:`cxscore.cli` (NumPy, pyarrow, typer) takes a few tenths of a second; an interrupt then
used to end in a Python traceback, against the one-line rule. This module imports nothing heavy itself.
"""
from __future__ import annotations

import os
import sys


def main() -> None:
    """Load the command line, then run it (``cxscore.cli.main`` ends the process)."""
    try:
        from .cli import main as run
    except KeyboardInterrupt:
        sys.stderr.flush()
        os._exit(130)
    run()
