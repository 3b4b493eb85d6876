"""KTAB's Spatial Model of Politics (SMP), vectorised with numpy, with every turn recorded.

A re-implementation of the SMP in KAPSARC's KTAB (Wise et al.; ``examples/smp/libsrc/smp.cpp``,
``smpbcn.cpp`` and ``KTAB/kmodel/libsrc/kmodel.cpp``, MIT licence), checked against KTAB's own
reference run of ``dummyData_3Dim.csv``. Each turn:

1. the salience-weighted distance ``d_ij = sqrt(Σ_d (s_id (x_id − x_jd))² / Σ_d s_id²)`` and the
   utility ``u(d, R) = (1 − d)(1 + d R)``;
2. risk attitudes ``R_i`` from the probabilistic Condorcet election (PCE) over positions with
   risk-neutral utilities (BigR range), and each actor's estimate of the others' risk (BigR
   adjustment);
3. every actor's best challenge: the probability of winning a contest in which third parties
   join the side they favour in a three-actor "little" contest, and the expected gain
   ``ΔEU = (1 − S_j) 2u_ki + S_j [P 2u_ki + (1 − P) 2u_kj] − (u_ki + u_kj)``;
4. a bargain interpolated between the two positions (S2P2: weights ``s² P²``);
5. each actor chooses among the status quo and the bargains it is party to by a PCE over
   everyone's average utility after the bargain; everyone moves at once.

The run stops when the positions' change is below 2 % of the first turn's (2 to 100 turns).
Python loops run over turns and, in the choice step, over actors (each a small PCE over that
actor's handful of bargains); everything inside is array arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.table import ActorTable

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

MIN_COALITION = 1e-8
"""KTAB's floor on a coalition's strength in an election (avoids 0/0)."""
MIN_CONTEST = 1e-10
"""KTAB's floor on a coalition's strength in a challenge."""
MIN_SIGNIFICANT_GAIN = 1e-5
"""KTAB's smallest expected gain worth a challenge."""
POSITION_TOLERANCE = 1e-5
"""Positions closer than this (0–1 scale) count as one option."""


class VotingRule(StrEnum):
    """How an actor's vote depends on its utility difference (KTAB ``VotingRule``)."""

    BINARY = "binary"
    PROP_BIN = "prop_bin"
    PROPORTIONAL = "proportional"
    PROP_CUBIC = "prop_cubic"
    CUBIC = "cubic"
    ASYM_PROSPECT = "asym_prospect"


class VictoryModel(StrEnum):
    """How coalition strengths become a victory probability (KTAB ``VPModel``)."""

    LINEAR = "linear"
    SQUARE = "square"
    QUARTIC = "quartic"
    OCTIC = "octic"
    BINARY = "binary"


class PceModel(StrEnum):
    """Probabilistic Condorcet election (KTAB ``PCEModel``)."""

    CONDITIONAL = "conditional"
    MARKOV_INCENTIVE = "markov_incentive"
    MARKOV_UNIFORM = "markov_uniform"


class StateTransition(StrEnum):
    """Whether each actor takes its most likely bargain or draws one."""

    DETERMINISTIC = "deterministic"
    STOCHASTIC = "stochastic"


class BigRRange(StrEnum):
    """Range of inferred risk attitudes: Min [0, 1], Mid [−0.5, 1], Max [−1, 1]."""

    MIN = "min"
    MID = "mid"
    MAX = "max"


class BigRAdjust(StrEnum):
    """How actor h estimates actor i's risk attitude from its own and i's."""

    FULL = "full"
    TWO_THIRDS = "two_thirds"
    HALF = "half"
    ONE_THIRD = "one_third"
    NONE = "none"


class ThirdPartyCommit(StrEnum):
    """How far a third party that joins a side commits its own position."""

    FULL = "full"
    SEMI = "semi"
    NONE = "none"


class Interpolation(StrEnum):
    """How a bargain is interpolated between two positions (weights s^n P^m, or S2PMax)."""

    S1P1 = "s1p1"
    S2P2 = "s2p2"
    S2PMAX = "s2pmax"


class BargainModel(StrEnum):
    """Which bargains a challenge puts on the table."""

    INIT_ONLY = "init_only"
    INIT_RCVR = "init_rcvr"
    POWER_WEIGHTED = "power_weighted"


