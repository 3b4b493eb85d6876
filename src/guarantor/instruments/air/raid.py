"""A recorded raid against a package: threats per target, the night's sorties, the outcome.

Glue between the data (raid profiles, Ukraine's fitted layer, fighter types) and the engagement
kernel (:mod:`.engage`):

* the raid's counts by class, scaled by ``raid_size_factor``, spread over targets by its aim
  (the listed targets' shares, the rest over free Ukraine's cities by population);
* Ukraine's layer: the share of each class it downs, from the raid's size (:mod:`.baseline`);
* the fighters' reach: the share of each target's paths a fighter reaches in time (geometry);
* the night's sortie budget per fighter pledge: what can be fielded × mission-capable rate ×
  sorties in the raid window (sortie endurance + turnaround), capped by pilots; each sortie's
  missiles and gun passes, cut when its time on station (endurance − transits − reserve) holds
  fewer engagements than it has weapons.

The marginal value curve re-runs the night with every pledge scaled to a total of 0 → 200
aircraft (fleets and ramps still cap what is fielded); reach, basing and types stay the
package's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.instruments.air.baseline import layer
from guarantor.instruments.air.cap import per_pledge
from guarantor.instruments.air.data import AirData, Raid
from guarantor.instruments.air.engage import Night, night
from guarantor.instruments.air.fleet import fielded
from guarantor.instruments.air.pledges import AirPledges
from guarantor.instruments.air.sustain import sortie_endurance_h, time_on_station_h

FloatArray = NDArray[np.float64]
DRONE_CLASSES = ("drone", "jet_drone")
"""Classes Ukraine's record counts as drones (its layer's drone law applies)."""
GUN_CLASSES = ("drone",)
"""Classes slow enough for a gun pass."""
CURVE_AIRCRAFT = tuple(float(a) for a in range(0, 201, 10))
"""Aircraft pledged along the marginal value curve."""


@dataclass(frozen=True)
class Budget:
    """What each fighter pledge brings to the night per aircraft fielded, per world."""

    sorties: FloatArray
    """Sorties per aircraft fielded, shape (pledges, worlds)."""
    missiles: FloatArray
    gun_passes: FloatArray

    def total(self, counts: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Sorties, missiles and gun passes of the night for these fielded counts (worlds,)."""
        weights = np.asarray(counts, np.float64)[:, None]
        return (
            np.asarray((self.sorties * weights).sum(axis=0), np.float64),
            np.asarray((self.missiles * weights).sum(axis=0), np.float64),
            np.asarray((self.gun_passes * weights).sum(axis=0), np.float64),
        )


