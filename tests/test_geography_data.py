"""Checks on the shipped geography of the default theatre (built by scripts/build_geography.py)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from guarantor.yamlio import load_yaml

DATA = Path(__file__).resolve().parents[1] / "src/guarantor/theatre/data/ukraine-2025"
GEOD = Geod(ellps="WGS84")
UKRAINE_AREA_KM2 = 603_550  # theatre.yaml facts.ukraine_area_km2


@cache
def collection() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "geography.geojson").read_text(encoding="utf-8"))
    return data


@cache
def geometry(feature_id: str) -> BaseGeometry:
    for feature in collection()["features"]:
        if feature["properties"]["id"] == feature_id:
            return shape(feature["geometry"])
    raise KeyError(feature_id)


def area_km2(feature_id: str) -> float:
    return abs(GEOD.geometry_area_perimeter(geometry(feature_id))[0]) / 1e6


def test_collection_is_small_sourced_and_complete() -> None:
    data = collection()
    assert (DATA / "geography.geojson").stat().st_size < 1_500_000
    assert data["generated_by"] == "scripts/build_geography.py"
    registry, _ = load_yaml(DATA / "geography-sources.yaml")
    sources = registry["sources"]
    assert data["source"] in sources
    ids = {f["properties"]["id"] for f in data["features"]}
    assert {"UKR", "RUS", "BLR", "MDA", "POL", "ROU", "SVK", "HUN", "BGR", "TUR", "GEO"} <= ids
    assert {"contact-line", "occupied", "black-sea"} <= ids
    for feature in data["features"]:
        props = feature["properties"]
        assert {"id", "name", "kind"} <= set(props)
        if "source" in props:
            assert props["source"] in sources
        else:
            assert props["assumption"]
            assert props["low"] <= props["high"]
        for ref in props.get("length_sources", []):
            assert ref in sources
        assert shape(feature["geometry"]).is_valid, props["id"]
        west, south, east, north = shape(feature["geometry"]).bounds
        assert west >= 10, props["id"]
        assert east <= 50, props["id"]
        assert south >= 38, props["id"]
        assert north <= 60, props["id"]


def test_ukraine_area_is_within_2_percent_of_the_sourced_figure() -> None:
    assert area_km2("UKR") == pytest.approx(UKRAINE_AREA_KM2, rel=0.02)


def test_contact_line_length_is_in_the_sourced_band() -> None:
    length_km = GEOD.geometry_length(geometry("contact-line")) / 1e3
    assert 1000 <= length_km <= 1300


def test_occupied_share_is_about_a_fifth_of_ukraine() -> None:
    share = area_km2("occupied") / area_km2("UKR")
    assert 0.18 <= share <= 0.21
    # Rounding to 4 decimals moves the split's new vertices by up to about 10 m.
    assert geometry("UKR").buffer(1e-4).contains(geometry("occupied"))


@pytest.mark.parametrize(
    ("place", "lat", "lon", "country", "occupied"),
    [
        ("Kyiv", 50.45, 30.5236, "UKR", False),
        ("Lviv", 49.8419, 24.0315, "UKR", False),
        ("Odesa", 46.4775, 30.7326, "UKR", False),
        ("Rzeszów-Jasionka", 50.11, 22.019, "POL", False),
        ("Łask", 51.5516, 19.1791, "POL", False),
        ("M. Kogălniceanu", 44.3622, 28.4883, "ROU", False),
        ("Borcea", 44.3956, 27.7256, "ROU", False),
        ("Câmpia Turzii", 46.5028, 23.8861, "ROU", False),
        ("Sliač", 48.638, 19.134, "SVK", False),
        ("Kecskemét", 46.9153, 19.7492, "HUN", False),
        ("Sevastopol", 44.60, 33.53, "UKR", True),
        ("Kharkiv", 50.0, 36.2292, "UKR", False),
        ("Zaporizhzhia", 47.8378, 35.1383, "UKR", False),
        ("Kherson", 46.6333, 32.6, "UKR", False),
    ],
)
def test_places_lie_in_the_right_polygon(
    place: str, lat: float, lon: float, country: str, occupied: bool
) -> None:
    point = Point(lon, lat)
    assert geometry(country).contains(point), place
    assert geometry("occupied").contains(point) is occupied, place


def test_black_sea_is_water() -> None:
    sea = geometry("black-sea")
    assert sea.contains(Point(34.0, 43.5))
    assert not sea.intersects(geometry("UKR").buffer(-0.01))
    assert not sea.contains(Point(30.5236, 50.45))
