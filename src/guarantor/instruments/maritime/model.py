"""The sea model: keeping the lane to Odesa open, vectorised over worlds.

Given a theatre, a package and a table of worlds, :func:`assess` answers four questions:

1. **The corridor**: how long is the coastal track from Odesa and the Danube ports to the
   Bosporus, and how long does a merchant ship take on it?
2. **Escorts and mine clearance**: how many warships must be on station (and in total, given
   rotation) to cover the track, and how much of it do the pledged ships cover?
3. **Montreux**: which of the pledged ships may be in the Black Sea at all
   (:mod:`guarantor.instruments.maritime.montreux`)?
4. **Throughput and risk**: how many tonnes a month and ship calls the ports carry, and how many
   ships are damaged, with the package's protection and without it.

Throughput in each port group is the least of the cargo offered times the owners' participation,
the ports' capacity times the share of time they work, and (under a grain-deal regime) the
inspections a month; damage is ship calls times the chance of damage per call, which the
escorts, the minehunters and a frigate off the ports reduce. Equations and sources are in
``docs/sea.md``. Everything is an array over worlds; the only Python loops run over ship
pledges, port groups and the at most eight Montreux scenarios.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.errors import DataError, Problem
from guarantor.geo import GEOD, distance_km, feature_collection
from guarantor.instruments.maritime import convoys, insurance, navies
from guarantor.instruments.maritime.convoys import ConvoyPlan
from guarantor.instruments.maritime.data import MaritimeData, load_maritime, theatre_problems
from guarantor.instruments.maritime.montreux import (
    Category,
    Deployment,
    Ruling,
    WorldRulings,
    rule_worlds,
)
from guarantor.packages.schema import Instrument, MaritimeSecurity, Package, magnitude
from guarantor.section import Metric, Section, Worlds, n_worlds, world_parameter
from guarantor.sourcing import Quantity
from guarantor.theatre import Theatre
from guarantor.theatre.schema import ShipRole, ShipType

FloatArray = NDArray[np.float64]

KM_PER_NMI = 1.852
DAYS_PER_MONTH = 365.25 / 12
ESCORT_ROLES = frozenset({ShipRole.FRIGATE, ShipRole.CORVETTE, ShipRole.PATROL})
MCM_ROLES = frozenset({ShipRole.MINE_COUNTERMEASURES})

WORLD_PARAMETERS: dict[str, Quantity] = dict(load_maritime().file.world_parameters)
"""World parameters the sea model reads, with defaults and ranges (from ``maritime.yaml``)."""


# --------------------------------------------------------------------------------------------
# Corridor geometry


@dataclass(frozen=True)
class PortLeg:
    """One port's way to the Bosporus."""

    port: str
    name: str
    group: str
    lon: float
    lat: float
    sea_km: float
    river_km: float
    capacity_mt_per_month: float
    joins: int


