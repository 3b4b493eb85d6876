"""Loading a theatre: the YAML facts, the source registry and the GeoJSON geography."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from guarantor.errors import DataError, Problem
from guarantor.sourcing import (
    Quantity,
    Source,
    SourceRef,
    check_source_refs,
    source_refs,
    validate_as,
)
from guarantor.theatre.schema import (
    Actor,
    AirBase,
    AircraftType,
    City,
    Place,
    ShipType,
    TheatreFile,
)
from guarantor.yamlio import LineMap, load_yaml

T = TypeVar("T")

DEFAULT_THEATRE = "ukraine-2025"
_SOURCE_FILES = ("geography-sources.yaml",)


def _data_root() -> Path:
    return Path(str(resources.files("guarantor.theatre") / "data"))


def shipped_theatres() -> list[str]:
    """Names of the theatres shipped inside the package."""
    return sorted(path.parent.name for path in _data_root().glob("*/theatre.yaml"))


def theatre_path(name_or_path: str | Path) -> Path:
    """Resolve a shipped theatre's name or a path to its ``theatre.yaml``."""
    path = Path(name_or_path)
    if path.is_dir():
        path = path / "theatre.yaml"
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    shipped = _data_root() / str(name_or_path) / "theatre.yaml"
    if shipped.exists():
        return shipped
    raise DataError(
        [
            Problem(
                "no such theatre",
                field="theatre",
                expected=f"a theatre.yaml path or one of {shipped_theatres()}",
                received=str(name_or_path),
            )
        ]
    )


@dataclass(frozen=True)
class Feature:
    """One feature of the geography file."""

    id: str
    name: str
    kind: str
    geometry: BaseGeometry
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Theatre:
    """The fixed facts of a theatre, validated and cross-referenced."""

    data: TheatreFile
    path: Path
    features: tuple[Feature, ...]
    geojson: dict[str, Any]

    @property
    def name(self) -> str:
        """The theatre's name."""
        return self.data.name

    @cached_property
    def sources(self) -> dict[str, Source]:
        """Every source of the theatre, by id."""
        return dict(self.data.sources)

    @cached_property
    def _places(self) -> dict[str, Place]:
        return {place.id: place for place in self.iter_places()}

    def iter_places(self) -> Iterator[Place]:
        """Every place of every kind."""
        places = self.data.places
        for group in (
            places.cities,
            places.ports,
            places.air_bases,
            places.naval_bases,
            places.nuclear_plants,
            places.hubs,
        ):
            yield from group

    def place(self, place_id: str) -> Place:
        """Return the place with this id (any kind)."""
        return _lookup(self._places, place_id, "place")

    def air_base(self, base_id: str) -> AirBase:
        """Return the air base with this id (its ICAO code)."""
        return _lookup({base.id: base for base in self.data.places.air_bases}, base_id, "air base")

    def aircraft(self, type_id: str) -> AircraftType:
        """Return the aircraft type with this id."""
        return _lookup({a.id: a for a in self.data.platforms.aircraft}, type_id, "aircraft type")

    def ship(self, type_id: str) -> ShipType:
        """Return the ship type with this id."""
        return _lookup({s.id: s for s in self.data.platforms.ships}, type_id, "ship type")

    def actor(self, actor_id: str) -> Actor:
        """Return the actor with this id."""
        return _lookup({a.id: a for a in self.data.actors}, actor_id, "actor")

    @property
    def cities(self) -> tuple[City, ...]:
        """The theatre's cities."""
        return self.data.places.cities

    def fact(self, name: str) -> Quantity:
        """Return a theatre-level fact (e.g. ``contact_line_length_km``)."""
        return _lookup(self.data.facts, name, "fact")

    def feature(self, feature_id: str) -> Feature:
        """Return the geography feature with this id (ISO3 code for a country)."""
        return _lookup({f.id: f for f in self.features}, feature_id, "geography feature")

    def features_of(self, kind: str) -> list[Feature]:
        """Return every geography feature of one kind (``country``, ``sea``, ...)."""
        return [feature for feature in self.features if feature.kind == kind]

    @property
    def ukraine(self) -> BaseGeometry:
        """Ukraine within its internationally recognised borders."""
        return self.feature("UKR").geometry

    @property
    def occupied(self) -> BaseGeometry:
        """The areas of Ukraine that Russia occupies."""
        return self.feature("occupied").geometry

    @property
    def contact_line(self) -> BaseGeometry:
        """The contact line as a line."""
        return self.feature("contact-line").geometry

    def cite(self, ref: SourceRef | None) -> str:
        """Return a one-line citation for a source reference (id or inline source)."""
        if ref is None:
            return ""
        if isinstance(ref, Source):
            return ref.cite()
        source = self.sources.get(ref)
        return source.cite() if source is not None else ref

    def provenance(self, quantity: Quantity) -> str:
        """Return the citation of a quantity, or its assumption with its range."""
        if quantity.assumption is not None:
            return f"assumption: {quantity.assumption} (range {quantity.low:g}-{quantity.high:g})"
        return self.cite(quantity.source)


