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

One file on purpose (about 500 lines), like SimPy's core: the whole month loop reads in one sitting.

Speed: the month loop works in float32 on arrays allocated once, in place; what changes only when
commitments change is kept in :class:`_InForce` and recomputed for the worlds concerned.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from guarantor.randomness import uniform_pair, uniform_pair32

FloatArray = NDArray[np.float64]
Float32Array = NDArray[np.float32]
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

    @classmethod
    def empty(cls, n: int) -> _InForce:
        """Arrays for ``n`` worlds, to be filled by :func:`_derive`."""
        return cls(*(np.empty(n, np.float32) for _ in range(8)))


@dataclass(frozen=True)
class _ByCommitment:
    """The per-commitment inputs laid out commitments first, worlds last: ``(m, n)``.

    Sums and products over a handful of commitments then run along contiguous rows of worlds,
    several times faster than along the short last axis of ``(n, m)``.
    """

    credibility: FloatArray
    force: FloatArray
    coverage: FloatArray  # (m, 3, n)
    cost: FloatArray
    is_us: BoolArray  # (m, 1)

    @classmethod
    def of(cls, inputs: KernelInputs) -> _ByCommitment:
        """The transposed copies of ``inputs``'s matrices."""
        return cls(
            np.ascontiguousarray(inputs.credibility.T),
            np.ascontiguousarray(inputs.force.T),
            np.ascontiguousarray(inputs.coverage.transpose(1, 2, 0)),
            np.ascontiguousarray(inputs.cost_usd_bn_per_month.T),
            np.asarray(inputs.is_us, dtype=bool)[:, None],
        )


