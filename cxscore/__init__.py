"""cxscore: customer-experience scores (NPS, CSAT, CES) from survey exports.

The library API is :func:`cxscore.score` (paths, pyarrow Tables or pandas DataFrames in, a
:class:`Report` out); the CLI in :mod:`cxscore.cli` is a thin layer over it.
"""
__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it)

from .config import Config, MetricSpec, load_config  # noqa: E402
from .errors import ColumnError, ConfigError, CxError, ExitCode, InputError, StrictError  # noqa: E402
from .model import Report, ResultRow  # noqa: E402
from .pipeline import Options, score  # noqa: E402

__all__ = [
    "ColumnError", "Config", "ConfigError", "CxError", "ExitCode", "InputError", "MetricSpec", "Options", "Report", "ResultRow", "StrictError",
    "load_config", "score", "__version__",
]