@dataclass(frozen=True)
class CorridorGeometry:
    """The track (waypoints in order) and every port's leg."""

    lon: FloatArray
    lat: FloatArray
    cumulative_km: FloatArray
    ports: tuple[PortLeg, ...]

    @property
    def length_km(self) -> float:
        """Length of the sea track from its first waypoint to the Bosporus."""
        return float(self.cumulative_km[-1])

    def port(self, port_id: str) -> PortLeg:
        """Return the leg of one port."""
        return next(leg for leg in self.ports if leg.port == port_id)

    def points_along(self, distances_km: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Positions at given distances along the track (clipped to its ends)."""
        distances = np.clip(np.asarray(distances_km, dtype=np.float64), 0.0, self.length_km)
        segment = np.clip(
            np.searchsorted(self.cumulative_km, distances, side="right") - 1,
            0,
            self.lon.size - 2,
        )
        azimuth, _, _ = GEOD.inv(
            self.lon[segment], self.lat[segment], self.lon[segment + 1], self.lat[segment + 1]
        )
        remaining_m = (distances - self.cumulative_km[segment]) * 1000.0
        lon, lat, _ = GEOD.fwd(self.lon[segment], self.lat[segment], azimuth, remaining_m)
        return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def corridor_geometry(theatre: Theatre, data: MaritimeData) -> CorridorGeometry:
    """Build the corridor from the data's waypoints and the theatre's port positions."""
    waypoints = data.file.corridor.waypoints
    lon = np.array([waypoint.longitude for waypoint in waypoints], dtype=np.float64)
    lat = np.array([waypoint.latitude for waypoint in waypoints], dtype=np.float64)
    legs = distance_km(lon[:-1], lat[:-1], lon[1:], lat[1:])
    cumulative = np.concatenate([[0.0], np.cumsum(legs)])
    ports = []
    for port in data.file.corridor.ports:
        place = theatre.place(port.port)
        join = data.waypoint_index(port.joins)
        approach = float(distance_km(place.longitude, place.latitude, lon[join], lat[join]))
        river = port.river_km.value if port.river_km is not None else 0.0
        sea = approach + cumulative[-1] - cumulative[join]
        if port.river_km is not None:
            # a river port's approach is its river run; the sea leg starts at the river mouth
            sea = cumulative[-1] - cumulative[join]
        ports.append(
            PortLeg(
                port=port.port,
                name=place.name,
                group=port.group,
                lon=place.longitude,
                lat=place.latitude,
                sea_km=float(sea),
                river_km=float(river),
                capacity_mt_per_month=port.capacity_mt_per_year.value / 12.0,
                joins=join,
            )
        )
    return CorridorGeometry(lon, lat, cumulative, tuple(ports))


# --------------------------------------------------------------------------------------------
# The lane: throughput and risk, vectorised over worlds


@dataclass(frozen=True)
class Protection:
    """What the package's ships do in each world (arrays over worlds, each 0-1)."""

    coverage_share: FloatArray
    swept_share: FloatArray
    port_defended: FloatArray

    @classmethod
    def none(cls, size: int) -> Protection:
        """No protection beyond Ukraine's own (the baseline the damage rate was measured in)."""
        zeros = np.zeros(size)
        return cls(zeros, zeros, zeros)


@dataclass(frozen=True)
class GroupFlow:
    """Monthly flow through one port group in each world."""

    group: str
    throughput_mt_per_month: FloatArray
    ship_calls_per_month: FloatArray
    ships_damaged_per_month: FloatArray
    damage_per_call: FloatArray
    war_risk_premium: FloatArray
    effective_premium: FloatArray
    participation: FloatArray


@dataclass(frozen=True)
class LaneFlow:
    """Monthly flow through the lane in each world (totals; premium of the first group)."""

    throughput_mt_per_month: FloatArray
    ship_calls_per_month: FloatArray
    ships_damaged_per_month: FloatArray
    damage_per_call: FloatArray
    participation: FloatArray
    port_uptime: FloatArray
    war_risk_premium: FloatArray
    effective_premium: FloatArray
    groups: tuple[GroupFlow, ...] = ()


Parameters = Mapping[str, FloatArray]


def parameters(worlds: Worlds | None, size: int | None = None) -> dict[str, FloatArray]:
    """Every world parameter as an array over worlds (defaults where the table has none).

    Raises:
        DataError: a parameter is not finite or is negative.
    """
    size = n_worlds(worlds) if size is None else size
    values = {
        name: world_parameter(worlds, name, default, size)
        for name, default in WORLD_PARAMETERS.items()
    }
    problems = [
        Problem(
            "world parameter must be finite and not negative",
            field=f"worlds.{name}",
            expected=f"values in [{WORLD_PARAMETERS[name].low:g}, "
            f"{WORLD_PARAMETERS[name].high:g}] {WORLD_PARAMETERS[name].unit}",
            received=f"{array[~(np.isfinite(array) & (array >= 0))][0]!r}",
        )
        for name, array in values.items()
        if array.shape != (size,) or not bool(np.all(np.isfinite(array) & (array >= 0)))
    ]
    if problems:
        raise DataError(problems)
    return values


def damage_per_call(
    p: Parameters, protection: Protection, base_rate: str = "damage_per_call"
) -> FloatArray:
    """Chance that a ship call ends with the ship damaged, by where the damage is done.

    ``threat × base rate × Σ_k share_k × m_k × (1 - protection_k)`` over damage in port (a
    frigate off the ports), at sea (escorts) and by mines (swept channels); the shares are
    normalised to 1 and ``m`` is 1 except at sea under a declared blockade (``blockade``),
    where attacks on ships at sea are multiplied. ``base_rate`` names the port group's rate.
    """
    port_share = p["port_share_of_damage"]
    mine_share = p["mine_share_of_damage"]
    sea_share = np.clip(1.0 - port_share - mine_share, 0.0, 1.0)
    total = np.maximum(port_share + mine_share + sea_share, 1e-12)
    at_sea = np.where(p["blockade"] > 0.5, p["blockade_sea_threat_multiplier"], 1.0)
    unprotected = (
        port_share * (1.0 - p["port_air_defence_effectiveness"] * protection.port_defended)
        + sea_share * at_sea * (1.0 - p["escort_kill_probability"] * protection.coverage_share)
        + mine_share * (1.0 - p["sweep_effectiveness"] * protection.swept_share)
    ) / total
    return np.clip(p["threat_level"] * p[base_rate] * np.maximum(unprotected, 0.0), 0.0, 1.0)


def lane_flow(
    p: Parameters,
    legs: Sequence[PortLeg],
    data: MaritimeData,
    protection: Protection,
) -> LaneFlow:
    """Tonnes, ship calls and damaged ships a month through the given ports, in every world.

    Each port group has its own damage rate; the risk sets the war-risk premium, the premium
    (less the state facility's part) sets the owners' participation, and participation scales
    the cargo offered (:mod:`guarantor.instruments.maritime.insurance`).
    """
    size = p["threat_level"].size
    uptime = np.clip(1.0 - p["threat_level"] * p["alert_stoppage_share"], 0.0, 1.0)
    regime = p["inspection_regime"] > 0.5
    inspected_calls_limit = (
        p["inspections_per_day"] * DAYS_PER_MONTH / np.maximum(p["inspections_per_voyage"], 1e-9)
    )
    groups: list[GroupFlow] = []
    for group_id in dict.fromkeys(leg.group for leg in legs):
        group = data.group(group_id)
        risk = damage_per_call(p, protection, group.damage_per_call)
        premium = insurance.market_premium(p, risk)
        paid = insurance.effective_premium(p, premium)
        share = insurance.participation(p, paid)
        capacity = sum(leg.capacity_mt_per_month for leg in legs if leg.group == group_id)
        cargo_per_call_t = np.maximum(p[group.cargo_per_call], 1.0)
        flow = np.minimum(
            p[group.cargo_offered] * share,
            capacity * p["port_capacity_share"] * uptime,
        )
        if group.inspected:
            flow = np.where(
                regime, np.minimum(flow, inspected_calls_limit * cargo_per_call_t / 1e6), flow
            )
        calls = flow * 1e6 / cargo_per_call_t
        groups.append(GroupFlow(group_id, flow, calls, calls * risk, risk, premium, paid, share))
    if not groups:
        zeros = np.zeros(size)
        return LaneFlow(zeros, zeros, zeros, zeros, np.ones(size), uptime, zeros, zeros)
    calls = np.sum([g.ship_calls_per_month for g in groups], axis=0)
    damaged = np.sum([g.ships_damaged_per_month for g in groups], axis=0)
    first = groups[0]
    return LaneFlow(
        throughput_mt_per_month=np.sum([g.throughput_mt_per_month for g in groups], axis=0),
        ship_calls_per_month=calls,
        ships_damaged_per_month=damaged,
        damage_per_call=np.where(
            calls > 0, damaged / np.maximum(calls, 1e-12), first.damage_per_call
        ),
        participation=first.participation,
        port_uptime=uptime,
        war_risk_premium=first.war_risk_premium,
        effective_premium=first.effective_premium,
        groups=tuple(groups),
    )


# --------------------------------------------------------------------------------------------
# Ships: what the package pledges, what the corridor needs


@dataclass(frozen=True)
class Pledges:
    """The package's ship pledges with their types, and the Montreux rulings over worlds."""

    deployments: tuple[Deployment, ...]
    types: tuple[ShipType, ...]
    rulings: WorldRulings

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
        availability = np.array([_availability(ship) for ship in self.types], dtype=np.float64)
        return allowed * (mask * availability)[:, None]

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


def _availability(ship: ShipType) -> float:
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
    return Pledges(tuple(deployments), tuple(types), rulings)


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
    escorts = np.ceil(stations / _availability(escort) - 1e-9)
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
        mcm_required=np.ceil(on_station / _availability(mcm) - 1e-9),
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


# --------------------------------------------------------------------------------------------
# The section


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
    data: MaritimeData | None = None,
) -> Section:
    """Assess a package's sea guarantees in every world.

    The model is deterministic: ``rng`` is accepted for the shared contract and not drawn from.

    Raises:
        DataError: the maritime data does not fit the theatre, or a world parameter is invalid.
    """
    del rng
    data = load_maritime() if data is None else data
    problems = theatre_problems(data, theatre)
    if problems:
        raise DataError(problems)
    p = parameters(worlds)
    geometry = corridor_geometry(theatre, data)
    chosen = pledges(theatre, package, data, p)
    need = requirement(theatre, chosen, geometry, p)
    guard = protection(chosen, p, geometry)
    size = p["threat_level"].size
    protected = lane_flow(p, geometry.ports, data, guard)
    unprotected = lane_flow(p, geometry.ports, data, Protection.none(size))
    odesa = geometry.ports[0]
    transit_h = odesa.sea_km / (p["merchant_speed_kn"] * KM_PER_NMI)
    ships_pledged = chosen.in_black_sea(ESCORT_ROLES | MCM_ROLES)
    escorts_on_station = (
        chosen.on_station(ESCORT_ROLES).sum(axis=0) if chosen.deployments else np.zeros(size)
    )
    schedule, convoyed = convoy_flow(p, geometry, data, guard, escorts_on_station)
    result = _Result(
        convoy=schedule,
        convoyed=convoyed,
        geometry=geometry,
        chosen=chosen,
        need=need,
        guard=guard,
        protected=protected,
        unprotected=unprotected,
        transit_h=transit_h,
        ships_pledged=ships_pledged,
    )
    default_ruling = chosen.rulings.rulings[int(chosen.rulings.index[0])]
    return Section(
        name="sea",
        title="Sea: keeping the lane to Odesa open",
        verdict=_verdict(data, result, default_ruling),
        metrics=_metrics(data, result),
        layers={
            "corridor": corridor_layer(theatre, geometry, data),
            "patrol_stations": stations_layer(geometry, chosen, need, p),
        },
        tables={
            "ports": _ports_table(geometry, p),
            "port_groups": _groups_table(data, protected, unprotected),
            "modes": _modes_table(result),
            "commitments": default_ruling.commitments(),
            "montreux_violations": [v.as_dict() for v in default_ruling.violations],
            "montreux_verdicts": [v.as_dict() for v in default_ruling.verdicts],
            "ships": _ships_table(chosen, p),
            "navies": navies.inventory_check(chosen.deployments, data),
        },
        notes=(
            "Conditions on commitments are not evaluated here: every pledged ship counts "
            "(the durability simulation switches conditional commitments on and off).",
            f"Montreux scenario of the first world: {default_ruling.straits.describe()}.",
        ),
    )


