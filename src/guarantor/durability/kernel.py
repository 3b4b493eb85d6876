"""The post-ceasefire simulation: every world advanced month by month as arrays.

Each month, in every world, Russia chooses between complying, a grey-zone probe (airspace, sea,
sabotage), a limited attack and a renewed offensive, by random utility (multinomial logit): the
gains it still sees against the costs the package makes it expect. A renewed offensive ends the
peace. The costs are

* the response the guarantors' forces and rules of engagement can deliver (``coverage``), times
  the guarantors' resolve, times Russia's *belief* that they will use it (``credibility``);
* the sanctions that would snap back (until they have);
* a robust peacekeeping force and a credible guarantee, which enter the utility of an offensive
  as log hazard ratios from the literature (a logit utility term ``ln HR`` multiplies the odds of
  the offensive by ``HR``), and the static mechanisms of the settlement (``static_log_hr``).

Credibility is a Beta belief: a prior set by the form of the guarantees that are in force
(political assurance ... NATO membership, and the US backstop scaled by US resolve), updated by
every probe or attack Russia sees answered or not. Resolve erodes with coalition fatigue; US
resolve jumps at US elections. The package's triggers fire inside the loop (snap sanctions back,
reinforce, lapse or activate a commitment after k events within w months).

The survival curve is estimated twice: by the sampled breakdowns, and by the product of each
world's monthly probability of *not* choosing an offensive along its path (a Rao-Blackwell
estimator with far less noise, used by the calibration). No I/O; the only randomness is
:func:`guarantor.randomness.uniforms`, so a world's history depends on its key alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from guarantor.randomness import uniform_pair

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

PROBE_CLASSES = ("air", "sea", "ground")
"""Classes of probe; each commitment can answer some of them (its ``coverage`` column)."""
_GROUND = 2


class Event(IntEnum):
    """What a trigger watches for."""

    PROBE = 0
    CEASEFIRE_VIOLATION = 1
    ATTACK_ON_SHIPPING = 2
    LIMITED_ATTACK = 3
    OFFENSIVE = 4
    US_BACKSTOP_LAPSES = 5


class Action(IntEnum):
    """What a trigger does."""

    SNAP_BACK_SANCTIONS = 0
    REINFORCE = 1
    LAPSE = 2
    ACTIVATE = 3


@dataclass(frozen=True)
class TriggerRule:
    """A trigger in kernel terms: after ``count`` events within ``within_months``, act once."""

    event: Event
    action: Action
    count: int = 1
    within_months: int = 0  # 0: no window
    commitment: int = -1  # column of the commitment acted on
    factor: float = 1.0


@dataclass(frozen=True)
class Behaviour:
    """Scalar parameters of Russia's choice and of escalation (see docs/durability.md)."""

    baseline_log_odds: float  # fitted: log odds of an offensive in month 1 with nothing in place
    weibull_shape: float  # fitted: hazard falls (<1) or rises (>1) with time at peace
    probe_log_odds: float
    limited_log_odds: float
    response_weight: float  # utility lost to a fully credible, fully delivered response
    risk_weight: float
    sanctions_weight: float  # utility lost per unit of revenue share that would snap back
    log_hr_peacekeeping: float
    log_hr_guarantee: float
    prior_strength: float  # pseudo-observations behind the prior credibility
    clash_after_answered_probe: float
    clash_after_answered_attack: float
    us_lapse_resolve: float  # US commitments lapse once US resolve falls below this
    probe_class_shares: tuple[float, float, float] = (1 / 3, 1 / 3, 1 / 3)


