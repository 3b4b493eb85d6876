"""Land: what can be manned - the front, a reassurance force, training and arms.

Force-to-space, rotation and throughput arithmetic, vectorised over worlds (``docs/land.md``)::

    line-holding troops  = length / frontage_per_brigade * brigade_troops
    monitors             = length * monitors_per_km
    tripwire troops      = ceil(length / post_spacing) * post_troops
    rotation ratio       = (tour + dwell) / tour                   (6 + 18 months -> 4:1)
    personnel for Y yrs  = deployed * min(12 Y / tour, rotation ratio)
    sustainable deployed = min(pledged * fulfilment, army * pool_share / rotation ratio)
    trainees per year    = min(instructors * trainees_per_instructor, sites * site_capacity)
                           * weeks_per_year / course_weeks
    arms tonnes per day  = min(USD per year / USD per tonne / 365, hub capacity / hub share)

A reassurance force at hubs (cities, ports, bases) covers those hubs, not the line; a tripwire,
line-holding force or monitoring mission inside Ukraine covers the kilometres its sustainable
strength can man. Conditional commitments are counted as pledged and reported with their
conditions. The model is deterministic; ``rng`` is accepted for the shared contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pydantic import model_validator

from guarantor.errors import DataError, Problem
from guarantor.geo import distance_km, feature_collection, length_km, to_feature
from guarantor.packages.schema import (
    ArmsSupply,
    ArmyCap,
    ForceLocation,
    ForceMission,
    Instrument,
    MonitoringMission,
    Package,
    ReassuranceForce,
    TrainingMission,
    magnitude,
)
from guarantor.section import Metric, Section, Worlds, n_worlds, out_of_bounds, world_parameter
from guarantor.sourcing import Quantity, Source, Strict, load_sourced
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]
DATA_FILE = Path(__file__).parent / "data.yaml"
MONITORING = "monitoring"

_WORLD_NAMES = (
    "contact_line_length_km",
    "frontage_km_per_brigade",
    "brigade_troops",
    "monitors_per_km",
    "tripwire_post_troops",
    "tripwire_post_spacing_km",
    "hub_garrison_troops",
    "tour_months",
    "dwell_months",
    "mission_years",
    "pool_share_available",
    "pledge_fulfilment_share",
    "trainees_per_instructor",
    "training_sites",
    "training_weeks_per_year",
    "usd_per_tonne_of_aid",
    "tonnes_per_vehicle",
    "hub_surge_factor",
    "army_cap_position",
    "technical_means_factor",
)
# Physical bounds on world parameters; values outside them are refused as bad data.
_BOUNDS: dict[str, tuple[float, float]] = {
    "contact_line_length_km": (1.0, 20000.0),
    "frontage_km_per_brigade": (0.1, 1000.0),
    "brigade_troops": (1.0, 1e5),
    "monitors_per_km": (0.001, 1000.0),
    "tripwire_post_troops": (1.0, 1e5),
    "tripwire_post_spacing_km": (0.1, 5000.0),
    "hub_garrison_troops": (1.0, 1e6),
    "tour_months": (0.5, 60.0),
    "dwell_months": (0.0, 120.0),
    "mission_years": (0.01, 100.0),
    "pool_share_available": (0.0, 1.0),
    "pledge_fulfilment_share": (0.0, 1.0),
    "trainees_per_instructor": (0.0, 1000.0),
    "training_sites": (0.0, 1000.0),
    "training_weeks_per_year": (0.0, 52.2),
    "usd_per_tonne_of_aid": (1.0, 1e9),
    "tonnes_per_vehicle": (0.0, 1000.0),
    "hub_surge_factor": (0.0, 100.0),
    "army_cap_position": (0.0, 1.0),
    "technical_means_factor": (1.0, 20.0),
}


_UKRAINE = ("target_troops", "troops_offered", "tanks_offered", "artillery_offered")


class Tier(Strict):
    """A published force-size option."""

    id: str
    name: str
    troops: float
    low: float
    high: float
    source: str


class Arms(Strict):
    """The main logistics hub's record."""

    hub: str
    hub_vehicles: Quantity
    hub_days: Quantity
    hub_share_of_aid: Quantity


