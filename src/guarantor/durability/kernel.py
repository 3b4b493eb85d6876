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

Two uniform draws a month decide a world's month: the first places it on the cumulative odds of
its choices (which also gives a probe's class), the second decides whether the probe or attack is
answered and, nested in the same draw, whether the answer becomes a clash. An offensive ends the
peace but not the world's path: its part of the first draw, rescaled, picks the month's other
choice, so each world's path "had the peace held" is the same whatever the offensive's odds.

The survival curve is estimated twice: by the sampled breakdowns, and by the product of each
world's monthly probability of *not* choosing an offensive along its path (a Rao-Blackwell
estimator with far less noise, used by the calibration). No I/O; the only randomness is
:func:`guarantor.randomness.uniform_pair32` (and :func:`~guarantor.randomness.uniform_pair` for
the election swings), so a world's history depends on its key alone, however worlds are chunked.

One file on purpose (about 850 lines), like SimPy's core: the whole month loop reads in one sitting.

Speed: a month is two compiled passes over the worlds (:func:`_exponents_py`, :func:`_month_py`,
compiled by numba) around numpy's two exponentials, in float32 on tables allocated once; what
changes only when commitments change is kept in :class:`_InForce` and recomputed, by a third
compiled pass over each world's commitments (:func:`_commitments_py`), for the worlds concerned.
The passes do the numpy loop's float32 operations in its order, so the numbers are
the same to the bit (``tests/reference_kernel.py``); docs/durability.md counts their bytes and
operations against the machine's bandwidth.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar, cast

import llvmlite.binding as llvm
import numba
import numpy as np
from numpy.typing import NDArray

from guarantor.randomness import STREAMS_PER_MONTH, uniform_pair

FloatArray = NDArray[np.float64]
Float32Array = NDArray[np.float32]
BoolArray = NDArray[np.bool_]
_Pass = TypeVar("_Pass", bound=Callable[..., Any])

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
    INTELLIGENCE_SUSPENDED = 6


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
    # fitted: log hazard ratio of an offensive in the truce's first `early_months` months (a
    # truce that is only a pause: the loser regroups, or a side tests the line, within months)
    early_log_hr: float = 0.0
    early_months: int = 0

    def time_term(self, months: int) -> FloatArray:
        """The fitted terms of the offensive's log odds in months 1 .. ``months``.

        β0 + (γ − 1) ln t + ln HR_early · [t ≤ early months]: the baseline, the Weibull shape of
        the hazard over time and the early-fragility step.
        """
        t = np.arange(1, months + 1, dtype=np.float64)
        early = self.early_log_hr * (t <= self.early_months)
        return self.baseline_log_odds + (self.weibull_shape - 1.0) * np.log(t) + early


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
    expires_month: tuple[float, ...] = ()  # (m,) month each commitment lapses by its terms
    # per probe class (air, sea, ground): the factor the graded answer the rules of engagement
    # authorise puts on the clash chance (guarantor.roe.probe_answers); 1: the calibrated chance
    clash_factor: tuple[float, float, float] = (1.0, 1.0, 1.0)
    # attribution: the chance a probe is attributed in time (only then can it be answered) per
    # world, and while a provider's feed is suspended, months [suspended_from, suspended_until)
    # (-1: never); None: every probe is attributed (the historical cases)
    attribution: FloatArray | None = None
    attribution_suspended: FloatArray | None = None
    suspended_from: NDArray[np.int64] | None = None
    suspended_until: NDArray[np.int64] | None = None

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
    # (baseline, time shape and early fragility) and the log of the other actions' odds; enough
    # to recompute the smooth survival for any value of those without re-running (used by the fit)
    trace_offensive: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    trace_log_rest: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))


