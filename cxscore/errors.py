"""Error types and the exit codes they map to."""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Stable process exit codes (documented in the README)."""

    OK = 0
    INTERNAL = 1
    INPUT = 2  # usage, config or input error; also --strict data-quality failures
    ALERT = 3  # a target or alert threshold was breached


class CxError(Exception):
    """An expected failure with a one-line message for the user."""

    exit_code = ExitCode.INPUT

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message, hint)  # both in args, so the error survives pickling from a worker
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class InputError(CxError):
    """A file that cannot be opened, decoded or understood."""


class ConfigError(CxError):
    """A config file that is not valid YAML or fails validation."""


class ColumnError(CxError):
    """A configured column that is not in the input."""


class StrictError(CxError):
    """Invalid answers were found while running with --strict."""
