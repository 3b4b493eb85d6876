"""Land: the force the line needs against the threat, what the package can keep there, and why.

The model (``docs/land.md``) runs in five steps, each in its own module, vectorised over worlds:

1. :mod:`.sizing`: the force the line needs against the Russian grouping, sector by sector, in
   depth and with its enablers; the missions a package can pledge, by force-to-space or, for a
   reassurance force, by its mission.
2. :mod:`.sustainment`: what each contributor keeps in place under its own tour and dwell policy
   and pool; pledges above a pool flagged.
3. :mod:`.places`: where forces stand (west of the Dnipro, the centre, the line), each hub's
   distance to the line and a brigade's reinforcement time from Poland or Romania; the
   published tiers placed where their sources place them.
4. :mod:`.training_arms`: Ukraine's army under the package's caps, training against its yearly
   need, arms as tonnes and as months of war after a renewed offensive.
5. :mod:`.views`: every figure explained with its planning factor and source; the verdict.

Ukraine's army holds the line; the package's forces at the line add to it. Feasibility is what
the contributors can keep in place against what the missions they pledge require, never what
was pledged. The model is deterministic; ``rng`` is accepted for the shared contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from guarantor.coalition.deployable import shortfall_tables
from guarantor.coalition.deployable import troops as deployable_troops
from guarantor.coalition.model import shipped_data as coalition_data
from guarantor.instruments.land import places, sizing, sustainment, training_arms, views
from guarantor.instruments.land.data import FloatArray, LandData, parameters, shipped_data
from guarantor.packages.schema import (
    ForceLocation,
    ForceMission,
    Instrument,
    MonitoringMission,
    Package,
    ReassuranceForce,
    magnitude,
)
from guarantor.section import Metric, Section, Worlds
from guarantor.theatre import Theatre

MONITORING = "monitoring"
_LINE_MISSIONS = (ForceMission.LINE_HOLDING.value, ForceMission.TRIPWIRE.value)


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


def _shortfall(
    package: Package, rows: list[dict[str, Any]], required: float, met: float
) -> dict[str, list[dict[str, Any]]]:
    """Troops the pledged missions need beyond what the contributors keep in place.

    In troops and brigades, with the armies that could send more.
    """
    kept: dict[str, float] = {}
    for row in rows:
        if row["mission"] != MONITORING:
            kept[row["actor"]] = kept.get(row["actor"], 0.0) + row["sustainable"]
    del package
    tables = shortfall_tables("troops", "troops", required, met, kept)
    brigade = coalition_data().planning.troops_per_brigade.value
    for row in tables["shortfall"]:
        row["brigades"] = round(row["shortfall"] / brigade, 1)
    for row in tables["who_could_fill"]:
        row["brigades"] = round(row["could_still_offer"] / brigade, 1)
    return tables


def _ratio_or_met(in_place: FloatArray, required: FloatArray) -> FloatArray:
    """In place over required; where nothing is required, 1 if anything is in place, else 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(required > 0, in_place / np.where(required > 0, required, 1.0), 0.0)
    return np.asarray(np.where(required > 0, ratio, (in_place > 0).astype(float)), np.float64)


