"""Error types and the exit codes they map to."""
from __future__ import annotations

import re
from collections.abc import Mapping
from enum import IntEnum

#: Marks a run parameter's name in an error's text (see :func:`param`).
_MARK = "\x1f"
_PARAM = re.compile(f"{_MARK}([^{_MARK}]+){_MARK}")


def param(name: str) -> str:
    """A parameter named in an error's message or hint: the library says its name (``since``), the
    command line its flag (``--since``, ``cli.FLAGS``) — one message, two wordings."""
    return f"{_MARK}{name}{_MARK}"


def _worded(text: str | None, names: Mapping[str, str]) -> str | None:
    return None if text is None else _PARAM.sub(lambda m: names.get(m[1], m[1]), text)


class ExitCode(IntEnum):
    """Stable process exit codes (documented in the README)."""

    OK = 0
    INTERNAL = 1
    INPUT = 2  # usage, config or input error; also --strict data-quality failures
    ALERT = 3  # a target or alert threshold was breached


class CxError(Exception):
    """An expected failure with a one-line message for the user."""

    exit_code = ExitCode.INPUT

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message, hint)  # both in args (as written, parameters marked), so the error survives pickling from a worker
        self.message: str = _worded(message, {}) or ""
        self.hint = _worded(hint, {})

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message

    def worded(self, names: Mapping[str, str]) -> str:
        """The one line, each parameter it names written as ``names`` says (the CLI: its flags)."""
        message, hint = (_worded(text, names) for text in self.args)
        return f"{message} — {hint}" if hint else message or ""


class InputError(CxError):
    """A file that cannot be opened, decoded or understood."""


class ConfigError(CxError):
    """A config file that is not valid YAML or fails validation."""


class ColumnError(CxError):
    """A configured column that is not in the input."""


class StrictError(CxError):
    """Invalid answers were found while running with --strict."""
