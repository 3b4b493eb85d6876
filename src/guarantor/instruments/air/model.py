"""The air model's assessment: reaction field, CAP plan and threats turned into a Section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

from guarantor.coalition.deployable import shortfall_tables
from guarantor.geo import (
    Grid,
    contains,
    distance_km,
    equal_area_grid,
    feature_collection,
    to_feature,
)
from guarantor.instruments.air.baseline import scores
from guarantor.instruments.air.cap import CapPlan, cap_plan, place_plane, plane
from guarantor.instruments.air.data import WORLD_NAMES, AirData, Raid, shipped_data
from guarantor.instruments.air.engage import Night
from guarantor.instruments.air.fleet import Fielded, fielded, with_counts
from guarantor.instruments.air.pledges import AirPledges, Pledge, air_pledges
from guarantor.instruments.air.raid import (
    RaidInputs,
    armed_total,
    budget,
    curve,
    raid_inputs,
    run_night,
)
from guarantor.instruments.air.reach import forbidden_for, pledge_transit, world_table
from guarantor.instruments.air.threats import Defence, caught_share, threat_paths
from guarantor.instruments.air.upkeep import Upkeep, upkeep
from guarantor.packages.schema import Package
from guarantor.section import Lazy, Metric, Section, Worlds
from guarantor.theatre import Theatre
from guarantor.theatre.schema import Place

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
THREAT_IDS = tuple(threat.id for threat in shipped_data().threats)
"""Threat classes of the shipped data (drone, jet drone, cruise, ballistic)."""


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
    night_view = _RaidView(
        chosen_raid, raid_in, outcome, sorties, curve(raid_in, p, asked, data, unit)
    )
    results = _Results(
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
    return _section(theatre, data, results)


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


@dataclass(frozen=True)
class AewCover:
    """What AEW orbits add to detection at each target: from the intelligence section.

    Per orbit station: the share of time an orbit is up (worlds,) and how many km before the
    ground radar an orbit sees a low-level threat heading for each target (worlds, targets):
    ``max(0, seen − distance(station, target) − ground radar horizon)``. ``floor`` is the time
    from a track to the alert at the fighters, below which no delay falls.
    """

    up: tuple[FloatArray, ...]
    extra_km: tuple[FloatArray, ...]
    floor: FloatArray

    def delay(self, base: FloatArray, speed_kmh: FloatArray) -> FloatArray:
        """Expected detection delay per world and target for a class flying at ``speed_kmh``.

        Where an orbit is up the threat is seen ``extra km / speed`` earlier (never below the
        floor); the expectation over time weighs that by the orbit's share of time up, and the
        best station counts.
        """
        plain = base[:, None]
        delay = np.broadcast_to(plain, (base.size, self.extra_km[0].shape[1])).copy()
        for up, extra in zip(self.up, self.extra_km, strict=True):
            gain = extra / speed_kmh[:, None] * 60.0
            covered = np.maximum(np.minimum(plain, self.floor[:, None]), plain - gain)
            delay = np.minimum(delay, plain - up[:, None] * (plain - covered))
        return np.asarray(delay, np.float64)


def aew_cover(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None,
    *,
    inputs: Mapping[str, Section] | None,
    found: list[Target],
    size: int,
) -> AewCover | None:
    """The AEW cover of the targets, from the intelligence section (computed here if not given).

    None when the package flies no AEW orbit: detection stays the air data's.
    """
    from guarantor.instruments.intelligence.data import shipped_data as intelligence_data
    from guarantor.instruments.intelligence.model import station_key

    section = (inputs or {}).get("intelligence")
    if section is None or section.metric("warning_gain_min").value.size not in {1, size}:
        # not given, or given over other worlds (a one-world air run in many-world inputs)
        from guarantor.instruments.intelligence.model import assess as intelligence

        section = intelligence(theatre, package, worlds)

    def value(name: str) -> FloatArray:
        return np.broadcast_to(section.metric(name).value, (size,)).astype(np.float64)

    ground = value("ground_detection_km")
    lon = np.array([t.place.longitude for t in found])
    lat = np.array([t.place.latitude for t in found])
    ups, extras = [], []
    for station_id, station in intelligence_data().stations.items():
        up = value(f"aew_coverage_{station_key(station_id)}")
        if not np.any(up > 0):
            continue
        seen = value(f"aew_detection_km_{station_key(station_id)}")
        r = distance_km(station.lon, station.lat, lon, lat)
        ups.append(up)
        extras.append(np.maximum(0.0, seen[:, None] - r[None, :] - ground[:, None]))
    if not ups:
        return None
    return AewCover(tuple(ups), tuple(extras), value("alert_processing_min"))


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
class _RaidView:
    """The raid night: its profile, the kernel's inputs and outcome, the sorties, the curve."""

    raid: Raid
    inputs: RaidInputs
    outcome: Night
    sorties: FloatArray
    curve: list[dict[str, Any]]


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
    asked: AirPledges
    fieldable: Fielded
    night: _RaidView
    upkeep: Upkeep
    shortfall: dict[str, list[dict[str, Any]]]
    reach: dict[str, FloatArray] | None = None
    """Share of each target's threat paths reached in time, by class: (worlds, targets)."""


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

    pledged = sum(f.count for f in r.asked.fighters)
    conditional = sum(f.count for f in r.asked.fighters if f.conditional)
    cell = grid.cell_area_km2
    interceptable = [t.id for t in data.threats if t.interceptable]
    reached = (
        np.mean([r.reach[c].mean(axis=1) for c in interceptable], axis=0)
        if r.reach is not None and interceptable and found
        else np.zeros(size)
    )
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
            "threat_paths_reached_share",
            reached,
            "share",
            "share of threat paths (drones and cruise missiles, every target alike) a fighter "
            "reaches in time: the engagement opportunities, which earlier detection (AEW) widens",
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
        *_raid_metrics(r, metric),
        *_upkeep_metrics(r, metric),
        metric(
            "aircraft_fieldable",
            float(r.fieldable.counts.sum()),
            "aircraft",
            "fighters that can be fielded: pledges capped by nations' fleets and bases' ramps",
        ),
    )
    return Section(
        name="air",
        title="Air: guarding Ukraine's skies",
        verdict=_verdict(pledges, metrics, r),
        metrics=metrics,
        layers=Lazy(lambda: _layers(theatre, r)),
        tables=_tables(r),
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


def _raid_metrics(r: _Results, metric: Any) -> list[Metric]:
    view = r.night
    outcome, armed = view.outcome, view.inputs.armed
    launched = outcome.launched.sum(axis=(1, 2))
    without = armed_total(outcome.leakers_without, armed)
    with_package = armed_total(outcome.leakers_with, armed)
    ukraine = outcome.stopped_ukraine.sum(axis=(1, 2))
    package = outcome.stopped_package.sum(axis=(1, 2))
    past_ukraine = outcome.leakers_without.sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        answered = np.where(past_ukraine > 0, package / past_ukraine, 0.0)
        share_ukraine = np.where(launched > 0, ukraine / launched, 0.0)
        share_package = np.where(launched > 0, package / launched, 0.0)
    name = view.raid.id
    return [
        metric(
            "raid_threats_launched",
            launched,
            "threats",
            f"threats of raid {name} (drones, decoys and missiles), scaled by raid size",
        ),
        metric(
            "raid_leakers_without_package",
            without,
            "threats",
            "armed threats past Ukraine's own layer alone (decoys not counted)",
        ),
        metric(
            "raid_leakers_with_package",
            with_package,
            "threats",
            "armed threats past Ukraine's layer and the package's fighters",
        ),
        metric(
            "raid_share_stopped_ukraine",
            share_ukraine,
            "1",
            "share of the raid Ukraine's own layer downs (fitted to the record)",
        ),
        metric(
            "raid_share_stopped_package",
            share_package,
            "1",
            "share of the raid the package's fighters down",
        ),
        metric(
            "raid_answered_share",
            answered,
            "1",
            "share of what gets past Ukraine's layer that the fighters stop (air probes answered)",
        ),
        metric(
            "raid_missiles_expended",
            outcome.missiles_used,
            "missiles",
            "air-to-air missiles the fighters fire in the night",
        ),
        metric(
            "raid_sorties",
            view.sorties,
            "sorties",
            "fighter sorties in the raid window (fielded x MC x window / sortie cycle, pilots)",
        ),
    ]


def _upkeep_metrics(r: _Results, metric: Any) -> list[Metric]:
    u = r.upkeep
    return [
        metric(
            "flying_hours_per_year",
            u.flying_hours,
            "h",
            "flying hours a year the CAP stations held take (sorties x (2 transit + TOS) x 365)",
        ),
        metric(
            "flying_hours_per_aircraft_year",
            u.hours_per_aircraft,
            "h",
            "flying hours a year per aircraft on patrol (an airframe sustains about 250)",
        ),
        metric(
            "pilots_required",
            u.pilots_required,
            "pilots",
            "pilots the patrols' hours need at the hours a pilot flies a year",
        ),
        metric(
            "pilots_available",
            u.pilots_available,
            "pilots",
            "pilots the aircraft on patrol bring (crew ratio)",
        ),
        metric(
            "aircraft_required_to_sustain",
            u.aircraft_to_sustain,
            "aircraft",
            "aircraft whose sustainable yearly hours cover the patrols' hours",
        ),
        metric(
            "flying_cost_usd_bn_per_year",
            u.cost_usd_bn,
            "USD bn/year",
            "flying hours x cost per flight hour of each type, tankers included",
        ),
    ]


def _median(values: FloatArray) -> float | None:
    finite = values[np.isfinite(values)]
    return round(float(np.median(finite)), 2) if finite.size else None


def _verdict(pledges: AirPledges, metrics: tuple[Metric, ...], r: _Results) -> str:
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


def _raid_rows(r: _Results) -> list[dict[str, Any]]:
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
