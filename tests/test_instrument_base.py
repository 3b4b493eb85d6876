"""The shared instrument base, its effect changes and hand-over, and the one world table.

``instruments/base.py`` holds once what every ``instrument.py`` wrote again (``assess``
forwarding to the model, world parameters, data kinds, positions, needs); ``instruments/tables.py``
the world table the air and intelligence models share. These tests hold the base to the
contract with a minimal instrument, and every registry instrument to the base's behaviour.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from guarantor.errors import DataError
from guarantor.instruments import registry, tables
from guarantor.instruments.air import data as air_data
from guarantor.instruments.air.reach import world_table as air_world_table
from guarantor.instruments.base import InstrumentBase, pledged_columns, step_up, switched_on
from guarantor.instruments.contract import (
    PROBE_CLASSES,
    DataKind,
    EditorField,
    Effect,
    Handover,
    InstrumentModel,
    IssuePosition,
    Lever,
)
from guarantor.instruments.intelligence import data as intelligence_data
from guarantor.instruments.intelligence.data import world_table as intelligence_world_table
from guarantor.packages import Instrument, Package
from guarantor.packages.schema import (
    BackstopLevel,
    IntelligenceLevel,
    IntelligenceSharing,
    SharingUse,
    UsBackstop,
)
from guarantor.section import Metric, Section
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre
from guarantor.worlds import columns, sample


class _Calls:
    """What a stand-in model was called with."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, Any, Any, dict[str, Any]]] = []

    def model(self, theatre: Any, package: Any, worlds: Any, **options: Any) -> Section:
        self.calls.append((theatre, package, worlds, options))
        size = len(next(iter(worlds.values()))) if worlds else 1
        value = np.arange(size, dtype=np.float64)
        return Section("toy", "Toy", "ok", (Metric.of("count", value, "n", "the worlds"),))


class _Toy(InstrumentBase):
    """A minimal instrument on the base: only what is its own."""

    def handover(self, section: Section, package: Package, calibration: Any) -> Handover:
        del package, calibration
        return Handover(world={"monitoring_share": section.metric("count").value})

    @property
    def levers(self) -> tuple[Lever, ...]:
        return ()

    @property
    def effects(self) -> tuple[Effect, ...]:
        return ()


_PARAMETERS = {
    "toy_share": Quantity(value=0.5, unit="share", assumption="a toy share", low=0.25, high=0.75)
}


def _toy(calls: _Calls, **fields: Any) -> _Toy:
    return _Toy(
        name="toy", title="Toy", reads=(Instrument.MONITORING_MISSION,), model=calls.model, **fields
    )


