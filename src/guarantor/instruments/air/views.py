"""What the air section shows: the verdict, the tables, the map layers and the notes.

Functions that turn the model's :class:`~guarantor.instruments.air.model.Results` into text,
rows and GeoJSON; tables and layers are computed only when read (a simulation reads
metrics only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from numpy.typing import NDArray

from guarantor.geo import feature_collection, to_feature
from guarantor.instruments.air.baseline import scores
from guarantor.instruments.air.data import AirData
from guarantor.instruments.air.metrics import THREAT_IDS, section_metrics
from guarantor.instruments.air.pledges import AirPledges, Pledge
from guarantor.instruments.air.reach import forbidden_for
from guarantor.section import Lazy, Metric, Section
from guarantor.theatre import Theatre

if TYPE_CHECKING:
    from guarantor.instruments.air.model import Results

FloatArray = NDArray[np.float64]


def section(theatre: Theatre, data: AirData, r: Results) -> Section:
    """The air section of the model's results."""
    metrics = section_metrics(data, r)
    return Section(
        name="air",
        title="Air: guarding Ukraine's skies",
        verdict=_verdict(r.pledges, metrics, r),
        metrics=metrics,
        layers=Lazy(lambda: _layers(theatre, r)),
        tables=Lazy(lambda: _tables(r)),
        notes=(
            "Reaction times use each type's cruise speed, the commitment's readiness (RS-15 by "
            "default) and routes round Belarus, Russia, occupied Ukraine, the stand-off (round "
            "Russia and occupied Ukraine) and the Belarus and Crimea air-defence umbrellas.",
            "Threats fly straight; a target is protected from a class only if every path is "
            "reached in time; the raid's reach is the share of paths reached.",
            f"Raid {r.night.raid.id}: Ukraine's own layer downs its share first (fitted to "
            "recorded nights), then the fighters engage what they reach with the night's "
            "sorties, gun passes and missiles; ballistic missiles only Ukraine's layer can stop.",
            "Pledges above a nation's fleet of a type or a base's ramp are flagged and the model "
            "uses what can be fielded.",
        ),
    )


def _median(values: FloatArray) -> float | None:
    finite = values[np.isfinite(values)]
    return round(float(np.median(finite)), 2) if finite.size else None


def _verdict(pledges: AirPledges, metrics: tuple[Metric, ...], r: Results) -> str:
    value = {m.name: m.summary()["value"] for m in metrics}
    raid = (
        f" Against raid {r.night.raid.id} ({value['raid_threats_launched']:,.0f} threats) "
        f"{value['raid_leakers_without_package']:,.0f} armed threats get past Ukraine's own "
        f"layer; with the package {value['raid_leakers_with_package']:,.0f}."
    )
    if not r.asked.fighters:
        return (
            "No air-policing commitment: no fighter guards Ukraine's skies "
            "(all air metrics are zero)." + raid
        )
    flags = r.fieldable.flagged
    fielding = (
        f" {len(flags)} pledge limit(s) exceeded ({flags[0]['derivation']}): "
        f"{value['aircraft_fieldable']:.0f} can be fielded."
        if flags
        else ""
    )
    return (
        f"{value['aircraft_pledged']:.0f} fighters ({value['aircraft_pledged_conditional']:.0f} "
        f"conditional) hold {value['cap_stations_sustained']:.0f} of "
        f"{value['cap_stations_requested']:.0f} CAP stations and need "
        f"{value['aircraft_required']:.0f}; "
        f"alert fighters reach {value['area_within_60_min_km2']:,.0f} km2 within 60 min; they can "
        f"protect {value['population_protected_share_drone']:.0%} of city population from drones, "
        f"{value['population_protected_share_cruise']:.0%} from cruise missiles and none from "
        "ballistic missiles." + raid + fielding
    )


