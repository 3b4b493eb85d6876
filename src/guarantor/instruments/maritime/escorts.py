"""Ships: what the package pledges, what the corridor needs, what the ships on station give.

Pledges are ruled on by Montreux (:mod:`.montreux`) in every world.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError
from guarantor.instruments.maritime import navies
from guarantor.instruments.maritime.data import MaritimeData
from guarantor.instruments.maritime.flow import Parameters, Protection
from guarantor.instruments.maritime.geometry import KM_PER_NMI, CorridorGeometry
from guarantor.instruments.maritime.montreux import (
    Category,
    Deployment,
    WorldRulings,
    rule_worlds,
)
from guarantor.packages.schema import Instrument, MaritimeSecurity, Package, magnitude
from guarantor.theatre import Theatre
from guarantor.theatre.schema import ShipRole, ShipType

FloatArray = NDArray[np.float64]

ESCORT_ROLES = frozenset({ShipRole.FRIGATE, ShipRole.CORVETTE, ShipRole.PATROL})
MCM_ROLES = frozenset({ShipRole.MINE_COUNTERMEASURES})


# --------------------------------------------------------------------------------------------
# Ships: what the package pledges, what the corridor needs


@dataclass(frozen=True)
class Pledges:
    """The package's ship pledges with their types, and the Montreux rulings over worlds."""

    deployments: tuple[Deployment, ...]
    """What can be fielded: the pledges capped at what each navy can commit."""
    types: tuple[ShipType, ...]
    rulings: WorldRulings
    checks: tuple[dict[str, Any], ...] = ()
    """Each actor's pledge of a type against what its navy can commit (``navies``)."""

    def on_station(self, roles: frozenset[ShipRole]) -> FloatArray:
        """Ships on station of the given roles per deployment (rows) and world (columns)."""
        allowed = self.rulings.allowed
        mask = np.array(
            [
                ship.role in roles and deployment.in_black_sea
                for deployment, ship in zip(self.deployments, self.types, strict=True)
            ],
            dtype=bool,
        )
        shares = np.array([availability(ship) for ship in self.types], dtype=np.float64)
        return allowed * (mask * shares)[:, None]

    def in_black_sea(self, roles: frozenset[ShipRole]) -> FloatArray:
        """Ships of the given roles allowed in the Black Sea, per world."""
        allowed = self.rulings.allowed
        mask = np.array(
            [
                ship.role in roles and deployment.in_black_sea
                for deployment, ship in zip(self.deployments, self.types, strict=True)
            ],
            dtype=bool,
        )
        return (allowed * mask[:, None]).sum(axis=0) if allowed.size else np.zeros(allowed.shape[1])


def availability(ship: ShipType) -> float:
    if ship.availability is None:
        raise DataError.single(
            f"ship type {ship.id!r} has no availability; the sea model needs it for rotation",
            field=f"platforms.ships.{ship.id}.availability",
            expected="a share between 0 and 1",
        )
    if not 0 < ship.availability.value <= 1:
        raise DataError.single(
            f"ship type {ship.id!r} availability must lie in (0, 1]",
            field=f"platforms.ships.{ship.id}.availability",
            received=f"{ship.availability.value:g}",
        )
    return ship.availability.value


def cover_radius_km(ship: ShipType, response_time_h: FloatArray) -> FloatArray:
    """Half-length of track one ship on station covers, in every world.

    An escort defends what it can reach before an attack arrives: its engagement radius plus the
    distance it closes in the warning time, but never beyond what its sensors see.
    """
    engagement = ship.engagement_radius_km.value if ship.engagement_radius_km else 0.0
    closing = ship.speed_kn.value * KM_PER_NMI * response_time_h
    reach = engagement + closing
    if ship.sensor_radius_km is not None:
        reach = np.minimum(reach, ship.sensor_radius_km.value)
    return np.asarray(reach, dtype=np.float64)


def sweep_capacity_km2(ship: ShipType, p: Parameters) -> FloatArray:
    """Channel area one minehunter on station clears per re-sweep interval, in every world."""
    swath_km = 2.0 * (ship.sensor_radius_km.value if ship.sensor_radius_km else 0.0)
    per_day = p["hunting_speed_kn"] * KM_PER_NMI * swath_km * p["hunting_hours_per_day"]
    return np.asarray(per_day * p["resweep_interval_days"], dtype=np.float64)


def montreux_class(ship: ShipType, data: MaritimeData) -> tuple[Category, float]:
    """A ship type's Annex II category and standard displacement (``montreux.classes``).

    A type the data does not list is classed by its theatre displacement: a light surface
    vessel up to the Annex II limit, a capital ship above it.
    """
    rules = data.file.montreux
    listed = rules.classes.get(ship.id)
    if listed is not None:
        return Category(listed.category), listed.standard_displacement_t.value
    weight = ship.displacement_t.value
    if weight > rules.max_vessel_t.value:
        return Category.CAPITAL_SHIP, weight
    return Category.LIGHT_SURFACE_VESSEL, weight


