"""cxscore: customer-experience scores (NPS, CSAT, CES) from survey exports.

The library API is :func:`cxscore.score` (paths, pyarrow Tables or pandas DataFrames in, a
:class:`Report` out); the CLI in :mod:`cxscore.cli` is a thin layer over it.
"""
from .config import Config, MetricSpec, load_config
from .errors import ColumnError, ConfigError, CxError, ExitCode, InputError, StrictError
from .model import Report, ResultRow
from .pipeline import Options, score
from .keydrivers import DriverRun, key_drivers
from .comment_analysis import CommentRun, analyse_comments
from .version import __version__

__all__ = [
    "ColumnError", "CommentRun", "Config", "ConfigError", "CxError", "ExitCode", "DriverRun", "InputError", "MetricSpec", "Options", "Report", "ResultRow", "StrictError",
    "analyse_comments", "key_drivers", "load_config", "score", "__version__",
]
