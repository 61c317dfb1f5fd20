"""The version, written once (pyproject.toml reads it; ``cxscore.__version__`` hands it on)."""
__version__ = "0.1.0"
