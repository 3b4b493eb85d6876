"""One SMP turn: the state, every actor's best challenge, the bargains and each actor's choice.

:func:`assess_state` computes distances, utilities and risk attitudes for the positions of a
turn; :func:`challenge_estimates` and :func:`interpolate` give each challenge's probability,
expected gains and bargain; :func:`find_bargains` runs every actor's challenge search and
:func:`choose_positions` lets each actor pick among the status quo and its bargains.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.smp_elections import (
    big_r,
    coalitions,
    estimated_risk,
    pce,
    scalar_pce,
    utility,
    vote,
    weighted_distance,
)
from guarantor.bargaining.smp_options import (
    MIN_CONTEST,
    MIN_SIGNIFICANT_GAIN,
    BargainModel,
    Interpolation,
    SmpOptions,
    StateTransition,
    ThirdPartyCommit,
    VotingRule,
)
from guarantor.bargaining.table import ActorTable

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class TurnState:
    """What every actor sees at the start of a turn: positions, distances, risk, utilities."""

    position: FloatArray
    distance: FloatArray
    risk: FloatArray
    utilities: FloatArray  # [h, i, j]: h's estimate of the utility to i of j's position


def assess_state(table: ActorTable, position: FloatArray, options: SmpOptions) -> TurnState:
    """Distances, risk attitudes (BigR from a risk-neutral PCE) and estimated utilities."""
    distance = weighted_distance(position, table.salience, position)
    neutral = utility(distance, 0.0)
    strengths = coalitions(options.voting_rule, table.capability, neutral)
    probability = pce(options.pce, options.victory_model, strengths)
    risk = big_r(probability, options.big_r_range)
    estimate = estimated_risk(risk[:, None], risk[None, :], options.big_r_adjust)
    utilities = utility(distance[None, :, :], estimate[:, :, None])
    return TurnState(position, distance, risk, utilities)


def _commit_utilities(
    commit: ThirdPartyCommit, u_ni: FloatArray, u_nj: FloatArray, u_nn: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    if commit is ThirdPartyCommit.FULL:
        return 3 * u_ni, 3 * u_nj, 3 * u_ni, 3 * u_nj
    if commit is ThirdPartyCommit.SEMI:
        return 2 * u_ni + u_nn, 3 * u_nj, 3 * u_ni, 2 * u_nj + u_nn
    return 2 * u_ni + u_nn, 2 * u_nj + u_nn, 2 * u_ni + u_nn, 2 * u_nj + u_nn


def challenge_estimates(  # noqa: PLR0917 - the (h, k, i, j) of KTAB's probEduChlg
    table: ActorTable,
    state: TurnState,
    options: SmpOptions,
    h: IntArray,
    k: IntArray,
    i: IntArray,
    j: IntArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """H's estimate of P(i beats j), the expected gain to k of i challenging j, third-party votes.

    All index arrays have one shape (p,); the third-party votes are (p, n) (zero for i and j).
    This is KTAB's ``SMPState::probEduChlg``, vectorised over (h, k, i, j) and third parties.
    """
    u = state.utilities
    everyone = np.arange(table.n_actors)
    weight = table.salience.sum(axis=1) * table.capability
    rule = options.voting_rule
    u_ii, u_ij, u_ji, u_jj = u[h, i, i], u[h, i, j], u[h, j, i], u[h, j, j]
    own_i = vote(rule, weight[i], u_ii - u_ij)
    own_j = vote(rule, weight[j], u_ji - u_jj)
    for_i = MIN_CONTEST + np.maximum(own_i, 0) + np.maximum(own_j, 0)
    for_j = MIN_CONTEST + np.maximum(-own_i, 0) + np.maximum(-own_j, 0)
    u_ni = u[h[:, None], everyone[None, :], i[:, None]]
    u_nj = u[h[:, None], everyone[None, :], j[:, None]]
    u_nn = u[h[:, None], everyone[None, :], everyone[None, :]]
    first = vote(rule, weight[None, :], u_ni - u_nj)
    with_i = for_i[:, None] + np.maximum(first, 0)
    with_j = for_j[:, None] + np.maximum(-first, 0)
    p_little = with_i / (with_i + with_j)
    a, b, c, d = _commit_utilities(options.third_party_commit, u_ni, u_nj, u_nn)
    joins_i = p_little * a + (1 - p_little) * b
    joins_j = p_little * c + (1 - p_little) * d
    third = vote(rule, weight[None, :], joins_i - joins_j)
    outsider = (everyone[None, :] != i[:, None]) & (everyone[None, :] != j[:, None])
    third = np.where(outsider, third, 0.0)
    for_i = for_i + np.sum(np.maximum(third, 0), axis=1)
    for_j = for_j + np.sum(np.maximum(-third, 0), axis=1)
    p = for_i / (for_i + for_j)
    s_j = table.salience.sum(axis=1)[j]
    u_ki, u_kj = u[h, k, i], u[h, k, j]
    gain = (1 - s_j) * 2 * u_ki + s_j * (p * 2 * u_ki + (1 - p) * 2 * u_kj) - (u_ki + u_kj)
    return p, gain, third


def interpolate(  # noqa: PLR0917 - both sides' position, salience, probability
    options: SmpOptions,
    x_i: FloatArray,
    s_i: FloatArray,
    p_i: FloatArray,
    x_j: FloatArray,
    s_j: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Bargain positions for initiator and receiver (rows: challenges, columns: dimensions)."""
    p_i = p_i[:, None]
    p_j = 1 - p_i
    if options.interpolation is Interpolation.S2PMAX:
        d_i = np.maximum(p_j - p_i, 0)
        d_j = np.maximum(p_i - p_j, 0)
        step_i = d_i * s_j**2 / (d_i * s_j**2 + 1e-6 + (1 - d_i) * s_i**2)
        step_j = d_j * s_i**2 / (d_j * s_i**2 + 1e-6 + (1 - d_j) * s_j**2)
        return x_i + step_i * (x_j - x_i), x_j + step_j * (x_i - x_j)
    n = 1 if options.interpolation is Interpolation.S1P1 else 2
    w_i = s_i**n * p_i**n
    w_j = s_j**n * p_j**n
    total = w_i + 1e-6 + w_j
    # KTAB rounds to 4 decimals to avoid spurious precision and asymmetry
    b_i = np.floor(0.5 + 1e4 * ((w_i + 1e-6) * x_i + w_j * x_j) / total) / 1e4
    b_j = np.floor(0.5 + 1e4 * (w_i * x_i + (1e-6 + w_j) * x_j) / total) / 1e4
    return b_i, b_j


