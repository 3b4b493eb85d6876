"""KTAB's reference run of the SMP, state by state, and how far a run of ours is from it.

``data/ktab/ref-dummyData_3Dim.json`` holds, as KTAB printed them, every state's positions, risk
attitudes, risk-aware utilities and winning probabilities, and every turn's challenges and
each actor's choice among its bargains (KTAB ``examples/smp/doc/20170530_ref-dummyData_3Dim.txt``,
MIT licence). :func:`state_gaps` and :func:`turn_gaps` line a run of
:func:`~guarantor.bargaining.smp.run_smp` up against it; a quantity agrees when it is within half
a unit of the last decimal KTAB printed. KTAB's 6-dimension and 40-actor sample inputs, which
have no reference run, are pinned by :func:`run_record` (``scripts/ktab_samples.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from guarantor.bargaining.smp import SmpRun, assess_state, utility

FloatArray = NDArray[np.float64]

REFERENCE_FILE = "ref-dummyData_3Dim.json"
"""KTAB's reference run, transcribed (in ``bargaining/data/ktab``)."""
INPUT_FILE = "ktab-dummy-3dim.csv"
"""The input of that run (in ``bargaining/data``)."""

DECIMALS = {
    "positions": 4,  # on KTAB's 0–100 scale
    "risk_attitudes": 3,
    "utilities": 4,
    "win_probabilities": 4,
    "challenges": 4,  # probabilities and expected gains
    "bargains": 3,  # on KTAB's 0–100 scale
    "choices": 4,
}
"""Decimals KTAB printed for each quantity of the reference run."""

_CHALLENGE_FIELDS = (
    "probability_by_initiator",
    "gain_to_initiator_by_initiator",
    "gain_to_target_by_initiator",
    "probability_by_target",
    "gain_to_initiator_by_target",
    "gain_to_target_by_target",
)


def tolerance(quantity: str) -> float:
    """Half a unit of KTAB's last printed decimal (plus float round-off) for ``quantity``."""
    return 0.5 * 10.0 ** -DECIMALS[quantity] + 1e-9


def load_reference() -> dict[str, Any]:
    """KTAB's reference run as shipped (states 0–10, turns 1–10)."""
    data: dict[str, Any] = json.loads(sample_path(REFERENCE_FILE).read_text(encoding="utf-8"))
    return data


def _max_gap(ours: FloatArray, theirs: Any) -> float:
    return float(np.max(np.abs(np.asarray(ours, dtype=np.float64) - np.asarray(theirs))))


@dataclass(frozen=True)
class StateGap:
    """Largest absolute difference from KTAB at one state, per quantity (KTAB's units)."""

    state: int
    positions: float
    risk_attitudes: float
    utilities: float
    win_probabilities: float

    def within_print_precision(self) -> bool:
        """Every quantity within half a unit of KTAB's last printed decimal."""
        return all(
            getattr(self, name) <= tolerance(name)
            for name in ("positions", "risk_attitudes", "utilities", "win_probabilities")
        )


@dataclass(frozen=True)
class TurnGap:
    """Largest absolute difference from KTAB in one turn's challenges, bargains and choices."""

    turn: int
    same_challenges: bool
    challenges: float
    bargains: float
    same_options: bool
    choices: float

    def within_print_precision(self) -> bool:
        """Same challenges and options as KTAB, each number within its print precision."""
        return (
            self.same_challenges
            and self.same_options
            and self.challenges <= tolerance("challenges")
            and self.bargains <= tolerance("bargains")
            and self.choices <= tolerance("choices")
        )


