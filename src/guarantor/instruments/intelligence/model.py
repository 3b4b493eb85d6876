"""Intelligence sharing: early warning, attribution, targeting support and a provider's pause.

A package's ``intelligence_sharing`` commitments say who shares what with Ukraine: the level
(strategic, operational, real-time targeting), what Ukraine may use it for, whether satellite
imagery and signals intelligence are shared, and airborne early warning (AEW) orbits flown over
Poland and Romania. Four effects, each per world:

* **Warning time** against low-level raids. A radar at height h_r sees a target at height h_t out
  to the 4/3-earth radio horizon (standard refraction, k = 4/3, R = 6,371 km)::

      d = sqrt(2 k R h_r) + sqrt(2 k R h_t)

  From 9,000 m against a 50 m cruise missile: 391 + 29 = 420 km; a 20 m ground mast sees the same
  missile at 16 + 29 = 45 km. An orbit detects out to min(horizon, the radar's reach). A threat
  heading for a city at distance r from an orbit is seen ``max(0, d − r − d_ground)`` km earlier
  than by the ground radar (the worst case: it comes from beyond the city); at speed v that is
  minutes of extra warning. Warning time is the population-weighted mean over free Ukraine's
  cities of (d_ground + held share × extra depth) / v.
* **Orbit sustainment**, as for fighter patrols (:mod:`guarantor.instruments.air.sustain`): time
  on station = endurance − 2 transit − reserve; aircraft per continuous orbit = (24 / TOS
  sorties a day) / sortie rate / mission-capable rate; the orbits held are what the deployable
  share of the operator's fleet covers.
* **Attribution** of a probe within days: independent channels, each attributing a share of
  what is still unattributed::

      p = 1 − (1 − p_national) · Π_imagery (1 − f · a_img) · Π_signals (1 − f · a_sig)
            · Π_orbits (1 − a_aew · held)

  with f the freshness of the commitment's level.
* **Targeting support**: Ukraine's effective strength × (1 + uplift(level) × factor(use) ×
  channels), the best provider's; channels is the share of imagery and signals shared (half each).

**Dependence**: the US feed can be suspended (the record: the pause of 5-11 March 2025). The
section shows every figure with all providers and without the US, and what each provider brings
alone; the durability simulation draws the pause's month per world and runs it.

The section's metrics are named in :mod:`.metrics`, its verdict and tables written in
:mod:`.views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.geo import contains, distance_km
from guarantor.instruments.air.sustain import cap_aircraft_required, time_on_station_h
from guarantor.instruments.intelligence.data import (
    SUSPENDING_PROVIDER,
    IntelligenceData,
    shipped_data,
    world_table,
)
from guarantor.instruments.intelligence.metrics import section_metrics, station_key
from guarantor.instruments.intelligence.views import provider_rows, verdict, with_without_rows
from guarantor.packages.schema import IntelligenceSharing, Package, magnitude
from guarantor.section import Lazy, Section, Worlds
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]
EARTH_RADIUS_KM = 6371.0
"""Mean radius of the Earth (IUGG), km."""
K_FACTOR = 4.0 / 3.0
"""Effective Earth radius factor of standard atmospheric refraction (the 4/3-earth model)."""


def radar_horizon_km(
    radar_height_m: Any, target_height_m: Any, *, k: float = K_FACTOR
) -> FloatArray:
    """The radio horizon between a radar and a target: sqrt(2kRh_r) + sqrt(2kRh_t), km."""
    reach = 2.0 * k * EARTH_RADIUS_KM / 1000.0
    radar = np.sqrt(reach * np.asarray(radar_height_m, np.float64))
    target = np.sqrt(reach * np.asarray(target_height_m, np.float64))
    return np.asarray(radar + target, np.float64)


@dataclass(frozen=True)
class Orbit:
    """One AEW pledge of a commitment: type, station, orbits asked."""

    commitment: str
    provider: str
    type: str
    station: str
    asked: float


def commitments(package: Package) -> list[IntelligenceSharing]:
    """The package's intelligence-sharing commitments."""
    return [c for c in package.commitments if isinstance(c, IntelligenceSharing)]