class LandData(Strict):
    """The whole of ``land.yaml``."""

    sources: dict[str, Source]
    world: dict[str, Quantity]
    contributors: dict[str, Quantity]
    ukraine: dict[str, Quantity]
    training: dict[str, Quantity]
    arms: Arms
    tiers: tuple[Tier, ...]
    checks: dict[str, Quantity]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [name for name in _WORLD_NAMES if name not in self.world]
        missing += [f"contributors.{n}" for n in ("default",) if n not in self.contributors]
        missing += [f"ukraine.{n}" for n in _UKRAINE if n not in self.ukraine]
        missing += [
            f"training.{n}"
            for n in ("course_weeks", "trainees_in_training_at_once")
            if n not in self.training
        ]
        if missing:
            raise ValueError(f"missing entries: {', '.join(missing)}")
        return self


def load_data(path: Path | None = None) -> LandData:
    """Read and check a land data file (default: the shipped one).

    Raises:
        DataError: with every problem found, each located by file, line and field.
    """
    if path is None:
        return _shipped_data()
    return load_sourced(path, LandData)


@lru_cache(maxsize=1)
def _shipped_data() -> LandData:
    return load_data(DATA_FILE)


WORLD_PARAMETERS: dict[str, Quantity] = {name: _shipped_data().world[name] for name in _WORLD_NAMES}
"""World parameters the model accepts, with defaults and ranges (sampled by the explorer)."""


# --- the arithmetic, vectorised ------------------------------------------------------------


def brigades_required(length_km: ArrayLike, frontage_km_per_brigade: ArrayLike) -> FloatArray:
    """Brigades needed to hold a line: length over frontage per brigade."""
    return np.asarray(np.asarray(length_km) / np.asarray(frontage_km_per_brigade), np.float64)


def line_holding_troops(
    length_km: ArrayLike, frontage_km_per_brigade: ArrayLike, brigade_troops: ArrayLike
) -> FloatArray:
    """Troops in the line to hold it, before reserves and rotation."""
    brigades = brigades_required(length_km, frontage_km_per_brigade)
    return np.asarray(brigades * np.asarray(brigade_troops), np.float64)


def monitoring_personnel(length_km: ArrayLike, monitors_per_km: ArrayLike) -> FloatArray:
    """Monitors on station to watch a line at a given density."""
    return np.asarray(np.asarray(length_km) * np.asarray(monitors_per_km), np.float64)


def tripwire_troops(
    length_km: ArrayLike, post_spacing_km: ArrayLike, post_troops: ArrayLike
) -> FloatArray:
    """Troops for a post every ``post_spacing_km`` along the line."""
    posts = np.ceil(np.asarray(length_km) / np.asarray(post_spacing_km))
    return np.asarray(posts * np.asarray(post_troops), np.float64)


def rotation_ratio(tour_months: ArrayLike, dwell_months: ArrayLike) -> FloatArray:
    """Personnel in the force-generation pool per soldier kept deployed indefinitely."""
    tour = np.asarray(tour_months, np.float64)
    return np.asarray((tour + np.asarray(dwell_months)) / tour, np.float64)


def personnel_required(
    deployed: ArrayLike, years: ArrayLike, tour_months: ArrayLike, dwell_months: ArrayLike
) -> FloatArray:
    """Personnel needed to keep ``deployed`` on station for ``years`` with rotation.

    Each soldier serves one tour until the pool can be recycled after its dwell time, so the
    multiplier is the number of tours in the period, capped at the rotation ratio.
    """
    tours = 12.0 * np.asarray(years, np.float64) / np.asarray(tour_months, np.float64)
    multiplier = np.minimum(tours, rotation_ratio(tour_months, dwell_months))
    return np.asarray(np.asarray(deployed) * multiplier, np.float64)


