"""Every lever is live: each field a package can set moves an outcome in its declared direction.

Metamorphic tests over the shipped packages. Each instrument declares, for every field of the
commitments it reads, a change in a direction and the outcome it must move (its ``effects``). For
every shipped package with such a commitment, the changed package is assessed over the same
worlds (common random numbers): the outcome never moves against the declared direction, and it
moves the declared way in at least one package. Each package is also tried *stretched*: its air
policing asked to hold a CAP station over every city, so that the fields that matter only when a
station needs tankers (tanker bases and types) are exercised too.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

from guarantor import durability
from guarantor.explore.variants import LEVERS, apply_levers
from guarantor.instruments import registry
from guarantor.instruments.contract import Effect
from guarantor.packages import Instrument, Package, schema
from guarantor.theatre import Theatre
from guarantor.worlds import columns, sample

WORLDS = 32
SIMULATED_WORLDS = 1500
SEED = 5
# Fields that say who or what a commitment is, not how much of it: no direction to move them in.
IDENTITY = {"id", "actor", "instrument", "source", "note", "conditions"}
# Fields the acceptability model reads (settlement terms): tested in test_bargaining_*.
SETTLEMENT = {Instrument.TERRITORIAL_RECOGNITION}
# Fields no model reads yet; a package that uses them gets a warning (test_instrument_contract).
UNREAD: set[Instrument] = set()
# The beneficiary of a bilateral guarantee: always Ukraine here, nothing to move.
FIXED = {"bilateral_treaty.partner"}

EFFECTS = [
    pytest.param(instrument.name, effect, id=effect.name)
    for instrument in registry.instruments()
    for effect in instrument.effects
]


def _classes() -> dict[str, Any]:
    union = schema.Commitment.__origin__.__args__  # type: ignore[attr-defined]
    return {cls.model_fields["instrument"].annotation.__args__[0].value: cls for cls in union}


def test_every_settable_field_declares_its_effect() -> None:
    declared = {
        effect.name for instrument in registry.instruments() for effect in instrument.effects
    }
    expected = set()
    for kind, cls in _classes().items():
        if Instrument(kind) in SETTLEMENT | UNREAD:
            continue
        for name, field in cls.model_fields.items():
            if name in IDENTITY or f"{kind}.{name}" in FIXED:
                continue
            inner = getattr(field.annotation, "__args__", ())
            pledge = next((t for t in inner if hasattr(t, "model_fields")), None)
            if pledge is not None and "count" in pledge.model_fields:  # a list of pledges
                expected |= {f"{kind}.{name}.{sub}" for sub in pledge.model_fields}
            else:
                expected.add(f"{kind}.{name}")
    assert expected - declared == set(), "fields with no declared effect"
    assert declared - expected == set(), "effects declared for fields that do not exist"


@cache
def _worlds() -> dict[str, np.ndarray]:
    return sample(WORLDS, SEED)


@cache
def _simulated_worlds() -> dict[str, np.ndarray]:
    return sample(SIMULATED_WORLDS, SEED)


def _outcome(theatre: Theatre, package: Package, outcome: tuple[str, str]) -> float:
    section_name, metric = outcome
    if section_name == "durability":
        result = durability.run(theatre, package, _simulated_worlds(), seed=SEED, months=120)
        return float(np.nanmean(result.outcomes[metric]))
    instrument = next(i for i in registry.instruments() if i.name == section_name)
    worlds = columns(_worlds(), list(instrument.world_parameters))
    section = instrument.assess(theatre, package, worlds)
    return float(np.nanmean(section.metric(metric).value))


def _changed(package: Package, effect: Effect, theatre: Theatre) -> Package | None:
    kind = effect.name.split(".")[0]
    commitments = list(package.commitments)
    touched = False
    for index, commitment in enumerate(commitments):
        if commitment.instrument.value != kind:
            continue
        replacement = effect.change(commitment, theatre)
        if replacement is not None:
            commitments[index] = replacement
            touched = True
    if not touched:
        return None
    return package.model_copy(update={"commitments": tuple(commitments)})


def _stretched(package: Package, theatre: Theatre) -> Package:
    every_city = tuple(city.id for city in theatre.data.places.cities)
    commitments = tuple(
        c.model_copy(update={"cap_stations": every_city})
        if isinstance(c, schema.AirPolicing)
        else c
        for c in package.commitments
    )
    return package.model_copy(update={"commitments": commitments})


@pytest.mark.parametrize(("instrument_name", "effect"), EFFECTS)
def test_a_field_moves_its_outcome_in_the_declared_direction(
    instrument_name: str, effect: Effect, theatre: Theatre, packages: dict[str, Package]
) -> None:
    moved = []
    cases = [*packages.values()]
    if effect.name.startswith("air_policing"):
        cases += [_stretched(package, theatre) for package in packages.values()]
    for package in cases:
        changed = _changed(package, effect, theatre)
        if changed is None:
            continue
        before = _outcome(theatre, package, effect.outcome)
        after = _outcome(theatre, changed, effect.outcome)
        scale = max(abs(before), abs(after), 1e-9)
        step = effect.sign * (after - before) / scale
        assert step >= -1e-9, f"{package.name}: {effect.outcome} moved against {effect.why!r}"
        moved.append(step > 1e-6)
    if not moved:
        pytest.skip(f"no shipped package sets {effect.name}")
    assert any(moved), f"{effect.name} moved {effect.outcome} in no shipped package"


@pytest.mark.parametrize("name", sorted(LEVERS))
def test_a_sweep_lever_sets_what_it_reads(name: str, packages: dict[str, Package]) -> None:
    lever = LEVERS[name]
    for package in packages.values():
        value: float | str = lever.choices[-1] if lever.is_choice else (lever.low + lever.high) / 2
        try:
            varied = apply_levers(package, {name: value})
        except Exception:  # the package lacks the instrument: an amount lever needs one
            assert not lever.is_choice
            continue
        read = lever.read(varied)
        if lever.is_choice:
            assert read == value
        else:
            assert abs(float(read) - float(value)) <= 0.5 * len(package.commitments) + 1e-9