def pledges(theatre: Theatre, package: Package, data: MaritimeData, p: Parameters) -> Pledges:
    """The package's maritime pledges as deployments, ruled on by Montreux in every world."""
    deployments: list[Deployment] = []
    types: list[ShipType] = []
    rules = data.file.montreux
    for commitment in package.of(Instrument.MARITIME_SECURITY):
        assert isinstance(commitment, MaritimeSecurity)
        actor = theatre.actor(commitment.actor)
        for pledge in commitment.ships:
            ship = theatre.ship(pledge.type)
            category, standard_t = montreux_class(ship, data)
            deployments.append(
                Deployment(
                    commitment=commitment.id,
                    actor=commitment.actor,
                    littoral=actor.black_sea_littoral,
                    ship_type=ship.id,
                    count=round(magnitude(pledge.count)),
                    displacement_t=standard_t,
                    in_black_sea=commitment.in_black_sea,
                    category=category,
                    belligerent=commitment.actor in rules.belligerents,
                    turkey_adversary=commitment.actor in rules.turkey_adversaries,
                )
            )
            types.append(ship)
    fielded, checks = navies.capped(deployments)
    deployments = list(fielded)
    try:
        rulings = rule_worlds(
            deployments,
            rules,
            p["straits_scenario"],
            p["montreux_raised_limit"],
            p["non_littoral_stay_days"],
            turkey_policy=p["turkey_closure_policy"],
            turkey_threatened=p["turkey_threatened"],
        )
    except ValueError as error:
        raise DataError.single(
            str(error),
            field="worlds.straits_scenario",
            expected="0 (closed), 1 (open) or 2 (turkey-belligerent)",
        ) from error
    return Pledges(tuple(deployments), tuple(types), rulings, tuple(checks))


@dataclass(frozen=True)
class Requirement:
    """Ships the corridor needs, in every world."""

    escort_type: ShipType
    escort_radius_km: FloatArray
    escort_stations: FloatArray
    escorts_required: FloatArray
    mcm_type: ShipType
    mcm_on_station_required: FloatArray
    mcm_required: FloatArray

    @property
    def ships_required(self) -> FloatArray:
        """Escorts and minehunters needed in total (on station and rotating)."""
        return self.escorts_required + self.mcm_required


def _reference_type(
    theatre: Theatre, chosen: Pledges, roles: frozenset[ShipRole], fallback: ShipRole
) -> ShipType:
    # the type with most ships allowed in the Black Sea (first world); ties go to package order
    counts: dict[str, float] = {}
    by_id: dict[str, ShipType] = {}
    allowed = chosen.rulings.allowed
    for row, (deployment, ship) in enumerate(zip(chosen.deployments, chosen.types, strict=True)):
        if ship.role in roles and deployment.in_black_sea and allowed[row, 0] > 0:
            counts[ship.id] = counts.get(ship.id, 0.0) + float(allowed[row, 0])
            by_id[ship.id] = ship
    if counts:
        return by_id[max(counts, key=lambda ident: counts[ident])]
    candidates = [ship for ship in theatre.data.platforms.ships if ship.role is fallback]
    if not candidates:
        raise DataError.single(
            f"the theatre has no ship type with role {fallback.value!r}",
            field="platforms.ships",
            expected=f"a ship type with role {fallback.value!r}",
        )
    return candidates[0]


def requirement(
    theatre: Theatre, chosen: Pledges, geometry: CorridorGeometry, p: Parameters
) -> Requirement:
    """Escorts to cover the whole track and minehunters to keep the channel swept."""
    escort = _reference_type(theatre, chosen, ESCORT_ROLES, ShipRole.FRIGATE)
    radius = cover_radius_km(escort, p["response_time_h"])
    stations = np.ceil(geometry.length_km / np.maximum(2.0 * radius, 1e-9))
    escorts = np.ceil(stations / availability(escort) - 1e-9)
    mcm = _reference_type(theatre, chosen, MCM_ROLES, ShipRole.MINE_COUNTERMEASURES)
    area = p["swept_channel_km"] * p["channel_width_km"]
    on_station = np.ceil(area / np.maximum(sweep_capacity_km2(mcm, p), 1e-9) - 1e-9)
    return Requirement(
        escort_type=escort,
        escort_radius_km=radius,
        escort_stations=stations,
        escorts_required=escorts,
        mcm_type=mcm,
        mcm_on_station_required=on_station,
        mcm_required=np.ceil(on_station / availability(mcm) - 1e-9),
    )


def protection(chosen: Pledges, p: Parameters, geometry: CorridorGeometry) -> Protection:
    """Coverage of the track, share of the channel swept, and a frigate off the ports."""
    size = p["threat_level"].size
    if not chosen.deployments:
        return Protection.none(size)
    escorts = chosen.on_station(ESCORT_ROLES)
    radius = np.stack([cover_radius_km(ship, p["response_time_h"]) for ship in chosen.types])
    covered_km = (escorts * 2.0 * radius).sum(axis=0)
    coverage = np.clip(covered_km / geometry.length_km, 0.0, 1.0)
    mcm = chosen.on_station(MCM_ROLES)
    capacity = np.stack([sweep_capacity_km2(ship, p) for ship in chosen.types])
    area = np.maximum(p["swept_channel_km"] * p["channel_width_km"], 1e-9)
    swept = np.clip((mcm * capacity).sum(axis=0) / area, 0.0, 1.0)
    frigates = chosen.on_station(frozenset({ShipRole.FRIGATE})).sum(axis=0)
    return Protection(coverage, swept, np.clip(frigates, 0.0, 1.0))