def unique_positions(position: FloatArray, tolerance: float) -> IntArray:
    """Actors whose positions count as distinct options (KTAB ``KBase::ueIndices``).

    Actors are taken in order; one is a new option unless it lies within ``tolerance`` of an
    option already found. Closeness is not transitive, so this is not "the first actor it is
    close to": A–B and B–C may be close while A–C is not, and then C is an option of its own.
    """
    gap = np.linalg.norm(position[:, None, :] - position[None, :, :], axis=2)
    unique: list[int] = []
    for i in range(position.shape[0]):  # a handful of actors; order matters, as in KTAB
        if not unique or not np.any(gap[i, unique] < tolerance):
            unique.append(i)
    return np.asarray(unique, dtype=np.intp)


def position_probabilities(table: ActorTable, state: TurnState, options: SmpOptions) -> FloatArray:
    """Probability that each actor's position wins (KTAB ``pDist(-1)`` and ``posProb``).

    The PCE runs over the distinct positions (:func:`unique_positions`); each actor gets the
    probability of the last distinct position within the tolerance of its own, as KTAB's
    ``State::posProb`` reports it, so actors on one position each show that position's share.
    """
    unique = unique_positions(state.position, options.position_tolerance)
    own = state.utilities[np.arange(table.n_actors), np.arange(table.n_actors), :]
    p_unique = scalar_pce(options, table.capability, own[:, unique], VotingRule.PROPORTIONAL)
    gap = np.linalg.norm(state.position[:, None, :] - state.position[None, unique, :], axis=2)
    near = gap < options.position_tolerance
    last = near.shape[1] - 1 - np.argmax(near[:, ::-1], axis=1)
    return np.asarray(p_unique[last], dtype=np.float64)


# --- the run -------------------------------------------------------------------------------


