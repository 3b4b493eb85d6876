from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from guarantor.geo import (
    area_km2,
    buffer_km,
    contains,
    distance_km,
    equal_area_grid,
    length_km,
)
from guarantor.theatre import Theatre

# Great-circle distances from the fact sheet's table A4 (haversine on a sphere); the geodesic
# on the WGS84 ellipsoid differs from them by well under 1 %.
RZESZOW = (22.0190, 50.1100)
KOGALNICEANU = (28.4883, 44.3622)
KYIV = (30.5236, 50.4500)
ODESA = (30.7326, 46.4775)
LVIV = (24.0315, 49.8419)


@pytest.mark.parametrize(
    ("origin", "target", "expected_km"),
    [(RZESZOW, KYIV, 605), (RZESZOW, LVIV, 147), (RZESZOW, ODESA, 760), (KOGALNICEANU, ODESA, 293)],
)
def test_distances_match_the_fact_sheet(origin, target, expected_km) -> None:
    assert distance_km(*origin, *target) == pytest.approx(expected_km, rel=0.01)


def test_distance_broadcasts_over_arrays() -> None:
    lon = np.array([KYIV[0], ODESA[0], LVIV[0]])
    lat = np.array([KYIV[1], ODESA[1], LVIV[1]])
    result = distance_km(RZESZOW[0], RZESZOW[1], lon, lat)
    assert result.shape == (3,)
    assert result[0] == pytest.approx(distance_km(*RZESZOW, *KYIV))


def test_transit_time_rzeszow_to_kyiv_at_850_kmh_is_43_minutes() -> None:
    minutes = distance_km(*RZESZOW, *KYIV) / 850 * 60
    assert minutes == pytest.approx(43, abs=1)


def test_buffer_of_a_point_has_the_area_of_a_circle() -> None:
    disc = buffer_km(Point(KYIV), 100)
    assert area_km2(disc) == pytest.approx(math.pi * 100**2, rel=0.01)


def test_length_of_a_meridian_degree() -> None:
    from shapely.geometry import LineString

    assert length_km(LineString([(30, 49.5), (30, 50.5)])) == pytest.approx(111.2, abs=0.3)


@given(
    west=st.floats(15, 35),
    south=st.floats(40, 55),
    width=st.floats(3, 10),
    height=st.floats(2, 6),
    cell_km=st.sampled_from([10.0, 20.0, 25.0]),
)
def test_grid_cells_cover_the_region_with_equal_area(west, south, width, height, cell_km) -> None:
    region = box(west, south, west + width, south + height)
    grid = equal_area_grid(region, cell_km)
    assert grid.size > 0
    assert np.all(contains(region, grid.lon, grid.lat))
    # the cell count times one cell's area approaches the region's true area: only cells on the
    # boundary (about half a cell's width along the perimeter) can be in error
    boundary_km2 = 0.5 * length_km(region.exterior) * cell_km + cell_km**2
    assert abs(grid.area_km2 - area_km2(region)) <= boundary_km2


def test_grid_refuses_a_non_positive_cell() -> None:
    with pytest.raises(ValueError, match='"cell_km" must be > 0'):
        equal_area_grid(box(20, 45, 25, 50), 0)


def test_grid_over_ukraine_matches_its_area(theatre: Theatre) -> None:
    grid = equal_area_grid(theatre.ukraine, 10)
    assert grid.area_km2 == pytest.approx(area_km2(theatre.ukraine), rel=0.01)
    rings = grid.cell_polygons()
    assert len(rings) == grid.size
    assert len(rings[0]) == 5 and rings[0][0] == rings[0][-1]