def _provenance(data: MaritimeData, names: Sequence[str]) -> tuple[list[str], list[str]]:
    sources: list[str] = []
    assumptions: list[str] = []
    for name in names:
        quantity = WORLD_PARAMETERS[name]
        if quantity.assumption is not None:
            assumptions.append(
                f"{name}: {quantity.assumption} (range {quantity.low:g}-{quantity.high:g})"
            )
        else:
            sources.append(data.cite(quantity.source))
    return sources, assumptions


_INSURANCE = (
    "war_risk_base_premium",
    "premium_per_damage_chance",
    "premium_owners_stop",
    "insurance_facility",
    "facility_cap_usd_m",
    "facility_price_ratio",
    "hull_value_usd_m",
)
_FLOW = (
    "threat_level",
    "damage_per_call",
    "damage_per_call_danube",
    "blockade",
    "blockade_sea_threat_multiplier",
    *_INSURANCE,
    "alert_stoppage_share",
    "port_capacity_share",
    "cargo_offered_greater_odesa_mt_per_month",
    "cargo_offered_danube_mt_per_month",
    "cargo_per_call_t",
    "cargo_per_call_danube_t",
    "inspection_regime",
    "inspections_per_day",
    "inspections_per_voyage",
)
_RISK = (
    "threat_level",
    "damage_per_call",
    "damage_per_call_danube",
    "blockade",
    "blockade_sea_threat_multiplier",
    "port_share_of_damage",
    "mine_share_of_damage",
    "escort_kill_probability",
    "port_air_defence_effectiveness",
    "sweep_effectiveness",
)
_COVER = ("response_time_h",)
_CONVOY = (
    "convoy_ships_per_convoy",
    "convoy_escorts_per_convoy",
    "convoy_turnaround_h",
    "merchant_speed_kn",
)
_SWEEP = (
    "swept_channel_km",
    "channel_width_km",
    "hunting_speed_kn",
    "hunting_hours_per_day",
    "resweep_interval_days",
)
_MONTREUX = (
    "straits_scenario",
    "turkey_closure_policy",
    "turkey_threatened",
    "montreux_raised_limit",
    "non_littoral_stay_days",
)


