"""The sea model's data: corridor waypoints, ports, Montreux limits, world parameters, records.

The data lives in ``instruments/maritime/data.yaml``. Loading validates it against the schema
below and checks its internal references (a port joins a known waypoint, a record's conditions
are world parameters); :func:`theatre_problems` then checks it against a theatre (ports are theatre
places, waypoints lie in the theatre's ``black-sea`` feature).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import Field

from guarantor.errors import DataError, Problem
from guarantor.geo import contains
from guarantor.sourcing import Quantity, Source, SourceRef, Strict, check_source_refs, validate_as
from guarantor.theatre import Theatre
from guarantor.theatre.schema import Identifier, Located
from guarantor.yamlio import LineMap, load_yaml

SEA_FEATURE = "black-sea"


class Waypoint(Located):
    """A point of the corridor's sea track."""


class CorridorPort(Strict):
    """A port served by the corridor: where its approach joins the track, what it can handle."""

    port: Identifier
    group: Identifier
    joins: Identifier
    capacity_mt_per_year: Quantity
    river_km: Quantity | None = None
    note: str | None = None


class Corridor(Strict):
    """The sea track (ordered, ports first, Bosporus last) and the ports on it."""

    waypoints: tuple[Waypoint, ...] = Field(min_length=2)
    ports: tuple[CorridorPort, ...] = Field(min_length=1)


class PortGroup(Strict):
    """Ports that share a cargo supply (and, for Greater Odesa, an inspection regime)."""

    id: Identifier
    name: str
    cargo_offered: Identifier = Field(description="world parameter of the cargo offered")
    cargo_per_call: Identifier = Field(description="world parameter of the cargo per ship call")
    damage_per_call: Identifier = Field(
        description="world parameter of the chance of damage per call at threat level 1"
    )
    inspected: bool = False


class MontreuxClass(Strict):
    """A ship class as the Convention sees it: its Annex II category and standard displacement."""

    name: str
    category: str = Field(
        pattern="^(capital_ship|aircraft_carrier|light_surface_vessel|minor_war_vessel|"
        "auxiliary|submarine)$"
    )
    standard_displacement_t: Quantity
    note: str | None = None


class MontreuxRules(Strict):
    """The Convention's limits on warships, and Türkiye's closure of the straits."""

    closure_date: str
    closure_article: str
    closure_source: SourceRef
    tonnage_limit_t: Quantity
    raised_tonnage_limit_t: Quantity
    one_power_share: Quantity
    max_ships: Quantity
    transit_tonnage_limit_t: Quantity
    max_stay_days: Quantity
    max_vessel_t: Quantity
    notice_days: Quantity
    notice_days_non_littoral: Quantity
    belligerents: tuple[Identifier, ...] = Field(
        description="actors at war in the closed scenario (Art. 19)"
    )
    turkey_adversaries: tuple[Identifier, ...] = Field(
        description="actors Türkiye refuses under Arts. 20-21"
    )
    classes: dict[Identifier, MontreuxClass] = Field(
        min_length=1, description="ship types by id: Annex II category, standard displacement"
    )


class Record(Strict):
    """A period of history: its conditions as world parameters, and what was observed."""

    title: str
    period: str
    ports: tuple[Identifier, ...] = Field(min_length=1)
    conditions: dict[Identifier, Quantity] = Field(default_factory=dict)
    observed: dict[Identifier, Quantity] = Field(min_length=1)


class MaritimeFile(Strict):
    """The whole ``maritime.yaml`` file."""

    sources: dict[Identifier, Source]
    corridor: Corridor
    port_groups: tuple[PortGroup, ...] = Field(min_length=1)
    montreux: MontreuxRules
    world_parameters: dict[Identifier, Quantity]
    records: dict[Identifier, Record] = Field(default_factory=dict)


@dataclass(frozen=True)
class MaritimeData:
    """The validated data with the line of every node (for locating problems later)."""

    file: MaritimeFile
    lines: LineMap
    path: Path

    def waypoint_index(self, waypoint_id: str) -> int:
        """Return the position of a waypoint on the track."""
        ids = [waypoint.id for waypoint in self.file.corridor.waypoints]
        return ids.index(waypoint_id)

    def group(self, group_id: str) -> PortGroup:
        """Return a port group by id."""
        return next(group for group in self.file.port_groups if group.id == group_id)

    def cite(self, ref: SourceRef | None) -> str:
        """Return a one-line citation for a source id or inline source."""
        if ref is None:
            return ""
        if isinstance(ref, Source):
            return ref.cite()
        source = self.file.sources.get(ref)
        return source.cite() if source is not None else ref


def shipped_path() -> Path:
    """Path of the shipped ``maritime.yaml``."""
    return Path(__file__).resolve().parent / "data.yaml"


