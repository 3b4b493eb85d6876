"""The corridor's geometry: the coastal track to the Bosporus and every port's leg."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor.geo import GEOD, distance_km
from guarantor.instruments.maritime.data import MaritimeData
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]

KM_PER_NMI = 1.852


# --------------------------------------------------------------------------------------------
# Corridor geometry


@dataclass(frozen=True)
class PortLeg:
    """One port's way to the Bosporus."""

    port: str
    name: str
    group: str
    lon: float
    lat: float
    sea_km: float
    river_km: float
    capacity_mt_per_month: float
    joins: int


@dataclass(frozen=True)
class CorridorGeometry:
    """The track (waypoints in order) and every port's leg."""

    lon: FloatArray
    lat: FloatArray
    cumulative_km: FloatArray
    ports: tuple[PortLeg, ...]

    @property
    def length_km(self) -> float:
        """Length of the sea track from its first waypoint to the Bosporus."""
        return float(self.cumulative_km[-1])

    def port(self, port_id: str) -> PortLeg:
        """Return the leg of one port."""
        return next(leg for leg in self.ports if leg.port == port_id)

    def points_along(self, distances_km: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Positions at given distances along the track (clipped to its ends)."""
        distances = np.clip(np.asarray(distances_km, dtype=np.float64), 0.0, self.length_km)
        segment = np.clip(
            np.searchsorted(self.cumulative_km, distances, side="right") - 1,
            0,
            self.lon.size - 2,
        )
        azimuth, _, _ = GEOD.inv(
            self.lon[segment], self.lat[segment], self.lon[segment + 1], self.lat[segment + 1]
        )
        remaining_m = (distances - self.cumulative_km[segment]) * 1000.0
        lon, lat, _ = GEOD.fwd(self.lon[segment], self.lat[segment], azimuth, remaining_m)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def corridor_geometry(theatre: Theatre, data: MaritimeData) -> CorridorGeometry:
    """Build the corridor from the data's waypoints and the theatre's port positions."""
    waypoints = data.file.corridor.waypoints
    lon = np.array([waypoint.longitude for waypoint in waypoints], dtype=np.float64)
    lat = np.array([waypoint.latitude for waypoint in waypoints], dtype=np.float64)
    legs = distance_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    cumulative = np.concatenate([[0.0], np.cumsum(legs)])
    ports = []
    for port in data.file.corridor.ports:
        place = theatre.place(port.port)
        join = data.waypoint_index(port.joins)
        approach = float(distance_km(place.longitude, place.latitude, lon[join], lat[join]))
        river = port.river_km.value if port.river_km is not None else 0.0
        sea = approach + cumulative[-1] - cumulative[join]
        if port.river_km is not None:
            # a river port's approach is its river run; the sea leg starts at the river mouth
            sea = cumulative[-1] - cumulative[join]
        ports.append(
            PortLeg(
                port=port.port,
                name=place.name,
                group=port.group,
                lon=place.longitude,
                lat=place.latitude,
                sea_km=float(sea),
                river_km=float(river),
                capacity_mt_per_month=port.capacity_mt_per_year.value / 12.0,
                joins=join,
            )
        )
    return CorridorGeometry(lon, lat, cumulative, tuple(ports))
