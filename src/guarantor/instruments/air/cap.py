"""Sustained CAP stations: which stations a package's fleet holds around the clock, with what.

Each commitment's stations are served by its own pledges, nearest (cheapest) pledge first, after
each base keeps its quick-reaction-alert detachment. A station beyond a type's combat radius needs
tankers: the commitment's tankers must then fly the tanker sorties too. See ``docs/air.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.air.data import AirData, shipped_data
from guarantor.instruments.air.pledges import AirPledges, Pledge, Station
from guarantor.instruments.air.reach import airspace_for, pledge_transit, radius_km
from guarantor.instruments.air.sustain import (
    MIN_TIME_ON_STATION_H,
    allocate,
    cap_aircraft_required,
    cap_sorties_per_day,
    sortie_endurance_h,
    sortie_rate,
    tanker_sorties_required,
    time_on_station_h,
)
from guarantor.theatre import Theatre
from guarantor.theatre.schema import Place

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
_HELD = 1.0 - 1e-9


def type_value(pledge: Pledge, name: str, default: float) -> float:
    """A figure of the pledge's aircraft type, or ``default`` when the theatre gives none."""
    quantity = getattr(pledge.kind, name)
    return float(quantity.value) if quantity is not None else default


def per_pledge(
    pledges: tuple[Pledge, ...], p: dict[str, FloatArray], given: set[str], name: str, field: str
) -> FloatArray:
    """A parameter per pledge and world: the world's value if given, else the type's own."""
    size = p[name].size
    if name in given:
        return np.broadcast_to(p[name], (len(pledges), size)).copy()
    own = [type_value(x, field, float(p[name][0])) for x in pledges]
    return np.repeat(np.array(own, np.float64)[:, None], size, axis=1)


def plane(theatre: Theatre, lon: list[float], lat: list[float]) -> tuple[FloatArray, FloatArray]:
    """Project longitudes/latitudes to the routing raster's plane (metres)."""
    airspace = airspace_for(theatre, 0.0, shipped_data().model.route_node_km.value)
    return airspace.project(lon, lat)


def place_plane(theatre: Theatre, places: list[Place]) -> tuple[FloatArray, FloatArray]:
    """Project places to the routing raster's plane (metres)."""
    return plane(theatre, [x.longitude for x in places], [x.latitude for x in places])


@dataclass(frozen=True)
class CapPlan:
    """Which CAP stations the fleet holds, with what, in each world."""

    required: FloatArray
    """Aircraft pledge p alone would need for station s, shape (stations, pledges, worlds)."""
    allocated: FloatArray
    held: FloatArray
    sustained: BoolArray
    """Station held around the clock (fighters and tankers), shape (stations, worlds)."""
    tanker_sorties: FloatArray
    route_km: FloatArray
    """Route length from each pledge's base to each station, shape (stations, pledges)."""
    needs_tanker: BoolArray
    primary: tuple[int, ...]
    """Index of the pledge best placed for each station (-1 if none can reach it)."""
    qra_reserved: FloatArray
    """Aircraft of each pledge kept on quick-reaction alert, shape (pledges,)."""
    tanker_aircraft_required: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Tankers the refuelled stations need, each flown by its best-placed tanker, (worlds,)."""
    time_on_station_h: FloatArray = field(default_factory=lambda: np.zeros(0))
    """Time on station per sortie, fuel and transit allowing, shape (stations, pledges, worlds)."""

    def station_required(self, station: int) -> FloatArray:
        """Aircraft the station's first-choice pledge needs (the one the table shows), (worlds,)."""
        first = self.primary[station]
        if first < 0:
            return np.zeros(self.held.shape[1])
        return np.asarray(self.required[station, first], np.float64)

    @property
    def aircraft_required(self) -> FloatArray:
        """QRA detachments plus each reachable station's first-choice pledge requirement.

        The first-choice pledge is the one the CAP table reports, so the headline and the table
        add up to the same number.
        """
        stations = np.zeros(self.held.shape[1])
        for station in range(len(self.primary)):
            stations = stations + self.station_required(station)
        return np.asarray(self.qra_reserved.sum() + stations, np.float64)


