"""Reach of alert fighters: forbidden airspace, routes from bases and the reaction-time field.

Glue between the package's pledges and :mod:`guarantor.instruments.air.geometry`: which airspace
is forbidden for a stand-off, the routes from the pledged bases (cached per airspace and base
set), transit minutes within each type's combat radius, and the world parameters' table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from guarantor.geo import Grid, buffer_km, equal_area_grid
from guarantor.instruments import tables
from guarantor.instruments.air.data import BOUNDS, WORLD_NAMES, AirData, shipped_data
from guarantor.instruments.air.geometry import (
    Airspace,
    Routes,
    build_airspace,
    engagement_km,
    forbidden_airspace,
    projection_centre,
    route_km,
    routes_from,
)
from guarantor.instruments.air.pledges import Pledge
from guarantor.section import Worlds
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]

CLOSED_COUNTRIES = ("RUS", "BLR")
"""Countries whose airspace is never entered (with occupied Ukraine)."""
HOSTILE = "RUS"
"""The country a package's stand-off is measured from."""
_REGION_MARGIN_DEG = 6.0
_CRIMEA_BOX = (32.0, 44.0, 37.0, 46.17)
"""Longitude/latitude box that cuts Crimea out of the occupied areas (north to Perekop)."""
_AIRSPACES: dict[tuple[str, str, float, float], Airspace] = {}
_ROUTES: dict[tuple[int, tuple[str, ...], float], Routes] = {}


def world_table(worlds: Worlds | None, data: AirData | None = None) -> dict[str, FloatArray]:
    """Every air world parameter as an array over worlds (defaults where not given).

    See :func:`guarantor.instruments.tables.world_table`: parameters of other models in
    ``worlds`` are ignored, and a value not finite or out of bounds raises a ``DataError``.
    """
    data = data or shipped_data()
    return tables.world_table(worlds, {name: data.world[name] for name in WORLD_NAMES}, BOUNDS)


def region_bounds(theatre: Theatre) -> tuple[FloatArray, FloatArray]:
    """Longitudes and latitudes the routing raster must hold: Ukraine and every air base."""
    west, south, east, north = theatre.ukraine.bounds
    bases = theatre.data.places.air_bases
    lon = np.array([west, east, *(base.longitude for base in bases)])
    lat = np.array([south, north, *(base.latitude for base in bases)])
    return lon, lat


def forbidden_for(theatre: Theatre, standoff_km: float) -> BaseGeometry:
    """Forbidden airspace of the theatre for a stand-off (longitude/latitude).

    Russia and Belarus (clipped to the region) and occupied Ukraine are closed. The package's
    stand-off band applies round Russia (east of 27° E, so that the Kaliningrad exclave is closed
    but not buffered: the stand-off concerns flights over Ukraine) and round occupied Ukraine,
    whose front and Crimea host the same Russian air defences; bands apply over Ukraine and the
    sea only, not over allied territory. Two umbrellas (``air/data.yaml``) close more: Belarus'
    (Russian systems based there) and Crimea's, each at least its own width whatever the
    stand-off.
    """
    lon, lat = region_bounds(theatre)
    m = _REGION_MARGIN_DEG
    box = (float(lon.min()) - m, float(lat.min()) - m, float(lon.max()) + m, float(lat.max()) + m)
    countries = [shapely.clip_by_rect(theatre.feature(c).geometry, *box) for c in CLOSED_COUNTRIES]
    closed = shapely.union_all([*countries, theatre.occupied])
    russia = shapely.clip_by_rect(theatre.feature(HOSTILE).geometry, 27.0, box[1], *box[2:])
    hostile = shapely.union_all([russia, theatre.occupied])
    over = shapely.union_all([theatre.ukraine, *(f.geometry for f in theatre.features_of("sea"))])
    forbidden = forbidden_airspace(hostile, closed, standoff_km, over)
    umbrella = shipped_data().umbrella
    crimea = shapely.clip_by_rect(theatre.occupied, *_CRIMEA_BOX)
    belarus = shapely.clip_by_rect(theatre.feature("BLR").geometry, *box)
    for area, width in ((crimea, umbrella.crimea_km), (belarus, umbrella.belarus_km)):
        if float(width.value) > 0:
            band = buffer_km(area, float(width.value)).intersection(over)
            forbidden = shapely.union(forbidden, band)
    return forbidden


