"""The SMP engine against KTAB's reference run of dummyData_3Dim.csv at every one of its 11 states.

Each quantity must agree within half a unit of the last decimal KTAB printed (positions 4
decimals on 0–100, risk attitudes 3, utilities, winning probabilities, challenge estimates and
choice probabilities 4, bargains 3 on 0–100).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from guarantor.bargaining import SmpOptions, read_ktab_csv, run_smp
from guarantor.bargaining.ktab_reference import (
    INPUT_FILE,
    load_reference,
    state_gaps,
    tolerance,
    turn_gaps,
)
from guarantor.bargaining.smp import (
    POSITION_TOLERANCE,
    SmpRun,
    assess_state,
    position_probabilities,
    unique_positions,
)
from guarantor.bargaining.table import ActorTable

DATA = Path(__file__).resolve().parents[1] / "src" / "guarantor" / "bargaining" / "data"
REFERENCE = load_reference()


@pytest.fixture(scope="module")
def run() -> SmpRun:
    return run_smp(read_ktab_csv(DATA / INPUT_FILE))


def test_reference_holds_eleven_states_and_ten_turns() -> None:
    assert [s["state"] for s in REFERENCE["states"]] == list(range(11))
    assert [t["turn"] for t in REFERENCE["turns"]] == list(range(1, 11))
    assert REFERENCE["source"]["licence"].startswith("MIT")
    for state in REFERENCE["states"]:
        assert np.shape(state["positions"]) == (7, 3)
        assert np.shape(state["utilities"]) == (7, 7)
        assert len(state["risk_attitudes"]) == len(state["win_probabilities"]) == 7


def test_position_tolerance_is_ktabs() -> None:
    # KTAB smp.h: double posTol = 1E-3 (0–1 scale)
    assert POSITION_TOLERANCE == 1e-3
    assert SmpOptions().position_tolerance == 1e-3
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="position_tolerance"):
            SmpOptions(position_tolerance=bad)


def test_run_has_as_many_states_as_ktabs(run: SmpRun) -> None:
    assert run.history.shape[0] == len(REFERENCE["states"]) == 11
    assert "below 0.02" in run.stop_reason


@pytest.mark.parametrize("state", range(11))
def test_every_state_matches_ktab_within_print_precision(run: SmpRun, state: int) -> None:
    gap = state_gaps(run, REFERENCE)[state]
    assert gap.state == state
    assert gap.positions <= tolerance("positions"), gap
    assert gap.risk_attitudes <= tolerance("risk_attitudes"), gap
    assert gap.utilities <= tolerance("utilities"), gap
    assert gap.win_probabilities <= tolerance("win_probabilities"), gap
    assert gap.within_print_precision()


@pytest.mark.parametrize("turn", range(1, 11))
def test_every_turn_makes_ktabs_challenges_bargains_and_choices(run: SmpRun, turn: int) -> None:
    gap = turn_gaps(run, REFERENCE)[turn - 1]
    assert gap.turn == turn
    assert gap.same_challenges, "the same actors challenge the same targets"
    assert gap.challenges <= tolerance("challenges"), gap
    assert gap.bargains <= tolerance("bargains"), gap
    assert gap.same_options, "every actor chooses among the same bargains"
    assert gap.choices <= tolerance("choices"), gap


def test_each_actor_chooses_what_ktab_chose(run: SmpRun) -> None:
    actors = run.table.actors
    for record, turn in zip(REFERENCE["turns"], run.turns, strict=True):
        ours = {c["actor"]: c["chosen"] for c in turn.choices}
        for choice in record["choices"]:
            chosen = choice["chosen"]
            if chosen != "status quo":
                i, j = (int(x) for x in chosen.split(":"))
                chosen = f"{actors[i]}>{actors[j]}"
            assert ours[actors[choice["actor"]]] == chosen, (record["turn"], choice["actor"])


def test_the_old_tolerance_splits_actors_one_bargain_apart(run: SmpRun) -> None:
    """The cause of the 0.29 gap: at 1e-5, positions 1e-4 apart counted as two options."""
    old = run_smp(run.table, replace(run.options, position_tolerance=1e-5))
    gaps = [g.win_probabilities for g in state_gaps(old, REFERENCE)]
    off = [s for s, g in enumerate(gaps) if g > tolerance("win_probabilities")]
    assert off == [1, 7, 8]
    assert max(gaps) == pytest.approx(0.29, abs=0.01)
    # same dynamics: the tolerance only decides which positions share a winning probability
    assert np.array_equal(old.history, run.history)
    # at state 1, actors 0 and 4 sit 1e-4 apart on dimension 2 (KTAB: 44.71 and 44.72)
    state1 = run.history[1]
    assert np.linalg.norm(state1[0] - state1[4]) == pytest.approx(1e-4, abs=1e-9)
    assert run.turns[1].win_probability[0] == run.turns[1].win_probability[4]
    assert old.turns[1].win_probability[0] != old.turns[1].win_probability[4]


@pytest.mark.parametrize("tolerance_01", [2e-4, 1e-3, 5e-3, 2e-2])
def test_positions_within_the_tolerance_share_one_probability(
    run: SmpRun, tolerance_01: float
) -> None:
    result = run_smp(run.table, replace(run.options, position_tolerance=tolerance_01))
    for turn in result.turns:
        unique = unique_positions(turn.position, tolerance_01)
        # the distinct positions carry the whole probability, each its own
        assert turn.win_probability[unique].sum() == pytest.approx(1.0)
        gap = np.linalg.norm(turn.position[:, None, :] - turn.position[None, unique, :], axis=2)
        for actor in range(result.table.n_actors):
            near = unique[gap[actor] < tolerance_01]
            assert near.size >= 1
            # KTAB's posProb: the last distinct position within the tolerance
            assert turn.win_probability[actor] == turn.win_probability[near[-1]]


def test_a_chain_of_close_positions_is_split_as_ktab_splits_it() -> None:
    """A–B and B–C within the tolerance, A–C not: A and C are options, B reports C's share."""
    position = np.array([[0.5, 0.5], [0.5008, 0.5], [0.5016, 0.5], [0.2, 0.9]])
    assert unique_positions(position, 1e-3).tolist() == [0, 2, 3]
    assert unique_positions(position, 2e-3).tolist() == [0, 3]
    assert unique_positions(position, 1e-4).tolist() == [0, 1, 2, 3]
    table = ActorTable(
        name="chain",
        description="a chain of close positions",
        actors=("A", "B", "C", "D"),
        dimensions=("x", "y"),
        capability=np.array([3.0, 1.0, 2.0, 2.0]),
        position=position,
        salience=np.full((4, 2), 0.5),
    )
    options = SmpOptions(position_tolerance=1e-3)
    state = assess_state(table, position, options)
    win = position_probabilities(table, state, options)
    assert win[1] == win[2] > 0
    assert win[[0, 2, 3]].sum() == pytest.approx(1.0)