@dataclass(frozen=True)
class _Result:
    geometry: CorridorGeometry
    chosen: Pledges
    need: Requirement
    guard: Protection
    protected: LaneFlow
    unprotected: LaneFlow
    transit_h: FloatArray
    ships_pledged: FloatArray
    convoy: ConvoyPlan
    convoyed: LaneFlow

    @property
    def convoy_preferred(self) -> FloatArray:
        """1 where convoys damage fewer ships per tonne and carry at least 95 % of the tonnes."""
        barrier, convoy = self.protected, self.convoyed
        per_mt_barrier = barrier.ships_damaged_per_month / np.maximum(
            barrier.throughput_mt_per_month, 1e-12
        )
        per_mt_convoy = convoy.ships_damaged_per_month / np.maximum(
            convoy.throughput_mt_per_month, 1e-12
        )
        keeps = convoy.throughput_mt_per_month >= 0.95 * barrier.throughput_mt_per_month
        return np.asarray(
            (per_mt_convoy < per_mt_barrier - 1e-12) & keeps & self.convoy.runs, dtype=np.float64
        )


def _answered(protected: LaneFlow, unprotected: LaneFlow) -> FloatArray:
    """1 - damage with protection / damage without, at the protected traffic, per world."""
    bare = sum(
        (
            g.ship_calls_per_month * u.damage_per_call
            for g, u in zip(protected.groups, unprotected.groups, strict=True)
        ),
        np.zeros_like(protected.ship_calls_per_month),
    )
    with_package = protected.ships_damaged_per_month
    answered = np.where(bare > 0, 1.0 - with_package / np.maximum(bare, 1e-12), 0.0)
    return np.asarray(np.clip(answered, 0.0, 1.0), dtype=np.float64)