def find_bargains(
    table: ActorTable, state: TurnState, options: SmpOptions
) -> tuple[list[dict[str, Any]], list[tuple[int, int, FloatArray, FloatArray, int]]]:
    """Each actor's best challenge above the significance threshold, and the bargains it makes.

    Returns the challenges as records and the bargains as ``(initiator, target, position of
    the initiator after it, position of the target after it, challenge row)`` tuples.
    """
    n = table.n_actors
    rows, cols = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    off = rows != cols
    i_all, j_all = rows[off], cols[off]
    _, gains, _ = challenge_estimates(table, state, options, i_all, i_all, i_all, j_all)
    gain = np.full((n, n), -np.inf)
    gain[i_all, j_all] = gains
    target = np.argmax(gain, axis=1)
    best = gain[np.arange(n), target]
    initiators = np.flatnonzero(best > MIN_SIGNIFICANT_GAIN)
    targets = target[initiators]
    if initiators.size == 0:
        return [], []
    p_by_i, gain_i_by_i, votes = challenge_estimates(
        table, state, options, initiators, initiators, initiators, targets
    )
    _, gain_j_by_i, _ = challenge_estimates(
        table, state, options, initiators, targets, initiators, targets
    )
    p_by_j, gain_i_by_j, _ = challenge_estimates(
        table, state, options, targets, initiators, initiators, targets
    )
    _, gain_j_by_j, _ = challenge_estimates(
        table, state, options, targets, targets, initiators, targets
    )
    x, s = state.position, table.salience
    pos_i, pos_j = x[initiators], x[targets]
    own_i, own_j = interpolate(options, pos_i, s[initiators], p_by_i, pos_j, s[targets])
    receiver_p = gain_i_by_j if options.ktab_quirks else p_by_j
    rcv_i, rcv_j = interpolate(options, pos_i, s[initiators], receiver_p, pos_j, s[targets])
    challenges, bargains = [], []
    for row, (i, j) in enumerate(zip(initiators.tolist(), targets.tolist(), strict=True)):
        record = {
            "initiator": table.actors[i],
            "target": table.actors[j],
            "probability_by_initiator": float(p_by_i[row]),
            "gain_to_initiator_by_initiator": float(gain_i_by_i[row]),
            "gain_to_target_by_initiator": float(gain_j_by_i[row]),
            "probability_by_target": float(p_by_j[row]),
            "gain_to_initiator_by_target": float(gain_i_by_j[row]),
            "gain_to_target_by_target": float(gain_j_by_j[row]),
            "third_party_votes": {
                table.actors[n_]: float(votes[row, n_]) for n_ in range(n) if n_ not in (i, j)
            },
            "bargain_initiator_position": own_i[row],
            "bargain_target_position": own_j[row],
        }
        challenges.append(record)
        if options.bargain_model is BargainModel.INIT_ONLY:
            bargains.append((i, j, own_i[row], own_j[row], row))
        elif options.bargain_model is BargainModel.INIT_RCVR:
            bargains.append((i, j, own_i[row], own_j[row], row))
            bargains.append((i, j, rcv_i[row], rcv_j[row], row))
        else:
            total_i = table.capability[i] * s[i].sum()
            total_j = (table.capability[i] if options.ktab_quirks else table.capability[j]) * s[
                j
            ].sum()
            mix_i = (total_i * own_i[row] + total_j * rcv_i[row]) / (total_i + total_j)
            mix_j = (total_i * own_j[row] + total_j * rcv_j[row]) / (total_i + total_j)
            bargains.append((i, j, mix_i, mix_j, row))
    return challenges, bargains


def choose_positions(
    table: ActorTable,
    state: TurnState,
    options: SmpOptions,
    bargains: list[tuple[int, int, FloatArray, FloatArray, int]],
    rng: np.random.Generator | None,
) -> tuple[FloatArray, list[dict[str, Any]]]:
    """Each actor's pick among the status quo and its bargains (a PCE); the new positions."""
    n = table.n_actors
    everyone = np.arange(n)
    own = state.utilities[everyone, everyone, :]
    status_quo = own.sum(axis=1) / n
    new_position = state.position.copy()
    if bargains:
        init = np.array([b[0] for b in bargains])
        rcvr = np.array([b[1] for b in bargains])
        at_init = np.stack([b[2] for b in bargains])
        at_rcvr = np.stack([b[3] for b in bargains])
        u_init = utility(
            weighted_distance(state.position, table.salience, at_init), state.risk[:, None]
        )
        u_rcvr = utility(
            weighted_distance(state.position, table.salience, at_rcvr), state.risk[:, None]
        )
        after = (own.sum(axis=1)[:, None] - own[:, init] - own[:, rcvr] + u_init + u_rcvr) / n
    choices = []
    # one small election per actor over its own few bargains
    for k in range(n):
        mine = [b for b, bargain in enumerate(bargains) if k in (bargain[0], bargain[1])]
        table_u = np.column_stack([status_quo, *(after[:, b] for b in mine)]) if mine else None
        if table_u is None:
            probabilities = np.ones(1)
            chosen = 0
        else:
            probabilities = scalar_pce(options, table.capability, table_u)
            if options.transition is StateTransition.STOCHASTIC:
                if rng is None:
                    raise ValueError("stochastic state transitions need a numpy Generator")
                chosen = int(rng.choice(len(probabilities), p=probabilities))
            else:
                chosen = int(np.argmax(probabilities))
        labels = ["status quo"] + [
            f"{table.actors[bargains[b][0]]}>{table.actors[bargains[b][1]]}" for b in mine
        ]
        reason = f"{table.actors[k]} keeps its position: no bargain beats the status quo"
        if chosen > 0:
            b = mine[chosen - 1]
            i, j, at_i, at_j, _ = bargains[b]
            new_position[k] = at_i if k == i else at_j
            role = "proposed" if k == i else "accepted"
            reason = (
                f"{table.actors[k]} {role} the bargain of {table.actors[i]}'s challenge to "
                f"{table.actors[j]} (chosen with probability {probabilities[chosen]:.3f})"
            )
        choices.append(
            {
                "actor": table.actors[k],
                "options": [
                    {"bargain": label, "probability": float(p)}
                    for label, p in zip(labels, probabilities, strict=True)
                ],
                "chosen": labels[chosen],
                "reason": reason,
            }
        )
    return new_position, choices
