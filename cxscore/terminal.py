"""The terminal cxscore runs in: which streams are TTYs, colour, width. Tests replace it."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from rich.console import Console


#: Width used when stdout is not a terminal, so cron mail and files don't wrap at Rich's default 80.
PIPE_WIDTH = 120


@dataclass
class Terminal:
    """Where output goes and how it may look."""

    stdout: IO[str]
    stderr: IO[str]
    quiet: bool = False

    @classmethod
    def current(cls, quiet: bool = False) -> "Terminal":
        return cls(sys.stdout, sys.stderr, quiet)

    @staticmethod
    def _is_tty(stream: IO[str]) -> bool:
        return hasattr(stream, "isatty") and stream.isatty()

    @property
    def color(self) -> bool:
        return "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"

    def _console(self, stream: IO[str], soft_wrap: bool = False) -> "Console":
        from rich.console import Console  # imported on first use: JSON/CSV runs never need it

        tty = self._is_tty(stream)
        width: Optional[int] = None if tty else int(os.environ.get("COLUMNS", PIPE_WIDTH))
        return Console(file=stream, width=width, no_color=not self.color, force_terminal=tty and self.color, highlight=False, soft_wrap=soft_wrap)

    def out(self) -> "Console":
        """Console for data (stdout)."""
        return self._console(self.stdout)

    def err(self) -> "Console":
        """Console for messages (stderr)."""
        return self._console(self.stderr, soft_wrap=True)

    @property
    def stdout_is_tty(self) -> bool:
        return self._is_tty(self.stdout)

    def say(self, message: str, style: str = "dim") -> None:
        """A progress or info message on stderr, unless --quiet."""
        if not self.quiet:
            self.err().print(message, style=style, markup=False, highlight=False)

    def warn(self, message: str) -> None:
        """A warning on stderr, unless --quiet."""
        if not self.quiet:
            self.err().print(f"warning: {message}", style="yellow", markup=False, highlight=False)

    def error(self, message: str) -> None:
        """An error on stderr (always shown)."""
        self.err().print(f"error: {message}", style="bold red", markup=False, highlight=False)