def convoy_flow(
    p: Parameters,
    geometry: CorridorGeometry,
    data: MaritimeData,
    guard: Protection,
    escorts_on_station: FloatArray,
) -> tuple[ConvoyPlan, LaneFlow]:
    """The lane under convoys: every convoyed ship covered at sea, calls capped by the convoys."""
    schedule = convoys.plan(p, escorts_on_station, geometry.length_km)
    covered = Protection(schedule.runs.astype(np.float64), guard.swept_share, guard.port_defended)
    flow = lane_flow(p, geometry.ports, data, covered)
    share = np.where(schedule.runs, convoys.carried_share(schedule, flow.ship_calls_per_month), 1.0)
    groups = tuple(
        GroupFlow(
            g.group,
            g.throughput_mt_per_month * share,
            g.ship_calls_per_month * share,
            g.ships_damaged_per_month * share,
            g.damage_per_call,
            g.war_risk_premium,
            g.effective_premium,
            g.participation,
        )
        for g in flow.groups
    )
    scaled = LaneFlow(
        throughput_mt_per_month=flow.throughput_mt_per_month * share,
        ship_calls_per_month=flow.ship_calls_per_month * share,
        ships_damaged_per_month=flow.ships_damaged_per_month * share,
        damage_per_call=flow.damage_per_call,
        participation=flow.participation,
        port_uptime=flow.port_uptime,
        war_risk_premium=flow.war_risk_premium,
        effective_premium=flow.effective_premium,
        groups=groups,
    )
    return schedule, scaled


