"""From a package's sections to the kernel's arrays: the instruments hand over, nothing else.

Each commitment becomes a column of the kernel's matrices: the share of a robust peacekeeping
force it supplies, the share of air, sea and ground probes it can answer, the prior credibility
its form carries, its running cost and when it lapses. Every one of those numbers comes from the
instrument that reads the commitment, through its ``handover(section, ...)``
(:mod:`guarantor.instruments.contract`), from the section the assessment already computed (or,
for a sweep's chunk of worlds, computed once here). This module never re-runs a model nor reads a
commitment's amounts. It adds what is the simulation's own: the rules of engagement's share of
each probe class, the conditions (resolved per world with each world's own draws, Russia's
consent from the acceptability section's per-world draw) and the triggers.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor import bargaining, roe
from guarantor.durability.calibration import Calibration
from guarantor.durability.kernel import Action, Event, KernelInputs, TriggerRule, election_months
from guarantor.durability.uncertainties import Uncertainties
from guarantor.instruments import registry
from guarantor.packages.schema import BackstopLevel, Condition, Package, UsBackstop, magnitude
from guarantor.randomness import uniforms
from guarantor.section import Section, n_worlds
from guarantor.theatre import Theatre
from guarantor.worlds import columns

FloatArray = NDArray[np.float64]
START_YEAR, START_MONTH = 2026, 1  # the simulated ceasefire starts in January 2026
US_ELECTION_YEARS = (2028, 2032)
_EVENTS = {
    "probe": Event.PROBE,
    "ceasefire_violation": Event.CEASEFIRE_VIOLATION,
    "attack_on_shipping": Event.ATTACK_ON_SHIPPING,
    "limited_attack": Event.LIMITED_ATTACK,
    "offensive": Event.OFFENSIVE,
    "us_backstop_lapses": Event.US_BACKSTOP_LAPSES,
    "intelligence_suspended": Event.INTELLIGENCE_SUSPENDED,
}
_ACTIONS = {
    "snap_back_sanctions": Action.SNAP_BACK_SANCTIONS,
    "reinforce": Action.REINFORCE,
    "lapse": Action.LAPSE,
    "activate": Action.ACTIVATE,
}
_CONDITION_STREAM = 1  # month -1 draws: stream 1 + condition slot
_SUSPENSION_STREAM = 61  # month -1 draw of the month a provider's feed is suspended
_MULTIPLIED = frozenset({"defender_strength_factor"})
"""Hand-over world columns that several instruments may set: their factors multiply."""


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


def instrument_sections(
    theatre: Theatre, package: Package, worlds: Mapping[str, FloatArray]
) -> dict[str, Section]:
    """Every instrument's section over ``worlds``, each model run once on the columns it reads."""
    sections: dict[str, Section] = {}
    for instrument in registry.in_run_order():
        own = columns(worlds, list(instrument.world_parameters)) or None
        section = registry.assess_one(instrument, theatre, package, own, sections=sections)
        sections[instrument.name] = section.over(n_worlds(worlds))
    return sections


def _per_world(values: FloatArray, n: int) -> FloatArray:
    """A hand-over column as one value per world (a model run on one world broadcasts)."""
    array = np.asarray(values, dtype=np.float64)
    return np.broadcast_to(array, (n, *array.shape[1:])).copy()


