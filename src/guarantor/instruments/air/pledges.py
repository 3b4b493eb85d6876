"""What a package pledges in the air: fighters and tankers at bases, CAP stations, checked.

Turns the air-policing commitments of a package into flat records the model computes on, and
refuses a package that names a base or aircraft type the theatre lacks, or a negative count,
with every problem located by its dotted field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from guarantor.errors import DataError, Problem
from guarantor.packages.schema import AirPolicing, Instrument, Package, magnitude
from guarantor.theatre import Theatre
from guarantor.theatre.schema import AirBase, AircraftRole, AircraftType, Place


@dataclass(frozen=True)
class Pledge:
    """Aircraft of one type at one base, from one commitment."""

    commitment: str
    conditional: bool
    kind: AircraftType
    base: AirBase
    count: float
    readiness_min: float | None
    standoff_km: float
    tankers: bool
    """Whether the commitment also pledges tankers (extends the combat radius)."""


@dataclass(frozen=True)
class Station:
    """A CAP station a commitment asks to hold."""

    place: Place
    commitment: str
    conditional: bool


@dataclass(frozen=True)
class AirPledges:
    """Every air pledge of a package."""

    commitments: tuple[AirPolicing, ...]
    fighters: tuple[Pledge, ...]
    tankers: tuple[Pledge, ...]
    stations: tuple[Station, ...]
    protect: tuple[str, ...]


def air_commitments(package: Package) -> tuple[AirPolicing, ...]:
    """The package's air-policing commitments."""
    return tuple(c for c in package.of(Instrument.AIR_POLICING) if isinstance(c, AirPolicing))


def air_pledges(theatre: Theatre, package: Package) -> AirPledges:
    """Read and check the air pledges of a package against the theatre.

    Raises:
        DataError: a base, aircraft type or place is unknown, a fighter is listed as a tanker
            (or the reverse), or a count, readiness or stand-off is negative or not finite.
    """
    bases = {base.id: base for base in theatre.data.places.air_bases}
    kinds = {kind.id: kind for kind in theatre.data.platforms.aircraft}
    places = {place.id: place for place in theatre.iter_places()}
    problems: list[Problem] = []
    fighters: list[Pledge] = []
    tankers: list[Pledge] = []
    stations: list[Station] = []
    protect: list[str] = []
    commitments = air_commitments(package)
    for index, commitment in enumerate(package.commitments):
        if not isinstance(commitment, AirPolicing):
            continue
        where = f"commitments.{index}"
        readiness = _amount(commitment.readiness_min, f"{where}.readiness_min", problems)
        standoff = _amount(commitment.standoff_km, f"{where}.standoff_km", problems) or 0.0
        for field, role, out in (
            ("aircraft", AircraftRole.FIGHTER, fighters),
            ("tankers", AircraftRole.TANKER, tankers),
        ):
            for number, item in enumerate(getattr(commitment, field)):
                spot = f"{where}.{field}.{number}"
                kind = kinds.get(item.type)
                base = bases.get(item.base)
                count = _amount(item.count, f"{spot}.count", problems)
                if kind is None or kind.role is not role:
                    choices = sorted(k for k, v in kinds.items() if v.role is role)
                    problems.append(
                        Problem(
                            f"unknown {role.value} type",
                            field=f"{spot}.type",
                            expected=f"one of {choices}",
                            received=item.type,
                        )
                    )
                if base is None:
                    problems.append(
                        Problem(
                            "unknown air base",
                            field=f"{spot}.base",
                            expected=f"one of {sorted(bases)}",
                            received=item.base,
                        )
                    )
                if kind is None or base is None or count is None:
                    continue
                out.append(
                    Pledge(
                        commitment=commitment.id,
                        conditional=commitment.conditional,
                        kind=kind,
                        base=base,
                        count=count,
                        readiness_min=readiness,
                        standoff_km=standoff,
                        tankers=any(magnitude(t.count) > 0 for t in commitment.tankers),
                    )
                )
        for field in ("cap_stations", "protect"):
            for number, ident in enumerate(getattr(commitment, field)):
                if ident not in places:
                    problems.append(
                        Problem(
                            "unknown place",
                            field=f"{where}.{field}.{number}",
                            expected="a city, port, base or plant of the theatre",
                            received=ident,
                        )
                    )
                elif field == "cap_stations":
                    stations.append(Station(places[ident], commitment.id, commitment.conditional))
                else:
                    protect.append(ident)
    if problems:
        raise DataError(problems)
    return AirPledges(commitments, tuple(fighters), tuple(tankers), tuple(stations), tuple(protect))


def _amount(amount: object, field: str, problems: list[Problem]) -> float | None:
    if amount is None:
        return None
    value = magnitude(amount)  # type: ignore[arg-type]
    if not math.isfinite(value) or value < 0:
        problems.append(Problem("must be a finite number ≥ 0", field=field, received=f"{value:g}"))
        return None
    return value