def test_a_minimal_instrument_on_the_base_is_an_instrument_model(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    calls = _Calls()
    positions = (
        IssuePosition(
            "monitors",
            Quantity(value=0.5, unit="position", assumption="toy", low=0.4, high=0.6),
            (),
            "toy",
        ),
    )
    toy: InstrumentModel = _toy(  # a static check too: mypy on this file
        calls,
        world=_PARAMETERS,
        data_kinds=(DataKind("toy data", "toys", lambda path: {"path": path}),),
        editor_fields={"monitoring_mission": (EditorField("monitors", "monitors", "number"),)},
        issues=lambda package: positions,
    )
    package = packages["minsk-monitors"]
    worlds = {"toy_share": np.array([0.3, 0.6, 0.7]), "other_model": np.zeros(3)}
    rng = np.random.default_rng(3)
    section = toy.assess(theatre, package, worlds, rng=rng)
    assert calls.calls == [(theatre, package, worlds, {"rng": rng})]
    assert section.metric("count").value.tolist() == [0.0, 1.0, 2.0]
    assert toy.world_parameters is _PARAMETERS
    assert [kind.kind for kind in toy.data_kinds] == ["toy data"]
    assert [f.name for f in toy.editor_fields["monitoring_mission"]] == ["monitors"]
    assert toy.positions(package) == positions
    assert registry.needs(toy) == ()
    handed = toy.handover(section, package, None)  # type: ignore[arg-type]
    assert handed.world["monitoring_share"].tolist() == [0.0, 1.0, 2.0]


def test_the_base_passes_sections_only_to_an_instrument_that_needs_them(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    calls = _Calls()
    package = packages["minsk-monitors"]
    intelligence = Section("intelligence", "Intelligence", "ok", ())
    needy = _toy(calls, needs=("intelligence",))
    registry.assess_one(needy, theatre, package, None, sections={"intelligence": intelligence})
    registry.assess_one(needy, theatre, package, None)  # none at hand: the model computes it
    assert [options for *_, options in calls.calls] == [
        {"rng": None, "inputs": {"intelligence": intelligence}},
        {"rng": None, "inputs": None},
    ]
    with pytest.raises(ValueError, match="takes no sections"):
        _toy(calls).assess(theatre, package, None, inputs={"intelligence": intelligence})


def test_a_deterministic_model_gets_no_rng_and_lazy_parameters_are_read_when_asked(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    calls = _Calls()
    reads: list[int] = []

    def parameters() -> Mapping[str, Quantity]:
        reads.append(1)
        return _PARAMETERS

    toy = _toy(calls, world=parameters, takes_rng=False)
    assert reads == []  # building the instrument loads no data
    assert toy.world_parameters == _PARAMETERS
    assert reads == [1]
    toy.assess(theatre, packages["minsk-monitors"], None, rng=np.random.default_rng(1))
    assert calls.calls[0][3] == {}
    assert toy.positions(packages["minsk-monitors"]) == ()  # no issue coding: no positions
    assert toy.editor_fields == {}  # and no form


@pytest.mark.parametrize("name", registry.NAMES)
def test_every_registry_instrument_is_its_model_on_the_base(
    name: str, theatre: Theatre, packages: dict[str, Package]
) -> None:
    instrument = registry.load(name)
    assert isinstance(instrument, InstrumentBase)
    model = importlib.import_module(f"guarantor.instruments.{name}.model").assess
    assert instrument.model is model
    worlds = columns(sample(5, 11), list(instrument.world_parameters))
    package = packages["sky-shield-2025"]
    through = instrument.assess(theatre, package, worlds, rng=np.random.default_rng(4))
    options = {"rng": np.random.default_rng(4)} if instrument.takes_rng else {}
    direct = model(theatre, package, worlds, **options)
    assert [m.name for m in through.metrics] == [m.name for m in direct.metrics]
    for ours, theirs in zip(through.metrics, direct.metrics, strict=True):
        np.testing.assert_array_equal(ours.value, theirs.value, err_msg=f"{name}: {ours.name}")


def test_step_up_climbs_one_rung_and_stops_at_the_top(theatre: Theatre) -> None:
    ladder = tuple(BackstopLevel)
    change = step_up("level", ladder)
    for rung, level in enumerate(ladder):
        backstop = UsBackstop(id="us", actor="USA", instrument=Instrument.US_BACKSTOP, level=level)
        moved = change(backstop, theatre)
        if rung + 1 == len(ladder):
            assert moved is None
        else:
            assert isinstance(moved, UsBackstop)
            assert moved.level is ladder[rung + 1]
            assert backstop.level is level  # a copy: the commitment is untouched


def test_switched_on_sets_a_flag_once(theatre: Theatre) -> None:
    sharing = IntelligenceSharing(
        id="i",
        actor="USA",
        instrument=Instrument.INTELLIGENCE_SHARING,
        level=IntelligenceLevel.OPERATIONAL,
        use=SharingUse.WITHIN_UKRAINE,
    )
    on = switched_on("imagery")(sharing, theatre)
    assert isinstance(on, IntelligenceSharing)
    assert on.imagery and not sharing.imagery
    assert switched_on("imagery")(on, theatre) is None


@given(
    answered=st.lists(st.floats(-0.5, 1.5), min_size=1, max_size=6),
    units=st.lists(st.floats(0.0, 500.0), min_size=1, max_size=4),
    probe=st.sampled_from(PROBE_CLASSES),
    cost=st.floats(0.0, 1.0),
)
def test_pledged_columns_split_the_answered_share_by_units(
    answered: list[float], units: list[float], probe: str, cost: float
) -> None:
    share = np.array(answered)
    pledged = {f"c{i}": amount for i, amount in enumerate(units)}
    out = pledged_columns(share, pledged, probe, cost)
    assert list(out) == list(pledged)
    column = PROBE_CLASSES.index(probe)
    total = sum(c.answer[:, column] for c in out.values())
    np.testing.assert_allclose(total, np.clip(share, 0.0, 1.0), atol=1e-12)
    for key, c in out.items():
        others = np.delete(c.answer, column, axis=1)
        assert c.answer.shape == (share.size, len(PROBE_CLASSES))
        assert not others.any() and not c.force.any() and not c.credibility.any()
        np.testing.assert_array_equal(c.cost_usd_bn_per_month, pledged[key] * cost)
        if sum(units) > 0:  # in proportion to units (evenly when nobody pledges any)
            np.testing.assert_allclose(
                c.answer[:, column], np.clip(share, 0, 1) * pledged[key] / sum(units), atol=1e-12
            )


_TABLES = [
    (
        air_world_table,
        air_data.WORLD_NAMES,
        lambda name: air_data.shipped_data().world[name],
        air_data.BOUNDS,
    ),
    (
        intelligence_world_table,
        intelligence_data.WORLD_NAMES,
        lambda name: getattr(intelligence_data.shipped_data().world, name),
        intelligence_data.BOUNDS,
    ),
]


@pytest.mark.parametrize(("table", "names", "default", "bounds"), _TABLES, ids=["air", "intel"])
def test_air_and_intelligence_world_tables_are_the_shared_one(
    table: Any, names: tuple[str, ...], default: Any, bounds: dict[str, tuple[float, float]]
) -> None:
    # Half the model's parameters sampled, the rest at their defaults; another model's column
    # is ignored.
    drawn = sample(7, 2)
    worlds: dict[str, np.ndarray] = {
        name: drawn[name] if name in drawn else np.full(7, default(name).value)
        for name in names[::2]
    }
    worlds["someone_elses"] = np.full(7, -1.0)
    got = table(worlds)
    assert list(got) == list(names)
    for name in names:
        expected = worlds[name] if name in worlds else default(name).value
        np.testing.assert_array_equal(got[name], np.broadcast_to(expected, (7,)), err_msg=name)
    shared = tables.world_table(worlds, {name: default(name) for name in names}, bounds)
    assert shared.keys() == got.keys()
    assert all(np.array_equal(shared[name], got[name]) for name in names)
    assert all(value.shape == (1,) for value in table(None).values())


@pytest.mark.parametrize(("table", "names", "default", "bounds"), _TABLES, ids=["air", "intel"])
def test_a_world_value_out_of_bounds_is_a_located_error(
    table: Any, names: tuple[str, ...], default: Any, bounds: dict[str, tuple[float, float]]
) -> None:
    del default
    first, second = names[0], names[-1]
    worlds = {first: np.array([bounds[first][1] + 1.0]), second: np.array([np.nan])}
    with pytest.raises(DataError) as caught:
        table(worlds)
    fields = [problem.field for problem in caught.value.problems]
    assert fields == [f"worlds.{first}", f"worlds.{second}"]
