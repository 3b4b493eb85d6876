"""The SMP engine reproduces KTAB's reference run of dummyData_3Dim.csv."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guarantor.bargaining import SmpOptions, read_ktab_csv, run_smp
from guarantor.bargaining.smp import (
    BargainModel,
    BigRAdjust,
    BigRRange,
    Interpolation,
    PceModel,
    StateTransition,
    ThirdPartyCommit,
    VictoryModel,
    VotingRule,
    smp_run_to_dict,
)

DATA = Path(__file__).resolve().parents[1] / "src" / "guarantor" / "bargaining" / "data"
# KTAB examples/smp/doc/20170530_ref-dummyData_3Dim.txt ("History of actor positions over time")
KTAB_HISTORY = {
    (0, 0): [75.8, 79.5, 80.6, 80.6, 78.5, 78.5, 78.5, 78.5, 78.6, 78.6, 78.6],
    (0, 1): [6.4, 44.7, 34.2, 35.0, 30.5, 30.5, 31.2, 31.2, 31.5, 31.8, 31.8],
    (1, 1): [73.5, 56.3, 27.5, 30.5, 30.6, 30.6, 30.9, 31.2, 34.4, 31.8, 31.8],
    (4, 2): [73.3, 72.0, 79.1, 73.8, 74.0, 74.0, 74.1, 75.9, 74.0, 74.1, 74.1],
    (5, 2): [88.1, 86.3, 75.9, 76.3, 76.1, 75.9, 75.9, 75.9, 75.2, 75.2, 75.2],
    (6, 0): [71.0, 75.6, 76.0, 77.4, 77.4, 80.5, 78.5, 78.5, 78.7, 78.7, 78.6],
    (6, 1): [33.5, 24.8, 27.5, 28.7, 28.7, 34.6, 31.2, 31.2, 31.3, 31.3, 31.6],
}
KTAB_FINAL_WIN = [0.3340, 0.3340, 0.0183, 0.0957, 0.1512, 0.4009, 0.1512]


@pytest.fixture(scope="module")
def reference():
    table = read_ktab_csv(DATA / "ktab-dummy-3dim.csv")
    return table, run_smp(table)


def test_ktab_csv_is_read_on_the_zero_one_scale(reference) -> None:
    table, _ = reference
    assert table.actors[0] == "SActor-00"
    assert table.dimensions == ("Pstn1", "Pstn2", "Pstn3")
    assert table.capability[2] == pytest.approx(129.643)
    assert table.position[0].tolist() == pytest.approx([0.7579, 0.0637, 0.7045])
    assert table.salience.sum(axis=1).max() <= 1.0


def test_first_turn_risk_attitudes_match_ktab(reference) -> None:
    _, run = reference
    assert np.round(run.turns[0].risk, 3).tolist() == [
        -0.5,
        -0.459,
        -0.499,
        -0.274,
        1.0,
        -0.232,
        -0.43,
    ]


def test_first_turn_challenges_match_ktab(reference) -> None:
    table, run = reference
    found = {(c["initiator"], c["target"]): c for c in run.turns[0].challenges}
    # (initiator, target): P by initiator, gain to initiator, gain to target, P by target
    expected = {
        (0, 6): (0.7643, 0.0947, -0.1548, 0.7660),
        (5, 1): (0.8510, 0.2986, -0.2221, 0.8518),
        (1, 0): (0.7964, 0.2810, -0.0912, 0.7952),
        (6, 1): (0.3970, 0.0286, -0.0267, 0.3981),
        (2, 6): (0.8334, 0.4711, -0.4958, 0.8331),
        (4, 0): (0.5836, 0.0116, -0.0116, 0.7586),
        (3, 0): (0.8056, 0.2839, -0.1143, 0.8008),
    }
    assert len(found) == len(expected)
    for (i, j), (p_i, gain_i, gain_j, p_j) in expected.items():
        record = found[(table.actors[i], table.actors[j])]
        assert record["probability_by_initiator"] == pytest.approx(p_i, abs=5e-5)
        assert record["gain_to_initiator_by_initiator"] == pytest.approx(gain_i, abs=5e-5)
        assert record["gain_to_target_by_initiator"] == pytest.approx(gain_j, abs=5e-5)
        assert record["probability_by_target"] == pytest.approx(p_j, abs=5e-5)
    bargain = found[("SActor-00", "SActor-06")]
    assert (100 * bargain["bargain_initiator_position"]).tolist() == pytest.approx(
        [75.61, 24.78, 71.95]
    )
    assert (100 * bargain["bargain_target_position"]).tolist() == pytest.approx(
        [75.61, 24.79, 71.95]
    )


def test_position_history_matches_ktab_over_ten_turns(reference) -> None:
    _, run = reference
    assert len(run.turns) == 10
    assert "below 0.02" in run.stop_reason
    for (actor, dim), ktab in KTAB_HISTORY.items():
        ours = 100 * run.history[:, actor, dim]
        # KTAB prints one decimal; allow for its rounding of values ending in 5
        assert np.max(np.abs(ours - np.array(ktab))) <= 0.051, (actor, dim)


def test_win_probabilities_match_ktab(reference) -> None:
    _, run = reference
    assert np.round(run.turns[0].win_probability, 4).tolist() == [
        0.0047,
        0.0302,
        0.0054,
        0.1492,
        0.6001,
        0.1447,
        0.0656,
    ]
    assert np.round(run.final_win_probability, 4).tolist() == KTAB_FINAL_WIN


def test_json_holds_every_turn_complete(reference) -> None:
    table, run = reference
    data = smp_run_to_dict(run)
    assert len(data["turns"]) == 10
    for turn in data["turns"]:
        assert set(turn["positions"]) == set(table.actors)
        assert set(turn["risk_attitudes"]) == set(table.actors)
        assert sum(turn["win_probabilities"].values()) >= 1.0 - 1e-9
        assert {c["actor"] for c in turn["choices"]} == set(table.actors)
        for challenge in turn["challenges"]:
            assert set(challenge["third_party_votes"]) == set(table.actors) - {
                challenge["initiator"],
                challenge["target"],
            }
    assert data["final"]["turns"] == 10
    assert data["options"]["bargain_model"] == "init_only"


@pytest.mark.parametrize(
    "options",
    [
        SmpOptions(voting_rule=VotingRule.BINARY, max_turns=4),
        SmpOptions(voting_rule=VotingRule.ASYM_PROSPECT, max_turns=4),
        SmpOptions(victory_model=VictoryModel.QUARTIC, max_turns=4),
        SmpOptions(victory_model=VictoryModel.BINARY, max_turns=4),
        SmpOptions(pce=PceModel.MARKOV_INCENTIVE, max_turns=4),
        SmpOptions(pce=PceModel.MARKOV_UNIFORM, max_turns=4),
        SmpOptions(big_r_range=BigRRange.MAX, big_r_adjust=BigRAdjust.FULL, max_turns=4),
        SmpOptions(third_party_commit=ThirdPartyCommit.FULL, max_turns=4),
        SmpOptions(interpolation=Interpolation.S2PMAX, max_turns=4),
        SmpOptions(bargain_model=BargainModel.INIT_RCVR, max_turns=4),
        SmpOptions(bargain_model=BargainModel.POWER_WEIGHTED, ktab_quirks=False, max_turns=4),
    ],
    ids=lambda o: "-".join(f"{k}={v}" for k, v in vars(o).items() if v != getattr(SmpOptions(), k)),
)
def test_every_option_keeps_positions_within_the_initial_hull(reference, options) -> None:
    table, _ = reference
    run = run_smp(table, options)
    low, high = table.position.min(axis=0), table.position.max(axis=0)
    assert np.all(np.isfinite(run.history))
    assert np.all(run.history >= low - 1e-9)
    assert np.all(run.history <= high + 1e-9)
    for turn in run.turns:
        assert turn.win_probability.max() <= 1.0


def test_stochastic_transitions_need_a_generator_and_repeat_with_a_seed(reference) -> None:
    table, _ = reference
    options = SmpOptions(transition=StateTransition.STOCHASTIC, max_turns=3)
    with pytest.raises(ValueError, match="Generator"):
        run_smp(table, options)
    first = run_smp(table, options, rng=np.random.default_rng(7))
    second = run_smp(table, options, rng=np.random.default_rng(7))
    assert np.array_equal(first.history, second.history)
