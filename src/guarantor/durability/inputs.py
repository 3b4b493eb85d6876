"""From a package and worlds to the kernel's arrays, using the instrument models that exist.

Each commitment becomes a column of the kernel's matrices: the share of a robust peacekeeping
force it supplies, the share of air, sea and ground probes it can answer, the prior credibility
its form carries, and its running cost. The instrument models
(``guarantor.instruments.air|maritime|land|sanctions``), the rules of engagement
(``guarantor.roe``) and the bargaining model (``guarantor.bargaining``) supply their inputs, each
computed once for all worlds; the package's commitments give the rest. Conditions are resolved
per world with each world's own draws.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor import bargaining, roe
from guarantor.durability.calibration import Calibration
from guarantor.durability.kernel import Action, Event, KernelInputs, TriggerRule, election_months
from guarantor.durability.uncertainties import Uncertainties
from guarantor.packages.schema import (
    AirPolicing,
    ArmsSupply,
    ArmyCap,
    BackstopLevel,
    BilateralTreaty,
    Condition,
    MaritimeSecurity,
    MonitoringMission,
    NatoMembership,
    Package,
    ReassuranceForce,
    SanctionsSnapback,
    TrainingMission,
    UsBackstop,
    magnitude,
)
from guarantor.randomness import uniforms
from guarantor.section import Section
from guarantor.theatre import Theatre

FloatArray = NDArray[np.float64]
START_YEAR, START_MONTH = 2026, 1  # the simulated ceasefire starts in January 2026
US_ELECTION_YEARS = (2028, 2032)
_NATO_FORM = {
    "membership": "nato_membership",
    "invitation": "security_agreement",
    "open_door": "political_assurance",
    "renounced": "none",
}
_EVENTS = {
    "probe": Event.PROBE,
    "ceasefire_violation": Event.CEASEFIRE_VIOLATION,
    "attack_on_shipping": Event.ATTACK_ON_SHIPPING,
    "limited_attack": Event.LIMITED_ATTACK,
    "offensive": Event.OFFENSIVE,
    "us_backstop_lapses": Event.US_BACKSTOP_LAPSES,
}
_ACTIONS = {
    "snap_back_sanctions": Action.SNAP_BACK_SANCTIONS,
    "reinforce": Action.REINFORCE,
    "lapse": Action.LAPSE,
    "activate": Action.ACTIVATE,
}
_CONDITION_STREAM = 1  # month -1 draws: stream 1 + condition slot


@dataclass
class PackageInputs:
    """The kernel's inputs for one package, and notes on how they were obtained."""

    kernel: KernelInputs
    notes: list[str]
    commitment_ids: list[str]


def _world(
    worlds: Mapping[str, FloatArray], uncertainties: Uncertainties, name: str, n: int
) -> FloatArray:
    if name in worlds:
        return np.asarray(worlds[name], dtype=np.float64)
    return np.full(n, uncertainties.uncertainties[name].value)


def _instrument(
    name: str, theatre: Theatre, package: Package, worlds: Mapping[str, FloatArray]
) -> Section:
    """The section of ``guarantor.instruments.<name>`` over the world parameters it accepts."""
    module = importlib.import_module(f"guarantor.instruments.{name}")
    own = {key: value for key, value in worlds.items() if key in module.WORLD_PARAMETERS}
    section: Section = module.assess(theatre, package, own)
    return section


def _metric(section: Section, name: str, n: int) -> FloatArray:
    value = np.asarray(section.metric(name).value, dtype=np.float64)
    return np.broadcast_to(value, (n,)).copy()


