"""What the sea section shows: the verdict, tables (ports, port groups, modes, ships) and layers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.geo import feature_collection
from guarantor.instruments.maritime import navies
from guarantor.instruments.maritime.convoys import ConvoyPlan
from guarantor.instruments.maritime.data import MaritimeData
from guarantor.instruments.maritime.escorts import (
    ESCORT_ROLES,
    MCM_ROLES,
    Pledges,
    Requirement,
    availability,
    cover_radius_km,
)
from guarantor.instruments.maritime.flow import LaneFlow, Parameters
from guarantor.instruments.maritime.geometry import KM_PER_NMI, CorridorGeometry
from guarantor.instruments.maritime.montreux import Ruling
from guarantor.theatre import Theatre

if TYPE_CHECKING:
    from guarantor.instruments.maritime.model import Result

FloatArray = NDArray[np.float64]


def ports_table(geometry: CorridorGeometry, p: Parameters) -> list[dict[str, Any]]:
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


def groups_table(
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


def modes_table(
    barrier: LaneFlow, convoy: LaneFlow, schedule: ConvoyPlan, convoy_preferred: FloatArray
) -> list[dict[str, Any]]:
    """Station barrier against convoys, first world."""
    preferred = bool(convoy_preferred[0])
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


def ships_table(chosen: Pledges, p: Parameters) -> list[dict[str, Any]]:
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
                "on_station": round(float(allowed[row, 0]) * availability(ship), 2),
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


def verdict(result: Result, ruling: Ruling) -> str:
    """One paragraph: ships pledged and needed, coverage, tonnes, damage, Montreux, inventory."""
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
    beyond = navies.ships_beyond_inventory(result.chosen.checks)
    first = next((row["derivation"] for row in result.chosen.checks if row["flagged"]), "")
    inventory = (
        f"; {beyond} pledged ship{'s' if beyond != 1 else ''} beyond what the navies can "
        f"commit (flagged: {first})"
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
