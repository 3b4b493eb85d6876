"""Loading packages: shipped names or paths, validated and checked against the theatre."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import (
    AirPolicing,
    Instrument,
    MaritimeSecurity,
    Package,
    ReassuranceForce,
)
from guarantor.sourcing import validate_as
from guarantor.theatre import Theatre, load_theatre
from guarantor.sourcing import source_refs
from guarantor.theatre.schema import AircraftRole
from guarantor.yamlio import LineMap, load_yaml, load_yaml_text

DEFAULT_PACKAGE = "paris-declaration-2026"


def _data_root() -> Path:
    return Path(str(resources.files("guarantor.packages") / "data"))


def shipped_packages() -> list[str]:
    """Names of the packages shipped inside guarantor."""
    return sorted(path.stem for path in _data_root().glob("*.yaml"))


def package_path(name_or_path: str | Path | None) -> Path:
    """Resolve a shipped package's name or a file path (default: the default package)."""
    if name_or_path is None:
        name_or_path = DEFAULT_PACKAGE
    path = Path(name_or_path)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return path
    shipped = _data_root() / f"{name_or_path}.yaml"
    if shipped.exists():
        return shipped
    raise DataError(
        [
            Problem(
                "no such package",
                field="package",
                expected=f"a YAML file or one of {shipped_packages()}",
                received=str(name_or_path),
            )
        ]
    )


def check_references(package: Package, raw: Any, lines: LineMap, theatre: Theatre) -> list[Problem]:
    """Check every id a package names against the theatre and itself."""
    problems: list[Problem] = []
    ids = theatre.data.all_ids()
    actors = set(ids["actor"])
    fighters = {a.id for a in theatre.data.platforms.aircraft if a.role is AircraftRole.FIGHTER}
    tankers = {a.id for a in theatre.data.platforms.aircraft if a.role is AircraftRole.TANKER}
    places = {place.id for place in theatre.iter_places()}
    commitment_ids = [c.id for c in package.commitments]

    def unknown(path: list[str | int], what: str, value: str, known: set[str]) -> None:
        if value not in known:
            problems.append(
                lines.problem(
                    path, f"unknown {what}", expected=f"one of {sorted(known)}", received=value
                )
            )

    for ident, count in Counter(commitment_ids).items():
        if count > 1:
            index = commitment_ids.index(ident)
            problems.append(lines.problem(["commitments", index, "id"], f"duplicate id {ident!r}"))
    for index, commitment in enumerate(package.commitments):
        where: list[str | int] = ["commitments", index]
        unknown([*where, "actor"], "actor", commitment.actor, actors)
        for number, condition in enumerate(commitment.conditions):
            if condition.parliament_approves is not None:
                unknown(
                    [*where, "conditions", number, "parliament_approves"],
                    "actor",
                    condition.parliament_approves,
                    actors,
                )
            if condition.commitment_active is not None:
                unknown(
                    [*where, "conditions", number, "commitment_active"],
                    "commitment",
                    condition.commitment_active,
                    set(commitment_ids) - {commitment.id},
                )
        if isinstance(commitment, AirPolicing):
            for kind, pledges, allowed in (
                ("aircraft", commitment.aircraft, fighters),
                ("tankers", commitment.tankers, tankers),
            ):
                for number, pledge in enumerate(pledges):
                    unknown([*where, kind, number, "type"], f"{kind} type", pledge.type, allowed)
                    unknown([*where, kind, number, "base"], "air base", pledge.base, set(ids["air_base"]))
            for field in ("protect", "cap_stations"):
                for number, place in enumerate(getattr(commitment, field)):
                    unknown([*where, field, number], "place", place, places)
        elif isinstance(commitment, MaritimeSecurity):
            for number, ship in enumerate(commitment.ships):
                unknown([*where, "ships", number, "type"], "ship type", ship.type, set(ids["ship"]))
                if ship.home_port is not None:
                    unknown([*where, "ships", number, "home_port"], "place", ship.home_port, places)
        elif isinstance(commitment, ReassuranceForce):
            for number, hub in enumerate(commitment.hubs):
                unknown([*where, "hubs", number], "place", hub, places)
        elif commitment.instrument in {Instrument.ARMS_SUPPLY}:
            for number, hub in enumerate(getattr(commitment, "via", ())):
                unknown([*where, "via", number], "place", hub, places)
    for index, trigger in enumerate(package.triggers):
        if trigger.commitment is not None:
            unknown(["triggers", index, "commitment"], "commitment", trigger.commitment, set(commitment_ids))
    known_sources = set(package.sources) | set(theatre.sources)
    for path, ref in source_refs(raw):
        if ref not in known_sources:
            problems.append(
                lines.problem(list(path), "unknown source", expected="a source id", received=ref)
            )
    return problems


def parse_package(text: str, file: str, theatre: Theatre | None = None) -> Package:
    """Parse and check a package from YAML text.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml_text(text, file)
    return _validated(raw, lines, theatre)


def load_package(name_or_path: str | Path | None = None, theatre: Theatre | None = None) -> Package:
    """Load a package by shipped name or path, validate it and check its references.

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    raw, lines = load_yaml(package_path(name_or_path))
    return _validated(raw, lines, theatre)


def _validated(raw: Any, lines: LineMap, theatre: Theatre | None) -> Package:
    if not isinstance(raw, dict):
        raise DataError([lines.problem([], "a package is a mapping", received=type(raw).__name__)])
    package = validate_as(Package, raw, lines)
    if theatre is None:
        theatre = load_theatre(package.theatre)
    elif theatre.name != package.theatre:
        raise DataError(
            [
                lines.problem(
                    ["theatre"], "package written for another theatre", expected=theatre.name,
                    received=package.theatre,
                )
            ]
        )
    problems = check_references(package, raw, lines, theatre)
    if problems:
        raise DataError(problems)
    return package