def _metrics(data: MaritimeData, result: _Result) -> tuple[Metric, ...]:
    geometry, chosen, need, guard = result.geometry, result.chosen, result.need, result.guard
    protected, unprotected = result.protected, result.unprotected
    transit_h, ships_pledged = result.transit_h, result.ships_pledged
    capacity_sources = [
        data.cite(port.capacity_mt_per_year.source) for port in data.file.corridor.ports
    ]
    montreux_sources = [
        data.cite(data.file.montreux.closure_source),
        data.cite(data.file.montreux.tonnage_limit_t.source),
    ]

    def metric(
        name: str,
        value: Any,
        unit: str,
        reason: str,
        uses: Sequence[str],
        *,
        extra: Sequence[str] = (),
    ) -> Metric:
        sources, assumptions = _provenance(data, uses)
        return Metric.of(
            name, value, unit, reason, sources=[*extra, *sources], assumptions=assumptions
        )

    waypoint_note = ["corridor waypoints read off the chart 10-25 km offshore (flagged)"]
    return (
        metric(
            "throughput_mt_per_month",
            protected.throughput_mt_per_month,
            "Mt/month",
            "least of cargo offered × owners' participation, port capacity × uptime and "
            "inspections, with the package's protection",
            _FLOW + _RISK,
            extra=capacity_sources,
        ),
        metric(
            "throughput_unprotected_mt_per_month",
            unprotected.throughput_mt_per_month,
            "Mt/month",
            "the same with no protection beyond Ukraine's own",
            _FLOW,
            extra=capacity_sources,
        ),
        metric(
            "ship_calls_per_month",
            protected.ship_calls_per_month,
            "ships/month",
            "tonnes a month divided by the cargo per call",
            _FLOW + _RISK,
        ),
        metric(
            "ship_calls_unprotected_per_month",
            unprotected.ship_calls_per_month,
            "ships/month",
            "ship calls with no protection beyond Ukraine's own",
            _FLOW,
        ),
        metric(
            "ships_damaged_per_month",
            protected.ships_damaged_per_month,
            "ships/month",
            "ship calls × chance of damage per call under the package's protection",
            _FLOW + _RISK + _COVER + _SWEEP,
        ),
        metric(
            "ships_damaged_unprotected_per_month",
            unprotected.ships_damaged_per_month,
            "ships/month",
            "ship calls × chance of damage per call with no protection",
            _FLOW + _RISK,
        ),
        metric(
            "war_risk_premium_share",
            protected.war_risk_premium,
            "1",
            "London-market hull war-risk premium per Greater Odesa voyage as a share of hull "
            "value: floor + loading × chance of damage per call under the package's protection",
            _RISK + _INSURANCE,
        ),
        metric(
            "war_risk_premium_unprotected_share",
            unprotected.war_risk_premium,
            "1",
            "the same premium with no protection beyond Ukraine's own",
            _RISK + _INSURANCE,
        ),
        metric(
            "owners_participation",
            protected.participation,
            "1",
            "share of the cargo offered that owners carry at the premium they pay (the state "
            "facility's part at its price)",
            _RISK + _INSURANCE,
        ),
        metric(
            "sea_probes_answered_share",
            _answered(protected, unprotected),
            "1",
            "share of sea probes (attacks on shipping and mines) the package's ships defeat: "
            "1 - ships damaged with its protection / without it, traffic held at the "
            "protected level",
            _FLOW + _RISK + _COVER + _SWEEP,
        ),
        metric(
            "convoy_throughput_mt_per_month",
            result.convoyed.throughput_mt_per_month,
            "Mt/month",
            "tonnes a month if the same escorts sail with convoys instead of holding stations "
            "(calls capped by what the convoys carry)",
            _FLOW + _RISK + _CONVOY,
        ),
        metric(
            "convoy_ships_damaged_per_month",
            result.convoyed.ships_damaged_per_month,
            "ships/month",
            "ships damaged a month under convoys: every convoyed ship covered at sea",
            _FLOW + _RISK + _CONVOY,
        ),
        metric(
            "convoy_wait_h",
            np.where(result.convoy.runs, result.convoy.wait_h, 0.0),
            "h",
            "mean wait for the next convoy: half the interval between departures (0 where "
            "the escorts on station make no convoy)",
            _CONVOY,
        ),
        metric(
            "convoy_preferred",
            result.convoy_preferred,
            "1",
            "1 where convoys damage fewer ships per tonne and carry at least 95 % of the "
            "barrier's tonnes",
            _FLOW + _RISK + _CONVOY,
        ),
        metric(
            "escort_coverage_share",
            guard.coverage_share,
            "1",
            f"share of the {geometry.length_km:.0f} km track within reach of an escort on "
            "station (ships × availability × 2 × cover radius / length)",
            _COVER,
        ),
        metric(
            "mine_swept_share",
            guard.swept_share,
            "1",
            "share of the channel minehunters on station re-sweep on schedule",
            _SWEEP,
        ),
        metric(
            "ships_required",
            need.ships_required,
            "ships",
            f"{need.escort_type.name} escorts to cover the track plus "
            f"{need.mcm_type.name}s to keep the channel swept, rotation included",
            _COVER + _SWEEP,
        ),
        metric(
            "ships_pledged",
            ships_pledged,
            "ships",
            "escorts and minehunters pledged that Montreux lets into the Black Sea",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "ships_barred_by_montreux",
            chosen.rulings.ships_barred,
            "ships",
            "pledged ships the Montreux Convention (or the closure) keeps out",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "montreux_violations",
            chosen.rulings.violations,
            "count",
            "rules of the Montreux Convention the package breaks",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "montreux_transit_groups",
            chosen.rulings.transit_groups,
            "groups",
            "transit groups the admitted ships need under Art. 14 (at most nine ships and "
            "15,000 t in transit at one time): a schedule, not a cap on presence",
            _MONTREUX,
            extra=montreux_sources,
        ),
        metric(
            "reinforcement_notice_days",
            chosen.rulings.per_world([r.notice_days for r in chosen.rulings.rulings]),
            "d",
            "notice before a non-Black-Sea warship may transit the straits (Art. 13)",
            _MONTREUX,
            extra=montreux_sources,
        ),
        Metric.of(
            "corridor_length_km",
            np.full(transit_h.size, geometry.length_km),
            "km",
            "geodesic length of the coastal track from the Odesa roads to the Bosporus",
            assumptions=waypoint_note,
        ),
        metric(
            "transit_h",
            transit_h,
            "h",
            "Odesa to the Bosporus at merchant speed",
            ("merchant_speed_kn",),
        ),
    )


def _verdict(data: MaritimeData, result: _Result, ruling: Ruling) -> str:
    geometry, need, guard = result.geometry, result.need, result.guard
    protected, unprotected = result.protected, result.unprotected
    ships_pledged = result.ships_pledged
    barred = ruling.ships_barred
    articles = sorted({v.article for v in ruling.verdicts if v.barred})
    montreux = (
        f"straits {ruling.straits.scenario.value}: Montreux bars {barred} pledged "
        f"ship{'s' if barred != 1 else ''} ({'; '.join(articles)})"
        if barred
        else f"straits {ruling.straits.scenario.value}: no pledged ship barred by Montreux"
    )
    beyond = navies.ships_beyond_inventory(navies.inventory_check(result.chosen.deployments, data))
    inventory = (
        f"; {beyond} pledged ship{'s' if beyond != 1 else ''} beyond the navies' inventories "
        "(flagged)"
        if beyond
        else ""
    )
    return (
        f"{np.median(ships_pledged):.0f} ships pledged in the Black Sea against "
        f"{np.median(need.ships_required):.0f} needed; escorts cover "
        f"{np.median(guard.coverage_share):.0%} of the {geometry.length_km:.0f} km track; "
        f"{np.median(protected.throughput_mt_per_month):.1f} Mt/month "
        f"({np.median(unprotected.throughput_mt_per_month):.1f} unprotected), "
        f"{np.median(protected.ships_damaged_per_month):.2f} ships damaged a month "
        f"({np.median(unprotected.ships_damaged_per_month):.2f} unprotected); {montreux}"
        f"{inventory}."
    )


