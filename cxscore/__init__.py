"""cxscore: customer-experience scores (NPS, CSAT, CES) from survey exports.

The library API is :func:`cxscore.pipeline.score`; the CLI in :mod:`cxscore.cli` is a thin layer over it.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cxscore")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0"

from .config import Config, MetricSpec, load_config  # noqa: E402
from .pipeline import Options, score  # noqa: E402

__all__ = ["Config", "MetricSpec", "Options", "load_config", "score", "__version__"]