@dataclass
class _InForce:
    """What the commitments in force mean for each world: the float32 factors the months read.

    Recomputed only when it changes: for every world at the start and after a US election, and
    for the few worlds whose commitments a trigger or a lapse changed (a trigger fires in a few
    worlds at a time, for months on end).
    """

    prior_mass: Float32Array  # prior_strength × prior credibility: the Beta's pseudo-successes
    deterrence: Float32Array  # -response_weight × share of probes answerable, before resolve
    ground: Float32Array  # share of ground probes and limited attacks answerable, before resolve
    sea_gain: Float32Array  # share of sea probes answerable, less the ground share
    air_gain: Float32Array  # share of air probes answerable, less the sea share
    limited: Float32Array  # a limited attack's odds, but for deterrence and capacity
    offensive: Float32Array  # an offensive's odds, but for credibility, capacity and time
    cost: Float32Array  # USD bn a month
    table: Float32Array  # (8, n): the eight above are its rows, in this order

    @classmethod
    def empty(cls, n: int) -> _InForce:
        """Arrays for ``n`` worlds, to be filled by :func:`_derive`: rows of one table."""
        table = np.empty((8, n), np.float32)
        prior_mass, deterrence, ground, sea_gain, air_gain, limited, offensive, cost = table
        return cls(
            prior_mass, deterrence, ground, sea_gain, air_gain, limited, offensive, cost, table
        )


@dataclass(frozen=True)
class _PerWorld:
    """The inputs the derivation reads, as contiguous float64 ``(n, m[, 3])`` arrays.

    A world's commitments lie next to each other, so the compiled derivation reads each world's
    handful of commitments in one place (no transposed copies).
    """

    credibility: FloatArray
    force: FloatArray
    coverage: FloatArray  # (n, m, 3)
    cost: FloatArray
    is_us: BoolArray  # (m,)
    # per world: sanctions threat, risk tolerance, war aims, Ukraine's strength, static log HR
    world: FloatArray  # (5, n)

    @classmethod
    def of(cls, inputs: KernelInputs) -> _PerWorld:
        """The inputs' arrays, copied only where they are not already float64 and contiguous."""

        def contiguous(array: FloatArray) -> FloatArray:
            return np.ascontiguousarray(array, dtype=np.float64)

        return cls(
            contiguous(inputs.credibility),
            contiguous(inputs.force),
            contiguous(inputs.coverage),
            contiguous(inputs.cost_usd_bn_per_month),
            np.ascontiguousarray(inputs.is_us, dtype=bool),
            np.array(
                [
                    inputs.sanctions_threat,
                    inputs.risk_tolerance,
                    inputs.war_aims,
                    inputs.defender_strength,
                    inputs.static_log_hr,
                ],
                dtype=np.float64,
            ),
        )


def _derive(
    into: _InForce,
    rows: NDArray[np.intp] | slice,
    per_world: _PerWorld,
    b: Behaviour,
    *,
    active: BoolArray,
    scale: FloatArray,
    us: FloatArray,
    snapped: BoolArray,
    attribution: FloatArray | None,
    scratch: FloatArray,
    parameters: FloatArray,
    shares: FloatArray,
) -> None:
    """Recompute ``into`` for the worlds in ``rows`` (in float64, stored as float32).

    ``active`` and ``scale`` are ``(n, m)``: which commitments are in force and at what strength.
    A probe that is not attributed cannot be answered: ``attribution`` scales what is answerable.
    The sums and products over commitments run compiled (:func:`_commitments_py`); the
    exponentials and the probe-class weighting stay numpy's, like the month's. ``scratch`` holds
    at least 7 float64 numbers a world; ``parameters`` and ``shares`` are
    :func:`_derivation_scalars`, made once a run.
    """
    picked = np.arange(into.cost.size) if isinstance(rows, slice) else rows
    r = picked.size
    # views of one buffer the run allocates once: fresh arrays of this size would be mapped
    # and faulted in anew at every call, which costs as much as the derivation itself
    answer = scratch[: 3 * r].reshape(3, r)
    exponents = scratch[3 * r : 5 * r].reshape(2, r)
    aims, product = scratch[5 * r : 6 * r], scratch[6 * r : 7 * r]
    _commitments(
        picked,
        per_world.credibility,
        per_world.force,
        per_world.coverage,
        per_world.cost,
        per_world.is_us,
        per_world.world,
        active,
        scale,
        us,
        snapped,
        us if attribution is None else attribution,
        parameters,
        into.table,
        answer,
        exponents,
        aims,
    )
    np.matmul(shares, answer, out=product)
    np.multiply(-b.response_weight, product, out=product)
    into.deterrence[rows] = product
    np.exp(exponents, out=exponents)
    np.multiply(aims, exponents[0], out=product)
    into.limited[rows] = product
    np.multiply(aims, exponents[1], out=product)
    into.offensive[rows] = product