def orbits(package: Package, data: IntelligenceData) -> list[Orbit]:
    """Every AEW pledge of the package, checked against the data.

    Raises:
        DataError: a pledge names an AEW type or a station the data does not describe.
    """
    found, problems = [], []
    for c in commitments(package):
        for index, pledge in enumerate(c.aew):
            where = f"commitments.{c.id}.aew.{index}"
            if pledge.type not in data.aew_types:
                problems.append(
                    Problem(
                        "unknown AEW type",
                        field=f"{where}.type",
                        expected=f"one of {sorted(data.aew_types)}",
                        received=pledge.type,
                    )
                )
            if pledge.station not in data.stations:
                problems.append(
                    Problem(
                        "unknown AEW station",
                        field=f"{where}.station",
                        expected=f"one of {sorted(data.stations)}",
                        received=pledge.station,
                    )
                )
            found.append(
                Orbit(c.id, c.actor, pledge.type, pledge.station, magnitude(pledge.orbits))
            )
    if problems:
        raise DataError(problems)
    return found


def held_orbits(found: list[Orbit], p: dict[str, FloatArray], data: IntelligenceData) -> FloatArray:
    """Continuous orbits held of each pledge per world, shape (pledges, worlds).

    Pledges of one type share the deployable part of its operator's fleet in proportion to the
    orbits they ask for: each holds ``asked × min(1, deployable / aircraft all of them need)``.
    """
    size = p["aew_orbit_altitude_m"].size
    held = np.zeros((len(found), size))
    for kind_id in dict.fromkeys(orbit.type for orbit in found):
        rows = [i for i, orbit in enumerate(found) if orbit.type == kind_id]
        asked = np.array([found[i].asked for i in rows])
        per_orbit = aircraft_per_orbit(kind_id, p, data)
        per_orbit = np.where(np.isfinite(per_orbit) & (per_orbit > 0), per_orbit, np.inf)
        deployable = data.aew_types[kind_id].fleet.value * p["aew_deployable_share"]
        needed = asked.sum() * per_orbit
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(needed > 0, np.minimum(1.0, deployable / needed), 0.0)
        held[rows] = asked[:, None] * share[None, :]
    return held


def aircraft_per_orbit(
    kind_id: str, p: dict[str, FloatArray], data: IntelligenceData
) -> FloatArray:
    """Aircraft an operator assigns to hold one continuous orbit of a type, per world."""
    kind = data.aew_types[kind_id]
    on_station = time_on_station_h(kind.endurance_h.value, kind.transit_h.value, p["aew_reserve_h"])
    return cap_aircraft_required(
        kind.transit_h.value,
        np.where(on_station > 0, on_station, np.nan),
        p["aew_turnaround_h"] * 60.0,
        p["aew_maintenance_h"],
        p["aew_mission_capable_rate"],
        aircraft_per_station=1.0,
    )


@dataclass(frozen=True)
class _Cities:
    lon: FloatArray
    lat: FloatArray
    population: FloatArray


def _free_cities(theatre: Theatre) -> _Cities:
    cities = theatre.cities
    lon = np.array([c.longitude for c in cities])
    lat = np.array([c.latitude for c in cities])
    population = np.array([c.population.value for c in cities], np.float64)
    free = ~contains(theatre.occupied, lon, lat)
    return _Cities(lon[free], lat[free], population[free])


@dataclass(frozen=True)
class Picture:
    """What a set of commitments gives, per world."""

    warning_min: FloatArray
    gain_min: FloatArray
    covered_share: FloatArray
    attribution: FloatArray
    targeting_factor: FloatArray
    held: FloatArray
    """Orbits held of each pledge, (pledges, worlds)."""
    station_up: dict[str, FloatArray]
    """Share of time an orbit is up over each station, per world."""
    station_seen_km: dict[str, FloatArray]
    """How far the best radar over each station sees a low-level target, per world (km)."""
    ground_km: FloatArray
    """How far a ground radar sees a low-level target (km)."""