def _ports_table(geometry: CorridorGeometry, p: Parameters) -> list[dict[str, Any]]:
    speed_kmh = float(p["merchant_speed_kn"][0]) * KM_PER_NMI
    river_kmh = float(p["river_speed_kn"][0]) * KM_PER_NMI
    return [
        {
            "port": leg.port,
            "name": leg.name,
            "group": leg.group,
            "capacity_mt_per_month": round(leg.capacity_mt_per_month, 2),
            "sea_km": round(leg.sea_km, 1),
            "river_km": round(leg.river_km, 1),
            "transit_h": round(leg.sea_km / speed_kmh + leg.river_km / river_kmh, 1),
        }
        for leg in geometry.ports
    ]


def _groups_table(
    data: MaritimeData, protected: LaneFlow, unprotected: LaneFlow
) -> list[dict[str, Any]]:
    rows = []
    for group, bare in zip(protected.groups, unprotected.groups, strict=True):
        rows.append(
            {
                "group": group.group,
                "name": data.group(group.group).name,
                "throughput_mt_per_month": round(float(group.throughput_mt_per_month[0]), 2),
                "ship_calls_per_month": round(float(group.ship_calls_per_month[0]), 1),
                "ships_damaged_per_month": round(float(group.ships_damaged_per_month[0]), 2),
                "ships_damaged_unprotected_per_month": round(
                    float(bare.ships_damaged_per_month[0]), 2
                ),
                "damage_per_call": float(group.damage_per_call[0]),
                "war_risk_premium": round(float(group.war_risk_premium[0]), 5),
                "effective_premium": round(float(group.effective_premium[0]), 5),
                "participation": round(float(group.participation[0]), 3),
            }
        )
    return rows


def _modes_table(result: _Result) -> list[dict[str, Any]]:
    """Station barrier against convoys, first world."""
    barrier, convoy, schedule = result.protected, result.convoyed, result.convoy
    preferred = bool(result.convoy_preferred[0])
    return [
        {
            "mode": "station barrier",
            "throughput_mt_per_month": round(float(barrier.throughput_mt_per_month[0]), 2),
            "ship_calls_per_month": round(float(barrier.ship_calls_per_month[0]), 1),
            "ships_damaged_per_month": round(float(barrier.ships_damaged_per_month[0]), 2),
            "wait_h": 0.0,
            "preferred": not preferred,
        },
        {
            "mode": "convoys",
            "throughput_mt_per_month": round(float(convoy.throughput_mt_per_month[0]), 2),
            "ship_calls_per_month": round(float(convoy.ship_calls_per_month[0]), 1),
            "ships_damaged_per_month": round(float(convoy.ships_damaged_per_month[0]), 2),
            "wait_h": round(float(np.where(schedule.runs, schedule.wait_h, 0.0)[0]), 1),
            "convoys_at_sea": int(schedule.concurrent_convoys[0]),
            "capacity_calls_per_month": round(float(schedule.capacity_calls_per_month[0]), 1),
            "preferred": preferred,
        },
    ]


def _ships_table(chosen: Pledges, p: Parameters) -> list[dict[str, Any]]:
    allowed = chosen.rulings.allowed
    rows = []
    for row, (deployment, ship) in enumerate(zip(chosen.deployments, chosen.types, strict=True)):
        rows.append(
            {
                "commitment": deployment.commitment,
                "actor": deployment.actor,
                "ship_type": ship.id,
                "role": ship.role.value,
                "ships": deployment.count,
                "ships_allowed": int(allowed[row, 0]),
                "in_black_sea": deployment.in_black_sea,
                "on_station": round(float(allowed[row, 0]) * _availability(ship), 2),
                "cover_radius_km": round(float(cover_radius_km(ship, p["response_time_h"])[0]), 1),
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# Map layers


def corridor_layer(
    theatre: Theatre, geometry: CorridorGeometry, data: MaritimeData
) -> dict[str, Any]:
    """The track and each port's approach as GeoJSON lines."""
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": np.column_stack([geometry.lon, geometry.lat]).round(4).tolist(),
            },
            "properties": {
                "id": "corridor",
                "name": "Coastal track to the Bosporus",
                "length_km": round(geometry.length_km, 1),
            },
        }
    ]
    for leg in geometry.ports:
        join = (round(float(geometry.lon[leg.joins]), 4), round(float(geometry.lat[leg.joins]), 4))
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[round(leg.lon, 4), round(leg.lat, 4)], list(join)],
                },
                "properties": {
                    "id": f"approach-{leg.port}",
                    "name": f"Approach to {leg.name}",
                    "kind": "river" if leg.river_km else "sea",
                    "sea_km": round(leg.sea_km, 1),
                    "river_km": round(leg.river_km, 1),
                },
            }
        )
    return feature_collection(features, name="corridor", source=str(data.path.name))