def _derivation_scalars(b: Behaviour, *, attributed: bool) -> tuple[FloatArray, FloatArray]:
    """The scalars the compiled derivation reads, and each probe class's share of probes."""
    parameters = np.array(
        [
            b.prior_strength,
            b.sanctions_weight,
            b.risk_weight,
            b.limited_log_odds,
            b.log_hr_peacekeeping,
            attributed,
        ]
    )
    return parameters, np.asarray(b.probe_class_shares) / np.sum(b.probe_class_shares)


def _commitments_py(  # noqa: PLR0917 (a compiled pass takes its arrays by position)
    rows: NDArray[np.intp],
    credibility: FloatArray,
    force: FloatArray,
    coverage: FloatArray,
    cost: FloatArray,
    is_us: BoolArray,
    world: FloatArray,
    active: BoolArray,
    scale: FloatArray,
    us: FloatArray,
    snapped: BoolArray,
    attribution: FloatArray,
    parameters: FloatArray,
    table: Float32Array,
    answer: FloatArray,
    exponents: FloatArray,
    aims: FloatArray,
) -> None:
    """What the commitments in force mean for each world in ``rows``, in float64.

    Writes the prior mass, the answer shares by class, and the cost into ``table`` (as float32),
    and leaves for numpy the answer shares (``answer``, for the probe-class weighting), the
    exponents of a limited attack's and an offensive's odds, and the war aims over Ukraine's
    strength. The operations are the numpy derivation's, in its order: sums over commitments in
    column order from zero, the product from the first column.
    """
    prior_strength, sanctions_weight, risk_weight = parameters[0], parameters[1], parameters[2]
    limited_log_odds, log_hr_peacekeeping = parameters[3], parameters[4]
    attributed = parameters[5] != 0.0
    for slot in range(rows.size):
        i = rows[slot]
        not_failing = 1.0
        force_sum = 0.0
        cost_sum = 0.0
        air = sea = ground = 0.0
        for j in range(credibility.shape[1]):
            us_factor = us[i] if is_us[j] else 1.0
            in_force = (1.0 if active[i, j] else 0.0) * scale[i, j]
            # independent guarantors: the guarantee fails only if every one of them fails
            credible = credibility[i, j] * us_factor * (1.0 if active[i, j] else 0.0)
            credible = _clip_unit(credible)
            not_failing = 1.0 - credible if j == 0 else not_failing * (1.0 - credible)
            force_sum += force[i, j] * in_force
            cost_sum += cost[i, j] * in_force
            answering = in_force * us_factor
            air += coverage[i, j, 0] * answering
            sea += coverage[i, j, 1] * answering
            ground += coverage[i, j, 2] * answering
        air, sea, ground = _at_most_one(air), _at_most_one(sea), _at_most_one(ground)
        if attributed:
            air, sea, ground = air * attribution[i], sea * attribution[i], ground * attribution[i]
        answer[0, slot], answer[1, slot], answer[2, slot] = air, sea, ground
        table[_PRIOR_MASS, i] = prior_strength * (1.0 - not_failing)
        table[_GROUND, i] = ground
        table[_SEA_GAIN, i] = sea - ground
        table[_AIR_GAIN, i] = air - sea
        table[_COST_ROW, i] = cost_sum
        # a sanction that has snapped back no longer deters
        sanctions = sanctions_weight * world[0, i] * (0.0 if snapped[i] else 1.0)
        risk = risk_weight * (world[1, i] - 0.5)
        # exp of the threat Russia poses at full capacity: log(war aims / Ukraine's strength)
        aims[slot] = world[2, i] / world[3, i]
        exponents[0, slot] = limited_log_odds + risk - sanctions
        # risk appetite raises every escalation, the offensive included: raising only the
        # probes' odds would, through the choice's normalisation, make a bolder Kremlin *less*
        # likely to attack
        peacekeeping = log_hr_peacekeeping * _at_most_one(force_sum)
        exponents[1, slot] = world[4, i] + peacekeeping - sanctions + risk


