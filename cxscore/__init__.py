"""cxscore: customer-experience scores (NPS, CSAT, CES) from survey exports.

The library API is :func:`cxscore.score` (paths, pyarrow Tables or pandas DataFrames in, a
:class:`Report` out); the CLI in :mod:`cxscore.cli` is a thin layer over it.

The names below are imported when first used (PEP 562): ``cxscore score`` never needs the key-driver
or comment modules, and a command line pays for every module it imports before its workers start.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .comment_analysis import CommentRun, analyse_comments
    from .config import Config, MetricSpec, load_config
    from .errors import ColumnError, ConfigError, CxError, ExitCode, InputError, StrictError
    from .keydrivers import DriverRun, key_drivers
    from .model import Report, ResultRow
    from .pipeline import Options, score

#: Each public name → the module that holds it.
_HOMES = {
    "Config": "config", "MetricSpec": "config", "load_config": "config",
    "ColumnError": "errors", "ConfigError": "errors", "CxError": "errors", "ExitCode": "errors", "InputError": "errors", "StrictError": "errors",
    "Report": "model", "ResultRow": "model",
    "Options": "pipeline", "score": "pipeline",
    "DriverRun": "keydrivers", "key_drivers": "keydrivers",
    "CommentRun": "comment_analysis", "analyse_comments": "comment_analysis",
}

__all__ = [
    "ColumnError", "CommentRun", "Config", "ConfigError", "CxError", "ExitCode", "DriverRun", "InputError", "MetricSpec", "Options", "Report", "ResultRow", "StrictError",
    "analyse_comments", "key_drivers", "load_config", "score", "__version__",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value  # once
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
