"""Map data for Leaflet: the theatre drawn without tiles, and the assessment's layers styled.

There are no map tiles offline, so the map is the sea as background colour with the countries,
the occupied areas and the contact line drawn from the theatre's GeoJSON, clipped to a window
around Ukraine (Russia crosses the antimeridian; the view is fitted to Ukraine's bounds).
"""

from __future__ import annotations

import re
from typing import Any

from shapely.geometry import box, mapping

from guarantor.assessment import Assessment, place_feature
from guarantor.section import GeoJSON
from guarantor.theatre import Theatre

WINDOW = (10.0, 38.0, 52.0, 60.0)
"""Longitude/latitude window drawn around Ukraine: west, south, east, north (degrees)."""
SIMPLIFY_DEGREES = 0.01

_PALETTE = (
    ("reaction", "#8c510a"),
    ("base", "#1f4e9c"),
    ("cap", "#7b3294"),
    ("corridor", "#0571b0"),
    ("patrol", "#2c7bb6"),
    ("escort", "#2c7bb6"),
    ("contact", "#c51b1b"),
    ("hub", "#1a9641"),
    ("protect", "#e66101"),
    ("cit", "#e66101"),
    ("arms", "#4d4d4d"),
    ("threat", "#b2182b"),
    ("forbidden", "#6b6b6b"),
    ("target", "#e66101"),
)
_FALLBACK = ("#5e3c99", "#008837", "#e08214", "#2166ac", "#b2182b", "#35978f")
_VALUE_KEYS = ("minutes", "reaction_min", "reaction_time_min", "time_min", "value")


def layer_colour(name: str, index: int = 0) -> str:
    """A stable colour for a layer, chosen by what its name says it shows."""
    lowered = name.lower()
    for word, colour in _PALETTE:
        if word in lowered:
            return colour
    return _FALLBACK[index % len(_FALLBACK)]


def _clip(geometry: Any) -> Any:
    west, south, east, north = WINDOW
    return geometry.intersection(box(west, south, east, north)).simplify(
        SIMPLIFY_DEGREES, preserve_topology=True
    )


_BASE_CACHE: dict[int, tuple[Theatre, dict[str, Any]]] = {}


def base_map(theatre: Theatre) -> dict[str, Any]:
    """The background: countries, sea, occupied areas and contact line, and Ukraine's bounds."""
    cached = _BASE_CACHE.get(id(theatre))
    if cached is not None and cached[0] is theatre:
        return cached[1]
    groups: dict[str, list[dict[str, Any]]] = {"countries": [], "sea": [], "occupied": []}
    contact: list[dict[str, Any]] = []
    for feature in theatre.features:
        clipped = _clip(feature.geometry)
        if clipped.is_empty:
            continue
        item = {
            "type": "Feature",
            "geometry": mapping(clipped),
            "properties": {"id": feature.id, "name": feature.name, "kind": feature.kind},
        }
        if feature.kind == "country":
            groups["countries"].append(item)
        elif feature.kind == "sea":
            groups["sea"].append(item)
        elif feature.kind == "occupied":
            groups["occupied"].append(item)
        elif "contact" in feature.kind:
            contact.append(item)
    west, south, east, north = theatre.ukraine.bounds
    result = {
        "bounds": [[south, west], [north, east]],
        "countries": _collection(groups["countries"]),
        "sea": _collection(groups["sea"]),
        "occupied": _collection(groups["occupied"]),
        "contact_line": _collection(contact),
        "focus": "UKR",
    }
    if len(_BASE_CACHE) > 8:
        _BASE_CACHE.clear()
    _BASE_CACHE[id(theatre)] = (theatre, result)
    return result


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _title(name: str) -> str:
    section, _, layer = name.partition(".")
    words = re.sub(r"[_-]+", " ", layer or section).strip()
    return f"{section}: {words}" if layer else words


def _value_key(layer: GeoJSON) -> str | None:
    features = layer.get("features") or []
    for key in _VALUE_KEYS:
        if any(
            isinstance((f.get("properties") or {}).get(key), (int, float))
            and not isinstance((f.get("properties") or {}).get(key), bool)
            for f in features
        ):
            return key
    return None


def _drawing_order(layer: GeoJSON) -> int:
    """Areas first, then lines, then points, so that nothing hides the points."""
    features = layer.get("features") if isinstance(layer, dict) else None
    kinds = {str((f.get("geometry") or {}).get("type", "")) for f in features or []}
    if any("Polygon" in kind for kind in kinds):
        return 0
    if any("LineString" in kind for kind in kinds):
        return 1
    return 2


def style_layers(layers: dict[str, GeoJSON]) -> list[dict[str, Any]]:
    """Each layer with an id, a title, a colour and (for fields) the property to colour by."""
    styled = []
    ordered = sorted(layers.items(), key=lambda item: _drawing_order(item[1]))
    for index, (name, layer) in enumerate(ordered):
        if not isinstance(layer, dict) or layer.get("type") != "FeatureCollection":
            continue
        styled.append(
            {
                "id": re.sub(r"[^A-Za-z0-9_-]+", "-", name),
                "name": name,
                "title": _title(name),
                "colour": layer_colour(name, index),
                "value_key": _value_key(layer),
                "features": len(layer.get("features") or []),
                "geojson": layer,
            }
        )
    return styled


def theatre_places(theatre: Theatre) -> dict[str, GeoJSON]:
    """The theatre's places as point layers by kind (cities, ports, air bases...)."""
    places = theatre.data.places
    groups = {
        "cities": places.cities,
        "ports": places.ports,
        "air_bases": places.air_bases,
        "naval_bases": places.naval_bases,
        "nuclear_plants": places.nuclear_plants,
        "hubs": places.hubs,
    }
    return {
        f"theatre.{kind}": _collection(
            [place_feature(place, country=place.country, kind=kind) for place in items]
        )
        for kind, items in groups.items()
        if items
    }


def map_spec(assessment: Assessment) -> dict[str, Any]:
    """Everything the map script needs for an assessment: background and styled layers."""
    return {"base": base_map(assessment.theatre), "layers": style_layers(assessment.layers)}


def theatre_map_spec(theatre: Theatre) -> dict[str, Any]:
    """The theatre map: background and the theatre's places."""
    return {"base": base_map(theatre), "layers": style_layers(theatre_places(theatre))}