def _roe_factor(package: Package, notes: list[str]) -> dict[str, float]:
    """Share of each probe class the package's rules of engagement let forces answer."""
    if package.roe is None:
        notes.append("rules of engagement: none given; forces may answer every probe")
        return {"air": 1.0, "sea": 1.0, "ground": 1.0}
    ruleset = roe.load_ruleset(package.roe)
    intercept = float(roe.Response.INTERCEPT)

    def level(kind: roe.ProbeClass) -> float:
        return min(1.0, float(roe.authorised_response(ruleset, kind)) / intercept)

    return {
        "air": level(roe.ProbeClass.AIRSPACE_VIOLATION_DRONE),
        "sea": level(roe.ProbeClass.ATTACK_ON_SHIPPING),
        "ground": level(roe.ProbeClass.LIMITED_GROUND_ATTACK),
    }


def _condition_chance(
    condition: Condition,
    worlds: Mapping[str, FloatArray],
    uncertainties: Uncertainties,
    n: int,
    consent: FloatArray | None,
) -> FloatArray | None:
    if condition.russia_consents is not None:
        chance = (
            consent
            if consent is not None
            else _world(worlds, uncertainties, "russia_consent_probability", n)
        )
        return chance if condition.russia_consents else 1.0 - chance
    if condition.ceasefire_agreed is not None:
        return np.full(n, 1.0 if condition.ceasefire_agreed else 0.0)
    if condition.parliament_approves is not None:
        return _world(worlds, uncertainties, "parliament_approval_probability", n)
    if condition.nato_unanimity is not None:
        chance = _world(worlds, uncertainties, "nato_unanimity_probability", n)
        return chance if condition.nato_unanimity else 1.0 - chance
    return None  # depends on other commitments: resolved below


def _resolve_conditions(
    package: Package,
    worlds: Mapping[str, FloatArray],
    uncertainties: Uncertainties,
    keys: NDArray[np.uint64],
    consent: FloatArray | None,
) -> NDArray[np.bool_]:
    n = keys.size
    commitments = package.commitments
    ids = [c.id for c in commitments]
    drawn = np.ones((n, len(commitments)), dtype=bool)
    for column, commitment in enumerate(commitments):
        for slot, condition in enumerate(commitment.conditions):
            chance = _condition_chance(condition, worlds, uncertainties, n, consent)
            if chance is None:
                continue
            # one draw per (commitment, condition) per world, keyed by the commitment's id
            stream = _CONDITION_STREAM + (zlib.crc32(f"{commitment.id}/{slot}".encode()) % 60)
            drawn[:, column] &= uniforms(keys, -1, stream) < chance
    active = drawn.copy()
    for _ in range(len(commitments) + 1):  # dependencies between commitments: fixed point
        backstop = np.zeros(n, dtype=np.int64)
        for column, commitment in enumerate(commitments):
            if isinstance(commitment, UsBackstop):
                rank = np.where(active[:, column], commitment.level.rank, 0)
                backstop = np.maximum(backstop, rank)
        updated = drawn.copy()
        for column, commitment in enumerate(commitments):
            for condition in commitment.conditions:
                if condition.commitment_active is not None:
                    updated[:, column] &= active[:, ids.index(condition.commitment_active)]
                if condition.us_backstop_at_least is not None:
                    updated[:, column] &= (
                        backstop >= BackstopLevel(condition.us_backstop_at_least).rank
                    )
        if np.array_equal(updated, active):
            break
        active = updated
    return active