@dataclass(frozen=True)
class SmpOptions:
    """The SMP's options; the defaults are KTAB's reference settings."""

    voting_rule: VotingRule = VotingRule.PROPORTIONAL
    victory_model: VictoryModel = VictoryModel.LINEAR
    pce: PceModel = PceModel.CONDITIONAL
    transition: StateTransition = StateTransition.DETERMINISTIC
    big_r_range: BigRRange = BigRRange.MID
    big_r_adjust: BigRAdjust = BigRAdjust.ONE_THIRD
    third_party_commit: ThirdPartyCommit = ThirdPartyCommit.SEMI
    interpolation: Interpolation = Interpolation.S2P2
    bargain_model: BargainModel = BargainModel.INIT_ONLY
    ktab_quirks: bool = True
    """Keep two KTAB behaviours in the non-default bargain models: the receiver's bargain uses
    the receiver's estimate of the initiator's *gain* where a probability is meant, and the
    power-weighted compromise weights the receiver's bargain by the initiator's capability."""
    min_turns: int = 2
    max_turns: int = 100
    stop_ratio: float = 0.02


# --- the building blocks (pure functions on arrays) ---------------------------------------


def vote(rule: VotingRule, weight: FloatArray | float, du: FloatArray) -> FloatArray:
    """Vote of weight ``weight`` for the option it prefers by ``du`` (KTAB ``Model::vote``)."""
    weight = np.asarray(weight, dtype=np.float64)
    if rule is VotingRule.PROPORTIONAL:
        return weight * du
    binary = np.clip(du / 1e-8, -1.0, 1.0)
    if rule is VotingRule.BINARY:
        return weight * binary
    if rule is VotingRule.PROP_BIN:
        return weight * (0.8 * du + 0.2 * binary)
    if rule is VotingRule.PROP_CUBIC:
        return weight * (0.5 * du + 0.5 * du**3)
    if rule is VotingRule.CUBIC:
        return weight * du**3
    return np.where(du < 0, weight * du, np.where(du > 0, 2.0 * weight * du / 3.0, 0.0))


def victory_probability(model: VictoryModel, strength: FloatArray, other: FloatArray) -> FloatArray:
    """Probability that a coalition of ``strength`` defeats one of ``other`` (KTAB ``vProb``)."""
    if model is VictoryModel.BINARY:
        threshold, floor = 1.10, 1e-6
        share = strength / (strength + other)
        middle = (share * (threshold + 1.0) - 1.0) / (threshold - 1.0)
        x1 = np.where(
            strength >= threshold * other,
            1.0,
            np.where(other >= threshold * strength, floor, middle),
        )
        x2 = np.where(
            strength >= threshold * other,
            floor,
            np.where(other >= threshold * strength, 1.0, 1 - middle),
        )
        return np.asarray(x1 / (x1 + x2), dtype=np.float64)
    power = {
        VictoryModel.LINEAR: 1,
        VictoryModel.SQUARE: 2,
        VictoryModel.QUARTIC: 4,
        VictoryModel.OCTIC: 8,
    }[model]
    x1, x2 = strength**power, other**power
    return np.asarray(x1 / (x1 + x2), dtype=np.float64)


def coalitions(rule: VotingRule, weight: FloatArray, utility: FloatArray) -> FloatArray:
    """Coalition strengths ``C[i, j]`` for option i against j (KTAB ``Model::coalitions``).

    ``weight`` holds the voters' weights (k,), ``utility[k, i]`` the utility to voter k of
    option i. As in KTAB, only the lower triangle's votes are cast (it matters only for the
    asymmetric prospect rule).
    """
    votes = vote(rule, weight[:, None, None], utility[:, :, None] - utility[:, None, :])
    for_first = np.sum(np.maximum(votes, 0.0), axis=0)
    for_second = np.sum(np.maximum(-votes, 0.0), axis=0)
    lower = np.tril(for_first, -1) + np.tril(for_second, -1).T
    return np.asarray(lower + MIN_COALITION, dtype=np.float64)


def victory_matrix(model: VictoryModel, strengths: FloatArray) -> FloatArray:
    """``P[i, j]``: probability option i defeats option j; 0.5 on the diagonal."""
    matrix = victory_probability(model, strengths, strengths.T)
    np.fill_diagonal(matrix, 0.5)
    return matrix


def pce(model: PceModel, victory: VictoryModel, strengths: FloatArray) -> FloatArray:
    """Probability that each option wins the probabilistic Condorcet election."""
    matrix = victory_matrix(victory, strengths)
    m = matrix.shape[0]
    if model is PceModel.CONDITIONAL:
        p = np.prod(matrix, axis=1)
        return np.asarray(p / p.sum(), dtype=np.float64)
    p = np.full(m, 1.0 / m)
    if model is PceModel.MARKOV_UNIFORM:
        tolerance = 1e-6
        for _ in range(1000):
            q = np.sum(matrix * (p[:, None] + p[None, :]), axis=1) / m
            change = float(np.max(np.abs(q - p)))
            p = (p + q) / 2.0
            if change <= tolerance:
                break
        return np.asarray(p, dtype=np.float64)
    incentive = strengths * matrix + np.eye(m) * 1e-10
    challenge = incentive / incentive.sum(axis=0, keepdims=True)
    for _ in range(1000):
        flows = p[:, None] * challenge.T
        q = np.sum(matrix * (flows + flows.T), axis=1)
        change = float(np.max(np.abs(q - p)))
        p = (p + q) / 2.0
        if change <= 1e-8:
            break
    return np.asarray(p, dtype=np.float64)


