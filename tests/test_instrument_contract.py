"""One contract for every instrument model: worlds in, a Section out (see docs/architecture.md)."""

from __future__ import annotations

import importlib
from types import ModuleType

import numpy as np
import pytest

from guarantor.errors import DataError
from guarantor.packages import Package
from guarantor.section import Section
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre

MODELS = {
    "air": "guarantor.instruments.air",
    "sea": "guarantor.instruments.maritime",
    "land": "guarantor.instruments.land",
    "sanctions": "guarantor.instruments.sanctions",
}


@pytest.fixture(params=sorted(MODELS), scope="module")
def model(request: pytest.FixtureRequest) -> tuple[str, ModuleType]:
    return request.param, importlib.import_module(MODELS[request.param])


def _worlds(module: ModuleType, n: int, seed: int) -> dict[str, np.ndarray]:
    """Draw every world parameter of a model uniformly within its range."""
    rng = np.random.default_rng(seed)
    parameters: dict[str, Quantity] = module.WORLD_PARAMETERS
    return {
        name: rng.uniform(*quantity.range, size=n)
        for name, quantity in parameters.items()
        if quantity.range[0] < quantity.range[1]
    }


def test_world_parameters_are_quantities_with_ranges(model: tuple[str, ModuleType]) -> None:
    _, module = model
    assert module.WORLD_PARAMETERS
    for name, quantity in module.WORLD_PARAMETERS.items():
        assert isinstance(quantity, Quantity), name
        low, high = quantity.range
        assert low <= quantity.value <= high, name


def test_one_world_by_default(
    model: tuple[str, ModuleType], theatre: Theatre, packages: dict[str, Package]
) -> None:
    name, module = model
    section = module.assess(theatre, packages["paris-declaration-2026"])
    assert isinstance(section, Section)
    assert section.name == name
    assert section.verdict
    assert section.metrics
    for metric in section.metrics:
        assert metric.value.shape == (1,), metric.name
        assert metric.unit, metric.name
        assert metric.reason, metric.name


def test_every_metric_has_one_value_per_world_and_a_seed_fixes_them(
    model: tuple[str, ModuleType], theatre: Theatre, packages: dict[str, Package]
) -> None:
    _, module = model
    worlds = _worlds(module, 64, seed=1)
    package = packages["sky-shield-2025"]
    first = module.assess(theatre, package, worlds, rng=np.random.default_rng(7))
    again = module.assess(theatre, package, worlds, rng=np.random.default_rng(7))
    for metric, repeat in zip(first.metrics, again.metrics, strict=True):
        assert metric.value.shape == (64,), metric.name
        np.testing.assert_array_equal(metric.value, repeat.value, err_msg=metric.name)


def test_worlds_of_unequal_length_are_refused(
    model: tuple[str, ModuleType], theatre: Theatre, packages: dict[str, Package]
) -> None:
    _, module = model
    names = list(module.WORLD_PARAMETERS)[:2]
    if len(names) < 2:
        pytest.skip("a model with a single world parameter cannot disagree with itself")
    worlds = {
        names[0]: np.full(3, module.WORLD_PARAMETERS[names[0]].value),
        names[1]: np.full(4, module.WORLD_PARAMETERS[names[1]].value),
    }
    with pytest.raises(DataError):
        module.assess(theatre, packages["paris-declaration-2026"], worlds)


def test_every_shipped_package_is_assessed(
    model: tuple[str, ModuleType], theatre: Theatre, packages: dict[str, Package]
) -> None:
    _, module = model
    for package in packages.values():
        section = module.assess(theatre, package)
        assert all(np.isfinite(m.value).all() or m.unit for m in section.metrics)
        assert section.to_dict(layers=False)["name"] == section.name
