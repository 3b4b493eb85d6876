"""The air model: alert groups, threat reach and the raid night, gathered into :class:`Results`.

:func:`assess` runs the pieces (reaction field, CAP plan, threat reach, the raid night, upkeep,
what can be fielded) over worlds and hands their results to :mod:`.metrics` (the section's
metrics) and :mod:`.views` (verdict, tables, map layers). The targets are in :mod:`.targets`,
the AEW cover the intelligence section gives in :mod:`.warning`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.coalition.deployable import shortfall_tables
from guarantor.geo import Grid, equal_area_grid
from guarantor.instruments.air.cap import CapPlan, cap_plan, place_plane, plane
from guarantor.instruments.air.data import WORLD_NAMES, AirData, Raid, shipped_data
from guarantor.instruments.air.engage import Night
from guarantor.instruments.air.fleet import Fielded, fielded, with_counts
from guarantor.instruments.air.metrics import THREAT_IDS
from guarantor.instruments.air.pledges import AirPledges, Pledge, air_pledges
from guarantor.instruments.air.raid import RaidInputs, budget, curve, raid_inputs, run_night
from guarantor.instruments.air.reach import pledge_transit, world_table
from guarantor.instruments.air.targets import Target, targets
from guarantor.instruments.air.threats import Defence, caught_share, threat_paths
from guarantor.instruments.air.upkeep import Upkeep, upkeep
from guarantor.instruments.air.views import section
from guarantor.instruments.air.warning import AewCover, aew_cover
from guarantor.packages.schema import Package
from guarantor.section import Section, Worlds
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

__all__ = [
    "THREAT_IDS",
    "AewCover",
    "RaidNight",
    "Results",
    "Target",
    "aew_cover",
    "alert_groups",
    "assess",
    "targets",
    "threat_plan",
]


@dataclass(frozen=True)
class _Group:
    """Alert pledges sharing a readiness and a stand-off."""

    rows: tuple[int, ...]
    readiness_min: FloatArray


def alert_groups(
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
    cover: AewCover | None = None,
) -> dict[str, FloatArray]:
    """Share of each target's threat paths fighters reach in time, by class: (worlds, targets).

    A target is *protected* against a class when the share is 1 (every path is reached).
    Cruise missiles fly low and are seen later (``cruise_detection_delay_min``); where AEW orbits
    see low-level threats (``cover``), both are seen earlier: more of each path is reachable.
    """
    fighters = pledges.fighters
    size = p["readiness_min"].size
    tx, ty = place_plane(theatre, [t.place for t in found])
    sx, sy = place_plane(theatre, [s.place for s in pledges.stations])
    result: dict[str, FloatArray] = {}
    for threat in data.threats:
        if not threat.interceptable or not groups:
            result[threat.id] = np.zeros((size, len(found)))
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
        delay = "cruise_detection_delay_min" if threat.id == "cruise" else "detection_delay_min"
        speed = threat.speed_kmh.value * p["threat_speed_factor"]
        result[threat.id] = caught_share(
            paths,
            defence,
            threat_speed_kmh=speed,
            detection_delay_min=p[delay] if cover is None else cover.delay(p[delay], speed),
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
    raid: str | None = None,
    inputs: Mapping[str, Section] | None = None,
) -> Section:
    """Assess a package's air policing over worlds (see the module docstring of ``air``).

    ``inputs`` may hold the ``intelligence`` section over the same worlds: its warning gain
    (AEW orbits) shortens the detection delays; without it, it is computed here.

    Raises:
        DataError: the package names an unknown base, aircraft type or place, or a negative
            count; a world parameter is out of bounds; or ``raid`` names no shipped raid.
    """
    del rng  # deterministic: the contract passes one, the model needs none
    data = data or shipped_data()
    chosen_raid = data.raid(raid)
    p = world_table(worlds, data)
    given = set(worlds or {}) & set(WORLD_NAMES)
    asked = air_pledges(theatre, package)
    fieldable = fielded(asked, data)
    pledges = with_counts(asked, fieldable.counts)
    size = p["readiness_min"].size
    grid = equal_area_grid(theatre.ukraine, cell_km)
    found = targets(theatre)
    fighters = pledges.fighters
    groups = alert_groups(fighters, p, given, data)
    factor = p["fighter_speed_factor"]
    if groups:
        field = _alert_minutes(
            groups, pledge_transit(theatre, fighters, grid.x_m, grid.y_m).minutes, factor
        )
        plain = pledge_transit(theatre, fighters, grid.x_m, grid.y_m, tankers=False).minutes
        field_plain = _alert_minutes(groups, plain, factor)
        tx, ty = place_plane(theatre, [t.place for t in found])
        to_targets = pledge_transit(theatre, fighters, tx, ty)
        at_targets = _alert_minutes(groups, to_targets.minutes, factor)
        transit_h = _defended_transit_h(pledges, found, to_targets.route_km)
    else:
        field = field_plain = np.full((size, grid.size), np.inf)
        at_targets = np.full((size, len(found)), np.inf)
        transit_h = np.full(len(fighters), np.inf)
    cap = cap_plan(theatre, pledges, p, given, data)
    cover = aew_cover(theatre, package, worlds, inputs=inputs, found=found, size=size)
    reach = threat_plan(
        theatre, pledges, cap, p=p, groups=groups, found=found, data=data, cover=cover
    )
    shielded = {name: share >= 1.0 - 1e-12 for name, share in reach.items()}
    raid_in = raid_inputs(
        chosen_raid, p, data, [(t.place.id, t.kind, t.population) for t in found], reach
    )
    unit = budget(pledges, p, given, data, transit_h)
    counts = np.array([f.count for f in fighters], np.float64)
    sorties, missiles, guns = unit.total(counts)
    outcome = run_night(raid_in, p, missiles, guns)
    night_view = RaidNight(
        chosen_raid, raid_in, outcome, sorties, curve(raid_in, p, asked, data, unit)
    )
    results = Results(
        pledges,
        p,
        grid,
        field,
        field_plain,
        at_targets,
        cap,
        shielded,
        found,
        asked,
        fieldable,
        night_view,
        upkeep(cap, pledges, p, data),
        _shortfall(theatre, asked, fieldable, cap),
        reach,
    )
    return section(theatre, data, results)


def _shortfall(
    theatre: Theatre, asked: AirPledges, fieldable: Fielded, cap: CapPlan
) -> dict[str, list[dict[str, Any]]]:
    """Fighters the CAP stations and QRA need beyond those fielded, and who could send them."""
    actors = {c.id: c.actor for c in asked.commitments}
    pledged: dict[str, float] = {}
    for pledge, count in zip(asked.fighters, fieldable.counts, strict=True):
        actor = actors[pledge.commitment]
        pledged[actor] = pledged.get(actor, 0.0) + float(count)
    hosts = {base.country for base in theatre.data.places.air_bases}
    return shortfall_tables(
        "fighters",
        "aircraft",
        float(np.median(cap.aircraft_required)),
        float(fieldable.counts.sum()),
        pledged,
        home=hosts,
    )


def _defended_transit_h(
    pledges: AirPledges, found: list[Target], route_km: FloatArray
) -> FloatArray:
    """Hours from each pledge's base to the targets its commitment defends (mean of reachable).

    A commitment that names no target defends all of them; a pledge that reaches none gets inf.
    """
    named = {c.id: set(c.protect) for c in pledges.commitments}
    result = np.full(len(pledges.fighters), np.inf)
    for i, pledge in enumerate(pledges.fighters):
        wanted = named.get(pledge.commitment) or {t.place.id for t in found}
        chosen = [k for k, t in enumerate(found) if t.place.id in wanted]
        routes = route_km[i, chosen] if chosen else route_km[i]
        finite = routes[np.isfinite(routes)]
        if finite.size:
            result[i] = float(finite.mean()) / pledge.kind.cruise_speed_kmh.value
    return result


@dataclass(frozen=True)
class RaidNight:
    """The raid night: its profile, the kernel's inputs and outcome, the sorties, the curve."""

    raid: Raid
    inputs: RaidInputs
    outcome: Night
    sorties: FloatArray
    curve: list[dict[str, Any]]


@dataclass(frozen=True)
class Results:
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
    asked: AirPledges
    fieldable: Fielded
    night: RaidNight
    upkeep: Upkeep
    shortfall: dict[str, list[dict[str, Any]]]
    reach: dict[str, FloatArray] | None = None
    """Share of each target's threat paths reached in time, by class: (worlds, targets)."""