def budget(
    pledges: AirPledges,
    p: dict[str, FloatArray],
    given: set[str],
    data: AirData,
    transit_h: FloatArray,
) -> Budget:
    """Sorties and weapons per aircraft fielded of each fighter pledge, per world.

    ``transit_h`` is each pledge's transit to the targets it defends, shape (pledges,).
    """
    fighters = pledges.fighters
    size = p["readiness_min"].size
    shape = (len(fighters), size)
    if not fighters:
        return Budget(np.zeros(shape), np.zeros(shape), np.zeros(shape))
    mc = per_pledge(fighters, p, given, "mission_capable_rate", "mission_capable_rate")
    tat_h = per_pledge(fighters, p, given, "turnaround_min", "turnaround_min") / 60.0
    endurance = np.array([sortie_endurance_h(f, data) for f in fighters])[:, None]
    endurance = endurance * p["fuel_endurance_factor"][None, :]
    tos = time_on_station_h(
        endurance,
        transit_h[:, None],
        p["reserve_h"][None, :],
        refuelled=np.array([f.tankers for f in fighters])[:, None],
        extension_h=p["refuelling_extension_h"][None, :],
    )
    missiles = np.array([_figure(data, f.kind.id, "missiles_per_sortie") for f in fighters])
    guns = np.array([_figure(data, f.kind.id, "gun_passes_per_sortie") for f in fighters])
    weapons = (missiles + guns)[:, None]
    by_time = tos * 60.0 / p["minutes_per_engagement"][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        used = np.where(weapons > 0, np.minimum(1.0, by_time / weapons), 0.0)
    per_aircraft = np.minimum(
        mc * p["raid_window_h"][None, :] / (endurance + tat_h),
        p["crew_ratio"][None, :] * p["sorties_per_pilot_night"][None, :],
    )
    return Budget(
        np.asarray(per_aircraft, np.float64),
        np.asarray(per_aircraft * missiles[:, None] * used, np.float64),
        np.asarray(per_aircraft * guns[:, None] * used, np.float64),
    )


def _figure(data: AirData, type_id: str, name: str) -> float:
    figures = data.figures(type_id)
    quantity = getattr(figures, name, None) if figures is not None else None
    return float(quantity.value) if quantity is not None else 0.0


def aim_weights(raid: Raid, targets: list[tuple[str, str, float]]) -> FloatArray:
    """Share of the raid each target draws: listed shares, the rest over cities by population.

    ``targets`` are (id, kind, population) in the model's target order.
    """
    weights = np.zeros(len(targets))
    listed = {a.target: a.share.value for a in raid.aim}
    for i, (ident, _, _) in enumerate(targets):
        weights[i] = listed.get(ident, 0.0)
    rest = max(0.0, 1.0 - weights.sum())
    population = np.array([pop if kind == "city" else 0.0 for _, kind, pop in targets])
    if population.sum() > 0:
        weights = weights + rest * population / population.sum()
    return np.asarray(weights / max(weights.sum(), 1e-12), np.float64)


@dataclass(frozen=True)
class RaidInputs:
    """Everything the kernel needs for one raid, per world."""

    classes: tuple[str, ...]
    launched: FloatArray
    """Threats aimed at each target, shape (worlds, targets, classes)."""
    ukraine_share: FloatArray
    reach: FloatArray
    pk_missile: FloatArray
    armed: FloatArray
    """Share of each class's threats that are armed (decoys are not), shape (classes,)."""


def raid_inputs(
    raid: Raid,
    p: dict[str, FloatArray],
    data: AirData,
    targets: list[tuple[str, str, float]],
    reach: dict[str, FloatArray],
) -> RaidInputs:
    """Counts per target, Ukraine's shares, fighters' reach and kill probabilities."""
    classes = tuple(t.id for t in data.threats)
    size = p["readiness_min"].size
    counts = np.array([raid.threats[c].value if c in raid.threats else 0.0 for c in classes])
    weights = aim_weights(raid, targets)
    launched = p["raid_size_factor"][:, None, None] * weights[None, :, None] * counts[None, None, :]
    model = layer(data)
    factor = p["ukraine_layer_factor"]
    drones_total = launched[:, :, [c in DRONE_CLASSES for c in classes]].sum(axis=(1, 2))
    share = np.zeros((size, len(classes)))
    for j, c in enumerate(classes):
        if c in DRONE_CLASSES:
            share[:, j] = model.drone_share(drones_total, factor)
        else:
            share[:, j] = model.missile_share("ballistic" if c == "ballistic" else "cruise", factor)
    reach_array = np.stack([reach.get(c, np.zeros((size, len(targets)))) for c in classes], axis=2)
    pk = np.stack(
        [p["pk_missile_cruise"] if c == "cruise" else p["pk_missile_drone"] for c in classes],
        axis=1,
    )
    decoys = float(raid.decoy_share.value)
    armed = np.array([1.0 - decoys if c == "drone" else 1.0 for c in classes])
    return RaidInputs(classes, launched, share, reach_array, pk, armed)


def run_night(
    inputs: RaidInputs, p: dict[str, FloatArray], missiles: FloatArray, gun_passes: FloatArray
) -> Night:
    """The kernel for these inputs and the night's weapons."""
    return night(
        inputs.launched,
        inputs.ukraine_share,
        inputs.reach,
        missiles=missiles,
        gun_passes=gun_passes,
        pk_missile=inputs.pk_missile,
        pk_gun=p["pk_gun_drone"],
        gun_classes=np.array([c in GUN_CLASSES for c in inputs.classes]),
        reattack=p["reattack_share"],
    )


def curve(
    inputs: RaidInputs,
    p: dict[str, FloatArray],
    pledges: AirPledges,
    data: AirData,
    unit: Budget,
) -> list[dict[str, Any]]:
    """Armed leakers with the package as the pledged aircraft go from 0 to 200 (the curve)."""
    pledged = np.array([f.count for f in pledges.fighters], np.float64)
    total = float(pledged.sum())
    rows = []
    for aircraft in CURVE_AIRCRAFT:
        if total > 0:
            counts = fielded(pledges, data, pledged * (aircraft / total)).counts
        else:
            counts = pledged
        _, missiles, guns = unit.total(counts)
        outcome = run_night(inputs, p, missiles, guns)
        leakers = armed_total(outcome.leakers_with, inputs.armed)
        rows.append(
            {
                "aircraft": aircraft,
                "fielded": round(float(counts.sum()), 2),
                "leakers": _q(leakers, 50),
                "leakers_low": _q(leakers, 5),
                "leakers_high": _q(leakers, 95),
                "missiles_expended": _q(outcome.missiles_used, 50),
            }
        )
    return rows


def armed_total(per_target_class: FloatArray, armed: FloatArray) -> FloatArray:
    """Armed threats summed over targets and classes, per world."""
    return np.asarray((per_target_class * armed[None, None, :]).sum(axis=(1, 2)), np.float64)


def _q(values: FloatArray, q: float) -> float:
    return round(float(np.percentile(values, q)), 2)