def _lookup(table: dict[str, T], key: str, what: str) -> T:
    try:
        return table[key]
    except KeyError:
        raise DataError(
            [Problem(f"unknown {what}", expected=f"one of {sorted(table)}", received=repr(key))]
        ) from None


def _cross_check(raw: Any, lines: LineMap) -> list[Problem]:
    """Check references between parts of a theatre: ids unique, members, countries, sources.

    Works on the raw data so that these problems are reported together with schema problems.
    """
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        return problems
    actors: list[Any] = raw["actors"] if isinstance(raw.get("actors"), list) else []
    actor_ids = {a.get("id") for a in actors if isinstance(a, dict)}
    for index, actor in enumerate(actors):
        members = actor.get("members") if isinstance(actor, dict) else None
        for number, member in enumerate(members if isinstance(members, list) else []):
            if member not in actor_ids:
                problems.append(
                    lines.problem(
                        ["actors", index, "members", number],
                        "unknown member",
                        expected="an actor id",
                        received=str(member),
                    )
                )
    places: dict[str, Any] = raw["places"] if isinstance(raw.get("places"), dict) else {}
    seen: dict[str, list[str | int]] = {}
    for group, items in places.items():
        for index, place in enumerate(items if isinstance(items, list) else []):
            if not isinstance(place, dict):
                continue
            where: list[str | int] = ["places", group, index]
            ident = place.get("id")
            if isinstance(ident, str):
                if ident in seen:
                    problems.append(lines.problem([*where, "id"], f"duplicate place id {ident!r}"))
                seen.setdefault(ident, where)
            country = place.get("country")
            if country is not None and country not in actor_ids:
                problems.append(
                    lines.problem(
                        [*where, "country"],
                        "unknown country",
                        expected="an actor id",
                        received=str(country),
                    )
                )
    sources: dict[str, Any] = raw["sources"] if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(sources), lines))
    return problems


def _read_sources(folder: Path) -> tuple[dict[str, Any], list[Problem]]:
    merged: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in _SOURCE_FILES:
        path = folder / name
        if not path.exists():
            continue
        raw, lines = load_yaml(path)
        if not isinstance(raw, dict) or not isinstance(raw.get("sources"), dict):
            problems.append(lines.problem([], "expected a mapping with a 'sources' mapping"))
            continue
        merged.update(raw["sources"])
    return merged, problems


def _read_geography(path: Path) -> tuple[tuple[Feature, ...], dict[str, Any]]:
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DataError([Problem(f"cannot read geography: {error}", file=str(path))]) from None
    features = []
    problems = []
    for index, item in enumerate(collection.get("features", [])):
        properties = dict(item.get("properties") or {})
        try:
            geometry = shape(item["geometry"])
        except (KeyError, TypeError, ValueError) as error:
            problems.append(
                Problem(f"bad geometry: {error}", file=str(path), field=f"features.{index}")
            )
            continue
        features.append(
            Feature(
                id=str(properties.get("id", index)),
                name=str(properties.get("name", "")),
                kind=str(properties.get("kind", "")),
                geometry=geometry,
                properties=properties,
            )
        )
    if problems:
        raise DataError(problems)
    return tuple(features), collection


def load_theatre(name_or_path: str | Path = DEFAULT_THEATRE) -> Theatre:
    """Load, validate and cross-check a theatre (a shipped name or a path).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    path = theatre_path(name_or_path)
    raw, lines = load_yaml(path)
    extra_sources, problems = _read_sources(path.parent)
    if isinstance(raw, dict) and extra_sources:
        raw = {**raw, "sources": {**extra_sources, **(raw.get("sources") or {})}}
    data: TheatreFile | None = None
    try:
        data = validate_as(TheatreFile, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    problems.extend(_cross_check(raw, lines))
    features: tuple[Feature, ...] = ()
    collection: dict[str, Any] = {}
    if data is not None:
        geography_path = path.parent / data.geography
        try:
            features, collection = _read_geography(geography_path)
        except DataError as error:
            # JSON has no lines to point at: point at the theatre's 'geography' field instead
            problems.extend(
                lines.problem(["geography"], f"{data.geography}: {problem.message}")
                if problem.line is None
                else problem
                for problem in error.problems
            )
        for path_in_file, ref in source_refs(collection):
            if ref not in data.sources:
                problems.append(
                    lines.problem(
                        ["geography"],
                        f"{data.geography}: unknown source at {'.'.join(map(str, path_in_file))}",
                        received=ref,
                    )
                )
    if problems:
        raise DataError(sorted(dict.fromkeys(problems), key=lambda p: (p.file or "", p.line or 0)))
    assert data is not None
    return Theatre(data=data, path=path, features=features, geojson=collection)