def months_sustained(
    pool: ArrayLike, deployed: ArrayLike, tour_months: ArrayLike, ratio: ArrayLike
) -> FloatArray:
    """How long a pool keeps ``deployed`` on station before dwell rules break (inf: forever)."""
    pool_array = np.asarray(pool, np.float64)
    deployed_array = np.asarray(deployed, np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        tours = pool_array / deployed_array
    months = np.where(tours >= np.asarray(ratio), np.inf, tours * np.asarray(tour_months))
    return np.asarray(np.where(deployed_array > 0, months, np.inf), np.float64)


def trainees_per_year(
    *,
    instructors: ArrayLike,
    trainees_per_instructor: ArrayLike,
    sites: ArrayLike,
    site_capacity: ArrayLike,
    course_weeks: ArrayLike,
    weeks_per_year: ArrayLike,
) -> FloatArray:
    """Trainees a mission graduates a year, limited by instructors or by sites."""
    in_class = np.minimum(
        np.asarray(instructors) * np.asarray(trainees_per_instructor),
        np.asarray(sites) * np.asarray(site_capacity),
    )
    return np.asarray(in_class * np.asarray(weeks_per_year) / np.asarray(course_weeks), np.float64)


def arms_tonnes_per_day(usd_bn_per_year: ArrayLike, usd_per_tonne: ArrayLike) -> FloatArray:
    """Tonnes a day a money flow buys at a value density."""
    return np.asarray(
        np.asarray(usd_bn_per_year) * 1e9 / np.asarray(usd_per_tonne) / 365.0, np.float64
    )


# --- the model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Force:
    """One land commitment reduced to what the model needs."""

    id: str
    actor: str
    instrument: str
    mission: str
    location: ForceLocation
    pledged: float
    hubs: tuple[str, ...]
    conditions: tuple[str, ...]
    technical_means: bool = False


def _forces(package: Package) -> list[_Force]:
    forces = []
    for c in package.commitments:
        conditions = tuple(condition.describe() for condition in c.conditions)
        if isinstance(c, ReassuranceForce):
            forces.append(
                _Force(
                    c.id,
                    c.actor,
                    c.instrument.value,
                    c.mission.value,
                    c.location,
                    magnitude(c.troops),
                    c.hubs,
                    conditions,
                )
            )
        elif isinstance(c, MonitoringMission):
            forces.append(
                _Force(
                    c.id,
                    c.actor,
                    c.instrument.value,
                    MONITORING,
                    ForceLocation.INSIDE_UKRAINE,
                    magnitude(c.monitors),
                    (),
                    conditions,
                    c.technical_means,
                )
            )
    return forces


def _parameters(worlds: Worlds | None, theatre: Theatre) -> dict[str, FloatArray]:
    size = n_worlds(worlds)
    if size == 0:
        raise DataError(
            [Problem("no worlds", field="worlds", expected="arrays of at least one value")]
        )
    problems: list[Problem] = []
    parameters: dict[str, FloatArray] = {}
    for name, default in WORLD_PARAMETERS.items():
        fallback: Quantity | float = default
        if name == "contact_line_length_km":
            fallback = _theatre_line_length(theatre)
        values = world_parameter(worlds, name, fallback, size)
        problem = out_of_bounds(name, values, *_BOUNDS[name])
        if problem is not None:
            problems.append(problem)
        parameters[name] = values
    if problems:
        raise DataError(problems)
    return parameters


def _theatre_line_length(theatre: Theatre) -> float:
    """The contact line's length: from the geography when it has the line, else the fact."""
    try:
        return length_km(theatre.contact_line)
    except DataError:
        return theatre.fact("contact_line_length_km").value


def _contact_line(theatre: Theatre) -> Any | None:
    try:
        return theatre.contact_line
    except DataError:
        return None


def _occupied(theatre: Theatre) -> Any | None:
    try:
        return theatre.occupied
    except DataError:
        return None


def _distance_to_line_km(theatre: Theatre, lon: FloatArray, lat: FloatArray) -> FloatArray:
    line = _contact_line(theatre)
    if line is None or lon.size == 0:
        return np.full(lon.shape, np.nan)
    # vertices every ~0.05 degrees (about 5 km): the nearest vertex is within a few km of the
    # nearest point, well inside the precision of the line itself
    points = shapely.get_coordinates(shapely.segmentize(line, 0.05))
    distances = distance_km(lon[:, None], lat[:, None], points[None, :, 0], points[None, :, 1])
    return np.asarray(distances.min(axis=1), np.float64)


@dataclass(frozen=True)
class _Places:
    ids: tuple[str, ...]
    names: tuple[str, ...]
    lon: FloatArray
    lat: FloatArray
    distance_km: FloatArray


def _candidate_cities(theatre: Theatre) -> _Places:
    """Ukraine's free cities, farthest from the contact line first (west first)."""
    cities = [city for city in theatre.cities if city.country == "UKR"]
    lon = np.array([city.longitude for city in cities], dtype=np.float64)
    lat = np.array([city.latitude for city in cities], dtype=np.float64)
    occupied = _occupied(theatre)
    free = (
        ~np.asarray(shapely.intersects_xy(occupied, lon, lat), dtype=bool)
        if occupied is not None
        else np.ones(lon.shape, dtype=bool)
    )
    distance = _distance_to_line_km(theatre, lon, lat)
    key = -distance if np.isfinite(distance).all() else lon
    order = [int(i) for i in np.argsort(key, kind="stable") if free[i]]
    return _Places(
        tuple(cities[i].id for i in order),
        tuple(cities[i].name for i in order),
        lon[order],
        lat[order],
        distance[order],
    )


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> Section:
    """What the package's land commitments can man, sustain, train and supply.

    Args:
        theatre: the theatre (contact line, hubs, cities, facts).
        package: the package whose reassurance forces, monitoring, training, arms and army caps
            are assessed.
        worlds: world parameters (see :data:`WORLD_PARAMETERS`); missing ones take defaults,
            the contact line's length defaulting to the theatre geography's.
        rng: accepted for the shared contract; the model is deterministic.

    Raises:
        DataError: a world parameter is not finite or out of bounds, or the package names a
            place the theatre does not have.
    """
    del rng
    data = _shipped_data()
    p = _parameters(worlds, theatre)
    size = p["tour_months"].size
    length = p["contact_line_length_km"]

    required = {
        ForceMission.LINE_HOLDING.value: line_holding_troops(
            length, p["frontage_km_per_brigade"], p["brigade_troops"]
        ),
        ForceMission.TRIPWIRE.value: tripwire_troops(
            length, p["tripwire_post_spacing_km"], p["tripwire_post_troops"]
        ),
        MONITORING: monitoring_personnel(length, p["monitors_per_km"]),
    }
    km_per_person = {
        ForceMission.LINE_HOLDING.value: p["frontage_km_per_brigade"] / p["brigade_troops"],
        ForceMission.TRIPWIRE.value: p["tripwire_post_spacing_km"] / p["tripwire_post_troops"],
        MONITORING: 1.0 / p["monitors_per_km"],
        ForceMission.REASSURANCE.value: np.zeros(size),
    }
    ratio = rotation_ratio(p["tour_months"], p["dwell_months"])

    forces = _forces(package)
    rows: list[dict[str, Any]] = []
    sustainable_total = np.zeros(size)
    pool_required = np.zeros(size)
    covered_km = np.zeros(size)
    monitored_km = np.zeros(size)
    hub_ids = tuple(dict.fromkeys(hub for force in forces for hub in force.hubs))
    hub_troops = np.zeros((size, len(hub_ids)))
    pledged_by_mission: dict[str, float] = {}
    for force in forces:
        offered = force.pledged * p["pledge_fulfilment_share"]
        army = data.contributors.get(force.actor, data.contributors["default"]).value
        pool = army * p["pool_share_available"]
        sustainable = np.minimum(offered, pool / ratio)
        sustainable_total += sustainable
        pool_required += personnel_required(
            offered, p["mission_years"], p["tour_months"], p["dwell_months"]
        )
        if force.location is ForceLocation.INSIDE_UKRAINE:
            reach = p["technical_means_factor"] if force.technical_means else 1.0
            covered_km += sustainable * km_per_person[force.mission] * reach
            if force.mission == MONITORING:
                monitored_km += sustainable * km_per_person[MONITORING] * reach
        for hub in force.hubs:
            hub_troops[:, hub_ids.index(hub)] += sustainable / len(force.hubs)
        pledged_by_mission[force.mission] = pledged_by_mission.get(force.mission, 0.0) + (
            force.pledged
        )
        months = months_sustained(pool, offered, p["tour_months"], ratio)
        rows.append(
            {
                "id": force.id,
                "actor": force.actor,
                "instrument": force.instrument,
                "mission": force.mission,
                "location": force.location.value,
                "hubs": list(force.hubs),
                "pledged": force.pledged,
                "sustainable": float(np.median(sustainable)),
                "pool_available": float(np.median(pool)),
                "months_sustained": _finite_or_none(float(np.median(months))),
                "conditional": bool(force.conditions),
                "conditions": list(force.conditions),
            }
        )
    garrison = p["hub_garrison_troops"]
    hubs_covered = (hub_troops >= garrison[:, None]).sum(axis=1).astype(np.float64)
    line_share = np.minimum(covered_km / length, 1.0)

    required_by_mission = dict(required)
    reassurance_hubs = {
        hub for f in forces if f.mission == ForceMission.REASSURANCE.value for hub in f.hubs
    }
    hubless = sum(1 for f in forces if f.mission == ForceMission.REASSURANCE.value and not f.hubs)
    required_by_mission[ForceMission.REASSURANCE.value] = garrison * (
        len(reassurance_hubs) + hubless
    )
    pledged_total = sum(pledged_by_mission.values())
    required_total = sum(
        (required_by_mission[mission] for mission in pledged_by_mission), np.zeros(size)
    )
    feasibility = (
        np.full(size, pledged_total) / required_total if pledged_by_mission else np.zeros(size)
    )

    training = _training(package, data, p)
    arms = _arms(package, data, p)
    ukraine_force, cap_rows = _ukraine_force(package, data, p)
    strength_share = ukraine_strength_share(package, data, ukraine_force)
    pledged_troops = sum(
        f.pledged for f in forces if f.instrument == Instrument.REASSURANCE_FORCE.value
    )
    firm_troops = sum(
        f.pledged
        for f in forces
        if f.instrument == Instrument.REASSURANCE_FORCE.value and not f.conditions
    )
    sources = [source.cite() for source in data.sources.values()]
    assumptions = _assumptions(data)

    def metric(name: str, value: ArrayLike, unit: str, reason: str) -> Metric:
        return Metric.of(name, value, unit, reason, sources=sources, assumptions=assumptions)

    metrics = (
        metric("contact_line_length_km", length, "km", "length of the contact line to man"),
        metric(
            "brigades_required_line_holding",
            brigades_required(length, p["frontage_km_per_brigade"]),
            "brigades",
            "line length over a brigade's frontage (10-20 km)",
        ),
        metric(
            "troops_required_line_holding",
            required[ForceMission.LINE_HOLDING.value],
            "troops",
            "brigades to hold the whole contact line times brigade strength, before reserves",
        ),
        metric(
            "troops_required_monitoring",
            required[MONITORING],
            "people",
            "monitors to watch the whole contact line at OSCE-to-CSIS densities",
        ),
        metric(
            "monitoring_coverage_share",
            np.minimum(monitored_km / length, 1.0),
            "1",
            "share of the contact line the monitors watch (technical means extend each monitor's"
            " reach)",
        ),
        metric(
            "troops_required_tripwire",
            required[ForceMission.TRIPWIRE.value],
            "troops",
            "a company post every 10-50 km of the contact line",
        ),
        metric(
            "troops_pledged",
            np.full(size, pledged_troops),
            "troops",
            "reassurance-force troops the package pledges, conditional ones included",
        ),
        metric(
            "troops_pledged_unconditional",
            np.full(size, firm_troops),
            "troops",
            "reassurance-force troops pledged without conditions",
        ),
        metric(
            "troops_sustainable",
            sustainable_total,
            "troops",
            "troops and monitors the contributors' pools keep on station with rotation",
        ),
        metric(
            "personnel_pool_required",
            pool_required,
            "troops",
            "personnel to keep the pledged force deployed over the mission horizon (4:1)",
        ),
        metric(
            "line_coverage_share",
            line_share,
            "1",
            "share of the contact line the sustainable force watches or holds per its mission",
        ),
        metric(
            "hubs_covered",
            hubs_covered,
            "hubs",
            "named hubs with at least a battalion battlegroup kept on station",
        ),
        metric("trainees_per_year", training, "trainees/yr", "graduates of training missions"),
        metric(
            "ukraine_force_troops",
            ukraine_force,
            "troops",
            "Ukraine's own force: the Paris Declaration's 800,000 unless the package caps it",
        ),
        metric(
            "ukraine_strength_share",
            strength_share,
            "1",
            "Ukraine's fighting strength against the uncapped army: troops, limited by the scarcer"
            " of tanks and artillery a cap leaves per soldier",
        ),
        metric(
            "arms_tonnes_per_day",
            arms,
            "t/d",
            "arms delivered a day: money over value density, capped by the Rzeszów hub",
        ),
        metric(
            "feasibility_ratio",
            feasibility,
            "1",
            "pledged over required for the missions the package pledges",
        ),
    )
    tables = {
        "commitments": rows,
        "missions": [
            {
                "mission": mission,
                "required": float(np.median(required_by_mission[mission])),
                "pledged": pledged,
                "gap": float(np.median(np.maximum(required_by_mission[mission] - pledged, 0.0))),
            }
            for mission, pledged in pledged_by_mission.items()
        ],
        "tiers": tier_table(theatre, data, p),
        "army_caps": cap_rows,
    }
    layers = _layers(theatre, hub_ids, hub_troops, garrison)
    return Section(
        name="land",
        title="Land forces: the front, a reassurance force, training and arms",
        verdict=_verdict(
            pledged=pledged_troops,
            sustainable=sustainable_total,
            hubs_covered=hubs_covered,
            hubs_named=len(hub_ids),
            line_share=line_share,
            length=length,
            p=p,
        ),
        metrics=metrics,
        layers=layers,
        tables=tables,
        notes=tuple(
            f"{row['id']} ({row['actor']}) is conditional on: {'; '.join(row['conditions'])}"
            for row in rows
            if row["conditional"]
        ),
    )


def _finite_or_none(value: float) -> float | None:
    return value if np.isfinite(value) else None


def _training(package: Package, data: LandData, p: dict[str, FloatArray]) -> FloatArray:
    course = data.training["course_weeks"].value
    site_capacity = data.training["trainees_in_training_at_once"].value / max(
        data.world["training_sites"].value, 1.0
    )
    total = np.zeros(p["tour_months"].size)
    for c in package.of(Instrument.TRAINING_MISSION):
        assert isinstance(c, TrainingMission)
        if c.trainees_per_year is not None:
            total += magnitude(c.trainees_per_year)
            continue
        total += trainees_per_year(
            instructors=magnitude(c.instructors) * p["pledge_fulfilment_share"],
            trainees_per_instructor=p["trainees_per_instructor"],
            sites=p["training_sites"],
            site_capacity=site_capacity,
            course_weeks=course,
            weeks_per_year=p["training_weeks_per_year"],
        )
    return total


def hub_capacity_tonnes_per_day(data: LandData, p: dict[str, FloatArray]) -> FloatArray:
    """The arms hub's throughput: its record (vehicles x tonnes / days) times a surge factor."""
    observed = data.arms.hub_vehicles.value * p["tonnes_per_vehicle"] / data.arms.hub_days.value
    return np.asarray(observed * p["hub_surge_factor"], np.float64)


def _arms(package: Package, data: LandData, p: dict[str, FloatArray]) -> FloatArray:
    size = p["tour_months"].size
    through_hub = np.zeros(size)
    elsewhere = np.zeros(size)
    for c in package.of(Instrument.ARMS_SUPPLY):
        assert isinstance(c, ArmsSupply)
        demand = (
            np.full(size, magnitude(c.tonnes_per_day))
            if c.tonnes_per_day is not None
            else arms_tonnes_per_day(magnitude(c.usd_bn_per_year), p["usd_per_tonne_of_aid"])
        )
        if data.arms.hub in c.via:
            through_hub += demand
        else:
            elsewhere += demand
    # the hub carries its share of all aid, so the route through it is capped at capacity/share
    route_capacity = hub_capacity_tonnes_per_day(data, p) / data.arms.hub_share_of_aid.value
    return np.asarray(np.minimum(through_hub, route_capacity) + elsewhere, np.float64)


def _ukraine_force(
    package: Package, data: LandData, p: dict[str, FloatArray]
) -> tuple[FloatArray, list[dict[str, Any]]]:
    target = data.ukraine["target_troops"].value
    force = np.full(p["tour_months"].size, target)
    rows = []
    for c in package.of(Instrument.ARMY_CAP):
        assert isinstance(c, ArmyCap)
        value = magnitude(c.troops)
        high = c.troops.range[1] if isinstance(c.troops, Quantity) else value
        cap = value + p["army_cap_position"] * (high - value)
        force = np.minimum(force, cap)
        rows.append(
            {
                "id": c.id,
                "actor": c.actor,
                "cap_troops": value,
                "cap_high_troops": high,
                "conditions": [condition.describe() for condition in c.conditions],
            }
        )
    return force, rows


def ukraine_strength_share(package: Package, data: LandData, force: FloatArray) -> FloatArray:
    """Ukraine's strength as a share of its uncapped army, limited by its scarcest arm.

    ``share = force / target · min(1, tanks / (force · tanks per soldier), artillery / (force ·
    artillery per soldier))``: a cap on tanks or guns binds when it leaves fewer per soldier than
    Ukraine's own proposal at Istanbul (800 tanks and 1,900 guns for 250,000 troops), the
    combined-arms mix Ukraine itself asked for (a Leontief, scarcest-arm bound).
    """
    target = data.ukraine["target_troops"].value
    per_soldier = {
        "tanks": data.ukraine["tanks_offered"].value / data.ukraine["troops_offered"].value,
        "artillery": data.ukraine["artillery_offered"].value / data.ukraine["troops_offered"].value,
    }
    equipped = np.ones(force.size)
    for c in package.of(Instrument.ARMY_CAP):
        assert isinstance(c, ArmyCap)
        for arm, ratio in per_soldier.items():
            cap = getattr(c, arm)
            if cap is not None:
                needed = np.maximum(force * ratio, 1e-9)
                equipped = np.minimum(equipped, magnitude(cap) / needed)
    return np.asarray(np.clip(force / target, 0.0, 1.0) * np.minimum(equipped, 1.0), np.float64)


def tier_table(
    theatre: Theatre, data: LandData, p: dict[str, FloatArray] | None = None
) -> list[dict[str, Any]]:
    """What each published force option covers and leaves uncovered (central values).

    Each tier is a deployed strength: it needs its size times the rotation ratio in the pool.
    Placed at hubs, it garrisons cities one battlegroup each from the west; stretched along the
    line instead, it covers the share its size allows for each mission.
    """
    p = p or _parameters(None, theatre)
    median = {name: float(np.median(values)) for name, values in p.items()}
    length = median["contact_line_length_km"]
    ratio = float(rotation_ratio(median["tour_months"], median["dwell_months"]))
    cities = _candidate_cities(theatre)
    rows = []
    for tier in data.tiers:
        garrisoned = min(int(tier.troops // median["hub_garrison_troops"]), len(cities.ids))
        tripwire = tier.troops * median["tripwire_post_spacing_km"] / median["tripwire_post_troops"]
        holding = tier.troops * median["frontage_km_per_brigade"] / median["brigade_troops"]
        monitored = tier.troops / median["monitors_per_km"]
        rows.append(
            {
                "tier": tier.id,
                "name": tier.name,
                "troops": tier.troops,
                "troops_low": tier.low,
                "troops_high": tier.high,
                "personnel_pool_required": tier.troops * ratio,
                "hubs_garrisoned": garrisoned,
                "cities_covered": list(cities.names[:garrisoned]),
                "cities_uncovered": list(cities.names[garrisoned:]),
                "line_share_as_tripwire": min(tripwire / length, 1.0),
                "line_share_as_line_holding": min(holding / length, 1.0),
                "line_share_as_monitors": min(monitored / length, 1.0),
                "source": data.sources[tier.source].cite(),
            }
        )
    return rows


def _layers(
    theatre: Theatre, hub_ids: tuple[str, ...], hub_troops: FloatArray, garrison: FloatArray
) -> dict[str, Any]:
    layers: dict[str, Any] = {}
    line = _contact_line(theatre)
    if line is not None:
        layers["contact_line"] = feature_collection(
            [to_feature(line, id="contact-line", length_km=round(length_km(line), 1))]
        )
    places = [theatre.place(hub) for hub in hub_ids]
    lon = np.array([place.longitude for place in places], dtype=np.float64)
    lat = np.array([place.latitude for place in places], dtype=np.float64)
    distance = _distance_to_line_km(theatre, lon, lat)
    troops = np.median(hub_troops, axis=0) if hub_troops.size else np.zeros(0)
    needed = float(np.median(garrison))
    features = [
        to_feature(
            shapely.Point(place.longitude, place.latitude),
            id=place.id,
            name=place.name,
            troops=round(float(troops[index]), 0),
            covered=bool(troops[index] >= needed),
            distance_to_contact_line_km=_finite_or_none(round(float(distance[index]), 1)),
        )
        for index, place in enumerate(places)
    ]
    layers["hubs"] = feature_collection(features)
    return layers


def _verdict(
    *,
    pledged: float,
    sustainable: FloatArray,
    hubs_covered: FloatArray,
    hubs_named: int,
    line_share: FloatArray,
    length: FloatArray,
    p: dict[str, FloatArray],
) -> str:
    brigades = float(np.median(brigades_required(length, p["frontage_km_per_brigade"])))
    holding = float(
        np.median(line_holding_troops(length, p["frontage_km_per_brigade"], p["brigade_troops"]))
    )
    return (
        f"{pledged:,.0f} troops pledged, about {float(np.median(sustainable)):,.0f} troops and "
        f"monitors sustainable; {float(np.median(hubs_covered)):.0f} of {hubs_named} named hubs "
        f"garrisoned and {float(np.median(line_share)):.0%} of the "
        f"{float(np.median(length)):,.0f} km contact line watched or held. Holding it would take "
        f"about {brigades:.0f} brigades ({holding:,.0f} troops): the guarantee rests on "
        "Ukraine's own army, training and arms."
    )


def _assumptions(data: LandData) -> list[str]:
    groups: list[tuple[str, dict[str, Quantity]]] = [
        ("world", data.world),
        ("contributors", data.contributors),
        ("ukraine", data.ukraine),
        ("training", data.training),
    ]
    return [
        f"{prefix}.{name} = {q.value:g} {q.unit} (range {q.low:g}-{q.high:g}): {q.assumption}"
        for prefix, group in groups
        for name, q in group.items()
        if q.assumption is not None
    ]
