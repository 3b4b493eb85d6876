"""Sustained patrols: the RAND sortie-rate model, CAP requirements and allocating pledges.

Every function is vectorised: arguments broadcast against each other (worlds, stations, pledges).

    sortie rate          SR = 24 / (FT + TAT + MT)            sorties per aircraft per day
    flight time          FT = 2 * transit + time on station    (h)
    sorties per day      n = aircraft per station * 24 / time on station
    aircraft assigned    A = n / SR / mission-capable rate
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from guarantor.instruments.air.data import AirData
    from guarantor.instruments.air.pledges import Pledge

FloatArray = NDArray[np.float64]
NM_KM = 1.852
"""Kilometres per nautical mile."""


def sortie_rate(
    flight_h: ArrayLike, turnaround_min: ArrayLike, maintenance_h: ArrayLike
) -> FloatArray:
    """Sorties per aircraft per day, RAND's SR = 24 / (FT + TAT + MT).

    Args:
        flight_h: flight time per sortie (transit both ways plus any time on station), hours.
        turnaround_min: ground turnaround between sorties, minutes.
        maintenance_h: maintenance time per sortie, hours.
    """
    cycle_h = np.asarray(flight_h, np.float64) + np.asarray(turnaround_min) / 60.0
    return np.asarray(24.0 / (cycle_h + np.asarray(maintenance_h)), np.float64)


def transit_h(route_km: ArrayLike, speed_kmh: ArrayLike) -> FloatArray:
    """Hours to fly a route at a speed (inf for an unreachable route)."""
    return np.asarray(np.asarray(route_km, np.float64) / np.asarray(speed_kmh), np.float64)


def cap_sorties_per_day(
    aircraft_per_station: ArrayLike, time_on_station_h: ArrayLike
) -> FloatArray:
    """Sorties a day that keep ``aircraft_per_station`` fighters on a station around the clock."""
    return np.asarray(
        np.asarray(aircraft_per_station, np.float64) * 24.0 / np.asarray(time_on_station_h),
        np.float64,
    )


def cap_aircraft_required(
    transit_hours: ArrayLike,
    time_on_station_h: ArrayLike,
    turnaround_min: ArrayLike,
    maintenance_h: ArrayLike,
    mission_capable_rate: ArrayLike,
    *,
    aircraft_per_station: ArrayLike = 2.0,
) -> FloatArray:
    """Aircraft to assign so that one CAP station is held around the clock.

    The station needs ``aircraft_per_station * 24 / time on station`` sorties a day; each
    mission-capable aircraft flies SR of them, with FT = 2 * transit + time on station.
    """
    flight = 2.0 * np.asarray(transit_hours, np.float64) + np.asarray(time_on_station_h)
    rate = sortie_rate(flight, turnaround_min, maintenance_h)
    needed = cap_sorties_per_day(aircraft_per_station, time_on_station_h)
    with np.errstate(divide="ignore", invalid="ignore"):
        required = needed / rate / np.asarray(mission_capable_rate, np.float64)
    return np.asarray(np.where(np.isfinite(flight), required, np.inf), np.float64)


def tanker_sorties_required(
    fighter_sorties_per_day: ArrayLike,
    offload_per_fighter_sortie_kg: ArrayLike,
    transfer_fuel_kg: ArrayLike,
    tanker_on_station_h: ArrayLike,
) -> FloatArray:
    """Tanker sorties a day for a station whose fighters refuel once per sortie.

    The larger of the fuel needed (fighter sorties * offload / fuel a tanker transfers) and the
    sorties that keep one tanker on its track around the clock.
    """
    fuel = (
        np.asarray(fighter_sorties_per_day, np.float64)
        * np.asarray(offload_per_fighter_sortie_kg)
        / np.asarray(transfer_fuel_kg)
    )
    presence = 24.0 / np.asarray(tanker_on_station_h, np.float64)
    return np.asarray(np.maximum(fuel, presence), np.float64)


def allocate(
    required: FloatArray, available: FloatArray, order: list[list[int]]
) -> tuple[FloatArray, FloatArray]:
    """Share pledged aircraft among stations, first station first, nearest pledge first.

    Args:
        required: aircraft pledge ``p`` alone would need to hold station ``s``, shape
            (stations, pledges, worlds); inf where it cannot.
        available: aircraft of each pledge free for patrols, shape (pledges, worlds).
        order: for each station, the pledges that may serve it, best first.

    Returns:
        The share of each station held (0-1), shape (stations, worlds), and the aircraft
        allocated, shape (stations, pledges, worlds).
    """
    stations, pledges, worlds = required.shape
    left = np.array(available, np.float64, copy=True)
    held = np.zeros((stations, worlds))
    allocated = np.zeros((stations, pledges, worlds))
    # A loop over stations and their pledges (a handful), never over worlds or cells.
    for station in range(stations):
        for pledge in order[station]:
            need = required[station, pledge]
            usable = np.isfinite(need) & (need > 0)
            gap = np.where(usable, (1.0 - held[station]) * np.where(usable, need, 0.0), 0.0)
            take = np.clip(np.minimum(left[pledge], gap), 0.0, None)
            held[station] += np.where(usable, take / np.where(usable, need, 1.0), 0.0)
            left[pledge] -= take
            allocated[station, pledge] = take
    return np.minimum(held, 1.0), allocated


MIN_TIME_ON_STATION_H = 0.25
"""A station a sortie cannot hold for at least this long (fuel and transits) is out of reach."""


def sortie_endurance_h(pledge: Pledge, data: AirData) -> float:
    """A fighter type's sortie endurance (``air/data.yaml``), else the theatre's time on station.

    The theatre's ``endurance_h`` is a time on station; a type the air data does not describe is
    given that time on station plus an hour of transits, so the result stays a sortie length.
    """
    figures = data.figures(pledge.kind.id)
    if figures is not None and figures.sortie_endurance_h is not None:
        return float(figures.sortie_endurance_h.value)
    own = pledge.kind.endurance_h
    return float(own.value if own is not None else 1.5) + 1.0


def time_on_station_h(
    endurance_h: ArrayLike,
    transit_hours: ArrayLike,
    reserve_h: ArrayLike,
    *,
    refuelled: ArrayLike = False,
    extension_h: ArrayLike = 0.0,
) -> FloatArray:
    """Time on station per sortie: endurance − both transits − reserve (+ one refuelling).

    Negative results (a station beyond what the fuel allows) are returned as 0.
    """
    left = (
        np.asarray(endurance_h, np.float64)
        - 2.0 * np.asarray(transit_hours, np.float64)
        - np.asarray(reserve_h, np.float64)
        + np.where(np.asarray(refuelled, bool), np.asarray(extension_h, np.float64), 0.0)
    )
    return np.asarray(np.clip(np.nan_to_num(left, nan=0.0, neginf=0.0), 0.0, None), np.float64)


def annual_flying_hours(
    sorties_per_day: ArrayLike, transit_hours: ArrayLike, time_on_station: ArrayLike
) -> FloatArray:
    """Flying hours a year of a station's sorties: sorties × (2 transit + TOS) × 365."""
    flight = 2.0 * np.asarray(transit_hours, np.float64) + np.asarray(time_on_station, np.float64)
    return np.asarray(np.asarray(sorties_per_day, np.float64) * flight * 365.0, np.float64)