def stations_layer(
    geometry: CorridorGeometry, chosen: Pledges, need: Requirement, p: Parameters
) -> dict[str, Any]:
    """Escort stations along the track (as many as the ships on station fill, first world)."""
    escorts_on_station = (
        float(chosen.on_station(ESCORT_ROLES)[:, :1].sum()) if chosen.deployments else 0.0
    )
    radius = float(need.escort_radius_km[0])
    filled = int(min(math.floor(escorts_on_station + 1e-9), float(need.escort_stations[0])))
    centres = np.asarray((np.arange(filled) * 2.0 + 1.0) * radius, dtype=np.float64)
    lon, lat = geometry.points_along(centres)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(x), 4), round(float(y), 4)]},
            "properties": {
                "id": f"escort-station-{number + 1}",
                "kind": "escort",
                "ship_type": need.escort_type.id,
                "radius_km": round(radius, 1),
                "along_track_km": round(float(centre), 1),
            },
        }
        for number, (x, y, centre) in enumerate(zip(lon, lat, centres, strict=True))
    ]
    minehunters = float(chosen.on_station(MCM_ROLES)[:, :1].sum()) if chosen.deployments else 0.0
    if minehunters >= 1.0 - 1e-9:
        swept_km = float(p["swept_channel_km"][0])
        lon, lat = geometry.points_along(np.array([0.0, swept_km / 2.0]))
        features.extend(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(float(x), 4), round(float(y), 4)],
                },
                "properties": {
                    "id": f"mcm-station-{number + 1}",
                    "kind": "mine_countermeasures",
                    "ship_type": need.mcm_type.id,
                },
            }
            for number, (x, y) in enumerate(zip(lon, lat, strict=True))
        )
    return feature_collection(features, name="patrol_stations")


# --------------------------------------------------------------------------------------------
# Checks against the record


def _record_metric(observed: str) -> str:
    """Map an observed figure's name (``peak_ship_calls_per_month``) to a lane-flow field."""
    return re.sub(r"_\d{4}", "", observed.removeprefix("peak_"))


def sample_worlds(
    n: int, rng: np.random.Generator, conditions: Mapping[str, Quantity] | None = None
) -> dict[str, FloatArray]:
    """Draw worlds uniformly over every parameter's range, some held to ``conditions``.

    A condition with a range is drawn within it; without one it is fixed.
    """
    worlds: dict[str, FloatArray] = {}
    for name, quantity in {**WORLD_PARAMETERS, **(conditions or {})}.items():
        low, high = quantity.range
        worlds[name] = rng.uniform(low, high, n) if high > low else np.full(n, quantity.value)
    return worlds


def record_check(
    theatre: Theatre,
    record_id: str,
    *,
    n: int = 20_000,
    rng: np.random.Generator | None = None,
    data: MaritimeData | None = None,
) -> list[dict[str, Any]]:
    """Run the lane model under a record's conditions; compare with what was observed.

    Worlds are drawn over every parameter's range with the record's conditions imposed; only the
    record's ports carry cargo and no allied warship protects them (as in history). Each row gives
    the observed figure and the model's 5th, 50th and 95th percentiles and maximum over the
    worlds; an average is inside when it lies in the 5-95 % band, a peak month when it lies
    between the median and the maximum.

    Raises:
        DataError: no such record.
    """
    data = load_maritime() if data is None else data
    rng = np.random.default_rng(0) if rng is None else rng
    if record_id not in data.file.records:
        raise DataError.single(
            "unknown record",
            field="record",
            expected=f"one of {sorted(data.file.records)}",
            received=record_id,
        )
    record = data.file.records[record_id]
    p = parameters(sample_worlds(n, rng, record.conditions))
    geometry = corridor_geometry(theatre, data)
    legs = [leg for leg in geometry.ports if leg.port in record.ports]
    flow = lane_flow(p, legs, data, Protection.none(n))
    rows = []
    for name, observed in record.observed.items():
        model = getattr(flow, _record_metric(name))
        low, middle, high = np.percentile(model, [5, 50, 95])
        peak = name.startswith("peak_")
        # an average must lie in the model's 5-95 % band; a peak month must be reachable in
        # some world and lie above the model's median month
        inside = (
            middle <= observed.value <= float(model.max())
            if peak
            else low <= observed.value <= high
        )
        rows.append(
            {
                "record": record_id,
                "title": record.title,
                "period": record.period,
                "observed": name,
                "value": observed.value,
                "unit": observed.unit,
                "source": data.cite(observed.source),
                "model_p5": float(low),
                "model_p50": float(middle),
                "model_p95": float(high),
                "model_max": float(model.max()),
                "test": "median <= peak <= max" if peak else "p5 <= average <= p95",
                "inside": bool(inside),
            }
        )
    return rows