def _at_most_one_py(value: float) -> float:
    """As numpy's ``minimum(value, 1.0)``: a NaN stays NaN."""
    return 1.0 if value > 1.0 else value


def _clip_unit_py(value: float) -> float:
    """As numpy's ``clip(value, 0.0, 1.0)``: a NaN stays NaN and -0.0 becomes 0.0."""
    if value != value:  # noqa: PLR0124 (the NaN test, as numpy's)
        return value
    value = value if value > 0.0 else 0.0
    return value if value < 1.0 else 1.0


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
    f32 = np.float32
    per_world = _PerWorld.of(inputs)
    scratch = np.empty(7 * n)  # the derivation's working space
    parameters, shares = _derivation_scalars(b, attributed=inputs.attribution is not None)
    active = np.array(inputs.active, dtype=bool)  # (n, m), a copy the triggers change
    scale = np.ones((n, m))
    us_columns = np.flatnonzero(inputs.is_us)
    us = np.array(inputs.us_resolve, dtype=np.float64)
    us_lapsed = np.zeros(n, dtype=bool)
    snapped = np.zeros(n, dtype=bool)
    in_force = _InForce.empty(n)
    attribution = None if inputs.attribution is None else np.array(inputs.attribution, np.float64)
    suspensions = _suspensions(inputs, months)
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    _let_the_passes_vectorize()

    def derive(rows: NDArray[np.intp] | slice) -> None:
        _derive(
            in_force,
            rows,
            per_world,
            b,
            active=active,
            scale=scale,
            us=us,
            snapped=snapped,
            attribution=attribution,
            scratch=scratch,
            parameters=parameters,
            shares=shares,
        )

    derive(slice(None))

    # what does not change from month to month, hoisted out of the loop (float32, like the state:
    # half the memory traffic of float64, and the draws have 24 bits anyway)
    # rows: a probe's odds but for deterrence; Russia's capacity at the ceasefire and the gap to
    # full; the share of that gap rebuilt a month; resolve's monthly factor
    fixed = np.array(
        [
            np.exp(b.probe_log_odds + b.risk_weight * (inputs.risk_tolerance - 0.5)),
            inputs.capacity_at_ceasefire,
            1.0 - inputs.capacity_at_ceasefire,
            1.0 / inputs.rebuild_months,
            np.exp(-inputs.fatigue_per_year / 12.0),
        ]
    ).astype(f32)
    # the fitted terms of the offensive's log odds (baseline, time shape, early fragility): one
    # number a month
    time_term = b.time_term(months).tolist()
    shares = np.asarray(b.probe_class_shares) / np.sum(b.probe_class_shares)
    first_cut, second_cut = (f32(cut) for cut in np.cumsum(shares)[:2])
    clash_factor = np.asarray(inputs.clash_factor, dtype=f32)
    # the float32 scalars the passes read: the guarantee's log hazard ratio, the cuts between
    # the probe classes, the clash chances after an answered probe and attack, and the rules of
    # engagement's clash factors by class (air, sea, ground)
    constants = np.array(
        [
            b.log_hr_guarantee,
            first_cut,
            second_cut,
            b.clash_after_answered_probe,
            b.clash_after_answered_attack,
            *clash_factor,
        ],
        dtype=f32,
    )
    graded = bool(np.any(clash_factor != 1.0))
    elections = set(inputs.election_months)

    # the state of every world, one row each: resolve (cohesion × decay ** month); the Beta
    # belief's answers (over prior pseudo-successes) and evidence (prior strength + probes and
    # attacks); the running cost; the path's probability of no offensive so far
    state = np.zeros((5, n), f32)
    state[_RESOLVE] = inputs.cohesion
    state[_EVIDENCE] = b.prior_strength
    state[_PATH] = 1.0
    answered_total, evidence, cost, path_survival = state[1:]
    alive = np.ones(n, dtype=bool)
    # months at peace, probes, probes answered, limited attacks, clashes: one row each
    counts = np.zeros((5, n), np.int32)
    survival = np.ones(months + 1)
    expected = np.ones(months + 1)
    trace_offensive = np.zeros((n, months if trace else 0))
    trace_log_rest = np.zeros((n, months if trace else 0))

    # the package's triggers
    fired = np.zeros((n, len(inputs.triggers)), dtype=bool)
    trigger_counts = np.zeros((n, len(inputs.triggers)), dtype=np.int64)
    history = [np.full((n, rule.count), -(10**9)) for rule in inputs.triggers]
    world_rows = np.arange(n)
    no_lapse = np.zeros(n, dtype=bool)

    # the month's two exponentials (of Russia's exposure to the answer, of the offensive's log
    # odds) are numpy's, between the two compiled passes: numpy's SIMD exp is not the C
    # library's, and the numbers must not depend on which one runs
    odds = np.empty((3, n), f32)
    exposure, odds_offensive, rest = odds
    # each world's events of the month, one bit each: probe, acted (probe or limited attack),
    # sea probe, limited attack, offensive
    events = np.zeros(n, np.uint8)
    # commitments that lapse by their own terms (a treaty's years), by the month they end in
    expiring: dict[int, list[int]] = {}
    for column, end in enumerate(inputs.expires_month):
        if np.isfinite(end):
            expiring.setdefault(max(int(np.ceil(end)) - 1, 0), []).append(column)

    for month in range(months):
        newly_lapsed = no_lapse
        suspended_now = no_lapse
        if month in suspensions:  # a provider's feed stops (or resumes) in some worlds
            assert attribution is not None
            starting, ending = suspensions[month]
            if starting.size:
                suspended_now = np.zeros(n, dtype=bool)
                suspended_now[starting] = True
            for rows, value in (
                (starting, inputs.attribution_suspended),
                (ending, inputs.attribution),
            ):
                if rows.size:
                    redo = _reattribute(in_force, rows, attribution, value)  # type: ignore[arg-type]
                    if redo.size:
                        derive(redo)
        if month in elections:
            swing, _ = uniform_pair(keys, month, 0)
            us = np.clip(us + inputs.us_election_swing * (2.0 * swing - 1.0), 0.0, 1.0)
            if us_columns.size:  # without a US commitment, nothing derived reads US resolve
                derive(slice(None))
        if month == 0 or month in elections:  # US resolve moves only at elections
            newly_lapsed = (us < b.us_lapse_resolve) & ~us_lapsed
            us_lapsed |= newly_lapsed

        _exponents(in_force.table, state, constants, f32(time_term[month]), odds)
        np.exp(exposure, out=exposure)
        np.exp(odds_offensive, out=odds_offensive)
        at_peace = _month(
            f32(month + 1),
            _hash_offset(month, 1),
            keys,
            fixed,
            in_force.table,
            constants,
            graded,
            state,
            alive,
            counts,
            odds,
            events,
        )
        if trace:
            # the pass leaves the month's odds of an offensive and of the rest (before ÷ total)
            trace_offensive[:, month] = np.log(odds_offensive) - time_term[month]
            trace_log_rest[:, month] = np.log(rest)
        survival[month + 1] = at_peace / n
        expected[month + 1] = path_survival.mean(dtype=np.float64)

        # the package's triggers, on this month's events along each world's path
        changed = no_lapse
        if inputs.triggers:
            # in the order of Event: probe, violation (acted), attack on shipping (a sea
            # probe), limited attack, offensive, and the US backstop's lapse
            watched = [(events & np.uint8(1 << bit)) != 0 for bit in range(5)]
            watched += [newly_lapsed, suspended_now]
            changed = np.zeros(n, dtype=bool)
            for index, rule in enumerate(inputs.triggers):
                happened = watched[rule.event] & ~fired[:, index]
                if not happened.any():
                    continue
                if rule.count == 1:
                    fire = happened
                else:
                    tally = trigger_counts[:, index]
                    slot = tally % rule.count
                    history[index][happened, slot[happened]] = month
                    tally += happened
                    oldest = history[index][world_rows, tally % rule.count]
                    window = rule.within_months if rule.within_months > 0 else 10**9
                    fire = happened & (tally >= rule.count) & (month - oldest < window)
                    if not fire.any():
                        continue
                fired[:, index] |= fire
                column = rule.commitment
                if rule.action is Action.SNAP_BACK_SANCTIONS:
                    snapped |= fire
                elif rule.action is Action.REINFORCE:
                    scale[fire, column] *= rule.factor
                elif rule.action is Action.LAPSE:
                    active[fire, column] = False
                else:
                    active[fire, column] = True
                changed |= fire
        if newly_lapsed.any():
            active[np.ix_(newly_lapsed, us_columns)] = False
            changed = changed | newly_lapsed
        if month in expiring:
            active[:, expiring[month]] = False
            changed = np.ones(n, dtype=bool)
        if changed.any():
            derive(np.flatnonzero(changed))
        if on_month is not None:
            on_month(month)

    months_at_peace, probes, answered_probes, limited, clashes = counts
    return KernelOutput(
        breakdown_month=np.where(alive, np.nan, months_at_peace + 1.0),
        probes=probes.astype(np.float64),
        probes_answered=answered_probes.astype(np.float64),
        limited_attacks=limited.astype(np.float64),
        clashes=clashes.astype(np.float64),
        cost_usd_bn=cost.astype(np.float64),
        credibility_end=((in_force.prior_mass + answered_total) / evidence).astype(np.float64),
        snapped_back=snapped.astype(np.float64),
        triggers_fired=fired.sum(axis=1).astype(np.float64),
        survival=survival,
        expected_survival=expected,
        world_expected_survival=path_survival.astype(np.float64),
        trace_offensive=trace_offensive,
        trace_log_rest=trace_log_rest,
    )


