"""The SMP's options (KTAB's variants of voting, victory, PCE, risk and bargaining) and limits."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MIN_COALITION = 1e-8
"""KTAB's floor on a coalition's strength in an election (avoids 0/0)."""
MIN_CONTEST = 1e-10
"""KTAB's floor on a coalition's strength in a challenge."""
MIN_SIGNIFICANT_GAIN = 1e-5
"""KTAB's smallest expected gain worth a challenge."""
POSITION_TOLERANCE = 1e-3
"""Positions closer than this (Euclidean, 0–1 scale) count as one option: KTAB's ``posTol``.

KTAB ``examples/smp/libsrc/smp.h`` line 321 (commit 06542ee): ``double posTol = 1E-3; // on a
scale of 0 to 100, this is a difference of just 0.1``, used by ``SMPState::equivNdx`` in
``smp.cpp`` (``norm(pos_i - pos_j) < posTol``). KTAB's bargains are rounded to 1e-4, so two
actors that took the two sides of one bargain can sit 1e-4 apart; at 1e-5 they counted as two
options and split the vote, which moved the winning probabilities by up to 0.29."""


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
    position_tolerance: float = POSITION_TOLERANCE
    """Positions closer than this (0–1 scale) share one winning probability (KTAB ``posTol``)."""
    min_turns: int = 2
    max_turns: int = 100
    stop_ratio: float = 0.02

    def __post_init__(self) -> None:
        if not self.position_tolerance > 0:
            raise ValueError(f"position_tolerance must be > 0, got {self.position_tolerance!r}")


# --- the building blocks (pure functions on arrays) ---------------------------------------