def assess(
    theatre: Theatre,
    package: Package,
    worlds: Worlds | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> Section:
    """What the line needs against the threat and what the package's land commitments add.

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
    data = shipped_data()
    p = parameters(worlds, places.theatre_line_length(theatre))
    size = p["mission_years"].size
    length = p["contact_line_length_km"]
    threat = sizing.threat_sizing(data, p)
    reassurance_required, _, _ = sizing.reassurance_troops(data, p)
    required: dict[str, FloatArray] = {
        ForceMission.TRIPWIRE.value: sizing.tripwire_troops(
            length, p["tripwire_post_spacing_km"], p["tripwire_post_troops"]
        ),
        MONITORING: sizing.monitoring_personnel(length, p["monitors_per_km"]),
        ForceMission.REASSURANCE.value: reassurance_required,
    }
    km_per_person = {
        ForceMission.LINE_HOLDING.value: p["frontage_km_per_brigade"] / p["brigade_troops"],
        ForceMission.TRIPWIRE.value: p["tripwire_post_spacing_km"] / p["tripwire_post_troops"],
        MONITORING: 1.0 / p["monitors_per_km"],
        ForceMission.REASSURANCE.value: np.zeros(size),
    }

    forces = _forces(package)
    hub_ids = tuple(dict.fromkeys(hub for force in forces for hub in force.hubs))
    hubs = places.places_of(theatre, data, hub_ids)
    hub_at_line = hubs.distance_km[None, :] <= p["line_zone_km"][:, None]
    hub_days, _ = places.reinforcement_days(theatre, data, hubs, p)
    hub_troops = np.zeros((size, len(hub_ids)))
    rows: list[dict[str, Any]] = []
    sustainable_total = np.zeros(size)
    pool_required = np.zeros(size)
    covered_km = np.zeros(size)
    monitored_km = np.zeros(size)
    package_line = np.zeros(size)
    inside_troops = np.zeros(size)
    above_pool = np.zeros(size)
    in_place: dict[str, FloatArray] = {}
    pledged_by_mission: dict[str, float] = {}
    for force in forces:
        kept = sustainment.sustain(data, force.actor, force.pledged, p)
        sustainable_total += kept.sustainable
        pool_required += kept.personnel_required
        above_pool += kept.above_pool
        inside = force.location is ForceLocation.INSIDE_UKRAINE
        if inside:
            reach = p["technical_means_factor"] if force.technical_means else 1.0
            covered_km += kept.sustainable * km_per_person[force.mission] * reach
            if force.mission == MONITORING:
                monitored_km += kept.sustainable * km_per_person[MONITORING] * reach
            else:
                inside_troops += kept.sustainable
            in_place[force.mission] = in_place.get(force.mission, np.zeros(size)) + kept.sustainable
            if force.mission in _LINE_MISSIONS:
                package_line += kept.sustainable
        for hub in force.hubs:
            share = kept.sustainable / len(force.hubs)
            column = hub_ids.index(hub)
            hub_troops[:, column] += share
            if inside and force.mission not in _LINE_MISSIONS:
                package_line += share * hub_at_line[:, column]
        pledged_by_mission[force.mission] = pledged_by_mission.get(force.mission, 0.0) + (
            force.pledged
        )
        rows.append(
            {
                "id": force.id,
                "actor": force.actor,
                "instrument": force.instrument,
                "mission": force.mission,
                "location": force.location.value,
                "hubs": list(force.hubs),
                "pledged": force.pledged,
                "sustainable": float(np.median(kept.sustainable)),
                "pool_available": float(np.median(kept.pool)),
                "pledge_above_pool": bool(np.median(kept.above_pool) >= 0.5),
                "tour_months": kept.tour_months,
                "dwell_months": float(np.median(kept.dwell_months)),
                "rotation_ratio": float(np.median(kept.ratio)),
                "months_sustained": views.finite_or_none(float(np.median(kept.months))),
                "conditional": bool(force.conditions),
                "conditions": list(force.conditions),
                "derivation": deployable_troops(
                    force.actor, pool_share=float(np.median(p["pool_share_available"]))
                ).describe(force.pledged),
            }
        )

    ukraine_force, cap_rows = training_arms.ukraine_force(package, data, p)
    equipped = training_arms.equipped_share(package, data, ukraine_force)
    ukraine_line = sizing.ukraine_line_troops(ukraine_force, p) * equipped
    # the package is asked to add what Ukraine's own army leaves short against the threat
    required[ForceMission.LINE_HOLDING.value] = np.maximum(threat.required - ukraine_line, 0.0)
    at_line = ukraine_line + package_line
    reference = (
        sizing.ukraine_line_troops(np.full(size, data.ukraine["target_troops"].value), p)
        * p["russian_rebuild_factor"]
    )
    pledged_missions = list(pledged_by_mission)
    met = sum(
        (np.minimum(in_place.get(m, np.zeros(size)), required[m]) for m in pledged_missions),
        np.zeros(size),
    )
    asked = sum((required[m] for m in pledged_missions), np.zeros(size))
    feasibility = _ratio_or_met(met, asked) if pledged_missions else np.zeros(size)
    garrison = p["hub_garrison_troops"]
    tripwire_needed = len(data.sectors) * garrison
    trainees = training_arms.training(package, data, p)
    need = training_arms.training_need_per_year(ukraine_force, p["army_turnover_per_year"])
    tonnes, through = training_arms.arms_flow(package, data, p)
    munitions = training_arms.munitions(package, data, p, through)
    tiers = places.tier_table(theatre, data, p)
    results: dict[str, FloatArray] = {
        "contact_line_length_km": length,
        "russian_grouping_troops": threat.grouping,
        "first_echelon_troops": threat.first_echelon,
        "second_echelon_troops": threat.second_echelon,
        "reserve_troops": threat.reserve,
        "enabler_troops": threat.enablers,
        "troops_required_threat": threat.required,
        "ukraine_force_troops": ukraine_force,
        "ukraine_line_troops": ukraine_line,
        "package_line_troops": package_line,
        "line_strength_ratio": line_strength(
            ukraine_line, package_line, np.maximum(threat.required, 1.0)
        ),
        "line_shortfall_troops": np.maximum(threat.required - at_line, 0.0),
        "defender_strength_factor": at_line / np.maximum(reference, 1.0),
        "brigades_required_line_holding": sizing.brigades_required(
            length, p["frontage_km_per_brigade"]
        ),
        "troops_required_line_holding": required[ForceMission.LINE_HOLDING.value],
        "troops_required_monitoring": required[MONITORING],
        "troops_required_tripwire": required[ForceMission.TRIPWIRE.value],
        "troops_required_reassurance": reassurance_required,
        "monitoring_coverage_share": np.minimum(monitored_km / length, 1.0),
        "troops_pledged": np.full(size, _pledged(forces, firm=False)),
        "troops_pledged_unconditional": np.full(size, _pledged(forces, firm=True)),
        "troops_sustainable": sustainable_total,
        "personnel_pool_required": pool_required,
        "pledges_above_pool": above_pool,
        "line_coverage_share": np.minimum(covered_km / length, 1.0),
        "hubs_covered": (hub_troops >= garrison[:, None]).sum(axis=1).astype(np.float64),
        "smallest_hub_garrison_troops": hub_troops.min(axis=1) if hub_ids else np.zeros(size),
        "slowest_hub_reinforcement_days": hub_days.max(axis=1) if hub_ids else np.zeros(size),
        "tripwire_share": np.minimum(inside_troops / tripwire_needed, 1.0),
        "trainees_per_year": trainees,
        "training_need_per_year": need,
        "training_need_share": _ratio_or_met(trainees, need),
        "arms_tonnes_per_day": tonnes,
        **munitions,
        "ukraine_strength_share": training_arms.ukraine_strength_share(
            package, data, ukraine_force
        ),
        "feasibility_ratio": feasibility,
    }
    sources = tuple(source.cite() for source in data.sources.values())
    assumptions = tuple(_assumption_list(data))
    metrics = tuple(
        Metric.of(
            name,
            value,
            views.UNITS[name],
            views.REASONS[name],
            sources=sources,
            assumptions=assumptions,
        )
        for name, value in results.items()
    )
    tables = {
        "commitments": rows,
        "missions": [
            {
                "mission": mission,
                "required": float(np.median(required[mission])),
                "pledged": pledged,
                "in_place": float(np.median(in_place.get(mission, np.zeros(size)))),
                "gap": float(
                    np.median(np.maximum(required[mission] - in_place.get(mission, 0.0), 0.0))
                ),
            }
            for mission, pledged in pledged_by_mission.items()
        ],
        "sectors": views.sector_rows(data, threat),
        "tiers": tiers,
        "army_caps": cap_rows,
        "explanations": views.explanations(data, p, results),
        **_shortfall(package, rows, float(np.median(asked)), float(np.median(met))),
    }
    drawn = places.layers(
        theatre,
        data,
        hubs=hubs,
        hub_troops=hub_troops,
        garrison=garrison,
        hub_days=hub_days,
        tiers=tiers,
    )
    return Section(
        name="land",
        title="Land forces: the line against the threat, a reassurance force, training and arms",
        verdict=views.verdict(results, len(hub_ids)),
        metrics=metrics,
        layers=drawn,
        tables=tables,
        notes=tuple(
            f"{row['id']} ({row['actor']}) is conditional on: {'; '.join(row['conditions'])}"
            for row in rows
            if row["conditional"]
        )
        + tuple(
            f"{row['id']} ({row['actor']}) pledges {row['pledged']:,.0f}, above {row['actor']}'s"
            f" deployable pool of about {row['pool_available']:,.0f}"
            for row in rows
            if row["pledge_above_pool"]
        ),
    )


def _pledged(forces: list[_Force], *, firm: bool) -> float:
    return sum(
        f.pledged
        for f in forces
        if f.instrument == Instrument.REASSURANCE_FORCE.value and not (firm and f.conditions)
    )


def _assumption_list(data: LandData) -> list[str]:
    from guarantor.instruments.land.data import assumptions

    return assumptions(data)


def line_strength(
    ukraine_line: ArrayLike, package_line: ArrayLike, required: ArrayLike
) -> NDArray[np.float64]:
    """Strength at the line against what the threat requires: (Ukraine + package) / required."""
    return np.asarray(
        (np.asarray(ukraine_line) + np.asarray(package_line)) / np.asarray(required), np.float64
    )