def _roe_factor(package: Package, notes: list[str]) -> roe.ProbeAnswers:
    """The graded answer each probe class gets under the package's ROE for its domain.

    Its ``credibility`` (a share of a full answer) multiplies what each commitment can answer;
    its ``clash`` factors scale the chance that an answer becomes a clash. A domain with no
    rules of engagement has no authority: its probes are not answered.
    """
    answers = roe.probe_answers(roe.rulesets_by_domain(package.roe))
    for kind in answers.answers:
        ruleset = answers.rulesets[kind] or "none: no authority to answer"
        notes.append(
            f"rules of engagement, {kind} probes: {ruleset}; answer {answers.answers[kind].label}"
        )
    return answers


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
    sections: Mapping[str, Section] | None = None,
) -> PackageInputs:
    """The kernel inputs of ``package`` in ``worlds`` (one key per world).

    ``sections`` are the instruments' sections over these worlds (and, when the package has a
    condition on Russia's consent, the ``acceptability`` section); those missing are computed
    here, once each.
    """
    n = keys.size
    notes: list[str] = list(registry.unread(package))
    computed = dict(sections or {})
    for instrument in registry.in_run_order():
        if instrument.name not in computed:
            own = columns(worlds, list(instrument.world_parameters))
            section = registry.assess_one(
                instrument, theatre, package, own or None, sections=computed
            )
            computed[instrument.name] = section.over(n)
    commitments = package.commitments
    ids = [c.id for c in commitments]
    m = len(commitments)
    force = np.zeros((n, m))
    coverage = np.zeros((n, m, 3))
    credibility = np.zeros((n, m))
    monthly_cost = np.zeros((n, m))
    expires = [float("inf")] * m
    answers = _roe_factor(package, notes)
    roe_share = answers.credibility
    roe_columns = np.array([roe_share["air"], roe_share["sea"], roe_share["ground"]])
    world: dict[str, FloatArray] = {}
    for instrument in registry.instruments():
        handover = instrument.handover(computed[instrument.name], package, calibration)
        notes.extend(handover.notes)
        for commitment_id, column in handover.commitments.items():
            j = ids.index(commitment_id)
            coverage[:, j, :] = _per_world(column.answer, n) * roe_columns
            force[:, j] = _per_world(column.force, n)
            credibility[:, j] = _per_world(column.credibility, n)
            monthly_cost[:, j] = _per_world(column.cost_usd_bn_per_month, n)
            expires[j] = column.expires_month
        for name, values in handover.world.items():
            per_world = _per_world(values, n)
            if name in _MULTIPLIED and name in world:  # factors from several instruments
                per_world = world[name] * per_world
            world[name] = per_world

    strength = _world(worlds, uncertainties, "ukraine_force_strength", n) * world.get(
        "defender_strength_factor", np.ones(n)
    )
    monitoring = np.clip(world.get("monitoring_share", np.zeros(n)), 0.0, 1.0)
    unmonitored = calibration.static_log_hr(monitoring=0.0)
    static = unmonitored + monitoring * (calibration.static_log_hr(monitoring=1.0) - unmonitored)
    consent = _russia_consents(theatre, package, worlds, keys, computed.get("acceptability"))
    active = _resolve_conditions(package, worlds, uncertainties, keys, consent)

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
        static_log_hr=static,
        cohesion=_world(worlds, uncertainties, "coalition_cohesion", n),
        fatigue_per_year=_world(worlds, uncertainties, "coalition_fatigue_per_year", n),
        us_resolve=_world(worlds, uncertainties, "us_resolve", n),
        us_election_swing=_world(worlds, uncertainties, "us_election_swing", n),
        sanctions_threat=world.get("sanctions_threat", np.zeros(n)),
        active=active,
        force=force,
        coverage=coverage,
        credibility=credibility,
        cost_usd_bn_per_month=monthly_cost,
        is_us=np.array([c.actor == "USA" for c in commitments], dtype=bool),
        election_months=election_months(START_YEAR, START_MONTH, US_ELECTION_YEARS, months),
        triggers=triggers,
        expires_month=tuple(expires),
        clash_factor=(answers.clash["air"], answers.clash["sea"], answers.clash["ground"]),
        **_attribution(world, keys, months),  # type: ignore[arg-type]
    )
    return PackageInputs(kernel, notes, ids)


def _attribution(
    world: Mapping[str, FloatArray], keys: NDArray[np.uint64], months: int
) -> dict[str, FloatArray | NDArray[np.int64] | None]:
    """Attribution per world and the months a provider's feed is suspended, for the kernel.

    The first suspension of each world comes at an exponential time with the handed-over
    yearly rate (one draw per world, keyed like every other); it lasts a whole number of
    months, during which attribution falls to its suspended value weighted by the share of
    those months the pause lasts (a six-day pause: a fifth of a month). With no attribution
    column handed over every probe counts as attributed.
    """
    attribution = world.get("attribution")
    if attribution is None:
        return {}
    n = keys.size
    suspended = world.get("attribution_suspended", attribution)
    rate = world.get("suspension_per_year", np.zeros(n))
    length = np.maximum(world.get("suspension_months", np.zeros(n)), 0.0)
    whole = np.maximum(1.0, np.ceil(length))
    draw = uniforms(keys, -1, _SUSPENSION_STREAM)
    with np.errstate(divide="ignore"):
        first = np.floor(-np.log1p(-draw) * 12.0 / rate)
    starts = np.isfinite(first) & (first < months) & (length > 0)
    start = np.where(starts, first, -1).astype(np.int64)
    until = np.where(starts, first + whole, -1).astype(np.int64)
    during = attribution - (attribution - suspended) * np.minimum(1.0, length / whole)
    return {
        "attribution": np.clip(attribution, 0.0, 1.0),
        "attribution_suspended": np.clip(during, 0.0, 1.0),
        "suspended_from": start,
        "suspended_until": until,
    }


def _russia_consents(
    theatre: Theatre,
    package: Package,
    worlds: Mapping[str, FloatArray],
    keys: NDArray[np.uint64],
    section: Section | None,
) -> FloatArray | None:
    """Russia's consent per world from the acceptability section, when a condition needs it.

    The assessment hands over its acceptability section (the per-world draw); a simulation run
    alone computes it once here over the same worlds, each world's codings drawn from its key.
    """
    n = keys.size
    needs = any(c.russia_consents is not None for k in package.commitments for c in k.conditions)
    if not needs:
        return None
    if section is None:
        own = columns(worlds, list(bargaining.WORLD_PARAMETERS))
        section = bargaining.acceptability(theatre, package, own or None, keys=keys)
    return np.clip(_per_world(section.metric("russia_consents").value, n), 0.0, 1.0)