def picture(
    chosen: list[IntelligenceSharing],
    *,
    found: list[Orbit],
    held: FloatArray,
    cities: _Cities,
    p: dict[str, FloatArray],
    data: IntelligenceData,
) -> Picture:
    """Warning, attribution and targeting from the commitments ``chosen`` (and their orbits)."""
    ids = {c.id for c in chosen}
    size = p["aew_orbit_altitude_m"].size
    horizon = radar_horizon_km(p["aew_orbit_altitude_m"], p["low_level_target_altitude_m"])
    ground = radar_horizon_km(p["ground_radar_height_m"], p["low_level_target_altitude_m"])
    depth = np.zeros((size, cities.lon.size))
    unattributed = 1.0 - p["attribution_national"]
    up_by_station: dict[str, FloatArray] = {}
    seen_by_station: dict[str, FloatArray] = {}
    for i, orbit in enumerate(found):
        if orbit.commitment not in ids:
            continue
        seen = np.minimum(horizon, data.aew_types[orbit.type].radar_range_km.value)
        up = up_by_station.get(orbit.station, np.zeros(size))
        up_by_station[orbit.station] = np.minimum(1.0, up + held[i])
        best = seen_by_station.get(orbit.station, np.zeros(size))
        seen_by_station[orbit.station] = np.maximum(best, np.where(held[i] > 0, seen, 0.0))
    for station_id, up in up_by_station.items():
        station = data.stations[station_id]
        r = distance_km(station.lon, station.lat, cities.lon, cities.lat)
        seen = seen_by_station[station_id]
        extra = np.maximum(0.0, seen[:, None] - r[None, :] - ground[:, None])
        depth = np.maximum(depth, up[:, None] * extra)
        unattributed = unattributed * (1.0 - p["attribution_aew"] * up)
    uplift = np.zeros(size)
    for c in chosen:
        level = data.sharing_levels[c.level]
        fresh = level.freshness.value
        if c.imagery:
            unattributed = unattributed * (1.0 - fresh * p["attribution_imagery"])
        if c.signals:
            unattributed = unattributed * (1.0 - fresh * p["attribution_signals"])
        # targeting rides on the imagery and signals channels, each carrying half of it
        channels = (float(c.imagery) + float(c.signals)) / 2.0
        uplift = np.maximum(
            uplift, level.targeting_uplift.value * data.sharing_uses[c.use].value * channels
        )
    weights = cities.population / cities.population.sum()
    speed = p["low_level_threat_speed_kmh"]
    gain = (depth @ weights) / speed * 60.0
    warning = ground / speed * 60.0 + gain
    covered = (depth > 0) @ weights
    return Picture(
        np.asarray(warning, np.float64),
        np.asarray(gain, np.float64),
        np.asarray(covered, np.float64),
        np.asarray(1.0 - unattributed, np.float64),
        np.asarray(1.0 + uplift, np.float64),
        held,
        up_by_station,
        seen_by_station,
        np.asarray(ground, np.float64),
    )


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    data: IntelligenceData | None = None,
) -> Section:
    """The intelligence section of a package over worlds (see the module docstring).

    Raises:
        DataError: a pledge names an unknown AEW type or station, or a world parameter is out
            of bounds.
    """
    data = data or shipped_data()
    p = world_table(worlds, data)
    chosen = commitments(package)
    found = orbits(package, data)
    held = held_orbits(found, p, data)
    cities = _free_cities(theatre)
    everyone = picture(chosen, found=found, held=held, cities=cities, p=p, data=data)
    others = [c for c in chosen if c.actor != SUSPENDING_PROVIDER]
    without = picture(others, found=found, held=held, cities=cities, p=p, data=data)
    nobody = picture([], found=found, held=held, cities=cities, p=p, data=data)
    us = any(c.actor == SUSPENDING_PROVIDER for c in chosen)
    rate = p["us_suspension_per_year"] * us
    suspended_share = np.clip(rate * p["suspension_months"] / 12.0, 0.0, 1.0)
    horizon = radar_horizon_km(p["aew_orbit_altitude_m"], p["low_level_target_altitude_m"])
    metrics = section_metrics(
        data,
        p=p,
        found=found,
        held=held,
        everyone=everyone,
        without=without,
        horizon=horizon,
        rate=rate,
        suspended_share=suspended_share,
    )

    def tables() -> dict[str, list[dict[str, Any]]]:
        # what each provider brings alone: one more picture per commitment, drawn when shown
        alone = [
            picture([c], found=found, held=held, cities=cities, p=p, data=data) for c in chosen
        ]
        return {
            "with_without_us": with_without_rows(everyone, without, nobody),
            "providers": provider_rows(chosen, found=found, held=held, alone=alone, nobody=nobody),
        }

    return Section(
        "intelligence",
        "Intelligence",
        verdict(chosen, everyone, without, found, held),
        metrics,
        tables=Lazy(tables),
        notes=(
            "AEW orbits fly over Poland and Romania only, as NATO's have since March 2014; "
            "their radar horizon against low-flying threats reaches western and south-western "
            "Ukraine, not the east.",
            "Only the US feed is modelled as suspendable (the March 2025 record); France kept "
            "sharing through the pause.",
        ),
    )


__all__ = [
    "EARTH_RADIUS_KM",
    "K_FACTOR",
    "SUSPENDING_PROVIDER",
    "Orbit",
    "Picture",
    "aircraft_per_orbit",
    "assess",
    "commitments",
    "held_orbits",
    "orbits",
    "picture",
    "radar_horizon_km",
    "station_key",
]