def _internal_problems(raw: dict[str, Any], lines: LineMap) -> list[Problem]:
    """Check references inside the file on the raw data, so all problems come out together."""
    problems: list[Problem] = []
    sources = raw.get("sources") if isinstance(raw.get("sources"), dict) else {}
    problems.extend(check_source_refs(raw, set(sources or {}), lines))
    corridor = raw.get("corridor") if isinstance(raw.get("corridor"), dict) else {}
    waypoints = corridor.get("waypoints") if isinstance(corridor, dict) else None
    waypoint_ids = (
        {item.get("id") for item in (waypoints or []) if isinstance(item, dict)}
        if isinstance(waypoints, list)
        else set()
    )
    groups_raw = raw.get("port_groups")
    group_ids = (
        {item.get("id") for item in groups_raw if isinstance(item, dict)}
        if isinstance(groups_raw, list)
        else set()
    )
    parameters = raw.get("world_parameters")
    parameter_names = set(parameters) if isinstance(parameters, dict) else set()
    ports = corridor.get("ports") if isinstance(corridor, dict) else None
    for index, port in enumerate(ports if isinstance(ports, list) else []):
        if not isinstance(port, dict):
            continue
        where: list[str | int] = ["corridor", "ports", index]
        joins = port.get("joins")
        if isinstance(joins, str) and waypoint_ids and joins not in waypoint_ids:
            problems.append(
                lines.problem(
                    [*where, "joins"],
                    "unknown waypoint",
                    expected=f"one of {sorted(map(str, waypoint_ids))}",
                    received=joins,
                )
            )
        group = port.get("group")
        if isinstance(group, str) and group_ids and group not in group_ids:
            problems.append(
                lines.problem(
                    [*where, "group"],
                    "unknown port group",
                    expected=f"one of {sorted(map(str, group_ids))}",
                    received=group,
                )
            )
    for index, group in enumerate(groups_raw if isinstance(groups_raw, list) else []):
        for key in ("cargo_offered", "cargo_per_call", "damage_per_call"):
            name = group.get(key) if isinstance(group, dict) else None
            if isinstance(name, str) and parameter_names and name not in parameter_names:
                problems.append(
                    lines.problem(
                        ["port_groups", index, key],
                        "unknown world parameter",
                        expected="a key of world_parameters",
                        received=name,
                    )
                )
    records = raw.get("records") if isinstance(raw.get("records"), dict) else {}
    for name, record in (records or {}).items():
        conditions = record.get("conditions") if isinstance(record, dict) else None
        for key in conditions if isinstance(conditions, dict) else {}:
            if parameter_names and key not in parameter_names:
                problems.append(
                    lines.problem(
                        ["records", name, "conditions", key],
                        "unknown world parameter",
                        expected="a key of world_parameters",
                        received=key,
                    )
                )
    return problems


def parse_maritime(raw: Any, lines: LineMap, path: Path) -> MaritimeData:
    """Validate parsed YAML as maritime data.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    if not isinstance(raw, dict):
        raise DataError(
            [lines.problem([], "maritime data is a mapping", received=type(raw).__name__)]
        )
    problems: list[Problem] = []
    parsed: MaritimeFile | None = None
    try:
        parsed = validate_as(MaritimeFile, raw, lines)
    except DataError as error:
        problems.extend(error.problems)
    problems.extend(_internal_problems(raw, lines))
    if problems:
        unique = list(dict.fromkeys(problems))
        raise DataError(sorted(unique, key=lambda problem: (problem.line or 0, problem.field)))
    assert parsed is not None
    return MaritimeData(file=parsed, lines=lines, path=path)


def load_maritime(path: str | Path | None = None) -> MaritimeData:
    """Load maritime data from a file (default: the shipped ``maritime.yaml``).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    if path is None:
        return _shipped()
    target = Path(path)
    raw, lines = load_yaml(target)
    return parse_maritime(raw, lines, target)


@lru_cache(maxsize=1)
def _shipped() -> MaritimeData:
    target = shipped_path()
    raw, lines = load_yaml(target)
    return parse_maritime(raw, lines, target)


def theatre_problems(data: MaritimeData, theatre: Theatre) -> list[Problem]:
    """Check the data against a theatre: ports are its places, waypoints lie at sea.

    The sea check uses the theatre's ``black-sea`` feature; a theatre without one is not checked.
    """
    problems: list[Problem] = []
    lines = data.lines
    places = {place.id for place in theatre.iter_places()}
    for index, port in enumerate(data.file.corridor.ports):
        if port.port not in places:
            problems.append(
                lines.problem(
                    ["corridor", "ports", index, "port"],
                    "unknown port",
                    expected="a place of the theatre",
                    received=port.port,
                )
            )
    sea = next((f for f in theatre.features if f.id == SEA_FEATURE), None)
    if sea is not None:
        waypoints = data.file.corridor.waypoints
        lon = np.array([waypoint.longitude for waypoint in waypoints])
        lat = np.array([waypoint.latitude for waypoint in waypoints])
        at_sea = contains(sea.geometry, lon, lat)
        problems.extend(
            lines.problem(
                ["corridor", "waypoints", int(index), "lat"],
                f"waypoint {waypoints[index].id!r} is not in the theatre's {SEA_FEATURE!r} feature",
                expected="a position at sea",
                received=f"{lat[index]:.3f} N {lon[index]:.3f} E",
            )
            for index in np.flatnonzero(~at_sea)
        )
    return problems
