"""The intelligence instrument: radar horizon, orbit sustainment, warning, attribution, the pause.

Values are computed by hand from the formulas the methodology page gives (docs/intelligence.md);
the effects on the air model and the durability simulation are checked in the direction the
instrument declares, with and without the commitment, over the same worlds.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from guarantor import durability
from guarantor.cli import app
from guarantor.durability.kernel import Event
from guarantor.errors import DataError
from guarantor.instruments import registry
from guarantor.instruments.air.model import assess as air_assess
from guarantor.instruments.intelligence.data import shipped_data, world_table
from guarantor.instruments.intelligence.model import (
    aircraft_per_orbit,
    held_orbits,
    orbits,
    radar_horizon_km,
)
from guarantor.packages import Package
from guarantor.packages.schema import (
    AewOrbit,
    AircraftPledge,
    AirPolicing,
    Instrument,
    IntelligenceLevel,
    IntelligenceSharing,
    Trigger,
    TriggerAction,
    TriggerEvent,
)
from guarantor.section import Section
from guarantor.theatre import Theatre
from guarantor.worlds import columns, sample

SEED = 5


def _without_intelligence(package: Package) -> Package:
    kept = tuple(c for c in package.commitments if not isinstance(c, IntelligenceSharing))
    return package.model_copy(update={"commitments": kept})


@cache
def _worlds(n: int) -> dict[str, np.ndarray]:
    return sample(n, SEED)


def _section(theatre: Theatre, package: Package, name: str, n: int = 32) -> Section:
    instrument = next(i for i in registry.instruments() if i.name == name)
    return instrument.assess(
        theatre, package, columns(_worlds(n), list(instrument.world_parameters))
    )


def test_the_aew_horizon_against_a_50_m_target_from_9000_m_is_the_4_3_earth_formula() -> None:
    k, radius_km = 4.0 / 3.0, 6371.0
    expected = math.sqrt(2 * k * radius_km * 9.0) + math.sqrt(2 * k * radius_km * 0.050)
    assert radar_horizon_km(9000.0, 50.0) == pytest.approx(expected, rel=1e-12)
    assert math.sqrt(2 * k * radius_km * 9.0) == pytest.approx(391.0, abs=0.5)
    assert math.sqrt(2 * k * radius_km * 0.050) == pytest.approx(29.15, abs=0.05)
    assert float(radar_horizon_km(9000.0, 50.0)) == pytest.approx(420.2, abs=0.2)
    # the textbook rule of thumb: d[km] ≈ 4.12 (sqrt(h_r[m]) + sqrt(h_t[m])) for k = 4/3
    assert float(radar_horizon_km(9000.0, 50.0)) == pytest.approx(
        4.12 * (math.sqrt(9000.0) + math.sqrt(50.0)), rel=2e-3
    )


@settings(max_examples=60, deadline=None)
@given(st.floats(1.0, 15_000.0), st.floats(1.0, 15_000.0), st.floats(1.0, 2_000.0))
def test_the_horizon_is_symmetric_and_grows_with_either_height(
    radar: float, target: float, more: float
) -> None:
    assert radar_horizon_km(radar, target) == pytest.approx(radar_horizon_km(target, radar))
    assert radar_horizon_km(radar + more, target) > radar_horizon_km(radar, target)
    assert radar_horizon_km(radar, target + more) > radar_horizon_km(radar, target)


def test_an_orbit_needs_the_aircraft_the_sortie_rate_model_gives() -> None:
    data = shipped_data()
    p = world_table(None, data)
    # NATO E-3A: 10 h endurance, 1.5 h transit each way, 1 h reserve -> 6 h on station;
    # a 9 h flight + 3 h turnaround + 6 h maintenance -> 24/18 sorties a day per aircraft;
    # 24/6 = 4 sorties a day, at a 0.6 mission-capable rate -> 4 / (4/3) / 0.6 = 5 aircraft
    assert float(aircraft_per_orbit("e3a-nato", p, data)[0]) == pytest.approx(5.0)


def test_pledges_of_one_type_share_its_deployable_fleet(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    data = shipped_data()
    p = world_table(None, data)
    found = orbits(packages["sky-shield-2025"], data)
    held = held_orbits(found, p, data)
    # 14 E-3A x 0.5 deployable = 7 aircraft for two orbits of 5 aircraft each: 1.4 orbits held
    assert held.sum() == pytest.approx(7.0 / 5.0)
    assert held[0, 0] == pytest.approx(held[1, 0])


def test_an_unknown_aew_type_or_station_is_a_located_error(
    packages: dict[str, Package],
) -> None:
    bad = IntelligenceSharing(
        id="bad",
        actor="NATO",
        instrument=Instrument.INTELLIGENCE_SHARING,
        level=IntelligenceLevel.OPERATIONAL,
        aew=(AewOrbit(type="e99", station="moon", orbits=1),),
    )
    package = packages["sky-shield-2025"]
    package = package.model_copy(update={"commitments": (*package.commitments, bad)})
    with pytest.raises(DataError) as caught:
        orbits(package, shipped_data())
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"commitments.bad.aew.0.type", "commitments.bad.aew.0.station"}


def test_removing_the_commitment_shortens_warning_and_narrows_reach(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    package = packages["sky-shield-2025"]
    stripped = _without_intelligence(package)
    with_aew = _section(theatre, package, "intelligence")
    without = _section(theatre, stripped, "intelligence")
    assert np.all(
        with_aew.metric("warning_time_min").value >= without.metric("warning_time_min").value
    )
    assert (
        with_aew.metric("warning_time_min").value.mean()
        > without.metric("warning_time_min").value.mean()
    )
    assert without.metric("warning_gain_min").value.max() == 0.0
    assert with_aew.metric("covered_population_share").value.mean() > 0.1
    air_with = _section(theatre, package, "air")
    air_without = _section(theatre, stripped, "air")
    reached = "threat_paths_reached_share"
    assert air_with.metric(reached).value.mean() > air_without.metric(reached).value.mean()
    leakers = "raid_leakers_with_package"
    assert np.all(air_with.metric(leakers).value <= air_without.metric(leakers).value + 1e-9)


def test_earlier_detection_means_fewer_leakers_where_the_fighters_were_late(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    """F-16s at Rzeszów on 45-minute alert guarding Lviv: AEW over Poland lets them catch more."""
    fighters = AirPolicing(
        id="rzeszow",
        actor="POL",
        instrument=Instrument.AIR_POLICING,
        aircraft=(AircraftPledge(type="f16", base="EPRZ", count=24),),
        readiness_min=45,
        protect=("lviv",),
    )
    aew = IntelligenceSharing(
        id="aew",
        actor="NATO",
        instrument=Instrument.INTELLIGENCE_SHARING,
        level=IntelligenceLevel.OPERATIONAL,
        aew=(AewOrbit(type="e3a-nato", station="poland-east", orbits=1),),
    )
    base = packages["sky-shield-2025"]
    air = registry.load("air")
    worlds = columns(_worlds(8), list(air.world_parameters))
    leakers = []
    for commitments in ((fighters,), (fighters, aew)):
        package = base.model_copy(update={"commitments": commitments})
        section = air_assess(theatre, package, worlds, raid="energy-2024-03-22")
        leakers.append(section.metric("raid_leakers_with_package").value)
    assert np.all(leakers[1] <= leakers[0] + 1e-9)
    assert leakers[1].mean() < leakers[0].mean()


def test_the_air_model_takes_the_intelligence_section_it_is_given(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    package = packages["sky-shield-2025"]
    air = registry.load("air")
    worlds = columns(_worlds(16), list(air.world_parameters))
    alone = air.assess(theatre, package, worlds)
    intelligence = registry.load("intelligence").assess(theatre, package, worlds)
    given_section = registry.assess_one(
        air, theatre, package, worlds, sections={"intelligence": intelligence}
    )
    for metric in alone.metrics:
        assert np.array_equal(
            metric.value, given_section.metric(metric.name).value, equal_nan=True
        ), metric.name
    assert [i.name for i in registry.in_run_order()].index("intelligence") < [
        i.name for i in registry.in_run_order()
    ].index("air")


def test_what_the_package_loses_without_the_us_feed(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    paris = _section(theatre, packages["paris-declaration-2026"], "intelligence")
    rows = {row["measure"]: row for row in paris.tables["with_without_us"]}
    attribution = rows["probes attributed within days"]
    targeting = rows["Ukraine's strength factor from targeting support"]
    assert attribution["lost_without_us"] > 0.1
    # France's imagery replaces part of what the US feed gave, not all of it
    assert attribution["no_sharing"] < attribution["without_us"] < attribution["all_providers"]
    assert 1.0 < targeting["without_us"] < targeting["all_providers"]
    providers = {row["provider"]: row for row in paris.tables["providers"]}
    assert set(providers) == {"USA", "FRA"}
    assert providers["USA"]["suspendable"] is True
    assert providers["FRA"]["suspendable"] is False
    assert providers["USA"]["attribution_gain"] > providers["FRA"]["attribution_gain"] > 0
    assert paris.metric("us_suspension_per_year").value.mean() > 0
    # NATO's own AEW is not the US feed: sky-shield loses nothing when the US stops
    shield = _section(theatre, packages["sky-shield-2025"], "intelligence")
    for row in shield.tables["with_without_us"]:
        assert row["lost_without_us"] == 0.0
    assert shield.metric("us_suspension_per_year").value.max() == 0.0


def test_attribution_reaches_durability(theatre: Theatre, packages: dict[str, Package]) -> None:
    package = packages["paris-declaration-2026"]
    worlds = _worlds(1500)
    with_feed = durability.run(theatre, package, worlds, seed=SEED, months=120)
    without = durability.run(theatre, _without_intelligence(package), worlds, seed=SEED, months=120)
    for outcome in ("credibility_end", "probes_answered"):
        assert np.nanmean(with_feed.outcomes[outcome]) > np.nanmean(without.outcomes[outcome])
    assert np.nanmean(with_feed.outcomes["p_hold_horizon"]) >= np.nanmean(
        without.outcomes["p_hold_horizon"]
    )


def test_the_intelligence_suspended_trigger_fires_when_the_us_feed_stops(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    package = packages["paris-declaration-2026"]
    rule = Trigger(
        id="replace-us-feed",
        when=TriggerEvent.INTELLIGENCE_SUSPENDED,
        then=TriggerAction.SNAP_BACK_SANCTIONS,
    )
    package = package.model_copy(update={"triggers": (rule,), "name": "paris-with-rule"})
    n = 400
    fired = {}
    for rate in (0.0, 0.6):
        worlds = dict(_worlds(n))
        worlds["us_suspension_per_year"] = np.full(n, rate)
        result = durability.run(theatre, package, worlds, seed=SEED, months=120)
        fired[rate] = float(np.mean(result.outcomes["snapped_back"] > 0))
    assert fired[0.0] == 0.0
    # P(a pause within 10 years at 0.6 a year) = 1 - exp(-6): nearly every world
    assert fired[0.6] > 0.9
    assert Event.INTELLIGENCE_SUSPENDED.name.lower() == TriggerEvent.INTELLIGENCE_SUSPENDED.value


def test_guarantor_assess_shows_an_intelligence_section() -> None:
    result = CliRunner().invoke(app, ["assess", "sky-shield-2025", "--worlds", "20"])
    assert result.exit_code == 0, result.output
    assert "Intelligence" in result.output
    assert "AEW orbits held" in result.output


def test_a_pause_rescales_what_is_answerable_as_a_full_recomputation_would(
    theatre: Theatre, packages: dict[str, Package]
) -> None:
    """A pause from month 0 to the horizon is the same run as the lower attribution throughout."""
    import dataclasses

    from guarantor.durability import load_calibration, load_uncertainties, sample_worlds
    from guarantor.durability.inputs import package_inputs
    from guarantor.durability.kernel import simulate
    from guarantor.randomness import world_keys

    n, months = 2000, 60
    uncertainties, calibration = load_uncertainties(), load_calibration()
    keys = world_keys(3, np.arange(n))
    inputs = package_inputs(
        theatre,
        packages["paris-declaration-2026"],
        sample_worlds(uncertainties, n, seed=3),
        calibration=calibration,
        uncertainties=uncertainties,
        keys=keys,
        months=months,
    ).kernel
    assert inputs.attribution is not None
    assert inputs.attribution_suspended is not None
    paused = dataclasses.replace(
        inputs,
        suspended_from=np.zeros(n, np.int64),
        suspended_until=np.full(n, months + 1, np.int64),
    )
    throughout = dataclasses.replace(
        inputs,
        attribution=inputs.attribution_suspended,
        suspended_from=np.full(n, -1, np.int64),
        suspended_until=np.full(n, -1, np.int64),
    )
    behaviour = calibration.behaviour_for_kernel()
    a = simulate(paused, behaviour, keys, months)
    b = simulate(throughout, behaviour, keys, months)
    assert np.allclose(a.world_expected_survival, b.world_expected_survival, rtol=1e-4)
    assert (
        abs(a.probes_answered.mean() - b.probes_answered.mean()) <= 0.01 * b.probes_answered.mean()
    )
    assert (
        a.probes_answered.mean() < simulate(inputs, behaviour, keys, months).probes_answered.mean()
    )
