"""The durability kernel's month loop in plain numpy, as it stood before the compiled passes.

The oracle of ``tests/test_durability_kernel_compiled.py``: the compiled kernel
(:func:`guarantor.durability.kernel.simulate`) must give these numbers bit for bit, for every
input. Kept verbatim (one operation per numpy call, float32 state) so that a change to the
compiled passes that moves a single bit fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from guarantor.durability.kernel import (
    Action,
    Behaviour,
    BoolArray,
    Float32Array,
    FloatArray,
    KernelInputs,
    KernelOutput,
    _reattribute,
    _suspensions,
)
from guarantor.randomness import uniform_pair, uniform_pair32


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
    attribution: FloatArray | None = None,
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
    if attribution is not None:
        answer *= attribution[rows]
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
    attribution = None if inputs.attribution is None else np.array(inputs.attribution, np.float64)
    suspensions = _suspensions(inputs, months)

    def derive(rows: NDArray[np.intp] | slice) -> None:
        _derive(
            in_force,
            rows,
            inputs,
            columns,
            b,
            active=active,
            scale=scale,
            us=us,
            snapped=snapped,
            attribution=attribution,
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
            events = (probe, acted, sea_probe, attack, offensive, newly_lapsed, suspended_now)
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
