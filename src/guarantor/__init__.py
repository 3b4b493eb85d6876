"""guarantor: a lab for designing and stress-testing security guarantees for Ukraine.

The Python API (see :mod:`guarantor.api`)::

    import guarantor
    a = guarantor.assess("paris-declaration-2026", worlds=200)
    a                      # in Jupyter: verdicts, map and charts, drawn offline
    a.to_pandas()          # metrics with their 5–95 % bands, one row per section × metric

The names below load on first use, so ``import guarantor`` (which the command line does) costs
no more than reading the version.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from guarantor.api import (
        accept,
        assess,
        check_rules,
        compare,
        decide,
        discover,
        levers,
        list_packages,
        load_actors,
        load_package,
        load_rules,
        load_theatre,
        open_store,
        optimize,
        sensitivity,
        simulate,
        sweep,
        variants,
    )
    from guarantor.assessment import Assessment, Comparison
    from guarantor.errors import DataError, Problem
    from guarantor.packages import Package
    from guarantor.results import (
        Discovery,
        Frontier,
        ResultsStore,
        Sensitivity,
        Simulation,
        Verdict,
        Verification,
    )
    from guarantor.section import Metric, Section
    from guarantor.theatre import Theatre

__all__ = [
    "Assessment",
    "Comparison",
    "DataError",
    "Discovery",
    "Frontier",
    "Metric",
    "Package",
    "Problem",
    "ResultsStore",
    "Section",
    "Sensitivity",
    "Simulation",
    "Theatre",
    "Verdict",
    "Verification",
    "__version__",
    "accept",
    "assess",
    "check_rules",
    "compare",
    "decide",
    "discover",
    "levers",
    "list_packages",
    "load_actors",
    "load_package",
    "load_rules",
    "load_theatre",
    "open_store",
    "optimize",
    "sensitivity",
    "simulate",
    "sweep",
    "variants",
]

_HOMES = {
    "guarantor.api": (
        "accept",
        "assess",
        "check_rules",
        "compare",
        "decide",
        "discover",
        "levers",
        "list_packages",
        "load_actors",
        "load_package",
        "load_rules",
        "load_theatre",
        "open_store",
        "optimize",
        "sensitivity",
        "simulate",
        "sweep",
        "variants",
    ),
    "guarantor.results": (
        "Discovery",
        "Frontier",
        "ResultsStore",
        "Sensitivity",
        "Simulation",
        "Verdict",
        "Verification",
    ),
    "guarantor.assessment": ("Assessment", "Comparison"),
    "guarantor.errors": ("DataError", "Problem"),
    "guarantor.packages": ("Package",),
    "guarantor.section": ("Metric", "Section"),
    "guarantor.theatre": ("Theatre",),
}
_LAZY = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    if name == "__version__":
        # read from the installed metadata only when asked for: importing importlib.metadata
        # costs about 40 ms, a tenth of the command line's start-up
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("guarantor")
        except PackageNotFoundError:  # running from a source tree without installation
            return "0.0.0"
    module = _LAZY.get(name)
    if module is None:
        if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}"):
            return importlib.import_module(f"{__name__}.{name}")  # guarantor.api, .roe...
        raise AttributeError(f"module 'guarantor' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, "__version__"})