def _reattribute(
    into: _InForce, rows: NDArray[np.intp], attribution: FloatArray, value: FloatArray
) -> NDArray[np.intp]:
    """Set ``attribution`` of ``rows`` to ``value`` and rescale what is answerable in place.

    What is answerable (deterrence and the three answer shares) is linear in attribution, so a
    change rescales it instead of recomputing every commitment (as :func:`_derive` would);
    returns the rows whose old attribution was 0, which must be derived again.
    """
    old = attribution[rows]
    attribution[rows] = value[rows]
    scalable = old > 0
    kept = rows[scalable]
    ratio = (attribution[kept] / old[scalable]).astype(np.float32)
    for array in (into.deterrence, into.ground, into.sea_gain, into.air_gain):
        array[kept] *= ratio
    return rows[~scalable]


def _suspensions(
    inputs: KernelInputs, months: int
) -> dict[int, tuple[NDArray[np.intp], NDArray[np.intp]]]:
    """The worlds whose feed stops and resumes, by month: ``{month: (starting, ending)}``."""
    if inputs.attribution is None or inputs.suspended_from is None:
        return {}
    start = np.asarray(inputs.suspended_from, np.int64)
    until = np.asarray(inputs.suspended_until, np.int64)
    found: dict[int, tuple[NDArray[np.intp], NDArray[np.intp]]] = {}
    empty = np.zeros(0, np.intp)
    for month in np.unique(start[(start >= 0) & (start < months)]).tolist():
        found[month] = (np.flatnonzero(start == month), empty)
    for month in np.unique(until[(start >= 0) & (until < months)]).tolist():
        starting = found.get(month, (empty, empty))[0]
        found[month] = (starting, np.flatnonzero((until == month) & (start >= 0)))
    return found


