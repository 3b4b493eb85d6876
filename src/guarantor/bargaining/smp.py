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

This module holds the run and its record; the options are in
:mod:`~guarantor.bargaining.smp_options`, the election arithmetic in
:mod:`~guarantor.bargaining.smp_elections` and the steps of a turn in
:mod:`~guarantor.bargaining.smp_turn`. Their public names stay importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
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
    victory_matrix,
    victory_probability,
    vote,
    weighted_distance,
)
from guarantor.bargaining.smp_options import (
    MIN_COALITION,
    MIN_CONTEST,
    MIN_SIGNIFICANT_GAIN,
    POSITION_TOLERANCE,
    BargainModel,
    BigRAdjust,
    BigRRange,
    Interpolation,
    PceModel,
    SmpOptions,
    StateTransition,
    ThirdPartyCommit,
    VictoryModel,
    VotingRule,
)
from guarantor.bargaining.smp_turn import (
    TurnState,
    assess_state,
    challenge_estimates,
    choose_positions,
    find_bargains,
    interpolate,
    position_probabilities,
    unique_positions,
)
from guarantor.bargaining.table import ActorTable

FloatArray = NDArray[np.float64]

__all__ = [
    "MIN_COALITION",
    "MIN_CONTEST",
    "MIN_SIGNIFICANT_GAIN",
    "POSITION_TOLERANCE",
    "BargainModel",
    "BigRAdjust",
    "BigRRange",
    "Interpolation",
    "PceModel",
    "SmpOptions",
    "SmpRun",
    "SmpTurn",
    "StateTransition",
    "ThirdPartyCommit",
    "TurnState",
    "VictoryModel",
    "VotingRule",
    "assess_state",
    "big_r",
    "challenge_estimates",
    "choose_positions",
    "coalitions",
    "estimated_risk",
    "find_bargains",
    "interpolate",
    "pce",
    "position_probabilities",
    "run_smp",
    "scalar_pce",
    "smp_run_to_dict",
    "unique_positions",
    "utility",
    "victory_matrix",
    "victory_probability",
    "vote",
    "weighted_distance",
]


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
        state = assess_state(table, position, options)
        win = position_probabilities(table, state, options)
        challenges, bargains = find_bargains(table, state, options)
        position, choices = choose_positions(table, state, options, bargains, rng)
        change = float(np.sum(np.linalg.norm(position - history[-1], axis=1)))
        history.append(position)
        turns.append(SmpTurn(turn, state.position, state.risk, win, challenges, choices, change))
        if turn == 1:
            first_change = change + 1e-4
        ratio = change / first_change
        if turn >= options.min_turns and ratio < options.stop_ratio:
            stop_reason = f"change {ratio:.4f} of the first turn's, below {options.stop_ratio:g}"
            break
    final = assess_state(table, position, options)
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