def package_inputs(
    theatre: Theatre,
    package: Package,
    worlds: Mapping[str, FloatArray],
    *,
    calibration: Calibration,
    uncertainties: Uncertainties,
    keys: NDArray[np.uint64],
    months: int,
) -> PackageInputs:
    """The kernel inputs of ``package`` in ``worlds`` (one key per world)."""
    n = keys.size
    notes: list[str] = []
    cap = calibration.capacity
    cost = calibration.costs
    commitments = package.commitments
    m = len(commitments)
    force = np.zeros((n, m))
    coverage = np.zeros((n, m, 3))
    credibility = np.zeros((n, m))
    monthly_cost = np.zeros((n, m))
    is_us = np.array([c.actor == "USA" for c in commitments], dtype=bool)
    roe = _roe_factor(package, notes)
    monitoring = 0.0
    strength = _world(worlds, uncertainties, "ukraine_force_strength", n).copy()
    sanctions_share = 0.0
    automatic = False
    tripwire = calibration.credibility.tripwire_force.value
    per_year = 1.0 / 12.0 / 1000.0  # USD m per year -> USD bn per month

    for j, c in enumerate(commitments):
        if isinstance(c, AirPolicing):
            aircraft = sum(magnitude(p.count) for p in c.aircraft)
            coverage[:, j, 0] = (
                min(1.0, aircraft / cap.aircraft_for_full_air_cover.value) * roe["air"]
            )
            monthly_cost[:, j] = aircraft * cost.aircraft_usd_m_per_year.value * per_year
        elif isinstance(c, MaritimeSecurity):
            ships = sum(magnitude(s.count) for s in c.ships)
            coverage[:, j, 1] = min(1.0, ships / cap.ships_for_full_escort.value) * roe["sea"]
            monthly_cost[:, j] = ships * cost.ship_usd_m_per_year.value * per_year
        elif isinstance(c, ReassuranceForce):
            troops = magnitude(c.troops)
            weight = 1.0 if c.mission == "line_holding" else cap.reassurance_share_of_robust.value
            if c.location == "neighbouring_nato":
                weight = cap.neighbouring_share_of_robust.value
            else:
                credibility[:, j] = tripwire
            force[:, j] = min(1.0, troops / cap.troops_for_robust_force.value) * weight
            coverage[:, j, 2] = (
                force[:, j] * cap.ground_answer_per_robust_force.value * roe["ground"]
            )
            monthly_cost[:, j] = troops * cost.troop_usd_m_per_year.value * per_year
        elif isinstance(c, MonitoringMission):
            monitors = magnitude(c.monitors)
            monitoring += monitors / cap.monitors_for_full_line.value
            monthly_cost[:, j] = monitors * cost.monitor_usd_m_per_year.value * per_year
        elif isinstance(c, TrainingMission):
            instructors = magnitude(c.instructors)
            monthly_cost[:, j] = instructors * cost.troop_usd_m_per_year.value * per_year
        elif isinstance(c, ArmsSupply):
            monthly_cost[:, j] = magnitude(c.usd_bn_per_year) / 12.0
        elif isinstance(c, SanctionsSnapback):
            sanctions_share = max(
                sanctions_share, getattr(calibration.sanctions_share_lost, c.level.value).value
            )
            automatic |= c.automatic
        elif isinstance(c, UsBackstop):
            credibility[:, j] = calibration.backstop_credibility(c.level.value)
        elif isinstance(c, NatoMembership):
            credibility[:, j] = calibration.form_credibility(_NATO_FORM[c.track.value])
        elif isinstance(c, BilateralTreaty):
            credibility[:, j] = calibration.form_credibility(c.form.value)
        elif isinstance(c, ArmyCap):
            strength *= min(1.0, magnitude(c.troops) / cap.ukraine_reference_troops.value)

    _use_instruments(theatre, package, worlds, notes=notes, force=force, coverage=coverage, roe=roe)
    enforcement = (
        np.ones(n)
        if automatic
        else _world(worlds, uncertainties, "snapback_enforcement_probability", n)
    )
    threat = sanctions_share * enforcement
    section = _instrument("sanctions", theatre, package, worlds)
    cost_bn = _metric(section, "violation_cost_usd_bn_per_month", n)
    revenue = _metric(section, "revenue_usd_bn_per_month", n)
    threat = np.where(revenue > 0, cost_bn / np.maximum(revenue, 1e-9), 0.0)
    consent = _russia_consents(theatre, package, worlds, n)
    active = _resolve_conditions(package, worlds, uncertainties, keys, consent)

    ids = [c.id for c in commitments]
    triggers = tuple(
        TriggerRule(
            event=_EVENTS[t.when.value],
            action=_ACTIONS[t.then.value],
            count=t.count,
            within_months=t.within_months or 0,
            commitment=ids.index(t.commitment) if t.commitment else -1,
            factor=magnitude(t.factor, 1.0),
        )
        for t in package.triggers
    )
    kernel = KernelInputs(
        war_aims=_world(worlds, uncertainties, "russia_war_aims", n),
        risk_tolerance=_world(worlds, uncertainties, "russia_risk_tolerance", n),
        capacity_at_ceasefire=_world(worlds, uncertainties, "russia_capacity_at_ceasefire", n),
        rebuild_months=_world(worlds, uncertainties, "russia_rebuild_months", n),
        defender_strength=np.maximum(strength, 1e-3),
        static_log_hr=np.full(n, calibration.static_log_hr(monitoring=min(1.0, monitoring))),
        cohesion=_world(worlds, uncertainties, "coalition_cohesion", n),
        fatigue_per_year=_world(worlds, uncertainties, "coalition_fatigue_per_year", n),
        us_resolve=_world(worlds, uncertainties, "us_resolve", n),
        us_election_swing=_world(worlds, uncertainties, "us_election_swing", n),
        sanctions_threat=threat,
        active=active,
        force=force,
        coverage=coverage,
        credibility=credibility,
        cost_usd_bn_per_month=monthly_cost,
        is_us=is_us,
        election_months=election_months(START_YEAR, START_MONTH, US_ELECTION_YEARS, months),
        triggers=triggers,
    )
    return PackageInputs(kernel, notes, ids)