# The month's two compiled passes. Each reads and writes every world's arrays once, where the
# numpy loop they replace made some sixty passes (one per operation) over arrays of tens of
# thousands of worlds. Every operation is the numpy loop's own, in float32, in the same order and
# without fused multiply-adds (no fast-math), so the numbers are the same to the bit; a test
# holds them to that loop (tests/reference_kernel.py).
_ONE = np.float32(1.0)
_ZERO = np.float32(0.0)
_TO_UNIT_24 = np.float32(2.0**-24)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_SHIFT_1, _SHIFT_2, _SHIFT_3 = np.uint64(30), np.uint64(27), np.uint64(31)
_HIGH_24, _LOW_24, _MASK_24 = np.uint64(40), np.uint64(8), np.uint64(0xFFFFFF)
_GAMMA = 0x9E3779B97F4A7C15
_VECTORIZER_CHECKS = 2048
# rows of the passes' tables: the commitments in force (_InForce.table), the fixed per-world
# factors, the state, and the month's odds
_PRIOR_MASS, _DETERRENCE, _GROUND, _SEA_GAIN, _AIR_GAIN, _LIMITED, _OFFENSIVE_ODDS, _COST_ROW = (
    range(8)
)
_PROBE, _START, _GAP, _REBUILD, _DECAY = range(5)
_RESOLVE, _ANSWERED, _EVIDENCE, _COST, _PATH = range(5)
_EXPOSURE, _OFFENSIVE, _REST = range(3)


