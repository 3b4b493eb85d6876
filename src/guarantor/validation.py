"""Validate any guarantor data file, recognising its kind from its top-level fields."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.yamlio import load_yaml

# kind -> (a top-level field that identifies it, "module:function" that loads and checks a path)
_KINDS: dict[str, tuple[str, str]] = {
    "package": ("commitments", "guarantor.packages:load_package"),
    "theatre": ("places", "guarantor.theatre:load_theatre"),
    "rules of engagement": ("rules", "guarantor.roe:load_ruleset"),
    "incident fixtures": ("fixtures", "guarantor.roe:load_fixtures"),
    "actors": ("actors", "guarantor.bargaining:load_actors"),
    "uncertainties": ("uncertainties", "guarantor.durability:load_uncertainties"),
    "historical cases": ("cases", "guarantor.durability:load_cases"),
    "maritime data": ("corridor", "guarantor.instruments.maritime.data:load_maritime"),
    "air data": ("threats", "guarantor.instruments.air.data:load_data"),
}


def _loader(spec: str) -> Callable[[Path], Any]:
    module_name, function_name = spec.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        raise DataError(
            [Problem(f"this version of guarantor cannot check files read by {module_name}")]
        ) from None
    loader: Callable[[Path], Any] = getattr(module, function_name)
    return loader


def detect_kind(data: Any) -> str | None:
    """Return the kind of a parsed data file, or None when it is not recognised."""
    if not isinstance(data, dict):
        return None
    # a theatre also has actors; check the more specific identifying fields first
    for kind, (field, _) in _KINDS.items():
        if field in data and not (kind == "actors" and "places" in data):
            return kind
    return None


def validate_file(path: Path) -> tuple[str, Any]:
    """Load and check one file; return its kind and the loaded object.

    Raises:
        DataError: with every problem found in the file.
    """
    raw, lines = load_yaml(path)
    kind = detect_kind(raw)
    if kind is None:
        fields = ", ".join(sorted({field for field, _ in _KINDS.values()}))
        raise DataError(
            [
                lines.problem(
                    [],
                    "not a guarantor file",
                    expected=f"a mapping with one of the fields {fields}",
                    received=type(raw).__name__ if not isinstance(raw, dict) else str(sorted(raw)),
                )
            ]
        )
    return kind, _loader(_KINDS[kind][1])(path)
