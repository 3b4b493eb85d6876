"""The places in free Ukraine that threats aim at: cities, ports and nuclear plants."""

from __future__ import annotations

from dataclasses import dataclass

from guarantor.geo import contains
from guarantor.theatre import Theatre
from guarantor.theatre.schema import Place


@dataclass(frozen=True)
class Target:
    """A place in free Ukraine that threats aim at."""

    place: Place
    kind: str
    population: float


def targets(theatre: Theatre) -> list[Target]:
    """Cities, ports and nuclear plants of Ukraine outside the occupied areas."""
    places = theatre.data.places
    found = [
        *(Target(c, "city", c.population.value) for c in places.cities),
        *(Target(p, "port", 0.0) for p in places.ports),
        *(Target(n, "nuclear_plant", 0.0) for n in places.nuclear_plants),
    ]
    found = [t for t in found if t.place.country == "UKR"]
    lon = [t.place.longitude for t in found]
    lat = [t.place.latitude for t in found]
    occupied = contains(theatre.occupied, lon, lat)
    return [t for t, taken in zip(found, occupied, strict=True) if not taken]