def scalar_pce(
    options: SmpOptions, weight: FloatArray, utility: FloatArray, rule: VotingRule | None = None
) -> FloatArray:
    """PCE over options given voters' weights and utilities (KTAB ``Model::scalarPCE``)."""
    strengths = coalitions(rule or options.voting_rule, weight, utility)
    return pce(options.pce, options.victory_model, strengths)


def big_r(probability: FloatArray, span: BigRRange) -> FloatArray:
    """Risk attitudes inferred from the probability of each actor's position winning."""
    low, high = float(np.min(probability)), float(np.max(probability))
    if high - low <= 0:
        return np.zeros_like(probability)
    if span is BigRRange.MIN:
        return (probability - low) / (high - low)
    if span is BigRRange.MID:
        return (3 * probability - (high + 2 * low)) / (2 * (high - low))
    return (2 * probability - (high + low)) / (high - low)


def estimated_risk(own: FloatArray, other: FloatArray, adjust: BigRAdjust) -> FloatArray:
    """Actor h's estimate of actor i's risk attitude (KTAB ``Model::estNRA``)."""
    if adjust is BigRAdjust.FULL:
        return other + 0 * own
    if adjust is BigRAdjust.TWO_THIRDS:
        return (own + 2 * other) / 3
    if adjust is BigRAdjust.HALF:
        return (own + other) / 2
    if adjust is BigRAdjust.ONE_THIRD:
        return (2 * own + other) / 3
    return own + 0 * other


def utility(distance: FloatArray, risk: FloatArray | float) -> FloatArray:
    """KTAB's utility of a normalised distance for risk attitude R: ``(1 − d)(1 + d R)``."""
    return np.where(
        distance <= 1, (1 - distance) * (1 + distance * risk), (1 - distance) * (1 + risk)
    )


def weighted_distance(position: FloatArray, salience: FloatArray, other: FloatArray) -> FloatArray:
    """Distance from each actor's position to each point, weighted by the actor's saliences.

    ``position`` and ``salience`` are (n, d); ``other`` is (m, d). Returns (n, m).
    """
    weighted = salience[:, None, :] * (position[:, None, :] - other[None, :, :])
    return np.asarray(
        np.sqrt(np.sum(weighted**2, axis=2) / np.sum(salience**2, axis=1)[:, None]),
        dtype=np.float64,
    )


# --- one state -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    position: FloatArray
    distance: FloatArray
    risk: FloatArray
    utilities: FloatArray  # [h, i, j]: h's estimate of the utility to i of j's position


def _assess(table: ActorTable, position: FloatArray, options: SmpOptions) -> _State:
    distance = weighted_distance(position, table.salience, position)
    neutral = utility(distance, 0.0)
    strengths = coalitions(options.voting_rule, table.capability, neutral)
    probability = pce(options.pce, options.victory_model, strengths)
    risk = big_r(probability, options.big_r_range)
    estimate = estimated_risk(risk[:, None], risk[None, :], options.big_r_adjust)
    utilities = utility(distance[None, :, :], estimate[:, :, None])
    return _State(position, distance, risk, utilities)


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
    state: _State,
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


def position_probabilities(table: ActorTable, state: _State, options: SmpOptions) -> FloatArray:
    """Probability that each actor's position wins (KTAB ``pDist(-1)``; equal positions share)."""
    gap = np.linalg.norm(state.position[:, None, :] - state.position[None, :, :], axis=2)
    same = gap < POSITION_TOLERANCE
    representative = np.argmax(same, axis=1)
    unique = np.flatnonzero(representative == np.arange(table.n_actors))
    own = state.utilities[np.arange(table.n_actors), np.arange(table.n_actors), :]
    p_unique = scalar_pce(options, table.capability, own[:, unique], VotingRule.PROPORTIONAL)
    lookup = np.zeros(table.n_actors)
    lookup[unique] = p_unique
    return np.asarray(lookup[representative], dtype=np.float64)


# --- the run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmpTurn:
    """One turn: the state it started from, the challenges, the choices and the move."""

    turn: int
    position: FloatArray
    risk: FloatArray
    win_probability: FloatArray
    challenges: list[dict[str, Any]]
    choices: list[dict[str, Any]]
    change: float