def _use_instruments(
    theatre: Theatre,
    package: Package,
    worlds: Mapping[str, FloatArray],
    *,
    notes: list[str],
    force: FloatArray,
    coverage: FloatArray,
    roe: dict[str, float],
) -> None:
    """Replace the derived coverage by the instrument models' results where they exist.

    A model gives one share for the whole package; it is spread over the commitments of its
    instrument in proportion to what each contributes in the derived estimate.
    """
    n = force.shape[0]

    def spread(column: int, total: FloatArray, kind: type, matrix: FloatArray) -> None:
        members = [j for j, c in enumerate(package.commitments) if isinstance(c, kind)]
        if not members:
            return
        derived = matrix[:, members, column] if matrix.ndim == 3 else matrix[:, members]
        weights = derived / np.maximum(derived.sum(axis=1, keepdims=True), 1e-12)
        weights = np.where(derived.sum(axis=1, keepdims=True) > 0, weights, 1.0 / len(members))
        values = weights * np.clip(total, 0.0, 1.0)[:, None]
        if matrix.ndim == 3:
            matrix[:, members, column] = values
        else:
            matrix[:, members] = values

    air = _instrument("air", theatre, package, worlds)
    drone = _metric(air, "population_protected_share_drone", n)
    cruise = _metric(air, "population_protected_share_cruise", n)
    spread(0, 0.5 * (drone + cruise) * roe["air"], AirPolicing, coverage)
    sea = _instrument("maritime", theatre, package, worlds)
    spread(1, _metric(sea, "escort_coverage_share", n) * roe["sea"], MaritimeSecurity, coverage)
    land = _instrument("land", theatre, package, worlds)
    share = _metric(land, "line_coverage_share", n)
    spread(0, share, ReassuranceForce, force)
    spread(2, share * roe["ground"], ReassuranceForce, coverage)


def _russia_consents(
    theatre: Theatre, package: Package, worlds: Mapping[str, FloatArray], n: int
) -> FloatArray | None:
    """P(Russia consents) per world from the bargaining model, when a condition needs it."""
    needs = any(c.russia_consents is not None for k in package.commitments for c in k.conditions)
    if not needs:
        return None
    own = {key: value for key, value in worlds.items() if key in bargaining.WORLD_PARAMETERS}
    section = bargaining.acceptability(theatre, package, own or None)
    return np.clip(_metric(section, "russia_consents", n), 0.0, 1.0)