@dataclass(frozen=True)
class KernelInputs:
    """Per-world arrays (length n) and per-commitment matrices (n × m) the kernel reads."""

    war_aims: FloatArray
    risk_tolerance: FloatArray
    capacity_at_ceasefire: FloatArray
    rebuild_months: FloatArray
    defender_strength: FloatArray
    static_log_hr: FloatArray  # settlement mechanisms that do not change (DMZ, monitors...)
    cohesion: FloatArray
    fatigue_per_year: FloatArray
    us_resolve: FloatArray
    us_election_swing: FloatArray
    sanctions_threat: FloatArray  # revenue share lost if sanctions snap back × enforcement
    active: BoolArray  # (n, m) commitment in force at the start (conditions resolved)
    force: FloatArray  # (n, m) share of a robust peacekeeping force each commitment supplies
    coverage: FloatArray  # (n, m, 3) share of probes of each class each commitment can answer
    credibility: FloatArray  # (n, m) prior credibility each commitment's form carries
    cost_usd_bn_per_month: FloatArray  # (n, m)
    is_us: BoolArray  # (m,) the commitment is the United States'
    election_months: tuple[int, ...] = ()
    triggers: tuple[TriggerRule, ...] = ()

    @property
    def n_worlds(self) -> int:
        """Number of worlds."""
        return int(self.war_aims.size)


@dataclass
class KernelOutput:
    """Per-world outcomes and the survival curves over months."""

    breakdown_month: FloatArray
    probes: FloatArray
    probes_answered: FloatArray
    limited_attacks: FloatArray
    clashes: FloatArray
    cost_usd_bn: FloatArray
    credibility_end: FloatArray
    snapped_back: FloatArray
    triggers_fired: FloatArray
    survival: FloatArray  # (months + 1,) share of worlds at peace, sampled
    expected_survival: FloatArray  # (months + 1,) mean over worlds of P(no offensive so far)
    world_expected_survival: FloatArray = field(default_factory=lambda: np.zeros(0))
    # with ``trace=True``: per world and month, the offensive's log odds less the fitted terms
    # (baseline and time shape) and the log of the other actions' odds; enough to recompute the
    # smooth survival for any baseline and shape without re-running (used by the fit)
    trace_offensive: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    trace_log_rest: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))


@dataclass
class _Structure:
    """What depends only on which commitments are in force and on US resolve."""

    prior: FloatArray
    force: FloatArray
    answer: FloatArray  # (n, 3) share of probes answerable, before resolve
    cost: FloatArray


def _structure(
    inputs: KernelInputs,
    active: BoolArray,
    scale: FloatArray,
    us: FloatArray,
    rows: NDArray[np.intp] | slice = slice(None),
) -> _Structure:
    """The structure of the worlds in ``rows`` (all by default)."""
    active, scale, us = active[rows], scale[rows], us[rows]
    us_factor = np.where(inputs.is_us[None, :], us[:, None], 1.0)
    in_force = active * scale
    # independent guarantors: the guarantee fails only if every one of them fails
    credible = np.clip(inputs.credibility[rows] * us_factor * active, 0.0, 1.0)
    prior = 1.0 - np.prod(1.0 - credible, axis=1)
    force = np.minimum(1.0, np.sum(inputs.force[rows] * in_force, axis=1))
    answer = np.minimum(1.0, np.einsum("nmk,nm->nk", inputs.coverage[rows], in_force * us_factor))
    cost = np.sum(inputs.cost_usd_bn_per_month[rows] * in_force, axis=1)
    return _Structure(prior, force, answer, cost)


def _refresh(
    structure: _Structure,
    inputs: KernelInputs,
    *,
    active: BoolArray,
    scale: FloatArray,
    us: FloatArray,
    changed: BoolArray,
) -> None:
    # only the worlds whose commitments changed this month are recomputed (inlined for speed:
    # a trigger fires in a few worlds at a time, for months on end)
    rows = np.flatnonzero(changed)
    part = _structure(inputs, active, scale, us, rows)
    structure.prior[rows] = part.prior
    structure.force[rows] = part.force
    structure.answer[rows] = part.answer
    structure.cost[rows] = part.cost


