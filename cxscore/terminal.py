"""The terminal cxscore runs in: which streams are TTYs, colour, width. Tests replace it."""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from functools import cache
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID


#: Width used when stdout is not a terminal, so cron mail and files don't wrap at Rich's default 80.
PIPE_WIDTH = 120


@dataclass
class Terminal:
    """Where output goes and how it may look."""

    stdout: IO[str]
    stderr: IO[str]
    quiet: bool = False
    stdout_closed: bool = False  # started with standard output closed (`>&-`): data goes nowhere

    @classmethod
    def current(cls, quiet: bool = False) -> Terminal:
        """The process's streams; a closed one (Python's ``None``) is replaced by the null device."""
        stdout = sys.stdout if sys.stdout is not None else open(os.devnull, "w")
        stderr = sys.stderr if sys.stderr is not None else open(os.devnull, "w")
        return cls(stdout, stderr, quiet, stdout_closed=sys.stdout is None)

    @staticmethod
    def _is_tty(stream: IO[str]) -> bool:
        return hasattr(stream, "isatty") and stream.isatty()

    @property
    def color(self) -> bool:
        return "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"

    def _console(self, stream: IO[str], soft_wrap: bool = False) -> Console:
        tty = self._is_tty(stream)
        width: int | None = None if tty else int(os.environ.get("COLUMNS", PIPE_WIDTH))
        return _console_class()(file=stream, width=width, no_color=not self.color, force_terminal=tty and self.color, highlight=False, soft_wrap=soft_wrap)

    def out(self) -> Console:
        """Console for data (stdout)."""
        return self._console(self.stdout)

    def err(self) -> Console:
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

    def progress(self, after: float = 0.5):
        """A progress reporter for ``pipeline.score`` drawing a bar on stderr, or None when stderr is
        not a terminal or --quiet. The bar appears only once reading has taken ``after`` seconds."""
        if self.quiet or not self._is_tty(self.stderr):
            return None
        return _ProgressBar(self, after)

    def alert(self, message: str) -> None:
        """A breached target or alert threshold on stderr (shown even with --quiet)."""
        self.err().print(f"alert: {message}", style="bold yellow", markup=False, highlight=False)

    def error(self, message: str) -> None:
        """An error on stderr (always shown)."""
        self.err().print(f"error: {message}", style="bold red", markup=False, highlight=False)


@cache
def _console_class() -> type:
    """Rich's Console, except that a closed pipe raises :class:`BrokenPipeError` for the command to
    handle (Rich's own handler exits with status 1, which would make `cxscore … | head` a failure)."""
    from rich.console import Console  # imported on first use: JSON/CSV runs never need it

    class PipeConsole(Console):
        on_broken_pipe = _raise_broken_pipe

    return PipeConsole


def _raise_broken_pipe(console: Console) -> None:
    console.quiet = True  # nothing more to write to a reader that has gone
    raise BrokenPipeError


def help_survives_closed_pipes(argv: list[str]) -> None:
    """Typer prints help with a Rich console of its own, whose closed-pipe handler exits 1
    (`cxscore --help | head`); when help may be printed, every Rich console raises
    :class:`BrokenPipeError` instead, which the entry point ends with 0. Other runs skip importing Rich."""
    if not argv or "--help" in argv or "-h" in argv:
        from rich.console import Console

        Console.on_broken_pipe = _raise_broken_pipe  # type: ignore[method-assign, assignment]  # a patch on purpose; its parameter is not named self


class _ProgressBar:
    """Rich progress on stderr: bytes read, rows, rate, time left."""

    def __init__(self, terminal: Terminal, after: float):
        self.terminal, self.after = terminal, after
        self.started = time.monotonic()
        self.bar: tuple[Progress, TaskID] | None = None  # the bar and its one task, once shown

    def __call__(self, done: int, total: int | None, rows: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.started < self.after:
                return
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

            bar = Progress(
                TextColumn("reading"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                TextColumn("{task.fields[rows]:,} rows"), TimeRemainingColumn(),
                console=self.terminal.err(), transient=True,
            )
            bar.start()
            self.bar = bar, bar.add_task("reading", total=total, rows=0)
        bar, task = self.bar
        bar.update(task, completed=done, rows=rows)

    def close(self) -> None:
        if self.bar is not None:
            self.bar[0].stop()
