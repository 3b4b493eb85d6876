"""Geodesy and grids on the WGS84 ellipsoid (pyproj) and shapely geometries.

Distances and areas are geodesic. The grid over a region is equal-area: square cells in a
Lambert azimuthal equal-area projection centred on the region, so every cell has the same area
and models can sum over cells without weights. Everything is vectorised over arrays of points.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Geod, Transformer
from shapely.geometry.base import BaseGeometry

GEOD = Geod(ellps="WGS84")
FloatArray = NDArray[np.float64]


def distance_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> FloatArray:
    """Geodesic distance in km between points (arrays broadcast against each other)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (lon1, lat1, lon2, lat2))
    )
    _, _, metres = GEOD.inv(lon1.ravel(), lat1.ravel(), lon2.ravel(), lat2.ravel())
    return np.asarray(metres, dtype=np.float64).reshape(lon1.shape) / 1000.0


def area_km2(geometry: BaseGeometry) -> float:
    """Geodesic area of a (multi)polygon in km²."""
    area, _ = GEOD.geometry_area_perimeter(geometry)
    return abs(float(area)) / 1e6


def length_km(geometry: BaseGeometry) -> float:
    """Geodesic length of a (multi)line in km."""
    return float(GEOD.geometry_length(geometry)) / 1000.0


@lru_cache(maxsize=64)
def _laea(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    crs = CRS.from_proj4(f"+proj=laea +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84 +units=m")
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inverse = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return forward, inverse


@lru_cache(maxsize=64)
def _aeqd(lon0: float, lat0: float) -> tuple[Transformer, Transformer]:
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat0:.4f} +lon_0={lon0:.4f} +datum=WGS84 +units=m")
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inverse = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return forward, inverse


def _reproject(geometry: BaseGeometry, transformer: Transformer) -> BaseGeometry:
    def apply(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
        new_x, new_y = transformer.transform(x, y)
        return np.asarray(new_x), np.asarray(new_y)

    return shapely.transform(geometry, apply, interleaved=False)


def buffer_km(geometry: BaseGeometry, km: float) -> BaseGeometry:
    """Buffer a geometry by ``km`` (negative shrinks), in a local equidistant projection."""
    centre = geometry.centroid
    forward, inverse = _aeqd(round(centre.x, 2), round(centre.y, 2))
    projected = _reproject(shapely.segmentize(geometry, 0.05), forward)
    return _reproject(projected.buffer(km * 1000.0, quad_segs=16), inverse)


def contains(geometry: BaseGeometry, lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Whether each point lies inside (or on the edge of) ``geometry``; vectorised."""
    lon_array = np.asarray(lon, dtype=np.float64)
    lat_array = np.asarray(lat, dtype=np.float64)
    shapely.prepare(geometry)
    return np.asarray(shapely.intersects_xy(geometry, lon_array, lat_array), dtype=bool)


@dataclass(frozen=True)
class Grid:
    """Equal-area square cells covering a region, as arrays (one entry per cell)."""

    lon: FloatArray
    lat: FloatArray
    x_m: FloatArray
    y_m: FloatArray
    cell_km: float
    centre: tuple[float, float]

    @property
    def size(self) -> int:
        """Number of cells."""
        return int(self.lon.size)

    @property
    def cell_area_km2(self) -> float:
        """Area of one cell."""
        return self.cell_km**2

    @property
    def area_km2(self) -> float:
        """Total area of the cells."""
        return self.size * self.cell_area_km2

    def cell_polygons(self) -> list[list[list[float]]]:
        """Return each cell's outline as a ring of lon/lat pairs (for GeoJSON)."""
        _, inverse = _laea(*self.centre)
        half = self.cell_km * 500.0
        corners_x = self.x_m[:, None] + np.array([-half, half, half, -half, -half])
        corners_y = self.y_m[:, None] + np.array([-half, -half, half, half, -half])
        lon, lat = inverse.transform(corners_x, corners_y)
        rings = np.stack([np.round(lon, 4), np.round(lat, 4)], axis=-1)
        return [ring.tolist() for ring in rings]


def equal_area_grid(region: BaseGeometry, cell_km: float) -> Grid:
    """Cover ``region`` with square equal-area cells of side ``cell_km``.

    A cell belongs to the grid when its centre lies in the region.

    Raises:
        ValueError: ``cell_km`` is not positive.
    """
    if not cell_km > 0:
        raise ValueError(f'"cell_km" must be > 0, got {cell_km!r}')
    centre = region.centroid
    key = (round(centre.x, 2), round(centre.y, 2))
    forward, inverse = _laea(*key)
    # densify first so that edges along parallels stay curved once projected
    projected = _reproject(shapely.segmentize(region, 0.05), forward)
    min_x, min_y, max_x, max_y = projected.bounds
    step = cell_km * 1000.0
    xs = np.arange(min_x + step / 2, max_x, step)
    ys = np.arange(min_y + step / 2, max_y, step)
    mesh_x, mesh_y = np.meshgrid(xs, ys)
    grid_x, grid_y = mesh_x.ravel(), mesh_y.ravel()
    shapely.prepare(projected)
    inside = shapely.intersects_xy(projected, grid_x, grid_y)
    x_m, y_m = grid_x[inside], grid_y[inside]
    lon, lat = inverse.transform(x_m, y_m)
    # the densified edges are chords in the projection: a centre within a chord's sag of an edge
    # can fall outside the region itself, whose edges are straight in longitude and latitude
    kept = contains(region, lon, lat)
    x_m, y_m = x_m[kept], y_m[kept]
    lon, lat = np.asarray(lon)[kept], np.asarray(lat)[kept]
    return Grid(
        lon=np.asarray(lon, dtype=np.float64),
        lat=np.asarray(lat, dtype=np.float64),
        x_m=x_m,
        y_m=y_m,
        cell_km=float(cell_km),
        centre=key,
    )


def to_feature(geometry: BaseGeometry, **properties: Any) -> dict[str, Any]:
    """Return a GeoJSON Feature for a shapely geometry."""
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(geometry),
        "properties": properties,
    }


def feature_collection(features: list[dict[str, Any]], **members: Any) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": features, **members}