def _derive(
    into: _InForce,
    rows: NDArray[np.intp] | slice,
    inputs: KernelInputs,
    columns: _ByCommitment,
    b: Behaviour,
    *,
    active: BoolArray,
    scale: FloatArray,
    us: FloatArray,
    snapped: BoolArray,
) -> None:
    """Recompute ``into`` for the worlds in ``rows`` (in float64, stored as float32).

    ``active`` and ``scale`` are ``(m, n)``: which commitments are in force and at what strength.
    """
    active, scale = active[:, rows], scale[:, rows]
    us_factor = np.where(columns.is_us, us[rows], 1.0)
    in_force = active * scale
    # independent guarantors: the guarantee fails only if every one of them fails
    credible = np.clip(columns.credibility[:, rows] * us_factor * active, 0.0, 1.0)
    prior = 1.0 - np.prod(1.0 - credible, axis=0)
    force = np.minimum(1.0, np.einsum("mn,mn->n", columns.force[:, rows], in_force))
    answer = np.einsum("mkn,mn->kn", columns.coverage[:, :, rows], in_force * us_factor)
    np.minimum(answer, 1.0, out=answer)
    shares = np.asarray(b.probe_class_shares) / np.sum(b.probe_class_shares)
    # a sanction that has snapped back no longer deters
    sanctions = b.sanctions_weight * inputs.sanctions_threat[rows] * ~snapped[rows]
    risk = b.risk_weight * (inputs.risk_tolerance[rows] - 0.5)
    # exp of the threat Russia poses at full capacity: log(war aims / Ukraine's strength)
    aims = inputs.war_aims[rows] / inputs.defender_strength[rows]
    into.prior_mass[rows] = b.prior_strength * prior
    into.deterrence[rows] = -b.response_weight * (shares @ answer)
    into.ground[rows] = answer[2]
    into.sea_gain[rows] = answer[1] - answer[2]
    into.air_gain[rows] = answer[0] - answer[1]
    into.limited[rows] = aims * np.exp(b.limited_log_odds + risk - sanctions)
    # risk appetite raises every escalation, the offensive included: raising only the probes'
    # odds would, through the choice's normalisation, make a bolder Kremlin *less* likely to attack
    into.offensive[rows] = aims * np.exp(
        inputs.static_log_hr[rows] + b.log_hr_peacekeeping * force - sanctions + risk
    )
    into.cost[rows] = np.einsum("mn,mn->n", columns.cost[:, rows], in_force)


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
    columns = _ByCommitment.of(inputs)
    active = np.array(inputs.active.T, dtype=bool)  # (m, n), like `columns`
    scale = np.ones((m, n))
    us = np.array(inputs.us_resolve, dtype=np.float64)
    us_lapsed = np.zeros(n, dtype=bool)
    snapped = np.zeros(n, dtype=bool)
    in_force = _InForce.empty(n)

    def derive(rows: NDArray[np.intp] | slice) -> None:
        _derive(
            in_force, rows, inputs, columns, b, active=active, scale=scale, us=us, snapped=snapped
        )

    derive(slice(None))

    # what does not change from month to month, hoisted out of the loop (float32, like the state:
    # half the memory traffic of float64, and the draws have 24 bits anyway)
    probe_odds = np.exp(b.probe_log_odds + b.risk_weight * (inputs.risk_tolerance - 0.5))
    probe_odds = probe_odds.astype(f32)
    capacity_start = inputs.capacity_at_ceasefire.astype(f32)
    capacity_gap = (1.0 - inputs.capacity_at_ceasefire).astype(f32)
    rebuild_rate = (1.0 / inputs.rebuild_months).astype(f32)
    decay = np.exp(-inputs.fatigue_per_year / 12.0).astype(f32)  # resolve's monthly factor
    # the fitted terms of the offensive's log odds (baseline, time shape, early fragility): one
    # number a month
    time_term = b.time_term(months).tolist()
    log_hr_guarantee = f32(b.log_hr_guarantee)
    shares = np.asarray(b.probe_class_shares) / np.sum(b.probe_class_shares)
    first_cut, second_cut = (f32(cut) for cut in np.cumsum(shares)[:2])
    clash_probe = f32(b.clash_after_answered_probe)
    clash_attack = f32(b.clash_after_answered_attack)
    clash_factor = np.asarray(inputs.clash_factor, dtype=f32)
    graded = bool(np.any(clash_factor != 1.0))
    elections = set(inputs.election_months)

    # the state of every world
    resolve = inputs.cohesion.astype(f32)  # cohesion × decay ** month
    answered_total = np.zeros(n, f32)  # Beta belief: prior pseudo-successes + answers ...
    evidence = np.full(n, b.prior_strength, f32)  # ... over prior strength + probes and attacks
    alive = np.ones(n, dtype=bool)
    months_at_peace = np.zeros(n, np.int32)
    probes, answered_probes, limited, clashes = (np.zeros(n, np.int32) for _ in range(4))
    cost = np.zeros(n, f32)
    path_survival = np.ones(n, f32)
    survival = np.ones(months + 1)
    expected = np.ones(months + 1)
    trace_offensive = np.zeros((n, months if trace else 0))
    trace_log_rest = np.zeros((n, months if trace else 0))

    # the package's triggers
    fired = np.zeros((n, len(inputs.triggers)), dtype=bool)
    counts = np.zeros((n, len(inputs.triggers)), dtype=np.int64)
    history = [np.full((n, rule.count), -(10**9)) for rule in inputs.triggers]
    world_rows = np.arange(n)
    no_lapse = np.zeros(n, dtype=bool)

    # every month's arrays are written in place into these: allocating a fresh array for every
    # operation on tens of thousands of worlds costs more than the arithmetic
    capacity, credibility, exposure, odds_probe, odds_limited, odds_offensive = (
        np.empty(n, f32) for _ in range(6)
    )
    rest, total, draw, reply, answerable, clash_bar, scratch = (np.empty(n, f32) for _ in range(7))
    offensive, calm, acted, attack, probe, answered, clash, chosen = (
        np.empty(n, dtype=bool) for _ in range(8)
    )
    hashing = (np.empty(n, np.uint64), np.empty(n, np.uint64))
    # commitments that lapse by their own terms (a treaty's years), by the month they end in
    expiring: dict[int, list[int]] = {}
    for column, end in enumerate(inputs.expires_month):
        if np.isfinite(end):
            expiring.setdefault(max(int(np.ceil(end)) - 1, 0), []).append(column)

    for month in range(months):
        newly_lapsed = no_lapse
        if month in elections:
            swing, _ = uniform_pair(keys, month, 0)
            us = np.clip(us + inputs.us_election_swing * (2.0 * swing - 1.0), 0.0, 1.0)
            derive(slice(None))
        if month == 0 or month in elections:  # US resolve moves only at elections
            newly_lapsed = (us < b.us_lapse_resolve) & ~us_lapsed
            us_lapsed |= newly_lapsed

        # Russia's capacity, rebuilt linearly: start + gap × min(1, (month + 1) / rebuild months)
        np.multiply(rebuild_rate, f32(month + 1), out=capacity)
        np.minimum(capacity, f32(1.0), out=capacity)
        capacity *= capacity_gap
        capacity += capacity_start
        # credibility: the mean of Russia's Beta belief that the guarantors answer
        np.add(in_force.prior_mass, answered_total, out=credibility)
        credibility /= evidence
        # exp(-deterrence), deterrence = response weight × credibility × resolve × answerable
        np.multiply(credibility, resolve, out=exposure)
        exposure *= in_force.deterrence
        np.exp(exposure, out=exposure)
        # the odds of each choice against complying (odds 1)
        np.multiply(probe_odds, exposure, out=odds_probe)
        np.multiply(in_force.limited, capacity, out=odds_limited)
        odds_limited *= exposure
        np.multiply(credibility, log_hr_guarantee, out=odds_offensive)
        odds_offensive += f32(time_term[month])
        np.exp(odds_offensive, out=odds_offensive)
        odds_offensive *= in_force.offensive
        odds_offensive *= capacity
        np.add(odds_probe, odds_limited, out=rest)
        rest += f32(1.0)
        np.add(rest, odds_offensive, out=total)
        if trace:
            trace_offensive[:, month] = np.log(odds_offensive) - time_term[month]
            trace_log_rest[:, month] = np.log(rest)

        # One draw places each world on the cumulative odds of its choices: [0, 1) complies,
        # [1, 1 + odds_probe) probes (by class: air, sea, ground in their shares), then a limited
        # attack up to `rest`, then an offensive up to `total`. A second draw decides whether
        # the probe or attack is answered and, nested in it, whether the answer becomes a clash.
        uniform_pair32(keys, month, 1, out=(draw, reply), work=hashing)
        draw *= total
        np.greater_equal(draw, rest, out=offensive)
        if offensive.any():
            # the offensive's part of the draw, rescaled onto [0, rest), is uniform again and
            # independent of the offensive: each world's path "had the peace held" is the same
            # whatever the offensive's odds, the basis of the smooth estimate
            np.subtract(draw, rest, out=draw, where=offensive)
            np.divide(draw, odds_offensive, out=draw, where=offensive)
            np.multiply(draw, rest, out=draw, where=offensive)
        draw -= f32(1.0)
        np.greater_equal(draw, 0.0, out=acted)
        np.greater_equal(draw, odds_probe, out=attack)
        np.not_equal(acted, attack, out=probe)
        draw /= odds_probe  # within a probe, its class (a limited attack: ≥ 1)
        # the share answerable of this world's event: the ground column for ground probes and
        # limited attacks, plus the gains of sea over ground and of air over sea for those
        # probes (a sum of masked terms: selecting with a random mask is slower), times resolve
        np.less(draw, second_cut, out=chosen)
        np.multiply(in_force.sea_gain, chosen, out=answerable)
        answerable += in_force.ground
        np.less(draw, first_cut, out=chosen)
        np.multiply(in_force.air_gain, chosen, out=scratch)
        answerable += scratch
        answerable *= resolve
        np.less(reply, answerable, out=answered)
        answered &= acted
        # P(clash | answered) is the clash chance: reply < answerable × chance
        np.multiply(attack, clash_attack - clash_probe, out=clash_bar)
        clash_bar += clash_probe
        if graded:
            _graded_clash(clash_bar, draw, (first_cut, second_cut), clash_factor, scratch)
        clash_bar *= answerable
        np.less(reply, clash_bar, out=clash)
        clash &= acted
        answered_total += answered
        evidence += acted

        # the month's cost is paid by the worlds at peace at its start; its events count in the
        # worlds still at peace at its end
        np.multiply(in_force.cost, alive, out=scratch)
        cost += scratch
        np.logical_not(offensive, out=calm)
        alive &= calm
        months_at_peace += alive
        np.logical_and(probe, alive, out=chosen)
        probes += chosen
        chosen &= answered
        answered_probes += chosen
        np.logical_and(attack, alive, out=chosen)
        limited += chosen
        np.logical_and(clash, alive, out=chosen)
        clashes += chosen
        # the smooth estimate: the product along the path of P(no offensive) = rest / total
        rest /= total
        path_survival *= rest
        survival[month + 1] = np.count_nonzero(alive) / n
        expected[month + 1] = path_survival.mean(dtype=np.float64)
        resolve *= decay

        # the package's triggers, on this month's events along each world's path
        changed = no_lapse
        if inputs.triggers:
            sea_probe = probe & (draw >= first_cut) & (draw < second_cut)
            events = (probe, acted, sea_probe, attack, offensive, newly_lapsed)
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
                    oldest = history[index][world_rows, counts[:, index] % rule.count]
                    window = rule.within_months if rule.within_months > 0 else 10**9
                    fire = happened & (counts[:, index] >= rule.count) & (month - oldest < window)
                    if not fire.any():
                        continue
                fired[:, index] |= fire
                column = rule.commitment
                if rule.action is Action.SNAP_BACK_SANCTIONS:
                    snapped |= fire
                elif rule.action is Action.REINFORCE:
                    scale[column, fire] *= rule.factor
                elif rule.action is Action.LAPSE:
                    active[column, fire] = False
                else:
                    active[column, fire] = True
                changed |= fire
        if newly_lapsed.any():
            active[np.ix_(np.flatnonzero(inputs.is_us), newly_lapsed)] = False
            changed = changed | newly_lapsed
        if month in expiring:
            active[expiring[month], :] = False
            changed = np.ones(n, dtype=bool)
        if changed.any():
            derive(np.flatnonzero(changed))
        if on_month is not None:
            on_month(month)

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


def _graded_clash(
    chance: Float32Array,
    position: Float32Array,
    cuts: tuple[np.float32, np.float32],
    factor: Float32Array,
    work: Float32Array,
) -> None:
    """Scale each world's clash chance by its probe class's factor, capped at 1.

    ``position`` is the world's place within the probe odds (below the first cut an air probe,
    below the second a sea probe, else a ground probe or a limited attack, answered on the
    ground). The rules of engagement's graded answer sets the factors (``clash_factor``).
    """
    work.fill(factor[2])
    work += (position < cuts[1]) * (factor[1] - factor[2])
    work += (position < cuts[0]) * (factor[0] - factor[1])
    chance *= work
    np.minimum(chance, np.float32(1.0), out=chance)


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
