"""One contract for every instrument of the registry (see docs/architecture.md).

Every test here iterates over :mod:`guarantor.instruments.registry`: an instrument added to the
registry is checked without touching this file.
"""

from __future__ import annotations

import numpy as np
import pytest

from guarantor.durability.calibration import load_calibration
from guarantor.errors import DataError
from guarantor.instruments import registry
from guarantor.instruments.contract import PROBE_CLASSES, InstrumentModel
from guarantor.packages import Instrument, Package
from guarantor.section import Section
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre
from guarantor.worlds import columns, sample, space


@pytest.fixture(params=registry.NAMES, scope="module")
def instrument(request: pytest.FixtureRequest) -> InstrumentModel:
    return registry.load(request.param)


def _worlds(instrument: InstrumentModel, n: int, seed: int) -> dict[str, np.ndarray]:
    return columns(sample(n, seed), list(instrument.world_parameters))


def test_world_parameters_are_quantities_with_ranges(instrument: InstrumentModel) -> None:
    for name, quantity in instrument.world_parameters.items():
        assert isinstance(quantity, Quantity), name
        low, high = quantity.range
        assert low <= quantity.value <= high, name


def test_one_world_by_default(
    instrument: InstrumentModel, theatre: Theatre, packages: dict[str, Package]
) -> None:
    section = instrument.assess(theatre, packages["paris-declaration-2026"])
    assert isinstance(section, Section)
    assert section.name == instrument.name
    assert section.verdict
    assert section.metrics
    for metric in section.metrics:
        assert metric.value.shape == (1,), metric.name
        assert metric.unit, metric.name
        assert metric.reason, metric.name


def test_every_metric_has_one_value_per_world_and_a_seed_fixes_them(
    instrument: InstrumentModel, theatre: Theatre, packages: dict[str, Package]
) -> None:
    worlds = _worlds(instrument, 64, seed=1)
    package = packages["sky-shield-2025"]
    first = instrument.assess(theatre, package, worlds, rng=np.random.default_rng(7))
    again = instrument.assess(theatre, package, worlds, rng=np.random.default_rng(7))
    size = 64 if worlds else 1
    for metric, repeat in zip(first.metrics, again.metrics, strict=True):
        assert metric.value.shape == (size,), metric.name
        np.testing.assert_array_equal(metric.value, repeat.value, err_msg=metric.name)


def test_worlds_of_unequal_length_are_refused(
    instrument: InstrumentModel, theatre: Theatre, packages: dict[str, Package]
) -> None:
    parameters = instrument.world_parameters
    names = list(parameters)[:2]
    if len(names) < 2:
        pytest.skip("an instrument with fewer than two world parameters cannot disagree")
    worlds = {
        names[0]: np.full(3, parameters[names[0]].value),
        names[1]: np.full(4, parameters[names[1]].value),
    }
    with pytest.raises(DataError):
        instrument.assess(theatre, packages["paris-declaration-2026"], worlds)


def test_the_hand_over_belongs_to_the_commitments_the_instrument_reads(
    instrument: InstrumentModel, theatre: Theatre, packages: dict[str, Package]
) -> None:
    calibration = load_calibration()
    for package in packages.values():
        worlds = _worlds(instrument, 16, seed=3)
        section = instrument.assess(theatre, package, worlds)
        handover = instrument.handover(section, package, calibration)
        mine = {c.id for c in package.commitments if c.instrument in instrument.reads}
        assert set(handover.commitments) <= mine, package.name
        n = section.metrics[0].value.size
        for commitment_id, column in handover.commitments.items():
            assert column.answer.shape == (n, len(PROBE_CLASSES)), commitment_id
            for values in (column.force, column.credibility, column.cost_usd_bn_per_month):
                assert values.shape == (n,), commitment_id
                assert np.isfinite(values).all(), commitment_id
            assert ((column.answer >= 0) & (column.answer <= 1)).all(), commitment_id
            assert ((column.credibility >= 0) & (column.credibility <= 1)).all(), commitment_id
            assert (column.cost_usd_bn_per_month >= 0).all(), commitment_id
        for name, values in handover.world.items():
            assert values.shape == (n,), name
            assert np.isfinite(values).all(), name


def test_every_commitment_kind_is_read_by_one_model() -> None:
    readers: dict[Instrument, list[str]] = {}
    for instrument in registry.instruments():
        for kind in instrument.reads:
            readers.setdefault(kind, []).append(instrument.name)
    assert all(len(names) == 1 for names in readers.values()), readers
    elsewhere = {Instrument.TERRITORIAL_RECOGNITION}  # settlement terms: the acceptability model
    warned = set(Instrument) - set(readers) - elsewhere
    assert warned == set()


def test_a_commitment_no_model_reads_is_warned_about(
    packages: dict[str, Package], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert registry.unread(packages["nato-track"]) == []  # the intelligence instrument reads it
    without = tuple(name for name in registry.NAMES if name != "intelligence")
    monkeypatch.setattr(registry, "NAMES", without)
    warnings = registry.unread(packages["nato-track"])
    assert len(warnings) == 1
    assert "intelligence" in warnings[0]
    assert "changes no number" in warnings[0]
    assert registry.unread(packages["minsk-monitors"]) == []


def test_levers_and_editor_fields_name_real_package_fields(instrument: InstrumentModel) -> None:
    from guarantor.packages import schema

    classes = {
        cls.model_fields["instrument"].annotation.__args__[0].value: cls
        for cls in schema.Commitment.__origin__.__args__  # type: ignore[attr-defined]
    }
    for kind, fields in instrument.editor_fields.items():
        assert Instrument(kind) in instrument.reads, kind
        for field in fields:
            assert field.name in classes[kind].model_fields, (kind, field.name)
    names = [lever.name for lever in instrument.levers]
    assert len(names) == len(set(names))


def test_the_world_space_holds_every_instruments_parameters_once() -> None:
    names = [parameter.name for parameter in space()]
    assert len(names) == len(set(names))
    for instrument in registry.instruments():
        assert set(instrument.world_parameters) <= set(names), instrument.name