def state_gaps(run: SmpRun, reference: dict[str, Any]) -> list[StateGap]:
    """Our state s against KTAB's state s, for every state KTAB recorded.

    Positions compare on KTAB's 0–100 scale; utilities are KTAB's objective risk-aware matrix
    ``u(d_ij, R_i)`` (row: actor, column: the position it judges).
    """
    table = run.table
    gaps = []
    for record in reference["states"]:
        s = int(record["state"])
        if s >= run.history.shape[0]:
            gaps.append(StateGap(s, np.inf, np.inf, np.inf, np.inf))
            continue
        position = run.history[s]
        state = assess_state(table, position, run.options)
        objective = utility(state.distance, state.risk[:, None])
        win = run.turns[s].win_probability if s < len(run.turns) else run.final_win_probability
        gaps.append(
            StateGap(
                state=s,
                positions=_max_gap(100 * position, record["positions"]),
                risk_attitudes=_max_gap(state.risk, record["risk_attitudes"]),
                utilities=_max_gap(objective, record["utilities"]),
                win_probabilities=_max_gap(win, record["win_probabilities"]),
            )
        )
    return gaps


def _label(actors: tuple[str, ...], option: str) -> str:
    if option == "status quo":
        return option
    initiator, target = (int(part) for part in option.split(":"))
    return f"{actors[initiator]}>{actors[target]}"


def turn_gaps(run: SmpRun, reference: dict[str, Any]) -> list[TurnGap]:
    """Our turn t against KTAB's: the challenges made, their estimates and bargains, the choices."""
    actors = run.table.actors
    gaps = []
    for record in reference["turns"]:
        t = int(record["turn"])
        if t > len(run.turns):
            gaps.append(TurnGap(t, False, np.inf, np.inf, False, np.inf))
            continue
        turn = run.turns[t - 1]
        ours = {(c["initiator"], c["target"]): c for c in turn.challenges}
        theirs = {(actors[c["initiator"]], actors[c["target"]]): c for c in record["challenges"]}
        common = set(ours) & set(theirs)
        estimates = [
            abs(ours[key][name] - theirs[key][name]) for key in common for name in _CHALLENGE_FIELDS
        ]
        bargains = [
            _max_gap(100 * ours[key][name], theirs[key][name])
            for key in common
            for name in ("bargain_initiator_position", "bargain_target_position")
        ]
        chosen = {c["actor"]: c for c in turn.choices}
        same_options = True
        choices: list[float] = []
        for choice in record["choices"]:
            mine = {
                o["bargain"]: o["probability"] for o in chosen[actors[choice["actor"]]]["options"]
            }
            kt = {
                _label(actors, option): p
                for option, p in zip(choice["options"], choice["probabilities"], strict=True)
            }
            same_options = same_options and set(mine) == set(kt)
            choices.extend(abs(mine[label] - p) for label, p in kt.items() if label in mine)
        gaps.append(
            TurnGap(
                turn=t,
                same_challenges=set(ours) == set(theirs),
                challenges=max(estimates, default=0.0),
                bargains=max(bargains, default=0.0),
                same_options=same_options,
                choices=max(choices, default=0.0),
            )
        )
    return gaps


SAMPLE_INPUTS = {
    "6 dimensions, 27 actors": "dummyData_6Dim.csv",
    "1 dimension, 40 actors": "dummyData-a040.csv",
}
"""KTAB's sample inputs shipped as regression runs (``bargaining/data/ktab``; KTAB has no
reference output for them, so our output is pinned in ``SAMPLE_RUNS_FILE``)."""
SAMPLE_RUNS_FILE = "sample-runs.json"
"""Our pinned output of the sample runs (written by ``scripts/ktab_samples.py``)."""


def sample_path(file: str) -> Path:
    """Where a file of ``bargaining/data/ktab`` is installed."""
    return Path(str(resources.files("guarantor.bargaining").joinpath("data", "ktab", file)))


def run_record(run: SmpRun) -> dict[str, Any]:
    """What the regression file pins of a run: length, stop, each turn's change, final state."""
    return {
        "scenario": run.table.name,
        "actors": run.table.n_actors,
        "dimensions": list(run.table.dimensions),
        "turns": len(run.turns),
        "stop_reason": run.stop_reason,
        "change_by_turn": [round(turn.change, 10) for turn in run.turns],
        "final_positions": np.round(run.final_position, 10).tolist(),
        "final_win_probabilities": np.round(run.final_win_probability, 10).tolist(),
        "forecast": np.round(run.forecast(), 10).tolist(),
    }