def airspace_for(theatre: Theatre, standoff_km: float, node_km: float) -> Airspace:
    """The routing raster of a theatre for a stand-off (built once, then cached)."""
    key = (str(theatre.path), theatre.name, float(standoff_km), float(node_km))
    if key not in _AIRSPACES:
        lon, lat = region_bounds(theatre)
        _AIRSPACES[key] = build_airspace(
            forbidden_for(theatre, standoff_km),
            projection_centre(theatre.ukraine),
            lon,
            lat,
            node_km,
        )
    return _AIRSPACES[key]


def routes_for(
    airspace: Airspace, bases: tuple[tuple[str, float, float], ...], limit_km: float
) -> Routes:
    """Shortest routes from bases ``(id, lon, lat)`` over an airspace (cached)."""
    key = (id(airspace), tuple(ident for ident, _, _ in bases), float(limit_km))
    if key not in _ROUTES:
        lon = np.array([b[1] for b in bases])
        lat = np.array([b[2] for b in bases])
        _ROUTES[key] = routes_from(airspace, lon, lat, limit_km)
    return _ROUTES[key]


def radius_km(pledge: Pledge, *, tankers: bool) -> float:
    """Combat radius of a pledge's type: with a tanker if the commitment has one and asked."""
    plain = pledge.kind.combat_radius_km
    tanked = pledge.kind.combat_radius_with_tanker_km
    radius = plain.value if plain is not None else np.inf
    if tankers and pledge.tankers and tanked is not None:
        radius = max(radius, tanked.value)
    return float(radius)


@dataclass(frozen=True)
class Transit:
    """Minutes of transit at cruise from each pledge's base to points, and the gap to free air."""

    minutes: FloatArray
    """Shape (pledges, points); inf beyond the combat radius or where no route exists."""
    route_km: FloatArray
    gap_km: FloatArray
    """Distance from each point to free airspace of the pledge's airspace, (pledges, points)."""


def pledge_transit(
    theatre: Theatre,
    pledges: tuple[Pledge, ...],
    x_m: FloatArray,
    y_m: FloatArray,
    *,
    tankers: bool = True,
    engage: bool = False,
    node_km: float | None = None,
) -> Transit:
    """Transit of every pledge to points given in the raster's plane (metres).

    With ``engage`` the route ends at the nearest free airspace of each point, and ``gap_km``
    says how far the point lies beyond it (to compare with a weapon's reach).
    """
    node_km = node_km or shipped_data().model.route_node_km.value
    minutes = np.full((len(pledges), x_m.size), np.inf)
    lengths = np.full((len(pledges), x_m.size), np.inf)
    gaps = np.zeros((len(pledges), x_m.size))
    for standoff in sorted({p.standoff_km for p in pledges}):
        rows = [i for i, p in enumerate(pledges) if p.standoff_km == standoff]
        base_ids = tuple(dict.fromkeys(pledges[i].base.id for i in rows))
        bases = tuple(
            (b, theatre.air_base(b).longitude, theatre.air_base(b).latitude) for b in base_ids
        )
        limit = max(radius_km(pledges[i], tankers=True) for i in rows)
        routes = routes_for(airspace_for(theatre, standoff, node_km), bases, limit)
        if engage:
            length, gap = engagement_km(routes, x_m, y_m)
        else:
            length, gap = route_km(routes, x_m, y_m), np.zeros(x_m.size)
        for i in rows:
            pledge = pledges[i]
            row = length[base_ids.index(pledge.base.id)]
            within = row <= radius_km(pledge, tankers=tankers)
            lengths[i] = row
            minutes[i] = np.where(within, row / pledge.kind.cruise_speed_kmh.value * 60.0, np.inf)
            gaps[i] = gap
    return Transit(minutes, lengths, gaps)


def reaction_field(
    theatre: Theatre,
    pledges: tuple[Pledge, ...],
    cell_km: float = 20.0,
    *,
    readiness_min: float = 15.0,
    speed_factor: float = 1.0,
    tankers: bool = True,
) -> tuple[Grid, FloatArray]:
    """Minutes until the first alert fighter reaches each cell of Ukraine (inf if none can).

    A pledge's own readiness applies when its commitment sets one, else ``readiness_min``.
    """
    grid = equal_area_grid(theatre.ukraine, cell_km)
    transit = pledge_transit(theatre, pledges, grid.x_m, grid.y_m, tankers=tankers)
    ready = np.array(
        [readiness_min if p.readiness_min is None else p.readiness_min for p in pledges]
    )
    if not pledges:
        return grid, np.full(grid.size, np.inf)
    field = (ready[:, None] + transit.minutes / speed_factor).min(axis=0)
    return grid, np.asarray(field, np.float64)
