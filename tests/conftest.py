"""Shared fixtures: the shipped theatre and packages are loaded once per session."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from guarantor.packages import Package, load_package, shipped_packages
from guarantor.theatre import Theatre, load_theatre

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