def cap_plan(
    theatre: Theatre, pledges: AirPledges, p: dict[str, FloatArray], given: set[str], data: AirData
) -> CapPlan:
    """Hold each CAP station with the pledges of its commitment, nearest first."""
    fighters, tankers, stations = pledges.fighters, pledges.tankers, pledges.stations
    size = p["readiness_min"].size
    reserved = np.zeros(len(fighters))
    left_at: dict[tuple[str, str], float] = {}
    for i, pledge in enumerate(fighters):
        key = (pledge.commitment, pledge.base.id)
        left = left_at.setdefault(key, data.qra.aircraft_per_base.value)
        reserved[i] = min(pledge.count, left)
        left_at[key] = left - reserved[i]
    shape = (len(stations), len(fighters))
    route = np.full(shape, np.inf)
    if stations and fighters:
        x, y = place_plane(theatre, [s.place for s in stations])
        route = pledge_transit(theatre, fighters, x, y).route_km.T
    plain = np.array([radius_km(f, tankers=False) for f in fighters])
    extended = np.array([radius_km(f, tankers=True) for f in fighters])
    own = np.array([[f.commitment == s.commitment for f in fighters] for s in stations], bool)
    own = own.reshape(shape)
    needs_tanker = route > plain[None, :]
    reachable = own & (route <= extended[None, :])
    speed = np.array([f.kind.cruise_speed_kmh.value for f in fighters])
    endurance = np.array([sortie_endurance_h(f, data) for f in fighters])
    transit = (route / speed[None, :])[:, :, None]
    tos = time_on_station_h(
        endurance[None, :, None] * p["fuel_endurance_factor"],
        transit,
        p["reserve_h"],
        refuelled=needs_tanker[:, :, None],
        extension_h=p["refuelling_extension_h"],
    )
    reachable = reachable[:, :, None] & (tos >= MIN_TIME_ON_STATION_H)
    tos = np.maximum(tos, MIN_TIME_ON_STATION_H)
    mc = per_pledge(fighters, p, given, "mission_capable_rate", "mission_capable_rate")
    tat = per_pledge(fighters, p, given, "turnaround_min", "turnaround_min")
    required = cap_aircraft_required(
        transit,
        tos,
        tat[None],
        p["maintenance_h"],
        mc[None],
        aircraft_per_station=p["cap_aircraft_per_station"],
    )
    required = np.where(reachable, required, np.inf).reshape(*shape, size)
    # Pledges that need no tanker go first (tankers are scarce), then the cheapest.
    order = [
        _best_first(np.flatnonzero(reachable[s, :, 0]), required[s, :, 0], needs_tanker[s])
        for s in range(len(stations))
    ]
    available = np.repeat((np.array([f.count for f in fighters]) - reserved)[:, None], size, 1)
    held, allocated = allocate(required, available, order)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(np.isfinite(required), allocated / required, 0.0)
    tanked = (share * needs_tanker[:, :, None]).sum(axis=1)
    tanked_tos = np.where(share > 0, tos, 0.0).max(axis=1, initial=0.0)
    sorties = tanked * tanker_sorties_required(
        cap_sorties_per_day(p["cap_aircraft_per_station"], np.maximum(tanked_tos, 1e-3)),
        p["tanker_offload_per_fighter_sortie_kg"],
        np.array([_transfer_fuel(tankers, s.commitment) for s in stations])[:, None],
        p["tanker_on_station_h"],
    )
    tanker_held, tankers_needed = _tankers_held(
        theatre, tankers, stations, sorties=sorties, p=p, data=data
    )
    sustained = (held >= _HELD) & (tanker_held >= _HELD)
    primary = tuple(int(o[0]) if o else -1 for o in order)
    return CapPlan(
        required,
        allocated,
        held,
        sustained,
        sorties,
        route,
        needs_tanker,
        primary,
        reserved,
        tankers_needed,
        tos,
    )


def _best_first(candidates: NDArray[np.int64], cost: FloatArray, tanked: BoolArray) -> list[int]:
    """Candidates ordered: those needing no tanker first, then by cost (first world)."""
    ranked = np.lexsort((cost[candidates], tanked[candidates]))
    return [int(i) for i in candidates[ranked]]


def _transfer_fuel(tankers: tuple[Pledge, ...], commitment: str) -> float:
    fuel = [
        t.kind.transfer_fuel_kg.value
        for t in tankers
        if t.commitment == commitment and t.kind.transfer_fuel_kg
    ]
    return float(max(fuel)) if fuel else np.inf


def _tankers_held(
    theatre: Theatre,
    tankers: tuple[Pledge, ...],
    stations: tuple[Station, ...],
    *,
    sorties: FloatArray,
    p: dict[str, FloatArray],
    data: AirData,
) -> tuple[FloatArray, FloatArray]:
    """Share of each station's tanker sorties flown (stations, worlds); tankers needed (worlds,).

    A station's tankers needed are those of its best-placed tanker pledge flying every sortie.
    """
    needed = sorties > 0
    if not tankers or not stations:
        return np.where(needed, 0.0, 1.0), np.zeros(sorties.shape[-1])
    places = [s.place for s in stations]
    x, y = place_plane(theatre, places)
    route = pledge_transit(theatre, tankers, x, y).route_km.T
    speed = np.array([t.kind.cruise_speed_kmh.value for t in tankers])
    default_mc = data.world["mission_capable_rate"].value
    mc = np.array([type_value(t, "mission_capable_rate", default_mc) for t in tankers])
    flight = 2.0 * route[:, :, None] / speed[None, :, None] + p["tanker_on_station_h"]
    rate = sortie_rate(flight, p["turnaround_min"], p["maintenance_h"])
    own = np.array([[t.commitment == s.commitment for t in tankers] for s in stations], bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        required = np.where(
            own[:, :, None] & np.isfinite(flight),
            sorties[:, None, :] / rate / mc[None, :, None],
            np.inf,
        )
    order = [
        _best_first(np.flatnonzero(own[s]), required[s, :, 0], np.zeros(len(tankers), bool))
        for s in range(len(places))
    ]
    available = np.repeat(np.array([t.count for t in tankers])[:, None], sorties.shape[1], 1)
    held, _ = allocate(required, available, order)
    best = np.where(needed, np.min(required, axis=1, initial=np.inf), 0.0)
    aircraft = np.where(np.isfinite(best), best, 0.0).sum(axis=0)
    return np.where(needed, held, 1.0), aircraft
