"""Years, not nights: the flying hours, pilots and money the package's patrols take each year.

For each CAP station its first-choice pledge flies ``n · 24 / TOS`` sorties a day (TOS from fuel
and transit, :func:`.sustain.time_on_station_h`), each ``2 · transit + TOS`` hours long::

    hours a year          H = Σ stations held share · sorties a day · (2 transit + TOS) · 365
    hours per aircraft    H / aircraft on patrol              against what an airframe sustains
    pilots needed         H / hours a pilot flies a year      against crew ratio · aircraft
    aircraft to sustain   H / airframe hours a year           (beside the RAND sortie-rate need)
    cost                  H · cost per flight hour of the type  + tanker hours · tanker's cost

Tanker hours are the station's tanker sorties · (2 transit + time on track) · 365 with the
fighters' transit (tankers fly from the same region).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.air.cap import CapPlan
from guarantor.instruments.air.data import AirData
from guarantor.instruments.air.pledges import AirPledges
from guarantor.instruments.air.sustain import annual_flying_hours, cap_sorties_per_day

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Upkeep:
    """Yearly figures of the package's patrols, per world (worlds,)."""

    flying_hours: FloatArray
    aircraft_on_patrol: FloatArray
    pilots_required: FloatArray
    pilots_available: FloatArray
    aircraft_to_sustain: FloatArray
    cost_usd_bn: FloatArray
    rows: tuple[dict[str, Any], ...]

    @property
    def hours_per_aircraft(self) -> FloatArray:
        """Flying hours a year per aircraft on patrol (0 with none)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = self.flying_hours / self.aircraft_on_patrol
        return np.asarray(np.where(self.aircraft_on_patrol > 0, ratio, 0.0), np.float64)


def _cost(data: AirData, type_id: str) -> float:
    figures = data.figures(type_id)
    return float(figures.cost_per_flight_hour_usd.value) if figures is not None else 0.0


def upkeep(cap: CapPlan, pledges: AirPledges, p: dict[str, FloatArray], data: AirData) -> Upkeep:
    """The patrols' yearly hours, pilots and cost (see the module docstring)."""
    size = p["readiness_min"].size
    hours = np.zeros(size)
    cost = np.zeros(size)
    aircraft = np.zeros(size)
    rows = []
    for s, station in enumerate(pledges.stations):
        first = cap.primary[s]
        if first < 0:
            continue
        pledge = pledges.fighters[first]
        tos = cap.time_on_station_h[s, first]
        transit = cap.route_km[s, first] / pledge.kind.cruise_speed_kmh.value
        sorties = cap_sorties_per_day(p["cap_aircraft_per_station"], tos)
        held = cap.held[s]
        station_hours = held * annual_flying_hours(sorties, transit, tos)
        tankers = [t for t in pledges.tankers if t.commitment == station.commitment]
        tanker_hours = cap.tanker_sorties[s] * (2.0 * transit + p["tanker_on_station_h"]) * 365.0
        tanker_cost = _cost(data, tankers[0].kind.id) if tankers else 0.0
        station_cost = station_hours * _cost(data, pledge.kind.id) + tanker_hours * tanker_cost
        on_patrol = cap.allocated[s].sum(axis=0)
        hours = hours + station_hours
        cost = cost + station_cost
        aircraft = aircraft + on_patrol
        rows.append(
            {
                "station": station.place.id,
                "pledge": f"{pledge.kind.id}@{pledge.base.id}",
                "time_on_station_h": round(float(np.median(tos)), 2),
                "sorties_per_day": round(float(np.median(sorties * held)), 1),
                "flying_hours_per_year": round(float(np.median(station_hours))),
                "tanker_hours_per_year": round(float(np.median(tanker_hours))),
                "aircraft_on_patrol": round(float(np.median(on_patrol)), 1),
                "cost_usd_m_per_year": round(float(np.median(station_cost)) / 1e6, 1),
            }
        )
    return Upkeep(
        flying_hours=np.asarray(hours, np.float64),
        aircraft_on_patrol=np.asarray(aircraft, np.float64),
        pilots_required=np.asarray(hours / p["pilot_hours_year"], np.float64),
        pilots_available=np.asarray(aircraft * p["crew_ratio"], np.float64),
        aircraft_to_sustain=np.asarray(hours / p["airframe_hours_year"], np.float64),
        cost_usd_bn=np.asarray(cost / 1e9, np.float64),
        rows=tuple(rows),
    )
