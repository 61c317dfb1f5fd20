"""Modules loaded when first used, through importlib's ``LazyLoader``: ``pc`` is ``pyarrow.compute``.

Importing pyarrow.compute costs ≈ 45 ms of CPU (it wraps each of its ~290 kernels in a Python function
with a docstring), which a run whose answers and segments the reader types (integers, dictionaries)
and that filters nothing never needs (``cxscore drivers`` on an export of numbers). cxscore's modules
take ``pc`` from here: the module object that pyarrow's own array methods then find too, loaded when
one of its attributes is first read. A module-level ``import pyarrow.compute`` would load it at once
(the import statement reads the module's ``__spec__``). :func:`cxscore.scan.run_jobs` loads it before
starting worker processes unless every job reads typed columns only (``Job.reads_typed``), so that the
forked workers inherit it instead of each loading it again.
"""
from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name`` (in sys.modules, as its package's attribute), loaded when first used."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    package, _, attribute = name.rpartition(".")
    if package:
        setattr(sys.modules[package], attribute, module)
    return module


def load(module: ModuleType) -> str:
    """Load a lazy module now (reading any of its attributes does); its name."""
    return module.__name__


pc = lazy_module("pyarrow.compute")  # finding it imports pyarrow, which every user of pc imports anyway
