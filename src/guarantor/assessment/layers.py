"""What the package itself puts on the map: bases, protected cities, stations, hubs, routes."""

from __future__ import annotations

from typing import Any

from guarantor.packages import Instrument, Package, magnitude
from guarantor.packages.schema import AirPolicing, ArmsSupply, ReassuranceForce
from guarantor.section import GeoJSON
from guarantor.theatre import Theatre
from guarantor.theatre.schema import Place


def place_feature(place: Place, **properties: Any) -> dict[str, Any]:
    """A theatre place as a GeoJSON point feature with its id and name."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [magnitude(place.lon), magnitude(place.lat)]},
        "properties": {"id": place.id, "name": place.name, **properties},
    }


def package_layers(theatre: Theatre, package: Package) -> dict[str, GeoJSON]:
    """The places a package names: air bases, protected cities, CAP stations, hubs, arms routes."""
    bases: dict[str, dict[str, Any]] = {}
    protected: dict[str, dict[str, Any]] = {}
    stations: dict[str, dict[str, Any]] = {}
    hubs: dict[str, dict[str, Any]] = {}
    routes: dict[str, dict[str, Any]] = {}
    for commitment in package.commitments:
        if isinstance(commitment, AirPolicing):
            for pledge in commitment.aircraft:
                base = theatre.air_base(pledge.base)
                entry = bases.setdefault(
                    base.id,
                    place_feature(base, aircraft=0.0, types=[]),
                )
                entry["properties"]["aircraft"] += magnitude(pledge.count)
                entry["properties"]["types"].append(pledge.type)
            for place_id in commitment.protect:
                place = theatre.place(place_id)
                protected[place.id] = place_feature(place)
            for place_id in commitment.cap_stations:
                place = theatre.place(place_id)
                stations[place.id] = place_feature(place)
        elif isinstance(commitment, ReassuranceForce):
            for place_id in commitment.hubs:
                place = theatre.place(place_id)
                entry = hubs.setdefault(
                    place.id,
                    place_feature(place, commitments=[]),
                )
                entry["properties"]["commitments"].append(commitment.id)
        elif commitment.instrument == Instrument.ARMS_SUPPLY and isinstance(commitment, ArmsSupply):
            for place_id in commitment.via:
                place = theatre.place(place_id)
                routes[place.id] = place_feature(place)
    layers = {
        "air_bases": bases,
        "protected_cities": protected,
        "cap_stations": stations,
        "reassurance_hubs": hubs,
        "arms_routes": routes,
    }
    return {
        name: {"type": "FeatureCollection", "name": name, "features": list(features.values())}
        for name, features in layers.items()
        if features
    }
