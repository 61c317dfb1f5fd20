"""Input limits that no real export or config reaches.

They bound what a crafted or corrupt file can make cxscore allocate or parse (a workbook that
declares 17 billion cells, a zip bomb, a YAML alias bomb). Each can be raised with an environment
variable, named in the message that reports it (README: *Limits and safety*).
"""
from __future__ import annotations

import os
from typing import NamedTuple

from .errors import ConfigError


class Limit(NamedTuple):
    env: str
    default: int
    what: str


#: Cells in an Excel sheet's extent (rows × columns from A1): the reader allocates this grid (~32 bytes a cell).
SHEET_CELLS = Limit("CXSCORE_MAX_SHEET_CELLS", 50_000_000, "cells in a sheet's extent")
#: Uncompressed size of one part of a workbook (a sheet's XML, the shared strings), in MiB.
WORKBOOK_PART_MB = Limit("CXSCORE_MAX_WORKBOOK_PART_MB", 2048, "MiB uncompressed in one part of a workbook")
#: Uncompressed ÷ compressed size of a workbook part larger than 1 MiB (real sheets: 5–30).
WORKBOOK_RATIO = Limit("CXSCORE_MAX_WORKBOOK_RATIO", 200, "compression ratio of a workbook part")
#: One CSV record (a row with a long comment), in MiB: the reader's block grows up to this size.
RECORD_MB = Limit("CXSCORE_MAX_RECORD_MB", 64, "MiB in one CSV record")
#: The header row(s) of a CSV file must end within this many MiB (the sample read for detection).
HEADER_MB = Limit("CXSCORE_MAX_HEADER_MB", 1, "MiB of header rows")
#: Groups (segment × period) one run tallies: ~1.8 KB of tallies and keys a group for three survey metrics
#: in each process (README: *Limits and safety*); issue 18's 200,000 customers fit, a free-text column stops.
GROUPS = Limit("CXSCORE_MAX_GROUPS", 250_000, "groups (segments × periods)")
#: Config and benchmark files: size in KiB, nesting depth, and values once YAML aliases (``*name``) are expanded.
CONFIG_KB = Limit("CXSCORE_MAX_CONFIG_KB", 1024, "KiB in a config or benchmark file")
CONFIG_DEPTH = Limit("CXSCORE_MAX_CONFIG_DEPTH", 50, "levels of nesting in a config or benchmark file")
CONFIG_VALUES = Limit("CXSCORE_MAX_CONFIG_VALUES", 100_000, "values in a config or benchmark file, aliases expanded")

ALL = [SHEET_CELLS, WORKBOOK_PART_MB, WORKBOOK_RATIO, RECORD_MB, HEADER_MB, GROUPS, CONFIG_KB, CONFIG_DEPTH, CONFIG_VALUES]


def get(limit: Limit) -> int:
    """The limit's value: its environment variable when set (a positive whole number), else the default."""
    text = os.environ.get(limit.env, "").strip().replace("_", "")
    if not text:
        return limit.default
    if not text.isdecimal() or len(text) > 18 or int(text) < 1:  # isdigit() takes '²', which int() refuses
        raise ConfigError(f"{limit.env}={os.environ[limit.env]!r} is not a positive whole number", f"unset it or give the maximum {limit.what}, e.g. {limit.default}")
    return int(text)


def raise_hint(limit: Limit) -> str:
    """How to lift a limit for a genuine file."""
    return f"if the file is genuine, raise the limit with {limit.env}=N (default {limit.default:,})"
