"""Validate any guarantor data file, recognising its kind from its top-level fields.

:func:`kinds` is the table: each kind names the top-level fields that identify it and the loader
that checks a file of that kind. The project's own kinds are listed here (:data:`CORE_KINDS`);
each instrument declares the data files it ships (``data_kinds`` in its contract) and the
registry adds them. A file is of the kind whose identifying fields it all has, the most specific
(most fields) winning; a file of only a ``sources:`` registry (such as a theatre's
``geography-sources.yaml``) is a source registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.yamlio import load_yaml


@dataclass(frozen=True)
class Kind:
    """One kind of data file: how to recognise it and which function loads and checks it."""

    name: str
    fields: frozenset[str]
    """Top-level fields every file of this kind has."""
    loader: str | Callable[[Path], Any]
    """A function taking a path and returning the checked object (or raising), or its
    ``module:function`` name (imported only when a file of this kind is checked)."""
    only: bool = False
    """The file has exactly these fields and no others."""


def _kind(name: str, fields: str, loader: str, *, only: bool = False) -> Kind:
    return Kind(name, frozenset(fields.split()), loader, only)


CORE_KINDS: tuple[Kind, ...] = (
    _kind("package", "commitments", "guarantor.packages:load_package"),
    _kind("theatre", "places platforms", "guarantor.theatre:load_theatre"),
    _kind("rules of engagement", "rules", "guarantor.roe:load_ruleset"),
    _kind("incident fixtures", "fixtures", "guarantor.roe:load_fixtures"),
    _kind("actors", "actors dimensions", "guarantor.bargaining:load_actors"),
    _kind("uncertainties", "uncertainties", "guarantor.durability:load_uncertainties"),
    _kind("historical cases", "cases", "guarantor.durability:load_cases"),
    _kind("calibration", "hazard_ratios", "guarantor.durability.calibration:load_calibration"),
    _kind("graded answers", "grades", "guarantor.validation:load_graded_answers"),
    _kind("coalition", "membership nations", "guarantor.coalition:load_data"),
    _kind("source registry", "sources", "guarantor.validation:load_source_registry", only=True),
)
"""The kinds of file outside the instruments."""


def kinds() -> tuple[Kind, ...]:
    """Every kind of file guarantor reads: :data:`CORE_KINDS` and each instrument's data files."""
    from guarantor.instruments import registry

    declared = tuple(
        Kind(data.kind, frozenset({data.identifying_field}), data.load)
        for instrument in registry.instruments()
        for data in instrument.data_kinds
    )
    return CORE_KINDS + declared


def load_source_registry(path: Path) -> dict[str, Any]:
    """Check a file holding only a ``sources:`` registry (every entry a full source).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    from guarantor.sourcing import Source, Strict, load_sourced

    class SourceRegistry(Strict):
        sources: dict[str, Source]

    return dict(load_sourced(path, SourceRegistry).sources)


def load_graded_answers(path: Path) -> Any:
    """Check a graded-answers file (the rules of engagement's answer grades) at ``path``.

    Raises:
        DataError: malformed, or a grade missing, located by file, line and field.
    """
    from guarantor.roe.probes import Answer, GradesDoc
    from guarantor.sourcing import validate_as

    raw, lines = load_yaml(path)
    doc = validate_as(GradesDoc, raw, lines)
    missing = [a.label for a in Answer if a is not Answer.NONE and a.label not in doc.grades]
    if missing:
        raise DataError([lines.problem(["grades"], f"grades missing: {', '.join(missing)}")])
    return doc


def loader(kind: Kind) -> Callable[[Path], Any]:
    """The function that loads and checks a file of ``kind``."""
    if callable(kind.loader):
        return kind.loader
    module_name, function_name = kind.loader.split(":")
    function: Callable[[Path], Any] = getattr(importlib.import_module(module_name), function_name)
    return function


def detect_kind(data: Any) -> Kind | None:
    """Return the kind of a parsed data file, or None when it is not recognised."""
    if not isinstance(data, dict):
        return None
    keys = set(data)
    matches = [
        kind
        for kind in kinds()
        if kind.fields <= keys and (not kind.only or keys == set(kind.fields))
    ]
    # the most specific kind wins (a theatre has actors too, but not an actor file's dimensions)
    return max(matches, key=lambda kind: len(kind.fields), default=None)


def validate_file(path: Path) -> tuple[str, Any]:
    """Load and check one file; return its kind's name and the loaded object.

    Raises:
        DataError: with every problem found in the file.
    """
    raw, lines = load_yaml(path)
    kind = detect_kind(raw)
    if kind is None:
        described = "; ".join(f"{k.name}: {', '.join(sorted(k.fields))}" for k in kinds())
        raise DataError(
            [
                lines.problem(
                    [],
                    "not a guarantor file",
                    expected=f"a mapping with the top-level fields of one kind ({described})",
                    received=type(raw).__name__ if not isinstance(raw, dict) else str(sorted(raw)),
                )
            ]
        )
    try:
        return kind.name, loader(kind)(path)
    except OSError as error:
        raise DataError([Problem(f"cannot read: {error.strerror}", file=str(path))]) from None
