"""Shared fixtures: the shipped theatre and packages are loaded once per session."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from guarantor.explore.design import Design
from guarantor.packages import Package, load_package, shipped_packages
from guarantor.theatre import Theatre, load_theatre

STANDIN_MODEL = "test_explore_standin:run"
"""The explore tests' stand-in kernel (``tests/test_explore_standin.py``), as module:function."""

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(scope="session")
def theatre() -> Theatre:
    """The shipped default theatre."""
    return load_theatre()


@pytest.fixture(scope="session")
def packages(theatre: Theatre) -> dict[str, Package]:
    """Every shipped package, by name."""
    return {name: load_package(name, theatre) for name in shipped_packages()}


def _shipped(name: str) -> Package:
    """A shipped package, validated against the schema (no theatre needed)."""
    from guarantor.packages.loader import package_path
    from guarantor.sourcing import validate_as
    from guarantor.yamlio import load_yaml

    raw, lines = load_yaml(package_path(name))
    return validate_as(Package, raw, lines)


def _make_design(n_worlds: int = 40, chunk_size: int = 7, **worlds: Any) -> Design:
    """Two aircraft variants of sky-shield-2025 over random worlds, on the stand-in kernel."""
    from guarantor.explore.design import DesignPoint
    from guarantor.explore.variants import apply_levers

    rng = np.random.default_rng(1)
    base = _shipped("sky-shield-2025")
    points = tuple(
        DesignPoint(
            index,
            f"sky-shield-2025[aircraft={count}]",
            apply_levers(base, {"aircraft": count}),
            {"aircraft": count},
        )
        for index, count in enumerate((60, 120))
    )
    table = {"risk": rng.random(n_worlds), "resolve": rng.random(n_worlds), **worlds}
    return Design(
        points, table, seed=11, months=48, model=STANDIN_MODEL, theatre=None, chunk_size=chunk_size
    )


@pytest.fixture
def shipped() -> Callable[[str], Package]:
    """Load a shipped package by name, schema-checked only (no theatre)."""
    return _shipped


@pytest.fixture
def make_design() -> Callable[..., Design]:
    """Build the explore tests' small design (see :func:`_make_design`)."""
    return _make_design


@pytest.fixture
def standin() -> str:
    """The stand-in kernel's module:function."""
    return STANDIN_MODEL