def _hash_offset(month: int, stream: int) -> np.uint64:
    """What :func:`~guarantor.randomness.uniform_pair32` adds to each key: counter × γ mod 2⁶⁴."""
    counter = (month + 1) * STREAMS_PER_MONTH + stream + 1
    return np.uint64(counter * _GAMMA % 2**64)


@functools.cache
def _let_the_passes_vectorize() -> None:
    """Raise LLVM's limit on the overlap checks its loop vectorizer may add (default 128).

    numba cannot tell LLVM that the month pass's thirty row pointers never overlap, so LLVM
    checks them at run time before taking the vector loop, and with more pairs than its limit
    it keeps the scalar loop: 14 ns a world rather than 2.6 ns. Set once, before the first call
    compiles the passes; it changes no result (the checks only choose between two loops that
    compute the same thing).
    """
    llvm.set_option("", f"-vectorize-memory-check-threshold={_VECTORIZER_CHECKS}")


def _compiled(function: _Pass) -> _Pass:
    # cached on disk: a new process (a Dask worker) loads the machine code, not the compiler
    return cast(_Pass, numba.njit(cache=True, nogil=True, error_model="numpy")(function))


def _exponents_py(
    in_force: Float32Array,
    state: Float32Array,
    constants: Float32Array,
    time_term: np.float32,
    odds: Float32Array,
) -> None:
    """The month's exponents: -deterrence at the belief and resolve, the offensive's log odds.

    Writes rows 0 and 1 of ``odds``; numpy's exp then makes them odds.
    """
    log_hr_guarantee = constants[0]
    for i in range(in_force.shape[1]):
        # credibility: the mean of Russia's Beta belief that the guarantors answer
        credibility = (in_force[_PRIOR_MASS, i] + state[_ANSWERED, i]) / state[_EVIDENCE, i]
        odds[_EXPOSURE, i] = credibility * state[_RESOLVE, i] * in_force[_DETERRENCE, i]
        odds[_OFFENSIVE, i] = credibility * log_hr_guarantee + time_term


