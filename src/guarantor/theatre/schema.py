"""Schema of a theatre: the fixed facts (places, platforms, actors, geography) with sources."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, field_validator, model_validator

from guarantor.sourcing import Quantity, Source, SourceRef, Strict

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
Coordinate = float | Quantity


def coordinate_value(coordinate: Coordinate) -> float:
    """Return the number of a coordinate written plainly or as a flagged quantity."""
    return coordinate.value if isinstance(coordinate, Quantity) else float(coordinate)


class ActorKind(StrEnum):
    """What sort of actor."""

    STATE = "state"
    BLOC = "bloc"


class Actor(Strict):
    """A state or a bloc."""

    id: Identifier
    name: str
    kind: ActorKind = ActorKind.STATE
    members: tuple[Identifier, ...] = ()
    nato: bool = False
    eu: bool = False
    black_sea_littoral: bool = False
    coalition_of_the_willing: bool = False
    source: SourceRef | None = None
    note: str | None = None


class Located(Strict):
    """Something with a position; ``source`` covers the plain coordinates written in it."""

    id: Identifier
    name: str
    lat: Coordinate
    lon: Coordinate
    source: SourceRef | None = None
    note: str | None = None

    @field_validator("lat")
    @classmethod
    def _latitude(cls, value: Coordinate) -> Coordinate:
        if not -90 <= coordinate_value(value) <= 90:
            raise ValueError(f"latitude must lie in [-90, 90], got {coordinate_value(value)}")
        return value

    @field_validator("lon")
    @classmethod
    def _longitude(cls, value: Coordinate) -> Coordinate:
        if not -180 <= coordinate_value(value) <= 180:
            raise ValueError(f"longitude must lie in [-180, 180], got {coordinate_value(value)}")
        return value

    @model_validator(mode="after")
    def _provenance(self) -> Self:
        plain = [name for name in ("lat", "lon") if not isinstance(getattr(self, name), Quantity)]
        if plain and self.source is None:
            raise ValueError(
                f"{' and '.join(plain)} written as plain numbers need a 'source'; "
                "write an unverified position as {value, low, high, unit, assumption}"
            )
        return self

    @property
    def latitude(self) -> float:
        """Latitude in decimal degrees."""
        return coordinate_value(self.lat)

    @property
    def longitude(self) -> float:
        """Longitude in decimal degrees."""
        return coordinate_value(self.lon)


class Place(Located):
    """A place of the theatre, in a country."""

    country: Identifier
    assumption: str | None = None


class City(Place):
    """A city with its (pre-war) population."""

    population: Quantity
    oblast: str | None = None


class PortKind(StrEnum):
    """Sea port or river (Danube) port."""

    SEA = "sea"
    RIVER = "river"


class Port(Place):
    """A port; capacity figures live with the maritime model's data."""

    kind: PortKind = PortKind.SEA


class AirBase(Place):
    """A military air base, with its ICAO code."""

    icao: str = Field(pattern=r"^[A-Z]{4}$")
    runway_m: Quantity | None = None


class NavalBase(Place):
    """A naval base."""


class NuclearPlant(Place):
    """A nuclear power plant (a target the air model protects)."""

    operating: bool = True
    reactors: Quantity | None = None


class Hub(Place):
    """A logistics hub (e.g. Rzeszów for arms to Ukraine)."""


class Places(Strict):
    """Every point of the theatre, by kind."""

    cities: tuple[City, ...] = ()
    ports: tuple[Port, ...] = ()
    air_bases: tuple[AirBase, ...] = ()
    naval_bases: tuple[NavalBase, ...] = ()
    nuclear_plants: tuple[NuclearPlant, ...] = ()
    hubs: tuple[Hub, ...] = ()


class AircraftRole(StrEnum):
    """Role of an aircraft type."""

    FIGHTER = "fighter"
    TANKER = "tanker"
    ISR = "isr"


class AircraftType(Strict):
    """An aircraft type and its performance."""

    id: Identifier
    name: str
    role: AircraftRole = AircraftRole.FIGHTER
    cruise_speed_kmh: Quantity
    dash_speed_kmh: Quantity | None = None
    combat_radius_km: Quantity | None = None
    combat_radius_with_tanker_km: Quantity | None = None
    endurance_h: Quantity | None = None
    mission_capable_rate: Quantity | None = None
    turnaround_min: Quantity | None = None
    transfer_fuel_kg: Quantity | None = None
    note: str | None = None


class ShipRole(StrEnum):
    """Role of a ship type."""

    FRIGATE = "frigate"
    CORVETTE = "corvette"
    PATROL = "patrol"
    MINE_COUNTERMEASURES = "mine_countermeasures"
    MERCHANT = "merchant"


class ShipType(Strict):
    """A ship type and its performance."""

    id: Identifier
    name: str
    role: ShipRole
    speed_kn: Quantity
    displacement_t: Quantity
    sensor_radius_km: Quantity | None = None
    engagement_radius_km: Quantity | None = None
    availability: Quantity | None = None
    endurance_days: Quantity | None = None
    note: str | None = None


class Platforms(Strict):
    """Aircraft and ship types."""

    aircraft: tuple[AircraftType, ...] = ()
    ships: tuple[ShipType, ...] = ()


class TheatreFile(Strict):
    """The YAML file of a theatre (geography lives in a GeoJSON file beside it)."""

    name: Identifier
    title: str
    description: str = ""
    as_of: str
    geography: str = "geography.geojson"
    sources: dict[Identifier, Source] = Field(default_factory=dict)
    actors: tuple[Actor, ...]
    places: Places
    platforms: Platforms
    facts: dict[Identifier, Quantity] = Field(default_factory=dict)

    def all_ids(self) -> dict[str, list[str]]:
        """Return the ids of every kind of thing, for reference checks."""
        places = self.places
        return {
            "actor": [actor.id for actor in self.actors],
            "city": [place.id for place in places.cities],
            "port": [place.id for place in places.ports],
            "air_base": [place.id for place in places.air_bases],
            "naval_base": [place.id for place in places.naval_bases],
            "nuclear_plant": [place.id for place in places.nuclear_plants],
            "hub": [place.id for place in places.hubs],
            "aircraft": [kind.id for kind in self.platforms.aircraft],
            "ship": [kind.id for kind in self.platforms.ships],
        }
