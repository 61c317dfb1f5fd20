"""Writing output files safely: never onto an input, atomically, with a clear error when the place is not writable."""
from __future__ import annotations

import os
import signal
import stat
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator, Sequence

from ..errors import CxError


def refuse_input(target: Path, inputs: Sequence[str]) -> None:
    """Raise when ``target`` is one of the inputs: inputs are never overwritten."""
    for name in inputs:
        source = Path(name)
        if name != "-" and source.exists() and (target.resolve() == source.resolve() or (target.exists() and os.path.samefile(target, source))):
            raise CxError(f"the output {target} is one of the inputs", "write to another file; inputs are never overwritten")


@contextmanager
def atomic_path(target: Path, inputs: Sequence[str] = ()) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it when the block succeeds (removed when it fails).

    A target that is one of ``inputs`` is refused: inputs are never overwritten. A target that is a
    symbolic link is written through: the file it points to is replaced and the link stays (a link
    to something that is not a regular file, such as ``/dev/full``, is refused). Folders are created
    only where the path really leads (``../{date}/../x.xlsx`` creates no ``{date}`` folder), and
    SIGTERM or SIGHUP during the block removes the temporary file before the process ends.
    """
    refuse_input(target, inputs)
    real = _destination(target)
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as exc:
        raise CxError(f"cannot write {target}: {exc.strerror or exc}", "choose a folder you can write to") from None
    os.close(handle)
    try:
        with _removed_on_signal(Path(temporary)):
            yield Path(temporary)
            os.chmod(temporary, _mode(real))
            os.replace(temporary, real)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CxError(f"cannot write {target}: {exc.strerror or exc}", "check the free space and permissions of that folder") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _destination(target: Path) -> Path:
    """Where ``target`` really leads: links followed, ``..`` applied to the folders that exist. Refused
    when that is something other than a regular file (a device, a folder, a pipe)."""
    real = Path(os.path.realpath(target))
    if real.exists() and not real.is_file():
        via = f" (the link leads to {real})" if target.is_symlink() else ""
        raise CxError(f"cannot write {target}: it is not a regular file{via}", "write the report to a file path")
    return real


@contextmanager
def _removed_on_signal(temporary: Path) -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP first remove ``temporary``, then do what they did before
    (by default: end the process, by the same signal)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous: dict[int, Any] = {}  # signal → the handler it had

    def handler(number, frame):
        temporary.unlink(missing_ok=True)
        before = previous[number]
        if callable(before):
            before(number, frame)
        elif before != signal.SIG_IGN:
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)

    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            previous[number] = signal.signal(number, handler)
    try:
        yield
    finally:
        for number, before in previous.items():
            signal.signal(number, before)


def _mode(target: Path) -> int:
    """The permissions the output gets: those of the file it replaces, else what the umask allows a new file.

    (The temporary file is created private, 0600; an output shared by a cron job must not stay so.)
    """
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_workbook(output: str, what: str, build: Callable[[], Any], inputs: Sequence[Any]) -> Path:
    """A command's ``--output`` workbook (``what``: comments, drivers, volume): refused unless it ends in
    .xlsx (before ``build`` does the work), then saved atomically, never onto one of ``inputs`` (InputInfos)."""
    target = Path(output)
    if target.suffix.lower() != ".xlsx":
        raise CxError(f"the {what} workbook is an Excel workbook; {target} does not end in .xlsx", f"name the output like {what}.xlsx")
    workbook = build()
    with atomic_path(target, [i.path for i in inputs if i.path != "<stdin>"]) as temporary:
        workbook.save(temporary)
    return target

