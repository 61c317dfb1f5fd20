"""Writing output files safely: never onto an input, atomically, with a clear error when the place is not writable."""
from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

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

    A target that is one of ``inputs`` is refused: inputs are never overwritten.
    """
    refuse_input(target, inputs)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise CxError(f"cannot write {target}: {exc.strerror or exc}", "choose a folder you can write to") from None
    os.close(handle)
    try:
        yield Path(temporary)
        os.chmod(temporary, _mode(target))
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise CxError(f"cannot write {target}: {exc.strerror or exc}", "check the free space and permissions of that folder") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