def _month_py(  # noqa: PLR0917 (a compiled pass takes its arrays by position)
    elapsed: np.float32,
    offset: np.uint64,
    keys: NDArray[np.uint64],
    fixed: Float32Array,
    in_force: Float32Array,
    constants: Float32Array,
    graded: bool,
    state: Float32Array,
    alive: BoolArray,
    counts: NDArray[np.int32],
    odds: Float32Array,
    events: NDArray[np.uint8],
) -> int:
    """One month of every world, after the exponentials; returns how many are still at peace.

    Leaves in ``odds`` each world's odds of an offensive and of the rest (before ÷ total).
    """
    first_cut, second_cut = constants[1], constants[2]
    clash_probe = constants[3]
    clash_step = constants[4] - constants[3]
    air_factor, sea_factor, ground_factor = constants[5], constants[6], constants[7]
    at_peace = 0
    for i in range(keys.size):
        # Russia's capacity, rebuilt linearly: start + gap × min(1, (month + 1) / rebuild months)
        capacity = fixed[_REBUILD, i] * elapsed
        if capacity > _ONE:  # noqa: PLR1730 (numpy's minimum: a NaN stays NaN, min's would not)
            capacity = _ONE
        capacity = capacity * fixed[_GAP, i] + fixed[_START, i]
        # the odds of each choice against complying (odds 1)
        exposure = odds[_EXPOSURE, i]
        odds_probe = fixed[_PROBE, i] * exposure
        odds_limited = in_force[_LIMITED, i] * capacity * exposure
        odds_offensive = odds[_OFFENSIVE, i] * in_force[_OFFENSIVE_ODDS, i] * capacity
        rest = odds_probe + odds_limited + _ONE
        total = rest + odds_offensive
        odds[_OFFENSIVE, i] = odds_offensive
        odds[_REST, i] = rest

        # the month's two uniforms, as uniform_pair32: SplitMix64 of key + counter × γ
        hashed = keys[i] + offset
        hashed ^= hashed >> _SHIFT_1
        hashed *= _MIX_1
        hashed ^= hashed >> _SHIFT_2
        hashed *= _MIX_2
        hashed ^= hashed >> _SHIFT_3
        draw = np.float32(np.int64(hashed >> _HIGH_24)) * _TO_UNIT_24
        reply = np.float32(np.int64((hashed >> _LOW_24) & _MASK_24)) * _TO_UNIT_24

        # One draw places the world on the cumulative odds of its choices: [0, 1) complies,
        # [1, 1 + odds_probe) probes (by class: air, sea, ground in their shares), then a limited
        # attack up to `rest`, then an offensive up to `total`. The offensive's part, rescaled
        # onto [0, rest), is uniform again: the path "had the peace held". The second draw
        # decides whether the probe or attack is answered and, nested, whether that is a clash.
        draw = draw * total
        offensive = draw >= rest
        # (computed in every world and kept where there is an offensive: no branch, so the loop
        # runs on whole vectors of worlds)
        rescaled = (draw - rest) / odds_offensive * rest
        draw = (rescaled if offensive else draw) - _ONE
        acted = draw >= _ZERO
        attack = draw >= odds_probe
        probe = acted != attack
        draw = draw / odds_probe  # within a probe, its class (a limited attack: ≥ 1)
        below_second = _ONE if draw < second_cut else _ZERO
        below_first = _ONE if draw < first_cut else _ZERO
        # the share answerable of this world's event: the ground column, plus the gains of sea
        # over ground and of air over sea for those probes, times resolve
        answerable = in_force[_SEA_GAIN, i] * below_second + in_force[_GROUND, i]
        answerable = answerable + in_force[_AIR_GAIN, i] * below_first
        answerable = answerable * state[_RESOLVE, i]
        answered = (reply < answerable) & acted
        # P(clash | answered) is the clash chance: reply < answerable × chance; under graded
        # rules of engagement, times the factor of the event's class, capped at 1
        clash_bar = (_ONE if attack else _ZERO) * clash_step + clash_probe
        factor = ground_factor + below_second * (sea_factor - ground_factor)
        factor = factor + below_first * (air_factor - sea_factor)
        scaled = clash_bar * factor
        if scaled > _ONE:  # noqa: PLR1730 (as numpy's minimum, NaN kept)
            scaled = _ONE
        clash_bar = scaled if graded else clash_bar
        clash = (reply < clash_bar * answerable) & acted
        state[_ANSWERED, i] += _ONE if answered else _ZERO
        state[_EVIDENCE, i] += _ONE if acted else _ZERO

        # the month's cost is paid by the worlds at peace at its start; its events count in the
        # worlds still at peace at its end
        was_alive = alive[i]
        state[_COST, i] += in_force[_COST_ROW, i] * (_ONE if was_alive else _ZERO)
        now_alive = was_alive & (not offensive)
        alive[i] = now_alive
        at_peace += now_alive
        counts[0, i] += now_alive
        counts[1, i] += now_alive & probe
        counts[2, i] += now_alive & probe & answered
        counts[3, i] += now_alive & attack
        counts[4, i] += now_alive & clash
        # the smooth estimate: the product along the path of P(no offensive) = rest / total
        state[_PATH, i] *= rest / total
        state[_RESOLVE, i] *= fixed[_DECAY, i]
        # the events a trigger may watch, one bit each: probe, acted, sea probe, attack, offensive
        sea_probe = probe & (draw >= first_cut) & (draw < second_cut)
        events[i] = (
            np.uint8(probe)
            | np.uint8(acted) << 1
            | np.uint8(sea_probe) << 2
            | np.uint8(attack) << 3
            | np.uint8(offensive) << 4
        )
    return at_peace


_at_most_one = _compiled(_at_most_one_py)
_clip_unit = _compiled(_clip_unit_py)
_commitments = _compiled(_commitments_py)
_exponents = _compiled(_exponents_py)
_month = _compiled(_month_py)


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