def simulate(
    inputs: KernelInputs,
    behaviour: Behaviour,
    keys: NDArray[np.uint64],
    months: int = 120,
    *,
    on_month: Callable[[int], None] | None = None,
    trace: bool = False,
) -> KernelOutput:
    """Run every world for ``months`` months; see the module docstring for the model."""
    if months < 1:
        raise ValueError(f'"months" must be ≥ 1, got {months}')
    n, m = inputs.active.shape
    b = behaviour
    active = inputs.active.copy()
    scale = np.ones((n, m))
    us = inputs.us_resolve.copy()
    us_lapsed = np.zeros(n, dtype=bool)
    snapped = np.zeros(n, dtype=bool)
    alive = np.ones(n, dtype=bool)
    breakdown = np.full(n, np.nan)
    answered_total = np.zeros(n)  # Beta-belief evidence: probes and attacks answered ...
    ignored_total = np.zeros(n)  # ... and left unanswered
    probes, answered_probes, limited, clashes, cost = (np.zeros(n) for _ in range(5))
    path_survival = np.ones(n)
    survival = np.ones(months + 1)
    expected = np.ones(months + 1)
    fired = np.zeros((n, len(inputs.triggers)), dtype=bool)
    counts = np.zeros((n, len(inputs.triggers)), dtype=np.int64)
    history = [np.full((n, rule.count), -(10**9)) for rule in inputs.triggers]
    weights = np.asarray(b.probe_class_shares) / np.sum(b.probe_class_shares)
    first_cut, second_cut = np.cumsum(weights)[:2]
    aims_over_strength = np.log(inputs.war_aims / inputs.defender_strength)
    risk = b.risk_weight * (inputs.risk_tolerance - 0.5)
    elections = set(inputs.election_months)
    structure = _structure(inputs, active, scale, us)
    rows = np.arange(n)
    trace_offensive = np.zeros((n, months if trace else 0))
    trace_log_rest = np.zeros((n, months if trace else 0))

    for month in range(months):
        if month in elections:
            swing, _ = uniform_pair(keys, month, 0)
            us = np.clip(us + inputs.us_election_swing * (2.0 * swing - 1.0), 0.0, 1.0)
            structure = _structure(inputs, active, scale, us)
        newly_lapsed = (us < b.us_lapse_resolve) & ~us_lapsed
        us_lapsed |= newly_lapsed

        # Russia's expected utilities, relative to complying (0)
        rebuilt = np.minimum(1.0, (month + 1) / inputs.rebuild_months)
        capacity = inputs.capacity_at_ceasefire + (1.0 - inputs.capacity_at_ceasefire) * rebuilt
        threat = aims_over_strength + np.log(capacity)
        resolve = inputs.cohesion * np.exp(-inputs.fatigue_per_year * month / 12.0)
        credibility = (b.prior_strength * structure.prior + answered_total) / (
            b.prior_strength + answered_total + ignored_total
        )
        answerable = structure.answer @ weights  # before resolve, averaged over probe classes
        deterrence = b.response_weight * credibility * resolve * answerable
        sanctions = b.sanctions_weight * inputs.sanctions_threat * ~snapped
        odds_probe = np.exp(b.probe_log_odds + risk - deterrence)
        odds_limited = np.exp(b.limited_log_odds + threat + risk - deterrence - sanctions)
        unfitted = (
            threat
            + inputs.static_log_hr
            + b.log_hr_peacekeeping * structure.force
            + b.log_hr_guarantee * credibility
            - sanctions
        )
        odds_offensive = np.exp(
            b.baseline_log_odds + (b.weibull_shape - 1.0) * np.log(month + 1.0) + unfitted
        )
        rest = 1.0 + odds_probe + odds_limited
        if trace:
            trace_offensive[:, month] = unfitted
            trace_log_rest[:, month] = np.log(rest)
        p_offensive = odds_offensive / (rest + odds_offensive)

        # one draw decides an offensive; rescaled, the same draw picks among the other actions
        # (logit's independence of irrelevant alternatives), so each world's path "had the
        # peace held" is the same whatever the offensive's odds: the basis of the smooth estimate
        choice, kind = uniform_pair(keys, month, 1)
        offensive = choice < p_offensive
        choice = np.where(
            offensive, choice / p_offensive, (choice - p_offensive) / (1.0 - p_offensive)
        )
        pick = choice * rest
        probe = (pick >= 1.0) & (pick < 1.0 + odds_probe)
        attack = pick >= 1.0 + odds_probe
        air, sea = kind < first_cut, (kind >= first_cut) & (kind < second_cut)

        reply, escalate = uniform_pair(keys, month, 2)
        columns = structure.answer
        can_answer = resolve * np.where(
            air & ~attack,
            columns[:, 0],
            np.where(sea & ~attack, columns[:, 1], columns[:, _GROUND]),
        )
        answered = (probe | attack) & (reply < can_answer)
        ignored = (probe | attack) & ~answered
        clash_chance = np.where(attack, b.clash_after_answered_attack, b.clash_after_answered_probe)
        clash = answered & (escalate < clash_chance)
        answered_total += answered
        ignored_total += ignored

        broke = alive & offensive
        breakdown[broke] = month + 1
        at_peace = alive & ~offensive
        probes += probe & at_peace
        answered_probes += probe & answered & at_peace
        limited += attack & at_peace
        clashes += clash & at_peace
        cost += structure.cost * alive
        alive = at_peace
        path_survival *= 1.0 - p_offensive
        survival[month + 1] = alive.mean()
        expected[month + 1] = path_survival.mean()

        # the package's triggers, on this month's events along each world's path
        events = (
            probe,
            probe | attack,
            probe & sea,
            attack,
            offensive,
            newly_lapsed,
        )
        changed = np.zeros(n, dtype=bool)
        for index, rule in enumerate(inputs.triggers):
            happened = events[rule.event] & ~fired[:, index]
            if not happened.any():
                continue
            if rule.count == 1:
                fire = happened
            else:
                slot = counts[:, index] % rule.count
                history[index][happened, slot[happened]] = month
                counts[:, index] += happened
                oldest = history[index][rows, counts[:, index] % rule.count]
                window = rule.within_months if rule.within_months > 0 else 10**9
                fire = happened & (counts[:, index] >= rule.count) & (month - oldest < window)
                if not fire.any():
                    continue
            fired[:, index] |= fire
            if rule.action is Action.SNAP_BACK_SANCTIONS:
                snapped |= fire
                continue
            column = rule.commitment
            if rule.action is Action.REINFORCE:
                scale[fire, column] *= rule.factor
            elif rule.action is Action.LAPSE:
                active[fire, column] = False
            else:
                active[fire, column] = True
            changed |= fire
        if newly_lapsed.any():
            us_commitments = np.flatnonzero(inputs.is_us)
            active[np.ix_(newly_lapsed, us_commitments)] = False
            changed |= newly_lapsed
        if changed.any():
            _refresh(structure, inputs, active=active, scale=scale, us=us, changed=changed)
        if on_month is not None:
            on_month(month)

    return KernelOutput(
        breakdown_month=breakdown,
        probes=probes,
        probes_answered=answered_probes,
        limited_attacks=limited,
        clashes=clashes,
        cost_usd_bn=cost,
        credibility_end=(b.prior_strength * structure.prior + answered_total)
        / (b.prior_strength + answered_total + ignored_total),
        snapped_back=snapped.astype(np.float64),
        triggers_fired=fired.sum(axis=1).astype(np.float64),
        survival=survival,
        expected_survival=expected,
        world_expected_survival=path_survival,
        trace_offensive=trace_offensive,
        trace_log_rest=trace_log_rest,
    )


def election_months(
    start_year: int, start_month: int, years: Sequence[int], months: int
) -> tuple[int, ...]:
    """Simulation months (0-based) of November US elections in ``years``, within the horizon."""
    found = []
    for year in years:
        offset = (year - start_year) * 12 + (11 - start_month)
        if 0 <= offset < months:
            found.append(offset)
    return tuple(found)
