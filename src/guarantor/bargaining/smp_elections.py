"""The SMP's election arithmetic: votes, victory probabilities, the PCE, risk and utility.

Pure functions on arrays over actors (and positions); the turn (:mod:`~guarantor.bargaining.
smp_turn`) composes them.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.smp_options import (
    MIN_COALITION,
    BigRAdjust,
    BigRRange,
    PceModel,
    SmpOptions,
    VictoryModel,
    VotingRule,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


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