def _tables(r: Results) -> dict[str, list[dict[str, Any]]]:
    pledges, cap, found, shielded, at_targets = r.pledges, r.cap, r.found, r.shielded, r.at_targets
    fighters = pledges.fighters
    commitments = [
        {
            "commitment": c.id,
            "actor": c.actor,
            "conditional": c.conditional,
            "conditions": [condition.describe() for condition in c.conditions],
            "fighters": sum(f.count for f in fighters if f.commitment == c.id),
            "tankers": sum(t.count for t in pledges.tankers if t.commitment == c.id),
            "bases": sorted({f.base.id for f in fighters if f.commitment == c.id}),
            "cap_stations": list(c.cap_stations),
        }
        for c in pledges.commitments
    ]
    stations = []
    for s, station in enumerate(pledges.stations):
        first = cap.primary[s]
        stations.append(
            {
                "station": station.place.id,
                "commitment": station.commitment,
                "conditional": station.conditional,
                "best_pledge": f"{fighters[first].kind.id}@{fighters[first].base.id}"
                if first >= 0
                else None,
                "route_km": round(float(cap.route_km[s, first]), 1) if first >= 0 else None,
                "needs_tanker": bool(cap.needs_tanker[s, first]) if first >= 0 else None,
                "aircraft_required": _median(cap.required[s, first]) if first >= 0 else None,
                "aircraft_allocated": _median(cap.allocated[s].sum(axis=0)),
                "held_share": _median(cap.held[s]),
                "sustained_share_of_worlds": float(cap.sustained[s].mean()),
                "tanker_sorties_per_day": _median(cap.tanker_sorties[s]),
            }
        )
    named = set(pledges.protect)
    rows = [
        {
            "target": t.place.id,
            "name": t.place.name,
            "kind": t.kind,
            "population": t.population,
            "alert_minutes": _median(at_targets[:, k]),
            **{
                f"protected_{threat}": float(shielded[threat][:, k].mean()) for threat in THREAT_IDS
            },
            "named_by_package": t.place.id in named,
        }
        for k, t in enumerate(found)
    ]
    qra = [
        {
            "base": base,
            "aircraft": round(float(sum(cap.qra_reserved[i] for i in rows)), 2),
        }
        for base, rows in _by_base(fighters).items()
    ]
    return {
        "commitments": commitments,
        "cap_stations": stations,
        "qra": qra,
        "targets": rows,
        "raid_targets": _raid_rows(r),
        "marginal_value": r.night.curve,
        "feasibility": list(r.fieldable.checks),
        "sustainment": list(r.upkeep.rows),
        **r.shortfall,
        "baseline_record": scores(),
    }


def _by_base(fighters: tuple[Pledge, ...]) -> dict[str, list[int]]:
    """Fighter pledges' indices by base, in first-seen order."""
    bases: dict[str, list[int]] = {}
    for i, pledge in enumerate(fighters):
        bases.setdefault(pledge.base.id, []).append(i)
    return bases


def _band(values: FloatArray) -> dict[str, float]:
    return {
        "median": round(float(np.median(values)), 2),
        "low": round(float(np.percentile(values, 5)), 2),
        "high": round(float(np.percentile(values, 95)), 2),
    }


def _raid_rows(r: Results) -> list[dict[str, Any]]:
    """Per target: threats aimed, armed leakers without and with the package (5-95 % band)."""
    outcome, armed = r.night.outcome, r.night.inputs.armed
    classes = r.night.inputs.classes
    without = (outcome.leakers_without * armed[None, None, :]).sum(axis=2)
    with_package = (outcome.leakers_with * armed[None, None, :]).sum(axis=2)
    launched = outcome.launched.sum(axis=2)
    drone = classes.index("drone") if "drone" in classes else 0
    rows = []
    for k, target in enumerate(r.found):
        if float(np.median(launched[:, k])) <= 0:
            continue
        a, b = _band(without[:, k]), _band(with_package[:, k])
        rows.append(
            {
                "target": target.place.id,
                "name": target.place.name,
                "kind": target.kind,
                "launched": round(float(np.median(launched[:, k])), 1),
                "leakers_without": a["median"],
                "leakers_without_low": a["low"],
                "leakers_without_high": a["high"],
                "leakers_with": b["median"],
                "leakers_with_low": b["low"],
                "leakers_with_high": b["high"],
                "drone_paths_reached": round(
                    float(np.median(r.night.inputs.reach[:, k, drone])), 2
                ),
            }
        )
    return rows


def _layers(theatre: Theatre, r: Results) -> dict[str, dict[str, Any]]:
    grid, field, cap, pledges = r.grid, r.field, r.cap, r.pledges
    found, shielded, at_targets = r.found, r.shielded, r.at_targets
    minutes = field[0]
    cells = [
        {
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [ring]},
            "properties": {"minutes": round(float(m), 1) if np.isfinite(m) else None},
        }
        for ring, m in zip(grid.cell_polygons(), minutes, strict=True)
    ]
    stations = [
        to_feature(
            shapely.Point(s.place.longitude, s.place.latitude),
            station=s.place.id,
            commitment=s.commitment,
            conditional=s.conditional,
            sustained_share_of_worlds=float(cap.sustained[i].mean()),
        )
        for i, s in enumerate(pledges.stations)
    ]
    points = [
        to_feature(
            shapely.Point(t.place.longitude, t.place.latitude),
            target=t.place.id,
            kind=t.kind,
            alert_minutes=_median(at_targets[:, k]),
            **{
                f"protected_{threat}": float(shielded[threat][:, k].mean()) for threat in THREAT_IDS
            },
        )
        for k, t in enumerate(found)
    ]
    standoffs = sorted({f.standoff_km for f in pledges.fighters}) or [0.0]
    forbidden = forbidden_for(theatre, standoffs[0]).simplify(0.02)
    return {
        "reaction_field": feature_collection(cells, cell_km=grid.cell_km, world=0),
        "cap_stations": feature_collection(stations),
        "protected_targets": feature_collection(points),
        "forbidden_airspace": feature_collection([to_feature(forbidden, standoff_km=standoffs[0])]),
    }
