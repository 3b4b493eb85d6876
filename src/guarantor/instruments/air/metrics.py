"""The air section's metrics: values computed from the model's results, units and sources.

Reaction areas and population reached, CAP stations held and the aircraft they need, shares of
population protected from each threat class, the raid night's leakers and sorties, and the
upkeep of the patrols over years.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.air.data import AirData, shipped_data
from guarantor.instruments.air.raid import armed_total
from guarantor.instruments.air.targets import Target
from guarantor.section import Metric

if TYPE_CHECKING:
    from guarantor.instruments.air.model import Results

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
THREAT_IDS = tuple(threat.id for threat in shipped_data().threats)
"""Threat classes of the shipped data (drone, jet drone, cruise, ballistic)."""


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


def section_metrics(data: AirData, r: Results) -> tuple[Metric, ...]:
    """The metrics of the air section, one value per world each."""
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
    return (
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


def _raid_metrics(r: Results, metric: Any) -> list[Metric]:
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


def _upkeep_metrics(r: Results, metric: Any) -> list[Metric]:
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
