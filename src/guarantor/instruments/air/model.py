"""The air model's assessment: reaction field, CAP plan and threats turned into a Section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from guarantor.geo import Grid, contains, equal_area_grid, feature_collection, to_feature
from guarantor.instruments.air.cap import CapPlan, cap_plan, place_plane, plane
from guarantor.instruments.air.data import WORLD_NAMES, AirData, shipped_data
from guarantor.instruments.air.pledges import AirPledges, Pledge, air_pledges
from guarantor.instruments.air.reach import forbidden_for, pledge_transit, world_table
from guarantor.instruments.air.threats import Defence, protected, threat_paths
from guarantor.packages.schema import Package
from guarantor.section import LazyLayers, Metric, Section, Worlds
from guarantor.theatre import Theatre
from guarantor.theatre.schema import Place

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
THREAT_IDS = ("drone", "cruise", "ballistic")


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


@dataclass(frozen=True)
class _Group:
    """Alert pledges sharing a readiness and a stand-off."""

    rows: tuple[int, ...]
    readiness_min: FloatArray


def _groups(
    fighters: tuple[Pledge, ...], p: dict[str, FloatArray], given: set[str], data: AirData
) -> list[_Group]:
    # a commitment's own readiness is the package's choice and wins; pledges without one take the
    # world's (the sampled parameter, or its default)
    del given, data
    keys: dict[tuple[float, float], list[int]] = {}
    for i, pledge in enumerate(fighters):
        if pledge.count <= 0:
            continue
        ready = -1.0 if pledge.readiness_min is None else pledge.readiness_min
        keys.setdefault((ready, pledge.standoff_km), []).append(i)
    size = p["readiness_min"].size
    return [
        _Group(tuple(rows), p["readiness_min"] if ready < 0 else np.full(size, ready))
        for (ready, _), rows in keys.items()
    ]


def _alert_minutes(groups: list[_Group], minutes: FloatArray, factor: FloatArray) -> FloatArray:
    """Minutes until an alert fighter reaches each point, shape (worlds, points)."""
    field = np.full((factor.size, minutes.shape[1]), np.inf)
    for group in groups:
        fastest = minutes[list(group.rows)].min(axis=0)
        field = np.minimum(field, group.readiness_min[:, None] + fastest[None, :] / factor[:, None])
    return field


def threat_plan(
    theatre: Theatre,
    pledges: AirPledges,
    cap: CapPlan,
    *,
    p: dict[str, FloatArray],
    groups: list[_Group],
    found: list[Target],
    data: AirData,
) -> dict[str, BoolArray]:
    """Whether each target is protected in each world, by threat class: (worlds, targets)."""
    fighters = pledges.fighters
    size = p["readiness_min"].size
    tx, ty = place_plane(theatre, [t.place for t in found])
    sx, sy = place_plane(theatre, [s.place for s in pledges.stations])
    result: dict[str, BoolArray] = {}
    for threat in data.threats:
        if not threat.interceptable or not groups:
            result[threat.id] = np.zeros((size, len(found)), bool)
            continue
        areas = [data.launch_area(ident) for ident in threat.launch_areas]
        lx, ly = plane(theatre, [a.longitude for a in areas], [a.latitude for a in areas])
        samples = int(data.model.path_samples.value)
        paths = threat_paths(lx, ly, tx, ty, samples=samples, range_km=threat.range_km.value)
        x, y = paths.x_m.ravel(), paths.y_m.ravel()
        reach = pledge_transit(theatre, fighters, x, y, engage=True)
        held = [s for s, first in enumerate(cap.primary) if first >= 0]
        cap_km = np.array([np.hypot(x - sx[s], y - sy[s]) / 1000.0 for s in held])
        cap_km = cap_km.reshape(len(held), x.size)
        speeds = np.array([fighters[cap.primary[s]].kind.cruise_speed_kmh.value for s in held])
        defence = Defence(
            alert_transit_min=np.array([reach.minutes[list(g.rows)].min(axis=0) for g in groups]),
            alert_gap_km=np.array([reach.gap_km[g.rows[0]] for g in groups]),
            alert_readiness_min=np.array([g.readiness_min for g in groups]),
            cap_transit_min=cap_km / speeds.reshape(-1, 1) * 60.0,
            cap_distance_km=cap_km,
            cap_gap_km=np.array([reach.gap_km[cap.primary[s]] for s in held]).reshape(
                len(held), x.size
            ),
            cap_held=cap.sustained[held].reshape(len(held), size),
        )
        result[threat.id] = protected(
            paths,
            defence,
            threat_speed_kmh=threat.speed_kmh.value * p["threat_speed_factor"],
            detection_delay_min=p["detection_delay_min"],
            speed_factor=p["fighter_speed_factor"],
            engagement_range_km=p["engagement_range_km"],
            cap_radius_km=p["cap_engagement_radius_km"],
        )
    return result


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
    cell_km: float = 20.0,
    data: AirData | None = None,
) -> Section:
    """Assess a package's air policing over worlds (see the module docstring of ``air``).

    Raises:
        DataError: the package names an unknown base, aircraft type or place, or a negative
            count; or a world parameter is out of bounds.
    """
    del rng  # deterministic: the contract passes one, the model needs none
    data = data or shipped_data()
    p = world_table(worlds, data)
    given = set(worlds or {}) & set(WORLD_NAMES)
    pledges = air_pledges(theatre, package)
    size = p["readiness_min"].size
    grid = equal_area_grid(theatre.ukraine, cell_km)
    found = targets(theatre)
    fighters = pledges.fighters
    groups = _groups(fighters, p, given, data)
    factor = p["fighter_speed_factor"]
    if groups:
        field = _alert_minutes(
            groups, pledge_transit(theatre, fighters, grid.x_m, grid.y_m).minutes, factor
        )
        plain = pledge_transit(theatre, fighters, grid.x_m, grid.y_m, tankers=False).minutes
        field_plain = _alert_minutes(groups, plain, factor)
        tx, ty = place_plane(theatre, [t.place for t in found])
        at_targets = _alert_minutes(
            groups, pledge_transit(theatre, fighters, tx, ty).minutes, factor
        )
    else:
        field = field_plain = np.full((size, grid.size), np.inf)
        at_targets = np.full((size, len(found)), np.inf)
    cap = cap_plan(theatre, pledges, p, given, data)
    shielded = threat_plan(theatre, pledges, cap, p=p, groups=groups, found=found, data=data)
    results = _Results(pledges, p, grid, field, field_plain, at_targets, cap, shielded, found)
    return _section(theatre, data, results)


@dataclass(frozen=True)
class _Results:
    """What the pieces computed, handed to the views (metrics, tables, layers)."""

    pledges: AirPledges
    p: dict[str, FloatArray]
    grid: Grid
    field: FloatArray
    field_plain: FloatArray
    at_targets: FloatArray
    cap: CapPlan
    shielded: dict[str, BoolArray]
    found: list[Target]


def _shares(found: list[Target], mask: BoolArray) -> FloatArray:
    population = np.array([t.population for t in found])
    total = population.sum()
    return np.asarray(
        mask @ population / total if total > 0 else mask.any(axis=1) * 0.0, np.float64
    )


def _shares_of(found: list[Target], mask: BoolArray, named: set[str]) -> FloatArray:
    """:func:`_shares` over the targets a package names (NaN per world when it names none)."""
    chosen = [k for k, t in enumerate(found) if t.place.id in named]
    if not chosen:
        return np.full(mask.shape[0], np.nan)
    return _shares([found[k] for k in chosen], mask[:, chosen])


def _section(theatre: Theatre, data: AirData, r: _Results) -> Section:
    pledges, p, grid, field, field_plain = r.pledges, r.p, r.grid, r.field, r.field_plain
    at_targets, cap, shielded, found = r.at_targets, r.cap, r.shielded, r.found
    size = p["readiness_min"].size
    sources = tuple(source.cite() for source in data.sources.values())
    assumptions = tuple(
        f"{name}: {q.assumption} ({q.low:g}-{q.high:g} {q.unit})"
        for name, q in data.world.items()
        if q.assumption is not None
    )

    def metric(name: str, value: Any, unit: str, reason: str) -> Metric:
        return Metric.of(
            name,
            np.broadcast_to(np.asarray(value, np.float64), (size,)),
            unit,
            reason,
            sources=sources,
            assumptions=assumptions,
        )

    pledged = sum(f.count for f in pledges.fighters)
    conditional = sum(f.count for f in pledges.fighters if f.conditional)
    cell = grid.cell_area_km2
    metrics = (
        metric(
            "area_within_30_min_km2",
            (field <= 30).sum(axis=1) * cell,
            "km2",
            "area of Ukraine an alert fighter reaches within 30 min (readiness + routed transit)",
        ),
        metric(
            "area_within_60_min_km2",
            (field <= 60).sum(axis=1) * cell,
            "km2",
            "area of Ukraine an alert fighter reaches within 60 min, tankers counted if pledged",
        ),
        metric(
            "area_within_60_min_without_tankers_km2",
            (field_plain <= 60).sum(axis=1) * cell,
            "km2",
            "the same within each type's combat radius without air-to-air refuelling",
        ),
        metric(
            "population_within_60_min_share",
            _shares(found, at_targets <= 60),
            "1",
            "share of the population of free Ukraine's main cities reached within 60 min",
        ),
        metric(
            "cap_stations_requested",
            len(pledges.stations),
            "count",
            "CAP stations the package's commitments ask to hold (conditional ones included)",
        ),
        metric(
            "cap_stations_sustained",
            cap.sustained.sum(axis=0),
            "count",
            "CAP stations held around the clock by the pledged fighters and tankers",
        ),
        metric(
            "aircraft_pledged", pledged, "aircraft", "fighters pledged (conditional ones included)"
        ),
        metric(
            "aircraft_pledged_conditional",
            conditional,
            "aircraft",
            "fighters whose commitment depends on a condition",
        ),
        metric(
            "aircraft_required",
            cap.aircraft_required,
            "aircraft",
            "QRA detachments at each base plus assigned aircraft for every reachable CAP station",
        ),
        metric(
            "tanker_aircraft_required",
            cap.tanker_aircraft_required,
            "aircraft",
            "tankers the refuelled CAP stations need, each from its best-placed tanker pledge",
        ),
        metric(
            "tanker_sorties_per_day",
            cap.tanker_sorties.sum(axis=0),
            "sorties/day",
            "tanker sorties that keep the refuelled CAP stations supplied",
        ),
        *(
            metric(
                f"population_protected_share_{threat}",
                _shares(found, shielded[threat]),
                "1",
                f"share of city population whose every {threat} path a fighter reaches in time",
            )
            for threat in THREAT_IDS
        ),
        *(
            metric(
                f"promised_population_protected_share_{threat}",
                _shares_of(found, shielded[threat], set(pledges.protect)),
                "1",
                f"share of the population of the cities the package names that is protected "
                f"from {threat}s (NaN when it names none)",
            )
            for threat in ("drone", "cruise")
        ),
    )
    return Section(
        name="air",
        title="Air: guarding Ukraine's skies",
        verdict=_verdict(pledges, metrics),
        metrics=metrics,
        layers=LazyLayers(lambda: _layers(theatre, r)),
        tables=_tables(r),
        notes=(
            "Reaction times use each type's cruise speed, the commitment's readiness (RS-15 by "
            "default) and routes round Belarus, Russia, occupied Ukraine and the stand-off.",
            "Threats fly straight; the attacker picks the launch area, so a target counts as "
            "protected only if every path is reached in time. Ukraine's own air defences are "
            "not counted.",
            "Ballistic missiles cannot be intercepted by fighters: their protected share is zero.",
        ),
    )


def _median(values: FloatArray) -> float | None:
    finite = values[np.isfinite(values)]
    return round(float(np.median(finite)), 2) if finite.size else None


def _verdict(pledges: AirPledges, metrics: tuple[Metric, ...]) -> str:
    if not pledges.fighters:
        return (
            "No air-policing commitment: no fighter guards Ukraine's skies "
            "(all air metrics are zero)."
        )
    value = {m.name: m.summary()["value"] for m in metrics}
    return (
        f"{value['aircraft_pledged']:.0f} fighters ({value['aircraft_pledged_conditional']:.0f} "
        f"conditional) hold {value['cap_stations_sustained']:.0f} of "
        f"{value['cap_stations_requested']:.0f} CAP stations and need "
        f"{value['aircraft_required']:.0f}; "
        f"alert fighters reach {value['area_within_60_min_km2']:,.0f} km2 within 60 min; they can "
        f"protect {value['population_protected_share_drone']:.0%} of city population from drones, "
        f"{value['population_protected_share_cruise']:.0%} from cruise missiles and none from "
        "ballistic missiles."
    )


def _tables(r: _Results) -> dict[str, list[dict[str, Any]]]:
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
    return {"commitments": commitments, "cap_stations": stations, "targets": rows}


def _layers(theatre: Theatre, r: _Results) -> dict[str, dict[str, Any]]:
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