@dataclass(frozen=True)
class SmpRun:
    """A whole SMP run: every turn, the history of positions and the final state."""

    table: ActorTable
    options: SmpOptions
    turns: list[SmpTurn]
    history: FloatArray
    final_risk: FloatArray
    final_win_probability: FloatArray
    stop_reason: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final_position(self) -> FloatArray:
        """Positions after the last turn (0–1 scale)."""
        return np.asarray(self.history[-1], dtype=np.float64)

    def forecast(self) -> FloatArray:
        """The capability- and salience-weighted mean of final positions, per dimension."""
        weight = self.table.capability[:, None] * self.table.salience
        return np.asarray(
            np.sum(weight * self.final_position, axis=0) / np.sum(weight, axis=0), dtype=np.float64
        )


def _bargains(
    table: ActorTable, state: _State, options: SmpOptions
) -> tuple[list[dict[str, Any]], list[tuple[int, int, FloatArray, FloatArray, int]]]:
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


def _choose(
    table: ActorTable,
    state: _State,
    options: SmpOptions,
    bargains: list[tuple[int, int, FloatArray, FloatArray, int]],
    rng: np.random.Generator | None,
) -> tuple[FloatArray, list[dict[str, Any]]]:
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


def run_smp(
    table: ActorTable,
    options: SmpOptions | None = None,
    *,
    rng: np.random.Generator | None = None,
) -> SmpRun:
    """Run KTAB's Spatial Model of Politics on ``table``; every turn is recorded.

    Args:
        table: actors, capabilities, positions and saliences (0–1 scale).
        options: the model's options (KTAB's defaults when omitted).
        rng: needed only for stochastic state transitions.

    Returns:
        The run: turns (positions, risk attitudes, win probabilities, challenges with their
        probabilities and expected gains, each actor's choice and why), the history of
        positions and the final state.
    """
    options = options or SmpOptions()
    position = np.asarray(table.position, dtype=np.float64).copy()
    history = [position]
    turns: list[SmpTurn] = []
    first_change = 0.0
    stop_reason = f"reached the maximum of {options.max_turns} turns"
    for turn in range(1, options.max_turns + 1):
        state = _assess(table, position, options)
        win = position_probabilities(table, state, options)
        challenges, bargains = _bargains(table, state, options)
        position, choices = _choose(table, state, options, bargains, rng)
        change = float(np.sum(np.linalg.norm(position - history[-1], axis=1)))
        history.append(position)
        turns.append(SmpTurn(turn, state.position, state.risk, win, challenges, choices, change))
        if turn == 1:
            first_change = change + 1e-4
        ratio = change / first_change
        if turn >= options.min_turns and ratio < options.stop_ratio:
            stop_reason = f"change {ratio:.4f} of the first turn's, below {options.stop_ratio:g}"
            break
    final = _assess(table, position, options)
    return SmpRun(
        table=table,
        options=options,
        turns=turns,
        history=np.stack(history),
        final_risk=final.risk,
        final_win_probability=position_probabilities(table, final, options),
        stop_reason=stop_reason,
    )


def smp_run_to_dict(run: SmpRun) -> dict[str, Any]:
    """Return a run as JSON-ready data: every turn, the options and the final state."""
    table = run.table
    return {
        "engine": "smp",
        "scenario": table.name,
        "actors": list(table.actors),
        "dimensions": list(table.dimensions),
        "options": {
            key: str(value) if isinstance(value, StrEnum) else value
            for key, value in vars(run.options).items()
        },
        "turns": [
            {
                "turn": turn.turn,
                "positions": {a: turn.position[n].tolist() for n, a in enumerate(table.actors)},
                "risk_attitudes": dict(zip(table.actors, turn.risk.tolist(), strict=True)),
                "win_probabilities": dict(
                    zip(table.actors, turn.win_probability.tolist(), strict=True)
                ),
                "challenges": [
                    {
                        **challenge,
                        "bargain_initiator_position": challenge[
                            "bargain_initiator_position"
                        ].tolist(),
                        "bargain_target_position": challenge["bargain_target_position"].tolist(),
                    }
                    for challenge in turn.challenges
                ],
                "choices": turn.choices,
                "change": turn.change,
            }
            for turn in run.turns
        ],
        "final": {
            "positions": {a: run.final_position[n].tolist() for n, a in enumerate(table.actors)},
            "risk_attitudes": dict(zip(table.actors, run.final_risk.tolist(), strict=True)),
            "win_probabilities": dict(
                zip(table.actors, run.final_win_probability.tolist(), strict=True)
            ),
            "forecast": dict(zip(table.dimensions, run.forecast().tolist(), strict=True)),
            "turns": len(run.turns),
            "stop_reason": run.stop_reason,
        },
    }
